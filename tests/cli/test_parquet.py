"""Parquet on the command line, in its own process as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile import parquet_bytes

pq = pytest.importorskip("pyarrow.parquet")

#: A crawl dump as Parquet: the page in ``body``, beside columns the corpus keeps.
DUMP = {
    "body": [
        "Die Stadt baut eine neue Brücke über den Fluss, sagte der Bürgermeister.",
        "<!doctype html><title>Rathaus</title><nav>Start</nav><p>Das Rathaus ist "
        "am Montag wegen einer Feier geschlossen, teilte die Stadt mit.</p>",
        None,
    ],
    "url": ["https://stadt.example/bruecke", "https://stadt.example/rathaus", None],
    "crawled": ["2026-02-01", "2026-02-02", "2026-02-03"],
}


def corpuskit(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "corpuskit", *args]
    return subprocess.run(command, input=stdin, capture_output=True, timeout=300)


def test_parquet_in_parquet_out(tmp_path: Path) -> None:
    """The issue's command: every row a document or a reject, columns kept in meta."""
    data = tmp_path / "data.parquet"
    data.write_bytes(parquet_bytes(DUMP))
    out = tmp_path / "corpus.parquet"
    run = corpuskit("clean", str(data), "--text-field", "body", "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert b"warning" not in run.stderr
    assert b"pages: 3 read, 2 written, 1 rejected" in run.stderr
    rows = pq.read_table(out).to_pylist()
    assert [row["url"] for row in rows] == DUMP["url"][:2]
    assert [json.loads(row["meta"]) for row in rows] == [
        {"crawled": "2026-02-01"},
        {"crawled": "2026-02-02"},
    ]
    assert rows[1]["title"] == "Rathaus" and "Start" not in rows[1]["text"]
    assert [json.loads(row["source"])["line"] for row in rows] == [1, 2]
    (reject,) = (tmp_path / "corpus.rejects.jsonl").read_text().splitlines()
    assert json.loads(reject)["reason"] == "text_not_string"
    assert json.loads(reject)["source"]["line"] == 3


def test_parquet_shards(tmp_path: Path) -> None:
    data = tmp_path / "data.parquet"
    data.write_bytes(parquet_bytes(DUMP))
    out = tmp_path / "out"
    args = ["clean", str(data), "--text-field", "body", "-o", f"{out}/", "--shard-size", "1"]
    run = corpuskit(*args, "--shard-format", "parquet")
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.parquet", "part-00001.parquet"]
    manifest = json.loads((tmp_path / "out.manifest.json").read_text())
    assert manifest["outputs"] == [str(out / "part-00000.parquet"), str(out / "part-00001.parquet")]


def test_parquet_from_a_pipe_is_one_reject_that_says_why(tmp_path: Path) -> None:
    out = tmp_path / "c.jsonl"
    run = corpuskit("clean", "-", "-o", str(out), stdin=parquet_bytes(DUMP))
    assert run.returncode == 0, run.stderr
    (reject,) = (tmp_path / "c.rejects.jsonl").read_text().splitlines()
    assert json.loads(reject)["reason"] == "unreadable"
    assert "name the file, not a pipe" in json.loads(reject)["detail"]


def test_shard_options_are_checked_and_warned_about(tmp_path: Path) -> None:
    data = tmp_path / "data.parquet"
    data.write_bytes(parquet_bytes(DUMP))
    bad = corpuskit("clean", str(data), "-o", f"{tmp_path}/out/", "--shard-format", "csv")
    assert bad.returncode == 2 and bad.stderr.count(b"\n") == 1
    assert bad.stderr.startswith(b"error: --shard-format: jsonl, parquet, not 'csv'")
    unused = corpuskit(
        "clean", str(data), "-o", str(tmp_path / "c.jsonl"), "--shard-format", "parquet"
    )
    assert b"warning: --shard-format has no effect: -o names a file" in unused.stderr


def test_without_pyarrow_a_parquet_input_is_one_error_line(tmp_path: Path) -> None:
    """pyarrow is an extra: its absence (made here by blocking its import) is said once."""
    data = tmp_path / "data.parquet"
    data.write_bytes(parquet_bytes(DUMP))
    blocked = "import sys; sys.modules['pyarrow'] = None; from corpuskit.__main__ import main; "
    command = [sys.executable, "-c", blocked + "main()", "clean", str(data), "-o", "-"]
    run = subprocess.run(command, capture_output=True, timeout=300)
    assert run.returncode == 2, run.stderr
    assert run.stderr.decode().splitlines() == [
        "error: reading Parquet needs pyarrow: pip install 'corpuskit[parquet]'"
    ]


def test_explain_picks_a_row_of_a_parquet_input(tmp_path: Path) -> None:
    data = tmp_path / "data.parquet"
    data.write_bytes(parquet_bytes(DUMP))
    run = corpuskit("explain", str(data), "--text-field", "body", "--line", "2")
    assert run.returncode == 0, run.stderr
    assert run.stdout.decode().startswith(f"== {data}:2\n")
    assert "Das Rathaus ist am Montag" in run.stdout.decode()
    by_url = corpuskit("explain", str(data), "--text-field", "body", "--url", DUMP["url"][0])
    assert "neue Brücke" in by_url.stdout.decode()
