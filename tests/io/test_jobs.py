"""--jobs N gives the same bytes as --jobs 1, period rules and earlier-ticket rules included."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy.cli import jobs
from policy.cli.main import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(tmp_path, n, *args):
    out = tmp_path / f"out{n}.json"
    r = CliRunner().invoke(cli, ["evaluate", "--as-of", "2026-12-31T00:00", "--jobs", str(n), "--output", str(out), *args])
    assert r.exit_code in (0, 1), r.output
    return out.read_bytes()


@pytest.mark.parametrize(
    "args",
    [
        ["--config", str(EXAMPLES / "mixed" / "policy.toml"), str(EXAMPLES / "mixed" / "tickets.jsonl")],
        ["--config", str(EXAMPLES / "airport" / "policy.toml"), str(EXAMPLES / "airport" / "tickets.csv")],
        ["--config", str(EXAMPLES / "water" / "policy.toml"), "--period", "2026", "--roster",
         str(EXAMPLES / "water" / "roster.csv"), str(EXAMPLES / "water" / "tickets.csv")],
        ["--config", str(EXAMPLES / "power_supply" / "policy.toml"), "--period", "2026-H1", "--roster",
         str(EXAMPLES / "power_supply" / "roster.csv"), str(EXAMPLES / "power_supply" / "tickets.csv")],
    ],
    ids=["mixed", "airport-history", "water-periods", "power-supply-pay-deductions"],
)
def test_jobs_output_is_byte_identical(tmp_path, monkeypatch, args):
    monkeypatch.setattr(jobs, "CHUNK", 2)  # several chunks even for a small example
    one = run(tmp_path, 1, *args)
    assert run(tmp_path, 2, *args) == one
    assert json.loads(one)["summary"]["records"] > 0


def test_a_repeated_id_is_rejected_the_same_way_in_every_chunk(tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK", 1)
    rows = [{"id": "A", "received_at": "2026-03-02 09:00", "category": "tariff", "verified": False}] * 3
    src = tmp_path / "t.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    args = ["--config", str(EXAMPLES / "power_supply" / "policy.toml"), str(src)]
    one, two = run(tmp_path, 1, *args), run(tmp_path, 2, *args)
    assert one == two
    assert [(e["row"], e["field"]) for e in json.loads(one)["errors"]] == [(2, "id"), (3, "id")]


def test_jobs_reads_standard_input_once(tmp_path):
    lines = "".join(json.dumps({"id": f"S{i}", "received_at": "2026-03-02 09:00", "category": "tariff",
                                "verified": False}) + "\n" for i in range(5))
    args = ["evaluate", "--config", str(EXAMPLES / "power_supply" / "policy.toml"), "--as-of", "2026-12-31T00:00",
            "--format", "json", "-"]
    one = CliRunner().invoke(cli, [*args, "--jobs", "1"], input=lines)
    two = CliRunner().invoke(cli, [*args, "--jobs", "2"], input=lines)
    assert one.exit_code == two.exit_code == 0 and one.stdout == two.stdout
    assert json.loads(two.stdout)["summary"]["evaluated"] == 5


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_workers_render_every_format_as_one_job_does(tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(jobs, "CHUNK", 3)
    args = ["--config", str(EXAMPLES / "mixed" / "policy.toml"), "--format", fmt, str(EXAMPLES / "mixed" / "tickets.jsonl")]
    one = run(tmp_path, 1, *args)
    assert run(tmp_path, 2, *args) == one and one.count(b"\n") >= 10
