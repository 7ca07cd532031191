"""The command line's side of recipes: ``corpuskit steps``, ``corpuskit recipe show|check``
and the ``--recipe`` option of ``corpuskit clean``.

``--recipe`` is read before any other option (it is eager), so a recipe that cannot be
loaded stops the command at once with its ``file:line`` message. Its ``[options]`` apply
through ``Recipe.build``, under the options a flag or the environment gave: the
precedence corpuskit documents, flags > ``CORPUSKIT_*`` environment > recipe > built-in
defaults, by the same function ``clean_files(recipe=...)`` uses.
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from corpuskit.cli.logs import say
from corpuskit.errors import RecipeError
from corpuskit.recipes import Recipe, builtin_steps, load_recipe
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.recipes.loader import recipe_imports, recipe_text

log = logging.getLogger("corpuskit")

#: Where ``--recipe``'s callback leaves the loaded recipe for the command (``ctx.meta``).
RECIPE_KEY = "corpuskit.recipe"


def recipe_callback(ctx: typer.Context, value: str | None) -> str | None:
    """Load ``--recipe`` for the command (``chosen_recipe``).

    A recipe that cannot be loaded ends the command here, with its one-line message
    (after the variable, when ``CORPUSKIT_RECIPE`` gave it: nothing on the command line
    says so) and exit code 2 (option callbacks run before the command's error
    translation).
    """
    if not value:
        return value
    try:
        recipe = load_recipe(value)
    except RecipeError as error:
        source = ctx.get_parameter_source("recipe")
        given = f"CORPUSKIT_RECIPE={value!r}: " if source and source.name == "ENVIRONMENT" else ""
        say(f"error: {given}{error}")
        raise typer.Exit(error.exit_code) from None
    ctx.meta[RECIPE_KEY] = recipe
    return value


def chosen_recipe(ctx: typer.Context) -> Recipe:
    """The recipe ``--recipe`` loaded for this command, else the shipped ``default``;
    logs which."""
    recipe = ctx.meta.get(RECIPE_KEY)
    chosen = recipe if isinstance(recipe, Recipe) else load_recipe("default")
    log.info("recipe: %s", chosen.source if isinstance(recipe, Recipe) else "default (built in)")
    return chosen


RecipeOption = Annotated[
    str | None,
    typer.Option(
        "--recipe",
        "-r",
        callback=recipe_callback,
        is_eager=True,
        help="A recipe (TOML file, or a shipped one: default) with the steps and run "
        "options; see corpuskit recipe show default.",
    ),
]


def steps_command() -> None:
    """List every built-in step: its name, what it does, and its parameters with their
    types and defaults, in the order a pipeline runs them.

    Marked "default": the steps of the default pipeline; "corpus step": those that count
    over the whole corpus first.

    Example: corpuskit steps
    """
    default = set(default_pipeline().names)
    for spec in builtin_steps().values():
        tags = [
            tag
            for tag, on in (("default", spec.name in default), ("corpus step", spec.corpus))
            if on
        ]
        typer.echo(spec.name + (f"  [{', '.join(tags)}]" if tags else ""))
        typer.echo(f"    {spec.summary.replace('``', '`')}")
        for param in spec.params:
            typer.echo(f"    - {param.describe()}")


recipe_app = typer.Typer(
    help="Show and check recipes: pipelines and run options as TOML files.",
    no_args_is_help=True,
)


@recipe_app.command("show")
def show_command(
    name: Annotated[
        str, typer.Argument(help="A shipped recipe (default) or a recipe file.")
    ] = "default",
) -> None:
    """Print a recipe's TOML, to start a recipe of your own from it.

    Example: corpuskit recipe show default > my.toml
    """
    try:
        _, text = recipe_text(name)
    except RecipeError as error:
        say(f"error: {error}")
        raise typer.Exit(error.exit_code) from None
    typer.echo(text, nl=False)


@recipe_app.command("check")
def check_command(
    name: Annotated[str, typer.Argument(help="A recipe file (or a shipped recipe).")],
) -> None:
    """Load a recipe as clean would: print its steps (each with its settings, and the
    junk rules it adds from a file of its own), options and configuration hash, or the
    first problem with its line. First it prints the modules the recipe names, which
    loading imports and so runs (a recipe is code: trust it like a script).

    Example: corpuskit recipe check my.toml
    """
    try:
        if modules := recipe_imports(name):
            typer.echo(f"imports: {', '.join(modules)}")
        recipe = load_recipe(name)
    except RecipeError as error:
        say(f"error: {error}")
        raise typer.Exit(error.exit_code) from None
    pipeline = recipe.pipeline
    typer.echo(f"{recipe.source}: {len(pipeline.steps)} steps, config {pipeline.config_hash()}")
    for step, entry in zip(pipeline.steps, pipeline.describe(), strict=True):
        settings = ", ".join(f"{key}={value!r}" for key, value in entry["config"].items())
        typer.echo(
            f"  {entry['step']}  ({entry['origin']})" + (f"  {settings}" if settings else "")
        )
        for detail in getattr(step, "details", ()):
            typer.echo(f"      {detail}")
    for key, value in recipe.options.items():
        typer.echo(f"  option {key} = {value!r}")
