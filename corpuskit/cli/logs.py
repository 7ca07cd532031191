"""What ``corpuskit clean --verbose`` tells on stderr, through the standard ``logging``.

The library logs to the ``corpuskit`` logger (``logging.getLogger(__name__)`` in its
modules) and never configures it; the command line attaches one handler to stderr for
the length of a command, so records and JSON on stdout (``-o -``) never meet a log
line, and nothing is left attached when the command returns (tests run many commands
in one process). ``-v`` shows decisions and per-input progress (INFO), ``-vv`` also
DEBUG; ``--quiet`` leaves errors only.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import typer

from corpuskit.document import InputEnd
from corpuskit.run.report import RunReport

log = logging.getLogger("corpuskit")

#: Where an option's value came from (click's ``ParameterSource`` names, which typer
#: versions import from different places), in the words ``--verbose`` uses.
SOURCES = {
    "COMMANDLINE": "flag",
    "ENVIRONMENT": "environment",
    "DEFAULT_MAP": "recipe",
    "DEFAULT": "default",
    "PROMPT": "prompt",
}


def source_of(ctx: typer.Context, name: str) -> str:
    """Where the option ``name`` got its value: flag, environment, recipe or default."""
    source = ctx.get_parameter_source(name)
    return SOURCES.get(source.name, "default") if source is not None else "default"


def level(verbose: int, quiet: bool) -> int:
    """The logging level for ``-v`` given ``verbose`` times, or ``--quiet``.

    >>> level(0, False) == logging.WARNING, level(1, False) == logging.INFO
    (True, True)
    """
    if quiet:
        return logging.ERROR
    return {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)


@contextmanager
def logging_to_stderr(verbose: int, quiet: bool) -> Iterator[None]:
    """Send the ``corpuskit`` logger's records at the chosen level to stderr, meanwhile."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("corpuskit: %(message)s"))
    before = log.level
    log.addHandler(handler)
    log.setLevel(level(verbose, quiet))
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(before)


def log_option_sources(ctx: typer.Context, names: Iterable[str]) -> None:
    """Log each option of ``names`` that was not left at its default, and where its
    value came from (flag, environment, recipe)."""
    for name in names:
        source = source_of(ctx, name)
        if source != "default":
            log.info("option %s = %r (from the %s)", name, ctx.params.get(name), source)


class InputProgress:
    """``on_progress`` for ``clean_files`` that logs each finished input: its pages and
    rejects and the seconds it took (wall time since the input before it ended)."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self._read = self._rejected = 0

    def __call__(self, report: RunReport, end: InputEnd | None) -> None:
        if end is None:
            return
        now = time.perf_counter()
        log.info(
            "input %d done: %s: pages %d, rejected %d, %.2f s",
            end.index + 1,
            end.path,
            report.read - self._read,
            report.rejected - self._rejected,
            now - self._last,
        )
        self._last, self._read, self._rejected = now, report.read, report.rejected
