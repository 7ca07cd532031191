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
main container; the junk words of it and of the elements around it name the page's
layout (``has-sidebar``, ``tag-news``), not junk, and are taken off their marks.

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

#: A content word shifts only a candidate whose paragraphs scored this share of the best
#: candidate's (``Measure._best``): readability's shift of 25 is some twenty paragraphs'
#: worth, so a one-line box with *content* in its class (a dialog, a tab, a title
#: wrapper) could win the page: 36 of the 60 traf-dev lines lost where trafilatura kept
#: them sat on pages whose main container held under a tenth of the text. A fifth is
#: readability's own share for a sibling worth keeping (``candidates.SIBLING_SHARE``),
#: not tuned here.
#: With it the main container changes on 14 traf-dev and 13 dragnet-dev pages, closer to
#: the gold on 11 of the 13; re-measure with ``bench/train_line_model.py --mode html``
#: (LODO on both sets) after changing it.
CONTENT_FLOOR = 0.2

#: How many ``class``/``id`` pairs a ``Vocabulary`` remembers the words of.
WORDS_KEPT = 50_000

#: Bits of ``Measure.marks``: what an element's attributes say about it. ``HIDDEN``: out
#: of sight or out of the accessibility tree (``INVISIBLE``, or ``aria-hidden``: icons,
#: decorative copies, the feature ``html_hidden``); ``INVISIBLE``: not shown at all
#: (``display:none``, ``visibility:hidden``, the ``hidden`` attribute, a hiding class);
#: ``COMMENT``: a candidate for a reader comment thread (see ``Measure.comment_section``).
JUNK, CONTENT, HIDDEN, COMMENT, INVISIBLE = 1, 2, 4, 8, 16

#: The attributes ``Vocabulary.marks`` reads: an element with none of them has no marks.
_MARKING = frozenset({"class", "id", "itemprop", "itemtype", "hidden", "style", "aria-hidden"})

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
    """Junk, content, comment and hiding words of ``class``/``id`` values, and the
    ``itemprop``/``itemtype`` values that mark the main text or a comment
    (``data/html.toml``). ``container_tags``: the names of the elements that can be a
    container named by its markup (``[main_container]``), which ``Measure`` lists on its
    way (``Measure.containers``)."""

    words_of: Words
    itemprops: frozenset[str]
    comment: re.Pattern[str] = re.compile("(?!)")
    comment_not: re.Pattern[str] = re.compile("(?!)")
    comment_ignored_prefixes: tuple[str, ...] = ()
    comment_itemtypes: tuple[str, ...] = ()
    comment_itemprops: frozenset[str] = frozenset()
    hiding_classes: frozenset[str] = frozenset()
    container_tags: frozenset[str] = frozenset()
    _words: dict[tuple[object, object], int] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> Vocabulary:
        words = table["vocabulary"]
        stems = _bits({JUNK: words["junk"], CONTENT: words["content"]})
        whole = _bits({JUNK: words["junk_words"], CONTENT: words["content_words"]})
        return cls(
            Words(stems, whole),
            frozenset(words["content_itemprops"]),
            _pattern(words.get("comment", ()), words.get("comment_words", ())),
            _pattern(words.get("comment_not", ()), ()),
            tuple(words.get("comment_ignored_prefixes", ())),
            tuple(words.get("comment_itemtypes", ())),
            frozenset(words.get("comment_itemprops", ())),
            frozenset(words.get("hiding_classes", ())),
            frozenset(table.get("main_container", {}).get("tags", ())),
        )

    @classmethod
    def default(cls) -> Vocabulary:
        """The vocabulary of ``data/html.toml``, read once (it is immutable)."""
        return _default_vocabulary()

    def marks(self, attrs: Mapping[str, str]) -> int:
        """The ``JUNK``/``CONTENT``/``HIDDEN``/``COMMENT``/``INVISIBLE`` bits of one
        element, by its attributes.

        >>> marks = Vocabulary.default().marks
        >>> marks({"class": "post-comments", "hidden": ""}) == (
        ...     JUNK | CONTENT | COMMENT | INVISIBLE | HIDDEN
        ... ), marks({"id": "x"})
        (True, 0)
        >>> marks({"aria-hidden": "true"}) == HIDDEN  # out of the accessibility tree only
        True
        >>> marks({"itemtype": "https://schema.org/Comment"}) == COMMENT
        True
        """
        if _MARKING.isdisjoint(attrs):  # most elements: no attribute read below
            return 0
        get = attrs.get
        classes, ident = get("class"), get("id")
        bits = 0 if classes is None and ident is None else self.words(classes, ident)
        bits |= self._item_marks(get("itemprop"), get("itemtype"))
        hidden = get("hidden")
        if hidden is not None and _text(hidden).strip().lower() != "until-found":
            bits |= INVISIBLE  # "until-found": collapsed, shown when searched or opened
        else:
            style = get("style")
            if style is not None and _HIDDEN_STYLE.search(_text(style)):
                bits |= INVISIBLE
        aria_hidden = get("aria-hidden")
        if bits & INVISIBLE or (aria_hidden is not None and _text(aria_hidden).lower() == "true"):
            bits |= HIDDEN
        return bits

    def _item_marks(self, itemprop: object, itemtype: object) -> int:
        """The ``CONTENT``/``COMMENT`` bits of an element's microdata."""
        bits = 0
        if itemprop is not None:
            prop = _text(itemprop).lower()
            bits |= CONTENT if prop in self.itemprops else 0
            bits |= COMMENT if prop in self.comment_itemprops else 0
        if itemtype is not None and _text(itemtype).strip().endswith(self.comment_itemtypes):
            bits |= COMMENT
        return bits

    def _names_comment(self, names: str) -> bool:
        """Whether the class and id ``names`` (lowercased) name a comment thread, once
        the taxonomy classes (``comment_ignored_prefixes``) are left out."""
        if self.comment_ignored_prefixes:
            kept = (n for n in names.split() if not n.startswith(self.comment_ignored_prefixes))
            names = " ".join(kept)
        return bool(self.comment.search(names)) and not self.comment_not.search(names)

    def words(self, classes: object, ident: object) -> int:
        """The ``JUNK``/``CONTENT``/``COMMENT``/``INVISIBLE`` bits of a ``class`` and an
        ``id`` value.

        A page repeats the same few class strings on hundreds of elements, and a site's
        pages repeat each other's: the answer is kept by the pair of values, up to
        ``WORDS_KEPT`` pairs (then forgotten all at once), since matching the patterns
        was the costliest part of measuring a page.

        >>> words = Vocabulary.default().words
        >>> words("entry-content", "comments") == JUNK | CONTENT | COMMENT
        True
        >>> words("comments-link", None) == JUNK  # a link to the thread, not the thread
        True
        >>> words("post category-kommentare", None) == CONTENT  # filed under "comments"
        True
        >>> words("sr-only", None) == INVISIBLE, words("hidden-xs", None) == JUNK
        (True, True)
        """
        key = (classes, ident) if classes is None or isinstance(classes, str) else None
        if key is not None:
            known = self._words.get(key)
            if known is not None:
                return known
        names = f"{_text(classes)} {_text(ident)}".lower()
        bits = self.words_of.bits(names)
        if self.comment.search(names) and self._names_comment(names):
            bits |= COMMENT
        if classes is not None and not self.hiding_classes.isdisjoint(
            _text(classes).lower().split()
        ):
            bits |= INVISIBLE
        if key is not None:
            if len(self._words) >= WORDS_KEPT:
                self._words.clear()
            self._words[key] = bits
        return bits


@cache
def _default_vocabulary() -> Vocabulary:
    return Vocabulary.from_table(load_table("html"))


def _pattern(stems: Iterable[str], words: Iterable[str]) -> re.Pattern[str]:
    """One pattern for substrings ``stems`` and whole words ``words`` (letters only).

    Every alternative starts with its first letter, so that ``re`` skips in C to the
    places where one of those letters stands: a whole word's "no letter before" is
    asked after its first letter (``r(?<![a-z]r)eplies``, the same test as
    ``(?<![a-z])replies``). With the test first, ``re`` tried every alternative at every
    character of a ``class``/``id`` value (21.6 against 3.9 microseconds for a value of
    115 characters); the matches are the same (``tests/html/test_fast_paths.py``).

    >>> pattern = _pattern(["comment"], ["replies"])
    >>> [bool(pattern.search(n)) for n in ("comments", "replies-2", "no-replies", "xreplies")]
    [True, True, True, False]
    """
    parts = [re.escape(stem) for stem in stems] + [_whole_word(word) for word in words]
    return re.compile("|".join(parts) or "(?!)")  # no words: a pattern that never matches


def _whole_word(word: str) -> str:
    """The pattern of ``word`` with no letter ``a``-``z`` before or after it, its first
    letter first (``_pattern``)."""
    if not word:
        return "(?<![a-z])(?![a-z])"
    first = re.escape(word[0])
    return rf"{first}(?<![a-z]{first}){re.escape(word[1:])}(?![a-z])"


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
    ``containers`` are the elements named one of the vocabulary's ``container_tags``, in
    document order: the walk lists them, so that finding the container the markup names
    (``candidates.named_container``) needs no second walk over the page.

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
        self._in_threads: set[int] = set()  # inside a COMMENT block element, or one
        self._finals: dict[int, float] = {}  # each candidate's final score
        self._layout_marks: dict[int, int] = {}  # marks _unmark_layout changed, before
        self._vocabulary = vocabulary
        self.container_tags = vocabulary.container_tags
        self.containers: list[Any] = []
        self._walk(tree.root)
        self.containers.reverse()  # listed leaving, last child first: document order reversed
        self.main: Any | None = self._best()
        self._top = self._finals.get(id(self.main), 0.0)
        self._main_path = frozenset(self._ancestry(self.main))
        self._unmark_layout()

    def _unmark_layout(self) -> None:
        """Take ``JUNK`` off the main container and the elements around it: there a junk
        word names the page's layout or taxonomy (``<body class="has-sidebar">``,
        ``<article class="post tag-news">``, ``<div class="widget Blog">``), not a box of
        junk, and it marked every line of the article as junk (330 of traf-dev's 696
        pages). The candidates are scored already; the lines' ``html_junk_word`` and the
        junk boxes inside the article (``html_junk_word_in_main``) follow from the marks.

        >>> from corpuskit.html.tree import parse
        >>> tree = parse("<body class=has-sidebar><div class=entry><p>"
        ...              + "Some prose, with a comma. " * 4 + "</p></div></body>")
        >>> page = Measure(tree, Vocabulary.default())
        >>> page.marks[id(tree.find("body"))] & JUNK
        0
        """
        marks = self.marks
        for key in self._main_path:
            if key in marks:
                self._layout_marks[key] = marks[key]
                marks[key] &= ~JUNK

    def adopt(self, tag: Any) -> None:
        """Make ``tag`` the main container instead of the best candidate: the junk words
        taken off the elements around the best one (``_unmark_layout``) are given back,
        and taken off those around ``tag``. The candidates' scores stay as they are
        (``container_score`` is still a share of the best candidate's)."""
        self.marks.update(self._layout_marks)
        self._layout_marks = {}
        self.main = tag
        self._main_path = frozenset(self._ancestry(tag))
        self._unmark_layout()

    def of(self, tag: Any) -> int:
        """The number of characters of text inside ``tag`` (0 for a tag not measured)."""
        return self.chars.get(id(tag), 0)

    def container_score(self, tag: Any | None) -> float:
        """``tag``'s final candidate score as a share of the main container's, from 0
        (not a candidate, or one that its links or its vocabulary sank) to 1 (the main
        container). Readability keeps a sibling of its best candidate scoring a fifth of
        it: the share says how much of a content container ``tag`` is, wherever it is.

        >>> from corpuskit.html.tree import parse
        >>> tree = parse("<div class=entry><p>" + "Some prose, with a comma. " * 4 + "</p></div>")
        >>> page = Measure(tree, Vocabulary.default())
        >>> page.container_score(page.main), page.container_score(tree.find("p"))
        (1.0, 0.0)
        """
        if tag is None or self._top <= 0:
            return 0.0
        return max(0.0, self._finals.get(id(tag), 0.0)) / self._top

    def link_density(self, tag: Any | None) -> float:
        """The share of ``tag``'s text inside links (0 for an empty or missing tag)."""
        if tag is None:
            return 0.0
        chars = self.chars.get(id(tag), 0)
        return self.links.get(id(tag), 0) / chars if chars else 0.0

    def comment_section(self, tag: Any) -> bool:
        """Whether ``tag`` holds a reader comment thread: a block element marked
        ``COMMENT`` (``Vocabulary``) that does not hold the main container.

        An article inside a wrapper whose class names comments ("post comments-open")
        is not a thread, nor is a link or a count that names one (``comment_not``
        words, inline elements).
        """
        return (
            bool(self.marks.get(id(tag), 0) & COMMENT)
            and id(tag) not in self._main_path
            and self.tree.name(tag) in BLOCK_TAGS
        )

    def holds_main(self, tag: Any) -> bool:
        """Whether ``tag`` is the main container or holds it."""
        return id(tag) in self._main_path

    def invisible(self, tag: Any) -> bool:
        """Whether ``tag`` is not shown (marked ``INVISIBLE``)."""
        return bool(self.marks.get(id(tag), 0) & INVISIBLE)

    def _ancestry(self, tag: Any | None) -> list[int]:
        """``id()`` of ``tag`` and of every element around it, up to the document."""
        found = []
        while tag is not None:
            found.append(id(tag))
            tag = self.tree.parent(tag)
        return found

    def _walk(self, root: Any) -> None:
        """Mark every element, then measure every element, children before parents.

        No stack: the page's elements in reverse document order are its elements
        leaving a depth-first walk that takes the last child first (each element comes
        after everything inside it), which is the order the candidates are credited in
        and ``containers`` listed in. The document node comes last.
        """
        tree = self.tree
        elements = list(tree.elements(root))
        self._mark(elements)
        children, name_of, counted = tree.children, tree.name, tree.counted_types
        all_chars, all_links, all_own = self.chars, self.links, self._own
        container_tags, add_container = self.container_tags, self.containers.append
        credit = self._credit
        elements.reverse()
        elements.append(root)
        for tag in elements:  # one loop, its calls bound to locals: ~800 elements a page
            chars = links = own = 0
            contents, name = children(tag), name_of(tag)
            for child in contents:
                if not isinstance(child, str):
                    key = id(child)
                    chars += all_chars[key]
                    links += all_links[key]
                    own += all_own.pop(key, 0)
                elif type(child) in counted:
                    chars += len(child)
                    own += len(child.strip())
            key = id(tag)
            if name == "a":
                links, own = chars, 0
            elif name in container_tags:
                add_container(tag)
            all_chars[key], all_links[key] = chars, links
            if name not in BLOCK_TAGS:
                all_own[key] = own
            elif own >= PARAGRAPH_CHARS:
                credit(tag, 1.0 + _commas(contents) + min(own / 100, 3.0))

    def _mark(self, elements: list[Any]) -> None:
        """``marks`` of the ``elements`` (in document order) that have any, and
        ``_in_threads``: the elements inside a ``COMMENT`` block element, or one.

        An element inside a thread found already is not walked again, so nested
        threads cost one walk of the outermost.
        """
        tree, marks_of, all_marks = self.tree, self._vocabulary.marks, self.marks
        attrs_of, name_of, in_threads = tree.attrs, tree.name, self._in_threads
        for tag in elements:
            attrs = attrs_of(tag)
            marks = marks_of(attrs) if attrs else 0
            if not marks:
                continue
            all_marks[id(tag)] = marks
            if marks & COMMENT and name_of(tag) in BLOCK_TAGS and id(tag) not in in_threads:
                in_threads.add(id(tag))
                in_threads.update(map(id, tree.elements(tag)))

    def _floors(self) -> list[float]:
        """``CONTENT_FLOOR`` of the best paragraph score outside the comment thread
        candidates and inside them (a thread's many comments do not set the floor of
        the article)."""
        floors, threads = [0.0, 0.0], self._in_threads
        for tag, score in self._scores.values():
            inside = id(tag) in threads
            floors[inside] = max(floors[inside], CONTENT_FLOOR * score)
        return floors

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
        """The best-scoring candidate outside the comment thread candidates, else the
        best of those: a long thread of short comments can outscore a short article.

        A content word raises only a candidate whose paragraphs scored
        ``CONTENT_FLOOR`` of the best paragraph score of its kind (``_floors``): a
        one-line box named ``dialog-content`` or ``kb-content-h1-wrapper`` no longer
        outscores the article's container, which readability's shift of 25 let it do.

        >>> from corpuskit.html.tree import parse
        >>> prose = "<p>" + "Some prose, with a comma, to read. " * 3 + "</p>"
        >>> tree = parse("<div class=intro-content><p>A short line of thirty characters.</p>"
        ...              "</div><div class=x>" + prose * 3 + "</div>")
        >>> tree.attrs(Measure(tree, Vocabulary.default()).main)["class"]
        'x'
        """
        best, top = [None, None], [0.0, 0.0]
        floors = self._floors()
        for tag, score in self._scores.values():
            marks = self.marks.get(id(tag), 0)
            inside = id(tag) in self._in_threads
            shift = VOCABULARY_WEIGHT * (bool(marks & CONTENT) - bool(marks & JUNK))
            if score < floors[inside]:
                shift = min(shift, 0.0)  # too little prose for its name to make it the article
            final = (score + shift) * (1.0 - self.link_density(tag))
            self._finals[id(tag)] = final
            if final > top[inside]:
                best[inside], top[inside] = tag, final
        return best[0] if best[0] is not None else best[1]


def _commas(contents: Iterable[Any]) -> int:
    """Commas in the strings among an element's ``contents`` (readability counts them as
    prose; comments too, as bs4's strings include them)."""
    return sum(child.count(",") for child in contents if isinstance(child, str))
