"""policy evaluate --log FILE: one JSON line per run appended, never rewritten (issue 13)."""

import hashlib
import json
from pathlib import Path

from click.testing import CliRunner

from policy.cli.main import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "power_supply"


def _run(*args):
    return CliRunner().invoke(cli, ["evaluate", "--config", str(EXAMPLE / "policy.toml"), "--as-of",
                                    "2026-04-01T00:00", *args, str(EXAMPLE / "tickets.csv")])


def test_each_run_appends_its_run_section_counts_and_the_outputs_hash(tmp_path):
    log = tmp_path / "decisions.jsonl"
    out = tmp_path / "results.json"
    first = _run("--log", str(log), "-o", str(out))
    assert first.exit_code in (0, 1), first.output
    second = _run("--log", str(log), "--format", "json")  # to standard output
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2  # appended, not rewritten
    a, b = lines
    assert a["output"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert b["output"]["sha256"] == hashlib.sha256(second.stdout_bytes).hexdigest()
    assert a["output"]["sha256"] == b["output"]["sha256"]  # the same run section gives the same bytes
    assert a["run"] == b["run"] and a["run"]["as_of"] == "2026-04-01T00:00:00+08:00"
    assert a["summary"] == json.loads(out.read_text(encoding="utf-8"))["summary"]
    assert a["exit"] == first.exit_code
