"""Stopword lists per language, from jusText, loaded on first use by their owner.

The lists are read from jusText's package folder as ``justext.get_stoplist`` reads them,
without importing jusText, which imports lxml and ``urllib.request`` (a tenth of a
CPU-second at start-up) for nothing the lists need.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

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
            return stoplist(self.names[key])
        return frozenset().union(*(stoplist(n) for n in self.names.values()))


def stoplist(name: str) -> frozenset[str]:
    """jusText's stoplist ``name`` (``German``...): its lines, lowercased, as
    ``justext.get_stoplist`` gives them.

    >>> "und" in stoplist("German")
    True
    """
    path = _stoplists() / f"{name}.txt"
    if not path.is_file():
        raise ValueError(f"jusText has no stoplist {name!r}")
    return frozenset(line.decode("utf8").lower() for line in path.read_bytes().splitlines())


@cache
def _stoplists() -> Path:
    """jusText's folder of stoplists, found without running its package."""
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jusText is not installed (pip install justext)")
    return Path(next(iter(spec.submodule_search_locations))) / "stoplists"
