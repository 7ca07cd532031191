"""One step of the fitted default pipeline alone, over the pages that reach it: for
counting its instructions with callgrind (repeatable on a loaded machine).

    python bench/step_cost.py save in.pkl junk_lines ../shared/bench/traf-dev \
        ../shared/bench/dragnet-dev
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        python bench/step_cost.py run in.pkl junk_lines [--none]

``save`` runs the text dumps of the folders through the steps before the named one
(the corpus steps fitted as ``step_times.py`` fits them) and pickles the pages that
reach it with the fitted states. ``run`` unpickles them, makes the pipeline from the
states (no pass), and runs the step over the pages; ``--none`` does everything but
that, so that subtracting its count leaves the step's. Run another tree's corpuskit
with ``PYTHONPATH=<tree>`` from outside the checkout (an editable install is imported
before it otherwise); both trees read the same pickle.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from step_times import corpus_states, fresh_pipeline, read_pages

from corpuskit.document import Document
from corpuskit.pipeline import Pipeline, step_name


def step_of(pipeline: Pipeline, name: str) -> tuple[int, object]:
    """The position and the step named ``name`` in ``pipeline``."""
    for position, step in enumerate(pipeline.steps):
        if step_name(step) == name:
            return position, step
    raise SystemExit(f"no step {name!r} in the default pipeline")


def save(path: str, name: str, folders: list[Path]) -> None:
    docs = read_pages(folders)
    states = corpus_states(docs)
    pipeline, _ = fresh_pipeline(states)
    position, _ = step_of(pipeline, name)
    for step in pipeline.steps[:position]:
        docs = [d for d in (step(doc) for doc in docs) if isinstance(d, Document)]
    with open(path, "wb") as out:
        pickle.dump((docs, states), out)
    print(f"{len(docs)} pages reach {name}")


def run(path: str, name: str, none: bool) -> None:
    with open(path, "rb") as saved:
        docs, states = pickle.load(saved)
    pipeline, _ = fresh_pipeline(states)
    _, step = step_of(pipeline, name)
    if not none:
        for doc in docs:
            step(doc)  # type: ignore[operator]


def main() -> int:
    command, path, name, *rest = sys.argv[1:]
    if command == "save":
        save(path, name, [Path(folder) for folder in rest])
    else:
        run(path, name, "--none" in rest)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
