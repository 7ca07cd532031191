"""TOML files that people write (recipes, junk rules): parsed with ``tomllib``, with the
line each table and key was written on, for ``file:line`` messages.

``tomllib`` (the standard library's TOML 1.0 parser, which corpuskit already uses for its
data tables) gives line numbers for syntax errors only; the parsed values carry none.
No maintained TOML library exposes positions either (``tomlkit`` keeps the layout to
write a document back, not line numbers per key), so a file is parsed with ``tomllib``
and this module finds where a key was written: these files are a few tables of
``key = value`` lines (dotted keys such as ``phrases.en`` included), so the source text
says it directly. Headers and keys inside multi-line strings are skipped; what cannot
be found (a step given as an inline table) falls back to the nearest line that can, or
to no line at all.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_HEADER = re.compile(r"\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_BARE = r"[A-Za-z0-9_\-]+"
_KEY = re.compile(rf"""\s*(?:"([^"]+)"|'([^']+)'|({_BARE}(?:[ \t]*\.[ \t]*{_BARE})*))\s*=""")


@dataclass(frozen=True)
class Table:
    """A table of the file: its name (``steps`` for each ``[[steps]]``), the line of its
    header (0: the top of the file), and its keys' lines (a dotted key as written,
    without spaces: ``phrases.en``)."""

    name: str
    line: int
    keys: dict[str, int]


def tables(text: str) -> list[Table]:
    """The tables of a TOML text in order, with the line (from 1) of each key.

    >>> [(t.name, t.line, t.keys) for t in tables('a = 1\\n[[steps]]\\nstep = "x"\\n')]
    [('', 0, {'a': 1}), ('steps', 2, {'step': 3})]
    >>> tables('[rules.ad]\\nphrases.en = [\\n  "Ad",\\n]\\n')[1].keys
    {'phrases.en': 2}
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
            name = "".join(next(filter(None, key.groups())).split())
            found[-1].keys.setdefault(name, number)
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


def syntax_message(label: str, error: tomllib.TOMLDecodeError) -> str:
    """``my.toml:3: invalid TOML: Expected '=' after a key (column 7)`` from tomllib's
    ``Expected '=' after a key in a key/value pair (at line 3, column 7)``."""
    message = str(error)
    where = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if where is None:
        return f"{label}: invalid TOML: {message}"
    line, column = where.groups()
    return f"{label}:{line}: invalid TOML: {message[: where.start()]} (column {column})"


@dataclass(frozen=True)
class TomlFile:
    """A parsed TOML file: its ``label`` for messages, its ``text`` and its ``data``."""

    label: str
    text: str
    data: dict[str, Any]

    @classmethod
    def read(cls, path: Path, error: type[Exception] = ValueError) -> TomlFile:
        """The file at ``path``; ``error`` (one line, ``file:line``) if it cannot be read
        or is not TOML."""
        label = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as problem:
            reason = getattr(problem, "strerror", None) or problem
            raise error(f"cannot read {label}: {reason}") from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as problem:
            raise error(syntax_message(label, problem)) from None
        return cls(label, text, data)

    def line(self, table: str, key: str | None = None, value: str | None = None) -> int | None:
        """The line of ``key`` in the table ``[table]`` (of its header without a key),
        or, given a string ``value`` from the key's array, of the line that writes it;
        None if the table is not written as one.

        >>> rules = TomlFile("r.toml", "[rules.ad]\\npatterns.en = [\\n  'ad \\\\d+',\\n]\\n", {})
        >>> rules.line("rules.ad"), rules.line("rules.ad", "patterns.en", "ad \\\\d+")
        (1, 3)
        """
        found = table_named(self.text, table)
        if found is None:
            return None
        at = found.line
        if key:  # the key, else the first dotted key under it (phrase for phrase.en)
            dotted = (line for name, line in found.keys.items() if name.startswith(f"{key}."))
            at = found.keys.get(key) or next(dotted, found.line)
        if value is None or not at:
            return at or None
        written = (f"'{value}'", basic_string(value))
        lines = self.text.splitlines()
        for number in range(at, len(lines) + 1):
            text = lines[number - 1]
            if any(form in text for form in written):
                return number
            if number > at and (_KEY.match(text) or _HEADER.match(text)):
                break
        return at


def basic_string(value: str) -> str:
    """``value`` as a TOML basic string writes it (backslashes and quotes escaped).

    >>> print(basic_string("\\\\d+ \\"comments\\""))
    "\\\\d+ \\"comments\\""
    """
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
