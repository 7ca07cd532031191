"""The sink: where every executor hands what cleaning gave, in input order.

An executor (``run/executor.py``) reads, cleans and orders; the ``Sink`` writes corpus
lines and rejects, counts ``Skipped`` records, decides the ordered step that ends the
pipeline (``exact_duplicates``: a page whose text an earlier page has becomes its
``duplicate`` reject here, where pages are in input order), commits the run's progress
to the journal for a resume (``Journal``, implemented by ``run/checkpoint.Checkpoint``),
keeps the report and shows the run's ``Progress`` to ``on_progress``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from corpuskit.document import Document, Drop, InputEnd, Skipped
from corpuskit.errors import RunStopped
from corpuskit.pipeline import OrderedStep, decide, step_name
from corpuskit.run.cleaning import Outcome, reject_record
from corpuskit.run.progress import Meter, OnProgress
from corpuskit.run.report import RunReport
from corpuskit.run.sources import Mark, Restart
from corpuskit.writers import Writer, encode_reject

if TYPE_CHECKING:
    from corpuskit.run.phases import Phase


class Journal(Protocol):
    """Where a run records its progress, to be resumed (``checkpoint.Checkpoint``).

    What an interrupted run left (for a new run: an empty report, None, [], ``Restart()``
    and no sizes): ``report`` at its last commit, ``states`` (the corpus steps' states
    the finished passes saved), ``restart`` (where its phase goes on), ``done`` (the
    inputs that phase finished, to skip unread), ``sizes`` (the phase's files, by name,
    at that commit), ``folder`` (where passes keep their spools); ``written()`` gives the
    corpus records written before it. ``save_states`` keeps the states once a pass is
    over; ``commit`` records where a phase stands.
    """

    report: RunReport
    states: list[object] | None
    restart: Restart
    done: list[str]
    sizes: dict[str, int]
    folder: Path

    def written(self) -> Iterator[dict[str, Any]]: ...

    def save_states(self, states: list[object]) -> None: ...

    def commit(
        self,
        restart: Restart,
        done: Sequence[str],
        report: RunReport,
        sizes: Mapping[str, int] | None = None,
    ) -> None: ...


@dataclass
class Sink:
    """Where every executor hands what cleaning gave, in input order: corpus lines and
    rejects are written, ``Skipped`` records counted, the ordered step decided, progress
    journaled, and the report (continued from the journal's) kept and shown to
    ``on_progress``. With ``strict``, the first reject stops the run with
    ``RunStopped``."""

    corpus: Writer
    rejects: Writer | None = None
    on_reject: Callable[[Drop], None] | None = None
    strict: bool = False
    journal: Journal | None = None
    on_progress: OnProgress | None = None
    report: RunReport = field(default_factory=RunReport)

    def __post_init__(self) -> None:
        if self.journal is not None:
            self.report.merge(self.journal.report)
        self._phase: Phase | None = None
        self._ordered: tuple[tuple[OrderedStep, ...], list[Any]] | None = None

    @property
    def states(self) -> list[object] | None:
        """The corpus steps' states an interrupted run's finished passes saved."""
        return self.journal.states if self.journal is not None else None

    @property
    def restart(self) -> Restart:
        """Where the interrupted run's phase goes on (``Restart()``: a new run)."""
        return self.journal.restart if self.journal is not None else Restart()

    @property
    def done(self) -> list[str]:
        """The inputs the interrupted run's phase finished."""
        return self.journal.done if self.journal is not None else []

    def size(self, name: str) -> int:
        """The committed size of the phase's file ``name`` (a pass's spool)."""
        return self.journal.sizes.get(name, 0) if self.journal is not None else 0

    @contextmanager
    def spools(self) -> Iterator[Path]:
        """The folder where corpus passes keep their spools: the journal's, kept for a
        resume, or a temporary one."""
        if self.journal is not None:
            yield self.journal.folder
            return
        with tempfile.TemporaryDirectory(prefix="corpuskit-pass-") as folder:
            yield Path(folder)

    def meter(self, phase: str, number: int, phases: int, total: int | None) -> Meter:
        """A meter for one phase, showing this run's report."""
        return Meter(self.on_progress, phase, number, phases, total, self.report)

    def save_states(self, states: list[object]) -> None:
        """Keep the corpus steps' fitted states in the journal, if there is one."""
        if self.journal is not None:
            self.journal.save_states(states)

    def commit(
        self, restart: Restart, done: Sequence[str], sizes: Mapping[str, int] | None = None
    ) -> None:
        """Record in the journal (if any) that a phase can go on from ``restart``."""
        if self.journal is not None:
            self.journal.commit(restart, done, self.report, sizes)

    def begin(self, phase: Phase, ordered: Sequence[OrderedStep] = ()) -> None:
        """Start the writing phase; the ``ordered`` steps (those that end the pipeline)
        are decided here, in order, their states rebuilt from the corpus a resumed run
        wrote."""
        self._phase = phase
        if not ordered:
            return
        states = [step.new_state() for step in ordered]
        for record in self.journal.written() if self.journal is not None else ():
            document = Document.from_record(record)
            for step, state in zip(ordered, states, strict=True):
                decide(step, state, document)
        self._ordered = (tuple(ordered), states)

    def take(self, done: Outcome | InputEnd | Skipped, mark: Mark | None = None) -> None:
        """Write, count and journal one thing cleaning gave (``mark``: where it stands
        in the phase's source)."""
        phase = self._phase
        read = mark.read if mark is not None else None
        if isinstance(done, InputEnd):
            if phase is not None:
                phase.meter.advance(read, done)
                phase.ended(done, mark)
            return
        if phase is not None and mark is not None and mark.restart is not None and phase.due():
            phase.commit(mark.restart)
        if isinstance(done, Skipped):
            self.report.skip(done)
        else:
            self._write(self._decided(done))
        if phase is not None:
            phase.meter.advance(read)

    def _write(self, done: Outcome) -> None:
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

    def _decided(self, done: Outcome) -> Outcome:
        """``done``, or the drop the first ordered step that rejects it makes of it (read
        back from its record: a copy is rare, so only copies pay for it)."""
        if self._ordered is None or done.key is None or done.id is None or done.line is None:
            return done
        found = _rejecting(*self._ordered, done.key, done.id)
        if found is None:
            return done
        step, detail = found
        document = Document.from_record(orjson.loads(done.line))
        drop = Drop(step_name(step), step.reason, document.source, detail, document)
        counts = RunReport()
        counts.add(drop)
        return Outcome(counts, drop=drop, reject=encode_reject(reject_record(drop)))


def _rejecting(
    steps: Sequence[OrderedStep], states: Sequence[Any], keys: Sequence[Any], page_id: str
) -> tuple[OrderedStep, str] | None:
    """The first of the ordered ``steps`` that rejects a page (its keys ``keys``), with
    why; each state before it records the page."""
    for step, state, key in zip(steps, states, keys, strict=True):
        detail = state.decide(key, page_id)
        if detail is not None:
            return step, detail
    return None
