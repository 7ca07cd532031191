"""Corpus passes: input read once, order kept, drops passed through, spools removed."""

from __future__ import annotations

from collections.abc import Iterator

from corpuskit.document import Document, Drop, Source
from corpuskit.pipeline import Pipeline, normalizer
from corpuskit.run.passes import corpus_passes
from corpuskit.steps.repeated import RepeatedLines
from tests.conftest import doc_from


def test_without_corpus_steps_nothing_is_read() -> None:
    pipeline = Pipeline([normalizer(str.strip, name="strip")])
    items = iter([doc_from("x")])
    fitted, remaining, stream = corpus_passes(pipeline, items)
    assert fitted is pipeline and remaining is pipeline and stream is items


def test_input_is_read_once_and_order_and_drops_are_kept() -> None:
    reads = []

    def source() -> Iterator[Document | Drop]:
        for i in range(30):
            reads.append(i)
            if i == 7:
                yield Drop("read", "not_found", Source("missing"))
            else:
                yield doc_from(f" Menu \nPage {i} text.", f"{i}.txt")

    strip = normalizer(lambda t: "\n".join(line.strip() for line in t.split("\n")), name="strip")
    pipeline = Pipeline([strip, RepeatedLines()])
    fitted, remaining, stream = corpus_passes(pipeline, source())
    results = [remaining(d) if isinstance(d, Document) else d for d in stream]
    assert reads == list(range(30))
    assert remaining.names == ("repeated_lines",)
    assert fitted.names == pipeline.names
    assert isinstance(results[7], Drop)
    texts = [r.text for r in results if isinstance(r, Document)]
    assert texts[0] == "Page 0 text." and len(texts) == 29
    assert [e.step for e in results[0].edits] == ["strip", "repeated_lines"]  # type: ignore[union-attr]
