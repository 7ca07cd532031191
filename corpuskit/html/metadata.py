"""HTML metadata tags: the values a page declares in ``<title>``, ``<meta>`` and ``<link>``.

Every ``<meta>`` value is gathered under its lowercased ``property``, ``name``,
``itemprop`` or ``http-equiv`` (``"og:title"``, ``"author"``, ``"dc.creator"``,
``"datepublished"``, ``"content-language"``), the ``<title>`` text under ``"<title>"``,
``<link rel="canonical">`` under ``"canonical"`` and the ``<html lang>`` under
``"<html lang>"``; the text of JSON-LD scripts is handed to ``corpuskit.html.jsonld``.
Which of them becomes a field is ``corpuskit.html.fields``' business.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from corpuskit.html.jsonld import jsonld_candidates
from corpuskit.html.tree import Tree

#: Elements that hold metadata, not text (the text of ``title`` is the title; a
#: ``script`` is never text, and may be JSON-LD), wherever they are: broken markup leaves
#: them in the body on 8 of the 696 traf-dev pages, and JSON-LD is often in the body.
METADATA_TAGS = ("title", "meta", "link", "script")

#: ``<link rel>`` values read.
LINK_RELS = frozenset({"canonical"})

#: The attributes that name a ``<meta>`` value.
META_NAMES = ("property", "name", "itemprop", "http-equiv")
#: Of those, the ones whose value is a space-separated list of names (RDFa ``property``,
#: microdata ``itemprop``): ``property="og:title dc:title"`` names both.
LIST_NAMES = frozenset({"property", "itemprop"})

JSONLD_TYPE = "application/ld+json"


def tag_candidates(tree: Tree, tags: Iterable[Any]) -> dict[str, list[str]]:
    """The metadata values among ``tags`` (``METADATA_TAGS``), by source key, in page order.

    >>> from corpuskit.html.tree import parse
    >>> tree = parse('<title>A day</title><meta property="og:title dc:title" '
    ...     'content="Day"><link rel="canonical" href="/a">')
    >>> tag_candidates(tree, tree.find_all(tree.root, METADATA_TAGS))
    {'<title>': ['A day'], 'og:title': ['Day'], 'dc.title': ['Day'], 'canonical': ['/a']}
    """
    found: dict[str, list[str]] = {}
    scripts: list[str] = []
    for tag in tags:
        if tree.name(tag) == "script":
            if attribute(tree.attrs(tag), "type").strip().lower() == JSONLD_TYPE:
                scripts.append(strings(tree, tag))
            continue
        for key, value in _entries(tree, tag):
            found.setdefault(key, []).append(value)
    if scripts:
        found.update(jsonld_candidates(scripts))
    return found


def declared_lang(tree: Tree) -> str | None:
    """The language the page declares on its ``<html>`` element, as given, or None."""
    root = tree.find("html")
    if root is None:
        return None
    attrs = tree.attrs(root)
    return attribute(attrs, "lang") or attribute(attrs, "xml:lang") or None


def attribute(attrs: Mapping[str, Any], name: str) -> str:
    """The value of the attribute ``name`` among an element's ``attrs`` ("" when absent).

    >>> attribute({"rel": "canonical"}, "rel"), attribute({}, "rel")
    ('canonical', '')
    """
    value = attrs.get(name)
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(value)


def strings(tree: Tree, node: Any) -> str:
    """Every string directly inside ``node``, of any kind (a script's code, say)."""
    return "".join(child for child in tree.children(node) if isinstance(child, str))


def _entries(tree: Tree, tag: Any) -> list[tuple[str, str]]:
    """The ``(key, value)`` pairs one ``title``/``meta``/``link`` tag holds."""
    name, attrs = tree.name(tag), tree.attrs(tag)
    if name == "title":
        return [("<title>", tree.text(tag))]
    if name == "link":
        rels = LINK_RELS.intersection(attribute(attrs, "rel").lower().split())
        return [(rel, attribute(attrs, "href")) for rel in sorted(rels)]
    content = attrs.get("content")
    if not isinstance(content, str):
        return []
    keys = (_key(name) for key in META_NAMES for name in _names(attribute(attrs, key), key))
    return [(key, content) for key in dict.fromkeys(keys) if key]


def _names(value: str, attribute: str) -> list[str]:
    """The names one attribute of a ``<meta>`` gives (``LIST_NAMES`` hold several).

    >>> _names("og:title  dc:title", "property"), _names("Author Name", "name")
    (['og:title', 'dc:title'], ['Author Name'])
    """
    return value.split() if attribute in LIST_NAMES else [value]


def _key(name: str) -> str:
    """A ``<meta>`` name as a source key: lowercased, ``DC:date`` spelled ``dc.date``."""
    key = name.strip().lower()
    return key.replace(":", ".", 1) if key.startswith(("dc:", "dcterms:")) else key
