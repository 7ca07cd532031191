"""Input specs to inputs: files, folders walked recursively, glob patterns, stdin and
URLs (``s3://``, ``gs://``, ``hf://``, ``https://``, ``file://``: ``corpuskit.storage``
lists and opens them, so every reader reads them as it reads local files).

Every spec is accounted for. A spec that names nothing, a folder that cannot be listed and
a folder that leads back into itself each become a ``Drop`` (step ``read``); only hidden
files and folders (name starting with ``.``) found *inside* a folder are skipped, as
version-control and editor files live there. A hidden path given by name is read.

Only regular files are read from folders and glob matches: a named pipe, socket or
device found there is a ``not_a_file`` drop, never opened (a FIFO with no writer would
block the run). Named explicitly, such a file is read like ``cat`` reads it (``-``,
``/dev/stdin``, ``<(zcat dump.gz)``), except that the open never waits: a FIFO no process
writes to reads as empty.

The order is deterministic: specs in the order given, and inside a folder or a glob's
matches, paths sorted as strings.

File names are kept as Python holds them: bytes that are not UTF-8 become lone
surrogates (``surrogateescape``). ``printable_path`` and ``quoted_path`` give the two
forms a record needs: valid UTF-8 text, and the exact bytes.
"""

from __future__ import annotations

import glob
import logging
import os
import re
import stat
import sys
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO

from corpuskit.document import Drop, Source
from corpuskit.errors import InputError
from corpuskit.outputs import is_partial_folder
from corpuskit.readers.streams import prefixed
from corpuskit.storage import checking, described, is_url, listing, open_url

log = logging.getLogger(__name__)

#: The spec that means standard input.
STDIN = "-"

_GLOB_CHARS = frozenset("*?[")

_SURROGATE = re.compile("[\ud800-\udfff]")

#: File types that are not regular files, as named in ``not_a_file`` drops.
SPECIAL_FILES: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


@dataclass(frozen=True, slots=True)
class Input:
    """One input to read: the path to record in ``Source.path`` and how to open it.

    ``open`` returns a binary stream of the raw (maybe compressed) bytes, to be read once
    from its start: it may be a pipe, which cannot be rewound.
    """

    path: str
    open: Callable[[], BinaryIO]


def expand(
    specs: Iterable[str], stdin: BinaryIO | None = None, *, follow_links: bool = False
) -> Iterator[Input | Drop]:
    """Every input the ``specs`` name, or a ``Drop`` for what cannot be read.

    ``stdin`` is read for the spec ``-`` (``sys.stdin.buffer`` when None). Links found in
    a folder that lead out of it are ``link_outside`` drops unless ``follow_links``.
    """
    for spec in specs:
        if spec == STDIN:
            yield Input(STDIN, partial(_borrowed, stdin))
        elif is_url(spec):
            yield from _remote(spec)
        elif os.path.isdir(spec):
            yield from _walk(spec, follow_links)
        elif os.path.exists(spec):
            yield _file(spec, found=False)
        elif _GLOB_CHARS.intersection(spec):
            yield from _matches(spec, follow_links)
        else:
            yield not_found(spec, "no such file or directory")


def check_specs(specs: Iterable[str], *, allow_missing: bool = False) -> None:
    """Raise ``InputError`` for a spec that names nothing (a missing path, a pattern that
    matches nothing), unless ``allow_missing`` (then it is a ``not_found`` drop as the
    run reads). Logs a warning for a folder or pattern that holds no file to read."""
    for spec in specs:
        if spec == STDIN:
            continue
        if is_url(spec):
            _check_url(spec, allow_missing)
            continue
        if not os.path.lexists(spec) and not (_GLOB_CHARS.intersection(spec) and glob.glob(spec)):
            if allow_missing:
                continue
            what = "no file matches" if _GLOB_CHARS.intersection(spec) else "no such file:"
            raise InputError(
                f"input {what} {spec} (--allow-missing records it as a reject and goes on)"
            )
        walked = os.path.isdir(spec) or not os.path.lexists(spec)
        if walked and next(expand([spec]), None) is None:
            log.warning("input %s holds no file to read", spec)


def _check_url(spec: str, allow_missing: bool) -> None:
    """``check_specs`` for a URL: it must name a file, a folder or matches (its file
    system's package installed, its store reachable)."""
    with checking(spec):  # the store's own errors: credentials, network, bucket
        found = listing(spec)
    if found is None and not allow_missing:
        raise InputError(
            f"input names nothing: {spec} (--allow-missing records it as a reject and goes on)"
        )
    if found == []:
        log.warning("input %s holds no file to read", spec)


def _remote(spec: str) -> Iterator[Input | Drop]:
    """The files a URL names (``storage.listing``), each opened through fsspec when
    read; a URL that names nothing is ``not_found``, one that cannot be listed
    ``unreadable``."""
    try:
        found = listing(spec)
    except Exception as error:  # the store's own errors: credentials, network, bucket
        yield unreadable(spec, described(error))
        return
    if found is None:
        yield not_found(spec, "no such file, folder or object")
        return
    for url in found:
        yield Input(url, partial(open_url, url))


def input_drop(path: str, reason: str, detail: str, format: str | None = None) -> Drop:
    """The drop for an input that failed as a whole, before any record of it was read."""
    return Drop("read", reason, Source(path=path, format=format or "unknown", sha256=""), detail)


def not_found(spec: str, detail: str) -> Drop:
    """The drop for a spec that names no file."""
    return input_drop(spec, "not_found", detail)


def unreadable(path: str, detail: str) -> Drop:
    """The drop for an input that exists but cannot be read."""
    return input_drop(path, "unreadable", detail)


def open_input(path: str) -> BinaryIO:
    """``path`` opened for reading, without ever waiting for the open itself.

    Opening a FIFO waits until some process opens it for writing; ``O_NONBLOCK`` returns
    at once instead (it changes nothing for a regular file). Reads then block as usual,
    and a FIFO that no process writes to reads as empty.

    The file object owns the descriptor from the moment the open returns (``opener``),
    so an interruption anywhere closes it once, by that object. Closing it by hand after
    a failed ``os.fdopen`` once closed it twice when a Ctrl-C landed inside ``fdopen``:
    the second close raised ``EBADF``, which replaced the ``KeyboardInterrupt``, so the
    page became an "unreadable" reject and the run went on to its end instead of stopping.
    """
    stream = open(path, "rb", opener=_open_without_waiting)  # noqa: SIM115 (the caller closes it)
    try:
        os.set_blocking(stream.fileno(), True)
    except BaseException:
        stream.close()
        raise
    return stream


def _open_without_waiting(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK)


def printable_path(path: str) -> str | None:
    """``path`` as valid UTF-8 text, or None when it already is.

    Each byte of the name that is not UTF-8 (a lone surrogate once decoded by Python)
    becomes U+FFFD, so every record naming the file is valid UTF-8 JSON.

    >>> printable_path(os.fsdecode(b"caf\\xe9 menu.txt")), printable_path("Grüße.txt")
    ('caf� menu.txt', None)
    """
    return _SURROGATE.sub("\ufffd", path) if _SURROGATE.search(path) else None


def quoted_path(path: str) -> str:
    """The exact bytes of ``path``, percent-encoded (``urllib.parse.unquote_to_bytes``).

    >>> quoted_path(os.fsdecode(b"caf\\xe9 menu.txt"))
    'caf%E9%20menu.txt'
    """
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:  # a surrogate that no file name byte stands for
        raw = path.encode("utf-8", "surrogatepass")
    return urllib.parse.quote(raw, safe="/")


def _borrowed(stdin: BinaryIO | None) -> BinaryIO:
    """Standard input as a stream whose closing leaves standard input open."""
    return prefixed(b"", stdin if stdin is not None else sys.stdin.buffer)


def _file(path: str, *, found: bool) -> Input | Drop:
    """An input for a file named (``found`` False) or found in a folder or by a glob.

    A found file that is not a regular file is a ``not_a_file`` drop, never opened.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return unreadable(path, exc.strerror or str(exc))
    if found and not stat.S_ISREG(mode):
        kind = next((name for test, name in SPECIAL_FILES if test(mode)), "a special file")
        detail = f"{kind}, not a regular file: only regular files are read from a folder or a glob"
        return input_drop(path, "not_a_file", detail)
    return Input(path, partial(open_input, path))


def _matches(pattern: str, follow_links: bool) -> Iterator[Input | Drop]:
    """What a glob pattern matches (folders walked), sorted; not_found when nothing.

    Like a shell, ``*`` and ``**`` match no hidden names.
    """
    found = sorted(glob.glob(pattern, recursive=True))
    if not found:
        yield not_found(pattern, "no file matches the pattern")
    for path in found:
        if os.path.isdir(path):
            yield from _walk(path, follow_links)
        else:
            yield _file(path, found=True)


def _walk(top: str, follow_links: bool) -> Iterator[Input | Drop]:
    """The files under folder ``top``, sorted by path, hidden names skipped."""
    for path, problem in sorted(_tree(top, follow_links), key=lambda found: found[0]):
        yield _file(path, found=True) if problem is None else problem


def _tree(top: str, follow_links: bool) -> list[tuple[str, Drop | None]]:
    """Each file under ``top`` as ``(path, None)``, each folder that failed and each link
    not followed as ``(path, drop)``.

    Symbolic links are followed while they stay inside ``top`` (all of them with
    ``follow_links``); one that leads back to a folder above it is a loop. A run's
    partial folder (``outputs.is_partial_folder``) is never entered.
    """
    root = os.path.realpath(top)
    found: list[tuple[str, Drop | None]] = []
    pending: list[tuple[str, frozenset[tuple[int, int]]]] = [(top, frozenset())]
    while pending:
        folder, above = pending.pop()
        try:
            info = os.stat(folder)
            key = (info.st_dev, info.st_ino)
            if key in above:
                found.append(
                    (folder, unreadable(folder, "directory loop: the folder contains itself"))
                )
                continue
            folders, files, outside = _entries(folder, None if follow_links else root)
        except OSError as exc:
            found.append((folder, unreadable(folder, exc.strerror or str(exc))))
            continue
        pending.extend((path, above | {key}) for path in folders)
        found.extend((path, None) for path in files)
        found.extend((path, _outside(path, top)) for path in outside)
    return found


def _entries(folder: str, root: str | None) -> tuple[list[str], list[str], list[str]]:
    """The paths of the folders, of the other entries, and of the links that lead out of
    ``root`` (None: follow every link) in ``folder``; hidden names and partial folders
    left out."""
    folders: list[str] = []
    files: list[str] = []
    outside: list[str] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if root is not None and entry.is_symlink() and not _inside(entry.path, root):
                outside.append(entry.path)
            elif not _is_folder(entry):
                files.append(entry.path)
            elif not is_partial_folder(entry.path):
                folders.append(entry.path)
    return folders, files, outside


def _inside(path: str, root: str) -> bool:
    """Whether ``path``, links followed, is ``root`` or lies under it."""
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _outside(path: str, top: str) -> Drop:
    """The drop for a link found under ``top`` that leads out of it."""
    target = os.path.realpath(path)
    detail = (
        f"a symbolic link to {target}, outside {top}: not followed (--follow-links reads "
        "what links outside the input folders point to)"
    )
    return input_drop(path, "link_outside", detail)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """Whether ``entry`` is a folder, links followed.

    A link that cannot be followed (one that points to itself raises ``ELOOP``) counts
    as a file: reading it then reports why, and its siblings are still read.
    """
    try:
        return entry.is_dir()
    except OSError:
        return False
