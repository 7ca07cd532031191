"""Reader comments are not article text: find the comment thread and remove it.

A page's comment thread is other people's text about the article, not the article; a
corpus that keeps it mixes authors, registers and dates. The step ``comment_lines``
removes a thread with the rule ``comments``, recording for every removed line the
evidence that decided (``explain`` and ``--audit`` show it).

**Text** keeps what a thread prints (``data/comments.toml``): a *header* that opens the
section ("12 Comments", "24 Responses to “…”", "Leave a Reply", "Kommentare") and, for
each comment, *markers*: who wrote it ("Chris says:"), when ("October 27, 2012 at 3:19
am", "6 years ago"), the controls under it ("Reply", "Report abuse", "Permalink"), vote
counts ("+2"). A marker alone proves nothing (an article has a dateline and a
"Permalink"); a thread is markers that repeat, each within ``GAP_WORDS`` words of the
one before:

- after a header, whose first marker comes within ``HEADER_REACH`` lines (or within
  ``HEADER_WORDS`` words when it names who or when; off): at least two markers
  naming who or when (or three controls, or three vote counts). A header that counts
  no comments ("No Comments", "Responses (0)") opens nothing;
- under a header with no marker after it: ``MIN_BLOCKS`` blocks of a name on a line of
  its own over prose, two of the names at least twice each (people answer each other),
  after an article (evidence ``thread_blocks``); a name is no link split out of a
  sentence (the line above ends one, the prose under it starts one);
- without a header: at least ``MIN_MARKERS`` markers of two kinds besides votes and
  dates, one of them repeated, after at least ``ARTICLE_WORDS`` words of prose (on a
  forum page the posts are the content, and come first), or ``MIN_SIGNED`` timestamps
  each under a commenter's name (not a byline's: "By / Pat Doe / date"); such a chain
  stops at a header;
- right after a thread (within ``CONTINUED_WORDS`` words): two markers continue it,
  and the lines between (a comment too long for ``GAP_WORDS``) go with it.

The thread runs from its header (with the count and brackets a dump split off it:
"{" / "167" / "comments") or the line naming the first commenter to its last marker,
and past it over the prose of the last comment when the markers head the comments
("Ana | November 9, 2012 3:15 AM | Reply", then the comment).

**HTML** pages say more (``html/layout.py``): a line inside an element whose
``class``/``id`` names a comment thread (``comment``, ``disqus``, ``respond``...), a
schema.org ``Comment`` or ``itemprop="comment"``, outside the page's main container, has
``html_comment`` set; such lines go too, with that share as their evidence. On such a
page a header opens a thread only after ``ARTICLE_WORDS`` words of prose: a "Comment"
link under the headline, the author's line and "posted 56 mins ago" took whole articles
for a thread (dragnet-dev HTML F 0.917 to 0.919, text mode unchanged).

>>> from corpuskit.document import make_document, Source
>>> page = '''The article ends here, with a full sentence of prose that is long enough.
... 2 Comments
... Anna says:
... May 5, 2012 at 3:19 pm
... Great read!
... Reply
... Ben says:
... May 6, 2012 at 9:02 am
... I disagree.'''
>>> doc = CommentLines()(make_document(page, Source("-")))
>>> doc.text
'The article ends here, with a full sentence of prose that is long enough.'
>>> dict(doc.edits[-1].lines[0].features)
{'thread_markers': 5.0, 'thread_header': 1.0}
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, compress, repeat
from operator import mul
from typing import Any, ClassVar, NamedTuple

from corpuskit.data import load_table
from corpuskit.document import Document, current_layout
from corpuskit.lexicon.layout import LAYOUT_NAMES
from corpuskit.patterns import needed_class
from corpuskit.pipeline import cleaned, page_lines, remove_lines

# Thresholds, measured on dragnet-dev (286 of its 1,002 pages have a thread, with a gold
# that tells it apart) and checked on traf-dev (whose gold keeps some threads as text):
# re-measure comment detection and F on both (bench/quality.py) after changing one.
#: Words between two markers of one thread: a comment is rarely longer.
GAP_WORDS = 250
#: Non-blank lines between a header and the first marker (the commenter's name...).
HEADER_REACH = 5
#: ... or words, for a first comment printed above its signature ("Posted by: Ana |
#: date"). 0: off. 120 caught such threads (dragnet-dev text recall +0.001) but took
#: short articles whose byline prints "4 Comments" above a later signature (two pages
#: emptied in HTML mode, F 0.915 -> 0.914): re-measure both modes before turning it on.
HEADER_WORDS = 0
#: Markers of a thread without a header.
MIN_MARKERS = 3
#: Timestamps, each under a name, that make a thread without a header or another kind
#: of marker (R153-like: "Robert" / "Dec 8th, 2009 at 8:03 pm" / the comment).
MIN_SIGNED = 4
#: Lines of a split header above its word ("{" / "167"), blank lines apart.
OPENING_LINES = 2
#: Blocks of a name over prose that make a thread under a header with no markers.
MIN_BLOCKS = 4
#: Lines in a run of such blocks that are neither (a handle, a link split out of a
#: sentence: "Where" / "active-skin" / "corresponds to..."): more in a row end it.
STRAY_LINES = 4
#: Words of a line that names a commenter ("Fortunato Saraiva", "Orb of the Emissary").
NAME_WORDS = 4
#: Words of prose (lines of 8+ words) before a thread without a header.
ARTICLE_WORDS = 50
PROSE_LINE_WORDS = 8
#: Words between a thread and markers that continue it (a long comment breaks a chain).
CONTINUED_WORDS = 600
#: Lines of the last comment's prose taken after a marker that heads it.
TAIL_LINES = 40
#: Non-blank lines of a marker group above a comment ("name | date | Reply").
GROUP_LINES = 4
#: ``html_comment`` share above which a line of an HTML page is in a thread.
HTML_SHARE = 0.5

#: Markers that name who wrote a comment or when.
HEADS = ("speaker", "timestamp", "date")
#: The markers that may sign a comment far below its header: a bare date or a "Reply"
#: there is as likely the article's own (a byline's "4 Comments" above its dateline).
SIGNATURES = ("speaker", "timestamp")
#: Every threshold above by name: ``CommentLines.config`` hashes them all, so a run
#: made with other values never reads as the same configuration.
THRESHOLDS: Mapping[str, object] = {
    "gap_words": GAP_WORDS,
    "header_reach": HEADER_REACH,
    "header_words": HEADER_WORDS,
    "min_markers": MIN_MARKERS,
    "min_signed": MIN_SIGNED,
    "opening_lines": OPENING_LINES,
    "min_blocks": MIN_BLOCKS,
    "stray_lines": STRAY_LINES,
    "name_words": NAME_WORDS,
    "article_words": ARTICLE_WORDS,
    "prose_line_words": PROSE_LINE_WORDS,
    "continued_words": CONTINUED_WORDS,
    "tail_lines": TAIL_LINES,
    "group_lines": GROUP_LINES,
    "html_share": HTML_SHARE,
    "heads": HEADS,
    "signatures": SIGNATURES,
}


@dataclass(frozen=True)
class CommentMarkers:
    """The compiled patterns of ``data/comments.toml``, with pre-checks.

    Each pattern may come with a pre-check (``precheck``): a class of digits or signs of
    which every match holds one (``patterns.needed_class``, derived from the pattern).
    ``signs`` is all of them in one class, made when the ``time`` and ``date_only``
    patterns have one too: a line without any such character (most short lines: only
    85,782 of the 433,374 non-blank lines of at most ``max_chars`` characters in the dev
    sets' dumps hold a digit) can only be what the patterns without a pre-check
    (``plain``) say, and is tried against those alone. ``bench/marker_cost.py`` times
    ``kind`` with and without and checks that no line's answer changes.
    """

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    time: re.Pattern[str]
    date: re.Pattern[str]
    date_only: re.Pattern[str]
    max_chars: int
    timestamp_chars: int
    digest: str
    checks: tuple[re.Pattern[str] | None, ...]  # ``patterns``' pre-checks, in order
    plain: tuple[tuple[str, re.Pattern[str]], ...]  # ``patterns`` without a pre-check
    #: ``plain`` in one pattern, a group per kind, in order (one ``fullmatch`` asks all:
    #: an alternation prefers the first that matches the whole line, as the loop did)
    plain_kinds: re.Pattern[str] | None
    signs: re.Pattern[str] | None  # every pre-check's class in one, or None
    empty: re.Pattern[str]  # a header that counts no comments (``markers.header.empty``)
    byline: re.Pattern[str]  # a byline word: the name after it is the author's

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> CommentMarkers:
        markers = table["markers"]
        kinds = ("header", "reply", "vote", "speaker")
        compiled = tuple(
            (kind, re.compile("|".join(f"(?:{p})" for p in markers[kind]["patterns"]), re.I))
            for kind in kinds
        )
        time = markers["time"]
        when, date, date_only = (
            re.compile(time[key], re.I) for key in ("time", "date", "date_only")
        )
        checks = tuple(cls.precheck(pattern) for _, pattern in compiled)
        plain = tuple(item for item, check in zip(compiled, checks, strict=True) if not check)
        return cls(
            compiled,
            when,
            date,
            date_only,
            int(table["max_chars"]),
            int(time["timestamp_chars"]),
            hashlib.sha256(repr(sorted(table.items(), key=str)).encode()).hexdigest()[:16],
            checks,
            plain,
            cls.one_of(plain),
            cls.all_signs([*checks, cls.precheck(when), cls.precheck(date_only)]),
            re.compile(markers["header"]["empty"], re.I),
            re.compile(table["signature"]["byline"], re.I),
        )

    @classmethod
    def default(cls) -> CommentMarkers:
        """The markers shipped in ``corpuskit/data/comments.toml``."""
        return cls.from_table(load_table("comments"))

    def kind(self, line: str) -> str | None:
        """What ``line`` is in a thread: ``header``, ``reply``, ``vote``, ``speaker``,
        ``timestamp``, ``date``, or None.

        >>> markers = CommentMarkers.default()
        >>> markers.kind("24 Responses to “In Copenhagen…”"), markers.kind("Anna sagt:")
        ('header', 'speaker')
        >>> markers.kind("on October 27, 2012 at 3:19 am"), markers.kind("It was late.")
        ('timestamp', None)
        """
        text = line.strip()
        if not text or len(text) > self.max_chars:
            return None
        checked: Iterable[tuple[tuple[str, re.Pattern[str]], re.Pattern[str] | None]]
        if self._plain_first is not None:
            # the plain patterns come first: asked at once, for every line
            plain_kinds, checked = self._plain_first
            either = plain_kinds.fullmatch(text)
            if either:
                return either.lastgroup
            if self.signs is not None and self.signs.search(text) is None:
                return None
        elif self.signs is not None and self.signs.search(text) is None:
            # no pre-check passes: only the plain patterns can match
            either = self.plain_kinds.fullmatch(text) if self.plain_kinds else None
            return either.lastgroup if either else None
        else:
            checked = zip(self.patterns, self.checks, strict=True)
        for (kind, pattern), check in checked:
            if (check is None or check.search(text)) and pattern.fullmatch(text):
                return kind
        if len(text) <= self.timestamp_chars and self.time.search(text):
            return "timestamp" if self.date.search(text) else None
        return "date" if self.date_only.fullmatch(text) else None

    @cached_property
    def _plain_first(
        self,
    ) -> (
        tuple[
            re.Pattern[str], tuple[tuple[tuple[str, re.Pattern[str]], re.Pattern[str] | None], ...]
        ]
        | None
    ):
        """When the patterns without a pre-check (``plain``) are the first ones (as
        shipped: header and reply), those in one pattern (``one_of``) and the patterns
        after them with their pre-checks: ``kind`` then asks the first ones in one
        ``fullmatch`` of every line (about 10% of ``kind``'s time on the short lines of
        the dev dumps, against two on a line that passes ``signs``). Else None."""
        first = 0
        while first < len(self.checks) and self.checks[first] is None:
            first += 1
        either = self.one_of(self.patterns[:first])
        if either is None or self.patterns[:first] != self.plain:
            return None
        after = tuple(zip(self.patterns[first:], self.checks[first:], strict=True))
        return either, after

    @staticmethod
    def one_of(kinds: Sequence[tuple[str, re.Pattern[str]]]) -> re.Pattern[str] | None:
        """``kinds``' patterns as one, a group named by each kind, in order (None for
        none): its ``fullmatch``'s ``lastgroup`` is the first kind whose pattern
        matches the whole line.

        >>> header, reply = re.compile("comments?", re.I), re.compile("reply", re.I)
        >>> either = CommentMarkers.one_of([("header", header), ("reply", reply)])
        >>> either.fullmatch("Reply").lastgroup, either.fullmatch("Reply now")
        ('reply', None)
        """
        if not kinds:
            return None
        return re.compile("|".join(f"(?P<{k}>{p.pattern})" for k, p in kinds), re.I)

    @staticmethod
    def precheck(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
        """The pre-check of a marker pattern: its ``needed_class``, compiled with its
        flags, or None when it has none.

        >>> CommentMarkers.precheck(re.compile(r"\\d{1,2}:\\d{2}")).pattern
        '[\\\\d]'
        """
        needed = needed_class(pattern.pattern, pattern.flags)
        return None if needed is None else re.compile(needed, pattern.flags)

    @staticmethod
    def all_signs(checks: list[re.Pattern[str] | None]) -> re.Pattern[str] | None:
        """The classes of ``checks`` in one, or None unless the last two (those of
        ``time`` and ``date_only``) are there: a line with none of its characters must
        then be tried only against the patterns without a pre-check.

        >>> digit = re.compile("[\\\\d]")
        >>> CommentMarkers.all_signs([None, re.compile("[:]"), digit, digit]).pattern
        '[:\\\\d\\\\d]'
        >>> CommentMarkers.all_signs([re.compile("[:]"), None, digit]) is None
        True
        """
        if checks[-1] is None or checks[-2] is None:
            return None
        return re.compile("[" + "".join(c.pattern[1:-1] for c in checks if c) + "]", re.I)


class Thread(NamedTuple):
    """A comment thread: its first and last line, its markers and whether a header
    opens it."""

    start: int
    end: int
    markers: int
    header: bool
    #: Comments told by their shape alone (``_Scan.blocks``), when no marker signs them.
    blocks: int = 0


#: What ``CommentLines.kinds`` finds for a line it has not seen yet.
_UNKNOWN = object()


@dataclass(frozen=True)
class CommentLines:
    """Step ``comment_lines``: remove reader comments (rule ``comments``).

    See the module docstring for how a thread is found in text and in HTML.
    """

    markers: CommentMarkers = field(default_factory=CommentMarkers.default)
    _known: dict[str, str | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    name = "comment_lines"
    #: Lines whose marker kind ``kinds`` remembers before it starts again. A site's
    #: furniture and comment headers recur from page to page: of the 445,575 short
    #: non-blank lines of the 1,698 dev dumps, 266,973 were seen before. Only lines of
    #: at most ``max_chars`` characters are kept, so this is some 20 MB at most. A cache
    #: size, not a threshold: the output is the same for any value (not in ``config``).
    MEMO_LINES: ClassVar[int] = 100_000

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_known": {}}  # a copy in another process starts empty

    @property
    def config(self) -> dict[str, Any]:
        """The marker tables' digest and every threshold (``THRESHOLDS``)."""
        return {"markers": self.markers.digest, **THRESHOLDS}

    def __call__(self, doc: Document) -> Document:
        if cleaned(doc):
            return doc
        lines = page_lines(doc.text)
        rules: list[str | None] = [None] * len(lines)
        why: dict[int, dict[str, float]] = {}
        markup = doc.layout is not None
        for thread in self.threads(lines, markup):
            evidence = (
                {"thread_header": 1.0, "thread_blocks": float(thread.blocks)}
                if thread.blocks
                else {
                    "thread_markers": float(thread.markers),
                    "thread_header": float(thread.header),
                }
            )
            for index in range(thread.start, thread.end + 1):
                if lines[index].strip():
                    rules[index], why[index] = "comments", evidence
        _html_comments(doc, lines, rules, why)
        return remove_lines(doc, self.name, rules, features=why, lines=lines)

    def threads(self, lines: Sequence[str], markup: bool = False) -> list[Thread]:
        """The comment threads of a page's ``lines``, in order. On a page read from
        ``markup``, a header opens a thread only after an article (``ARTICLE_WORDS``):
        a "Comment" link under the headline is no thread's header, and the markup finds
        a thread the text cannot (``_html_comments``)."""
        return _Scan(lines, self.kinds(lines), self.markers, markup).threads()

    def kinds(self, lines: Sequence[str]) -> list[str | None]:
        """``markers.kind`` of each of ``lines``: the lines seen before are looked up in
        one pass in C (a site's furniture, most blank lines), the others asked one by
        one and, when short enough to be a marker, remembered (``MEMO_LINES``)."""
        known, kind, longest = self._known, self.markers.kind, self.markers.max_chars
        found: list[Any] = list(map(known.get, lines, repeat(_UNKNOWN)))
        if _UNKNOWN in found:
            if len(known) >= self.MEMO_LINES:
                known.clear()
            for at, value in enumerate(found):
                if value is _UNKNOWN:
                    line = lines[at]
                    found[at] = kind(line)
                    if len(line) <= longest:
                        known[line] = found[at]
        return found


class _Scan:
    """One page's lines and their marker kinds, scanned once for threads."""

    def __init__(
        self,
        lines: Sequence[str],
        kinds: list[str | None],
        markers: CommentMarkers,
        markup: bool = False,
    ) -> None:
        self.lines, self.kinds, self.markup = lines, kinds, markup
        self.empty, self.byline = markers.empty, markers.byline
        counts = list(map(len, map(str.split, lines)))
        # words before each line, so that a gap costs two lookups
        self.words = list(accumulate(counts, initial=0))
        # the same, counting prose lines only (``PROSE_LINE_WORDS``; a count times False
        # is 0)
        prose = map(mul, counts, map(PROSE_LINE_WORDS.__le__, counts))
        self.prose = list(accumulate(prose, initial=0))

    def between(self, a: int, b: int) -> int:
        """Words on the lines strictly between lines ``a`` and ``b``."""
        return self.words[b] - self.words[a + 1]

    def threads(self) -> list[Thread]:
        """The threads, in order: each line with a marker is asked (``_at``) unless a
        thread or a chain before took it. A line without one starts nothing, so the
        scan goes from marker to marker (``bisect`` in the marked lines' indices),
        with no Python call for the other lines: a page's few dozen, not its hundreds."""
        found: list[Thread] = []
        marked = list(compress(range(len(self.kinds)), self.kinds))
        at, index = 0, 0
        while (at := bisect_left(marked, index, at)) < len(marked):
            thread, index = self._at(marked[at], found)
            if thread is not None:
                found.append(thread)
        return found

    def _at(self, index: int, found: list[Thread]) -> tuple[Thread | None, int]:
        """The thread that starts at line ``index``, if any, and where to go on."""
        kind = self.kinds[index]
        if kind is None:
            return None, index + 1
        after = bool(found) and self.between(found[-1].end, index) <= CONTINUED_WORDS
        if kind == "header":
            if self.markup and self._prose_before(index) != "article":
                return None, index + 1
            first = self._first_marker(index)
            if first is None:
                return self._blocks(index)
            members = self._chain(first, led=True)
            if not _enough(members, self.kinds, "header", after):
                return None, index + 1
            return self._thread(index, members, True, found if after else [])
        members = self._chain(index)
        before = self._prose_before(index)
        if not (_enough(members, self.kinds, before, after) or self._signed(members, before)):
            return None, members[-1] + 1
        return self._thread(index, members, False, found if after else [])

    def _blocks(self, header: int) -> tuple[Thread | None, int]:
        """A thread under ``header`` that no marker signs: ``MIN_BLOCKS`` or more blocks
        of a name line (``_signs``) over prose, two names at least twice each (people
        answer each other; an article's subheadings do not repeat, and a repeated
        "AdChoices" is one name), after an article
        (``ARTICLE_WORDS``). "{ 167 comments }" / "Hesham Zebida" / "The most tuts I
        would like to see is :" / "Jason Manheim" / "Ditto on the above." ..."""
        if self.empty.search(self.lines[header]) or self._prose_before(header) != "article":
            return None, header + 1
        names: Counter[str] = Counter()
        index, end, stray = header + 1, header, 0
        while index < len(self.lines) and self.kinds[index] is None:
            line = self.lines[index].strip()
            index += 1
            if not line or not any(c.isalpha() for c in line):  # "}", "|", "12"
                continue
            body = self._body(index)
            if _said(line) and end > header:  # more of the comment above
                index, end, stray = max(body, index), max(body, index) - 1, 0
                continue
            if not self._signs(index - 1, body):
                stray += 1  # a signature, a stray link: "@RyanShell"
                if stray > STRAY_LINES:
                    break
                continue
            names[line.casefold()] += 1
            index, end, stray = body, body - 1, 0
        blocks = sum(names.values())
        if blocks < MIN_BLOCKS or sum(count >= 2 for count in names.values()) < 2:
            return None, header + 1
        return Thread(self._opening(header), end, 0, True, blocks), end + 1

    def _signs(self, index: int, body: int) -> bool:
        """Whether line ``index`` names the writer of the prose under it (up to line
        ``body``): a name (``_name``) on a line of its own, not a link inside a sentence:
        the line above it ends one (or is no prose) and the prose under it starts one
        (a capital, a digit, "@"; not ", which says"). A list item ends a block too."""
        if body == index + 1 or not _name(self.lines[index]):
            return False
        above = self.lines[self._above(index)].strip() if index > 0 else ""
        under = self.lines[self._below(index)].strip()
        ended = not _prose(above) or above.endswith(ENDS) or above.startswith(BULLETS)
        return ended and (under[:1].isupper() or under[:1].isdigit() or under[:1] == "@")

    def _below(self, index: int) -> int:
        """The non-blank line below line ``index`` (``index`` when there is none)."""
        for below in range(index + 1, min(len(self.lines), index + 3)):
            if self.lines[below].strip():
                return below
        return index

    def _body(self, index: int) -> int:
        """The line after the prose that starts at line ``index`` (blank lines skipped;
        ``index`` itself when no prose starts there; ``_said``)."""
        end = index
        while index < len(self.lines):
            line = self.lines[index]
            if line.strip():
                if self.kinds[index] is not None or not _said(line):
                    break
                end = index + 1
            index += 1
        return end

    def _first_marker(self, header: int) -> int | None:
        """The first marker within ``HEADER_REACH`` non-blank lines after a header, or
        within ``HEADER_WORDS`` words when it names who or when (``SIGNATURES``: a first
        comment printed above its signature, "Posted by: Ana | date"). A header that
        counts no comments ("No Comments", "Responses (0)" under each comment) opens
        nothing (``empty`` in ``data/comments.toml``)."""
        if self.empty.search(self.lines[header]) or self._next(header) in ("0", "(0)"):
            return None
        seen = 0
        for index in range(header + 1, len(self.lines)):
            kind = self.kinds[index]
            if kind not in (None, "header"):
                return index if seen <= HEADER_REACH or kind in SIGNATURES else None
            seen += bool(self.lines[index].strip())
            if seen > HEADER_REACH and self.between(header, index + 1) > HEADER_WORDS:
                return None
        return None

    def _chain(self, first: int, led: bool = False) -> list[int]:
        """Markers from ``first`` on, each within ``GAP_WORDS`` of the one before, up to a
        header that opens a thread of its own; markers that no header leads (``led``)
        stop at any header (a byline's timestamp, then the article, then "1 Comment":
        the thread starts there, not at the byline).

        (A longer gap after a header, 500 words, took whole articles whose byline
        prints "334 comments": measured on dragnet-dev, F fell.)"""
        members = [first]
        for index in range(first + 1, len(self.lines)):
            kind = self.kinds[index]
            if kind is None:
                if self.between(members[-1], index) > GAP_WORDS:
                    break
                continue
            if kind == "header":
                if not led or self._first_marker(index) is not None:
                    break
                continue
            if self.between(members[-1], index) > GAP_WORDS:
                break
            members.append(index)
        return members

    def _signed(self, members: list[int], before: str) -> bool:
        """Whether ``members`` are ``MIN_SIGNED`` or more timestamps after an article,
        each under a line that names someone (``_name``): "Robert" / "Dec 8th, 2009 at
        8:03 pm", a thread whose dump lost its header and its "says:". A live blog's
        times come without a name above them."""
        if before != "article" or len(members) < MIN_SIGNED:
            return False
        return all(self.kinds[m] == "timestamp" and self._named(m) for m in members)

    def _named(self, index: int) -> bool:
        """Whether the non-blank line above line ``index`` is a name (``_name``), and no
        byline's: neither it nor the line above it starts with "By" (``signature.byline``)."""
        above = self._above(index)
        if above < 0 or self.kinds[above] is not None or not _name(self.lines[above]):
            return False
        byline = self._above(above)
        return not self.byline.match(self.lines[above].strip()) and not (
            byline >= 0 and self.byline.fullmatch(self.lines[byline].strip())
        )

    def _above(self, index: int) -> int:
        """The non-blank line above line ``index`` (-1 when there is none)."""
        index -= 1
        while index >= 0 and not self.lines[index].strip():
            index -= 1
        return index

    def _next(self, index: int) -> str:
        """The non-blank line after line ``index``, stripped ("" when there is none)."""
        below = self._below(index)
        return self.lines[below].strip() if below != index else ""

    def _prose_before(self, index: int) -> str:
        """``article`` when ``ARTICLE_WORDS`` words of prose come before line ``index``."""
        return "article" if self.prose[index] >= ARTICLE_WORDS else "none"

    def _thread(
        self, start: int, members: list[int], header: bool, before: list[Thread]
    ) -> tuple[Thread, int]:
        """The thread of ``members``; one that continues the thread ``before`` it (the
        chain broke on a long comment) takes the lines between the two."""
        if before:
            start = before[-1].end + 1
        elif not header:
            start = self._commenter(start)
        else:
            start = self._opening(start)
        end = self._tail(members[-1])
        return Thread(start, end, len(members), header), end + 1

    def _opening(self, header: int) -> int:
        """The first line of a header the dump split: up to ``OPENING_LINES`` lines with
        no letter just above it ("{" / "167" / "comments" / "}")."""
        start = index = header
        for _ in range(2 * OPENING_LINES):
            index -= 1
            if index < 0 or any(c.isalpha() for c in self.lines[index]):
                break
            start = index if self.lines[index].strip() else start
        return start

    def _commenter(self, first: int) -> int:
        """The line naming the first commenter, just before a thread's first marker."""
        index = first - 1
        while index >= 0 and not self.lines[index].strip():
            index -= 1
        if index >= 0 and len(self.lines[index].split()) <= 4 and not _prose(self.lines[index]):
            return index
        return first

    def _tail(self, last: int) -> int:
        """The last line of the last comment, when its markers head it."""
        if not self._heads_prose(last):
            return last
        end, taken = last, 0
        for index in range(last + 1, min(len(self.lines), last + 1 + 2 * TAIL_LINES)):
            line = self.lines[index]
            if not line.strip():
                continue
            if not _prose(line) or self.kinds[index] == "header" or taken >= TAIL_LINES:
                break
            end, taken = index, taken + 1
        return end

    def _heads_prose(self, last: int) -> bool:
        """Whether the marker ``last`` ends a group that heads a comment: it names who or
        when, or it closes a run of markers (and separators) with one that does
        ("Ana | November 9, 2012 3:15 AM | Reply", then the comment)."""
        if self.kinds[last] in HEADS:
            return True
        seen = 0
        for index in range(last - 1, max(-1, last - 1 - 2 * GROUP_LINES), -1):
            if self.kinds[index] in HEADS:
                return True
            line = self.lines[index].strip()
            if _prose(line):
                return False
            seen += bool(line)
            if seen >= GROUP_LINES:
                return False
        return False


def _enough(members: list[int], kinds: list[str | None], before: str, after: bool) -> bool:
    """Whether ``members`` make a thread (see the module docstring); ``before`` is
    ``header`` (a header opens them), ``article`` or ``none`` (prose before them)."""
    per = Counter(kinds[index] for index in members)
    heads = sum(per[kind] for kind in HEADS)
    named = set(per) - {"vote", "date"}
    if after:
        return len(members) >= 2 and bool(named)
    if before == "header":
        return len(members) >= 2 and (heads >= 2 or per["reply"] >= 3 or per["vote"] >= 3)
    repeated = max(per.values()) >= 2
    return before == "article" and len(members) >= MIN_MARKERS and repeated and len(named) >= 2


def _name(line: str) -> bool:
    """Whether ``line`` may be a commenter's name or handle: one to ``NAME_WORDS`` words,
    a letter in it, no sentence punctuation at its end.

    >>> _name("Fortunato Saraiva"), _name("@bdubsmitty"), _name("It was late."), _name("2")
    (True, True, False, False)
    """
    text = line.strip()
    words = text.split()
    return (
        0 < len(words) <= NAME_WORDS
        and any(c.isalpha() for c in text)
        and not text.endswith((".", "!", "?", ":", ",", ";"))
    )


#: How a sentence ends (closing quotes and brackets after its mark included).
ENDS = (".", "!", "?", "…", ")", '"', "”", "’", ":", ";")


#: How a list item starts.
BULLETS = ("- ", "* ", "• ")


def _said(line: str) -> bool:
    """Whether ``line`` may be part of a comment's text: prose (``_prose``), a line
    that leads on ("Additionally:", "Hello Sir,"), a list item ("- CSS").

    >>> _said("Hello Sir,"), _said("Jason Manheim")
    (True, False)
    """
    text = line.strip()
    return _prose(text) or text.endswith((":", ",")) or text.startswith(BULLETS)


def _prose(line: str) -> bool:
    text = line.strip()
    return len(text.split()) >= 4 or text.endswith((".", "!", "?", "…", ")"))


def _html_comments(
    doc: Document, lines: list[str], rules: list[str | None], why: dict[int, dict[str, float]]
) -> None:
    """Mark the lines an HTML page's markup puts in a comment thread (``html_comment``)."""
    if "html_comment" not in LAYOUT_NAMES:
        return
    layout = current_layout(doc)
    if layout is None:
        return
    column = LAYOUT_NAMES.index("html_comment")
    for index, row in enumerate(layout):
        if row[column] >= HTML_SHARE and lines[index].strip() and rules[index] is None:
            rules[index], why[index] = "comments", {"html_comment": round(row[column], 3)}
