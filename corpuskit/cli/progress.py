"""A progress bar on stderr for ``corpuskit clean``: pages, pages/s, and an ETA when
the number of inputs is known.

Shown only on a terminal and without ``--quiet``; redrawn a few times a second whatever
the pace of the run (rich's live display refreshes on its own thread), so following the
run costs the run nothing measurable. The library never uses it: ``clean_files`` takes
any ``on_progress`` callback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Self

from corpuskit.document import InputEnd
from corpuskit.readers.paths import STDIN, expand
from corpuskit.run.report import RunReport


def count_inputs(specs: Iterable[str]) -> int | None:
    """How many inputs ``specs`` name (walking folders and globs), None with stdin."""
    specs = list(specs)
    if STDIN in specs:
        return None
    return sum(1 for _ in expand(specs))


class ProgressBar:
    """``on_progress`` for ``clean_files``, drawing on stderr while in a ``with`` block."""

    def __init__(self, inputs: int | None) -> None:
        # rich is imported for a bar on a terminal only (a twentieth of a CPU-second)
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("{task.fields[pages]:>9,} pages  {task.fields[rate]:>5.0f}/s"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("inputs"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
            refresh_per_second=4,
        )
        self._task = self._progress.add_task("clean", total=inputs, pages=0, rate=0.0)

    def __call__(self, report: RunReport, end: InputEnd | None) -> None:
        task = self._progress.tasks[0]
        elapsed = task.elapsed or 0.0
        rate = report.read / elapsed if elapsed > 0 else 0.0
        done = (end.index + 1) if end is not None else task.completed
        self._progress.update(self._task, completed=done, pages=report.read, rate=rate)

    def __enter__(self) -> Self:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()


def each(
    *callbacks: Callable[[RunReport, InputEnd | None], None] | None,
) -> Callable[[RunReport, InputEnd | None], None] | None:
    """One ``on_progress`` calling each of ``callbacks`` that is set (None if none is)."""
    chosen = [callback for callback in callbacks if callback is not None]
    if not chosen:
        return None

    def call_each(report: RunReport, end: InputEnd | None) -> None:
        for callback in chosen:
            callback(report, end)

    return call_each
