"""Lift headline, byline and dates out of the text into the record's fields.

A scraped page prints its metadata as lines: the headline (often twice), "By Our
Correspondent", "Published On 5 Feb 2026", the site's date. They are not junk to throw
away and not article text either: the step ``lift_metadata`` moves them into ``title``,
``author``, ``published`` (and ``meta["modified"]`` for "Updated ..." lines) and removes
the lines with the reasons ``headline``, ``repeated_headline``, ``byline`` and
``dateline``. A field that is already set (an HTML ``<title>``, a JSONL field) is never
overwritten; its copies in the text still go.

A text dump has no ``<title>``, so the headline is found among the lines, by the
first of: a header line printed twice in a row; the line just before the byline; and
else the headline-like line just before the article's body whose words the body's first
paragraphs repeat most (the body starts at the first long line of the page's densest
run of long lines, so a cookie banner or a teaser before it does not count). That last
one is a guess (right on about two pages in three, measured on the dev sets:
``docs/quality.md``), so it fills ``title`` and leaves the line in the text: a wrong
guess must not cost the article a line.

>>> from corpuskit.document import make_document, Source
>>> page = "Rain ends drought\\nBy Ana Ruiz\\nPublicado el 4 de febrero de 2026\\nIt rained."
>>> doc = LiftMetadata()(make_document(page, Source("-")))
>>> doc.text, doc.title, doc.author, doc.published
('It rained.', 'Rain ends drought', 'Ana Ruiz', '2026-02-04')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate, islice
from typing import Any

from corpuskit.document import Document
from corpuskit.lexicon.lines import (
    ends_sentence,
    normalized,
    normalized_equal,
    word_count,
)
from corpuskit.lexicon.metadata import MetadataVocabulary
from corpuskit.pipeline import has_run, remove_lines

# The header of a page ends at its first prose line (this many words and a sentence
# ending) or after this many non-blank lines (menus can be long). Headlines and bylines
# are looked for there only, so a sentence starting "By ..." deep in an article is never
# taken for a byline. Re-check the fixtures and bench/quality.py after changing them.
PROSE_WORDS = 12
HEADER_LINES = 60
# A headline has a few words and no sentence-final period.
HEADLINE_WORDS = (3, 30)
# A printed-twice headline comes back at once (at most this many non-blank lines later)
# and not over and over: a line repeated more often is a menu item or a caption credit.
HEADLINE_GAP = 2
HEADLINE_MAX_COPIES = 3
# The article's body: lines of this many words are body lines; the body starts at the
# first body line whose next BODY_WINDOW non-blank lines hold at least BODY_SHARE of the
# body words of the page's densest such window (so a lone prose line in the menus, a
# cookie notice, is passed over). The headline is one of the HEADLINE_BEFORE non-blank
# lines before that start (or the start itself: a long headline). Its share is how many
# of its words (4+ letters) come back in the body lines among the BODY_AHEAD non-blank
# lines after it, over its word count but at least HEADLINE_FULL_WORDS (a short line,
# "Folge uns auf Twitter", matches a word or two by chance); the line with the highest
# share, at least HEADLINE_RECURRENCE, wins, the later on a tie (a section name or a
# teaser comes earlier). Fitted on dragnet-dev and scored on traf-dev (docs/quality.md);
# re-measure both with `python bench/quality.py <set> --headlines` and F in text mode
# (`--generalization`) after changing one.
BODY_WORDS = 10
BODY_WINDOW = 20
BODY_SHARE = 0.5
HEADLINE_BEFORE = 25
BODY_AHEAD = 30
HEADLINE_RECURRENCE = 0.3
HEADLINE_FULL_WORDS = 4
BODY_HEADLINE_WORDS = 16
CONTINUED_WORDS = 6
#: Words that say what a line is about: 4+ letters ("the", "und", "von" say nothing).
CONTENT_WORD = re.compile(r"\w{4,}")


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
            headline = _body_headline(lines, reasons)
            if headline is not None:  # a guess: the title is filled, no line goes
                values["title"] = headline.strip()
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


def content_words(line: str) -> set[str]:
    """The words of 4+ letters of ``line``, case folded.

    >>> sorted(content_words("Rain ends the drought in Spain"))
    ['drought', 'ends', 'rain', 'spain']
    """
    return {word.casefold() for word in CONTENT_WORD.findall(line)}


def body_start(counts: Sequence[int]) -> int | None:
    """Index (into ``counts``, the word counts of the non-blank lines) where the body
    starts: the first body line whose window holds ``BODY_SHARE`` of the densest one's
    body words; None when the page has no body line.

    >>> body_start([12] + [1] * 25 + [15, 20, 18]), body_start([3, 2])
    (26, None)
    """
    body = [n if n >= BODY_WORDS else 0 for n in counts]
    sums = [0, *accumulate(body)]
    windows = [
        sums[min(len(body), k + BODY_WINDOW)] - sums[k] if n else 0 for k, n in enumerate(body)
    ]
    top = max(windows, default=0)
    if not top:
        return None
    return next(k for k, total in enumerate(windows) if total >= BODY_SHARE * top)


def _body_headline(lines: list[str], reasons: list[str | None]) -> str | None:
    """The headline-like line just before the body whose words the body repeats most."""
    kept = [i for i, line in enumerate(lines) if line.strip() and not reasons[i]]
    counts = [word_count(lines[i]) for i in kept]
    start = body_start(counts)
    if start is None:
        return None
    first = max(0, start - HEADLINE_BEFORE)
    body = [
        content_words(lines[i]) if n >= BODY_WORDS else set()
        for i, n in zip(kept[first : start + BODY_AHEAD + 1], counts[first:], strict=False)
    ]
    best, best_share = None, HEADLINE_RECURRENCE
    for k in range(first, start + 1):
        line = lines[kept[k]]
        words = content_words(line) if _body_headline_like(lines, kept, k) else set()
        if not words:
            continue
        after = set().union(*body[k + 1 - first : k + 1 - first + BODY_AHEAD])
        share = len(words & after) / max(len(words), HEADLINE_FULL_WORDS)
        if share >= best_share:
            best, best_share = line, share
    return best


def _body_headline_like(lines: list[str], kept: list[int], k: int) -> bool:
    """Whether ``lines[kept[k]]`` may be the headline before a body: headline-like, not
    longer than ``BODY_HEADLINE_WORDS`` and not going on in the next line (a line that
    starts in lowercase: a sentence the dump split at a link)."""
    line = lines[kept[k]]
    if not is_headline_like(line) or word_count(line) > BODY_HEADLINE_WORDS:
        return False
    after = lines[kept[k + 1]].lstrip() if k + 1 < len(kept) else ""
    return not (after[:1].islower() and word_count(after) >= CONTINUED_WORDS)


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
