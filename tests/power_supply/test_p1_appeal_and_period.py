"""P1 第十七条 (return of a ticket outside the remit) and 第二十七条 (the half-year assessment)."""

import pytest

from policy.core.testing import run

BASE = {
    "id": "T1",
    "received_at": "2026-03-06 09:00",  # a Friday
    "dispatched_at": "2026-03-06 09:30",
    "category": "报装接电",
    "verified": "是",
    "responsible": "是",
    "person": "朱六",
    "unit": "城东供电所",
    "cause": "work_quality",
}


@pytest.mark.parametrize(
    ("returned", "status"),
    [("2026-03-09 23:59", "accepted"), ("2026-03-10 00:00", "accepted"), ("2026-03-10 00:01", "refused")],
)
def test_p1_17_return_within_one_working_day_of_dispatch(returned, status):
    o = run([{**BASE, "returned_at": returned, "appeal_ground": "not_our_remit"}])
    appeal = o.result("T1")["appeal"]
    assert (appeal["status"], appeal["rule"], appeal["article"]) == (status, "P1-17", "第十七条")
    d = o.deadline("T1", "P1-17")
    assert d["due"] == "2026-03-10T00:00:00+08:00"  # Friday dispatch: Monday is the working day


def test_p1_17_accepted_return_means_the_unit_is_not_assessed():
    accepted = run([{**BASE, "returned_at": "2026-03-09 10:00"}])
    assert accepted.result("T1")["consequences"] == []
    refused = run([{**BASE, "returned_at": "2026-03-10 10:00"}])
    assert refused.consequence("T1", "P1-24.3.1.1")["party"] == "朱六"


def test_p1_17_no_return_no_appeal():
    o = run([BASE])
    assert o.result("T1")["appeal"] == {"status": "none"}
    assert "P1-17" not in {d["rule"] for d in o.result("T1")["deadlines"]}


def ticket(i, unit, received, **more):
    return {**BASE, "id": f"T{i}", "unit": unit, "received_at": received, "dispatched_at": None, **more}


def test_p1_27_half_year_assessment_per_unit_counts_assessed_complaints():
    tickets = [
        ticket(1, "城东供电所", "2026-01-05 09:00"),
        ticket(2, "城东供电所", "2026-06-30 23:59", cause="attitude_poor"),
        ticket(3, "城东供电所", "2026-07-01 00:00"),
        ticket(4, "城西供电所", "2026-03-02 09:00", verified="否"),  # not counted
        ticket(5, "城西供电所", "2026-03-03 09:00"),
    ]
    o = run(tickets)
    got = {(p["party"], p["period"]): p["count"] for p in o.periods("P1-27")}
    assert got == {("城东供电所", "2026-H1"): 2, ("城东供电所", "2026-H2"): 1, ("城西供电所", "2026-H1"): 1}
    h1 = o.periods("P1-27", party="城东供电所", period="2026-H1")[0]
    assert h1["kind"] == "refer" and "300–700 yuan" in h1["note"]  # 100–200 + 200–500


def test_p1_27_period_selection_limits_the_halves_assessed():
    tickets = [ticket(1, "城东供电所", "2026-01-05 09:00"), ticket(2, "城东供电所", "2026-07-05 09:00")]
    assert [p["period"] for p in run(tickets, period="2026-H2").periods("P1-27")] == ["2026-H2"]
    assert [p["period"] for p in run(tickets, period="2026").periods("P1-27")] == ["2026-H1", "2026-H2"]
    assert run(tickets, period="2026-Q1").periods("P1-27") == []  # a quarter holds no half-year


def test_p1_27_per_ticket_results_do_not_change_with_period():
    tickets = [ticket(1, "城东供电所", "2026-01-05 09:00")]
    assert run(tickets, period="2026-H2").results == run(tickets).results


def test_p1_27_an_accepted_return_is_not_in_the_unit_statistics():
    o = run([ticket(1, "城东供电所", "2026-03-06 09:00", dispatched_at="2026-03-06 09:30", returned_at="2026-03-09 09:00")])
    assert o.periods("P1-27") == []


def test_p1_27_period_length_is_a_parameter():
    o = run([ticket(1, "城东供电所", "2026-02-05 09:00")], params={"power_supply": {"assessment_period": "quarter"}})
    assert [p["period"] for p in o.periods("P1-27")] == ["2026-Q1"]
