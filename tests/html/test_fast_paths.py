"""The shortcuts reading an HTML page takes (docs/performance.md, sixth round): each must
give what its definition gives, on generated input and on every page of both dev sets.

- ``Tree.find_all`` with the lxml tree: libxml2's iteration with its name filter
  (``lxml_named``) against the walk over ``children`` (``walk_named``);
- ``text.collapse_spaces``: a printable line without two spaces in a row returned as it
  is, against the ``sub`` of every run of HTML whitespace;
- ``tree.looks_truncated``: no ``sub`` over the markup when the tree holds a quarter of
  all its characters;
- ``byline._byline_like``: the class test remembered by value.
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
        # each piece of text between tags: real whitespace of every kind
        for piece in re.split("<[^>]*>", markup):
            assert collapse_spaces(piece) == _HTML_SPACE.sub(" ", piece)
        for text_chars in (0, len(tree.text(tree.root)), len(markup) // 4, len(markup) // 3):
            outside = len(_MARKUP.sub("", markup))
            assert looks_truncated(markup, text_chars) == (text_chars < TRUNCATED_SHARE * outside)
        pages += 1
    assert pages == 696 + 1002
