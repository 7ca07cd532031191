"""Explain a cleaning: each input line, kept or removed, and by which step and rule.

Every step that removes lines records them (``Edit.lines``) with their number in that
step's input, and no normalizer adds or removes a line, so the removals can be traced
back to the lines of the page as it was read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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
    features: Mapping[str, float] = field(default_factory=dict)

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
    >>> from corpuskit.steps.junk import JunkLines
    >>> exp = explain(make_document("Logo\\nTexte.", Source("-")), Pipeline([JunkLines()]))
    >>> [(v.text, v.rule) for v in exp.lines]
    [('Logo', 'site_chrome'), ('Texte.', None)]
    """
    result = pipeline(doc)
    final = result if isinstance(result, Document) else result.document
    original = doc.text.split("\n")
    new_edits = (final.edits if final is not None else ())[len(doc.edits) :]
    verdicts = {
        line.number: (edit.step, line.rule, line.features)
        for edit in traced(new_edits, len(original))
        for line in edit.lines
    }
    return Explanation(
        tuple(
            LineVerdict(number, line, *verdicts.get(number, (None, None, {})))
            for number, line in enumerate(original, 1)
        ),
        result,
    )


def traced(edits: tuple[Edit, ...], lines: int) -> tuple[Edit, ...]:
    """``edits`` with each removed line numbered as in the page before the first edit.

    Steps number removed lines in their own input; this follows the removals through
    the edits. ``lines`` is the page's line count before the first edit (no step adds
    lines, so it is the count after the edits plus the lines they removed).
    """
    alive = list(range(1, lines + 1))
    out = []
    for edit in edits:
        if not edit.lines:
            out.append(edit)
            continue
        gone = {line.number - 1 for line in edit.lines}
        renumbered = tuple(
            replace(line, number=alive[line.number - 1]) if line.number <= len(alive) else line
            for line in edit.lines
        )
        out.append(replace(edit, lines=renumbered))
        alive = [number for position, number in enumerate(alive) if position not in gone]
    return tuple(out)
