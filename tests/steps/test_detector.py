"""FastDetector gives exactly langdetect's answers: same n-grams, same probabilities."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect.detector import Detector
from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from corpuskit.readers import read
from corpuskit.steps.detector import FastDetector, ProfileRows, _drawer
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


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=0, max_value=2**32))
def test_draws_are_randbelows_draws(n: int, seed: int) -> None:
    """The written-out draws are ``_randbelow``'s, in order (``random.choice``'s)."""
    fast, slow = random.Random(seed), random.Random(seed)
    assert _drawer(fast)(range(n), 7) == [slow.choice(range(n)) for _ in range(7)]
    assert fast.random() == slow.random(), "the generators are left in the same state"
