"""Which reader an input needs: by its name's extension, else by its first bytes.

The extension is read after a compression suffix is removed (``a.html.gz`` is HTML). An
unknown extension, or stdin, is sniffed: ``PAR1`` opens a Parquet file (which only a
file that can be seeked can give: ``is_parquet``), a WARC version line opens a WARC file, markup
that opens like a web page is HTML, a first line that is a JSON object is JSONL,
anything else is plain text.
"""

from __future__ import annotations

import os
import re
from typing import BinaryIO

import orjson

from corpuskit.readers.compression import strip_suffix
from corpuskit.readers.decode import decode_bytes
from corpuskit.readers.streams import prefixed, read_upto

#: Extension (lower case) -> format.
EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".parquet": "parquet",
    ".pq": "parquet",
}

#: How a WARC file starts: the version line of its first record.
WARC_MAGIC = (b"WARC/1.0\r\n", b"WARC/1.1\r\n", b"WARC/1.0\n", b"WARC/1.1\n")

#: How much of the start of an input is sniffed for markup.
SNIFF_BYTES = 4096

#: A doctype or an html/head/body tag that starts a line or follows another tag: prose
#: that merely mentions "<html>" is not a page. Spaces before the tag stop at a line
#: break (the line's own start then anchors it), so a run of blank lines is scanned
#: once, not once per line: linear, where ``\s*`` took the square of the run.
_MARKUP = re.compile(r"(?:^|>)[^\S\n]*+<(?:!doctype\s+html|html|head|body)[\s>]", re.I | re.M)


def format_from_name(name: str) -> str | None:
    """The format ``name``'s extension names, or None when it names none.

    >>> format_from_name("dump/page.HTM.gz"), format_from_name("c.ndjson.zst")
    ('html', 'jsonl')
    >>> format_from_name("crawl-00001.warc.gz")
    'warc'
    >>> format_from_name("page.php") is None
    True
    """
    extension = os.path.splitext(strip_suffix(name)[0])[1]
    return EXTENSIONS.get(extension.lower())


#: The first bytes of a Parquet file.
PARQUET_MAGIC = b"PAR1"


def is_parquet(raw: BinaryIO) -> bool:
    """Whether the file ``raw`` (not yet read) is Parquet: it can be seeked (a Parquet
    file is read from its end) and opens with ``PARQUET_MAGIC``. Left at its start.

    >>> import io
    >>> is_parquet(io.BytesIO(b"PAR1...PAR1")), is_parquet(io.BytesIO(b"{}"))
    (True, False)
    """
    try:
        if not raw.seekable():
            return False
        head = raw.read(len(PARQUET_MAGIC))
        raw.seek(0)
    except (AttributeError, OSError, ValueError):
        return False
    return head == PARQUET_MAGIC


def sniff_format(stream: BinaryIO, max_line_bytes: int) -> tuple[str, BinaryIO]:
    """The format of a decompressed ``stream``, judged by its first bytes, and the stream.

    Reads the first ``SNIFF_BYTES`` and, when the first line goes on past them, the rest
    of that line up to ``max_line_bytes`` (a JSONL record can be long; a longer first
    line is no record this reader could read). What was read is replayed: the stream
    returned starts at the beginning again.

    >>> import io
    >>> format, stream = sniff_format(io.BytesIO(b'{"text": "hi"}\\n'), 100)
    >>> format, stream.read()
    ('jsonl', b'{"text": "hi"}\\n')
    """
    head = read_upto(stream, SNIFF_BYTES)
    if head.startswith(PARQUET_MAGIC):  # from a pipe: the Parquet reader says why not
        return "parquet", prefixed(head, stream)
    if head.startswith(WARC_MAGIC):
        return "warc", prefixed(head, stream)
    if looks_like_html(head):
        return "html", prefixed(head, stream)
    first, *rest = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)
    if not first.startswith(b"{"):
        return "text", prefixed(head, stream)
    if not rest and len(head) == SNIFF_BYTES:
        more = stream.readline(max_line_bytes)
        first, head = first + more, head + more
    return ("jsonl" if is_json_object(first) else "text"), prefixed(head, stream)


def looks_like_html(head: bytes) -> bool:
    """Whether the start of an input is a web page: a doctype or an html/head/body tag.

    >>> looks_like_html(b" <!DOCTYPE html><p>x"), looks_like_html(b"<div>x</div><body>")
    (True, True)
    >>> looks_like_html(b"a < b"), looks_like_html(b"Write <html> first.")
    (False, False)
    """
    return _MARKUP.search(decode_bytes(head)[0]) is not None


def is_json_object(line: bytes) -> bool:
    """Whether ``line`` parses as a JSON object.

    >>> is_json_object(b'{"text": "hi"}'), is_json_object(b"[1, 2]"), is_json_object(b"{x")
    (True, False, False)
    """
    try:
        return isinstance(orjson.loads(line), dict)
    except orjson.JSONDecodeError:
        return False
