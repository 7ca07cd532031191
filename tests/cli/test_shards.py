"""Sharded output: -o out/ writes part-00000.jsonl.zst and on, read back as JSONL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpuskit.api import clean_files
from corpuskit.cli import app
from corpuskit.errors import InputError
from corpuskit.readers import read
from corpuskit.writers import Shards
from tests.conftest import bench_pages, seed_pages

runner = CliRunner()


@pytest.fixture(scope="module")
def pages() -> list[str]:
    """The first 25 traf-dev text pages: seven shards of four; skips without traf-dev."""
    return [str(p) for p in bench_pages("*.txt")[:25]]


@pytest.mark.parametrize("compression", ["zst", "gz", "none"])
def test_shards_hold_the_corpus_in_order(
    pages: list[str], tmp_path: Path, compression: str
) -> None:
    single = tmp_path / "single.jsonl"
    clean_files(pages, str(single))
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "clean",
            *pages,
            "-o",
            f"{out}/",
            "--shard-size",
            "4",
            "--shard-compression",
            compression,
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    suffix = {"zst": ".jsonl.zst", "gz": ".jsonl.gz", "none": ".jsonl"}[compression]
    names = sorted(p.name for p in out.iterdir())
    expected = (len(pages) + 3) // 4
    assert names == [f"part-{n:05d}{suffix}" for n in range(expected)]
    back = [doc.meta for doc in read([str(out)], text_field="text")]
    assert [m["source"]["path"] for m in back] == pages  # read back in order, all of them
    lines = single.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [d.id for d in read([str(out)])]
    manifest = json.loads((tmp_path / "out.manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"] == [str(out / name) for name in names]
    assert (tmp_path / "out.rejects.jsonl").exists() and not (tmp_path / "out.partial").exists()


def test_an_empty_corpus_is_one_empty_shard(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    clean_files([str(empty)], Shards(str(tmp_path / "out")))
    assert [p.read_bytes() for p in (tmp_path / "out").iterdir()] != []
    assert list(read([str(tmp_path / "out")])) == []


def test_a_folder_with_files_is_refused_before_the_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["clean", *map(str, seed_pages()), "-o", str(out)])
    assert result.exit_code == 2 and "not empty" in result.stderr
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert not (tmp_path / "out.partial").exists(), "refused before the run started"
    with pytest.raises(InputError):
        Shards(str(out), size=0)
