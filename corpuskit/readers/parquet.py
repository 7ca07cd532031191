"""The Parquet reader: one document per row, streamed a batch of rows at a time.

A row is read as the JSONL reader reads a record (``jsonl.record_document``): its
``text_field`` column holds the page (text, or HTML as ``ReadOptions.content`` says),
``id_field`` and ``url_field`` give the document's id and URL, and every other column
is carried into ``meta``. A row without the text column is a ``missing_text`` drop, a
row whose text is not a string (a number, a null) a ``text_not_string`` drop: one per
row, so that every row is accounted for. A row is held to the limits of a JSONL line:
nested deeper than ``Limits.max_json_depth`` it is ``too_deep``, longer as JSON than
``Limits.max_line_bytes`` ``too_large``.

Column values become JSON values (``json_value``): what JSON has (strings, numbers,
booleans, null, lists, structs as objects) as it is; bytes decoded like a text file
(``decode_text``); dates and times as ISO 8601 strings, decimals as their digits, a
map as a list of ``[key, value]`` pairs. ``Source.line`` is the row's number in the
file (1 for the first row, so ``pyarrow`` and ``datasets`` index it as ``line - 1``),
``Source.row_group`` the row group it is in and ``Source.sha256`` the hash of the row
as a JSON object (columns in the file's order).

Memory stays flat however large the file: rows are converted ``BATCH_ROWS`` at a time,
and pyarrow holds at most the column chunks of one row group. A Parquet file is read
from its end (its footer says where the row groups are), so it must be a file that can
be seeked: standard input or a pipe is an ``unreadable`` drop. A file that is not
Parquet, or is truncated, is one ``bad_parquet`` drop; a row group that cannot be
decoded is a ``bad_parquet`` drop for each of its rows not read, and reading goes on
with the next row group.

pyarrow (``pip install 'corpuskit[parquet]'``) is imported with the first Parquet file.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any, BinaryIO

import orjson

from corpuskit.document import Document, Drop, Position, Source, sha256_hex
from corpuskit.parquet import require_pyarrow
from corpuskit.readers.decode import decode_text
from corpuskit.readers.jsonl import depth, record_document, record_id
from corpuskit.readers.limits import how_to_raise
from corpuskit.readers.options import ReadOptions
from corpuskit.readers.paths import input_drop
from corpuskit.writers import strict_json

if TYPE_CHECKING:
    import pyarrow.parquet as pq

#: The options a Parquet input is read with when none are given.
DEFAULTS = ReadOptions()

#: Rows turned into Python objects at a time: memory then grows with this many rows
#: (a few MB of pages), not with the row group. Raising it saves little (the
#: conversion's cost is per row); re-measure tests/readers/test_parquet.py's memory
#: test after changing it.
BATCH_ROWS = 256


def read_parquet(
    path: str, stream: BinaryIO, options: ReadOptions = DEFAULTS, start: Position | None = None
) -> Iterator[Document | Drop]:
    """A document or a drop for each row of the Parquet file ``stream``, in order.

    With ``start`` (a resumed run: ``Position(row, row group)``), reading begins at that
    row, the row groups before it unread.
    """
    if not _seekable(stream):
        detail = "a Parquet file is read from its end: name the file, not a pipe or stdin"
        yield input_drop(path, "unreadable", detail, "parquet")
        return
    parquet = parquet_file(path, stream)
    if isinstance(parquet, Drop):
        yield parquet
        return
    bounds = _group_starts(parquet)
    begin = start.offset if start is not None else 0
    for group in range(begin, parquet.metadata.num_row_groups):
        row = start.line - 1 if start is not None and group == begin else bounds[group]
        rows = (bounds[group], row, bounds[group + 1])
        yield from _read_group(path, parquet, group, rows, options)


def parquet_file(path: str, stream: BinaryIO) -> pq.ParquetFile | Drop:
    """The open Parquet file, or a ``bad_parquet`` drop when its footer cannot be read."""
    pyarrow, parquet = require_pyarrow("reading")
    try:
        return parquet.ParquetFile(stream)
    except (pyarrow.ArrowException, OSError) as exc:
        detail = f"not a readable Parquet file: {one_line(exc)}"
        return input_drop(path, "bad_parquet", detail, "parquet")


def _seekable(stream: BinaryIO) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def _group_starts(parquet: pq.ParquetFile) -> list[int]:
    """The 0-based index of the first row of each row group, and the row count last."""
    starts = [0]
    for group in range(parquet.metadata.num_row_groups):
        starts.append(starts[-1] + parquet.metadata.row_group(group).num_rows)
    return starts


def _read_group(
    path: str,
    parquet: pq.ParquetFile,
    group: int,
    rows: tuple[int, int, int],
    options: ReadOptions,
) -> Iterator[Document | Drop]:
    """The rows of row ``group`` from the file's row ``row`` (0-based) on, ``rows``
    being ``(first, row, end)``: the group's rows are ``first`` to ``end - 1``; a
    ``bad_parquet`` drop for each row not read when the group cannot be decoded."""
    pyarrow, _ = require_pyarrow("reading")
    first, row, end = rows
    try:
        for batch in parquet.iter_batches(BATCH_ROWS, row_groups=[group], use_threads=False):
            values = batch.to_pylist()
            for number in range(max(row - first, 0), len(values)):
                source = Source(path, "parquet", line=first + number + 1, row_group=group)
                yield row_document(values[number], source, options)
            first += len(values)
    except (pyarrow.ArrowException, OSError) as exc:
        detail = f"row group {group} cannot be read: {one_line(exc)}"
        for lost in range(max(row, first), end):
            source = Source(path, "parquet", line=lost + 1, row_group=group)
            yield Drop("read", "bad_parquet", source, detail)


def one_line(error: Exception) -> str:
    """pyarrow's message for ``error`` on one line (it spans several).

    >>> one_line(OSError("Couldn't deserialize thrift.\\nDeserializing page header failed.\\n"))
    "Couldn't deserialize thrift. Deserializing page header failed."
    """
    return " ".join(str(error).split())


def row_document(row: dict[str, Any], source: Source, options: ReadOptions) -> Document | Drop:
    """The document for one row (as ``pyarrow`` gives it) read from ``source``.

    >>> doc = row_document({"id": 7, "text": "Hi.", "n": 1.5}, Source("a.parquet", "parquet"),
    ...     DEFAULTS)
    >>> doc.id, doc.text, doc.meta
    ('7', 'Hi.', {'n': 1.5})
    """
    record, limits = json_value(row), options.limits
    row_id = record_id(record, options.id_field)
    if depth(record) > limits.max_json_depth:
        detail = f"nested deeper than {limits.max_json_depth} levels; "
        detail += how_to_raise("max_json_depth")
        return Drop("read", "too_deep", source, detail, input_id=row_id)
    data = orjson.dumps(record)
    source = replace(source, sha256=sha256_hex(data))
    if len(data) > limits.max_line_bytes:
        detail = f"a row of {len(data):,} bytes as JSON, over {limits.max_line_bytes:,}; "
        detail += how_to_raise("max_line_bytes")
        return Drop("read", "too_large", source, detail, input_id=row_id)
    return record_document(record, source, options)


def json_value(value: Any) -> Any:
    """A column value as a strict JSON value (see the module docstring).

    >>> json_value({"b": b"caf\\xe9", "d": datetime.date(2024, 5, 1), "x": [float("nan")]})
    {'b': 'café', 'd': '2024-05-01', 'x': [None]}
    >>> json_value(decimal.Decimal("1.50")), json_value([("k", 1)])
    ('1.50', [['k', 1]])
    """
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    if isinstance(value, bytes):
        return decode_text(value)[0]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | datetime.timedelta):
        return str(value)
    return strict_json(value)
