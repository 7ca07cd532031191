"""Read corpuskit's own JSONL output back, line by line: the corpus and the rejects.

The readers' machinery is reused, not copied: ``readers.paths.expand`` names the files
(one file, a folder of shards ``part-*.jsonl.zst`` walked in order, a glob, ``-``),
``readers.compression.decompressed`` opens gzip and zstd by content, and
``readers.jsonl.numbered_lines`` reads in bounded pieces, so a line longer than
``Limits.max_line_bytes`` is skipped without being held. What differs from the ``jsonl``
*reader* is the meaning of a record: there a line is an input page that becomes a new
``Document`` (its fields carried into ``meta``); here it is a result, read as written.

A line that is not a JSON object is not an error: it is a ``Line`` whose ``problem`` says
why, so a report can count it and go on. Only an input that cannot be read at all (no
such file, a damaged archive) raises ``InputError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from corpuskit.document import Drop
from corpuskit.errors import InputError
from corpuskit.readers.compression import COMPRESSION_ERRORS, decompressed
from corpuskit.readers.jsonl import numbered_lines
from corpuskit.readers.limits import DEFAULT_LIMITS
from corpuskit.readers.paths import Input, expand
from corpuskit.run.report import RunReport
from corpuskit.storage import open_path


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line of a JSONL file: its ``record``, or None and the ``problem``."""

    path: str
    number: int
    record: dict[str, Any] | None
    problem: str = ""


def read_lines(spec: str, max_line_bytes: int = DEFAULT_LIMITS.max_line_bytes) -> Iterator[Line]:
    """Every non-blank line of the JSONL files ``spec`` names, in order.

    Raises ``InputError`` when ``spec`` names nothing or a file cannot be read.
    """
    for item in expand([spec]):
        if isinstance(item, Drop):
            detail = f": {item.detail}" if item.detail else ""
            raise InputError(f"cannot read {item.source.path}{detail}")
        yield from _file_lines(item, max_line_bytes)


def _file_lines(item: Input, max_line_bytes: int) -> Iterator[Line]:
    try:
        with item.open() as raw, decompressed(raw, item.path) as stream:
            for number, _, line in numbered_lines(stream, max_line_bytes):
                if line is None:
                    yield Line(item.path, number, None, f"longer than {max_line_bytes:,} bytes")
                elif line.strip():
                    yield parse_line(item.path, number, line)
    except COMPRESSION_ERRORS as error:
        raise InputError(f"cannot read {item.path}: damaged archive ({error})") from None
    except OSError as error:
        raise InputError(f"cannot read {item.path}: {error.strerror or error}") from None


def parse_line(path: str, number: int, line: bytes) -> Line:
    """The ``Line`` for the bytes of line ``number`` of ``path``.

    >>> parse_line("c.jsonl", 3, b'{"id": "a"}').record
    {'id': 'a'}
    >>> parse_line("c.jsonl", 4, b"[1, 2]").problem, parse_line("c.jsonl", 5, b"{oops").problem
    ('not a JSON object', 'not JSON')
    """
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return Line(path, number, None, "not JSON")
    if not isinstance(value, dict):
        return Line(path, number, None, "not a JSON object")
    return Line(path, number, value)


@dataclass(frozen=True, slots=True)
class RunManifest:
    """What the report uses of a run manifest (``clean --manifest``): the corpuskit
    version, the pipeline's step names in order and the run's ``RunReport``."""

    path: str
    version: str
    steps: tuple[str, ...]
    report: RunReport


def read_manifest(path: str) -> RunManifest:
    """The run manifest at ``path``; ``InputError`` when it cannot be read or is not one."""
    try:
        with open_path(path) as stream:
            data = orjson.loads(stream.read())
    except OSError as error:
        raise InputError(f"cannot read manifest {path}: {error.strerror or error}") from None
    except orjson.JSONDecodeError:
        raise InputError(f"manifest {path} is not JSON") from None
    try:
        return RunManifest(
            path=path,
            version=str(data.get("corpuskit", "")),
            steps=tuple(str(step["step"]) for step in data.get("pipeline", ())),
            report=RunReport.from_record(data["report"]),
        )
    except (AttributeError, KeyError, TypeError, ValueError):
        raise InputError(f"{path} is not a corpuskit run manifest") from None
