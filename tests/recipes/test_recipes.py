"""Recipes in the library: the registry, parameter checks, the loader's messages, the
shipped default recipe, and composing dedup, language and quality filters on a recipe."""

from __future__ import annotations

import inspect
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from corpuskit import RecipeError, default_pipeline
from corpuskit.pipeline import Pipeline, step_name
from corpuskit.recipes import builtin_steps, load_recipe, parse_recipe, shipped_recipes
from corpuskit.recipes.compose import remove_near_duplicates, select_languages
from corpuskit.recipes.loader import recipe_imports
from corpuskit.recipes.options import RUN_OPTIONS
from corpuskit.steps.blanks import collapse_blank_lines, drop_empty
from corpuskit.steps.classify.decide import Decision
from corpuskit.steps.classify.step import HTML_DECISION, ClassifyLines
from corpuskit.steps.comments import CommentLines
from corpuskit.steps.junk import IsolatedLines, JunkLines
from corpuskit.steps.language import DetectLanguage
from corpuskit.steps.metadata import LiftMetadata
from corpuskit.steps.near_duplicates import NearDuplicates
from corpuskit.steps.normalize import normalize_steps
from corpuskit.steps.paragraphs import JoinLines
from corpuskit.steps.quality import QUALITY_NAMES, with_quality
from corpuskit.steps.repeated import RepeatedLines
from corpuskit.tomlfile import step_tables

DEFAULT_STEPS = [
    *normalize_steps(),
    CommentLines(),
    JunkLines(),
    LiftMetadata(),
    RepeatedLines(),
    DetectLanguage(),
    ClassifyLines(),
    JoinLines(),
    IsolatedLines(),
    collapse_blank_lines,
    drop_empty,
]


def test_shipped_default_recipe_is_the_pipeline_of_the_steps_own_defaults() -> None:
    # The recipe spells out parameter values; if a default changes in code, this fails
    # until the recipe says the same.
    by_hand = Pipeline(DEFAULT_STEPS)
    recipe = load_recipe("default")
    assert recipe.pipeline.describe() == by_hand.describe()
    assert recipe.pipeline.config_hash() == by_hand.config_hash()
    assert default_pipeline().config_hash() == by_hand.config_hash()
    assert "default" in shipped_recipes()


def test_registry_holds_every_step_of_the_library() -> None:
    registry = builtin_steps()
    expected = {
        *default_pipeline().names,
        *QUALITY_NAMES,
        "select_language",
        "exact_duplicates",
        "near_duplicates",
        "redact_pii",
        "filter_urls",
        "quality_model",
    }
    assert set(registry) == expected
    assert [name for name, spec in registry.items() if spec.corpus] == [
        "repeated_lines",
        "exact_duplicates",
        "near_duplicates",
    ]
    for spec in registry.values():
        assert spec.summary and "\n" not in spec.summary, spec.name


def test_parameters_come_from_the_steps_own_fields() -> None:
    registry = builtin_steps()
    repeated = {p.name: p for p in registry["repeated_lines"].params}
    assert list(repeated) == [
        "min_pages",
        "max_words",
        "long_min_pages",
        "long_share",
        "min_run_pages",
        "scope",
    ]
    assert repeated["scope"].describe() == "scope: 'corpus' | 'site' = 'corpus'"
    # caches and fitted state (compare=False) are not parameters; neither are models
    assert registry["exact_duplicates"].params == ()
    assert [p.name for p in registry["classify_lines"].params] == [
        "threshold",
        "favor",
        "decision",
        "html_decision",
    ]
    assert [p.describe() for p in registry["select_language"].params] == [
        "languages: list[str]",
        "min_score: float = 0.65",
    ]


def test_recipe_builds_parametrized_steps_and_options() -> None:
    recipe = parse_recipe(
        """
        [options]
        dedup = "exact"
        lang = ["en", "de"]
        workers = 1

        [[steps]]
        step = "normalize_punctuation"
        quotes = "ascii"

        [[steps]]
        step = "near_duplicates"
        threshold = 1      # an integer for a float: the same setting as 1.0

        [[steps]]
        step = "select_language"
        languages = ["en"]
        """
    )
    assert recipe.options == {"dedup": "exact", "lang": ("en", "de"), "workers": 1}
    punctuation, near, _ = recipe.pipeline.steps
    assert punctuation.config["quotes"] == "ascii"
    assert near == NearDuplicates(threshold=1.0)
    assert recipe.pipeline.describe()[2]["config"]["languages"] == ["en"]


def test_a_settings_dataclass_is_a_table_of_its_fields() -> None:
    # classify_lines' page-level decision: an inline table or a sub-table, the fields
    # not given at their defaults; the step's config (the manifest's) names every field.
    inline = parse_recipe(
        '[[steps]]\nstep = "classify_lines"\n'
        "decision = {rescue_words = 40, tail_words = 0}\n"
        "html_decision = {rescue_words = 20, context_run = 0}\n"
    )
    sub = parse_recipe(
        '[[steps]]\nstep = "classify_lines"\n\n[steps.decision]\nrescue_words = 40\n'
        "tail_words = 0\n\n[steps.html_decision]\nrescue_words = 20\ncontext_run = 0\n"
    )
    by_hand = ClassifyLines(
        decision=Decision(rescue_words=40, tail_words=0),
        html_decision=Decision(rescue_words=20, context_run=0),
    )
    assert inline.pipeline.steps == sub.pipeline.steps == (by_hand,)
    config = inline.pipeline.describe()[0]["config"]
    assert config["decision"] == {**asdict(Decision()), "rescue_words": 40, "tail_words": 0}
    # html_decision is off by default: a table turns it on, the fields not given at
    # Decision's defaults (HTML_DECISION, the measured one, also sets detached_gap 0)
    assert config["html_decision"] == {**asdict(Decision()), "rescue_words": 20, "context_run": 0}
    assert config["html_decision"] != asdict(HTML_DECISION)
    assert inline.pipeline.config_hash() != Pipeline([ClassifyLines()]).config_hash()


ERRORS = {
    "unknown step": (
        '[[steps]]\nstep = "fix_encoding"\n\n[[steps]]\nstep = "junk_line"\n',
        "my.toml:5: unknown step 'junk_line' (did you mean 'junk_lines'?)",
    ),
    "unknown parameter": (
        '[[steps]]\nstep = "repeated_lines"\n# the pages\nmin_page = 3\n',
        "my.toml:4: step 'repeated_lines' has no parameter 'min_page' (did you mean 'min_pages'?)",
    ),
    "parameter of a step without any": (
        '[[steps]]\nstep = "drop_empty"\nlevel = 3\n',
        "my.toml:3: step 'drop_empty' has no parameter 'level'; it takes none",
    ),
    "wrong type": (
        '[[steps]]\nstep = "repeated_lines"\nmin_pages = "3"\n',
        "my.toml:3: step 'repeated_lines', min_pages: expected int, got a string ('3')",
    ),
    "not a choice": (
        '[[steps]]\nstep = "too_short"\nmode = "annotated"\n',
        "my.toml:3: step 'too_short', mode: expected one of 'drop' | 'annotate', got 'annotated'",
    ),
    "bad syntax": (
        '[[steps]]\nstep = "fix_encoding"\nstep "x"\n',
        "my.toml:3: invalid TOML: Expected '=' after a key in a key/value pair (column 6)",
    ),
    "missing module": (
        '[[steps]]\nstep = "no_such_module:step"\n',
        "my.toml:2: cannot import 'no_such_module' for step 'no_such_module:step': "
        "No module named 'no_such_module'",
    ),
    "missing attribute": (
        '[[steps]]\nstep = "corpuskit.steps.normalize:fix_encodin"\n',
        "my.toml:2: module 'corpuskit.steps.normalize' has no 'fix_encodin' "
        "(did you mean 'fix_encoding'?)",
    ),
    "the step's own check": (
        '[[steps]]\nstep = "near_duplicates"\nthreshold = 2.0\n',
        "my.toml:1: step 'near_duplicates': near_duplicates: threshold in (0, 1]",
    ),
    "required parameter": (
        '[[steps]]\nstep = "select_language"\n',
        "my.toml:2: step 'select_language' needs languages",
    ),
    "a step twice": (
        '[[steps]]\nstep = "drop_empty"\n\n[[steps]]\nstep = "drop_empty"\n',
        "my.toml:4: step 'drop_empty' appears twice",
    ),
    "no step name": ("[[steps]]\nmin_pages = 2\n", 'my.toml:1: a step table needs step = "name"'),
    "no steps": ('[options]\ndedup = "exact"\n', "my.toml: a recipe needs [[steps]]"),
    "unknown option": (
        '[options]\nworker = 2\n\n[[steps]]\nstep = "drop_empty"\n',
        "my.toml:2: unknown option 'worker' (did you mean 'workers'?)",
    ),
    "option not a choice": (
        '[options]\n\ndedup = "fuzzy"\n[[steps]]\nstep = "drop_empty"\n',
        "my.toml:3: option dedup: one of exact, near, off, not 'fuzzy'",
    ),
    "option out of range": (
        '[options]\nworkers = 0\n[[steps]]\nstep = "drop_empty"\n',
        "my.toml:2: option workers: at least 1, not 0",
    ),
    "unknown field of a table": (
        '[[steps]]\nstep = "classify_lines"\ndecision = {rescue_word = 40}\n',
        "my.toml:3: step 'classify_lines', decision: Decision has no field 'rescue_word' "
        "(did you mean 'rescue_words'?)",
    ),
    "wrong type in a table": (
        '[[steps]]\nstep = "classify_lines"\ndecision = {tail_words = "0"}\n',
        "my.toml:3: step 'classify_lines', decision: tail_words: expected int, got a string",
    ),
    "a table's value out of range": (
        '[[steps]]\nstep = "classify_lines"\ndecision = {rescue_share = 1.5}\n',
        "my.toml:3: step 'classify_lines': decision: rescue_share is a share of at most 1",
    ),
    "unknown top-level key": (
        'step = "drop_empty"\n',
        "my.toml:1: unknown key 'step' (did you mean 'steps'?)",
    ),
}


@pytest.mark.parametrize("text, message", ERRORS.values(), ids=ERRORS)
def test_errors_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(RecipeError) as caught:
        parse_recipe(text, "my.toml")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_lines_skip_multiline_strings() -> None:
    text = '[options]\nnote = """\n[[steps]]\nstep = "x"\n"""\n[[steps]]\nstep = "drop_empty"\n'
    [table] = step_tables(text)
    assert (table.line, table.keys) == (6, {"step": 7})


def test_recipe_imports_lists_the_modules_without_importing_them(tmp_path: Path) -> None:
    recipe = tmp_path / "trust.toml"
    recipe.write_text(
        '[[steps]]\nstep = "never_imported_steps:tag"\n\n[[steps]]\nstep = "drop_empty"\n\n'
        '[[steps]]\nstep = "os:system"\nadapter = "normalizer"\n\n'
        '[[steps]]\nstep = "never_imported_steps:MinWords"\n',
        encoding="utf-8",
    )
    assert recipe_imports(str(recipe)) == ["never_imported_steps", "os"]
    assert "never_imported_steps" not in sys.modules
    assert recipe_imports("default") == []
    recipe.write_text("[[steps]\nstep =", encoding="utf-8")
    with pytest.raises(RecipeError, match=r"trust\.toml:1: invalid TOML"):
        recipe_imports(str(recipe))


def test_user_steps_by_module_and_attribute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "recipe_user_steps.py").write_text(USER_STEPS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    recipe = parse_recipe(
        """
        [[steps]]
        step = "recipe_user_steps:tag"

        [[steps]]
        step = "recipe_user_steps:MinWords"
        min_words = 3

        [[steps]]
        step = "recipe_user_steps:is_short"
        adapter = "drop_lines_if"
        name = "short_lines"
        """
    )
    assert recipe.pipeline.names == ("tag", "min_words", "short_lines")
    described = recipe.pipeline.describe()
    assert [d["origin"] for d in described] == [
        "recipe_user_steps:tag",
        "recipe_user_steps:MinWords",
        "recipe_user_steps:is_short",
    ]
    assert described[1]["config"] == {"min_words": 3}  # a dataclass's settings, hashed
    with pytest.raises(RecipeError, match="step 'recipe_user_steps:MinWords', min_words"):
        parse_recipe('[[steps]]\nstep = "recipe_user_steps:MinWords"\nmin_words = 2.5\n')
    with pytest.raises(RecipeError, match="unknown adapter 'drop_line_if'"):
        parse_recipe('[[steps]]\nstep = "recipe_user_steps:is_short"\nadapter = "drop_line_if"\n')


def test_user_modules_from_the_recipe_folder_leave_sys_path_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    recipes, work = tmp_path / "recipes", tmp_path / "work"
    recipes.mkdir(), work.mkdir()
    (recipes / "folder_steps.py").write_text(USER_STEPS, encoding="utf-8")
    (work / "cwd_steps.py").write_text(USER_STEPS, encoding="utf-8")
    path = recipes / "r.toml"
    path.write_text(
        '[[steps]]\nstep = "folder_steps:tag"\n\n[[steps]]\nstep = "cwd_steps:MinWords"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(work)
    before = list(sys.path)
    assert load_recipe(str(path)).pipeline.names == ("tag", "min_words")
    assert sys.path == before
    assert sys.modules["folder_steps"].__file__ == str((recipes / "folder_steps.py").resolve())
    text = '[[steps]]\nstep = "folder_steps:tag"\n'  # imported already: Python's module
    assert parse_recipe(text, folder=recipes).pipeline.names == ("tag",)
    (work / "folder_steps.py").write_text(USER_STEPS, encoding="utf-8")
    with pytest.raises(RecipeError, match=r"folder_steps.py is hidden by the module"):
        parse_recipe(text)  # the current folder's copy would not be the one imported
    assert sys.path == before
    broken = recipes / "broken_steps.py"
    broken.write_text("import not_a_module_anywhere\n", encoding="utf-8")
    with pytest.raises(RecipeError, match=r"importing 'broken_steps' .* failed: ModuleNotFound"):
        parse_recipe('[[steps]]\nstep = "broken_steps:tag"\n', folder=recipes)
    assert sys.path == before


#: A user's module of steps, as a recipe names them (``module:attribute``).
USER_STEPS = '''
from dataclasses import dataclass

from corpuskit import Document, Drop, set_fields


def tag(doc: Document) -> Document:
    """Mark every page as seen by a user step."""
    return set_fields(doc, "tag", {"tagged": True})


@dataclass(frozen=True)
class MinWords:
    """Reject a page of fewer than ``min_words`` words."""

    min_words: int = 5
    name = "min_words"

    def __call__(self, doc: Document) -> Document | Drop:
        if len(doc.text.split()) >= self.min_words:
            return doc
        return doc.drop("too_few_words", f"{len(doc.text.split())} words")


def is_short(line: str) -> bool:
    """A line of one word."""
    return len(line.split()) == 1
'''


RECIPE_WITH_FILTERS = """
[[steps]]
step = "detect_language"

[[steps]]
step = "select_language"
languages = ["fr"]

[[steps]]
step = "drop_empty"

[[steps]]
step = "too_short"

[[steps]]
step = "exact_duplicates"

[[steps]]
step = "near_duplicates"
threshold = 0.9
"""


def test_filters_compose_with_a_recipe_that_has_them_already() -> None:
    pipeline = parse_recipe(RECIPE_WITH_FILTERS).pipeline
    # --lang replaces the recipe's languages; detect_language learns to keep the top three
    chosen = select_languages(pipeline, ["en", "de"])
    assert chosen.names == pipeline.names
    assert chosen.describe()[1]["config"]["languages"] == ["en", "de"]
    assert chosen.describe()[0]["config"]["top"] == 3
    # --dedup near without --near-* keeps the recipe's step; with them, replaces it
    assert remove_near_duplicates(pipeline).steps[-1] == NearDuplicates(threshold=0.9)
    assert remove_near_duplicates(pipeline, NearDuplicates(0.8)).steps[-1] == NearDuplicates(0.8)
    # --quality annotate replaces too_short in place and adds the others after drop_empty
    annotated = with_quality(pipeline, "annotate")
    assert annotated.names.count("too_short") == 1
    assert annotated.names.index("too_short") == pipeline.names.index("too_short") + 6
    assert all(getattr(s, "mode", "annotate") == "annotate" for s in annotated.steps)
    assert with_quality(pipeline, "off") is pipeline


def test_every_registered_step_is_documented() -> None:
    for spec in builtin_steps().values():
        built = spec.build() if not any(p.required for p in spec.params) else None
        if built is not None:
            assert step_name(built) == spec.name
            assert inspect.getdoc(getattr(built, "function", built))


def test_every_run_option_is_an_option_of_clean() -> None:
    from corpuskit.cli.clean import RUN_FLAGS, clean
    from corpuskit.cli.options import CONVERSIONS

    parameters = inspect.signature(clean).parameters
    assert set(RUN_FLAGS) <= set(parameters)
    options = {CONVERSIONS.get(flag, (flag,))[0] for flag in RUN_FLAGS}
    assert {option.name for option in RUN_OPTIONS} - options <= {"max_html_tags", "max_json_depth"}
