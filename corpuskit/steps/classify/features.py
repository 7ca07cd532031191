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
from math import log1p
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

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
    best, total, start, low, high = 0, 0, 0, 0, 0
    for index, block in enumerate(blocks):
        weight = block.chars if block.kind == "good" else -block.chars
        if total <= 0:
            total, start = weight, index
        else:
            total += weight
        if total > best:
            best, low, high = total, start, index + 1
    return low, high


def short_runs(blocks: Sequence[Block]) -> list[int]:
    """For each block, the length of the run of short blocks it belongs to (0 if none)."""
    runs = [0] * len(blocks)
    index = 0
    while index < len(blocks):
        end = index
        while end < len(blocks) and blocks[end].kind == "short":
            end += 1
        for member in range(index, end):
            runs[member] = end - index
        index = max(end, index + 1)
    return runs


def prose_before(blocks: Sequence[Block]) -> list[bool]:
    """For each block, whether the nearest earlier non-short block is good or near-good."""
    out, last = [], False
    for block in blocks:
        out.append(last)
        if block.kind != "short":
            last = block.kind in ("good", "near_good")
    return out


def good_distance(blocks: Sequence[Block]) -> list[int]:
    """For each block, how many blocks away the nearest good block is (99 if none)."""
    far = 99
    forward, last = [], -far
    for index, block in enumerate(blocks):
        last = index if block.kind == "good" else last
        forward.append(index - last)
    out, following = [0] * len(blocks), len(blocks) + far
    for index in range(len(blocks) - 1, -1, -1):
        following = index if blocks[index].kind == "good" else following
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


@dataclass(frozen=True, slots=True)
class PageFeatures:
    """The features of a page's non-blank lines, kept in two parts: ``line_parts[k]``
    (``LINE_NAMES``) for the k-th line, ``block_parts[blocks[k]]`` (``BLOCK_NAMES``) for
    its block, so that work done per block is done once per block."""

    lines: list[int]
    line_parts: list[list[float]]
    blocks: list[int]
    block_parts: list[list[float]]

    def line_matrix(self) -> NDArray[np.float64]:
        """``line_parts`` as an array, a row per line (for scoring every line at once)."""
        width = len(self.line_parts[0]) if self.line_parts else 0
        return np.array(self.line_parts, dtype=np.float64).reshape(len(self.line_parts), width)

    def block_matrix(self) -> NDArray[np.float64]:
        """``block_parts`` as an array, a row per block."""
        return np.array(self.block_parts, dtype=np.float64).reshape(-1, len(BLOCK_NAMES))

    def rows(self) -> list[list[float]]:
        """Full vectors (``NAMES``), one per line."""
        parts = self.block_parts
        return [line + parts[b] for line, b in zip(self.line_parts, self.blocks, strict=True)]


def page_features(
    lines: Sequence[str],
    stopwords: frozenset[str],
    extra: Sequence[Sequence[float]] | None = None,
) -> PageFeatures:
    """The features of every non-blank line of a page, in page order.

    ``extra``, when given, holds more features for each line of ``lines`` (an HTML
    page's ``layout``), appended to its ``LINE_NAMES`` part.
    """
    stats = [LineStats.of(i, line, stopwords) for i, line in enumerate(lines) if line.strip()]
    page = PageContext.of(stats)
    # Position among the non-blank lines, so that collapsing blank lines changes nothing.
    total = max(1, len(stats))
    line_parts = [_line_part(line, k / total) for k, line in enumerate(stats)]
    if extra is not None:
        line_parts = [
            [*part, *extra[line.at]] for part, line in zip(line_parts, stats, strict=True)
        ]
    numbers = [number for number, block in enumerate(page.blocks) for _ in block.lines]
    indices = [line.at for line in stats]
    block_parts = [_block_part(page, number) for number in range(len(page.blocks))]
    return PageFeatures(indices, line_parts, numbers, block_parts)


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
