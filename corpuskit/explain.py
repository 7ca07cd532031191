"""Explain a cleaning: each input line, kept or removed, and by which step and rule.

Every step that removes lines records them (``Edit.lines``) with their number in that
step's input, and no normalizer adds or removes a line, so the removals can be traced
back to the lines of the page as it was read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corpuskit.document import Document, Drop, Edit
from corpuskit.pipeline import Pipeline


@dataclass(frozen=True, slots=True)
class LineVerdict:
    """One line of the page as read: its text, and the step and rule that removed it."""

    number: int
    text: str
    step: str | None = None
    rule: str | None = None

    @property
    def kept(self) -> bool:
        return self.rule is None


@dataclass(frozen=True, slots=True)
class Explanation:
    """What the pipeline did to one page: line verdicts, fields, and the final result."""

    lines: tuple[LineVerdict, ...]
    result: Document | Drop

    @property
    def fields(self) -> dict[str, Any]:
        """Metadata fields of the result (of the rejected document for a Drop)."""
        doc = self.result if isinstance(self.result, Document) else self.result.document
        return {} if doc is None else doc.fields()


def explain(doc: Document, pipeline: Pipeline) -> Explanation:
    """Run ``pipeline`` on ``doc`` and trace every removed line back to ``doc``'s lines.

    >>> from corpuskit.document import make_document, Source
    >>> from corpuskit.filters.junk import JunkLines
    >>> exp = explain(make_document("Logo\\nTexte.", Source("-")), Pipeline([JunkLines()]))
    >>> [(v.text, v.rule) for v in exp.lines]
    [('Logo', 'site_chrome'), ('Texte.', None)]
    """
    result = pipeline(doc)
    final = result if isinstance(result, Document) else result.document
    original = doc.text.split("\n")
    verdicts: dict[int, tuple[str, str]] = {}
    alive = list(range(len(original)))
    for edit in (final.edits if final is not None else ())[len(doc.edits) :]:
        alive = _apply(edit, alive, verdicts)
    return Explanation(
        tuple(
            LineVerdict(i + 1, line, *verdicts.get(i, (None, None)))
            for i, line in enumerate(original)
        ),
        result,
    )


def _apply(edit: Edit, alive: list[int], verdicts: dict[int, tuple[str, str]]) -> list[int]:
    """Mark the lines ``edit`` removed; return the original indices still alive."""
    if not edit.lines:
        return alive
    gone = {line.number - 1: line.rule for line in edit.lines}
    for position, rule in gone.items():
        if position < len(alive):
            verdicts[alive[position]] = (edit.step, rule)
    return [index for position, index in enumerate(alive) if position not in gone]
