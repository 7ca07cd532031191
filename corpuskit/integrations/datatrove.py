"""datatrove: ``CorpuskitStep``, a pipeline step that cleans documents as corpuskit does.

Put it after a reader (``JsonlReader``, ``WarcReader`` in place of an extractor: its
pages are read as HTML, ``format="html"`` or by default when they open like a page) and
before a writer. Each document's text is cleaned by the corpuskit ``pipeline`` exactly
as ``corpuskit clean`` cleans a JSONL record (the datatrove id is kept, the metadata is
the record's other fields, its ``url``, ``url_field``, the page's URL unless the page
declares its own); then

- a kept document gets the cleaned text, and its ``metadata`` the lifted fields
  (``title``, ``author``, ``published``, ``url``, ``lang``, ``lang_score``: those
  found, which replace keys of the same name), what steps set in ``meta`` (HTML pages:
  ``site_name``, ``description``, ...) and ``provenance``, the CLI record's;
- a rejected one is dropped, counted in datatrove's stats as ``dropped`` and
  ``dropped_<reason>`` (as datatrove's filters count), and written to
  ``exclusion_writer`` if given, with ``filter_reason`` (datatrove's key), ``reject_step``
  and ``reject_detail`` in its metadata.

The stats also count ``lines_removed_<rule>`` per rule. **Corpus steps**
(``repeated_lines``, the duplicate filters) are fitted over the documents of one task
before any is cleaned (``corpus_passes``: read once, spooled to a temporary file): with
one task that is the whole corpus and the output equals ``corpuskit clean``'s; with many,
each task counts its own shard. Drop them (``pipeline.without("repeated_lines")``) to
stream without a spool.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import fields, replace
from typing import Any

from corpuskit.document import Document, Drop, Source, sha256_hex
from corpuskit.integrations import require
from corpuskit.pipeline import Pipeline
from corpuskit.readers.jsonl import record_document
from corpuskit.readers.options import ReadOptions
from corpuskit.readers.page import page_format
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.run.cleaning import Provenance, finish
from corpuskit.run.options import RunOptions
from corpuskit.run.passes import corpus_passes

PipelineStep: Any = require("datatrove.pipeline.base", "datatrove").PipelineStep

#: The ``content`` a page held as a datatrove document's text has, by the format given.
FORMAT_CONTENT = {"html": "html", "text": "text"}


class CorpuskitStep(PipelineStep):  # type: ignore[misc]  # datatrove is untyped
    """Clean ``Document.text`` with a corpuskit ``pipeline`` (the default one if None);
    see the module docstring.

    ``read`` (``ReadOptions``) and ``run`` (``RunOptions``) are the objects every entry
    point takes, whole or as keywords (``format="html"`` reads the text as an HTML page, a
    WARC reader's output, with its ``html_parser``, ``extractor`` and ``limits``, as
    ``content`` does by default for a page that opens like one; ``format="text"`` never;
    ``audit`` keeps the removed lines in the provenance); ``exclusion_writer`` (a
    datatrove ``DiskWriter``) receives the rejected documents.
    """

    name = "🧹 corpuskit"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        pipeline: Pipeline | None = None,
        read: ReadOptions | None = None,
        run: RunOptions | None = None,
        *,
        exclusion_writer: Any = None,
        **changes: Any,
    ) -> None:
        super().__init__()
        run_names = {f.name for f in fields(RunOptions)}
        self.read_options = ReadOptions.of(
            read, **{k: v for k, v in changes.items() if k not in run_names}
        )
        self.run_options = RunOptions.of(
            run, **{k: v for k, v in changes.items() if k in run_names}
        )
        page_format(self.read_options)  # a page is text or html
        content = FORMAT_CONTENT.get(self.read_options.format or "", self.read_options.content)
        self.record_options = replace(self.read_options, text_field="text", content=content)
        self.pipeline = pipeline or default_pipeline()
        self.provenance = Provenance.of(self.pipeline, self.run_options.audit)
        self.exclusion_writer = exclusion_writer

    def run(self, data: Iterable[Any], rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        """Yield the kept documents of ``data``, cleaned; drop and count the others."""
        writer = self.exclusion_writer or contextlib.nullcontext()
        with writer as excluded:
            _, remaining, items = corpus_passes(self.pipeline, self._paired(data or ()))
            original = None
            for item in items:
                if not isinstance(item, Document | Drop):  # the datatrove document
                    original = item
                    continue
                self.stat_update("total")
                with self.track_time():
                    result = finish(remaining, self.provenance, self.run_options.time_limit, item)
                if isinstance(result, Drop):
                    self._reject(original, result, excluded, rank)
                else:
                    yield self._kept(original, result[0], result[1])

    def _paired(self, data: Iterable[Any]) -> Iterator[Any]:
        """Each datatrove document, then the corpuskit document (or drop) made of it.

        The corpus passes hand on what is not a Document untouched and in order, so the
        datatrove document comes back just before its result.
        """
        for doc in data:
            yield doc
            yield self.read(doc)

    def read(self, doc: Any) -> Document | Drop:
        """The corpuskit document for a datatrove document, as corpuskit reads a JSONL
        record: its id kept (``id_field``: ``id``, the datatrove id), its metadata as
        ``meta``, its text a page as ``format`` or ``content`` say."""
        path = str(doc.metadata.get("file_path", "<datatrove>"))
        record = {**doc.metadata, "id": doc.id, "text": doc.text}
        raw = doc.text.encode("utf-8", "surrogatepass")
        format = page_format(self.record_options, doc.text)
        source = Source(path, format=format, sha256=sha256_hex(raw))
        return record_document(record, source, self.record_options)

    def _kept(self, doc: Any, cleaned: Document, record: dict[str, Any]) -> Any:
        doc.text = cleaned.text
        doc.metadata.update(cleaned.meta)
        doc.metadata.update(cleaned.fields())
        doc.metadata["provenance"] = record["provenance"]
        self.stat_update("forwarded")
        for edit in cleaned.edits:
            for rule, lines in edit.removed.items():
                self.stat_update(f"lines_removed_{rule}", value=lines)
        self.update_doc_stats(doc)
        return doc

    def _reject(self, doc: Any, drop: Drop, excluded: Any, rank: int) -> None:
        self.stat_update("dropped", f"dropped_{drop.reason}")
        if self.exclusion_writer is None:
            return
        doc.metadata.update(filter_reason=drop.reason, reject_step=drop.step)
        doc.metadata["reject_detail"] = drop.detail
        excluded.write(doc, rank)
