"""Nothing the user had is destroyed by a mistyped command: issue 13, through the real CLI.

Every case runs ``corpuskit clean`` on real files in a temporary folder: devices made
with ``mknod`` there (never the system's), real named pipes, links, a read-only file
system mounted for the test.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from corpuskit.cli import app
from corpuskit.outputs import partial_folder
from tests.conftest import seed_pages

runner = CliRunner()


def clean(*args: str | Path) -> Result:
    return runner.invoke(app, ["clean", *map(str, args)])


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    """A folder with the two seed pages and a page the default pipeline rejects."""
    folder = tmp_path / "pages"
    folder.mkdir()
    for page in seed_pages():
        (folder / page.name).write_bytes(page.read_bytes())
    (folder / "menu.txt").write_text("Advertisement\n", encoding="utf-8")
    return folder


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``: a file's bytes, a link's target, ``dir`` for folders."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            found[key] = f"-> {os.readlink(path)}"
        elif path.is_dir():
            found[key] = "dir"
        elif path.is_file():
            found[key] = path.read_bytes()
        else:
            found[key] = "special"
    return found


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# Outputs that are not regular files: written through, never replaced.


def char_device(path: Path) -> Path:
    """A copy of ``/dev/null`` (character device 1:3) at ``path``, made here."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a character device needs root (CAP_MKNOD)")
    return path


def test_a_character_device_is_written_through(pages: Path, tmp_path: Path) -> None:
    null = char_device(tmp_path / "null")
    result = clean(pages, "-o", null)
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(null.lstat().st_mode), "still the device, not a regular file"
    assert not partial_folder(str(null)).exists()
    assert "rejected " in result.stderr, "a stream output has no rejects file: rejects shown"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "pages"]


def test_a_link_to_a_device_stays_a_link_to_the_device(pages: Path, tmp_path: Path) -> None:
    null = char_device(tmp_path / "null")
    link = tmp_path / "out.jsonl"
    link.symlink_to(null)
    assert clean(pages, "-o", link).exit_code == 0
    assert link.is_symlink() and stat.S_ISCHR(null.lstat().st_mode)


def test_a_named_pipe_gets_the_corpus(pages: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "corpus.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = clean(pages, "-o", fifo)
    reader.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    records = [json.loads(line) for line in received[0].decode().splitlines()]
    assert len(records) == 2 and all(record["text"] for record in records)


def test_a_link_to_a_file_is_written_where_it_points(pages: Path, tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "corpus.jsonl"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "corpus.jsonl"
    link.symlink_to(target)
    result = clean(pages, "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert len(lines(target)) == 2
    assert tree(tmp_path / "real") == {"corpus.jsonl": target.read_bytes()}


def test_a_block_device_is_refused(pages: Path, tmp_path: Path) -> None:
    try:
        os.mknod(tmp_path / "disk", 0o600 | stat.S_IFBLK, os.makedev(7, 200))
    except PermissionError:
        pytest.skip("making a block device needs root (CAP_MKNOD)")
    result = clean(pages, "-o", tmp_path / "disk")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --output") and "block device" in result.stderr
    assert stat.S_ISBLK((tmp_path / "disk").lstat().st_mode)


# Outputs that meet each other or the inputs: refused before any work.


@pytest.mark.parametrize(
    "args",
    [
        ["-o", "{page}"],  # the corpus over an input
        ["-o", "{out}", "--manifest", "{out}"],  # the manifest over the corpus
        ["-o", "{out}", "--manifest", "{page}"],  # the manifest over an input
        ["-o", "{out}", "--rejects", "{out}"],  # the rejects over the corpus
        ["-o", "{out}", "--rejects", "{page}"],  # the rejects over an input
        ["-o", "{pages}/corpus.jsonl"],  # read back as a page
        ["-o", "{out}", "--rejects", "{pages}/sub/rejects.jsonl"],
        ["-o", "{link}"],  # a link to an input
    ],
)
def test_outputs_that_would_destroy_or_read_back_are_refused(
    pages: Path, tmp_path: Path, args: list[str]
) -> None:
    (tmp_path / "link.jsonl").symlink_to(pages / seed_pages()[0].name)
    before = tree(tmp_path)
    names = {
        "page": str(pages / seed_pages()[0].name),
        "out": str(tmp_path / "out.jsonl"),
        "pages": str(pages),
        "link": str(tmp_path / "link.jsonl"),
    }
    result = clean(pages, *(arg.format(**names) for arg in args))
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert tree(tmp_path) == before, "nothing written, nothing replaced"


def test_outputs_of_a_glob_input_are_checked_too(pages: Path, tmp_path: Path) -> None:
    page = pages / seed_pages()[0].name
    result = clean(pages / "*.txt", "-o", page)
    assert result.exit_code == 2 and "is also an input" in result.stderr


def test_a_folder_walk_skips_other_runs_partial_folders(pages: Path, tmp_path: Path) -> None:
    stale = pages / "old.jsonl.partial"
    stale.mkdir()
    (stale / "lock").write_bytes(b"")
    (stale / "corpus.jsonl").write_text('{"text": "Never a page."}\n', encoding="utf-8")
    (stale / "run.json").write_text("{}", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = clean(pages, "-o", out)
    assert result.exit_code == 0, result.output
    assert "pages: 3 read" in result.stderr
    assert not any("partial" in str(r["source"]) for r in lines(out))  # type: ignore[operator]


# Paths that cannot be written: refused before any work.


def test_a_rejects_path_that_is_a_folder_is_refused_first(pages: Path, tmp_path: Path) -> None:
    (tmp_path / "rejects").mkdir()
    out = tmp_path / "out.jsonl"
    result = clean(pages, "-o", out, "--rejects", tmp_path / "rejects")
    assert result.exit_code == 2
    assert result.stderr == f"error: --rejects {tmp_path / 'rejects'} is a folder; name a file\n"
    assert not partial_folder(str(out)).exists() and not out.exists()


def test_missing_folders_are_made_for_every_output(pages: Path, tmp_path: Path) -> None:
    out, rejects, manifest = (tmp_path / name / "f.json" for name in ("a", "b", "c"))
    result = clean(pages, "-o", out, "--rejects", rejects, "--manifest", manifest)
    assert result.exit_code == 0, result.output
    assert out.is_file() and rejects.is_file() and json.loads(manifest.read_text())["report"]


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A read-only file system (a tmpfs mounted ``ro`` for the test)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "corpuskit-test", str(folder)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize("option", ["--output", "--rejects", "--manifest"])
def test_a_read_only_output_is_refused_before_any_work(
    pages: Path, tmp_path: Path, read_only: Path, option: str
) -> None:
    out = tmp_path / "out.jsonl"
    args = {"--output": ["-o", read_only / "c.jsonl"]}.get(option, ["-o", out])
    if option != "--output":
        args += [option, read_only / "x.json"]
    result = clean(pages, *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: cannot write {option} ")
    assert "read-only file system" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not out.exists() and not partial_folder(str(out)).exists()


def test_a_name_too_long_to_publish_is_refused_first(pages: Path, tmp_path: Path) -> None:
    out = tmp_path / ("c" * 245 + ".jsonl")  # 251 bytes: legal, but not with ".corpuskit-tmp"
    result = clean(pages, "-o", out)
    assert result.exit_code == 2
    assert "cannot write --output" in result.stderr and "bytes" in result.stderr
    assert list(tmp_path.iterdir()) == [pages]


# Checkpoints: a live run is never "interrupted"; a damaged one is one clear line.

HOLD = """
import sys, time
from corpuskit.outputs import Outputs
from corpuskit.run.checkpoint import Checkpoint
held = Checkpoint.start(Outputs.plan(sys.argv[1]), {"run": 1})
print("ready", flush=True)
time.sleep(120)
"""


def test_a_live_run_is_never_called_interrupted(pages: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "ready\n"
        second = clean(pages, "-o", out)  # run.json is there: the lock is checked first
        assert second.exit_code == 2
        assert "another corpuskit run is writing" in second.stderr
        assert "interrupted" not in second.stderr
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize(
    ("name", "content"),
    [("run.json", b""), ("run.json", b'{"corpuskit": "0.'), ("states.pickle", b"\x80\x05")],
)
def test_a_damaged_checkpoint_is_one_clear_line(
    pages: Path, tmp_path: Path, name: str, content: bytes
) -> None:
    out = tmp_path / "out.jsonl"
    args = [pages, "-o", out, "--dedup", "exact"]  # a corpus step: states are saved
    first = runner.invoke(app, ["clean", *map(str, args)], catch_exceptions=False)
    assert first.exit_code == 0
    folder = partial_folder(str(out))
    folder.mkdir()
    (folder / "lock").write_bytes(b"")
    (folder / "run.json").write_text("{}", encoding="utf-8")
    (folder / name).write_bytes(content)
    resumed = clean(*args, "--resume")
    assert resumed.exit_code == 2
    assert resumed.stderr.count("\n") == 1, resumed.stderr
    if name == "states.pickle":  # a valid run.json that differs says so first
        assert "differs in" in resumed.stderr
    else:
        assert f"is damaged ({name}: " in resumed.stderr
    assert "delete that folder to start afresh" in resumed.stderr


# Publishing: the final names never disagree; no temporary name survives.


def test_no_temporary_names_survive_a_run(pages: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "corpus.jsonl.gz"
    out.parent.mkdir()
    # What a publish killed earlier leaves: its temporary copies and links.
    for name in (".corpus.jsonl.gz.corpuskit-tmp", ".corpus.rejects.jsonl.corpuskit-tmp"):
        (out.parent / name).write_bytes(b"half a file")
    result = clean(pages, "-o", out, "--manifest", out.parent / "m.json")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "corpus.jsonl.gz",
        "corpus.rejects.jsonl",
        "m.json",
    ]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A file system with room for 8 KiB (a tmpfs mounted for the test)."""
    folder = tmp_path / "small"
    folder.mkdir()
    options = "size=8k"
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "corpuskit-test", str(folder)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_failed_publish_leaves_consistent_names_and_resumes(
    pages: Path, tmp_path: Path, small_disk: Path
) -> None:
    """The rejects file goes to a disk that fills up while it is published (after the
    corpus): the final names still agree, and --resume publishes again."""
    out, rejects, manifest = tmp_path / "c.jsonl", small_disk / "r.jsonl", tmp_path / "m.json"
    args = [pages, "-o", out, "--rejects", rejects, "--manifest", manifest]
    assert clean(*args).exit_code == 0
    old_manifest = json.loads(manifest.read_text())
    for number in range(300):  # 300 rejects: about 100 KiB, more than the disk holds
        (pages / f"ad{number:03d}.txt").write_text("Advertisement\n", encoding="utf-8")
    failed = clean(*args)
    assert failed.exit_code == 2, failed.output
    assert failed.stderr.startswith(f"error: cannot write {rejects}: No space left on device")
    assert "run again with --resume" in failed.stderr and failed.stderr.count("\n") == 1
    # The new corpus is out; the old rejects file and manifest went before it: no name
    # holds a file that belongs to another run.
    assert len(lines(out)) == 2 and not rejects.exists() and not manifest.exists()
    assert old_manifest["report"]["read"] == 3
    assert sorted(p.name for p in small_disk.iterdir()) == []  # no temporary copy left
    subprocess.run(["mount", "-o", "remount,size=1m", str(small_disk)], check=True)
    resumed = clean(*args, "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert len(lines(out)) == 2 and len(lines(rejects)) == 301
    assert json.loads(manifest.read_text())["report"]["read"] == 303
    assert not partial_folder(str(out)).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl", "m.json", "pages", "small"]


# Inputs: missing ones are errors, empty folders warn, links stay inside the tree.


def test_a_pattern_that_matches_nothing_is_an_error(tmp_path: Path) -> None:
    result = clean(tmp_path / "*.html", "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: input no file matches ")
    assert list(tmp_path.iterdir()) == []


def test_an_empty_folder_warns(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = clean(tmp_path / "empty", "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 0
    assert f"corpuskit: input {tmp_path / 'empty'} holds no file to read" in result.stderr
    assert lines(tmp_path / "out.jsonl") == []


def test_links_out_of_an_input_folder_are_followed_only_on_request(
    pages: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("The password is swordfish, said the council.\n", encoding="utf-8")
    (pages / "inside.txt").symlink_to(pages / seed_pages()[0].name)
    (pages / "outside.txt").symlink_to(secret)
    out = tmp_path / "out" / "c.jsonl"
    result = clean(pages, "-o", out)
    assert result.exit_code == 0
    corpus, rejected = out.read_text(), lines(out.with_name("c.rejects.jsonl"))
    assert "swordfish" not in corpus
    [outside] = [r for r in rejected if r["reason"] == "link_outside"]
    assert str(outside["source"]).find("outside.txt") >= 0  # type: ignore[union-attr]
    [copy] = [r for r in rejected if r["reason"] == "duplicate"]  # the page it links to
    assert str(copy["source"]).find("inside.txt") >= 0, "the link inside the folder is read"
    followed = clean(pages, "-o", out, "--follow-links")
    assert followed.exit_code == 0 and "swordfish" in out.read_text()


# Exit codes and what reaches the terminal.


def test_rejects_exit_0_unless_asked(pages: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert clean(pages, "-o", out).exit_code == 0
    failing = clean(pages, "-o", out, "--fail-on-reject")
    assert failing.exit_code == 1 and "rejected: drop_empty: empty (1)" in failing.stderr
    assert clean(seed_pages()[0], "-o", out, "--fail-on-reject").exit_code == 0


def test_control_characters_in_names_are_escaped(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "menu\x1b[31mred\x07.txt").write_text("Advertisement\n", encoding="utf-8")
    result = clean(pages, "-o", "-")
    assert result.exit_code == 0
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "menu\\x1b[31mred\\x07.txt" in result.stderr


def test_ctrl_c_with_workers_prints_one_line(pages: Path, tmp_path: Path) -> None:
    many = tmp_path / "many"
    many.mkdir()
    text = (seed_pages()[0]).read_bytes()
    # Enough pages that the run is still going when its journal first commits (after
    # 256 records or a second): 400 could end before the signal on a quiet machine.
    for number in range(3000):
        (many / f"{number:04d}.txt").write_bytes(text)
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "corpuskit", "clean", str(many), "-o", str(out), "--workers", "2"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    folder = partial_folder(str(out))
    while not (folder / "journal.jsonl").exists() or not (folder / "journal.jsonl").stat().st_size:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole group
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith("interrupted; its partial output is in ")
