"""Remove pages that are nearly the same as an earlier page: the ``near_duplicates`` step.

The same article scraped twice rarely cleans to the very same text: one copy keeps a
caption the other lost, one was cut short, one has a line of furniture left. MinHash
(Broder 1997) estimates the Jaccard similarity of two pages' sets of word shingles
(``shingle_size`` consecutive words of ``text_key``) from ``permutations`` minimum
hashes; LSH (locality-sensitive hashing) puts the signatures into ``bands`` buckets so
that only pages sharing a bucket are compared. A page whose estimated similarity to an
earlier *kept* page is at least ``threshold`` is rejected, reason ``near_duplicate``,
the kept page's id and the estimate in the detail. Clusters are formed in input order,
greedily: a page joins the first kept page it resembles, else it is kept itself.

``near_duplicates`` is an **ordered corpus step** (``pipeline.OrderedStep``): greedy in
input order, it can decide each page as it comes. Where it ends the pipeline (as
``--dedup near`` puts it, after ``exact_duplicates``), the executor does so where
records are written: the signature is the page's ``key``, made where it is cleaned, and
``Signatures.decide`` holds only the kept pages' signatures and buckets; no pass, and a
resume rebuilds them from the partial corpus. Anywhere else it counts in a pass:
``observe`` computes each page's signature
(in the process that runs the counting pass); the state is the list of (input number,
position, id, signature), merged by concatenation in any order, and ``fitted`` sorts
it into input order and clusters. So the result is the same with one process, worker
processes or Ray. Memory: the signature, ``permutations`` 32-bit values (512 bytes for
128), and some 350 bytes more a page for its bytes object, the id, the tuple and the
list (tracemalloc: 861 bytes a page over 5,000 pages), never the text; clustering adds
the LSH buckets of the kept pages; the fitted step keeps only the rejected pages' ids.

numpy rather than datasketch: every
shingle of a page is hashed at once from its words' hashes (``shingle_hashes``), and the
``permutations`` hash functions are multiply-shift hashes (``(a * x + b) mod 2^64``,
top 32 bits, ``a`` odd) over all shingles in one array operation, where datasketch
SHA-1s each shingle in Python and reduces modulo a prime. bench/near_duplicates.py
times both on the cleaned traf-dev pages and measures precision and recall.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np

from corpuskit.document import Document, Drop
from corpuskit.steps.duplicates import text_key

#: Words a shingle holds. Five words: long enough that shared phrases ("in the United
#: States") make two different articles look little alike, short enough that a
#: changed word spoils only five shingles (datatrove's MinHash default is 5 too).
SHINGLE_SIZE = 5
#: Estimated Jaccard similarity from which a page is a near duplicate. Measured with
#: bench/near_duplicates.py (the 696 traf-dev pages and 300 copies of 100 of them, made
#: as a crawl meets them): precision 1.000 from 0.6 to 0.9 (no page of another family
#: rejected), recall 0.920 at 0.7 and 0.877 at 0.8, where more of the copies cut after
#: 80% of their lines fall below (85% of them found at 0.7, 74% at 0.8). Re-run it after
#: changing the threshold, the shingle size or the hashing.
THRESHOLD = 0.7
#: Hash functions in a signature: the estimate's standard error is about
#: sqrt(J(1-J)/128) = 0.04 at J = 0.7.
PERMUTATIONS = 128
#: The random permutations are drawn from this seed: the same on every run and machine.
SEED = 1
#: The base of the polynomial that hashes a shingle from its words' hashes (a large odd
#: constant, 2^64 / golden ratio, so that word order matters and bits spread).
SHINGLE_BASE = 0x9E3779B97F4A7C15

#: Where a page was seen, and its signature (bytes of a uint32 array).
Seen = tuple[int, int, str, bytes]


@functools.cache
def lsh_bands(threshold: float, permutations: int) -> tuple[int, int]:
    """The (bands, rows) whose S-curve ``1 - (1 - s^rows)^bands`` best separates pages
    above ``threshold`` from those below: the least false positives plus false
    negatives, integrated over similarity (as datasketch's ``MinHashLSH`` chooses).
    Computed once per setting (some 15 ms: decided page by page, it is asked per page).

    >>> lsh_bands(0.8, 128)
    (9, 13)
    """
    steps = [i / 200 for i in range(201)]
    best, best_error = (1, permutations), float("inf")
    for bands in range(1, permutations + 1):
        for rows in range(1, permutations // bands + 1):
            error = 0.0
            for s in steps:
                p = 1 - (1 - s**rows) ** bands
                error += p if s < threshold else 1 - p
            if error < best_error:
                best, best_error = (bands, rows), error
    return best


def shingle_hashes(text: str, size: int) -> Any:
    """The distinct 64-bit hashes of each run of ``size`` words of ``text_key(text)`` (a
    page shorter than ``size`` words is one shingle), as a numpy array.

    Each word is hashed once (CRC-32, stable across processes, unlike ``hash``) and a
    shingle's hash is the polynomial ``sum(word[i + j] * SHINGLE_BASE ** (size - 1 - j))``
    modulo 2^64, computed for all shingles at once.

    >>> len(shingle_hashes("a b c d e f", 5)), len(shingle_hashes("a b a b a b", 2))
    (2, 2)
    """
    words = text_key(text).split(" ")
    hashes = np.fromiter(
        (zlib.crc32(word.encode("utf-8", "surrogatepass")) for word in words),
        dtype=np.uint64,
        count=len(words),
    )
    count = max(1, len(words) - size + 1)
    shingles = np.zeros(count, dtype=np.uint64)
    base = np.uint64(SHINGLE_BASE)
    for offset in range(min(size, len(words))):
        shingles = shingles * base + hashes[offset : offset + count]
    return np.unique(shingles)


def band_key(band: int, rows: Any) -> bytes:
    """The LSH bucket of one band of a signature: 8 bytes of BLAKE2b of its number and
    values (so equal values in two different bands are different buckets)."""
    return hashlib.blake2b(band.to_bytes(2, "big") + rows.tobytes(), digest_size=8).digest()


@dataclass
class Signatures:
    """Every page's place in the input and MinHash signature; merges by concatenation.

    Decided in input order instead (``decide``, where records are written), it keeps
    only the kept pages' signatures and LSH buckets, for a step of ``threshold`` and
    ``permutations``.
    """

    pages: list[Seen] = field(default_factory=list)
    input: int = 0
    position: int = 0
    threshold: float = THRESHOLD
    permutations: int = PERMUTATIONS
    buckets: dict[bytes, list[int]] = field(default_factory=dict, repr=False)
    kept: list[tuple[str, Any]] = field(default_factory=list, repr=False)

    def begin_input(self, index: int) -> None:
        """Count the next pages as input number ``index``'s, from its first page."""
        self.input, self.position = index, 0

    def add(self, page_id: str, signature: bytes) -> None:
        self.pages.append((self.input, self.position, page_id, signature))
        self.position += 1

    def merge(self, other: Signatures) -> None:
        self.pages.extend(other.pages)

    def decide(self, signature: bytes, page_id: str) -> str | None:
        """Add one page, in input order: why it goes (nearly the same as an earlier kept
        page: that page and the estimate), or None to keep it. The same greedy rule as
        ``NearDuplicates.clusters``, one page at a time."""
        values = np.frombuffer(signature, dtype=np.uint32)
        keys = bucket_keys(values, self.threshold, self.permutations)
        match = best_match(values, keys, self.buckets, self.kept, self.threshold)
        if match is not None:
            return f"near duplicate of {match[0]} (similarity {match[1]})"
        for key in keys:
            self.buckets.setdefault(key, []).append(len(self.kept))
        self.kept.append((page_id, values))
        return None


def bucket_keys(signature: Any, threshold: float, permutations: int) -> list[bytes]:
    """The LSH bucket of each band of ``signature``."""
    bands, rows = lsh_bands(threshold, permutations)
    return [band_key(i, signature[i * rows : (i + 1) * rows]) for i in range(bands)]


def best_match(
    signature: Any,
    keys: list[bytes],
    buckets: dict[bytes, list[int]],
    kept: list[tuple[str, Any]],
    threshold: float,
) -> tuple[str, float] | None:
    """The earliest kept page sharing a bucket whose estimate reaches ``threshold``."""
    candidates = sorted({n for key in keys for n in buckets.get(key, ())})
    for number in candidates:
        page_id, other = kept[number]
        similarity = round(float((signature == other).mean()), 4)
        if similarity >= threshold:
            return page_id, similarity
    return None


@dataclass(frozen=True)
class NearDuplicates:
    """Step ``near_duplicates``: reject a page whose word shingles are at least
    ``threshold`` alike (MinHash estimate) to an earlier kept page's.

    See the module docstring for the method, order and memory. Unfitted, it changes
    nothing.
    """

    threshold: float = THRESHOLD
    shingle_size: int = SHINGLE_SIZE
    permutations: int = PERMUTATIONS
    kept_as: dict[str, tuple[str, float]] | None = field(default=None, compare=False, repr=False)
    hash_parameters: tuple[Any, Any] = field(init=False, compare=False, repr=False)
    name: ClassVar[str] = "near_duplicates"
    reason: ClassVar[str] = "near_duplicate"

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= 1 or self.shingle_size < 1 or self.permutations < 2:
            raise ValueError(
                "near_duplicates: threshold in (0, 1], shingle_size >= 1, permutations >= 2"
            )
        generator = np.random.Generator(np.random.PCG64(SEED))
        top = np.iinfo(np.uint64).max
        a = generator.integers(0, top, size=self.permutations, dtype=np.uint64, endpoint=True)
        b = generator.integers(0, top, size=self.permutations, dtype=np.uint64, endpoint=True)
        a |= np.uint64(1)  # multiply-shift hashing wants an odd multiplier
        object.__setattr__(self, "hash_parameters", (a, b))

    @property
    def config(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "shingle_size": self.shingle_size,
            "permutations": self.permutations,
            "seed": SEED,
        }

    def new_state(self) -> Signatures:
        return Signatures(threshold=self.threshold, permutations=self.permutations)

    def key(self, doc: Document) -> bytes:
        """What a page is known by when decided in input order: its signature."""
        return self.signature(doc.text)

    def observe(self, doc: Document, state: Signatures) -> None:
        state.add(doc.id, self.signature(doc.text))

    def signature(self, text: str) -> bytes:
        """The MinHash signature of ``text``: ``permutations`` uint32 values, as bytes."""
        a, b = self.hash_parameters
        values = (np.outer(shingle_hashes(text, self.shingle_size), a) + b) >> np.uint64(32)
        signature: bytes = values.min(axis=0).astype(np.uint32).tobytes()
        return signature

    def fitted(self, state: Signatures) -> NearDuplicates:
        """This step with the rejected pages' kept page and similarity, found by
        clustering every page in input order."""
        return replace(self, kept_as=self.clusters(state))

    def clusters(self, state: Signatures) -> dict[str, tuple[str, float]]:
        """id of each near duplicate -> (id of the kept page it resembles, estimate)."""
        buckets: dict[bytes, list[int]] = {}
        kept: list[tuple[str, Any]] = []
        found: dict[str, tuple[str, float]] = {}
        for _, _, page_id, raw in sorted(state.pages, key=lambda seen: seen[:2]):
            signature = np.frombuffer(raw, dtype=np.uint32)
            keys = bucket_keys(signature, self.threshold, self.permutations)
            match = best_match(signature, keys, buckets, kept, self.threshold)
            if match is not None:
                found[page_id] = match
                continue
            for key in keys:
                buckets.setdefault(key, []).append(len(kept))
            kept.append((page_id, signature))
        return found

    def __call__(self, doc: Document) -> Document | Drop:
        if not self.kept_as or doc.id not in self.kept_as:
            return doc
        kept, similarity = self.kept_as[doc.id]
        detail = f"near duplicate of {kept} (similarity {similarity})"
        return Drop(self.name, self.reason, doc.source, detail, doc)
