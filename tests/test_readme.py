"""The README's Python examples run, and its two set-up commands stay at the top."""

from __future__ import annotations

import ast
import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests import readme_explain, readme_record
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def test_two_setup_commands_at_the_top() -> None:
    top = README.split("## ")[0]
    commands = re.findall(r"```bash\n(.*?)```", top, flags=re.DOTALL)
    assert len(commands) == 2
    assert "corpuskit clean fixtures/pages" in commands[0]
    assert commands[1].strip().endswith("pytest")


def skip_without_imports(code: str) -> None:
    """Skip the test, saying why, when ``code`` imports a package that is not installed
    (an extra's: datasets, datatrove, ...)."""
    nodes = list(ast.walk(ast.parse(code)))
    names = {alias.name for node in nodes if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module for node in nodes if isinstance(node, ast.ImportFrom) and node.module}
    missing = sorted({name.split(".")[0] for name in names} - {"corpuskit"})
    missing = [name for name in missing if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(f"the example imports {', '.join(missing)}, which is not installed")


@pytest.mark.parametrize("code", EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))])
def test_example_runs(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    skip_without_imports(code)
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})


#: The documentation site's pages with examples: each page's Python blocks run in order,
#: in one folder, after the ``corpuskit clean`` commands its shell blocks show.
DOC_PAGES = sorted(
    path for path in (ROOT / "docs").glob("*.md") if "```python" in path.read_text(encoding="utf-8")
)


@pytest.mark.parametrize("page", DOC_PAGES, ids=[path.stem for path in DOC_PAGES])
def test_doc_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = page.read_text(encoding="utf-8")
    skip_without_imports("\n".join(re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)))
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")
    monkeypatch.chdir(tmp_path)
    shell = re.findall(r"```bash\n(.*?)```", text, flags=re.DOTALL)
    for line in "\n".join(shell).splitlines():
        if line.startswith("corpuskit clean "):
            command = [sys.executable, "-m", "corpuskit", *shlex.split(line)[1:]]
            subprocess.run(command, check=True, capture_output=True)
    namespace: dict[str, object] = {}
    for code in re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL):
        exec(compile(code, str(page), "exec"), namespace)


def test_output_record_is_what_clean_writes() -> None:
    """The "Output records" example is the README's first command's record of the second
    fixture page (its text shortened), not a hand-written one."""
    [shown] = readme_record.BLOCK.findall(README)
    assert shown[1] == readme_record.block(readme_record.clean_fixtures()), (
        "the record changed: python -m tests.readme_record --write"
    )


def test_explain_example_is_what_explain_prints() -> None:
    """The README's ``corpuskit explain`` block is the command's output at the README's
    width (``COLUMNS``), not a hand-written one."""
    [shown] = readme_explain.BLOCK.findall(README)
    assert shown[1] == readme_explain.explained(), (
        "the explanation changed: python -m tests.readme_explain --write"
    )
