"""The datatrove step in a real LocalPipelineExecutor run, and the function interface
``clean_records``, both compared with ``corpuskit clean`` over the same JSONL records."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import corpuskit
from corpuskit.cli import app
from corpuskit.document import FIELDS, Drop
from tests.conftest import bench_sample


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """A JSONL input of benchmark pages (with their own ids and a ``site`` field) and
    the corpus ``corpuskit clean`` writes for it; ``menu`` is rejected."""
    folder = tmp_path_factory.mktemp("records")
    pages = bench_sample(folder / "pages", texts=4)
    lines = [
        {"id": p.name.split(".")[0], "text": p.read_text(encoding="utf-8"), "site": "bench"}
        for p in pages
    ]
    (folder / "in").mkdir()
    source = folder / "in" / "pages.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    out = folder / "corpus.jsonl"
    args = ["clean", str(source), "-o", str(out), "-q", "--dedup", "off"]  # as the step
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output  # menu is a reject: a normal outcome
    corpus = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return folder, corpus


def test_clean_records_equals_the_command_line(
    records: tuple[Path, list[dict[str, Any]]],
) -> None:
    folder, corpus = records
    lines = (folder / "in" / "pages.jsonl").read_text(encoding="utf-8").splitlines()
    drops: list[Drop] = []
    out = list(corpuskit.clean_records(map(json.loads, lines), on_reject=drops.append))
    assert [r["id"] for r in out] == [r["id"] for r in corpus]
    for mine, theirs in zip(out, corpus, strict=True):
        assert mine.pop("source")["format"] == "record"
        assert mine == {k: v for k, v in theirs.items() if k != "source"}
    assert [(d.id, d.step, d.reason) for d in drops] == [("menu", "drop_empty", "empty")]


def test_clean_records_can_mark_rejects() -> None:
    given = [{"text": "Logo\nMenu"}, {"id": 3, "text": "The council met and voted on Monday."}]
    marked = list(corpuskit.clean_records(given, rejects="mark"))
    assert [r.get("rejected") for r in marked] == [True, None]
    assert (marked[0]["step"], marked[0]["reason"]) == ("drop_empty", "empty")
    assert marked[1]["id"] == "3" and "provenance" in marked[1]
    with pytest.raises(corpuskit.InputError, match="rejects mode"):
        list(corpuskit.clean_records(given, rejects="keep"))  # type: ignore[arg-type]


def test_datatrove_step_in_a_local_executor(
    records: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    executor_module = pytest.importorskip("datatrove.executor")
    readers = pytest.importorskip("datatrove.pipeline.readers")
    writers = pytest.importorskip("datatrove.pipeline.writers")
    from corpuskit.integrations.datatrove import CorpuskitStep

    folder, corpus = records
    step = CorpuskitStep(exclusion_writer=writers.JsonlWriter(str(tmp_path / "excluded")))
    executor = executor_module.LocalPipelineExecutor(
        [
            readers.JsonlReader(str(folder / "in")),
            step,
            writers.JsonlWriter(str(tmp_path / "out")),
        ],
        tasks=1,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    )
    executor.run()
    out = [json.loads(line) for line in _lines(tmp_path / "out")]
    assert [doc["id"] for doc in out] == [r["id"] for r in corpus]
    for doc, record in zip(out, corpus, strict=True):
        assert doc["text"] == record["text"]
        metadata = doc["metadata"]
        assert {k: metadata[k] for k in FIELDS if k in metadata} == {
            k: record[k] for k in FIELDS if k in record
        }
        assert metadata["provenance"] == record["provenance"]  # one task: corpus steps too
        assert metadata["site"] == "bench"
    [excluded] = [json.loads(line) for line in _lines(tmp_path / "excluded")]
    assert excluded["id"] == "menu"
    assert excluded["metadata"]["filter_reason"] == "empty"
    assert excluded["metadata"]["reject_step"] == "drop_empty"
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text(encoding="utf-8"))
    [ours] = [s["stats"] for s in stats if "corpuskit" in s["name"]]
    assert ours["dropped"] == ours["dropped_empty"] == 1
    assert ours["forwarded"] == len(corpus)


def _lines(folder: Path) -> list[str]:
    return [line for file in sorted(folder.glob("*.jsonl.gz")) for line in gzip.open(file, "rt")]
