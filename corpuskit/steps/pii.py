"""Step ``redact_pii``: e-mail addresses, phone numbers, IP addresses and (optionally)
credit-card and IBAN numbers replaced by typed placeholders.

Each kind is found in two stages: a candidate pattern, linear in the line (every
variable count is bounded, or the text before it cannot be read twice:
``tests/steps/test_pii.py`` checks each with ``corpuskit.patterns.backtracking`` and
measures the cost on long runs), then a validator written by people who know the
format:

- e-mail: the candidate's domain must end in a dot and a top-level domain of letters
  (no library: the syntax is the whole of what can be checked offline);
- phone: Google's libphonenumber (the ``phonenumbers`` port) finds the numbers inside a
  candidate and keeps only those valid in their region: ``+`` numbers in any region,
  national ones in ``phone_regions``;
- IP: the standard library's ``ipaddress`` (IPv4 and IPv6); by default only global
  addresses, as datatrove's ``PIIFormatter`` (``only_remove_public_ips``): ``192.168.0.1``
  in a router's manual names no one;
- credit card: 13 to 19 digits with a card network's prefix and a valid Luhn check
  digit (``python-stdnum``'s ``luhn``);
- IBAN: ``python-stdnum``'s ``iban`` (the country's length and the mod-97 check).

Placeholders: ``<EMAIL>``, ``<PHONE>``, ``<IP_ADDRESS>``, ``<CREDIT_CARD>``,
``<IBAN>``: the kinds Presidio names (``EMAIL_ADDRESS``, ``PHONE_NUMBER``,
``IP_ADDRESS``, ``CREDIT_CARD``, ``IBAN_CODE``) in the ``<KIND>`` form its ``replace``
operator writes and BigCode's StarCoder data used (``<EMAIL>``), shortened where the
short word is plain. A typed token, not datatrove's fake addresses
(``email@example.com``): a reader of the corpus can tell a redaction from text, and
count it. ``tests/cases/pii_lines.jsonl`` holds hand-labelled lines from real pages;
``python bench/redaction.py`` prints the precision and recall per kind on them.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from corpuskit.data import load_table
from corpuskit.document import Document, Edit, Replacement
from corpuskit.lazy import require

#: The kinds, in the order they are looked for (an e-mail holds digits a phone pattern
#: would take; a card or an IBAN number is a run of digits a phone pattern would take),
#: and their placeholders.
PLACEHOLDERS: dict[str, str] = {
    "email": "<EMAIL>",
    "iban": "<IBAN>",
    "credit_card": "<CREDIT_CARD>",
    "ip_address": "<IP_ADDRESS>",
    "phone": "<PHONE>",
}

#: Candidates. A local part starts a token and is at most 64 characters (RFC 5321);
#: the domain is read whole (possessive: it is never given back) and checked after.
EMAIL = re.compile(r"(?<![\w.+%-])[\w.+%-]{1,64}@[\w-][\w.-]{0,252}+")
#: Four groups of one to three digits, not inside a longer run of digits and dots.
IPV4 = re.compile(r"(?<![\w.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\w|\.\d)")
#: Hexadecimal digits and colons, at least one colon; ``ipaddress`` decides.
IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:]{2,40}+(?![\w:])")
#: A run of digits and the separators numbers are written with, up to 24 characters
#: between a first and a last digit (the longest international number, 15 digits,
#: written with a separator between each); libphonenumber finds the numbers inside.
PHONE = re.compile(r"(?<![\w+.,])[+(]{0,2}\d[\d ().\-/\xa0]{5,22}\d(?!\w)")
#: The word before a dotted quad, read from at most this many characters before it:
#: "version - 9.5.3.72" needs 10; a longer look finds words of the sentence before.
VERSION_LOOKBACK = 16
_WORDS = re.compile(r"[^\W\d_]+")

#: What libphonenumber calls a valid number but people write as a date: ``06.07.2018``,
#: ``2021-05-12``, ``02.01.2023 10`` (a date and an hour), ``02/14 - 02/21`` (a week).
DATE = re.compile(
    r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}(?: \d{1,2})?|\d{1,2}[./]\d{1,2} ?- ?\d{1,2}[./]\d{1,2}"
)
#: 13 to 19 digits, in groups separated by a space or a hyphen.
CARD = re.compile(r"(?<![\d\-])\d[\d \-]{11,21}\d(?![\d\-])")
#: A country code, two check digits, then up to 30 letters and digits, in groups of
#: four or not; trailing words in capitals are cut off before the check (``_iban``).
IBAN = re.compile(r"(?<![\w])[A-Z]{2}\d{2}[A-Z0-9 ]{10,40}+")

_DIGIT = re.compile(r"\d")

#: The prefixes of the card networks (Visa 4, Mastercard 51-55 and 2221-2720, American
#: Express 34 and 37, Discover 6011 and 65, Diners 36 and 38, JCB 35, UnionPay 62):
#: a Luhn check alone passes one number in ten.
CARD_PREFIXES = re.compile(r"4|5[1-5]|2[2-7]|3[4-8]|6011|65|62")

#: Fewest digits of a phone number: seven is the shortest subscriber number with an
#: area code that libphonenumber calls valid in most plans; below it, prices and years.
MIN_PHONE_DIGITS = 7


def _email(candidate: str) -> str | None:
    """The e-mail address ``candidate`` starts with, or None: its domain has a dot and
    ends in a top-level domain of two or more letters; a trailing dot or hyphen (the
    end of a sentence) is left out.

    >>> _email("jane.doe@example.co.uk."), _email("user@localhost"), _email("@x.io")
    ('jane.doe@example.co.uk', None, None)
    """
    local, _, domain = candidate.partition("@")
    domain = domain.rstrip(".-")
    top = domain.rpartition(".")[2]
    if not local.strip(".") or "." not in domain or len(top) < 2 or not top.isalpha():
        return None
    return f"{local}@{domain}"


@lru_cache(maxsize=1)
def version_words() -> frozenset[str]:
    """The words after which a dotted quad is a version (``data/pii.toml``)."""
    return frozenset(load_table("pii")["version_words"]["words"])


def _version(line: str, start: int) -> bool:
    """Whether the last word before ``start`` in ``line`` says a version follows.

    >>> _version("Gimlet (version - 9.5.3.72)", 18), _version("Server at 8.8.8.8", 10)
    (True, False)
    """
    words = _WORDS.findall(line[max(0, start - VERSION_LOOKBACK) : start].lower())
    return bool(words) and words[-1] in version_words()


def _ip(candidate: str, public_only: bool) -> bool:
    """Whether ``candidate`` is an IP address (global only, with ``public_only``).

    >>> _ip("8.8.8.8", True), _ip("192.168.0.1", True), _ip("192.168.0.1", False)
    (True, False, True)
    >>> _ip("2001:4860:4860::8888", True), _ip("12:30:45", False)
    (True, False)
    """
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return address.is_global or not public_only


def _card(candidate: str) -> bool:
    """Whether ``candidate`` is a card number: 13 to 19 digits, a network's prefix, a
    valid Luhn check digit.

    >>> _card("4111 1111 1111 1111"), _card("4111 1111 1111 1112"), _card("9780306406157")
    (True, False, False)
    """
    luhn = require("stdnum.luhn", "pii", "redact_pii:")
    digits = candidate.replace(" ", "").replace("-", "")
    if not 13 <= len(digits) <= 19 or not CARD_PREFIXES.match(digits):
        return False
    return bool(luhn.is_valid(digits))


def _iban(candidate: str) -> str | None:
    """The IBAN ``candidate`` starts with, or None: the candidate, then shorter by one
    group of characters at a time from the end (``DE89 3704 0044 0532 0130 00 BIC``).

    >>> _iban("DE89 3704 0044 0532 0130 00 BIC"), _iban("DE89 3704 0044 0532 0130 01")
    ('DE89 3704 0044 0532 0130 00', None)
    """
    iban = require("stdnum.iban", "pii", "redact_pii:")
    text = candidate.rstrip()
    while len(text) >= 15:  # the shortest IBAN (Norway) has 15 characters
        if iban.is_valid(text):
            return text
        cut = text.rfind(" ")
        if cut < 0:
            return None
        text = text[:cut].rstrip()
    return None


def _phone_library() -> Any:
    """The ``phonenumbers`` module (the ``pii`` extra)."""
    return require("phonenumbers", "pii", "redact_pii:")


def _phones(candidate: str, regions: tuple[str, ...]) -> list[tuple[int, int]]:
    """The spans of ``candidate`` that libphonenumber finds as valid phone numbers, for
    a ``+`` number in any region, for a national one in one of ``regions``; the spans
    of the first region that finds any.

    >>> _phones("+49 30 901820", ()), _phones("(202) 456-1111", ("US",))
    ([(0, 13)], [(0, 14)])
    >>> _phones("2021-05-12", ("US", "DE")), _phones("978-3-16-148410-0", ("US",))
    ([], [])
    """
    if sum(ch.isdigit() for ch in candidate) < MIN_PHONE_DIGITS:
        return []
    library = _phone_library()
    valid = library.Leniency.VALID
    for region in regions or (None,):
        found = [
            (match.start, match.end)
            for match in library.PhoneNumberMatcher(candidate, region, leniency=valid)
            if _phone_like(match.raw_string)
        ]
        if found:
            return found
    return []


def _phone_like(number: str) -> bool:
    """Whether a number libphonenumber found is written as a phone number: at least
    ``MIN_PHONE_DIGITS`` digits, and not as a date.

    >>> _phone_like("030 65211-1780"), _phone_like("06.07.2018"), _phone_like("368944")
    (True, False, False)
    """
    digits = sum(ch.isdigit() for ch in number)
    return digits >= MIN_PHONE_DIGITS and DATE.fullmatch(number) is None


@dataclass(frozen=True)
class RedactPii:
    """Step ``redact_pii``: replace e-mail addresses, phone numbers and IP addresses
    (and, when asked, credit-card and IBAN numbers) with ``<EMAIL>``, ``<PHONE>``,
    ``<IP_ADDRESS>``, ``<CREDIT_CARD>``, ``<IBAN>``; the edit counts them by kind.

    ``phone_regions`` are the countries (ISO 3166 codes) whose national numbers count
    (``+`` numbers count in every region); ``public_ips_only`` leaves private, loopback
    and reserved addresses alone.

    >>> from corpuskit.document import Source, make_document
    >>> page = make_document("Mail jane@example.org or call +1 202-456-1111.", Source("-"))
    >>> doc = RedactPii()(page)
    >>> doc.text, doc.edits[-1].replaced
    ('Mail <EMAIL> or call <PHONE>.', {'email': 1, 'phone': 1})
    """

    emails: bool = True
    phones: bool = True
    ips: bool = True
    credit_cards: bool = False
    ibans: bool = False
    #: National numbers are read as the United States write them unless told otherwise:
    #: each region added is one more libphonenumber pass over each candidate, and finds
    #: more digit runs that are valid numbers somewhere (tests/steps/test_pii.py measures
    #: precision and recall with these; re-run ``python bench/redaction.py`` after changing).
    phone_regions: tuple[str, ...] = ("US", "GB", "DE", "FR")
    public_ips_only: bool = True
    name = "redact_pii"
    kinds: tuple[str, ...] = field(init=False, compare=False, repr=False, default=())

    def __post_init__(self) -> None:
        require("stdnum", "pii", f"{self.name}:")
        regions = tuple(code.upper() for code in self.phone_regions)
        unknown = [code for code in regions if code not in _phone_library().SUPPORTED_REGIONS]
        if unknown:
            raise ValueError(f"phone_regions: unknown region {unknown[0]!r} (ISO 3166 codes)")
        object.__setattr__(self, "phone_regions", regions)
        wanted = {
            "email": self.emails,
            "iban": self.ibans,
            "credit_card": self.credit_cards,
            "ip_address": self.ips,
            "phone": self.phones,
        }
        object.__setattr__(self, "kinds", tuple(kind for kind, on in wanted.items() if on))

    @property
    def config(self) -> dict[str, Any]:
        return {
            "emails": self.emails,
            "phones": self.phones,
            "ips": self.ips,
            "credit_cards": self.credit_cards,
            "ibans": self.ibans,
            "phone_regions": list(self.phone_regions),
            "public_ips_only": self.public_ips_only,
        }

    def find(self, kind: str, line: str) -> Iterator[tuple[int, int]]:
        """The spans of ``kind`` in ``line``, in order. (A method, not functions kept
        on the step: the step is pickled for worker processes.)"""
        if kind == "email":
            return _validated(EMAIL, line, _email)
        if kind == "iban":
            return _validated(IBAN, line, _iban)
        if kind == "credit_card":
            return _checked(CARD, line, _card)
        if kind == "ip_address":
            return _ip_spans(line, self.public_ips_only)
        return _phone_spans(line, self.phone_regions)

    def __call__(self, doc: Document) -> Document:
        lines = doc.text.split("\n")
        spans: list[Replacement] = []
        for index, line in enumerate(lines):
            found = self.spans(line)
            if found:
                lines[index] = _replace(line, found)
                spans += [Replacement(index + 1, start + 1, kind) for start, _, kind in found]
        if not spans:
            return doc
        text = "\n".join(lines)
        counts = Counter(span.kind for span in spans)
        replaced = {kind: counts[kind] for kind in PLACEHOLDERS if kind in counts}
        edit = Edit(
            self.name, len(doc.text), len(text), replaced=replaced, replacements=tuple(spans)
        )
        return doc.with_text(text, edit)

    def spans(self, line: str) -> list[tuple[int, int, str]]:
        """The spans to replace in ``line``, in order, as ``(start, end, kind)``: each
        kind's in turn (``PLACEHOLDERS``' order), a span that overlaps one of a kind
        found before left out. Linear: each character is marked taken once at most,
        and a span is checked against the marks of its own characters only."""
        taken = bytearray(len(line))
        found = []
        digits = _DIGIT.search(line) is not None
        for kind in self.kinds:
            if not (("@" in line) if kind == "email" else digits):
                continue  # every kind but e-mail needs a digit; an e-mail, an "@"
            for start, end in self.find(kind, line):
                if not any(taken[start:end]):
                    taken[start:end] = b"\x01" * (end - start)
                    found.append((start, end, kind))
        return sorted(found)


def _validated(
    pattern: re.Pattern[str], line: str, valid: Callable[[str], str | None]
) -> Iterator[tuple[int, int]]:
    """The spans of ``pattern``'s candidates in ``line`` that ``valid`` keeps (it gives
    the part of the candidate, from its start, that is one)."""
    for match in pattern.finditer(line):
        kept = valid(match.group())
        if kept:
            yield match.start(), match.start() + len(kept)


def _checked(
    pattern: re.Pattern[str], line: str, valid: Callable[[str], bool]
) -> Iterator[tuple[int, int]]:
    """The spans of ``pattern``'s candidates in ``line`` that ``valid`` accepts whole."""
    for match in pattern.finditer(line):
        if valid(match.group()):
            yield match.span()


def _ip_spans(line: str, public_only: bool) -> Iterator[tuple[int, int]]:
    """The IPv4 and IPv6 addresses in ``line``, in order; a dotted quad after a word
    that says a version follows (``_version``) is left alone."""
    found = [
        m.span()
        for pattern in (IPV4, IPV6)
        for m in pattern.finditer(line)
        if _ip(m.group(), public_only) and not (pattern is IPV4 and _version(line, m.start()))
    ]
    return iter(sorted(found))


def _phone_spans(line: str, regions: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """The phone numbers libphonenumber finds in ``line``'s candidates."""
    for match in PHONE.finditer(line):
        for start, end in _phones(match.group(), regions):
            yield match.start() + start, match.start() + end


def _replace(line: str, spans: list[tuple[int, int, str]]) -> str:
    """``line`` with each of ``spans`` (in order, not overlapping) replaced by its kind's
    placeholder.

    >>> _replace("a 1.2.3.4 b", [(2, 9, "ip_address")])
    'a <IP_ADDRESS> b'
    """
    pieces: list[str] = []
    end = 0
    for start, stop, kind in spans:
        pieces += [line[end:start], PLACEHOLDERS[kind]]
        end = stop
    pieces.append(line[end:])
    return "".join(pieces)
