"""The page-level decision of ``classify_lines`` (``steps/classify/decide.py``): which
lines scoring below the threshold it keeps, and that it keeps nothing else."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

from hypothesis import example, given
from hypothesis import strategies as st

from corpuskit.document import Document, Source, make_document
from corpuskit.pipeline import Pipeline
from corpuskit.recipes.defaults import preparation_steps
from corpuskit.steps.classify.decide import (
    AFTER_ARTICLE,
    DETACHED,
    REMOVING,
    RULES,
    Decision,
    Judged,
    best_block,
    keep_back,
    kept_runs,
    paragraph_words,
)
from corpuskit.steps.classify.step import ClassifyLines

LINES = st.lists(
    st.builds(
        Judged,
        st.floats(-8, 8),
        st.integers(0, 40),
        st.booleans(),
        st.sampled_from([".", ":", "s", "|", ""]),
        st.booleans(),
        st.booleans(),
    ),
    max_size=60,
)

#: A short post between a menu and a footer, written for this test.
POST = """Home
News
Sport
Contact

The village fete raised money for the new roof of the church this summer.

Volunteers baked cakes, ran the tombola and sold second-hand books all afternoon.

Imprint
Privacy"""


@given(LINES, st.floats(-2, 2))
@example(  # a line kept back after a colon, then removed past the article's end
    [Judged(0.0, 9, False, "."), Judged(0.0, 24, False, "."), Judged(0.0, 27, False, "."),
     Judged(-1.0, 7, False, "."), Judged(0.0, 0, False, ":"), Judged(-1.0, 0, False, ".")],
    0.0,
)  # fmt: skip
def test_only_low_lines_without_marks_of_furniture_are_kept_back(
    lines: list[Judged], threshold: float
) -> None:
    decision = Decision(colon_run=12)
    rules = keep_back(lines, threshold, decision)
    # the keep-back rules alone: the page's end and the runs apart turned off
    back = keep_back(lines, threshold, replace(decision, tail_words=0, detached_gap=0))
    assert len(rules) == len(lines)
    for line, rule, first in zip(lines, rules, back, strict=True):
        if rule in RULES:
            assert line.score < threshold
        if rule == AFTER_ARTICLE:
            assert line.words <= Decision().tail_short
        if rule in REMOVING:  # removes what was kept: by its score, or kept back first
            assert line.score >= threshold or first in RULES
        if rule in ("in_context", "after_colon"):
            assert not line.furniture and line.words <= Decision().context_words


@given(LINES, st.floats(-2, 2))
def test_a_page_with_enough_kept_words_is_not_rescued(
    lines: list[Judged], threshold: float
) -> None:
    kept = sum(line.words for line in lines if line.score >= threshold)
    rules = keep_back(lines, threshold, Decision())
    if kept >= Decision().rescue_words:
        assert "best_block" not in rules


@given(LINES, st.floats(-2, 2))
def test_the_best_block_is_one_run_holding_the_best_line(
    lines: list[Judged], threshold: float
) -> None:
    run = best_block(lines, threshold, Decision().rescue_share)
    assert 0 <= run.start <= run.stop <= len(lines)
    if run:
        assert sum(line.words for line in lines[run.start : run.stop]) > 0


def test_a_menu_between_two_paragraphs_does_not_come_back() -> None:
    prose = Judged(2.0, 40, False, ".")  # enough words: no rescue
    menu = [Judged(-2.0, 1, False, "s") for _ in range(Decision().context_run + 1)]
    assert keep_back([prose, *menu, prose], 0.0, Decision()) == [None] * (len(menu) + 2)


def test_short_lines_after_the_article_and_a_break_go() -> None:
    """Past the article's last long line and a removed line after it, short lines go
    whatever their score; short lines right after it, or before it, stay."""
    prose, teaser = Judged(2.0, 40, False, "."), Judged(1.0, 5, False, "s")
    share = Judged(-2.0, 1, True, "s")  # removed, and never kept back in context
    rules = keep_back([teaser, prose, teaser, share, teaser, teaser], 0.0, Decision())
    assert rules == [None, None, None, None, AFTER_ARTICLE, AFTER_ARTICLE]
    page = [prose, prose, share, teaser]
    assert keep_back(page, 0.0, Decision(tail_words=0)) == [None] * 4


@given(LINES, st.floats(-2, 2))
def test_a_detached_line_comes_after_a_long_line_that_stays(
    lines: list[Judged], threshold: float
) -> None:
    """A line goes as ``detached`` only after the article, which stays: a long line
    kept before it."""
    decision = Decision()
    rules = keep_back(lines, threshold, decision)
    stays = [
        rule in RULES or (rule is None and line.score >= threshold)
        for line, rule in zip(lines, rules, strict=True)
    ]
    words = paragraph_words(lines, stays, decision)
    for k, rule in enumerate(rules):
        if rule == DETACHED:
            before = [j for j in range(k) if stays[j] and words[j] >= decision.tail_words]
            assert before, "the article stays, before the detached line"


@given(st.lists(st.booleans(), max_size=40), st.integers(0, 5))
def test_kept_runs_cover_the_kept_lines_in_order(kept: list[bool], gap: int) -> None:
    runs = kept_runs(kept, gap)
    flat = [k for run in runs for k in run]
    assert flat == ([k for k, keep in enumerate(kept) if keep] if gap else [])
    for before, after in pairwise(runs):
        assert after[0] - before[-1] > gap, "runs are cut by at least gap removed lines"
    for run in runs:
        assert all(b - a <= gap for a, b in pairwise(run)), "and only there"


def test_prose_a_menu_away_from_the_article_goes() -> None:
    """A paragraph kept after the article but three removed lines away from it (an
    author's box after the share buttons) goes, whatever its score; two removed lines
    (a caption inside the article) do not cut it off; a run as long as the article stays."""
    prose, aside = Judged(2.0, 40, False, "."), Judged(3.0, 25, False, ".")
    menu = Judged(-2.0, 1, True, "s")  # removed, and never kept back in context
    rules = keep_back([prose, prose, menu, menu, menu, aside], 0.0, Decision())
    assert rules == [None] * 5 + [DETACHED]
    assert keep_back([prose, prose, menu, menu, aside], 0.0, Decision()) == [None] * 5
    long = [prose, menu, menu, menu, prose]
    assert keep_back(long, 0.0, Decision()) == [None] * 5
    assert (
        keep_back([prose, prose, *[menu] * 3, aside], 0.0, Decision(detached_gap=0)) == [None] * 6
    )


@given(LINES, st.lists(st.booleans(), min_size=60, max_size=60))
def test_a_paragraph_is_a_run_of_kept_lines_holding_at_least_each_lines_words(
    lines: list[Judged], keep: list[bool]
) -> None:
    """A kept line's paragraph holds its words or more, the same words for every line of
    it, and only lines without a blank line before them join the one above."""
    kept = keep[: len(lines)]
    words = paragraph_words(lines, kept, Decision())
    for k, (line, keep_line) in enumerate(zip(lines, kept, strict=True)):
        assert words[k] == 0 if not keep_line else words[k] >= line.words
        if words[k] > line.words:  # part of a wrapped paragraph: so is a neighbour
            same = [j for j in (k - 1, k + 1) if 0 <= j < len(lines) and words[j] == words[k]]
            assert same and all(kept[j] for j in same)
    assert paragraph_words(lines, kept, Decision(wrap_going_on=2.0)) == [
        line.words if keep_line else 0 for line, keep_line in zip(lines, kept, strict=True)
    ]


def test_a_paragraph_wrapped_over_short_lines_is_the_article() -> None:
    """A dump with hard line breaks inside its paragraphs (no line of ``tail_words``)
    below a long blurb: its paragraphs count whole, so ``after_article`` does not cut
    them off after the blurb; a menu below (lines that do not go on) still goes."""
    blurb = Judged(1.0, 30, False, ".")
    menu = Judged(-2.0, 1, True, "s")
    wrapped = [
        Judged(1.0, 12, False, "s"),
        Judged(1.0, 12, False, "s", False, True),
        Judged(1.0, 9, False, ".", False, True),
    ]
    teaser = [Judged(1.0, 3, False, "s"), Judged(1.0, 4, False, "s", False)]
    page = [blurb, menu, *wrapped, menu, *wrapped, menu, *teaser]
    rules = keep_back(page, 0.0, Decision())
    assert rules == [None] * 10 + [AFTER_ARTICLE] * 2
    unwrapped = keep_back(page, 0.0, Decision(wrap_going_on=2.0))
    cut = [AFTER_ARTICLE] * 3
    assert unwrapped == [None, None, *cut, None, *cut, None, *cut[:2]]


def test_a_heading_between_two_paragraphs_stays() -> None:
    prose = Judged(2.0, 40, False, ".")  # enough words: no rescue
    heading = Judged(-1.0, 4, False, "s")
    assert keep_back([prose, heading, prose], 0.0, Decision()) == [None, "in_context", None]


def prepared(text: str) -> Document:
    doc = Pipeline(preparation_steps())(make_document(text, Source("post.txt")))
    assert isinstance(doc, Document)
    return doc


def test_a_page_the_model_would_empty_keeps_its_best_block() -> None:
    """With a threshold above every score the line model alone empties the page; the
    decision keeps the post's two paragraphs, not the menu or the footer, and ``judged``
    names the rule (what ``corpuskit explain`` shows)."""
    doc = prepared(POST)
    alone = ClassifyLines(threshold=10.0, decision=None)(doc)
    assert not alone.text.strip()
    step = ClassifyLines(threshold=10.0)
    kept = [line for line in step(doc).text.split("\n") if line.strip()]
    assert kept == [line for line in POST.split("\n") if len(line) > 40]
    judged = step.judged(doc)
    lines = doc.text.split("\n")
    assert {lines[at] for at, why in judged.items() if "best_block" in why} == set(kept)
