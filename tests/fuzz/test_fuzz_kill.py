"""kill -9 in the middle of a run never costs the previous results file (issue 12 item 4).

The run is a real `policy evaluate` process writing over an existing file; it is killed as
soon as it has started writing (the target changed, or a new file appeared beside it), so the
test waits on what the process does, not on a clock.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import fuzz_harness as h

ROWS = 300_000  # some seconds of work: long enough to be caught midway


@pytest.fixture(scope="module")
def large_input(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("in") / "big.jsonl"
    line = json.dumps({"id": "K{:06d}", "received_at": "2026-03-02 09:00", "category": "tariff",
                       "verified": "否", "person": "张三", "unit": "城区供电所"}, ensure_ascii=False)
    with path.open("w", encoding="utf-8") as f:
        for i in range(ROWS):
            f.write(line.replace("{:06d}", f"{i:06d}") + "\n")
    return path


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_kill_9_midway_leaves_the_old_output_intact(configs, large_input, tmp_path, fmt):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / f"results.{fmt}"
    old = f"the previous month's results, {fmt}\n".encode() * 1000
    target.write_bytes(old)
    cmd = [sys.executable, "-m", "policy.cli.main", "evaluate", "--config", configs["power_supply"],
           "--as-of", h.AS_OF, "--jobs", "1", "--quiet", "--format", fmt, "--output", str(target), str(large_input)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        started = False
        while proc.poll() is None:
            beside = [p for p in out_dir.iterdir() if p != target]
            if target.read_bytes() != old or any(p.stat().st_size > 0 for p in beside):
                started = True
                break
        os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    finally:
        proc.wait()
    assert started, f"the run ended (status {proc.returncode}) before it wrote anything: {proc.stderr.read()[-500:]!r}"
    assert target.read_bytes() == old, "the old results file was changed by a run that never finished"
    for left in out_dir.iterdir():
        if left != target:  # a kill may leave a temp file, but beside the target and named after it
            assert target.name in left.name, f"{left.name} left beside {target.name} does not say what it belongs to"
