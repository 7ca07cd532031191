"""``corpuskit explain`` as a user runs it: the real command in its own process, on the
seed pages and on JSONL and WARC files the tests write."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tests import warcs
from tests.conftest import FIXTURES, ROOT

SEED = FIXTURES / "pages" / "004_e49c3928493beb6e.txt"

#: Two hand-written records: page furniture around one paragraph each.
RECORDS = [
    {
        "id": "a1",
        "url": "https://news.example/harbour",
        "text": "Home\nNews\n\nThe harbour reopened on Monday after the storm, and the first "
        "ferries left at noon with a full load.\n\nShare this",
    },
    {
        "id": "b2",
        "url": "https://news.example/market",
        "text": "Login\n\nThe Saturday market moved to the square by the church, where "
        "there is room for forty stalls.",
    },
]
HARBOUR = (
    b"<html><head><title>Harbour</title></head><body><nav><a href='/'>Home</a></nav>"
    b"<article><p>The harbour reopened on Monday after the storm, and the first ferries "
    b"left at noon with a full load.</p></article></body></html>"
)
MARKET = (
    b"<html><head><title>Market</title></head><body><article><p>The Saturday market "
    b"moved to the square by the church, where there is room for forty stalls.</p>"
    b"</article></body></html>"
)


def corpuskit(*args: str, columns: int | None = None) -> subprocess.CompletedProcess[str]:
    """``corpuskit`` in a process of its own, its output piped (not a terminal)."""
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "corpuskit", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def rows(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The line rows of an explanation (``mark ... | text``)."""
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if " | " in line or line.endswith("|")]


@pytest.fixture(scope="module")
def seed() -> list[str]:
    return rows(corpuskit("explain", str(SEED)))


def test_blank_line_runs_are_one_row(seed: list[str]) -> None:
    page = SEED.read_text(encoding="utf-8").split("\n")
    assert sum(not line.strip() for line in page) == 48, "the seed has many blank lines"
    assert any(row.endswith("| (47 blank lines)") for row in seed)
    assert len(seed) == len(page) - 48 + 2, "a row per non-blank line, one per blank run"
    blank = [row.endswith("blank lines)") or row.endswith("(blank line)") for row in seed]
    marks = [row.split()[0] for row in seed]
    for k in range(1, len(seed)):
        assert not (blank[k] and blank[k - 1] and marks[k] == marks[k - 1]), seed[k - 1 : k + 1]


def test_every_line_the_classifier_judged_shows_its_score(seed: list[str]) -> None:
    kept = [row for row in seed if row.startswith("kept") and "blank line" not in row]
    assert len(kept) > 10
    for row in kept:
        score = row.split("|")[0].split()[-1]
        assert score.startswith("+") or score.startswith("-"), row
        assert float(score) > -0.5, "a kept line scored above the model's threshold"
    [removed] = [row for row in seed if row.startswith("classify_lines:boilerplate")]
    assert float(removed.split("|")[0].split()[-1]) < 0
    assert "   [" in removed, "its strongest pulls down follow its text"


def test_rows_are_cut_to_the_width_or_wrapped_with_wide() -> None:
    whole = rows(corpuskit("explain", str(SEED)))
    assert max(map(len, whole)) > 100, "piped without COLUMNS: every row whole"
    cut = corpuskit("explain", str(SEED), columns=70)
    assert all(len(line) <= 70 for line in cut.stdout.splitlines())
    assert sum(line.endswith("…") for line in cut.stdout.splitlines()) > 5
    wide = corpuskit("explain", str(SEED), "--wide", columns=70)
    assert all(len(line) <= 70 for line in wide.stdout.splitlines())
    assert "…" not in wide.stdout
    assert len(wide.stdout.splitlines()) > len(cut.stdout.splitlines())
    assert words(wide.stdout.splitlines()) == words(whole), "wrapped, nothing lost"


def words(lines: list[str]) -> list[str]:
    """The words of the text column (rows and the lines wrapped under them)."""
    return [word for line in lines if " | " in line for word in line.split(" | ", 1)[1].split()]


def test_rows_fit_the_terminal_they_are_shown_in(tmp_path: Path) -> None:
    """In a pseudo-terminal 72 columns wide, without COLUMNS: cut to 72, in colour."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 72, 0, 0))
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "corpuskit", "explain", str(SEED)]
    process = subprocess.Popen(command, stdout=terminal, stderr=terminal, env=env)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert process.wait(timeout=120) == 0
    lines = shown.decode("utf-8").replace("\r\n", "\n").splitlines()
    plain = [_without_colour(line) for line in lines]
    assert "\x1b[31m" in shown.decode("utf-8"), "removed lines in red on a terminal"
    assert max(map(len, plain)) == 72 and any(line.endswith("…") for line in plain)


def _without_colour(line: str) -> str:
    out, skipping = [], False
    for char in line:
        if char == "\x1b":
            skipping = True
        elif skipping:
            skipping = char != "m"
        else:
            out.append(char)
    return "".join(out)


def test_only_removed(seed: list[str]) -> None:
    removed = rows(corpuskit("explain", str(SEED), "--only-removed"))
    assert removed and not any(row.startswith("kept") for row in removed)
    assert removed == [row for row in seed if not row.startswith("kept")]


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "pages.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in RECORDS), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "pick", [["--id", "b2"], ["--line", "2"], ["--url", "https://news.example/market"]]
)
def test_one_record_of_a_jsonl_input(jsonl: Path, pick: list[str]) -> None:
    result = corpuskit("explain", str(jsonl), *pick)
    assert result.returncode == 0, result.stderr
    headers = [line for line in result.stdout.splitlines() if line.startswith("== ")]
    assert headers == [f"== {jsonl}:2"]
    assert "junk_lines:site_chrome" in result.stdout and "| Login" in result.stdout
    assert "url: https://news.example/market" in result.stdout
    assert "harbour" not in result.stdout


def test_every_record_without_a_pick_and_an_error_when_none_matches(jsonl: Path) -> None:
    both = corpuskit("explain", str(jsonl))
    assert [line for line in both.stdout.splitlines() if line.startswith("== ")] == [
        f"== {jsonl}:1",
        f"== {jsonl}:2",
    ]
    none = corpuskit("explain", str(jsonl), "--id", "zz", "--line", "2")
    assert (none.returncode, none.stdout) == (2, "")
    assert none.stderr == f"error: no record of {jsonl} matches --id 'zz' --line 2\n"


def test_one_record_of_a_warc_input(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    records = [
        warcs.warcinfo("crawl.warc"),
        warcs.response("https://news.example/harbour", HARBOUR),
        warcs.response("https://news.example/market", MARKET),
    ]
    path.write_bytes(b"".join(records))
    by_url = corpuskit("explain", str(path), "--url", "https://news.example/market")
    assert by_url.returncode == 0, by_url.stderr
    assert by_url.stdout.startswith(f"== {path} https://news.example/market\n")
    assert "title: Market" in by_url.stdout and "harbour" not in by_url.stdout
    record_id = warcs.record_id("response https://news.example/harbour")
    by_id = corpuskit("explain", str(path), "--id", record_id)
    assert "title: Harbour" in by_id.stdout and "Market" not in by_id.stdout
    by_number = corpuskit("explain", str(path), "--line", "2")
    assert by_number.stdout == by_url.stdout


def test_a_missing_page_is_an_error(tmp_path: Path) -> None:
    missing = corpuskit("explain", str(tmp_path / "nope.txt"))
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == f"error: no such file: {tmp_path / 'nope.txt'}\n"
    empty = corpuskit("explain", str(tmp_path))
    assert (empty.returncode, empty.stderr) == (2, f"error: no page to explain in {tmp_path}\n")
