"""The WARC reader on WARC files built from the benchmark pages: every record accounted
for, provenance, the HTTP charset, damage, limits, and the CLI end to end.

The files are built byte by byte (``tests/warcs.py``) and read with the real reader,
library and decompressors.
"""

from __future__ import annotations

import gzip
import io
import json
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest
import zstandard
from typer.testing import CliRunner

from corpuskit import Document, Drop, read
from corpuskit.cli import app
from corpuskit.document import Skipped, Source
from corpuskit.readers import read_marked
from corpuskit.readers.decode import decode_text
from corpuskit.readers.limits import Limits
from corpuskit.readers.warc import HEADER_BYTES, content_type
from corpuskit.run.report import RunReport
from tests import warcs
from tests.conftest import BENCH_PAGES, bench_pages

# The HTML reader catches and logs bs4's warnings (XHTML pages): none may get out.
pytestmark = pytest.mark.filterwarnings("error::bs4.XMLParsedAsHTMLWarning")

Item = Document | Drop | Skipped

SITE = "https://bench.example"

RESOURCE = b"<html><title>R</title><p>A resource.</p>"


def html_pages(count: int) -> list[Path]:
    """The first ``count`` traf-dev HTML pages; skips the test without traf-dev."""
    return bench_pages("*.html.gz")[:count]


def uri_of(page: Path) -> str:
    return f"https://bench.example/{page.name.removesuffix('.html.gz')}"


def read_all(path: Path, **options: object) -> list[Item]:
    """Everything ``read_marked`` gives for one WARC file, the input's end left out."""
    items = read_marked([str(path)], **options)  # type: ignore[arg-type]
    return [item for item in items if isinstance(item, Document | Drop | Skipped)]


def kinds(items: list[Item]) -> list[str]:
    """``document``, ``skipped:<kind>`` or the drop's reason, per item."""
    return [
        "document"
        if isinstance(item, Document)
        else f"skipped:{item.reason}"
        if isinstance(item, Skipped)
        else item.reason
        for item in items
    ]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[bytes], list[Path]]:
    """A crawl of three benchmark pages and every kind of record, gzip per record."""
    pages = html_pages(3)
    bodies = [gzip.decompress(page.read_bytes()) for page in pages]
    text = BENCH_PAGES.joinpath(pages[0].name.replace(".html.gz", ".txt")).read_text("utf-8")
    records = [
        warcs.warcinfo("crawl.warc.gz"),
        warcs.request(uri_of(pages[0])),
        warcs.response(uri_of(pages[0]), bodies[0]),  # no charset in the header
        warcs.metadata(uri_of(pages[0])),
        warcs.response(uri_of(pages[1]), bodies[1], "text/html; charset=UTF-8"),
        warcs.response(uri_of(pages[2]), bodies[2], None),  # no content type: sniffed
        warcs.response(f"{SITE}/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png"),
        warcs.response(f"{SITE}/gone", b"<html>Not found</html>", status="404 Not Found"),
        warcs.record("revisit", b"", uri=uri_of(pages[0]), key="revisit"),
        warcs.conversion(uri_of(pages[0]), text),
        warcs.record("resource", RESOURCE, uri=f"{SITE}/r", content_type="text/html"),
    ]  # fmt: skip
    path = tmp_path_factory.mktemp("warc") / "crawl.warc.gz"
    path.write_bytes(warcs.gzip_records(records))
    return path, records, pages


def test_every_record_is_accounted_for(crawl: tuple[Path, list[bytes], list[Path]]) -> None:
    path, records, _ = crawl
    items = read_all(path)
    assert len(items) == len(records)
    assert kinds(items) == [
        "skipped:warcinfo",
        "skipped:request",
        "document",
        "skipped:metadata",
        "document",
        "document",
        "not_text",
        "http_status",
        "skipped:revisit",
        "document",
        "document",
    ]
    assert "image/png" in items[6].detail  # type: ignore[union-attr]
    assert "404" in items[7].detail  # type: ignore[union-attr]


def test_read_gives_documents_and_drops_only(crawl: tuple[Path, list[bytes], list[Path]]) -> None:
    items = list(read([str(crawl[0])]))
    assert len(items) == 7 and all(isinstance(item, Document | Drop) for item in items)


def test_html_text_is_the_text_of_the_page_read_directly(
    crawl: tuple[Path, list[bytes], list[Path]],
) -> None:
    path, _, pages = crawl
    documents = [item for item in read_all(path) if isinstance(item, Document)]
    for page, document in zip(pages, documents, strict=False):
        [direct] = read([str(page)])
        assert isinstance(direct, Document)
        assert document.text == direct.text and document.title == direct.title
        assert document.source.encoding == direct.source.encoding
        assert document.source.sha256 == direct.source.sha256  # the body, byte for byte
    assert [doc.source.encoding_from for doc in documents[:3]] == ["declared", "http", "declared"]


def test_provenance_of_each_record(crawl: tuple[Path, list[bytes], list[Path]]) -> None:
    path, records, pages = crawl
    items = read_all(path)
    offsets = [sum(len(record) for record in records[:n]) for n in range(len(records))]
    assert [item.source.offset for item in items] == offsets  # in the decompressed stream
    page = items[2]
    assert isinstance(page, Document)
    assert page.source.format == "warc" and page.source.path == str(path)
    assert page.source.warc_target_uri == uri_of(pages[0])
    assert page.source.warc_record_id == warcs.record_id(f"response {uri_of(pages[0])}")
    assert page.source.warc_date == warcs.DATE
    record = page.source.to_record()
    assert record["warc_record_id"].startswith("<urn:uuid:") and record["offset"] == offsets[2]
    assert Source.from_record(record) == page.source
    assert "warc_date" not in Source("a.txt").to_record()


def test_url_is_the_canonical_url_else_the_target_uri(
    crawl: tuple[Path, list[bytes], list[Path]],
) -> None:
    documents = [item for item in read_all(crawl[0]) if isinstance(item, Document)]
    resource = documents[-1]
    assert resource.url == "https://bench.example/r" and resource.text == "A resource."
    for document in documents[:3]:
        assert document.url is not None
        [direct] = read(
            [str(next(p for p in crawl[2] if uri_of(p) == document.source.warc_target_uri))]
        )
        assert document.url == (direct.url or document.source.warc_target_uri)  # type: ignore[union-attr]


def test_wet_conversion_record_is_read_as_text(
    crawl: tuple[Path, list[bytes], list[Path]],
) -> None:
    path, _, pages = crawl
    conversion = read_all(path)[9]
    assert isinstance(conversion, Document) and conversion.title is None
    text = BENCH_PAGES.joinpath(pages[0].name.replace(".html.gz", ".txt")).read_text("utf-8")
    assert conversion.text == text.replace("\r\n", "\n")
    assert conversion.source.encoding_from == "utf-8"


def test_same_page_twice_gets_two_ids(tmp_path: Path) -> None:
    body = gzip.decompress(html_pages(1)[0].read_bytes())
    uri = "https://bench.example/twice"
    path = tmp_path / "twice.warc"
    path.write_bytes(
        warcs.response(uri, body)
        + warcs.record("response", warcs.http_response(body), uri=uri, key="again")
    )
    first, second = read(str(path))
    assert isinstance(first, Document) and isinstance(second, Document)
    assert first.source.sha256 == second.source.sha256 and first.id != second.id
    assert [doc.id for doc in read(str(path))] == [first.id, second.id]  # stable


# --- charsets ------------------------------------------------------------------------------


def one_page(tmp_path: Path, body: bytes, header: str | None) -> Document:
    path = tmp_path / "page.warc"
    path.write_bytes(warcs.response("https://x.example/", body, header))
    [page] = read(str(path))
    assert isinstance(page, Document)
    return page


def test_http_charset_comes_before_the_meta_tag(tmp_path: Path) -> None:
    body = '<meta charset="utf-8"><p>Grüße, café – 5 €</p>'.encode("cp1252")
    page = one_page(tmp_path, body, "text/html; charset=windows-1252")
    assert page.text == "Grüße, café – 5 €"
    assert (page.source.encoding, page.source.encoding_from) == ("cp1252", "http")
    without = one_page(tmp_path, body, "text/html")  # the meta tag lies: UTF-8 fails
    assert (without.source.encoding, without.source.encoding_from) == ("utf-8", "declared")
    assert "\ufffd" in without.text


def test_a_wrong_http_charset_wins_an_unknown_one_gives_way(tmp_path: Path) -> None:
    body = '<meta charset="utf-8"><p>Grüße</p>'.encode()
    page = one_page(tmp_path, body, "text/html; charset=us-ascii")  # read as windows-1252
    assert (page.text, page.source.encoding_from) == ("GrÃ¼ÃŸe", "http")
    page = one_page(tmp_path, body, 'text/html; charset="klingon"')  # no such charset
    assert (page.text, page.source.encoding_from) == ("Grüße", "declared")


def test_a_bom_wins_over_every_label() -> None:
    decoded = decode_text(b"\xef\xbb\xbf<p>ok", html=True, charset="iso-8859-5")
    assert (decoded.codec, decoded.how) == ("utf-8-sig", "bom")


def test_content_type_values() -> None:
    assert content_type("text/html;charset=utf-8") == ("text/html", "utf-8")
    assert content_type("TEXT/PLAIN; format=flowed; charset='koi8-r'") == ("text/plain", "koi8-r")
    assert content_type("text/html; charset=") == ("text/html", None)


# --- damage and limits ---------------------------------------------------------------------


def pages_records(count: int) -> list[bytes]:
    return [
        warcs.response(uri_of(page), gzip.decompress(page.read_bytes()))
        for page in html_pages(count)
    ]


def test_truncated_warc_gz_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    records = [warcs.warcinfo(), *pages_records(3)]
    data = warcs.gzip_records(records)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: len(data) - 500])  # inside the last page's member
    items = read_all(path)
    assert kinds(items) == ["skipped:warcinfo", "document", "document", "bad_compression"]
    assert items[-1].source.offset == sum(map(len, records[:3]))


def test_truncated_plain_warc_is_truncated(tmp_path: Path) -> None:
    records = pages_records(2)
    path = tmp_path / "cut.warc"
    path.write_bytes(b"".join(records)[:-1000])
    items = read_all(path)
    assert kinds(items)[0] == "document" and kinds(items)[-1] == "truncated"
    assert "bytes before its Content-Length" in items[-1].detail  # type: ignore[union-attr]


def test_record_over_the_size_limit_is_too_large_and_reading_goes_on(tmp_path: Path) -> None:
    small = warcs.response("https://x.example/small", b"<html><p>small page</p>")
    big = warcs.response("https://x.example/big", b"<html><p>" + b"big " * 100_000)
    path = tmp_path / "sizes.warc.gz"
    path.write_bytes(warcs.gzip_records([small, big, small]))
    items = read_all(path, limits=Limits(max_file_bytes=100_000))
    assert kinds(items) == ["document", "too_large", "document"]
    assert "raise it with Limits(max_file_bytes=" in items[1].detail  # type: ignore[union-attr]
    assert items[1].source.warc_target_uri == "https://x.example/big"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"WARC/1.0\r\nWARC-Type: response\r\nX: " + b"a" * (HEADER_BYTES + 1), "bad_warc"),
        (b"WARC/1.0\r\nWARC-Type: resource\r\n\r\nno length\r\n\r\n", "bad_warc"),
        (warcs.warcinfo() + b"this is no record\r\n\r\n", "bad_warc"),
    ],
    ids=["header-bomb", "no-content-length", "garbage"],
)
def test_damage_is_one_drop_that_ends_the_input(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "damaged.warc"
    path.write_bytes(data)
    items = read_all(path)
    assert kinds(items)[-1] == reason and [
        k for k in kinds(items) if not k.startswith("skipped")
    ] == [reason]


def test_header_bomb_in_zstd_costs_no_memory(tmp_path: Path) -> None:
    packer = zstandard.ZstdCompressor().compressobj()
    head = packer.compress(b"WARC/1.0\r\nWARC-Type: response\r\nX: ")
    bomb = b"".join(packer.compress(b"a" * (1 << 20)) for _ in range(200)) + packer.flush()
    path = tmp_path / "bomb.warc.zst"
    path.write_bytes(head + bomb)
    tracemalloc.start()
    try:
        [drop] = read_all(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * (1 << 20), peak  # a 200 MiB header line, never held
    assert isinstance(drop, Drop) and drop.reason == "bad_warc" and "headers longer" in drop.detail


# --- detection -----------------------------------------------------------------------------


def test_warc_is_detected_by_name_and_by_content(tmp_path: Path) -> None:
    records = [warcs.warcinfo(), warcs.response("https://x.example/", b"<html><p>hello</p>")]
    (tmp_path / "a.warc.zst").write_bytes(zstandard.ZstdCompressor().compress(b"".join(records)))
    (tmp_path / "b.dat").write_bytes(warcs.gzip_records(records))  # sniffed
    for name in ("a.warc.zst", "b.dat"):
        assert kinds(read_all(tmp_path / name)) == ["skipped:warcinfo", "document"], name
    stdin = io.BytesIO(b"".join(records))
    [page] = read("-", stdin=stdin)
    assert isinstance(page, Document) and page.source.path == "-" and page.text == "hello"


# --- the run report and the CLI ------------------------------------------------------------


def test_report_counts_skipped_records() -> None:
    report = RunReport()
    report.skip(Skipped(Source("a.warc", "warc"), "request"))
    other = RunReport(skipped_by=Counter({"request": 2, "metadata": 1}))
    report.merge(other)
    assert report.skipped_by == Counter({"request": 3, "metadata": 1}) and report.read == 0
    assert RunReport.from_record(report.to_record()) == report
    old = report.to_record()
    del old["skipped_by"]  # a checkpoint written before WARC input
    assert RunReport.from_record(old).skipped_by == Counter()
    assert "skipped records (no page): request 3, metadata 1" in report.summary()


def test_cli_cleans_a_warc_end_to_end(
    crawl: tuple[Path, list[bytes], list[Path]], tmp_path: Path
) -> None:
    path, records, _ = crawl
    out, rejects, manifest = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl", tmp_path / "m.json"
    args = [
        "clean",
        str(path),
        "-o",
        str(out),
        "--rejects",
        str(rejects),
        "--manifest",
        str(manifest),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output  # the image and the 404 are rejects: 0
    assert "skipped records (no page): " in result.stderr
    assert "warcinfo 1" in result.stderr and "request 1" in result.stderr
    written = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    rejected = [json.loads(line) for line in rejects.read_text("utf-8").splitlines()]
    report = json.loads(manifest.read_text("utf-8"))["report"]
    skipped = sum(report["skipped_by"].values())
    assert len(written) + len(rejected) + skipped == len(records)
    assert {r["reason"] for r in rejected if r["step"] == "read"} == {"not_text", "http_status"}
    assert all(r["source"]["format"] == "warc" and "warc_record_id" in r["source"] for r in written)
    assert len({r["id"] for r in written}) == len(written)
