"""P1 第十四条–第十九条: the time limits, at their edges and across rest days."""

import pytest

from policy.core.testing import run

BASE = {
    "id": "T1",
    "category": "服务态度",
    "verified": "是",
    "responsible": "是",
    "person": "张三",
    "unit": "城区供电所",
    "cause": "attitude_poor",
}


def deadline(rule, as_of="2026-12-31T00:00", params=None, **fields):
    outcome = run([{**BASE, **fields}], as_of=as_of, params=params)
    return outcome.deadline("T1", rule)


# -- P1-14: 1 hour from acceptance to dispatch -----------------------------------------


@pytest.mark.parametrize(
    ("dispatched", "status"),
    [("2026-03-02 09:59", "met"), ("2026-03-02 10:00", "met"), ("2026-03-02 10:01", "breached")],
)
def test_p1_14_dispatch_within_one_hour_to_the_minute(dispatched, status):
    d = deadline("P1-14", received_at="2026-03-02 09:00", dispatched_at=dispatched)
    assert d["due"] == "2026-03-02T10:00:00+08:00"
    assert d["status"] == status
    assert d["article"] == "第十四条"


def test_p1_14_hours_ignore_holidays():
    # Received on the eve of Spring Festival 2025 at 23:30: due 00:30 on the holiday itself.
    d = deadline("P1-14", received_at="2025-01-27 23:30", dispatched_at="2025-01-28 00:30")
    assert (d["due"], d["status"]) == ("2025-01-28T00:30:00+08:00", "met")


def test_p1_14_open_then_overdue_against_as_of():
    at_due = deadline("P1-14", as_of="2026-03-02T10:00", received_at="2026-03-02 09:00")
    after = deadline("P1-14", as_of="2026-03-02T10:01", received_at="2026-03-02 09:00")
    assert (at_due["status"], after["status"]) == ("open", "overdue")


def test_p1_14_limit_is_a_parameter():
    d = deadline("P1-14", params={"power_supply": {"dispatch_hours": 2}},
                 received_at="2026-03-02 09:00", dispatched_at="2026-03-02 10:30")
    assert (d["due"], d["status"], d["limit"]) == ("2026-03-02T11:00:00+08:00", "met", "2 hours")


# -- P1-15a / P1-15b: 1 and 4 working days from dispatch -----------------------------


def test_p1_15a_friday_dispatch_runs_over_the_weekend_to_monday_end():
    # Friday 2026-03-06: the start day does not count; Sat/Sun are rest days; due Monday 24:00.
    d = deadline("P1-15a", received_at="2026-03-06 16:00", dispatched_at="2026-03-06 16:30",
                 contacted_at="2026-03-09 23:59")
    assert (d["due"], d["status"]) == ("2026-03-10T00:00:00+08:00", "met")


def test_p1_15a_one_minute_after_midnight_is_breached():
    d = deadline("P1-15a", received_at="2026-03-06 16:00", dispatched_at="2026-03-06 16:30",
                 contacted_at="2026-03-10 00:01")
    assert d["status"] == "breached"


def test_p1_15a_start_day_never_counts_even_a_working_day():
    d = deadline("P1-15a", received_at="2026-03-02 08:00", dispatched_at="2026-03-02 08:10")
    assert d["due"] == "2026-03-04T00:00:00+08:00"  # Tuesday 24:00, not Monday 24:00


def test_p1_15a_spring_festival_2025_sunday_0126_was_a_working_day():
    # Dispatched Saturday 2025-01-25: the next working day is Sunday 01-26 (调休上班).
    d = deadline("P1-15a", received_at="2025-01-25 09:00", dispatched_at="2025-01-25 09:30")
    assert d["due"] == "2025-01-27T00:00:00+08:00"


def test_p1_15b_four_working_days_across_spring_festival_2025():
    # Dispatched Mon 01-27: 01-28..02-04 off; working days after: 02-05, 02-06, 02-07, Sat 02-08 (调休).
    d = deadline("P1-15b", received_at="2025-01-27 09:00", dispatched_at="2025-01-27 09:30",
                 replied_at="2025-02-08 18:00")
    assert (d["due"], d["status"]) == ("2025-02-09T00:00:00+08:00", "met")


def test_p1_15b_across_dragon_boat_2025():
    # Dispatched Thu 05-29: Fri 05-30 is day 1; 05-31..06-02 off; 06-03, 06-04, 06-05 are days 2-4.
    d = deadline("P1-15b", received_at="2025-05-29 10:00", dispatched_at="2025-05-29 10:30",
                 replied_at="2025-06-06 00:01")
    assert (d["due"], d["status"]) == ("2025-06-06T00:00:00+08:00", "breached")


def test_p1_15a_across_dragon_boat_2025():
    d = deadline("P1-15a", received_at="2025-05-30 10:00", dispatched_at="2025-05-30 10:30")
    assert d["due"] == "2025-06-04T00:00:00+08:00"  # Tue 06-03 is the first working day after


def test_p1_15b_extension_moves_the_due_time_and_is_reported():
    d = deadline("P1-15b", received_at="2026-03-02 09:00", dispatched_at="2026-03-02 09:30",
                 replied_at="2026-03-12 10:00", extended_until="2026-03-13 00:00")
    assert (d["due"], d["status"], d.get("extended")) == ("2026-03-13T00:00:00+08:00", "met", True)


def test_p1_15b_without_extension_the_same_reply_is_breached():
    d = deadline("P1-15b", received_at="2026-03-02 09:00", dispatched_at="2026-03-02 09:30",
                 replied_at="2026-03-12 10:00")
    assert (d["due"], d["status"]) == ("2026-03-07T00:00:00+08:00", "breached")


def test_p1_15_not_applicable_before_dispatch():
    d = deadline("P1-15a", received_at="2026-03-02 09:00")
    assert (d["status"], d["due"]) == ("not_applicable", None)


# -- P1-16: revisit within 24 hours of the reply -----------------------------------------


@pytest.mark.parametrize(("revisited", "status"), [("2026-03-06 16:00", "met"), ("2026-03-06 16:01", "breached")])
def test_p1_16_revisit_within_24_hours(revisited, status):
    d = deadline("P1-16", received_at="2026-03-02 09:00", dispatched_at="2026-03-02 09:30",
                 replied_at="2026-03-05 16:00", revisited_at=revisited)
    assert (d["due"], d["status"]) == ("2026-03-06T16:00:00+08:00", status)


# -- P1-19: serious or major events reported the same day --------------------------------


def test_p1_19_same_day_report_for_serious_events_only():
    general = run([{**BASE, "received_at": "2026-03-02 09:00"}]).result("T1")
    assert "P1-19" not in {d["rule"] for d in general["deadlines"]}
    met = deadline("P1-19", received_at="2026-03-02 09:00", impact="serious", reported_at="2026-03-02 23:59")
    late = deadline("P1-19", received_at="2026-03-02 09:00", impact="major", reported_at="2026-03-03 00:01")
    assert (met["due"], met["status"]) == ("2026-03-03T00:00:00+08:00", "met")
    assert late["status"] == "breached"


def test_close_of_business_ends_the_day_instead_of_midnight():
    d = run([{**BASE, "received_at": "2026-03-02 09:00", "impact": "major", "reported_at": "2026-03-02 17:31"}],
            calendar={"close_of_business": "17:30"}).deadline("T1", "P1-19")
    assert (d["due"], d["status"]) == ("2026-03-02T17:30:00+08:00", "breached")
