"""An ordered map over a stream of items, in worker processes: bounded, and a worker that
dies costs one item, not the run.

``WorkerPool.map(task, items, on_death)`` gives ``task(item)`` for every item, in input
order, like ``map``. Items go to the workers in chunks (``chunk_size``), so the cost of
sending them is paid per chunk rather than per item, and only ``ahead`` chunks per worker
are in flight: the input is read as fast as the workers clean it, never all at once.

The task is handed to the workers once, when they start (by fork where the platform
has it, so a pipeline with large fitted state is not even pickled), not with every
chunk. If a worker process dies (killed, out of memory, a crash in C code), the chunk it
held is run again one item at a time in a new pool; the item that kills a worker again
gets ``on_death(item)`` instead of a result, and the run goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from typing import Any

#: Items per chunk: large enough that sending a chunk costs little beside cleaning it
#: (a page takes about 10 ms), small enough that the workers share the end of a run.
CHUNK_SIZE = 16

#: Chunks in flight per worker: enough to keep every worker busy while results wait.
AHEAD = 3

#: Seconds between a worker's checks that the process that started it still lives.
ORPHAN_CHECK = 0.5

_task: Callable[[Any], Any] | None = None


def _install(task: Callable[[Any], Any]) -> None:
    """Worker initializer: keep the task for the chunks to come, leave Ctrl-C to the
    parent, and end with the parent.

    Ctrl-C on a terminal sends SIGINT to the whole process group: the parent alone
    handles it (it stops the pool and says so in one line), so workers ignore it instead
    of each printing a ``KeyboardInterrupt`` traceback. A worker waits for chunks on a
    pipe it also holds open itself (forked), so it would wait forever once its parent was
    killed (SIGKILL leaves no time to stop the pool): a thread watches for the parent to
    go and ends the worker then.
    """
    global _task
    _task = task
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK)
    os._exit(1)


def _run(chunk: tuple[Any, ...]) -> list[Any]:
    """Worker: the task's result for each item of a chunk."""
    assert _task is not None
    return [_task(item) for item in chunk]


def _submit(pool: ProcessPoolExecutor, chunk: tuple[Any, ...]) -> Future[list[Any]]:
    """``chunk`` sent to ``pool``; a pool a dying worker broke already gives a future
    that fails as the chunks in flight do, so the same recovery sends it again (the
    submit itself raised, now and then, when a worker died between two chunks)."""
    try:
        return pool.submit(_run, chunk)
    except BrokenProcessPool as error:
        failed: Future[list[Any]] = Future()
        failed.set_exception(error)
        return failed


def batched(items: Iterable[Any], size: int) -> Iterator[tuple[Any, ...]]:
    """``items`` in tuples of ``size`` (the last one shorter); ``itertools.batched`` of
    Python 3.12.

    >>> list(batched(range(5), 2))
    [(0, 1), (2, 3), (4,)]
    """
    iterator = iter(items)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


def cpu_count() -> int:
    """The cores this process may use (its CPU affinity, where the platform tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@dataclass(frozen=True)
class WorkerPool:
    """``workers`` processes running one task over a stream (see the module docstring)."""

    workers: int
    chunk_size: int = CHUNK_SIZE
    ahead: int = AHEAD

    def map(
        self,
        task: Callable[[Any], Any],
        items: Iterable[Any],
        on_death: Callable[[Any, str], Any],
    ) -> Iterator[Any]:
        """``task(item)`` for each of ``items``, in order; ``on_death(item, detail)`` for
        an item whose worker died twice running it."""
        pool = self._pool(task)
        pending: deque[tuple[tuple[Any, ...], Future[list[Any]]]] = deque()
        try:
            for chunk in batched(items, self.chunk_size):
                pending.append((chunk, _submit(pool, chunk)))
                while len(pending) >= self.workers * self.ahead:
                    results, pool = self._next(pending, pool, task, on_death)
                    yield from results
            while pending:
                results, pool = self._next(pending, pool, task, on_death)
                yield from results
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _next(
        self,
        pending: deque[tuple[tuple[Any, ...], Future[list[Any]]]],
        pool: ProcessPoolExecutor,
        task: Callable[[Any], Any],
        on_death: Callable[[Any, str], Any],
    ) -> tuple[list[Any], ProcessPoolExecutor]:
        """The results of the oldest chunk, and the pool to go on with."""
        chunk, future = pending.popleft()
        try:
            return future.result(), pool
        except BrokenProcessPool:
            pass
        # A worker died: every chunk in flight is lost with the pool. Run this one item
        # by item to find the item that kills, then send the others again.
        pool.shutdown(wait=True, cancel_futures=True)
        results = []
        for item in chunk:
            pool = self._pool(task)
            try:
                results.extend(pool.submit(_run, (item,)).result())
            except BrokenProcessPool as error:
                results.append(on_death(item, str(error) or "a worker process died"))
            pool.shutdown(wait=True)
        pool = self._pool(task)
        for position, (waiting, _) in enumerate(list(pending)):
            pending[position] = (waiting, _submit(pool, waiting))
        return results, pool

    def _pool(self, task: Callable[[Any], Any]) -> ProcessPoolExecutor:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        return ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=_install, initargs=(task,)
        )
