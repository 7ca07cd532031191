"""Features of each line of a page, in context, for the line classifier (``classify_lines``).

A text dump keeps no markup, but its layout still says a lot. A paragraph is a *block*:
consecutive non-blank lines (an inline link splits a sentence over several lines of one
block; block elements leave blank lines between them). For every non-blank line the
features describe

- the line itself: length, words, stopword density, how it begins and ends, letters,
  digits and capitals;
- its block: length, stopword density, lines, mean line length, whether it ends a
  sentence; jusText's context-free class of the block (good, near-good, short, bad);
- its neighbourhood: the prose quality of the blocks around it, whether they are
  prose, the run of short blocks it sits in (a menu is a run of short blocks), its
  relative position in the page, and its distance to the densest stretch of prose
  (the maximum-sum run of blocks, prose counting for its length and the rest against);
- a few marks of page furniture: ©, e-mail addresses, URLs, "|" separators, a high
  share of punctuation.

Stopword density is jusText's measure (share of words that are stopwords of the page's
language); the jusText thresholds below are its published defaults, not tuned here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, compress
from math import log1p
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from corpuskit.lexicon.layout import LAYOUT_NAMES
from corpuskit.lexicon.lines import TERMINAL

WORD = re.compile(r"\w+")

# jusText's defaults (Pomikálek 2011): a block shorter than LENGTH_LOW characters is
# "short"; with a stopword density of STOPWORDS_HIGH it is "good" beyond LENGTH_HIGH
# characters and "near-good" below; between STOPWORDS_LOW and STOPWORDS_HIGH it is
# "near-good"; else "bad". The classifier's weights were trained with these values:
# change them only together with a retraining (bench/train_line_model.py).
LENGTH_LOW = 70
LENGTH_HIGH = 200
STOPWORDS_LOW = 0.30
STOPWORDS_HIGH = 0.32

#: Features of the line itself (the first is a constant 1, the bias).
LINE_NAMES: tuple[str, ...] = (
    "bias", "line_chars", "line_words", "line_stopwords", "line_ends_sentence",
    "line_ends_colon", "starts_upper", "starts_lower", "starts_digit", "letters", "digits",
    "capitals", "line_stopwords_30", "line_chars_70", "position", "copyright", "email",
    "url", "pipe", "punctuation",
)  # fmt: skip
#: Features of the line's block and of its neighbourhood, the same for all its lines.
BLOCK_NAMES: tuple[str, ...] = (
    "block_chars", "block_stopwords", "block_lines", "block_mean_line",
    "block_ends_sentence", "block_lines_ending_sentence", "prev_quality", "next_quality",
    "near_quality", "prev_prose", "next_prose", "in_main_region", "main_region_distance",
    "short_run", "quality", "block_good", "block_near_good", "block_short",
    "block_stopwords_30", "block_chars_200", "relative_quality", "good_block_distance",
)  # fmt: skip
NAMES: tuple[str, ...] = LINE_NAMES + BLOCK_NAMES

#: Where ``pipe`` is among ``LINE_NAMES``, and the table cell share among an HTML line's
#: extra features (its layout first). The HTML text walk joins a table row's cells with
#: " | " (``html.text.CELL_SEPARATOR``): on a line mostly in table cells those bars are
#: ours, not the page's "Home | About" separators, so ``pipe`` is not set there.
_PIPE = LINE_NAMES.index("pipe")
_TABLE_CELL = LAYOUT_NAMES.index("html_table_cell")


class LineStats(NamedTuple):
    """A non-blank line, stripped, with its words counted once for line and block;
    ``at`` is its index among the page's lines.

    A named tuple rather than a frozen dataclass: one is made for every line of every
    page, and a tuple is made in a third of the time.
    """

    at: int
    text: str
    lower: str
    words: int
    stopwords: int

    @classmethod
    def of(cls, at: int, line: str, stopwords: frozenset[str]) -> LineStats:
        text = line.strip()
        lower = text.lower()
        words = WORD.findall(lower)
        return cls(at, text, lower, len(words), sum(map(stopwords.__contains__, words)))


class Block(NamedTuple):
    """A paragraph: the indices of its lines and its measures."""

    lines: tuple[int, ...]
    chars: int
    ends_sentence: bool
    lines_ending_sentence: float
    stopwords: float
    quality: float
    kind: str

    @classmethod
    def of(cls, members: Sequence[LineStats]) -> Block:
        """The block of consecutive non-blank lines ``members`` (joined with spaces)."""
        chars, words, stopwords, ending, last = len(members) - 1, 0, 0, 0, False
        for member in members:
            chars += len(member.text)
            words += member.words
            stopwords += member.stopwords
            last = member.text.endswith(TERMINAL)
            ending += last
        density = stopwords / words if words else 0.0
        first = members[0].at  # the members are consecutive lines
        return cls(
            tuple(range(first, first + len(members))),
            chars,
            last,
            ending / len(members),
            density,
            log1p(chars) * density,
            block_kind(chars, density),
        )


def stopword_density(text: str, stopwords: frozenset[str]) -> float:
    """Share of the words of ``text`` that are stopwords (0 for a text without words).

    >>> stopword_density("Der Hund und die Katze", frozenset({"der", "und", "die"}))
    0.6
    """
    stats = LineStats.of(0, text, stopwords)
    return stats.stopwords / stats.words if stats.words else 0.0


def block_kind(chars: int, stopwords: float) -> str:
    """jusText's context-free class of a paragraph: good, near_good, short or bad."""
    if chars < LENGTH_LOW:
        return "short"
    if stopwords >= STOPWORDS_HIGH:
        return "good" if chars > LENGTH_HIGH else "near_good"
    return "near_good" if stopwords >= STOPWORDS_LOW else "bad"


def split_blocks(stats: Sequence[LineStats]) -> list[Block]:
    """The blocks of a page (runs of consecutive non-blank lines), in order."""
    blocks: list[Block] = []
    current: list[LineStats] = []
    for line in stats:
        if current and line.at != current[-1].at + 1:
            blocks.append(Block.of(current))
            current = []
        current.append(line)
    if current:
        blocks.append(Block.of(current))
    return blocks


def main_region(blocks: Sequence[Block]) -> tuple[int, int]:
    """The densest stretch of prose: the run of blocks with the largest sum, where a
    good block counts its length and every other block its length negated."""
    good = [block.kind == "good" for block in blocks]
    return _main_region(good, [block.chars for block in blocks])


def _main_region(good: Sequence[bool], chars: Sequence[int]) -> tuple[int, int]:
    best, total, start, low, high = 0, 0, 0, 0, 0
    for index, (is_good, size) in enumerate(zip(good, chars, strict=True)):
        weight = size if is_good else -size
        if total <= 0:
            total, start = weight, index
        else:
            total += weight
        if total > best:
            best, low, high = total, start, index + 1
    return low, high


def short_runs(blocks: Sequence[Block]) -> list[int]:
    """For each block, the length of the run of short blocks it belongs to (0 if none)."""
    return _short_runs([block.kind for block in blocks])


def _short_runs(kinds: Sequence[str]) -> list[int]:
    runs = [0] * len(kinds)
    index = 0
    while index < len(kinds):
        end = index
        while end < len(kinds) and kinds[end] == "short":
            end += 1
        for member in range(index, end):
            runs[member] = end - index
        index = max(end, index + 1)
    return runs


def prose_before(blocks: Sequence[Block]) -> list[bool]:
    """For each block, whether the nearest earlier non-short block is good or near-good."""
    return _prose_before([block.kind for block in blocks])


def _prose_before(kinds: Sequence[str]) -> list[bool]:
    out, last = [], False
    for kind in kinds:
        out.append(last)
        if kind != "short":
            last = kind in ("good", "near_good")
    return out


def good_distance(blocks: Sequence[Block]) -> list[int]:
    """For each block, how many blocks away the nearest good block is (99 if none)."""
    return _good_distance([block.kind for block in blocks])


def _good_distance(kinds: Sequence[str]) -> list[int]:
    far = 99
    forward, last = [], -far
    for index, kind in enumerate(kinds):
        last = index if kind == "good" else last
        forward.append(index - last)
    out, following = [0] * len(kinds), len(kinds) + far
    for index in range(len(kinds) - 1, -1, -1):
        following = index if kinds[index] == "good" else following
        out[index] = min(forward[index], following - index, far)
    return out


@dataclass(frozen=True, slots=True)
class PageContext:
    """What every line's features need to know about the page as a whole."""

    blocks: list[Block]
    qualities: list[float]
    region: tuple[int, int]
    runs: list[int]
    good_distance: list[int]
    prose_before: list[bool]
    prose_after: list[bool]
    best_quality: float

    @classmethod
    def of(cls, stats: Sequence[LineStats]) -> PageContext:
        blocks = split_blocks(stats)
        qualities = [block.quality for block in blocks]
        return cls(
            blocks,
            qualities,
            main_region(blocks),
            short_runs(blocks),
            good_distance(blocks),
            prose_before(blocks),
            prose_before(blocks[::-1])[::-1],
            max(qualities, default=0.0) or 1.0,
        )


FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class PageFeatures:
    """The features of a page's non-blank lines, kept in two parts: row k of
    ``line_array`` (``LINE_NAMES``) for the k-th line, row ``blocks[k]`` of
    ``block_array`` (``BLOCK_NAMES``) for its block, so that work done per block is done
    once per block. ``lines[k]`` is the k-th line's index in the page."""

    lines: list[int]
    line_array: FloatArray
    blocks: list[int]
    block_array: FloatArray

    @property
    def line_parts(self) -> list[list[float]]:
        """``line_array`` as lists, a list per line."""
        parts: list[list[float]] = self.line_array.tolist()
        return parts

    @property
    def block_parts(self) -> list[list[float]]:
        """``block_array`` as lists, a list per block."""
        parts: list[list[float]] = self.block_array.tolist()
        return parts

    def rows(self) -> list[list[float]]:
        """Full vectors (``NAMES``), one per line."""
        rows: list[list[float]] = np.hstack(
            [self.line_array, self.block_array[self.blocks]]
        ).tolist()
        return rows


def page_features(
    lines: Sequence[str],
    stopwords: frozenset[str],
    extra: Sequence[Sequence[float]] | None = None,
) -> PageFeatures:
    """The features of every non-blank line of a page, in page order.

    ``extra``, when given, holds more features for each line of ``lines`` (an HTML
    page's ``layout``), appended to its ``LINE_NAMES`` part.

    Computed for the whole page at once, as arrays (``PageText``): a page has hundreds
    of lines, and a dozen Python operations per line were most of the classifier's time.
    Every value is the float ``page_features_by_line`` computes line by line (the same
    counts, the same IEEE operations on them, ``math.log1p`` for the logarithms);
    ``tests/steps/classify/test_features.py`` checks it on every dev page.
    """
    page = PageText.of(lines, stopwords)
    line_array = page.line_array()
    if extra is not None:
        layout = np.array([extra[at] for at in page.at], dtype=np.float64)
        layout = layout.reshape(len(page.at), -1)
        line_array[layout[:, _TABLE_CELL] >= 0.5, _PIPE] = 0.0
        line_array = np.hstack([line_array, layout])
    blocks = PageBlocks.of(page)
    return PageFeatures(page.at, line_array, blocks.of_line.tolist(), blocks.block_array())


def page_features_by_line(
    lines: Sequence[str],
    stopwords: frozenset[str],
    extra: Sequence[Sequence[float]] | None = None,
) -> PageFeatures:
    """``page_features`` worked out one line and one block at a time: the definition
    the array code must match, value for value (kept for that test)."""
    stats = [LineStats.of(i, line, stopwords) for i, line in enumerate(lines) if line.strip()]
    page = PageContext.of(stats)
    # Position among the non-blank lines, so that collapsing blank lines changes nothing.
    total = max(1, len(stats))
    line_parts = [_line_part(line, k / total) for k, line in enumerate(stats)]
    if extra is not None:
        line_parts = [
            [*part, *extra[line.at]] for part, line in zip(line_parts, stats, strict=True)
        ]
        for part in line_parts:
            if part[len(LINE_NAMES) + _TABLE_CELL] >= 0.5:
                part[_PIPE] = 0.0
    numbers = [number for number, block in enumerate(page.blocks) for _ in block.lines]
    block_parts = [_block_part(page, number) for number in range(len(page.blocks))]
    width = len(line_parts[0]) if line_parts else len(LINE_NAMES)
    return PageFeatures(
        [line.at for line in stats],
        np.array(line_parts, dtype=np.float64).reshape(len(line_parts), width),
        numbers,
        np.array(block_parts, dtype=np.float64).reshape(len(block_parts), len(BLOCK_NAMES)),
    )


def line_features(
    lines: Sequence[str],
    stopwords: frozenset[str],
    extra: Sequence[Sequence[float]] | None = None,
) -> list[tuple[int, list[float]]]:
    """``(line index, feature vector)`` for every non-blank line, vectors as in ``NAMES``
    (line features, then ``extra``'s, then block features)."""
    features = page_features(lines, stopwords, extra)
    return list(zip(features.lines, features.rows(), strict=True))


def _line_part(stats: LineStats, position: float) -> list[float]:
    """The ``LINE_NAMES`` features of one line.

    Flags are written ``1.0 if ... else 0.0``: the value of ``float(...)`` without a
    call, here and in ``_block_part``, which run for every line and block of a page.
    """
    line, lower, words = stats.text, stats.lower, stats.words
    length = len(line)
    density = stats.stopwords / words if words else 0.0
    visible = length - line.count(" ") or 1  # normalize_whitespace left only " "
    letters, digits, capitals, alphanumeric = _char_counts(line)
    first = line[:1]
    return [
        1.0,
        log1p(length),
        log1p(words),
        density,
        1.0 if line.endswith(TERMINAL) else 0.0,
        1.0 if line.endswith(":") else 0.0,
        1.0 if first.isupper() else 0.0,
        1.0 if first.islower() else 0.0,
        1.0 if first.isdigit() else 0.0,
        letters / visible,
        digits / visible,
        capitals / letters if letters else 0.0,
        1.0 if density >= STOPWORDS_LOW else 0.0,
        1.0 if length >= LENGTH_LOW else 0.0,
        position,
        1.0 if "©" in line or "(c)" in lower else 0.0,
        1.0 if "@" in line else 0.0,
        1.0 if "http" in lower or "www." in lower else 0.0,
        1.0 if "|" in line else 0.0,
        (visible - alphanumeric) / (length or 1),
    ]


def _ascii_classes() -> bytes:
    """A ``bytes.translate`` table: each ASCII byte to its class, U (capital), L (small
    letter), D (digit) or "." (anything else); the bytes above 127 never occur."""
    classes = bytearray(b"." * 256)
    classes[ord("A") : ord("Z") + 1] = b"U" * 26
    classes[ord("a") : ord("z") + 1] = b"L" * 26
    classes[ord("0") : ord("9") + 1] = b"D" * 10
    return bytes(classes)


_ASCII_CLASSES = _ascii_classes()
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")


def _char_counts(line: str) -> tuple[int, int, int, int]:
    """Letters, digits, capitals and letters-or-digits in ``line`` (as ``str.isalpha``,
    ``isdigit``, ``isupper``, ``isalnum`` count them).

    Most characters of most pages are ASCII, where those four tests mean A-Z, a-z and
    0-9: they are counted in C, by translating the line's ASCII characters to their
    class and counting the classes. Only the other characters, a few accents on a
    German or French line, are tested one by one.

    >>> _char_counts("Ab1 ü"), _char_counts("Ab1 x"), _char_counts("Ÿ² 東")
    ((3, 1, 1, 4), (3, 1, 1, 4), (2, 1, 1, 3))
    """
    classes = line.encode("ascii", "ignore").translate(_ASCII_CLASSES)
    capitals, digits = classes.count(b"U"), classes.count(b"D")
    letters = capitals + classes.count(b"L")
    alphanumeric = letters + digits
    if line.isascii():
        return letters, digits, capitals, alphanumeric
    rest = _ASCII_RUNS.sub("", line)
    return (
        letters + sum(map(str.isalpha, rest)),
        digits + sum(map(str.isdigit, rest)),
        capitals + sum(map(str.isupper, rest)),
        alphanumeric + sum(map(str.isalnum, rest)),
    )


def _block_part(page: PageContext, number: int) -> list[float]:
    """The ``BLOCK_NAMES`` features of one block, in its page."""
    block, qualities = page.blocks[number], page.qualities
    low, high = page.region
    inside = low <= number < high
    distance = 0 if inside else min(abs(number - low), abs(number - high + 1))
    # The quality of the nearest blocks, two either side (0 when there are none).
    near = qualities[max(0, number - 2) : number] + qualities[number + 1 : number + 3]
    kind = block.kind
    return [
        log1p(block.chars),
        block.stopwords,
        log1p(len(block.lines)),
        log1p(block.chars / len(block.lines)),
        1.0 if block.ends_sentence else 0.0,
        block.lines_ending_sentence,
        qualities[number - 1] if number > 0 else 0.0,
        qualities[number + 1] if number + 1 < len(qualities) else 0.0,
        max(near, default=0.0),
        1.0 if page.prose_before[number] else 0.0,
        1.0 if page.prose_after[number] else 0.0,
        1.0 if inside else 0.0,
        log1p(distance),
        log1p(page.runs[number]),
        block.quality,
        1.0 if kind == "good" else 0.0,
        1.0 if kind == "near_good" else 0.0,
        1.0 if kind == "short" else 0.0,
        1.0 if block.stopwords >= STOPWORDS_LOW else 0.0,
        1.0 if block.chars > LENGTH_HIGH else 0.0,
        block.quality / page.best_quality,
        log1p(page.good_distance[number]),
    ]


# The page at once: the features above, computed as arrays over all the lines of a page.

#: Bits of a character's class: ``str.isalpha``, ``isdigit``, ``isupper``, ``islower``
#: and ``isalnum`` of the character, one bit each; ``WORD_CHAR``: ``WORD`` matches it
#: (``isalnum`` or "_"); ``KEEPS``: lowercasing keeps it one character, a word
#: character if and only if it was one (so a page in lower case has its words where the
#: page has them: ``_word_counts``).
ALPHA, DIGIT, UPPER, LOWER, ALNUM, WORD_CHAR, KEEPS = 1, 2, 4, 8, 16, 32, 64


def char_class(code: int) -> int:
    """The class bits of the character ``code``.

    >>> char_class(ord("A")) == ALPHA | UPPER | ALNUM | WORD_CHAR | KEEPS
    True
    >>> char_class(ord("²")) == DIGIT | ALNUM | WORD_CHAR | KEEPS, char_class(ord("İ")) & KEEPS
    (True, 0)
    """
    char = chr(code)
    lower = char.lower()
    word = _is_word(char)
    tests = (
        char.isalpha(),
        char.isdigit(),
        char.isupper(),
        char.islower(),
        char.isalnum(),
        word,
        len(lower) == 1 and _is_word(lower) == word,
    )
    bits = (ALPHA, DIGIT, UPPER, LOWER, ALNUM, WORD_CHAR, KEEPS)
    return sum(bit for bit, holds in zip(bits, tests, strict=True) if holds)


def _is_word(char: str) -> bool:
    """Whether ``WORD`` matches ``char`` (``\\w``): a letter, a digit or a number (as
    ``str.isalnum`` has them), or "_" (``re``'s definition for ``str`` patterns; a test
    compares the two on every code point)."""
    return char.isalnum() or char == "_"


#: The classes of the ASCII characters (DEL, 127, has none: codes above it are clipped
#: to it, then looked up one distinct character at a time).
_ASCII_CLASS = np.array([char_class(code) for code in range(128)], dtype=np.uint8)
#: The classes of the other characters seen so far (a few thousand at most in practice;
#: bounded by Unicode's size).
_OTHER_CLASSES: dict[int, int] = {}


def _table(marks: Sequence[str]) -> NDArray[np.bool_]:
    """Whether each code point up to the largest of ``marks`` is one of them (a code
    above is looked up as the last entry, which is a mark only if the largest is: so a
    table one longer than that, its last entry False)."""
    table = np.zeros(max(map(ord, marks)) + 2, dtype=np.bool_)
    table[[ord(mark) for mark in marks]] = True
    return table


_TERMINAL = _table(TERMINAL)
#: The marks of furniture that ``_line_part`` looks for, by their column in
#: ``PageText.marks``; in the page in lower case (nothing but "C" lowers to "c", so
#: "(c)" is found as there). No two can overlap (no mark holds a character of another
#: but itself), so every place one stands is a place ``_line_part``'s test finds.
_MARK_COLUMN = {"©": 1, "(c)": 1, "@": 2, "http": 3, "www.": 3, "|": 4}


#: ``math.log1p`` of each count below 4,096, as a table: the counts a page's features
#: take the logarithm of (characters and words of a line, lines of a block, distances in
#: blocks) are nearly always below it; an array with a larger one is computed value by
#: value. Any size gives the same floats; a larger table costs start-up time.
_LOG1P_COUNTS = np.array([log1p(count) for count in range(4096)])


def _log1p(values: NDArray[Any]) -> FloatArray:
    """``math.log1p`` of each value (numpy's own may differ from it in the last bit);
    counts are looked up in ``_LOG1P_COUNTS``, a call per value costs more.

    >>> looked_up, computed = np.arange(20), np.arange(4090, 4110)
    >>> [_log1p(v).tolist() == [log1p(n) for n in v.tolist()] for v in (looked_up, computed)]
    [True, True]
    """
    # below 16 values, a call per value costs less than the table's checks (5 against
    # 12 microseconds for 5 values; 107 against 13 for 400)
    counts = values.dtype.kind in "iu" and len(values) >= 16
    if counts and values.min() >= 0 and values.max() < len(_LOG1P_COUNTS):
        looked_up: FloatArray = _LOG1P_COUNTS[values]
        return looked_up
    return np.fromiter(map(log1p, values.tolist()), dtype=np.float64, count=len(values))


def _ratio(top: NDArray[Any], bottom: NDArray[Any]) -> FloatArray:
    """``top / bottom``, 0.0 where ``bottom`` is 0 (IEEE division, as Python's)."""
    out: FloatArray = np.divide(top, bottom, out=np.zeros(len(top)), where=bottom != 0)
    return out


def _classes(codes: NDArray[np.uint32]) -> tuple[NDArray[np.uint8], bool]:
    """The class bits of each character code, and whether every one of them ``KEEPS``."""
    classes = _ASCII_CLASS[np.minimum(codes, 127)]
    other = codes > 127
    if not other.any():
        return classes, True
    distinct, where = np.unique(codes[other], return_inverse=True)
    known = _OTHER_CLASSES
    for code in distinct.tolist():
        if code not in known:
            known[code] = char_class(code)
    table = np.array([known[code] for code in distinct.tolist()], dtype=np.uint8)
    classes[other] = table[where]
    return classes, bool((table & KEEPS).all())


@dataclass(frozen=True, slots=True)
class PageText:
    """A page's non-blank lines, stripped, and their counts, as arrays (one entry per
    line): what ``LineStats`` and ``_line_part`` find in each line, found in the page."""

    at: list[int]
    lengths: NDArray[np.int64]
    words: NDArray[np.int64]
    stopwords: NDArray[np.int64]
    counts: NDArray[np.int64]  # letters, digits, capitals, alphanumeric, spaces
    first: NDArray[np.uint8]  # the class bits of the first character
    terminal: NDArray[np.bool_]  # ends with a TERMINAL mark
    colon: NDArray[np.bool_]  # ends with ":"
    marks: NDArray[np.bool_]  # per _MARK_COLUMN: -, copyright, email, url, pipe

    @classmethod
    def of(cls, lines: Sequence[str], stopwords: frozenset[str]) -> PageText:
        stripped = [line.strip() for line in lines]
        texts = list(filter(None, stripped))
        size = len(texts)
        joined = "\n".join(texts)
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=size)
        starts = _line_starts(lengths)
        classes, keeps = _classes(codes)
        bits = [(classes & bit) != 0 for bit in (ALPHA, DIGIT, UPPER, ALNUM)]
        counts = np.array([_sums(mask, starts) for mask in (*bits, codes == 32)])
        last = codes[starts + lengths - 1] if size else codes[:0]
        lower = joined.lower()
        if keeps:  # the words of ``lower`` stand where the page's do
            words, stops = _word_counts(lower, stopwords, (classes & WORD_CHAR) != 0, starts)
        else:
            words, stops = _word_counts_by_line(lower, stopwords, size)
        lower_starts = starts
        if len(lower) != len(joined):  # a character lowered to several: lines start later
            lower_starts = _line_starts(np.fromiter(map(len, lower.split("\n")), np.int64, size))
        return cls(
            list(compress(range(len(stripped)), stripped)),
            lengths,
            words,
            stops,
            counts.reshape(5, size),
            classes[starts] if size else classes[:0],
            _TERMINAL[np.minimum(last, len(_TERMINAL) - 1)],
            last == ord(":"),
            _marks(lower, lower_starts),
        )

    def line_array(self) -> FloatArray:
        """The ``LINE_NAMES`` features of every line, a row per line."""
        size = len(self.at)
        letters, digits, capitals, alphanumeric, spaces = self.counts
        length = self.lengths
        visible = length - spaces
        visible[visible == 0] = 1  # normalize_whitespace left only " "
        density = _ratio(self.stopwords, self.words)
        first = self.first
        columns = [
            np.ones(size),
            _log1p(length),
            _log1p(self.words),
            density,
            self.terminal,
            self.colon,
            first & UPPER,
            first & LOWER,
            first & DIGIT,
            letters / visible,
            digits / visible,
            _ratio(capitals, letters),
            density >= STOPWORDS_LOW,
            length >= LENGTH_LOW,
            np.arange(size) / max(1, size),
            *self.marks.T[1:],
            (visible - alphanumeric) / np.where(length == 0, 1, length),
        ]
        flags = [np.asarray(c) != 0 if np.asarray(c).dtype == np.uint8 else c for c in columns]
        return np.array(flags, dtype=np.float64).T.reshape(size, len(LINE_NAMES))


def _line_starts(lengths: NDArray[np.int64]) -> NDArray[np.int64]:
    """Where each line begins in the lines of ``lengths`` joined by line breaks."""
    starts = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    return starts


def _sums(values: NDArray[Any], starts: NDArray[np.int64]) -> NDArray[np.int64]:
    """The sum of ``values`` (flags or counts) over each line, or each block: the runs
    that begin at ``starts``."""
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    sums: NDArray[np.int64] = np.add.reduceat(values, starts, dtype=np.int64)
    return sums


def _word_counts(
    lower: str, stopwords: frozenset[str], word: NDArray[np.bool_], starts: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Words and stopwords in each line of ``lower`` (the page in lower case, its lines
    joined by line breaks, beginning at ``starts``), where ``word`` says which of its
    characters are word characters (``WORD_CHAR``).

    A line's words are the runs of word characters in it (what ``WORD`` finds), counted
    where a run begins. The words themselves, in page order, line after line: the page
    with every other character made a space, split on whitespace (no word character is
    whitespace); a line's stopwords are counted in its stretch of that list. No Python
    call per line or per word, and no regular expression (``WORD.findall`` over the page
    cost three times as much).
    """
    begins = word.copy()
    begins[1:] &= ~word[:-1]
    words = _sums(begins, starts)
    codes = np.frombuffer(lower.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    spaced = np.where(word, codes, np.uint32(32)).astype(np.uint32, copy=False)
    found = spaced.tobytes().decode("utf-32-le", "surrogatepass").split()
    stop = np.fromiter(map(stopwords.__contains__, found), dtype=np.bool_, count=len(found))
    running = np.zeros(len(found) + 1, dtype=np.int64)
    np.cumsum(stop, out=running[1:])
    ends = np.cumsum(words)
    stops: NDArray[np.int64] = running[ends] - running[ends - words]
    return words, stops


def _word_counts_by_line(
    lower: str, stopwords: frozenset[str], size: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Words and stopwords in each of the ``size`` lines of ``lower`` (the page, in lower
    case, its lines joined by line breaks), a ``findall`` per line: for a page where
    lowering moves or changes word characters (``KEEPS``)."""
    per_line = list(map(WORD.findall, lower.split("\n"))) if size else []
    words = np.fromiter(map(len, per_line), dtype=np.int64, count=size)
    flat = list(chain.from_iterable(per_line))
    stop = np.fromiter(map(stopwords.__contains__, flat), dtype=np.bool_, count=len(flat))
    line = np.repeat(np.arange(size), words)
    return words, np.bincount(line[stop], minlength=size)


def _marks(lower: str, starts: NDArray[np.int64]) -> NDArray[np.bool_]:
    """For each line of ``lower`` (beginning at ``starts``), which marks of
    ``_MARK_COLUMN`` it holds (column 0 unused). Each mark is looked for by ``str.find``
    from one place it stands to the next, in C: most pages hold few or none."""
    marks = np.zeros((len(starts), 5), dtype=np.bool_)
    find = lower.find
    for mark, column in _MARK_COLUMN.items():
        at = find(mark)
        if at < 0:
            continue
        places = []
        while at >= 0:
            places.append(at)
            at = find(mark, at + 1)
        marks[np.searchsorted(starts, places, side="right") - 1, column] = True
    return marks


#: Block kinds by number, as ``PageBlocks`` codes them.
KINDS = ("short", "good", "near_good", "bad")


@dataclass(frozen=True, slots=True)
class PageBlocks:
    """A page's blocks (``Block``) as arrays, a entry per block, and the block of each
    line (``of_line``)."""

    of_line: NDArray[np.int64]
    lines: NDArray[np.int64]
    chars: NDArray[np.int64]
    ends_sentence: NDArray[np.bool_]
    lines_ending_sentence: FloatArray
    stopwords: FloatArray
    quality: FloatArray
    kind: NDArray[np.int64]  # by number: KINDS

    @classmethod
    def of(cls, page: PageText) -> PageBlocks:
        at = np.array(page.at, dtype=np.int64)
        first = np.ones(len(at), dtype=np.bool_)
        first[1:] = at[1:] != at[:-1] + 1
        starts = np.flatnonzero(first)
        members = np.diff(np.append(starts, len(at)))
        chars = _sums(page.lengths, starts) + members - 1  # lines joined by spaces
        density = _ratio(_sums(page.stopwords, starts), _sums(page.words, starts))
        kind = np.where(
            chars < LENGTH_LOW,
            0,
            np.where(
                density >= STOPWORDS_HIGH,
                np.where(chars > LENGTH_HIGH, 1, 2),
                np.where(density >= STOPWORDS_LOW, 2, 3),
            ),
        )
        return cls(
            np.cumsum(first) - 1,
            members,
            chars,
            page.terminal[starts + members - 1],
            _sums(page.terminal, starts) / members,
            density,
            _log1p(chars) * density,
            kind,
        )

    def block_array(self) -> FloatArray:
        """The ``BLOCK_NAMES`` features of every block, a row per block."""
        size, kind, quality = len(self.kind), self.kind, self.quality
        number = np.arange(size)
        good = kind == 1
        low, high = _main_region(good.tolist(), self.chars.tolist())
        inside = (low <= number) & (number < high)
        distance = np.where(inside, 0, np.minimum(np.abs(number - low), np.abs(number - high + 1)))
        # The quality of the nearest blocks, two either side (0 when there are none;
        # qualities are never below 0).
        padded = np.concatenate([np.zeros(2), quality, np.zeros(2)])
        near = np.maximum.reduce([padded[shift : shift + size] for shift in (0, 1, 3, 4)])
        best = (float(quality.max()) if size else 0.0) or 1.0
        columns = [
            _log1p(self.chars),
            self.stopwords,
            _log1p(self.lines),
            _log1p(self.chars / self.lines),
            self.ends_sentence,
            self.lines_ending_sentence,
            padded[1 : size + 1],
            padded[3 : size + 3],
            near,
            _prose_before_blocks(kind),
            _prose_before_blocks(kind[::-1])[::-1],
            inside,
            _log1p(distance),
            _log1p(_short_runs_blocks(kind)),
            quality,
            good,
            kind == 2,
            kind == 0,
            self.stopwords >= STOPWORDS_LOW,
            self.chars > LENGTH_HIGH,
            quality / best,
            _log1p(_good_distance_blocks(good)),
        ]
        return np.array(columns, dtype=np.float64).T.reshape(size, len(BLOCK_NAMES))


# ``_prose_before``, ``_short_runs`` and ``_good_distance`` over the blocks' kinds by
# number (``KINDS``), as arrays: the same values (the bench test compares every page's).


def _prose_before_blocks(kind: NDArray[np.int64]) -> NDArray[np.bool_]:
    """For each block, whether the nearest earlier non-short block is good or near-good."""
    number = np.arange(len(kind))
    # the nearest non-short block before each: the last at or before the one before
    last = np.maximum.accumulate(np.where(kind != 0, number, -1))
    before = np.concatenate([[-1], last[:-1]]).astype(np.int64) if len(kind) else last
    prose = (kind == 1) | (kind == 2)
    found: NDArray[np.bool_] = (before >= 0) & prose[before]
    return found


def _short_runs_blocks(kind: NDArray[np.int64]) -> NDArray[np.int64]:
    """For each block, the length of the run of short blocks it belongs to (0 if none)."""
    if not len(kind):
        return np.zeros(0, dtype=np.int64)
    short = kind == 0
    begins = short.copy()
    begins[1:] &= ~short[:-1]
    run = np.cumsum(begins)  # the run each short block is in, from 1
    lengths = np.bincount(run[short], minlength=int(run[-1]) + 1)
    runs: NDArray[np.int64] = np.where(short, lengths[run], 0)
    return runs


def _good_distance_blocks(good: NDArray[np.bool_]) -> NDArray[np.int64]:
    """For each block, how many blocks away the nearest good block is (99 if none)."""
    far, size = 99, len(good)
    number = np.arange(size)
    last = np.maximum.accumulate(np.where(good, number, -far))
    following = np.minimum.accumulate(np.where(good, number, size + far)[::-1])[::-1]
    distance: NDArray[np.int64] = np.minimum(np.minimum(number - last, following - number), far)
    return distance
