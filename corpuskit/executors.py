"""Executors own the loop: run a pipeline over documents, write results, count them.

This release ships the serial executor; output order is input order. Corpus steps are
fitted first (``passes.corpus_passes``), reading the input once. The record
format, the error policy and the report are the same for every executor: a document
that cannot be written (strict JSON cannot hold it) is rejected, not lost.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import orjson

from corpuskit.document import Document, Drop
from corpuskit.explain import traced
from corpuskit.passes import corpus_passes
from corpuskit.pipeline import Pipeline
from corpuskit.report import RunReport
from corpuskit.version import __version__
from corpuskit.writers import Writer, encode_record, encode_reject


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
            lines = doc.text.count("\n") + 1 + sum(len(edit.lines) for edit in doc.edits)
            doc = replace(doc, edits=traced(doc.edits, lines))
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


@dataclass
class SerialExecutor:
    """Runs the pipeline in this process, one document after another, in input order."""

    pipeline: Pipeline
    audit: bool = False

    def run(
        self,
        items: Iterable[Document | Drop],
        corpus: Writer,
        rejects: Writer | None = None,
        on_reject: Callable[[Drop], None] | None = None,
    ) -> RunReport:
        """Clean ``items`` into ``corpus``; drops go to ``rejects`` and ``on_reject``."""
        provenance = Provenance.of(self.pipeline, self.audit)
        report = RunReport()
        with fewer_collections():
            self._loop(items, corpus, rejects, on_reject, provenance, report)
        return report

    def _loop(
        self,
        items: Iterable[Document | Drop],
        corpus: Writer,
        rejects: Writer | None,
        on_reject: Callable[[Drop], None] | None,
        provenance: Provenance,
        report: RunReport,
    ) -> None:
        _, remaining, items = corpus_passes(self.pipeline, items)
        for item in items:
            result = remaining(item) if isinstance(item, Document) else item
            if isinstance(result, Document):
                result = self._write(result, provenance, corpus)
            if isinstance(result, Drop):
                if rejects is not None:
                    rejects.write(encode_reject(reject_record(result)))
                if on_reject is not None:
                    on_reject(result)
            report.add(result)

    @staticmethod
    def _write(doc: Document, provenance: Provenance, corpus: Writer) -> Document | Drop:
        try:
            line = encode_record(provenance.record(doc))
        except orjson.JSONEncodeError as error:
            return Drop("write", "unserializable", doc.source, str(error), doc)
        corpus.write(line)
        return doc
