"""How much one input may make corpuskit read, hold and parse: the readers' limits.

A scraped corpus holds hostile inputs: a gzip or zstd bomb that inflates a few kilobytes
to gigabytes, a JSONL "record" that is one 2 GB line, a page of a million nested tags.
Each limit below bounds the memory and the time one document can cost. It is enforced
while reading, in bounded chunks, so the input that breaks it never materializes: the
reader stops one byte past the limit and yields a ``Drop`` (step ``read``, reason
``too_large`` or ``too_deep``) whose detail names the limit and how to raise it.

The defaults are far above what real pages need (the largest of the 696 traf-dev pages
is 1.6 MB with 13,423 tags, nested 43 deep) and low enough that a worst-case input stays
within a few hundred megabytes of memory. Raise one with ``read(..., limits=Limits(...))``.

Time is bounded too: reading one document (parsing and extracting an HTML page, the
costly part) runs under ``Limits.time_limit`` (``time_limit``, the same bound the
executors put on cleaning one document); a page over it is a ``timeout`` drop.

>>> Limits().max_file_bytes == 64 * MiB
True
>>> Limits(max_json_depth=1000)
Traceback (most recent call last):
...
corpuskit.errors.InputError: max_json_depth must be between 1 and 253, not 1000
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields

from corpuskit.errors import InputError

#: One mebibyte.
MiB = 1 << 20

#: The deepest JSONL record a corpus line can carry: orjson writes at most 254 nested
#: levels, and a corpus record puts a record's fields one level down, inside ``meta``.
MAX_WRITABLE_JSON_DEPTH = 253

#: Seconds one document may take by default: to read, and (the executors' bound) to
#: clean. The slowest of the hostile inputs (a 30 MB single line) takes about 10 s to
#: clean; a normal page a few milliseconds either way.
TIME_LIMIT = 60.0


@dataclass(frozen=True, slots=True)
class Limits:
    """The size limits the readers enforce on each document; all are inclusive maxima.

    ``max_file_bytes``: decompressed bytes of one text or HTML file (one document).
    64 MiB is 40 times the largest traf-dev page and 2x the 30 MB single-line dump the
    hostile tests read; the whole file is held in memory once as bytes and once as text,
    and the text pipeline takes about 10 s on 64 MiB. Re-measure the hostile suite's run
    time (``tests/test_hostile.py``) after raising it.

    ``max_line_bytes``: bytes of one JSONL line (one record), line break excluded. Half
    the file limit because a record is parsed into a JSON value on top of its bytes and
    its text; 32 MiB still holds a whole scraped book as one record. A Parquet row is
    held to it too, measured as the JSON the row becomes.

    ``max_html_tags``: tags in one HTML page, counted as ``<`` followed by a letter,
    ``/``, ``!`` or ``?`` before parsing. The parsed tree costs about 1 kB per element in
    BeautifulSoup (a page of 1,000,000 elements took 15 s and 950 MB), so a 64 MiB page
    of bare tags would need 10 GB. 250,000 is 18 times the largest traf-dev page and
    bounds a page to about 250 MB and 4 s. Re-measure with ``bench/quality.py`` if
    lowered.

    ``max_json_depth``: nesting levels of one JSONL record, the record itself being
    level 1 (and of a Parquet row, its nested columns). Web-crawl records nest fewer
    than 10 levels; 128 is the default recursion
    limit of serde_json, a common reader of such corpora. It cannot exceed
    ``MAX_WRITABLE_JSON_DEPTH``: a deeper record could not be written back.

    ``time_limit``: seconds reading one HTML page may take (None: no limit): the run's
    ``time_limit`` (``RunOptions``, ``--time-limit``), which sets it; ``TIME_LIMIT``
    by default. Parsing and extracting a page is linear in its size (the largest
    traf-dev page takes about 0.2 s), so only a bug meets it; the page is then a
    ``timeout`` drop and the run goes on.
    """

    max_file_bytes: int = 64 * MiB
    max_line_bytes: int = 32 * MiB
    max_html_tags: int = 250_000
    max_json_depth: int = 128
    #: Not an option of its own (``metadata``): the run's ``time_limit`` sets it
    #: (``recipes.compose.build``), so one knob bounds reading and cleaning a document.
    time_limit: float | None = field(
        default=TIME_LIMIT, metadata={"recipe": False, "option": False}
    )

    def __post_init__(self) -> None:
        _check_seconds(self.time_limit)
        for size in fields(self):
            if size.name == "time_limit":
                continue
            value = getattr(self, size.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError(f"{size.name} must be a positive integer, not {value!r}")
        if self.max_json_depth > MAX_WRITABLE_JSON_DEPTH:
            raise InputError(
                f"max_json_depth must be between 1 and {MAX_WRITABLE_JSON_DEPTH}, "
                f"not {self.max_json_depth}"
            )


def _check_seconds(seconds: object) -> None:
    """Raise ``InputError`` unless ``seconds`` is None or a positive number."""
    if seconds is None:
        return
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
        raise InputError(
            f"time_limit must be a positive number of seconds or None, not {seconds!r}"
        )


#: The limits ``read`` applies when given none.
DEFAULT_LIMITS = Limits()


def how_to_raise(name: str) -> str:
    """The hint a ``too_large`` or ``too_deep`` drop ends with.

    >>> how_to_raise("max_file_bytes")
    'raise it with Limits(max_file_bytes=...)'
    """
    return f"raise it with Limits({name}=...)"


#: Seconds after a ring Python swallowed until the next one: at once, for a timer.
RING_AGAIN = 1e-4


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``TimeoutError`` in this thread once ``seconds`` have passed (None or 0: never).

    Uses ``SIGALRM``, so it works in the main thread on POSIX systems and does nothing
    elsewhere; it does not nest (the inner one would cancel the outer). A signal is
    handled between Python instructions: one long call into C (a regular expression
    match) finishes before it. That is why every regular expression that sees page
    content is linear (tests/test_linear.py feeds them long runs of punctuation).

    A ring can land in code whose exceptions Python ignores (a ``__del__`` or a
    ``gc.callbacks`` hook the garbage collector runs: "Exception ignored in ..."). Python
    hands such an exception to ``sys.unraisablehook``; while the limit holds, a hook
    that sees the alarm's own ``TimeoutError`` there rings again at once, and limited
    code that ends before that ring lands raises ``TimeoutError`` on its way out. What
    took longer than ``seconds`` is a timeout however its ring was lost. The alarm also
    rings every ``seconds`` after the first, for code that catches and drops it.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not seconds or not usable:
        yield
        return
    message = f"took longer than {seconds:g} s (raise it with --time-limit)"
    rung: list[TimeoutError] = []  # the last ring's exception
    swallowed = False  # whether Python ignored the last ring

    def expire(signum: int, frame: object) -> None:
        nonlocal swallowed
        swallowed = False
        rung[:] = [TimeoutError(message)]
        raise rung[0]

    outer_hook = sys.unraisablehook

    def notice(unraisable: sys.UnraisableHookArgs) -> None:
        nonlocal swallowed
        if rung and unraisable.exc_value is rung[0]:
            swallowed = True
            signal.setitimer(signal.ITIMER_REAL, RING_AGAIN, seconds)
        else:
            outer_hook(unraisable)

    previous = signal.signal(signal.SIGALRM, expire)
    sys.unraisablehook = notice
    signal.setitimer(signal.ITIMER_REAL, seconds, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.unraisablehook = outer_hook
    if swallowed:  # the last ring was lost, and the limited code ended before the next
        raise TimeoutError(message)
