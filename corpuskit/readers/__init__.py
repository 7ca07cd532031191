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
``not_object``, ``missing_text``, ``text_not_string``, for WARC ``bad_warc``,
``truncated``, ``http_status``, ``not_text``, or ``error`` (a bug: an exception nobody
expected, reported rather than raised). A WARC record that holds no page by design (a
request, metadata) is neither: ``read_marked`` yields a ``Skipped`` for it, which
``read`` leaves out. Problems with single inputs
never raise; only a bad option does (``InputError``). docs/robustness.md lists every
hostile input and what becomes of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import BinaryIO

from corpuskit.document import Document, Drop, InputEnd, Skipped
from corpuskit.errors import InputError
from corpuskit.html import PARSERS
from corpuskit.html.extractors import DEFAULT_EXTRACTOR, check_extractor
from corpuskit.readers.compression import COMPRESSION_ERRORS, decompressed
from corpuskit.readers.decode import decode_bytes
from corpuskit.readers.detect import format_from_name, sniff_format
from corpuskit.readers.html import read_html
from corpuskit.readers.jsonl import read_jsonl
from corpuskit.readers.limits import DEFAULT_LIMITS, Limits, how_to_raise
from corpuskit.readers.paths import Input, expand, input_drop, printable_path, quoted_path
from corpuskit.readers.streams import read_capped
from corpuskit.readers.text import read_text
from corpuskit.readers.warc import read_warc

__all__ = ["FORMATS", "Limits", "decode_bytes", "read", "read_marked"]

#: The input formats, each the name of a reader.
FORMATS = ("text", "html", "jsonl", "warc")

#: The ``meta`` key that keeps the exact bytes of a file name that is not UTF-8.
PATH_BYTES_KEY = "source_path_bytes"


def read(
    inputs: Iterable[str],
    *,
    format: str | None = None,
    text_field: str = "text",
    stdin: BinaryIO | None = None,
    limits: Limits | None = None,
    html_parser: str = "bs4",
    extractor: str = DEFAULT_EXTRACTOR,
) -> Iterator[Document | Drop]:
    """Every document in ``inputs``, in a deterministic order, and a drop for each failure.

    ``inputs`` are paths, folders, glob patterns or ``-`` (a single string is one spec,
    not a sequence of one-letter specs). ``format`` forces one reader for every input
    (else each is detected); ``text_field`` names the JSONL field holding the text;
    ``stdin`` is read for the spec ``-`` (``sys.stdin.buffer`` when None); ``limits``
    bounds what one document may cost (``DEFAULT_LIMITS`` when None); ``html_parser``
    builds the tree of HTML pages (``corpuskit.html.PARSERS``: ``bs4``, or ``lxml``, about
    twice as fast, see docs/html.md); ``extractor`` makes their text
    (``corpuskit.html.EXTRACTORS``: ``corpuskit``, or ``trafilatura`` with
    ``pip install 'corpuskit[trafilatura]'``). Raises ``InputError`` at once for an
    unknown ``format``, ``html_parser`` or ``extractor`` (or trafilatura missing);
    everything else is reported lazily, input by input.
    """
    items = read_marked(
        inputs,
        format=format,
        text_field=text_field,
        stdin=stdin,
        limits=limits,
        html_parser=html_parser,
        extractor=extractor,
    )
    return (item for item in items if isinstance(item, Document | Drop))


def read_marked(
    inputs: Iterable[str],
    *,
    format: str | None = None,
    text_field: str = "text",
    stdin: BinaryIO | None = None,
    limits: Limits | None = None,
    done: Sequence[str] = (),
    html_parser: str = "bs4",
    extractor: str = DEFAULT_EXTRACTOR,
) -> Iterator[Document | Drop | InputEnd | Skipped]:
    """As ``read``, with an ``InputEnd`` after the documents of each input, a ``Skipped``
    for each record that holds no page (to be counted), and the first ``len(done)``
    inputs skipped unread (to resume a run that finished them).

    ``done`` holds the paths of the inputs to skip, as their ``InputEnd`` gave them; an
    input that is not the one ``done`` names at its position raises ``InputError``: the
    inputs changed since, and skipping by position would skip the wrong ones.
    """
    check_options(format, html_parser, extractor)
    specs = [inputs] if isinstance(inputs, str) else inputs
    limits = limits or DEFAULT_LIMITS
    return _read_all(specs, format, text_field, stdin, limits, done, html_parser, extractor)


def check_options(format: str | None, html_parser: str, extractor: str = DEFAULT_EXTRACTOR) -> None:
    """Raise ``InputError`` for an unknown input format, HTML parser or extractor, or for
    an extractor whose package is not installed (naming what to install)."""
    if format is not None and format not in FORMATS:
        choices = ", ".join(FORMATS)
        raise InputError(f"unknown input format {format!r} (choose from {choices})")
    if html_parser not in PARSERS:
        choices = ", ".join(PARSERS)
        raise InputError(f"unknown HTML parser {html_parser!r} (choose from {choices})")
    check_extractor(extractor)


def _read_all(
    inputs: Iterable[str],
    format: str | None,
    text_field: str,
    stdin: BinaryIO | None,
    limits: Limits,
    done: Sequence[str],
    html_parser: str,
    extractor: str,
) -> Iterator[Document | Drop | InputEnd | Skipped]:
    for index, item in numbered_inputs(inputs, stdin, done):
        yield from read_numbered(index, item, format, text_field, limits, html_parser, extractor)


def numbered_inputs(
    inputs: Iterable[str], stdin: BinaryIO | None = None, done: Sequence[str] = ()
) -> Iterator[tuple[int, Input | Drop]]:
    """Each input the specs name (or a drop for what cannot be read) with its number,
    after the first ``len(done)``, which must be the inputs ``done`` names."""
    for index, item in enumerate(expand(inputs, stdin)):
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
    index: int,
    item: Input | Drop,
    format: str | None,
    text_field: str,
    limits: Limits,
    html_parser: str = "bs4",
    extractor: str = DEFAULT_EXTRACTOR,
) -> Iterator[Document | Drop | InputEnd | Skipped]:
    """Everything read from input number ``index``, then its ``InputEnd``: the unit of
    work an executor may hand to another machine (``RayExecutor``)."""
    path = item.source.path if isinstance(item, Drop) else item.path
    if isinstance(item, Drop):
        yield from printable([item], path)
    else:
        found = read_input(item, format, text_field, limits, html_parser, extractor)
        yield from printable(found, path)
    yield InputEnd(index, input_name(item))


def read_input(
    item: Input,
    format: str | None,
    text_field: str,
    limits: Limits = DEFAULT_LIMITS,
    html_parser: str = "bs4",
    extractor: str = DEFAULT_EXTRACTOR,
) -> Iterator[Document | Drop | Skipped]:
    """The documents of one input; a damaged archive or an I/O error ends it with a drop.

    For JSONL and WARC, the records read before such an error are still yielded.
    """
    found = format or format_from_name(item.path)
    try:
        with item.open() as raw, decompressed(raw, item.path) as stream:
            if found is None:
                found, stream = sniff_format(stream, limits.max_line_bytes)
            yield from _documents(
                item.path, stream, found, text_field, limits, html_parser, extractor
            )
    except COMPRESSION_ERRORS as exc:
        yield input_drop(item.path, "bad_compression", str(exc), found)
    except OSError as exc:
        yield input_drop(item.path, "unreadable", exc.strerror or str(exc), found)
    except Exception as exc:  # a bug must cost one input, not the run, and be reported
        yield input_drop(item.path, "error", f"{type(exc).__name__}: {exc}", found)


def _documents(
    path: str,
    stream: BinaryIO,
    format: str,
    text_field: str,
    limits: Limits,
    html_parser: str,
    extractor: str,
) -> Iterator[Document | Drop | Skipped]:
    """The documents of a decompressed input stream in a known format."""
    if format == "jsonl":
        yield from read_jsonl(path, stream, text_field, limits)
        return
    if format == "warc":
        yield from read_warc(path, stream, limits, html_parser, extractor)
        return
    raw = read_capped(stream, limits.max_file_bytes)
    if raw is None:
        size = f"{limits.max_file_bytes:,}"
        detail = f"more than {size} bytes (decompressed); {how_to_raise('max_file_bytes')}"
        yield input_drop(path, "too_large", detail, format)
    elif format == "html":
        yield read_html(path, raw, limits, html_parser, extractor)
    else:
        yield read_text(path, raw)


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
