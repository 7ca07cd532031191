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
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Protocol

import orjson

from corpuskit.document import Document, Drop, InputEnd, Skipped
from corpuskit.errors import RunStopped
from corpuskit.explain import traced
from corpuskit.pipeline import Pipeline
from corpuskit.run.passes import corpus_passes
from corpuskit.run.pool import CHUNK_SIZE, WorkerPool, cpu_count
from corpuskit.run.report import RunReport
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
    reason (tests/steps/test_junk.py times them on adversarial lines).
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

    ``report``, ``states`` and ``done`` (the names of the inputs it finished) are what an
    interrupted run left (an empty report, None and [] for a new run); ``save_states``
    keeps the corpus steps' states once they are fitted, ``input_done`` records that
    everything of one input is written.
    """

    report: RunReport
    states: list[object] | None
    done: list[str]

    def save_states(self, states: list[object]) -> None: ...

    def input_done(self, end: InputEnd, report: RunReport) -> None: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """What cleaning one item leaves for the writing loop: the encoded corpus line, or
    the drop and its encoded rejects line; and the item's counts for the report."""

    counts: RunReport
    line: bytes | None = None
    drop: Drop | None = None
    reject: bytes | None = None


def outcome(
    pipeline: Pipeline, provenance: Provenance, seconds: float | None, item: Document | Drop
) -> Outcome:
    """Clean one document (or take a reader's drop) and encode what is to be written.

    Runs where the cleaning runs: in this process, or in a worker (``ProcessExecutor``),
    so that encoding is parallel too and only bytes and counts come back.
    """
    result = finish(pipeline, provenance, seconds, item)
    counts = RunReport()
    if isinstance(result, Drop):
        counts.add(result)
        return Outcome(counts, drop=result, reject=encode_reject(reject_record(result)))
    document, _, line = result
    counts.add(document)
    return Outcome(counts, line=line)


def finish(
    pipeline: Pipeline, provenance: Provenance, seconds: float | None, item: Document | Drop
) -> tuple[Document, dict[str, Any], bytes] | Drop:
    """Clean one document (or take a reader's drop): the cleaned document, its corpus
    record and that record encoded, or the drop.

    The one place where the error policy (``clean_one``) and the record's encoding meet,
    shared by the executors and the integrations (``clean_records``, the Hugging Face
    and datatrove adapters), so that all of them keep and reject the same documents: one
    that strict JSON cannot hold is a ``write`` drop (``unserializable``).
    """
    result = clean_one(pipeline, item, seconds) if isinstance(item, Document) else item
    if isinstance(result, Drop):
        return result
    record = provenance.record(result)
    try:
        return result, record, encode_record(record)
    except orjson.JSONEncodeError as error:
        return Drop("write", "unserializable", result.source, str(error), result)


def clean_one(pipeline: Pipeline, doc: Document, seconds: float | None) -> Document | Drop:
    """``pipeline(doc)`` within ``seconds`` (a document over it is a ``timeout`` drop)."""
    try:
        with time_limit(seconds):
            return pipeline(doc)
    except TimeoutError as error:  # between two steps
        return Drop("pipeline", "timeout", doc.source, str(error), doc)


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
        on_progress: Callable[[RunReport, InputEnd | None], None] | None = None,
    ) -> RunReport:
        """Clean ``items`` into ``corpus``; drops go to ``rejects`` and ``on_reject``.

        With a ``journal``, each ``InputEnd`` in ``items`` is recorded there once the
        input's records are written, and the run goes on from where the journal's run
        stopped (its report, its corpus steps' states). ``on_progress`` sees the report
        after each document and each finished input (with its ``InputEnd``). A
        ``Skipped`` is counted, never written.
        """
        provenance = Provenance.of(self.pipeline, self.audit)
        with fewer_collections():
            return self._loop(items, corpus, rejects, on_reject, provenance, journal, on_progress)

    def map(self, task: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """``task`` over ``items``, in order; the one thing executors do differently."""
        return map(task, items)

    def _loop(
        self,
        items: Iterable[Document | Drop | InputEnd | Skipped],
        corpus: Writer,
        rejects: Writer | None,
        on_reject: Callable[[Drop], None] | None,
        provenance: Provenance,
        journal: Journal | None,
        on_progress: Callable[[RunReport, InputEnd | None], None] | None = None,
    ) -> RunReport:
        sink = Sink(corpus, rejects, on_reject, self.strict, journal, on_progress)
        _, remaining, items = corpus_passes(
            self.pipeline,
            items,
            states=None if journal is None else journal.states,
            on_fitted=None if journal is None else journal.save_states,
            mapper=self.map,
        )
        task = partial(outcome, remaining, provenance, self.time_limit)
        for done in self.map(partial(_outcome_or_marker, task), items):
            if isinstance(done, Drop):  # a worker died on it: it never got an outcome
                done = outcome(remaining, provenance, None, done)
            sink.take(done)
        return sink.report


@dataclass
class Sink:
    """Where every executor hands what cleaning gave, in input order: corpus lines and
    rejects are written, ``Skipped`` records counted, finished inputs journaled, and the
    report (continued from the journal's) kept and shown to ``on_progress``. With
    ``strict``, the first reject stops the run with ``RunStopped``."""

    corpus: Writer
    rejects: Writer | None = None
    on_reject: Callable[[Drop], None] | None = None
    strict: bool = False
    journal: Journal | None = None
    on_progress: Callable[[RunReport, InputEnd | None], None] | None = None
    report: RunReport = field(default_factory=RunReport)

    def __post_init__(self) -> None:
        if self.journal is not None:
            self.report.merge(self.journal.report)

    def take(self, done: Outcome | InputEnd | Skipped) -> None:
        if isinstance(done, InputEnd):
            if self.journal is not None:
                self.journal.input_done(done, self.report)
            if self.on_progress is not None:
                self.on_progress(self.report, done)
            return
        if isinstance(done, Skipped):
            self.report.skip(done)
            return
        if done.drop is None:
            if done.line is not None:
                self.corpus.write(done.line)
        elif self.strict:
            raise RunStopped(done.drop)
        else:
            if self.rejects is not None and done.reject is not None:
                self.rejects.write(done.reject)
            if self.on_reject is not None:
                self.on_reject(done.drop)
        self.report.merge(done.counts)
        if self.on_progress is not None:
            self.on_progress(self.report, None)


def _outcome_or_marker(task: Callable[[Any], Outcome], item: Any) -> Any:
    """The outcome of a document or a drop; markers (``InputEnd``) are handed on."""
    return task(item) if isinstance(item, Document | Drop) else item


@dataclass
class ProcessExecutor(SerialExecutor):
    """Runs the pipeline in ``workers`` processes; output identical to ``SerialExecutor``.

    Both passes run in the workers (the steps before a corpus step, then the rest, with
    encoding), in chunks; this process reads, counts for the corpus steps, and writes in
    input order. A document whose worker process dies (twice) is rejected with the reason
    ``worker_died``; the run goes on.
    """

    workers: int = field(default_factory=cpu_count)
    chunk_size: int = CHUNK_SIZE

    def map(self, task: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        return WorkerPool(self.workers, self.chunk_size).map(task, items, _died)


def _died(item: Any, detail: str) -> Any:
    """What stands for an item whose worker died: a drop for a document."""
    if isinstance(item, Document):
        return Drop("pipeline", "worker_died", item.source, detail, item)
    return item
