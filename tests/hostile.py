"""A hostile input tree, generated on demand: every case issue 4 names, and its outcome.

Each case is a function that writes its files under a root folder and returns the
``Outcome`` of every document or drop reading the root must give for them: where (path,
JSONL line and byte offset), and a drop's reason or None for a document. Nothing here is
committed as a binary: bombs, images and odd names are made by the code below.

``build(base)`` writes every case into ``base/tree`` and returns the tree and all the
outcomes. Paths are spelled as a folder walk of ``str(tree.root)`` spells them. Content
checks (``has`` / ``lacks``) hold for the text as read, before any cleaning. The
documents that cost a second or more each (``SLOW_CASES``: the 30 MB line, the 200,000
lines, 100,000 nested elements) sit in ``tree/slow``, everything else in ``tree/main``,
so a test can run the rest apart, fast.
"""

from __future__ import annotations

import codecs
import datetime
import gzip
import io
import os
import socket
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zstandard

from tests import warcs

MiB = 1 << 20

#: What the external-entity cases point at; it must never reach any output.
SECRET = "TOP-SECRET-d41d8cd98f00"

#: The start of /etc/passwd on every Unix system.
PASSWD = "root:x:0:"


@dataclass(frozen=True)
class Outcome:
    """One document (``reason`` None) or one drop that reading the tree must give."""

    path: str
    reason: str | None = None
    line: int | None = None
    offset: int | None = None
    has: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, int | None, str | None]:
        """Where and what: compared, as a multiset, with what was read."""
        return (self.path, self.line, self.reason)


Case = Callable[[Path], list[Outcome]]


@dataclass(frozen=True)
class Tree:
    """The generated tree: read ``root``; ``main`` is all of it but ``SLOW_CASES``."""

    root: Path
    main: Path
    outcomes: list[Outcome]


def build(base: Path) -> Tree:
    """Write every case under ``base/tree`` and return the tree and all the outcomes.

    ``base/secret.txt``, beside the tree, is what the external entities point at.
    """
    root = base / "tree"
    parts = ((root / "main", CASES), (root / "slow", SLOW_CASES))
    outcomes = []
    for folder, cases in parts:
        folder.mkdir(parents=True)
        outcomes += [outcome for case in cases for outcome in case(folder)]
    return Tree(root, root / "main", outcomes)


def _write(root: Path, name: str | bytes, data: bytes) -> str:
    """Write ``data`` to ``root/name`` and return the path as a walk spells it."""
    path = os.path.join(os.fsencode(root), os.fsencode(name))
    with open(path, "wb") as stream:
        stream.write(data)
    return os.fsdecode(path)


def _one(
    root: Path,
    name: str,
    data: bytes,
    reason: str | None = None,
    *,
    has: tuple[str, ...] = (),
    lacks: tuple[str, ...] = (),
) -> list[Outcome]:
    """Write a one-document file; its outcome: a document, or a drop for ``reason``."""
    return [Outcome(_write(root, name, data), reason, has=has, lacks=lacks)]


# --- empty, binary and encodings ----------------------------------------------------------


def empty_files(root: Path) -> list[Outcome]:
    """Empty and blank files: documents with (nearly) no text, for the pipeline to judge."""
    _write(root, "empty.jsonl", b"")  # no records: nothing to account for
    return [
        *_one(root, "empty.txt", b""),
        *_one(root, "whitespace.txt", b" \n\t\r\n  \n"),
        *_one(root, "empty.html", b""),
    ]


def binary_files(root: Path) -> list[Outcome]:
    """NUL bytes near the start, images under text names: ``binary``."""
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01" + bytes(range(256))
    return [
        *_one(root, "nul-bytes.txt", b"some text\x00\x00more text", "binary"),
        *_one(root, "image.txt", png, "binary"),
        *_one(root, "photo.html", jpeg, "binary"),
        *_one(root, "blob.bin", bytes(range(256)) * 4, "binary"),  # sniffed: text, binary
    ]


GREETING = "Grüße aus Köln – „Zitat“, 5 €, naïve café, Ελληνικά, 東京\n"


def encodings(root: Path) -> list[Outcome]:
    """Legacy codecs, byte order marks, mojibake, a bad byte, every line break: documents."""
    latin = "Grüße aus Köln, naïve café, 5 ¤\n" * 20
    return [
        *_one(root, "latin-1.txt", latin.encode("latin-1"), has=("Grüße aus Köln",)),
        *_one(root, "cp1252.txt", "„Zitat“ – 5 €\n".encode("cp1252"), has=("„Zitat“ – 5 €",)),
        *_one(
            root,
            "utf-16-le.txt",
            codecs.BOM_UTF16_LE + GREETING.encode("utf-16-le"),
            has=(GREETING.strip(),),
        ),
        *_one(
            root,
            "utf-16-be.txt",
            codecs.BOM_UTF16_BE + GREETING.encode("utf-16-be"),
            has=(GREETING.strip(),),
        ),
        *_one(root, "utf-8-bom.txt", codecs.BOM_UTF8 + GREETING.encode(), has=(GREETING.strip(),)),
        *_one(root, "mojibake.txt", GREETING.encode().decode("cp1252", "replace").encode()),
        *_one(root, "bad-utf-8-inside.txt", _with_bad_byte(GREETING.encode() * 50), has=("aus K",)),
        *_one(root, "crlf.txt", b"one\r\ntwo\r\n", has=("one\ntwo\n",), lacks=("\r",)),
        *_one(root, "lone-cr.txt", b"one\rtwo\rthree", has=("one\ntwo\nthree",), lacks=("\r",)),
    ]


def _with_bad_byte(data: bytes) -> bytes:
    """``data`` with one byte that is never UTF-8 in its middle."""
    middle = data.index(b"\n", len(data) // 2)
    return data[:middle] + b" \xff" + data[middle:]


# --- sizes ----------------------------------------------------------------------------------


def big_texts(root: Path) -> list[Outcome]:
    """A 30 MB line and 200,000 short lines: each one document, under the file limit."""
    sentence = b"The council met on Monday and voted for a new bridge over the river. "
    single_line = sentence * (30_000_000 // len(sentence))  # 30 MB, no line break
    short_lines = b"".join(b"line %d of many\n" % n for n in range(200_000))
    return [
        *_one(root, "single-line-30mb.txt", single_line, lacks=("\n",)),
        *_one(root, "lines-200000.txt", short_lines, has=("line 199999 of many",)),
    ]


# --- HTML ------------------------------------------------------------------------------------


def deep_html(root: Path) -> list[Outcome]:
    """100,000 nested elements: text at the bottom and after them is kept. A text node of
    12 MB (libxml2 stops at 10 MB without its ``huge_tree`` option): kept whole.

    Nested furniture (``nav``) once cost time growing with the square of the depth.
    """
    words = "a huge text node " * (12 * MiB // 17)
    huge = f"<html><body><p>{words}end of the huge text node</p><p>after it</p>"
    deep = "<html><body><p>before</p>" + "<div>" * 100_000 + "deep text" + "</div>" * 100_000
    deep_nav = "<p>a</p>" + "<nav>" * 100_000 + "deep navigation text, most of the page"
    return [
        *_one(
            root, "deep-100000.html", (deep + "<p>after</p>").encode(), has=("deep text", "after")
        ),
        *_one(root, "deep-nav.html", deep_nav.encode(), has=("deep navigation text",)),
        *_one(
            root,
            "huge-text-node.html",
            huge.encode(),
            has=("end of the huge text node", "after it"),
        ),
    ]


def html_pages(root: Path) -> list[Outcome]:
    """Broken and malicious markup: documents, nothing expanded, nothing read from disk."""
    nul_late = "<html><body>" + "<p>filler paragraph</p>" * 600 + "<p>nul\x00here</p>"
    return [
        *_one(
            root,
            "unclosed.html",
            b"<html><body><div><p>one<p>two<b><i>three<table><td>four",
            has=("four",),
        ),
        *_one(
            root,
            "script-p.html",
            b"<p>kept</p><script>if (a</p>b) { x = '<p>no</p>' }</script><p>also kept",
            has=("kept", "also kept"),
            lacks=("if (a",),
        ),
        *_one(
            root,
            "char-refs.html",
            b"<p>a&#0;b &#xD800;c &#x110000;d &#99999999999999;e &bogus; &#x; &amp &#128;</p>",
            has=("\ufffd", "€"),
            lacks=("\ud800",),
        ),
        *_one(root, "nul-late.html", nul_late.encode(), has=("filler paragraph",)),
        *_one(root, "nul-early.html", b"<html><body><p>nul\x00here</p>", "binary"),
        *_one(
            root, "billion-laughs.html", _billion_laughs(), has=("laughs",), lacks=("lollollol",)
        ),
        *_one(root, "xxe.html", _external_entities(root), lacks=(SECRET, PASSWD)),
        *_one(root, "xxe-doctype.xhtml", _external_doctype(root), lacks=(SECRET, PASSWD)),
    ]


def _billion_laughs() -> bytes:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    ]
    doctype = f'<?xml version="1.0"?><!DOCTYPE lolz [{"".join(entities)}]>'
    return f"{doctype}<html><body><p>laughs &lol9;</p></body></html>".encode()


def _secret(root: Path) -> str:
    """The path of a file outside the tree holding ``SECRET`` (``build`` puts the
    cases in ``base/tree/<part>``, the secret in ``base``)."""
    secret = root.parent.parent / "secret.txt"
    secret.write_text(SECRET)
    return str(secret)


def _external_entities(root: Path) -> bytes:
    secret = _secret(root)
    return (
        f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">'
        '<!ENTITY pw SYSTEM "file:///etc/passwd">]>'
        "<html><body><p>start &xxe; &pw; end</p></body></html>"
    ).encode()


def _external_doctype(root: Path) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE html SYSTEM "file://{_secret(root)}">'
        '<!DOCTYPE x [<!ENTITY % ext SYSTEM "file:///etc/passwd"> %ext;]>'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>xhtml body</p></body></html>'
    ).encode()


# --- compression -----------------------------------------------------------------------------


def damaged_archives(root: Path) -> list[Outcome]:
    """Truncated archives and an archive name on plain text: ``bad_compression``."""
    page = os.urandom(3000).hex().encode()
    return [
        *_one(root, "cut.txt.gz", gzip.compress(page)[:-100], "bad_compression"),
        *_one(
            root,
            "cut.html.zst",
            zstandard.ZstdCompressor().compress(page)[:-100],
            "bad_compression",
        ),
        *_one(root, "fake.txt.gz", b"plain text, not gzip at all", "bad_compression"),
    ]


def bombs(root: Path) -> list[Outcome]:
    """Archives that inflate past the limits: 80 MiB per file, a 40 MiB JSONL line."""
    spaces = b" " * MiB
    before, after = b'{"text": "before the bomb"}\n', b'{"text": "after the bomb"}\n'
    line_bomb = _gzip([before, b'{"text": "', *[spaces] * 40, b'"}\n', after])
    offset = len(before)
    path = _write(root, "bomb.jsonl.gz", line_bomb)
    return [
        *_one(root, "bomb.txt.gz", _gzip([spaces] * 80), "too_large"),
        *_one(root, "bomb.html.zst", _zstd([b"<html><body><p>", *[spaces] * 80]), "too_large"),
        Outcome(path, None, 1, 0),
        Outcome(path, "too_large", 2, offset),
        Outcome(path, None, 3, offset + len(b'{"text": "') + 40 * MiB + len(b'"}\n')),
    ]


def _gzip(parts: Iterable[bytes]) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
    return b"".join(packer.compress(part) for part in parts) + packer.flush()


def _zstd(parts: Iterable[bytes]) -> bytes:
    packer = zstandard.ZstdCompressor(level=3).compressobj()
    return b"".join(packer.compress(part) for part in parts) + packer.flush()


# --- JSONL -----------------------------------------------------------------------------------


#: In ``_jsonl``: a line that is no record (blank), so there is nothing to account for.
BLANK = "blank"


def _jsonl(root: Path, name: str, lines: list[tuple[bytes, str | None]]) -> list[Outcome]:
    """Write ``lines`` joined by newlines; each expects a drop reason, None (a document)
    or ``BLANK``."""
    path = _write(root, name, b"\n".join(line for line, _ in lines))
    outcomes, offset = [], 0
    for number, (line, reason) in enumerate(lines, start=1):
        if reason != BLANK:
            outcomes.append(Outcome(path, reason, number, offset))
        offset += len(line) + 1
    return outcomes


def jsonl_records(root: Path) -> list[Outcome]:
    """Every kind of bad or strange JSONL line, one file, each at its line and offset."""
    deep = b"[" * 2000 + b"]" * 2000
    ok_deep = b"[" * 100 + b"]" * 100
    return _jsonl(
        root,
        "records.jsonl",
        [
            (b'{"id": "a", "text": "a good record"}', None),
            (b"", BLANK),
            (b"   \t", BLANK),
            (b"this is not JSON", "not_json"),
            (b"[1, 2, 3]", "not_object"),
            (b'{"body": "no text field"}', "missing_text"),
            (b'{"text": null}', "text_not_string"),
            (b'{"text": 42}', "text_not_string"),
            (b'{"text": "lone \\ud800 surrogate", "k": "\\udc00", "\\udfff": 1}', None),
            (b'{"text": "not numbers", "v": NaN, "w": Infinity, "x": -Infinity, "y": 1e999}', None),
            (b'{"text": "first", "text": "duplicate keys: last wins", "k": 1, "k": 2}', None),
            (b'{"text": "huge integer", "n": ' + b"9" * 5000 + b"}", None),
            (b'{"text": "nested too deep", "v": ' + deep + b"}", "too_deep"),
            (b'{"text": "nested 101 levels", "v": ' + ok_deep + b"}", None),
            (b'{"id": "a", "text": "the same id again"}', None),
            ('{"text": "separators\u2028inside\u0085a string"}'.encode(), None),
            (b'{"text": "Gr\xfc\xdfe, not UTF-8"}', None),
            (b'{"text": "a huge value", "v": "' + b"x" * (10 * MiB) + b'"}', None),
            (b'{"text": "cut off in the middl', "not_json"),  # the last line, truncated
        ],
    )


def jsonl_limits(root: Path) -> list[Outcome]:
    """A line over the line limit (the next one still read) and CRLF line ends."""
    return [
        *_jsonl(
            root,
            "huge-line.jsonl",
            [
                (b'{"text": "' + b"x" * (40 * MiB) + b'"}', "too_large"),
                (b'{"text": "after the huge line"}', None),
            ],
        ),
        *_jsonl(root, "crlf.jsonl", [(b'{"text": "one"}\r', None), (b'{"text": "two"}\r', None)]),
    ]


# --- names and special files ----------------------------------------------------------------


def odd_names(root: Path) -> list[Outcome]:
    """Spaces, quotes, Unicode, a leading dash and bytes that are not UTF-8 in names."""
    latin = b"caf\xe9 \xff.txt"  # not UTF-8: Python holds these bytes as lone surrogates
    printable = f"{root}/caf\ufffd \ufffd.txt"
    _write(root, latin, b"a file whose name is not UTF-8")
    return [
        *_one(root, "with spaces and 'quotes'.txt", b"spaces in the name"),
        *_one(root, "Grüße 東京 🙂.txt", b"unicode name"),
        *_one(root, "-starts-with-dash.txt", b"dash"),
        Outcome(printable),
    ]


def links(root: Path) -> list[Outcome]:
    """A folder loop, a dangling link and a link to itself: ``unreadable``, siblings read."""
    folder = root / "links"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "page.txt").write_bytes(b"reached through a folder")
    (folder / "sub" / "loop").symlink_to(folder)
    (folder / "dangling.txt").symlink_to(folder / "missing.txt")
    (folder / "self.txt").symlink_to(folder / "self.txt")
    return [
        Outcome(f"{folder}/sub/page.txt"),
        Outcome(f"{folder}/sub/loop", "unreadable"),
        Outcome(f"{folder}/dangling.txt", "unreadable"),
        Outcome(f"{folder}/self.txt", "unreadable"),
    ]


def special_files(root: Path) -> list[Outcome]:
    """A FIFO and a socket in a folder: ``not_a_file``, never opened (no hang)."""
    fifo, sock = root / "pipe.txt", root / "socket.jsonl"
    os.mkfifo(fifo)
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(sock))
    return [Outcome(str(fifo), "not_a_file"), Outcome(str(sock), "not_a_file")]


def unreadable_file(root: Path) -> list[Outcome]:
    """A file without read permission; root reads it anyway, so then it is a document."""
    path = _write(root, "no-permission.txt", b"secret")
    os.chmod(path, 0)
    return [Outcome(path, None if os.geteuid() == 0 else "unreadable")]


# --- WARC ------------------------------------------------------------------------------------


def warc_archives(root: Path) -> list[Outcome]:
    """Damaged and hostile WARC files: what was read before the damage is kept.

    Records that hold no page (warcinfo, request) are skipped, so they have no outcome.
    """
    page = warcs.response("https://x.example/", b"<html><p>" + GREETING.encode() + b"</p>")
    image = warcs.response("https://x.example/a.png", b"\x89PNG\r\n\x1a\n" + bytes(99), "image/png")
    cut = warcs.gzip_records([warcs.warcinfo(), page, page])
    cut_path = _write(root, "cut.warc.gz", cut[:-40])
    mixed = _write(root, "mixed.warc", warcs.request("https://x.example/") + page + image)
    header_bomb = _zstd([b"WARC/1.0\r\nWARC-Type: response\r\nX: ", *[b"a" * MiB] * 80])
    garbage = warcs.warcinfo() + page + b"<html>no record here</html>\r\n"
    return [
        Outcome(cut_path, None, has=("Grüße aus Köln",)),
        Outcome(cut_path, "bad_compression"),
        Outcome(mixed, None),
        Outcome(mixed, "not_text"),
        *_one(root, "headers.warc.zst", header_bomb, "bad_warc"),
        Outcome(_write(root, "garbage.warc", garbage), None),
        Outcome(os.path.join(str(root), "garbage.warc"), "bad_warc"),
    ]


def parquet_bytes(columns: dict[str, list[Any]], rows_per_group: int = 2, **kw: Any) -> bytes:
    """A Parquet file of ``columns`` (pyarrow infers the types), ``rows_per_group`` rows
    to a row group, zstd-compressed."""
    import pyarrow
    import pyarrow.parquet

    sink = io.BytesIO()
    table = pyarrow.table(columns, **kw)
    pyarrow.parquet.write_table(table, sink, row_group_size=rows_per_group, compression="zstd")
    return sink.getvalue()


def _corrupt_first_group(data: bytes) -> bytes:
    """``data`` (a Parquet file) with the inside of its first row group's first column
    overwritten: that group cannot be decoded, the others can."""
    import pyarrow.parquet

    column = pyarrow.parquet.ParquetFile(io.BytesIO(data)).metadata.row_group(0).column(0)
    start = column.dictionary_page_offset or column.data_page_offset
    broken = bytearray(data)
    broken[start + 30 : start + column.total_compressed_size - 10] = b"Z" * (
        column.total_compressed_size - 40
    )
    return bytes(broken)


def parquet_files(root: Path) -> list[Outcome]:
    """Parquet rows of every kind (one outcome per row, at its row number), a file
    without the text column, a text column of numbers, a truncated file, a file that is
    not Parquet, and a row group that cannot be decoded."""
    pages = [
        "a plain text row",
        "<!DOCTYPE html><html><body><p>An HTML row, extracted.</p></body></html>",
        None,
        "Grüße, a row with nested values",
        "a row with a NaN",
    ]
    rows = parquet_bytes(
        {
            "id": ["p1", "p2", "p3", "p4", "p5"],
            "text": pages,
            "blob": [b"bytes", b"caf\xe9", None, b"", b"x"],
            "nested": [{"a": [1, 2]}, {"a": []}, None, {"a": [3]}, {"a": None}],
            "when": [datetime.date(2024, 5, d) for d in range(1, 6)],
            "score": [1.5, float("nan"), 0.0, -2.0, float("nan")],
        }
    )
    reasons = [None, None, "text_not_string", None, None]
    path = _write(root, "rows.parquet", rows)
    outcomes = [Outcome(path, reason, row) for row, reason in enumerate(reasons, start=1)]
    no_text = _write(root, "no-text.parquet", parquet_bytes({"body": ["x", "y", "z"]}))
    outcomes += [Outcome(no_text, "missing_text", row) for row in (1, 2, 3)]
    numbers = _write(root, "numbers.parquet", parquet_bytes({"text": [1, 2]}))
    outcomes += [Outcome(numbers, "text_not_string", row) for row in (1, 2)]
    good = parquet_bytes({"text": [f"row {n} " * 40 for n in range(6)]}, rows_per_group=3)
    broken = _write(root, "broken-group.parquet", _corrupt_first_group(good))
    outcomes += [Outcome(broken, "bad_parquet", row) for row in (1, 2, 3)]
    outcomes += [Outcome(broken, None, row) for row in (4, 5, 6)]
    return [
        *outcomes,
        *_one(root, "truncated.parquet", good[: len(good) // 2], "bad_parquet"),
        *_one(root, "not.parquet", b"plain words, not Parquet\n", "bad_parquet"),
    ]


CASES: tuple[Case, ...] = (
    empty_files,
    binary_files,
    encodings,
    html_pages,
    damaged_archives,
    bombs,
    jsonl_records,
    jsonl_limits,
    odd_names,
    links,
    special_files,
    unreadable_file,
    warc_archives,
    parquet_files,
)

#: The cases whose documents cost a second or more each to read or to clean.
SLOW_CASES: tuple[Case, ...] = (big_texts, deep_html)
