"""Train the line models of ``classify_lines`` on the dev sets, and say how well they do
on pages they never saw.

    python bench/train_line_model.py ../shared/bench/traf-dev ../shared/bench/dragnet-dev
    python bench/train_line_model.py ../shared/bench/traf-dev ../shared/bench/dragnet-dev --write

The first prints, for each mode, the default pipeline's scores with models fitted the
honest ways (``generalization.py``: cross-validated by page, and leave-one-dataset-out);
``--write`` then fits each mode's model on every page of every set given and writes it
(``data/line_model.toml`` for text, ``data/html_line_model.toml`` for HTML, whose lines
have the features of their layout as well: ``corpuskit/html/layout.py``). ``--mode``
picks one mode. That one command rebuilds the shipped models from the dev sets.

Pages go through ``preparation_steps`` (``devsets.training_pages``: ``repeated_lines``
removing no long line, so that the model learns the prose furniture that rule removes),
then every non-blank line gets the features of ``corpuskit/steps/classify/features.py``,
and a label where the gold gives one (``labels``):

- segment gold (traf-dev): a line is main text when it holds one of the page's ``with``
  passages (or is a piece of one that a link split over several lines), furniture when
  it holds a ``without`` passage; other lines are unlabelled;
- article gold (dragnet-dev): see ``article_labels``.

Unlabelled lines are not trained on (they still give their neighbours context).

What is fitted, and only on the training pages: two logistic regressions (numpy,
Newton's method on standardized features, L2, each weight keeping the sign of its
feature's association with the label: ``fit``), stage 1 on the features, stage 2 on the
features plus the stage-1 scores around the line (``step.context``); then the
threshold, the one of ``THRESHOLDS`` whose kept lines score best on the training pages
(mean F over the sets trained on, each by its own metric). Every set weighs the same in
the fit, whatever its number of labelled lines, and within a set every page weighs the
square root of its labelled lines (a long page counts more, not in proportion); a
page's weight is what settled on (per line, per page and the square root alike were tried:
the square root generalized best from one set to the other). The features of ``UNUSED``
are left out. Nothing here knows a page id or a passage beyond its label.
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from devsets import ROOT, DevSet, training_pages

from corpuskit.document import Document
from corpuskit.lexicon.stopwords import Stopwords
from corpuskit.steps.classify.features import BLOCK_NAMES, LINE_NAMES, page_features
from corpuskit.steps.classify.markup import markup_features
from corpuskit.steps.classify.step import (
    CONTEXT_NAMES,
    HTML_LINE_NAMES,
    LineModel,
    context,
    current_layout,
)

#: L2 penalty on the standardized weights (the loss is a weighted mean): mild, for 80-odd
#: features and tens of thousands of labelled lines. Re-run the generalization table
#: after changing it.
L2 = 0.01
NEWTON_STEPS = 50
#: The thresholds tried (a line scoring below is furniture): 0 is the model's even odds.
THRESHOLDS = tuple(round(-1.2 + 0.2 * k, 1) for k in range(13))
DATA = ROOT / "corpuskit" / "data"
#: By mode: the model file and the line features (the block features follow them).
MODES = {
    "text": (DATA / "line_model.toml", LINE_NAMES),
    "html": (DATA / "html_line_model.toml", HTML_LINE_NAMES),
}
#: Features the fit leaves out (weight 0), by mode. In HTML mode: the junk words inside
#: the main container and the main container's links, which pulled whole sections of
#: plain prose below the threshold on long documents (docs pages, reports); and the
#: letter-case and character-class shares, whose meaning changes with the language
#: (German capitalizes its nouns) and whose direction changed from one dev set to the
#: other. The text model keeps them: without markup, it has little else.
UNUSED: dict[str, tuple[str, ...]] = {
    "text": (),
    "html": (
        "html_main_link", "html_junk_word_in_main", "html_main_junk_word", "capitals",
        "starts_upper", "starts_lower", "starts_digit", "letters", "digits",
    ),
}  # fmt: skip
TOKEN = re.compile(r"\w+")
#: Article gold: a line of 4 tokens or more is main text when at least this share of its
#: word 4-grams is in the article (a line with a word or two of furniture stuck to a
#: sentence is still the sentence), furniture when none is.
MAIN_SHARE = 0.8

#: A page's key: its set's name and its id.
Key = tuple[str, str]


# --------------------------------------------------------------------------- labels


def segment_labels(lines: Sequence[str], record: dict[str, Any], squash: Any) -> dict[int, int]:
    """Labels of a page with segment gold: 1 for a line that holds a ``with`` passage
    or a piece of one (8 characters or more), 0 for one that holds a ``without`` passage."""
    squashed = [squash(line) for line in lines]
    found: dict[int, int] = {}
    for label, passages in ((1, record.get("with", [])), (0, record.get("without", []))):
        for passage in map(squash, passages):
            for index, line in enumerate(squashed):
                inside = passage in line or (len(line) >= 8 and line in passage)
                if len(line) >= 3 and inside:
                    found[index] = label
    return found


def grams(tokens: Sequence[str], sizes: Iterable[int]) -> set[tuple[str, ...]]:
    """Every run of ``sizes`` consecutive tokens."""
    return {tuple(tokens[i : i + n]) for n in sizes for i in range(len(tokens) - n + 1)}


def article_labels(lines: Sequence[str], article: str, comments: str = "") -> dict[int, int]:
    """Labels of a page with article gold, in the tokens score.py compares (``\\w+``).

    - A line of 4 tokens or more: main text (1) when ``MAIN_SHARE`` of its word 4-grams
      are in the article, furniture (0) when none is; partly in it (a caption fused
      with a credit, a comment quoting the article), unlabelled.
    - A shorter line: main text when it is a whole line of the article (a heading, a
      dateline), or occurs in it and sits in a block of lines (consecutive non-blank
      lines) that is main text by the rule above (a link's words in a sentence that the
      dump split); furniture when its tokens occur nowhere in the article, or form a
      whole line of the reader comments without being one of the article; else
      unlabelled ("Share" is furniture, but the article may say "Share" too).
    - A line without tokens is unlabelled.

    Reader comments (``comments``, the thread ``gold_with_comments.jsonl`` adds) are not
    the article: their lines share nothing with it and come out furniture.

    >>> article_labels(["Home", "", "The cat sat on the", "mat", "today.", "", "Reply"],
    ...                "The cat sat on the mat today.\\nCats", "Reply\\nNice cat")
    {0: 0, 2: 1, 3: 1, 4: 1, 6: 0}
    """
    tokens = TOKEN.findall(article)
    fours, short = grams(tokens, (4,)), grams(tokens, (1, 2, 3))
    whole = {tuple(TOKEN.findall(line)) for line in article.split("\n")}
    thread = {tuple(TOKEN.findall(line)) for line in comments.split("\n")} - whole
    found: dict[int, int] = {}
    for block in _blocks(lines):
        block_share = _share(TOKEN.findall(" ".join(lines[i] for i in block)), fours)
        for index in block:
            words = TOKEN.findall(lines[index])
            label = _label(words, fours, short, whole, thread, block_share)
            if label is not None:
                found[index] = label
    return found


def _label(
    words: list[str],
    fours: set[tuple[str, ...]],
    short: set[tuple[str, ...]],
    whole: set[tuple[str, ...]],
    thread: set[tuple[str, ...]],
    block_share: float | None,
) -> int | None:
    """One line's label by ``article_labels``' rules (None: unlabelled)."""
    if not words:
        return None
    if len(words) >= 4:
        share = _share(words, fours)
        return 1 if share is not None and share >= MAIN_SHARE else 0 if share == 0 else None
    key = tuple(words)
    if key in whole:
        return 1
    if key not in short or key in thread:
        return 0
    return 1 if block_share is not None and block_share >= MAIN_SHARE else None


def _share(words: Sequence[str], fours: set[tuple[str, ...]]) -> float | None:
    """The share of the word 4-grams of ``words`` in ``fours`` (None under 4 words)."""
    if len(words) < 4:
        return None
    windows = [tuple(words[i : i + 4]) for i in range(len(words) - 3)]
    return sum(w in fours for w in windows) / len(windows)


def _blocks(lines: Sequence[str]) -> list[list[int]]:
    """The runs of consecutive non-blank lines, as lists of line indices."""
    blocks: list[list[int]] = []
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if blocks and blocks[-1][-1] == index - 1:
            blocks[-1].append(index)
        else:
            blocks.append([index])
    return blocks


def labels(devset: DevSet, page_id: str, lines: Sequence[str]) -> dict[int, int]:
    """The labels of one page's lines, by the gold its set has."""
    record = devset.record(page_id)
    if devset.metric == "article":
        return article_labels(lines, record["article"], devset.comments.get(page_id, ""))
    return segment_labels(lines, record, devset.score.squash)


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class PageRows:
    """One page's non-blank lines: their indices, features and labels (-1: none)."""

    lines: list[str]
    index: list[int]
    x: np.ndarray
    y: np.ndarray


def page_rows(devset: DevSet, page_id: str, doc: Document, stopwords: Stopwords) -> PageRows:
    lines = doc.text.split("\n")
    layout = current_layout(doc)
    extra = None if layout is None else markup_features(lines, layout)
    features = page_features(lines, stopwords.get(doc.lang), extra)
    found = labels(devset, page_id, lines)
    y = np.array([found.get(i, -1) for i in features.lines], dtype=float)
    width = len(features.line_parts[0]) + len(BLOCK_NAMES) if features.lines else 0
    x = np.array(features.rows(), dtype=float).reshape(len(features.lines), width)
    return PageRows(lines, features.lines, x, y)


def training_rows(devsets: Sequence[DevSet], mode: str) -> dict[Key, PageRows]:
    """Every page of ``devsets`` read in ``mode`` that the mode's model can judge (an
    HTML page whose layout was lost is judged by the text model), by key."""
    stopwords = Stopwords()
    width = len(MODES[mode][1]) + len(BLOCK_NAMES)
    rows = {}
    for devset in devsets:
        for page_id, doc in training_pages(devset, mode).items():
            if isinstance(doc, Document) and (mode == "text" or current_layout(doc)):
                page = page_rows(devset, page_id, doc, stopwords)
                if page.x.shape[1] == width:
                    rows[devset.name, page_id] = page
    return rows


# --------------------------------------------------------------------------- fitting


def fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Logistic regression weights for raw (unstandardized) features; column 0 is 1.

    Every weight keeps the sign of its feature's own association with the label (the
    weighted covariance): a feature whose weight comes out the other way is dropped (its
    weight 0) and the rest refitted, until none does. Two correlated features can
    otherwise get opposite weights that cancel on the pages they were fitted on and not
    elsewhere: on the dev sets, "a list item" pulled up and "a link" down, which kept
    side bars of linked list items on pages from another set.
    """
    weight = weight / weight.sum()
    centred = y - float(weight @ y)
    association = np.sign((x - weight @ x).T @ (weight * centred))
    active = np.ones(x.shape[1], dtype=bool)
    while True:
        w = _logistic(np.where(active, x, 0.0), y, weight)
        wrong = active & (np.sign(w) * association < 0)
        wrong[0] = False  # the bias has no sign to keep
        if not wrong.any():
            return np.where(active, w, 0.0)
        active &= ~wrong


def _logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Minimize the ``weight``-weighted log loss plus ``L2`` / 2 times the squared
    standardized weights (the bias is not penalized), by Newton's method; the weights
    returned apply to the raw features."""
    mean, scale = x.mean(0), x.std(0)
    mean[0], scale[0] = 0.0, 1.0
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    penalty = np.full(x.shape[1], L2)
    penalty[0] = 0.0
    w = np.zeros(x.shape[1])
    for _ in range(NEWTON_STEPS):
        p = 1 / (1 + np.exp(-np.clip(z @ w, -30, 30)))
        gradient = z.T @ (weight * (p - y)) + penalty * w
        hessian = (z * (weight * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    raw = w / scale
    raw[0] -= float((raw[1:] * mean[1:]).sum())
    return raw


@dataclass(frozen=True)
class Fitted:
    """A mode's two stages of weights and threshold, as fitted on some pages."""

    mode: str
    first: np.ndarray
    second: np.ndarray
    threshold: float

    def model(self) -> LineModel:
        """The ``LineModel`` that ``classify_lines`` runs with these weights."""
        return LineModel(
            tuple(map(float, self.first)),
            tuple(map(float, self.second)),
            self.threshold,
            f"fitted-{self.mode}",
            MODES[self.mode][1],
        )


def with_context(x: np.ndarray, first: np.ndarray) -> np.ndarray:
    """A page's rows with the second stage's inputs appended (``classify.context``)."""
    if not len(x):
        return np.zeros((0, x.shape[1] + len(CONTEXT_NAMES)))
    return np.hstack([x, np.array(context(list(x @ first)))])


class Trainer:
    """Fits a mode's line model on any subset of the labelled pages of some sets."""

    def __init__(self, devsets: Sequence[DevSet], mode: str) -> None:
        self.mode = mode
        self.devsets = {devset.name: devset for devset in devsets}
        self.rows = training_rows(devsets, mode)
        names = (*MODES[mode][1], *BLOCK_NAMES)
        unused = [names.index(name) for name in UNUSED[mode]]
        for page in self.rows.values():
            page.x[:, unused] = 0.0  # a constant column: its weight stays 0
        self._quick: dict[Key, QuickScore] = {}

    def fit(self, keys: Sequence[Key]) -> Fitted:
        """The model fitted on the pages ``keys`` (those the mode can judge)."""
        keys = [key for key in keys if key in self.rows]
        first = fit(*self._xy(keys, None))
        second = fit(*self._xy(keys, first))
        scores = {key: with_context(self.rows[key].x, first) @ second for key in keys}
        threshold = max(THRESHOLDS, key=lambda t: self.f1(scores, t))
        return Fitted(self.mode, first, second, threshold)

    def _xy(
        self, keys: Sequence[Key], first: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        xs, ys, weights = [], [], []
        per_set = {name: 0.0 for name in self.devsets}
        for key in keys:
            page = self.rows[key]
            labelled = page.y >= 0
            count = int(labelled.sum())
            if count:
                x = page.x if first is None else with_context(page.x, first)
                xs.append(x[labelled])
                ys.append(page.y[labelled])
                weights.append(np.full(count, np.sqrt(count) / count))
                per_set[key[0]] += np.sqrt(count)
        # Every set weighs the same in total.
        sets = [key[0] for key in keys if int((self.rows[key].y >= 0).sum())]
        scale = np.concatenate([w / per_set[name] for w, name in zip(weights, sets, strict=True)])
        return np.vstack(xs), np.concatenate(ys), scale

    def f1(self, scores: dict[Key, np.ndarray], threshold: float) -> float:
        """Mean F over the sets of ``scores``' pages, of the lines kept at ``threshold``
        (``QuickScore``: score.py's figures without making each text)."""
        by_set: dict[str, list[tuple[Any, ...]]] = {}
        for key, page_scores in scores.items():
            page = self.rows[key]
            kept = [i for i, s in zip(page.index, page_scores, strict=True) if s >= threshold]
            by_set.setdefault(key[0], []).append(self.quick(key).page(kept))
        return float(np.mean([summary_f1(pages) for pages in by_set.values()]))

    def quick(self, key: Key) -> QuickScore:
        if key not in self._quick:
            self._quick[key] = QuickScore(self.devsets[key[0]], key[1], self.rows[key].lines)
        return self._quick[key]


class QuickScore:
    """score.py's per-page figures for any choice of a page's lines, fast enough to try
    many thresholds on thousands of pages: the gold's shingles, the lines' tokens (or
    canonical forms) are worked out once.

    Article metric: tokens become small integers and a 4-gram one integer, so counting
    the shingles two texts share is a numpy merge. Segment metric: the kept lines'
    canonical forms joined by a space are the canonical form of the text (score.py
    collapses the newline between them into one).
    """

    def __init__(self, devset: DevSet, page_id: str, lines: Sequence[str]) -> None:
        self.metric = devset.metric
        record = devset.record(page_id)
        if self.metric == "segments":
            squash = devset.score.squash
            self.lines = [squash(line) for line in lines]
            self.passages = [list(map(squash, record.get(k, []))) for k in ("with", "without")]
            return
        self.vocabulary: dict[str, int] = {}
        self.tokens = [self._ids(TOKEN.findall(line)) for line in lines]
        self.gold_tokens = self._ids(TOKEN.findall(record["article"] or ""))
        self.gold = _shingle_counts(self.gold_tokens, self._base())

    def _ids(self, tokens: list[str]) -> list[int]:
        vocabulary = self.vocabulary
        return [vocabulary.setdefault(token, len(vocabulary)) for token in tokens]

    def _base(self) -> int:
        return max(len(self.vocabulary), 1)

    def page(self, kept: Sequence[int]) -> tuple[Any, ...]:
        """The score.py row of the text made of the lines ``kept``."""
        if self.metric == "segments":
            text = " ".join(line for line in (self.lines[i] for i in kept) if line)
            with_, without = self.passages
            tp, fp = sum(p in text for p in with_), sum(p in text for p in without)
            return (tp, fp, len(with_) - tp, len(without) - fp)
        tokens = [token for i in kept for token in self.tokens[i]]
        ours = _shingle_counts(tokens, self._base())
        matched = _shared(ours, self.gold)
        n_ours, n_gold = int(ours[1].sum()), int(self.gold[1].sum())
        return (matched / n_ours if n_ours else None, matched / n_gold if n_gold else None)


def _shingle_counts(tokens: Sequence[int], base: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct shingles of a token sequence (as score.py forms them: 4-grams, or
    the whole text under 4 tokens), each one number, and how often each occurs."""
    ids = np.asarray(tokens, dtype=np.int64)
    if len(ids) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if len(ids) < 4:  # one shingle, the whole text: numbered apart from the 4-grams
        ids = np.concatenate([ids, np.full(4 - len(ids), -1)])[:4] + 1
        windows = ids[None, :]
        base += 1
    else:
        windows = np.lib.stride_tricks.sliding_window_view(ids, 4)
    if base**4 >= 2**62:  # too many words to pack exactly: hash them instead
        numbers = np.array([hash(tuple(w)) for w in windows.tolist()], dtype=np.int64)
    else:
        numbers = ((windows[:, 0] * base + windows[:, 1]) * base + windows[:, 2]) * base
        numbers = numbers + windows[:, 3]
    if len(tokens) < 4:
        numbers = -numbers - 1  # never equal to a 4-gram's number
    values, counts = np.unique(numbers, return_counts=True)
    return values, counts


def _shared(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> int:
    """How many shingles two counted multisets share (with multiplicity)."""
    _, left, right = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    return int(np.minimum(a[1][left], b[1][right]).sum())


def summary_f1(pages: Sequence[tuple[Any, ...]]) -> float:
    """F of a set from ``QuickScore.page`` rows, as score.py sums them up."""
    if len(pages[0]) == 4:
        tp, fp, fn = (sum(page[k] for page in pages) for k in range(3))
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    precisions = [page[0] for page in pages if page[0] is not None]
    recalls = [page[1] for page in pages if page[1] is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


# --------------------------------------------------------------------------- writing


def toml_table(name: str, names: Sequence[str], weights: np.ndarray) -> str:
    rows = "\n".join(f"{n} = {w:.6f}" for n, w in zip(names, weights, strict=True))
    return f"[{name}]\n{rows}\n"


def write_model(fitted: Fitted, devsets: Sequence[DevSet], table: Sequence[str]) -> Path:
    """Write ``fitted`` to its mode's model file, with the generalization ``table`` of
    the mode (the figures that predict unseen pages) in its header."""
    today = datetime.date.today().isoformat()
    path, line_names = MODES[fitted.mode]
    names = (*line_names, *BLOCK_NAMES)
    sets = " ".join(devset.name for devset in devsets)
    figures = "\n".join(f"#   {row}" for row in table)
    header = f"""# Weights of the {fitted.mode} line model of `classify_lines` (steps/classify).
# Written by: python bench/train_line_model.py {sets} --mode {fitted.mode} --write ({today})
# Fitted on every labelled non-blank line of those sets' pages, after preparation_steps;
# the threshold is the one of {THRESHOLDS} that scores best on them.
# What the same fitting does on pages it did not see (bench/generalization.py; cv: each
# page scored by a model fitted on the other folds of every set; lodo: fitted on the
# other set only), the default pipeline's scores:
{figures}
# A line whose final score is below `threshold` is furniture.
# Do not edit by hand: change features.py or the training, then retrain.

trained = "{today} {sets}"
threshold = {fitted.threshold}

"""
    body = (
        toml_table("stage1", names, fitted.first)
        + "\n"
        + toml_table("stage2", (*names, *CONTEXT_NAMES), fitted.second)
    )
    path.write_text(header + body, encoding="utf-8")
    return path


def main() -> int:
    import generalization  # beside this script; it imports this module

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", type=Path, nargs="+", help="dev set folders")
    parser.add_argument("--mode", choices=(*MODES, "both"), default="both")
    parser.add_argument("--write", action="store_true", help="write the modes' model files")
    parser.add_argument("--folds", type=int, default=generalization.FOLDS)
    parser.add_argument(
        "--leave-out", nargs="*", default=(), metavar="FEATURE",
        help="also leave these features out of the fits (to measure what a feature adds)",
    )  # fmt: skip
    args = parser.parse_args()
    # This file runs as __main__; generalization's Trainer reads the UNUSED of the module
    # it imported under its own name.
    from train_line_model import UNUSED as unused

    for mode, (_, line_names) in MODES.items():
        known = (*line_names, *BLOCK_NAMES)
        unused[mode] = (*unused[mode], *(name for name in args.leave_out if name in known))
    devsets = [DevSet.of(folder) for folder in args.folders]
    modes = tuple(MODES) if args.mode == "both" else (args.mode,)
    study = generalization.Study(devsets, modes, args.folds)
    rows = study.corpuskit_rows(shipped=False)
    for row in rows:
        print(row.line())
    if args.write:
        for mode in modes:
            fitted = study.trainer(mode).fit(study.all_keys())
            table = [row.line() for row in rows if row.mode == mode]
            print(f"wrote {write_model(fitted, devsets, table)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
