"""A Ctrl-C that Python swallowed is raised again: a run stops when the user asks.

Python raises ``KeyboardInterrupt`` at whatever the main thread runs next when SIGINT
arrives. When that is a finalizer (a ``__del__``, a generator closed by the garbage
collector, a ``weakref`` callback, a ``gc.callbacks`` hook), Python cannot raise it
there: it prints "Exception ignored in ..." and the run goes on as if nothing had been
pressed. A long run drops many generators and files, so that moment is not rare enough
to ignore (``readers.limits.time_limit`` meets the same loss for its alarm).
"""

from __future__ import annotations

import _thread
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

#: Seconds between two sends of SIGINT until the main thread raises it outside a hook.
SEND_AGAIN = 0.01


@contextmanager
def interrupts_kept() -> Iterator[None]:
    """While it holds, a ``KeyboardInterrupt`` Python had to ignore is raised again.

    ``sys.unraisablehook`` sees every exception Python ignores. For a
    ``KeyboardInterrupt`` it marks the interrupt lost, and a thread sends SIGINT to the
    main thread until the handler raises it outside a hook (sent to the main thread, it
    also ends a wait there, for a worker's results). The hook cannot raise it itself:
    what a hook raises is ignored too, and so is a signal handled while it runs, which
    is why the handler only raises while no hook runs. Other exceptions go to the hook
    that was there before. Nothing changes where SIGINT is not Python's default (ignored
    by the shell that started the run, or handled by the program that calls this) or
    outside the main thread.
    """
    main = threading.main_thread()
    if threading.current_thread() is not main or (
        signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    outer_hook = sys.unraisablehook
    lost = False  # an interrupt was ignored and not raised again yet
    in_hook = False

    def interrupt(signum: int, frame: object) -> None:
        nonlocal lost
        if not in_hook:
            lost = False
            raise KeyboardInterrupt

    def send_until_raised() -> None:
        while lost:
            signal.pthread_kill(main.ident or 0, signal.SIGINT)
            time.sleep(SEND_AGAIN)

    def notice(unraisable: sys.UnraisableHookArgs) -> None:
        nonlocal lost, in_hook
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            outer_hook(unraisable)
            return
        in_hook = True
        if not lost:
            lost = True
            _thread.start_new_thread(send_until_raised, ())  # threading's start waits
        in_hook = False

    signal.signal(signal.SIGINT, interrupt)
    sys.unraisablehook = notice
    try:
        yield
    finally:
        lost = False
        sys.unraisablehook = outer_hook
        signal.signal(signal.SIGINT, signal.default_int_handler)
