"""HTML metadata: the fields a page declares in its markup (title, canonical URL, ...)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bs4 import BeautifulSoup
from bs4.element import Tag

#: Elements that hold metadata, not text (the text of ``title`` is the title), wherever
#: they are: broken markup leaves them in the body on 8 of the 696 traf-dev pages.
METADATA_TAGS = ("title", "meta", "link")

#: ``<meta>`` names and properties read, and ``<link rel>`` values.
META_KEYS = frozenset({"og:title", "og:url", "og:description", "description"})
LINK_RELS = frozenset({"canonical"})

_HTML_SPACE = re.compile(r"[ \t\n\r\f\v]+")


def metadata(tags: Iterable[Tag]) -> dict[str, str]:
    """The title, ``META_KEYS`` and ``LINK_RELS`` values among ``tags`` (``METADATA_TAGS``).

    The first non-empty value of each key wins; whitespace in values is collapsed.
    """
    found: dict[str, str] = {}
    for tag in tags:
        key, value = _metadata_entry(tag)
        value = _HTML_SPACE.sub(" ", value).strip()
        if key and value and key not in found:
            found[key] = value
    return found


def declared_lang(soup: BeautifulSoup) -> str | None:
    """The language the page declares on its ``<html>`` element, lowercased, or None."""
    root = soup.find("html")
    if not isinstance(root, Tag):
        return None
    lang = (attribute(root, "lang") or attribute(root, "xml:lang")).strip().lower()
    return lang or None


def attribute(tag: Tag, name: str) -> str:
    """The value of ``tag``'s attribute ``name`` as one string ("" when absent)."""
    value = tag.get(name)
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(value)


def _metadata_entry(tag: Tag) -> tuple[str | None, str]:
    """The metadata key and value one ``title``/``meta``/``link`` tag holds, if any."""
    if tag.name == "title":
        return "title", tag.get_text()
    if tag.name == "link":
        rels = LINK_RELS.intersection(attribute(tag, "rel").lower().split())
        return (min(rels), attribute(tag, "href")) if rels else (None, "")
    key = (attribute(tag, "property") or attribute(tag, "name")).strip().lower()
    return (key, attribute(tag, "content")) if key in META_KEYS else (None, "")
