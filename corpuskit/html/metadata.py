"""HTML metadata: the fields a page declares in its markup (title, canonical URL, ...)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from corpuskit.html.tree import Tree

#: Elements that hold metadata, not text (the text of ``title`` is the title), wherever
#: they are: broken markup leaves them in the body on 8 of the 696 traf-dev pages.
METADATA_TAGS = ("title", "meta", "link")

#: ``<meta>`` names and properties read, and ``<link rel>`` values.
META_KEYS = frozenset({"og:title", "og:url", "og:description", "description"})
LINK_RELS = frozenset({"canonical"})

_HTML_SPACE = re.compile(r"[ \t\n\r\f\v]+")


def metadata(tree: Tree, tags: Iterable[Any]) -> dict[str, str]:
    """The title, ``META_KEYS`` and ``LINK_RELS`` values among ``tags`` (``METADATA_TAGS``).

    The first non-empty value of each key wins; whitespace in values is collapsed.
    """
    found: dict[str, str] = {}
    for tag in tags:
        key, value = _metadata_entry(tree, tag)
        value = _HTML_SPACE.sub(" ", value).strip()
        if key and value and key not in found:
            found[key] = value
    return found


def declared_lang(tree: Tree) -> str | None:
    """The language the page declares on its ``<html>`` element, lowercased, or None."""
    root = tree.find("html")
    if root is None:
        return None
    attrs = tree.attrs(root)
    lang = (attribute(attrs, "lang") or attribute(attrs, "xml:lang")).strip().lower()
    return lang or None


def attribute(attrs: Mapping[str, Any], name: str) -> str:
    """The value of the attribute ``name`` among an element's ``attrs`` ("" when absent).

    >>> attribute({"rel": "canonical"}, "rel"), attribute({}, "rel")
    ('canonical', '')
    """
    value = attrs.get(name)
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(value)


def _metadata_entry(tree: Tree, tag: Any) -> tuple[str | None, str]:
    """The metadata key and value one ``title``/``meta``/``link`` tag holds, if any."""
    name, attrs = tree.name(tag), tree.attrs(tag)
    if name == "title":
        return "title", tree.text(tag)
    if name == "link":
        rels = LINK_RELS.intersection(attribute(attrs, "rel").lower().split())
        return (min(rels), attribute(attrs, "href")) if rels else (None, "")
    key = (attribute(attrs, "property") or attribute(attrs, "name")).strip().lower()
    return (key, attribute(attrs, "content")) if key in META_KEYS else (None, "")
