"""The linearity check of junk patterns: it refuses the patterns that backtrack, passes
every shipped one, and what it passes does linear work, counted (not timed) by a
backtracking matcher that follows the parse tree as ``re`` does and counts its steps."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.data import load_table
from corpuskit.patterns import Position, _parser, backtracking, needed_class
from corpuskit.steps.junk import JunkRules, check_rules

SHIPPED = [
    pattern
    for rule in load_table("junk")["rules"].values()
    for patterns in rule.get("patterns", {}).values()
    for pattern in patterns
]


@pytest.mark.parametrize("pattern", SHIPPED)
def test_every_shipped_pattern_is_linear(pattern: str) -> None:
    assert backtracking(pattern) is None


def test_the_shipped_rules_pass_the_check_users_rules_pass() -> None:
    check_rules(load_table("junk"))
    combined = JunkRules.default().pattern
    assert combined is not None and backtracking(combined.pattern) is None


REFUSED = {
    r"(a+)+b": "exponential",
    r"(?:\w+\s?)+!": "exponential",
    r"(a|a)+b": "exponential",
    r"(a|ab|b)+c": "exponential",
    r"(?:a*)*b": "exponential",
    r"(?:a?a?)+b": "exponential",
    r"\d+\d+x": "quadratic",
    r"\d+ ?\d+ views": "quadratic",
    r".*a.*b": "quadratic",
    r"(?:ab|a)\w*b\w*x": "quadratic",
    r"(\w+) \1": "backreference",
    r"(?=.*x)y": "lookaround",
    r"(?:a{1,100})+": "nested quantifiers",
    r"(?:(?:(?:a){1,3}){1,3}){1,3}": "nested quantifiers",  # bounded, but 3**9 ways
}
#: Linear, refused all the same by the simple rules (the check is conservative).
CONSERVATIVE = {
    r"(?:ab?)+c": "nested quantifiers",
    r"(a|ab)+c": "alternation",
    r"(?:ab|cd)+": "alternation",
    r"a{1,3}a{1,3}x": "quadratic",  # a count that may vary is taken as unbounded
}
ACCEPTED = [
    r"\d+ comments",
    r"(?:ab)+c",
    r"(?:[.,]\d{3})+",  # the inner count is fixed
    r"\d{20}x",
    r"photo: .*",  # a final .* takes the rest of the line, whatever it is
    r"\d{1,3}(?:[.,]\d{3})*",
    r"(?:reading time)\s*:?\s*\d+ min",  # a line key has no two spaces in a row
    r"[a-z]+ \d+",
]


@pytest.mark.parametrize(
    "pattern, kind", [*REFUSED.items(), *CONSERVATIVE.items()], ids=[*REFUSED, *CONSERVATIVE]
)
def test_backtracking_patterns_are_refused(pattern: str, kind: str) -> None:
    why = backtracking(pattern)
    assert why is not None and kind in why, why


@pytest.mark.parametrize("pattern", ACCEPTED)
def test_linear_patterns_pass(pattern: str) -> None:
    assert backtracking(pattern) is None


# -- Work, counted ---------------------------------------------------------------------


class Budget(Exception):
    """The matcher took more steps than it was given."""


class Matcher:
    """A backtracking matcher over ``re``'s parse tree (the constructs the patterns below
    use), greedy repeats tried longest first, an iteration that reads nothing ending a
    repeat, as ``re`` does; ``steps`` counts characters tried and iterations started."""

    def __init__(self, pattern: str, budget: int) -> None:
        parsed = _parser.parse(pattern)
        self.items, self.flags = list(parsed), parsed.state.flags
        self.steps, self.budget = 0, budget

    def fullmatch(self, text: str) -> bool:
        self.text = text
        return self._match(self.items, 0, 0, lambda end: end == len(text))

    def _tick(self) -> None:
        self.steps += 1
        if self.steps > self.budget:
            raise Budget

    def _match(self, items: list[Any], i: int, pos: int, then: Callable[[int], bool]) -> bool:
        if i == len(items):
            return then(pos)
        op, arg = str(items[i][0]), items[i][1]
        rest = lambda end: self._match(items, i + 1, end, then)  # noqa: E731
        if op in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
            self._tick()
            ok = pos < len(self.text) and Position(op, arg, self.flags).holds(self.text[pos])
            return ok and rest(pos + 1)
        if op == "SUBPATTERN":
            return self._match(list(arg[3]), 0, pos, rest)
        if op == "BRANCH":
            return any(self._match(list(branch), 0, pos, rest) for branch in arg[1])
        if op == "MAX_REPEAT":
            low, high, body = arg
            return self._repeat(list(body), low, high, 0, pos, rest)
        raise AssertionError(f"the matcher does not do {op}")

    def _repeat(
        self,
        body: list[Any],
        low: int,
        high: int,
        count: int,
        pos: int,
        rest: Callable[[int], bool],
    ) -> bool:
        self._tick()
        if count < high:

            def again(end: int) -> bool:
                if end == pos and count >= low:
                    return False  # an empty iteration ends the repeat
                return self._repeat(body, low, high, count + 1, end, rest)

            if self._match(body, 0, pos, again):
                return True
        return count >= low and rest(pos)


ATOMS = ["a", "b", "1", " ", r"\d", r"\w", r"\s", ".", "[ab]", "[a1]", "x"]
QUANTIFIERS = ["*", "+", "?", "{1,3}", "{2}"]
patterns = st.recursive(
    st.sampled_from(ATOMS),
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map("".join),
        st.tuples(inner, inner).map(lambda ab: f"(?:{ab[0]}|{ab[1]})"),
        st.tuples(inner, st.sampled_from(QUANTIFIERS)).map(lambda iq: f"(?:{iq[0]}){iq[1]}"),
    ),
    max_leaves=6,
)
#: The matcher recurses once per character and step: room for texts of 120 characters.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))
#: Texts as line keys are: no two spaces in a row, no line break.
UNITS = ["a", "b", "1", "ab", "a1", "a ", "1 ", "x", "a b", "ab1 ", "aab"]


def work(pattern: str, unit: str, length: int, tail: str) -> int:
    text = unit * (length // len(unit)) + tail
    matcher = Matcher(pattern, budget=400 * length)
    assert matcher.fullmatch(text) == (re.fullmatch(pattern, text) is not None), text
    return matcher.steps


@settings(max_examples=6000, deadline=None)
@given(patterns)
def test_what_the_check_passes_does_linear_work(pattern: str) -> None:
    """Four times the text, at most about four times the steps, on every text the
    patterns' parts can be made to repeat on (a quadratic pattern takes 16 times)."""
    if backtracking(pattern) is not None:
        return
    for unit in UNITS:
        for tail in ("", "!"):
            short, long = work(pattern, unit, 30, tail), work(pattern, unit, 120, tail)
            assert long <= 5 * short + 40, (unit, tail, short, long)


@pytest.mark.parametrize("pattern", [p for p, kind in REFUSED.items() if kind != "lookaround"])
def test_the_matcher_sees_what_the_check_refuses(pattern: str) -> None:
    """The counting matcher is no blunter than the check: on some text, a refused
    pattern's work grows faster than the text (or beyond the budget)."""
    if "\\1" in pattern:
        pytest.skip("the matcher does not do backreferences")
    grew = []
    for unit in UNITS:
        for tail in ("", "!"):
            try:
                short, long = work(pattern, unit, 30, tail), work(pattern, unit, 120, tail)
            except Budget:
                grew.append(unit)
                continue
            if long > 5 * short + 40:
                grew.append(unit)
    assert grew, pattern


@pytest.mark.parametrize(
    ("pattern", "needed"),
    [
        (r"\d+ points", r"[\d]"),
        (r"a:|b\.", r"[:\.]"),
        (r"(?:x|\d)+:", "[:]"),  # the smallest set of a sequence's items
        (r"x\d?", None),  # optional: not needed
        (r"\w+:|\s", None),  # a branch with nothing needed
        (r"[^a]:?", None),
        (r"[0-9]", None),  # ranges are not looked into
        (r"(?i:\d)", None),  # nor groups that change flags
        (r"comments", None),  # letters are never a pre-check
    ],
)
def test_needed_class(pattern: str, needed: str | None) -> None:
    assert needed_class(pattern) == needed


@given(st.text(alphabet="ab:.12 x", max_size=12))
def test_a_needed_class_is_in_every_match(text: str) -> None:
    for pattern in (r"a+:|\d\.", r"(?:a|b)\s*\d{1,2}", r"x(?:1|2|:)+b?"):
        needed = needed_class(pattern)
        assert needed is not None
        if re.fullmatch(pattern, text):
            assert re.search(needed, text)
