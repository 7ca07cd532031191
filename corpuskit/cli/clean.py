"""``corpuskit clean``: the options become objects, then one library call.

Each run option's flag has the name of the option (``--dedup`` sets ``dedup``); those a
user gave (by flag or ``CORPUSKIT_*`` environment variable) override the recipe's
``[options]`` in ``Recipe.build``, the composition ``clean_files(recipe=...)`` uses, so
the command and the library write the same corpus.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from typing import Annotated

import typer

from corpuskit.api import clean_files
from corpuskit.cli.app import app, logged, translate_errors
from corpuskit.cli.interrupts import interrupts_kept
from corpuskit.cli.logs import InputProgress, say
from corpuskit.cli.options import (
    ENV_PREFIX,
    ContentOption,
    ExtractorOption,
    FormatOption,
    HtmlParserOption,
    IdFieldOption,
    MaxFileOption,
    MaxLineOption,
    QuietOption,
    RecipeOption,
    TextFieldOption,
    UrlFieldOption,
    VerboseOption,
    given_options,
    source_of,
)
from corpuskit.cli.progress import ProgressBar, each
from corpuskit.cli.recipes import chosen_recipe
from corpuskit.cli.unused import unused_warnings
from corpuskit.document import Drop
from corpuskit.html.extractors import DEFAULT_EXTRACTOR
from corpuskit.html.parsers import DEFAULT_PARSER
from corpuskit.outputs import Outputs
from corpuskit.readers.limits import DEFAULT_LIMITS, MiB
from corpuskit.recipes.compose import DEDUP_DEFAULT
from corpuskit.run.executor import make_executor
from corpuskit.run.options import TIME_LIMIT
from corpuskit.steps.language import MIN_LANG_SCORE
from corpuskit.writers import SHARD_SIZE

log = logging.getLogger("corpuskit")

#: The parameters of ``clean`` that are run options (``recipes/options.py``), by the
#: name of the option or of its conversion (``cli/options.py``).
RUN_FLAGS = (
    "format", "text_field", "content", "id_field", "url_field", "html_parser", "extractor",
    "follow_links", "allow_missing", "limit", "max_file_mb", "max_line_mb", "audit", "strict",
    "time_limit", "workers", "executor", "address", "shard_size", "shard_compression",
    "shard_format", "keep_comments", "favor", "dedup", "near_threshold", "shingle_size",
    "permutations", "lang", "min_lang_score", "quality", "quality_step", "quotes", "dashes",
    "double_hyphen", "ellipsis", "redact_pii", "url_blocklist", "url_allowlist",
    "quality_model", "quality_threshold",
)  # fmt: skip

Flag = typer.Option  # the shorter name keeps the long signature readable


@app.command(context_settings={"auto_envvar_prefix": ENV_PREFIX})
@translate_errors
@logged
def clean(
    ctx: typer.Context,
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files, folders, globs, URLs (s3://, gs://, hf://, https://), or - for stdin."
        ),
    ],
    output: Annotated[
        str,
        Flag(
            "--output",
            "-o",
            help="Corpus JSONL (.gz/.zst ok) or .parquet; - for stdout; a folder (out/) "
            "for shards; or a URL.",
        ),
    ],
    rejects: Annotated[
        str | None, Flag(help="Rejects JSONL; default: NAME.rejects.jsonl beside the output.")
    ] = None,
    manifest: Annotated[str | None, Flag(help="Write a run manifest (JSON) here.")] = None,
    recipe: RecipeOption = None,
    resume: Annotated[
        bool, Flag(help="Continue an interrupted run of this command, if there is one.")
    ] = False,
    fail_on_reject: Annotated[
        bool, Flag(help="Exit with 1 when any page was rejected (default: 0).")
    ] = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = 0,
    format: FormatOption = None,
    text_field: TextFieldOption = "text",
    content: ContentOption = "auto",
    id_field: IdFieldOption = "id",
    url_field: UrlFieldOption = "url",
    html_parser: HtmlParserOption = DEFAULT_PARSER,
    extractor: ExtractorOption = DEFAULT_EXTRACTOR,
    follow_links: Annotated[
        bool, Flag(help="Follow symbolic links out of input folders (default: stay inside).")
    ] = False,
    allow_missing: Annotated[
        bool, Flag(help="A missing input or a pattern matching nothing is a reject, not an error.")
    ] = False,
    limit: Annotated[
        int | None,
        Flag(min=1, help="Trial run: read only the first N pages (in input order), then stop."),
    ] = None,
    max_file_mb: MaxFileOption = DEFAULT_LIMITS.max_file_bytes // MiB,
    max_line_mb: MaxLineOption = DEFAULT_LIMITS.max_line_bytes // MiB,
    audit: Annotated[bool, Flag(help="Also record each removed line and its rule.")] = False,
    strict: Annotated[bool, Flag(help="Stop at the first reject; write nothing.")] = False,
    time_limit: Annotated[
        float, Flag(min=0.0, help="Seconds one document may take; 0: no limit.")
    ] = TIME_LIMIT,
    workers: Annotated[
        int | None, Flag(min=1, help="Worker processes; default: every core. Same output.")
    ] = None,
    executor: Annotated[
        str, Flag(help="local (this machine) or ray (pip install 'corpuskit\\[ray]').")
    ] = "local",
    address: Annotated[
        str | None, Flag(help="With --executor ray: the cluster (default: a local Ray).")
    ] = None,
    shard_size: Annotated[
        int, Flag(min=1, help="Records per shard, when -o names a folder.")
    ] = SHARD_SIZE,
    shard_compression: Annotated[str, Flag(help="JSONL shards: zst, gz or none.")] = "zst",
    shard_format: Annotated[
        str, Flag(help="Shards: jsonl or parquet (pip install 'corpuskit\\[parquet]').")
    ] = "jsonl",
    keep_comments: Annotated[
        bool, Flag(help="Keep reader comments in the text (default: comment_lines removes them).")
    ] = False,
    favor: Annotated[
        bool | None,
        Flag(
            "--precision/--recall",
            help="The line classifier's preset: remove more furniture (and some text), or "
            "keep more text (and some furniture); default: balanced.",
            show_default=False,
        ),
    ] = None,
    dedup: Annotated[
        str,
        Flag(
            help="exact (default): reject a page whose text an earlier page has; near: also "
            "pages nearly the same (MinHash); off: keep every copy."
        ),
    ] = DEDUP_DEFAULT,
    near_threshold: Annotated[
        float | None, Flag(help="With --dedup near: least estimated Jaccard similarity (0.7).")
    ] = None,
    shingle_size: Annotated[
        int | None, Flag(help="With --dedup near: words in a shingle (5).")
    ] = None,
    permutations: Annotated[
        int | None, Flag(help="With --dedup near: hash functions in a MinHash signature (128).")
    ] = None,
    lang: Annotated[
        str | None, Flag(help="Keep only pages in these languages: en,de (ISO 639-1; und too).")
    ] = None,
    min_lang_score: Annotated[
        float, Flag(min=0.0, max=1.0, help="With --lang: least probability of those languages.")
    ] = MIN_LANG_SCORE,
    quality: Annotated[
        str, Flag(help="Quality filters: off, annotate (scores in meta.quality) or drop.")
    ] = "off",
    quality_step: Annotated[
        list[str] | None, Flag(help="One filter's mode, e.g. repetition=off (repeatable).")
    ] = None,
    quotes: Annotated[
        str | None, Flag(help="Quotes: keep or ascii; default: the recipe's (keep).")
    ] = None,
    dashes: Annotated[
        str | None, Flag(help="Dashes: keep or ascii; default: the recipe's (keep).")
    ] = None,
    double_hyphen: Annotated[
        str | None, Flag(help="Double hyphen: keep or em_dash; default: the recipe's.")
    ] = None,
    ellipsis: Annotated[
        str | None, Flag(help="Ellipses: keep, char or dots; default: the recipe's.")
    ] = None,
    redact_pii: Annotated[
        bool,
        Flag(
            help="Replace e-mail addresses, phone numbers and IP addresses with <EMAIL>, "
            "<PHONE>, <IP_ADDRESS> (pip install 'corpuskit\\[pii]')."
        ),
    ] = False,
    url_blocklist: Annotated[
        str | None,
        Flag(help="Reject pages whose URL is in this list (domains, URL prefixes, regex:)."),
    ] = None,
    url_allowlist: Annotated[
        str | None, Flag(help="Keep only pages whose URL is in this list (same format).")
    ] = None,
    quality_model: Annotated[
        str | None,
        Flag(
            help="Score pages with this fastText model (.bin; label hq) into "
            "meta.quality_score (pip install 'corpuskit\\[quality-model]')."
        ),
    ] = None,
    quality_threshold: Annotated[
        float | None,
        Flag(min=0.0, max=1.0, help="With --quality-model: reject pages scoring below this."),
    ] = None,
) -> None:
    """Clean pages into a JSONL corpus; rejected pages go to a rejects file with a reason.

    The pipeline is the default one, or the steps of --recipe. Each option is taken from,
    first to last: its flag, the environment variable CORPUSKIT_<OPTION> (CORPUSKIT_WORKERS=1,
    CORPUSKIT_DEDUP=near), the recipe's options table, the built-in default.

    Example: corpuskit clean pages/ -o corpus.jsonl --rejects rejects.jsonl
    """
    chosen = chosen_recipe(ctx)
    for name in RUN_FLAGS:
        where = source_of(ctx, name, chosen.options)
        if where != "default":
            value = ctx.params.get(name)
            if where == "recipe":  # as the recipe wrote it (favor's flag is a bool)
                value = chosen.options.get(name, value)
            log.info("option %s = %r (from the %s)", name, value, where)
    given = given_options(ctx, RUN_FLAGS)
    built = chosen.build(**given)
    log.info(
        "pipeline (config %s): %s", built.pipeline.config_hash(), ", ".join(built.pipeline.names)
    )
    outputs = Outputs.plan(output, rejects=rejects, manifest=manifest, options=built.output)
    options = {**chosen.options, **given}
    if not quiet:
        for line in unused_warnings(ctx, paths, options, chosen.options, built.read, outputs):
            say(f"warning: {line}")
    bar = ProgressBar() if not quiet and sys.stderr.isatty() else None
    try:
        with interrupts_kept(), bar or contextlib.nullcontext():
            report = clean_files(
                paths,
                outputs,
                pipeline=built.pipeline,
                read=built.read,
                run=built.run,
                dedup=options.get("dedup", DEDUP_DEFAULT),  # composed again: the same steps
                executor=built.executor or make_executor(),  # as many workers as useful
                resume=resume,
                on_reject=None if outputs.rejects else _print_reject,
                on_progress=each(bar, InputProgress() if verbose else None),
            )
    except KeyboardInterrupt:
        kept = f"; its partial output is in {outputs.partial}" if outputs.partial else ""
        say(f"interrupted{kept}: run it again with --resume to continue")
        raise typer.Exit(130) from None
    if not quiet:
        say(report.summary())
        if built.read.limit is not None and report.read >= built.read.limit:
            say(f"trial run: stopped after the first {built.read.limit:,} pages (--limit)")
        if report.rejected and outputs.rejects:
            say(f"rejects written to {outputs.rejects}")
    raise typer.Exit(1 if fail_on_reject and report.rejected else 0)


def _print_reject(drop: Drop) -> None:
    say(f"rejected {drop.source.location()}: {drop.step}: {drop.reason} {drop.detail}".rstrip())
