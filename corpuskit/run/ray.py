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
A single huge input is one task: split it (e.g. into shards) to spread it. For the same
reason a resumed Ray run restarts at the first input its journal does not count as
done (never inside one), and its counting rounds, which end together, start over.
An ordered step that ends the pipeline (``exact_duplicates``) is decided where the
driver writes, as on the local executor; before another corpus step it counts in a
round of its own (tasks count inputs apart, out of order).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from corpuskit.document import Document, Drop, InputEnd, Skipped
from corpuskit.errors import InputError
from corpuskit.pipeline import CorpusStep, Pipeline, ordered_keys, step_name
from corpuskit.readers import numbered_inputs, read_numbered
from corpuskit.readers.options import ReadOptions
from corpuskit.readers.paths import STDIN, Input
from corpuskit.run.cleaning import Outcome, Provenance, outcome
from corpuskit.run.executor import Job
from corpuskit.run.passes import prepare_item
from corpuskit.run.phases import Phase, Plan, restart_of
from corpuskit.run.report import RunReport
from corpuskit.run.sink import Sink
from corpuskit.run.sources import InputSource, Mark, Restart, input_sizes

#: Tasks in flight per CPU of the cluster: enough to keep every CPU busy while the
#: driver writes, few enough that results waiting to be written stay small.
IN_FLIGHT_PER_CPU = 2


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise InputError("the ray executor needs Ray: pip install 'corpuskit[ray]'") from None
    return ray


def count_input(
    before: Pipeline, step: CorpusStep, options: ReadOptions, index: int, item: Input | Drop
) -> Any:
    """Task: a corpus step's state over one input, as the steps before it leave it.

    A state with a ``begin_input`` method is told the input's number first, so that
    what it keeps "first in input order" survives a merge in any order."""
    state = step.new_state()
    begin_input = getattr(state, "begin_input", None)
    if begin_input is not None:
        begin_input(index)
    for found in read_numbered(index, item, options):
        result = prepare_item(before, found)
        if isinstance(result, Document):
            step.observe(result, state)
    return state


def clean_input(
    pipeline: Pipeline,
    provenance: Provenance,
    seconds: float | None,
    options: ReadOptions,
    index: int,
    item: Input | Drop,
    key: Callable[[Document], Any] | None = None,
) -> list[Outcome | Skipped | InputEnd]:
    """Task: everything one input gives the writing loop, in order, ending with its
    ``InputEnd`` (``key``: what the writing loop's ordered step needs of a page)."""
    results: list[Outcome | Skipped | InputEnd] = []
    for found in read_numbered(index, item, options):
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
        ray = _ray()
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
        pipeline = self._fitted(ray, job, plan, sink)
        number = len(plan.passes)
        done = sink.done if restart == sink.restart else []
        source = InputSource(job.inputs, job.read, done=done)
        phase = Phase(sink, number, "clean", number + 1, source)
        ordered = plan.ordered_steps(pipeline)
        sink.begin(phase, ordered)
        provenance = Provenance.of(job.pipeline, job.run.audit)
        shared = ray.put(Pipeline(pipeline.steps[: plan.stop]))  # tasks read the inputs again
        key = partial(ordered_keys, ordered) if ordered else None
        work = list(numbered_inputs(job.inputs, job.read, None, done))
        task = ray.remote(clean_input)
        calls = (
            task.remote(shared, provenance, job.run.time_limit, job.read, index, item, key)
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

    def _fitted(self, ray: Any, job: Job, plan: Plan, sink: Sink) -> Pipeline:
        """The pipeline with its corpus steps fitted: from saved states, or by counting
        over every input (a round of tasks per pass), merged here."""
        pipeline, states = job.pipeline, sink.states
        positions = [one.step for one in plan.passes]
        if states is not None and len(states) == len(positions):
            for position, state in zip(positions, states, strict=True):
                step = pipeline.steps[position]
                assert isinstance(step, CorpusStep)
                pipeline = pipeline.replace(step_name(step), step.fitted(state))
            return pipeline
        work = list(numbered_inputs(job.inputs, job.read))
        sizes = input_sizes(job.inputs, job.read)
        task = ray.remote(count_input)
        fitted = []
        for number, position in enumerate(positions):
            step = pipeline.steps[position]
            assert isinstance(step, CorpusStep)
            meter = sink.meter(
                f"count {step_name(step)}",
                number + 1,
                len(positions) + 1,
                sum(size or 0 for size in sizes),
            )
            before = ray.put(Pipeline(pipeline.steps[:position]))
            calls = (task.remote(before, step, job.read, index, item) for index, item in work)
            state = step.new_state()
            for (index, _), part in zip(work, _in_order(ray, calls, _window(ray)), strict=True):
                state.merge(part)
                meter.advance(meter.done + (sizes[index] or 0))
            meter.finish()
            pipeline = pipeline.replace(step_name(step), step.fitted(state))
            fitted.append(state)
        if positions:
            sink.save_states(fitted)
        return pipeline


def _window(ray: Any) -> int:
    """How many tasks to keep in flight (see ``IN_FLIGHT_PER_CPU``)."""
    return max(1, int(ray.cluster_resources().get("CPU", 1)) * IN_FLIGHT_PER_CPU)


def _in_order(ray: Any, calls: Iterator[Any], window: int) -> Iterator[Any]:
    """The results of ``calls`` (object refs, started lazily), in order, with at most
    ``window`` tasks in flight."""
    pending: deque[Any] = deque()
    for call in calls:
        pending.append(call)
        if len(pending) >= window:
            yield ray.get(pending.popleft())
    while pending:
        yield ray.get(pending.popleft())
