"""Pages per site: how much of each site's text the cleaning kept, and what it removed.

A site is what ``repeated_lines`` counts a line per when its ``scope`` is ``site`` (one
vocabulary): the host of the page's URL (``urlsplit(url).hostname``, so lowercase and
without the port; ``www.example.org`` and ``example.org`` are two sites, as they are
there), or, for a page without a URL (text dumps, JSONL without a ``url`` field), the
folder of the file it was read from (``pages/a.txt`` -> ``pages``; a JSONL or WARC
file's own folder), the path itself when it has no folder.

A crawl can hold millions of hosts, so sites are counted in a ``TopCounter`` and only
the sites it holds keep their details (pages, characters, lines removed by rule); a
site evicted and seen again starts its details afresh, and its page count is then an
estimate with a known error, as everywhere else in the report. A site's removed lines
are counted as ``(site, line)`` pairs in one ``TopCounter`` for the whole corpus: a
site's furniture is removed from each of its pages, so its pairs are among the most
frequent and stay held (with an error of at most the corpus's removed lines over the
capacity), while the lines a page alone had come and go.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from corpuskit.reporting.bounded import Estimate, TopCounter
from corpuskit.reporting.removed import LineKey, line_key

#: Sites held at once: far more than a table shows (``html.TOP_ROWS``), so that the
#: biggest sites of a crawl with many small ones keep exact counts.
SITES_CAPACITY = 2_000

#: ``(site, line)`` pairs held at once: as many as the corpus's removed lines
#: (``stats.REMOVED_LINES_CAPACITY``), for the same reasons. traf-dev's 634 sites (its
#: HTML pages, cleaned with ``--audit``) have 40,403 pairs: exact.
SITE_LINES_CAPACITY = 100_000


def site_of(url: str | None, path: str) -> str:
    """The site of a page: its URL's host, else the folder of the file it came from.

    >>> site_of("https://WWW.Example.org:8080/a/b?c", "crawl.warc.gz")
    'www.example.org'
    >>> site_of(None, "pages/news/a.txt"), site_of(None, "dump.jsonl"), site_of("x", "p/a")
    ('pages/news', 'dump.jsonl', 'x')
    """
    if url:
        return urlsplit(url).hostname or url
    return os.path.dirname(path) or path


@dataclass
class Site:
    """One site's pages (kept and rejected), characters read and kept, and the lines
    removed from them by rule."""

    name: str
    pages: int = 0
    rejected: int = 0
    chars_in: int = 0
    chars: int = 0
    rules: Counter[str] = field(default_factory=Counter)

    @property
    def kept_share(self) -> float | None:
        """Characters kept over characters read (None before any was read)."""
        return self.chars / self.chars_in if self.chars_in else None


class Sites:
    """The sites of a corpus, the biggest held with their details, and their most
    removed lines (see the module docstring)."""

    def __init__(self, capacity: int = SITES_CAPACITY, lines: int = SITE_LINES_CAPACITY) -> None:
        self.counter = TopCounter[str](capacity)
        self.details: dict[str, Site] = {}
        self.lines = TopCounter[tuple[str, LineKey]](lines)

    def site(self, url: str | None, path: str) -> Site:
        """Count one more page of its site; the site's details, to add the page to."""
        name = site_of(url, path)
        for evicted in self.counter.add(name):
            self.details.pop(evicted, None)
        return self.details.setdefault(name, Site(name))

    def add_line(self, site: Site, rule: str, text: str) -> None:
        """Count one non-blank line removed from a page of ``site``."""
        self.lines.add((site.name, line_key(rule, text)))

    def biggest(self, n: int) -> list[tuple[Site, int, int]]:
        """The ``n`` sites with the most pages: each with its page count (kept and
        rejected, an upper bound) and the error of that bound (0 while exact)."""
        return [(self.details[e.key], e.times, e.error) for e in self.counter.most_common(n)]

    def top_lines(self, names: Collection[str], n: int) -> dict[str, list[Estimate[LineKey]]]:
        """The ``n`` most removed lines of each site in ``names`` (one pass over the
        pairs held, so as long whatever the number of sites asked for)."""
        found: dict[str, list[Estimate[LineKey]]] = {name: [] for name in names}
        for (site, key), times, error in self.lines.most_common(len(self.lines)):
            if site in found and len(found[site]) < n:
                found[site].append(Estimate(key, times, error))
        return found

    def __len__(self) -> int:
        return len(self.counter)
