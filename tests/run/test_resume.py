"""Atomic, resumable runs: kill a real run, resume it, get the uninterrupted run's bytes."""

from __future__ import annotations

import gzip
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from corpuskit.cli import app
from corpuskit.errors import InputError
from corpuskit.outputs import Outputs, partial_folder
from corpuskit.run.checkpoint import CORPUS, JOURNAL, REJECTS, STATES, Checkpoint
from corpuskit.run.report import RunReport
from corpuskit.run.sources import Restart
from tests import hostile, warcs
from tests.conftest import bench_pages, seed_pages

runner = CliRunner()

#: Pages in the killed runs: enough that a run lasts a few seconds, to kill it mid-way.
PAGES = 160


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of real pages (the first traf-dev pages: skips without it) mixed with
    inputs that end in the rejects file or hold several records (JSONL)."""
    pages = bench_pages("*.txt")[:PAGES]
    folder = tmp_path_factory.mktemp("resume") / "inputs"
    folder.mkdir()
    for number, source in enumerate(pages):
        shutil.copyfile(source, folder / f"{number:03d}_{source.name}")
    for case in (hostile.empty_files, hostile.binary_files, hostile.jsonl_records):
        case(folder)
    return folder


def clean(*args: str) -> subprocess.Popen[bytes]:
    """``corpuskit clean ARGS -q`` in a new process."""
    command = [sys.executable, "-m", "corpuskit", "clean", *args, "-q"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def journal(output: Path) -> list[dict[str, Any]]:
    """The complete lines of the journal of a run writing ``output``."""
    path = partial_folder(output) / JOURNAL
    lines = path.read_bytes().split(b"\n")[:-1] if path.is_file() else []
    return [orjson.loads(line) for line in lines]


def finished(output: Path, phase: int | None = None) -> int:
    """How many inputs the journal of a run writing ``output`` counts as done in its
    last phase (or in ``phase``: 0 reads the inputs, 1 the spool of the corpus pass)."""
    entries = journal(output)
    last = entries[-1]["phase"] if entries and phase is None else phase
    return sum(len(entry["done"]) for entry in entries if entry["phase"] == last)


def kill_when(
    process: subprocess.Popen[bytes], ready: Iterator[bool], how: int, may_end: bool = False
) -> None:
    """Send ``how`` to ``process`` as soon as ``ready`` yields True; wait for its end.
    With ``may_end``, a run that ended first is no failure (a kill aimed at a random
    point of a phase that can end sooner)."""
    deadline = time.monotonic() + 120
    for now_ready in ready:
        if now_ready or process.poll() is not None or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    if may_end and process.poll() == 0:
        return
    assert process.poll() is None, "the run ended before it could be interrupted"
    process.send_signal(how)
    process.wait(timeout=60)


def polling(condition: Callable[[], bool]) -> Iterator[bool]:
    while True:
        yield condition()


@pytest.fixture(scope="module")
def reference(inputs: Path) -> dict[str, bytes]:
    """The files of a run that was never interrupted."""
    out = inputs.parent / "reference" / "corpus.jsonl.gz"
    manifest = out.with_name("manifest.json")
    process = clean(str(inputs), "-o", str(out), "--manifest", str(manifest))
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr  # some inputs are rejects: a normal outcome
    assert not partial_folder(out).exists()
    return files(out)


def files(out: Path) -> dict[str, bytes]:
    """The corpus, rejects and manifest report of a run writing ``out``."""
    manifest = orjson.loads(out.with_name("manifest.json").read_bytes())
    return {
        "corpus": out.read_bytes(),
        "rejects": out.with_name("corpus.rejects.jsonl").read_bytes(),
        "report": orjson.dumps(manifest["report"]),
    }


def test_sigkill_mid_run_then_resume_gives_the_same_bytes(
    inputs: Path, reference: dict[str, bytes], tmp_path: Path
) -> None:
    out = tmp_path / "corpus.jsonl.gz"
    manifest = str(out.with_name("manifest.json"))
    args = [str(inputs), "-o", str(out), "--manifest", manifest, "--workers", "1"]
    process = clean(*args)  # one worker: a cleaning phase of a few commits (a second each)
    kill_when(process, polling(lambda: finished(out, 1) >= PAGES // 3), signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    assert not out.exists(), "output appears only when complete"
    done = finished(out)
    assert done >= PAGES // 3  # all of them when the kill landed after the last commit

    # The cleaning phase reads the counting pass's spool: no input is read again.
    entries = journal(out)
    changed = [Path(path) for e in entries for path in e["done"] if path.endswith(".txt")]
    saved = {path: path.read_bytes() for path in changed}
    for path in changed:
        path.write_bytes(b"Changed after the kill: a resumed run must not read this.\n")
    try:
        resumed = clean(*args, "--resume")
        _, stderr = resumed.communicate(timeout=300)
    finally:
        for path, data in saved.items():
            path.write_bytes(data)
    assert resumed.returncode == 0, stderr
    assert files(out) == reference
    assert not partial_folder(out).exists()


@pytest.fixture(scope="module")
def many_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough small pages that the counting pass takes a few seconds (it commits once a
    second): copies of the seeds, each made distinct by a first line."""
    folder = tmp_path_factory.mktemp("many") / "in"
    folder.mkdir()
    texts = [page.read_text(encoding="utf-8") for page in seed_pages()]
    for number in range(1500):
        text = f"Seite {number}: Der Rat tagte am Montag.\n{texts[number % 2]}"
        (folder / f"{number:04d}.txt").write_text(text, encoding="utf-8")
    return folder


def test_killed_while_counting_resumes_the_pass(many_pages: Path, tmp_path: Path) -> None:
    """Killed in the counting pass (repeated_lines counts before anything is written):
    the pass goes on from its journal, the inputs it finished not read again."""
    expected = tmp_path / "reference" / "corpus.jsonl.gz"
    manifest = ["--manifest", str(expected.with_name("manifest.json"))]
    assert clean(str(many_pages), "-o", str(expected), *manifest).wait(timeout=600) == 0
    out = tmp_path / "corpus.jsonl.gz"
    args = [str(many_pages), "-o", str(out), "--manifest", str(out.with_name("manifest.json"))]
    process = clean(*args)
    kill_when(process, polling(lambda: finished(out, 0) >= 20), signal.SIGKILL)
    entries = journal(out)
    assert {entry["phase"] for entry in entries} == {0}, "killed in the counting pass"
    done = [Path(path) for entry in entries for path in entry["done"]]
    saved = {path: path.read_bytes() for path in done}
    try:
        for path in saved:
            path.write_bytes(b"Changed after the kill: a resumed pass must not read this.\n")
        resumed = clean(*args, "--resume")
        _, stderr = resumed.communicate(timeout=600)
    finally:
        for path, data in saved.items():
            path.write_bytes(data)
    assert resumed.returncode == 0, stderr
    assert files(out) == files(expected)


def test_ctrl_c_keeps_the_partial_output_and_says_how_to_resume(
    inputs: Path, reference: dict[str, bytes], tmp_path: Path
) -> None:
    out = tmp_path / "corpus.jsonl.gz"
    args = [str(inputs), "-o", str(out), "--manifest", str(out.with_name("manifest.json"))]
    process = clean(*args)
    # Interrupted in the counting pass (phase 0, most of the run): the last phase, the
    # spool's, can end in the moment between a poll that sees 10 done and the signal
    # (a CI run at load saw the run end with 0).
    kill_when(process, polling(lambda: finished(out, 0) >= 10), signal.SIGINT)
    stderr = process.stderr.read().decode() if process.stderr else ""
    assert process.returncode == 130
    assert "--resume" in stderr and str(partial_folder(out)) in stderr
    assert "Traceback" not in stderr

    again = runner.invoke(app, ["clean", *args])  # forgot --resume: refused, nothing lost
    assert again.exit_code == 2
    assert "add --resume to continue it" in again.stderr
    assert finished(out) >= 10

    resumed = runner.invoke(app, ["clean", *args, "--resume", "-q"])
    assert resumed.exit_code == 0, resumed.output
    assert files(out) == reference


def test_resume_refuses_another_run(inputs: Path, tmp_path: Path) -> None:
    """Other settings, other inputs, standard input or output: a clear error, exit 2."""
    out = tmp_path / "corpus.jsonl"
    process = clean(str(inputs), "-o", str(out))
    kill_when(process, polling(lambda: finished(out) >= 5), signal.SIGKILL)

    other = runner.invoke(app, ["clean", str(inputs), "-o", str(out), "--resume", "--audit"])
    assert other.exit_code == 2
    assert "differs in audit" in other.stderr

    fewer = inputs.parent / "fewer"
    fewer.mkdir()
    for path in sorted(inputs.iterdir())[1:20]:
        shutil.copyfile(path, fewer / path.name)
    changed = runner.invoke(app, ["clean", str(fewer), "-o", str(out), "--resume"])
    assert changed.exit_code == 2 and "differs in inputs" in changed.stderr

    piped = runner.invoke(app, ["clean", "-", "-o", str(out), "--resume"], input="Text.\n")
    assert piped.exit_code == 2 and "standard input" in piped.stderr
    stdout = runner.invoke(app, ["clean", str(inputs), "-o", "-", "--resume"])
    assert stdout.exit_code == 2 and "standard output" in stdout.stderr
    assert finished(out) >= 5, "a refused resume leaves the partial output alone"


def test_inputs_that_changed_under_a_resume_are_an_error(many_pages: Path, tmp_path: Path) -> None:
    """The same command over a folder whose finished files are gone: not silently skipped."""
    folder = tmp_path / "in"
    shutil.copytree(many_pages, folder)
    out = tmp_path / "corpus.jsonl"
    process = clean(str(folder), "-o", str(out))
    kill_when(process, polling(lambda: finished(out, 0) >= 3), signal.SIGKILL)
    assert journal(out)[-1]["phase"] == 0, "killed while the inputs were read"
    (folder / "0000.txt").unlink()
    result = runner.invoke(app, ["clean", str(folder), "-o", str(out), "--resume"])
    assert result.exit_code == 2
    assert "the inputs changed" in result.stderr


def test_resume_without_an_interrupted_run_is_a_plain_run(tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    plain = tmp_path / "plain.jsonl"
    pages = [str(path) for path in seed_pages()]
    assert runner.invoke(app, ["clean", *pages, "-o", str(out), "--resume"]).exit_code == 0
    assert runner.invoke(app, ["clean", *pages, "-o", str(plain)]).exit_code == 0
    assert out.read_bytes() == plain.read_bytes()
    assert not partial_folder(out).exists()


def test_a_strict_run_that_stops_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out" / "corpus.jsonl"
    result = runner.invoke(app, ["clean", str(tmp_path / "empty.txt"), "-o", str(out), "--strict"])
    assert result.exit_code == 1
    assert list(out.parent.iterdir()) == []


def test_two_runs_cannot_write_the_same_output(tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    holder = subprocess.Popen(  # another process, as the lock is per process
        [sys.executable, "-c", HOLD_CHECKPOINT, str(out)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "ready\n"
        second = runner.invoke(app, ["clean", str(seed_pages()[0]), "-o", str(out), "--resume"])
        assert second.exit_code == 2
        assert "another corpuskit run is writing" in second.stderr
    finally:
        holder.kill()
        holder.wait()
    # The lock dies with its process: the run can now be resumed (here: redone).
    again = runner.invoke(app, ["clean", str(seed_pages()[0]), "-o", str(out), "--resume"])
    assert "another corpuskit run" not in again.stderr


HOLD_CHECKPOINT = """
import sys, time
from corpuskit.outputs import Outputs
from corpuskit.run.checkpoint import Checkpoint
held = Checkpoint.start(Outputs.plan(sys.argv[1]), {"run": 1})
print("ready", flush=True)
time.sleep(120)
"""


def test_journal_lines_the_files_do_not_cover_are_redone(tmp_path: Path) -> None:
    """A torn last journal line (killed while writing it), or one counting bytes the
    files lost (a machine crash): the resume goes back to the last line that holds."""
    out = str(tmp_path / "corpus.jsonl")
    checkpoint = Checkpoint.start(Outputs.plan(out), {"run": 1})
    report = RunReport()
    for index in range(3):
        checkpoint.corpus.write(b'{"id":"%d"}\n' % index)
        report.read += 1
        checkpoint.commit(Restart(0, index + 1), [f"page{index}.txt"], report)
    checkpoint.release()
    folder = partial_folder(out)
    with (folder / JOURNAL).open("ab") as lines:
        lines.write(b'{"phase":0,"input":4,"spool":0,"done":["page3.txt"],"siz')  # torn
    os.truncate(folder / CORPUS, (folder / CORPUS).stat().st_size - 3)  # lost the end

    resumed = Checkpoint.start(Outputs.plan(out), {"run": 1}, resume=True)
    try:
        assert resumed.done == ["page0.txt", "page1.txt"]
        assert resumed.restart == Restart(0, 2)
        assert resumed.report.read == 2
        assert (folder / CORPUS).read_bytes() == b'{"id":"0"}\n{"id":"1"}\n'
        assert (folder / REJECTS).read_bytes() == b""
        assert not (folder / STATES).exists()
    finally:
        resumed.release()


def test_an_output_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker / "corpus.jsonl"
    result = runner.invoke(app, ["clean", str(seed_pages()[0]), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot write") and "Traceback" not in result.stderr


def test_a_folder_removed_while_the_run_works_is_not_published(tmp_path: Path) -> None:
    """A user deletes a live run's partial folder and starts another run: the first
    must not publish the second's part files."""
    plan = Outputs.plan(str(tmp_path / "c.jsonl"))
    first = Checkpoint.start(plan, {"run": 1})
    first.corpus.write(b'{"id":"first"}\n')
    shutil.rmtree(first.folder)
    second = Checkpoint.start(plan, {"run": 2})
    second.corpus.write(b'{"id":"second"}\n')
    with pytest.raises(InputError, match="was removed while this run worked in it"):
        first.publish(plan)
    first.release()
    assert not (tmp_path / "c.jsonl").exists()
    second.publish(plan)
    assert (tmp_path / "c.jsonl").read_bytes() == b'{"id":"second"}\n'


#: Records in the single big inputs: a run of several seconds, to be killed at random.
RECORDS = 500


def big_jsonl() -> bytes:
    """One JSONL input of real pages (traf-dev's text dumps: skipped without them), with
    a blank line, a broken line and an empty page among them, and copies of early pages
    late in it (dropped as duplicates: a resume rebuilds the digests it saw before)."""
    pages = bench_pages("*.txt")[:RECORDS]
    lines = []
    for number, source in enumerate(pages):
        text = source.read_text(encoding="utf-8")
        lines.append(orjson.dumps({"id": f"r{number}", "text": text}))
    for number in (10, 20, 30):
        lines.insert(number * 15, lines[number].replace(b'"r', b'"copy-r', 1))
    lines[100:100] = [b"", b"{broken", orjson.dumps({"id": "empty", "text": "Menu"})]
    return b"\n".join(lines) + b"\n"


def big_warc() -> bytes:
    """One gzipped WARC of real HTML pages (traf-dev's: skipped without them), a request
    record before each response."""
    pages = bench_pages("*.html.gz")[:150]
    records = [warcs.warcinfo()]
    for number, page in enumerate(pages):
        body = gzip.decompress(page.read_bytes())
        uri = f"https://example.org/{number}"
        records += [warcs.request(uri), warcs.response(uri, body)]
    return warcs.gzip_records(records)


def big_parquet() -> bytes:
    """``big_jsonl``'s records as Parquet rows, 40 to a row group (so the kill lands
    inside the file, past its first row groups), the broken line as a row whose text is
    null."""
    records = []
    for line in big_jsonl().splitlines():
        try:
            records.append(orjson.loads(line) if line else None)
        except orjson.JSONDecodeError:
            records.append({"id": "broken", "text": None})
    rows = [record for record in records if record is not None]
    columns = {"id": [row["id"] for row in rows], "text": [row["text"] for row in rows]}
    return hostile.parquet_bytes(columns, rows_per_group=40)


BIG_INPUTS: dict[str, Callable[[], bytes]] = {
    "dump.jsonl": big_jsonl,
    "dump.jsonl.gz": lambda: gzip.compress(big_jsonl(), mtime=0),
    "crawl.warc.gz": big_warc,
    "dump.parquet": big_parquet,
}


def committed(output: Path, condition: Callable[[dict[str, Any]], bool]) -> Callable[[], bool]:
    """Whether the last journal line of a run writing ``output`` meets ``condition``."""

    def check() -> bool:
        entries = journal(output)
        return bool(entries) and condition(entries[-1])

    return check


def after_a_while(
    ready: Callable[[], bool], rng: random.Random, span: float = 2.0
) -> Iterator[bool]:
    """True once ``ready()`` held and then a random part of ``span`` seconds went by."""
    while not ready():
        yield False
    until = time.monotonic() + rng.uniform(0.0, span)
    while time.monotonic() < until:
        yield False
    yield True


@pytest.mark.parametrize("name", sorted(BIG_INPUTS))
def test_sigkill_inside_one_big_input_resumes_from_the_last_record(
    name: str, tmp_path: Path
) -> None:
    """Two SIGKILLs at random points: one while the counting pass reads inside the one
    input (the journal holds a record position), one in the cleaning phase (a spool
    offset). Each resume goes on from there; the files equal an uninterrupted run's. A
    Parquet input is written to a Parquet corpus (converted when the run publishes)."""
    path = tmp_path / name
    path.write_bytes(BIG_INPUTS[name]())
    corpus = "corpus.parquet" if name.endswith(".parquet") else "corpus.jsonl"
    expected = tmp_path / "reference" / corpus
    started = time.monotonic()
    plain = clean(
        str(path), "-o", str(expected), "--manifest", str(expected.with_name("manifest.json"))
    )
    assert plain.wait(timeout=600) == 0
    # The kills wait a random part of a tenth of a whole run once the journal shows the
    # phase they aim at: a fixed span outlasted the run on a fast machine.
    span = (time.monotonic() - started) / 10
    rejected = expected.with_name("corpus.rejects.jsonl").read_bytes()
    assert "jsonl" not in name or rejected.count(b'"detail":"duplicate of r') >= 3
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    out = tmp_path / "killed" / corpus
    args = [str(path), "-o", str(out), "--manifest", str(out.with_name("manifest.json"))]

    first = clean(*args)
    inside = committed(out, lambda entry: entry["phase"] == 0 and entry.get("offset", 0) > 0)
    kill_when(first, after_a_while(inside, rng, span), signal.SIGKILL)
    entry = journal(out)[-1]
    inside_or_past = entry["phase"] == 1 or entry.get("offset", 0) > 0 or entry["input"] == 1
    assert inside_or_past, f"seed {seed}: {entry}"  # past: the pass ended meanwhile

    second = clean(*args, "--resume")
    in_spool = committed(out, lambda entry: entry["phase"] == 1 and entry["spool"] > 0)
    kill_when(second, after_a_while(in_spool, rng, span), signal.SIGKILL, may_end=True)
    if partial_folder(out).exists():  # else it ended, or the kill landed once it published
        entries = journal(out)
        assert not entries or entries[-1]["phase"] == 1, f"seed {seed}"
        third = clean(*args, "--resume")
        _, stderr = third.communicate(timeout=600)
        assert third.returncode == 0, stderr
    assert files(out) == files(expected), f"seed {seed}"
