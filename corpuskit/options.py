"""What every options object shares: keyword folding, and the names a recipe may set.

corpuskit's options are frozen dataclasses, one per part that consumes them:
``ReadOptions`` (``readers/options.py``: how inputs become documents), ``RunOptions``
(``run/options.py``: what a run records, how strict it is), ``PipelineOptions``
(``recipes/compose.py``: what a run adds to its pipeline) and ``OutputOptions``
(``outputs.py``: how a folder of shards is cut). Each checks its values once, in
``__post_init__``; everything below takes the object whole. ``Options.of`` folds
keywords into one (as ftfy's ``TextFixerConfig`` does), so public functions take either.

The run options a recipe's ``[options]`` table may set are these objects' fields, never
restated (``recipes/options.py``); a field marked ``metadata=NOT_IN_RECIPES`` is not one.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any, Self

#: The metadata of a field a recipe's ``[options]`` may not set (the recipe's steps say it).
NOT_IN_RECIPES = {"recipe": False}


class Options:
    """The mixin of the options dataclasses: ``of`` folds keywords into one."""

    __slots__ = ()

    @classmethod
    def of(cls, options: Self | None = None, /, **changes: Any) -> Self:
        """``options`` (the defaults when None) with ``changes`` folded in; an unknown
        keyword is a ``TypeError`` naming the options there are."""
        base = options if options is not None else cls()
        if not changes:
            return base
        known = [f.name for f in fields(base)]  # type: ignore[arg-type]
        unknown = sorted(set(changes) - set(known))
        if unknown:
            raise TypeError(
                f"{cls.__name__} has no option {', '.join(unknown)}; options: {', '.join(known)}"
            )
        return replace(base, **changes)  # type: ignore[type-var]
