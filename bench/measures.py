"""What the shingle and passage scores do not see: whole paragraphs, headlines, comments.

Used by ``bench/quality.py`` beside the benchmark's own ``score.py`` (whose canonical form,
``squash``, every measure here shares, so a passage is found here when it is found there):

- **paragraph integrity**: of the gold paragraphs of 8+ words that come out contiguous
  (found in the output once line breaks count as spaces), the share found on one line.
  Gold paragraphs are a traf-dev page's ``with`` passages and a dragnet-dev page's
  article lines.
- **paragraph separation** (article gold only): of the pairs of consecutive gold
  paragraphs that both come out contiguous, the share that come out on different lines.
  Integrity alone rewards joining everything; separation says what that costs.
- **joins** (``--joins``): each seam between two non-blank lines that ``join_lines``
  sees, by the rule that joined it (or none), as the gold has it: ``same`` when the
  seam lies inside a gold paragraph, ``apart`` (article gold only) when both lines
  (of ``SEAM_WORDS``+ words) are in the article but the seam is not, else unknown
  (junk, or a passage gold that does not say where paragraphs end).
- **headline match**: of the pages whose title in HTML mode occurs as a line of the text
  dump, the share whose text-mode title is that title (case and spaces aside).
- **comment detection** (``gold_with_comments.jsonl`` beside an article gold): line by
  line, which of the lines the rule ``comments`` removed were not article text
  (precision), and which of the page's comment lines it removed (recall). A line counts
  when it has 3+ words: shorter ones ("Reply", "2") are found anywhere by chance. Some
  pages' article gold holds their thread too (a "385 Comments" post whose gold keeps
  every comment): ``threaded`` is the precision on the pages whose gold sets a thread
  apart, where an article line removed is a mistake of the rule, not of the gold.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from corpuskit.document import Document, Drop
from corpuskit.explain import traced

#: Gold paragraphs shorter than this are left out of integrity: a short line (a heading,
#: a caption) is on one line whatever a cleaner does.
PARAGRAPH_WORDS = 8
#: Lines shorter than this are left out of comment detection (see the module docstring).
COMMENT_LINE_WORDS = 3

Squash = Callable[[str], str]


@dataclass(frozen=True)
class Ratio:
    """``part`` of ``whole``, printed as ``part/whole = share``."""

    part: int
    whole: int

    @property
    def share(self) -> float:
        return self.part / self.whole if self.whole else 0.0

    def __str__(self) -> str:
        return f"{self.part}/{self.whole} = {self.share:.3f}"


def gold_paragraphs(record: Mapping[str, Any]) -> list[str]:
    """A gold record's paragraphs of ``PARAGRAPH_WORDS``+ words.

    >>> gold_paragraphs({"with": ["Too short.", "One two three four five six seven eight"]})
    ['One two three four five six seven eight']
    """
    if "article" in record:
        candidates = str(record["article"] or "").split("\n")
    else:
        candidates = list(record.get("with", ()))
    return [p for p in candidates if len(p.split()) >= PARAGRAPH_WORDS]


def integrity(
    gold: Iterable[Mapping[str, Any]], predictions: Mapping[str, str], squash: Squash
) -> Ratio:
    """Gold paragraphs found on one line of the output, of those found contiguous."""
    contiguous = whole = 0
    for record in gold:
        paragraphs = gold_paragraphs(record)
        if not paragraphs:
            continue
        text = predictions.get(str(record["id"]), "")
        flat, lines = squash(text), [squash(line) for line in text.split("\n")]
        for paragraph in map(squash, paragraphs):
            if paragraph in flat:
                contiguous += 1
                whole += any(paragraph in line for line in lines)
    return Ratio(whole, contiguous)


def separation(
    gold: Iterable[Mapping[str, Any]], predictions: Mapping[str, str], squash: Squash
) -> Ratio:
    """Pairs of consecutive gold paragraphs (article gold) that come out on different
    lines, of the pairs that both come out contiguous."""
    both = apart = 0
    for record in gold:
        if "article" not in record:
            continue
        text = predictions.get(str(record["id"]), "")
        flat, lines = squash(text), [squash(line) for line in text.split("\n")]
        paragraphs = [squash(p) for p in gold_paragraphs(record)]
        for first, second in pairwise(paragraphs):
            if first in flat and second in flat:
                both += 1
                seam = f"{first[-40:]} {second[:40]}"
                apart += not any(seam in line for line in lines)
    return Ratio(apart, both)


#: Characters each side of a seam looked for in the gold (the ``separation`` seam's 40
#: less a margin for the glue: "Times" + ". Yes" has no space between).
SEAM_CHARS = 30
#: A line of fewer words (".", "Reuters") is found in an article by chance: a seam not in
#: the gold next to one is unknown, not apart.
SEAM_WORDS = 3


@dataclass
class Joins:
    """Seams by rule (``None``: not joined) and gold verdict (``same``, ``apart``,
    ``unknown``)."""

    counts: dict[tuple[str | None, str], int]

    def add(self, rule: str | None, verdict: str) -> None:
        self.counts[rule, verdict] = self.counts.get((rule, verdict), 0) + 1

    def __str__(self) -> str:
        rules = sorted({rule for rule, _ in self.counts}, key=lambda r: (r is None, r or ""))
        rows = [f"{'rule':14} {'same':>6} {'apart':>6} {'unknown':>8}"]
        for rule in rules:
            same, apart, unknown = (self.counts.get((rule, v), 0) for v in VERDICTS)
            rows.append(f"{rule or '(not joined)':14} {same:6} {apart:6} {unknown:8}")
        return "\n".join(rows)


VERDICTS = ("same", "apart", "unknown")


def count_joins(
    record: Mapping[str, Any],
    lines: Sequence[str],
    rules: Sequence[str | None],
    squash: Squash,
    joins: Joins,
) -> None:
    """Add the seams of one page (``join_lines``' input ``lines`` and its ``rules``)."""
    article = "article" in record
    paragraphs = [
        squash(p)
        for p in (str(record["article"] or "").split("\n") if article else record.get("with", ()))
    ]
    flat = "\n".join(paragraphs)
    for index in range(1, len(lines)):
        before, line = squash(lines[index - 1]), squash(lines[index])
        if before and line:
            joins.add(rules[index], _verdict(before, line, paragraphs, flat, article))


def _verdict(before: str, line: str, paragraphs: list[str], flat: str, article: bool) -> str:
    tail, head = before[-SEAM_CHARS:], line[:SEAM_CHARS]
    if any(f"{tail} {head}" in p or tail + head in p for p in paragraphs):
        return "same"
    known = article and all(
        len(side.split()) >= SEAM_WORDS and side in flat for side in (before, line)
    )
    return "apart" if known else "unknown"


def headline_match(
    text_titles: Mapping[str, str | None],
    html_titles: Mapping[str, str | None],
    dumps: Mapping[str, str],
) -> Ratio:
    """Pages whose text-mode title is the HTML-mode title, of the pages whose dump holds
    that title as a line (case and runs of spaces ignored)."""
    matched = held = 0
    for page, title in html_titles.items():
        if not title:
            continue
        wanted = _plain(title)
        if not any(_plain(line) == wanted for line in dumps.get(page, "").split("\n")):
            continue
        held += 1
        matched += _plain(text_titles.get(page) or "") == wanted
    return Ratio(matched, held)


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class CommentScores:
    """Line-level comment detection: ``precision`` and ``recall`` of the rule
    ``comments``, ``gone``: the comment lines missing from the output, by any step, and
    ``threaded``: the precision on pages whose gold sets a thread apart."""

    precision: Ratio
    recall: Ratio
    gone: Ratio
    threaded: Ratio

    def __str__(self) -> str:
        return (
            f"precision {self.precision}  recall {self.recall}  gone {self.gone}  "
            f"precision on pages with a gold thread {self.threaded}"
        )


def comment_detection(
    folder: Path,
    docs: Sequence[Document],
    results: Sequence[Document | Drop],
    page_id: Callable[[Document], str],
    squash: Squash,
) -> CommentScores | None:
    """Score the removals of rule ``comments`` against ``gold_with_comments.jsonl``
    (None when ``folder`` has none)."""
    path = folder / "gold_with_comments.jsonl"
    if not path.exists():
        return None
    articles = _articles(folder / "gold.jsonl")
    threads = {page: text[len(articles.get(page, "")) :] for page, text in _articles(path).items()}
    # removed, removed not article, comment lines, removed, gone, and the first two on
    # pages with a thread
    counts = [0] * 7
    for doc, result in zip(docs, results, strict=True):
        page = page_id(doc)
        article, thread = squash(articles.get(page, "")), squash(threads.get(page, ""))
        _count_page(doc, result, article, thread, squash, counts)
    removed, clean, comments, caught, gone, threaded, threaded_clean = counts
    return CommentScores(
        Ratio(clean, removed),
        Ratio(caught, comments),
        Ratio(gone, comments),
        Ratio(threaded_clean, threaded),
    )


def _count_page(
    doc: Document,
    result: Document | Drop,
    article: str,
    thread: str,
    squash: Squash,
    counts: list[int],
) -> None:
    final = result.document if isinstance(result, Drop) else result
    lines = doc.text.split("\n")
    edits = () if final is None else final.edits[len(doc.edits) :]
    by_comments = {
        removed.number
        for edit in traced(edits, len(lines))
        for removed in edit.lines
        if removed.rule == "comments"
    }
    kept = "" if final is None else squash(final.text)
    for number, line in enumerate(lines, 1):
        text = squash(line)
        if len(text.split()) < COMMENT_LINE_WORDS:
            continue
        in_article = text in article
        if number in by_comments:
            counts[0] += 1
            counts[1] += not in_article
            if thread:
                counts[5] += 1
                counts[6] += not in_article
        if thread and text in thread and not in_article:
            counts[2] += 1
            counts[3] += number in by_comments
            counts[4] += text not in kept


def _articles(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    return {str(r["id"]): str(r.get("article") or "") for r in records}
