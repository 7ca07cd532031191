"""The hostile tree of tests/hostile.py: every input accounted for once, read and end to end.

The tree is generated once per module (about 0.7 s, 400 MB of disk at most for a
moment: the 30 MB line, the 40 MiB JSONL line and their kin). It is read with each HTML
parser (``corpuskit.html.PARSERS``); with lxml, the pages nested deeper than libxml2
builds (``LXML_TOO_DEEP``) are ``too_deep`` drops instead of documents.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corpuskit import Document, Drop, read
from corpuskit.cli import app
from corpuskit.html import PARSERS
from tests.hostile import PASSWD, SECRET, Outcome, Tree, build

# Pages that open with an XML declaration make bs4 warn that they look like XML; the HTML
# reader catches and logs that, so none may get out (one that did would raise here).
pytestmark = pytest.mark.filterwarnings("error::bs4.XMLParsedAsHTMLWarning")

#: Control characters (C0, DEL, C1) that corpus text must not hold, newline and tab aside.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    return build(tmp_path_factory.mktemp("hostile"))


#: The pages lxml refuses: 100,000 nested elements, past libxml2's 2,048 levels.
LXML_TOO_DEEP = ("deep-100000.html", "deep-nav.html")


@pytest.fixture(scope="module", params=PARSERS)
def parser(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def outcomes(tree: Tree, parser: str) -> list[Outcome]:
    """What reading the tree with ``parser`` must give."""
    if parser == "bs4":
        return tree.outcomes
    return [
        Outcome(o.path, "too_deep") if o.path.endswith(LXML_TOO_DEEP) else o for o in tree.outcomes
    ]


@pytest.fixture(scope="module")
def results(tree: Tree, parser: str) -> list[Document | Drop]:
    return list(read([str(tree.root)], html_parser=parser))


def key(result: Document | Drop) -> tuple[str, int | None, str | None]:
    reason = None if isinstance(result, Document) else result.reason
    return (result.source.path, result.source.line, reason)


# --- read ----------------------------------------------------------------------------------


def test_every_input_is_accounted_for_exactly_once(
    outcomes: list[Outcome], results: list[Document | Drop]
) -> None:
    assert all(isinstance(result, Document | Drop) for result in results)
    got, expected = Counter(map(key, results)), Counter(outcome.key for outcome in outcomes)
    assert got - expected == Counter(), "read but not expected"
    assert expected - got == Counter(), "expected but not read"


def test_drops_say_where_and_why(outcomes: list[Outcome], results: list[Document | Drop]) -> None:
    offsets = {(o.path, o.line): o.offset for o in outcomes if o.line is not None}
    for result in results:
        if result.source.line is not None:
            assert result.source.offset == offsets[(result.source.path, result.source.line)]
        if isinstance(result, Drop):
            assert (result.step, result.detail) != ("read", ""), result
            assert result.reason != "error", result.detail
        if isinstance(result, Drop) and result.reason in ("too_large", "too_deep"):
            hint = "bs4 parser" if result.source.parser == "lxml" else "raise it with Limits("
            assert hint in result.detail


def test_texts_as_read(outcomes: list[Outcome], results: list[Document | Drop]) -> None:
    documents = {(r.source.path, r.source.line): r for r in results if isinstance(r, Document)}
    for outcome in outcomes:
        if outcome.has or outcome.lacks:
            text = documents[(outcome.path, outcome.line)].text
            assert all(part in text for part in outcome.has), (outcome.path, outcome.has)
            assert not any(part in text for part in outcome.lacks), (outcome.path, outcome.lacks)


def test_records_carry_strict_values(results: list[Document | Drop]) -> None:
    records = {r.source.line: r for r in results if r.source.path.endswith("/records.jsonl")}
    assert records[9].text == "lone \ufffd surrogate"  # type: ignore[union-attr]
    assert records[9].meta == {"k": "\ufffd", "\ufffd": 1}  # type: ignore[union-attr]
    assert records[10].meta == {"v": None, "w": None, "x": None, "y": None}  # type: ignore[union-attr]
    assert records[11].meta == {"k": 2}  # type: ignore[union-attr]
    assert records[12].meta == {"n": "9" * 5000}  # type: ignore[union-attr]
    assert records[1].id == records[15].id == "a"  # duplicate ids are kept, not merged


def test_file_name_that_is_not_utf8(results: list[Document | Drop]) -> None:
    [odd] = [r for r in results if "\ufffd" in r.source.path]
    assert isinstance(odd, Document)
    assert odd.source.path.endswith("/caf\ufffd \ufffd.txt")
    assert odd.meta["source_path_bytes"].endswith("/caf%E9%20%FF.txt")


# --- end to end ----------------------------------------------------------------------------


def clean(root: Path, out: Path, parser: str) -> tuple[Any, bytes, bytes]:
    """Run ``corpuskit clean`` in-process; the result, the corpus and the rejects."""
    corpus, rejects = out / "corpus.jsonl", out / "rejects.jsonl"
    args = ["clean", str(root), "-o", str(corpus), "--rejects", str(rejects)]
    args += ["--html-parser", parser]
    result = CliRunner().invoke(app, args)
    return result, corpus.read_bytes(), rejects.read_bytes()


def strict_lines(data: bytes) -> list[dict[str, Any]]:
    """Each line parsed by a strict JSON reader: UTF-8, no NaN, no lone surrogates."""

    def no_constants(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    records = [json.loads(line, parse_constant=no_constants) for line in data.decode().splitlines()]
    for record in records:
        assert not re.search("[\ud800-\udfff]", json.dumps(record, ensure_ascii=False)), record
    return records


def test_cli_end_to_end(tree: Tree, outcomes: list[Outcome], parser: str, tmp_path: Path) -> None:
    result, corpus, rejects = clean(tree.root, tmp_path, parser)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    written, rejected = strict_lines(corpus), strict_lines(rejects)
    assert not [r["source"]["path"] for r in written if CONTROL.search(r["text"])]
    read_drops = Counter(
        (r["source"]["path"], r["source"].get("line"), r["reason"])
        for r in rejected
        if r["step"] == "read"
    )
    documents = Counter(
        (r["source"]["path"], r["source"].get("line"), None)
        for r in written + [r for r in rejected if r["step"] != "read"]
    )
    assert read_drops + documents == Counter(outcome.key for outcome in outcomes)
    html = [r["source"] for r in written if r["source"]["format"] == "html"]
    assert html and all(source["parser"] == parser for source in html)
    assert SECRET.encode() not in corpus + rejects and PASSWD.encode() not in corpus + rejects


def test_cli_runs_are_identical(tree: Tree, parser: str, tmp_path: Path) -> None:
    """Two runs over the same inputs write the same bytes.

    Both run over ``tree.main``: the slow cases would add half a minute and nothing the
    other cases do not already exercise.
    """
    first = clean(tree.main, tmp_path / "first", parser)
    second = clean(tree.main, tmp_path / "second", parser)
    assert first[0].exit_code == second[0].exit_code == 0
    assert first[1:] == second[1:]
    assert first[1] and first[2]
