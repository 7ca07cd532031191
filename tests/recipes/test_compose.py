"""One composition: a recipe means the same thing from the command line and from Python."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import corpuskit
from corpuskit.cli import app
from corpuskit.errors import InputError
from corpuskit.recipes.compose import build, compose
from corpuskit.recipes.defaults import default_pipeline
from tests.conftest import bench_pages, needs_bench, seed_pages

RECIPE = """
[options]
dedup = "exact"
lang = ["en"]
quality = "annotate"
html_parser = "bs4"
workers = 1

[[steps]]
step = "fix_encoding"
[[steps]]
step = "junk_lines"
[[steps]]
step = "detect_language"
[[steps]]
step = "classify_lines"
[[steps]]
step = "collapse_blank_lines"
[[steps]]
step = "drop_empty"
"""


#: An English article as HTML (for the parser): kept, whatever the benchmark.
ARTICLE = (
    "<!DOCTYPE html><html lang='en'><head><title>The bridge reopens</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>The bridge "
    "reopens</h1><p>The council voted on Tuesday to reopen the old bridge over the river "
    "in the spring, after two years of repairs that cost more than planned.</p><p>Most "
    "of the people who came to the meeting said they had waited long enough, and the "
    "mayor promised that the work would be finished before the summer market.</p>"
    "</article></body></html>"
)


@pytest.fixture(params=["seeds", pytest.param("traf-dev", marks=needs_bench)])
def pages(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """The seed pages twice (a copy for dedup), a German page (for lang), an HTML page
    (for the parser) and, in the traf-dev variant, three traf-dev HTML pages."""
    folder = tmp_path / "pages"
    folder.mkdir()
    for page in seed_pages():
        (folder / page.name).write_bytes(page.read_bytes())
        (folder / f"copy_{page.name}").write_bytes(page.read_bytes())
    (folder / "de.txt").write_text(
        "Die Stadt baut eine neue Brücke über den Fluss, sagte der Rat am Montag.\n",
        encoding="utf-8",
    )
    (folder / "article.html").write_text(ARTICLE, encoding="utf-8")
    for page in bench_pages("*.html.gz")[:3] if request.param == "traf-dev" else []:
        (folder / page.name).write_bytes(page.read_bytes())
    return folder


def test_a_recipe_gives_the_same_corpus_from_the_cli_and_from_python(
    pages: Path, tmp_path: Path
) -> None:
    recipe = tmp_path / "my.toml"
    recipe.write_text(RECIPE, encoding="utf-8")
    cli_out, lib_out = tmp_path / "cli" / "c.jsonl", tmp_path / "lib" / "c.jsonl"
    args = ["clean", str(pages), "-o", str(cli_out), "--recipe", str(recipe)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    corpuskit.clean_files(
        [str(pages)],
        str(lib_out),
        recipe=corpuskit.load_recipe(str(recipe)),
        rejects=str(lib_out.with_name("c.rejects.jsonl")),
    )
    assert cli_out.read_bytes() == lib_out.read_bytes()
    cli_rejects = cli_out.with_name("c.rejects.jsonl").read_bytes()
    assert cli_rejects == lib_out.with_name("c.rejects.jsonl").read_bytes()
    # And the recipe's options took effect, in both: copies and German pages rejected,
    # quality scores annotated, HTML pages read with lxml.
    reasons = {json.loads(line)["reason"] for line in cli_rejects.splitlines()}
    assert {"duplicate", "language"} <= reasons
    records = [json.loads(line) for line in cli_out.read_text(encoding="utf-8").splitlines()]
    assert all("quality" in record["meta"] for record in records)
    parsers = {record["source"].get("parser") for record in records}
    assert parsers == {None, "bs4"}, "text pages have no parser, HTML pages bs4's"


def test_flags_and_keywords_override_the_recipe_alike(pages: Path, tmp_path: Path) -> None:
    recipe = tmp_path / "my.toml"
    recipe.write_text(RECIPE, encoding="utf-8")
    cli_out, lib_out = tmp_path / "cli.jsonl", tmp_path / "lib.jsonl"
    args = ["clean", str(pages), "-o", str(cli_out), "--recipe", str(recipe), "--dedup", "off"]
    assert CliRunner().invoke(app, args).exit_code == 0
    corpuskit.clean_files(
        [str(pages)], str(lib_out), recipe=corpuskit.load_recipe(str(recipe)), dedup="off"
    )
    assert cli_out.read_bytes() == lib_out.read_bytes()
    texts = [json.loads(line)["text"] for line in cli_out.read_text().splitlines()]
    assert len(texts) != len(set(texts)), "dedup off: the copies are kept"


def test_build_shares_options_out_by_name() -> None:
    built = build(
        default_pipeline(),
        {"dedup": "near", "format": "html", "max_file_bytes": 1000, "audit": True, "workers": 2},
    )
    assert built.pipeline.names[-2:] == ("exact_duplicates", "near_duplicates")
    assert (built.read.format, built.read.limits.max_file_bytes) == ("html", 1000)
    assert built.run.audit and built.executor == corpuskit.LocalExecutor(workers=2)
    with pytest.raises(InputError, match="unknown run option 'dedupe'"):
        build(default_pipeline(), {"dedupe": "exact"})
    with pytest.raises(InputError, match="executor: an executor object or its options"):
        build(default_pipeline(), {"workers": 2}, executor=corpuskit.LocalExecutor())
    with pytest.raises(InputError, match="workers: the ray executor"):
        build(default_pipeline(), {"executor": "ray", "workers": 2})


def test_compose_changes_nothing_unless_asked() -> None:
    """Nothing but exact duplicates, which every run drops unless dedup is off."""
    pipeline = default_pipeline()
    assert compose(pipeline, dedup="off").config_hash() == pipeline.config_hash()
    assert build(pipeline, {"dedup": "off"}).pipeline.config_hash() == pipeline.config_hash()
    assert compose(pipeline).names == (*pipeline.names, "exact_duplicates")
    assert build(pipeline, {}).pipeline.config_hash() == compose(pipeline).config_hash()
    assert compose(pipeline, quotes="ascii").config_hash() != compose(pipeline).config_hash()


def test_dedup_off_leaves_every_duplicate_step_out() -> None:
    near = compose(default_pipeline(), dedup="near")
    assert near.names[-2:] == ("exact_duplicates", "near_duplicates")
    assert compose(near, dedup="off").names == default_pipeline().names


def test_keep_comments_leaves_the_comment_step_out() -> None:
    pipeline = default_pipeline()
    assert "comment_lines" in pipeline.names
    kept = compose(pipeline, keep_comments=True)
    assert "comment_lines" not in kept.names
    assert build(pipeline, {"keep_comments": True}).pipeline.names == kept.names


def test_keep_comments_through_the_cli(tmp_path: Path) -> None:
    page = tmp_path / "pages" / "post.txt"
    page.parent.mkdir()
    page.write_text(
        "The council voted on Monday to build a new bridge over the river, the mayor said "
        "after a long debate that lasted late into the evening.\n\n3 Comments\n\n"
        "anna says:\nMarch 3, 2024 at 10:15 am\nFinally, we have waited for years.\nReply\n\n"
        "ben says:\nMarch 3, 2024 at 11:02 am\nToo expensive if you ask me.\nReply\n",
        encoding="utf-8",
    )
    out = tmp_path / "c.jsonl"
    for flags, kept in (([], False), (["--keep-comments"], True)):
        result = CliRunner().invoke(app, ["clean", str(page.parent), "-o", str(out), *flags])
        assert result.exit_code == 0, result.output
        [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert ("Finally, we have waited for years." in record["text"]) is kept
