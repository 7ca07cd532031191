"""Character tables for ``normalize.py``, and the patterns built from them, once.

Data first, logic apart (as in ftfy's ``chardata.py``): which ftfy fixes run, which
characters count as spaces, invisible characters or whitespace controls, which quotes,
dashes and ellipses the punctuation policy can rewrite. Comments give the reasons.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ftfy

# ---------------------------------------------------------------------------------------
# Tables. Data first, logic below (as in ftfy's chardata.py).
# ---------------------------------------------------------------------------------------

#: What ``fix_encoding`` asks of ftfy (``ftfy_config``). Only the fixes that undo a wrong
#: decoding are on; everything that is a matter of taste, or that another step of ours
#: owns, is off.
FTFY_OPTIONS: dict[str, Any] = dict(
    # Extracted page text is text: an "&amp;" left in it was in the page's visible
    # text (a tutorial about HTML, a double-escaped CMS field). Unescaping would turn
    # "&lt;b&gt;" in such a text into markup. HTML entities are the reader's business.
    unescape_html=False,
    # Undo UTF-8 read as Latin-1, windows-1252 and the other single-byte encodings,
    # with ftfy's helpers for damaged sequences and C1 controls that stand for
    # windows-1252 punctuation.
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    # Ligatures (ﬁ) and fullwidth forms (，、ＡＢＣ) are real characters; fullwidth
    # punctuation is the norm in Chinese and Japanese text.
    fix_latin_ligatures=False,
    fix_character_width=False,
    # Curly quotes are what the author typed; normalize_punctuation decides.
    uncurl_quotes=False,
    # Line breaks are the readers' job and line numbers must not move.
    fix_line_breaks=False,
    # Surrogates, terminal escapes and control characters: remove_control_chars.
    fix_surrogates=False,
    remove_terminal_escapes=False,
    remove_control_chars=False,
    # NFC is its own step: normalize_unicode.
    normalization=None,
    explain=False,
)


@cache
def ftfy_config() -> ftfy.TextFixerConfig:
    """ftfy's configuration made of ``FTFY_OPTIONS``, ftfy imported on first use: a page
    without a mojibake clue never needs it, and ftfy (with wcwidth) is a tenth of the
    start-up of a one-page ``corpuskit clean``."""
    import ftfy

    return ftfy.TextFixerConfig(**FTFY_OPTIONS)


#: The single-byte encodings that ftfy tries when it undoes mojibake (the same list as
#: ``ftfy.chardata.CHARMAP_ENCODINGS``; a test keeps the two in step).
MOJIBAKE_ENCODINGS: tuple[str, ...] = (
    "latin-1",
    "windows-1252",
    "windows-1251",
    "windows-1250",
    "windows-1253",
    "windows-1254",
    "windows-1257",
    "iso-8859-2",
    "macroman",
    "cp437",
)

#: Control characters that separate words: tab, vertical tab, form feed, carriage return
#: and NEL. remove_control_chars keeps them; normalize_whitespace turns them into a
#: space, so that the words on either side stay apart.
WHITESPACE_CONTROLS: tuple[tuple[int, int], ...] = ((0x09, 0x09), (0x0B, 0x0D), (0x85, 0x85))

#: Code point ranges that remove_control_chars deletes.
INVISIBLE_CHARS: tuple[tuple[int, int], ...] = (
    (0x00, 0x08),  # C0 controls, up to (not including) tab
    (0x0E, 0x1F),  # C0 controls after carriage return, information separators included
    (0x7F, 0x84),  # DEL and C1 controls, up to NEL
    (0x86, 0x9F),  # C1 controls after NEL
    (0xAD, 0xAD),  # SOFT HYPHEN: an invisible hint where a word may be hyphenated
    (0x200B, 0x200B),  # ZERO WIDTH SPACE
    (0x2060, 0x2060),  # WORD JOINER
    (0xFEFF, 0xFEFF),  # BYTE ORDER MARK (or the old ZERO WIDTH NO-BREAK SPACE)
    (0xFDD0, 0xFDEF),  # noncharacters
    *((plane + 0xFFFE, plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000)),  # more
)

#: Code point ranges that normalize_whitespace turns into an ASCII space (besides
#: WHITESPACE_CONTROLS). U+3000 IDEOGRAPHIC SPACE is left out on purpose: inside a line
#: of Chinese or Japanese it is a full-width character of its own. Zero-width
#: characters are not spaces: see INVISIBLE_CHARS.
SPACE_CHARS: tuple[tuple[int, int], ...] = (
    (0xA0, 0xA0),  # NO-BREAK SPACE
    (0x1680, 0x1680),  # OGHAM SPACE MARK
    (0x2000, 0x200A),  # EN QUAD ... HAIR SPACE, FIGURE SPACE U+2007 included
    (0x2028, 0x2029),  # LINE and PARAGRAPH SEPARATOR, if a reader left one inside a line
    (0x202F, 0x202F),  # NARROW NO-BREAK SPACE (French « guillemets », thousands)
    (0x205F, 0x205F),  # MEDIUM MATHEMATICAL SPACE
)
#: The characters ``str.strip`` strips that ``normalize_whitespace`` does not make
#: " ": the separators U+001C-U+001F and U+3000 IDEOGRAPHIC SPACE (a test checks every
#: code point). Without them, a page whose text has no " " at either end of a line
#: needs no stripping after its spaces are made plain.
UNREPLACED_SPACES = ("\x1c", "\x1d", "\x1e", "\x1f", "\u3000")

#: quotes="ascii": curly and low-9 quotation marks. Guillemets (« » ‹ ›), CJK corner
#: brackets, primes (′ ″) and U+02BC MODIFIER LETTER APOSTROPHE (a letter in some
#: orthographies) are not "smart quotes" and stay.
QUOTES_TO_ASCII: tuple[tuple[str, str], ...] = (
    ("\u2018", "'"),  # ‘ LEFT SINGLE QUOTATION MARK
    ("\u2019", "'"),  # ’ RIGHT SINGLE QUOTATION MARK (also the typographic apostrophe)
    ("\u201a", "'"),  # ‚ SINGLE LOW-9 QUOTATION MARK
    ("\u201b", "'"),  # ‛ SINGLE HIGH-REVERSED-9 QUOTATION MARK
    ("\u201c", '"'),  # “ LEFT DOUBLE QUOTATION MARK
    ("\u201d", '"'),  # ” RIGHT DOUBLE QUOTATION MARK
    ("\u201e", '"'),  # „ DOUBLE LOW-9 QUOTATION MARK (German, Polish opening quote)
    ("\u201f", '"'),  # ‟ DOUBLE HIGH-REVERSED-9 QUOTATION MARK
)

#: dashes="ascii": dashes and the minus sign. Hyphens (U+2010, U+2011) belong inside
#: words and stay; so do fullwidth and small forms used in CJK text.
DASHES_TO_ASCII: tuple[tuple[str, str], ...] = (
    ("\u2012", "-"),  # ‒ FIGURE DASH
    ("\u2013", "-"),  # – EN DASH
    ("\u2014", "-"),  # — EM DASH
    ("\u2015", "-"),  # ― HORIZONTAL BAR
    ("\u2212", "-"),  # − MINUS SIGN
)

#: ellipsis="dots": the ellipsis character as three full stops.
ELLIPSIS_TO_DOTS: tuple[tuple[str, str], ...] = (("\u2026", "..."),)

# ---------------------------------------------------------------------------------------
# Patterns built from the tables.
# ---------------------------------------------------------------------------------------


def _byte_chars(encoding: str, first: int, last: int) -> str:
    """What the bytes ``first..last`` decode to, one at a time, in ``encoding``.

    A byte the encoding leaves undefined decodes as Latin-1 would, as in ftfy's
    "sloppy" codecs (0x81 in windows-1252 is U+0081).
    """
    chars = []
    for byte in range(first, last + 1):
        try:
            chars.append(bytes([byte]).decode(encoding))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars)


def _char_class(chars: str) -> str:
    """A regex character class matching any of ``chars``."""
    return "[" + "".join(re.escape(c) for c in sorted(set(chars))) + "]"


def _range_class(ranges: tuple[tuple[int, int], ...]) -> str:
    """A regex character class matching the code point ranges ``ranges``."""
    parts = (re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    return "[" + "".join(parts) + "]"


def _build_mojibake_clue() -> re.Pattern[str]:
    """A cheap regex that finds every place where ftfy's encoding fix could apply.

    UTF-8 writes each non-ASCII character as a lead byte (0xC2-0xF4) and continuation
    bytes (0x80-0xBF). Decoded with a single-byte encoding, the lead becomes one of a few
    dozen characters (Ã, Å, â, ð...) and the next byte one of 64 others (¶, ©, €, ‚...),
    so any mojibake contains such a pair for one of the encodings, or U+FFFD where a
    continuation byte was lost. A C1 control is also a clue (ftfy reads it as
    windows-1252), and so, in Latin-1 and windows-1252 text, is a lead followed by a
    space that stands for a lost U+00A0 byte ("voilÃ le", ftfy's ``restore_byte_a0``).
    The regex begins with the class of all first characters (see ``PATTERNS``); a
    lookbehind then says which encoding's lead it was, and what may follow it.

    It matches a superset of what ftfy fixes, and some real text too ("mógł" in Polish
    is "ó" + "ł", a windows-1250 pair): those lines just go through ftfy, which leaves
    them alone.
    """
    firsts, clues = ["".join(map(chr, range(0x80, 0xA0)))], [r"(?<=[\x80-\x9f])"]
    for encoding in MOJIBAKE_ENCODINGS:
        lead = _byte_chars(encoding, 0xC2, 0xF4)
        continuation = _char_class(_byte_chars(encoding, 0x80, 0xBF) + "\ufffd")
        firsts.append(lead)
        clues.append(f"(?<={_char_class(lead)}){continuation}")
        if encoding in ("latin-1", "windows-1252"):
            clues.append("(?<=[ÂÃÅÎÐÙ]) ")  # bytes C2 C3 C5 CE D0 D9, then a lost A0
            clues.append("(?<=[âãð]) " + continuation)  # bytes E2 E3 F0, then a lost A0
    return re.compile(f"{_char_class(''.join(firsts))}(?:{'|'.join(clues)})")


# PATTERNS. The three patterns that search every page (mojibake clues, invisible
# characters, spaces) begin with one character class, not an alternation or a
# lookahead: Python's re then skips in C to the next character of that class and tries
# the rest only there, where it would otherwise try the whole pattern at every position
# of the page (two to three times slower on the traf-dev pages). Each matches exactly
# what its plainer form, an alternation, would.
MOJIBAKE_CLUE_RE = _build_mojibake_clue()
SURROGATE_RE = re.compile("[\ud800-\udfff]")
TERMINAL_ESCAPE_RE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")  # colour codes and the like
# A BMP invisible character, or any astral character that a lookbehind then finds
# invisible: Python's re checks a class that mixes BMP and astral ranges range by
# range, several times slower, so the astral ranges are only looked at for an astral
# character.
_INVISIBLE_BMP = _range_class(tuple(r for r in INVISIBLE_CHARS if r[1] <= 0xFFFF))
_INVISIBLE_ASTRAL = _range_class(tuple(r for r in INVISIBLE_CHARS if r[0] > 0xFFFF))
INVISIBLE_RE = re.compile(
    f"{_INVISIBLE_BMP[:-1]}\U00010000-\U0010ffff](?<={_INVISIBLE_BMP}|{_INVISIBLE_ASTRAL})"
)
# Any character ``remove_control_chars`` may change (a surrogate, ESC, an invisible
# BMP character, any astral character), in one class: a page without one, nearly every
# page, is left after one search instead of two (about 0.08 -> 0.05 ms a dev dump).
CONTROL_CLUE_RE = re.compile(f"{_INVISIBLE_BMP[:-1]}\\x1b\ud800-\udfff\U00010000-\U0010ffff]")
# Runs of two or more spaces of any kind, or one space that is not " ": a space of any
# kind, then more of them or a lookbehind that finds it is not " ".
_SPACE = _range_class(((0x20, 0x20), *WHITESPACE_CONTROLS, *SPACE_CHARS))
_OTHER_SPACE = _range_class((*WHITESPACE_CONTROLS, *SPACE_CHARS))
SPACES_RE = re.compile(f"{_SPACE}(?:{_SPACE}+|(?<={_OTHER_SPACE}))")
# "--" between two letters, or between two spaces that have text on either side; never
# a longer run of hyphens, "<!--", "-->", "--help" or a "-- " at the end of a line.
DOUBLE_HYPHEN_RE = re.compile(r"(?<=[^\W\d_])--(?=[^\W\d_])|(?<=[^\s-] )--(?= [^\s-])")
THREE_DOTS_RE = re.compile(r"(?<!\.)\.\.\.(?!\.)")
