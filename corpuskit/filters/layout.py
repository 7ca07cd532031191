"""Paragraph layout: runs of blank lines become one paragraph break."""

from __future__ import annotations

from corpuskit.document import Document
from corpuskit.pipeline import drop_if, remove_lines


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
    lines = doc.text.split("\n")
    blank = [not line.strip() for line in lines]
    first = blank.index(False) if False in blank else len(lines)
    last = len(lines) - blank[::-1].index(False) if False in blank else 0
    rules: list[str | None] = [
        "blank_lines" if is_blank and (i < first or i >= last or blank[i - 1]) else None
        for i, is_blank in enumerate(blank)
    ]
    return remove_lines(doc, "collapse_blank_lines", rules, lines=lines)


def _empty(doc: Document) -> str | None:
    """Reject a page whose text is empty or only whitespace, with the reason ``empty``."""
    return None if doc.text.strip() else "empty"


#: Step ``drop_empty``: a page with no text left is rejected with the reason ``empty``.
drop_empty = drop_if(_empty, name="drop_empty")
