"""Input specs to inputs: files, folders walked recursively, glob patterns and stdin.

Every spec is accounted for. A spec that names nothing, a folder that cannot be listed and
a folder that leads back into itself each become a ``Drop`` (step ``read``); only hidden
files and folders (name starting with ``.``) found *inside* a folder are skipped, as
version-control and editor files live there. A hidden path given by name is read.

The order is deterministic: specs in the order given, and inside a folder or a glob's
matches, paths sorted as strings.
"""

from __future__ import annotations

import glob
import io
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO

from corpuskit.document import Drop, Source

#: The spec that means standard input.
STDIN = "-"

_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class Input:
    """One input to read: the path to record in ``Source.path`` and how to open it.

    ``open`` returns a fresh, seekable binary stream of the raw (maybe compressed) bytes
    on every call, so an input can be sniffed and then read from its start.
    """

    path: str
    open: Callable[[], BinaryIO]


def expand(specs: Iterable[str], stdin: BinaryIO | None = None) -> Iterator[Input | Drop]:
    """Every input the ``specs`` name, or a ``Drop`` for what cannot be read.

    ``stdin`` is read for the spec ``-`` (``sys.stdin.buffer`` when None).
    """
    for spec in specs:
        if spec == STDIN:
            yield _spooled(STDIN, (stdin if stdin is not None else sys.stdin.buffer).read)
        elif os.path.isdir(spec):
            yield from _walk(spec)
        elif os.path.exists(spec):
            yield _file(spec)
        elif _GLOB_CHARS.intersection(spec):
            yield from _matches(spec)
        else:
            yield not_found(spec, "no such file or directory")


def input_drop(path: str, reason: str, detail: str, format: str | None = None) -> Drop:
    """The drop for an input that failed as a whole, before any record of it was read."""
    return Drop("read", reason, Source(path=path, format=format or "unknown", sha256=""), detail)


def not_found(spec: str, detail: str) -> Drop:
    """The drop for a spec that names no file."""
    return input_drop(spec, "not_found", detail)


def unreadable(path: str, detail: str) -> Drop:
    """The drop for an input that exists but cannot be read."""
    return input_drop(path, "unreadable", detail)


def _file(path: str) -> Input | Drop:
    """A named file; a pipe or device (``/dev/stdin``) is read once, into memory."""
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except OSError as exc:
        return unreadable(path, exc.strerror or str(exc))
    if regular:
        return Input(path, lambda: open(path, "rb"))
    return _spooled(path, Path(path).read_bytes)


def _spooled(path: str, read: Callable[[], bytes]) -> Input | Drop:
    """An input whose bytes can be read only once (stdin, a pipe), kept in memory."""
    try:
        data = read()
    except OSError as exc:
        return unreadable(path, exc.strerror or str(exc))
    return Input(path, partial(io.BytesIO, data))


def _matches(pattern: str) -> Iterator[Input | Drop]:
    """What a glob pattern matches (folders walked), sorted; not_found when nothing.

    Like a shell, ``*`` and ``**`` match no hidden names.
    """
    found = sorted(glob.glob(pattern, recursive=True))
    if not found:
        yield not_found(pattern, "no file matches the pattern")
    for path in found:
        if os.path.isdir(path):
            yield from _walk(path)
        else:
            yield _file(path)


def _walk(top: str) -> Iterator[Input | Drop]:
    """The files under folder ``top``, sorted by path, hidden names skipped."""
    for path, problem in sorted(_tree(top), key=lambda found: found[0]):
        yield _file(path) if problem is None else unreadable(path, problem)


def _tree(top: str) -> list[tuple[str, str | None]]:
    """Each file under ``top`` as ``(path, None)``, each folder that failed as ``(path, why)``.

    Symbolic links are followed; one that leads back to a folder above it is a loop.
    """
    found: list[tuple[str, str | None]] = []
    pending: list[tuple[str, frozenset[tuple[int, int]]]] = [(top, frozenset())]
    while pending:
        folder, above = pending.pop()
        try:
            info = os.stat(folder)
            key = (info.st_dev, info.st_ino)
            if key in above:
                found.append((folder, "directory loop: the folder contains itself"))
                continue
            folders, files = _entries(folder)
        except OSError as exc:
            found.append((folder, exc.strerror or str(exc)))
            continue
        pending.extend((path, above | {key}) for path in folders)
        found.extend((path, None) for path in files)
    return found


def _entries(folder: str) -> tuple[list[str], list[str]]:
    """The paths of the folders and of the other entries in ``folder``, hidden ones left out."""
    folders: list[str] = []
    files: list[str] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if not entry.name.startswith("."):
                (folders if entry.is_dir() else files).append(entry.path)
    return folders, files
