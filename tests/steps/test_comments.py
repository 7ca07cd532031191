from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corpuskit.steps.comments as comments
from corpuskit.document import Document
from corpuskit.explain import explain
from corpuskit.pipeline import Pipeline
from corpuskit.readers import read
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.steps.comments import CommentLines, CommentMarkers
from tests.conftest import BENCH, bench_pages, doc_from
from tests.steps.work import lines_run

STEP = CommentLines()
MARKERS = CommentMarkers.default()
DRAGNET = BENCH / "dragnet-dev"

ARTICLE = (
    "The council met on Monday and voted to reopen the bridge over the river in spring.\n"
    "Work will start in March, the mayor said, and cost less than the repairs of 2019.\n"
)
THREAD = (
    "3 Comments\n"
    "\n"
    "Chris Gosling\n"
    "says:\n"
    "on October 27, 2012 at 3:19 am\n"
    "Finally. I cross it every day.\n"
    "Reply\n"
    "Robert K.\n"
    "says:\n"
    "on October 27, 2012 at 5:23 am\n"
    "Spring? They said that last year.\n"
    "Reply\n"
)


def removed(page: str) -> list[tuple[str, str, dict[str, float]]]:
    doc = STEP(doc_from(page))
    return [(r.text, r.rule, dict(r.features)) for e in doc.edits for r in e.lines]


def test_a_thread_after_an_article_goes_with_its_header_and_evidence() -> None:
    gone = removed(ARTICLE + "\n" + THREAD)
    assert [text for text, _, _ in gone] == [line for line in THREAD.split("\n") if line]
    assert {rule for _, rule, _ in gone} == {"comments"}
    assert gone[0][2] == {"thread_markers": 6.0, "thread_header": 1.0}


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("12 Comments", "header"),
        ("24 Responses to “In Copenhagen…”", "header"),
        ("Kommentare (4)", "header"),
        ("Laisser un commentaire", "header"),
        ("Deja un comentario", "header"),
        ("Report abuse", "reply"),
        ("Antworten", "reply"),
        ("Anna schreibt:", "speaker"),
        ("deet wrote:", "speaker"),
        ("10. Februar 2019 um 18:05 Uhr", "timestamp"),
        ("6 years ago", "timestamp"),
        ("+2", "vote"),
        ("November 5, 2012", "date"),
        ("The mayor says the bridge will open.", None),
        ("12.02.2020", "date"),
        ("{ 167 comments }", "header"),
        ("48 Comments »", "header"),
        ("said,", "speaker"),
        ("CmdrR - October 26, 2012", "speaker"),
        ("Login to reply", "reply"),
        ("1 November 2012 9:37PM", "timestamp"),
        ("Nokia N82 Software Update - 11.0.117", None),
    ],
)
def test_markers_in_several_languages(line: str, kind: str | None) -> None:
    assert MARKERS.kind(line) == kind


@pytest.mark.parametrize(
    "page",
    [
        # an article's own dateline, permalink and a "Comments" link in its menu
        "Home\nComments\nNews\n" + ARTICLE + "Posted by Ana at 12:59 pm on August 9, 2012\n"
        "Permalink\n",
        # a forum page: the posts are the content and come first
        "Antworten\nWie installiere ich das Paket?\n18.09.2008, 05:56\nMit pip.\n"
        "21.01.2009, 05:42\nDanke!\nAntworten\n",
        # vote counts alone
        ARTICLE + "+2\nNice.\n+3\nGood.\n+1\n",
    ],
)
def test_what_is_no_thread_stays(page: str) -> None:
    assert removed(page) == []


def test_a_thread_broken_by_a_long_comment_goes_whole() -> None:
    long_comment = "A comment long enough to break the chain of markers, " * 30
    page = ARTICLE + THREAD + long_comment + "\n" + THREAD.split("\n", 2)[2]
    doc = STEP(doc_from(page))
    assert doc.text.strip() == ARTICLE.strip()


def test_timestamps_under_names_make_a_thread_without_a_header() -> None:
    signed = "".join(
        f"{name}\nDec {day}th, 2009 at 6:0{day} am\nThanks, that helped me a lot.\n"
        for day, name in enumerate(("Fortunato Saraiva", "Robert", "kim_j", "Ana Lopes"), 4)
    )
    doc = STEP(doc_from(ARTICLE + ARTICLE + signed))
    assert doc.text.strip() == (ARTICLE + ARTICLE).strip()
    # a live blog's times, with no name above them, stay
    live = "".join(f"Update\n\n{h}:15 am\nThe river rose again.\n" for h in range(5, 10))
    assert removed(ARTICLE + ARTICLE + live.replace("Update\n\n", "")) == []
    # nor do the bylines of a list of teasers
    teasers = "".join(
        f"Headline number {day} about the river\nBy\nPat Doe\n12 May 2022, 4:1{day}pm\n"
        for day in range(6)
    )
    assert removed(ARTICLE + ARTICLE + teasers) == []


def test_names_over_prose_after_a_header_are_a_thread_without_markers() -> None:
    blocks = [
        ("Hesham Zebida", "The most tuts I would like to see is:\n- How to create a Box"),
        ("Jason Manheim", "Ditto on the above."),
        ("Hesham Zebida", "Johan, skin templates are easy to create."),
        ("Johan", "Yeah, I am hoping the basics will be covered."),
        ("Jason Manheim", "Thanks, that helps."),
    ]
    thread = "{\n167\ncomments\n}\n" + "".join(f"{n}\n{t}\n" for n, t in blocks)
    doc = STEP(doc_from(ARTICLE + ARTICLE + thread))
    assert doc.text.strip() == (ARTICLE + ARTICLE).strip()
    features = dict(doc.edits[-1].lines[-1].features)
    assert features == {"thread_header": 1.0, "thread_blocks": 5.0}
    # an article under a "Comments" link, its links split out of sentences, stays
    article = (
        ARTICLE
        + "Comments\n"
        + (
            "The company\nLaunchRock\n, which helps startups, said that\nLaunchRock\n"
            "is growing. Its founder\nJameson\nagreed, and\nJameson\nsmiled.\n"
        )
        * 3
    )
    assert removed(ARTICLE + article) == []


def test_on_a_page_read_from_markup_a_header_above_the_article_opens_no_thread(
    tmp_path: Path,
) -> None:
    """A "Comment" link under the headline, the author's line and "posted 56 mins ago"
    look like a thread's header and markers, and dates in a list after the article
    continue it: read as a dump, the article goes with them (the dump cannot tell).
    Read from HTML, a header opens a thread only after an article: the markup finds
    the threads whose header comes first."""
    prose = "The guide brings a few short reviews a day of the gear we liked best this year."
    page = tmp_path / "guide.html"
    page.write_text(
        "<html><body><article><h1>The gift guide opens</h1><a href='#c'>Comment</a>"
        "<p>John Biggs</p><p>posted 56 mins ago</p><a href='#c'>Comments</a>"
        + "".join(f"<p>{prose} Part {n}.</p>" for n in range(4))
        + "</article><ul><li><p>01/31/13</p><p>Older guide</p></li>"
        "<li><p>04/27/13</p><p>Other guide</p></li></ul></body></html>"
    )
    [html] = read([str(page)], format="html")
    assert isinstance(html, Document) and html.layout is not None
    assert STEP(html).text == html.text
    dump = STEP(doc_from(html.text))
    assert "Part 0." not in dump.text  # the text rule, unchanged


def test_a_header_that_counts_no_comments_opens_no_thread() -> None:
    page = ARTICLE + "No Comments\nPosted by: Ana\nMay 5, 2012 at 3:19 pm\n" + ARTICLE
    assert removed(page) == []
    assert removed(page.replace("No Comments", "Kommentare\n0")) == []


def test_explain_shows_the_rule_and_the_evidence() -> None:
    exp = explain(doc_from(ARTICLE + THREAD), Pipeline([STEP]))
    thread = [v for v in exp.lines if v.rule]
    assert {(v.step, v.rule) for v in thread} == {("comment_lines", "comments")}
    assert all(v.features["thread_markers"] == 6.0 for v in thread)


def test_the_default_pipeline_removes_comments_and_a_recipe_without_the_step_keeps_them() -> None:
    page = ARTICLE + "\n" + THREAD
    kept = default_pipeline().without("comment_lines")(doc_from(page))
    cleaned = default_pipeline()(doc_from(page))
    assert isinstance(kept, Document) and isinstance(cleaned, Document)
    assert "Finally. I cross it every day." in kept.text
    assert "Finally." not in cleaned.text and "reopen the bridge" in cleaned.text


def test_cleaning_twice_changes_nothing() -> None:
    once = STEP(doc_from(ARTICLE + THREAD))
    assert STEP(once) is once


def test_work_grows_linearly_with_the_page() -> None:
    # Runs of about 100,000 characters made of what the scan looks at most: headers,
    # markers of every kind, prose between them.
    units = [
        "3 Comments\n",
        "Reply\n",
        "Anna says:\nMay 5, 2012 at 3:19 pm\nGreat read, thank you for it.\n",
        "Comments\nx\n" * 3,
        "+2\n",
        "word " * 30 + "\n",
        "Anna Lee\nSome prose, said with a point.\nBen\nMore prose follows here.\n",
        "Anna Lee\nMay 5, 2012 at 3:19 pm\nSome prose, said with a point.\n",
    ]
    module = comments.__file__
    units[-2:] = ["word " * 60 + "\n3 Comments\n" + unit * 3 for unit in units[-2:]]
    for unit in units:
        run = unit * (100_000 // len(unit))
        small = lines_run(module, lambda run=run: STEP(doc_from(run[: len(run) // 10])))
        large = lines_run(module, lambda run=run: STEP(doc_from(run)))
        assert large < 12 * small, (unit[:12], small, large)


def test_on_dev_pages_with_a_thread_most_comment_lines_go_and_few_article_lines() -> None:
    pages = bench_pages("*.txt", "dragnet-dev")[:300]  # skips without dragnet-dev
    records = map(json.loads, (DRAGNET / "gold.jsonl").open(encoding="utf-8"))
    gold = {r["id"]: r["article"] for r in records}
    with_threads = map(json.loads, (DRAGNET / "gold_with_comments.jsonl").open("r"))
    threads = {r["id"]: r["article"][len(gold[r["id"]]) :] for r in with_threads}
    caught = missed = article_lost = 0
    for page in pages:
        thread, article = threads[page.stem], gold[page.stem]
        for text, _, _ in removed(page.read_text(encoding="utf-8")):
            article_lost += len(text.split()) >= 8 and text in article
        doc = STEP(doc_from(page.read_text(encoding="utf-8")))
        for line in page.read_text(encoding="utf-8").split("\n"):
            if len(line.split()) >= 8 and line in thread and line not in article:
                caught, missed = caught + (line not in doc.text), missed + (line in doc.text)
    assert caught > 3 * missed, (caught, missed)
    # A few pages keep their thread in the article gold too (a "385 Comments" post whose
    # gold holds every comment): their lines count as article lines lost here.
    assert article_lost < 0.5 * caught, (article_lost, caught)


def test_config_holds_every_threshold() -> None:
    """A module threshold changed is a configuration changed: every number the module
    defines at its top (besides tables of data) is in the step's config."""
    numbers = {
        name.lower(): value
        for name, value in vars(comments).items()
        if name.isupper() and type(value) in (int, float)
    }
    assert numbers
    assert numbers.items() <= STEP.config.items()
    assert STEP.config["markers"] == MARKERS.digest


def kind_by_every_pattern(markers: CommentMarkers, line: str) -> str | None:
    """``CommentMarkers.kind`` as defined, without its pre-checks: every pattern in
    order, then the time and the date."""
    text = line.strip()
    if not text or len(text) > markers.max_chars:
        return None
    for kind, pattern in markers.patterns:
        if pattern.fullmatch(text):
            return kind
    if len(text) <= markers.timestamp_chars and markers.time.search(text):
        return "timestamp" if markers.date.search(text) else None
    return "date" if markers.date_only.fullmatch(text) else None


MARKER_LINES = [
    *(ARTICLE + THREAD).split("\n"),
    "Leave a Reply", "Kommentare", "Report abuse", "Antworten", "{ 167 comments }",
    "posted by: Ellen", "Anna schreibt:", "said,", "CmdrR - October 26, 2012", "+2",
    "12 points", "Like (3)", "6 years ago", "November 5, 2012", "Reply ↓", "discussion",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.sampled_from(MARKER_LINES),
        st.builds(str.__add__, st.sampled_from(MARKER_LINES), st.text(max_size=8)),
        st.text(alphabet=st.sampled_from([*"areplycomts :.,(2-|»", "\u00a0"]), max_size=30),
        st.text(max_size=40),
    )
)
def test_kind_with_its_pre_checks_is_kind_by_every_pattern(line: str) -> None:
    """The pre-checks, and the patterns without one asked in one alternation, change
    no line's kind."""
    assert MARKERS.kind(line) == kind_by_every_pattern(MARKERS, line)


def threads_asking_every_line(scan: comments._Scan) -> list[comments.Thread]:
    """``_Scan.threads`` as it was written first: ``_at`` asked of every line."""
    found: list[comments.Thread] = []
    index = 0
    while index < len(scan.lines):
        thread, index = scan._at(index, found)
        if thread is not None:
            found.append(thread)
    return found


@pytest.mark.bench
@pytest.mark.parametrize("dev_set", ["traf-dev", "dragnet-dev"])
def test_every_dev_dumps_kinds_and_threads_are_those_asked_line_by_line(dev_set: str) -> None:
    """On every dev dump: each line's kind is the patterns' (``kind_by_every_pattern``),
    and the threads found going from marker to marker are those found asking every
    line."""
    threads = 0
    for path in bench_pages("*.txt", dev_set):
        lines = path.read_text(encoding="utf-8").split("\n")
        kinds = [MARKERS.kind(line) for line in lines]
        assert kinds == [kind_by_every_pattern(MARKERS, line) for line in lines], path.name
        for markup in (False, True):
            found = comments._Scan(lines, kinds, MARKERS, markup).threads()
            assert found == threads_asking_every_line(
                comments._Scan(lines, kinds, MARKERS, markup)
            ), path.name
            threads += len(found)
    assert threads > 100  # threads are found there: the comparison is not of empty lists
