"""The layering rules of docs/architecture.md, checked on every module's imports.

- the library never imports the command line (``corpuskit.cli``);
- readers never import ``run/``; steps import neither ``run/`` nor the command line;
- ``html/`` and ``steps/`` share ``lexicon/`` and never import each other;
- ``lexicon/`` imports neither ``html/`` nor ``steps/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "corpuskit"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every ``corpuskit`` module ``path`` imports, at any level of the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("corpuskit")}


MODULES = {module_name(path): imports(path) for path in sorted(PACKAGE.rglob("*.py"))}

#: (modules the rule applies to, prefixes they must not import, why).
RULES = [
    ("corpuskit", "corpuskit.cli", "the library never imports the command line"),
    ("corpuskit.readers", "corpuskit.run", "readers never import run/"),
    ("corpuskit.steps", "corpuskit.run", "steps never import run/"),
    ("corpuskit.steps", "corpuskit.html", "steps and html/ share lexicon/ instead"),
    ("corpuskit.html", "corpuskit.steps", "html/ and steps/ share lexicon/ instead"),
    ("corpuskit.lexicon", "corpuskit.html", "lexicon/ is below html/"),
    ("corpuskit.lexicon", "corpuskit.steps", "lexicon/ is below steps/"),
]


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize(("subject", "forbidden", "why"), RULES)
def test_no_module_breaks_a_layering_rule(subject: str, forbidden: str, why: str) -> None:
    broken = sorted(
        f"{module} imports {name}"
        for module, names in MODULES.items()
        if within(module, subject)
        and not within(module, "corpuskit.cli")
        and module != "corpuskit.__main__"  # python -m corpuskit: the command itself
        for name in names
        if within(name, forbidden)
    )
    assert not broken, f"{why}: {broken}"


def test_the_rules_see_the_imports() -> None:
    """The checker finds real imports (so an empty result means something)."""
    assert "corpuskit.readers.options" in MODULES["corpuskit.api"]
    assert "corpuskit.lexicon.layout" in MODULES["corpuskit.steps.classify.step"]
    assert any(within(name, "corpuskit.run") for name in MODULES["corpuskit.cli.clean"])
