"""Precision and recall of ``redact_pii`` per kind on the hand-labelled lines.

``tests/cases/pii_lines.jsonl`` holds 243 short lines from the dev sets' pages (lines
that a candidate pattern matches, lines with ISBNs, prices, phone numbers and version
numbers, and random lines), each labelled by hand with the PII it holds (kind and
text), plus a few written lines for what real pages lack (card numbers, IPv6, an
IBAN with letters). A found span counts as right when a labelled one of its kind on
the same line has the same text. Dates, versions, ISBNs and prices are there as
negatives; ``--errors`` lists every false positive and every miss.

``--corpus`` cleans the pages (``*.txt``) of benchmark folders with the default
pipeline instead, then runs ``redact_pii`` on what is left: its CPU time beside the
pipeline's, what it replaced per kind, and ``--examples`` of its finds at random, each
with its context, to check precision by eye on text that nobody chose.

    python bench/redaction.py
    python bench/redaction.py --regions US --errors
    python bench/redaction.py --corpus ../shared/bench/traf-dev ../shared/bench/dragnet-dev
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import corpuskit
from corpuskit.document import Document
from corpuskit.steps.pii import PLACEHOLDERS, RedactPii

CASES = Path(__file__).resolve().parent.parent / "tests" / "cases" / "pii_lines.jsonl"


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    """The labelled lines: ``text``, ``pii`` (``[kind, text]`` pairs), optional ``note``."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def score(step: RedactPii, cases: Iterable[Mapping[str, Any]]) -> dict[str, Counter[str]]:
    """True positives, false positives and misses per kind (``tp``, ``fp``, ``fn``),
    with the lines of each error under ``errors``."""
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in PLACEHOLDERS}
    errors: Counter[str] = Counter()
    for case in cases:
        text = case["text"]
        found = Counter((kind, text[start:end]) for start, end, kind in step.spans(text))
        wanted = Counter((kind, value) for kind, value in case["pii"])
        for (kind, _), n in (found & wanted).items():
            counts[kind]["tp"] += n
        for (kind, value), n in (found - wanted).items():
            counts[kind]["fp"] += n
            errors[f"fp {kind}: {value!r} in {text!r}"] += n
        for (kind, value), n in (wanted - found).items():
            counts[kind]["fn"] += n
            errors[f"miss {kind}: {value!r} in {text!r}"] += n
    return {**counts, "errors": errors}


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "-"


def table(counts: Mapping[str, Counter[str]]) -> list[str]:
    """One row per kind: true positives, false positives, misses, precision, recall."""
    rows = [f"{'kind':<12} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7}"]
    for kind in PLACEHOLDERS:
        c = counts[kind]
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        rows.append(
            f"{kind:<12} {tp:>4} {fp:>4} {fn:>4} {ratio(tp, tp + fp):>9} {ratio(tp, tp + fn):>7}"
        )
    return rows


def corpus(step: RedactPii, folders: list[Path], examples: int) -> None:
    """Clean the pages of ``folders``, then redact them: CPU times, counts, examples."""
    pages = sorted(str(page) for folder in folders for page in (folder / "pages").glob("*.txt"))
    pipeline = corpuskit.default_pipeline()
    start = time.process_time()
    cleaned = [pipeline(doc) for doc in corpuskit.read(pages) if isinstance(doc, Document)]
    kept = [doc for doc in cleaned if isinstance(doc, Document)]
    cleaning = time.process_time() - start
    start = time.process_time()
    for doc in kept:
        step(doc)
    redacting = time.process_time() - start
    found = [
        (kind, line[max(0, s - 25) : s] + "[[" + line[s:e] + "]]" + line[e : e + 10])
        for doc in kept
        for line in doc.text.split("\n")
        for s, e, kind in step.spans(line)
    ]
    print(
        f"{len(pages)} pages, {len(kept)} cleaned: reading and the default pipeline "
        f"{cleaning:.1f} s CPU, redact_pii {redacting:.2f} s CPU ({redacting / cleaning:.1%})"
    )
    print("found:", dict(Counter(kind for kind, _ in found)))
    for kind, context in random.Random(7).sample(found, min(examples, len(found))):
        print(f"{kind:<12} {json.dumps(context, ensure_ascii=False)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regions", default=None, help="phone regions, e.g. US,DE")
    parser.add_argument("--errors", action="store_true", help="list false positives and misses")
    parser.add_argument("--corpus", type=Path, nargs="+", help="benchmark folders to redact")
    parser.add_argument("--examples", type=int, default=50, help="finds shown with --corpus")
    args = parser.parse_args()
    regions = {} if args.regions is None else {"phone_regions": tuple(args.regions.split(","))}
    if args.corpus:
        corpus(RedactPii(**regions), args.corpus, args.examples)
        return 0
    step = RedactPii(credit_cards=True, ibans=True, **regions)
    cases = load_cases()
    counts = score(step, cases)
    print(f"{len(cases)} lines, phone regions {','.join(step.phone_regions)}")
    print("\n".join(table(counts)))
    if args.errors:
        print("\n".join(sorted(counts["errors"])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
