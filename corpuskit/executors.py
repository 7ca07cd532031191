"""Executors own the loop: run a pipeline over documents, write results, count them.

This release ships the serial executor; output order is input order. Corpus steps are
fitted first (``passes.corpus_passes``), reading the input once. The record
format, the error policy and the report are the same for every executor: a document
that cannot be written (strict JSON cannot hold it) is rejected, not lost.
"""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Protocol

import orjson

from corpuskit.document import Document, Drop, InputEnd, Skipped
from corpuskit.errors import RunStopped
from corpuskit.explain import traced
from corpuskit.passes import corpus_passes
from corpuskit.pipeline import Pipeline
from corpuskit.report import RunReport
from corpuskit.version import __version__
from corpuskit.writers import Writer, encode_record, encode_reject


@dataclass(frozen=True)
class Provenance:
    """What every corpus record says about the run that made it."""

    config: str
    version: str = __version__
    audit: bool = False

    @classmethod
    def of(cls, pipeline: Pipeline, audit: bool = False) -> Provenance:
        return cls(config=pipeline.config_hash(), audit=audit)

    def record(self, doc: Document) -> dict[str, Any]:
        """The corpus record of ``doc``, with run provenance before the edits.

        With ``audit``, removed lines are numbered as in the page as read (see ``traced``).
        """
        if self.audit:
            lines = doc.text.count("\n") + 1 + sum(len(edit.lines) for edit in doc.edits)
            doc = replace(doc, edits=traced(doc.edits, lines))
        record = doc.to_record(self.audit)
        record["provenance"] = {
            "corpuskit": self.version,
            "config": self.config,
            **record["provenance"],
        }
        return record


def reject_record(drop: Drop) -> dict[str, Any]:
    """The rejects-file record of a Drop."""
    return drop.to_record()


#: Allocations between two young-generation garbage collections during a run. Cleaning
#: allocates many short-lived objects (lines, features, edits) and makes few reference
#: cycles, so Python's default of 700 spends about a tenth of a run collecting for
#: nothing (bench/quality.py on traf-dev: 87 -> 97 pages/s with collection off).
GC_THRESHOLD = 100_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the young-generation GC threshold for the duration of a run, then restore it."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], GC_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


#: Seconds one document may take by default. The slowest of the hostile inputs (a 30 MB
#: single line) takes about 10 s; a normal page a few milliseconds.
TIME_LIMIT = 60.0


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``TimeoutError`` in this thread once ``seconds`` have passed.

    Uses ``SIGALRM``, so it works in the main thread on POSIX systems and does nothing
    elsewhere. A signal is handled between Python instructions: one long call into C (a
    regular expression match) finishes before it; the junk patterns are linear for that
    reason (tests/test_junk.py times them on adversarial lines).
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not seconds or not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"took longer than {seconds:g} s (raise it with --time-limit)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Journal(Protocol):
    """Where a run records its progress, to be resumed (``checkpoint.Checkpoint``).

    ``report`` and ``states`` are what an interrupted run left (an empty report and None
    for a new run); ``save_states`` keeps the corpus steps' states once they are fitted,
    ``input_done`` records that everything of one input is written.
    """

    report: RunReport
    states: list[object] | None

    def save_states(self, states: list[object]) -> None: ...

    def input_done(self, end: InputEnd, report: RunReport) -> None: ...


@dataclass
class SerialExecutor:
    """Runs the pipeline in this process, one document after another, in input order.

    ``time_limit`` bounds the seconds one document may take (a document over it is
    rejected with the reason ``timeout``); ``strict`` stops the run at the first reject,
    with ``RunStopped``, so that nothing is written.
    """

    pipeline: Pipeline
    audit: bool = False
    strict: bool = False
    time_limit: float | None = TIME_LIMIT

    def run(
        self,
        items: Iterable[Document | Drop | InputEnd | Skipped],
        corpus: Writer,
        rejects: Writer | None = None,
        on_reject: Callable[[Drop], None] | None = None,
        journal: Journal | None = None,
    ) -> RunReport:
        """Clean ``items`` into ``corpus``; drops go to ``rejects`` and ``on_reject``.

        With a ``journal``, each ``InputEnd`` in ``items`` is recorded there once the
        input's records are written, and the run goes on from where the journal's run
        stopped (its report, its corpus steps' states). A ``Skipped`` is counted, never
        written.
        """
        provenance = Provenance.of(self.pipeline, self.audit)
        with fewer_collections():
            return self._loop(items, corpus, rejects, on_reject, provenance, journal)

    def _loop(
        self,
        items: Iterable[Document | Drop | InputEnd | Skipped],
        corpus: Writer,
        rejects: Writer | None,
        on_reject: Callable[[Drop], None] | None,
        provenance: Provenance,
        journal: Journal | None,
    ) -> RunReport:
        report = RunReport()
        if journal is None:
            _, remaining, items = corpus_passes(self.pipeline, items)
        else:
            report.merge(journal.report)
            _, remaining, items = corpus_passes(
                self.pipeline, items, states=journal.states, on_fitted=journal.save_states
            )
        for item in items:
            if isinstance(item, InputEnd):
                if journal is not None:
                    journal.input_done(item, report)
                continue
            if isinstance(item, Skipped):
                report.skip(item)
                continue
            result = self._clean(remaining, item) if isinstance(item, Document) else item
            if isinstance(result, Document):
                result = self._write(result, provenance, corpus)
            if isinstance(result, Drop):
                if self.strict:
                    raise RunStopped(result)
                if rejects is not None:
                    rejects.write(encode_reject(reject_record(result)))
                if on_reject is not None:
                    on_reject(result)
            report.add(result)
        return report

    def _clean(self, pipeline: Pipeline, doc: Document) -> Document | Drop:
        try:
            with time_limit(self.time_limit):
                return pipeline(doc)
        except TimeoutError as error:  # between two steps
            return Drop("pipeline", "timeout", doc.source, str(error), doc)

    @staticmethod
    def _write(doc: Document, provenance: Provenance, corpus: Writer) -> Document | Drop:
        try:
            line = encode_record(provenance.record(doc))
        except orjson.JSONEncodeError as error:
            return Drop("write", "unserializable", doc.source, str(error), doc)
        corpus.write(line)
        return doc
