"""The corpus as Parquet: one row per corpus record, in one stable schema.

A run always writes JSONL into its partial folder (journaled, resumable, the same bytes
whatever the executor); a corpus named ``*.parquet``, or shards cut with
``shard_format="parquet"``, are converted from it when the run publishes
(``writers.publish``), so Parquet output keeps every promise JSONL output makes and is
byte-identical whatever the executor and worker count.

**The schema** (``COLUMNS``) is the same for every corpus, whatever its pages: ``id``,
``text`` and the metadata fields (``document.FIELDS``) as string columns
(``lang_score`` a double), and ``meta``, ``source`` and ``provenance`` as strings
holding the JSON object the corpus line holds, byte for byte. Why strings, not structs:

- ``meta`` carries each input's own fields, whose names and types differ from record
  to record and from input to input: a struct needs one set of fields and one type
  per field for the whole file, known before the first row group is written, and one
  record with ``"n": "7"`` after a thousand with ``"n": 7`` would break it;
- a JSON string reads back as exactly the object written (``json.loads``), and the
  schema of two runs' files is the same, so shards and runs concatenate;
- ``published`` stays the page's own ISO 8601 text, as in JSONL (a timestamp column
  would lose the page's UTC offset); the Hugging Face integration
  (``integrations.hf.features``) makes the same choices for the same reasons.

A field a record leaves out (no ``title``) is null. Each row group holds
``ROW_GROUP_ROWS`` rows, columns compressed with zstd. pyarrow
(``pip install 'corpuskit[parquet]'``) is imported only when a Parquet file is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, Any

import orjson

from corpuskit.document import FIELDS
from corpuskit.errors import InputError
from corpuskit.lazy import require

#: The file name ending of a Parquet corpus or shard.
SUFFIX = ".parquet"

#: The columns of a Parquet corpus, in order; the JSON ones hold an object as JSON text.
COLUMNS: tuple[str, ...] = ("id", "text", *FIELDS, "meta", "source", "provenance")

#: The columns that hold a JSON object as text.
JSON_COLUMNS = frozenset({"meta", "source", "provenance"})

#: Rows per row group: a reader (ours, ``datasets``, DuckDB) holds one row group's
#: columns at a time, so this bounds its memory (a thousand pages: a few MB of text,
#: 64 MB at the largest pages ``Limits`` admits); fewer rows compress worse. Re-measure
#: the file size of a shard and tests/test_parquet.py's memory test after changing it.
ROW_GROUP_ROWS = 1000


def is_parquet_name(name: str) -> bool:
    """Whether an output ``name`` asks for Parquet.

    >>> is_parquet_name("out/corpus.parquet"), is_parquet_name("corpus.jsonl.zst")
    (True, False)
    """
    return name.lower().endswith(SUFFIX)


def write_parquet(lines: Iterable[bytes], raw: IO[bytes]) -> int:
    """Write the corpus records ``lines`` (JSONL, one record a line) to ``raw`` as
    Parquet; the number of rows written. Raises ``InputError`` for a record with a field
    the schema has no column for."""
    pyarrow, parquet = require_pyarrow("writing")
    schema = _schema(pyarrow)
    written = 0
    with parquet.ParquetWriter(raw, schema, compression="zstd", use_dictionary=False) as out:
        for group in _groups(lines):
            out.write_table(pyarrow.Table.from_pydict(columns(group), schema=schema))
            written += len(group)
    return written


def _groups(lines: Iterable[bytes]) -> Iterator[list[bytes]]:
    """``lines`` in lists of ``ROW_GROUP_ROWS``, blank lines left out."""
    records = (line for line in lines if line.strip())
    while group := list(islice(records, ROW_GROUP_ROWS)):
        yield group


def columns(lines: list[bytes]) -> dict[str, list[Any]]:
    """The records ``lines`` as columns (``COLUMNS``), JSON objects as JSON text.

    >>> columns([b'{"id":"a","text":"Hi","meta":{"n":1},"source":{},"provenance":{}}'])["meta"]
    ['{"n":1}']
    """
    table: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    for line in lines:
        record = orjson.loads(line)
        extra = set(record) - set(COLUMNS)
        if extra:
            raise InputError(f"parquet: no column for the record field {sorted(extra)[0]!r}")
        for name, values in table.items():
            value = record.get(name)
            if name in JSON_COLUMNS and value is not None:
                value = orjson.dumps(value).decode("utf-8")
            values.append(value)
    return table


def read_records(raw: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The corpus records of the Parquet corpus ``raw`` (a seekable file), in order, as
    their JSONL lines hold them: JSON columns parsed, null columns left out. Read a
    batch of rows at a time (``ROW_GROUP_ROWS``). pyarrow raises for a damaged file."""
    _, parquet = require_pyarrow("reading")
    for batch in parquet.ParquetFile(raw).iter_batches(ROW_GROUP_ROWS, use_threads=False):
        for row in batch.to_pylist():
            yield record_of(row)


def record_of(row: dict[str, Any]) -> dict[str, Any]:
    """The corpus record a Parquet corpus row holds (the inverse of ``columns``).

    >>> record_of({"id": "a", "text": "Hi", "title": None, "meta": '{"n":1}'})
    {'id': 'a', 'text': 'Hi', 'meta': {'n': 1}}
    """
    return {
        name: orjson.loads(value) if name in JSON_COLUMNS else value
        for name, value in row.items()
        if value is not None
    }


def _schema(pyarrow: Any) -> Any:
    """The Arrow schema of ``COLUMNS``."""
    kinds = {"lang_score": pyarrow.float64()}
    return pyarrow.schema(
        [pyarrow.field(name, kinds.get(name, pyarrow.string())) for name in COLUMNS]
    )


def require_pyarrow(doing: str) -> tuple[Any, Any]:
    """``pyarrow`` and ``pyarrow.parquet``, imported now (they are large: never at
    start-up), or ``InputError`` saying how to get them for ``doing`` Parquet."""
    parquet = require("pyarrow.parquet", "parquet", f"{doing} Parquet", package="pyarrow")
    return require("pyarrow", "parquet", f"{doing} Parquet"), parquet
