"""The page-level decision after the line scores: lines of the article kept back.

The line model judges each line in its neighbourhood; two kinds of page defeat it, and
this stage looks at the page as a whole once every line has its score:

- a short article, or one made of short lines (a post of two paragraphs, lyrics, a
  photo post of credit lines, a list), scores low everywhere and would leave the page
  (almost) empty. When the lines above the threshold hold fewer than
  ``Decision.rescue_words`` words, the page's best block is kept instead: the
  contiguous run of lines that holds the most words the model most believes in, as
  readability keeps its best candidate whatever its score (rule ``best_block``);
- short lines inside the article (headings, list items, captions, score lines) score
  low on their own. A run of at most ``Decision.context_run`` short removed lines
  (one, by default) between two kept lines takes the class of its neighbours, as jusText's short
  paragraphs do in context (rule ``in_context``); the short lines right after a kept
  line ending in ":" are the list it announces (rule ``after_colon``). A line with the
  marks of furniture (a URL, an e-mail address, ©, "|"; in HTML mode a link, or a
  container named as furniture) is never kept back;
- after the article come its furniture: the teasers, the newsletter prompt, the
  author's line, the "Login to reply" of the comments. Past the page's last long line
  (``Decision.tail_words`` words, kept) and a removed line after it, the short lines
  (at most ``Decision.tail_short`` words) are removed whatever their score (rule
  ``after_article``). Here and below a line's words are its paragraph's when the
  lines are one paragraph wrapped over lines (``paragraph_words``: kept lines without
  a blank between them, most going on with the sentence of the line before), as a
  dump with hard line breaks prints it;
- the furniture after the article is often prose too (an author's box, a sidebar of
  testimonials, a registration form, teasers with their standfirsts), which the rule
  above does not reach. The kept lines fall into runs, cut where at least
  ``Decision.detached_gap`` removed lines stand between two kept ones; the article is
  the run holding the most words of long lines. A run after it holding fewer than
  ``Decision.detached_share`` of the article's long-line words is removed whatever its
  scores (rule ``detached``): readability keeps its best candidate and the siblings
  that are as good, not what lies a menu away;
- before the article stand the site's own furniture: a list of headlines of other
  stories, a blurb about the blog, the navigation the model half believes in. A run
  before the article's that holds no long line (``Decision.tail_words`` words) and
  scores lower than the article on average by more than ``Decision.before_score`` is
  removed (rule ``before_article``): a headline or a standfirst scores like the
  article, a teaser list does not.

Pure data to data: the scores, the threshold and a few facts of each line
(``Judged``); ``classify_lines`` applies the result and ``explain`` shows the rule.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

#: The rules by which a line scoring below the threshold is kept (``explain`` shows them).
RULES = frozenset({"best_block", "in_context", "after_colon"})
#: The rules by which a line scoring above the threshold (or kept back) is removed.
AFTER_ARTICLE = "after_article"
DETACHED = "detached"
BEFORE_ARTICLE = "before_article"
REMOVING = frozenset({AFTER_ARTICLE, DETACHED, BEFORE_ARTICLE})


class Judged(NamedTuple):
    """A non-blank line as the decision sees it: its score, its words, whether it bears
    a mark of furniture (see the module's docstring), its last character, whether it
    opens a block (a blank line, or the page's start, stands before it) and whether it
    starts as a sentence going on does (a lowercase letter, closing punctuation: the
    lines of a paragraph wrapped over lines, ``paragraph_words``)."""

    score: float
    words: int
    furniture: bool
    last: str
    opens: bool = True
    goes_on: bool = False


@dataclass(frozen=True)
class Decision:
    """The thresholds of the page-level decision (re-measure with
    ``bench/quality.py --generalization`` on both dev sets, both modes, after changing
    any of them)."""

    #: A page whose kept lines hold fewer words than this gets its best block. 60
    #: (text mode): measured leave-one-dataset-out with the context rule at 3 lines of
    #: 12 words, 20 / 40 / 60
    #: words raise traf-dev F by 0.012 / 0.014 / 0.018 and dragnet-dev by 0.011 each;
    #: without it (share 0.5) 100 and 150 words bring no more than 60 (docs/quality.md).
    rescue_words: int = 60
    #: A line counts for the best block when its probability of being text is at least
    #: this share of the page's best line's (the block is the run maximizing the words
    #: above that share minus the words below it). 0.3: at 60 words 0.5 keeps less
    #: (traf-dev recall 0.816 against 0.827, F 0.840 against 0.844); 0.2 takes traf-dev
    #: precision to 0.849, below the issue's 0.85, for 0.003 F.
    rescue_share: float = 0.3
    #: At most this many removed lines between two kept lines are kept in context. 1: a
    #: heading, a caption, a byline between two kept lines; a menu is longer. With
    #: ``context_words`` 6, against 3 lines of 12 words: leave-one-dataset-out F
    #: 0.844 / 0.801 against 0.843 / 0.804 (traf-dev / dragnet-dev), precision 0.860
    #: against 0.855 on traf-dev, and in sample (shipped models) 0.847 against 0.841:
    #: the longer runs bring dragnet-dev's subheadings and lists, and as much furniture.
    context_run: int = 1
    #: A line kept in context holds at most this many words: short lines are what the
    #: model misjudges alone; a long line it removed it removed for its own reasons.
    #: 6 with ``context_run`` 1 (see there).
    context_words: int = 6
    #: At most this many short lines after a kept line ending in ":" are kept as the list
    #: it announces. 0, off: alone at 12 it costs traf-dev 0.011 precision for no F,
    #: and on top of the two other rules 0.001 F on each set (what follows a colon is
    #: as often a menu, "Follow us:", "Related:"). Kept as a parameter to measure again.
    colon_run: int = 0
    #: A kept line of at least this many words is the article's: the short lines after
    #: the page's last one and a removed line are its furniture (``after_article``).
    #: 20 with ``tail_short`` 16, leave-one-dataset-out (bench/quality.py
    #: --generalization, text): traf-dev / dragnet-dev F 0.848 / 0.809 without the
    #: rule, 0.850 / 0.813 with it, traf-dev precision 0.839 -> 0.844. Without the
    #: removed line in between (``tail_short`` 8) it cuts more: traf-dev 0.860 / 0.844 /
    #: 0.852 (P / R / F), but dragnet-dev F 0.805 (its short lines right after the
    #: article are text). 24 since paragraphs wrapped over lines count whole
    #: (``wrap_going_on``; the same LODO models on the prepared pages, F traf-dev /
    #: dragnet-dev): 0.8567 / 0.8383 at 20, 0.8572 / 0.8398 at 22, 0.8575 / 0.8401 at
    #: 24 (precision 0.8590 -> 0.8596 and 0.8243 -> 0.8273), 0.8573 / 0.8400 at 25,
    #: 0.8560 / 0.8405 at 26, 0.8555 / 0.8402 at 30, 0.8533 / 0.8402 at 40; at 24
    #: without whole paragraphs 0.8565 / 0.8368. The same count makes a run the
    #: article's (``detached``) and a run before it a blurb (``before_article``).
    #: 0 turns the rule off.
    tail_words: int = 24
    #: The short lines after the last long one hold at most this many words. 16: with
    #: the removed line in between, 8 / 12 / 16 words give traf-dev P / F 0.842 / 0.849,
    #: 0.843 / 0.850, 0.844 / 0.850 and dragnet-dev F 0.810 / 0.811 / 0.813
    #: (leave-one-dataset-out); longer (up to ``tail_words``) not measured yet.
    tail_short: int = 16
    #: At least this many removed lines between two kept ones cut the kept lines into
    #: runs; a run after the article's (the one holding the most words of lines of
    #: ``tail_words`` words or more) holding fewer words than ``detached_share`` of the
    #: article's long-line words goes (``detached``). 3, leave-one-dataset-out
    #: (bench/quality.py --generalization, text; share 0.5; measured before
    #: ``detached_score``, which came second): traf-dev / dragnet-dev F
    #: 0.850 / 0.813 without the rule, 0.856 / 0.827 at 3, 0.856 / 0.825 at 2 (more of
    #: dragnet-dev's articles cut in two), 0.854 / 0.826 at 4 (traf-dev precision 0.853
    #: against 0.857). 0 turns the rule off.
    detached_gap: int = 3
    #: See ``detached_gap``. 0.5: at 0.3 / 0.5 / 0.7 traf-dev F 0.854 / 0.856 / 0.854,
    #: dragnet-dev 0.823 / 0.827 / 0.830 (a larger share: more precision and less
    #: recall on both sets; 0.7 loses traf-dev 0.002 F). The article counted by
    #: all its words instead of its long lines' (an archive list of months outweighs a
    #: short post) gave 0.854 / 0.827; with long lines of 10 words 0.855 / 0.827, and
    #: then removing the small runs before the article as well 0.845 / 0.824 (recall
    #: 0.831 on both sets against 0.853 / 0.848).
    detached_share: float = 0.5
    #: A run after the article whose mean score is lower than the article's by more
    #: than this goes as well, whatever its size (``detached``: a long teaser list or
    #: comment thread the model half believes in). 1.0, leave-one-dataset-out with the
    #: rest as shipped: traf-dev / dragnet-dev F 0.8555 / 0.8270 without it, 0.8550 /
    #: 0.8309 at 1.0, 0.8557 / 0.8290 at 1.5. ``math.inf`` turns it off.
    detached_score: float = 1.0
    #: A run before the article's (runs as ``detached_gap`` cuts them) without a line of
    #: ``tail_words`` words, whose mean score is lower than the article's by more than
    #: this, goes (``before_article``). 0.75, leave-one-dataset-out (bench/quality.py
    #: --generalization, text): traf-dev / dragnet-dev F 0.8550 / 0.8309 without it,
    #: 0.8557 / 0.8338 at 0.5, 0.8557 / 0.8341 at 0.75, 0.8555 / 0.8337 at 1.0. Without
    #: the long-line condition (a blurb in prose, but also the article's first part):
    #: 0.8523 / 0.8347 at 1.0, 0.8543 / 0.8331 at 1.5; runs of 3 lines or more with a
    #: sentence end on at most a third of them (teaser lists), whatever their score,
    #: 0.8441 / 0.8245. ``math.inf`` turns it off.
    before_score: float = 0.75
    #: A run of kept lines with no blank or removed line between them is one paragraph
    #: wrapped over lines (its words count for each of its lines wherever the rules
    #: above count a line's words: ``paragraph_words``) when at least this share of its
    #: lines after the first go on with the sentence of the line before (start in
    #: lowercase or with closing punctuation) and its lines hold ``wrap_words`` words on
    #: average. A dump with hard line breaks inside its paragraphs (lines of 10-15
    #: words, none of ``tail_words``) has no long line otherwise: ``after_article``
    #: then cut the article from a blurb above it, ``detached`` took a form for the
    #: article. 0.5 with ``wrap_words`` 5, leave-one-dataset-out (the LODO models on
    #: the prepared pages, P / R / F; docs/quality.md, "Fifth round"): traf-dev 0.8586 /
    #: 0.8545 / 0.8565 -> 0.8590 / 0.8545 / 0.8567, dragnet-dev 0.8198 / 0.8488 / 0.8340
    #: -> 0.8243 / 0.8528 / 0.8383; F at a share of 0.2 / 1/3 / 0.67 / 0.8: traf-dev
    #: 0.8567 / 0.8567 / 0.8562 / 0.8562, dragnet-dev 0.8382 / 0.8381 / 0.8381 / 0.8372.
    #: Each block of kept lines counted as one paragraph, whatever its lines (a list
    #: without blank lines, a page with none at all): 0.8542 / 0.8368; counted when its
    #: lines hold 5 words on average, without the lines going on: 0.8562 / 0.8372 (a
    #: list of headlines is a paragraph then). A share above 1 turns it off.
    wrap_going_on: float = 0.5
    #: See ``wrap_going_on``. 5: 4, 6 and 8 words give traf-dev F 0.8567, 0.8565,
    #: 0.8567 and dragnet-dev 0.8382, 0.8382, 0.8378.
    wrap_words: int = 5


def keep_back(lines: Sequence[Judged], threshold: float, decision: Decision) -> list[str | None]:
    """For each of ``lines``, the rule that keeps it although it scores below
    ``threshold`` (one of ``RULES``), or one of ``REMOVING`` for a line removed although
    it scores above it or was kept back, or None (judged by its own score).

    >>> good, short = Judged(2.0, 30, False, "."), Judged(-1.0, 3, False, "s")
    >>> keep_back([good, short, good], 0.0, Decision())
    [None, 'in_context', None]
    >>> keep_back([good, Judged(-1.0, 3, True, "s"), good], 0.0, Decision())
    [None, None, None]
    """
    kept = [line.score >= threshold for line in lines]
    rules: list[str | None] = [None] * len(lines)
    if sum(line.words for line, keep in zip(lines, kept, strict=True) if keep) < (
        decision.rescue_words
    ):
        for k in best_block(lines, threshold, decision.rescue_share):
            if not kept[k]:
                rules[k], kept[k] = "best_block", True
    for k, rule in in_context(lines, kept, decision):
        rules[k], kept[k] = rule, True
    for k in after_article(lines, kept, decision):
        rules[k], kept[k] = AFTER_ARTICLE, False
    for k, rule in detached(lines, kept, decision):
        rules[k] = rule
    return rules


def detached(
    lines: Sequence[Judged], kept: Sequence[bool], decision: Decision
) -> list[tuple[int, str]]:
    """The kept lines of the runs after the article's that hold fewer words than
    ``detached_share`` of its long-line words, or score lower than it on average by more
    than ``detached_score`` (``detached``), and of the runs before it without a long line
    that score lower than it by more than ``before_score`` (``before_article``; see
    ``Decision.detached_gap``; none when ``detached_gap`` is 0 or no kept line is long).
    A line is long when its paragraph is (``paragraph_words``).

    >>> prose, aside = Judged(2.0, 30, False, "."), Judged(1.0, 25, False, ".")
    >>> menu, teaser = Judged(-1.0, 1, False, "s"), Judged(0.5, 9, False, "s")
    >>> page, kept = [prose, prose, menu, menu, menu, aside], [True] * 2 + [False] * 3 + [True]
    >>> detached(page, kept, Decision()), detached(page + [aside], kept + [True], Decision())
    ([(5, 'detached')], [])
    >>> detached([teaser, menu, menu, menu, prose], [True, False, False, False, True], Decision())
    [(0, 'before_article')]
    """
    runs = kept_runs(kept, decision.detached_gap)
    size = paragraph_words(lines, kept, decision)
    long = [sum(lines[k].words for k in run if size[k] >= decision.tail_words) for run in runs]
    if len(runs) < 2 or not max(long):
        return []
    main = long.index(max(long))
    least = decision.detached_share * long[main]
    mean = _mean_score(lines, runs[main])
    before = [
        (k, BEFORE_ARTICLE)
        for run, words in zip(runs[:main], long, strict=False)
        if not words and _mean_score(lines, run) < mean - decision.before_score
        for k in run
    ]
    return before + [
        (k, DETACHED)
        for run in runs[main + 1 :]
        if sum(lines[k].words for k in run) < least
        or _mean_score(lines, run) < mean - decision.detached_score
        for k in run
    ]


def paragraph_words(lines: Sequence[Judged], kept: Sequence[bool], decision: Decision) -> list[int]:
    """For each kept line, the words of the paragraph it stands in (0 for a removed
    line): a run of kept lines with no blank or removed line between them is one
    paragraph wrapped over lines when at least ``Decision.wrap_going_on`` of its lines
    after the first go on with the sentence of the line before (``Judged.goes_on``) and
    its lines hold ``Decision.wrap_words`` words on average; else each line is a
    paragraph of its own. One pass over the lines.

    >>> wrap = [Judged(1.0, 4, False, "f"), Judged(1.0, 12, False, "s", False, True)]
    >>> paragraph_words(wrap + [Judged(1.0, 9, False, ".", False)], [True] * 3, Decision())
    [25, 25, 25]
    >>> menu = [Judged(1.0, 2, False, "s"), Judged(1.0, 1, False, "s", False, True)]
    >>> paragraph_words(menu, [True, True], Decision())
    [2, 1]
    >>> paragraph_words(wrap, [True, False], Decision())
    [4, 0]
    """
    out = [0] * len(lines)
    start = 0
    while start < len(lines):
        if not kept[start]:
            start += 1
            continue
        end = start + 1
        while end < len(lines) and kept[end] and not lines[end].opens:
            end += 1
        words = sum(lines[k].words for k in range(start, end))
        going_on = sum(lines[k].goes_on for k in range(start + 1, end))
        wrapped = (
            going_on > 0
            and going_on >= decision.wrap_going_on * (end - start - 1)
            and words >= decision.wrap_words * (end - start)
        )
        for k in range(start, end):
            out[k] = words if wrapped else lines[k].words
        start = end
    return out


def _mean_score(lines: Sequence[Judged], run: Sequence[int]) -> float:
    """The mean score of the lines of ``run`` (not empty)."""
    return sum(lines[k].score for k in run) / len(run)


def kept_runs(kept: Sequence[bool], gap: int) -> list[list[int]]:
    """The indices of the kept lines, in runs cut where at least ``gap`` lines are not
    kept (no runs for a ``gap`` of 0).

    >>> kept_runs([True, False, True, False, False, True], 2)
    [[0, 2], [5]]
    """
    if gap <= 0:
        return []
    runs: list[list[int]] = []
    since = gap
    for k, keep in enumerate(kept):
        if not keep:
            since += 1
            continue
        if since >= gap:
            runs.append([])
        runs[-1].append(k)
        since = 0
    return runs


def after_article(lines: Sequence[Judged], kept: Sequence[bool], decision: Decision) -> list[int]:
    """The kept lines of at most ``tail_short`` words after the last kept line of at
    least ``tail_words`` words, past the first removed line after it (none when no kept
    line is that long, or ``tail_words`` is 0): the short lines that follow the article
    without a break (a paragraph wrapped in short lines, a closing signature) stay.
    A line's words are its paragraph's (``paragraph_words``).

    >>> good, short = Judged(2.0, 30, False, "."), Judged(1.0, 3, False, "s")
    >>> after_article([short, good, short, short, Judged(1.0, 18, False, "."), short],
    ...               [True, True, True, False, True, True], Decision())
    [5]
    """
    if decision.tail_words <= 0:
        return []
    size = paragraph_words(lines, kept, decision)
    last = None
    for k, keep in enumerate(kept):
        if keep and size[k] >= decision.tail_words:
            last = k
    if last is None or False not in kept[last:]:
        return []
    gap = kept.index(False, last)
    return [k for k in range(gap, len(lines)) if kept[k] and size[k] <= decision.tail_short]


def best_block(lines: Sequence[Judged], threshold: float, share: float) -> range:
    """The run of ``lines`` that holds the most words of lines whose probability of
    being text (the logistic of score minus ``threshold``) is at least ``share`` of the
    page's best, less the words of the lines below that (Kadane's maximum-sum run, one
    pass). Empty for a page without words.

    >>> lines = [Judged(-5.0, 4, False, "|"), Judged(-1.0, 30, False, "."),
    ...          Judged(-1.5, 20, False, "."), Judged(-6.0, 9, False, "s")]
    >>> best_block(lines, 0.0, 0.5)
    range(1, 3)
    """
    if not lines:
        return range(0)
    probabilities = [1 / (1 + math.exp(min(threshold - line.score, 700.0))) for line in lines]
    floor = share * max(probabilities)
    best, best_run, total, start = 0.0, range(0), 0.0, 0
    for k, (line, probability) in enumerate(zip(lines, probabilities, strict=True)):
        if total <= 0:
            total, start = 0.0, k
        total += line.words if probability >= floor else -line.words
        if total > best:
            best, best_run = total, range(start, k + 1)
    return best_run


def in_context(
    lines: Sequence[Judged], kept: Sequence[bool], decision: Decision
) -> list[tuple[int, str]]:
    """The removed lines kept by their context: runs of at most ``context_run`` short
    lines without marks of furniture between two kept lines (``in_context``), and up to
    ``colon_run`` of them after a kept line ending in ":" (``after_colon``)."""
    out: list[tuple[int, str]] = []
    k = 0
    while k < len(lines):
        if kept[k]:
            k += 1
            continue
        end = k
        while end < len(lines) and not kept[end]:
            end += 1
        out += _run_rules(lines, kept, k, end, decision)
        k = end
    return out


def _run_rules(
    lines: Sequence[Judged], kept: Sequence[bool], start: int, end: int, decision: Decision
) -> list[tuple[int, str]]:
    """The rules keeping lines of the removed run ``start:end`` (see ``in_context``): a
    run is as long as it goes, so a kept line stands before it unless it starts the page."""
    if start == 0:
        return []
    short = [
        not line.furniture and line.words <= decision.context_words for line in lines[start:end]
    ]
    between = end < len(lines) and end - start <= decision.context_run
    if between and all(short):
        return [(k, "in_context") for k in range(start, end)]
    if lines[start - 1].last == ":":
        count = 0
        while count < min(decision.colon_run, len(short)) and short[count]:
            count += 1
        return [(k, "after_colon") for k in range(start, start + count)]
    return []
