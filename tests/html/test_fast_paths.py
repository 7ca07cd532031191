"""The shortcuts reading an HTML page takes (docs/performance.md, sixth round): each must
give what its definition gives, on generated input and on every page of both dev sets.

- ``Tree.find_all`` with the lxml tree: libxml2's iteration with its name filter
  (``lxml_named``) against the walk over ``children`` (``walk_named``);
- ``text.collapse_spaces``: a printable line without two spaces in a row returned as it
  is, against the ``sub`` of every run of HTML whitespace;
- ``tree.looks_truncated``: no ``sub`` over the markup when the tree holds a quarter of
  all its characters;
- ``byline._byline_like``: the class test remembered by value;
- (seventh round) ``content._pattern``: a whole word's "no letter before" asked after
  its first letter, so that ``re`` skips to the candidates in C, against the test
  first; ``candidates._TierPatterns``: the first tier of a named container by one
  automaton over all substrings, against each tier's patterns asked in turn.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.html import PARSERS, Tree, parse
from corpuskit.html.byline import CLASS_WORDS, _byline_like
from corpuskit.html.candidates import NamedContainers, _TierPatterns
from corpuskit.html.content import Vocabulary, _pattern
from corpuskit.html.metadata import METADATA_TAGS
from corpuskit.html.text import _HTML_SPACE, collapse_spaces
from corpuskit.html.tree import _MARKUP, TRUNCATED_SHARE, looks_truncated, walk_named
from corpuskit.readers import decode_bytes
from tests.conftest import bench_pages

#: The names asked of ``find_all`` by the extraction, and a few more.
NAME_SETS = [METADATA_TAGS, ("h1",), ("head",), ("html",), ("a",), ("div", "p", "li"), ()]

PIECES = st.sampled_from(
    [
        "<html>", "</html>", "<head>", "</head>", "<body>", "<p>", "</p>", "<div>", "</div>",
        "<h1>", "</h1>", "<a href=x>", "</a>", "<li>", "<title>", "</title>", "<meta name=a>",
        "<script>", "</script>", "<!-- c -->", "<?pi x?>", "<svg><p>", "</svg>", "text",
        "<br>", " ", "\n", "<!DOCTYPE html>", "<template><p>", "</template>",
    ]
)  # fmt: skip


def walked(tree: Tree, node: object, names: tuple[str, ...]) -> list[object]:
    """``find_all``'s definition: the walk over ``children``."""
    return list(walk_named(tree.name, tree.children, node, names))


def starts(tree: Tree) -> Iterator[object]:
    """The nodes ``find_all`` is asked from: the document, and some elements."""
    yield tree.root
    for name in ("html", "head", "body", "div", "p"):
        found = tree.find(name)
        if found is not None:
            yield found


def assert_find_all_is_the_walk(tree: Tree) -> None:
    for node in starts(tree):
        for names in NAME_SETS:
            expected = walked(tree, node, names)
            assert tree.find_all(node, names) == expected, (tree.name(node), names)
            assert tree.find_all(node, names, first=True) == expected[:1]


@pytest.mark.parametrize("parser", PARSERS)
@settings(max_examples=150, deadline=None)
@given(st.lists(PIECES, max_size=40))
def test_find_all_is_the_walk_on_random_markup(parser: str, pieces: list[str]) -> None:
    assert_find_all_is_the_walk(parse("".join(pieces), parser))


def test_find_all_leaves_out_the_node_and_keeps_document_order() -> None:
    tree = parse("<div><div><p>a</p></div><p>b</p></div></body></html><div>after</div>")
    outer = tree.find("div")
    assert [tree.text(div) for div in tree.find_all(outer, ("div",))] == ["a"]
    assert [tree.text(div) for div in tree.find_all(tree.root, ("div",))] == ["ab", "a", "after"]
    assert tree.find_all(outer, ()) == []


#: Whitespace of every kind HTML and Unicode have, and text around it.
SPACED = st.text(st.sampled_from([" ", "\t", "\n", "\r", "\f", "\v", "\xa0", "\u2003", "a", "é"]))


@settings(max_examples=500, deadline=None)
@given(SPACED)
def test_collapse_spaces_is_the_sub(text: str) -> None:
    assert collapse_spaces(text) == _HTML_SPACE.sub(" ", text)


def test_collapse_spaces_keeps_other_spaces() -> None:
    assert collapse_spaces("a\xa0 b") == "a\xa0 b"  # non-breaking: the normalizer's to judge
    assert collapse_spaces("a \xa0  b") == "a \xa0 b"


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30), st.integers(min_value=0, max_value=2_000))
def test_looks_truncated_is_its_definition(pieces: list[str], text_chars: int) -> None:
    markup = "".join(pieces)
    outside = len(_MARKUP.sub("", markup))
    assert looks_truncated(markup, text_chars) == (text_chars < TRUNCATED_SHARE * outside)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(["A", "U", "T", "H", "O", "R", "d", "a", "t", "e", "İ", "K", " "])))
def test_byline_like_is_the_class_words_test(classes: str) -> None:
    expected = any(word in classes.lower() for word in CLASS_WORDS)
    assert _byline_like(classes) == expected
    assert _byline_like(classes) == expected  # remembered


def pattern_by_definition(stems: list[str], words: list[str]) -> re.Pattern[str]:
    """``content._pattern``'s definition: each whole word with its tests around it."""
    parts = [re.escape(stem) for stem in stems]
    parts += [rf"(?<![a-z]){re.escape(word)}(?![a-z])" for word in words]
    return re.compile("|".join(parts) or "(?!)")


#: Letters of a few stems and words, and what stands between class names.
LETTERS = ["r", "e", "p", "l", "y", "c", "o", "m", "-"]
NAMES = st.text(st.sampled_from([*LETTERS, "_", " ", "2", "é"]))
WORDS = st.lists(st.text(st.sampled_from(LETTERS)), max_size=4)


@settings(max_examples=400, deadline=None)
@given(WORDS, WORDS, NAMES)
def test_pattern_finds_what_its_definition_finds(
    stems: list[str], words: list[str], names: str
) -> None:
    found = _pattern(stems, words).search(names)
    assert bool(found) == bool(pattern_by_definition(stems, words).search(names))


def tier_by_definition(
    tiers: tuple[tuple[str, ...], ...], name: str, attrs: dict[str, str]
) -> int | None:
    """``NamedContainers``' first tier by its definition: each tier's patterns in turn."""
    names = f"{attrs.get('class', '')} {attrs.get('id', '')}".lower()
    for number, tier in enumerate(tiers):
        for pattern in tier:
            if pattern.startswith("<"):
                matched = name == pattern[1:-1]
            elif "=" in pattern:
                key, value = pattern.split("=", 1)
                matched = attrs.get(key, "").strip().lower() == value
            else:
                matched = pattern in names
            if matched:
                return number
    return None


TIER_PATTERNS = st.sampled_from(
    ["post", "post-body", "body", "st-bo", "<div>", "<article>", "role=main", "id=x", "", "t b"]
)
CLASS_VALUES = st.text(st.sampled_from(["p", "o", "s", "t", "-", "b", "d", "y", " ", "X"]))


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.lists(TIER_PATTERNS, max_size=3).map(tuple), max_size=4).map(tuple),
    st.sampled_from(["div", "article", "main"]),
    CLASS_VALUES,
    CLASS_VALUES,
    st.sampled_from(["", "main", " Main ", "x"]),
)
def test_tier_patterns_find_the_first_tier_of_the_definition(
    tiers: tuple[tuple[str, ...], ...], name: str, classes: str, ident: str, role: str
) -> None:
    attrs = {"class": classes, "id": ident, "role": role}
    assert _TierPatterns(tiers).first(name, attrs) == tier_by_definition(tiers, name, attrs)


def assert_marking_shortcuts_hold(tree: Tree) -> None:
    """The comment patterns and the named containers' tiers on every element of ``tree``."""
    vocabulary, named = Vocabulary.default(), NamedContainers.default()
    table_comment = pattern_by_definition(*COMMENT_WORDS)
    table_not = pattern_by_definition(COMMENT_NOT, [])
    for element in tree.elements(tree.root):
        attrs = dict(tree.attrs(element))
        names = f"{attrs.get('class', '')} {attrs.get('id', '')}".lower()
        assert bool(vocabulary.comment.search(names)) == bool(table_comment.search(names))
        assert bool(vocabulary.comment_not.search(names)) == bool(table_not.search(names))
        name = tree.name(element)
        expected = tier_by_definition(named.tiers, name, attrs)
        assert named._tier(name, attrs) == expected, (name, attrs)


def _comment_words() -> tuple[tuple[list[str], list[str]], list[str]]:
    from corpuskit.data import load_table

    words = load_table("html")["vocabulary"]
    return (words["comment"], words["comment_words"]), words["comment_not"]


COMMENT_WORDS, COMMENT_NOT = _comment_words()


def dev_markups() -> Iterator[str]:
    for dev_set in ("traf-dev", "dragnet-dev"):
        for path in bench_pages("*.html.gz", dev_set):
            yield decode_bytes(gzip.decompress(path.read_bytes()), html=True)[0]


@pytest.mark.bench
def test_fast_paths_on_every_dev_page() -> None:
    pages = 0
    for markup in dev_markups():
        tree = parse(markup, "lxml")
        assert_find_all_is_the_walk(tree)
        assert_marking_shortcuts_hold(tree)
        # each piece of text between tags: real whitespace of every kind
        for piece in re.split("<[^>]*>", markup):
            assert collapse_spaces(piece) == _HTML_SPACE.sub(" ", piece)
        for text_chars in (0, len(tree.text(tree.root)), len(markup) // 4, len(markup) // 3):
            outside = len(_MARKUP.sub("", markup))
            assert looks_truncated(markup, text_chars) == (text_chars < TRUNCATED_SHARE * outside)
        pages += 1
    assert pages == 696 + 1002
