"""How ``corpuskit explain`` draws an explanation: one row per line, fitted to the width.

A row is ``mark  score | text   [features]``: the mark is ``kept`` (``+rule`` for a line
joined onto the one before it) or the ``step:rule`` that removed the line; the score
column, there when a step scored the page's lines (``classify_lines``), shows the score
of every line it judged, kept or removed, so a kept menu shows how near it came to the
threshold; the features that pulled a removed line down follow its text (a headline's
sure rule, ``[before_byline +1.00]``), the line ``lift_metadata``'s ranker took the
title from says so (``[title: ranker 0.62]``), and what a step replaced in a kept line
(``redact_pii``: kind and column) follows that line. A run of blank
lines with the same verdict is one row. With a width, a row longer than it is cut (its
text, the features kept when there is room) or, ``wide``, wrapped under itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import NamedTuple

import typer

from corpuskit.document import Drop
from corpuskit.explain import Explanation, LineVerdict
from corpuskit.steps.classify.decide import RULES

#: The narrowest text column worth wrapping into; below it a row is left whole (a
#: terminal that narrow wraps it anyway). Re-check by eye after changing it.
MIN_TEXT_WIDTH = 20


@dataclass(frozen=True)
class Layout:
    """How to draw: ``width`` in characters (None: rows whole), ``wide`` (wrap rows
    instead of cutting them), ``only_removed`` (leave kept lines out), ``color``."""

    width: int | None = None
    wide: bool = False
    only_removed: bool = False
    color: bool = False


class Row(NamedTuple):
    """One row: its mark, score (``""`` when none), text, features and colour."""

    mark: str
    score: str
    text: str
    features: str
    style: str | None


def render_explanation(explanation: Explanation, location: str, layout: Layout) -> str:
    """The text ``corpuskit explain`` prints for one page."""
    rows = [row for row in page_rows(explanation.lines) if row.style or not layout.only_removed]
    mark_width = max((len(row.mark) for row in rows), default=4)
    scored = any(row.score for row in rows)
    out = [_paint(_cut(f"== {location}", layout.width), "bold", layout.color)]
    for row in rows:
        score = f"{row.score:>6} " if scored else ""
        prefix = f"{row.mark:<{mark_width}}  {score}| "
        for drawn in fitted(prefix, row.text, row.features, layout):
            out.append(_paint(drawn, row.style, layout.color))
    for name, value in explanation.fields.items():
        out.append(_paint(_cut(f"{name}: {value}", layout.width), "green", layout.color))
    result = explanation.result
    if isinstance(result, Drop):
        out.append(_paint(f"rejected by {result.step}: {result.reason}", "red", layout.color))
    return "\n".join(out)


def page_rows(verdicts: Sequence[LineVerdict]) -> Iterator[Row]:
    """One row per line, a run of blank lines with the same verdict as one.

    >>> [row.text for row in page_rows([LineVerdict(n, "") for n in (1, 2, 3)])]
    ['(3 blank lines)']
    >>> [row.text for row in page_rows([LineVerdict(1, "a"), LineVerdict(2, " ")])]
    ['a', '(blank line)']
    """
    for _, group in groupby(verdicts, key=_run_key):
        run = list(group)
        first = run[0]
        text = first.text if first.text.strip() else _blank(len(run))
        if first.kept:
            mark = "kept" if first.joined is None else f"+{first.joined}"
            why = _kept_back(first.judgment) + _titled(first.judgment) + _replaced(first.replaced)
            yield Row(mark, _score(first.judgment), text, why, None)
        else:
            why = _features(first.features)
            yield Row(f"{first.step}:{first.rule}", _score(first.features), text, why, "red")


def _blank(count: int) -> str:
    """What a row of ``count`` blank lines shows."""
    return "(blank line)" if count == 1 else f"({count} blank lines)"


def _run_key(verdict: LineVerdict) -> tuple[object, ...]:
    """Blank lines with the same verdict share a key; every other line has its own."""
    if verdict.text.strip():
        return (verdict.number,)
    return (None, verdict.step, verdict.rule, verdict.joined)


def _score(judgment: Mapping[str, float] | None) -> str:
    """``+1.37`` from a judgment's ``score``; ``""`` without one."""
    if not judgment or "score" not in judgment:
        return ""
    return f"{judgment['score']:+.2f}"


def _kept_back(judgment: Mapping[str, float] | None) -> str:
    """``   [kept back: in_context]``: the rule by which ``classify_lines`` kept a line
    that scored below its threshold (``steps/classify/decide.py``).

    >>> _kept_back({"score": -0.4, "in_context": 1.0}), _kept_back({"score": 1.2})
    ('   [kept back: in_context]', '')
    """
    rules = sorted(RULES & judgment.keys()) if judgment else []
    return f"   [kept back: {', '.join(rules)}]" if rules else ""


def _titled(judgment: Mapping[str, float] | None) -> str:
    """``   [title: ranker 0.62]``: the line ``lift_metadata``'s ranker took the title
    from, with its share of the odds (a sure rule's line is removed and says its rule).

    >>> _titled({"score": 1.2, "headline": 0.621}), _titled(None)
    ('   [title: ranker 0.62]', '')
    """
    if not judgment or "headline" not in judgment:
        return ""
    return f"   [title: ranker {judgment['headline']:.2f}]"


def _replaced(spans: Sequence[tuple[str, str, int]]) -> str:
    """``   [redact_pii: email at 10, phone at 31]``: what a step replaced in a kept line
    (its kind and column; the line shown is the page's own, as read).

    >>> _replaced([("redact_pii", "email", 10), ("redact_pii", "phone", 31)])
    '   [redact_pii: email at 10, phone at 31]'
    """
    if not spans:
        return ""
    steps = dict.fromkeys(step for step, _, _ in spans)
    named = [
        f"{step}: " + ", ".join(f"{kind} at {column}" for s, kind, column in spans if s == step)
        for step in steps
    ]
    return "   [" + "; ".join(named) + "]"


def _features(features: Mapping[str, float]) -> str:
    """``   [in_main_region -0.80, ...]``: what weighed against a removed line."""
    named = [f"{name} {value:+.2f}" for name, value in features.items() if name != "score"]
    return "   [" + ", ".join(named) + "]" if named else ""


def fitted(prefix: str, text: str, features: str, layout: Layout) -> list[str]:
    """``prefix + text + features`` as drawn in ``layout``: whole, cut to the width
    (ending in ``…``: the features when the text fits, else the text, the features
    kept while they take at most half the room), or wrapped under the text's column
    (``wide``).

    >>> fitted("kept | ", "one two three four five six", "", Layout(width=30))
    ['kept | one two three four fiv…']
    >>> fitted("x | ", "short", "   [a -1.00, b -0.50]", Layout(width=24))
    ['x | short   [a -1.00, b…']
    >>> fitted("kept | ", "one two three four five six", "", Layout(width=30, wide=True))
    ['kept | one two three four five', '     | six']
    """
    room = (layout.width or 0) - len(prefix)
    whole = text + features
    if layout.width is None or len(whole) <= room or room < MIN_TEXT_WIDTH:
        return [prefix + whole]
    if layout.wide:
        pieces = list(wrapped(whole, room))
        under = " " * (len(prefix) - 2) + "| "
        return [prefix + pieces[0], *(under + piece for piece in pieces[1:])]
    if len(text) < room:  # the text whole, its features cut
        return [prefix + _cut(whole, room)]
    if len(features) > room // 2:
        features = ""
    return [prefix + text[: room - len(features) - 1] + "…" + features]


def wrapped(text: str, room: int) -> Iterator[str]:
    """``text`` in pieces of at most ``room`` characters, broken at spaces where it can
    (a word longer than ``room`` is split); one pass over the text.

    >>> list(wrapped("aaa bb cccccccc", 5))
    ['aaa', 'bb', 'ccccc', 'ccc']
    """
    start = 0
    while len(text) - start > room:
        end = text.rfind(" ", start, start + room + 1)
        if end <= start:
            yield text[start : start + room]
            start += room
        else:
            yield text[start:end]
            start = end + 1
    yield text[start:]


def _cut(text: str, width: int | None) -> str:
    """``text`` cut to ``width`` characters, ending in ``…``."""
    if width is None or len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + "…"


def _paint(text: str, style: str | None, color: bool) -> str:
    if not color or style is None:
        return text
    if style == "bold":
        return typer.style(text, bold=True)
    return typer.style(text, fg=style)
