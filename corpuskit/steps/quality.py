"""Page quality filters: short, odd-shaped, list-like, repetitive or gutted pages.

Each filter is a named step that looks at the cleaned page and either rejects it, with
one reason per rule (``mode="drop"``), or only records its scores in
``meta["quality"][<step>]``, with the reason it would have given (``"drop_reason"``,
None if none) and keeps it (``mode="annotate"``). None of them is in the default
pipeline: ``with_quality`` (CLI ``--quality annotate|drop``) adds them after
``drop_empty``.

The thresholds are the published ones where there are any, each cited where it is set:
Gopher (Rae et al. 2021, "Scaling Language Models", appendix A: the "quality" and
"repetition" rules), C4 (Raffel et al. 2020, section 2.2) and FineWeb (Penedo et al.
2024; datatrove's ``FineWebQualityFilter``). Those were tuned for English web text as a
whole, not for cleaned articles in many languages: on the 696 traf-dev pages (cleaned
by the default pipeline, which must keep their articles) they reject far more pages
than a default may. ``python bench/quality_filters.py ../shared/bench/traf-dev``
counts what each rule would reject there and shows examples; re-run it after changing
a threshold, and read the README's table.

Words are whitespace-separated tokens, stripped of punctuation at both ends; a token
with no letter or digit left is a symbol, not a word (as Gopher counts them). Lines are
the page's non-blank lines; paragraphs are separated by blank lines.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from corpuskit.document import Document, Drop
from corpuskit.lexicon.stopwords import Stopwords
from corpuskit.pipeline import Pipeline, Step, set_fields, step_name

Mode = Literal["drop", "annotate"]
#: What ``with_quality`` and ``--quality`` accept for all filters or for one.
MODES = ("off", "annotate", "drop")

# -- Thresholds -----------------------------------------------------------------------

#: Gopher: a document has 50 to 100,000 words.
MIN_WORDS = 50
MAX_WORDS = 100_000
#: C4: "We discarded any page with fewer than 5 sentences".
MIN_SENTENCES = 5
#: Gopher: a mean word length from 3 to 10 characters.
MIN_MEAN_WORD_LENGTH = 3.0
MAX_MEAN_WORD_LENGTH = 10.0
#: Scripts written without spaces between words: a "word" there is a phrase, and word
#: length means nothing. The mean word length rule leaves these languages alone.
UNSPACED = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})
#: Gopher: a symbol-to-word ratio above 0.1 for the hash and the ellipsis.
MAX_SYMBOL_RATIO = 0.1
#: Gopher: at least 80% of words contain an alphabetic character.
MIN_ALPHA_WORDS = 0.8
#: Not from Gopher, C4 or FineWeb, which have no digit rule: corpuskit's own bound for
#: tables of scores, prices or timetables, set above every cleaned page of traf-dev (the
#: most digit-heavy, a page of song lyrics with track numbers, has 0.21 of its letters
#: and digits in digits; the next, 0.17).
MAX_DIGIT_RATIO = 0.3
#: FineWeb: at least 12% of lines end in terminal punctuation.
MIN_LINE_PUNCTUATION = 0.12
#: Gopher: at most 90% of lines start with a bullet, at most 30% end with an ellipsis.
MAX_BULLET_LINES = 0.9
MAX_ELLIPSIS_LINES = 0.3
#: Gopher: at least 2 stopwords. Gopher's list is 8 English words (the, be, to, of, and,
#: that, have, with); here it is the page language's jusText list (lexicon/stopwords.py),
#: hundreds of words, so 2 is a weaker bar than Gopher's on English.
MIN_STOPWORDS = 2
#: Gopher's repetition rules: duplicate lines and paragraphs (by count and by
#: characters), the most frequent 2-, 3-, 4-gram's share of characters, and the share
#: of characters in duplicated 5- to 10-grams.
MAX_DUPLICATE_LINES = 0.3
MAX_DUPLICATE_PARAGRAPHS = 0.3
MAX_DUPLICATE_LINE_CHARS = 0.2
MAX_DUPLICATE_PARAGRAPH_CHARS = 0.2
MAX_TOP_NGRAM = {2: 0.2, 3: 0.18, 4: 0.16}
MAX_DUPLICATE_NGRAMS = {5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10}
#: corpuskit's own: a page that kept less than 5% of its characters after cleaning was
#: mostly furniture, and what is left is often a stray teaser. On traf-dev one cleaned
#: page of 694 keeps less (3%: ten words of a shop page); the 5th percentile keeps 19%,
#: the median 59%.
MIN_KEPT = 0.05

# -- Text views -----------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’»)\]]*(?=\s|$)")
_TERMINAL = (".", "!", "?", '"', "'", "”", "’", "»", "…", "。", "！", "？", ":")
_BULLETS = ("•", "●", "▪", "■", "◦", "‣", "·", "-", "*", "–", "—", "►", "▶")


def is_punctuation(ch: str) -> bool:
    """Whether ``ch`` is a Unicode punctuation or symbol character."""
    return unicodedata.category(ch)[0] in "PS"


def page_words(text: str) -> list[str]:
    """The words of ``text``: tokens stripped of punctuation at both ends, symbols left out.

    >>> page_words("Hallo, Welt! — «Ja» # 2024 ...")
    ['Hallo', 'Welt', 'Ja', '2024']
    """
    words = []
    for token in text.split():
        start, end = 0, len(token)
        while start < end and is_punctuation(token[start]):
            start += 1
        while end > start and is_punctuation(token[end - 1]):
            end -= 1
        if start < end:
            words.append(token[start:end])
    return words


def count_sentences(text: str) -> int:
    """Sentence ends: terminal punctuation (closing quotes allowed) before a space or the end.

    >>> count_sentences("Er kam. Sie ging! «Wer?» Dr. Who")
    4
    """
    return len(_SENTENCE_END.findall(text))


def nonblank_lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def duplicates(items: Sequence[str]) -> tuple[int, int]:
    """How many of ``items`` repeat an earlier one, and their characters.

    >>> duplicates(["Menu", "Text", "Menu", "Menu"])
    (2, 8)
    """
    seen: set[str] = set()
    count = chars = 0
    for item in items:
        if item in seen:
            count += 1
            chars += len(item)
        else:
            seen.add(item)
    return count, chars


def top_ngram_chars(words: Sequence[str], n: int) -> int:
    """Characters of the most frequent word n-gram times its count, if it repeats."""
    grams = Counter(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    if not grams:
        return 0
    gram, count = max(grams.items(), key=lambda item: (item[1], item[0]))
    return len(gram) * count if count > 1 else 0


def duplicate_ngram_chars(words: Sequence[str], n: int) -> int:
    """Characters (spaces left out) of the word n-grams that repeat an earlier one,
    stepping past a repeat so that overlapping repeats count once (Gopher's measure)."""
    seen: set[tuple[str, ...]] = set()
    chars, index = 0, 0
    while index <= len(words) - n:
        gram = tuple(words[index : index + n])
        if gram in seen:
            chars += sum(map(len, gram))
            index += n
        else:
            seen.add(gram)
            index += 1
    return chars


# -- Steps ------------------------------------------------------------------------------

#: A filter's measures, and the reason and detail of its first failing rule (or None).
Verdict = tuple[dict[str, Any], str | None, str]


@dataclass(frozen=True)
class QualityFilter:
    """A quality filter: ``measure`` scores a page; the step drops or annotates.

    Subclasses set ``name`` and implement ``measure``; ``mode`` is ``drop`` or
    ``annotate`` (scores in ``meta["quality"][name]``, the page kept).
    """

    mode: Mode = "drop"
    name: ClassVar[str] = "quality"

    @property
    def config(self) -> dict[str, Any]:
        return {"mode": self.mode}

    def measure(self, doc: Document) -> Verdict:
        raise NotImplementedError

    def __call__(self, doc: Document) -> Document | Drop:
        scores, reason, detail = self.measure(doc)
        if self.mode == "drop":
            return doc if reason is None else Drop(self.name, reason, doc.source, detail, doc)
        quality = dict(doc.meta.get("quality") or {})
        quality[self.name] = {**scores, "drop_reason": reason}
        return set_fields(doc, self.name, {"quality": quality})


def _verdict(scores: dict[str, Any], checks: Sequence[tuple[bool, str, str]]) -> Verdict:
    """The scores with the first failing check's reason and detail."""
    for failed, reason, detail in checks:
        if failed:
            return scores, reason, detail
    return scores, None, ""


@dataclass(frozen=True)
class TooShort(QualityFilter):
    """Step ``too_short``: fewer than 50 words (Gopher) or 5 sentences (C4); more than
    100,000 words (Gopher). Reasons ``too_few_words``, ``too_few_sentences``,
    ``too_many_words``.

    >>> from corpuskit.document import Source, make_document
    >>> TooShort()(make_document("Nur ein Satz.", Source("-"))).detail
    '3 words < 50'
    """

    name: ClassVar[str] = "too_short"

    def measure(self, doc: Document) -> Verdict:
        words, sentences = len(page_words(doc.text)), count_sentences(doc.text)
        return _verdict(
            {"words": words, "sentences": sentences},
            [
                (words < MIN_WORDS, "too_few_words", f"{words} words < {MIN_WORDS}"),
                (words > MAX_WORDS, "too_many_words", f"{words} words > {MAX_WORDS}"),
                (
                    sentences < MIN_SENTENCES,
                    "too_few_sentences",
                    f"{sentences} sentences < {MIN_SENTENCES}",
                ),
            ],
        )


@dataclass(frozen=True)
class WordLength(QualityFilter):
    """Step ``word_length``: mean word length outside 3 to 10 characters (Gopher), reason
    ``mean_word_length``; languages written without spaces (``UNSPACED``) are passed."""

    name: ClassVar[str] = "word_length"

    def measure(self, doc: Document) -> Verdict:
        words = page_words(doc.text)
        mean = round(sum(map(len, words)) / len(words), 2) if words else 0.0
        odd = not MIN_MEAN_WORD_LENGTH <= mean <= MAX_MEAN_WORD_LENGTH
        failed = bool(words) and odd and doc.lang not in UNSPACED
        bounds = f"{MIN_MEAN_WORD_LENGTH:g} to {MAX_MEAN_WORD_LENGTH:g}"
        return _verdict(
            {"mean_word_length": mean},
            [(failed, "mean_word_length", f"mean word length {mean} not in {bounds}")],
        )


@dataclass(frozen=True)
class SymbolRatio(QualityFilter):
    """Step ``symbol_ratio``: hashes and ellipses per word above 0.1 (Gopher,
    ``symbol_ratio``), under 80% of words with a letter (Gopher, ``non_alpha_words``),
    digits above 30% of letters and digits (corpuskit's own, ``digit_ratio``)."""

    name: ClassVar[str] = "symbol_ratio"

    def measure(self, doc: Document) -> Verdict:
        text = doc.text
        tokens = text.split()
        symbols = text.count("#") + text.count("...") + text.count("…")
        symbol_ratio = round(symbols / len(tokens), 4) if tokens else 0.0
        alpha = sum(1 for token in tokens if any(map(str.isalpha, token)))
        alpha_words = round(alpha / len(tokens), 4) if tokens else 1.0
        digits = sum(map(str.isdigit, text))
        letters = sum(map(str.isalpha, text)) + digits
        digit_ratio = round(digits / letters, 4) if letters else 0.0
        return _verdict(
            {"symbol_ratio": symbol_ratio, "alpha_words": alpha_words, "digit_ratio": digit_ratio},
            [
                (
                    symbol_ratio > MAX_SYMBOL_RATIO,
                    "symbol_ratio",
                    f"{symbol_ratio} symbols a word > {MAX_SYMBOL_RATIO}",
                ),
                (
                    alpha_words < MIN_ALPHA_WORDS,
                    "non_alpha_words",
                    f"{alpha_words} of words with a letter < {MIN_ALPHA_WORDS}",
                ),
                (
                    digit_ratio > MAX_DIGIT_RATIO,
                    "digit_ratio",
                    f"{digit_ratio} digits > {MAX_DIGIT_RATIO}",
                ),
            ],
        )


@dataclass(frozen=True)
class LinePunctuation(QualityFilter):
    """Step ``line_punctuation``: under 12% of lines ending in terminal punctuation
    (FineWeb, ``line_punctuation``), over 90% starting with a bullet (Gopher,
    ``bullet_lines``), over 30% ending with an ellipsis (Gopher, ``ellipsis_lines``)."""

    name: ClassVar[str] = "line_punctuation"

    def measure(self, doc: Document) -> Verdict:
        lines = nonblank_lines(doc.text)
        total = len(lines) or 1
        ended = round(sum(line.endswith(_TERMINAL) for line in lines) / total, 4)
        bullets = round(sum(line.startswith(_BULLETS) for line in lines) / total, 4)
        ellipses = round(sum(line.endswith(("...", "…")) for line in lines) / total, 4)
        return _verdict(
            {"punctuated_lines": ended, "bullet_lines": bullets, "ellipsis_lines": ellipses},
            [
                (
                    bool(lines) and ended < MIN_LINE_PUNCTUATION,
                    "line_punctuation",
                    f"{ended} of lines end a sentence < {MIN_LINE_PUNCTUATION}",
                ),
                (
                    bullets > MAX_BULLET_LINES,
                    "bullet_lines",
                    f"{bullets} of lines are bullets > {MAX_BULLET_LINES}",
                ),
                (
                    ellipses > MAX_ELLIPSIS_LINES,
                    "ellipsis_lines",
                    f"{ellipses} of lines end in an ellipsis > {MAX_ELLIPSIS_LINES}",
                ),
            ],
        )


@dataclass(frozen=True)
class StopwordPresence(QualityFilter):
    """Step ``stopwords``: fewer than 2 stopwords of the page's language (Gopher's rule,
    jusText's lists), reason ``no_stopwords``. A language without a list counts every
    listed language's stopwords; unspaced scripts are passed."""

    stopwords: Stopwords = field(default_factory=Stopwords, compare=False, repr=False)
    name: ClassVar[str] = "stopwords"

    def measure(self, doc: Document) -> Verdict:
        listed = self.stopwords.get(doc.lang)
        found = sum(word.lower() in listed for word in page_words(doc.text))
        failed = found < MIN_STOPWORDS and doc.lang not in UNSPACED
        return _verdict(
            {"stopwords": found},
            [(failed, "no_stopwords", f"{found} stopwords < {MIN_STOPWORDS}")],
        )


@dataclass(frozen=True)
class Repetition(QualityFilter):
    """Step ``repetition``: Gopher's repetition rules. Reasons ``duplicate_lines``,
    ``duplicate_paragraphs``, ``duplicate_line_chars``, ``duplicate_paragraph_chars``,
    ``top_ngram`` (the most frequent 2-4-gram), ``duplicate_ngrams`` (5-10-grams)."""

    name: ClassVar[str] = "repetition"

    def measure(self, doc: Document) -> Verdict:
        text = doc.text
        size = len(text) or 1
        lines, paras = nonblank_lines(text), paragraphs(text)
        dup_lines, dup_line_chars = duplicates(lines)
        dup_paras, dup_para_chars = duplicates(paras)
        words = page_words(text)
        scores: dict[str, Any] = {
            "duplicate_lines": round(dup_lines / (len(lines) or 1), 4),
            "duplicate_paragraphs": round(dup_paras / (len(paras) or 1), 4),
            "duplicate_line_chars": round(dup_line_chars / size, 4),
            "duplicate_paragraph_chars": round(dup_para_chars / size, 4),
        }
        checks = [
            (scores[key] > bound, key, f"{key} {scores[key]} > {bound}")
            for key, bound in (
                ("duplicate_lines", MAX_DUPLICATE_LINES),
                ("duplicate_paragraphs", MAX_DUPLICATE_PARAGRAPHS),
                ("duplicate_line_chars", MAX_DUPLICATE_LINE_CHARS),
                ("duplicate_paragraph_chars", MAX_DUPLICATE_PARAGRAPH_CHARS),
            )
        ]
        for n, bound in MAX_TOP_NGRAM.items():
            share = scores[f"top_{n}gram"] = round(top_ngram_chars(words, n) / size, 4)
            checks.append((share > bound, "top_ngram", f"top {n}-gram {share} > {bound}"))
        for n, bound in MAX_DUPLICATE_NGRAMS.items():
            share = scores[f"duplicate_{n}grams"] = round(duplicate_ngram_chars(words, n) / size, 4)
            checks.append((share > bound, "duplicate_ngrams", f"{n}-grams {share} > {bound}"))
        return _verdict(scores, checks)


@dataclass(frozen=True)
class MostlyRemoved(QualityFilter):
    """Step ``mostly_removed``: cleaning kept less than 5% of the page's characters (from
    its edits: characters before the first, now), reason ``mostly_removed``."""

    name: ClassVar[str] = "mostly_removed"

    def measure(self, doc: Document) -> Verdict:
        before = doc.edits[0].chars_before if doc.edits else len(doc.text)
        kept = round(len(doc.text) / before, 4) if before else 1.0
        return _verdict(
            {"kept": kept, "chars_before": before},
            [(kept < MIN_KEPT, "mostly_removed", f"kept {kept} of {before} characters")],
        )


#: Every quality filter, in the order ``with_quality`` runs them (cheapest first).
QUALITY_FILTERS: tuple[type[QualityFilter], ...] = (
    MostlyRemoved,
    TooShort,
    WordLength,
    SymbolRatio,
    LinePunctuation,
    StopwordPresence,
    Repetition,
)
QUALITY_NAMES: tuple[str, ...] = tuple(f.name for f in QUALITY_FILTERS)


def quality_steps(mode: str = "annotate", **modes: str) -> list[Step]:
    """The quality filters in ``mode`` (``off``, ``annotate``, ``drop``), each one in
    ``modes[name]`` if given there.

    >>> [step.name for step in quality_steps("drop", repetition="off", too_short="annotate")]
    ['mostly_removed', 'too_short', 'word_length', 'symbol_ratio', 'line_punctuation', 'stopwords']
    """
    unknown = sorted(set(modes) - set(QUALITY_NAMES))
    if unknown:
        raise ValueError(
            f"no quality filter {', '.join(unknown)}; filters: {', '.join(QUALITY_NAMES)}"
        )
    steps: list[Step] = []
    for kind in QUALITY_FILTERS:
        chosen = modes.get(kind.name, mode)
        if chosen not in MODES:
            raise ValueError(f"{kind.name}: mode {chosen!r} is not one of {', '.join(MODES)}")
        if chosen != "off":
            steps.append(kind(mode=chosen))  # type: ignore[arg-type]
    return steps


def with_quality(pipeline: Pipeline, mode: str = "annotate", **modes: str) -> Pipeline:
    """``pipeline`` with the quality filters (see ``quality_steps``) after ``drop_empty``
    (so empty pages keep their reason), else at its end. A filter the pipeline has
    already (from a recipe) is replaced where it stands; one turned ``off`` is left as
    it is."""
    steps = quality_steps(mode, **modes)
    for step in steps:
        if step_name(step) in pipeline.names:
            pipeline = pipeline.replace(step_name(step), step)
    steps = [step for step in steps if step_name(step) not in pipeline.names]
    if not steps:
        return pipeline
    if "drop_empty" in pipeline.names:
        return pipeline.after("drop_empty", *steps)
    return pipeline.then(*steps)
