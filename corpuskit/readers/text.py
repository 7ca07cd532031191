"""The text reader: one document per file, the file's text unchanged but for line breaks.

Also home of ``decode_page``, the first half of every page reader (text and HTML): it
hashes the raw bytes, rejects binary files and decodes the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, BinaryIO

from corpuskit.document import Document, Drop, Source, make_document, sha256_hex
from corpuskit.readers.decode import BINARY_WINDOW, decode_text, looks_binary, normalize_newlines
from corpuskit.readers.limits import how_to_raise
from corpuskit.readers.paths import input_drop
from corpuskit.readers.streams import read_capped

if TYPE_CHECKING:
    from corpuskit.readers.options import ReadOptions


def text_file(path: str, stream: BinaryIO, options: ReadOptions) -> Iterator[Document | Drop]:
    """The reader of ``text`` inputs: the one document of a file (``read_text``)."""
    raw = whole_file(path, stream, options.limits.max_file_bytes, "text")
    yield raw if isinstance(raw, Drop) else read_text(path, raw)


def whole_file(path: str, stream: BinaryIO, limit: int, format: str) -> bytes | Drop:
    """The bytes of a one-page input, or a ``too_large`` drop one byte past ``limit``
    (the bytes beyond it are never read)."""
    raw = read_capped(stream, limit)
    if raw is None:
        detail = f"more than {limit:,} bytes (decompressed); {how_to_raise('max_file_bytes')}"
        return input_drop(path, "too_large", detail, format)
    return raw


def read_text(
    path: str, raw: bytes, *, source: Source | None = None, charset: str | None = None
) -> Document | Drop:
    """The document for a plain-text file whose (decompressed) bytes are ``raw``.

    An empty file gives a document with empty text: rejecting it is the pipeline's job.
    ``source`` and ``charset`` are as for ``decode_page`` (a WARC record's).

    >>> read_text("notes.txt", b"first\\r\\nsecond\\r\\n").text
    'first\\nsecond\\n'
    """
    decoded = decode_page(path, raw, "text", source=source, charset=charset)
    if isinstance(decoded, Drop):
        return decoded
    text, source = decoded
    return make_document(normalize_newlines(text), source)


def decode_page(
    path: str,
    raw: bytes,
    format: str,
    *,
    source: Source | None = None,
    charset: str | None = None,
) -> tuple[str, Source] | Drop:
    """The decoded text of a page and its ``Source``, or a ``binary`` drop.

    For ``format="html"`` the charset the page declares is honoured. ``source`` is the
    provenance known already (a WARC record's; by default a file ``path`` in ``format``),
    completed here with the hash and the codec; ``charset`` is the one an HTTP header
    gave, which comes before the page's own (see ``decode_text``).
    """
    base = source or Source(path=path, format=format)
    source = replace(base, sha256=sha256_hex(raw))
    if looks_binary(raw):
        detail = f"NUL bytes in the first {BINARY_WINDOW} bytes: not a text file"
        return Drop("read", "binary", source, detail)
    text, encoding, how = decode_text(raw, html=format == "html", charset=charset)
    return text, replace(source, encoding=encoding, encoding_from=how)
