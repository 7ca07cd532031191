"""bench/ray_speed.py's pieces: the shards it cleans and the process tree it counts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest


def test_shards_hold_every_page_once_in_order(tmp_path: Path) -> None:
    from ray_speed import write_shards

    texts = [(f"page{n}", f"Line one of page {n}.\nLine two.") for n in range(50)]
    write_shards(texts, 16, tmp_path / "shards")
    files = sorted((tmp_path / "shards").glob("*.jsonl"))
    assert len(files) == 16
    records = [orjson.loads(line) for path in files for line in path.read_bytes().splitlines()]
    assert [(record["id"], record["text"]) for record in records] == texts


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads Linux's /proc")
def test_the_process_tree_holds_a_child_and_its_cpu() -> None:
    """Ray's workers are not this process's children to reap: the bench reads every
    process under it from /proc instead."""
    from ray_speed import tree

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        found = tree(os.getpid())
        assert os.getpid() in found and child.pid in found
        assert found[child.pid][0] == os.getpid() and found[os.getpid()][2] > 0
    finally:
        child.kill()
        child.wait()
