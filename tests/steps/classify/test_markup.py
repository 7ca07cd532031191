"""corpuskit.steps.classify.markup: the layout of a line's neighbours and of its main container."""

from __future__ import annotations

from corpuskit.html import LAYOUT_NAMES, extract
from corpuskit.steps.classify.markup import MARKUP_NAMES, markup_features


def named(markup: str) -> dict[str, dict[str, float]]:
    page = extract(markup)
    lines = page.text.split("\n")
    rows = markup_features(lines, page.layout)
    names = (*LAYOUT_NAMES, *MARKUP_NAMES)
    return {
        line: dict(zip(names, row, strict=True))
        for line, row in zip(lines, rows, strict=True)
        if line
    }


PROSE = "Some words, in a sentence of the article. " * 4


def test_a_heading_followed_by_prose_in_the_article_says_so() -> None:
    rows = named(
        f"<div class=entry-content><h2>Why</h2><p>{PROSE}</p><h2>Next</h2><p>{PROSE}</p></div>"
        "<div class=related><h3><a href=/a>One</a></h3><h3><a href=/b>Two</a></h3></div>"
    )
    assert rows["Why"]["html_main_heading_then_prose"] == 1.0
    assert rows["One"]["html_heading_then_prose"] == 0.0
    assert rows["One"]["html_link_run"] == rows["Two"]["html_link_run"] > 0
    assert rows["One"]["html_after_main_text"] == 1.0
    assert rows["Next"]["html_within_main_text"] == 1.0
    assert rows["Next"]["html_prev_prose"] == 1.0 and rows["Next"]["html_main_text_distance"] > 0
    assert rows["One"]["html_after_heading"] == 0.0


def test_blank_lines_get_zeros_and_a_page_without_main_text_no_position() -> None:
    page = extract("<ul><li><a href=/>Home</a><li><a href=/n>News</a></ul><p>x</p>")
    lines = page.text.split("\n")
    rows = markup_features(lines, page.layout)
    assert len(rows) == len(lines)
    for line, row in zip(lines, rows, strict=True):
        values = dict(zip(MARKUP_NAMES, row[len(LAYOUT_NAMES) :], strict=True))
        if not line:
            assert not any(row)
        assert values["html_before_main_text"] == values["html_after_main_text"] == 0.0


def test_a_box_after_the_articles_last_prose_is_after_readabilitys_article() -> None:
    rows = named(
        f"<div><div class=entry-content><p>{PROSE}</p><p>{PROSE}</p></div>"
        f"<p>A sibling paragraph that readability keeps: {PROSE}</p>"
        "<div class=share><a href=/s>Share this story</a></div></div>"
    )
    kept = next(line for line in rows if line.startswith("A sibling"))
    assert rows[kept]["html_readability"] == 1.0
    assert rows[kept]["html_after_main_text"] == 1.0  # past the main container's text...
    assert rows[kept]["html_after_readable_text"] == 0.0  # ...not past readability's
    assert rows["Share this story"]["html_after_readable_text"] == 1.0
    assert rows[PROSE.strip()]["html_after_readable_text"] == 0.0
