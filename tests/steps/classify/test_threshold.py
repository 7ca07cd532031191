"""``classify_lines``' threshold and its presets: a line goes when its score is below
the threshold in force, so moving it up removes a superset of the lines, and down a
subset; the default is the model's own. The page-level decision (``decide.py``), which
keeps some lines below the threshold, is off here (``line_model_only``): it is what the
threshold alone does that these tests check."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Literal

import pytest

from corpuskit.data import load_table
from corpuskit.document import Document
from corpuskit.steps.classify.step import FAVOR_SHIFTS, ClassifyLines
from tests.steps.classify.test_classify import pages, prepared


def line_model_only(
    threshold: float | None = None, favor: Literal["balanced", "precision", "recall"] = "balanced"
) -> ClassifyLines:
    """``classify_lines`` without the page-level decision."""
    return ClassifyLines(threshold=threshold, favor=favor, decision=None, html_decision=None)


def removed_lines(step: ClassifyLines, doc: Document) -> set[int]:
    result = step(doc)
    return {line.number for edit in result.edits if edit.step == step.name for line in edit.lines}


def removed_with_scores(step: ClassifyLines, doc: Document) -> dict[int, float]:
    result = step(doc)
    return {
        line.number: line.features["score"]
        for edit in result.edits
        if edit.step == step.name
        for line in edit.lines
    }


def test_the_default_is_the_model_threshold() -> None:
    step = ClassifyLines()
    assert step.threshold_of(step.model) == step.model.threshold
    assert step.threshold_of(step.html_model) == step.html_model.threshold
    # The decision, and the closing punctuation it reads a sentence going on by, change
    # outputs: they are part of the step's identity.
    assert set(step.config) == {
        "model",
        "threshold",
        "html_model",
        "decision",
        "html_decision",
        "closing",
    }
    assert step.config["closing"] == list(load_table("paragraphs")["punctuation"]["closing"])
    assert ClassifyLines(favor="precision").config["favor"] == "precision"
    assert ClassifyLines(threshold=0.5).config["given_threshold"] == 0.5


def test_presets_move_the_threshold_the_way_they_say() -> None:
    assert FAVOR_SHIFTS["precision"] > 0 > FAVOR_SHIFTS["recall"]
    assert FAVOR_SHIFTS["balanced"] == 0


def test_a_threshold_and_a_preset_are_not_both_given() -> None:
    with pytest.raises(ValueError, match="not both"):
        ClassifyLines(threshold=0.5, favor="recall")
    with pytest.raises(ValueError, match="favor: one of"):
        ClassifyLines(favor="strict")  # type: ignore[arg-type]


@pytest.mark.parametrize("page", pages())
def test_precision_removes_more_and_recall_less(page: Path) -> None:
    doc = prepared(page)
    balanced = removed_lines(line_model_only(), doc)
    precision = removed_lines(line_model_only(favor="precision"), doc)
    recall = removed_lines(line_model_only(favor="recall"), doc)
    assert recall <= balanced <= precision
    assert ClassifyLines(favor="balanced")(doc).text == ClassifyLines()(doc).text


@pytest.mark.parametrize("page", pages())
def test_a_given_threshold_is_where_lines_are_cut(page: Path) -> None:
    doc = prepared(page)
    scores = removed_with_scores(line_model_only(threshold=10.0), doc)  # nearly every line
    if not scores:
        pytest.skip("the classifier judged nothing here")
    # Scores are recorded rounded to 3 places: cut halfway between two that are apart.
    values = sorted(set(scores.values()))
    gaps = [(a, b) for a, b in pairwise(values) if b - a > 0.002]
    if not gaps:
        pytest.skip("no two scores apart here")
    low, high = gaps[len(gaps) // 2]
    middle = (low + high) / 2
    cut = removed_with_scores(line_model_only(threshold=middle), doc)
    assert cut == {number: score for number, score in scores.items() if score < middle}
