"""The corpus report (corpuskit.reporting, ``corpuskit report``) on a corpus made by clean.

Every figure is checked against the corpus files themselves, computed here the plain way
(everything in memory), so the streaming counts must agree with them.
"""

from __future__ import annotations

import gzip
import importlib.metadata
import json
import os
import re
import subprocess
import sys
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import typer
from rich.text import Text
from typer.testing import CliRunner

from corpuskit.cli import app
from corpuskit.document import Document
from corpuskit.explain import explain
from corpuskit.readers import read
from corpuskit.recipes.loader import load_recipe
from corpuskit.reporting import SAMPLE_PAGES, gather, write_report
from corpuskit.reporting.bounded import Histogram, TopCounter
from corpuskit.reporting.pages import RULE_COLOURS
from corpuskit.reporting.records import read_lines
from corpuskit.reporting.removed import LINE_CHARS, RemovedLines
from corpuskit.reporting.sample import (
    MAX_LINE_CHARS,
    MAX_ROWS,
    RUN_EDGE,
    Sampler,
    ShownLine,
    as_read,
    rank,
    shown,
)
from corpuskit.reporting.sites import Sites, site_of
from corpuskit.reporting.stats import CorpusStats
from corpuskit.steps.repeated import RepeatedLines
from tests.conftest import ROOT
from tests.reporting.report_corpus import (
    HOST,
    MARKUP_LINE,
    MARKUP_TIMES,
    PUNCTUATION,
    SHARE_LINE,
    Cleaned,
    clean,
    cleaned,
    read_jsonl,
)

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
    clusters = {c.kept_id: (size, error, c) for c, size, error in stats.top_clusters(5)}
    assert len(clusters) == 2
    [kept] = [r for r in cleaned.records() if r["source"]["path"] == str(cleaned.copied)]
    size, error, cluster = clusters.pop(kept["id"])
    assert (size, error, cluster.exact, cluster.near) == (2, 0, 1, 1)
    assert cluster.kept == str(cleaned.copied)  # found in the corpus, by id
    assert sorted(Path(p).name for p in cluster.copies) == ["zz_exact_copy.txt", "zz_near_copy.txt"]
    [(size, error, html)] = clusters.values()  # the HTML page and its copy
    assert html.kept and urlsplit(html.kept).hostname == HOST
    assert (size, error, html.exact, html.near) == (1, 0, 1, 0)


def plain_key(rule: str, text: str) -> tuple[str, str]:
    """How the report must count a removed line, written the plain way: a line with a
    letter as itself, under its rule; the others as their group, whatever the rule."""
    text = text.strip()
    if re.search(r"[^\W\d_]", text):
        return (rule, text[:LINE_CHARS])
    return ("", "numbers" if re.search(r"\d", text) else "punctuation")


def removed_lines(records: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Every non-blank removed line of ``records``: (its page's id, rule, text)."""
    return [
        (r["id"], line["rule"], line["text"])
        for r in records
        for edit in r["provenance"]["edits"]
        for line in edit.get("lines", ())
        if line["text"].strip()
    ]


def test_removed_lines_are_counted_from_the_audit(cleaned: Cleaned) -> None:
    removed = removed_lines(cleaned.records())
    expected = Counter(plain_key(rule, text) for _, rule, text in removed)
    stats = gather(str(cleaned.corpus))
    assert stats.audited and stats.removed_lines.exact
    counted = stats.removed_lines.most_common(len(stats.removed_lines))
    as_pairs = {(k.rule, k.text) if not k.group else ("", k.group): n for k, n, _ in counted}
    assert as_pairs == expected
    assert [n for _, n, _ in counted[:10]] == [n for _, n in expected.most_common(10)]
    assert expected[("repeated_line", MARKUP_LINE)] == 3 * MARKUP_TIMES


def test_lines_without_a_letter_are_one_row_per_group(cleaned: Cleaned, tmp_path: Path) -> None:
    removed = removed_lines(cleaned.records())
    marks = [(r, t.strip()) for _, r, t in removed if plain_key("", t) == ("", "punctuation")]
    members = Counter(text for _, text in marks)
    assert members[PUNCTUATION] >= 3 * 8  # the menu pages' separators
    code, _, stderr = report(str(cleaned.corpus), "-o", str(tmp_path / "r.html"))
    assert code == 0, stderr
    rows = section_rows((tmp_path / "r.html").read_text(encoding="utf-8"), "removed-lines")
    [group] = [row for row in rows if "punctuation-only lines" in row[0]]
    assert f"<code>{PUNCTUATION}</code>\u00a0×{members[PUNCTUATION]:,}" in group[0]
    assert group[2] == f"{len(marks):,}"
    rules = Counter(rule for rule, _ in marks)
    assert group[1] == ", ".join(f"{rule} {n:,}" for rule, n in rules.most_common())
    assert not [row for row in rows if row[0] == PUNCTUATION], "| has no row of its own"


def section_rows(page: str, section: str) -> list[list[str]]:
    """The cells of a section's table, as HTML, one list per row (headers left out)."""
    body = page.split(f'<section id="{section}">', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S) for row in rows if "<td" in row]


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
    for tag in ("<script", "<link", "<img", "<iframe", "<object", "<embed"):
        assert tag not in page.lower(), tag
    # Page text is escaped (its "<" is "&lt;"), so every "<" opens the report's own markup;
    # the text itself may say src= or url( (a traf-dev page quotes an iframe's src=).
    markup = re.findall(r"<[^>]*>", page) + re.findall(r"<style>(.*?)</style>", page, re.DOTALL)
    assert len(markup) > 100
    assert [part for part in markup if re.search(r"\ssrc=|url\(|@import", part)] == []
    # the only links are to the page's own sections
    assert {href[0] for href in re.findall(r'href="([^"]+)"', page)} == {"#"}
    assert "&lt;script&gt;alert(&quot;corpuskit&quot;)&lt;/script&gt; Menü" in page
    sections = re.findall(r'<section id="([^"]+)">', page)
    assert sections == [
        "summary", "funnel", "drops", "rules", "removed-lines", "sample", "sites",
        "languages", "lengths", "duplicates",
    ]  # fmt: skip
    assert sections == re.findall(r'<a href="#([^"]+)">', page)  # the table of contents
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


# --- exact labels, sites, the sample ---------------------------------------------------


def plot_texts(page: str, plot: str) -> list[str]:
    """The labels drawn at the ends of a plot's bars (``class="value"``), in order."""
    svg = page.split(f'<figure id="plot-{plot}">', 1)[1].split("</svg>", 1)[0]
    return re.findall(r'<text [^>]*class="value">([^<]*)</text>', svg)


def test_bar_labels_give_exact_counts(cleaned: Cleaned, tmp_path: Path) -> None:
    output = tmp_path / "r.html"
    stats = write_report(str(cleaned.corpus), str(output), rejects=str(cleaned.rejects))
    page = output.read_text(encoding="utf-8")
    stages = [
        s for s in stats.funnel() if s.step == "input" or s.counts.dropped or s.counts.chars_removed
    ]
    first = stages[0].chars
    pages, chars = (
        plot_texts(page, "funnel")[: len(stages)],
        plot_texts(page, "funnel")[len(stages) :],
    )
    assert pages == [f"{s.pages:,}" for s in stages]
    assert chars == [f"{s.chars:,} ({s.chars / first:.0%})" for s in stages]
    assert plot_texts(page, "drops") == [f"{n:,}" for _, n in stats.drops.most_common()]
    assert plot_texts(page, "rules") == [f"{n:,}" for _, n in stats.lines_removed.most_common()]
    assert not re.search(r">[0-9.]+[kMG]<", page), "no count written short"


def plain_site(record: dict[str, Any]) -> str:
    url = record.get("url")
    return urlsplit(url).hostname or url if url else os.path.dirname(record["source"]["path"])


def test_sites_count_pages_and_characters_per_host_or_folder(cleaned: Cleaned) -> None:
    records, rejects = cleaned.records(), cleaned.rejected()
    stats = gather(str(cleaned.corpus), str(cleaned.rejects))
    kept = Counter(plain_site(r) for r in records)
    rejected = Counter(plain_site(r) for r in rejects)
    chars = Counter()
    for r in records:
        chars[plain_site(r)] += len(r["text"])
    shown = {
        site.name: (site.pages, site.rejected, site.chars) for site, _, _ in stats.sites.biggest(50)
    }
    assert shown == {name: (kept[name], rejected[name], chars[name]) for name in kept | rejected}
    assert kept[HOST] == 3 and rejected[HOST] == 1
    [(site, pages, error)] = [entry for entry in stats.sites.biggest(50) if entry[0].name == HOST]
    assert (pages, error) == (4, 0)
    host_records = [r for r in records if plain_site(r) == HOST]
    read_in = sum(r["provenance"]["edits"][0]["chars_before"] for r in host_records)
    copy = next(r for r in rejects if plain_site(r) == HOST)
    read_in += copy["edits"][0]["chars_before"] if copy["edits"] else len(copy["text"])
    assert site.kept_share == sum(len(r["text"]) for r in host_records) / read_in
    [(_, times, error)] = [
        e for e in stats.sites.top_lines([HOST], 5)[HOST] if SHARE_LINE[:50] in e.key.text
    ]
    assert (times, error) == (3, 0)


def test_a_site_is_what_repeated_lines_counts_a_site(cleaned: Cleaned) -> None:
    step = RepeatedLines(scope="site")
    for record in cleaned.records():
        doc = Document.from_record(record)
        assert site_of(doc.url, doc.source.path) == step.scope_of(doc)


def test_sites_table_on_the_page(cleaned: Cleaned, tmp_path: Path) -> None:
    code, stdout, stderr = report(str(cleaned.corpus), "-o", str(tmp_path / "r.html"))
    assert code == 0, stderr
    assert "sites" in stdout and "most pages" in stdout
    rows = section_rows((tmp_path / "r.html").read_text(encoding="utf-8"), "sites")
    [row] = [row for row in rows if row[0].replace("<wbr>", "") == HOST]
    assert (row[1], row[2], row[4][-1]) == ("3", "1", "%")
    assert escape(SHARE_LINE[:40]) in row[5] and "×3" in row[5]


def test_sample_is_the_pages_of_lowest_hash_whatever_the_sharding(
    cleaned: Cleaned, tmp_path: Path
) -> None:
    records = cleaned.records()
    expected = sorted(records, key=lambda r: (rank(r["id"]), r["id"]))[:SAMPLE_PAGES]
    stats = gather(str(cleaned.corpus))
    assert [page.id for page in stats.sample.pages()] == [r["id"] for r in expected]
    clean(
        cleaned.folder / "pages",
        f"{tmp_path}/shards/",
        "--audit",
        "--dedup",
        "near",
        "--shard-size",
        "7",
    )
    sharded = gather(str(tmp_path / "shards"))
    assert [page.id for page in sharded.sample.pages()] == [r["id"] for r in expected]
    code, _, stderr = report(str(cleaned.corpus), "-o", str(tmp_path / "r.html"))
    assert code == 0, stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    articles = re.findall(r'<article class="sample" id="sample-(\d+)">(.*?)</article>', page, re.S)
    assert [int(n) for n, _ in articles] == list(range(1, SAMPLE_PAGES + 1))
    for (_, body), record in zip(articles, expected, strict=True):
        where = record.get("url") or record["source"]["path"]
        assert escape(where) in body.replace("<wbr>", "")


def test_sampled_pages_show_removed_lines_struck_through_by_rule(
    cleaned: Cleaned, tmp_path: Path
) -> None:
    output = tmp_path / "all.html"
    code, _, stderr = report(str(cleaned.corpus), "-o", str(output), "--sample", "1000")
    assert code == 0, stderr
    page = output.read_text(encoding="utf-8")
    records = cleaned.records()
    assert page.count('<article class="sample"') == len(records)
    struck = re.findall(
        r'<div class="x r(\d+)" title="([^"]*)"><del>(.*?)</del><span class="why">([^<]*)</span>',
        page,
    )
    colours: dict[str, set[str]] = {}
    for colour, title, _, rule in struck:
        assert title.endswith(f": {rule}")
        colours.setdefault(rule, set()).add(colour)
    assert all(len(found) == 1 for found in colours.values()), "one colour per rule"
    stats = gather(str(cleaned.corpus), str(cleaned.rejects))  # as the command finds them
    ranked = [rule for rule, _ in stats.lines_removed.most_common()]
    first = [rule for rule in ranked[: len(RULE_COLOURS)] if rule in colours]
    assert len({colours[rule].pop() for rule in first}) == len(first), "the first rules differ"
    markup = escape(MARKUP_LINE)
    assert ("repeated_lines: repeated_line", markup) in {(t, text) for _, t, text, _ in struck}
    legend = page.split('<p class="legend">', 1)[1].split("</p>", 1)[0]
    assert all(f"<del>{rule}</del>" in legend for rule in colours)


def test_page_as_read_is_what_explain_shows(tmp_path: Path) -> None:
    """The README's first command with --audit: each seed page rebuilt from its record
    has the lines, and the removed lines' rules, that ``explain`` finds on the file."""
    corpus = tmp_path / "corpus.jsonl"
    args = ["clean", "fixtures/pages", "-o", str(corpus), "--audit", "-q"]
    done = subprocess.run([sys.executable, "-m", "corpuskit", *args], cwd=ROOT, capture_output=True)
    assert done.returncode == 0, done.stderr
    recipe = load_recipe("default")
    for record in read_jsonl(corpus):
        [page] = read([str(ROOT / record["source"]["path"])])
        verdicts = explain(page, recipe.pipeline).lines
        lines, placed = as_read(Document.from_record(record))
        assert placed and len(lines) == len(verdicts)
        assert [(line.rule, line.step) for line in lines] == [(v.rule, v.step) for v in verdicts]
        removed = [(line.text, v.text) for line, v in zip(lines, verdicts, strict=True) if v.rule]
        # a removed line as its step saw it: after the normalizers (no-break spaces trimmed)
        assert all(ours.strip() == theirs.strip() for ours, theirs in removed)


def test_without_audit_or_with_sample_zero_there_is_no_sample(
    cleaned: Cleaned, tmp_path: Path
) -> None:
    code, _, stderr = report(str(cleaned.corpus), "-o", str(tmp_path / "r.html"), "--sample", "0")
    assert code == 0, stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<section id="sample">' in page and '<article class="sample"' not in page
    code, _, stderr = report(str(cleaned.corpus), "--sample", "-1")
    assert code == 2


# --- bounded memory ---------------------------------------------------------------------


def many_pages(folder: Path, pages: int) -> Path:
    """A corpus file of ``pages`` records, each of its own site, each with 40 removed lines
    no other page has and one line every page has: more keys than any counter holds."""
    corpus = folder / f"many-{pages}.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for n in range(pages):
            lines = [
                {"line": i + 1, "text": f"Menü {n} {i}", "rule": "boilerplate"} for i in range(40)
            ]
            lines.append({"line": 41, "text": "Startseite", "rule": "site_chrome"})
            removed = {"boilerplate": 40, "site_chrome": 1}
            edit = {
                "step": "junk_lines",
                "chars_before": 600,
                "chars_after": 20,
                "removed": removed,
            }
            record = {
                "id": f"p{n}",
                "text": "Der Rat hat abgestimmt.",
                "url": f"https://site{n}.example/a",
                "source": {"path": "dump.jsonl", "line": n + 1},
                "provenance": {"edits": [{**edit, "lines": lines}]},
            }
            out.write(json.dumps(record) + "\n")
    return corpus


def test_state_stays_bounded_whatever_the_corpus(tmp_path: Path) -> None:
    """Four times the pages, sites and distinct removed lines: the same state, at most
    the capacities given (small here, so that a few hundred pages exceed them)."""
    for pages in (300, 1200):
        stats = CorpusStats(
            str(tmp_path), removed_lines=RemovedLines(500), sites=Sites(40, 500), sample=Sampler(5)
        )
        for line in read_lines(str(many_pages(tmp_path, pages))):
            stats.add_line(line, "corpus")
        assert stats.pages == pages and len(stats.removed_lines) <= 500
        assert len(stats.sites.details) <= 40 and len(stats.sites.lines) <= 500
        assert len(stats.sample.pages()) == 5
        [(key, times, error)] = stats.removed_lines.most_common(1)
        assert key.text == "Startseite" and times - error <= pages <= times, "held, bounds true"


def test_a_sampled_page_keeps_a_bounded_number_of_rows() -> None:
    chrome = ("junk_lines", "site_chrome")
    alternating = [ShownLine(f"Zeile {n}", *(chrome if n % 2 else ())) for n in range(5_000)]
    rows, more = shown(alternating)
    assert len(rows) == MAX_ROWS and sum(row.lines for row in rows) + more == 5_000
    rows, more = shown([ShownLine(f"Link {n}", *chrome) for n in range(5_000)])
    assert len(rows) == 2 * RUN_EDGE + 1 and more == 0
    assert rows[RUN_EDGE].skipped == 5_000 - 2 * RUN_EDGE
    assert rows[RUN_EDGE].text == f"{5_000 - 2 * RUN_EDGE:,} more removed lines: site_chrome 4,988"
    [(long, *_)] = [shown([ShownLine("x" * 100_000)])[0]]
    assert long.text.endswith("(99,000 more characters)") and len(long.text) < MAX_LINE_CHARS + 30


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


def test_the_report_needs_no_plotting_library(cleaned: Cleaned, tmp_path: Path) -> None:
    """After the README's first command (``pip install -e .``): no extra, so matplotlib
    made unimportable in a fresh interpreter, the way a missing package is, and plots."""
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from corpuskit.cli import main; sys.argv = ['corpuskit', *sys.argv[1:]]\n"
        "main()"
    )
    output = tmp_path / "r.html"
    command = [sys.executable, "-c", code, "report", str(cleaned.corpus), "-o", str(output), "-q"]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert output.read_text(encoding="utf-8").count("<svg") == 5
    requires = importlib.metadata.requires("corpuskit") or []
    assert not [r for r in requires if "matplotlib" in r], "no extra needs it either"


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
    assert "Example:" in shown["report"] and "--audit" in shown["report"]
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
