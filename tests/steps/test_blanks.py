from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from corpuskit.document import Drop
from corpuskit.steps.blanks import collapse_blank_lines, drop_empty
from tests.conftest import doc_from


def test_runs_of_blank_lines_become_one() -> None:
    doc = collapse_blank_lines(doc_from("\n\nA\n\n\n\nB\nC\n\n"))
    assert doc.text == "A\n\nB\nC"
    assert doc.edits[-1].removed == {"blank_lines": 6}


@given(st.lists(st.sampled_from(["", " ", "a", "b c"]), max_size=20))
def test_collapse_is_idempotent(lines: list[str]) -> None:
    once = collapse_blank_lines(doc_from("\n".join(lines)))
    twice = collapse_blank_lines(once)
    assert twice is once
    assert "\n\n\n" not in once.text


def test_empty_document_is_dropped_with_reason() -> None:
    result = drop_empty(doc_from("  \n \n"))
    assert isinstance(result, Drop)
    assert (result.step, result.reason) == ("drop_empty", "empty")
    kept = doc_from("x")
    assert drop_empty(kept) is kept
