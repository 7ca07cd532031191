"""The declared charset: bs4's answer on every input, in linear time.

bs4's ``EncodingDetector.find_declared_encoding`` is the oracle: the dev sets' naive
texts were decoded with it, and ``readers/charset.py`` only changes how long it takes.
"""

from __future__ import annotations

import gzip
import time

import pytest
from bs4.dammit import EncodingDetector
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.readers.charset import declared_label
from tests.conftest import SHARED

#: Pieces of markup that meet every branch of bs4's patterns: tags in either case, the
#: attribute, spaces of each kind around ``=``, quotes, the bytes that end a value.
PIECES = [
    *(b"<meta", b"< \tMeta", b"<META", b"<", b">", b"<?xml", b"?>", b"encoding="),
    *(b"charset", b"Charset", b"=", b" ", b"\t", b"\n", b'"', b"'", b"/", b";"),
    *(b"utf-8", b"GBK", b"x"),
]

markup = st.lists(st.sampled_from(PIECES), max_size=14).map(b"".join)


@settings(max_examples=2000)
@given(markup)
def test_the_label_is_bs4s(raw: bytes) -> None:
    assert declared_label(raw) == EncodingDetector.find_declared_encoding(raw, is_html=True)


@settings(max_examples=200)
@given(st.integers(2000, 80_000), markup)
def test_the_label_is_bs4s_at_the_edge_of_the_window(size: int, tail: bytes) -> None:
    """bs4 looks at the first 2,048 bytes or 5% of the page: a tag cut by that edge."""
    raw = b"x" * size + tail + b"y" * (size // 19)
    assert declared_label(raw) == EncodingDetector.find_declared_encoding(raw, is_html=True)


@pytest.mark.parametrize("unit", [b"<meta", b"<meta charset", b"<meta charset=x", b"< meta"])
def test_work_grows_linearly_with_the_page(unit: bytes) -> None:
    """A page of ``<meta<meta...`` cost bs4's pattern the square of its window (4 MB:
    16 s); here ten times the page costs about ten times the CPU, not a hundred."""

    def cost(size: int) -> float:
        raw = unit * (size // len(unit))
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            declared_label(raw)
            best = min(best, time.process_time() - start)
        return best

    small, large = cost(2_000_000), cost(20_000_000)  # windows of 100 KB and 1 MB
    assert large <= 15 * small, (small, large)


@pytest.mark.bench
@pytest.mark.skipif(not (SHARED / "bench").is_dir(), reason="the dev sets are not here")
def test_the_label_is_bs4s_on_every_dev_page() -> None:
    pages = sorted((SHARED / "bench").glob("*-dev/pages/*.html.gz"))
    assert len(pages) > 1600  # traf-dev and dragnet-dev
    for page in pages:
        raw = gzip.decompress(page.read_bytes())
        found = EncodingDetector.find_declared_encoding(raw, is_html=True)
        assert declared_label(raw) == found, page.name
