"""The pre-checks of ``CommentMarkers`` (``patterns.needed_class``) change no answer."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.steps.comments import CommentMarkers
from tests.conftest import bench_pages

MARKERS = CommentMarkers.default()
#: The same markers with every pattern tried on every line, as before the pre-checks.
UNCHECKED = dataclasses.replace(
    MARKERS,
    checks=(None,) * len(MARKERS.patterns),
    plain=MARKERS.patterns,
    signs=None,
)

#: Short lines made of what the marker patterns read: words they name, digits, signs.
PIECES = st.sampled_from(
    [
        "says",
        "Reply",
        "Comments",
        "12",
        "3:19",
        "am",
        "on",
        "October",
        "2012",
        ":",
        "…",
        "...",
        "(",
        "4",
        ")",
        "+",
        "-",
        "points",
        "ago",
        "hours",
        ".",
        "/",
        "Posted by:",
        "x",
    ]
)
LINES = st.lists(PIECES, max_size=12).map(" ".join) | st.text(max_size=90)


def test_the_shipped_patterns_have_pre_checks() -> None:
    """The costly patterns are the ones checked: speaker lines need a colon or dots,
    votes, times and dates a digit (a table change that loses them is only slower)."""
    assert MARKERS.checks[2] is not None and MARKERS.checks[3] is not None
    assert MARKERS.signs is not None and len(MARKERS.plain) == 2


@settings(max_examples=500, deadline=None)
@given(LINES)
def test_pre_checks_change_no_kind(line: str) -> None:
    assert MARKERS.kind(line) == UNCHECKED.kind(line)


@given(LINES)
def test_a_line_a_pattern_matches_passes_its_check(line: str) -> None:
    text = line.strip()
    for (_, pattern), check in zip(MARKERS.patterns, MARKERS.checks, strict=True):
        if check is not None and pattern.fullmatch(text):
            assert check.search(text) and MARKERS.signs and MARKERS.signs.search(text)


@pytest.mark.bench
def test_pre_checks_change_no_kind_on_any_dev_line() -> None:
    pages = bench_pages("*.txt") + bench_pages("*.txt", "dragnet-dev")
    for page in pages:
        for line in page.read_text("utf-8", errors="replace").split("\n"):
            assert MARKERS.kind(line) == UNCHECKED.kind(line), (page.name, line)
