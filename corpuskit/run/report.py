"""RunReport: what a run read, wrote and rejected, and what each rule removed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from corpuskit.document import Document, Drop, Skipped


@dataclass
class RunReport:
    """Counts gathered while a run goes; merged across workers with ``merge``.

    ``lines_removed`` counts removed lines by rule, ``rejected_by`` rejected documents by
    ``"step: reason"``, ``changed_by_step`` the documents each step changed,
    ``skipped_by`` the input records that hold no page (``Skipped``) by kind.
    """

    read: int = 0
    written: int = 0
    rejected: int = 0
    chars_in: int = 0
    chars_out: int = 0
    lines_removed: Counter[str] = field(default_factory=Counter)
    rejected_by: Counter[str] = field(default_factory=Counter)
    changed_by_step: Counter[str] = field(default_factory=Counter)
    skipped_by: Counter[str] = field(default_factory=Counter)

    def skip(self, skipped: Skipped) -> None:
        """Count one input record that holds no page; it is not a page read."""
        self.skipped_by[skipped.reason] += 1

    def add(self, result: Document | Drop) -> None:
        """Count one pipeline result."""
        self.read += 1
        document = result if isinstance(result, Document) else result.document
        if isinstance(result, Drop):
            self.rejected += 1
            self.rejected_by[f"{result.step}: {result.reason}"] += 1
        if document is None:
            return
        self.chars_in += document.edits[0].chars_before if document.edits else len(document.text)
        for edit in document.edits:
            self.changed_by_step[edit.step] += 1
            self.lines_removed.update(edit.removed)
        if isinstance(result, Document):
            self.written += 1
            self.chars_out += len(result.text)

    def merge(self, other: RunReport) -> None:
        """Add another report's counts to this one."""
        for name in ("read", "written", "rejected", "chars_in", "chars_out"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.lines_removed.update(other.lines_removed)
        self.rejected_by.update(other.rejected_by)
        self.changed_by_step.update(other.changed_by_step)
        self.skipped_by.update(other.skipped_by)

    def to_record(self) -> dict[str, Any]:
        """The report as JSON data; counters most common first, ties by name, so a
        resumed run's report is the same bytes as an uninterrupted one's."""
        return {
            "read": self.read,
            "written": self.written,
            "rejected": self.rejected,
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "lines_removed": _ranked(self.lines_removed),
            "rejected_by": _ranked(self.rejected_by),
            "changed_by_step": _ranked(self.changed_by_step),
            "skipped_by": _ranked(self.skipped_by),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> RunReport:
        """Inverse of ``to_record`` (a resumed run starts from its checkpoint's report)."""
        return cls(
            read=int(record["read"]),
            written=int(record["written"]),
            rejected=int(record["rejected"]),
            chars_in=int(record["chars_in"]),
            chars_out=int(record["chars_out"]),
            lines_removed=Counter(record["lines_removed"]),
            rejected_by=Counter(record["rejected_by"]),
            changed_by_step=Counter(record["changed_by_step"]),
            skipped_by=Counter(record.get("skipped_by", {})),
        )

    def summary(self) -> str:
        """A few lines for people: pages read, written, rejected, lines removed per rule."""
        lines = [f"pages: {self.read} read, {self.written} written, {self.rejected} rejected"]
        if self.chars_in:
            kept = self.chars_out / self.chars_in
            lines.append(f"characters: {self.chars_in} in, {self.chars_out} out ({kept:.0%} kept)")
        if self.lines_removed:
            removed = ", ".join(f"{rule} {n}" for rule, n in self.lines_removed.most_common())
            lines.append(f"lines removed: {removed}")
        if self.rejected_by:
            rejected = ", ".join(f"{why} ({n})" for why, n in self.rejected_by.most_common())
            lines.append(f"rejected: {rejected}")
        if self.skipped_by:
            skipped = ", ".join(f"{kind} {n}" for kind, n in self.skipped_by.most_common())
            lines.append(f"skipped records (no page): {skipped}")
        return "\n".join(lines)


def _ranked(counts: Counter[str]) -> dict[str, int]:
    """``counts`` most common first, ties in name order (not in order of arrival).

    >>> _ranked(Counter({"b": 1, "c": 2, "a": 1}))
    {'c': 2, 'a': 1, 'b': 1}
    """
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
