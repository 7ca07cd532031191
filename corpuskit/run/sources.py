"""What a phase of a run reads, item by item, with where a resumed run would restart.

A phase reads one source front to back: the job's inputs (``InputSource``) or the spool
the corpus pass before it wrote (``SpoolSource``). Each item the source gives is paired,
in this process, with a ``Mark``: the ``Restart`` a resumed phase would read from to
redo that item, and the bytes of the source read once it was read (for progress). Marks
wait in a queue that the phase's consumer (the corpus pass, the ``Sink``) takes from,
one per item, as items come back in order from wherever they were cleaned: so worker
processes and Ray never see them.

Where a run can restart:

- inside an input, at a JSONL or WARC record (``Position``: its line and decompressed
  byte offset; the reader discards the bytes before it, unparsed); not inside a text or
  HTML file, which is one record;
- at the start of any input (the inputs before it are done and skipped unread);
- in a spool, before any item (its byte offset: spools are pickles one after another).
"""

from __future__ import annotations

import os
import pickle
import stat
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import IO, Any, BinaryIO, cast

from corpuskit.document import Document, Drop, InputEnd, Position, Skipped
from corpuskit.readers import input_name, numbered_inputs, read_numbered
from corpuskit.readers.options import ReadOptions
from corpuskit.readers.paths import STDIN, Input, expand
from corpuskit.storage import is_url
from corpuskit.storage import size as url_size


@dataclass(frozen=True, slots=True)
class Restart:
    """Where a phase resumes: phase ``phase`` (0: the first), reading the inputs from
    input number ``input`` (at ``at`` inside it; its start when None), or its spool
    from byte ``spool``."""

    phase: int = 0
    input: int = 0
    at: Position | None = None
    spool: int = 0

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"phase": self.phase, "input": self.input, "spool": self.spool}
        if self.at is not None:
            record.update(line=self.at.line, offset=self.at.offset)
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Restart:
        at = Position(record["line"], record["offset"]) if "offset" in record else None
        return cls(int(record["phase"]), int(record["input"]), at, int(record["spool"]))


@dataclass(frozen=True, slots=True)
class Mark:
    """What a source says about one item it gave: where to restart to redo it (None:
    not a place a run can restart from) and the bytes of the source read so far."""

    restart: Restart | None
    read: int


class Source:
    """A phase's source: ``items()`` gives the items, ``mark()`` their marks in order."""

    total: int | None

    def __init__(self) -> None:
        self._marks: deque[Mark] = deque()
        self.read = 0

    def mark(self) -> Mark:
        """The mark of the oldest item given and not yet marked."""
        return self._marks.popleft()

    def items(self) -> Iterator[Any]:
        raise NotImplementedError

    def end(self) -> Restart:
        """Where a phase that read all of this source restarts: its end."""
        raise NotImplementedError

    def past(self, phase: int, end: InputEnd, mark: Mark | None) -> Restart:
        """Where phase ``phase`` restarts past the ``end`` of an input: the next input."""
        return Restart(phase, end.index + 1)


class InputSource(Source):
    """The job's inputs from ``restart`` on (the inputs ``done`` names skipped unread),
    their raw bytes counted as the readers pull them."""

    def __init__(
        self,
        specs: Sequence[str],
        options: ReadOptions,
        *,
        stdin: BinaryIO | None = None,
        done: Sequence[str] = (),
        restart: Restart = Restart(),
    ) -> None:
        super().__init__()
        self._specs, self._options, self._stdin = specs, options, stdin
        self._done, self._restart = done, restart
        self._sizes = input_sizes(specs, options) if STDIN not in specs else []
        known = STDIN not in specs and None not in self._sizes
        self.total = sum(size or 0 for size in self._sizes) if known else None
        self.read = sum(size or 0 for size in self._sizes[: len(done)])
        self._next = len(done)

    def end(self) -> Restart:
        return Restart(self._restart.phase, self._next)

    def items(self) -> Iterator[Document | Drop | InputEnd | Skipped]:
        """Every item of the inputs; with ``ReadOptions.limit``, up to that many pages
        (then the ``InputEnd`` of the input the last came from, the rest unread)."""
        first, left = len(self._done), self._options.limit
        numbered = numbered_inputs(self._specs, self._options, self._stdin, self._done)
        for index, item in numbered:
            self._next = index + 1
            start = self._restart.at if index == first else None
            before = self.read
            if isinstance(item, Input):
                item = replace(item, open=self._counted(item.open, before))
            found = read_numbered(index, item, self._options, start)
            for one in self._marked(index, found):
                yield one
                if left is not None and isinstance(one, Document | Drop):
                    left -= 1
                    if not left:
                        found.close()  # closes the input's file
                        self._marks.append(Mark(None, self.read))
                        yield InputEnd(index, input_name(item))
                        return
            size = self._sizes[index] if index < len(self._sizes) else None
            self.read = max(self.read, before + (size or 0))  # what was not read counts too

    def _marked(
        self, index: int, found: Iterator[Document | Drop | InputEnd | Skipped]
    ) -> Iterator[Document | Drop | InputEnd | Skipped]:
        """The items of input ``index``, each with its mark queued: a record restarts at
        its own position, if it is past the one before it (a WARC record's ``truncated``
        drop shares the record's offset: restarting there would give the record twice)."""
        last: Position | None = None
        for item in found:
            restart = None
            if not isinstance(item, InputEnd):
                at = Position.of(item.source)
                if at is not None and (last is None or at.offset > last.offset):
                    restart, last = Restart(self._restart.phase, index, at), at
            self._marks.append(Mark(restart, self.read))
            yield item

    def _counted(self, opener: Callable[[], BinaryIO], before: int) -> Callable[[], BinaryIO]:
        def open_counted() -> BinaryIO:
            counted = Counted(opener(), lambda size: setattr(self, "read", before + size))
            return cast(BinaryIO, counted)  # read and close: all a reader asks of it

        return open_counted


def input_sizes(specs: Sequence[str], options: ReadOptions) -> list[int | None]:
    """The size of each input the specs name, as stored: 0 for what cannot be read,
    None for what is no regular file (a pipe: its size is unknown)."""
    sizes: list[int | None] = []
    for item in expand(specs, follow_links=options.follow_links):
        if isinstance(item, Input) and is_url(item.path):
            sizes.append(url_size(item.path))
            continue
        try:
            found = os.stat(item.path) if isinstance(item, Input) else None
        except OSError:
            found = None
        if found is None:
            sizes.append(0)
        else:
            sizes.append(found.st_size if stat.S_ISREG(found.st_mode) else None)
    return sizes


class Counted:
    """A binary stream that tells ``on_read`` how many bytes were read from it so far."""

    def __init__(self, stream: BinaryIO, on_read: Callable[[int], None]) -> None:
        self._stream, self._on_read, self._size = stream, on_read, 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._size += len(data)
        self._on_read(self._size)
        return data

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> Counted:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class SpoolSource(Source):
    """The items a corpus pass spooled (pickles one after another), from byte ``start``."""

    def __init__(self, path: Path, phase: int, start: int = 0) -> None:
        super().__init__()
        self._path, self._phase, self.read = path, phase, start
        self.total = path.stat().st_size

    def end(self) -> Restart:
        return Restart(self._phase, spool=self.read)

    def past(self, phase: int, end: InputEnd, mark: Mark | None) -> Restart:
        """In a spool: the item after ``end`` (never the spool's start: that would
        write again everything the phase wrote)."""
        assert mark is not None, "a spool's items are marked"
        return Restart(phase, spool=mark.read)

    def items(self) -> Iterator[Any]:
        for before, item, after in spooled(self._path, self.read):
            self.read = after
            self._marks.append(Mark(Restart(self._phase, spool=before), after))
            yield item


def spooled(path: Path, start: int = 0) -> Iterator[tuple[int, Any, int]]:
    """``(offset, item, offset after it)`` for each item of the spool at ``path``, from
    byte ``start`` on."""
    with path.open("rb") as spool:
        spool.seek(start)
        while True:
            before = spool.tell()
            try:
                item = pickle.load(spool)
            except EOFError:
                return
            yield before, item, spool.tell()


class Spool:
    """Where a corpus pass keeps its results for the next phase: pickles appended to the
    file ``path``, cut back to ``size`` bytes first (a resumed pass)."""

    def __init__(self, path: Path, size: int = 0) -> None:
        self.path = path
        path.touch()
        os.truncate(path, size)
        self._file: IO[bytes] = path.open("ab")

    def add(self, item: Any) -> None:
        pickle.dump(item, self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def size(self) -> int:
        """Hand what was added to the operating system; the spool's size."""
        self._file.flush()
        return self._file.tell()

    def close(self) -> None:
        """Make the spool durable (a resumed run trusts a finished pass's spool)."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
