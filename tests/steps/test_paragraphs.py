from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corpuskit.document as document
import corpuskit.steps.paragraphs as paragraphs
from corpuskit.document import Document, Source, line_origins, make_document
from corpuskit.explain import explain
from corpuskit.pipeline import Pipeline
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.steps.blanks import collapse_blank_lines
from corpuskit.steps.paragraphs import JoinLines
from tests.conftest import BENCH, bench_pages, doc_from
from tests.steps.work import lines_run

JOIN = JoinLines()
DRAGNET = BENCH / "dragnet-dev"


def joined(text: str) -> tuple[str, list[tuple[str, str]]]:
    doc = JOIN(doc_from(text))
    joins = [(j.text, j.rule) for edit in doc.edits for j in edit.joins]
    return doc.text, joins


def test_a_sentence_split_at_its_links_is_one_line_again_with_the_rules_that_joined_it() -> None:
    text, joins = joined(
        "The report was published via the\nLos Angeles Times\n. “Yes,” he said, and\n"
        "pointed at the\nmap\n, which showed the route.\n\nA second paragraph."
    )
    assert text.split("\n") == [
        "The report was published via the Los Angeles Times. “Yes,” he said, and pointed "
        "at the map, which showed the route.",
        "",
        "A second paragraph.",
    ]
    assert joins == [
        ("Los Angeles Times", "function_word"),
        (". “Yes,” he said, and", "punctuation"),
        ("pointed at the", "lowercase"),
        ("map", "lowercase"),
        (", which showed the route.", "punctuation"),
    ]


def test_other_languages_and_asides() -> None:
    text, joins = joined(
        "Der Vorstand der\nDeutschen Bahn\nhat am Montag entschieden.\n"
        "Le prix est de\n(environ 20 euros)\n— selon le journal."
    )
    assert text == (
        "Der Vorstand der Deutschen Bahn hat am Montag entschieden.\n"
        "Le prix est de (environ 20 euros) — selon le journal."
    )
    assert [rule for _, rule in joins] == ["function_word", "lowercase", "parenthesis", "lowercase"]


@pytest.mark.parametrize(
    "page",
    [
        "Home\nNews\nSport\nWeather",  # a menu
        "Ingredients\n- 2 eggs\n- 1 cup flour\n- salt",  # a list
        "1. First step\n2. Second step",  # a numbered list
        "Storm closes the coastal road\nBy Ana Ruiz\nThe road was closed on Monday.",
        "Name | Price\nApples | 2.00",  # table rows
        "He left.\nShe stayed.",  # sentences that end
        "The council met on Monday\n\nand decided nothing.",  # a blank line between
    ],
)
def test_menus_lists_headings_bylines_and_paragraphs_stay_apart(page: str) -> None:
    assert joined(page) == (page, [])


def test_a_list_marker_alone_on_its_line_joins_its_item() -> None:
    assert joined("•\nJay Cutler, QB, Bears\n17.\nArguments That Make You Ashamed")[0] == (
        "• Jay Cutler, QB, Bears\n17. Arguments That Make You Ashamed"
    )


def test_html_headings_list_items_and_cells_are_never_joined() -> None:
    page = b"<h2>Why the bridge closed</h2><p>because of <br>the storm.</p><ul><li>a<li>b</ul>"
    [doc] = [d for d in corpuskit_read_html(page) if isinstance(d, Document)]
    result = JOIN(doc)
    assert result.text.split("\n")[0] == "Why the bridge closed"
    assert "because of the storm." in result.text.split("\n")


def corpuskit_read_html(page: bytes) -> list[Document]:
    from corpuskit.readers.html import read_html

    return [read_html("page.html", page)]  # type: ignore[list-item]


PROSE = "The council met on Monday and voted to reopen the old bridge in spring."
#: A page that sets its paragraphs apart with blank lines, as many dumps do.
SPACED = "\n\n".join([PROSE] * 5)


def test_on_a_page_of_spaced_paragraphs_lines_next_to_each_other_are_one_block() -> None:
    page = (
        f"{SPACED}\n\nUnemployment rose to a new high of 11.6 percent\nWednesday, said\nEurostat\n."
    )
    text, joins = joined(page)
    assert (
        text.split("\n")[-1]
        == "Unemployment rose to a new high of 11.6 percent Wednesday, said Eurostat."
    )
    assert joins == [("Wednesday, said", "block"), ("Eurostat", "block"), (".", "punctuation")]


@pytest.mark.parametrize(
    "block",
    [
        "Peaks and valleys\nChen observed that we remember games with huge peaks and valleys.",
        "Ingredients:\n- 2 eggs\n- 1 cup flour",
        ">>> for multiplier in create_multipliers():\n...     print(multiplier(2))",
    ],
)
def test_on_a_page_of_spaced_paragraphs_headings_and_list_items_stay_apart(block: str) -> None:
    page = f"{SPACED}\n\n{block}"
    assert joined(page) == (page, [])


def test_a_page_without_blank_lines_between_its_paragraphs_says_nothing_of_its_blocks() -> None:
    page = "\n".join([PROSE] * 5 + ["Unemployment rose to a new high of 11.6 percent", "Eurostat"])
    assert joined(page) == (page, [])


def test_a_page_read_from_markup_is_never_joined_by_block() -> None:
    # The blank lines of an HTML page's text are the walk's, not the dump's: even a page
    # classified as text (its layout lost) keeps its lines.
    page = f"{SPACED}\n\nUnemployment rose to a new high of 11.6 percent\nEurostat said."
    html = make_document(page, Source("page.html", "html", parser="bs4"))
    assert JOIN(html).text == page
    assert JOIN(make_document(page, Source("page.txt"))).text != page


def test_lines_that_were_apart_in_the_page_as_read_are_not_one_block() -> None:
    # The menu line between them was removed before join_lines: they were not neighbours.
    page = f"{SPACED}\n\nIt rose to a new high of 11.6 percent\nMenu\nThe next sentence."
    rest = _drop_menu(doc_from(page))
    assert JOIN(rest).text == rest.text


def test_a_page_whose_blank_lines_were_collapsed_is_not_judged_by_block_again() -> None:
    # "von" starts a block in the dump (a blank line above it), so it is a heading and
    # stays apart; after collapse_blank_lines the blank line above it stands for another
    # line of the page as read, and "von" would look like a line inside a block.
    page = f"{SPACED}\n\nTitle\n\n\n\nvon\nPeter Addor\n\n{PROSE}"
    once = Pipeline([JOIN, collapse_blank_lines])(doc_from(page))
    assert "von\nPeter Addor" in once.text
    assert JOIN(once).text == once.text


def _drop_menu(doc: Document) -> Document:
    from corpuskit.pipeline import remove_lines

    return remove_lines(
        doc, "drop_menu", ["menu" if x == "Menu" else None for x in doc.text.split("\n")]
    )


def test_explain_says_which_rule_joined_which_line_and_maps_removals_back() -> None:
    page = "Menu\nIt rained in the\nnorth\nof the country.\nAdvertisement"
    exp = explain(doc_from(page), Pipeline([JoinLines(), _drop_joined_rain]))
    verdicts = [(v.number, v.joined, v.rule) for v in exp.lines]
    assert verdicts == [
        (1, None, None),
        (2, None, "rain"),
        (3, "lowercase", "rain"),
        (4, "lowercase", "rain"),
        (5, None, None),
    ]


def _drop_joined_rain(doc: Document) -> Document:
    from corpuskit.pipeline import remove_lines

    rules = ["rain" if "rained" in line else None for line in doc.text.split("\n")]
    return remove_lines(doc, "drop_rain", rules)


_drop_joined_rain.name = "drop_rain"  # type: ignore[attr-defined]


def test_joining_twice_changes_nothing() -> None:
    once = JOIN(doc_from("a sentence that goes on\nand on\n, then ends."))
    assert JOIN(once) is once


def test_work_grows_linearly_with_the_page() -> None:
    # Runs of 100,000 characters: a sentence split at every word, a menu, a list.
    runs = ["word\n" * 20_000, "Menu item\n" * 10_000, "- item\n" * 14_000, "x " * 50_000]
    module = paragraphs.__file__
    for run in runs:
        small = lines_run(module, lambda run=run: JOIN(doc_from(run[: len(run) // 10])))
        large = lines_run(module, lambda run=run: JOIN(doc_from(run)))
        assert large < 12 * small, (run[:10], small, large)


def test_on_dev_pages_joined_article_lines_stay_inside_one_gold_paragraph() -> None:
    # Of the lines made by joining pieces that are all article text, how many the gold
    # keeps in one paragraph (bench/quality.py's separation measures the whole set).
    pages = bench_pages("*.txt", "dragnet-dev")[:200]  # skips without dragnet-dev
    records = map(json.loads, (DRAGNET / "gold.jsonl").open(encoding="utf-8"))
    gold = {r["id"]: r["article"] for r in records}
    inside = across = 0
    for page in pages:
        article, raw = gold[page.stem], page.read_text(encoding="utf-8").split("\n")
        doc = JOIN(make_document("\n".join(raw), Source(str(page))))
        groups = line_origins(doc.edits, len(raw))
        for line, group in zip(doc.text.split("\n"), groups, strict=True):
            pieces = [raw[n - 1].strip() for n in group]
            if len(group) > 1 and all(len(p) > 3 and p in article for p in pieces):
                one = any(line in part for part in article.split("\n"))
                inside, across = inside + one, across + (not one)
    assert inside > 300 and across < 0.1 * inside, (inside, across)


def test_steps_docs_describe_it() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "steps.md").read_text("utf-8")
    assert "`join_lines`" in docs


# ``JoinLines``' fast paths (docs/performance.md, "Seventh round (text)"): the seams
# between two lines of text found in C, the prose lines' word counts before their
# ends, ``join_lines`` visiting the joined lines only, ``line_origins`` by ``compress``.
# Each is compared with its definition as first written.


def plan_by_line(join: JoinLines, lines: list[str], blocks: list[bool] | None) -> list[str | None]:
    rules: list[str | None] = [None] * len(lines)
    for index in range(1, len(lines)):
        before, line = lines[index - 1].strip(), lines[index].strip()
        if not before or not line or (blocks and (blocks[index] or blocks[index - 1])):
            continue
        rules[index] = join.seams.rule(before, line) or join._inline(lines, index, before)
    return rules


def blank_separated_by_line(
    join: JoinLines, lines: list[str], origins: list[tuple[int, ...]]
) -> bool:
    blank = {group[0] for group, line in zip(origins, lines, strict=True) if not line.strip()}
    last = max((group[-1] for group in origins), default=0)
    followed = [
        group[-1] + 1 in blank
        for group, line in zip(origins, lines, strict=True)
        if group[-1] < last
        and len(line.strip().split()) >= paragraphs.PROSE_WORDS
        and join.seams.ends_sentence(line.strip())
    ]
    return len(followed) >= paragraphs.BLOCK_LINES and sum(followed) >= (
        paragraphs.BLOCK_STYLE * len(followed)
    )


def block_seams_by_line(
    join: JoinLines, lines: list[str], origins: list[tuple[int, ...]], plan: list[str | None]
) -> list[int]:
    if not blank_separated_by_line(join, lines, origins):
        return []
    blank = {group[0] for group, line in zip(origins, lines, strict=True) if not line.strip()}
    joined = [bool(rule) for rule in plan[1:]] + [False]
    short = [
        0 < len(line.split()) <= paragraphs.SHORT_WORDS and not (rule or after)
        for line, rule, after in zip(lines, plan, joined, strict=True)
    ]
    found = []
    for index in range(1, len(lines)):
        before, line = lines[index - 1].strip(), lines[index].strip()
        start, end = origins[index - 1][0], origins[index - 1][-1]
        if plan[index] or not before or not line or origins[index][0] != end + 1:
            continue
        if line.startswith(("...", "…")):
            continue
        if paragraphs.BULLET.match(line) or paragraphs._heading(
            before, start == 1 or start - 1 in blank
        ):
            continue
        if not paragraphs._in_list(short, index):
            found.append(index)
    return found


def joined_by_line(lines: list[str], rules: list[str | None]) -> tuple[list[str], list[int]]:
    """``join_lines``' loop as first written: the lines out and the joined numbers."""
    out: list[str] = []
    numbers = []
    for index, (line, rule) in enumerate(zip(lines, rules, strict=True)):
        if rule and out:
            out[-1] = JOIN.seams.glue(out[-1], line)
            numbers.append(index + 1)
        else:
            out.append(line)
    return out, numbers


def line_origins_by_line(edits: tuple[Any, ...], lines: int) -> list[tuple[int, ...]]:
    numbers: list[tuple[int, ...]] = [(number,) for number in range(1, lines + 1)]
    for edit in edits:
        if edit.lines:
            gone = {line.number - 1 for line in edit.lines}
            numbers = [group for index, group in enumerate(numbers) if index not in gone]
        if edit.joins:  # joins are followed as line_origins follows them (unchanged)
            numbers = document._joined(numbers, {line.number - 1 for line in edit.joins})
    return numbers


def assert_joined_as_by_line(doc: Document, name: str) -> int:
    """Compare each fast path with its definition on ``doc`` (a page about to be
    joined); the number of lines joined."""
    lines = doc.text.split("\n")
    plan = JOIN.plan(lines)
    assert plan == plan_by_line(JOIN, lines, None), name
    origins = line_origins(doc.edits, paragraphs.lines_read(doc))
    assert origins == line_origins_by_line(doc.edits, paragraphs.lines_read(doc)), name
    if len(origins) == len(lines):
        assert JOIN.blank_separated(lines, origins) == blank_separated_by_line(
            JOIN, lines, origins
        ), name
        assert JOIN.block_seams(lines, origins, plan) == block_seams_by_line(
            JOIN, lines, origins, plan
        ), name
    _, rules = JOIN.rules(doc)
    after = JOIN(doc)
    out, numbers = joined_by_line(lines, rules)
    assert after.text.split("\n") == out, name
    assert [j.number for edit in after.edits[len(doc.edits) :] for j in edit.joins] == numbers
    return len(numbers)


page_lines_text = st.lists(
    st.sampled_from(
        [
            "",
            " ",
            "Home",
            "- a list item",
            "The report was published via the",
            "Los Angeles Times",
            ", which showed the route.",
            "and the city council voted to close the old bridge last year.",
            "A sentence of prose that is long enough to count here.",
            "Unemployment rose to a new high, said",
            "Eurostat",
            "... and more",
            "Peaks and valleys",
        ]
    ),
    max_size=30,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(text=page_lines_text)
def test_join_lines_fast_paths_give_what_their_definitions_give(text: str) -> None:
    assert_joined_as_by_line(doc_from(text), text)


@pytest.mark.bench
@pytest.mark.parametrize("dev_set", ["traf-dev", "dragnet-dev"])
def test_every_dev_dump_is_joined_as_the_definitions_join_it(dev_set: str) -> None:
    """Every dev dump as it reaches ``join_lines`` in the default pipeline (on its own,
    so that ``repeated_lines`` removes nothing), with the edits of the steps before."""
    pipeline = default_pipeline()
    before = Pipeline(pipeline.steps[: pipeline.names.index("join_lines")])
    joins = 0
    for path in bench_pages("*.txt", dev_set):
        doc = before(doc_from(path.read_text(encoding="utf-8")))
        if isinstance(doc, Document):
            joins += assert_joined_as_by_line(doc, path.name)
    assert joins > 1000  # lines are joined there: not a comparison of no-ops
