"""The few calls most users need: clean a string, clean files into a corpus."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import asdict
from itertools import count
from typing import Any, BinaryIO, Literal

from corpuskit.document import (
    Document,
    Drop,
    InputEnd,
    Source,
    make_document,
    sha256_hex,
)
from corpuskit.errors import DocumentRejected, InputError, RunStopped
from corpuskit.html.extractors import DEFAULT_EXTRACTOR
from corpuskit.pipeline import Pipeline
from corpuskit.readers import check_options, read_marked
from corpuskit.readers.decode import normalize_newlines
from corpuskit.readers.jsonl import record_document
from corpuskit.readers.limits import Limits
from corpuskit.readers.page import read_page
from corpuskit.readers.paths import STDIN
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.run.checkpoint import Checkpoint
from corpuskit.run.local import (
    TIME_LIMIT,
    Journal,
    ProcessExecutor,
    Provenance,
    SerialExecutor,
    finish,
    reject_record,
)
from corpuskit.run.passes import corpus_passes
from corpuskit.run.ray import RayExecutor, Reading
from corpuskit.run.report import RunReport
from corpuskit.version import __version__
from corpuskit.writers import STDOUT, JsonlWriter, Shards, Writer, write_json

log = logging.getLogger(__name__)


def clean_text(
    text: str, *, pipeline: Pipeline | None = None, source: Source | None = None
) -> Document:
    """Clean one page given as a string; raise ``DocumentRejected`` if nothing is left.

    >>> doc = clean_text("Logo\\nAdvertisement\\nThe council met on Monday and voted.")
    >>> doc.text
    'The council met on Monday and voted.'
    """
    doc = read_page(text) if source is None else make_document(normalize_newlines(text), source)
    assert isinstance(doc, Document)  # a text page is never rejected while read
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


#: What ``clean_records`` does with a rejected record: leave it out, or yield it marked.
RejectsMode = Literal["drop", "mark"]


def clean_records(
    records: Iterable[Mapping[str, Any]],
    pipeline: Pipeline | None = None,
    *,
    text_field: str = "text",
    rejects: RejectsMode = "drop",
    on_reject: Callable[[Drop], None] | None = None,
    audit: bool = False,
    path: str = "<records>",
    time_limit: float | None = TIME_LIMIT,
) -> Iterator[dict[str, Any]]:
    """Clean dict records into corpus records: the function interface for other pipelines.

    Each record is read as a line of a JSONL input is (``readers.jsonl``): the page in
    ``text_field``, its own ``id`` kept, every other field carried into ``meta``. What
    comes out is the record ``corpuskit clean`` writes for it, provenance included;
    only ``source`` differs (``path``, the record's 1-based number as ``line``, format
    ``record``, the SHA-256 of the text). Rejected records (``Drop``) are shown to
    ``on_reject`` and, with ``rejects="mark"``, yielded in their place as the rejects
    file's record with ``"rejected": True`` first; with ``rejects="drop"`` (the default)
    they are left out. Corpus records never have a ``rejected`` key.

    Lazy, except that corpus steps (``repeated_lines``) count over all records first
    (``clean_documents``). ``time_limit`` bounds the seconds one record may take.

    >>> out = list(clean_records([{"id": 7, "text": "Logo\\nThe council met on Monday."},
    ...                           {"text": "Menu"}], rejects="mark"))
    >>> out[0]["id"], out[0]["text"], "provenance" in out[0]
    ('7', 'The council met on Monday.', True)
    >>> out[1]["rejected"], out[1]["step"], out[1]["reason"]
    (True, 'drop_empty', 'empty')
    """
    if rejects not in ("drop", "mark"):
        raise InputError(f"unknown rejects mode {rejects!r} (choose from drop, mark)")
    pipeline = pipeline or default_pipeline()
    provenance = Provenance.of(pipeline, audit)
    documents = (
        _record_document(record, path, line, text_field) for record, line in zip(records, count(1))
    )
    _, remaining, items = corpus_passes(pipeline, documents)
    for item in items:
        result = finish(remaining, provenance, time_limit, item)
        if not isinstance(result, Drop):
            yield result[1]
            continue
        if on_reject is not None:
            on_reject(result)
        if rejects == "mark":
            yield {"rejected": True, **reject_record(result)}


def _record_document(
    record: Mapping[str, Any], path: str, line: int, text_field: str
) -> Document | Drop:
    """A record as a document (or a ``read`` drop), read as a JSONL line would be."""
    text = record.get(text_field)
    sha256 = sha256_hex(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else ""
    return record_document(record, Source(path, "record", sha256=sha256, line=line), text_field)


def clean_files(
    inputs: Iterable[str],
    output: str | Shards,
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
    workers: int = 1,
    on_progress: Callable[[RunReport, InputEnd | None], None] | None = None,
    executor: str = "local",
    address: str | None = None,
    html_parser: str = "bs4",
    extractor: str = DEFAULT_EXTRACTOR,
) -> RunReport:
    """Read ``inputs``, clean them, write the corpus to ``output`` (``-``: stdout; a
    ``Shards`` for a folder of numbered shards).

    Rejected pages go to ``rejects`` (a JSONL path) and to ``on_reject``. Files appear
    under their names only when the run completes; until then the run works in
    ``<output>.partial/`` (see ``corpuskit.run.checkpoint``), and a run that was killed is
    continued with ``resume``, skipping the inputs it finished: the output is the same,
    byte for byte, as if it had never stopped. ``limits`` bound what one input may hold
    (``Limits()`` by default), ``time_limit`` the seconds one document may take
    (``None``: no limit). With ``strict``, the first reject raises ``RunStopped`` and no
    output file appears. ``workers`` > 1 cleans in that many processes
    (``ProcessExecutor``); the output is the same, byte for byte. ``executor="ray"``
    runs on Ray instead (``RayExecutor``; ``address`` of a cluster, or a local Ray),
    with the same output. ``on_progress`` sees the run's report as it goes.
    ``html_parser`` builds the tree of HTML pages (``bs4`` or ``lxml``); it is in every
    HTML record's ``source.parser``, the run and the manifest. ``extractor`` makes their
    text (``corpuskit``, or ``trafilatura``: ``pip install 'corpuskit[trafilatura]'``);
    it is in the run and the manifest, and in ``source.extractor`` when not the default.
    """
    pipeline = pipeline or default_pipeline()
    inputs = list(inputs)
    log.info("inputs to clean: %d; executor %s, workers %d", len(inputs), executor, workers)
    limits = limits or Limits()
    check_options(format, html_parser, extractor)  # before any output or checkpoint exists

    def execute(corpus: Writer, rejected: Writer | None, journal: Journal | None) -> RunReport:
        if executor == "ray":
            ray = RayExecutor(pipeline, audit, strict, time_limit, address)
            reading = Reading(format, text_field, limits, html_parser, extractor)
            return ray.run_inputs(
                inputs, reading, corpus, rejected, on_reject, journal, on_progress
            )
        if executor != "local":
            raise InputError(f"unknown executor {executor!r} (choose from local, ray)")
        done = [] if journal is None else journal.done
        items = read_marked(
            inputs,
            format=format,
            text_field=text_field,
            stdin=stdin,
            limits=limits,
            done=done,
            html_parser=html_parser,
            extractor=extractor,
        )
        local = (
            ProcessExecutor(pipeline, audit, strict, time_limit, workers)
            if workers > 1
            else SerialExecutor(pipeline, audit, strict, time_limit)
        )
        return local.run(items, corpus, rejected, on_reject, journal, on_progress)

    written = [STDOUT]
    if output == STDOUT:
        if resume:
            raise InputError("--resume needs an output file; standard output cannot be resumed")
        with ExitStack() as stack:
            corpus = stack.enter_context(JsonlWriter(output))
            rejected = stack.enter_context(JsonlWriter(rejects)) if rejects else None
            report = execute(corpus, rejected, None)
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
            "extractor": extractor,
            "audit": audit,
            "time_limit": time_limit,
            "rejects": rejects,
        }
        if isinstance(output, Shards):
            output.ensure_free()
            run["shards"] = asdict(output)
        steps = len(pipeline.corpus_steps())
        report, written = _checkpointed(execute, run, output, rejects, steps, resume)
    if manifest:
        reading = {"html_parser": html_parser, "extractor": extractor}
        write_json(manifest, _manifest(inputs, pipeline, report, audit, written, reading))
    return report


def _checkpointed(
    execute: Callable[[Writer, Writer | None, Journal | None], RunReport],
    run: dict[str, Any],
    output: str | Shards,
    rejects: str | None,
    corpus_steps: int,
    resume: bool,
) -> tuple[RunReport, list[str]]:
    """Run with a checkpoint in ``<output>.partial/``, then publish; the report and the
    corpus files written."""
    checkpoint = Checkpoint.start(
        output, run, resume=resume, rejects=rejects is not None, corpus_steps=corpus_steps
    )
    if checkpoint.done:
        log.info("resuming in %s: %d inputs done before", checkpoint.folder, len(checkpoint.done))
    try:
        report = execute(checkpoint.corpus, checkpoint.rejects, checkpoint)
        written = checkpoint.publish(output, rejects)
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
    return report, written


def _manifest(
    inputs: list[str],
    pipeline: Pipeline,
    report: RunReport,
    audit: bool,
    outputs: list[str],
    reading: dict[str, str],
) -> dict[str, object]:
    """The run manifest: what ran, on what, how the HTML was read, and its report."""
    provenance = Provenance.of(pipeline, audit)
    return {
        "corpuskit": provenance.version,
        "config": provenance.config,
        "pipeline": pipeline.describe(),
        "inputs": inputs,
        "outputs": outputs,
        **reading,
        "report": report.to_record(),
    }
