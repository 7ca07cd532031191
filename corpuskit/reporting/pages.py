"""The sample's pages as HTML: each line as read, the removed ones struck through in the
colour of the rule that removed it, the rule named beside it and its step on hover.

A rule's colour is a class, ``r<n>``, from its rank among the corpus's removed lines:
the same rule has the same colour on every page of the report, and no rule name (which
may be any word a user's step chose) ever becomes a class name or a style.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from corpuskit.reporting.sample import SampledPage, ShownLine
from corpuskit.reporting.stats import CorpusStats
from corpuskit.reporting.tables import breakable

#: One colour per rule in the sample (by the rule's rank in the corpus, cycling after
#: the last): hues far apart, each dark enough to read as text on white (contrast 4.5:1
#: or more), since the rule's name is written in it beside each removed line.
RULE_COLOURS = (
    "#c0392b", "#1f5fa8", "#2e7d32", "#7b3fa0", "#a35200", "#00796b",
    "#ad1457", "#5d6d1e", "#6d4c41", "#455a64", "#283593", "#8a6d00",
)  # fmt: skip

#: How a page is drawn: a box of monospace rows that wrap, removed rows with a bar and a
#: tint in their rule's colour (``--c``, set by the ``r<n>`` classes).
STYLE = """
.page { font: .82rem/1.45 ui-monospace, monospace; border: 1px solid #ddd;
        border-radius: 4px; max-height: 36rem; overflow-y: auto; padding: .3rem 0; }
.page > div { min-height: 1.45em; padding: 0 .6rem 0 calc(.6rem + 3px);
              white-space: pre-wrap; overflow-wrap: anywhere; }
.page > div.x { display: flex; gap: .8rem; padding-left: .6rem; border-left: 3px solid var(--c);
                background: color-mix(in srgb, var(--c) 8%, white); }
.page > div.gap { min-height: 0; height: .5em; background: none; }
.x > :first-child { flex: 1; min-width: 0; }
.x del, p.legend del { color: #555; text-decoration: line-through var(--c) 2px; }
.x .why { color: var(--c); font: .75rem/1.9 system-ui, sans-serif; white-space: nowrap; }
.page > div.skip { color: #777; font-style: italic; font-family: system-ui, sans-serif; }
p.legend span { display: inline-block; margin-right: 1rem; color: var(--c); }
"""


def rule_style() -> str:
    """The ``r<n>`` classes, each setting its colour."""
    return "".join(f".r{i} {{ --c: {colour}; }}\n" for i, colour in enumerate(RULE_COLOURS))


def rule_colours(stats: CorpusStats) -> dict[str, int]:
    """Each rule's colour class (``r<n>``), by its rank among the corpus's removed lines."""
    rules = [rule for rule, _ in stats.lines_removed.most_common()]
    return {rule: i % len(RULE_COLOURS) for i, rule in enumerate(rules)}


def legend(pages: Sequence[SampledPage], colours: dict[str, int]) -> str:
    """The rules the sampled pages show, each struck through in its colour, with its step."""
    found = {(line.rule, line.step) for page in pages for line in page.lines if line.rule}
    ordered = sorted(found, key=lambda pair: (colours.get(pair[0], 0), pair))
    items = "".join(
        f'<span class="r{colours.get(rule, 0)}"><del>{escape(rule)}</del> '
        f"({escape(step or '')})</span>"
        for rule, step in ordered
    )
    return f'<p class="legend">Rules: {items}</p>' if items else ""


def article(number: int, page: SampledPage, colours: dict[str, int]) -> str:
    """Sampled page ``number``: its title, where it is from, what was kept, its rows."""
    heading = page.title or page.where
    share = f"{page.chars / page.chars_in:.0%}" if page.chars_in else "—"
    facts = [
        f"<code>{breakable(page.where)}</code>",
        escape(page.lang or "no language"),
        f"{page.chars_in:,} characters read, {page.chars:,} kept ({share})",
    ]
    rows = "\n".join(shown_line(line, colours) for line in page.lines)
    notes = []
    if not page.placed:
        notes.append("The removed lines' numbers do not fit this page: they follow its text.")
    if page.more:
        notes.append(f"… and {page.more:,} more lines, not shown.")
    more = "".join(f'<p class="more">{escape(note)}</p>' for note in notes)
    return (
        f'<article class="sample" id="sample-{number}">\n<h3>{escape(heading)}</h3>\n'
        f'<p class="meta">{" · ".join(facts)}</p>\n<div class="page">\n{rows}\n</div>{more}\n'
        "</article>"
    )


def shown_line(line: ShownLine, colours: dict[str, int]) -> str:
    """One row of a sampled page: a kept line plain, a removed one struck through with
    its rule, a run of removed blank lines as a thin band, a shortened run's count."""
    if line.skipped:
        return f'<div class="skip">… {escape(line.text)} …</div>'
    if line.kept:
        return f'<div class="k">{escape(line.text)}</div>'
    colour = f"r{colours.get(line.rule or '', 0)}"
    if line.blanks:
        what = f"{line.step}: {line.rule} ({line.blanks:,} blank line{'s' * (line.blanks > 1)})"
        return f'<div class="x {colour} gap" title="{escape(what)}"></div>'
    hover = escape(f"{line.step}: {line.rule}")
    return (
        f'<div class="x {colour}" title="{hover}"><del>{escape(line.text)}</del>'
        f'<span class="why">{escape(line.rule or "")}</span></div>'
    )
