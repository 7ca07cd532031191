"""Extractors: what makes a page's text from its markup.

``corpuskit`` (the default) is ours: ``text.laid_out_text``, the text laid out line by
line with what the markup says about each line (its ``layout``), which the HTML line
model of ``classify_lines`` reads. ``trafilatura`` hands the page to trafilatura's
``extract`` instead (``pip install 'corpuskit[trafilatura]'``), for users who prefer its
main-content extraction or want to compare on their own pages (``bench/quality.py
--compare-extractors``). Its text has no layout, so the text line model judges it, as it
judges any plain text.

Whichever extractor makes the text, the rest is ours, so records have the same fields
and the same limits apply: the page is decoded by ``readers.decode`` (trafilatura gets a
``str``, never bytes, so it neither guesses the charset again nor decompresses what it is
given), the tag limit is counted first, and the metadata comes from our own tree
(``fields.choose``). The extractor is recorded as ``Source.extractor`` when it is not
the default.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from corpuskit.errors import InputError

#: The extractors ``extract`` and the readers know; the first is the default.
EXTRACTORS = ("corpuskit", "trafilatura")
DEFAULT_EXTRACTOR = EXTRACTORS[0]

#: What to install for the ``trafilatura`` extractor.
TRAFILATURA_INSTALL = "pip install 'corpuskit[trafilatura]'"

#: trafilatura's ``extract`` options, each chosen for a corpus:
TRAFILATURA_OPTIONS: dict[str, Any] = {
    # Plain text, one line per paragraph, list item or table row: the lines our
    # filters judge. (Markdown would put "#" and "**" into the corpus text.)
    "output_format": "txt",
    # Reader comments are not the page's content; on traf-dev trafilatura 2.3.1 scores
    # F 0.930 without them and 0.926 with them (shared/bench/README.md).
    "include_comments": False,
    # Its own metadata is not used (ours fills the fields), and its deduplication keeps
    # state across pages in a process-wide cache: output would depend on what a worker
    # saw before. exact_duplicates and near_duplicates do that job, in input order.
    "with_metadata": False,
    "deduplicate": False,
    # favor_precision, favor_recall, fast, include_tables: trafilatura's defaults, the
    # setting its benchmark figures were measured with.
}


def trafilatura_module() -> ModuleType:
    """The ``trafilatura`` package; ``InputError`` naming what to install if it is missing."""
    try:
        import trafilatura
    except ImportError:
        raise InputError(
            f"the trafilatura extractor needs trafilatura: {TRAFILATURA_INSTALL}"
        ) from None
    return trafilatura


def check_extractor(extractor: str) -> None:
    """Raise ``InputError`` for an unknown extractor, or one whose package is missing."""
    if extractor not in EXTRACTORS:
        choices = ", ".join(EXTRACTORS)
        raise InputError(f"unknown extractor {extractor!r} (choose from {choices})")
    if extractor == "trafilatura":
        trafilatura_module()


def trafilatura_text(markup: str) -> str:
    """The main text trafilatura finds in ``markup`` (already decoded); ``""`` if none.

    trafilatura parses the markup itself (lxml, as UTF-8 whatever the page declares, so
    a decoded page is never decoded twice). A page where it finds nothing becomes an
    empty document, which ``drop_empty`` rejects (reason ``empty``, the source naming the
    extractor), never a silent loss.
    """
    text = trafilatura_module().extract(markup, **TRAFILATURA_OPTIONS)
    return text or ""
