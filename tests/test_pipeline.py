from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpuskit.document import Document, Drop
from corpuskit.pipeline import (
    Pipeline,
    annotator,
    drop_if,
    drop_lines_if,
    join_lines,
    normalizer,
    page_lines,
    remove_lines,
    set_fields,
    step_name,
)
from tests.conftest import doc_from


def shout(text: str) -> str:
    return text.upper()


def test_normalizer_records_an_edit_only_on_change() -> None:
    step = normalizer(shout)
    doc = doc_from("abc")
    changed = step(doc)
    assert isinstance(changed, Document)
    assert changed.text == "ABC"
    assert [(e.step, e.chars_before, e.chars_after) for e in changed.edits] == [("shout", 3, 3)]
    same = doc_from("ABC")
    assert step(same) is same
    assert doc.text == "abc", "the input document is never mutated"


def test_drop_lines_if_names_reason_per_line() -> None:
    def cookie_or_share(line: str) -> str | bool:
        return "cookie_notice" if "cookies" in line else line == "Share"

    step = drop_lines_if(cookie_or_share, name="widgets")
    doc = step(doc_from("We use cookies.\nText.\nShare"))
    assert isinstance(doc, Document)
    assert doc.text == "Text."
    assert doc.edits[-1].removed == {"cookie_notice": 1, "widgets": 1}


def test_drop_if_gives_step_and_reason() -> None:
    step = drop_if(lambda doc: "too_short" if len(doc.text) < 5 else None, name="min_length")
    result = step(doc_from("abc"))
    assert isinstance(result, Drop)
    assert (result.step, result.reason) == ("min_length", "too_short")
    assert result.document is not None and result.document.text == "abc"
    kept = doc_from("long enough")
    assert step(kept) is kept


def test_annotator_sets_fields_and_meta() -> None:
    step = annotator(lambda doc: {"url": "https://example.org/a", "words": len(doc.text.split())})
    doc = step(doc_from("two words"))
    assert isinstance(doc, Document)
    assert doc.url == "https://example.org/a"
    assert doc.meta == {"words": 2}
    assert doc.edits[-1].fields == ("url", "words")
    assert step(doc) is doc


def test_pipeline_stops_at_first_drop_and_turns_errors_into_drops() -> None:
    def explode(doc: Document) -> Document:
        raise RuntimeError("boom")

    never = normalizer(shout, name="never")
    result = Pipeline([drop_if(lambda d: True, name="reject_all"), never])(doc_from("x"))
    assert isinstance(result, Drop) and result.step == "reject_all"
    failed = Pipeline([explode])(doc_from("x"))
    assert isinstance(failed, Drop)
    assert (failed.step, failed.reason, failed.detail) == ("explode", "error", "RuntimeError: boom")


def test_pipeline_composition_and_names() -> None:
    first, second = normalizer(shout), normalizer(str.strip, name="strip")
    pipeline = Pipeline([first]).then(second)
    assert pipeline.names == ("shout", "strip")
    assert pipeline.without("shout").names == ("strip",)
    assert pipeline.before("shout", normalizer(str.lower, name="lower")).names == (
        "lower",
        "shout",
        "strip",
    )
    assert pipeline.after("shout", normalizer(str.lower, name="lower")).names == (
        "shout",
        "lower",
        "strip",
    )
    with pytest.raises(KeyError, match="no step named 'nope'"):
        pipeline.without("nope")
    with pytest.raises(ValueError, match="unique"):
        Pipeline([first, first])
    assert step_name(pipeline) == "pipeline"


def test_config_hash_follows_configuration() -> None:
    a = Pipeline([normalizer(shout, config={"x": 1})])
    b = Pipeline([normalizer(shout, config={"x": 2})])
    assert a.config_hash() == Pipeline([normalizer(shout, config={"x": 1})]).config_hash()
    assert a.config_hash() != b.config_hash()


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_drop_lines_if_never_changes_kept_lines(text: str) -> None:
    step = drop_lines_if(lambda line: line.startswith("x"), name="x")
    doc = step(doc_from(text))
    assert isinstance(doc, Document)
    kept = [line for line in text.split("\n") if not line.startswith("x")]
    assert doc.text == "\n".join(kept)


@given(st.text(max_size=100))
def test_drop_if_never_changes_text(text: str) -> None:
    doc = doc_from(text)
    result = drop_if(lambda d: False, name="never")(doc)
    assert result is doc


def test_set_fields_without_change_returns_same_document() -> None:
    doc = doc_from("x", title="T")
    assert set_fields(doc, "s", {"title": "T"}) is doc


def test_remove_lines_with_the_lines_given_or_not() -> None:
    doc = doc_from("Title\nShare\n\nText.")
    rules = [None, "widgets", "blank_lines", None]
    given_lines = remove_lines(doc, "s", rules, lines=doc.text.split("\n"))
    assert given_lines == remove_lines(doc, "s", rules)
    assert given_lines.text == "Title\nText."
    assert [(r.number, r.text, r.rule) for r in given_lines.edits[-1].lines] == [
        (2, "Share", "widgets"),
        (3, "", "blank_lines"),
    ]
    assert remove_lines(doc, "s", [None] * 4, lines=doc.text.split("\n")) is doc
    with pytest.raises(ValueError, match="3 rules for 4 lines"):
        remove_lines(doc, "s", rules[:3])
    with pytest.raises(ValueError, match="3 lines given for a page of 4"):
        remove_lines(doc, "s", rules, lines=["Title", "Share", "Text."])


PAGE = st.text(st.sampled_from("ab \n"), max_size=12)


@given(PAGE, st.lists(st.sampled_from([None, "x"]), max_size=12), st.booleans())
def test_page_lines_are_the_split_lines_after_any_line_step(
    text: str, picks: list[str | None], join: bool
) -> None:
    """The lines remembered from a step's result are its text's lines, whatever the
    step removed or joined (all of them, none), and a caller changing its list changes
    no one else's."""
    doc = doc_from(text)
    mine = page_lines(doc.text)
    assert mine == text.split("\n")
    mine.append("changed")
    assert page_lines(doc.text) == text.split("\n")
    rules = (picks + [None] * len(mine))[: len(mine) - 1]
    step = join_lines if join else remove_lines
    after = step(doc, "s", rules, lines=page_lines(doc.text))
    assert page_lines(after.text) == after.text.split("\n")
    assert page_lines(text + "!") == (text + "!").split("\n")  # another text is split
