"""HTML to text and metadata: a page's readable text, line by line, and its declared fields.

``extract`` parses a page once (``tree.parse``: libxml2's own tree through lxml by
default, beautifulsoup4's for a page libxml2 cannot build whole or on request, behind
the same node API) and hands the tree to ``text.laid_out_text`` for
the readable text and what the markup says about each of its lines (``layout``: link
share, junk and content vocabulary around it, the main container, see ``content.py`` and
``layout.py``). The metadata tags of the head, and those the text walk meets in the body
(``METADATA_TAGS``: JSON-LD scripts among them), become candidate values (``metadata``,
``jsonld``), of which ``fields.choose`` keeps one per field. Only when they name no
author or no publication date is the tree searched once more, for ``<time>`` elements
and bylines (``byline``). With the ``trafilatura`` extractor (``extractors``), trafilatura
makes the text instead, and a walk that only collects those metadata tags
(``text.stray_metadata_tags``) stands in for the text walk, so the fields are the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpuskit.html.extractors import EXTRACTORS
from corpuskit.html.parsers import PARSERS
from corpuskit.lazy import lazy_names

if TYPE_CHECKING:
    from corpuskit.html.extraction import Extracted, extract, page_fields
    from corpuskit.html.fields import PageFields
    from corpuskit.html.text import TextSizes, body_text
    from corpuskit.html.tree import Tree, parse
    from corpuskit.lexicon.layout import LAYOUT_NAMES, Layout

__all__ = [
    "EXTRACTORS",
    "LAYOUT_NAMES",
    "PARSERS",
    "Extracted",
    "Layout",
    "PageFields",
    "TextSizes",
    "Tree",
    "body_text",
    "extract",
    "page_fields",
    "parse",
]

#: Where each name lives: imported on first use, so that reading options (which name
#: the parsers and extractors) and text pages never load a parser (lxml, bs4).
_HOMES = {
    "Extracted": "corpuskit.html.extraction",
    "extract": "corpuskit.html.extraction",
    "page_fields": "corpuskit.html.extraction",
    "PageFields": "corpuskit.html.fields",
    "TextSizes": "corpuskit.html.text",
    "body_text": "corpuskit.html.text",
    "Tree": "corpuskit.html.tree",
    "parse": "corpuskit.html.tree",
    "LAYOUT_NAMES": "corpuskit.lexicon.layout",
    "Layout": "corpuskit.lexicon.layout",
}


#: The public objects of ``_HOMES``, each imported from its module on first use.
__getattr__ = lazy_names(__name__, _HOMES, globals())
