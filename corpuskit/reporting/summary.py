"""The report's summary, as rows and notes: the same words on the page and in the terminal.

``summary_rows`` gives the headline figures, ``notes`` what a reader must know before
trusting them (malformed lines, a manifest that disagrees with the files, counts that
are estimates), and ``summary_table`` both as a ``rich`` table for the terminal. The
library returns the table; the CLI prints it.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from corpuskit.reporting.stats import CORPUS, REJECTS, CorpusStats

#: Languages named in the summary row; the page and its plot show them all.
SUMMARY_LANGUAGES = 3


def summary_rows(stats: CorpusStats) -> list[tuple[str, str]]:
    """``(label, value)`` pairs: what the corpus holds, in a few lines."""
    kept = f"{stats.chars:,}"
    if stats.chars_in:
        kept += f" ({stats.chars / stats.chars_in:.0%} of {stats.chars_in:,} read)"
    rows = [
        ("corpus", stats.corpus),
        ("pages kept", f"{stats.pages:,}"),
        ("characters kept", kept),
        ("words kept", f"{stats.words:,}"),
        ("pages rejected", _rejected(stats)),
        ("languages", _languages(stats)),
        ("sites", _sites(stats)),
        ("page length", _length(stats)),
        ("duplicates", _duplicates(stats)),
        ("removed lines stored", "yes (--audit)" if stats.audited else "no (no --audit)"),
    ]
    if stats.manifest is not None:
        report = stats.manifest.report
        rows.append(
            (
                "run manifest",
                f"{report.read:,} read, {report.written:,} written, {report.rejected:,} "
                f"rejected (corpuskit {stats.manifest.version})",
            )
        )
    return rows


def _rejected(stats: CorpusStats) -> str:
    if stats.rejects is None:
        return "unknown (no rejects file)"
    if not stats.rejected:
        return "0"
    reason, n = stats.drops.most_common(1)[0]
    return f"{stats.rejected:,} (most: {reason}, {n:,})"


def _languages(stats: CorpusStats) -> str:
    if not stats.pages:
        return "none"
    top = stats.languages.most_common(SUMMARY_LANGUAGES)
    shares = ", ".join(f"{lang} {n / stats.pages:.0%}" for lang, n in top)
    return f"{len(stats.languages)}: {shares}"


def _sites(stats: CorpusStats) -> str:
    if not len(stats.sites):
        return "none"
    [(site, pages, error)] = stats.sites.biggest(1)
    most = f"≈ {pages:,}" if error else f"{pages:,}"
    return f"{len(stats.sites):,} (most pages: {site.name}, {most})"


def _length(stats: CorpusStats) -> str:
    lengths = stats.lengths
    median = lengths.quantile(0.5)
    if median is None:
        return "no pages"
    return (
        f"median ≈ {median:,.0f} characters (shortest {lengths.smallest:,}, "
        f"longest {lengths.largest:,})"
    )


def _duplicates(stats: CorpusStats) -> str:
    if not stats.duplicates:
        return "0" if stats.rejects is not None else "unknown (no rejects file)"
    clusters = f"{len(stats.clusters):,}"
    if not stats.clusters.exact:
        clusters = f"more than {clusters}"
    return (
        f"{_pages(stats.duplicates)} rejected as copies of {clusters} kept "
        f"{'page' if clusters == '1' else 'pages'}"
    )


def _pages(n: int) -> str:
    """``1 page``, ``2,000 pages``.

    >>> _pages(1), _pages(2000)
    ('1 page', '2,000 pages')
    """
    return f"{n:,} page" if n == 1 else f"{n:,} pages"


def notes(stats: CorpusStats) -> list[str]:
    """What a reader should know before trusting the figures, one sentence each."""
    found = []
    for kind, name in ((CORPUS, stats.corpus), (REJECTS, stats.rejects)):
        if stats.malformed[kind]:
            found.append(
                f"{stats.malformed[kind]:,} lines of {name} are not {kind} records; "
                "they are left out (see Malformed lines)"
            )
    if stats.rejects is None:
        found.append("No rejects file was given or found beside the corpus: drops are unknown.")
    manifest = stats.manifest
    if manifest and (manifest.report.written, manifest.report.rejected) != (
        stats.pages,
        stats.rejected,
    ):
        found.append(
            f"The run manifest says {manifest.report.written:,} pages were written and "
            f"{manifest.report.rejected:,} rejected; the files hold {stats.pages:,} and "
            f"{stats.rejected:,}: they were changed or come from different runs."
        )
    counters = (stats.removed_lines.top, stats.clusters, stats.sites.counter, stats.sites.lines)
    if not all(counter.exact for counter in counters):
        found.append("Some of the most frequent lines, sites or clusters are estimates (marked ≈).")
    return found


def summary_table(stats: CorpusStats) -> Table:
    """The summary rows as a ``rich`` table, for the terminal (as ``Text``: a ``[`` in a
    path or a reason is not rich markup)."""
    table = Table(title="corpus report", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for label, value in summary_rows(stats):
        table.add_row(Text(label), Text(value))
    return table
