"""repeated_lines: counted over a corpus, mergeable, scoped, silent on small runs."""

from __future__ import annotations

from corpuskit.document import Document
from corpuskit.pipeline import Pipeline
from corpuskit.run.passes import fit_corpus_steps
from corpuskit.steps.repeated import RepeatedLines, line_hash
from tests.conftest import doc_from

PROSE = "Der Gemeinderat hat am Montag den neuen Haushalt mit großer Mehrheit beschlossen."


def pages(count: int, site: str = "a") -> list[Document]:
    return [
        doc_from(
            f"Impressum\nNeueste Kommentare\n{PROSE} Seite {i}.\nNur hier {i}", f"{site}/{i}.txt"
        )
        for i in range(count)
    ]


def fitted(step: RepeatedLines, docs: list[Document]) -> RepeatedLines:
    state = step.new_state()
    for doc in docs:
        step.observe(doc, state)
    return step.fitted(state)


def test_lines_on_many_pages_go_with_their_reason() -> None:
    docs = pages(25)
    step = fitted(RepeatedLines(), docs)
    result = step(docs[3])
    assert result.text == f"{PROSE} Seite 3.\nNur hier 3"
    assert result.edits[-1].removed == {"repeated_line": 2}


def test_long_lines_and_small_runs_are_left_alone() -> None:
    docs = pages(10)
    assert fitted(RepeatedLines(), docs)(docs[0]) is docs[0], "10 pages: too few to count"
    same_prose = [doc_from(f"{PROSE}\nLine {i}", f"p{i}.txt") for i in range(30)]
    step = fitted(RepeatedLines(), same_prose)
    assert step(same_prose[0]) is same_prose[0], "a long line repeated is not furniture"


BLURB = "Wir sind zwei Schwestern, die gern reisen, Neues ausprobieren und hier davon erzählen."


def blog(count: int, blurb_pages: int) -> list[Document]:
    """``count`` pages of one blog, each its own article; the first ``blurb_pages`` carry
    the blog's blurb, a long line, after it."""
    return [
        doc_from(f"{PROSE} Artikel {i} mit eigenem Text.\n{BLURB if i < blurb_pages else ''}")
        for i in range(count)
    ]


def test_a_long_line_on_three_pages_goes_as_a_passage() -> None:
    docs = blog(25, 3)
    assert fitted(RepeatedLines(), docs)(docs[0]) is docs[0], "off by default"
    step = fitted(RepeatedLines(long_min_pages=3), docs)
    result = step(docs[0])
    assert result.text.strip() == f"{PROSE} Artikel 0 mit eigenem Text."
    assert result.edits[-1].removed == {"repeated_passage": 1}
    two = blog(25, 2)
    assert fitted(RepeatedLines(long_min_pages=3), two)(two[0]) is two[0], (
        "on two pages: maybe a quote"
    )
    off = RepeatedLines(long_min_pages=0)
    assert fitted(off, docs)(docs[0]) is docs[0], "0 turns the long lines off"


def test_a_page_made_of_repeated_passages_is_a_copy_left_alone() -> None:
    copy = doc_from(f"{BLURB}\n{BLURB} Noch einmal.\nKurz.")
    copies = [copy, *blog(25, 0)]
    others = [doc_from(f"{BLURB}\n{BLURB} Noch einmal.\n{PROSE} {i}") for i in range(3)]
    step = fitted(RepeatedLines(long_min_pages=3), copies + others)
    assert step(copy) is copy, "its repeated long lines hold over long_share of its words"
    result = step(others[0])
    assert result.edits[-1].removed == {"repeated_passage": 2}, "28 of its 41 words"
    assert (
        fitted(RepeatedLines(long_min_pages=3, long_share=0.5), copies + others)(others[0])
        is others[0]
    )


def test_unfitted_step_changes_nothing() -> None:
    doc = pages(1)[0]
    assert RepeatedLines()(doc) is doc


def test_counts_merge_by_addition() -> None:
    docs = pages(30)
    step = RepeatedLines()
    whole, first, second = step.new_state(), step.new_state(), step.new_state()
    for doc in docs:
        step.observe(doc, whole)
    for doc in docs[:13]:
        step.observe(doc, first)
    for doc in docs[13:]:
        step.observe(doc, second)
    first.merge(second)
    assert first == whole
    assert whole.lines[("", line_hash("Impressum"))] == 30


def test_site_scope_counts_each_site_apart() -> None:
    docs = pages(25, "site-a") + pages(5, "site-b")
    step = fitted(RepeatedLines(scope="site"), docs)
    assert step(docs[0]).edits[-1].removed == {"repeated_line": 2}
    assert step(docs[-1]) is docs[-1], "site-b has too few pages to count"


def test_fit_corpus_steps_runs_the_steps_before() -> None:
    docs = [doc_from(f"IMPRESSUM  \n{PROSE} {i}", f"{i}.txt") for i in range(25)]
    upper = Pipeline([RepeatedLines()])
    fitted_pipeline = fit_corpus_steps(upper, docs)
    result = fitted_pipeline(docs[0])
    assert isinstance(result, Document) and result.text == f"{PROSE} 0"
