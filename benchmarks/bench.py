"""Speed and memory of `policy evaluate` against the I/O floor, on synthetic tickets.

    python benchmarks/bench.py                          # 200,000 tickets, both executors, 1 and 2 jobs
    python benchmarks/bench.py --n 200000 --n 1000000   # both sizes, and their peak memory side by side
    python benchmarks/bench.py --executor columnar --repeat 3   # the issue 15 gate's medians

Prints, in one run: the floor (merely reading and writing the tickets as JSON Lines with
orjson; the best of three runs), `policy evaluate` end to end on them (a subprocess of the
installed command, JSON Lines out) with each executor (the per-ticket one with --jobs 1 and 2,
the columnar one with 1 and 2 threads), tickets per second, the ratio, the peak memory (maximum
resident set size, from getrusage) of each, whether the executors wrote the same bytes, and
how many rows the columnar executor sent per ticket. Nothing here asserts a time: the
figures are for people to read.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import orjson

CATEGORIES = ["服务态度", "营业收费", "抄表质量", "故障处理", "电费电价", "报装接电"]
CAUSES = ["work_quality", "attitude_poor", "attitude_bad", "ten_commitments"]
UNITS = [f"第{i}供电所" for i in range(1, 41)]
IMPACTS = ["general"] * 18 + ["serious", "major"]
ESCALATIONS = ["none"] * 8 + ["company", "state_grid"]


def generate(path: Path, n: int, seed: int = 7) -> None:
    """N realistic power-supply tickets in 2025-2026, every stage present or missing at random."""
    rnd = random.Random(seed)
    start = datetime(2025, 1, 1, 8, 0)
    with path.open("wb") as f:
        for i in range(n):
            received = start + timedelta(minutes=rnd.randrange(0, 700 * 24 * 60))
            dispatched = received + timedelta(minutes=rnd.randrange(5, 120))
            t = {
                "id": f"PS-{i:07d}",
                "received_at": received.strftime("%Y-%m-%d %H:%M"),
                "category": rnd.choice(CATEGORIES),
                "verified": rnd.random() < 0.8,
                "responsible": rnd.random() < 0.9,
                "person": f"员工{rnd.randrange(2000)}",
                "unit": rnd.choice(UNITS),
                "cause": rnd.choice(CAUSES),
                "customer_loss": rnd.random() < 0.2,
                "impact": rnd.choice(IMPACTS),
                "escalation": rnd.choice(ESCALATIONS),
                "dispatched_at": dispatched.strftime("%Y-%m-%d %H:%M"),
                "contacted_at": (dispatched + timedelta(hours=rnd.randrange(1, 48))).strftime("%Y-%m-%d %H:%M"),
                "replied_at": (dispatched + timedelta(hours=rnd.randrange(24, 150))).strftime("%Y-%m-%d %H:%M"),
                "main_responsible": f"员工{rnd.randrange(2000)}",
                "unit_deputy": "分管副所长",
            }
            if rnd.random() < 0.7:
                t["revisited_at"] = (dispatched + timedelta(hours=rnd.randrange(150, 200))).strftime("%Y-%m-%d %H:%M")
            f.write(orjson.dumps(t) + b"\n")


def floor(src: Path, dst: Path) -> None:
    """The floor: read every ticket, parse it, serialise it, write it."""
    loads, dumps = orjson.loads, orjson.dumps
    with src.open("rb") as fin, dst.open("wb") as fout:
        for line in fin:
            fout.write(dumps(loads(line)) + b"\n")


def run_child(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and standard error of a child process."""
    code = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "p = subprocess.run(sys.argv[1:], stderr=subprocess.PIPE, text=True); el = time.perf_counter() - t; "
        "sys.stderr.write(p.stderr); "
        "print(el, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)"
    )
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True,
                          env={**os.environ, **(env or {})})
    out = done.stdout.split()
    if out[2] not in ("0", "1"):
        raise SystemExit(f"{' '.join(argv)} exited {out[2]}:\n{done.stderr}")
    return float(out[0]), int(out[1]) / 1024, done.stderr


# (label, --jobs, POLICY_EXECUTOR): the per-ticket executor in one and two processes, the
# columnar one (core/columnar) with one and two polars threads.
RUNS = {
    "per_ticket": [("per ticket, --jobs 1", 1, "per_ticket"), ("per ticket, --jobs 2", 2, "per_ticket")],
    "columnar": [("columnar, 1 thread", 1, "columnar"), ("columnar, 2 threads", 2, "columnar")],
}


def measure(n: int, jobs: list[int], fmt: str = "jsonl", executors: tuple[str, ...] = ("per_ticket",),
            repeat: int = 1) -> dict[str, float]:
    """Generate n tickets, print the figures of each run; returns each run's peak MiB."""
    policy = str(Path(sys.executable).with_name("policy"))
    config = Path(__file__).resolve().parents[1] / "examples" / "power_supply" / "policy.toml"
    peaks = {}
    with tempfile.TemporaryDirectory() as tmp:
        tickets, copy, out = Path(tmp, "tickets.jsonl"), Path(tmp, "copy.jsonl"), Path(tmp, f"results.{fmt}")
        generate(tickets, n)
        size = tickets.stat().st_size / 2**20
        floor_code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bench; bench.floor(__import__('pathlib').Path({str(tickets)!r}), __import__('pathlib').Path({str(copy)!r}))"
        # The floor is short and its time varies from run to run: its best of three.
        floor_s, floor_mb, _ = min(run_child([sys.executable, "-c", floor_code]) for _ in range(3))
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        print(f"tickets: {n:,} ({size:.0f} MiB JSON Lines)")
        print(f"floor (orjson read+write):        {floor_s:7.2f} s   peak {floor_mb:6.0f} MiB  (best of 3)")
        reference = None
        for executor in executors:
            for label, j, env in RUNS[executor]:
                if j not in jobs:
                    continue
                times, mb, said = [], 0.0, ""
                for _ in range(repeat):
                    t, mb_run, said = run_child([policy, "evaluate", "--config", str(config), "--as-of", "2026-12-31T00:00",
                                                "--format", fmt, "--jobs", str(j), "--quiet", "--debug",
                                                "--output", str(out), str(tickets)], {"POLICY_EXECUTOR": env})
                    times.append(t)
                    mb = max(mb, mb_run)
                eval_s = statistics.median(times)
                digest = hashlib.sha256(out.read_bytes()).hexdigest()[:12]
                same = "" if reference is None else ("  same bytes" if digest == reference else "  BYTES DIFFER")
                reference = reference or digest
                shown = f"median of {repeat}" if repeat > 1 else "1 run"
                print(f"{label + ':':32} {eval_s:7.2f} s   peak {mb:6.0f} MiB  {n / eval_s:9,.0f}/s  "
                      f"{eval_s / floor_s:6.2f}x floor  ({shown}; results {out.stat().st_size / 2**20:.0f} MiB{same})")
                for line in said.splitlines():
                    if "rows evaluated per ticket" in line or "stage" in line:
                        print(f"    {line.removeprefix('policy: executor: ')}")
                peaks[label] = mb
    return peaks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, action="append", help="tickets (default 200,000); give it twice to compare memory")
    ap.add_argument("--jobs", type=int, action="append", help="--jobs / threads to run (default 1 and 2)")
    ap.add_argument("--executor", choices=["per_ticket", "columnar", "both"], default="both",
                    help="which executor to measure (default both; columnar needs polars)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each, the median reported (the gate takes 3)")
    ap.add_argument("--format", default="jsonl", choices=["jsonl", "json", "csv", "xlsx"], help="output format measured")
    args = ap.parse_args()
    sizes = args.n or [200_000]
    executors = ("per_ticket", "columnar") if args.executor == "both" else (args.executor,)
    peaks = []
    for i, n in enumerate(sizes):
        if i:
            print()
        peaks.append(measure(n, args.jobs or [1, 2], args.format, executors, args.repeat))
    if len(sizes) > 1:
        print()
        for label in peaks[0]:
            print(f"peak memory, {label}: " + " → ".join(f"{n:,}: {p[label]:.0f} MiB" for n, p in zip(sizes, peaks)))


if __name__ == "__main__":
    main()
