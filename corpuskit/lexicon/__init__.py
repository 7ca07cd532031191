"""Language knowledge shared by the HTML reader (``html/``) and the steps (``steps/``).

Dates and how pages write them (``dates``), the byline and dateline vocabulary
(``metadata``), stopword lists (``stopwords``), small views of a line (``lines``) and the
names of the HTML line features (``layout``). It imports neither ``html/`` nor ``steps/``,
so the two can share it without importing each other.
"""
