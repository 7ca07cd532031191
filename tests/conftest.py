"""Shared test helpers: real documents from strings, the seed pages, the benchmark pages.

The seed pages live in the repository (``fixtures/pages``): tests on them always run.
The dev sets live beside it, in ``../shared/bench`` (``CORPUSKIT_TEST_SHARED`` points
elsewhere: an empty folder runs the suite as a checkout without them). A test that reads
a dev set runs on a fixed choice of its pages or on all of them, or it is skipped and
says why: it never runs on whatever happens to be there. ``needs_bench`` marks such a
test, ``bench_pages`` skips the test or fixture that calls it, and ``bench_params``
parametrizes over pages (one skipped parameter, never none, when the set is absent).
Tests over a whole dev set are also marked ``bench``: ``pytest -m "not bench"`` leaves
them out of a quick run.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from corpuskit.document import Document, Source, make_document, sha256_hex

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CASES = Path(__file__).resolve().parent / "cases"
SHARED = Path(os.environ.get("CORPUSKIT_TEST_SHARED") or ROOT.parent / "shared")
BENCH = SHARED / "bench"
BENCH_PAGES = BENCH / "traf-dev" / "pages"

#: The dev sets and how many pages each has (``shared/bench/README.md``), each page as
#: ``<id>.txt`` and ``<id>.html.gz``, beside a ``gold.jsonl``.
DEV_SETS = {"traf-dev": 696, "dragnet-dev": 1002}

# No deadline for hypothesis examples: how long one takes is no test of ours (the
# machine is shared); linear work is proved by counts and ratios (see test_junk.py).
settings.register_profile("corpuskit", deadline=None)
settings.load_profile("corpuskit")


def absent(dev_set: str) -> str:
    """Why a test that reads ``dev_set`` cannot run here; "" when the set is all there."""
    folder, count = BENCH / dev_set, DEV_SETS[dev_set]
    names = os.listdir(folder / "pages") if (folder / "pages").is_dir() else []
    texts = sum(name.endswith(".txt") for name in names)
    pages = sum(name.endswith(".html.gz") for name in names)
    if texts == pages == count and (folder / "gold.jsonl").is_file():
        return ""
    found = f"{texts} text and {pages} HTML pages" if names else "nothing"
    return f"needs the {dev_set} benchmark ({count} pages) in {folder}; found {found}"


#: Why the traf-dev tests skip here ("" when they run).
NO_BENCH = absent("traf-dev")

#: Marks a test that reads traf-dev: skipped, saying why, when it is not all there.
needs_bench = pytest.mark.skipif(bool(NO_BENCH), reason=NO_BENCH)


def bench_pages(pattern: str = "*.txt", dev_set: str = "traf-dev") -> list[Path]:
    """The pages of ``dev_set`` whose names match ``pattern``, in name order.

    Call it in a test or a fixture: when the set is not all there, it skips that test
    (and every test using that fixture), saying why.
    """
    reason = absent(dev_set)
    if reason:
        pytest.skip(reason)
    return sorted((BENCH / dev_set / "pages").glob(pattern))


def bench_params(choose: Callable[[], list[Path]]) -> list[Any]:
    """Parameters for a test over the traf-dev pages ``choose`` picks, one per page.

    Without traf-dev, one parameter that is skipped and says why: the test is never
    silently left out. ``choose`` is called only when the benchmark is there.
    """
    if NO_BENCH:
        return [pytest.param(None, id="traf-dev", marks=needs_bench)]
    return [pytest.param(page, id=page.name.split(".")[0]) for page in choose()]


def cpu_seconds(work: Callable[[], object], repeats: int = 3) -> float:
    """The least CPU time this process spent on ``work()`` in ``repeats`` runs.

    For ratios measured in one test (the same work on inputs of two sizes), never for a
    bound in seconds: other processes on the machine do not count, and the least of a
    few runs leaves out pauses that are not the work's (garbage collection, a cold cache).
    """
    least = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        work()
        least = min(least, time.process_time() - start)
    return least


def load_cases(name: str) -> list[dict[str, Any]]:
    """The labelled cases of ``tests/cases/<name>.jsonl``."""
    lines = (CASES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def doc_from(text: str, path: str = "test.txt", **fields: Any) -> Document:
    """A Document as a reader would make it from ``text``."""
    source = Source(path, sha256=sha256_hex(text.encode("utf-8", "surrogatepass")))
    return make_document(text, source, **fields)


@pytest.fixture
def make_doc() -> Callable[..., Document]:
    return doc_from


def seed_pages() -> list[Path]:
    """The seed pages, in the repository (``fixtures/pages``)."""
    return sorted((FIXTURES / "pages").glob("*.txt"))


def bench_sample(folder: Path, texts: int, pages: int = 0) -> list[Path]:
    """A small real corpus in ``folder``: ``texts`` text and ``pages`` HTML benchmark
    pages (the first in name order), the two seed pages, and ``menu.txt``, a page of
    nothing but furniture that the default pipeline rejects (``drop_empty``). Skips the
    calling test or fixture without traf-dev."""
    folder.mkdir(parents=True, exist_ok=True)
    chosen = bench_pages("*.txt")[:texts] + bench_pages("*.html.gz")[:pages] + seed_pages()
    for page in chosen:
        (folder / page.name).write_bytes(page.read_bytes())
    (folder / "menu.txt").write_text("Logo\n\nMenu\nAdvertisement\n", encoding="utf-8")
    return sorted(folder.iterdir())


def run_job(
    executor: Any, inputs: list[str], pipeline: Any, **options: Any
) -> tuple[Any, Any, Any]:
    """Run ``executor`` over real ``inputs`` as ``clean_files`` does, into memory: the
    report and the corpus and rejects writers (``MemoryWriter``)."""
    from corpuskit.readers.options import ReadOptions
    from corpuskit.run.executor import Job
    from corpuskit.run.options import RunOptions
    from corpuskit.run.sink import Sink
    from corpuskit.writers import MemoryWriter

    read_names = set(ReadOptions.__dataclass_fields__)
    read = ReadOptions(**{k: v for k, v in options.items() if k in read_names})
    run = RunOptions(**{k: v for k, v in options.items() if k not in read_names})
    corpus, rejects = MemoryWriter(), MemoryWriter()
    job = Job(tuple(inputs), pipeline, read, run)
    report = executor.run(job, Sink(corpus, rejects, strict=run.strict))
    return report, corpus, rejects
