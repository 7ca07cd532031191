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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from corpuskit.document import Document
from corpuskit.filters.detector import FastDetector
from corpuskit.pipeline import set_fields

#: The answer when the language cannot be told: ISO 639-2 "und" (undetermined).
UNDETERMINED: tuple[str, float] = ("und", 0.0)

#: Fewer letters than this, and the answer is "und". Below about 20 letters (a short
#: title, "OK", a date) langdetect's answer is close to a guess: a handful of trigrams
#: fit several languages. Re-check the "und" tests in tests/test_language.py after
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
    """A new DetectorFactory with every profile, loaded in sorted order, seeded."""
    paths = sorted(Path(PROFILES_DIRECTORY).iterdir())
    factory = DetectorFactory()
    factory.load_json_profile([path.read_text(encoding="utf-8") for path in paths])
    factory.set_seed(SEED)
    return factory


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
    _words: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False)

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

    def _scores(self, sample: str) -> dict[str, float]:
        """langdetect's probabilities for ``sample``, summed by ISO code; {} if none."""
        detector = FastDetector(self.factory, self._words)
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
        return {**self.__dict__, "_factory": None, "_words": {}}


def prose_sample(text: str, max_chars: int) -> str:
    """The longest lines of ``text``, longest first, up to about ``max_chars`` characters.

    >>> prose_sample("Menu\\nA long line of prose.\\nLogin", 10)
    'A long line of prose.'
    """
    lines = sorted((line.strip() for line in text.split("\n")), key=len, reverse=True)
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
    ``lang`` can.

    >>> from corpuskit.document import Source, make_document
    >>> page = make_document("Le chlorothalonil sera interdit dès 2020 en Suisse.", Source("-"))
    >>> doc = DetectLanguage()(page)
    >>> doc.lang, doc.lang_score, doc.edits[-1].fields
    ('fr', 1.0, ('lang', 'lang_score'))
    """

    min_letters: int = MIN_LETTERS
    max_chars: int = MAX_CHARS
    detector: LanguageDetector = field(init=False, repr=False, compare=False)

    name: ClassVar[str] = "detect_language"

    def __post_init__(self) -> None:
        object.__setattr__(self, "detector", LanguageDetector(self.min_letters, self.max_chars))

    @property
    def config(self) -> dict[str, Any]:
        return {"min_letters": self.min_letters, "max_chars": self.max_chars}

    def __call__(self, doc: Document) -> Document:
        if doc.lang is not None:  # known already (a cleaned page): kept, as other fields are
            return doc
        lang, score = self.detector.detect(prose_sample(doc.text, self.max_chars))
        return set_fields(doc, self.name, {"lang": lang, "lang_score": score})
