"""The generalization harness (bench/): its fast scorer agrees with the benchmark's own
score.py, and article gold labels lines by its stated rule, on real dev-set pages."""

from __future__ import annotations

import random

import pytest

from tests.conftest import SHARED


def sample_lines(folder_name: str, count: int) -> list[tuple[str, list[str]]]:
    """The first ``count`` pages of a dev set (by id), as the lines of their naive text."""
    from devsets import DevSet

    devset = DevSet.of(SHARED / "bench" / folder_name)
    pages = []
    for page_id in devset.ids[:count]:
        text = devset.page_path(page_id, "text").read_text(encoding="utf-8")
        pages.append((page_id, text.split("\n")))
    return pages


@pytest.mark.parametrize("name", ["traf-dev", "dragnet-dev"])
def test_quick_score_is_score_py(name: str) -> None:
    """The threshold search scores kept lines without making texts; on 40 pages with
    random lines kept, its F is score.py's."""
    from devsets import DevSet
    from train_line_model import QuickScore, summary_f1

    if not (SHARED / "bench" / name).is_dir():
        pytest.skip(f"the {name} benchmark is not beside the project")
    devset = DevSet.of(SHARED / "bench" / name)
    chosen = random.Random(15)
    kept, texts = {}, {}
    for page_id, lines in sample_lines(devset.name, 40):
        kept[page_id] = [i for i in range(len(lines)) if chosen.random() < 0.6]
        texts[page_id] = "\n".join(lines[i] for i in kept[page_id])
    exact = devset.evaluate(texts, list(texts))
    rows = []
    for page_id, lines in sample_lines(devset.name, 40):
        rows.append(QuickScore(devset, page_id, lines).page(kept[page_id]))
    assert summary_f1(rows) == pytest.approx(exact["f1"], abs=1e-12)


def test_article_labels_follow_the_rule() -> None:
    """Main text in whole or split sentences and whole article lines; furniture when
    nothing is shared or a comment line; partial overlap unlabelled."""
    from train_line_model import article_labels

    article = "The council approved the new budget on Monday evening.\nBudget vote"
    lines = [
        "Home",  # a word the article never uses: furniture
        "The council approved the",  # a sentence split at a link: its block is main text
        "new budget",
        "on Monday evening.",
        "",
        "Budget vote",  # a whole line of the article: main text
        "",
        "The council approved the new budget, says a commenter who disagrees loudly",
        "",
        "Reply",  # a line of the comment thread: furniture
    ]
    labels = article_labels(lines, article, "Reply\nI disagree")
    assert labels == {0: 0, 1: 1, 2: 1, 3: 1, 5: 1, 9: 0}, "line 7 overlaps: unlabelled"
