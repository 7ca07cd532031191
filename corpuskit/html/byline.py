"""Author and dates from the page's markup: bylines and ``<time>`` elements.

The last resort when no metadata tag or JSON-LD names them (``corpuskit.html.fields``),
so careful rather than eager. One walk over the tree looks at:

- microdata: ``itemprop="author"`` (its ``itemprop="name"`` inside, else its text),
  ``itemprop="datePublished"`` and ``"dateModified"`` (``content`` or ``datetime``);
- ``<a rel="author">``: the author's name as link text;
- elements whose class is a byline class (``BYLINE_CLASSES``: whole class names, so
  ``comment-author`` or ``author-avatar`` never count), their text read like a text-mode
  byline ("By Ana Ruiz", "von Anna Berg" or just the name; ``lift_metadata``'s
  vocabulary decides what a name looks like);
- ``<time>`` elements: one whose class says it is the publication (``PUBLISHED_CLASSES``)
  or update date (``MODIFIED_CLASSES``), or has ``pubdate``; else the first one inside
  ``<article>``, ``<main>`` or ``<header>``, else the only one on the page.

Anything in a region that is not the page's own (``<aside>``, ``<nav>``, or an element
with a class or id that starts with one of ``OTHER_REGIONS``: comments, related posts, side bars,
widgets) is left alone: WordPress prints each comment's author and date, and each
related post's, with the same markup as the post's. Only the first name found is kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

from corpuskit.html.metadata import attribute
from corpuskit.html.tree import Tree
from corpuskit.lexicon.metadata import MetadataVocabulary

#: Class names of elements that hold a byline or the author's name.
BYLINE_CLASSES = frozenset(
    {
        "byline", "author", "by-author", "byline-author", "byline__author", "byline__name",
        "post-author", "entry-author", "meta-author", "author-name", "authorname",
        "article-author", "story-author", "article-byline", "post-byline", "c-byline",
    }
)  # fmt: skip

#: Class names of ``<time>`` elements that date the publication, or the last update.
PUBLISHED_CLASSES = frozenset(
    {"published", "entry-date", "post-date", "pubdate", "date-published", "publish-date"}
)
MODIFIED_CLASSES = frozenset({"updated", "modified", "date-modified", "entry-updated"})
CLASSES = BYLINE_CLASSES | PUBLISHED_CLASSES
CLASS_WORDS = ("author", "byline", "date", "publish")

#: Where the page's own date is printed, unlike dates in side bars and lists.
MAIN_REGIONS = frozenset({"article", "main", "header"})

#: Regions that show other pages' or readers' bylines and dates: elements with these
#: names, or with a class name or id that starts with one of these words.
OTHER_TAGS = frozenset({"nav"})
OTHER_REGIONS = ("comment", "related", "recommend")

#: A date printed for people in an element with a ``PUBLISHED_CLASSES`` class is short.
MAX_DATE_CHARS = 60

#: Words that label a byline in markup, often for screen readers ("Author Ana Ruiz"),
#: besides text mode's byline prefixes ("By", "von": ``metadata.toml``).
LABELS = frozenset({"author", "authors", "autor", "autoren", "auteur", "auteurs", "autore"})

#: Names only: a longer text is a whole byline box with a bio, not a name.
MAX_BYLINE_CHARS = 80


def markup_candidates(tree: Tree) -> dict[str, list[str]]:
    """The author and dates the markup of ``tree`` shows, by source key (``markup:*``).

    >>> from corpuskit.html.tree import parse
    >>> markup_candidates(parse('<article><span class="byline">By Ana Ruiz</span>'
    ...     '<time datetime="2024-03-05">5 March</time></article>'
    ...     '<div class="comments"><span class="author">Bo</span></div>'))
    {'markup:author': ['Ana Ruiz'], 'markup:published': ['2024-03-05']}
    """
    found = _Found(tree)
    name_of, attrs_of = tree.name, tree.attrs
    for tag in tree.elements(tree.root):  # about 800 a page: ``_worth_a_look`` inline
        attrs = attrs_of(tag)
        if not attrs:
            continue
        classes = attrs.get("class")
        if "itemprop" in attrs or (classes and _byline_like(_joined(classes))):
            found.look_at(tag)
            continue
        name = name_of(tag)
        if name == "time" or (name == "a" and "rel" in attrs):
            found.look_at(tag)
    return found.candidates()


def parents(tree: Tree, node: Any) -> Iterator[Any]:
    """The elements above ``node``, nearest first (the document node excluded)."""
    parent = tree.parent(node)
    while parent is not None and parent is not tree.root:
        yield parent
        parent = tree.parent(parent)


class _Found:
    """What the walk has seen so far: author texts and dates, best kind first."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.names: list[list[str]] = [[], [], []]  # itemprop, rel=author, byline class
        self.published: list[list[str]] = [[], [], []]  # itemprop, time class, time
        self.modified: list[list[str]] = [[], []]  # itemprop, time class
        self.times: list[str] = []  # the dates of <time> elements outside comments

    def look_at(self, tag: Any) -> None:
        """Note what ``tag`` says, if it is a byline, a date or a ``<time>``."""
        tree = self.tree
        name, attrs = tree.name(tag), tree.attrs(tag)
        if not _worth_a_look(name, attrs):
            return
        itemprop = attribute(attrs, "itemprop").strip().lower()
        classes = set(attribute(attrs, "class").lower().split())
        is_time = name == "time"
        rel_author = name == "a" and "author" in attribute(attrs, "rel").lower().split()
        wanted = itemprop in ("author", "datepublished", "datemodified") or rel_author
        if not (wanted or is_time or not CLASSES.isdisjoint(classes)):
            return
        if _elsewhere(tree, tag):
            return
        if itemprop == "author":
            self.names[0].append(_itemprop_name(tree, tag))
        elif itemprop in ("datepublished", "datemodified"):
            kind = self.published if itemprop == "datepublished" else self.modified
            kind[0].append(_date_text(tree, tag))
        elif rel_author:
            self.names[1].append(tree.text(tag, " "))
        elif not BYLINE_CLASSES.isdisjoint(classes):
            self.names[2].extend(_byline_texts(tree, tag))
        if is_time:
            self._time(tag, classes)
        elif not PUBLISHED_CLASSES.isdisjoint(classes) and itemprop != "datepublished":
            text = tree.text(tag, " ")
            self.published[1].extend([text] if len(text) <= MAX_DATE_CHARS else [])

    def _time(self, tag: Any, classes: set[str]) -> None:
        tree = self.tree
        date = _date_text(tree, tag)
        self.times.append(date)
        if "pubdate" in tree.attrs(tag) or not PUBLISHED_CLASSES.isdisjoint(classes):
            self.published[1].append(date)
        if not MODIFIED_CLASSES.isdisjoint(classes):
            self.modified[1].append(date)
        if any(tree.name(parent) in MAIN_REGIONS for parent in parents(tree, tag)):
            self.published[2].append(date)

    def candidates(self) -> dict[str, list[str]]:
        """The values found, by source key: the best kind first, fallbacks after."""
        found: dict[str, list[str]] = {}
        if name := self._first_name():
            found["markup:author"] = [name]
        published = self.published[0] + self.published[1]
        fallback = self.published[2] or (self.times if len(self.times) == 1 else [])
        if published or fallback:
            found["markup:published"] = published + fallback[:1]
        if modified := self.modified[0] + self.modified[1]:
            found["markup:modified"] = modified
        return found

    def _first_name(self) -> str | None:
        """The first text of the best kind that reads as a name."""
        texts = [_unlabelled(" ".join(t.split())) for kind in self.names for t in kind]
        texts = [t for t in texts if 0 < len(t) <= MAX_BYLINE_CHARS and ":" not in t]
        if not texts:
            return None
        vocabulary = _vocabulary()  # only on pages that show a byline
        for text in texts:
            name = vocabulary.author(text) or vocabulary.author(f"By {text}")
            if name:
                return name
        return None


@cache
def _vocabulary() -> MetadataVocabulary:
    """``metadata.toml``'s vocabulary, compiled once per process (it is immutable):
    compiling it took 0.6 ms, on the 37% of dev pages whose markup shows a byline."""
    return MetadataVocabulary.default()


def _worth_a_look(name: str, attrs: Any) -> bool:
    """A quick test that ``tag`` may be one ``_Found`` notes; most tags are not.

    Every class in ``CLASSES`` contains one of ``CLASS_WORDS``, so a tag whose class
    contains none of them is not split into class names at all (the walk meets about
    800 tags a page, and this keeps it at a few percent of the parse time).
    """
    if name == "time" or "itemprop" in attrs or ("rel" in attrs and name == "a"):
        return True
    classes = attrs.get("class")
    if not classes:
        return False
    return _byline_like(_joined(classes))


def _joined(classes: Any) -> str:
    """A ``class`` value as one string (a parser may give a list of names)."""
    return classes if isinstance(classes, str) else " ".join(classes)


#: How many ``class`` values ``_byline_like`` remembers its answer for.
CLASSES_KEPT = 50_000


@lru_cache(maxsize=CLASSES_KEPT)
def _byline_like(classes: str) -> bool:
    """Whether the ``class`` value ``classes``, lowercased, holds one of ``CLASS_WORDS``.

    Remembered by the value: a page repeats the same few, and a site's pages each
    other's (a third of the byline pass's time went to asking them again).
    """
    text = classes.lower()
    return any(word in text for word in CLASS_WORDS)


def _elsewhere(tree: Tree, tag: Any) -> bool:
    """Whether ``tag`` is in a region that is not the page's own (``OTHER_REGIONS``).

    Class names and ids are matched by how they start ("comment-list", "related_posts",
    "sidebar"), and ``<body>`` is not asked: its classes describe the layout
    ("has-sidebar", "comments-open"), not a region.
    """
    for element in (tag, *parents(tree, tag)):
        name, attrs = tree.name(element), tree.attrs(element)
        if name in OTHER_TAGS:
            return True
        if name in ("body", "html"):
            return False
        names = f"{attribute(attrs, 'class')} {attribute(attrs, 'id')}".lower().split()
        if any(name.startswith(OTHER_REGIONS) for name in names):
            return True
    return False


def _itemprop_name(tree: Tree, tag: Any) -> str:
    """The name of an ``itemprop="author"`` element: its ``name`` property, or its text."""
    if isinstance(content := tree.attrs(tag).get("content"), str):
        return content
    for named in tree.elements(tag):
        if tree.attrs(named).get("itemprop") == "name":
            return attribute(tree.attrs(named), "content") or tree.text(named, " ")
    return tree.text(tag, " ")


def _byline_texts(tree: Tree, tag: Any) -> list[str]:
    """The texts of a byline element that may be the name, the likeliest first.

    The name usually links to the author's page: the link's text comes first when
    nothing but a label word stands beside it ("By", "Author", "von"), then the whole
    text, a leading label word removed.
    """
    text = " ".join(tree.text(tag, " ").split())
    links = tree.find_all(tag, ("a",), first=True)
    texts = []
    if links:
        name = " ".join(tree.text(links[0], " ").split())
        if name and len(text.replace(name, " ", 1).split()) <= 1:
            texts.append(name)
    first, _, rest = text.partition(" ")
    texts.append(rest if first.casefold() in LABELS else text)
    return texts


def _unlabelled(text: str) -> str:
    """``text`` without a short label before a colon ("Interview: Ana Ruiz" -> "Ana Ruiz").

    >>> _unlabelled("Text und Interview: Ana Ruiz"), _unlabelled("Ana Ruiz")
    ('Ana Ruiz', 'Ana Ruiz')
    """
    label, colon, rest = text.partition(":")
    return rest.strip() if colon and len(label.split()) <= 3 else text


def _date_text(tree: Tree, tag: Any) -> str:
    """The machine-readable date of an element (``datetime``, ``content``), else its text."""
    attrs = tree.attrs(tag)
    return attribute(attrs, "datetime") or attribute(attrs, "content") or tree.text(tag, " ")
