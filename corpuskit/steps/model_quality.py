"""Step ``quality_model``: score each page with a fastText classifier the user supplies,
record the score, and drop pages below a threshold if one is given.

The classifiers that DCLM and FineWeb-Edu style pipelines ship are fastText
supervised models (a ``.bin`` file) whose labels name the classes, such as
``__label__hq`` (high quality) against ``__label__cc`` (common crawl). The page's
score is the probability the model gives ``label``; the page's text is given as one
line (line breaks as spaces, as fastText reads one line at a time and as DCLM's
classifier was fed). ``meta[field]`` gets the score, rounded to 4 places; with a
``threshold``, a page that scores below it is rejected ``low_score``
(``score 0.1234 < 0.5``), the exact score compared.

The model is never sent with the step: the step holds its path, and each process loads
the file once, on the first page it scores, into a cache keyed by the path, its size
and its modification time (``loaded``): a worker pool loads it once per worker, a
model file replaced between runs is read again. Nothing is downloaded: the file must be
there. Making the step checks that it is a fastText model file (its header), so that a
wrong path fails at once, on the command line, with the option's name; a label the
model does not have is found on the first page, and every page is then rejected with
that as the error's detail.

The ``fasttext`` module comes from the ``quality-model`` extra (``fasttext-wheel``:
fastText 0.9.2 as wheels; the ``fasttext`` package itself ships none). Its ``predict``
calls ``np.array(copy=False)``, which NumPy 2 refuses, so the step calls the bindings'
lower-level ``f.predict``, which returns plain ``(probability, label)`` pairs and
which every build of the bindings has. (``fasttext-numpy2`` 0.10.4 fixes ``predict``,
but its training met NaN here depending on what the process had imported before it:
a sign of uninitialised memory, so it is not the one installed.)
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpuskit.document import Document, Drop
from corpuskit.lazy import require
from corpuskit.pipeline import set_fields

#: The first bytes of a fastText model file: its magic number and the file format's
#: version (fastText's ``FASTTEXT_FILEFORMAT_MAGIC_INT32``, ``FASTTEXT_VERSION``; 11
#: and 12 are the versions fastText has written since 2017).
MAGIC = 793712314
VERSIONS = (11, 12)

#: Models loaded in this process, by (path, size, modification time).
_LOADED: dict[tuple[str, int, int], Any] = {}


def check_model_file(path: str) -> None:
    """Raise ``ValueError`` unless ``path`` is a readable fastText model file.

    >>> check_model_file("/no/such/model.bin")
    Traceback (most recent call last):
    ...
    ValueError: no such file: /no/such/model.bin
    """
    try:
        with open(path, "rb") as file:
            head = file.read(8)
    except FileNotFoundError:
        raise ValueError(f"no such file: {path}") from None
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror or error}") from None
    magic, version = struct.unpack("<ii", head) if len(head) == 8 else (0, 0)
    if magic != MAGIC or version not in VERSIONS:
        raise ValueError(f"{path} is not a fastText model file (.bin)")


def loaded(path: str) -> Any:
    """The fastText model in ``path``, loaded once in this process (again if the file
    changed: the cache key holds its size and modification time)."""
    status = os.stat(path)
    key = (os.path.abspath(path), status.st_size, status.st_mtime_ns)
    if key not in _LOADED:
        fasttext = require("fasttext", "quality-model", "quality_model:")
        for old in [k for k in _LOADED if k[0] == key[0]]:
            del _LOADED[old]
        _LOADED[key] = fasttext.load_model(path)
    return _LOADED[key]


def one_line(text: str) -> str:
    """``text`` as the one line fastText reads: every line break a space.

    >>> one_line("A title\\n\\nA paragraph.\\r\\nMore.")
    'A title  A paragraph.  More.'
    """
    return text.replace("\r", " ").replace("\n", " ")


@dataclass(frozen=True)
class QualityModel:
    """Step ``quality_model``: the probability a fastText classifier (``model``, a
    ``.bin`` file) gives ``label``, in ``meta[field]``; below ``threshold`` (if given),
    the page is rejected ``low_score``.

    ``label`` is written with or without fastText's ``__label__`` prefix (``hq``).
    """

    model: Path
    label: str = "hq"
    #: None: only record the score. DCLM kept the top 10% of pages by its classifier's
    #: score; a probability threshold depends on the model, so there is no default:
    #: look at the scores of a sample (``annotate`` first, without one) and choose.
    threshold: float | None = None
    field: str = "quality_score"
    name = "quality_model"

    def __post_init__(self) -> None:
        object.__setattr__(self, "model", Path(self.model))  # a str from Python or a flag
        try:
            check_model_file(str(self.model))
        except ValueError as error:
            raise ValueError(f"model: {error}") from None
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold: a probability, 0 to 1, not {self.threshold}")
        if not self.field:
            raise ValueError("field: a meta key is needed")
        object.__setattr__(self, "label", self.label.removeprefix("__label__"))

    @property
    def config(self) -> dict[str, Any]:
        """The settings, and the model file's size and modification time: a model
        replaced between two runs makes them different runs."""
        status = os.stat(self.model)
        return {
            "model": f"{Path(self.model).name}#{status.st_size}:{status.st_mtime_ns}",
            "label": self.label,
            "threshold": self.threshold,
            "field": self.field,
        }

    def score(self, text: str) -> float:
        """The probability the model gives ``label`` for ``text``."""
        model = loaded(str(self.model))
        wanted = "__label__" + self.label
        predictions = model.f.predict(one_line(text) + "\n", -1, 0.0, "replace")
        for probability, label in predictions:
            if label == wanted:
                return min(max(float(probability), 0.0), 1.0)
        labels = ", ".join(sorted(label for _, label in predictions))
        raise ValueError(f"the model has no label {wanted!r} (its labels: {labels})")

    def __call__(self, doc: Document) -> Document | Drop:
        score = self.score(doc.text)
        shown = round(score, 4)
        if self.threshold is not None and score < self.threshold:
            return doc.drop("low_score", f"score {shown} < {self.threshold}")
        return set_fields(doc, self.name, {self.field: shown})
