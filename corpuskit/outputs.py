"""Where a run's files go, decided in one place and checked before any work.

A run writes a corpus (a file, a folder of shards, or a stream: standard output, a
character device such as ``/dev/null``, a named pipe), and maybe a rejects file and a
run manifest; a run that writes a file works in a partial folder beside it until it
publishes (``run/checkpoint.py``). ``Outputs.plan`` turns what the user named into these
targets (defaults beside the corpus: ``corpus.rejects.jsonl``, ``corpus.manifest.json``);
``Outputs.check`` refuses, with one ``InputError`` each, every plan that could destroy
or lose data, before a single page is read:

- two outputs that are the same file;
- an output that is an input, or lies inside an input folder (it would replace the
  input, or be read back as a page);
- a block device, a socket, a folder where a file is wanted;
- a file in a folder that cannot be written, or a name too long for the temporary names
  a run makes beside it (``TEMP_PREFIX``, ``TEMP_SUFFIX``, ``PARTIAL_SUFFIX``).

A file output named through a symbolic link is written where the link points, and the
link stays. A stream output is written through as the run goes, never replaced by a
regular file (a run cannot be resumed into a stream).

>>> plan = Outputs.plan("out/corpus.jsonl.gz")
>>> plan.rejects, plan.manifest, str(plan.partial)
('out/corpus.rejects.jsonl', None, 'out/corpus.jsonl.gz.partial')
>>> Outputs.plan("-").rejects is None
True
"""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from corpuskit.errors import InputError
from corpuskit.options import Options
from corpuskit.storage import is_folder as remote_folder
from corpuskit.storage import is_url, local_path, partial_name
from corpuskit.writers import (
    SHARD_SIZE,
    STDOUT,
    TEMP_PREFIX,
    TEMP_SUFFIX,
    Shards,
    is_stream,
    resolved,
)

#: The folder beside a file output where its run works, ``corpus.jsonl.gz`` ->
#: ``corpus.jsonl.gz.partial`` (``run/checkpoint.py``).
PARTIAL_SUFFIX = ".partial"

#: The lock file of a run's partial folder: what makes a folder named ``*.partial`` a
#: run's (``run/checkpoint.py``), which input folders are never read into.
PARTIAL_LOCK = "lock"

#: ``--shard-compression`` -> the shards' file name suffix.
SHARD_SUFFIXES = {"zst": ".jsonl.zst", "gz": ".jsonl.gz", "none": ".jsonl"}

#: The longest name a file system without ``pathconf`` is assumed to allow (ext4, xfs,
#: btrfs, tmpfs all allow 255 bytes).
NAME_MAX = 255


def beside(output: str, suffix: str) -> str | None:
    """A file named after the corpus ``output``, beside it: ``corpus.jsonl.gz`` ->
    ``corpus<suffix>``; None for stdout; beside a folder of shards, not in it (the
    folder holds only shards, to be read back).

    >>> beside("out/corpus.jsonl.gz", ".report.html"), beside("-", ".x"), beside("sh/", ".x")
    ('out/corpus.report.html', None, 'sh.x')
    """
    if output == STDOUT:
        return None
    if is_folder(output):
        return f"{output.rstrip('/')}{suffix}"
    if is_url(output):
        folder, _, name = output.rpartition("/")
        return f"{folder}/{name.split('.')[0] or 'corpus'}{suffix}"
    path = Path(output)
    stem = path.name.split(".")[0] or "corpus"
    return str(path.with_name(f"{stem}{suffix}"))


def default_rejects(output: str) -> str | None:
    """``corpus.jsonl`` -> ``corpus.rejects.jsonl`` beside it (see ``beside``).

    >>> default_rejects("out/corpus.jsonl.gz"), default_rejects("-"), default_rejects("sh/")
    ('out/corpus.rejects.jsonl', None, 'sh.rejects.jsonl')
    """
    return beside(output, ".rejects.jsonl")


def default_manifest(output: str) -> str | None:
    """``corpus.jsonl`` -> ``corpus.manifest.json`` beside it (see ``beside``): where
    a folder of shards gets its manifest, and where ``report`` looks for one."""
    return beside(output, ".manifest.json")


def is_folder(output: str) -> bool:
    """Whether ``output`` names a folder of shards: it ends with ``/`` or is a folder
    (a URL: a prefix that holds objects)."""
    if output.endswith("/"):
        return True
    return remote_folder(output) if is_url(output) else Path(output).is_dir()


def partial_folder(output: str | os.PathLike[str] | Shards) -> Path:
    """Where a run writing ``output`` (a file, or a folder of shards) keeps its partial
    output: beside it (beside what a link names), never inside a shard folder; for a
    URL, in the current folder, named after the URL (``storage.partial_name``): the
    journal is appended every second and cut back on resume, which object stores cannot
    do, and a local lock keeps two runs apart (docs/remote.md).

    >>> str(partial_folder("out/corpus.jsonl.gz")), str(partial_folder(Shards("out/")))
    ('out/corpus.jsonl.gz.partial', 'out.partial')
    """
    name = output.folder.rstrip("/") if isinstance(output, Shards) else os.fspath(output)
    if is_url(name):
        return Path(partial_name(name))
    return Path(f"{resolved(name)}{PARTIAL_SUFFIX}")


def is_partial_folder(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a run's partial folder (``NAME.partial`` holding its lock)."""
    return os.fspath(path).endswith(PARTIAL_SUFFIX) and os.path.isfile(
        os.path.join(path, PARTIAL_LOCK)
    )


@dataclass(frozen=True, slots=True)
class OutputOptions(Options):
    """How a corpus written to a folder is cut into shards.

    **Parameters**

    - ``shard_size``: records per shard (the last one holds the rest).
    - ``shard_compression``: ``zst``, ``gz`` or ``none`` (``SHARD_SUFFIXES``).
    """

    shard_size: int = SHARD_SIZE
    shard_compression: str = "zst"

    def __post_init__(self) -> None:
        if self.shard_compression not in SHARD_SUFFIXES:
            choices = ", ".join(SHARD_SUFFIXES)
            raise InputError(f"shard_compression: {choices}, not {self.shard_compression!r}")
        if isinstance(self.shard_size, bool) or not self.shard_size >= 1:
            raise InputError(f"shard_size: at least 1 record, not {self.shard_size!r}")


@dataclass(frozen=True)
class Outputs:
    """The files a run writes: the corpus (``-`` for standard output), or its
    ``shards``; the ``rejects`` file and the run ``manifest`` (None: not written).

    Build it with ``plan``; ``check`` it against the inputs before any work.
    """

    corpus: str
    rejects: str | None = None
    manifest: str | None = None
    shards: Shards | None = None

    @classmethod
    def plan(
        cls,
        output: str,
        *,
        rejects: str | None = None,
        manifest: str | None = None,
        options: OutputOptions | None = None,
        **changes: Any,
    ) -> Outputs:
        """The outputs of a run writing ``output``: a file, ``-``, a stream, or a folder
        (trailing ``/`` or an existing folder) of shards cut as ``options`` (and keyword
        ``changes``: ``shard_size``, ``shard_compression``) say.

        ``rejects`` defaults to ``NAME.rejects.jsonl`` beside a file or a folder output
        (a stream has none: its rejects are the caller's to show); ``manifest`` to
        ``NAME.manifest.json`` beside a folder of shards, and to none otherwise.
        """
        output, rejects, manifest = _local(output), _local(rejects), _local(manifest)
        cut = OutputOptions.of(options, **changes)
        shards = None
        if output != STDOUT and is_folder(output):
            suffix = SHARD_SUFFIXES[cut.shard_compression]
            shards = Shards(output.rstrip("/"), cut.shard_size, suffix)
            manifest = manifest or default_manifest(output)
        if rejects is None and not is_stream(output):
            rejects = default_rejects(output)
        return cls(output, rejects, manifest, shards)

    @property
    def stream(self) -> bool:
        """Whether the corpus is written through (stdout, a device, a pipe): no
        partial folder, nothing to publish, nothing to resume."""
        return self.shards is None and is_stream(self.corpus)

    @property
    def partial(self) -> Path | None:
        """The partial folder of the run (None for a stream)."""
        if self.stream:
            return None
        return partial_folder(self.shards or self.corpus)

    def files(self) -> Iterator[tuple[str, str]]:
        """Each output with the name of the option that set it."""
        yield "--output", self.corpus
        if self.rejects is not None:
            yield "--rejects", self.rejects
        if self.manifest is not None:
            yield "--manifest", self.manifest

    def check(self, inputs: Iterable[str] = ()) -> None:
        """Raise ``InputError`` for a plan that could destroy or lose data (see the
        module docstring); nothing is written or created."""
        named = list(self.files())
        for option, path in named:
            _check_kind(option, path, folder_ok=option == "--output" and self.shards is not None)
        files = [(option, path) for option, path in named if not is_stream(path)]
        for option, path in files:
            if self.stream and is_url(path):
                raise InputError(f"{option} {path}: a run writing a stream writes no URL")
            if not is_url(path):
                _check_writable(option, path)
        if self.partial is not None:
            files.append(("the partial folder", str(self.partial)))
        _check_distinct(files)
        _check_not_inputs(files, list(inputs))


@overload
def _local(name: str) -> str: ...
@overload
def _local(name: None) -> None: ...
@overload
def _local(name: str | None) -> str | None: ...
def _local(name: str | None) -> str | None:
    """A ``file://`` URL as its local path (``storage.local_path``); anything else as is.

    >>> _local("file:///data/corpus.jsonl"), _local("s3://b/corpus.jsonl"), _local(None)
    ('/data/corpus.jsonl', 's3://b/corpus.jsonl', None)
    """
    return name if name is None else local_path(name) or name


def _check_kind(option: str, path: str, *, folder_ok: bool) -> None:
    """Refuse what no run can write to: a block device, a socket, a folder for a file."""
    if path == STDOUT or is_url(path):
        return
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # absent (or a dangling link): created by the run
    if stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        kind = "a block device" if stat.S_ISBLK(mode) else "a socket"
        raise InputError(
            f"{option} {path} is {kind}: corpuskit writes files, pipes and character devices only"
        )
    if stat.S_ISDIR(mode) and not folder_ok:
        raise InputError(f"{option} {path} is a folder; name a file")


def _identity(path: str) -> str:
    """What two names of the same file have in common: the absolute path with every
    link followed; a URL as written, without a trailing ``/``."""
    return path.rstrip("/") if is_url(path) else os.path.realpath(path)


def _check_distinct(outputs: list[tuple[str, str]]) -> None:
    seen: dict[str, str] = {}
    for option, path in outputs:
        key = _identity(path)
        if key in seen:
            raise InputError(
                f"{option} {path} is the same file as {seen[key]}: one would replace the other"
            )
        seen[key] = f"{option} {path}"


def _check_not_inputs(outputs: list[tuple[str, str]], specs: list[str]) -> None:
    """Refuse an output that is an input, or inside an input folder."""
    for spec, path, folder in _input_paths(specs):
        real = _identity(path)
        for option, output in outputs:
            target = _identity(output)
            if target == real:
                raise InputError(
                    f"{option} {output} is also an input ({spec}): it would replace it; "
                    "write it elsewhere"
                )
            separator = "/" if is_url(real) else os.sep
            if folder and target.startswith(real.rstrip(separator) + separator):
                raise InputError(
                    f"{option} {output} is inside the input folder {spec}: it would be read "
                    "back as a page; write it elsewhere"
                )


def _input_paths(specs: list[str]) -> Iterator[tuple[str, str, bool]]:
    """``(spec, path, is a folder)`` for each input path the specs name (glob matches
    expanded; a URL pattern stands for the folder it searches)."""
    for spec in specs:
        if spec == STDOUT:
            continue
        path = _local(spec)
        if is_url(path):
            yield spec, *_url_input(path)
        elif os.path.lexists(path):
            yield spec, path, os.path.isdir(path)
        elif set("*?[").intersection(path):
            for match in glob.glob(path, recursive=True):
                yield spec, match, os.path.isdir(match)


def _url_input(url: str) -> tuple[str, bool]:
    """The URL an input URL reads and whether it is a folder: a pattern's folder (the
    part before its first wildcard), a folder, or a file.

    >>> _url_input("s3://b/crawl/*.warc.gz"), _url_input("s3://b/crawl/")
    (('s3://b/crawl', True), ('s3://b/crawl', True))
    """
    first = min((url.find(char) for char in "*?[" if char in url), default=-1)
    if first >= 0:
        return url[: url.rfind("/", 0, first)], True
    return url.rstrip("/"), url.endswith("/") or remote_folder(url)


def _check_writable(option: str, path: str) -> None:
    """Refuse a file whose folder cannot be written, or whose name (with the temporary
    decorations a run adds) is longer than its file system allows."""
    target = Path(resolved(path.rstrip("/")))
    ancestor = target.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise InputError(f"cannot write {option} {path}: {ancestor} is not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        why = "read-only file system" if _read_only(ancestor) else "permission denied"
        raise InputError(f"cannot write {option} {path}: {why} ({ancestor})")
    limit = _name_max(ancestor)
    *folders, name = target.relative_to(ancestor).parts
    added = len(TEMP_PREFIX) + len(TEMP_SUFFIX)
    for part, extra in [*((folder, 0) for folder in folders), (name, added)]:
        size = len(os.fsencode(part))
        if size + extra > limit:
            raise InputError(
                f"cannot write {option} {path}: a name of {size} bytes ({part[:24]}...); "
                f"the file system allows {limit - extra} here"
                + (f" (a run adds {extra} for its temporary names)" if extra else "")
            )


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _name_max(folder: Path) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError):
        return NAME_MAX
