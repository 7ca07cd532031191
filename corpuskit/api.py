"""The few calls most users need: clean a string, records or files into a corpus.

Each takes its options as objects (``ReadOptions``, ``RunOptions``) or as keywords
folded into them, and a pipeline or a recipe; ``clean_files`` is what ``corpuskit
clean`` calls, with the same objects, so a Python user gets the command's result in a
few lines.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import fields, replace
from itertools import count
from typing import Any, BinaryIO, Literal

from corpuskit.document import Document, Drop, Source, sha256_hex
from corpuskit.errors import DocumentRejected, InputError
from corpuskit.outputs import SHARD_SUFFIXES, OutputOptions, Outputs, is_folder
from corpuskit.pipeline import Pipeline
from corpuskit.readers.jsonl import record_document
from corpuskit.readers.options import ReadOptions
from corpuskit.readers.page import read_page
from corpuskit.recipes.compose import build, unused_options
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.recipes.loader import Recipe
from corpuskit.run.cleaning import Provenance, finish, reject_record
from corpuskit.run.executor import Executor, Job
from corpuskit.run.files import run_to_files
from corpuskit.run.local import LocalExecutor
from corpuskit.run.options import RunOptions
from corpuskit.run.passes import corpus_passes
from corpuskit.run.progress import OnProgress
from corpuskit.run.report import RunReport
from corpuskit.storage import local_path
from corpuskit.writers import Shards

log = logging.getLogger(__name__)


def clean_text(
    text: str,
    options: ReadOptions | None = None,
    /,
    *,
    pipeline: Pipeline | None = None,
    url: str | None = None,
    **changes: Any,
) -> Document:
    """Clean one page given as a string; raise ``DocumentRejected`` if nothing is left.

    The page is text, or HTML with ``format="html"`` (its text and fields extracted as a
    file's are: the in-memory equivalent of trafilatura's ``extract``); ``url`` says
    where it came from (its ``url`` unless the page declares one, and its path in
    ``source``). ``options`` and keyword ``changes`` are ``ReadOptions``.

    >>> doc = clean_text("Logo\\nAdvertisement\\nThe council met on Monday and voted.")
    >>> doc.text
    'The council met on Monday and voted.'
    >>> page = "<title>Vote</title><nav>Home</nav><p>The council met on Monday and voted.</p>"
    >>> doc = clean_text(page, format="html", url="https://example.org/vote")
    >>> doc.text, doc.title, doc.url
    ('The council met on Monday and voted.', 'Vote', 'https://example.org/vote')
    """
    doc = read_page(text, ReadOptions.of(options, **changes), path=url or "<string>")
    if isinstance(doc, Drop):
        raise DocumentRejected(doc)
    if url is not None and doc.url is None:
        doc = replace(doc, url=url)
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
#: What ``clean_records`` does with a rejected record: leave it out, or yield it marked.
RejectsMode = Literal["drop", "mark"]


def clean_records(
    records: Iterable[Mapping[str, Any]],
    pipeline: Pipeline | None = None,
    *,
    read: ReadOptions | None = None,
    run: RunOptions | None = None,
    rejects: RejectsMode = "drop",
    on_reject: Callable[[Drop], None] | None = None,
    path: str = "<records>",
    **changes: Any,
) -> Iterator[dict[str, Any]]:
    """Clean dict records into corpus records: the function interface for other pipelines.

    Each record is read as a line of a JSONL input is (``readers.jsonl``, with ``read``:
    ``ReadOptions``): the page in ``text_field``, its own ``id`` kept, every other field
    carried into ``meta``. What
    comes out is the record ``corpuskit clean`` writes for it, provenance included;
    only ``source`` differs (``path``, the record's 1-based number as ``line``, format
    ``record``, the SHA-256 of the text). Rejected records (``Drop``) are shown to
    ``on_reject`` and, with ``rejects="mark"``, yielded in their place as the rejects
    file's record with ``"rejected": True`` first; with ``rejects="drop"`` (the default)
    they are left out. Corpus records never have a ``rejected`` key.

    Lazy, except that corpus steps (``repeated_lines``) count over all records first
    (``clean_documents``). ``run`` (``RunOptions``: ``audit``, ``time_limit``) says how
    each is cleaned; keyword ``changes`` are folded into ``read`` or ``run`` by name.

    >>> out = list(clean_records([{"id": 7, "text": "Logo\\nThe council met on Monday."},
    ...                           {"text": "Menu"}], rejects="mark"))
    >>> out[0]["id"], out[0]["text"], "provenance" in out[0]
    ('7', 'The council met on Monday.', True)
    >>> out[1]["rejected"], out[1]["step"], out[1]["reason"]
    (True, 'drop_empty', 'empty')
    """
    if rejects not in ("drop", "mark"):
        raise InputError(f"unknown rejects mode {rejects!r} (choose from drop, mark)")
    read_changes, run_changes = _split(changes)
    options = ReadOptions.of(read, **read_changes)
    running = RunOptions.of(run, **run_changes)
    pipeline = pipeline or default_pipeline()
    provenance = Provenance.of(pipeline, running.audit)
    numbered = zip(records, count(1))
    documents = (_record_document(record, path, line, options) for record, line in numbered)
    _, remaining, items = corpus_passes(pipeline, documents)
    for item in items:
        result = finish(remaining, provenance, running.time_limit, item)
        if not isinstance(result, Drop):
            yield result[1]
            continue
        if on_reject is not None:
            on_reject(result)
        if rejects == "mark":
            yield {"rejected": True, **reject_record(result)}


def _record_document(
    record: Mapping[str, Any], path: str, line: int, options: ReadOptions
) -> Document | Drop:
    """A record as a document (or a ``read`` drop), read as a JSONL line would be."""
    text = record.get(options.text_field)
    sha256 = sha256_hex(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else ""
    return record_document(record, Source(path, "record", sha256=sha256, line=line), options)


def clean_files(
    inputs: Iterable[str],
    output: str | Shards | Outputs,
    *,
    pipeline: Pipeline | None = None,
    recipe: Recipe | None = None,
    read: ReadOptions | None = None,
    run: RunOptions | None = None,
    executor: Executor | None = None,
    rejects: str | None = None,
    manifest: str | None = None,
    resume: bool = False,
    stdin: BinaryIO | None = None,
    on_reject: Callable[[Drop], None] | None = None,
    on_progress: OnProgress | None = None,
    **options: Any,
) -> RunReport:
    """Read ``inputs``, clean them, write the corpus to ``output``: a file, ``-`` or a
    stream (a device such as ``/dev/null``, a named pipe), a folder of shards (a path
    ending in ``/``, or a ``Shards``), or a whole ``Outputs`` plan. Rejected pages go
    to ``rejects`` (a JSONL path) and to ``on_reject``; ``manifest`` gets the run
    manifest.

    How: ``pipeline`` (the default one when None), or a ``recipe`` (its steps and its
    ``[options]``); run ``options`` by their names, exactly as a recipe's ``[options]``
    and ``corpuskit clean``'s flags name them (``dedup="exact"``, ``lang=["de"]``,
    ``format="html"``, ``audit=True``, ``workers=2``), overriding the recipe's; or the
    objects themselves: ``read`` (``ReadOptions``), ``run`` (``RunOptions``),
    ``executor`` (``LocalExecutor(workers=4)``, ``RayExecutor(address)``: the same
    output, byte for byte; one local process by default). All of it goes through
    ``recipes.compose.build``, as the command line does, so
    ``clean_files(paths, out, recipe=load_recipe("my.toml"))`` writes what
    ``corpuskit clean paths -o out --recipe my.toml`` writes.

    Before any work, the outputs are checked (``Outputs.check``: none is an input, inside
    an input folder, or another output; each can be written) and so are the inputs (a
    path or a pattern that names nothing is an ``InputError``, unless
    ``allow_missing``). Files appear under their names only when the run completes;
    until then the run works in ``<output>.partial/`` (``corpuskit.run.checkpoint``), and
    a run that was killed is continued with ``resume``: the output is the same, byte for
    byte, as if it had never stopped (not a trial run, ``limit``: it is run again). A
    stream is written through as the run goes. ``on_progress`` sees where the run stands
    (``run.progress.Progress``: each phase's bytes read of its source, records, the
    report so far) as it goes.
    """
    if recipe is not None and pipeline is not None:
        raise InputError("a pipeline or a recipe, not both")
    base = recipe.pipeline if recipe is not None else pipeline or default_pipeline()
    merged = {**(recipe.options if recipe is not None else {}), **options}
    built = build(base, merged, read=read, run=run, executor=executor)
    for name, other, value in unused_options(merged):
        log.warning("%s has no effect without %s%s", name, other, f"={value!r}" if value else "")
    if resume and built.read.limit is not None:
        raise InputError(
            "limit: a trial run is not resumed: run it again (without resume; remove its "
            "partial output first)"
        )
    job = Job(tuple(inputs), built.pipeline, built.read, built.run, stdin=stdin)
    plan = _outputs(output, rejects, manifest, built.output)
    runner = built.executor or LocalExecutor()
    log.info("inputs to clean: %d; executor %s", len(job.inputs), runner)
    return run_to_files(
        job, plan, runner, resume=resume, on_reject=on_reject, on_progress=on_progress
    )


def _split(changes: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keywords shared out to ``ReadOptions`` and ``RunOptions`` by field name."""
    run_names = {f.name for f in fields(RunOptions)}
    run = {name: value for name, value in changes.items() if name in run_names}
    return {name: v for name, v in changes.items() if name not in run_names}, run


def _outputs(
    output: str | Shards | Outputs, rejects: str | None, manifest: str | None, cut: OutputOptions
) -> Outputs:
    """The plan of ``clean_files``' outputs (``rejects`` and ``manifest`` as given)."""
    if isinstance(output, Outputs):
        return output
    if isinstance(output, Shards):
        return Outputs(output.folder, rejects, manifest, output)
    output = local_path(output) or output  # file:// written as the local file it is
    if output != "-" and is_folder(output):
        suffix = SHARD_SUFFIXES[cut.shard_compression]
        return Outputs(
            output, rejects, manifest, Shards(output.rstrip("/"), cut.shard_size, suffix)
        )
    return Outputs(output, rejects, manifest)
