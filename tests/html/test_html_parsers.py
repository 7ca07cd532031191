"""The two HTML parsers behind one extraction: the same text, layout and fields.

``corpuskit.html.tree`` gives the walks bs4's tree or lxml's own; these tests hold the
lxml tree to bs4's conventions (string kinds, whitespace, the document node), check
what only lxml can refuse (depth), and compare both on every traf-dev page.
"""

from __future__ import annotations

import gzip
import warnings
from pathlib import Path

import pytest
from bs4 import XMLParsedAsHTMLWarning
from lxml import etree

from corpuskit import Document, read
from corpuskit.errors import InputError
from corpuskit.html import LAYOUT_NAMES, PARSERS, Extracted, extract, parse
from corpuskit.html.tree import (
    LXML_MAX_DEPTH,
    Comment,
    looks_truncated,
    lxml_tree,
    walk_elements,
)
from corpuskit.readers import decode_bytes
from corpuskit.readers.html import read_html
from tests.conftest import bench_pages

#: Layout features that may differ between the parsers, and by how much at most: bs4
#: keeps whitespace after ``</html>`` as a string of the document (one character more
#: in the page's size, so a slightly smaller main-container share) and splits a text
#: node around a stray ``<!DOCTYPE>`` in the body, which libxml2's tree drops and joins
#: (two whitespace characters instead of one in a block's link density, and so in the
#: container score, which is scaled by the container's link density). docs/html.md.
LAYOUT_TOLERANCE = {
    "html_main_share": 0.005,
    "html_block_link_density": 0.005,
    "html_container_score": 0.005,
}


def both(markup: str) -> tuple[Extracted, Extracted]:
    return extract(markup, "bs4"), extract(markup, "lxml")


@pytest.mark.parametrize(
    "markup",
    [
        "<p>Read <a href='/x'>this</a> and <b>that</b>,\n <em>now</em>.</p>",
        "<h2>Title</h2>Body<br>next line<br/>last",
        "<pre>line one\n  line two\n\n</pre><textarea>  kept  </textarea>",
        "<p>a<!-- a comment, with commas --> b<![CDATA[c]]><?pi x?>d</p><!DOCTYPE html>",
        "<p>&amp; &eacute; &#8364; &bogus; &#0;</p>",
        "<ruby>漢<rt>kan</rt><rp>(</rp></ruby> <span>a</span> <span>b</span>",
        "<html><head><title> T </title><meta charset='iso-8859-1'></head><body>Grüße</body>",
        "<?xml version='1.0' encoding='iso-8859-1'?><html><body><p>Grüße</p></body></html>",
        "<table><tr><td>a<td>b</table><template><p>no</p></template><script>x</script>",
        "",
        "   ",
        "<!-- only a comment -->",
        "just text",
        "<html><body><p>a</p></body></html>\nafter the end",
    ],
)
def test_parsers_agree(markup: str) -> None:
    bs4_page, lxml_page = both(markup)
    assert lxml_page.text == bs4_page.text
    assert (lxml_page.title, lxml_page.lang) == (bs4_page.title, bs4_page.lang)


@pytest.mark.parametrize("parser", PARSERS)
def test_elements_are_the_walks_elements_in_document_order(parser: str) -> None:
    markup = (
        "<!-- c --><html><body><div id=a><p>x<!-- c --><b>y</b><?pi?></p><ul><li>1"
        "<li>2</ul></div><span>z</span></body></html><p>after the end</p>"
    )
    tree = parse(markup, parser)
    for top in (tree.root, tree.find("div"), tree.find("ul"), tree.find("b")):
        found = list(tree.elements(top))
        assert found == list(walk_elements(tree.children, top))
    names = [tree.name(element) for element in tree.elements(tree.root)]
    # markup after </html> makes a second html element at the top, in both trees
    assert names == ["html", "body", "div", "p", "b", "ul", "li", "li", "span", "html", "p"]


def test_lxml_strings_have_bs4_kinds() -> None:
    tree = parse(
        "<div> \n\t <p>a<!-- c -->b</p>\n\n<pre> \n </pre><script>s</script></div>", "lxml"
    )
    div = tree.find("div")
    assert tree.children(div)[0] == "\n"  # whitespace alone: one newline, as bs4 makes it
    p = tree.find("p")
    assert [type(child) for child in tree.children(p)] == [str, Comment, str]
    assert tree.children(tree.find("pre")) == [" \n "]  # kept inside <pre>
    assert type(tree.children(tree.find("script"))[0]) not in tree.counted_types
    assert tree.text(div) == "\nab\n \n "


def test_lxml_keeps_content_past_libxml2s_default_depth() -> None:
    depth = 1000  # libxml2 stops at 256 without huge_tree
    page = extract("<div>" * depth + "deep" + "</div>" * depth + "<p>after</p>", "lxml")
    assert page.text == "deep\n\nafter"


def test_lxml_hands_what_it_cannot_build_whole_to_bs4() -> None:
    nested = 124_000  # past libxml2's LXML_MAX_DEPTH: its tree would stop there
    markup = "<p>top</p>" + "<div>" * nested + "deep text" + "</div>" * nested + "<p>end</p>"
    assert lxml_tree(markup) is None
    doc = read_html("deep.html", markup.encode())
    assert isinstance(doc, Document) and doc.source.parser == "bs4"
    assert doc.text == "top\n\ndeep text\n\nend"


def test_a_tree_much_shorter_than_its_page_is_handed_to_bs4() -> None:
    # libxml2 2.14 stops only at its depth limit (of 27 hostile shapes tried: unclosed
    # comments, NULs, a million attributes, names of a megabyte...), so the text check
    # is tested on that page's tree: it holds none of the page's text.
    markup = "<div>" * (LXML_MAX_DEPTH + 10) + "deep text " * 100
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True, no_network=True)
    root = etree.fromstring(markup.encode(), parser)
    assert looks_truncated(markup, len(root.xpath("string(/)")))
    whole = "<div>" * 100 + "&amp;" * 200 + "text " * 100  # entities: 5 characters for 1
    assert not looks_truncated(whole, len(extract(whole, "bs4").text))
    assert extract(whole).parser == "lxml"


def test_parser_is_recorded_and_checked(tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_bytes(b"<p>hello</p>")
    for parser in PARSERS:
        [doc] = read([str(page)], html_parser=parser)
        assert isinstance(doc, Document)
        assert doc.source.parser == parser and doc.source.to_record()["parser"] == parser
    with pytest.raises(InputError, match="html_parser: one of lxml, bs4, not 'html5lib'"):
        read([str(page)], html_parser="html5lib")
    with pytest.raises(ValueError, match="unknown HTML parser"):
        extract("<p>x</p>", "html5lib")


# --- every traf-dev page -----------------------------------------------------------------


@pytest.fixture(scope="module")
def extractions() -> list[tuple[str, Extracted, Extracted]]:
    found = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        for path in bench_pages("*.html.gz"):
            markup, _ = decode_bytes(gzip.decompress(path.read_bytes()), html=True)
            found.append((path.name[:16], *both(markup)))
    return found


#: Pages whose text differs between the parsers, and why: none on traf-dev today.
KNOWN_TEXT_DIFFERENCES: dict[str, str] = {}


@pytest.mark.bench
def test_parsers_give_the_same_text_on_every_bench_page(
    extractions: list[tuple[str, Extracted, Extracted]],
) -> None:
    assert all(lxml_page.parser == "lxml" for _, _, lxml_page in extractions)  # no fallback
    differ = {page for page, bs4_page, lxml_page in extractions if bs4_page.text != lxml_page.text}
    assert len(differ) <= 0.02 * len(extractions)
    assert differ == set(KNOWN_TEXT_DIFFERENCES), "look at each, then explain it here"
    for _, bs4_page, lxml_page in extractions:
        fields = ("title", "url", "lang", "description")
        assert [getattr(lxml_page, f) for f in fields] == [getattr(bs4_page, f) for f in fields]


@pytest.mark.bench
def test_parsers_give_the_same_layout_on_every_bench_page(
    extractions: list[tuple[str, Extracted, Extracted]],
) -> None:
    for page, bs4_page, lxml_page in extractions:
        if page in KNOWN_TEXT_DIFFERENCES:
            continue
        assert len(bs4_page.layout) == len(lxml_page.layout), page
        for bs4_row, lxml_row in zip(bs4_page.layout, lxml_page.layout, strict=True):
            for name, a, b in zip(LAYOUT_NAMES, bs4_row, lxml_row, strict=True):
                assert abs(a - b) <= LAYOUT_TOLERANCE.get(name, 0.0), (page, name, a, b)
