"""classify_lines: the line model, what it leaves alone, and how it explains a removal."""

from __future__ import annotations

import json
import math
import pickle
from operator import mul
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.data import load_table
from corpuskit.document import Document, RemovedLine
from corpuskit.lexicon.stopwords import Stopwords
from corpuskit.pipeline import Pipeline
from corpuskit.recipes.defaults import preparation_steps
from corpuskit.steps.classify.decide import REMOVING, RULES
from corpuskit.steps.classify.features import NAMES, page_features
from corpuskit.steps.classify.step import (
    CONTEXT_NAMES,
    EDGE_SCORE,
    EXPLAINED_FEATURES,
    MIN_LINES,
    ClassifyLines,
    LineModel,
    context,
    judged_lines,
    judged_lines_by_line,
    ordered_dot,
)
from tests.conftest import bench_pages, bench_params, doc_from, seed_pages

STEP = ClassifyLines()
PREPARE = Pipeline(preparation_steps())


def prepared(path: Path) -> Document:
    """A page as ``classify_lines`` gets it in the default pipeline."""
    doc = PREPARE(doc_from(path.read_text(encoding="utf-8"), str(path)))
    assert isinstance(doc, Document)
    return doc


def pages() -> list[Any]:
    """Parameters: the seed pages and every 50th traf-dev page (skipped without it)."""
    seeds = [pytest.param(page, id=page.stem) for page in seed_pages()]
    return [*seeds, *bench_params(lambda: bench_pages("*.txt")[::50])]


def classified(path: Path) -> tuple[Document, Document]:
    doc = prepared(path)
    return doc, STEP(doc)


def removed(result: Document) -> list[RemovedLine]:
    return [line for edit in result.edits if edit.step == STEP.name for line in edit.lines]


def test_model_weights_are_read_by_name_and_a_feature_it_lacks_weighs_nothing() -> None:
    table = load_table("line_model")
    assert LineModel.from_table(table) == LineModel.default()
    reordered = dict(reversed(list(table["stage1"].items())))
    assert (
        LineModel.from_table({**table, "stage1": reordered}).weights == LineModel.default().weights
    )
    first = dict(table["stage1"])
    first.pop("pipe")  # as a model trained before the feature existed
    lacking = LineModel.from_table({**table, "stage1": first})
    at = lacking.names.index("pipe")
    assert lacking.weights[at] == 0.0
    assert lacking.weights[:at] + lacking.weights[at + 1 :] == tuple(map(float, first.values()))
    second = {**table["stage2"], "new_feature": 0.5}
    with pytest.raises(ValueError, match=r"new_feature.*retrain"):
        LineModel.from_table({**table, "stage2": second})


def test_short_pages_are_left_alone() -> None:
    # Two lines of page furniture from a seed page: too little context to judge them.
    lines = [line for line in seed_pages()[0].read_text(encoding="utf-8").split("\n") if line]
    short = doc_from(f"{lines[0]}\n\n{lines[1]}\n", lang="en")
    assert sum(1 for line in short.text.split("\n") if line.strip()) < MIN_LINES
    assert STEP(short) is short


@pytest.mark.parametrize("page", pages())
def test_a_cleaned_page_is_left_alone(page: Path) -> None:
    _, result = classified(page)
    if result.text == prepared(page).text:
        pytest.skip("the classifier removed nothing here")
    assert STEP(result) is result


@pytest.mark.parametrize("page", pages())
def test_each_removal_says_its_score_and_strongest_pulls_down(page: Path) -> None:
    _, result = classified(page)
    if not removed(result):
        pytest.skip("the classifier removed nothing here")
    threshold = STEP.model.threshold
    for line in removed(result):
        assert line.rule == "boilerplate" or line.rule in REMOVING
        score, *pulls = line.features.items()
        assert score[0] == "score"
        assert score[1] <= threshold or line.rule in REMOVING
        assert len(pulls) <= EXPLAINED_FEATURES
        assert all(name in (*NAMES, *CONTEXT_NAMES) for name, _ in pulls)
        values = [value for _, value in pulls]
        assert all(value <= 0 for value in values), "only pulls down are explained"
        assert values == sorted(values), "strongest first"


@pytest.mark.parametrize("page", pages())
def test_judged_scores_every_line_as_the_step_does(page: Path) -> None:
    """``judged`` (what ``corpuskit explain`` shows) removes what the step removes: the
    lines under the threshold but those the page-level decision kept back (which name
    their rule), with the same explanations; the others have a score too."""
    doc, result = classified(page)
    judged = STEP.judged(doc)
    assert judged, "a seed page is long enough to be judged"
    threshold = STEP.model.threshold
    back = {index for index, why in judged.items() if RULES & why.keys()}
    assert all(judged[index]["score"] <= threshold for index in back), "kept back: low"
    tail = {index for index, why in judged.items() if REMOVING & why.keys()}
    # Scores are rounded to 3 places: one a hair under the threshold shows as equal.
    low = ({index for index, why in judged.items() if why["score"] < threshold} - back) | tail
    low_or_equal = {index for index, why in judged.items() if why["score"] <= threshold} | tail
    assert low <= {line.number - 1 for line in removed(result)} <= low_or_equal
    for line in removed(result):
        why = {name: value for name, value in judged[line.number - 1].items()}
        for rule in REMOVING:
            assert why.pop(rule, None) == (1.0 if line.rule == rule else None)
        assert why == dict(line.features)
    lines = doc.text.split("\n")
    assert all(lines[index].strip() for index in judged), "blank lines are not scored"
    if result is not doc:
        assert STEP.judged(result) == {}, "a cleaned page is left alone"


def slow_explanations(doc: Document) -> dict[int, dict[str, float]]:
    """Every line's score below the threshold and its strongest pulls down, from the full
    feature rows: every feature of the line, its block and its context, sorted."""
    model = STEP.model
    features = page_features(doc.text.split("\n"), Stopwords().get(doc.lang))
    scores, extra = model.scores(features)
    names = (*NAMES, *CONTEXT_NAMES)
    out = {}
    for k, row in enumerate(features.rows()):
        if scores[k] < model.threshold:
            weighted = map(mul, model.context_weights, [*row, *extra[k]])
            pulls = sorted(zip(weighted, names, strict=True))
            strongest = {n: round(p, 3) for p, n in pulls[:EXPLAINED_FEATURES] if p < 0}
            out[features.lines[k] + 1] = {"score": round(scores[k], 3), **strongest}
    return out


@pytest.mark.parametrize("page", pages())
def test_explanations_match_a_slow_explanation(page: Path) -> None:
    doc, result = classified(page)
    back = {index + 1 for index, why in STEP.judged(doc).items() if RULES & why.keys()}
    slow = {number: why for number, why in slow_explanations(doc).items() if number not in back}
    low = {line.number: dict(line.features) for line in removed(result)}
    tail = {line.number for line in removed(result) if line.rule in REMOVING}
    assert {n: why for n, why in low.items() if n not in tail} == {
        n: why for n, why in slow.items() if n not in tail
    }


@pytest.mark.parametrize("page", pages())
def test_explanations_read_pickle_and_serialize_as_dicts(page: Path) -> None:
    """Explanations are worked out when read; to every reader they are plain dicts."""
    _, result = classified(page)
    lines = removed(result)
    if not lines:
        pytest.skip("the classifier removed nothing here")
    copied = pickle.loads(pickle.dumps(result))
    assert copied == result
    assert all(type(line.features) is dict for line in removed(copied))
    audited = json.loads(json.dumps(result.to_record(audit=True)))
    listed = [line for edit in audited["provenance"]["edits"] for line in edit.get("lines", ())]
    ours = ("boilerplate", *REMOVING)
    assert [line["features"] for line in listed if line["rule"] in ours] == [
        dict(line.features) for line in lines
    ]


@pytest.mark.parametrize("page", pages())
def test_classification_is_deterministic(page: Path) -> None:
    doc, result = classified(page)
    again = ClassifyLines()(prepared(page))
    copied = pickle.loads(pickle.dumps(STEP))(doc)
    assert result.text == again.text == copied.text
    assert result.edits == again.edits == copied.edits


def slow_context(first: list[float]) -> list[list[float]]:
    """``context`` as the mean of up to two scores on either side, written out."""
    out = []
    for k, own in enumerate(first):
        before, after = first[max(0, k - 2) : k], first[k + 1 : k + 3]
        previous = sum(before) / len(before) if before else EDGE_SCORE
        following = sum(after) / len(after) if after else EDGE_SCORE
        out.append([previous, following, math.tanh(own)])
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=-20, max_value=20), max_size=8))
def test_context_is_the_mean_score_around_each_line(first: list[float]) -> None:
    assert context(first).tolist() == slow_context(first)


FINITE = st.floats(-1e12, 1e12)


@given(st.integers(0, 6), st.lists(FINITE, min_size=1, max_size=40), st.data())
def test_ordered_dot_sums_as_python_sum_does(rows: int, weights: list[float], data: Any) -> None:
    """Every row's score is the float ``sum(map(mul, weights, row))`` makes, for pages of
    any number of lines (a one-line page included: numpy would sum it pairwise)."""
    cells = st.lists(FINITE, min_size=len(weights), max_size=len(weights))
    matrix = [data.draw(cells) for _ in range(rows)]
    found = ordered_dot(np.array(matrix, dtype=float).reshape(rows, len(weights)), weights)
    assert found.tolist() == [sum(map(mul, weights, row)) for row in matrix]


def same_judgment(lines: list[str], html: bool = False) -> bool:
    """Whether ``judged_lines`` gives, field for field and type for type, what the
    line-by-line definition gives (scores made up: the judgment only carries them)."""
    features = page_features(lines, Stopwords().get("en"))
    scores = [float(k % 7) - 3.0 for k in range(len(features.lines))]
    fast = judged_lines(lines, features, scores, html)
    slow = judged_lines_by_line(lines, features, scores, html)
    types = [[type(value) for value in line] for line in fast]
    return fast == slow and types == [[type(value) for value in line] for line in slow]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30).map(lambda line: line.replace("\n", " ")), max_size=12))
def test_judged_lines_are_the_line_by_line_judgment(lines: list[str]) -> None:
    assert same_judgment(lines)


@pytest.mark.bench
@pytest.mark.parametrize("dev_set", ["traf-dev", "dragnet-dev"])
def test_judged_lines_are_the_line_by_line_judgment_on_every_dev_page(dev_set: str) -> None:
    for page in bench_pages("*.txt", dev_set):
        assert same_judgment(prepared(page).text.split("\n")), page.name
