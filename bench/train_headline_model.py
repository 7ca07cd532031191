"""Train the headline ranker of ``lift_metadata`` (text mode) on the dev sets, and say how
well it does on pages it never saw.

    python bench/train_headline_model.py ../shared/bench/traf-dev ../shared/bench/dragnet-dev
    python bench/train_headline_model.py ../shared/bench/{traf-dev,dragnet-dev} --write

Every page of each set is taken as ``lift_metadata`` gets it in text mode (the default
pipeline's steps before it), its datelines and bylines marked as the step marks them
(``LiftMetadata.marked``); its candidate lines get their features
(``corpuskit/steps/headlines.py``). The label is the HTML-mode title of the same page
(the default pipeline's ``title`` in HTML mode, as ``bench/quality.py --headlines``
measures): a candidate equal to it (case and runs of spaces aside) is a headline, the
others are not; a page where no candidate equals it is not trained on.

What is fitted, and only on the training pages: a conditional logit (``fit``: the
softmax of the candidates' scores of a page, the log of the summed odds of the
headline's copies maximized by Newton's method on standardized features (the Hessian
of the softmax, the copies weighed by their odds: an EM-like step, each step halved
until the loss falls), L2 as ``train_line_model``),
every page weighing the same, every set the same in total; then the threshold, the one
of ``THRESHOLDS`` that the best candidate's share of the odds must reach to be lifted,
chosen for the most right titles less wrong ones on the training pages (of the pages
with an HTML title). A pointwise logistic regression (``train_line_model.fit``) was
tried first: it ranked the headline first on 4 points fewer pages.

Printed, as the step would lift on pages it did not see (the ranker's best line over
the threshold, else a sure rule's, as the step runs them; ``--sure-rules-first``: the
order before, a sure rule's line first): cross-validated by page (``FOLDS`` folds over
both sets) and leave-one-dataset-out (fitted on one set, scored on the other), the
headline match (the HTML title lifted, of the pages whose dump holds it as a line) and
the wrong lifts (a title lifted that is not the HTML title, and of those how many
contain it or are contained in it). ``--curves`` prints, fitted on one set and
scored on the other, the right and wrong titles at every threshold on both (where the
fitted threshold lands on the held-out set's curve). ``--misses`` counts instead each set's
leave-one-dataset-out misses by kind (``MISSES``: the title not a candidate, nothing
lifted, or which other line was lifted and where it sits). ``--write`` fits on every
page of every set given and writes ``corpuskit/data/headline_model.toml``.
Deterministic: no randomness, folds by id.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import sys
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from devsets import ROOT, DevSet, cached, read_pages

import corpuskit
from corpuskit.document import Document
from corpuskit.pipeline import Pipeline
from corpuskit.steps.headlines import NAMES, HeadlineModel, body_start, candidates, measured
from corpuskit.steps.metadata import LiftMetadata, _find_headline

MODEL = ROOT / "corpuskit" / "data" / "headline_model.toml"
#: Thresholds tried for the best candidate's share of the odds.
THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(20))
#: L2 penalty on the standardized weights (the loss is a weighted mean): mild, for 31
#: features and 1,500-odd pages. 0.03 since the split bylines (docs/quality.md,
#: "Headlines in text mode", fifth session): cross-validated right less wrong titles 584
#: against 0.01's 581; by LODO the threshold fitted on the other set moves with it, and
#: only 0.03 of 0.005-0.05 raised the match on both sets without more wrong titles.
L2 = 0.03
NEWTON_STEPS = 50
FOLDS = 5
#: Files that do not change the pages as they reach lift_metadata nor the HTML titles
#: (but for pages without one; see ``html_titles``): the cache survives their edits.
OWN_FILES = frozenset({"metadata.py", "headlines.py", "headline_model.toml"})


def plain(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class Page:
    """One page: its candidates' features and labels, the sure rules' title, the HTML
    title and whether the dump holds it as a line."""

    key: tuple[str, str]
    x: np.ndarray
    lines: list[str]
    y: np.ndarray
    sure: str | None
    title: str | None
    held: bool
    sure_first: bool = False  # a sure rule's title before the ranker's (the old order)
    # where lines sit, as indices among the page's kept lines (non-blank, not a dateline
    # or byline): the HTML title's copies, the first copy of each candidate, the body's
    # start (``--misses``)
    title_at: tuple[int, ...] = ()
    places: dict[str, int] | None = None
    body: int | None = None


def upstream_digest(html: bool = True) -> str:
    """A digest of the package's code and data but this model's own files and the line
    models: what the pages reaching lift_metadata and the HTML titles depend on. Text
    mode never reads ``corpuskit/html/`` (steps do not import it: ``test_layering``), so
    the text pages' digest (``html`` false) leaves it out and survives its edits."""
    digest = hashlib.sha256()
    package = ROOT / "corpuskit"
    skip = OWN_FILES | {"line_model.toml", "html_line_model.toml"}
    for path in sorted(package.rglob("*")):
        if not html and path.relative_to(package).parts[0] == "html":
            continue
        if path.is_file() and path.suffix in (".py", ".toml") and path.name not in skip:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def before_lift(devset: DevSet) -> dict[str, str | None]:
    """By page id, the text as it reaches ``lift_metadata`` in text mode (None: dropped)."""

    def make() -> dict[str, str | None]:
        pipeline = corpuskit.default_pipeline()
        steps = Pipeline(list(pipeline.steps[: pipeline.names.index("lift_metadata")]))
        out = {}
        for page_id, doc in zip(devset.ids, read_pages(devset, "text"), strict=True):
            done = steps(doc)
            out[page_id] = done.text if isinstance(done, Document) else None
        return out

    return dict(cached(f"before-lift-{devset.name}-{upstream_digest(html=False)}.pickle", make))


def html_titles(devset: DevSet) -> dict[str, str | None]:
    """By page id, the default pipeline's title in HTML mode (``quality.measure``). On a
    page whose HTML has no title of its own, that title is the text rules' guess, so
    the cache keyed without this model's files can lag on those few pages."""
    import quality

    def make() -> dict[str, str | None]:
        return dict(quality.measure(devset.folder, "html").titles)

    return dict(cached(f"html-titles-{devset.name}-{upstream_digest()}.pickle", make))


def pages(devset: DevSet, step: LiftMetadata) -> list[Page]:
    texts, titles = before_lift(devset), html_titles(devset)
    out = []
    for page_id in devset.ids:
        text = texts[page_id]
        if text is None:
            continue
        lines = text.split("\n")
        reasons, _, end, author_at = step.marked(lines)
        found = candidates(lines, reasons, step.vocabulary.leads)
        title = titles.get(page_id)
        wanted = plain(title) if title else None
        held = wanted is not None and any(plain(line) == wanted for line in lines)
        found_sure = _find_headline(lines, end, author_at, reasons)
        sure = None if found_sure is None else lines[found_sure[0]]
        x = np.array([row for _, row in found]).reshape(len(found), len(NAMES))
        y = np.array([float(plain(lines[i]) == wanted) for i, _ in found])
        picked = [lines[i].strip() for i, _ in found]
        kept = [i for i, line in enumerate(lines) if line.strip() and not reasons[i]]
        place = {index: k for k, index in enumerate(kept)}
        title_at = tuple(k for k, i in enumerate(kept) if plain(lines[i]) == wanted)
        places: dict[str, int] = {}
        for index, _ in found:
            places.setdefault(plain(lines[index]), place[index])
        body = body_start(measured([lines[i] for i in kept])[1])
        key = (devset.name, page_id)
        out.append(Page(key, x, picked, y, sure, title, held, False, title_at, places, body))
    return out


def train(train: list[Page]) -> tuple[np.ndarray, float]:
    """The weights and threshold fitted on ``train``."""
    w = fit([p for p in train if p.y.any()])
    threshold = max(THRESHOLDS, key=lambda t: _gain(train, w, t))
    return w, threshold


def fit(used: list[Page]) -> np.ndarray:
    """Weights for raw features maximizing the pages' mean log of the summed odds of
    their headline's copies under the softmax of their candidates' scores (less
    ``L2``; copies of a line are one headline, as ``HeadlineModel.best`` adds them up),
    each set weighing the same; Newton's method, halving a step that does not lower
    the loss."""
    x = np.vstack([p.x for p in used])
    mean, scale = x.mean(0), x.std(0)
    scale[scale == 0] = 1.0
    per_set = {name: sum(p.key[0] == name for p in used) for name in {p.key[0] for p in used}}
    total = len(per_set)
    pages = [((p.x - mean) / scale, p.y / p.y.sum(), 1 / per_set[p.key[0]] / total) for p in used]
    w = np.zeros(x.shape[1])
    for _ in range(NEWTON_STEPS):
        gradient, hessian = L2 * w, np.diag(np.full(len(w), L2))
        for z, y, weight in pages:
            p = _softmax(z @ w)
            centre = p @ z
            q = p * y / (p @ y)  # the copies of the headline, by their odds
            gradient += weight * (centre - q @ z)
            hessian += weight * ((z * p[:, None]).T @ z - np.outer(centre, centre))
        step = np.linalg.solve(hessian, gradient)
        base, size = _loss(pages, w), 1.0
        while _loss(pages, w - size * step) > base and size > 1e-4:
            size /= 2
        w -= size * step
        if np.abs(size * step).max() < 1e-7:
            break
    return w / scale


def _softmax(scores: np.ndarray) -> np.ndarray:
    odds = np.exp(scores - scores.max())
    return odds / odds.sum()


def _loss(pages: list[tuple[np.ndarray, np.ndarray, float]], w: np.ndarray) -> float:
    loss = L2 / 2 * float(w @ w)
    for z, y, weight in pages:
        scores = z @ w
        top = scores.max()
        odds = np.exp(scores - top)
        loss += weight * (np.log(odds.sum()) - np.log(odds @ (y > 0)))
    return float(loss)


def lifted(page: Page, w: np.ndarray, threshold: float) -> str | None:
    """The title the step lifts: the ranker's best over threshold, else a sure rule's
    (with ``Page.sure_first``, as before: a sure rule's, else the ranker's)."""
    sure = None if page.sure is None else page.sure.strip()
    if page.sure_first and sure is not None:
        return sure
    if not len(page.y):
        return sure
    odds = _softmax(page.x @ w)
    shares: dict[str, float] = {}  # copies of a line add up (``HeadlineModel.best``)
    for line, share in zip(page.lines, odds, strict=True):
        shares[plain(line)] = shares.get(plain(line), 0.0) + float(share)
    best = max(range(len(odds)), key=lambda j: (shares[plain(page.lines[j])], odds[j], -j))
    return page.lines[best] if shares[plain(page.lines[best])] >= threshold else sure


def _gain(train: list[Page], w: np.ndarray, threshold: float) -> int:
    """Right titles less wrong ones, on the pages whose dump holds the HTML title (on
    the others, the line lifted may be the page's printed headline where ``<title>``
    says something else)."""
    right, wrong = _counts(train, w, threshold)
    return right - wrong


def _counts(pages: list[Page], w: np.ndarray, threshold: float) -> tuple[int, int]:
    """Right and wrong titles lifted on the held pages of ``pages``."""
    right = wrong = 0
    for page in pages:
        title = lifted(page, w, threshold)
        if title is not None and page.held:
            right += plain(title) == plain(page.title or "")
            wrong += plain(title) != plain(page.title or "")
    return right, wrong


def rates(test: list[Page], w: np.ndarray, threshold: float) -> str:
    """Headline match on the held pages; lifts; wrong lifts on the held pages and on
    all pages with an HTML title (and of those how many contain or are contained in
    it)."""
    held = matched = wrong_held = wrong = inside = lifts = 0
    for page in test:
        title = lifted(page, w, threshold)
        lifts += title is not None
        right = title is not None and plain(title) == plain(page.title or "")
        held += page.held
        matched += page.held and right
        if title is not None and page.title and not right:
            wrong_held += page.held
            wrong += 1
            a, b = plain(title), plain(page.title)
            inside += a in b or b in a
    return (
        f"match {matched}/{held} = {matched / max(held, 1):.3f}  lifted {lifts}/{len(test)}"
        f"  wrong {wrong_held} held, {wrong} in all (containing or inside: {inside})"
    )


def fold(page: Page) -> int:
    return zlib.crc32(page.key[1].encode()) % FOLDS


def report(by_set: dict[str, list[Page]]) -> list[str]:
    out = []
    everything = [p for ps in by_set.values() for p in ps]
    for name, ps in by_set.items():
        covered = sum(p.held and p.y.any() for p in ps)
        held = sum(p.held for p in ps)
        out.append(f"{name}: the HTML title is a candidate on {covered} of the {held} held pages")
    for name, ps in by_set.items():
        predictions: list[Page] = []
        for k in range(FOLDS):
            w, t = train([p for p in everything if fold(p) != k])
            predictions += [_fixed(p, w, t) for p in ps if fold(p) == k]
        out.append(f"cv    {name:12} {rates(predictions, np.zeros(len(NAMES)), 0.0)}")
    for name, ps in by_set.items():
        others = [p for n, q in by_set.items() if n != name for p in q]
        w, t = train(others)
        out.append(f"lodo  {name:12} {rates(ps, w, t)}  (threshold {t})")
    w, t = train(everything)
    for name, ps in by_set.items():
        out.append(f"fit   {name:12} {rates(ps, w, t)}  (threshold {t})")
    return out


#: The kinds of miss ``miss`` tells apart, in the order ``--misses`` prints them.
MISSES = (
    "the title is not a candidate (outside the window, or pruned)",
    "nothing lifted, the title ranked first (under the threshold)",
    "nothing lifted, another line ranked first",
    "another line: the title and it, one inside the other",
    "another line: 1-2 lines above the title (kicker, section, site)",
    "another line: 1-2 lines below the title (standfirst, subtitle)",
    "another line: among the first 5 lines (the site's name)",
    "another line: in the body (caption, subheading, first sentence)",
    "another line: elsewhere above the body (teaser, sidebar, label)",
)


def miss(page: Page, w: np.ndarray, threshold: float) -> str | None:
    """Which of ``MISSES`` a held page is when the step does not lift its HTML title
    (None when it does, or the dump does not hold the title). Positions are among the
    page's kept lines; "above" and "below" are measured to the title's nearest copy."""
    if not page.held or page.title is None:
        return None
    title = lifted(page, w, threshold)
    wanted = plain(page.title)
    if title is not None and plain(title) == wanted:
        return None
    if not page.y.any():
        return MISSES[0]
    if title is None:
        best = lifted(page, w, 0.0)
        return MISSES[1] if best is not None and plain(best) == wanted else MISSES[2]
    got = plain(title)
    at = (page.places or {}).get(got, -1)
    near = min(page.title_at, key=lambda k: abs(k - at)) if page.title_at else at
    if got in wanted or wanted in got:
        return MISSES[3]
    if 0 < near - at <= 2:
        return MISSES[4]
    if 0 < at - near <= 2:
        return MISSES[5]
    if at < 5:
        return MISSES[6]
    return MISSES[7] if page.body is not None and at >= page.body else MISSES[8]


def misses(by_set: dict[str, list[Page]]) -> list[str]:
    """The LODO misses of each set by kind (``miss``): fitted on the other sets."""
    out = []
    for name, ps in by_set.items():
        w, t = train([p for n, q in by_set.items() if n != name for p in q])
        kinds = Counter(m for p in ps if (m := miss(p, w, t)) is not None)
        out.append(f"lodo misses {name}: {sum(kinds.values())} of {sum(p.held for p in ps)}")
        out += [f"  {kinds[kind]:4}  {kind}" for kind in MISSES]
    return out


def curves(by_set: dict[str, list[Page]]) -> list[str]:
    """For each set, fitted on the others (LODO): right (wrong) titles at each of
    ``THRESHOLDS`` on the training pages, which the threshold is chosen on (the most
    right less wrong), and on the set's own pages, which it is applied to; so the
    threshold fitted can be set beside the one the held-out set would have wanted."""
    out = []
    for name, ps in by_set.items():
        others = [p for n, q in by_set.items() if n != name for p in q]
        w, fitted = train(others)
        out.append(f"lodo {name} (fitted on the others at {fitted}):")
        out.append("  threshold  training right (wrong) less  held-out right (wrong) less")
        for threshold in THRESHOLDS:
            (a, b), (c, d) = _counts(others, w, threshold), _counts(ps, w, threshold)
            mark = " <- fitted" if threshold == fitted else ""
            out.append(
                f"  {threshold:9.2f}  {a:6} ({b:3}) {a - b:4}  {c:10} ({d:3}) {c - d:4}{mark}"
            )
    return out


def _fixed(page: Page, w: np.ndarray, threshold: float) -> Page:
    """``page`` with its decision made by (``w``, ``threshold``) and frozen, so that
    ``rates`` can score pages decided by different fold models together."""
    title = lifted(page, w, threshold)
    x = np.ones((1 if title is not None else 0, len(NAMES)))
    lines = [title] if title is not None else []
    return Page(page.key, x, lines, np.ones(len(lines)), None, page.title, page.held)


def write(w: np.ndarray, threshold: float, names: list[str], lines: list[str]) -> Path:
    today = datetime.date.today().isoformat()
    head = [
        "# Weights of the headline ranker of `lift_metadata` (corpuskit/steps/headlines.py).",
        f"# Written by: python bench/train_headline_model.py {' '.join(names)} --write ({today})",
        "# Fitted on every page of those sets whose HTML-mode title is a candidate line;",
        "# the best candidate is lifted when its share of the odds (the softmax of the",
        "# scores) reaches `threshold`. Pages not fitted on (cv, lodo) and fitted on (fit):",
        *(f"#   {line}" for line in lines),
        "# Do not edit by hand: change headlines.py or the training, then retrain.",
        "",
        f'trained = "{today} {" ".join(names)}"',
        f"threshold = {threshold}",
        "",
        "[weights]",
        *(f"{name} = {value:.6f}" for name, value in zip(NAMES, w, strict=True)),
    ]
    MODEL.write_text("\n".join(head) + "\n", encoding="utf-8")
    return MODEL


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", type=Path, nargs="+", help="dev sets to train on")
    parser.add_argument("--write", action="store_true", help="write the model file")
    parser.add_argument(
        "--no-sure-rules", action="store_true", help="score the ranker alone (sure rules off)"
    )
    parser.add_argument(
        "--sure-rules-first",
        action="store_true",
        help="a sure rule's line is the title when there is one (the step before 2026-12-05)",
    )
    parser.add_argument(
        "--misses", action="store_true", help="count the LODO misses by kind, and stop"
    )
    parser.add_argument(
        "--curves",
        action="store_true",
        help="right (wrong) titles by threshold, LODO, on training and held-out pages, and stop",
    )
    args = parser.parse_args()
    # only its date and byline marks are used: no model is needed (nor may exist yet)
    step = LiftMetadata(headlines=HeadlineModel((0.0,) * len(NAMES), 2.0))
    devsets = [DevSet.of(folder) for folder in args.folders]
    by_set = {d.name: pages(d, step) for d in devsets}
    for page in (p for ps in by_set.values() for p in ps):
        page.sure = None if args.no_sure_rules else page.sure
        page.sure_first = args.sure_rules_first
    if args.misses:
        print("\n".join(misses(by_set)))
        return 0
    if args.curves:
        print("\n".join(curves(by_set)))
        return 0
    lines = report(by_set)
    print("\n".join(lines))
    if args.write:
        w, t = train([p for ps in by_set.values() for p in ps])
        print(f"wrote {write(w, t, list(by_set), lines)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
