"""The parsed page as the extraction walks see it: a small node API over two parsers.

``parse(markup, parser)`` builds a ``Tree``: the page's document node and the few
operations the walks of ``content.py``, ``text.py``, ``layout.py`` and ``metadata.py``
use (an element's name, attributes, parent, and its children in order). Both parsers
run libxml2's HTML parser, so they build the same tree nearly always (docs/html.md):

``lxml`` (the default)
    ``lxml.etree.HTMLParser`` builds libxml2's own tree (about 1.5 ms a page). libxml2
    builds no tree deeper than ``LXML_MAX_DEPTH`` elements, and stops there: a page it
    cannot build whole (a fatal error, or a tree with much less text than the markup,
    ``looks_truncated``) is parsed again with bs4, so nothing below is lost.
``bs4``
    ``BeautifulSoup(markup, "lxml")``: libxml2 sends events, bs4 builds Python objects
    from them (about 19 ms a traf-dev page). Any depth, any size.

Children are elements (any object that is not a ``str``) and strings, whose type says
what they are, the way bs4 says it: page text, comments, CDATA, processing
instructions, the code inside ``script``/``style``/``template`` and the annotations
inside ``rt``/``rp``. ``Tree.text_types`` are the strings laid out as text and
``Tree.counted_types`` those counted as the page's characters (bs4's ``get_text``).

>>> [parse("<p>a<!--b-->c</p>", parser).text(parse("<p>a<!--b-->c</p>", parser).root)
...  for parser in PARSERS]
['ac', 'ac']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from itertools import islice
from operator import attrgetter, methodcaller
from types import MappingProxyType
from typing import Any, TypeVar

from lxml import etree

from corpuskit.html.parsers import DEFAULT_PARSER, PARSERS

#: libxml2 builds no tree deeper than this with ``huge_tree`` (256 without it): the
#: parse stops there, and the rest of the page would be lost.
LXML_MAX_DEPTH = 2048


@dataclass(frozen=True, slots=True)
class Tree:
    """A parsed page: ``root`` (the document node) and how to look at its nodes.

    ``parser`` is the parser that built it: ``bs4`` for a page the ``lxml`` parser
    handed over because libxml2 could not build its tree whole.

    ``name``, ``attrs``, ``parent`` and ``children`` are plain callables (the walks call
    them per node, so bs4's are C-level attribute getters). ``parent`` of the top
    element is the document (bs4) or None (lxml); neither ever scores as content.
    ``elements`` gives the elements under a node in document order (the node itself
    left out): lxml's own iteration in C, a walk over ``children`` for bs4; ``named``
    those of them with one of some names (``find_all``), by libxml2's iteration with
    its name filter for lxml.
    """

    parser: str
    root: Any
    name: Callable[[Any], str]
    attrs: Callable[[Any], Mapping[str, str]]
    parent: Callable[[Any], Any]
    children: Callable[[Any], Sequence[Any]]
    text_types: frozenset[type]
    counted_types: frozenset[type]
    elements: Callable[[Any], Iterable[Any]]
    named: Callable[[Any, tuple[str, ...]], Iterable[Any]]

    def text(self, node: Any, separator: str = "") -> str:
        """The text under ``node``: its counted strings joined by ``separator`` (bs4's
        ``get_text(separator)``)."""
        counted, parts = self.counted_types, []
        pending = [node]
        while pending:
            item = pending.pop()
            if not isinstance(item, str):
                pending.extend(reversed(self.children(item)))
            elif type(item) in counted:
                parts.append(item)
        return separator.join(parts)

    def find_all(self, node: Any, names: Iterable[str], first: bool = False) -> list[Any]:
        """The elements under ``node`` named one of ``names``, in document order (the
        first alone with ``first``; ``node`` itself left out).

        The first is found by a walk that stops there: lxml's filtered iteration looks
        for the next match as it gives one, so it would go through the rest of the page.
        """
        if first:
            return list(islice(walk_named(self.name, self.children, node, tuple(names)), 1))
        return list(self.named(node, tuple(names)))

    def find(self, name: str) -> Any | None:
        """The first element named ``name`` in the page, or None."""
        found = self.find_all(self.root, (name,), first=True)
        return found[0] if found else None


def parse(markup: str, parser: str = DEFAULT_PARSER) -> Tree:
    """The tree of ``markup`` built by ``parser`` (one of ``PARSERS``); with ``lxml``,
    by bs4 when libxml2 cannot build it whole (``Tree.parser`` says which).

    Raises ``ValueError`` for an unknown parser.

    >>> [parse("<div>" * 3000 + "deep", parser).parser for parser in PARSERS]
    ['bs4', 'bs4']
    """
    if parser == "bs4":
        return bs4_tree(markup)
    if parser == "lxml":
        tree = lxml_tree(markup)
        return bs4_tree(markup) if tree is None else tree
    raise ValueError(f"unknown HTML parser {parser!r} (choose from {', '.join(PARSERS)})")


# --- bs4 ------------------------------------------------------------------------------------


def bs4_tree(markup: str) -> Tree:
    """The tree beautifulsoup4 builds with lxml's parser.

    bs4 is imported here, with the first page that needs it: a run with the default
    parser may never load it (a tenth of a CPU-second in every worker).
    """
    from bs4 import BeautifulSoup
    from bs4.element import CData, NavigableString

    # Attribute values stay plain strings: splitting ``class`` lists took a seventh of the
    # parse time on traf-dev, and only ``rel`` and ``role`` are read as token lists.
    soup = BeautifulSoup(markup, "lxml", multi_valued_attributes=None)
    return Tree(
        parser="bs4",
        root=soup,
        name=attrgetter("name"),
        attrs=attrgetter("attrs"),
        parent=attrgetter("parent"),
        children=attrgetter("contents"),
        text_types=_bs4_text(),
        counted_types=frozenset({NavigableString, CData}),
        elements=partial(walk_elements, attrgetter("contents")),
        named=partial(walk_named, attrgetter("name"), attrgetter("contents")),
    )


def walk_elements(children: Callable[[Any], Sequence[Any]], top: Any) -> Iterator[Any]:
    """The elements under ``top`` in document order, found through ``children``."""
    pending = [child for child in reversed(children(top)) if not isinstance(child, str)]
    while pending:
        element = pending.pop()
        yield element
        pending.extend(c for c in reversed(children(element)) if not isinstance(c, str))


def walk_named(
    name: Callable[[Any], str],
    children: Callable[[Any], Sequence[Any]],
    top: Any,
    names: tuple[str, ...],
) -> Iterator[Any]:
    """The elements under ``top`` named one of ``names``, in document order, found
    through ``children`` (the definition ``lxml_named`` is tested against)."""
    wanted = frozenset(names)
    pending = list(reversed(children(top)))
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            continue
        if name(item) in wanted:
            yield item
        pending.extend(reversed(children(item)))


@cache
def _bs4_text() -> frozenset[type]:
    """bs4's strings laid out as text: all but comments, CDATA, declarations and their
    kin (``PreformattedString``); code and ruby strings only sit in skipped elements."""
    from bs4.element import (
        NavigableString,
        RubyParenthesisString,
        RubyTextString,
        Script,
        Stylesheet,
        TemplateString,
    )

    kinds = (NavigableString, Script, Stylesheet, TemplateString, RubyTextString)
    return frozenset({*kinds, RubyParenthesisString})


# --- lxml -----------------------------------------------------------------------------------


class Comment(str):
    """A comment's text (libxml2 2.14 also turns CDATA sections and ``<?...?>`` in HTML
    into comments, as bs4 shows them too)."""


class ProcessingInstruction(str):
    """A processing instruction, as older libxml2 versions keep them."""


class CData(str):
    """A CDATA section: counted as text, never laid out (as bs4 counts its ``CData``)."""


class CodeString(str):
    """Text inside ``script``, ``style`` or ``template`` (bs4: ``Script`` and kin)."""


class RubyString(str):
    """Text inside ``rt`` or ``rp``: laid out, not counted (bs4: ``RubyTextString``)."""


#: The elements whose strings have their own type, as in bs4 (the innermost one counts).
_CONTAINERS: dict[str, type[str]] = {
    "script": CodeString,
    "style": CodeString,
    "template": CodeString,
    "rt": RubyString,
    "rp": RubyString,
}

#: Elements inside which whitespace is kept as it is (bs4 reduces any other string of
#: only ASCII whitespace to one newline, if it holds one, or one space).
_PRESERVING = ("pre", "textarea")
_ASCII_SPACES = " \n\t\f\r"

#: The class of libxml2's elements with lxml's default lookup (its comments and
#: processing instructions have their own): an element of it needs no look at its
#: ``tag``, which lxml makes a new string for on every ask. Another class (a lookup
#: set process-wide) is judged by its ``tag``, as any node was.
_ELEMENT = etree._Element

_NODE_STRINGS: dict[Any, type[str]] = {
    etree.Comment: Comment,
    etree.ProcessingInstruction: ProcessingInstruction,
}


_Value = TypeVar("_Value")


class _Document:
    """The document node of an lxml tree: its top-level nodes, and every element kept
    alive (in document order; no comments or processing instructions), so that ``id()``
    of an element stays its identity while the tree is walked (lxml makes a new Python
    proxy for a node whose last one was freed)."""

    tag = "[document]"
    attrib: Mapping[str, str] = {}

    def __init__(self, top: list[Any], elements: list[Any]) -> None:
        self.top = top
        self.elements = elements


class _Made(dict[Any, _Value]):
    """A dictionary that makes a missing value with ``make(key)`` and keeps it."""

    def __init__(self, make: Callable[[Any], _Value]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: Any) -> _Value:
        value = self[key] = self._make(key)
        return value


def lxml_tree(markup: str) -> Tree | None:
    """The tree lxml's HTML parser builds, or None if it cannot build it whole.

    The markup goes in as UTF-8 bytes with the encoding given, so a charset the page
    declares (decoding already honoured it) changes nothing. libxml2's HTML parser
    expands no entity of a DTD, loads nothing (``no_network``) and, with ``huge_tree``,
    takes text nodes of any size the file limit allows.
    """
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True, no_network=True)
    root = etree.fromstring(markup.encode("utf-8", "replace"), parser)
    if _stopped(parser) or looks_truncated(markup, _text_chars(root)):
        return None
    document = _Document(*_top_level(root))
    # Each element's children, made at once for every element (the walks ask for all of
    # them, some thrice), looked up by the element itself: the document keeps every
    # element's proxy alive, so an element is one key, and ``__getitem__`` of a dict
    # is no Python call (2,700 asks a page).
    containers = _string_types(document.top)
    preserving = _inside(document.top, _PRESERVING)

    def children_of(node: Any) -> list[Any]:  # a node not of this page's elements
        if node.__class__ is _Document:
            return node.top
        if node.__class__ is not _ELEMENT and node.tag.__class__ is not str:
            raise KeyError(node)  # a comment or processing instruction has no children
        return _children_lists((node,), containers, preserving)[node]

    made = _Made(children_of)
    attributes = _Made(_attributes)  # read once per element: the walks' ``attrs``
    made.update(_children_lists(document.elements, containers, preserving, attributes))
    made[document] = document.top
    attributes[document] = document.attrib

    return Tree(
        parser="lxml",
        root=document,
        name=attrgetter("tag"),
        attrs=attributes.__getitem__,
        parent=methodcaller("getparent"),
        children=made.__getitem__,
        text_types=frozenset({str, RubyString, CodeString}),
        counted_types=frozenset({str, CData}),
        elements=elements_under,
        named=lxml_named,
    )


def _attributes(node: Any) -> Mapping[str, str]:
    """The attributes of an lxml element as a dictionary (none: one shared empty one).

    lxml's ``attrib`` is a new proxy on every ask, and each lookup in it makes the
    strings again; the walks ask an element's attributes up to four times (its marks,
    its role, the byline test, the named container), so they are read once. libxml2's
    HTML parser keeps the first of a repeated attribute only, so the dictionary holds
    what ``attrib`` does.
    """
    items = node.items()
    return dict(items) if items else _NO_ATTRIBUTES


#: The attributes of an element that has none (read-only: one for every such element).
_NO_ATTRIBUTES: Mapping[str, str] = MappingProxyType({})


def _children_lists(
    elements: Iterable[Any],
    containers: Mapping[int, type[str]],
    preserving: Container[int],
    attributes: dict[Any, Mapping[str, str]] | None = None,
) -> dict[Any, list[Any]]:
    """The children of each lxml element of ``elements`` (elements only: libxml2's
    ``iter(etree.Element)``): its elements, and its text, tails, comments and
    processing instructions as strings of their types (``containers``: the string type
    inside a ``_CONTAINERS`` element, by ``id()``; whitespace is kept as it is inside
    the ``preserving`` elements). Each element's attributes go into ``attributes`` on
    the way, when given (``_attributes``).

    One loop over the page's elements, with no call per element.
    """
    made: dict[Any, list[Any]] = {}
    for node in elements:
        # What the strings of ``node`` become is the same for all of them: asked once.
        key, out = id(node), []
        kind, keep = containers.get(key), key in preserving
        if attributes is not None:  # ``_attributes``, inlined: once per element
            items = node.items()
            attributes[node] = dict(items) if items else _NO_ATTRIBUTES
        text = node.text
        for child in (*node, None):  # each child after the text before it; None: the end
            if text:
                if not keep and text[0] in _ASCII_SPACES and not text.strip(_ASCII_SPACES):
                    text = "\n" if "\n" in text else " "
                out.append(text if kind is None else kind(text))
            if child is None:
                break
            if child.__class__ is _ELEMENT or (tag := child.tag).__class__ is str:
                out.append(child)
            else:
                out.append(_NODE_STRINGS.get(tag, Comment)(child.text or ""))
            text = child.tail
        made[node] = out
    return made


def elements_under(node: Any) -> Iterable[Any]:
    """The elements under ``node`` of an lxml tree, in document order: libxml2's own
    iteration (comments and processing instructions left out), no Python walk."""
    if node.__class__ is _Document:
        return iter(node.elements)
    inside: Iterator[Any] = node.iter(etree.Element)
    next(inside)  # ``node`` itself
    return inside


def lxml_named(node: Any, names: tuple[str, ...]) -> Iterator[Any]:
    """The elements under ``node`` of an lxml tree named one of ``names``, in document
    order: libxml2's iteration with its name filter (``walk_named``'s answer, without
    a Python step per element; ``find_all`` of the head's metadata tags and of the
    page's ``h1`` headings was a third of a millisecond a page each)."""
    if not names:  # ``iter()`` would give every node
        return
    if node.__class__ is _Document:
        for top in node.top:
            if not isinstance(top, str):
                yield from top.iter(*names)
        return
    inside = node.iter(*names)
    for element in inside:
        if element is not node:
            yield element


def _stopped(parser: etree.HTMLParser) -> bool:
    """Whether libxml2 stopped before the end of the page.

    In recovery mode libxml2 reports broken markup as errors and goes on; only a fatal
    error (a resource limit: nesting deeper than ``LXML_MAX_DEPTH``) stops it.
    """
    return any(entry.level_name == "FATAL" for entry in parser.error_log)


#: Anything that looks like a tag, comment or declaration, for ``looks_truncated``;
#: never across a ``<``, so a page of unclosed ``<`` is scanned once, not once per ``<``.
_MARKUP = re.compile(r"<[^<>]*>")

#: A tree holding less than this share of the characters outside tags lost part of
#: the page. The lowest share on the 1,698 dev pages is 0.50 (entities, ``&amp;``,
#: count five characters of markup for one of text); a page below it only costs a
#: second parse, by bs4. Re-measure the lowest share if the text measure changes.
TRUNCATED_SHARE = 0.25


def looks_truncated(markup: str, text_chars: int) -> bool:
    """Whether a tree with ``text_chars`` characters of text is much shorter than the
    text of ``markup`` (its characters outside anything shaped like a tag).

    >>> looks_truncated("<p>" + "x" * 100, 100), looks_truncated("<p>" + "x" * 100, 20)
    (False, True)
    """
    if text_chars >= TRUNCATED_SHARE * len(markup):
        # The characters outside tags are at most all of them: enough text whatever the
        # tags, and the ``sub`` below (a third of the parse's time) is not run. Five
        # pages in six of the dev sets stop here.
        return False
    outside = len(_MARKUP.sub("", markup))  # no list of every tag's string (findall)
    return text_chars < TRUNCATED_SHARE * outside


def _text_chars(root: Any) -> int:
    """How many characters of text (scripts' included) the tree of ``root`` holds."""
    return 0 if root is None else int(root.xpath("string-length(string(/))"))


def _top_level(root: Any) -> tuple[list[Any], list[Any]]:
    """The top-level nodes of the document of ``root`` and all of their elements.

    libxml2 may leave more than one element at the top (markup after ``</html>`` on one
    traf-dev page makes a second ``html``), as bs4's tree has them too.
    """
    if root is None:
        return [], []
    top: list[Any] = []
    elements: list[Any] = []
    node = root
    while node.getprevious() is not None:
        node = node.getprevious()
    while node is not None:
        tag = node.tag
        if tag.__class__ is str:
            top.append(node)
            elements.extend(node.iter(etree.Element))
        else:
            top.append(_NODE_STRINGS.get(tag, Comment)(node.text or ""))
        node = node.getnext()
    return top, elements


def _inside(top: list[Any], names: tuple[str, ...]) -> set[int]:
    """The ``id()`` of every element named one of ``names`` or inside one."""
    return {
        id(element)
        for root in top
        if not isinstance(root, str)
        for outer in root.iter(*names)
        for element in outer.iter()
    }


def _string_types(top: list[Any]) -> dict[int, type[str]]:
    """The string type of each element inside a ``_CONTAINERS`` element, by ``id()``.

    Containers come in document order, outer before inner, so the innermost wins.
    """
    types: dict[int, type[str]] = {}
    for root in top:
        if isinstance(root, str):
            continue
        for container in root.iter(*_CONTAINERS):
            kind = _CONTAINERS[container.tag]
            for element in container.iter():
                types[id(element)] = kind
    return types
