"""Which declared value becomes which field: the precedence of metadata sources.

A page often states the same thing several times: a JSON-LD ``headline``, an
``og:title``, a ``twitter:title`` and a ``<title>`` with the site's name appended. The
sources are gathered as *candidates*, values by source key (``"og:title"``,
``"json-ld:author"``, ``"<title>"``, ...), and ``PRECEDENCE`` lists, per field, the keys
in the order they are trusted:

1. JSON-LD (``json-ld:*``): typed, written for search engines, usually the cleanest;
2. Open Graph and its ``article:*`` properties;
3. Twitter cards;
4. Dublin Core (``DC.*``, ``dcterms.*``);
5. other ``<meta name>`` and microdata ``<meta itemprop>`` values (``author``, ``date``,
   Parse.ly, Sailthru);
6. the page's markup: ``<title>``, ``<time>`` elements and bylines (``markup:*``, see
   ``corpuskit.html.byline``).

Three exceptions, where one source states the very thing: the URL is first the
``<link rel="canonical">``, the site name first ``og:site_name`` (JSON-LD has a
``WebSite`` name at best, and often only a publisher, which may be a company or a
person), and the declared language first ``<html lang>``.

The first source with an acceptable value wins. A title is then cut to the headline it
holds (``printed_title``): templates append the site's name (``"Ice | Gazette"``), so
where the page's ``<h1>`` is the title less a part set off by a separator, or the part
set off is the declared site name, the headline alone is the title.

Values are cleaned (entities decoded, whitespace collapsed) and junk is skipped
(``corpuskit.html.values``), so a ``null`` ``og:title`` hands over to the next source.
Dates become ISO 8601 (``corpuskit.html.dates``). Several authors in the winning source
(a JSON-LD list, two ``article:author`` tags) are joined with ``"; "`` into the one
``author`` string text mode fills too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields

from corpuskit.html.dates import iso_date
from corpuskit.html.values import clean, is_absolute_url, is_junk, is_junk_author

Candidates = Mapping[str, Sequence[str]]

#: Per field, the source keys in the order they are trusted (see the module docstring).
PRECEDENCE: dict[str, tuple[str, ...]] = {
    "title": (
        "json-ld:title", "og:title", "twitter:title", "dc.title", "dcterms.title",
        "title", "headline", "parsely-title", "sailthru.title", "<title>",
    ),
    "author": (
        "json-ld:author", "article:author", "og:article:author", "twitter:creator",
        "dc.creator", "dcterms.creator", "author", "parsely-author", "sailthru.author",
        "byl", "markup:author",
    ),
    "published": (
        "json-ld:published", "article:published_time", "og:article:published_time",
        "article:published", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date",
        "dcterms.created", "dc.date.created", "datepublished", "date", "pubdate",
        "publishdate", "publish-date", "publish_date", "publication_date",
        "article.published", "parsely-pub-date", "sailthru.date", "markup:published",
    ),
    "modified": (
        "json-ld:modified", "article:modified_time", "og:article:modified_time",
        "og:updated_time", "dcterms.modified", "dc.date.modified", "datemodified",
        "last-modified", "article.updated", "markup:modified",
    ),
    "url": (
        "canonical", "og:url", "json-ld:url", "twitter:url", "dc.identifier",
        "dcterms.identifier", "parsely-link",
    ),
    "site_name": (
        "og:site_name", "json-ld:site_name", "dc.publisher", "dcterms.publisher", "publisher",
    ),
    "description": (
        "json-ld:description", "og:description", "twitter:description", "dc.description",
        "dcterms.description", "description",
    ),
    "declared_lang": (
        "<html lang>", "json-ld:declared_lang", "content-language", "dc.language",
        "dcterms.language", "language", "og:locale",
    ),
}  # fmt: skip

#: Marks that set a site's or section's name off a headline in a title (``"Ice | Gazette"``,
#: ``"News - Ice"``). A colon is not one: it joins a headline's two halves ("Ice: why").
TITLE_SEPARATORS = "|-–—·»/"
#: A part cut off a title is a name, shorter than the headline: at most this share of
#: the title's words ("Emden - Sehenswürdigkeiten Attraktionen" keeps both halves).
#: Measured on the dev sets' titles (bench/html_titles.py); re-measure after changing.
CUT_SHARE = 0.5

#: Separates several authors in the ``author`` field.
AUTHOR_SEPARATOR = "; "

#: A language tag (BCP 47, loosely): "en", "pt-br", "zh-hant-tw"; "en_US" is read as "en-us".
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")


@dataclass(frozen=True, slots=True)
class PageFields:
    """The metadata a page declares, one value per field, None where it declares none."""

    title: str | None = None
    author: str | None = None
    published: str | None = None
    modified: str | None = None
    url: str | None = None
    site_name: str | None = None
    description: str | None = None
    declared_lang: str | None = None

    def missing(self) -> list[str]:
        """The names of the fields no source filled."""
        return [f.name for f in fields(self) if getattr(self, f.name) is None]


def choose(candidates: Candidates) -> PageFields:
    """One value per field from ``candidates``, by ``PRECEDENCE``.

    >>> page = choose({"<title>": ["Ice | Gazette"], "og:title": ["null"],
    ...                "twitter:title": ["Ice"], "article:author": ["https://fb.com/ana"],
    ...                "author": ["Ana Ruiz"], "og:site_name": ["Gazette"],
    ...                "date": ["2024-03-05T08:00:00Z"]})
    >>> page.title, page.author, page.published, page.site_name
    ('Ice', 'Ana Ruiz', '2024-03-05T08:00:00+00:00', 'Gazette')
    """
    site_name = _first(candidates, "site_name", _text)
    return PageFields(
        title=_first(candidates, "title", _text),
        author=_authors(candidates, site_name),
        published=_first(candidates, "published", iso_date),
        modified=_first(candidates, "modified", iso_date),
        url=_first(candidates, "url", _url),
        site_name=site_name,
        description=_first(candidates, "description", _text),
        declared_lang=_first(candidates, "declared_lang", language_tag),
    )


def printed_title(title: str, site_name: str | None, headings: Sequence[str]) -> str:
    """The headline inside a page's ``title``: the first of ``headings`` (the page's
    ``<h1>`` texts, cleaned) that is the title less a part set off by a
    ``TITLE_SEPARATORS`` mark, else the title less a part set off that is ``site_name``;
    else the title. The part cut is at most ``CUT_SHARE`` of the title's words (a
    name, not half of a headline).

    >>> printed_title("Ice on the Rhine | Gazette", "Gazette", [])
    'Ice on the Rhine'
    >>> printed_title("News - Eis auf dem Rhein", None, ["Menu", "Eis auf dem Rhein"])
    'Eis auf dem Rhein'
    >>> printed_title("Ice: why the Rhine froze", "Ice", ["Ice"])
    'Ice: why the Rhine froze'
    """
    words = _words(title)
    for heading in headings:
        cut = _set_off(title, heading)
        if cut and _words(cut) <= CUT_SHARE * words:
            return heading
    site = site_name or ""
    headline = _set_off(title, site)
    return headline if headline and _words(site) <= CUT_SHARE * words else title


def _words(text: str) -> int:
    """The words of ``text``, a separator mark not one.

    >>> _words("Ice | Gazette")
    2
    """
    return sum(any(c.isalnum() for c in word) for word in text.split())


def _set_off(title: str, part: str) -> str | None:
    """The rest of ``title`` when it starts or ends with ``part`` (case aside) set off
    from the rest by a separator mark; None otherwise.

    >>> _set_off("Ice | Gazette", "gazette"), _set_off("NEWS|Ice", "News")
    ('Ice', 'Ice')
    >>> _set_off("Jean-Paul Sartre", "Jean"), _set_off("Ice", "Ice")
    (None, None)
    """
    size = len(part)
    if not part or size >= len(title):
        return None
    if title[:size].casefold() == part.casefold():
        rest, mark = title[size:], title[size:].lstrip()[:1]
        spaced = rest[:1] == " " or mark == "|"
    elif title[-size:].casefold() == part.casefold():
        rest, mark = title[:-size], title[:-size].rstrip()[-1:]
        spaced = rest[-1:] == " " or mark == "|"
    else:
        return None
    if not (mark and mark in TITLE_SEPARATORS and spaced):
        return None
    return rest.strip(" " + TITLE_SEPARATORS) or None


def language_tag(value: str) -> str | None:
    """A declared language as a lowercase tag, or None if it is not one.

    >>> language_tag(" EN_us "), language_tag("pt-BR"), language_tag("{{lang}}")
    ('en-us', 'pt-br', None)
    """
    tag = value.strip().lower().replace("_", "-")
    return tag if _LANGUAGE_TAG.fullmatch(tag) else None


def _first(candidates: Candidates, name: str, read: Callable[[str], str | None]) -> str | None:
    """The first value of ``name``'s sources that ``read`` accepts, read."""
    for key in PRECEDENCE[name]:
        for value in candidates.get(key, ()):
            if (found := read(value)) is not None:
                return found
    return None


def _authors(candidates: Candidates, site_name: str | None) -> str | None:
    """The names of the first source that gives any, junk left out, joined."""
    for key in PRECEDENCE["author"]:
        names = [clean(value) for value in candidates.get(key, ())]
        kept = [name for name in names if not is_junk_author(name, site_name)]
        if kept:
            return AUTHOR_SEPARATOR.join(dict.fromkeys(kept))
    return None


def _text(value: str) -> str | None:
    cleaned = clean(value)
    return None if is_junk(cleaned) else cleaned


def _url(value: str) -> str | None:
    cleaned = clean(value)
    return cleaned if is_absolute_url(cleaned) else None
