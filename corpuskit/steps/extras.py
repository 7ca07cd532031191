"""The optional packages some steps need, imported when the step is first made.

A step that needs a package outside the core (``redact_pii``: ``phonenumbers`` and
``python-stdnum``; ``quality_model``: ``fasttext``) imports it through ``require``, so
that listing the steps (``corpuskit steps``) or loading a recipe that does not use them
needs nothing, and one that does gets one line naming the extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from corpuskit.errors import InputError


def require(module: str, extra: str, step: str) -> ModuleType:
    """Import ``module`` for ``step``, or raise ``InputError`` naming the extra.

    >>> require("no_such_module", "pii", "redact_pii")
    Traceback (most recent call last):
    ...
    corpuskit.errors.InputError: redact_pii: needs no_such_module: pip install 'corpuskit[pii]'
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        message = f"{step}: needs {module}: pip install 'corpuskit[{extra}]'"
        raise InputError(message) from None
