"""Run the same pipeline on a Ray cluster: one task per input, corpus steps merged.

``pip install 'corpuskit[ray]'``, then ``corpuskit clean ... --executor ray`` (a local
Ray started on this machine) or ``--address ray://head:10001`` / ``--address auto`` (an
existing cluster, whose workers must have corpuskit installed and see the input paths,
e.g. on a shared file system).

Work is scheduled per input file, as datatrove's Ray executor does, never per record:
a Ray task per record costs far more than cleaning it. Each task reads one input itself
and returns what the local executors return (encoded lines, rejects, counts), so the
driver only writes, in input order, with a bounded number of tasks in flight. Corpus
steps (``repeated_lines``) count in a first round of tasks, one per input; their states
are merged in the driver (``state.merge``) and the fitted pipeline goes out once, by
reference, to the cleaning tasks. The output equals ``SerialExecutor``'s, record for
record and byte for byte, and runs are checkpointed and resumable like local runs.

No step runs twice on a document: a counting task returns two objects, its state
(fetched by the driver, to merge) and the input's documents as the steps before the
corpus step left them, which stay in Ray's object store, on the node that made them,
until the next round's task for that input takes them (by reference: they never pass
through the driver) and they are freed. This is the local executors' spool, kept by
Ray: on one machine it is memory (the object store, shared memory) until the store is
full, then Ray spills it to local disk; on a cluster it needs no file system shared
with the driver's output folder. Written to files instead, it would survive a killed
driver, but every worker would need the partial folder, and a resume restarts at input
boundaries anyway.

A single huge input is one task: split it (e.g. into shards) to spread it. For the same
reason a resumed Ray run restarts at the first input its journal does not count as
done (never inside one), and its counting rounds, which end together, start over. A
run resumed in its cleaning round has no spool (the object store went with the killed
driver): it reads its remaining inputs again and runs every step on them.
An ordered step that ends the pipeline (``exact_duplicates``) is decided where the
driver writes, as on the local executor; before another corpus step it counts in a
round of its own (tasks count inputs apart, out of order).

A local Ray (no ``address``) is started with token authentication, Ray's default, set
explicitly (``RAY_AUTH_MODE=token``) so that Ray does not warn about the default.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from corpuskit.document import Document, Drop, InputEnd, Skipped
from corpuskit.errors import InputError
from corpuskit.lazy import require
from corpuskit.pipeline import CorpusStep, Pipeline, ordered_keys, step_name
from corpuskit.readers import numbered_inputs, read_numbered
from corpuskit.readers.options import ReadOptions
from corpuskit.readers.paths import STDIN, Input
from corpuskit.run.cleaning import Outcome, Provenance, outcome
from corpuskit.run.executor import Job
from corpuskit.run.passes import prepare_item
from corpuskit.run.phases import Pass, Phase, Plan, restart_of
from corpuskit.run.report import RunReport
from corpuskit.run.sink import Sink
from corpuskit.run.sources import InputSource, Mark, Restart, input_sizes

#: Tasks in flight per CPU of the cluster: enough to keep every CPU busy while the
#: driver writes, few enough that results waiting to be written stay small.
IN_FLIGHT_PER_CPU = 2

#: Each input's spool, by input number: a reference to its items as the last counting
#: round left them, in Ray's object store (see the module docstring).
Spools = dict[int, Any]


#: Ray's setting of its authentication mode (an environment variable, read at import).
AUTH_MODE = "RAY_AUTH_MODE"


def _ray(local: bool = False) -> Any:
    """Ray, imported; for a ``local`` Ray this process starts, with token
    authentication chosen explicitly (Ray's default, which it warns about when left to
    choose; unless the environment says otherwise, or Ray was imported already and has
    read its setting)."""
    if local and "ray" not in sys.modules:
        os.environ.setdefault(AUTH_MODE, "token")
    return require("ray", "ray", "the ray executor", package="Ray")


def count_input(
    before: Pipeline,
    step: CorpusStep,
    options: ReadOptions,
    seconds: float | None,
    index: int,
    item: Input | Drop,
    spooled: list[Any] | None = None,
) -> tuple[Any, list[Any]]:
    """Task: a corpus step's state over one input, as the steps before it leave it, and
    what they left (the round's spool of this input: the next round's ``spooled``).

    The input is read, or taken from the round before (``spooled``). A state with a
    ``begin_input`` method is told the input's number first, so that what it keeps
    "first in input order" survives a merge in any order."""
    state = step.new_state()
    begin_input = getattr(state, "begin_input", None)
    if begin_input is not None:
        begin_input(index)
    results = []
    for found in _items(options, index, item, spooled):
        result = prepare_item(before, found, seconds)
        if isinstance(result, Document):
            step.observe(result, state)
        results.append(result)
    return state, results


def _items(
    options: ReadOptions, index: int, item: Input | Drop, spooled: list[Any] | None
) -> Iterable[Any]:
    """Input ``index``'s items: as the round before left them, else read."""
    return spooled if spooled is not None else read_numbered(index, item, options)


def clean_input(
    pipeline: Pipeline,
    provenance: Provenance,
    seconds: float | None,
    options: ReadOptions,
    index: int,
    item: Input | Drop,
    key: Callable[[Document], Any] | None = None,
    spooled: list[Any] | None = None,
) -> list[Outcome | Skipped | InputEnd]:
    """Task: everything one input gives the writing loop, in order, ending with its
    ``InputEnd`` (``key``: what the writing loop's ordered step needs of a page), read
    or as the last counting round left them (``spooled``)."""
    results: list[Outcome | Skipped | InputEnd] = []
    for found in _items(options, index, item, spooled):
        if isinstance(found, Document | Drop):
            results.append(outcome(pipeline, provenance, seconds, found, key=key))
        else:
            results.append(found)
    return results


@dataclass(frozen=True)
class RayExecutor:
    """Runs a job on Ray (``address``: None for a local Ray, else a cluster's)."""

    address: str | None = None

    def run(self, job: Job, sink: Sink) -> RunReport:
        """Clean the job's inputs, one Ray task per input, into ``sink`` in input order."""
        if STDIN in job.inputs:
            raise InputError("the ray executor reads files; standard input cannot be shared")
        ray = _ray(local=self.address is None and not os.environ.get("RAY_ADDRESS"))
        started = not ray.is_initialized()  # a Ray the caller started is the caller's
        if started:
            ray.init(address=self.address, include_dashboard=False, log_to_driver=False)
        try:
            return self._run(ray, job, sink)
        finally:
            if started:
                ray.shutdown()

    def _run(self, ray: Any, job: Job, sink: Sink) -> RunReport:
        plan = Plan.of(job.pipeline, in_passes=False)
        restart = restart_of(sink, plan)
        pipeline, spools = self._fitted(ray, job, plan, sink)
        number = len(plan.passes)
        done = sink.done if restart == sink.restart else []
        source = InputSource(job.inputs, job.read, done=done)
        phase = Phase(sink, number, "clean", number + 1, source)
        ordered = plan.ordered_steps(pipeline)
        sink.begin(phase, ordered)
        provenance = Provenance.of(job.pipeline, job.run.audit)
        # an input with a spool goes on from it; one without (a run resumed in this
        # round: the object store went with the driver) is read and every step runs
        work = list(numbered_inputs(job.inputs, job.read, None, done))
        unspooled = any(index not in spools for index, _ in work)
        whole = ray.put(Pipeline(pipeline.steps[: plan.stop])) if unspooled else None
        rest = ray.put(Pipeline(pipeline.steps[plan.start : plan.stop])) if spools else None
        key = partial(ordered_keys, ordered) if ordered else None
        task = ray.remote(clean_input)
        calls = (
            task.remote(
                rest if index in spools else whole,
                provenance,
                job.run.time_limit,
                job.read,
                index,
                item,
                key,
                spools.pop(index, None),
            )
            for index, item in work
        )
        sizes, read = input_sizes(job.inputs, job.read), source.read
        for (index, _), results in zip(work, _in_order(ray, calls, _window(ray)), strict=True):
            for done_item in results:
                if isinstance(done_item, InputEnd):
                    read += sizes[index] or 0
                sink.take(done_item, Mark(None, read))  # restarts at input ends only
        phase.finish(restart=Restart(number, len(done) + len(work)))
        return sink.report

    def _fitted(self, ray: Any, job: Job, plan: Plan, sink: Sink) -> tuple[Pipeline, Spools]:
        """The pipeline with its corpus steps fitted, from saved states (no spools), or
        by counting over every input (a round of tasks per pass, each going on from the
        round before's spools), merged here; and the last round's spools."""
        pipeline, states = job.pipeline, sink.states
        positions = [one.step for one in plan.passes]
        if states is not None and len(states) == len(positions):
            for position, state in zip(positions, states, strict=True):
                step = pipeline.steps[position]
                assert isinstance(step, CorpusStep)
                pipeline = pipeline.replace(step_name(step), step.fitted(state))
            return pipeline, {}
        fitted, spools = [], cast(Spools, {})
        for number, one in enumerate(plan.passes):
            assert not one.ordered, "Ray counts ordered steps in rounds of their own"
            state = self._count(ray, job, sink, pipeline, one, (number, len(positions)), spools)
            step = pipeline.steps[one.step]
            assert isinstance(step, CorpusStep)
            pipeline = pipeline.replace(step_name(step), step.fitted(state))
            fitted.append(state)
        if positions:
            sink.save_states(fitted)
        return pipeline, spools

    def _count(
        self,
        ray: Any,
        job: Job,
        sink: Sink,
        pipeline: Pipeline,
        one: Pass,
        phase: tuple[int, int],
        spools: Spools,
    ) -> Any:
        """One counting round: a task per input (going on from its spool in ``spools``,
        replaced by the round's), the states merged here in input order."""
        step = pipeline.steps[one.step]
        assert isinstance(step, CorpusStep)
        work = list(numbered_inputs(job.inputs, job.read))
        sizes = input_sizes(job.inputs, job.read)
        number, passes = phase
        name = f"count {step_name(step)}"
        meter = sink.meter(name, number + 1, passes + 1, sum(size or 0 for size in sizes))
        before = ray.put(Pipeline(pipeline.steps[one.start : one.stop]))
        shared, seconds = ray.put(step), job.run.time_limit
        task = ray.remote(num_returns=2)(count_input)  # the state, and the spool
        calls = (
            task.remote(before, shared, job.read, seconds, index, item, spools.pop(index, None))
            for index, item in work
        )
        state = step.new_state()
        fetch = partial(_state_and_spool, ray)
        for (index, _), (part, spool) in zip(
            work, _in_order(ray, calls, _window(ray), fetch), strict=True
        ):
            state.merge(part)
            spools[index] = spool
            meter.advance(meter.done + (sizes[index] or 0))
        meter.finish()
        return state


def _window(ray: Any) -> int:
    """How many tasks to keep in flight (see ``IN_FLIGHT_PER_CPU``)."""
    return max(1, int(ray.cluster_resources().get("CPU", 1)) * IN_FLIGHT_PER_CPU)


def _state_and_spool(ray: Any, refs: list[Any]) -> tuple[Any, Any]:
    """A counting task's state (fetched: the driver merges it) and its spool (a
    reference: it stays in the object store for the next round's task)."""
    state, spool = refs
    return ray.get(state), spool


def _in_order(
    ray: Any, calls: Iterator[Any], window: int, fetch: Callable[[Any], Any] | None = None
) -> Iterator[Any]:
    """The results of ``calls`` (object refs, started lazily), in order, with at most
    ``window`` tasks in flight; ``fetch`` gets a call's result (``ray.get``)."""
    get = fetch or ray.get
    pending: deque[Any] = deque()
    for call in calls:
        pending.append(call)
        if len(pending) >= window:
            yield get(pending.popleft())
    while pending:
        yield get(pending.popleft())
