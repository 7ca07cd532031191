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
"""

from __future__ import annotations

import difflib
import importlib
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
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
from corpuskit.steps.quality import QUALITY_FILTERS
from corpuskit.steps.repeated import RepeatedLines

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
    'Drop short lines found on ``min_pages`` pages of a scope.'
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

    def spec(self, name: str, adapter: str | None = None) -> StepSpec:
        """The spec for ``name``: a registered step, or a user step ``module:attr``
        (wrapped in ``adapter`` if given); ``LookupError`` saying what is wrong."""
        if ":" in name:
            return user_spec(name, adapter)
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
            class_spec(ExactDuplicates),
            class_spec(NearDuplicates),
        ]
    )


def user_spec(reference: str, adapter: str | None = None) -> StepSpec:
    """The spec of a user step ``package.module:attribute``; ``LookupError`` if it cannot
    be imported or is not a step."""
    target = import_reference(reference)
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


def import_reference(reference: str) -> Any:
    """The object ``package.module:attribute`` names (dots allowed after the colon)."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise LookupError(f"a user step is 'module:attribute', not {reference!r}")
    try:
        target: Any = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        message = f"cannot import {module_name!r} for step {reference!r}: {error}"
        raise LookupError(message) from None
    except Exception as error:  # the user's module failed while importing
        raise LookupError(
            f"importing {module_name!r} for step {reference!r} failed: "
            f"{type(error).__name__}: {error}"
        ) from None
    for part in attribute.split("."):
        if not hasattr(target, part):
            names = [n for n in dir(target) if not n.startswith("_")]
            raise LookupError(
                f"module {module_name!r} has no {attribute!r}{did_you_mean(part, names)}"
            )
        target = getattr(target, part)
    return target


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or nothing.

    >>> did_you_mean("treshold", ["threshold", "model"])
    " (did you mean 'threshold'?)"
    """
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
