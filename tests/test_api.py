"""The public API: exactly what __all__ says, typed, documented."""

from __future__ import annotations

import inspect
from pathlib import Path

import corpuskit
from corpuskit.pipeline import step_name


def test_all_is_exact() -> None:
    public = {name for name in dir(corpuskit) if not name.startswith("_")}
    modules = {name for name in public if inspect.ismodule(getattr(corpuskit, name))}
    assert set(corpuskit.__all__) == (public - modules) | {"__version__"}
    assert corpuskit.__all__ == sorted(corpuskit.__all__, key=lambda n: (not n.isupper(), n))


def test_every_public_name_and_default_step_is_documented() -> None:
    for name in corpuskit.__all__:
        value = getattr(corpuskit, name)
        if callable(value) and not name.isupper() and name != "Step":
            assert inspect.getdoc(value), name
    for step in corpuskit.default_pipeline().steps:
        doc = inspect.getdoc(getattr(step, "function", step))
        assert doc and len(doc) > 20, step_name(step)


def test_default_step_names_are_stable() -> None:
    assert corpuskit.default_pipeline().names == (
        "fix_encoding",
        "remove_control_chars",
        "normalize_unicode",
        "normalize_whitespace",
        "normalize_punctuation",
        "comment_lines",
        "junk_lines",
        "lift_metadata",
        "repeated_lines",
        "detect_language",
        "classify_lines",
        "join_lines",
        "isolated_lines",
        "collapse_blank_lines",
        "drop_empty",
    )


def test_clean_text_rejects_with_reason() -> None:
    try:
        corpuskit.clean_text("Logo\n\nMenu")
    except corpuskit.DocumentRejected as error:
        assert (error.drop.step, error.drop.reason) == ("drop_empty", "empty")
    else:
        raise AssertionError("an empty page must be rejected")


def test_py_typed_ships() -> None:
    package = Path(inspect.getfile(corpuskit)).parent
    assert (package / "py.typed").is_file()
