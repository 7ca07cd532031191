"""Recipes and configuration on the command line, on real pages and files: the round
trip of the default recipe, edited recipes, user steps, errors, option precedence,
logging, completion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpuskit.cli import app
from corpuskit.recipes import builtin_steps
from tests.conftest import FIXTURES, ROOT, bench_pages, needs_bench
from tests.recipes.test_recipes import USER_STEPS

runner = CliRunner()
PAGES = str(FIXTURES / "pages")


def records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def default_recipe(tmp_path: Path) -> Path:
    shown = runner.invoke(app, ["recipe", "show", "default"])
    assert shown.exit_code == 0, shown.output
    path = tmp_path / "default.toml"
    path.write_text(shown.stdout, encoding="utf-8")
    return path


def clean(tmp_path: Path, name: str, *args: str, inputs: list[str] | None = None) -> Path:
    out = tmp_path / f"{name}.jsonl"
    result = runner.invoke(app, ["clean", *(inputs or [PAGES]), "-o", str(out), "-q", *args])
    assert result.exit_code in (0, 1), result.output
    return out


def some_bench_pages() -> list[str]:
    """Three text and three HTML traf-dev pages; skips the test without traf-dev."""
    return [str(p) for p in bench_pages("0[01]*.txt")[:3] + bench_pages("0[01]*.html.gz")[:3]]


@pytest.mark.parametrize(
    "bench", [False, pytest.param(True, marks=needs_bench)], ids=["seeds", "seeds+traf-dev"]
)
def test_default_recipe_round_trip_is_byte_identical(
    tmp_path: Path, default_recipe: Path, bench: bool
) -> None:
    bench_inputs = some_bench_pages() if bench else []
    inputs = [PAGES, *bench_inputs]
    plain = clean(tmp_path, "plain", "--workers", "1", inputs=inputs)
    recipe = clean(
        tmp_path, "recipe", "--workers", "1", "--recipe", str(default_recipe), inputs=inputs
    )
    assert plain.read_bytes() == recipe.read_bytes()
    assert len(records(plain)) >= 2 + len(bench_inputs) // 2


def test_edited_recipe_changes_the_output_as_written(tmp_path: Path, default_recipe: Path) -> None:
    text = default_recipe.read_text(encoding="utf-8")
    edited = tmp_path / "edited.toml"
    edited.write_text(
        text.replace('quotes = "keep"', 'quotes = "ascii"')
        .replace('[[steps]]\nstep = "classify_lines"\n', "")
        .replace('step = "junk_lines"', 'step = "collapse_blank_lines"', 1)
        .replace('step = "collapse_blank_lines"\n\n# 11', 'step = "junk_lines"\n\n# 11'),
        encoding="utf-8",
    )
    manifest = tmp_path / "run.json"
    plain = records(clean(tmp_path, "plain"))
    ours = records(clean(tmp_path, "ours", "--recipe", str(edited), "--manifest", str(manifest)))
    names = [step["step"] for step in json.loads(manifest.read_text())["pipeline"]]
    assert "classify_lines" not in names
    assert names.index("collapse_blank_lines") < names.index("lift_metadata")
    assert names[-3:] == ["junk_lines", "drop_empty", "exact_duplicates"]  # dedup: a run's
    for mine, theirs in zip(ours, plain, strict=True):
        assert "’" in str(theirs["text"]) and "’" not in str(mine["text"])
        steps = [edit["step"] for edit in mine["provenance"]["edits"]]  # type: ignore[index]
        assert "classify_lines" not in steps
        assert len(str(mine["text"])) > len(str(theirs["text"]))  # the furniture stays
    # a flag beats the recipe's step parameter
    flagged = records(clean(tmp_path, "flagged", "--recipe", str(edited), "--quotes", "keep"))
    assert all("’" in str(record["text"]) for record in flagged)


def test_user_steps_run_and_show_in_provenance(tmp_path: Path) -> None:
    (tmp_path / "mysteps.py").write_text(USER_STEPS.replace("recipe_user_steps", "mysteps"))
    recipe = tmp_path / "user.toml"
    recipe.write_text(
        '[[steps]]\nstep = "fix_encoding"\n\n[[steps]]\nstep = "mysteps:tag"\n\n'
        '[[steps]]\nstep = "mysteps:is_short"\nadapter = "drop_lines_if"\nname = "short_lines"\n'
        '\n[[steps]]\nstep = "mysteps:MinWords"\nmin_words = 100000\n',
        encoding="utf-8",
    )
    out, manifest = tmp_path / "c.jsonl", tmp_path / "run.json"
    page = str(FIXTURES / "pages" / "004_e49c3928493beb6e.txt")
    args = ["clean", page, "-o", str(out), "--recipe", str(recipe), "--manifest", str(manifest)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-m", "corpuskit", *args, "-q"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr  # MinWords rejects the page: a user's reason
    [reject] = records(tmp_path / "c.rejects.jsonl")
    assert (reject["step"], reject["reason"]) == ("min_words", "too_few_words")
    pipeline = json.loads(manifest.read_text())["pipeline"]
    assert [(s["step"], s["origin"]) for s in pipeline[1:]] == [
        ("tag", "mysteps:tag"),
        ("short_lines", "mysteps:is_short"),
        ("min_words", "mysteps:MinWords"),
        ("exact_duplicates", "corpuskit.filters.duplicates:ExactDuplicates"),  # every run's
    ]
    assert pipeline[3]["config"] == {"min_words": 100000}
    recipe.write_text(recipe.read_text().replace("100000", "3"))
    done = subprocess.run([sys.executable, "-m", "corpuskit", *args, "-q"], env=env, text=True)
    assert done.returncode == 0
    [record] = records(out)
    edits = {edit["step"]: edit for edit in record["provenance"]["edits"]}  # type: ignore[index]
    assert record["meta"] == {"tagged": True}
    assert edits["tag"]["fields"] == ["tagged"]
    assert edits["short_lines"]["removed"]["short_lines"] >= 1


def test_recipe_check_says_what_it_imports_before_importing_it(tmp_path: Path) -> None:
    """A recipe is code: ``recipe check`` names the modules, then loading imports (runs)
    them, which the module's own print shows coming second."""
    (tmp_path / "loud_steps.py").write_text(
        USER_STEPS.replace("recipe_user_steps", "loud_steps") + '\nprint("loud_steps ran")\n'
    )
    recipe = tmp_path / "code.toml"
    recipe.write_text(
        '[[steps]]\nstep = "loud_steps:tag"\n\n'
        '[[steps]]\nstep = "os:getcwd"\nadapter = "annotator"\nname = "cwd"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    command = [sys.executable, "-m", "corpuskit", "recipe", "check", str(recipe)]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:3] == ["imports: loud_steps, os", "loud_steps ran", lines[2]]
    assert lines[2].startswith(f"{recipe}: 2 steps, config ")
    recipe.write_text('[[steps]]\nstep = "no_such_steps:tag"\n', encoding="utf-8")
    missing = runner.invoke(app, ["recipe", "check", str(recipe)])
    assert missing.exit_code == 2 and missing.stdout == "imports: no_such_steps\n"
    assert "cannot import 'no_such_steps'" in missing.stderr
    builtin = runner.invoke(app, ["recipe", "check", "default"])
    assert "imports" not in builtin.stdout


BAD_RECIPES = {
    "unknown step": ('[[steps]]\nstep = "fix_encodings"\n', "bad.toml:2: unknown step"),
    "unknown parameter": (
        '[[steps]]\nstep = "repeated_lines"\n\nmin_page = 3\n',
        "bad.toml:4: step 'repeated_lines' has no parameter 'min_page' (did you mean",
    ),
    "wrong type": ('[[steps]]\nstep = "too_short"\nmode = 1\n', "bad.toml:3: step 'too_short'"),
    "bad syntax": ('[[steps]\nstep = "drop_empty"\n', "bad.toml:1: invalid TOML"),
    "missing module": ('[[steps]]\nstep = "nowhere:step"\n', "bad.toml:2: cannot import"),
    "bad option": ('[options]\nworkers = "two"\n[[steps]]\nstep = "drop_empty"\n', "bad.toml:2:"),
}


@pytest.mark.parametrize("text, start", BAD_RECIPES.values(), ids=BAD_RECIPES)
def test_recipe_errors_are_one_line_with_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, start: str
) -> None:
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for args in (
        ["clean", PAGES, "-o", "c.jsonl", "--recipe", "bad.toml"],
        ["recipe", "check", "bad.toml"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"error: {start}"), result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "c.jsonl").exists()


def test_precedence_flag_over_environment_over_recipe(tmp_path: Path) -> None:
    page = (FIXTURES / "pages" / "000_65b90cb01bb8e496.txt").read_text(encoding="utf-8")
    for name in ("a.txt", "b.txt"):  # the same page twice: exact_duplicates drops one
        (tmp_path / name).write_text(page, encoding="utf-8")
    recipe = tmp_path / "r.toml"
    default = runner.invoke(app, ["recipe", "show", "default"]).stdout
    recipe.write_text(
        default.replace('dedup = "exact"', 'dedup = "exact"\naudit = true\nworkers = 1'),
        encoding="utf-8",
    )
    inputs = [str(tmp_path / "*.txt")]

    def run(*args: str, **env: str) -> tuple[int, bool]:
        out = tmp_path / "out.jsonl"
        result = runner.invoke(
            app, ["clean", *inputs, "-o", str(out), "-q", "--recipe", str(recipe), *args], env=env
        )
        assert result.exit_code in (0, 1), result.output
        written = records(out)
        edits = [e for r in written for e in r["provenance"]["edits"]]  # type: ignore[union-attr]
        return len(written), any("lines" in edit for edit in edits)

    assert run() == (1, True)  # the recipe: dedup exact, audit
    assert run(CORPUSKIT_DEDUP="off", CORPUSKIT_AUDIT="0") == (2, False)  # environment
    assert run("--dedup", "exact", "--audit", CORPUSKIT_DEDUP="off", CORPUSKIT_AUDIT="0") == (
        1,
        True,
    )  # flags


def test_verbose_logs_sources_and_inputs_on_stderr_only(tmp_path: Path) -> None:
    page = str(FIXTURES / "pages" / "004_e49c3928493beb6e.txt")
    result = runner.invoke(
        app, ["clean", page, "-o", "-", "-v", "--dedup", "exact"], env={"CORPUSKIT_WORKERS": "1"}
    )
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in result.stdout.splitlines()]  # JSON only
    assert record["text"]
    log = result.stderr
    assert "corpuskit: option dedup = 'exact' (from the flag)" in log
    assert "corpuskit: option workers = 1 (from the environment)" in log
    assert "corpuskit: pipeline (config " in log and "exact_duplicates" in log
    assert f"corpuskit: input 1 done: {page}: pages 1, rejected 0" in log
    quiet = runner.invoke(app, ["clean", page, "-o", "-", "-q"])
    assert quiet.stderr == "" and quiet.stdout
    both = runner.invoke(app, ["clean", page, "-o", "-", "-q", "-v"])
    assert both.exit_code == 2 and both.stderr == "error: --quiet or --verbose, not both\n"


def test_steps_lists_every_registered_step() -> None:
    result = runner.invoke(app, ["steps"])
    assert result.exit_code == 0, result.output
    listed = [line.split()[0] for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert listed == list(builtin_steps())
    for name in (
        "too_short",
        "repetition",
        "exact_duplicates",
        "near_duplicates",
        "select_language",
    ):
        assert name in listed
    assert "repeated_lines  [default, corpus step]" in result.stdout
    assert "    - threshold: float = 0.7" in result.stdout
    assert "    - languages: list[str]" in result.stdout


def test_recipe_show_and_check() -> None:
    shown = runner.invoke(app, ["recipe", "show", "default"])
    assert shown.stdout == (ROOT / "corpuskit/data/recipes/default.toml").read_text("utf-8")
    checked = runner.invoke(app, ["recipe", "check", "default"])
    assert checked.exit_code == 0 and checked.stdout.startswith("default.toml: 15 steps, config ")
    missing = runner.invoke(app, ["recipe", "show", "nope.toml"])
    assert missing.exit_code == 2 and missing.stderr.startswith(
        "error: cannot read recipe nope.toml"
    )


def test_explain_with_a_recipe(tmp_path: Path, default_recipe: Path) -> None:
    page = str(FIXTURES / "pages" / "004_e49c3928493beb6e.txt")
    plain = runner.invoke(app, ["explain", page])
    recipe = runner.invoke(app, ["explain", page, "--recipe", "default"])
    assert recipe.exit_code == 0 and recipe.stdout == plain.stdout
    # A recipe without junk_lines: explain must follow it, not the default pipeline.
    without = tmp_path / "without.toml"
    text = default_recipe.read_text(encoding="utf-8")
    without.write_text(text.replace('[[steps]]\nstep = "junk_lines"\n', ""), encoding="utf-8")
    edited = runner.invoke(app, ["explain", page, "--recipe", str(without)])
    assert edited.exit_code == 0, edited.output
    assert "junk_lines:" in plain.stdout and "junk_lines:" not in edited.stdout


def test_version_and_shell_completion() -> None:
    assert runner.invoke(app, ["--version"]).stdout.startswith("corpuskit ")
    script = runner.invoke(app, ["--show-completion", "bash"], prog_name="corpuskit")
    assert script.exit_code == 0
    assert "complete -o default -F _corpuskit_completion corpuskit" in script.stdout
    env = {"_CORPUSKIT_COMPLETE": "complete_bash", "COMP_WORDS": "corpuskit cle", "COMP_CWORD": "1"}
    completed = runner.invoke(app, [], prog_name="corpuskit", env=env)
    assert completed.stdout.split() == ["clean"]


def test_clean_help_documents_the_precedence() -> None:
    shown = runner.invoke(app, ["clean", "--help"], env={"COLUMNS": "200"}).stdout
    assert "first to last: its flag, the environment variable CORPUSKIT_<OPTION>" in shown
    assert "the recipe's options table, the built-in default." in shown
    assert "CORPUSKIT_WORKERS" in shown and "--recipe" in shown
