"""The local executor: this machine, one process or a pool of worker processes.

``LocalExecutor(workers=1)`` runs the pipeline in this process, one document after
another, in input order. With more workers it *has* a ``WorkerPool`` (composition, not
a subclass): every phase (each corpus pass's steps, then the rest with encoding) runs
in the pool's processes, in chunks; this process reads, counts for the corpus steps,
decides the ordered ones and hands outcomes to the sink in input order
(``run/phases.py``). The output is the same, byte for byte, whatever the number of
workers. A document whose worker process dies (twice) is rejected with the reason
``worker_died``; the run goes on.

How many workers: never more than the cores (``pool.cpu_count``) or than the inputs'
work can keep busy (``useful_workers``: a worker per ``WORK_PER_WORKER`` bytes of
input), so ``--workers 32`` on one page runs in this process alone, with one log line
saying why.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from corpuskit.document import Document, Drop
from corpuskit.errors import InputError
from corpuskit.readers.compression import strip_suffix
from corpuskit.readers.paths import STDIN, Input, expand
from corpuskit.run.cleaning import fewer_collections
from corpuskit.run.executor import Job
from corpuskit.run.phases import run_phases
from corpuskit.run.pool import CHUNK_SIZE, WorkerPool, cpu_count
from corpuskit.run.report import RunReport
from corpuskit.run.sink import Sink
from corpuskit.run.sources import input_sizes

log = logging.getLogger(__name__)

#: Bytes of input (decompressed) that make a worker worth starting: about a second of
#: cleaning (traf-dev: 1-2 MB of HTML or text a second per core), against the tenth of
#: a second a worker takes to start and stop. Re-measure with tests/run/test_workers.py's
#: pages if the cleaning gets much faster.
WORK_PER_WORKER = 1 << 20

#: How much larger a gzip or zstd input is once decompressed, for the estimate: the
#: 696 traf-dev pages are 19.7 MB as .html.gz and 98.6 MB as HTML (5.0).
COMPRESSION_RATIO = 5


@dataclass(frozen=True)
class LocalExecutor:
    """Runs a job on this machine in ``workers`` processes (1: this process alone;
    None: as many as useful, see the module docstring)."""

    workers: int | None = 1
    chunk_size: int = CHUNK_SIZE

    def __post_init__(self) -> None:
        workers = self.workers
        if workers is not None and (
            isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
        ):
            raise InputError(f"workers: at least 1, not {workers!r}")

    def run(self, job: Job, sink: Sink) -> RunReport:
        """Read ``job``'s inputs, clean them, hand every outcome to ``sink`` in order."""
        workers = self.used(job)
        pool = WorkerPool(workers, self.chunk_size) if workers > 1 else None
        with fewer_collections(), sink.spools() as folder:
            run_phases(job, sink, folder, partial_map(pool), apart=pool is not None)
        return sink.report

    def used(self, job: Job) -> int:
        """The workers this job gets: those asked (every core when None), capped by the
        cores and the inputs' work; a cap on an explicit number is logged as a warning."""
        cores = cpu_count()
        asked = cores if self.workers is None else self.workers
        useful = min(cores, useful_workers(job))
        if asked <= useful:
            return asked
        level = logging.INFO if self.workers is None else logging.WARNING
        log.log(level, "workers: %d asked, %d used (%s)", asked, useful, _why(job, cores, useful))
        return useful


def partial_map(
    pool: WorkerPool | None,
) -> Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[Any]]:
    """An ordered map: ``map`` in this process, or ``pool``'s."""

    def mapped(task: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        if pool is None:
            return map(task, items)
        return pool.map(task, items, _died)

    return mapped


def useful_workers(job: Job) -> int:
    """How many workers the job's inputs can keep busy: one per ``WORK_PER_WORKER``
    bytes, a compressed input counted decompressed (``COMPRESSION_RATIO``); as many as
    there are cores for standard input or a pipe, whose size is unknown."""
    if STDIN in job.inputs:
        return cpu_count()
    work = 0
    found = expand(job.inputs, follow_links=job.read.follow_links)
    names = (item.path if isinstance(item, Input) else item.source.path for item in found)
    for name, size in zip(names, input_sizes(job.inputs, job.read), strict=True):
        if size is None:
            return cpu_count()
        work += size * (COMPRESSION_RATIO if strip_suffix(name)[1] else 1)
    return max(1, math.ceil(work / WORK_PER_WORKER))


def _why(job: Job, cores: int, useful: int) -> str:
    if useful == cores:
        return f"the cores this process may use: {cores}"
    return f"the inputs hold work for {useful}: one per {WORK_PER_WORKER >> 20} MiB of input"


def _died(item: Any, detail: str) -> Any:
    """What stands for an item whose worker died: a drop for a document."""
    if isinstance(item, Document):
        return Drop("pipeline", "worker_died", item.source, detail, item)
    return item
