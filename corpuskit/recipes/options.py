"""The run options a recipe's ``[options]`` table may set, with their types and choices.

They are the options of ``corpuskit clean`` that say how to run a pipeline (corpus
filters added on top of it, workers, input reading, audit), by the same names with
underscores: ``dedup``, ``workers``, ``text_field``. Output paths are not among them: a
recipe says how to clean, not where this run writes. Flags and ``CORPUSKIT_*``
environment variables override what a recipe sets (see ``corpuskit clean --help``);
this table only lets the loader check a recipe's values and point at the line of a
wrong one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corpuskit.html import EXTRACTORS, PARSERS
from corpuskit.readers import FORMATS
from corpuskit.steps.quality import MODES

#: ``dedup``: exact (``defaults.remove_duplicates``), near (``remove_near_duplicates``) or
#: off (none added; a recipe's own duplicate steps stay).
DEDUP_MODES = ("exact", "near", "off")
#: Where a run can execute (``clean_files(executor=...)``).
EXECUTORS = ("local", "ray")
#: How shards are compressed (``--shard-compression``).
SHARD_COMPRESSIONS = ("zst", "gz", "none")


@dataclass(frozen=True)
class OptionSpec:
    """A recipe option: its ``name``, TOML ``type``, for a word its ``choices``, for a
    number its ``least`` value (as the CLI option's own range says)."""

    name: str
    type: Any
    choices: tuple[str, ...] = ()
    least: float | None = None


RUN_OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec("dedup", str, DEDUP_MODES),
    OptionSpec("near_threshold", float),
    OptionSpec("shingle_size", int),
    OptionSpec("permutations", int),
    OptionSpec("lang", str | list[str]),
    OptionSpec("min_lang_score", float, least=0.0),
    OptionSpec("quality", str, MODES),
    OptionSpec("quality_step", list[str]),
    OptionSpec("workers", int, least=1),
    OptionSpec("executor", str, EXECUTORS),
    OptionSpec("address", str),
    OptionSpec("format", str, FORMATS),
    OptionSpec("text_field", str),
    OptionSpec("html_parser", str, PARSERS),
    OptionSpec("extractor", str, EXTRACTORS),
    OptionSpec("audit", bool),
    OptionSpec("strict", bool),
    OptionSpec("time_limit", float),
    OptionSpec("max_file_mb", int),
    OptionSpec("max_line_mb", int),
    OptionSpec("shard_size", int, least=1),
    OptionSpec("shard_compression", str, SHARD_COMPRESSIONS),
)


def option_spec(name: str) -> OptionSpec | None:
    return next((spec for spec in RUN_OPTIONS if spec.name == name), None)
