"""``ReadOptions``: how inputs become documents, as one object made once, at the edge.

Every reader takes ``(path, stream, options)``; ``read``, ``clean_files``, the
checkpoint's identity, the run manifest, Ray's tasks and the integrations all carry the
same object whole, so an option added here reaches all of them. Public functions take
keywords too and fold them into the object (``ReadOptions.of``), the way ftfy's
``TextFixerConfig`` works:

>>> ReadOptions.of(format="html").html_parser
'bs4'
>>> ReadOptions.of(ReadOptions(format="html"), html_parser="lxml").html_parser
'lxml'
>>> ReadOptions(format="pdf")
Traceback (most recent call last):
...
corpuskit.errors.InputError: unknown input format 'pdf' (choose from text, html, jsonl, warc)

To add a reading option: a field here (with its check in ``__post_init__`` and a line
in the docstring), its one consumer, and its CLI flag (``corpuskit/cli/options.py``).
Recipes, the checkpoint and the manifest follow from the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corpuskit.errors import InputError
from corpuskit.html import PARSERS
from corpuskit.html.extractors import DEFAULT_EXTRACTOR, check_extractor
from corpuskit.options import Options
from corpuskit.readers.limits import DEFAULT_LIMITS, Limits

#: The input formats, each the name of a reader (``readers.READERS``).
FORMATS = ("text", "html", "jsonl", "warc")


@dataclass(frozen=True, slots=True)
class ReadOptions(Options):
    """How inputs are found and read.

    **Parameters**

    - ``format``: one of ``FORMATS`` for every input; None detects each input's format
      from its name, then its first bytes.
    - ``text_field``: the JSONL field that holds a record's page.
    - ``html_parser``: what builds an HTML page's tree (``bs4``, or ``lxml``: about
      twice as fast, the same text; docs/html.md).
    - ``extractor``: what makes an HTML page's text (``corpuskit``, or ``trafilatura``
      with ``pip install 'corpuskit[trafilatura]'``).
    - ``limits``: what one input may cost (``Limits``: sizes, tags, nesting).
    - ``follow_links``: follow symbolic links found in input folders wherever they lead
      (by default only while they stay inside the folder).
    - ``allow_missing``: a path or pattern that names nothing is a ``not_found`` reject
      instead of an error.
    """

    format: str | None = None
    text_field: str = "text"
    html_parser: str = "bs4"
    extractor: str = DEFAULT_EXTRACTOR
    limits: Limits = field(default=DEFAULT_LIMITS)
    follow_links: bool = False
    allow_missing: bool = False

    def __post_init__(self) -> None:
        if self.format is not None and self.format not in FORMATS:
            choices = ", ".join(FORMATS)
            raise InputError(f"unknown input format {self.format!r} (choose from {choices})")
        if self.html_parser not in PARSERS:
            choices = ", ".join(PARSERS)
            raise InputError(f"unknown HTML parser {self.html_parser!r} (choose from {choices})")
        check_extractor(self.extractor)
        if not isinstance(self.text_field, str) or not self.text_field:
            raise InputError(f"text_field must name a field, not {self.text_field!r}")
        if not isinstance(self.limits, Limits):
            raise InputError(f"limits must be a Limits, not {type(self.limits).__name__}")
