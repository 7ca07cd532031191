"""Corpus passes: fit corpus steps while reading the input once.

A corpus step (``pipeline.CorpusStep``) must see every document before it can judge
one. The steps before it run once per document, in a first pass that shows each result
to the corpus step and spools it (pickled, to a temporary file, in input order); the
fitted step and the steps after it then run over the spool. So every input is read
once, even stdin or a pipe, and no step runs twice on a document. With several corpus
steps there is one pass, and one spool, per corpus step. The spool holds the documents
as the steps before the corpus step left them: about the size of the input, on disk.
"""

from __future__ import annotations

import logging
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import IO, Any, TypeVar

from corpuskit.document import Document
from corpuskit.pipeline import CorpusStep, Pipeline, step_name
from corpuskit.run.cleaning import clean_one

log = logging.getLogger(__name__)

#: Runs a function over items, in order (``map``, or a process pool's ordered map).
Mapper = Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[Any]]

#: What flows through the passes: documents, drops, and markers they hand on untouched
#: (``InputEnd``, ``Skipped``).
Item = TypeVar("Item")


def corpus_passes(
    pipeline: Pipeline,
    items: Iterable[Item],
    *,
    states: Sequence[object] | None = None,
    on_fitted: Callable[[list[object]], None] | None = None,
    mapper: Mapper = map,
    seconds: float | None = None,
) -> tuple[Pipeline, Pipeline, Iterable[Item]]:
    """Fit every corpus step of ``pipeline`` over ``items``.

    Returns the fitted pipeline, the steps that are still to run (from the last corpus
    step on), and the documents to run them on, in input order. Without corpus steps
    this is ``(pipeline, pipeline, items)`` and reads nothing. Anything in ``items``
    that is not a Document is handed on in its place.

    ``on_fitted`` receives the corpus steps' fitted states once every pass is over (a
    checkpoint saves them); given such ``states`` instead, the steps are fitted from
    them without a pass, and every step runs on ``items`` (a resumed run).
    ``mapper`` runs the steps before a corpus step over the items (``map`` here, a
    process pool in ``ProcessExecutor``); the corpus step observes in this process.
    ``seconds`` bounds those steps on one document, as the executor's time limit bounds
    the rest (``clean_one``).
    """
    positions = pipeline.corpus_steps()
    if states is not None:
        if len(states) != len(positions):
            raise ValueError(f"{len(states)} saved states for {len(positions)} corpus steps")
        for position, state in zip(positions, states, strict=True):
            step = pipeline.steps[position]
            assert isinstance(step, CorpusStep)
            pipeline = pipeline.replace(step_name(step), step.fitted(state))
        return pipeline, pipeline, items
    start, stream, fitted = 0, items, []
    for position in positions:
        step = pipeline.steps[position]
        assert isinstance(step, CorpusStep)
        state = step.new_state()
        before = partial(prepare_item, Pipeline(pipeline.steps[start:position]), seconds=seconds)
        started = time.perf_counter()
        spool = _spool(mapper(before, stream), step, state)
        took = time.perf_counter() - started
        log.info(
            "corpus pass for %s: %.2f s (the steps before it, and counting)", step_name(step), took
        )
        pipeline = pipeline.replace(step_name(step), step.fitted(state))
        start, stream = position, _unspool(spool)
        fitted.append(state)
    if on_fitted is not None:
        on_fitted(fitted)
    remaining = pipeline if start == 0 else Pipeline(pipeline.steps[start:])
    return pipeline, remaining, stream


def fit_corpus_steps(pipeline: Pipeline, items: Iterable[Item]) -> Pipeline:
    """The pipeline with its corpus steps fitted over ``items`` (for ``explain``, benches)."""
    fitted, _, rest = corpus_passes(pipeline, items)
    for _ in rest:  # drain the spools so that they are closed and removed
        pass
    return fitted


def prepare_item(before: Pipeline, item: Any, seconds: float | None = None) -> Any:
    """``before(item)`` within ``seconds`` for a document; anything else is handed on."""
    return clean_one(before, item, seconds) if isinstance(item, Document) else item


def prepare_and_observe(
    step: CorpusStep, before: Pipeline, item: Any, seconds: float | None = None
) -> tuple[Any, Any]:
    """``prepare_item``'s result and, for a document, a new state of ``step`` that has
    observed it (None otherwise): counts made where the steps ran, merged by the
    process that reads (``phases._count``)."""
    result = prepare_item(before, item, seconds)
    if not isinstance(result, Document):
        return result, None
    state = step.new_state()
    step.observe(result, state)
    return result, state


def _spool(results: Iterable[Any], step: CorpusStep, state: object) -> IO[bytes]:
    """Show each document of ``results`` to ``step`` and keep every result, in order."""
    spool = tempfile.TemporaryFile(prefix="corpuskit-pass-")  # noqa: SIM115 (_unspool closes)
    for result in results:
        if isinstance(result, Document):
            step.observe(result, state)
        pickle.dump(result, spool, protocol=pickle.HIGHEST_PROTOCOL)  # one pickle per item
    spool.seek(0)
    return spool


def _unspool(spool: IO[bytes]) -> Iterator[Any]:
    """The spooled results, in order; the spool is closed (and removed) at the end."""
    with spool:
        while True:
            try:
                yield pickle.load(spool)
            except EOFError:
                return
