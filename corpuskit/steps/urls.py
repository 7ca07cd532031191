"""Step ``filter_urls``: drop pages by their URL: block and allow lists, and URL signals.

A list is a text file, one entry a line (blank lines and ``#`` comments skipped), in
the style of the UT1 blacklists (``domains`` and ``urls`` files in one):

- ``example.com``: a **domain**; it matches the host ``example.com`` and every host
  under it (``www.example.com``, ``a.b.example.com``), as UT1 means its domain lists.
  Matched by the host's suffixes, label by label, against a set: a list of millions of
  domains costs one look-up per label of the host. No public-suffix library
  (tldextract) is needed, since a list entry says itself which suffix it means: a
  registered domain, a subdomain, or a whole suffix (``xxx``);
- ``example.com/ads/``: a **URL prefix** (UT1's ``urls`` files): the URL without its
  scheme and a leading ``www.`` starts with it;
- ``regex:^https?://[^/]*/wp-login``: a **regular expression**, searched for in the
  URL's first ``MAX_URL_SCAN`` characters (so a pattern's cost is bounded, whatever
  the URL); it must pass ``corpuskit.patterns.backtracking`` (no pattern that could
  backtrack), checked when the list is read, and is refused otherwise.

With a block list, a page whose URL matches an entry is rejected ``url_blocked``, the
detail naming the entry and where it is written (``domain example.com
(adult.txt:12)``). With an allow list, a page whose URL matches none is rejected
``url_not_allowed``. Signals of pages that are rarely prose (each a parameter, 0 or
false to turn it off): an IP address for a host (``ip_host``), a query string longer
than ``max_query_chars`` (``long_query``) or with more than ``max_query_params``
parameters (``many_params``), a URL longer than ``max_url_chars`` (``long_url``), a
URL that cannot be parsed (``bad_url``).

The URL is the document's ``url`` (a JSONL ``url`` field, an HTML page's canonical
link) or its WARC record's target URI. A page without one passes, marked
``meta.url_filter = "no_url"`` so that a run can count them (the report's
``changed_by_step`` counts ``filter_urls`` once for each).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from corpuskit.document import Document, Drop
from corpuskit.patterns import backtracking
from corpuskit.pipeline import set_fields

#: Where an entry of a list is written: ``path:line``.
Where = str


@dataclass(frozen=True)
class UrlList:
    """A block or allow list read from a file: domains, URL prefixes, patterns."""

    path: str
    domains: dict[str, Where] = field(default_factory=dict)
    prefixes: dict[str, Where] = field(default_factory=dict)
    patterns: tuple[tuple[re.Pattern[str], Where], ...] = ()
    digest: str = ""

    @classmethod
    def read(cls, path: str | Path) -> UrlList:
        """The list in ``path``; ``ValueError`` for a file that cannot be read or a
        pattern that could backtrack."""
        try:
            raw = Path(path).read_bytes()
        except OSError as error:
            raise ValueError(f"cannot read {path}: {error.strerror or error}") from None
        made = cls(str(path), digest=hashlib.sha256(raw).hexdigest()[:16])
        patterns = []
        for number, entry in _entries(raw.decode("utf-8", "replace")):
            where = f"{Path(path).name}:{number}"
            if entry.startswith("regex:"):
                patterns.append((_pattern(entry[6:], where), where))
            elif "/" in entry:
                made.prefixes.setdefault(_bare(entry), where)
            else:
                made.domains.setdefault(_host(entry), where)
        return cls(made.path, made.domains, made.prefixes, tuple(patterns), made.digest)

    def match(self, url: str, host: str) -> str | None:
        """What in the list matches ``url`` (whose host is ``host``), or None:
        ``domain example.com (list.txt:12)``."""
        for suffix in host_suffixes(host):
            if suffix in self.domains:
                return f"domain {suffix} ({self.domains[suffix]})"
        if self.prefixes:
            bare = _bare(url)
            for end in _prefix_ends(bare):
                if bare[:end] in self.prefixes:
                    return f"url {bare[:end]} ({self.prefixes[bare[:end]]})"
        for pattern, where in self.patterns:
            if pattern.search(url[:MAX_URL_SCAN]):
                return f"pattern {pattern.pattern} ({where})"
        return None


def _entries(text: str) -> Iterator[tuple[int, str]]:
    """The entries of a list's ``text`` with their line numbers, stripped; blank lines
    and ``#`` comments left out."""
    for number, line in enumerate(text.splitlines(), 1):
        entry = line.strip()
        if entry and not entry.startswith("#"):
            yield number, entry


def _pattern(source: str, where: Where) -> re.Pattern[str]:
    """``source`` compiled, if it is a pattern that cannot backtrack."""
    why = backtracking(source)
    if why is not None:
        raise ValueError(f"{where}: pattern {source!r} refused: {why}")
    try:
        return re.compile(source)
    except re.error as error:
        raise ValueError(f"{where}: pattern {source!r}: {error}") from None


def _host(name: str) -> str:
    """A host or domain as compared: lower case, without a leading ``*.`` or ``.`` or a
    trailing dot, in ASCII (an internationalized name in its ``xn--`` form).

    >>> _host("*.Example.COM."), _host("bücher.de")
    ('example.com', 'xn--bcher-kva.de')
    """
    name = name.lower().removeprefix("*.").strip(".")
    if name.isascii():
        return name
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        return name


def host_suffixes(host: str) -> Iterator[str]:
    """``host`` and each domain above it, longest first.

    >>> list(host_suffixes("a.b.example.com"))
    ['a.b.example.com', 'b.example.com', 'example.com', 'com']
    """
    start = 0
    while True:
        yield host[start:]
        dot = host.find(".", start)
        if dot < 0:
            return
        start = dot + 1


def _bare(url: str) -> str:
    """A URL or UT1 entry without its scheme and a leading ``www.``, host in lower case.

    >>> _bare("https://WWW.Example.com/Ads/x?id=1")
    'example.com/Ads/x?id=1'
    """
    rest = url.split("://", 1)[1] if "://" in url else url
    host, slash, path = rest.partition("/")
    return _host(host).removeprefix("www.") + slash + path


def _prefix_ends(bare: str) -> Iterator[int]:
    """Where a UT1 URL entry may end in ``bare``: after each ``/`` (and at the end), so
    that ``example.com/ads`` matches ``example.com/ads/x`` but not ``example.com/adsx``;
    at most ``MAX_PATH_SEGMENTS`` of them (a bounded look-up, whatever the URL)."""
    ends = [i for i, ch in enumerate(bare[:MAX_URL_SCAN]) if ch in "/?"][:MAX_PATH_SEGMENTS]
    yield from ends
    yield from (i + 1 for i in ends)
    yield len(bare)


#: DNS's limit on a name (RFC 1035): a longer host is no host, and the limit bounds the
#: suffixes looked up in a list (``host_suffixes``).
MAX_HOST_CHARS = 253
#: Path segments of a URL looked up in a list's URL prefixes, and the characters read
#: to find them: UT1's URL entries have one to four segments.
MAX_PATH_SEGMENTS = 16
MAX_URL_SCAN = 2048


@dataclass(frozen=True)
class FilterUrls:
    """Step ``filter_urls``: reject pages by URL: a block list (``url_blocked``), an
    allow list (``url_not_allowed``), IP hosts, long or many-parameter query strings,
    long or unreadable URLs.

    >>> from corpuskit.document import Source, make_document
    >>> page = make_document("Text.", Source("-"), url="http://93.184.216.34/p?id=1")
    >>> drop = FilterUrls()(page)
    >>> drop.reason, drop.detail
    ('ip_host', 'host 93.184.216.34 is an IP address')
    """

    blocklist: Path | None = None
    allowlist: Path | None = None
    #: An IP literal for a host: a machine, not a site (parked pages, panels, spam).
    ip_hosts: bool = True
    #: 256 is about 4 times the longest query string among the 696 traf-dev article
    #: URLs (66 characters); longer ones are searches, sessions, tracking, faceted
    #: listings. 0: no limit. Re-count on a sample of your URLs after changing it.
    max_query_chars: int = 256
    #: traf-dev's article URLs have at most 3 parameters. 0: no limit.
    max_query_params: int = 10
    #: 2,048 is the sitemaps protocol's limit on a URL, and what many servers take.
    max_url_chars: int = 2048
    name = "filter_urls"
    lists: tuple[UrlList | None, UrlList | None] = field(
        init=False, compare=False, repr=False, default=(None, None)
    )

    def __post_init__(self) -> None:
        for name in ("blocklist", "allowlist"):  # a str from Python or the command line
            if getattr(self, name) is not None:
                object.__setattr__(self, name, Path(getattr(self, name)))
        for name in ("max_query_chars", "max_query_params", "max_url_chars"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name}: 0 (no limit) or more, not {getattr(self, name)}")
        lists = tuple(
            None if path is None else _read(name, path)
            for name, path in (("blocklist", self.blocklist), ("allowlist", self.allowlist))
        )
        object.__setattr__(self, "lists", lists)

    @property
    def config(self) -> dict[str, Any]:
        """The settings, and each list's file name with the digest of its content: a
        list edited between two runs changes the configuration hash, a list moved does
        not."""
        block, allow = self.lists
        return {
            "blocklist": None if block is None else f"{Path(block.path).name}#{block.digest}",
            "allowlist": None if allow is None else f"{Path(allow.path).name}#{allow.digest}",
            "ip_hosts": self.ip_hosts,
            "max_query_chars": self.max_query_chars,
            "max_query_params": self.max_query_params,
            "max_url_chars": self.max_url_chars,
        }

    def __call__(self, doc: Document) -> Document | Drop:
        url = doc.url or doc.source.warc_target_uri
        if not url:
            return set_fields(doc, self.name, {"url_filter": "no_url"})
        verdict = self.judge(url.strip())
        return doc if verdict is None else doc.drop(*verdict)

    def judge(self, url: str) -> tuple[str, str] | None:
        """Why ``url`` is rejected, as ``(reason, detail)``, or None."""
        if self.max_url_chars and len(url) > self.max_url_chars:
            return "long_url", f"{len(url)} characters > {self.max_url_chars}"
        try:
            parts = urlsplit(url)
            host = _host(parts.hostname or "")
        except ValueError as error:
            return "bad_url", str(error)
        if not host:
            return "bad_url", f"no host in {url[:80]!r}"
        if len(host) > MAX_HOST_CHARS:
            return "bad_url", f"host of {len(host)} characters > {MAX_HOST_CHARS}"
        block, allow = self.lists
        found = None if block is None else block.match(url, host)
        if found is not None:
            return "url_blocked", found
        if allow is not None and allow.match(url, host) is None:
            return "url_not_allowed", f"{host} is not in {Path(allow.path).name}"
        return self._signals(host, parts.query)

    def _signals(self, host: str, query: str) -> tuple[str, str] | None:
        """The URL signals: an IP host, a long query, many parameters."""
        if self.ip_hosts and _is_ip(host):
            return "ip_host", f"host {host} is an IP address"
        if self.max_query_chars and len(query) > self.max_query_chars:
            return "long_query", f"query of {len(query)} characters > {self.max_query_chars}"
        params = query.count("&") + query.count(";") + 1 if query else 0
        if self.max_query_params and params > self.max_query_params:
            return "many_params", f"{params} query parameters > {self.max_query_params}"
        return None


def _read(name: str, path: Path) -> UrlList:
    try:
        return UrlList.read(path)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


def _is_ip(host: str) -> bool:
    """Whether ``host`` is an IPv4 or IPv6 literal (``urlsplit`` strips the brackets).

    >>> _is_ip("10.0.0.1"), _is_ip("::1"), _is_ip("example.com")
    (True, True, False)
    """
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
