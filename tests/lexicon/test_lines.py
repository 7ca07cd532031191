"""Shared line views: their shortcuts for lines with single spaces change no answer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.lexicon.lines import (
    DECORATION,
    has_digit,
    line_key,
    line_keys,
    normalized,
    word_count,
)

#: Every character ``str.split`` splits on, decoration, letters that case-fold oddly.
WHITESPACE = [chr(c) for c in range(0x110000) if chr(c).isspace()]
TRICKY = st.text(
    alphabet=st.sampled_from([*WHITESPACE, *DECORATION, *"aZßΣς東İ7²_", "\u200b", "\x00"]),
    max_size=16,
)
ANY_LINE = st.one_of(TRICKY, st.text(max_size=40))


@settings(max_examples=500, deadline=None)
@given(ANY_LINE)
def test_line_key_is_the_trimmed_collapsed_casefolded_line(line: str) -> None:
    assert line_key(line) == " ".join(line.strip(DECORATION).split()).casefold()


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(ANY_LINE, st.sampled_from(["", "Home", " » Menu «", "Straße"]))))
def test_line_keys_are_each_lines_line_key(lines: list[str]) -> None:
    """A page's keys at once, joined and case folded as one string when every line
    allows it, else one by one (a line break inside a line, a run of spaces, an
    unprintable character): the same keys either way."""
    assert line_keys(lines) == [line_key(line) for line in lines]


@settings(max_examples=500, deadline=None)
@given(ANY_LINE)
def test_word_count_counts_what_split_finds(line: str) -> None:
    assert word_count(line) == len(line.split())


@settings(max_examples=500, deadline=None)
@given(ANY_LINE)
def test_normalized_ignores_case_and_runs_of_whitespace(line: str) -> None:
    assert normalized(line) == " ".join(line.split()).casefold()


@settings(max_examples=500, deadline=None)
@given(ANY_LINE)
def test_has_digit_is_any_isdigit(line: str) -> None:
    assert has_digit(line) == any(c.isdigit() for c in line)
