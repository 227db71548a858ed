"""How close can Python get to the floor? A stripped loop, for comparison only.

    python benchmarks/stripped_loop.py TICKETS.jsonl

Not the product and not a regulation: it does a fraction of what `policy evaluate` does for
bench.py's tickets (read six times, four P1 time limits counted in calendar hours only, one
fixed fine, no validation, no hooks, no objects) and writes a result document of about the same
size with orjson. Its time, against bench.py's floor on the same file, is the lower bound any
CPython pipeline that evaluates ticket by ticket starts from.
"""

import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import orjson

ZONE = ZoneInfo("Asia/Shanghai")
HOUR = timedelta(hours=1)
STAGES = (("P1-14", "received_at", "dispatched_at"), ("P1-15a", "dispatched_at", "contacted_at"),
          ("P1-15b", "dispatched_at", "replied_at"), ("P1-16", "replied_at", "revisited_at"))


def main(path: str, out_path: str = "/dev/null") -> float:
    fromiso = datetime.fromisoformat
    start = time.perf_counter()
    with open(path, "rb") as f, open(out_path, "wb") as out:
        for line in f:
            raw = orjson.loads(line)
            values = {k: fromiso(v).replace(tzinfo=ZONE) if k.endswith("_at") else v for k, v in raw.items()}
            deadlines = []
            for rule, begin, end in STAGES:
                due, done = values.get(begin) + HOUR, values.get(end)
                deadlines.append({"rule": rule, "article": "第十四条", "stage": end, "limit": "1 hour", "due": due,
                                  "done_at": done, "status": "met" if done and done <= due else "breached"})
            out.write(orjson.dumps({
                "type": "result", "id": values["id"], "industry": "power_supply", "counted": True,
                "category": values["category"], "grade": "general", "classified_by": ["P1-9"], "deadlines": deadlines,
                "appeal": {"status": "none"},
                "consequences": [{"rule": "P1-24.3.2.1", "article": "第二十四条(三)2(1)", "party": values["person"],
                                  "role": "responsible_person", "kind": "fine", "min": 200, "max": 500}],
            }) + b"\n")
    return time.perf_counter() - start


if __name__ == "__main__":
    print(f"stripped loop: {main(*sys.argv[1:]):.2f} s")
