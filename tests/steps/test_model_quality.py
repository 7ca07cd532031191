"""``quality_model``: a fastText classifier the test trains on data it makes (no model
is downloaded or shipped), its scores, the threshold's rejects, one load per process,
the same corpus with one worker or two, and clear errors for a missing or bad file."""

from __future__ import annotations

import json
import os
import pickle
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpuskit.cli import app
from corpuskit.document import Document, Drop
from corpuskit.errors import CorpuskitError
from corpuskit.recipes import load_recipe
from corpuskit.recipes.compose import compose, unused_options
from corpuskit.recipes.defaults import default_pipeline
from corpuskit.steps import model_quality
from corpuskit.steps.model_quality import QualityModel
from tests.conftest import doc_from

fasttext = pytest.importorskip("fasttext", reason="the quality-model extra (fasttext-wheel)")

runner = CliRunner()

PROSE_WORDS = [
    "the",
    "council",
    "met",
    "on",
    "monday",
    "and",
    "voted",
    "to",
    "build",
    "a",
    "new",
    "bridge",
    "over",
    "the",
    "river",
    "because",
    "residents",
    "had",
    "asked",
    "for",
    "safer",
    "crossing",
    "while",
    "engineers",
    "studied",
    "costs",
    "and",
    "schedules",
    "for",
    "years",
    "before",
    "the",
    "committee",
    "published",
    "its",
    "careful",
    "report",
    "on",
    "public",
    "transport",
]
SPAM_WORDS = [
    "click",
    "here",
    "buy",
    "now",
    "cheap",
    "casino",
    "bonus",
    "free",
    "download",
    "login",
    "subscribe",
    "win",
    "prize",
    "best",
    "deals",
    "offer",
    "discount",
    "hot",
    "singles",
    "viagra",
    "crypto",
    "airdrop",
    "share",
    "like",
    "follow",
]


def sentence(rng: random.Random, words: list[str], length: int) -> str:
    return " ".join(rng.choice(words) for _ in range(length))


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny supervised model (``__label__hq`` prose against ``__label__cc`` spam)
    trained on 400 lines made here: one thread and a fixed seed, so the same model on
    every run."""
    folder = tmp_path_factory.mktemp("model")
    rng = random.Random(18)
    lines = []
    for _ in range(200):
        lines.append("__label__hq " + sentence(rng, PROSE_WORDS, 14))
        lines.append("__label__cc " + sentence(rng, SPAM_WORDS, 8))
    data = folder / "train.txt"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    trained = fasttext.train_supervised(
        str(data), dim=8, epoch=25, thread=1, seed=1, minCount=1, verbose=0
    )
    path = folder / "quality.bin"
    trained.save_model(str(path))
    return path


PROSE = "The council met on Monday.\nIt voted to build a new bridge over the river."
SPAM = "Click here: buy now!\nFree casino bonus, win a prize, hot deals."


def test_scores_prose_high_and_spam_low(model: Path) -> None:
    step = QualityModel(str(model))
    prose, spam = step(doc_from(PROSE)), step(doc_from(SPAM))
    assert isinstance(prose, Document) and isinstance(spam, Document)
    assert prose.meta["quality_score"] > 0.8 > 0.2 > spam.meta["quality_score"]
    assert step.score(PROSE) == QualityModel(str(model), label="__label__hq").score(PROSE)
    cc = QualityModel(str(model), label="cc", field="cc_score")(doc_from(PROSE))
    assert isinstance(cc, Document)
    assert cc.meta["cc_score"] == pytest.approx(1 - prose.meta["quality_score"], abs=2e-4)
    assert prose.edits[-1].fields == ("quality_score",)


def test_threshold_rejects_below_it(model: Path) -> None:
    step = QualityModel(str(model), threshold=0.5)
    assert isinstance(step(doc_from(PROSE)), Document)
    drop = step(doc_from(SPAM))
    assert isinstance(drop, Drop) and drop.reason == "low_score"
    assert drop.detail.startswith("score 0.") and drop.detail.endswith(" < 0.5")


def test_loaded_once_per_process_and_again_when_the_file_changes(
    model: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.bin"
    copy.write_bytes(model.read_bytes())
    first = model_quality.loaded(str(copy))
    assert model_quality.loaded(str(copy)) is first
    status = copy.stat()
    os.utime(copy, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    assert model_quality.loaded(str(copy)) is not first
    assert sum(key[0] == str(copy.resolve()) for key in model_quality._LOADED) == 1


def test_the_step_pickles_without_its_model(model: Path) -> None:
    step = QualityModel(str(model))
    step(doc_from(PROSE))  # loaded in this process
    assert len(pickle.dumps(step)) < 1_000 < model.stat().st_size
    assert pickle.loads(pickle.dumps(step)) == step


def test_missing_bad_and_unlabelled_models_are_clear(model: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"model: no such file: nowhere\.bin"):
        QualityModel("nowhere.bin")
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"not a model at all")
    with pytest.raises(ValueError, match=r"bad\.bin is not a fastText model file"):
        QualityModel(str(bad))
    with pytest.raises(ValueError, match="threshold: a probability"):
        QualityModel(str(model), threshold=2.0)
    with pytest.raises(CorpuskitError, match=r"quality_model: no such file: nowhere\.bin"):
        compose(default_pipeline(), quality_model="nowhere.bin")
    with pytest.raises(ValueError, match=r"no label '__label__edu' \(its labels: __label__cc"):
        QualityModel(str(model), label="edu").score(PROSE)


def test_composed_before_redaction_and_the_duplicate_steps(model: Path, tmp_path: Path) -> None:
    names = compose(default_pipeline(), quality_model=str(model), redact_pii=True).names
    assert names[-3:] == ("quality_model", "redact_pii", "exact_duplicates")
    assert unused_options({"quality_threshold": 0.5}) == [
        ("quality_threshold", "quality_model", None)
    ]
    recipe = tmp_path / "r.toml"
    recipe.write_text(
        f'[[steps]]\nstep = "quality_model"\nmodel = "{model}"\nlabel = "cc"\nthreshold = 0.3\n',
        encoding="utf-8",
    )
    [step] = load_recipe(recipe).pipeline.steps
    assert step == QualityModel(str(model), label="cc", threshold=0.3)


def test_cli_two_workers_write_the_same_corpus(model: Path, tmp_path: Path) -> None:
    rng = random.Random(5)
    records = [
        {"id": str(i), "text": sentence(rng, PROSE_WORDS if i % 3 else SPAM_WORDS, 30) + "."}
        for i in range(24)
    ]
    pages = tmp_path / "in.jsonl"
    pages.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    written = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        args = ["clean", str(pages), "-o", str(out), "--quality-model", str(model)]
        result = runner.invoke(app, [*args, "--quality-threshold", "0.5", "--workers", workers])
        assert result.exit_code == 0, result.output
        rejects = tmp_path / f"out{workers}.rejects.jsonl"
        written.append((out.read_bytes(), rejects.read_bytes()))
    assert written[0] == written[1]
    kept = [json.loads(line) for line in written[0][0].decode().splitlines()]
    rejected = [json.loads(line) for line in written[0][1].decode().splitlines()]
    assert {r["id"] for r in rejected} == {str(i) for i in range(0, 24, 3)}
    assert all(r["reason"] == "low_score" for r in rejected)
    assert all(r["meta"]["quality_score"] >= 0.5 for r in kept)
    missing = runner.invoke(app, ["clean", str(pages), "-o", "-", "--quality-model", "x.bin"])
    assert missing.exit_code == 2
    assert missing.stderr.strip() == "error: --quality-model: no such file: x.bin"
