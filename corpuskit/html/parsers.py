"""The names of the HTML parsers ``tree.parse`` offers, apart from the parsers themselves
so that options can be checked (``ReadOptions``, the CLI) without loading lxml or bs4."""

#: The HTML parsers; the first is the default (docs/html.md).
PARSERS = ("lxml", "bs4")
DEFAULT_PARSER = PARSERS[0]
