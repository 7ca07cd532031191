"""A Ctrl-C that lands in a finalizer, where Python must ignore it, still stops the run."""

from __future__ import annotations

import gc
import signal
import sys
import time
from collections.abc import Iterator

import pytest

from corpuskit.cli.interrupts import interrupts_kept


class Finalized:
    """An object whose finalizer raises ``exception``, as a Ctrl-C does when SIGINT is
    handled while Python runs a ``__del__``."""

    def __init__(self, exception: BaseException) -> None:
        self.exception = exception

    def __del__(self) -> None:
        raise self.exception


def busy() -> None:
    """Python instructions after the finalizer, where a pending signal is handled: up to
    ten seconds of them, for the thread that sends it again to start."""
    for _ in range(1000):
        time.sleep(0.01)


def instructions() -> int:
    """Python instructions after the finalizer, where nothing is pending."""
    return sum(range(10_000))


@pytest.fixture
def ignored() -> Iterator[list[BaseException | None]]:
    """What reaches the hook Python calls for exceptions it ignores."""
    seen: list[BaseException | None] = []
    outer, sys.unraisablehook = sys.unraisablehook, lambda args: seen.append(args.exc_value)
    yield seen
    sys.unraisablehook = outer


def test_python_ignores_an_interrupt_raised_in_a_finalizer(
    ignored: list[BaseException | None],
) -> None:
    Finalized(KeyboardInterrupt())
    instructions()  # no KeyboardInterrupt: what the run did before, with the interrupt lost
    assert [type(exc) for exc in ignored] == [KeyboardInterrupt]


def test_an_interrupt_raised_in_a_finalizer_is_raised_again(
    ignored: list[BaseException | None],
) -> None:
    with pytest.raises(KeyboardInterrupt), interrupts_kept():
        Finalized(KeyboardInterrupt())
        busy()
    assert ignored == []


def test_an_interrupt_in_a_collected_cycle_is_raised_again(
    ignored: list[BaseException | None],
) -> None:
    with pytest.raises(KeyboardInterrupt), interrupts_kept():
        cycle = Finalized(KeyboardInterrupt())
        cycle.exception.__context__ = None
        cycle.self = cycle  # type: ignore[attr-defined]  # freed by the collector only
        del cycle
        gc.collect()
        busy()


def test_other_ignored_exceptions_go_to_the_hook_before(
    ignored: list[BaseException | None],
) -> None:
    before = sys.unraisablehook
    with interrupts_kept():
        Finalized(ValueError("a finalizer's own error"))
        instructions()
    assert [str(exc) for exc in ignored] == ["a finalizer's own error"]
    assert sys.unraisablehook is before  # put back, and Python's own Ctrl-C handler too
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
