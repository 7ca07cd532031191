"""``RunOptions``: how a pipeline runs over documents, as one object made at the edge.

Where ``ReadOptions`` says how inputs become documents, ``RunOptions`` says what a run
records and how strict it is. Both travel whole, into the checkpoint's identity and the
run manifest (``dataclasses.asdict``), so a resume is refused when either differs.

>>> RunOptions.of(audit=True).time_limit
60.0
>>> RunOptions(time_limit=-1)
Traceback (most recent call last):
...
corpuskit.errors.InputError: time_limit must be positive seconds or None, not -1
"""

from __future__ import annotations

from dataclasses import dataclass

from corpuskit.errors import InputError
from corpuskit.options import Options
from corpuskit.readers.limits import TIME_LIMIT as TIME_LIMIT  # one default, the readers'


@dataclass(frozen=True, slots=True)
class RunOptions(Options):
    """How a run cleans and records its documents.

    **Parameters**

    - ``audit``: also record each removed line and its rule in the corpus records.
    - ``strict``: stop at the first reject (``RunStopped``) and write nothing.
    - ``time_limit``: seconds one document may take, reading included (a slower one is a
      ``timeout`` reject); None for no limit.
    """

    audit: bool = False
    strict: bool = False
    time_limit: float | None = TIME_LIMIT

    def __post_init__(self) -> None:
        limit = self.time_limit
        if limit is not None and (isinstance(limit, bool) or not limit > 0):
            raise InputError(f"time_limit must be positive seconds or None, not {limit!r}")
