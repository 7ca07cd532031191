"""How the default pipeline does on pages its line models never saw, beside the anchors.

    python bench/quality.py --generalization ../shared/bench/traf-dev ../shared/bench/dragnet-dev
    python bench/quality.py --generalization ... --json bench/out/generalization.json --worst 10

For each mode (``text``, ``html``) and each dev set, the default pipeline (its steps up
to ``classify_lines`` as shipped: ``devsets.prepared_pages``; then ``classify_lines``
and the steps after it) is scored by the set's own ``score.py`` with line models

- ``shipped``: the models in ``corpuskit/data`` (fitted on every page of the dev sets,
  so this is a score in sample, not a prediction);
- ``cv``: cross-validated by page: each set is cut into ``FOLDS`` folds (every
  ``FOLDS``-th page in id order); a page of fold k is cleaned with models fitted on the
  pages of every set outside fold k, the configuration of the shipped models;
- ``lodo``: leave one dataset out: a set's pages are cleaned with models fitted on the
  other sets only. These are the figures that predict pages from elsewhere.

"Fitted" is everything ``train_line_model.Trainer.fit`` learns: both stages and the
threshold. In HTML mode a page whose layout was lost is judged by the text model, fitted
on the same pages. The anchors run on the same pages in the same run (``devsets``):
trafilatura 2.3.1 ``extract(include_comments=False)`` and readability-lxml 0.9.

``--json PATH`` writes the table with each row's per-page scores; every row's outputs go
to ``bench/out/generalization/<mode>-<set>-<run>.jsonl`` for reading. ``--worst N`` lists,
per mode and set, the N pages where the ``lodo`` output is furthest below the better
anchor of that set (per-page F); it runs the anchors whatever the modes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devsets import ANCHORS, ROOT, DevSet, anchor_texts, anchor_version, prepared_pages
from train_line_model import MODES, Fitted, Key, Trainer

import corpuskit
from corpuskit.document import Document
from corpuskit.pipeline import Pipeline
from corpuskit.steps.classify.step import ClassifyLines, LineModel

FOLDS = 5
OUT = ROOT / "bench" / "out" / "generalization"


@dataclass
class Row:
    """One line of the table: a mode, a set, a run and its scores (with per-page ones)."""

    mode: str
    devset: str
    run: str
    scores: dict[str, Any] = field(repr=False)
    texts: dict[str, str] = field(repr=False)

    def line(self) -> str:
        s = self.scores
        return (
            f"{self.mode:5} {self.devset:12} {self.run:32} "
            f"P {s['precision']:.3f}  R {s['recall']:.3f}  F {s['f1']:.3f}"
        )

    def slug(self) -> str:
        """``<mode>-<set>-<run>``, the run as one word (``lodo``, ``trafilatura``)."""
        words = self.run.split()
        return f"{self.mode}-{self.devset}-{words[0] if words[0] in ANCHORS else words[1]}"

    def page_f1(self) -> dict[str, float]:
        """Each page's F by the set's metric (0 for an empty output)."""
        return {page: page_f1(row) for page, row in self.scores["per_page"].items()}

    def summary(self) -> dict[str, Any]:
        kept = {k: v for k, v in self.scores.items() if k != "per_page"}
        return {"mode": self.mode, "devset": self.devset, "run": self.run, **kept}


def page_f1(row: dict[str, Any]) -> float:
    """One page's F from its score.py row (segment counts or article P and R).

    >>> page_f1({"tp": 3, "fp": 1, "fn": 1, "tn": 2}), page_f1({"precision": None, "recall": 0.0})
    (0.75, 0.0)
    """
    if "tp" in row:
        total = 2 * row["tp"] + row["fp"] + row["fn"]
        return 2 * row["tp"] / total if total else 1.0
    precision, recall = row["precision"] or 0.0, row["recall"] or 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def tail(text_model: LineModel | None = None, html_model: LineModel | None = None) -> Pipeline:
    """The default pipeline from ``classify_lines`` on, with these models (the shipped
    ones where None)."""
    pipeline = corpuskit.default_pipeline()
    names = pipeline.names
    steps = list(pipeline.steps[names.index("classify_lines") :])
    classify = ClassifyLines()
    if text_model is not None:
        classify = ClassifyLines(model=text_model, html_model=html_model or classify.html_model)
    steps[0] = classify
    return Pipeline(steps)


class Study:
    """The generalization table of some modes over some dev sets."""

    def __init__(self, devsets: Sequence[DevSet], modes: Sequence[str], folds: int = FOLDS):
        self.devsets = list(devsets)
        self.modes = tuple(modes)
        self.folds = folds
        self._trainers: dict[str, Trainer] = {}
        self._fits: dict[tuple[str, tuple[Key, ...]], Fitted] = {}

    def all_keys(self) -> list[Key]:
        return [(devset.name, page_id) for devset in self.devsets for page_id in devset.ids]

    def trainer(self, mode: str) -> Trainer:
        if mode not in self._trainers:
            self._trainers[mode] = Trainer(self.devsets, mode)
        return self._trainers[mode]

    def fitted(self, mode: str, keys: Sequence[Key]) -> Fitted:
        """The ``mode`` model fitted on ``keys`` (each fit made once)."""
        key = (mode, tuple(keys))
        if key not in self._fits:
            self._fits[key] = self.trainer(mode).fit(keys)
        return self._fits[key]

    def splits(self) -> list[tuple[str, list[Key], list[Key]]]:
        """``(run, training keys, test keys)`` of every fit the table needs."""
        out = []
        for fold in range(self.folds):
            held = {(d.name, i) for d in self.devsets for i in d.ids[fold :: self.folds]}
            train = [key for key in self.all_keys() if key not in held]
            out.append(("cv", train, [key for key in self.all_keys() if key in held]))
        if len(self.devsets) > 1:
            for devset in self.devsets:
                train = [key for key in self.all_keys() if key[0] != devset.name]
                others = " ".join(d.name for d in self.devsets if d is not devset)
                test = [(devset.name, page_id) for page_id in devset.ids]
                out.append((f"lodo (fitted on {others})", train, test))
        return out

    def clean(self, mode: str, pipeline: Pipeline, keys: Sequence[Key]) -> dict[Key, str]:
        """The text ``pipeline`` leaves of each prepared page of ``keys``."""
        pages = {d.name: prepared_pages(d, mode) for d in self.devsets}
        out = {}
        for name, page_id in keys:
            result = pages[name][page_id]
            result = pipeline(result) if isinstance(result, Document) else result
            out[name, page_id] = result.text if isinstance(result, Document) else ""
        return out

    def mode_texts(self, mode: str, shipped: bool = True) -> dict[str, dict[Key, str]]:
        """By run (``shipped`` if asked, ``cv``, ``lodo``), the text of every page in
        ``mode``."""
        runs: dict[str, dict[Key, str]] = {}
        if shipped:
            runs["shipped"] = self.clean(mode, tail(), self.all_keys())
        for run, train, test in self.splits():
            text_model = self.fitted("text", train).model()
            html_model = self.fitted("html", train).model() if mode == "html" else None
            kind = run.split()[0]
            runs.setdefault(kind, {}).update(self.clean(mode, tail(text_model, html_model), test))
        return runs

    def corpuskit_rows(self, shipped: bool = True) -> list[Row]:
        """The rows of corpuskit in every mode (``shipped``: with the shipped models'
        rows, which a model file that no longer matches the features cannot give)."""
        rows = []
        for mode in self.modes:
            for kind, texts in self.mode_texts(mode, shipped).items():
                for devset in self.devsets:
                    run = f"corpuskit {kind}"
                    if kind == "lodo":
                        others = " ".join(d.name for d in self.devsets if d is not devset)
                        run = f"corpuskit lodo (fitted on {others})"
                    rows.append(self._row(mode, devset, run, texts))
        return rows

    def anchor_rows(self) -> list[Row]:
        rows = []
        for tool in ANCHORS:
            for devset in self.devsets:
                texts = {(devset.name, i): t for i, t in anchor_texts(devset, tool).items()}
                name = f"{tool} {anchor_version(tool)}"
                rows.append(self._row("html", devset, name, texts))
        return rows

    @staticmethod
    def _row(mode: str, devset: DevSet, run: str, texts: dict[Key, str]) -> Row:
        mine = {page_id: text for (name, page_id), text in texts.items() if name == devset.name}
        return Row(mode, devset.name, run, devset.evaluate(mine), mine)


def worst_pages(rows: Sequence[Row], count: int) -> list[str]:
    """Per mode and set, the ``count`` pages where the lodo run is furthest below the
    better anchor of the set (by per-page F), with both F values."""
    anchors = [row for row in rows if row.run.split()[0] in ANCHORS]
    lines = []
    for row in rows:
        if not row.run.startswith("corpuskit lodo"):
            continue
        mine = [a for a in anchors if a.devset == row.devset]
        if not mine:
            continue
        best = max(mine, key=lambda a: a.scores["f1"])
        ours, theirs = row.page_f1(), best.page_f1()
        gaps = sorted(ours, key=lambda page: ours[page] - theirs[page])[:count]
        lines.append(f"{row.mode} {row.devset}: furthest below {best.run}")
        lines += [f"  {page:20} ours {ours[page]:.3f}  anchor {theirs[page]:.3f}" for page in gaps]
    return lines


def write_outputs(rows: Sequence[Row]) -> None:
    """Every row's texts as score.py predictions, for reading."""
    OUT.mkdir(parents=True, exist_ok=True)
    for row in rows:
        with (OUT / f"{row.slug()}.jsonl").open("w", encoding="utf-8") as out:
            for page_id, text in row.texts.items():
                out.write(json.dumps({"id": page_id, "text": text}, ensure_ascii=False) + "\n")


def report(
    folders: Sequence[Path],
    modes: Sequence[str] = tuple(MODES),
    json_path: Path | None = None,
    worst: int = 0,
    folds: int = FOLDS,
) -> str:
    """The whole table as text (and ``json_path`` written, if given)."""
    study = Study([DevSet.of(folder) for folder in folders], modes, folds)
    rows = study.corpuskit_rows()
    if "html" in modes or worst:  # the worst pages are measured against the anchors
        rows += study.anchor_rows()
    rows.sort(key=lambda row: (modes.index(row.mode) if row.mode in modes else 0, row.devset))
    write_outputs(rows)
    lines = [row.line() for row in rows]
    if worst:
        lines += worst_pages(rows, worst)
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        table = [{**row.summary(), "per_page": row.scores["per_page"]} for row in rows]
        json_path.write_text(json.dumps({"folds": folds, "rows": table}, indent=1))
    return "\n".join(lines)
