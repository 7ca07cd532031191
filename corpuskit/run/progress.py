"""What a run tells while it goes: a ``Progress`` per phase, shown to ``on_progress``.

A run goes in phases: a counting pass for each corpus step that needs one
(``repeated_lines``), then the cleaning pass that writes. Each phase reads one source
front to back, the inputs or the spool the pass before it wrote, and its progress is
measured in bytes of that source read: the inputs' bytes as stored (compressed or
not; ``run/sources.py`` counts them as the readers pull them), so one big JSONL dump
or WARC file moves it as steadily as a folder of pages, and a rate and an ETA mean
something from the first seconds. Records are counted too, for a rate people know.

The library never draws: ``clean_files(on_progress=...)`` takes any callable, the
command line's progress bar (``cli/progress.py``) is one. A ``Meter`` calls it at most
``EVERY`` seconds, and at each input's end and each phase's end, so following a run
costs it nothing measurable whatever the callback does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from corpuskit.document import InputEnd
from corpuskit.run.report import RunReport

#: Seconds between two calls of ``on_progress`` within a phase: a terminal redraws a
#: few times a second, and a call per record would cost a fast text run about 1%.
EVERY = 0.1


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a run stands.

    **Parameters**

    - ``phase``: what the phase does (``count repeated_lines``, ``clean``);
      ``number`` its place among ``phases`` (1-based).
    - ``done``, ``total``: bytes of the phase's source read so far, and in all (None
      when unknown: standard input).
    - ``records``: records (documents, rejects, skipped records) the phase handled.
    - ``report``: the run's report so far (the cleaning phase fills it).
    - ``end``: the input that just ended, when one did (else None).
    - ``finished``: this phase is over (its last call).
    """

    phase: str
    number: int
    phases: int
    done: int
    total: int | None
    records: int
    report: RunReport
    end: InputEnd | None = None
    finished: bool = False


#: What a caller gives to follow a run.
OnProgress = Callable[[Progress], None]


class Meter:
    """Counts one phase's records and bytes, and shows them to ``on_progress`` now and
    then (see ``EVERY``)."""

    def __init__(
        self,
        on_progress: OnProgress | None,
        phase: str,
        number: int,
        phases: int,
        total: int | None,
        report: RunReport,
    ) -> None:
        self._show = on_progress
        self._fields = (phase, number, phases)
        self.total = total
        self.report = report
        self.done = 0
        self.records = 0
        self._next = 0.0

    def advance(self, read: int | None, end: InputEnd | None = None) -> None:
        """One more item handled (a record, or the ``end`` of an input), the source
        read up to byte ``read`` (None: unchanged)."""
        if read is not None:
            self.done = read
        if end is None:
            self.records += 1
        if self._show is None:
            return
        now = time.monotonic()
        if end is not None or now >= self._next:
            self._next = now + EVERY
            self._show(self._progress(end))

    def finish(self) -> None:
        """The phase is over: shown once more, whole."""
        if self.total is not None:
            self.done = max(self.done, self.total)
        if self._show is not None:
            self._show(self._progress(None, finished=True))

    def _progress(self, end: InputEnd | None, finished: bool = False) -> Progress:
        phase, number, phases = self._fields
        return Progress(
            phase, number, phases, self.done, self.total, self.records, self.report, end, finished
        )
