"""P1 供电公司客户投诉管理考核办法 (seed 002): what counts, time limits, return, penalties.

The per-ticket clauses are declarations (core/declared.py), each beside its article; the
core runs them (docs/hooks.md). The period rules (第二十七条, 第二十八条) stay functions: they
run once on the ledger. ``p`` is the plugin's Parameters.
"""

from __future__ import annotations

import math
import re
from datetime import date

from policy.core.calendar import SAME_DAY
from policy.core.declared import (
    ALWAYS, ASSESSED, C, ByValue, Classify, Consequences, D, Each, F, Fine, Give, Given, If, P, Parties, Refer,
    Reject, Require, Row, Scale, TallyEach, TallyOf, TimeLimit, Unnamed, AppealTable,
)
from policy.core.model import LATE, PeriodConsequence
from policy.core.records import parse_number, roster_cell

P1 = P("schedule") == "P1"  # P2 is the alternative penalty schedule: its consequences stay hooks
# P4's inspection sheets are records of another kind: no time limits, no P1 consequences.
COMPLAINT = F("record_type") != "inspection"

# 第九条: counted only when verified true and the supply unit is responsible.
COUNTED = Classify(
    "P1-9", category=F("category"), grade=F("impact"),
    require=(Require("category", "required for a complaint: one of the 17 items of 第十条 (code or Chinese label)"),),
    rows=(
        Row(F("verified").truthy() & F("responsible").truthy(), counted=True),
        Row(~F("verified").truthy(), counted=False, reason="not verified true (经查属实): not counted"),
        Row(ALWAYS, counted=False, reason="not the supply unit's responsibility: not counted"),
    ),
)

# 第十四条–第十九条, each from its own start event.
RETURNED = F("returned_at").is_set() | F("appeal_ground").is_set()
TIME_LIMITS = (
    # 第十四条: 95598 passes the ticket to the unit within 1 hour.
    TimeLimit("P1-14", "dispatch", start=F("received_at"), limit=P("dispatch_hours"), done=F("dispatched_at"), when=COMPLAINT),
    # 第十五条: contact within 1 working day, answered within 4 (extendable, with approval).
    TimeLimit("P1-15a", "contact_customer", start=F("dispatched_at"), limit=P("contact_working_days"),
              done=F("contacted_at"), when=COMPLAINT),
    TimeLimit("P1-15b", "investigate_and_reply", start=F("dispatched_at"), limit=P("reply_working_days"),
              done=F("replied_at"), extension=F("extended_until"), when=COMPLAINT),
    # 第十六条: revisit within 24 hours of the unit's reply.
    TimeLimit("P1-16", "revisit", start=F("replied_at"), limit=P("revisit_hours"), done=F("revisited_at"), when=COMPLAINT),
    # 第十七条: a ticket outside the remit is returned within 1 working day of dispatch.
    TimeLimit("P1-17", "return_outside_remit", start=F("dispatched_at"), limit=P("return_working_days"),
              done=F("returned_at").or_else(F("appeal_filed_at")), when=COMPLAINT & RETURNED),
    # 第十九条: a serious or major event is reported to marketing the same day.
    TimeLimit("P1-19", "report_to_marketing", start=F("received_at"), limit=SAME_DAY, done=F("reported_at"),
              when=COMPLAINT & F("impact").is_in("serious", "major")),
)

# 第十七条: the only appeal of P1. In time: re-dispatched, the unit not assessed.
RETURN = AppealTable("P1-17", when=RETURNED, rows=(
    Row(F("returned_at").or_else(F("appeal_filed_at")).is_empty(), "refused",
        "no return time given: the return cannot be judged in time"),
    Row((D("P1-17").status == "not_applicable") | D("P1-17").status.is_empty(), "refused",
        "the ticket has no dispatch time to count the 1 working day from"),
    # Accepted or refused decides whether the unit is assessed at all: never guessed.
    Row(D("P1-17").status == "unknown", reject=Reject(
        "returned_at", "the return (P1-17) cannot be judged in time, so neither can the ticket: {reason}")),
    Row(D("P1-17").status == "met", "accepted",
        "returned with reasons within the limit: re-dispatched, this unit is not assessed"),
    Row(ALWAYS, "refused", "returned after the limit ({due}): the unit stays responsible"),
))

ON_PERSON = {"party": F("person"), "role": "responsible_person"}

# 第二十四条(一)–(三) for a counted complaint of general impact: per cause, on the responsible person.
GENERAL = Consequences(when=P1 & ASSESSED & ~F("impact").is_in("serious", "major"), give=(ByValue(
    F("cause"),
    missing=Reject("cause", "cause is needed to assess a counted complaint of general impact: "
                            "work_quality, attitude_poor, attitude_bad, ten_prohibitions or ten_commitments"),
    cases={
        "ten_prohibitions": (Refer("P1-24.1", P("ten_prohibitions_fine"), **ON_PERSON,
                                   note="assess under 渝电监察[2005]7号 (十个不准), another document, not encoded here"),),
        "ten_commitments": (Refer("P1-24.2", P("ten_commitments_fine"), **ON_PERSON,
                                  note="assess under 渝电营[2005]15号 (十项承诺), another document, not encoded here"),),
        "work_quality": (If(F("customer_loss").truthy(),
                            (Fine("P1-24.3.1.2", P("work_quality_loss_fine"), **ON_PERSON),),
                            (Fine("P1-24.3.1.1", P("work_quality_fine"), **ON_PERSON),)),),
        "attitude_poor": (Fine("P1-24.3.2.1", P("attitude_poor_fine"), **ON_PERSON),),
        "attitude_bad": (Fine("P1-24.3.2.2", P("attitude_bad_fine"), **ON_PERSON),
                         Give("P1-24.3.2.2", "suspension_months", P("attitude_bad_suspension_months"), **ON_PERSON,
                              note="待岗学习; back to post only after passing the company's exam")),
    },
),))


def _role(rule: str, names, role: str, sanction: str | None, fine_min: str, always: bool = False) -> Each:
    """Each named person of a role: the sanction range (if the text gives one), then a minimum fine."""
    give = (*(() if sanction is None else (Give(rule, "sanction", P(sanction), role=role),)),
            Give(rule, "fine", at_least=P(fine_min), role=role))
    return Each(names, give, always=always)


# The ticket's responsible person is the main responsible unless others are named.
MAIN = F("main_responsible").or_else(F("person"))

# 第二十四条(四)1: major impact, by role; (四) replaces (三) for the roles it names.
MAJOR = Consequences(rule="P1-24.4.1", when=P1 & ASSESSED & (F("impact") == "major"), give=(
    _role("P1-24.4.1", MAIN, "main_responsible", "major_main_sanction", "major_main_fine_min", always=True),
    _role("P1-24.4.1", F("secondary_responsible"), "secondary_responsible", "major_secondary_sanction", "major_secondary_fine_min"),
    _role("P1-24.4.1", F("workshop_leader"), "workshop_leader", "major_workshop_sanction", "major_workshop_fine_min"),
    _role("P1-24.4.1", F("management_head"), "management_head", "major_management_sanction", "major_management_fine_min"),
    _role("P1-24.4.1", F("unit_chief"), "unit_chief", "major_leadership_sanction", "major_leadership_fine_min"),
    _role("P1-24.4.1", F("unit_deputy"), "unit_deputy", "major_leadership_sanction", "major_leadership_fine_min"),
))

# 第二十四条(四)2: serious impact, by role; (5) names the deputy in charge only.
SERIOUS = Consequences(rule="P1-24.4.2", when=P1 & ASSESSED & (F("impact") == "serious"), give=(
    _role("P1-24.4.2", MAIN, "main_responsible", "serious_main_sanction", "serious_main_fine_min", always=True),
    _role("P1-24.4.2", F("secondary_responsible"), "secondary_responsible", "serious_secondary_sanction", "serious_secondary_fine_min"),
    _role("P1-24.4.2", F("workshop_leader"), "workshop_leader", None, "serious_workshop_fine_min"),
    _role("P1-24.4.2", F("management_head"), "management_head", None, "serious_management_fine_min"),
    _role("P1-24.4.2", F("unit_deputy"), "unit_deputy", None, "serious_leadership_fine_min"),
))

# 第二十四条(五): other responsible persons, by analogy level by level: for a person.
OTHERS = Consequences(when=P1 & ASSESSED, give=(Each(F("other_responsible"), (
    Refer("P1-24.5", P("other_responsible_fine"), role="other_responsible",
          note="assess by analogy with the clauses above, level by level (参照上述条款逐级进行考核)"),)),))

# P3 第四条: a broken service commitment is a 十项承诺 breach, P1 第二十四条(二), referred once per
# ticket (not when the cause already referred it). Declared here, not in P3's hook, because
# its place is between 第二十四条 and 第二十六条 and 第二十五条 doubles it.
LATE_OR_UNKNOWN = (*LATE, "unknown")
P3_BROKEN = D.rules(prefix="P3-", status=LATE)
P3_BROKEN_COMMITMENT = Consequences(
    rule="P1-24.2",
    when=P1 & ASSESSED & D.any(prefix="P3-", status=LATE_OR_UNKNOWN) & ~Given("P1-24.2"),
    give=(If(P3_BROKEN.is_set(), (
        Refer("P1-24.2", P("ten_commitments_fine"), **ON_PERSON, fill=(("rules", P3_BROKEN),),
              note="commitment {rules} broken: a 十项承诺 breach, assess under 渝电营[2005]15号"),
    ), (
        # The limit runs into a year the calendar does not cover: neither a breach nor kept.
        Refer("P1-24.2", P("ten_commitments_fine"), **ON_PERSON,
              fill=(("rules", D.rules(prefix="P3-", status=("unknown",))),),
              note="commitment {rules} cannot be judged yet: the calendar lacks a year its limit needs "
                   "(see the deadline's reason). If it was broken it is a 十项承诺 breach under 渝电营[2005]15号"),
    )),),
)

# 第二十六条: counted or not, 500 yuan per ticket from the unit, and criticism of the unit and its head.
FALSIFIED = Consequences(rule="P1-26", when=P1 & COMPLAINT & F("falsified_reply").truthy(), give=(
    Fine("P1-26", P("falsified_reply_fine"), party=F("unit"), role="unit"),
    Give("P1-26", "criticism", party=F("unit"), role="unit", note="通报批评"),
    # 相关负责人: a head not named is referred naming the field (Parties), never left out.
    Each(F("unit_head"), (Give("P1-26", "criticism", role="unit_head", note="通报批评"),), always=True),
))

# 第二十五条: a verified complaint to a supervision channel outside the company: double.
DOUBLE = Scale("P1-25", factor=P("outside_multiplier"),
               when=P1 & C.counted.truthy() & F("escalation").is_in(P("outside_escalations")))

# 第二十七条 counts each assessed ticket for its unit: a ticket naming no unit is in no unit's
# count, and says so rather than count for a made-up unit.
NO_UNIT = Unnamed("P1-27", role="unit", field="unit, 责任单位", when=P1 & ASSESSED & F("unit").is_empty(),
                  what="the ticket is in no unit's period count; the party is the ticket")

# Who pays, over the whole list (the hooks' P2 and P4 consequences too): a consequence whose
# party the record does not name is a refer naming its field, addressed to the unit (else the
# ticket); the unit's own, to the ticket; a station head's, to the station.
PARTIES = Parties(
    fields={"responsible_person": "person, 责任人", "main_responsible": "main_responsible, 主要责任者",
            "unit": "unit, 责任单位", "unit_head": "unit_head, 单位负责人", "station_head": "station_head, 所负责人"},
    where={"unit": F("id"), "station_head": F("station").or_else(F("id"))},
    otherwise=F("unit").or_else(F("id")),
)

# 第二十七条: what each counted, assessed ticket adds to its unit's half-year statistics.
HALF_YEAR = TallyOf(("P1-27", F("unit")), on=F("received_at"), when=P1 & ASSESSED & F("unit").is_set(), amount="fines")

# 第二十八条: each person's complaint fines, in the month the result is announced (else received).
# "投诉事件处理结果通报后…对责任人的经济处罚在当月绩效中扣除": only the fines of the rules in
# ``pay_deduction_rules`` (the complaint fines of P1), not an inspection score's fine; P1-26's
# unit fine is on no one's pay.
PAY = TallyEach("P1-28", on=F("notified_at").or_else(F("received_at")), rules=P("pay_deduction_rules"),
                exclude_roles=("unit",), when=P1)

# In the order the document lists them: the order is part of the declaration.
DECLARED = (COUNTED, *TIME_LIMITS, RETURN, GENERAL, MAJOR, SERIOUS, OTHERS, P3_BROKEN_COMMITMENT, FALSIFIED,
            DOUBLE, NO_UNIT, PARTIES, HALF_YEAR, PAY)


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
