"""The ``corpuskit`` command: a thin layer over the library.

One module per command (``clean``, ``report``, ``explain``; ``steps`` and ``recipe`` in
``recipes.py``), each turning its options into the library's objects and making one
call; ``options.py`` holds the options they share, ``app.py`` the error translation.
A ``CorpuskitError`` becomes one line on stderr and an exit code. Exit codes, as users
of trafilatura and datatrove expect: 0 the run completed (rejected pages are a normal
outcome, counted in the summary and kept in the rejects file); 1 only when asked:
``--fail-on-reject`` and some page was rejected, or ``--strict`` stopped the run at the
first reject (nothing written); 2 a usage or input/output error stopped it; 130 it was
interrupted (Ctrl-C; its partial output is kept: ``--resume`` continues it).
"""

from __future__ import annotations

from corpuskit.cli import clean, explain, report  # noqa: F401 (the commands register)
from corpuskit.cli.app import app, translate_errors
from corpuskit.cli.recipes import recipe_app, steps_command

__all__ = ["app", "main"]

app.command("steps")(translate_errors(steps_command))
app.add_typer(recipe_app, name="recipe")


def main() -> None:
    """Entry point of the ``corpuskit`` script."""
    app()
