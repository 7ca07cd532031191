"""``extract``: a page's text, layout and declared fields from one parse (the package's
docstring, ``corpuskit.html``, tells the whole path)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from corpuskit.html.byline import markup_candidates
from corpuskit.html.content import Vocabulary
from corpuskit.html.extractors import DEFAULT_EXTRACTOR, EXTRACTORS, trafilatura_text
from corpuskit.html.fields import TITLE_SEPARATORS, PageFields, choose, printed_title
from corpuskit.html.metadata import METADATA_TAGS, declared_lang, tag_candidates
from corpuskit.html.parsers import DEFAULT_PARSER
from corpuskit.html.text import laid_out_text, stray_metadata_tags
from corpuskit.html.tree import Tree, parse
from corpuskit.html.values import clean
from corpuskit.lexicon.layout import Layout


@dataclass(frozen=True, slots=True)
class Extracted:
    """What ``extract`` finds in a page: its text and the metadata its markup declares."""

    text: str
    fields: PageFields
    layout: Layout = ()  # per line of ``text``: its ``LAYOUT_NAMES`` features
    parser: str = DEFAULT_PARSER  # the parser that built the tree (``Tree.parser``)

    @property
    def title(self) -> str | None:
        return self.fields.title

    @property
    def url(self) -> str | None:
        return self.fields.url

    @property
    def lang(self) -> str | None:
        """The language the page declares (a lowercase tag), not the one it is in."""
        return self.fields.declared_lang

    @property
    def description(self) -> str | None:
        return self.fields.description


def extract(
    markup: str, parser: str = DEFAULT_PARSER, extractor: str = DEFAULT_EXTRACTOR
) -> Extracted:
    """The text and metadata of an HTML page, parsed by ``parser`` (one of ``PARSERS``),
    its text made by ``extractor`` (one of ``EXTRACTORS``, see ``extractors``).

    Whichever extractor runs, the metadata comes from the same tree and tags, so the
    fields are the same; only ours gives a ``layout``. Never raises on malformed
    markup (a page lxml cannot build whole is parsed by bs4: ``Extracted.parser``);
    raises ``ValueError`` for an unknown parser or extractor and ``InputError`` when
    trafilatura is asked for but not installed.

    >>> page = extract(
    ...     '<html lang="EN"><head><title> A  day </title></head><body>'
    ...     '<nav>Home | News</nav><p>It was a <a href="/x">fine</a> day.</p>'
    ...     "<ul><li>one<li>two</ul><script>var x = '<p>';</script></body></html>"
    ... )
    >>> page.text, page.title, page.lang
    ('It was a fine day.\\n\\none\\ntwo', 'A day', 'en')
    >>> extract("<p>one<br>two", parser="bs4").text
    'one\\ntwo'
    """
    if extractor not in EXTRACTORS:
        raise ValueError(f"unknown extractor {extractor!r} (choose from {', '.join(EXTRACTORS)})")
    tree = parse(markup, parser)
    head = tree.find("head")
    tags = tree.find_all(head, METADATA_TAGS) if head is not None else []
    layout: Layout = ()
    if extractor == "trafilatura":
        text = trafilatura_text(markup)
        tags += stray_metadata_tags(tree)
    else:
        text, layout = laid_out_text(tree, Vocabulary.default(), tags)
    return Extracted(text, page_fields(tree, tags), layout, tree.parser)


def page_fields(tree: Tree, tags: list[Any]) -> PageFields:
    """The fields the metadata ``tags`` of ``tree`` declare, one value each
    (``fields.choose``); ``<time>`` elements and bylines only for a missing author or
    date, and the ``<h1>`` headings only for a title with a separator mark in it
    (``fields.printed_title``: the headline without the site's name)."""
    found = tag_candidates(tree, tags)
    if lang := declared_lang(tree):
        found["<html lang>"] = [lang]
    fields = choose(found)
    if fields.author is None or fields.published is None:
        fields = choose({**found, **markup_candidates(tree)})
    if fields.title is not None and any(mark in fields.title for mark in TITLE_SEPARATORS):
        headings = [clean(tree.text(h1)) for h1 in tree.find_all(tree.root, ("h1",))]
        fields = replace(fields, title=printed_title(fields.title, fields.site_name, headings))
    return fields
