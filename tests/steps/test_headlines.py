"""The headline ranker of ``lift_metadata`` (corpuskit/steps/headlines.py)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpuskit.data import load_table
from corpuskit.document import Document, Source, make_document
from corpuskit.lexicon.lines import normalized, word_count
from corpuskit.lexicon.metadata import MetadataVocabulary
from corpuskit.pipeline import Pipeline
from corpuskit.steps.headlines import (
    BEFORE_BODY,
    CONTENT_WORD,
    INTO_BODY,
    LEAD_WORDS,
    NAMES,
    HeadlineModel,
    _metadata_near,
    byline_lead,
    candidates,
    content_words,
    lead_ends,
    measured,
)
from corpuskit.steps.metadata import LiftMetadata

LEADS = MetadataVocabulary.default().leads
BODY = [
    "The rain returned to the dry south of Spain on Monday, ending a drought of two years.",
    "Farmers in the south said the rain came too late for this year's harvest of grain.",
    "Reservoirs in Andalusia were at a quarter of their capacity before the rain began.",
]


def test_the_shipped_model_has_a_weight_for_every_feature() -> None:
    assert set(load_table("headline_model")["weights"]) == set(NAMES)
    model = HeadlineModel.default()
    assert len(model.weights) == len(NAMES) and 0 < model.threshold < 1


def test_headline_far_above_the_body_behind_a_share_block() -> None:
    share = ["Share", "Tweet", "Email", "Print", "Comments (12)"] * 4
    lines = ["Home", "World", "", "Rain returns to the dry south of Spain", "", *share, "", *BODY]
    found = HeadlineModel.default().best(lines, [None] * len(lines), LEADS)
    assert found is not None and lines[found[0]] == "Rain returns to the dry south of Spain"


def test_a_page_without_a_headline_gets_none() -> None:
    lines = ["A standfirst line that has a full stop at its end, like this one.", "More text."]
    assert HeadlineModel.default().best(lines, [None, None], LEADS) is None
    assert HeadlineModel.default().best([], [], LEADS) is None


def test_lifted_lines_are_not_candidates() -> None:
    lines = ["Rain returns to the dry south of Spain", "Rain returns to Spain", *BODY]
    reasons = ["headline", None, None, None, None]
    assert [index for index, _ in candidates(lines, reasons, LEADS)] == [1]


def test_lines_that_cannot_be_headlines_are_not_scored() -> None:
    # Full sentences (the body's lines) and a menu item the body does not repeat.
    lines = ["Home", "Rain returns to the dry south of Spain", *BODY]
    assert [index for index, _ in candidates(lines, [None] * len(lines), LEADS)] == [1]


@given(st.lists(st.sampled_from(["", "Home", "Rain returns to Spain", BODY[0], "By Ana"])))
def test_candidates_are_bounded_and_have_every_feature(lines: list[str]) -> None:
    found = candidates(lines, [None] * len(lines), LEADS)
    assert len(found) <= BEFORE_BODY + INTO_BODY + 1
    assert all(len(row) == len(NAMES) for _, row in found)
    assert all(lines[index].strip() for index, _ in found)


def test_work_grows_with_the_window_not_the_page() -> None:
    # A page 100 times longer has no more candidates: the work per page is bounded
    # beyond the linear passes (word counts, copies) over its lines.
    short = ["Home", "Rain returns to the dry south of Spain", *BODY] * 3
    long = short * 100
    assert len(candidates(long, [None] * len(long), LEADS)) <= BEFORE_BODY + INTO_BODY + 1
    assert 0 < len(candidates(short, [None] * len(short), LEADS)) <= len(short)


def test_the_ranker_never_changes_the_text() -> None:
    # A ranked headline is a guess: it fills the title and leaves every line in place.
    model = HeadlineModel.default()
    on, off = LiftMetadata(), LiftMetadata(headlines=HeadlineModel(model.weights, 2.0))
    pages = sorted((Path(__file__).parents[2] / "fixtures" / "pages").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in pages]
    texts.append("\n".join(["Home", "", "Rain returns to the dry south of Spain", "", *BODY]))
    for text in texts:
        doc = make_document(text, Source("-"))
        assert on(doc).text == off(doc).text
    assert on(make_document(texts[-1], Source("-"))).title is not None


def test_copies_of_a_line_add_up_their_odds() -> None:
    # The same headline above the share bar and again above the body is one headline:
    # alone, each copy's share of the odds is below the threshold.
    share = ["Share", "Tweet", "Email"]
    head = "Rain returns to the dry south of Spain"
    lines = ["Home", head, *share, "Spain's farmers count the cost", *share, head, *BODY]
    model = HeadlineModel.default()
    found = model.best(lines, [None] * len(lines), LEADS)
    assert found is not None and lines[found[0]] == head
    scored = [(model.score(row), i) for i, row in candidates(lines, [None] * len(lines), LEADS)]
    odds = {i: math.exp(score) for score, i in scored}
    alone = max(odds[i] for i in odds if lines[i] == head) / sum(odds.values())
    assert found[1] == pytest.approx(
        sum(o for i, o in odds.items() if lines[i] == head) / sum(odds.values())
    )
    assert found[1] > alone


def test_the_model_digest_is_in_the_step_config() -> None:
    model = HeadlineModel.default()
    other = HeadlineModel(model.weights, model.threshold + 0.01)
    assert LiftMetadata().config["headline_model"] == model.digest != other.digest
    assert LiftMetadata(headlines=other).config["headline_model"] == other.digest


LINE_TEXT = st.text(st.sampled_from("aZß ΣΑς\u00a0\t.1"), max_size=12).filter(str.strip)


@given(st.lists(LINE_TEXT, max_size=8))
def test_measured_is_normalized_and_word_count_of_each_line(texts: list[str]) -> None:
    """The page-at-once path (all lines printable, single spaces) and the line-by-line
    one give each line's own ``normalized`` and ``word_count``."""
    assert measured(texts) == ([normalized(t) for t in texts], [word_count(t) for t in texts])


@given(
    st.lists(st.sampled_from(["", "Home", "5 May 2024", "By Ana"]), max_size=12),
    st.integers(0, 12),
    st.integers(0, 12),
)
def test_metadata_near_some_kept_lines_is_their_part_of_all(
    lines: list[str], low: int, high: int
) -> None:
    """``_Page`` asks ``_metadata_near`` about the kept lines near the window only."""
    reasons = [{"5 May 2024": "dateline", "By Ana": "byline"}.get(line) for line in lines]
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    kept = [i for i in nonblank if not reasons[i]]
    after, before = _metadata_near(nonblank, reasons, kept)
    assert _metadata_near(nonblank, reasons, kept[low:high]) == (after[low:high], before[low:high])


def test_a_byline_split_at_its_name_marks_the_line_above_it() -> None:
    # "By" / "Ana Ruiz": the byline rule reads neither line, the ranker sees a byline
    # under the headline (``metadata_next``) and not under the standfirst.
    head, standfirst = "Rain returns to the dry south of Spain", "Farmers count the cost"
    lines = ["Home", "World", head, standfirst, "By", "Ana Ruiz", *BODY]
    reasons = LiftMetadata().marked(lines)[0]
    assert reasons[4] is None and reasons[5] is None  # not a byline to the rule
    rows = dict(candidates(lines, reasons, LEADS))
    column = NAMES.index("metadata_next")
    assert rows[2][column] == 1.0 and rows[3][column] == 1.0
    far = [*lines[:3], "Share", *lines[3:]]  # the headline three lines above the lead
    rows = dict(candidates(far, LiftMetadata().marked(far)[0], LEADS))
    assert rows[2][column] == 0.0 and rows[4][column] == 1.0


@pytest.mark.parametrize("lead", sorted(LEADS))
def test_every_prefix_of_the_vocabulary_is_a_lead(lead: str) -> None:
    line, dated = lead.title() + ":", f"12.05.2024 {lead}"
    assert byline_lead(line, word_count(line), LEADS)
    assert byline_lead(dated, word_count(dated), LEADS) == (word_count(dated) <= LEAD_WORDS)
    assert not byline_lead(f"{lead} Ana Ruiz", word_count(lead) + 2, LEADS)


@given(
    st.lists(st.sampled_from(["by", "Posted", "on", "Ana", "2012", "von", ":", "the"]), max_size=8)
)
def test_a_lead_is_a_short_line_whose_last_words_are_a_prefix(words: list[str]) -> None:
    line = " ".join(words)
    tail = line.casefold().rstrip(" :").split()
    expected = len(words) <= LEAD_WORDS and any(
        " ".join(tail[i:]) == lead for i in range(len(tail)) for lead in LEADS
    )
    assert byline_lead(line, len(words), LEADS) == expected


@given(
    st.lists(st.sampled_from(["by", "Posted", "on", "Ana", "von", ":", "Text", "By:"]), max_size=6),
    st.sets(st.sampled_from(["by", "posted on", "on", "von ", "text  von", "text von", ""])),
)
def test_the_last_word_check_leaves_byline_lead_as_it_was(
    words: list[str], leads: set[str]
) -> None:
    # ``byline_lead`` first asks whether the line's last word ends a lead
    # (``lead_ends``): the answer is the full look-up's, for any leads, given or not,
    # including leads it can never match ("von ", "text  von": not single-spaced).
    line = " ".join(words)
    tail = line.casefold().rstrip(" :").split()
    expected = len(words) <= LEAD_WORDS and any(
        " ".join(tail[i:]) in leads for i in range(len(tail))
    )
    assert byline_lead(line, len(words), leads) == expected
    assert byline_lead(line, len(words), leads, lead_ends(leads)) == expected
    assert byline_lead(line, len(words), frozenset(leads)) == expected


@given(st.text(alphabet="abzXYZ_09 -'.İıßéŉ\u0307", max_size=30))
def test_content_words_of_a_line_are_its_long_words_case_folded(line: str) -> None:
    # ASCII lines take a shorter path (lowered, then matched): the same words
    assert content_words(line) == {word.casefold() for word in CONTENT_WORD.findall(line)}


def test_a_custom_vocabulary_changes_the_bylines_and_the_ranker_alike() -> None:
    # A recipe's vocabulary with one more byline prefix: the byline rule reads it on a
    # line with the name, and the ranker reads it as a split byline's lead ("Crónica
    # de" / "Ana Ruiz"), so the line right above it becomes the title.
    table = dict(load_table("metadata"))
    table["byline_prefixes"] = [*table["byline_prefixes"], "crónica de"]
    custom = MetadataVocabulary.from_table(table)
    assert "crónica de" in custom.leads and "crónica de" not in LEADS
    head, standfirst = "Rain returns to the dry south of Spain", "Farmers count the cost"
    share = ["Share", "Tweet", "Email"]
    split = ["Inicio", "Noticias", head, *share, standfirst, "Crónica de", "Ana Ruiz", *BODY]
    joined = ["Inicio", head, "Crónica de Ana Ruiz", *BODY]
    runs = {}
    for name, vocabulary in (("default", MetadataVocabulary.default()), ("custom", custom)):
        pipeline = Pipeline([LiftMetadata(vocabulary=vocabulary)])
        runs[name] = [pipeline(make_document("\n".join(p), Source("-"))) for p in (split, joined)]
    (split_default, joined_default), (split_custom, joined_custom) = runs["default"], runs["custom"]
    assert isinstance(split_default, Document) and isinstance(split_custom, Document)
    assert isinstance(joined_default, Document) and isinstance(joined_custom, Document)
    assert (split_default.title, split_custom.title) == (head, standfirst)
    assert split_default.text == split_custom.text  # the ranker's line stays in the text
    assert (joined_default.author, joined_custom.author) == (None, "Ana Ruiz")
    assert "Crónica de Ana Ruiz" not in joined_custom.text.split("\n")
