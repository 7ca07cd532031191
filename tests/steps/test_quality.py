"""Quality filters: each rule's reason on real text, the seed articles pass them all,
annotate mode only records, and off / annotate / drop per filter."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit import default_pipeline, read
from corpuskit.document import Document, Drop, Edit
from corpuskit.steps.quality import (
    QUALITY_FILTERS,
    QUALITY_NAMES,
    LinePunctuation,
    MostlyRemoved,
    QualityFilter,
    Repetition,
    StopwordPresence,
    SymbolRatio,
    TooShort,
    WordLength,
    count_sentences,
    quality_steps,
    with_quality,
)
from tests.conftest import SHARED, doc_from, seed_pages
from tests.steps.test_language import PROSE


def cleaned_seeds() -> list[Document]:
    pipeline = default_pipeline()
    docs = [pipeline(doc) for doc in read([str(p) for p in seed_pages()])]
    assert all(isinstance(doc, Document) for doc in docs)
    return docs  # type: ignore[return-value]


def reason(step: object, doc: Document) -> str | None:
    result = step(doc)  # type: ignore[operator]
    return result.reason if isinstance(result, Drop) else None


@pytest.mark.parametrize("kind", QUALITY_FILTERS, ids=QUALITY_NAMES)
def test_the_seed_articles_pass_every_filter(kind: type) -> None:
    for doc in cleaned_seeds():
        assert kind()(doc) is doc


def article() -> Document:
    """A real article: the first seed page, cleaned."""
    return cleaned_seeds()[0]


def test_too_short_counts_words_then_sentences() -> None:
    assert reason(TooShort(), doc_from(PROSE["de"])) == "too_few_words"
    drop = TooShort()(doc_from(PROSE["de"]))
    assert isinstance(drop, Drop) and drop.detail == "24 words < 50"
    one_sentence = doc_from(" ".join(PROSE["en"].replace(".", ",").split() * 3))
    assert reason(TooShort(), one_sentence) == "too_few_sentences"
    assert reason(TooShort(), article()) is None


def test_word_length_leaves_unspaced_scripts_alone() -> None:
    urls = doc_from(" ".join(["https://example.com/artikel/2024/05/haushalt-beschlossen"] * 60))
    assert reason(WordLength(), urls) == "mean_word_length"
    assert reason(WordLength(), doc_from(PROSE["zh"], lang="zh")) is None
    assert reason(WordLength(), article()) is None


def test_symbol_ratio_finds_tables_of_numbers() -> None:
    table = doc_from("\n".join(f"{n}. | {n * 3} : {n * 7} | {n}%" for n in range(1, 40)))
    assert reason(SymbolRatio(), table) == "non_alpha_words"
    hashes = doc_from(" ".join(f"#tag{n} #news Lesen ..." for n in range(30)))
    assert reason(SymbolRatio(), hashes) == "symbol_ratio"
    assert reason(SymbolRatio(), article()) is None


def test_line_punctuation_finds_menus_and_teasers() -> None:
    menu = doc_from("\n".join(["Home", "Über uns", "Kontakt", "Impressum", "Datenschutz"] * 4))
    assert reason(LinePunctuation(), menu) == "line_punctuation"
    teasers = doc_from("\n".join(f"{PROSE['de'][:60]} …" for _ in range(5)))
    assert reason(LinePunctuation(), teasers) == "ellipsis_lines"
    assert reason(LinePunctuation(), article()) is None


def test_stopwords_per_language() -> None:
    keywords = doc_from("Auto Kredit Versicherung Leasing Finanzierung Zulassung", lang="de")
    assert reason(StopwordPresence(), keywords) == "no_stopwords"
    assert reason(StopwordPresence(), doc_from(PROSE["fr"], lang="fr")) is None
    assert reason(StopwordPresence(), doc_from(PROSE["pl"], lang="pl")) is None


def test_repetition_finds_repeated_paragraphs_and_ngrams() -> None:
    repeated = doc_from("\n\n".join([PROSE["en"]] * 4))
    assert reason(Repetition(), repeated) == "duplicate_lines"
    drop = Repetition()(repeated)
    assert isinstance(drop, Drop) and drop.detail == "duplicate_lines 0.75 > 0.3"
    spam = doc_from(" ".join(["buy cheap shoes online now"] * 20) + ".")
    assert reason(Repetition(), spam) == "top_ngram"
    assert reason(Repetition(), article()) is None


def test_mostly_removed_reads_the_edits() -> None:
    doc = doc_from(PROSE["de"])
    gutted = replace(doc, edits=(Edit("junk_lines", 10_000, len(doc.text)),))
    assert reason(MostlyRemoved(), gutted) == "mostly_removed"
    assert reason(MostlyRemoved(), doc) is None, "no edits: nothing removed"


def test_annotate_keeps_the_page_and_records_why() -> None:
    pipeline = with_quality(default_pipeline(), "annotate")
    result = pipeline(doc_from("Kontakt\n\n" + PROSE["de"]))
    assert isinstance(result, Document)
    quality = result.meta["quality"]
    assert list(quality) == list(QUALITY_NAMES)
    assert quality["too_short"] == {"words": 25, "sentences": 2, "drop_reason": "too_few_words"}
    assert quality["stopwords"]["drop_reason"] is None


def test_modes_per_filter() -> None:
    steps = quality_steps("drop", repetition="off", too_short="annotate")
    modes = {step.name: step.mode for step in steps}  # type: ignore[attr-defined]
    assert "repetition" not in modes and modes["too_short"] == "annotate"
    assert set(modes.values()) == {"drop", "annotate"}
    assert quality_steps("off") == []
    assert with_quality(default_pipeline(), "off").names == default_pipeline().names
    with pytest.raises(ValueError, match="no quality filter"):
        quality_steps("drop", spam="off")
    with pytest.raises(ValueError, match="mode"):
        quality_steps("sometimes")
    names = with_quality(default_pipeline(), "drop").names
    assert names[names.index("drop_empty") + 1] == "mostly_removed"


@pytest.mark.parametrize("kind", QUALITY_FILTERS, ids=QUALITY_NAMES)
def test_every_threshold_is_a_field_with_its_source(kind: type[QualityFilter]) -> None:
    thresholds = [f for f in fields(kind) if f.name not in ("mode", "stopwords")]
    assert thresholds, kind.name
    for f in thresholds:
        assert f.name.startswith(("min_", "max_")), f.name
        assert f.metadata.get("doc"), f"{kind.name}.{f.name} has no source"
    assert kind().config == {"mode": "drop"}, "defaults hash as before"


def test_thresholds_change_the_verdict_and_the_config() -> None:
    short = doc_from(PROSE["de"])  # 24 words, 2 sentences
    assert reason(TooShort(), short) == "too_few_words"
    assert reason(TooShort(min_words=20), short) == "too_few_sentences"
    assert reason(TooShort(min_words=20, min_sentences=2), short) is None
    assert TooShort(min_words=20).config == {"mode": "drop", "min_words": 20}
    repeated = doc_from("\n\n".join([PROSE["en"]] * 4))
    assert reason(Repetition(max_duplicate_lines=0.8, max_duplicate_paragraphs=0.8), repeated) == (
        "duplicate_line_chars"
    )
    with pytest.raises(ValueError, match="min_kept must not be negative"):
        MostlyRemoved(min_kept=-0.1)
    with pytest.raises(
        ValueError, match=r"min_mean_word_length 12\.0 > max_mean_word_length 10\.0"
    ):
        WordLength(min_mean_word_length=12.0)


def test_with_quality_keeps_a_recipe_filters_thresholds() -> None:
    pipeline = default_pipeline().then(TooShort(min_words=20))
    moded = with_quality(pipeline, "annotate")
    [step] = [s for s in moded.steps if getattr(s, "name", "") == "too_short"]
    assert step == TooShort(mode="annotate", min_words=20)
    assert moded.names[-1] == "too_short", "where it stood: after drop_empty and the others"


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=400))
def test_filters_never_change_text_and_never_raise(text: str) -> None:
    doc = doc_from(text)
    for kind in QUALITY_FILTERS:
        annotated = kind(mode="annotate")(doc)
        assert isinstance(annotated, Document) and annotated.text == text
        dropped = kind()(doc)
        assert dropped is doc or isinstance(dropped, Drop)


def test_cli_quality_drop(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from corpuskit.cli import app

    (tmp_path / "short.txt").write_text(PROSE["de"] + "\n", encoding="utf-8")
    out = tmp_path / "corpus.jsonl"
    result = CliRunner().invoke(
        app, ["clean", str(tmp_path / "short.txt"), "-o", str(out), "--quality", "drop"]
    )
    assert result.exit_code == 0
    assert "too_short: too_few_words (1)" in result.stderr
    kept = CliRunner().invoke(
        app,
        [
            *("clean", str(tmp_path / "short.txt"), "-o", str(out), "--quality", "drop"),
            *("--quality-step", "too_short=annotate"),
        ],
    )
    assert kept.exit_code == 0, kept.stderr


# --- sentences, counted in linear time ------------------------------------------------

#: The pattern ``count_sentences`` used before it was made linear (it backtracked over
#: runs of punctuation: 18 s of CPU for ``"." * 32000 + "x"``): the answers to keep.
BACKTRACKING_SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’»)\]]*(?=\s|$)")


@given(st.text(".!?…。！？\"'”’»)]」 \n\tab", max_size=60))
def test_count_sentences_counts_what_the_backtracking_pattern_counted(text: str) -> None:
    assert count_sentences(text) == len(BACKTRACKING_SENTENCE_END.findall(text))


@pytest.mark.bench
@pytest.mark.skipif(not (SHARED / "bench").is_dir(), reason="the dev sets are not here")
def test_count_sentences_is_unchanged_on_every_dev_page() -> None:
    pages = sorted((SHARED / "bench").glob("*-dev/pages/*.txt"))
    assert len(pages) > 1600  # traf-dev and dragnet-dev
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert count_sentences(text) == len(BACKTRACKING_SENTENCE_END.findall(text)), page.name
