"""URL inputs and outputs (``corpuskit/storage.py``) on fsspec's in-memory and local
file systems: read as local files are read, published whole, checked as local outputs
are. The S3 server tests are in ``tests/cli/test_remote.py``."""

from __future__ import annotations

import gzip
import re
import shutil
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import fsspec
import orjson
import pytest
import zstandard
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from corpuskit import clean_files
from corpuskit.cli import app
from corpuskit.document import Document, Drop
from corpuskit.errors import InputError
from corpuskit.outputs import Outputs, partial_folder
from corpuskit.readers import read
from corpuskit.readers.paths import check_specs
from corpuskit.storage import SHARD_INDEX, listing, partial_name
from tests.conftest import seed_pages

memory = fsspec.filesystem("memory")


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh in-memory folder, ``memory://<test>``, with the inputs under ``in/``:
    the seed pages, one gzip-compressed, a JSONL file and a hidden file; the current
    folder is the test's (a URL output's partial folder goes there)."""
    monkeypatch.chdir(tmp_path)
    top = f"/{tmp_path.name}"
    for folder in (tmp_path / "in", tmp_path / "in" / "sub"):
        folder.mkdir()
    first, second = seed_pages()
    files = {
        "in/a.txt": first.read_bytes(),
        "in/sub/b.txt.gz": gzip.compress(second.read_bytes(), mtime=0),
        "in/c.jsonl": b'{"id": "r1", "text": "Der Rat tagte am Montag im Rathaus."}\n',
        "in/.hidden.txt": b"never read",
    }
    for name, data in files.items():
        memory.pipe_file(f"{top}/{name}", data)
        (tmp_path / name).write_bytes(data)
    yield f"memory://{tmp_path.name}"
    memory.rm(top, recursive=True)


def texts(items: Iterator[Document | Drop]) -> list[tuple[str, str]]:
    return [(item.source.path, item.text) for item in items if isinstance(item, Document)]


def test_a_folder_url_reads_as_the_local_folder(root: str, tmp_path: Path) -> None:
    """Every file under the URL, sorted, compressed ones decompressed, hidden ones
    skipped; each record names its file as the URL under the one given."""
    remote = texts(read([f"{root}/in/"]))
    local = texts(read(["in/"]))
    assert [path for path, _ in remote] == [
        f"{root}/in/a.txt",
        f"{root}/in/c.jsonl",
        f"{root}/in/sub/b.txt.gz",
    ]
    assert [text for _, text in remote] == [text for _, text in local]


def test_a_glob_and_a_file_url(root: str) -> None:
    assert listing(f"{root}/in/*.txt") == [f"{root}/in/a.txt"]
    assert listing(f"{root}/in/**/*.gz") == [f"{root}/in/sub/b.txt.gz"]
    assert listing(f"{root}/in/c.jsonl") == [f"{root}/in/c.jsonl"]
    assert listing(f"{root}/in/nothing*") is None
    assert listing(f"{root}/missing.txt") is None


def test_a_url_that_names_nothing_is_refused_or_a_reject(root: str) -> None:
    with pytest.raises(InputError, match="names nothing"):
        check_specs([f"{root}/missing/"])
    check_specs([f"{root}/missing/"], allow_missing=True)
    (drop,) = read([f"{root}/missing/"])
    assert isinstance(drop, Drop) and drop.reason == "not_found"


def test_a_url_output_is_the_local_run_byte_for_byte(root: str, tmp_path: Path) -> None:
    """Read from and written to URLs, the corpus and rejects are the bytes a run over the
    same URLs writing local files makes; no temporary key and no partial folder stay."""
    clean_files([f"{root}/in/"], "local.jsonl.gz", rejects="local.rejects.jsonl")
    out = f"{root}/out/corpus.jsonl.gz"
    clean_files([f"{root}/in/"], out, rejects=f"{root}/out/rejects.jsonl")
    top = f"/{tmp_path.name}/out"
    assert sorted(memory.find(top)) == [f"{top}/corpus.jsonl.gz", f"{top}/rejects.jsonl"]
    assert memory.cat_file(f"{top}/corpus.jsonl.gz") == Path("local.jsonl.gz").read_bytes()
    assert memory.cat_file(f"{top}/rejects.jsonl") == Path("local.rejects.jsonl").read_bytes()
    assert not partial_folder(out).exists()
    assert len(gzip.decompress(Path("local.jsonl.gz").read_bytes()).splitlines()) == 3


def test_shards_are_visible_through_their_index(root: str, tmp_path: Path) -> None:
    """A URL folder of shards: the shards the local run writes, and the index that
    names them, written last; reading the folder back reads what the index names."""
    clean_files([f"{root}/in/"], "local/", shard_size=2)
    out = f"{root}/shards/"
    clean_files([f"{root}/in/"], out, shard_size=2, manifest=f"{root}/shards.manifest.json")
    top = f"/{tmp_path.name}/shards"
    index = orjson.loads(memory.cat_file(f"{top}/{SHARD_INDEX}"))
    assert index == {"complete": True, "shards": ["part-00000.jsonl.zst", "part-00001.jsonl.zst"]}
    for name in index["shards"]:
        assert memory.cat_file(f"{top}/{name}") == (Path("local") / name).read_bytes()
    manifest = orjson.loads(memory.cat_file(f"/{tmp_path.name}/shards.manifest.json"))
    assert manifest["outputs"] == [f"{root}/shards/{name}" for name in index["shards"]]
    records = [doc.id for doc in read([out]) if isinstance(doc, Document)]
    assert len(records) == 3


def test_a_reader_ignores_shards_the_index_does_not_name(root: str, tmp_path: Path) -> None:
    """Left by a publish that was cut short: unnamed shards are not read; an index
    still incomplete shows no shard at all."""
    clean_files([f"{root}/in/"], f"{root}/shards/", shard_size=2)
    top = f"/{tmp_path.name}/shards"
    stray = zstandard.ZstdCompressor().compress(b'{"id": "x", "text": "left over"}\n')
    memory.pipe_file(f"{top}/part-00009.jsonl.zst", stray)
    assert [url.rsplit("/", 1)[1] for url in listing(f"{root}/shards/") or []] == [
        "part-00000.jsonl.zst",
        "part-00001.jsonl.zst",
    ]
    memory.pipe_file(f"{top}/{SHARD_INDEX}", b'{"complete": false}')
    assert listing(f"{root}/shards/") == []


def test_url_outputs_are_checked_like_local_ones(root: str) -> None:
    """An output that is an input, or lies in an input folder (or the folder a pattern
    searches), is refused; so is a folder of shards that holds anything."""
    with pytest.raises(InputError, match="also an input"):
        Outputs.plan(f"{root}/in/c.jsonl").check([f"{root}/in/c.jsonl"])
    with pytest.raises(InputError, match="inside the input folder"):
        Outputs.plan(f"{root}/in/corpus.jsonl").check([f"{root}/in/"])
    with pytest.raises(InputError, match="inside the input folder"):
        Outputs.plan(f"{root}/in/corpus.jsonl").check([f"{root}/in/*.txt"])
    Outputs.plan(f"{root}/elsewhere/corpus.jsonl").check([f"{root}/in/"])
    with pytest.raises(InputError, match="not empty"):
        clean_files([f"{root}/in/a.txt"], f"{root}/in/sub/")


def test_a_url_output_works_in_a_local_partial_folder(root: str) -> None:
    plan = Outputs.plan(f"{root}/out/corpus.jsonl")
    assert plan.partial == Path(partial_name(f"{root}/out/corpus.jsonl"))
    assert plan.rejects == f"{root}/out/corpus.rejects.jsonl"
    assert Outputs.plan(f"{root}/out/").manifest == f"{root}/out.manifest.json"


def test_file_urls_read_and_write_local_files(tmp_path: Path) -> None:
    """``file://`` inputs go through fsspec and keep their URL in records; a ``file://``
    output is the local file (renamed into place, partial folder beside it)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for page in seed_pages():
        shutil.copyfile(page, folder / page.name)
    out = tmp_path / "out" / "corpus.jsonl"
    clean_files([f"file://{folder}/"], f"file://{out}")
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [record["source"]["path"] for record in records] == [
        f"file://{folder}/{page.name}" for page in seed_pages()
    ]
    assert Outputs.plan(f"file://{out}").partial == partial_folder(out)


@pytest.fixture
def web(tmp_path: Path) -> Iterator[str]:
    """The seed pages served over HTTP on a free loopback port."""
    folder = tmp_path / "site"
    folder.mkdir()
    for page in seed_pages():
        shutil.copyfile(page, folder / page.name)
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_https_url_is_one_file_never_its_links(web: str) -> None:
    """A web URL is read as one file (never listed: a page's links are no folder); one
    that cannot be fetched is an ``unreadable`` reject."""
    first = seed_pages()[0]
    url = f"{web}/{first.name}"
    assert listing(url) == [url]
    (doc,) = read([url])
    (local,) = read([str(first)])
    assert isinstance(doc, Document) and isinstance(local, Document)
    assert (doc.source.path, doc.text) == (url, local.text)
    (drop,) = read([f"{web}/missing.txt"])
    assert isinstance(drop, Drop) and drop.reason == "unreadable"


def test_a_cut_short_publish_is_finished_not_refused(root: str, tmp_path: Path) -> None:
    """A shard folder whose index is incomplete (a publish killed mid-way) takes the
    shards of the run that publishes again; a complete one is another run's: refused."""
    top = f"/{tmp_path.name}/shards"
    memory.pipe_file(f"{top}/{SHARD_INDEX}", b'{"complete": false}')
    memory.pipe_file(f"{top}/part-00000.jsonl.zst", b"cut short")
    clean_files([f"{root}/in/"], f"{root}/shards/", shard_size=2)
    clean_files([f"{root}/in/"], "local/", shard_size=2)
    assert (
        memory.cat_file(f"{top}/part-00000.jsonl.zst")
        == Path("local/part-00000.jsonl.zst").read_bytes()
    )
    assert orjson.loads(memory.cat_file(f"{top}/{SHARD_INDEX}"))["complete"] is True
    with pytest.raises(InputError, match="not empty"):
        clean_files([f"{root}/in/"], f"{root}/shards/", shard_size=2)


def test_report_reads_a_url_corpus_and_writes_beside_it(root: str, tmp_path: Path) -> None:
    """``corpuskit report memory://.../shards/`` (in this process, where the memory file
    system lives): the shards the index names, the rejects and manifest beside the
    folder, and the report written beside it, as for a local folder."""
    clean_files([f"{root}/in/"], f"{root}/shards/", rejects=f"{root}/shards.rejects.jsonl")
    result = CliRunner().invoke(app, ["report", f"{root}/shards/", "-q"])
    assert result.exit_code == 0, result.output
    page = memory.cat_file(f"/{tmp_path.name}/shards.report.html").decode()
    assert f"most pages: {root}/in, 2" in page  # sites: the pages' folder URL


def test_an_archive_is_read_through_a_chained_url(root: str, tmp_path: Path) -> None:
    """``zip://PATTERN::URL``: the pages inside a zip archive, read as the same files
    outside it are, each named by its URL into the archive (format and compression by
    its own name, ``storage.inner_name``)."""
    names = [page.name for page in seed_pages()]
    archive = tmp_path / "pages.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        for page in seed_pages():
            packed.write(page, f"pages/{page.name}")
    memory.pipe_file(f"/{tmp_path.name}/pages.zip", archive.read_bytes())
    local = [text for _, text in texts(read([str(page) for page in seed_pages()]))]
    zipped = texts(read([f"zip://pages/*.txt::{root}/pages.zip"]))
    assert zipped == [
        (f"zip://pages/{name}::{root}/pages.zip", text)
        for name, text in zip(names, local, strict=True)
    ]


@given(st.text(min_size=1, max_size=400))
def test_a_partial_folder_name_is_one_safe_name_per_url(path: str) -> None:
    """Whatever the URL: one file name (no ``/``, no control or shell characters, well
    under 255 bytes), different for a URL that differs."""
    url = f"s3://bucket/{path}"
    name = partial_name(url)
    assert re.fullmatch(r"corpuskit-[A-Za-z0-9._-]*-[0-9a-f]{8}\.partial", name)
    assert len(name.encode()) < 200
    assert partial_name(url + "x") != name


def test_a_stream_run_writes_no_url(root: str) -> None:
    with pytest.raises(InputError, match="writes no URL"):
        Outputs.plan("-", rejects=f"{root}/rejects.jsonl").check([])
