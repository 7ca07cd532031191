"""Dates a page declares in its markup, into ISO 8601.

Markup dates are meant for machines (``<meta property="article:published_time">``,
JSON-LD ``datePublished``, ``<time datetime>``), so they are read strictly: an ISO 8601
date or date and time ("2024-03-05", "2024-03-05T14:30:00.000+0100", "2024-03-05 14:30Z",
"2024/03/05"), or an e-mail style date ("Tue, 05 Mar 2024 14:30:00 GMT"). A time of day
is kept to the second, with its offset when the page gives one (``Z`` becomes
``+00:00``); a date alone stays a date. What is not machine-readable is handed to the
text mode's ``DateReader`` (``corpuskit/lexicon/dates.py``: "5. März 2024",
"March 5, 2024"), which gives a date alone, as it does for datelines.
"""

from __future__ import annotations

import datetime
import re
from email.utils import parsedate_tz

from corpuskit.data import load_table
from corpuskit.lexicon.dates import DateReader

_ISO = re.compile(
    r"(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})"
    r"(?:[T ](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)

#: E-mail style dates start with a weekday or a day number and name the month in English.
_EMAIL = re.compile(r"(?:[a-z]{3},\s*)?\d{1,2}\s+[a-z]{3}\s+\d{4}\s+\d", re.IGNORECASE)

#: Years outside this range are typos or placeholders ("0001-01-01", "9999-12-31").
YEARS = range(1900, 2200)


def iso_date(text: str, reader: DateReader | None = None) -> str | None:
    """``text`` as an ISO 8601 date or date and time, or None if it is not a date.

    ``reader`` reads the dates written for people; without it one is built from
    ``metadata.toml``, only when the date is not machine-readable.

    >>> iso_date("2024-03-05T14:30:00.123Z"), iso_date("2024-03-05 14:30+0100")
    ('2024-03-05T14:30:00+00:00', '2024-03-05T14:30:00+01:00')
    >>> iso_date("2024-03-05"), iso_date("Tue, 05 Mar 2024 14:30:00 -0500")
    ('2024-03-05', '2024-03-05T14:30:00-05:00')
    >>> iso_date("5. März 2024"), iso_date("2024-02-30"), iso_date("null")
    ('2024-03-05', None, None)
    """
    text = text.strip()
    if not any(c.isdigit() for c in text):
        return None
    if match := _ISO.fullmatch(text):
        return _from_iso(match)
    if _EMAIL.match(text):
        return _from_email(text)
    found = (reader or DateReader.from_table(load_table("metadata"))).parse(text)
    return found if found and int(found[:4]) in YEARS else None


def _from_iso(match: re.Match[str]) -> str | None:
    """The ISO form of an ``_ISO`` match, or None if it names no real day and time."""
    year, month, day = (int(match[k]) for k in ("year", "month", "day"))
    if year not in YEARS:
        return None
    try:
        date = datetime.date(year, month, day)
        if match["hour"] is None:
            return date.isoformat()
        clock = datetime.time(int(match["hour"]), int(match["minute"]), int(match["second"] or 0))
    except ValueError:
        return None
    moment = datetime.datetime.combine(date, clock, _zone(match["zone"]))
    return moment.isoformat(timespec="seconds")


def _zone(zone: str | None) -> datetime.timezone | None:
    """The offset of ``Z``, ``UTC``, ``+01``, ``+0100`` or ``+01:00``; None when absent."""
    if zone is None:
        return None
    if zone.upper() in ("Z", "UTC", "GMT"):
        return datetime.UTC
    digits = zone[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:] or 0)
    if minutes >= 24 * 60:
        return None
    sign = -1 if zone[0] == "-" else 1
    return datetime.timezone(datetime.timedelta(minutes=sign * minutes))


def _from_email(text: str) -> str | None:
    """The ISO form of an e-mail style date (RFC 2822), or None."""
    parts = parsedate_tz(text)
    if parts is None:
        return None
    year, month, day, hour, minute, second, *_, offset = parts
    if year not in YEARS:
        return None
    zone = None if offset is None else datetime.timezone(datetime.timedelta(seconds=offset))
    try:
        moment = datetime.datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None
    return moment.isoformat(timespec="seconds")
