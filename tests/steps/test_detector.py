"""FastDetector gives exactly langdetect's answers: same n-grams, same probabilities;
its compiled sampling kernel gives exactly the pure-Python path's floats."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect.detector import Detector
from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from corpuskit.readers import read
from corpuskit.steps import detector as detector_module
from corpuskit.steps.detector import (
    _NORMALIZED,
    PURE_PYTHON_VARIABLE,
    FastDetector,
    ProfileRows,
    _drawer,
    sample_in_python,
    seeded_state,
)
from corpuskit.steps.language import MAX_CHARS, LanguageDetector, prose_sample
from tests.conftest import bench_pages


@pytest.fixture(scope="module")
def factory() -> DetectorFactory:
    return LanguageDetector().factory


#: One ProfileRows (with its memo of words) for every FastDetector of a factory, as a
#: LanguageDetector shares one: words seen on earlier pages come from it, as in a run.
ROWS: dict[int, ProfileRows] = {}


def fast(factory: DetectorFactory) -> FastDetector:
    rows = ROWS.setdefault(id(factory), ProfileRows(factory))
    return FastDetector(factory, rows)


def answer(
    kind: Callable[[DetectorFactory], Detector], factory: DetectorFactory, text: str
) -> tuple[list[str], object]:
    """The n-grams a detector of ``kind`` extracts from ``text`` and its probabilities
    (or the error it raises), as plain data."""
    detector = kind(factory)
    detector.set_max_text_length(len(text))
    detector.append(text)
    detector.cleaning_text()
    ngrams = detector._extract_ngrams()
    detector = kind(factory)
    detector.set_max_text_length(len(text))
    detector.append(text)
    try:
        found = [(language.lang, language.prob) for language in detector.get_probabilities()]
    except LangDetectException as error:
        return ngrams, f"raised {error}"
    return ngrams, found


def page_texts() -> list[str]:
    """The text of every traf-dev page; skips the test without traf-dev."""
    paths = bench_pages("*.txt")
    return [doc.text for doc in read([str(p) for p in paths]) if hasattr(doc, "text")]


@pytest.mark.bench
def test_identical_to_langdetect_on_every_benchmark_page(factory: DetectorFactory) -> None:
    """What the pipeline detects on (the prose sample) and the raw page start, with its
    menus, capitals and digits: not one n-gram or float differs."""
    texts = page_texts()
    assert len(texts) == 696
    differ = []
    for text in texts:
        for sample in (prose_sample(text, MAX_CHARS), text[:MAX_CHARS]):
            if answer(fast, factory, sample) != answer(Detector, factory, sample):
                differ.append(sample[:60])
    assert differ == []


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("aAbBzZ éÉßİıǅ  ș ț1.-\n\t日本語한국어ПРИВЕТ привет مرحبا ΑΒΓ αβγ\u2028ǅ")
        )
        | st.characters(),
        max_size=300,
    )
)
def test_identical_to_langdetect_on_any_text(factory: DetectorFactory, text: str) -> None:
    assert answer(fast, factory, text) == answer(Detector, factory, text)


@pytest.mark.parametrize(
    "text",
    [
        "Mehr unter https://example.org/a?b=c oder an info@example.org schreiben, bitte.",
        "Viele   Leerzeichen    zwischen     den Wörtern,\t\tund Tabs  am Ende   ",
        "日本語の文章に Latin words が混ざっている テキスト です。ABC DEF 東京タワー",
        "Tiếng Việt có dấu: Nguyễn Trãi, Hà Nội, thành phố Hồ Chí Minh.",
        "Привет, мир! Hello world, 12345 [x] ^_` Ёлка",
        " leading and trailing spaces ",
        "ab 日本語本語",  # Latin letters: 2 x 2 < 5 others, so they go
        "ab 日本語本",  # 2 x 2 = 4 others: they stay
    ],
)
def test_identical_to_langdetect_on_what_append_and_cleaning_rewrite(
    factory: DetectorFactory, text: str
) -> None:
    """URLs, e-mail addresses, space runs, Vietnamese, Latin inside non-Latin text and
    the signs between Z and a: what ``append`` and ``cleaning_text`` rewrite."""
    for sample in (text, text * 40):
        assert answer(fast, factory, sample) == answer(Detector, factory, sample)
    for limit in (50, 10_000):
        detector, stock = fast(factory), Detector(factory)
        for one in (detector, stock):
            one.set_max_text_length(limit)
            one.append(text)
            one.cleaning_text()
        assert detector.text == stock.text


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("aAzZ[`{@ \u02ff\u0300日ộ\U0001f600\ud800")), max_size=40)
)
def test_cleaning_counts_latin_and_other_characters_as_langdetect(
    factory: DetectorFactory, text: str
) -> None:
    """Around the bounds of both counts ("A" to "z", from U+0300; a lone surrogate counts
    too) and of the two-to-one rule, the text cleaned is langdetect's."""
    detector, stock = fast(factory), Detector(factory)
    for one in (detector, stock):
        one.text = text
        one.cleaning_text()
    assert detector.text == stock.text


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=0, max_value=2**32))
def test_draws_are_randbelows_draws(n: int, seed: int) -> None:
    """The written-out draws are ``_randbelow``'s, in order (``random.choice``'s)."""
    fast, slow = random.Random(seed), random.Random(seed)
    assert _drawer(fast)(range(n), 7) == [slow.choice(range(n)) for _ in range(7)]
    assert fast.random() == slow.random(), "the generators are left in the same state"


# The compiled kernel (corpuskit._detector_kernel) against the pure-Python path.

KERNEL = detector_module.KERNEL

needs_kernel = pytest.mark.skipif(
    KERNEL is None,
    reason="corpuskit._detector_kernel is not built here (no compiler at install), "
    f"or {PURE_PYTHON_VARIABLE} is set: only the pure-Python path runs",
)


@contextmanager
def pure_python() -> Iterator[None]:
    """FastDetector samples in Python inside this block (the module-level switch)."""
    kept = detector_module.KERNEL
    detector_module.KERNEL = None
    try:
        yield
    finally:
        detector_module.KERNEL = kept


def sampled(factory: DetectorFactory, text: str) -> list[str] | str:
    """The probabilities FastDetector's sampling leaves for ``text``, every language's
    float written exactly (``float.hex``), or the error it raises."""
    detector = fast(factory)
    detector.set_max_text_length(len(text))
    detector.append(text)
    try:
        detector._detect_block()
    except LangDetectException as error:
        return f"raised {error}"
    return [value.hex() for value in detector.langprob]


def kernel_and_python(factory: DetectorFactory, text: str) -> tuple[object, object]:
    with pure_python():
        python = sampled(factory, text)
    return sampled(factory, text), python


@pytest.mark.bench
@needs_kernel
@pytest.mark.parametrize("dev_set", ["traf-dev", "dragnet-dev"])
def test_kernel_gives_the_python_floats_on_every_dev_page(
    factory: DetectorFactory, dev_set: str
) -> None:
    """Every page's prose sample (what ``detect_language`` detects on) and its raw
    start: all 55 probabilities are the same floats, bit for bit."""
    paths = bench_pages("*.txt", dev_set)
    texts = [doc.text for doc in read([str(p) for p in paths]) if hasattr(doc, "text")]
    assert len(texts) == {"traf-dev": 696, "dragnet-dev": 1002}[dev_set]
    differ, detected = [], 0
    for text in texts:
        for sample in (prose_sample(text, MAX_CHARS), text[:MAX_CHARS]):
            kernel, python = kernel_and_python(factory, sample)
            detected += isinstance(kernel, list)
            if kernel != python:
                differ.append(sample[:60])
    assert differ == []
    assert detected > len(texts), "most samples have n-grams to sample"


@needs_kernel
@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("aAbBzZ éÉßİı  ș ț1.-\n日本語한국어ПРИВЕТ привет مرحبا αβγ"))
        | st.characters(),
        max_size=400,
    )
)
def test_kernel_gives_the_python_floats_on_any_text(factory: DetectorFactory, text: str) -> None:
    kernel, python = kernel_and_python(factory, text)
    assert kernel == python


def outcome(sample: Callable[[], list[float]]) -> list[str] | str:
    """``sample()``'s floats written exactly, or the kind of error it raised."""
    try:
        return [value.hex() for value in sample()]
    except ZeroDivisionError:
        return "ZeroDivisionError"


@needs_kernel
@settings(max_examples=400, deadline=None)
@given(
    data=st.data(),
    languages=st.integers(min_value=1, max_value=9),
    known=st.integers(min_value=1, max_value=30),
    seed=st.integers(min_value=0, max_value=2**64),
    used=st.integers(min_value=0, max_value=700),
    gauss_pending=st.booleans(),
    n_trial=st.integers(min_value=1, max_value=9),
    alpha=st.floats(min_value=0.0, max_value=2.0),
    alpha_width=st.floats(min_value=0.0, max_value=0.5),
    base_freq=st.sampled_from([1.0, 10.0, 10_000.0, 3.7]),
    iteration_limit=st.integers(min_value=0, max_value=60),
    conv_threshold=st.floats(min_value=0.3, max_value=1.0),
)
def test_kernel_samples_as_python_from_any_state(
    data: st.DataObject,
    languages: int,
    known: int,
    seed: int,
    used: int,
    gauss_pending: bool,
    n_trial: int,
    alpha: float,
    alpha_width: float,
    base_freq: float,
    iteration_limit: int,
    conv_threshold: float,
) -> None:
    """Any profile matrix (zeros too: a sum of 0.0 raises ZeroDivisionError on both
    paths), any draws, and a generator at any point of its state (``used`` words
    drawn, across the 624-word refill, and a ``gauss`` value pending or not)."""
    probability = st.floats(min_value=0.0, max_value=1.0) | st.sampled_from([0.0, 1e-300, 1.0])
    matrix = np.array(
        data.draw(
            st.lists(
                st.lists(probability, min_size=languages, max_size=languages),
                min_size=known,
                max_size=known,
            )
        ),
        dtype=np.float64,
    ).reshape(known, languages)
    rows = data.draw(st.lists(st.integers(0, known - 1), min_size=1, max_size=200))
    initial = data.draw(st.lists(probability, min_size=languages, max_size=languages))
    generator = random.Random(seed)
    if used:  # the generator's next ``used`` words drawn
        generator.getrandbits(32 * used)
    if gauss_pending:
        generator.gauss()
    state = generator.getstate()
    arguments = (
        matrix,
        rows,
        initial,
        n_trial,
        alpha,
        alpha_width,
        base_freq,
        iteration_limit,
        conv_threshold,
    )
    assert KERNEL is not None
    kernel = outcome(lambda: KERNEL.sample(*arguments, state))
    python = outcome(lambda: sample_in_python(*arguments, generator))
    assert kernel == python


def test_seeded_state_is_the_seeded_generators() -> None:
    for seed in (0, 7, 2**40):
        assert seeded_state(seed) == random.Random(seed).getstate()
    assert seeded_state(0) is seeded_state(0), "an integer seed's state is kept"
    assert seeded_state(None) != seeded_state(None), "None draws from the system's entropy"


def test_the_environment_variable_forces_the_python_path() -> None:
    """``CORPUSKIT_PURE_PYTHON=1`` at import leaves the kernel out; unset (or "0"), the
    kernel is used where it was built."""
    probe = "from corpuskit.steps import detector; print(detector.KERNEL is None)"
    for value, pure in (("1", "True"), ("0", str(KERNEL is None))):
        env = {**os.environ, PURE_PYTHON_VARIABLE: value}
        done = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == pure


@needs_kernel
def test_kernel_refuses_what_it_cannot_sample(factory: DetectorFactory) -> None:
    """A row outside the matrix, a matrix that is not 2-D doubles, a wrong state."""
    assert KERNEL is not None
    matrix, state = np.zeros((3, 2)), random.Random(0).getstate()
    args = ([0.5, 0.5], 7, 0.5, 0.05, 10_000.0, 10_000, 0.99999)
    with pytest.raises(IndexError):
        KERNEL.sample(matrix, [3], *args, state)
    with pytest.raises(TypeError):
        KERNEL.sample(np.zeros((3, 2), dtype=np.float32), [0], *args, state)
    with pytest.raises(ValueError):
        KERNEL.sample(matrix, [], *args, state)
    with pytest.raises(ValueError):
        KERNEL.sample(matrix, [0], *args, (3, (0,) * 10, None))


def words_of(factory: DetectorFactory, text: str) -> set[str]:
    """The chunks ``_ngram_rows`` hands to ``_ngrams`` for ``text``: its normalized
    words, each with the space after it, and the last without one."""
    detector = fast(factory)
    detector.set_max_text_length(len(text))
    detector.append(text)
    detector.cleaning_text()
    *spaced, end = detector.text.translate(_NORMALIZED).split(" ")
    return {word + " " for word in spaced if word} | ({end} if end else set())


def kernel_and_python_ngrams(factory: DetectorFactory, word: str) -> tuple[object, object]:
    detector = fast(factory)
    with pure_python():
        python = detector._ngrams(word)
    return detector._ngrams(word), python


@pytest.mark.bench
@needs_kernel
@pytest.mark.parametrize("dev_set", ["traf-dev", "dragnet-dev"])
def test_kernel_finds_the_python_ngrams_of_every_dev_word(
    factory: DetectorFactory, dev_set: str
) -> None:
    """Every distinct word of every page's prose sample and raw start: the same
    n-grams in the same order."""
    paths = bench_pages("*.txt", dev_set)
    words: set[str] = set()
    for doc in read([str(p) for p in paths]):
        text = getattr(doc, "text", "")
        for sample in (prose_sample(text, MAX_CHARS), text[:MAX_CHARS]):
            words |= words_of(factory, sample)
    assert len(words) > 10_000
    differ = []
    for word in sorted(words):
        kernel, python = kernel_and_python_ngrams(factory, word)
        if kernel != python:
            differ.append(word)
    assert differ == []


@needs_kernel
@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("aAbBzZ ÉßİıǅǄ ПРИВЕТ привет 日本語 ΑΒΓ αβγ ŞŢ"))
        | st.characters(),
        max_size=12,
    )
)
def test_kernel_finds_the_python_ngrams_of_any_chunk(factory: DetectorFactory, word: str) -> None:
    """Any string, normalized or not, capitals in runs, spaces anywhere."""
    kernel, python = kernel_and_python_ngrams(factory, word)
    assert kernel == python
