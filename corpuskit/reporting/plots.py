"""The corpus report's plots, as inline SVG made by matplotlib.

Why matplotlib and SVG: a report must open anywhere, offline, years later, so the page
carries its plots inside it. Static SVG needs no JavaScript and no network (a JavaScript
plotting library would have to be inlined whole, hundreds of kilobytes, per page), it
stays sharp at any zoom, and its labels are text that can be searched and copied
(``svg.fonttype: none``). matplotlib is the long-kept standard for such figures and writes
SVG without any other dependency; it is an optional extra (``pip install
'corpuskit[report]'``), imported only when a report is drawn, so cleaning never pays for it.

matplotlib is used through ``Figure`` objects alone, never ``pyplot``: no global figure
registry, no GUI backend. Its settings apply inside ``rc_context`` only, and SVG ids are
salted with the plot's name so that several SVGs on one page never share an id and the
same data gives the same bytes. Each bar carries an id (``<plot>-bar-<n>``), so tests
and readers can find them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from corpuskit.errors import InputError
from corpuskit.reporting.bounded import Histogram

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

    from corpuskit.reporting.stats import Stage

#: Colours: bars, the median line, and the text of labels (matplotlib's tab10 blue and
#: orange, which stay apart for the common colour-vision deficiencies).
KEPT, MEDIAN, INK = "#1f77b4", "#ff7f0e", "#333333"

#: Inches: the width of every plot, and the height each bar adds.
WIDTH, BAR_HEIGHT, MIN_HEIGHT = 7.5, 0.28, 1.9

#: Most bars in one bar plot; the rest are summed into one bar named ``other``.
MAX_BARS = 20

#: Room kept for this many bars at least, so that one bar is not a block.
MIN_BARS = 4

#: Most ticks on a count axis: enough to read a bar's size, few enough that the labels of
#: the narrower funnel panels do not run into each other.
TICKS = 5

#: matplotlib settings for every plot. ``text.parse_math`` is off because labels are
#: data (a step, a language, a reason) and a ``$`` in them must stay a ``$``.
STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "text.parse_math": False,
    "font.size": 9,
    "font.family": "sans-serif",
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": INK,
    "text.color": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
}


def require_matplotlib() -> None:
    """Raise ``InputError`` saying how to install matplotlib when it is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise InputError(
            "the corpus report needs matplotlib: pip install 'corpuskit[report]'"
        ) from None


@contextmanager
def _figure(name: str, bars: int, columns: int = 1) -> Iterator[tuple[Figure, list[Axes]]]:
    """A figure tall enough for ``bars`` bars, under ``STYLE``, with ``columns`` axes."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({**STYLE, "svg.hashsalt": name}):
        height = max(MIN_HEIGHT, 0.9 + BAR_HEIGHT * bars)
        figure = Figure(figsize=(WIDTH, height), layout="constrained")
        yield figure, list(figure.subplots(1, columns, squeeze=False)[0])


def _svg(figure: Figure) -> str:
    """The figure as an ``<svg>`` element to put inside HTML (no XML prologue, no DTD)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "corpuskit"})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def human(n: float) -> str:
    """A count in few characters, for bar labels and axes.

    >>> human(950), human(1234), human(80_000), human(652_061), human(2_500_000), human(7e9)
    ('950', '1.2k', '80k', '652k', '2.5M', '7G')
    """
    for size, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= size:
            scaled = n / size
            digits = f"{scaled:.0f}" if abs(scaled) >= 100 else f"{scaled:.1f}".removesuffix(".0")
            return f"{digits}{unit}"
    return f"{n:.0f}"


def _top(items: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """At most ``MAX_BARS`` items, the rest summed as ``other (N)``.

    >>> _top([("a", 5), ("b", 1)])
    [('a', 5), ('b', 1)]
    """
    if len(items) <= MAX_BARS:
        return list(items)
    rest = items[MAX_BARS - 1 :]
    return [*items[: MAX_BARS - 1], (f"other ({len(rest)})", sum(n for _, n in rest))]


def _bars(
    axes: Axes, name: str, labels: list[str], values: list[int], texts: list[str] | None = None
) -> None:
    """Horizontal bars, first item on top, each with its value (or its text) at its end."""
    bars = axes.barh(range(len(values)), values, color=KEPT, height=0.7)
    for i, bar in enumerate(bars):
        bar.set_gid(f"{name}-bar-{i}")
    axes.set_yticks(range(len(labels)), labels)
    axes.bar_label(bars, texts or [human(v) for v in values], padding=3, fontsize=8)
    axes.set_ylim(max(len(values), MIN_BARS) - 0.5, -0.5)  # top down; few bars stay thin
    axes.margins(x=0.15)
    _counts(axes.xaxis)


def _counts(axis: Axis) -> None:
    """Whole-number ticks written short (``1.2k``): counts have no fractions."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=TICKS, integer=True))
    axis.set_major_formatter(lambda x, _: human(x))


def bar_plot(name: str, title: str, xlabel: str, items: Sequence[tuple[str, int]]) -> str:
    """An SVG of horizontal bars, one per ``(label, value)`` item, biggest first."""
    shown = _top(sorted(items, key=lambda item: -item[1]))
    with _figure(name, len(shown)) as (figure, (axes,)):
        _bars(axes, name, [label for label, _ in shown], [n for _, n in shown])
        axes.set_title(title, loc="left")
        axes.set_xlabel(xlabel)
        return _svg(figure)


def funnel_plot(stages: Sequence[Stage]) -> str:
    """Pages and characters left after each step that removed something, side by side."""
    first = stages[0]
    labels = [stage.step for stage in stages]
    with _figure("funnel", len(stages), columns=2) as (figure, (pages, chars)):
        _bars(pages, "funnel-pages", labels, [s.pages for s in stages])
        pages.set_title("Pages left after each step", loc="left")
        pages.set_xlabel("pages")
        share = [f"{human(s.chars)} ({s.chars / (first.chars or 1):.0%})" for s in stages]
        _bars(chars, "funnel-chars", labels, [s.chars for s in stages], share)
        chars.set_title("Characters left after each step", loc="left")
        chars.set_xlabel("characters")
        chars.set_yticks(range(len(labels)), [""] * len(labels))
        return _svg(figure)


def length_plot(lengths: Histogram) -> str:
    """A histogram of kept pages' lengths in characters, on a log scale, with the median."""
    bins = lengths.bins()
    with _figure("lengths", 8) as (figure, (axes,)):
        lows = [max(low, 0.5) for low, _, _ in bins]
        widths = [high - low for low, (_, high, _) in zip(lows, bins, strict=True)]
        bars = axes.bar(lows, [n for *_, n in bins], width=widths, align="edge", color=KEPT)
        for i, bar in enumerate(bars):
            bar.set_gid(f"lengths-bar-{i}")
            bar.set_edgecolor("white")
        axes.set_xscale("log")
        axes.xaxis.set_major_formatter(lambda x, _: human(x))
        _counts(axes.yaxis)
        median = lengths.quantile(0.5)
        if median is not None:
            label = f"median ≈ {human(median)} characters"
            axes.axvline(median, color=MEDIAN, linestyle="--", label=label)
            axes.legend(frameon=False)
        axes.set_title("Length of kept pages", loc="left")
        axes.set_xlabel("characters per page (log scale)")
        axes.set_ylabel("pages")
        return _svg(figure)
