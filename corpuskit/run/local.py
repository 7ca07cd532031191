"""The local executor: this machine, one process or a pool of worker processes.

``LocalExecutor(workers=1)`` runs the pipeline in this process, one document after
another, in input order. With ``workers`` > 1 it *has* a ``WorkerPool`` (composition,
not a subclass): both passes (the steps before a corpus step, then the rest with
encoding) run in the pool's processes, in chunks; this process reads, counts for the
corpus steps and hands outcomes to the sink in input order. The output is the same,
byte for byte, whatever the number of workers. A document whose worker process dies
(twice) is rejected with the reason ``worker_died``; the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import chain, islice
from typing import Any

from corpuskit.document import Document, Drop
from corpuskit.errors import InputError
from corpuskit.readers import read_marked
from corpuskit.run.cleaning import Outcome, Provenance, fewer_collections, outcome
from corpuskit.run.executor import Job
from corpuskit.run.passes import corpus_passes
from corpuskit.run.pool import CHUNK_SIZE, WorkerPool
from corpuskit.run.report import RunReport
from corpuskit.run.sink import Sink


@dataclass(frozen=True)
class LocalExecutor:
    """Runs a job on this machine in ``workers`` processes (1: this process alone)."""

    workers: int = 1
    chunk_size: int = CHUNK_SIZE

    def __post_init__(self) -> None:
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            raise InputError(f"workers: at least 1, not {self.workers!r}")

    def run(self, job: Job, sink: Sink) -> RunReport:
        """Read ``job``'s inputs, clean them, hand every outcome to ``sink`` in order."""
        read = read_marked(job.inputs, job.read, stdin=job.stdin, done=job.done)
        provenance = Provenance.of(job.pipeline, job.run.audit)
        with fewer_collections():
            _, remaining, items = corpus_passes(
                job.pipeline,
                read,
                states=job.states,
                on_fitted=sink.save_states,
                mapper=self.map,
                seconds=job.run.time_limit,
            )
            task = partial(outcome, remaining, provenance, job.run.time_limit)
            for done in self.map(partial(_outcome_or_marker, task), items):
                if isinstance(done, Drop):  # a worker died on it: it never got an outcome
                    done = outcome(remaining, provenance, None, done)
                sink.take(done)
        return sink.report

    def map(self, task: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """``task`` over ``items``, in order: here, or in the pool's processes.

        Fewer items than one chunk are done here: starting the pool (a second or so of
        CPU for the workers' imports) would cost more than the work it shares out.
        """
        if self.workers == 1:
            return map(task, items)
        pending = iter(items)
        first = list(islice(pending, self.chunk_size))
        if len(first) < self.chunk_size:
            return map(task, first)
        return WorkerPool(self.workers, self.chunk_size).map(task, chain(first, pending), _died)


def _outcome_or_marker(task: Callable[[Any], Outcome], item: Any) -> Any:
    """The outcome of a document or a drop; markers (``InputEnd``) are handed on."""
    return task(item) if isinstance(item, Document | Drop) else item


def _died(item: Any, detail: str) -> Any:
    """What stands for an item whose worker died: a drop for a document."""
    if isinstance(item, Document):
        return Drop("pipeline", "worker_died", item.source, detail, item)
    return item
