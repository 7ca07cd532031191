"""The line classifier's precision and recall at other thresholds, and its presets.

Reads a benchmark folder laid out like ``shared/bench/traf-dev`` once, then cleans it
with the default pipeline once per setting of ``classify_lines``: each ``favor`` preset
(``balanced`` is the model's own threshold), and the model's threshold moved by each
``--shift`` given. Prints P/R/F (the benchmark's ``score.py``) and lines the classifier
removed, per setting, for the preset table of docs/steps.md and README.

    python bench/thresholds.py ../shared/bench/traf-dev --mode text
    python bench/thresholds.py ../shared/bench/dragnet-dev --mode html --shift -2 -1 1 2
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import corpuskit
from corpuskit.steps.classify.step import FAVOR_SHIFTS, ClassifyLines, LineModel

sys.path.insert(0, str(Path(__file__).parent))
from quality import load_pages, measure


def settings(mode: str, shifts: list[float]) -> list[tuple[str, ClassifyLines]]:
    """The presets, then the model's own threshold moved by each of ``shifts``."""
    model = LineModel.default() if mode == "text" else LineModel.html_default()
    found = [(f"favor {favor}", ClassifyLines(favor=favor)) for favor in FAVOR_SHIFTS]  # type: ignore[arg-type]
    for shift in shifts:
        threshold = round(model.threshold + shift, 3)
        found.append((f"threshold {threshold:+.2f}", ClassifyLines(threshold=threshold)))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="benchmark folder with gold.jsonl and pages/")
    parser.add_argument("--mode", choices=("text", "html"), default="text")
    parser.add_argument("--shift", type=float, nargs="*", default=[], help="threshold shifts")
    args = parser.parse_args()
    docs = load_pages(args.folder, args.mode)
    print(f"{args.folder.name}, mode {args.mode}, {len(docs)} pages")
    print(f"{'setting':<20} {'P':>6} {'R':>6} {'F':>6} {'lines removed':>14}")
    for label, step in settings(args.mode, args.shift):
        pipeline = corpuskit.default_pipeline().replace("classify_lines", step)
        result = measure(args.folder, args.mode, pipeline, docs=docs)
        s = result.segments
        removed = result.report.lines_removed.get("boilerplate", 0)  # classify_lines' rule
        print(f"{label:<20} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {removed:>14,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
