"""A step's parameters as a recipe sees them: names, types, defaults, and value checks.

Parameters are read from what a step already declares, so that there is one source of
truth: a dataclass step's fields (``init`` and ``compare`` ones: a field left out of
comparison is a cache or fitted state, not a setting) or a class's or function's
signature. Only parameters whose type a TOML value can hold are recipe parameters:
``bool``, ``int``, ``float``, ``str``, ``pathlib.Path`` (a string naming a file), a
``Literal`` of those, a ``tuple[str, ...]`` or ``list[...]`` of them, a *settings
dataclass* whose fields are all of those (``classify_lines``' ``decision``: a TOML
table, ``decision = {rescue_words = 40}``, its keys the dataclass's fields, the others
left at their defaults), optionally ``| None``. A field holding rules or a model
(``JunkRules``, ``LineModel``) is not one: it is data, set in Python (or read from a
file a ``Path`` parameter names).

A value is checked against the type and converted where TOML and Python differ: an
integer given for a ``float`` becomes a float (``1`` and ``1.0`` hash alike), an array
given for a tuple becomes a tuple, a string given for a path becomes a ``Path`` (which
the recipe loader makes relative to the recipe's folder), so a recipe builds the same
step as Python does.
"""

from __future__ import annotations

import dataclasses
import difflib
import inspect
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union

#: A parameter with no default: a recipe must give it.
REQUIRED: Any = inspect.Parameter.empty

_SCALARS: dict[type, str] = {bool: "bool", int: "int", float: "float", str: "str", Path: "path"}


@dataclass(frozen=True)
class Param:
    """One recipe parameter of a step: ``name``, its ``type`` and ``default``, and a
    short ``doc`` (a dataclass field's ``metadata["doc"]``: where a threshold comes
    from)."""

    name: str
    type: Any
    default: Any = REQUIRED
    doc: str = ""

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def describe(self) -> str:
        """``name: type = default``, as ``corpuskit steps`` prints it.

        >>> Param("mode", Literal["drop", "annotate"], "drop").describe()
        "mode: 'drop' | 'annotate' = 'drop'"
        >>> Param("min_words", int, 50, "Gopher").describe()
        'min_words: int = 50  (Gopher)'
        """
        shown = f"{self.name}: {type_name(self.type)}"
        shown = shown if self.required else f"{shown} = {shown_value(self.default)}"
        return f"{shown}  ({self.doc})" if self.doc else shown

    def check(self, value: Any) -> Any:
        """``value`` as the step takes it; ``TypeError`` saying what was expected."""
        return check_value(value, self.type)


def shown_value(value: Any) -> str:
    """A default as a recipe would write it: a settings dataclass as a TOML inline table.

    >>> from corpuskit.steps.classify.decide import Decision
    >>> shown_value(Decision(rescue_words=40))[:38]
    '{rescue_words = 40, rescue_share = 0.3'
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        pairs = (f"{f.name} = {getattr(value, f.name)!r}" for f in dataclasses.fields(value))
        return "{" + ", ".join(pairs) + "}"
    return repr(value)


def settings(kind: Any) -> bool:
    """Whether ``kind`` is a settings dataclass: a few thresholds, every init field a
    scalar (``bool``, ``int``, ``float``, ``str``, a ``Literal`` of them). A dataclass
    holding tuples or tables (``LineModel``'s weights) is data, not settings."""
    if not (isinstance(kind, type) and dataclasses.is_dataclass(kind)):
        return False
    hints = _hints(kind)
    return all(_scalar(hints.get(f.name, Any)) for f in dataclasses.fields(kind) if f.init)


def _scalar(kind: Any) -> bool:
    if kind in (bool, int, float, str):
        return True
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    return origin is Literal and all(type(arg) in (bool, int, float, str) for arg in args)


def type_name(kind: Any) -> str:
    """How a parameter type reads in listings and messages.

    >>> type_name(tuple[str, ...]), type_name(int | None), type_name(Path | None)
    ('list[str]', 'int | None', 'path | None')
    """
    if kind in _SCALARS:
        return _SCALARS[kind]
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is Literal:
        return " | ".join(repr(arg) for arg in args)
    if origin in (tuple, list):
        return f"list[{type_name(args[0])}]"
    if origin in (Union, types.UnionType):
        return " | ".join("None" if arg is type(None) else type_name(arg) for arg in args)
    return "any" if kind is Any else getattr(kind, "__name__", str(kind))


def expressible(kind: Any) -> bool:
    """Whether a TOML value can be of type ``kind`` (so it can be a recipe parameter)."""
    if kind in _SCALARS or kind is Any or settings(kind):
        return True
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is Literal:
        return all(type(arg) in _SCALARS for arg in args)
    if origin is tuple:
        return len(args) == 2 and args[1] is Ellipsis and expressible(args[0])
    if origin is list:
        return len(args) == 1 and expressible(args[0])
    if origin in (Union, types.UnionType):
        return all(arg is type(None) or expressible(arg) for arg in args)
    return False


def check_value(value: Any, kind: Any) -> Any:
    """``value`` checked against ``kind`` and converted; ``TypeError`` if it does not fit.

    >>> check_value(1, float), check_value(["en", "de"], tuple[str, ...])
    (1.0, ('en', 'de'))
    >>> check_value("my_junk.toml", Path | None)
    PosixPath('my_junk.toml')
    >>> check_value("5", int)
    Traceback (most recent call last):
    ...
    TypeError: expected int, got a string ('5')
    """
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is Any:
        return value
    if origin is Literal:
        if value in args and type(value) in {type(arg) for arg in args}:
            return value
        raise TypeError(f"expected one of {type_name(kind)}, got {value!r}")
    if origin in (Union, types.UnionType):
        table = [arg for arg in args if settings(arg)]
        if isinstance(value, dict) and len(table) == 1:
            return _check_settings(value, table[0])  # its own message names the field
        for arg in args:
            if arg is not type(None):
                try:
                    return check_value(value, arg)
                except TypeError:
                    continue
        raise TypeError(f"expected {type_name(kind)}, got {_shown(value)}")
    if origin in (tuple, list):
        if not isinstance(value, list):
            raise TypeError(f"expected {type_name(kind)}, got {_shown(value)}")
        items = [check_value(item, args[0]) for item in value]
        return tuple(items) if origin is tuple else items
    if settings(kind):
        return _check_settings(value, kind)
    return _check_scalar(value, kind)


def _check_settings(value: Any, kind: Any) -> Any:
    """A TOML table as the settings dataclass ``kind``: each key one of its fields,
    checked against its type; fields not given keep their defaults.

    >>> from corpuskit.steps.classify.decide import Decision
    >>> check_value({"rescue_words": 40}, Decision | None).rescue_words
    40
    >>> check_value({"rescue_word": 40}, Decision | None)
    Traceback (most recent call last):
    ...
    TypeError: Decision has no field 'rescue_word' (did you mean 'rescue_words'?)
    """
    if not isinstance(value, dict):
        raise TypeError(f"expected a table of {type_name(kind)} fields, got {_shown(value)}")
    hints = _hints(kind)
    names = [f.name for f in dataclasses.fields(kind) if f.init]
    checked = {}
    for key, item in value.items():
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; fields: {', '.join(names)}"
            raise TypeError(f"{type_name(kind)} has no field {key!r}{hint}")
        try:
            checked[key] = check_value(item, hints.get(key, Any))
        except TypeError as error:
            raise TypeError(f"{key}: {error}") from None
    return kind(**checked)


def _check_scalar(value: Any, kind: Any) -> Any:
    if kind is float and type(value) is int:
        return float(value)  # TOML 1 for a float parameter: the same setting as 1.0
    if kind is Path and type(value) is str and value:
        return Path(value)
    if type(value) is kind:
        return value
    raise TypeError(f"expected {type_name(kind)}, got {_shown(value)}")


def _shown(value: Any) -> str:
    """A TOML value named by its TOML kind, for messages."""
    kinds = {bool: "a boolean", int: "an integer", float: "a float", str: "a string"}
    kinds |= {list: "an array", dict: "a table"}
    return f"{kinds.get(type(value), type(value).__name__)} ({value!r})"


def params_of(target: Callable[..., Any]) -> tuple[Param, ...]:
    """The recipe parameters of a step class (or of a dataclass of settings) or factory."""
    hints = _hints(target)
    if isinstance(target, type) and dataclasses.is_dataclass(target):
        return tuple(
            Param(f.name, hints.get(f.name, Any), _field_default(f), f.metadata.get("doc", ""))
            for f in dataclasses.fields(target)
            if f.init and f.compare and expressible(hints.get(f.name, Any))
        )
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):  # a builtin without a signature
        return ()
    return tuple(
        Param(p.name, hints.get(p.name, Any), p.default)
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        and expressible(hints.get(p.name, Any))
    )


def _field_default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return REQUIRED


def _hints(target: Callable[..., Any]) -> dict[str, Any]:
    """Resolved annotations; unresolvable ones (names imported only for type checking)
    count as ``Any``, so such a parameter takes any TOML value."""
    plain_class = isinstance(target, type) and not dataclasses.is_dataclass(target)
    owner = target.__init__ if plain_class else target
    try:
        return typing.get_type_hints(owner)
    except Exception:
        return {}
