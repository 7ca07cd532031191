"""The README's ``corpuskit explain`` example, made by the command itself, never by hand.

``tests/test_readme.py`` runs the command the README shows, cut to the README's width
(``COLUMNS``), and checks the README's block is its output. When the output changes (a
step, the model, the layout), regenerate it:

    python -m tests.readme_explain --write
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.readme_record import README, ROOT, WIDTH

#: The command the README shows (run from the repository's root).
COMMAND = ("explain", "fixtures/pages/004_e49c3928493beb6e.txt")

#: The README's block: the ``text`` block right after the line showing ``COMMAND``.
BLOCK = re.compile(
    r"(\$ corpuskit explain fixtures/pages/004_e49c3928493beb6e\.txt\n)(.*?)(```)", re.S
)


def explained() -> str:
    """What ``corpuskit explain`` prints for the README's page, ``WIDTH`` columns wide."""
    env = {**os.environ, "COLUMNS": str(WIDTH), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "corpuskit", *COMMAND]
    done = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return done.stdout


def main() -> None:
    """Print the block; with ``--write``, put it into the README."""
    text = explained()
    if "--write" in sys.argv[1:]:
        readme = README.read_text(encoding="utf-8")
        README.write_text(BLOCK.sub(lambda m: m[1] + text + m[3], readme), encoding="utf-8")
    print(text, end="")


if __name__ == "__main__":
    main()
