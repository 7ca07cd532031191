"""Transparent gzip and zstd decompression for every input format.

An input is compressed when its first bytes are a gzip or zstd magic number, or when its
name ends in ``.gz`` / ``.zst`` (a file so named that is not such an archive then fails
as a bad archive rather than being read as text). Decompression streams, so a large JSONL
archive is never held in memory, and a truncated archive raises instead of ending
quietly: ``COMPRESSION_ERRORS`` lists what a reader turns into a ``bad_compression`` drop.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from typing import BinaryIO, cast

import zstandard

#: Name suffix -> compression, checked case-insensitively.
SUFFIXES: dict[str, str] = {".gz": "gzip", ".zst": "zstd"}

#: Magic bytes at the start of a stream -> compression.
MAGIC: dict[bytes, str] = {b"\x1f\x8b": "gzip", b"\x28\xb5\x2f\xfd": "zstd"}

#: What a damaged archive raises while it is read. ``BadGzipFile`` is an ``OSError``, so
#: a reader must catch these before it catches ``OSError`` as an unreadable file.
COMPRESSION_ERRORS: tuple[type[Exception], ...] = (
    gzip.BadGzipFile,
    EOFError,
    zlib.error,
    zstandard.ZstdError,
)

#: Bytes read from the compressed file per step.
CHUNK = 1 << 16


def strip_suffix(name: str) -> tuple[str, str | None]:
    """``name`` without a compression suffix, and the compression that suffix names.

    >>> strip_suffix("pages/a.html.gz")
    ('pages/a.html', 'gzip')
    >>> strip_suffix("corpus.JSONL.ZST"), strip_suffix("notes.txt")
    (('corpus.JSONL', 'zstd'), ('notes.txt', None))
    """
    lowered = name.lower()
    for suffix, kind in SUFFIXES.items():
        if lowered.endswith(suffix):
            return name[: -len(suffix)], kind
    return name, None


def compression_of(head: bytes, name: str) -> str | None:
    """The compression of a stream starting with ``head`` and named ``name``, or None.

    The magic bytes decide; the name's suffix counts when they name nothing.

    >>> compression_of(b"\\x1f\\x8b\\x08\\x00", "-"), compression_of(b"text", "a.zst")
    ('gzip', 'zstd')
    """
    by_magic = next((kind for magic, kind in MAGIC.items() if head.startswith(magic)), None)
    return by_magic or strip_suffix(name)[1]


def decompressed(raw: BinaryIO, name: str) -> BinaryIO:
    """A binary stream of ``raw``'s content, decompressed when it is an archive.

    ``raw`` must be seekable (it is peeked at, then rewound).
    """
    head = raw.read(4)
    raw.seek(0)
    kind = compression_of(head, name)
    if kind == "gzip":
        return cast(BinaryIO, gzip.GzipFile(fileobj=raw, mode="rb"))
    if kind == "zstd":
        return io.BufferedReader(_ChunkReader(zstd_chunks(raw)), CHUNK)
    return raw


def zstd_chunks(raw: BinaryIO) -> Iterator[bytes]:
    """The decompressed content of a zstd stream, frame after frame, as chunks.

    ``zstandard``'s own stream reader ends quietly on a truncated frame; this raises
    ``EOFError`` then, as ``gzip`` does.
    """
    decompressor = zstandard.ZstdDecompressor()
    frame, inside = decompressor.decompressobj(), False
    while chunk := raw.read(CHUNK):
        while chunk:
            yield frame.decompress(chunk)
            inside, chunk = not frame.eof, frame.unused_data if frame.eof else b""
            if frame.eof:
                frame = decompressor.decompressobj()
    if inside:
        raise EOFError("zstd stream ended before the end of its last frame")


class _ChunkReader(io.RawIOBase):
    """A readable raw stream over an iterator of byte chunks (for ``io.BufferedReader``)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._rest:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._rest = chunk
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size
