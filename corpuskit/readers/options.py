"""``ReadOptions``: how inputs become documents, as one object made once, at the edge.

Every reader takes ``(path, stream, options)``; ``read``, ``clean_files``, the
checkpoint's identity, the run manifest, Ray's tasks and the integrations all carry the
same object whole, so an option added here reaches all of them. Public functions take
keywords too and fold them into the object (``ReadOptions.of``), the way ftfy's
``TextFixerConfig`` works:

>>> ReadOptions.of(format="html").html_parser
'lxml'
>>> ReadOptions.of(ReadOptions(format="html"), html_parser="bs4").html_parser
'bs4'
>>> ReadOptions(format="pdf")
Traceback (most recent call last):
...
corpuskit.errors.InputError: format: one of text, html, jsonl, warc, parquet, not 'pdf'

To add a reading option: a field here (with its check in ``__post_init__`` and a line
in the docstring), its one consumer, and its CLI flag (``corpuskit/cli/options.py``).
Recipes, the checkpoint and the manifest follow from the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corpuskit.errors import InputError
from corpuskit.html.extractors import DEFAULT_EXTRACTOR, EXTRACTORS, check_extractor
from corpuskit.html.parsers import DEFAULT_PARSER, PARSERS
from corpuskit.options import Options
from corpuskit.readers.limits import DEFAULT_LIMITS, Limits

#: The input formats, each the name of a reader (``readers.READERS``).
FORMATS = ("text", "html", "jsonl", "warc", "parquet")

#: What a JSONL record's text field holds (``ReadOptions.content``).
CONTENTS = ("auto", "html", "text")

#: The options that take one of a few names, and those names.
CHOICES = {"format": FORMATS, "content": CONTENTS, "html_parser": PARSERS, "extractor": EXTRACTORS}


@dataclass(frozen=True, slots=True)
class ReadOptions(Options):
    """How inputs are found and read.

    **Parameters**

    - ``format``: one of ``FORMATS`` for every input; None detects each input's format
      from its name, then its first bytes.
    - ``text_field``: the JSONL field (the Parquet column) that holds a record's page.
    - ``content``: what that field holds: ``text``; ``html``, a page whose text and
      metadata are extracted as an HTML file's are; or ``auto`` (the default), HTML when
      the value opens like a page (a doctype or an ``html``/``head``/``body`` tag:
      ``detect.looks_like_html``), else text. ``auto`` is the default because raw markup
      read as text goes into the corpus tags and all, without a word, while a text that
      opens like a web page is rare (``text`` keeps it as it is).
    - ``id_field``: the JSONL field (Parquet column) whose value (a non-empty string,
      or an integer) is the document's ``id``; without one, the id is made from where
      the record was read.
    - ``url_field``: the JSONL field (Parquet column) whose value (a non-empty string)
      is the document's ``url`` (a page that declares its own canonical URL keeps that
      one, and the record's stays in ``meta``).
    - ``html_parser``: what builds an HTML page's tree (``lxml``, libxml2's own tree,
      handing a page it cannot build whole to bs4; or ``bs4`` for every page: the same
      text, about half as fast end to end; docs/html.md).
    - ``extractor``: what makes an HTML page's text (``corpuskit``, or ``trafilatura``
      with ``pip install 'corpuskit[trafilatura]'``).
    - ``limits``: what one input may cost (``Limits``: sizes, tags, nesting).
    - ``limit``: read only the first ``limit`` pages (documents, and inputs or records
      that could not be read), in input order, and stop reading there: a trial run.
      None reads everything.
    - ``follow_links``: follow symbolic links found in input folders wherever they lead
      (by default only while they stay inside the folder).
    - ``allow_missing``: a path or pattern that names nothing is a ``not_found`` reject
      instead of an error.
    """

    format: str | None = None
    text_field: str = "text"
    content: str = "auto"
    id_field: str = "id"
    url_field: str = "url"
    html_parser: str = DEFAULT_PARSER
    extractor: str = DEFAULT_EXTRACTOR
    limits: Limits = field(default=DEFAULT_LIMITS)
    limit: int | None = None
    follow_links: bool = False
    allow_missing: bool = False

    def __post_init__(self) -> None:
        for name, allowed in CHOICES.items():
            value = getattr(self, name)
            if value not in allowed and not (name == "format" and value is None):
                raise InputError(f"{name}: one of {', '.join(allowed)}, not {value!r}")
        check_extractor(self.extractor)
        for name in ("text_field", "id_field", "url_field"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise InputError(f"{name} must name a field, not {value!r}")
        if self.limit is not None and (
            isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 1
        ):
            raise InputError(f"limit: a number of pages, at least 1, not {self.limit!r}")
        if not isinstance(self.limits, Limits):
            raise InputError(f"limits must be a Limits, not {type(self.limits).__name__}")
