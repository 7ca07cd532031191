"""The README's Python examples run, and its two set-up commands stay at the top."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def test_two_setup_commands_at_the_top() -> None:
    top = README.split("## ")[0]
    commands = re.findall(r"```bash\n(.*?)```", top, flags=re.DOTALL)
    assert len(commands) == 2
    assert "corpuskit clean fixtures/pages" in commands[0]
    assert commands[1].strip().endswith("pytest")


@pytest.mark.parametrize("code", EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))])
def test_example_runs(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    assert os.listdir(tmp_path)
