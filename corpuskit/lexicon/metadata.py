"""The byline and dateline vocabulary: what makes a line a byline or a dateline.

Compiled from ``corpuskit/data/metadata.toml``; shared by the ``lift_metadata`` step
(``steps/metadata.py``), which reads it off printed lines, and the HTML byline reader
(``html/byline.py``), which reads it off elements.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from corpuskit.data import load_table
from corpuskit.lexicon.dates import DateReader
from corpuskit.lexicon.lines import ends_sentence, has_digit

# A name has at most six words.
NAME_WORDS = 6
# Datelines and dates are short; longer lines are not parsed at all.
MAX_DATELINE_CHARS = 100


@dataclass(frozen=True)
class MetadataVocabulary:
    """Compiled byline and dateline vocabulary from ``metadata.toml``."""

    byline: re.Pattern[str]
    connectors: frozenset[str]
    dateline: re.Pattern[str]
    dateline_fields: Mapping[str, str]
    dates: DateReader
    #: The byline and dateline prefixes alone, case folded, without a closing colon
    #: ("autor:" is "autor"): a byline split at its name ("By" / "Ana Ruiz") starts
    #: with one on a line of its own (the headline ranker reads it).
    leads: frozenset[str]

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> MetadataVocabulary:
        bylines = _alternation(table["byline_prefixes"])
        datelines = _alternation(list(table["dateline_prefixes"]))
        return cls(
            byline=re.compile(rf"(?i:{bylines})\s+(?P<name>\S.*)"),
            connectors=frozenset(table["name_connectors"]),
            dateline=re.compile(rf"(?P<prefix>{datelines})\s*:?\s+(?P<date>\S.*)", re.IGNORECASE),
            dateline_fields={k.casefold(): v for k, v in table["dateline_prefixes"].items()},
            dates=DateReader.from_table(table),
            leads=frozenset(
                _spaces(p.casefold().rstrip(" :"))
                for p in [*table["byline_prefixes"], *table["dateline_prefixes"]]
            ),
        )

    @classmethod
    def default(cls) -> MetadataVocabulary:
        return cls.from_table(load_table("metadata"))

    def author(self, line: str) -> str | None:
        """The name in a byline, or None if ``line`` is not one.

        >>> vocabulary = MetadataVocabulary.default()
        >>> vocabulary.author("By Our Correspondent"), vocabulary.author("Von Anna von Berg")
        ('Our Correspondent', 'Anna von Berg')
        >>> vocabulary.author("By the end of the year, prices fell.") is None
        True
        """
        match = self.byline.fullmatch(line.strip())
        if not match:
            return None
        name = match["name"].strip(" ,|-–—")
        words = name.replace(",", " ").split()
        if not 0 < len(words) <= NAME_WORDS or ends_sentence(name) or name.endswith(":"):
            return None
        if any(c.isdigit() for c in name):
            return None
        if all(w[0].isupper() or w.casefold() in self.connectors for w in words):
            return name
        return None

    def date(self, line: str) -> tuple[str, str] | None:
        """``(field, ISO date)`` for a dateline or a line that is only a date.

        >>> vocabulary = MetadataVocabulary.default()
        >>> vocabulary.date("Published On 5 Feb 2026")
        ('published', '2026-02-05')
        >>> vocabulary.date("Aktualisiert am 04.02.2026")
        ('modified', '2026-02-04')
        """
        line = line.strip()
        if len(line) > MAX_DATELINE_CHARS or not has_digit(line):
            return None
        match = self.dateline.fullmatch(line)
        if match and (iso := self.dates.parse(match["date"])):
            return self.dateline_fields[_spaces(match["prefix"]).casefold()], iso
        iso = self.dates.parse(line)
        return ("published", iso) if iso else None


def _alternation(words: Sequence[str]) -> str:
    escaped = (re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return "|".join(escaped)


def _spaces(text: str) -> str:
    return " ".join(text.split())
