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

import unicodedata
from dataclasses import asdict, dataclass
from functools import partial, update_wrapper
from typing import Literal

from corpuskit.pipeline import FunctionStep, normalizer
from corpuskit.steps.chardata import (
    CONTROL_CLUE_RE,
    DASHES_TO_ASCII,
    DOUBLE_HYPHEN_RE,
    ELLIPSIS_TO_DOTS,
    INVISIBLE_RE,
    MOJIBAKE_CLUE_RE,
    QUOTES_TO_ASCII,
    SPACES_RE,
    SURROGATE_RE,
    TERMINAL_ESCAPE_RE,
    THREE_DOTS_RE,
    UNREPLACED_SPACES,
    ftfy_config,
)

# ---------------------------------------------------------------------------------------
# The fixes.
# ---------------------------------------------------------------------------------------


def fix_encoding(text: str) -> str:
    r"""Repair mojibake: text that was encoded as UTF-8 and decoded as something else.

    A page that was saved as UTF-8 and read as windows-1252 turns "Veröffentlichung"
    into "VerÃ¶ffentlichung" and "’" into "â€™". ftfy recognizes such sequences and
    decodes them again. ftfy is slow (milliseconds per page), so only the lines that
    ``MOJIBAKE_CLUE_RE`` flags go through it; on a clean page the check is one regex
    search. ftfy runs with ``ftfy_config()``: it repairs encodings and C1 controls only.

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
    import ftfy  # on the first line with a mojibake clue (see ``ftfy_config``)

    fixed: str = ftfy.fix_text(line, ftfy_config())
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
    if not CONTROL_CLUE_RE.search(text):
        return text  # none of the characters below
    if SURROGATE_RE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if "\x1b" in text:
        text = TERMINAL_ESCAPE_RE.sub("", text)
    if not INVISIBLE_RE.search(text):
        return text
    return INVISIBLE_RE.sub("", text)


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
    text = SPACES_RE.sub(" ", text)
    # every space left is " " (or ``UNREPLACED_SPACES``): with none of those, and no
    # " " at the start or end of a line, each line is stripped already (1,698 of the
    # 1,698 dev dumps; a few ``in`` searches in C instead of a split, a strip per line
    # and a join: 0.05 ms a dump)
    if " \n" in text or "\n " in text or text.startswith(" ") or text.endswith(" "):
        return "\n".join(line.strip() for line in text.split("\n"))
    if any(map(text.__contains__, UNREPLACED_SPACES)):
        return "\n".join(line.strip() for line in text.split("\n"))
    return text


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
        text = DOUBLE_HYPHEN_RE.sub("\u2014", text)
    if policy.ellipsis == "char" and "..." in text:
        text = THREE_DOTS_RE.sub("\u2026", text)
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
    return [
        normalizer(fix_encoding),
        normalizer(remove_control_chars),
        normalizer(normalize_unicode),
        normalizer(normalize_whitespace),
        punctuation_step(policy),
    ]


def punctuation_step(policy: PunctuationPolicy = DEFAULT_POLICY) -> FunctionStep:
    """The ``normalize_punctuation`` step under ``policy``, which is its configuration.

    >>> step = punctuation_step(PunctuationPolicy(ellipsis="char"))
    >>> step.name, step.config["ellipsis"], step.function("Wait...")
    ('normalize_punctuation', 'char', 'Wait…')
    """
    punctuation = update_wrapper(
        partial(normalize_punctuation, policy=policy), normalize_punctuation
    )
    return normalizer(punctuation, name="normalize_punctuation", config=asdict(policy))
