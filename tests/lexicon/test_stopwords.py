"""jusText's stoplists, read as files without importing jusText (start-up, issue 17)."""

from __future__ import annotations

import justext
import pytest

from corpuskit.lexicon.stopwords import Stopwords, stoplist


def test_every_stoplist_is_the_one_justext_gives() -> None:
    names = sorted(justext.get_stoplists())
    assert len(names) > 90  # jusText 3 ships about a hundred
    assert [name for name in names if stoplist(name) != justext.get_stoplist(name)] == []


def test_the_languages_table_names_existing_stoplists() -> None:
    stopwords = Stopwords()
    assert all(stopwords.get(code) for code in stopwords.names)
    with pytest.raises(ValueError, match="no stoplist"):
        stoplist("Klingon")
