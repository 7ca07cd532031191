"""Summaries in bounded memory, so a report reads a corpus of any size in one pass.

``TopCounter`` keeps the most frequent keys of a stream (removed lines, duplicate
clusters) without a counter per distinct key; ``Histogram`` counts values into fixed
log-spaced bins (page lengths), so it is as big for a billion pages as for ten. Both are
plain data with no I/O, and both say how exact they are.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, TypeVar

K = TypeVar("K", bound=Hashable)


class Estimate(NamedTuple, Generic[K]):
    """A key's estimated count: the true count is between ``times - error`` and ``times``."""

    key: K
    times: int
    error: int


class TopCounter(Generic[K]):
    """Counts of the most frequent keys, holding at most ``capacity`` keys (Space-Saving).

    Exact until ``capacity`` distinct keys have been seen. Then the less frequent half is
    evicted at once, and ``floor`` becomes the largest count evicted: a key that arrives
    afterwards may have been seen up to ``floor`` times before, so it starts at
    ``floor + n`` with ``error = floor`` (Metwally, Agrawal and El Abbadi's Space-Saving,
    evicting in batches so that the cost is a sort per ``capacity / 2`` new keys rather
    than a search per key). Every count is an upper bound, ``count - error`` a lower
    bound, and a key seen more than ``floor`` times is always held.

    >>> top = TopCounter[str](capacity=4)
    >>> for word in "a a a b b c d e a b f".split():
    ...     evicted = top.add(word)
    >>> top.most_common(2)
    [Estimate(key='a', times=4, error=0), Estimate(key='b', times=3, error=0)]
    >>> top.floor, "f" in top, top.exact
    (1, True, False)
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 2:
            raise ValueError(f"capacity must be at least 2, not {capacity}")
        self.capacity = capacity
        self.floor = 0
        self._counts: dict[K, int] = {}
        self._errors: dict[K, int] = {}

    def __contains__(self, key: object) -> bool:
        return key in self._counts

    def __len__(self) -> int:
        return len(self._counts)

    @property
    def exact(self) -> bool:
        """Whether nothing was ever evicted, so every count is exact."""
        return self.floor == 0

    def add(self, key: K, n: int = 1) -> list[K]:
        """Count ``key`` ``n`` more times; the keys evicted to make room (mostly none)."""
        if key in self._counts:
            self._counts[key] += n
            return []
        evicted = self._evict() if len(self._counts) >= self.capacity else []
        self._counts[key] = self.floor + n
        self._errors[key] = self.floor
        return evicted

    def _evict(self) -> list[K]:
        ranked = sorted(self._counts, key=self._counts.__getitem__)
        evicted = ranked[: len(ranked) // 2]
        self.floor = max(self.floor, self._counts[evicted[-1]])
        for key in evicted:
            del self._counts[key], self._errors[key]
        return evicted

    def most_common(self, n: int) -> list[Estimate[K]]:
        """The ``n`` keys with the highest counts, highest first (ties: first seen first)."""
        keys = heapq.nlargest(n, self._counts, key=self._counts.__getitem__)
        return [Estimate(key, self._counts[key], self._errors[key]) for key in keys]


#: Bins per power of ten in a ``Histogram``: a bin's upper edge is 1.58 times its lower
#: one, fine enough to see the shape of page lengths, which span five decades.
BINS_PER_DECADE = 5

#: The highest power of ten a ``Histogram`` bins; larger values share the last bin.
DECADES = 10


def _log_edges() -> tuple[float, ...]:
    """0, 1, then ``BINS_PER_DECADE`` log-spaced edges per decade up to ``10**DECADES``."""
    steps = range(BINS_PER_DECADE * DECADES + 1)
    return (0.0, *(round(10 ** (i / BINS_PER_DECADE), 6) for i in steps))


@dataclass
class Histogram:
    """Counts of non-negative values in fixed log-spaced bins, with their exact total,
    smallest and largest value.

    Bin ``i`` holds the values in ``[edges[i], edges[i + 1])``; the last bin holds
    everything from its lower edge up. Quantiles are read off the bins, so they are
    known to a bin's width (a factor of 1.58).

    >>> lengths = Histogram()
    >>> for n in (0, 5, 120, 130, 4000):
    ...     lengths.add(n)
    >>> lengths.count, lengths.total, lengths.smallest, lengths.largest
    (5, 4255, 0, 4000)
    >>> [(low, high, n) for low, high, n in lengths.bins()][:2]
    [(0.0, 1.0, 1), (1.0, 1.584893, 0)]
    >>> lengths.quantile(0.5)
    125.9
    """

    edges: tuple[float, ...] = field(default_factory=_log_edges)
    counts: list[int] = field(default_factory=list)
    count: int = 0
    total: int = 0
    smallest: int | None = None
    largest: int | None = None

    def __post_init__(self) -> None:
        if not self.counts:
            self.counts = [0] * (len(self.edges) - 1)

    def add(self, value: int) -> None:
        """Count one value."""
        index = min(bisect_right(self.edges, value) - 1, len(self.counts) - 1)
        self.counts[max(index, 0)] += 1
        self.count += 1
        self.total += value
        self.smallest = value if self.smallest is None else min(self.smallest, value)
        self.largest = value if self.largest is None else max(self.largest, value)

    def bins(self) -> list[tuple[float, float, int]]:
        """``(low, high, count)`` from the first bin holding a value to the last one."""
        used = [i for i, n in enumerate(self.counts) if n]
        if not used:
            return []
        span = range(used[0], used[-1] + 1)
        return [(self.edges[i], self.edges[i + 1], self.counts[i]) for i in span]

    def quantile(self, q: float) -> float | None:
        """The value below which a share ``q`` of the values lie, to a bin's width: the
        geometric middle of the bin that holds it (None when empty)."""
        if not self.count:
            return None
        rank = q * self.count
        seen = 0
        for i, n in enumerate(self.counts):
            seen += n
            if n and seen >= rank:
                low, high = self.edges[i], self.edges[i + 1]
                return round(math.sqrt(low * high) if low else high / 2, 1)
        return float(self.largest or 0)
