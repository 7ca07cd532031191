"""Cleaning quality on a benchmark folder: P/R/F with the benchmark's score.py, pages/s.

Runs a pipeline (the default one unless ``--pipeline module:function`` names a function
returning another) over every page of a benchmark folder laid out like
``shared/bench/traf-dev`` (``gold.jsonl`` and ``pages/<id>.txt`` / ``pages/<id>.html.gz``),
writes predictions ``{"id", "text"}``, scores them with the benchmark's own ``score.py``
and prints precision, recall, F-score, pages per second (one process, corpus passes
included, reading excluded) and lines removed per rule.

    python bench/quality.py ../shared/bench/traf-dev --mode text
    python bench/quality.py ../shared/bench/traf-dev --mode html --out bench/out/html.jsonl
    python bench/quality.py ../shared/bench/traf-dev --pipeline mymodule:my_pipeline
    python bench/quality.py ../shared/bench/traf-dev --against-trafilatura

``--against-trafilatura`` times corpuskit's HTML mode and trafilatura's ``extract`` from
the same decompressed page bytes (decoding and parsing included, one process, the same
run) and prints both scores and the speed ratio (``pip install trafilatura``).

A rejected page (nothing left) is scored as an empty prediction, as score.py does.
``tests/test_quality_gate.py`` runs ``measure`` and compares with ``bench/baseline.json``.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import importlib.util
import json
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bs4 import MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

import corpuskit
from corpuskit.document import Document, Drop
from corpuskit.executors import fewer_collections
from corpuskit.passes import corpus_passes
from corpuskit.pipeline import Pipeline
from corpuskit.readers.html import read_html


@dataclass
class Measurement:
    """Scores, speed and per-rule counts of one run of a pipeline over a benchmark."""

    segments: dict[str, Any]
    pages: int
    seconds: float
    cpu_seconds: float
    report: corpuskit.RunReport
    predictions: dict[str, str]
    config: str

    def summary(self, mode: str) -> str:
        s = self.segments
        speed, cpu_speed = self.pages / self.seconds, self.pages / self.cpu_seconds
        return (
            f"mode {mode}, {self.pages} pages, pipeline {self.config}\n"
            f"precision {s['precision']:.3f}  recall {s['recall']:.3f}  F {s['f1']:.3f}  "
            f"pages/s {speed:.0f} (CPU time: {cpu_speed:.0f})\n"
            f"{self.report.summary()}"
        )


def load_pages(folder: Path, mode: str) -> list[Document]:
    pattern = "*.txt" if mode == "text" else "*.html.gz"
    paths = sorted(str(p) for p in (folder / "pages").glob(pattern))
    with warnings.catch_warnings():  # XHTML parsed as HTML: noise for a benchmark
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        docs = [d for d in corpuskit.read(paths, format=mode) if isinstance(d, Document)]
    if len(docs) != len(paths):
        raise SystemExit(f"{len(paths) - len(docs)} pages could not be read")
    return docs


def page_id(doc: Document) -> str:
    return Path(doc.source.path).name.split(".")[0]


def load_score(folder: Path) -> Any:
    """The benchmark's own score.py, imported from beside the benchmark folder."""
    spec = importlib.util.spec_from_file_location("bench_score", folder.parent / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(folder: Path, mode: str = "text", pipeline: Pipeline | None = None) -> Measurement:
    """Run ``pipeline`` over the benchmark's pages and score the output."""
    docs = load_pages(folder, mode)
    pipeline = pipeline or corpuskit.default_pipeline()
    start, cpu = time.perf_counter(), time.process_time()
    with fewer_collections():  # as the executor runs it
        _, remaining, prepared = corpus_passes(pipeline, docs)
        results = [remaining(d) if isinstance(d, Document) else d for d in prepared]
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    report = corpuskit.RunReport()
    predictions = {}
    for doc, result in zip(docs, results, strict=True):  # spooled in input order
        report.add(result)
        predictions[page_id(doc)] = "" if isinstance(result, Drop) else result.text
    score = load_score(folder)
    gold = [json.loads(line) for line in (folder / "gold.jsonl").open(encoding="utf-8")]
    segments = score.score(gold, predictions)["segments"]
    return Measurement(
        segments, len(docs), seconds, cpu, report, predictions, pipeline.config_hash()
    )


def raw_pages(folder: Path) -> dict[str, bytes]:
    """Each page's HTML bytes, decompressed, by page id (read before any timing)."""
    paths = sorted((folder / "pages").glob("*.html.gz"))
    return {p.name.split(".")[0]: gzip.decompress(p.read_bytes()) for p in paths}


def html_end_to_end(folder: Path, pages: dict[str, bytes]) -> tuple[dict[str, Any], float]:
    """corpuskit's HTML mode from the page bytes: decoding, parsing, extraction and the
    default pipeline (corpus pass included), timed together; (segment scores, pages/s)."""
    start = time.perf_counter()
    with warnings.catch_warnings(), fewer_collections():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        docs = [read_html(f"{pid}.html", raw) for pid, raw in pages.items()]
        _, remaining, prepared = corpus_passes(corpuskit.default_pipeline(), docs)
        results = [remaining(d) if isinstance(d, Document) else d for d in prepared]
    speed = len(pages) / (time.perf_counter() - start)
    texts = ["" if isinstance(r, Drop) else r.text for r in results]
    return score_texts(folder, dict(zip(pages, texts, strict=True))), speed


def trafilatura_run(folder: Path, pages: dict[str, bytes]) -> tuple[dict[str, Any], float]:
    """trafilatura's ``extract`` with its defaults on the same bytes; (scores, pages/s)."""
    import trafilatura

    start = time.perf_counter()
    texts = {pid: trafilatura.extract(raw) or "" for pid, raw in pages.items()}
    speed = len(pages) / (time.perf_counter() - start)
    return score_texts(folder, texts), speed


def score_texts(folder: Path, predictions: dict[str, str]) -> dict[str, Any]:
    """Segment scores of ``predictions`` (page id -> text) by the benchmark's score.py."""
    gold = [json.loads(line) for line in (folder / "gold.jsonl").open(encoding="utf-8")]
    segments: dict[str, Any] = load_score(folder).score(gold, predictions)["segments"]
    return segments


def against_trafilatura(folder: Path) -> str:
    """corpuskit's HTML mode and trafilatura on the same pages, in this one process."""
    pages = raw_pages(folder)
    ours, our_speed = html_end_to_end(folder, pages)
    theirs, their_speed = trafilatura_run(folder, pages)
    rows = [("corpuskit html", ours, our_speed), ("trafilatura extract", theirs, their_speed)]
    lines = [f"{len(pages)} pages, from the page bytes (parsing included), one process"]
    for name, s, speed in rows:
        lines.append(
            f"{name:20} precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
            f"F {s['f1']:.3f}  pages/s {speed:.0f}"
        )
    lines.append(f"speed ratio corpuskit / trafilatura: {our_speed / their_speed:.2f}")
    return "\n".join(lines)


def named_pipeline(spec: str | None) -> Pipeline | None:
    """``module:function`` -> the Pipeline that function returns."""
    if spec is None:
        return None
    module, _, function = spec.partition(":")
    made = getattr(importlib.import_module(module), function)()
    if not isinstance(made, Pipeline):
        raise SystemExit(f"{spec} returned {type(made).__name__}, not a Pipeline")
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="benchmark folder with gold.jsonl and pages/")
    parser.add_argument("--mode", choices=("text", "html"), default="text")
    parser.add_argument("--pipeline", help="module:function returning the Pipeline to measure")
    parser.add_argument("--out", type=Path, default=Path("bench/out/predictions.jsonl"))
    parser.add_argument(
        "--against-trafilatura",
        action="store_true",
        help="HTML mode and trafilatura's extract from the page bytes, side by side",
    )
    args = parser.parse_args()
    if args.against_trafilatura:
        print(against_trafilatura(args.folder))
        return 0
    result = measure(args.folder, args.mode, named_pipeline(args.pipeline))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for pid, text in result.predictions.items():
            out.write(json.dumps({"id": pid, "text": text}, ensure_ascii=False) + "\n")
    print(result.summary(args.mode))
    return 0


if __name__ == "__main__":
    sys.exit(main())
