"""Issue 16: every consequence names its party — the shipped examples, every plugin, no null or "-" party."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy.cli.main import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RUNS = {
    "power_supply": ["--period", "2026-H1", "--roster", "roster.csv", "tickets.csv", "inspections.csv"],
    "water": ["--period", "2026", "--roster", "roster.csv", "tickets.csv"],
    "gas": ["tickets.csv"],
    "airport": ["tickets.csv"],
    "mixed": ["tickets.jsonl"],
}


@pytest.mark.parametrize("example", sorted(RUNS))
def test_every_consequence_and_period_item_of_the_examples_names_its_party(example, monkeypatch):
    monkeypatch.chdir(EXAMPLES / example)
    r = CliRunner().invoke(cli, ["evaluate", "--config", "policy.toml", "--as-of", "2026-12-31T00:00", "--format", "json",
                                 *RUNS[example]])
    assert r.exit_code in (0, 1), r.output
    document = json.loads(r.stdout)
    items = [c for res in document["results"] for c in res["consequences"]] + document["period"]
    assert items, "the example produces consequences"
    assert [i for i in items if i["party"] in (None, "", "-")] == []
