"""The data that flows through corpuskit: Document, Source, Edit, RemovedLine, Drop, and the
markers InputEnd and Skipped, and the Position a reading resumes from.

Everything here is frozen data. A step never mutates a document; it returns a new one
with ``dataclasses.replace`` (or the helpers below), so a document seen earlier in a
pipeline stays exactly what it was. The record form (``to_record`` / ``from_record``) is
the JSONL corpus line; reading a corpus line back gives the same Document, edits included.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import compress
from operator import not_
from typing import Any, TypeVar, overload

#: Metadata fields a Document carries as attributes (and a corpus record at top level).
FIELDS: tuple[str, ...] = ("title", "author", "published", "url", "lang", "lang_score")

#: ``Source`` fields that a record holds only when they are set.
OPTIONAL_SOURCE_FIELDS: tuple[str, ...] = (
    "encoding_from",
    "warc_record_id",
    "warc_target_uri",
    "warc_date",
    "parser",
    "extractor",
    "row_group",
)


def _reduce_fields(self: Any) -> tuple[type, tuple[Any, ...]]:
    """Pickle a slotted dataclass as its class and its fields, in constructor order.

    A frozen, slotted dataclass otherwise pickles through a ``__getstate__`` and
    ``__setstate__`` that set field after field in Python: the corpus passes spool every
    document, and worker processes exchange them, so that cost counts. Measured on the
    696 traf-dev pages as ``exact_duplicates`` spools them (their edits and removed lines
    included): 3.2 s to pickle and load them all before, 1.0 s with this.
    """
    return type(self), tuple(getattr(self, name) for name in self.__slots__)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a document's raw bytes came from.

    ``path`` is the input as the user gave it (``-`` for stdin), ``line`` the 1-based line
    of a JSONL input, ``offset`` the byte offset of the record in the (decompressed)
    stream, ``sha256`` the hash of the document's raw bytes, ``format`` the reader that
    read it and ``encoding`` the codec its bytes were decoded with; ``encoding_from`` says
    how that codec was chosen (``readers.decode.ENCODING_FROM``: ``bom``, ``http``,
    ``declared``, ``utf-8``, ``fallback``); ``parser`` is the HTML parser that built the
    page's tree (``html`` only: ``bs4`` or ``lxml``) and ``extractor`` what made its text,
    set only when it is not corpuskit's own (``html`` only: ``trafilatura``).

    A record of a WARC file also has its ``WARC-Record-ID``, ``WARC-Target-URI`` and
    ``WARC-Date`` headers; ``offset`` is then where the record starts. A row of a
    Parquet file has its number in the file as ``line`` (1-based) and its
    ``row_group``, and no ``offset``. The optional fields are written only when set.
    """

    __reduce__ = _reduce_fields

    path: str
    format: str = "text"
    encoding: str = "utf-8"
    sha256: str = ""
    line: int | None = None
    offset: int | None = None
    encoding_from: str | None = None
    warc_record_id: str | None = None
    warc_target_uri: str | None = None
    warc_date: str | None = None
    parser: str | None = None
    extractor: str | None = None
    row_group: int | None = None

    def location(self) -> str:
        """``path`` or ``path:line``, for messages."""
        return self.path if self.line is None else f"{self.path}:{self.line}"

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "path": self.path,
            "format": self.format,
            "encoding": self.encoding,
            "sha256": self.sha256,
        }
        if self.line is not None:
            record["line"] = self.line
        if self.offset is not None:
            record["offset"] = self.offset
        for name in OPTIONAL_SOURCE_FIELDS:
            if getattr(self, name) is not None:
                record[name] = getattr(self, name)
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Source:
        return cls(
            path=str(record["path"]),
            format=str(record.get("format", "text")),
            encoding=str(record.get("encoding", "utf-8")),
            sha256=str(record.get("sha256", "")),
            line=record.get("line"),
            offset=record.get("offset"),
            **{name: record[name] for name in OPTIONAL_SOURCE_FIELDS if name in record},
        )


@dataclass(frozen=True, slots=True)
class RemovedLine:
    """One line a step removed: its 1-based number in the step's input, text and rule.

    ``features`` holds what decided a classifier's removal (its score and the features
    that weighed most against the line); rule-based removals leave it empty.
    """

    number: int
    text: str
    rule: str
    features: Mapping[str, float] = field(default_factory=dict)

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        # the most numerous object a spool holds: spelled out, not _reduce_fields' loop
        return RemovedLine, (self.number, self.text, self.rule, self.features)

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"line": self.number, "text": self.text, "rule": self.rule}
        if self.features:
            record["features"] = dict(self.features)
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> RemovedLine:
        features = dict(record.get("features", {}))
        return cls(int(record["line"]), str(record["text"]), str(record["rule"]), features)


class RemovedLines(Sequence[RemovedLine]):
    """The lines one step removed, as a sequence of ``RemovedLine``, made when first read.

    A page loses hundreds of lines across the steps, and a plain run never looks at
    them (only ``--audit``, ``explain`` and the HTML layout do): keeping the numbers,
    texts and rules in three lists costs a tenth of building the objects (measured on
    the 1,698 dev pages: building them was 11% of text mode's time). It equals, and
    pickles as, the tuple it stands for; a loaded one is lazy again.

    >>> lines = RemovedLines([2], ["Menu"], ["chrome"], {})
    >>> len(lines), lines[0], lines == (RemovedLine(3, "Menu", "chrome"),)
    (1, RemovedLine(number=3, text='Menu', rule='chrome', features={}), True)
    """

    __slots__ = ("_indices", "_made", "_rules", "_texts", "_why")

    def __init__(
        self,
        indices: list[int],
        texts: list[str],
        rules: list[str],
        why: Mapping[int, Mapping[str, float]],
    ) -> None:
        self._indices, self._texts, self._rules, self._why = indices, texts, rules, why
        self._made: tuple[RemovedLine, ...] | None = None

    @property
    def indices(self) -> list[int]:
        """The 0-based indices of the removed lines in the step's input, in order."""
        return self._indices

    def _lines(self) -> tuple[RemovedLine, ...]:
        if self._made is None:
            why = self._why
            self._made = tuple(
                RemovedLine(index + 1, text, rule, why.get(index, {}))
                for index, text, rule in zip(self._indices, self._texts, self._rules, strict=True)
            )
        return self._made

    def __len__(self) -> int:
        return len(self._indices)

    @overload
    def __getitem__(self, index: int) -> RemovedLine: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[RemovedLine, ...]: ...

    def __getitem__(self, index: int | slice) -> RemovedLine | tuple[RemovedLine, ...]:
        return self._lines()[index]

    def __iter__(self) -> Iterator[RemovedLine]:
        return iter(self._lines())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RemovedLines | tuple):
            return self._lines() == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to a tuple, but mutable inside

    def __repr__(self) -> str:
        return repr(self._lines())

    def __reduce__(self) -> tuple[type[RemovedLines], tuple[Any, ...]]:
        # explanations are resolved into plain dicts here, as RemovedLine pickles them
        why = {index: dict(self._why[index]) for index in self._indices if index in self._why}
        return RemovedLines, (self._indices, self._texts, self._rules, why)


@dataclass(frozen=True, slots=True)
class JoinedLine:
    """One line a step joined to the line before it: its 1-based number in the step's
    input, its text and the rule that decided (``steps/paragraphs.py``)."""

    number: int
    text: str
    rule: str

    def to_record(self) -> dict[str, Any]:
        return {"line": self.number, "text": self.text, "rule": self.rule}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> JoinedLine:
        return cls(int(record["line"]), str(record["text"]), str(record["rule"]))


@dataclass(frozen=True, slots=True)
class Replacement:
    """One span a step replaced inside a line (``redact_pii``): the line's 1-based number
    in the step's input, the 1-based column where the span started, and its kind.

    The replaced text itself is never kept: an edit is written to the corpus (with
    ``--audit``), and the corpus must not carry what was redacted.
    """

    number: int
    column: int
    kind: str

    def to_record(self) -> dict[str, Any]:
        return {"line": self.number, "column": self.column, "kind": self.kind}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Replacement:
        return cls(int(record["line"]), int(record["column"]), str(record["kind"]))


@dataclass(frozen=True, slots=True)
class Edit:
    """What one step did to a document.

    ``removed`` counts removed lines by the rule that removed them; ``lines`` keeps the
    lines themselves (written to the corpus only with ``--audit``); ``fields`` names the
    metadata fields the step set. A step that joins lines (``join_lines``) counts them
    by rule in ``joined`` and keeps them in ``joins`` (with ``--audit``): each joined
    line went onto the end of the line before it. An edit removes lines or joins them,
    never both, so that its line numbers all refer to the step's input. A step that
    replaces spans inside lines (``redact_pii``: no line added or removed) counts them by
    kind in ``replaced`` and keeps where each was in ``replacements`` (with ``--audit``).
    """

    __reduce__ = _reduce_fields

    step: str
    chars_before: int
    chars_after: int
    removed: Mapping[str, int] = field(default_factory=dict)
    lines: Sequence[RemovedLine] = ()
    fields: tuple[str, ...] = ()
    joined: Mapping[str, int] = field(default_factory=dict)
    joins: tuple[JoinedLine, ...] = ()
    replaced: Mapping[str, int] = field(default_factory=dict)
    replacements: tuple[Replacement, ...] = ()

    def to_record(self, audit: bool = False) -> dict[str, Any]:
        record: dict[str, Any] = {
            "step": self.step,
            "chars_before": self.chars_before,
            "chars_after": self.chars_after,
        }
        if self.removed:
            record["removed"] = dict(self.removed)
        if self.fields:
            record["fields"] = list(self.fields)
        if self.joined:
            record["joined"] = dict(self.joined)
        if self.replaced:
            record["replaced"] = dict(self.replaced)
        if audit and self.lines:
            record["lines"] = [line.to_record() for line in self.lines]
        if audit and self.joins:
            record["joins"] = [line.to_record() for line in self.joins]
        if audit and self.replacements:
            record["replacements"] = [span.to_record() for span in self.replacements]
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Edit:
        return cls(
            step=str(record["step"]),
            chars_before=int(record["chars_before"]),
            chars_after=int(record["chars_after"]),
            removed=dict(record.get("removed", {})),
            lines=tuple(RemovedLine.from_record(r) for r in record.get("lines", ())),
            fields=tuple(record.get("fields", ())),
            joined=dict(record.get("joined", {})),
            joins=tuple(JoinedLine.from_record(r) for r in record.get("joins", ())),
            replaced=dict(record.get("replaced", {})),
            replacements=tuple(Replacement.from_record(r) for r in record.get("replacements", ())),
        )


def origins(edits: Iterable[Edit], lines: int) -> Iterator[tuple[Edit, list[tuple[int, ...]]]]:
    """Each edit with, for each line of the text it was made on, the 1-based numbers of
    the lines of the page before the first edit that line comes from.

    ``lines`` is the page's line count before the first edit. A line stands for one line
    of the page, or for several once a step has joined them; a removed line leaves the
    numbering. So explanations and audits can name every line as the page was read.

    >>> removal = Edit("a", 0, 0, lines=(RemovedLine(1, "Menu", "chrome"),))
    >>> join = Edit("b", 0, 0, joins=(JoinedLine(2, "shoot, I said.", "lowercase"),))
    >>> [(edit.step, numbers) for edit, numbers in origins([removal, join, removal], 3)]
    [('a', [(1,), (2,), (3,)]), ('b', [(2,), (3,)]), ('a', [(2, 3)])]
    """
    numbers: list[tuple[int, ...]] = list(zip(range(1, lines + 1)))  # [(1,), (2,), ...]
    for edit in edits:
        yield edit, numbers
        numbers = _after(edit, numbers)


def line_origins(edits: Iterable[Edit], lines: int) -> list[tuple[int, ...]]:
    """For each line after ``edits``, the lines before them it comes from (``origins``).

    >>> line_origins([Edit("b", 0, 0, joins=(JoinedLine(2, "etc.", "lowercase"),))], 3)
    [(1, 2), (3,)]
    """
    numbers: list[tuple[int, ...]] = list(zip(range(1, lines + 1)))  # [(1,), (2,), ...]
    for edit in edits:
        numbers = _after(edit, numbers)
    return numbers


def _after(edit: Edit, numbers: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """The origins of the lines ``edit`` leaves, from those of the lines it was made on."""
    if edit.lines:
        numbers = _kept(numbers, edit.lines)
    if edit.joins:
        numbers = _joined(numbers, {line.number - 1 for line in edit.joins})
    return numbers


def _joined(numbers: list[tuple[int, ...]], joined: set[int]) -> list[tuple[int, ...]]:
    """``numbers`` with each group at a position in ``joined`` added to the one before."""
    merged: list[tuple[int, ...]] = []
    for index, group in enumerate(numbers):
        if index in joined and merged:
            merged[-1] += group
        else:
            merged.append(group)
    return merged


def lines_read(doc: Document) -> int:
    """How many lines ``doc``'s text had before its edits (in memory, where the edits
    keep their lines: every line is still there, kept, removed or joined)."""
    return doc.text.count("\n") + 1 + sum(len(edit.lines) + len(edit.joins) for edit in doc.edits)


def current_layout(doc: Document) -> list[tuple[float, ...]] | None:
    """``doc.layout`` for the lines of ``doc.text`` as it is now, or None without one.

    The layout was read with the page; steps since then removed lines and joined lines
    (each recorded in its edit, numbered in that step's input), so following the edits
    (``origins``) finds which lines of the page as read each line now is. A line made
    of joined lines gets the mean of their rows: the share of its characters in links,
    headings... as if each part were as long as the others (the parts' lengths are not
    kept; joins are rare in HTML, whose walk keeps sentences whole already).
    """
    if doc.layout is None:
        return None
    if any(edit.joins for edit in doc.edits):
        groups = line_origins(doc.edits, len(doc.layout))
        if len(groups) != doc.text.count("\n") + 1:
            return None  # not the page the layout was read with
        return [_mean_row([doc.layout[n - 1] for n in group]) for group in groups]
    rows = _kept_rows(doc.layout, doc.edits)
    return rows if len(rows) == doc.text.count("\n") + 1 else None


def _kept_rows(
    layout: Sequence[tuple[float, ...]], edits: Iterable[Edit]
) -> list[tuple[float, ...]]:
    """The rows of ``layout`` whose lines ``edits``, which only remove lines, left.

    ``current_layout``'s answer without a join, the rows themselves (what ``_mean_row``
    returns for a line of one origin) without a tuple of origins made per line: HTML
    mode asks it in three steps of every page (``comment_lines``, ``classify_lines``,
    ``join_lines``), and the tuples were most of its cost.

    >>> edit = Edit("a", 0, 0, lines=(RemovedLine(2, "Menu", "chrome"),))
    >>> _kept_rows([(1.0,), (2.0,), (3.0,)], [edit, edit])
    [(1.0,)]
    """
    rows = list(layout)
    for edit in edits:
        if edit.lines:
            rows = _kept(rows, edit.lines)
    return rows


_Item = TypeVar("_Item")


def _kept(items: list[_Item], removed: Sequence[RemovedLine]) -> list[_Item]:
    """``items`` (one per line of a step's input) without those of the lines the step
    ``removed``: in C (a set's ``__contains__`` and ``compress`` over the indices), no
    Python per line; a page's hundreds of lines pass several edits.

    >>> _kept(["a", "b", "c", "d"], (RemovedLine(2, "b", "x"), RemovedLine(4, "d", "x")))
    ['a', 'c']
    """
    gone = _gone(removed)
    return list(compress(items, map(not_, map(gone.__contains__, range(len(items))))))


def _gone(lines: Sequence[RemovedLine]) -> set[int]:
    """The 0-based indices, in its step's input, of the lines an edit removed."""
    if isinstance(lines, RemovedLines):
        return set(lines.indices)
    return {line.number - 1 for line in lines}


def _mean_row(rows: list[tuple[float, ...]]) -> tuple[float, ...]:
    if len(rows) == 1:
        return rows[0]
    return tuple(sum(values) / len(rows) for values in zip(*rows, strict=True))


@dataclass(frozen=True, slots=True)
class Document:
    """One page: its text, metadata fields, where it came from and what was done to it.

    ``meta`` holds everything else: fields carried unchanged from an input record (so
    nothing the user had is lost) and fields set by annotating steps.
    """

    __reduce__ = _reduce_fields

    id: str
    text: str
    source: Source
    title: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    lang: str | None = None
    lang_score: float | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    edits: tuple[Edit, ...] = ()
    #: What the markup said about each line of the text as read (HTML input only; see
    #: ``corpuskit.html.layout``): a reading aid for ``classify_lines``, not content, so
    #: it is neither compared nor written to the corpus.
    layout: tuple[tuple[float, ...], ...] | None = field(default=None, compare=False, repr=False)

    def with_text(self, text: str, edit: Edit) -> Document:
        """A copy with new text and ``edit`` appended to the history."""
        return replace(self, text=text, edits=(*self.edits, edit))

    def drop(self, reason: str, detail: str = "") -> Drop:
        """A ``Drop`` of this document: what a step returns to reject it.

        ``reason`` is short and stable (it is counted); ``detail`` says, for this page,
        what made it fail. The drop's ``step`` is left empty: the ``Pipeline`` that runs
        the step fills in the step's name (``pipeline.step_name``), so a step never
        spells its own name twice.

        >>> from corpuskit.pipeline import Pipeline
        >>> def too_long(doc: Document) -> Document | Drop:
        ...     words = len(doc.text.split())
        ...     return doc.drop("too_long", f"{words} words > 3") if words > 3 else doc
        >>> drop = Pipeline([too_long])(make_document("one two three four", Source("-")))
        >>> drop.step, drop.reason, drop.detail
        ('too_long', 'too_long', '4 words > 3')
        """
        return Drop("", reason, self.source, detail, self)

    def fields(self) -> dict[str, Any]:
        """The metadata attributes (``FIELDS``) that are set."""
        values = {name: getattr(self, name) for name in FIELDS}
        return {name: value for name, value in values.items() if value is not None}

    def to_record(self, audit: bool = False) -> dict[str, Any]:
        """The corpus line for this document; writers add run-level provenance.

        Removed lines themselves are kept only with ``audit``; their counts always are.
        """
        return {
            "id": self.id,
            "text": self.text,
            **self.fields(),
            "meta": dict(self.meta),
            "source": self.source.to_record(),
            "provenance": {"edits": [edit.to_record(audit) for edit in self.edits]},
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Document:
        """Inverse of ``to_record``; reads a corpus line back."""
        edits = record.get("provenance", {}).get("edits", ())
        return cls(
            id=str(record["id"]),
            text=str(record["text"]),
            source=Source.from_record(record["source"]),
            meta=dict(record.get("meta", {})),
            edits=tuple(Edit.from_record(e) for e in edits),
            **{name: record[name] for name in FIELDS if record.get(name) is not None},
        )


@dataclass(frozen=True, slots=True)
class Drop:
    """A document a step or reader rejected, with the step's name and a reason.

    ``document`` is the rejected document when there was one; a reader that could not
    produce a document leaves it ``None`` and fills ``source`` with the raw location,
    and ``input_id`` with the input record's own id when it could read that much (a
    JSONL record whose text field is missing), so the reject still names the record.
    A step rejects with ``doc.drop(reason, detail)``, whose ``step`` is empty until the
    pipeline running the step names it.
    """

    __reduce__ = _reduce_fields

    step: str
    reason: str
    source: Source
    detail: str = ""
    document: Document | None = None
    input_id: str | None = None

    @property
    def id(self) -> str | None:
        """The rejected document's id, else the input record's own id, else None."""
        return self.input_id if self.document is None else self.document.id

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": self.id,
            "step": self.step,
            "reason": self.reason,
            "detail": self.detail,
            "source": self.source.to_record(),
        }
        if self.document is not None:
            record["text"] = self.document.text
            record.update(self.document.fields())
            record["edits"] = [edit.to_record() for edit in self.document.edits]
        return record


@dataclass(frozen=True, slots=True)
class InputEnd:
    """Marks the end of one input in a stream of documents (``readers.read_marked``).

    Everything read from the input numbered ``index`` (0-based, in reading order), at
    ``path``, came before it. Executors use it to checkpoint a run input by input; steps
    never see it (the corpus passes hand it on untouched, as they do drops).
    """

    index: int
    path: str


@dataclass(frozen=True, slots=True)
class Position:
    """Where reading resumes inside one input: at the record that starts ``offset`` bytes
    into the input's decompressed content, on its line number ``line`` (1-based; JSONL
    counts lines, a WARC file does not and leaves it 0). In a Parquet file, which is
    read by row groups rather than bytes, ``line`` is the row's number and ``offset``
    its row group.

    A run's journal records the position of the next record to write
    (``run/checkpoint.py``), so that a resumed run reads a big JSONL, WARC or Parquet
    input from there instead of from its start. ``Position.of`` gives it for a record a reader made,
    None for one that cannot be resumed from (a whole file, a drop without a place).

    >>> Position.of(Source("a.jsonl", "jsonl", line=3, offset=120))
    Position(line=3, offset=120)
    >>> Position.of(Source("a.txt")) is None
    True
    >>> Position.of(Source("a.parquet", "parquet", line=9, row_group=1))
    Position(line=9, offset=1)
    """

    line: int
    offset: int

    @classmethod
    def of(cls, source: Source) -> Position | None:
        if source.format == "parquet" and source.line is not None:
            return cls(source.line, source.row_group or 0)
        if source.offset is None:
            return None
        if source.format == "jsonl" and source.line is not None:
            return cls(source.line, source.offset)
        if source.format == "warc":
            return cls(0, source.offset)
        return None


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input record that holds no page by design, so neither a document nor a drop.

    A WARC file's ``request``, ``metadata``, ``warcinfo`` and ``revisit`` records are
    such records: ``reason`` names the kind (the record type). Readers yield them only to
    ``read_marked``, so that a run can count them (``RunReport.skipped_by``) and every
    record of an input is accounted for; steps never see them (the corpus passes hand
    them on untouched, as they do drops).
    """

    source: Source
    reason: str


def sha256_hex(raw: bytes) -> str:
    """Hex SHA-256 of raw bytes, as recorded in ``Source.sha256``."""
    return hashlib.sha256(raw).hexdigest()


def stable_id(source: Source) -> str:
    """An id that is the same on every run for the same input.

    Built from the path as given, the line and the hash of the raw bytes, so two copies
    of a page in different files get different ids while a re-run reproduces them. A
    WARC file holds many records, and the same page may be fetched twice: the record's
    offset and id are part of its key.

    >>> stable_id(Source("a.txt", sha256="00"))
    '4f41eabefa633d2e'
    >>> stable_id(Source("a.warc", "warc", sha256="00", offset=0)) != stable_id(
    ...     Source("a.warc", "warc", sha256="00", offset=900))
    True
    """
    key = f"{source.path}\0{source.line or 0}\0{source.sha256}"
    if source.format == "warc":
        key += f"\0{source.offset}\0{source.warc_record_id}"
    return hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()


def make_document(
    text: str, source: Source, *, doc_id: str | None = None, **fields: Any
) -> Document:
    """A new Document for ``text`` read from ``source``; the id defaults to ``stable_id``."""
    return Document(id=doc_id or stable_id(source), text=text, source=source, **fields)
