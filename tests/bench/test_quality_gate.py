"""Quality gate: the default pipeline on each dev set must not lose more than the tolerance.

Floors live in bench/baseline.json, by dev set and mode; the measurement is
bench/quality.py's ``measure`` (the dev set's own metric: segments on traf-dev, article
on dragnet-dev). Each test runs over a whole dev set: ``@pytest.mark.bench``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BENCH, ROOT, needs_bench

BASELINE = json.loads((ROOT / "bench" / "baseline.json").read_text(encoding="utf-8"))
#: Each dev set and its number of pages.
DEV_SETS = {"traf-dev": 696, "dragnet-dev": 1002}

pytestmark = [pytest.mark.bench, needs_bench]


def bench_quality() -> Any:
    spec = importlib.util.spec_from_file_location("bench_quality", ROOT / "bench" / "quality.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_quality"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("mode", ["text", "html"])
@pytest.mark.parametrize("name", list(DEV_SETS))
def test_mode_keeps_its_floor(name: str, mode: str) -> None:
    folder = BENCH / name
    if not folder.is_dir():
        pytest.skip(f"the {name} benchmark is not beside the project")
    result = bench_quality().measure(Path(folder), mode)
    floor, tolerance = BASELINE[name][mode], BASELINE["tolerance"]
    assert result.scores["f1"] >= floor["f1"] - tolerance, result.summary(mode)
    assert result.scores["precision"] >= floor["precision"] - tolerance
    assert result.pages == DEV_SETS[name]
    assert result.metric == ("segments" if name == "traf-dev" else "article")
    assert result.report.lines_removed["boilerplate"] > 0
    if mode == "text":
        assert result.report.lines_removed["repeated_line"] > 0, "the corpus step counted"
