"""HTML mode's speed beside trafilatura and readability-lxml, on the unique dev pages.

    python bench/html_speed.py ../shared/bench/traf-dev ../shared/bench/dragnet-dev
    python bench/html_speed.py ../shared/bench/traf-dev --rounds 5
    python bench/html_speed.py ../shared/bench/traf-dev --baseline /work/main

Every page of the dev sets given (``pages/*.html.gz``), once each (pages whose bytes
repeat are counted once), is read from its decompressed bytes by each contender, each in
a fresh process, the contenders alternated round by round (their order rotates):

- ``corpuskit``: HTML mode by default (libxml2's tree through lxml), end to end: the
  page read from its bytes (``read_html``: decoding, parsing, text and layout), then the
  default pipeline, corpus pass included (``corpus_passes``), as ``clean_files`` runs it;
- ``corpuskit-bs4``: the same with ``html_parser="bs4"``;
- ``trafilatura``: ``trafilatura.extract`` on the bytes, its defaults (the test extra
  installs it);
- ``readability``: readability-lxml's ``Document(...).summary()`` and the summary's text
  (``pip install readability-lxml``; left out when missing);
- ``baseline`` (with ``--baseline TREE``): ``corpuskit`` again, its code imported from
  the checkout ``TREE`` (another branch, main), so a change is measured against the
  code before it in the same run.

Each process decompresses every page before its clock starts and reports the CPU time
of the loop (``time.process_time``), so start-up is left out; the process's whole CPU
time is shown beside it. Printed: pages per CPU-second per round, their medians, and
each round's ratio to trafilatura. The machines are shared: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

CONTENDERS = ("corpuskit", "corpuskit-bs4", "trafilatura", "readability")


def unique_pages(folders: list[Path]) -> list[Path]:
    """The ``.html.gz`` pages of ``folders`` in name order, the first of equal bytes."""
    seen, pages = set(), []
    for folder in folders:
        for path in sorted((folder / "pages").glob("*.html.gz")):
            digest = hashlib.sha256(gzip.decompress(path.read_bytes())).digest()
            if digest not in seen:
                seen.add(digest)
                pages.append(path)
    return pages


def corpuskit_pages(pages: list[bytes], parser: str) -> int:
    """The default pipeline end to end over ``pages``; the documents written."""
    import corpuskit
    from corpuskit.document import Document
    from corpuskit.readers.html import read_html
    from corpuskit.readers.options import ReadOptions
    from corpuskit.run.passes import corpus_passes

    options = ReadOptions(html_parser=parser)
    read = (read_html(f"{n}.html", raw, options) for n, raw in enumerate(pages))
    _, remaining, prepared = corpus_passes(corpuskit.default_pipeline(), read)
    results = [remaining(d) if isinstance(d, Document) else d for d in prepared]
    return sum(isinstance(result, Document) for result in results)


def trafilatura_pages(pages: list[bytes]) -> int:
    """``trafilatura.extract`` with its defaults; the pages with text."""
    import trafilatura

    return sum(bool(trafilatura.extract(raw)) for raw in pages)


def readability_pages(pages: list[bytes]) -> int:
    """readability-lxml's summary of each page and its text; the pages with text."""
    import lxml.html
    from readability import Document as Readable

    found = 0
    for raw in pages:
        try:
            summary = Readable(raw).summary()
        except Exception:  # readability raises on pages it cannot parse: no text
            continue
        found += bool(lxml.html.fromstring(summary).text_content().strip())
    return found


def child(kind: str, listing: str) -> None:
    """Run contender ``kind`` over the pages listed in ``listing``; print JSON."""
    warnings.simplefilter("ignore")
    pages = [gzip.decompress(Path(p).read_bytes()) for p in Path(listing).read_text().split()]
    cpu = time.process_time()
    if kind in ("corpuskit", "baseline"):
        kept = corpuskit_pages(pages, "lxml")
    elif kind == "corpuskit-bs4":
        kept = corpuskit_pages(pages, "bs4")
    elif kind == "trafilatura":
        kept = trafilatura_pages(pages)
    else:
        kept = readability_pages(pages)
    loop = time.process_time() - cpu
    usage = resource.getrusage(resource.RUSAGE_SELF)
    total = usage.ru_utime + usage.ru_stime
    code = (
        str(Path(sys.modules["corpuskit"].__file__ or "").parent)
        if "corpuskit" in sys.modules
        else ""
    )
    print(
        json.dumps(
            {"pages": len(pages), "kept": kept, "cpu": loop, "process_cpu": total, "code": code}
        )
    )


def measure(kind: str, listing: Path, baseline: Path | None = None) -> dict[str, Any] | None:
    """One fresh process of contender ``kind``; None when it cannot run (not installed).

    The ``baseline`` contender imports corpuskit from the checkout ``baseline``.
    """
    command = [sys.executable, __file__, "--child", kind, str(listing)]
    env = None
    if kind == "baseline" and baseline is not None:
        env = {**os.environ, "PYTHONPATH": str(baseline.resolve())}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        print(f"{kind}: failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", type=Path, nargs="*")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="a checkout to measure as 'baseline'")
    parser.add_argument("--only", nargs="+", choices=CONTENDERS, help="these contenders only")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    pages = unique_pages(args.folders)
    listing = Path(f"/tmp/html_speed_{len(pages)}.txt")
    listing.write_text("\n".join(map(str, pages)))
    print(f"{len(pages)} unique pages; pages per CPU-second of the loop (process CPU s)")
    kinds = tuple(args.only or CONTENDERS) + (("baseline",) if args.baseline else ())
    speeds: dict[str, list[float]] = {kind: [] for kind in kinds}
    for number in range(args.rounds):
        order = kinds[number % len(kinds) :] + kinds[: number % len(kinds)]
        row = {}
        for kind in order:
            result = measure(kind, listing, args.baseline)
            if result is not None:
                row[kind] = result["pages"] / result["cpu"]
                speeds[kind].append(row[kind])
                print(f"round {number + 1} {kind:14} {row[kind]:7.1f} pages/CPU-s "
                      f"({result['process_cpu']:.1f} s, {result['kept']} kept)"
                      f" {result['code']}")  # fmt: skip
        for reference in ("trafilatura", "baseline"):
            if reference in row:
                ratios = ", ".join(f"{k} {v / row[reference]:.2f}" for k, v in row.items())
                print(f"round {number + 1} / {reference}: {ratios}")
    for kind, values in speeds.items():
        if values:
            print(f"median {kind:14} {statistics.median(values):7.1f} pages/CPU-s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
