"""The dev sets beside the project: their pages, gold and metric; pages prepared for the
line model and the anchors' outputs, both cached on disk.

A dev set is a folder laid out like ``shared/bench/traf-dev`` (``gold.jsonl``,
``pages/<id>.txt`` and ``pages/<id>.html.gz``, ``score.py`` one folder up). Its gold
decides its metric, as in ``score.py``: ``with``/``without`` passages (the segment
metric, traf-dev) or a whole ``article`` (the article metric, dragnet-dev, whose
``gold_with_comments.jsonl`` adds the reader comments).

Two things are slow and do not change while the line model is worked on, so they are
cached under ``bench/out/cache/`` (git-ignored; delete it to start over):

- the pages as ``preparation_steps`` leave them (the default pipeline up to
  ``classify_lines``, its corpus step counted over the whole folder, as a run over that
  folder would), keyed by a digest of the package's code and data, the line models
  excepted (they are what the cache is for); and the pages the line models learn from
  (``training_pages``: the same with ``repeated_lines``' long lines left in);
- the anchors' texts: trafilatura 2.3.1 ``extract(raw, include_comments=False)`` and
  readability-lxml 0.9 ``Document(raw).summary()`` made text by ``markup_text`` (blocks
  on their own lines, inline elements inside their line), both from the page's bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import pickle
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

from bs4 import MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

import corpuskit
from corpuskit.document import Document, Drop
from corpuskit.pipeline import Pipeline, Step
from corpuskit.recipes.defaults import preparation_steps
from corpuskit.run.passes import fit_corpus_steps
from corpuskit.steps.repeated import RepeatedLines

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / "out" / "cache"
#: The files whose change makes the prepared pages stale: the package's code and data,
#: but not the line models, which act only from ``classify_lines`` on.
MODEL_FILES = frozenset({"line_model.toml", "html_line_model.toml"})
#: The page files of each mode.
PATTERNS = {"text": "*.txt", "html": "*.html.gz"}


def load_score(folder: Path) -> ModuleType:
    """The benchmark's own score.py, imported from beside the benchmark folder."""
    spec = importlib.util.spec_from_file_location("bench_score", folder.parent / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


@dataclass(frozen=True)
class DevSet:
    """One benchmark folder: its gold records (in id order) and its metric."""

    folder: Path
    gold: list[dict[str, Any]] = field(repr=False)

    @classmethod
    def of(cls, folder: Path) -> DevSet:
        return cls(folder, read_jsonl(folder / "gold.jsonl"))

    @property
    def name(self) -> str:
        return self.folder.resolve().name

    @property
    def ids(self) -> list[str]:
        return [str(record["id"]) for record in self.gold]

    @property
    def metric(self) -> str:
        """``article`` or ``segments``: the summary of ``score.py`` that scores this set."""
        return "article" if "article" in self.gold[0] else "segments"

    @cached_property
    def score(self) -> ModuleType:
        return load_score(self.folder)

    @cached_property
    def comments(self) -> dict[str, str]:
        """By page id, the reader comments of the page (article gold only): what
        ``gold_with_comments.jsonl`` holds beyond the article."""
        path = self.folder / "gold_with_comments.jsonl"
        if self.metric != "article" or not path.is_file():
            return {}
        articles = {str(r["id"]): r["article"] for r in self.gold}
        out = {}
        for record in read_jsonl(path):
            article, full = articles.get(str(record["id"]), ""), record.get("article", "")
            if full != article:
                out[str(record["id"])] = full[len(article) :] if full.startswith(article) else full
        return out

    def evaluate(self, predictions: dict[str, str], ids: list[str] | None = None) -> dict[str, Any]:
        """score.py's summary of this set's metric (over ``ids``, all pages by default),
        with its per-page rows under ``per_page``."""
        chosen = set(self.ids if ids is None else ids)
        gold = [record for record in self.gold if str(record["id"]) in chosen]
        result = self.score.score(gold, predictions)
        summary = dict(result[self.metric])
        summary["per_page"] = {row["id"]: row[self.metric] for row in result["per_page"]}
        return summary

    @cached_property
    def records(self) -> dict[str, dict[str, Any]]:
        """The gold records by page id."""
        return {str(record["id"]): record for record in self.gold}

    def record(self, page_id: str) -> dict[str, Any]:
        return self.records[page_id]

    def page_path(self, page_id: str, mode: str) -> Path:
        return self.folder / "pages" / f"{page_id}{PATTERNS[mode][1:]}"


def source_digest() -> str:
    """A digest of every file of the package but the line models (see ``MODEL_FILES``)."""
    digest = hashlib.sha256()
    package = ROOT / "corpuskit"
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".toml") and path.name not in MODEL_FILES:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cached(name: str, make: Callable[[], Any]) -> Any:
    """``make()``, kept in ``CACHE/name`` (a pickle) for the next call."""
    path = CACHE / name
    if path.is_file():
        with path.open("rb") as stream:
            return pickle.load(stream)
    value = make()
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    with partial.open("wb") as stream:
        pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)
    return value


def read_pages(devset: DevSet, mode: str) -> list[Document]:
    """Every page of ``devset`` read in ``mode``, in id order."""
    paths = [str(devset.page_path(page_id, mode)) for page_id in devset.ids]
    with warnings.catch_warnings():  # XHTML parsed as HTML: noise for a benchmark
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        docs = [d for d in corpuskit.read(paths, format=mode) if isinstance(d, Document)]
    if len(docs) != len(paths):
        raise SystemExit(f"{devset.name}: {len(paths) - len(docs)} pages could not be read")
    return docs


def prepared_pages(devset: DevSet, mode: str) -> dict[str, Document | Drop]:
    """By page id, the page as ``preparation_steps`` leave it (cached)."""
    return _prepared(devset, mode, preparation_steps(), "prepared")


def training_pages(devset: DevSet, mode: str) -> dict[str, Document | Drop]:
    """By page id, the page the line models learn from (cached): as ``prepared_pages``,
    but with ``repeated_lines`` removing no long line (``long_min_pages`` 0). The long
    lines that rule removes (a blog's blurb, an author's box, a disclaimer printed on
    every page of a site) are the model's hardest furniture: prose. On a run too small
    to count (fewer than ``min_run_pages`` pages in a scope) the model meets them alone,
    so it learns them. Leave-one-dataset-out (text), trained on pages without them,
    traf-dev / dragnet-dev F fell to 0.8545 / 0.8509, against 0.8582 / 0.8560 trained
    on these (docs/quality.md, "Sixth round, text mode")."""
    steps = [
        replace(step, long_min_pages=0) if isinstance(step, RepeatedLines) else step
        for step in preparation_steps()
    ]
    return _prepared(devset, mode, steps, "training")


def _prepared(
    devset: DevSet, mode: str, steps: list[Step], kind: str
) -> dict[str, Document | Drop]:
    def prepare() -> dict[str, Document | Drop]:
        docs = read_pages(devset, mode)
        pipeline = fit_corpus_steps(Pipeline(steps), docs)
        return dict(zip(devset.ids, map(pipeline, docs), strict=True))

    return dict(cached(f"{kind}-{devset.name}-{mode}-{source_digest()}.pickle", prepare))


# --------------------------------------------------------------------------- anchors

ANCHORS = ("trafilatura", "readability")

#: Elements that ``markup_text`` sets on lines of their own.
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
        "div", "dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
        "summary", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip


def markup_text(fragment: str) -> str:
    """The text of an HTML fragment as a browser lays it out, roughly: every block
    element on lines of its own, inline elements (links, emphasis) inside their line,
    whitespace collapsed. Used on readability's summary, whose ``text_content()`` would
    glue paragraphs together and whose ``get_text("\\n")`` would split sentences at links.

    >>> markup_text("<div><p>A <a href=x>link</a>, inline.</p><p>Next</p></div>")
    'A link, inline.\\nNext'
    """
    import lxml.etree
    import lxml.html

    if not fragment.strip():
        return ""
    parts: list[str] = []
    root = lxml.html.fromstring(fragment)
    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        block = isinstance(element.tag, str) and element.tag in BLOCK_TAGS
        if event == "start":
            parts.append("\n" if block else "")
            if isinstance(element.tag, str) and element.text:
                parts.append(element.text)
        else:
            parts.append("\n" if block else "")
            if element is not root and element.tail:
                parts.append(element.tail)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def trafilatura_text(raw: bytes) -> str:
    import trafilatura

    return trafilatura.extract(raw, include_comments=False) or ""


def readability_text(raw: bytes) -> str:
    from readability import Document as Readable

    try:
        return markup_text(Readable(raw).summary())
    except Exception:  # readability raises on pages it cannot read: an empty output
        return ""


def anchor_version(tool: str) -> str:
    from importlib.metadata import version

    return version("readability-lxml" if tool == "readability" else tool)


def anchor_texts(devset: DevSet, tool: str) -> dict[str, str]:
    """By page id, the text ``tool`` (one of ``ANCHORS``) extracts from the page's bytes
    (cached by tool version)."""
    extract = trafilatura_text if tool == "trafilatura" else readability_text

    def run() -> dict[str, str]:
        out = {}
        for page_id in devset.ids:
            raw = gzip.decompress(devset.page_path(page_id, "html").read_bytes())
            out[page_id] = extract(raw)
        return out

    name = f"anchor-{tool}-{anchor_version(tool)}-{devset.name}.pickle"
    return dict(cached(name, run))
