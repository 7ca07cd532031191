"""Hugging Face ``datasets``: load a corpus with its true types, clean a column with ``map``.

**Loading a corpus.** ``load_dataset("json", data_files=...)`` infers a schema from the
records, and two things in a corpus defeat inference: ``published`` holds ISO 8601
dates, which Arrow turns into timestamps (a page's own UTC offset is lost, and a file of
only dates and one of none get different types), and ``meta``, ``source`` and the edits
hold objects whose keys differ from record to record. ``features()`` is the schema of a
corpus record: every field a string (``lang_score`` a float), and ``meta``, ``source``
and each edit as ``Json``, so that a row reads back exactly as its JSON line, a field
the line leaves out as ``None``. ``load_corpus`` loads files, or a folder of shards,
with it, parsing the records itself (``load_dataset("json")`` applies a schema only
after Arrow has parsed the dates). ``Json`` came with datasets 4.7, hence the extra's
floor; older versions fill every object with the keys of all the others (``None``)
and fail on shards whose objects differ. Floats inside ``Json`` columns (audit scores,
``meta.lang_scores``) come back as datasets decodes them, with pandas' ujson, which may
differ from the written value in the last bit (-1.602 as -1.6019999999999999).

**Cleaning a column.** ``cleaner(...)`` returns a function for ``Dataset.map`` that
cleans the pages in the column ``text_field`` names (text, or HTML: ``format="html"``,
and by default a page that opens like one, ``content``: ``ReadOptions``, whole or as
keywords, like every other entry point) as ``corpuskit clean`` would, batched or not, in
``num_proc`` processes. A row is read as a JSONL record is: the columns ``id_field`` and
``url_field`` name (``id``, ``url``), when the dataset has them, give the page its id
and URL. It replaces the
page by its cleaned text and adds the columns ``title``, ``author``, ``published``,
``url``, ``lang``, ``lang_score`` (``None`` when unknown), ``meta`` and ``provenance``
(JSON strings: a string column has the same type in every batch, whatever its content;
pass ``features=fn.features(ds.features)`` to ``map`` to read them back as objects; a
column of bytes stays bytes without it, as ``map`` keeps a column's type), and
``reject_step``, ``reject_reason``, ``reject_detail`` (``None`` for a kept page).
``prefix`` names the added columns apart when the dataset has columns of those names.

A rejected page is kept as a row with empty text and its reason (``rejects="keep"``,
the default: every row is accounted for, and ``ds.filter`` splits them), or left out
(``rejects="drop"``, which needs ``batched=True``: a batched map may return fewer rows).

**Corpus steps** (``repeated_lines`` in the default pipeline, the duplicate filters)
must see the whole dataset, and one ``map`` call sees a batch. So they are fitted first,
in this process, over the pages given as ``fit`` (``fit=ds["text"]``, or the rows,
``fit=ds``, when the dataset has id or URL columns, so the steps count the pages by the
same ids and sites: the steps before them run once more over the dataset), after which
every batch runs the fitted pipeline
and the output equals ``corpuskit clean`` over the same pages. Without ``fit`` they are
left unfitted, and an unfitted corpus step changes nothing: ``cleaner`` warns. They are
never counted per batch, which would make the output depend on ``batch_size`` and
``num_proc``. The duplicate filters know a page by its id, made from its row number:
with them, pass ``with_indices=True`` both to ``cleaner`` and to ``map``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from itertools import count, repeat
from typing import Any, Literal

import orjson

from corpuskit.document import FIELDS, Document, Drop, Source
from corpuskit.errors import InputError
from corpuskit.integrations import require
from corpuskit.parquet import is_parquet_name, read_records
from corpuskit.pipeline import Pipeline, step_name
from corpuskit.readers.compression import decompressed
from corpuskit.readers.options import ReadOptions
from corpuskit.readers.page import page_format, read_page, with_record_fields
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.run.cleaning import Provenance, finish
from corpuskit.run.options import RunOptions
from corpuskit.run.passes import fit_corpus_steps

datasets = require("datasets", "hf")

#: The columns ``cleaner`` adds besides the text, before ``prefix``.
REJECT_COLUMNS = ("reject_step", "reject_reason", "reject_detail")


def features() -> Any:
    """The ``datasets.Features`` of a corpus record (see the module docstring)."""
    string, json = datasets.Value("string"), datasets.Json()
    return datasets.Features(
        {
            "id": string,
            "text": string,
            **{name: string for name in FIELDS if name != "lang_score"},
            "lang_score": datasets.Value("float64"),
            "meta": json,
            "source": json,
            "provenance": {
                "corpuskit": string,
                "config": string,
                "edits": datasets.List(json),
            },
        }
    )


def load_corpus(data_files: str | Sequence[str], **kwargs: Any) -> Any:
    """The ``datasets.Dataset`` of corpus files (``.jsonl``, ``.gz``, ``.zst``,
    ``.parquet``), or of a folder of shards (``-o out/``), typed by ``features()``; ``kwargs`` go to
    ``Dataset.from_generator`` (``cache_dir``, ``num_proc``, ...).

    The records are parsed here, not by ``load_dataset("json")``: Arrow's JSON reader
    turns ``published`` into a timestamp before any schema is applied, so even with
    ``features=`` a date comes back as ``"2026-02-04 00:00:00"`` and a time with an
    offset shifted to UTC. The cache is keyed by the files' sizes and times, so a
    rewritten corpus is read again.
    """
    paths = _corpus_files(data_files)
    stamps = [(stat.st_size, stat.st_mtime_ns) for stat in map(os.stat, paths)]
    return datasets.Dataset.from_generator(
        _records, features=features(), gen_kwargs={"paths": paths, "stamps": stamps}, **kwargs
    )


def _corpus_files(data_files: str | Sequence[str]) -> list[str]:
    """The files of ``data_files``: a folder stands for its shards, in order."""
    if isinstance(data_files, str) and os.path.isdir(data_files):
        names = sorted(n for n in os.listdir(data_files) if n.startswith("part-"))
        return [os.path.join(data_files, name) for name in names]
    return [data_files] if isinstance(data_files, str) else list(data_files)


def _records(paths: list[str], stamps: list[tuple[int, int]]) -> Iterator[dict[str, Any]]:
    """Every record of the corpus files ``paths`` (``stamps`` only key the cache)."""
    for path in paths:
        with open(path, "rb") as raw:
            if is_parquet_name(path):
                yield from read_records(raw)
                continue
            for line in decompressed(raw, path):
                if line.strip():
                    yield orjson.loads(line)


@dataclass(frozen=True)
class Cleaner:
    """A ``Dataset.map`` function that cleans one column; make it with ``cleaner``."""

    pipeline: Pipeline
    provenance: Provenance
    read_options: ReadOptions = field(default_factory=ReadOptions)
    run: RunOptions = field(default_factory=RunOptions)
    rejects: Literal["keep", "drop"] = "keep"
    prefix: str = ""
    with_indices: bool = False
    fitted_on_pages: bool = False  # fit= gave pages without their rows' ids and URLs

    @property
    def text_field(self) -> str:
        return self.read_options.text_field

    def record_columns(self, batch: Mapping[str, Any]) -> dict[str, Any]:
        """The batch's columns that give a page its id or URL (``id_field``,
        ``url_field``), by name."""
        options = self.read_options
        names = {options.id_field, options.url_field} - {self.text_field}
        found = {name: batch[name] for name in sorted(names) if name in batch}
        if found and self.fitted_on_pages:
            raise InputError(
                f"the dataset has {', '.join(found)} columns, which fit= did not see: "
                "pass the rows (fit=ds) so the corpus steps know the pages by them"
            )
        return found

    def __call__(
        self, batch: Mapping[str, Any], indices: int | Sequence[int] | None = None
    ) -> dict[str, Any]:
        """Clean one example or one batch (``batched=True``): the columns to set."""
        pages, named = batch[self.text_field], self.record_columns(batch)
        if not self.with_indices:
            indices = None
        elif indices is None:
            raise InputError("this cleaner numbers rows: call map with with_indices=True")
        if not isinstance(pages, list):  # one example
            if self.rejects == "drop":
                raise InputError("rejects='drop' needs map(..., batched=True)")
            index = indices if isinstance(indices, int) else None
            columns = self._columns([pages], [index], [named])
            return {key: value[0] for key, value in columns.items()}
        rows = list(indices) if isinstance(indices, Sequence) else [None] * len(pages)
        records = [{name: values[i] for name, values in named.items()} for i in range(len(pages))]
        columns = self._columns(pages, rows, records)
        if self.rejects == "keep":
            return columns
        kept = [i for i, reason in enumerate(columns[self.prefix + "reject_reason"]) if not reason]
        every = {**batch, **columns}
        return {key: [values[i] for i in kept] for key, values in every.items()}

    def _columns(
        self,
        pages: Sequence[Any],
        rows: Sequence[int | None],
        records: Sequence[Mapping[str, Any]],
    ) -> dict[str, list[Any]]:
        names = [self.text_field, *(self.prefix + n for n in (*FIELDS, "meta", "provenance"))]
        names += [self.prefix + name for name in REJECT_COLUMNS]
        columns: dict[str, list[Any]] = {name: [] for name in names}
        for page, row, record in zip(pages, rows, records, strict=True):
            read = self.read(page, row, record)
            result = finish(self.pipeline, self.provenance, self.run.time_limit, read)
            values = _row(result if isinstance(result, Drop) else result[1])
            for name, value in zip(names, values, strict=True):
                columns[name].append(value)
        return columns

    def read(
        self, page: Any, row: int | None, record: Mapping[str, Any] | None = None
    ) -> Document | Drop:
        """The document for one cell of the text column (``row``: 0-based, or None), with
        the id and URL of its ``record`` (the row's ``record_columns``)."""
        line = None if row is None else row + 1
        if not isinstance(page, str | bytes):
            source = Source("<dataset>", page_format(self.read_options), line=line)
            detail = f"{self.text_field!r} holds {type(page).__name__}, not a string"
            result: Document | Drop = Drop("read", "text_not_string", source, detail)
        else:
            result = read_page(page, self.read_options, path="<dataset>", line=line)
        return with_record_fields(result, record or {}, self.read_options)

    def features(self, input_features: Mapping[str, Any]) -> Any:
        """The ``Features`` of the mapped dataset, ``meta`` and ``provenance`` as ``Json``:
        pass them to ``map`` to read those columns back as objects."""
        string = datasets.Value("string")
        added = {self.prefix + name: string for name in FIELDS}
        added[self.prefix + "lang_score"] = datasets.Value("float64")
        added |= {self.prefix + name: datasets.Json() for name in ("meta", "provenance")}
        added |= {self.prefix + name: string for name in REJECT_COLUMNS}
        return datasets.Features({**input_features, self.text_field: string, **added})


def _row(result: dict[str, Any] | Drop) -> list[Any]:
    """One row of the added columns, in ``Cleaner._columns``' order, for a corpus record
    or a drop."""
    if isinstance(result, Drop):
        nothing: list[Any] = [None] * (len(FIELDS) + 2)
        return ["", *nothing, result.step, result.reason, result.detail]
    fields = [result.get(name) for name in FIELDS]
    nested = [orjson.dumps(result[key]).decode() for key in ("meta", "provenance")]
    return [result["text"], *fields, *nested, None, None, None]


def cleaner(
    pipeline: Pipeline | None = None,
    read: ReadOptions | None = None,
    run: RunOptions | None = None,
    *,
    rejects: Literal["keep", "drop"] = "keep",
    fit: Iterable[Any] | None = None,
    with_indices: bool = False,
    prefix: str = "",
    **changes: Any,
) -> Cleaner:
    """A function for ``ds.map(fn, batched=True, num_proc=N)`` that cleans the column
    ``text_field`` names with ``pipeline`` (the default one if None); see the module
    docstring.

    ``read`` (``ReadOptions``: ``text_field``, ``format`` text or html, ``html_parser``,
    ``extractor``, ``limits``) and ``run`` (``RunOptions``: ``audit``, ``time_limit``)
    are the same objects every other entry point takes; keyword ``changes`` are folded
    into them by name (``cleaner(text_field="html", format="html")``). ``fit`` holds the
    pages to fit the corpus steps over, in row order: the text column itself
    (``ds[text_field]``), or the rows (``ds``: needed when the dataset has the id or URL
    columns ``id_field`` and ``url_field`` name, which a map then refuses otherwise).
    """
    if rejects not in ("keep", "drop"):
        raise InputError(f"unknown rejects mode {rejects!r} (choose from keep, drop)")
    read_changes = {k: v for k, v in changes.items() if k not in RUN_FIELDS}
    options = ReadOptions.of(read, **read_changes)
    running = RunOptions.of(run, **{k: v for k, v in changes.items() if k in RUN_FIELDS})
    page_format(options)
    pipeline = pipeline or default_pipeline()
    provenance = Provenance.of(pipeline, running.audit)
    made = Cleaner(pipeline, provenance, options, running, rejects, prefix, with_indices)
    if fit is not None:
        rows: Iterator[int | None] = count() if with_indices else repeat(None)
        seen_pages: list[bool] = []
        documents = (
            made.read(page, row, record)
            for (page, record), row in zip(
                (_fit_item(item, made, seen_pages) for item in fit), rows, strict=False
            )
        )
        fitted = fit_corpus_steps(pipeline, documents)  # same provenance
        return replace(made, pipeline=fitted, fitted_on_pages=any(seen_pages))
    corpus_steps = [step_name(pipeline.steps[i]) for i in pipeline.corpus_steps()]
    if corpus_steps:
        warnings.warn(
            f"{', '.join(corpus_steps)} must see the whole dataset and will change nothing: "
            f"pass fit=ds[{options.text_field!r}] to fit them first",
            stacklevel=2,
        )
    return made


def _fit_item(item: Any, made: Cleaner, seen_pages: list[bool]) -> tuple[Any, dict[str, Any]]:
    """A page given to ``fit`` and its record: a row's text column and its id and URL
    columns, or a bare page (noted in ``seen_pages``)."""
    if isinstance(item, Mapping):
        options = made.read_options
        record = {k: item[k] for k in (options.id_field, options.url_field) if k in item}
        return item.get(made.text_field), record
    if not seen_pages:
        seen_pages.append(True)
    return item, {}


#: The keywords of ``cleaner`` that are ``RunOptions``.
RUN_FIELDS = frozenset(f.name for f in fields(RunOptions))
