"""Sphinx configuration of corpuskit's documentation site.

Build it (warnings are errors, as in CI)::

    pip install -e '.[docs]'
    sphinx-build -W --keep-going -b html docs docs/_build/html

The pages are Markdown (MyST); the API reference comes from the docstrings
(``autodoc``) and the CLI reference from the CLI itself (typer's own Markdown
generator, run on every build into ``_generated/cli.md``), so neither can drift from
the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # corpuskit, as checked out

from corpuskit import __version__  # noqa: E402

project = "corpuskit"
author = "the corpuskit authors"
copyright = "2026, the corpuskit authors"
release = version = __version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "_generated"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "description"
autodoc_class_signature = "separated"
# The docstrings quote code with double backquotes (reStructuredText literals).
default_role = "literal"

html_theme = "furo"
html_title = f"corpuskit {version}"


def write_cli_reference(*_: object) -> None:
    """``_generated/cli.md``: every command and option, from the typer app itself."""
    import typer
    from typer.cli import get_docs_for_click

    from corpuskit.cli import app

    command = typer.main.get_command(app)
    text = get_docs_for_click(obj=command, ctx=typer.Context(command), name="corpuskit")
    target = HERE / "_generated" / "cli.md"
    target.parent.mkdir(exist_ok=True)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def setup(app: object) -> None:
    app.connect("builder-inited", write_cli_reference)  # type: ignore[attr-defined]
