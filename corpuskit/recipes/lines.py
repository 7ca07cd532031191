"""Line numbers for a recipe's tables and keys, for error messages.

``tomllib`` (the standard library's TOML 1.0 parser, which corpuskit already uses for its
data tables) gives line numbers for syntax errors only; the parsed values carry none.
No maintained TOML library exposes positions either (``tomlkit`` keeps the layout to
write a document back, not line numbers per key), so the loader parses with
``tomllib`` and asks this module where a key was written: a recipe is a few tables of
``key = value`` lines, so the source text says it directly. Headers and keys inside
multi-line strings are skipped; what cannot be found (a step given as an inline table)
falls back to the nearest line that can, or to no line at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADER = re.compile(r"\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_\-]+))\s*=""")


@dataclass(frozen=True)
class Table:
    """A table of the recipe: its name (``steps`` for each ``[[steps]]``), the line of its
    header (0: the top of the file), and its keys' lines."""

    name: str
    line: int
    keys: dict[str, int]


def tables(text: str) -> list[Table]:
    """The tables of a TOML text in order, with the line (from 1) of each key.

    >>> [(t.name, t.line, t.keys) for t in tables('a = 1\\n[[steps]]\\nstep = "x"\\n')]
    [('', 0, {'a': 1}), ('steps', 2, {'step': 3})]
    """
    found = [Table("", 0, {})]
    quote: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if quote is not None:  # inside a multi-line string
            if line.count(quote) % 2:
                quote = None
            continue
        header = _HEADER.match(line)
        if header:
            found.append(Table(header.group(2).replace(" ", ""), number, {}))
            continue
        key = _KEY.match(line)
        if key:
            found[-1].keys.setdefault(next(filter(None, key.groups())), number)
        for mark in ('"""', "'''"):
            if line.count(mark) % 2:
                quote = mark
    return found


def step_tables(text: str) -> list[Table]:
    """The ``[[steps]]`` tables, in order: the n-th is the recipe's n-th step."""
    return [table for table in tables(text) if table.name == "steps"]


def table_named(text: str, name: str) -> Table | None:
    """The table ``[name]`` (``""``: the keys before any header), if written as one."""
    return next((table for table in tables(text) if table.name == name), None)
