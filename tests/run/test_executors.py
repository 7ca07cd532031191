from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

import pytest

from corpuskit.document import Document, Drop, Source
from corpuskit.pipeline import Pipeline, normalizer
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.run.cleaning import Provenance, outcome
from corpuskit.run.executor import Job
from corpuskit.run.local import LocalExecutor
from corpuskit.run.options import RunOptions
from corpuskit.run.report import RunReport
from corpuskit.run.sink import Sink
from corpuskit.steps.repeated import RepeatedLines
from corpuskit.writers import MemoryWriter
from tests.conftest import doc_from


def run_items(
    pipeline: Pipeline,
    items: Iterable[Document | Drop],
    corpus: MemoryWriter,
    rejects: MemoryWriter | None = None,
    on_reject: object = None,
    run: RunOptions | None = None,
) -> RunReport:
    """What every executor does with each item once it is read: clean it
    (``run.cleaning.outcome``) and hand the outcome to the sink, in order."""
    run = run or RunOptions()
    sink = Sink(corpus, rejects, on_reject, run.strict)  # type: ignore[arg-type]
    provenance = Provenance.of(pipeline, run.audit)
    for item in items:
        sink.take(outcome(pipeline, provenance, run.time_limit, item))
    return sink.report


def test_every_document_ends_in_corpus_or_rejects() -> None:
    items = [
        doc_from("Logo\nThe bridge opens on Monday, the council said after its meeting.", "a.txt"),
        doc_from("Advertisement\n\n", "b.txt"),
        Drop("read", "not_found", Source("missing.txt", format="unknown")),
        doc_from("Surrogate \ud800 survives no strict JSON", "c.txt"),
    ]
    corpus, rejects = MemoryWriter(), MemoryWriter()
    pipeline = Pipeline([normalizer(str.strip, name="strip")])
    report = run_items(pipeline, items, corpus, rejects)
    assert [r["source"]["path"] for r in corpus.records] == ["a.txt", "b.txt"]
    assert [(r["step"], r["reason"]) for r in rejects.records] == [
        ("read", "not_found"),
        ("write", "unserializable"),
    ]
    assert (report.read, report.written, report.rejected) == (4, 2, 2)


def test_records_carry_provenance_and_reasons() -> None:
    corpus, rejects, seen = MemoryWriter(), MemoryWriter(), []
    items = [
        doc_from("Dark Mode\nAnzeige\nDer Rat tagt am Montag im Rathaus der Stadt."),
        doc_from("Logo"),
    ]
    pipeline = default_pipeline()
    report = run_items(pipeline, items, corpus, rejects, seen.append, RunOptions(audit=True))
    [record] = corpus.records
    assert record["provenance"]["config"] == pipeline.config_hash()
    assert record["provenance"]["corpuskit"]
    junk = next(e for e in record["provenance"]["edits"] if e["step"] == "junk_lines")
    assert junk["lines"] == [
        {"line": 1, "text": "Dark Mode", "rule": "site_chrome"},
        {"line": 2, "text": "Anzeige", "rule": "advertisement"},
    ]
    assert [(d.step, d.reason) for d in seen] == [("drop_empty", "empty")]
    assert rejects.records[0]["reason"] == "empty"
    assert report.lines_removed["site_chrome"] == 2
    assert report.rejected_by == {"drop_empty: empty": 1}
    assert "1 written, 1 rejected" in report.summary()


def test_output_is_deterministic() -> None:
    items = [
        doc_from(f"Menu\nSatz Nummer {i} ist ein ganzer Satz mit genug Wörtern darin.")
        for i in range(5)
    ]
    runs = []
    for _ in range(2):
        corpus = MemoryWriter()
        run_items(default_pipeline(), items, corpus)
        runs.append(corpus.records)
    assert runs[0] == runs[1]


def test_time_limit_rejects_a_slow_document_and_the_run_goes_on() -> None:
    import time

    finished = []

    def slow(text: str) -> str:
        if "slow" in text:
            time.sleep(5)
        finished.append(text)
        return text

    items = [doc_from("slow page", "a.txt"), doc_from("fast page", "b.txt")]
    corpus, rejects = MemoryWriter(), MemoryWriter()
    pipeline = Pipeline([normalizer(slow, name="slow_step")])
    report = run_items(pipeline, items, corpus, rejects, run=RunOptions(time_limit=0.3))
    assert finished == ["fast page"], "the slow step was stopped, not waited for"
    assert [(r["step"], r["reason"]) for r in rejects.records] == [("slow_step", "timeout")]
    assert "took longer than 0.3 s" in rejects.records[0]["detail"]
    assert [r["text"] for r in corpus.records] == ["fast page"]
    assert report.rejected_by == {"slow_step: timeout": 1}


def busy(text: str) -> str:
    """A step that spends 5 s of CPU on a page that says "slow" (a sleep would be cut
    short by the timer's signal all the same; spinning is what a runaway step does)."""
    end = time.process_time() + 5
    while "slow" in text and time.process_time() < end:
        pass
    return text


@pytest.mark.parametrize("workers", [1, 2])
def test_time_limit_bounds_the_steps_before_a_corpus_step(tmp_path: Path, workers: int) -> None:
    """The steps before a corpus step run in the counting pass: under the time limit
    too (they ran unbounded; in the default pipeline, every step before
    ``repeated_lines``)."""
    (tmp_path / "a.txt").write_text("slow page")
    (tmp_path / "b.txt").write_text("fast page")
    pipeline = Pipeline([normalizer(busy, name="busy_step"), RepeatedLines()])
    job = Job((str(tmp_path),), pipeline, run=RunOptions(time_limit=0.3))
    corpus, rejects = MemoryWriter(), MemoryWriter()
    report = LocalExecutor(workers, chunk_size=1).run(job, Sink(corpus, rejects))
    assert [(r["step"], r["reason"]) for r in rejects.records] == [("busy_step", "timeout")]
    assert [r["text"] for r in corpus.records] == ["fast page"]
    assert report.rejected_by == {"busy_step: timeout": 1}


def test_strict_stops_at_the_first_reject() -> None:
    import pytest

    from corpuskit.errors import RunStopped

    items = [doc_from("Satz eins ist ein ganzer Satz.", "a.txt"), doc_from("Logo", "b.txt")]
    with pytest.raises(RunStopped, match=r"b.txt: drop_empty: empty"):
        run_items(default_pipeline(), items, MemoryWriter(), run=RunOptions(strict=True))
