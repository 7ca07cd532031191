"""The corpus report as one self-contained HTML page.

Everything the page needs is inside it: the style sheet, the plots (inline SVG from
``plots``), the tables. It loads nothing (no script, no font, no image, no link to
follow but to its own sections), so it opens offline and leaks nothing about who reads
it. Every piece of text from the corpus (paths, titles, removed lines, reasons, the
sampled pages) is escaped with ``html.escape``: pages hold arbitrary text, markup
included. Cells that hold markup made here are ``Markup`` (``tables``); everything else
is escaped. The sampled pages are drawn by ``pages``.

Sections, in order, each an ``<section id=...>``: ``summary``, ``funnel`` (pages and
characters left after each step), ``drops`` (rejects by reason), ``rules`` (lines
removed by rule), ``removed-lines`` (most frequently removed lines, with ``--audit``
only), ``sample`` (pages as read, their removed lines struck through, with ``--audit``
only), ``sites`` (pages and the share of characters kept per site), ``languages``,
``lengths``, ``duplicates`` (biggest clusters), ``problems`` (malformed lines, when
there are any).

Tables and pages wrap inside the page's column at any window width: long lines, URLs
and paths break anywhere (``overflow-wrap: anywhere``), numbers never.
"""

from __future__ import annotations

from html import escape

from corpuskit.reporting import pages, plots
from corpuskit.reporting.bounded import Estimate
from corpuskit.reporting.removed import LineKey
from corpuskit.reporting.sites import Site
from corpuskit.reporting.stats import CorpusStats, Stage
from corpuskit.reporting.summary import notes, summary_rows
from corpuskit.reporting.tables import Markup, breakable, cell, empty, estimate, table
from corpuskit.version import __version__

#: Rows in the tables of removed lines, sites and duplicate clusters.
TOP_ROWS = 25

#: Removed lines shown per site, and members shown per group of removed lines.
SITE_LINES, GROUP_MEMBERS = 3, 12

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; color: #222; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
h2 { font-size: 1.15rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1rem; margin: 1.6rem 0 .2rem; overflow-wrap: anywhere; }
nav { font-size: .9rem; }
p.meta, figcaption, p.empty, p.more { color: #555; overflow-wrap: anywhere; }
figure { margin: 1rem 0; }
svg.plot { display: block; width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: #333; }
svg text.title { font-size: 13px; font-weight: bold; }
svg text.tick, svg text.value { font-size: 11px; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; width: 100%; }
th, td { text-align: left; padding: .25rem .6rem; border-bottom: 1px solid #eee;
         vertical-align: top; overflow-wrap: anywhere; }
table.fixed { table-layout: fixed; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
td.line, td code, p.legend del { font-family: ui-monospace, monospace; white-space: pre-wrap; }
td code { background: #f4f4f4; padding: 0 .2em; }
ul.notes li { color: #8a4b00; }
"""


#: The sections in the order they appear, with the headings the table of contents uses.
SECTIONS = (
    ("summary", "Summary"),
    ("funnel", "Pages and characters kept per step"),
    ("drops", "Drops by reason"),
    ("rules", "Lines removed by rule"),
    ("removed-lines", "Most frequently removed lines"),
    ("sample", "Sample pages"),
    ("sites", "Sites"),
    ("languages", "Languages"),
    ("lengths", "Length distribution"),
    ("duplicates", "Duplicate clusters"),
    ("problems", "Malformed lines"),
)
HEADINGS = dict(SECTIONS)


def render(stats: CorpusStats) -> str:
    """The whole page for ``stats``."""
    colours = pages.rule_colours(stats)
    sections = [
        _summary(stats),
        _funnel(stats),
        _drops(stats),
        _rules(stats),
        _removed_lines(stats),
        _sample(stats, colours),
        _sites(stats),
        _languages(stats),
        _lengths(stats),
        _duplicates(stats),
        _problems(stats),
    ]
    title = f"Corpus report: {stats.corpus}"
    shown = [(id, name) for id, name in SECTIONS if id != "problems" or stats.problems]
    contents = " · ".join(f'<a href="#{id}">{escape(name)}</a>' for id, name in shown)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}{pages.STYLE}{pages.rule_style()}</style>\n"
        f"</head>\n<body>\n<h1>{escape(title)}</h1>\n"
        f'<p class="meta">Made by corpuskit {escape(__version__)} from {_sources(stats)}.</p>\n'
        f"<nav>{contents}</nav>\n"
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


def section(id: str, *parts: str) -> str:
    """``<section id=...>`` with its heading (``HEADINGS``); ``parts`` are HTML already
    escaped."""
    body = "\n".join(part for part in parts if part)
    return f'<section id="{id}">\n<h2>{escape(HEADINGS[id])}</h2>\n{body}\n</section>'


def figure(name: str, svg: str, caption: str) -> str:
    """An inline SVG plot with its caption (``caption`` is plain text)."""
    return (
        f'<figure id="plot-{name}">\n{svg}\n<figcaption>{escape(caption)}</figcaption>\n</figure>'
    )


def _summary(stats: CorpusStats) -> str:
    found = notes(stats)
    items = "".join(f"<li>{escape(note)}</li>" for note in found)
    return section(
        "summary",
        table(["", ""], summary_rows(stats), widths=(24, 76)),
        f'<ul class="notes">{items}</ul>' if found else "",
    )


def _funnel(stats: CorpusStats) -> str:
    funnel = stats.funnel()
    stages = [stage for stage in funnel if _acted(stage)]
    if stages[0].pages == 0:
        return section("funnel", empty("No pages."))
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
        figure("funnel", plots.funnel_plot(stages), caption),
        table([*headers, "pages left", "characters left"], rows, "-nnnnn"),
    )


def _acted(stage: Stage) -> bool:
    counts = stage.counts
    return stage.step == "input" or bool(counts.dropped or counts.chars_removed)


def _drops(stats: CorpusStats) -> str:
    if stats.rejects is None:
        return section("drops", empty("No rejects file: drops are unknown."))
    if not stats.rejected:
        return section("drops", empty("No page was rejected."))
    items = stats.drops.most_common()
    svg = plots.bar_plot("drops", "Rejected pages by step: reason", "pages", items)
    rows = [(why, n, f"{n / stats.rejected:.1%}") for why, n in items]
    caption = f"{stats.rejected:,} pages rejected, from {stats.rejects}."
    return section(
        "drops",
        figure("drops", svg, caption),
        table(["step: reason", "pages", "share"], rows, "-nn"),
    )


def _rules(stats: CorpusStats) -> str:
    if not stats.lines_removed:
        return section("rules", empty("No line was removed."))
    items = stats.lines_removed.most_common()
    svg = plots.bar_plot("rules", "Removed lines by rule", "lines", items)
    caption = "Lines removed from kept and rejected pages, by the rule that removed them."
    return section("rules", figure("rules", svg, caption))


def _languages(stats: CorpusStats) -> str:
    if not stats.pages:
        return section("languages", empty("No pages."))
    items = stats.languages.most_common()
    svg = plots.bar_plot("languages", "Kept pages by language", "pages", items)
    rows = [(lang, n, f"{n / stats.pages:.1%}", stats.language_chars[lang]) for lang, n in items]
    caption = "The lang field of kept pages (und: undetermined; none: not detected)."
    return section(
        "languages",
        figure("languages", svg, caption),
        table(["language", "pages", "share", "characters"], rows, "-nnn"),
    )


def _lengths(stats: CorpusStats) -> str:
    if not stats.pages:
        return section("lengths", empty("No pages."))
    caption = (
        "Kept pages by length in characters; bins are 1.58 times wider each, so the "
        "median is known to a bin. Each bar's tooltip gives its range and count."
    )
    return section("lengths", figure("lengths", plots.length_plot(stats.lengths), caption))


#: What the report says where a corpus has no removed lines to show.
NOT_AUDITED = (
    "This corpus does not store removed lines: clean it with --audit to see them here "
    "(corpuskit clean ... --audit)."
)


def _removed_lines(stats: CorpusStats) -> str:
    if not stats.audited:
        return section("removed-lines", empty(NOT_AUDITED))
    removed = stats.removed_lines
    rows = [
        (_line_label(stats, key), _key_rules(stats, key), estimate(times, error))
        for key, times, error in removed.most_common(TOP_ROWS)
    ]
    caption = empty(
        "Non-blank lines removed from kept pages, counted over the corpus. Lines without "
        "a letter are counted in two groups, whatever rule removed them: "
        "punctuation-only lines (, | » ©) and number-only lines (0, 12, (3)), each "
        "with its most frequent members, so that they do not fill the table."
    )
    table_ = table(["line", "rule", "times"], rows, "l-n", (62, 28, 10))
    return section("removed-lines", caption, table_)


def _line_label(stats: CorpusStats, key: LineKey) -> str:
    """A removed line as a cell: the line, or a group's name and its commonest members."""
    if not key.group:
        return key.text
    members = stats.removed_lines.members(key, GROUP_MEMBERS)
    shown = " ".join(f"<code>{escape(line)}</code>\u00a0×{n:,}" for line, n in members)
    return Markup(f"<em>{escape(key.label)}</em>: {shown}")


def _key_rules(stats: CorpusStats, key: LineKey) -> str:
    if not key.group:
        return key.rule
    return ", ".join(f"{rule} {n:,}" for rule, n in stats.removed_lines.group_rules(key.group))


def _sites(stats: CorpusStats) -> str:
    if not len(stats.sites):
        return section("sites", empty("No pages."))
    biggest = stats.sites.biggest(TOP_ROWS)
    lines = stats.sites.top_lines([site.name for site, _, _ in biggest], SITE_LINES)
    rows = [
        (
            breakable(site.name),
            estimate(site.pages, error),
            site.rejected,
            site.chars,
            "—" if site.kept_share is None else f"{site.kept_share:.0%}",
            _site_removed(stats, site, lines[site.name]),
        )
        for site, _, error in biggest
    ]
    what = "lines" if stats.audited else "lines by rule (clean with --audit to see the lines)"
    caption = empty(
        f"The sites with the most pages ({len(stats.sites):,} in all). A site is the host of a "
        "page's URL, or, for a page without a URL, the folder of the file it was read from "
        '(as repeated_lines counts them with scope = "site"). Share kept: characters kept '
        f"over characters read, rejected pages included. Most removed: {what}."
    )
    headers = ["site", "pages kept", "rejected", "characters kept", "share kept", "most removed"]
    return section("sites", caption, table(headers, rows, "-nnnn-", (24, 9, 9, 12, 8, 38)))


def _site_removed(stats: CorpusStats, site: Site, lines: list[Estimate[LineKey]]) -> Markup:
    """A site's most removed lines (or rules, without ``--audit``), one a line."""
    if stats.audited:
        items = [(e.key.label, estimate(e.times, e.error)) for e in lines]
    else:
        items = [(rule, n) for rule, n in site.rules.most_common(SITE_LINES)]
    return Markup("<br>".join(f"<code>{escape(label)}</code> ×{cell(n)}" for label, n in items))


def _sample(stats: CorpusStats, colours: dict[str, int]) -> str:
    if not stats.audited:
        return section("sample", empty(NOT_AUDITED))
    sampled = stats.sample.pages()
    if not sampled:
        return section("sample", empty("No pages." if stats.sample.size else "--sample 0."))
    caption = empty(
        f"{len(sampled):,} kept pages, chosen by a hash of their id (the same corpus always "
        "gives the same pages), shown as they were read: kept lines plain, removed lines "
        "struck through in the colour of the rule that removed them, named on the right "
        "(and with its step on hover); removed blank lines are thin bands, and long runs "
        "of kept or removed lines are shortened to their ends."
    )
    return section(
        "sample",
        caption,
        pages.legend(sampled, colours),
        *(pages.article(i, page, colours) for i, page in enumerate(sampled, 1)),
    )


def _duplicates(stats: CorpusStats) -> str:
    if stats.rejects is None:
        return section("duplicates", empty("No rejects file: duplicates are unknown."))
    if not stats.duplicates:
        return section("duplicates", empty("No page was rejected as a duplicate."))
    rows = [
        (
            _kept(cluster.kept_id, cluster.kept, cluster.title),
            estimate(1 + size, error),
            cluster.exact,
            cluster.near,
            "—" if cluster.similarity is None else f"{cluster.similarity:.2f}",
            breakable("; ".join(cluster.copies)),
        )
        for cluster, size, error in stats.top_clusters(TOP_ROWS)
    ]
    caption = empty(
        "The biggest clusters: a kept page and the pages rejected as its exact or near "
        "copies (size counts the kept page)."
    )
    headers = ["kept page", "size", "exact", "near", "lowest similarity", "some copies"]
    widths = (36, 7, 7, 7, 11, 32)
    return section("duplicates", caption, table(headers, rows, "-nnnn-", widths))


def _kept(kept_id: str, where: str | None, title: str | None) -> Markup:
    shown = breakable(where) if where else "(not in this corpus)"
    after = f" — {title} [{kept_id}]" if title else f" [{kept_id}]"
    return Markup(shown + escape(after))


def _problems(stats: CorpusStats) -> str:
    if not stats.problems:
        return ""
    rows = [(kind, line.path, line.number, line.problem) for kind, line in stats.problems]
    counts = ", ".join(f"{n:,} in the {kind}" for kind, n in stats.malformed.items())
    return section(
        "problems",
        empty(f"Lines left out of the counts: {counts}. The first few:"),
        table(["file", "path", "line", "problem"], rows, "--n-", (12, 40, 10, 38)),
    )
