"""Issue 12 "Messages": a calendar gap costs the deadlines that need the missing year, nothing more.

The official schedule (chinese-calendar) covers 2004–2026 here; 2027 is the first year without
the State Council's notice. Each deadline is judged on its own: one whose count needs 2027 is
``unknown`` with the reason, unless its answer is certain without it (done, or judged as of a
time, before 2027 began); the rest of the ticket is evaluated; the summary counts the tickets
with an unknown deadline.
"""

from datetime import date, datetime, timedelta, timezone

import pytest

from policy.core.calendar import CalendarGap, WorkCalendar, working_days
from policy.core.testing import run

SH = timezone(timedelta(hours=8))
Y2027 = {"years": {"2027": {"holidays": [date(2027, 1, 1)], "workdays": []}}}

# Wednesday 2026-12-30: contact within 1 working day (Thu 12-31), answer within 4 (into 2027).
POWER = {"id": "G1", "received_at": "2026-12-30 09:00", "dispatched_at": "2026-12-30 09:30",
         "category": "service_attitude", "verified": "是", "responsible": "是", "person": "张三",
         "unit": "城区供电所", "cause": "attitude_poor"}


def t(text):
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def test_only_the_stage_that_needs_the_missing_year_is_unknown_and_the_ticket_is_evaluated():
    out = run([POWER], as_of="2027-01-15T00:00")
    assert out.errors == []
    assert out.deadline("G1", "P1-14")["status"] == "met"  # hours: no calendar needed
    contact = out.deadline("G1", "P1-15a")
    assert (contact["due"], contact["status"]) == ("2027-01-01T00:00:00+08:00", "overdue")  # Thu 12-31 24:00
    reply = out.deadline("G1", "P1-15b")
    assert (reply["due"], reply["status"]) == (None, "unknown")
    assert "2027" in reply["reason"] and '[calendar.years."2027"]' in reply["reason"]
    assert "State Council" in reply["reason"]
    # The penalty does not depend on the time limits: it stands.
    assert out.consequence("G1", "P1-24.3.2.1")["min"] == 200
    assert out.summary == {"records": 1, "evaluated": 1, "rejected": 0, "unknown_deadlines": 1}


def test_the_missing_year_in_the_config_makes_it_known():
    out = run([POWER], as_of="2027-01-15T00:00", calendar=Y2027)
    reply = out.deadline("G1", "P1-15b")
    # Thu 12-31, (Fri 01-01 holiday), Mon 01-04, Tue 01-05, Wed 01-06: 24:00 of the 4th working day.
    assert (reply["due"], reply["status"]) == ("2027-01-07T00:00:00+08:00", "overdue")
    assert "reason" not in reply
    assert out.summary == {"records": 1, "evaluated": 1, "rejected": 0}


@pytest.mark.parametrize(
    ("replied_at", "status"),
    [("2026-12-31 23:59", "met"),  # done before 2027 began: in time whatever 2027's holidays are
     ("2027-01-01 00:00", "unknown"),  # the first minute of 2027: the count needs 2027
     ("2027-03-01 09:00", "unknown")],
)
def test_a_stage_done_before_the_missing_year_began_is_met(replied_at, status):
    d = run([{**POWER, "replied_at": replied_at}], as_of="2027-06-01T00:00").deadline("G1", "P1-15b")
    assert (d["status"], d["due"], d["done_at"] is not None) == (status, None, True)
    assert "2027" in d["reason"]


@pytest.mark.parametrize(("as_of", "status"), [("2026-12-31T23:59", "open"), ("2027-01-01T00:00", "unknown")])
def test_a_stage_not_done_is_open_as_of_a_time_before_the_missing_year(as_of, status):
    assert run([POWER], as_of=as_of).deadline("G1", "P1-15b")["status"] == status


def test_the_summary_counts_tickets_not_deadlines():
    two_unknown = {**POWER, "request_kind": "resident_connection", "request_started_at": "2026-12-29 09:00"}
    known = {**POWER, "id": "G2", "received_at": "2026-03-02 09:00", "dispatched_at": "2026-03-02 09:30"}
    out = run([two_unknown, known], as_of="2027-01-15T00:00")
    assert [d["rule"] for d in out.result("G1")["deadlines"] if d["status"] == "unknown"] == ["P1-15b", "P3-4.11"]
    assert out.summary == {"records": 2, "evaluated": 2, "rejected": 0, "unknown_deadlines": 1}


# -- consequences and appeals that depend on an unknown stage ---------------------------------------


def test_p1_17_a_return_whose_limit_needs_the_missing_year_is_rejected_naming_the_return():
    # Dispatched Thursday 2026-12-31: 1 working day ends in 2027. Returned on 2027-01-04.
    late = {**POWER, "dispatched_at": "2026-12-31 09:00", "returned_at": "2027-01-04 09:00"}
    out = run([late], as_of="2027-01-15T00:00")
    e = out.error("G1")
    assert e["field"] == "returned_at" and "P1-17" in e["message"] and '[calendar.years."2027"]' in e["message"]
    # Returned the same day, before 2027 began: in time, whatever 2027 brings.
    early = {**late, "returned_at": "2026-12-31 15:00"}
    assert run([early], as_of="2027-01-15T00:00").result("G1")["appeal"]["status"] == "accepted"
    # With 2027 in the config the return is judged: Mon 01-04 is the first working day after (01-01 a holiday).
    assert run([late], as_of="2027-01-15T00:00", calendar=Y2027).result("G1")["appeal"]["status"] == "accepted"


def test_p3_an_unknown_commitment_is_referred_not_fined_and_not_cleared():
    ticket = {**POWER, "request_kind": "resident_connection", "request_started_at": "2026-12-29 09:00"}
    out = run([ticket], as_of="2027-02-01T00:00")  # 3 working days from Tue 12-29: into 2027
    assert out.deadline("G1", "P3-4.11")["status"] == "unknown"
    refer = out.consequence("G1", "P1-24.2")
    assert refer["kind"] == "refer" and "P3-4.11" in refer["note"] and "cannot be judged" in refer["note"]
    # Known as broken with 2027 in the config (done 01-06, due 01-05 24:00): the usual refer.
    broken = run([{**ticket, "request_done_at": "2027-01-06 09:00"}], as_of="2027-02-01T00:00", calendar=Y2027)
    assert "broken" in broken.consequence("G1", "P1-24.2")["note"]
    # Met before 2027: nothing to refer.
    met = run([{**ticket, "request_done_at": "2026-12-31 09:00"}], as_of="2027-02-01T00:00")
    assert met.consequences("G1", "P1-24.2") == []


def test_a1_8_an_appeal_whose_limit_needs_the_missing_year():
    base = {"id": "J1", "received_at": "2026-12-28 09:00", "person": "值机员小陈", "rude_or_cold": "是",
            "form_issued_at": "2026-12-28 10:00", "form_received_at": "2026-12-31 10:00",
            "appeal_ground": "contradicts_facts", "appeal_evidence": "是"}
    filed_2027 = run([{**base, "appeal_filed_at": "2027-01-04 09:00"}], plugins=["airport"], as_of="2027-02-01T00:00")
    e = filed_2027.error("J1")
    assert e["field"] == "appeal_filed_at" and "A1-8" in e["message"] and "2027" in e["message"]
    filed_2026 = run([{**base, "appeal_filed_at": "2026-12-31 17:00"}], plugins=["airport"], as_of="2027-02-01T00:00")
    assert filed_2026.result("J1")["appeal"]["status"] == "accepted"


def test_w1_6_2_an_appeal_whose_limit_needs_the_missing_year():
    base = {"id": "W1", "received_at": "2026-12-30 09:00", "record_type": "incident", "incident_kind": "attitude_complaint",
            "person": "李四", "post": "collector", "section": "一科", "department": "营业部",
            "appeal_ground": "untrue", "appeal_verified": "是"}
    e = run([{**base, "appeal_filed_at": "2027-01-04 09:00"}], plugins=["water"]).error("W1")
    assert e["field"] == "appeal_filed_at" and "W1-6.2" in e["message"] and "2027" in e["message"]
    ok = run([{**base, "appeal_filed_at": "2026-12-31 09:00"}], plugins=["water"])
    assert ok.result("W1")["appeal"]["status"] == "accepted"


def test_gas_g1_4_4_revisit_unknown_decides_nothing():
    ticket = {"id": "Q1", "received_at": "2026-12-28 09:00", "department": "客服部", "dispatched_at": "2026-12-28 09:10",
              "contacted_at": "2026-12-28 10:00", "due_at": "2026-12-31 18:00", "resolved_at": "2026-12-31 10:00",
              "replied_at": "2026-12-31 11:00"}
    out = run([ticket], plugins=["gas"], params={"gas": {"revisit_working_days": 3}}, as_of="2027-02-01T00:00")
    assert out.deadline("Q1", "G1-4.4")["status"] == "unknown"
    assert out.result("Q1")["consequences"] == []
    assert out.summary["unknown_deadlines"] == 1


# -- extra_holidays of a year the calendar does not cover ------------------------------------------


def test_extra_days_of_an_uncovered_year_are_said_to_be_not_enough_once_per_year():
    cal = WorkCalendar.official(SH, extra_holidays=[date(2027, 1, 1), date(2027, 2, 10)], extra_workdays=[date(2028, 1, 2)])
    assert len(cal.warnings) == 2
    assert "2027" in cal.warnings[0] and '[calendar.years."2027"]' in cal.warnings[0] and "not enough" in cal.warnings[0]
    assert "2028" in cal.warnings[1]
    with pytest.raises(CalendarGap):
        cal.due(t("2027-01-04 09:00"), working_days(1))  # still unknown: one day does not make a year
    assert WorkCalendar.official(SH, extra_holidays=[date(2026, 5, 6)]).warnings == ()
    assert WorkCalendar.official(SH, extra_holidays=[date(2027, 1, 1)],
                                 years={2027: ([date(2027, 1, 1)], [])}).warnings == ()


def test_the_command_line_prints_the_warning_once(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from policy.cli.main import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    (tmp_path / "policy.toml").write_text('[policy]\nplugins = ["power_supply"]\n[calendar]\n'
                                          'extra_holidays = [2027-01-01, 2027-01-02]\n', encoding="utf-8")
    (tmp_path / "t.csv").write_text("id,received_at,dispatched_at,category,verified,responsible,person,unit,cause\n"
                                    + "".join(f"G{i},2026-12-30 09:00,2026-12-30 09:30,service_attitude,是,是,张三,城区供电所,"
                                              "attitude_poor\n" for i in range(3)), encoding="utf-8")
    r = CliRunner().invoke(cli, ["evaluate", "--as-of", "2027-01-15T00:00", "--format", "json", "t.csv"])
    assert r.exit_code == 0, r.output
    assert r.stderr.count("policy: warning:") == 1 and 'extra_holidays' in r.stderr
    import json
    assert json.loads(r.stdout)["summary"]["unknown_deadlines"] == 3


def test_csv_and_the_table_say_why_a_deadline_is_unknown(tmp_path, monkeypatch):
    """The reason of an unknown deadline (the year the calendar lacks) is in every format."""
    from click.testing import CliRunner

    from policy.cli.main import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    assert CliRunner().invoke(cli, ["init", "--industry", "power_supply"]).exit_code == 0
    (tmp_path / "t.csv").write_text(
        "工单编号,受理时间,派单时间,投诉分类,经查属实,责任原因,责任人,责任单位,投诉原因\n"
        "Y-1,2026-12-31 15:00,2026-12-31 16:00,服务态度,是,是,张三,城区供电所,attitude_poor\n", encoding="utf-8")
    for fmt in ("csv", "table"):
        out = CliRunner().invoke(cli, ["evaluate", "--as-of", "2027-01-10T00:00", "--format", fmt, "t.csv"])
        assert "2027" in out.stdout and "calendar.years" in out.stdout, fmt
