"""HTML metadata tags: the values a page declares in ``<title>``, ``<meta>`` and ``<link>``.

Every ``<meta>`` value is gathered under its lowercased ``property``, ``name``,
``itemprop`` or ``http-equiv`` (``"og:title"``, ``"author"``, ``"dc.creator"``,
``"datepublished"``, ``"content-language"``), the ``<title>`` text under ``"<title>"``,
``<link rel="canonical">`` under ``"canonical"`` and the ``<html lang>`` under
``"<html lang>"``; the text of JSON-LD scripts is handed to ``corpuskit.html.jsonld``.
Which of them becomes a field is ``corpuskit.html.fields``' business.
"""

from __future__ import annotations

from collections.abc import Iterable

from bs4 import BeautifulSoup
from bs4.element import Tag

from corpuskit.html.jsonld import jsonld_candidates

#: Elements that hold metadata, not text (the text of ``title`` is the title; a
#: ``script`` is never text, and may be JSON-LD), wherever they are: broken markup leaves
#: them in the body on 8 of the 696 traf-dev pages, and JSON-LD is often in the body.
METADATA_TAGS = ("title", "meta", "link", "script")

#: ``<link rel>`` values read.
LINK_RELS = frozenset({"canonical"})

#: The attributes that name a ``<meta>`` value.
META_NAMES = ("property", "name", "itemprop", "http-equiv")

JSONLD_TYPE = "application/ld+json"


def tag_candidates(tags: Iterable[Tag]) -> dict[str, list[str]]:
    """The metadata values among ``tags`` (``METADATA_TAGS``), by source key, in page order.

    >>> from bs4 import BeautifulSoup
    >>> soup = BeautifulSoup('<title>A day</title><meta property="og:title" name="title" '
    ...     'content="Day"><link rel="canonical" href="/a">', "lxml")
    >>> tag_candidates(soup.find_all(METADATA_TAGS))
    {'<title>': ['A day'], 'og:title': ['Day'], 'title': ['Day'], 'canonical': ['/a']}
    """
    found: dict[str, list[str]] = {}
    scripts: list[str] = []
    for tag in tags:
        if tag.name == "script":
            if attribute(tag, "type").strip().lower() == JSONLD_TYPE:
                scripts.append(tag.get_text())
            continue
        for key, value in _entries(tag):
            found.setdefault(key, []).append(value)
    if scripts:
        found.update(jsonld_candidates(scripts))
    return found


def declared_lang(soup: BeautifulSoup) -> str | None:
    """The language the page declares on its ``<html>`` element, as given, or None."""
    root = soup.find("html")
    if not isinstance(root, Tag):
        return None
    return attribute(root, "lang") or attribute(root, "xml:lang") or None


def attribute(tag: Tag, name: str) -> str:
    """The value of ``tag``'s attribute ``name`` as one string ("" when absent)."""
    value = tag.get(name)
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(value)


def _entries(tag: Tag) -> list[tuple[str, str]]:
    """The ``(key, value)`` pairs one ``title``/``meta``/``link`` tag holds."""
    if tag.name == "title":
        return [("<title>", tag.get_text())]
    if tag.name == "link":
        rels = LINK_RELS.intersection(attribute(tag, "rel").lower().split())
        return [(rel, attribute(tag, "href")) for rel in sorted(rels)]
    content = tag.get("content")
    if not isinstance(content, str):
        return []
    keys = (_key(attribute(tag, name)) for name in META_NAMES)
    return [(key, content) for key in dict.fromkeys(keys) if key]


def _key(name: str) -> str:
    """A ``<meta>`` name as a source key: lowercased, ``DC:date`` spelled ``dc.date``."""
    key = name.strip().lower()
    return key.replace(":", ".", 1) if key.startswith(("dc:", "dcterms:")) else key
