"""JSON-LD metadata: what a page's ``<script type="application/ld+json">`` says about it.

Publishers describe a page for search engines in schema.org terms: a ``NewsArticle`` (or
``Article``, ``BlogPosting``, ...) with ``headline``, ``author``, ``datePublished``,
``dateModified`` and ``publisher``, often beside a ``WebPage`` and a ``WebSite``, either
as separate objects, a list, or one ``@graph`` whose nodes point at each other by
``@id`` (Yoast's WordPress output: the article's author is ``{"@id": ".../#/person/1"}``
and the ``Person`` with that ``@id`` carries the name).

The article node speaks for the page, and a ``WebPage`` node fills what it lacks; a
``WebPage``'s ``name`` is not taken for the title (it is the ``<title>``, site name
included). Nodes nested inside others (an ``ItemList`` of related articles) are not
the page. Scripts that are not valid JSON get repairs that cost nothing when not
needed (the wrappers of pages written for old parsers, ``//<![CDATA[ ... //]]>``,
``/*<![CDATA[*/``, ``<!-- ... -->``; control characters in strings, a trailing ``;``,
trailing commas) and are otherwise skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

#: Source keys this module fills (see ``corpuskit.html.fields.PRECEDENCE``).
PREFIX = "json-ld:"

#: schema.org types of a page's main content: any type ending in ``ARTICLE_ENDINGS``
#: (``NewsArticle``, ``ReportageNewsArticle``, ``BlogPosting``, ...), else one of
#: ``OTHER_MAIN_TYPES``. Any type ending in ``PAGE_ENDINGS`` is the page itself.
ARTICLE_ENDINGS = ("Article", "Posting")
OTHER_MAIN_TYPES = frozenset({"Report", "Recipe", "Review"})
PAGE_ENDINGS = ("Page",)

_TRAILING_COMMA = re.compile(r",\s*([\]}])")
#: What may stand before the JSON of a script: the openings of CDATA and comment
#: wrappers, and the comment marks that hide them from scripts (``//``, ``/* */``).
#: Anything after the JSON value is ignored (``raw_decode``), so the closings need no
#: pattern. One character or token at a time, anchored: linear.
_WRAPPER_START = re.compile(r"(?:\s|//|/\*|\*/|<!\[CDATA\[|<!--|-->|>)*")


def jsonld_candidates(scripts: Iterable[str]) -> dict[str, list[str]]:
    """The metadata values of a page's JSON-LD ``scripts``, by source key.

    >>> found = jsonld_candidates(['{"@graph": ['
    ...     '{"@type": "NewsArticle", "headline": "Ice", "author": {"@id": "#ana"},'
    ...     ' "datePublished": "2024-03-05T08:00:00+01:00", "publisher": {"name": "Gazette"}},'
    ...     '{"@type": "Person", "@id": "#ana", "name": "Ana Ruiz"}]}'])
    >>> found["json-ld:title"], found["json-ld:author"], found["json-ld:site_name"]
    (['Ice'], ['Ana Ruiz'], ['Gazette'])
    """
    nodes = [node for script in scripts for node in _nodes(_parse(script))]
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    article = next((n for n in nodes if _is_type(n, ARTICLE_ENDINGS)), None) or next(
        (n for n in nodes if _is_type(n, (), OTHER_MAIN_TYPES)), None
    )
    page = next((n for n in nodes if _is_type(n, PAGE_ENDINGS)), None)
    site = next((n for n in nodes if _is_type(n, (), frozenset({"WebSite"}))), None)
    found: dict[str, list[str]] = {}
    if site is not None:  # the site's own name, before the article's publisher
        _add(found, {"site_name": _texts(site.get("name"))})
    for main in (article, page):
        if main is not None:
            _add(found, _fields(main, by_id, title_from_name=main is article))
    return {PREFIX + key: values for key, values in found.items() if values}


def _parse(script: str) -> Any:
    """The JSON value of ``script``, repaired if need be; None if it is not JSON.

    >>> _parse('//<![CDATA[\\n{"headline": "Ice"}\\n//]]>')
    {'headline': 'Ice'}
    >>> _parse('<!--\\n[{"a": 1},]\\n-->'), _parse("var x = 1;")
    ([{'a': 1}], None)
    """
    wrapper = _WRAPPER_START.match(script)
    start = wrapper.end() if wrapper else 0
    text = script[start:].strip().rstrip(";").strip()
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.JSONDecoder(strict=False).raw_decode(attempt)[0]
        except ValueError:
            continue
    return None


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    """The top-level objects of a JSON-LD value: the value, list items, ``@graph`` nodes."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if not isinstance(item, dict):
            continue
        graph = item.get("@graph")
        if "@type" in item:
            yield item
        if isinstance(graph, list):
            yield from (node for node in graph if isinstance(node, dict))


def _is_type(
    node: dict[str, Any], endings: tuple[str, ...], names: frozenset[str] = frozenset()
) -> bool:
    """Whether one of ``node``'s types is in ``names`` or ends with one of ``endings``."""
    types = node.get("@type")
    for name in types if isinstance(types, list) else [types]:
        if isinstance(name, str):
            name = name.rsplit("/", 1)[-1].rsplit(":", 1)[-1]  # "schema:NewsArticle"
            if name in names or (endings and name.endswith(endings)):
                return True
    return False


def _fields(
    node: dict[str, Any], by_id: dict[str, dict[str, Any]], title_from_name: bool
) -> dict[str, list[str]]:
    """The metadata fields of one main node, references to other nodes resolved."""
    title = _texts(node.get("headline")) or (_texts(node.get("name")) if title_from_name else [])
    publisher = _resolve(node.get("publisher"), by_id)
    return {
        "title": title,
        "author": _names(node.get("author"), by_id) or _names(node.get("creator"), by_id),
        "published": _texts(node.get("datePublished")) or _texts(node.get("dateCreated")),
        "modified": _texts(node.get("dateModified")),
        "url": _texts(node.get("url")) + _urls(node.get("mainEntityOfPage")),
        "description": _texts(node.get("description")),
        "site_name": _texts(publisher.get("name")) if isinstance(publisher, dict) else [],
        "declared_lang": _texts(node.get("inLanguage")),
    }


def _names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    """The names of an ``author``: a string, an object (maybe a reference) or a list."""
    names: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        item = _resolve(item, by_id)
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            names.extend(_texts(item.get("name")))
    return names


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    """The node a ``{"@id": ...}`` reference points at (itself when not found)."""
    if isinstance(value, dict) and isinstance(value.get("@id"), str) and "name" not in value:
        return by_id.get(value["@id"], value)
    return value


def _urls(value: Any) -> list[str]:
    """The URL of ``mainEntityOfPage``: a string or a ``WebPage`` object's ``@id``/``url``."""
    if isinstance(value, dict):
        return _texts(value.get("@id")) + _texts(value.get("url"))
    return _texts(value)


def _texts(value: Any) -> list[str]:
    """The strings of a property value: one string, or the strings of a list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _add(found: dict[str, list[str]], fields: dict[str, list[str]]) -> None:
    """Add the ``fields`` that ``found`` lacks: the node added first speaks for the page."""
    for key, values in fields.items():
        if values and not found.get(key):
            found[key] = values
