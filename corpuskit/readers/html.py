"""The HTML reader: one document per web page, its text and metadata from ``corpuskit.html``.

The page is decoded honouring the charset it declares (see ``decode_bytes``). Title and
URL become the document's fields; the language the page declares in ``<html lang>`` and
its description go to ``meta`` (``declared_lang``, ``description``): the ``lang`` field is
left to language identification, which measures rather than trusts.

A page of more than ``Limits.max_html_tags`` tags is a ``too_large`` drop, decided by
counting before parsing: the parsed tree costs about a kilobyte per element. ``parser``
picks the HTML parser (``corpuskit.html.PARSERS``), recorded as ``Source.parser``; a page
beyond a limit of that parser (lxml: more than 2,048 levels deep) is a drop with the
reason the parser gives (``too_deep``), never a page with part of its text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import islice
from typing import Any

from corpuskit.document import Document, Drop, make_document
from corpuskit.errors import ParserLimitError
from corpuskit.html import Extracted, extract
from corpuskit.limits import DEFAULT_LIMITS, Limits, how_to_raise
from corpuskit.readers.decode import normalize_newlines
from corpuskit.readers.text import decode_page

#: What an HTML tokenizer takes for the start of a tag, comment or declaration.
_TAG_START = re.compile(r"<[A-Za-z/!?]")


def read_html(
    path: str, raw: bytes, limits: Limits = DEFAULT_LIMITS, parser: str = "bs4"
) -> Document | Drop:
    """The document for a web page whose (decompressed) bytes are ``raw``.

    >>> doc = read_html("a.html", b"<html lang=de><title>Hallo</title><p>Guten Tag</p>")
    >>> doc.title, doc.text, doc.meta
    ('Hallo', 'Guten Tag', {'declared_lang': 'de'})
    >>> read_html("a.html", b"<p>x</p>" * 3, Limits(max_html_tags=5)).reason
    'too_large'
    >>> read_html("a.html", b"<div>" * 3000 + b"deep", parser="lxml").reason
    'too_deep'
    """
    decoded = decode_page(path, raw, "html")
    if isinstance(decoded, Drop):
        return decoded
    markup, source = decoded
    source = replace(source, parser=parser)
    if more_tags_than(markup, limits.max_html_tags):
        detail = f"more than {limits.max_html_tags:,} tags; {how_to_raise('max_html_tags')}"
        return Drop("read", "too_large", source, detail)
    try:
        page = extract(markup, parser)
    except ParserLimitError as error:
        return Drop("read", error.reason, source, error.detail)
    text = normalize_newlines(page.text)
    # A line break the extraction kept inside a line (U+2028) splits it here: the layout
    # no longer matches the lines and the page is classified as text.
    layout = page.layout if len(page.layout) == text.count("\n") + 1 else None
    return make_document(
        text, source, title=page.title, url=page.url, meta=page_meta(page), layout=layout
    )


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


def page_meta(page: Extracted) -> dict[str, Any]:
    """The ``meta`` entries of a page: the metadata that has no ``Document`` field."""
    pairs = (("declared_lang", page.lang), ("description", page.description))
    return {key: value for key, value in pairs if value is not None}
