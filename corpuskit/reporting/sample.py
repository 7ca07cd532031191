"""A sample of kept pages as they were read, their removed lines in place.

A corpus cleaned with ``--audit`` keeps, in each edit, the lines the step removed with
their number in the page as read (``run.local.Provenance`` numbers them so; see
``explain.traced``). The page as read is then the kept text with every removed line put
back at its number: that is what ``as_read`` rebuilds, so the report can show a page
with its furniture struck through, coloured by the rule that removed it. (Kept lines
are shown as they were written, after the normalizers; a removed line as its step saw
it. In HTML mode the page as read is the text the extractor made of the markup.)

Which pages: the ``size`` kept pages whose id hashes lowest (BLAKE2b): a uniform,
deterministic sample that does not depend on the order of the records, the number of
shards or the number of workers that wrote them, and that holds ``size`` pages at most
while the corpus streams past. Each page keeps at most ``MAX_ROWS`` rows of
``MAX_LINE_CHARS`` characters, so the sample's memory is bounded too.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby

from corpuskit.document import Document

#: Pages in the sample by default: enough to see several sites' furniture, few enough
#: to read through.
SAMPLE_PAGES = 8

#: Rows of a sampled page shown at most (the rest is counted, not kept): with long runs
#: shortened (``RUN_ROWS``), 200 rows show the whole shape of all but the longest pages.
MAX_ROWS = 200

#: A run of kept or of removed lines longer than ``RUN_ROWS`` rows is shown as its first
#: and last ``RUN_EDGE`` rows around one row that counts the rest (and names the rules
#: that removed them): a menu of 80 links or an article of 60 paragraphs then takes 13
#: rows, and a page's furniture, text and furniture again fit on one screen.
RUN_ROWS, RUN_EDGE = 16, 6

#: Characters of one line shown; the rest is cut, saying how much.
MAX_LINE_CHARS = 1_000


@dataclass(frozen=True, slots=True)
class ShownLine:
    """A row of a page as read: a line, with the step and rule that removed it (None for
    a kept line); a run of ``blanks`` removed blank lines; or, when ``skipped`` > 0, the
    lines of a long run left out (``text`` says what they were).
    """

    text: str
    step: str | None = None
    rule: str | None = None
    blanks: int = 0
    skipped: int = 0

    @property
    def kept(self) -> bool:
        return self.rule is None

    @property
    def lines(self) -> int:
        """The lines of the page this row stands for."""
        return self.skipped or self.blanks or 1


@dataclass(frozen=True, slots=True)
class SampledPage:
    """One page of the sample: where it is from, what it became, and its lines as read
    (``placed`` is False when the removed lines' numbers do not fit the page: they are
    then listed after the kept text). ``more`` counts the lines left out after
    ``MAX_ROWS`` rows."""

    id: str
    where: str
    title: str | None
    lang: str | None
    chars_in: int
    chars: int
    lines: tuple[ShownLine, ...]
    placed: bool = True
    more: int = 0


def rank(doc_id: str) -> int:
    """Where a page stands in the sampling order: a hash of its id.

    >>> rank("a") == rank("a") != rank("b")
    True
    """
    return int.from_bytes(hashlib.blake2b(doc_id.encode(), digest_size=8).digest(), "big")


def as_read(doc: Document) -> tuple[list[ShownLine], bool]:
    """The page as read: ``doc``'s kept lines, with each removed line at its number.

    Returns the lines and whether the removed lines could be placed; when their numbers
    are not those of one page (a corpus written without ``--audit``'s numbering, or
    edited since), the kept lines come first and the removed ones after them.

    >>> from corpuskit.document import Edit, RemovedLine, Source
    >>> logo = Edit("junk_lines", 11, 6, lines=(RemovedLine(1, "Logo", "site_chrome"),))
    >>> doc = Document("d", "Texte.", Source("-"), edits=(logo,))
    >>> [(line.text, line.rule) for line in as_read(doc)[0]]
    [('Logo', 'site_chrome'), ('Texte.', None)]
    """
    kept = doc.text.split("\n")
    removed = {
        line.number: ShownLine(line.text, edit.step, line.rule)
        for edit in doc.edits
        for line in edit.lines
    }
    total = len(kept) + len(removed)
    count = sum(len(edit.lines) for edit in doc.edits)
    if len(removed) != count or any(not 1 <= n <= total for n in removed):
        return [ShownLine(line) for line in kept] + list(_removed(doc)), False
    text = iter(kept)
    return [removed.get(n) or ShownLine(next(text)) for n in range(1, total + 1)], True


def _removed(doc: Document) -> list[ShownLine]:
    return [ShownLine(line.text, edit.step, line.rule) for edit in doc.edits for line in edit.lines]


def shown(lines: Sequence[ShownLine]) -> tuple[list[ShownLine], int]:
    """The rows that show ``lines``: runs of removed blank lines as one row, long runs
    shortened (``RUN_ROWS``), lines cut to ``MAX_LINE_CHARS``, at most ``MAX_ROWS`` rows;
    and how many lines of the page were left out after them.

    >>> blank = ShownLine("", "collapse_blank_lines", "blank_lines")
    >>> [(row.text, row.blanks) for row in shown([ShownLine(""), blank, blank])[0]]
    [('', 0), ('', 2)]
    >>> rows, more = shown([ShownLine(f"Link {n}", "junk_lines", "site_chrome") for n in range(40)])
    >>> len(rows), rows[6].text, rows[-1].text, more
    (13, '28 more removed lines: site_chrome 28', 'Link 39', 0)
    """
    rows: list[ShownLine] = []
    for _, run in groupby(_blank_runs(lines), key=lambda line: line.kept):
        rows.extend(_shortened(list(run)))
    more = sum(row.lines for row in rows[MAX_ROWS:])
    return [_cut(row) for row in rows[:MAX_ROWS]], more


def _blank_runs(lines: Iterable[ShownLine]) -> Iterator[ShownLine]:
    """``lines`` with each run of blank lines one rule removed as one row."""
    run: ShownLine | None = None
    for line in lines:
        if line.rule and not line.text.strip():
            if run is not None and run.rule == line.rule:
                run = ShownLine("", run.step, run.rule, run.blanks + 1)
                continue
            if run is not None:
                yield run
            run = ShownLine("", line.step, line.rule, 1)
            continue
        if run is not None:
            yield run
            run = None
        yield line
    if run is not None:
        yield run


def _shortened(run: list[ShownLine]) -> list[ShownLine]:
    """A run of kept (or of removed) rows, its middle counted in one row when long."""
    if len(run) <= RUN_ROWS:
        return run
    middle = run[RUN_EDGE:-RUN_EDGE]
    skipped = sum(row.lines for row in middle)
    if middle[0].kept:
        text = f"{skipped:,} more kept lines"
    else:
        rules: Counter[str] = Counter()
        for row in middle:
            rules[row.rule or ""] += row.lines
        text = f"{skipped:,} more removed lines: " + ", ".join(
            f"{rule} {n:,}" for rule, n in rules.most_common()
        )
    return [*run[:RUN_EDGE], ShownLine(text, skipped=skipped), *run[-RUN_EDGE:]]


def _cut(row: ShownLine) -> ShownLine:
    if len(row.text) <= MAX_LINE_CHARS or row.skipped:
        return row
    rest = len(row.text) - MAX_LINE_CHARS
    text = f"{row.text[:MAX_LINE_CHARS]} … ({rest:,} more characters)"
    return ShownLine(text, row.step, row.rule)


class Sampler:
    """Keeps the ``size`` kept pages of lowest ``rank`` while the corpus streams past."""

    def __init__(self, size: int = SAMPLE_PAGES) -> None:
        self.size = size
        self._heap: list[tuple[int, str, SampledPage]] = []  # (-rank, id, page): max on top
        self._ids: set[str] = set()

    def offer(self, doc: Document, chars_in: int) -> None:
        """Take ``doc`` into the sample if it ranks among the lowest ``size``."""
        if self.size <= 0:
            return
        key = (-rank(doc.id), doc.id)
        full = len(self._heap) >= self.size
        if doc.id in self._ids or (full and key <= self._heap[0][:2]):
            return  # a second record with the same id is not sampled twice
        item = (*key, sampled(doc, chars_in))
        self._ids.add(doc.id)
        if full:
            self._ids.discard(heapq.heapreplace(self._heap, item)[1])
        else:
            heapq.heappush(self._heap, item)

    def pages(self) -> list[SampledPage]:
        """The sample, in rank order (so in the same order for the same corpus)."""
        return [page for *_, page in sorted(self._heap, reverse=True)]


def sampled(doc: Document, chars_in: int) -> SampledPage:
    """The ``SampledPage`` of a kept page that entered ``chars_in`` characters long."""
    lines, placed = as_read(doc)
    kept, more = shown(lines)
    return SampledPage(
        doc.id,
        doc.url or doc.source.location(),
        doc.title,
        doc.lang,
        chars_in,
        len(doc.text),
        tuple(kept),
        placed,
        more,
    )
