"""A run in phases: a counting pass per corpus step that needs one, then the writing pass.

``Plan.of(pipeline)`` cuts the pipeline at its corpus steps. Each pass runs the steps
before its corpus step where pages are cleaned (this process or worker processes), shows
each result to the corpus step here, in input order, and spools it; the next phase reads
that spool. An ordered corpus step (``exact_duplicates``) needs no pass when the pages
come back in order right after it: it is decided here, in the pass of the corpus step
that follows it, or, last in the pipeline, where records are written (``Sink``).

``run_phases`` is the local executor's loop. Every phase commits to the run's journal
(``Sink.commit``, ``run/checkpoint.py``) about once a second (``COMMIT_SECONDS``, sooner
after ``COMMIT_RECORDS`` records): where
its source stands (``sources.Restart``) and how much of its output is written. A killed
run resumes the phase it was in, from that point: a pass goes on with its spool and its
state rebuilt from the spool (``observe`` again, no step runs twice); the writing pass
goes on with the corpus written so far (and the ordered step's digests rebuilt from it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, cast

from corpuskit.document import Document, Drop, InputEnd
from corpuskit.pipeline import CorpusStep, OrderedStep, Pipeline, decide, ordered_keys, step_name
from corpuskit.run.cleaning import Outcome, Provenance, outcome
from corpuskit.run.executor import Job
from corpuskit.run.passes import prepare_and_observe, prepare_item
from corpuskit.run.sink import Sink
from corpuskit.run.sources import (
    InputSource,
    Mark,
    Restart,
    Source,
    Spool,
    SpoolSource,
    spooled,
)

log = logging.getLogger(__name__)

#: Runs a function over items, in order (``map``, or a process pool's ordered map).
Mapper = Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[Any]]


@dataclass(frozen=True, slots=True)
class Pass:
    """One counting pass: the steps ``start:stop`` run where pages are cleaned, then the
    ordered steps at ``ordered`` decide here, then the corpus step at ``step`` counts."""

    start: int
    stop: int
    ordered: tuple[int, ...]
    step: int


@dataclass(frozen=True, slots=True)
class Plan:
    """The passes, then the writing phase: steps ``start:stop`` where pages are cleaned,
    and the ordered steps at ``ordered`` (those that end the pipeline, if any) decided
    where records are written, in order."""

    passes: tuple[Pass, ...]
    start: int
    stop: int
    ordered: tuple[int, ...]

    @classmethod
    def of(cls, pipeline: Pipeline, *, in_passes: bool = True) -> Plan:
        """The plan of ``pipeline``. Ordered steps that end it (``exact_duplicates``,
        ``near_duplicates``) are decided where records are written; one directly before
        another corpus step, in that step's pass (when ``in_passes``: Ray counts inputs
        apart, out of order); anywhere else it counts in a pass of its own."""
        steps, corpus = pipeline.steps, pipeline.corpus_steps()
        stop = len(steps)
        while stop - 1 in corpus and _ordered(steps[stop - 1]):
            stop -= 1
        passes: list[Pass] = []
        start, waiting = 0, cast(tuple[int, ...], ())
        for position in (position for position in corpus if position < stop):
            following = position + 1 in corpus and not _ordered(steps[position + 1])
            if _ordered(steps[position]) and in_passes and following:
                waiting = (position,)
            else:
                passes.append(Pass(start, position - len(waiting), waiting, position))
                start, waiting = position, ()
        return cls(tuple(passes), start, stop, tuple(range(stop, len(steps))))

    def ordered_steps(self, pipeline: Pipeline) -> tuple[OrderedStep, ...]:
        """The steps decided where records are written, in order."""
        steps = tuple(pipeline.steps[position] for position in self.ordered)
        assert all(isinstance(step, OrderedStep) for step in steps)
        return cast(tuple[OrderedStep, ...], steps)

    def states(self) -> int:
        """How many states the passes save (one per step they count or decide)."""
        return sum(len(one.ordered) + 1 for one in self.passes)


def _ordered(step: Any) -> bool:
    return isinstance(step, OrderedStep)


#: Seconds between two journal commits of a phase (and at most what a kill loses): a
#: commit is one journal line (the report: about 1 KB) and a flush, about 50 µs;
#: committing per record would write more journal than corpus.
COMMIT_SECONDS = 1.0

#: Records after which a commit is due sooner, though never within ``COMMIT_SECONDS``
#: / 10 of the last: a fast pass (a counting pass of cheap steps over small pages, a
#: second or less) still commits along the way, and commits stay under ten a second
#: (0.05% of a core). Re-measure the cost (bench/speed.py) if either changes.
COMMIT_RECORDS = 256


class Phase:
    """One phase's bookkeeping: its number and name, its source, its progress meter and
    when to commit to the journal."""

    def __init__(self, sink: Sink, number: int, name: str, phases: int, source: Source) -> None:
        self.sink, self.number, self.name, self.source = sink, number, name, source
        self.meter = sink.meter(name, number + 1, phases, source.total)
        self.meter.done = source.read
        self._done: list[str] = []
        self._last, self._records = time.monotonic(), 0

    def due(self) -> bool:
        """Whether a commit is due: records handled since the last, and
        ``COMMIT_SECONDS`` gone by (a tenth of it after ``COMMIT_RECORDS`` records)."""
        records = self.meter.records - self._records
        if not records:
            return False
        since = time.monotonic() - self._last
        return since >= COMMIT_SECONDS or (
            records >= COMMIT_RECORDS and since >= COMMIT_SECONDS / 10
        )

    def commit(self, restart: Restart, spool: Spool | None = None) -> None:
        """Record ``restart`` in the journal, with the inputs finished since the last
        commit and the size of the pass's ``spool`` (the part files for the writing
        phase)."""
        sizes = {spool.path.name: spool.size()} if spool is not None else None
        self.sink.commit(restart, self._done, sizes)
        self._done, self._last, self._records = [], time.monotonic(), self.meter.records

    def finish(self, spool: Spool | None = None, restart: Restart | None = None) -> None:
        """The phase read all of its source: commit its end (so that a resume after a
        failed publish has nothing to redo) and show it."""
        self.commit(restart or self.source.end(), spool)
        self.meter.finish()

    def ended(self, end: InputEnd, mark: Mark | None = None, spool: Spool | None = None) -> None:
        """Input ``end`` is done (``mark``: its mark in the source): commit if due, to
        restart past it (the next input; in a spool, the item after it)."""
        self._done.append(end.path)
        if self.due():
            self.commit(self.source.past(self.number, end, mark), spool)


def run_phases(job: Job, sink: Sink, folder: Path, mapper: Mapper, *, apart: bool = False) -> None:
    """Run ``job`` in phases (see the module docstring) into ``sink``, the passes'
    spools in ``folder``; ``apart``: the mapper runs in other processes, so a corpus
    step whose counts merge in any order counts there too (``_count``)."""
    plan = Plan.of(job.pipeline)
    restart = restart_of(sink, plan)
    pipeline, saved = job.pipeline, list(sink.states or [])
    phases = len(plan.passes) + 1
    for number, one in enumerate(plan.passes):
        count = len(one.ordered) + 1
        if len(saved) >= count:
            pipeline, saved = _fit(pipeline, one, saved[:count]), saved[count:]
            continue
        source = _source(job, sink, folder, number, restart)
        phase = Phase(sink, number, _name(pipeline, one), phases, source)
        spool = folder / spool_name(number)
        states = _count(pipeline, one, phase, spool, mapper, job.run.time_limit, apart)
        pipeline = _fit(pipeline, one, states)
        sink.save_states([*(sink.states or []), *states])
        _forget(folder, number - 1)
    number = len(plan.passes)
    source = _source(job, sink, folder, number, restart)
    _write(job, pipeline, plan, Phase(sink, number, "clean", phases, source), mapper)


def spool_name(number: int) -> str:
    """The file name of pass ``number``'s spool."""
    return f"pass-{number + 1}.spool"


def restart_of(sink: Sink, plan: Plan) -> Restart:
    """Where the journal says to go on: a pass its saved states say is over restarts
    the phase after it from its start."""
    restart, saved = sink.restart, len(sink.states or [])
    finished = 0
    for one in plan.passes:
        if saved < len(one.ordered) + 1:
            break
        saved -= len(one.ordered) + 1
        finished += 1
    return restart if restart.phase == finished else Restart(finished)


def _source(job: Job, sink: Sink, folder: Path, number: int, restart: Restart) -> Source:
    """What phase ``number`` reads, from where the journal says: the inputs (phase 0),
    else the spool of the pass before it."""
    here = restart.phase == number
    if number == 0:
        done = sink.done if here and sink.restart == restart else []
        start = restart if here else Restart()
        return InputSource(job.inputs, job.read, stdin=job.stdin, done=done, restart=start)
    return SpoolSource(folder / spool_name(number - 1), number, restart.spool if here else 0)


def _name(pipeline: Pipeline, one: Pass) -> str:
    names = [step_name(pipeline.steps[p]) for p in (*one.ordered, one.step)]
    return "count " + ", ".join(names)


def _fit(pipeline: Pipeline, one: Pass, states: Sequence[object]) -> Pipeline:
    """``pipeline`` with the steps ``one`` counted fitted from their ``states``."""
    for position, state in zip((*one.ordered, one.step), states, strict=True):
        step = pipeline.steps[position]
        assert isinstance(step, CorpusStep)
        pipeline = pipeline.replace(step_name(step), step.fitted(state))
    return pipeline


def _count(
    pipeline: Pipeline,
    one: Pass,
    phase: Phase,
    path: Path,
    mapper: Mapper,
    seconds: float | None = None,
    apart: bool = False,
) -> list[object]:
    """Run one pass: spool every result, show each document to the corpus step (after
    the ordered steps decided it); the states of the steps it counted. A resumed pass
    goes on with its spool, the states rebuilt from what it holds. ``seconds`` bounds
    the steps before it on one document, as the time limit bounds the rest.

    With ``apart`` (worker processes), a pass without ordered steps whose state merges
    in any order (no ``begin_input``: ``repeated_lines``) has each document observed
    where the steps before ran, into a state of its own that is merged here: the
    hashing of every line moves out of the one process that reads, spools and writes
    (half of its work on unique pages, bench/speed.py's parent share)."""
    steps = [pipeline.steps[p] for p in (*one.ordered, one.step)]
    states = [step.new_state() for step in steps if isinstance(step, CorpusStep)]
    sink, source = phase.sink, phase.source
    resumed = sink.restart.phase == phase.number
    spool = Spool(path, sink.size(path.name) if resumed else 0)
    for _, item, _ in spooled(path):
        _observe(steps, states, item)
    before = Pipeline(pipeline.steps[one.start : one.stop])
    merged = apart and not one.ordered and not hasattr(states[-1], "begin_input")
    task: Callable[[Any], Any] = partial(prepare_item, before, seconds=seconds)
    counted = pipeline.steps[one.step]
    if merged and isinstance(counted, CorpusStep):
        task = partial(prepare_and_observe, counted, before, seconds=seconds)
    started = time.perf_counter()
    for result in mapper(task, source.items()):
        # prepare_and_observe's (result, counts); the pool's drop for a worker that died
        # comes bare, as does every result of prepare_item
        observed = isinstance(result, tuple)
        if observed:
            result, seen = result
            if seen is not None:
                states[-1].merge(seen)
        mark = source.mark()
        if isinstance(result, InputEnd):
            spool.add(result)
            phase.meter.advance(mark.read, result)
            phase.ended(result, mark, spool)
            continue
        if mark.restart is not None and phase.due():
            phase.commit(mark.restart, spool)
        spool.add(result if observed else _observe(steps, states, result))
        phase.meter.advance(mark.read)
    phase.finish(spool)
    spool.close()
    took = time.perf_counter() - started
    log.info("corpus pass %s: %.2f s (the steps before it, and counting)", phase.name, took)
    return states


def _observe(steps: Sequence[Any], states: Sequence[object], item: Any) -> Any:
    """``item`` as the ordered ``steps`` decide it, shown to the last step if a document."""
    *ordered, counted = steps
    for step, state in zip(ordered, states, strict=False):
        if isinstance(item, Document):
            item = decide(step, state, item)
    if isinstance(item, Document):
        counted.observe(item, states[-1])
    return item


def _write(job: Job, pipeline: Pipeline, plan: Plan, phase: Phase, mapper: Mapper) -> None:
    """The writing phase: clean what is left, hand every outcome to the sink in order."""
    ordered = plan.ordered_steps(pipeline)
    phase.sink.begin(phase, ordered)
    provenance = Provenance.of(job.pipeline, job.run.audit)
    remaining = Pipeline(pipeline.steps[plan.start : plan.stop])
    key = partial(ordered_keys, ordered) if ordered else None
    task = partial(outcome, remaining, provenance, job.run.time_limit, key=key)
    source = phase.source
    for done in mapper(partial(_outcome_or_marker, task), source.items()):
        if isinstance(done, Drop):  # a worker died on it: it never got an outcome
            done = outcome(remaining, provenance, None, done)
        phase.sink.take(done, source.mark())
    phase.finish()


def _outcome_or_marker(task: Callable[[Any], Outcome], item: Any) -> Any:
    """The outcome of a document or a drop; markers (``InputEnd``, ``Skipped``) are
    handed on."""
    return task(item) if isinstance(item, Document | Drop) else item


def _forget(folder: Path, number: int) -> None:
    """Remove the spool of pass ``number`` once the pass after it is over (the spool
    the writing phase reads goes with the partial folder, once published)."""
    if number >= 0:
        (folder / spool_name(number)).unlink(missing_ok=True)
