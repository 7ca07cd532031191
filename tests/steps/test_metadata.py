from __future__ import annotations

import pytest

from corpuskit.lexicon.metadata import MetadataVocabulary
from corpuskit.steps.headlines import body_start
from corpuskit.steps.metadata import LiftMetadata, header_end
from tests.conftest import doc_from, load_cases

VOCABULARY = MetadataVocabulary.default()


@pytest.mark.parametrize("case", load_cases("metadata_lines"), ids=lambda c: c["line"][:40])
def test_metadata_lines(case: dict[str, str | None]) -> None:
    line = str(case["line"])
    if case["field"] == "author":
        assert VOCABULARY.author(line) == case["value"]
        return
    found = VOCABULARY.date(line)
    expected = (case["field"], case["value"]) if case["field"] else None
    assert found == expected
    if expected is None:
        assert VOCABULARY.author(line) is None


def test_repeated_headline_becomes_title() -> None:
    page = "Logo\nBig storm hits the coast\n\nBig storm hits the coast\nBy Ana Ruiz\n" + (
        "The storm reached the coast on Monday night and flooded several villages nearby.\n"
        "Big storm hits the coast"
    )
    doc = LiftMetadata()(doc_from(page))
    assert doc.title == "Big storm hits the coast"
    assert doc.author == "Ana Ruiz"
    rules = [(r.number, r.rule) for r in doc.edits[-1].lines]
    assert rules == [
        (2, "headline"),
        (4, "repeated_headline"),
        (5, "byline"),
        (7, "repeated_headline"),
    ]
    assert set(doc.edits[-1].fields) == {"title", "author"}


def test_line_before_byline_is_headline() -> None:
    doc = LiftMetadata()(doc_from("Neue Brücke eröffnet\n\nVon Anna Muster\nDie Brücke ist offen."))
    assert (doc.title, doc.author, doc.text) == (
        "Neue Brücke eröffnet",
        "Anna Muster",
        "\nDie Brücke ist offen.",
    )


def test_no_headline_is_invented() -> None:
    page = "A standfirst line that has a full stop at its end, like seed 004 has.\nMore text."
    doc = LiftMetadata()(doc_from(page))
    assert doc is not None and doc.title is None


def test_known_title_is_kept_and_its_copies_removed() -> None:
    doc = LiftMetadata()(
        doc_from("Site headline here\nText of the page.", title="Site headline here")
    )
    assert doc.title == "Site headline here"
    assert doc.text == "Text of the page."
    assert doc.edits[-1].removed == {"repeated_headline": 1}
    assert doc.edits[-1].fields == ()


def test_first_date_wins_and_all_datelines_go() -> None:
    doc = LiftMetadata()(doc_from("5 Feb 2026\nText.\nUpdated on 6 Feb 2026\n7 Feb 2026"))
    assert doc.published == "2026-02-05"
    assert doc.meta["modified"] == "2026-02-06"
    assert doc.text == "Text."


def test_a_date_inside_a_sentence_is_no_dateline() -> None:
    """A link split "November 12, 1938" off its sentence: it stays in the text and dates
    nothing; the same date on a line of its own, or after a short "Posted on", is a
    dateline."""
    page = (
        "Posted on\n5 Feb 2026\nby Ana Ruiz\n\n"
        "It was on this day,\nNovember 12, 1938\n, that the bridge opened to traffic."
    )
    doc = LiftMetadata()(doc_from(page))
    assert doc.published == "2026-02-05"
    assert "November 12, 1938" in doc.text
    assert "5 Feb 2026" not in doc.text
    alone = LiftMetadata()(doc_from("It was on this day.\nNovember 12, 1938\n\nThe bridge."))
    assert "November 12" not in alone.text
    assert alone.published == "1938-11-12"


def test_byline_only_in_header() -> None:
    prose = "This first paragraph is long enough to count as prose and it ends with a stop."
    doc = LiftMetadata()(doc_from(f"{prose}\nBy Ana Ruiz"))
    assert doc.author is None


def test_header_end() -> None:
    lines = [
        "Logo",
        "",
        "Headline",
        "This sentence has more than twelve words in it, so it is prose.",
    ]
    assert header_end(lines) == 3
    assert header_end(["x"] * 80) == 60
    assert header_end(["5 Feb 2026", *lines], ["dateline", None, None, None, None]) == 4


BODY = (
    "The rain returned to the dry south of Spain on Monday, ending a drought of two years.\n"
    "Farmers in the south said the rain came too late for this year's harvest of grain.\n"
)


def test_headline_whose_words_the_body_repeats() -> None:
    page = "Home\nNews\nSport\nRain returns to the dry south of Spain\nShare this\n" + BODY
    doc = LiftMetadata()(doc_from(page))
    assert doc.title == "Rain returns to the dry south of Spain"
    # A guess fills the field and leaves the text whole.
    assert doc.text == page
    assert doc.edits[-1].lines == () and set(doc.edits[-1].fields) == {"title"}


def test_the_headline_wins_over_teasers_the_body_does_not_repeat() -> None:
    page = (
        "Most read\nCity council votes on the new budget\nA museum opens its doors\n\n"
        "Rain returns to the dry south of Spain\n\n" + BODY
    )
    assert LiftMetadata()(doc_from(page)).title == "Rain returns to the dry south of Spain"


def test_body_starts_at_the_dense_run_of_long_lines() -> None:
    # A lone long line among menu lines (a cookie notice) is not where the body starts.
    assert body_start([12] + [1] * 25 + [15, 20, 18]) == 26
    assert body_start([]) is None


def test_the_ranker_gives_the_title_and_a_sure_rule_still_removes_its_line() -> None:
    # The line before the byline is removed as the headline by its print (the text does
    # not depend on the ranker); the title is the ranker's best line, sure enough here
    # (the body repeats its words), and it stays in the text.
    head = "Rain returns to the dry south of Spain"
    body = [
        "The rain returned to the dry south of Spain on Monday, ending a drought.",
        "Farmers in the south of Spain said the rain came too late for the harvest.",
    ]
    page = "\n".join(["Home", "", head, "", "From our weather desk today", "By Ana Ruiz", *body])
    step = LiftMetadata()
    doc = step(doc_from(page))
    removed = [(r.number, r.rule, dict(r.features)) for r in doc.edits[-1].lines]
    assert removed == [(5, "headline", {"before_byline": 1.0}), (6, "byline", {})]
    assert doc.title == head and head in doc.text.split("\n")
    judged = step.judged(doc_from(page))
    assert list(judged) == [2] and 0.5 < judged[2]["headline"] <= 1
    assert step.judged(doc) == {}  # a page the step has judged already
