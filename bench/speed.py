"""Per-document cost of corpuskit's default text pipeline on unique pages, beside the I/O
floor, datatrove and jusText; and, separately, its memory as the corpus grows.

    python bench/speed.py ../shared/bench                    # 1,698 unique pages, 3 rounds
    python bench/speed.py ../shared/bench --rounds 5 --workers 2
    python bench/speed.py ../shared/bench --memory           # 100,000 and 10,000 records
    python bench/speed.py ../shared/bench --dedup-cost 5     # dedup exact/near against off
    python bench/speed.py ../shared/bench --baseline ../main --only baseline  # A/B only

**Speed.** The corpus is every text dump of traf-dev and dragnet-dev once (1,698
``{"id", "text"}`` JSONL records): unique pages, as a crawl has them. (Cycling a few
hundred pages into a big corpus, as this script used to, makes every line recur dozens of
times: ``repeated_lines`` then removes nearly every short line before the classifier
sees it, the output differs and the cost per page is 1.7x lower than on unique pages.)
Each contender runs in a fresh process, the contenders alternated within each round
(and their order rotated from round to round), so that a busy neighbour slows all of
them alike:

- ``floor``: read the JSONL, parse each record and write it back with orjson;
- ``corpuskit``: ``clean_files`` with the default pipeline (corpus pass included), with
  1 worker and with ``--workers``;
- ``datatrove`` 0.10: JsonlReader, C4QualityFilter, GopherRepetitionFilter,
  GopherQualityFilter, JsonlWriter, one task (skipped when not installed);
- ``justext``: jusText 3 on each page's lines as paragraphs (English stoplist), the
  boilerplate remover corpuskit's line features come from (skipped when not installed);
- with ``--baseline TREE``, the corpuskit of another source tree (1 worker), to measure
  a change against the code before it in the same rounds.

For each run it prints wall seconds, the CPU seconds of the run itself (``cpu``: user +
system time from the start of the work to its end, the tool's imports and worker
processes included; what docs/CPU-s and ms/doc are computed from), the CPU seconds of
the whole process tree (``process``: the interpreter's start-up too) and peak RSS; for corpuskit
with several workers, the share of the run's CPU spent in the parent process (reading,
the corpus pass's counting, writing). Then, per round, the ratios: corpuskit (1 worker)
against each contender by CPU time, and the N-worker speed-up by wall time (meaningful
only on otherwise idle cores). The medians of the rounds close the report. Other users
of the machine change the figures; ratios within one round are what to compare.

**Memory** (``--memory``): corpuskit, 1 worker, on ``--records`` records (the unique
pages cycled, with distinct ids) and on a tenth as many; peak RSS must stay flat.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from html import escape
from pathlib import Path
from typing import Any

import orjson

#: The dev sets whose text dumps make the corpus.
DEV_SETS = ("traf-dev", "dragnet-dev")


def pages(root: Path) -> list[tuple[str, str]]:
    """``(id, text)`` of every text dump of the dev sets under ``root``, in name order."""
    found = []
    for dev_set in DEV_SETS:
        for path in sorted((root / dev_set / "pages").glob("*.txt")):
            found.append((f"{dev_set}/{path.name.split('.')[0]}", path.read_text("utf-8")))
    return found


def build_corpus(texts: list[tuple[str, str]], records: int, path: Path) -> int:
    """Write ``records`` JSONL records, the pages in turn (with a round number in the id
    after the first round); return the file's size in bytes."""
    with path.open("wb") as out:
        for number in range(records):
            page_id, text = texts[number % len(texts)]
            turn = number // len(texts)
            record_id = page_id if not turn else f"{page_id}-{turn}"
            out.write(orjson.dumps({"id": record_id, "text": text}) + b"\n")
    return path.stat().st_size


def io_floor(source: str, target: str) -> dict[str, Any]:
    """Read, parse, encode and write every record: what any JSONL tool must pay."""
    count = 0
    with open(source, "rb") as inp, open(target, "wb") as out:
        for line in inp:
            out.write(orjson.dumps(orjson.loads(line)) + b"\n")
            count += 1
    return {"docs": count}


def corpuskit_run(
    source: str, target: str, workers: str = "1", dedup: str = "exact"
) -> dict[str, Any]:
    """The default text pipeline over the JSONL, as ``corpuskit clean`` runs it."""
    import corpuskit

    report = corpuskit.clean_files([source], target, workers=int(workers), dedup=dedup)
    return {"docs": report.read, "written": report.written}


def datatrove_run(source: str, target: str) -> dict[str, Any]:
    """datatrove's C4 + Gopher filters over the same JSONL, one task, one process."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.filters import (
        C4QualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    folder = Path(source).parent
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(folder), glob_pattern=Path(source).name, compression=None),
            C4QualityFilter(),
            GopherRepetitionFilter(),
            GopherQualityFilter(),
            JsonlWriter(target, compression=None),
        ],
        tasks=1,
        workers=1,
        logging_dir=str(Path(target) / "logs"),
    )
    executor.run()
    with open(source, "rb") as records:
        return {"docs": sum(1 for _ in records)}


def justext_run(source: str, target: str) -> dict[str, Any]:
    """jusText on each page's non-blank lines as paragraphs; the good ones written."""
    import justext

    stoplist = justext.get_stoplist("English")
    count = 0
    with open(source, "rb") as inp, open(target, "wb") as out:
        for line in inp:
            record = orjson.loads(line)
            body = "".join(f"<p>{escape(row)}</p>" for row in record["text"].split("\n") if row)
            html = f"<html><body>{body}</body></html>".encode()
            kept = [p.text for p in justext.justext(html, stoplist) if not p.is_boilerplate]
            out.write(orjson.dumps({"id": record["id"], "text": "\n".join(kept)}) + b"\n")
            count += 1
    return {"docs": count}


KINDS: dict[str, Callable[..., dict[str, Any]]] = {
    "floor": io_floor,
    "corpuskit": corpuskit_run,
    "datatrove": datatrove_run,
    "justext": justext_run,
}


def cpu_seconds(who: int) -> float:
    """User + system CPU seconds of this process (``RUSAGE_SELF``) or of its reaped
    children (``RUSAGE_CHILDREN``)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def one(kind: str, source: str, target: str, *args: str) -> None:
    """Child side of ``measure``: run, and print the result and the run's CPU seconds
    (this process's and its workers') as the last stdout line."""
    self_before = cpu_seconds(resource.RUSAGE_SELF)
    children_before = cpu_seconds(resource.RUSAGE_CHILDREN)
    result = KINDS[kind](source, target, *args)
    parent = cpu_seconds(resource.RUSAGE_SELF) - self_before
    workers = cpu_seconds(resource.RUSAGE_CHILDREN) - children_before
    result.update(cpu=parent + workers, parent_cpu=parent)
    print(json.dumps(result))


def measure(
    kind: str, source: Path, target: Path, *args: str, tree: str | None = None
) -> dict[str, Any]:
    """Run one measurement in a fresh process: its result, wall seconds, CPU seconds
    (the run's, and the whole process tree's) and peak RSS (MiB). With ``tree``, the
    corpuskit imported is the one in that source tree."""
    command = [sys.executable, __file__, "--one", kind, str(source), str(target), *args]
    env = {**os.environ, "PYTHONPATH": tree} if tree else None
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)  # this child's own, its reaped workers too
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{kind} failed ({process.returncode})")
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    result.update(
        wall=wall, process=usage.ru_utime + usage.ru_stime, peak_mib=usage.ru_maxrss / 1024
    )
    return result


def installed(modules: str) -> bool:
    """Whether ``modules`` (comma-separated) can be imported (a contender whose modules
    cannot is skipped)."""
    found = subprocess.run([sys.executable, "-c", f"import {modules}"], capture_output=True)
    return found.returncode == 0


def contenders(workers: int, baseline: str | None) -> dict[str, tuple[str, ...]]:
    """Each contender's name and its ``measure`` arguments (kind, then options; for
    ``baseline``, the corpuskit of another source tree, a last ``tree=`` argument)."""
    chosen = {
        "floor (orjson)": ("floor",),
        "corpuskit, 1 worker": ("corpuskit", "1"),
        f"corpuskit, {workers} workers": ("corpuskit", str(workers)),
    }
    if baseline:
        chosen["baseline corpuskit, 1 worker"] = ("corpuskit", "1", f"tree={baseline}")
    for kind, name, needs in (
        ("datatrove", "datatrove 0.10 C4+Gopher", "datatrove, spacy"),  # spaCy: sentences
        ("justext", "jusText", "justext"),
    ):
        if installed(needs):
            chosen[name] = (kind,)
        else:
            print(f"{kind} skipped: needs {needs}", file=sys.stderr)
    return chosen


def rotated(names: list[str], turn: int) -> Iterator[str]:
    """``names`` starting at position ``turn`` (so no contender always runs first)."""
    start = turn % len(names)
    yield from names[start:] + names[:start]


def speed(
    root: Path,
    rounds: int,
    workers: int,
    baseline: str | None = None,
    only: list[str] | None = None,
) -> int:
    """The speed benchmark (see the module docstring); with ``only``, corpuskit with 1
    worker and the contenders whose names start with one of ``only``."""
    chosen = contenders(workers, baseline)
    if only:
        keep = ("corpuskit, 1 worker", *only)
        chosen = {name: spec for name, spec in chosen.items() if name.startswith(keep)}
    many = f"corpuskit, {workers} workers"
    with tempfile.TemporaryDirectory(prefix="corpuskit-speed-") as temp:
        work = Path(temp)
        corpus = work / "unique.jsonl"
        texts = pages(root)
        size = build_corpus(texts, len(texts), corpus)
        print(f"corpus: {len(texts):,} unique pages, {size / 2**20:.1f} MiB", file=sys.stderr)
        results: list[dict[str, dict[str, Any]]] = []
        for turn in range(rounds):
            done: dict[str, dict[str, Any]] = {}
            for name in rotated(list(chosen), turn):
                kind, *args = chosen[name]
                tree = (
                    args.pop()[len("tree=") :]
                    if args[-1:] and args[-1].startswith("tree=")
                    else None
                )
                done[name] = measure(kind, corpus, work / f"{kind}-{turn}", *args, tree=tree)
            results.append({name: done[name] for name in chosen})
            show_round(turn, results[-1], many)
    show_medians(results, many)
    return 0


def show_round(turn: int, round_results: dict[str, dict[str, Any]], many: str) -> None:
    """One round's table and ratios."""
    print(f"\nround {turn + 1}")
    print(f"{'':30} {'wall s':>7} {'cpu s':>7} {'docs/CPU-s':>10} {'ms/doc':>7} "
          f"{'process s':>9} {'peak MiB':>8}")  # fmt: skip
    for name, r in round_results.items():
        per_doc = r["cpu"] / r["docs"]
        print(f"{name:30} {r['wall']:7.2f} {r['cpu']:7.2f} {1 / per_doc:10.1f} "
              f"{per_doc * 1000:7.3f} {r['process']:9.2f} {r['peak_mib']:8.0f}")  # fmt: skip
    for name, ratio in ratios(round_results, many).items():
        print(f"  {name}: {ratio:.2f}")


def ratios(round_results: dict[str, dict[str, Any]], many: str) -> dict[str, float]:
    """corpuskit (1 worker) against each contender by CPU per document (the contender's
    cost over corpuskit's; for the floor, corpuskit's over the floor's), the N-worker
    speed-up by wall time, its CPU overhead and the parent's share of its CPU."""
    one = round_results["corpuskit, 1 worker"]
    out = {}
    for name, other in round_results.items():
        if name.startswith("floor"):
            out[f"corpuskit / {name} (CPU per doc)"] = one["cpu"] / other["cpu"]
        elif not name.startswith("corpuskit"):
            out[f"{name} / corpuskit (CPU per doc)"] = other["cpu"] / one["cpu"]
    if many in round_results:
        parallel = round_results[many]
        out[f"{many}: speed-up (wall)"] = one["wall"] / parallel["wall"]
        out[f"{many}: CPU / 1 worker's CPU"] = parallel["cpu"] / one["cpu"]
        out[f"{many}: parent's share of CPU"] = parallel["parent_cpu"] / parallel["cpu"]
    return out


def show_medians(results: list[dict[str, dict[str, Any]]], many: str) -> None:
    """The median of each figure over the rounds."""
    print(f"\nmedians of {len(results)} rounds")
    for name in results[0]:
        cpu = statistics.median(r[name]["cpu"] / r[name]["docs"] for r in results)
        wall = statistics.median(r[name]["wall"] for r in results)
        print(f"{name:30} {1 / cpu:10.1f} docs/CPU-s {cpu * 1000:7.3f} ms/doc {wall:7.2f} s wall")
    per_round = [ratios(r, many) for r in results]
    for name in per_round[0]:
        print(f"  {name}: {statistics.median(r[name] for r in per_round):.2f}")


def memory(root: Path, records: int) -> int:
    """Peak RSS of corpuskit (1 worker) on ``records`` records and on a tenth of them."""
    texts = pages(root)
    with tempfile.TemporaryDirectory(prefix="corpuskit-memory-") as temp:
        work = Path(temp)
        rows = {}
        for count in (max(records // 10, 1), records):
            corpus = work / f"{count}.jsonl"
            size = build_corpus(texts, count, corpus)
            result = measure("corpuskit", corpus, work / f"out-{count}.jsonl", "1")
            rows[count] = result
            rate = result["docs"] / result["cpu"]
            print(f"{count:>9,} records {size / 2**20:8.0f} MiB {rate:8.1f} docs/CPU-s "
                  f"peak RSS {result['peak_mib']:6.0f} MiB")  # fmt: skip
        small, big = rows[max(records // 10, 1)], rows[records]
        print(
            f"peak RSS, {records:,} records / a tenth: {big['peak_mib'] / small['peak_mib']:.2f}x"
        )
    return 0


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        one(*sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("root", type=Path, help="the folder of traf-dev and dragnet-dev")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--memory", action="store_true", help="measure memory flatness")
    parser.add_argument("--records", type=int, default=100_000, help="with --memory")
    parser.add_argument(
        "--dedup-cost",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="instead: CPU of one-worker runs with dedup exact, near and off, alternated",
    )
    parser.add_argument(
        "--baseline", help="also run the corpuskit of this source tree (e.g. main's checkout)"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help="run corpuskit (1 worker) and only the contenders whose names start so "
        "(floor, corpuskit, baseline, datatrove, jusText): a shorter A/B run",
    )
    args = parser.parse_args()
    if args.memory:
        return memory(args.root, args.records)
    if args.dedup_cost:
        return dedup_cost(args.root, args.dedup_cost)
    return speed(args.root, args.rounds, args.workers, args.baseline, args.only)


def dedup_cost(root: Path, rounds: int) -> int:
    """CPU time of one-worker runs over the unique pages, dedup exact, near and off,
    each round; the median ratios to off."""
    ratios: dict[str, list[float]] = {"exact": [], "near": []}
    with tempfile.TemporaryDirectory(prefix="corpuskit-dedup-") as temp:
        source = Path(temp) / "unique.jsonl"
        texts = pages(root)
        build_corpus(texts, len(texts), source)
        print(f"corpus: {len(texts):,} unique pages", file=sys.stderr)
        for number in range(rounds):
            cpu = {}
            for dedup in ("exact", "near", "off"):
                target = Path(temp) / f"{dedup}-{number}.jsonl"
                cpu[dedup] = measure("corpuskit", source, target, "1", dedup)["process"]
            for mode in ratios:
                ratios[mode].append(cpu[mode] / cpu["off"])
            shown = ", ".join(f"{mode} {seconds:.2f}" for mode, seconds in cpu.items())
            print(f"round {number + 1} (CPU-s): {shown}")
        added_work(Path(temp) / f"off-{rounds - 1}.jsonl", cpu["off"])
    for mode, found in ratios.items():
        found.sort()
        each = " ".join(f"{ratio:.4f}" for ratio in found)
        print(f"{mode} / off: median {found[len(found) // 2]:.4f} (rounds: {each})")
    return 0


def added_work(corpus: Path, run_cpu: float) -> None:
    """What deciding duplicates adds, measured apart from the run's noise: each step's
    key and decision over the cleaned pages of a run without dedup (least of three, in
    this process), as a share of that run's CPU time."""
    from corpuskit.document import Document
    from corpuskit.steps.duplicates import ExactDuplicates
    from corpuskit.steps.near_duplicates import NearDuplicates

    with corpus.open("rb") as lines:
        docs = [Document.from_record(orjson.loads(line)) for line in lines]
    for step in (ExactDuplicates(), NearDuplicates()):
        least = float("inf")
        for _ in range(3):
            state, started = step.new_state(), time.process_time()
            for doc in docs:
                state.decide(step.key(doc), doc.id)
            least = min(least, time.process_time() - started)
        share = least / run_cpu * 100
        print(f"{step.name}: key and decide {least * 1000:.0f} ms, {share:.2f}% of the run")


if __name__ == "__main__":
    raise SystemExit(main())
