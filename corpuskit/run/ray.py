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
A single huge input is one task: split it (e.g. into shards) to spread it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from corpuskit.document import Document, Drop, InputEnd, Skipped
from corpuskit.errors import InputError
from corpuskit.html.extractors import DEFAULT_EXTRACTOR
from corpuskit.pipeline import CorpusStep, Pipeline, step_name
from corpuskit.readers import numbered_inputs, read_numbered
from corpuskit.readers.limits import Limits
from corpuskit.readers.paths import STDIN, Input
from corpuskit.run.local import (
    TIME_LIMIT,
    Journal,
    Outcome,
    Provenance,
    Sink,
    outcome,
)
from corpuskit.run.passes import prepare_item
from corpuskit.run.report import RunReport
from corpuskit.writers import Writer

#: Tasks in flight per CPU of the cluster: enough to keep every CPU busy while the
#: driver writes, few enough that results waiting to be written stay small.
IN_FLIGHT_PER_CPU = 2


@dataclass(frozen=True)
class Reading:
    """How every task reads its input (the ``read`` options)."""

    format: str | None
    text_field: str
    limits: Limits
    html_parser: str = "bs4"
    extractor: str = DEFAULT_EXTRACTOR


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise InputError("the ray executor needs Ray: pip install 'corpuskit[ray]'") from None
    return ray


def _read(reading: Reading, index: int, item: Input | Drop) -> Any:
    """What input ``index`` holds, read as ``reading`` says."""
    return read_numbered(
        index,
        item,
        reading.format,
        reading.text_field,
        reading.limits,
        reading.html_parser,
        reading.extractor,
    )


def count_input(
    before: Pipeline, step: CorpusStep, reading: Reading, index: int, item: Input | Drop
) -> Any:
    """Task: a corpus step's state over one input, as the steps before it leave it.

    A state with a ``begin_input`` method is told the input's number first, so that
    what it keeps "first in input order" survives a merge in any order."""
    state = step.new_state()
    begin_input = getattr(state, "begin_input", None)
    if begin_input is not None:
        begin_input(index)
    for found in _read(reading, index, item):
        result = prepare_item(before, found)
        if isinstance(result, Document):
            step.observe(result, state)
    return state


def clean_input(
    pipeline: Pipeline,
    provenance: Provenance,
    seconds: float | None,
    reading: Reading,
    index: int,
    item: Input | Drop,
) -> list[Outcome | Skipped | InputEnd]:
    """Task: everything one input gives the writing loop, in order, ending with its
    ``InputEnd``."""
    results: list[Outcome | Skipped | InputEnd] = []
    for found in _read(reading, index, item):
        if isinstance(found, Document | Drop):
            results.append(outcome(pipeline, provenance, seconds, found))
        else:
            results.append(found)
    return results


@dataclass
class RayExecutor:
    """Runs the pipeline on Ray (``address``: None for a local Ray, else a cluster's)."""

    pipeline: Pipeline
    audit: bool = False
    strict: bool = False
    time_limit: float | None = TIME_LIMIT
    address: str | None = None

    def run_inputs(
        self,
        inputs: Iterable[str],
        reading: Reading,
        corpus: Writer,
        rejects: Writer | None = None,
        on_reject: Callable[[Drop], None] | None = None,
        journal: Journal | None = None,
        on_progress: Callable[[RunReport, InputEnd | None], None] | None = None,
    ) -> RunReport:
        """Clean the inputs the specs ``inputs`` name into ``corpus`` (as
        ``SerialExecutor.run`` does with items read from them)."""
        specs = list(inputs)
        if STDIN in specs:
            raise InputError("the ray executor reads files; standard input cannot be shared")
        ray = _ray()
        started = not ray.is_initialized()  # a Ray the caller started is the caller's
        if started:
            ray.init(address=self.address, include_dashboard=False, log_to_driver=False)
        try:
            return self._run(ray, specs, reading, corpus, rejects, on_reject, journal, on_progress)
        finally:
            if started:
                ray.shutdown()

    def _run(
        self,
        ray: Any,
        specs: list[str],
        reading: Reading,
        corpus: Writer,
        rejects: Writer | None,
        on_reject: Callable[[Drop], None] | None,
        journal: Journal | None,
        on_progress: Callable[[RunReport, InputEnd | None], None] | None,
    ) -> RunReport:
        done = [] if journal is None else journal.done
        work = list(numbered_inputs(specs, None, done))
        sink = Sink(corpus, rejects, on_reject, self.strict, journal, on_progress)
        states = None if journal is None else journal.states
        pipeline = self._fitted(ray, reading, list(numbered_inputs(specs)), states, journal)
        provenance = Provenance.of(self.pipeline, self.audit)
        task = ray.remote(clean_input)
        shared = ray.put(pipeline)
        calls = (
            task.remote(shared, provenance, self.time_limit, reading, index, item)
            for index, item in work
        )
        for results in _in_order(ray, calls, _window(ray)):
            for done in results:
                sink.take(done)
        return sink.report

    def _fitted(
        self,
        ray: Any,
        reading: Reading,
        work: list[tuple[int, Input | Drop]],
        states: list[object] | None,
        journal: Journal | None,
    ) -> Pipeline:
        """The pipeline with its corpus steps fitted: from saved states, or by counting
        over every input (a round of tasks per corpus step), merged here."""
        pipeline = self.pipeline
        positions = pipeline.corpus_steps()
        if states is not None:
            for position, state in zip(positions, states, strict=True):
                step = pipeline.steps[position]
                assert isinstance(step, CorpusStep)
                pipeline = pipeline.replace(step_name(step), step.fitted(state))
            return pipeline
        task = ray.remote(count_input)
        fitted = []
        for position in positions:
            step = pipeline.steps[position]
            assert isinstance(step, CorpusStep)
            before = ray.put(Pipeline(pipeline.steps[:position]))
            calls = (task.remote(before, step, reading, index, item) for index, item in work)
            state = step.new_state()
            for part in _in_order(ray, calls, _window(ray)):
                state.merge(part)
            pipeline = pipeline.replace(step_name(step), step.fitted(state))
            fitted.append(state)
        if journal is not None and positions:
            journal.save_states(fitted)
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
