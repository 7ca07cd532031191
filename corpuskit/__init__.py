"""corpuskit: turn scraped web pages into a clean JSONL corpus with provenance.

>>> import corpuskit
>>> doc = corpuskit.clean_text("Dark Mode\\nAnzeige\\nDie Stadt baut eine neue Brücke.")
>>> doc.text, doc.lang
('Die Stadt baut eine neue Brücke.', 'de')
"""

from corpuskit.api import clean_documents, clean_files, clean_records, clean_text
from corpuskit.document import FIELDS, Document, Drop, Edit, RemovedLine, Source, make_document
from corpuskit.errors import (
    CorpuskitError,
    DocumentRejected,
    InputError,
    RecipeError,
    RunStopped,
)
from corpuskit.explain import Explanation, LineVerdict, explain
from corpuskit.outputs import OutputOptions, Outputs
from corpuskit.pipeline import (
    CorpusStep,
    Pipeline,
    Step,
    annotator,
    drop_if,
    drop_lines_if,
    normalizer,
    remove_lines,
    set_fields,
    step_name,
)
from corpuskit.readers import read
from corpuskit.readers.limits import Limits
from corpuskit.readers.options import ReadOptions
from corpuskit.recipes import Recipe, load_recipe
from corpuskit.recipes.compose import PipelineOptions, compose
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.run.cleaning import Provenance
from corpuskit.run.executor import Executor, Job
from corpuskit.run.local import LocalExecutor
from corpuskit.run.options import RunOptions
from corpuskit.run.passes import fit_corpus_steps
from corpuskit.run.ray import RayExecutor
from corpuskit.run.report import RunReport
from corpuskit.steps.normalize import PunctuationPolicy
from corpuskit.version import __version__
from corpuskit.writers import JsonlWriter, MemoryWriter, Shards, Writer

__all__ = [
    "FIELDS",
    "CorpusStep",
    "CorpuskitError",
    "Document",
    "DocumentRejected",
    "Drop",
    "Edit",
    "Executor",
    "Explanation",
    "InputError",
    "Job",
    "JsonlWriter",
    "Limits",
    "LineVerdict",
    "LocalExecutor",
    "MemoryWriter",
    "OutputOptions",
    "Outputs",
    "Pipeline",
    "PipelineOptions",
    "Provenance",
    "PunctuationPolicy",
    "RayExecutor",
    "ReadOptions",
    "Recipe",
    "RecipeError",
    "RemovedLine",
    "RunOptions",
    "RunReport",
    "RunStopped",
    "Shards",
    "Source",
    "Step",
    "Writer",
    "__version__",
    "annotator",
    "clean_documents",
    "clean_files",
    "clean_records",
    "clean_text",
    "compose",
    "default_pipeline",
    "drop_if",
    "drop_lines_if",
    "explain",
    "fit_corpus_steps",
    "load_recipe",
    "make_document",
    "normalizer",
    "read",
    "remove_lines",
    "set_fields",
    "step_name",
]
