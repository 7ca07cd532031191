"""Train the line model of ``classify_lines`` and say how well it does on unseen pages.

    python bench/train_line_model.py ../shared/bench/traf-dev            # report only
    python bench/train_line_model.py ../shared/bench/traf-dev --write    # and write it
    python bench/train_line_model.py ../shared/bench/traf-dev --mode html --write

``--mode text`` (the default) trains ``data/line_model.toml`` on the text dumps;
``--mode html`` trains ``data/html_line_model.toml`` on the pages' HTML, each line
with the features of its layout as well (``corpuskit/html/layout.py``).

Pages go through ``preparation_steps`` (with ``repeated_lines`` counted over the whole
folder), then every non-blank line gets the features of ``corpuskit/steps/classify/features.py``.
A line is labelled main text when it holds one of the page's ``with`` passages (or is a
piece of one that a link split over several lines), furniture when it holds a
``without`` passage; other lines are unlabelled and not trained on. Two logistic
regressions are fitted (numpy, plain gradient descent on standardized features, L2):
stage 1 on the features, stage 2 on the features plus the stage-1 scores around the
line (``classify.with_context``).

Honesty: the score reported first is cross-validated by page (the model scoring a page
never saw it); the weights written are then fitted on all pages. Nothing here knows a
page id or a passage beyond its label. Needs numpy (``pip install numpy``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from quality import load_score  # bench/quality.py, beside this script

import corpuskit
from corpuskit.document import Document
from corpuskit.lexicon.stopwords import Stopwords
from corpuskit.pipeline import Pipeline
from corpuskit.recipes.defaults import preparation_steps
from corpuskit.run.passes import fit_corpus_steps
from corpuskit.steps.classify.features import BLOCK_NAMES, NAMES, line_features
from corpuskit.steps.classify.markup import markup_features
from corpuskit.steps.classify.step import (
    CONTEXT_NAMES,
    HTML_LINE_NAMES,
    current_layout,
    with_context,
)

L2 = 0.01  # mild: 40-odd features, a few thousand labelled lines
ITERATIONS = 3000
RATE = 0.5
FOLDS = 5
#: The thresholds tried for the final score (a line below it is furniture): 0 is the
#: logistic model's even odds; the best on cross-validated scores is written.
THRESHOLDS = (-0.6, -0.4, -0.2, 0.0, 0.2, 0.4, 0.6)
DATA = Path(__file__).resolve().parent.parent / "corpuskit" / "data"
#: By mode: the model file, the pages' file pattern and the feature names.
MODES = {
    "text": (DATA / "line_model.toml", "*.txt", NAMES),
    "html": (DATA / "html_line_model.toml", "*.html.gz", (*HTML_LINE_NAMES, *BLOCK_NAMES)),
}


def prepared_pages(folder: Path, mode: str = "text") -> dict[str, Document]:
    paths = sorted(str(p) for p in (folder / "pages").glob(MODES[mode][1]))
    read = corpuskit.read(paths, format=mode)
    pipeline = fit_corpus_steps(Pipeline(preparation_steps()), read)
    pages = {}
    for item in corpuskit.read(paths, format=mode):
        result = pipeline(item) if isinstance(item, Document) else item
        if isinstance(result, Document):
            pages[Path(result.source.path).name.split(".")[0]] = result
    return pages


def labels(lines: list[str], record: dict[str, Any], squash: Any) -> dict[int, int]:
    squashed = [squash(line) for line in lines]
    found: dict[int, int] = {}
    for label, passages in ((1, record["with"]), (0, record["without"])):
        for passage in map(squash, passages):
            for index, line in enumerate(squashed):
                inside = passage in line or (len(line) >= 8 and line in passage)
                if len(line) >= 3 and inside:
                    found[index] = label
    return found


def page_rows(
    doc: Document, stopwords: Stopwords
) -> tuple[list[str], list[int], list[list[float]]]:
    lines = doc.text.split("\n")
    layout = current_layout(doc)
    extra = None if layout is None else markup_features(lines, layout)
    indexed = line_features(lines, stopwords.get(doc.lang), extra)
    return lines, [i for i, _ in indexed], [row for _, row in indexed]


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Logistic regression weights for raw (unstandardized) features; column 0 is 1."""
    mean, scale = x.mean(0), x.std(0)
    mean[0], scale[0] = 0.0, 1.0
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    w = np.zeros(x.shape[1])
    for _ in range(ITERATIONS):
        p = 1 / (1 + np.exp(-z @ w))
        w -= RATE * (z.T @ (p - y) / len(y) + L2 * np.r_[0.0, w[1:]])
    raw = w / scale
    raw[0] -= float((raw[1:] * mean[1:]).sum())
    return raw


#: Each page's final line scores, by page id.
Scores = dict[str, list[float]]


class Trainer:
    def __init__(self, pages: dict[str, Document], gold: dict[str, dict[str, Any]], score: Any):
        stopwords = Stopwords()
        self.rows = {pid: page_rows(doc, stopwords) for pid, doc in pages.items()}
        # An HTML page whose layout was lost (see readers/html.py) is classified with the
        # text model; it has no place in the HTML model's training.
        sizes = {len(r[2][0]) for r in self.rows.values() if r[2]}
        width = max(sizes, default=0)
        self.rows = {pid: r for pid, r in self.rows.items() if not r[2] or len(r[2][0]) == width}
        self.labels = {pid: labels(r[0], gold[pid], score.squash) for pid, r in self.rows.items()}

    def train(self, ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
        first = fit(*self._xy(ids, None))
        return first, fit(*self._xy(ids, first))

    def _xy(self, ids: list[str], first: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = [], []
        for pid in ids:
            _, index, rows = self.rows[pid]
            rows = rows if first is None else self._context(rows, first)
            for i, row in zip(index, rows, strict=True):
                if i in self.labels[pid]:
                    xs.append(row)
                    ys.append(self.labels[pid][i])
        return np.array(xs), np.array(ys, dtype=float)

    @staticmethod
    def _context(rows: list[list[float]], first: np.ndarray) -> list[list[float]]:
        return with_context(rows, list(np.array(rows) @ first)) if rows else []

    def scores(self, ids: list[str], first: np.ndarray, second: np.ndarray) -> Scores:
        """Each page's final line scores."""
        out = {}
        for pid in ids:
            _, _, rows = self.rows[pid]
            out[pid] = list(np.array(self._context(rows, first)) @ second) if rows else []
        return out

    def predict(self, scores: Scores, threshold: float) -> dict[str, str]:
        """Each page's text: its lines scoring at least ``threshold``."""
        out = {}
        for pid, page in scores.items():
            lines, index, _ = self.rows[pid]
            keep = sorted(i for i, s in zip(index, page, strict=True) if s >= threshold)
            out[pid] = "\n".join(lines[i] for i in keep)
        return out


def cross_validate(trainer: Trainer, gold: list[dict[str, Any]]) -> Scores:
    """Every page's line scores from a model trained on the other folds' pages."""
    ids = [g["id"] for g in gold if g["id"] in trainer.rows]
    scores: Scores = {}
    for fold in range(FOLDS):
        test = ids[fold::FOLDS]
        held_out = set(test)
        first, second = trainer.train([i for i in ids if i not in held_out])
        scores.update(trainer.scores(test, first, second))
    return scores


def choose_threshold(
    trainer: Trainer, gold: list[dict[str, Any]], score: Any, scores: Scores
) -> tuple[float, dict[str, Any]]:
    """The threshold of ``THRESHOLDS`` with the best F on cross-validated ``scores``,
    checked the nested way: each fold is scored at the threshold the other folds chose
    (the figures returned), so the choice is validated on pages it did not see."""
    ids = list(scores)

    def f1(pages: list[str], threshold: float) -> float:
        chosen = [g for g in gold if g["id"] in set(pages)]
        kept = trainer.predict({pid: scores[pid] for pid in pages}, threshold)
        return float(score.score(chosen, kept)["segments"]["f1"])

    predictions: dict[str, str] = {}
    for fold in range(FOLDS):
        test = ids[fold::FOLDS]
        others = [pid for pid in ids if pid not in set(test)]
        best = max(THRESHOLDS, key=lambda t: f1(others, t))
        predictions.update(trainer.predict({pid: scores[pid] for pid in test}, best))
    threshold = max(THRESHOLDS, key=lambda t: f1(ids, t))
    return threshold, dict(score.score(gold, predictions)["segments"])


def toml_table(name: str, names: tuple[str, ...], weights: np.ndarray) -> str:
    rows = "\n".join(f"{n} = {w:.6f}" for n, w in zip(names, weights, strict=True))
    return f"[{name}]\n{rows}\n"


def write_model(
    first: np.ndarray,
    second: np.ndarray,
    validated: dict[str, Any],
    folder: Path,
    mode: str,
    in_sample: dict[str, Any],
    threshold: float,
) -> None:
    today = datetime.date.today().isoformat()
    path, _, names = MODES[mode]
    header = f"""# Weights of the {mode} line model of `classify_lines` (steps/classify/step.py).
# Written by: python bench/train_line_model.py {folder.name} --mode {mode} --write   ({today})
# In sample (trained and scored on all pages): precision {in_sample["precision"]:.3f},
# recall {in_sample["recall"]:.3f}, F {in_sample["f1"]:.3f}.
# Trained on every non-blank line of the {folder.name} pages that holds a labelled passage,
# after preparation_steps. {FOLDS}-fold cross-validation by page (each page scored by a model
# that never saw it): precision {validated["precision"]:.3f}, recall {validated["recall"]:.3f},
# F {validated["f1"]:.3f}, at the threshold below: the best of {THRESHOLDS} on
# cross-validated scores (each fold scored at the one the other folds chose).
# A line whose final score is below `threshold` is furniture.
# Do not edit by hand: change features.py or the training, then retrain.

trained = "{today} {folder.name} cv-f1 {validated["f1"]:.3f}"
threshold = {threshold}

"""
    body = (
        toml_table("stage1", names, first)
        + "\n"
        + toml_table("stage2", (*names, *CONTEXT_NAMES), second)
    )
    path.write_text(header + body, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--mode", choices=tuple(MODES), default="text")
    parser.add_argument("--write", action="store_true", help="write the mode's model file")
    args = parser.parse_args()
    score = load_score(args.folder)
    gold = [json.loads(line) for line in (args.folder / "gold.jsonl").open(encoding="utf-8")]
    pages = prepared_pages(args.folder, args.mode)
    trainer = Trainer(pages, {g["id"]: g for g in gold}, score)
    scores = cross_validate(trainer, gold)
    at_zero = dict(score.score(gold, trainer.predict(scores, 0.0))["segments"])
    threshold, validated = choose_threshold(trainer, gold, score, scores)
    for name, result in (("threshold 0", at_zero), (f"threshold {threshold}", validated)):
        print(
            f"{FOLDS}-fold cross-validated, {name}: precision {result['precision']:.3f} "
            f"recall {result['recall']:.3f} F {result['f1']:.3f}"
        )
    ids = [g["id"] for g in gold if g["id"] in trainer.rows]
    first, second = trainer.train(ids)
    in_sample = dict(
        score.score(gold, trainer.predict(trainer.scores(ids, first, second), threshold))[
            "segments"
        ]
    )
    print(
        f"in sample: precision {in_sample['precision']:.3f} "
        f"recall {in_sample['recall']:.3f} F {in_sample['f1']:.3f}"
    )
    if args.write:
        write_model(first, second, validated, args.folder, args.mode, in_sample, threshold)
        print(f"wrote {MODES[args.mode][0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
