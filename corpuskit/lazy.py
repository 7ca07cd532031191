"""Public names imported on first use (PEP 562), for packages whose start-up must stay light.

``__getattr__ = lazy_names(__name__, HOMES, globals())`` in a package's ``__init__``
makes each name of ``HOMES`` (name -> module) import its module when first read, then
keeps it in the package's namespace, so ``corpuskit --version`` and a text clean load
none of the modules they do not use (``tests/cli/test_startup.py`` counts them).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
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
