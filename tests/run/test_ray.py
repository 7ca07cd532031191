"""The Ray executor on a local Ray: the local executor's output, byte for byte."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corpuskit.api import clean_files
from corpuskit.recipes.compose import remove_duplicates
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.run.local import LocalExecutor
from corpuskit.run.ray import RayExecutor
from tests import hostile
from tests.conftest import bench_pages
from tests.steps.test_duplicates import check_duplicates, duplicate_inputs, every_25th
from tests.steps.test_near_duplicates import crawl_copies

ray = pytest.importorskip("ray")

#: The executors compared, by the name ``--executor`` gives them.
EXECUTORS = {"local": LocalExecutor(), "ray": RayExecutor()}


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough real pages for repeated_lines to count (it needs 20), JSONL and rejects:
    every 20th traf-dev page (skips without it)."""
    pages = bench_pages("*.txt")[::20]
    folder = tmp_path_factory.mktemp("ray") / "inputs"
    folder.mkdir()
    for number, source in enumerate(pages):
        (folder / f"{number:03d}_{source.name}").write_bytes(source.read_bytes())
    for case in (hostile.empty_files, hostile.binary_files, hostile.jsonl_records):
        case(folder)
    return folder


def test_ray_writes_what_the_local_executor_writes(
    local_ray: None, inputs: Path, tmp_path: Path
) -> None:
    files = {}
    for executor in ("local", "ray"):
        out = tmp_path / executor / "corpus.jsonl.gz"
        rejects = out.with_name("rejects.jsonl")
        report = clean_files(
            [str(inputs)], str(out), rejects=str(rejects), executor=EXECUTORS[executor], audit=True
        )
        files[executor] = (out.read_bytes(), rejects.read_bytes(), report.to_record())
    local, ray = files["local"], files["ray"]
    # rejects line by line first: a failure then shows the record that differs
    lines = zip(ray[1].splitlines(), local[1].splitlines(), strict=False)
    differ = [pair for pair in lines if len(set(pair)) > 1]
    assert not differ, differ[0]
    assert len(ray[1].splitlines()) == len(local[1].splitlines())
    assert ray[2] == local[2]
    assert ray[0] == local[0]
    report = files["ray"][2]
    assert report["lines_removed"].get("repeated_line", 0) > 0, "the corpus step counted"
    assert report["rejected"] > 0 and report["written"] > 30


def test_ray_keeps_the_first_copy_in_input_order(local_ray: None, tmp_path: Path) -> None:
    """Each input is counted in its own task; the merged states still name the first
    page with each text, as the local executor does."""
    folder = duplicate_inputs(tmp_path / "inputs", every_25th())
    outputs = {}
    for executor in ("local", "ray"):
        out = tmp_path / executor / "corpus.jsonl"
        rejects = out.with_name("rejects.jsonl")
        clean_files(
            [str(folder)],
            str(out),
            rejects=str(rejects),
            executor=EXECUTORS[executor],
            pipeline=remove_duplicates(default_pipeline()),
        )
        outputs[executor] = (out.read_bytes(), rejects.read_bytes())
    check_duplicates(*outputs["ray"])
    assert outputs["ray"] == outputs["local"]


def test_ray_finds_the_near_duplicates_the_local_executor_finds(
    local_ray: None, tmp_path: Path
) -> None:
    from corpuskit.recipes.compose import remove_near_duplicates
    from corpuskit.recipes.defaults import default_pipeline

    crawl_copies(tmp_path / "inputs", every=60)
    pipeline = remove_near_duplicates(default_pipeline())
    outputs = {}
    for executor in ("local", "ray"):
        out = tmp_path / executor / "corpus.jsonl"
        rejects = out.with_name("rejects.jsonl")
        clean_files(
            [str(tmp_path / "inputs")],
            str(out),
            rejects=str(rejects),
            executor=EXECUTORS[executor],
            pipeline=pipeline,
        )
        outputs[executor] = (out.read_bytes(), rejects.read_bytes())
    assert outputs["ray"] == outputs["local"]
    assert b"near_duplicate" in outputs["ray"][1]


def test_ray_refuses_standard_input(local_ray: None, tmp_path: Path) -> None:
    from corpuskit.errors import InputError

    with pytest.raises(InputError, match="standard input"):
        clean_files(["-"], str(tmp_path / "c.jsonl"), executor=RayExecutor())


def test_ray_reads_urls_as_the_local_executor_does(
    local_ray: None, inputs: Path, tmp_path: Path
) -> None:
    """Each Ray task opens its input through fsspec (``storage.open_url``), as the
    local executor does: a ``file://`` folder gives the same corpus on both."""
    written = {}
    for executor in ("local", "ray"):
        out = tmp_path / executor / "corpus.jsonl"
        clean_files([f"file://{inputs}/"], str(out), executor=EXECUTORS[executor])
        written[executor] = out.read_bytes()
    assert written["ray"] == written["local"]
    assert f'"path":"file://{inputs}/'.encode() in written["ray"]
