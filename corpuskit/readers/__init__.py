"""Readers: input specs in, one ``Document`` per page (or a ``Drop`` saying why not) out.

``read`` expands the specs (files, folders, globs, ``-`` for stdin; see ``paths``),
decompresses gzip and zstd transparently (``compression``), picks a reader per input by
name or content (``detect``) and hands on text whose only line break is ``"\\n"``.

==========  ====================================================  ================
format      one document per                                      module
==========  ====================================================  ================
``text``    file, text as decoded                                  ``text``
``html``    file, text and metadata extracted from the page        ``html``
``jsonl``   non-blank line, text from a field of the JSON object   ``jsonl``
==========  ====================================================  ================

Every input is accounted for: what cannot become a document is a ``Drop`` with step
``read`` and one of the reasons ``not_found``, ``unreadable``, ``bad_compression``,
``binary``, ``not_json``, ``not_object``, ``missing_text``, ``text_not_string``.
Problems with single inputs never raise; only a bad option does (``InputError``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from corpuskit.document import Document, Drop
from corpuskit.errors import InputError
from corpuskit.readers.compression import COMPRESSION_ERRORS, decompressed
from corpuskit.readers.decode import decode_bytes
from corpuskit.readers.detect import format_from_name, sniff_format
from corpuskit.readers.html import read_html
from corpuskit.readers.jsonl import read_jsonl
from corpuskit.readers.paths import Input, expand, input_drop
from corpuskit.readers.text import read_text

__all__ = ["FORMATS", "decode_bytes", "read"]

#: The input formats, each the name of a reader.
FORMATS = ("text", "html", "jsonl")


def read(
    inputs: Iterable[str],
    *,
    format: str | None = None,
    text_field: str = "text",
    stdin: BinaryIO | None = None,
) -> Iterator[Document | Drop]:
    """Every document in ``inputs``, in a deterministic order, and a drop for each failure.

    ``inputs`` are paths, folders, glob patterns or ``-`` (a single string is one spec,
    not a sequence of one-letter specs). ``format`` forces one reader for every input
    (else each is detected); ``text_field`` names the JSONL field holding the text;
    ``stdin`` is read for the spec ``-`` (``sys.stdin.buffer`` when None). Raises
    ``InputError`` at once for an unknown ``format``; everything else is reported lazily,
    input by input.
    """
    if format is not None and format not in FORMATS:
        choices = ", ".join(FORMATS)
        raise InputError(f"unknown input format {format!r} (choose from {choices})")
    specs = [inputs] if isinstance(inputs, str) else inputs
    return _read_all(specs, format, text_field, stdin)


def _read_all(
    inputs: Iterable[str], format: str | None, text_field: str, stdin: BinaryIO | None
) -> Iterator[Document | Drop]:
    for item in expand(inputs, stdin):
        if isinstance(item, Drop):
            yield item
        else:
            yield from read_input(item, format, text_field)


def read_input(item: Input, format: str | None, text_field: str) -> Iterator[Document | Drop]:
    """The documents of one input; a damaged archive or an I/O error ends it with a drop.

    For JSONL, the records read before such an error are still yielded.
    """
    found = format or format_from_name(item.path)
    try:
        found = found or detect_format(item)
        with item.open() as raw, decompressed(raw, item.path) as stream:
            if found == "jsonl":
                yield from read_jsonl(item.path, stream, text_field)
            else:
                reader = read_html if found == "html" else read_text
                yield reader(item.path, stream.read())
    except COMPRESSION_ERRORS as exc:
        yield input_drop(item.path, "bad_compression", str(exc), found)
    except OSError as exc:
        yield input_drop(item.path, "unreadable", exc.strerror or str(exc), found)


def detect_format(item: Input) -> str:
    """The format of an input whose name does not tell, sniffed from its content."""
    with item.open() as raw, decompressed(raw, item.path) as stream:
        return sniff_format(stream)
