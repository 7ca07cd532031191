"""Explain a cleaning: each input line, kept or removed, and by which step and rule.

Every step that removes lines records them (``Edit.lines``) with their number in that
step's input, every step that joins lines records them too (``Edit.joins``: a line
joined onto the one before it), and no normalizer adds or removes a line, so removals
and joins can be traced back to the lines of the page as it was read
(``document.origins``). A line made of several joined lines stands for all of them: if
a later step removes it, each of them is reported removed.

A step that replaces spans inside lines (``redact_pii``) records where and of which
kind (``Edit.replacements``, never the text it replaced), and each is shown on the
line it was found in.

A step that scores lines says how it judged each one, kept lines too, through a
``judged(doc)`` method (``classify_lines``: the score, and the features that pulled it
down); the pipeline runs step by step so each such step is asked about the page as it
reached it, and a kept line shows why it was kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from corpuskit.document import (
    Document,
    Drop,
    Edit,
    JoinedLine,
    RemovedLine,
    Replacement,
    line_origins,
    origins,
)
from corpuskit.pipeline import Pipeline

_Numbered = TypeVar("_Numbered", RemovedLine, JoinedLine, Replacement)


@dataclass(frozen=True, slots=True)
class LineVerdict:
    """One line of the page as read: its text, and the step and rule that removed it.

    ``joined`` is the rule by which a step joined this line onto the line before it
    (``join_lines``: a sentence the page had split), ``joined_by`` that step.
    ``judgment`` is what a step that scores lines found for a line it kept
    (``classify_lines``: ``{"score": 1.5, ...}``); None when no such step saw it.
    ``replaced`` names the spans a step replaced in the line (``redact_pii``), as
    ``(step, kind, column)``, the column in the line as that step had it.
    """

    number: int
    text: str
    step: str | None = None
    rule: str | None = None
    features: Mapping[str, float] = field(default_factory=dict)
    joined: str | None = None
    joined_by: str | None = None
    judgment: Mapping[str, float] | None = None
    replaced: tuple[tuple[str, str, int], ...] = ()

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
    result, judged = _run(doc, pipeline)
    final = result if isinstance(result, Document) else result.document
    original = doc.text.split("\n")
    new_edits = (final.edits if final is not None else ())[len(doc.edits) :]
    removed: dict[int, tuple[str, str, Mapping[str, float]]] = {}
    joined: dict[int, tuple[str, str]] = {}
    replaced: dict[int, list[tuple[str, str, int]]] = {}
    for edit, numbers in origins(new_edits, len(original)):
        for span in edit.replacements:
            where = replaced.setdefault(numbers[span.number - 1][0], [])
            where.append((edit.step, span.kind, span.column))
        for line in edit.lines:
            for number in numbers[line.number - 1]:
                removed[number] = (edit.step, line.rule, line.features)
        for join in edit.joins:
            joined[numbers[join.number - 1][0]] = (join.rule, edit.step)
    verdicts = (
        _verdict(number, line, removed.get(number), joined.get(number), replaced.get(number))
        for number, line in enumerate(original, 1)
    )
    return Explanation(
        tuple(
            verdict if not verdict.kept else replace(verdict, judgment=judged.get(verdict.number))
            for verdict in verdicts
        ),
        result,
    )


def _verdict(
    number: int,
    line: str,
    removed: tuple[str, str, Mapping[str, float]] | None,
    joined: tuple[str, str] | None,
    replaced: list[tuple[str, str, int]] | None,
) -> LineVerdict:
    """The verdict on line ``number``: what removed it, joined it, replaced in it."""
    step, rule, features = removed or (None, None, {})
    joined_rule, joined_by = joined or (None, None)
    return LineVerdict(
        number, line, step, rule, features, joined_rule, joined_by, replaced=tuple(replaced or ())
    )


def _run(
    doc: Document, pipeline: Pipeline
) -> tuple[Document | Drop, dict[int, Mapping[str, float]]]:
    """``pipeline(doc)``, run one step at a time (each as a pipeline of its own, so with
    the same error policy), and the judgments of the steps that score lines, by the
    number of the line of ``doc`` they were made on (the first, for joined lines)."""
    judged: dict[int, Mapping[str, float]] = {}
    current: Document | Drop = doc
    lines = len(doc.text.split("\n"))
    for step in pipeline.steps:
        if not isinstance(current, Document):
            break
        judge = getattr(step, "judged", None)
        if callable(judge):
            numbers = line_origins(current.edits[len(doc.edits) :], lines)
            for index, judgment in judge(current).items():
                if index < len(numbers):  # an earlier step's judgment wins a clash
                    number = numbers[index][0]
                    judged[number] = {**judgment, **judged.get(number, {})}
        current = Pipeline([step])(current)
    return current, judged


def traced(edits: tuple[Edit, ...], lines: int) -> tuple[Edit, ...]:
    """``edits`` with each removed or joined line, and each replacement's line, numbered
    as in the page before the first edit (a line made of joined lines by the first of
    them; a replacement's column stays the one in the line as its step had it).

    Steps number lines in their own input; this follows the removals and joins through
    the edits (``document.origins``). ``lines`` is the page's line count before the
    first edit (``document.lines_read``).
    """
    out = []
    for edit, numbers in origins(edits, lines):
        if not edit.lines and not edit.joins and not edit.replacements:
            out.append(edit)
            continue
        out.append(
            replace(
                edit,
                lines=tuple(_renumbered(line, numbers) for line in edit.lines),
                joins=tuple(_renumbered(line, numbers) for line in edit.joins),
                replacements=tuple(_renumbered(span, numbers) for span in edit.replacements),
            )
        )
    return tuple(out)


def _renumbered(line: _Numbered, numbers: list[tuple[int, ...]]) -> _Numbered:
    if line.number > len(numbers):
        return line
    return replace(line, number=numbers[line.number - 1][0])
