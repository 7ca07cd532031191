"""HTML pieces of the report: escaped cells and tables, and paths that break at their
separators. Every cell is escaped unless it is ``Markup`` (HTML made here)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape


class Markup(str):
    """HTML made here, put in a table cell as it is (every other cell is escaped)."""

    __slots__ = ()


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    classes: str = "",
    widths: Sequence[int] = (),
) -> str:
    """A table of escaped cells (``Markup`` cells as they are); numbers are right-aligned.
    ``classes`` gives each column a class by letter: ``n`` number, ``l`` a line of page
    text, ``-`` none. ``widths`` (percentages) fix the columns' widths, for tables whose
    cells hold long lines or URLs: the browser then never widens a column to fit one.

    >>> print(table(["line", "pages"], [("<b>Menu</b>", 1200)], "ln"))
    <table><tr><th>line</th><th class="n">pages</th></tr>
    <tr><td class="line">&lt;b&gt;Menu&lt;/b&gt;</td><td class="n">1,200</td></tr></table>
    """
    names = {"n": ' class="n"', "l": ' class="line"'}
    kinds = [names.get(c, "") for c in classes.ljust(len(headers), "-")]
    head = "".join(
        f"<th{kind if kind == names['n'] else ''}>{escape(h)}</th>"
        for h, kind in zip(headers, kinds, strict=True)
    )
    cells = (
        "".join(f"<td{kind}>{cell(v)}</td>" for v, kind in zip(row, kinds, strict=True))
        for row in rows
    )
    body = "\n".join(f"<tr>{row}</tr>" for row in cells)
    columns = "".join(f'<col style="width: {w}%">' for w in widths)
    opening = f'<table class="fixed"><colgroup>{columns}</colgroup>' if widths else "<table>"
    heading = f"<tr>{head}</tr>\n" if any(headers) else ""
    return f"{opening}{heading}{body}</table>"


def breakable(text: str) -> Markup:
    """``text`` escaped, with a line-break opportunity after each ``/ . - _ ? & =``, so
    that a URL or a path breaks between its parts before it breaks anywhere.

    >>> breakable("a.org/x?y=<z>")
    'a.<wbr>org/<wbr>x?<wbr>y=<wbr>&lt;z&gt;'
    """
    return Markup(_SEPARATOR.sub(r"\1<wbr>", escape(text)))


#: Where a URL or path may break: after a separator (not after the ``;`` of an entity).
_SEPARATOR = re.compile(r"([/.\-_?=]|&amp;)(?=.)")


def cell(value: object) -> str:
    """One cell's HTML: ``Markup`` as it is, a whole number with thousands separators,
    anything else escaped."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    return escape(str(value))


def empty(text: str) -> str:
    """A paragraph saying a section has nothing to show, or what it shows."""
    return f'<p class="empty">{escape(text)}</p>'


def estimate(n: int, error: int) -> str | int:
    """A count, marked ``≈`` when it is an upper bound (``TopCounter``'s error > 0)."""
    return f"≈ {n:,}" if error else n
