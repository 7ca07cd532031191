"""Speed and memory of corpuskit's default text pipeline beside the I/O floor and datatrove.

    python bench/speed.py ../shared/bench/traf-dev                      # 100,000 records
    python bench/speed.py ../shared/bench/traf-dev --records 20000 --datatrove-records 1000
    python bench/speed.py ../shared/bench/traf-dev ../shared/bench/dragnet-dev --dedup-cost 5

Builds a JSONL corpus from the benchmark's text dumps (``{"id", "text"}``, the pages
repeated with varied ids, the same bytes every time), then measures, in the same run and
each in a fresh process (so that its peak RSS is its own):

- the I/O floor: read the JSONL, parse each record and write it back, with orjson;
- corpuskit's default text pipeline (``clean_files``, corpus pass included) with one
  worker and with N workers, and with one worker on a tenth of the records (memory must
  stay flat as the corpus grows);
- datatrove 0.10 with a comparable pipeline on a sample (JsonlReader, C4QualityFilter,
  GopherRepetitionFilter, GopherQualityFilter, JsonlWriter; one task), the field's
  reference (``pip install 'datatrove[processing]' spacy``; skipped when missing).

It prints docs/s, MB/s and peak RSS of each, and the ratios: corpuskit / floor,
corpuskit / datatrove, the N-worker speed-up and the RSS growth. The machines are noisy:
compare ratios from one run, not figures from different runs.

``--dedup-cost ROUNDS`` measures instead what dropping exact duplicates by default costs:
one JSONL record per unique page of the given folders, corpuskit with one worker and
``dedup`` exact, near, then off, alternated ROUNDS times, each in a fresh process; it
prints each run's CPU time (user + system, of the child: wall time is too noisy on a
shared machine) and the medians of the per-round ratios to off.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson


def unique_corpus(folders: list[Path], path: Path) -> int:
    """Write one JSONL record per text page of ``folders``; how many."""
    pages = [page for folder in folders for page in sorted((folder / "pages").glob("*.txt"))]
    with path.open("wb") as out:
        for page in pages:
            text = page.read_text(encoding="utf-8")
            out.write(orjson.dumps({"id": page.name.split(".")[0], "text": text}) + b"\n")
    return len(pages)


def build_corpus(folder: Path, records: int, path: Path) -> int:
    """Write ``records`` JSONL records cycling through the pages' text; its size in bytes."""
    pages = sorted((folder / "pages").glob("*.txt"))
    texts = [(p.name.split(".")[0], p.read_text(encoding="utf-8")) for p in pages]
    with path.open("wb") as out:
        for number in range(records):
            page_id, text = texts[number % len(texts)]
            out.write(orjson.dumps({"id": f"{page_id}-{number}", "text": text}) + b"\n")
    return path.stat().st_size


def io_floor(source: str, target: str) -> dict[str, Any]:
    """Read, parse, encode and write every record: what any JSONL tool must pay."""
    count = 0
    with open(source, "rb") as inp, open(target, "wb") as out:
        for line in inp:
            out.write(orjson.dumps(orjson.loads(line)) + b"\n")
            count += 1
    return {"docs": count}


def corpuskit_run(source: str, target: str, workers: str, dedup: str = "exact") -> dict[str, Any]:
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


KINDS = {"floor": io_floor, "corpuskit": corpuskit_run, "datatrove": datatrove_run}


def measure(kind: str, source: Path, target: Path, *args: str) -> dict[str, Any]:
    """Run one measurement in a fresh process: its result, seconds and peak RSS (MiB)."""
    command = [sys.executable, __file__, "--one", kind, str(source), str(target), *args]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not the run's
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{kind} failed ({process.returncode})")
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    cpu = usage.ru_utime + usage.ru_stime
    result.update(seconds=seconds, cpu=cpu, peak_mib=usage.ru_maxrss / 1024)
    return result


def one(kind: str, source: str, target: str, *args: str) -> None:
    """Child side of ``measure``: run and print the result as the last stdout line."""
    result = KINDS[kind](source, target, *args)
    print(json.dumps(result))


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        one(*sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, nargs="+", help="benchmark folders (pages/*.txt)")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--datatrove-records", type=int, default=2_000)
    parser.add_argument("--dedup-cost", type=int, default=0, metavar="ROUNDS")
    args = parser.parse_args()
    if args.dedup_cost:
        return dedup_cost(args.folder, args.dedup_cost)
    args.folder = args.folder[0]

    with tempfile.TemporaryDirectory(prefix="corpuskit-speed-") as temp:
        work = Path(temp)
        big, small, sample = work / "big.jsonl", work / "small.jsonl", work / "sample.jsonl"
        size = build_corpus(args.folder, args.records, big)
        small_size = build_corpus(args.folder, max(args.records // 10, 1), small)
        sample_size = build_corpus(args.folder, args.datatrove_records, sample)
        print(f"corpus: {args.records:,} records, {size / 2**20:.0f} MiB", file=sys.stderr)

        rows: dict[str, tuple[dict[str, Any], int]] = {}
        rows["I/O floor (orjson)"] = (measure("floor", big, work / "floor.jsonl"), size)
        rows["corpuskit, 1 worker"] = (
            measure("corpuskit", big, work / "c1.jsonl", "1"),
            size,
        )
        rows[f"corpuskit, {args.workers} workers"] = (
            measure("corpuskit", big, work / "cn.jsonl", str(args.workers)),
            size,
        )
        rows["corpuskit, 1 worker, 1/10 of the records"] = (
            measure("corpuskit", small, work / "c10.jsonl", "1"),
            small_size,
        )
        try:
            import datatrove  # noqa: F401

            rows["datatrove 0.10 (sample)"] = (
                measure("datatrove", sample, work / "datatrove"),
                sample_size,
            )
        except ImportError:
            print("datatrove not installed: skipped", file=sys.stderr)

    speed = {name: r["docs"] / r["seconds"] for name, (r, _) in rows.items()}
    print(f"{'':45} {'docs/s':>9} {'MB/s':>7} {'peak RSS MiB':>13}")
    for name, (result, nbytes) in rows.items():
        mbs = nbytes / 1e6 / result["seconds"]
        print(f"{name:45} {speed[name]:9.0f} {mbs:7.1f} {result['peak_mib']:13.0f}")
    one_worker = speed["corpuskit, 1 worker"]
    many = speed[f"corpuskit, {args.workers} workers"]
    print(f"floor / corpuskit (1 worker): {speed['I/O floor (orjson)'] / one_worker:.0f}x")
    if "datatrove 0.10 (sample)" in speed:
        ratio = one_worker / speed["datatrove 0.10 (sample)"]
        print(f"corpuskit / datatrove (1 core each): {ratio:.1f}x")
    print(f"speed-up with {args.workers} workers: {many / one_worker:.2f}x")
    big_rss = rows["corpuskit, 1 worker"][0]["peak_mib"]
    small_rss = rows["corpuskit, 1 worker, 1/10 of the records"][0]["peak_mib"]
    print(f"peak RSS, all records / a tenth: {big_rss / small_rss:.2f}x")
    return 0


def dedup_cost(folders: list[Path], rounds: int) -> int:
    """CPU time of one-worker runs over the unique pages, dedup exact, near and off,
    each round; the median ratios to off."""
    ratios: dict[str, list[float]] = {"exact": [], "near": []}
    with tempfile.TemporaryDirectory(prefix="corpuskit-dedup-") as temp:
        source = Path(temp) / "unique.jsonl"
        pages = unique_corpus(folders, source)
        print(f"corpus: {pages:,} unique pages", file=sys.stderr)
        for number in range(rounds):
            cpu = {}
            for dedup in ("exact", "near", "off"):
                target = Path(temp) / f"{dedup}-{number}.jsonl"
                cpu[dedup] = measure("corpuskit", source, target, "1", dedup)["cpu"]
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
