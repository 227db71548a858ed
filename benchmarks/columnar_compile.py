"""Seconds of the columnar compile alone (core/columnar/compile.py) on bench.py's synthetic tickets.

    python benchmarks/columnar_compile.py --n 200000 --threads 1 --threads 2

The tickets are parsed by the pipeline's own parser into the INPUT frame (not timed), written
once to a Parquet file; each thread count then runs in a child process (polars reads its
thread count at import), timing only ``evaluate`` — the rules, not reading or writing —
best of three, batch by batch (``--batch``, 50,000 rows by default).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
AS_OF = "2026-12-31T00:00"


def engine():
    from policy.core.config import from_dict
    from policy.core.pipeline import Engine
    from policy.core.plugins import discover
    from policy.core.records import parse_time

    found = discover(enabled=["power_supply"])
    config = from_dict({"policy": {"plugins": ["power_supply"], "timezone": "Asia/Shanghai"}}, found.regulations)
    return Engine(config, found, parse_time(AS_OF, config.zone, "as_of"))


def input_frame(path: Path, out: Path) -> None:
    import polars as pl

    e = engine()
    industry = e.industries["power_supply"]
    zone = e.config.policy.timezone
    kinds = {"text": pl.String, "choice": pl.String, "bool": pl.Boolean, "number": pl.Float64,
             "names": pl.List(pl.String)}
    fields = industry.parser.fields
    columns = {name: [] for name in fields}
    rows, doubts = [], []
    with path.open("rb") as f:
        for i, line in enumerate(f, 1):
            _, record = e.parse("bench", i, orjson.loads(line))
            rows.append(i)
            doubts.append(bool(record.date_only))
            for name in fields:
                v = getattr(record, name)
                columns[name].append(list(v) if isinstance(v, tuple) else v)
    schema = {"_row": pl.Int64, "_doubt": pl.Boolean}
    schema.update({n: pl.Datetime("us", zone) if f.kind == "time" else kinds[f.kind] for n, f in fields.items()})
    pl.DataFrame({"_row": rows, "_doubt": doubts, **columns}, schema=schema).write_parquet(out)


def child(frame_path: str, batch: int) -> None:
    import polars as pl

    from policy.core.columnar.calendar import CalendarTable
    from policy.core.columnar.compile import evaluate
    from policy.core.declared import guard_of

    e = engine()
    industry = e.industries["power_supply"]
    guards = [guard_of(i.function) for hook in ("classify", "deadlines", "appeal", "consequences", "period_facts")
              for i in getattr(industry, hook).impls]
    frame = pl.read_parquet(frame_path)
    table = CalendarTable(e.calendar, e.config.policy.timezone)
    best = None
    for _ in range(3):
        t = time.perf_counter()
        declined = 0
        for start in range(0, frame.height, batch):
            out = evaluate(frame.slice(start, batch), industry.declared, industry.params, table, e.as_of, guards)
            declined += out.tickets["_per_ticket"].sum()
        elapsed = time.perf_counter() - t
        best = elapsed if best is None else min(best, elapsed)
    print(f"{pl.thread_pool_size()} {best:.3f} {declined}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--threads", type=int, action="append")
    ap.add_argument("--batch", type=int, default=50_000)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.batch)
        return
    sys.path.insert(0, str(HERE))
    from bench import generate

    with tempfile.TemporaryDirectory() as tmp:
        src, frame = Path(tmp) / "tickets.jsonl", Path(tmp) / "input.parquet"
        generate(src, args.n)
        input_frame(src, frame)
        for threads in args.threads or [1, 2]:
            env = {**os.environ, "POLARS_MAX_THREADS": str(threads)}
            out = subprocess.run([sys.executable, __file__, "--child", str(frame), "--batch", str(args.batch)],
                                 env=env, stdout=subprocess.PIPE, text=True, check=True).stdout.split()
            n_threads, seconds, declined = out
            print(f"{args.n} tickets, {n_threads} thread(s), batches of {args.batch}: compile {float(seconds):.2f} s "
                  f"(best of 3), {args.n / float(seconds):,.0f} tickets/s, rows sent per ticket: {declined}")


if __name__ == "__main__":
    main()
