r"""Text fixes that change characters, never lines: encoding, Unicode, spaces, punctuation.

Each fix is a pure ``str -> str`` function named like the step it becomes. Each one keeps
two promises that the rest of corpuskit depends on:

- **It never changes the number of lines** (``len(text.split("\n"))``). Readers have
  already turned every line break into ``"\n"``, and the line filters that run later
  report removed lines by their number in the input. So a fix can rewrite or delete
  characters inside a line, but it never adds or removes a ``"\n"``.
- **It is idempotent**: ``f(f(text)) == f(text)``, so cleaning a cleaned corpus again
  changes nothing. (The steps together are idempotent on ordinary text too; the rare
  exceptions, mojibake that only a later step uncovers, are listed in the docs.)

``normalize_steps`` turns the fixes into pipeline steps. They run in this order:

1. ``fix_encoding``: repair mojibake (``VerÃ¶ffentlichung``) with ftfy.
2. ``remove_control_chars``: delete invisible control and format characters.
3. ``normalize_unicode``: NFC. It runs after the deletions, because deleting a soft
   hyphen between a letter and a combining accent can leave a pair that NFC composes.
4. ``normalize_whitespace``: turn exotic spaces into " ", collapse runs, strip lines.
5. ``normalize_punctuation``: quotes, dashes, ``--`` and ellipses, by a
   ``PunctuationPolicy``. The default policy keeps everything as the author typed it.

The policy for each kind of character, with the reasons, is in ``docs/normalization.md``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from functools import partial, update_wrapper
from typing import Literal

import ftfy

from corpuskit.pipeline import FunctionStep, normalizer

# ---------------------------------------------------------------------------------------
# Tables. Data first, logic below (as in ftfy's chardata.py).
# ---------------------------------------------------------------------------------------

#: What ``fix_encoding`` asks of ftfy. Only the fixes that undo a wrong decoding are on;
#: everything that is a matter of taste, or that another step of ours owns, is off.
FTFY_CONFIG = ftfy.TextFixerConfig(
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
    A leading lookahead on the union of the first characters lets the regex skip
    ordinary text quickly.

    It matches a superset of what ftfy fixes, and some real text too ("mógł" in Polish
    is "ó" + "ł", a windows-1250 pair): those lines just go through ftfy, which leaves
    them alone.
    """
    firsts, clues = ["".join(map(chr, range(0x80, 0xA0)))], [r"[\x80-\x9f]"]
    for encoding in MOJIBAKE_ENCODINGS:
        lead = _byte_chars(encoding, 0xC2, 0xF4)
        continuation = _char_class(_byte_chars(encoding, 0x80, 0xBF) + "\ufffd")
        firsts.append(lead)
        clues.append(_char_class(lead) + continuation)
        if encoding in ("latin-1", "windows-1252"):
            clues.append("[ÂÃÅÎÐÙ] ")  # bytes C2 C3 C5 CE D0 D9, then a lost A0
            clues.append("[âãð] " + continuation)  # bytes E2 E3 F0, then a lost A0
    return re.compile(f"(?={_char_class(''.join(firsts))})(?:{'|'.join(clues)})")


MOJIBAKE_CLUE_RE = _build_mojibake_clue()
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_TERMINAL_ESCAPE_RE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")  # colour codes and the like
# Python's re checks a class that mixes BMP and astral ranges range by range, several
# times slower; so astral code points are looked at only when the character is astral.
_INVISIBLE_RE = re.compile(
    _range_class(tuple(r for r in INVISIBLE_CHARS if r[1] <= 0xFFFF))
    + "|[\U00010000-\U0010ffff](?<="
    + _range_class(tuple(r for r in INVISIBLE_CHARS if r[0] > 0xFFFF))
    + ")"
)
# Runs of two or more spaces of any kind, or one space that is not " ".
_SPACES_RE = re.compile(
    _range_class(((0x20, 0x20), *WHITESPACE_CONTROLS, *SPACE_CHARS))
    + "{2,}|"
    + _range_class((*WHITESPACE_CONTROLS, *SPACE_CHARS))
)
# "--" between two letters, or between two spaces that have text on either side; never
# a longer run of hyphens, "<!--", "-->", "--help" or a "-- " at the end of a line.
_DOUBLE_HYPHEN_RE = re.compile(r"(?<=[^\W\d_])--(?=[^\W\d_])|(?<=[^\s-] )--(?= [^\s-])")
_THREE_DOTS_RE = re.compile(r"(?<!\.)\.\.\.(?!\.)")

# ---------------------------------------------------------------------------------------
# The fixes.
# ---------------------------------------------------------------------------------------


def fix_encoding(text: str) -> str:
    r"""Repair mojibake: text that was encoded as UTF-8 and decoded as something else.

    A page that was saved as UTF-8 and read as windows-1252 turns "Veröffentlichung"
    into "VerÃ¶ffentlichung" and "’" into "â€™". ftfy recognizes such sequences and
    decodes them again. ftfy is slow (milliseconds per page), so only the lines that
    ``MOJIBAKE_CLUE_RE`` flags go through it; on a clean page the check is one regex
    search. ftfy runs with ``FTFY_CONFIG``: it repairs encodings and C1 controls only.

    Left alone: HTML entities, ligatures, fullwidth characters, curly quotes, control
    characters and Unicode normalization (each has its own step or is kept on purpose),
    and every line whose repair would contain a line break.

    German, French, Spanish and Polish mojibake, and a curly apostrophe:

    >>> fix_encoding("vor der VerÃ¶ffentlichung zu prÃ¼fen")
    'vor der Veröffentlichung zu prüfen'
    >>> fix_encoding("Le cafÃ© est prÃªt.\nÂ¿QuÃ© pasÃ³?\nZaÅ¼Ã³Å‚Ä‡ gÄ™Å›lÄ… jaÅºÅ„")
    'Le café est prêt.\n¿Qué pasó?\nZażółć gęślą jaźń'
    >>> fix_encoding("Pakistanâ€™s security forces")
    'Pakistan’s security forces'

    Correct text in any script is returned as it is:

    >>> fix_encoding("„Schön“ – Türkiye, 東京、مرحبا, שלום, नमस्ते 👩\u200d💻")
    '„Schön“ – Türkiye, 東京、مرحبا, שלום, नमस्ते 👩\u200d💻'
    """
    if not MOJIBAKE_CLUE_RE.search(text):
        return text
    lines = text.split("\n")
    return "\n".join(_fix_line(line) if MOJIBAKE_CLUE_RE.search(line) else line for line in lines)


def _fix_line(line: str) -> str:
    """ftfy's repair of one line, or the line itself if the repair would add a break."""
    fixed: str = ftfy.fix_text(line, FTFY_CONFIG)
    return line if "\n" in fixed else fixed


def normalize_unicode(text: str) -> str:
    r"""Put text in Unicode Normalization Form C (NFC).

    The same visible text can be stored as different code points: "é" as one
    character or as "e" plus a combining accent, Korean syllables as one character or
    as jamo. NFC picks the composed form, so that equal-looking text compares, hashes
    and deduplicates as equal.

    Left alone: compatibility forms (NFKC would turn "ﬁ" into "fi", "²" into "2" and
    fullwidth "ＡＢＣ" into "ABC", losing information). Note that NFC, being canonical,
    does replace the few CJK compatibility ideographs (U+F900-U+FAFF) by their unified
    twins, and puts stacked combining marks (Hebrew points) in canonical order.

    >>> normalize_unicode("Cafe\u0301 cre\u0300me") == "Café crème"
    True
    >>> [len(normalize_unicode(s)) for s in ("Cafe\u0301", "\u1112\u1161\u11ab", "\u0627\u0653")]
    [4, 1, 1]
    >>> normalize_unicode("Zürich, 東京, مرحبا")
    'Zürich, 東京, مرحبا'
    """
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def remove_control_chars(text: str) -> str:
    r"""Delete invisible control and format characters that carry no text.

    Removed (see ``INVISIBLE_CHARS``): C0 and C1 control characters, DEL, terminal escape
    sequences as a whole ("\x1b[31m"), the byte order mark U+FEFF wherever it is, zero-width
    space U+200B, word joiner U+2060, the soft hyphen U+00AD (an invisible hyphenation
    hint that splits words for search and deduplication) and noncharacters
    (U+FDD0-U+FDEF, U+FFFE, U+FFFF and their twins in other planes). Lone surrogates
    become U+FFFD; a surrogate pair becomes the character it encodes.

    Left alone: "\n"; the controls that separate words (tab, vertical tab, form feed,
    carriage return and NEL, which normalize_whitespace turns into spaces); zero-width
    joiner U+200D (emoji sequences, Indic conjuncts) and non-joiner U+200C (Persian,
    Indic scripts); direction marks and isolates (Arabic, Hebrew); variation selectors
    and tag characters (emoji flags).

    >>> remove_control_chars("Stra\u00adßen\u200bbahn\x00 \ufeffund Trambahn\x07")
    'Straßenbahn und Trambahn'
    >>> remove_control_chars("\x1b[1mBonjour\x1b[0m\ttout le monde")
    'Bonjour\ttout le monde'
    >>> kept = "می\u200cخواهم 👩\u200d💻 क्\u200dष"  # Persian ZWNJ, emoji and Devanagari ZWJ
    >>> remove_control_chars(kept) == kept
    True
    >>> remove_control_chars("a\ud800b")
    'a\ufffdb'
    """
    if _SURROGATE_RE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if "\x1b" in text:
        text = _TERMINAL_ESCAPE_RE.sub("", text)
    if not _INVISIBLE_RE.search(text):
        return text
    return _INVISIBLE_RE.sub("", text)


def normalize_whitespace(text: str) -> str:
    r"""Make spaces plain and single, and strip each line; never touch line breaks.

    Tab, vertical tab, form feed, carriage return, no-break space U+00A0, narrow
    no-break space U+202F, figure space and the other typographic spaces
    (U+2000-U+200A), U+205F and line separators left inside a line become one ASCII
    space; so does any run of them. Each line is then stripped of leading and trailing
    whitespace (``str.strip``). Scrapers leave such spaces everywhere, and their only
    job, layout, is gone in plain text.

    Left alone: the number of lines, blank lines included (a line filter removes
    them later and reports by line number); zero-width characters (not spaces, see
    remove_control_chars); U+3000 IDEOGRAPHIC SPACE inside a line, a full-width
    character in Chinese and Japanese text (between words of a title, in names), which
    a half-width space would not replace faithfully. At the start of a line it is
    indentation and is stripped like any other space.

    >>> normalize_whitespace("  Prix :\u00a010\u202f000\u00a0€\t TTC  \n\n  Zweite   Zeile ")
    'Prix : 10 000 € TTC\n\nZweite Zeile'
    >>> normalize_whitespace("\u3000日本語の　文章です。\u3000\n\u00a0مرحبا\u00a0 بالعالم")
    '日本語の\u3000文章です。\nمرحبا بالعالم'
    """
    text = _SPACES_RE.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


@dataclass(frozen=True, slots=True)
class PunctuationPolicy:
    r"""What normalize_punctuation does to quotes, dashes, double hyphens and ellipses.

    Every default is ``"keep"``: the text stays as the author typed it. Curly quotes,
    dashes and "--" are meaningful typography, and corpus users who want ASCII can
    ask for it:

    - ``quotes="ascii"``: ‘ ’ ‚ ‛ become ' and “ ” „ ‟ become " (``QUOTES_TO_ASCII``).
      Guillemets « » ‹ ›, CJK brackets 「」 and primes ′ ″ stay: they are the quotation
      marks of French, Russian, Chinese... or not quotes at all.
    - ``dashes="ascii"``: figure dash, en dash, em dash, horizontal bar and minus sign
      become "-" (``DASHES_TO_ASCII``). Hyphens inside words are never touched.
    - ``double_hyphen="em_dash"``: "--" used as a dash becomes "—": exactly two hyphens,
      either between two letters ("word--word") or with a space and text on both sides
      ("word -- word"). Not "---", "<!--", "-->", "--help", digits ("1--2"), a "--" at
      a line end, nor a one-sided "personnel --including", which cannot be told apart
      from a command-line option ("ls --all"). Cannot be combined with
      ``dashes="ascii"``, which would turn the new dash into a hyphen.
    - ``ellipsis="char"``: exactly three full stops "..." become "…" (runs of four
      or more stay); ``ellipsis="dots"``: "…" becomes "..." (so Chinese "……" becomes
      six full stops).

    >>> PunctuationPolicy(quotes="ascii")
    PunctuationPolicy(quotes='ascii', dashes='keep', double_hyphen='keep', ellipsis='keep')
    >>> PunctuationPolicy(dashes="ascii", double_hyphen="em_dash")
    Traceback (most recent call last):
    ...
    ValueError: double_hyphen='em_dash' makes a dash that dashes='ascii' turns back into '-'
    """

    quotes: Literal["keep", "ascii"] = "keep"
    dashes: Literal["keep", "ascii"] = "keep"
    double_hyphen: Literal["keep", "em_dash"] = "keep"
    ellipsis: Literal["keep", "char", "dots"] = "keep"

    def __post_init__(self) -> None:
        for name, allowed in _POLICY_CHOICES.items():
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
        if self.dashes == "ascii" and self.double_hyphen == "em_dash":
            raise ValueError(
                "double_hyphen='em_dash' makes a dash that dashes='ascii' turns back into '-'"
            )

    @property
    def keeps_everything(self) -> bool:
        """True for the default policy, under which normalize_punctuation changes nothing."""
        return (self.quotes, self.dashes, self.double_hyphen, self.ellipsis) == ("keep",) * 4

    def replacements(self) -> tuple[tuple[str, str], ...]:
        """The one-character replacements this policy asks for, in order."""
        return (
            (QUOTES_TO_ASCII if self.quotes == "ascii" else ())
            + (DASHES_TO_ASCII if self.dashes == "ascii" else ())
            + (ELLIPSIS_TO_DOTS if self.ellipsis == "dots" else ())
        )


_POLICY_CHOICES: dict[str, tuple[str, ...]] = {
    "quotes": ("keep", "ascii"),
    "dashes": ("keep", "ascii"),
    "double_hyphen": ("keep", "em_dash"),
    "ellipsis": ("keep", "char", "dots"),
}

#: The default policy: keep all punctuation as it is.
DEFAULT_POLICY = PunctuationPolicy()


def normalize_punctuation(text: str, policy: PunctuationPolicy = DEFAULT_POLICY) -> str:
    r"""Straighten quotes, dashes, double hyphens and ellipses as ``policy`` asks.

    Typographic punctuation varies with the author's keyboard and word processor, not
    with what the text says; a corpus may want one form of each. What changes and what
    never does is documented on ``PunctuationPolicy``. With the default policy (keep
    everything) the text is returned at once.

    >>> normalize_punctuation("„Schön“, sagte sie -- und ging…")
    '„Schön“, sagte sie -- und ging…'
    >>> ascii_policy = PunctuationPolicy(quotes="ascii", dashes="ascii", ellipsis="dots")
    >>> normalize_punctuation("„Schön“ – sagte sie…", ascii_policy)
    '"Schön" - sagte sie...'
    >>> policy = PunctuationPolicy(double_hyphen="em_dash", ellipsis="char")
    >>> normalize_punctuation("Il a dit -- enfin... oui--non <!-- --help", policy)
    'Il a dit — enfin… oui—non <!-- --help'
    >>> normalize_punctuation("«Hola» — ¿qué tal? 「你好」……", PunctuationPolicy("ascii", "ascii"))
    '«Hola» - ¿qué tal? 「你好」……'
    """
    if policy.keeps_everything:
        return text
    for old, new in policy.replacements():
        text = text.replace(old, new)
    if policy.double_hyphen == "em_dash" and "--" in text:
        text = _DOUBLE_HYPHEN_RE.sub("\u2014", text)
    if policy.ellipsis == "char" and "..." in text:
        text = _THREE_DOTS_RE.sub("\u2026", text)
    return text


def normalize_steps(policy: PunctuationPolicy = DEFAULT_POLICY) -> list[FunctionStep]:
    """The normalization steps, in the order they should run (see the module docstring).

    ``normalize_punctuation`` is always there, with the policy as its configuration
    (so the policy enters the pipeline's configuration hash); under the default policy
    it changes nothing.

    >>> for step in normalize_steps():
    ...     print(step.name)
    fix_encoding
    remove_control_chars
    normalize_unicode
    normalize_whitespace
    normalize_punctuation
    >>> normalize_steps(PunctuationPolicy(quotes="ascii"))[-1].config["quotes"]
    'ascii'
    """
    punctuation = update_wrapper(
        partial(normalize_punctuation, policy=policy), normalize_punctuation
    )
    return [
        normalizer(fix_encoding),
        normalizer(remove_control_chars),
        normalizer(normalize_unicode),
        normalizer(normalize_whitespace),
        normalizer(punctuation, name="normalize_punctuation", config=asdict(policy)),
    ]
