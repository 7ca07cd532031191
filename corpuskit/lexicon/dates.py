"""Read a date written on a line of its own into ISO 8601, in several languages.

Only whole lines are read: "Wednesday, 04 February 2026", "5 Feb 2026", "4. Februar
2026", "4 de febrero de 2026", "February 4, 2026", "2026-02-04", "04.02.2026", each
optionally followed by a time of day. Slash dates ("02/04/2026") are left alone: they
mean different days in different countries. Month and weekday names are data
(``corpuskit/data/metadata.toml``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# A time of day after the date: "10:45", "10.45 Uhr", "à 10h45", "3:05 PM PKT", "| 09:00".
TIME = (
    r"(?:\s*(?:[,|·•-]|at|um|à|a las|alle)?\s*\d{1,2}[:h.]\d{2}(?::\d{2})?"
    r"(?:\s*(?:am|pm|uhr|h))?(?:\s*\(?[a-z]{2,5}\)?)?)?"
)


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class DateReader:
    """Parses whole-line dates with the month and weekday names of ``metadata.toml``."""

    months: Mapping[str, int]
    pattern: re.Pattern[str]

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> DateReader:
        months = {
            name: number
            for language in table["months"].values()
            for number, names in enumerate(language, 1)
            for name in names
        }
        weekdays = [day for language in table["weekdays"].values() for day in language]
        month, weekday = _alternation(list(months)), _alternation(weekdays)
        lead = rf"(?:(?:{weekday})\.?,?\s+)?"
        forms = [
            rf"(?P<d1>\d{{1,2}})(?:\.|st|nd|rd|th|er)?\s+(?:de\s+|of\s+)?(?P<m1>{month})\.?,?\s+(?:de\s+)?(?P<y1>\d{{4}})",
            rf"(?P<m2>{month})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})",
            r"(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})(?:t\d{2}:\d{2}(?::\d{2})?\S*)?",
            r"(?P<d4>\d{1,2})\.(?P<m4>\d{1,2})\.(?P<y4>\d{4})",
        ]
        body = "|".join(f"(?:{form})" for form in forms)
        return cls(months, re.compile(rf"{lead}(?:{body}){TIME}", re.IGNORECASE))

    def parse(self, text: str) -> str | None:
        """The ISO date of ``text`` if the whole of it is a date, else None.

        >>> from corpuskit.data import load_table
        >>> reader = DateReader.from_table(load_table("metadata"))
        >>> reader.parse("Wednesday, 04 February 2026"), reader.parse("5 Feb 2026")
        ('2026-02-04', '2026-02-05')
        >>> reader.parse("4. Februar 2026, 10:45 Uhr"), reader.parse("4 de febrero de 2026")
        ('2026-02-04', '2026-02-04')
        >>> reader.parse("February 30, 2026") is None, reader.parse("In 2026 it rained") is None
        (True, True)
        """
        match = self.pattern.fullmatch(text.strip())
        if not match:
            return None
        groups = {k: v for k, v in match.groupdict().items() if v}
        day = int(next(v for k, v in groups.items() if k.startswith("d")))
        year = int(next(v for k, v in groups.items() if k.startswith("y")))
        month_text = next(v for k, v in groups.items() if k.startswith("m"))
        month = int(month_text) if month_text.isdigit() else self.months[month_text.casefold()]
        try:
            return datetime.date(year, month, day).isoformat()
        except ValueError:
            return None
