"""The charset a page declares, found exactly where and as bs4 finds it, in linear time.

The traf-dev naive texts were decoded with the label bs4's
``EncodingDetector.find_declared_encoding(raw, is_html=True)`` finds (see
``shared/bench/README.md``), and corpuskit decodes pages the same way. bs4 searches an
XML declaration in the first 1,024 bytes, then a ``<meta>`` tag's ``charset=`` in the
first 2,048 bytes or 5% of the page, whichever is more, with the regular expression
``<\\s*meta[^>]+charset\\s*=\\s*["']?([^>]*?)[ /;'">]`` (case ignored). On a page of
``<meta<meta<meta...`` that expression tries every ``<meta`` against the rest of the
window (up to 3.2 MB of a 64 MB page): a 4 MB page took 16 s, the time growing with
the square of the page.

``declared_label`` gives bs4's answer for every input (``tests/readers/test_charset.py``
compares them on generated markup, and on every dev-set page) with work linear in the
window: the first ``<meta`` of each run without ``>`` is the only one that can match
(a later one sees a part of the same text), and of its ``charset=`` the last one that
completes wins (``[^>]+`` is greedy), each tried once.
"""

from __future__ import annotations

import re

#: How far bs4 looks for an XML declaration (its default).
XML_WINDOW = 1024

#: How far bs4 looks for a ``<meta>`` charset: at least this many bytes ...
META_WINDOW = 2048
#: ... or this share of the page, whichever is more (bs4's defaults).
META_SHARE = 0.05

#: bs4's XML declaration pattern. It backtracks, but only over ``XML_WINDOW`` bytes.
_XML_DECLARATION = re.compile(rb"^\s*<\?.*encoding=['\"](.*?)['\"].*\?>", re.IGNORECASE)
_META = re.compile(rb"<\s*meta", re.IGNORECASE)
_SPACES = re.compile(rb"\s*")
#: What ends a charset value in bs4's pattern.
_ENDS = b" /;'\">"
_QUOTES = b"'\""


def declared_label(raw: bytes) -> str | None:
    """The charset label ``raw`` declares, lower case, as bs4 finds it; None if none.

    >>> declared_label(b'<?xml version="1.0" encoding="ISO-8859-1"?><p>')
    'iso-8859-1'
    >>> declared_label(b'<head><meta http-equiv="Content-Type" content="text/html; charset=GBK">')
    'gbk'
    >>> declared_label(b"<meta<meta" * 100_000 + b'<meta charset="utf-8">') is None
    True
    """
    xml = _XML_DECLARATION.search(raw, endpos=XML_WINDOW)
    if xml is not None:
        found: bytes | None = xml.group(1)
    else:
        found = meta_charset(raw[: max(META_WINDOW, int(len(raw) * META_SHARE))])
    return found.decode("ascii", "replace").lower() if found else None


def meta_charset(window: bytes) -> bytes | None:
    """The value bs4's ``<meta>`` pattern captures in ``window`` (maybe empty), or None
    when it matches nowhere."""
    last_end = max(window.rfind(bytes([end])) for end in _ENDS)
    lowered = window.lower()  # bs4's patterns ignore case: "<META", "Charset"
    start = 0
    while (tag := _META.search(window, start)) is not None:
        close = window.find(b">", tag.end())
        stop = len(window) if close < 0 else close
        found = _last_charset(window, lowered, tag.end(), stop, last_end)
        if found is not None or close < 0:
            return found
        start = close + 1
    return None


def _last_charset(
    window: bytes, lowered: bytes, after: int, stop: int, last_end: int
) -> bytes | None:
    """The value of the last ``charset=`` between ``after`` (the end of ``<meta``, one
    byte at least before it) and ``stop`` (the tag's ``>``) whose value ends."""
    high = stop
    while (at := lowered.rfind(b"charset", after + 1, high)) >= 0:
        found = _value(window, at + len(b"charset"), last_end)
        if found is not None:
            return found
        high = at + len(b"charset") - 1
    return None


def _value(window: bytes, at: int, last_end: int) -> bytes | None:
    """What ``\\s*=\\s*["']?([^>]*?)[ /;'">]`` captures at ``at``, or None.

    The value runs to the first byte of ``_ENDS`` (a ``>`` is one): ``last_end`` says in
    one comparison whether there is any. Without one, bs4's pattern backtracks to an
    empty value ended by the opening quote or by a space after ``=``.
    """
    equals = _SPACES.match(window, at).end()  # type: ignore[union-attr]
    if equals >= len(window) or window[equals] != ord("="):
        return None
    value = _SPACES.match(window, equals + 1).end()  # type: ignore[union-attr]
    quoted = value < len(window) and window[value] in _QUOTES
    begin = value + 1 if quoted else value
    if last_end >= begin:
        return window[begin : min(_find(window, end, begin) for end in _ENDS)]
    if quoted or b" " in window[equals + 1 : value]:
        return b""
    return None


def _find(window: bytes, byte: int, start: int) -> int:
    """Where ``byte`` is next in ``window`` from ``start``; past the end if nowhere."""
    found = window.find(bytes([byte]), start)
    return len(window) if found < 0 else found
