from __future__ import annotations

from corpuskit.document import Drop
from corpuskit.explain import explain
from corpuskit.recipes.defaults import default_pipeline
from tests.conftest import doc_from, seed_pages


def test_every_line_of_the_seed_is_explained() -> None:
    page = seed_pages()[1]
    text = page.read_text(encoding="utf-8")
    explanation = explain(doc_from(text), default_pipeline())
    assert [v.text for v in explanation.lines] == text.split("\n")
    verdicts = {v.text: (v.step, v.rule) for v in explanation.lines if v.text}
    assert verdicts["Recommended Stories"] == ("junk_lines", "related_links")
    assert verdicts["3 hours ago"] == ("junk_lines", "relative_time")
    assert verdicts["4"] == ("classify_lines", "boilerplate")
    assert verdicts["Published On 5 Feb 2026"] == ("lift_metadata", "dateline")
    assert explanation.fields["published"] == "2026-02-05"
    kept = [v.text for v in explanation.lines if v.kept]
    assert (
        "He accused neighbours India and Afghanistan of backing the fighters, "
        "allegations which New Delhi and Kabul deny." in kept
    )


def test_explain_a_rejected_page() -> None:
    explanation = explain(doc_from("Logo\nMenu"), default_pipeline())
    assert isinstance(explanation.result, Drop)
    assert [v.rule for v in explanation.lines] == ["site_chrome", "site_chrome"]


def test_the_headline_rule_is_named_beside_the_classifier_s_score() -> None:
    # The sure rule's line is removed with its rule as its feature; the ranker's line,
    # kept, carries its share of the odds beside classify_lines' score.
    head = "Rain returns to the dry south of Spain"
    body = [
        "The rain returned to the dry south of Spain on Monday, ending a drought of two years.",
        "Farmers in the south of Spain said the rain came too late for the harvest of grain.",
        "Reservoirs in the south of Spain were at a quarter of their capacity before the rain.",
    ]
    page = "\n".join(["Home", "", head, "", "From our weather desk today", "By Ana Ruiz", *body])
    lines = explain(doc_from(page), default_pipeline()).lines
    assert (lines[4].rule, dict(lines[4].features)) == ("headline", {"before_byline": 1.0})
    judgment = lines[2].judgment or {}
    assert lines[2].kept and 0.5 < judgment["headline"] <= 1 and "score" in judgment
