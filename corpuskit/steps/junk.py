"""Remove page-junk lines: ad labels, site chrome, comment widgets, counters, link blocks.

The rules are data (``corpuskit/data/junk.toml``): each has a name, which is recorded as
the reason for every line it removes, whole-line phrases in several languages and
whole-line patterns. A line is judged on its own, except under a heading of a link
block ("Recommended Stories", "Lesen Sie auch", "À lire aussi"...), where the list-like
lines that follow go with the heading.

The filter is deliberately conservative: a phrase must be the whole line, so article
prose that merely *contains* "advertisement" or "search" is never touched.

>>> from corpuskit.document import make_document, Source
>>> page = "Dark Mode\\nAnzeige\\nDer Rat hat entschieden.\\n3 hours ago\\nVor 2 Stunden"
>>> doc = JunkLines()(make_document(page, Source("-")))
>>> doc.text
'Der Rat hat entschieden.'
>>> dict(doc.edits[-1].removed)
{'advertisement': 1, 'relative_time': 2, 'site_chrome': 1}
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from corpuskit.data import load_table
from corpuskit.document import Document
from corpuskit.lexicon.lines import ends_sentence, line_key, word_count
from corpuskit.pipeline import remove_lines

# A link-block item is short: titles of related stories run to about a dozen words.
# Raising it lets blocks swallow short prose paragraphs; re-check the seeds and the
# traf-dev benchmark (bench/quality.py) after changing it.
MAX_ITEM_WORDS = 14
# Blocks rarely list more than ten links; the cap bounds the damage of a false heading.
MAX_BLOCK_ITEMS = 12
BULLETS = ("- ", "– ", "• ", "· ", "* ", "› ", "» ", "▸ ", "► ")
# Endings that mark a line as a sentence or a lead-in rather than a link title.
PROSE_ENDINGS = (".", ";", ",", ":")


@dataclass(frozen=True)
class JunkRules:
    """The compiled junk rules: a phrase table, one combined pattern, the block rules."""

    phrases: Mapping[str, str]
    pattern: re.Pattern[str] | None
    blocks: frozenset[str]
    isolated: frozenset[str]
    max_pattern_chars: int
    digest: str

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> JunkRules:
        """Compile a table shaped like ``junk.toml``."""
        rules: Mapping[str, Mapping[str, Any]] = table["rules"]
        phrases = {
            line_key(p): name for name, rule in rules.items() for p in _each(rule, "phrases")
        }
        alternatives = [
            f"(?P<{name}>{'|'.join(f'(?:{p})' for p in patterns)})"
            for name, rule in rules.items()
            if (patterns := list(_each(rule, "patterns")))
        ]
        blob = repr(sorted(table.items(), key=str)).encode()
        return cls(
            phrases=phrases,
            pattern=re.compile("|".join(alternatives)) if alternatives else None,
            blocks=frozenset(name for name, rule in rules.items() if rule.get("block")),
            isolated=frozenset(name for name, rule in rules.items() if rule.get("isolated")),
            max_pattern_chars=int(table.get("max_pattern_chars", 200)),
            digest=hashlib.sha256(blob).hexdigest()[:16],
        )

    @classmethod
    def default(cls) -> JunkRules:
        """The rules shipped in ``corpuskit/data/junk.toml``."""
        return cls.from_table(load_table("junk"))

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
        return rule


def _each(rule: Mapping[str, Any], kind: str) -> Iterator[str]:
    for values in rule.get(kind, {}).values():
        yield from values


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


@dataclass(frozen=True)
class JunkLines:
    """Step ``junk_lines``: remove lines that the junk rules name, with the rule as reason."""

    rules: JunkRules = field(default_factory=JunkRules.default)
    name = "junk_lines"

    @property
    def config(self) -> dict[str, Any]:
        return {"rules": self.rules.digest, "max_item_words": MAX_ITEM_WORDS}

    def __call__(self, doc: Document) -> Document:
        lines = doc.text.split("\n")
        rule_for = self.rules.rule_for
        reasons = [rule_for(line) if line else None for line in lines]
        headings = [(i, rule) for i, rule in enumerate(reasons) if rule in self.rules.blocks]
        for index, rule in headings:
            self._extend_block(lines, reasons, index, rule)
        isolated = self.rules.isolated
        rules = [None if r in isolated else r for r in reasons]
        return remove_lines(doc, self.name, rules, lines=lines)

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
    applied where nothing but blank lines or the page's edge surrounds the line.

    It runs after every other line filter, so that "nothing around it" means nothing
    left around it: a count beside a share button is judged once the button is gone,
    and the cleaned page holds no stray number a second cleaning would find.

    >>> from corpuskit.document import make_document, Source
    >>> IsolatedLines()(make_document("Zutaten\\n6\\nEier\\n\\n12\\n", Source("-"))).text
    'Zutaten\\n6\\nEier\\n\\n'
    """

    rules: JunkRules = field(default_factory=JunkRules.default)
    name = "isolated_lines"

    @property
    def config(self) -> dict[str, Any]:
        return {"rules": self.rules.digest}

    def __call__(self, doc: Document) -> Document:
        lines = doc.text.split("\n")
        blank = [not line.strip() for line in lines] + [True]  # [-1] is the edge before
        rules = [
            self._rule(line) if blank[i - 1] and blank[i + 1] and not blank[i] else None
            for i, line in enumerate(lines)
        ]
        return remove_lines(doc, self.name, rules, lines=lines)

    def _rule(self, line: str) -> str | None:
        rule = self.rules.rule_for(line)
        return rule if rule in self.rules.isolated else None
