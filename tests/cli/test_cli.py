"""The command line, run in-process with typer's CliRunner on real files."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corpuskit.cli import app
from tests.conftest import FIXTURES, ROOT, seed_pages
from tests.readers.test_readers import XHTML

runner = CliRunner()


def records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_clean_fixtures_folder(tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    result = runner.invoke(app, ["clean", str(FIXTURES / "pages"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    corpus = records(out)
    assert [Path(str(r["source"]["path"])).name for r in corpus] == [p.name for p in seed_pages()]  # type: ignore[index]
    assert all(r["lang"] == "en" for r in corpus)
    assert "pages: 2 read, 2 written, 0 rejected" in result.stderr
    assert "lines removed:" in result.stderr
    assert (tmp_path / "corpus.rejects.jsonl").read_text() == ""


def test_rejects_and_exit_code(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("Advertisement\n\n", encoding="utf-8")
    (tmp_path / "blank.txt").write_text(" \n\n", encoding="utf-8")
    (tmp_path / "page.txt").write_text(
        "Die Stadt baut eine neue Brücke über den Fluss.\n", encoding="utf-8"
    )
    out, rejects = tmp_path / "out" / "c.jsonl", tmp_path / "out" / "r.jsonl"
    result = runner.invoke(
        app, ["clean", str(tmp_path / "*.txt"), "-o", str(out), "--rejects", str(rejects)]
    )
    assert result.exit_code == 0, "rejects are a normal outcome of a completed run"
    blank, emptied = records(rejects)
    assert str(blank["source"]["path"]).endswith("blank.txt")  # type: ignore[index]
    assert (blank["step"], blank["reason"], blank["detail"]) == (
        "drop_empty",
        "empty",
        "the page has no text",
    )
    assert str(emptied["source"]["path"]).endswith("empty.txt")  # type: ignore[index]
    assert (emptied["step"], emptied["reason"], emptied["detail"]) == (
        "drop_empty",
        "empty",
        "no text left: lines removed by junk_lines 1",
    )
    assert len(records(out)) == 1
    assert f"rejects written to {rejects}" in result.stderr


def test_stdin_to_stdout_with_audit() -> None:
    page = (FIXTURES / "pages" / "004_e49c3928493beb6e.txt").read_bytes()
    result = runner.invoke(app, ["clean", "-", "-o", "-", "--audit", "-q"], input=page)
    assert result.exit_code == 0, result.stderr
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["source"]["path"] == "-"
    removed = [line for e in record["provenance"]["edits"] for line in e.get("lines", [])]
    assert {"line": 19, "text": "3 hours ago", "rule": "relative_time"} in removed
    # numbered as in the page as read, also for steps that ran after earlier removals
    assert {"line": 66, "text": "", "rule": "blank_lines"} in removed
    assert {"line": 2, "text": "Published On 5 Feb 2026", "rule": "dateline"} in removed
    assert result.stderr == ""


def test_jsonl_gz_input_keeps_user_fields(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl.gz"
    rows = [
        {
            "id": "x1",
            "body": "Logo\nEl ayuntamiento aprobó el presupuesto el lunes.",
            "site": "ex.es",
        }
    ]
    source.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))
    out = tmp_path / "c.jsonl.gz"
    result = runner.invoke(app, ["clean", str(source), "-o", str(out), "--text-field", "body"])
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in gzip.decompress(out.read_bytes()).splitlines()]
    assert record["id"] == "x1"
    assert record["text"] == "El ayuntamiento aprobó el presupuesto el lunes."
    assert record["meta"] == {"site": "ex.es"}
    assert record["source"]["line"] == 1


def html_dump(tmp_path: Path) -> Path:
    """A crawl dump as JSONL: each record a page's markup in ``html``, beside its URL."""
    body = "<p>Die Stadt baut eine neue Brücke über den Fluss, sagte der Bürgermeister.</p>"
    pages = [
        {"doc_id": "a1", "url": "https://stadt.example/bruecke", "crawled": "2026-02-01",
         "html": f"<!doctype html><title>Neue Brücke</title><nav>Start</nav>{body}"},
        {"doc_id": "a2", "url": "https://stadt.example/leer", "html": None},
    ]  # fmt: skip
    path = tmp_path / "dump.jsonl"
    path.write_text("".join(json.dumps(page) + "\n" for page in pages), encoding="utf-8")
    return path


def test_html_in_a_jsonl_field_goes_through_the_html_extractor(tmp_path: Path) -> None:
    dump, out = html_dump(tmp_path), tmp_path / "c.jsonl"
    result = runner.invoke(app, ["clean", str(dump), "-o", str(out), "--text-field", "html"])
    assert result.exit_code == 0, result.output
    [record] = records(out)
    said = "Die Stadt baut eine neue Brücke über den Fluss, sagte der Bürgermeister."
    assert record["text"] == said
    assert record["title"] == "Neue Brücke"
    assert record["source"]["parser"] == "lxml"  # type: ignore[index]
    raw = tmp_path / "raw.jsonl"
    args = ["clean", str(dump), "-o", str(raw), "--text-field", "html", "--content", "text"]
    assert runner.invoke(app, args).exit_code == 0
    assert str(records(raw)[0]["text"]).startswith("<!doctype html><title>")
    bad = runner.invoke(app, ["clean", str(dump), "-o", "-", "--content", "xml"])
    assert bad.exit_code == 2
    assert bad.stderr == "error: --content: one of auto, html, text, not 'xml'\n"


def test_id_and_url_fields_map_input_fields_and_rejects_keep_the_id(tmp_path: Path) -> None:
    dump, out = html_dump(tmp_path), tmp_path / "c.jsonl"
    args = ["clean", str(dump), "-o", str(out), "--text-field", "html", "--id-field", "doc_id"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    [record] = records(out)
    assert (record["id"], record["url"]) == ("a1", "https://stadt.example/bruecke")
    assert record["meta"] == {"crawled": "2026-02-01"}
    [reject] = records(tmp_path / "c.rejects.jsonl")
    assert (reject["id"], reject["reason"]) == ("a2", "text_not_string")
    recipe = tmp_path / "r.toml"
    options = '[options]\ntext_field = "html"\nid_field = "doc_id"\nurl_field = "x"\n'
    shown = runner.invoke(app, ["recipe", "show"]).stdout
    recipe.write_text(shown.replace("[options]\n", options))
    by_recipe = tmp_path / "r.jsonl"
    assert (
        runner.invoke(app, ["clean", str(dump), "-o", str(by_recipe), "-r", str(recipe)]).exit_code
        == 0
    )
    [record] = records(by_recipe)
    assert record["id"] == "a1" and "url" not in record
    assert record["meta"]["url"] == "https://stadt.example/bruecke"  # type: ignore[index]


def test_limit_is_a_trial_run_of_the_first_pages_whatever_the_workers(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(12):
        text = f"Page {n}: the council met on Monday and voted for the new bridge, item {n}.\n"
        (pages / f"{n:02d}.txt").write_text(text, encoding="utf-8")
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}.jsonl"
        args = ["clean", str(pages), "-o", str(out), "--limit", "5", "--workers", workers]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "pages: 5 read, 5 written" in result.stderr
        assert "trial run: stopped after the first 5 pages (--limit)" in result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    names = [Path(str(r["source"]["path"])).name for r in records(tmp_path / "w1.jsonl")]  # type: ignore[index]
    assert names == ["00.txt", "01.txt", "02.txt", "03.txt", "04.txt"]
    again = runner.invoke(app, [*args, "--resume"])
    assert again.exit_code == 2
    assert again.stderr.startswith("error: --limit: a trial run is not resumed")
    ray = runner.invoke(app, ["clean", str(pages), "-o", "-", "--limit", "5", "--executor", "ray"])
    assert ray.exit_code == 2 and "--limit: a trial run reads on this machine" in ray.stderr


def test_lang_takes_the_codes_the_detector_gives_and_says_what_was_meant(
    tmp_path: Path,
) -> None:
    out = tmp_path / "c.jsonl"
    args = ["clean", str(FIXTURES / "pages"), "-o", str(out)]
    wrong = runner.invoke(app, [*args, "--lang", "english"])
    assert wrong.exit_code == 2 and not out.exists()
    assert wrong.stderr == (
        "error: --lang: 'english' is not a language code detect_language gives: "
        "did you mean 'en'?\n"
    )
    right = runner.invoke(app, [*args, "--lang", "EN,und"])
    assert right.exit_code == 0 and len(records(out)) == 2


def warnings(result: Any) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("warning:")]


def test_options_without_effect_are_one_warning_line_each(tmp_path: Path) -> None:
    pages, out = str(FIXTURES / "pages"), str(tmp_path / "c.jsonl")
    flags = ["--near-threshold", "0.9", "--min-lang-score", "0.8", "--text-field", "body",
             "--content", "html", "--extractor", "corpuskit", "--shard-size", "5"]  # fmt: skip
    result = runner.invoke(app, ["clean", pages, "-o", out, *flags])
    assert result.exit_code == 0, result.output
    assert warnings(result) == [
        "warning: --near-threshold has no effect without --dedup near",
        "warning: --min-lang-score has no effect without --lang",
        "warning: --text-field, --content have no effect: no input is JSONL or Parquet",
        "warning: --extractor has no effect: no input is HTML",
        "warning: --shard-size has no effect: -o names a file, not a folder of shards (out/)",
    ]
    assert len(records(Path(out))) == 2  # the run is what the other options ask for
    assert warnings(runner.invoke(app, ["clean", pages, "-o", out, "-q", *flags])) == []
    needed = ["--dedup", "near", "--lang", "en", "-o", str(tmp_path / "s") + "/"]
    html_dump(tmp_path)
    used = runner.invoke(app, ["clean", pages, str(tmp_path / "dump.jsonl"), *flags, *needed])
    assert used.exit_code == 0, used.output
    assert warnings(used) == []
    by_env = runner.invoke(
        app, ["clean", pages, "-o", out, "--format", "text"], env={"CORPUSKIT_ID_FIELD": "key"}
    )
    assert warnings(by_env) == ["warning: CORPUSKIT_ID_FIELD has no effect without --format jsonl"]


@pytest.mark.parametrize(
    ("args", "env", "line"),
    [
        (["--workers", "abc"], {}, "error: invalid value for '--workers': "),
        (["--workers", "0"], {}, "error: invalid value for '--workers': "),
        (["--bogus"], {}, "error: no such option: --bogus"),
        (["--dedup", "nope"], {}, "error: --dedup: one of exact, near, off, not 'nope'"),
        (["--executor", "x"], {}, "error: --executor: one of local, ray, not 'x'"),
        (
            ["--format", "pdf"],
            {},
            "error: --format: one of text, html, jsonl, warc, parquet, not 'pdf'",
        ),
        (["--html-parser", "x"], {}, "error: --html-parser: one of lxml, bs4, not 'x'"),
        (["--dedup", "near", "--near-threshold", "2"], {}, "error: --near-threshold: in (0, 1]"),
        (["--shingle-size", "0"], {}, "error: --shingle-size: at least 1 word, not 0"),
        (["--max-file-mb", "0"], {}, "error: invalid value for '--max-file-mb': "),
        (["--time-limit", "-1"], {}, "error: invalid value for '--time-limit': "),
        (["--wrkers", "2"], {}, "error: no such option: --wrkers (possible options: "),
        ([], {"CORPUSKIT_WORKERS": "abc"}, "error: CORPUSKIT_WORKERS='abc': "),
        ([], {"CORPUSKIT_DEDUP": "nope"}, "error: CORPUSKIT_DEDUP: one of exact, near, off"),
        ([], {"CORPUSKIT_LANG": "french"}, "error: CORPUSKIT_LANG: 'french' is not a language"),
        ([], {"CORPUSKIT_EXECUTOR": "x"}, "error: CORPUSKIT_EXECUTOR: one of local, ray"),
        ([], {"CORPUSKIT_MAX_FILE_MB": "0"}, "error: CORPUSKIT_MAX_FILE_MB='0': input should"),
        ([], {"CORPUSKIT_RECIPE": "nope"}, "error: CORPUSKIT_RECIPE='nope': cannot read recipe"),
        (["--recipe", "nope"], {}, "error: cannot read recipe nope: "),
    ],
)
def test_every_usage_error_is_one_line_naming_the_flag_or_the_variable(
    tmp_path: Path, args: list[str], env: dict[str, str], line: str
) -> None:
    command = ["clean", str(FIXTURES / "pages"), "-o", str(tmp_path / "c.jsonl"), *args]
    result = runner.invoke(app, command, env=env)
    assert result.exit_code == 2
    assert result.stderr.startswith(line), result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert not (tmp_path / "c.jsonl").exists()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["clean", "pages"],
            "error: missing option '--output' / '-o' (see corpuskit clean --help)",
        ),
        (["clean"], "error: missing argument 'paths' (see corpuskit clean --help)"),
        (["clean", "pages", "-o"], "error: option '-o' requires an argument"),
        (["cleen"], "error: no such command 'cleen'; did you mean 'clean'? (see corpuskit --help)"),
        (["explain"], "error: missing argument 'page' (see corpuskit explain --help)"),
    ],
)
def test_missing_and_unknown_arguments_are_one_line(args: list[str], line: str) -> None:
    result = runner.invoke(app, args, prog_name="corpuskit")
    assert (result.exit_code, result.stderr) == (2, line + "\n")


def test_usage_errors_of_the_installed_command_are_one_line(tmp_path: Path) -> None:
    """The real command in its own process, as a user meets it: one line, exit 2."""
    out = str(tmp_path / "c.jsonl")
    workers = corpuskit_env(
        {"CORPUSKIT_WORKERS": "abc"}, "clean", str(FIXTURES / "pages"), "-o", out
    )
    assert workers.returncode == 2 and workers.stdout == ""
    assert workers.stderr.startswith(
        "error: CORPUSKIT_WORKERS='abc': input should be a valid integer, unable to parse "
        "string as an integer (see "  # python -m corpuskit clean --help)
    )
    assert workers.stderr.endswith(" corpuskit clean --help)\n")
    unknown = corpuskit("clean", str(FIXTURES / "pages"), "-o", out, "--bogus")
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1
    assert unknown.stderr.startswith("error: no such option: --bogus (")
    missing = corpuskit("explain")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert not (tmp_path / "c.jsonl").exists()


def test_manifest_and_punctuation_options(tmp_path: Path) -> None:
    out, manifest = tmp_path / "c.jsonl", tmp_path / "run.json"
    args = ["clean", str(FIXTURES / "pages"), "-o", str(out), "--manifest", str(manifest)]
    assert (
        runner.invoke(app, [*args, "--quotes", "ascii", "--double-hyphen", "em_dash"]).exit_code
        == 0
    )
    text = str(records(out)[0]["text"])
    assert "“" not in text and '"Follow-up' in text and "personnel --including" in text
    run = json.loads(manifest.read_text())
    assert run["report"]["written"] == 2
    assert run["config"] == records(out)[0]["provenance"]["config"]  # type: ignore[index]
    assert [s["step"] for s in run["pipeline"]][-2:] == ["drop_empty", "exact_duplicates"]


def test_bad_option_is_one_clear_line(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["clean", str(FIXTURES / "pages"), "-o", str(tmp_path / "c.jsonl"), "--quotes", "fancy"],
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output
    bad_format = runner.invoke(app, ["clean", "x", "-o", "-", "--format", "pdf"])
    assert bad_format.exit_code == 2 and "error:" in bad_format.stderr


def test_missing_input_is_an_error_unless_allowed(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["clean", str(tmp_path / "nope.txt"), "-o", "-"])
    assert missing.exit_code == 2 and missing.stdout == ""
    assert (
        missing.stderr == f"error: input no such file: {tmp_path / 'nope.txt'} "
        "(--allow-missing records it as a reject and goes on)\n"
    )
    allowed = runner.invoke(
        app, ["clean", str(tmp_path / "nope.txt"), "-o", "-", "--allow-missing"]
    )
    assert allowed.exit_code == 0
    assert "not_found" in allowed.stderr


def test_explain_marks_lines_and_fields() -> None:
    page = FIXTURES / "pages" / "000_65b90cb01bb8e496.txt"
    result = runner.invoke(app, ["explain", str(page)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"== {page}"
    assert any(
        line.startswith("junk_lines:site_chrome") and line.endswith("| Dark Mode") for line in lines
    )
    assert any(line.startswith("lift_metadata:byline") for line in lines)
    assert "author: Our Correspondent" in lines
    assert "\x1b[" not in result.stdout
    colored = runner.invoke(app, ["explain", str(page), "--color"])
    assert "\x1b[31m" in colored.stdout


def test_version_and_help() -> None:
    assert runner.invoke(app, ["--version"]).stdout.startswith("corpuskit ")
    help_text = runner.invoke(app, ["clean", "--help"]).stdout
    assert "Example:" in help_text and "--rejects" in help_text


def test_explain_with_a_corpus_counts_repeated_lines(tmp_path: Path) -> None:
    for i in range(25):
        body = f"Impressum\nDer Rat hat am Montag über den Haushalt {i} beraten und abgestimmt."
        (tmp_path / f"{i:02}.txt").write_text(body, encoding="utf-8")
    page = tmp_path / "00.txt"
    alone = runner.invoke(app, ["explain", str(page)])
    assert "repeated_lines:repeated_line" not in alone.stdout
    counted = runner.invoke(app, ["explain", str(page), "--corpus", str(tmp_path)])
    assert counted.exit_code == 0
    assert "repeated_lines:repeated_line  | Impressum" in counted.stdout


def test_classifier_removals_show_their_features() -> None:
    page = FIXTURES / "pages" / "004_e49c3928493beb6e.txt"
    lines = runner.invoke(app, ["explain", str(page)]).stdout.splitlines()
    [four] = [line for line in lines if line.endswith("]") and "| 4 " in line]
    assert four.startswith("classify_lines:boilerplate") and "score -" in four


def test_size_limit_option_rejects_with_a_hint(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Ein Satz mit genug Wörtern, damit er bleibt.\n" * 30_000, encoding="utf-8")
    out = tmp_path / "c.jsonl"
    result = runner.invoke(app, ["clean", str(big), "-o", str(out), "--max-file-mb", "1"])
    assert result.exit_code == 0
    [reject] = records(tmp_path / "c.rejects.jsonl")
    assert reject["reason"] == "too_large"


def test_strict_writes_nothing_and_says_why_in_one_line(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text(
        "Die Stadt baut eine neue Brücke über den Fluss.\n", encoding="utf-8"
    )
    (pages / "b.txt").write_text("Advertisement\n", encoding="utf-8")
    out = tmp_path / "out" / "c.jsonl"
    result = runner.invoke(app, ["clean", str(pages), "-o", str(out), "--strict"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: stopped at")
    assert "b.txt: drop_empty: empty" in result.stderr
    assert not out.exists() and not out.with_name("c.rejects.jsonl").exists()


def test_lang_keeps_the_wanted_languages(tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    pages = str(FIXTURES / "pages")
    kept = runner.invoke(app, ["clean", pages, "-o", str(out), "--lang", "en,de"])
    assert kept.exit_code == 0, kept.output
    assert [r["meta"] for r in records(out)] == [{"lang_scores": {"en": 1.0}}] * 2
    dropped = runner.invoke(app, ["clean", pages, "-o", str(out), "--lang", "de"])
    assert dropped.exit_code == 0
    rejects = records(tmp_path / "corpus.rejects.jsonl")
    assert [(r["step"], r["reason"]) for r in rejects] == [("select_language", "language")] * 2
    assert rejects[0]["detail"] == "detected en (1.0); de: 0.0 < 0.65"
    strict = runner.invoke(
        app, ["clean", pages, "-o", str(out), "--lang", "en", "--min-lang-score", "1.5"]
    )
    assert strict.exit_code == 2


def test_dedup_exact_by_default_and_off(tmp_path: Path) -> None:
    page = seed_pages()[0]
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_bytes(page.read_bytes())
    out = tmp_path / "out" / "corpus.jsonl"
    for flags in ([], ["--dedup", "exact"]):
        result = runner.invoke(app, ["clean", str(tmp_path / "*.txt"), "-o", str(out), *flags])
        assert result.exit_code == 0
        [kept] = records(out)
        [reject] = records(out.with_name("corpus.rejects.jsonl"))
        assert (reject["reason"], reject["detail"]) == ("duplicate", f"duplicate of {kept['id']}")
        assert "exact_duplicates: duplicate (1)" in result.stderr
    off = runner.invoke(app, ["clean", str(tmp_path / "*.txt"), "-o", str(out), "--dedup", "off"])
    assert off.exit_code == 0 and len(records(out)) == 2
    bad = runner.invoke(app, ["clean", str(tmp_path / "*.txt"), "-o", str(out), "--dedup", "x"])
    assert bad.exit_code == 2 and "--dedup" in bad.stderr


def corpuskit(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a process of its own: its own warning filters and stderr."""
    return corpuskit_env({}, *args)


def corpuskit_env(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``corpuskit`` with ``env`` added to this process's environment."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    command = [sys.executable, "-m", "corpuskit", *args]
    return subprocess.run(command, env=environment, capture_output=True, text=True)


def test_parser_warnings_never_reach_the_terminal(tmp_path: Path) -> None:
    """bs4 warns about every XHTML page (12 lines): never shown, with ``-q`` or without,
    serial or with workers; ``-v`` shows one log line naming the page."""
    page = tmp_path / "page.xhtml"
    page.write_bytes(XHTML)
    out = str(tmp_path / "out.jsonl")
    bs4 = ("--html-parser", "bs4")  # lxml's own tree (the default) warns about nothing
    quiet = corpuskit("clean", str(page), "-o", out, "-q", *bs4)
    assert (quiet.returncode, quiet.stderr) == (0, "")
    plain = corpuskit("clean", str(page), "-o", out, "--workers", "2", *bs4)
    assert plain.returncode == 0 and "Warning" not in plain.stderr
    note, summary = plain.stderr.split("\n", 1)  # one page is work for one process
    assert note.startswith("corpuskit: workers: 2 asked, 1 used (the inputs hold work for 1")
    assert summary.startswith("pages: 1 read, 1 written, 0 rejected")
    verbose = corpuskit("clean", str(page), "-o", out, "-v", "--workers", "1", *bs4)
    warned = [line for line in verbose.stderr.splitlines() if "Warning" in line]
    assert warned == [
        f"corpuskit: {page}: the HTML parser warned: It looks like you're using an HTML "
        "parser to parse an XML document. (XMLParsedAsHTMLWarning)"
    ]


def test_time_limit_bounds_reading_a_page(tmp_path: Path) -> None:
    """``--time-limit`` covers reading: a page that takes longer to extract is a ``read``
    reject (``timeout``) and the run goes on with the next input."""
    pages = tmp_path / "pages"
    pages.mkdir()
    # 248,000 tags (the tag limit is 250,000): about 3.6 s of CPU to extract with bs4.
    (pages / "a-slow.html").write_bytes(b"<html><body>" + b"<p>x</p>" * 124_000)
    (pages / "b-next.txt").write_bytes(seed_pages()[0].read_bytes())
    out = tmp_path / "out.jsonl"
    # The limit is wall time: a loaded machine stretches every page. The slow page takes
    # 3.6 s of CPU, so never less than 2 s of wall time; the next page, cleaned after a
    # warm-up run has loaded langdetect's profiles in this process (0.5 s of CPU), takes
    # some 10 ms of CPU: within 2 s even on a machine at a load of 100.
    warm_up = ["clean", str(pages / "b-next.txt"), "-o", str(tmp_path / "warm.jsonl")]
    assert runner.invoke(app, warm_up).exit_code == 0
    args = ["clean", str(pages), "-o", str(out), "--time-limit", "2", "--html-parser", "bs4"]
    result = runner.invoke(app, args)
    assert "Traceback" not in result.output
    [reject] = records(tmp_path / "out.rejects.jsonl")
    assert (reject["step"], reject["reason"]) == ("read", "timeout")
    assert reject["source"]["path"].endswith("a-slow.html")
    [kept] = records(out)
    assert kept["source"]["path"].endswith("b-next.txt")
