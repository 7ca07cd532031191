"""``python -m corpuskit``: the ``corpuskit`` command, where its script is not on PATH."""

from corpuskit.cli import main

main()
