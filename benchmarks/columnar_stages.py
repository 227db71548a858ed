"""Seconds of the columnar executor's reader and writer against the floor (issue 15, part B).

    python benchmarks/columnar_stages.py              # 200,000 tickets, one thread and two
    python benchmarks/columnar_stages.py --n 50000

Prints, for ``bench.generate``'s tickets: the floor (``bench.floor``, best of three), the
reader (the file, in batches of ``--batch`` lines, to INPUT frames, core/columnar/read.py) and
the writer (RESULT frames of the benchmark's shape, five deadlines and one to three
consequences a ticket, to JSON Lines bytes in a file, core/columnar/document.py), each the best
of three, with ``POLARS_MAX_THREADS`` 1 and 2 (each in its own process: polars reads it once).
Nothing here asserts a time: the figures are for people to read.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def batches(data: bytes, size: int):
    """(first line number, bytes) of batches of about ``size`` lines, cut at line ends by bytes
    (a loop over every line in Python would cost a tenth of the reader)."""
    sample = data[:1 << 20]  # the average line length of the first MiB
    step = max(1, len(sample) * size // max(1, sample.count(b"\n")))
    start, line = 0, 1
    while start < len(data):
        end = data.find(b"\n", start + step)
        end = len(data) if end < 0 else end + 1
        chunk = data[start:end]
        yield line, chunk
        line += chunk.count(b"\n")
        start = end


def result_frames(n: int, zone: str = "Asia/Shanghai"):
    """RESULT frames of n tickets of the benchmark's shape, built by polars (not from Python objects)."""
    import polars as pl

    rows = pl.int_range(1, n + 1, dtype=pl.Int64, eager=True)
    tickets = pl.DataFrame({"_row": rows}).with_columns(
        id=pl.format("PS-{}", pl.col("_row").cast(pl.String).str.zfill(7)),
        counted=(pl.col("_row") % 5) != 0,
        category=pl.lit("service_attitude"), grade=pl.lit("general"),
        classified_by=pl.lit(["P1-9"], dtype=pl.List(pl.String)),
        reason=pl.when(pl.col("_row") % 5 == 0).then(pl.lit("not verified true (经查属实): not counted")),
        repeat_of=pl.lit(None, dtype=pl.String), appeal_status=pl.lit("none"),
        appeal_rule=pl.lit(None, dtype=pl.String), appeal_reason=pl.lit(None, dtype=pl.String),
        unknown_deadline=pl.lit(False), _per_ticket=pl.lit(False),
    )
    stages = pl.DataFrame({"_pos": pl.Series([0, 1, 2, 3, 4], dtype=pl.Int32),
                           "rule": ["P1-14", "P1-15a", "P1-15b", "P1-16", "P1-19"],
                           "stage": ["dispatch", "contact_customer", "investigate_and_reply", "revisit", "report"],
                           "limit": ["1 hour", "1 working day", "4 working days", "24 hours", "same day"]})
    start = pl.datetime(2025, 1, 1, time_zone=zone) + pl.duration(minutes=(pl.col("_row") * 7919) % (700 * 24 * 60))
    deadlines = pl.DataFrame({"_row": rows}).join(stages, how="cross").with_columns(
        due=start + pl.duration(hours=pl.col("_pos").cast(pl.Int64) * 24 + 1),
        done_at=pl.when((pl.col("_row") + pl.col("_pos")) % 4 != 0).then(
            start + pl.duration(minutes=(pl.col("_row") * 31 + pl.col("_pos") * 600) % 3000)),
        status=pl.lit("met"), extended=(pl.col("_row") % 50) == 0, reason=pl.lit(None, dtype=pl.String),
    )
    kinds = pl.DataFrame({"_pos": pl.Series([0, 1, 2], dtype=pl.Int32),
                          "rule": ["P1-24.3.2.1", "P1-24.4.1", "P1-26"],
                          "role": ["responsible_person", "main_responsible", "unit"],
                          "kind": ["fine", "sanction", "fine"]})
    consequences = pl.DataFrame({"_row": rows}).join(kinds, how="cross").filter(
        pl.col("_pos") <= pl.col("_row") % 3).with_columns(
        party=pl.format("员工{}", pl.col("_row") % 2000),
        min=pl.when(pl.col("kind") == "fine").then(200.0 * (1 + pl.col("_row") % 2)),
        max=pl.when(pl.col("kind") == "fine").then(500.0 + (pl.col("_row") % 3) * 0.5),
        min_text=pl.when(pl.col("kind") == "sanction").then(pl.lit("warning")),
        max_text=pl.when(pl.col("kind") == "sanction").then(pl.lit("demerit")),
        adjusted_by=pl.when(pl.col("_row") % 10 == 0).then(pl.lit(["P1-25"])).otherwise(pl.lit([], dtype=pl.List(pl.String))),
        note=pl.lit(None, dtype=pl.String),
    )
    return tickets, deadlines, consequences


def stages(n: int, batch: int) -> None:
    """One process, the thread count of its environment: the reader's and the writer's seconds."""
    from zoneinfo import ZoneInfo

    import polars as pl

    from policy.core.columnar.document import render, write_jsonl
    from policy.core.columnar.read import read_jsonl
    from policy.core.records import RecordParser
    from policy.plugins.power_supply.declarations import FIELDS

    sys.path.insert(0, str(HERE))
    import bench

    parser = RecordParser("power_supply", FIELDS, ZoneInfo("Asia/Shanghai"))
    articles = {"P1-14": "第十四条", "P1-15a": "第十五条", "P1-15b": "第十五条", "P1-16": "第十六条", "P1-19": "第十九条",
                "P1-24.3.2.1": "第二十四条(三)2(1)", "P1-24.4.1": "第二十四条(四)1", "P1-26": "第二十六条"}
    with tempfile.TemporaryDirectory() as tmp:
        tickets_path, out_path = Path(tmp, "tickets.jsonl"), Path(tmp, "results.jsonl")
        bench.generate(tickets_path, n)

        def read_all() -> int:
            doubtful = 0
            for first, chunk in batches(tickets_path.read_bytes(), batch):
                doubtful += read_jsonl(chunk, parser, first).get_column("_doubt").sum()
            return doubtful

        frames = [(first, result_frames(min(batch, n - first + 1))) for first in range(1, n + 1, batch)]

        def write_all() -> None:
            with out_path.open("wb") as out:
                for _, (tickets, deadlines, consequences) in frames:
                    write_jsonl(render(tickets, deadlines, consequences, articles, "power_supply"), out)

        read_s = min(_timed(read_all) for _ in range(3))
        write_s = min(_timed(write_all) for _ in range(3))
        print(f"{os.environ.get('POLARS_MAX_THREADS', '?')} {read_s} {write_s} {read_all()} "
              f"{out_path.stat().st_size} {pl.__version__}")


def _timed(f) -> float:
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--batch", type=int, default=50_000, help="lines a batch (design §2.2 step 1)")
    ap.add_argument("--stages", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = ap.parse_args()
    if args.stages:
        stages(args.n, args.batch)
        return
    sys.path.insert(0, str(HERE))
    import bench

    with tempfile.TemporaryDirectory() as tmp:
        tickets, copy = Path(tmp, "tickets.jsonl"), Path(tmp, "copy.jsonl")
        bench.generate(tickets, args.n)
        floor_s = min(_timed(lambda: bench.floor(tickets, copy)) for _ in range(3))
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; {args.n:,} tickets, batches of {args.batch:,}")
    print(f"floor (orjson read+write, best of 3): {floor_s:6.2f} s")
    for threads in (1, 2):
        env = {**os.environ, "POLARS_MAX_THREADS": str(threads)}
        out = subprocess.run([sys.executable, __file__, "--stages", "--n", str(args.n), "--batch", str(args.batch)],
                             env=env, capture_output=True, text=True, check=True).stdout.split()
        _, read_s, write_s, doubtful, size, version = out
        read_s, write_s = float(read_s), float(write_s)
        print(f"polars {version}, {threads} thread{'s' if threads > 1 else ''}:")
        print(f"  reader, file to INPUT frames:  {read_s:6.2f} s  ({read_s / floor_s:4.2f}x the floor; "
              f"{int(doubtful):,} rows doubtful)")
        print(f"  writer, RESULT frames to file: {write_s:6.2f} s  ({write_s / floor_s:4.2f}x the floor; "
              f"{int(size) / 2**20:.0f} MiB)")


if __name__ == "__main__":
    main()
