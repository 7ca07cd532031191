"""The HTML reader: one document per web page, its text and metadata from ``corpuskit.html``.

The page is decoded honouring the charset it declares (see ``decode_bytes``). Title and
URL become the document's fields; the language the page declares in ``<html lang>`` and
its description go to ``meta`` (``declared_lang``, ``description``): the ``lang`` field is
left to language identification, which measures rather than trusts.
"""

from __future__ import annotations

from typing import Any

from corpuskit.document import Document, Drop, make_document
from corpuskit.html import Extracted, extract
from corpuskit.readers.decode import normalize_newlines
from corpuskit.readers.text import decode_page


def read_html(path: str, raw: bytes) -> Document | Drop:
    """The document for a web page whose (decompressed) bytes are ``raw``.

    >>> doc = read_html("a.html", b"<html lang=de><title>Hallo</title><p>Guten Tag</p>")
    >>> doc.title, doc.text, doc.meta
    ('Hallo', 'Guten Tag', {'declared_lang': 'de'})
    """
    decoded = decode_page(path, raw, "html")
    if isinstance(decoded, Drop):
        return decoded
    markup, source = decoded
    page = extract(markup)
    text = normalize_newlines(page.text)
    return make_document(text, source, title=page.title, url=page.url, meta=page_meta(page))


def page_meta(page: Extracted) -> dict[str, Any]:
    """The ``meta`` entries of a page: the metadata that has no ``Document`` field."""
    pairs = (("declared_lang", page.lang), ("description", page.description))
    return {key: value for key, value in pairs if value is not None}
