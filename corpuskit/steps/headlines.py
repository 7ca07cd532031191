"""The headline of a text dump, found by a learned ranker of the lines near the top.

A text dump has no ``<title>``; its headline is one of its lines, but where it stands
varies: right above the article, above a share bar and an author block, below a
section name and a teaser list. ``lift_metadata`` asks this module when its two sure
rules (a line printed twice, the line before a byline) find nothing. Every non-blank
line from ``BEFORE_BODY`` lines before the article's body to ``INTO_BODY`` lines into it
that could be a headline (``_Page.possible``) is a candidate; each gets a few features
that hold across sites and languages (its place, its words, its case and punctuation,
its copies in the page, how many of its words the body repeats, the date and byline
lines around it, a byline split at its name among them, its lead one of the ``leads``
of the step's ``MetadataVocabulary``: ``NAMES``), and a logistic
model that ranks the lines of a page against each other (a conditional logit:
``corpuskit/data/headline_model.toml``, fitted by ``bench/train_headline_model.py`` on
the dev sets with the HTML-mode ``<title>`` as the label) scores them. The best
candidate is the headline when its share of the page's odds (the softmax of the
scores) reaches the model's threshold; copies of a line (a headline printed above the
share bar and again above the body) are one candidate, their odds added up.

>>> from corpuskit.lexicon.metadata import MetadataVocabulary
>>> lines = ["Home", "News", "Rain ends the long drought in Spain",
...          "Heavy rain fell on Spain on Monday, ending a drought that lasted three years.",
...          "The drought in Spain had emptied reservoirs across the south of the country."]
>>> leads = MetadataVocabulary.default().leads
>>> HeadlineModel.default().best(lines, [None] * len(lines), leads)[0]
2
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import mul
from typing import Any

from corpuskit.data import load_table
from corpuskit.lexicon.lines import ends_sentence, has_digit, normalized, word_count

# Candidates: the non-blank lines (not lifted already) from BEFORE_BODY before the
# body's start to INTO_BODY after it; without a body, the first BEFORE_BODY lines. The
# body is often taken to start too early (a teaser list of long lines) or the headline
# stands far above it (share and author blocks): 60 and 3 held the HTML title on 408
# and 350 of the 451 and 402 pages of the dev sets whose dump holds it, 100 and 10 on
# 428 and 382 (before pruning); the LODO match of the best candidate (always lifted,
# no sure rules) went from 0.656 / 0.682 to 0.674 / 0.714; 20 into the body gained on
# dragnet-dev and lost on traf-dev. bench/train_headline_model.py prints the share; re-train after
# changing.
BEFORE_BODY = 100
INTO_BODY = 10
# Body words: those of the lines of BODY_WORDS+ words among the BODY_AHEAD non-blank
# lines from the body's start (the first paragraphs, which repeat the headline's words).
BODY_WORDS = 10
BODY_AHEAD = 30
# A share of a line's words counts in full from this many words on: "Folge uns auf
# Twitter" matches a word or two of any body by chance.
FULL_WORDS = 4
# A headline has a few words and no sentence-final period (``headline_like``).
HEADLINE_WORDS = (3, 30)
# A headline longer than this is rather a standfirst (a feature: the model weighs it).
LONG_HEADLINE = 16
# A line starting with none of these nor a letter or digit starts with a mark ("/ ...").
QUOTES = "\"'“”„«»‘’‚"
# A menu item has at most this many words (a feature: the share of them around).
MENU_WORDS = 2
# A line's neighbours, for "the longest line around": this many on each side.
NEIGHBOURS = 3
# Lines already given these reasons are metadata: a headline sits next to them.
METADATA = frozenset({"dateline", "byline"})
# So is a byline split at its name, which the byline rule does not read: a line of at
# most LEAD_WORDS words that is or ends in a byline's or a dateline's lead
# (``data/metadata.toml``: "By" / "Josh Levs", "Posted by" / "Olga Khazan", "2012-10-16
# by" / "Herb Sutter", "Posted on" / "August 24th, 2012").
LEAD_WORDS = 4
# Words of a site name after a separator ("Rain ends drought | The Daily"): at most this.
SITE_WORDS = 4
SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")
# The article's body: lines of BODY_WORDS+ words are body lines; the body starts at the
# first body line whose next BODY_WINDOW non-blank lines hold at least BODY_SHARE of the
# body words of the page's densest such window (so a lone prose line in the menus, a
# cookie notice, is passed over). Fitted on dragnet-dev with the rule the ranker
# replaced (docs/quality.md); re-train and re-measure after changing one.
BODY_WINDOW = 20
BODY_SHARE = 0.5
#: Words that say what a line is about: 4+ letters ("the", "und", "von" say nothing).
CONTENT_WORD = re.compile(r"\w{4,}")

#: The features of a candidate line, in the model's order.
NAMES = (
    "position",
    "before_body",
    "into_body",
    "words",
    "headline_like",
    "capitalised",
    "ends_sentence",
    "ends_colon",
    "digits",
    "site_separator",
    "repeated",
    "printed_twice",
    "body_share",
    "metadata_next",
    "metadata_before",
    "prose_next",
    "starts_lower",
    "next_lower",
    "longest_around",
    "body_line",
    "headlines_between",
    "menu_around",
    "prose_soon",
    "prose_before",
    "earlier_better",
    "blank_before",
    "blank_after",
    "starts_mark",
    "next_share",
    "long_headline",
    "to_paragraph",
)


@dataclass(frozen=True)
class HeadlineModel:
    """Weights over ``NAMES`` and the threshold the best line's share of the odds must
    reach."""

    weights: tuple[float, ...]
    threshold: float

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> HeadlineModel:
        weights = table["weights"]
        return cls(tuple(float(weights[n]) for n in NAMES), float(table["threshold"]))

    @classmethod
    def default(cls) -> HeadlineModel:
        """The shipped model: ``data/headline_model.toml``."""
        return cls.from_table(load_table("headline_model"))

    @property
    def digest(self) -> str:
        """A short digest of the weights and threshold, for ``lift_metadata``'s config
        (the manifest's hash changes with the model, as with the line models')."""
        return hashlib.sha256(repr((self.weights, self.threshold)).encode()).hexdigest()[:16]

    def score(self, row: Sequence[float]) -> float:
        return float(sum(map(mul, self.weights, row)))

    def best(
        self, lines: Sequence[str], reasons: Sequence[str | None], leads: Collection[str]
    ) -> tuple[int, float] | None:
        """The index of the best candidate line and its share of the odds, if that
        reaches the threshold. Copies of a line are one headline: their odds add up
        (a headline printed above the share bar and again above the body splits its
        odds between them), and the best-scoring copy (the earlier on a tie) stands
        for them. ``leads``: a split byline's leads (``MetadataVocabulary.leads``)."""
        found = candidates(lines, reasons, leads)
        if not found:
            return None
        scores = [self.score(row) for _, row in found]
        top = max(scores)
        odds: dict[str, float] = {}
        for (index, _), score in zip(found, scores, strict=True):
            key = normalized(lines[index])
            odds[key] = odds.get(key, 0.0) + math.exp(score - top)
        total = math.fsum(odds.values())
        key, share = max(odds.items(), key=lambda item: item[1])
        if share / total < self.threshold:
            return None
        copies = [(score, -index) for (index, _), score in zip(found, scores, strict=True)]
        _, index = max(c for c in copies if normalized(lines[-c[1]]) == key)
        return -index, share / total


def candidates(
    lines: Sequence[str], reasons: Sequence[str | None], leads: Collection[str]
) -> list[tuple[int, list[float]]]:
    """Each candidate line's index in ``lines`` and its features (``NAMES``): the lines
    of the window that ``_Page.possible`` lets through (the others are not scored at
    all, which halves the work: most are menu items). ``leads``: the leads of a byline
    split at its name (``MetadataVocabulary.leads``, ``byline_lead``)."""
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    kept = [i for i in nonblank if not reasons[i]]
    norms, counts = measured([lines[i] for i in kept])
    start = body_start(counts)
    first = 0 if start is None else max(0, start - BEFORE_BODY)
    last = BEFORE_BODY if start is None else start + INTO_BODY + 1
    window = range(first, min(last, len(kept)))
    page = _Page(lines, reasons, (nonblank, kept), (norms, counts), start or 0, window, leads)
    return [(kept[k], page.features(k)) for k in window if page.possible(k)]


def measured(texts: list[str]) -> tuple[list[str], list[int]]:
    """``normalized`` and ``word_count`` of each of ``texts`` (lines, none blank).

    Both only strip spaces and count them on a line that is printable and has no run of
    spaces, as nearly every line is after ``normalize_whitespace``: when all of a page's
    lines are such, each is stripped in one ``map``, and they are case folded as one
    string (``casefold`` maps each character alone, and a line break to itself) and
    counted by ``str.count``: the same values, with no Python call per line.

    >>> measured(["  Breaking News ", "Zwei\u00a0Wörter"])
    (['breaking news', 'zwei wörter'], [2, 2])
    >>> measured(["Rain ends the drought", "SPAIN"])
    (['rain ends the drought', 'spain'], [4, 1])
    """
    stripped = list(map(str.strip, texts, repeat(" ")))
    joined = "\n".join(stripped)
    if "  " in joined or not joined.replace("\n", " ").isprintable():
        return list(map(normalized, texts)), list(map(word_count, texts))
    # every line holds a character that is not a space (none is blank), so n spaces
    # between them make n + 1 words
    counts = [spaces + 1 for spaces in map(str.count, stripped, repeat(" "))]
    return joined.casefold().split("\n") if texts else [], counts


class _Page:
    """What every candidate of one page is measured against, worked out once."""

    def __init__(
        self,
        lines: Sequence[str],
        reasons: Sequence[str | None],
        indices: tuple[list[int], list[int]],
        measures: tuple[list[str], list[int]],
        start: int,
        window: range,
        leads: Collection[str],
    ) -> None:
        nonblank, kept = indices  # the non-blank lines' indices, and of those the kept
        self.lines, self.reasons, self.kept, self.start = lines, reasons, kept, start
        self.norms, self.counts = measures
        counts = self.counts
        self.ahead = range(start, min(len(kept), start + BODY_AHEAD))
        self.words: dict[int, set[str]] = {}  # content words by kept index, as needed
        self.shares_at: dict[int, float] = {}  # body shares by kept index, as needed
        # by word, the number of body lines that hold it (a body line's own words are
        # taken out when it is the candidate: a line repeats itself)
        self.body = Counter(
            word for k in self.ahead if counts[k] >= BODY_WORDS for word in self._words(k)
        )
        # The window's candidates look at most NEIGHBOURS kept lines beyond it (and
        # count headline-like lines between one and the body's start, inside it): the
        # lines outside ``near`` are not asked whether they are headline-like or prose,
        # nor what metadata is around them (False for them: never read).
        near = range(max(0, window.start - NEIGHBOURS), min(len(kept), window.stop + NEIGHBOURS))
        self.like = _near(near, len(kept), [headline_like(lines[kept[k]], counts[k]) for k in near])
        self.like_after = [0, *accumulate(self.like)]  # headline-like lines before index k
        prose = [counts[k] >= BODY_WORDS and ends_sentence(lines[kept[k]]) for k in near]
        self.prose = [0, *accumulate(_near(near, len(kept), prose))]  # prose lines before k
        self.short = [0, *accumulate(n <= MENU_WORDS for n in counts)]
        self.next_body = _next_body(counts)
        self.shares: list[float] = []  # body shares of the candidates so far, in order
        around = kept[near.start : near.stop]
        after, before = _metadata_near(nonblank, reasons, around)
        after = _lead_next(after, lines, around, counts[near.start : near.stop], leads)
        self.metadata_next = _near(near, len(kept), after)
        self.metadata_before = _near(near, len(kept), before)
        self.copies = Counter(self.norms)

    def possible(self, k: int) -> bool:
        """Whether line ``k`` may be a headline at all, from what is cheap to know: headline-
        like, or not ending like a sentence and sharing words with the body (a headline
        of one or two words). On a page of two or three lines the best candidate takes
        most of the odds whatever it is; this keeps a standfirst or "More text." from
        being lifted."""
        if self.like[k]:
            return True
        line = self.lines[self.kept[k]]
        ends = ends_sentence(line) or line.rstrip().endswith((":", ";", ","))
        return not ends and self._body_share(k) > 0

    def features(self, k: int) -> list[float]:
        line, n = self.lines[self.kept[k]], self.counts[k]
        nxt = self._kept_line(k + 1)
        after = self.counts[k + 1] if k + 1 < len(self.kept) else 0
        norm = self.norms[k]
        words = line.split()
        return [
            math.log1p(k),
            math.log1p(max(0, self.start - k)),
            float(min(max(0, k - self.start), INTO_BODY + 1)),
            math.log1p(n),
            float(self.like[k]),
            sum(w[:1].isupper() for w in words) / max(1, len(words)),
            float(ends_sentence(line)),
            float(line.rstrip().endswith((":", ";", ","))),
            float(has_digit(line)),
            float(_site_separator(line)),
            math.log1p(self.copies[norm] - 1),
            float(k + 1 < len(self.kept) and self.norms[k + 1] == norm),
            self._body_share(k),
            float(self.metadata_next[k]),
            float(self.metadata_before[k]),
            float(after >= BODY_WORDS and ends_sentence(nxt)),
            float(line.lstrip()[:1].islower()),
            float(nxt.lstrip()[:1].islower()),
            float(self._longest_around(k)),
            float(n >= BODY_WORDS),
            math.log1p(max(0, self.like_after[self.start] - self.like_after[k + 1])),
            self._short_around(k),
            float(self._count(self.prose, k + 1, k + 1 + NEIGHBOURS) > 0),
            float(self._count(self.prose, k - NEIGHBOURS, k) > 0),
            self._earlier_better(k),
            float(self._blank(self.kept[k] - 1)),
            float(self._blank(self.kept[k] + 1)),
            float(not line.lstrip()[:1].isalnum() and line.lstrip()[:1] not in QUOTES),
            self._next_share(k),
            float(n > LONG_HEADLINE),
            math.log1p(self.next_body[k + 1] - k - 1),
        ]

    def _next_share(self, k: int) -> float:
        """The share of the line's content words that the next two kept lines repeat
        (a standfirst or the first paragraph picks up the headline's words)."""
        words = self._words(k)
        after = set().union(*(self._words(j) for j in range(k + 1, min(len(self.kept), k + 3))))
        return len(words & after) / max(len(words), FULL_WORDS)

    def _blank(self, index: int) -> bool:
        """Whether ``lines[index]`` is blank or off the page (a block's edge)."""
        return not (0 <= index < len(self.lines)) or not self.lines[index].strip()

    def _count(self, sums: list[int], low: int, high: int) -> int:
        """How many of the kept lines ``low``..``high``-1 (clipped) count in ``sums``."""
        low, high = max(0, low), min(len(self.kept), high)
        return sums[high] - sums[low] if high > low else 0

    def _short_around(self, k: int) -> float:
        """The share of menu-like lines (``MENU_WORDS`` words or fewer) among the
        ``NEIGHBOURS`` kept lines on each side."""
        low, high = max(0, k - NEIGHBOURS), min(len(self.kept), k + NEIGHBOURS + 1)
        around = high - low - 1
        short = self._count(self.short, low, high) - (self.counts[k] <= MENU_WORDS)
        return short / around if around else 0.0

    def _earlier_better(self, k: int) -> float:
        """log(1 + the earlier candidates whose body share is at least this line's)
        (candidates are measured in order: ``features`` is called for k ascending)."""
        share = self._body_share(k)
        earlier = sum(s >= share for s in self.shares) if share > 0 else len(self.shares)
        self.shares.append(share)
        return math.log1p(earlier)

    def _words(self, k: int) -> set[str]:
        if k not in self.words:
            self.words[k] = content_words(self.lines[self.kept[k]])
        return self.words[k]

    def _body_share(self, k: int) -> float:
        """The share of the line's content words that the body's lines repeat (not
        counting the line itself)."""
        if k not in self.shares_at:
            words = self._words(k)
            own = k in self.ahead and self.counts[k] >= BODY_WORDS
            found = sum(self.body[word] > own for word in words)
            self.shares_at[k] = found / max(len(words), FULL_WORDS)
        return self.shares_at[k]

    def _kept_line(self, k: int) -> str:
        return self.lines[self.kept[k]] if 0 <= k < len(self.kept) else ""

    def _longest_around(self, k: int) -> bool:
        """Whether no headline-like neighbour (``NEIGHBOURS`` each side) has more words."""
        around = range(max(0, k - NEIGHBOURS), min(len(self.kept), k + NEIGHBOURS + 1))
        longest = max((self.counts[j] for j in around if self.like[j]), default=0)
        return self.counts[k] >= longest


def content_words(line: str) -> set[str]:
    """The words of 4+ letters of ``line``, case folded.

    >>> sorted(content_words("Rain ends the drought in Spain"))
    ['drought', 'ends', 'rain', 'spain']
    """
    if line.isascii():  # casefold is lower there, and lowering keeps every word whole
        return set(CONTENT_WORD.findall(line.lower()))
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


def _metadata_near(
    nonblank: list[int], reasons: Sequence[str | None], kept: list[int]
) -> tuple[list[bool], list[bool]]:
    """For each of the ``kept`` lines, whether one of the two non-blank lines after it,
    and one of the two before it, is a dateline or a byline (one pass each way);
    ``nonblank``: the indices of the page's non-blank lines, the ``kept`` among them.

    >>> _metadata_near([0, 2, 3], [None, None, None, "byline"], [0, 2])
    ([True, True], [False, False])
    """
    meta = [reasons[i] in METADATA for i in nonblank]
    where = {index: j for j, index in enumerate(nonblank)}
    after = [any(meta[where[i] + 1 : where[i] + 3]) for i in kept]
    before = [any(meta[max(0, where[i] - 2) : where[i]]) for i in kept]
    return after, before


def _lead_next(
    after: list[bool],
    lines: Sequence[str],
    kept: list[int],
    counts: Sequence[int],
    leads: Collection[str],
) -> list[bool]:
    """``after`` (whether metadata follows each of the ``kept`` lines, consecutive, of
    ``counts`` words), true also where one of the next two is a split byline's lead
    (``byline_lead`` of ``leads``; only the short lines are read).

    >>> lines = ["Rain ends drought", "", "By", "Ana Ruiz"]
    >>> _lead_next([False] * 3, lines, [0, 2, 3], [3, 1, 2], {"by"})
    [True, False, False]
    """
    out = list(after)
    ends = _frozen_lead_ends(leads) if isinstance(leads, frozenset) else lead_ends(leads)
    for j in [j for j, n in enumerate(counts) if n <= LEAD_WORDS]:
        if byline_lead(lines[kept[j]], counts[j], leads, ends):
            out[max(0, j - 2) : j] = [True] * (j - max(0, j - 2))
    return out


def byline_lead(
    line: str, words: int, leads: Collection[str], ends: Collection[str] | None = None
) -> bool:
    """Whether ``line`` (of ``words`` words) is a byline's or dateline's lead without
    the name or date: one of ``leads`` (case folded, no closing colon:
    ``MetadataVocabulary.leads``), maybe after a few words (a date, "Posted"); the
    line's last words are looked up, at most ``LEAD_WORDS`` of them, and only when
    the last one ends a lead (``ends``: ``lead_ends(leads)``, worked out once for a
    vocabulary by ``_lead_next``; most short lines, menu items, end in no lead's word).

    >>> leads = {"by", "posted on"}
    >>> byline_lead("Posted By", 2, leads), byline_lead("By:", 1, leads)
    (True, True)
    >>> byline_lead("Bylines", 1, leads), byline_lead("Posted", 1, leads)
    (False, False)
    """
    if words > LEAD_WORDS:
        return False
    tail = line.casefold().rstrip(" :").split()
    if not tail or tail[-1] not in (lead_ends(leads) if ends is None else ends):
        return False
    return any(" ".join(tail[i:]) in leads for i in range(len(tail)))


def lead_ends(leads: Collection[str]) -> frozenset[str]:
    """The last words of ``leads`` that ``byline_lead`` can match: a lead of words
    set apart by single spaces (it compares the line's last words joined so).

    >>> sorted(lead_ends({"by", "posted on", "von "}))
    ['by', 'on']
    """
    return frozenset(
        lead.rpartition(" ")[2] for lead in leads if lead and " ".join(lead.split()) == lead
    )


@functools.lru_cache(maxsize=16)
def _frozen_lead_ends(leads: frozenset[str]) -> frozenset[str]:
    """``lead_ends`` of a vocabulary's leads (a frozenset), worked out once."""
    return lead_ends(leads)


def _near(near: range, size: int, values: list[bool]) -> list[bool]:
    """``values`` (one for each index of ``near``) placed in a list of ``size``, False
    elsewhere.

    >>> _near(range(1, 3), 4, [True, True])
    [False, True, True, False]
    """
    return [False] * near.start + values + [False] * (size - near.stop)


def _next_body(counts: Sequence[int]) -> list[int]:
    """For each index k (and one past the end), the index of the first body line
    (``BODY_WORDS`` words or more) at k or after it, ``len(counts)`` if none.

    >>> _next_body([1, 12, 2, 3])
    [1, 1, 4, 4, 4]
    """
    out = [len(counts)] * (len(counts) + 1)
    for k in range(len(counts) - 1, -1, -1):
        out[k] = k if counts[k] >= BODY_WORDS else out[k + 1]
    return out


def headline_like(line: str, words: int) -> bool:
    """A few words (``HEADLINE_WORDS``, ``words`` being the line's count), not ending in
    a period or a lead-in colon.

    >>> headline_like("Pakistan security forces kill 197 militants", 6)
    True
    """
    low, high = HEADLINE_WORDS
    return low <= words <= high and not line.rstrip().endswith((".", ":", ";", ","))


def _site_separator(line: str) -> bool:
    """Whether the line ends in a separator and a short site-like part ("... | The Daily").

    >>> _site_separator("Rain ends drought | The Daily")
    True
    >>> _site_separator("Rain - and more rain fell")
    False
    """
    for separator in SEPARATORS:
        head, found, tail = line.rpartition(separator)
        if found and head.strip() and 0 < word_count(tail) <= SITE_WORDS:
            return tail.strip()[:1].isupper()
    return False
