"""Checkpoints: a run's output while it goes, kept so that a killed run can resume.

A run that writes its corpus to a file works in the folder ``<output>.partial/``:

==================  ===============================================================
``run.json``        what the run is: corpuskit version, pipeline config, inputs and
                    options; a resume must be the same run, or it is refused
``states.pickle``   the corpus steps' fitted states, saved when the counting pass ends
``corpus.jsonl``    the corpus records so far, uncompressed
``rejects.jsonl``   the rejects so far
``journal.jsonl``   one line per finished input: its number and path, the sizes of the
                    two files once its records were in, and the run's report so far
``lock``            locked while a run works in the folder
==================  ===============================================================

After each input its records are flushed to the operating system, then its journal line
is appended. Whenever the process dies (SIGKILL, out of memory, Ctrl-C), the last
complete journal line says which inputs are done and how much of each file is theirs:
a resumed run cuts the files back to that, skips those inputs unread, takes the corpus
steps' states from ``states.pickle`` instead of counting again, and goes on. When the
last input is done, the files are published under their final names
(``writers.publish``, compressed by name) and the folder is removed. Every run that
writes a file works this way, interrupted or not, so a resumed run's output is byte for
byte the output of a run that was never interrupted.

Files are synced to disk only when published: after a crash of the whole machine,
data the journal counts may be missing, so a resume keeps only the journal lines that
the files on disk still cover, and redoes the inputs after them.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Self

import orjson

from corpuskit.document import InputEnd
from corpuskit.errors import InputError
from corpuskit.run.report import RunReport
from corpuskit.writers import Shards, publish, publish_shards

#: The folder beside the output, ``corpus.jsonl.gz`` -> ``corpus.jsonl.gz.partial``.
PARTIAL_SUFFIX = ".partial"

RUN, STATES, CORPUS, REJECTS, JOURNAL, LOCK = (
    "run.json",
    "states.pickle",
    "corpus.jsonl",
    "rejects.jsonl",
    "journal.jsonl",
    "lock",
)


def partial_folder(output: str | os.PathLike[str] | Shards) -> Path:
    """Where a run writing ``output`` (a file, or a folder of shards) keeps its partial
    output: beside it, never inside a shard folder.

    >>> str(partial_folder("out/corpus.jsonl.gz")), str(partial_folder(Shards("out/")))
    ('out/corpus.jsonl.gz.partial', 'out.partial')
    """
    name = output.folder.rstrip("/") if isinstance(output, Shards) else os.fspath(output)
    return Path(f"{name}{PARTIAL_SUFFIX}")


class PartFile:
    """An append-only JSONL file of the checkpoint (a ``writers.Writer``)."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        path.touch()
        os.truncate(path, size)
        self._file: IO[bytes] = path.open("ab")

    def write(self, line: bytes) -> None:
        self._file.write(line)

    def flush(self) -> int:
        """Hand what was written to the operating system; the file's size."""
        self._file.flush()
        return self._file.tell()

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()

    def discard(self) -> None:
        self._file.close()


class Checkpoint:
    """The partial output of a run writing to one file: open it with ``Checkpoint.start``.

    ``done`` holds the paths of the finished inputs (in order), ``report`` the run's
    report as it stood after the last of them, ``states`` the corpus steps' saved states
    (None until the counting pass is over). ``corpus`` and ``rejects`` are the writers
    the executor writes to.
    """

    def __init__(self, folder: Path, lock: IO[bytes]) -> None:
        self.folder = folder
        self._lock = lock
        self.done: list[str] = []
        self.report = RunReport()
        self.states: list[object] | None = None
        self.corpus: PartFile
        self.rejects: PartFile | None = None
        self._journal: IO[bytes]

    @classmethod
    def start(
        cls,
        output: str | Shards,
        run: Mapping[str, Any],
        *,
        resume: bool = False,
        rejects: bool = True,
        corpus_steps: int = 0,
    ) -> Self:
        """The checkpoint of a run writing ``output``, described by ``run`` (JSON data).

        A new run refuses to start over the partial output of an interrupted one, unless
        ``resume``; resuming continues it if ``run`` is the same, and is a new run when
        there is nothing to resume. ``rejects``: whether the run keeps a rejects file;
        ``corpus_steps``: how many states the pipeline's corpus steps save.
        """
        folder = partial_folder(output)
        started = (folder / RUN).is_file()
        if started and not resume:
            raise InputError(
                f"{folder} holds the partial output of an interrupted run: add --resume to "
                "continue it, or delete that folder to start afresh"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
            shown = output.folder if isinstance(output, Shards) else output
            checkpoint = cls(folder, _locked(folder / LOCK, shown))
        except OSError as error:
            raise InputError(f"cannot write {folder}: {error.strerror or error}") from None
        try:
            entries = checkpoint._resumed(run, corpus_steps) if started else []
            if not started:
                checkpoint._begin(run)
            checkpoint._open(entries, rejects)
        except OSError as error:
            checkpoint.release()
            raise InputError(f"cannot write {folder}: {error.strerror or error}") from None
        except BaseException:
            checkpoint.release()
            raise
        return checkpoint

    def _begin(self, run: Mapping[str, Any]) -> None:
        """Empty the folder and record what the run is."""
        for name in (STATES, CORPUS, REJECTS, JOURNAL):
            (self.folder / name).unlink(missing_ok=True)
        _write_atomic(self.folder / RUN, orjson.dumps(run, option=orjson.OPT_INDENT_2))

    def _resumed(self, run: Mapping[str, Any], corpus_steps: int) -> list[dict[str, Any]]:
        """The journal lines to keep from the interrupted run (refused if it differs)."""
        saved = orjson.loads((self.folder / RUN).read_bytes())
        differ = sorted(key for key in {*saved, *run} if saved.get(key) != run.get(key))
        if differ:
            raise InputError(
                f"cannot resume: the interrupted run in {self.folder} differs in "
                f"{', '.join(differ)}; run as it was, or delete that folder to start afresh"
            )
        states = self.folder / STATES
        if states.is_file():
            self.states = pickle.loads(states.read_bytes())
        if corpus_steps and (self.states is None or len(self.states) != corpus_steps):
            self.states = None
            return []  # killed while counting: nothing was written yet
        sizes = {name: _size(self.folder / name) for name in (CORPUS, REJECTS)}
        entries: list[dict[str, Any]] = []
        for entry in _journal_lines(self.folder / JOURNAL):
            if entry["corpus"] > sizes[CORPUS] or entry["rejects"] > sizes[REJECTS]:
                break  # the files lost what this line counts (a machine crash)
            entries.append(entry)
        return entries

    def _open(self, entries: Sequence[dict[str, Any]], rejects: bool) -> None:
        """Cut the files back to the last kept journal line and open them to append."""
        last: dict[str, Any] = entries[-1] if entries else {"corpus": 0, "rejects": 0}
        self.done = [entry["path"] for entry in entries]
        if entries:
            self.report = RunReport.from_record(last["report"])
        self.corpus = PartFile(self.folder / CORPUS, last["corpus"])
        self.rejects = PartFile(self.folder / REJECTS, last["rejects"]) if rejects else None
        kept = b"".join(orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE) for entry in entries)
        _write_atomic(self.folder / JOURNAL, kept)
        self._journal = (self.folder / JOURNAL).open("ab")

    def save_states(self, states: list[object]) -> None:
        """Keep the corpus steps' fitted states (called when the counting pass ends)."""
        _write_atomic(self.folder / STATES, pickle.dumps(states, pickle.HIGHEST_PROTOCOL))
        self.states = states

    def input_done(self, end: InputEnd, report: RunReport) -> None:
        """Record that every record of the input ``end`` marks is written."""
        if end.index != len(self.done):
            raise ValueError(f"input {end.index} ended after {len(self.done)} inputs")
        entry = {
            "input": end.index,
            "path": end.path,
            "corpus": self.corpus.flush(),
            "rejects": self.rejects.flush() if self.rejects else 0,
            "report": report.to_record(),
        }
        self._journal.write(orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE))
        self._journal.flush()
        self.done.append(end.path)

    def publish(self, output: str | Shards, rejects: str | None) -> list[str]:
        """Put the finished files under their final names and remove the folder; the
        corpus files written (one, or the shards in order)."""
        self.corpus.close()
        if self.rejects is not None and rejects is not None:
            self.rejects.close()
            publish(self.rejects.path, rejects)
        if isinstance(output, Shards):
            written = [
                str(Path(output.folder) / name) for name in publish_shards(self.corpus.path, output)
            ]
        else:
            publish(self.corpus.path, output)
            written = [output]
        self.release()
        shutil.rmtree(self.folder, ignore_errors=True)
        return written

    def discard(self) -> None:
        """Throw the partial output away (a strict run that stopped writes nothing)."""
        self.release()
        shutil.rmtree(self.folder, ignore_errors=True)

    def release(self) -> None:
        """Close the files and unlock the folder, keeping it for a resume."""
        for part in (getattr(self, "corpus", None), self.rejects):
            if part is not None:
                part.discard()
        if hasattr(self, "_journal"):
            self._journal.close()
        self._lock.close()


def _locked(path: Path, output: str) -> IO[bytes]:
    """``path`` opened and locked; another live run holding it is an error.

    A POSIX record lock (``lockf``), not ``flock``: it belongs to this process alone, so
    worker processes forked from it do not hold it, and it goes when the process dies.
    """
    lock = path.open("ab")
    try:
        fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        raise InputError(f"another corpuskit run is writing {output}") from None
    return lock


def _journal_lines(path: Path) -> list[dict[str, Any]]:
    """The complete lines of a journal, in order (a line cut short by a kill ends it)."""
    if not path.is_file():
        return []
    entries: list[dict[str, Any]] = []
    for line in path.read_bytes().split(b"\n"):
        try:
            entry = orjson.loads(line)
        except orjson.JSONDecodeError:
            break
        if entry.get("input") != len(entries):
            break
        entries.append(entry)
    return entries


def _size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else 0


def _write_atomic(path: Path, data: bytes) -> None:
    """Write a small file under a temporary name, then rename it into place."""
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_bytes(data)
    os.replace(temp, path)
