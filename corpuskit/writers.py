"""Write JSONL records atomically: the corpus, the rejects, the run manifest.

A **writer** takes records one at a time, already encoded as JSON lines by
``encode_record`` (the executor encodes once, so a record that strict JSON cannot hold is
rejected before any writer sees it). To implement one:

- ``write(line)`` accepts one encoded record; it may buffer;
- ``close()`` makes everything written visible at once (for files: the temporary file
  is renamed to its final name), and ``discard()`` throws it all away, so a failed run
  never leaves a half-written file under the final name;
- both are safe to call once; use the writer as a context manager to get the right one.

``JsonlWriter`` writes files (``.gz`` and ``.zst`` compressed by name) or standard output
(``-``); ``MemoryWriter`` keeps records in a list, for tests and for library users who
want the records without a file.
"""

from __future__ import annotations

import fcntl
import gzip
import math
import os
import re
import shutil
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Protocol, Self, cast

import orjson
import zstandard

from corpuskit.errors import InputError
from corpuskit.storage import ensure_free_folder, is_url, put_atomic, put_shards, write_atomic

#: The output name that means standard output.
STDOUT = "-"


class Writer(Protocol):
    """Receives records; ``close`` publishes them, ``discard`` drops them."""

    def write(self, line: bytes) -> None: ...

    def close(self) -> None: ...

    def discard(self) -> None: ...


def encode_record(record: Mapping[str, Any]) -> bytes:
    """One strict JSON line (UTF-8, newline-terminated, keys in insertion order).

    Raises ``orjson.JSONEncodeError`` for what strict JSON cannot hold (lone surrogates,
    non-string keys); the executor turns that into a reject.

    >>> encode_record({"id": "a", "text": "Grüße"})
    b'{"id":"a","text":"Gr\\xc3\\xbc\\xc3\\x9fe"}\\n'
    """
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)


def encode_reject(record: Mapping[str, Any]) -> bytes:
    """Like ``encode_record``, but never fails: a reject must always be recorded.

    What strict JSON cannot hold is replaced as ``strict_json`` says.

    >>> encode_reject({"text": "a\\ud800b", "score": float("inf")})
    b'{"text":"a\\xef\\xbf\\xbdb","score":null}\\n'
    """
    try:
        return encode_record(record)
    except orjson.JSONEncodeError:
        return encode_record(strict_json(record))


def strict_json(value: Any) -> Any:
    """``value`` with everything strict JSON cannot hold replaced, so orjson can write it.

    - a lone surrogate (in a string or a key) becomes U+FFFD, as a decoder does with a
      byte it cannot read;
    - NaN and the infinities become None (``null``), as orjson and JavaScript write them:
      the field stays a number-or-null for whoever reads the corpus;
    - an integer beyond 64 bits becomes its decimal digits as a string: exact, where a
      float would round it, and few JSON readers hold such integers anyway;
    - a key that is not a string becomes ``str(key)``, a tuple a list, and any other
      value its ``repr``.

    Recursive: a value nested deeper than Python's recursion limit raises
    ``RecursionError`` (the JSONL reader reports it as ``too_deep``; rejects are shallow).

    >>> strict_json({"a\\ud800": [float("nan"), 2**70, (1, "ok")], 3: None})
    {'a�': [None, '1180591620717411303424', [1, 'ok']], '3': None}
    """
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if _INT_MIN <= value <= _INT_MAX else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {strict_json(str(k)): strict_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict_json(item) for item in value]
    return repr(value)


_SURROGATE = re.compile("[\ud800-\udfff]")

#: The integers orjson writes: signed and unsigned 64-bit.
_INT_MIN, _INT_MAX = -(2**63), 2**64 - 1


class _WriterBase:
    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.discard()

    def close(self) -> None:
        raise NotImplementedError

    def discard(self) -> None:
        raise NotImplementedError


class JsonlWriter(_WriterBase):
    """JSONL to a file, written under a temporary name (``temp_name``) and renamed on
    ``close``; to standard output (``-``), a character device or a named pipe, written
    through as it comes (``is_stream``). A file named through a symbolic link is written
    where the link points, and the link stays."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        self._temp: Path | None = None
        self._raw: IO[bytes]
        if self.path == STDOUT:
            self._raw = sys.stdout.buffer
        elif is_stream(self.path):
            self._raw = _opened(self.path, lambda: open(self.path, "wb"))  # noqa: SIM115
        else:
            target = Path(resolved(self.path))
            if target.is_dir():
                raise InputError(f"output {self.path} is a directory; name a file")
            self._temp = temp_name(target)
            self._raw = _opened(self.path, lambda: open_temp(target))
        self._stream = _compressor(self.path, self._raw)
        self.count = 0

    def write(self, line: bytes) -> None:
        self._stream.write(line)
        self.count += 1

    def close(self) -> None:
        if self._stream is not self._raw:
            self._stream.close()
        self._raw.flush()
        if self._temp is None:
            if self._raw is not sys.stdout.buffer:
                self._raw.close()
            return
        os.fsync(self._raw.fileno())
        os.chmod(self._temp, 0o644)
        os.replace(self._temp, resolved(self.path))
        sync_folder(self._temp.parent)
        self._raw.close()  # the temporary name's lock goes with it
        self._temp = None

    def discard(self) -> None:
        if self._temp is None:
            return
        self._temp.unlink(missing_ok=True)
        self._raw.close()
        self._temp = None


#: Temporary names a file gets beside its final name while it is written or published:
#: ``.corpus.jsonl.corpuskit-tmp``. Fixed, never random, so that a run killed while
#: writing leaves a name the next run over the same output finds and reuses: no
#: temporary file outlives a completed run.
TEMP_PREFIX, TEMP_SUFFIX = ".", ".corpuskit-tmp"


def temp_name(target: str | os.PathLike[str]) -> Path:
    """The temporary name of ``target`` while it is written or published.

    >>> str(temp_name("out/corpus.jsonl.gz"))
    'out/.corpus.jsonl.gz.corpuskit-tmp'
    """
    path = Path(target)
    return path.with_name(f"{TEMP_PREFIX}{path.name}{TEMP_SUFFIX}")


def open_temp(target: str | os.PathLike[str]) -> IO[bytes]:
    """The temporary file of ``target``, empty and locked (``lockf``) for this process,
    its folder created if missing; ``InputError`` if another run holds it.

    A file a killed run left under that name is emptied and reused.
    """
    temp = temp_name(target)
    temp.parent.mkdir(parents=True, exist_ok=True)
    handle = temp.open("ab")
    try:
        fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise InputError(f"another corpuskit run is writing {target}") from None
    handle.truncate(0)
    return handle


def is_stream(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is written through rather than replaced: standard output, or an
    existing character device or named pipe (links followed).

    >>> is_stream("-"), is_stream("/dev/null"), is_stream("corpus.jsonl")
    (True, True, False)
    """
    if os.fspath(path) == STDOUT:
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def resolved(path: str | os.PathLike[str]) -> str:
    """Where a file named ``path`` is written: a symbolic link as its last part is
    followed (so the link stays a link), the rest kept as given.

    >>> resolved("out/corpus.jsonl")
    'out/corpus.jsonl'
    """
    path = os.fspath(path)
    seen = 0
    while os.path.islink(path) and seen < LINK_HOPS:
        path = os.path.join(os.path.dirname(path), os.readlink(path))
        seen += 1
    return path


#: Links followed to find where a file output goes (the kernel's own limit is 40).
LINK_HOPS = 40


def sync_folder(folder: str | os.PathLike[str]) -> None:
    """Make the names in ``folder`` durable (``fsync`` of the folder), where the
    platform allows it."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _opened(shown: str, opener: Callable[[], IO[bytes]]) -> IO[bytes]:
    """``opener()``, an ``OSError`` turned into an ``InputError`` naming ``shown``."""
    try:
        return opener()
    except OSError as error:
        raise InputError(f"cannot write {shown}: {error.strerror or error}") from None


#: The file name endings that ``JsonlWriter`` compresses.
COMPRESSED = (".gz", ".zst")


def _compressor(path: str, raw: IO[bytes]) -> IO[bytes]:
    """Compress by file name; ``mtime=0`` keeps gzip output identical between runs."""
    if path.endswith(".gz"):
        return cast(IO[bytes], gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0))
    if path.endswith(".zst"):
        writer: IO[bytes] = zstandard.ZstdCompressor().stream_writer(raw, closefd=False)
        return writer
    return raw


class MemoryWriter(_WriterBase):
    """Keeps records in ``records``; ``closed`` tells whether they were published."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self.closed = False

    def write(self, line: bytes) -> None:
        self.records.append(orjson.loads(line))

    def close(self) -> None:
        self.closed = True

    def discard(self) -> None:
        self.records.clear()


def publish(part: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Make the finished JSONL file ``part`` appear as ``target``, atomically.

    Compressed by ``target``'s name as ``JsonlWriter`` does. ``part`` stays where it is (a
    run killed while publishing publishes again); uncompressed, ``target`` becomes a hard
    link to it where the file system allows, else a copy. A stream ``target`` (a device,
    a pipe) gets the bytes written through; a link as ``target`` keeps being a link.
    A URL ``target`` is uploaded whole (``publish_remote``).
    """
    if is_url(os.fspath(target)):
        publish_remote(part, os.fspath(target))
        return
    if is_stream(target):
        with open(target, "wb") as raw, open(part, "rb") as source:
            _copy(source, raw, str(target))
        return
    final = Path(resolved(target))
    if not final.name.endswith(COMPRESSED) and _same_file(part, final):
        return  # linked by a publish that was cut short (rename would keep both names)
    temp = temp_name(final)
    temp.unlink(missing_ok=True)  # a killed publish's
    try:
        if final.name.endswith(COMPRESSED) or not _linked(part, temp):
            with open_temp(final) as raw, open(part, "rb") as source:
                _copy(source, raw, final.name)
                raw.flush()
                os.fsync(raw.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    sync_folder(final.parent)


def publish_remote(part: str | os.PathLike[str], url: str) -> None:
    """Upload the finished JSONL file ``part`` to ``url``, compressed by its name
    (beside ``part`` first, in the run's partial folder): under a temporary key, then
    copied to ``url`` when complete (``storage.put_atomic``)."""
    local = Path(part)
    name = url.rsplit("/", 1)[-1]
    if name.endswith(COMPRESSED):
        local = local.with_name(f"{TEMP_PREFIX}upload-{name}")
        with open(local, "wb") as raw, open(part, "rb") as source:
            _copy(source, raw, name)
    put_atomic(str(local), url, temp_url(url))


def temp_url(url: str) -> str:
    """The temporary key of ``url`` while it is uploaded (hidden, beside it).

    >>> temp_url("s3://bucket/out/corpus.jsonl.gz")
    's3://bucket/out/.corpus.jsonl.gz.corpuskit-tmp'
    """
    folder, _, name = url.rpartition("/")
    return f"{folder}/{TEMP_PREFIX}{name}{TEMP_SUFFIX}"


def _same_file(one: str | os.PathLike[str], other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def _copy(source: IO[bytes], raw: IO[bytes], name: str) -> None:
    """Copy ``source`` into ``raw``, compressed as ``name`` says."""
    stream = _compressor(name, raw)
    shutil.copyfileobj(source, stream, 1 << 20)
    if stream is not raw:
        stream.close()


def _linked(part: str | os.PathLike[str], temp: Path) -> bool:
    """Hard-link ``part`` as ``temp``; False where links are not possible."""
    try:
        os.chmod(part, 0o644)
        os.link(part, temp)
    except OSError:
        return False
    return True


#: Records per shard by default: about 1 GB of text-mode records before compression.
SHARD_SIZE = 100_000


@dataclass(frozen=True)
class Shards:
    """A corpus written as numbered shards in a folder: ``part-00000.jsonl.zst`` and on.

    ``size`` records per shard (the last one holds the rest); ``suffix`` says the
    compression as for ``JsonlWriter`` (``.jsonl.zst``, ``.jsonl.gz`` or ``.jsonl``).
    Readers read such a folder back as JSONL, shard by shard, in order.
    """

    folder: str
    size: int = SHARD_SIZE
    suffix: str = ".jsonl.zst"

    def __post_init__(self) -> None:
        if self.size < 1:
            raise InputError(f"shard size must be at least 1 record, not {self.size}")
        if not self.suffix.startswith(".jsonl"):
            raise InputError(f"shards are JSONL: {self.suffix!r} is not a JSONL suffix")

    def ensure_free(self) -> None:
        """Raise ``InputError`` unless the folder is absent or empty: shards never mix
        with other files, nor with another run's shards."""
        if is_url(self.folder):
            ensure_free_folder(self.folder)
            return
        target = Path(self.folder)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise InputError(f"output folder {target} is not empty; name a new one")

    def name(self, number: int) -> str:
        """The file name of shard ``number``.

        >>> Shards("out").name(3)
        'part-00003.jsonl.zst'
        """
        return f"part-{number:05d}{self.suffix}"


def publish_shards(
    part: str | os.PathLike[str], shards: Shards, *, again: bool = False
) -> list[str]:
    """Split the finished JSONL file ``part`` into ``shards``; their names, in order.

    The folder appears at once, complete (written beside it under its temporary name,
    then renamed); it must not exist yet, or be empty, unless publishing ``again`` (a
    run killed while publishing), when the shards it holds are this run's and are
    replaced. An empty corpus is one empty shard, so that a run always leaves a folder
    that says so. A URL folder is split beside ``part`` first, then uploaded
    (``storage.put_shards``: the folder's index names the shards last).
    """
    if is_url(shards.folder):
        local = Shards(str(Path(part).with_name("shards")), shards.size, shards.suffix)
        split = publish_shards(part, local, again=True)
        put_shards(local.folder, split, shards.folder)
        return split
    target = Path(shards.folder)
    if again and target.is_dir() and all(_is_shard(entry.name) for entry in target.iterdir()):
        shutil.rmtree(target)
    shards.ensure_free()
    temp = temp_name(target)
    shutil.rmtree(temp, ignore_errors=True)  # a killed publish's
    temp.mkdir(parents=True)
    names: list[str] = []
    try:
        with open(part, "rb") as source:
            lines = iter(source)
            while True:
                chunk = list(islice(lines, shards.size))
                if not chunk and names:
                    break
                names.append(shards.name(len(names)))
                with open(temp / names[-1], "wb") as raw:
                    stream = _compressor(names[-1], raw)
                    stream.write(b"".join(chunk))
                    if stream is not raw:
                        stream.close()
                    raw.flush()
                    os.fsync(raw.fileno())
        os.chmod(temp, 0o755)
        sync_folder(temp)
        if target.exists():
            target.rmdir()
        os.rename(temp, target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    sync_folder(target.parent)
    return names


_SHARD = re.compile(r"part-\d{5,}\.jsonl(\.gz|\.zst)?")


def _is_shard(name: str) -> bool:
    return _SHARD.fullmatch(name) is not None


def write_json(path: str | os.PathLike[str], record: Mapping[str, Any]) -> None:
    """Write one pretty JSON document atomically (the run manifest); written through
    to a stream (``-``, a device, a pipe)."""
    data = orjson.dumps(record, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    if is_url(os.fspath(path)):
        write_atomic(os.fspath(path), data, temp_url(os.fspath(path)))
        return
    with JsonlWriter(path) as writer:
        writer.write(data)
