"""langdetect's Detector with its n-gram extraction written for speed, answers unchanged.

Profiling the default text pipeline on the 696 traf-dev pages put langdetect at about
40% of the run, and a third of that in ``Detector._extract_ngrams``, which turns the
text into n-grams through a method call per character (``NGram.add_char``, which calls
``NGram.normalize``, which looks up the character's Unicode block).

``FastDetector`` keeps langdetect's algorithm, profiles, random sampling and arithmetic;
it only finds the same n-grams with fewer Python calls: characters are normalized once
per distinct character (``NGram.normalize`` itself, memoized), and a word's n-grams are
worked out once and remembered. ``tests/test_detector.py`` checks that its n-grams and
probabilities are *identical* (not close) to langdetect's own Detector on every
benchmark page and on random text, so the answers stay langdetect's; that test also
guards an upgrade of langdetect (pinned below 1.1 in pyproject.toml). Its sampling loop
(``_update_lang_prob``) was measured too: a list comprehension is no faster than its
index loop, so it is left as it is.
"""

from __future__ import annotations

from typing import Any

from langdetect.detector import Detector
from langdetect.utils.ngram import NGram


class _Normalized(dict[int, str]):
    """``NGram.normalize`` of each code point, computed on first sight (for
    ``str.translate``: a text is normalized in one call)."""

    def __missing__(self, code: int) -> str:
        normal: str = NGram.normalize(chr(code))
        self[code] = normal
        return normal


_NORMALIZED = _Normalized()


#: Words whose n-grams a memo keeps before it starts again (a few MB; prose repeats its
#: short words, and a corpus its furniture, so most words are found there).
MEMO_WORDS = 100_000


class FastDetector(Detector):  # type: ignore[misc]  # langdetect is untyped
    """A langdetect ``Detector``: ``FastDetector(factory, memo)``, where ``memo`` maps a
    word to its n-grams and is shared by the detectors of one factory."""

    def __init__(self, factory: Any, memo: dict[str, list[str]]) -> None:
        super().__init__(factory)
        self._memo = memo

    def _extract_ngrams(self) -> list[str]:
        """The text's 1- to 3-grams that the profiles know, in text order.

        ``Detector._extract_ngrams`` starts afresh after each space (``NGram``), so the
        n-grams of a text are those of its words, each with the space that ends it;
        a word's are looked up in the memo, or found by ``_ngrams`` and kept there.
        """
        memo, result = self._memo, []
        *words, end = self.text.translate(_NORMALIZED).split(" ")
        for word in words:
            if word:
                chunk = word + " "
                found = memo.get(chunk)
                if found is None:
                    if len(memo) >= MEMO_WORDS:
                        memo.clear()
                    found = memo[chunk] = self._ngrams(chunk)
                result += found
        if end:  # no space after the last word: none of its n-grams ends with one
            result += self._ngrams(end)
        return result

    def _ngrams(self, chunk: str) -> list[str]:
        """The known n-grams of a word as ``NGram`` forms them from the space before it:
        ``grams`` holds the last three characters; no n-gram ends on the second or
        later of capitals in a row (an acronym, a shouted word): ``NGram.capitalword``
        is set only when a capital follows a capital, and cleared by anything else."""
        known = self.word_lang_prob_map
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
