"""Language detection: right on real prose, "und" on too little text, the same everywhere."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import langdetect.detector_factory
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

from corpuskit.data import load_table
from corpuskit.document import Document, Drop
from corpuskit.pipeline import Pipeline, step_name
from corpuskit.recipes.compose import select_languages
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.steps.language import (
    MAX_CHARS,
    MIN_LANG_SCORE,
    MIN_LETTERS,
    DetectLanguage,
    LanguageDetector,
    SelectLanguage,
    count_letters,
    detectable_languages,
    prose_sample,
    suggest_language,
)
from tests.conftest import ROOT, bench_pages, doc_from, seed_pages

#: Real prose from the traf-dev benchmark pages (ids in the comments).
PROSE = {
    # 04aa32f10726e68d
    "en": "We have not reported on benchmarks against “JSON for Modern C++” because we knew "
    "that it was not designed for raw speed. It is designed for ease-of-use: it makes the "
    "life of the programmer as easy as possible.",
    # 004a60e635d2c0bd
    "de": "Rund 83 Prozent der deutschen Haushalte verfügen über ein Auto. Doch der Weg zum "
    "eigenen Wagen ist meist mit einigen Vorbereitungen und Überlegungen verbunden.",
    # 001f43cb87b4416b
    "fr": "Le chlorothalonil sera interdit dès 2020 en Suisse. L'Office fédéral de "
    "l'agriculture (OFAG) retire immédiatement de la circulation ce fongicide et considère "
    "la substance comme «probablement» cancérigène.",
    # 11716967fadef7fc
    "es": "El religioso sonaba para ocupar un cargo de coordinador nacional de campamentos por "
    "parte del Gobierno, lo que posteriormente fue descartado por el Ejecutivo.",
    # 048f696952326413
    "pl": "Pakt lewicy z PiS oznacza dla tej formacji nowy model opozycyjności. Zamiast "
    "jednoznacznego stanowiska w sprawach fundamentalnych taktyczna współpraca tam, gdzie "
    "obu stronom się ona opłaca.",
    # 996936aefb678cd9
    "zh": "益水之阳，是名益阳。这个洞庭湖区的重要城市，60年前就曾在作家周立波笔下的《山乡巨变》"
    "中展现风貌。60年后，“数字”农业、“数字”治理、“数字”社会，无一不在继续书写这座山乡之城的传奇。",
    # 2b832a0293da9b61
    "ar": "الناشط الحقوقي السوداني خالد عبد الكريم ماسا لـ«الصباح»: كل الشروط متوفرة لثورة "
    "سودانية ولا حاجة لنستورد شيئا",
}


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize("lang", PROSE)
def test_real_prose_gets_its_language(detector: LanguageDetector, lang: str) -> None:
    code, score = detector.detect(PROSE[lang])
    assert code == lang
    assert 0.9 <= score <= 1.0
    assert score == round(score, 4)


@pytest.mark.parametrize("path", seed_pages(), ids=lambda p: p.name)
def test_seed_pages_are_english(detector: LanguageDetector, path: Path) -> None:
    assert detector.detect(path.read_text(encoding="utf-8"))[0] == "en"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        "2026 04 02 12:30 1.234,56",
        "!!! ??? ... -- // «» “”",
        "😀🎉👍🏽 👩\u200d💻 🇩🇪",
        "Hallo Welt",
    ],
    ids=["empty", "blank", "digits", "punctuation", "emoji", "too_short"],
)
def test_too_little_text_is_undetermined(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text) == ("und", 0.0)


def test_letters_that_langdetect_does_not_know_are_undetermined(detector: LanguageDetector) -> None:
    assert detector.detect("ᚠᚢᚦᚨᚱᚲ " * 10) == ("und", 0.0)  # runes: no profile has them


def test_min_letters_and_max_chars_are_settings(detector: LanguageDetector) -> None:
    assert count_letters("abc 123 東京 مرحبا ½") == 10
    text = PROSE["de"] + " " + PROSE["en"] * 20
    custom = LanguageDetector(min_letters=5, max_chars=len(PROSE["de"]))
    assert detector.detect("Guten Morgen") == ("und", 0.0)
    assert custom.detect("Guten Morgen")[0] != "und"
    assert custom.detect(text)[0] == "de"  # only the first max_chars characters count
    assert detector.detect(text)[0] == "en"


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=300)
    | st.text(st.characters(categories=["L", "M", "Zs", "P"]), min_size=20, max_size=300)
)
def test_detect_never_raises(detector: LanguageDetector, text: str) -> None:
    code, score = detector.detect(text)
    assert code == "und" or len(code) == 2
    assert 0.0 <= score <= 1.0


# --- determinism --------------------------------------------------------------------------


def test_same_text_same_answer_across_calls_and_instances(detector: LanguageDetector) -> None:
    mixed = "Le chlorothalonil sera interdit. Der Weg zum eigenen Wagen ist lang. The end."
    answers = {detector.detect(mixed) for _ in range(5)} | {LanguageDetector().detect(mixed)}
    assert len(answers) == 1


_DETECT_SCRIPT = """
import json, sys
from corpuskit.steps.language import LanguageDetector
texts = json.load(sys.stdin)
detector = LanguageDetector()
print(json.dumps([detector.detect(text) for text in texts]))
"""


def test_same_answers_in_separate_processes(detector: LanguageDetector) -> None:
    texts = [*PROSE.values(), PROSE["fr"][:60] + PROSE["de"][:60], "Mixed Sprache und language"]
    here = [list(detector.detect(text)) for text in texts]
    runs = []
    for hash_seed in ("1", "2"):  # string hashing differs between the two processes
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": hash_seed}
        runs.append(
            subprocess.Popen(
                [sys.executable, "-c", _DETECT_SCRIPT],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
                text=True,
            )
        )
    outputs = [run.communicate(json.dumps(texts))[0] for run in runs]
    assert [json.loads(output) for output in outputs] == [here, here]


def test_the_global_langdetect_factory_is_left_alone(detector: LanguageDetector) -> None:
    detector.detect(PROSE["en"])
    assert langdetect.detector_factory._factory is None
    assert langdetect.detector_factory.DetectorFactory.seed is None


# --- the step -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def step() -> DetectLanguage:
    return DetectLanguage()


def test_step_sets_lang_and_score_with_an_edit(step: DetectLanguage) -> None:
    doc = step(doc_from(PROSE["pl"]))
    assert (doc.lang, doc.lang_score) == ("pl", 1.0)
    assert doc.edits[-1].step == "detect_language"
    assert doc.edits[-1].fields == ("lang", "lang_score")
    assert step(doc) is doc  # nothing changes the second time: no new edit


def test_step_name_and_config() -> None:
    step = DetectLanguage(min_letters=50)
    assert step_name(step) == "detect_language"
    assert step.config == {"min_letters": 50, "max_chars": MAX_CHARS}
    assert DetectLanguage().config == {"min_letters": MIN_LETTERS, "max_chars": MAX_CHARS}
    assert Pipeline([step]).config_hash() != Pipeline([DetectLanguage()]).config_hash()
    assert step == DetectLanguage(min_letters=50)


def test_step_pickles_without_its_profiles(step: DetectLanguage) -> None:
    assert pickle.loads(pickle.dumps(DetectLanguage())) == step
    step(doc_from(PROSE["de"]))  # loads the profiles, if not yet done
    blob = pickle.dumps(step)
    assert len(blob) < 1000
    restored = pickle.loads(blob)
    assert restored.detector._factory is None
    assert restored(doc_from(PROSE["es"])).lang == "es"
    assert step.detector._factory is not None  # the original keeps its cache


def selected(text: str, languages: tuple[str, ...], **options: float) -> Document | Drop:
    """``text`` through detect_language (top 3) and select_language."""
    pipeline = Pipeline([DetectLanguage(top=3), SelectLanguage(languages, **options)])
    return pipeline(doc_from(text))


def test_select_language_keeps_the_wanted_and_says_what_it_found() -> None:
    assert isinstance(selected(PROSE["de"], ("de",)), Document)
    drop = selected(PROSE["fr"], ("en", "de"))
    assert isinstance(drop, Drop)
    assert (drop.step, drop.reason) == ("select_language", "language")
    assert drop.detail == "detected fr (1.0); en,de: 0.0 < 0.65"


def test_a_page_in_two_languages_counts_both() -> None:
    """Real German and English prose on one page: de 5/7, en 2/7 of the trials."""
    text = f"{PROSE['de']}\n{PROSE['en']}"
    assert isinstance(selected(text, ("de", "en")), Document)
    assert isinstance(selected(text, ("de",)), Document), "0.71 >= 0.65"
    drop = selected(text, ("en",))
    assert isinstance(drop, Drop) and drop.detail.startswith("detected de (0.7143); en: 0.2857")
    assert isinstance(selected(text, ("de",), min_score=0.8), Drop)


def test_undetermined_is_kept_only_when_asked_for() -> None:
    drop = selected("1234 5678 !!!", ("en",))
    assert isinstance(drop, Drop) and drop.detail == "detected und"
    assert isinstance(selected("1234 5678 !!!", ("en", "und")), Document)


def test_without_top_scores_lang_score_decides() -> None:
    doc = doc_from(PROSE["en"], lang="en", lang_score=0.5)
    assert isinstance(SelectLanguage(("en",))(doc), Drop)
    assert SelectLanguage(("en",), min_score=0.5)(doc) is doc


def test_select_languages_runs_right_after_detection() -> None:
    pipeline = select_languages(default_pipeline(), ["EN", " de", "en"])
    at = pipeline.names.index("detect_language")
    assert pipeline.names[at + 1] == "select_language"
    step = pipeline.steps[at + 1]
    assert isinstance(step, SelectLanguage) and step.languages == ("en", "de")
    with pytest.raises(ValueError):
        select_languages(default_pipeline(), [""])


@pytest.mark.bench
def test_benchmark_pages_below_the_default_score() -> None:
    """The count MIN_LANG_SCORE's comment states: 3 of the 696 pages (their raw text)."""
    detector = LanguageDetector()
    pages = bench_pages("*.txt")
    tops = [
        detector.ranked(prose_sample(p.read_text(encoding="utf-8"), MAX_CHARS))[0][1] for p in pages
    ]
    assert len(pages) == 696
    assert sum(top < MIN_LANG_SCORE for top in tops) == 3


# --- the codes --lang takes -------------------------------------------------------------------


def test_detectable_languages_are_the_profiles_and_und_and_all_have_names() -> None:
    codes = detectable_languages()
    assert {"en", "de", "zh", "und"} <= set(codes) and "zh-cn" not in codes
    assert set(load_table("language_names")["names"]) == set(codes)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("english", "en"), ("Deutsch", "de"), ("ger", "de"), ("fre", "fr"), ("englsh", "en"),
     ("portugese", "pt"), ("zh-CN", "zh"), ("Bokmål", "no"), ("iw", "he"), ("klingon", None)],
)  # fmt: skip
def test_a_name_or_another_code_suggests_the_code(typed: str, meant: str | None) -> None:
    assert suggest_language(typed) == meant


def test_select_language_refuses_a_code_the_detector_never_gives() -> None:
    with pytest.raises(ValueError, match=r"'english' is not a language code .*did you mean 'en'"):
        SelectLanguage(("en", "english"))
    with pytest.raises(ValueError, match=r"'xx' .* \(codes: af, ar, "):
        SelectLanguage(("xx",))
    assert SelectLanguage((" EN", "und")).languages == ("en", "und")


def test_the_profile_table_is_langdetects_row_for_row() -> None:
    """``ProfileTable`` (rows computed on lookup) holds the n-grams of langdetect's own
    ``load_json_profile`` table in its order, each row the same floats, and the same
    language order: every detection samples the same numbers."""
    paths = sorted(Path(PROFILES_DIRECTORY).iterdir())
    theirs = DetectorFactory()
    theirs.load_json_profile([path.read_text(encoding="utf-8") for path in paths])
    ours = LanguageDetector().factory
    assert ours.langlist == theirs.langlist
    assert list(ours.word_lang_prob_map) == list(theirs.word_lang_prob_map)
    table = ours.word_lang_prob_map
    assert all(table[gram] == row for gram, row in theirs.word_lang_prob_map.items())
