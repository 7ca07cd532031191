"""CPU time of ``CommentMarkers.kind`` over every line of the dev sets' text dumps, with
the pre-checks (``patterns.needed_class``) and without, alternated in one process.

    python bench/marker_cost.py ../shared/bench --rounds 3

Prints each round's CPU seconds for both and the median ratio, and fails if any line
gets a different kind.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from pathlib import Path

from corpuskit.steps.comments import CommentMarkers

DEV_SETS = ("traf-dev", "dragnet-dev")


def dev_lines(root: Path) -> list[str]:
    """Every line of every text dump of the dev sets under ``root``."""
    lines: list[str] = []
    for dev_set in DEV_SETS:
        for path in sorted((root / dev_set / "pages").glob("*.txt")):
            lines.extend(path.read_text("utf-8", errors="replace").split("\n"))
    return lines


def timed(markers: CommentMarkers, lines: list[str]) -> tuple[float, list[str | None]]:
    """CPU seconds of ``markers.kind`` over ``lines``, and the kinds."""
    start = time.process_time()
    kinds = list(map(markers.kind, lines))
    return time.process_time() - start, kinds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="the folder holding traf-dev and dragnet-dev")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    lines = dev_lines(args.root)
    checked = CommentMarkers.default()
    unchecked = dataclasses.replace(
        checked, checks=(None,) * len(checked.patterns), plain=checked.patterns, signs=None,
    )  # fmt: skip
    ratios = []
    for turn in range(args.rounds):
        pair = [("without", unchecked), ("with", checked)]
        results = {name: timed(markers, lines) for name, markers in pair[:: 1 - 2 * (turn % 2)]}
        if results["with"][1] != results["without"][1]:
            raise SystemExit("the pre-checks changed a line's kind")
        ratios.append(results["without"][0] / results["with"][0])
        print(
            f"round {turn + 1}: {len(lines):,} lines, without pre-checks "
            f"{results['without'][0]:.3f} CPU-s, with {results['with'][0]:.3f}"
        )
    print(f"median ratio {statistics.median(ratios):.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
