"""The HTML reader: one document per web page, its text and metadata from ``corpuskit.html``.

The page is decoded honouring the charset it declares (see ``decode_text``), after the
one its HTTP header gave when it came from a WARC file. The
metadata it declares (``corpuskit.html.fields``: JSON-LD, Open Graph, Twitter, Dublin
Core, ``<meta>``, ``<time>``, bylines) fills the document's ``title``, ``author``,
``published`` and ``url``; the rest goes to ``meta``: ``modified`` (the key
``lift_metadata`` uses for "Updated ..." lines), ``site_name``, ``description`` and
``declared_lang``, the language the page says it is in. The ``lang`` field is left to
language identification, which measures rather than trusts. ``lift_metadata`` never
overwrites these fields, so what the page declares wins over what its text prints.

A page of more than ``Limits.max_html_tags`` tags is a ``too_large`` drop, decided by
counting before parsing: the parsed tree costs about a kilobyte per element.
``ReadOptions.html_parser`` picks the HTML parser (``corpuskit.html.PARSERS``), recorded
as ``Source.parser``; a page beyond a limit of that parser (lxml: more than 2,048 levels
deep) is a drop with the reason the parser gives (``too_deep``), never a page with part
of its text. ``ReadOptions.extractor`` picks what makes the text
(``corpuskit.html.EXTRACTORS``: ours, or trafilatura's), recorded as ``Source.extractor``
when it is not ours; the decoding, the limits and the metadata stay ours either way.
trafilatura's text has no layout, so the text line model judges it.

Parsing and extracting a page runs under ``Limits.time_limit`` (the run's
``time_limit``): a page over it is a ``timeout`` drop, and the run goes on. What the
parser warns about (bs4's ``XMLParsedAsHTMLWarning`` for an XHTML page, ...) is caught
there, never shown as a Python warning, and logged on the ``corpuskit`` logger at INFO
with the page's path (``corpuskit clean -v`` shows it).
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from dataclasses import replace
from itertools import islice
from typing import Any, BinaryIO

from corpuskit.document import Document, Drop, Source, make_document
from corpuskit.errors import ParserLimitError
from corpuskit.html import Extracted, extract
from corpuskit.html.extractors import DEFAULT_EXTRACTOR
from corpuskit.readers.decode import normalize_newlines
from corpuskit.readers.limits import how_to_raise, time_limit
from corpuskit.readers.options import ReadOptions
from corpuskit.readers.text import decode_page, whole_file

log = logging.getLogger(__name__)

#: The options a page is read with when none are given.
DEFAULTS = ReadOptions()

#: What an HTML tokenizer takes for the start of a tag, comment or declaration.
_TAG_START = re.compile(r"<[A-Za-z/!?]")


def html_file(path: str, stream: BinaryIO, options: ReadOptions) -> Iterator[Document | Drop]:
    """The reader of ``html`` inputs: the one page of a file (``read_html``)."""
    raw = whole_file(path, stream, options.limits.max_file_bytes, "html")
    yield raw if isinstance(raw, Drop) else read_html(path, raw, options)


def read_html(
    path: str,
    raw: bytes,
    options: ReadOptions = DEFAULTS,
    *,
    source: Source | None = None,
    charset: str | None = None,
) -> Document | Drop:
    """The document for a web page whose (decompressed) bytes are ``raw``.

    ``source`` is the provenance known already and ``charset`` the one an HTTP header
    gave (a WARC record's: see ``decode_page``); by default, a file at ``path``.

    >>> doc = read_html("a.html", b"<html lang=de><title>Hallo</title><p>Guten Tag</p>"
    ...     b'<meta name="author" content="Anna Berg"><meta name="date" content="2024-03-05">')
    >>> doc.title, doc.author, doc.published, doc.text, doc.meta
    ('Hallo', 'Anna Berg', '2024-03-05', 'Guten Tag', {'declared_lang': 'de'})
    >>> from corpuskit.readers.limits import Limits
    >>> read_html("a.html", b"<p>x</p>" * 3, ReadOptions(limits=Limits(max_html_tags=5))).reason
    'too_large'
    >>> read_html("a.html", b"<div>" * 3000 + b"deep", ReadOptions(html_parser="lxml")).reason
    'too_deep'
    """
    decoded = decode_page(path, raw, "html", source=source, charset=charset)
    if isinstance(decoded, Drop):
        return decoded
    markup, source = decoded
    return html_document(markup, source, options)


def html_document(markup: str, source: Source, options: ReadOptions = DEFAULTS) -> Document | Drop:
    """The document for a page already decoded to ``markup``, read from ``source``.

    The second half of ``read_html``, apart so that a page held as a string (a dataset
    column, a datatrove document) is read exactly as a file would be once decoded.

    >>> html_document("<title>Hallo</title><p>Guten Tag</p>", Source("<string>", "html")).title
    'Hallo'
    """
    source = replace(source, parser=options.html_parser)
    if options.extractor != DEFAULT_EXTRACTOR:  # recorded only then: records stay as they were
        source = replace(source, extractor=options.extractor)
    limit = options.limits.max_html_tags
    if more_tags_than(markup, limit):
        detail = f"more than {limit:,} tags; {how_to_raise('max_html_tags')}"
        return Drop("read", "too_large", source, detail)
    page = bounded_extract(markup, source, options)
    if isinstance(page, Drop):
        return page
    text = normalize_newlines(page.text)
    found = page.fields
    # A line break the extraction kept inside a line (U+2028) splits it here: the layout
    # no longer matches the lines and the page is classified as text, as is a page
    # whose extractor gives no layout (trafilatura).
    layout = page.layout if len(page.layout) == text.count("\n") + 1 else None
    return make_document(
        text,
        source,
        title=found.title,
        author=found.author,
        published=found.published,
        url=found.url,
        meta=page_meta(page),
        layout=layout,
    )


def bounded_extract(markup: str, source: Source, options: ReadOptions) -> Extracted | Drop:
    """``extract`` within ``options.limits.time_limit``, or the drop that says why not
    (``timeout``, or the parser's limit: ``too_deep``).

    Warnings raised meanwhile (the parsers': bs4 warns about XHTML parsed as HTML) are
    caught here and logged at INFO, naming the page: a batch run over scraped pages
    has nothing to act on in them. Catching them swaps the warning filters for the
    length of the call (``warnings.catch_warnings``, not thread-safe): readers run in
    one thread per process.
    """
    with warnings.catch_warnings(record=True, action="always") as caught:
        try:
            with time_limit(options.limits.time_limit):
                return extract(markup, options.html_parser, options.extractor)
        except ParserLimitError as error:
            return Drop("read", error.reason, source, error.detail)
        except TimeoutError as error:
            return Drop("read", "timeout", source, f"extracting the page {error}")
        finally:
            for warning in caught:
                log.info("%s: the HTML parser warned: %s", source.path, _first_line(warning))


def _first_line(warning: warnings.WarningMessage) -> str:
    """A warning's category and the first line of its message (bs4's run to 12 lines)."""
    message = str(warning.message).strip().split("\n", 1)[0]
    return f"{message} ({warning.category.__name__})"


def more_tags_than(markup: str, limit: int) -> bool:
    """Whether ``markup`` starts more than ``limit`` tags (comments and doctypes count).

    Counting stops at the limit, and every ``<`` is counted first (fast, and an upper
    bound), so a huge page costs no more than ``limit`` matches.

    >>> more_tags_than("<p>a < b</p><br>", 3), more_tags_than("<p>a < b</p><br>", 2)
    (False, True)
    """
    if markup.count("<") <= limit:
        return False
    return next(islice(_TAG_START.finditer(markup), limit, None), None) is not None


#: The page's metadata that has no ``Document`` field, in the order ``meta`` lists it.
META_FIELDS = ("modified", "site_name", "description", "declared_lang")


def page_meta(page: Extracted) -> dict[str, Any]:
    """The ``meta`` entries of a page: the metadata that has no ``Document`` field."""
    values = ((key, getattr(page.fields, key)) for key in META_FIELDS)
    return {key: value for key, value in values if value is not None}
