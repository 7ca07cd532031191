"""One page held in memory (a string or bytes) to a Document, as a file would be read.

The integrations (``clean_records``, a Hugging Face dataset column, a datatrove document)
have pages, not files. ``read_page`` reads them with the file readers' own code, so a
page cleaned from a column gives the text and fields a file of the same page gives:

- bytes are a file's raw bytes: decoded as a file is (``read_text``, ``read_html``),
  under the same size limit;
- a string is already decoded: it is hashed as UTF-8 and its encoding is not guessed
  again (``Source.encoding_from`` stays unset), as ``clean_text`` does.

A page is HTML or text as ``ReadOptions.format`` says, else as ``content`` says (as a
JSONL field's: by default HTML when it opens like a page, as a file of unknown name is
sniffed). ``with_record_fields`` gives a page read so the id and URL of the record (the
row) it came from, as the JSONL reader does (``id_field``, ``url_field``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from corpuskit.document import Document, Drop, Source, make_document, sha256_hex
from corpuskit.errors import InputError
from corpuskit.readers.decode import normalize_newlines
from corpuskit.readers.detect import SNIFF_BYTES, looks_like_html
from corpuskit.readers.html import html_document, read_html
from corpuskit.readers.jsonl import is_page, record_id, record_url
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
    ``format="html"`` extracts an HTML page's text and fields as ``read`` does,
    ``format="text"`` keeps it as text; without a format, ``content`` decides (by
    default HTML when the page opens like one).

    ``path`` and ``line`` say where the page came from (``<dataset>`` and its row
    number, say); they make the document's stable id, so give rows their own ``line``
    when two rows may hold the same page.

    >>> read_page("Hello\\r\\nworld").text
    'Hello\\nworld'
    >>> read_page(b"<title>Hallo</title><p>Guten Tag</p>", format="html").title
    'Hallo'
    >>> read_page("<!doctype html><title>Hallo</title><p>Guten Tag</p>").text
    'Guten Tag'
    """
    options = ReadOptions.of(options, **changes)
    format = page_format(options, page)
    if isinstance(page, bytes):
        return _read_bytes(page, format, path, line, options)
    raw = page.encode("utf-8", "surrogatepass")
    source = Source(path, format=format, sha256=sha256_hex(raw), line=line)
    if format == "html":
        return html_document(page, source, options)
    return make_document(normalize_newlines(page), source)


def page_format(options: ReadOptions, page: str | bytes | None = None) -> str:
    """The format of a page held in memory: the options' (``text`` or ``html``), else
    the one ``content`` gives ``page`` (None: ``html`` only if ``content`` is ``html``);
    ``InputError`` for a format that holds many pages.

    >>> page_format(ReadOptions(), "<html><p>Hi"), page_format(ReadOptions(format="text"), "<html>")
    ('html', 'text')
    """
    format = options.format
    if format is None:
        if options.content != "auto" or page is None:
            html = options.content == "html"
        elif isinstance(page, bytes):  # raw bytes: sniffed as a file's first bytes are
            html = looks_like_html(page[:SNIFF_BYTES])
        else:
            html = is_page(page, "auto")
        format = "html" if html else "text"
    if format not in PAGE_FORMATS:
        raise InputError(f"a page is text or html, not {format!r}")
    return format


def with_record_fields(
    result: Document | Drop, record: Mapping[str, object], options: ReadOptions
) -> Document | Drop:
    """``result``, read from a page of ``record`` (a dataset row, a datatrove document),
    with the record's id and URL as the JSONL reader gives them: ``id_field`` the id
    (of the drop too), ``url_field`` the URL unless the page declares its own.

    >>> doc = read_page("Guten Tag")
    >>> doc = with_record_fields(doc, {"id": 7, "url": "https://ex.org/a"}, ReadOptions())
    >>> doc.id, doc.url
    ('7', 'https://ex.org/a')
    """
    doc_id = record_id(record, options.id_field)
    if isinstance(result, Drop):
        return replace(result, input_id=doc_id) if doc_id is not None else result
    url = result.url or record_url(record, options.url_field)
    if (doc_id is None or doc_id == result.id) and url == result.url:
        return result
    return replace(result, id=doc_id or result.id, url=url)


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
