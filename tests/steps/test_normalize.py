"""The normalizers: each keeps the line count, is idempotent and leaves every script intact."""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path

import ftfy
import ftfy.bad_codecs  # registers the "sloppy-windows-*" codecs used below
import ftfy.chardata
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from corpuskit.document import Document
from corpuskit.pipeline import Pipeline, step_config
from corpuskit.readers import decode
from corpuskit.readers.decode import normalize_newlines
from corpuskit.steps.chardata import (
    INVISIBLE_CHARS,
    INVISIBLE_RE,
    MOJIBAKE_CLUE_RE,
    MOJIBAKE_ENCODINGS,
    SPACE_CHARS,
    SPACES_RE,
    SURROGATE_RE,
    TERMINAL_ESCAPE_RE,
    UNREPLACED_SPACES,
    WHITESPACE_CONTROLS,
    ftfy_config,
)
from corpuskit.steps.normalize import (
    PunctuationPolicy,
    fix_encoding,
    normalize_punctuation,
    normalize_steps,
    normalize_unicode,
    normalize_whitespace,
    remove_control_chars,
)
from tests.conftest import BENCH_PAGES, bench_pages, doc_from, needs_bench, seed_pages

POLICIES = [
    PunctuationPolicy(quotes="ascii", dashes="ascii", ellipsis="dots"),
    PunctuationPolicy(quotes="ascii", double_hyphen="em_dash", ellipsis="char"),
]

#: The fixes as used by the default pipeline.
DEFAULT_FIXES = [
    fix_encoding,
    remove_control_chars,
    normalize_unicode,
    normalize_whitespace,
    normalize_punctuation,
]
#: Every fix, and normalize_punctuation under policies that change things.
FIXES: list[Callable[[str], str]] = [
    *DEFAULT_FIXES,
    *(partial(normalize_punctuation, policy=policy) for policy in POLICIES),
]
FIX_IDS = [*(f.__name__ for f in DEFAULT_FIXES), "punctuation_ascii", "punctuation_typographic"]

#: Correct text in many scripts, already normalized: no fix may change a character.
MULTILINGUAL = [
    "Pakistan’s security forces, personnel --including police-- and “sources” said.",
    "Türkiye’nin başkenti Ankara’dır; İstanbul ise en kalabalık şehridir.",
    "„Das ist schön“, sagte sie – und ging. Straße, Maß, Größe.",
    "« Bonjour », dit-il. L’été dernier, à Zürich… Œuvre, cœur.",
    "¿Qué pasó? ¡Niño, año, señor! —dijo ella.",
    "Zażółć gęślą jaźń. Mógł, pół, ogół: ‚cytat‘ i „cytat”.",
    "Ветеран сборной Германии принял решение. «Ёлка» — это ёж?",
    "Ελληνικά: Αθήνα, ψυχή; όλα καλά.",
    "一个约定，信守15年，感人至深；“兄弟，放心吧！”……",
    "日本語の文章です。「こんにちは」と言った。東京　大阪",
    "한국어 문장입니다. 서울특별시.",
    "الناشط الحقوقي السوداني لـ«الصباح»: كل الشروط متوفرة",
    "שלום עולם! זה טקסט בעברית.",
    "नमस्ते, यह हिन्दी का वाक्य है। क्\u200dष",
    "ภาษาไทยเป็นภาษาที่ไม่มีช่องว่างระหว่างคำ",
    "می\u200cخواهم به خانه بروم. فارسی",
    "Emoji: 👩\u200d💻 👨\u200d👩\u200d👧\u200d👦 🏳\ufe0f\u200d🌈 🇩🇪 👍🏽",
    "Flag of England: 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "Math − and ranges 1–2, primes 5′ 3″, ‹single› and «double» guillemets.",
    "Line one\n\nLine three\n",
]

#: Text with every line break kind a reader leaves ("\n") and the spaces around it.
texts_with_lines = st.text(
    alphabet=st.one_of(st.characters(), st.sampled_from("\n\n \t\u00a0\u3000-.…–’\u200b\u00ad"))
)
#: Any code point, surrogates included.
any_code_points = st.text(alphabet=st.characters(blacklist_categories=()))


def line_count(text: str) -> int:
    return len(text.split("\n"))


def run(pipeline: Pipeline, doc: Document) -> Document:
    """``pipeline(doc)``, which normalizers never turn into a Drop."""
    result = pipeline(doc)
    assert isinstance(result, Document)
    return result


# --- invariants of every fix -------------------------------------------------------------


@pytest.mark.parametrize("fix", FIXES, ids=FIX_IDS)
@settings(max_examples=200, deadline=None)
@given(text=texts_with_lines)
@example(text="voilÃ le travail\n\nÃ©\u0085\x1b[31m\ud800")
def test_fixes_keep_line_count_and_are_idempotent(fix: Callable[[str], str], text: str) -> None:
    once = fix(text)
    assert line_count(once) == line_count(text)
    assert fix(once) == once


@pytest.mark.parametrize("fix", FIXES, ids=FIX_IDS)
@settings(max_examples=100, deadline=None)
@given(text=any_code_points)
def test_fixes_accept_any_code_point(fix: Callable[[str], str], text: str) -> None:
    once = fix(text)
    assert line_count(once) == line_count(text)
    assert fix(once) == once


@pytest.mark.parametrize("fix", DEFAULT_FIXES)
@pytest.mark.parametrize("text", MULTILINGUAL)
def test_fixes_leave_correct_multilingual_text_alone(fix: Callable[[str], str], text: str) -> None:
    assert fix(text) == text


def test_the_steps_together_are_idempotent_on_realistic_text() -> None:
    pipeline = Pipeline(normalize_steps(PunctuationPolicy(quotes="ascii", ellipsis="char")))
    damaged = "\ufeff  VerÃ¶ffentlichung\u00a0\u00a0am  Montag\x00 \n\n « Bonjour » ... “Hi” "
    for text in [*MULTILINGUAL, damaged]:
        once = run(pipeline, doc_from(text))
        assert pipeline(once) is once


@pytest.mark.xfail(strict=True, reason="known: a repair that only a later step makes possible")
@pytest.mark.parametrize(
    "text",
    [
        "\u00a0Ã©tÃ©",  # ftfy will not decode mojibake right after a no-break space...
        "Ã\x00©",  # ...nor across a control character...
        "A\u0303©",  # ...nor a decomposed lead; NFC composes it into "Ã©" afterwards
    ],
)
def test_the_steps_together_repair_everything_in_one_run(text: str) -> None:
    pipeline = Pipeline(normalize_steps())
    once = run(pipeline, doc_from(text))
    assert run(pipeline, once).text == once.text


# --- fix_encoding -------------------------------------------------------------------------

#: Sentences whose UTF-8 read as windows-1252 or Latin-1 is the mojibake to repair.
MOJIBAKE_SOURCES = [
    "vor der Veröffentlichung zu prüfen. Als registrierter Nutzer werden",
    "Größere Straßen in Köln, Düsseldorf und München.",
    "Le café est prêt, l’été à Noël, ça coûte 10 €.",
    "¿Qué pasó con el niño? Año nuevo, corazón.",
    "El mínimo por día en el país",  # "í" read as windows-1252 is "Ã" + a soft hyphen
    "Zażółć gęślą jaźń. Mógł, pół, łódź, źrebię.",
    "Pakistan’s military – “actionable intelligence” … Türkiye",
    "Emoji 😀 and 👩‍💻 and ™ ©",
]


@pytest.mark.parametrize("codec", ["sloppy-windows-1252", "latin-1"])
@pytest.mark.parametrize("source", MOJIBAKE_SOURCES)
def test_fix_encoding_repairs_mojibake(codec: str, source: str) -> None:
    damaged = source.encode("utf-8").decode(codec)
    assert MOJIBAKE_CLUE_RE.search(damaged)
    assert fix_encoding(damaged) == source
    assert fix_encoding(f"clean line\n{damaged}\nclean line") == f"clean line\n{source}\nclean line"


def test_mojibake_is_repaired_before_soft_hyphens_are_removed() -> None:
    damaged = "El mínimo por día".encode().decode("windows-1252")
    assert "\u00ad" in damaged
    assert run(Pipeline(normalize_steps()), doc_from(damaged)).text == "El mínimo por día"


@needs_bench
def test_fix_encoding_repairs_the_benchmark_page_with_mojibake() -> None:
    text = (BENCH_PAGES / "004a60e635d2c0bd.txt").read_text(encoding="utf-8")
    fixed = fix_encoding(text)
    assert "VerÃ¶ffentlichung" in text and "VerÃ¶ffentlichung" not in fixed
    assert "vor der Veröffentlichung zu prüfen" in fixed
    assert line_count(fixed) == line_count(text)


def test_fix_encoding_repairs_a_space_that_was_a_no_break_byte() -> None:
    assert fix_encoding("voilÃ le travail") == "voilà le travail"


def test_fix_encoding_reads_c1_controls_as_windows_1252() -> None:
    assert fix_encoding("Preis: 10\x80, \x93Angebot\x94") == "Preis: 10€, “Angebot”"


def test_fix_encoding_keeps_a_line_whose_repair_would_break_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ftfy, "fix_text", lambda text, config: text.replace("Ã©", "é\né"))
    assert fix_encoding("cafÃ©\nok") == "cafÃ©\nok"


@settings(max_examples=200, deadline=None)
@given(
    st.text(st.characters(min_codepoint=0xA0, max_codepoint=0x24F), min_size=1),
    st.sampled_from(MOJIBAKE_ENCODINGS),
)
def test_the_gate_sees_mojibake_of_any_non_ascii_text(text: str, encoding: str) -> None:
    """UTF-8 read in any single-byte encoding ftfy knows always passes the gate."""
    codec = f"sloppy-{encoding}" if encoding.startswith("windows-") else encoding
    assert MOJIBAKE_CLUE_RE.search(text.encode("utf-8").decode(codec))


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("aeo Ã©â€™¶¼ÅÄ…‚„“”–—…€™•\ufffd?\x85\x93ð\xa0ŸΓ├ó"), max_size=8))
def test_the_gate_never_hides_a_line_ftfy_would_change(text: str) -> None:
    if ftfy.fix_text(text, ftfy_config()) != text:
        assert MOJIBAKE_CLUE_RE.search(text)


def test_the_gate_knows_the_encodings_ftfy_tries() -> None:
    ftfy_encodings = [e.removeprefix("sloppy-") for e in ftfy.chardata.CHARMAP_ENCODINGS]
    assert list(MOJIBAKE_ENCODINGS) == ftfy_encodings


def test_fix_encoding_leaves_ftfy_settings_that_other_steps_own() -> None:
    text = "ＡＢＣ，ﬁne &amp; “quoted”\x00\ufeff\u00a0"
    assert fix_encoding(text) == text


# --- normalize_unicode --------------------------------------------------------------------


def test_normalize_unicode_composes() -> None:
    assert normalize_unicode("Cafe\u0301") == "Café"
    assert normalize_unicode("\u1112\u1161\u11ab\u1100\u1173\u11af") == "한글"
    assert normalize_unicode("\u0627\u0653") == "\u0622"  # Arabic alef with madda


def test_normalize_unicode_keeps_compatibility_characters() -> None:
    assert normalize_unicode("ﬁ ² ＡＢＣ ½") == "ﬁ ² ＡＢＣ ½"


def test_soft_hyphen_is_removed_before_composition() -> None:
    names = [step.name for step in normalize_steps()]
    assert names.index("remove_control_chars") < names.index("normalize_unicode")
    text = "Cafe\u00ad\u0301"
    assert normalize_unicode(remove_control_chars(text)) == "Café"


# --- remove_control_chars -----------------------------------------------------------------


def _code_points(ranges: tuple[tuple[int, int], ...]) -> list[str]:
    return [chr(c) for first, last in ranges for c in range(first, last + 1)]


@pytest.mark.parametrize("char", _code_points(INVISIBLE_CHARS))
def test_invisible_characters_are_removed(char: str) -> None:
    assert remove_control_chars(f"Wort{char}Wort") == "WortWort"


@pytest.mark.parametrize(
    "char",
    [
        "\n",
        "\u200c",  # ZWNJ: Persian, Indic scripts
        "\u200d",  # ZWJ: emoji sequences, Indic conjuncts
        "\u200e\u200f\u061c",  # direction marks (Hebrew, Arabic)
        "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",  # embeddings, isolates
        "\ufe0f\ufe0e",  # variation selectors
        "\U000e0067\U000e007f",  # tag characters (subdivision flags)
        "\ufffd\ufffc",
        "\ue000",  # private use
        *_code_points(WHITESPACE_CONTROLS),
    ],
)
def test_meaningful_format_characters_are_kept(char: str) -> None:
    assert remove_control_chars(f"a{char}b") == f"a{char}b"


def test_surrogates_become_characters_or_replacement_characters() -> None:
    assert remove_control_chars("\ud83d\ude00 \ud83d x \ude00") == "😀 \ufffd x \ufffd"


def test_terminal_escape_sequences_go_as_a_whole() -> None:
    assert remove_control_chars("\x1b[1;31mAchtung\x1b[0m!") == "Achtung!"


def test_remove_control_chars_on_a_benchmark_style_line() -> None:
    line = "₁ WWF\x07 (2020):\x07 Living Planet Report, abrufbar unter\x07 https://www.wwf.de/"
    assert (
        remove_control_chars(line)
        == "₁ WWF (2020): Living Planet Report, abrufbar unter https://www.wwf.de/"
    )


# --- normalize_whitespace -----------------------------------------------------------------


@pytest.mark.parametrize("char", _code_points(SPACE_CHARS) + _code_points(WHITESPACE_CONTROLS))
def test_space_characters_become_one_ascii_space(char: str) -> None:
    assert normalize_whitespace(f"a{char}b {char}{char} c") == "a b c"


def test_whitespace_is_stripped_per_line_and_blank_lines_stay() -> None:
    text = "  Titel  \n\n\n \t \n  Absatz\u00a0eins.  \n"
    assert normalize_whitespace(text) == "Titel\n\n\n\nAbsatz eins.\n"


def test_ideographic_space_is_kept_inside_a_line_only() -> None:
    assert normalize_whitespace("\u3000東京\u3000大阪\u3000") == "東京\u3000大阪"


def test_zero_width_characters_are_not_whitespace() -> None:
    text = "می\u200cخواهم 👩\u200d💻"
    assert normalize_whitespace(text) == text


# --- normalize_punctuation ----------------------------------------------------------------


def test_default_policy_returns_the_input_itself() -> None:
    text = "“Follow-up” operations --including police -- continue..."
    assert normalize_punctuation(text) is text


QUOTES = PunctuationPolicy(quotes="ascii")
DASHES = PunctuationPolicy(dashes="ascii")
EM_DASH = PunctuationPolicy(double_hyphen="em_dash")
CHAR = PunctuationPolicy(ellipsis="char")
DOTS = PunctuationPolicy(ellipsis="dots")


@pytest.mark.parametrize(
    ("policy", "before", "after"),
    [
        (QUOTES, "„Schön“ ‚so‘ “it’s”", '"Schön" \'so\' "it\'s"'),
        (QUOTES, "«Hola» ‹ciao› 「你好」 5′ 3″", None),
        (DASHES, "1–2 — −5 ‒ ―", "1-2 - -5 - -"),
        (DASHES, "Follow-up, non\u2011breaking, hy\u2010phen", None),
        (EM_DASH, "word--word, word -- word", "word—word, word — word"),
        (EM_DASH, "personnel --including --help", None),
        (EM_DASH, "a---b a --- b <!-- x --> 1--2", None),
        (EM_DASH, "git checkout -- file", "git checkout — file"),
        (EM_DASH, "Gruß\n-- \nSignatur --", None),
        (CHAR, "Und dann... nichts.... oder..", "Und dann… nichts.... oder.."),
        (DOTS, "Und dann… 然后……", "Und dann... 然后......"),
    ],
)
def test_punctuation_policies(policy: PunctuationPolicy, before: str, after: str | None) -> None:
    assert normalize_punctuation(before, policy) == (before if after is None else after)


@pytest.mark.parametrize(
    "fields",
    [
        {"quotes": "straight"},
        {"ellipsis": "unicode"},
        {"dashes": "ascii", "double_hyphen": "em_dash"},
    ],
)
def test_policy_rejects_unknown_or_contradictory_settings(fields: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        PunctuationPolicy(**fields)  # type: ignore[arg-type]


# --- the steps ----------------------------------------------------------------------------


def test_steps_have_the_function_names_and_the_policy_as_config() -> None:
    policy = PunctuationPolicy(quotes="ascii")
    steps = normalize_steps(policy)
    assert [s.name for s in steps] == [
        "fix_encoding",
        "remove_control_chars",
        "normalize_unicode",
        "normalize_whitespace",
        "normalize_punctuation",
    ]
    assert step_config(steps[-1]) == {
        "step": "normalize_punctuation",
        "origin": "corpuskit.normalize:normalize_punctuation",
        "config": {
            "quotes": "ascii",
            "dashes": "keep",
            "double_hyphen": "keep",
            "ellipsis": "keep",
        },
    }
    assert Pipeline(steps).config_hash() != Pipeline(normalize_steps()).config_hash()


def test_steps_survive_pickling() -> None:
    steps = normalize_steps(PunctuationPolicy(quotes="ascii"))
    restored = pickle.loads(pickle.dumps(steps))
    assert restored[-1].function("“x”") == '"x"'
    assert [step_config(s) for s in restored] == [step_config(s) for s in steps]


def test_an_unchanged_text_adds_no_edit() -> None:
    doc = doc_from("Schon sauber.\n\nZweiter Absatz.")
    assert Pipeline(normalize_steps())(doc) is doc


def test_each_step_that_changes_text_records_an_edit() -> None:
    doc = run(Pipeline(normalize_steps()), doc_from("\ufeffVerÃ¶ffentlichung  heute "))
    assert doc.text == "Veröffentlichung heute"
    assert [e.step for e in doc.edits] == [
        "fix_encoding",
        "remove_control_chars",
        "normalize_whitespace",
    ]


@pytest.mark.parametrize("path", seed_pages(), ids=lambda p: p.name)
def test_seed_prose_survives_the_default_normalization(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    cleaned = run(Pipeline(normalize_steps()), doc_from(text)).text
    assert line_count(cleaned) == line_count(text)
    for needle in ("’", "“", "--including", "Türkiye"):
        assert (needle in cleaned) == (needle in text)
    words = re.findall(r"\S+", text)
    assert re.findall(r"\S+", cleaned) == words  # only spaces changed, not one word


# The fast paths of the page-wide fixes (docs/performance.md, "Seventh round (text)"):
# each must give what its plain definition gives.


def normalize_whitespace_by_line(text: str) -> str:
    """``normalize_whitespace`` as first written: the spaces made plain, every line
    stripped."""
    return "\n".join(line.strip() for line in SPACES_RE.sub(" ", text).split("\n"))


def remove_control_chars_by_search(text: str) -> str:
    """``remove_control_chars`` without its first search for any character it may
    change."""
    if SURROGATE_RE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if "\x1b" in text:
        text = TERMINAL_ESCAPE_RE.sub("", text)
    return INVISIBLE_RE.sub("", text)


def test_unreplaced_spaces_are_what_strip_strips_and_spaces_re_does_not_make_plain() -> None:
    """Every code point but "\\n" that ``str.strip`` strips is either one that
    ``SPACES_RE`` replaces or one of ``UNREPLACED_SPACES``, which it does not."""
    stripped = {c for c in map(chr, range(0x110000)) if c.isspace() and c not in "\n "}
    replaced = {c for c in stripped if SPACES_RE.fullmatch(c)}
    assert stripped - replaced == set(UNREPLACED_SPACES)


#: Text full of what the fast paths look for: spaces of every kind at line ends,
#: separators, controls, surrogates, astral characters, line breaks.
edgy_text = st.text(
    st.sampled_from(
        [
            *"ab \n\t\r\x0b\x0c\x85\u2028\u2029\x1c\x1f\u3000\xa0\u2009\x00\x1b[m\xad",
            *("\u200b", "\ufeff", "\ud800", "\U0001f600", "\U000e0001", "\U000f0000", "é"),
        ]
    ),
    max_size=30,
)


@settings(max_examples=500, deadline=None)
@given(text=edgy_text)
@example(text=" a\n\u3000b\x1c")
def test_the_fast_paths_give_what_the_plain_definitions_give(text: str) -> None:
    assert normalize_whitespace(text) == normalize_whitespace_by_line(text)
    assert remove_control_chars(text) == remove_control_chars_by_search(text)
    assert normalize_newlines(text) == decode._LINE_BREAKS.sub("\n", text)


@pytest.mark.bench
@pytest.mark.parametrize("dev_set", ["traf-dev", "dragnet-dev"])
def test_every_dev_dump_is_fixed_as_the_plain_definitions_fix_it(dev_set: str) -> None:
    changed = 0
    for path in bench_pages("*.txt", dev_set):
        text = path.read_text(encoding="utf-8")
        assert normalize_newlines(text) == decode._LINE_BREAKS.sub("\n", text), path.name
        assert remove_control_chars(text) == remove_control_chars_by_search(text), path.name
        assert normalize_whitespace(text) == normalize_whitespace_by_line(text), path.name
        changed += normalize_whitespace(text) != text
    assert changed > 100  # the spaces of many dumps change: not a comparison of no-ops
