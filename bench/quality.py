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
    python bench/quality.py ../shared/bench/traf-dev --mode html --html-parser lxml
    python bench/quality.py ../shared/bench/traf-dev --mode html --extractor trafilatura
    python bench/quality.py ../shared/bench/traf-dev --compare-parsers
    python bench/quality.py ../shared/bench/traf-dev --compare-extractors
    python bench/quality.py --generalization ../shared/bench/traf-dev ../shared/bench/dragnet-dev
    python bench/quality.py ../shared/bench/dragnet-dev --joins

The benchmark's gold decides the metric: segment gold (``with``/``without`` passages,
traf-dev) or article gold (dragnet-dev); see ``devsets.DevSet``.
``--generalization FOLDER...`` prints the table that predicts unseen pages: each mode on
each set, with line models cross-validated and fitted leave-one-dataset-out, beside
trafilatura and readability on the same pages (``bench/generalization.py``; ``--json``
writes it, ``--worst N`` lists the pages furthest below the better anchor).

``--joins`` prints, for the mode's pages, every seam ``join_lines`` sees by the rule
that joins it (or none) against the gold (``measures.count_joins``).

``--html-parser`` picks the parser of HTML mode (``bs4``, the default, or ``lxml``),
``--extractor`` what makes the text (``corpuskit``, the default, or ``trafilatura``).
``--compare-parsers`` times, in one process and run, corpuskit's HTML mode with each
parser and trafilatura's ``extract`` (if installed) on the same decompressed page bytes:
extraction alone (decoding, parsing, text and layout) and end to end (plus the default
pipeline), with scores and speed ratios. ``--compare-extractors`` adds corpuskit with
the trafilatura extractor (trafilatura's text, our decoding, metadata and filters), with
each parser, and trafilatura alone with the options that extractor gives it.

A rejected page (nothing left) is scored as an empty prediction, as score.py does.
``tests/bench/test_quality_gate.py`` runs ``measure`` and compares with ``bench/baseline.json``.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bs4 import MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from devsets import DevSet

import corpuskit
import corpuskit.html
from corpuskit.document import Document, Drop
from corpuskit.pipeline import Pipeline
from corpuskit.run.cleaning import fewer_collections
from corpuskit.run.passes import corpus_passes
from corpuskit.steps.paragraphs import JoinLines


def _beside(name: str) -> Any:
    """The module ``bench/<name>.py``, beside this file (bench/ is no package)."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while they are built
    spec.loader.exec_module(module)
    return module


measures = _beside("measures")


@dataclass
class Measurement:
    """Scores, speed and per-rule counts of one run of a pipeline over a benchmark.

    ``scores`` is score.py's summary of the benchmark's metric (``metric``: segments
    for passage gold, article for article gold); both have precision, recall and f1.
    """

    scores: dict[str, Any]
    pages: int
    seconds: float
    cpu_seconds: float
    report: corpuskit.RunReport
    predictions: dict[str, str]
    config: str
    metric: str = "segments"
    #: What the score does not see (``bench/measures.py``), by name, printed as is.
    extras: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str | None] = field(default_factory=dict)

    @property
    def segments(self) -> dict[str, Any]:
        """The scores (the name from when every benchmark had segment gold)."""
        return self.scores

    def summary(self, mode: str) -> str:
        s = self.scores
        speed, cpu_speed = self.pages / self.seconds, self.pages / self.cpu_seconds
        extras = "".join(f"{name}: {value}\n" for name, value in self.extras.items())
        return (
            f"mode {mode}, {self.pages} pages, pipeline {self.config}, {self.metric} metric\n"
            f"precision {s['precision']:.3f}  recall {s['recall']:.3f}  F {s['f1']:.3f}  "
            f"pages/s {speed:.0f} (CPU time: {cpu_speed:.0f})\n"
            f"{extras}{self.report.summary()}"
        )


def load_pages(
    folder: Path, mode: str, html_parser: str = "bs4", extractor: str = "corpuskit"
) -> list[Document]:
    pattern = "*.txt" if mode == "text" else "*.html.gz"
    paths = sorted(str(p) for p in (folder / "pages").glob(pattern))
    with warnings.catch_warnings():  # XHTML parsed as HTML: noise for a benchmark
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        read = corpuskit.read(paths, format=mode, html_parser=html_parser, extractor=extractor)
        docs = [d for d in read if isinstance(d, Document)]
    if len(docs) != len(paths):
        raise SystemExit(f"{len(paths) - len(docs)} pages could not be read")
    return docs


def page_id(doc: Document) -> str:
    return Path(doc.source.path).name.split(".")[0]


def measure(
    folder: Path,
    mode: str = "text",
    pipeline: Pipeline | None = None,
    html_parser: str = "bs4",
    extractor: str = "corpuskit",
    docs: list[Document] | None = None,
) -> Measurement:
    """Run ``pipeline`` over the benchmark's pages (``docs``: read already) and score
    the output."""
    docs = docs or load_pages(folder, mode, html_parser, extractor)
    pipeline = pipeline or corpuskit.default_pipeline()
    start, cpu = time.perf_counter(), time.process_time()
    with fewer_collections():  # as the executor runs it
        _, remaining, prepared = corpus_passes(pipeline, docs)
        results = [remaining(d) if isinstance(d, Document) else d for d in prepared]
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    report = corpuskit.RunReport()
    predictions, titles = {}, {}
    for doc, result in zip(docs, results, strict=True):  # spooled in input order
        report.add(result)
        predictions[page_id(doc)] = "" if isinstance(result, Drop) else result.text
        final = result.document if isinstance(result, Drop) else result
        titles[page_id(doc)] = None if final is None else final.title
    devset = DevSet.of(folder)
    squash = devset.score.squash
    scores = devset.evaluate(predictions)
    del scores["per_page"]
    empty = sum(not predictions.get(page, "").strip() for page in devset.ids)
    extras = {
        "paragraph integrity": str(measures.integrity(devset.gold, predictions, squash)),
        "paragraph separation": str(measures.separation(devset.gold, predictions, squash)),
        "empty outputs": str(empty),
    }
    comments = measures.comment_detection(folder, docs, results, page_id, squash)
    if comments is not None:
        extras["comment detection"] = str(comments)
    return Measurement(
        scores,
        len(docs),
        seconds,
        cpu,
        report,
        predictions,
        pipeline.config_hash(),
        metric=devset.metric,
        extras=extras,
        titles=titles,
    )


def headline_match(folder: Path) -> str:
    """The headline match of text mode (``measures.headline_match``): the default
    pipeline's titles in text and in HTML mode, and the text dumps."""
    text, html = measure(folder, "text"), measure(folder, "html")
    dumps = {page: (folder / "pages" / f"{page}.txt").read_text("utf-8") for page in text.titles}
    match = measures.headline_match(text.titles, html.titles, dumps)
    return f"headline match (text-mode title = HTML-mode title, where the dump holds it): {match}"


def joins(folder: Path, mode: str) -> str:
    """The joins view: the default pipeline up to ``join_lines``, then that step's rules
    for each page, counted against the gold (``measures.count_joins``)."""
    pipeline = corpuskit.default_pipeline()
    at = pipeline.names.index("join_lines")
    join = pipeline.steps[at]
    assert isinstance(join, JoinLines)
    docs = load_pages(folder, mode)
    with fewer_collections():
        _, remaining, prepared = corpus_passes(Pipeline(pipeline.steps[:at]), docs)
        results = [remaining(d) if isinstance(d, Document) else d for d in prepared]
    devset = DevSet.of(folder)
    counted = measures.Joins({})
    for doc, result in zip(docs, results, strict=True):
        if isinstance(result, Document):
            lines, rules = join.rules(result)
            record = devset.record(page_id(doc))
            measures.count_joins(record, lines, rules, devset.score.squash, counted)
    return f"seams of join_lines' input, {mode} mode, against the gold\n{counted}"


def named_pipeline(spec: str | None) -> Pipeline | None:
    """``module:function`` -> the Pipeline that function returns."""
    if spec is None:
        return None
    module, _, function = spec.partition(":")
    made = getattr(importlib.import_module(module), function)()
    if not isinstance(made, Pipeline):
        raise SystemExit(f"{spec} returned {type(made).__name__}, not a Pipeline")
    return made


def compare_parsers(folder: Path, extractors: tuple[str, ...] = ("corpuskit",)) -> str:
    """corpuskit's HTML mode with each parser (and each of ``extractors``) and
    trafilatura's ``extract``, in this one process and run, from the same decompressed
    page bytes; a table of scores and speeds, with ratios to trafilatura's defaults.
    """
    paths = sorted((folder / "pages").glob("*.html.gz"))
    pages = {p.name.split(".")[0]: gzip.decompress(p.read_bytes()) for p in paths}
    devset = DevSet.of(folder)
    lines = [f"{len(pages)} pages from their bytes, one process; pages/s (CPU pages/s)"]
    speeds: dict[str, tuple[float, float]] = {}
    for extractor in extractors:
        for parser in corpuskit.html.PARSERS:
            for stage, speed, texts in _corpuskit_runs(pages, parser, extractor):
                name = f"{_run_name(extractor, parser)} {stage}"
                speeds[name] = speed
                lines.append(_row(name, devset.evaluate(texts), speed))
    try:
        import trafilatura
    except ImportError:
        return "\n".join([*lines, "trafilatura is not installed"])
    reference = None
    for name, options in _trafilatura_runs(extractors):
        start, cpu = time.perf_counter(), time.process_time()
        texts = {pid: trafilatura.extract(raw, **options) or "" for pid, raw in pages.items()}
        speed = _speeds(len(pages), start, cpu)
        reference = reference or speed
        lines.append(_row(name, devset.evaluate(texts), speed))
    assert reference is not None
    lines += [
        f"{name} / trafilatura: {s[0] / reference[0]:.2f} (CPU: {s[1] / reference[1]:.2f})"
        for name, s in speeds.items()
    ]
    return "\n".join(lines)


def _run_name(extractor: str, parser: str) -> str:
    """``corpuskit-lxml``; ``corpuskit+trafilatura-lxml`` for the trafilatura extractor."""
    if extractor == "corpuskit":
        return f"corpuskit-{parser}"
    return f"corpuskit+{extractor}-{parser}"


def _trafilatura_runs(extractors: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
    """trafilatura alone: its defaults, and with the trafilatura extractor, the options
    that extractor gives it (``extractors.TRAFILATURA_OPTIONS``)."""
    from corpuskit.html.extractors import TRAFILATURA_OPTIONS

    runs: list[tuple[str, dict[str, Any]]] = [("trafilatura extract", {})]
    if "trafilatura" in extractors:
        runs.append(("trafilatura extract, our options", TRAFILATURA_OPTIONS))
    return runs


def _corpuskit_runs(
    pages: dict[str, bytes], parser: str, extractor: str = "corpuskit"
) -> list[tuple[str, tuple[float, float], dict[str, str]]]:
    """Extraction alone (``read_html``), then the same plus the default pipeline."""
    from corpuskit.readers.html import read_html

    def read_all() -> list[Document | Drop]:
        return [
            read_html(f"{pid}.html", raw, parser=parser, extractor=extractor)
            for pid, raw in pages.items()
        ]

    runs = []
    with warnings.catch_warnings(), fewer_collections():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        start, cpu = time.perf_counter(), time.process_time()
        docs = read_all()
        runs.append(("extraction", _speeds(len(pages), start, cpu), _texts(pages, docs)))
        start, cpu = time.perf_counter(), time.process_time()
        _, remaining, prepared = corpus_passes(corpuskit.default_pipeline(), read_all())
        results = [remaining(d) if isinstance(d, Document) else d for d in prepared]
        runs.append(("end to end", _speeds(len(pages), start, cpu), _texts(pages, results)))
    return runs


def _speeds(pages: int, start: float, cpu: float) -> tuple[float, float]:
    """Pages per second of wall time and of CPU time since ``start`` and ``cpu``."""
    return pages / (time.perf_counter() - start), pages / (time.process_time() - cpu)


def _texts(pages: dict[str, bytes], results: list[Document | Drop]) -> dict[str, str]:
    texts = ["" if isinstance(r, Drop) else r.text for r in results]
    return dict(zip(pages, texts, strict=True))


def _row(name: str, s: dict[str, Any], speed: tuple[float, float]) -> str:
    return (
        f"{name:38} P {s['precision']:.3f}  R {s['recall']:.3f}  F {s['f1']:.3f}  "
        f"pages/s {speed[0]:.0f} ({speed[1]:.0f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "folder", type=Path, nargs="?", help="benchmark folder with gold.jsonl and pages/"
    )
    parser.add_argument("--mode", choices=("text", "html"), default="text")
    parser.add_argument(
        "--generalization",
        type=Path,
        nargs="+",
        metavar="FOLDER",
        help="the generalization table over these dev sets (bench/generalization.py)",
    )
    parser.add_argument(
        "--modes", nargs="+", choices=("text", "html"), default=["text", "html"],
        help="with --generalization: the modes to measure",
    )  # fmt: skip
    parser.add_argument("--json", type=Path, help="with --generalization: write the table here")
    parser.add_argument(
        "--worst", type=int, default=0, help="with --generalization: list the N pages per set "
        "where corpuskit (lodo) is furthest below the better anchor",
    )  # fmt: skip
    parser.add_argument("--pipeline", help="module:function returning the Pipeline to measure")
    parser.add_argument("--html-parser", choices=corpuskit.html.PARSERS, default="bs4")
    parser.add_argument("--extractor", choices=corpuskit.html.EXTRACTORS, default="corpuskit")
    parser.add_argument(
        "--compare-parsers",
        action="store_true",
        help="HTML mode with each parser and trafilatura's extract, side by side",
    )
    parser.add_argument(
        "--compare-extractors",
        action="store_true",
        help="as --compare-parsers, plus corpuskit with the trafilatura extractor",
    )
    parser.add_argument(
        "--headlines",
        action="store_true",
        help="text-mode titles against HTML-mode titles of the same pages",
    )
    parser.add_argument(
        "--joins", action="store_true", help="join_lines' seams by rule against the gold"
    )
    parser.add_argument("--out", type=Path, default=Path("bench/out/predictions.jsonl"))
    args = parser.parse_args()
    if args.generalization:
        import generalization

        print(generalization.report(args.generalization, args.modes, args.json, args.worst))
        return 0
    if args.folder is None:
        parser.error("a benchmark folder is needed")
    if args.joins:
        print(joins(args.folder, args.mode))
        return 0
    if args.headlines:
        print(headline_match(args.folder))
        return 0
    if args.compare_parsers or args.compare_extractors:
        extractors = corpuskit.html.EXTRACTORS if args.compare_extractors else ("corpuskit",)
        print(compare_parsers(args.folder, extractors))
        return 0
    pipeline = named_pipeline(args.pipeline)
    result = measure(args.folder, args.mode, pipeline, args.html_parser, args.extractor)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for pid, text in result.predictions.items():
            out.write(json.dumps({"id": pid, "text": text}, ensure_ascii=False) + "\n")
    how = args.html_parser
    if args.extractor != "corpuskit":
        how = f"{how}, {args.extractor} extractor"
    print(result.summary(args.mode if args.mode == "text" else f"html ({how})"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
