"""Cleaning one item, the same way on every executor: the error policy, the time limit,
the record's provenance and its encoding.

``outcome`` is what an executor runs for each document (in this process, in a worker
process, in a Ray task): it cleans the document (``clean_one``: a step that raises, or a
document over the time limit, is a reject), makes its corpus record (``Provenance``) and
encodes it once, so that only bytes and counts cross processes. ``finish`` is the same
for the integrations, which want the record itself. A record strict JSON cannot hold is
a reject, never a lost document.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import orjson

from corpuskit.document import Document, Drop, lines_read
from corpuskit.explain import traced
from corpuskit.pipeline import Pipeline
from corpuskit.readers.limits import time_limit
from corpuskit.run.report import RunReport
from corpuskit.version import __version__
from corpuskit.writers import encode_record, encode_reject


@dataclass(frozen=True)
class Provenance:
    """What every corpus record says about the run that made it."""

    config: str
    version: str = __version__
    audit: bool = False

    @classmethod
    def of(cls, pipeline: Pipeline, audit: bool = False) -> Provenance:
        return cls(config=pipeline.config_hash(), audit=audit)

    def record(self, doc: Document) -> dict[str, Any]:
        """The corpus record of ``doc``, with run provenance before the edits.

        With ``audit``, removed lines are numbered as in the page as read (see ``traced``).
        """
        if self.audit:
            doc = replace(doc, edits=traced(doc.edits, lines_read(doc)))
        record = doc.to_record(self.audit)
        record["provenance"] = {
            "corpuskit": self.version,
            "config": self.config,
            **record["provenance"],
        }
        return record


def reject_record(drop: Drop) -> dict[str, Any]:
    """The rejects-file record of a Drop."""
    return drop.to_record()


#: Allocations between two young-generation garbage collections during a run. Cleaning
#: allocates many short-lived objects (lines, features, edits) and makes few reference
#: cycles, so Python's default of 700 spends about a tenth of a run collecting for
#: nothing (bench/quality.py on traf-dev: 87 -> 97 pages/s with collection off).
GC_THRESHOLD = 100_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the young-generation GC threshold for the duration of a run, then restore it."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], GC_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What cleaning one item leaves for the writing loop: the encoded corpus line, or
    the drop and its encoded rejects line; and the item's counts for the report. A kept
    document also leaves its id and, when the writing loop decides an ordered step
    (``exact_duplicates``), its ``key`` for that step."""

    counts: RunReport
    line: bytes | None = None
    drop: Drop | None = None
    reject: bytes | None = None
    id: str | None = None
    key: Any = None


def outcome(
    pipeline: Pipeline,
    provenance: Provenance,
    seconds: float | None,
    item: Document | Drop,
    *,
    key: Callable[[Document], Any] | None = None,
) -> Outcome:
    """Clean one document (or take a reader's drop) and encode what is to be written;
    ``key``: what the writing loop's ordered step needs of a kept document.

    Runs where the cleaning runs: in this process, or in a worker (``LocalExecutor``),
    so that encoding is parallel too and only bytes and counts come back.
    """
    result = finish(pipeline, provenance, seconds, item)
    counts = RunReport()
    if isinstance(result, Drop):
        counts.add(result)
        return Outcome(counts, drop=result, reject=encode_reject(reject_record(result)))
    document, _, line = result
    counts.add(document)
    return Outcome(counts, line=line, id=document.id, key=key(document) if key else None)


def finish(
    pipeline: Pipeline, provenance: Provenance, seconds: float | None, item: Document | Drop
) -> tuple[Document, dict[str, Any], bytes] | Drop:
    """Clean one document (or take a reader's drop): the cleaned document, its corpus
    record and that record encoded, or the drop.

    The one place where the error policy (``clean_one``) and the record's encoding meet,
    shared by the executors and the integrations (``clean_records``, the Hugging Face
    and datatrove adapters), so that all of them keep and reject the same documents: one
    that strict JSON cannot hold is a ``write`` drop (``unserializable``).
    """
    result = clean_one(pipeline, item, seconds) if isinstance(item, Document) else item
    if isinstance(result, Drop):
        return result
    record = provenance.record(result)
    try:
        return result, record, encode_record(record)
    except orjson.JSONEncodeError as error:
        return Drop("write", "unserializable", result.source, str(error), result)


def clean_one(pipeline: Pipeline, doc: Document, seconds: float | None) -> Document | Drop:
    """``pipeline(doc)`` within ``seconds`` (a document over it is a ``timeout`` drop)."""
    try:
        with time_limit(seconds):
            return pipeline(doc)
    except TimeoutError as error:  # between two steps
        return Drop("pipeline", "timeout", doc.source, str(error), doc)
