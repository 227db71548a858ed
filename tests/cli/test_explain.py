"""policy explain and evaluate --explain: the trace comes from the run, so it agrees with the result."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
AS_OF = "2026-12-31T00:00"


def _run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def national_day(tmp_path, monkeypatch):
    """A P1 ticket dispatched the afternoon before National Day 2026 (10-01…10-07 off; 10-10 a working Saturday)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    assert _run("init", "--industry", "power_supply").exit_code == 0
    (tmp_path / "t.csv").write_text(
        "工单编号,受理时间,派单时间,联系时间,答复时间,投诉分类,经查属实,责任原因,责任人,责任单位,投诉原因\n"
        "ND-1,2026-09-30 15:00,2026-09-30 15:30,2026-10-08 09:00,2026-10-12 17:00,服务态度,是,是,张三,城区供电所,attitude_poor\n"
        "ND-2,2026-09-30 15:00,2026-09-30 15:30,,,服务态度,否,是,李四,城区供电所,attitude_poor\n",
        encoding="utf-8",
    )
    return tmp_path


def test_explain_names_the_skipped_holidays_and_gives_evaluates_due_time(national_day):
    # P1-15a 第十五条: contact within 1 working day of dispatch. 09-30 is the start day (never
    # counted); 10-01…10-07 are 国庆节; the first working day after is 10-08, so due 10-09 00:00.
    out = _run("explain", "ND-1", "--as-of", AS_OF, "t.csv")
    assert out.exit_code == 0, out.output
    assert "跳过: 国庆节 10-01…10-07" in out.output
    assert "到期 2026-10-09T00:00:00+08:00" in out.output
    # P1-15b: 4 working days: 10-08, 10-09, 10-10 (调休上班日), 10-12 → due 10-13 00:00; 10-11 Sunday skipped.
    assert "10-10 调休上班日 (国庆节)" in out.output
    assert "周末 10-11" in out.output
    evaluated = json.loads(_run("evaluate", "--as-of", AS_OF, "--format", "json", "t.csv").output)
    dues = {d["rule"]: d["due"] for d in evaluated["results"][0]["deadlines"]}
    assert dues["P1-15a"] == "2026-10-09T00:00:00+08:00" and dues["P1-15b"] == "2026-10-13T00:00:00+08:00"
    trace = json.loads(_run("explain", "ND-1", "--as-of", AS_OF, "--json", "t.csv").output)
    assert {d["rule"]: d["due"] for d in trace["deadlines"]} == dues


def test_explain_says_which_fact_kept_a_ticket_out(national_day):
    # P1-9 第九条: 经查属实=否 → not counted.
    out = _run("explain", "ND-2", "--as-of", AS_OF, "t.csv")
    assert "P1-9 第九条" in out.output and "经查属实=否" in out.output and "不适用" in out.output
    out = _run("explain", "ND-2", "--as-of", AS_OF, "--lang", "en", "t.csv")
    assert "经查属实=否, 责任原因=是 → does not apply" in out.output


def test_explain_of_a_missing_or_rejected_ticket(national_day):
    assert _run("explain", "NOPE", "--as-of", AS_OF, "t.csv").exit_code == 2
    with open("t.csv", "a", encoding="utf-8") as f:
        f.write("BAD-1,not a time,,,,服务态度,是,是,王五,城区供电所,attitude_poor\n")
    out = _run("explain", "BAD-1", "--as-of", AS_OF, "t.csv")
    assert out.exit_code == 1 and "received_at" in out.output


def test_a_changed_parameter_is_shown_with_the_regulations_figure(national_day):
    config = Path("policy.toml").read_text(encoding="utf-8")
    Path("policy.toml").write_text(config.replace("contact_working_days = 1", "contact_working_days = 2"), encoding="utf-8")
    out = _run("explain", "ND-1", "--as-of", AS_OF, "t.csv")
    assert "contact_working_days = 2 (本公司配置; 办法原文 1)" in out.output


@pytest.mark.parametrize("example", ["power_supply", "water", "gas", "airport"])
def test_every_trace_agrees_with_its_result(example):
    """For every built-in plugin's example: the trace's due times, statuses and amounts are the result's."""
    folder = EXAMPLES / example
    args = ["evaluate", "--config", str(folder / "policy.toml"), "--as-of", "2026-04-01T00:00", "--format", "json",
            "--explain", str(folder / "tickets.csv")]
    out = _run(*args)
    assert out.exit_code in (0, 1), out.output
    results = json.loads(out.output)["results"]
    assert results
    for r in results:
        t = r["trace"]
        assert t["id"] == r["id"] and t["classification"]["counted"] == r["counted"]
        assert [(d["rule"], d["due"], d["status"]) for d in t["deadlines"]] == [
            (d["rule"], d["due"], d["status"]) for d in r["deadlines"]]
        assert [(c["rule"], c["party"], c["min"], c["max"]) for c in t["consequences"]] == [
            (c["rule"], c["party"], c["min"], c["max"]) for c in r["consequences"]]
        assert t["appeal"]["status"] == r["appeal"]["status"]
        # The core's part, whether or not the plugin records anything: fields by header, parameters.
        assert any(f["field"] == "received_at" for f in t["fields"])
        for d in t["deadlines"]:
            for p in d["parameters"]:
                assert {"name", "value", "default", "article"} <= set(p)


def test_without_explain_the_document_is_unchanged():
    folder = EXAMPLES / "power_supply"
    args = ["evaluate", "--config", str(folder / "policy.toml"), "--as-of", "2026-04-01T00:00", "--format", "json",
            str(folder / "tickets.csv")]
    assert "trace" not in _run(*args).output
    assert _run(*args, "--explain", "--format", "csv").exit_code == 2


def test_a_period_item_lists_the_tickets_that_make_up_its_count():
    # P1-27 第二十七条: per unit and half-year, the counted complaints behind marketing's proposal.
    folder = EXAMPLES / "power_supply"
    out = _run("explain", "PS-002", "--config", str(folder / "policy.toml"), "--as-of", "2026-04-01T00:00", "--json",
               str(folder / "tickets.csv"))
    (item,) = [p for p in json.loads(out.output)["period"] if p["rule"] == "P1-27"]
    assert item["party"] == "城区供电所" and item["period"] == "2026-H1"
    assert "PS-002" in item["tickets"] and len(item["tickets"]) == item["count"]


def test_an_appeal_shows_its_window_with_the_parameter_it_comes_from(tmp_path, monkeypatch):
    # P1-17 第十七条: a ticket outside the remit is returned within 1 working day of dispatch.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    assert _run("init", "--industry", "power_supply").exit_code == 0
    (tmp_path / "t.csv").write_text(
        "工单编号,受理时间,派单时间,退回时间,退单理由,投诉分类,经查属实,责任原因,责任人,责任单位,投诉原因\n"
        "R-1,2026-03-02 09:00,2026-03-02 10:00,2026-03-03 16:00,not_our_remit,服务态度,是,是,张三,城区供电所,attitude_poor\n",
        encoding="utf-8")
    trace = json.loads(_run("explain", "R-1", "--as-of", AS_OF, "--json", "t.csv").output)
    assert trace["appeal"]["status"] == "accepted" and trace["appeal"]["rule"] == "P1-17"
    assert [p["name"] for p in trace["appeal"]["parameters"]] == ["return_working_days"]
    assert "return_working_days = 1" in _run("explain", "R-1", "--as-of", AS_OF, "t.csv").output


def test_the_airport_trace_names_the_criterion_that_made_the_grade():
    # 附件3.1.3: 员工与旅客打架或辱骂旅客 makes a class-1 complaint; every other criterion is shown unmet.
    folder = EXAMPLES / "airport"
    trace = json.loads(_run("explain", "JC-002", "--config", str(folder / "policy.toml"), "--as-of",
                            "2026-04-01T00:00", "--json", str(folder / "tickets.csv")).output)
    fired = {n["rule"]: n["fired"] for n in trace["considered"]}
    assert fired["A1-att3.1.3"] is True and trace["classification"]["grade"] == "class_1"
    assert not any(v for k, v in fired.items() if k != "A1-att3.1.3")


def test_the_paragraph_of_article_24_each_fine_comes_from_is_the_one_the_trace_says_applies():
    # 第二十四条: the impact picks (四) or (三); under (三) the cause (and the customer's loss) picks the item.
    folder = EXAMPLES / "power_supply"
    out = _run("evaluate", "--config", str(folder / "policy.toml"), "--as-of", "2026-04-01T00:00", "--format", "json",
               "--explain", str(folder / "tickets.csv"))
    checked = 0
    for r in json.loads(out.output)["results"]:
        fired = {n["rule"] for n in r["trace"]["considered"] if n["fired"]}
        cited = {c["rule"] for c in r["consequences"] if c["rule"].startswith("P1-24.")}
        considered = {n["rule"] for n in r["trace"]["considered"]}
        assert cited & considered <= fired, r["id"]
        checked += len(cited & considered)
    assert checked >= 5  # the example has a fine of each kind of cause


def test_a_water_appeal_shows_each_condition_it_was_judged_on():
    # 六、2: in writing within 2 working days, verified by the customer service centre, and for a
    # 12345, media or superior ticket approved by the group's principal leader.
    folder = EXAMPLES / "water"
    trace = json.loads(_run("explain", "SW-009", "--config", str(folder / "policy.toml"), "--as-of",
                            "2026-12-31T00:00", "--json", str(folder / "tickets.csv")).output)
    assert trace["appeal"]["status"] == "refused"
    steps = [s["step"] for s in trace["steps"] if s["rule"] == "W1-6.2"]
    assert any("到期 2026-05-15T00:00:00+08:00" in s for s in steps)  # 05-12 + 2 working days: 24:00 of 05-14
    assert steps[-1] == "渠道 media: 须集团主要领导批准; 批准=否"
