"""Language identification with langdetect, made deterministic: the ``detect_language`` step.

langdetect (Nakatani Shuyo's n-gram language-detection, ported to Python) estimates each
language's probability by sampling the text's n-grams at random. Unless its random
generator is seeded, the same text can get different answers on two calls, and its
module-level ``detect`` function shares one global, unseeded factory. So here each
``LanguageDetector`` owns its own ``DetectorFactory``: it loads the language profiles on
first use, in sorted file order (so a language's index, and with it every float sum,
does not depend on the file system's listing order), and seeds the factory with 0.
The same text then gets the same answer on every call, in every process.

Answers are ISO 639-1 codes ("en", "de", "zh"; langdetect's "zh-cn" and "zh-tw" are
summed into "zh"), or "und" (undetermined) with probability 0.0 when the text has too
few letters to judge or langdetect finds nothing to go on.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import orjson
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from corpuskit.data import load_table
from corpuskit.document import Document, Drop
from corpuskit.pipeline import page_lines, set_fields
from corpuskit.steps.detector import FastDetector, ProfileRows

#: The answer when the language cannot be told: ISO 639-2 "und" (undetermined).
UNDETERMINED: tuple[str, float] = ("und", 0.0)

#: Fewer letters than this, and the answer is "und". Below about 20 letters (a short
#: title, "OK", a date) langdetect's answer is close to a guess: a handful of trigrams
#: fit several languages. Re-check the "und" tests in tests/steps/test_language.py after
#: changing it.
MIN_LETTERS = 20

#: Detect on this many characters only. langdetect's cost grows with the length of the
#: text (it copies and scans it character by character in Python), while its answer on
#: prose is stable after a few hundred words. On the 696 traf-dev pages (their longest
#: lines, see ``prose_sample``): 2,000 characters take 3.7 ms a page, 1,000 take 2.5 ms
#: and agree with 2,000 on 99.6% of the pages. Re-measure that agreement if you change it.
MAX_CHARS = 1000

#: langdetect codes that are not ISO 639-1, and the ISO code they count towards.
ISO_639_1: dict[str, str] = {"zh-cn": "zh", "zh-tw": "zh"}

#: The random seed for langdetect's sampling.
SEED = 0


def count_letters(text: str) -> int:
    """How many characters of ``text`` are letters (``str.isalpha``), in any script.

    >>> count_letters("Ñandú 2024 — 東京!")
    7
    """
    return sum(map(str.isalpha, text))


def _load_factory() -> DetectorFactory:
    """A new DetectorFactory with every profile, loaded in sorted order, seeded, its
    n-gram table filled as n-grams are looked up (``ProfileTable``). The profiles are
    parsed by orjson: the same dictionaries as ``json``'s (integers, keys in file order),
    in about half the time (0.028-0.036 -> 0.018-0.024 CPU-s for the 55 files)."""
    paths = sorted(Path(PROFILES_DIRECTORY).iterdir())
    profiles = [orjson.loads(path.read_bytes()) for path in paths]
    factory = DetectorFactory()
    factory.langlist = [profile["name"] for profile in profiles]
    factory.word_lang_prob_map = ProfileTable(profiles)
    factory.set_seed(SEED)
    return factory


class ProfileTable(dict[str, list[float]]):
    """langdetect's n-gram table (``DetectorFactory.word_lang_prob_map``: an n-gram's
    probability in each language), its rows computed when first looked up.

    langdetect's ``load_json_profile`` computes all 87,598 rows of 55 floats up front: a
    quarter of a CPU-second, most of a one-page run's start-up, for the few thousand
    n-grams a run samples. Here the keys (every n-gram of the profiles, in langdetect's
    order) are there from the start, so ``gram in table`` is a plain dictionary lookup;
    ``table[gram]`` computes the row as langdetect does (``1.0 * count / n_words``, 0.0
    where a language lacks the n-gram) and keeps it. ``tests/steps/test_language.py``
    compares every row with langdetect's own table.
    """

    def __init__(self, profiles: list[dict[str, Any]]) -> None:
        super().__init__()
        for profile in profiles:
            self.update(dict.fromkeys(profile["freq"]))
        # each profile's counts with its number of n-grams of each length, 1 to 3
        self._counts = [
            [(profile["freq"], profile["n_words"][length]) for profile in profiles]
            for length in range(3)
        ]

    def __getitem__(self, gram: str) -> list[float]:
        row = super().__getitem__(gram)
        if row is None:
            row = self._row(gram)
            super().__setitem__(gram, row)
        return row

    def _row(self, gram: str) -> list[float]:
        length = len(gram)
        if not 1 <= length <= 3:  # langdetect keeps such n-grams with no probability
            return [0.0] * len(self._counts[0])
        # a missing count is 0: 1.0 * 0 / n is 0.0, as langdetect leaves it
        return [1.0 * counts.get(gram, 0) / n for counts, n in self._counts[length - 1]]


@dataclass(eq=False)
class LanguageDetector:
    """Tells the language of a text; owns (and lazily loads) a langdetect factory.

    The factory holds the 55 language profiles (about 90,000 n-grams) and takes half a
    second to load, so it is loaded on the first ``detect`` and kept by this object, never
    by the module. It is not pickled: a copy sent to a worker process loads its own.

    >>> LanguageDetector().detect("Der schnelle braune Fuchs springt über den faulen Hund.")
    ('de', 1.0)
    >>> LanguageDetector().detect("1234 5678 !!!")
    ('und', 0.0)
    """

    min_letters: int = MIN_LETTERS
    max_chars: int = MAX_CHARS
    _factory: DetectorFactory | None = field(default=None, init=False, repr=False)
    _rows: ProfileRows | None = field(default=None, init=False, repr=False)

    def detect(self, text: str) -> tuple[str, float]:
        """The ISO 639-1 code of the language of ``text`` and its probability (4 decimals).

        Only the first ``max_chars`` characters count; fewer than ``min_letters`` letters
        there, or nothing langdetect can use, gives ``("und", 0.0)``. Never raises for
        any text.
        """
        sample = text[: self.max_chars]
        if count_letters(sample) < self.min_letters:
            return UNDETERMINED
        scores = self._scores(sample)
        if not scores:
            return UNDETERMINED
        # Highest probability first; equal probabilities in code order, to stay stable.
        code, probability = min(scores.items(), key=lambda item: (-item[1], item[0]))
        return code, round(probability, 4)

    def ranked(self, text: str) -> list[tuple[str, float]]:
        """Every language langdetect sees in ``text`` with its probability (4 decimals),
        most probable first; ``[("und", 0.0)]`` as ``detect`` would say "und".

        >>> LanguageDetector().ranked("Der schnelle braune Fuchs springt über den Hund.")
        [('de', 1.0)]
        """
        sample = text[: self.max_chars]
        scores = self._scores(sample) if count_letters(sample) >= self.min_letters else {}
        if not scores:
            return [UNDETERMINED]
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [(code, round(probability, 4)) for code, probability in ranked]

    def _scores(self, sample: str) -> dict[str, float]:
        """langdetect's probabilities for ``sample``, summed by ISO code; {} if none."""
        if self._rows is None:
            self._rows = ProfileRows(self.factory)
        detector = FastDetector(self.factory, self._rows)
        detector.set_max_text_length(len(sample))
        detector.append(sample)
        try:
            languages = detector.get_probabilities()
        except LangDetectException:  # "No features in text": nothing it knows
            return {}
        scores: dict[str, float] = {}
        for language in languages:
            code = ISO_639_1.get(language.lang, language.lang)
            scores[code] = scores.get(code, 0.0) + language.prob
        return scores

    @property
    def factory(self) -> DetectorFactory:
        """The loaded, seeded langdetect factory (loaded on first use)."""
        if self._factory is None:
            self._factory = _load_factory()
        return self._factory

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_factory": None, "_rows": None}


def prose_sample(text: str, max_chars: int) -> str:
    """The longest lines of ``text``, longest first, up to about ``max_chars`` characters.

    >>> prose_sample("Menu\\nA long line of prose.\\nLogin", 10)
    'A long line of prose.'
    """
    lines = sorted(map(str.strip, page_lines(text)), key=len, reverse=True)
    sample: list[str] = []
    size = 0
    for line in lines:
        if not line or size >= max_chars:
            break
        sample.append(line)
        size += len(line) + 1
    return "\n".join(sample)


@dataclass(frozen=True)
class DetectLanguage:
    """The ``detect_language`` step: set ``lang`` and ``lang_score`` from the text.

    ``lang`` is an ISO 639-1 code or "und"; ``lang_score`` langdetect's probability for
    it. The sample is the page's longest lines (``prose_sample``), not its first
    characters: menus and cookie banners, often in English on a German page, are short
    lines, so the language is that of the prose even before the page is cleaned, and
    ``classify_lines`` can use it. The step never drops a document; a filter on
    ``lang`` can (``select_language``).

    With ``top`` > 0 it also sets ``meta["lang_scores"]``, the ``top`` most probable
    languages and their probabilities, for a page in several languages
    (``select_language`` sums them); off by default, so records stay as they were.

    >>> from corpuskit.document import Source, make_document
    >>> page = make_document("Le chlorothalonil sera interdit dès 2020 en Suisse.", Source("-"))
    >>> doc = DetectLanguage()(page)
    >>> doc.lang, doc.lang_score, doc.edits[-1].fields
    ('fr', 1.0, ('lang', 'lang_score'))
    """

    min_letters: int = MIN_LETTERS
    max_chars: int = MAX_CHARS
    top: int = 0
    detector: LanguageDetector = field(init=False, repr=False, compare=False)

    name: ClassVar[str] = "detect_language"

    def __post_init__(self) -> None:
        object.__setattr__(self, "detector", LanguageDetector(self.min_letters, self.max_chars))

    @property
    def config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"min_letters": self.min_letters, "max_chars": self.max_chars}
        if self.top:  # only when set, so that the default configuration hash stays
            config["top"] = self.top
        return config

    def __call__(self, doc: Document) -> Document:
        if doc.lang is not None:  # known already (a cleaned page): kept, as other fields are
            return doc
        sample = prose_sample(doc.text, self.max_chars)
        if not self.top:
            lang, score = self.detector.detect(sample)
            return set_fields(doc, self.name, {"lang": lang, "lang_score": score})
        ranked = self.detector.ranked(sample)
        lang, score = ranked[0]
        fields = {"lang": lang, "lang_score": score, "lang_scores": dict(ranked[: self.top])}
        return set_fields(doc, self.name, fields)


def detectable_languages() -> tuple[str, ...]:
    """The codes ``detect_language`` can give: langdetect's profiles, as ISO 639-1
    (``ISO_639_1``), and ``und``; the codes a page can be selected by.

    >>> codes = detectable_languages()
    >>> len(codes), "en" in codes, "und" in codes, "zh-cn" in codes
    (55, True, True, False)
    """
    names = (path.name for path in Path(PROFILES_DIRECTORY).iterdir())
    return tuple(sorted({ISO_639_1.get(name, name) for name in names} | {UNDETERMINED[0]}))


#: How close a misspelled name must be to a known one to be suggested (difflib's
#: ratio): "englsh" (0.92 to "english"), "portugese" (0.95) and "jp" (0.8 to "jpn") are,
#: "klingon" is close to nothing. Re-read the suggestions in tests/steps/test_language.py
#: after changing it.
SUGGEST_CUTOFF = 0.75


def suggest_language(word: str, names: dict[str, list[str]] | None = None) -> str | None:
    """The code ``word`` most likely means: a code whose name or other code it is
    (``data/language_names.toml``, case aside), else whose name it nearly spells.

    >>> suggest_language("English"), suggest_language("ger"), suggest_language("portugese")
    ('en', 'de', 'pt')
    >>> suggest_language("zh-CN"), suggest_language("klingon") is None
    ('zh', True)
    """
    table = names if names is not None else load_table("language_names")["names"]
    known = {code: code for code in table}
    known |= {name.casefold(): code for code, spelled in table.items() for name in spelled}
    word = word.strip().casefold()
    if word in known:
        return known[word]
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=SUGGEST_CUTOFF)
    return known[close[0]] if close else None


def check_languages(codes: Iterable[str]) -> tuple[str, ...]:
    """``codes`` trimmed and in lower case, each one ``detect_language`` can give
    (``detectable_languages``); a ``ValueError`` naming the first that is not, with the
    code it most likely means (``--lang english`` rejected every page before).

    >>> check_languages([" EN", "de"])
    ('en', 'de')
    >>> check_languages(["english"])
    Traceback (most recent call last):
    ...
    ValueError: 'english' is not a language code detect_language gives: did you mean 'en'?
    """
    wanted = tuple(code.strip().lower() for code in codes if code.strip())
    known = set(detectable_languages())
    for code in wanted:
        if code in known:
            continue
        problem = f"{code!r} is not a language code detect_language gives"
        suggestion = suggest_language(code)
        if suggestion is not None:
            raise ValueError(f"{problem}: did you mean {suggestion!r}?")
        raise ValueError(f"{problem} (codes: {', '.join(sorted(known))})")
    return wanted


#: ``select_language``'s default least probability of the wanted languages. FineWeb keeps
#: pages whose fastText language score is at least 0.65; langdetect's probabilities come
#: in sevenths (seven random trials), so 0.65 asks for five trials in seven (0.714). On
#: the 696 traf-dev pages 3 have a top language below it (a page in Tagalog, English and
#: Indonesian by thirds; one half English, half German; and one "und"). Re-count them
#: with the test in tests/steps/test_language.py after changing it.
MIN_LANG_SCORE = 0.65


@dataclass(frozen=True)
class SelectLanguage:
    """The ``select_language`` step: keep pages in ``languages``, reject the others.

    A page is kept when the wanted languages together have at least ``min_score`` of
    its probability: ``meta["lang_scores"]`` summed over ``languages`` when
    ``detect_language`` kept them (``top`` > 0), else ``lang_score`` if ``lang`` is
    wanted. So a page half German, half English (``de`` 0.43, ``en`` 0.43) is kept by
    ``en,de`` but not by ``de`` alone. A page whose language could not be told
    (``und``) is kept only when ``und`` is in ``languages``. A rejected page has the
    reason ``language`` and its detected language in the detail.

    >>> from corpuskit.document import Source, make_document
    >>> page = make_document("Le chlorothalonil sera interdit dès 2020 en Suisse.", Source("-"))
    >>> page = DetectLanguage(top=3)(page)
    >>> SelectLanguage(("en", "de"))(page).detail
    'detected fr (1.0); en,de: 0.0 < 0.65'
    >>> SelectLanguage(("fr",))(page) is page
    True
    """

    languages: tuple[str, ...]
    min_score: float = MIN_LANG_SCORE
    name: ClassVar[str] = "select_language"

    def __post_init__(self) -> None:
        object.__setattr__(self, "languages", check_languages(self.languages))

    @property
    def config(self) -> dict[str, Any]:
        return {"languages": list(self.languages), "min_score": self.min_score}

    def __call__(self, doc: Document) -> Document | Drop:
        lang = doc.lang or UNDETERMINED[0]
        if lang == UNDETERMINED[0]:
            if lang in self.languages:
                return doc
            return Drop(self.name, "language", doc.source, "detected und", doc)
        share = round(sum(self.probabilities(doc).get(code, 0.0) for code in self.languages), 4)
        if share >= self.min_score:
            return doc
        wanted = ",".join(self.languages)
        detail = f"detected {lang} ({doc.lang_score}); {wanted}: {share} < {self.min_score}"
        return Drop(self.name, "language", doc.source, detail, doc)

    @staticmethod
    def probabilities(doc: Document) -> dict[str, float]:
        """The page's languages and their probabilities, as far as they are known."""
        scores = doc.meta.get("lang_scores")
        if isinstance(scores, dict):
            return {str(code): float(p) for code, p in scores.items()}
        return {doc.lang or UNDETERMINED[0]: doc.lang_score or 0.0}
