"""The assessors' page under a large upload: does the job finish, and does the page stay quick?

    python benchmarks/serve.py [--n 200000]

Starts `policy serve` (a real uvicorn server, in a child process) on a free port, uploads N
synthetic power-supply tickets as JSON Lines (the generator of bench.py), and while the job
runs times requests for the front page and the job's status; once the results are on the
page, times the results page (unfiltered, filtered to one person, a deep page) and a ticket,
then waits for the csv and the workbook. Nothing asserts
a time: the figures are for people to read (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).parent))
from bench import generate  # noqa: E402

CONFIG = Path(__file__).resolve().parents[1] / "examples" / "power_supply" / "policy.toml"


def timed(client: httpx.Client, url: str, **kw) -> tuple[float, httpx.Response]:
    start = time.perf_counter()
    response = client.get(url, **kw)
    return time.perf_counter() - start, response


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tickets = Path(tmp) / "tickets.jsonl"
        generate(tickets, args.n)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        policy = Path(sys.executable).with_name("policy")
        server = subprocess.Popen([str(policy), "serve", "--config", str(CONFIG), "--port", str(port)],
                                  stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=600) as c:
                for _ in range(200):
                    try:
                        front = c.get("/")
                        break
                    except httpx.TransportError:
                        time.sleep(0.1)
                csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', front.text).group(1)
                size = tickets.stat().st_size
                start = time.perf_counter()
                with tickets.open("rb") as f:
                    r = c.post("/jobs", data={"csrf": csrf, "as_of": "2026-12-31T00:00", "period": ""},
                               files={"files": ("tickets.jsonl", f, "application/octet-stream")})
                uploaded = time.perf_counter() - start
                assert r.status_code == 303, r.text
                job = r.headers["location"]
                while_running = []
                while True:
                    t_status, status = timed(c, job + "/status")
                    t_front, _ = timed(c, "/")
                    state = status.json()
                    if state["state"] != "running":
                        break
                    while_running.append((t_status, t_front, state.get("records", 0)))
                    time.sleep(0.5)
                total = time.perf_counter() - start
                assert state["state"] == "done", state
                t_page, page = timed(c, job)
                person = re.search(r'<option value="(员工\d+)">', page.text).group(1)
                t_person, _ = timed(c, job, params={"person": person})
                t_deep, _ = timed(c, job, params={"page": 3000})
                t_rule, _ = timed(c, job, params={"status": "breached", "rule": "P1-14"})
                link = re.search(r'class="ticket" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
                t_ticket, _ = timed(c, link)
                while c.get(job + "/status").json().get("pending"):
                    time.sleep(0.5)
                all_written = time.perf_counter() - start
                t_xlsx, xlsx = timed(c, job + "/download/xlsx")
        finally:
            server.terminate()
            server.wait(30)
    status_times = [s for s, _, _ in while_running]
    front_times = [f for _, f, _ in while_running]
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"tickets: {args.n:,} ({size / 2**20:.0f} MiB JSON Lines) -> {state['records']:,} records, "
          f"{state['evaluated']:,} evaluated, {state['rejected']:,} rejected")
    print(f"upload (POST until the job starts): {uploaded:6.2f} s")
    print(f"upload to results on the page:      {total:6.2f} s (json download ready too)")
    print(f"upload to csv and xlsx ready:       {all_written:6.2f} s (xlsx {len(xlsx.content) / 2**20:.0f} MiB, "
          f"downloaded in {t_xlsx:.2f} s)")
    print(f"while running, {len(while_running)} polls: status median {statistics.median(status_times) * 1000:.0f} ms, "
          f"max {max(status_times) * 1000:.0f} ms; front page median {statistics.median(front_times) * 1000:.0f} ms, "
          f"max {max(front_times) * 1000:.0f} ms")
    print(f"results page 1:                     {t_page * 1000:6.0f} ms ({len(page.content) / 1024:.0f} KiB)")
    print(f"filtered to one person:             {t_person * 1000:6.0f} ms")
    print(f"page 3,000 (tickets 149,951-150,000): {t_deep * 1000:4.0f} ms")
    print(f"breached and P1-14:                 {t_rule * 1000:6.0f} ms")
    print(f"one ticket:                         {t_ticket * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
