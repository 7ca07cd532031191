"""Classify the lines that no rule names: main text or page furniture, in context.

Rules remove what they can name; most furniture has no name. ``classify_lines`` scores
every remaining line with a linear model over the features of ``features.py`` (the line,
its paragraph, its neighbourhood) and removes the lines whose score falls below the
model's threshold, with the reason ``boilerplate`` (``after_article`` for the short lines
past the article, ``detached`` for the runs of lines cut off after it,
``before_article`` for the low-scoring runs of short lines cut off before it: see
``decide.py``). It scores in two stages: the second adds, for each line, the first-stage
scores of the two lines before and after it, so a short line between prose is read as
part of the prose and a line among menu items as a menu item.

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
from dataclasses import asdict, dataclass, field
from functools import cache
from itertools import compress, repeat
from operator import itemgetter, mul, ne, or_
from typing import Any, Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray

from corpuskit.data import load_table
from corpuskit.document import Document
from corpuskit.document import current_layout as current_layout  # where it was first
from corpuskit.lexicon.layout import LAYOUT_NAMES
from corpuskit.lexicon.stopwords import Stopwords
from corpuskit.pipeline import has_run, page_lines, remove_lines
from corpuskit.steps.classify.decide import REMOVING, Decision, Judged, keep_back
from corpuskit.steps.classify.features import (
    BLOCK_NAMES,
    LINE_NAMES,
    PageFeatures,
    page_features,
)
from corpuskit.steps.classify.markup import MARKUP_NAMES, markup_features
from corpuskit.steps.paragraphs import Seams

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

FloatArray = NDArray[np.float64]


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

    def scores(self, features: PageFeatures) -> tuple[list[float], FloatArray]:
        """The final score of each line of ``features`` in page order, and the second
        stage's context inputs of each line (see ``CONTEXT_NAMES``)."""
        extra = context(self._stage(features, self.weights).tolist())
        second = self._stage(features, self.context_weights)
        final = second + ordered_dot(extra, self.context_weights[len(self.names) :])
        scores: list[float] = final.tolist()
        return scores, extra

    def _stage(self, features: PageFeatures, weights: Sequence[float]) -> FloatArray:
        """Each line's score from ``NAMES`` alone: line part plus its block's part."""
        split = len(self.line_names)
        line_w, block_w = weights[:split], weights[split : len(self.names)]
        per_block = ordered_dot(features.block_array, block_w)
        return ordered_dot(features.line_array, line_w) + per_block[features.blocks]

    def explain(
        self,
        features: PageFeatures,
        scores: Sequence[float],
        extra: FloatArray,
        lines: list[int],
    ) -> Explanations:
        """For each of ``lines`` (positions in ``features``), by its index in the page:
        its final score and the features that pulled it down the most (``Pulls.against``).

        The explanations are worked out when first read (``--audit``, ``explain``): a
        plain run removes thousands of lines and never looks at why.
        """
        return Explanations(_Page(self.pulls, features, scores, extra, {}), lines)


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
    extra: FloatArray
    blocks: dict[int, list[tuple[float, str]]]


class Explanations(Mapping[int, "Explanation"]):
    """The ``Explanation`` of each of a page's removed lines by its index in the page,
    made when first read (by ``RemovedLines``, itself read only by ``--audit``,
    ``explain`` and reports): ``lines`` are their positions among the page's features."""

    __slots__ = ("_lines", "_made", "_page")

    def __init__(self, page: _Page, lines: list[int]) -> None:
        self._page = page
        self._lines = lines
        self._made: dict[int, Explanation] | None = None

    def _all(self) -> dict[int, Explanation]:
        if self._made is None:
            page, at = self._page, self._page.features.lines
            self._made = {at[k]: Explanation(page, k) for k in self._lines}
        return self._made

    def __getitem__(self, index: int) -> Explanation:
        return self._all()[index]

    def __iter__(self) -> Iterator[int]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._lines)


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
                block = page.blocks[b] = page.pulls.of_block(page.features.block_array[b].tolist())
            line = page.features.line_array[k].tolist()
            pulls = page.pulls.against(line, block, page.extra[k].tolist())
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


def ordered_dot(matrix: FloatArray, weights: Sequence[float]) -> FloatArray:
    """Each row of ``matrix`` times ``weights``, the products summed from the first
    column to the last: for each row, the floats ``sum(map(mul, weights, row))`` gives
    (Python's ``sum`` adds floats one after the other, from 0.0, up to 3.11), computed
    for all the rows of a page at once, one column at a time. ``matrix @ weights`` would
    sum in another order, and a score a hair from the threshold could flip.

    The products are taken at once, as the rows of an array that starts with a row of
    zeros (Python's 0.0), and added up by one ``add.reduce`` down its rows: a reduction
    along the first axis of a C-ordered array adds row after row into the running
    total, so each line's products are summed in column order as ``sum`` does. With
    one line only, its products would lie next to each other, and numpy sums such runs
    pairwise: the array is then two columns wide, the second all zeros and dropped.

    A column weighing 0 is left out: its products are 0.0 or -0.0 for the finite
    features a page has, and adding either leaves a total that started at 0.0 as it
    was (no sum of such floats is -0.0). The HTML model weighs 42 of its 79 first-stage
    features 0 and 45 of its 82 second-stage inputs (the text model 16 of 42 and 18 of
    45), so an HTML page multiplies half the columns.

    >>> ordered_dot(np.array([[1.0, 2.0], [0.5, -1.0]]), [3.0, 0.1]).tolist()
    [3.2, 1.4]
    >>> ordered_dot(np.array([[1.0, 2.0]]), [3.0, 0.1]).tolist()
    [3.2]
    """
    used = [column for column, weight in enumerate(weights) if weight]
    rows = len(matrix)
    products = np.zeros((len(used) + 1, max(rows, 2)))
    chosen = np.asarray(weights)[used][:, None]
    np.multiply(matrix.T[used], chosen, out=products[1:, :rows])
    total: FloatArray = np.add.reduce(products, axis=0)[:rows]
    return total


def context(first: Sequence[float]) -> FloatArray:
    """The second stage's extra inputs for each line (see ``CONTEXT_NAMES``), a row per
    line.

    >>> context([1.0, 2.0, 4.0, -1.0]).round(2).tolist()
    [[-3.0, 3.0, 0.76], [1.0, 1.5, 0.96], [1.5, -1.0, 1.0], [3.0, -3.0, -0.76]]
    """
    size = len(first)
    if not size:
        return np.zeros((0, len(CONTEXT_NAMES)))
    scores = np.asarray(first, dtype=np.float64)
    # means[j]: the mean of lines j and j + 1, the two lines before line j + 2 and the
    # two after line j - 1; one line short of the edge, the one line; at it, EDGE_SCORE.
    means = (scores[:-1] + scores[1:]) / 2
    previous = np.concatenate([[EDGE_SCORE], scores[:1], means])[:size]
    following = np.concatenate([means[1:], scores[-1:], [EDGE_SCORE]])[-size:]
    own = np.fromiter(map(math.tanh, scores.tolist()), dtype=np.float64, count=size)
    return np.column_stack([previous, following, own])


def with_context(rows: Sequence[list[float]], first: Sequence[float]) -> list[list[float]]:
    """Each full row with the second stage's inputs appended (for training)."""
    extra: list[list[float]] = context(first).tolist()
    return [[*row, *inputs] for row, inputs in zip(rows, extra, strict=True)]


#: The page-level decision HTML mode can be given (``html_decision``; off by default): a
#: rescue of pages left with fewer than 20 words, and no short lines kept in context.
#: Measured leave-one-dataset-out after the layout features of the anchors' containers
#: and the comment shapes landed (``python bench/train_line_model.py ... --mode html``,
#: docs/quality.md, "The page-level decision"): with it traf-dev HTML F is 0.912 LODO /
#: 0.924 cv, dragnet-dev 0.901 / 0.910; without it 0.910 / 0.923 and 0.906 / 0.915. The
#: rescue empties no page but keeps a wrong block on more pages than it saves, so HTML
#: mode leaves it off; the context rule costs HTML mode 0.002 on traf-dev (the markup
#: already tells its headings and list items). Re-measure both sets after retraining.
#: The ``detached`` rule is off in it: measured in text mode only; so are the text
#: mode's later changes (long lines of 24 words, paragraphs wrapped over lines counted
#: whole: ``tail_words`` and ``wrap_going_on`` are pinned to what was measured here).
HTML_DECISION = Decision(
    rescue_words=20, context_run=0, tail_words=20, detached_gap=0, wrap_going_on=2.0
)

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
DECISION_DOC = "the page-level decision of text pages: a table of its thresholds (docs/steps.md)"
HTML_DECISION_DOC = "the same for HTML pages; None: off (HTML_DECISION is the measured one)"


def check_decision(name: str, decision: Decision | None) -> None:
    """``ValueError`` naming the field when a threshold of ``decision`` is out of range:
    counts of words and lines are never negative, ``rescue_share`` is a share."""
    if decision is None:
        return
    for key, value in asdict(decision).items():
        if value < 0:
            raise ValueError(f"{name}: {key} must not be negative, not {value!r}")
    if decision.rescue_share > 1:
        raise ValueError(
            f"{name}: rescue_share is a share of at most 1, not {decision.rescue_share!r}"
        )


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
    decision: Decision | None = field(
        default_factory=Decision, repr=False, metadata={"doc": DECISION_DOC}
    )
    html_decision: Decision | None = field(
        default=None, repr=False, metadata={"doc": HTML_DECISION_DOC}
    )
    name = "classify_lines"

    def __post_init__(self) -> None:
        for name in ("decision", "html_decision"):
            check_decision(name, getattr(self, name))
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
        config["decision"] = None if self.decision is None else asdict(self.decision)
        config["html_decision"] = None if self.html_decision is None else asdict(self.html_decision)
        # the decision reads a line as a sentence going on by this table (``_goes_on``)
        config["closing"] = list(_closing_marks())
        return config

    def __call__(self, doc: Document) -> Document:
        if has_run(doc, self.name):
            return doc
        lines = page_lines(doc.text)
        layout = current_layout(doc)
        model = self.model if layout is None else self.html_model
        markup = None if layout is None else markup_features(lines, layout)
        features = page_features(lines, self.stopwords.get(doc.lang), markup)
        if len(features.lines) < MIN_LINES:
            return doc
        scores, inputs = model.scores(features)
        threshold = self.threshold_of(model)
        back = self.kept_back(lines, features, scores, threshold)
        low = [
            k
            for k, score in enumerate(scores)
            if (score < threshold and back[k] is None) or back[k] in REMOVING
        ]
        if not low:
            return doc
        rules: list[str | None] = [None] * len(lines)
        for k in low:
            rules[features.lines[k]] = back[k] or "boilerplate"
        why = model.explain(features, scores, inputs, low)
        return remove_lines(doc, self.name, rules, features=why, lines=lines)

    def kept_back(
        self,
        lines: Sequence[str],
        features: PageFeatures,
        scores: Sequence[float],
        threshold: float,
    ) -> list[str | None]:
        """For each scored line, the rule of the page-level decision that keeps it
        although it scores below ``threshold`` (``decide.keep_back``), or None; all None
        when the decision of the page's mode (``decision`` for text, ``html_decision``
        for a page read with its layout) is None."""
        html = features.line_array.shape[1] > len(LINE_NAMES)
        decision = self.html_decision if html else self.decision
        if decision is None:
            return [None] * len(scores)
        return keep_back(judged_lines(lines, features, scores, html), threshold, decision)

    def judged(self, doc: Document) -> Mapping[int, Mapping[str, float]]:
        """Every line this step would score on ``doc``, kept or not, by its index in
        ``doc``'s lines: its score (``Explanation["score"]``; below the model's
        threshold it is removed unless kept back) and what pulled it down; a line the
        page-level decision kept back has its rule as well (``{"in_context": 1.0}``,
        see ``decide.RULES``). Empty for a page the step leaves alone.

        The judgment ``__call__`` makes, through the model's public ``scores`` and
        ``explain``, for ``corpuskit explain``, which shows why a kept line was kept
        (``tests/steps/classify/test_classify.py`` checks the two agree on real pages).
        """
        if has_run(doc, self.name):
            return {}
        lines = page_lines(doc.text)
        layout = current_layout(doc)
        model = self.model if layout is None else self.html_model
        markup = None if layout is None else markup_features(lines, layout)
        features = page_features(lines, self.stopwords.get(doc.lang), markup)
        if len(features.lines) < MIN_LINES:
            return {}
        scores, context_inputs = model.scores(features)
        why = model.explain(features, scores, context_inputs, list(range(len(scores))))
        back = self.kept_back(lines, features, scores, self.threshold_of(model))
        judged: dict[int, Mapping[str, float]] = dict(why)
        for k, rule in enumerate(back):
            if rule is not None:
                at = features.lines[k]
                judged[at] = {**why[at], rule: 1.0}
        return judged


#: The columns of a line's features that mark furniture for the page-level decision
#: (``decide.Judged.furniture``): any of them non-zero and the line is never kept back.
FURNITURE_MARKS = ("copyright", "email", "url", "pipe")
#: The same in HTML mode: a line in a link, or in a container named as furniture. A
#: link's share is above 0 for any linked word: a heading that is a link stays judged
#: by its score.
HTML_FURNITURE_MARKS = (*FURNITURE_MARKS, "html_link", "html_furniture")


def judged_lines(
    lines: Sequence[str], features: PageFeatures, scores: Sequence[float], html: bool
) -> list[Judged]:
    """Each scored line as ``decide.keep_back`` sees it (``html``: the page's features
    hold its layout's).

    Made a column at a time (``Judged`` fields from ``map`` over the page's lines, the
    tuples made by ``tuple.__new__``, which is what a named tuple's constructor calls):
    no Python call per line. ``judged_lines_by_line`` is the definition it must match.
    """
    furniture = _furniture(features, html)
    words: list[int] = np.rint(np.expm1(features.line_array[:, _WORDS])).astype(np.int64).tolist()
    blocks = features.blocks
    opens = list(map(ne, blocks, [None, *blocks[:-1]]))
    texts = list(map(str.strip, map(lines.__getitem__, features.lines)))  # none is blank
    firsts = list(map(itemgetter(0), texts))
    closing = _closing_marks()
    if all(len(mark) == 1 for mark in closing):  # ``startswith`` is then membership
        going = list(
            map(or_, map(str.islower, firsts), map(frozenset(closing).__contains__, firsts))
        )
    else:
        going = [_goes_on(text, closing) for text in texts]
    fields = zip(scores, words, furniture, map(itemgetter(-1), texts), opens, going, strict=True)
    return list(map(tuple.__new__, repeat(Judged), fields))


def judged_lines_by_line(
    lines: Sequence[str], features: PageFeatures, scores: Sequence[float], html: bool
) -> list[Judged]:
    """``judged_lines`` one line at a time: the definition (kept for the tests)."""
    furniture = _furniture(features, html)
    words: list[float] = np.rint(np.expm1(features.line_array[:, _WORDS])).tolist()
    blocks = features.blocks
    opens = [k == 0 or blocks[k] != blocks[k - 1] for k in range(len(blocks))]
    closing = _closing_marks()
    return [
        Judged(score, int(count), mark, text.rstrip()[-1:], first, _goes_on(text, closing))
        for score, count, mark, text, first in zip(
            scores, words, furniture, (lines[at] for at in features.lines), opens, strict=True
        )
    ]


#: Where ``line_words`` (log1p of the line's words) is among a line's features.
_WORDS = LINE_NAMES.index("line_words")


def _furniture(features: PageFeatures, html: bool) -> list[bool]:
    """For each line of ``features``, whether it bears a mark of furniture: one of
    ``FURNITURE_MARKS`` (``HTML_FURNITURE_MARKS`` for ``html``) is not 0."""
    names = HTML_LINE_NAMES if html else LINE_NAMES
    marks = [names.index(name) for name in (HTML_FURNITURE_MARKS if html else FURNITURE_MARKS)]
    marked = np.asarray(features.line_array[:, marks] > 0).any(axis=1)
    furniture: list[bool] = np.asarray(marked).tolist()
    return furniture


@cache
def _closing_marks() -> tuple[str, ...]:
    """The closing punctuation that glues a line onto the one before in ``join_lines``
    (``Seams.closing``, from ``data/paragraphs.toml``)."""
    return Seams.default().closing


def _goes_on(line: str, closing: tuple[str, ...]) -> bool:
    """Whether ``line`` starts as a sentence going on does: a lowercase letter or closing
    punctuation (``decide.Judged.goes_on``).

    >>> _goes_on("  to fall protection,", (",",)), _goes_on("Dominion in", (",",))
    (True, False)
    """
    start = line.lstrip()[:1]
    return start.islower() or start.startswith(closing)
