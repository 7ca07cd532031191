"""Remove pages whose cleaned text another page already has: the ``exact_duplicates`` step.

The same article is often scraped twice: under two URLs, in two crawls, as a print view.
Once the furniture around it is gone, the two texts are the same, and a corpus should
hold it once.

``exact_duplicates`` is an **ordered corpus step** (``pipeline.OrderedStep``): it
remembers, for each distinct text, the first page that had it: ``text_hash`` of the
text's ``text_key`` (casefolded, whitespace collapsed) -> (input number, position, page
id), keeps that page and rejects every other page with the same key, reason
``duplicate``, the kept page's id in the detail (``duplicate of 4f41eabefa633d2e``). It
is in the default pipeline, last (``--dedup off`` leaves it out).

A page is judged by the pages before it alone, so it needs no pass of its own: where
the cleaned pages come back in input order, the executor shows each page's digest
(``key``, made where the page was cleaned) to ``FirstPages.decide`` and drops a copy
there, as records are written (``run/sink.py``), or in the counting pass of the corpus
step right after it (``near_duplicates``); a resumed run rebuilds the digests from the
corpus written so far. That costs a digest per page (under 1% of a run), where a pass
of its own cost 30%. Placed elsewhere in a recipe, it counts in a pass like any corpus
step (``observe``, then ``fitted``), with the same result.

"First" means first in input order, whatever runs the step: one process, worker
processes (pages come back to this process in order) or Ray. Ray tasks that count one
input each merge their states in any order, so each state records where a text was
first seen as (input number, position in that input) and ``merge`` keeps the smaller;
``begin_input`` tells a state which input it is counting (``RayExecutor`` calls it; one
local pass counts everything as input 0, in order).

Memory: one entry per *distinct* text, never the text itself: a 16-byte BLAKE2b digest,
two small integers and the 16-character id: about 200 bytes a page in CPython
(tracemalloc: 197 bytes a page over 100,000 pages; up to some 300 just after the table
grows; tests/steps/test_duplicates.py checks the bound), so 200-300 MB for a million
distinct pages. The fitted state goes to worker processes by fork
and to Ray tasks once, by reference.

A page given twice (the same file named twice) has the same id both times; the id is
what tells the kept page, so both copies are kept. Different files, JSONL lines and
WARC records have different ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from corpuskit.document import Document, Drop

#: Bytes of the BLAKE2b digest a text is known by. 16 bytes (128 bits): two different
#: texts share one with probability about n²/2¹²⁹, nothing for any corpus (10¹² pages
#: give 10⁻¹⁵); 8 bytes would be 1 in 40,000 at a billion pages.
DIGEST_SIZE = 16

#: Where a text was first seen: (input number, position in that input, page id).
FirstSeen = tuple[int, int, str]


def text_key(text: str) -> str:
    """The form two texts must share to be duplicates: casefolded, every run of
    whitespace (line breaks included) one space, none at the ends.

    Case and layout differ between two copies of one article (a title in capitals, a
    paragraph broken differently); the words and punctuation do not, so those count.

    >>> text_key("  Die STRASSE\\n\\n ist   gesperrt. ")
    'die strasse ist gesperrt.'
    >>> text_key("Die Straße ist gesperrt.") == text_key("DIE STRASSE IST GESPERRT.")
    True
    """
    return " ".join(text.casefold().split())


def text_hash(text: str) -> bytes:
    """The ``DIGEST_SIZE``-byte BLAKE2b digest of ``text_key(text)``: stable across runs
    and processes.

    >>> text_hash("Hello,  World") == text_hash("hello, world"), len(text_hash("x"))
    (True, 16)
    """
    key = text_key(text).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(key, digest_size=DIGEST_SIZE).digest()


@dataclass
class FirstPages:
    """For each text digest, where it was first seen; merges by keeping the earlier.

    >>> a, b = FirstPages(), FirstPages()
    >>> b.begin_input(1); b.add(b"k", "late")
    >>> a.begin_input(0); a.add(b"k", "early")
    >>> b.merge(a); b.first[b"k"]
    (0, 0, 'early')
    """

    first: dict[bytes, FirstSeen] = field(default_factory=dict)
    input: int = 0
    position: int = 0

    def begin_input(self, index: int) -> None:
        """Count the next pages as input number ``index``'s, from its first page."""
        self.input, self.position = index, 0

    def add(self, digest: bytes, page_id: str) -> None:
        """One more page, with its text's digest, at the next position."""
        seen = (self.input, self.position, page_id)
        self.position += 1
        known = self.first.get(digest)
        if known is None or seen < known:
            self.first[digest] = seen

    def decide(self, digest: bytes, page_id: str) -> str | None:
        """Add one page, in input order; why it goes (a copy of an earlier page: that
        page's id) or None to keep it.

        >>> pages = FirstPages()
        >>> pages.decide(b"k", "a"), pages.decide(b"k", "b"), pages.decide(b"k", "a")
        (None, 'duplicate of a', None)
        """
        self.add(digest, page_id)
        first = self.first[digest][2]
        return None if first == page_id else f"duplicate of {first}"

    def merge(self, other: FirstPages) -> None:
        """Add ``other``'s pages; for a text both saw, the earlier page wins."""
        first = self.first
        for digest, seen in other.first.items():
            known = first.get(digest)
            if known is None or seen < known:
                first[digest] = seen


@dataclass(frozen=True)
class ExactDuplicates:
    """Step ``exact_duplicates``: keep the first page with a text, reject the others.

    Texts are compared by ``text_hash`` (``text_key``: casefold, whitespace collapsed);
    the page kept is the first in input order. Unfitted (``clean_text`` on one page), it
    changes nothing. See the module docstring for order, memory and ids.
    """

    first: Mapping[bytes, FirstSeen] | None = field(default=None, compare=False, repr=False)
    name: ClassVar[str] = "exact_duplicates"
    reason: ClassVar[str] = "duplicate"

    @property
    def config(self) -> dict[str, Any]:
        return {"key": "casefold, whitespace collapsed", "digest": f"blake2b-{DIGEST_SIZE}"}

    def new_state(self) -> FirstPages:
        return FirstPages()

    def key(self, doc: Document) -> bytes:
        """What a page is known by: its text's digest (``text_hash``)."""
        return text_hash(doc.text)

    def observe(self, doc: Document, state: FirstPages) -> None:
        state.add(text_hash(doc.text), doc.id)

    def fitted(self, state: FirstPages) -> ExactDuplicates:
        """This step with every text's first page."""
        return replace(self, first=state.first)

    def __call__(self, doc: Document) -> Document | Drop:
        if self.first is None:
            return doc
        seen = self.first.get(text_hash(doc.text))
        if seen is None or seen[2] == doc.id:
            return doc
        return Drop(self.name, self.reason, doc.source, f"duplicate of {seen[2]}", doc)
