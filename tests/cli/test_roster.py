"""Issue 16, item 4: a roster belongs to an industry (``industry``/行业 column, or ``--roster NAME=FILE``).

The water roster lists "服务岗位人员" for 五(三)1 ("由部门按服务岗位总数的20%比例,评选推荐“季度服务标兵”");
the power-supply roster gives the pay of 第二十八条 ("对责任人的经济处罚在当月绩效中扣除"). One is not the other.
"""

import json

import pytest
from click.testing import CliRunner

from policy.cli.main import cli
from policy.core.testing import run

POWER = {"industry": "power_supply", "id": "P-1", "received_at": "2026-03-02 09:00", "category": "服务态度", "verified": "是",
         "responsible": "是", "person": "张三", "unit": "城区供电所", "cause": "attitude_poor"}
WATER = {"industry": "water", "id": "W-1", "received_at": "2026-03-02 09:00", "incident_kind": "attitude_complaint",
         "person": "客代小张", "post": "customer_representative", "section": "三科", "department": "营销部"}
PAY = [{"person": "张三", "performance_pay": 300}, {"person": "李四", "月度绩效": 800}]


def both(roster):
    return run([POWER, WATER], plugins=["power_supply", "water"], roster=roster, period="2026-Q1")


def test_a_pay_roster_is_not_read_as_a_service_post_roster():
    # Before: every pay row became W1-5.3.1 "post None is not a service post; not assessed".
    o = both(PAY)
    assert o.periods("W1-5.3.1") == []
    assert [(p["party"], p["period"], p["min"], p["max"]) for p in o.periods("P1-28", kind="pay_deduction")] == [
        ("张三", "2026-03", 200, 300)]


def test_rows_naming_their_industry_go_to_that_plugin_only():
    roster = [{"行业": "power_supply", "person": "张三", "performance_pay": 300, "post": "抄表员"},
              {"industry": "water", "person": "客代小王", "post": "客户代表", "department": "营销部"}]
    o = both(roster)
    # 抄表员 is not a water service post, but the row is power_supply's: water never sees it.
    assert [p["party"] for p in o.periods("W1-5.3.1")] == ["客代小王"]
    assert o.periods("P1-28", kind="pay_deduction")[0]["party"] == "张三"


def test_a_row_given_to_a_plugin_that_lacks_its_fields_is_still_reported():
    o = both([{"industry": "water", "person": "客代小王"}, {"industry": "power_supply", "person": "张三"}])
    assert "post None is not a service post" in o.periods("W1-5.3.1", party="客代小王")[0]["note"]
    assert "expected a person, performance_pay" in o.periods("P1-28", role="roster")[0]["note"]


@pytest.fixture
def two_plugins(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    assert CliRunner().invoke(cli, ["init", "--industry", "power_supply", "--industry", "water"]).exit_code == 0
    (tmp_path / "tickets.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (POWER, WATER)), encoding="utf-8")
    (tmp_path / "pay.csv").write_text("姓名,岗位,月度绩效\n张三,抄表员,300\n", encoding="utf-8")
    return tmp_path


def evaluate(*args):
    return CliRunner().invoke(cli, ["evaluate", "--as-of", "2026-04-01T00:00", "--period", "2026-Q1", "--format", "json", *args])


def test_cli_roster_for_one_industry(two_plugins):
    r = evaluate("--roster", "power_supply=pay.csv", "tickets.jsonl")
    assert r.exit_code == 0, r.output
    period = json.loads(r.stdout)["period"]
    assert [p["rule"] for p in period if p["rule"].startswith("W1-5.3")] == []
    assert [(p["party"], p["min"], p["max"]) for p in period if p["kind"] == "pay_deduction"] == [("张三", 200, 300)]
    # The same file given to every plugin: its 岗位 column makes water read it, and report the post.
    r = evaluate("--roster", "pay.csv", "tickets.jsonl")
    assert any("not a service post" in (p["note"] or "") for p in json.loads(r.stdout)["period"])


def test_cli_roster_for_an_industry_not_enabled_is_a_usage_error(two_plugins):
    r = evaluate("--roster", "gas=pay.csv", "tickets.jsonl")
    assert r.exit_code == 2 and "'gas' is not an enabled plugin; enabled: power_supply, water" in r.output
    (two_plugins / "mixed.csv").write_text("industry,person,performance_pay\nwater,张三,300\n", encoding="utf-8")
    r = evaluate("--roster", "power_supply=mixed.csv", "tickets.jsonl")
    assert r.exit_code == 2 and "mixed.csv row 2: industry 'water', but the file is given for 'power_supply'" in r.output


def test_cli_roster_row_that_cannot_be_read_is_a_usage_error_naming_file_and_row(two_plugins):
    (two_plugins / "pay.jsonl").write_text('{"person": "张三", "performance_pay": 300}\n{"person": \n', encoding="utf-8")
    r = evaluate("--roster", "power_supply=pay.jsonl", "tickets.jsonl")
    assert r.exit_code == 2 and "--roster: pay.jsonl row 2:" in r.output
