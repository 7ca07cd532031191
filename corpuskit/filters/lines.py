"""Small, shared views of a line that the line filters reason about."""

from __future__ import annotations

import re

# Decoration that frames a label without changing what it says: "» Menu", "Search:",
# "[Advertisement]", "– Share –". Trimmed before a line is compared with a phrase list.
DECORATION = " \t:|»«›‹>•·*-–—…#[]{}/\\"
_SPACES = re.compile(r"\s+")
TERMINAL = (".", "!", "?", "…", "。", "！", "？", '"', "”", "»", "'", "’", ")")


def line_key(line: str) -> str:
    """The form of a line used to look it up in phrase lists and patterns.

    >>> line_key("  » Lesen Sie auch: ")
    'lesen sie auch'
    >>> line_key("COMMENT  /  Reply From")
    'comment / reply from'
    """
    return " ".join(line.strip(DECORATION).split()).casefold()


def word_count(line: str) -> int:
    """Whitespace-separated words.

    >>> word_count("Pakistan deploys helicopters, drones")
    4
    """
    return len(line.split())


def ends_sentence(line: str) -> bool:
    """Whether a line ends like a sentence (terminal punctuation, maybe after a quote).

    >>> ends_sentence("He said so."), ends_sentence("Related Articles")
    (True, False)
    """
    return line.rstrip().endswith(TERMINAL)


def normalized_equal(a: str, b: str) -> bool:
    """Equal when case and runs of whitespace are ignored.

    >>> normalized_equal("Breaking  News", "breaking news")
    True
    """
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
