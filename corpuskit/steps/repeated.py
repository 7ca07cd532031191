"""Remove lines that recur across many pages: site furniture that no single page reveals.

"Impressum", "Neueste Kommentare", "Erforderliche Felder sind mit * markiert", "Privacy
Policy": a line printed on many pages of a site, or of the whole corpus, is furniture
(the idea of CCNet, Wenzek et al. 2019, which drops paragraphs seen elsewhere in a
shard). No phrase list can name them all, but counting finds them.

``repeated_lines`` is a **corpus step**: the executor first shows it every page
(``observe``, after the steps before it, so lines are compared in the same normalized
form), then runs the fitted step, which removes the short lines counted on at least
``min_pages`` pages of their scope (reason ``repeated_line``), and, if it is set (it
is off by default: ``LONG_MIN_PAGES``), the longer lines counted on at least
``long_min_pages`` (reason ``repeated_passage``: a blog's blurb, an author's or a
company's box, a disclaimer, printed on every page of a site) unless they
hold ``long_share`` of the words of the page's counted lines (every line with a letter)
or more: a page made mostly of lines found elsewhere is a copy of an article, the
business of duplicate removal. Counts are kept per line hash, not per line, and merge by
addition, so workers can count apart. A scope with fewer than ``min_run_pages`` pages is
left alone: there is not enough to count (``clean_text`` on one page, say).
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import repeat
from typing import Any, Literal
from urllib.parse import urlsplit

from corpuskit.document import Document
from corpuskit.lexicon.lines import line_key
from corpuskit.pipeline import page_lines, remove_lines

# A line on two different pages of its scope is furniture: across the 659 sites of the
# traf-dev benchmark, lines on two or more pages hold 449 of its 2,088 junk passages and
# 8 of its 2,075 main-text passages. Re-check with bench/quality.py after changing.
MIN_PAGES = 2
# A short line counts from two pages: ten words covers menus, labels, legal lines and
# widget captions.
MAX_WORDS = 10
# A longer line counts from three pages: on two it is as often a paragraph quoted or
# copied as furniture. What it finds on the text dumps of dragnet-dev: blurbs, author
# and company boxes, registration forms and disclaimers repeated on every page of a
# site, and also the page's own headline in the other pages' lists of latest stories.
# Leave-one-dataset-out, text mode (docs/quality.md, "Sixth round, text mode"; the line
# models fitted on pages without this rule, ``bench/devsets.training_pages``), F
# traf-dev / dragnet-dev from 0.8575 / 0.8401: 0.8584 / 0.8452 from two pages, 0.8582 /
# 0.8443 from three, 0.8574 / 0.8437 from four (with the share below at 0.5 of long
# lines' words). 0 turns it off, and off is the default: where one article is on three
# pages or more (a wire story on several sites, a page fetched twice under other URLs, a
# crawl's near copies) and each copy carries enough other text (comments, a sidebar)
# that the article holds under ``long_share`` of its words, the article's lines would go
# from every copy (tests/steps/test_near_duplicates.py's copies of real pages showed
# it: their articles removed, near duplicates no longer found). Turn it on (3) for a
# corpus known to hold no such copies, or with ``scope = "site"``. Keeping the first
# copy's lines, in input order, would make it safe; not done. Re-measure with
# bench/quality.py --generalization after changing.
LONG_MIN_PAGES = 0
# A page whose repeated long lines hold this share of the words of its counted lines
# (every line with a letter) or more is a copy (a wire story printed by several sites),
# which duplicate removal deals with as a whole: its lines are left alone. 0.7: no
# dev-set page is such a copy (the same scores as without the check: dragnet-dev F
# 0.8560); at 0.5 0.8536. Counted over the long lines' words only (a short article of
# short lines under a long blurb then looks like a copy), 0.5 / 0.7 / 0.9 gave dragnet-dev
# 0.8443 / 0.8500 / 0.8525; traf-dev 0.8582 in every case.
LONG_SHARE = 0.7
# Below this many pages in a scope, recurrence means little; the step does nothing.
MIN_RUN_PAGES = 20
# Lines LineHashes remembers before it starts again. Every page is looked at twice
# (counted, then cleaned) and furniture recurs from page to page: the 696 traf-dev pages
# hold 77,512 distinct short lines in 133,832. Long lines are remembered too, as not
# counted; at a few hundred bytes a line this is some 30 MB at most, and a corpus with
# more distinct lines just hashes some twice.
MEMO_LINES = 100_000


@dataclass
class LineCounts:
    """Pages per line hash and pages per scope; mergeable by addition."""

    lines: Counter[tuple[str, int]] = field(default_factory=Counter)
    pages: Counter[str] = field(default_factory=Counter)

    def merge(self, other: LineCounts) -> None:
        self.lines.update(other.lines)
        self.pages.update(other.pages)


def line_hash(line: str) -> int:
    """A stable 64-bit hash of a line's normalized form (the same in every process).

    >>> line_hash("  Neueste   Kommentare ") == line_hash("neueste kommentare")
    True
    """
    digest = hashlib.blake2b(line_key(line).encode("utf-8", "replace"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def countable(line: str, max_words: int) -> bool:
    """Whether ``repeated_lines`` counts a line as short: at most ``max_words`` words and
    at least one letter ("|" or "1" are left to other rules; blank lines have no words).

    Splitting stops after ``max_words`` words: a longer line is not cut into all its
    words to learn that it is long.

    >>> countable("Neueste Kommentare", 10), countable("| 1 |", 10), countable("", 10)
    (True, False, False)
    """
    words = len(line.split(None, max_words))
    return 0 < words <= max_words and any(map(str.isalpha, line))


def long_hash(line: str) -> int:
    """How ``LineHashes`` marks a long line: its ``line_hash`` turned negative (``~``),
    so that one integer says which line and that it is long. A line is counted under
    its ``line_hash`` whatever its length (``~`` turns a long one back: ``observe`` and
    the fitted step do so inline, per distinct line): "| Playlist: … »" counts with
    "Playlist: …", which the decoration makes a word shorter.

    >>> long = long_hash("Impressum")
    >>> long == ~line_hash("Impressum") < 0, ~long == line_hash("Impressum")
    (True, True)
    """
    return ~line_hash(line)


class LineHashes:
    """The ``line_hash`` of a countable line (and the ``long_hash`` of a longer line
    with a letter when ``long`` is set), None for any other line, with a memory of the
    last ``MEMO_LINES`` lines it was asked about.

    A ``RepeatedLines`` step owns one and shares it with its fitted copy, so that a page
    counted in the first pass is neither hashed nor judged countable again when it is
    cleaned, nor a menu line again on every page. A copy sent to another process
    (pickled) starts empty.

    >>> hashed = LineHashes(max_words=10)
    >>> hashed("Impressum") == hashed("Impressum") == line_hash("Impressum")
    True
    >>> hashed("| 1 |") is None, hashed("one two three four five six seven eight nine ten 11")
    (True, None)
    >>> LineHashes(max_words=2, long=True)("one two three") == long_hash("one two three")
    True
    """

    def __init__(self, max_words: int = MAX_WORDS, long: bool = False) -> None:
        self.max_words = max_words
        self.long = long
        self._known: dict[str, int | None] = {}

    def __call__(self, line: str) -> int | None:
        known = self._known
        if line in known:
            return known[line]
        if len(known) >= MEMO_LINES:
            known.clear()
        found = None
        if countable(line, self.max_words):
            found = line_hash(line)
        elif self.long and any(map(str.isalpha, line)):
            found = long_hash(line)
        known[line] = found
        return found

    def of_lines(self, lines: list[str]) -> list[int | None]:
        """``self(line)`` for each of ``lines``: the lines already known are looked up
        in one pass in C (most are, on the cleaning pass and on a site's furniture),
        the others one by one.

        >>> first, blank, again = LineHashes().of_lines(["Impressum", "", "Impressum"])
        >>> first == again == line_hash("Impressum"), blank
        (True, None)
        """
        found: list[Any] = list(map(self._known.get, lines, repeat(_UNKNOWN)))
        if _UNKNOWN in found:
            for index, value in enumerate(found):
                if value is _UNKNOWN:
                    found[index] = self(lines[index])
        return found

    def __getstate__(self) -> dict[str, Any]:
        return {"max_words": self.max_words, "long": self.long, "_known": {}}


#: What ``LineHashes.of_lines`` finds for a line it has not seen yet.
_UNKNOWN = object()


@dataclass(frozen=True)
class RepeatedLines:
    """Step ``repeated_lines``: drop the lines found on many pages of a scope.

    Short lines go from ``min_pages`` pages; longer ones, if ``long_min_pages`` is above
    0 (off by default: ``LONG_MIN_PAGES``), from that many, unless the page is mostly
    made of them (``long_share``; see the module docstring).

    ``scope`` is ``corpus`` (every page counts together) or ``site`` (pages of one host,
    from the page's URL, else of one source folder or file).
    """

    min_pages: int = MIN_PAGES
    max_words: int = MAX_WORDS
    long_min_pages: int = LONG_MIN_PAGES
    long_share: float = LONG_SHARE
    min_run_pages: int = MIN_RUN_PAGES
    scope: Literal["corpus", "site"] = "corpus"
    counts: LineCounts | None = field(default=None, compare=False, repr=False)
    hashed: LineHashes = field(default_factory=LineHashes, compare=False, repr=False)
    name = "repeated_lines"

    def __post_init__(self) -> None:
        # A memo made for another max_words (the default one, or one shared by a copy
        # made with ``dataclasses.replace``) would judge lines by the wrong count.
        long = self.long_min_pages > 0
        if self.hashed.max_words != self.max_words or self.hashed.long != long:
            object.__setattr__(self, "hashed", LineHashes(self.max_words, long))

    @property
    def config(self) -> dict[str, Any]:
        return {
            "min_pages": self.min_pages,
            "max_words": self.max_words,
            "long_min_pages": self.long_min_pages,
            "long_share": self.long_share,
            "min_run_pages": self.min_run_pages,
            "scope": self.scope,
        }

    def new_state(self) -> LineCounts:
        return LineCounts()

    def observe(self, doc: Document, state: LineCounts) -> None:
        """Count the page once for its scope and once for each distinct counted line."""
        scope = self.scope_of(doc)
        state.pages[scope] += 1
        hashes = set(self.hashed.of_lines(page_lines(doc.text)))
        # a long line counts under its line_hash (``long_hash``)
        state.lines.update({(scope, h if h >= 0 else ~h) for h in hashes if h is not None})

    def fitted(self, state: LineCounts) -> RepeatedLines:
        """This step with the counts of a whole corpus."""
        return replace(self, counts=state)

    def scope_of(self, doc: Document) -> str:
        if self.scope == "corpus":
            return ""
        if doc.url:
            return urlsplit(doc.url).hostname or doc.url
        return os.path.dirname(doc.source.path) or doc.source.path

    def __call__(self, doc: Document) -> Document:
        counts = self.counts
        scope = self.scope_of(doc)
        if counts is None or counts.pages[scope] < self.min_run_pages:
            return doc
        seen, least, long_least = counts.lines, self.min_pages, self.long_min_pages
        lines = page_lines(doc.text)
        hashes = self.hashed.of_lines(lines)
        found = {  # a long line counts under its line_hash, as in ``observe``
            h
            for h in set(hashes)
            if h is not None
            and (seen[(scope, h)] >= least if h >= 0 else seen[(scope, ~h)] >= long_least)
        }
        if any(h < 0 for h in found) and self._a_copy(lines, hashes, found):
            found = {h for h in found if h >= 0}
        rules = [_REASONS[h >= 0] if h in found else None for h in hashes]
        return remove_lines(doc, self.name, rules, lines=lines)

    def _a_copy(self, lines: list[str], hashes: list[int | None], found: set[int]) -> bool:
        """Whether the page's long lines found elsewhere hold ``long_share`` of the words
        of its counted lines or more (a copy of an article, left to duplicate removal)."""
        repeated = total = 0
        for line, hashed in zip(lines, hashes, strict=True):
            if hashed is not None:
                words = len(line.split())
                total += words
                repeated += words if hashed < 0 and hashed in found else 0
        return repeated >= self.long_share * total


#: The reason of a repeated line, by whether it is short.
_REASONS = ("repeated_passage", "repeated_line")
