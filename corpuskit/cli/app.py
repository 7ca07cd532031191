"""The ``corpuskit`` typer app, and what every command shares: errors translated once.

Every usage error is one ``error:`` line on stderr and exit code 2, naming the flag or
the environment variable at fault. A ``CorpuskitError`` from the library shows the
option it names as the flag a user types (``dedup: ...`` -> ``--dedup: ...``), or as
its ``CORPUSKIT_*`` variable when that set it, with the error's exit code
(``errors.py``); click's own usage errors (an unknown flag, a missing ``-o``, a value
it cannot convert), which typer draws as a box of several lines, become such a line
too (``OneLineErrors``). ``--verbose``/``--quiet`` attach the ``corpuskit`` logger to
stderr for one command (``logs.py``).
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, NoReturn, ParamSpec

import typer
from typer.core import TyperGroup

from corpuskit.cli.logs import logging_to_stderr, say
from corpuskit.cli.options import ENV_PREFIX
from corpuskit.errors import CorpuskitError, InputError
from corpuskit.recipes.options import RUN_OPTIONS
from corpuskit.version import __version__

P = ParamSpec("P")

#: click's base class of the errors it reports to users, as this typer has it (recent
#: typers carry their own copy of click, so ``click.ClickException`` is not it).
CLICK_ERROR: type[Exception] = next(
    kind for kind in typer.BadParameter.__mro__ if kind.__name__ == "ClickException"
)


def env_var(ctx: Any, param: Any) -> str | None:
    """The environment variable that set ``param`` in ``ctx``, if one did."""
    source = ctx.get_parameter_source(param.name) if ctx is not None and param.name else None
    if source is None or source.name != "ENVIRONMENT":
        return None
    declared = param.envvar if isinstance(param.envvar, str) else None
    prefix = ctx.auto_envvar_prefix or ENV_PREFIX
    return declared or f"{prefix}_{param.name.upper()}"


def usage_line(error: Exception) -> str:
    """One line for a click usage error: what is wrong, the flag or the environment
    variable that gave the value, and where help is."""
    ctx, param = getattr(error, "ctx", None), getattr(error, "param", None)
    variable = env_var(ctx, param) if param is not None else None
    if variable is not None:
        value = os.environ.get(variable, "")
        message = f"{variable}={value!r}: {getattr(error, 'message', error)}"
    else:
        message = error.format_message()  # type: ignore[attr-defined]
    message = _one_sentence(" ".join(str(message).split()))
    where = f" (see {ctx.command_path} --help)" if ctx is not None else ""
    return f"error: {message}{where}"


def _one_sentence(message: str) -> str:
    """click's sentences as one clause each, lower case as corpuskit's messages are.

    >>> _one_sentence("No such command 'cleen'. Did you mean 'clean'?")
    "no such command 'cleen'; did you mean 'clean'?"
    >>> _one_sentence("Invalid value for '-n': Input should be a valid integer.")
    "invalid value for '-n': input should be a valid integer"
    """
    message = _SENTENCE_BREAK.sub(lambda found: "; " + found.group(1).lower(), message)
    message = _AFTER_COLON.sub(lambda found: found.group(1) + found.group(2).lower(), message)
    return message.rstrip(".")


#: A sentence's end inside a message, and a capital opening a clause (at the start,
#: after ": " or "("; not a name in capitals such as ``CORPUSKIT_WORKERS``):
#: click's messages are short, and these patterns look at each character once.
_SENTENCE_BREAK = re.compile(r"\. ([A-Z])(?=[a-z])")
_AFTER_COLON = re.compile(r"(^|: |\()([A-Z])(?=[a-z])")


class OneLineErrors(TyperGroup):
    """The app's group: every click usage error is one ``error:`` line (``usage_line``),
    exit code 2, instead of typer's box of usage, hint and message."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except CLICK_ERROR as error:
            _usage_exit(error)
        except typer.Abort:
            say("error: aborted")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _usage_exit(error: Exception) -> NoReturn:
    """Report ``error`` on one line (help asked for by giving no arguments: as drawn)."""
    if type(error).__name__ != "NoArgsIsHelpError":
        say(usage_line(error))
    sys.exit(getattr(error, "exit_code", 2))


app = typer.Typer(
    cls=OneLineErrors,
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
#: Options whose flags are not named after them.
SHOWN_AS = {"favor": "--precision/--recall"}
_LEADING_NAME = re.compile(r"([a-z][a-z_]*)(?=[: ])")


def as_flags(message: str, variables: Mapping[str, str] | None = None) -> str:
    """``message`` with the option it starts with shown as its flag, or as the
    environment variable ``variables`` says set it.

    >>> as_flags("dedup: one of exact, near, off, not 'x'")
    "--dedup: one of exact, near, off, not 'x'"
    >>> as_flags("dedup: one of exact, near, off, not 'x'", {"dedup": "CORPUSKIT_DEDUP"})
    "CORPUSKIT_DEDUP: one of exact, near, off, not 'x'"
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
    shown = (variables or {}).get(name) or SHOWN_AS.get(name, f"--{name.replace('_', '-')}")
    return f"{shown}{message[match.end() :]}"


def env_given(ctx: Any) -> dict[str, str]:
    """The command's options that an environment variable set: name -> variable."""
    if not hasattr(ctx, "get_parameter_source"):  # called without the command's context
        return {}
    found = ((param.name, env_var(ctx, param)) for param in ctx.command.params)
    return {name: variable for name, variable in found if name and variable}


def translate_errors(command: Callable[P, None]) -> Callable[P, None]:
    """Turn a ``CorpuskitError`` from the library into one line on stderr and its exit code."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except CorpuskitError as error:
            message = as_flags(str(error), env_given(kwargs.get("ctx")))
            say(f"error: {message}".replace("\n", " "))
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
