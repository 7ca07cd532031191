"""The JSONL reader: one document per record, streamed line by line.

Each non-blank line is one JSON object whose ``text_field`` holds the page: text, or
HTML as ``ReadOptions.content`` says (by default HTML when it opens like a page), whose
text, fields (``title``, ``url``...) and metadata are then extracted as an HTML file's
are. Nothing the user had is lost: a usable ``id`` (a string or an integer; the field
``ReadOptions.id_field`` names) becomes the document id, a usable ``url`` (a string;
``url_field``) its ``url``, and every other field is carried into ``meta`` (an ``id``
of another type stays there too; a record's field wins over the page's metadata of the
same name). Other fields, such as ``title``, are not interpreted: they stay in
``meta``. Two records with the same ``id`` are two documents with that id: a reader
streams and does not remember ids (deduplication is a corpus step's job). A record that
cannot become a document keeps its id in the drop (``Drop.input_id``) when it has one.

A line that cannot become a document is a ``Drop``: ``not_json``, ``not_object``,
``missing_text``, ``text_not_string``, ``too_large`` (a line longer than
``Limits.max_line_bytes``, never held in memory whole) or ``too_deep`` (nested deeper
than ``Limits.max_json_depth``). Blank lines are not records and are skipped; only
``"\\n"`` ends a line, so U+2028 or U+0085 inside a string do not split a record.

Lines are UTF-8. A line that is not valid UTF-8 is decoded like a text file (see
``decode_text``: windows-1252, else Latin-1), so no byte is lost, and its
``Source.encoding`` names the codec used (``Source.encoding_from``: how it was chosen).

Every record becomes strict JSON, so its corpus line can always be written: orjson
reads the valid lines, and refuses what strict JSON cannot hold; those lines are read
by the standard library's parser and made strict by ``strict_json``: a lone surrogate
(``"\\ud800"``) becomes U+FFFD, ``NaN`` and ``Infinity`` become ``null``, an integer
beyond 64 bits becomes a string of its digits. Of duplicate keys the last one wins, as
in both parsers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from itertools import count
from typing import Any, BinaryIO

import orjson

from corpuskit.document import Document, Drop, Position, Source, make_document, sha256_hex
from corpuskit.readers.decode import decode_text, normalize_newlines
from corpuskit.readers.detect import SNIFF_BYTES, looks_like_html
from corpuskit.readers.html import html_document
from corpuskit.readers.limits import how_to_raise
from corpuskit.readers.options import ReadOptions
from corpuskit.readers.streams import CHUNK
from corpuskit.writers import strict_json

#: The options a JSONL input is read with when none are given.
DEFAULTS = ReadOptions()

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

#: An integer of 19 digits or more standing as a value: it may not fit in 64 bits, and
#: orjson would turn it into a rounded float. Such lines go to the standard parser, which
#: keeps it exact. A false match (inside a string) costs only the slower parser.
_LONG_INTEGER = re.compile(rb"[:,\[]\s*-?\d{19,}\s*[,\]}]")


def read_jsonl(
    path: str, stream: BinaryIO, options: ReadOptions = DEFAULTS, start: Position | None = None
) -> Iterator[Document | Drop]:
    """A document or a drop for each non-blank line of a (decompressed) JSONL ``stream``.

    ``Source.line`` is the 1-based line number, ``Source.offset`` the byte offset of the
    line's start in the stream and ``Source.sha256`` the hash of the line's bytes
    without its line break. With ``start``, the stream stands at that position of the
    input (a resumed run), and lines and offsets are counted from there.
    """
    limits = options.limits
    for number, offset, line in numbered_lines(stream, limits.max_line_bytes, start):
        source = Source(path, format="jsonl", line=number, offset=offset)
        if line is None:
            size = f"{limits.max_line_bytes:,}"
            detail = f"line longer than {size} bytes; {how_to_raise('max_line_bytes')}"
            yield Drop("read", "too_large", source, detail)
        elif line.strip():
            yield read_record(line, source, options)


def numbered_lines(
    stream: BinaryIO, max_bytes: int, start: Position | None = None
) -> Iterator[tuple[int, int, bytes | None]]:
    """``(number, offset, line)`` for each line of ``stream``, line break removed,
    counted from ``start`` (the stream's first line and offset; line 1 at 0 when None).

    ``line`` is None for a line longer than ``max_bytes``: it is read past in chunks,
    never held whole.

    >>> import io
    >>> list(numbered_lines(io.BytesIO(b"ab\\r\\n\\nabcd\\nabc"), 3))
    [(1, 0, b'ab'), (2, 4, b''), (3, 5, None), (4, 10, b'abc')]
    >>> list(numbered_lines(io.BytesIO(b"abc"), 3, Position(4, 10)))
    [(4, 10, b'abc')]
    """
    offset = start.offset if start is not None else 0
    for number in count(start.line if start is not None else 1):
        line = stream.readline(max_bytes + 2)  # room for the content and "\r\n"
        if not line:
            return
        size = len(line)
        if not line.endswith(b"\n") and size == max_bytes + 2:
            size += _skip_line(stream)
            yield number, offset, None
        else:
            content = line.rstrip(b"\n").removesuffix(b"\r")
            yield number, offset, content if len(content) <= max_bytes else None
        offset += size


def _skip_line(stream: BinaryIO) -> int:
    """Read past the rest of the current line; the number of bytes skipped."""
    skipped = 0
    while part := stream.readline(CHUNK):
        skipped += len(part)
        if part.endswith(b"\n"):
            break
    return skipped


def read_record(line: bytes, source: Source, options: ReadOptions = DEFAULTS) -> Document | Drop:
    """The document for one JSONL line (without its line break) read from ``source``.

    >>> doc = read_record(b'{"id": 7, "text": "a\\\\r\\\\nb", "lang": "en"}', Source("c.jsonl"))
    >>> doc.id, doc.text, doc.meta
    ('7', 'a\\nb', {'lang': 'en'})
    >>> read_record(b'[1]', Source("c.jsonl")).reason
    'not_object'
    >>> read_record(b'{"text": "x", "n": NaN, "s": "\\\\udc00"}', Source("c.jsonl")).meta
    {'n': None, 's': '�'}
    """
    source = replace(source, sha256=sha256_hex(line))
    limits = options.limits
    too_deep = f"nested deeper than {limits.max_json_depth} levels; "
    too_deep += how_to_raise("max_json_depth")
    # A line nested deeper than the limit has the line's own source whether the parser
    # ran out of stack (``RecursionError``, which depends on how deep this process's
    # stack already is: a pool worker, a Ray task and the main process differ) or parsed
    # it, never the codec only a parse tells; the record's id when it was parsed.
    try:
        record, encoding, how = parse_line(line)
    except RecursionError:
        return Drop("read", "too_deep", source, too_deep)
    except ValueError as exc:
        return Drop("read", "not_json", source, f"not JSON: {exc}")
    if _brackets(line) > limits.max_json_depth and depth(record) > limits.max_json_depth:
        return Drop(
            "read", "too_deep", source, too_deep, input_id=record_id(record, options.id_field)
        )
    source = replace(source, encoding=encoding, encoding_from=how)
    if not isinstance(record, dict):
        return Drop("read", "not_object", source, f"a JSON {json_type(record)}, not an object")
    return record_document(record, source, options)


def parse_line(line: bytes) -> tuple[Any, str, str]:
    """The JSON value of ``line``, strict (see the module docstring), its codec and how
    the codec was chosen (``decode_text``).

    orjson parses valid UTF-8; what it refuses is decoded with ``decode_text`` and
    given to the standard library's parser, which also accepts lone surrogates, ``NaN``,
    ``Infinity`` and integers beyond 64 bits, and then made strict. Raises
    ``ValueError`` for a line that is not JSON and ``RecursionError`` for one nested
    too deep for the standard parser (about 1,000 levels).
    """
    if not _LONG_INTEGER.search(line):
        try:
            return orjson.loads(line), "utf-8", "utf-8"
        except orjson.JSONDecodeError:
            pass
    text, encoding, how = decode_text(line)
    return strict_json(json.loads(text, parse_int=_integer)), encoding, how


def _integer(digits: str) -> int | str:
    """A JSON integer: an ``int`` within 64 bits, else the digits as they were written.

    Never converts a long digit string (Python refuses more than 4,300 digits, and the
    conversion time grows with the square of the length).

    >>> _integer("-12"), _integer("1" * 30)
    (-12, '111111111111111111111111111111')
    """
    if len(digits.lstrip("-")) > 20:
        return digits
    value = int(digits)
    return value if -(2**63) <= value < 2**64 else digits


def _brackets(line: bytes) -> int:
    """How many objects and arrays ``line`` opens at most: a bound on its depth."""
    return line.count(b"{") + line.count(b"[")


def depth(value: Any) -> int:
    """How deeply ``value`` nests objects and arrays (a scalar is 0, ``{}`` is 1).

    Iterative, so a deep value cannot exhaust Python's stack.

    >>> depth({"a": [1, {"b": []}]}), depth("x")
    (4, 0)
    """
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        node, level = pending.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            children = node.values() if isinstance(node, dict) else node
            pending.extend((child, level + 1) for child in children)
    return deepest


def record_document(
    record: Mapping[str, Any], source: Source, options: ReadOptions = DEFAULTS
) -> Document | Drop:
    """The document for a parsed JSON object, or a drop when it has no text string (or
    its page cannot be read: ``html_document``'s drops), with the record's id.

    >>> record = {"id": 3, "text": "<html><title>Vote</title><p>Yes.</p>", "site": "ex"}
    >>> doc = record_document(record, Source("c.jsonl"))
    >>> doc.id, doc.text, doc.title, doc.meta
    ('3', 'Yes.', 'Vote', {'site': 'ex'})
    >>> record_document(record, Source("c.jsonl"), ReadOptions(content="text")).text
    '<html><title>Vote</title><p>Yes.</p>'
    >>> record_document({"id": 4, "body": "x"}, Source("c.jsonl")).id
    '4'
    """
    text_field, doc_id = options.text_field, record_id(record, options.id_field)
    if text_field not in record:
        detail = f"the record has no {text_field!r} field"
        return Drop("read", "missing_text", source, detail, input_id=doc_id)
    text = record[text_field]
    if not isinstance(text, str):
        detail = f"{text_field!r} is a JSON {json_type(text)}, not a string"
        return Drop("read", "text_not_string", source, detail, input_id=doc_id)
    url = record_url(record, options.url_field)
    used = {text_field}
    used |= {options.id_field} if doc_id is not None else set()
    used |= {options.url_field} if url is not None else set()
    meta = {key: value for key, value in record.items() if key not in used}
    if not is_page(text, options.content):
        return make_document(normalize_newlines(text), source, doc_id=doc_id, url=url, meta=meta)
    page = html_document(text, source, options)
    if isinstance(page, Drop):
        return replace(page, input_id=doc_id)
    if page.url is not None and url is not None and page.url != url:
        meta[options.url_field] = url  # the page's canonical URL wins; the record's stays
    return replace(page, id=doc_id or page.id, url=page.url or url, meta={**page.meta, **meta})


def is_page(value: str, content: str) -> bool:
    """Whether a text field's ``value`` is read as an HTML page, as ``content``
    (``ReadOptions.content``) says: ``auto`` looks at its first ``SNIFF_BYTES``
    characters only.

    >>> is_page("<!DOCTYPE html><p>Hi", "auto"), is_page("a <b>bold</b> claim", "auto")
    (True, False)
    >>> is_page("plain words", "html")
    True
    """
    if content != "auto":
        return content == "html"
    return looks_like_html(value[:SNIFF_BYTES].encode("utf-8", "surrogatepass"))


def record_id(record: Mapping[str, Any], field: str = "id") -> str | None:
    """The record's own id: its ``field`` when that is a non-empty string or an integer.

    >>> record_id({"id": 12}), record_id({"id": "a-1"}), record_id({"id": True})
    ('12', 'a-1', None)
    >>> record_id({"id": 1, "doc_id": "x9"}, "doc_id")
    'x9'
    """
    value = record.get(field)
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    return str(value)


def record_url(record: Mapping[str, Any], field: str = "url") -> str | None:
    """The record's URL: its ``field`` when that is a non-empty string.

    >>> record_url({"url": "https://ex.org/a"}), record_url({"url": 7}), record_url({}, "u")
    ('https://ex.org/a', None, None)
    """
    value = record.get(field)
    return value if isinstance(value, str) and value else None


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages."""
    return JSON_TYPES.get(type(value), type(value).__name__)
