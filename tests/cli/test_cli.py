"""The command line, run in-process with typer's CliRunner on real files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from typer.testing import CliRunner

from corpuskit.cli import app
from tests.conftest import FIXTURES, seed_pages

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
    assert [s["step"] for s in run["pipeline"]][-1] == "drop_empty"


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


def test_dedup_exact_and_off_by_default(tmp_path: Path) -> None:
    page = seed_pages()[0]
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_bytes(page.read_bytes())
    out = tmp_path / "out" / "corpus.jsonl"
    plain = runner.invoke(app, ["clean", str(tmp_path / "*.txt"), "-o", str(out)])
    assert plain.exit_code == 0 and len(records(out)) == 2
    result = runner.invoke(
        app, ["clean", str(tmp_path / "*.txt"), "-o", str(out), "--dedup", "exact"]
    )
    assert result.exit_code == 0
    [kept] = records(out)
    [reject] = records(out.with_name("corpus.rejects.jsonl"))
    assert (reject["reason"], reject["detail"]) == ("duplicate", f"duplicate of {kept['id']}")
    assert "exact_duplicates: duplicate (1)" in result.stderr
    off = runner.invoke(app, ["clean", str(tmp_path / "*.txt"), "-o", str(out), "--dedup", "off"])
    assert off.exit_code == 0 and len(records(out)) == 2
    bad = runner.invoke(app, ["clean", str(tmp_path / "*.txt"), "-o", str(out), "--dedup", "x"])
    assert bad.exit_code == 2 and "--dedup" in bad.stderr
