"""The few calls most users need: clean a string, clean files into a corpus."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import asdict
from functools import partial
from typing import Any, BinaryIO

from corpuskit.checkpoint import Checkpoint
from corpuskit.defaults import default_pipeline
from corpuskit.document import Document, Drop, InputEnd, Source, make_document, sha256_hex
from corpuskit.errors import DocumentRejected, InputError, RunStopped
from corpuskit.executors import TIME_LIMIT, Provenance, SerialExecutor
from corpuskit.limits import Limits
from corpuskit.passes import corpus_passes
from corpuskit.pipeline import Pipeline
from corpuskit.readers import read_marked
from corpuskit.readers.decode import normalize_newlines
from corpuskit.readers.paths import STDIN
from corpuskit.report import RunReport
from corpuskit.version import __version__
from corpuskit.writers import STDOUT, JsonlWriter, write_json


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
    resume: bool = False,
    html_parser: str = "bs4",
) -> RunReport:
    """Read ``inputs``, clean them, write the corpus to ``output`` (``-``: stdout).

    Rejected pages go to ``rejects`` (a JSONL path) and to ``on_reject``. Files appear
    under their names only when the run completes; until then the run works in
    ``<output>.partial/`` (see ``corpuskit.checkpoint``), and a run that was killed is
    continued with ``resume``, skipping the inputs it finished: the output is the same,
    byte for byte, as if it had never stopped. ``limits`` bound what one input may hold
    (``Limits()`` by default), ``time_limit`` the seconds one document may take
    (``None``: no limit). With ``strict``, the first reject raises ``RunStopped`` and no
    output file appears. ``html_parser`` builds the tree of HTML pages (``bs4`` or
    ``lxml``); it is in every HTML record's ``source.parser``, the run and the manifest.
    """
    pipeline = pipeline or default_pipeline()
    inputs = list(inputs)
    limits = limits or Limits()
    executor = SerialExecutor(pipeline, audit, strict, time_limit)
    reading = partial(
        read_marked,
        inputs,
        format=format,
        text_field=text_field,
        stdin=stdin,
        limits=limits,
        html_parser=html_parser,
    )
    if output == STDOUT:
        if resume:
            raise InputError("--resume needs an output file; standard output cannot be resumed")
        with ExitStack() as stack:
            corpus = stack.enter_context(JsonlWriter(output))
            rejected = stack.enter_context(JsonlWriter(rejects)) if rejects else None
            report = executor.run(reading(), corpus, rejected, on_reject)
    else:
        if resume and STDIN in inputs:
            raise InputError("cannot resume a run that reads standard input (it is gone)")
        run = {
            "corpuskit": __version__,
            "config": pipeline.config_hash(),
            "inputs": inputs,
            "format": format,
            "text_field": text_field,
            "limits": asdict(limits),
            "html_parser": html_parser,
            "audit": audit,
            "time_limit": time_limit,
            "rejects": rejects,
        }
        report = _checkpointed(executor, reading, run, output, rejects, on_reject, resume)
    if manifest:
        write_json(manifest, _manifest(inputs, pipeline, report, audit, html_parser))
    return report


def _checkpointed(
    executor: SerialExecutor,
    reading: Callable[..., Iterator[Document | Drop | InputEnd]],
    run: dict[str, Any],
    output: str,
    rejects: str | None,
    on_reject: Callable[[Drop], None] | None,
    resume: bool,
) -> RunReport:
    """Run ``executor`` with a checkpoint in ``<output>.partial/``, then publish."""
    steps = len(executor.pipeline.corpus_steps())
    checkpoint = Checkpoint.start(
        output, run, resume=resume, rejects=rejects is not None, corpus_steps=steps
    )
    try:
        items = reading(done=checkpoint.done)
        report = executor.run(
            items, checkpoint.corpus, checkpoint.rejects, on_reject, journal=checkpoint
        )
        checkpoint.publish(output, rejects)
    except RunStopped:
        checkpoint.discard()
        raise
    except OSError as error:  # the output's disk is full, gone, read-only
        checkpoint.release()
        raise InputError(
            f"cannot write {output}: {error.strerror or error}; the run so far is kept in "
            f"{checkpoint.folder}: fix that and run again with --resume"
        ) from None
    except BaseException:
        checkpoint.release()  # kept: the run can be resumed
        raise
    return report


def _manifest(
    inputs: list[str], pipeline: Pipeline, report: RunReport, audit: bool, html_parser: str
) -> dict[str, object]:
    provenance = Provenance.of(pipeline, audit)
    return {
        "corpuskit": provenance.version,
        "config": provenance.config,
        "pipeline": pipeline.describe(),
        "inputs": inputs,
        "html_parser": html_parser,
        "report": report.to_record(),
    }
