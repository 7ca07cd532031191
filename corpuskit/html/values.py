"""Metadata values as a page declares them, cleaned, and the ones that are junk.

Declared values come from templates and plugins, and it shows: ``content="null"``,
``"{{ author }}"``, an author that is a profile URL or a Twitter handle or the site's
own name, entities encoded twice, line breaks inside a title. ``clean`` makes a value
plain text; the ``*_junk`` predicates say which values name nothing, so that the next
source in line is asked instead.
"""

from __future__ import annotations

import html
import re

#: Values that mean "no value": template defaults and serialized empties.
EMPTY_VALUES = frozenset(
    {"null", "none", "undefined", "nan", "n/a", "na", "-", "--", "false", "true", "unknown"}
)

#: Author values that are accounts, not people: WordPress and CMS defaults.
ACCOUNT_NAMES = frozenset({"admin", "administrator", "administrador", "root", "webmaster"})

#: An author's name is short: longer values are bios or sentences ("Anna Berg is a
#: reporter covering ..."). Text mode's bylines allow six words per name.
MAX_AUTHOR_WORDS = 10
MAX_AUTHOR_CHARS = 120

#: Template placeholders: an opener and, later on the same line, its closer (Jinja and
#: Liquid ``{{ }}`` and ``{% %}``, ``%%NAME%%`` macros, ``${...}`` and ``<% %>`` (JSP,
#: ERB), wiki ``[[...]]``).
PLACEHOLDERS = (("{{", "}}"), ("{%", "%}"), ("%%", "%%"), ("${", "}"), ("<%", "%>"), ("[[", "]]"))
_URL = re.compile(r"(?i)(?:https?:)?//\S+|www\.\S+")
_SCHEME = re.compile(r"(?i)https?://")
_SPACE = re.compile(r"\s")
_HANDLE = re.compile(r"@\w[\w.]*")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def clean(value: str) -> str:
    """``value`` as plain text: tags dropped, entities decoded (twice-encoded too),
    whitespace collapsed. Tags turn up in JSON-LD (an author as ``<a href=...>Name</a>``).

    >>> clean("  Fish &amp;amp; Chips\\n\\t in  <b>Leeds</b> ")
    'Fish & Chips in Leeds'
    """
    if "<" in value:
        value = _TAG.sub(" ", value)
    for _ in range(2):  # "&amp;amp;" is what a template that escapes twice prints
        if "&" not in value:
            break
        value = html.unescape(value)
    return " ".join(value.split())


def is_junk(value: str) -> bool:
    """Whether a cleaned value names nothing: empty, "null", a template placeholder.

    >>> [is_junk(v) for v in ("", "null", "{{ page.title }}", "Ice on the Rhine")]
    [True, True, True, False]
    """
    return not value or value.casefold() in EMPTY_VALUES or has_placeholder(value)


def has_placeholder(value: str) -> bool:
    """Whether a line of ``value`` holds a template placeholder (``PLACEHOLDERS``): an
    opener, then its closer after it.

    Linear in ``value``: the first opener of each kind and a closer after it are found
    with ``str.find``. (The regular expression ``<%.*%>`` it replaces tried every
    opener against the rest of the line: an 80 KB title of ``<%<%<%...`` took seconds.)

    >>> [has_placeholder(v) for v in ("{{ author }}", "${title}", "a {{ b", "50%%", "%%%%")]
    [True, True, False, False, True]
    >>> has_placeholder("<%" * 100_000), has_placeholder("{{ one\\ntwo }}")
    (False, False)
    """
    for line in value.split("\n"):
        for opener, closer in PLACEHOLDERS:
            start = line.find(opener)
            if start >= 0 and line.find(closer, start + len(opener)) >= 0:
                return True
    return False


def is_junk_author(name: str, site_name: str | None = None) -> bool:
    """Whether a cleaned author value is not a person's or a desk's name.

    Junk: a URL (``article:author`` is often a profile page), a handle (``@desk``), an
    e-mail address, an account name ("admin"), the site's own name, a value with no
    letter, or one too long to be a name.

    >>> [is_junk_author(v) for v in ("https://www.facebook.com/ana", "@ana", "admin")]
    [True, True, True]
    >>> is_junk_author("Die Zeit", site_name="DIE ZEIT"), is_junk_author("Ana Ruiz")
    (True, False)
    """
    folded = name.casefold()
    return (
        is_junk(name)
        or bool(_URL.search(name) or _HANDLE.fullmatch(name))
        or "@" in name
        or folded in ACCOUNT_NAMES
        or (site_name is not None and folded == site_name.casefold())
        or not any(c.isalpha() for c in name)
        or len(name) > MAX_AUTHOR_CHARS
        or len(name.split()) > MAX_AUTHOR_WORDS
    )


def is_absolute_url(value: str) -> bool:
    """Whether ``value`` is an absolute http(s) URL (a relative one names no page alone):
    no space, and a dot inside the host (what comes before the first ``/``, its query
    included). Linear, where the regular expression it replaces backtracked over every
    dot of a long host.

    >>> is_absolute_url("https://example.org/a?b=1"), is_absolute_url("/a"), is_absolute_url("https://x")
    (True, False, False)
    """
    scheme = _SCHEME.match(value)
    if scheme is None or _SPACE.search(value):
        return False
    host = value[scheme.end() :].split("/", 1)[0]
    return "." in host[1:-1]
