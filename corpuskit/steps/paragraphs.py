"""Whole paragraphs: put back together the sentences a text dump split over lines.

A dump made with ``get_text("\\n")`` starts a new line at every inline element, so a
sentence with a link comes out as "via the" / "Los Angeles Times" / ". “Yes,". The step
``join_lines`` joins a line onto the line before it when the seam between them says the
sentence goes on. Each rule is one kind of evidence (the tables are data:
``data/paragraphs.toml``), tried in this order:

- ``marker``: the line before is only a list marker ("•", "17.", "a)"): its item follows;
- ``punctuation``: the line starts with closing punctuation (", who", ".", "”");
- ``parenthesis``: the line is a short parenthesis ("(PDF)", "($24)"), or, after a line
  that does not end a sentence, starts one;
- ``opening``: the line before ends with an opening bracket or quote;
- ``label``: the line before is a short run-in label ending in a colon ("Update:") and
  this line is a whole sentence of prose;
- then only when the line before does not end a sentence (``.!?…:;``):
  ``lowercase`` (the line starts in lowercase, maybe after an opening quote, or with a
  dash and a lowercase word), ``comma`` (the line before ends with a comma),
  ``midsentence`` (the line before holds a sentence end and goes on past it: prose cut
  short), ``function_word`` (the line before ends with a word that cannot end a
  sentence: "the", "of", "und", "de");
- ``inline``: a short line (a link's text) between a line that does not end a sentence
  and a line that the ``lowercase`` or ``punctuation`` rule joins to it;
- ``block``: on a text page that sets its blocks apart with blank lines (most of its
  kept lines of prose are followed by one in the page as read: ``BLOCK_STYLE``), two
  lines that were next to each other in the page, with no blank line between, are one
  block split at inline markup; never when the line before is a short heading that
  starts its block ("Peaks and valleys", "Why now?" above its paragraph), nor inside a
  run of three or more short lines (a list, a menu, a poem; ``SHORT_WORDS``), nor a
  line opening with an ellipsis (a trailing one glued without a space, or a Python
  prompt's "... print(x)": which, the seam does not say).

Never joined: lines with a blank line between them (paragraphs: on the dev sets a
lowercase line after a blank line is another paragraph four times in five); a line that
starts with a list bullet or number ("- item", "2. item"), unless it is a dash before a
lowercase word after a line that is no list item; and, on an HTML page, a line the
markup says is a heading, a list item or a table cell (``Document.layout``).

Joined lines are glued with a space, or with nothing before closing punctuation and
after an opening bracket or quote, so "Times" + ". “Yes" gives "Times. “Yes". The step
records every joined line (``Edit.joins``: number, text, rule), so ``explain`` and
``--audit`` say which rule joined which line, and ``document.origins`` maps every line
back to the page as read.

A page this step has joined already is left alone: joined lines are longer, and a rule
such as ``label`` (a whole sentence after a colon) could then join once more.

>>> from corpuskit.document import make_document, Source
>>> page = "Read it via the\\nLos Angeles Times\\n. “Yes,” he said.\\n\\nNext paragraph."
>>> doc = JoinLines()(make_document(page, Source("-")))
>>> doc.text
'Read it via the Los Angeles Times. “Yes,” he said.\\n\\nNext paragraph.'
>>> [(line.number, line.rule) for line in doc.edits[-1].joins]
[(2, 'function_word'), (3, 'punctuation')]
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import and_, itemgetter, not_
from typing import Any

from corpuskit.data import load_table
from corpuskit.document import Document, current_layout, line_origins, lines_read
from corpuskit.lexicon.layout import LAYOUT_NAMES
from corpuskit.pipeline import has_run, join_lines, page_lines

#: A list marker alone on its line, and a line that opens with one.
MARKER = re.compile(r"[•·▪▸►*\-–—]|\d{1,3}[.)]|[a-z][.)]|\(\d{1,3}\)")
BULLET = re.compile(r"(?:[•·▪▸►*\-–—]\s|-\S|\d{1,3}[.)]\s)")
#: A dash before a lowercase word: an aside that goes on ("— who explained").
LOWER_DASH = re.compile(r"(?:[—–]|--?)\s+[^\W\d_A-ZÀ-Þ]")
#: A sentence end inside a line, followed by the start of another sentence.
MIDSENTENCE = re.compile(r"[.!?][\"”’)]?\s+[A-Z0-9“\"]")
#: A line that is one parenthesis ("(PDF)", "($24),").
PARENTHESIS = re.compile(r"\([^()]*\)[.,;:]?")
#: A run-in label: a few words and a colon ("Update:", "Fat Head:").
LABEL = re.compile(r"[^.!?]{1,60}:[\"”’*]?")
#: Rules whose evidence is on the line itself, so that the line before can be a link.
STRONG = frozenset({"lowercase", "punctuation"})

# Word counts, measured on dragnet-dev (line pairs whose both sides are in the gold
# article: joined pairs that the gold keeps apart are at most 6% for each rule, 0.3% in
# all; bench/quality.py prints paragraph integrity and separation). Re-measure both after
# changing one.
#: ``midsentence``: a line of prose, long enough to hold a sentence end and more.
PROSE_WORDS = 8
#: ``parenthesis``: a parenthesis this long or shorter is an aside, not a paragraph.
PARENTHESIS_WORDS = 12
#: ``label``: a label has at most this many words; the sentence after it at least
#: ``PROSE_WORDS``.
LABEL_WORDS = 6
#: ``inline``: a link's text has at most this many words; the line before it at least
#: ``INLINE_LEAD_WORDS`` (or ends with a function word), so two menu items never join.
INLINE_WORDS = 8
INLINE_LEAD_WORDS = 3
#: ``block``: the share of a page's kept lines of prose (``PROSE_WORDS``+ words, ending a
#: sentence) followed by a blank line in the page as read, from which the page sets its
#: blocks apart with blank lines, and the fewest such lines that tell it. Measured on
#: dragnet-dev text (bench/quality.py --joins): 0.75 takes integrity from 0.945 to 0.973
#: with separation 0.998 -> 0.996; 0.7 gives 0.976 / 0.996 but merges more short
#: lines (headings, datelines) into their neighbours; 0.8 0.971 / 0.997. Re-measure
#: integrity, separation and the joins view on both dev sets after changing one.
BLOCK_STYLE = 0.75
BLOCK_LINES = 5
#: ``block``: a line of at most this many words that starts its block and ends in a
#: letter, a digit, "?" or "!" is a heading, never joined to the paragraph under it (6: on
#: dragnet-dev 19 headings kept apart for 28 lead-ins "FORGET THE DICTIONARY" left
#: split); three or more such short lines in a row are a list, a menu or a poem, never
#: joined (on traf-dev 324 joins of two short lines, menus and lyrics among them; at 6
#: words dragnet-dev integrity 0.973 -> 0.972, 4 words 0.973, 8 words 0.971).
SHORT_WORDS = 6
#: Markup shares above which a line is a heading, a list item or a table cell.
BLOCK_SHARE = 0.5
_BLOCK_FEATURES = tuple(
    LAYOUT_NAMES.index(name) for name in ("html_heading", "html_list_item", "html_table_cell")
)


@dataclass(frozen=True)
class Seams:
    """The evidence tables of ``data/paragraphs.toml``, compiled."""

    function_words: frozenset[str]
    closing: tuple[str, ...]
    opening: tuple[str, ...]
    terminal: tuple[str, ...]
    digest: str

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> Seams:
        words = frozenset(w for ws in table["function_words"].values() for w in ws)
        marks = table["punctuation"]
        blob = repr(sorted(table.items(), key=str)).encode()
        return cls(
            words,
            tuple(marks["closing"]),
            tuple(marks["opening"]),
            tuple(marks["terminal"]),
            hashlib.sha256(blob).hexdigest()[:16],
        )

    @classmethod
    def default(cls) -> Seams:
        """The tables shipped in ``corpuskit/data/paragraphs.toml``."""
        return cls.from_table(load_table("paragraphs"))

    def ends_sentence(self, line: str) -> bool:
        """Whether ``line`` (stripped) ends a sentence, maybe inside a closing quote.

        >>> seams = Seams.default()
        >>> seams.ends_sentence("He left."), seams.ends_sentence('He said "no."')
        (True, True)
        >>> seams.ends_sentence("via the")
        False
        """
        return line.rstrip("\"”’'»)").endswith(self.terminal) or line.endswith(self.terminal)

    def glue(self, before: str, line: str) -> str:
        """``before`` and ``line`` as one line: one space between them, none before
        closing punctuation or after an opening bracket or quote.

        >>> seams = Seams.default()
        >>> seams.glue("the Los Angeles Times", ". “Yes,"), seams.glue("(", "PDF)")
        ('the Los Angeles Times. “Yes,', '(PDF)')
        """
        before, line = before.rstrip(), line.lstrip()
        if line.startswith(self.closing) or before.endswith(self.opening):
            return before + line
        return f"{before} {line}"

    def rule(self, before: str, line: str) -> str | None:
        """The rule that joins ``line`` onto ``before`` (both stripped), or None.

        >>> seams = Seams.default()
        >>> seams.rule("Our new", "headoffice is slowly coming together.")
        'lowercase'
        >>> seams.rule("Der Vorstand der", "Deutschen Bahn"), seams.rule("Home", "About")
        ('function_word', None)
        """
        if not before or not line:
            return None
        if MARKER.fullmatch(before):
            return "marker"
        if BULLET.match(line) and not (LOWER_DASH.match(line) and not BULLET.match(before)):
            return None
        return self._punctuation(before, line) or self._prose(before, line)

    def _punctuation(self, before: str, line: str) -> str | None:
        """The rules that may join across a sentence end."""
        if line.startswith(self.closing) and not line.startswith("..."):
            return None if MARKER.fullmatch(line) else "punctuation"
        short = len(line.split()) <= PARENTHESIS_WORDS
        if PARENTHESIS.fullmatch(line) and short and not before.startswith("("):
            return "parenthesis"
        if before.endswith(self.opening):
            return "opening"
        if self._label(before, line):
            return "label"
        return None

    def _label(self, before: str, line: str) -> bool:
        if len(before.split()) > LABEL_WORDS or not LABEL.fullmatch(before):
            return False
        return len(line.split()) >= PROSE_WORDS and self.ends_sentence(line)

    def _prose(self, before: str, line: str) -> str | None:
        """The rules for a line before that does not end a sentence."""
        if self.ends_sentence(before):
            return None
        if _starts_lower(line.lstrip("\"“„«‘'([")) or LOWER_DASH.match(line):
            return "lowercase"
        if line.startswith("("):
            return "parenthesis"
        if before.endswith(","):
            return "comma"
        words = before.split()
        if len(words) >= PROSE_WORDS and MIDSENTENCE.search(before):
            return "midsentence"
        if len(words) >= 2 and words[-1].lower() in self.function_words:
            return "function_word"
        return None

    def inline(self, before: str, line: str, after: str) -> bool:
        """Whether ``line`` is a short fragment (a link's text) inside the sentence of
        ``before``, which ``after`` goes on with (``STRONG`` evidence)."""
        words = before.split()
        if not words or not line or self.ends_sentence(before) or BULLET.match(line):
            return False
        if len(line.split()) > INLINE_WORDS or line[0].isdigit():
            return False
        lead = len(words) >= INLINE_LEAD_WORDS or words[-1].lower() in self.function_words
        return lead and self.rule(line, after) in STRONG


def _starts_lower(text: str) -> bool:
    first = text[:1]
    return first.isalpha() and first.islower()


@dataclass(frozen=True)
class JoinLines:
    """Step ``join_lines``: join a line onto the line before it where a sentence goes on.

    See the module docstring for the rules; each joined line is recorded with its rule.
    """

    seams: Seams = field(default_factory=Seams.default)
    name = "join_lines"

    @property
    def config(self) -> dict[str, Any]:
        """The tables' digest and the thresholds of the ``block`` rule."""
        block = {"style": BLOCK_STYLE, "lines": BLOCK_LINES, "short_words": SHORT_WORDS}
        return {"seams": self.seams.digest, "block": block}

    def __call__(self, doc: Document) -> Document:
        if has_run(doc, self.name):
            return doc
        lines, plan = self.rules(doc)
        return join_lines(doc, self.name, plan, lines=lines, glue=self.seams.glue)

    def rules(self, doc: Document) -> tuple[list[str], list[str | None]]:
        """``doc``'s lines and, for each, the rule joining it onto the line before: the
        seam rules (``plan``), then, on a page read as text, ``block`` (``block_seams``:
        its evidence is a text dump's blank lines; an HTML page's text, with or without
        its layout, sets blocks apart by the markup's rules instead). Once
        ``collapse_blank_lines`` has changed a page, its blank lines are no longer the
        dump's (a run of them is one, standing for another line of the page as read), so
        ``block`` leaves it alone: cleaning a cleaned page joins nothing new."""
        lines = page_lines(doc.text)
        blocks = _block_lines(doc)
        plan = self.plan(lines, blocks)
        dump = doc.layout is None and doc.source.parser is None  # a text dump, not markup
        if dump and not has_run(doc, "collapse_blank_lines"):
            for index in self.block_seams(lines, _origins(doc, lines), plan):
                plan[index] = "block"
        return lines, plan

    def plan(self, lines: Sequence[str], blocks: Sequence[bool] | None = None) -> list[str | None]:
        """For each line, the rule that joins it onto the line before, or None.

        Each seam is judged on the two lines as the page has them (a rule that weighs
        the whole line before, such as ``midsentence``, would see a list of titles
        joined so far as prose). ``blocks`` marks lines that are never joined (headings,
        list items and table cells by their markup).

        >>> JoinLines().plan(["I loved soup ever since", "La Brea Bakery", "shoot, I did."])
        [None, 'inline', 'lowercase']
        """
        rules: list[str | None] = [None] * len(lines)
        stripped = list(map(str.strip, lines))
        for index in _seams_between_text(stripped):
            if blocks and (blocks[index] or blocks[index - 1]):
                continue
            before, line = stripped[index - 1], stripped[index]
            rules[index] = self.seams.rule(before, line) or self._inline(lines, index, before)
        return rules

    def block_seams(
        self,
        lines: Sequence[str],
        origins: Sequence[tuple[int, ...]] | None,
        plan: Sequence[str | None],
    ) -> list[int]:
        """The lines that the ``block`` rule joins onto the line before (see the module
        docstring): none unless the page sets its blocks apart with blank lines.
        ``origins`` maps each line to the lines of the page as read (None: unknown).

        >>> prose = "A sentence of prose that is long enough to count here."
        >>> lines = [prose, "", prose, "", prose, "", prose, "", prose, "", "Heading",
        ...          prose, "", "Unemployment rose to a new high, said", "Eurostat", ""]
        >>> JoinLines().block_seams(lines, [(n,) for n in range(1, 17)], [None] * 16)
        [14]
        """
        if origins is None or not self.blank_separated(lines, origins):
            return []
        stripped = list(map(str.strip, lines))
        blank = _blank_origins(stripped, origins)
        joined = [bool(rule) for rule in plan[1:]] + [False]  # onto each line, the next
        short = [
            0 < len(line.split()) <= SHORT_WORDS and not (rule or after)
            for line, rule, after in zip(lines, plan, joined, strict=True)
        ]
        found = []
        for index in _seams_between_text(stripped):
            before, line = stripped[index - 1], stripped[index]
            start, end = origins[index - 1][0], origins[index - 1][-1]
            if plan[index] or origins[index][0] != end + 1:
                continue
            if line.startswith(("...", "…")):  # an ellipsis: the line before's or a prompt
                continue
            if BULLET.match(line) or _heading(before, start == 1 or start - 1 in blank):
                continue
            if not _in_list(short, index):
                found.append(index)
        return found

    def blank_separated(self, lines: Sequence[str], origins: Sequence[tuple[int, ...]]) -> bool:
        """Whether at least ``BLOCK_STYLE`` of the kept lines of prose (and at least
        ``BLOCK_LINES``) are followed by a blank line in the page as read."""
        if len(origins) != len(lines):
            raise ValueError(f"{len(origins)} origins for {len(lines)} lines")
        stripped = list(map(str.strip, lines))
        blank = _blank_origins(stripped, origins)
        ends = list(map(itemgetter(-1), origins))
        last = max(ends, default=0)
        # a line of prose: ``PROSE_WORDS`` words at least (counted in C, a line's words
        # are its stripped line's) and the end of a sentence (asked of those lines only)
        wordy = map(PROSE_WORDS.__le__, map(len, map(str.split, lines)))
        ends_sentence = self.seams.ends_sentence
        followed = [
            ends[index] + 1 in blank
            for index in compress(range(len(lines)), wordy)
            if ends[index] < last and ends_sentence(stripped[index])
        ]
        return len(followed) >= BLOCK_LINES and sum(followed) >= BLOCK_STYLE * len(followed)

    def _inline(self, lines: Sequence[str], index: int, current: str) -> str | None:
        after = lines[index + 1].strip() if index + 1 < len(lines) else ""
        return "inline" if self.seams.inline(current, lines[index].strip(), after) else None


def _seams_between_text(stripped: Sequence[str]) -> compress[int]:
    """The indices of the lines that, like the line before them, are not blank
    (``stripped``: the page's lines stripped): the only seams a rule can join. Found in
    C, as a dump's lines are mostly separated by blank lines.

    >>> list(_seams_between_text(["A", "b", "", "C", "d", "e"]))
    [1, 4, 5]
    """
    text = list(map(bool, stripped))
    return compress(range(1, len(stripped)), map(and_, text, text[1:]))


def _blank_origins(stripped: Sequence[str], origins: Sequence[tuple[int, ...]]) -> set[int]:
    """The lines of the page as read (``origins``' numbers) that are blank lines now
    (``stripped``: the page's lines stripped)."""
    return {origins[index][0] for index in compress(range(len(stripped)), map(not_, stripped))}


def _heading(line: str, starts_block: bool) -> bool:
    """Whether ``line`` (stripped), starting a block, is a short heading: few words,
    ending in a letter, a digit, "?" or "!" (a run-in label "Update:" goes on).

    >>> _heading("Peaks and valleys", True), _heading("Adblue in den Tank?", True)
    (True, True)
    >>> _heading("Update:", True), _heading("Peaks and valleys", False)
    (False, False)
    """
    end = line[-1:]
    return starts_block and len(line.split()) <= SHORT_WORDS and (end.isalnum() or end in "?!")


def _in_list(short: Sequence[bool], index: int) -> bool:
    """Whether the lines ``index - 1`` and ``index`` are in a run of three or more short
    lines that no other rule joins: a list, a menu, a poem's lines, not a sentence split
    at a link.

    >>> _in_list([True, True, True], 1), _in_list([False, True, True, False], 2)
    (True, False)
    """
    if not (short[index - 1] and short[index]):
        return False
    return (index >= 2 and short[index - 2]) or (index + 1 < len(short) and short[index + 1])


def _origins(doc: Document, lines: Sequence[str]) -> list[tuple[int, ...]] | None:
    """For each line of ``doc``, the lines of the page as read it comes from (None
    when the edits do not account for every line)."""
    groups = line_origins(doc.edits, lines_read(doc))
    return groups if len(groups) == len(lines) else None


def _block_lines(doc: Document) -> list[bool] | None:
    """Which lines the markup says are headings, list items or table cells (HTML)."""
    layout = current_layout(doc)
    if layout is None:
        return None
    return [any(row[k] >= BLOCK_SHARE for k in _BLOCK_FEATURES) for row in layout]
