"""The step registry: every built-in step by its name, and user steps by ``module:attr``.

A ``StepSpec`` says how to build one step from recipe parameters: its name (the same
word as ``step_name`` gives, in edits, drops and reports), a builder, the parameters
the builder takes (``params.params_of``: read from the step's own dataclass fields or
signature, never restated), a one-line description (the docstring's first sentence)
and whether it is a corpus step.

``builtin_steps()`` builds the registry afresh on each call (it only gathers classes
and functions: nothing is loaded until a step is built), so there is no module-level
state to reset. A user step is named ``package.module:attribute``: a class is built
with the recipe's parameters, a plain function is the step itself, or, with an
``adapter``, the function that ``normalizer``, ``drop_lines_if``, ``drop_if`` or
``annotator`` turns into one.

The module is looked for, in this order, in the recipe's folder, in the current folder,
then on ``sys.path`` as it stands (installed packages, ``PYTHONPATH``): a ``mysteps.py``
beside the recipe needs no ``PYTHONPATH``. The two folders are on ``sys.path`` only
while the module is imported; a module imported before (by an earlier recipe, or a
standard module such as ``json``) is the one Python has, so a file in those folders
that another module of its name hides is refused rather than silently not used.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.machinery
import inspect
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from corpuskit.pipeline import (
    CorpusStep,
    FunctionStep,
    Step,
    annotator,
    drop_if,
    drop_lines_if,
    normalizer,
)
from corpuskit.recipes.params import Param, params_of
from corpuskit.steps.blanks import collapse_blank_lines, drop_empty
from corpuskit.steps.classify.step import ClassifyLines
from corpuskit.steps.comments import CommentLines
from corpuskit.steps.duplicates import ExactDuplicates
from corpuskit.steps.junk import IsolatedLines, JunkLines
from corpuskit.steps.language import DetectLanguage, SelectLanguage
from corpuskit.steps.metadata import LiftMetadata
from corpuskit.steps.model_quality import QualityModel
from corpuskit.steps.near_duplicates import NearDuplicates
from corpuskit.steps.normalize import (
    PunctuationPolicy,
    fix_encoding,
    normalize_punctuation,
    normalize_unicode,
    normalize_whitespace,
    punctuation_step,
    remove_control_chars,
)
from corpuskit.steps.paragraphs import JoinLines
from corpuskit.steps.pii import RedactPii
from corpuskit.steps.quality import QUALITY_FILTERS
from corpuskit.steps.repeated import RepeatedLines
from corpuskit.steps.urls import FilterUrls

log = logging.getLogger(__name__)

#: The adapters a recipe can wrap a user function in (``adapter = "drop_lines_if"``).
ADAPTERS: Mapping[str, Callable[..., FunctionStep]] = {
    "normalizer": normalizer,
    "drop_lines_if": drop_lines_if,
    "drop_if": drop_if,
    "annotator": annotator,
}

#: The parameters an adapted user function takes in a recipe.
ADAPTER_PARAMS = (Param("name", str | None, None), Param("config", Any, None))


@dataclass(frozen=True)
class StepSpec:
    """How to build the step called ``name`` from recipe parameters."""

    name: str
    build: Callable[..., Step]
    params: tuple[Param, ...]
    summary: str
    corpus: bool = False


def summary(target: object) -> str:
    """The first sentence of ``target``'s docstring, on one line, without the
    ``Step ``name``:`` prefix some docstrings open with.

    >>> summary(RepeatedLines)
    'Drop the lines found on many pages of a scope.'
    """
    doc = inspect.getdoc(target) or ""
    first = " ".join(doc.split("\n\n")[0].split())
    for prefix in ("Step ``", "The ``"):
        if first.startswith(prefix) and ": " in first:
            first = first.split(": ", 1)[1]
            break
    end = first.find(". ")
    first = first if end < 0 else first[: end + 1]
    return first[:1].upper() + first[1:]


def class_spec(step_class: type) -> StepSpec:
    """The spec of a step class: named by its ``name``, built with its fields."""
    return StepSpec(
        str(getattr(step_class, "name", step_class.__name__)),
        step_class,
        params_of(step_class),
        summary(step_class),
        corpus=issubclass(step_class, CorpusStep),
    )


def function_spec(step: FunctionStep | Step, documented: object | None = None) -> StepSpec:
    """The spec of a step that is one object already (a function, an adapted function)."""
    name = str(getattr(step, "name", None) or getattr(step, "__name__", ""))
    origin = documented or getattr(step, "function", step)
    return StepSpec(name, lambda: step, (), summary(origin))


def _punctuation(**policy: Any) -> FunctionStep:
    return punctuation_step(PunctuationPolicy(**policy))


class Registry(Mapping[str, StepSpec]):
    """Step specs by name; ``spec(name)`` also resolves user steps (``module:attr``)."""

    def __init__(self, specs: Iterable[StepSpec]) -> None:
        self._specs = {spec.name: spec for spec in specs}

    def __getitem__(self, name: str) -> StepSpec:
        return self._specs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def spec(self, name: str, adapter: str | None = None, folders: Sequence[Path] = ()) -> StepSpec:
        """The spec for ``name``: a registered step, or a user step ``module:attr``
        (wrapped in ``adapter`` if given; its module looked for in ``folders`` first, see
        ``import_reference``); ``LookupError`` saying what is wrong."""
        if ":" in name:
            return user_spec(name, adapter, folders)
        if adapter is not None:
            raise LookupError(f"'adapter' is for user functions (module:function), not {name!r}")
        if name not in self._specs:
            hint = did_you_mean(name, self._specs) or " (corpuskit steps lists them)"
            raise LookupError(f"unknown step {name!r}{hint}")
        return self._specs[name]


def builtin_steps() -> Registry:
    """Every built-in step, in the order a pipeline would run them."""
    punctuation = StepSpec(
        "normalize_punctuation",
        _punctuation,
        params_of(PunctuationPolicy),
        summary(normalize_punctuation),
    )
    normalizers = [fix_encoding, remove_control_chars, normalize_unicode, normalize_whitespace]
    return Registry(
        [
            class_spec(FilterUrls),
            *(function_spec(normalizer(f)) for f in normalizers),
            punctuation,
            class_spec(CommentLines),
            class_spec(JunkLines),
            class_spec(LiftMetadata),
            class_spec(RepeatedLines),
            class_spec(DetectLanguage),
            class_spec(SelectLanguage),
            class_spec(ClassifyLines),
            class_spec(JoinLines),
            class_spec(IsolatedLines),
            function_spec(collapse_blank_lines),
            function_spec(drop_empty, drop_empty.function),
            *(class_spec(kind) for kind in QUALITY_FILTERS),
            class_spec(QualityModel),
            class_spec(RedactPii),
            class_spec(ExactDuplicates),
            class_spec(NearDuplicates),
        ]
    )


def user_spec(reference: str, adapter: str | None = None, folders: Sequence[Path] = ()) -> StepSpec:
    """The spec of a user step ``package.module:attribute``; ``LookupError`` if it cannot
    be imported or is not a step."""
    target = import_reference(reference, folders)
    if adapter is not None:
        if adapter not in ADAPTERS:
            raise LookupError(f"unknown adapter {adapter!r}{did_you_mean(adapter, ADAPTERS)}")
        wrap = ADAPTERS[adapter]
        return StepSpec(reference, lambda **kw: wrap(target, **kw), ADAPTER_PARAMS, summary(target))
    if isinstance(target, type):
        return replace(class_spec(target), name=reference)
    if not callable(target):
        raise LookupError(f"{reference} is a {type(target).__name__}, not a step")
    return StepSpec(reference, lambda: target, (), summary(target))


def import_reference(reference: str, folders: Sequence[Path] = ()) -> Any:
    """The object ``package.module:attribute`` names (dots allowed after the colon), its
    module looked for in ``folders`` (in order), then on ``sys.path``."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise LookupError(f"a user step is 'module:attribute', not {reference!r}")
    target: Any = import_from(module_name, folders, reference)
    for part in attribute.split("."):
        if not hasattr(target, part):
            names = [n for n in dir(target) if not n.startswith("_")]
            raise LookupError(
                f"module {module_name!r} has no {attribute!r}{did_you_mean(part, names)}"
            )
        target = getattr(target, part)
    return target


def search_folders(recipe_folder: Path | None = None) -> tuple[Path, ...]:
    """Where a recipe's user modules are looked for before ``sys.path``: the recipe's
    folder (a recipe file's), then the current folder; each once, absolute."""
    folders = [recipe_folder] if recipe_folder is not None else []
    return tuple(dict.fromkeys(folder.resolve() for folder in [*folders, Path.cwd()]))


def import_from(module_name: str, folders: Sequence[Path], reference: str) -> ModuleType:
    """Import ``module_name`` with ``folders`` ahead of ``sys.path``, which is left as it
    was; ``LookupError`` if it cannot be imported, fails, or is hidden by a module of
    the same name imported before."""
    paths = [str(folder) for folder in folders]
    top = module_name.partition(".")[0]
    hidden = _hidden(top, paths)
    if hidden:
        raise LookupError(f"cannot import {module_name!r} for step {reference!r}: {hidden}")
    saved = list(sys.path)
    sys.path[:0] = paths
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if not _names_it(error.name, module_name):
            raise _failed(module_name, reference, error) from None
        searched = ", ".join(paths) or "sys.path"
        raise LookupError(
            f"cannot import {module_name!r} for step {reference!r}: {error} "
            f"(looked in {searched}, then sys.path)"
        ) from None
    except Exception as error:  # the user's module failed while importing
        raise _failed(module_name, reference, error) from None
    finally:
        sys.path[:] = saved
    log.debug("step %s: module %s from %s", reference, module_name, module.__file__)
    return module


def _names_it(missing: str | None, module_name: str) -> bool:
    """Whether the module found missing is ``module_name`` or a package above it (not a
    module that ``module_name`` itself imports)."""
    return missing is None or module_name == missing or module_name.startswith(missing + ".")


def _failed(module_name: str, reference: str, error: Exception) -> LookupError:
    return LookupError(
        f"importing {module_name!r} for step {reference!r} failed: {type(error).__name__}: {error}"
    )


def _hidden(top: str, paths: list[str]) -> str | None:
    """Why the module ``top`` in ``paths`` cannot be the one imported, if it cannot: a
    module of that name is imported already, from elsewhere."""
    loaded = sys.modules.get(top)
    if loaded is None or not paths:
        return None
    found = importlib.machinery.PathFinder.find_spec(top, paths)
    if found is None or found.origin is None:
        return None
    where = getattr(loaded, "__file__", None)
    if where is not None and Path(where).resolve() == Path(found.origin).resolve():
        return None
    return (
        f"{found.origin} is hidden by the module {top!r} imported already "
        f"(from {where or 'Python itself'}); rename the file"
    )


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or nothing.

    >>> did_you_mean("treshold", ["threshold", "model"])
    " (did you mean 'threshold'?)"
    """
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
