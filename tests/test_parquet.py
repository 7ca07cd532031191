"""Parquet output: the corpus's records, one row each, in one schema, read back exactly."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from corpuskit.api import clean_files
from corpuskit.errors import InputError
from corpuskit.parquet import COLUMNS, JSON_COLUMNS, ROW_GROUP_ROWS, columns
from tests import hostile
from tests.conftest import seed_pages

pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed pages, JSONL records and Parquet rows of every kind (rejects among them)."""
    folder = tmp_path_factory.mktemp("parquet") / "inputs"
    folder.mkdir()
    for page in seed_pages():
        (folder / page.name).write_bytes(page.read_bytes())
    hostile.jsonl_records(folder)
    hostile.parquet_files(folder)
    return folder


@pytest.fixture(scope="module")
def jsonl_corpus(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    out = tmp_path_factory.mktemp("jsonl") / "corpus.jsonl"
    clean_files([str(inputs)], str(out))
    return [orjson.loads(line) for line in out.read_bytes().splitlines()]


def as_records(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parquet rows back as the corpus records they were: JSON columns parsed, the
    columns a record left out (null) left out."""
    records = []
    for row in rows:
        record = {name: value for name, value in row.items() if value is not None}
        records.append({k: json.loads(v) if k in JSON_COLUMNS else v for k, v in record.items()})
    return records


def test_a_parquet_corpus_holds_the_jsonl_corpus_records(
    inputs: Path, jsonl_corpus: list[dict[str, Any]], tmp_path: Path
) -> None:
    out = tmp_path / "corpus.parquet"
    report = clean_files([str(inputs)], str(out), rejects=str(tmp_path / "rejects.jsonl"))
    table = pq.read_table(out)
    assert table.column_names == list(COLUMNS)
    assert {str(field.type) for field in table.schema} == {"string", "double"}
    assert as_records(table.to_pylist()) == jsonl_corpus
    assert report.written == len(jsonl_corpus) > 10
    parquet_rows = [r for r in jsonl_corpus if r["source"]["format"] == "parquet"]
    assert parquet_rows and all("row_group" in r["source"] for r in parquet_rows)
    assert not [name for name in os.listdir(tmp_path) if "corpuskit-tmp" in name]
    assert (tmp_path / "rejects.jsonl").read_bytes().count(b"bad_parquet") == 5


def test_datasets_reads_a_parquet_corpus(inputs: Path, tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    out = tmp_path / "corpus.parquet"
    clean_files([str(inputs)], str(out))
    loaded = datasets.load_dataset("parquet", data_files=str(out), split="train")
    assert loaded.column_names == list(COLUMNS)
    assert loaded.to_list() == pq.read_table(out).to_pylist()


def test_parquet_shards_cut_the_corpus_in_order(
    inputs: Path, jsonl_corpus: list[dict[str, Any]], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    clean_files([str(inputs)], f"{out}/", shard_size=4, shard_format="parquet")
    names = sorted(os.listdir(out))
    assert names == [f"part-{n:05d}.parquet" for n in range(len(names))]
    assert len(names) == -(-len(jsonl_corpus) // 4)
    rows = [row for name in names for row in pq.read_table(out / name).to_pylist()]
    assert as_records(rows) == jsonl_corpus
    assert pq.read_table(out).num_rows == len(jsonl_corpus)  # the folder reads as one table


def test_the_same_run_writes_the_same_bytes(inputs: Path, tmp_path: Path) -> None:
    """Twice in two processes (a fresh pyarrow each): byte for byte."""
    written = []
    for run in ("one", "two"):
        out = tmp_path / run / "corpus.parquet"
        command = [sys.executable, "-m", "corpuskit", "clean", str(inputs), "-o", str(out), "-q"]
        subprocess.run(command, check=True, capture_output=True)
        written.append(out.read_bytes())
    assert written[0] == written[1]


def test_an_empty_corpus_is_a_parquet_file_of_no_rows(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "corpus.parquet"
    report = clean_files([str(empty)], str(out))
    table = pq.read_table(out)
    assert report.written == 0 and table.num_rows == 0
    assert table.column_names == list(COLUMNS)


def test_row_groups_hold_a_bounded_number_of_rows(tmp_path: Path) -> None:
    """A reader holds one row group at a time: a big corpus is many of them."""
    source = tmp_path / "many.jsonl"
    lines = [
        orjson.dumps({"id": str(n), "text": f"Page number {n} says hello."}) for n in range(2500)
    ]
    source.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "corpus.parquet"
    clean_files([str(source)], str(out), dedup="off")
    metadata = pq.ParquetFile(out).metadata
    sizes = [metadata.row_group(n).num_rows for n in range(metadata.num_row_groups)]
    assert sum(sizes) == 2500 and max(sizes) == ROW_GROUP_ROWS


def test_a_record_field_without_a_column_is_an_error() -> None:
    with pytest.raises(InputError, match="parquet: no column for the record field 'extra'"):
        columns([b'{"id": "a", "text": "x", "extra": 1}'])


def test_the_report_counts_a_parquet_corpus_as_its_jsonl_twin(inputs: Path, tmp_path: Path) -> None:
    """``corpuskit report`` reads a Parquet corpus (a file, or a folder of shards) row by
    row: the same counts and sample as the JSONL corpus of the same run."""
    from corpuskit.reporting.stats import gather

    counted = {}
    for name in ("corpus.jsonl", "corpus.parquet", "shards/"):
        out = tmp_path / name
        rejects = str(tmp_path / f"{name.strip('/')}.rejects.jsonl")
        clean_files([str(inputs)], str(out), rejects=rejects, shard_size=3, shard_format="parquet")
        stats = gather(str(out), rejects)
        counted[name] = (stats.pages, dict(stats.malformed), stats.sample.pages())
    assert counted["corpus.parquet"] == counted["corpus.jsonl"] == counted["shards/"]
    assert counted["corpus.jsonl"][0] > 10


def test_parquet_in_and_out_of_an_object_store() -> None:
    """Through fsspec's memory file system: a Parquet input at a URL (read from its end
    through the store's seekable file), a Parquet corpus and Parquet shards uploaded."""
    fsspec = pytest.importorskip("fsspec")
    store = fsspec.filesystem("memory")
    data = hostile.parquet_bytes({"text": ["one page", "two pages", None], "k": [1, 2, 3]})
    store.pipe("memory://parquet-test/data.parquet", data)
    source = "memory://parquet-test/data.parquet"
    rejects = "memory://parquet-test/rejects.jsonl"
    clean_files([source], "memory://parquet-test/corpus.parquet", rejects=rejects)
    table = pq.read_table(io.BytesIO(store.cat("memory://parquet-test/corpus.parquet")))
    assert [json.loads(meta) for meta in table.column("meta").to_pylist()] == [{"k": 1}, {"k": 2}]
    assert b"text_not_string" in store.cat(rejects)
    shards = "memory://parquet-test/shards/"
    clean_files([source], shards, shard_format="parquet", shard_size=1, rejects=rejects)
    names = [name.rsplit("/", 1)[-1] for name in store.ls(shards, detail=False)]
    assert {"part-00000.parquet", "part-00001.parquet"} <= set(names)
