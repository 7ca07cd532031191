"""Small, shared views of a line that the line filters reason about."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import repeat

# Decoration that frames a label without changing what it says: "» Menu", "Search:",
# "[Advertisement]", "– Share –". Trimmed before a line is compared with a phrase list.
DECORATION = " \t:|»«›‹>•·*-–—…#[]{}/\\"
_SPACES = re.compile(r"\s+")
_ASCII_DIGIT = re.compile("[0-9]")
TERMINAL = (".", "!", "?", "…", "。", "！", "？", '"', "”", "»", "'", "’", ")")


def line_key(line: str) -> str:
    """The form of a line used to look it up in phrase lists and patterns.

    >>> line_key("  » Lesen Sie auch: ")
    'lesen sie auch'
    >>> line_key("COMMENT  /  Reply From")
    'comment / reply from'
    >>> line_key("Neueste\u00a0Kommentare\t")
    'neueste kommentare'
    """
    key = line.strip(DECORATION)
    # Runs of whitespace become one space. Most lines have none to collapse: their only
    # whitespace is single spaces (the other whitespace characters are all unprintable),
    # and splitting and joining them again, on every line of every page, is skipped.
    if "  " in key or not key.isprintable():
        key = " ".join(key.split())
    return key.casefold()


def line_keys(lines: Sequence[str]) -> list[str]:
    """``line_key`` of each of ``lines`` (none holding a line break), the same values.

    When every line, stripped, is printable with no run of spaces (nearly every page
    after ``normalize_whitespace``), the lines are stripped by one ``map`` and case
    folded as one joined string (``casefold`` maps each character alone, and a line
    break to itself): no Python call per line.

    >>> line_keys(["  » Lesen Sie auch: ", "", "Neueste\u00a0Kommentare"])
    ['lesen sie auch', '', 'neueste kommentare']
    """
    joined = "\n".join(map(str.strip, lines, repeat(DECORATION)))
    if "  " not in joined and joined.replace("\n", " ").isprintable():
        keys = joined.casefold().split("\n")
        if len(keys) == len(lines):
            return keys
    return list(map(line_key, lines))


def word_count(line: str) -> int:
    """Whitespace-separated words.

    >>> word_count("Pakistan deploys helicopters, drones"), word_count(" Zwei\u00a0Wörter ")
    (4, 2)
    """
    text = line.strip(" ")
    if "  " in text or not text.isprintable():  # as in line_key: mostly single spaces
        return len(text.split())
    return text.count(" ") + 1 if text else 0


def ends_sentence(line: str) -> bool:
    """Whether a line ends like a sentence (terminal punctuation, maybe after a quote).

    >>> ends_sentence("He said so."), ends_sentence("Related Articles")
    (True, False)
    """
    return line.rstrip().endswith(TERMINAL)


def normalized(line: str) -> str:
    """The line with case and runs of whitespace ignored (see ``normalized_equal``).

    >>> normalized("  Breaking  NEWS "), normalized("Breaking\u00a0News")
    ('breaking news', 'breaking news')
    """
    text = line.strip(" ")
    if "  " in text or not text.isprintable():  # as in line_key: mostly nothing to do
        text = " ".join(text.split())
    return text.casefold()


def normalized_equal(a: str, b: str) -> bool:
    """Equal when case and runs of whitespace are ignored.

    >>> normalized_equal("Breaking  News", "breaking news")
    True
    """
    return normalized(a) == normalized(b)


def has_digit(line: str) -> bool:
    """Whether a character of ``line`` is a digit (``str.isdigit``: "7", "²", "٣").

    Most lines have none, and are searched in C when they are ASCII, where a digit can
    only be 0-9; the others are tested character by character.

    >>> has_digit("Published 5 Feb"), has_digit("Seite ²"), has_digit("No date here")
    (True, True, False)
    """
    if line.isascii():
        return _ASCII_DIGIT.search(line) is not None
    return any(map(str.isdigit, line))
