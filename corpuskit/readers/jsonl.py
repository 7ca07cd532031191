"""The JSONL reader: one document per record, streamed line by line.

Each non-blank line is one JSON object whose ``text_field`` holds the text. Nothing the
user had is lost: a usable ``id`` (a string or an integer) becomes the document id, and
every other field is carried unchanged into ``meta`` (an ``id`` of another type stays
there too). Fields such as ``title`` or ``url`` are not interpreted: they stay in ``meta``.

A line that cannot become a document is a ``Drop``: ``not_json``, ``not_object``,
``missing_text`` or ``text_not_string``. Blank lines are not records and are skipped.

Lines are UTF-8. A line that is not valid UTF-8 is decoded like a text file (see
``decode_bytes``: windows-1252, else Latin-1), so no byte is lost, and its
``Source.encoding`` names the codec used.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any, BinaryIO

import orjson

from corpuskit.document import Document, Drop, Source, make_document, sha256_hex
from corpuskit.readers.decode import decode_bytes, normalize_newlines

#: Python type -> the JSON name used in drop details.
JSON_TYPES: dict[type, str] = {
    dict: "object",
    list: "array",
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def read_jsonl(path: str, stream: BinaryIO, text_field: str = "text") -> Iterator[Document | Drop]:
    """A document or a drop for each non-blank line of a (decompressed) JSONL ``stream``.

    ``Source.line`` is the 1-based line number, ``Source.offset`` the byte offset of the
    line's start in the stream and ``Source.sha256`` the hash of the line's bytes
    without its line break.
    """
    offset = 0
    for number, line in enumerate(stream, start=1):
        if line.strip():
            source = Source(path, format="jsonl", line=number, offset=offset)
            yield read_record(line.rstrip(b"\r\n"), source, text_field)
        offset += len(line)


def read_record(line: bytes, source: Source, text_field: str = "text") -> Document | Drop:
    """The document for one JSONL line (without its line break) read from ``source``.

    >>> doc = read_record(b'{"id": 7, "text": "a\\\\r\\\\nb", "lang": "en"}', Source("c.jsonl"))
    >>> doc.id, doc.text, doc.meta
    ('7', 'a\\nb', {'lang': 'en'})
    >>> read_record(b'[1]', Source("c.jsonl")).reason
    'not_object'
    """
    source = replace(source, sha256=sha256_hex(line))
    try:
        record, encoding = parse_line(line)
    except (ValueError, RecursionError) as exc:
        return Drop("read", "not_json", source, f"not JSON: {exc}")
    source = replace(source, encoding=encoding)
    if not isinstance(record, dict):
        return Drop("read", "not_object", source, f"a JSON {json_type(record)}, not an object")
    return record_document(record, source, text_field)


def parse_line(line: bytes) -> tuple[Any, str]:
    """The JSON value of ``line`` and the codec its bytes were decoded with.

    orjson parses valid UTF-8; what it rejects is decoded with ``decode_bytes`` and
    given to the standard library's parser, which also accepts ``NaN`` and ``Infinity``
    and integers beyond 64 bits. Raises ``ValueError`` for a line that is not JSON.
    """
    try:
        return orjson.loads(line), "utf-8"
    except orjson.JSONDecodeError:
        text, encoding = decode_bytes(line)
        return json.loads(text), encoding


def record_document(record: Mapping[str, Any], source: Source, text_field: str) -> Document | Drop:
    """The document for a parsed JSON object, or a drop when it has no text string."""
    if text_field not in record:
        return Drop("read", "missing_text", source, f"the record has no {text_field!r} field")
    text = record[text_field]
    if not isinstance(text, str):
        detail = f"{text_field!r} is a JSON {json_type(text)}, not a string"
        return Drop("read", "text_not_string", source, detail)
    doc_id = record_id(record)
    skip = {text_field, "id"} if doc_id is not None else {text_field}
    meta = {key: value for key, value in record.items() if key not in skip}
    return make_document(normalize_newlines(text), source, doc_id=doc_id, meta=meta)


def record_id(record: Mapping[str, Any]) -> str | None:
    """The record's own id: its ``id`` field when that is a non-empty string or an integer.

    >>> record_id({"id": 12}), record_id({"id": "a-1"}), record_id({"id": True})
    ('12', 'a-1', None)
    """
    value = record.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    return str(value)


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages."""
    return JSON_TYPES.get(type(value), type(value).__name__)
