"""The corpus report as a reader sees it: rendered by a real headless Chromium, offline.

The page is opened from a file with the network cut (an offline browser context, and
every request that is not the file itself recorded and aborted): it must need nothing
but itself. Then each plot must be drawn, visible, titled, with one bar per item it
shows and every label inside it; nothing may be wider than the window at the widths
people read reports at; and the sampled pages must show their removed lines struck
through, each rule in its colour. Chromium is the system's (Debian package
``chromium``; ``.ci/run`` installs it), driven by Playwright without Playwright's own
browser download.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from corpuskit.reporting import CorpusStats, write_report
from corpuskit.reporting.sample import RUN_EDGE, RUN_ROWS
from tests.reporting.report_corpus import HOST, MARKUP_LINE, MARKUP_TIMES, Cleaned, cleaned

__all__ = ["cleaned"]  # the session fixture from tests/reporting/report_corpus.py

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason="chromium is not installed (apt-get install chromium; .ci/run installs it)",
)

#: Headless, and nothing that phones home: no sync, updates, QUIC or background fetches.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: Each plot's figure id and the titles drawn in it.
TITLES = {
    "funnel": ["Pages left after each step", "Characters left after each step"],
    "drops": ["Rejected pages by step: reason"],
    "rules": ["Removed lines by rule"],
    "languages": ["Kept pages by language"],
    "lengths": ["Length of kept pages"],
}


@dataclass
class Rendered:
    """The report open in Chromium, the counts it shows, and what the page asked for."""

    page: Any  # playwright.sync_api.Page; playwright is imported only when Chromium is here
    stats: CorpusStats
    path: Path
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def rendered(cleaned: Cleaned, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rendered]:
    sync_api = pytest.importorskip("playwright.sync_api")
    path = tmp_path_factory.mktemp("browser") / "report.html"
    stats = write_report(
        str(cleaned.corpus),
        str(path),
        rejects=str(cleaned.rejects),
        manifest=str(cleaned.manifest),
        sample=1_000,  # every page: the long URLs and lines, the markup page
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(offline=True, viewport={"width": 1100, "height": 900})
        page = context.new_page()
        result = Rendered(page, stats, path)

        def block(route: sync_api.Route) -> None:
            if route.request.url == path.as_uri():
                route.continue_()
            else:
                result.blocked.append(route.request.url)
                route.abort()

        context.route("**/*", block)
        page.on("request", lambda request: result.requests.append(request.url))
        page.on("console", lambda message: result.errors.append(message.text))
        page.on("pageerror", lambda error: result.errors.append(str(error)))
        page.goto(path.as_uri(), wait_until="load")
        yield result
        browser.close()


def test_the_page_asks_for_nothing_but_itself(rendered: Rendered) -> None:
    assert rendered.requests == [rendered.path.as_uri()]
    assert rendered.blocked == [] and rendered.errors == []
    page = rendered.page
    assert page.title() == f"Corpus report: {rendered.stats.corpus}"
    assert page.locator("script, link, img, iframe").count() == 0


@pytest.mark.parametrize("name", list(TITLES))
def test_each_plot_is_drawn_visible_and_titled(rendered: Rendered, name: str) -> None:
    svg = rendered.page.locator(f"#plot-{name} svg")
    assert svg.count() == 1 and svg.is_visible()
    box = svg.bounding_box()
    assert box["width"] > 400 and box["height"] > 100
    texts = svg.locator("text").all_text_contents()
    for title in TITLES[name]:
        assert title in texts
    caption = rendered.page.locator(f"#plot-{name} figcaption")
    assert caption.is_visible() and caption.inner_text()


def bars(rendered: Rendered, name: str, counts: list[int] | None = None) -> list[dict[str, float]]:
    """The bounding boxes of a plot's bars, top to bottom (or left to right); each one
    visible, but a histogram's bin that ``counts`` says is empty (a gap between two
    lengths of kept pages) has no height."""
    locator = rendered.page.locator(f'[id^="{name}-bar-"]')
    boxes = [locator.nth(i).bounding_box() for i in range(locator.count())]
    counts = counts or [1] * len(boxes)
    assert len(counts) == len(boxes), name
    for box, n in zip(boxes, counts, strict=True):
        assert box and box["width"] > 0 and (box["height"] > 0) == (n > 0), name
    return boxes


def test_one_bar_per_reason_language_and_length_bin(rendered: Rendered) -> None:
    stats = rendered.stats
    assert len(bars(rendered, "drops")) == len(stats.drops) == 3
    assert len(bars(rendered, "rules")) == len(stats.lines_removed)
    languages = bars(rendered, "languages")
    assert len(languages) == len(stats.languages)
    (_, most), (_, next_most) = stats.languages.most_common(2)
    assert most > next_most and languages[0]["width"] > languages[1]["width"]
    counts = [n for *_, n in stats.lengths.bins()]
    assert len(bars(rendered, "lengths", counts)) == len(counts)


def test_funnel_shows_each_step_that_acted(rendered: Rendered) -> None:
    stages = [s for s in rendered.stats.funnel() if s.counts.dropped or s.counts.chars_removed]
    pages, chars = bars(rendered, "funnel-pages"), bars(rendered, "funnel-chars")
    assert len(pages) == len(chars) == len(stages) + 1  # and the input
    assert chars[-1]["width"] < chars[0]["width"]  # text was removed on the way
    labels = rendered.page.locator("#plot-funnel svg text").all_text_contents()
    assert {"input", "classify_lines", "drop_empty", "near_duplicates"} <= set(labels)


def test_page_text_is_shown_as_text_never_run(rendered: Rendered) -> None:
    page = rendered.page
    cell = page.locator("#removed-lines td.line", has_text=MARKUP_LINE)
    assert cell.count() == 1 and cell.inner_text() == MARKUP_LINE and cell.is_visible()
    struck = page.locator("#sample del", has_text=MARKUP_LINE)
    assert MARKUP_TIMES > RUN_ROWS and struck.count() == 3 * 2 * RUN_EDGE  # runs shortened
    assert struck.first.inner_text() == MARKUP_LINE
    assert page.evaluate("() => document.querySelectorAll('script').length") == 0


#: Window widths a report is read at, from a laptop to a wide screen.
WIDTHS = (1000, 1200, 1400, 1600)

#: Elements whose content must fit inside them: table cells wrap long lines and URLs,
#: the sampled pages' rows wrap their lines, headings and captions wrap paths.
FITTED = "table, th, td, .page, .page > div, h3, p, figure, svg, nav"

OVERFLOW = """(selector) => {
    const wide = [];
    for (const element of document.querySelectorAll(selector)) {
        if (element.scrollWidth > element.clientWidth + 1) {
            wide.push(element.tagName + ": " + element.textContent.slice(0, 60));
        }
    }
    return [document.documentElement.scrollWidth, window.innerWidth, wide];
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_nothing_is_wider_than_the_window(rendered: Rendered, width: int) -> None:
    rendered.page.set_viewport_size({"width": width, "height": 900})
    scroll, window, wide = rendered.page.evaluate(OVERFLOW, FITTED)
    assert scroll <= window and wide == []
    # the long cells are there, broken inside their column
    url = rendered.page.locator("#duplicates td", has_text=HOST)
    assert url.count() == 1 and url.bounding_box()["height"] > 40


LABELS_OUTSIDE = """() => {
    const out = [];
    for (const svg of document.querySelectorAll("svg.plot")) {
        const frame = svg.getBoundingClientRect();
        for (const text of svg.querySelectorAll("text")) {
            const box = text.getBoundingClientRect();
            if (box.left < frame.left - 1 || box.right > frame.right + 1
                || box.top < frame.top - 1 || box.bottom > frame.bottom + 1) {
                out.push(svg.dataset.plot + ": " + text.textContent);
            }
        }
    }
    return out;
}"""


def test_every_label_is_inside_its_plot(rendered: Rendered) -> None:
    assert rendered.page.evaluate(LABELS_OUTSIDE) == []


def test_removed_lines_are_struck_through_in_their_rules_colour(rendered: Rendered) -> None:
    rows = rendered.page.evaluate(
        """() => Array.from(document.querySelectorAll("#sample .x:not(.gap)")).map(row => [
            row.querySelector(".why").textContent,
            row.classList[1],
            getComputedStyle(row).borderLeftColor,
            getComputedStyle(row.querySelector("del")).textDecorationLine,
            getComputedStyle(row.querySelector("del")).textDecorationColor,
        ])"""
    )
    assert len(rows) > 100
    colours: dict[str, set[tuple[str, str]]] = {}
    for rule, name, border, line, decoration in rows:
        assert line == "line-through" and decoration == border
        colours.setdefault(rule, set()).add((name, border))
    assert all(len(found) == 1 for found in colours.values()), "one colour per rule"
    drawn = {pair for found in colours.values() for pair in found}
    assert len(drawn) == len({name for name, _ in drawn}) == len({c for _, c in drawn})
    assert rendered.page.locator("#sample .k del").count() == 0, "kept lines are plain"
