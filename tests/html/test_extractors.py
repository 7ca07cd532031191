"""The trafilatura extractor: trafilatura's text, our decoding, limits, metadata and filters.

Real traf-dev pages through the real readers, trafilatura and pipeline: the text a page
gets is trafilatura's, its fields are the ones our own extractor finds, the same filters
follow (the text line model, as for any page without a layout), and every record,
reject, run and manifest says which extractor made the text.
"""

from __future__ import annotations

import gzip
import json
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import XMLParsedAsHTMLWarning
from typer.testing import CliRunner

from corpuskit import Document, Drop, clean_documents, clean_files, default_pipeline, read
from corpuskit.cli import app
from corpuskit.errors import InputError
from corpuskit.explain import explain
from corpuskit.html import extract
from corpuskit.html.extractors import TRAFILATURA_INSTALL, TRAFILATURA_OPTIONS
from corpuskit.outputs import default_rejects
from corpuskit.readers import numbered_inputs
from corpuskit.readers.decode import normalize_newlines
from corpuskit.readers.html import read_html
from corpuskit.readers.limits import Limits
from corpuskit.readers.options import ReadOptions
from corpuskit.readers.text import decode_page
from corpuskit.run.cleaning import Outcome, Provenance
from corpuskit.run.ray import clean_input
from tests import warcs
from tests.conftest import bench_pages, bench_params

trafilatura = pytest.importorskip("trafilatura")


def handful() -> list[Path]:
    """A handful of traf-dev pages: German, English and French news, a blog, a shop page."""
    return bench_pages("*.html.gz")[:: 696 // 5][:5]


runner = CliRunner()


@pytest.fixture
def pages() -> list[Path]:
    """``handful()``; skips the test without traf-dev."""
    return handful()


@pytest.fixture(autouse=True)
def _quiet_bs4() -> Iterator[None]:
    with warnings.catch_warnings():  # XHTML parsed as HTML: noise here
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        yield


def page_bytes(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def trafilatura_alone(path: Path) -> str:
    """What trafilatura makes of the page, given the markup as corpuskit decodes it."""
    decoded = decode_page(path.name, page_bytes(path), "html")
    assert not isinstance(decoded, Drop)
    return normalize_newlines(trafilatura.extract(decoded[0], **TRAFILATURA_OPTIONS) or "")


def one(results: Iterator[Document | Drop]) -> Document:
    [doc] = list(results)
    assert isinstance(doc, Document)
    return doc


@pytest.mark.parametrize("path", bench_params(handful))
def test_the_text_is_trafilaturas_and_the_fields_are_ours(path: Path) -> None:
    ours = one(read([str(path)], format="html"))
    theirs = one(read([str(path)], format="html", extractor="trafilatura"))
    assert theirs.text == trafilatura_alone(path) != ""
    assert theirs.fields() == ours.fields()
    assert theirs.meta == ours.meta
    assert (theirs.source.extractor, ours.source.extractor) == ("trafilatura", None)
    assert theirs.source.parser == ours.source.parser == "bs4"
    assert theirs.source.sha256 == ours.source.sha256
    assert theirs.layout is None, "no layout: the text line model judges the page"


@pytest.mark.parametrize("path", bench_params(lambda: handful()[:3]))
def test_our_filters_follow_with_the_text_model(path: Path) -> None:
    doc = one(read([str(path)], format="html", extractor="trafilatura"))
    explanation = explain(doc, default_pipeline())
    assert [line.text for line in explanation.lines] == doc.text.split("\n")
    cleaned = explanation.result
    assert isinstance(cleaned, Document)
    kept = [line for line in explanation.lines if line.kept]
    assert len(kept) == cleaned.text.count("\n") + 1, "our filters only removed lines"
    judged = [line for line in explanation.lines if line.step == "classify_lines"]
    assert judged, "the line model removed lines here"
    assert all(not name.startswith("html_") for line in judged for name in line.features)
    assert cleaned.source.extractor == "trafilatura"


def test_a_page_where_trafilatura_finds_nothing_is_a_reject_that_says_so(
    pages: list[Path], tmp_path: Path
) -> None:
    """A real page's head and, for a body, a script (a page its JavaScript would fill):
    our metadata, no text, a reject that says why and which extractor."""
    raw = page_bytes(pages[0])
    shell = b"<body><script>render(document.body)</script></body></html>"
    headless = raw[: raw.lower().index(b"<body")] + shell
    page = tmp_path / "no-text.html"
    page.write_bytes(headless)
    doc = read_html(str(page), headless, ReadOptions(extractor="trafilatura"))
    assert isinstance(doc, Document) and doc.text == "" and doc.title

    rejects = tmp_path / "rejects.jsonl"
    report = clean_files(
        [str(page)], str(tmp_path / "c.jsonl"), rejects=str(rejects), extractor="trafilatura"
    )
    assert (report.written, report.rejected) == (0, 1)
    [reject] = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert (reject["step"], reject["reason"], reject["text"]) == ("drop_empty", "empty", "")
    assert reject["source"]["extractor"] == "trafilatura" and reject["title"] == doc.title
    assert all("removed" not in edit for edit in reject["edits"]), "nothing was there to remove"


def test_limits_apply_before_trafilatura(pages: list[Path]) -> None:
    raw = page_bytes(pages[0])
    options = ReadOptions(limits=Limits(max_html_tags=50), extractor="trafilatura")
    drop = read_html("p.html", raw, options)
    assert isinstance(drop, Drop) and drop.reason == "too_large"
    assert drop.source.extractor == "trafilatura"


def test_a_page_nested_deeper_than_trafilatura_parses_is_a_reject_not_a_crash() -> None:
    """trafilatura's libxml2 parser (no ``huge_tree``) gives up past 256 levels: the
    page's text is empty and ``drop_empty`` rejects it; our extractor reads it."""
    markup = b"<html><body>" + b"<div>" * 3000 + b"A sentence deep inside.</body></html>"
    doc = read_html("deep.html", markup, ReadOptions(extractor="trafilatura"))
    assert isinstance(doc, Document) and doc.text == ""
    [drop] = list(clean_documents([doc]))
    assert isinstance(drop, Drop) and (drop.step, drop.reason) == ("drop_empty", "empty")
    assert one(iter([read_html("deep.html", markup)])).text == "A sentence deep inside."


def test_a_warc_response_goes_through_trafilatura(pages: list[Path], tmp_path: Path) -> None:
    path = pages[1]
    uri = "https://example.org/page"
    crawl = tmp_path / "crawl.warc.gz"
    crawl.write_bytes(
        warcs.gzip_records([warcs.request(uri), warcs.response(uri, page_bytes(path))])
    )
    doc = one(read([str(crawl)], extractor="trafilatura"))
    assert doc.text == trafilatura_alone(path)
    assert doc.source.extractor == "trafilatura" and doc.source.warc_target_uri == uri
    assert doc.fields() == one(read([str(crawl)])).fields()


def test_records_runs_and_manifests_name_the_extractor(pages: list[Path], tmp_path: Path) -> None:
    inputs = [str(path) for path in pages[:2]]
    out, manifest = tmp_path / "c.jsonl", tmp_path / "m.json"
    clean_files(inputs, str(out), manifest=str(manifest), extractor="trafilatura")
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["source"]["extractor"] for r in records] == ["trafilatura"] * 2
    assert json.loads(manifest.read_text())["read"]["extractor"] == "trafilatura"

    default = tmp_path / "d.jsonl"
    clean_files(inputs, str(default))
    assert default.read_text()
    assert all("extractor" not in json.loads(line)["source"] for line in default.open())


def test_the_ray_task_reads_with_the_extractor(pages: list[Path]) -> None:
    """``ReadOptions`` carry the extractor to every task (run here without a cluster)."""
    pipeline = default_pipeline()
    reading = ReadOptions(format="html", extractor="trafilatura")
    [(index, item)] = list(numbered_inputs([str(pages[2])], reading))
    results = clean_input(pipeline, Provenance.of(pipeline), None, reading, index, item)
    [cleaned] = list(clean_documents(read([str(pages[2])], extractor="trafilatura")))
    assert isinstance(cleaned, Document)
    lines = [r.line for r in results if isinstance(r, Outcome) and r.line is not None]
    assert [json.loads(line)["text"] for line in lines] == [cleaned.text]


def test_an_unknown_extractor_is_a_clear_error(pages: list[Path], tmp_path: Path) -> None:
    expected = "extractor: one of corpuskit, trafilatura, not 'boilerpipe'"
    with pytest.raises(InputError, match=expected):
        list(read([str(pages[0])], extractor="boilerpipe"))
    with pytest.raises(ValueError, match="unknown extractor"):
        extract("<p>x</p>", extractor="boilerpipe")
    out = tmp_path / "c.jsonl"
    result = runner.invoke(app, ["clean", str(pages[0]), "-o", str(out), "--extractor", "x"])
    assert result.exit_code == 2 and "error: --extractor: one of corpuskit" in result.stderr
    assert not out.exists() and not list(tmp_path.iterdir())


def test_without_trafilatura_the_error_says_what_to_install(
    pages: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as if not installed
    out = tmp_path / "c.jsonl"
    args = ["clean", str(pages[0]), "-o", str(out), "--extractor", "trafilatura"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: the trafilatura extractor needs trafilatura: {TRAFILATURA_INSTALL}\n"
    )
    assert not list(tmp_path.iterdir()), "refused before any output or checkpoint exists"


def test_the_cli_cleans_and_explains_with_trafilatura(pages: list[Path], tmp_path: Path) -> None:
    path = pages[3]
    out = tmp_path / "c.jsonl"
    result = runner.invoke(
        app, ["clean", str(path), "-o", str(out), "--extractor", "trafilatura", "-q"]
    )
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["source"]["extractor"] == "trafilatura"
    first = next(line for line in trafilatura_alone(path).split("\n") if line)
    explained = runner.invoke(app, ["explain", str(path), "--extractor", "trafilatura"])
    assert explained.exit_code == 0, explained.output
    assert first in explained.stdout


def test_resume_refuses_another_extractor(pages: list[Path], tmp_path: Path) -> None:
    """A run interrupted with one extractor is not continued with another."""
    out = tmp_path / "c.jsonl"
    inputs = [str(path) for path in pages[:3]]

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        clean_files(inputs, str(out), rejects=default_rejects(str(out)), on_progress=interrupt)
    args = ["clean", *inputs, "-o", str(out), "--resume", "--extractor", "trafilatura"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2
    assert "cannot resume" in refused.stderr and "differs in extractor" in refused.stderr
    resumed = runner.invoke(app, ["clean", *inputs, "-o", str(out), "--resume", "-q"])
    assert resumed.exit_code == 0, resumed.output
    assert all("extractor" not in json.loads(line)["source"] for line in out.open())
