"""The corpus report: what a cleaned corpus holds and how the pipeline made it, as one
self-contained HTML page with plots, and a summary table for the terminal.

Not ``corpuskit.run.report``: that is ``RunReport``, the counts a run keeps while it goes.
This package reads a corpus back afterwards, from its files, one concern per module:

==============  ===============================================================
``records``     read JSONL records back (gz/zst, folders of shards); manifests
``bounded``     ``TopCounter`` and ``Histogram``: summaries in bounded memory
``removed``     removed lines as counted: lines without a letter in groups
``sites``       pages, characters kept and removed lines per site
``sample``      a fixed-size sample of pages as read, removed lines in place
``stats``       ``CorpusStats``: the counts, gathered in one streaming pass
``summary``     the headline rows and notes; the terminal's ``rich`` table
``plots``       bars and a histogram as inline SVG, written by hand
``html``        the page
==============  ===============================================================

It needs nothing beyond corpuskit's own dependencies.

::

    from corpuskit.reporting import write_report
    stats = write_report("corpus.jsonl", "report.html", rejects="corpus.rejects.jsonl")
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from corpuskit.errors import InputError
from corpuskit.lazy import lazy_names
from corpuskit.reporting.sample import SAMPLE_PAGES
from corpuskit.storage import is_url

if TYPE_CHECKING:
    from corpuskit.reporting.stats import CorpusStats, gather
    from corpuskit.reporting.summary import notes, summary_rows, summary_table

__all__ = [
    "SAMPLE_PAGES",
    "CorpusStats",
    "gather",
    "notes",
    "summary_rows",
    "summary_table",
    "write_report",
]


#: Where each name lives: imported on first use, so that the command line's start-up
#: (which registers ``corpuskit report``) loads none of the report's modules.
_HOMES = {
    "CorpusStats": "corpuskit.reporting.stats",
    "gather": "corpuskit.reporting.stats",
    "notes": "corpuskit.reporting.summary",
    "summary_rows": "corpuskit.reporting.summary",
    "summary_table": "corpuskit.reporting.summary",
}


#: The public objects of ``_HOMES``, each imported from its module on first use.
__getattr__ = lazy_names(__name__, _HOMES, globals())


def write_report(
    corpus: str,
    output: str,
    *,
    rejects: str | None = None,
    manifest: str | None = None,
    sample: int = SAMPLE_PAGES,
) -> CorpusStats:
    """Read ``corpus`` (and its ``rejects`` file and run ``manifest``, when given), write
    the HTML report to ``output`` and return the counts it shows. ``sample`` pages of a
    corpus cleaned with ``--audit`` are shown as read, their removed lines struck through
    (0: none).

    Raises ``InputError`` when a file cannot be read, or when ``output`` cannot be
    written. ``output`` appears whole or not at all.
    """
    from corpuskit.reporting.html import render
    from corpuskit.reporting.stats import gather

    stats = gather(corpus, rejects, manifest, sample=sample)
    _write_text(output, render(stats))
    return stats


def _write_text(path: str, text: str) -> None:
    """Write ``text`` as UTF-8 under a temporary name, then rename it to ``path`` (a
    URL: uploaded whole, ``storage.write_atomic``)."""
    if is_url(path):
        from corpuskit.storage import write_atomic
        from corpuskit.writers import temp_url

        write_atomic(path, text.encode("utf-8"), temp_url(path))
        return
    target = Path(path)
    temp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except OSError as error:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise InputError(f"cannot write {path}: {error.strerror or error}") from None
