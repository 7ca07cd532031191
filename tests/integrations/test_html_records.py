"""Records whose field holds a page's HTML, with their own ids and URLs: ``corpuskit
clean`` reads them (``content``, ``id_field``, ``url_field``), and ``clean_records``,
a Hugging Face ``map`` and the datatrove step give the same records."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import corpuskit
from corpuskit.cli import app
from corpuskit.document import FIELDS
from corpuskit.errors import InputError
from corpuskit.recipes.compose import remove_duplicates

PROSE = [
    "The council met on Monday evening and voted to build a new bridge over the river, "
    "after two years of public hearings.",
    "Die Stadt baut eine neue Brücke über den Fluss, sagte der Bürgermeister am Montag "
    "nach der Sitzung des Rates.",
    "Le conseil municipal a voté lundi soir la construction d'un nouveau pont sur la "
    "rivière, après deux ans de consultations.",
]


def page(title: str, prose: str, canonical: str | None = None) -> str:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{link}</head><body>"
        f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><h1>{title}</h1>"
        f"<p>{prose}</p><footer>Contact us</footer></body></html>"
    )


#: Crawl records: the page in ``body``, the id in ``key``, the URL in ``address``.
RECORDS: list[dict[str, Any]] = [
    {"key": "k1", "address": "https://a.example/bridge", "body": page("Bridge", PROSE[0])},
    {"key": "k2", "address": "https://b.example/x?ref=1",
     "body": page("Brücke", PROSE[1], canonical="https://b.example/bruecke")},
    {"key": "k3", "address": "https://c.example/pont", "body": page("Pont", PROSE[2])},
    {"key": "k4", "address": "https://a.example/copy", "body": page("Bridge", PROSE[0])},
    {"key": "k5", "address": "https://a.example/none", "body": None},
]  # fmt: skip

#: How they are read, as options by name.
OPTIONS = {"text_field": "body", "id_field": "key", "url_field": "address"}


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """The records as a JSONL file, and what ``corpuskit clean --dedup exact`` writes."""
    folder = tmp_path_factory.mktemp("html_records")
    (folder / "in").mkdir()
    source = folder / "in" / "crawl.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    flags = [f"--{name.replace('_', '-')}={value}" for name, value in OPTIONS.items()]
    out = folder / "corpus.jsonl"
    args = ["clean", str(source), "-o", str(out), "--dedup", "exact", "-q", *flags]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return folder, [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_the_command_reads_html_ids_and_urls(cleaned: tuple[Path, list[dict[str, Any]]]) -> None:
    folder, corpus = cleaned
    assert [r["id"] for r in corpus] == ["k1", "k2", "k3"]
    assert [r["text"] for r in corpus] == PROSE
    assert [r["url"] for r in corpus] == [
        "https://a.example/bridge",
        "https://b.example/bruecke",  # the page's canonical URL wins
        "https://c.example/pont",
    ]
    assert corpus[1]["meta"] == {"address": "https://b.example/x?ref=1"}  # nothing is lost
    rejects = [json.loads(line) for line in (folder / "corpus.rejects.jsonl").open()]
    assert [(r["id"], r["reason"]) for r in rejects] == [
        ("k4", "duplicate"),
        ("k5", "text_not_string"),
    ]
    assert rejects[0]["detail"] == "duplicate of k1"


def test_clean_records_gives_the_same_records(cleaned: tuple[Path, list[dict[str, Any]]]) -> None:
    _, corpus = cleaned
    pipeline = remove_duplicates(corpuskit.default_pipeline())
    out = list(corpuskit.clean_records(RECORDS, pipeline, rejects="mark", **OPTIONS))
    kept = [r for r in out if not r.get("rejected")]
    for mine, theirs in zip(kept, corpus, strict=True):
        assert mine.pop("source")["format"] == "record"
        assert mine == {k: v for k, v in theirs.items() if k != "source"}
    assert [(r["id"], r["reason"]) for r in out if r.get("rejected")] == [
        ("k4", "duplicate"),
        ("k5", "text_not_string"),
    ]


def test_hf_map_gives_the_same_fields(cleaned: tuple[Path, list[dict[str, Any]]]) -> None:
    datasets = pytest.importorskip("datasets")
    hf = pytest.importorskip("corpuskit.integrations.hf")
    _, corpus = cleaned
    ds = datasets.Dataset.from_list(RECORDS)
    pipeline = remove_duplicates(corpuskit.default_pipeline())
    fn = hf.cleaner(pipeline, fit=ds, **OPTIONS)  # the rows: their ids and URLs
    out = ds.map(fn, batched=True, batch_size=2, features=fn.features(ds.features))
    kept = [row for row in out if row["reject_reason"] is None]
    assert [row["key"] for row in kept] == [r["id"] for r in corpus]
    for row, record in zip(kept, corpus, strict=True):
        assert row["body"] == record["text"]
        assert {k: row[k] for k in FIELDS if row[k] is not None} == {
            k: record[k] for k in FIELDS if k in record
        }
    assert [row["reject_reason"] for row in out][3:] == ["duplicate", "text_not_string"]
    assert out[3]["reject_detail"] == "duplicate of k1"
    pages_only = hf.cleaner(pipeline, fit=ds["body"], **OPTIONS)
    with pytest.raises(InputError, match="pass the rows"):
        ds.map(pages_only, batched=True)


def test_datatrove_step_gives_the_same_records(
    cleaned: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    executors = pytest.importorskip("datatrove.executor")
    readers = pytest.importorskip("datatrove.pipeline.readers")
    writers = pytest.importorskip("datatrove.pipeline.writers")
    from corpuskit.integrations.datatrove import CorpuskitStep

    _, corpus = cleaned
    usable = [r for r in RECORDS if r["body"] is not None]  # datatrove needs a text
    (tmp_path / "in").mkdir()
    lines = "".join(json.dumps(r) + "\n" for r in usable)
    (tmp_path / "in" / "crawl.jsonl").write_text(lines, encoding="utf-8")
    pipeline = remove_duplicates(corpuskit.default_pipeline())
    reader = readers.JsonlReader(str(tmp_path / "in"), text_key="body", id_key="key")
    step = CorpuskitStep(pipeline, url_field="address")
    executors.LocalPipelineExecutor(
        [reader, step, writers.JsonlWriter(str(tmp_path / "out"))],
        tasks=1,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    files = sorted((tmp_path / "out").glob("*.jsonl.gz"))
    out = [
        json.loads(line)
        for file in files
        for line in gzip.decompress(file.read_bytes()).splitlines()
    ]
    assert [doc["id"] for doc in out] == [r["id"] for r in corpus]
    for doc, record in zip(out, corpus, strict=True):
        assert doc["text"] == record["text"]
        assert {k: doc["metadata"][k] for k in FIELDS if k in record} == {
            k: record[k] for k in FIELDS if k in record
        }
