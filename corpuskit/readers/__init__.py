"""Readers: input specs in, one ``Document`` per page (or a ``Drop`` saying why not) out.

``read`` expands the specs (files, folders, globs, ``-`` for stdin; see ``paths``),
decompresses gzip and zstd transparently (``compression``), picks a reader per input by
name or content (``detect``) and hands on text whose only line break is ``"\\n"``. Each
input is read once, front to back, in bounded pieces (``streams``), so pipes work and
no input costs more memory than its size limit (``corpuskit.readers.limits``).

==========  ====================================================  ================
format      one document per                                      module
==========  ====================================================  ================
``text``    file, text as decoded                                  ``text``
``html``    file, text and metadata extracted from the page        ``html``
``jsonl``   non-blank line, text from a field of the JSON object   ``jsonl``
``warc``    response, resource or WET conversion record (a WARC   ``warc``
            file's other records are ``Skipped``)
==========  ====================================================  ================

Every input is accounted for: what cannot become a document is a ``Drop`` with step
``read`` and one of the reasons ``not_found``, ``unreadable``, ``not_a_file``,
``bad_compression``, ``binary``, ``too_large``, ``too_deep``, ``not_json``,
``not_object``, ``missing_text``, ``text_not_string``, ``link_outside`` (a symbolic
link in an input folder that leads out of it, not followed unless ``follow_links``),
for WARC ``bad_warc``,
``truncated``, ``http_status``, ``not_text``, or ``error`` (a bug: an exception nobody
expected, reported rather than raised). A WARC record that holds no page by design (a
request, metadata) is neither: ``read_marked`` yields a ``Skipped`` for it, which
``read`` leaves out. Problems with single inputs
never raise; only a bad option does (``InputError``). docs/robustness.md lists every
hostile input and what becomes of it.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, BinaryIO

from corpuskit.document import Document, Drop, InputEnd, Position, Skipped
from corpuskit.errors import InputError
from corpuskit.readers.compression import COMPRESSION_ERRORS, decompressed
from corpuskit.readers.decode import decode_bytes
from corpuskit.readers.detect import format_from_name, sniff_format
from corpuskit.readers.html import html_file
from corpuskit.readers.jsonl import read_jsonl
from corpuskit.readers.limits import Limits
from corpuskit.readers.options import FORMATS, ReadOptions
from corpuskit.readers.paths import Input, expand, input_drop, printable_path, quoted_path
from corpuskit.readers.streams import CHUNK
from corpuskit.readers.text import text_file
from corpuskit.storage import inner_name

__all__ = ["FORMATS", "READERS", "Limits", "ReadOptions", "decode_bytes", "read", "read_marked"]

#: A reader: the documents of one decompressed input stream, in its format, read as
#: the options say. Every reader has this signature.
Reader = Callable[[str, BinaryIO, ReadOptions], Iterator[Document | Drop | Skipped]]


def warc_file(
    path: str, stream: BinaryIO, options: ReadOptions, start: Position | None = None
) -> Iterator[Document | Drop | Skipped]:
    """The reader of ``warc`` inputs (``warc.read_warc``, from ``start`` when given),
    imported with the first WARC file: warcio brings fsspec and asyncio, a tenth of a
    CPU-second at start-up."""
    from corpuskit.readers.warc import read_warc

    return read_warc(path, stream, options, start)


#: The reader of each input format (``FORMATS``).
READERS: Mapping[str, Reader] = {
    "text": text_file,
    "html": html_file,
    "jsonl": read_jsonl,
    "warc": warc_file,
}

#: The readers that can start inside an input, at a ``Position`` (a resumed run): the
#: formats that hold many records. A text or HTML file is one record, read whole or not.
RESUMABLE = {"jsonl": read_jsonl, "warc": warc_file}

#: The ``meta`` key that keeps the exact bytes of a file name that is not UTF-8.
PATH_BYTES_KEY = "source_path_bytes"


def read(
    inputs: Iterable[str] | str,
    options: ReadOptions | None = None,
    /,
    *,
    stdin: BinaryIO | None = None,
    **changes: Any,
) -> Iterator[Document | Drop]:
    """Every document in ``inputs``, in a deterministic order, and a drop for each failure.

    ``inputs`` are paths, folders, glob patterns or ``-`` (a single string is one spec,
    not a sequence of one-letter specs), read as ``options`` say (``ReadOptions``; its
    fields may be given as keywords too: ``read(paths, format="html")``). ``stdin`` is
    read for the spec ``-`` (``sys.stdin.buffer`` when None). Raises ``InputError`` at
    once for an unknown option value (or trafilatura missing); everything else is
    reported lazily, input by input.
    """
    items = read_marked(inputs, ReadOptions.of(options, **changes), stdin=stdin)
    return (item for item in items if isinstance(item, Document | Drop))


def read_marked(
    inputs: Iterable[str] | str,
    options: ReadOptions | None = None,
    /,
    *,
    stdin: BinaryIO | None = None,
    done: Sequence[str] = (),
    start: Position | None = None,
    **changes: Any,
) -> Iterator[Document | Drop | InputEnd | Skipped]:
    """As ``read``, with an ``InputEnd`` after the documents of each input, a ``Skipped``
    for each record that holds no page (to be counted), and the first ``len(done)``
    inputs skipped unread (to resume a run that finished them); ``start``: where to
    begin inside the first input after them (a JSONL or WARC input, see
    ``read_numbered``).

    ``done`` holds the paths of the inputs to skip, as their ``InputEnd`` gave them; an
    input that is not the one ``done`` names at its position raises ``InputError``: the
    inputs changed since, and skipping by position would skip the wrong ones.

    With ``options.limit``, reading stops at that many pages (``first_pages``): this is
    where a trial run is cut, before any step runs, in the one process that reads for
    every local executor, so it costs the pages it keeps and gives the same first pages
    with any number of workers.
    """
    options = ReadOptions.of(options, **changes)
    specs = [inputs] if isinstance(inputs, str) else inputs
    numbered = numbered_inputs(specs, options, stdin, done)
    if options.limit is not None:
        return first_pages(numbered, options, options.limit, start)
    return (
        found
        for index, item in numbered
        for found in read_numbered(index, item, options, start if index == len(done) else None)
    )


def first_pages(
    numbered: Iterable[tuple[int, Input | Drop]],
    options: ReadOptions,
    limit: int,
    start: Position | None = None,
) -> Iterator[Document | Drop | InputEnd | Skipped]:
    """What ``read_marked`` gives for the ``numbered`` inputs (the first from ``start``),
    up to the ``limit``-th page (a ``Document`` or a ``Drop``); then the ``InputEnd`` of
    the input it came from, and nothing more: the rest of that input is never read, and
    no other input is opened."""
    left = limit
    for index, item in numbered:
        found = read_numbered(index, item, options, start)
        start = None
        for result in found:
            yield result
            if isinstance(result, Document | Drop):
                left -= 1
                if not left:
                    found.close()  # closes the input's file
                    yield InputEnd(index, input_name(item))
                    return


def numbered_inputs(
    inputs: Iterable[str],
    options: ReadOptions,
    stdin: BinaryIO | None = None,
    done: Sequence[str] = (),
) -> Iterator[tuple[int, Input | Drop]]:
    """Each input the specs name (or a drop for what cannot be read) with its number,
    after the first ``len(done)``, which must be the inputs ``done`` names."""
    for index, item in enumerate(expand(inputs, stdin, follow_links=options.follow_links)):
        if index < len(done):
            shown = input_name(item)
            if shown != done[index]:
                raise InputError(
                    f"input {index + 1} is {shown}, but was {done[index]} in the run being "
                    "resumed: the inputs changed; start afresh (without --resume)"
                )
            continue
        yield index, item


def input_name(item: Input | Drop) -> str:
    """The name an input goes by in records and journals (valid UTF-8)."""
    path = item.source.path if isinstance(item, Drop) else item.path
    return printable_path(path) or path


def read_numbered(
    index: int, item: Input | Drop, options: ReadOptions, start: Position | None = None
) -> Generator[Document | Drop | InputEnd | Skipped, None, None]:
    """Everything read from input number ``index`` (from ``start`` on, when given),
    then its ``InputEnd``: the unit of work an executor may hand to another machine
    (``RayExecutor``)."""
    path = item.source.path if isinstance(item, Drop) else item.path
    found = [item] if isinstance(item, Drop) else read_input(item, options, start)
    yield from printable(found, path)
    yield InputEnd(index, input_name(item))


def read_input(
    item: Input, options: ReadOptions, start: Position | None = None
) -> Iterator[Document | Drop | Skipped]:
    """The documents of one input, by the reader of its format (``READERS``); a damaged
    archive or an I/O error ends it with a drop.

    For JSONL and WARC, the records read before such an error are still yielded. With
    ``start`` (a resumed run), a JSONL or WARC input is read from that record on: the
    bytes before it are decompressed and discarded, never parsed (``skip``); another
    format is read whole, as it is one record.
    """
    name = inner_name(item.path)  # a file in an archive is named by its own name
    found = options.format or format_from_name(name)
    try:
        with item.open() as raw, decompressed(raw, name) as stream:
            if found is None:
                found, stream = sniff_format(stream, options.limits.max_line_bytes)
            if start is not None and found in RESUMABLE:
                skip(stream, start.offset)
                yield from RESUMABLE[found](item.path, stream, options, start)
                return
            yield from READERS[found](item.path, stream, options)
    except COMPRESSION_ERRORS as exc:
        yield input_drop(item.path, "bad_compression", str(exc), found)
    except OSError as exc:
        yield input_drop(item.path, "unreadable", exc.strerror or str(exc), found)
    except Exception as exc:  # a bug must cost one input, not the run, and be reported
        yield input_drop(item.path, "error", f"{type(exc).__name__}: {exc}", found)


def skip(stream: BinaryIO, size: int) -> None:
    """Read past the next ``size`` bytes of ``stream`` (a chunk at a time, never held):
    decompressing and discarding is the one way to reach an offset of a gzip or zstd
    stream, and costs a small part of parsing what is discarded (docs/robustness.md)."""
    while size > 0:
        part = stream.read(min(size, CHUNK))
        if not part:
            return
        size -= len(part)


def printable(
    results: Iterable[Document | Drop | Skipped], path: str
) -> Iterator[Document | Drop | Skipped]:
    """The ``results`` of the input ``path``, naming it in valid UTF-8 (``printable_path``).

    Untouched when the name is valid UTF-8, the common case.
    """
    shown = printable_path(path)
    if shown is None:
        yield from results
        return
    quoted = quoted_path(path)
    for result in results:
        yield with_printable_path(result, shown, quoted)


def with_printable_path(
    result: Document | Drop | Skipped, printable: str, quoted: str
) -> Document | Drop | Skipped:
    """``result`` with ``printable`` as its path, and the exact name ``quoted`` kept.

    The exact bytes go to ``meta[PATH_BYTES_KEY]`` of a document (a JSONL record's own
    field of that name wins) or to the end of a drop's detail. The id stays the one made
    from the exact name, so files whose names differ only in such bytes keep distinct ids.
    """
    source = replace(result.source, path=printable)
    if isinstance(result, Document):
        return replace(result, source=source, meta={PATH_BYTES_KEY: quoted, **result.meta})
    if isinstance(result, Skipped):
        return replace(result, source=source)
    detail = f"{result.detail} (file name bytes, percent-encoded: {quoted})".lstrip()
    return replace(result, source=source, detail=detail)
