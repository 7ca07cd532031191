"""repeated_lines: counted over a corpus, mergeable, scoped, silent on small runs."""

from __future__ import annotations

import pickle
import tracemalloc

from corpuskit.document import Document
from corpuskit.explain import explain
from corpuskit.pipeline import Pipeline
from corpuskit.run.passes import fit_corpus_steps
from corpuskit.steps.repeated import RepeatedLines, line_hash, page_key
from tests.conftest import bench_pages, doc_from

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
    step = fitted(RepeatedLines(long_min_pages=0), same_prose)
    assert step(same_prose[0]) is same_prose[0], "long lines not counted"


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
    step = fitted(RepeatedLines(), docs)
    result = step(docs[0])
    assert result.text.strip() == f"{PROSE} Artikel 0 mit eigenem Text."
    assert result.edits[-1].removed == {"repeated_passage": 1}
    [removed] = result.edits[-1].lines
    assert removed.features == {
        "pages": 3,
        "same_pages": 1,
        "same_pages_words": 13,
        "same_pages_share": 0.433,
    }, "on 3 pages, alone there: furniture"
    two = blog(25, 2)
    assert fitted(RepeatedLines(long_min_pages=3), two)(two[0]) is two[0], (
        "on two pages: maybe a quote"
    )
    off = RepeatedLines(long_min_pages=0)
    assert fitted(off, docs)(docs[0]) is docs[0], "0 turns the long lines off"


def test_a_block_of_long_lines_on_the_same_pages_is_a_copy_left_alone() -> None:
    """Four long lines on the same three pages and most of their long text: an article
    copied. The same four lines beside a longer article of the page's own: furniture."""
    article = [f"{PROSE} Absatz {n} des Artikels, der dreimal erschienen ist." for n in range(4)]
    copies = [doc_from("\n".join([f"Kopie {n}", *article]), f"copy{n}.txt") for n in range(3)]
    step = fitted(RepeatedLines(), copies + blog(25, 0))
    assert all(step(copy) is copy for copy in copies)
    block = {"pages": 3, "same_pages": 4, "same_pages_words": 80, "same_pages_share": 1.0}
    assert step.judged(copies[0]) == {index: block for index in range(1, 5)}
    sidebars = [
        doc_from(
            "\n".join(
                [*(f"{PROSE} Absatz {k} der Seite {n}, nur hier." for k in range(5)), *article]
            ),
            f"site{n}.txt",
        )
        for n in range(3)
    ]
    step = fitted(RepeatedLines(), sidebars + blog(25, 0))
    result = step(sidebars[0])
    assert result.edits[-1].removed == {"repeated_passage": 4}, "80 of 175 words: 0.457"
    assert step.judged(sidebars[0]) == {}
    assert fitted(RepeatedLines(long_share=0.4), sidebars + blog(25, 0))(sidebars[0]) is sidebars[0]


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
    second.merge(first)
    assert second == whole, "merged in any order"
    assert whole.lines[("", line_hash("Impressum"))] == 30
    prose = ("", line_hash(f"{PROSE} Seite 3."))
    assert whole.lines[prose] == 1 and whole.long_keys[prose] == page_key(docs[3])
    assert whole.fewest[prose] == len(f"{PROSE} Seite 3.".split())


def test_memory_per_distinct_long_line() -> None:
    """A long line costs its count, the sum of its pages' keys and the fewest words of
    a page it is on: 231 bytes in memory (124 of them the count alone), 40 pickled."""
    docs = [doc_from("\n".join(f"{PROSE} {n} Zeile {k}." for k in range(20))) for n in range(500)]
    step, state = RepeatedLines(), RepeatedLines().new_state()
    for doc in docs:
        step.hashed.of_lines(doc.text.split("\n"))  # the memo of lines is not the state
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for doc in docs:
        step.observe(doc, state)
    per_line = (tracemalloc.get_traced_memory()[0] - before) / 10_000
    tracemalloc.stop()
    assert len(state.long_keys) == len(state.fewest) == 10_000
    assert 150 < per_line < 300, per_line
    assert len(pickle.dumps(state)) < 60 * 10_000


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


SITE_BLURB = (
    "We are two sisters who love to travel, cook and try new things, and this is where "
    "we write about all of it, one post a week."
)


def test_an_article_copied_keeps_its_lines_and_a_blurb_goes() -> None:
    """Real pages: one article on four pages (itself, and three copies each inside
    another real page: that page's lines before and after it, so the article holds
    well under ``long_share`` of the copy), and a blurb added to ten other real pages.
    The article's long lines are on the same four pages, a block: kept on every copy
    (``judged`` says why). The blurb is on ten pages alone: it goes from each."""
    pages = [page.read_text(encoding="utf-8") for page in bench_pages("*.txt")[::20][:34]]
    article, others = pages[0], pages[1:]
    copies = [doc_from(article, "site/article.txt")] + [
        doc_from(f"{others[n]}\n{article}\n{others[n + 1]}", f"copy{n}/article.txt")
        for n in range(3)
    ]
    blurbed = [
        doc_from(f"{text}\n{SITE_BLURB}", f"blog/{n}.txt") for n, text in enumerate(others[4:14])
    ]
    plain = [doc_from(text, f"plain/{n}.txt") for n, text in enumerate(others[14:])]
    step = fitted(RepeatedLines(), copies + blurbed + plain)
    long_lines = [line for line in article.split("\n") if len(line.split()) > step.max_words]
    assert len(long_lines) >= 4
    for copy in copies:
        kept = step(copy).text.split("\n")
        assert all(line in kept for line in long_lines), copy.source.path
        judged = step.judged(copy)
        assert len(judged) >= len(set(long_lines)) and all(
            why["pages"] == 4 and why["same_pages"] >= 4 for why in judged.values()
        )
    for doc in blurbed:
        result = step(doc)
        assert SITE_BLURB not in result.text.split("\n")
        [removed] = [line for line in result.edits[-1].lines if line.rule == "repeated_passage"]
        assert removed.text == SITE_BLURB
        assert removed.features["pages"] == 10 and removed.features["same_pages"] == 1


def test_explain_says_what_decided_a_long_line() -> None:
    """``corpuskit explain`` shows a removed passage's figures as its features and a
    kept copy's as its judgment."""
    article = [f"{PROSE} Absatz {n} des Artikels, der dreimal erschienen ist." for n in range(4)]
    copies = [doc_from("\n".join([f"Kopie {n}", *article]), f"copy{n}.txt") for n in range(3)]
    docs = blog(25, 3)
    step = fitted(RepeatedLines(), copies + docs)
    kept = explain(copies[0], Pipeline([step])).lines[1]
    assert kept.kept and kept.judgment is not None and kept.judgment["same_pages"] == 4
    removed = explain(docs[0], Pipeline([step])).lines[1]
    assert (removed.step, removed.rule) == ("repeated_lines", "repeated_passage")
    assert removed.features["pages"] == 3 and removed.features["same_pages"] == 1
