"""The default pipeline for scraped pages, and the order its steps run in.

1. normalizers: repair encoding (ftfy), NFC, control characters, whitespace, punctuation
   policy; none of them adds or removes a line, so line numbers stay meaningful;
2. ``junk_lines``: ads, chrome, widgets, counters, link blocks;
3. ``lift_metadata``: headline, byline, dates into fields (after junk, so "Logo" or an
   ad label between headline and byline does not hide them);
4. ``collapse_blank_lines``: one blank line between paragraphs;
5. ``detect_language`` on the cleaned text;
6. ``drop_empty``: a page with nothing left goes to rejects.
"""

from __future__ import annotations

from corpuskit.filters.junk import JunkLines
from corpuskit.filters.language import DetectLanguage
from corpuskit.filters.layout import collapse_blank_lines, drop_empty
from corpuskit.filters.metadata import LiftMetadata
from corpuskit.normalize import PunctuationPolicy, normalize_steps
from corpuskit.pipeline import Pipeline


def default_pipeline(punctuation: PunctuationPolicy | None = None) -> Pipeline:
    """The pipeline ``corpuskit clean`` runs unless told otherwise."""
    return Pipeline(
        [
            *normalize_steps(punctuation or PunctuationPolicy()),
            JunkLines(),
            LiftMetadata(),
            collapse_blank_lines,
            DetectLanguage(),
            drop_empty,
        ]
    )
