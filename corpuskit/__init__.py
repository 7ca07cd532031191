"""corpuskit: turn scraped web pages into a clean JSONL corpus with provenance.

>>> import corpuskit
>>> doc = corpuskit.clean_text("Dark Mode\\nAnzeige\\nDie Stadt baut eine neue Brücke.")
>>> doc.text, doc.lang
('Die Stadt baut eine neue Brücke.', 'de')
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

# ``explain`` is also the name of its module: imported now, or the module would shadow
# the function once anything imported it (and it is light: documents and pipelines).
from corpuskit.explain import Explanation, LineVerdict, explain
from corpuskit.lazy import lazy_names
from corpuskit.version import __version__

if TYPE_CHECKING:
    from corpuskit.api import clean_documents, clean_files, clean_records, clean_text
    from corpuskit.document import FIELDS, Document, Drop, Edit, RemovedLine, Source, make_document
    from corpuskit.errors import (
        CorpuskitError,
        DocumentRejected,
        InputError,
        RecipeError,
        RunStopped,
    )
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
    from corpuskit.writers import JsonlWriter, MemoryWriter, Shards, Writer

#: Where each public name lives. ``import corpuskit`` imports none of them: a name is
#: imported the first time it is used (PEP 562), so the command's start-up and a
#: script that reads one text page load only the modules they use.
_HOMES = {
    "CorpusStep": "corpuskit.pipeline",
    "CorpuskitError": "corpuskit.errors",
    "Document": "corpuskit.document",
    "DocumentRejected": "corpuskit.errors",
    "Drop": "corpuskit.document",
    "Edit": "corpuskit.document",
    "Executor": "corpuskit.run.executor",
    "FIELDS": "corpuskit.document",
    "InputError": "corpuskit.errors",
    "Job": "corpuskit.run.executor",
    "JsonlWriter": "corpuskit.writers",
    "Limits": "corpuskit.readers.limits",
    "LocalExecutor": "corpuskit.run.local",
    "MemoryWriter": "corpuskit.writers",
    "OutputOptions": "corpuskit.outputs",
    "Outputs": "corpuskit.outputs",
    "Pipeline": "corpuskit.pipeline",
    "PipelineOptions": "corpuskit.recipes.compose",
    "Provenance": "corpuskit.run.cleaning",
    "PunctuationPolicy": "corpuskit.steps.normalize",
    "RayExecutor": "corpuskit.run.ray",
    "ReadOptions": "corpuskit.readers.options",
    "Recipe": "corpuskit.recipes",
    "RecipeError": "corpuskit.errors",
    "RemovedLine": "corpuskit.document",
    "RunOptions": "corpuskit.run.options",
    "RunReport": "corpuskit.run.report",
    "RunStopped": "corpuskit.errors",
    "Shards": "corpuskit.writers",
    "Source": "corpuskit.document",
    "Step": "corpuskit.pipeline",
    "Writer": "corpuskit.writers",
    "annotator": "corpuskit.pipeline",
    "clean_documents": "corpuskit.api",
    "clean_files": "corpuskit.api",
    "clean_records": "corpuskit.api",
    "clean_text": "corpuskit.api",
    "compose": "corpuskit.recipes.compose",
    "default_pipeline": "corpuskit.recipes.defaults",
    "drop_if": "corpuskit.pipeline",
    "drop_lines_if": "corpuskit.pipeline",
    "fit_corpus_steps": "corpuskit.run.passes",
    "load_recipe": "corpuskit.recipes",
    "make_document": "corpuskit.document",
    "normalizer": "corpuskit.pipeline",
    "read": "corpuskit.readers",
    "remove_lines": "corpuskit.pipeline",
    "set_fields": "corpuskit.pipeline",
    "step_name": "corpuskit.pipeline",
}


#: The public objects of ``_HOMES``, each imported from its module on first use.
__getattr__ = lazy_names(__name__, _HOMES, globals())


def __dir__() -> list[str]:
    """The public names and the submodules imported so far (not this module's helpers)."""
    modules = {name for name, value in globals().items() if isinstance(value, ModuleType)}
    return sorted({*__all__, *modules})


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
