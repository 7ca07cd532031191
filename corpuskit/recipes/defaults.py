"""The default pipeline for scraped pages, and the order its steps run in.

1. normalizers: repair encoding (ftfy), control characters, NFC, whitespace, punctuation
   policy; none of them adds or removes a line, so line numbers stay meaningful;
2. ``comment_lines``: reader comment threads (rule ``comments``); first, because the
   markers that give a thread away ("Reply", "12 Comments", dates) are what
   ``junk_lines`` and ``lift_metadata`` remove (measured on dragnet-dev, text mode: F
   0.765 placed after them, 0.790 before);
3. ``junk_lines``: ads, chrome, widgets, counters, link blocks, by named rules;
4. ``lift_metadata``: headline, byline, dates into fields (after junk, so "Logo" or an
   ad label between headline and byline does not hide them);
5. ``repeated_lines``: short lines found on many pages of the corpus (a corpus step: it
   counts over the whole run first, and does nothing on a run too small to count); after
   the named rules, so that what they can name keeps its precise reason;
6. ``detect_language`` on the page's longest lines, so that the next step knows which
   stopwords to count;
7. ``classify_lines``: the remaining lines scored in context; furniture goes;
8. ``join_lines``: sentences the page split over lines made whole. After the
   classifier, whose model was trained on lines as dumps split them: measured before it
   (text mode), dragnet-dev gains 0.007 F but traf-dev loses 0.013 precision until the
   model is retrained on joined lines; after it, F is unchanged on both and paragraph
   integrity higher (0.952 and 0.998 against 0.939 and 0.996);
9. ``isolated_lines``: a lone number (a comment count) with nothing left around it;
10. ``collapse_blank_lines``: one blank line between paragraphs;
11. ``drop_empty``: a page with nothing left goes to rejects.

Duplicate removal (``remove_duplicates``: ``exact_duplicates`` after ``drop_empty``, so
that it compares the text as written, after everything that can differ between two
copies of an article is gone, and empty pages keep their own reason) is added to this
pipeline by every run (``PipelineOptions.dedup``: ``exact`` by default, ``off`` keeps
copies), not written in it: the recipe stays the cleaning of one page. It costs no pass:
copies are dropped where records are written (``pipeline.OrderedStep``, ``run/sink.py``).

The steps and their parameters are written in the shipped recipe
``corpuskit/data/recipes/default.toml`` (``corpuskit recipe show default``), which
``default_pipeline`` loads; tests/recipes/test_recipes.py checks that it builds the pipeline of
the step classes' own defaults.

``preparation_steps`` are steps 1-6: the line model is trained on pages as they leave
them (bench/train_line_model.py), so they belong together.
"""

from __future__ import annotations

from corpuskit.pipeline import Pipeline, Step
from corpuskit.recipes.loader import load_recipe
from corpuskit.steps.normalize import PunctuationPolicy, punctuation_step


def preparation_steps(punctuation: PunctuationPolicy | None = None) -> list[Step]:
    """The steps before ``classify_lines``: normalize, named junk, metadata, language."""
    pipeline = default_pipeline(punctuation)
    return list(pipeline.steps[: pipeline.names.index("classify_lines")])


def default_pipeline(punctuation: PunctuationPolicy | None = None) -> Pipeline:
    """The pipeline ``corpuskit clean`` runs unless told otherwise: the shipped recipe
    ``default`` (``corpuskit/data/recipes/default.toml``), with ``punctuation`` as the
    ``normalize_punctuation`` policy if given."""
    pipeline = load_recipe("default").pipeline
    if punctuation is None:
        return pipeline
    return pipeline.replace("normalize_punctuation", punctuation_step(punctuation))
