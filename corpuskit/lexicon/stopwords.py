"""Stopword lists per language, from jusText, loaded on first use by their owner."""

from __future__ import annotations

from dataclasses import dataclass, field

import justext

from corpuskit.data import load_table


@dataclass
class Stopwords:
    """Stopword sets by ISO 639-1 code; other languages get the union of the listed ones.

    >>> stopwords = Stopwords()
    >>> "und" in stopwords.get("de"), "und" in stopwords.get("en")
    (True, False)
    >>> "the" in stopwords.get("und")
    True
    """

    names: dict[str, str] = field(default_factory=lambda: load_table("languages")["stoplists"])
    _cache: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    def get(self, lang: str | None) -> frozenset[str]:
        """The stopwords of ``lang`` (lowercase words)."""
        key = lang if lang in self.names else "*"
        if key not in self._cache:
            self._cache[key] = self._load(key)
        return self._cache[key]

    def _load(self, key: str) -> frozenset[str]:
        if key != "*":
            return frozenset(justext.get_stoplist(self.names[key]))
        return frozenset().union(*(justext.get_stoplist(n) for n in self.names.values()))
