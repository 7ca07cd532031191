"""A real corpus to report on, made once per test session by ``corpuskit clean``.

The seed pages, every 12th traf-dev text page, an exact copy and a near copy (one word
changed) of one page, three pages that open with the same line of markup, many times
(so a removed line holds ``<script>``), three pages that open with a menu of links,
punctuation and numbers, an empty page, which is rejected, and three HTML pages of one
site whose canonical URLs are very long (one of them twice, under a very long file
name: an exact copy). Cleaned with ``--audit --dedup near`` and a manifest, through the
CLI, so the files are named as ``clean`` names them. Without traf-dev, the tests that
use it skip.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corpuskit.cli import app
from tests.conftest import bench_pages, seed_pages

#: The line of markup three pages open with: it must reach the report escaped.
MARKUP_LINE = '<script>alert("corpuskit")</script> Menü'

#: Times each of those pages repeats it: enough to be among the most removed lines.
MARKUP_TIMES = 20

#: Lines without a letter that the markup pages repeat: they must be counted in groups.
PUNCTUATION, NUMBER = "|", "12"

#: The host of the HTML pages, and the start of their canonical URLs (each goes on for
#: some 300 characters without a space: the report must wrap it inside the page).
HOST = "www.stadtanzeiger-beispiel-regionalnachrichten.de"
LONG_URL = f"https://{HOST}/lokales/" + "verkehr-und-bauen-" * 6

#: The furniture each HTML page ends with: a line of 360 characters without a space.
SHARE_LINE = "© 2024 Stadtanzeiger | Datenschutz | " + "Teilen" * 60

PROSE = (
    "Die Stadt baut eine neue Brücke über den Fluss, und der Rat hat am Montag "
    "darüber abgestimmt. {n} Bürger kamen zur Sitzung, viele von ihnen mit Fragen "
    "zu den Kosten, die nach Angaben der Verwaltung bei {n} Millionen Euro liegen."
)


@dataclass(frozen=True)
class Cleaned:
    """The files of one cleaned corpus and the page that has two copies."""

    folder: Path
    corpus: Path
    rejects: Path
    manifest: Path
    copied: Path

    def records(self) -> list[dict[str, Any]]:
        return read_jsonl(self.corpus)

    def rejected(self) -> list[dict[str, Any]]:
        return read_jsonl(self.rejects)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def make_pages(folder: Path) -> Path:
    """Write the pages into ``folder``; the page that gets an exact and a near copy."""
    bench = bench_pages("*.txt")[::12]
    folder.mkdir()
    for page in [*seed_pages(), *bench]:
        shutil.copy(page, folder / page.name)
    copied = max(folder.iterdir(), key=lambda p: p.stat().st_size)
    shutil.copy(copied, folder / "zz_exact_copy.txt")
    words = copied.read_text(encoding="utf-8").split(" ")
    words[len(words) // 2] = "Zwischenwort"
    (folder / "zz_near_copy.txt").write_text(" ".join(words), encoding="utf-8")
    for n in range(3):
        header = "\n".join([MARKUP_LINE] * MARKUP_TIMES)
        page = f"{header}\n{PROSE.format(n=n + 10)}\n{PROSE.format(n=n + 20)}\n"
        (folder / f"markup_{n}.txt").write_text(page, encoding="utf-8")
        menu = "\n".join(["Startseite", PUNCTUATION, "Kontakt", PUNCTUATION, NUMBER] * 4)
        page = f"{menu}\n{PROSE.format(n=n + 50)}\n{PROSE.format(n=n + 60)}\n"
        (folder / f"menu_{n}.txt").write_text(page, encoding="utf-8")
    (folder / "empty.txt").write_text("Advertisement\n\n", encoding="utf-8")
    for n in range(3):
        (folder / f"site_{n}.html").write_text(html_page(n), encoding="utf-8")
    copy = "site_copy_" + "ausgabe-vom-fuenften-maerz-" * 8 + ".html"
    shutil.copy(folder / "site_0.html", folder / copy)
    return copied


def html_page(n: int) -> str:
    """An article of the ``HOST`` site, its canonical URL long and unbroken."""
    url = f"{LONG_URL}artikel-{n}-" + "x" * 120 + "?utm_campaign=" + "y" * 80
    return (
        f'<!DOCTYPE html><html lang="de"><head><title>Artikel {n}</title>'
        f'<link rel="canonical" href="{url}"></head><body><article><h1>Artikel {n}</h1>'
        f"<p>{PROSE.format(n=n + 30)}</p><p>{PROSE.format(n=n + 40)}</p>"
        f"<div>{SHARE_LINE}</div></article></body></html>"
    )


def clean(pages: Path, output: Path | str, *options: str) -> None:
    """``corpuskit clean pages -o output`` with ``options``; fails the test if it fails."""
    args = ["clean", str(pages), "-o", str(output), "--workers", "1", "-q", *options]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.output


@pytest.fixture(scope="session")
def cleaned(tmp_path_factory: pytest.TempPathFactory) -> Cleaned:
    folder = tmp_path_factory.mktemp("report")
    copied = make_pages(folder / "pages")
    corpus, manifest = folder / "corpus.jsonl", folder / "corpus.manifest.json"
    clean(folder / "pages", corpus, "--audit", "--dedup", "near", "--manifest", str(manifest))
    rejects = folder / "corpus.rejects.jsonl"
    return Cleaned(folder, corpus, rejects, manifest, copied)
