"""The corpus report as a reader sees it: rendered by a real headless Chromium, offline.

The page is opened from a file with the network cut (an offline browser context, and
every request that is not the file itself recorded and aborted): it must need nothing
but itself. Then each plot must be drawn, visible, titled, with one bar per item it
shows. Chromium is the system's (Debian package ``chromium``; ``.ci/run`` installs it),
driven by Playwright without Playwright's own browser download.
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
from tests.reporting.report_corpus import MARKUP_LINE, Cleaned, cleaned

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
        str(cleaned.corpus), str(path), rejects=str(cleaned.rejects), manifest=str(cleaned.manifest)
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


def bars(rendered: Rendered, name: str) -> list[dict[str, float]]:
    """The bounding boxes of a plot's bars, top to bottom (or left to right)."""
    locator = rendered.page.locator(f'[id^="{name}-bar-"]')
    boxes = [locator.nth(i).bounding_box() for i in range(locator.count())]
    assert all(box and box["width"] > 0 and box["height"] > 0 for box in boxes), name
    return boxes


def test_one_bar_per_reason_language_and_length_bin(rendered: Rendered) -> None:
    stats = rendered.stats
    assert len(bars(rendered, "drops")) == len(stats.drops) == 3
    assert len(bars(rendered, "rules")) == len(stats.lines_removed)
    languages = bars(rendered, "languages")
    assert len(languages) == len(stats.languages)
    (_, most), (_, next_most) = stats.languages.most_common(2)
    assert most > next_most and languages[0]["width"] > languages[1]["width"]
    assert len(bars(rendered, "lengths")) == len(stats.lengths.bins())


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
    assert page.evaluate("() => document.querySelectorAll('script').length") == 0


def test_a_screenshot_is_readable_size(rendered: Rendered, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    rendered.page.screenshot(path=str(shot), full_page=True)
    width = rendered.page.evaluate("() => document.body.scrollWidth")
    assert shot.stat().st_size > 50_000
    assert width <= 1100  # no plot or table wider than the window
