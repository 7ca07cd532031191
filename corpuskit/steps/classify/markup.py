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

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from math import log1p

from corpuskit.lexicon.layout import LAYOUT_NAMES

#: Positions of the layout features read here.
_LINK, _HEADING, _PARAGRAPH, _MAIN, _DENSITY, _EMPHASIS, _FIGURE, _READABLE = (
    LAYOUT_NAMES.index(name)
    for name in (
        "html_link", "html_heading", "html_paragraph", "html_main", "html_block_link_density",
        "html_emphasis", "html_figure", "html_readability",
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
    "html_main_figure", "html_after_readable_text",
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

    Worked out a column at a time over the page's non-blank lines (``_Columns``), then
    joined line by line: HTML mode runs it on every page, and a line's dozen lookups
    of its neighbours were a quarter of ``classify_lines`` there.

    >>> rows = markup_features(["a", ""], [[0.5] * len(LAYOUT_NAMES)] * 2)
    >>> len(rows[0]) == len(LAYOUT_NAMES) + len(MARKUP_NAMES), rows[1][-1]
    (True, 0.0)
    """
    filled = [bool(line.strip()) for line in lines]
    rows = list(compress(layout, filled))
    columns = _Columns.of(list(compress(lines, filled)), rows)
    features = iter([*row, *values] for row, values in zip(rows, columns.values(), strict=True))
    blank = (0.0,) * len(MARKUP_NAMES)
    return [
        next(features) if full else [*row, *blank] for row, full in zip(layout, filled, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class _Columns:
    """The context of each non-blank line, a list per quantity (index k: the k-th
    non-blank line)."""

    rows: Sequence[Sequence[float]]
    proses: list[float]
    runs: list[int]
    main_text: list[int]
    #: The last line of prose inside readability's article (-1: none), for
    #: ``html_after_readable_text``.
    last_readable: int

    @classmethod
    def of(cls, lines: Sequence[str], rows: Sequence[Sequence[float]]) -> _Columns:
        """The columns of non-blank ``lines`` and their layout ``rows``."""
        proses = [prose(line, row) for line, row in zip(lines, rows, strict=True)]
        # The main container's text: its lines that are mostly prose (the first and the
        # last of them bound "before", "after" and "within").
        main_text = [k for k, row in enumerate(rows) if proses[k] >= 0.5 and row[_MAIN] >= 0.5]
        return cls(rows, proses, _link_runs(rows), main_text, _last_prose(rows, proses, _READABLE))

    def values(self) -> list[tuple[float, ...]]:
        """Each line's ``MARKUP_NAMES`` values, in that order."""
        rows, proses, main_text = self.rows, self.proses, self.main_text
        size = len(rows)
        first, last = (main_text[0], main_text[-1]) if main_text else (size, -1)
        last_readable = self.last_readable
        distances = _distances(size, main_text)
        logs = _logs(max([*self.runs, *distances, 0]))
        afters = [*proses[1:], 0.0]
        headings = [row[_HEADING] for row in rows]
        return [
            (
                after,
                row[_HEADING] * after,
                row[_MAIN] * (row[_HEADING] * after),
                logs[run],
                linked,
                row[_MAIN] * row[_LINK],
                row[_MAIN] * row[_DENSITY],
                1.0 if main_text and k < first else 0.0,
                1.0 if main_text and k > last else 0.0,
                1.0 if first <= k <= last else 0.0,
                before,
                heading,
                logs[distance],
                row[_MAIN] * row[_EMPHASIS],
                row[_MAIN] * row[_FIGURE],
                1.0 if last_readable >= 0 and k > last_readable else 0.0,
            )
            for k, (row, after, before, heading, run, distance, linked) in enumerate(
                zip(
                    rows,
                    afters,
                    [0.0, *proses[:-1]],
                    [0.0, *headings[:-1]],
                    self.runs,
                    distances,
                    _neighbours([row[_LINK] for row in rows]),
                    strict=True,
                )
            )
        ]


def _last_prose(rows: Sequence[Sequence[float]], proses: Sequence[float], column: int) -> int:
    """The index of the last line that is mostly prose and mostly inside ``column``'s
    element (-1: none). A line after it is after the article readability would keep
    (``html_after_readable_text``): "related", "latest" and share boxes, author boxes
    and the page's foot, which follow the article on any site. The main container's
    own bound (``html_after_main_text``) stops short of readability's siblings, and
    trafilatura's named container is often a wrapper holding those boxes too.

    >>> _last_prose([[1.0], [1.0], [0.0]], [1.0, 0.2, 1.0], 0), _last_prose([[0.0]], [1.0], 0)
    (0, -1)
    """
    for k in range(len(rows) - 1, -1, -1):
        if proses[k] >= 0.5 and rows[k][column] >= 0.5:
            return k
    return -1


def _logs(top: int) -> list[float]:
    """``math.log1p`` of 0 to ``top``, by index.

    >>> _logs(2) == [log1p(0), log1p(1), log1p(2)]
    True
    """
    return [log1p(n) for n in range(top + 1)]


def _neighbours(links: Sequence[float]) -> list[float]:
    """For each line, the mean of its neighbours' link shares (0 for a lone line): the
    floats ``sum`` of one or two of them, over their number, gives.

    >>> _neighbours([1.0, 0.0, 0.5]), _neighbours([0.25])
    ([0.0, 0.75, 0.0], [0.0])
    """
    if len(links) < 2:
        return [0.0] * len(links)
    middle = [(before + after) / 2 for before, after in zip(links, links[2:], strict=False)]
    return [links[1], *middle, links[-2]]


def _distances(size: int, marks: Sequence[int]) -> list[int]:
    """For each of ``size`` lines, ``_distance`` to the sorted ``marks``, by two sweeps.

    >>> _distances(5, [1, 2]), _distances(2, [])
    ([1, 0, 0, 1, 2], [99, 99])
    """
    if not marks:
        return [99] * size
    out, marked = [size] * size, set(marks)
    near = -size
    for k in range(size):
        near = k if k in marked else near
        out[k] = k - near
    near = 2 * size
    for k in range(size - 1, -1, -1):
        near = k if k in marked else near
        out[k] = min(out[k], near - k)
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
