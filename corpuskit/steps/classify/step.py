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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress, pairwise
from operator import mul
from typing import Any, Literal, NamedTuple

from corpuskit.data import load_table
from corpuskit.document import Document
from corpuskit.document import current_layout as current_layout  # where it was first
from corpuskit.lexicon.layout import LAYOUT_NAMES
from corpuskit.lexicon.stopwords import Stopwords
from corpuskit.pipeline import has_run, remove_lines
from corpuskit.steps.classify.features import (
    BLOCK_NAMES,
    LINE_NAMES,
    PageFeatures,
    page_features,
)
from corpuskit.steps.classify.markup import MARKUP_NAMES, markup_features

#: The second stage's extra inputs: mean first-stage score of the two non-blank lines
#: before and after (``EDGE_SCORE`` at the edge of the page), and the line's own score.
CONTEXT_NAMES = ("prev_score", "next_score", "own_score")
EDGE_SCORE = -3.0
#: The line features of the HTML model: the text's, then the markup's (the line's own,
#: then its context's: ``steps/classify/markup.py``).
HTML_LINE_NAMES = (*LINE_NAMES, *LAYOUT_NAMES, *MARKUP_NAMES)
#: How many of the features that weighed most against a removed line to record.
EXPLAINED_FEATURES = 3
#: A page with fewer non-blank lines than this is left alone: the model judges lines by
#: their neighbourhood and was trained on whole pages; a lone sentence has neither (a
#: JSONL record holding one paragraph, ``clean_text("...")`` on a sentence).
MIN_LINES = 3


@dataclass(frozen=True)
class LineModel:
    """Two stages of weights over ``names`` (+ ``CONTEXT_NAMES``) and a threshold.

    ``line_names`` are the features of the line itself: ``LINE_NAMES`` for text, with
    ``LAYOUT_NAMES`` after them for the HTML model; the block features follow.
    """

    weights: tuple[float, ...]
    context_weights: tuple[float, ...]
    threshold: float
    digest: str
    line_names: tuple[str, ...] = LINE_NAMES
    pulls: Pulls = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pulls", Pulls.of(self.context_weights, self.line_names))

    @property
    def names(self) -> tuple[str, ...]:
        """The first stage's features, in order."""
        return (*self.line_names, *BLOCK_NAMES)

    @classmethod
    def from_table(
        cls, table: Mapping[str, Any], line_names: tuple[str, ...] = LINE_NAMES
    ) -> LineModel:
        """Read a table shaped like ``line_model.toml``: each stage's weights by feature
        name (see ``stage_weights``)."""
        first, second = table["stage1"], table["stage2"]
        names = (*line_names, *BLOCK_NAMES)
        return cls(
            stage_weights(first, names),
            stage_weights(second, (*names, *CONTEXT_NAMES)),
            float(table["threshold"]),
            hashlib.sha256(repr(sorted(table.items())).encode()).hexdigest()[:16],
            line_names,
        )

    @classmethod
    def default(cls) -> LineModel:
        """The model for text: ``data/line_model.toml``."""
        return cls.from_table(load_table("line_model"))

    @classmethod
    def html_default(cls) -> LineModel:
        """The model for HTML pages read with their layout: ``data/html_line_model.toml``."""
        return cls.from_table(load_table("html_line_model"), HTML_LINE_NAMES)

    def scores(self, features: PageFeatures) -> tuple[list[float], list[list[float]]]:
        """The final score of each line of ``features`` in page order, and the second
        stage's context inputs of each line (see ``CONTEXT_NAMES``)."""
        extra = context(self._stage(features, self.weights))
        second = self._stage(features, self.context_weights)
        tail = self.context_weights[len(self.names) :]
        return [s + sum(map(mul, tail, c)) for s, c in zip(second, extra, strict=True)], extra

    def _stage(self, features: PageFeatures, weights: Sequence[float]) -> list[float]:
        """Each line's score from ``NAMES`` alone: line part plus its block's part."""
        split = len(self.line_names)
        line_w, block_w = weights[:split], weights[split : len(self.names)]
        per_block = [sum(map(mul, block_w, part)) for part in features.block_parts]
        return [
            sum(map(mul, line_w, part)) + per_block[b]
            for part, b in zip(features.line_parts, features.blocks, strict=True)
        ]

    def explain(
        self,
        features: PageFeatures,
        scores: Sequence[float],
        extra: Sequence[Sequence[float]],
        lines: Sequence[int],
    ) -> dict[int, Explanation]:
        """For each of ``lines`` (positions in ``features``), by its index in the page:
        its final score and the features that pulled it down the most (``Pulls.against``).

        The explanations are worked out when first read (``--audit``, ``explain``): a
        plain run removes thousands of lines and never looks at why.
        """
        page = _Page(self.pulls, features, scores, extra, {})
        return {features.lines[k]: Explanation(page, k) for k in lines}


def stage_weights(stage: Mapping[str, Any], names: Sequence[str]) -> tuple[float, ...]:
    """The weights of one stage's table, in the order of ``names``.

    A feature the table does not name weighs 0: a model trained before a feature was
    added (the HTML walk's ``html_comment``) scores every page as it did, until it is
    retrained. A name that is no feature is an error: the model counts on a feature
    this code does not compute, and would score otherwise than it was trained to.

    >>> stage_weights({"b": 2, "a": 1}, ("a", "b", "c"))
    (1.0, 2.0, 0.0)
    """
    unknown = sorted(set(stage) - set(names))
    if unknown:
        raise ValueError(
            f"line model weighs features that are not computed ({', '.join(unknown)}); retrain it"
        )
    return tuple(float(stage.get(name, 0.0)) for name in names)


class _Page(NamedTuple):
    """What the explanations of one page's lines share (``blocks``: block pulls so far)."""

    pulls: Pulls
    features: PageFeatures
    scores: Sequence[float]
    extra: Sequence[Sequence[float]]
    blocks: dict[int, list[tuple[float, str]]]


class Explanation(Mapping[str, float]):
    """A removed line's score and the features that pulled it down the most, by name.

    A read-only mapping like the dict it stands for (equal to it, pickled as it), whose
    values are computed on first access.
    """

    __slots__ = ("_index", "_page", "_values")

    def __init__(self, page: _Page, index: int) -> None:
        self._page = page
        self._index = index
        self._values: dict[str, float] | None = None

    def _resolve(self) -> dict[str, float]:
        if self._values is None:
            page, k = self._page, self._index
            b = page.features.blocks[k]
            block = page.blocks.get(b)
            if block is None:
                block = page.blocks[b] = page.pulls.of_block(page.features.block_parts[b])
            pulls = page.pulls.against(page.features.line_parts[k], block, page.extra[k])
            self._values = {"score": round(page.scores[k], 3), **pulls}
        return self._values

    def __getitem__(self, name: str) -> float:
        return self._resolve()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._resolve())

    def __len__(self) -> int:
        return len(self._resolve())

    def __repr__(self) -> str:
        return repr(self._resolve())

    def __reduce__(self) -> tuple[type[dict[str, float]], tuple[dict[str, float]]]:
        return dict, (self._resolve(),)


class Weighted(NamedTuple):
    """Some features' second-stage weights and names, and which of a part's values
    they weigh (``mask``, as for ``itertools.compress``)."""

    mask: tuple[bool, ...]
    weights: tuple[float, ...]
    names: tuple[str, ...]

    @classmethod
    def of(cls, weights: Sequence[float], names: Sequence[str], negative: bool) -> Weighted:
        """The features of ``names`` (all, or only those of negative weight)."""
        mask = tuple(w < 0 or not negative for w in weights)
        return cls(mask, tuple(compress(weights, mask)), tuple(compress(names, mask)))

    def pulls(self, values: Sequence[float]) -> Iterator[tuple[float, str]]:
        """``(weight * value, name)`` of each of these features."""
        return zip(map(mul, self.weights, compress(values, self.mask)), self.names, strict=False)


@dataclass(frozen=True)
class Pulls:
    """Which features pull a line's final score down, and how much (for explanations).

    A feature's pull is its second-stage weight times its value. Every line and block
    feature is at least 0 (lengths, shares, flags, position:
    ``tests/steps/classify/test_features.py`` checks it on real pages), so only the
    features with a negative weight can pull a score down, and only those are looked at:
    about half of them, for each of the many lines a page loses. The context inputs can
    be negative: all three are looked at.
    """

    line: Weighted
    block: Weighted
    context: Weighted

    @classmethod
    def of(cls, weights: Sequence[float], line_names: Sequence[str] = LINE_NAMES) -> Pulls:
        """The pulls of the second stage's ``weights`` (line features ``line_names``,
        then ``BLOCK_NAMES`` and ``CONTEXT_NAMES``)."""
        split = len(line_names)
        end = split + len(BLOCK_NAMES)
        return cls(
            Weighted.of(weights[:split], line_names, negative=True),
            Weighted.of(weights[split:end], BLOCK_NAMES, negative=True),
            Weighted.of(weights[end:], CONTEXT_NAMES, negative=False),
        )

    def of_block(self, block_part: Sequence[float]) -> list[tuple[float, str]]:
        """The ``EXPLAINED_FEATURES`` lowest pulls of a block's features, lowest first:
        only these can be among the strongest on any of its lines."""
        return sorted(self.block.pulls(block_part))[:EXPLAINED_FEATURES]

    def against(
        self, line_part: Sequence[float], block: list[tuple[float, str]], extra: Sequence[float]
    ) -> dict[str, float]:
        """The ``EXPLAINED_FEATURES`` strongest pulls down on a line (rounded), strongest
        first, among its own features, its context inputs and its block's ``block``;
        equal pulls in name order."""
        pulls = [*self.line.pulls(line_part), *self.context.pulls(extra), *block]
        pulls.sort()
        return {name: round(pull, 3) for pull, name in pulls[:EXPLAINED_FEATURES] if pull < 0}


def context(first: Sequence[float]) -> list[list[float]]:
    """The second stage's extra inputs for each line (see ``CONTEXT_NAMES``).

    >>> [[round(x, 2) for x in inputs] for inputs in context([1.0, 2.0, 4.0, -1.0])]
    [[-3.0, 3.0, 0.76], [1.0, 1.5, 0.96], [1.5, -1.0, 1.0], [3.0, -3.0, -0.76]]
    """
    if not first:
        return []
    # means[j]: the mean of lines j and j + 1, the two lines before line j + 2 and the
    # two after line j - 1; one line short of the edge, the one line; at it, EDGE_SCORE.
    means = [(a + b) / 2 for a, b in pairwise(first)]
    size = len(first)
    previous = [EDGE_SCORE, first[0], *means][:size]
    following = [*means[1:], first[-1], EDGE_SCORE][-size:]
    return list(map(list, zip(previous, following, map(math.tanh, first), strict=True)))


def with_context(rows: Sequence[list[float]], first: Sequence[float]) -> list[list[float]]:
    """Each full row with the second stage's inputs appended (for training)."""
    return [[*row, *extra] for row, extra in zip(rows, context(first), strict=True)]


#: ``favor``'s presets: how far each moves the model's own threshold (text 0.0, HTML
#: -0.2; a line's score is a log-odds of main text). One unit either way moves precision
#: or recall by 2.5 to 8 points on both dev sets, text and HTML, F moving by -4 to +2
#: points (half a unit moved them half as far: too little to be worth a flag); table in
#: docs/steps.md. Re-measure with ``bench/thresholds.py`` (both dev sets, both modes)
#: after retraining a model or changing these, and update that table and the README's.
FAVOR_SHIFTS = {"balanced": 0.0, "precision": 1.0, "recall": -1.0}
#: What ``corpuskit steps`` says about ``threshold`` and ``favor``.
THRESHOLD_DOC = "remove lines scoring below this; None: the model's own, moved by favor"
FAVOR_DOC = "precision removes more, recall keeps more (the threshold moved; docs/steps.md)"


@dataclass(frozen=True)
class ClassifyLines:
    """Step ``classify_lines``: remove the lines the line model scores as furniture.

    A line whose score falls below the threshold goes: ``threshold`` if given (for
    whichever model judges the page), else the model's own, moved by the ``favor``
    preset (``FAVOR_SHIFTS``): ``precision`` removes more furniture and some text with
    it, ``recall`` keeps more text and some furniture with it, as trafilatura's
    ``favor_precision`` / ``favor_recall`` do.

    Uses the page's ``lang`` (run ``detect_language`` first) to pick the stopword list.
    A page this step has already cleaned (its history holds a ``classify_lines`` edit)
    is left alone: judged again without the furniture around it, its remaining lines
    would look different and the model would peel off another layer, so cleaning a
    cleaned document would not be a no-op.
    """

    model: LineModel = field(default_factory=LineModel.default)
    html_model: LineModel = field(default_factory=LineModel.html_default)
    stopwords: Stopwords = field(default_factory=Stopwords, compare=False, repr=False)
    threshold: float | None = field(default=None, metadata={"doc": THRESHOLD_DOC})
    favor: Literal["balanced", "precision", "recall"] = field(
        default="balanced", metadata={"doc": FAVOR_DOC}
    )
    name = "classify_lines"

    def __post_init__(self) -> None:
        if self.favor not in FAVOR_SHIFTS:
            raise ValueError(f"favor: one of {', '.join(FAVOR_SHIFTS)}, not {self.favor!r}")
        if self.threshold is not None and self.favor != "balanced":
            raise ValueError("threshold: give a threshold or favor a side, not both")

    def threshold_of(self, model: LineModel) -> float:
        """The score below which ``model``'s lines are removed."""
        if self.threshold is not None:
            return self.threshold
        return model.threshold + FAVOR_SHIFTS[self.favor]

    @property
    def config(self) -> dict[str, Any]:
        """The models, and ``threshold`` / ``favor`` when set (so that the default step
        hashes as it did before they were parameters)."""
        config: dict[str, Any] = {
            "model": self.model.digest,
            "threshold": self.model.threshold,
            "html_model": self.html_model.digest,
        }
        if self.threshold is not None:
            config["given_threshold"] = self.threshold
        if self.favor != "balanced":
            config["favor"] = self.favor
        return config

    def __call__(self, doc: Document) -> Document:
        if has_run(doc, self.name):
            return doc
        lines = doc.text.split("\n")
        layout = current_layout(doc)
        model = self.model if layout is None else self.html_model
        extra = None if layout is None else markup_features(lines, layout)
        features = page_features(lines, self.stopwords.get(doc.lang), extra)
        if len(features.lines) < MIN_LINES:
            return doc
        scores, extra = model.scores(features)
        threshold = self.threshold_of(model)
        low = [k for k, score in enumerate(scores) if score < threshold]
        if not low:
            return doc
        rules: list[str | None] = [None] * len(lines)
        for k in low:
            rules[features.lines[k]] = "boilerplate"
        why = model.explain(features, scores, extra, low)
        return remove_lines(doc, self.name, rules, features=why, lines=lines)

    def judged(self, doc: Document) -> dict[int, Explanation]:
        """Every line this step would score on ``doc``, kept or not, by its index in
        ``doc``'s lines: its score (``Explanation["score"]``; below the model's
        threshold it is removed) and what pulled it down. Empty for a page the step
        leaves alone.

        The judgment ``__call__`` makes, through the model's public ``scores`` and
        ``explain``, for ``corpuskit explain``, which shows why a kept line was kept
        (``tests/steps/classify/test_classify.py`` checks the two agree on real pages).
        """
        if has_run(doc, self.name):
            return {}
        lines = doc.text.split("\n")
        layout = current_layout(doc)
        model = self.model if layout is None else self.html_model
        extra = None if layout is None else markup_features(lines, layout)
        features = page_features(lines, self.stopwords.get(doc.lang), extra)
        if len(features.lines) < MIN_LINES:
            return {}
        scores, context_inputs = model.scores(features)
        return model.explain(features, scores, context_inputs, range(len(scores)))
