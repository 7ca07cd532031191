"""Classify the lines that no rule names: main text or page furniture, in context.

Rules remove what they can name; most furniture has no name. ``classify_lines`` scores
every remaining line with a linear model over the features of ``features.py`` (the line,
its paragraph, its neighbourhood) and removes the lines whose score falls below the
model's threshold, with the reason ``boilerplate``. It scores in two stages: the second
adds, for each line, the first-stage scores of the two lines before and after it, so a
short line between prose is read as part of the prose and a line among menu items as a
menu item.

The weights are data (``corpuskit/data/line_model.toml``), trained by
``bench/train_line_model.py`` on lines of benchmark pages labelled by their passages,
and validated on pages the training did not see; the file records how. Every removal
records its score and the features that weighed most against the line, for ``explain``
and ``--audit``.
"""

from __future__ import annotations

import hashlib
import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from corpuskit.data import load_table
from corpuskit.document import Document
from corpuskit.filters.features import (
    BLOCK_NAMES,
    LINE_NAMES,
    NAMES,
    PageFeatures,
    page_features,
)
from corpuskit.filters.stopwords import Stopwords
from corpuskit.pipeline import has_run, remove_lines

#: The second stage's extra inputs: mean first-stage score of the two non-blank lines
#: before and after (``EDGE_SCORE`` at the edge of the page), and the line's own score.
CONTEXT_NAMES = ("prev_score", "next_score", "own_score")
EDGE_SCORE = -3.0
#: How many of the features that weighed most against a removed line to record.
EXPLAINED_FEATURES = 3
#: A page with fewer non-blank lines than this is left alone: the model judges lines by
#: their neighbourhood and was trained on whole pages; a lone sentence has neither (a
#: JSONL record holding one paragraph, ``clean_text("...")`` on a sentence).
MIN_LINES = 3


@dataclass(frozen=True)
class LineModel:
    """Two stages of weights over ``NAMES`` (+ ``CONTEXT_NAMES``) and a threshold."""

    weights: tuple[float, ...]
    context_weights: tuple[float, ...]
    threshold: float
    digest: str

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> LineModel:
        """Read a table shaped like ``line_model.toml``, checking the feature names."""
        first, second = table["stage1"], table["stage2"]
        if tuple(first) != NAMES or tuple(second) != (*NAMES, *CONTEXT_NAMES):
            raise ValueError("line model does not match the features; retrain it")
        return cls(
            tuple(float(w) for w in first.values()),
            tuple(float(w) for w in second.values()),
            float(table["threshold"]),
            hashlib.sha256(repr(sorted(table.items())).encode()).hexdigest()[:16],
        )

    @classmethod
    def default(cls) -> LineModel:
        return cls.from_table(load_table("line_model"))

    def scores(self, features: PageFeatures) -> tuple[list[float], list[list[float]]]:
        """The final score of each line of ``features`` in page order, and the second
        stage's context inputs of each line (see ``CONTEXT_NAMES``)."""
        extra = context(self._stage(features, self.weights))
        second = self._stage(features, self.context_weights)
        tail = self.context_weights[len(NAMES) :]
        return [s + _dot(tail, c) for s, c in zip(second, extra, strict=True)], extra

    def _stage(self, features: PageFeatures, weights: Sequence[float]) -> list[float]:
        """Each line's score from ``NAMES`` alone: line part plus its block's part."""
        split = len(LINE_NAMES)
        line_w, block_w = weights[:split], weights[split : len(NAMES)]
        per_block = [_dot(block_w, part) for part in features.block_parts]
        return [
            _dot(line_w, part) + per_block[b]
            for part, b in zip(features.line_parts, features.blocks, strict=True)
        ]

    def block_pulls(self, block_part: Sequence[float]) -> list[tuple[float, str]]:
        """A block's strongest pulls on the final score, lowest first (shared by its lines)."""
        weights = self.context_weights[len(LINE_NAMES) : len(NAMES)]
        pulls = zip(map(operator.mul, weights, block_part), BLOCK_NAMES, strict=True)
        return sorted(pulls)[:EXPLAINED_FEATURES]

    def against(
        self, line_part: Sequence[float], block: list[tuple[float, str]], extra: Sequence[float]
    ) -> dict[str, float]:
        """The features that pulled a line's final score down the most, with their pull.

        ``block`` is ``block_pulls`` of the line's block; ``extra`` its context inputs.
        """
        weights = self.context_weights
        pulls = [
            *zip(map(operator.mul, weights, line_part), LINE_NAMES, strict=False),
            *zip(map(operator.mul, weights[len(NAMES) :], extra), CONTEXT_NAMES, strict=True),
            *block,
        ]
        return {
            name: round(pull, 3) for pull, name in sorted(pulls)[:EXPLAINED_FEATURES] if pull < 0
        }


def _dot(weights: Sequence[float], row: Sequence[float]) -> float:
    return float(sum(map(operator.mul, weights, row)))


def context(first: Sequence[float]) -> list[list[float]]:
    """The second stage's extra inputs for each line (see ``CONTEXT_NAMES``)."""
    out = []
    for k, own in enumerate(first):
        before, after = first[max(0, k - 2) : k], first[k + 1 : k + 3]
        previous = sum(before) / len(before) if before else EDGE_SCORE
        following = sum(after) / len(after) if after else EDGE_SCORE
        out.append([previous, following, math.tanh(own)])
    return out


def with_context(rows: Sequence[list[float]], first: Sequence[float]) -> list[list[float]]:
    """Each full row with the second stage's inputs appended (for training)."""
    return [[*row, *extra] for row, extra in zip(rows, context(first), strict=True)]


@dataclass(frozen=True)
class ClassifyLines:
    """Step ``classify_lines``: remove the lines the line model scores as furniture.

    Uses the page's ``lang`` (run ``detect_language`` first) to pick the stopword list.
    A page this step has already cleaned (its history holds a ``classify_lines`` edit)
    is left alone: judged again without the furniture around it, its remaining lines
    would look different and the model would peel off another layer, so cleaning a
    cleaned document would not be a no-op.
    """

    model: LineModel = field(default_factory=LineModel.default)
    stopwords: Stopwords = field(default_factory=Stopwords, compare=False, repr=False)
    name = "classify_lines"

    @property
    def config(self) -> dict[str, Any]:
        return {"model": self.model.digest, "threshold": self.model.threshold}

    def __call__(self, doc: Document) -> Document:
        if has_run(doc, self.name):
            return doc
        lines = doc.text.split("\n")
        if sum(1 for line in lines if line.strip()) < MIN_LINES:
            return doc
        features = page_features(lines, self.stopwords.get(doc.lang))
        scores, extra = self.model.scores(features)
        low = [k for k, score in enumerate(scores) if score < self.model.threshold]
        if not low:
            return doc
        rules: list[str | None] = [None] * len(lines)
        why: dict[int, dict[str, float]] = {}
        blocks: dict[int, list[tuple[float, str]]] = {}
        for k in low:
            b = features.blocks[k]
            if b not in blocks:
                blocks[b] = self.model.block_pulls(features.block_parts[b])
            pulls = self.model.against(features.line_parts[k], blocks[b], extra[k])
            rules[features.lines[k]] = "boilerplate"
            why[features.lines[k]] = {"score": round(scores[k], 3), **pulls}
        return remove_lines(doc, self.name, rules, features=why)
