"""Phrase lists and patterns as data: TOML files beside this module, one per concern.

``junk.toml`` holds the junk-line rules, ``metadata.toml`` the byline and dateline
vocabulary. They are read on first use by the object that compiles them (the step that
owns them), never cached here, so tests and users can build steps from other tables.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any


def load_table(name: str) -> dict[str, Any]:
    """The TOML table ``corpuskit/data/<name>.toml`` as a dict.

    >>> sorted(load_table("junk")["rules"])[:2]
    ['advertisement', 'comment_widget']
    """
    text = resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)
