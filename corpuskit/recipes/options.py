"""The run options a recipe's ``[options]`` table may set: the fields of the options
objects, never restated.

They are the options of ``corpuskit clean`` that say how to run a pipeline, by the same
names with underscores: the fields of ``PipelineOptions`` (``dedup``, ``lang``,
``quality``...), ``ReadOptions`` and its ``Limits`` (``format``, ``text_field``,
``html_parser``, ``max_file_bytes``...), ``RunOptions`` (``audit``, ``strict``,
``time_limit``), ``OutputOptions`` (``shard_size``, ``shard_compression``,
``shard_format``) and the parameters of ``make_executor`` (``executor``, ``workers``,
``address``). A field marked ``NOT_IN_RECIPES`` (the punctuation policy, which the
recipe's own ``normalize_punctuation`` step says) is not one. Output paths are not among
them: a recipe says how to clean, not where this run writes. Flags and ``CORPUSKIT_*`` environment
variables override what a recipe sets (see ``corpuskit clean --help``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from corpuskit.recipes.compose import OPTION_CLASSES, option_owner
from corpuskit.recipes.params import Param, params_of
from corpuskit.run.executor import make_executor


def _recipe_params() -> tuple[Param, ...]:
    found: list[Param] = []
    for kind in OPTION_CLASSES:
        allowed = {f.name for f in dataclasses.fields(kind) if f.metadata.get("recipe", True)}
        found.extend(param for param in params_of(kind) if param.name in allowed)
    return (*found, *params_of(make_executor))


#: Every run option a recipe may set, with its type and default.
RUN_OPTIONS: tuple[Param, ...] = _recipe_params()


def option_spec(name: str) -> Param | None:
    """The run option called ``name``, or None."""
    return next((param for param in RUN_OPTIONS if param.name == name), None)


def check_option(name: str, value: Any) -> None:
    """Raise ``CorpuskitError`` if ``value`` is not one the option ``name`` takes (a word
    outside its choices, a number out of range), as the run would when it starts: its
    options object is made with it alone."""
    option_owner(name)(**{name: value})
