"""Where the anchors would look for the article: readability's article and trafilatura's
main container, as sets of elements for the HTML line features.

``content.Measure`` already scores readability's candidates and picks the best one (the
main container, ``html_main``). Readability does not stop there: it keeps the best
candidate's siblings that score a fifth of it, and sibling paragraphs that read as prose
(``readability_article``). Trafilatura looks first, before any scoring, for a container
that its markup names as the article body, in a fixed order of precedence: an
``entry-content`` or ``itemprop=articleBody`` box, then the first ``<article>``, then
other names (``data/html.toml``, ``[main_container]``); the first element of the best
tier present is its choice (``named_container``). Both are evidence for the line model
(``html_readability``, ``html_named_main`` in ``html/layout.py``), not verdicts.

Neither walks the page again: readability's article is the main container's siblings,
and the elements that can be a named container are listed by the measuring walk
(``Measure.containers``), their tiers remembered by their names and attributes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ahocorasick_rs import AhoCorasick

from corpuskit.data import load_table
from corpuskit.html.content import Measure

#: Readability's choices for the best candidate's siblings: one scoring this share of
#: the best is kept (readability: ``max(10, 0.2 * best)``, the floor of 10 left out as
#: our scores are not on its scale); a sibling ``<p>`` is kept when it has more than
#: ``SIBLING_CHARS`` characters and less than ``SIBLING_DENSITY`` of them in links, or
#: fewer, no link and a sentence end. Readability's published values, not tuned here.
SIBLING_SHARE = 0.2
SIBLING_CHARS = 80
SIBLING_DENSITY = 0.25
_SENTENCE_END = re.compile(r"\.(?: |$)")

#: A named container with fewer characters of text outside links than this is a
#: placeholder (an empty ``<article>`` shell, a teaser): trafilatura moves on when the
#: body it found yields too little text. Re-measure ``html_named_main`` after changing it.
NAMED_MIN_CHARS = 100

#: A main container holding less than this share of the page's text yields to the named
#: container when that one holds more text outside links (``adopt_named_container``).
#: Readability credits a paragraph's score to its parent and grandparent only, and a
#: class/id content word adds 25 (some twenty paragraphs): an article of many short
#: paragraphs nested three deep gives its own container no score, and a one-paragraph
#: box named ``tab-body``, ``coventry__text`` or ``post__excerpt`` wins the page (on
#: traf-dev, 29 of the 62 ``with`` passages that the LODO line model removed and
#: trafilatura kept were on pages whose main container held under a tenth of the
#: text). A tenth is the round share of that reading (docs/quality.md), not tuned: the
#: main container changes on 41 of 696 traf-dev and 52 of 1,002 dragnet-dev pages.
SMALL_MAIN_SHARE = 0.1


def readability_article(measure: Measure) -> frozenset[int]:
    """``id()`` of the elements readability would keep: the main container and its
    siblings that score ``SIBLING_SHARE`` of it or are prose paragraphs.

    >>> from corpuskit.html.content import Vocabulary
    >>> from corpuskit.html.tree import parse
    >>> tree = parse(
    ...     "<div><div class=entry><p>" + "Prose, with a comma, to read here. " * 4
    ...     + "</p></div><p>A short sentence. Ends here.</p><p><a>Home</a></p></div>"
    ... )
    >>> kept = readability_article(Measure(tree, Vocabulary.default()))
    >>> sorted(tree.name(tag) for tag in tree.find_all(tree.root, ("div", "p")) if id(tag) in kept)
    ['div', 'p']
    """
    main, tree = measure.main, measure.tree
    if main is None:
        return frozenset()
    kept = {id(main)}
    parent = tree.parent(main)
    if parent is None or tree.name(parent) == "[document]":
        return frozenset(kept)
    for sibling in tree.children(parent):
        if not isinstance(sibling, str) and _kept_sibling(measure, sibling):
            kept.add(id(sibling))
    return frozenset(kept)


def _kept_sibling(measure: Measure, sibling: Any) -> bool:
    """Readability's test for a sibling of the best candidate."""
    if measure.container_score(sibling) >= SIBLING_SHARE:
        return True
    if measure.tree.name(sibling) != "p":
        return False
    chars, density = measure.of(sibling), measure.link_density(sibling)
    if chars > SIBLING_CHARS:
        return density < SIBLING_DENSITY
    return density == 0 and bool(_SENTENCE_END.search(measure.tree.text(sibling)))


#: How many element descriptions (name, ``class``, ``id`` and the attributes the
#: patterns read) a ``NamedContainers`` remembers the tier of: a page repeats the same
#: few ``div`` classes, a site's pages each other's.
TIERS_KEPT = 50_000


@dataclass(frozen=True)
class NamedContainers:
    """Trafilatura's order of precedence for a main container named by its markup:
    ``tiers`` of patterns, each a ``class``/``id`` substring, ``<tag>`` for an element's
    name, or ``attribute=value`` for an exact attribute value (lowercased)."""

    tiers: tuple[tuple[str, ...], ...]
    tags: frozenset[str]
    _tiers_of: _TierPatterns = field(init=False, repr=False, compare=False)
    _keys: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _known: dict[tuple[object, ...], int | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        tiers_of = _TierPatterns(self.tiers)
        object.__setattr__(self, "_tiers_of", tiers_of)
        keys = {key for _, key, _ in tiers_of.values}
        object.__setattr__(self, "_keys", ("class", "id", *sorted(keys - {"class", "id"})))

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> NamedContainers:
        found = table["main_container"]
        return cls(tuple(tuple(tier) for tier in found["tiers"]), frozenset(found["tags"]))

    @classmethod
    def default(cls) -> NamedContainers:
        return _default_named()

    def tier(self, name: str, attrs: Mapping[str, Any]) -> int | None:
        """The first tier whose pattern ``name``/``attrs`` match (None: none does),
        remembered by the name and the values of the attributes the patterns read.

        >>> named = NamedContainers.default()
        >>> named.tier("div", {"class": "post entry-content"}), named.tier("article", {})
        (0, 1)
        >>> named.tier("span", {"class": "entry-content"}) is None
        True
        """
        if name not in self.tags:
            return None
        key = (name, *map(attrs.get, self._keys))
        try:
            return self._known[key]
        except KeyError:
            found = self._tier(name, attrs)
        except TypeError:  # a value that is a list (a parser splitting ``class``)
            return self._tier(name, attrs)
        if len(self._known) >= TIERS_KEPT:
            self._known.clear()
        self._known[key] = found
        return found

    def _tier(self, name: str, attrs: Mapping[str, Any]) -> int | None:
        return self._tiers_of.first(name, attrs)


class _TierPatterns:
    """The patterns of ``NamedContainers.tiers`` sorted by kind, to find the first tier
    an element matches in one pass over its ``class`` and ``id``: every substring of
    every tier in one Aho-Corasick automaton (the lowest tier of the substrings found
    wins), the ``<tag>`` patterns by name, the ``attribute=value`` ones in tier order.

    Asking each tier's pattern in turn cost 10-20 microseconds an element, on the 42%
    of container elements whose values a page had not shown before (an ``id`` is
    often unique); the answers are the same (``tests/html/test_fast_paths.py``).

    >>> patterns = _TierPatterns((("entry-content", "role=main"), ("<article>", "post")))
    >>> patterns.first("div", {"class": "a post entry-content"}), patterns.first("article", {})
    (0, 1)
    >>> patterns.first("div", {"role": " Main "}), patterns.first("div", {"id": "x"}) is None
    (0, True)
    """

    def __init__(self, tiers: tuple[tuple[str, ...], ...]) -> None:
        substrings: dict[str, int] = {}
        self.tags: dict[str, int] = {}
        values: list[tuple[int, str, str]] = []
        for number, tier in enumerate(tiers):
            for pattern in tier:
                if pattern.startswith("<"):
                    self.tags.setdefault(pattern[1:-1], number)
                elif "=" in pattern:
                    key, value = pattern.split("=", 1)
                    values.append((number, key, value))
                else:
                    substrings.setdefault(pattern, number)
        #: The lowest tier with an empty substring: it matches any element.
        self.anywhere = substrings.pop("", None)
        self.substrings = sorted(substrings)
        self.substring_tiers = [substrings[pattern] for pattern in self.substrings]
        self.automaton = AhoCorasick(self.substrings) if self.substrings else None
        self.values = tuple(values)  # in tier order

    def first(self, name: str, attrs: Mapping[str, Any]) -> int | None:
        """The first tier a pattern of which the element ``name`` with ``attrs`` matches
        (None: none)."""
        best = self.tags.get(name)
        if self.anywhere is not None and (best is None or self.anywhere < best):
            best = self.anywhere
        if self.automaton is not None:
            names = f"{_text(attrs.get('class'))} {_text(attrs.get('id'))}".lower()
            tiers = self.substring_tiers
            for index, _, _ in self.automaton.find_matches_as_indexes(names, overlapping=True):
                if best is None or tiers[index] < best:
                    best = tiers[index]
        for number, key, value in self.values:
            if best is not None and number >= best:
                break
            if _text(attrs.get(key)).strip().lower() == value:
                return number
        return best


def _text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(map(str, value))  # type: ignore[call-overload]


@cache
def _default_named() -> NamedContainers:
    return NamedContainers.from_table(load_table("html"))


def named_container(measure: Measure, named: NamedContainers | None = None) -> Any | None:
    """Trafilatura's main container: the first element, in document order, of the best
    tier present with ``NAMED_MIN_CHARS`` of text outside links (None: no such element).

    The elements are those ``measure`` listed on its walk (``Measure.containers``), or,
    for tags it did not list, those of one ``find_all``.

    >>> from corpuskit.html.content import Vocabulary
    >>> from corpuskit.html.tree import parse
    >>> tree = parse("<article>" + "Words. " * 20 + "</article><div id=main-content>"
    ...              + "More words. " * 20 + "</div>")
    >>> tree.name(named_container(Measure(tree, Vocabulary.default())))
    'article'
    """
    named = named or NamedContainers.default()
    tree, best, best_tier = measure.tree, None, len(named.tiers)
    if named.tags == measure.container_tags:
        elements: Sequence[Any] = measure.containers
    else:
        elements = tree.find_all(tree.root, named.tags)
    name_of, attrs_of, tier_of = tree.name, tree.attrs, named.tier
    for tag in elements:
        tier = tier_of(name_of(tag), attrs_of(tag))
        if tier is not None and tier < best_tier and _enough(measure, tag):
            best, best_tier = tag, tier
            if tier == 0:
                break
    return best


def adopt_named_container(measure: Measure, named: NamedContainers | None = None) -> None:
    """Make the named container (``named_container``) ``measure``'s main container when
    the best candidate holds less than ``SMALL_MAIN_SHARE`` of the page's text and the
    named container more text outside links than it (trafilatura's precision-first
    names over a box that readability's vocabulary shift lifted).

    >>> from corpuskit.html.content import Vocabulary
    >>> from corpuskit.html.tree import parse
    >>> tree = parse("<div class=tab-content><p>A tab, with a comma, to read here.</p></div>"
    ...              "<article>" + "<div><div><p>A short paragraph, of the post.</p></div></div>"
    ...              * 14 + "</article>")
    >>> measure = Measure(tree, Vocabulary.default())
    >>> before = tree.name(measure.main)
    >>> adopt_named_container(measure)
    >>> before, tree.name(measure.main)
    ('div', 'article')
    """
    main = measure.main
    if main is None or measure.of(main) >= SMALL_MAIN_SHARE * measure.of(measure.tree.root):
        return
    found = named_container(measure, named)
    if found is not None and found is not main and _prose(measure, found) > _prose(measure, main):
        measure.adopt(found)


def _prose(measure: Measure, tag: Any) -> float:
    """``tag``'s characters of text outside links."""
    return measure.of(tag) * (1.0 - measure.link_density(tag))


def _enough(measure: Measure, tag: Any) -> bool:
    return _prose(measure, tag) >= NAMED_MIN_CHARS
