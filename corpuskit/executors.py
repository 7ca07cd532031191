"""Executors own the loop: run a pipeline over documents, write results, count them.

This release ships the serial executor; output order is input order. The record
format, the error policy and the report are the same for every executor: a document
that cannot be written (strict JSON cannot hold it) is rejected, not lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import orjson

from corpuskit.document import Document, Drop
from corpuskit.explain import traced
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
        for item in items:
            result = self.pipeline(item) if isinstance(item, Document) else item
            if isinstance(result, Document):
                result = self._write(result, provenance, corpus)
            if isinstance(result, Drop):
                if rejects is not None:
                    rejects.write(encode_reject(reject_record(result)))
                if on_reject is not None:
                    on_reject(result)
            report.add(result)
        return report

    @staticmethod
    def _write(doc: Document, provenance: Provenance, corpus: Writer) -> Document | Drop:
        try:
            line = encode_record(provenance.record(doc))
        except orjson.JSONEncodeError as error:
            return Drop("write", "unserializable", doc.source, str(error), doc)
        corpus.write(line)
        return doc
