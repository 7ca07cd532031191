"""Line features in context: blocks, the page's prose region, and each line's vector."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.lexicon.stopwords import Stopwords
from corpuskit.steps.classify.features import (
    BLOCK_NAMES,
    KEEPS,
    KINDS,
    LENGTH_HIGH,
    LENGTH_LOW,
    LINE_NAMES,
    WORD,
    Block,
    LineStats,
    _char_counts,
    _good_distance,
    _good_distance_blocks,
    _is_word,
    _prose_before,
    _prose_before_blocks,
    _short_runs,
    _short_runs_blocks,
    block_kind,
    char_class,
    good_distance,
    main_region,
    page_features,
    page_features_by_line,
    prose_before,
    short_runs,
    split_blocks,
)
from tests.conftest import bench_pages, seed_pages

STOPWORDS = Stopwords()
ENGLISH = STOPWORDS.get("en")


def page_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def spread(count: int) -> list[Path]:
    """Every ``len // count``-th traf-dev page: German, English, French, Spanish and more;
    skips the test without traf-dev."""
    paths = bench_pages("*.txt")
    return paths[:: len(paths) // count]


def block(kind: str, chars: int = 100) -> Block:
    """A one-line block of ``kind``: what the page-level functions look at."""
    return Block((0,), chars, True, 1.0, 0.4, 1.0, kind)


def kinds(*names: str) -> list[Block]:
    return [block(name) for name in names]


def test_blocks_are_runs_of_non_blank_lines() -> None:
    lines = [
        "Menu",
        "",
        "The council met on Tuesday.",
        "It decided to reopen the bridge.",
        "",
        "",
        "Share",
    ]
    stats = [LineStats.of(i, line, ENGLISH) for i, line in enumerate(lines) if line.strip()]
    blocks = split_blocks(stats)
    assert [b.lines for b in blocks] == [(0,), (2, 3), (6,)]
    prose = blocks[1]
    assert prose.chars == len(lines[2]) + 1 + len(lines[3]), "lines joined with a space"
    assert prose.ends_sentence and prose.lines_ending_sentence == 1.0
    assert not blocks[0].ends_sentence and blocks[0].kind == "short"


def test_block_kinds_follow_justext() -> None:
    assert block_kind(LENGTH_LOW - 1, 0.9) == "short"
    assert block_kind(LENGTH_HIGH + 1, 0.40) == "good"
    assert block_kind(LENGTH_HIGH, 0.40) == "near_good", "good only beyond LENGTH_HIGH"
    assert block_kind(LENGTH_HIGH + 1, 0.31) == "near_good"
    assert block_kind(LENGTH_HIGH + 1, 0.10) == "bad"


def test_main_region_is_the_densest_run_of_prose() -> None:
    blocks = [block("short", 50), block("good", 300), block("bad", 100), block("good", 300)]
    assert main_region(blocks) == (1, 4), "a short gap between good blocks stays inside"
    far_apart = [block("good", 300), block("bad", 1000), block("good", 200)]
    assert main_region(far_apart) == (0, 1), "a long stretch of furniture splits the prose"
    assert main_region(kinds("short", "bad")) == (0, 0), "no prose, no region"


def test_short_runs_count_the_menu_each_block_belongs_to() -> None:
    blocks = kinds("short", "short", "good", "short", "bad", "short", "short", "short")
    assert short_runs(blocks) == [2, 2, 0, 1, 0, 3, 3, 3]
    assert short_runs([]) == []


def test_good_distance_looks_both_ways() -> None:
    blocks = kinds("good", "short", "short", "bad", "good", "short")
    assert good_distance(blocks) == [0, 1, 2, 1, 0, 1]
    assert good_distance(kinds("short", "bad")) == [99, 99], "99: no good block at all"


def test_prose_before_is_the_last_non_short_block() -> None:
    blocks = kinds("good", "short", "bad", "short", "near_good", "short")
    assert prose_before(blocks) == [False, True, True, False, False, True]
    assert prose_before(blocks[::-1])[::-1] == [False, False, True, True, False, False]


def slow_char_counts(line: str) -> tuple[int, int, int, int]:
    """What ``_char_counts`` counts, one character at a time."""
    return (
        sum(c.isalpha() for c in line),
        sum(c.isdigit() for c in line),
        sum(c.isupper() for c in line),
        sum(c.isalnum() for c in line),
    )


@pytest.mark.parametrize(
    "line",
    [
        "",
        "Ab1 x",
        "Über 2 000 Menschen – ÄÖÜ äöü ß",
        "Ÿ² 東京 ½ ٣ Ⅻ",
        "\u00a0\t_[]{}@|©",
        "İstanbul ǅ ᾈ",
    ],
)
def test_char_counts_match_the_slow_count(line: str) -> None:
    assert _char_counts(line) == slow_char_counts(line)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_char_counts_match_the_slow_count_on_any_text(line: str) -> None:
    assert _char_counts(line) == slow_char_counts(line)


def test_char_counts_match_the_slow_count_on_seed_lines() -> None:
    for page in seed_pages():
        for line in page_lines(page):
            assert _char_counts(line) == slow_char_counts(line), line


def test_char_counts_match_the_slow_count_on_benchmark_lines() -> None:
    for page in spread(40):
        for line in page_lines(page):
            assert _char_counts(line) == slow_char_counts(line), (page.name, line)


@pytest.mark.parametrize("page", seed_pages(), ids=lambda p: p.stem)
def test_page_features_have_one_row_per_non_blank_line(page: Path) -> None:
    lines = page_lines(page)
    features = page_features(lines, ENGLISH)
    assert features.lines == [i for i, line in enumerate(lines) if line.strip()]
    assert len(features.line_parts) == len(features.blocks) == len(features.lines)
    assert all(len(part) == len(LINE_NAMES) for part in features.line_parts)
    assert all(len(part) == len(BLOCK_NAMES) for part in features.block_parts)
    assert features.blocks == sorted(features.blocks), "blocks in page order"
    assert set(features.blocks) == set(range(len(features.block_parts)))
    rows = features.rows()
    assert all(len(row) == len(LINE_NAMES) + len(BLOCK_NAMES) for row in rows)
    position = LINE_NAMES.index("position")
    assert [row[position] for row in rows] == sorted(row[position] for row in rows)


@pytest.mark.parametrize("page", seed_pages(), ids=lambda p: p.stem)
def test_blank_lines_change_no_feature(page: Path) -> None:
    """Position and blocks count non-blank lines and paragraph breaks, not blank lines,
    so that collapsing blank lines (a step after the classifier) changes nothing."""
    lines = page_lines(page)
    spread: list[str] = []
    for line in lines:
        spread += [line, ""] if not line.strip() else [line]
    once, twice = page_features(lines, ENGLISH), page_features(spread, ENGLISH)
    assert len(spread) > len(lines)
    assert once.rows() == twice.rows()
    assert once.blocks == twice.blocks
    assert [spread[i] for i in twice.lines] == [lines[i] for i in once.lines]


def all_features_at_least_zero(lines: list[str], stopwords: frozenset[str]) -> bool:
    features = page_features(lines, stopwords)
    return all(v >= 0 for part in features.line_parts + features.block_parts for v in part)


@pytest.mark.parametrize("page", seed_pages(), ids=lambda p: p.stem)
def test_features_are_never_negative(page: Path) -> None:
    """classify.Pulls looks only at negative weights for what pulls a score down: that
    is right only while no line or block feature is below 0."""
    assert all_features_at_least_zero(page_lines(page), ENGLISH)


def test_features_are_never_negative_on_benchmark_pages() -> None:
    for page in spread(60):
        assert all_features_at_least_zero(page_lines(page), STOPWORDS.get(None)), page.name


def same_features(lines: list[str], stopwords: frozenset[str]) -> bool:
    """Whether the array features are, value for value, the line-by-line ones."""
    fast, slow = page_features(lines, stopwords), page_features_by_line(lines, stopwords)
    return (fast.lines, fast.blocks, fast.line_parts, fast.block_parts) == (
        slow.lines,
        slow.blocks,
        slow.line_parts,
        slow.block_parts,
    )


@pytest.mark.parametrize("page", seed_pages(), ids=lambda p: p.stem)
def test_array_features_are_the_line_by_line_features(page: Path) -> None:
    assert same_features(page_lines(page), ENGLISH)


#: Lines that exercise the page-wide counts: words joined by "_", a capital whose lower
#: case is two characters (İ) or depends on what follows (Σ, final or not, across an
#: apostrophe), furniture marks in either case, overlapping and at a line's edges.
TRICKY_LINES = [
    "",
    " ",
    "The cat sat on the mat.",
    "© 2024 | Home",
    "İ ΑΣ",
    "snake_case and __init__ are one word each",
    "ΟΔΟΣ'Α ΟΔΟΣ. Σ",
    "(C) HTTP://WWW.EXAMPLE.COM a@b.c ||| (c)(c) httphttp www.www.",
    "@|",
    "ǅ ᾈ Ⅻ ½ ٣ 東京",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(TRICKY_LINES))
    | st.lists(st.text(max_size=40), max_size=12)
    | st.lists(st.text(alphabet=st.sampled_from("aA_İΣσ'. \u00a0@|(cC)httpw©東"), max_size=30))
)
def test_array_features_are_the_line_by_line_features_on_any_lines(lines: list[str]) -> None:
    lines = [line.replace("\n", " ") for line in lines]  # lines hold no line break
    assert same_features(lines, ENGLISH)


@pytest.mark.bench
@pytest.mark.parametrize("dev_set", ["traf-dev", "dragnet-dev"])
def test_array_features_are_the_line_by_line_features_on_every_dev_page(dev_set: str) -> None:
    for page in bench_pages("*.txt", dev_set):
        lines = page_lines(page)
        for lang in ("en", "de"):
            assert same_features(lines, STOPWORDS.get(lang)), (page.name, lang)


def test_the_cell_separator_of_a_table_row_is_no_pipe_in_html_mode() -> None:
    """The HTML text walk joins a row's cells with " | ": on such a line the bars are
    ours, so ``pipe`` stays 0; a page's own "|" between links still sets it, and the
    array features are the line-by-line ones with the layout as well."""
    from corpuskit.html import extract
    from corpuskit.steps.classify.markup import markup_features

    page = extract(
        "<p><a href=/>Home</a> | <a href=/about>About us</a></p>"
        "<table><tr><td>10,000 EUR</td><td>36 months</td><td>2.0 %</td></tr></table>"
        "<p>A paragraph of the article, long enough to be prose, with a comma.</p>"
    )
    lines = page.text.split("\n")
    assert page.layout is not None
    extra = markup_features(lines, page.layout)
    fast = page_features(lines, ENGLISH, extra)
    slow = page_features_by_line(lines, ENGLISH, extra)
    assert fast.line_parts == slow.line_parts
    pipe = dict(
        zip(
            (lines[at] for at in fast.lines),
            (part[LINE_NAMES.index("pipe")] for part in fast.line_parts),
            strict=True,
        )
    )
    assert pipe == {
        "Home | About us": 1.0,
        "10,000 EUR | 36 months | 2.0 %": 0.0,
        "A paragraph of the article, long enough to be prose, with a comma.": 0.0,
    }


def test_the_word_character_class_is_what_word_matches_on_every_code_point() -> None:
    """``_is_word`` (``isalnum`` or "_") is ``re``'s ``\\w``, and ``KEEPS`` holds where a
    character lowers to one character that is a word character when it was one: what
    ``PageText`` counts words by (checked on every code point of this Python's Unicode)."""
    for code in range(0x110000):
        char = chr(code)
        assert _is_word(char) == (WORD.fullmatch(char) is not None), hex(code)
        assert not (_is_word(char) and char.isspace()), hex(code)  # split() keeps words
        lower = char.lower()
        keeps = len(lower) == 1 and _is_word(lower) == _is_word(char)
        assert bool(char_class(code) & KEEPS) == keeps, hex(code)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(KINDS), max_size=14))
def test_block_measures_by_array_are_the_block_by_block_ones(kinds: list[str]) -> None:
    kind = np.array([KINDS.index(name) for name in kinds], dtype=np.int64)
    assert _prose_before_blocks(kind).tolist() == _prose_before(kinds)
    assert _prose_before_blocks(kind[::-1])[::-1].tolist() == _prose_before(kinds[::-1])[::-1]
    assert _short_runs_blocks(kind).tolist() == _short_runs(kinds)
    assert _good_distance_blocks(kind == 1).tolist() == _good_distance(kinds)
