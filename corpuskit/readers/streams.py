"""Byte streams read once, in bounded pieces: peeking, replaying and capped reads.

Inputs are read in a single pass, because a pipe, a FIFO or standard input cannot be
read twice. What is looked at before the real read (the magic bytes of an archive, the
first bytes sniffed for the format) is read, then replayed in front of the rest by
``prefixed``. Nothing here ever reads more than it was asked for: ``read_capped`` stops
one chunk past its cap, so an input larger than a limit never sits in memory whole.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from functools import partial
from itertools import chain
from typing import BinaryIO

#: Bytes asked of an underlying stream per read: large enough that Python's per-call
#: overhead is lost in the copying, small enough to stop soon after a cap.
CHUNK = 1 << 16


def chunks(stream: BinaryIO, size: int = CHUNK) -> Iterator[bytes]:
    """The content of ``stream`` as successive reads of at most ``size`` bytes."""
    return iter(partial(stream.read, size), b"")


def read_upto(stream: BinaryIO, size: int) -> bytes:
    """The next ``size`` bytes of ``stream``, fewer only at its end.

    A pipe may deliver fewer bytes than asked per read; this keeps reading.

    >>> read_upto(io.BytesIO(b"abcdef"), 4), read_upto(io.BytesIO(b"ab"), 4)
    (b'abcd', b'ab')
    """
    parts: list[bytes] = []
    wanted = size
    while wanted > 0 and (part := stream.read(wanted)):
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def read_capped(stream: BinaryIO, cap: int) -> bytes | None:
    """The rest of ``stream`` if it holds at most ``cap`` bytes, else None.

    Reads at most ``cap`` plus one chunk: a bomb is never decompressed past the cap.

    >>> read_capped(io.BytesIO(b"12345"), 5), read_capped(io.BytesIO(b"123456"), 5)
    (b'12345', None)
    """
    parts: list[bytes] = []
    total = 0
    for part in chunks(stream):
        parts.append(part)
        total += len(part)
        if total > cap:
            return None
    return b"".join(parts)


def prefixed(head: bytes, rest: BinaryIO) -> BinaryIO:
    """A buffered stream of ``head`` followed by what is left of ``rest``.

    Closing it leaves ``rest`` open: the caller that opened ``rest`` closes it.

    >>> source = io.BytesIO(b"magic and the rest")
    >>> head = source.read(5)
    >>> prefixed(head, source).read()
    b'magic and the rest'
    """
    return iterated(chain((head,), chunks(rest)))


def iterated(parts: Iterator[bytes]) -> BinaryIO:
    """A buffered, readable binary stream over an iterator of byte strings.

    Only the part being read is held: a large part is handed out piece by piece.
    """
    return io.BufferedReader(_PartsReader(parts), CHUNK)


class _PartsReader(io.RawIOBase):
    """A raw stream over an iterator of byte strings (for ``io.BufferedReader``)."""

    def __init__(self, parts: Iterator[bytes]) -> None:
        self._parts = parts
        self._part = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._part:
            part = next(self._parts, None)
            if part is None:
                return 0
            self._part = memoryview(part)
        size = min(len(buffer), len(self._part))
        buffer[:size] = self._part[:size]
        self._part = self._part[size:]  # a view: the rest is not copied
        return size
