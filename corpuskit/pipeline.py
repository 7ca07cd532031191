"""Steps, the adapters that make them from plain functions, and the Pipeline.

A **step** is any callable ``Document -> Document | Drop``. To implement one:

- be deterministic: the same document gives the same result on every run and worker;
- do no I/O and keep no state between documents (corpus-wide state belongs to the
  executor's corpus passes);
- never mutate the input: return a new Document (``Document.with_text`` or
  ``dataclasses.replace``) with an ``Edit`` saying what changed, or the very same
  object when nothing changed, so that an unchanged text adds no Edit;
- return a ``Drop`` with a short, stable ``reason`` to reject the document:
  ``doc.drop(reason, detail)``, which the pipeline names after the step.

A step's name is ``step.name`` if it has one, else the function's ``__name__``. The same
word names it in recipes, the CLI, ``Edit.step``, ``Drop.step`` and run reports.

A **corpus step** needs the whole corpus before it can judge a page (lines repeated
across a site, duplicates). It is a step with three more methods: ``new_state()``
returns empty, mergeable state; ``observe(doc, state)`` adds one document (as the steps
before it left it); ``fitted(state)`` returns the step to run. The executor runs the
counting pass; unfitted, a corpus step changes nothing. States merge with
``state.merge(other)``, in any order (Ray merges per-input states as they come); a state
that keeps something "first in input order" (``exact_duplicates``) must carry that order
itself: it may have a ``begin_input(index)`` method, which an executor that counts
inputs apart calls before an input's documents.

An **ordered** corpus step (``OrderedStep``: ``exact_duplicates``) judges a page by the
pages before it in input order alone. ``key(doc)`` is all it needs of a page (a digest),
made where the page is cleaned; ``state.decide(key, doc_id)`` records the page and says
why it goes (the drop's detail), or None. Observing and deciding one page at a time, in
input order, gives what two passes give, so an executor decides where the pages come
back in order (where records are written, or in the next corpus pass) and spends no
pass on it.

Most steps need no class: write a function and wrap it with an adapter,

- ``normalizer(f)`` for ``str -> str`` text fixes,
- ``drop_lines_if(pred)`` for a line predicate (return ``True`` or the rule's name),
- ``drop_if(pred)`` for a document predicate (return ``True`` or the reason),
- ``annotator(f)`` for a function that returns fields to set.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from itertools import compress
from operator import not_
from typing import Any, Protocol, TypeAlias, runtime_checkable

import orjson

from corpuskit.document import FIELDS, Document, Drop, Edit, JoinedLine, RemovedLines

Step: TypeAlias = Callable[[Document], Document | Drop]
LinePredicate: TypeAlias = Callable[[str], bool | str | None]
DocPredicate: TypeAlias = Callable[[Document], bool | str | tuple[str, str] | None]


@runtime_checkable
class CorpusStep(Protocol):
    """A step that counts over the whole corpus first; see the module docstring."""

    def __call__(self, doc: Document) -> Document | Drop: ...

    def new_state(self) -> Any: ...

    def observe(self, doc: Document, state: Any) -> None: ...

    def fitted(self, state: Any) -> Step: ...


@runtime_checkable
class OrderedStep(CorpusStep, Protocol):
    """A corpus step that judges pages in input order; see the module docstring.

    ``reason`` is the reason of the drops it makes.
    """

    reason: str

    def key(self, doc: Document) -> Any: ...


def ordered_keys(steps: Sequence[OrderedStep], doc: Document) -> tuple[Any, ...]:
    """What each of the ordered ``steps`` needs of ``doc`` (made where it is cleaned)."""
    return tuple(step.key(doc) for step in steps)


def decide(step: OrderedStep, state: Any, doc: Document) -> Document | Drop:
    """``doc``, or its drop, as ``step`` judges it after every page before it in input
    order was shown to ``state``; records ``doc`` in ``state``."""
    detail = state.decide(step.key(doc), doc.id)
    if detail is None:
        return doc
    return Drop(step_name(step), step.reason, doc.source, detail, doc)


def has_run(doc: Document, name: str) -> bool:
    """Whether the step called ``name`` changed ``doc`` before (its history says so)."""
    return any(edit.step == name for edit in doc.edits)


def cleaned(doc: Document) -> bool:
    """Whether ``doc`` is a cleaned page: the line classifier (``classify_lines``) has
    changed it. Its lines lost the furniture around them, so the steps that read a
    line's neighbours (a block under a heading, a thread's markers, a header's lines)
    leave it alone: judged anew, its lines would look different, and cleaning a cleaned
    page would not be a no-op (``tests/test_properties.py``)."""
    return has_run(doc, "classify_lines")


def step_name(step: Step) -> str:
    """The name a step is known by everywhere (recipes, edits, drops, reports)."""
    name = getattr(step, "name", None) or getattr(step, "__name__", None)
    return str(name or type(step).__name__)


def step_config(step: Step) -> dict[str, Any]:
    """What identifies a step's behaviour, for the configuration hash.

    That is the step's ``config`` mapping; a dataclass step without one (a user's) is
    described by its fields that hold plain settings (see ``_settings``).
    """
    config = getattr(step, "config", None)
    if config is None and is_dataclass(step) and not isinstance(step, type):
        config = _settings(step)
    function = getattr(step, "function", step)
    qualname = getattr(function, "__qualname__", None) or type(function).__qualname__
    module = str(getattr(function, "__module__", "?"))
    origin = f"{HASHED_MODULES.get(module, module)}:{qualname}"
    return {"step": step_name(step), "origin": origin, "config": dict(config or {})}


#: The module a built-in step is described by, where it differs from the module it
#: lives in now: the one it lived in when configuration hashes were first written. The
#: origin tells a user's step from a built-in step of the same name; it is not meant to
#: follow the source tree, so moving a module changes no configuration hash, and a
#: resume, or the comparison of two corpora's ``provenance.config``, stays valid across
#: versions. A step added since is described by the module it lives in.
HASHED_MODULES: Mapping[str, str] = {
    "corpuskit.steps.normalize": "corpuskit.normalize",
    "corpuskit.steps.blanks": "corpuskit.filters.layout",
    "corpuskit.steps.classify.step": "corpuskit.filters.classify",
    **{
        f"corpuskit.steps.{name}": f"corpuskit.filters.{name}"
        for name in (
            "junk", "metadata", "repeated", "language", "duplicates", "near_duplicates",
            "quality",
        )
    },
}  # fmt: skip


_PLAIN = (str, int, float, bool)


def _settings(step: Any) -> dict[str, Any]:
    """A dataclass step's compared fields holding plain values (numbers, words, lists of
    them): its settings, as a recipe gives them; caches and fitted state are left out."""
    settings: dict[str, Any] = {}
    for f in fields(step):
        value = getattr(step, f.name)
        plain = isinstance(value, _PLAIN) or (
            isinstance(value, tuple | list) and all(isinstance(v, _PLAIN) for v in value)
        )
        if f.init and f.compare and plain:
            settings[f.name] = value
    return settings


#: The text ``page_lines`` last split or a line step last made, and its lines (a memo
#: of one page: see ``page_lines``). One tuple, so that it is replaced in one store.
_LAST_LINES: tuple[str, list[str]] = ("", [""])


def page_lines(text: str) -> list[str]:
    """``text.split("\\n")``, a new list each time: a step's lines of its page.

    Every line step splits its page, and a page passes nine of them in the default
    pipeline (and ``detect_language``'s sample), each finding the text as the step
    before made it (``remove_lines`` and ``join_lines`` have its lines already; a step
    that changes nothing returns the same text). The last page text split or made here
    is remembered with its lines (kept alive, so that the same object is the same text:
    ``is`` is the test), and asked for again, its lines are copied, not split: a list of
    references instead of a new string per line.

    >>> lines = page_lines("Home\\n\\nRain in Spain")
    >>> lines, page_lines(""), lines is page_lines("Home\\n\\nRain in Spain")
    (['Home', '', 'Rain in Spain'], [''], False)
    """
    last = _LAST_LINES
    if last[0] is text:
        return list(last[1])
    lines = text.split("\n")
    _remember(text, lines[:])
    return lines


def _remember(text: str, lines: list[str]) -> None:
    """Make ``lines`` (``text.split("\\n")``, a list no one else holds) what
    ``page_lines`` gives for ``text``."""
    global _LAST_LINES
    _LAST_LINES = (text, lines)


def remove_lines(
    doc: Document,
    step: str,
    rules: Sequence[str | None],
    fields: Mapping[str, Any] | None = None,
    features: Mapping[int, Mapping[str, float]] | None = None,
    *,
    lines: Sequence[str] | None = None,
) -> Document:
    """Remove the lines of ``doc.text`` whose rule is set, keeping the rule as the reason.

    ``rules`` has one entry per line of ``doc.text.split("\\n")``. ``fields`` are set as
    in ``set_fields``, recorded in the same Edit; ``features`` (by 0-based line index)
    say what decided a removal. A step that has split the page already passes its
    ``lines`` (``doc.text.split("\\n")``, unchanged), so that the page is not split
    again. Returns ``doc`` itself when nothing changes.
    """
    count = doc.text.count("\n") + 1
    if len(rules) != count:
        raise ValueError(f"{step}: {len(rules)} rules for {count} lines")
    if lines is not None and len(lines) != count:
        raise ValueError(f"{step}: {len(lines)} lines given for a page of {count}")
    attributes, extra = _changed_fields(doc, fields or {})
    if not any(rules) and not attributes and not extra:
        if lines is not None and _LAST_LINES[0] is not doc.text:
            _remember(doc.text, list(lines))  # the next step's lines
        return doc
    if lines is None:
        lines = page_lines(doc.text)
    # what went, kept as lists: RemovedLine objects are made only if something reads them
    removed = RemovedLines(
        list(compress(range(count), rules)),
        list(compress(lines, rules)),
        list(filter(None, rules)),
        features or {},
    )
    kept = list(compress(lines, map(not_, rules)))
    text = "\n".join(kept)
    _remember(text, kept or [""])  # "".split("\n") is [""]
    edit = Edit(
        step,
        len(doc.text),
        len(text),
        removed=dict(sorted(Counter(filter(None, rules)).items())),
        lines=removed,
        fields=tuple(sorted({**attributes, **extra})),
    )
    meta = {**doc.meta, **extra} if extra else doc.meta
    return replace(doc, **attributes, text=text, meta=meta, edits=(*doc.edits, edit))


def join_lines(
    doc: Document,
    step: str,
    rules: Sequence[str | None],
    *,
    lines: Sequence[str] | None = None,
    glue: Callable[[str, str], str] | None = None,
) -> Document:
    """Join each line of ``doc.text`` whose rule is set onto the line before it.

    ``rules`` has one entry per line of ``doc.text.split("\\n")`` (the first line's is
    ignored: there is nothing before it). Joined lines are glued by ``glue`` (default:
    ``glue_lines``) and recorded with their rule (``Edit.joins``), so that explanations
    can map every line back (``document.origins``). Returns ``doc`` itself when nothing
    is joined.

    >>> from corpuskit.document import make_document, Source
    >>> page = make_document("via the\\nTimes\\nhere", Source("-"))
    >>> doc = join_lines(page, "j", [None, "a", "b"])
    >>> doc.text, doc.edits[-1].joined
    ('via the Times here', {'a': 1, 'b': 1})
    """
    count = doc.text.count("\n") + 1
    if len(rules) != count:
        raise ValueError(f"{step}: {len(rules)} rules for {count} lines")
    if not any(rules[1:]):
        return doc
    if lines is None:
        lines = page_lines(doc.text)
    elif len(lines) != count:
        raise ValueError(f"{step}: {len(lines)} lines given for a page of {count}")
    glue = glue or glue_lines
    out: list[str] = []
    joins = []
    start = 0  # the first line not yet in ``out``
    # only the joined lines are visited: the lines between them are copied by slices
    for index in compress(range(1, count), rules[1:]):
        out += lines[start:index]
        line, rule = lines[index], rules[index]
        out[-1] = glue(out[-1], line)
        joins.append(JoinedLine(index + 1, line, rule))  # type: ignore[arg-type]
        start = index + 1
    out += lines[start:]
    text = "\n".join(out)
    _remember(text, out)  # the first line is never joined away: out holds one at least
    counts = dict(sorted(Counter(join.rule for join in joins).items()))
    edit = Edit(step, len(doc.text), len(text), joined=counts, joins=tuple(joins))
    return doc.with_text(text, edit)


def glue_lines(before: str, line: str) -> str:
    """``before`` and ``line`` as one line, one space between them.

    >>> glue_lines("via the ", " Times")
    'via the Times'
    """
    return f"{before.rstrip()} {line.lstrip()}"


def set_fields(doc: Document, step: str, values: Mapping[str, Any]) -> Document:
    """Set metadata: names in ``FIELDS`` become attributes, others go into ``meta``.

    Returns ``doc`` itself when every value is already what it would be set to.
    """
    attributes, extra = _changed_fields(doc, values)
    if not attributes and not extra:
        return doc
    edit = Edit(step, len(doc.text), len(doc.text), fields=tuple(sorted({**attributes, **extra})))
    meta = {**doc.meta, **extra} if extra else doc.meta
    return replace(doc, **attributes, meta=meta, edits=(*doc.edits, edit))


def _changed_fields(
    doc: Document, values: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The values that differ from ``doc``'s, split into attributes and ``meta`` keys."""
    attributes = {k: v for k, v in values.items() if k in FIELDS and getattr(doc, k) != v}
    extra = {k: v for k, v in values.items() if k not in FIELDS and doc.meta.get(k, ...) != v}
    return attributes, extra


@dataclass(frozen=True, slots=True)
class FunctionStep:
    """A step made by an adapter from a plain function; see the module docstring."""

    name: str
    function: Callable[..., Any]
    kind: str
    config: Mapping[str, Any] = field(default_factory=dict)

    def __call__(self, doc: Document) -> Document | Drop:
        if self.kind == "normalizer":
            text = self.function(doc.text)
            if text == doc.text:
                return doc
            return doc.with_text(text, Edit(self.name, len(doc.text), len(text)))
        if self.kind == "drop_lines_if":
            lines = page_lines(doc.text)
            rules = [self._line_rule(line) for line in lines]
            return remove_lines(doc, self.name, rules, lines=lines)
        if self.kind == "drop_if":
            verdict = self.function(doc)
            if not verdict:
                return doc
            detail = ""
            if isinstance(verdict, tuple):
                verdict, detail = verdict
            reason = verdict if isinstance(verdict, str) else self.name
            return Drop(self.name, reason, doc.source, detail, document=doc)
        return set_fields(doc, self.name, self.function(doc) or {})

    def _line_rule(self, line: str) -> str | None:
        verdict = self.function(line)
        if not verdict:
            return None
        return verdict if isinstance(verdict, str) else self.name


def _adapter(
    kind: str, function: Callable[..., Any], name: str | None, config: Mapping[str, Any] | None
) -> FunctionStep:
    return FunctionStep(name or function.__name__, function, kind, dict(config or {}))


def normalizer(
    function: Callable[[str], str],
    *,
    name: str | None = None,
    config: Mapping[str, Any] | None = None,
) -> FunctionStep:
    """A step from a ``str -> str`` text fix; records characters before and after."""
    return _adapter("normalizer", function, name, config)


def drop_lines_if(
    predicate: LinePredicate, *, name: str | None = None, config: Mapping[str, Any] | None = None
) -> FunctionStep:
    """A step that removes each line for which ``predicate`` returns ``True`` or a rule name.

    >>> from corpuskit.document import make_document, Source
    >>> step = drop_lines_if(lambda line: line == "Share", name="share_button")
    >>> doc = step(make_document("Title\\nShare\\nText.", Source("-")))
    >>> doc.text, doc.edits[0].removed
    ('Title\\nText.', {'share_button': 1})
    """
    return _adapter("drop_lines_if", predicate, name, config)


def drop_if(
    predicate: DocPredicate, *, name: str | None = None, config: Mapping[str, Any] | None = None
) -> FunctionStep:
    """A step that rejects a document when ``predicate`` returns ``True``, a reason, or
    ``(reason, detail)``: the detail says, for this page, what made it fail."""
    return _adapter("drop_if", predicate, name, config)


def annotator(
    function: Callable[[Document], Mapping[str, Any] | None],
    *,
    name: str | None = None,
    config: Mapping[str, Any] | None = None,
) -> FunctionStep:
    """A step that sets the fields ``function`` returns (``FIELDS`` or ``meta`` keys)."""
    return _adapter("annotator", function, name, config)


@dataclass(frozen=True)
class Pipeline:
    """An ordered tuple of steps, itself a step: it stops at the first Drop, and names
    a Drop that a step left unnamed (``Document.drop``) after that step.

    A step that raises rejects that document (reason ``error``, the exception as detail;
    ``timeout`` for a ``TimeoutError``, as the executor's time limit raises) instead of
    stopping the run.
    """

    steps: tuple[Step, ...]

    def __init__(self, steps: Iterable[Step]) -> None:
        object.__setattr__(self, "steps", tuple(steps))
        names = [step_name(s) for s in self.steps]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"step names must be unique in a pipeline: {', '.join(duplicates)}")

    name = "pipeline"

    def __call__(self, doc: Document) -> Document | Drop:
        for step in self.steps:
            try:
                result = step(doc)
            except TimeoutError as error:  # the executor's time limit for one document
                return Drop(step_name(step), "timeout", doc.source, str(error), doc)
            except Exception as error:  # the error policy: reject the document, go on
                detail = f"{type(error).__name__}: {error}"
                return Drop(step_name(step), "error", doc.source, detail, doc)
            if isinstance(result, Drop):
                return result if result.step else replace(result, step=step_name(step))
            doc = result
        return doc

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(step_name(s) for s in self.steps)

    def describe(self) -> list[dict[str, Any]]:
        """Each step's name, origin and configuration, in order."""
        return [step_config(s) for s in self.steps]

    def config_hash(self) -> str:
        """A short hash of ``describe()``: equal hashes mean the same configuration."""
        blob = orjson.dumps(self.describe(), option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(blob).hexdigest()[:16]

    def then(self, *steps: Step) -> Pipeline:
        """A pipeline with ``steps`` appended."""
        return Pipeline((*self.steps, *steps))

    def before(self, name: str, *steps: Step) -> Pipeline:
        """A pipeline with ``steps`` inserted before the step called ``name``."""
        at = self._index(name)
        return Pipeline((*self.steps[:at], *steps, *self.steps[at:]))

    def after(self, name: str, *steps: Step) -> Pipeline:
        """A pipeline with ``steps`` inserted after the step called ``name``."""
        at = self._index(name) + 1
        return Pipeline((*self.steps[:at], *steps, *self.steps[at:]))

    def replace(self, name: str, step: Step) -> Pipeline:
        """A pipeline with the step called ``name`` replaced by ``step``."""
        at = self._index(name)
        return Pipeline((*self.steps[:at], step, *self.steps[at + 1 :]))

    def corpus_steps(self) -> tuple[int, ...]:
        """Positions of the corpus steps, in order."""
        return tuple(i for i, step in enumerate(self.steps) if isinstance(step, CorpusStep))

    def without(self, *names: str) -> Pipeline:
        """A pipeline without the steps called ``names``."""
        for name in names:
            self._index(name)
        return Pipeline(s for s in self.steps if step_name(s) not in names)

    def _index(self, name: str) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise KeyError(f"no step named {name!r}; steps: {', '.join(self.names)}") from None
