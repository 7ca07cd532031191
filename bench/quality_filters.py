"""What each quality filter would reject on a benchmark folder, with examples.

Cleans every page of a benchmark folder laid out like ``shared/bench/traf-dev`` with the
default pipeline (text mode, corpus passes included), runs every quality filter in
``annotate`` mode on the result, and prints, per filter and reason, how many pages it
would reject, how much of the benchmark's wanted text (its ``with`` passages) those
pages hold, and a few examples (page id, words, the start of the text).

    python bench/quality_filters.py ../shared/bench/traf-dev
    python bench/quality_filters.py ../shared/bench/traf-dev --examples 10
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import corpuskit
from corpuskit.document import Document
from corpuskit.run.passes import corpus_passes
from corpuskit.steps.quality import QUALITY_NAMES, with_quality

sys.path.insert(0, str(Path(__file__).parent))
from quality import load_pages, page_id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="benchmark folder with gold.jsonl and pages/")
    parser.add_argument("--examples", type=int, default=4, help="examples shown per reason")
    args = parser.parse_args()
    docs = load_pages(args.folder, "text")
    pipeline = with_quality(corpuskit.default_pipeline(), "annotate")
    _, remaining, prepared = corpus_passes(pipeline, docs)
    results = [remaining(d) if isinstance(d, Document) else d for d in prepared]
    kept = [r for r in results if isinstance(r, Document)]
    gold = {
        g["id"]: g for g in map(json.loads, (args.folder / "gold.jsonl").open(encoding="utf-8"))
    }
    print(f"{len(docs)} pages, {len(kept)} cleaned and kept by the default pipeline")
    pages: dict[str, list[Document]] = defaultdict(list)
    anyone: set[str] = set()
    for doc in kept:
        for name in QUALITY_NAMES:
            reason = doc.meta["quality"][name]["drop_reason"]
            if reason:
                pages[f"{name}: {reason}"].append(doc)
                anyone.add(doc.id)
    by_filter = Counter({name: 0 for name in QUALITY_NAMES})
    for doc in kept:
        for name in QUALITY_NAMES:
            by_filter[name] += bool(doc.meta["quality"][name]["drop_reason"])
    print("\npages each filter would reject (any of its reasons):")
    for name in QUALITY_NAMES:
        print(f"  {name:18} {by_filter[name]:4}  ({by_filter[name] / len(kept):.1%})")
    print(f"  {'any filter':18} {len(anyone):4}  ({len(anyone) / len(kept):.1%})")
    print("\nby reason, with examples:")
    for key, found in sorted(pages.items(), key=lambda item: -len(item[1])):
        wanted = sum(len(gold.get(page_id(d), {}).get("with", [])) for d in found)
        print(f"\n{key}: {len(found)} pages, holding {wanted} wanted passages")
        for doc in found[: args.examples]:
            name = key.split(":")[0]
            scores = {k: v for k, v in doc.meta["quality"][name].items() if k != "drop_reason"}
            start = " ".join(doc.text.split())[:90]
            print(f"  {page_id(doc)} {doc.lang} {scores}\n      {start!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
