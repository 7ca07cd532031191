"""A progress bar on stderr for ``corpuskit clean``: a line per phase of the run (each
counting pass, then the cleaning), with its records and records/s, the bytes of its
source read out of all, the time it took and the time left.

Progress is measured in bytes of the phase's source (``run/progress.py``), so one big
JSONL dump or WARC file moves the bar as much as a folder of pages, and the time left
means something from the first seconds. Shown only on a terminal and without
``--quiet``; redrawn a few times a second whatever the pace of the run (rich's live
display refreshes on its own thread, the library calls at most ten times a second), so
following the run costs the run nothing measurable. The library never draws:
``clean_files`` takes any ``on_progress`` callback.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Self

from corpuskit.run.progress import OnProgress
from corpuskit.run.progress import Progress as RunProgress

if TYPE_CHECKING:
    from rich.progress import TaskID


class ProgressBar:
    """``on_progress`` for ``clean_files``, drawing on stderr while in a ``with`` block."""

    def __init__(self) -> None:
        # rich is imported for a bar on a terminal only (a twentieth of a CPU-second)
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            TextColumn("{task.fields[records]:>9,} records {task.fields[rate]:>6.0f}/s"),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
            refresh_per_second=4,
        )
        self._tasks: dict[int, TaskID] = {}

    def __call__(self, progress: RunProgress) -> None:
        task = self._tasks.get(progress.number)
        if task is None:
            name = f"{progress.number}/{progress.phases} {progress.phase}"
            task = self._progress.add_task(name, total=progress.total, records=0, rate=0.0)
            self._tasks[progress.number] = task
        elapsed = self._progress.tasks[task].elapsed or 0.0
        rate = progress.records / elapsed if elapsed > 0 else 0.0
        self._progress.update(
            task, completed=progress.done, total=progress.total, records=progress.records, rate=rate
        )
        if progress.finished:
            self._progress.stop_task(task)

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


def each(*callbacks: OnProgress | None) -> OnProgress | None:
    """One ``on_progress`` calling each of ``callbacks`` that is set (None if none is)."""
    chosen = [callback for callback in callbacks if callback is not None]
    if not chosen:
        return None

    def call_each(progress: RunProgress) -> None:
        for callback in chosen:
            callback(progress)

    return call_each
