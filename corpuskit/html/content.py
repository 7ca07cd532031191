"""Where the main content of a page is: text and link sizes of every element, and the
container that holds the article.

One pass over the parsed tree, children before parents, measures every element: its
characters of text, how many of them are inside links, and what its ``class``/``id``
say (``Vocabulary``: junk words such as *comment*, *sidebar*, *share*; content words
such as *article*, *entry*, *post*). The same pass scores the candidates for the main
container the way readability does: every paragraph (a block element with at least
``PARAGRAPH_CHARS`` characters of its own text, outside links) credits its parent with
its score and its grandparent with half of it; a candidate's score is then shifted by its
vocabulary and scaled by the share of its text outside links. The best candidate is the
main container.

The container is evidence, not a verdict: the HTML line model (``html/layout.py``) gets
"inside the main container" as one feature among others, so a page whose article is
split over two containers loses nothing by it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ahocorasick_rs import AhoCorasick

from corpuskit.data import load_table
from corpuskit.html.tree import Tree

#: Block elements whose own text makes a paragraph (the rest is inline and counts
#: towards the nearest block around it).
BLOCK_TAGS = frozenset(
    {
        "p", "div", "td", "th", "li", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5",
        "h6", "dd", "dt", "article", "section", "main", "figure", "figcaption", "table",
        "ul", "ol", "dl", "form", "header", "footer", "nav", "aside", "body", "address",
        "center", "caption", "tr", "details", "summary",
    }
)  # fmt: skip

#: Readability's choices: a block with less own text than this is not a paragraph;
#: a paragraph scores 1, plus one per comma, plus one per 100 characters (at most 3).
#: The vocabulary shifts a candidate's score by ``VOCABULARY_WEIGHT`` either way. These
#: are readability's published values, not tuned on the benchmark.
PARAGRAPH_CHARS = 25
VOCABULARY_WEIGHT = 25.0

#: How many ``class``/``id`` pairs a ``Vocabulary`` remembers the words of.
WORDS_KEPT = 50_000

#: Bits of ``Measure.marks``: what an element's attributes say about it.
JUNK, CONTENT, HIDDEN = 1, 2, 4

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


class Words:
    """Substrings and whole words of a lowercased ``class``/``id`` value, each worth some
    bits, found in one pass (an Aho-Corasick automaton, ``ahocorasick_rs``).

    A whole word stands between non-letters (``a``-``z``: ``nav`` in ``top-nav``, not in
    ``canvas``). Matching all words at once cost a quarter of the two regular expressions
    it replaced on traf-dev, with the same bits on every dev page
    (``tests/html/test_html.py``).

    >>> words = Words({"comment": JUNK, "article": CONTENT}, {"nav": JUNK})
    >>> words.bits("article-comments"), words.bits("top-nav"), words.bits("canvas")
    (3, 1, 0)
    """

    def __init__(self, stems: Mapping[str, int], whole: Mapping[str, int]) -> None:
        patterns = sorted({*stems, *whole})
        self._anywhere = [stems.get(pattern, 0) for pattern in patterns]
        self._whole = [whole.get(pattern, 0) for pattern in patterns]
        self._automaton = AhoCorasick(patterns)

    def bits(self, names: str) -> int:
        """The bits of every word found in ``names`` (lowercase), ORed."""
        found, anywhere, whole = 0, self._anywhere, self._whole
        for index, start, end in self._automaton.find_matches_as_indexes(names, overlapping=True):
            found |= anywhere[index]
            if whole[index] and _alone(names, start, end):
                found |= whole[index]
        return found


def _alone(names: str, start: int, end: int) -> bool:
    """Whether ``names[start:end]`` has no letter ``a``-``z`` right before or after it."""
    before = names[start - 1] if start else " "
    after = names[end] if end < len(names) else " "
    return not ("a" <= before <= "z" or "a" <= after <= "z")


@dataclass(frozen=True)
class Vocabulary:
    """Junk and content words of ``class``/``id`` values (``data/html.toml``)."""

    words_of: Words
    itemprops: frozenset[str]
    _words: dict[tuple[object, object], int] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> Vocabulary:
        words = table["vocabulary"]
        stems = _bits({JUNK: words["junk"], CONTENT: words["content"]})
        whole = _bits({JUNK: words["junk_words"], CONTENT: words["content_words"]})
        return cls(Words(stems, whole), frozenset(words["content_itemprops"]))

    @classmethod
    def default(cls) -> Vocabulary:
        """The vocabulary of ``data/html.toml``, read once (it is immutable)."""
        return _default_vocabulary()

    def marks(self, attrs: Mapping[str, str]) -> int:
        """The ``JUNK``/``CONTENT``/``HIDDEN`` bits of one element, by its attributes.

        >>> marks = Vocabulary.default().marks
        >>> marks({"class": "post-comments", "hidden": ""}), marks({"id": "x"})
        (7, 0)
        """
        if not attrs:
            return 0
        get = attrs.get
        classes, ident = get("class"), get("id")
        bits = 0 if classes is None and ident is None else self.words(classes, ident)
        itemprop = get("itemprop")
        if itemprop is not None and _text(itemprop).lower() in self.itemprops:
            bits |= CONTENT
        if "hidden" in attrs or _text(get("aria-hidden")).lower() == "true":
            bits |= HIDDEN
        else:
            style = get("style")
            if style is not None and _HIDDEN_STYLE.search(_text(style)):
                bits |= HIDDEN
        return bits

    def words(self, classes: object, ident: object) -> int:
        """The ``JUNK``/``CONTENT`` bits of a ``class`` and an ``id`` value.

        A page repeats the same few class strings on hundreds of elements, and a site's
        pages repeat each other's: the answer is kept by the pair of values, up to
        ``WORDS_KEPT`` pairs (then forgotten all at once), since matching the two
        patterns was the costliest part of measuring a page.

        >>> Vocabulary.default().words("entry-content", "comments")
        3
        """
        key = (classes, ident) if isinstance(classes, str | None) else None
        if key is not None:
            known = self._words.get(key)
            if known is not None:
                return known
        bits = self.words_of.bits(f"{_text(classes)} {_text(ident)}".lower())
        if key is not None:
            if len(self._words) >= WORDS_KEPT:
                self._words.clear()
            self._words[key] = bits
        return bits


@cache
def _default_vocabulary() -> Vocabulary:
    return Vocabulary.from_table(load_table("html"))


def _bits(lists: Mapping[int, Iterable[str]]) -> dict[str, int]:
    """Each word of the lists and the bits of the lists it is in.

    >>> _bits({JUNK: ["nav", "share"], CONTENT: ["share"]})
    {'nav': 1, 'share': 3}
    """
    found: dict[str, int] = {}
    for bits, words in lists.items():
        for word in words:
            found[word] = found.get(word, 0) | bits
    return found


def _text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(map(str, value))  # type: ignore[call-overload]


class Measure:
    """Every element's text size, link text size and marks, and the main container.

    ``chars`` and ``links`` are keyed by ``id()`` of the element (the tree outlives this
    object); ``chars`` counts the strings ``get_text`` counts (``Tree.counted_types``).

    >>> from corpuskit.html.tree import parse
    >>> tree = parse(
    ...     "<div id=menu><a>Home</a> <a>News</a></div><div class=entry>"
    ...     "<p>" + "A long sentence, with commas, to read. " * 3 + "</p></div>"
    ... )
    >>> page = Measure(tree, Vocabulary.default())
    >>> menu = tree.find("div")
    >>> tree.attrs(page.main).get("class"), page.link_density(menu)
    ('entry', 0.8888888888888888)
    """

    def __init__(self, tree: Tree, vocabulary: Vocabulary) -> None:
        self.tree = tree
        self.chars: dict[int, int] = {}
        self.links: dict[int, int] = {}
        self.marks: dict[int, int] = {}
        self._own: dict[int, int] = {}  # inline text outside links, not yet in a paragraph
        self._scores: dict[int, tuple[Any, float]] = {}
        self._vocabulary = vocabulary
        self._walk(tree.root)
        self.main: Any | None = self._best()

    def of(self, tag: Any) -> int:
        """The number of characters of text inside ``tag`` (0 for a tag not measured)."""
        return self.chars.get(id(tag), 0)

    def link_density(self, tag: Any | None) -> float:
        """The share of ``tag``'s text inside links (0 for an empty or missing tag)."""
        if tag is None:
            return 0.0
        chars = self.chars.get(id(tag), 0)
        return self.links.get(id(tag), 0) / chars if chars else 0.0

    def _walk(self, root: Any) -> None:
        attrs, children = self.tree.attrs, self.tree.children
        pending: list[tuple[Any, bool]] = [(root, False)]
        while pending:
            tag, leaving = pending.pop()
            if leaving:
                self._leave(tag)
            else:
                self.marks[id(tag)] = self._vocabulary.marks(attrs(tag))
                pending.append((tag, True))
                pending.extend(
                    (child, False) for child in children(tag) if not isinstance(child, str)
                )

    def _leave(self, tag: Any) -> None:
        chars = links = own = 0
        counted, contents, name = (
            self.tree.counted_types,
            self.tree.children(tag),
            self.tree.name(tag),
        )
        for child in contents:
            if not isinstance(child, str):
                key = id(child)
                chars += self.chars[key]
                links += self.links[key]
                own += self._own.pop(key, 0)
            elif type(child) in counted:
                chars += len(child)
                own += len(child.strip())
        key = id(tag)
        if name == "a":
            links, own = chars, 0
        self.chars[key], self.links[key] = chars, links
        if name not in BLOCK_TAGS:
            self._own[key] = own
        elif own >= PARAGRAPH_CHARS:
            self._credit(tag, 1.0 + _commas(contents) + min(own / 100, 3.0))

    def _credit(self, paragraph: Any, score: float) -> None:
        parent_of = self.tree.parent
        parent = parent_of(paragraph)
        for share in (1.0, 0.5):
            if parent is None or self.tree.name(parent) == "[document]":
                return
            _, total = self._scores.get(id(parent), (parent, 0.0))
            self._scores[id(parent)] = (parent, total + share * score)
            parent = parent_of(parent)

    def _best(self) -> Any | None:
        best, top = None, 0.0
        for tag, score in self._scores.values():
            marks = self.marks.get(id(tag), 0)
            shift = VOCABULARY_WEIGHT * (bool(marks & CONTENT) - bool(marks & JUNK))
            final = (score + shift) * (1.0 - self.link_density(tag))
            if final > top:
                best, top = tag, final
        return best


def _commas(contents: Iterable[Any]) -> int:
    """Commas in the strings among an element's ``contents`` (readability counts them as
    prose; comments too, as bs4's strings include them)."""
    return sum(child.count(",") for child in contents if isinstance(child, str))
