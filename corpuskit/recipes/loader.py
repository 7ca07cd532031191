"""Recipes: a pipeline, and the options to run it with, written as a TOML file.

::

    [options]                    # optional: run options (recipes/options.py)
    dedup = "exact"

    [[steps]]                    # one table per step, in the order they run
    step = "fix_encoding"        # a built-in step by name (corpuskit steps) ...

    [[steps]]
    step = "repeated_lines"
    min_pages = 3                # ... with its parameters

    [[steps]]
    step = "mysteps:Shout"       # a user step: module:Class, built with the parameters,
    loud = true                  # or module:function, the step itself, or with
                                 # adapter = "drop_lines_if" (normalizer, drop_if,
                                 # annotator) the function that adapter wraps

Everything is checked when the recipe is loaded, not when the first page reaches a
step: unknown steps, parameters and options, values of the wrong type, modules that do
not import. Each problem is a ``RecipeError`` naming the file and line
(``my.toml:7: step 'repeated_lines' has no parameter 'min_page' (did you mean
'min_pages'?)``). Loading imports the modules a recipe names, and so runs their code: a
recipe is trusted like a script (docs/recipes.md). ``recipe_imports`` lists those
modules without importing anything, for ``corpuskit recipe check`` to say first.
The default pipeline is itself a recipe shipped with corpuskit
(``corpuskit/data/recipes/default.toml``): ``corpuskit recipe show default``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from corpuskit.errors import CorpuskitError, RecipeError
from corpuskit.pipeline import Pipeline, Step, step_name
from corpuskit.recipes.compose import Built, build
from corpuskit.recipes.options import RUN_OPTIONS, check_option, option_spec
from corpuskit.recipes.registry import (
    Registry,
    StepSpec,
    builtin_steps,
    did_you_mean,
    search_folders,
)
from corpuskit.tomlfile import Table, step_tables, syntax_message, table_named, tables

#: Keys of a step table that are not parameters.
STEP_KEY, ADAPTER_KEY = "step", "adapter"
#: The top-level keys of a recipe.
TOP_KEYS = ("steps", "options")


@dataclass(frozen=True)
class Recipe:
    """A loaded recipe: where it came from, its pipeline and its run options."""

    source: str
    pipeline: Pipeline
    options: Mapping[str, Any] = field(default_factory=dict)

    def build(self, **overrides: Any) -> Built:
        """The pipeline composed with the recipe's run options, and those options as
        objects (``recipes.compose.build``); ``overrides`` (run options by name) take
        precedence, as flags do on the command line.

        >>> built = load_recipe("default").build(dedup="exact", html_parser="lxml")
        >>> built.pipeline.names[-1], built.read.html_parser
        ('exact_duplicates', 'lxml')
        """
        return build(self.pipeline, {**self.options, **overrides})


def shipped_recipes() -> list[str]:
    """The names of the recipes that ship with corpuskit (``corpuskit/data/recipes``)."""
    folder = resources.files("corpuskit.data").joinpath("recipes")
    names = (entry.name for entry in folder.iterdir())
    return sorted(name.removesuffix(".toml") for name in names if name.endswith(".toml"))


def recipe_text(name_or_path: str) -> tuple[str, str]:
    """A recipe's label for messages and its TOML text: a file, else a shipped recipe."""
    path = Path(name_or_path)
    if path.is_file() or name_or_path not in shipped_recipes():
        try:
            return name_or_path, path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            shipped = ", ".join(shipped_recipes())
            reason = getattr(error, "strerror", None) or error
            raise RecipeError(
                f"cannot read recipe {name_or_path}: {reason} (shipped recipes: {shipped})"
            ) from None
    folder = resources.files("corpuskit.data").joinpath("recipes")
    return f"{name_or_path}.toml", folder.joinpath(f"{name_or_path}.toml").read_text("utf-8")


def recipe_imports(name_or_path: str) -> list[str]:
    """The modules the recipe ``name_or_path`` names for its user steps, in order, each
    once: what loading it imports (and so runs). Nothing is imported here.

    A recipe that is not valid TOML raises ``RecipeError``, as loading it would; any
    other problem is left for ``load_recipe`` to report.
    """
    label, text = recipe_text(name_or_path)
    return imported_modules(text, label)


def imported_modules(text: str, label: str = "<recipe>") -> list[str]:
    """The modules the user steps of a recipe's TOML ``text`` name (``module:attribute``).

    >>> imported_modules('[[steps]]\\nstep = "mysteps:Shout"\\n[[steps]]\\nstep = "drop_empty"\\n'
    ...     '[[steps]]\\nstep = "os:system"\\nadapter = "normalizer"')
    ['mysteps', 'os']
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RecipeError(syntax_message(label, error)) from None
    steps = data.get("steps")
    names = [entry.get(STEP_KEY) for entry in steps or () if isinstance(entry, dict)]
    modules = [name.partition(":")[0] for name in names if isinstance(name, str) and ":" in name]
    return list(dict.fromkeys(module for module in modules if module))


def load_recipe(name_or_path: str, registry: Registry | None = None) -> Recipe:
    """The recipe in the file ``name_or_path``, or the shipped recipe of that name.

    A file's folder is where its user modules are looked for first, and what relative
    paths in its parameters (``extra_rules = "my_junk.toml"``) are relative to.
    """
    label, text = recipe_text(name_or_path)
    path = Path(name_or_path)
    return parse_recipe(text, label, registry, folder=path.parent if path.is_file() else None)


def parse_recipe(
    text: str,
    label: str = "<recipe>",
    registry: Registry | None = None,
    *,
    folder: Path | None = None,
) -> Recipe:
    """The recipe a TOML ``text`` holds; ``label`` names it in messages. ``folder`` (the
    recipe's, if it is a file) is searched for user modules before the current folder
    and ``sys.path`` (``registry.import_reference``); relative paths in parameters are
    relative to it, else to the current folder."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RecipeError(syntax_message(label, error)) from None
    top = tables(text)[0].keys
    for key in data:
        if key not in TOP_KEYS:
            raise _error(label, top.get(key), f"unknown key {key!r}{did_you_mean(key, TOP_KEYS)}")
    options = _options(data.get("options", {}), text, label)
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        raise _error(label, top.get("steps"), "a recipe needs [[steps]]: one table per step")
    found = Found(registry or builtin_steps(), search_folders(folder))
    built = _steps(steps, text, label, found, top.get("steps", 0))
    return Recipe(label, Pipeline(built), options)  # _steps refused a name given twice


@dataclass(frozen=True)
class Found:
    """Where a recipe's steps are found: the registry, and the folders searched for user
    modules (the recipe's first: relative paths in parameters are relative to it)."""

    registry: Registry
    folders: tuple[Path, ...]

    def path(self, value: Path) -> Path:
        """A path parameter as the step takes it: relative to the recipe's folder."""
        return value if value.is_absolute() else self.folders[0] / value


def _steps(entries: list[Any], text: str, label: str, found: Found, inline: int) -> list[Step]:
    """The steps of the recipe, each reported at its table's lines (at the line of
    ``steps = [...]`` when they are written inline)."""
    located = step_tables(text) or [Table("steps", inline, {})] * len(entries)
    built: list[Step] = []
    for index, entry in enumerate(entries):
        table = located[index] if index < len(located) else None
        if not isinstance(entry, dict):
            raise _error(label, table.line if table else None, "each step is a table: [[steps]]")
        built.append(_step(entry, table, label, found))
    names = [step_name(step) for step in built]
    for index, name in enumerate(names):
        if name in names[:index]:
            table = located[index] if index < len(located) else None
            raise _error(label, table.line if table else None, f"step {name!r} appears twice")
    return built


def _step(entry: dict[str, Any], table: Table | None, label: str, found: Found) -> Step:
    """One step built from its table, every problem reported at its line."""
    header = table.line if table else None

    def line_of(key: str) -> int | None:
        return table.keys.get(key, header) if table else None

    name = entry.get(STEP_KEY)
    if not isinstance(name, str):
        raise _error(label, header, 'a step table needs step = "name" (see corpuskit steps)')
    adapter = entry.get(ADAPTER_KEY)
    try:
        spec = found.registry.spec(
            name, adapter if isinstance(adapter, str) else None, found.folders
        )
    except LookupError as error:
        raise _error(label, line_of(STEP_KEY), str(error.args[0])) from None
    params = {k: v for k, v in entry.items() if k not in (STEP_KEY, ADAPTER_KEY)}
    values = _parameters(spec, params, label, line_of)
    values = {k: found.path(v) if isinstance(v, Path) else v for k, v in values.items()}
    try:
        step = spec.build(**values)
    except (CorpuskitError, ValueError, TypeError) as error:
        raise _error(
            label, _blamed(str(error), params, line_of, header), f"step {name!r}: {error}"
        ) from None
    except Exception as error:  # a user step's constructor failed
        raise _error(label, header, f"step {name!r}: {type(error).__name__}: {error}") from None
    if not callable(step):
        raise _error(label, header, f"step {name!r} built a {type(step).__name__}, not a step")
    return step


def _blamed(message: str, params: dict[str, Any], line_of: Any, header: int | None) -> int | None:
    """The line of the parameter a step's error message starts with (``min_words must
    not be negative``), else of the step's table."""
    for key in params:
        if message.startswith((f"{key} ", f"{key}:")):
            return int(line_of(key))
    return header


def _parameters(spec: StepSpec, given: dict[str, Any], label: str, line_of: Any) -> dict[str, Any]:
    """The parameters for ``spec.build``, each checked against its type."""
    known = {p.name: p for p in spec.params}
    values: dict[str, Any] = {}
    for key, value in given.items():
        param = known.get(key)
        if param is None:
            has = f"; it has {', '.join(known)}" if known else "; it takes none"
            hint = did_you_mean(key, known) or has
            raise _error(label, line_of(key), f"step {spec.name!r} has no parameter {key!r}{hint}")
        try:
            values[key] = param.check(value)
        except TypeError as error:
            raise _error(label, line_of(key), f"step {spec.name!r}, {key}: {error}") from None
    missing = [p.name for p in spec.params if p.required and p.name not in values]
    if missing:
        raise _error(label, line_of(STEP_KEY), f"step {spec.name!r} needs {', '.join(missing)}")
    return values


def _options(given: Any, text: str, label: str) -> dict[str, Any]:
    """The ``[options]`` table, each value checked against its option's type and then as
    the run will take it (a word among its choices, a number in its range)."""
    table = table_named(text, "options")
    lines = table.keys if table else {}
    if not isinstance(given, dict):
        raise _error(label, table.line if table else None, "options is a table: [options]")
    options: dict[str, Any] = {}
    for key, value in given.items():
        spec = option_spec(key)
        if spec is None:
            names = [s.name for s in RUN_OPTIONS]
            hint = did_you_mean(key, names) or f"; options: {', '.join(names)}"
            raise _error(label, lines.get(key), f"unknown option {key!r}{hint}")
        try:
            options[key] = spec.check(value)
            check_option(key, options[key])
        except TypeError as error:
            raise _error(label, lines.get(key), f"option {key}: {error}") from None
        except CorpuskitError as error:
            said = str(error).removeprefix(f"{key}: ")
            raise _error(label, lines.get(key), f"option {key}: {said}") from None
    return options


def _error(label: str, line: int | None, message: str) -> RecipeError:
    return RecipeError(f"{label}:{line}: {message}" if line else f"{label}: {message}")
