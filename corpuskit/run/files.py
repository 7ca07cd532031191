"""Running a job into files: the outputs checked, the checkpoint kept, the set published.

``run_to_files`` is what ``clean_files`` (and so ``corpuskit clean``) does once its
options are objects: check the outputs and the inputs before any work
(``Outputs.check``, ``readers.paths.check_specs``), then either

- write a stream (standard output, a device, a pipe) through as the executor goes; or
- work in the partial folder (``Checkpoint``): resumed from its journal if asked, the
  files published as a set when the executor is done, the manifest last.

The checkpoint's identity (``run.json``) and the manifest are made from the same
objects, ``asdict`` of the job's ``ReadOptions`` and ``RunOptions``, so an option added
there is part of both without being listed here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict
from typing import Any

from corpuskit.document import Drop
from corpuskit.errors import InputError, RunStopped
from corpuskit.outputs import Outputs
from corpuskit.readers.paths import STDIN, check_specs
from corpuskit.run.checkpoint import Checkpoint
from corpuskit.run.cleaning import Provenance
from corpuskit.run.executor import Executor, Job
from corpuskit.run.progress import OnProgress
from corpuskit.run.report import RunReport
from corpuskit.run.sink import Sink
from corpuskit.version import __version__
from corpuskit.writers import JsonlWriter, write_json

log = logging.getLogger(__name__)


def run_to_files(
    job: Job,
    outputs: Outputs,
    executor: Executor,
    *,
    resume: bool = False,
    on_reject: Callable[[Drop], None] | None = None,
    on_progress: OnProgress | None = None,
) -> RunReport:
    """Run ``job`` with ``executor`` into ``outputs``; the run's report.

    Raises ``InputError`` before any work for outputs or inputs that cannot be used,
    ``RunStopped`` when a strict run meets a reject (nothing is written).
    """
    outputs.check(job.inputs)
    check_specs(job.inputs, allow_missing=job.read.allow_missing)
    if resume and STDIN in job.inputs:
        raise InputError("cannot resume a run that reads standard input (it is gone)")
    if outputs.stream:
        if resume:
            shown = "standard output" if outputs.corpus == STDIN else f"{outputs.corpus} (a stream)"
            raise InputError(f"--resume needs an output file; {shown} cannot be resumed")
        return _streamed(job, outputs, executor, on_reject, on_progress)
    return _checkpointed(job, outputs, executor, resume, on_reject, on_progress)


def _streamed(
    job: Job,
    outputs: Outputs,
    executor: Executor,
    on_reject: Callable[[Drop], None] | None,
    on_progress: OnProgress | None,
) -> RunReport:
    """Write the corpus through to a stream as the executor goes."""
    with ExitStack() as stack:
        corpus = stack.enter_context(JsonlWriter(outputs.corpus))
        rejected = stack.enter_context(JsonlWriter(outputs.rejects)) if outputs.rejects else None
        sink = Sink(corpus, rejected, on_reject, job.run.strict, None, on_progress)
        report = executor.run(job, sink)
    if outputs.manifest:
        write_json(outputs.manifest, manifest(job, report, [outputs.corpus]))
    return report


def _checkpointed(
    job: Job,
    outputs: Outputs,
    executor: Executor,
    resume: bool,
    on_reject: Callable[[Drop], None] | None,
    on_progress: OnProgress | None,
) -> RunReport:
    """Run in the partial folder, resumed from it if asked, then publish the set."""
    if outputs.shards is not None:
        outputs.shards.ensure_free()
    checkpoint = Checkpoint.start(outputs, identity(job, outputs, executor), resume=resume)
    if checkpoint.sizes or checkpoint.states:
        log.info("resuming in %s from %s", checkpoint.folder, checkpoint.restart)
    sink = Sink(
        checkpoint.corpus, checkpoint.rejects, on_reject, job.run.strict, checkpoint, on_progress
    )
    try:
        report = executor.run(job, sink)
    except RunStopped:
        checkpoint.discard()
        raise
    except OSError as error:  # the output's disk is full, gone, read-only
        checkpoint.release()
        raise InputError(
            f"cannot write {checkpoint.folder}: {error.strerror or error}; the run so far "
            "is kept there: fix that and run again with --resume"
        ) from None
    except BaseException:
        checkpoint.release()  # kept: the run can be resumed
        raise
    try:
        checkpoint.publish(outputs, lambda written: manifest(job, report, written))
    except BaseException:
        checkpoint.release()
        raise
    return report


def identity(job: Job, outputs: Outputs, executor: Executor) -> dict[str, Any]:
    """What a run is, for its checkpoint: a resume must be this same run (on the same
    kind of executor: their phases differ)."""
    run = {
        "corpuskit": __version__,
        "executor": type(executor).__name__,
        "config": job.pipeline.config_hash(),
        "inputs": list(job.inputs),
        "read": asdict(job.read),
        "run": asdict(job.run),
        "rejects": outputs.rejects,
    }
    if outputs.shards is not None:
        run["shards"] = asdict(outputs.shards)
    return run


def manifest(job: Job, report: RunReport, outputs: list[str]) -> dict[str, Any]:
    """The run manifest: what ran (version, configuration, steps, options), on what,
    into which files, and its report."""
    provenance = Provenance.of(job.pipeline, job.run.audit)
    return {
        "corpuskit": provenance.version,
        "config": provenance.config,
        "pipeline": job.pipeline.describe(),
        "inputs": list(job.inputs),
        "outputs": outputs,
        "read": asdict(job.read),
        "run": asdict(job.run),
        "report": report.to_record(),
    }
