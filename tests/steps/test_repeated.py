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
