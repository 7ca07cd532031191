"""Modules imported on first use, for a start-up that must stay light.

Public names (PEP 562):

``__getattr__ = lazy_names(__name__, HOMES, globals())`` in a package's ``__init__``
makes each name of ``HOMES`` (name -> module) import its module when first read, then
keeps it in the package's namespace, so ``corpuskit --version`` and a text clean load
none of the modules they do not use (``tests/cli/test_startup.py`` counts them).

Optional packages: ``require`` imports one of an extra's modules when the feature that
needs it is first used (a step is made, a Parquet file read, Ray started), or raises one
``InputError`` line naming the extra to install.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any


def lazy_names(
    package: str, homes: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``name`` from ``homes[name]`` and keeps it."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        namespace[name] = value
        return value

    return __getattr__


def require(module: str, extra: str, feature: str, package: str | None = None) -> ModuleType:
    """Import ``module`` for ``feature``, or raise ``InputError`` naming the extra that
    installs it (``package``: the name to show, when not the module's).

    >>> require("no_such_module", "pii", "redact_pii:")
    Traceback (most recent call last):
    ...
    corpuskit.errors.InputError: redact_pii: needs no_such_module: pip install 'corpuskit[pii]'
    """
    from corpuskit.errors import InputError  # not at import: ``--version`` loads this module

    try:
        return importlib.import_module(module)
    except ImportError:
        message = f"{feature} needs {package or module}: pip install 'corpuskit[{extra}]'"
        raise InputError(message) from None
