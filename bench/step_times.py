"""CPU time of each step of the fitted default pipeline, per page, on a benchmark's text dumps.

    python bench/step_times.py ../shared/bench/traf-dev            # best of 3 rounds
    python bench/step_times.py ../shared/bench/traf-dev --rounds 5

The corpus steps are fitted first (their counting pass is not timed); then every step
runs over all the pages that reached it, in pipeline order, and its CPU time is the
best of the rounds (the garbage collector off while timing, so that a collection
triggered by one step is not billed to the next). Prints ms/page and share per step:
where the time goes, for docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

from corpuskit.document import Document
from corpuskit.pipeline import step_name
from corpuskit.readers import read
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.run.passes import corpus_passes


def step_times(folder: Path, rounds: int) -> tuple[int, dict[str, float]]:
    """The number of pages and each step's best CPU seconds over them."""
    paths = sorted((folder / "pages").glob("*.txt"))
    docs = [d for d in read([str(p) for p in paths]) if isinstance(d, Document)]
    fitted, _, spooled = corpus_passes(default_pipeline(), iter(docs))
    for _ in spooled:  # finish the counting pass
        pass
    best: dict[str, float] = {}
    gc.disable()
    try:
        for _ in range(rounds):
            current = docs
            for step in fitted.steps:
                start = time.process_time()
                results = [step(doc) for doc in current]
                seconds = time.process_time() - start
                name = step_name(step)
                best[name] = min(best.get(name, seconds), seconds)
                current = [doc for doc in results if isinstance(doc, Document)]
    finally:
        gc.enable()
    return len(docs), best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a benchmark folder (pages/*.txt)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pages, best = step_times(args.folder, args.rounds)
    total = sum(best.values())
    for name, seconds in best.items():
        print(f"{name:24} {seconds / pages * 1000:7.3f} ms/page {seconds / total:6.1%}")
    print(f"{'all steps':24} {total / pages * 1000:7.3f} ms/page  ({pages / total:.0f} pages/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
