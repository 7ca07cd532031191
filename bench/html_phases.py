"""Where an HTML page's CPU time goes: each phase of reading it, then the pipeline.

    python bench/html_phases.py ../shared/bench            # all 1,698 unique pages
    python bench/html_phases.py ../shared/bench --step 4   # every 4th page

The pages are those of ``bench/html_speed.py`` (pages whose bytes repeat counted once),
decompressed before any clock starts. Each page is read phase by phase, the phases of
``extraction.extract`` with ``time.process_time`` around each: decoding, the lxml
tree, the head's metadata tags, the measuring walk (``content.Measure``), the layout
recorder's set-up, the text walk, the fields. Then the pages are read again by
``read_html`` and the default pipeline runs over them with its corpus pass, as
``bench/html_speed.py`` runs it (imports and langdetect's profiles, loaded with the
first page, included). Prints ms/page and the share of each.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from html_speed import unique_pages  # the bench folder, put on the path above

from corpuskit.document import Document
from corpuskit.html.candidates import adopt_named_container
from corpuskit.html.content import Measure, Vocabulary
from corpuskit.html.extraction import page_fields
from corpuskit.html.layout import LayoutRecorder
from corpuskit.html.metadata import METADATA_TAGS
from corpuskit.html.text import _Lines, _walk
from corpuskit.html.tree import parse
from corpuskit.readers.html import read_html
from corpuskit.readers.text import decode_page

PHASES = ("decode", "tree", "head", "measure", "recorder", "text walk", "fields")


def read_in_phases(path: str, raw: bytes, seconds: list[float]) -> None:
    """Read one page as ``extract`` does, adding each phase's CPU time to ``seconds``."""
    clock = [time.process_time()]

    def lap(phase: int) -> None:
        now = time.process_time()
        seconds[phase] += now - clock[0]
        clock[0] = now

    decoded = decode_page(path, raw, "html")
    lap(0)
    if isinstance(decoded, tuple):
        tree = parse(decoded[0], "lxml")
        lap(1)
        head = tree.find("head")
        tags = tree.find_all(head, METADATA_TAGS) if head is not None else []
        lap(2)
        measure = Measure(tree, Vocabulary.default())
        adopt_named_container(measure)
        lap(3)
        recorder = LayoutRecorder(measure)
        recorder.set_page_chars(measure.of(tree.root))
        lap(4)
        lines = _Lines(recorder)
        _walk(tree, lines, measure, measure.of(tree.root), tags)
        lines.text()
        lap(5)
        page_fields(tree, tags)
        lap(6)


def pipeline_seconds(pages: list[bytes]) -> float:
    """CPU seconds of the default pipeline, corpus pass included, over ``pages`` read."""
    import corpuskit
    from corpuskit.run.passes import corpus_passes

    docs = [read_html(f"{number}.html", raw) for number, raw in enumerate(pages)]
    start = time.process_time()
    _, remaining, prepared = corpus_passes(corpuskit.default_pipeline(), iter(docs))
    for doc in prepared:
        if isinstance(doc, Document):
            remaining(doc)
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("root", type=Path, help="the folder of traf-dev and dragnet-dev")
    parser.add_argument("--step", type=int, default=1, help="every step-th page")
    args = parser.parse_args()
    folders = [args.root / "traf-dev", args.root / "dragnet-dev"]
    pages = [gzip.decompress(path.read_bytes()) for path in unique_pages(folders)][:: args.step]
    seconds = [0.0] * len(PHASES)
    for number, raw in enumerate(pages):
        read_in_phases(f"{number}.html", raw, seconds)
    rows = [*zip(PHASES, seconds, strict=True), ("pipeline", pipeline_seconds(pages))]
    total = sum(value for _, value in rows)
    for phase, value in rows:
        print(f"{phase:10} {1000 * value / len(pages):6.2f} ms/page {100 * value / total:5.1f}%")
    print(f"{len(pages)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
