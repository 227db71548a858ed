"""The columnar executor's stages on one 16 MiB batch (about 39,000 tickets), one polars thread.

    python benchmarks/columnar_batch.py [TICKETS.jsonl]

Times reading (core/columnar/read.py), the rules (compile.py), the document (document.py) and
joining the lines, each the best of three, and the compile's steps and the writer's pieces by
name. The tickets are bench.py's (generated when no file is given). Nothing asserts a time.
"""
import collections
import functools
import os
import pathlib
import time

os.environ["POLARS_MAX_THREADS"] = "1"
import polars as pl
from datetime import datetime
from policy.core.setup import load_engine_setup
from policy.core.records import parse_time
from policy.core.columnar import compile as C, document as D, read as R
from policy.core.columnar.calendar import CalendarTable
from policy.core.columnar.executor import guards
setup = load_engine_setup(str(pathlib.Path(__file__).resolve().parents[1] / "examples" / "power_supply" / "policy.toml"))
eng = setup.engine(parse_time("2026-12-31T00:00", setup.config.zone, "x"))
ind = eng.industries["power_supply"]
import sys, tempfile, pathlib
if len(sys.argv) > 1:
    data = open(sys.argv[1], "rb").read()
else:
    sys.path.insert(0, str(pathlib.Path(__file__).parent))
    import bench
    with tempfile.TemporaryDirectory() as tmp:
        bench.generate(pathlib.Path(tmp, "t.jsonl"), 60_000)
        data = pathlib.Path(tmp, "t.jsonl").read_bytes()
# 16 MiB block
end = data.rfind(b"\n", 0, 16*2**20)+1
block = data[:end]
T = collections.Counter()
def wrap(cls, name):
    f = getattr(cls, name)
    @functools.wraps(f)
    def g(*a, **k):
        t = time.perf_counter(); r = f(*a, **k); T[name] += time.perf_counter() - t; return r
    setattr(cls, name, g)
for n in ["classify", "time_limit", "finish_deadlines", "appeal", "consequences", "scale", "unnamed", "parties", "tallies", "frames"]:
    wrap(C._Batch, n)
for n in ["_deadline_texts", "_consequence_texts", "_distinct", "_time", "_text"]:
    wrap(D, n) if hasattr(D, n) else None
table = CalendarTable(eng.calendar, "Asia/Shanghai")
g = guards(ind)
best = None
for rep in range(3):
    T.clear()
    t0 = time.perf_counter(); frame = R.read_jsonl(block, ind.parser, 1); t1 = time.perf_counter()
    fr = C.evaluate(frame, ind.declared, ind.params, table, eng.as_of, g); t2 = time.perf_counter()
    docs = D.render(fr.tickets, fr.deadlines, fr.consequences, eng.articles, "power_supply", "jsonl"); t3 = time.perf_counter()
    txt = docs.joined(); t4 = time.perf_counter()
    run = (t1 - t0, t2 - t1, t3 - t2, t4 - t3)
    best = run if best is None else tuple(map(min, best, run))
print(f"rows {frame.height}: read {best[0]:.3f} s, rules {best[1]:.3f} s, document {best[2]:.3f} s, join {best[3]:.3f} s (best of 3)")
for k, v in T.most_common(): print(f"  {k:20} {v:.3f} s (last run)")
