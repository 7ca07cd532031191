"""Near-duplicate removal on real pages with realistic copies: precision, recall, speed.

Takes every ``--every``-th page of a benchmark folder laid out like
``shared/bench/traf-dev`` and makes three copies of each, as a crawl meets them:

- ``junk``: the same page inside another site's furniture (the first and last 15 lines
  of a different page around it);
- ``truncated``: the page cut after 80% of its lines;
- ``reencoded``: the page in Windows-1252 (what it cannot hold becomes ``?``), CRLF.

All benchmark pages and the copies are cleaned by the default pipeline (``exact_duplicates``
included, corpus passes and all), then every kept page gets a MinHash signature and is
clustered at several thresholds. A copy counts as found when it is rejected (as
``duplicate`` or ``near_duplicate``) in favour of a page of its own family (its original
or another copy); any other rejection is a false positive. Prints precision and recall
per threshold and per kind of copy, and the time a signature takes (numpy; datasketch's
too, if it is installed).

    python bench/near_duplicates.py ../shared/bench/traf-dev
    python bench/near_duplicates.py ../shared/bench/traf-dev --every 3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import corpuskit
from corpuskit.document import Document, Drop
from corpuskit.run.passes import corpus_passes
from corpuskit.steps.near_duplicates import NearDuplicates

KINDS = ("junk", "truncated", "reencoded")


def make_copies(folder: Path, out: Path, every: int) -> dict[str, str]:
    """Write the benchmark's pages and the copies of every ``every``-th into ``out``;
    return each file's family (the original page's id)."""
    pages = sorted((folder / "pages").glob("*.txt"))
    family, first = {}, {}
    for page in pages:  # pages with the same bytes (traf-dev has a pair) are one family
        raw = page.read_bytes()
        (out / page.name).write_bytes(raw)
        family[page.name] = first.setdefault(raw, page.stem)
    for number, page in enumerate(pages[::every]):
        lines = page.read_text(encoding="utf-8").split("\n")
        other = pages[(number * every + len(pages) // 2) % len(pages)]
        furniture = other.read_text(encoding="utf-8").split("\n")
        copies = {
            "junk": furniture[:15] + lines + furniture[-15:],
            "truncated": lines[: max(1, len(lines) * 8 // 10)],
        }
        for kind, text in copies.items():
            name = f"{page.stem}~{kind}.txt"  # "~" sorts after ".": copies come later
            (out / name).write_text("\n".join(text), encoding="utf-8")
            family[name] = family[page.name]
        name = f"{page.stem}~reencoded.txt"
        (out / name).write_bytes("\r\n".join(lines).encode("cp1252", errors="replace"))
        family[name] = family[page.name]
    return family


def file_name(doc: Document | Drop) -> str:
    return Path(doc.source.path).name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="benchmark folder with pages/")
    parser.add_argument("--every", type=int, default=7, help="copy every n-th page")
    parser.add_argument("--thresholds", default="0.6,0.7,0.8,0.9", help="thresholds to cluster at")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        family = make_copies(args.folder, Path(tmp), args.every)
        docs = list(corpuskit.read([tmp]))
        _, remaining, prepared = corpus_passes(corpuskit.default_pipeline(), docs)
        results = [remaining(d) if isinstance(d, Document) else d for d in prepared]
    by_id = {d.id: file_name(d) for d in docs if isinstance(d, Document)}
    copies = [name for name in family if "~" in name]
    print(f"{len(family) - len(copies)} pages, {len(copies)} copies of {len(copies) // 3}")
    exact = {
        file_name(r): by_id[r.detail.removeprefix("duplicate of ")]
        for r in results
        if isinstance(r, Drop) and r.reason == "duplicate"
    }
    kept = [r for r in results if isinstance(r, Document)]
    step = NearDuplicates()
    state = step.new_state()
    start = time.perf_counter()
    for doc in kept:
        step.observe(doc, state)
    seconds = (time.perf_counter() - start) / len(kept)
    print(f"signature: {seconds * 1000:.2f} ms a page (numpy, {step.permutations} permutations)")
    datasketch_time(kept, step)
    for threshold in map(float, args.thresholds.split(",")):
        fitted = replace(step, threshold=threshold)
        near = {by_id[i]: by_id[k] for i, (k, _) in fitted.clusters(state).items()}
        report(threshold, {**exact, **near}, family, copies)
    return 0


def report(
    threshold: float, rejected: dict[str, str], family: dict[str, str], copies: list[str]
) -> None:
    """Precision and recall of ``rejected`` (file -> the file kept in its place)."""
    right = {name for name, kept in rejected.items() if family[name] == family[kept]}
    wrong = sorted(set(rejected) - right)
    found = Counter(name.split("~")[1][:-4] for name in copies if name in right)
    precision = len(right) / len(rejected) if rejected else 1.0
    recall = len([c for c in copies if c in right]) / len(copies)
    kinds = ", ".join(f"{kind} {found[kind] / (len(copies) // 3):.0%}" for kind in KINDS)
    print(
        f"threshold {threshold}: rejected {len(rejected)}, precision {precision:.3f}, "
        f"recall {recall:.3f} ({kinds}); false positives: "
        + (", ".join(f"{w} ~ {rejected[w]}" for w in wrong[:5]) or "none")
    )


def datasketch_time(kept: list[Document], step: NearDuplicates) -> None:
    try:
        from datasketch import MinHash
    except ImportError:
        print("datasketch: not installed (pip install datasketch) to compare its speed")
        return
    start = time.perf_counter()
    for doc in kept:
        minhash = MinHash(num_perm=step.permutations)
        words = doc.text.casefold().split()
        size = step.shingle_size
        minhash.update_batch(
            [" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)]
        )
    seconds = (time.perf_counter() - start) / len(kept)
    print(f"signature: {seconds * 1000:.2f} ms a page (datasketch MinHash.update_batch)")


if __name__ == "__main__":
    sys.exit(main())
