"""Golden outputs of the fixture pages: exact text, fields and removals."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from corpuskit import default_pipeline, read
from corpuskit.document import Document
from corpuskit.run.cleaning import Provenance
from tests.conftest import FIXTURES, seed_pages

UPDATE = os.environ.get("CORPUSKIT_UPDATE_GOLDEN") == "1"


def golden_view(doc: Document) -> dict[str, Any]:
    """The record without what depends on the run: id, source path, version, config."""
    record = Provenance.of(default_pipeline(), audit=True).record(doc)
    for key in ("id",):
        record.pop(key)
    record["source"].pop("path")
    record["provenance"].pop("corpuskit")
    record["provenance"].pop("config")
    return record


def cleaned(page: Path) -> Document:
    [item] = list(read([str(page)]))
    assert isinstance(item, Document)
    result = default_pipeline()(item)
    assert isinstance(result, Document), result
    return result


@pytest.mark.parametrize("page", seed_pages(), ids=lambda p: p.stem)
def test_golden(page: Path) -> None:
    golden = FIXTURES / "golden" / f"{page.stem}.json"
    actual = golden_view(cleaned(page))
    if UPDATE:
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert actual == json.loads(golden.read_text(encoding="utf-8"))


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


@pytest.mark.parametrize("page", seed_pages(), ids=lambda p: p.stem)
def test_every_article_paragraph_survives_intact(page: Path) -> None:
    raw = page.read_text(encoding="utf-8")
    text = cleaned(page).text
    lines = [line.replace("\xa0", " ").strip() for line in raw.split("\n")]
    prose = [line for line in lines if len(line.split()) >= 12 and line.endswith((".", "”"))]
    assert prose, "the fixture has article paragraphs"
    for paragraph in prose:
        assert paragraph in text


JUNK = {
    "000_65b90cb01bb8e496": [
        "Dark Mode",
        "Logo",
        "Advertisement",
        "Comment / Reply From",
        "By Our",
    ],
    "004_e49c3928493beb6e": ["Recommended Stories", "list 1 of 3", "3 hours ago", "Published On"],
}


@pytest.mark.parametrize("page", seed_pages(), ids=lambda p: p.stem)
def test_no_junk_line_remains(page: Path) -> None:
    doc = cleaned(page)
    for junk in JUNK[page.stem]:
        assert junk not in doc.text
    assert "\n\n\n" not in doc.text
    assert "4" not in _paragraphs(doc.text)
    assert doc.lang == "en"


def test_fields_are_lifted() -> None:
    first, second = (cleaned(page) for page in seed_pages())
    assert first.title == (
        "Pakistan security forces kill 197 militants in major counter-terrorism operation "
        "in Balochistan"
    )
    assert first.title not in first.text
    assert (first.author, first.published) == ("Our Correspondent", "2026-02-04")
    assert second.published == "2026-02-05"
    assert "--including" in first.text and "Türkiye" in first.text and "“" in first.text
