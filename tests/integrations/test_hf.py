"""Hugging Face datasets: real ``corpuskit clean`` output loads with its true types, and a
``Dataset.map`` over benchmark pages gives what the command line gives."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path
from typing import Any

import pytest
import zstandard
from typer.testing import CliRunner

from corpuskit.cli import app
from corpuskit.document import FIELDS
from corpuskit.errors import InputError
from corpuskit.steps.repeated import MIN_RUN_PAGES
from tests.conftest import bench_sample

datasets = pytest.importorskip("datasets")
hf = pytest.importorskip("corpuskit.integrations.hf")


def clean(*args: str) -> None:
    """The command line, its copies kept (a map cleans each record alone)."""
    result = CliRunner().invoke(app, ["clean", *args, "-q", "--dedup", "off"])
    assert result.exit_code in (0, 1), result.output


def jsonl(path: Path) -> list[dict[str, Any]]:
    data = path.read_bytes()
    if path.suffix == ".zst":
        data = zstandard.ZstdDecompressor().stream_reader(data).read()
    elif path.suffix == ".gz":
        data = gzip.decompress(data)
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def same(loaded: Any, written: Any) -> bool:
    """Equal, but for floats inside ``Json`` columns: datasets decodes those with
    pandas' ujson, which is not exact in the last bit (-1.602 -> -1.6019999999999999)."""
    if isinstance(written, float):
        return isinstance(loaded, float) and math.isclose(loaded, written, rel_tol=1e-12)
    if isinstance(written, dict):
        return (
            isinstance(loaded, dict)
            and loaded.keys() == written.keys()
            and all(same(loaded[k], v) for k, v in written.items())
        )
    if isinstance(written, list):
        return (
            isinstance(loaded, list)
            and len(loaded) == len(written)
            and all(same(a, b) for a, b in zip(loaded, written, strict=True))
        )
    return type(loaded) is type(written) and loaded == written


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``corpuskit clean`` over text and HTML benchmark pages: a file, an audited file
    and shards."""
    folder = tmp_path_factory.mktemp("hf")
    bench_sample(folder / "pages", texts=8, pages=4)
    clean(str(folder / "pages"), "-o", str(folder / "corpus.jsonl"))
    clean(str(folder / "pages"), "-o", str(folder / "audit.jsonl.gz"), "--audit")
    clean(str(folder / "pages"), "-o", str(folder / "out") + "/", "--shard-size", "4")
    clean(str(folder / "pages"), "-o", str(folder / "corpus.parquet"))
    parquet_shards = ["--shard-size", "4", "--shard-format", "parquet"]
    clean(str(folder / "pages"), "-o", str(folder / "parquet") + "/", *parquet_shards)
    return folder


@pytest.mark.parametrize("output", ["corpus.jsonl", "audit.jsonl.gz", "out"])
def test_corpus_loads_with_its_types_and_values(run: Path, output: str) -> None:
    path = run / output
    files = sorted(path.glob("part-*")) if path.is_dir() else [path]
    records = [record for file in files for record in jsonl(file)]
    assert len(files) > 1 or output != "out"
    ds = hf.load_corpus(str(path))
    assert ds.features == hf.features()
    assert ds.features["published"] == datasets.Value("string")
    assert ds.num_rows == len(records) == 14
    for row, record in zip(ds, records, strict=True):
        assert set(record) <= set(row)
        assert all(row[key] is None for key in set(row) - set(record))
        assert same({key: row[key] for key in record}, record), record["id"]
    published = [r["published"] for r in records if "T" in r.get("published", "")]
    assert published and published == [r for r in ds["published"] if r and "T" in r]


@pytest.mark.parametrize("output", ["corpus.parquet", "parquet"])
def test_a_parquet_corpus_loads_as_its_jsonl_twin(run: Path, output: str) -> None:
    """A Parquet corpus, or a folder of Parquet shards, loads with the same types and
    rows as the JSONL corpus of the same run."""
    ds = hf.load_corpus(str(run / output))
    assert ds.features == hf.features()
    assert ds.to_list() == hf.load_corpus(str(run / "corpus.jsonl")).to_list()


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, list[dict[str, Any]], Path]:
    """The text pages as a dataset, and ``corpuskit clean``'s records for them: enough
    pages (``repeated_lines.MIN_RUN_PAGES``) for the corpus step to remove lines."""
    folder = tmp_path_factory.mktemp("map")
    pages = bench_sample(folder / "pages", texts=MIN_RUN_PAGES)
    clean(str(folder / "pages"), "-o", str(folder / "corpus.jsonl"))
    rows = [{"name": p.name, "text": p.read_text(encoding="utf-8")} for p in pages]
    return datasets.Dataset.from_list(rows), jsonl(folder / "corpus.jsonl"), folder


def test_map_equals_the_command_line(texts: tuple[Any, list[dict[str, Any]], Path]) -> None:
    ds, records, folder = texts
    fn = hf.cleaner(fit=ds["text"])
    out = ds.map(fn, batched=True, batch_size=3, num_proc=2, features=fn.features(ds.features))
    assert out.num_rows == ds.num_rows
    kept = [row for row in out if row["reject_reason"] is None]
    assert [row["name"] for row in kept] == [r["source"]["path"].split("/")[-1] for r in records]
    for row, record in zip(kept, records, strict=True):
        assert row["text"] == record["text"]
        assert {k: row[k] for k in FIELDS if row[k] is not None} == {
            k: record[k] for k in FIELDS if k in record
        }
        assert row["meta"] == record["meta"]
        assert row["provenance"] == record["provenance"]  # corpus steps fitted: same edits
    assert any(e["step"] == "repeated_lines" for r in records for e in r["provenance"]["edits"])
    [menu] = [row for row in out if row["name"] == "menu.txt"]
    [reject] = jsonl(folder / "corpus.rejects.jsonl")
    assert (menu["text"], menu["provenance"]) == ("", None)
    assert (menu["reject_step"], menu["reject_reason"]) == (reject["step"], reject["reason"])


def test_map_can_drop_rejects(texts: tuple[Any, list[dict[str, Any]], Path]) -> None:
    ds, records, _ = texts
    fn = hf.cleaner(fit=ds["text"], rejects="drop", prefix="ck_")
    out = ds.map(fn, batched=True, batch_size=4)
    assert out.num_rows == len(records) == ds.num_rows - 1
    assert out["text"] == [r["text"] for r in records]
    assert out["ck_title"] == [r.get("title") for r in records]
    assert [json.loads(p) for p in out["ck_provenance"]] == [r["provenance"] for r in records]
    assert set(out["ck_reject_reason"]) == {None}
    with pytest.raises(InputError, match="batched=True"):
        fn({"text": "Logo"})


def test_without_fit_corpus_steps_warn_and_change_nothing(
    texts: tuple[Any, list[dict[str, Any]], Path],
) -> None:
    ds = texts[0]
    with pytest.warns(UserWarning, match="repeated_lines must see the whole dataset"):
        fn = hf.cleaner()
    batch = fn(ds[:])  # the whole dataset in one batch: still not counted
    edits = [e for p in batch["provenance"] if p for e in json.loads(p)["edits"]]
    assert edits and "repeated_lines" not in {e["step"] for e in edits}
    assert fn(ds[0])["text"] == batch["text"][0]  # one example, unbatched


def test_html_column(run: Path) -> None:
    pages = sorted((run / "pages").glob("*.html.gz"))
    records = [r for r in jsonl(run / "corpus.jsonl") if r["source"]["format"] == "html"]
    ds = datasets.Dataset.from_list([{"html": gzip.decompress(p.read_bytes())} for p in pages])
    fn = hf.cleaner(text_field="html", format="html", fit=ds["html"])
    out = ds.map(fn, batched=True, features=fn.features(ds.features))  # bytes in, text out
    assert out["html"] == [r["text"] for r in records]
    assert out["url"] == [r.get("url") for r in records]
    assert out["meta"] == [r["meta"] for r in records]


def test_missing_package_names_the_extra() -> None:
    from corpuskit.integrations import require

    with pytest.raises(ImportError, match=r"pip install 'corpuskit\[hf\]'"):
        require("corpuskit_not_installed", "hf")


def test_plain_load_dataset_gets_all_but_published_right(run: Path) -> None:
    """Why ``load_corpus`` exists: ``load_dataset("json")`` infers ``Json`` for the
    objects (datasets >= 4.7) but parses ``published`` as a timestamp, in UTC."""
    records = jsonl(run / "corpus.jsonl")
    ds = datasets.load_dataset("json", data_files=str(run / "corpus.jsonl"), split="train")
    assert ds.features["published"] == datasets.Value("timestamp[s]")
    for row, record in zip(ds, records, strict=True):
        rest = {k: v for k, v in record.items() if k != "published"}
        assert same({k: row[k] for k in rest}, rest), record["id"]
