"""All four built-in plugins enabled at once: each record by its own industry's rules."""

import json
from pathlib import Path

from click.testing import CliRunner

from policy.cli.main import cli

MIXED = Path(__file__).resolve().parents[1] / "examples" / "mixed"


def test_a_mixed_file_evaluates_each_record_by_its_own_industry():
    r = CliRunner().invoke(cli, ["evaluate", "--config", str(MIXED / "policy.toml"), "--as-of", "2026-04-01T00:00",
                                 "--format", "json", str(MIXED / "tickets.jsonl")])
    assert r.exit_code == 1  # two records name no enabled industry
    doc = json.loads(r.stdout)
    by_id = {x["id"]: x for x in doc["results"]}
    assert {x["industry"] for x in doc["results"]} == {"power_supply", "airport", "gas", "water"}
    assert by_id["M-PS-1"]["consequences"][0]["rule"] == "P1-24.3.2.1"
    assert by_id["M-AP-1"]["grade"] == "class_2" and by_id["M-AP-1"]["consequences"][0]["rule"] == "A1-10"
    assert {c["rule"] for c in by_id["M-GS-1"]["consequences"]} == {"G1-5.2", "G1-5.5"}  # late, and no reply
    assert by_id["M-WA-1"]["consequences"][0]["rule"] == "W1-5.2.1a"
    # No rule of one regulation reaches another's ticket.
    for x in doc["results"]:
        prefix = {"power_supply": "P", "airport": "A1", "gas": "G1", "water": "W1"}[x["industry"]]
        cited = [d["rule"] for d in x["deadlines"]] + [c["rule"] for c in x["consequences"]]
        assert all(rule.startswith(prefix) for rule in cited), (x["id"], cited)
    errors = {e["id"]: e for e in doc["errors"]}
    assert errors["M-XX-1"]["field"] == "industry" and "telecom" in errors["M-XX-1"]["message"]
    assert errors["M-NO-1"]["field"] == "industry" and "several plugins" in errors["M-NO-1"]["message"]
    assert doc["summary"] == {"records": 6, "evaluated": 4, "rejected": 2}
