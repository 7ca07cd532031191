"""Shared test helpers: real documents from strings, the seed pages, the benchmark pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from corpuskit.document import Document, Source, make_document, sha256_hex

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CASES = Path(__file__).resolve().parent / "cases"
SHARED = ROOT.parent / "shared"
BENCH_PAGES = SHARED / "bench" / "traf-dev" / "pages"


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
    return sorted((FIXTURES / "pages").glob("*.txt"))


def bench_sample(folder: Path, texts: int, pages: int = 0) -> list[Path]:
    """A small real corpus in ``folder``: ``texts`` text and ``pages`` HTML benchmark
    pages (the first in name order), the two seed pages, and ``menu.txt``, a page of
    nothing but furniture that the default pipeline rejects (``drop_empty``)."""
    folder.mkdir(parents=True, exist_ok=True)
    chosen = sorted(BENCH_PAGES.glob("*.txt"))[:texts]
    chosen += sorted(BENCH_PAGES.glob("*.html.gz"))[:pages] + seed_pages()
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
