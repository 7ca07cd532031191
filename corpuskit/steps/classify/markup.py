"""What the markup around a line says in context: the HTML line features of a page.

``html/layout.py`` records, for each line of a page as read, what the markup said about
that line alone (``LAYOUT_NAMES``). A line is often judged by its neighbours: a heading
followed by a paragraph of the article is the article's subheading, a heading followed
by more linked headings is a teaser list; a lead paragraph stands before the article's
text, a "read more" box after it. ``markup_features`` adds, for each line of the page as
it is now (after the rules removed what they name), ``MARKUP_NAMES``: features of the
line's neighbours and of its place relative to the main container's text.

Pure data to data: no tree, no parser. The HTML line model of ``classify_lines``
weighs them (``data/html_line_model.toml``, ``bench/train_line_model.py --mode html``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from math import log1p

from corpuskit.lexicon.layout import LAYOUT_NAMES

#: Positions of the layout features read here.
_LINK, _HEADING, _PARAGRAPH, _MAIN, _DENSITY, _EMPHASIS, _FIGURE = (
    LAYOUT_NAMES.index(name)
    for name in (
        "html_link", "html_heading", "html_paragraph", "html_main", "html_block_link_density",
        "html_emphasis", "html_figure",
    )
)  # fmt: skip

#: A line of this many characters or more, in a paragraph, outside links, is prose for
#: the context features (``PROSE_CHARS``: jusText's "short" limit, not tuned here).
PROSE_CHARS = 70

#: The features ``markup_features`` appends to each line's ``LAYOUT_NAMES``.
MARKUP_NAMES: tuple[str, ...] = (
    "html_next_prose", "html_heading_then_prose", "html_main_heading_then_prose",
    "html_link_run", "html_neighbours_linked", "html_main_link", "html_main_density",
    "html_before_main_text", "html_after_main_text", "html_within_main_text",
    "html_prev_prose", "html_after_heading", "html_main_text_distance", "html_main_emphasis",
    "html_main_figure",
)  # fmt: skip


def prose(line: str, row: Sequence[float]) -> float:
    """How much ``line`` is a paragraph of prose: its paragraph share outside links,
    scaled by its length up to ``PROSE_CHARS``.

    >>> prose("x" * 140, [0.0] * len(LAYOUT_NAMES))
    0.0
    """
    return row[_PARAGRAPH] * (1.0 - row[_LINK]) * min(1.0, len(line) / PROSE_CHARS)


def markup_features(lines: Sequence[str], layout: Sequence[Sequence[float]]) -> list[list[float]]:
    """Each line's layout row with ``MARKUP_NAMES`` appended (blank lines get zeros).

    >>> rows = markup_features(["a", ""], [[0.5] * len(LAYOUT_NAMES)] * 2)
    >>> len(rows[0]) == len(LAYOUT_NAMES) + len(MARKUP_NAMES), rows[1][-1]
    (True, 0.0)
    """
    filled = [k for k, line in enumerate(lines) if line.strip()]
    rows = [layout[k] for k in filled]
    proses = [prose(lines[k], row) for k, row in zip(filled, rows, strict=True)]
    runs = _link_runs(rows)
    # The main container's text: its lines that are mostly prose (the first and the
    # last of them bound "before", "after" and "within").
    main_text = [k for k, row in enumerate(rows) if proses[k] >= 0.5 and row[_MAIN] >= 0.5]
    first, last = (main_text[0], main_text[-1]) if main_text else (len(rows), -1)
    out = [[*row, *(0.0,) * len(MARKUP_NAMES)] for row in layout]
    for k, (at, row) in enumerate(zip(filled, rows, strict=True)):
        after = proses[k + 1] if k + 1 < len(rows) else 0.0
        links = [rows[j][_LINK] for j in (k - 1, k + 1) if 0 <= j < len(rows)]
        heading_then = row[_HEADING] * after
        main = row[_MAIN]
        out[at] = [
            *row,
            after,
            heading_then,
            main * heading_then,
            log1p(runs[k]),
            sum(links) / len(links) if links else 0.0,
            main * row[_LINK],
            main * row[_DENSITY],
            1.0 if main_text and k < first else 0.0,
            1.0 if main_text and k > last else 0.0,
            1.0 if first <= k <= last else 0.0,
            proses[k - 1] if k else 0.0,
            rows[k - 1][_HEADING] if k else 0.0,
            log1p(_distance(k, main_text)),
            main * row[_EMPHASIS],
            main * row[_FIGURE],
        ]
    return out


def _link_runs(rows: Sequence[Sequence[float]]) -> list[int]:
    """For each line, the length of the run of mostly linked lines it belongs to."""
    runs = [0] * len(rows)
    start = 0
    while start < len(rows):
        end = start
        while end < len(rows) and rows[end][_LINK] >= 0.5:
            end += 1
        for k in range(start, end):
            runs[k] = end - start
        start = max(end, start + 1)
    return runs


def _distance(k: int, marks: Sequence[int]) -> int:
    """How many lines ``k`` is from the nearest of the sorted ``marks`` (99 if none)."""
    at = bisect_left(marks, k)
    near = [abs(marks[j] - k) for j in (at - 1, at) if 0 <= j < len(marks)]
    return min(near, default=99)
