"""Errors corpuskit raises, translated once into messages and exit codes by the CLI.

::

    CorpuskitError           anything corpuskit reports as a clear one-line message
     ├── InputError          an input path, format or option that cannot be used
     ├── RecipeError         a pipeline or step configuration that cannot be built
     ├── DocumentRejected    clean_text() on a page the pipeline rejected (carries the Drop)
     ├── RunStopped          a strict run stopped at its first reject (carries the Drop)
     └── ParserLimitError    an HTML page the chosen parser cannot build whole (read: a Drop)

Problems with single documents never raise during a run: they become ``Drop`` records
in the rejects file, so one bad page cannot stop a night's run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from corpuskit.document import Drop


class CorpuskitError(Exception):
    """Base class: a problem the user can fix, described in one line."""

    exit_code = 2


class InputError(CorpuskitError):
    """An input path, format or option that cannot be used."""


class RecipeError(CorpuskitError):
    """A pipeline or step configuration that cannot be built."""


class DocumentRejected(CorpuskitError):
    """Raised by ``clean_text`` when the pipeline rejects the page; ``drop`` says why."""

    exit_code = 1

    def __init__(self, drop: Drop) -> None:
        super().__init__(f"rejected by {drop.step}: {drop.reason}")
        self.drop = drop


class RunStopped(CorpuskitError):
    """A run with ``strict`` stopped at its first reject; ``drop`` says which and why."""

    exit_code = 1

    def __init__(self, drop: Drop) -> None:
        detail = f" ({drop.detail})" if drop.detail else ""
        super().__init__(
            f"stopped at the first reject (--strict): {drop.source.location()}: "
            f"{drop.step}: {drop.reason}{detail}; nothing was written"
        )
        self.drop = drop


class ParserLimitError(CorpuskitError):
    """An HTML page beyond a limit of the chosen parser (lxml: nesting depth).

    ``reason`` is the drop reason the HTML reader gives the page (``too_deep``), so the
    page is rejected with that reason rather than extracted in part.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
