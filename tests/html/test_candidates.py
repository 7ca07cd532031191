"""corpuskit.html.candidates: readability's article and trafilatura's named container,
as the layout features ``html_readability`` and ``html_named_main``."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.html import PARSERS, parse
from corpuskit.html.candidates import (
    NamedContainers,
    adopt_named_container,
    named_container,
    readability_article,
)
from corpuskit.html.content import Measure, Vocabulary
from tests.html.test_html import layout_rows as rows

PROSE = "Body text, with commas, to read. " * 9


def test_readability_keeps_the_best_candidate_and_its_prose_siblings_only() -> None:
    found = rows(
        "<div><div class=entry><p>" + PROSE + "</p></div>"
        "<p>A closing remark of the author, long enough to be a paragraph of the post.</p>"
        "<p><a href=/1>Home</a> <a href=/2>News</a></p></div>"
        "<div class=side><p>Some other words here. And more.</p></div>"
    )
    assert found[PROSE.strip()]["html_readability"] == 1.0
    closing = next(line for line in found if line.startswith("A closing"))
    assert found[closing]["html_readability"] == 1.0
    assert found["Home News"]["html_readability"] == 0.0
    assert found["Some other words here. And more."]["html_readability"] == 0.0


def test_named_container_prefers_the_higher_tier_wherever_it_is() -> None:
    """An ``entry-content`` box beats an ``<article>`` met before it; a box with too
    little text outside links is passed over."""
    tree = parse(
        "<article><p>" + PROSE + "</p></article>"
        "<div class=entry-content><a href=/x>" + "Linked words. " * 20 + "</a></div>"
        "<div class='post entry-content'><p>" + PROSE + "</p></div>"
    )
    found = named_container(Measure(tree, Vocabulary.default()))
    assert found is not None and tree.attrs(found)["class"] == "post entry-content"
    assert named_container(Measure(parse("<p>" + PROSE + "</p>"), Vocabulary.default())) is None


def test_named_main_marks_the_lines_of_the_named_container() -> None:
    found = rows(
        "<nav><a href=/>Home</a></nav><div itemprop=articleBody><p>" + PROSE + "</p></div>"
        "<div><p>A paragraph outside the body of the article, by itself.</p></div>"
    )
    assert found[PROSE.strip()]["html_named_main"] == 1.0
    outside = "A paragraph outside the body of the article, by itself."
    assert found[outside]["html_named_main"] == 0.0


def test_named_tiers_come_from_the_data_table() -> None:
    named = NamedContainers.default()
    assert named.tier("main", {}) == len(named.tiers) - 1
    assert named.tier("div", {"role": "Main"}) == len(named.tiers) - 1
    assert named.tier("div", {"class": "sidebar"}) is None


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["<div>", "</div>", "<p>", "</p>", "word, ", "<a>x</a>"])))
def test_readability_article_holds_only_elements_of_the_page(parts: list[str]) -> None:
    tree = parse("".join(parts))
    measure = Measure(tree, Vocabulary.default())
    kept = readability_article(measure)
    assert kept <= set(measure.chars)
    assert (measure.main is None) == (not kept)


SECTIONS = ["<div>", "</div>", "<article>", "</article>", "<section class=entry-content>",
            "</section>", "<main>", "</main>", "<p>", "</p>", "words, ", "<a>x</a>"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(SECTIONS)), st.sampled_from(PARSERS))
def test_the_walk_lists_the_containers_find_all_finds(parts: list[str], parser: str) -> None:
    """``Measure.containers`` (listed on the measuring walk) are the elements one
    ``find_all`` of the container tags gives, in the same (document) order, and the named
    container chosen from them is the one chosen from ``find_all``'s."""
    tree = parse("".join(parts * 3), parser)
    vocabulary = Vocabulary.default()
    measure = Measure(tree, vocabulary)
    expected = tree.find_all(tree.root, vocabulary.container_tags)
    assert [id(tag) for tag in measure.containers] == [id(tag) for tag in expected]
    unlisted = Measure(tree, replace(vocabulary, container_tags=frozenset()))
    assert unlisted.containers == []
    assert id(named_container(measure)) == id(named_container(unlisted))


def test_a_remembered_tier_is_the_tier_worked_out() -> None:
    """The tier is remembered by the name and the attributes the patterns read, so an
    attribute no pattern reads cannot change it, and one a pattern reads can."""
    named = NamedContainers.from_table({"main_container": {
        "tags": ["div"], "tiers": [["entry-content"], ["role=main"]]
    }})  # fmt: skip
    assert named.tier("div", {"class": "entry-content", "lang": "en"}) == 0
    assert named.tier("div", {"class": "entry-content", "lang": "fr"}) == 0
    assert named.tier("div", {"role": "main"}) == 1
    assert named.tier("div", {"role": "main", "lang": "en"}) == 1
    assert named.tier("div", {"role": "banner"}) is None
    assert named.tier("div", {"class": "x"}) is None


#: A page whose best-scoring candidate is a one-line box named ``tab-content`` (its
#: content word lifts it) while the article, in many short nested paragraphs, sits in an
#: ``entry-content`` box that readability's two levels of credit do not reach.
SMALL_MAIN_PAGE = (
    "<div class=tab-content><p>A short tab, with a comma, to read.</p></div>"
    "<div class=entry-content>"
    + "".join(
        f"<div><div><p>Paragraph {n} of the article, a short one.</p></div></div>"
        for n in range(14)
    )
    + "</div>"
)


def test_a_main_container_of_a_tenth_of_the_page_yields_to_the_named_one() -> None:
    tree = parse(SMALL_MAIN_PAGE)
    measure = Measure(tree, Vocabulary.default())
    box, body = tree.find("div"), tree.find_all(tree.root, ("div",))[1]
    assert measure.main is box  # readability's choice, before
    adopt_named_container(measure)
    assert measure.main is body and measure.holds_main(body) and not measure.holds_main(box)
    found = rows(SMALL_MAIN_PAGE)
    assert found["Paragraph 3 of the article, a short one."]["html_main"] == 1.0
    assert found["A short tab, with a comma, to read."]["html_main"] == 0.0


def test_a_main_container_holding_a_tenth_of_the_page_stays() -> None:
    """A main container with a tenth of the page or more is readability's choice, and
    a named container with less prose than it changes nothing either."""
    page = SMALL_MAIN_PAGE.replace("<p>A short tab", "<p>" + PROSE + "A short tab")
    tree = parse(page)
    measure = Measure(tree, Vocabulary.default())
    chosen = measure.main
    adopt_named_container(measure)
    assert measure.main is chosen and tree.attrs(chosen)["class"] == "tab-content"
    filler = "<p>Other words, here.</p>" * 200  # no paragraph: under 25 characters
    article = "<article><p>" + "Words of the article, which is short. " * 3 + "</p></article>"
    small = parse("<div class=tab-content><p>" + PROSE + "</p></div>" + filler + article)
    measure = Measure(small, Vocabulary.default())
    chosen = measure.main
    assert measure.of(chosen) < 0.1 * measure.of(small.root)
    adopt_named_container(measure)
    assert measure.main is chosen
