"""CPU time of each step of the fitted default pipeline, per page, cold, on text dumps.

    python bench/step_times.py ../shared/bench/traf-dev ../shared/bench/dragnet-dev
    python bench/step_times.py ../shared/bench/traf-dev --rounds 5

The corpus steps are fitted once, by a counting pass that is not timed. Then each round
runs in a **new process**, which builds a new default pipeline fitted from those counts
(no pass): nothing is warmed by an earlier round or by the counting pass (langdetect's
n-grams of a word and its profile rows, memos kept by modules), so every round measures
what a fresh run pays, as the pages come. Every step runs over all the pages that
reached it, in pipeline order, with the garbage collector off while timing (so that a
collection triggered by one step is not billed to the next). What a process pays once,
before its first page (langdetect's profiles), is loaded before timing and printed
apart. Prints ms/page and share per step, the median of the rounds: where the time
goes, for docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpuskit.document import Document
from corpuskit.pipeline import Pipeline, step_name
from corpuskit.readers import read
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.run.passes import corpus_passes


def corpus_states(docs: list[Document]) -> list[object]:
    """The fitted states of the default pipeline's corpus steps over ``docs``."""
    states: list[object] = []
    _, _, spooled = corpus_passes(default_pipeline(), iter(docs), on_fitted=states.extend)
    for _ in spooled:  # finish the counting pass
        pass
    return states


def fresh_pipeline(states: list[object]) -> tuple[Pipeline, float]:
    """A new default pipeline fitted from ``states``, and the CPU seconds its one-off
    loading took (langdetect's profiles), done here so that no step is billed for it."""
    fitted, _, _ = corpus_passes(default_pipeline(), iter(()), states=states)
    start = time.process_time()
    for step in fitted.steps:
        detector = getattr(step, "detector", None)
        if detector is not None:
            detector.factory  # noqa: B018  # loads the profiles
    return fitted, time.process_time() - start


def one_round(docs: list[Document], pipeline: Pipeline) -> dict[str, float]:
    """Each step's CPU seconds over the pages that reach it."""
    seconds: dict[str, float] = {}
    current = docs
    gc.disable()
    try:
        for step in pipeline.steps:
            start = time.process_time()
            results = [step(doc) for doc in current]
            seconds[step_name(step)] = time.process_time() - start
            current = [doc for doc in results if isinstance(doc, Document)]
    finally:
        gc.enable()
    return seconds


def read_pages(folders: list[Path]) -> list[Document]:
    """The text dumps of ``folders``, read as documents, in name order."""
    paths = [str(p) for folder in folders for p in sorted((folder / "pages").glob("*.txt"))]
    return [d for d in read(paths) if isinstance(d, Document)]


def child(states_file: str, folders: list[Path]) -> None:
    """One round, in this fresh process: print each step's seconds and the load."""
    docs = read_pages(folders)
    with open(states_file, "rb") as saved:
        states = pickle.load(saved)
    pipeline, load = fresh_pipeline(states)
    print(json.dumps({"steps": one_round(docs, pipeline), "load": load}))


def main() -> int:
    if sys.argv[1:2] == ["--round"]:
        child(sys.argv[2], [Path(folder) for folder in sys.argv[3:]])
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("folders", type=Path, nargs="+", help="benchmark folders (pages/*.txt)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    docs = read_pages(args.folders)
    if not docs:
        parser.error(f"no pages/*.txt in {', '.join(map(str, args.folders))}")
    rounds = []
    with tempfile.NamedTemporaryFile(prefix="corpuskit-states-") as saved:
        pickle.dump(corpus_states(docs), saved)
        saved.flush()
        command = [sys.executable, __file__, "--round", saved.name, *map(str, args.folders)]
        for _ in range(args.rounds):
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            rounds.append(json.loads(done.stdout.strip().splitlines()[-1]))
    steps = [r["steps"] for r in rounds]
    median = {name: statistics.median(r[name] for r in steps) for name in steps[0]}
    total, pages = sum(median.values()), len(docs)
    for name, seconds in median.items():
        print(f"{name:24} {seconds / pages * 1000:7.3f} ms/page {seconds / total:6.1%}")
    print(f"{'all steps':24} {total / pages * 1000:7.3f} ms/page  ({pages / total:.0f} pages/s)")
    load = statistics.median(r["load"] for r in rounds)
    print(f"{'once per process':24} {load:7.3f} s  (langdetect's profiles, not in the above)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
