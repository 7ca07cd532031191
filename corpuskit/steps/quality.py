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
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar, Literal, TypeVar

from corpuskit.document import Document, Drop
from corpuskit.lexicon.stopwords import Stopwords
from corpuskit.pipeline import Pipeline, Step, set_fields, step_name

Mode = Literal["drop", "annotate"]
#: What ``with_quality`` and ``--quality`` accept for all filters or for one.
MODES = ("off", "annotate", "drop")

# -- Constants (not thresholds) ------------------------------------------------------

#: Scripts written without spaces between words: a "word" there is a phrase, and word
#: length means nothing. The mean word length and stopword rules leave these alone.
UNSPACED = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})

# The thresholds are each filter's fields (below), so that a recipe can set them
# (``[[steps]] step = "too_short" min_words = 20``) and ``corpuskit steps`` lists them
# with their defaults. Each field's comment gives its source and what datatrove 0.10
# (``datatrove.pipeline.filters``) calls it; tests/steps/test_quality.py checks, rule by
# rule, that a filter and datatrove's agree on the same words and lines. After changing
# a default, re-run ``python bench/quality_filters.py ../shared/bench/traf-dev`` (what
# each rule rejects there) and the seed test of tests/steps/test_quality.py.

T = TypeVar("T", int, float)


def threshold(default: T, doc: str) -> T:
    """A threshold field: its default, and ``doc``, its source in short, which
    ``corpuskit steps`` shows beside it."""
    return field(default=default, metadata={"doc": doc})


# -- Text views -----------------------------------------------------------------------

#: A sentence end: a run of terminal punctuation, closing quotes or brackets after it, then
#: a space or the end. Linear in the text: a match starts only where a run starts (the
#: lookbehind) and the runs are taken whole (possessive ``++``, ``*+``), so a run of n
#: dots costs n steps, not n**2 (no shorter split of a run can match: the character after
#: it would be a terminal or a closer, never a space).
_SENTENCE_END = re.compile(r"(?<![.!?…。！？])[.!?…。！？]++[\"'”’»)\]]*+(?=\s|$)")
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

    Linear in ``text`` (see ``_SENTENCE_END``): a run of dots costs its length, once.

    >>> count_sentences("Er kam. Sie ging! «Wer?» Dr. Who")
    4
    >>> count_sentences("Wait... what?!) Yes.. " + "." * 100_000 + "x")
    3
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
    """Characters of the most frequent word n-gram times its count, if it repeats; of
    equally frequent n-grams, the first (as datatrove's ``find_top_duplicate`` takes it).

    >>> top_ngram_chars("ab c ab c de f de f".split(), 2)  # "ab c" first: 4 characters, twice
    8
    """
    grams = Counter(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    if not grams:
        return 0
    [(gram, count)] = grams.most_common(1)
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
#: One rule: whether it failed, its reason, the detail a rejected page gets.
Check = tuple[bool, str, str]


@dataclass(frozen=True)
class QualityFilter:
    """A quality filter: ``measure`` scores a page; the step drops or annotates.

    Subclasses set ``name``, declare their thresholds as fields (numbers, each with its
    default and a comment saying where it comes from) and implement ``measure``;
    ``mode`` is ``drop`` or ``annotate`` (scores in ``meta["quality"][name]``, the page
    kept). Thresholds are checked when the filter is made: none is negative, and a
    ``min_x`` is not above its ``max_x``. A rule compares the exact measure with its
    threshold; the measures recorded are rounded.
    """

    mode: Mode = "drop"
    name: ClassVar[str] = "quality"

    def __post_init__(self) -> None:
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "mode"}
        for key, value in values.items():
            if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                raise ValueError(f"{key} must not be negative, not {value}")
        for key, value in values.items():
            upper = values.get("max_" + key.removeprefix("min_"))
            if key.startswith("min_") and upper is not None and value > upper:
                raise ValueError(f"{key} {value} > max_{key.removeprefix('min_')} {upper}")

    @property
    def config(self) -> dict[str, Any]:
        """The mode and the thresholds set apart from their defaults (so a filter at its
        defaults hashes as it did before thresholds were parameters)."""
        changed = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.compare and f.name != "mode" and getattr(self, f.name) != f.default
        }
        return {"mode": self.mode, **changed}

    def measure(self, doc: Document) -> Verdict:
        raise NotImplementedError

    def __call__(self, doc: Document) -> Document | Drop:
        scores, reason, detail = self.measure(doc)
        if self.mode == "drop":
            return doc if reason is None else Drop(self.name, reason, doc.source, detail, doc)
        quality = dict(doc.meta.get("quality") or {})
        quality[self.name] = {**scores, "drop_reason": reason}
        return set_fields(doc, self.name, {"quality": quality})


def _verdict(scores: dict[str, Any], checks: Sequence[Check]) -> Verdict:
    """The scores with the first failing check's reason and detail."""
    for failed, reason, detail in checks:
        if failed:
            return scores, reason, detail
    return scores, None, ""


def share(part: float, whole: float, empty: float = 0.0) -> float:
    """``part / whole``, or ``empty`` when there is no whole."""
    return part / whole if whole else empty


@dataclass(frozen=True)
class TooShort(QualityFilter):
    """Step ``too_short``: fewer than ``min_words`` words (Gopher) or ``min_sentences``
    sentences (C4); more than ``max_words`` words (Gopher). Reasons ``too_few_words``,
    ``too_few_sentences``, ``too_many_words``.

    >>> from corpuskit.document import Source, make_document
    >>> TooShort()(make_document("Nur ein Satz.", Source("-"))).detail
    '3 words < 50'
    >>> TooShort(min_words=3, min_sentences=1)(make_document("Nur ein Satz.", Source("-"))).text
    'Nur ein Satz.'
    """

    #: Gopher: "fewer than 50 or more than 100,000 words" (datatrove's
    #: ``GopherQualityFilter`` ``min_doc_words`` / ``max_doc_words``, the same). Words are
    #: ``page_words``: datatrove counts the non-symbol tokens of its word tokenizer.
    min_words: int = threshold(50, "Gopher; datatrove's min_doc_words")
    max_words: int = threshold(100_000, "Gopher; datatrove's max_doc_words")
    #: C4: "We discarded any page with fewer than 5 sentences" (datatrove's
    #: ``C4QualityFilter`` ``min_num_sentences``). Sentences are ``count_sentences``'
    #: terminal punctuation; C4 and datatrove split sentences with a tokenizer (punkt,
    #: spaCy), over the lines C4 keeps.
    min_sentences: int = threshold(5, "C4; datatrove's min_num_sentences")
    name: ClassVar[str] = "too_short"

    def measure(self, doc: Document) -> Verdict:
        words, sentences = len(page_words(doc.text)), count_sentences(doc.text)
        return _verdict(
            {"words": words, "sentences": sentences},
            [
                (words < self.min_words, "too_few_words", f"{words} words < {self.min_words}"),
                (words > self.max_words, "too_many_words", f"{words} words > {self.max_words}"),
                (
                    sentences < self.min_sentences,
                    "too_few_sentences",
                    f"{sentences} sentences < {self.min_sentences}",
                ),
            ],
        )


@dataclass(frozen=True)
class WordLength(QualityFilter):
    """Step ``word_length``: mean word length outside ``min_mean_word_length`` to
    ``max_mean_word_length`` characters (Gopher), reason ``mean_word_length``; languages
    written without spaces (``UNSPACED``) are passed."""

    #: Gopher: "mean word length is outside the range of 3 to 10 characters" (datatrove's
    #: ``min_avg_word_length`` / ``max_avg_word_length``, the same). The mean is over
    #: ``page_words`` (punctuation stripped); datatrove's over its non-symbol tokens.
    min_mean_word_length: float = threshold(3.0, "Gopher; datatrove's min_avg_word_length")
    max_mean_word_length: float = threshold(10.0, "Gopher; datatrove's max_avg_word_length")
    name: ClassVar[str] = "word_length"

    def measure(self, doc: Document) -> Verdict:
        words = page_words(doc.text)
        mean = share(sum(map(len, words)), len(words))
        odd = not self.min_mean_word_length <= mean <= self.max_mean_word_length
        failed = bool(words) and odd and doc.lang not in UNSPACED
        bounds = f"{self.min_mean_word_length:g} to {self.max_mean_word_length:g}"
        shown = round(mean, 2)
        return _verdict(
            {"mean_word_length": shown},
            [(failed, "mean_word_length", f"mean word length {shown} not in {bounds}")],
        )


@dataclass(frozen=True)
class SymbolRatio(QualityFilter):
    """Step ``symbol_ratio``: hashes, or ellipses, per word above ``max_symbol_ratio``
    (Gopher, ``symbol_ratio``), fewer than ``min_alpha_words`` of words with a letter
    (Gopher, ``non_alpha_words``), digits above ``max_digit_ratio`` of letters and
    digits (corpuskit's own, ``digit_ratio``). Words here are whitespace-separated
    tokens, as Gopher counts them for these rules."""

    #: Gopher: "a symbol-to-word ratio greater than 0.1 for either the hash symbol or the
    #: ellipsis": each apart (datatrove's ``max_symbol_word_ratio``, the same). The score
    #: ``symbol_ratio`` is the larger of the two.
    max_symbol_ratio: float = threshold(
        0.1, "Gopher, hashes or ellipses apart; datatrove's max_symbol_word_ratio"
    )
    #: Gopher: "80% of words in a document contain at least one alphabetic character"
    #: (datatrove's ``max_non_alpha_words_ratio``, a minimum despite its name).
    min_alpha_words: float = threshold(0.8, "Gopher; datatrove's max_non_alpha_words_ratio")
    #: Not from Gopher, C4 or FineWeb, which have no digit rule: corpuskit's own bound for
    #: tables of scores, prices or timetables, set above every cleaned page of traf-dev
    #: (the most digit-heavy, a page of song lyrics with track numbers, has 0.21 of its
    #: letters and digits in digits; the next, 0.17).
    max_digit_ratio: float = threshold(0.3, "corpuskit's own")
    name: ClassVar[str] = "symbol_ratio"

    def measure(self, doc: Document) -> Verdict:
        text = doc.text
        tokens = text.split()
        hashes = share(text.count("#"), len(tokens))
        ellipses = share(text.count("...") + text.count("…"), len(tokens))
        symbols, which = max((hashes, "hashes"), (ellipses, "ellipses"))
        alpha = share(sum(1 for token in tokens if any(map(str.isalpha, token))), len(tokens), 1)
        digits = sum(map(str.isdigit, text))
        digit_ratio = share(digits, sum(map(str.isalpha, text)) + digits)
        scores = {
            "symbol_ratio": round(symbols, 4),
            "alpha_words": round(alpha, 4),
            "digit_ratio": round(digit_ratio, 4),
        }
        return _verdict(
            scores,
            [
                (
                    symbols > self.max_symbol_ratio,
                    "symbol_ratio",
                    f"{scores['symbol_ratio']} {which} a word > {self.max_symbol_ratio}",
                ),
                (
                    alpha < self.min_alpha_words,
                    "non_alpha_words",
                    f"{scores['alpha_words']} of words with a letter < {self.min_alpha_words}",
                ),
                (
                    digit_ratio > self.max_digit_ratio,
                    "digit_ratio",
                    f"{scores['digit_ratio']} digits > {self.max_digit_ratio}",
                ),
            ],
        )


@dataclass(frozen=True)
class LinePunctuation(QualityFilter):
    """Step ``line_punctuation``: fewer than ``min_line_punctuation`` of lines ending in
    terminal punctuation (FineWeb, ``line_punctuation``), more than ``max_bullet_lines``
    starting with a bullet (Gopher, ``bullet_lines``), more than ``max_ellipsis_lines``
    ending with an ellipsis (Gopher, ``ellipsis_lines``). Lines are the non-blank ones."""

    #: FineWeb: at least 12% of lines end in terminal punctuation (datatrove's
    #: ``FineWebQualityFilter`` ``line_punct_thr``, the same). Terminal here is
    #: ``_TERMINAL``, closing quotes and the colon included; datatrove's
    #: ``TERMINAL_PUNCTUATION`` has neither.
    min_line_punctuation: float = threshold(0.12, "FineWeb; datatrove's line_punct_thr")
    #: Gopher: "more than 90% of lines starting with a bullet point, or more than 30%
    #: ending with an ellipsis" (datatrove's ``max_bullet_lines_ratio``,
    #: ``max_ellipsis_lines_ratio``, the same). Bullets here are ``_BULLETS``; datatrove's
    #: are "•" and "-", and it counts blank lines in the whole, which lowers both shares
    #: on double-spaced text.
    max_bullet_lines: float = threshold(0.9, "Gopher; datatrove's max_bullet_lines_ratio")
    max_ellipsis_lines: float = threshold(0.3, "Gopher; datatrove's max_ellipsis_lines_ratio")
    name: ClassVar[str] = "line_punctuation"

    def measure(self, doc: Document) -> Verdict:
        lines = nonblank_lines(doc.text)
        ended = share(sum(line.endswith(_TERMINAL) for line in lines), len(lines))
        bullets = share(sum(line.startswith(_BULLETS) for line in lines), len(lines))
        ellipses = share(sum(line.endswith(("...", "…")) for line in lines), len(lines))
        scores = {
            "punctuated_lines": round(ended, 4),
            "bullet_lines": round(bullets, 4),
            "ellipsis_lines": round(ellipses, 4),
        }
        return _verdict(
            scores,
            [
                (
                    bool(lines) and ended < self.min_line_punctuation,
                    "line_punctuation",
                    f"{scores['punctuated_lines']} of lines end a sentence"
                    f" < {self.min_line_punctuation}",
                ),
                (
                    bullets > self.max_bullet_lines,
                    "bullet_lines",
                    f"{scores['bullet_lines']} of lines are bullets > {self.max_bullet_lines}",
                ),
                (
                    ellipses > self.max_ellipsis_lines,
                    "ellipsis_lines",
                    f"{scores['ellipsis_lines']} of lines end in an ellipsis"
                    f" > {self.max_ellipsis_lines}",
                ),
            ],
        )


@dataclass(frozen=True)
class StopwordPresence(QualityFilter):
    """Step ``stopwords``: fewer than ``min_stopwords`` different stopwords of the page's
    language (Gopher's rule, jusText's lists), reason ``no_stopwords``. A language
    without a list counts every listed language's stopwords; unspaced scripts are
    passed."""

    #: Gopher: a page must hold "at least two of the following English words: the, be,
    #: to, of, and, that, have, with" (datatrove's ``min_stop_words``, the same, over the
    #: same 8 words, case-sensitive). Here the list is the page language's jusText list
    #: (lexicon/stopwords.py), hundreds of words, matched case-folded, so 2 is a weaker
    #: bar than Gopher's on English.
    min_stopwords: int = threshold(2, "Gopher, jusText's lists; datatrove's min_stop_words")
    stopwords: Stopwords = field(default_factory=Stopwords, compare=False, repr=False)
    name: ClassVar[str] = "stopwords"

    def measure(self, doc: Document) -> Verdict:
        listed = self.stopwords.get(doc.lang)
        found = len({word.lower() for word in page_words(doc.text)} & listed)
        failed = found < self.min_stopwords and doc.lang not in UNSPACED
        return _verdict(
            {"stopwords": found},
            [(failed, "no_stopwords", f"{found} stopwords < {self.min_stopwords}")],
        )


@dataclass(frozen=True)
class Repetition(QualityFilter):
    """Step ``repetition``: Gopher's repetition rules. Reasons ``duplicate_lines``,
    ``duplicate_paragraphs``, ``duplicate_line_chars``, ``duplicate_paragraph_chars``,
    ``top_ngram`` (the most frequent 2-4-gram), ``duplicate_ngrams`` (5-10-grams)."""

    #: Gopher, table A1, and datatrove's ``GopherRepetitionFilter`` defaults (the same):
    #: the share of lines (``dup_line_frac``) and paragraphs (``dup_para_frac``) that
    #: repeat an earlier one, and of characters in them (``dup_line_char_frac``,
    #: ``dup_para_char_frac``).
    max_duplicate_lines: float = threshold(0.3, "Gopher A1; datatrove's dup_line_frac")
    max_duplicate_paragraphs: float = threshold(0.3, "Gopher A1; datatrove's dup_para_frac")
    max_duplicate_line_chars: float = threshold(0.2, "Gopher A1; datatrove's dup_line_char_frac")
    max_duplicate_paragraph_chars: float = threshold(
        0.2, "Gopher A1; datatrove's dup_para_char_frac"
    )
    #: Gopher, table A1 (datatrove's ``top_n_grams``): the share of characters in the
    #: most frequent word 2-, 3-, 4-gram. Only a repeated n-gram counts here; datatrove
    #: counts the most frequent one even when it occurs once (which matters on pages of a
    #: few words only).
    max_top_2gram: float = threshold(0.2, "Gopher A1; datatrove's top_n_grams")
    max_top_3gram: float = threshold(0.18, "Gopher A1; datatrove's top_n_grams")
    max_top_4gram: float = threshold(0.16, "Gopher A1; datatrove's top_n_grams")
    #: Gopher, table A1 (datatrove's ``dup_n_grams``): the share of characters in word
    #: 5- to 10-grams that repeat an earlier one. An n-gram is its words here; datatrove
    #: joins them without spaces, so that ("ab", "c") repeats ("a", "bc").
    max_duplicate_5grams: float = threshold(0.15, "Gopher A1; datatrove's dup_n_grams")
    max_duplicate_6grams: float = threshold(0.14, "Gopher A1; datatrove's dup_n_grams")
    max_duplicate_7grams: float = threshold(0.13, "Gopher A1; datatrove's dup_n_grams")
    max_duplicate_8grams: float = threshold(0.12, "Gopher A1; datatrove's dup_n_grams")
    max_duplicate_9grams: float = threshold(0.11, "Gopher A1; datatrove's dup_n_grams")
    max_duplicate_10grams: float = threshold(0.10, "Gopher A1; datatrove's dup_n_grams")
    name: ClassVar[str] = "repetition"

    def measure(self, doc: Document) -> Verdict:
        text = doc.text
        size = len(text)
        lines, paras = nonblank_lines(text), paragraphs(text)
        dup_lines, dup_line_chars = duplicates(lines)
        dup_paras, dup_para_chars = duplicates(paras)
        words = page_words(text)
        exact = {
            "duplicate_lines": share(dup_lines, len(lines)),
            "duplicate_paragraphs": share(dup_paras, len(paras)),
            "duplicate_line_chars": share(dup_line_chars, size),
            "duplicate_paragraph_chars": share(dup_para_chars, size),
        }
        for n in (2, 3, 4):
            exact[f"top_{n}gram"] = share(top_ngram_chars(words, n), size)
        for n in range(5, 11):
            exact[f"duplicate_{n}grams"] = share(duplicate_ngram_chars(words, n), size)
        scores = {key: round(value, 4) for key, value in exact.items()}
        return _verdict(scores, [self._check(key, exact, scores) for key in exact])

    def _check(self, key: str, exact: dict[str, float], scores: dict[str, Any]) -> Check:
        """The rule on the measure ``key``, whose threshold is the field ``max_<key>``."""
        bound = getattr(self, f"max_{key}")
        n = "".join(filter(str.isdigit, key))
        if key.startswith("top_"):
            reason, shown = "top_ngram", f"top {n}-gram"
        elif n:
            reason, shown = "duplicate_ngrams", f"{n}-grams"
        else:
            reason, shown = key, key
        return exact[key] > bound, reason, f"{shown} {scores[key]} > {bound}"


@dataclass(frozen=True)
class MostlyRemoved(QualityFilter):
    """Step ``mostly_removed``: cleaning kept less than ``min_kept`` of the page's
    characters (from its edits: characters before the first, now), reason
    ``mostly_removed``."""

    #: corpuskit's own: a page that kept less than 5% of its characters after cleaning
    #: was mostly furniture, and what is left is often a stray teaser. On traf-dev one
    #: cleaned page of 694 keeps less (3%: ten words of a shop page); the 5th percentile
    #: keeps 19%, the median 59%.
    min_kept: float = threshold(0.05, "corpuskit's own")
    name: ClassVar[str] = "mostly_removed"

    def measure(self, doc: Document) -> Verdict:
        before = doc.edits[0].chars_before if doc.edits else len(doc.text)
        kept = share(len(doc.text), before, 1.0)
        shown = round(kept, 4)
        return _verdict(
            {"kept": shown, "chars_before": before},
            [(kept < self.min_kept, "mostly_removed", f"kept {shown} of {before} characters")],
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
    already (from a recipe) takes the mode where it stands, keeping its thresholds; one
    turned ``off`` is left as it is."""
    steps = quality_steps(mode, **modes)
    for step in steps:
        name = step_name(step)
        if name in pipeline.names:
            there = pipeline.steps[pipeline.names.index(name)]
            if isinstance(there, QualityFilter) and isinstance(step, QualityFilter):
                step = replace(there, mode=step.mode)
            pipeline = pipeline.replace(name, step)
    steps = [step for step in steps if step_name(step) not in pipeline.names]
    if not steps:
        return pipeline
    if "drop_empty" in pipeline.names:
        return pipeline.after("drop_empty", *steps)
    return pipeline.then(*steps)
