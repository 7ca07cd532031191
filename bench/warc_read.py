"""WARC read speed: the traf-dev pages as a WARC, read by fastwarc, warcio and corpuskit.

Builds a WARC from a benchmark folder (``pages/<id>.html.gz``, URLs from ``gold.jsonl``):
a ``warcinfo`` record, then per page a ``request``, a ``response`` (HTTP headers, the
page bytes unchanged) and a ``metadata`` record, each record its own gzip member, and the
same uncompressed. Then times, best of ``--repeat``:

- each WARC library installed (fastwarc, warcio): every record iterated, the HTTP
  headers of each response parsed, its content type read and its payload read whole;
- ``corpuskit.read`` of the WARC (records to documents, HTML extraction included) against
  ``corpuskit.read`` of the same pages as ``.html.gz`` files.

    python bench/warc_read.py ../shared/bench/traf-dev --out /tmp/bench-warc

This is how the WARC library was chosen (see corpuskit/readers/warc.py).
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from tests import warcs


def build(bench: Path, out: Path) -> tuple[Path, Path, int]:
    """Write ``pages.warc.gz`` and ``pages.warc`` under ``out``; their paths, page count."""
    urls = {}
    for line in (bench / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["url"].startswith(("http://", "https://")):  # some are labels, not URLs
            urls[record["id"]] = record["url"].replace(" ", "%20")
    records = [warcs.warcinfo("pages.warc.gz")]
    pages = sorted((bench / "pages").glob("*.html.gz"))
    for page in pages:
        uri = urls.get(page.name.removesuffix(".html.gz"), f"https://example.org/{page.name}")
        body = gzip.decompress(page.read_bytes())
        records += [warcs.request(uri), warcs.response(uri, body), warcs.metadata(uri)]
    out.mkdir(parents=True, exist_ok=True)
    compressed, plain = out / "pages.warc.gz", out / "pages.warc"
    compressed.write_bytes(warcs.gzip_records(records))
    plain.write_bytes(b"".join(records))
    return compressed, plain, len(pages)


def with_fastwarc(path: Path) -> int:
    from fastwarc import ArchiveIterator, WarcRecordType

    size = 0
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.any_type):
            if record.record_type == WarcRecordType.response:
                record.http_content_type  # noqa: B018 (parsed, as a reader would)
                size += len(record.reader.read())
    return size


def with_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    size = 0
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                record.http_headers.get_header("Content-Type")
                size += len(record.content_stream().read())
    return size


def with_corpuskit(paths: list[str]) -> int:
    import corpuskit

    return sum(1 for _ in corpuskit.read(paths))


def best(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    """The shortest of ``repeat`` runs, in seconds, and what the run returned."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bench", type=Path, help="a benchmark folder, e.g. shared/bench/traf-dev")
    parser.add_argument("--out", type=Path, default=Path("bench/out/warc"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--libraries-only", action="store_true", help="skip corpuskit.read")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", module="bs4")
    compressed, plain, pages = build(args.bench, args.out)
    mb = sum(len(gzip.decompress(p.read_bytes())) for p in (args.bench / "pages").glob("*.gz"))
    print(f"{pages} pages, {mb / 1e6:.1f} MB of HTML; {compressed.stat().st_size / 1e6:.1f} MB gz")
    for name, reader in (("fastwarc", with_fastwarc), ("warcio", with_warcio)):
        for path in (compressed, plain):
            try:
                seconds, _ = best(lambda r=reader, p=path: r(p), args.repeat)  # type: ignore[misc]
            except ImportError:
                print(f"{name}: not installed")
                break
            print(f"{name:9} {path.name:14} {seconds:6.3f} s  {mb / 1e6 / seconds:7.1f} MB/s")
    if not args.libraries_only:
        html = sorted(str(p) for p in (args.bench / "pages").glob("*.html.gz"))
        for label, paths in (("html.gz files", html), ("warc.gz", [str(compressed)])):
            seconds, count = best(lambda p=paths: with_corpuskit(p), 1)  # type: ignore[misc]
            print(f"corpuskit.read {label:14} {seconds:6.2f} s  {count} items")


if __name__ == "__main__":
    main()
