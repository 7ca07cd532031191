"""The ``corpuskit`` typer app, and what every command shares: errors translated once.

A ``CorpuskitError`` from the library becomes one ``error:`` line on stderr, the option
it names shown as the flag a user types (``dedup: ...`` -> ``--dedup: ...``), and the
error's exit code (``errors.py``). ``--verbose``/``--quiet`` attach the ``corpuskit``
logger to stderr for one command (``logs.py``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Annotated, ParamSpec

import typer

from corpuskit.cli.logs import logging_to_stderr, say
from corpuskit.errors import CorpuskitError, InputError
from corpuskit.recipes.options import RUN_OPTIONS
from corpuskit.version import __version__

P = ParamSpec("P")

app = typer.Typer(
    help="Turn scraped web pages into a clean JSONL corpus with provenance.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

#: The names the library gives options in its messages, besides the run options: shown
#: as flags by ``as_flags``.
OTHER_OPTIONS = frozenset(
    {"output", "rejects", "manifest", "recipe", "resume", "quotes", "dashes", "ellipsis",
     "double_hyphen", "limits"}
)  # fmt: skip
_LEADING_NAME = re.compile(r"([a-z][a-z_]*)(?=[: ])")


def as_flags(message: str) -> str:
    """``message`` with the option it starts with shown as its flag.

    >>> as_flags("dedup: one of exact, near, off, not 'x'")
    "--dedup: one of exact, near, off, not 'x'"
    >>> as_flags("rejects out/r.jsonl is a folder; name a file")
    '--rejects out/r.jsonl is a folder; name a file'
    >>> as_flags("cannot resume a run that reads standard input")
    'cannot resume a run that reads standard input'
    """
    match = _LEADING_NAME.match(message)
    if match is None:
        return message
    name = match.group(1)
    if name not in OTHER_OPTIONS and name not in {param.name for param in RUN_OPTIONS}:
        return message
    return f"--{name.replace('_', '-')}{message[match.end() :]}"


def translate_errors(command: Callable[P, None]) -> Callable[P, None]:
    """Turn a ``CorpuskitError`` from the library into one line on stderr and its exit code."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except CorpuskitError as error:
            say(f"error: {as_flags(str(error))}".replace("\n", " "))
            raise typer.Exit(error.exit_code) from None

    return run


def logged(command: Callable[P, None]) -> Callable[P, None]:
    """Log to stderr while ``command`` runs, at the level its ``--verbose`` (count) and
    ``--quiet`` options ask for (see ``logs.py``)."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        count, quiet = kwargs.get("verbose"), bool(kwargs.get("quiet"))
        verbose = count if isinstance(count, int) else 0
        if verbose and quiet:
            raise InputError("--quiet or --verbose, not both")
        with logging_to_stderr(verbose, quiet):
            command(*args, **kwargs)

    return run


def _version(value: bool) -> None:
    if value:
        typer.echo(f"corpuskit {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Turn scraped web pages into a clean JSONL corpus with provenance."""
