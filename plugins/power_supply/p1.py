"""P1 供电公司客户投诉管理考核办法 (seed 002): what counts, time limits, return, penalties.

Each function is one clause, named after it; ``p`` is the plugin's Parameters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date

from policy.core.calendar import SAME_DAY, hours, working_days
from policy.core.model import Appeal, Classification, Consequence, Deadline, PeriodConsequence, refer_unnamed
from policy.core.periods import Tally
from policy.core.records import FieldError, parse_number, roster_cell
from policy.core.regulation import optional_range


def p1_9_counted(record, trace=None) -> Classification:
    """第九条: counted only when verified true and the supply unit is responsible."""
    counted = bool(record.verified) and bool(record.responsible)
    if trace is not None:
        trace.considered("P1-9", counted, f"经查属实={_yes_no(record.verified)}, 责任原因={_yes_no(record.responsible)}")
    if counted:
        reason = None
    elif not record.verified:
        reason = "not verified true (经查属实): not counted"
    else:
        reason = "not the supply unit's responsibility: not counted"
    return Classification(counted, record.category, record.impact, ("P1-9",), reason=reason)


def p1_time_limits(record, p, calendar, as_of) -> list[Deadline]:
    """第十四条–第十九条, each from its own start event."""
    return [
        # 第十四条: 95598 passes the ticket to the unit within 1 hour.
        calendar.deadline("P1-14", "dispatch", record.received_at, hours(p.dispatch_hours), record.dispatched_at, as_of),
        # 第十五条: contact within 1 working day, answered within 4 (extendable, with approval).
        calendar.deadline(
            "P1-15a", "contact_customer", record.dispatched_at, working_days(p.contact_working_days), record.contacted_at, as_of
        ),
        calendar.deadline(
            "P1-15b", "investigate_and_reply", record.dispatched_at, working_days(p.reply_working_days),
            record.replied_at, as_of, extended_until=record.extended_until,
        ),
        # 第十六条: revisit within 24 hours of the unit's reply.
        calendar.deadline("P1-16", "revisit", record.replied_at, hours(p.revisit_hours), record.revisited_at, as_of),
        *p1_17_return_limit(record, p, calendar, as_of),
        *p1_19_report_limit(record, calendar, as_of),
    ]


def p1_17_return_limit(record, p, calendar, as_of) -> Iterable[Deadline]:
    """第十七条: a ticket outside the remit is returned within 1 working day of dispatch."""
    if record.returned_at is None and record.appeal_ground is None:
        return ()
    return (
        calendar.deadline(
            "P1-17", "return_outside_remit", record.dispatched_at, working_days(p.return_working_days),
            _return_time(record), as_of,
        ),
    )


def p1_19_report_limit(record, calendar, as_of) -> Iterable[Deadline]:
    """第十九条: a serious or major event is reported to marketing the same day."""
    if record.impact not in ("serious", "major"):
        return ()
    return (calendar.deadline("P1-19", "report_to_marketing", record.received_at, SAME_DAY, record.reported_at, as_of),)


def _return_time(record):
    return record.returned_at or record.appeal_filed_at


def p1_17_return(record, deadlines) -> Appeal | None:
    """第十七条: the only appeal of P1. In time: re-dispatched, the unit not assessed."""
    if record.returned_at is None and record.appeal_ground is None:
        return None
    limit = next((d for d in deadlines if d.rule == "P1-17"), None)
    if _return_time(record) is None:
        return Appeal("refused", "P1-17", "no return time given: the return cannot be judged in time")
    if limit is None or limit.status == "not_applicable":
        return Appeal("refused", "P1-17", "the ticket has no dispatch time to count the 1 working day from")
    if limit.status == "unknown":
        # Accepted or refused decides whether the unit is assessed at all: never guessed.
        raise FieldError("returned_at", f"the return (P1-17) cannot be judged in time, so neither can the ticket: {limit.reason}")
    if limit.status == "met":
        return Appeal("accepted", "P1-17", "returned with reasons within the limit: re-dispatched, this unit is not assessed")
    return Appeal("refused", "P1-17", f"returned after the limit ({limit.due.isoformat()}): the unit stays responsible")


# 第二十四条(一)–(三) for a complaint of general impact: the rule each cause (and loss) selects.
CAUSE_RULES = (
    ("P1-24.1", "ten_prohibitions", None),
    ("P1-24.2", "ten_commitments", None),
    ("P1-24.3.1.1", "work_quality", False),
    ("P1-24.3.1.2", "work_quality", True),
    ("P1-24.3.2.1", "attitude_poor", None),
    ("P1-24.3.2.2", "attitude_bad", None),
)


def p1_penalties(record, p, trace=None) -> list[Consequence]:
    """第二十四条 for a counted complaint; (四) replaces (三) for the roles it names."""
    if trace is not None:
        _trace_24(trace, record)
    if record.impact == "major":
        out = p1_24_4_1_major(record, p)
    elif record.impact == "serious":
        out = p1_24_4_2_serious(record, p)
    else:
        out = p1_24_general(record, p)
    out += p1_24_5_others(record, p)
    return out


def _trace_24(trace, record) -> None:
    """For policy explain: which paragraph of 第二十四条 the impact and the cause select."""
    impact = record.impact or "general"
    trace.considered("P1-24.4.1", impact == "major", f"影响程度={impact}")
    trace.considered("P1-24.4.2", impact == "serious", f"影响程度={impact}")
    if impact != "general":
        return
    loss = bool(record.customer_loss)
    for rule, cause, with_loss in CAUSE_RULES:
        fact = f"投诉原因={record.cause or '空'}" + (f", 客户损失={_yes_no(record.customer_loss)}" if with_loss is not None else "")
        trace.considered(rule, record.cause == cause and (with_loss is None or loss == with_loss), fact)


def _person(record) -> str | None:
    return record.person


def p1_24_general(record, p) -> list[Consequence]:
    """第二十四条(一)–(三): per cause, on the responsible person."""
    cause = record.cause
    person = _person(record)
    if cause is None:
        raise FieldError("cause", "cause is needed to assess a counted complaint of general impact: "
                         "work_quality, attitude_poor, attitude_bad, ten_prohibitions or ten_commitments")
    if cause == "ten_prohibitions":
        return [_refer("P1-24.1", person, p.ten_prohibitions_fine, "assess under 渝电监察[2005]7号 (十个不准), another document, not encoded here")]
    if cause == "ten_commitments":
        return [_refer("P1-24.2", person, p.ten_commitments_fine, "assess under 渝电营[2005]15号 (十项承诺), another document, not encoded here")]
    if cause == "work_quality":
        if record.customer_loss:
            return [_fine("P1-24.3.1.2", person, "responsible_person", p.work_quality_loss_fine)]
        return [_fine("P1-24.3.1.1", person, "responsible_person", p.work_quality_fine)]
    if cause == "attitude_poor":
        return [_fine("P1-24.3.2.1", person, "responsible_person", p.attitude_poor_fine)]
    # attitude_bad
    return [
        _fine("P1-24.3.2.2", person, "responsible_person", p.attitude_bad_fine),
        Consequence(
            "P1-24.3.2.2", person, "responsible_person", "suspension_months",
            p.attitude_bad_suspension_months, p.attitude_bad_suspension_months,
            note="待岗学习; back to post only after passing the company's exam",
        ),
    ]


def _main(record) -> tuple[str, ...]:
    # The ticket's responsible person is the main responsible unless others are named.
    if record.main_responsible:
        return record.main_responsible
    return (record.person,) if record.person else ()


def p1_24_4_1_major(record, p) -> list[Consequence]:
    """第二十四条(四)1: major impact, by role."""
    rule = "P1-24.4.1"
    return [
        *_role(rule, _main(record) or (None,), "main_responsible", p.major_main_sanction, p.major_main_fine_min),
        *_role(rule, record.secondary_responsible, "secondary_responsible", p.major_secondary_sanction, p.major_secondary_fine_min),
        *_role(rule, record.workshop_leader, "workshop_leader", p.major_workshop_sanction, p.major_workshop_fine_min),
        *_role(rule, record.management_head, "management_head", p.major_management_sanction, p.major_management_fine_min),
        *_role(rule, record.unit_chief, "unit_chief", p.major_leadership_sanction, p.major_leadership_fine_min),
        *_role(rule, record.unit_deputy, "unit_deputy", p.major_leadership_sanction, p.major_leadership_fine_min),
    ]


def p1_24_4_2_serious(record, p) -> list[Consequence]:
    """第二十四条(四)2: serious impact, by role; (5) names the deputy in charge only."""
    rule = "P1-24.4.2"
    return [
        *_role(rule, _main(record) or (None,), "main_responsible", p.serious_main_sanction, p.serious_main_fine_min),
        *_role(rule, record.secondary_responsible, "secondary_responsible", p.serious_secondary_sanction, p.serious_secondary_fine_min),
        *_role(rule, record.workshop_leader, "workshop_leader", None, p.serious_workshop_fine_min),
        *_role(rule, record.management_head, "management_head", None, p.serious_management_fine_min),
        *_role(rule, record.unit_deputy, "unit_deputy", None, p.serious_leadership_fine_min),
    ]


def p1_24_5_others(record, p) -> list[Consequence]:
    """第二十四条(五): other responsible persons, by analogy level by level: for a person."""
    low, high = optional_range(p.other_responsible_fine)
    return [
        Consequence("P1-24.5", name, "other_responsible", "refer", low, high,
                    note="assess by analogy with the clauses above, level by level (参照上述条款逐级进行考核)")
        for name in record.other_responsible or ()
    ]


def p1_25_outside_channel(record, p, consequences: list[Consequence], trace=None) -> list[Consequence]:
    """第二十五条: a verified complaint to a supervision channel outside the company: double."""
    outside = record.escalation in p.outside_escalations
    if trace is not None:
        trace.considered("P1-25", outside, f"投诉层级={record.escalation or 'none'}")
    if not outside:
        return consequences
    scaled = [c.scaled(p.outside_multiplier, "P1-25") for c in consequences]
    if trace is not None:
        for before, after in zip(consequences, scaled):
            if after is not before:
                trace.step("P1-25", f"{before.rule} {_span(before)} × {p.outside_multiplier:g} = {_span(after)}")
    return scaled


def _span(c: Consequence) -> str:
    low = "-" if c.min is None else f"{c.min:g}"
    return low if c.max == c.min else f"{low}–{'…' if c.max is None else f'{c.max:g}'}"


def _yes_no(value) -> str:
    return "空" if value is None else ("是" if value else "否")


def p1_26_falsified_reply(record, p) -> list[Consequence]:
    """第二十六条: 500 yuan per ticket from the unit, and criticism of the unit and its head."""
    if not record.falsified_reply:
        return []
    unit = record.unit
    out = [
        Consequence("P1-26", unit, "unit", "fine", p.falsified_reply_fine, p.falsified_reply_fine),
        Consequence("P1-26", unit, "unit", "criticism", note="通报批评"),
    ]
    # 相关负责人: a head not named is referred naming the field (name_parties), never left out.
    out += [Consequence("P1-26", head, "unit_head", "criticism", note="通报批评") for head in record.unit_head or (None,)]
    return out


def _fine(rule: str, party, role: str, amount) -> Consequence:
    low, high = amount
    return Consequence(rule, party, role, "fine", low, high)


def _refer(rule: str, party, amount, note: str) -> Consequence:
    low, high = optional_range(amount)
    return Consequence(rule, party, "responsible_person", "refer", low, high, note=note)


def _role(rule: str, names, role: str, sanction, fine_min) -> list[Consequence]:
    out = []
    for name in names or ():
        if sanction is not None:
            out.append(Consequence(rule, name, role, "sanction", sanction[0], sanction[1]))
        out.append(Consequence(rule, name, role, "fine", fine_min, None))
    return out


def no_unit(record, p) -> list[Consequence]:
    """第二十七条 (P1) / 零投诉办法第十四条 (P2) count each assessed ticket for its unit: a ticket
    naming no unit is in no unit's count, and says so rather than count for a made-up unit."""
    rule = "P1-27" if p.schedule == "P1" else "P2-14"
    if rule == "P2-14" and record.escalation not in p.p2_veto_escalations:
        return []
    return [refer_unnamed(rule, "unit", "unit, 责任单位", record.id,
                          "the ticket is in no unit's period count; the party is the ticket")]


def p1_27_tallies(record, result, calendar) -> list[Tally]:
    """第二十七条: what each counted, assessed ticket adds to its unit's half-year statistics."""
    if not result.classification.counted or result.appeal.status == "accepted" or not record.unit:
        return []
    fines = [c for c in result.consequences if c.kind == "fine"]
    low = sum(c.min or 0 for c in fines)
    high = None if any(c.max is None for c in fines) else sum(c.max for c in fines)
    return [Tally(("P1-27", record.unit), calendar.local_date(record.received_at), low, high)]


def p1_27_half_year(ledger, periods, p) -> list[PeriodConsequence]:
    """第二十七条: per unit and period, the count and fines behind marketing's proposal."""
    out = []
    for period in periods.of(p.assessment_period):
        for key in ledger.keys("P1-27"):
            entry = ledger.total(key, period)
            if not entry.count:
                continue
            fines = (f"{entry.amount_min:g} yuan or more" if entry.amount_max is None
                     else f"{entry.amount_min:g}–{entry.amount_max:g} yuan")
            complaints = "1 counted complaint" if entry.count == 1 else f"{entry.count} counted complaints"
            out.append(
                PeriodConsequence(
                    "P1-27", key[1], "unit", "refer", period.label, count=entry.count,
                    note=f"{complaints}; fines on its staff {fines}: "
                    "marketing proposes the assessment, the 优质服务领导小组 approves",
                )
            )
    return out


def _collected(rule: str, rules) -> bool:
    return any(rule == r or rule.startswith((f"{r}.", f"{r}-")) for r in rules)


def p1_28_tallies(record, result, calendar, p) -> list[Tally]:
    """第二十八条: each person's complaint fines, in the month the result is announced (else received).

    "投诉事件处理结果通报后…对责任人的经济处罚在当月绩效中扣除": only the fines of the rules in
    ``pay_deduction_rules`` (the complaint fines of P1), not an inspection score's fine."""
    when = calendar.local_date(record.notified_at or record.received_at)
    return [
        Tally(("P1-28", c.party), when, c.min or 0, c.max)
        for c in result.consequences
        # P1-26's unit fine is not on anyone's pay
        if c.kind == "fine" and c.party and c.role != "unit" and _collected(c.rule, p.pay_deduction_rules)
    ]


def p1_28_pay_deductions(ledger, periods, roster) -> list[PeriodConsequence]:
    """第二十八条: fines come out of the month's performance pay; what it cannot cover is
    deducted in the following months until paid in full.

    Needs each person's monthly performance pay (roster column ``performance_pay`` 月度绩效,
    optionally per ``month`` 月份); without a roster the fines stay the totals of each ticket.
    Fines are ranges, so the schedule is worked out for the least and the most owed. With
    ``--period`` the months inside it are listed; without, every month from the person's first
    fine to the month the last balance is paid ("直至扣满处理金额为止").
    """
    if not roster:
        return []
    pay, out = _performance_pay(roster)
    all_months = sorted(ledger.months())  # once, not once per person
    if periods.chosen is None:
        out += _p1_28_until_paid(ledger, pay, all_months)
        return out
    report = {(m.year, m.first_month) for m in periods.of("month")}
    for key in ledger.keys("P1-28"):
        person = key[1]
        if person not in pay:
            out.append(_no_pay(person))
            continue
        months = [m for m in all_months if ledger.month(key, m).count]
        owed_low, owed_high = 0.0, 0.0
        for month in _month_range(months[0], max(max(report, default=months[-1]), months[-1])):
            entry = ledger.month(key, month)
            month_pay = pay[person].get(month, pay[person].get(None, 0))
            low, high, owed_low, owed_high = _month_of_pay(entry, month_pay, owed_low, owed_high)
            if owed_high is None:
                # A fine with no upper bound: the schedule follows what is owed at least, and
                # up to the whole pay may go while any of it is unpaid.
                if month in report and (entry.count or low or owed_low):
                    rest = (f"at least {owed_low:g} yuan, and whatever the fines decided add above their minimums "
                            "(a fine here has no upper bound)")
                    out.append(_deduction(person, month, low, high, entry.count, month_pay, rest))
            elif month in report and (low or high or owed_low or owed_high):
                out.append(_deduction(person, month, low, high, entry.count, month_pay, f"{owed_low:g}–{owed_high:g} yuan"))
    return out


def _month_of_pay(entry, month_pay, owed_low, owed_high):
    """One month: its fines added to what is owed, then as much as the month's pay allows taken.
    Returns (taken at least, taken at most, still owed at least, still owed at most); None for
    an amount with no upper bound."""
    owed_low += entry.amount_min
    owed_high = None if owed_high is None or entry.amount_max is None else owed_high + entry.amount_max
    low = min(owed_low, month_pay)
    high = month_pay if owed_high is None else min(owed_high, month_pay)
    return low, high, owed_low - low, None if owed_high is None else owed_high - high


def _no_pay(person) -> PeriodConsequence:
    return PeriodConsequence("P1-28", person, "responsible_person", "refer", "-",
                             note="no performance pay (月度绩效) in the roster: fines stay the totals per ticket")


def _p1_28_until_paid(ledger, pay, all_months) -> list[PeriodConsequence]:
    """Without --period: each person's months from the first fine until the balance is paid.

    A month whose pay takes nothing, past the last fine and the last month the roster gives
    a pay for, ends the schedule (its note says what is still owed): more months would only
    repeat it."""
    out = []
    for key in ledger.keys("P1-28"):
        person = key[1]
        if person not in pay:
            out.append(_no_pay(person))
            continue
        months = [m for m in all_months if ledger.month(key, m).count]
        last_input = max([months[-1], *(m for m in pay[person] if m is not None)])
        owed_low, owed_high = 0.0, 0.0
        month = months[0]
        while True:
            entry = ledger.month(key, month)
            month_pay = pay[person].get(month, pay[person].get(None, 0))
            low, high, owed_low, owed_high = _month_of_pay(entry, month_pay, owed_low, owed_high)
            if owed_high is None:
                rest = (f"at least {owed_low:g} yuan, and whatever the fines decided add above their minimums "
                        "(a fine here has no upper bound)")
                done = not owed_low  # the schedule follows what is owed at least
            else:
                rest = f"{owed_low:g}–{owed_high:g} yuan"
                done = not (owed_low or owed_high)
            took = low or (owed_high is not None and high)
            if entry.count or took or not done:
                out.append(_deduction(person, month, low, high, entry.count, month_pay, rest))
            if (done or not took) and month >= last_input:
                break
            month = _next_month(month)
    return out


def _next_month(month: tuple[int, int]) -> tuple[int, int]:
    year, m = month
    return (year + 1, 1) if m == 12 else (year, m + 1)


def _deduction(person, month, low, high, count, month_pay, rest) -> PeriodConsequence:
    return PeriodConsequence(
        "P1-28", person, "responsible_person", "pay_deduction", f"{month[0]}-{month[1]:02d}", low, high,
        count=count or None, note=f"from this month's performance pay of {month_pay:g} yuan; still owed after it: {rest}",
    )


def _performance_pay(roster) -> tuple[dict[str, dict], list[PeriodConsequence]]:
    """person -> {(year, month) or None (every month): pay}; a row that cannot be read is reported."""
    pay: dict[str, dict] = {}
    problems = []
    for i, row in enumerate(roster, 1):
        person, amount = roster_cell(row, "person", "姓名", "责任人"), roster_cell(row, "performance_pay", "月度绩效", "绩效工资")
        month = next((row[n] for n in ("month", "月份") if row.get(n) not in (None, "")), None)
        if amount is None and month is None and roster_cell(row, "industry", "行业") != "power_supply":
            continue  # a row of another industry's roster (service posts): none of the pay columns
        try:
            value = parse_number(amount, "performance_pay")
            when = None if month is None else _month_of(month)
            if not person or not 0 <= value < math.inf:
                raise ValueError
        except ValueError:  # FieldError is one
            problems.append(PeriodConsequence(
                "P1-28", person or f"roster row {i}", "roster", "refer", "-",
                note=f"roster row {i}: expected a person, performance_pay in yuan (≥ 0) and an optional month like 2026-03; "
                f"got {person!r}, {amount!r}, {month!r}: not used",
            ))
            continue
        pay.setdefault(person, {})[when] = value
    return pay, problems


_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


def _month_of(cell) -> tuple[int, int]:
    """A roster's month: 2026-04, 2026/4, 2026年4月, or a spreadsheet date in that month."""
    if isinstance(cell, date):
        return cell.year, cell.month
    m = _MONTH.match(str(cell).strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(cell)
    return int(m.group(1)), int(m.group(2))


def _month_range(first: tuple[int, int], last: tuple[int, int]):
    year, month = first
    while (year, month) <= last:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
