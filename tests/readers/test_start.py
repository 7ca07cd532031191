"""Reading from a Position: what a resumed run reads inside a big JSONL or WARC input is
exactly the rest of what a whole read gives, ids included."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest

from corpuskit.document import Document, Drop, Position, Skipped
from corpuskit.readers import ReadOptions, read_marked
from tests import warcs
from tests.conftest import seed_pages


def jsonl_bytes() -> bytes:
    """Records of real text, a blank line, a broken line and a record without text."""
    text = seed_pages()[0].read_text(encoding="utf-8")
    lines = [orjson.dumps({"id": n, "text": f"{n}: {text[: 200 + n]}"}) for n in range(12)]
    lines[4:4] = [b"", b"{not json", b'{"title": "no text"}']
    return b"\r\n".join(lines) + b"\n"


def warc_records() -> list[bytes]:
    page = seed_pages()[1].read_text(encoding="utf-8")
    html = f"<html><body><p>{page}</p></body></html>"
    found = [warcs.warcinfo()]
    for n in range(6):
        uri = f"https://example.org/{n}"
        body = html.replace("<p>", f"<p>{n} ").encode()
        found += [warcs.request(uri), warcs.response(uri, body)]
    return found


CASES = {
    "a.jsonl": jsonl_bytes,
    "a.jsonl.gz": lambda: gzip.compress(jsonl_bytes(), mtime=0),
    "a.warc": lambda: b"".join(warc_records()),
    "a.warc.gz": lambda: warcs.gzip_records(warc_records()),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_reading_from_each_record_gives_the_rest(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(CASES[name]())
    whole = list(read_marked([str(path)], ReadOptions()))
    starts = [
        (number, Position.of(item.source))
        for number, item in enumerate(whole)
        if isinstance(item, Document | Drop | Skipped)
    ]
    assert sum(position is not None for _, position in starts) >= 10
    for number, position in starts:
        if position is None:
            continue
        rest = list(read_marked([str(path)], ReadOptions(), start=position))
        assert rest == whole[number:], f"from record {number} at {position}"
