"""Quality gate: the default pipeline on traf-dev must not lose more than the tolerance.

Floors live in bench/baseline.json; the measurement is bench/quality.py's ``measure``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BENCH, ROOT, needs_bench

TRAF_DEV = BENCH / "traf-dev"
BASELINE = json.loads((ROOT / "bench" / "baseline.json").read_text(encoding="utf-8"))

pytestmark = [pytest.mark.bench, needs_bench]


def bench_quality() -> Any:
    spec = importlib.util.spec_from_file_location("bench_quality", ROOT / "bench" / "quality.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_quality"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_text_mode_keeps_its_floor() -> None:
    result = bench_quality().measure(Path(TRAF_DEV), "text")
    floor, tolerance = BASELINE["text"], BASELINE["tolerance"]
    assert result.segments["f1"] >= floor["f1"] - tolerance, result.summary("text")
    assert result.segments["precision"] >= floor["precision"] - tolerance
    assert result.pages == 696
    assert result.report.lines_removed["repeated_line"] > 0, "the corpus step counted"
    assert result.report.lines_removed["boilerplate"] > 0


def test_html_mode_keeps_its_floor() -> None:
    result = bench_quality().measure(Path(TRAF_DEV), "html")
    floor, tolerance = BASELINE["html"], BASELINE["tolerance"]
    assert result.segments["f1"] >= floor["f1"] - tolerance, result.summary("html")
    assert result.segments["precision"] >= floor["precision"] - tolerance
    assert result.pages == 696
    assert result.report.lines_removed["boilerplate"] > 0
