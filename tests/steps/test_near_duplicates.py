"""near_duplicates: copies of real pages as a crawl meets them are found, other pages
are not, and the kept page is the first in input order however states are merged."""

from __future__ import annotations

import json
import random
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest

from corpuskit.api import clean_documents, clean_files
from corpuskit.document import Document, Drop
from corpuskit.pipeline import Pipeline
from corpuskit.readers import read
from corpuskit.recipes.compose import remove_near_duplicates
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.run.passes import fit_corpus_steps
from corpuskit.steps.near_duplicates import NearDuplicates, shingle_hashes
from tests.conftest import bench_pages, doc_from, seed_pages

pytest.importorskip("numpy")


def seed_texts() -> list[str]:
    return [page.read_text(encoding="utf-8") for page in seed_pages()]


def test_a_truncated_copy_goes_with_the_first_page_named() -> None:
    first, other = seed_texts()
    lines = first.split("\n")
    docs = [
        doc_from(first, "a.txt"),
        doc_from(other, "b.txt"),
        doc_from("\n".join(lines[: len(lines) * 9 // 10]), "c.txt"),
    ]
    fitted = fit_corpus_steps(Pipeline([NearDuplicates()]), docs)
    assert fitted(docs[0]) is docs[0] and fitted(docs[1]) is docs[1]
    drop = fitted(docs[2])
    assert isinstance(drop, Drop)
    assert (drop.step, drop.reason) == ("near_duplicates", "near_duplicate")
    assert drop.detail.startswith(f"near duplicate of {docs[0].id} (similarity 0.")


def test_signatures_are_stable_and_estimate_similarity() -> None:
    step = NearDuplicates()
    text = seed_texts()[0]
    assert step.signature(text) == NearDuplicates().signature(text)
    assert step.signature(text) == step.signature(text.upper().replace("\n", "  \n "))
    assert len(step.signature(text)) == 4 * step.permutations
    assert len(shingle_hashes("", 5)) == 1, "an empty page is one (empty) shingle"


def test_merge_order_changes_nothing() -> None:
    """Each input counted in its own state (as Ray's tasks do), merged in any order."""
    first, other = seed_texts()
    inputs = [[first, other], [first[: len(first) * 9 // 10]], [other + "\nTeilen"], [first]]
    step = NearDuplicates()
    states = []
    for index, texts in enumerate(inputs):
        state = step.new_state()
        state.begin_input(index)
        for number, text in enumerate(texts):
            step.observe(doc_from(text, f"{index}/{number}.txt"), state)
        states.append(state)
    results = set()
    for seed in range(6):
        order = list(range(len(states)))
        random.Random(seed).shuffle(order)
        merged = step.new_state()
        for index in order:
            merged.merge(states[index])
        results.add(tuple(sorted(step.clusters(merged).items())))
    [clusters] = results
    kept = {doc_from(first, "0/0.txt").id, doc_from(other, "0/1.txt").id}
    assert len(clusters) == 3 and {k for _, (k, _) in clusters} == kept


def test_memory_per_page_is_the_signature_and_little_more() -> None:
    step, state = NearDuplicates(), NearDuplicates().new_state()
    text = seed_texts()[0]
    docs = [doc_from(f"{n} {text}", f"{n}.txt") for n in range(2000)]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for doc in docs:
        step.observe(doc, state)
    per_page = (tracemalloc.get_traced_memory()[0] - before) / len(docs)
    tracemalloc.stop()
    # 861 bytes at 5,000 pages: the 512-byte signature and its bytes object, the id,
    # the tuple and its integers, the list's slot
    assert 4 * step.permutations < per_page < 4 * step.permutations + 450, per_page


def crawl_copies(folder: Path, every: int) -> dict[str, str]:
    """Real benchmark pages and three copies of every ``every``-th (another page's
    furniture around it; cut after 80% of its lines; Windows-1252 with CRLF), named
    to come after their original; returns file name -> family. Skips the calling test
    without traf-dev."""
    pages = bench_pages("*.txt")[::every]
    folder.mkdir()
    family = {}
    for number, page in enumerate(pages):
        raw = page.read_bytes()
        lines = raw.decode("utf-8").split("\n")
        furniture = pages[(number + 1) % len(pages)].read_text(encoding="utf-8").split("\n")
        copies = {
            "junk": "\n".join(furniture[:15] + lines + furniture[-15:]).encode("utf-8"),
            "truncated": "\n".join(lines[: len(lines) * 8 // 10]).encode("utf-8"),
            "reencoded": "\r\n".join(lines).encode("cp1252", errors="replace"),
        }
        (folder / page.name).write_bytes(raw)
        family[page.name] = page.stem
        if number % 2 == 0:
            for kind, data in copies.items():
                (folder / f"{page.stem}~{kind}.txt").write_bytes(data)
                family[f"{page.stem}~{kind}.txt"] = page.stem
    return family


def test_copies_of_real_pages_found_with_any_worker_count(tmp_path: Path) -> None:
    family = crawl_copies(tmp_path / "inputs", every=30)
    pipeline = remove_near_duplicates(default_pipeline())
    outputs = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}" / "corpus.jsonl"
        rejects = out.with_name("rejects.jsonl")
        clean_files(
            [str(tmp_path / "inputs")],
            str(out),
            rejects=str(rejects),
            pipeline=pipeline,
            workers=workers,
        )
        outputs.append((out.read_bytes(), rejects.read_bytes()))
    assert outputs[0] == outputs[1]
    corpus, rejects = outputs[0]
    # Decided where records are written (no pass), as a counting pass and fitted would.
    passed = clean_documents(read([str(tmp_path / "inputs")]), pipeline)
    by_pass = [(d.source.path, d.detail) for d in passed if isinstance(d, Drop)]
    written = [(r["source"]["path"], r["detail"]) for r in map(json.loads, rejects.splitlines())]
    assert by_pass == written
    names = {r["id"]: Path(r["source"]["path"]).name for r in map(json.loads, corpus.splitlines())}
    found = {}
    for drop in map(json.loads, rejects.splitlines()):
        if drop["reason"] in ("duplicate", "near_duplicate"):
            kept = drop["detail"].split(" of ")[1].split(" ")[0]
            found[Path(drop["source"]["path"]).name] = names[kept]
    assert all(family[name] == family[kept] for name, kept in found.items()), "precision 1"
    copies = [name for name in family if "~" in name]
    recall = sum(name in found for name in copies) / len(copies)
    assert recall >= 0.8, (recall, sorted(set(copies) - set(found)))


def test_default_pipeline_has_no_near_step_and_cli_adds_it(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from corpuskit.cli import app

    assert "near_duplicates" not in default_pipeline().names
    names = remove_near_duplicates(default_pipeline()).names
    assert names[-2:] == ("exact_duplicates", "near_duplicates")
    first = seed_pages()[0]
    (tmp_path / "a.txt").write_bytes(first.read_bytes())
    lines = first.read_text(encoding="utf-8").split("\n")
    shorter = [line for line in lines if line != max(lines, key=len)]  # a paragraph less
    (tmp_path / "b.txt").write_text("\n".join(shorter), encoding="utf-8")
    out = tmp_path / "out" / "corpus.jsonl"
    args = ["clean", str(tmp_path / "*.txt"), "-o", str(out)]
    assert CliRunner().invoke(app, args).exit_code == 0, "exact only: both kept"
    near = CliRunner().invoke(app, [*args, "--dedup", "near"])
    assert near.exit_code == 0 and "near_duplicates: near_duplicate (1)" in near.stderr
    bad = CliRunner().invoke(app, [*args, "--dedup", "near", "--near-threshold", "2"])
    assert bad.exit_code == 2


def test_unfitted_step_changes_nothing() -> None:
    doc = doc_from(seed_texts()[0])
    assert NearDuplicates()(doc) is doc
    assert replace(NearDuplicates(), kept_as={})(doc) is doc
    assert isinstance(NearDuplicates()(doc), Document)
