"""``filter_urls``: block and allow lists (domains, URL prefixes, patterns), the URL
signals, each reject with its reason and where the entry is written; and the step on
the command line, the same output with one worker or two."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpuskit.cli import app
from corpuskit.document import Document, Drop
from corpuskit.recipes.compose import compose
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.steps.urls import FilterUrls
from tests.conftest import doc_from
from tests.test_linear import MAX_RATIO, cpu

runner = CliRunner()

BLOCK = """# adult and phishing, as UT1 writes them
bad.example
*.Worse.Example
example.org/ads/
example.net/promo
regex:/wp-login\\.php
"""


def verdict(step: FilterUrls, url: str | None) -> tuple[str, str] | None:
    result = step(doc_from("Text.", url=url))
    return (result.reason, result.detail) if isinstance(result, Drop) else None


@pytest.fixture
def block(tmp_path: Path) -> Path:
    path = tmp_path / "block.txt"
    path.write_text(BLOCK, encoding="utf-8")
    return path


def test_domains_match_the_host_and_every_host_under_it(block: Path) -> None:
    step = FilterUrls(blocklist=str(block))
    assert verdict(step, "https://bad.example/a") == (
        "url_blocked",
        "domain bad.example (block.txt:2)",
    )
    assert verdict(step, "http://a.b.BAD.example:8080/") == (
        "url_blocked",
        "domain bad.example (block.txt:2)",
    )
    assert verdict(step, "https://www.worse.example/") == (
        "url_blocked",
        "domain worse.example (block.txt:3)",
    )
    assert verdict(step, "https://notbad.example/") is None
    assert verdict(step, "https://bad.example.com/") is None


def test_url_prefixes_end_at_a_path_boundary(block: Path) -> None:
    step = FilterUrls(blocklist=str(block))
    blocked = ("url_blocked", "url example.org/ads/ (block.txt:4)")
    assert verdict(step, "https://www.example.org/ads/banner?id=1") == blocked
    assert verdict(step, "https://example.net/promo/x")[1].startswith("url example.net/promo")  # type: ignore[index]
    assert verdict(step, "https://example.net/promotion") is None
    assert verdict(step, "https://example.org/news/ads/") is None


def test_patterns_are_searched_and_must_not_backtrack(block: Path, tmp_path: Path) -> None:
    step = FilterUrls(blocklist=str(block))
    assert verdict(step, "https://blog.test/wp-login.php?x") == (
        "url_blocked",
        "pattern /wp-login\\.php (block.txt:6)",
    )
    bad = tmp_path / "bad.txt"
    bad.write_text("regex:(a+)+b\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"blocklist: bad.txt:1: pattern .* refused: nested"):
        FilterUrls(blocklist=str(bad))


def test_allow_list_keeps_only_what_it_names(tmp_path: Path) -> None:
    allow = tmp_path / "allow.txt"
    allow.write_text("gov.uk\nexample.com/news/\n", encoding="utf-8")
    step = FilterUrls(allowlist=str(allow))
    assert verdict(step, "https://www.gov.uk/guidance") is None
    assert verdict(step, "https://example.com/news/1") is None
    assert verdict(step, "https://example.com/shop/1") == (
        "url_not_allowed",
        "example.com is not in allow.txt",
    )


def test_url_signals_each_with_its_reason() -> None:
    step = FilterUrls()
    assert verdict(step, "http://[2001:db8::1]/x")[0] == "ip_host"  # type: ignore[index]
    assert verdict(step, "https://a.test/?" + "q=" + "x" * 300) == (
        "long_query",
        "query of 302 characters > 256",
    )
    many = "&".join(f"p{i}=1" for i in range(12))
    assert verdict(step, f"https://a.test/?{many}") == ("many_params", "12 query parameters > 10")
    assert verdict(step, "https://a.test/" + "a" * 3000)[0] == "long_url"  # type: ignore[index]
    assert verdict(step, "http://[::1/x")[0] == "bad_url"  # type: ignore[index]
    assert verdict(step, "mailto:someone")[0] == "bad_url"  # type: ignore[index]
    off = FilterUrls(ip_hosts=False, max_query_chars=0, max_query_params=0, max_url_chars=0)
    assert verdict(off, "http://10.0.0.1/?" + "&".join(["a=1"] * 500)) is None


def test_a_page_without_a_url_passes_marked() -> None:
    doc = FilterUrls()(doc_from("Text."))
    assert isinstance(doc, Document) and doc.meta["url_filter"] == "no_url"
    warc = doc_from("Text.")
    warc = Document(
        warc.id,
        warc.text,
        warc.source.__class__("a.warc", "warc", warc_target_uri="http://10.1.1.1/"),
    )
    assert isinstance(FilterUrls()(warc), Drop)


def test_a_list_edited_changes_the_configuration(block: Path) -> None:
    before = FilterUrls(blocklist=str(block)).config
    block.write_text(BLOCK + "more.example\n", encoding="utf-8")
    assert FilterUrls(blocklist=str(block)).config != before


def test_composed_first_and_a_missing_list_names_the_option(block: Path) -> None:
    names = compose(default_pipeline(), url_blocklist=str(block)).names
    assert names[0] == "filter_urls"
    with pytest.raises(Exception, match="url_blocklist: cannot read"):
        compose(default_pipeline(), url_blocklist=str(block.parent / "missing.txt"))


def test_work_is_linear_in_the_url(block: Path) -> None:
    step = FilterUrls(blocklist=str(block), max_url_chars=0, max_query_chars=0)

    def cost(size: int) -> float:
        url = "https://" + "a." * (size // 4) + "test/" + "x/" * (size // 4)
        doc = doc_from("Text.", url=url)
        return cpu(lambda: step(doc))

    assert cost(200_000) <= MAX_RATIO * cost(20_000)


def test_cli_lists_and_workers_give_the_same_corpus(block: Path, tmp_path: Path) -> None:
    sentence = "The council met on {} and voted to build the bridge over the river at last."
    urls = [
        "https://www.bad.example/story",
        "https://example.org/ads/x",
        "https://example.org/news/1",
        "http://93.184.216.34/",
        None,
        "https://news.test/contact",
    ]
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    records = [
        {"id": day, "text": sentence.format(day) + " Mail desk@news.test today.", "url": url}
        for day, url in zip(days, urls, strict=True)
    ]
    pages = tmp_path / "in.jsonl"
    pages.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        args = ["clean", str(pages), "-o", str(out), "--url-blocklist", str(block)]
        result = runner.invoke(app, [*args, "--redact-pii", "--workers", workers, "-q"])
        assert result.exit_code == 0, result.output
        outputs.append((out.read_bytes(), (tmp_path / f"out{workers}.rejects.jsonl").read_bytes()))
    assert outputs[0] == outputs[1]
    kept = [json.loads(line) for line in outputs[0][0].decode().splitlines()]
    assert [r["id"] for r in kept] == ["Wednesday", "Friday", "Saturday"]
    assert all("<EMAIL>" in r["text"] for r in kept)
    rejected = [json.loads(line) for line in outputs[0][1].decode().splitlines()]
    assert [(r["id"], r["reason"]) for r in rejected] == [
        ("Monday", "url_blocked"),
        ("Tuesday", "url_blocked"),
        ("Thursday", "ip_host"),
    ]
    missing = runner.invoke(app, ["clean", str(pages), "-o", "-", "--url-allowlist", "nope.txt"])
    assert missing.exit_code == 2
    assert (
        missing.stderr.strip()
        == "error: --url-allowlist: cannot read nope.txt: No such file or directory"
    )


def test_a_recipe_names_its_lists_relative_to_itself(block: Path, tmp_path: Path) -> None:
    from corpuskit.recipes import load_recipe

    recipe = tmp_path / "r.toml"
    recipe.write_text(
        '[[steps]]\nstep = "filter_urls"\nblocklist = "block.txt"\nmax_query_params = 3\n',
        encoding="utf-8",
    )
    [step] = load_recipe(recipe).pipeline.steps
    assert step == FilterUrls(blocklist=block, max_query_params=3)
    assert verdict(step, "https://bad.example/") == (
        "url_blocked",
        "domain bad.example (block.txt:2)",
    )  # type: ignore[arg-type]
