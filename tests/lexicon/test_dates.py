from __future__ import annotations

from corpuskit.data import load_table
from corpuskit.lexicon.dates import DateReader

READER = DateReader.from_table(load_table("metadata"))


def test_languages_and_forms() -> None:
    assert READER.parse("4 février 2026") == "2026-02-04"
    assert READER.parse("Miércoles, 4 de febrero de 2026") == "2026-02-04"
    assert READER.parse("March 3rd, 2025") == "2025-03-03"
    assert READER.parse("3. März 2025") == "2025-03-03"
    assert READER.parse("2026-02-04T10:00:00Z") == "2026-02-04"
    assert READER.parse("5 Feb 2026 | 10:45 PKT") == "2026-02-05"


def test_rejects_non_dates() -> None:
    for text in ("31.02.2026", "Feb 2026", "2026", "May the force be with you", ""):
        assert READER.parse(text) is None, text
