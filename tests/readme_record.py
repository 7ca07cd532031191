"""The README's example record, made from what ``corpuskit clean`` writes, never by hand.

``tests/test_readme.py`` runs the README's first command on the fixtures and checks that
the README's "Output records" block is ``block(record)`` for the second fixture page.
When the record changes (a step, the version, the configuration hash), regenerate it:

    python -m tests.readme_record --write

The record is shown whole but for its text, cut after a few words (said in the README),
laid out to fit the README's width: values that fit on one line stay on it, the others
open one line per item, aligned under their bracket.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

#: The page the README shows, and the words of its text it keeps.
PAGE, WORDS = "fixtures/pages/004_e49c3928493beb6e.txt", 8

#: The width of the README's code blocks.
WIDTH = 92

#: The README's block, from its fence to its fence, found under "## Output records".
BLOCK = re.compile(r"(## Output records\n\n.*?```json\n)(.*?)(```)", re.S)


def clean_fixtures() -> dict[str, Any]:
    """The record of ``PAGE`` as the README's first command writes it (run from the
    repository's root, so the path is the one the README shows)."""
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus.jsonl"
        command = [sys.executable, "-m", "corpuskit", "clean", "fixtures/pages", "-o", str(corpus)]
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    [record] = [r for r in records if r["source"]["path"] == PAGE]
    return record


def shortened(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with its text cut after ``WORDS`` words."""
    words = record["text"].split(" ")
    return {**record, "text": " ".join(words[:WORDS]) + " ..."}


def layout(value: Any, column: int = 0) -> str:
    """``value`` as JSON starting at ``column``, wrapped to ``WIDTH`` (see the module).

    >>> print(layout({"a": [1, 2], "b": "x" * 80}))
    {"a": [1, 2],
     "b": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}
    """
    flat = json.dumps(value, ensure_ascii=False)
    if column + len(flat) <= WIDTH or not isinstance(value, dict | list) or not value:
        return flat
    pairs = value.items() if isinstance(value, dict) else ((None, item) for item in value)
    inner, lines, line = column + 1, [], ""
    for i, (key, item) in enumerate(pairs):
        prefix = "" if key is None else f"{json.dumps(key, ensure_ascii=False)}: "
        piece = prefix + layout(item, inner + len(prefix)) + ("," if i < len(value) - 1 else "")
        if line and ("\n" in piece + line or inner + len(line) + 1 + len(piece) > WIDTH):
            lines.append(line)
            line = piece
        else:
            line = f"{line} {piece}" if line else piece
    lines.append(line)
    opening, closing = "{}" if isinstance(value, dict) else "[]"
    return opening + ("\n" + " " * inner).join(lines) + closing


def block(record: dict[str, Any]) -> str:
    """The README's block for ``record``."""
    return layout(shortened(record)) + "\n"


def main() -> None:
    """Print the block; with ``--write``, put it into the README."""
    text = block(clean_fixtures())
    if "--write" in sys.argv[1:]:
        readme = README.read_text(encoding="utf-8")
        README.write_text(BLOCK.sub(lambda m: m[1] + text + m[3], readme), encoding="utf-8")
    print(text, end="")


if __name__ == "__main__":
    main()
