"""Paragraph layout: runs of blank lines become one paragraph break."""

from __future__ import annotations

from collections import Counter

from corpuskit.document import Document
from corpuskit.pipeline import drop_if, page_lines, remove_lines


def collapse_blank_lines(doc: Document) -> Document:
    """Step ``collapse_blank_lines``: keep one blank line between paragraphs, none at the ends.

    Removed blank lines are recorded with the rule ``blank_lines`` like any other line,
    so line numbers in audits keep pointing at the right lines.

    >>> from corpuskit.document import make_document, Source
    >>> collapse_blank_lines(make_document("\\nUno.\\n\\n\\n\\nDos.\\n\\n", Source("-"))).text
    'Uno.\\n\\nDos.'
    """
    if not doc.text:
        return doc
    lines = page_lines(doc.text)
    blank = [not line.strip() for line in lines]
    first = blank.index(False) if False in blank else len(lines)
    last = len(lines) - blank[::-1].index(False) if False in blank else 0
    rules: list[str | None] = [
        "blank_lines" if is_blank and (i < first or i >= last or blank[i - 1]) else None
        for i, is_blank in enumerate(blank)
    ]
    return remove_lines(doc, "collapse_blank_lines", rules, lines=lines)


def _empty(doc: Document) -> tuple[str, str] | None:
    """Reject a page whose text is empty or only whitespace, with the reason ``empty`` and
    a detail that tells a page that had no text from one the steps emptied (and which).

    >>> from corpuskit.document import make_document, Source
    >>> from corpuskit.pipeline import drop_lines_if
    >>> _empty(make_document(" ", Source("-")))
    ('empty', 'the page has no text')
    >>> menu = drop_lines_if(lambda line: line == "Menu", name="menu")
    >>> _empty(menu(make_document("Menu\\nMenu", Source("-"))))
    ('empty', 'no text left: lines removed by menu 2')
    """
    if doc.text.strip():
        return None
    removed: Counter[str] = Counter()
    for edit in doc.edits:
        if edit.removed and edit.step != "collapse_blank_lines":
            removed[edit.step] += sum(edit.removed.values())
    if not removed:
        return "empty", "the page has no text"
    steps = ", ".join(f"{step} {count}" for step, count in removed.items())
    return "empty", f"no text left: lines removed by {steps}"


#: Step ``drop_empty``: a page with no text left is rejected with the reason ``empty``.
drop_empty = drop_if(_empty, name="drop_empty")
