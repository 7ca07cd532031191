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
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from corpuskit.run.progress import Progress

log = logging.getLogger("corpuskit")


def level(verbose: int, quiet: bool) -> int:
    """The logging level for ``-v`` given ``verbose`` times, or ``--quiet``.

    >>> level(0, False) == logging.WARNING, level(1, False) == logging.INFO
    (True, True)
    """
    if quiet:
        return logging.ERROR
    return {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)


#: Characters a terminal acts on (C0 and C1 controls, DEL) and lone surrogates (bytes of a
#: file name that are not UTF-8), which a message shows escaped.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def escaped(message: str) -> str:
    """``message`` with every control character and lone surrogate written as an
    escape, so a file name can never move the cursor or recolour the terminal.

    >>> escaped("page\\x1b[31m.txt"), escaped("caf\\udce9.txt")
    ('page\\\\x1b[31m.txt', 'caf\\\\udce9.txt')
    """
    return _UNPRINTABLE.sub(_escape, message)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def say(message: str) -> None:
    """Show ``message`` on stderr, one line per line of it, each escaped."""
    for line in message.split("\n"):
        typer.echo(escaped(line), err=True)


class _EscapingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return escaped(super().format(record))


@contextmanager
def logging_to_stderr(verbose: int, quiet: bool) -> Iterator[None]:
    """Send the ``corpuskit`` logger's records at the chosen level to stderr, meanwhile."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_EscapingFormatter("corpuskit: %(message)s"))
    before = log.level
    log.addHandler(handler)
    log.setLevel(level(verbose, quiet))
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(before)


class InputProgress:
    """``on_progress`` for ``clean_files`` that logs each input the cleaning phase
    finished: its pages and rejects and the seconds it took (wall time since the input
    before it ended)."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self._read = self._rejected = 0

    def __call__(self, progress: Progress) -> None:
        end, report = progress.end, progress.report
        if end is None or progress.number != progress.phases:
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
