"""What the markup says about each line of a page's text: the HTML line features.

A text dump loses the structure around its lines; an HTML page still has it. While
``text.body_text`` walks the tree, a ``LayoutRecorder`` follows it: every element opened
pushes a context (the bits of what surrounds the text: inside a link, a heading, a list
item, a table cell, a paragraph, italics, a figure, kept furniture, the main container,
an element whose ``class``/``id`` holds a junk or a content word, such an element with a
junk word inside the main container, an element hidden from screen readers
(``aria-hidden``), a reader comment thread) and every piece of
text is counted against the context it sits in. When a line ends it gets
``LAYOUT_NAMES``: for each bit, the share of the line's characters under it, the link
density of the block around the line, the share of the page inside the main
container (how much that container can be trusted), whether a heading, a list item
or a junk word's element sits inside the main container, and how much of a content
container the block's parent is (``content.Measure.container_score``: readability's
candidate score, as a share of the main container's).

Blank lines get zeros. The features go to ``Document.layout`` and from there to the HTML
line model of ``classify_lines`` (``data/html_line_model.toml``); text input has none.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from corpuskit.html.candidates import named_container, readability_article
from corpuskit.html.content import BLOCK_TAGS, COMMENT, CONTENT, HIDDEN, JUNK, Measure
from corpuskit.lexicon.layout import LAYOUT_NAMES

#: Context bits, in the order of the first ``LAYOUT_NAMES``; the vocabulary bits are
#: ``content.JUNK``, ``content.CONTENT`` and ``content.HIDDEN``, the element marks kept
#: as they are (``_MARKS``); ``THREAD``: inside a reader comment thread
#: (``Measure.comment_section``).
LINK, HEADING, ITEM, CELL, PARAGRAPH, FURNITURE, MAIN = 32, 64, 128, 256, 512, 1024, 2048
EMPHASIS, FIGURE, JUNK_IN_MAIN, THREAD = 4096, 8192, 16384, 32768
#: Inside readability's article, inside trafilatura's named container
#: (``html/candidates.py``): counted apart, their shares come last in ``LAYOUT_NAMES``.
READABLE, NAMED = 65536, 131072
_MARKS = JUNK | CONTENT | HIDDEN
_BITS = (
    LINK, JUNK, CONTENT, HIDDEN, HEADING, ITEM, CELL, PARAGRAPH, FURNITURE, MAIN, EMPHASIS,
    FIGURE, JUNK_IN_MAIN, THREAD,
)  # fmt: skip
_MAIN, _HEADING, _ITEM, _JUNK = (_BITS.index(bit) for bit in (MAIN, HEADING, ITEM, JUNK))

_NAME_BITS = {"a": LINK, "li": ITEM, "dt": ITEM, "dd": ITEM, "td": CELL, "th": CELL}
_NAME_BITS.update({f"h{level}": HEADING for level in range(1, 7)})
_NAME_BITS.update({"p": PARAGRAPH, "blockquote": PARAGRAPH, "pre": PARAGRAPH})
# Italics set notes, disclaimers and calls to action apart; figures hold captions and
# credits. Bold is left out: it marks run-in subheadings as often as notices.
_NAME_BITS.update({"em": EMPHASIS, "i": EMPHASIS, "figure": FIGURE, "figcaption": FIGURE})

#: The features of a blank line.
BLANK = (0.0,) * len(LAYOUT_NAMES)


@cache
def _indices(bits: int) -> tuple[int, ...]:
    """The positions in ``_BITS`` of the bits set in ``bits``: asked for every piece of
    text in a context, answered once per context (a page has a few dozen; there are at
    most 2 ** 18).

    >>> _indices(LINK | HEADING | READABLE) == (_BITS.index(LINK), _BITS.index(HEADING))
    True
    """
    return tuple(index for index, bit in enumerate(_BITS) if bits & bit)


class LayoutRecorder:
    """Follows a walk over a measured page and gives each line its ``LAYOUT_NAMES``."""

    def __init__(self, measure: Measure) -> None:
        self.measure = measure
        main = measure.main
        self._main_id = id(main) if main is not None else None
        self._main_share = 0.0
        self._readable = readability_article(measure)
        named = named_container(measure)
        self._named_id = id(named) if named is not None else None
        self._anchors = [0, 0]  # characters under READABLE, under NAMED
        # (bits, link density and container score of the block's parent)
        self._stack: list[tuple[int, float, float]] = [(0, 0.0, 0.0)]
        self._parents: dict[int, tuple[float, float]] = {}  # by id(): see ``_around``
        self._chars = 0
        self._by_bit = [0] * len(_BITS)
        self._density = 0.0
        self._container = 0.0

    def set_page_chars(self, page_chars: int) -> None:
        """Tell the recorder the page's size, for ``html_main_share``."""
        main = self.measure.main
        if main is not None and page_chars:
            self._main_share = self.measure.of(main) / page_chars

    def push(self, tag: Any, name: str, furniture: bool) -> None:
        """Enter ``tag`` named ``name`` (``furniture``: a furniture landmark kept by the
        share guard)."""
        bits, density, container = self._stack[-1]
        measure, key = self.measure, id(tag)
        marks = measure.marks.get(key, 0)
        if marks & JUNK and bits & MAIN:  # a box of junk inside the article, not around it
            bits |= JUNK_IN_MAIN
        bits |= (marks & _MARKS) | _NAME_BITS.get(name, 0)
        if furniture:
            bits |= FURNITURE
        if marks & COMMENT and not bits & THREAD and measure.comment_section(tag):
            bits |= THREAD
        if key == self._main_id:
            bits |= MAIN
        if key in self._readable:
            bits |= READABLE
        if key == self._named_id:
            bits |= NAMED
        if name in BLOCK_TAGS:
            density, container = self._around(measure.tree.parent(tag))
        self._stack.append((bits, density, container))

    def _around(self, parent: Any) -> tuple[float, float]:
        """The link density and container score of ``parent``, worked out once for all
        of its block children (a list's items, a table's rows)."""
        known = self._parents.get(id(parent))
        if known is None:
            measure = self.measure
            known = self._parents[id(parent)] = (
                measure.link_density(parent),
                measure.container_score(parent),
            )
        return known

    def pop(self) -> None:
        """Leave the element entered last."""
        self._stack.pop()

    def add(self, chars: int) -> None:
        """Count ``chars`` visible characters of text in the current context."""
        bits, density, container = self._stack[-1]
        self._chars += chars
        self._density += chars * density
        self._container += chars * container
        if bits:
            by_bit = self._by_bit
            for index in _indices(bits):
                by_bit[index] += chars
            if bits & READABLE:
                self._anchors[0] += chars
            if bits & NAMED:
                self._anchors[1] += chars

    def line(self) -> tuple[float, ...]:
        """The features of the line that just ended, and start counting the next one."""
        chars = self._chars or 1
        shares = [count / chars for count in self._by_bit]
        main = shares[_MAIN]
        features = (
            *shares,
            self._density / chars,
            self._main_share,
            # A linear model cannot see that a heading or a list inside the article is
            # not one in a side bar: these products say it.
            main * shares[_HEADING],
            main * shares[_ITEM],
            main * shares[_JUNK],
            self._container / chars,
            self._anchors[0] / chars,
            self._anchors[1] / chars,
        )
        self.reset()
        return features

    def reset(self) -> None:
        """Forget the text counted since the last line (it made no line).

        With no character counted every count is zero already (``add`` counts at least
        one): nothing to forget, and most resets (at a block's edge with only
        whitespace since the last line) make no new lists.
        """
        if not self._chars:
            return
        self._chars = 0
        self._by_bit = [0] * len(_BITS)
        self._density = 0.0
        self._container = 0.0
        self._anchors = [0, 0]
