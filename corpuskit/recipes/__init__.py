"""Recipes: pipelines and run options as TOML files, and the registry of steps by name.

``registry.py`` maps step names to builders and their parameters (``params.py``);
``loader.py`` reads a recipe and builds its pipeline, pointing at the line of any
problem (``corpuskit/tomlfile.py``); ``options.py`` lists the run options a recipe may set.
"""

from corpuskit.recipes.loader import Recipe, load_recipe, parse_recipe, shipped_recipes
from corpuskit.recipes.registry import Registry, StepSpec, builtin_steps

__all__ = [
    "Recipe",
    "Registry",
    "StepSpec",
    "builtin_steps",
    "load_recipe",
    "parse_recipe",
    "shipped_recipes",
]
