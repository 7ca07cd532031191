"""corpuskit.html: text laid out by blocks, furniture dropped, metadata from the head."""

from __future__ import annotations

import gc
import gzip
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.html import PARSERS, TextSizes, Tree, body_text, extract, parse
from corpuskit.readers import decode_bytes
from tests.conftest import BENCH_PAGES, bench_pages, bench_params, cpu_seconds

GOLD = BENCH_PAGES.parent / "gold.jsonl"


def text_of(markup: str) -> str:
    return extract(markup).text


# --- layout -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        (
            "<p>Read <a href='/x'>this</a> and <b>that</b>, <em>now</em>.</p>",
            "Read this and that, now.",
        ),
        ("<div>one</div><div>two</div>", "one\ntwo"),
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("<h2>Title</h2>Body<br>next line", "Title\n\nBody\nnext line"),
        ("<ul><li>one</li><li>two <i>2</i></li></ul>after", "one\ntwo 2\n\nafter"),
        (
            "<table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>1</td></tr></table>",
            "k | v\na | 1",
        ),
        ("<p>  spaced \n\t out   words </p>", "spaced out words"),
        ("<p>non\xa0breaking\xa0space</p>", "non\xa0breaking\xa0space"),
        ("<pre>line one\n  line two\n</pre>", "line one\nline two"),
        ("<p>a<!-- a comment --> b</p><!DOCTYPE html>", "a b"),
        ("<div><div><p>deep</p></div></div><p></p><p> </p><div>x</div>", "deep\n\nx"),
        ("<span>in</span><span>line</span>", "inline"),
    ],
)
def test_layout(markup: str, text: str) -> None:
    assert text_of(markup) == text


@pytest.mark.parametrize(
    "junk",
    [
        "<script>var a = '<p>no</p>';</script>",
        "<style>p { color: red }</style>",
        "<noscript>Please enable JavaScript</noscript>",
        "<template><p>later</p></template>",
        "<svg><title>icon</title><text>svg</text></svg>",
        "<iframe>frame</iframe>",
        "<nav><a>Home</a> <a>News</a></nav>",
        "<header>Site name</header>",
        "<footer>© 2024 Example</footer>",
        "<aside>Related stories</aside>",
        "<form><label>Search</label><button>Go</button></form>",
        "<div role='navigation'>Menu</div>",
        "<div role='banner'>Logo</div>",
        "<div role='contentinfo'>Imprint</div>",
        "<div role='complementary'>Sidebar</div>",
    ],
)
def test_page_furniture_and_code_are_dropped(junk: str) -> None:
    body = "<p>" + "The article itself goes on for a while. " * 5 + "</p>"
    assert text_of(f"<html><body>{junk}{body}</body></html>") == body[3:-4].strip()


def test_furniture_that_holds_the_whole_page_is_kept() -> None:
    # An unclosed <header> swallows the article (as on traf-dev 6cc7c60955c1deff).
    markup = "<body><header><nav>Home</nav><div>Logo<p>" + "Article text. " * 20
    text = text_of(markup)
    assert text.startswith("Logo\n\nArticle text.")
    assert "Home" not in text


def test_comments_in_scripts_and_stray_tags_do_not_leak() -> None:
    markup = "<p>one</p><script>if (a</p>b) { document.write('<p>x') }</script></div></p><p>two"
    assert text_of(markup) == "one\n\ntwo"


# --- metadata -----------------------------------------------------------------------------


def test_metadata_from_the_head() -> None:
    page = extract(
        '<html lang="PT-br"><head><title>\n  Page   title </title>'
        '<meta property="og:title" content="Social title">'
        '<link rel="alternate canonical" href="https://example.org/a">'
        '<meta property="og:url" content="https://example.org/og">'
        '<meta name="Description" content="What it is about">'
        '<meta property="og:description" content="Social description">'
        "</head><body><p>x</p></body></html>"
    )
    assert page.title == "Social title"
    assert page.url == "https://example.org/a"
    assert page.description == "Social description"  # Open Graph before <meta name>
    assert page.lang == "pt-br"


def test_metadata_fallbacks() -> None:
    page = extract(
        "<html><head><title> Page \n title </title>"
        '<meta property="og:url" content=" https://example.org/og ">'
        '<meta property="og:description" content="Social description">'
        "</head><body><svg><title>icon</title></svg><p>x</p></body></html>"
    )
    assert (page.title, page.url) == ("Page title", "https://example.org/og")
    assert page.description == "Social description"
    assert page.lang is None


def test_no_metadata() -> None:
    page = extract("<p>only text</p>")
    assert (page.title, page.url, page.lang, page.description) == (None, None, None, None)


def test_metadata_left_in_the_body_by_broken_markup_is_found() -> None:
    page = extract('<html lang=""><p>x</p><meta name="description" content="late"><title>T</title>')
    assert (page.text, page.title, page.description, page.lang) == ("x", "T", "late", None)


def test_xml_lang() -> None:
    assert extract('<html xml:lang="EN-gb"><p>x</p></html>').lang == "en-gb"


# --- robustness ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "markup",
    [
        "",
        "just words",
        "<",
        "</p></div></body>",
        "<p><b><i>unclosed",
        "<table><td>cell<p>para</table>",
        "<a href='x'><p>block in inline</p></a>",
        "<?xml version='1.0' encoding='utf-8'?><html><p>x</p></html>",
        "<p>nul\x00char</p>",
        "<div>" * 5000 + "deep" + "</div>" * 5000,
        "<html><head><title>t</title><body><p>x",
    ],
)
def test_malformed_markup_never_raises(markup: str) -> None:
    page = extract(markup)
    assert "\n\n\n" not in page.text
    assert page.text == page.text.strip()


def test_text_at_the_bottom_of_100000_nested_elements_is_kept() -> None:
    markup = "<p>before</p>" + "<div>" * 100_000 + "deep text" + "</div>" * 100_000 + "<p>after"
    assert text_of(markup) == "before\n\ndeep text\n\nafter"


def text_cost_ratio(large: str, small: str) -> float:
    """The CPU time ``text_of`` takes on ``large`` over the time on ``small``, the
    collector off while measuring: late in a whole test run the process holds millions
    of objects, and each full collection a page's allocations set off walks all of them
    (measured 9.2 there against 4.7 alone): the work of the process, not of the page."""
    gc.collect()
    gc.disable()
    try:
        return cpu_seconds(lambda: text_of(large)) / cpu_seconds(lambda: text_of(small))
    finally:
        gc.enable()


def test_nested_furniture_costs_time_in_proportion_to_the_page() -> None:
    # Measured once per element: 20,000 nested <nav> took 25 s when every level measured
    # its own text again (the square of the depth); counted once, a tenth of a second.
    def page(depth: int) -> str:
        return "<p>a</p>" + "<nav>" * depth + "navigation that holds most of the page"

    shallow, deep = page(5_000), page(20_000)
    assert text_of(deep).endswith("navigation that holds most of the page")
    ratio = text_cost_ratio(deep, shallow)
    # Four times the depth: linear work takes four times the time (measured 4.7 to 4.8:
    # a deep tree leaves the caches), the square of the depth sixteen times. Both pages
    # take tens of milliseconds, so the ratio is not at the mercy of a 4 ms measurement
    # (1,000 against 10,000 levels measured 21 to 23 and once 32 on a loaded machine).
    assert ratio < 9, ratio


@pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")
@pytest.mark.parametrize(
    "markup",
    [
        '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><p>a &xxe; b</p>',
        '<?xml version="1.0"?><!DOCTYPE p SYSTEM "file:///etc/passwd"><p>a b</p>',
        '<!DOCTYPE x [<!ENTITY % e SYSTEM "file:///etc/passwd"> %e;]><p>a b</p>',
    ],
)
def test_external_entities_are_never_read(markup: str) -> None:
    text = text_of(markup)
    assert "a " in text and "root:" not in text


def test_entities_are_never_expanded() -> None:
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    text = text_of(f'<!DOCTYPE x [<!ENTITY l0 "lol">{laughs}]><p>x &l9; y</p>')
    assert "lollol" not in text and len(text) < 2000


def test_bad_character_references_become_replacement_characters() -> None:
    text = text_of("<p>a&#0;b &#xD800;c &#x110000;d &#99999999999;e &#128; &bogus;</p>")
    assert text == "a\ufffdb \ufffdc \ufffdd \ufffde € &bogus;"


PIECES = st.sampled_from(
    [
        "<p>", "</p>", "<div>", "</div>", "<br>", "<li>", "<ul>", "</ul>", "<td>", "<tr>",
        "<table>", "</table>", "<a>", "</a>", "<b>", "<nav>", "</nav>", "<pre>", "</pre>",
        "<script>", "</script>", "<!--", "-->", "<h1>", "</h1>", " ", "\n", "\t", "\xa0",
        "word", "Wort", "слово", "&amp;", "&nbsp;", "<", ">", "\r",
    ]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=40))
def test_text_invariants_on_random_markup(pieces: list[str]) -> None:
    text = extract("".join(pieces)).text
    lines = text.split("\n")
    assert "\n\n\n" not in text and "\r" not in text
    assert all(line == line.strip() for line in lines)
    assert all("  " not in line and "\t" not in line for line in lines)
    assert not text or (lines[0] and lines[-1])


#: Markup pieces with the strings ``get_text`` leaves out (comments) or counts (CDATA).
SIZED_PIECES = PIECES | st.sampled_from(["<nav>", "</nav>", "<!-- c -->", "<![CDATA[x]]>"])


def elements(tree: Tree) -> list[object]:
    """Every element of ``tree`` in document order."""
    found, pending = [], list(reversed(tree.children(tree.root)))
    while pending:
        node = pending.pop()
        if not isinstance(node, str):
            found.append(node)
            pending.extend(reversed(tree.children(node)))
    return found


@pytest.mark.parametrize("parser", PARSERS)
@settings(max_examples=200, deadline=None)
@given(st.lists(SIZED_PIECES, max_size=40))
def test_text_sizes_are_text_lengths(parser: str, pieces: list[str]) -> None:
    tree = parse("".join(pieces), parser)
    sizes = TextSizes(tree)
    for tag in reversed(elements(tree)):  # innermost first, then from the memo
        assert sizes.of(tag) == len(tree.text(tag))
        if parser == "bs4" and tag.interesting_string_types == tree.counted_types:
            assert sizes.of(tag) == len(tag.get_text())  # not <script> and its kin


# --- real pages ---------------------------------------------------------------------------


def gold_passages() -> dict[str, list[str]]:
    records = (json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines())
    return {record["id"]: record["with"] for record in records}


@pytest.mark.parametrize("page", bench_params(lambda: bench_pages("*.html.gz")[:5]))
def test_bench_pages(page: Path) -> None:
    markup, _ = decode_bytes(gzip.decompress(page.read_bytes()), html=True)
    extracted = extract(markup)
    assert extracted.title and extracted.text
    assert "<script" not in extracted.text and "function(" not in extracted.text
    flat = re.sub(r"\s+", " ", extracted.text)
    for passage in gold_passages()[page.name[:16]]:
        assert re.sub(r"\s+", " ", passage) in flat


# --- layout: what the markup says about each line -----------------------------------------


def test_layout_has_one_row_per_line_and_marks_menus_and_articles() -> None:
    from corpuskit.html import LAYOUT_NAMES

    page = extract(
        "<div class=menu><a href=/>Home</a><br><a href=/n>News</a></div>"
        "<div class=entry-content><h2>Title</h2><p>" + "Some words, in a sentence. " * 9 + "</p>"
        "</div>"
    )
    lines = page.text.split("\n")
    assert len(page.layout) == len(lines)
    rows = {
        line: dict(zip(LAYOUT_NAMES, row, strict=True))
        for line, row in zip(lines, page.layout, strict=True)
    }
    assert rows["Home"]["html_link"] == 1.0 and rows["Home"]["html_junk_word"] == 1.0
    assert rows["Home"]["html_main"] == 0.0
    assert rows["Title"]["html_heading"] == 1.0 and rows["Title"]["html_main"] == 1.0
    article = next(line for line in lines if line.startswith("Some words"))
    assert rows[article]["html_paragraph"] == 1.0 and rows[article]["html_content_word"] == 1.0


def test_container_score_ranks_prose_containers_above_link_lists() -> None:
    """The article's paragraphs sit in the main container (1), a second block of prose
    outside it in a container of its own (a share of it), a list of long links in none."""
    from corpuskit.html import LAYOUT_NAMES

    books = "".join(
        f"<li><a href=/b{k}>Author {k}: A Long Book Title, Volume {k}</a></li>" for k in range(9)
    )
    page = extract(
        "<div class=abstract><p>" + "An abstract sentence, short. " * 3 + "</p></div>"
        "<div class=entry><p>"
        + "Body text, with commas, to read. " * 9
        + "</p><p>"
        + "More body text, and more. " * 9
        + "</p></div>"
        f"<div class=side><ul>{books}</ul></div>"
    )
    at = LAYOUT_NAMES.index("html_container_score")
    score = {line: row[at] for line, row in zip(page.text.split("\n"), page.layout, strict=True)}
    assert score[next(line for line in score if line.startswith("Body text"))] == 1.0
    assert 0.0 < score[next(line for line in score if line.startswith("An abstract"))] < 1.0
    assert score["Author 3: A Long Book Title, Volume 3"] == 0.0


def test_layout_is_read_with_html_and_follows_removed_lines() -> None:
    from corpuskit.document import Document
    from corpuskit.readers.html import read_html
    from corpuskit.steps.classify.step import current_layout

    doc = read_html("a.html", b"<p>one</p><p>two</p><p>three</p>")
    assert isinstance(doc, Document) and doc.layout is not None
    assert current_layout(doc) == list(doc.layout)
    from corpuskit.pipeline import remove_lines

    rules = ["junk" if line == "two" else None for line in doc.text.split("\n")]
    fewer = remove_lines(doc, "test", rules)
    layout = current_layout(fewer)
    assert layout is not None and len(layout) == len(fewer.text.split("\n"))
    assert current_layout(Document("x", "text", doc.source)) is None


def test_header_of_an_article_is_kept_and_the_page_header_dropped() -> None:
    page = "<header>Site name</header><article><header><p>The lead.</p></header><p>Text.</p>"
    assert text_of(page + "<footer>Tags</footer></article><footer>Imprint</footer>") == (
        "The lead.\n\nText.\n\nTags"
    )
    assert text_of("<main><header role=banner>Logo</header><p>Text.</p></main>") == "Text."


def test_layout_marks_italics_and_figures() -> None:
    from corpuskit.html import LAYOUT_NAMES

    page = extract("<p><em>Support our work.</em></p><figure><figcaption>A view.</figcaption>")
    rows = [dict(zip(LAYOUT_NAMES, row, strict=True)) for row in page.layout if any(row)]
    assert [row["html_emphasis"] for row in rows] == [1.0, 0.0]
    assert [row["html_figure"] for row in rows] == [0.0, 1.0]


def test_class_and_id_words_are_remembered_and_the_same_as_matched() -> None:
    from corpuskit.html.content import CONTENT, JUNK, WORDS_KEPT, Vocabulary

    vocabulary = Vocabulary.from_table({"vocabulary": {
        "junk": ["comment"], "junk_words": ["ad"], "content": ["entry"],
        "content_words": [], "content_itemprops": [],
    }})  # fmt: skip
    assert vocabulary.words("entry comments", None) == JUNK | CONTENT
    assert vocabulary.words("entry comments", None) == JUNK | CONTENT  # remembered
    assert vocabulary.words("header", "ad-slot") == JUNK
    assert vocabulary.words(["entry", "x"], None) == CONTENT  # a list is matched, not kept
    for number in range(WORDS_KEPT + 1):
        vocabulary.words(f"c{number}", None)
    assert vocabulary.words("header", None) == 0


def regex_words(table: dict[str, Any]) -> Callable[[str], int]:
    """The bits of a lowercased class/id value by the two regular expressions that the
    Aho-Corasick ``Words`` replaced: the reference it must agree with."""

    def pattern(stems: list[str], words: list[str]) -> re.Pattern[str]:
        parts = [re.escape(stem) for stem in stems]
        parts += [rf"(?<![a-z]){re.escape(word)}(?![a-z])" for word in words]
        return re.compile("|".join(parts))

    words = table["vocabulary"]
    junk = pattern(words["junk"], words["junk_words"])
    content = pattern(words["content"], words["content_words"])
    return lambda names: (1 if junk.search(names) else 0) | (2 if content.search(names) else 0)


@pytest.mark.bench
@pytest.mark.parametrize("dev_set", ["traf-dev", "dragnet-dev"])
def test_class_and_id_words_match_as_the_regular_expressions_did(dev_set: str) -> None:
    """Every ``class``/``id`` pair on every dev page: the same bits as the regexes."""
    from corpuskit.data import load_table
    from corpuskit.html.content import Vocabulary

    vocabulary, reference = Vocabulary.default(), regex_words(load_table("html"))
    values = set()
    for path in bench_pages("*.html.gz", dev_set):
        markup, _ = decode_bytes(gzip.decompress(path.read_bytes()), html=True)
        tree = parse(markup, "lxml")
        for element in tree.root.elements:  # the lxml tree's document holds all of them
            attrs = tree.attrs(element)
            values.add(f"{attrs.get('class', '')} {attrs.get('id', '')}".lower())
    assert len(values) > 1000  # the dev pages' vocabulary, not a handful
    differ = [v for v in values if vocabulary.words_of.bits(v) != reference(v)]
    assert differ == []


def test_layout_marks_a_junk_box_inside_the_article_not_around_it() -> None:
    from corpuskit.html import LAYOUT_NAMES

    prose = "Some words, in a sentence of the article. " * 6
    page = extract(
        f"<div class=sidebar-wrap><div class=entry-content><p>{prose}</p><p>{prose}</p>"
        "<div class=share-box>Share this</div></div></div>"
    )
    rows = {
        line: dict(zip(LAYOUT_NAMES, row, strict=True))
        for line, row in zip(page.text.split("\n"), page.layout, strict=True)
    }
    assert rows["Share this"]["html_junk_word_in_main"] == 1.0
    assert rows[prose.strip()]["html_junk_word_in_main"] == 0.0
    # The wrapper's word names the page's layout: the article's lines are not junk.
    assert rows[prose.strip()]["html_junk_word"] == 0.0
    assert rows["Share this"]["html_junk_word"] == 1.0


# --- layout: reader comment threads and text that is not shown -----------------------------

PROSE = "Some words, in a sentence of the article about the bridge. " * 6
THREAD_PAGE = (
    "<div class='post hentry comments-open'><h1>The bridge</h1>"
    "<div class=meta><a class=comments-link href='#comments'>3 Comments</a></div>"
    f"<div class=entry-content><p>{PROSE}</p><p>{PROSE}</p></div></div>"
    "<section id=comments><h2>Comments</h2><ol class=commentlist>"
    "<li class=comment><p>Finally. I cross it every day, twice.</p></li>"
    "<li><div itemscope itemtype='https://schema.org/Comment'><p>Spring? Never.</p></div></li>"
    "</ol></section>"
)


def layout_rows(markup: str) -> dict[str, dict[str, float]]:
    from corpuskit.html import LAYOUT_NAMES

    page = extract(markup)
    return {
        line: dict(zip(LAYOUT_NAMES, row, strict=True))
        for line, row in zip(page.text.split("\n"), page.layout, strict=True)
        if line
    }


def test_layout_marks_a_reader_comment_thread_and_not_what_points_at_it() -> None:
    rows = layout_rows(THREAD_PAGE)
    comment = {line: row["html_comment"] for line, row in rows.items()}
    assert comment["Finally. I cross it every day, twice."] == 1.0
    assert comment["Spring? Never."] == 1.0
    assert comment["Comments"] == 1.0  # the thread's own heading
    # The article, although its wrapper's class says "comments-open", and the link to the
    # thread with its count, in the article's header, are not the thread.
    assert comment[PROSE.strip()] == 0.0
    assert comment["The bridge"] == 0.0
    assert comment["3 Comments"] == 0.0


@pytest.mark.parametrize(
    "thread",
    [
        "<div id=disqus_thread><p>{}</p></div>",
        "<div class=comment-list><div><p>{}</p></div></div>",
        "<div id=respond><p>{}</p></div>",
        "<div><article itemprop=comment><p>{}</p></article></div>",
        "<div itemscope itemtype='http://schema.org/UserComments'><p>{}</p></div>",
    ],
)
def test_thread_markup_of_several_kinds(thread: str) -> None:
    reply = "I read it twice and still disagree with the second half."
    rows = layout_rows(f"<article class=post><p>{PROSE}</p></article>" + thread.format(reply))
    assert rows[reply]["html_comment"] == 1.0
    assert rows[PROSE.strip()]["html_comment"] == 0.0


def test_a_post_filed_under_comments_or_linked_to_its_thread_is_no_thread() -> None:
    for wrapper in ("post category-kommentare", "comment-count", "most-commented"):
        rows = layout_rows(f"<div class='{wrapper}'><p>{PROSE}</p></div>")
        assert rows[PROSE.strip()]["html_comment"] == 0.0, wrapper


def test_the_default_pipeline_removes_an_html_thread_with_its_evidence() -> None:
    from corpuskit.readers.html import read_html
    from corpuskit.recipes.defaults import default_pipeline

    doc = read_html("a.html", f"<html><body>{THREAD_PAGE}</body></html>".encode())
    assert doc is not None
    result = default_pipeline()(doc)
    assert result is not None
    assert PROSE.strip() in result.text
    assert "Finally" not in result.text and "Spring?" not in result.text
    gone = [line for edit in result.edits for line in edit.lines]
    reply = next(line for line in gone if line.text.startswith("Finally"))
    assert reply.rule == "comments" and dict(reply.features)["html_comment"] == 1.0


def test_ruby_readings_do_not_split_the_words_they_annotate() -> None:
    page = (
        "<p><ruby>災害<rp>(</rp><rt>さいがい</rt><rp>)</rp></ruby>に"
        "<ruby>気<rt>き</rt></ruby>をつけてください。" + PROSE + "</p>"
    )
    for extract_text in (text_of, lambda page: body_text(parse(page))):
        assert "災害に気をつけてください。" in extract_text(page)


@pytest.mark.parametrize(
    "hidden",
    [
        "<div style='display: none'>{}</div>",
        "<p style='color:red;visibility:hidden'>{}</p>",
        "<div hidden>{}</div>",
        "<span class='sr-only'>{}</span>",
        "<span class='screen-reader-text'>{}</span>",
        "<div class='d-none'>{}</div>",
        "<textarea name=reply>{}</textarea>",
        "<math><semantics><mi>x</mi><annotation encoding='TeX'>{}</annotation></semantics></math>",
        "<span class='MJX_Assistive_MathML'>{}</span>",
    ],
)
def test_text_that_is_not_shown_is_not_emitted(hidden: str) -> None:
    secret = "Escaped &lt;p&gt; form markup nobody sees"
    for extract_text in (text_of, lambda page: body_text(parse(page))):
        assert "nobody sees" not in extract_text(f"<p>{PROSE}</p>" + hidden.format(secret))


@pytest.mark.parametrize(
    "shown",
    [
        "<span aria-hidden=true>{}</span>",  # out of the accessibility tree, still shown
        "<div class='hidden-xs'>{}</div>",  # hidden on small screens only
        "<details hidden=until-found>{}</details>",  # shown when searched for
    ],
)
def test_text_that_is_shown_is_emitted(shown: str) -> None:
    text = "A line that every reader sees"
    assert text in text_of(f"<p>{PROSE}</p>" + shown.format(text))


def test_an_article_inside_an_aside_or_a_hidden_wrapper_is_kept() -> None:
    # A blog that puts its post in <aside class="blogPost">, a page that hides its body
    # until a script runs: the element holds the main container, so it stays.
    sidebar = "<aside class=widget><a href=/a>Archive</a></aside>"
    for wrapper in ("aside class=blogPost", "div style='display:none'", "div class=hidden"):
        name = wrapper.split()[0]
        page = f"<body>{sidebar}<{wrapper}><p>{PROSE}</p><p>{PROSE}</p></{name}></body>"
        text = text_of(page)
        assert PROSE.strip() in text, wrapper
        assert "Archive" not in text, wrapper


@pytest.mark.parametrize(
    "level",
    [
        "<div class=comments>",  # threads inside threads
        "<div style='display:none'>",  # hidden wrappers around the article: each one kept
        "<aside class=blogPost>",
        "<div class='category-comments tag-replies comment-count'>",
    ],
)
def test_nested_threads_and_hidden_wrappers_cost_time_in_proportion_to_the_page(
    level: str,
) -> None:
    def page(depth: int) -> str:
        return "<p>a</p>" + level * depth + f"<p>{PROSE}</p>" * 3

    shallow, deep = page(5_000), page(20_000)
    assert PROSE.strip() in text_of(deep)
    ratio = text_cost_ratio(deep, shallow)
    # As for nested furniture above: linear work about 4 (measured 3.9 to 4.3), the
    # square of the depth 16. 1,000 against 10,000 levels measured 12 to 19 idle and 36
    # once on a loaded machine: the shallow page took 7 to 12 ms.
    assert ratio < 9, ratio


def test_a_long_class_value_costs_time_in_proportion_to_its_length() -> None:
    def page(words: int) -> str:
        names = " ".join(f"category-comment{n} tag-x comment-link" for n in range(words))
        return f"<div class='{names}'><p>{PROSE}</p></div>"

    short, long = page(20_000), page(100_000)  # about 1 and 5 million characters
    assert PROSE.strip() in text_of(long)
    ratio = text_cost_ratio(long, short)
    # Five times the length: linear work about 5 (measured 4.9 to 5.4), the square 25.
    # 2,000 against 20,000 words took 0.8 ms against 7: too short to measure on a loaded
    # machine.
    assert ratio < 12, ratio
