"""The sink: where every executor hands what cleaning gave, in input order.

An executor (``run/executor.py``) reads, cleans and orders; the ``Sink`` writes corpus
lines and rejects, counts ``Skipped`` records, journals finished inputs for a resume
(``Journal``, implemented by ``run/checkpoint.Checkpoint``), keeps the report and shows
it to ``on_progress``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from corpuskit.document import Drop, InputEnd, Skipped
from corpuskit.errors import RunStopped
from corpuskit.run.cleaning import Outcome
from corpuskit.run.report import RunReport
from corpuskit.writers import Writer


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

    def save_states(self, states: list[object]) -> None:
        """Keep the corpus steps' fitted states in the journal, if there is one."""
        if self.journal is not None:
            self.journal.save_states(states)

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
