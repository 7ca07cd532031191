"""langdetect's Detector with its n-gram extraction written for speed, answers unchanged.

Profiling the default text pipeline on the 696 traf-dev pages put langdetect at about
40% of the run, and a third of that in ``Detector._extract_ngrams``, which turns the
text into n-grams through a method call per character (``NGram.add_char``, which calls
``NGram.normalize``, which looks up the character's Unicode block).

``FastDetector`` keeps langdetect's algorithm, profiles, random sampling and arithmetic;
it only finds the same n-grams with fewer Python calls: characters are normalized once
per distinct character (``NGram.normalize`` itself, memoized), and a word's n-grams are
worked out once and remembered. ``tests/steps/test_detector.py`` checks that its n-grams and
probabilities are *identical* (not close) to langdetect's own Detector on every
benchmark page and on random text, so the answers stay langdetect's; that test also
guards an upgrade of langdetect (pinned below 1.1 in pyproject.toml).

Its sampling loop (``_detect_block``) was the other half of the time: per sampled
n-gram, a Python loop multiplies the 55 language probabilities by the n-gram's. It runs
in C where ``corpuskit._detector_kernel`` was built (``_detector_kernel.c``: the seeded
generator's Mersenne Twister, ``random.gauss`` and ``random.choice`` as CPython computes
them, the products, Python's ``sum``, the checks and the averaging), and otherwise in
``sample_in_python``: a block of samples (the five between two convergence checks) is
drawn from the same random generator in the same order, the n-grams' probabilities come
as rows of one numpy array (``ProfileRows``), and the products are taken elementwise in
the same order (one ``multiply.reduce`` down the rows of [probabilities, factor 1, ...,
factor 5]: a reduction along the first axis multiplies row after row, never pairwise),
so every float is the one langdetect computes; the sums that normalize stay Python's
``sum`` on the same values in the same order. Both paths give the same floats, bit for
bit (tested on every dev page and on generated text and states);
``CORPUSKIT_PURE_PYTHON=1`` in the environment, or ``KERNEL = None`` here, forces the
Python path.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Callable, Container, Sequence
from itertools import chain
from typing import Any, Protocol, TypeVar

import numpy as np
from langdetect.detector import Detector
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.utils.ngram import NGram

T = TypeVar("T")

#: The environment variable that, set to anything but "" or "0" before corpuskit is
#: imported, keeps the sampling in Python even where the compiled kernel is installed.
PURE_PYTHON_VARIABLE = "CORPUSKIT_PURE_PYTHON"


class Kernel(Protocol):
    """What ``corpuskit._detector_kernel`` offers (its stub, ``_detector_kernel.pyi``)."""

    def sample(
        self,
        matrix: Any,
        rows: list[int],
        initial: list[float],
        n_trial: int,
        alpha: float,
        alpha_width: float,
        base_freq: float,
        iteration_limit: int,
        conv_threshold: float,
        state: tuple[Any, ...],
        /,
    ) -> list[float]: ...

    def ngrams(self, chunk: str, known: Container[str], /) -> list[str]: ...


def _load_kernel() -> Kernel | None:
    """``corpuskit._detector_kernel`` (langdetect's sampling in C, the same floats), or
    None where it was not built (an install without a compiler) or where
    ``CORPUSKIT_PURE_PYTHON`` asks for the Python path."""
    if os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0"):
        return None
    try:
        from corpuskit import _detector_kernel
    except ImportError:
        return None
    return _detector_kernel


#: The compiled sampler ``FastDetector._detect_block`` hands a text's sampling to, or
#: None for the pure-Python path; a module-level switch (the tests set it to None to
#: compare both paths' floats).
KERNEL: Kernel | None = _load_kernel()


class _Normalized(dict[int, str]):
    """``NGram.normalize`` of each code point, computed on first sight (for
    ``str.translate``: a text is normalized in one call)."""

    def __missing__(self, code: int) -> str:
        normal: str = NGram.normalize(chr(code))
        self[code] = normal
        return normal


_NORMALIZED = _Normalized()


#: What ``Detector.cleaning_text`` counts as Latin (``"A" <= ch <= "z"``, which takes in
#: the six ASCII signs between Z and a) and as not Latin: every character from U+0300 on
#: (it means to spare the Latin Extended Additional block, but compares the block's
#: number with its name, so it never does; the same is done here, to give its answers).
_LATIN_FIRST, _LATIN_LAST = ord("A"), ord("z")
_NOT_LATIN_FIRST = 0x300
_LATIN_RUNS = re.compile("[A-z]+")
_SPACE_RUNS = re.compile("  +")

#: Words whose n-grams a memo keeps before it starts again (a few MB; prose repeats its
#: short words, and a corpus its furniture, so most words are found there).
MEMO_WORDS = 100_000


class ProfileRows:
    """Each known n-gram's language probabilities as a row of one float array, and each
    word's n-grams as their rows.

    A row is filled the first time its n-gram is seen in a word: the array is allocated
    for every n-gram of the profiles (87,598 x 55 floats, 39 MB of address space), but
    only the rows written take memory: 13,250 rows (6 MB) after the 1,698 prose samples
    of the dev sets, in their many languages.

    ``words`` maps a word (its trailing space left out) to the rows of its n-grams, as
    ``FastDetector._ngrams`` finds them: prose repeats its short words, and a corpus its
    furniture, so most words are found there, and a page's n-grams come as rows without
    a lookup per n-gram.
    """

    def __init__(self, factory: Any) -> None:
        self._probabilities: dict[str, list[float]] = factory.word_lang_prob_map
        self.matrix = np.empty((len(self._probabilities), len(factory.langlist)))
        self._index: dict[str, int] = {}
        self.grams: list[str] = []  # the n-gram of each row
        self.words: dict[str, list[int]] = {}

    def rows(self, grams: list[str]) -> list[int]:
        """The rows of ``grams``, known n-grams (most of a new word's have rows)."""
        found = list(map(self._index.get, grams))
        if None in found:
            return list(map(self.row, grams))
        return found  # type: ignore[return-value]  # no None in it

    def row(self, gram: str) -> int:
        """The row of ``gram``, a known n-gram."""
        index = self._index.get(gram)
        if index is None:
            index = self._index[gram] = len(self.grams)
            self.grams.append(gram)
            self.matrix[index] = self._probabilities[gram]
        return index


def _drawer(generator: random.Random) -> Callable[[Sequence[T], int], list[T]]:
    """``draws(seq, size)``: ``size`` draws of ``random.choice(seq)`` from ``generator``,
    in order.

    ``random.choice`` is ``seq[_randbelow(len(seq))]``, and for ``random.Random``
    ``_randbelow`` is ``_randbelow_with_getrandbits``: ``getrandbits(n.bit_length())``
    until below ``n``. That loop is written out here, without a Python call per draw;
    for any other generator, ``_randbelow`` itself is called.
    """
    below: Callable[[int], int] = getattr(generator, "_randbelow")  # noqa: B009  # private
    if getattr(below, "__func__", None) is not _RANDBELOW:
        return lambda seq, size: [seq[below(len(seq))] for _ in range(size)]
    getrandbits = generator.getrandbits

    def draws(seq: Sequence[T], size: int) -> list[T]:
        n = len(seq)
        bits, out = n.bit_length(), []
        for _ in range(size):
            r = getrandbits(bits)
            while r >= n:
                r = getrandbits(bits)
            out.append(seq[r])
        return out

    return draws


_RANDBELOW = random.Random._randbelow_with_getrandbits  # type: ignore[attr-defined]


#: ``random.Random(seed).getstate()`` by integer seed (``seeded_state``).
_SEEDED_STATES: dict[int, tuple[Any, ...]] = {}


def seeded_state(seed: Any) -> tuple[Any, ...]:
    """``random.Random(seed).getstate()``: kept for an integer seed (a detector's seed
    is the factory's, the same for every page), drawn afresh for any other (None seeds
    from the system's entropy)."""
    if type(seed) is int:
        state = _SEEDED_STATES.get(seed)
        if state is None:
            state = _SEEDED_STATES[seed] = random.Random(seed).getstate()
        return state
    return random.Random(seed).getstate()


def sample_in_python(
    matrix: np.ndarray[Any, np.dtype[np.float64]],
    rows: list[int],
    initial: list[float],
    n_trial: int,
    alpha: float,
    alpha_width: float,
    base_freq: float,
    iteration_limit: int,
    conv_threshold: float,
    generator: random.Random,
) -> list[float]:
    """langdetect's sampling in Python and numpy (``Detector._detect_block``'s loop, the
    compiled kernel's reference): the averaged probabilities of ``n_trial`` trials that
    draw ``rows`` of ``matrix`` from ``generator``.

    Same draws, same floats as langdetect: ``random.choice`` is
    ``seq[_randbelow(len(seq))]`` (here the sequence is the n-grams' rows, in the same
    order as langdetect's n-grams); ``p * (weight + q)`` is one IEEE operation per
    element whether Python or numpy does it, and the multiplications happen one sample
    after the other (a block's five draws multiplied in by one ``multiply.reduce`` down
    the rows [probabilities, factor 1, ..., factor 5]); the normalizing sum is Python's
    ``sum`` over the same list, and the largest probability after dividing by it is the
    largest before, divided (division by a positive number keeps the order).
    """
    take, draws = matrix.take, _drawer(generator)
    total = np.zeros(matrix.shape[1])
    # row 0: the probabilities so far; rows 1-5: the factors of the block's draws
    block = np.empty((6, matrix.shape[1]))
    products, factors = (block[:2], block), (block[1:2], block[1:])
    for _ in range(n_trial):
        prob = np.array(initial, dtype=np.float64)
        weight = (alpha + generator.gauss(0.0, 1.0) * alpha_width) / base_freq
        last, size = 0, 1  # draw number 0 is checked alone, then every fifth
        while True:
            block[0] = prob
            # ``take``, not ``matrix[picked]``: a third of the time for a short list
            np.add(take(draws(rows, size), axis=0), weight, out=factors[size > 1])
            # a product down the rows: ((prob * f1) * f2) ..., one draw after another
            np.multiply.reduce(products[size > 1], axis=0, out=prob)
            values = prob.tolist()
            total_prob = sum(values)
            top = max(values) / total_prob
            prob /= total_prob
            if top > conv_threshold or last >= iteration_limit:
                break
            last, size = last + 5, 5
        total += prob / n_trial
    result: list[float] = total.tolist()
    return result


class FastDetector(Detector):  # type: ignore[misc]  # langdetect is untyped
    """A langdetect ``Detector``: ``FastDetector(factory, rows)``, where ``rows`` holds
    the n-grams' probabilities and the words' n-grams, shared by the detectors of one
    factory."""

    text: str  # the text to detect, as ``append`` built it (set by Detector)

    def __init__(self, factory: Any, rows: ProfileRows) -> None:
        super().__init__(factory)
        self._rows = rows

    def append(self, text: str) -> None:
        """``Detector.append`` with its character loop done by regular expressions: URLs
        and e-mail addresses become spaces, Vietnamese is normalized, the text is cut
        at ``max_text_length`` and each run of spaces becomes one."""
        text = self.MAIL_RE.sub(" ", self.URL_RE.sub(" ", text))
        text = NGram.normalize_vi(text)[: self.max_text_length]
        self.text += _SPACE_RUNS.sub(" ", text)

    def cleaning_text(self) -> None:
        """``Detector.cleaning_text``: a text with more than twice as many non-Latin
        characters as Latin ones loses its Latin ones (see ``_LATIN_FIRST``).

        The characters are counted on the text's code points (an ASCII text has no
        non-Latin one): ``findall`` made a string per character of the text."""
        text = self.text
        if text.isascii():
            return
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        latin = np.count_nonzero((codes >= _LATIN_FIRST) & (codes <= _LATIN_LAST))
        if latin * 2 < np.count_nonzero(codes >= _NOT_LATIN_FIRST):
            self.text = _LATIN_RUNS.sub("", text)

    def _detect_block(self) -> None:
        """langdetect's sampling: ``n_trial`` trials, each from a random weight, updating
        the probabilities by randomly drawn n-grams until one language passes
        ``CONV_THRESHOLD`` (checked after the first draw and then every five) or
        ``ITERATION_LIMIT`` draws; the trials' results averaged.

        Done by the compiled kernel (``KERNEL``) from the seeded generator's state where
        the generator is a plain ``random.Random`` (the kernel implements its Mersenne
        Twister, ``gauss`` and ``choice``), else by ``sample_in_python``: the same
        floats either way.
        """
        self.cleaning_text()
        rows = self._ngram_rows()
        if not rows:
            raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
        settings = (
            self._rows.matrix,
            rows,
            self._init_probability(),
            self.n_trial,
            self.alpha,
            self.ALPHA_WIDTH,
            self.BASE_FREQ,
            self.ITERATION_LIMIT,
            self.CONV_THRESHOLD,
        )
        if KERNEL is not None and type(self.random) is random.Random and len(rows) < 1 << 32:
            # the kernel draws from a copy of the seeded state: this detector's own
            # generator is left as it is (the next call seeds it again, as here)
            self.langprob = KERNEL.sample(*settings, seeded_state(self.seed))
        else:
            self.random.seed(self.seed)
            self.langprob = sample_in_python(*settings, self.random)

    def _extract_ngrams(self) -> list[str]:
        """The text's 1- to 3-grams that the profiles know, in text order (what
        ``_detect_block`` samples, as rows; kept to compare with langdetect's)."""
        return list(map(self._rows.grams.__getitem__, self._ngram_rows()))

    def _ngram_rows(self) -> list[int]:
        """The rows (``ProfileRows``) of the text's known 1- to 3-grams, in text order.

        ``Detector._extract_ngrams`` starts afresh after each space (``NGram``), so the
        n-grams of a text are those of its words, each with the space that ends it;
        a word's are looked up in the memo (all of a page's words in one ``map``), or
        found by ``_ngrams`` and kept there.
        """
        memo = self._rows.words
        if len(memo) >= MEMO_WORDS:
            memo.clear()
        *spaced, end = self.text.translate(_NORMALIZED).split(" ")
        words = list(filter(None, spaced))
        found: list[Any] = list(map(memo.get, words))  # None for a word not seen yet
        if None in found:  # a word not seen before
            for at, rows in enumerate(found):
                if rows is None:
                    found[at] = self._word_rows(words[at])
        if end:  # no space after the last word: none of its n-grams ends with one
            found.append(self._rows.rows(self._ngrams(end)))
        return list(chain.from_iterable(found))

    def _word_rows(self, word: str) -> list[int]:
        """The rows of the n-grams of ``word`` followed by a space, remembered."""
        memo = self._rows.words
        rows = memo.get(word)
        if rows is None:
            rows = memo[word] = self._rows.rows(self._ngrams(word + " "))
        return rows

    def _ngrams(self, chunk: str) -> list[str]:
        """The known n-grams of a word as ``NGram`` forms them from the space before it:
        ``grams`` holds the last three characters; no n-gram ends on the second or
        later of capitals in a row (an acronym, a shouted word): ``NGram.capitalword``
        is set only when a capital follows a capital, and cleared by anything else.
        The kernel's ``ngrams`` does the same loop in C, where it was built."""
        known = self.word_lang_prob_map
        if KERNEL is not None:
            return KERNEL.ngrams(chunk, known)
        result: list[str] = []
        grams = " "
        for ch in chunk:
            last = grams[-1]
            grams = grams[-2:] + ch
            if ch.isupper() and last.isupper():
                continue
            if ch != " " and ch in known:
                result.append(ch)
            pair = grams[-2:]
            if pair in known:
                result.append(pair)
            if len(grams) == 3 and grams in known:
                result.append(grams)
        return result
