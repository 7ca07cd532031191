"""HTML mode's titles against trafilatura's, before and after the headline is cut out
of a title (``corpuskit.html.fields.printed_title``).

    python bench/html_titles.py ../shared/bench/traf-dev ../shared/bench/dragnet-dev

For every page: the title the metadata sources give by precedence (``fields.choose``,
"before"), the same cut to its headline where the page's ``<h1>`` or its site name
says so ("after", as ``html.extraction.page_fields`` does), and trafilatura's title
(``bare_extraction(..., with_metadata=True).title``, cached by version). Printed per
set: the pages where both have a title, how many agree exactly (case and runs of
spaces aside) and loosely (one contains the other), and how many titles the cut
changed, with ``--changes`` each of them beside trafilatura's. Agreement with
trafilatura is not correctness: trafilatura keeps a " - Site" suffix where ``og:title``
has one, so a title cut to its headline agrees less with it on such pages.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import warnings
from pathlib import Path

from devsets import DevSet, anchor_version, cached

from corpuskit.html.fields import TITLE_SEPARATORS, choose, printed_title
from corpuskit.html.metadata import METADATA_TAGS, tag_candidates
from corpuskit.html.tree import parse
from corpuskit.html.values import clean
from corpuskit.readers.decode import decode_bytes


def plain(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def trafilatura_titles(devset: DevSet) -> dict[str, str | None]:
    """By page id, trafilatura's title of the page's bytes."""
    import trafilatura

    def run() -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for page_id in devset.ids:
            raw = gzip.decompress(devset.page_path(page_id, "html").read_bytes())
            found = trafilatura.bare_extraction(raw, include_comments=False, with_metadata=True)
            out[page_id] = None if found is None else found.title
        return out

    name = f"titles-trafilatura-{anchor_version('trafilatura')}-{devset.name}.pickle"
    return dict(cached(name, run))


def declared(devset: DevSet) -> dict[str, tuple[dict[str, list[str]], list[str]]]:
    """By page id, the page's metadata candidates and its ``<h1>`` texts (not cached:
    they change with the code)."""
    out = {}
    for page_id in devset.ids:
        raw = gzip.decompress(devset.page_path(page_id, "html").read_bytes())
        tree = parse(decode_bytes(raw, html=True)[0])
        head = tree.find("head")
        found = tag_candidates(tree, tree.find_all(head, METADATA_TAGS) if head is not None else [])
        headings = [clean(tree.text(h1)) for h1 in tree.find_all(tree.root, ("h1",))]
        out[page_id] = (found, headings)
    return out


def compare(devset: DevSet, changes: bool) -> list[str]:
    theirs = trafilatura_titles(devset)
    counts: dict[str, int] = dict.fromkeys(("both", "before", "after", "lb", "la", "cut"), 0)
    lines = []
    for page_id, (found, headings) in declared(devset).items():
        fields = choose(found)
        before = after = fields.title
        if before is not None and any(mark in before for mark in TITLE_SEPARATORS):
            after = printed_title(before, fields.site_name, headings)
        other = theirs[page_id]
        counts["cut"] += after != before
        if changes and after != before:
            lines.append(f"  {page_id}: {before!r} -> {after!r} (trafilatura {other!r})")
        if before is None or other is None:
            continue
        counts["both"] += 1
        for key, loose, ours in (("before", "lb", before), ("after", "la", after or "")):
            counts[key] += plain(ours) == plain(other)
            counts[loose] += plain(ours) in plain(other) or plain(other) in plain(ours)
    both = counts["both"]
    head = (
        f"{devset.name}: {both} pages with both titles; equal to trafilatura's: before"
        f" {counts['before']} = {counts['before'] / both:.3f}, after {counts['after']} ="
        f" {counts['after'] / both:.3f}; one inside the other: before {counts['lb']}, after"
        f" {counts['la']}; titles cut: {counts['cut']}"
    )
    return [head, *lines]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", type=Path, nargs="+", help="dev sets")
    parser.add_argument("--changes", action="store_true", help="list every title cut")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # XHTML parsed as HTML: noise for a benchmark
    for folder in args.folders:
        print("\n".join(compare(DevSet.of(folder), args.changes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
