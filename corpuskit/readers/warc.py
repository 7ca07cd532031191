"""The WARC reader: one document per page a web archive holds, every record accounted for.

A WARC file (ISO 28500) is a sequence of records. What becomes of each:

=================  ===============================================================
record type        outcome
=================  ===============================================================
``response``       a 2xx HTTP response: its body, by the HTTP ``Content-Type`` (else
                   sniffed), through the HTML reader (``read_html``, the HTTP charset
                   first) or the text reader; another status is an ``http_status``
                   drop, another content type (images, PDF) a ``not_text`` drop
``resource``       the same, typed by the record's own ``Content-Type``
``conversion``     a WET record's extracted text, through the text reader
``request``,       ``Skipped``: counted (``RunReport.skipped_by``), never a document
``metadata``,
``warcinfo``,
``revisit``, ...
=================  ===============================================================

``Source`` carries the record's ``WARC-Record-ID``, ``WARC-Target-URI``, ``WARC-Date``
and ``offset``: where the record starts in the decompressed stream (``zcat`` a
``.warc.gz`` to seek to it). The document's ``url`` is the target URI when the page
declares no canonical URL. Ids are distinct per record (``document.stable_id``).

Bounded work: a body over ``Limits.max_file_bytes`` is a ``too_large`` drop, read past
without being held; headers are read whole by the library, so they may take
``HEADER_BYTES`` per record. Damage ends the input with one drop saying where: a
truncated or corrupt gzip/zstd stream is ``bad_compression``, a record cut short is
``truncated``, bytes that are no WARC record (headers longer than ``HEADER_BYTES``
included) are ``bad_warc``. The records before the
damage are kept, as the JSONL reader keeps its lines.

The library is warcio (Apache-2.0, the Webrecorder project's reader, used by pywb and
Common Crawl's examples), chosen over fastwarc after measuring both on the traf-dev pages
as a WARC (``bench/warc_read.py``: 696 pages, 98.6 MB of HTML, 20 MB gzip per record):
fastwarc 2.0.1 reads it in 0.13-0.29 s, warcio in 0.54-0.74 s, while reading the same
pages as ``.html.gz`` files, HTML extraction included, takes 45 s: the WARC library's
speed hardly counts. What
counted: fastwarc 2.0.1 (a new Rust rewrite) panics with a ``BaseException`` on a stream
that cannot seek (stdin, a pipe, a zstd stream), and returns a truncated record short
without a sign; warcio reads any stream once, front to back, and is pure Python (a wheel
for every platform). Its cost: it reads a header line whole (bounded here by
``HEADER_BYTES``), and it writes a warning to stderr when a record is not followed by
the blank lines the format requires.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from corpuskit.document import Document, Drop, Position, Skipped, Source
from corpuskit.readers.compression import COMPRESSION_ERRORS
from corpuskit.readers.decode import looks_binary
from corpuskit.readers.detect import looks_like_html
from corpuskit.readers.html import DEFAULTS, read_html
from corpuskit.readers.limits import MiB, how_to_raise
from corpuskit.readers.options import ReadOptions
from corpuskit.readers.streams import chunks, read_capped
from corpuskit.readers.text import read_text

#: Record types that hold a page (or its text); every other type is skipped.
PAGE_RECORDS = frozenset({"response", "resource", "conversion"})

#: Media types read as HTML, and as plain text. Any other declared type is ``not_text``;
#: a body without a type is sniffed.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})

#: Bytes the headers of one record (WARC and HTTP, and the blank lines before them) may
#: take. warcio reads each header line whole, so a "line" of a gigabyte (a bomb) would be
#: held whole; real headers take under 16 KiB, cookies and all.
HEADER_BYTES = 1 * MiB

#: What warcio raises on bytes that are no WARC record.
_NOT_WARC = (ArchiveLoadFailed, StatusAndHeadersParserException, ValueError)


class HeadersTooLong(Exception):
    """A record's headers went on past ``HEADER_BYTES``."""


class DamagedStream(Exception):
    """The decompressed stream under the WARC failed (a truncated or corrupt archive).

    Not an ``EOFError``, which warcio takes for the quiet end of the file.
    """


def read_warc(
    path: str, stream: BinaryIO, options: ReadOptions = DEFAULTS, start: Position | None = None
) -> Iterator[Document | Drop | Skipped]:
    """A document, a drop or a ``Skipped`` for each record of a (decompressed) WARC
    stream; with ``start``, the stream stands at the record that starts there (a resumed
    run), and offsets are counted from it."""
    guarded = Guarded(stream, start.offset if start is not None else 0)
    records = ArchiveIterator(guarded, verify_http=False, arc2warc=False)
    while True:
        here = records.offset
        try:
            with guarded.bounded(HEADER_BYTES):
                records.read_to_end()  # the blank lines after the record before
                here = records.offset
                record = next(records, None)
        except (DamagedStream, HeadersTooLong, *_NOT_WARC) as exc:
            yield _damage(path, here, exc)
            return
        except Exception as exc:  # warcio trips on some malformed headers (no URI, ...)
            yield _damage(path, here, ValueError(f"{type(exc).__name__}: {exc}"))
            return
        if record is None:
            return
        source = record_source(path, record, records.offset)
        if record.rec_headers.get_header("Content-Length") is None:
            detail = "a record without Content-Length: where it ends cannot be known"
            yield Drop("read", "bad_warc", source, detail)
            return
        try:
            yield _record(record, source, options)
            _drain(record.raw_stream)
        except DamagedStream as exc:
            yield _damage(path, source.offset, exc)
            return
        missing = getattr(record.raw_stream, "limit", 0)
        if missing:
            detail = f"the record ends {missing:,} bytes before its Content-Length: truncated"
            yield Drop("read", "truncated", source, detail)
            return


def record_source(path: str, record: Any, offset: int) -> Source:
    """The provenance of a WARC record that starts at ``offset``."""
    headers = record.rec_headers
    return Source(
        path,
        format="warc",
        offset=offset,
        warc_record_id=headers.get_header("WARC-Record-ID"),
        warc_target_uri=headers.get_header("WARC-Target-URI"),
        warc_date=headers.get_header("WARC-Date"),
    )


def _record(record: Any, source: Source, options: ReadOptions) -> Document | Drop | Skipped:
    """What one record becomes; its body is read, up to the limit, but not drained."""
    kind = record.rec_type or "untyped"
    if kind not in PAGE_RECORDS:
        return Skipped(source, kind)
    http = record.http_headers
    status = (http.get_statuscode() or "") if http is not None else "200"
    if kind == "response" and not status.startswith("2"):
        detail = f"HTTP status {http.statusline!r}: not a page's content"
        return Drop("read", "http_status", source, detail)
    header = (http or record.rec_headers).get_header("Content-Type")
    media, charset = content_type(header)
    if media and media not in HTML_TYPES | TEXT_TYPES and kind != "conversion":
        detail = f"content type {media}: only HTML and plain text become documents"
        return Drop("read", "not_text", source, detail)
    limits = options.limits
    body = read_capped(record.content_stream(), limits.max_file_bytes)
    if body is None:
        size = f"{limits.max_file_bytes:,}"
        detail = f"a body of more than {size} bytes; {how_to_raise('max_file_bytes')}"
        return Drop("read", "too_large", source, detail)
    if not media and looks_binary(body):
        return Drop("read", "not_text", source, "no content type, and binary bytes")
    if media in HTML_TYPES or (not media and looks_like_html(body[:4096])):
        page = read_html(source.path, body, options, source=source, charset=charset)
        if isinstance(page, Document) and page.url is None and source.warc_target_uri:
            return replace(page, url=source.warc_target_uri)
        return page
    return read_text(source.path, body, source=source, charset=charset)


def content_type(value: str | None) -> tuple[str, str | None]:
    """The media type (lower case) and the charset of a ``Content-Type`` header value.

    >>> content_type('text/HTML; Charset="ISO-8859-1"')
    ('text/html', 'ISO-8859-1')
    >>> content_type(None), content_type("image/png")
    (('', None), ('image/png', None))
    """
    if not value:
        return "", None
    media, *parameters = value.split(";")
    charset = None
    for parameter in parameters:
        name, _, given = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = given.strip().strip("\"'") or None
    return media.strip().lower(), charset


def _damage(path: str, offset: int | None, exc: Exception) -> Drop:
    """The drop that ends a WARC input at ``offset``: why the rest cannot be read."""
    source = Source(path, format="warc", offset=offset)
    if isinstance(exc, DamagedStream):
        return Drop("read", "bad_compression", source, str(exc))
    if isinstance(exc, HeadersTooLong):
        detail = f"record headers longer than {HEADER_BYTES:,} bytes: not a WARC record"
        return Drop("read", "bad_warc", source, detail)
    detail = " ".join(str(exc).split()) or type(exc).__name__
    return Drop("read", "bad_warc", source, f"not a WARC record: {detail}")


def _drain(stream: BinaryIO) -> None:
    """Read what is left of a record's block, piece by piece, without holding it."""
    for _ in chunks(stream):
        pass


class Guarded:
    """The stream warcio reads: its position, a bound on header reads, damage named.

    ``tell`` counts the bytes handed out (warcio's record offsets); inside ``bounded``,
    reading more than the bound raises ``HeadersTooLong``; an archive error from the
    stream below becomes ``DamagedStream``. Each read is one read of the stream below
    (``read1``), so that a truncated archive loses only what follows the damage: a
    buffered ``read`` that meets the damage drops what it had gathered.
    """

    def __init__(self, stream: BinaryIO, position: int = 0) -> None:
        self._read = getattr(stream, "read1", stream.read)
        self._position = position
        self._left: int | None = None

    def read(self, size: int = -1) -> bytes:
        if self._left is not None and self._left <= 0:
            raise HeadersTooLong
        try:
            data = self._read(size)
        except COMPRESSION_ERRORS as exc:
            raise DamagedStream(str(exc) or type(exc).__name__) from exc
        self._position += len(data)
        if self._left is not None:
            self._left -= len(data)
        return data

    def tell(self) -> int:
        return self._position

    @contextmanager
    def bounded(self, size: int) -> Iterator[None]:
        """A context in which at most ``size`` bytes (and one read more) are read."""
        self._left = size
        try:
            yield
        finally:
            self._left = None
