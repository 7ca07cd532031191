"""Bytes to text: choosing a codec, recognising binary files and unifying line breaks.

Web pages and text dumps come in every encoding, often with a wrong or missing label.
``decode_bytes`` never raises: it tries the likeliest codec first and ends with one that
cannot fail, and it says which codec it used so ``Source.encoding`` can record it. The
order follows the recipe the ``traf-dev`` naive texts were made with (see
``shared/bench/README.md``, "The naive text"): a byte order mark, then (for HTML) the
encoding the page declares, read the way browsers read labels, then UTF-8. What is left
is a page whose declared charset fails (decoded with it, bad bytes replaced, as in that
recipe) or bytes that declare nothing: windows-1252, else Latin-1 (where the recipe
replaces bytes, Latin-1 keeps every one).

A page fetched over HTTP (a WARC response) may also carry the charset of its
``Content-Type`` header; it comes after the byte order mark and before the page's own
declaration, as in browsers. ``decode_text`` says how the codec was chosen
(``ENCODING_FROM``), for ``Source.encoding_from``: pages without HTTP headers decode
exactly as before.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from corpuskit.readers.charset import declared_label

#: Byte order marks and the codec each one decides (UTF-32 before UTF-16: the UTF-32 LE
#: mark starts with the UTF-16 LE one).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Charset labels browsers know and Python does not, as Python spells them.
LABEL_ALIASES: dict[str, str] = {
    "windows-874": "cp874",
    "x-gbk": "gbk",
    "x-sjis": "shift_jis",
}

#: A declared label (as Python's codec name) -> the codec browsers actually decode it
#: with (WHATWG Encoding Standard): pages labelled Latin-1 are really windows-1252 and so
#: on. A UTF-16/32 label inside 8-bit markup is a lie (the markup itself was readable as
#: ASCII), so browsers read UTF-8.
BROWSER_CODECS: dict[str, str] = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
    "iso8859-11": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
    "utf-32": "utf-8",
    "utf-32-le": "utf-8",
    "utf-32-be": "utf-8",
}

#: How far a NUL byte counts as the sign of a binary file.
BINARY_WINDOW = 8192

_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
#: The characters ``_LINE_BREAKS`` starts with: a page holding none of them (nearly
#: every page) is left as it is after one ``in`` per character, a search in C that
#: ``re`` cannot make of an alternation (0.003 against 0.085 ms a dev dump).
_BREAK_CHARS = ("\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029")


#: How ``decode_text`` chose a codec, as ``Source.encoding_from`` records it: a byte order
#: mark, the charset of the HTTP ``Content-Type`` header, the charset the page declares
#: (``<meta charset>``, ``<meta http-equiv>``, an XML declaration), UTF-8 (strictly
#: valid), or the fallback for bytes that declare nothing and are not UTF-8.
ENCODING_FROM = ("bom", "http", "declared", "utf-8", "fallback")


class Decoded(NamedTuple):
    """Decoded text, the codec used (Python's name) and how it was chosen (``ENCODING_FROM``)."""

    text: str
    codec: str
    how: str


def decode_text(raw: bytes, *, html: bool = False, charset: str | None = None) -> Decoded:
    """Decode ``raw`` without ever raising, and say which codec was used and why.

    As ``decode_bytes``, with ``charset`` the label an HTTP header gave (None: none). The
    first rule that applies wins: a byte order mark; the HTTP charset, then (for
    ``html``) the declared one, then UTF-8, each if the bytes decode with it strictly; the
    HTTP or else the declared charset with bad bytes replaced; windows-1252, Latin-1.

    >>> decode_text(b'<meta charset="utf-8"><p>caf\\xe9', html=True, charset="latin1")
    Decoded(text='<meta charset="utf-8"><p>café', codec='cp1252', how='http')
    >>> decode_text(b"plain caf\\xc3\\xa9").how, decode_text(b"caf\\xe9").how
    ('utf-8', 'fallback')
    """
    bom_codec = _bom_codec(raw)
    if bom_codec is not None:
        return Decoded(raw.decode(bom_codec, errors="replace"), _bom_name(raw, bom_codec), "bom")
    labelled = [("http", codec_for_label(charset) if charset else None)]
    if html:
        labelled.append(("declared", declared_codec(raw)))
    chosen = [(how, codec) for how, codec in labelled if codec is not None]
    tries = (
        [*chosen, ("utf-8", "utf-8")] if chosen else [("utf-8", "utf-8"), ("fallback", "cp1252")]
    )
    for how, codec in tries:
        text = _strict(raw, codec)
        if text is not None:
            return Decoded(text, codec, how)
    if chosen:
        how, codec = chosen[0]
        return Decoded(raw.decode(codec, errors="replace"), codec, how)
    return Decoded(raw.decode("latin-1"), "iso8859-1", "fallback")


def decode_bytes(raw: bytes, *, html: bool = False) -> tuple[str, str]:
    """Decode ``raw`` and name the codec used, without ever raising.

    The first rule that applies wins: a byte order mark (undecodable bytes after it become
    U+FFFD); for ``html``, the charset the page declares, if the bytes decode with it
    strictly; UTF-8. Then, for a page that declares a charset, that charset with
    undecodable bytes replaced by U+FFFD (such pages are mostly right and have a stray
    byte, often inside a script); for anything else windows-1252, then Latin-1, which
    maps every byte and so cannot fail and loses nothing. The name is Python's
    (``codecs.lookup(name).name``).

    >>> decode_bytes("naïve".encode("utf-8"))
    ('naïve', 'utf-8')
    >>> decode_bytes("naïve – “quoted”".encode("cp1252"))
    ('naïve – “quoted”', 'cp1252')
    >>> decode_bytes(b'<meta charset="iso-8859-1"><p>caf\\xe9 \\x80', html=True)
    ('<meta charset="iso-8859-1"><p>café €', 'cp1252')
    """
    text, codec, _ = decode_text(raw, html=html)
    return text, codec


def declared_codec(raw: bytes) -> str | None:
    """The codec a browser would use for the charset ``raw`` declares, or None.

    The declaration is found where and as bs4 finds it (XML declaration, ``<meta
    charset>``, ``<meta http-equiv>``: ``charset.declared_label``, in linear time); a
    label Python does not know, or names a codec that is no charset (``base64``,
    ``idna``), counts as no declaration.

    >>> declared_codec(b'<meta http-equiv="Content-Type" content="text/html; charset=GBK">')
    'gb18030'
    >>> declared_codec(b'<meta charset="klingon">') is None
    True
    """
    label = declared_label(raw)
    return codec_for_label(label) if label else None


def codec_for_label(label: str) -> str | None:
    """The codec a browser decodes a charset ``label`` with, or None for no charset.

    >>> codec_for_label(" ISO-8859-1"), codec_for_label("utf8"), codec_for_label("base64")
    ('cp1252', 'utf-8', None)
    """
    label = label.strip().lower()
    try:
        name = codecs.lookup(LABEL_ALIASES.get(label, label)).name
        b"\x80<".decode(name, errors="replace")  # only charsets decode any bytes this way
    except (LookupError, UnicodeError):
        return None
    return BROWSER_CODECS.get(name, name)


def has_bom(raw: bytes) -> bool:
    """Whether ``raw`` starts with a UTF-8, UTF-16 or UTF-32 byte order mark."""
    return _bom_codec(raw) is not None


def looks_binary(raw: bytes) -> bool:
    """Whether ``raw`` is binary data rather than text: NUL bytes near the start.

    Text in UTF-16 or UTF-32 is full of NUL bytes, so a byte order mark rules this out.

    >>> looks_binary(b"PK\\x03\\x04\\x00\\x00"), looks_binary(b"plain text")
    (True, False)
    >>> looks_binary("text".encode("utf-16"))
    False
    """
    return b"\x00" in raw[:BINARY_WINDOW] and not has_bom(raw)


def normalize_newlines(text: str) -> str:
    """Make ``"\\n"`` the only line break, changing nothing else.

    CRLF, a lone CR, vertical tab, form feed, NEL (U+0085) and the Unicode line and
    paragraph separators each become one ``"\\n"``; later steps count lines and rely on
    the count staying what it was after reading.

    A text with none of those characters (nearly every page once read) is returned as it
    is: six ``in`` tests scan a page at memory speed (an ASCII page skips the three
    characters above U+00FF at once), where the ``sub`` tried its alternatives at every
    character (0.26 ms for a 22 KB page).

    >>> normalize_newlines("one\\r\\ntwo\\rthree\\u2028four\\x0cfive  ")
    'one\\ntwo\\nthree\\nfour\\nfive  '
    """
    if not any(map(text.__contains__, _BREAK_CHARS)):
        return text
    return _LINE_BREAKS.sub("\n", text)


def _bom_codec(raw: bytes) -> str | None:
    """The codec the byte order mark at the start of ``raw`` decides, or None."""
    return next((codec for bom, codec in BOMS if raw.startswith(bom)), None)


def _bom_name(raw: bytes, codec: str) -> str:
    """The name to record for a BOM-decided codec: the byte order made explicit."""
    if codec == "utf-8-sig":
        return codec
    little = raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF16_LE))
    return f"{codec}-{'le' if little else 'be'}"


def _strict(raw: bytes, codec: str) -> str | None:
    """``raw`` decoded with ``codec``, or None when it does not decode without error."""
    try:
        return raw.decode(codec)
    except (UnicodeError, LookupError):  # LookupError: a declared non-text codec (base64)
        return None
