"""One composition: what the run options add to, or change in, a recipe's pipeline.

``compose(pipeline, options)`` is the one function that turns ``--dedup``, ``--lang``,
``--quality`` and the punctuation options (or a recipe's ``[options]``, or a library
call's keywords) into steps, for the command line, ``Recipe.build`` and ``clean_files``
alike: so a recipe means the same thing wherever it runs.

>>> from corpuskit.recipes.defaults import default_pipeline
>>> composed = compose(default_pipeline(), dedup="exact", lang=("en",))
>>> composed.names[-1], "select_language" in composed.names
('exact_duplicates', True)
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from corpuskit.errors import InputError
from corpuskit.options import NOT_IN_RECIPES, Options
from corpuskit.outputs import OutputOptions
from corpuskit.pipeline import Pipeline, Step
from corpuskit.readers.limits import Limits
from corpuskit.readers.options import ReadOptions
from corpuskit.run.executor import EXECUTORS, Executor, make_executor
from corpuskit.run.options import RunOptions
from corpuskit.run.ray import RayExecutor
from corpuskit.steps.classify.step import FAVOR_SHIFTS
from corpuskit.steps.duplicates import ExactDuplicates
from corpuskit.steps.language import (
    MIN_LANG_SCORE,
    DetectLanguage,
    SelectLanguage,
    check_languages,
)
from corpuskit.steps.model_quality import QualityModel
from corpuskit.steps.near_duplicates import NearDuplicates
from corpuskit.steps.normalize import PunctuationPolicy, punctuation_step
from corpuskit.steps.pii import RedactPii
from corpuskit.steps.quality import MODES, with_quality
from corpuskit.steps.urls import FilterUrls

#: ``dedup``: exact (``remove_duplicates``, the default), near
#: (``remove_near_duplicates``) or off (``keep_duplicates``: every copy kept).
DEDUP_MODES = ("exact", "near", "off")

#: Exact copies go by default: a corpus with verbatim copies is never what is wanted,
#: and deciding them where records are written costs under 3% (docs/robustness.md).
DEDUP_DEFAULT = "exact"


@dataclass(frozen=True, slots=True)
class PipelineOptions(Options):
    """What a run adds to its pipeline, or changes in it.

    **Parameters**

    - ``keep_comments``: keep reader comments in the text (leave out ``comment_lines``).
    - ``dedup``: ``exact`` (the default) rejects a page whose cleaned text an earlier
      page has, ``near`` also pages nearly the same (MinHash), ``off`` keeps every copy
      (a recipe's duplicate steps left out too).
    - ``near_threshold``, ``shingle_size``, ``permutations``: the ``near_duplicates``
      step's settings (None: its defaults, or a recipe's own step left as it is).
    - ``lang``: keep only pages in these languages (ISO 639-1 codes, ``und`` too).
    - ``min_lang_score``: with ``lang``, the least probability of those languages.
    - ``quality``: the quality filters, ``off``, ``annotate`` or ``drop``;
      ``quality_step``: one filter's mode apart, ``name=mode`` each.
    - ``favor``: ``classify_lines``' preset, ``balanced`` (the model's own threshold),
      ``precision`` (remove more: ``--precision``) or ``recall`` (keep more:
      ``--recall``); the same as the step's ``favor`` parameter.
    - ``quotes``, ``dashes``, ``double_hyphen``, ``ellipsis``: the punctuation policy's
      settings that replace the pipeline's (None: keep the pipeline's); set by flags,
      not by a recipe's options (its ``normalize_punctuation`` step says them).
    - ``redact_pii``: replace e-mail addresses, phone numbers and IP addresses with
      placeholders (``redact_pii`` at its defaults, before the duplicate steps; a
      recipe's own ``redact_pii`` step, with its settings, is kept).
    - ``url_blocklist``, ``url_allowlist``: list files (domains, URL prefixes,
      patterns: ``steps/urls.py``) for ``filter_urls``, first in the pipeline (a
      recipe's own ``filter_urls`` keeps its other settings).
    - ``quality_model``: a fastText classifier (``.bin``) whose score for the label
      ``hq`` each page gets in ``meta.quality_score`` (``quality_model`` step, before
      ``redact_pii`` and the duplicate steps); ``quality_threshold``: pages that score
      below it are rejected.
    """

    keep_comments: bool = False
    dedup: str = DEDUP_DEFAULT
    near_threshold: float | None = None
    shingle_size: int | None = None
    permutations: int | None = None
    lang: tuple[str, ...] | None = None
    min_lang_score: float = MIN_LANG_SCORE
    quality: str = "off"
    quality_step: tuple[str, ...] = ()
    favor: str = "balanced"
    quotes: str | None = field(default=None, metadata=NOT_IN_RECIPES)
    dashes: str | None = field(default=None, metadata=NOT_IN_RECIPES)
    double_hyphen: str | None = field(default=None, metadata=NOT_IN_RECIPES)
    ellipsis: str | None = field(default=None, metadata=NOT_IN_RECIPES)
    redact_pii: bool = False
    url_blocklist: str | None = None
    url_allowlist: str | None = None
    quality_model: str | None = None
    quality_threshold: float | None = None

    def __post_init__(self) -> None:
        if isinstance(self.lang, str):  # "en,de", as the command line gives it
            object.__setattr__(self, "lang", tuple(self.lang.split(",")))
        elif self.lang is not None:
            object.__setattr__(self, "lang", tuple(self.lang))
        if self.lang is not None:
            try:
                object.__setattr__(self, "lang", check_languages(self.lang))
            except ValueError as error:
                raise InputError(f"lang: {error}") from None
        object.__setattr__(self, "quality_step", tuple(self.quality_step))
        if self.favor not in FAVOR_SHIFTS:
            raise InputError(f"favor: one of {', '.join(FAVOR_SHIFTS)}, not {self.favor!r}")
        if self.dedup not in DEDUP_MODES:
            raise InputError(f"dedup: one of {', '.join(DEDUP_MODES)}, not {self.dedup!r}")
        if self.quality not in MODES:
            raise InputError(f"quality: one of {', '.join(MODES)}, not {self.quality!r}")
        if not 0.0 <= self.min_lang_score <= 1.0:
            raise InputError(f"min_lang_score: between 0 and 1, not {self.min_lang_score}")
        for item in self.quality_step:
            if "=" not in item:
                raise InputError(f"quality_step: name=mode, not {item!r}")
        self._check_near()

    def _check_near(self) -> None:
        """Each ``near_duplicates`` setting checked under its own name (the step's own
        check names its parameters, which are not these options)."""
        if self.near_threshold is not None and not 0 < self.near_threshold <= 1:
            raise InputError(f"near_threshold: in (0, 1], not {self.near_threshold}")
        if self.shingle_size is not None and self.shingle_size < 1:
            raise InputError(f"shingle_size: at least 1 word, not {self.shingle_size}")
        if self.permutations is not None and self.permutations < 2:
            raise InputError(f"permutations: at least 2, not {self.permutations}")

    @property
    def punctuation(self) -> dict[str, str]:
        """The punctuation settings that were given."""
        names = ("quotes", "dashes", "double_hyphen", "ellipsis")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}

    def near_step(self) -> NearDuplicates | None:
        """The ``near_duplicates`` step these settings make; None when none was given."""
        given = {
            name: getattr(self, name)
            for name in ("near_threshold", "shingle_size", "permutations")
            if getattr(self, name) is not None
        }
        if not given:
            return None
        defaults = NearDuplicates()
        try:
            return NearDuplicates(
                given.get("near_threshold", defaults.threshold),
                given.get("shingle_size", defaults.shingle_size),
                given.get("permutations", defaults.permutations),
            )
        except ValueError as error:
            raise InputError(str(error)) from None


def remove_duplicates(pipeline: Pipeline) -> Pipeline:
    """``pipeline`` rejecting a page whose cleaned text an earlier page has
    (``exact_duplicates``, at the end), unless it does already."""
    if "exact_duplicates" in pipeline.names:
        return pipeline
    return pipeline.then(ExactDuplicates())


def keep_duplicates(pipeline: Pipeline) -> Pipeline:
    """``pipeline`` without its duplicate steps (``dedup`` off): every copy is kept.

    >>> from corpuskit.recipes.defaults import default_pipeline
    >>> "exact_duplicates" in keep_duplicates(remove_duplicates(default_pipeline())).names
    False
    """
    for name in ("near_duplicates", "exact_duplicates"):
        if name in pipeline.names:
            pipeline = pipeline.without(name)
    return pipeline


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


def compose(
    pipeline: Pipeline, options: PipelineOptions | None = None, /, **changes: Any
) -> Pipeline:
    """``pipeline`` with what ``options`` (and keyword ``changes``) add or change:
    punctuation policy, comments kept, the classifier's preset, duplicate removal,
    language selection, quality filters, PII redaction."""
    options = PipelineOptions.of(options, **changes)
    pipeline = _punctuation(pipeline, options.punctuation)
    if options.keep_comments and "comment_lines" in pipeline.names:
        pipeline = pipeline.without("comment_lines")
    if options.favor != "balanced":
        pipeline = _favor(pipeline, options.favor)
    if options.dedup == "exact":
        pipeline = remove_duplicates(pipeline)
    elif options.dedup == "near":
        pipeline = remove_near_duplicates(pipeline, options.near_step())
    else:
        pipeline = keep_duplicates(pipeline)
    if options.lang is not None:
        try:
            pipeline = select_languages(pipeline, options.lang, options.min_lang_score)
        except ValueError as error:
            raise InputError(f"lang: {error}") from None
    modes = dict(item.partition("=")[::2] for item in options.quality_step)
    try:
        pipeline = with_quality(pipeline, options.quality, **modes)
    except ValueError as error:
        raise InputError(f"quality: {error}") from None
    if options.quality_model is not None:
        pipeline = score_quality(pipeline, options.quality_model, options.quality_threshold)
    if options.redact_pii:
        pipeline = redact_pii(pipeline)
    if options.url_blocklist is not None or options.url_allowlist is not None:
        pipeline = filter_urls(pipeline, options.url_blocklist, options.url_allowlist)
    return pipeline


def filter_urls(
    pipeline: Pipeline, blocklist: str | None = None, allowlist: str | None = None
) -> Pipeline:
    """``pipeline`` rejecting pages by URL with these lists (``filter_urls``), first:
    a page it rejects costs no other step. A pipeline that has ``filter_urls`` already
    (a recipe's) has the lists given replace its own, its other settings kept.

    >>> from corpuskit.recipes.defaults import default_pipeline
    >>> filter_urls(default_pipeline()).names[0]
    'filter_urls'
    """
    lists = {"blocklist": blocklist, "allowlist": allowlist}
    given = {name: path for name, path in lists.items() if path is not None}
    try:
        if "filter_urls" in pipeline.names:
            step = pipeline.steps[pipeline.names.index("filter_urls")]
            return pipeline.replace("filter_urls", replace(step, **given))  # type: ignore[type-var]
        block, allow = (None if path is None else Path(path) for path in (blocklist, allowlist))
        return Pipeline([FilterUrls(block, allow), *pipeline.steps])
    except ValueError as error:
        raise InputError(f"url_{error}") from None


#: The steps that compare pages' texts: a step that changes the text to be written runs
#: before them, so that two pages that differ only in what it changes are copies.
DUPLICATE_STEPS = ("exact_duplicates", "near_duplicates")


def before_duplicates(pipeline: Pipeline, step: Step) -> Pipeline:
    """``pipeline`` with ``step`` before its first duplicate step, else at the end."""
    for name in pipeline.names:
        if name in DUPLICATE_STEPS:
            return pipeline.before(name, step)
    return pipeline.then(step)


def score_quality(pipeline: Pipeline, model: str, threshold: float | None = None) -> Pipeline:
    """``pipeline`` scoring pages with the fastText ``model`` (``quality_model``), and
    rejecting those below ``threshold`` if given, before the duplicate steps (and before
    ``redact_pii``: the model scores the text it was trained on, placeholders were not in
    it). A recipe's own ``quality_model`` step keeps its label and field."""
    try:
        if "quality_model" in pipeline.names:
            step = pipeline.steps[pipeline.names.index("quality_model")]
            changed = replace(step, model=model, threshold=threshold)  # type: ignore[type-var]
            return pipeline.replace("quality_model", changed)
        return before_duplicates(pipeline, QualityModel(Path(model), threshold=threshold))
    except ValueError as error:
        raise InputError(f"quality_{error}") from None


def redact_pii(pipeline: Pipeline, step: RedactPii | None = None) -> Pipeline:
    """``pipeline`` replacing PII with placeholders (``step``, else ``RedactPii()``):
    last before the duplicate steps, so that the text compared is the text written and
    everything before (the quality filters) judged the page as it was. A pipeline that
    has ``redact_pii`` already (a recipe's) keeps it, or has it replaced by ``step``.

    >>> from corpuskit.recipes.defaults import default_pipeline
    >>> redact_pii(remove_duplicates(default_pipeline())).names[-2:]
    ('redact_pii', 'exact_duplicates')
    """
    if "redact_pii" in pipeline.names:
        return pipeline if step is None else pipeline.replace("redact_pii", step)
    return before_duplicates(pipeline, step or RedactPii())


def _punctuation(pipeline: Pipeline, given: Mapping[str, str]) -> Pipeline:
    """``pipeline`` with the ``given`` punctuation settings replacing those of its
    ``normalize_punctuation`` step (the recipe's, or the default ``keep``)."""
    if not given:
        return pipeline
    if "normalize_punctuation" not in pipeline.names:
        raise InputError(f"{next(iter(given))}: the recipe has no normalize_punctuation step")
    step = pipeline.steps[pipeline.names.index("normalize_punctuation")]
    try:
        merged = PunctuationPolicy(**{**getattr(step, "config", {}), **given})
    except (TypeError, ValueError) as error:
        raise InputError(str(error)) from None
    return pipeline.replace("normalize_punctuation", punctuation_step(merged))


def _favor(pipeline: Pipeline, favor: str) -> Pipeline:
    """``pipeline`` with its ``classify_lines`` step favouring ``favor``."""
    if "classify_lines" not in pipeline.names:
        raise InputError("favor: the recipe has no classify_lines step")
    step = pipeline.steps[pipeline.names.index("classify_lines")]
    try:
        return pipeline.replace("classify_lines", replace(step, favor=favor))  # type: ignore[type-var]
    except (TypeError, ValueError) as error:
        raise InputError(f"favor: {error}") from None


#: Options that do something only beside another: the option, the one it needs and the
#: value that one needs (None: any value).
NEEDS: dict[str, tuple[str, str | None]] = {
    "near_threshold": ("dedup", "near"),
    "shingle_size": ("dedup", "near"),
    "permutations": ("dedup", "near"),
    "min_lang_score": ("lang", None),
    "quality_threshold": ("quality_model", None),
}

#: Options of JSONL records only (see ``jsonl_only``).
JSONL_OPTIONS = ("text_field", "content", "id_field", "url_field")


def unused_options(options: Mapping[str, Any]) -> list[tuple[str, str, str | None]]:
    """The run ``options`` given (a recipe's and the caller's, by name) that do nothing
    in this run, as ``(option, the option it needs, the value it needs)``, to be warned
    about (``NEEDS``; with a ``format`` other than ``jsonl``, ``JSONL_OPTIONS``).

    >>> unused_options({"near_threshold": 0.8, "dedup": "exact", "min_lang_score": 0.9})
    [('near_threshold', 'dedup', 'near'), ('min_lang_score', 'lang', None)]
    >>> unused_options({"text_field": "body", "format": "html"})
    [('text_field', 'format', 'jsonl')]
    >>> unused_options({"near_threshold": 0.8, "dedup": "near", "format": "jsonl"})
    []
    """
    defaults = PipelineOptions()
    unused = []
    for name, (other, value) in NEEDS.items():
        present = options.get(other, getattr(defaults, other))
        if name in options and (present is None if value is None else present != value):
            unused.append((name, other, value))
    if options.get("format") not in (None, "jsonl"):
        unused += [(name, "format", "jsonl") for name in JSONL_OPTIONS if name in options]
    return unused


@dataclass(frozen=True)
class Built:
    """What a recipe's pipeline and a set of run options make together: the pipeline to
    run, how to read its inputs, how to run it, on which executor (None: no executor
    option was given, the caller's default applies), and how to cut shards."""

    pipeline: Pipeline
    read: ReadOptions
    run: RunOptions
    executor: Executor | None
    output: OutputOptions


#: The options classes a flat table of run options is shared out to, by field name.
OPTION_CLASSES = (PipelineOptions, ReadOptions, Limits, RunOptions, OutputOptions)


def build(
    pipeline: Pipeline,
    options: Mapping[str, Any],
    *,
    read: ReadOptions | None = None,
    run: RunOptions | None = None,
    executor: Executor | None = None,
) -> Built:
    """``pipeline`` and the run ``options`` (a recipe's ``[options]`` table, the command
    line's, a library call's keywords: names as in ``corpuskit recipe show``) made into
    objects; each option goes to the class that has a field of its name (on top of
    ``read`` and ``run`` when given), ``executor``, ``workers`` and ``address`` to
    ``make_executor``. The one place the command line, ``Recipe.build`` and
    ``clean_files`` go through, so a recipe means the same thing in all of them."""
    groups: dict[Any, dict[str, Any]] = {kind: {} for kind in (*OPTION_CLASSES, make_executor)}
    for name, value in options.items():
        groups[option_owner(name)][name] = value
    read = ReadOptions.of(read, **groups[ReadOptions])
    if groups[Limits]:
        read = replace(read, limits=replace(read.limits, **groups[Limits]))
    if executor is not None and groups[make_executor]:
        given = ", ".join(groups[make_executor])
        raise InputError(f"executor: an executor object or its options ({given}), not both")
    if executor is None and groups[make_executor]:
        _check_executor(groups[make_executor].get("executor", "local"))
        executor = make_executor(**groups[make_executor])
    running = RunOptions.of(run, **groups[RunOptions])
    # One knob bounds a document's time: reading it (the readers see it in their limits)
    # and cleaning it.
    read = replace(read, limits=replace(read.limits, time_limit=running.time_limit))
    if read.limit is not None and isinstance(executor, RayExecutor):
        raise InputError("limit: a trial run reads on this machine (the local executor)")
    return Built(
        compose(pipeline, PipelineOptions(**groups[PipelineOptions])),
        read,
        running,
        executor,
        OutputOptions(**groups[OutputOptions]),
    )


def _check_executor(name: object) -> None:
    """Raise ``InputError`` naming the option ``executor`` unless ``name`` is one."""
    if name not in EXECUTORS:
        raise InputError(f"executor: one of {', '.join(EXECUTORS)}, not {name!r}")


def option_owner(name: str) -> Any:
    """The options class (or ``make_executor``) that takes the option ``name``; a field
    marked ``option: False`` is set from another (``Limits.time_limit``, the run's)."""
    for kind in OPTION_CLASSES:
        names = {f.name for f in fields(kind) if f.metadata.get("option", True)}
        if name in names and name != "limits":
            return kind
    if name in inspect.signature(make_executor).parameters:
        return make_executor
    raise InputError(f"unknown run option {name!r}")
