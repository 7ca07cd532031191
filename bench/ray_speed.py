"""Ray on one machine against the local worker pool, and what a Ray driver does per page.

    python bench/ray_speed.py ../shared/bench                      # 3 rounds, 2 workers
    python bench/ray_speed.py ../shared/bench --scaling 1,2,4,8    # driver vs workers
    python bench/ray_speed.py ../shared/bench --state-bytes        # driver memory per page

**Speed** (default): the 1,698 unique text dumps of traf-dev and dragnet-dev (as
``bench/speed.py`` has them) written as ``--shards`` JSONL files (Ray runs a task per
input file: one big file would be one task), cleaned by ``clean_files`` with the default
pipeline and exact dedup, by ``--workers N`` and by ``--executor ray`` on a local Ray of
N CPUs. Each run is a fresh process, the two alternated (order rotated per round).
Printed per run: wall seconds, the run's CPU seconds (every process of the run: for the
pool, this process and its reaped workers; for Ray, the driver, Ray's system processes
(GCS, raylet, agents) and its workers, read from ``/proc`` before ``ray.shutdown``),
the driver's (parent's) share of it, peak RSS of all the run's processes together
(sampled every 0.1 s), and for Ray the seconds and CPU seconds ``ray.init`` took. Ratios
per round: Ray over the pool, wall and CPU, with and without Ray's start-up.

**Scaling** (``--scaling``): Ray with 1, 2, 4, 8 CPUs (worker processes) on this
machine, cores over-subscribed, so wall time says little; what is measured is CPU per
page: the driver's, the workers', and inside the driver the time spent merging the
corpus step's per-input states (``LineCounts.merge``), fetching results (``ray.get``:
deserializing each input's encoded lines), and deciding and writing each record
(``Sink.take``: exact dedup's digest check, the write). A driver that costs d CPU-s per
page feeds w / d workers that cost w each. ``--dedup near`` measures near dedup's
decisions instead.

**State bytes** (``--state-bytes``): what the driver keeps per page for a whole crawl,
measured with ``tracemalloc`` on the unique pages: exact dedup's digest table, near
dedup's signatures and LSH buckets (pages kept), ``repeated_lines``' counts; and what a
Ray run moves per page, pickled: a counting task's state and its spool.
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
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).parent))
from speed import pages  # the same corpus as bench/speed.py

#: /proc's clock ticks per second (for utime and stime).
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def write_shards(texts: list[tuple[str, str]], shards: int, folder: Path) -> None:
    """The pages as ``shards`` JSONL files, page i in shard i * shards // len(texts)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = [(folder / f"{n:03d}.jsonl").open("wb") for n in range(shards)]
    for number, (page_id, text) in enumerate(texts):
        files[number * shards // len(texts)].write(orjson.dumps({"id": page_id, "text": text}))
        files[number * shards // len(texts)].write(b"\n")
    for file in files:
        file.close()


def process_table() -> dict[int, tuple[int, str, float, int]]:
    """Every process: pid -> (parent pid, name, CPU seconds, RSS bytes)."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
        fields = rest.split()
        cpu = (int(fields[11]) + int(fields[12])) / TICKS
        rss = int(fields[21]) * PAGE
        task = cmdline.startswith(b"ray::") and b"Agent" not in cmdline.split(b" ")[0]
        label = "worker" if task else name  # ray::IDLE, ray::count_input, ...
        table[int(entry)] = (int(fields[1]), label, cpu, rss)
    return table


def tree(root: int) -> dict[int, tuple[int, str, float, int]]:
    """The processes under ``root`` (itself included)."""
    table = process_table()
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in table and pid not in found:
            found[pid] = table[pid]
            todo.extend(child for child, row in table.items() if row[0] == pid)
    return found


class Sampler:
    """Peak RSS of this process's tree, sampled every 0.1 s in a thread; ``cpu``: the
    thread's own CPU seconds (reading ``/proc``), which the runs subtract."""

    def __init__(self) -> None:
        self.peak, self.cpu, self._stop = 0, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, sum(row[3] for row in tree(os.getpid()).values()))
            self.cpu = time.thread_time()

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def local_run(folder: str, target: str, workers: str, dedup: str) -> dict[str, Any]:
    """The pool: the run's CPU is this process's and its reaped workers'."""
    import corpuskit

    sampler, before, kids = Sampler(), self_cpu(), children_cpu()
    report = corpuskit.clean_files([folder], target, workers=int(workers), dedup=dedup)
    driver, workers_cpu = self_cpu() - before, children_cpu() - kids
    peak = sampler.stop()
    driver -= sampler.cpu
    return {
        "docs": report.read,
        "cpu": driver + workers_cpu,
        "driver_cpu": driver,
        "peak_mib": peak / 2**20,
    }


#: CPU seconds spent in the driver's functions of interest (``--scaling``).
SPENT: dict[str, float] = {}


def timed(owner: Any, name: str, label: str) -> None:
    """Wrap ``owner.name`` to add its thread CPU time to ``SPENT[label]``."""
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            SPENT[label] = SPENT.get(label, 0.0) + time.thread_time() - start

    setattr(owner, name, wrapper)


def instrument(ray: Any) -> None:
    """Time the driver's per-page work: merges, fetches, the sink's decisions."""
    from corpuskit.run.sink import Sink
    from corpuskit.steps.duplicates import FirstPages
    from corpuskit.steps.near_duplicates import Signatures
    from corpuskit.steps.repeated import LineCounts

    timed(LineCounts, "merge", "merge repeated_lines states")
    timed(ray, "get", "ray.get (results, states)")
    timed(Sink, "take", "Sink.take (decide, write)")
    timed(FirstPages, "decide", "exact dedup decide")
    timed(Signatures, "decide", "near dedup decide")


def ray_run(folder: str, target: str, cpus: str, dedup: str, scaling: str = "") -> dict[str, Any]:
    """Ray on this machine with ``cpus`` CPUs: the run's CPU is every process under this
    one, read before Ray shuts down (its workers are not this process's children)."""
    os.environ.setdefault("RAY_AUTH_MODE", "token")
    import ray

    import corpuskit
    from corpuskit.run.ray import RayExecutor

    sampler, before, started = Sampler(), self_cpu(), time.perf_counter()
    ray.init(num_cpus=int(cpus), include_dashboard=False, log_to_driver=False)
    init_wall = time.perf_counter() - started
    init_cpu = sum(row[2] for row in tree(os.getpid()).values()) - before
    if scaling:
        instrument(ray)
    driver_before = self_cpu()
    report = corpuskit.clean_files([folder], target, executor=RayExecutor(), dedup=dedup)
    driver = self_cpu() - driver_before
    rows = tree(os.getpid())
    peak = sampler.stop()
    ray.shutdown()
    by_kind: dict[str, float] = {}
    for pid, (_, label, cpu, _) in rows.items():
        kind = "driver" if pid == os.getpid() else "worker" if label == "worker" else "system"
        by_kind[kind] = by_kind.get(kind, 0.0) + cpu
    total = sum(by_kind.values()) - before - sampler.cpu
    return {
        "docs": report.read,
        "cpu": total,
        "driver_cpu": driver - sampler.cpu,
        "workers_cpu": by_kind.get("worker", 0.0),
        "system_cpu": by_kind.get("system", 0.0),
        "workers": sum(1 for row in rows.values() if row[1] == "worker"),
        "init_wall": init_wall,
        "init_cpu": init_cpu,
        "peak_mib": peak / 2**20,
        "spent": dict(SPENT),
    }


KINDS: dict[str, Callable[..., dict[str, Any]]] = {"local": local_run, "ray": ray_run}


def measure(kind: str, *args: str) -> dict[str, Any]:
    """One run in a fresh process: its result and wall seconds."""
    command = [sys.executable, __file__, "--one", kind, *args]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - start
    result["warned"] = "authentication" in done.stderr.lower()
    return result


def rotated(names: list[str], turn: int) -> Iterator[str]:
    start = turn % len(names)
    yield from names[start:] + names[:start]


def speed(root: Path, rounds: int, workers: int, shards: int, dedup: str) -> int:
    """Ray against the pool, alternated (see the module docstring)."""
    with tempfile.TemporaryDirectory(prefix="corpuskit-ray-") as temp:
        folder = Path(temp) / "shards"
        texts = pages(root)
        write_shards(texts, shards, folder)
        print(f"{len(texts):,} unique pages in {shards} JSONL shards; load {os.getloadavg()}")
        chosen = {f"--workers {workers}": "local", f"--executor ray ({workers} CPUs)": "ray"}
        per_round = []
        for turn in range(rounds):
            done = {}
            for name in rotated(list(chosen), turn):
                target = str(Path(temp) / f"out-{turn}-{chosen[name]}.jsonl")
                done[name] = measure(chosen[name], str(folder), target, str(workers), dedup)
            per_round.append(done)
            show(turn, done, os.getloadavg())
        print(f"\nmedians of {rounds} rounds")
        for label in ratios(per_round[0]):
            values = [ratios(r)[label] for r in per_round]
            print(f"  {label}: {statistics.median(values):.2f}")
    return 0


def ratios(done: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Ray over the pool: wall and CPU, with and without Ray's start-up."""
    (pool,) = (r for name, r in done.items() if name.startswith("--workers"))
    (ray,) = (r for name, r in done.items() if name.startswith("--executor"))
    return {
        "ray / pool, wall": ray["wall"] / pool["wall"],
        "ray / pool, wall without ray.init": (ray["wall"] - ray["init_wall"]) / pool["wall"],
        "ray / pool, CPU": ray["cpu"] / pool["cpu"],
        "ray / pool, CPU without ray.init": (ray["cpu"] - ray["init_cpu"]) / pool["cpu"],
        "ray / pool, peak RSS": ray["peak_mib"] / pool["peak_mib"],
    }


def show(turn: int, done: dict[str, dict[str, Any]], load: tuple[float, ...]) -> None:
    print(f"\nround {turn + 1} (load after: {load[0]:.2f})")
    for name, r in done.items():
        extra = (
            f" ray.init {r['init_wall']:.2f} s / {r['init_cpu']:.2f} CPU-s,"
            f" workers {r['workers_cpu']:.2f} system {r['system_cpu']:.2f}"
            f" ({r['workers']} worker processes), auth warning: {r['warned']}"
            if "init_wall" in r
            else ""
        )
        print(
            f"{name:26} wall {r['wall']:6.2f} s  cpu {r['cpu']:6.2f} s  "
            f"{r['docs'] / r['cpu']:6.1f} docs/CPU-s  driver share {r['driver_cpu'] / r['cpu']:.2f}"
            f"  peak RSS {r['peak_mib']:6.0f} MiB{extra}"
        )
    for label, value in ratios(done).items():
        print(f"  {label}: {value:.2f}")


def scaling(root: Path, cpus: list[int], shards: int, dedup: str) -> int:
    """The driver's and the workers' CPU per page with 1, 2, 4, 8 Ray CPUs."""
    with tempfile.TemporaryDirectory(prefix="corpuskit-ray-") as temp:
        folder = Path(temp) / "shards"
        texts = pages(root)
        write_shards(texts, shards, folder)
        print(f"{len(texts):,} unique pages in {shards} JSONL shards, dedup {dedup}")
        for count in cpus:
            target = str(Path(temp) / f"out-{count}.jsonl")
            r = measure("ray", str(folder), target, str(count), dedup, "scaling")
            docs = r["docs"]
            driver, workers = r["driver_cpu"] / docs, r["workers_cpu"] / docs
            print(
                f"\n{count} CPUs ({r['workers']} worker processes): wall {r['wall']:.1f} s;"
                f" per page: driver {driver * 1e3:.3f} ms, workers {workers * 1e3:.3f} ms,"
                f" Ray's system processes {r['system_cpu'] / docs * 1e3:.3f} ms;"
                f" workers one driver feeds: {workers / driver:.0f}"
            )
            for label, seconds in sorted(r["spent"].items()):
                print(f"  driver, {label}: {seconds / docs * 1e3:.3f} ms/page ({seconds:.2f} s)")
    return 0


def state_bytes(root: Path) -> int:
    """Bytes per page of the states the driver keeps (tracemalloc)."""
    from corpuskit.document import Document, Source
    from corpuskit.steps.duplicates import ExactDuplicates, text_hash
    from corpuskit.steps.near_duplicates import NearDuplicates
    from corpuskit.steps.repeated import RepeatedLines

    texts = pages(root)
    docs = [Document(id=i, text=t, source=Source(path=i)) for i, t in texts]
    exact, near, repeated = ExactDuplicates(), NearDuplicates(), RepeatedLines()
    keys = [text_hash(d.text) for d in docs]
    signatures = [near.signature(d.text) for d in docs]

    def fresh(page_id: str) -> str:
        return (page_id + " ")[:-1]  # a new string, as a run's record has, counted

    def exact_state() -> Any:
        state = exact.new_state()
        for key, doc in zip(keys, docs, strict=True):
            state.decide(key, fresh(doc.id))
        return state

    def near_state() -> Any:
        state = near.new_state()
        for signature, doc in zip(signatures, docs, strict=True):
            state.decide(signature, fresh(doc.id))
        return state

    def repeated_state() -> Any:
        state = repeated.new_state()
        for doc in docs:
            repeated.observe(doc, state)
        return state

    for label, make in (
        ("exact dedup (FirstPages)", exact_state),
        ("near dedup (Signatures, decided)", near_state),
        ("repeated_lines (LineCounts)", repeated_state),
    ):
        tracemalloc.start()
        state = make()
        size, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        extra = ""
        if label.startswith("rep"):  # the long lines (long_min_pages) have key sums too
            long = len(state.long_keys)
            extra = f", {len(state.lines) - long:,} distinct short lines, {long:,} long"
        print(f"{label}: {size / len(docs):,.0f} bytes per page ({size / 2**20:.1f} MiB){extra}")
        del state
    pickled(docs)
    return 0


def pickled(docs: list[Any], inputs: int = 16) -> None:
    """Bytes a Ray run moves per page: a counting task's state (per input of
    ``len(docs) / inputs`` pages) and its spool (the documents after the steps before
    ``repeated_lines``), pickled."""
    import pickle

    from corpuskit.pipeline import Pipeline
    from corpuskit.recipes.defaults import default_pipeline
    from corpuskit.run.passes import prepare_item
    from corpuskit.run.phases import Plan

    pipeline = default_pipeline()
    one = Plan.of(pipeline, in_passes=False).passes[0]
    before, step = Pipeline(pipeline.steps[one.start : one.stop]), pipeline.steps[one.step]
    spooled = [prepare_item(before, doc) for doc in docs]
    states = 0
    for number in range(inputs):
        part = step.new_state()
        for doc in spooled[number * len(docs) // inputs : (number + 1) * len(docs) // inputs]:
            step.observe(doc, part)
        states += len(pickle.dumps(part, pickle.HIGHEST_PROTOCOL))
    spool = sum(len(pickle.dumps(doc, pickle.HIGHEST_PROTOCOL)) for doc in spooled)
    print(
        f"pickled, per page: a counting task's state {states / len(docs):,.0f} B "
        f"({len(docs) // inputs} pages an input), its spool {spool / len(docs):,.0f} B"
    )


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(json.dumps(KINDS[sys.argv[2]](*sys.argv[3:])))
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("root", type=Path, help="the folder of traf-dev and dragnet-dev")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--dedup", default="exact")
    parser.add_argument("--scaling", help="Ray CPU counts, e.g. 1,2,4,8")
    parser.add_argument("--state-bytes", action="store_true")
    options = parser.parse_args()
    if options.state_bytes:
        return state_bytes(options.root)
    if options.scaling:
        counts = [int(n) for n in options.scaling.split(",")]
        return scaling(options.root, counts, options.shards, options.dedup)
    return speed(options.root, options.rounds, options.workers, options.shards, options.dedup)


if __name__ == "__main__":
    raise SystemExit(main())
