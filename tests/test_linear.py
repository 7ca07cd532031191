"""Work grows in proportion to the input: long runs of punctuation through every reader
and every step.

A regular expression that backtracks, or a loop that rescans what it has seen, costs
the square of the input: ``"." * 32000`` took the sentence counter 18 s of CPU, an 80 KB
title of ``<%`` the placeholder check 5 s. Each kind of run below (every ASCII
punctuation character, Unicode quotes, dashes and brackets, CJK and full-width
punctuation, template and markup openers, mixed pairs, spaces and line breaks, short
lines and words) is read by every reader (text, HTML with both parsers, JSONL, WARC)
and cleaned by every step of the default pipeline, of ``--quality``, ``--dedup near``
and ``--lang``, once as the text reader and once as the HTML reader gives it (with the
page's layout).

The bound is a ratio measured in the same test, never a wall-clock constant: the CPU
time (``time.process_time``, the least of ``REPEATS`` tries, garbage collection off) of
each reader and step on the ``LARGE`` run is at most ``MAX_RATIO`` times its time on the
``SMALL`` run of the same kind. Linear work costs about ``LARGE / SMALL`` = 10 times as
much (up to 18 here: the caches), work that grows with the square of the input 100
times.

A few kinds run in the unit suite (``QUICK``); every kind, and a check that the bound
catches the patterns it was written for, run with the ``bench`` marker (about five
minutes of CPU).
"""

from __future__ import annotations

import gc
import html
import io
import json
import re
import string
import time
from collections.abc import Callable
from functools import partial

import pytest

from corpuskit.document import Document, Drop
from corpuskit.pipeline import CorpusStep, Pipeline, Step, step_name
from corpuskit.readers.html import read_html
from corpuskit.readers.jsonl import read_jsonl
from corpuskit.readers.options import ReadOptions
from corpuskit.readers.page import read_page
from corpuskit.readers.text import read_text
from corpuskit.readers.warc import read_warc
from corpuskit.recipes.compose import redact_pii, remove_near_duplicates, select_languages
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.steps.pii import RedactPii
from corpuskit.steps.quality import with_quality
from tests import warcs

#: The sizes compared, in characters.
SMALL, LARGE = 10_000, 100_000
#: Linear work gives about 10, quadratic 100. Measured over every kind, most readers and
#: steps give 8-18; the highest were 25.5-27 in a CI run (``exact_duplicates`` and
#: ``comment_lines`` on the HTML page): a 100,000-character string no longer fits the CPU
#: caches a 10,000-character one fits in, and its copies (casefolded, encoded) are past
#: the allocator's mmap threshold (128 KiB), so each call faults in fresh pages. 40 is
#: above all of that and well below a quadratic step's 100 (the patterns this test was
#: written for measured 100 and more: ``test_the_bound_catches_a_backtracking_pattern``).
#: Re-measure after changing sizes.
MAX_RATIO = 40
#: Tries per measurement; the least is kept (a busy machine only ever adds time).
REPEATS = 3

#: Every kind of run: its unit, repeated to the size.
RUNS: tuple[str, ...] = (
    *string.punctuation,
    *"“”‘’«»„‚‹›",  # quotes
    *"–—‐―…",  # dashes and the ellipsis
    *"⟨⟩【】「」『』《》〈〉",  # brackets
    *"。、，！？：；・（）［］｛｝",  # CJK and full-width punctuation
    *("<%", "<!--", "&#", "[[", "{{", "${", "%%", "<meta", "<p>"),  # markup, templates
    *(".,", '("', "?!", ".)", "a.", "1.", "-- "),  # mixed pairs
    *(" ", "\n", "\t", "\n\n ", "\u00a0"),  # spaces and line breaks
    *("x\n", "ab ", "Ab cd.\n"),  # one-word lines, words, sentences: one block of lines
)
#: The kinds the unit suite runs: the two that were quadratic, line breaks, typographic
#: and CJK punctuation, and a tag's start.
QUICK = (".", "<%", "\n", "“", "。", "<meta")

#: The pipeline with every step ``clean`` can run: the default one, ``--lang en,de``,
#: ``--quality annotate`` (every filter measures; ``drop`` would stop at the first),
#: ``--dedup near`` (with ``exact_duplicates``) and ``redact_pii`` with every kind on.
PIPELINE = redact_pii(
    remove_near_duplicates(
        with_quality(select_languages(default_pipeline(), ["en", "de"]), "annotate")
    ),
    RedactPii(credit_cards=True, ibans=True),
)


#: CPU seconds one try runs for at least, ``work`` repeated as often as that takes: a
#: run of a few microseconds is below what the clock and the scheduler resolve (one
#: preemption made a 0.03 ms step look 26 times slower on a busy machine). A measuring
#: resolution, not a bound: the test's bound is the ratio.
LEAST_TRY = 0.002


def cpu(work: Callable[[], object]) -> float:
    """The least CPU time one call of ``work`` took, in ``REPEATS`` tries of as many
    calls as fill ``LEAST_TRY`` (as ``timeit``'s autorange does)."""
    calls = 1
    while True:
        start = time.process_time()
        for _ in range(calls):
            work()
        spent = time.process_time() - start
        if spent >= LEAST_TRY:
            break
        calls *= 2
    best = spent / calls
    for _ in range(REPEATS - 1):
        start = time.process_time()
        for _ in range(calls):
            work()
        best = min(best, (time.process_time() - start) / calls)
    return best


def page(run: str) -> bytes:
    """A web page with ``run`` everywhere the HTML reader looks: title, metadata values,
    JSON-LD, a class name, a ``<time>``, a byline and the body."""
    quoted = html.escape(run, quote=True)
    head = (
        f'<title>{quoted}</title><meta name="author" content="{quoted}">'
        f'<meta property="og:title" content="{quoted}">'
        f'<link rel="canonical" href="https://a.example/{quoted}">'
        '<script type="application/ld+json">'
        + json.dumps({"@type": "Article", "headline": run, "author": run}).replace("<", "\\u003c")
        + "</script>"
    )
    body = (
        f'<p class="byline">By {quoted}</p><time datetime="{quoted}">{quoted}</time>'
        f'<div class="{quoted}"><p>{quoted}</p></div>'
    )
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


LXML = ReadOptions(html_parser="lxml")


def readers(run: str) -> dict[str, Callable[[], object]]:
    """Reading ``run`` in every format, each a call to time."""
    text, markup = run.encode(), page(run)
    record = json.dumps({"id": 1, "text": run, "title": run}).encode() + b"\n"
    archive = warcs.response("https://a.example/", markup)
    return {
        "read text": lambda: read_text("run.txt", text),
        "read html (bs4)": lambda: read_html("run.html", markup, ReadOptions(html_parser="bs4")),
        "read html (lxml)": lambda: read_html("run.html", markup, LXML),
        "read jsonl": lambda: list(read_jsonl("run.jsonl", io.BytesIO(record))),
        "read warc": lambda: list(read_warc("run.warc", io.BytesIO(archive))),
    }


def apply(step: Step, doc: Document) -> Document | Drop:
    """``step`` on ``doc``; a corpus step counts ``doc`` first, as a run's pass does."""
    if isinstance(step, CorpusStep):
        state = step.new_state()
        step.observe(doc, state)
        return step.fitted(state)(doc)
    return step(doc)


def steps(doc: Document, label: str, pipeline: Pipeline = PIPELINE) -> dict[str, tuple[float, int]]:
    """The CPU time of each step on what the steps before it left of ``doc``, and the
    characters it was given; after a step drops the page, the next steps get the page
    as that step was given it."""
    costs = {}
    for step in pipeline.steps:
        costs[f"{step_name(step)} ({label})"] = (cpu(partial(apply, step, doc)), len(doc.text))
        result = apply(step, doc)
        doc = result if isinstance(result, Document) else result.document or doc
    return costs


def costs(unit: str, size: int) -> dict[str, tuple[float, int]]:
    """CPU time of every reader and step on a run of ``unit`` of ``size`` characters,
    each with the characters it was given (the run, for a reader)."""
    run = unit * (size // len(unit)) + "x"
    found = {name: (cpu(read), len(run)) for name, read in readers(run).items()}
    for label, doc in (("text", read_page(run)), ("html", read_html("run.html", page(run)))):
        if isinstance(doc, Document):  # a reader's timeout shows in its own time
            found.update(steps(doc, label))
    return found


def superlinear(unit: str) -> list[str]:
    """The readers and steps whose time grows faster than ``MAX_RATIO`` allows on runs of
    ``unit``, each with its ratio and its CPU time on both runs.

    A step's bound grows with what it was given: the steps before it may leave more of
    the longer run than a tenth of it (a line of 10,000 ``~`` is junk to one step, and
    one of 100,000 kept), and ``MAX_RATIO`` is for ten times the input."""
    gc.collect()
    gc.disable()
    try:
        small, large = costs(unit, SMALL), costs(unit, LARGE)
    finally:
        gc.enable()
    found = []
    for name, (large_cpu, large_chars) in large.items():
        small_cpu, small_chars = small[name]
        growth = max(large_chars, 1) / max(small_chars, 1) / (LARGE / SMALL)
        if large_cpu > MAX_RATIO * max(growth, 1.0) * small_cpu:
            found.append(
                f"{name}: {large_cpu / small_cpu:.1f} times ({small_cpu * 1e3:.3f} ms on "
                f"{small_chars:,} characters -> {large_cpu * 1e3:.3f} ms on {large_chars:,})"
            )
    return found


@pytest.mark.parametrize("unit", QUICK, ids=repr)
def test_work_is_linear_in_runs_of_punctuation(unit: str) -> None:
    assert superlinear(unit) == []


@pytest.mark.bench
@pytest.mark.parametrize("unit", [run for run in RUNS if run not in QUICK], ids=repr)
def test_work_is_linear_in_every_kind_of_run(unit: str) -> None:
    assert superlinear(unit) == []


#: What the sentence counter and the placeholder check used before: the bound must
#: catch them.
BACKTRACKING: dict[str, tuple[re.Pattern[str], str]] = {
    "sentence ends": (re.compile(r"[.!?…。！？]+[\"'”’»)\]]*(?=\s|$)"), "."),
    "placeholders": (re.compile(r"\{\{.*\}\}|\{%.*%\}|%%.*%%|\$\{.*\}|<%.*%>"), "<%"),
}


@pytest.mark.bench
@pytest.mark.parametrize("name", BACKTRACKING)
def test_the_bound_catches_a_backtracking_pattern(name: str) -> None:
    """The patterns this test was written for exceed ``MAX_RATIO`` by far (a run of
    dots costs the sentence pattern about 100 times more at 10 times the size): the
    bound has teeth on this machine. A tenth of the test's sizes, the same ratio: at
    ``LARGE`` the sentence pattern takes minutes."""
    pattern, unit = BACKTRACKING[name]

    def cost(size: int) -> float:
        run = unit * (size // len(unit)) + "x"
        return cpu(lambda: pattern.findall(run))

    small, large = cost(SMALL // 10), cost(LARGE // 10)
    assert large > MAX_RATIO * small, (small, large)


def test_runs_are_every_kind_named_once() -> None:
    """Each ASCII punctuation character is a kind of its own, and no kind is there twice."""
    assert len(set(RUNS)) == len(RUNS) and set(string.punctuation) <= set(RUNS)
    assert set(QUICK) <= set(RUNS)
