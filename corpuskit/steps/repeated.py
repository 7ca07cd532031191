"""Remove lines that recur across many pages: site furniture that no single page reveals.

"Impressum", "Neueste Kommentare", "Erforderliche Felder sind mit * markiert", "Privacy
Policy": a line printed on many pages of a site, or of the whole corpus, is furniture
(the idea of CCNet, Wenzek et al. 2019, which drops paragraphs seen elsewhere in a
shard). No phrase list can name them all, but counting finds them.

``repeated_lines`` is a **corpus step**: the executor first shows it every page
(``observe``, after the steps before it, so lines are compared in the same normalized
form), then runs the fitted step, which removes the short lines counted on at least
``min_pages`` pages of their scope (reason ``repeated_line``), and the longer lines
counted on at least ``long_min_pages`` (reason ``repeated_passage``: a blog's blurb, an
author's or a company's box, a disclaimer, printed on every page of a site; 0 turns
them off), except the lines of an article copied (a wire story, a page fetched under
several URLs, a crawl's near copies), which are duplicate removal's business. An
article's long lines travel as a block, furniture's alone or in twos, or beside each
page's own article: long lines that are on exactly the same pages as each other,
``COPY_LINES`` of them or more (or ``COPY_WORDS`` words), which hold ``long_share`` of
the words of the long lines of one of those pages or more (the one with the fewest: a
copy with little else around it), stay on every page they are on, however much other
text (comments, another site's furniture) each copy has. Which pages a long line is on
is known from the sum of its pages' keys (``page_key``) kept beside its count, and the
fewest long-line words of a page it is on beside that (``LineCounts``); ``explain``
shows these figures for each long line removed (its features) and kept as a copy.

Counts and key sums are kept per line hash, not per line, and merge by addition (the
fewest words by taking the smaller), so workers can count apart, in any order. A scope
with fewer than ``min_run_pages`` pages is left alone: there is not enough to count
(``clean_text`` on one page, say).
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from itertools import repeat
from typing import Any, Literal
from urllib.parse import urlsplit

from corpuskit.document import Document
from corpuskit.lexicon.lines import line_key
from corpuskit.pipeline import has_run, page_lines, remove_lines

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
# lines' words). 0 turns it off. On by default since the seventh session, with an
# article copied on several pages kept (COPY_LINES): text LODO F 0.8582 / 0.8504 (0.8560
# on dragnet-dev without that protection, which removed an article found on three pages
# or more from every copy with other text around it: tests/steps/test_near_duplicates.py's
# copies of real pages). Re-measure with bench/quality.py --generalization after changing.
LONG_MIN_PAGES = 3
# The share of the words of the long lines of one of its pages (the one with the fewest)
# that a block of long lines on the same pages must hold to be an article copied
# (``COPY_LINES``). Words of the long lines found on three pages removed / kept as
# copies, on dragnet-dev's text dumps: 60,011 / 5,615 at 0.7 (gold words removed 3,393,
# as with no copy rule: a site's disclaimer, the page's own headline in the other
# pages' lists), 55,852 / 9,774 at 0.6 (3,134), 61,534 / 4,092 at 0.8; the copies of
# real pages of tests/steps/test_near_duplicates.py keep 34,849 of 37,378 at 0.5 to 0.7,
# 31,961 at 0.8. Taken on the page with the fewest long-line words, one copy with
# little around the article keeps it on every copy. Until the seventh session this was
# a check of each page alone (all its repeated long lines against every counted line's
# words), which left an article with other text around in each copy unprotected.
LONG_SHARE = 0.7
# Below this many pages in a scope, recurrence means little; the step does nothing.
MIN_RUN_PAGES = 20
# An article copied on several pages (a wire story, a page fetched under several URLs, a
# crawl's near copies) has its long lines on the same pages, as a block that is most of
# the long text of some copy; furniture travels alone or in twos (a blurb, an author's
# box), or as a block beside each page's own article (a site's sidebar of teasers, on
# the same pages of a site crawled at once). Long lines on exactly the same pages as
# each other (``LineCounts.long_keys``), COPY_LINES of them or more or COPY_WORDS words
# or more, holding ``long_share`` of the words of the long lines of one of their pages
# or more, are an article copied, left to duplicate removal. On the copies of real
# pages of tests/steps/test_near_duplicates.py (each original, and copies with another
# page's furniture around, cut, re-encoded) such blocks hold 34,849 of the 37,378 words
# of the long lines found on three pages; on dragnet-dev's text dumps (no page copied)
# 5,615 of 65,626, none in the gold. Without the share, blocks of 4 lines or 100 words
# held 45,712 of dragnet-dev's: its sites' sidebars. Re-measure with bench/quality.py
# --generalization after changing.
COPY_LINES = 4
COPY_WORDS = 100
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
    #: For a long line (under its ``line_hash``), the sum of the ``page_key`` of the
    #: pages it is on: two long lines with the same count and the same sum are on the
    #: same pages. An integer per distinct long line, added up as the counts are.
    long_keys: Counter[tuple[str, int]] = field(default_factory=Counter)
    #: For a long line, the fewest words of long lines (``long_words``) of a page it is
    #: on: merged by taking the smaller.
    fewest: dict[tuple[str, int], int] = field(default_factory=dict)

    def merge(self, other: LineCounts) -> None:
        self.lines.update(other.lines)
        self.pages.update(other.pages)
        self.long_keys.update(other.long_keys)
        self.least_words(other.fewest)

    def least_words(self, words: Mapping[tuple[str, int], int]) -> None:
        """Keep for each long line the smaller of its ``fewest`` and ``words``'."""
        fewest = self.fewest
        for key, count in words.items():
            if count < fewest.get(key, count + 1):
                fewest[key] = count


def line_hash(line: str) -> int:
    """A stable 64-bit hash of a line's normalized form (the same in every process).

    >>> line_hash("  Neueste   Kommentare ") == line_hash("neueste kommentare")
    True
    """
    digest = hashlib.blake2b(line_key(line).encode("utf-8", "replace"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def page_key(doc: Document) -> int:
    """A stable 64-bit key of a page, from its id (the same on a resumed run, with any
    number of workers and on Ray: ``Document.id`` is made from where the page was read).

    >>> from corpuskit.document import Source
    >>> page_key(Document("a1", "Text", Source("a.txt"))) == page_key(
    ...     Document("a1", "Other text", Source("b.txt")))
    True
    """
    digest = hashlib.blake2b(doc.id.encode("utf-8", "surrogateescape"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def long_words(lines: list[str], hashes: list[int | None]) -> int:
    """The words of a page's long lines (``LineHashes``: a negative hash), each distinct
    line once.

    >>> long_words(["a b c", "x", "a b c"], [~1, 5, ~1])
    3
    """
    return sum(len(line.split()) for _, line in _long_lines(lines, hashes))


def _long_lines(lines: list[str], hashes: list[int | None]) -> list[tuple[int, str]]:
    """Each distinct long line of a page (by its ``long_hash``) with its first text."""
    first: dict[int, str] = {}
    for line, hashed in zip(lines, hashes, strict=True):
        if hashed is not None and hashed < 0 and hashed not in first:
            first[hashed] = line
    return list(first.items())


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

    Short lines go from ``min_pages`` pages; longer ones from ``long_min_pages`` (0: never),
    unless they are a block copied with an article (``COPY_LINES``, ``COPY_WORDS``,
    ``long_share``; see the module docstring).

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
        lines = page_lines(doc.text)
        hashed = self.hashed.of_lines(lines)
        hashes = {h for h in hashed if h is not None}
        # a long line counts under its line_hash (``long_hash``); the counters are
        # given the same key tuples, which a new entry then shares
        long = {(scope, ~h) for h in hashes if h < 0}
        state.lines.update(long.union((scope, h) for h in hashes if h >= 0))
        if long:
            state.long_keys.update(dict.fromkeys(long, page_key(doc)))
            state.least_words(dict.fromkeys(long, long_words(lines, hashed)))

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
        judged = self._judge(doc)
        if judged is None:
            return doc
        lines, rules, features, _ = judged
        return remove_lines(doc, self.name, rules, features=features, lines=lines)

    def judged(self, doc: Document) -> dict[int, Mapping[str, float]]:
        """The long lines found on ``long_min_pages`` pages or more that this step keeps
        on ``doc`` as part of an article copied (``COPY_LINES``), by their index in
        ``doc``'s lines, with the figures that decided (``_blocks``): ``corpuskit
        explain`` shows why they stayed; a removed one carries the same figures as its
        features."""
        if has_run(doc, self.name):
            return {}
        judged = self._judge(doc)
        return {} if judged is None else judged[3]

    def _judge(self, doc: Document) -> _Judgment | None:
        """The page's lines, the rule removing each (or None), what decided each long
        line removed and each kept as part of a copy; None when the step leaves the
        page alone (unfitted, or a scope too small to count)."""
        counts = self.counts
        scope = self.scope_of(doc)
        if counts is None or counts.pages[scope] < self.min_run_pages:
            return None
        seen, least, long_least = counts.lines, self.min_pages, self.long_min_pages
        lines = page_lines(doc.text)
        hashes = self.hashed.of_lines(lines)
        found = {  # a long line counts under its line_hash, as in ``observe``
            h
            for h in set(hashes)
            if h is not None
            and (seen[(scope, h)] >= least if h >= 0 else seen[(scope, ~h)] >= long_least)
        }
        removed: dict[int, Mapping[str, float]] = {}
        kept: dict[int, Mapping[str, float]] = {}
        if any(h < 0 for h in found):
            blocks = self._blocks(scope, lines, hashes, found)
            copied = {h for h, why in blocks.items() if self._copied(why)}
            for index, hashed in enumerate(hashes):
                if hashed in blocks:
                    (kept if hashed in copied else removed)[index] = blocks[hashed]
            found -= copied
        rules = [_REASONS[h >= 0] if h in found else None for h in hashes]
        return lines, rules, removed, kept

    def _copied(self, block: Mapping[str, float]) -> bool:
        """Whether a block of long lines on the same pages (``_blocks``) is an article
        copied: ``COPY_LINES`` lines or ``COPY_WORDS`` words or more, and on one of those
        pages (the one with the fewest words of long lines) ``long_share`` of the words
        of its long lines or more."""
        big = block["same_pages"] >= COPY_LINES or block["same_pages_words"] >= COPY_WORDS
        return big and block["same_pages_share"] >= self.long_share

    def _blocks(
        self, scope: str, lines: list[str], hashes: list[int | None], found: set[int]
    ) -> dict[int, Mapping[str, float]]:
        """For each long line of the page found on ``long_min_pages`` pages (by its
        ``long_hash``): on how many pages it is (``pages``), how many of the page's such
        lines are on exactly the same pages (``same_pages``: the same count and the same
        sum of page keys, ``LineCounts.long_keys``; itself included), their words, and
        the share those words are of the words of the long lines of the page among those
        with the fewest (``LineCounts.fewest``): of the copy with the least other text
        around the block. Each distinct line counts once."""
        counts = self.counts
        assert counts is not None
        seen, keys, fewest = counts.lines, counts.long_keys, counts.fewest
        words_of = {h: len(line.split()) for h, line in _long_lines(lines, hashes) if h in found}
        where = {h: (seen[(scope, ~h)], keys[(scope, ~h)]) for h in words_of}
        sizes: Counter[tuple[int, int]] = Counter(where.values())
        words: Counter[tuple[int, int]] = Counter()
        smallest: dict[tuple[int, int], int] = {}
        for hashed, pages in where.items():
            words[pages] += words_of[hashed]
            least = fewest.get((scope, ~hashed), 0)  # 0: never seen long, kept
            smallest[pages] = min(smallest.get(pages, least), least)
        return {
            h: {
                "pages": pages[0],
                "same_pages": sizes[pages],
                "same_pages_words": words[pages],
                "same_pages_share": round(words[pages] / max(smallest[pages], 1), 3),
            }
            for h, pages in where.items()
        }


#: What ``RepeatedLines._judge`` finds on a page: its lines, the rule removing each, what
#: decided each long line removed and each kept as part of a copy (by line index).
_Judgment = tuple[
    list[str], list[str | None], dict[int, Mapping[str, float]], dict[int, Mapping[str, float]]
]


#: The reason of a repeated line, by whether it is short.
_REASONS = ("repeated_passage", "repeated_line")
