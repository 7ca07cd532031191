"""Type stub of the compiled ``corpuskit._detector_kernel`` (``_detector_kernel.c``)."""

from collections.abc import Container
from typing import Any

def sample(
    matrix: Any,  # a C-contiguous 2-D buffer of float64: one row per n-gram
    rows: list[int],
    initial: list[float],
    n_trial: int,
    alpha: float,
    alpha_width: float,
    base_freq: float,
    iteration_limit: int,
    conv_threshold: float,
    state: tuple[Any, ...],
    /,
) -> list[float]:
    """langdetect's sampling: the trials' averaged probabilities, one per column."""

def ngrams(chunk: str, known: Container[str], /) -> list[str]:
    """The n-grams of ``chunk`` that ``known`` holds, as ``FastDetector._ngrams`` finds them."""
