"""``corpuskit report``: a finished corpus drawn in one self-contained HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corpuskit.cli.app import app, translate_errors
from corpuskit.cli.logs import say
from corpuskit.outputs import Outputs, beside, default_manifest, default_rejects
from corpuskit.reporting import SAMPLE_PAGES
from corpuskit.storage import exists, is_url


@app.command("report")
@translate_errors
def report_command(
    corpus: Annotated[
        str, typer.Argument(help="The corpus: JSONL (.gz/.zst ok), a folder of shards, or -.")
    ],
    rejects: Annotated[
        str | None,
        typer.Option(help="Rejects JSONL; default: NAME.rejects.jsonl beside the corpus, if any."),
    ] = None,
    manifest: Annotated[
        str | None,
        typer.Option(help="Run manifest; default: NAME.manifest.json beside the corpus, if any."),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="HTML file; default: NAME.report.html beside it."),
    ] = None,
    sample: Annotated[
        int, typer.Option(min=0, help="Pages shown as read, removed lines struck through.")
    ] = SAMPLE_PAGES,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary table.")] = False,
) -> None:
    """Write a self-contained HTML report of a corpus, and print a summary table.

    Plots pages and characters left after each step, drops, languages and page lengths;
    tables of sites and duplicate clusters.

    With a corpus cleaned with --audit: the most often removed lines, and a sample of
    pages as read, each removed line struck through in the colour of its rule.

    The page loads nothing (plots are inline SVG drawn by corpuskit itself).

    Example: corpuskit report corpus.jsonl -o report.html
    """
    from rich.console import Console  # loaded for this command only, as the report is

    from corpuskit.reporting import notes, summary_table, write_report

    rejects = rejects or _existing(default_rejects(corpus))
    manifest = manifest or _existing(default_manifest(corpus))
    output = output or beside(corpus, ".report.html") or "report.html"
    Outputs(output).check([corpus, *(path for path in (rejects, manifest) if path)])
    stats = write_report(corpus, output, rejects=rejects, manifest=manifest, sample=sample)
    if not quiet:
        Console(soft_wrap=False).print(summary_table(stats))
    for note in notes(stats):
        say(f"note: {note}")
    say(f"report written to {output}")


def _existing(path: str | None) -> str | None:
    if path is None:
        return None
    return path if (exists(path) if is_url(path) else Path(path).is_file()) else None
