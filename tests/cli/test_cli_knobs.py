"""The knobs users reach for, through the real command line on real pages and files:
user step modules beside the recipe or in the current folder, class steps that reject
with ``doc.drop``, quality filter thresholds in a recipe, and junk rules of a user's own.

User modules are run in a fresh process started with ``python -I``: no ``PYTHONPATH``
and no current folder on ``sys.path``, as a ``corpuskit`` installed as a command has."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

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


SEED = FIXTURES / "pages" / "000_65b90cb01bb8e496.txt"

#: A user's junk rules for the seed page: a byline and a dateline of that site, and a
#: phrase added to a shipped rule.
MY_JUNK = r"""
[rules.our_byline]
description = "The site's byline for staff reports."
phrases.en = ["By Our Correspondent"]

[rules.date_line]
description = "The date above every article of the site."
patterns.en = [
  '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday), \d{1,2} \w+ \d{4}',
]

[rules.site_chrome]
phrases.en = ["Comment / Reply From"]
"""

JUNK_RECIPE = """
[[steps]]
step = "normalize_whitespace"

[[steps]]
step = "junk_lines"
extra_rules = "my_junk.toml"

[[steps]]
step = "drop_empty"
"""


def junk_setup(tmp_path: Path, rules: str = MY_JUNK) -> tuple[Path, Path]:
    """A recipe with ``rules`` beside it, in ``recipes/``, and a separate work folder."""
    recipes, work = tmp_path / "recipes", tmp_path / "work"
    recipes.mkdir(exist_ok=True), work.mkdir(exist_ok=True)
    (recipes / "my_junk.toml").write_text(rules, encoding="utf-8")
    path = recipes / "junk.toml"
    path.write_text(JUNK_RECIPE, encoding="utf-8")
    return path, work


def test_user_junk_rules_remove_lines_under_their_names(tmp_path: Path) -> None:
    path, work = junk_setup(tmp_path)
    args = ["clean", str(SEED), "-o", "c.jsonl", "-q", "--audit", "--recipe", str(path)]
    done = corpuskit(*args, cwd=work)
    assert done.returncode == 0, done.stderr
    [record] = records(work / "c.jsonl")
    [edit] = [e for e in record["provenance"]["edits"] if e["step"] == "junk_lines"]  # type: ignore[union-attr, index]
    assert edit["removed"] == {
        "advertisement": 8,
        "date_line": 1,
        "our_byline": 1,
        "site_chrome": 3,
    }
    removed = {(line["text"], line["rule"]) for line in edit["lines"]}
    assert ("Wednesday, 04 February 2026", "date_line") in removed
    assert ("By Our Correspondent", "our_byline") in removed  # normalize_whitespace trimmed it
    assert ("Comment / Reply From", "site_chrome") in removed
    explained = corpuskit("explain", str(SEED), "--recipe", str(path), cwd=work)
    assert explained.returncode == 0, explained.stderr
    assert "junk_lines:our_byline" in explained.stdout
    checked = corpuskit("recipe", "check", str(path), cwd=work)
    assert checked.returncode == 0, checked.stderr
    mine = path.parent.resolve() / "my_junk.toml"
    assert f"rule our_byline: 1 phrases, 0 patterns (from {mine})" in checked.stdout
    assert f"rule date_line: 0 phrases, 1 patterns (from {mine})" in checked.stdout
    listed = corpuskit("steps", cwd=work)
    junk = listed.stdout.split("\njunk_lines")[1].split("\nlift_metadata")[0]
    assert "- extra_rules: path | None = None  (a TOML file of junk rules" in junk


def test_user_junk_rules_change_the_config_hash(tmp_path: Path) -> None:
    path, work = junk_setup(tmp_path)
    plain = path.parent / "plain.toml"
    plain.write_text(JUNK_RECIPE.replace('extra_rules = "my_junk.toml"\n', ""), encoding="utf-8")
    hashes = []
    for recipe_path in (plain, path):
        checked = corpuskit("recipe", "check", str(recipe_path), cwd=work)
        hashes.append(checked.stdout.split("config ")[1].split()[0])
    assert hashes[0] != hashes[1]


BAD_JUNK = {
    "backtracking pattern": (
        "[rules.paywall]\npatterns.en = [\n  'subscribe',\n  '(?:\\w+ ?)+ only',\n]\n",
        4,
        "rule 'paywall', pattern '(?:\\\\w+ ?)+ only': nested quantifiers",
    ),
    "quadratic pattern": (
        "[rules.paywall]\npatterns.en = ['\\d+ ?\\d+ readers']\n",
        2,
        "rule 'paywall', pattern '\\\\d+ ?\\\\d+ readers': could take quadratic time or worse",
    ),
    "backreference": (
        "[rules.echo]\npatterns.en = ['(\\w+) \\1']\n",
        2,
        "rule 'echo', pattern '(\\\\w+) \\\\1': a backreference (\\1) can take exponential time",
    ),
    "not a regex": (
        "[rules.paywall]\npatterns.en = ['(subscribe']\n",
        2,
        "rule 'paywall', pattern '(subscribe': not a regular expression: missing ), unterminated",
    ),
    "unknown key": (
        "[rules.paywall]\nphrase.en = ['Subscribe to read']\n",
        2,
        "rule 'paywall': unknown key 'phrase' (did you mean 'phrases'?)",
    ),
    "rule name": ("[rules.Pay-Wall]\nphrases.en = ['x']\n", 1, "rule name 'Pay-Wall':"),
    "bad TOML": ("[rules.paywall]\nphrases.en 'x'\n", 2, "invalid TOML: Expected '=' after a key"),
    "shipped flag": (
        "[rules.advertisement]\nblock = true\nphrases.en = ['Anzeige:']\n",
        2,
        "rule 'advertisement' is a shipped rule with block = false",
    ),
    "only isolated": (
        "[rules.lone_share]\nisolated = true\npatterns.all = ['\\d+ ?%']\n",
        None,
        "only isolated rules for junk_lines: give the file to isolated_lines",
    ),
}


@pytest.mark.parametrize("text, line, message", BAD_JUNK.values(), ids=BAD_JUNK)
def test_user_junk_rules_are_checked_at_load_time(
    tmp_path: Path, text: str, line: int | None, message: str
) -> None:
    path, work = junk_setup(tmp_path, text)
    mine = path.parent.resolve() / "my_junk.toml"
    where = f"{mine}:{line}" if line else str(mine)
    for args in (
        ["recipe", "check", str(path)],
        ["clean", str(SEED), "-o", "c.jsonl", "-r", str(path)],
    ):
        done = corpuskit(*args, cwd=work)
        assert done.returncode == 2
        start = f"error: {path}:7: step 'junk_lines': extra_rules: {where}: {message}"
        assert done.stderr.startswith(start), done.stderr
        assert done.stderr.count("\n") == 1
    assert not (work / "c.jsonl").exists()


ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("page", ["README.md", "docs/steps.md"])
def test_the_documented_junk_rules_run(tmp_path: Path, page: str) -> None:
    """The junk rules file the README and docs/steps.md show, as written there, removes
    the seed page's byline and dateline under their names."""
    text = (ROOT / page).read_text(encoding="utf-8")
    [shown] = [
        block
        for block in re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL)
        if "[rules.our_byline]" in block
    ]
    path, work = junk_setup(tmp_path, shown)
    done = corpuskit("clean", str(SEED), "-o", "c.jsonl", "-q", "--recipe", str(path), cwd=work)
    assert done.returncode == 0, done.stderr
    [record] = records(work / "c.jsonl")
    [edit] = [e for e in record["provenance"]["edits"] if e["step"] == "junk_lines"]  # type: ignore[union-attr, index]
    assert {"our_byline": 1, "date_line": 1}.items() <= edit["removed"].items()


def classified_text(work: Path, *args: str) -> str:
    """The seed page cleaned with ``args`` (in ``work``): its text."""
    done = corpuskit("clean", str(SEED), "-o", "c.jsonl", "-q", *args, cwd=work)
    assert done.returncode == 0, done.stderr
    [record] = records(work / "c.jsonl")
    return str(record["text"])


def test_precision_and_recall_presets(tmp_path: Path) -> None:
    """--precision removes what the default removes and more, --recall less; a recipe
    says the same with its options or the step's parameter."""
    lines = {
        favor: set(classified_text(tmp_path, *flags).split("\n"))
        for favor, flags in [
            ("balanced", ()),
            ("precision", ("--precision",)),
            ("recall", ("--recall",)),
        ]
    }
    assert lines["precision"] < lines["balanced"] <= lines["recall"]
    steps = corpuskit("recipe", "show", "default", cwd=tmp_path).stdout
    as_option = tmp_path / "option.toml"
    as_option.write_text(steps.replace("\n[options]\n", '\n[options]\nfavor = "precision"\n'))
    as_step = tmp_path / "step.toml"
    step_table = '[[steps]]\nstep = "classify_lines"\n'
    assert step_table in steps
    as_step.write_text(steps.replace(step_table, f'{step_table}favor = "precision"\n'), "utf-8")
    for recipe_path in (as_option, as_step):
        text = classified_text(tmp_path, "--recipe", str(recipe_path))
        assert set(text.split("\n")) == lines["precision"]
    listed = corpuskit("steps", cwd=tmp_path).stdout
    classify = listed.split("\nclassify_lines")[1].split("\njoin_lines")[0]
    assert "- threshold: float | None = None" in classify
    assert "- favor: 'balanced' | 'precision' | 'recall' = 'balanced'" in classify


@pytest.mark.parametrize(
    "recipe_text, message",
    [
        ('[[steps]]\nstep = "drop_empty"\n', "the recipe has no classify_lines step"),
        (
            '[[steps]]\nstep = "classify_lines"\nthreshold = 0.5\n',
            "threshold: give a threshold or favor a side, not both",
        ),
    ],
)
def test_a_preset_the_recipe_cannot_take_is_one_error(
    tmp_path: Path, recipe_text: str, message: str
) -> None:
    path = tmp_path / "r.toml"
    path.write_text(recipe_text, encoding="utf-8")
    done = corpuskit("clean", str(SEED), "-o", "c.jsonl", "--recall", "-r", str(path), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("error: --precision/--recall: "), done.stderr
    assert message in done.stderr and done.stderr.count("\n") == 1
    assert not (tmp_path / "c.jsonl").exists()


def test_isolated_user_rules_go_to_isolated_lines(tmp_path: Path) -> None:
    """A file's ``isolated = true`` rule removes a line only with blank lines around it."""
    rules = "[rules.lone_share]\nisolated = true\npatterns.all = ['\\d+ ?%']\n"
    path, work = junk_setup(tmp_path, rules)
    path.write_text(
        JUNK_RECIPE.replace('step = "junk_lines"', 'step = "isolated_lines"'), encoding="utf-8"
    )
    page = work / "page.txt"
    page.write_text(
        "A sentence of the article, long enough to be prose.\n\n42%\n\n"
        "Another sentence of it.\n87 %\nThe last one, beside a share.\n",
        encoding="utf-8",
    )
    done = corpuskit("clean", str(page), "-o", "c.jsonl", "-q", "--recipe", str(path), cwd=work)
    assert done.returncode == 0, done.stderr
    [record] = records(work / "c.jsonl")
    assert "42%" not in str(record["text"]) and "87 %" in str(record["text"])
    [edit] = [e for e in record["provenance"]["edits"] if e["step"] == "isolated_lines"]  # type: ignore[union-attr, index]
    assert edit["removed"] == {"lone_share": 1}
