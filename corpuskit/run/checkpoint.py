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
``publishing``      there while the files are published (a resume publishes again)
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

``run.json`` and ``states.pickle`` are written whole, under a temporary name, synced
(file and folder) and renamed, so a crash of the whole machine leaves the old or the
new one, never a torn one; a damaged one (a disk error, a hand edit) is one clear error
saying how to start afresh. The part files and the journal are synced only when
published: after such a crash, data the journal counts may be missing, so a resume
keeps only the journal lines that the files on disk still cover, and redoes the inputs
after them.

The lock is taken before anything else is looked at, so a live run's folder is never
taken for an interrupted one; and before publishing, the run checks that its folder is
still the one it locked (one deleted and made again by another run is not published).
Publishing goes in an order that keeps the final names consistent at every instant:
the old manifest and rejects file are removed, then the corpus, the rejects file and
the manifest appear, each atomically. A reader never sees a rejects file or a manifest
beside a corpus they do not belong to.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import IO, Any, Self, TypeVar

import orjson

from corpuskit.document import InputEnd
from corpuskit.errors import InputError
from corpuskit.outputs import PARTIAL_LOCK, Outputs
from corpuskit.run.report import RunReport
from corpuskit.writers import is_stream, publish, publish_shards, resolved, sync_folder, write_json

RUN, STATES, CORPUS, REJECTS, JOURNAL, LOCK, PUBLISHING = (
    "run.json",
    "states.pickle",
    "corpus.jsonl",
    "rejects.jsonl",
    "journal.jsonl",
    PARTIAL_LOCK,
    "publishing",
)


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
    """The partial output of a run writing to files: open it with ``Checkpoint.start``.

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
        self._published_before = False

    @classmethod
    def start(
        cls,
        outputs: Outputs,
        run: Mapping[str, Any],
        *,
        resume: bool = False,
        corpus_steps: int = 0,
    ) -> Self:
        """The checkpoint of a run writing ``outputs`` (not a stream), described by
        ``run`` (JSON data).

        Another live run on the same outputs is refused first. A new run refuses to
        start over the partial output of an interrupted one, unless ``resume``; resuming
        continues it if ``run`` is the same, and is a new run when there is nothing to
        resume. ``corpus_steps``: how many states the pipeline's corpus steps save.
        """
        folder = outputs.partial
        if folder is None:
            raise ValueError("a stream output has no checkpoint")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            checkpoint = cls(folder, _locked(folder / LOCK, outputs.corpus, folder))
        except OSError as error:
            raise InputError(f"cannot write {folder}: {error.strerror or error}") from None
        try:
            checkpoint._open(checkpoint._entries(run, resume, corpus_steps), outputs)
        except OSError as error:
            checkpoint.release()
            raise InputError(f"cannot write {folder}: {error.strerror or error}") from None
        except BaseException:
            checkpoint.release()
            raise
        return checkpoint

    def _entries(
        self, run: Mapping[str, Any], resume: bool, corpus_steps: int
    ) -> list[dict[str, Any]]:
        """The journal lines to go on from: an interrupted run's, or none (a new run)."""
        if not (self.folder / RUN).is_file():
            self._begin(run)
            return []
        if not resume:
            raise InputError(
                f"{self.folder} holds the partial output of an interrupted run: add --resume "
                "to continue it, or delete that folder to start afresh"
            )
        return self._resumed(run, corpus_steps)

    def _begin(self, run: Mapping[str, Any]) -> None:
        """Empty the folder and record what the run is."""
        for name in (STATES, CORPUS, REJECTS, JOURNAL, PUBLISHING):
            (self.folder / name).unlink(missing_ok=True)
        _write_atomic(self.folder / RUN, orjson.dumps(run, option=orjson.OPT_INDENT_2))

    def _resumed(self, run: Mapping[str, Any], corpus_steps: int) -> list[dict[str, Any]]:
        """The journal lines to keep from the interrupted run (refused if it differs)."""
        saved = self._load(RUN, orjson.loads)
        if not isinstance(saved, dict):
            raise self._damaged(RUN, "not a JSON object")
        was, now = _leaves(saved), _leaves(run)
        differ = sorted(key for key in {*was, *now} if was.get(key) != now.get(key))
        if differ:
            raise InputError(
                f"cannot resume: the interrupted run in {self.folder} differs in "
                f"{', '.join(differ)}; run as it was, or delete that folder to start afresh"
            )
        if (self.folder / STATES).is_file():
            self.states = self._load(STATES, pickle.loads)
        self._published_before = (self.folder / PUBLISHING).is_file()
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

    def _load(self, name: str, parse: Callable[[bytes], Any]) -> Any:
        """The checkpoint file ``name`` parsed; a damaged one is an ``InputError``."""
        try:
            return parse((self.folder / name).read_bytes())
        except OSError:
            raise
        except Exception as error:
            raise self._damaged(name, f"{type(error).__name__}: {error}") from None

    def _damaged(self, name: str, why: str) -> InputError:
        return InputError(
            f"the partial output in {self.folder} is damaged ({name}: {why}); it cannot be "
            "resumed: delete that folder to start afresh"
        )

    def _open(self, entries: Sequence[dict[str, Any]], outputs: Outputs) -> None:
        """Cut the files back to the last kept journal line and open them to append."""
        last: dict[str, Any] = entries[-1] if entries else {"corpus": 0, "rejects": 0}
        self.done = [entry["path"] for entry in entries]
        if entries:
            self.report = RunReport.from_record(last["report"])
        self.corpus = PartFile(self.folder / CORPUS, last["corpus"])
        if outputs.rejects is not None:
            self.rejects = PartFile(self.folder / REJECTS, last["rejects"])
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

    def publish(
        self, outputs: Outputs, manifest: Callable[[list[str]], Mapping[str, Any]] | None = None
    ) -> list[str]:
        """Put the finished files under their final names and remove the folder; the
        corpus files written (one, or the shards in order).

        ``manifest`` makes the manifest's record from those names; it is written last.
        An error names the file it happened to and keeps the folder, to publish again
        with ``--resume``.
        """
        self._check_still_ours()
        self.corpus.close()
        if self.rejects is not None:
            self.rejects.close()
        again = self._published_before
        _write_atomic(self.folder / PUBLISHING, b"")
        for path in (outputs.manifest, outputs.rejects):
            if path is not None and not is_stream(path):
                self._publishing(path, partial(_remove, path))
        if outputs.shards is not None:
            shards = outputs.shards
            names = self._publishing(
                shards.folder, lambda: publish_shards(self.corpus.path, shards, again=again)
            )
            written = [str(Path(shards.folder) / name) for name in names]
        else:
            self._publishing(outputs.corpus, lambda: publish(self.corpus.path, outputs.corpus))
            written = [outputs.corpus]
        if self.rejects is not None and outputs.rejects is not None:
            rejects, part = outputs.rejects, self.rejects.path
            self._publishing(rejects, lambda: publish(part, rejects))
        if manifest is not None and outputs.manifest is not None:
            record, target = manifest(written), outputs.manifest
            self._publishing(target, lambda: write_json(target, record))
        self.release()
        shutil.rmtree(self.folder, ignore_errors=True)
        return written

    def _publishing(self, target: str, action: Callable[[], T]) -> T:
        """``action()``, an ``OSError`` told as the error of ``target``."""
        try:
            return action()
        except OSError as error:
            raise InputError(
                f"cannot write {target}: {error.strerror or error}; the run is kept in "
                f"{self.folder}: fix that and run again with --resume"
            ) from None

    def _check_still_ours(self) -> None:
        """Refuse to publish from a folder that is no longer the one this run locked
        (deleted while the run worked, and maybe made again by another run)."""
        try:
            now = os.stat(self.folder / LOCK)
        except OSError:
            now = None
        held = os.fstat(self._lock.fileno())
        if now is None or (now.st_dev, now.st_ino) != (held.st_dev, held.st_ino):
            raise InputError(
                f"{self.folder} was removed while this run worked in it: nothing was "
                "published; run the command again"
            )

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


T = TypeVar("T")


def _locked(path: Path, output: str, folder: Path) -> IO[bytes]:
    """``path`` opened and locked; another live run holding it is an error.

    A POSIX record lock (``lockf``), not ``flock``: it belongs to this process alone, so
    worker processes forked from it do not hold it, and it goes when the process dies.
    """
    lock = path.open("ab")
    try:
        fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        raise InputError(
            f"another corpuskit run is writing {output} (it works in {folder}); wait for it to end"
        ) from None
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
        if not isinstance(entry, dict) or entry.get("input") != len(entries):
            break
        entries.append(entry)
    return entries


def _leaves(record: Mapping[str, Any]) -> dict[str, Any]:
    """A run's description flattened to its settings by name (``read.extractor`` is
    ``extractor``), so a refused resume names the setting that differs.

    >>> _leaves({"read": {"extractor": "x", "limits": {"max_file_bytes": 1}}, "audit": True})
    {'extractor': 'x', 'max_file_bytes': 1, 'audit': True}
    """
    flat: dict[str, Any] = {}
    for key, value in record.items():
        flat.update(_leaves(value) if isinstance(value, Mapping) else {key: value})
    return flat


def _remove(path: str) -> None:
    """Remove the file ``path`` names (where a link points), if there is one."""
    Path(resolved(path)).unlink(missing_ok=True)


def _size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else 0


def _write_atomic(path: Path, data: bytes) -> None:
    """Write a small file durably: under a temporary name, synced, renamed into place,
    the folder synced."""
    temp = path.with_name(f".{path.name}.tmp")
    with temp.open("wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temp, path)
    sync_folder(path.parent)
