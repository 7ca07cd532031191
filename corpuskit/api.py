"""The few calls most users need: clean a string, clean files into a corpus."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from typing import BinaryIO

from corpuskit.defaults import default_pipeline
from corpuskit.document import Document, Drop, Source, make_document, sha256_hex
from corpuskit.errors import DocumentRejected
from corpuskit.executors import TIME_LIMIT, Provenance, SerialExecutor
from corpuskit.limits import Limits
from corpuskit.passes import corpus_passes
from corpuskit.pipeline import Pipeline
from corpuskit.readers import read
from corpuskit.readers.decode import normalize_newlines
from corpuskit.report import RunReport
from corpuskit.writers import JsonlWriter, write_json


def clean_text(
    text: str, *, pipeline: Pipeline | None = None, source: Source | None = None
) -> Document:
    """Clean one page given as a string; raise ``DocumentRejected`` if nothing is left.

    >>> doc = clean_text("Logo\\nAdvertisement\\nThe council met on Monday and voted.")
    >>> doc.text
    'The council met on Monday and voted.'
    """
    raw = text.encode("utf-8", "surrogatepass")
    source = source or Source(path="<string>", sha256=sha256_hex(raw))
    doc = make_document(normalize_newlines(text), source)
    result = (pipeline or default_pipeline())(doc)
    if isinstance(result, Drop):
        raise DocumentRejected(result)
    return result


def clean_documents(
    documents: Iterable[Document | Drop], pipeline: Pipeline | None = None
) -> Iterator[Document | Drop]:
    """Run ``pipeline`` (the default one if None) over documents, in order.

    Lazy, except that corpus steps (``repeated_lines``) count over all documents first.
    """
    _, remaining, items = corpus_passes(pipeline or default_pipeline(), documents)
    for item in items:
        yield remaining(item) if isinstance(item, Document) else item


def clean_files(
    inputs: Iterable[str],
    output: str,
    *,
    pipeline: Pipeline | None = None,
    rejects: str | None = None,
    manifest: str | None = None,
    format: str | None = None,
    text_field: str = "text",
    audit: bool = False,
    on_reject: Callable[[Drop], None] | None = None,
    stdin: BinaryIO | None = None,
    limits: Limits | None = None,
    strict: bool = False,
    time_limit: float | None = TIME_LIMIT,
) -> RunReport:
    """Read ``inputs``, clean them, write the corpus to ``output`` (``-``: stdout).

    Rejected pages go to ``rejects`` (a JSONL path) and to ``on_reject``. Files appear
    under their names only when the run completes. ``limits`` bound what one input may
    hold (``Limits()`` by default), ``time_limit`` the seconds one document may take
    (``None``: no limit). With ``strict``, the first reject raises ``RunStopped`` and
    no output file appears.
    """
    pipeline = pipeline or default_pipeline()
    inputs = list(inputs)
    with ExitStack() as stack:
        items = read(inputs, format=format, text_field=text_field, stdin=stdin, limits=limits)
        corpus = stack.enter_context(JsonlWriter(output))
        rejected = stack.enter_context(JsonlWriter(rejects)) if rejects else None
        executor = SerialExecutor(pipeline, audit, strict, time_limit)
        report = executor.run(items, corpus, rejected, on_reject)
    if manifest:
        write_json(manifest, _manifest(inputs, pipeline, report, audit))
    return report


def _manifest(
    inputs: list[str], pipeline: Pipeline, report: RunReport, audit: bool
) -> dict[str, object]:
    provenance = Provenance.of(pipeline, audit)
    return {
        "corpuskit": provenance.version,
        "config": provenance.config,
        "pipeline": pipeline.describe(),
        "inputs": inputs,
        "report": report.to_record(),
    }
