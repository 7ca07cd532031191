"""Adapters that run corpuskit inside other data tools, one module per ecosystem.

- ``hf``: Hugging Face ``datasets``: the schema to load a corpus with
  (``features``, ``load_corpus``) and ``cleaner``, a function for ``Dataset.map``.
- ``datatrove``: ``CorpuskitStep``, a datatrove pipeline step.

The plain-Python interface needs no other package, so it is in the core API:
``corpuskit.clean_records`` (dict records in, corpus records out).

Each adapter is a thin layer over the same pieces the command line uses
(``readers.page.read_page``, ``executors.finish``, ``Provenance``), so a page cleaned
through any of them comes out with the text, fields and provenance ``corpuskit clean``
gives it. The other tools are optional extras: importing an adapter without its package
raises an ``ImportError`` that names the extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def require(module: str, extra: str) -> ModuleType:
    """Import ``module``, or raise an ImportError saying which corpuskit extra installs it.

    >>> require("corpuskit_no_such_module", "hf")
    Traceback (most recent call last):
    ...
    ImportError: corpuskit_no_such_module is not installed: pip install 'corpuskit[hf]'
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        message = f"{module} is not installed: pip install 'corpuskit[{extra}]'"
        raise ImportError(message, name=module) from error
