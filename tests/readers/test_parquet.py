"""The Parquet reader: rows read as JSONL records are, streamed, resumable at any row."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import orjson
import pytest

from corpuskit.document import Document, Drop, Position
from corpuskit.readers import read, read_marked
from corpuskit.readers.limits import Limits
from corpuskit.readers.parquet import BATCH_ROWS
from tests.hostile import parquet_bytes

pytest.importorskip("pyarrow")

#: Records as a JSONL file and a Parquet file hold them (one column per field).
RECORDS = [
    {"doc_id": "a", "body": "First page.", "link": "https://ex.org/a", "lang": "en", "n": 1},
    {"doc_id": "b", "body": "<html><title>T</title><p>Second.</p>", "link": None, "lang": "fr"},
    {"doc_id": None, "body": "Third, no id.", "link": "https://ex.org/c", "lang": None, "n": 3},
]


def as_columns(records: list[dict[str, object]]) -> dict[str, list[object]]:
    names = dict.fromkeys(name for record in records for name in record)
    return {name: [record.get(name) for record in records] for name in names}


def test_rows_become_the_documents_their_jsonl_records_become(tmp_path: Path) -> None:
    """Same id, URL, text, title and ``meta`` (every other column) as the JSONL reader
    gives for the same records; only where they were read differs."""
    options = {"text_field": "body", "id_field": "doc_id", "url_field": "link"}
    parquet = tmp_path / "rows.parquet"
    parquet.write_bytes(parquet_bytes(as_columns(RECORDS)))
    jsonl = tmp_path / "rows.jsonl"
    # a Parquet column exists in every row (null where a record lacks the field)
    full = [{name: record.get(name) for name in as_columns(RECORDS)} for record in RECORDS]
    jsonl.write_bytes(b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in full))
    from_parquet = list(read([str(parquet)], **options))
    from_jsonl = list(read([str(jsonl)], **options))
    assert all(isinstance(doc, Document) for doc in from_parquet + from_jsonl)
    for row, line, record in zip(from_parquet, from_jsonl, RECORDS, strict=True):
        assert isinstance(row, Document) and isinstance(line, Document)
        assert row.text == line.text and row.title == line.title and row.url == line.url
        assert row.meta == line.meta
        assert row.id == line.id if record["doc_id"] else row.id != line.id
    assert [doc.source.line for doc in from_parquet] == [1, 2, 3]
    assert from_parquet[0].id == "a" and from_parquet[0].meta == {"lang": "en", "n": 1}
    assert from_parquet[2].id != from_parquet[1].id  # made from the file and row


def test_the_row_number_and_row_group_name_each_row(tmp_path: Path) -> None:
    path = tmp_path / "groups.parquet"
    path.write_bytes(parquet_bytes({"text": [f"row {n}" for n in range(7)]}, rows_per_group=3))
    docs = list(read([str(path)]))
    where = [(doc.source.line, doc.source.row_group) for doc in docs]
    assert where == [(1, 0), (2, 0), (3, 0), (4, 1), (5, 1), (6, 1), (7, 2)]
    record = docs[4].to_record()["source"]
    assert record["format"] == "parquet" and record["line"] == 5 and record["row_group"] == 1
    assert "offset" not in record


def test_a_resumed_read_starts_at_the_row_it_names(tmp_path: Path) -> None:
    """From every row's position, reading gives exactly the rows from there on (across
    batches and row groups)."""
    rows = BATCH_ROWS + 40
    path = tmp_path / "many.parquet"
    texts = [f"row {n}" for n in range(rows)]
    path.write_bytes(parquet_bytes({"text": texts}, rows_per_group=BATCH_ROWS // 2 + 7))
    whole = list(read([str(path)]))
    for index in (0, 1, 5, BATCH_ROWS // 2 + 6, BATCH_ROWS // 2 + 7, BATCH_ROWS + 3, rows - 1):
        start = Position.of(whole[index].source)
        assert start is not None
        items = read_marked([str(path)], start=start)
        resumed = [item for item in items if isinstance(item, Document | Drop)]
        assert resumed == whole[index:]


def test_a_pipe_cannot_give_a_parquet_file(tmp_path: Path) -> None:
    """Parquet is read from its end: from stdin it is one drop that says so."""
    data = parquet_bytes({"text": ["a", "b"]})
    (drop,) = read(["-"], stdin=io.BufferedReader(io.BytesIO(data)))  # type: ignore[arg-type]
    assert isinstance(drop, Drop) and drop.reason == "unreadable"
    assert "not a pipe" in drop.detail


#: Reads a Parquet file with ``read`` in a fresh process and prints the rows read and,
#: in KiB, how far above where it started (after a first small read has imported
#: everything) the resident memory and Arrow's allocations went while reading, sampled
#: every 100 rows: Arrow's buffers are C++ allocations, which tracemalloc does not see.
RSS_GROWTH = textwrap.dedent(
    """
    import os, sys
    import pyarrow
    from corpuskit.readers import read

    def resident():
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

    list(read([sys.argv[2]]))
    rss, arrow = resident(), pyarrow.total_allocated_bytes() // 1024
    count, rss_peak, arrow_peak = 0, rss, arrow
    for _ in read([sys.argv[1]]):
        count += 1
        if count % 100 == 0:
            rss_peak = max(rss_peak, resident())
            arrow_peak = max(arrow_peak, pyarrow.total_allocated_bytes() // 1024)
    print(count, rss_peak - rss, arrow_peak - arrow)
    """
)

#: Rows of the two files the memory test reads: eight times more in the large one.
SMALL, LARGE = 2_000, 16_000


def big_parquet(path: Path, rows: int) -> Path:
    """``rows`` rows of 2 KB of text each (cut from random letters at a different place
    in each row), 250 rows to a row group."""
    import random

    rng = random.Random(7)
    letters = "".join(rng.choices("abcdefghij klmnopqrstuvwxyz", k=4096))
    texts = [f"row {n}: {letters[n % 2048 : n % 2048 + 2048]}" for n in range(rows)]
    path.write_bytes(parquet_bytes({"text": texts, "n": list(range(rows))}, rows_per_group=250))
    return path


def test_memory_stays_flat_however_large_the_file(tmp_path: Path) -> None:
    """Eight times the rows (32 MB of pages against 4 MB, were they read whole) cost
    about the same memory: the peak grows with a row group and a batch of rows, never
    with the file. Measured as the peak RSS growth of a process reading each file (Arrow's
    buffers) and the tracemalloc peak here (Python's objects), each a ratio of the two
    sizes."""
    small = big_parquet(tmp_path / "small.parquet", SMALL)
    large = big_parquet(tmp_path / "large.parquet", LARGE)
    warm = tmp_path / "warm.parquet"
    warm.write_bytes(parquet_bytes({"text": ["warm up"]}))
    rss, arrow = {}, {}
    for path in (small, large):
        command = [sys.executable, "-c", RSS_GROWTH, str(path), str(warm)]
        run = subprocess.run(command, capture_output=True, check=True, text=True)
        count, rss[path.name], arrow[path.name] = map(int, run.stdout.split())
        assert count == (SMALL if path is small else LARGE)
    # Read whole, the large file's pages alone would be 32 MB, 8 times the small one's.
    # Arrow holds one row group (about 0.5 MB here) either way; the resident memory may
    # also keep what the allocator has not given back (a few MB, whatever the size).
    assert arrow["large.parquet"] <= 1.25 * arrow["small.parquet"], arrow
    assert rss["large.parquet"] < 2 * rss["small.parquet"] + 8 * 1024, rss
    peaks = {}
    for path in (small, large):
        tracemalloc.start()
        for _ in read([str(path)]):
            pass
        peaks[path.name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peaks["large.parquet"] < 1.5 * peaks["small.parquet"], peaks


def test_a_row_is_held_to_the_limits_of_a_jsonl_line(tmp_path: Path) -> None:
    """Too long as JSON: ``too_large``; nested too deep: ``too_deep``; the rows after
    them are read, and each drop keeps the row's id."""
    path = tmp_path / "limits.parquet"
    columns = {
        "id": ["long", "deep", "fine"],
        "text": ["x" * 5000, "short", "short too"],
        "v": [None, [[1, 2], [3]], None],  # a row with a list of lists: 3 levels
    }
    path.write_bytes(parquet_bytes(columns))
    limits = Limits(max_line_bytes=4096, max_json_depth=2)
    long, deep, fine = read([str(path)], limits=limits)
    assert isinstance(long, Drop) and long.reason == "too_large" and long.id == "long"
    assert "Limits(max_line_bytes=...)" in long.detail
    assert isinstance(deep, Drop) and deep.reason == "too_deep" and deep.id == "deep"
    assert isinstance(fine, Document) and fine.id == "fine"
