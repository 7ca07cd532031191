"""WARC files built byte by byte, for tests and the WARC read benchmark.

A WARC record is a version line, named header lines, a blank line, a block of exactly
``Content-Length`` bytes and two CRLFs (ISO 28500, WARC/1.1). Building them here, rather
than with the library the reader uses, keeps the tests honest about the format: the
reader must read what the standard says, not what its own library writes.
``gzip_records`` compresses each record as its own gzip member, as crawlers do.
"""

from __future__ import annotations

import gzip
import hashlib
import urllib.parse
from collections.abc import Iterable, Mapping

CRLF = b"\r\n"

#: A fixed WARC-Date, so that built files are the same bytes on every run.
DATE = "2024-05-01T12:00:00Z"


def record_id(key: str) -> str:
    """A WARC-Record-ID made from ``key``: the same on every run, distinct per key."""
    digest = hashlib.sha1(key.encode()).hexdigest()
    return f"<urn:uuid:{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}>"


def record(
    kind: str,
    block: bytes,
    *,
    uri: str | None = None,
    content_type: str | None = None,
    key: str | None = None,
    headers: Mapping[str, str] | None = None,
    version: str = "WARC/1.0",
) -> bytes:
    """One WARC record of type ``kind`` whose block is ``block``.

    ``key`` (default: type and URI) makes the record id; ``headers`` adds or replaces
    named headers.
    """
    named = {
        "WARC-Type": kind,
        "WARC-Record-ID": record_id(key or f"{kind} {uri}"),
        "WARC-Date": DATE,
    }
    if uri is not None:
        named["WARC-Target-URI"] = uri
    if content_type is not None:
        named["Content-Type"] = content_type
    named.update(headers or {})
    named["Content-Length"] = str(len(block))
    lines = [version.encode(), *(f"{name}: {value}".encode() for name, value in named.items())]
    return CRLF.join(lines) + CRLF + CRLF + block + CRLF + CRLF


def http_response(
    body: bytes, content_type: str | None = "text/html", status: str = "200 OK"
) -> bytes:
    """An HTTP/1.1 response message: status line, headers, blank line, ``body``."""
    lines = [f"HTTP/1.1 {status}".encode(), b"Server: test"]
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}".encode())
    lines.append(f"Content-Length: {len(body)}".encode())
    return CRLF.join(lines) + CRLF + CRLF + body


def http_request(uri: str) -> bytes:
    """The HTTP/1.1 GET request for ``uri``."""
    parts = urllib.parse.urlsplit(uri)
    path = parts.path or "/"
    return f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUser-Agent: test\r\n\r\n".encode()


def response(
    uri: str, body: bytes, content_type: str | None = "text/html", status: str = "200 OK"
) -> bytes:
    """A ``response`` record holding the HTTP response for ``uri``."""
    block = http_response(body, content_type, status)
    return record("response", block, uri=uri, content_type="application/http; msgtype=response")


def request(uri: str) -> bytes:
    """A ``request`` record holding the GET request for ``uri``."""
    block = http_request(uri)
    return record("request", block, uri=uri, content_type="application/http; msgtype=request")


def warcinfo(name: str = "test.warc") -> bytes:
    """A ``warcinfo`` record describing the crawl, as a WARC file opens."""
    block = b"software: corpuskit tests\r\nformat: WARC File Format 1.0\r\n"
    headers = {"WARC-Filename": name}
    return record(
        "warcinfo", block, content_type="application/warc-fields", key=name, headers=headers
    )


def metadata(uri: str) -> bytes:
    """A ``metadata`` record about ``uri``."""
    block = b"fetchTimeMs: 42\r\n"
    return record("metadata", block, uri=uri, content_type="application/warc-fields")


def conversion(uri: str, text: str) -> bytes:
    """A WET ``conversion`` record: the plain text extracted from ``uri``."""
    return record("conversion", text.encode(), uri=uri, content_type="text/plain")


def gzip_records(records: Iterable[bytes]) -> bytes:
    """``records`` compressed one gzip member each (mtime 0: the same bytes every run)."""
    return b"".join(gzip.compress(one, mtime=0) for one in records)
