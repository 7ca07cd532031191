"""exact_duplicates: the first page with a text is kept, in input order, however the
states are counted and merged; the others are rejected as ``duplicate`` of it."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.api import clean_files
from corpuskit.document import Document, Drop
from corpuskit.pipeline import Pipeline
from corpuskit.recipes.compose import remove_duplicates
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.run.passes import fit_corpus_steps
from corpuskit.steps.duplicates import ExactDuplicates, FirstPages, text_hash
from tests.conftest import bench_pages, doc_from, needs_bench, seed_pages

ARTICLE = "Der Gemeinderat hat am Montag den neuen Haushalt beschlossen.\n\nEr gilt ab Mai."


def test_copies_go_with_the_id_of_the_first() -> None:
    docs = [
        doc_from(ARTICLE, "a.txt"),
        doc_from("Ein ganz anderer Text über Brücken.", "b.txt"),
        doc_from("DER GEMEINDERAT hat am Montag den neuen Haushalt beschlossen. Er gilt ab Mai."),
    ]
    fitted = fit_corpus_steps(Pipeline([ExactDuplicates()]), docs)
    results = [fitted(doc) for doc in docs]
    assert results[:2] == docs[:2], "kept pages are returned unchanged"
    drop = results[2]
    assert isinstance(drop, Drop)
    assert (drop.step, drop.reason) == ("exact_duplicates", "duplicate")
    assert drop.detail == f"duplicate of {docs[0].id}"
    assert drop.document is docs[2]


def test_punctuation_and_words_tell_texts_apart() -> None:
    assert text_hash("Er gilt ab Mai.") != text_hash("Er gilt ab Mai!")
    assert text_hash("Er gilt ab Mai.") != text_hash("Er gilt ab Juni.")
    assert text_hash("Er gilt\n\nab  Mai.") == text_hash("er gilt ab mai.")


def test_unfitted_step_changes_nothing() -> None:
    doc = doc_from(ARTICLE)
    assert ExactDuplicates()(doc) is doc


def kept_ids(texts_by_input: list[list[str]], order: list[int]) -> list[str]:
    """Count each input in its own state (as Ray's tasks do), merge in ``order``, and
    return the ids of the pages the fitted step keeps, in input order."""
    step = ExactDuplicates()
    docs = [
        [doc_from(text, f"in{i}/{n}.txt") for n, text in enumerate(texts)]
        for i, texts in enumerate(texts_by_input)
    ]
    states = []
    for index, input_docs in enumerate(docs):
        state = step.new_state()
        state.begin_input(index)
        for doc in input_docs:
            step.observe(doc, state)
        states.append(state)
    merged = step.new_state()
    for index in order:
        merged.merge(states[index])
    fitted = step.fitted(merged)
    return [d.id for input_docs in docs for d in input_docs if fitted(d) is d]


TEXTS = st.lists(st.lists(st.sampled_from(["a", "A ", "b", "c\n", "d"]), max_size=6), max_size=6)


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.randoms(use_true_random=False))
def test_one_page_per_text_the_first_in_input_order(
    texts_by_input: list[list[str]], rnd: random.Random
) -> None:
    order = list(range(len(texts_by_input)))
    rnd.shuffle(order)
    kept = kept_ids(texts_by_input, order)
    assert kept == kept_ids(texts_by_input, sorted(order)), "merge order changes nothing"
    flat = [
        (doc_from(t, f"in{i}/{n}.txt").id, " ".join(t.casefold().split()))
        for i, texts in enumerate(texts_by_input)
        for n, t in enumerate(texts)
    ]
    first: dict[str, str] = {}
    for page_id, key in flat:
        first.setdefault(key, page_id)
    assert kept == list(first.values()), "exactly one per text: the first"


def test_one_local_pass_counts_in_input_order() -> None:
    state = FirstPages()
    state.add(b"k", "first")
    state.add(b"k", "second")
    assert state.first[b"k"] == (0, 0, "first")


def test_memory_per_distinct_page_is_bounded() -> None:
    """The figure the module docstring states: about 300 bytes a distinct page."""
    step, state = ExactDuplicates(), FirstPages()
    pages = [doc_from(f"Seite {n}: {ARTICLE}", f"{n}.txt") for n in range(20_000)]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for doc in pages:
        step.observe(doc, state)
    per_page = (tracemalloc.get_traced_memory()[0] - before) / len(pages)
    tracemalloc.stop()
    assert 100 < per_page < 350, per_page  # 197 at 100,000 pages


def duplicate_inputs(folder: Path, pages: list[Path]) -> Path:
    """Real ``pages`` (two at least), and copies of some in later files and in a JSONL
    file (where two records are copies of one page); returns the folder."""
    folder.mkdir()
    for number, source in enumerate(pages):
        (folder / f"{number + 10:03d}_{source.name}").write_bytes(source.read_bytes())
    # an earlier file holds the page of file 011: that copy comes first, so it is kept
    (folder / "000_copy.txt").write_bytes(pages[1].read_bytes())
    (folder / "900_copy.txt").write_bytes(pages[0].read_bytes())
    text = pages[0].read_text(encoding="utf-8")
    lines = [{"text": text}, {"text": "Ein anderer Text."}, {"text": text}]
    (folder / "950_dump.jsonl").write_text(
        "".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8"
    )
    return folder


def every_25th() -> list[Path]:
    """Every 25th traf-dev text page; skips the test without traf-dev."""
    return bench_pages("*.txt")[::25]


@pytest.fixture(scope="module", params=["seeds", pytest.param("traf-dev", marks=needs_bench)])
def duplicated(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """The seed pages, or every 25th traf-dev page, with their copies."""
    pages = seed_pages() if request.param == "seeds" else every_25th()
    return duplicate_inputs(tmp_path_factory.mktemp("duplicates") / "inputs", pages)


def run(folder: Path, out: Path, **options: object) -> tuple[bytes, bytes]:
    rejects = out.with_name("rejects.jsonl")
    pipeline = remove_duplicates(default_pipeline())
    clean_files([str(folder)], str(out), rejects=str(rejects), pipeline=pipeline, **options)  # type: ignore[arg-type]
    return out.read_bytes(), rejects.read_bytes()


def check_duplicates(corpus: bytes, rejects: bytes) -> None:
    """The four copies rejected, each naming the first page with its text."""
    records = {
        Path(r["source"]["path"]).name[:3]: r["id"] for r in map(json.loads, corpus.splitlines())
    }
    drops = [json.loads(line) for line in rejects.splitlines()]
    duplicates = [d for d in drops if d["reason"] == "duplicate"]
    assert all(d["step"] == "exact_duplicates" for d in duplicates)
    found = [(Path(d["source"]["path"]).name[:3], d["detail"]) for d in duplicates]
    assert found == [
        ("011", f"duplicate of {records['000']}"),
        ("900", f"duplicate of {records['010']}"),
        ("950", f"duplicate of {records['010']}"),
        ("950", f"duplicate of {records['010']}"),
    ]


def test_serial_and_two_workers_keep_the_same_first_pages(duplicated: Path, tmp_path: Path) -> None:
    serial = run(duplicated, tmp_path / "w1" / "corpus.jsonl", workers=1)
    check_duplicates(*serial)
    assert run(duplicated, tmp_path / "w2" / "corpus.jsonl", workers=2) == serial


def test_it_goes_after_drop_empty_once() -> None:
    """Added by every run (dedup exact by default), not written in the recipe."""
    assert "exact_duplicates" not in default_pipeline().names
    pipeline = remove_duplicates(remove_duplicates(default_pipeline()))
    assert pipeline.names[-2:] == ("drop_empty", "exact_duplicates")


def cli_run(folder: Path, out: Path, *flags: str) -> tuple[bytes, bytes]:
    """``corpuskit clean FOLDER -o OUT --rejects ...`` in a new process; its files."""
    rejects = out.with_name("rejects.jsonl")
    command = [sys.executable, "-m", "corpuskit", "clean", str(folder), "-o", str(out)]
    done = subprocess.run(
        [*command, "--rejects", str(rejects), "-q", *flags], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return out.read_bytes(), rejects.read_bytes()


def test_the_command_line_drops_copies_by_default(duplicated: Path, tmp_path: Path) -> None:
    """No flag: the copies go where records are written, as with --dedup exact (any
    workers); --dedup off keeps every copy."""
    default = cli_run(duplicated, tmp_path / "default" / "corpus.jsonl")
    check_duplicates(*default)
    exact = cli_run(duplicated, tmp_path / "w2" / "c.jsonl", "--dedup", "exact", "--workers", "2")
    assert exact == default
    kept, rejects = cli_run(duplicated, tmp_path / "off" / "corpus.jsonl", "--dedup", "off")
    assert b'"duplicate"' not in rejects
    assert len(kept.splitlines()) == len(default[0].splitlines()) + 4


def test_a_cleaned_page_is_compared_as_cleaned(duplicated: Path) -> None:
    """Two copies of one page with different furniture are one text once cleaned."""
    [page] = [p for p in sorted(duplicated.glob("01*.txt"))][:1]
    raw = page.read_text(encoding="utf-8")
    docs: list[Document] = [
        doc_from(raw, "a.txt"),
        doc_from("Dark Mode\nAdvertisement\n" + raw + "\nShare\n", "b.txt"),
    ]
    fitted = fit_corpus_steps(remove_duplicates(default_pipeline()), docs)
    first, second = fitted(docs[0]), fitted(docs[1])
    assert isinstance(first, Document)
    assert isinstance(second, Drop) and second.reason == "duplicate", second
