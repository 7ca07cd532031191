"""The ``corpuskit`` command: a thin layer over the library.

Options become a pipeline and library calls; a ``CorpuskitError`` becomes one line on
stderr and an exit code. Exit codes: 0 every page was written, 1 the run finished but
some pages were rejected (see the rejects file), or ``--strict`` stopped it at the
first reject (nothing written), 2 a usage or input error stopped it, 130 it was
interrupted (Ctrl-C; its partial output is kept: ``--resume`` continues it).
"""

from __future__ import annotations

import contextlib
import functools
import sys
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, ParamSpec

import typer
from rich.console import Console

from corpuskit.api import clean_files
from corpuskit.cli.logs import (
    InputProgress,
    log,
    log_option_sources,
    logging_to_stderr,
    source_of,
)
from corpuskit.cli.progress import ProgressBar, count_inputs
from corpuskit.cli.recipes import (
    RecipeOption,
    loaded_recipe,
    recipe_app,
    recipe_pipeline,
    steps_command,
)
from corpuskit.document import Drop, InputEnd
from corpuskit.errors import CorpuskitError, InputError
from corpuskit.explain import Explanation, explain
from corpuskit.html import EXTRACTORS, PARSERS
from corpuskit.html.extractors import DEFAULT_EXTRACTOR
from corpuskit.pipeline import Pipeline
from corpuskit.readers import FORMATS, read
from corpuskit.readers.limits import Limits, MiB
from corpuskit.recipes.defaults import (
    remove_duplicates,
    remove_near_duplicates,
    select_languages,
)
from corpuskit.recipes.options import DEDUP_MODES, RUN_OPTIONS
from corpuskit.reporting import notes, summary_table, write_report
from corpuskit.run.checkpoint import partial_folder
from corpuskit.run.local import TIME_LIMIT
from corpuskit.run.passes import fit_corpus_steps
from corpuskit.run.pool import cpu_count
from corpuskit.run.report import RunReport
from corpuskit.steps.language import MIN_LANG_SCORE
from corpuskit.steps.near_duplicates import (
    PERMUTATIONS,
    SHINGLE_SIZE,
    THRESHOLD,
    NearDuplicates,
)
from corpuskit.steps.normalize import PunctuationPolicy, punctuation_step
from corpuskit.steps.quality import with_quality
from corpuskit.version import __version__
from corpuskit.writers import SHARD_SIZE, Shards

P = ParamSpec("P")

app = typer.Typer(
    help="Turn scraped web pages into a clean JSONL corpus with provenance.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format", "-f", help=f"Input format, one of {', '.join(FORMATS)}; default: detect."
    ),
]
TextFieldOption = Annotated[
    str, typer.Option("--text-field", help="JSONL field that holds the page text.")
]
HtmlParserOption = Annotated[
    str,
    typer.Option(
        "--html-parser",
        help=f"HTML parser, one of {', '.join(PARSERS)} (lxml: about twice as fast).",
    ),
]
ExtractorOption = Annotated[
    str,
    typer.Option(
        "--extractor",
        help=f"What makes an HTML page's text, one of {', '.join(EXTRACTORS)} "
        "(trafilatura: pip install 'corpuskit\\[trafilatura]').",
    ),
]


def translate_errors(command: Callable[P, None]) -> Callable[P, None]:
    """Turn a ``CorpuskitError`` from the library into one line on stderr and its exit code."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except CorpuskitError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(error.exit_code) from None

    return run


def logged(command: Callable[P, None]) -> Callable[P, None]:
    """Log to stderr while ``command`` runs, at the level its ``--verbose`` (count) and
    ``--quiet`` options ask for (see ``cli_logging``)."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        count, quiet = kwargs.get("verbose"), bool(kwargs.get("quiet"))
        verbose = count if isinstance(count, int) else 0
        if verbose and quiet:
            raise InputError("--quiet or --verbose, not both")
        with logging_to_stderr(verbose, quiet):
            command(*args, **kwargs)

    return run


def _version(value: bool) -> None:
    if value:
        typer.echo(f"corpuskit {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Turn scraped web pages into a clean JSONL corpus with provenance."""


def beside(output: str, suffix: str) -> str | None:
    """A file named after the corpus ``output``, beside it: ``corpus.jsonl.gz`` ->
    ``corpus<suffix>``; None for stdout; beside a folder of shards, not in it (the
    folder holds only shards, to be read back).

    >>> beside("out/corpus.jsonl.gz", ".report.html"), beside("-", ".x"), beside("sh/", ".x")
    ('out/corpus.report.html', None, 'sh.x')
    """
    if output == "-":
        return None
    if is_folder(output):
        return f"{output.rstrip('/')}{suffix}"
    path = Path(output)
    stem = path.name.split(".")[0] or "corpus"
    return str(path.with_name(f"{stem}{suffix}"))


def default_rejects(output: str) -> str | None:
    """``corpus.jsonl`` -> ``corpus.rejects.jsonl`` beside it (see ``beside``).

    >>> default_rejects("out/corpus.jsonl.gz"), default_rejects("-"), default_rejects("sh/")
    ('out/corpus.rejects.jsonl', None, 'sh.rejects.jsonl')
    """
    return beside(output, ".rejects.jsonl")


def default_manifest(output: str) -> str | None:
    """``corpus.jsonl`` -> ``corpus.manifest.json`` beside it (see ``beside``): where
    ``clean`` writes the manifest of a folder of shards, and ``report`` looks for one."""
    return beside(output, ".manifest.json")


def _existing(path: str | None) -> str | None:
    return path if path is not None and Path(path).is_file() else None


def _punctuation(pipeline: Pipeline, **policy: str | None) -> Pipeline:
    """``pipeline`` with the punctuation options that were given (not None) replacing
    those of its ``normalize_punctuation`` step (the recipe's, or the default ``keep``)."""
    given = {name: value for name, value in policy.items() if value is not None}
    if not given:
        return pipeline
    if "normalize_punctuation" not in pipeline.names:
        raise InputError(f"--{next(iter(given))}: the recipe has no normalize_punctuation step")
    step = pipeline.steps[pipeline.names.index("normalize_punctuation")]
    try:
        merged = replace(PunctuationPolicy(**getattr(step, "config", {})), **given)  # type: ignore[arg-type]
    except ValueError as error:
        raise CorpuskitError(str(error)) from None
    return pipeline.replace("normalize_punctuation", punctuation_step(merged))


def _recipe_pipeline(ctx: typer.Context, **punctuation: str | None) -> Pipeline:
    """The pipeline of ``--recipe`` (else the default one) under the punctuation options;
    logs where it and each run option came from."""
    recipe = loaded_recipe(ctx)
    log.info("recipe: %s", recipe.source if recipe else "default (built in)")
    log_option_sources(ctx, [*(option.name for option in RUN_OPTIONS), *punctuation])
    return _punctuation(recipe_pipeline(ctx), **punctuation)


def _given(ctx: typer.Context, *names: str) -> bool:
    """Whether any of the options ``names`` was set (by flag, environment or recipe)."""
    return any(source_of(ctx, name) != "default" for name in names)


def _on_progress(
    *callbacks: Callable[[RunReport, InputEnd | None], None] | None,
) -> Callable[[RunReport, InputEnd | None], None] | None:
    """One ``on_progress`` calling each of ``callbacks`` that is set (None if none is)."""
    chosen = [callback for callback in callbacks if callback is not None]
    if not chosen:
        return None

    def each(report: RunReport, end: InputEnd | None) -> None:
        for callback in chosen:
            callback(report, end)

    return each


def _filters(
    pipeline: Pipeline,
    dedup: str,
    lang: str | None,
    min_lang_score: float,
    quality: str,
    quality_step: list[str],
    near: NearOptions | None,
) -> Pipeline:
    """The corpus filters the options ask for, on top of ``pipeline``; ``near`` None:
    no ``--near-*`` option was set (a recipe's own ``near_duplicates`` stays as it is)."""
    if dedup not in DEDUP_MODES:
        raise InputError(f"--dedup: {', '.join(DEDUP_MODES)}, not {dedup}")
    if dedup == "exact":
        pipeline = remove_duplicates(pipeline)
    if dedup == "near":
        pipeline = remove_near_duplicates(pipeline, _near_step(near))
    if lang is not None:
        try:
            pipeline = select_languages(pipeline, lang.split(","), min_lang_score)
        except ValueError as error:
            raise InputError(f"--lang: {error}") from None
    modes = dict(item.partition("=")[::2] for item in quality_step)
    try:
        return with_quality(pipeline, quality, **modes)
    except ValueError as error:
        raise InputError(f"--quality: {error}") from None


def _near_step(near: NearOptions | None) -> NearDuplicates | None:
    if near is None:
        return None
    try:
        return NearDuplicates(near.threshold, near.shingle_size, near.permutations)
    except ValueError as error:
        raise InputError(str(error)) from None


#: ``--dedup`` choices.


@dataclass(frozen=True)
class NearOptions:
    """``--near-threshold``, ``--shingle-size``, ``--permutations``."""

    threshold: float = THRESHOLD
    shingle_size: int = SHINGLE_SIZE
    permutations: int = PERMUTATIONS


def is_folder(output: str) -> bool:
    """Whether ``-o`` names a folder of shards: it ends with ``/`` or is a folder."""
    return output.endswith("/") or Path(output).is_dir()


#: ``--shard-compression`` -> the shards' file name suffix.
SHARD_SUFFIXES = {"zst": ".jsonl.zst", "gz": ".jsonl.gz", "none": ".jsonl"}


def _print_reject(drop: Drop) -> None:
    typer.echo(
        f"rejected {drop.source.location()}: {drop.step}: {drop.reason} {drop.detail}".rstrip(),
        err=True,
    )


#: Every option of ``clean`` can also be set as ``CORPUSKIT_<OPTION>`` in the environment.
ENV_PREFIX = "CORPUSKIT"


@app.command(context_settings={"auto_envvar_prefix": ENV_PREFIX})
@translate_errors
@logged
def clean(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(help="Files, folders, globs, or - for stdin.")],
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="Corpus JSONL (.gz/.zst ok); - for stdout; a folder (out/) for shards.",
        ),
    ],
    rejects: Annotated[
        str | None,
        typer.Option(help="Rejects JSONL; default: NAME.rejects.jsonl beside the output."),
    ] = None,
    format: FormatOption = None,
    text_field: TextFieldOption = "text",
    html_parser: HtmlParserOption = "bs4",
    extractor: ExtractorOption = DEFAULT_EXTRACTOR,
    audit: Annotated[
        bool, typer.Option(help="Also record each removed line and its rule.")
    ] = False,
    manifest: Annotated[str | None, typer.Option(help="Write a run manifest (JSON) here.")] = None,
    recipe: RecipeOption = None,
    quotes: Annotated[
        str | None, typer.Option(help="Quotes: keep or ascii; default: the recipe's (keep).")
    ] = None,
    dashes: Annotated[
        str | None, typer.Option(help="Dashes: keep or ascii; default: the recipe's (keep).")
    ] = None,
    double_hyphen: Annotated[
        str | None, typer.Option(help="Double hyphen: keep or em_dash; default: the recipe's.")
    ] = None,
    ellipsis: Annotated[
        str | None, typer.Option(help="Ellipses: keep, char or dots; default: the recipe's.")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No summary on stderr; errors only.")
    ] = False,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            help="Log decisions, options' sources and each input's progress on stderr (-vv: more).",
        ),
    ] = 0,
    max_file_mb: Annotated[
        int, typer.Option(help="Largest text/HTML file, decompressed (MiB).")
    ] = Limits().max_file_bytes // MiB,
    max_line_mb: Annotated[
        int, typer.Option(help="Largest JSONL record (MiB).")
    ] = Limits().max_line_bytes // MiB,
    time_limit: Annotated[
        float, typer.Option(help="Seconds one document may take; 0: no limit.")
    ] = TIME_LIMIT,
    strict: Annotated[bool, typer.Option(help="Stop at the first reject; write nothing.")] = False,
    resume: Annotated[
        bool,
        typer.Option(help="Continue an interrupted run of this command, if there is one."),
    ] = False,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes; default: every core. Same output.")
    ] = cpu_count(),
    shard_size: Annotated[
        int, typer.Option(min=1, help="Records per shard, when -o names a folder.")
    ] = SHARD_SIZE,
    shard_compression: Annotated[str, typer.Option(help="Shards: zst, gz or none.")] = "zst",
    executor: Annotated[
        str, typer.Option(help="local (this machine) or ray (pip install 'corpuskit\\[ray]').")
    ] = "local",
    address: Annotated[
        str | None, typer.Option(help="With --executor ray: the cluster (default: a local Ray).")
    ] = None,
    dedup: Annotated[
        str,
        typer.Option(
            help="exact: reject a page whose text an earlier page has; near: also pages "
            "nearly the same (MinHash); off: add none (a recipe's own duplicate steps "
            "stay)."
        ),
    ] = "off",
    near_threshold: Annotated[
        float, typer.Option(help="With --dedup near: least estimated Jaccard similarity.")
    ] = THRESHOLD,
    shingle_size: Annotated[
        int, typer.Option(help="With --dedup near: words in a shingle.")
    ] = SHINGLE_SIZE,
    permutations: Annotated[
        int, typer.Option(help="With --dedup near: hash functions in a MinHash signature.")
    ] = PERMUTATIONS,
    lang: Annotated[
        str | None,
        typer.Option(help="Keep only pages in these languages: en,de (ISO 639-1; und too)."),
    ] = None,
    min_lang_score: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="With --lang: least probability of those languages."),
    ] = MIN_LANG_SCORE,
    quality: Annotated[
        str,
        typer.Option(help="Quality filters: off, annotate (scores in meta.quality) or drop."),
    ] = "off",
    quality_step: Annotated[
        list[str] | None,
        typer.Option(help="One filter's mode, e.g. repetition=off (repeatable)."),
    ] = None,
) -> None:
    """Clean pages into a JSONL corpus; rejected pages go to a rejects file with a reason.

    The pipeline is the default one, or the steps of --recipe. Each option is taken from,
    first to last: its flag, the environment variable CORPUSKIT_<OPTION> (CORPUSKIT_WORKERS=1,
    CORPUSKIT_DEDUP=near), the recipe's options table, the built-in default.

    Example: corpuskit clean pages/ -o corpus.jsonl --rejects rejects.jsonl
    """
    pipeline = _recipe_pipeline(
        ctx, quotes=quotes, dashes=dashes, double_hyphen=double_hyphen, ellipsis=ellipsis
    )
    given = _given(ctx, "near_threshold", "shingle_size", "permutations")
    near = NearOptions(near_threshold, shingle_size, permutations) if given else None
    pipeline = _filters(pipeline, dedup, lang, min_lang_score, quality, quality_step or [], near)
    log.info("pipeline (config %s): %s", pipeline.config_hash(), ", ".join(pipeline.names))
    rejects = rejects or default_rejects(output)
    target: str | Shards = output
    if is_folder(output):
        if shard_compression not in SHARD_SUFFIXES:
            raise InputError(f"--shard-compression: zst, gz or none, not {shard_compression}")
        target = Shards(output.rstrip("/"), shard_size, SHARD_SUFFIXES[shard_compression])
        manifest = manifest or default_manifest(output)
    bar = ProgressBar(count_inputs(paths)) if not quiet and sys.stderr.isatty() else None
    try:
        with bar or contextlib.nullcontext():
            report = clean_files(
                paths,
                target,
                pipeline=pipeline,
                rejects=rejects,
                manifest=manifest,
                format=format,
                text_field=text_field,
                audit=audit,
                on_reject=None if rejects else _print_reject,
                limits=Limits(max_file_bytes=max_file_mb * MiB, max_line_bytes=max_line_mb * MiB),
                strict=strict,
                time_limit=time_limit or None,
                resume=resume,
                workers=workers,
                on_progress=_on_progress(bar, InputProgress() if verbose else None),
                executor=executor,
                address=address,
                html_parser=html_parser,
                extractor=extractor,
            )
    except KeyboardInterrupt:
        kept = f"; its partial output is in {partial_folder(output)}" if output != "-" else ""
        typer.echo(f"interrupted{kept}: run it again with --resume to continue", err=True)
        raise typer.Exit(130) from None
    if not quiet:
        typer.echo(report.summary(), err=True)
        if report.rejected and rejects:
            typer.echo(f"rejects written to {rejects}", err=True)
    raise typer.Exit(1 if report.rejected else 0)


@app.command("report")
@translate_errors
def report_command(
    corpus: Annotated[
        str, typer.Argument(help="The corpus: JSONL (.gz/.zst ok), a folder of shards, or -.")
    ],
    rejects: Annotated[
        str | None,
        typer.Option(help="Rejects JSONL; default: NAME.rejects.jsonl beside the corpus, if any."),
    ] = None,
    manifest: Annotated[
        str | None,
        typer.Option(help="Run manifest; default: NAME.manifest.json beside the corpus, if any."),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="HTML file; default: NAME.report.html beside it."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary table.")] = False,
) -> None:
    """Write a self-contained HTML report of a corpus, and print a summary table.

    Plots pages and characters left after each step, drops, languages and page lengths.

    Lists the most often removed lines (corpora cleaned with --audit) and duplicate clusters.

    The page loads nothing (plots are inline SVG). Needs pip install 'corpuskit\\[report]'.

    Example: corpuskit report corpus.jsonl -o report.html
    """
    rejects = rejects or _existing(default_rejects(corpus))
    manifest = manifest or _existing(default_manifest(corpus))
    output = output or beside(corpus, ".report.html") or "report.html"
    stats = write_report(corpus, output, rejects=rejects, manifest=manifest)
    if not quiet:
        Console(soft_wrap=False).print(summary_table(stats))
    for note in notes(stats):
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"report written to {output}", err=True)


@app.command("explain")
@translate_errors
def explain_command(
    ctx: typer.Context,
    page: Annotated[str, typer.Argument(help="A page file (or - for stdin) to explain.")],
    recipe: RecipeOption = None,
    format: FormatOption = None,
    text_field: TextFieldOption = "text",
    html_parser: HtmlParserOption = "bs4",
    extractor: ExtractorOption = DEFAULT_EXTRACTOR,
    color: Annotated[
        bool | None, typer.Option("--color/--no-color", help="Colour; default: when a terminal.")
    ] = None,
    corpus: Annotated[
        list[str] | None,
        typer.Option(help="Count repeated lines over these pages too (files, folders, globs)."),
    ] = None,
) -> None:
    """Show a page line by line: kept, or removed by which step and rule; then its fields.

    Without --corpus, corpus steps (repeated_lines) have nothing to count and keep quiet.

    Example: corpuskit explain fixtures/pages/000_65b90cb01bb8e496.txt --corpus fixtures/pages
    """
    pipeline = recipe_pipeline(ctx)
    read_pages = functools.partial(
        read, format=format, text_field=text_field, html_parser=html_parser, extractor=extractor
    )
    if corpus:
        pipeline = fit_corpus_steps(pipeline, read_pages(corpus))
    use_color = sys.stdout.isatty() if color is None else color
    for item in read_pages([page]):
        if isinstance(item, Drop):
            typer.echo(f"{item.source.location()}: cannot read: {item.reason} {item.detail}")
            continue
        rendered = render_explanation(explain(item, pipeline), item.source.location(), use_color)
        typer.echo(rendered, color=use_color)


def render_explanation(explanation: Explanation, location: str, color: bool) -> str:
    """The text ``corpuskit explain`` prints for one page."""
    width = max((len(f"{v.step}:{v.rule}") for v in explanation.lines if v.rule), default=4)
    out = [_paint(f"== {location}", "bold", color)]
    for verdict in explanation.lines:
        if verdict.kept:
            out.append(f"{'kept':<{width}}  | {verdict.text}")
        else:
            mark = f"{verdict.step}:{verdict.rule}"
            why = _features(verdict.features)
            out.append(_paint(f"{mark:<{width}}  | {verdict.text}{why}", "red", color))
    for name, value in explanation.fields.items():
        out.append(_paint(f"{name}: {value}", "green", color))
    result = explanation.result
    if isinstance(result, Drop):
        out.append(_paint(f"rejected by {result.step}: {result.reason}", "red", color))
    return "\n".join(out)


def _features(features: Mapping[str, float]) -> str:
    """``   [score -1.2; in_main_region -0.8, ...]`` for a classifier's decision."""
    if not features:
        return ""
    return "   [" + ", ".join(f"{name} {value:+.2f}" for name, value in features.items()) + "]"


def _paint(text: str, style: str, color: bool) -> str:
    if not color:
        return text
    if style == "bold":
        return typer.style(text, bold=True)
    return typer.style(text, fg=style)


app.command("steps")(translate_errors(steps_command))
app.add_typer(recipe_app, name="recipe")


def main() -> None:
    """Entry point of the ``corpuskit`` script."""
    # bs4 warns about XHTML parsed as HTML and about markup that looks like a file name;
    # for a batch run over scraped pages these are noise, not something to act on.
    warnings.filterwarnings("ignore", module="bs4")
    app()
