"""Lift headline, byline and dates out of the text into the record's fields.

A scraped page prints its metadata as lines: the headline (often twice), "By Our
Correspondent", "Published On 5 Feb 2026", the site's date. They are not junk to throw
away and not article text either: the step ``lift_metadata`` moves them into ``title``,
``author``, ``published`` (and ``meta["modified"]`` for "Updated ..." lines) and removes
the lines with the reasons ``headline``, ``repeated_headline``, ``byline`` and
``dateline``. A field that is already set (an HTML ``<title>``, a JSONL field) is never
overwritten; its copies in the text still go. A date is a dateline on a line of its own,
not inside a sentence a link split over lines ("It was on this day," / "November 12,
1938" / ", that the bridge opened": ``inside_sentence``), which keeps it.

A text dump has no ``<title>``, so the headline is found among the lines. Two sure
rules find a headline by its print: a header line printed twice in a row, else the line
just before the byline; that line (and its copies) goes from the text as ``headline``.
The title is the best of the lines near the top as a learned ranker scores them
(``corpuskit.steps.headlines``: position, words, case, punctuation, copies, the body's
words, the date and byline lines around; ``data/headline_model.toml``) when its share
of the odds reaches the model's threshold, else the sure rule's line. The ranker's line
is a guess (the HTML-mode title on 0.64-0.67 of the pages whose dump holds it, on a dev
set the model was not fitted on: ``docs/quality.md``), so it fills ``title`` and stays
in the text: a wrong guess must not cost the article a line, and the text is the same
whatever the ranker says. ``corpuskit explain`` names the rule: the sure rule as the
removed line's feature (``[printed_twice +1.00]``, ``[before_byline +1.00]``), the
ranker on the kept line with its share of the odds (``[title: ranker 0.62]``,
``LiftMetadata.judged``).

>>> from corpuskit.document import make_document, Source
>>> page = "Rain ends drought\\nBy Ana Ruiz\\nPublicado el 4 de febrero de 2026\\nIt rained."
>>> doc = LiftMetadata()(make_document(page, Source("-")))
>>> doc.text, doc.title, doc.author, doc.published
('It rained.', 'Rain ends drought', 'Ana Ruiz', '2026-02-04')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from corpuskit.document import Document
from corpuskit.lexicon.lines import (
    ends_sentence,
    normalized,
    normalized_equal,
    word_count,
)
from corpuskit.lexicon.metadata import MetadataVocabulary
from corpuskit.pipeline import cleaned, has_run, page_lines, remove_lines
from corpuskit.steps.headlines import HeadlineModel, headline_like

# The header of a page ends at its first prose line (this many words and a sentence
# ending) or after this many non-blank lines (menus can be long). Headlines and bylines
# are looked for there only, so a sentence starting "By ..." deep in an article is never
# taken for a byline. Re-check the fixtures and bench/quality.py after changing them.
PROSE_WORDS = 12
HEADER_LINES = 60
# A printed-twice headline comes back at once (at most this many non-blank lines later)
# and not over and over: a line repeated more often is a menu item or a caption credit.
HEADLINE_GAP = 2
HEADLINE_MAX_COPIES = 3
# A date line is a dateline on a line of its own, not inside a sentence a link split:
# "It was on this day," / "November 12, 1938" / ", that the bridge opened". The line
# before holds at least this many words without ending a sentence or a lead-in, the
# line after starts in lower case or with punctuation. 5: the bylines split the same way
# ("Posted on" / "August 9th, 2012" / "by lucky", "wurde am" / "19. Mai 2010" / "um")
# have 1-4 words before the date and stay datelines. Of the 52 date lines of the dev
# sets' dumps with a line before that ends no sentence and a line after in lower case
# or punctuation, 7 have 5 words or more before: 4 inside prose, 3 timestamps after a
# teaser or a tweet (which the classifier judges as it judged their lines). Re-check
# the fixtures and bench/quality.py (text) after changing it.
SENTENCE_WORDS = 5


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


def inside_sentence(lines: Sequence[str], index: int) -> bool:
    """Whether line ``index`` sits inside a sentence split over lines: the line before
    holds ``SENTENCE_WORDS`` words or more without a sentence end or a colon, the line
    after begins in lower case or with punctuation.

    >>> inside_sentence(["It was on this day,", "November 12, 1938", ", that it opened."], 1)
    True
    >>> inside_sentence(["Posted on", "August 9th, 2012", "by lucky"], 1)
    False
    """
    if index == 0 or index + 1 >= len(lines):
        return False
    before, after = lines[index - 1].strip(), lines[index + 1].strip()
    if not before or not after or ends_sentence(before) or before.endswith(":"):
        return False
    return word_count(before) >= SENTENCE_WORDS and (after[0].islower() or after[0] in ",;.)")


def is_headline_like(line: str) -> bool:
    """A few words, not ending in a period or a lead-in colon.

    >>> is_headline_like("Pakistan security forces kill 197 militants"), is_headline_like("Logo")
    (True, False)
    """
    return headline_like(line, word_count(line))


@dataclass(frozen=True)
class LiftMetadata:
    """Step ``lift_metadata``: move headline, byline and dates from lines into fields."""

    vocabulary: MetadataVocabulary = field(default_factory=MetadataVocabulary.default)
    headlines: HeadlineModel = field(default_factory=HeadlineModel.default)
    name = "lift_metadata"

    @property
    def config(self) -> dict[str, Any]:
        return {
            "prose_words": PROSE_WORDS,
            "header_lines": HEADER_LINES,
            "headline_model": self.headlines.digest,
        }

    def __call__(self, doc: Document) -> Document:
        if cleaned(doc) or has_run(doc, self.name):
            # A cleaned page has lost its header: two copies of a line that stood apart,
            # with furniture between them, would now look like a headline printed twice.
            # A page this step has judged is left alone too: a guessed headline stays in
            # the text, and a second pass, taking the lifted title as known, would
            # remove its copies (and the classifier, which may have removed nothing and
            # so left no edit, would judge the page again without them).
            return doc
        lines = page_lines(doc.text)
        reasons, values, end, author_at = self.marked(lines)
        found = self._lift_headline(lines, end, author_at, reasons, values, doc.title)
        unset = {k: v for k, v in values.items() if _unset(doc, k)}
        sure = found.sure if found is not None else None
        features = {sure[0]: {sure[1]: 1.0}} if sure is not None else None
        return remove_lines(doc, self.name, reasons, unset, features, lines=lines)

    def judged(self, doc: Document) -> dict[int, dict[str, float]]:
        """For ``explain``: the line the ranker lifted the title from (kept in the
        text) and its share of the odds, ``{index: {"headline": share}}``; a sure
        rule's line is removed and says its rule as its feature."""
        if cleaned(doc) or has_run(doc, self.name) or doc.title:
            return {}
        lines = page_lines(doc.text)
        reasons, _, end, author_at = self.marked(lines)
        found = self.headline(lines, end, author_at, reasons)
        if found is None or found.share is None or found.index is None:
            return {}
        return {found.index: {"headline": found.share}}

    def marked(self, lines: list[str]) -> tuple[list[str | None], dict[str, Any], int, int | None]:
        """Datelines and bylines marked (their reasons, the fields they fill), the end of
        the header and the first byline's index: what the headline is looked for in."""
        reasons: list[str | None] = [None] * len(lines)
        values: dict[str, Any] = {}
        self._lift_dates(lines, reasons, values)
        end = header_end(lines, reasons)
        author_at = self._lift_bylines(lines[:end], reasons, values)
        return reasons, values, end, author_at

    def _lift_dates(
        self, lines: list[str], reasons: list[str | None], values: dict[str, Any]
    ) -> None:
        date = self.vocabulary.date
        for index, line in enumerate(lines):
            found = date(line) if line else None
            if found and not inside_sentence(lines, index):
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
    ) -> Headline | None:
        """Fill ``values["title"]`` and mark the headline's lines; say where it came from."""
        found = self.headline(lines, end, author_at, reasons, known_title)
        if found is None:
            return None
        values["title"] = found.title
        sure = known_title or (None if found.sure is None else lines[found.sure[0]])
        if sure is None:  # the ranker's guess alone: the title is filled, no line goes
            return found
        first, wanted = True, normalized(sure)
        for index, line in enumerate(lines):
            if not reasons[index] and line.strip() and normalized(line) == wanted:
                in_header = index < end and first and not known_title
                reasons[index] = "headline" if in_header else "repeated_headline"
                first = False
        return found

    def headline(
        self,
        lines: list[str],
        end: int,
        author_at: int | None,
        reasons: list[str | None],
        known_title: str | None = None,
    ) -> Headline | None:
        """The title and the rule that gave it: the known one; else the ranker's best
        line when its share of the odds reaches the threshold, else a sure rule's line
        (printed twice, before the byline). A sure rule's line is removed whichever
        gives the title (``Headline.sure``): it is a headline by its print, and the
        text must not depend on the ranker."""
        if known_title:
            return Headline(known_title.strip(), "known")
        sure = _find_headline(lines, end, author_at, reasons)
        ranked = self.headlines.best(lines, reasons, self.vocabulary.leads)
        if ranked is not None:
            return Headline(lines[ranked[0]].strip(), "ranker", ranked[0], ranked[1], sure)
        if sure is not None:
            return Headline(lines[sure[0]].strip(), sure[1], sure[0], None, sure)
        return None


@dataclass(frozen=True)
class Headline:
    """Where a text dump's title came from: ``rule`` is ``known`` (a field set before),
    ``printed_twice``, ``before_byline`` or ``ranker``; ``index`` the line's, ``share``
    the ranker's share of the odds, ``sure`` the line a sure rule found and the rule
    (that line goes from the text even when the ranker gives the title)."""

    title: str
    rule: str
    index: int | None = None
    share: float | None = None
    sure: tuple[int, str] | None = None


def _find_headline(
    lines: list[str], end: int, author_at: int | None, reasons: list[str | None]
) -> tuple[int, str] | None:
    """A header line printed again right after itself, or else the line before the
    byline: its index and the rule (``printed_twice``, ``before_byline``)."""
    candidates = [i for i in range(end) if not reasons[i] and is_headline_like(lines[i])]
    for index in candidates:
        if _printed_twice(lines, index, reasons):
            return index, "printed_twice"
    if author_at is not None:
        before = [i for i in candidates if i < author_at]
        if before and all(not lines[i].strip() for i in range(before[-1] + 1, author_at)):
            return before[-1], "before_byline"
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
