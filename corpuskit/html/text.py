"""HTML to text: the page's readable text, line by line.

A first, simple extraction. It drops what is never page text (scripts, styles, the head)
and the landmarks of page furniture (``nav``, ``header``, ``footer``, ``aside``, forms and
their ARIA roles; an article's own header and footer are kept; unless broken markup put
most of the page inside one), then takes the
text the way a browser lays it out: block elements
start new lines, inline elements (links, emphasis, spans) stay inside their sentence,
unlike ``soup.get_text("\\n")`` which splits a sentence at every link. Paragraph-level
blocks are set apart by one blank line; table cells are joined with ``" | "``.

Whitespace inside a line is collapsed the way HTML renders it (ASCII spaces, tabs and
newlines; non-breaking spaces are kept for the normalizer to judge) and lines are
stripped. Text and stray metadata tags come from one walk over the parsed tree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from corpuskit.html.candidates import adopt_named_container
from corpuskit.html.content import INVISIBLE, Measure, Vocabulary
from corpuskit.html.layout import BLANK, LayoutRecorder
from corpuskit.html.metadata import METADATA_TAGS, attribute
from corpuskit.html.tree import Tree
from corpuskit.lexicon.layout import Layout

#: Elements dropped with everything inside them: never page text. A ``textarea`` holds
#: what a form sends (pre-filled replies, escaped markup), a MathML ``annotation`` the
#: formula's source again (TeX), for programs. A ruby annotation (``rt``: furigana,
#: pinyin) is the reading of the words it sits over, printed above them, and ``rp``
#: the brackets around it for browsers without ruby: laid out inline, the reading
#: splits the word it belongs to ("災害さいがいに"), so the text keeps the words alone.
SKIPPED_TAGS = frozenset(
    {"script", "style", "template", "svg", "iframe", "head", "textarea", "annotation",
     "annotation-xml", "rt", "rp"}
)  # fmt: skip

#: Page furniture: landmarks of navigation, banners, footers, side bars and forms, and
#: ``noscript`` (notices to turn JavaScript on, tracking pixels).
FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "noscript"})

#: ARIA roles of page furniture, dropped like the elements that carry them natively.
FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary"})

#: A ``header`` or ``footer`` inside one of these is the header or footer of that
#: section, not the page's banner or footer (HTML-AAM gives it no landmark role): an
#: article's header holds its title and lead. On traf-dev, dropping them lost 28 ``with``
#: passages (leads, standfirsts) that the model can judge once they are kept.
SECTIONING_TAGS = frozenset({"article", "aside", "main", "nav", "section"})
SCOPED_TAGS = frozenset({"header", "footer"})

#: Furniture, and an element that is not shown (``content.INVISIBLE``: hidden by its
#: ``style``, the ``hidden`` attribute or a hiding class), is dropped only while it
#: holds less than this share of the page's text and does not hold the main container
#: (``content.Measure``). Broken markup (an unclosed ``<header>`` or ``<noscript>``, an
#: ASP.NET ``<form>`` around the whole page) puts the article inside such an element;
#: a blog puts its post in an ``<aside class="blogPost">``; a page hides its body until
#: a script has run. On traf-dev, without the share guard 9 of 696 pages came out empty
#: and recall was 0.960; with it none is empty and recall is 0.978 (precision 0.631
#: either way). Shares from 0.3 to 0.7 score alike. Re-measure with
#: ``bench/quality.py --mode html`` on both dev sets after changing it.
FURNITURE_SHARE = 0.5

#: Elements that stand apart as paragraphs: a blank line before and after.
PARAGRAPH_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol",
        "dl", "figure", "hr", "article", "section", "main", "address", "details", "fieldset",
    }
)  # fmt: skip

#: Other block elements: they start and end a line.
LINE_TAGS = frozenset(
    {
        "div", "li", "tr", "dd", "dt", "br", "figcaption", "caption", "summary", "legend",
        "center", "body", "thead", "tbody", "tfoot", "option", "dialog", "menu", "hgroup",
    }
)  # fmt: skip

#: Table cells: joined on their row's line with ``CELL_SEPARATOR``.
CELL_TAGS = frozenset({"td", "th"})
CELL_SEPARATOR = " | "

_HTML_SPACE = re.compile(r"[ \t\n\r\f\v]+")


def collapse_spaces(text: str) -> str:
    """``text`` with each run of HTML's whitespace made one space, as a browser shows it.

    A printable string with no two spaces in a row holds no run but single spaces, so it
    is returned as it is: a quarter of a page's lines, and the ``sub`` that would copy
    them space by space is the costliest call of ending a line.

    >>> collapse_spaces("a \\t b\\nc"), collapse_spaces("a b\\xa0c")
    ('a b c', 'a b\\xa0c')
    """
    if "  " not in text and text.isprintable():  # tabs and line breaks are not printable
        return text
    return _HTML_SPACE.sub(" ", text)


def body_text(tree: Tree, metadata_tags: list[Any] | None = None) -> str:
    """The readable text of the page ``tree``: lines of inline text, blocks set apart.

    The ``METADATA_TAGS`` met on the way are appended to ``metadata_tags`` when given,
    so that stray metadata costs no second pass over the tree.

    >>> from corpuskit.html.tree import parse
    >>> body_text(parse("<table><tr><th>a<td>b</table>x<br>y"))
    'a | b\\n\\nx\\ny'
    """
    lines = _Lines()
    _walk(tree, lines, TextSizes(tree), len(tree.text(tree.root)), metadata_tags)
    return lines.text()


def laid_out_text(
    tree: Tree, vocabulary: Vocabulary, metadata_tags: list[Any] | None = None
) -> tuple[str, Layout]:
    """``body_text`` and, for each of its lines, its ``layout.LAYOUT_NAMES`` features.

    The page is measured first (``content.Measure``: sizes, links, the main container,
    which yields to the named one when it holds too little of the page:
    ``candidates.adopt_named_container``), which also serves the furniture guard, so the
    page costs two passes, as before.

    >>> from corpuskit.html.tree import parse
    >>> text, layout = laid_out_text(
    ...     parse("<p>Hi <a>you</a></p><ul><li><a>Home</a></ul>"), Vocabulary.default()
    ... )
    >>> text, [round(row[0], 2) for row in layout]
    ('Hi you\\n\\nHome', [0.6, 0.0, 1.0])
    """
    measure = Measure(tree, vocabulary)
    page_chars = measure.of(tree.root)
    adopt_named_container(measure)
    recorder = LayoutRecorder(measure)
    recorder.set_page_chars(page_chars)
    lines = _Lines(recorder)
    _walk(tree, lines, measure, page_chars, metadata_tags)
    return lines.text(), tuple(lines.layout)


def stray_metadata_tags(tree: Tree) -> list[Any]:
    """The ``METADATA_TAGS`` the text walk meets, in its order (the text is dropped).

    For an extractor other than ours (``extractors``): the walk goes where ``_walk``
    goes (past ``SKIPPED_TAGS`` and small furniture) and collects what it would, so the
    page's fields come out the same whichever extractor made the text.

    >>> from corpuskit.html.tree import parse
    >>> tree = parse('<nav>a</nav><p>Some text</p><meta name="author" content="A">')
    >>> [tree.attrs(tag)["name"] for tag in stray_metadata_tags(tree)]
    ['author']
    """
    met: list[Any] = []
    body_text(tree, met)
    return met


def _walk(
    tree: Tree,
    lines: _Lines,
    sizes: Sizes,
    page_chars: int,
    metadata_tags: list[Any] | None,
) -> None:
    """Walk ``tree`` once, laying its text out into ``lines``.

    Everything called per node is bound to a local, and the calls that would do
    nothing are not made: ``is_furniture`` only for an element with a ``role`` or a
    scoped name, ``_dropped`` only for furniture or an invisible element,
    ``_Lines.open``/``close`` only for the elements that break lines (``_EDGES``).
    """
    met = [] if metadata_tags is None else metadata_tags
    recorder = lines.recorder
    name_of, attrs_of, children, text_types = tree.name, tree.attrs, tree.children, tree.text_types
    add, open_, close, invisible = lines.add, lines.open, lines.close, sizes.invisible
    add_part = lines.parts.append  # the list is cleared, never replaced
    # Nodes to enter, and ``(name,)`` where an element of that name entered is left:
    # the children go on as they are, no pair made for each, and the name is not asked
    # again (lxml makes a new string for each ask).
    stack: list[Any] = [tree.root]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        node = pop()
        if isinstance(node, str):
            if type(node) not in text_types:  # joined with plain strings: no ``str()`` copy
                continue
            if lines.pre and "\n" in node:  # line breaks inside ``pre``
                add(node)
            else:  # ``_Lines.add`` of a string without a break, inlined: ~800 a page
                add_part(node)
                if node and not node.isspace():
                    lines.filled = True
                    if recorder is not None:
                        recorder.add(len(node.strip()))
            continue
        if type(node) is tuple:
            name = node[0]
            if name in _EDGES:
                close(name)
            if recorder is not None:
                recorder.pop()
            continue
        name = name_of(node)
        if name in _METADATA:
            met.append(node)
        elif name not in SKIPPED_TAGS:
            attrs = attrs_of(node)
            if "role" in attrs or name in SCOPED_TAGS:
                furniture = is_furniture(tree, node, name, attrs)
            else:
                furniture = name in FURNITURE_TAGS
            if (furniture or invisible(node)) and _dropped(node, furniture, page_chars, sizes):
                continue
            if recorder is not None:
                recorder.push(node, name, furniture)
            if name in _EDGES:
                open_(name)
            push((name,))
            extend(reversed(children(node)))


def skipped(tree: Tree, tag: Any, page_chars: int, sizes: Sizes | None = None) -> bool:
    """Whether ``tag`` is dropped with its content.

    It is when it never holds text (``SKIPPED_TAGS``), or when it is furniture or not
    shown, unless it holds the main container or ``FURNITURE_SHARE`` of the
    ``page_chars`` characters of the page (measured by ``sizes``, which a walk over one
    page shares between calls).
    """
    name = tree.name(tag)
    if name in SKIPPED_TAGS:
        return True
    furniture = is_furniture(tree, tag, name, tree.attrs(tag))
    return _dropped(tag, furniture, page_chars, sizes or TextSizes(tree))


def _dropped(tag: Any, furniture: bool, page_chars: int, sizes: Sizes) -> bool:
    """Whether ``tag``, not a ``SKIPPED_TAGS`` element, is dropped: furniture (as
    ``is_furniture`` found) or not shown, and neither holding the main container nor
    ``FURNITURE_SHARE`` of the page's characters."""
    if not (furniture or sizes.invisible(tag)):
        return False
    return not sizes.holds_main(tag) and sizes.of(tag) < FURNITURE_SHARE * page_chars


def is_furniture(tree: Tree, tag: Any, name: str, attrs: Mapping[str, Any]) -> bool:
    """Whether the element ``tag`` (``name``, ``attrs``) is a landmark of page furniture,
    by its name or its ARIA role (a ``header`` or ``footer`` only at the page's level,
    outside ``SECTIONING_TAGS``). For an element with no ``role`` and a name outside
    ``SCOPED_TAGS`` it is ``name in FURNITURE_TAGS``: ``_walk`` asks that itself rather
    than call this for every element, so a new rule here must be asked there too."""
    if "role" in attrs and not FURNITURE_ROLES.isdisjoint(attribute(attrs, "role").lower().split()):
        return True
    if name in SCOPED_TAGS:
        parent = tree.parent(tag)
        while parent is not None and parent is not tree.root:
            if tree.name(parent) in SECTIONING_TAGS:
                return False
            parent = tree.parent(parent)
        return True
    return name in FURNITURE_TAGS


class TextSizes:
    """``len(tree.text(tag))`` of tags, each element's text counted once per page.

    For the tags that count page text (all but ``script``, ``style`` and ``template``,
    whose ``get_text`` counts their own kind of string; furniture never is one of them).

    Furniture nested in furniture (a page of 100,000 nested ``<nav>``) would otherwise be
    measured again at every level: 10,000 levels took 6 s, and time grew with the
    square of the depth. Counting a subtree records the size of every tag in it, from
    its children's, so measuring any tag inside costs nothing more.

    The strings counted are the tree's ``counted_types``: page text, not comments,
    scripts or styles (both parsers give those their own string types).

    >>> from corpuskit.html.tree import parse
    >>> tree = parse("<nav>ab<nav>cd<!-- no --><script>no</script></nav></nav>")
    >>> sizes = TextSizes(tree)
    >>> [sizes.of(nav) for nav in tree.find_all(tree.root, ["nav"])]
    [4, 2]
    """

    def __init__(self, tree: Tree) -> None:
        self._tree = tree
        self._sizes: dict[int, int] = {}  # by id(): the tree outlives this object

    def of(self, tag: Any) -> int:
        """The number of characters of text inside ``tag``."""
        if id(tag) not in self._sizes:
            self._count(tag)
        return self._sizes[id(tag)]

    def invisible(self, tag: Any) -> bool:
        """Whether ``tag`` is not shown (``content.INVISIBLE``, by its attributes)."""
        return bool(Vocabulary.default().marks(self._tree.attrs(tag)) & INVISIBLE)

    def holds_main(self, tag: Any) -> bool:
        """False: without a ``Measure`` no element is known to hold the main container."""
        return False

    def _count(self, top: Any) -> None:
        """Record the size of ``top`` and of every tag inside it, children first."""
        children = self._tree.children
        pending: list[tuple[Any, bool]] = [(top, False)]
        while pending:
            tag, leaving = pending.pop()
            if leaving:
                self._sizes[id(tag)] = sum(self._size(child) for child in children(tag))
            elif id(tag) not in self._sizes:
                pending.append((tag, True))
                pending.extend((c, False) for c in children(tag) if not isinstance(c, str))

    def _size(self, node: Any) -> int:
        if not isinstance(node, str):
            return self._sizes[id(node)]
        return len(node) if type(node) in self._tree.counted_types else 0


#: What measures the furniture guard: ``TextSizes`` alone, or the whole ``Measure``.
Sizes = TextSizes | Measure


class _Lines:
    """Text gathered line by line as a tree walk opens and closes elements.

    Inline text accumulates into the current line; a block boundary ends the line, and
    a paragraph boundary also asks for one blank line before the next non-empty line.
    Empty lines are never emitted, so runs of blank lines cannot occur.
    """

    def __init__(self, recorder: LayoutRecorder | None = None) -> None:
        self.recorder = recorder
        self.layout: list[tuple[float, ...]] = []  # one row per line, with a recorder
        self.lines: list[str] = []
        self.parts: list[str] = []
        self.filled = False  # the current line has visible text
        self.gap = 0  # 0: none, 1: new line, 2: blank line, before the next line
        self.pre = 0  # depth inside <pre>, where newlines are line breaks

    def add(self, text: str) -> None:
        if not (self.pre and "\n" in text):  # a line break only inside ``pre``
            self.parts.append(text)  # ``_append``, inlined: once per string of the page
            if text and not text.isspace():
                self.filled = True
                if self.recorder is not None:
                    self.recorder.add(len(text.strip()))
            return
        first, *more = text.split("\n")
        self._append(first)
        for part in more:
            self.end_line(1)
            self._append(part)

    def open(self, name: str) -> None:
        if name in CELL_TAGS and self.filled:
            self.parts.append(CELL_SEPARATOR)
        gap = _GAPS.get(name)
        if gap:
            self.end_line(gap)
        self.pre += name == "pre"

    def close(self, name: str) -> None:
        gap = _GAPS.get(name)
        if gap:
            self.end_line(gap)
        self.pre -= name == "pre"

    def end_line(self, gap: int) -> None:
        """End the current line if ``gap`` asks for a break; keep the widest gap asked."""
        if not gap:
            return
        if not self.parts:  # after a block's edge, often: no text since the last line,
            self.filled = False  # so none counted by the recorder either (no reset)
            self.gap = max(self.gap, gap)
            return
        line = collapse_spaces("".join(self.parts)).strip()
        self.parts.clear()
        self.filled = False
        if line:
            if self.gap > 1 and self.lines:
                self.lines.append("")
                self.layout.append(BLANK)
            self.lines.append(line)
            if self.recorder is not None:
                self.layout.append(self.recorder.line())
            self.gap = 0
        elif self.recorder is not None:
            self.recorder.reset()
        self.gap = max(self.gap, gap)

    def text(self) -> str:
        self.end_line(1)
        return "\n".join(self.lines)

    def _append(self, text: str) -> None:
        self.parts.append(text)
        visible = text != "" and not text.isspace()
        self.filled = self.filled or visible
        if visible and self.recorder is not None:
            self.recorder.add(len(text.strip()))


#: The break an element's edge makes: 2 for a paragraph, 1 for a block; inline
#: elements, absent, make none.
_GAPS: dict[str, int] = {**dict.fromkeys(LINE_TAGS, 1), **dict.fromkeys(PARAGRAPH_TAGS, 2)}

#: ``METADATA_TAGS`` as a set: the walk asks it of every element.
_METADATA = frozenset(METADATA_TAGS)

#: The elements whose edges ``_Lines.open`` and ``close`` act on: the others (inline
#: elements) change nothing there, so the walk does not call them.
_EDGES = frozenset({*_GAPS, *CELL_TAGS, "pre"})
