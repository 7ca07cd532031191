"""CorpusStats: what a corpus and its rejects hold, counted in one streaming pass.

Every number in a corpus report comes from here. The corpus records are read back with
``Document.from_record`` (one parser of the record form for the whole project), the
rejects as their records, and each is counted into state whose size does not grow with
the corpus: counters keyed by step, rule, reason and language (closed vocabularies),
a ``Histogram`` of page lengths, ``TopCounter`` s for the removed lines (``removed``),
the sites (``sites``) and the duplicate clusters, and a sample of pages of fixed size
(``sample``). So a report of a corpus that does not fit in memory costs the same memory
as one of ten pages.

Characters are followed through the pipeline as the run counted them (``RunReport``):
a page enters with the characters its first edit started from; each edit removes
``chars_before - chars_after``, and a rejected page takes the characters it still had
with it at the step that rejected it. So the last stage of ``funnel()`` is exactly the
kept pages' characters, and the first is the run's ``chars_in``.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from corpuskit.document import Document, Edit
from corpuskit.errors import InputError
from corpuskit.reporting.bounded import Histogram, TopCounter
from corpuskit.reporting.records import Line, RunManifest, read_lines, read_manifest
from corpuskit.reporting.removed import RemovedLines
from corpuskit.reporting.sample import SAMPLE_PAGES, Sampler
from corpuskit.reporting.sites import Site, Sites

#: Distinct removed lines held at once. A line removed more often than the ``floor`` of
#: the counter is never lost (``TopCounter``), and the floor is at most the lines
#: counted over the capacity. The 696 traf-dev pages cleaned with ``--audit`` (as in
#: ``bench/README.md``) have 34,066 distinct removed lines as HTML and 71,866 as text
#: dumps (keyed as ``removed`` keys them): the counter stays exact on both. The 71,866
#: keys take 10.5 MB (tracemalloc), so a full counter some 15 MB; a key is at most
#: ``removed.LINE_CHARS`` characters. Re-measure both after changing it.
REMOVED_LINES_CAPACITY = 100_000

#: Duplicate clusters (kept pages) held at once, as ``REMOVED_LINES_CAPACITY``.
CLUSTERS_CAPACITY = 10_000

#: Paths of rejected copies kept per cluster, as examples.
SAMPLE_COPIES = 3

#: Malformed lines kept per file kind as examples (all of them are counted).
SAMPLE_PROBLEMS = 5

#: The step readers' drops name: it comes before every pipeline step.
READ_STEP = "read"

#: The drop reasons of the duplicate filters and how their detail names the kept page
#: (``steps/duplicates.py``, ``steps/near_duplicates.py``).
DUPLICATE_REASONS = ("duplicate", "near_duplicate")
_KEPT_PAGE = re.compile(r"duplicate of (\S+)(?: \(similarity ([0-9.]+)\))?")

#: The files a report reads, as named in its problems.
CORPUS, REJECTS = "corpus", "rejects"


@dataclass
class StepCounts:
    """What one step did over the corpus: pages it changed (an ``Edit``), characters its
    edits removed, pages it rejected and the characters they still had."""

    changed: int = 0
    chars_removed: int = 0
    dropped: int = 0
    chars_dropped: int = 0


@dataclass(frozen=True)
class Stage:
    """Pages and characters left after ``step`` (``"input"``: before any step)."""

    step: str
    pages: int
    chars: int
    counts: StepCounts


class StepOrder:
    """The steps in pipeline order, learnt from the sequences records show.

    A run's manifest gives the order outright. Without one, each record's edits (and a
    reject's step after them) are a sub-sequence of the pipeline: every pair of
    neighbours says which step comes first, and the order is the one those pairs make
    (a topological sort), steps they leave unordered taken as first seen. Memory is a
    set of pairs of step names, whatever the size of the corpus.

    >>> order = StepOrder()
    >>> order.see(["fix_encoding", "junk_lines", "collapse_blank_lines"])
    >>> order.see(["drop_empty"])
    >>> order.see(["junk_lines", "classify_lines", "collapse_blank_lines", "drop_empty"])
    >>> order.names()
    ['read', 'fix_encoding', 'junk_lines', 'classify_lines', 'collapse_blank_lines', 'drop_empty']
    """

    def __init__(self) -> None:
        self._rank: dict[str, int] = {READ_STEP: 0}
        self._after: dict[str, set[str]] = {}
        self._last: tuple[str, ...] = ()

    def see(self, sequence: Sequence[str]) -> None:
        """Merge one record's steps, in the order it met them."""
        sequence = tuple(sequence)
        if sequence == self._last:
            return
        self._last = sequence
        for name in sequence:
            self._rank.setdefault(name, len(self._rank))
        for first, then in itertools.pairwise(sequence):
            if first != then:
                self._after.setdefault(first, set()).add(then)

    def names(self) -> list[str]:
        """Every step seen, in pipeline order (``read`` first)."""
        waiting = dict.fromkeys(self._rank, 0)
        for followers in self._after.values():
            for name in followers:
                waiting[name] += 1
        ready = [(rank, name) for name, rank in self._rank.items() if not waiting[name]]
        heapq.heapify(ready)
        order: list[str] = []
        while ready:
            _, name = heapq.heappop(ready)
            order.append(name)
            for then in self._after.get(name, ()):
                waiting[then] -= 1
                if not waiting[then]:
                    heapq.heappush(ready, (self._rank[then], then))
        # steps in a cycle (files of runs whose pipelines disagree): as first seen
        return order + sorted(set(self._rank) - set(order), key=self._rank.__getitem__)


@dataclass
class Cluster:
    """Pages rejected as copies of one kept page: how many of each kind, some of their
    paths, the lowest estimated similarity of a near copy, and the kept page itself
    (its path or URL and title, once the corpus has been read)."""

    kept_id: str
    exact: int = 0
    near: int = 0
    copies: list[str] = field(default_factory=list)
    similarity: float | None = None
    kept: str | None = None
    title: str | None = None


@dataclass
class CorpusStats:
    """Counts over a corpus (kept pages) and its rejects; see the module docstring."""

    corpus: str
    rejects: str | None = None
    manifest: RunManifest | None = None
    words: int = 0
    chars_in: int = 0
    lengths: Histogram = field(default_factory=Histogram)
    languages: Counter[str] = field(default_factory=Counter)
    language_chars: Counter[str] = field(default_factory=Counter)
    steps: dict[str, StepCounts] = field(default_factory=dict)
    order: StepOrder = field(default_factory=StepOrder)
    lines_removed: Counter[str] = field(default_factory=Counter)
    removed_lines: RemovedLines = field(
        default_factory=lambda: RemovedLines(REMOVED_LINES_CAPACITY)
    )
    sites: Sites = field(default_factory=Sites)
    sample: Sampler = field(default_factory=Sampler)
    audited: bool = False
    drops: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    clusters: TopCounter[str] = field(default_factory=lambda: TopCounter(CLUSTERS_CAPACITY))
    cluster_details: dict[str, Cluster] = field(default_factory=dict)
    malformed: Counter[str] = field(default_factory=Counter)
    problems: list[tuple[str, Line]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.manifest is not None:
            self.order.see(self.manifest.steps)

    @property
    def pages(self) -> int:
        """Kept pages: every one's length is in ``lengths``."""
        return self.lengths.count

    @property
    def chars(self) -> int:
        """Characters of the kept pages."""
        return self.lengths.total

    @property
    def rejected(self) -> int:
        """Rejected pages: every one's reason is in ``drops``."""
        return self.drops.total()

    def add_line(self, line: Line, kind: str) -> None:
        """Count one line of the corpus (``CORPUS``) or of the rejects (``REJECTS``)."""
        if line.record is None:
            self._malformed(line, kind)
            return
        try:
            if kind == CORPUS:
                self.add_record(line.record)
            else:
                self.add_reject(line.record)
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            what = "a corpus record" if kind == CORPUS else "a reject"
            self._malformed(Line(line.path, line.number, None, f"not {what} ({error!r})"), kind)

    def _malformed(self, line: Line, kind: str) -> None:
        self.malformed[kind] += 1
        if self.malformed[kind] <= SAMPLE_PROBLEMS:
            self.problems.append((kind, line))

    def add_record(self, record: dict[str, Any]) -> None:
        """Count one corpus record (a kept page); raises on a record of the wrong shape."""
        doc = Document.from_record(record)
        size = len(doc.text)
        site = self.sites.site(doc.url, doc.source.path)
        site.pages += 1
        site.chars += size
        self._edits(doc.edits, size, site, kept=True)
        self.order.see([edit.step for edit in doc.edits])
        self.words += len(doc.text.split())
        self.lengths.add(size)
        self.languages[doc.lang or "none"] += 1
        self.language_chars[doc.lang or "none"] += size
        self.sample.offer(doc, doc.edits[0].chars_before if doc.edits else size)
        if doc.id in self.cluster_details:
            details = self.cluster_details[doc.id]
            details.kept, details.title = doc.url or doc.source.path, doc.title

    def add_reject(self, record: dict[str, Any]) -> None:
        """Count one rejects record; raises on a record of the wrong shape."""
        step, reason, text = record["step"], record["reason"], record.get("text")
        if not isinstance(step, str) or not isinstance(reason, str):
            raise TypeError("step and reason must be strings")
        edits = tuple(Edit.from_record(edit) for edit in record.get("edits", ()))
        self.order.see([*(edit.step for edit in edits), step])
        counts = self.steps.setdefault(step, StepCounts())
        counts.dropped += 1
        source, url = record.get("source", {}), record.get("url")
        path = source.get("path") if isinstance(source, dict) else None
        site = self.sites.site(url if isinstance(url, str) else None, str(path or "?"))
        site.rejected += 1
        if isinstance(text, str):
            self._edits(edits, len(text), site, kept=False)
            counts.chars_dropped += len(text)
        self.drops[f"{step}: {reason}"] += 1
        if reason in DUPLICATE_REASONS:
            self._duplicate(reason, str(record.get("detail", "")), record.get("source", {}))

    def _edits(self, edits: tuple[Edit, ...], size: int, site: Site, kept: bool) -> None:
        chars_in = edits[0].chars_before if edits else size
        self.chars_in += chars_in
        site.chars_in += chars_in
        for edit in edits:
            counts = self.steps.setdefault(edit.step, StepCounts())
            counts.changed += 1
            counts.chars_removed += edit.chars_before - edit.chars_after
            self.lines_removed.update(edit.removed)
            site.rules.update(edit.removed)
            if kept:
                self._removed_lines(edit, site)

    def _removed_lines(self, edit: Edit, site: Site) -> None:
        if edit.lines:
            self.audited = True
        for line in edit.lines:
            if line.text.strip():
                self.removed_lines.add(line.rule, line.text)
                self.sites.add_line(site, line.rule, line.text)

    def _duplicate(self, reason: str, detail: str, source: Any) -> None:
        self.duplicates += 1
        found = _KEPT_PAGE.search(detail)
        if found is None:
            return
        kept_id = found[1]
        for evicted in self.clusters.add(kept_id):
            self.cluster_details.pop(evicted, None)
        cluster = self.cluster_details.setdefault(kept_id, Cluster(kept_id))
        if reason == "duplicate":
            cluster.exact += 1
        else:
            cluster.near += 1
            similarity = float(found[2]) if found[2] else None
            if similarity is not None:
                cluster.similarity = min(cluster.similarity or similarity, similarity)
        path = source.get("path") if isinstance(source, dict) else None
        if isinstance(path, str) and len(cluster.copies) < SAMPLE_COPIES:
            cluster.copies.append(path)

    def funnel(self) -> list[Stage]:
        """Pages and characters left after each step, in pipeline order, from the input."""
        pages, chars = self.pages + self.rejected, self.chars_in
        stages = [Stage("input", pages, chars, StepCounts())]
        for name in self.order.names():
            counts = self.steps.get(name, StepCounts())
            pages -= counts.dropped
            chars -= counts.chars_removed + counts.chars_dropped
            stages.append(Stage(name, pages, chars, counts))
        return stages

    def top_clusters(self, n: int) -> list[tuple[Cluster, int, int]]:
        """The ``n`` biggest duplicate clusters: each with its copies, an upper bound and
        the error of that bound (0 while the counter is exact)."""
        return [
            (self.cluster_details[e.key], e.times, e.error)
            for e in self.clusters.most_common(n)
            if e.key in self.cluster_details
        ]


def gather(
    corpus: str,
    rejects: str | None = None,
    manifest: str | None = None,
    *,
    sample: int = SAMPLE_PAGES,
) -> CorpusStats:
    """Count a corpus (a JSONL file, .gz/.zst, a folder of shards, a glob), its rejects
    file and its run manifest, each read once, and keep a ``sample`` of its pages.

    The rejects are read first, so that the kept page of each duplicate cluster is known
    when the corpus passes by. Raises ``InputError`` when a file cannot be read, or when
    the corpus has lines but not one of them is a corpus record.
    """
    read = read_manifest(manifest) if manifest else None
    stats = CorpusStats(corpus, rejects, read, sample=Sampler(sample))
    if rejects is not None:
        for line in read_lines(rejects):
            stats.add_line(line, REJECTS)
    for line in read_lines(corpus):
        stats.add_line(line, CORPUS)
    if stats.malformed[CORPUS] and not stats.pages:
        first = next(line for kind, line in stats.problems if kind == CORPUS)
        raise InputError(
            f"{corpus} is not a corpuskit corpus: none of its {stats.malformed[CORPUS]} lines "
            f"is a corpus record (line {first.number}: {first.problem})"
        )
    return stats
