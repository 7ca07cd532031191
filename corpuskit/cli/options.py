"""The options commands share, declared once, and how the given ones become run options.

A flag's parameter has the name of the run option it sets (``--html-parser`` sets
``html_parser``: the field of ``ReadOptions``, the key of a recipe's ``[options]``), so
the options a user gave are handed to ``Recipe.build`` by name, the one composition the
library uses too. ``given_options`` takes those set by a flag or by a ``CORPUSKIT_*``
environment variable; the rest come from the recipe, then the defaults. The few flags
that differ from their option (``--max-file-mb`` for ``max_file_bytes``, ``--time-limit 0``
for no limit) are converted in ``CONVERSIONS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

import typer

from corpuskit.cli.recipes import RecipeOption
from corpuskit.html import EXTRACTORS, PARSERS
from corpuskit.readers.limits import MiB
from corpuskit.readers.options import FORMATS

__all__ = [
    "ENV_PREFIX",
    "ContentOption",
    "ExtractorOption",
    "FormatOption",
    "HtmlParserOption",
    "IdFieldOption",
    "MaxFileOption",
    "MaxLineOption",
    "QuietOption",
    "RecipeOption",
    "TextFieldOption",
    "UrlFieldOption",
    "VerboseOption",
    "given_options",
]

FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format", "-f", help=f"Input format, one of {', '.join(FORMATS)}; default: detect."
    ),
]
TextFieldOption = Annotated[
    str, typer.Option("--text-field", help="JSONL field that holds the page text.")
]
ContentOption = Annotated[
    str,
    typer.Option(
        "--content",
        help="What the JSONL text field holds: text, html (a page: its text and metadata "
        "extracted) or auto (html when it opens like a page).",
    ),
]
IdFieldOption = Annotated[
    str, typer.Option("--id-field", help="JSONL field that holds the record's id.")
]
UrlFieldOption = Annotated[
    str,
    typer.Option(
        "--url-field", help="JSONL field that holds the page's URL (a page's canonical wins)."
    ),
]
HtmlParserOption = Annotated[
    str,
    typer.Option(
        "--html-parser",
        help=f"HTML parser, one of {', '.join(PARSERS)} (lxml: about twice as fast).",
    ),
]
ExtractorOption = Annotated[
    str,
    typer.Option(
        "--extractor",
        help=f"What makes an HTML page's text, one of {', '.join(EXTRACTORS)} "
        "(trafilatura: pip install 'corpuskit\\[trafilatura]').",
    ),
]
MaxFileOption = Annotated[
    int, typer.Option("--max-file-mb", min=1, help="Largest text/HTML file, decompressed (MiB).")
]
MaxLineOption = Annotated[
    int, typer.Option("--max-line-mb", min=1, help="Largest JSONL record (MiB).")
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="No summary on stderr; errors only.")
]
VerboseOption = Annotated[
    int,
    typer.Option(
        "--verbose",
        "-v",
        count=True,
        help="Log decisions, options' sources and each input's progress on stderr (-vv: more).",
    ),
]

#: Every option of ``clean`` can also be set as ``CORPUSKIT_<OPTION>`` in the environment.
ENV_PREFIX = "CORPUSKIT"

#: Flags whose value is not their option's: the option's name and the conversion.
CONVERSIONS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "max_file_mb": ("max_file_bytes", lambda mb: mb * MiB),
    "max_line_mb": ("max_line_bytes", lambda mb: mb * MiB),
    "time_limit": ("time_limit", lambda seconds: seconds or None),
    "quality_step": ("quality_step", tuple),
    "favor": ("favor", lambda precision: "precision" if precision else "recall"),
}

#: Where a given option's value came from (click's ``ParameterSource`` names, which typer
#: versions import from different places), in the words ``--verbose`` uses.
GIVEN = {"COMMANDLINE": "flag", "ENVIRONMENT": "environment"}


def _given_by(ctx: typer.Context, name: str) -> str | None:
    """``flag`` or ``environment`` when one of them set the parameter ``name``."""
    source = ctx.get_parameter_source(name)
    return GIVEN.get(source.name) if source is not None else None


def given_options(ctx: typer.Context, names: Iterable[str]) -> dict[str, Any]:
    """The run options among ``names`` (parameters of the command) that a flag or the
    environment set, by option name and converted (``CONVERSIONS``)."""
    given: dict[str, Any] = {}
    for name in names:
        if _given_by(ctx, name) is None:
            continue
        option, convert = CONVERSIONS.get(name, (name, lambda value: value))
        given[option] = convert(ctx.params[name])
    return given


def source_of(ctx: typer.Context, name: str, recipe_options: Iterable[str] = ()) -> str:
    """Where the option ``name`` got its value: flag, environment, recipe or default."""
    found = _given_by(ctx, name)
    if found is not None:
        return found
    option = CONVERSIONS.get(name, (name,))[0]
    return "recipe" if option in recipe_options else "default"
