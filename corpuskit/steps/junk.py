"""Remove page-junk lines: ad labels, site chrome, comment widgets, counters, link blocks.

The rules are data (``corpuskit/data/junk.toml``): each has a name, which is recorded as
the reason for every line it removes, whole-line phrases in several languages and
whole-line patterns. A line is judged on its own, except under a heading of a link
block ("Recommended Stories", "Lesen Sie auch", "À lire aussi"...), where the list-like
lines that follow go with the heading.

The filter is deliberately conservative: a phrase must be the whole line, so article
prose that merely *contains* "advertisement" or "search" is never touched. A rule's
``contains`` phrases are the exception, for what no article writes: a line holding one
("we use cookies", "Wir verwenden Cookies") is junk whatever else it says, however long
(a consent dialog's paragraphs).

A user adds rules of their own from a TOML file shaped like ``junk.toml``
(``JunkLines(extra_rules=path)``, in a recipe ``extra_rules = "my_junk.toml"``): new
rules, or phrases and patterns added to a shipped rule. The file is checked when the
step is made (``read_rules``: every problem at its ``file:line``), its patterns
included: each must be linear (``corpuskit.patterns.backtracking``), as the shipped ones
are.

>>> from corpuskit.document import make_document, Source
>>> page = "Dark Mode\\nAnzeige\\nDer Rat hat entschieden.\\n3 hours ago\\nVor 2 Stunden"
>>> doc = JunkLines()(make_document(page, Source("-")))
>>> doc.text
'Der Rat hat entschieden.'
>>> dict(doc.edits[-1].removed)
{'advertisement': 1, 'relative_time': 2, 'site_chrome': 1}
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpuskit.data import load_table
from corpuskit.document import Document
from corpuskit.errors import RecipeError
from corpuskit.lexicon.lines import ends_sentence, line_key, line_keys, word_count
from corpuskit.patterns import backtracking
from corpuskit.pipeline import cleaned, page_lines, remove_lines
from corpuskit.tomlfile import TomlFile

if TYPE_CHECKING:
    from ahocorasick_rs import AhoCorasick

# A link-block item is short: titles of related stories run to about a dozen words.
# Raising it lets blocks swallow short prose paragraphs; re-check the seeds and the
# traf-dev benchmark (bench/quality.py) after changing it.
MAX_ITEM_WORDS = 14
# Blocks rarely list more than ten links; the cap bounds the damage of a false heading.
MAX_BLOCK_ITEMS = 12
BULLETS = ("- ", "– ", "• ", "· ", "* ", "› ", "» ", "▸ ", "► ")
# Endings that mark a line as a sentence or a lead-in rather than a link title.
PROSE_ENDINGS = (".", ";", ",", ":")
#: The keys of a rule; the header of ``corpuskit/data/junk.toml`` says what each means.
RULE_KEYS = ("description", "phrases", "contains", "patterns", "block", "isolated")
#: A rule's name is the reason recorded for the lines it removes, and names the group of
#: its patterns in the combined pattern: lowercase letters, digits and underscores.
RULE_NAME = re.compile(r"[a-z][a-z0-9_]*")
#: The language keys of ``phrases`` and ``patterns``: ISO 639 codes, or ``all``.
LANGUAGE = re.compile(r"all|[a-z]{2,3}")


class RuleError(ValueError):
    """A problem with a table of junk rules, and where it is: the ``rule``, the ``key``
    in the rule's table (``patterns.en``) and the ``value`` at fault."""

    def __init__(
        self, message: str, rule: str | None = None, key: str | None = None, value: Any = None
    ) -> None:
        super().__init__(message)
        self.rule, self.key, self.value = rule, key, value

    def line_in(self, file: TomlFile) -> int | None:
        """The line of the problem in the file the table was read from."""
        value = self.value if isinstance(self.value, str) else None
        if self.rule is None:
            return file.line("", self.key)
        table = f"rules.{self.rule}"
        if self.key and "." in self.key:  # [rules.x] patterns.en = ..., or [rules.x.patterns]
            kind, _, lang = self.key.partition(".")
            return file.line(f"{table}.{kind}", lang, value) or file.line(table, self.key, value)
        return file.line(table, self.key, value)


@dataclass(frozen=True)
class JunkRules:
    """The compiled junk rules: a phrase table, one combined pattern, the block rules;
    ``table``, the table they were compiled from (``extended`` adds a user's to it)."""

    phrases: Mapping[str, str]
    pattern: re.Pattern[str] | None
    #: The ``contains`` phrases of every rule, one search for all, a group per rule.
    contains: re.Pattern[str] | None
    #: The same phrases as ``line_key``s, the literals ``contains`` searches for.
    contained: tuple[str, ...]
    blocks: frozenset[str]
    isolated: frozenset[str]
    max_pattern_chars: int
    digest: str
    table: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> JunkRules:
        """Compile a table shaped like ``junk.toml`` (``check_rules`` says what is wrong
        with one that is not)."""
        rules: Mapping[str, Mapping[str, Any]] = table["rules"]
        phrases: dict[str, str] = {}
        for name, rule in rules.items():  # the first rule listing a phrase has it
            for phrase in _each(rule, "phrases"):
                if key := line_key(phrase):  # a blank key: a blank line, never junk
                    phrases.setdefault(key, name)
        alternatives = [
            f"(?P<{name}>{'|'.join(f'(?:{p})' for p in patterns)})"
            for name, rule in rules.items()
            if (patterns := list(_each(rule, "patterns")))
        ]
        contained = tuple(line_key(p) for rule in rules.values() for p in _each(rule, "contains"))
        blob = repr(sorted(table.items(), key=str)).encode()
        return cls(
            phrases=phrases,
            pattern=re.compile("|".join(alternatives)) if alternatives else None,
            contains=_contained(rules),
            contained=contained,
            blocks=frozenset(name for name, rule in rules.items() if rule.get("block")),
            isolated=frozenset(name for name, rule in rules.items() if rule.get("isolated")),
            max_pattern_chars=int(table.get("max_pattern_chars", 200)),
            digest=hashlib.sha256(blob).hexdigest()[:16],
            table=table,
        )

    @classmethod
    def default(cls) -> JunkRules:
        """The rules shipped in ``corpuskit/data/junk.toml``."""
        return cls.from_table(load_table("junk"))

    def extended(self, extra: Mapping[str, Any]) -> JunkRules:
        """These rules and those of ``extra`` (a checked table shaped like ``junk.toml``):
        its phrases and patterns added to a rule of the same name, its rules first, so
        that a line one of its phrases or patterns matches goes under its rule.

        >>> mine = {"rules": {"cookie_banner": {"phrases": {"en": ["We use cookies"]}},
        ...                   "site_chrome": {"phrases": {"en": ["Comment / Reply From"]}}}}
        >>> rules = JunkRules.default().extended(mine)
        >>> rules.rule_for("We use cookies"), rules.rule_for("Advertisement")
        ('cookie_banner', 'advertisement')
        >>> line = "Comment / Reply From"
        >>> JunkRules.default().rule_for(line), rules.rule_for(line)
        ('comment_widget', 'site_chrome')
        """
        shipped = self.table.get("rules", {})
        rules = {
            name: _merged_rule(name, shipped[name], rule) if name in shipped else rule
            for name, rule in extra["rules"].items()
        }
        rules |= {name: rule for name, rule in shipped.items() if name not in rules}
        return JunkRules.from_table({**self.table, "rules": rules})

    def __getstate__(self) -> dict[str, Any]:
        # the automaton (``_finder``) cannot be pickled: a copy makes its own
        return {k: v for k, v in self.__dict__.items() if k != "_finder"}

    @cached_property
    def _finder(self) -> AhoCorasick | None:
        """An Aho-Corasick automaton of ``contained`` (None without any): one pass over
        a page's keys finds whether any line holds one of the phrases at all."""
        if not self.contained:
            return None
        from ahocorasick_rs import AhoCorasick  # a text clean's one use of it

        return AhoCorasick(self.contained)

    def rules_for(self, lines: Sequence[str]) -> list[str | None]:
        """``rule_for`` of each of a page's ``lines``, the same answers, with less Python
        per line: the keys made at once (``line_keys``), the phrases looked up by one
        ``map``, and the ``contains`` search asked of each line only on a page where
        one pass of an Aho-Corasick automaton over all the keys finds one of its phrases
        (as a substring, which every match of ``contains`` is): 87 of the 1,698 dev
        dumps, where a search per line cost about 1 microsecond on every line.

        >>> JunkRules.default().rules_for(["Anzeige", "", "Der Rat tagt.", "We use cookies."])
        ['advertisement', None, None, 'consent']
        """
        keys = line_keys(lines)
        found: list[str | None] = list(map(self.phrases.get, keys))
        finder = self._finder
        contains = self.contains
        if finder is None or not finder.find_matches_as_indexes("\n".join(keys)):
            contains = None
        pattern, longest = self.pattern, self.max_pattern_chars
        for at, key in enumerate(keys):
            if found[at] is not None or not key:
                continue
            if pattern is not None and len(key) <= longest:
                match = pattern.fullmatch(key)
                found[at] = match.lastgroup if match else None
            if found[at] is None and contains is not None:
                hit = contains.search(key)
                found[at] = hit.lastgroup if hit else None
        return found

    def rule_for(self, line: str) -> str | None:
        """The name of the rule that makes ``line`` junk on its own, or None.

        >>> rules = JunkRules.default()
        >>> rules.rule_for("AdSense Advertisement"), rules.rule_for("12 Comments")
        ('advertisement', 'comment_widget')
        >>> rules.rule_for("The advertisement ran for weeks.") is None
        True
        """
        key = line_key(line)
        if not key:
            return None
        rule = self.phrases.get(key)
        if rule is None and self.pattern is not None and len(key) <= self.max_pattern_chars:
            match = self.pattern.fullmatch(key)
            rule = match.lastgroup if match else None
        if rule is None and self.contains is not None:
            found = self.contains.search(key)
            rule = found.lastgroup if found else None
        return rule


def _contained(rules: Mapping[str, Mapping[str, Any]]) -> re.Pattern[str] | None:
    """One pattern finding any rule's ``contains`` phrases as whole words, in a line's
    ``line_key``: literal alternatives, so one pass over the line (linear).

    >>> rules = {"consent": {"contains": {"en": ["We use cookies"]}}}
    >>> _contained(rules).search("yes, we use cookies here").lastgroup
    'consent'
    >>> _contained(rules).search("we use cookiesx") is None
    True
    """
    alternatives = [
        f"(?P<{name}>{'|'.join(re.escape(line_key(p)) for p in phrases)})"
        for name, rule in rules.items()
        if (phrases := list(_each(rule, "contains")))
    ]
    if not alternatives:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")


def _each(rule: Mapping[str, Any], kind: str) -> Iterator[str]:
    for values in rule.get(kind, {}).values():
        yield from values


def _merged_rule(name: str, rule: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """A rule with ``extra``'s phrases and patterns added; its flags stay its own."""
    for flag in ("block", "isolated"):
        if flag in extra and bool(extra[flag]) != bool(rule.get(flag)):
            raise RuleError(
                f"rule {name!r} is a shipped rule with {flag} = {str(bool(rule.get(flag))).lower()}"
                ": a file can add phrases and patterns to it, not change it",
                name,
                flag,
            )
    merged = dict(rule)
    for kind in ("phrases", "contains", "patterns"):
        languages = {lang: list(values) for lang, values in rule.get(kind, {}).items()}
        for lang, values in extra.get(kind, {}).items():
            languages[lang] = [*languages.get(lang, []), *values]
        merged[kind] = languages
    return merged


def check_rules(table: Mapping[str, Any]) -> None:
    r"""Raise ``RuleError`` for the first thing wrong with a table of junk rules: its keys,
    rule names, the types of values, phrases that are only decoration, patterns that do
    not compile, name groups or could backtrack (``patterns.backtracking``).

    >>> try:
    ...     check_rules({"rules": {"paywall": {"patterns": {"en": [r"(\w+ ?)+ only"]}}}})
    ... except RuleError as error:
    ...     print(str(error).replace(": ", ":\n"))
    rule 'paywall', pattern '(\\w+ ?)+ only':
    nested quantifiers (a repeated part holding ?, *, + or {m,n}) can take exponential time
    """
    for key in table:
        if key not in ("rules", "max_pattern_chars"):
            raise RuleError(f"unknown key {key!r}{_hint(key, ['rules'])}", key=key)
    rules = table.get("rules")
    if not isinstance(rules, Mapping) or not rules:
        raise RuleError("no [rules.NAME] tables: see corpuskit/data/junk.toml", key="rules")
    for name, rule in rules.items():
        _check_rule(name, rule)


def _check_rule(name: str, rule: Any) -> None:
    if not RULE_NAME.fullmatch(name):
        message = "lowercase letters, digits and _ (it is the reason lines are removed with)"
        raise RuleError(f"rule name {name!r}: {message}", name)
    if not isinstance(rule, Mapping):
        raise RuleError(f"rule {name!r} is a table: [rules.{name}]", name)
    for key, value in rule.items():
        if key not in RULE_KEYS:
            raise RuleError(f"rule {name!r}: unknown key {key!r}{_hint(key, RULE_KEYS)}", name, key)
        wanted = str if key == "description" else bool if key in ("block", "isolated") else None
        if wanted is not None and not isinstance(value, wanted):
            raise RuleError(f"rule {name!r}: {key} is a {wanted.__name__}", name, key)
    if rule.get("block") and rule.get("isolated"):
        raise RuleError(f"rule {name!r}: block or isolated, not both", name, "isolated")
    for kind in ("phrases", "contains", "patterns"):
        for lang, values in _languages(name, rule, kind):
            for value in values:
                _check_value(name, kind, lang, value)


def _languages(name: str, rule: Mapping[str, Any], kind: str) -> Iterator[tuple[str, list[Any]]]:
    table = rule.get(kind, {})
    if not isinstance(table, Mapping):
        raise RuleError(f"rule {name!r}: {kind}.LANG = [...], one list per language", name, kind)
    for lang, values in table.items():
        key = f"{kind}.{lang}"
        if not LANGUAGE.fullmatch(lang):
            raise RuleError(f"rule {name!r}: {key}: a language code (en, de) or all", name, key)
        if not isinstance(values, list):
            raise RuleError(f"rule {name!r}: {key} is a list of strings", name, key)
        yield lang, values


def _check_value(name: str, kind: str, lang: str, value: Any) -> None:
    key = f"{kind}.{lang}"
    if not isinstance(value, str):
        raise RuleError(f"rule {name!r}: {key} holds {value!r}, not a string", name, key)
    if kind in ("phrases", "contains"):
        if not line_key(value):
            message = f"phrase {value!r} is only decoration and spaces: it never matches"
            raise RuleError(f"rule {name!r}, {message}", name, key, value)
        return
    problem = _pattern_problem(value)
    if problem:
        raise RuleError(f"rule {name!r}, pattern {value!r}: {problem}", name, key, value)


def _pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be a junk pattern, or None."""
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        return f"not a regular expression: {error}"
    if compiled.groupindex:
        return "named groups are not allowed (the rule's name names the match)"
    return backtracking(pattern)


def _hint(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def read_rules(path: Path) -> TomlFile:
    """The TOML file of junk rules at ``path``, checked (``check_rules``; a user's file
    may not set ``max_pattern_chars``); ``RecipeError`` at ``file:line``."""
    file = TomlFile.read(path, RecipeError)
    try:
        if "max_pattern_chars" in file.data:
            message = "max_pattern_chars is the shipped rules' bound, not a file's"
            raise RuleError(message, key="max_pattern_chars")
        check_rules(file.data)
    except RuleError as error:
        raise RecipeError(located(file, error)) from None
    return file


def located(file: TomlFile, error: RuleError) -> str:
    """``file:line: message`` (``file: message`` where the line is not found)."""
    line = error.line_in(file)
    return f"{file.label}:{line}: {error}" if line else f"{file.label}: {error}"


def with_file(
    rules: JunkRules, path: Path | None, step: str, isolated: bool
) -> tuple[JunkRules, tuple[str, ...]]:
    """``rules`` extended with those of the file at ``path`` (none: ``rules``), for the
    step ``step``, which applies the ``isolated`` rules or the others; and one line per
    rule of the file the step applies (``corpuskit recipe check`` prints them). A file
    without a rule for the step is refused: its rules would do nothing there."""
    if path is None:
        return rules, ()
    try:
        file = read_rules(Path(path))
    except RecipeError as error:
        raise RecipeError(f"extra_rules: {error}") from None
    extra = file.data
    try:
        extended = rules.extended(extra)
    except RuleError as error:
        raise RecipeError(f"extra_rules: {located(file, error)}") from None
    notes = tuple(
        f"rule {name}: {_count(rule, 'phrases')} phrases, {_count(rule, 'patterns')} patterns"
        f" (from {path})"
        for name, rule in extra["rules"].items()
        if (name in extended.isolated) == isolated
    )
    if not notes:
        kind = "no isolated rule (isolated = true)" if isolated else "only isolated rules"
        where = "junk_lines" if isolated else "isolated_lines"
        raise RecipeError(f"extra_rules: {path}: {kind} for {step}: give the file to {where}")
    return extended, notes


def _count(rule: Mapping[str, Any], kind: str) -> int:
    return sum(1 for _ in _each(rule, kind))


def is_list_item(line: str) -> bool:
    """Whether a line looks like an entry of a link list rather than prose.

    >>> is_list_item("Why peace remains elusive in Pakistan's troubled Balochistan")
    True
    >>> is_list_item("The operation commenced on January 29 in response to attacks.")
    False
    """
    if line.lstrip().startswith(BULLETS):
        return True
    return word_count(line) <= MAX_ITEM_WORDS and not line.rstrip().endswith(PROSE_ENDINGS)


#: What ``corpuskit steps`` says about ``extra_rules``.
EXTRA_RULES = "a TOML file of junk rules shaped like corpuskit/data/junk.toml"


@dataclass(frozen=True)
class JunkLines:
    """Step ``junk_lines``: remove lines that the junk rules name, with the rule as reason.

    ``extra_rules`` names a TOML file of rules of one's own, in the format of
    ``corpuskit/data/junk.toml`` (see ``JunkRules.extended``), applied with the shipped
    ones; a recipe gives it relative to the recipe's folder.
    """

    rules: JunkRules = field(default_factory=JunkRules.default)
    extra_rules: Path | None = field(default=None, metadata={"doc": EXTRA_RULES})
    name = "junk_lines"
    #: The rules applied: ``rules`` with the file's; and a line per rule of the file.
    applied: JunkRules = field(init=False, compare=False, repr=False)
    details: tuple[str, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        applied, notes = with_file(self.rules, self.extra_rules, self.name, isolated=False)
        object.__setattr__(self, "applied", applied)
        object.__setattr__(self, "details", notes)

    @property
    def config(self) -> dict[str, Any]:
        return {"rules": self.applied.digest, "max_item_words": MAX_ITEM_WORDS}

    def __call__(self, doc: Document) -> Document:
        if cleaned(doc):
            return doc
        lines = page_lines(doc.text)
        rules = self.applied
        reasons = rules.rules_for(lines)
        headings = [(i, rule) for i, rule in enumerate(reasons) if rule in rules.blocks]
        for index, rule in headings:
            self._extend_block(lines, reasons, index, rule)
        kept = [None if r in rules.isolated else r for r in reasons]
        return remove_lines(doc, self.name, kept, lines=lines)

    def _extend_block(
        self, lines: list[str], reasons: list[str | None], heading: int, rule: str
    ) -> None:
        """Mark the list-like lines under a block heading with the heading's rule."""
        items, blanks = 0, 0
        for index in range(heading + 1, min(len(lines), heading + 1 + 3 * MAX_BLOCK_ITEMS)):
            line = lines[index]
            if not line.strip():
                blanks += 1
                if items and blanks > 1:
                    return
                continue
            if items >= MAX_BLOCK_ITEMS or not (reasons[index] or is_list_item(line)):
                return
            if ends_sentence(line) and word_count(line) > MAX_ITEM_WORDS:
                return
            reasons[index] = reasons[index] or rule
            items, blanks = items + 1, 0


@dataclass(frozen=True)
class IsolatedLines:
    """Step ``isolated_lines``: the ``isolated`` rules (a lone number: a comment count),
    applied where nothing but blank lines or the page's edge surrounds the line; those
    of ``extra_rules`` (a file as ``junk_lines`` takes it) with them.

    It runs after every other line filter, so that "nothing around it" means nothing
    left around it: a count beside a share button is judged once the button is gone,
    and the cleaned page holds no stray number a second cleaning would find.

    >>> from corpuskit.document import make_document, Source
    >>> IsolatedLines()(make_document("Zutaten\\n6\\nEier\\n\\n12\\n", Source("-"))).text
    'Zutaten\\n6\\nEier\\n\\n'
    """

    rules: JunkRules = field(default_factory=JunkRules.default)
    extra_rules: Path | None = field(default=None, metadata={"doc": EXTRA_RULES})
    name = "isolated_lines"
    applied: JunkRules = field(init=False, compare=False, repr=False)
    details: tuple[str, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        applied, notes = with_file(self.rules, self.extra_rules, self.name, isolated=True)
        object.__setattr__(self, "applied", applied)
        object.__setattr__(self, "details", notes)

    @property
    def config(self) -> dict[str, Any]:
        return {"rules": self.applied.digest}

    def __call__(self, doc: Document) -> Document:
        lines = page_lines(doc.text)
        blank = [not line.strip() for line in lines] + [True]  # [-1] is the edge before
        rules = [
            self._rule(line) if blank[i - 1] and blank[i + 1] and not blank[i] else None
            for i, line in enumerate(lines)
        ]
        return remove_lines(doc, self.name, rules, lines=lines)

    def _rule(self, line: str) -> str | None:
        rule = self.applied.rule_for(line)
        return rule if rule in self.applied.isolated else None
