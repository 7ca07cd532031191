"""One page held in memory (a string or bytes) to a Document, as a file would be read.

The integrations (``clean_records``, a Hugging Face dataset column, a datatrove document)
have pages, not files. ``read_page`` reads them with the file readers' own code, so a
page cleaned from a column gives the text and fields a file of the same page gives:

- bytes are a file's raw bytes: decoded as a file is (``read_text``, ``read_html``),
  under the same size limit;
- a string is already decoded: it is hashed as UTF-8 and its encoding is not guessed
  again (``Source.encoding_from`` stays unset), as ``clean_text`` does.
"""

from __future__ import annotations

from typing import Any

from corpuskit.document import Document, Drop, Source, make_document, sha256_hex
from corpuskit.errors import InputError
from corpuskit.readers.decode import normalize_newlines
from corpuskit.readers.html import html_document, read_html
from corpuskit.readers.limits import how_to_raise
from corpuskit.readers.options import ReadOptions
from corpuskit.readers.text import read_text

#: The formats a page held in memory can have (``jsonl`` and ``warc`` hold many pages);
#: a page whose options name no format is text.
PAGE_FORMATS = ("text", "html")


def read_page(
    page: str | bytes,
    options: ReadOptions | None = None,
    /,
    *,
    path: str = "<string>",
    line: int | None = None,
    **changes: Any,
) -> Document | Drop:
    """The document for one page, read as ``options`` (and keyword ``changes``) say:
    ``format="html"`` extracts an HTML page's text and fields as ``read`` does; text by
    default.

    ``path`` and ``line`` say where the page came from (``<dataset>`` and its row
    number, say); they make the document's stable id, so give rows their own ``line``
    when two rows may hold the same page.

    >>> read_page("Hello\\r\\nworld").text
    'Hello\\nworld'
    >>> read_page(b"<title>Hallo</title><p>Guten Tag</p>", format="html").title
    'Hallo'
    """
    options = ReadOptions.of(options, **changes)
    format = page_format(options)
    if isinstance(page, bytes):
        return _read_bytes(page, format, path, line, options)
    raw = page.encode("utf-8", "surrogatepass")
    source = Source(path, format=format, sha256=sha256_hex(raw), line=line)
    if format == "html":
        return html_document(page, source, options)
    return make_document(normalize_newlines(page), source)


def page_format(options: ReadOptions) -> str:
    """The format of a page held in memory: the options' (``text`` or ``html``), else
    text; ``InputError`` for a format that holds many pages."""
    format = options.format or "text"
    if format not in PAGE_FORMATS:
        raise InputError(f"a page is text or html, not {format!r}")
    return format


def _read_bytes(
    raw: bytes, format: str, path: str, line: int | None, options: ReadOptions
) -> Document | Drop:
    source = Source(path, format=format, line=line)
    limit = options.limits.max_file_bytes
    if len(raw) > limit:
        detail = f"more than {limit:,} bytes; {how_to_raise('max_file_bytes')}"
        return Drop("read", "too_large", source, detail)
    if format == "html":
        return read_html(path, raw, options, source=source)
    return read_text(path, raw, source=source)
