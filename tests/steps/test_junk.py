from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.data import load_table
from corpuskit.steps.junk import IsolatedLines, JunkLines, JunkRules, is_list_item
from tests.conftest import bench_pages, cpu_seconds, doc_from, load_cases

RULES = JunkRules.default()


@pytest.mark.parametrize("case", load_cases("junk_lines"), ids=lambda c: c["line"][:40])
def test_line_rules(case: dict[str, str | None]) -> None:
    assert RULES.rule_for(str(case["line"])) == case["rule"]


def test_every_rule_has_a_description_and_at_least_one_match() -> None:
    rules = load_table("junk")["rules"]
    cases = {case["rule"] for case in load_cases("junk_lines")}
    for name, rule in rules.items():
        assert rule.get("description"), name
        assert name in cases, f"no test case for rule {name}"


def test_required_languages_present_for_phrase_rules() -> None:
    rules = load_table("junk")["rules"]
    for name in ("advertisement", "site_chrome", "comment_widget", "related_links"):
        assert {"en", "de", "fr", "es"} <= set(rules[name]["phrases"]), name


def test_related_block_takes_list_lines_until_prose() -> None:
    page = (
        "Prose before the block, long enough to be a sentence of the article.\n"
        "Related Articles\n"
        "\n"
        "How the storm changed the coast\n"
        "- Ten years after the flood\n"
        "Why the bridge was closed?\n"
        "The council met again on Tuesday and decided to reopen the bridge in spring.\n"
    )
    doc = JunkLines()(doc_from(page))
    assert doc.text.split("\n") == [
        "Prose before the block, long enough to be a sentence of the article.",
        "",
        "The council met again on Tuesday and decided to reopen the bridge in spring.",
        "",
    ]
    assert doc.edits[-1].removed == {"related_links": 4}


def test_block_ends_at_a_paragraph_break_after_items() -> None:
    page = "Lesen Sie auch\nErste Meldung\n\n\nKurzer Absatz ohne Punkt"
    doc = JunkLines()(doc_from(page))
    assert doc.text == "\n\nKurzer Absatz ohne Punkt"


def test_block_is_bounded() -> None:
    items = "\n".join(f"Teaser number {i}" for i in range(40))
    doc = JunkLines()(doc_from("Most read\n" + items))
    assert doc.edits[-1].removed == {"related_links": 13}


def test_list_item_shape() -> None:
    assert is_list_item("• A bulleted line that is rather long and ends with a full stop, see.")
    assert not is_list_item("Ein ganz normaler Satz endet mit einem Punkt.")


def test_unchanged_document_is_returned_as_is() -> None:
    doc = doc_from("Nothing to remove here.\nNor here.")
    assert JunkLines()(doc) is doc


def test_removed_lines_are_recorded_with_numbers() -> None:
    doc = JunkLines()(doc_from("Menu\nText.\nPublicité"))
    assert [(r.number, r.text, r.rule) for r in doc.edits[-1].lines] == [
        (1, "Menu", "site_chrome"),
        (3, "Publicité", "advertisement"),
    ]


def test_custom_rules_table() -> None:
    table = {
        "rules": {"cookie_banner": {"description": "x", "phrases": {"en": ["We use cookies"]}}}
    }
    step = JunkLines(JunkRules.from_table(table))
    doc = step(doc_from("We use cookies\nAdvertisement"))
    assert doc.text == "Advertisement"
    assert step.config["rules"] != JunkLines().config["rules"]


#: Adversarial lines of about ``n`` characters: runs of what the patterns repeat (digits,
#: "1 ", "list 1 of 1...", letters, spaces), each spoiled at its end.
ADVERSARIAL = [
    lambda n: "1" * n,
    lambda n: "1 " * (n // 2) + "x",
    lambda n: "list 1 of " + "1" * n,
    lambda n: "a" * n,
    lambda n: " " * n + "1",
    lambda n: "1." * (n // 2) + "x",
]


@pytest.mark.parametrize("shape", ADVERSARIAL, ids=lambda shape: repr(shape(12)))
def test_patterns_take_time_in_proportion_to_the_line(shape: Callable[[int], str]) -> None:
    """A signal cannot stop a match in C (``run.local.time_limit``), so the combined
    pattern must never backtrack over a line. Lines longer than ``max_pattern_chars``
    never meet it; here that cap is lifted so the pattern's own cost shows: ten matches
    on lines of 10,000 characters against a hundred on lines of 1,000."""
    rules = JunkRules.from_table({**load_table("junk"), "max_pattern_chars": 10**6})
    short, long = shape(1_000), shape(10_000)
    ratio = cpu_seconds(lambda: [rules.rule_for(long) for _ in range(10)]) / cpu_seconds(
        lambda: [rules.rule_for(short) for _ in range(100)]
    )
    # The same characters matched: linear is 1 (measured 0.9 to 1.0), backtracking over
    # the line (the square of its length) 10.
    assert ratio < 3, ratio


def test_stray_number_only_when_isolated() -> None:
    page = "Zutaten\n6\nmittelgroße Eier\n\nShare\n12\nTweet\n\n4\n"
    doc = JunkLines()(doc_from(page))
    assert doc.text == "Zutaten\n6\nmittelgroße Eier\n\n12\n\n4\n", "junk_lines leaves numbers"
    assert doc.edits[-1].removed == {"site_chrome": 2}
    isolated = IsolatedLines()(doc)
    assert isolated.text == "Zutaten\n6\nmittelgroße Eier\n\n\n"
    assert isolated.edits[-1].removed == {"stray_number": 2}
    assert IsolatedLines()(isolated) is isolated


def test_contains_phrases_judge_lines_of_any_length() -> None:
    """A ``contains`` phrase makes junk the whole line holding it, however long, and only
    as whole words; a user's file adds its own."""
    dialog = "We use cookies. " + "This paragraph explains why, at length. " * 20
    assert len(dialog) > RULES.max_pattern_chars
    assert RULES.rule_for(dialog) == "consent"
    assert RULES.rule_for("Here we use cookiesque language.") is None
    mine = {"rules": {"paywall": {"contains": {"en": ["subscribers only"]}}}}
    extended = RULES.extended(mine)
    assert extended.rule_for("This story is for subscribers only, sorry.") == "paywall"
    assert extended.rule_for(dialog) == "consent"


#: Lines the rules name (the cases', and ``contains`` phrases inside longer lines),
#: among arbitrary ones, for ``rules_for`` against ``rule_for``.
NAMED = [str(case["line"]) for case in load_cases("junk_lines")]
CONTAINED = [f"Hinweis: {phrase}, mehr dazu." for phrase in RULES.contained]
PAGE_LINE = st.one_of(
    st.sampled_from(NAMED + CONTAINED + ["", "  ", "We use cookiesque words."]),
    st.text(alphabet=st.sampled_from([*"ab 7:»-\u00a0\t\nßİ", "\x00"]), max_size=20),
    st.text(max_size=30),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PAGE_LINE, max_size=30))
def test_rules_for_a_page_are_each_lines_rule_for(lines: list[str]) -> None:
    """The page's rules at once (its keys joined, the ``contains`` search asked only
    on a page where the automaton finds a phrase) are what each line alone gets."""
    assert RULES.rules_for(lines) == [RULES.rule_for(line) for line in lines]


@pytest.mark.bench
@pytest.mark.parametrize("dev_set", ["traf-dev", "dragnet-dev"])
def test_rules_for_every_dev_dump_are_each_lines_rule_for(dev_set: str) -> None:
    """Every line of every dev dump: the page-wide answers are the per-line ones."""
    named = 0
    for path in bench_pages("*.txt", dev_set):
        lines = path.read_text(encoding="utf-8").split("\n")
        found = RULES.rules_for(lines)
        assert found == [RULES.rule_for(line) for line in lines], path.name
        named += sum(rule is not None for rule in found)
    assert named > 1000  # the rules name lines there: the comparison is not of Nones
