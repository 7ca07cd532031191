"""Readers on real files written to tmp_path: text, HTML, JSONL, compression, paths, stdin."""

from __future__ import annotations

import gc
import gzip
import io
import logging
import os
import re
import signal
import socket
import sys
import threading
import time
import tracemalloc
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
import pytest
import zstandard
from hypothesis import given
from hypothesis import strategies as st

from corpuskit.document import Document, Drop, InputEnd, sha256_hex, stable_id
from corpuskit.errors import InputError
from corpuskit.readers import FORMATS, decode_bytes, read, read_marked
from corpuskit.readers.decode import _LINE_BREAKS, normalize_newlines
from corpuskit.readers.detect import format_from_name, looks_like_html
from corpuskit.readers.limits import Limits, MiB, time_limit
from corpuskit.readers.paths import open_input
from corpuskit.writers import encode_record
from tests.conftest import bench_pages, bench_params, seed_pages


def read_all(*specs: str | Path, **options: Any) -> list[Document | Drop]:
    return list(read([str(spec) for spec in specs], **options))


def read_one(spec: str | Path, **options: Any) -> Document | Drop:
    (result,) = read_all(spec, **options)
    return result


def read_doc(spec: str | Path, **options: Any) -> Document:
    result = read_one(spec, **options)
    assert isinstance(result, Document), result
    return result


def read_drop(spec: str | Path, **options: Any) -> Drop:
    result = read_one(spec, **options)
    assert isinstance(result, Drop), result
    return result


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def zst(data: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(data)


def jsonl(*records: Any) -> bytes:
    return b"".join(orjson.dumps(record) + b"\n" for record in records)


# --- decode_bytes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text", "encoding"),
    [
        ("Grüße".encode(), "Grüße", "utf-8"),
        (b"\xef\xbb\xbfGr\xc3\xbc\xc3\x9fe", "Grüße", "utf-8-sig"),
        (b"\xff\xfe" + "Grüße ٣".encode("utf-16-le"), "Grüße ٣", "utf-16-le"),
        (b"\xfe\xff" + "Grüße ٣".encode("utf-16-be"), "Grüße ٣", "utf-16-be"),
        (b"\xff\xfe\x00\x00" + "Grüße".encode("utf-32-le"), "Grüße", "utf-32-le"),
        ("„Zitat“ – 5 €".encode("cp1252"), "„Zitat“ – 5 €", "cp1252"),
        (b"caf\xe9 \x81", "café \x81", "iso8859-1"),  # 0x81 is undefined in cp1252
    ],
)
def test_decode_bytes_picks_the_codec(raw: bytes, text: str, encoding: str) -> None:
    assert decode_bytes(raw) == (text, encoding)


@pytest.mark.parametrize(
    ("markup", "encoding"),
    [
        (b'<meta charset="ISO-8859-1"><p>caf\xe9 \x80', "cp1252"),  # Latin-1 label: cp1252
        (b'<meta charset="latin1"><p>ok', "cp1252"),
        (b'<meta charset="gbk"><p>\xd6\xd0\xce\xc4', "gb18030"),
        (b'<meta charset="shift_jis"><p>\x93\xfa\x96\x7b', "cp932"),
        (b'<meta charset="utf-16"><p>caf\xc3\xa9', "utf-8"),  # a UTF-16 label in 8-bit markup
        (b'<meta charset="klingon"><p>caf\xc3\xa9', "utf-8"),  # unknown label: ignored
        (b'<meta charset="base64"><p>caf\xe9', "cp1252"),  # not a charset: ignored
        (b'<?xml version="1.0" encoding="windows-1251"?><p>\xcf\xf0', "cp1251"),
    ],
)
def test_decode_bytes_html_reads_the_declared_charset(markup: bytes, encoding: str) -> None:
    assert decode_bytes(markup, html=True)[1] == encoding


def test_declared_charset_that_fails_is_kept_with_replacement() -> None:
    # A UTF-8 page with one stray Latin-1 byte (as traf-dev 2aecfac52bccbed7): reading it
    # as cp1252 would garble every other non-ASCII letter.
    raw = '<meta charset="utf-8"><p>Grüße</p><!-- M\xe4scot -->'.encode("utf-8", "replace")
    raw = raw.replace(b"M\xc3\xa4scot", b"M\xe4scot")
    text, encoding = decode_bytes(raw, html=True)
    assert encoding == "utf-8"
    assert "Grüße" in text and "M\ufffdscot" in text


def test_declared_charset_is_ignored_without_html() -> None:
    assert decode_bytes(b'<meta charset="iso-8859-1"><p>caf\xc3\xa9')[1] == "utf-8"


@given(st.binary(max_size=300), st.booleans())
def test_decode_bytes_never_raises(raw: bytes, html: bool) -> None:
    text, encoding = decode_bytes(raw, html=html)
    assert isinstance(text, str) and encoding


# --- line breaks --------------------------------------------------------------------------

BREAKS = ["\r\n", "\r", "\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]


@given(st.lists(st.sampled_from([*BREAKS, "a", " ", "é", "\t", "\x1c"]), max_size=40))
def test_normalize_newlines_leaves_only_newline(pieces: list[str]) -> None:
    text = "".join(pieces)
    result = normalize_newlines(text)
    assert not any(brk in result for brk in BREAKS if brk != "\n")
    assert normalize_newlines(result) == result
    assert result.replace("\n", "") == "".join(p for p in pieces if p not in BREAKS)
    assert result == _LINE_BREAKS.sub("\n", text)  # its definition: the shortcut agrees


# --- text files ---------------------------------------------------------------------------


def test_text_file_becomes_one_document_with_its_source(tmp_path: Path) -> None:
    raw = "Erste Zeile  \n\n  zweite Zeile für Jürgen\n".encode()
    path = write(tmp_path / "page.txt", raw)
    doc = read_doc(path)
    assert (
        doc.text == "Erste Zeile  \n\n  zweite Zeile für Jürgen\n"
    )  # nothing stripped or collapsed
    assert doc.source.path == str(path)
    assert doc.source.format == "text"
    assert doc.source.encoding == "utf-8"
    assert doc.source.sha256 == sha256_hex(raw)
    assert doc.source.line is None
    assert doc.id == stable_id(doc.source)


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (b"one\r\ntwo\r\n", "utf-8"),
        (b"one\rtwo\r", "utf-8"),
        (b"\xef\xbb\xbfone\r\ntwo\n", "utf-8-sig"),
        (b"\xff\xfe" + "one\r\ntwo\n".encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + "one\rtwo\u2028".encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_text_line_breaks_become_newlines(tmp_path: Path, raw: bytes, encoding: str) -> None:
    doc = read_doc(write(tmp_path / "a.txt", raw))
    assert doc.text == "one\ntwo\n"
    assert doc.source.encoding == encoding
    assert doc.source.sha256 == sha256_hex(raw)


@pytest.mark.parametrize(
    ("raw", "text", "encoding"),
    [
        ("Café – „gut“".encode("cp1252"), "Café – „gut“", "cp1252"),
        (b"Stra\xdfe \x8d\xe9", "Straße \x8dé", "iso8859-1"),
    ],
)
def test_legacy_encodings(tmp_path: Path, raw: bytes, text: str, encoding: str) -> None:
    doc = read_doc(write(tmp_path / "legacy.txt", raw))
    assert (doc.text, doc.source.encoding) == (text, encoding)


def test_empty_file_is_a_document_with_empty_text(tmp_path: Path) -> None:
    doc = read_doc(write(tmp_path / "empty.txt", b""))
    assert doc.text == ""
    assert doc.source.sha256 == sha256_hex(b"")


def test_file_with_nul_bytes_is_binary(tmp_path: Path) -> None:
    drop = read_drop(write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert (drop.step, drop.reason) == ("read", "binary")
    assert drop.source.format == "text"


def test_utf16_with_bom_is_not_binary(tmp_path: Path) -> None:
    doc = read_doc(write(tmp_path / "u16.txt", "Hallo Welt".encode("utf-16")))
    assert doc.text == "Hallo Welt"


@pytest.mark.parametrize("seed", seed_pages(), ids=lambda path: path.name)
def test_seed_pages_read_unchanged(seed: Path) -> None:
    doc = read_doc(seed)
    assert doc.text == seed.read_text(encoding="utf-8")
    assert doc.source.encoding == "utf-8"
    assert read_doc(seed).id == doc.id  # stable across runs


# --- compression --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "compress"),
    [("a.txt.gz", gzip.compress), ("a.txt.zst", zst), ("a.txt.GZ", gzip.compress)],
)
def test_compressed_text_is_read_transparently(tmp_path: Path, name: str, compress: Any) -> None:
    raw = "Grüße\r\naus Köln\n".encode()
    doc = read_doc(write(tmp_path / name, compress(raw)))
    assert doc.text == "Grüße\naus Köln\n"
    assert doc.source.format == "text"
    assert doc.source.sha256 == sha256_hex(raw)  # of the decompressed bytes


def test_compression_is_found_by_magic_bytes(tmp_path: Path) -> None:
    page = b"<!doctype html><title>T</title><p>Body text</p>"
    doc = read_doc(write(tmp_path / "download", gzip.compress(page)))
    assert (doc.source.format, doc.text, doc.title) == ("html", "Body text", "T")


def test_zstd_with_several_frames(tmp_path: Path) -> None:
    path = write(tmp_path / "two.txt.zst", zst(b"first part, ") + zst(b"second part"))
    assert read_doc(path).text == "first part, second part"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cut.txt.gz", gzip.compress(b"x" * 5000)[:-10]),
        ("cut.txt.zst", zst(os.urandom(3000))[:-40]),
        ("fake.txt.gz", b"plain text, not gzip"),
        ("bad.txt.zst", b"\x28\xb5\x2f\xfd" + b"garbage" * 10),
    ],
)
def test_damaged_archives_are_bad_compression(tmp_path: Path, name: str, data: bytes) -> None:
    drop = read_drop(write(tmp_path / name, data))
    assert (drop.step, drop.reason) == ("read", "bad_compression")
    assert drop.source.path == str(tmp_path / name)
    assert drop.detail


@pytest.mark.parametrize("compress", [gzip.compress, zst], ids=["gz", "zst"])
def test_truncated_jsonl_keeps_the_records_before_the_damage(tmp_path: Path, compress: Any) -> None:
    # Enough data for several compressed blocks: a cut block yields nothing.
    records = [{"text": f"record {n} " + os.urandom(200).hex()} for n in range(2000)]
    data = compress(jsonl(*records))
    results = read_all(write(tmp_path / "c.jsonl.x", data[: len(data) // 2]), format="jsonl")
    *docs, last = results
    assert isinstance(last, Drop) and last.reason == "bad_compression"
    assert docs and all(isinstance(doc, Document) for doc in docs)
    assert [doc.text for doc in docs if isinstance(doc, Document)] == [
        record["text"] for record in records[: len(docs)]
    ]


# --- paths --------------------------------------------------------------------------------


def test_missing_path_is_not_found(tmp_path: Path) -> None:
    spec = str(tmp_path / "nope.txt")
    drop = read_drop(spec)
    assert (drop.step, drop.reason) == ("read", "not_found")
    assert drop.detail == "no such file or directory"
    assert (drop.source.path, drop.source.format, drop.source.sha256) == (spec, "unknown", "")


def test_folder_is_walked_sorted_and_hidden_names_skipped(tmp_path: Path) -> None:
    for name in ["b.txt", "a/z.txt", "a/b/c.txt", "a.txt", ".hidden.txt", ".git/x.txt"]:
        write(tmp_path / name, name.encode())
    results = read_all(tmp_path)
    paths = [result.source.path for result in results]
    expected = ["a.txt", "a/b/c.txt", "a/z.txt", "b.txt"]
    assert paths == [os.path.join(str(tmp_path), name) for name in expected]
    assert all(isinstance(result, Document) for result in results)


def test_folder_path_keeps_the_spelling_given(tmp_path: Path) -> None:
    write(tmp_path / "in" / "x.txt", b"x")
    (result,) = read_all(f"{tmp_path}/in/")
    assert result.source.path == f"{tmp_path}/in/x.txt"


def test_hidden_file_given_by_name_is_read(tmp_path: Path) -> None:
    assert read_doc(write(tmp_path / ".notes.txt", b"kept")).text == "kept"


def test_a_single_string_is_one_spec(tmp_path: Path) -> None:
    path = write(tmp_path / "one.txt", b"one")
    assert [doc.source.path for doc in read(str(path))] == [str(path)]


def test_specs_keep_their_order(tmp_path: Path) -> None:
    second, first = write(tmp_path / "b.txt", b"b"), write(tmp_path / "a.txt", b"a")
    assert [doc.source.path for doc in read_all(second, first)] == [str(second), str(first)]


def test_directory_loop_and_broken_link_are_unreadable(tmp_path: Path) -> None:
    write(tmp_path / "top" / "sub" / "page.txt", b"text")
    (tmp_path / "top" / "sub" / "loop").symlink_to(tmp_path / "top")
    (tmp_path / "top" / "gone.txt").symlink_to(tmp_path / "top" / "missing.txt")
    results = {result.source.path: result for result in read_all(tmp_path / "top")}
    top = str(tmp_path / "top")
    assert isinstance(results[f"{top}/sub/page.txt"], Document)
    loop, gone = results[f"{top}/sub/loop"], results[f"{top}/gone.txt"]
    assert isinstance(loop, Drop) and loop.reason == "unreadable" and "loop" in loop.detail
    assert isinstance(gone, Drop) and gone.reason == "unreadable"
    assert gone.detail == "No such file or directory"


def test_link_to_itself_in_a_folder_leaves_its_siblings_readable(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", b"kept")
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    kept, loop = read_all(tmp_path)
    assert isinstance(kept, Document) and kept.text == "kept"
    assert isinstance(loop, Drop) and loop.reason == "unreadable"
    assert loop.detail == "Too many levels of symbolic links"


@pytest.mark.parametrize("spec", ["{root}", "{root}/*"])
def test_special_files_found_in_a_folder_or_glob_are_never_opened(
    tmp_path: Path, spec: str
) -> None:
    os.mkfifo(tmp_path / "pipe.txt")  # opening it would wait for a writer forever
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "socket.txt"))
    pipe, sock = read_all(spec.format(root=tmp_path))
    assert (pipe.reason, sock.reason) == ("not_a_file", "not_a_file")
    assert pipe.detail.startswith("a named pipe (FIFO), not a regular file")
    assert sock.detail.startswith("a socket, not a regular file")


def test_fifo_named_explicitly_is_read_from_its_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)

    def writer() -> None:
        with open(fifo, "wb") as stream:  # waits until a reader opens the FIFO
            stream.write(jsonl({"text": "one"}, {"text": "two"}))

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    wait_until_blocked_in_open(thread)
    with deadline(10):
        assert [doc.text for doc in read_all(fifo)] == ["one", "two"]  # type: ignore[union-attr]
    thread.join(5)


def wait_until_blocked_in_open(thread: threading.Thread) -> None:
    """Wait (up to 5 s) until ``thread`` waits in the open of a FIFO for a reader.

    A writer counts as one from the moment it calls open; corpuskit reads a FIFO that no
    writer has open as empty, so the test must not read before. Linux shows where a
    thread waits in /proc; elsewhere this just waits a moment.
    """
    wchan = Path(f"/proc/self/task/{thread.native_id}/wchan")
    for _ in range(500):
        if wchan.exists() and wchan.read_text() == "wait_for_partner":
            return
        time.sleep(0.01)


def test_ctrl_c_anywhere_in_opening_an_input_stops_it(tmp_path: Path) -> None:
    """A Ctrl-C raises ``KeyboardInterrupt`` at whatever the main thread runs next: here
    it is raised at each call and return, ours and Python's, of opening an input in turn.
    Each time the interrupt itself must come out: a run that turned it into an
    "unreadable" reject (a descriptor closed twice) went on to its end.

    A descriptor stays open only where no file object can own it yet: in the opener,
    between ``os.open`` handing the number back and the opener returning it.
    """
    page = tmp_path / "page.txt"
    page.write_text("A page.\n", encoding="utf-8")
    events = 0

    def count(frame: object, event: str, arg: object) -> None:
        nonlocal events
        events += arg is not sys.setprofile  # not the call that ends the count

    sys.setprofile(count)
    try:
        open_input(str(page)).close()
    finally:
        sys.setprofile(None)
    assert events >= 10  # the open, the opener, os.open, fileno, set_blocking ...
    leaked_in = []
    for target in range(1, events + 1):
        seen, where = 0, ""

        def interrupt(frame: Any, event: str, arg: object, target: int = target) -> None:
            nonlocal seen, where
            seen += 1
            if seen == target:
                sys.setprofile(None)
                where = frame.f_code.co_name
                raise KeyboardInterrupt

        before = len(os.listdir("/proc/self/fd"))
        sys.setprofile(interrupt)
        try:
            open_input(str(page)).close()
        except KeyboardInterrupt:
            pass
        finally:
            sys.setprofile(None)
        gc.collect()
        if len(os.listdir("/proc/self/fd")) != before:
            leaked_in.append(where)
    assert set(leaked_in) <= {"_open_without_waiting"}, leaked_in


def test_fifo_named_explicitly_without_writer_reads_as_empty(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    with deadline(10):
        assert read_doc(tmp_path / "pipe.txt").text == ""


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail, rather than hang, when the block takes longer than ``seconds``."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_device_named_explicitly_is_read_within_the_limit() -> None:
    drop = read_drop("/dev/zero", limits=Limits(max_file_bytes=MiB))
    assert (drop.reason, drop.source.format) == ("too_large", "text")  # no NUL seen: never read


def test_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    for name in (b"caf\xe9.txt", b"caf\xe8.txt"):
        with open(os.path.join(folder, name), "wb") as stream:
            stream.write(b"same content")
    os.symlink(b"missing", os.path.join(folder, b"gone\xff.txt"))
    first, second, gone = read_all(tmp_path)
    assert isinstance(first, Document) and isinstance(second, Document)
    assert first.source.path == second.source.path == f"{tmp_path}/caf\ufffd.txt"
    assert first.meta == {"source_path_bytes": f"{quote(str(tmp_path))}/caf%E8.txt"}
    assert second.meta == {"source_path_bytes": f"{quote(str(tmp_path))}/caf%E9.txt"}
    assert first.id != second.id  # the ids come from the exact names
    assert (gone.reason, gone.source.path) == ("unreadable", f"{tmp_path}/gone\ufffd.txt")
    assert gone.detail.endswith(
        f"(file name bytes, percent-encoded: {quote(str(tmp_path))}/gone%FF.txt)"
    )
    assert orjson.loads(encode_record(first.to_record()))["source"]["path"].endswith(
        "caf\ufffd.txt"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_file_without_permission_is_unreadable(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.txt", b"x")
    path.chmod(0)
    drop = read_drop(path)
    assert drop.reason == "unreadable" and "Permission denied" in drop.detail


def test_glob_matches_sorted_recursively(tmp_path: Path) -> None:
    for name in ["b.txt", "a.txt", "c.html", "deep/d.txt", ".hidden.txt"]:
        write(tmp_path / name, b"<p>x</p>" if name.endswith(".html") else b"x")
    paths = [doc.source.path for doc in read_all(f"{tmp_path}/**/*.txt")]
    assert paths == [f"{tmp_path}/{name}" for name in ["a.txt", "b.txt", "deep/d.txt"]]


def test_glob_without_match_is_not_found(tmp_path: Path) -> None:
    drop = read_drop(f"{tmp_path}/*.nothing")
    assert (drop.reason, drop.detail) == ("not_found", "no file matches the pattern")


def test_existing_name_with_glob_characters_is_a_file(tmp_path: Path) -> None:
    path = write(tmp_path / "report[1].txt", b"literal")
    assert read_doc(path).text == "literal"


# --- stdin --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "format", "text"),
    [
        (b"plain words\r\n", "text", "plain words\n"),
        (b"<!DOCTYPE html><p>from <b>stdin</b></p>", "html", "from stdin"),
        (b'{"text": "one"}\n', "jsonl", "one"),
        (gzip.compress(b'{"text": "zipped"}\n'), "jsonl", "zipped"),
        (zst(b"<html><body>packed</body></html>"), "html", "packed"),
    ],
)
def test_stdin_is_sniffed(data: bytes, format: str, text: str) -> None:
    doc = read_doc("-", stdin=io.BytesIO(data))
    assert (doc.source.path, doc.source.format, doc.text) == ("-", format, text)


def test_stdin_format_can_be_forced() -> None:
    doc = read_doc("-", stdin=io.BytesIO(b"<p>markup kept as text</p>"), format="text")
    assert doc.text == "<p>markup kept as text</p>"


def test_stdin_is_read_once_as_a_stream_that_cannot_be_rewound() -> None:
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "wb") as stream:
        stream.write(gzip.compress(jsonl({"text": "piped"})))
    with os.fdopen(read_end, "rb") as pipe:
        assert read_doc("-", stdin=pipe).text == "piped"


# --- limit: trial runs ----------------------------------------------------------------------


def test_limit_stops_reading_after_that_many_pages(tmp_path: Path) -> None:
    records = jsonl(*({"id": n, "text": f"record {n} " + "x" * 200} for n in range(10_000)))
    stdin = io.BytesIO(records)
    missing = str(tmp_path / "never-opened.txt")
    found = list(read_marked(["-", missing], stdin=stdin, limit=3))
    assert [item.id for item in found if isinstance(item, Document)] == ["0", "1", "2"]
    assert found[-1] == InputEnd(0, "-")  # the input the limit fell in is closed
    assert not any(isinstance(item, Drop) for item in found)  # the next is never looked at
    assert stdin.tell() < len(records) // 10  # the rest of the stream was not read


def test_limit_counts_pages_across_inputs_and_unreadable_ones(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "d.txt"):
        write(tmp_path / name, name.encode())
    specs = [str(tmp_path / name) for name in ("a.txt", "b.txt", "c.txt", "d.txt")]
    found = [
        (Path(item.source.path).name, getattr(item, "reason", None))
        for item in read(specs, limit=3)
    ]
    assert found == [
        ("a.txt", None),
        ("b.txt", None),
        ("c.txt", "not_found"),
    ]
    with pytest.raises(InputError, match="limit: a number of pages, at least 1, not 0"):
        read(specs, limit=0)


# --- format detection ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "format"),
    [
        ("a.txt", "text"),
        ("a.md", "text"),
        ("A.TEXT", "text"),
        ("a.html.gz", "html"),
        ("a.htm", "html"),
        ("a.xhtml.zst", "html"),
        ("a.jsonl", "jsonl"),
        ("a.ndjson.gz", "jsonl"),
        ("a.php", None),
        ("dir.html/readme", None),
        (".txt", None),
    ],
)
def test_format_from_name(name: str, format: str | None) -> None:
    assert format_from_name(name) == format


@pytest.mark.parametrize(
    ("data", "format"),
    [
        (b"\n  <!doctype html><p>page</p>", "html"),
        (b"<?xml version='1.0'?>\n<html><p>page</p></html>", "html"),
        (b"<div>fragment</div><body>late</body>", "html"),
        (b"\xef\xbb\xbf\n\n" + jsonl({"text": "x"}), "jsonl"),
        (jsonl({"text": "long " * 3000}), "jsonl"),  # first line longer than the sniff
        (b"{not json}\n", "text"),
        (b"[1, 2]\n", "text"),
        (b"Plain words about <html> tags.", "text"),
    ],
)
def test_unknown_extension_is_sniffed(tmp_path: Path, data: bytes, format: str) -> None:
    results = read_all(write(tmp_path / "input.dat", data))
    assert results[0].source.format == format


#: The markup test ``looks_like_html`` made before it was linear (``\s*`` after each
#: line start ran over every blank line below it): its answers are the ones to keep.
BACKTRACKING_MARKUP = re.compile(
    r"(?:^|>)\s*<(?:!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE | re.MULTILINE
)


@given(
    st.lists(
        st.sampled_from(
            ["\n", " ", "\t", "\r", "\x0c", ">", "x", "<HTML>", "<body", "<!doctype  html>"]
        ),
        max_size=8,
    ).map("".join)
)
def test_markup_is_recognised_as_the_backtracking_pattern_did(text: str) -> None:
    assert looks_like_html(text.encode()) == bool(BACKTRACKING_MARKUP.search(text))


def test_format_forces_the_reader(tmp_path: Path) -> None:
    doc = read_doc(write(tmp_path / "page.html", b"<p>raw</p>"), format="text")
    assert (doc.source.format, doc.text) == ("text", "<p>raw</p>")


def test_unknown_format_raises_at_once() -> None:
    with pytest.raises(
        InputError, match="format: one of text, html, jsonl, warc, parquet, not 'pdf'"
    ):
        read(["anything"], format="pdf")
    assert FORMATS == ("text", "html", "jsonl", "warc", "parquet")


# --- JSONL --------------------------------------------------------------------------------


def test_jsonl_records_lines_and_offsets(tmp_path: Path) -> None:
    lines = [b'{"text": "eins"}', b"", b"   ", b'{"text": "zwei"}', b'{"text": "drei"}']
    data = b"\n".join(lines) + b"\n"
    docs = read_all(write(tmp_path / "c.jsonl", data))
    assert [doc.text for doc in docs if isinstance(doc, Document)] == ["eins", "zwei", "drei"]
    assert [doc.source.line for doc in docs] == [1, 4, 5]
    for doc in docs:
        offset, number = doc.source.offset, doc.source.line
        assert offset is not None and number is not None
        assert data[offset:].startswith(lines[number - 1] + b"\n")
        assert doc.source.sha256 == sha256_hex(lines[number - 1])
        assert (doc.source.format, doc.source.encoding) == ("jsonl", "utf-8")


def test_jsonl_crlf_lines(tmp_path: Path) -> None:
    data = b'{"text": "a\\r\\nb"}\r\n{"text": "c"}\r\n'
    first, second = read_all(write(tmp_path / "c.jsonl", data))
    assert isinstance(first, Document) and first.text == "a\nb"
    assert first.source.sha256 == sha256_hex(b'{"text": "a\\r\\nb"}')
    assert second.source.offset == data.index(b'{"text": "c"}')


@pytest.mark.parametrize(
    ("line", "reason", "detail"),
    [
        (b"this is not json", "not_json", "not JSON: Expecting value"),
        (b'{"text": "cut', "not_json", "not JSON: Unterminated string"),
        (b"[1, 2, 3]", "not_object", "a JSON array, not an object"),
        (b'"just a string"', "not_object", "a JSON string, not an object"),
        (b'{"body": "x"}', "missing_text", "the record has no 'text' field"),
        (b'{"text": null}', "text_not_string", "'text' is a JSON null, not a string"),
        (b'{"text": ["a"]}', "text_not_string", "'text' is a JSON array, not a string"),
    ],
)
def test_jsonl_bad_records_are_drops(tmp_path: Path, line: bytes, reason: str, detail: str) -> None:
    data = b'{"text": "good"}\n' + line + b"\n"
    good, drop = read_all(write(tmp_path / "c.jsonl", data))
    assert isinstance(good, Document)
    assert isinstance(drop, Drop)
    assert (drop.step, drop.reason) == ("read", reason)
    assert drop.detail.startswith(detail)
    assert (drop.source.line, drop.source.offset) == (2, len(b'{"text": "good"}\n'))
    assert drop.source.sha256 == sha256_hex(line)


def test_jsonl_fields_are_carried_into_meta(tmp_path: Path) -> None:
    record = {
        "text": "body",
        "title": "T",
        "url": "https://example.org/a",
        "nested": {"k": [1, 2]},
        "score": 0.5,
    }
    doc = read_doc(write(tmp_path / "c.jsonl", jsonl(record)))
    assert doc.meta == {key: value for key, value in record.items() if key not in ("text", "url")}
    assert doc.url == "https://example.org/a"  # url_field
    assert doc.title is None  # not interpreted
    assert doc.id == stable_id(doc.source)


@pytest.mark.parametrize(
    ("record_id", "doc_id", "meta"),
    [
        ("page-7", "page-7", {}),
        (42, "42", {}),
        (True, None, {"id": True}),
        (1.5, None, {"id": 1.5}),
        ("", None, {"id": ""}),
    ],
)
def test_jsonl_id_field(tmp_path: Path, record_id: Any, doc_id: str | None, meta: Any) -> None:
    doc = read_doc(write(tmp_path / "c.jsonl", jsonl({"id": record_id, "text": "x"})))
    assert doc.id == (doc_id or stable_id(doc.source))
    assert doc.meta == meta


def test_jsonl_other_text_field(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", jsonl({"content": "the text", "text": "kept in meta"}))
    doc = read_doc(path, text_field="content")
    assert (doc.text, doc.meta) == ("the text", {"text": "kept in meta"})
    assert read_drop(path, text_field="body").reason == "missing_text"


def test_jsonl_id_and_url_fields_are_mapped(tmp_path: Path) -> None:
    record = {"doc_id": "cc-17", "id": 3, "link": "https://ex.org/a", "url": 5, "text": "x"}
    path = write(tmp_path / "c.jsonl", jsonl(record))
    doc = read_doc(path, id_field="doc_id", url_field="link")
    assert (doc.id, doc.url) == ("cc-17", "https://ex.org/a")
    assert doc.meta == {"id": 3, "url": 5}
    default = read_doc(path)  # id and url by default; a url that is no string stays in meta
    assert (default.id, default.url, default.meta["url"]) == ("3", None, 5)


def test_jsonl_page_keeps_its_canonical_url_and_the_record_url_stays_in_meta(
    tmp_path: Path,
) -> None:
    canonical = '<link rel="canonical" href="https://stadt.example/bruecke">'
    pages = [
        {"url": "https://mirror.example/b?ref=x", "text": f"<html>{canonical}<p>Die Brücke."},
        {"url": "https://mirror.example/c", "text": "<html><p>Die Brücke."},
    ]
    with_canonical, without = read_all(write(tmp_path / "c.jsonl", jsonl(*pages)))
    assert isinstance(with_canonical, Document) and isinstance(without, Document)
    assert with_canonical.url == "https://stadt.example/bruecke"
    assert with_canonical.meta == {"url": "https://mirror.example/b?ref=x"}
    assert (without.url, without.meta) == ("https://mirror.example/c", {})


@pytest.mark.parametrize(
    ("line", "options"),
    [
        (b'{"id": "r7", "body": "x"}', {}),
        (b'{"id": "r7", "text": 5}', {}),
        (b'{"key": "r7", "text": null}', {"id_field": "key"}),
        (
            b'{"id": "r7", "text": "<html>' + b"<p>x</p>" * 10 + b'"}',
            {"limits": Limits(max_html_tags=5)},
        ),
        (b'{"id": "r7", "text": "x", "v": ' + b"[" * 200 + b"]" * 200 + b"}", {}),
    ],
)
def test_jsonl_rejects_keep_the_record_id(tmp_path: Path, line: bytes, options: Any) -> None:
    drop = read_drop(write(tmp_path / "c.jsonl", line + b"\n"), **options)
    assert drop.id == "r7" and drop.to_record()["id"] == "r7", drop
    assert read_drop(write(tmp_path / "d.jsonl", b"[1]\n")).id is None


@pytest.mark.parametrize(
    ("line", "meta"),
    [
        (b'"v": NaN, "w": -Infinity, "x": 1e400', {"v": None, "w": None, "x": None}),
        (b'"n": 123456789012345678901234', {"n": "123456789012345678901234"}),
        (b'"n": -9999999999999999999', {"n": "-9999999999999999999"}),
        (b'"n": 18446744073709551615, "m": -12', {"n": 18446744073709551615, "m": -12}),
        (b'"n": ' + b"7" * 5000, {"n": "7" * 5000}),  # beyond Python's 4,300 digits
        (b'"s": "a\\ud800b", "\\udfff": ["\\ud83d\\ude00"]', {"s": "a\ufffdb", "\ufffd": ["😀"]}),
        (b'"a": 1, "a": 2', {"a": 2}),  # duplicate keys: the last one wins
    ],
)
def test_jsonl_values_strict_json_cannot_hold(tmp_path: Path, line: bytes, meta: Any) -> None:
    doc = read_doc(write(tmp_path / "c.jsonl", b'{"text": "x", ' + line + b"}\n"))
    assert doc.meta == meta
    assert orjson.loads(orjson.dumps(doc.meta)) == meta  # writable as strict JSON


def test_jsonl_lone_surrogate_in_text_becomes_replacement_character(tmp_path: Path) -> None:
    doc = read_doc(write(tmp_path / "c.jsonl", b'{"text": "caf\\udce9 ok"}\n'))
    assert doc.text == "caf\ufffd ok"


def test_jsonl_nesting_beyond_the_limit_is_too_deep(tmp_path: Path) -> None:
    def nested(levels: int) -> bytes:  # the record is level 1
        return b'{"text": "x", "v": ' + b"[" * (levels - 1) + b"]" * (levels - 1) + b"}"

    lines = [nested(128), nested(129), nested(5000), nested(200).replace(b'"x"', b'"\xe9"')]
    results = read_all(write(tmp_path / "c.jsonl", b"\n".join(lines)))
    assert isinstance(results[0], Document)
    for drop in results[1:]:
        assert isinstance(drop, Drop) and drop.reason == "too_deep", drop
        assert drop.detail == (
            "nested deeper than 128 levels; raise it with Limits(max_json_depth=...)"
        )
    assert isinstance(
        read_one(write(tmp_path / "d.jsonl", nested(129)), limits=Limits(max_json_depth=200)),
        Document,
    )


#: A page as a crawler stores it in a JSONL field: markup, metadata and all.
PAGE_IN_A_FIELD = (
    "<!DOCTYPE html>\r\n<html lang=de><head><title>Neue Brücke</title>"
    '<meta name="author" content="Anna Berg"><meta property="og:site_name" content="Stadtblatt">'
    "</head><body><nav><a href=/>Start</a></nav>"
    "<p>Die Stadt baut eine neue Brücke über den Fluss.</p></body></html>"
)


def test_jsonl_html_field_is_read_as_a_page(tmp_path: Path) -> None:
    record = {"id": "p1", "html": PAGE_IN_A_FIELD, "site_name": "from the record", "n": 1}
    path = write(tmp_path / "c.jsonl", jsonl(record))
    doc = read_doc(path, text_field="html")  # content="auto": it opens like a page
    assert "Die Stadt baut eine neue Brücke über den Fluss." in doc.text
    assert "<" not in doc.text
    assert (doc.id, doc.title, doc.author) == ("p1", "Neue Brücke", "Anna Berg")
    # the record's own fields win over the page's metadata of the same name
    assert doc.meta == {"site_name": "from the record", "n": 1, "declared_lang": "de"}
    assert (doc.source.format, doc.source.line, doc.source.parser) == ("jsonl", 1, "lxml")
    assert doc.layout is not None  # the HTML line model judges it
    assert read_doc(path, text_field="html", content="html") == doc


def test_jsonl_content_text_keeps_markup_and_html_forces_a_page(tmp_path: Path) -> None:
    fragment = "<p>Die Stadt baut eine <b>neue</b> Brücke.</p>"
    path = write(tmp_path / "c.jsonl", jsonl({"text": PAGE_IN_A_FIELD}, {"text": fragment}))
    as_text = [doc.text for doc in read_all(path, content="text")]
    assert as_text == [normalize_newlines(PAGE_IN_A_FIELD), fragment]
    auto = [doc.text for doc in read_all(path)]  # a fragment does not open like a page
    assert auto[1] == fragment and "<" not in auto[0]
    forced = [doc.text for doc in read_all(path, content="html")]
    assert forced[1] == "Die Stadt baut eine neue Brücke."


def test_jsonl_html_field_beyond_the_tag_limit_is_too_large(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", jsonl({"text": PAGE_IN_A_FIELD}))
    drop = read_drop(path, limits=Limits(max_html_tags=5))
    assert (drop.step, drop.reason, drop.source.line) == ("read", "too_large", 1)


def test_unknown_content_raises_at_once() -> None:
    with pytest.raises(InputError, match="content: one of auto, html, text, not 'xml'"):
        read(["anything"], content="xml")


def test_jsonl_line_that_is_not_utf8_is_decoded_like_text(tmp_path: Path) -> None:
    doc = read_doc(write(tmp_path / "c.jsonl", b'{"text": "Gr\xfc\xdfe"}\n'))
    assert (doc.text, doc.source.encoding) == ("Grüße", "cp1252")


def test_jsonl_streams_a_large_file(tmp_path: Path) -> None:
    data = jsonl(*({"id": n, "text": f"record {n}"} for n in range(20000)))
    docs = read_all(write(tmp_path / "big.jsonl.zst", zst(data)))
    assert len(docs) == 20000
    assert (docs[-1].id, docs[-1].source.line) == ("19999", 20000)


# --- size limits --------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [bytes, gzip.compress, zst], ids=["plain", "gz", "zst"])
@pytest.mark.parametrize(("suffix", "format"), [(".txt", "text"), (".html", "html")])
def test_file_size_limit(tmp_path: Path, compress: Any, suffix: str, format: str) -> None:
    limits = Limits(max_file_bytes=1000)
    at_limit = write(tmp_path / f"a{suffix}", compress(b"x" * 1000))
    assert read_doc(at_limit, limits=limits).text == "x" * 1000
    drop = read_drop(write(tmp_path / f"b{suffix}", compress(b"x" * 1001)), limits=limits)
    assert (drop.step, drop.reason, drop.source.format) == ("read", "too_large", format)
    assert drop.detail == (
        "more than 1,000 bytes (decompressed); raise it with Limits(max_file_bytes=...)"
    )


def test_jsonl_line_size_limit(tmp_path: Path) -> None:
    def line(size: int) -> bytes:  # a record of exactly ``size`` bytes
        return b'{"text": "' + b"x" * (size - 12) + b'"}'

    lines = [line(100) + b"\r\n", line(101) + b"\n", line(5000) + b"\n", line(100)]
    data = b"".join(lines)
    results = read_all(write(tmp_path / "c.jsonl", data), limits=Limits(max_line_bytes=100))
    assert [key(r) for r in results] == [(1, None), (2, "too_large"), (3, "too_large"), (4, None)]
    assert [r.source.offset for r in results] == [0, 102, 204, 5205]
    assert results[1].detail == (
        "line longer than 100 bytes; raise it with Limits(max_line_bytes=...)"
    )


def key(result: Document | Drop) -> tuple[int | None, str | None]:
    return result.source.line, None if isinstance(result, Document) else result.reason


def test_html_tag_limit(tmp_path: Path) -> None:
    page = write(tmp_path / "a.html", b"<p>x</p>" * 50)
    assert read_doc(page, limits=Limits(max_html_tags=100)).text
    drop = read_drop(page, limits=Limits(max_html_tags=99))
    assert drop.reason == "too_large"
    assert drop.detail == "more than 99 tags; raise it with Limits(max_html_tags=...)"


def test_reading_a_page_is_bounded_by_the_time_limit(tmp_path: Path) -> None:
    """A page that takes longer to extract than ``Limits.time_limit`` is a ``timeout``
    drop, and reading goes on. 200,000 elements take bs4 seconds; the limit is 0.05 s."""
    slow = write(tmp_path / "a-slow.html", b"<html><body>" + b"<p>x</p>" * 100_000)
    write(tmp_path / "b-next.txt", b"read after the slow page")
    drop, after = read_all(tmp_path, limits=Limits(time_limit=0.05))
    assert isinstance(drop, Drop) and (drop.step, drop.reason) == ("read", "timeout")
    assert drop.source.path == str(slow) and "took longer than 0.05 s" in drop.detail
    assert isinstance(after, Document) and after.text == "read after the slow page"
    assert Limits(time_limit=None).time_limit is None  # no limit
    assert len(read_all(slow, limits=Limits(time_limit=None))) == 1


def spin(seconds: float) -> None:
    """Spend ``seconds`` of CPU in Python code, where a signal's handler can run."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


class SlowToFree:
    """Freed only by the garbage collector (a cycle), slowly: what its ``__del__`` raises,
    the alarm's ``TimeoutError`` included, Python ignores."""

    def __init__(self) -> None:
        self.cycle = self

    def __del__(self) -> None:
        spin(0.3)


def test_an_alarm_that_python_swallowed_rings_again() -> None:
    """The first ring lands in a ``__del__`` and is lost; the next one ends the work (it
    went on unbounded, and a page read after a test that left garbage behind was read
    whole, limit or not)."""
    with pytest.raises(TimeoutError), time_limit(0.05):
        SlowToFree()
        gc.collect()
        spin(10)


def test_work_that_ends_after_a_swallowed_ring_is_a_timeout() -> None:
    """Rings land in a ``gc.callbacks`` hook and are lost, and the work ends before
    another reaches it: it still took longer than the limit, so it is a timeout (a CI
    run read a slow page whole after hypothesis's hook swallowed its ring)."""

    def slow_hook(phase: str, info: dict[str, int]) -> None:
        spin(0.3)

    gc.callbacks.append(slow_hook)
    try:
        with pytest.raises(TimeoutError), time_limit(0.05):
            SlowToFree()
            gc.collect()
    finally:
        gc.callbacks.remove(slow_hook)
    with time_limit(0.05):  # work inside the limit raises nothing
        spin(0.01)


#: An XHTML page: bs4's lxml builder warns (``XMLParsedAsHTMLWarning``) when it parses
#: markup that opens with an XML declaration and shows no ``</html>`` in its first 500
#: characters, as HTML.
XHTML = (
    '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 '
    'Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns='
    '"http://www.w3.org/1999/xhtml" xml:lang="de"><head><title>Der Rat</title></head><body>\n'
    + "".join(f"<p>Der Rat tagte am Montag und stimmte ab, Punkt {n}.</p>\n" for n in range(12))
    + "</body></html>\n"
).encode()


def test_parser_warnings_are_logged_never_shown(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    page = write(tmp_path / "page.xhtml", XHTML)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning that got out would raise here
        with caplog.at_level(logging.INFO, logger="corpuskit"):
            doc = read_doc(page, html_parser="bs4")  # lxml's own tree warns about nothing
    assert doc.title == "Der Rat" and "Punkt 11." in doc.text
    [logged] = [r for r in caplog.records if "warned" in r.getMessage()]
    assert logged.levelno == logging.INFO and logged.name.startswith("corpuskit.")
    assert logged.getMessage() == (
        f"{page}: the HTML parser warned: It looks like you're using an HTML parser to "
        "parse an XML document. (XMLParsedAsHTMLWarning)"
    )


BOMBS = {
    "bomb.txt.gz": lambda data: gzip.compress(data, 9),
    "bomb.txt.zst": lambda data: zstandard.ZstdCompressor(level=19).compress(data),
    "bomb.jsonl.gz": lambda data: gzip.compress(b'{"text": "' + data, 9),
}


@pytest.mark.parametrize("name", BOMBS)
def test_bombs_never_inflate_in_memory(tmp_path: Path, name: str) -> None:
    bomb = write(tmp_path / name, BOMBS[name](b" " * (64 * MiB)))
    assert bomb.stat().st_size < MiB
    limits = Limits(max_file_bytes=MiB, max_line_bytes=MiB)
    tracemalloc.start()
    try:
        [drop] = read_all(bomb, limits=limits)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(drop, Drop) and drop.reason == "too_large"
    assert peak < 40 * MiB  # the limit, plus at most one 16 MiB zstd step


def test_sniffing_reads_no_more_of_a_first_line_than_the_limit(tmp_path: Path) -> None:
    # The sniffer sees 4,096 bytes and at most one line limit more: not a whole record.
    path = write(tmp_path / "records.dat", jsonl({"text": "x" * 20_000}, {"text": "y"}))
    assert read_doc(path, limits=Limits(max_line_bytes=1000)).source.format == "text"
    assert len(read_all(path, limits=Limits(max_line_bytes=30_000))) == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_file_bytes": 0}, "max_file_bytes must be a positive integer, not 0"),
        ({"max_line_bytes": 1.5}, "max_line_bytes must be a positive integer, not 1.5"),
        ({"max_json_depth": 254}, "max_json_depth must be between 1 and 253, not 254"),
        ({"time_limit": 0}, "time_limit must be a positive number of seconds or None, not 0"),
        ({"time_limit": "1"}, "time_limit must be a positive number of seconds or None, not '1'"),
    ],
)
def test_limits_are_checked(options: Any, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        Limits(**options)


# --- HTML files ---------------------------------------------------------------------------


def test_html_page_gives_text_and_metadata(tmp_path: Path) -> None:
    page = (
        '<html lang="de-DE"><head><meta charset="iso-8859-1"><title>Titel</title>'
        '<link rel="canonical" href="https://example.de/a">'
        '<meta name="description" content="Kurz"></head>'
        "<body><nav>Start</nav><p>Sch\xf6ner <a href=#>Text</a>.\r\n</p></body></html>"
    ).encode("latin-1")
    doc = read_doc(write(tmp_path / "a.html", page))
    assert doc.text == "Schöner Text."
    assert (doc.title, doc.url) == ("Titel", "https://example.de/a")
    assert doc.meta == {"declared_lang": "de-de", "description": "Kurz"}
    assert (doc.source.format, doc.source.encoding) == ("html", "cp1252")
    assert doc.source.sha256 == sha256_hex(page)


def test_binary_html_is_dropped(tmp_path: Path) -> None:
    drop = read_drop(write(tmp_path / "a.html", b"<html>\x00\x00\x00"))
    assert (drop.reason, drop.source.format) == ("binary", "html")


@pytest.mark.parametrize("page", bench_params(lambda: bench_pages("*.html.gz")[:4]))
def test_bench_pages(page: Path) -> None:
    doc = read_doc(page)
    assert doc.source.format == "html"
    assert doc.title and doc.text.strip()
    assert "<script" not in doc.text and "\r" not in doc.text
    assert "\n\n\n" not in doc.text
    assert doc.source.sha256 == sha256_hex(gzip.decompress(page.read_bytes()))
