"""Invariants of the default pipeline: idempotent, deterministic, nothing lost silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit import Document, default_pipeline, read
from tests.conftest import bench_pages, doc_from, seed_pages

PIPELINE = default_pipeline()

# Idempotence holds for documents, which carry their history: classify_lines,
# lift_metadata, junk_lines, comment_lines and detect_language leave a page they (or
# the classifier) already judged alone. Bare text cleaned a second time is a new page
# to them and may lose a little more, since the furniture that gave its lines their
# context is gone.


def clean(doc: Document) -> Document:
    result = PIPELINE(doc)
    assert isinstance(result, Document), result
    return result


def is_idempotent(doc: Document) -> bool:
    """Whether cleaning what cleaning kept changes nothing (a page the first cleaning
    rejects, such as one whose every line is judged boilerplate, has nothing to clean
    again)."""
    once = PIPELINE(doc)
    if not isinstance(once, Document):
        return True
    twice = PIPELINE(once)
    return isinstance(twice, Document) and (twice.text, twice.fields()) == (
        once.text,
        once.fields(),
    )


@pytest.mark.parametrize("page", seed_pages(), ids=lambda p: p.stem)
def test_cleaning_a_cleaned_seed_changes_nothing(page: Path) -> None:
    [doc] = read([str(page)])
    assert isinstance(doc, Document)
    once = clean(doc)
    twice = clean(once)
    assert twice.text == once.text
    assert twice.edits == once.edits, "a second pass adds no edit"


@pytest.mark.bench
def test_cleaning_benchmark_pages_twice_changes_nothing() -> None:
    not_idempotent = [
        doc.source.path
        for doc in read([str(p) for p in bench_pages("*.txt")])
        if isinstance(doc, Document) and doc.text.strip() and not is_idempotent(doc)
    ]
    assert not_idempotent == []


LINES = st.sampled_from(
    [
        "",
        "Advertisement",
        "Dark Mode",
        "Menu",
        "3 hours ago",
        "12 Comments",
        "4",
        "Recommended Stories",
        "Wednesday, 04 February 2026",
        "By Ana Ruiz",
        "Storm closes the coastal road",
        "Die Stadt baut eine neue Brücke über den Fluss, sagte der Bürgermeister am Montag.",
        "The council voted on Tuesday to reopen the bridge in spring, officials said.",
        "El ayuntamiento aprobó el presupuesto para el próximo año con amplia mayoría.",
        "Short line without stop",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=25))
def test_pipeline_is_deterministic_and_accounts_for_every_page(lines: list[str]) -> None:
    doc = doc_from("\n".join(lines))
    first, second = PIPELINE(doc), PIPELINE(doc)
    assert first == second
    if isinstance(first, Document):
        assert first.text.strip()
        kept = set(first.text.split("\n")) - {""}
        assert kept <= set(lines), "no line is invented or altered beyond normalization"
    else:
        assert (first.step, first.reason) == ("drop_empty", "empty")
