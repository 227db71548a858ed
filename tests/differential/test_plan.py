"""Which executor a run takes, and why (core/columnar/executor.py ``plan``), and the blocks the
columnar executor reads (cli/inputs.py ``jsonl_blocks``): numbered as the per-ticket reader
numbers lines, whatever the block size."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy.cli import inputs as readers
from policy.cli.main import cli
from policy.core.columnar import executor
from policy.core.config import from_dict
from policy.core.pipeline import Engine
from policy.core.plugins import discover, load_local_plugin
from policy.core.records import parse_time

pytest.importorskip("polars")

ROOT = Path(__file__).resolve().parents[2]
POWER = ROOT / "examples" / "power_supply"


def engine(plugins=("power_supply",), params=None, local=None):
    found = discover(enabled=list(plugins))
    if local is not None:
        assert load_local_plugin(found, local)
    config = from_dict({"policy": {"plugins": list(plugins), "timezone": "Asia/Shanghai"},
                        "plugins": {p: dict((params or {}).get(p, {})) for p in plugins}}, found.regulations)
    return Engine(config, found, parse_time("2026-04-01T00:00", config.zone, "as_of"))


def test_power_supply_on_json_lines_runs_columnar(monkeypatch):
    monkeypatch.delenv("POLICY_EXECUTOR", raising=False)
    chosen = executor.plan(engine(), "jsonl", ["t.jsonl"], explaining=False)
    assert chosen and chosen.reasons == ["power_supply: columnar"]


@pytest.mark.parametrize(("fmt", "inputs", "explaining", "why"), [
    ("csv", ["t.jsonl"], False, "--format csv: the columnar executor writes json and jsonl"),
    ("jsonl", ["t.csv"], False, "an input is not a JSON Lines file"),
    ("jsonl", ["-"], False, "an input is not a JSON Lines file"),
    ("json", ["t.jsonl"], True, "--explain traces each ticket on the per-ticket path"),
])
def test_what_the_columnar_executor_does_not_take(monkeypatch, fmt, inputs, explaining, why):
    monkeypatch.delenv("POLICY_EXECUTOR", raising=False)
    chosen = executor.plan(engine(), fmt, inputs, explaining)
    assert not chosen and why in chosen.reasons


def test_the_switch_and_a_missing_polars(monkeypatch):
    monkeypatch.setenv("POLICY_EXECUTOR", "per_ticket")
    assert executor.plan(engine(), "jsonl", ["t.jsonl"], False).reasons == ["POLICY_EXECUTOR=per_ticket"]
    monkeypatch.delenv("POLICY_EXECUTOR")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "polars" else real(name, *a))
    chosen = executor.plan(engine(), "jsonl", ["t.jsonl"], False)
    assert not chosen and chosen.reasons[0].startswith("polars is not installed")


def test_industries_whose_rules_are_hooks_or_dated_go_per_ticket(monkeypatch, tmp_path):
    monkeypatch.delenv("POLICY_EXECUTOR", raising=False)
    assert executor.plan(engine(("gas",)), "jsonl", ["t.jsonl"], False).reasons == [
        "gas: it declares no rules: its hooks answer every ticket"]
    assert "2 industries enabled" in executor.plan(engine(("power_supply", "water")), "jsonl", ["t.jsonl"], False).reasons[0]
    dated = engine(params={"power_supply": {"dispatch_hours": [{"from": __import__("datetime").date(2026, 1, 1), "value": 2}]}})
    assert executor.plan(dated, "jsonl", ["t.jsonl"], False).reasons == [
        "power_supply: dated parameters ([{from = ..., value = ...}]) are read per ticket"]
    local = tmp_path / "local.py"
    local.write_text("from policy.core.hookspecs import hookimpl\n\n@hookimpl\ndef policy_consequences(record):\n    return []\n")
    why = executor.plan(engine(local=local), "jsonl", ["t.jsonl"], False).reasons
    assert why == [f"power_supply: plugin local:{local} implements policy_consequences with no guard (@applies)"], why


@pytest.mark.parametrize("where", ["evaluate --debug", "policy --debug evaluate"])
def test_debug_says_which_executor_and_how_many_rows_went_per_ticket(monkeypatch, tmp_path, where):
    monkeypatch.delenv("POLICY_EXECUTOR", raising=False)
    tickets = tmp_path / "t.jsonl"
    tickets.write_text('{"id":"A","received_at":"2026-03-02 09:00","category":"服务态度","verified":true,'
                       '"responsible":true,"person":"张三","unit":"城区供电所","cause":"attitude_poor"}\n'
                       '{"id":"B","received_at":"2026/03/02 09:00","category":"服务态度"}\n', encoding="utf-8")
    debug = ["evaluate", "--debug"] if where == "evaluate --debug" else ["--debug", "evaluate"]
    r = CliRunner().invoke(cli, [*debug, "--config", str(POWER / "policy.toml"),
                                 "--as-of", "2026-04-01T00:00", "--format", "jsonl", str(tickets)])
    assert r.exit_code == 0, r.output  # B's time is read per ticket, and read well
    assert "policy: executor: columnar: power_supply: columnar" in r.stderr
    assert "rows evaluated per ticket: a value the reader is not sure of: 1" in r.stderr


@pytest.mark.parametrize("size", [1, 7, 64, 10_000])
@pytest.mark.parametrize("text", [
    b'{"id":"a"}\n\n{"id":"b"}\n   \n{"id":"c"}',  # blank lines, no line break at the end
    b'\xef\xbb\xbf{"id":"a"}\r\n{"id":"b"}\r\n',  # a byte-order mark, CRLF
    b'{"id":"a", "note":"' + "长".encode() * 40 + b'"}\n{oops\n',  # a line longer than a block
])
def test_blocks_number_lines_as_the_per_ticket_reader_does(tmp_path, size, text):
    path = tmp_path / "t.jsonl"
    path.write_bytes(text)
    rows = [(n, raw if isinstance(raw, dict) else raw.message) for _, n, raw in readers.read(str(path))]
    blocks = list(readers.jsonl_blocks(str(path), size))
    assert b"".join(b for _, _, b in blocks) == text
    again = [(n, raw if isinstance(raw, dict) else raw.message)
             for source, first, block in blocks
             for _, n, raw in readers.jsonl_rows(readers.block_lines(block), source, first)]
    assert again == rows
