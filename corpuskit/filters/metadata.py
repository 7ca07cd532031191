"""Lift headline, byline and dates out of the text into the record's fields.

A scraped page prints its metadata as lines: the headline (often twice), "By Our
Correspondent", "Published On 5 Feb 2026", the site's date. They are not junk to throw
away and not article text either: the step ``lift_metadata`` moves them into ``title``,
``author``, ``published`` (and ``meta["modified"]`` for "Updated ..." lines) and removes
the lines with the reasons ``headline``, ``repeated_headline``, ``byline`` and
``dateline``. A field that is already set (an HTML ``<title>``, a JSONL field) is never
overwritten; its copies in the text still go.

>>> from corpuskit.document import make_document, Source
>>> page = "Rain ends drought\\nBy Ana Ruiz\\nPublicado el 4 de febrero de 2026\\nIt rained."
>>> doc = LiftMetadata()(make_document(page, Source("-")))
>>> doc.text, doc.title, doc.author, doc.published
('It rained.', 'Rain ends drought', 'Ana Ruiz', '2026-02-04')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from corpuskit.data import load_table
from corpuskit.document import Document
from corpuskit.filters.dates import DateReader
from corpuskit.filters.lines import (
    ends_sentence,
    has_digit,
    normalized,
    normalized_equal,
    word_count,
)
from corpuskit.pipeline import has_run, remove_lines

# The header of a page ends at its first prose line (this many words and a sentence
# ending) or after this many non-blank lines (menus can be long). Headlines and bylines
# are looked for there only, so a sentence starting "By ..." deep in an article is never
# taken for a byline. Re-check the fixtures and bench/quality.py after changing them.
PROSE_WORDS = 12
HEADER_LINES = 60
# A headline has a few words and no sentence-final period; a name has at most six words.
HEADLINE_WORDS = (3, 30)
# A printed-twice headline comes back at once (at most this many non-blank lines later)
# and not over and over: a line repeated more often is a menu item or a caption credit.
HEADLINE_GAP = 2
HEADLINE_MAX_COPIES = 3
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


def header_end(lines: Sequence[str], reasons: Sequence[str | None] | None = None) -> int:
    """Index just past the page header: the first prose line, or ``HEADER_LINES`` lines.

    Lines that already have a reason (datelines) do not count, so that removing them
    does not move the header's end when the page is cleaned again.
    """
    seen = 0
    for index, line in enumerate(lines):
        if not line.strip() or (reasons and reasons[index]):
            continue
        if word_count(line) >= PROSE_WORDS and ends_sentence(line):
            return index
        seen += 1
        if seen >= HEADER_LINES:
            return index + 1
    return len(lines)


def is_headline_like(line: str) -> bool:
    """A few words, not ending in a period or a lead-in colon.

    >>> is_headline_like("Pakistan security forces kill 197 militants"), is_headline_like("Logo")
    (True, False)
    """
    low, high = HEADLINE_WORDS
    return low <= word_count(line) <= high and not line.rstrip().endswith((".", ":", ";", ","))


@dataclass(frozen=True)
class LiftMetadata:
    """Step ``lift_metadata``: move headline, byline and dates from lines into fields."""

    vocabulary: MetadataVocabulary = field(default_factory=MetadataVocabulary.default)
    name = "lift_metadata"

    @property
    def config(self) -> dict[str, Any]:
        return {"prose_words": PROSE_WORDS, "header_lines": HEADER_LINES}

    def __call__(self, doc: Document) -> Document:
        if has_run(doc, "classify_lines"):
            # A cleaned page has lost its header: two copies of a line that stood apart,
            # with furniture between them, would now look like a headline printed twice.
            return doc
        lines = doc.text.split("\n")
        reasons: list[str | None] = [None] * len(lines)
        values: dict[str, Any] = {}
        self._lift_dates(lines, reasons, values)
        end = header_end(lines, reasons)
        author_at = self._lift_bylines(lines[:end], reasons, values)
        self._lift_headline(lines, end, author_at, reasons, values, doc.title)
        unset = {k: v for k, v in values.items() if _unset(doc, k)}
        return remove_lines(doc, self.name, reasons, unset, lines=lines)

    def _lift_dates(
        self, lines: list[str], reasons: list[str | None], values: dict[str, Any]
    ) -> None:
        date = self.vocabulary.date
        for index, line in enumerate(lines):
            found = date(line) if line else None
            if found:
                reasons[index] = "dateline"
                values.setdefault(found[0], found[1])

    def _lift_bylines(
        self, header: list[str], reasons: list[str | None], values: dict[str, Any]
    ) -> int | None:
        """Remove every byline of the header; the first one names the author."""
        first = None
        for index, line in enumerate(header):
            author = None if reasons[index] else self.vocabulary.author(line)
            if author:
                reasons[index] = "byline"
                values.setdefault("author", author)
                first = index if first is None else first
        return first

    def _lift_headline(
        self,
        lines: list[str],
        end: int,
        author_at: int | None,
        reasons: list[str | None],
        values: dict[str, Any],
        known_title: str | None,
    ) -> None:
        headline = known_title or _find_headline(lines, end, author_at, reasons)
        if headline is None:
            return
        values["title"] = headline.strip()
        first = True
        wanted = normalized(headline)
        for index, line in enumerate(lines):
            if not reasons[index] and line.strip() and normalized(line) == wanted:
                in_header = index < end and first and not known_title
                reasons[index] = "headline" if in_header else "repeated_headline"
                first = False


def _find_headline(
    lines: list[str], end: int, author_at: int | None, reasons: list[str | None]
) -> str | None:
    """A header line printed again right after itself, or else the line before the byline."""
    candidates = [i for i in range(end) if not reasons[i] and is_headline_like(lines[i])]
    for index in candidates:
        if _printed_twice(lines, index, reasons):
            return lines[index]
    if author_at is not None:
        before = [i for i in candidates if i < author_at]
        if before and all(not lines[i].strip() for i in range(before[-1] + 1, author_at)):
            return lines[before[-1]]
    return None


def _printed_twice(lines: list[str], index: int, reasons: list[str | None]) -> bool:
    """Whether ``lines[index]`` comes again within ``HEADLINE_GAP`` non-blank lines (not
    counting lines already lifted), and at most ``HEADLINE_MAX_COPIES`` times in all."""
    after = (i for i in range(index + 1, len(lines)) if lines[i].strip() and not reasons[i])
    following = [lines[i] for i in islice(after, HEADLINE_GAP)]
    if not any(normalized_equal(lines[index], line) for line in following):
        return False
    wanted = normalized(lines[index])
    copies = sum(normalized(line) == wanted for line in lines)
    return copies <= HEADLINE_MAX_COPIES


def _unset(doc: Document, name: str) -> bool:
    return getattr(doc, name, None) is None and doc.meta.get(name) is None
