"""Regular expressions that cannot backtrack: the check every junk pattern passes.

Python's ``re`` is a backtracking matcher: on a line that fails to match, a pattern
that can split some text between its parts in more than one way tries every split, so
that ``(\\w+\\s?)+`` takes exponential time and ``\\d+\\d+`` quadratic time in the line's
length. Page content is hostile, and corpuskit's loops must be linear in their input,
so a pattern is accepted only when no split is ambiguous. ``backtracking(pattern)`` says
why a pattern could backtrack, or None.

The check is conservative: it may refuse a pattern that would have been linear, never
pass one that is not. First, simple rules refuse outright what can take exponential
time: nested quantifiers (a repeated part holding ``?``, ``*``, ``+`` or ``{m,n}``;
``(?:[.,]\\d{3})+``, whose inner count is fixed, is fine), an alternation inside a
repeated part (``(?:a|b)+``; ``[ab]+`` is fine), backreferences, conditionals, and
lookarounds that hold a repeat. What remains can still take polynomial time
(``\\d+\\d+x`` fails on a run of digits after trying every split of it), so the
remaining pattern is checked on its position automaton (Glushkov's: one state per
character class of the pattern, a transition reading a character into each state that
may come next; Weideman et al., "Analyzing Matching Time Behavior of Backtracking
Regular Expression Matchers by Using Ambiguity of NFA", 2016), a count that may vary
taken as unbounded (``\\d{1,3}`` as ``\\d+``):

- *exponential*: some state can return to itself along two different paths that read
  the same text (``(a|a)+``, ``(\\w+\\s?)+``; the rules above refuse these first);
- *polynomial*: two different states ``p`` and ``q``, each on a cycle, with a text that
  leads ``p`` to itself, ``p`` to ``q`` and ``q`` to itself (``\\d+\\d+``, ``.*x.*``).

Without either, a failing match gives back each character a bounded number of times.
Two character classes "may read the same character" when a probe character is in
both: the probes are every character the pattern names, its neighbours and the ends
of its ranges, and one character of each kind the classes ``\\d``, ``\\w``, ``\\s``
and ``.`` tell apart.

Junk patterns are matched with ``re.fullmatch`` against a line's key
(``lexicon.lines.line_key``), which holds no two whitespace characters in a row and at
most ``max_pattern_chars`` characters; so a repeated whitespace class reads at most one
character (``\\s*`` is ``\\s?`` there), and a final ``.*`` cannot fail (it takes the rest
of the line) and is left out of the test. A fixed count up to ``LONG`` is unrolled.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

_parser: Any = importlib.import_module("re._parser")  # the parser ``re`` itself uses

#: A fixed count of more than this many is treated as unbounded: checking it means
#: unrolling it, one state per copy. 16 covers the counts junk patterns write
#: (``\d{3}``, ``\d{4}``) and keeps the test small.
LONG = 16
#: A pattern with more character classes than this is refused as too large to check:
#: the test's work grows with the square (pairs of states) of a cyclic part's size.
MAX_POSITIONS = 2000
#: The largest cycle (a repeated group's classes) the test takes apart.
MAX_CYCLE = 200
#: Characters of the kinds the classes tell apart: ASCII and other digits, letters of
#: several scripts and cases, the underscore, spaces of several kinds, punctuation,
#: symbols, a control character, a line break, an emoji, a superscript digit.
KINDS = "0٣aZéßΩж中_ \t\xa0\u2003.,-!#'\"/\x00\n😀²"


class Refused(Exception):
    """A construct the test does not take (a backreference, a conditional)."""


@dataclass(frozen=True)
class Position:
    """One character class of the pattern: the parser's item and its flags."""

    op: str
    arg: Any
    flags: int

    @property
    def spaces_only(self) -> bool:
        """Whether the class holds whitespace characters only (a line key has no two of
        them in a row)."""
        if self.op == "LITERAL":
            return chr(self.arg).isspace()
        if self.op != "IN" or any(str(op) == "NEGATE" for op, _ in self.arg):
            return False
        return all(
            (str(op) == "LITERAL" and chr(arg).isspace())
            or (str(op) == "CATEGORY" and str(arg) == "CATEGORY_SPACE")
            for op, arg in self.arg
        )

    def probes(self) -> Iterator[str]:
        """The characters this class names, with their neighbours."""
        items = self.arg if self.op == "IN" else [(self.op, self.arg)]
        for op, arg in items:
            if str(op) in ("LITERAL", "NOT_LITERAL"):
                yield from _around(arg, arg)
            elif str(op) == "RANGE":
                yield from _around(*arg)

    def holds(self, char: str) -> bool:
        """Whether this class matches ``char`` (under the pattern's flags)."""
        variants = {char, char.lower(), char.upper()} if self.flags & re.IGNORECASE else {char}
        return any(self._holds(c) for c in variants)

    def _holds(self, char: str) -> bool:
        if self.op == "ANY":
            return char != "\n" or bool(self.flags & re.DOTALL)
        if self.op == "LITERAL":
            return char == chr(self.arg)
        if self.op == "NOT_LITERAL":
            return char != chr(self.arg)
        negate = any(str(op) == "NEGATE" for op, _ in self.arg)
        return negate != any(self._in_item(str(op), arg, char) for op, arg in self.arg)

    def _in_item(self, op: str, arg: Any, char: str) -> bool:
        if op == "LITERAL":
            return char == chr(arg)
        if op == "RANGE":
            return bool(arg[0] <= ord(char) <= arg[1])
        if op == "CATEGORY":
            return _category(str(arg), char, self.flags)
        return False  # NEGATE


def _around(low: int, high: int) -> Iterator[str]:
    for code in (low - 1, low, low + 1, high - 1, high, high + 1):
        if 0 <= code <= 0x10FFFF:
            yield chr(code)


_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


def _category(name: str, char: str, flags: int) -> bool:
    """Whether ``char`` is in the class ``\\d``, ``\\w``... as ``re`` matches it."""
    escape = _CATEGORIES.get(name)
    if escape is None:
        return True  # a category the test does not know: assume it matches anything
    return re.fullmatch(escape, char, flags & re.ASCII) is not None


#: Routes counted up to two: one is unambiguous, two is enough to be ambiguous.
Routes = Counter[int]


def _capped(counts: Iterable[tuple[int, int]]) -> Routes:
    found: Routes = Counter()
    for position, count in counts:
        if count:
            found[position] = min(2, found[position] + count)
    return found


@dataclass
class Automaton:
    """The position automaton of a pattern: its ``positions``, and what may ``follow``
    each, with the number of routes (up to two) from one to the next: ``(a*)*`` reads
    ``aa`` through one position twice, by the inner loop or the outer one, and a
    backtracking matcher tries both."""

    positions: list[Position] = field(default_factory=list)
    follow: dict[int, Routes] = field(default_factory=dict)

    def add(self, position: Position) -> int:
        if len(self.positions) >= MAX_POSITIONS:
            raise Refused(f"more than {MAX_POSITIONS} character classes: too large to check")
        self.positions.append(position)
        self.follow[len(self.positions) - 1] = Counter()
        return len(self.positions) - 1

    def link(self, last: Routes, first: Routes) -> None:
        """Let each of ``last`` be followed by each of ``first``, by their routes."""
        for p, before in last.items():
            after = self.follow[p]
            for q, count in first.items():
                if before * count:
                    after[q] = min(2, after[q] + before * count)


#: What building a part of the pattern gives: the routes by which it matches nothing
#: (0, 1 or 2), by which it starts at each of its positions, and ends at each.
Part = tuple[int, Routes, Routes]


def backtracking(pattern: str, flags: int = 0) -> str | None:
    """Why ``pattern`` could backtrack on a line key (see the module docstring), or None.

    >>> backtracking(r"\\d[\\d.,]*\\s*(?:comments?|kommentare)") is None
    True
    >>> backtracking(r"(?:\\w+\\s?)+!")
    'nested quantifiers (a repeated part holding ?, *, + or {m,n}) can take exponential time'
    >>> backtracking(r"\\d+ ?\\d+ views")
    'could take quadratic time or worse: two repeats can read the same text in turn (\\\\d, \\\\d)'
    >>> backtracking(r"(a)\\1")
    'a backreference (\\\\1) can take exponential time'
    """
    try:
        parsed = _parser.parse(pattern, flags)
        automaton = Automaton()
        _sequence(automaton, _without_final_any(list(parsed)), parsed.state.flags | flags)
        return _ambiguity(automaton)
    except Refused as refused:
        return str(refused)


def _without_final_any(items: list[Any]) -> list[Any]:
    """The items without a ``.*`` that ends the pattern (at its end, or at the end of a
    group or alternative that ends it): it reads the rest of a line and never fails."""
    while items:
        op, arg = items[-1]
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, body = arg
            if low == 0 and high == _parser.MAXREPEAT and [str(o) for o, _ in body] == ["ANY"]:
                items = items[:-1]
                continue
        elif name == "SUBPATTERN":
            group, add, remove, body = arg
            return [*items[:-1], (op, (group, add, remove, _without_final_any(list(body))))]
        elif name == "BRANCH":
            branches = [_without_final_any(list(branch)) for branch in arg[1]]
            return [*items[:-1], (op, (arg[0], branches))]
        break
    return items


def _sequence(automaton: Automaton, items: Iterable[Any], flags: int) -> Part:
    """The items one after another."""
    return _concatenate(automaton, [_item(automaton, str(op), arg, flags) for op, arg in items])


def _item(automaton: Automaton, op: str, arg: Any, flags: int) -> Part:
    if op in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
        position = automaton.add(Position(op, arg, flags))
        return 0, Counter({position: 1}), Counter({position: 1})
    if op == "SUBPATTERN":
        _, add, remove, body = arg
        return _sequence(automaton, body, (flags | add) & ~remove)
    if op == "ATOMIC_GROUP":
        return _sequence(automaton, arg, flags)
    if op == "BRANCH":
        parts = [_sequence(automaton, branch, flags) for branch in arg[1]]
        return (
            min(2, sum(p[0] for p in parts)),
            _capped(item for p in parts for item in p[1].items()),
            _capped(item for p in parts for item in p[2].items()),
        )
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, body = arg
        return _repeat(automaton, low, high, body, flags)
    if op == "AT":
        return 1, Counter(), Counter()
    if op in ("ASSERT", "ASSERT_NOT"):
        if _has_repeat(arg[1]):
            raise Refused("a lookaround holding a repeat can take quadratic time")
        return 1, Counter(), Counter()
    if op in ("GROUPREF", "GROUPREF_EXISTS"):
        raise Refused(
            f"a backreference (\\{arg if op == 'GROUPREF' else arg[0]}) can take exponential time"
        )
    raise Refused(f"{op} is not supported in junk patterns")


def _has_repeat(items: Iterable[Any], variable: bool = False) -> bool:
    """Whether ``items`` hold a repeat (``variable``: one whose count may vary, so not
    ``\\d{3}``), at any depth."""
    return any(name == "repeat" for name in _held(items, variable))


def _held(items: Iterable[Any], variable: bool) -> Iterator[str]:
    """``"repeat"`` for each repeat (of a varying count if ``variable``) and ``"branch"``
    for each alternation that ``items`` hold, at any depth."""
    for op, arg in items:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if not variable or arg[0] != arg[1]:
                yield "repeat"
            yield from _held(arg[2], variable)
        elif name == "SUBPATTERN":
            yield from _held(arg[3], variable)
        elif name == "BRANCH":
            yield "branch"
            for branch in arg[1]:
                yield from _held(branch, variable)
        elif name in ("ASSERT", "ASSERT_NOT"):
            yield from _held(arg[1], variable)
        elif name == "ATOMIC_GROUP":
            yield from _held(arg, variable)


def _nested(body: Sequence[Any]) -> None:
    """Refuse what a repeated part may not hold: a repeat of varying count (nested
    quantifiers) or an alternation. Both can read one text in many ways, and a
    backtracking matcher tries each: this simple rule refuses them outright, whether or
    not a given pattern would pay for it (``(a|ab)+`` would not)."""
    held = set(_held(body, variable=True))
    if "repeat" in held:
        raise Refused(
            "nested quantifiers (a repeated part holding ?, *, + or {m,n}) can take "
            "exponential time"
        )
    if "branch" in held:
        raise Refused("an alternation (a|b) inside a repeated part can take exponential time")


def _repeat(automaton: Automaton, low: int, high: int, body: Sequence[Any], flags: int) -> Part:
    """``body{low,high}``: ``low`` copies when the count is fixed (``\\d{3}``, up to
    ``LONG``), else the copies it needs and one that loops: a count that may vary is
    taken as unbounded (``\\d{1,3}`` as ``\\d+``), which the test may refuse where the
    bound would have saved it, never the other way round."""
    if high > 1:
        _nested(body)
    if len(body) == 1 and Position(str(body[0][0]), body[0][1], flags).spaces_only:
        low, high = min(low, 1), min(high, 1)  # a line key has no two spaces in a row
    if high == low and high <= LONG:
        return _concatenate(automaton, [_sequence(automaton, body, flags) for _ in range(low)])
    parts = [_sequence(automaton, body, flags) for _ in range(min(low, 1))]
    empty, first, last = _sequence(automaton, body, flags)
    if high > 1:
        automaton.link(last, first)
    parts.append((min(2, 1 + empty), first, last))
    return _concatenate(automaton, parts)


def _concatenate(automaton: Automaton, parts: Sequence[Part]) -> Part:
    """Parts one after another (Glushkov's construction: each part's last positions may be
    followed by the next part's first, and by the one after it where the next can match
    nothing), routes multiplied along the way."""
    empty, first, last = 1, Counter[int](), Counter[int]()
    for nothing, starts, ends in parts:
        automaton.link(last, starts)
        first = _capped([*first.items(), *((p, n * empty) for p, n in starts.items())])
        last = _capped([*ends.items(), *((p, n * nothing) for p, n in last.items())])
        empty = min(2, empty * nothing)
    return empty, first, last


# -- Ambiguity --------------------------------------------------------------------------


def _ambiguity(automaton: Automaton) -> str | None:
    """Why the automaton is ambiguous in a way a backtracking matcher pays for, or None."""
    positions = automaton.positions
    masks = _masks(positions)
    follow = {
        p: {q for q in after if not (positions[p].spaces_only and positions[q].spaces_only)}
        for p, after in automaton.follow.items()
    }
    components = _components(range(len(positions)), lambda p: follow[p])
    cyclic = [c for c in components if len(c) > 1 or next(iter(c)) in follow[next(iter(c))]]
    for cycle in cyclic:
        twice = next(
            (p for p in cycle for q in follow[p] & cycle if automaton.follow[p][q] > 1), None
        )
        if twice is not None:
            return (
                "could take exponential time: a repeated part can read the same text in "
                f"two ways ({_shown(positions[twice])})"
            )
        if len(cycle) > MAX_CYCLE:
            return f"a repeated part of more than {MAX_CYCLE} character classes: too large to check"
        twice = _two_ways(cycle, follow, masks)
        if twice is not None:
            return (
                "could take exponential time: a repeated part can read the same text in "
                f"two ways ({_shown(positions[twice])})"
            )
    pair = _in_turn(cyclic, follow, masks)
    if pair is not None:
        shown = ", ".join(_shown(positions[p]) for p in pair)
        return (
            "could take quadratic time or worse: two repeats can read the same text "
            f"in turn ({shown})"
        )
    return None


def _masks(positions: Sequence[Position]) -> list[int]:
    """For each position, the probe characters it holds, as bits."""
    probes = sorted({*KINDS, *(c for p in positions for c in p.probes())})
    return [
        sum(1 << bit for bit, char in enumerate(probes) if position.holds(char))
        for position in positions
    ]


def _two_ways(cycle: set[int], follow: dict[int, set[int]], masks: list[int]) -> int | None:
    """A position of ``cycle`` that returns to itself along two paths reading the same
    text: in the product of the cycle with itself, a pair ``(p, p)`` in one strongly
    connected component with a pair of two different positions."""

    def pairs(pair: tuple[int, int]) -> Iterator[tuple[int, int]]:
        a, b = pair
        for x in follow[a] & cycle:
            for y in follow[b] & cycle:
                if masks[x] & masks[y]:
                    yield x, y

    nodes = [(a, b) for a in cycle for b in cycle]
    for component in _components(nodes, pairs):
        same: list[int] = [a for a, b in component if a == b]
        if same and len(component) > len(same):
            return same[0]
    return None


def _in_turn(
    cyclic: list[set[int]], follow: dict[int, set[int]], masks: list[int]
) -> tuple[int, int] | None:
    """Two positions ``p`` != ``q`` on cycles with a text leading ``p`` to ``p``, ``p`` to
    ``q`` and ``q`` to ``q`` (a search from ``(p, p, q)`` to ``(p, q, q)`` in the
    product of the three)."""
    cycle_of = {p: cycle for cycle in cyclic for p in cycle}
    for p, q in ((p, q) for p in cycle_of for q in cycle_of if p != q):
        if _reaches((p, p, q), (p, q, q), cycle_of[p], cycle_of[q], follow, masks):
            return p, q
    return None


def _reaches(
    start: tuple[int, int, int],
    goal: tuple[int, int, int],
    first: set[int],
    third: set[int],
    follow: dict[int, set[int]],
    masks: list[int],
) -> bool:
    seen: set[tuple[int, int, int]] = set()
    todo = [start]
    while todo:
        a, b, c = todo.pop()
        for x in follow[a] & first:
            for y in follow[b]:
                if not masks[x] & masks[y]:
                    continue
                for z in follow[c] & third:
                    if masks[x] & masks[y] & masks[z] and (x, y, z) not in seen:
                        if (x, y, z) == goal:
                            return True
                        seen.add((x, y, z))
                        todo.append((x, y, z))
    return False


def _components(nodes: Iterable[Any], edges: Any) -> list[set[Any]]:
    """The strongly connected components of a graph (Tarjan's algorithm, iterative)."""
    index: dict[Any, int] = {}
    low: dict[Any, int] = {}
    stack: list[Any] = []
    on_stack: set[Any] = set()
    found: list[set[Any]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(edges(root)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(edges(successor))))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                found.append(component)
    return found


def _shown(position: Position) -> str:
    """A character class as a pattern writes it, roughly, for messages."""
    if position.op == "ANY":
        return "."
    if position.op == "LITERAL":
        return re.escape(chr(position.arg))
    if position.op == "NOT_LITERAL":
        return f"[^{re.escape(chr(position.arg))}]"
    inner = []
    for op, arg in position.arg:
        if str(op) == "CATEGORY":
            inner.append(_CATEGORIES.get(str(arg), "?"))
        elif str(op) == "LITERAL":
            inner.append(re.escape(chr(arg)))
        elif str(op) == "RANGE":
            inner.append(f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}")
        else:
            inner.append("^")
    return inner[0] if len(inner) == 1 and inner[0].startswith("\\") else f"[{''.join(inner)}]"


def needed_class(pattern: str, flags: int = 0) -> str | None:
    r"""A character class (``[...]``) that every match of ``pattern`` holds a character
    of, made only of digits and signs (``\d``, punctuation), or None when the pattern
    names no such class that every match must read.

    A line without any character of the class cannot match, so a search for the class,
    one pass in C, can stand in front of a costly pattern (one that backtracks over a
    line before failing). Letters and whitespace are left out: nearly every line holds
    some, so such a check would pass almost every line and only add its own cost. The
    answer is conservative: anything the walk does not know (``.``, ``\w``, a negated
    class, a lookaround) adds nothing, so None is always a safe answer.

    >>> needed_class(r"\b\d{1,2}:\d{2}\b|\bil y a\s+\d+")
    '[\\d]'
    >>> needed_class(r"(?:.{1,60}\s)?(?:says|wrote)\s*(?::|\.\.\.|…)|posted by:.{0,60}")
    '[:\\.…]'
    >>> needed_class(r"(?:reply|permalink)[\s\]\[|:.]*") is None
    True
    """
    try:
        atoms = _needed_in(list(_parser.parse(pattern, flags)))
    except (re.error, ValueError, TypeError):  # pragma: no cover  # the pattern compiled
        return None
    if not atoms:
        return None
    return "[" + "".join(sorted(atoms)) + "]"


def _needed_in(items: Sequence[Any]) -> frozenset[str] | None:
    """Of the sets ``_needed`` finds for the items of a sequence (every match reads each
    item), the smallest, or None if no item has one."""
    found = [atoms for op, arg in items if (atoms := _needed(str(op), arg)) is not None]
    return min(found, key=len) if found else None


def _needed(op: str, arg: Any) -> frozenset[str] | None:
    """The class atoms (``re.escape``'d characters, ``\\d``) of which every match of one
    parsed item reads a character, or None."""
    if op == "LITERAL":
        return _sign(arg)
    if op == "CATEGORY":
        return frozenset({r"\d"}) if str(arg) == "CATEGORY_DIGIT" else None
    if op == "IN":
        parts = [_needed(str(inner), value) for inner, value in arg]
        return None if None in parts else frozenset().union(*parts)  # type: ignore[arg-type]
    if op == "SUBPATTERN":
        _, add_flags, del_flags, body = arg
        return None if add_flags or del_flags else _needed_in(list(body))
    if op == "ATOMIC_GROUP":
        return _needed_in(list(arg))
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _, body = arg
        return _needed_in(list(body)) if low >= 1 else None
    if op == "BRANCH":
        branches = [_needed_in(list(branch)) for branch in arg[1]]
        return None if None in branches else frozenset().union(*branches)  # type: ignore[arg-type]
    return None  # ANY, NOT_LITERAL, RANGE, NEGATE, AT, lookarounds...: nothing known


def _sign(code: int) -> frozenset[str] | None:
    """A literal character as a class atom when it is a digit or a sign, else None."""
    char = chr(code)
    if char.isspace() or (char.isalnum() and not char.isdigit()):
        return None
    return frozenset({re.escape(char)})
