"""The corpus report as one self-contained HTML page.

Everything the page needs is inside it: the style sheet, the plots (inline SVG from
``plots``), the tables. It loads nothing (no script, no font, no image, no link to
follow), so it opens offline and leaks nothing about who reads it. Every piece of text
from the corpus (paths, titles, removed lines, reasons) is escaped with ``html.escape``:
pages hold arbitrary text, markup included.

Sections, in order, each an ``<section id=...>``: ``summary``, ``funnel`` (pages and
characters left after each step), ``drops`` (rejects by reason), ``rules`` (lines
removed by rule), ``languages``, ``lengths``, ``removed-lines`` (most frequently removed
lines, with ``--audit`` only), ``duplicates`` (biggest clusters), ``problems`` (malformed
lines, when there are any).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from corpuskit.reporting import plots
from corpuskit.reporting.stats import CorpusStats, Stage
from corpuskit.reporting.summary import notes, summary_rows
from corpuskit.version import __version__

#: Rows in the tables of removed lines and duplicate clusters.
TOP_ROWS = 25

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; color: #222; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
h2 { font-size: 1.15rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
p.meta, figcaption, p.empty { color: #555; }
figure { margin: 1rem 0; }
svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; }
th, td { text-align: left; padding: .25rem .6rem; border-bottom: 1px solid #eee;
         vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.line { font-family: ui-monospace, monospace; white-space: pre-wrap;
          word-break: break-word; max-width: 36rem; }
ul.notes li { color: #8a4b00; }
"""


def render(stats: CorpusStats) -> str:
    """The whole page for ``stats``."""
    sections = [
        _summary(stats),
        _funnel(stats),
        _drops(stats),
        _rules(stats),
        _languages(stats),
        _lengths(stats),
        _removed_lines(stats),
        _duplicates(stats),
        _problems(stats),
    ]
    title = f"Corpus report: {stats.corpus}"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n"
        f'<p class="meta">Made by corpuskit {escape(__version__)} from {_sources(stats)}.</p>\n'
        + "\n".join(section for section in sections if section)
        + "\n</body>\n</html>\n"
    )


def _sources(stats: CorpusStats) -> str:
    files = [f"<code>{escape(stats.corpus)}</code>"]
    if stats.rejects:
        files.append(f"rejects <code>{escape(stats.rejects)}</code>")
    if stats.manifest:
        files.append(f"run manifest <code>{escape(stats.manifest.path)}</code>")
    return ", ".join(files)


def section(id: str, heading: str, *parts: str) -> str:
    """``<section id=...>`` with a heading; ``parts`` are HTML already escaped."""
    body = "\n".join(part for part in parts if part)
    return f'<section id="{id}">\n<h2>{escape(heading)}</h2>\n{body}\n</section>'


def figure(name: str, svg: str, caption: str) -> str:
    """An inline SVG plot with its caption (``caption`` is plain text)."""
    return (
        f'<figure id="plot-{name}">\n{svg}\n<figcaption>{escape(caption)}</figcaption>\n</figure>'
    )


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], classes: str = "") -> str:
    """A table of escaped cells; numbers are right-aligned. ``classes`` gives each column
    a class by letter: ``n`` number, ``l`` a line of page text, ``-`` none.

    >>> print(table(["line", "pages"], [("<b>Menu</b>", 1200)], "ln"))
    <table><tr><th>line</th><th class="n">pages</th></tr>
    <tr><td class="line">&lt;b&gt;Menu&lt;/b&gt;</td><td class="n">1,200</td></tr></table>
    """
    names = {"n": ' class="n"', "l": ' class="line"'}
    kinds = [names.get(c, "") for c in classes.ljust(len(headers), "-")]
    head = "".join(
        f"<th{kind if kind == names['n'] else ''}>{escape(h)}</th>"
        for h, kind in zip(headers, kinds, strict=True)
    )
    cells = (
        "".join(f"<td{kind}>{_cell(v)}</td>" for v, kind in zip(row, kinds, strict=True))
        for row in rows
    )
    body = "\n".join(f"<tr>{row}</tr>" for row in cells)
    return f"<table><tr>{head}</tr>\n{body}</table>"


def _cell(value: object) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return escape(str(value))


def _empty(text: str) -> str:
    return f'<p class="empty">{escape(text)}</p>'


def _summary(stats: CorpusStats) -> str:
    found = notes(stats)
    items = "".join(f"<li>{escape(note)}</li>" for note in found)
    return section(
        "summary",
        "Summary",
        table(["", ""], summary_rows(stats)),
        f'<ul class="notes">{items}</ul>' if found else "",
    )


def _funnel(stats: CorpusStats) -> str:
    funnel = stats.funnel()
    stages = [stage for stage in funnel if _acted(stage)]
    if stages[0].pages == 0:
        return section("funnel", "Pages and characters kept per step", _empty("No pages."))
    caption = (
        "Left: pages left after each step; right: characters left, and their share of "
        "the characters read. Only steps that removed text or rejected pages are shown."
    )
    rows = [
        (s.step, s.counts.changed, s.counts.chars_removed, s.counts.dropped, s.pages, s.chars)
        for s in funnel[1:]
        if s.counts.changed or s.counts.dropped
    ]
    headers = ["step", "pages changed", "characters removed", "pages rejected"]
    return section(
        "funnel",
        "Pages and characters kept per step",
        figure("funnel", plots.funnel_plot(stages), caption),
        table([*headers, "pages left", "characters left"], rows, "-nnnnn"),
    )


def _acted(stage: Stage) -> bool:
    counts = stage.counts
    return stage.step == "input" or bool(counts.dropped or counts.chars_removed)


def _drops(stats: CorpusStats) -> str:
    heading = "Drops by reason"
    if stats.rejects is None:
        return section("drops", heading, _empty("No rejects file: drops are unknown."))
    if not stats.rejected:
        return section("drops", heading, _empty("No page was rejected."))
    items = stats.drops.most_common()
    svg = plots.bar_plot("drops", "Rejected pages by step: reason", "pages", items)
    rows = [(why, n, f"{n / stats.rejected:.1%}") for why, n in items]
    caption = f"{stats.rejected:,} pages rejected, from {stats.rejects}."
    return section(
        "drops",
        heading,
        figure("drops", svg, caption),
        table(["step: reason", "pages", "share"], rows, "-nn"),
    )


def _rules(stats: CorpusStats) -> str:
    heading = "Lines removed by rule"
    if not stats.lines_removed:
        return section("rules", heading, _empty("No line was removed."))
    items = stats.lines_removed.most_common()
    svg = plots.bar_plot("rules", "Removed lines by rule", "lines", items)
    caption = "Lines removed from kept and rejected pages, by the rule that removed them."
    return section("rules", heading, figure("rules", svg, caption))


def _languages(stats: CorpusStats) -> str:
    heading = "Languages"
    if not stats.pages:
        return section("languages", heading, _empty("No pages."))
    items = stats.languages.most_common()
    svg = plots.bar_plot("languages", "Kept pages by language", "pages", items)
    rows = [(lang, n, f"{n / stats.pages:.1%}", stats.language_chars[lang]) for lang, n in items]
    caption = "The lang field of kept pages (und: undetermined; none: not detected)."
    return section(
        "languages",
        heading,
        figure("languages", svg, caption),
        table(["language", "pages", "share", "characters"], rows, "-nnn"),
    )


def _lengths(stats: CorpusStats) -> str:
    heading = "Length distribution"
    if not stats.pages:
        return section("lengths", heading, _empty("No pages."))
    caption = (
        "Kept pages by length in characters; bins are 1.58 times wider each, so the "
        "median is known to a bin."
    )
    return section("lengths", heading, figure("lengths", plots.length_plot(stats.lengths), caption))


def _removed_lines(stats: CorpusStats) -> str:
    heading = "Most frequently removed lines"
    if not stats.audited:
        text = (
            "This corpus does not store removed lines: clean it with --audit to see them "
            "here (corpuskit clean ... --audit)."
        )
        return section("removed-lines", heading, _empty(text))
    rows = [
        (e.key[1], e.key[0], f"≈ {e.times:,}" if e.error else e.times)
        for e in stats.removed_lines.most_common(TOP_ROWS)
    ]
    caption = _empty("Non-blank lines removed from kept pages, counted over the corpus.")
    return section("removed-lines", heading, caption, table(["line", "rule", "times"], rows, "l-n"))


def _duplicates(stats: CorpusStats) -> str:
    heading = "Duplicate clusters"
    if stats.rejects is None:
        return section("duplicates", heading, _empty("No rejects file: duplicates are unknown."))
    if not stats.duplicates:
        return section("duplicates", heading, _empty("No page was rejected as a duplicate."))
    rows = [
        (
            _kept(cluster.kept_id, cluster.kept, cluster.title),
            1 + size if not error else f"≈ {1 + size:,}",
            cluster.exact,
            cluster.near,
            "—" if cluster.similarity is None else f"{cluster.similarity:.2f}",
            "; ".join(cluster.copies),
        )
        for cluster, size, error in stats.top_clusters(TOP_ROWS)
    ]
    caption = _empty(
        "The biggest clusters: a kept page and the pages rejected as its exact or near "
        "copies (size counts the kept page)."
    )
    headers = ["kept page", "size", "exact", "near", "lowest similarity", "some copies"]
    return section("duplicates", heading, caption, table(headers, rows, "-nnnn-"))


def _kept(kept_id: str, where: str | None, title: str | None) -> str:
    shown = where or "(not in this corpus)"
    return f"{shown} — {title} [{kept_id}]" if title else f"{shown} [{kept_id}]"


def _problems(stats: CorpusStats) -> str:
    if not stats.problems:
        return ""
    rows = [(kind, line.path, line.number, line.problem) for kind, line in stats.problems]
    counts = ", ".join(f"{n:,} in the {kind}" for kind, n in stats.malformed.items())
    return section(
        "problems",
        "Malformed lines",
        _empty(f"Lines left out of the counts: {counts}. The first few:"),
        table(["file", "path", "line", "problem"], rows, "--n-"),
    )
