"""Start-up: what ``corpuskit --version`` and a text clean import (issue 17).

Each command runs in a fresh interpreter, as the ``corpuskit`` script starts it, and
hands back ``sys.modules``; the tests count modules, never seconds (CPU figures, with
the command that measures them, are in docs/architecture.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from corpuskit.run.local import WORK_PER_WORKER
from corpuskit.run.pool import CHUNK_SIZE
from tests.conftest import ROOT, seed_pages

#: Run ``corpuskit.__main__.main`` (the script's entry point) with the arguments given,
#: then write the names of the modules it imported to the file named last.
PROBE = """
import json, sys
out, sys.argv = sys.argv[-1], ["corpuskit", *sys.argv[1:-1]]
from corpuskit.__main__ import main
try:
    main()
except SystemExit as stop:
    assert not stop.code, stop.code
with open(out, "w") as stream:
    json.dump(sorted(sys.modules), stream)
"""

#: What reading and cleaning a text page needs none of: the HTML parsers and the WARC
#: reader (warcio brings fsspec and asyncio), jusText's code (its stoplists are read
#: as files), the report, rich (the progress bar's, drawn on a terminal only) and ftfy
#: (only a line with a mojibake clue needs it). ahocorasick_rs is needed: ``junk_lines``
#: looks for its ``contains`` phrases in a page with it (0.7 ms to import).
NOT_FOR_TEXT = (
    "bs4", "lxml", "warcio", "fsspec", "asyncio", "justext",
    "corpuskit.html.tree", "corpuskit.html.extraction", "corpuskit.readers.warc",
    "corpuskit.reporting.stats", "corpuskit.reporting.html", "corpuskit.reporting.summary",
    "ray", "rich", "ftfy", "wcwidth",
)  # fmt: skip


def imported(tmp_path: Path, *args: str) -> set[str]:
    """The modules the ``corpuskit`` command imports when run with ``args``."""
    out = tmp_path / "modules.json"
    command = [sys.executable, "-c", PROBE, *args, str(out)]
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
    return set(json.loads(out.read_text()))


def loaded(modules: set[str], name: str) -> bool:
    return any(module == name or module.startswith(name + ".") for module in modules)


def test_version_imports_the_version_alone(tmp_path: Path) -> None:
    modules = imported(tmp_path, "--version")
    ours = {module for module in modules if loaded({module}, "corpuskit")}
    # corpuskit.explain (the function shares its module's name) brings the document
    # and pipeline modules: light, orjson their only dependency.
    assert ours == {
        "corpuskit", "corpuskit.__main__", "corpuskit.version", "corpuskit.explain",
        "corpuskit.lazy", "corpuskit.document", "corpuskit.pipeline",
    }  # fmt: skip
    heavy = ("typer", "click", "rich", "numpy", "bs4", "lxml", "langdetect", "ftfy")
    assert not [name for name in heavy if loaded(modules, name)]


def test_a_text_clean_imports_no_parser_warc_reader_report_or_pool(tmp_path: Path) -> None:
    page = seed_pages()[0]
    out = tmp_path / "out.jsonl"
    args = ("-o", str(out), "-q", "--workers", "2")
    modules = imported(tmp_path, "clean", str(page), *args)
    assert out.read_text(encoding="utf-8").count("\n") == 1  # it did clean the page
    assert [name for name in NOT_FOR_TEXT if loaded(modules, name)] == []
    # work for one worker (WORK_PER_WORKER bytes) starts no worker process, even with
    # --workers 2; a chunk (CHUNK_SIZE pages) of work for two does
    assert not loaded(modules, "multiprocessing.popen_fork")
    pages = tmp_path / "pages"
    pages.mkdir()
    text = page.read_bytes()
    copies = 2 * WORK_PER_WORKER // (CHUNK_SIZE * len(text)) + 1
    for number in range(CHUNK_SIZE):
        (pages / f"{number:02d}.txt").write_bytes(text * copies)
    assert loaded(imported(tmp_path, "clean", str(pages), *args), "multiprocessing.popen_fork")


def test_an_html_clean_loads_bs4_only_for_a_page_lxml_cannot_build(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<title>T</title><p>" + "Die Stadt baut eine neue Brücke. " * 9, "utf-8")
    out = tmp_path / "out.jsonl"
    modules = imported(tmp_path, "clean", str(page), "-o", str(out), "-q")
    assert loaded(modules, "lxml") and not loaded(modules, "bs4")
    page.write_text("<div>" * 3000 + "Die Stadt baut eine neue Brücke. " * 9, "utf-8")
    assert loaded(imported(tmp_path, "clean", str(page), "-o", str(out), "-q"), "bs4")
