"""The `policy` command line, through click's runner and once as the installed command."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy.cli.main import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "power_supply"
HEADER = "工单编号,受理时间,投诉分类,经查属实,责任原因,责任人,责任单位,投诉原因\n"
GOOD = "G-1,2026-03-02 09:00,服务态度,是,是,张三,城区供电所,attitude_poor\n"


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    result = CliRunner().invoke(cli, ["init", "--industry", "power_supply"])
    assert result.exit_code == 0, result.output
    return tmp_path


def evaluate(*args, input=None):
    return CliRunner().invoke(cli, ["evaluate", "--as-of", "2026-04-01T00:00", *args], input=input)


def doc(result):
    return json.loads(result.stdout)


def test_version_and_help():
    r = CliRunner().invoke(cli, ["--version"])
    assert r.exit_code == 0 and r.output.startswith("policy, version ")
    assert "evaluate" in CliRunner().invoke(cli, ["--help"]).output


def test_plugins_lists_name_title_source_and_hooks():
    r = CliRunner().invoke(cli, ["plugins", "--json"])
    data = json.loads(r.stdout)
    ps = next(p for p in data["plugins"] if p["name"] == "power_supply")
    assert "policy_classify" in ps["hooks"] and ps["title"].startswith("供电公司")
    fields = {f["name"]: f for f in ps["fields"]}
    assert "受理时间" in fields["received_at"]["aliases"]
    assert fields["category"]["values"]["service_attitude"] == "服务态度"


def test_rules_lists_ids_and_articles():
    r = CliRunner().invoke(cli, ["rules", "--plugin", "power_supply", "--json"])
    rules = {x["id"]: x["article"] for x in json.loads(r.stdout)["power_supply"]}
    assert rules["P1-24.3.2.1"] == "第二十四条(三)2(1)"
    assert CliRunner().invoke(cli, ["rules", "--plugin", "nope"]).exit_code == 2


def test_init_refuses_to_overwrite_without_force(workdir):
    r = CliRunner().invoke(cli, ["init", "--industry", "power_supply"])
    assert r.exit_code == 2 and "--force" in r.output
    assert CliRunner().invoke(cli, ["init", "--industry", "power_supply", "--force"]).exit_code == 0
    r = CliRunner().invoke(cli, ["init", "--industry", "telecom", "-o", "x.toml"])
    assert r.exit_code == 2 and "available: " in r.output


def test_no_config_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    (tmp_path / "t.csv").write_text(HEADER + GOOD, encoding="utf-8")
    r = evaluate("t.csv")
    assert r.exit_code == 2 and "policy init" in r.output


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding_excel_writes(workdir, encoding):
    (workdir / "t.csv").write_bytes((HEADER + GOOD).encode(encoding))
    r = evaluate("t.csv", "--format", "json")
    assert r.exit_code == 0, r.output
    result = doc(r)["results"][0]
    assert result["consequences"][0]["party"] == "张三"


def test_json_array_jsonl_and_stdin_give_the_same_results(workdir):
    record = {"id": "G-1", "received_at": "2026-03-02 09:00", "category": "service_attitude", "verified": True,
              "responsible": 1, "person": "张三", "unit": "城区供电所", "cause": "attitude_poor"}
    (workdir / "t.json").write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    (workdir / "t.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    a = doc(evaluate("t.json", "--format", "json"))["results"]
    b = doc(evaluate("t.jsonl", "--format", "json"))["results"]
    c = doc(evaluate("-", "--format", "json", input=json.dumps(record, ensure_ascii=False) + "\n"))["results"]
    assert a == b == c and a[0]["consequences"][0]["min"] == 200


def test_bad_records_are_rejected_with_row_field_and_message_and_the_rest_evaluated(workdir):
    rows = [
        GOOD,
        "G-2,2026-02-30 09:00,服务态度,是,是,李四,城区供电所,attitude_poor\n",  # no such date
        "G-3,2026-03-02 09:00,服务很差,是,是,王五,城区供电所,attitude_poor\n",  # unknown category
        ",2026-03-02 09:00,服务态度,是,是,赵六,城区供电所,attitude_poor\n",  # id missing
        "G-1,2026-03-03 09:00,服务态度,是,是,张三,城区供电所,attitude_poor\n",  # duplicate id
        "G-6,2026-03-02 09:00,服务态度,也许,是,钱七,城区供电所,attitude_poor\n",  # not a boolean
    ]
    (workdir / "t.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    r = evaluate("t.csv", "--format", "json")
    assert r.exit_code == 1
    d = doc(r)
    assert [x["id"] for x in d["results"]] == ["G-1"]
    errors = {(e["row"], e["id"], e["field"]) for e in d["errors"]}
    assert errors == {(3, "G-2", "received_at"), (4, "G-3", "category"), (5, None, "id"),
                      (6, "G-1", "id"), (7, "G-6", "verified")}
    assert all(e["source"] == "t.csv" and e["message"] for e in d["errors"])
    assert d["summary"] == {"records": 6, "evaluated": 1, "rejected": 5}


def test_unknown_industry_with_several_enabled_and_malformed_json_lines(workdir):
    lines = ['{"id": "A", "industry": "power_supply", "received_at": "2026-03-02 09:00", "category": "tariff", "verified": false}',
             '{"id": "B", "industry": "telecom", "received_at": "2026-03-02 09:00"}',
             '{"id": "C", "received_at": ',
             '["not", "an", "object"]']
    (workdir / "t.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    d = doc(evaluate("t.jsonl", "--format", "json"))
    assert [r["id"] for r in d["results"]] == ["A"]
    assert [(e["row"], e["field"]) for e in d["errors"]] == [(2, "industry"), (3, None), (4, None)]
    assert "not valid JSON" in d["errors"][1]["message"]
    assert d["summary"]["records"] == d["summary"]["evaluated"] + d["summary"]["rejected"] == 4


def test_formats_and_output_file(workdir):
    (workdir / "t.csv").write_text(HEADER + GOOD, encoding="utf-8")
    jsonl = evaluate("t.csv", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(x)["type"] for x in jsonl] == ["result", "period", "summary", "run"]
    rows = list(csv.DictReader(io.StringIO(evaluate("t.csv", "--format", "csv", "--lang", "en").stdout_bytes.decode("utf-8-sig"))))
    assert {r["rule"] for r in rows if r["section"] == "result"} >= {"P1-14", "P1-24.3.2.1"}
    table = evaluate("t.csv", "--format", "table", "--lang", "en").stdout
    assert "P1-24.3.2.1" in table and "1 record: 1 evaluated, 0 rejected" in table
    r = evaluate("t.csv", "--output", "out.json")
    assert r.exit_code == 0 and json.loads((workdir / "out.json").read_text())["summary"]["evaluated"] == 1


def test_same_input_gives_byte_identical_output(workdir):
    r1 = evaluate("--config", str(EXAMPLES / "policy.toml"), str(EXAMPLES / "tickets.csv"), "--format", "json")
    r2 = evaluate("--config", str(EXAMPLES / "policy.toml"), str(EXAMPLES / "tickets.csv"), "--format", "json")
    assert r1.exit_code == 0 and r1.stdout_bytes == r2.stdout_bytes


def test_csv_output_cannot_run_formulas(workdir):
    (workdir / "t.csv").write_text(HEADER + "G-1,2026-03-02 09:00,服务态度,是,是,=HYPERLINK(1),城区供电所,attitude_poor\n",
                                   encoding="utf-8")
    out = evaluate("t.csv", "--format", "csv").stdout
    assert "'=HYPERLINK(1)" in out and ",=HYPERLINK" not in out


def test_usage_errors_exit_2(workdir):
    (workdir / "t.csv").write_text(HEADER + GOOD, encoding="utf-8")
    assert evaluate("missing.csv").exit_code == 2
    assert evaluate("t.txt").exit_code == 2
    assert evaluate("t.csv", "--period", "2026-Q5").exit_code == 2
    assert evaluate("t.csv", "--as-of", "yesterday").exit_code == 2
    for jobs in ("0", "two"):
        r = evaluate("t.csv", "--jobs", jobs)
        assert r.exit_code == 2 and f"--jobs: '{jobs}' is not a number of processes" in r.output
    (workdir / "policy.toml").write_text('[policy]\nplugins = ["power_supply"]\n[plugins.power_supply]\nx = 1\n')
    r = evaluate("t.csv")
    assert r.exit_code == 2 and "plugins.power_supply.x: unknown key" in r.output


def test_period_option_selects_the_half_year(workdir):
    (workdir / "t.csv").write_text(HEADER + GOOD, encoding="utf-8")
    assert [p["period"] for p in doc(evaluate("t.csv", "--format", "json"))["period"]] == ["2026-H1"]
    assert doc(evaluate("t.csv", "--format", "json", "--period", "2026-H2"))["period"] == []


def test_the_shipped_example_evaluates(workdir):
    r = evaluate("--config", str(EXAMPLES / "policy.toml"), str(EXAMPLES / "tickets.csv"), "--format", "json")
    assert r.exit_code == 0
    d = doc(r)
    by_id = {x["id"]: x for x in d["results"]}
    ps002 = by_id["PS-002"]  # a Friday ticket passed on 90 minutes late, complained to the State Grid
    assert {x["rule"]: x["status"] for x in ps002["deadlines"]}["P1-14"] == "breached"
    assert ps002["consequences"][0]["min"] == 200 and ps002["consequences"][0]["adjusted_by"] == ["P1-25"]
    assert by_id["PS-008"]["appeal"]["status"] == "accepted" and by_id["PS-009"]["appeal"]["status"] == "refused"
    bad = evaluate("--config", str(EXAMPLES / "policy.toml"), str(EXAMPLES / "bad_tickets.csv"), "--format", "json")
    assert bad.exit_code == 1 and doc(bad)["summary"] == {"records": 5, "evaluated": 1, "rejected": 4}


def test_the_installed_command_runs_in_a_real_process(tmp_path):
    script = Path(sys.executable).with_name("policy")
    assert script.exists(), "the console script is installed next to the interpreter"
    (tmp_path / "t.csv").write_text(HEADER + GOOD, encoding="utf-8")
    env = {**os.environ, "POLICY_CONFIG": str(EXAMPLES / "policy.toml")}
    p = subprocess.run([str(script), "evaluate", "--as-of", "2026-04-01T00:00", "t.csv"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["results"][0]["consequences"][0]["rule"] == "P1-24.3.2.1"  # json on a pipe


def test_json_times_are_written_exactly_as_iso_8601_text():
    """JSON writers hand datetimes to orjson; the text must be what isoformat() gives."""
    from datetime import datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    from policy.cli.outputs import JsonLinesWriter
    from policy.core.model import Classification, Deadline, Result, as_dict

    times = [
        datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        datetime(2026, 3, 2, 2, 0, 0, 250, tzinfo=timezone.utc),
        datetime(1988, 7, 1, 9, 30, 15, tzinfo=ZoneInfo("Asia/Shanghai")),  # summer time then: +09:00
        datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=5, minutes=45))),
    ]
    result = Result("T", "toy", Classification(True), [Deadline("T-1", "s", t, t, "met") for t in times])
    written = json.loads(JsonLinesWriter(io.BytesIO(), {}).render(result))
    assert [d["due"] for d in written["deadlines"]] == [t.isoformat() for t in times]
    assert written["deadlines"] == as_dict(result, {})["deadlines"]
    assert written["deadlines"][2]["due"] == "1988-07-01T09:30:15+09:00"


def test_jobs_auto_uses_every_cpu_for_large_inputs_only(tmp_path, monkeypatch):
    from policy.cli import main

    monkeypatch.setattr(main.os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
    small.write_bytes(b"x" * 999)
    large.write_bytes(b"x" * 1000)
    monkeypatch.setattr(main, "AUTO_JOBS_BYTES", 1000)
    assert main._jobs("auto", (str(small),)) == 1
    assert main._jobs("auto", (str(large),)) == 3
    assert main._jobs("auto", (str(small), str(small))) == 3  # the inputs together
    assert main._jobs("auto", ("-",)) == 1  # standard input: its size is unknown
    assert main._jobs("2", (str(small),)) == 2
    monkeypatch.setattr(main, "AUTO_JOBS_MAX", 2)
    assert main._jobs("auto", (str(large),)) == 2
