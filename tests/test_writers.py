from __future__ import annotations

import gzip
import json
from pathlib import Path

import orjson
import pytest
import zstandard

from corpuskit.errors import InputError
from corpuskit.writers import (
    JsonlWriter,
    MemoryWriter,
    encode_record,
    encode_reject,
    strict_json,
    write_json,
)


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_file_appears_only_when_closed(tmp_path: Path) -> None:
    target = tmp_path / "out" / "corpus.jsonl"
    writer = JsonlWriter(target)
    writer.write(encode_record({"id": "a", "text": "Grüße"}))
    assert not target.exists()
    writer.close()
    assert lines(target) == [{"id": "a", "text": "Grüße"}]
    assert [p.name for p in target.parent.iterdir()] == ["corpus.jsonl"]


def test_failed_run_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "corpus.jsonl"
    with pytest.raises(RuntimeError), JsonlWriter(target) as writer:
        writer.write(encode_record({"id": "a"}))
        raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []


def test_compressed_outputs_are_deterministic(tmp_path: Path) -> None:
    for name, unpack in (("c.jsonl.gz", gzip.decompress), ("c.jsonl.zst", _unzstd)):
        blobs = []
        for run in range(2):
            target = tmp_path / f"{run}{name}"
            with JsonlWriter(target) as writer:
                writer.write(encode_record({"id": "a", "text": "x"}))
            blobs.append(target.read_bytes())
        assert blobs[0] == blobs[1]
        assert unpack(blobs[0]) == b'{"id":"a","text":"x"}\n'


def _unzstd(blob: bytes) -> bytes:
    return zstandard.ZstdDecompressor().decompressobj().decompress(blob)


def test_output_that_is_a_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        JsonlWriter(tmp_path)


def test_strict_json_and_reject_fallback() -> None:
    with pytest.raises(orjson.JSONEncodeError):
        encode_record({"text": "\ud800"})
    assert json.loads(encode_reject({"text": "\ud800"})) == {"text": "\ufffd"}
    assert encode_record({"x": float("nan")}) == b'{"x":null}\n'


@pytest.mark.parametrize(
    ("value", "strict"),
    [
        ("a\ud800b\udfff", "a\ufffdb\ufffd"),
        (float("nan"), None),
        (float("-inf"), None),
        (1.5, 1.5),
        (2**64 - 1, 2**64 - 1),
        (2**64, str(2**64)),
        (-(2**63) - 1, str(-(2**63) - 1)),
        (True, True),
        ({1: (None, "x"), "\udc80": {}}, {"1": [None, "x"], "\ufffd": {}}),
        ({"k": {1, 2}}, {"k": "{1, 2}"}),
    ],
)
def test_strict_json(value: object, strict: object) -> None:
    assert strict_json(value) == strict
    assert orjson.loads(encode_record({"v": strict_json(value)})) == {"v": strict}


def test_rejects_are_always_strict_json() -> None:
    record = {"text": "\ud800", "score": float("nan"), "n": 2**70, "keys": {(1, 2): 1}}
    line = encode_reject(record)
    assert b"NaN" not in line
    assert json.loads(line, parse_constant=float) == {
        "text": "\ufffd",
        "score": None,
        "n": str(2**70),
        "keys": {"(1, 2)": 1},
    }


def test_memory_writer_and_manifest(tmp_path: Path) -> None:
    memory = MemoryWriter()
    with memory:
        memory.write(encode_record({"id": "a"}))
    assert memory.records == [{"id": "a"}] and memory.closed
    write_json(tmp_path / "m.json", {"a": 1})
    assert json.loads((tmp_path / "m.json").read_text()) == {"a": 1}
