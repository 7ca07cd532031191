"""Checkpoints: a run's output while it goes, kept so that a killed run can resume.

A run that writes its corpus to a file works in the folder ``<output>.partial/``:

==================  ===============================================================
``run.json``        what the run is: corpuskit version, pipeline config, inputs,
                    options and executor; a resume must be the same run, or it is
                    refused
``pass-N.spool``    what corpus pass N gave, for the phase after it (``run/phases.py``)
``states.pickle``   the corpus steps' fitted states, saved as each pass ends
``corpus.jsonl``    the corpus records so far, uncompressed
``rejects.jsonl``   the rejects so far
``journal.jsonl``   a line about once a second, or sooner after 256 records
                    (``phases.COMMIT_SECONDS``, ``COMMIT_RECORDS``): the phase,
                    where its source stands (``Restart``: the next input, the record
                    inside it, or the offset in a spool), the inputs finished since
                    the line before, the sizes of the phase's files at that point and
                    the run's report so far
``lock``            locked while a run works in the folder
``publishing``      there while the files are published (a resume publishes again)
==================  ===============================================================

Before a journal line is appended, what it counts is flushed to the operating system.
Whenever the process dies (SIGKILL, out of memory, Ctrl-C), the last complete journal
line says where its phase stands and how much of each file is its: a resumed run cuts
the files back to that, takes the finished passes' states from ``states.pickle``, skips
the finished inputs unread (and, inside a JSONL or WARC input, the records before the
restart point, decompressed and discarded but never parsed), and goes on. When the last
input is done, the files are published under their final names (``writers.publish``,
compressed by name) and the folder is removed. Every run that writes a file works this
way, interrupted or not, so a resumed run's output is byte for byte the output of a run
that was never interrupted.

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
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import IO, Any, Self, TypeVar

import orjson

from corpuskit.errors import InputError
from corpuskit.outputs import PARTIAL_LOCK, Outputs
from corpuskit.run.report import RunReport
from corpuskit.run.sources import Restart
from corpuskit.storage import is_url, remove
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

    What the interrupted run left (a new run: nothing): ``report`` as it stood at the
    last journal line, ``states`` the finished passes' saved states (None if none),
    ``restart`` where its phase goes on, ``done`` the inputs that phase finished (in
    order), ``sizes`` the phase's files at that line. ``corpus`` and ``rejects`` are the
    writers the executor writes to; ``folder`` holds the passes' spools.
    """

    def __init__(self, folder: Path, lock: IO[bytes]) -> None:
        self.folder = folder
        self._lock = lock
        self.done: list[str] = []
        self.report = RunReport()
        self.states: list[object] | None = None
        self.restart = Restart()
        self.sizes: dict[str, int] = {}
        self.corpus: PartFile
        self.rejects: PartFile | None = None
        self._journal: IO[bytes]
        self._published_before = False

    @classmethod
    def start(cls, outputs: Outputs, run: Mapping[str, Any], *, resume: bool = False) -> Self:
        """The checkpoint of a run writing ``outputs`` (not a stream), described by
        ``run`` (JSON data).

        Another live run on the same outputs is refused first. A new run refuses to
        start over the partial output of an interrupted one, unless ``resume``; resuming
        continues it if ``run`` is the same, and is a new run when there is nothing to
        resume.
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
            checkpoint._open(checkpoint._entries(run, resume), outputs)
        except OSError as error:
            checkpoint.release()
            raise InputError(f"cannot write {folder}: {error.strerror or error}") from None
        except BaseException:
            checkpoint.release()
            raise
        return checkpoint

    def _entries(self, run: Mapping[str, Any], resume: bool) -> list[dict[str, Any]]:
        """The journal lines to go on from: an interrupted run's, or none (a new run)."""
        if not (self.folder / RUN).is_file():
            self._begin(run)
            return []
        if not resume:
            raise InputError(
                f"{self.folder} holds the partial output of an interrupted run: add --resume "
                "to continue it, or delete that folder to start afresh"
            )
        return self._resumed(run)

    def _begin(self, run: Mapping[str, Any]) -> None:
        """Empty the folder and record what the run is."""
        for name in (STATES, CORPUS, REJECTS, JOURNAL, PUBLISHING):
            (self.folder / name).unlink(missing_ok=True)
        for spool in self.folder.glob("pass-*.spool"):
            spool.unlink()
        _write_atomic(self.folder / RUN, orjson.dumps(run, option=orjson.OPT_INDENT_2))

    def _resumed(self, run: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The journal lines of the interrupted run's last phase that the files still
        cover (refused if that run differs)."""
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
        entries = _journal_lines(self.folder / JOURNAL)
        phase = entries[-1]["phase"] if entries else 0
        kept: list[dict[str, Any]] = []
        for entry in entries:
            if entry["phase"] != phase:
                continue  # an earlier phase's: over
            if any(size > _size(self.folder / name) for name, size in entry["sizes"].items()):
                break  # the files lost what this line counts (a machine crash)
            kept.append(entry)
        self.restart = Restart.from_record(kept[-1]) if kept else Restart(phase)
        return kept

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
        self.done = [path for entry in entries for path in entry["done"]]
        self.sizes = dict(entries[-1]["sizes"]) if entries else {}
        if entries:
            self.report = RunReport.from_record(entries[-1]["report"])
        self.corpus = PartFile(self.folder / CORPUS, self.sizes.get(CORPUS, 0))
        if outputs.rejects is not None:
            self.rejects = PartFile(self.folder / REJECTS, self.sizes.get(REJECTS, 0))
        kept = b"".join(orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE) for entry in entries)
        _write_atomic(self.folder / JOURNAL, kept)
        self._journal = (self.folder / JOURNAL).open("ab")

    def written(self) -> Iterator[dict[str, Any]]:
        """The corpus records written so far (what a resumed run goes on after)."""
        self.corpus.flush()
        with self.corpus.path.open("rb") as lines:
            for line in lines:
                yield orjson.loads(line)

    def save_states(self, states: list[object]) -> None:
        """Keep the corpus steps' fitted states (called as each pass ends)."""
        _write_atomic(self.folder / STATES, pickle.dumps(states, pickle.HIGHEST_PROTOCOL))
        self.states = states

    def commit(
        self,
        restart: Restart,
        done: Sequence[str],
        report: RunReport,
        sizes: Mapping[str, int] | None = None,
    ) -> None:
        """Record that the phase can go on from ``restart``: everything before it is
        written, to the part files or to the pass's files ``sizes`` names (flushed)."""
        if sizes is None:
            sizes = {CORPUS: self.corpus.flush()}
            if self.rejects is not None:
                sizes[REJECTS] = self.rejects.flush()
        entry = {
            **restart.to_record(),
            "done": list(done),
            "sizes": dict(sizes),
            "report": report.to_record(),
        }
        self._journal.write(orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE))
        self._journal.flush()

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
            written = [_inside(shards.folder, name) for name in names]
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


#: The keys every journal line has; a line without them was cut short by a kill.
ENTRY_KEYS = frozenset({"phase", "input", "spool", "done", "sizes", "report"})


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
        if not isinstance(entry, dict) or not entry.keys() >= ENTRY_KEYS:
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


def _inside(folder: str, name: str) -> str:
    """The path (or URL) of the file ``name`` in ``folder``.

    >>> _inside("./out", "part-00000.jsonl"), _inside("s3://b/out", "part-00000.jsonl")
    ('out/part-00000.jsonl', 's3://b/out/part-00000.jsonl')
    """
    return f"{folder.rstrip('/')}/{name}" if is_url(folder) else str(Path(folder) / name)


def _remove(path: str) -> None:
    """Remove the file ``path`` names (where a link points, or at a URL), if there is one."""
    if is_url(path):
        remove(path)
        return
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
