"""Options that would do nothing in a run: one ``warning:`` line each, before any work.

A flag that is silently ignored costs a user a run: ``--near-threshold 0.9`` without
``--dedup near``, ``--text-field body`` over HTML files, ``--shard-size`` with ``-o``
naming a file. ``corpuskit clean`` says so on stderr and runs anyway (the run is still
what the other options ask for). The option is named the way the user set it: its
flag, its ``CORPUSKIT_*`` variable, or the recipe's key. Which options need which
others is the library's knowledge (``recipes/compose.unused_options``); which formats
the inputs have is told by their names, walking folders and globs once, never by
reading a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import typer

from corpuskit.cli.options import ENV_PREFIX, source_of
from corpuskit.document import Drop
from corpuskit.outputs import Outputs
from corpuskit.readers.detect import format_from_name
from corpuskit.readers.options import ReadOptions
from corpuskit.readers.paths import expand
from corpuskit.recipes.compose import JSONL_OPTIONS, unused_options

#: Options of HTML pages only (read from HTML files, WARC records or JSONL fields).
HTML_OPTIONS = ("html_parser", "extractor")

#: Options of a folder of shards only (``-o out/``).
SHARD_OPTIONS = ("shard_size", "shard_compression", "shard_format")


def shown(ctx: typer.Context, name: str, recipe_options: Iterable[str] = ()) -> str:
    """The option ``name`` as the user set it: ``--flag``, ``CORPUSKIT_NAME`` or
    ``the recipe's name``."""
    where = source_of(ctx, name, recipe_options)
    if where == "environment":
        return f"{ENV_PREFIX}_{name.upper()}"
    if where == "recipe":
        return f"the recipe's {name}"
    return "--" + name.replace("_", "-")


def unused_warnings(
    ctx: typer.Context,
    paths: Iterable[str],
    options: Mapping[str, Any],
    recipe_options: Iterable[str],
    read: ReadOptions,
    outputs: Outputs,
) -> list[str]:
    """One line for each option given (``options``: the recipe's and the command's, by
    name) that will do nothing in a run over ``paths`` into ``outputs``."""
    recipe_options = list(recipe_options)

    def no_effect(names: Iterable[str]) -> str:
        names = [shown(ctx, name, recipe_options) for name in names]
        return f"{', '.join(names)} {'has' if len(names) == 1 else 'have'} no effect"

    lines = []
    for name, other, value in unused_options(options):
        needed = "--" + other.replace("_", "-") + (f" {value}" if value else "")
        lines.append(f"{no_effect([name])} without {needed}")
    formats = input_formats(paths, read) if read.format is None else None
    if formats is not None:
        given = [name for name in JSONL_OPTIONS if name in options]
        if given:
            lines.append(f"{no_effect(given)}: no input is JSONL or Parquet")
        given = [name for name in HTML_OPTIONS if name in options]
        if given and not formats & {"html", "warc"}:
            lines.append(f"{no_effect(given)}: no input is HTML")
    given = [name for name in SHARD_OPTIONS if name in options]
    if given and outputs.shards is None:
        lines.append(f"{no_effect(given)}: -o names a file, not a folder of shards (out/)")
    return lines


def input_formats(paths: Iterable[str], read: ReadOptions) -> set[str] | None:
    """The formats the inputs' names tell (folders and globs walked, nothing read); None
    when one name tells none (stdin, an unknown extension: its bytes would) or one is
    JSONL or Parquet (which may hold any page), where the walk stops."""
    found: set[str] = set()
    for item in expand(paths, follow_links=read.follow_links):
        if isinstance(item, Drop):
            continue
        format = format_from_name(item.path)
        if format is None or format in ("jsonl", "parquet"):
            return None
        found.add(format)
    return found
