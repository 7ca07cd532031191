"""A short fuzz run of the readers: any bytes in, no exception out, every result writable.

Each format gets 100 hypothesis examples, so the run stays short enough for CI; set
``CORPUSKIT_FUZZ_EXAMPLES`` (e.g. to 5000) for a longer hunt. Inputs are real files in a temporary
folder, read by ``corpuskit.read`` with real parsers and decompressors.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpuskit import Document, Drop, read
from corpuskit.readers.decode import normalize_newlines
from corpuskit.writers import encode_record, encode_reject
from tests import warcs

EXAMPLES = int(os.environ.get("CORPUSKIT_FUZZ_EXAMPLES", "100"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Bytes that make readers take their other paths: markup, JSON, magic numbers, BOMs.
PIECES = st.sampled_from(
    [
        b"<html>", b"<p>", b"</p>", b"<script>", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"&#xD800;",
        b'{"text": "', b'"}', b'"\\ud800"', b"NaN", b"1" * 25, b"[", b"]", b"{", b"}", b"\n",
        b"\r", b"\x00", b"\xff", b"\xef\xbb\xbf", b"\xff\xfe", b"\x1f\x8b", b"\x28\xb5\x2f\xfd",
        "é – \u2028".encode(), b"word ", b"WARC/1.0\r\n", b"WARC-Type: response\r\n",
        b"Content-Length: 9\r\n", b"\r\n\r\n", b"HTTP/1.1 200 OK\r\n",
    ]
)  # fmt: skip

CONTENT = st.one_of(st.binary(max_size=2000), st.lists(PIECES, max_size=60).map(b"".join))


def _zstd(data: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(data)


def _warc(data: bytes) -> bytes:
    """A real WARC response record around the fuzzed bytes, then a record of them."""
    page = warcs.response("https://fuzz.example/", data, None)
    return warcs.gzip_records([page, warcs.record("resource", data, uri="x:", key="fuzz")])


#: Name suffix -> how its content is made from the fuzzed bytes.
FORMATS: dict[str, Callable[[bytes], bytes]] = {
    ".txt": bytes,
    ".html": bytes,
    ".jsonl": bytes,
    ".dat": bytes,  # no format by name: sniffed
    ".txt.gz": gzip.compress,
    ".jsonl.zst": _zstd,
    ".html.gz": bytes,  # not an archive at all
    ".warc": bytes,
    ".warc.gz": _warc,
}


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def read_bytes(folder: Path, name: str, data: bytes) -> list[Document | Drop]:
    path = folder / name
    path.write_bytes(data)
    return list(read([str(path)]))


def assert_well_formed(results: list[Document | Drop]) -> None:
    """Every result is a document or a drop that strict JSON can write."""
    for result in results:
        if isinstance(result, Document):
            encode_record(result.to_record())  # raises on lone surrogates, NaN, huge ints
            assert "\r" not in result.text
        else:
            assert isinstance(result, Drop) and result.step == "read"
            assert result.reason != "error", result.detail
            encode_reject(result.to_record())


@pytest.mark.parametrize("suffix", FORMATS)
@FUZZ
@given(content=CONTENT, cut=st.integers(min_value=0, max_value=40))
def test_any_bytes_in_no_exception_out(folder: Path, suffix: str, content: bytes, cut: int) -> None:
    data = FORMATS[suffix](content)
    assert_well_formed(read_bytes(folder, f"fuzz{suffix}", data))
    if cut:  # and the same archive or file, truncated
        assert_well_formed(read_bytes(folder, f"cut{suffix}", data[:-cut]))


# --- JSONL round trip -------------------------------------------------------------------------

INTEGERS = st.integers(min_value=-(2**63), max_value=2**64 - 1)
FLOATS = st.floats(allow_nan=False, allow_infinity=False)
SCALARS = st.none() | st.booleans() | INTEGERS | FLOATS | st.text(max_size=20)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)
META = st.dictionaries(
    st.text(max_size=8).filter(lambda k: k not in ("text", "id", "url")), VALUES, max_size=5
)


@FUZZ
@given(text=st.text(max_size=200), meta=META)
def test_jsonl_round_trip(folder: Path, text: str, meta: dict[str, object]) -> None:
    """Whatever strict JSON holds comes back unchanged (line breaks in the text aside)."""
    line = json.dumps({"text": text, **meta}, ensure_ascii=False)
    [doc] = read_bytes(folder, "round.jsonl", line.encode() + b"\n")
    assert isinstance(doc, Document)
    assert doc.text == normalize_newlines(text)
    assert doc.meta == meta


@FUZZ
@given(text=st.text(alphabet=st.characters(codec=None), max_size=50))
def test_jsonl_text_with_surrogates_is_repaired(folder: Path, text: str) -> None:
    line = json.dumps({"text": text, "k": text})  # ASCII: lone surrogates as \\ud800 escapes
    [doc] = read_bytes(folder, "surrogates.jsonl", line.encode() + b"\n")
    assert isinstance(doc, Document)
    encode_record(doc.to_record())
    assert len(doc.meta["k"]) == len(text)  # each lone surrogate is one U+FFFD
