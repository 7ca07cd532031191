"""The executor contract: ``Executor.run(job, sink) -> RunReport``.

A ``Job`` is everything a run is about: the inputs, how to read them (``ReadOptions``),
the pipeline and how to run it (``RunOptions``). An executor owns the loop: it reads the
inputs with the readers (``run/sources.py`` or, per input, ``readers.read_numbered``),
fits the corpus steps (``run/phases.py``), cleans every document with
``run/cleaning.outcome`` and hands each outcome, each ``InputEnd`` and each ``Skipped``
to the ``Sink`` in input order. It never writes, journals or counts itself, so every
executor produces the same corpus, byte for byte.

To implement one: take the job whole (never ask which options it carries), keep output
order equal to input order, resume from where the sink's journal says (``sink.restart``,
``sink.states``, ``sink.done``), call ``sink.save_states`` as corpus steps are fitted,
start the writing phase with ``sink.begin`` and return ``sink.report``.
Implementations: ``LocalExecutor`` (``run/local.py``: this process, or a pool of worker
processes) and ``RayExecutor`` (``run/ray.py``: one Ray task per input).
``make_executor`` builds one from the words the command line and recipes use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO, Protocol

from corpuskit.errors import InputError
from corpuskit.pipeline import Pipeline
from corpuskit.readers.options import ReadOptions
from corpuskit.run.options import RunOptions
from corpuskit.run.report import RunReport

if TYPE_CHECKING:
    from corpuskit.run.sink import Sink

#: The executors by the name ``--executor`` and a recipe's ``executor`` option use.
EXECUTORS = ("local", "ray")


@dataclass(frozen=True)
class Job:
    """What to run: ``inputs`` (paths, folders, globs, ``-``), read as ``read`` says,
    through ``pipeline``, as ``run`` says; ``stdin`` for the input ``-``."""

    inputs: tuple[str, ...]
    pipeline: Pipeline
    read: ReadOptions = field(default_factory=ReadOptions)
    run: RunOptions = field(default_factory=RunOptions)
    stdin: BinaryIO | None = field(default=None, compare=False)


class Executor(Protocol):
    """Runs a job; see the module docstring for what an executor owes."""

    def run(self, job: Job, sink: Sink) -> RunReport: ...


def make_executor(
    executor: str = "local", workers: int | None = None, address: str | None = None
) -> Executor:
    """The executor the words name: ``local`` with ``workers`` processes (None: as
    many as the cores and the inputs' work make useful, ``LocalExecutor``), or ``ray``
    on the cluster at ``address`` (a local Ray when None). A combination that would be
    ignored is an ``InputError``, never silently dropped.

    >>> make_executor(workers=2)
    LocalExecutor(workers=2, chunk_size=16)
    """
    from corpuskit.run.local import LocalExecutor
    from corpuskit.run.ray import RayExecutor

    if executor == "local":
        if address is not None:
            raise InputError("address: only the ray executor runs on a cluster (executor ray)")
        return LocalExecutor(workers)
    if executor == "ray":
        if workers is not None:
            raise InputError("workers: the ray executor runs on the cluster's CPUs, not workers")
        return RayExecutor(address)
    raise InputError(f"unknown executor {executor!r} (choose from {', '.join(EXECUTORS)})")
