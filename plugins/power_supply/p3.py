"""P3 供电局客户投诉举报管理办法 第四条 (seed 002): service commitments whose breach is a complaint.

A ticket about a service request carries the request's facts (``request_kind`` and its times);
the commitment's limit is judged as a deadline, and a broken commitment is a breach of the
供电服务"十项承诺": P1 第二十四条(二), referred (P1-24.2).
"""

from __future__ import annotations

from datetime import timedelta

from policy.core.calendar import judge, minutes, working_days
from policy.core.model import LATE, Consequence, Deadline
from policy.core.records import FieldError
from policy.core.regulation import optional_range

LATE_OR_UNKNOWN = (*LATE, "unknown")


def p3_4_10_supply_plan(record, p, calendar, as_of) -> Deadline:
    """第四条(十): the supply plan answered within 3 / 7 / 15 / 30 working days by customer type."""
    limits = {
        "resident": p.plan_resident_working_days,
        "low_voltage": p.plan_low_voltage_working_days,
        "high_voltage_single": p.plan_high_voltage_single_working_days,
        "high_voltage_dual": p.plan_high_voltage_dual_working_days,
    }
    if record.customer_type is None:
        raise FieldError("customer_type", "needed for a supply plan (P3-4.10): resident, low_voltage, "
                         "high_voltage_single or high_voltage_dual")
    return calendar.deadline("P3-4.10", "answer_supply_plan", record.request_started_at,
                             working_days(limits[record.customer_type]), record.request_done_at, as_of)


def p3_4_11_resident_connection(record, p, calendar, as_of) -> Deadline:
    """第四条(十一): a resident connected within 3 working days of acceptance and formalities."""
    return calendar.deadline("P3-4.11", "connect_resident", record.request_started_at,
                             working_days(p.resident_connection_working_days), record.request_done_at, as_of)


def p3_4_12_non_resident_connection(record, p, calendar, as_of) -> Deadline:
    """第四条(十二): a non-resident customer connected within 5 working days of acceptance."""
    return calendar.deadline("P3-4.12", "connect_non_resident", record.request_started_at,
                             working_days(p.non_resident_connection_working_days), record.request_done_at, as_of)


def _notice_before(rule, stage, record, days_before, calendar, as_of, counting="calendar_day") -> Deadline:
    """At least N days before: the notice is due by 24:00 of the date N days before the cut
    (``notice_days_counting = "hours"``: N×24 hours before its time)."""
    if record.outage_at is None:
        return Deadline(rule, stage, None, record.notice_at, "not_applicable", f"{days_before} days before the outage")
    if counting == "hours":
        due = record.outage_at - timedelta(hours=24 * days_before)
    else:
        due = calendar.end_of_day(calendar.local_date(record.outage_at) - timedelta(days=days_before))
    return Deadline(rule, stage, due, record.notice_at, judge(due, record.notice_at, as_of), f"at least {days_before} days before")


def p3_4_13_outage_notice(record, p, calendar, as_of) -> Deadline:
    """第四条(十三): a planned maintenance outage publicly notified at least 7 days before."""
    return _notice_before("P3-4.13", "announce_planned_outage", record, p.outage_notice_days, calendar, as_of, p.notice_days_counting)


def p3_4_16_disconnection_notice(record, p, calendar, as_of) -> Deadline:
    """第四条(十六): a disconnection for arrears notified (停电通知书) at least 7 days before."""
    return _notice_before("P3-4.16", "serve_disconnection_notice", record, p.disconnection_notice_days, calendar, as_of, p.notice_days_counting)


def p3_4_14_repair_around_the_clock(record) -> Deadline:
    """第四条(十四): repair service 24 hours a day — a call refused or put off for the hour breaks it."""
    status = "breached" if record.repair_refused else "met"
    return Deadline("P3-4.14", "repair_service_24h", None, record.request_started_at, status, "24 hours a day")


def p3_4_15_repair_arrival(record, p, calendar, as_of) -> Deadline:
    """第四条(十五): the crew on site within 45 (urban) / 90 (rural) / 120 (remote) minutes, any hour."""
    limits = {"urban": p.repair_urban_minutes, "rural": p.repair_rural_minutes, "remote": p.repair_remote_minutes}
    if record.area is None:
        raise FieldError("area", "needed for a repair arrival (P3-4.15): urban, rural or remote")
    return calendar.deadline("P3-4.15", "reach_repair_site", record.request_started_at, minutes(limits[record.area]),
                             record.request_done_at, as_of)


def p3_commitments(record, p, calendar, as_of) -> list[Deadline]:
    """The commitment the ticket is about, judged; none for a ticket about no service request."""
    kind = record.request_kind
    if kind is None:
        return []
    if kind == "supply_plan":
        return [p3_4_10_supply_plan(record, p, calendar, as_of)]
    if kind == "resident_connection":
        return [p3_4_11_resident_connection(record, p, calendar, as_of)]
    if kind == "non_resident_connection":
        return [p3_4_12_non_resident_connection(record, p, calendar, as_of)]
    if kind == "outage_notice":
        return [p3_4_13_outage_notice(record, p, calendar, as_of)]
    if kind == "disconnection_notice":
        return [p3_4_16_disconnection_notice(record, p, calendar, as_of)]
    return [p3_4_14_repair_around_the_clock(record), p3_4_15_repair_arrival(record, p, calendar, as_of)]


def p3_broken_commitment(record, p, deadlines, already: list[Consequence], trace=None) -> list[Consequence]:
    """A broken commitment is a 十项承诺 breach: P1 第二十四条(二), referred once per ticket."""
    # Status first: most tickets have no late or unknown stage, and that test is the cheap one.
    judged = [d for d in deadlines if d.status in LATE_OR_UNKNOWN and d.rule.startswith("P3-")]
    if not judged or any(c.rule == "P1-24.2" for c in already):
        return []
    broken = [d.rule for d in judged if d.status in LATE]
    unknown = [d for d in judged if d.status == "unknown"]
    if trace is not None:
        trace.considered("P1-24.2", True, "服务承诺 " + ", ".join(d.rule for d in judged) +
                         (" 未兑现 (十项承诺)" if broken else " 无法判定 (日历缺年份)"))
    amount = p.ten_commitments_fine
    low, high = optional_range(amount)
    if not broken:
        # The limit runs into a year the calendar does not cover: neither a breach nor kept.
        rules = ", ".join(d.rule for d in unknown)
        return [Consequence("P1-24.2", record.person, "responsible_person", "refer", low, high,
                            note=f"commitment {rules} cannot be judged yet: the calendar lacks a year its limit needs "
                                 "(see the deadline's reason). If it was broken it is a 十项承诺 breach under "
                                 "渝电营[2005]15号")]
    return [Consequence("P1-24.2", record.person, "responsible_person", "refer", low, high,
                        note=f"commitment {', '.join(broken)} broken: a 十项承诺 breach, assess under 渝电营[2005]15号")]


