"""``corpuskit explain``: one page, line by line, with the step and rule that removed each.

The page is read as ``clean`` reads it (the same reading flags), run through the
recipe's pipeline one step at a time (``corpuskit.explain``), and shown one row per
line: kept (with the classifier's score, so a kept menu shows how near it came to
going) or removed by ``step:rule``. A run of blank lines is one row; rows are cut to
the terminal's width (``--wide`` wraps them instead); ``--only-removed`` leaves the
kept lines out. Of a JSONL, Parquet or WARC input, ``--id``, ``--line`` or ``--url``
picks one record (``rows.py`` draws, ``picked`` chooses).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Iterator
from typing import Annotated

import typer

from corpuskit.cli.app import app, translate_errors
from corpuskit.cli.options import (
    ContentOption,
    ExtractorOption,
    FormatOption,
    HtmlParserOption,
    IdFieldOption,
    MaxFileOption,
    MaxLineOption,
    RecipeOption,
    TextFieldOption,
    UrlFieldOption,
    given_options,
)
from corpuskit.cli.recipes import chosen_recipe
from corpuskit.cli.rows import Layout, render_explanation
from corpuskit.document import Document, Drop
from corpuskit.errors import InputError
from corpuskit.explain import explain
from corpuskit.html.extractors import DEFAULT_EXTRACTOR
from corpuskit.html.parsers import DEFAULT_PARSER
from corpuskit.readers import read
from corpuskit.readers.limits import DEFAULT_LIMITS, MiB
from corpuskit.run.passes import fit_corpus_steps

#: The parameters of ``explain`` that are run options (how the page is read).
READ_FLAGS = (
    "format", "text_field", "content", "id_field", "url_field", "html_parser", "extractor",
    "max_file_mb", "max_line_mb",
)  # fmt: skip


@app.command("explain")
@translate_errors
def explain_command(
    ctx: typer.Context,
    page: Annotated[str, typer.Argument(help="A page file (or - for stdin) to explain.")],
    recipe: RecipeOption = None,
    format: FormatOption = None,
    text_field: TextFieldOption = "text",
    content: ContentOption = "auto",
    id_field: IdFieldOption = "id",
    url_field: UrlFieldOption = "url",
    html_parser: HtmlParserOption = DEFAULT_PARSER,
    extractor: ExtractorOption = DEFAULT_EXTRACTOR,
    max_file_mb: MaxFileOption = DEFAULT_LIMITS.max_file_bytes // MiB,
    max_line_mb: MaxLineOption = DEFAULT_LIMITS.max_line_bytes // MiB,
    id: Annotated[
        str | None,
        typer.Option("--id", help="The record with this id (of a WARC: or its WARC-Record-ID)."),
    ] = None,
    line: Annotated[
        int | None,
        typer.Option(
            "--line",
            min=1,
            help="The record on this line of a JSONL input, this row of a Parquet file (of "
            "others: the Nth).",
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", help="Of a JSONL, Parquet or WARC input: the page with this URL."),
    ] = None,
    only_removed: Annotated[
        bool, typer.Option("--only-removed", help="Show only the lines that were removed.")
    ] = False,
    wide: Annotated[
        bool, typer.Option("--wide", help="Wrap long lines instead of cutting them at the width.")
    ] = False,
    color: Annotated[
        bool | None, typer.Option("--color/--no-color", help="Colour; default: when a terminal.")
    ] = None,
    corpus: Annotated[
        list[str] | None,
        typer.Option(help="Count repeated lines over these pages too (files, folders, globs)."),
    ] = None,
) -> None:
    """Show a page line by line: kept (with the classifier's score), or removed by which
    step and rule; then its fields. A run of blank lines is one row; rows are cut to the
    terminal's width (COLUMNS), --wide wraps them.

    Without --corpus, corpus steps (repeated_lines) have nothing to count and keep quiet.

    Example: corpuskit explain fixtures/pages/000_65b90cb01bb8e496.txt --only-removed
    """
    built = chosen_recipe(ctx).build(**given_options(ctx, READ_FLAGS))
    pipeline = built.pipeline
    if corpus:
        pipeline = fit_corpus_steps(pipeline, read(corpus, built.read))
    use_color = sys.stdout.isatty() if color is None else color
    layout = Layout(terminal_width(), wide, only_removed, use_color)
    shown = 0
    for item in picked(read([page], built.read), id, line, url):
        shown += 1
        if isinstance(item, Drop) and item.reason == "not_found":
            raise InputError(f"no such file: {item.source.path}")
        if isinstance(item, Drop):
            typer.echo(f"{item.source.location()}: cannot read: {item.reason} {item.detail}")
            continue
        where = " ".join(filter(None, (item.source.location(), item.source.warc_target_uri)))
        rendered = render_explanation(explain(item, pipeline), where, layout)
        typer.echo(rendered, color=use_color)
    if not shown:
        raise InputError(nothing_shown(page, id, line, url))


def terminal_width() -> int | None:
    """The width to cut rows at: ``COLUMNS`` when set, else the terminal's; None (rows
    whole) when the output is not a terminal, so a file or ``grep`` gets every line."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def picked(
    items: Iterable[Document | Drop], id: str | None, line: int | None, url: str | None
) -> Iterator[Document | Drop]:
    """The items that match every selector given (all of them when none is), in order;
    stops reading at the first match when a selector is given (a record is one item)."""
    if id is None and line is None and url is None:
        yield from items
        return
    for number, item in enumerate(items, 1):
        source = item.source
        doc = item if isinstance(item, Document) else item.document
        ids = {doc.id if doc is not None else getattr(item, "input_id", None)}
        ids.add(source.warc_record_id)
        urls = {doc.url, doc.meta.get("url")} if doc is not None else set()
        urls.add(source.warc_target_uri)
        at = source.line if source.line is not None else number
        if (id is None or id in ids) and (url is None or url in urls) and line in (None, at):
            yield item
            return


def nothing_shown(page: str, id: str | None, line: int | None, url: str | None) -> str:
    """Why ``explain`` had nothing to show: the selectors matched nothing, or no page."""
    selectors = (("id", id), ("line", line), ("url", url))
    given = [f"--{name} {value!r}" for name, value in selectors if value is not None]
    if given:
        return f"no record of {page} matches {' '.join(given)}"
    return f"no page to explain in {page}"
