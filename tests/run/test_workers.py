"""Worker processes: the same bytes as one process, in order, and a dying worker costs one
document, never the run."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import orjson
import pytest

from corpuskit.api import clean_files
from corpuskit.document import Document
from corpuskit.errors import RunStopped
from corpuskit.outputs import partial_folder
from corpuskit.pipeline import Pipeline
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.run.executor import Job
from corpuskit.run.local import LocalExecutor
from corpuskit.run.pool import WorkerPool, batched
from tests import hostile
from tests.conftest import bench_pages, run_job, seed_pages
from tests.run.test_resume import finished, kill_when, polling


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real pages (every 12th traf-dev page: skips without it), inputs that end as
    rejects, JSONL records and Parquet rows."""
    sources = bench_pages("*.txt")[::12]
    folder = tmp_path_factory.mktemp("workers") / "inputs"
    folder.mkdir()
    for number, source in enumerate(sources):
        (folder / f"{number:03d}_{source.name}").write_bytes(source.read_bytes())
    cases = (hostile.empty_files, hostile.binary_files, hostile.jsonl_records)
    for case in (*cases, hostile.parquet_files):
        case(folder)
    return folder


@pytest.mark.parametrize(
    ("audit", "corpus"),
    [(False, "corpus.jsonl.gz"), (True, "corpus.jsonl.gz"), (False, "corpus.parquet")],
)
def test_two_workers_write_the_bytes_one_process_writes(
    pages: Path, tmp_path: Path, audit: bool, corpus: str
) -> None:
    """With the corpus pass (repeated lines), rejects, JSONL records, Parquet rows,
    audits, and a Parquet corpus."""
    outputs = {}
    for workers in (1, 2):
        out = tmp_path / f"w{workers}" / corpus
        rejects = out.with_name("rejects.jsonl")
        report = clean_files(
            [str(pages)],
            str(out),
            rejects=str(rejects),
            audit=audit,
            executor=LocalExecutor(workers=workers),
        )
        outputs[workers] = (out.read_bytes(), rejects.read_bytes(), report.to_record())
    assert outputs[1] == outputs[2]
    assert outputs[1][2]["rejected"] > 0 and outputs[1][2]["written"] > 40


def crash_on_marker(doc: Document) -> Document:
    """A step that kills its own process on a page that says so, as a crash in C would."""
    if "KILL-THE-WORKER" in doc.text:
        os.kill(os.getpid(), signal.SIGKILL)
    return doc


def long_page(number: int) -> str:
    """A page of some 60 KB: 40 of them are work for two workers (``useful_workers``)."""
    sentence = f"Seite {number}: Die Stadt baut eine neue Brücke über den Fluss, Absatz"
    return "\n\n".join(f"{sentence} {line}." for line in range(800))


def test_a_dying_worker_costs_its_document_only(tmp_path: Path) -> None:
    texts = [long_page(n) for n in range(40)]
    texts[17] = "KILL-THE-WORKER, then the others must still come out in order."
    for number, text in enumerate(texts):
        (tmp_path / f"{number:02d}.txt").write_text(text, encoding="utf-8")
    pipeline = Pipeline([crash_on_marker, *default_pipeline().steps])
    executor = LocalExecutor(workers=2, chunk_size=4)
    assert executor.used(Job((str(tmp_path),), pipeline)) == 2
    report, corpus, rejects = run_job(executor, [str(tmp_path)], pipeline)
    paths = [Path(r["source"]["path"]).name for r in corpus.records]
    assert paths == [f"{n:02d}.txt" for n in range(40) if n != 17]
    assert [(r["step"], r["reason"]) for r in rejects.records] == [("pipeline", "worker_died")]
    assert rejects.records[0]["source"]["path"].endswith("17.txt")
    assert report.read == 40 and report.rejected == 1


def test_strict_stops_at_the_first_reject_in_input_order(tmp_path: Path) -> None:
    for number in range(30):
        text = "" if number in (11, 23) else f"Seite {number}: Die Stadt baut eine Brücke."
        (tmp_path / f"{number:02d}.txt").write_text(text, encoding="utf-8")
    executor = LocalExecutor(workers=2, chunk_size=2)
    with pytest.raises(RunStopped) as stopped:
        run_job(executor, [str(tmp_path)], default_pipeline(), strict=True)
    assert stopped.value.drop.source.path.endswith("11.txt")


def test_serial_and_process_executors_agree_on_every_item(pages: Path) -> None:
    """The same records and rejects, in the same order, through the library."""
    results = []
    for executor in (LocalExecutor(), LocalExecutor(workers=2)):
        _, corpus, rejects = run_job(executor, [str(pages)], default_pipeline())
        results.append((corpus.records, rejects.records))
    assert results[0] == results[1]


def test_the_pool_keeps_order_and_bounds_what_it_reads() -> None:
    pulled = []

    def numbers() -> object:
        for n in range(1000):
            pulled.append(n)
            yield n

    pool = WorkerPool(workers=2, chunk_size=5, ahead=2)
    stream = pool.map(abs, numbers(), lambda item, detail: None)
    first = [next(stream) for _ in range(3)]
    assert first == [0, 1, 2]
    assert len(pulled) <= 5 * 2 * 2 + 5, "reads a few chunks ahead, not the whole input"
    assert first + list(stream) == list(range(1000))
    assert list(batched([], 3)) == []


def test_sigkill_with_workers_then_resume(pages: Path, tmp_path: Path) -> None:
    """A killed two-worker run leaves no worker behind holding the output, and resumes
    to the bytes of an uninterrupted run."""
    reference = tmp_path / "reference.jsonl"
    clean_files([str(pages)], str(reference), executor=LocalExecutor(workers=1))
    out = tmp_path / "corpus.jsonl"
    command = [sys.executable, "-m", "corpuskit", "clean", str(pages), "-o", str(out)]
    process = subprocess.Popen([*command, "--workers", "2", "-q"], stderr=subprocess.PIPE)
    kill_when(process, polling(lambda: finished(out) >= 10), signal.SIGKILL)
    deadline = time.monotonic() + 10
    while running(str(out)) and time.monotonic() < deadline:
        time.sleep(0.1)
    if Path("/proc/self").is_dir():  # Linux: no worker outlives its parent
        assert running(str(out)) == [], "the workers end with their parent"
    resumed = subprocess.run(
        [*command, "--workers", "2", "--resume", "-q"], capture_output=True, timeout=300
    )
    assert resumed.returncode == 0, resumed.stderr  # rejects are a normal outcome
    assert out.read_bytes() == reference.read_bytes()
    assert not partial_folder(out).exists()


def running(marker: str) -> list[int]:
    """The processes whose command line holds ``marker`` (Linux's /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_drops_and_documents_pass_through_in_order() -> None:
    """What the pool hands the writing loop when given drops among documents."""
    inputs = [str(p) for p in seed_pages()]
    _, corpus, _ = run_job(LocalExecutor(workers=2), inputs, default_pipeline())
    assert [r["source"]["path"] for r in corpus.records] == [str(p) for p in seed_pages()]


def on_a_terminal(command: list[str]) -> list[str]:
    """The lines ``command`` draws on its stderr when that is a terminal of 120 columns
    (every redraw of the live display a line of its own, escape sequences removed);
    ``COLUMNS`` left out of its environment (pytest sets it to 80)."""
    main, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    sized = {name: value for name, value in os.environ.items() if name not in ("COLUMNS", "LINES")}
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal, env=sized
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    process.wait(timeout=300)
    os.close(main)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode("utf-8", "replace"))
    return [line for line in re.split(r"[\r\n]+", text) if line.strip()]


#: A phase's line: number/phases, name, records, records/s, bar, bytes read/all (in one
#: unit), time taken, time left.
PHASE_LINE = re.compile(
    r"(\d)/(\d) (count repeated_lines|clean) +([\d,]+) records +(\d+)/s .* "
    r"([\d.]+)/([\d.]+) (?:bytes|[kMGT]B) +\d+:\d\d:\d\d +(\d+:\d\d:\d\d|-:--:--)"
)


def phase_lines(lines: list[str]) -> list[tuple[str, int, float, float, str]]:
    """(phase, records, read, in all, time left) of each drawn phase line."""
    found = [PHASE_LINE.search(line) for line in lines]
    return [(m[3], int(m[4].replace(",", "")), float(m[6]), float(m[7]), m[8]) for m in found if m]


def test_a_progress_bar_on_a_terminal_only(pages: Path, tmp_path: Path) -> None:
    """On a terminal: a line per phase (the counting pass, then cleaning), each with
    records, a rate, the megabytes of its source read and a time left; piped or quiet:
    the summary only, or nothing."""
    command = [sys.executable, "-m", "corpuskit", "clean", str(pages), "-o"]
    lines = on_a_terminal([*command, str(tmp_path / "a.jsonl"), "--workers", "1"])
    drawn = phase_lines(lines)
    assert {phase for phase, *_ in drawn} == {"count repeated_lines", "clean"}
    assert any(left != "-:--:--" and 0 < read < total for _, _, read, total, left in drawn)
    assert any(line.startswith("pages: ") for line in lines)  # then the summary

    piped = subprocess.run(
        [*command, str(tmp_path / "b.jsonl"), "--workers", "1"], capture_output=True, text=True
    )
    assert "records" not in piped.stderr and piped.stderr.startswith("pages: ")
    quiet = on_a_terminal([*command, str(tmp_path / "c.jsonl"), "--workers", "1", "-q"])
    assert quiet == []


def test_one_big_input_moves_the_bar(pages: Path, tmp_path: Path) -> None:
    """A single JSONL input: its bytes read move both phases' bars, with a time left."""
    dump = tmp_path / "dump.jsonl"
    with dump.open("wb") as out:  # each page 4 times: a counting pass the bar can follow
        for copy in range(4):
            for page in sorted(pages.glob("*.txt")):
                text = page.read_text(encoding="utf-8", errors="replace")
                out.write(orjson.dumps({"id": f"{copy}-{page.name}", "text": text}) + b"\n")
    command = [
        sys.executable,
        "-m",
        "corpuskit",
        "clean",
        str(dump),
        "-o",
        str(tmp_path / "o.jsonl"),
    ]
    drawn = phase_lines(on_a_terminal([*command, "--workers", "1"]))
    for phase in ("count repeated_lines", "clean"):
        moving = [
            (read, left)
            for name, _, read, total, left in drawn
            if name == phase and 0 < read < total
        ]
        assert moving and any(left != "-:--:--" for _, left in moving), phase


def test_workers_beyond_the_work_are_capped_with_one_note(tmp_path: Path) -> None:
    """``--workers 32`` on one page: cleaned in this process, one warning line says so;
    no flag: as many as useful, without a word (the reason is logged with -v)."""
    page = str(seed_pages()[0])
    command = [sys.executable, "-m", "corpuskit", "clean", page, "-o", str(tmp_path / "a.jsonl")]
    many = subprocess.run([*command, "--workers", "32"], capture_output=True, text=True)
    assert many.returncode == 0, many.stderr
    [note] = [line for line in many.stderr.splitlines() if "workers" in line]
    assert note.startswith("corpuskit: workers: 32 asked, 1 used (the inputs hold work for 1")
    plain = subprocess.run(command, capture_output=True, text=True)
    assert "workers" not in plain.stderr
    verbose = subprocess.run([*command, "-v"], capture_output=True, text=True)
    assert "asked, 1 used" in verbose.stderr


def test_the_work_of_the_inputs_decides_the_workers(tmp_path: Path) -> None:
    """One worker per MiB of input, a compressed input counted five times its size."""
    from corpuskit.run.local import useful_workers

    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    small.write_text(long_page(0), encoding="utf-8")
    big.write_text(long_page(1) * 40, encoding="utf-8")  # about 2.4 MB
    assert useful_workers(Job((str(small),), default_pipeline())) == 1
    assert useful_workers(Job((str(big),), default_pipeline())) == 3
    packed = tmp_path / "packed.jsonl.gz"
    packed.write_bytes(os.urandom(300_000))  # 300 KB stored, counted as 1.5 MB
    assert useful_workers(Job((str(packed),), default_pipeline())) == 2
