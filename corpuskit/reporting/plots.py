"""The corpus report's plots, as inline SVG written by hand: bars and a histogram.

Why SVG, and why by hand: a report must open anywhere, offline, years later, so the page
carries its plots inside it. Static SVG needs no JavaScript and no network, stays sharp
at any zoom, and its labels are text that can be searched and copied. The report draws
two kinds of plot only, horizontal bars and a histogram on a log scale, and each is a
few dozen rectangles and labels. A plotting library would cost every install of
corpuskit far more than these functions do: matplotlib and the packages it brings that
corpuskit does not need otherwise (fontTools, pillow, kiwisolver, contourpy, ...) take
97 MB installed (``du`` of their site-packages folders) and 0.4-0.6 s of CPU to import
on top of corpuskit. Drawn here, ``corpuskit report`` works after a plain ``pip install
corpuskit``, with nothing more to install.

Every label shows its number exactly (``1,392``, not ``1.4k``): bars that differ by a
few pages must say so. The SVG scales with its ``viewBox`` to the width of the page; its
fonts and colours come from the page's style sheet (``svg text``). Text is escaped
(``html.escape``): labels are data (a step, a language, a reason). A label too long for
its column is cut with ``…`` and shown whole in its tooltip (``<title>``). Each bar
carries an id (``<plot>-bar-<n>``), so tests and readers can find them; the same data
gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from corpuskit.reporting.bounded import Histogram
from corpuskit.reporting.stats import Stage

#: Colours: bars, the median line, gridlines and axes (matplotlib's tab10 blue and
#: orange, which stay apart for the common colour-vision deficiencies).
KEPT, MEDIAN, GRID, AXIS = "#1f77b4", "#ff7f0e", "#e4e4e4", "#555555"

#: The width of every plot in SVG units; the page scales it to its column (about 900
#: CSS pixels wide from a 1,000-pixel window up), so a unit is about a pixel.
WIDTH = 880

#: Font size of labels in SVG units (the page's ``svg text`` rule says the same).
FONT = 12

#: Height of one bar's row, and of the bar inside it, in SVG units.
ROW, BAR = 22, 15

#: Room above the bars for the title, and below them for the axis and its label.
TOP, BOTTOM = 30, 40

#: Most bars in one bar plot; the rest are summed into one bar named ``other``.
MAX_BARS = 20

#: Room kept for this many bars at least, so that one bar is not a block.
MIN_BARS = 4

#: Most gridlines on a count axis: enough to read a bar's size, few enough that the
#: exact labels of the narrower funnel panels (``6,000,000``) do not run into each other.
TICKS = 5

#: The largest share of the width the bar labels may take; longer labels are cut.
LABEL_SHARE = 0.42

#: Height of the histogram's plotting area in SVG units.
HISTOGRAM_HEIGHT = 220


def count(n: float) -> str:
    """A count written exactly, with thousands separators.

    >>> count(950), count(1392), count(4_512_419), count(2.0)
    ('950', '1,392', '4,512,419', '2')
    """
    return f"{round(n):,}"


def text_width(text: str, size: float = FONT) -> float:
    """An estimate of ``text``'s width in a sans-serif font of ``size``, on the wide side
    (no font is measured: the page may be opened with any). Narrow characters count
    0.34 of the size, wide ones 0.95, capitals and digits 0.72, the rest 0.62: 1-9%
    more than DejaVu Sans (Chromium's default sans-serif on Linux, wider than Arial
    or Helvetica) for the report's labels; re-measure with a browser's
    ``getComputedTextLength`` after a change.

    >>> text_width("ill"), text_width("MW"), text_width("junk_lines")
    (12.2, 22.8, 64.3)
    """
    units = sum(
        0.34 if c in _NARROW else 0.95 if c in _WIDE else 0.72 if c.isupper() or c.isdigit()
        else 0.62
        for c in text
    )  # fmt: skip
    return round(units * size, 1)


_NARROW, _WIDE = frozenset("ijlt.,:;'|!()[]f "), frozenset("mwMW@%")


def cut(text: str, width: float) -> str:
    """``text``, cut with ``…`` to fit ``width`` (as ``text_width`` estimates).

    >>> cut("near_duplicates: near_duplicate", 100)
    'near_duplicat…'
    >>> cut("de", 100)
    'de'
    """
    if text_width(text) <= width:
        return text
    room, used = width - text_width("…"), 0.0
    for end, char in enumerate(text):
        used += text_width(char)
        if used > room:
            return text[:end] + "…"
    return text


def nice_ticks(largest: float, most: int = TICKS) -> list[int]:
    """Whole-number ticks from 0 past ``largest``, a step of 1, 2 or 5 times a power of
    ten, at most ``most`` + 1 of them.

    >>> nice_ticks(1392), nice_ticks(7), nice_ticks(0)
    ([0, 500, 1000, 1500], [0, 2, 4, 6, 8], [0, 1])
    """
    if largest <= 0:
        return [0, 1]
    raw = largest / most
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(s * power for s in (1, 2, 5, 10) if s * power >= raw)
    step = max(1, int(step))
    return list(range(0, int(largest) + step + 1, step))[: math.ceil(largest / step) + 1]


@dataclass(frozen=True)
class Panel:
    """A column of horizontal bars: where it is (``left`` to ``right``), its title, its
    axis label, its values and the text at the end of each bar."""

    name: str
    left: float
    right: float
    title: str
    xlabel: str
    values: Sequence[int]
    texts: Sequence[str]


def _svg(name: str, height: float, body: list[str], label: str) -> str:
    """The ``<svg>`` element around ``body``, scaled to the page by its viewBox."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" data-plot="{name}" '
        f'viewBox="0 0 {WIDTH} {height:g}" role="img" aria-label="{escape(label)}">\n'
        + "\n".join(body)
        + "\n</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", cls: str = "") -> str:
    """A label at ``x, y``; ``anchor`` is where ``x`` is (start, middle, end)."""
    attributes = f' text-anchor="{anchor}"' if anchor != "start" else ""
    attributes += f' class="{cls}"' if cls else ""
    return f'<text x="{x:g}" y="{y:g}"{attributes}>{escape(text)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, extra: str = "") -> str:
    """A straight line (a gridline, an axis, the median)."""
    return f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="{colour}"{extra}/>'


def _top(items: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """At most ``MAX_BARS`` items, the rest summed as ``other (N)``.

    >>> _top([("a", 5), ("b", 1)])
    [('a', 5), ('b', 1)]
    """
    if len(items) <= MAX_BARS:
        return list(items)
    rest = items[MAX_BARS - 1 :]
    return [*items[: MAX_BARS - 1], (f"other ({len(rest)})", sum(n for _, n in rest))]


def _labels(labels: Sequence[str], right: float) -> list[str]:
    """The bars' labels, right-aligned at ``right``, each cut to fit, whole on hover."""
    out = []
    for i, label in enumerate(labels):
        y = TOP + i * ROW + ROW / 2 + FONT / 3
        shown = cut(label, right - 8)
        tooltip = f"<title>{escape(label)}</title>" if shown != label else ""
        out.append(
            f'<text x="{right - 6:g}" y="{y:g}" text-anchor="end">{escape(shown)}{tooltip}</text>'
        )
    return out


def _panel(panel: Panel, rows: int) -> list[str]:
    """A panel's title, gridlines and tick labels, bars and the text at their ends."""
    room = max((text_width(t, FONT - 1) for t in panel.texts), default=0) + 8
    ticks = nice_ticks(max(panel.values, default=0))
    scale = (panel.right - panel.left - room) / ticks[-1]
    bottom = TOP + max(rows, MIN_BARS) * ROW
    out = [_text(panel.left, 18, panel.title, cls="title")]
    for tick in ticks:
        x = panel.left + tick * scale
        out.append(_line(x, TOP - 4, x, bottom, GRID))
        out.append(_text(x, bottom + 14, count(tick), "middle", "tick"))
    out.append(_text((panel.left + panel.right - room) / 2, bottom + 32, panel.xlabel, "middle"))
    for i, (value, text) in enumerate(zip(panel.values, panel.texts, strict=True)):
        y, width = TOP + i * ROW + (ROW - BAR) / 2, value * scale
        out.append(
            f'<rect id="{panel.name}-bar-{i}" x="{panel.left:g}" y="{y:g}" '
            f'width="{max(width, 0.5):.1f}" height="{BAR}" fill="{KEPT}">'
            f"<title>{escape(text)}</title></rect>"
        )
        out.append(_text(panel.left + width + 4, y + BAR - 3.5, text, cls="value"))
    out.append(_line(panel.left, TOP - 4, panel.left, bottom, AXIS))
    return out


def _label_column(labels: Sequence[str]) -> float:
    """Where the bars start: after the longest label, within ``LABEL_SHARE`` of the width."""
    widest = max((text_width(label) for label in labels), default=0)
    return min(widest + 14, WIDTH * LABEL_SHARE)


def bar_plot(name: str, title: str, xlabel: str, items: Sequence[tuple[str, int]]) -> str:
    """An SVG of horizontal bars, one per ``(label, value)`` item, biggest first."""
    shown = _top(sorted(items, key=lambda item: -item[1]))
    labels, values = [label for label, _ in shown], [n for _, n in shown]
    left = _label_column(labels)
    panel = Panel(name, left, WIDTH - 4, title, xlabel, values, [count(n) for n in values])
    height = TOP + max(len(shown), MIN_BARS) * ROW + BOTTOM
    body = [*_labels(labels, left), *_panel(panel, len(shown))]
    return _svg(name, height, body, title)


def funnel_plot(stages: Sequence[Stage]) -> str:
    """Pages and characters left after each step that removed something, side by side:
    each bar says its count, and the characters their share of the characters read."""
    first = stages[0].chars or 1
    labels = [stage.step for stage in stages]
    left = _label_column(labels)
    middle = left + (WIDTH - left) * 0.42
    pages = [stage.pages for stage in stages]
    chars = [stage.chars for stage in stages]
    shares = [f"{count(n)} ({n / first:.0%})" for n in chars]
    page_panel = Panel(
        "funnel-pages", left, middle - 12, "Pages left after each step", "pages", pages,
        [count(n) for n in pages],
    )  # fmt: skip
    char_panel = Panel(
        "funnel-chars", middle + 12, WIDTH - 4, "Characters left after each step",
        "characters", chars, shares,
    )  # fmt: skip
    height = TOP + max(len(stages), MIN_BARS) * ROW + BOTTOM
    body = [
        *_labels(labels, left),
        *_panel(page_panel, len(stages)),
        *_panel(char_panel, len(stages)),
    ]
    return _svg("funnel", height, body, "Pages and characters left after each step")


def _decades(low: float, high: float) -> tuple[int, int]:
    """The powers of ten around ``low`` .. ``high`` (at least one decade apart).

    >>> _decades(72, 96_144), _decades(0.5, 1)
    ((1, 5), (-1, 0))
    """
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    return first, max(last, first + 1)


@dataclass(frozen=True)
class LogAxes:
    """Where values go in the histogram: counts up the side, lengths along the bottom on
    a log scale from ``10**first`` to ``10**last``, in the box ``left``..``right``,
    ``top``..``bottom``."""

    first: int
    last: int
    highest: int
    left: float
    right: float
    top: float = TOP
    bottom: float = TOP + HISTOGRAM_HEIGHT

    def x(self, value: float) -> float:
        """The position of a length (values under 1 drawn at 0.5: a log scale has no 0)."""
        share = (math.log10(max(value, 0.5)) - self.first) / (self.last - self.first)
        return round(self.left + share * (self.right - self.left), 2)

    def y(self, value: float) -> float:
        """The height of a count."""
        return round(self.bottom - value / self.highest * (self.bottom - self.top), 2)


def length_plot(lengths: Histogram) -> str:
    """A histogram of kept pages' lengths in characters, on a log scale, with the median.

    Bins are ``Histogram``'s (five per power of ten); the bin of empty pages is drawn
    from 0.5 to 1. Each bar's tooltip gives its range and its exact count.
    """
    bins = lengths.bins() or [(1.0, 10.0, 0)]
    yticks = nice_ticks(max(n for *_, n in bins))
    first, last = _decades(max(bins[0][0], 0.5), bins[-1][1])
    left = text_width(count(yticks[-1]), FONT - 1) + 34
    right = WIDTH - text_width(count(10**last), FONT - 1) / 2 - 4
    axes = LogAxes(first, last, yticks[-1], left, right)
    body = [
        _text(left, 18, "Length of kept pages", cls="title"),
        *_length_grid(axes, yticks),
        *_length_bars(axes, bins),
        *_median(axes, lengths.quantile(0.5)),
    ]
    return _svg("lengths", axes.bottom + BOTTOM, body, "Length of kept pages")


def _length_grid(axes: LogAxes, yticks: list[int]) -> list[str]:
    """Gridlines and labels of the counts, the decades of lengths, the axis titles."""
    left, right, bottom = axes.left, axes.right, axes.bottom
    out = []
    for tick in yticks:
        y = axes.y(tick)
        out.append(_line(left, y, right, y, GRID))
        out.append(_text(left - 6, y + FONT / 3, count(tick), "end", "tick"))
    for power in range(max(axes.first, 0), axes.last + 1):
        out.append(_text(axes.x(10**power), bottom + 16, count(10**power), "middle", "tick"))
    out.append(_line(left, bottom, right, bottom, AXIS))
    out.append(_text((left + right) / 2, bottom + 34, "characters per page (log scale)", "middle"))
    middle = (axes.top + bottom) / 2
    out.append(f'<text x="14" y="{middle:g}" text-anchor="middle" '
               f'transform="rotate(-90 14 {middle:g})">pages</text>')  # fmt: skip
    return out


def _length_bars(axes: LogAxes, bins: Sequence[tuple[float, float, int]]) -> list[str]:
    out = []
    for i, (low, high, n) in enumerate(bins):
        x, y = axes.x(low), axes.y(n)
        width, height = max(axes.x(high) - x - 1, 0.5), axes.bottom - y
        lengths = f"{count(math.ceil(low))}–{count(math.ceil(high) - 1)}"
        tooltip = f"{lengths} characters: {count(n)} pages"
        out.append(
            f'<rect id="lengths-bar-{i}" x="{x:g}" y="{y:g}" width="{width:.2f}" '
            f'height="{height:.2f}" fill="{KEPT}"><title>{escape(tooltip)}</title></rect>'
        )
    return out


def _median(axes: LogAxes, median: float | None) -> list[str]:
    """The median as a dashed line, labelled above the plot on its side with room."""
    if median is None:
        return []
    x = axes.x(median)
    label = f"median ≈ {count(median)} characters"
    anchor, shift = ("end", -6) if x > (axes.left + axes.right) / 2 else ("start", 6)
    dashed = ' stroke-width="2" stroke-dasharray="6 4"'
    return [
        _line(x, axes.top, x, axes.bottom, MEDIAN, dashed),
        _text(x + shift, axes.top + 10, label, anchor),
    ]
