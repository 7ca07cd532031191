"""The cost of ``read_html`` (decoding, the lxml parse, the walks) on the unique dev pages,
in a form that a noisy shared machine cannot blur: run it under callgrind and count
instructions, once on some pages and once on none, and subtract.

    python bench/read_cost.py ../shared/bench 40        # every 40th page: CPU-s and a digest
    python bench/read_cost.py ../shared/bench 40 --none # the same start-up, no page read
    python bench/read_cost.py ../shared/bench 20 --pipeline  # then the default pipeline
    python bench/read_cost.py ../shared/bench 40 --parse # decoding and the tree alone

    # instructions of reading every 40th page (43 pages), this checkout against main's
    # (each with the python of its own venv, whose editable install is that checkout):
    for python in .venv/bin/python ../main/.venv/bin/python; do
      for none in "" --none; do
        valgrind --tool=callgrind --callgrind-out-file=/dev/null \
          $python bench/read_cost.py ../shared/bench 40 $none 2>&1 | grep Collected
      done
    done

The pages are those of ``bench/html_speed.py`` (pages whose bytes repeat counted once),
all decompressed before the clock starts, with or without ``--none``, so that the
difference of the two counts is the reading alone. The digest of the texts and layouts
read shows that two trees read the same.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from html_speed import unique_pages  # the bench folder, put on the path above


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("root", type=Path, help="the folder of traf-dev and dragnet-dev")
    parser.add_argument("step", type=int, nargs="?", default=1, help="every step-th page")
    parser.add_argument("--none", action="store_true", help="read no page (the baseline)")
    parser.add_argument(
        "--pipeline", action="store_true", help="then run the default pipeline over the pages read"
    )
    parser.add_argument(
        "--parse", action="store_true", help="only decode and parse the pages (the tree's phase)"
    )
    args = parser.parse_args()
    folders = [args.root / "traf-dev", args.root / "dragnet-dev"]
    pages = [gzip.decompress(path.read_bytes()) for path in unique_pages(folders)]
    chosen = [] if args.none else pages[:: args.step]
    from corpuskit.readers.html import read_html
    from corpuskit.readers.options import ReadOptions

    options = ReadOptions()
    if args.parse:
        print(parsed(chosen))
        return 0
    start = time.process_time()
    docs = [read_html(f"{number}.html", raw, options) for number, raw in enumerate(chosen)]
    seconds = time.process_time() - start
    read = repr([(getattr(doc, "text", None), getattr(doc, "layout", None)) for doc in docs])
    digest = hashlib.sha256(read.encode()).hexdigest()[:12]
    print(f"{len(chosen)} pages, {seconds:.3f} CPU-s, digest {digest}")
    if args.pipeline:
        print(cleaned_digest(docs))
    return 0


def parsed(pages: list[bytes]) -> str:
    """Decode and parse ``pages`` as ``read_html`` does, and no more (the lxml tree with
    its truncation check and children lists); say the CPU time and a digest of each
    tree's element names."""
    from corpuskit.html.tree import parse
    from corpuskit.readers.text import decode_page

    start = time.process_time()
    trees = []
    for number, raw in enumerate(pages):
        decoded = decode_page(f"{number}.html", raw, "html")
        if isinstance(decoded, tuple):
            trees.append(parse(decoded[0]))
    seconds = time.process_time() - start
    names = repr([[tree.name(e) for e in tree.elements(tree.root)] for tree in trees])
    return f"{len(trees)} pages parsed, {seconds:.3f} CPU-s, digest {_digest(names)}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def cleaned_digest(docs: list[Any]) -> str:
    """Run the default pipeline, its corpus pass included, over ``docs``; say its CPU
    time and the digest of each page's text, fields and language as it leaves."""
    import corpuskit
    from corpuskit.document import Document
    from corpuskit.run.passes import corpus_passes

    start = time.process_time()
    _, remaining, prepared = corpus_passes(corpuskit.default_pipeline(), iter(docs))
    out = [remaining(doc) if isinstance(doc, Document) else doc for doc in prepared]
    seconds = time.process_time() - start
    fields = ("text", "title", "author", "published", "lang", "lang_score")
    cleaned = repr([[getattr(doc, name, None) for name in fields] for doc in out])
    digest = hashlib.sha256(cleaned.encode()).hexdigest()[:12]
    return f"pipeline {seconds:.3f} CPU-s, digest {digest}"


if __name__ == "__main__":
    sys.exit(main())
