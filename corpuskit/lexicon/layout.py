"""The names of the HTML line features: what ``Document.layout`` holds for each line.

The HTML text walk (``html/layout.py``) writes one row of these per line of a page; the
line classifier (``steps/classify/``) reads them. Both import the names from here, so
neither imports the other.
"""

from __future__ import annotations

#: The HTML features of a line, appended to the line features of ``steps/classify/features.py``.
LAYOUT_NAMES: tuple[str, ...] = (
    "html_link", "html_junk_word", "html_content_word", "html_hidden", "html_heading",
    "html_list_item", "html_table_cell", "html_paragraph", "html_furniture", "html_main",
    "html_emphasis", "html_figure", "html_junk_word_in_main", "html_comment",
    "html_block_link_density",
    "html_main_share", "html_main_heading", "html_main_item", "html_main_junk_word",
    "html_container_score", "html_readability", "html_named_main",
)  # fmt: skip

#: A page's layout: one row of ``LAYOUT_NAMES`` values per line of its text.
Layout = tuple[tuple[float, ...], ...]
