from __future__ import annotations

import pickle

import orjson
from hypothesis import given
from hypothesis import strategies as st

from corpuskit.document import Document, Edit, RemovedLine, RemovedLines, Source, stable_id
from corpuskit.pipeline import remove_lines
from corpuskit.writers import encode_record

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)

documents = st.builds(
    Document,
    id=st.text(alphabet="0123456789abcdef", min_size=1, max_size=16),
    text=TEXT,
    source=st.builds(
        Source,
        path=TEXT,
        format=st.sampled_from(["text", "html", "jsonl"]),
        encoding=st.sampled_from(["utf-8", "cp1252"]),
        sha256=st.text(alphabet="0123456789abcdef", max_size=64),
        line=st.none() | st.integers(1, 10**6),
        offset=st.none() | st.integers(0, 10**9),
    ),
    title=st.none() | TEXT,
    author=st.none() | TEXT,
    published=st.none() | st.just("2026-02-04"),
    lang=st.none() | st.sampled_from(["en", "de", "und"]),
    lang_score=st.none() | st.floats(0, 1),
    meta=st.dictionaries(TEXT, st.integers(-(2**63), 2**63 - 1) | TEXT, max_size=3),
    edits=st.lists(
        st.builds(
            Edit,
            step=st.sampled_from(["junk_lines", "lift_metadata"]),
            chars_before=st.integers(0, 999),
            chars_after=st.integers(0, 999),
            removed=st.dictionaries(st.sampled_from(["counter", "byline"]), st.integers(1, 9)),
            lines=st.lists(
                st.builds(RemovedLine, st.integers(1, 99), TEXT, st.just("counter"))
            ).map(tuple),
            fields=st.lists(st.sampled_from(["title", "author"]), unique=True).map(tuple),
        ),
        max_size=3,
    ).map(tuple),
)


@given(documents)
def test_record_round_trip_through_jsonl(doc: Document) -> None:
    line = encode_record(doc.to_record(audit=True))
    assert Document.from_record(orjson.loads(line)) == doc


def test_record_without_audit_keeps_counts_not_lines() -> None:
    edit = Edit("junk_lines", 10, 5, {"counter": 1}, (RemovedLine(2, "4", "counter"),))
    doc = Document("a", "x", Source("p"), edits=(edit,))
    assert doc.to_record()["provenance"]["edits"] == [
        {"step": "junk_lines", "chars_before": 10, "chars_after": 5, "removed": {"counter": 1}}
    ]
    assert doc.to_record(audit=True)["provenance"]["edits"][0]["lines"] == [
        {"line": 2, "text": "4", "rule": "counter"}
    ]


def test_stable_id_depends_on_path_line_and_bytes() -> None:
    base = Source("a.jsonl", sha256="ab", line=1)
    assert stable_id(base) == stable_id(Source("a.jsonl", sha256="ab", line=1))
    assert (
        len(
            {
                stable_id(base),
                stable_id(Source("a.jsonl", sha256="ab", line=2)),
                stable_id(Source("b.jsonl", sha256="ab", line=1)),
                stable_id(Source("a.jsonl", sha256="cd", line=1)),
            }
        )
        == 4
    )


@given(st.lists(st.tuples(st.text(alphabet="ab c", max_size=6), st.booleans()), min_size=1))
def test_removed_lines_stand_for_the_tuple_they_make(rows: list[tuple[str, bool]]) -> None:
    """``remove_lines`` keeps what went as lists; read, compared, pickled or written,
    they are the ``RemovedLine`` tuple they stand for."""
    lines = [text for text, _ in rows]
    rules = ["rule" if gone else None for _, gone in rows]
    doc = Document(id="d", text="\n".join(lines), source=Source("-"))
    edits = remove_lines(doc, "step", rules).edits
    expected = tuple(
        RemovedLine(index + 1, text, "rule") for index, (text, gone) in enumerate(rows) if gone
    )
    if not expected:
        assert edits == ()
        return
    removed = edits[0].lines
    assert isinstance(removed, RemovedLines)
    assert len(removed) == len(expected), "counted without making the objects"
    assert removed == expected and expected == removed
    assert list(removed) == list(expected) and removed[0] == expected[0]
    loaded = pickle.loads(pickle.dumps(edits[0]))
    assert loaded == edits[0] and isinstance(loaded.lines, RemovedLines)
    assert Edit.from_record(edits[0].to_record(audit=True)) == edits[0]
