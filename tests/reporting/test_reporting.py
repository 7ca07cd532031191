"""The corpus report (corpuskit.reporting, ``corpuskit report``) on a corpus made by clean.

Every figure is checked against the corpus files themselves, computed here the plain way
(everything in memory), so the streaming counts must agree with them.
"""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import typer
from rich.text import Text
from typer.testing import CliRunner

from corpuskit.cli import app
from corpuskit.reporting import gather, write_report
from corpuskit.reporting.bounded import Histogram, TopCounter
from corpuskit.reporting.stats import LINE_CHARS
from tests.reporting.report_corpus import MARKUP_LINE, MARKUP_TIMES, Cleaned, clean, cleaned

__all__ = ["cleaned"]  # the session fixture, shared with test_reporting_browser.py

runner = CliRunner()


def report(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["report", *args])
    return result.exit_code, result.stdout, result.stderr


# --- the counts agree with the files --------------------------------------------------


def test_pages_languages_and_lengths_match_the_records(cleaned: Cleaned) -> None:
    records = cleaned.records()
    stats = gather(str(cleaned.corpus), str(cleaned.rejects), str(cleaned.manifest))
    assert stats.pages == len(records)
    assert stats.languages == Counter(r.get("lang", "none") for r in records)
    assert stats.chars == sum(len(r["text"]) for r in records) == stats.lengths.total
    assert stats.words == sum(len(r["text"].split()) for r in records)
    assert stats.lengths.count == len(records)
    assert stats.lengths.largest == max(len(r["text"]) for r in records)
    assert sum(n for *_, n in stats.lengths.bins()) == len(records)


def test_funnel_runs_from_the_run_read_to_the_kept_text(cleaned: Cleaned) -> None:
    stats = gather(str(cleaned.corpus), str(cleaned.rejects), str(cleaned.manifest))
    run = stats.manifest.report if stats.manifest else None
    assert run is not None
    stages = stats.funnel()
    assert (stages[0].pages, stages[0].chars) == (run.read, run.chars_in)
    assert (stages[-1].pages, stages[-1].chars) == (run.written, run.chars_out)
    assert stats.lines_removed == run.lines_removed
    # the manifest's pipeline order, the readers' step first
    names = [stage.step for stage in stages[1:]]
    assert names[0] == "read" and names[-2:] == ["exact_duplicates", "near_duplicates"]
    assert names.index("junk_lines") < names.index("classify_lines") < names.index("drop_empty")
    assert stats.steps["drop_empty"].dropped == 1
    assert stats.steps["classify_lines"].chars_removed > 0


def test_step_order_without_a_manifest_is_still_the_pipeline_order(cleaned: Cleaned) -> None:
    with_manifest = gather(str(cleaned.corpus), str(cleaned.rejects), str(cleaned.manifest))
    without = gather(str(cleaned.corpus), str(cleaned.rejects))
    acted = {name for name, counts in without.steps.items() if counts.changed or counts.dropped}
    expected = [name for name in with_manifest.order.names() if name in acted]
    assert [name for name in without.order.names() if name in acted] == expected


def test_drops_and_duplicate_clusters_match_the_rejects(cleaned: Cleaned) -> None:
    rejects = cleaned.rejected()
    stats = gather(str(cleaned.corpus), str(cleaned.rejects))
    assert stats.drops == Counter(f"{r['step']}: {r['reason']}" for r in rejects)
    assert stats.rejected == len(rejects)
    [(cluster, size, error)] = stats.top_clusters(5)
    assert (size, error, cluster.exact, cluster.near) == (2, 0, 1, 1)
    assert cluster.kept == str(cleaned.copied)  # found in the corpus, by id
    assert sorted(Path(p).name for p in cluster.copies) == ["zz_exact_copy.txt", "zz_near_copy.txt"]
    [kept] = [r for r in cleaned.records() if r["source"]["path"] == str(cleaned.copied)]
    assert cluster.kept_id == kept["id"]


def test_removed_lines_are_counted_from_the_audit(cleaned: Cleaned) -> None:
    records = cleaned.records()
    expected = Counter(
        (line["rule"], line["text"][:LINE_CHARS])
        for r in records
        for edit in r["provenance"]["edits"]
        for line in edit.get("lines", ())
        if line["text"].strip()
    )
    stats = gather(str(cleaned.corpus))
    assert stats.audited and stats.removed_lines.exact
    counted = stats.removed_lines.most_common(len(stats.removed_lines))
    assert {e.key: e.times for e in counted} == expected
    assert [e.times for e in counted[:10]] == [n for _, n in expected.most_common(10)]
    assert expected[("repeated_line", MARKUP_LINE)] == 3 * MARKUP_TIMES


def test_sharded_gzip_corpus_gives_the_same_counts(cleaned: Cleaned, tmp_path: Path) -> None:
    shard_options = ("--shard-size", "20", "--shard-compression", "gz", "--dedup", "near")
    clean(cleaned.folder / "pages", f"{tmp_path}/out/", *shard_options)
    shards = sorted((tmp_path / "out").iterdir())
    assert len(shards) > 1 and shards[0].name == "part-00000.jsonl.gz"
    code, _, stderr = report(str(tmp_path / "out/"))
    assert code == 0, stderr
    assert f"report written to {tmp_path / 'out.report.html'}" in stderr
    sharded = gather(str(tmp_path / "out"), str(tmp_path / "out.rejects.jsonl"))
    single = gather(str(cleaned.corpus), str(cleaned.rejects))
    assert (sharded.pages, sharded.chars, sharded.languages) == (
        single.pages,
        single.chars,
        single.languages,
    )
    assert sharded.drops == single.drops
    assert (tmp_path / "out.manifest.json").is_file()
    assert "run manifest" in (tmp_path / "out.report.html").read_text(encoding="utf-8")


# --- the page -------------------------------------------------------------------------


def test_page_is_self_contained_and_escapes_page_text(cleaned: Cleaned, tmp_path: Path) -> None:
    output = tmp_path / "report.html"
    write_report(str(cleaned.corpus), str(output), rejects=str(cleaned.rejects))
    page = output.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for tag in ("<script", "<link", "<img", "<iframe", "<object", "<embed", "@import"):
        assert tag not in page.lower(), tag
    assert not re.search(r"\ssrc=", page)
    # only references inside the page: <use xlink:href="#id">, clip-path="url(#id)"
    assert set(re.findall(r'href="(.)', page)) == set(re.findall(r"url\((.)", page)) == {"#"}
    assert "&lt;script&gt;alert(&quot;corpuskit&quot;)&lt;/script&gt; Menü" in page
    for section in ("summary", "funnel", "drops", "rules", "languages", "lengths"):
        assert f'<section id="{section}">' in page
    assert page.count("<svg") == 5
    assert "near_duplicates: near_duplicate" in page


def test_command_prints_the_summary_and_finds_the_files_beside(cleaned: Cleaned) -> None:
    code, stdout, stderr = report(str(cleaned.corpus), "-o", str(cleaned.folder / "r.html"))
    assert code == 0, stderr
    records = cleaned.records()
    assert "pages kept" in stdout and f"{len(records)}" in stdout
    assert "pages rejected" in stdout
    assert "run manifest" in stdout  # corpus.manifest.json beside it was found
    page = (cleaned.folder / "r.html").read_text(encoding="utf-8")
    assert str(cleaned.rejects) in page and str(cleaned.manifest) in page


def test_without_audit_the_page_says_how_to_get_removed_lines(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text("Logo\nDer Rat hat am Montag über die Brücke abgestimmt.\n")
    clean(pages, tmp_path / "c.jsonl")
    code, stdout, stderr = report(str(tmp_path / "c.jsonl"))
    assert code == 0, stderr
    page = (tmp_path / "c.report.html").read_text(encoding="utf-8")
    assert "does not store removed lines" in page and "--audit" in page
    assert "No page was rejected." in page and "No page was rejected as a duplicate." in page
    assert "no (no --audit)" in stdout


def test_no_rejects_file_is_said_not_guessed(cleaned: Cleaned, tmp_path: Path) -> None:
    corpus = tmp_path / "alone.jsonl.gz"
    corpus.write_bytes(gzip.compress(cleaned.corpus.read_bytes()))
    code, _, stderr = report(str(corpus))
    assert code == 0, stderr
    assert "No rejects file" in stderr
    page = (tmp_path / "alone.report.html").read_text(encoding="utf-8")
    assert "No rejects file: drops are unknown." in page
    assert "No rejects file: duplicates are unknown." in page


# --- bad input: one clear line, never a traceback -------------------------------------


def test_missing_files_are_one_line_errors(cleaned: Cleaned, tmp_path: Path) -> None:
    code, _, stderr = report(str(tmp_path / "nope.jsonl"))
    assert code == 2 and stderr.startswith("error: cannot read") and "Traceback" not in stderr
    code, _, stderr = report(str(cleaned.corpus), "--rejects", str(tmp_path / "nope.jsonl"))
    assert code == 2 and "nope.jsonl" in stderr
    (tmp_path / "m.json").write_text("[1, 2]")
    code, _, stderr = report(str(cleaned.corpus), "--manifest", str(tmp_path / "m.json"))
    assert code == 2 and "not a corpuskit run manifest" in stderr


def test_malformed_lines_are_counted_and_shown(cleaned: Cleaned, tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    lines = cleaned.corpus.read_text(encoding="utf-8").splitlines()
    corpus.write_text("\n".join([lines[0], "{oops", "[1]", '{"id": "x"}', *lines[1:]]) + "\n")
    code, _, stderr = report(str(corpus), "-o", str(tmp_path / "r.html"))
    assert code == 0, stderr
    assert "3 lines of" in stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<section id="problems">' in page
    assert "not JSON" in page and "not a JSON object" in page and "not a corpus record" in page
    stats = gather(str(corpus))
    assert stats.malformed["corpus"] == 3 and stats.pages == len(lines)


def test_a_file_that_is_not_a_corpus_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("just\nsome text\n")
    code, _, stderr = report(str(tmp_path / "notes.txt"))
    assert code == 2 and "is not a corpuskit corpus" in stderr and "line 1: not JSON" in stderr
    (tmp_path / "bad.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    code, _, stderr = report(str(tmp_path / "bad.jsonl.gz"))
    assert code == 2 and "damaged archive" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "notes.report.html").exists()


def test_without_matplotlib_the_error_says_what_to_install(cleaned: Cleaned) -> None:
    # matplotlib made unimportable in a fresh interpreter, the way a missing package is
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from corpuskit.cli import main; sys.argv = ['corpuskit', 'report', sys.argv[1]]\n"
        "main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(cleaned.corpus)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr == (
        "error: the corpus report needs matplotlib: pip install 'corpuskit[report]'\n"
    )


def test_help_names_the_extras_to_install() -> None:
    """typer reads help text as rich markup, where ``[ray]`` is a tag that vanishes: each
    help that names an extra must show it once rendered (whatever the terminal's width,
    which a rendered ``--help`` would make part of the test)."""
    command = typer.main.get_command(app)
    assert isinstance(command, typer.core.TyperGroup)
    shown = {
        name: " ".join(
            Text.from_markup(text).plain
            for text in [sub.help or "", *(getattr(p, "help", None) or "" for p in sub.params)]
        )
        for name, sub in command.commands.items()
    }
    assert "corpuskit[report]" in shown["report"] and "Example:" in shown["report"]
    assert "corpuskit[ray]" in shown["clean"] and "corpuskit[trafilatura]" in shown["clean"]
    for name, text in shown.items():
        for extra in re.findall(r"corpuskit(\[?\w*\]?)'", text):
            assert extra.startswith("["), f"{name}: an extra lost its brackets: {text!r}"


# --- bounded summaries ----------------------------------------------------------------


def test_top_counter_bounds_hold_once_it_evicts() -> None:
    stream = [f"rare{i}" for i in range(300)]
    for i, key in enumerate(["boilerplate"] * 50 + ["menu"] * 30):
        stream.insert(i * 4, key)
    top = TopCounter[str](capacity=16)
    for key in stream:
        top.add(key)
    assert len(top) <= 16 and not top.exact
    truth = Counter(stream)
    (first, first_n, first_err), (second, second_n, second_err) = top.most_common(2)
    assert (first, second) == ("boilerplate", "menu")
    for key, n, error in ((first, first_n, first_err), (second, second_n, second_err)):
        assert n - error <= truth[key] <= n


def test_histogram_bins_every_value_once() -> None:
    lengths = Histogram()
    values = [0, 1, 7, 99, 100, 101, 5_000, 10**12]
    for value in values:
        lengths.add(value)
    bins = lengths.bins()
    assert sum(n for *_, n in bins) == len(values)
    assert all(low < high for low, high, _ in bins)
    assert lengths.largest == 10**12 and lengths.counts[-1] == 1  # past the last edge
    assert Histogram().quantile(0.5) is None and Histogram().bins() == []
