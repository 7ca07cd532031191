"""``corpuskit clean`` between S3 URLs, against an S3 server this module starts on
127.0.0.1 (moto's standalone server): credentials and endpoint from the environment,
as a user sets them (docs/remote.md). Nothing here reaches the network."""

from __future__ import annotations

import gzip
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from corpuskit.run.checkpoint import JOURNAL
from corpuskit.storage import SHARD_INDEX, partial_name
from tests.conftest import seed_pages
from tests.run.test_resume import kill_when, polling

boto3 = pytest.importorskip("boto3", reason="the test extra's moto[server] brings boto3")
moto_server = pytest.importorskip("moto.server", reason="pip install 'moto[server]' (test extra)")

BUCKET = "corpora"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """An S3 server on a free loopback port, for this module's tests."""
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def env(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment a user sets for an S3-compatible store (docs/remote.md), in
    this process (for boto3) and for the commands it starts; a fresh bucket."""
    settings = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
    }
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    s3 = boto3.client("s3")
    for found in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []) if buckets() else []:
        s3.delete_object(Bucket=BUCKET, Key=found["Key"])
    if not buckets():
        s3.create_bucket(Bucket=BUCKET)
    return {**os.environ, **settings}


def buckets() -> list[str]:
    return [found["Name"] for found in boto3.client("s3").list_buckets()["Buckets"]]


def put(key: str, data: bytes) -> None:
    boto3.client("s3").put_object(Bucket=BUCKET, Key=key, Body=data)


def get(key: str) -> bytes:
    body = boto3.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"]
    return bytes(body.read())


def keys(prefix: str = "") -> list[str]:
    found = boto3.client("s3").list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(entry["Key"] for entry in found.get("Contents", []))


def clean(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "corpuskit", "clean", *args, "-q"]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, timeout=300)


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, bytes]:
    """The seed pages, one gzip-compressed, a JSONL file and a binary file (a reject),
    by name under ``in/``: uploaded by the tests that need them."""
    first, second = seed_pages()
    return {
        "in/a.txt": first.read_bytes(),
        "in/b/c.txt.gz": gzip.compress(second.read_bytes(), mtime=0),
        "in/d.jsonl": b'{"id": "r1", "text": "Der Rat tagte am Montag im Rathaus."}\n',
        "in/e.txt": b"\x00\x01\x02 binary \xff\xfe",
    }


def test_s3_to_s3_is_the_local_run_byte_for_byte(
    env: dict[str, str], inputs: dict[str, bytes], tmp_path: Path
) -> None:
    """``clean s3://b/in/ -o s3://b/out/``: the shards and rejects of the same run
    written locally, made visible by the index; the pages' text is a local input's."""
    for name, data in inputs.items():
        put(name, data)
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    remote = clean(
        tmp_path, env, f"s3://{BUCKET}/in/", "-o", f"s3://{BUCKET}/out/", "--shard-size", "2"
    )
    assert remote.returncode == 0, remote.stderr
    local = clean(tmp_path, env, f"s3://{BUCKET}/in/", "-o", "local/", "--shard-size", "2")
    assert local.returncode == 0, local.stderr
    shards = sorted(path.name for path in (tmp_path / "local").iterdir())
    assert keys("out/") == sorted([f"out/{name}" for name in shards] + [f"out/{SHARD_INDEX}"])
    index = orjson.loads(get(f"out/{SHARD_INDEX}"))
    assert index == {"complete": True, "shards": shards}
    for name in shards:
        assert get(f"out/{name}") == (tmp_path / "local" / name).read_bytes()
    assert get("out.rejects.jsonl") == (tmp_path / "local.rejects.jsonl").read_bytes()
    manifest = orjson.loads(get("out.manifest.json"))
    assert manifest["outputs"] == [f"s3://{BUCKET}/out/{name}" for name in shards]
    assert not (tmp_path / partial_name(f"s3://{BUCKET}/out/")).exists()
    from_disk = clean(tmp_path, env, "in/", "-o", "disk.jsonl")
    assert from_disk.returncode == 0, from_disk.stderr
    assert texts(records(tmp_path / "local")) == texts(
        orjson.loads(line) for line in (tmp_path / "disk.jsonl").read_bytes().splitlines()
    )


def records(folder: Path) -> Iterator[dict[str, Any]]:
    import zstandard

    for shard in sorted(folder.iterdir()):
        data = zstandard.ZstdDecompressor().decompressobj().decompress(shard.read_bytes())
        yield from (orjson.loads(line) for line in data.splitlines())


def texts(found: Iterator[dict[str, Any]]) -> list[tuple[str, str]]:
    """Each record's text and the file it came from, named under ``in/``."""
    return [(str(r["source"]["path"]).split("in/", 1)[1], str(r["text"])) for r in found]


def test_sigkill_then_resume_gives_the_same_object(env: dict[str, str], tmp_path: Path) -> None:
    """Killed mid-run (two workers), resumed from the local partial folder: the
    published object is the bytes of a one-process run never interrupted, and nothing
    was published before the end. Half the inputs are gzip-compressed: a resume inside
    one decompresses the records before its restart point from the store again."""
    seeds = [page.read_text(encoding="utf-8") for page in seed_pages()]
    for part in range(4):
        lines = b"".join(
            orjson.dumps({"id": f"{part}-{n}", "text": f"Seite {n}.\n{seeds[n % 2]}"}) + b"\n"
            for n in range(400)
        )
        name, data = (
            (f"{part}.jsonl", lines)
            if part % 2
            else (f"{part}.jsonl.gz", gzip.compress(lines, mtime=0))
        )
        put(f"in/{name}", data)
    source = f"s3://{BUCKET}/in/*.jsonl*"
    reference = clean(
        tmp_path, env, source, "-o", f"s3://{BUCKET}/reference.jsonl.gz", "--workers", "1"
    )
    assert reference.returncode == 0, reference.stderr
    out = f"s3://{BUCKET}/out/corpus.jsonl.gz"
    journal = tmp_path / partial_name(out) / JOURNAL
    command = [sys.executable, "-m", "corpuskit", "clean", source, "-o", out, "--workers", "2"]
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stderr=subprocess.PIPE)
    kill_when(process, polling(lambda: journal_lines(journal) >= 2), signal.SIGKILL)
    assert keys("out/") == [], "nothing is published before the run ends"
    resumed = clean(tmp_path, env, source, "-o", out, "--workers", "2", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert get("out/corpus.jsonl.gz") == get("reference.jsonl.gz")
    assert keys("out/") == ["out/corpus.jsonl.gz", "out/corpus.rejects.jsonl"]
    assert not journal.parent.exists()


def journal_lines(journal: Path) -> int:
    return journal.read_bytes().count(b"\n") if journal.is_file() else 0


def test_a_store_out_of_reach_is_one_error_line(
    env: dict[str, str], inputs: dict[str, bytes], tmp_path: Path
) -> None:
    """An endpoint nobody listens on (a free loopback port): an input or an output URL
    is one ``error:`` line naming it, exit code 2, before any work."""
    (tmp_path / "a.txt").write_bytes(inputs["in/a.txt"])
    away = {**env, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}", "AWS_MAX_ATTEMPTS": "1"}
    for args in (
        ["a.txt", "-o", f"s3://{BUCKET}/c.jsonl"],
        [f"s3://{BUCKET}/in/", "-o", "c.jsonl"],
    ):
        result = clean(tmp_path, away, *args)
        assert result.returncode == 2
        (line,) = result.stderr.decode().splitlines()
        assert line.startswith(f"error: cannot use s3://{BUCKET}/") and "Could not connect" in line


def test_an_output_bucket_that_fails_at_publish_is_kept_to_resume(
    env: dict[str, str], inputs: dict[str, bytes], tmp_path: Path
) -> None:
    """A bucket that does not exist is found when the run publishes: one error line,
    the run kept in its partial folder; made, ``--resume`` publishes it."""
    (tmp_path / "a.txt").write_bytes(inputs["in/a.txt"])
    out = "s3://later-bucket/corpus.jsonl"
    failed = clean(tmp_path, env, "a.txt", "-o", out)
    assert failed.returncode == 2
    (line,) = failed.stderr.decode().splitlines()
    assert line.startswith(f"error: cannot write {out}") and line.endswith("--resume")
    assert (tmp_path / partial_name(out)).is_dir()
    boto3.client("s3").create_bucket(Bucket="later-bucket")
    resumed = clean(tmp_path, env, "a.txt", "-o", out, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    body = boto3.client("s3").get_object(Bucket="later-bucket", Key="corpus.jsonl")["Body"]
    assert orjson.loads(body.read())["source"]["path"] == "a.txt"
    assert not (tmp_path / partial_name(out)).exists()
