"""Removed lines, counted for the report: each line with a letter on its own, the others
by kind, so that single punctuation marks do not crowd out the page furniture.

A corpus cleaned with ``--audit`` keeps every removed line. Counted one by one, the most
frequent are lines that hold no word at all: on the 696 traf-dev text dumps (``corpuskit
clean pages/*.txt --audit --dedup near``), lines without a letter are 11,837 of the
144,778 non-blank lines removed from kept pages (8%), yet ``,`` ``.`` ``|`` ``:`` ``*``
``)`` ``/`` ``(`` and ``-`` took 9 of the 25 most frequent rows and pushed
``Datenschutzerklärung``, ``Über uns`` and ``Startseite`` down. So a line without a
letter is counted in its group, one row per group whatever the rule, with the rules
that removed its lines and its most frequent members as examples:

- ``punctuation``: no letter and no digit (``,`` ``|`` ``»`` ``©`` ``* * *``);
- ``numbers``: digits but no letter (``0``, ``12``, ``(3)``, ``1/2``): counters, page
  numbers, dates written in figures.

Lines with one letter stay lines: they are few and spread thin (2,273 on traf-dev, the
most frequent 72 times, never near the top rows), and in Chinese or Japanese one letter
is a word.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from corpuskit.reporting.bounded import TopCounter

#: Characters of a removed line that identify it: longer lines are rarely repeated
#: boilerplate, and the cap bounds each key.
LINE_CHARS = 200

#: The groups, as the report names them.
GROUPS = {"punctuation": "punctuation-only lines", "numbers": "number-only lines"}

#: Distinct members of one group kept as examples (lines without letters are short, and
#: a few dozen kinds cover them); the most frequent are shown.
GROUP_EXAMPLES = 32


class LineKey(NamedTuple):
    """What a removed line is counted as: its ``rule`` and its ``text`` (cut to
    ``LINE_CHARS``), or, for a line without a letter, its ``group`` alone."""

    rule: str
    text: str
    group: str = ""

    @property
    def label(self) -> str:
        """The line itself, or the group's name."""
        return GROUPS[self.group] if self.group else self.text


def line_group(text: str) -> str:
    """The group of a removed line: ``""`` when it has a letter (it is counted as
    itself), ``numbers`` when it has digits but no letter, else ``punctuation``.

    >>> [line_group(t) for t in ("Impressum", "Über uns", "x", "0", "(3)", ",", "» ©")]
    ['', '', '', 'numbers', 'numbers', 'punctuation', 'punctuation']
    >>> line_group("の"), line_group("١٢")
    ('', 'numbers')
    """
    if any(c.isalpha() for c in text):
        return ""
    return "numbers" if any(c.isdigit() for c in text) else "punctuation"


def line_key(rule: str, text: str) -> LineKey:
    """The key a removed line is counted under.

    >>> line_key("site_chrome", " Home ")
    LineKey(rule='site_chrome', text='Home', group='')
    >>> line_key("boilerplate", "|") == line_key("junk_lines", "»")
    True
    """
    stripped = text.strip()
    group = line_group(stripped)
    return LineKey("", "", group) if group else LineKey(rule, stripped[:LINE_CHARS])


class RemovedLines:
    """The most frequent removed lines (``TopCounter`` of ``LineKey``) and, for each
    group, the rules that removed its lines and its most frequent members (with
    ``examples``): bounded, whatever the corpus."""

    def __init__(self, capacity: int, examples: bool = True) -> None:
        self.top = TopCounter[LineKey](capacity)
        self.rules: dict[str, Counter[str]] = {}
        self.examples: dict[str, TopCounter[str]] | None = {} if examples else None

    def add(self, rule: str, text: str) -> None:
        """Count one non-blank removed line."""
        key = line_key(rule, text)
        self.top.add(key)
        if key.group:
            self.rules.setdefault(key.group, Counter())[rule] += 1
            if self.examples is not None:
                members = self.examples.setdefault(key.group, TopCounter(GROUP_EXAMPLES))
                members.add(text.strip()[:LINE_CHARS])

    @property
    def exact(self) -> bool:
        """Whether every count is exact (nothing was evicted)."""
        return self.top.exact

    def __len__(self) -> int:
        return len(self.top)

    def most_common(self, n: int) -> list[tuple[LineKey, int, int]]:
        """The ``n`` most frequent keys with their count and its error (``TopCounter``)."""
        return [(e.key, e.times, e.error) for e in self.top.most_common(n)]

    def group_rules(self, group: str) -> list[tuple[str, int]]:
        """The rules that removed a group's lines, with how many, most first."""
        return self.rules.get(group, Counter()).most_common()

    def members(self, key: LineKey, n: int) -> list[tuple[str, int]]:
        """The ``n`` most frequent lines of a group key, with their counts."""
        counter = (self.examples or {}).get(key.group)
        return [] if counter is None else [(e.key, e.times) for e in counter.most_common(n)]
