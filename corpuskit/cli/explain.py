"""``corpuskit explain``: one page, line by line, with the step and rule that removed each."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Annotated

import typer

from corpuskit.cli.app import app, translate_errors
from corpuskit.cli.options import (
    ExtractorOption,
    FormatOption,
    HtmlParserOption,
    MaxFileOption,
    MaxLineOption,
    RecipeOption,
    TextFieldOption,
    given_options,
)
from corpuskit.cli.recipes import chosen_recipe
from corpuskit.document import Drop
from corpuskit.explain import Explanation, explain
from corpuskit.html.extractors import DEFAULT_EXTRACTOR
from corpuskit.html.parsers import DEFAULT_PARSER
from corpuskit.readers import read
from corpuskit.readers.limits import DEFAULT_LIMITS, MiB
from corpuskit.run.passes import fit_corpus_steps

#: The parameters of ``explain`` that are run options (how the page is read).
READ_FLAGS = ("format", "text_field", "html_parser", "extractor", "max_file_mb", "max_line_mb")


@app.command("explain")
@translate_errors
def explain_command(
    ctx: typer.Context,
    page: Annotated[str, typer.Argument(help="A page file (or - for stdin) to explain.")],
    recipe: RecipeOption = None,
    format: FormatOption = None,
    text_field: TextFieldOption = "text",
    html_parser: HtmlParserOption = DEFAULT_PARSER,
    extractor: ExtractorOption = DEFAULT_EXTRACTOR,
    max_file_mb: MaxFileOption = DEFAULT_LIMITS.max_file_bytes // MiB,
    max_line_mb: MaxLineOption = DEFAULT_LIMITS.max_line_bytes // MiB,
    color: Annotated[
        bool | None, typer.Option("--color/--no-color", help="Colour; default: when a terminal.")
    ] = None,
    corpus: Annotated[
        list[str] | None,
        typer.Option(help="Count repeated lines over these pages too (files, folders, globs)."),
    ] = None,
) -> None:
    """Show a page line by line: kept, or removed by which step and rule; then its fields.

    Without --corpus, corpus steps (repeated_lines) have nothing to count and keep quiet.

    Example: corpuskit explain fixtures/pages/000_65b90cb01bb8e496.txt --corpus fixtures/pages
    """
    built = chosen_recipe(ctx).build(**given_options(ctx, READ_FLAGS))
    pipeline = built.pipeline
    if corpus:
        pipeline = fit_corpus_steps(pipeline, read(corpus, built.read))
    use_color = sys.stdout.isatty() if color is None else color
    for item in read([page], built.read):
        if isinstance(item, Drop):
            typer.echo(f"{item.source.location()}: cannot read: {item.reason} {item.detail}")
            continue
        rendered = render_explanation(explain(item, pipeline), item.source.location(), use_color)
        typer.echo(rendered, color=use_color)


def render_explanation(explanation: Explanation, location: str, color: bool) -> str:
    """The text ``corpuskit explain`` prints for one page."""
    width = max((len(f"{v.step}:{v.rule}") for v in explanation.lines if v.rule), default=4)
    out = [_paint(f"== {location}", "bold", color)]
    for verdict in explanation.lines:
        if verdict.kept:
            mark = "kept" if verdict.joined is None else f"+{verdict.joined}"
            out.append(f"{mark:<{width}}  | {verdict.text}")
        else:
            mark = f"{verdict.step}:{verdict.rule}"
            why = _features(verdict.features)
            out.append(_paint(f"{mark:<{width}}  | {verdict.text}{why}", "red", color))
    for name, value in explanation.fields.items():
        out.append(_paint(f"{name}: {value}", "green", color))
    result = explanation.result
    if isinstance(result, Drop):
        out.append(_paint(f"rejected by {result.step}: {result.reason}", "red", color))
    return "\n".join(out)


def _features(features: Mapping[str, float]) -> str:
    """``   [score -1.2; in_main_region -0.8, ...]`` for a classifier's decision."""
    if not features:
        return ""
    return "   [" + ", ".join(f"{name} {value:+.2f}" for name, value in features.items()) + "]"


def _paint(text: str, style: str, color: bool) -> str:
    if not color:
        return text
    if style == "bold":
        return typer.style(text, bold=True)
    return typer.style(text, fg=style)
