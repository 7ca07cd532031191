"""Remote inputs and outputs: every URL (``s3://``, ``gs://``, ``hf://``, ``https://``,
``file://``, ``memory://``) goes through fsspec here, and only here.

Two doors serve every reader and writer: ``open_url`` (a file at a URL, opened to read or
write bytes) and ``listing`` (the files a URL names: one file, a folder walked, or a glob
pattern). Credentials are what the file system's own library reads from the environment
(docs/remote.md): ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_ENDPOINT_URL``
and ``~/.aws`` for s3fs, ``GOOGLE_APPLICATION_CREDENTIALS`` for gcsfs, ``HF_TOKEN`` for
huggingface_hub. fsspec is imported with the first URL, so a run over local files never
loads it (``tests/cli/test_startup.py``).

Object stores have no rename, so publishing (``put_atomic``, ``put_shards``) works with
what they do guarantee: an object appears whole when its upload completes. A file is
uploaded under a temporary key and copied to its final key when complete; a folder of
shards gets an index object (``SHARD_INDEX``) written *before* any shard and again,
naming them, *after* the last: a reader of the folder (``listing``) reads the shards the
index names and nothing else, so an interrupted publish shows no shard at all.

A ``file://`` output is its local path (``local_path``): a local file system renames, locks
and syncs, which keeps every promise of ``writers.py`` unchanged.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, BinaryIO, ParamSpec, TypeVar, cast

import orjson

from corpuskit.errors import InputError

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

log = logging.getLogger(__name__)

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")

_GLOB_CHARS = frozenset("*?[")

#: URLs that name one file each: never listed (fsspec would take an HTML page's links
#: for a folder's files) nor globbed (``?`` starts a query); one that cannot be fetched
#: is an ``unreadable`` reject when read.
_WEB = ("http://", "https://")

#: The object in a remote folder of shards that says which shards it holds:
#: ``{"complete": false}`` while they are uploaded, then ``{"complete": true, "shards":
#: [names in order]}``. Hidden (leading ``.``), so folder walks that skip hidden names
#: never read it as a page.
SHARD_INDEX = ".corpuskit-shards.json"


P = ParamSpec("P")
R = TypeVar("R")


class StoreError(OSError):
    """What a store's client library raised that is no ``OSError`` (botocore's
    ``EndpointConnectionError``, ``NoCredentialsError``), as one: readers make an
    ``unreadable`` reject of it, publishing a message that keeps the run to resume."""


def store_errors(call: Callable[P, R]) -> Callable[P, R]:
    """``call``, anything it raises that is neither an ``OSError`` nor an
    ``InputError`` raised as a ``StoreError``."""

    @functools.wraps(call)
    def translated(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return call(*args, **kwargs)
        except (OSError, InputError):
            raise
        except Exception as error:
            raise StoreError(f"{type(error).__name__}: {error}") from error

    return translated


@contextmanager
def checking(url: str) -> Iterator[None]:
    """Around a look at the store before any work: its errors become the one
    ``InputError`` that stops the run, naming ``url``."""
    try:
        yield
    except InputError:
        raise
    except Exception as error:
        raise InputError(f"cannot use {url}: {described(error)}") from None


def described(error: Exception) -> str:
    """A store's error as one line: a ``StoreError``'s own words (they name the client
    library's error), an ``OSError``'s reason, or any other's type and words.

    >>> described(StoreError("NoCredentialsError: Unable to locate credentials"))
    'NoCredentialsError: Unable to locate credentials'
    >>> described(FileNotFoundError(2, "No such file or directory")), described(KeyError("x"))
    ('No such file or directory', "KeyError: 'x'")
    """
    if isinstance(error, StoreError):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return f"{type(error).__name__}: {error}"


def is_url(spec: str) -> bool:
    """Whether ``spec`` is a URL (``scheme://...``) rather than a local path.

    >>> is_url("s3://bucket/crawl/"), is_url("memory://x"), is_url("out/corpus.jsonl")
    (True, True, False)
    """
    return _URL.match(spec) is not None


def local_path(spec: str) -> str | None:
    """The local path a ``file://`` URL names, or None for anything else.

    >>> local_path("file:///data/out.jsonl"), local_path("s3://b/out.jsonl")
    ('/data/out.jsonl', None)
    """
    if not spec.lower().startswith("file://"):
        return None
    return spec[len("file://") :] or "/"


def inner_name(path: str) -> str:
    """The name that says a file's format and compression: a chained URL's first link
    (the file inside the archive, which fsspec hands over unpacked), else ``path``.

    >>> inner_name("tar://pages/a.html::s3://b/pages.tar.gz"), inner_name("s3://b/a.txt.gz")
    ('tar://pages/a.html', 's3://b/a.txt.gz')
    """
    return path.split("::", 1)[0] if "::" in path and is_url(path) else path


def filesystem(url: str) -> tuple[AbstractFileSystem, str]:
    """The fsspec file system of ``url`` and the path inside it; ``InputError`` when no
    file system serves its scheme (or its package is missing)."""
    import fsspec

    try:
        fs, path = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as error:
        raise InputError(f"cannot use {url}: {error} (docs/remote.md)") from None
    return fs, str(path)


@store_errors
def open_url(url: str, mode: str = "rb") -> BinaryIO:
    """The file at ``url`` opened as a binary stream (``rb`` or ``wb``)."""
    fs, path = filesystem(url)
    return cast(BinaryIO, fs.open(path, mode))


def open_path(spec: str, mode: str = "rb") -> BinaryIO:
    """A local path or a URL opened as a binary stream (``rb`` or ``wb``): for the small
    files read or written whole (a manifest, a report); corpora go through ``listing``
    and ``put_atomic``."""
    return open_url(spec, mode) if is_url(spec) else cast(BinaryIO, open(spec, mode))


def size(url: str) -> int | None:
    """The size in bytes of the file at ``url``, None when the store does not say."""
    try:
        fs, path = filesystem(url)
        found = fs.size(path)
    except Exception:  # the store would not say: the size is unknown, the run goes on
        return None
    return None if found is None else int(found)


@store_errors
def listing(spec: str) -> list[str] | None:
    """The URLs of the files ``spec`` names, sorted: itself for a file (and for any
    ``http``/``https`` URL), every file under a folder (hidden names skipped, a folder
    of shards read as its ``SHARD_INDEX`` says), the files a glob pattern matches
    (folders among them walked); None when it names nothing. A chained URL reads inside
    an archive: ``zip://*.html::s3://bucket/pages.zip``.

    Each URL is ``spec``'s own prefix plus the path under it, so records name files the
    way the user wrote them.
    """
    if spec.lower().startswith(_WEB):
        return [spec]  # a web page's "folder" would be its links: read as one file
    fs, path = filesystem(spec)
    if _GLOB_CHARS.intersection(path):
        found = _matches(fs, path)
    elif fs.isdir(path):
        found = _walk(fs, path.rstrip("/"))
    else:
        found = [path] if fs.exists(path) else []
    if not found and not fs.isdir(path):
        return None
    return [_url(fs, spec, path, one) for one in found]


def _url(fs: AbstractFileSystem, spec: str, path: str, found: str) -> str:
    """The URL of the file ``found`` (a path of ``fs``) that the spec ``spec`` (whose
    path in ``fs`` is ``path``) named, spelled as ``spec`` is.

    >>> _url(None, "s3://b/crawl/*.gz", "b/crawl/*.gz", "b/crawl/1.gz")  # type: ignore
    's3://b/crawl/1.gz'
    >>> _url(None, "zip://*::s3://b/p.zip", "*", "a/1.html")  # type: ignore
    'zip://a/1.html::s3://b/p.zip'
    """
    if "::" in spec:
        head, chain = spec.split("::", 1)
        return f"{head.split('://', 1)[0]}://{found}::{chain}"
    given, inside = spec.rstrip("/"), path.rstrip("/")
    if given.endswith(inside):  # the spec is its scheme's prefix, then the path
        return given[: len(given) - len(inside)] + found
    return str(fs.unstrip_protocol(found))


def _matches(fs: AbstractFileSystem, pattern: str) -> list[str]:
    """The paths the glob ``pattern`` matches, sorted, folders walked; hidden names
    in the part the pattern matched skipped."""
    first = min(at for at, char in enumerate(pattern) if char in _GLOB_CHARS)
    root = pattern[: pattern.rfind("/", 0, first) + 1]
    found = sorted(str(match) for match in fs.glob(pattern) if not _hidden(match[len(root) :]))
    paths: list[str] = []
    for match in found:
        paths.extend(_walk(fs, match) if fs.isdir(match) else [match])
    return paths


def _walk(fs: AbstractFileSystem, top: str) -> list[str]:
    """The paths of the files under the folder ``top``, sorted; hidden names skipped;
    a folder of shards gives the shards its index names."""
    index = _shard_index(fs, top)
    if index is not None:
        return [f"{top}/{name}" for name in index]
    found = sorted(str(path) for path in fs.find(top))
    return [path for path in found if not _hidden(path[len(top) :].lstrip("/"))]


def _hidden(relative: str) -> bool:
    """Whether a path under a folder walked or searched has a hidden name in it: like a
    shell's ``*`` and the local folder walk, those are skipped.

    >>> _hidden("crawl/.git/config"), _hidden("crawl/a.warc.gz")
    (True, False)
    """
    return any(part.startswith(".") for part in relative.split("/"))


def _shard_index(fs: AbstractFileSystem, top: str) -> list[str] | None:
    """The shards a folder's ``SHARD_INDEX`` names (none while it is incomplete), or
    None for a folder without one."""
    index = _index(fs, top)
    if index is None:
        return None
    if not index.get("complete"):
        log.warning("%s: its shards are still being published (or the run was cut): none read", top)
        return []
    return [str(name) for name in index["shards"]]


def _index(fs: AbstractFileSystem, top: str) -> dict[str, Any] | None:
    """A folder's ``SHARD_INDEX`` record, or None when it has none."""
    key = f"{top}/{SHARD_INDEX}"
    if not fs.exists(key):
        return None
    record = orjson.loads(fs.cat_file(key))
    return record if isinstance(record, dict) else None


def exists(url: str) -> bool:
    """Whether anything (a file, a folder) is at ``url`` (``InputError`` when the store
    cannot say)."""
    with checking(url):
        fs, path = filesystem(url)
        return bool(fs.exists(path))


def is_folder(url: str) -> bool:
    """Whether ``url`` names a folder (a prefix holding objects, on an object store;
    ``InputError`` when the store cannot say)."""
    with checking(url):
        fs, path = filesystem(url)
        return bool(fs.isdir(path))


@store_errors
def remove(url: str) -> None:
    """Remove the file at ``url``, if there is one."""
    fs, path = filesystem(url)
    if fs.exists(path):
        fs.rm_file(path)


@store_errors
def put_atomic(local: str, url: str, temp: str) -> None:
    """Upload the local file ``local`` to ``url`` so that ``url`` never holds part of it:
    uploaded as ``temp`` first, then copied (renamed where the store can) to ``url``."""
    fs, path = filesystem(url)
    temp_path = filesystem(temp)[1]
    fs.put_file(local, temp_path)
    fs.mv(temp_path, path)


@store_errors
def write_atomic(url: str, data: bytes, temp: str) -> None:
    """Write ``data`` to ``url`` whole (``temp`` first, as ``put_atomic``)."""
    fs, path = filesystem(url)
    temp_path = filesystem(temp)[1]
    fs.pipe_file(temp_path, data)
    fs.mv(temp_path, path)


def ensure_free_folder(url: str) -> None:
    """Raise ``InputError`` unless the folder ``url`` is absent, empty, or holds the
    shards of a publish that was cut short (its ``SHARD_INDEX`` incomplete): no reader
    sees those, and the run publishing into it (that run resumed, as a rule) replaces
    them and its index."""
    with checking(url):
        fs, path = filesystem(url)
        top = path.rstrip("/")
        if not fs.exists(top):
            return
        if fs.isdir(top):
            index = _index(fs, top)
            if not fs.find(top) or (index is not None and not index.get("complete")):
                return
    raise InputError(f"output folder {url} is not empty; name a new one")


@store_errors
def put_shards(local_folder: str, names: list[str], url: str) -> None:
    """Upload the shards ``names`` from ``local_folder`` into the folder ``url``: the
    index first (incomplete), the shards, then the index naming them. Shards an
    interrupted publish left are replaced (same names, same bytes)."""
    fs, path = filesystem(url)
    top = path.rstrip("/")
    index = f"{top}/{SHARD_INDEX}"
    fs.pipe_file(index, orjson.dumps({"complete": False}))
    for name in names:
        fs.put_file(f"{local_folder}/{name}", f"{top}/{name}")
    done: dict[str, Any] = {"complete": True, "shards": names}
    write_atomic(f"{url.rstrip('/')}/{SHARD_INDEX}", orjson.dumps(done), _temp_key(url))


def _temp_key(url: str) -> str:
    """The hidden temporary key, in the folder ``url``, of its index's final version."""
    return f"{url.rstrip('/')}/.{SHARD_INDEX}.corpuskit-tmp"


def partial_name(url: str) -> str:
    """The name of the local partial folder of a run writing ``url``: the URL's letters
    and digits, then a digest of the whole URL (two URLs never share one).

    >>> partial_name("s3://bucket/out/")
    'corpuskit-s3-bucket-out-e67ce3fd.partial'
    """
    readable = re.sub(r"[^A-Za-z0-9._]+", "-", url.rstrip("/"))[:120].strip("-.")
    digest = hashlib.sha256(url.rstrip("/").encode()).hexdigest()[:8]
    return f"corpuskit-{readable}-{digest}.partial"
