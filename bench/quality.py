"""Cleaning quality on a benchmark folder: P/R/F with the benchmark's score.py, pages/s.

Runs a pipeline (the default one unless told otherwise) over every page of a benchmark
folder laid out like ``shared/bench/traf-dev`` (``gold.jsonl`` and ``pages/<id>.txt`` /
``pages/<id>.html.gz``), writes predictions ``{"id", "text"}``, scores them with the
benchmark's own ``score.py`` and prints precision, recall, F-score, pages per second
(one process, pipeline only, reading excluded) and lines removed per rule.

    python bench/quality.py ../shared/bench/traf-dev --mode text
    python bench/quality.py ../shared/bench/traf-dev --mode html --out bench/out/html.jsonl

A rejected page (nothing left) is scored as an empty prediction, as score.py does.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import warnings
from pathlib import Path

import corpuskit
from corpuskit.document import Document


def load_pages(folder: Path, mode: str) -> list[Document]:
    pattern = "*.txt" if mode == "text" else "*.html.gz"
    paths = sorted(str(p) for p in (folder / "pages").glob(pattern))
    docs = [d for d in corpuskit.read(paths, format=mode) if isinstance(d, Document)]
    if len(docs) != len(paths):
        raise SystemExit(f"{len(paths) - len(docs)} pages could not be read")
    return docs


def page_id(doc: Document) -> str:
    return Path(doc.source.path).name.split(".")[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="benchmark folder with gold.jsonl and pages/")
    parser.add_argument("--mode", choices=("text", "html"), default="text")
    parser.add_argument("--out", type=Path, default=Path("bench/out/predictions.jsonl"))
    args = parser.parse_args()
    warnings.filterwarnings("ignore", module="bs4")  # XHTML pages parsed as HTML: noise here

    docs = load_pages(args.folder, args.mode)
    pipeline = corpuskit.default_pipeline()
    report = corpuskit.RunReport()
    start = time.perf_counter()
    results = [pipeline(doc) for doc in docs]
    seconds = time.perf_counter() - start
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for doc, result in zip(docs, results, strict=True):
            report.add(result)
            text = result.text if isinstance(result, Document) else ""
            out.write(json.dumps({"id": page_id(doc), "text": text}, ensure_ascii=False) + "\n")

    score = args.folder.parent / "score.py"
    scored = subprocess.run(
        [sys.executable, str(score), str(args.folder / "gold.jsonl"), str(args.out), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    segments = json.loads(scored.stdout)["segments"]
    print(f"mode {args.mode}, {len(docs)} pages, pipeline {pipeline.config_hash()}")
    print(
        f"precision {segments['precision']:.3f}  recall {segments['recall']:.3f}  "
        f"F {segments['f1']:.3f}  pages/s {len(docs) / seconds:.0f}"
    )
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
