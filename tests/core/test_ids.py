"""Ids are unique in a run (contract.md): exact, and in bounded memory past IN_MEMORY ids."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy.cli.main import cli
from policy.core import ids
from policy.core.ids import TicketIds

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_a_repeat_is_found_within_a_chunk_and_across_chunks():
    seen = TicketIds()
    assert seen.repeated(["A", "B", "A", None, None]) == [False, False, True, False, False]
    assert seen.repeated(["C", "B"]) == [False, True]


def test_ids_moved_to_disk_are_still_found_exactly():
    seen = TicketIds(in_memory=3)
    assert seen.repeated(["A", "B", "C"]) == [False] * 3  # reaches the bound: moved to disk
    assert seen._recent == set()
    assert seen.repeated(["D", "A", "AA", "D"]) == [False, True, False, True]
    # More ids than one SQLite query takes, half of them seen before.
    many = [f"T{i}" for i in range(2000)]
    assert seen.repeated(many[:1000]) == [False] * 1000
    assert seen.repeated(many) == [True] * 1000 + [False] * 1000
    assert seen.repeated(["B", "C", "E"]) == [True, True, False]
    seen.close()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_run_longer_than_the_memory_bound_rejects_exactly_the_repeats(tmp_path, monkeypatch, jobs):
    monkeypatch.setattr(ids, "IN_MEMORY", 100)  # workers start afresh, but ids are the parent's
    rows = [{"id": f"R{i}", "received_at": "2026-03-02 09:00", "category": "tariff", "verified": False}
            for i in range(2500)]
    rows[2400] = dict(rows[5])  # a repeat long after the first has moved to disk
    rows[1500] = dict(rows[1499])  # and one right after its first
    src = tmp_path / "t.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.json"
    r = CliRunner().invoke(cli, ["evaluate", "--config", str(EXAMPLES / "power_supply" / "policy.toml"),
                                 "--as-of", "2026-12-31T00:00", "--jobs", jobs, "--output", str(out), str(src)])
    assert r.exit_code == 1, r.output
    doc = json.loads(out.read_text())
    assert [(e["row"], e["id"], e["field"]) for e in doc["errors"]] == [(1501, "R1499", "id"), (2401, "R5", "id")]
    assert doc["summary"] == {"records": 2500, "evaluated": 2498, "rejected": 2}


def test_without_a_temporary_directory_ids_stay_in_memory(monkeypatch):
    import sqlite3

    def no_disk(*args, **kwargs):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(ids.sqlite3, "connect", no_disk)
    seen = TicketIds(in_memory=2)
    with pytest.warns(UserWarning, match="ticket ids stay in memory"):
        assert seen.repeated(["A", "B"]) == [False, False]
    assert seen.repeated(["C", "A", "B"]) == [False, True, True]
