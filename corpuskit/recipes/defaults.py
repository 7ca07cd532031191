"""The default pipeline for scraped pages, and the order its steps run in.

1. normalizers: repair encoding (ftfy), control characters, NFC, whitespace, punctuation
   policy; none of them adds or removes a line, so line numbers stay meaningful;
2. ``junk_lines``: ads, chrome, widgets, counters, link blocks, by named rules;
3. ``lift_metadata``: headline, byline, dates into fields (after junk, so "Logo" or an
   ad label between headline and byline does not hide them);
4. ``repeated_lines``: short lines found on many pages of the corpus (a corpus step: it
   counts over the whole run first, and does nothing on a run too small to count); after
   the named rules, so that what they can name keeps its precise reason;
5. ``detect_language`` on the page's longest lines, so that the next step knows which
   stopwords to count;
6. ``classify_lines``: the remaining lines scored in context; furniture goes;
7. ``isolated_lines``: a lone number (a comment count) with nothing left around it;
8. ``collapse_blank_lines``: one blank line between paragraphs;
9. ``drop_empty``: a page with nothing left goes to rejects.

Duplicate removal (``remove_duplicates``: ``exact_duplicates`` after ``drop_empty``, so
that it compares the text as written, after everything that can differ between two
copies of an article is gone, and empty pages keep their own reason) is not in the
default pipeline yet: as a corpus step it spools the cleaned pages once more, which on
the 696 traf-dev pages, one process, costs about 30% of the run (100 pages/s of CPU
time instead of 143, ``clean_files`` alternated with and without it).
``corpuskit clean --dedup exact`` turns it on;
dropping copies in the writing loop instead of a pass would make it cheap enough to be
the default.

The steps and their parameters are written in the shipped recipe
``corpuskit/data/recipes/default.toml`` (``corpuskit recipe show default``), which
``default_pipeline`` loads; tests/recipes/test_recipes.py checks that it builds the pipeline of
the step classes' own defaults.

``preparation_steps`` are steps 1-5: the line model is trained on pages as they leave
them (bench/train_line_model.py), so they belong together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from corpuskit.pipeline import Pipeline, Step
from corpuskit.recipes.loader import load_recipe
from corpuskit.steps.duplicates import ExactDuplicates
from corpuskit.steps.language import MIN_LANG_SCORE, DetectLanguage, SelectLanguage
from corpuskit.steps.near_duplicates import NearDuplicates
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


def remove_duplicates(pipeline: Pipeline) -> Pipeline:
    """``pipeline`` rejecting a page whose cleaned text an earlier page has
    (``exact_duplicates``, at the end), unless it does already."""
    if "exact_duplicates" in pipeline.names:
        return pipeline
    return pipeline.then(ExactDuplicates())


#: Languages ``detect_language`` keeps in ``meta["lang_scores"]`` when pages are selected
#: by language: a page in more than three languages is rare, and past the third the
#: probabilities are sevenths that change nothing.
LANG_SCORES_TOP = 3


def select_languages(
    pipeline: Pipeline, languages: Sequence[str], min_score: float = MIN_LANG_SCORE
) -> Pipeline:
    """``pipeline`` keeping only pages in ``languages`` (ISO 639-1 codes, or ``und``).

    ``detect_language`` also records the top languages (``meta["lang_scores"]``) and
    ``select_language`` runs right after it, before the costly steps: see
    ``SelectLanguage`` for the rule on pages in several languages and on ``und``. A
    pipeline that has ``select_language`` already (from a recipe) has it replaced.
    """
    codes = tuple(dict.fromkeys(code.strip().lower() for code in languages if code.strip()))
    if not codes:
        raise ValueError("select_languages needs at least one language code")
    names = pipeline.names
    detect = pipeline.steps[names.index("detect_language")] if "detect_language" in names else None
    if not isinstance(detect, DetectLanguage):
        raise ValueError("select_languages needs the pipeline's detect_language step")
    detect = replace(detect, top=max(detect.top, LANG_SCORES_TOP))
    pipeline = pipeline.replace("detect_language", detect)
    select = SelectLanguage(codes, min_score)
    if "select_language" in names:  # a recipe's own: these languages replace its
        return pipeline.replace("select_language", select)
    return pipeline.after("detect_language", select)


def remove_near_duplicates(pipeline: Pipeline, step: NearDuplicates | None = None) -> Pipeline:
    """``pipeline`` with ``near_duplicates`` (``step``, else the default one) after
    ``exact_duplicates`` (added if missing): copies that are the same go as ``duplicate``
    first, at less cost, and those that differ a little as ``near_duplicate``.

    A pipeline that has ``near_duplicates`` already (from a recipe) keeps it, or has it
    replaced by ``step`` if one is given.
    """
    pipeline = remove_duplicates(pipeline)
    if "near_duplicates" in pipeline.names:
        return pipeline if step is None else pipeline.replace("near_duplicates", step)
    return pipeline.after("exact_duplicates", step or NearDuplicates())
