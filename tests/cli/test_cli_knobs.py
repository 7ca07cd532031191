"""The knobs users reach for, through the real command line on real pages and files:
user step modules beside the recipe or in the current folder, class steps that reject
with ``doc.drop``, quality filter thresholds in a recipe, and junk rules of a user's own.

User modules are run in a fresh process started with ``python -I``: no ``PYTHONPATH``
and no current folder on ``sys.path``, as a ``corpuskit`` installed as a command has."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES

PAGE = FIXTURES / "pages" / "004_e49c3928493beb6e.txt"

#: A module of user steps; ``{tag}`` tells apart copies of it in different folders.
STEPS = '''
from dataclasses import dataclass

from corpuskit import Document, Drop, set_fields


def tag(doc: Document) -> Document:
    """Say which copy of this module ran."""
    return set_fields(doc, "tag", {{"from": "{tag}"}})


@dataclass(frozen=True)
class MinWords:
    """Reject a page of fewer than ``min_words`` words."""

    min_words: int = 5
    name = "min_words"

    def __call__(self, doc: Document) -> Document | Drop:
        words = len(doc.text.split())
        if words >= self.min_words:
            return doc
        return doc.drop("too_few_words", f"{{words}} words < {{self.min_words}}")
'''


def corpuskit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``corpuskit ARGS`` in ``cwd``, in an isolated interpreter (``-I``: no
    ``PYTHONPATH``, no current folder on ``sys.path``)."""
    command = [sys.executable, "-I", "-m", "corpuskit", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def recipe(folder: Path, module: str, min_words: int = 5) -> Path:
    path = folder / "user.toml"
    path.write_text(
        f'[[steps]]\nstep = "{module}:tag"\n\n'
        f'[[steps]]\nstep = "{module}:MinWords"\nmin_words = {min_words}\n',
        encoding="utf-8",
    )
    return path


def test_a_module_beside_the_recipe_needs_no_pythonpath(tmp_path: Path) -> None:
    recipes, work = tmp_path / "recipes", tmp_path / "work"
    recipes.mkdir(), work.mkdir()
    (recipes / "beside.py").write_text(STEPS.format(tag="recipe folder"), encoding="utf-8")
    path = recipe(recipes, "beside")
    done = corpuskit("clean", str(PAGE), "-o", "c.jsonl", "-q", "--recipe", str(path), cwd=work)
    assert done.returncode == 0, done.stderr
    [record] = records(work / "c.jsonl")
    assert record["meta"] == {"from": "recipe folder"}
    checked = corpuskit("recipe", "check", str(path), cwd=work)
    assert checked.returncode == 0, checked.stderr
    assert "tag  (beside:tag)" in checked.stdout
    assert "min_words  (beside:MinWords)" in checked.stdout


def test_a_class_step_rejects_with_doc_drop_named_after_the_step(tmp_path: Path) -> None:
    (tmp_path / "dropping.py").write_text(STEPS.format(tag="here"), encoding="utf-8")
    path = recipe(tmp_path, "dropping", min_words=100_000)
    done = corpuskit("clean", str(PAGE), "-o", "c.jsonl", "-q", "--recipe", str(path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [reject] = records(tmp_path / "c.rejects.jsonl")
    words = len(str(reject["text"]).split())
    assert (reject["step"], reject["reason"]) == ("min_words", "too_few_words")
    assert reject["detail"] == f"{words} words < 100000"


def test_the_current_folder_is_searched_after_the_recipes(tmp_path: Path) -> None:
    recipes, work = tmp_path / "recipes", tmp_path / "work"
    recipes.mkdir(), work.mkdir()
    (work / "here_only.py").write_text(STEPS.format(tag="current folder"), encoding="utf-8")
    (work / "both.py").write_text(STEPS.format(tag="current folder"), encoding="utf-8")
    (recipes / "both.py").write_text(STEPS.format(tag="recipe folder"), encoding="utf-8")
    for module, expected in (("here_only", "current folder"), ("both", "recipe folder")):
        path = recipe(recipes, module)
        done = corpuskit("clean", str(PAGE), "-o", "c.jsonl", "-q", "--recipe", str(path), cwd=work)
        assert done.returncode == 0, done.stderr
        [record] = records(work / "c.jsonl")
        assert record["meta"] == {"from": expected}, module


def test_a_missing_module_says_where_it_was_looked_for(tmp_path: Path) -> None:
    recipes, work = tmp_path / "recipes", tmp_path / "work"
    recipes.mkdir(), work.mkdir()
    path = recipe(recipes, "nowhere_steps")
    done = corpuskit("recipe", "check", str(path), cwd=work)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {path}:2: cannot import 'nowhere_steps'")
    assert f"(looked in {recipes.resolve()}, {work.resolve()}, then sys.path)" in done.stderr
    assert done.stderr.count("\n") == 1


def test_a_module_hidden_by_one_imported_already_is_refused(tmp_path: Path) -> None:
    (tmp_path / "json.py").write_text(STEPS.format(tag="json"), encoding="utf-8")
    path = recipe(tmp_path, "json")
    done = corpuskit("recipe", "check", str(path), cwd=tmp_path)
    assert done.returncode == 2
    assert f"{tmp_path.resolve() / 'json.py'} is hidden by the module 'json'" in done.stderr
    assert "rename the file" in done.stderr and done.stderr.count("\n") == 1


def default_recipe_with(tmp_path: Path, extra: str) -> Path:
    """The shipped default recipe with ``extra`` (TOML) appended, as a file."""
    shown = corpuskit("recipe", "show", "default", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    path = tmp_path / "r.toml"
    path.write_text(shown.stdout + extra, encoding="utf-8")
    return path


def test_quality_thresholds_are_recipe_parameters(tmp_path: Path) -> None:
    path = default_recipe_with(tmp_path, '\n[[steps]]\nstep = "too_short"\nmin_words = 5000\n')
    pages = str(FIXTURES / "pages")
    done = corpuskit("clean", pages, "-o", "c.jsonl", "-q", "--recipe", str(path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rejects = records(tmp_path / "c.rejects.jsonl")
    assert len(rejects) == 2 and not records(tmp_path / "c.jsonl")
    for reject in rejects:
        words = str(reject["detail"]).split()[0]
        assert (reject["step"], reject["reason"]) == ("too_short", "too_few_words")
        assert reject["detail"] == f"{words} words < 5000" and int(words) > 50
    # --quality annotate sets the recipe's filter's mode and keeps its threshold
    args = ["clean", pages, "-o", "a.jsonl", "-q", "--recipe", str(path)]
    done = corpuskit(*args, "--quality", "annotate", "--manifest", "m.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    kept = records(tmp_path / "a.jsonl")
    assert len(kept) == 2
    for record in kept:
        quality = record["meta"]["quality"]  # type: ignore[index]
        assert quality["too_short"]["drop_reason"] == "too_few_words"
        assert quality["repetition"]["drop_reason"] is None
    pipeline = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))["pipeline"]
    [too_short] = [step for step in pipeline if step["step"] == "too_short"]
    assert too_short["config"] == {"mode": "annotate", "min_words": 5000}


def test_quality_thresholds_are_checked_at_load_time(tmp_path: Path) -> None:
    table = '\n[[steps]]\nstep = "too_short"\n'
    bad = {
        "min_words = -1": "step 'too_short': min_words must not be negative, not -1",
        "min_words = 200_000": "step 'too_short': min_words 200000 > max_words 100000",
        "min_words = 2.5": "step 'too_short', min_words: expected int, got a float (2.5)",
        "min_word = 20": "step 'too_short' has no parameter 'min_word' (did you mean 'min_words'?)",
    }
    for line, message in bad.items():
        path = default_recipe_with(tmp_path, table + line + "\n")
        at = len(path.read_text(encoding="utf-8").splitlines())  # the parameter's line
        done = corpuskit("recipe", "check", str(path), cwd=tmp_path)
        assert done.returncode == 2, line
        assert done.stderr == f"error: {path}:{at}: {message}\n"
