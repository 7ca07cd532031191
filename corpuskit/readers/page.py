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

from corpuskit.document import Document, Drop, Source, make_document, sha256_hex
from corpuskit.errors import InputError
from corpuskit.html.extractors import DEFAULT_EXTRACTOR
from corpuskit.readers import check_options
from corpuskit.readers.decode import normalize_newlines
from corpuskit.readers.html import html_document, read_html
from corpuskit.readers.limits import DEFAULT_LIMITS, Limits, how_to_raise
from corpuskit.readers.text import read_text

#: The formats a page held in memory can have (``jsonl`` and ``warc`` hold many pages).
PAGE_FORMATS = ("text", "html")


def read_page(
    page: str | bytes,
    *,
    format: str = "text",
    path: str = "<string>",
    line: int | None = None,
    parser: str = "bs4",
    limits: Limits = DEFAULT_LIMITS,
    extractor: str = DEFAULT_EXTRACTOR,
) -> Document | Drop:
    """The document for one page in ``format`` (``text`` or ``html``; an HTML page's
    text made by ``extractor``, as ``read`` makes it).

    ``path`` and ``line`` say where the page came from (``<dataset>`` and its row
    number, say); they make the document's stable id, so give rows their own ``line``
    when two rows may hold the same page.

    >>> read_page("Hello\\r\\nworld").text
    'Hello\\nworld'
    >>> read_page(b"<title>Hallo</title><p>Guten Tag</p>", format="html").title
    'Hallo'
    """
    check_page_options(format, parser, extractor)
    if isinstance(page, bytes):
        return _read_bytes(page, format, path, line, parser, limits, extractor)
    raw = page.encode("utf-8", "surrogatepass")
    source = Source(path, format=format, sha256=sha256_hex(raw), line=line)
    if format == "html":
        return html_document(page, source, limits, parser, extractor)
    return make_document(normalize_newlines(page), source)


def check_page_options(format: str, parser: str, extractor: str = DEFAULT_EXTRACTOR) -> None:
    """Raise ``InputError`` for a format, an HTML parser or an extractor ``read_page``
    does not know (or whose package is missing)."""
    if format not in PAGE_FORMATS:
        raise InputError(f"unknown page format {format!r} (choose from text, html)")
    check_options(None, parser, extractor)


def _read_bytes(
    raw: bytes,
    format: str,
    path: str,
    line: int | None,
    parser: str,
    limits: Limits,
    extractor: str = DEFAULT_EXTRACTOR,
) -> Document | Drop:
    source = Source(path, format=format, line=line)
    if len(raw) > limits.max_file_bytes:
        detail = f"more than {limits.max_file_bytes:,} bytes; {how_to_raise('max_file_bytes')}"
        return Drop("read", "too_large", source, detail)
    if format == "html":
        return read_html(path, raw, limits, parser, extractor, source=source)
    return read_text(path, raw, source=source)
