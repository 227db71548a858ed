"""G1 第四条 (the flow, as time limits) and 第五条 (penalties), one function a clause.

Penalties follow from the deadlines evaluated, never from flags typed in: 5.2 and 5.5 read
the statuses of 4.1, 4.3 and the reply; 5.4 reads the earlier tickets of the run.
"""

from __future__ import annotations

from policy.core.calendar import hours, judge, working_days
from policy.core.model import LATE, Classification, Consequence, Deadline, PeriodConsequence, refer_unnamed
from policy.core.periods import Tally

GENERAL_MANAGEMENT = "综合管理部"  # where the clerk of 第五条2 sits (第四条1)


def g1_classify(record, history, p, trace=None) -> Classification:
    """Every hotline ticket is a complaint to handle; an earlier one on the same matter makes it a
    repeat, doubled (G1-5.4 in its rules) if it is the second, or a later one with ``repeat_doubles_later``."""
    key = record.event_key
    earlier = history.last(key, record) if key else None
    repeat_of = earlier[1] if earlier is not None else None
    second = repeat_of is not None and (p.repeat_doubles_later or history.count(key, record) == 1)
    rules = ("G1-5.4",) if second else ()
    if trace is not None:
        trace.considered("G1-5.4", second, f"同一事项 {key or '-'} 的前次投诉: {repeat_of or '无'}"
                                           + ("" if repeat_of is None or second else "; 第三次及以后不加倍 (repeat_doubles_later)"))
    return Classification(True, record.category, "serious" if record.serious else "general", rules, repeat_of)


def g1_4_1_transfer(record, p, calendar, as_of) -> Deadline:
    """第四条1: 综合管理部 fills the transfer form and passes it on 立即 (a company parameter)."""
    return calendar.deadline("G1-4.1", "transfer", record.received_at, hours(p.transfer_hours), record.dispatched_at, as_of)


def g1_4_2_contact(record, p, calendar, as_of) -> Deadline:
    """第四条2: the department meets or phones the caller 立即 after receiving the form."""
    return calendar.deadline("G1-4.2", "contact_caller", record.dispatched_at, hours(p.contact_hours), record.contacted_at, as_of)


def _own_due(record):
    return record.extended_until or record.due_at


def g1_4_3_handled_before_due(record, p, as_of) -> Deadline:
    """第四条3: handled and the form returned before the ticket's own due time (工单到期之前);
    exactly at it is in time unless ``finished_at_due_in_time`` is false."""
    due = _own_due(record)
    if due is None:
        return Deadline("G1-4.3", "handle", None, record.resolved_at, "not_applicable", "the ticket carries no due time")
    status = judge(due, record.resolved_at, as_of)
    if record.resolved_at == due and not p.finished_at_due_in_time:
        status = "breached"
    return Deadline("G1-4.3", "handle", due, record.resolved_at, status,
                    "the ticket's own due time", extended=record.extended_until is not None)


def g1_5_2_reply_to_hotline(record, as_of) -> Deadline:
    """第五条2 with 第三条1: after handling, 综合管理部 replies to the hotline in time — by the ticket's due time."""
    due = _own_due(record)
    if due is None or record.resolved_at is None:
        return Deadline("G1-5.2", "reply_to_hotline", None, record.replied_at, "not_applicable", "the ticket's own due time")
    return Deadline("G1-5.2", "reply_to_hotline", due, record.replied_at, judge(due, record.replied_at, as_of),
                    "the ticket's own due time")


def g1_4_4_revisit(record, p, calendar, as_of) -> Deadline:
    """第四条4: the caller is revisited; the text sets no limit, the company may (0 = not assessed)."""
    if not p.revisit_working_days:
        return Deadline("G1-4.4", "revisit", None, record.revisited_at, "not_applicable", "no limit set (the text gives none)")
    return calendar.deadline("G1-4.4", "revisit", record.resolved_at, working_days(p.revisit_working_days),
                             record.revisited_at, as_of)


def g1_time_limits(record, p, calendar, as_of) -> list[Deadline]:
    return [
        g1_4_1_transfer(record, p, calendar, as_of),
        g1_4_2_contact(record, p, calendar, as_of),
        g1_4_3_handled_before_due(record, p, as_of),
        g1_5_2_reply_to_hotline(record, as_of),
        g1_4_4_revisit(record, p, calendar, as_of),
    ]


def _status(deadlines, rule, stage=None) -> str | None:
    for d in deadlines:
        if d.rule == rule and (stage is None or d.stage == stage):
            return d.status
    return None


def _refer_if_serious(record, rule, party, role) -> list[Consequence]:
    if not record.serious:
        return []
    return [Consequence(rule, party, role, "refer", note="情节严重: accountability (追责) assessed by hand")]


def g1_5_2_clerk(record, p, deadlines) -> list[Consequence]:
    """第五条2: a transfer delayed so that the ticket went overdue, or no timely reply after handling."""
    late_transfer = _status(deadlines, "G1-4.1") in LATE and _status(deadlines, "G1-4.3") in LATE
    late_reply = _status(deadlines, "G1-5.2") in LATE
    if not (late_transfer or late_reply):
        return []
    why = "transfer delayed and the ticket went overdue" if late_transfer else "no timely reply to the hotline after handling"
    low, high = p.clerk_fine
    if not record.clerk:
        return [refer_unnamed("G1-5.2", "clerk", "clerk, 转办人", GENERAL_MANAGEMENT, f"{why}: {low}–{high} yuan", low, high),
                *_refer_if_serious(record, "G1-5.2", GENERAL_MANAGEMENT, "clerk")]
    return [Consequence("G1-5.2", record.clerk, "clerk", "fine", low, high, note=why),
            *_refer_if_serious(record, "G1-5.2", record.clerk, "clerk")]


def g1_5_3_internal_cause(record, p) -> list[Consequence]:
    """第五条3: an internal cause with bad impact: the manager mainly responsible, and each person."""
    if not (record.internal_cause and record.bad_impact):
        return []
    out = _fines(record, "G1-5.3", "department_manager", p.internal_cause_manager_fine)
    out += [Consequence("G1-5.3", n, "responsible_person", "fine", *p.internal_cause_person_fine) for n in record.person or ()]
    return out + _refer_if_serious(record, "G1-5.3", _where(record), "department")


def g1_5_5_department_overdue(record, p, deadlines) -> list[Consequence]:
    """第五条5: the department had the ticket before its due time and let it go overdue."""
    due = _own_due(record)
    if _status(deadlines, "G1-4.3") not in LATE or record.dispatched_at is None or record.dispatched_at >= due:
        return []  # a ticket that reached the department only after its due time is the transfer's fault (5.2)
    out = _fines(record, "G1-5.5", "responsible_person", p.overdue_fine)
    out += _fines(record, "G1-5.5", "department_manager", p.overdue_fine)
    return out + _refer_if_serious(record, "G1-5.5", _where(record), "department")


UNNAMED_FIELDS = {"department_manager": ("department_manager", "部门经理"), "responsible_person": ("person", "责任人")}


def _where(record) -> str:
    return record.department or record.id


def _fines(record, rule, role, amount) -> list[Consequence]:
    """The fine of each person named in the role's field; none named: a refer naming the field."""
    field, header = UNNAMED_FIELDS[role]
    low, high = amount
    names = getattr(record, field)
    if not names:
        return [refer_unnamed(rule, role, f"{field}, {header}", _where(record), f"{low}–{high} yuan", low, high)]
    return [Consequence(rule, n, role, "fine", low, high) for n in names]


def g1_5_4_second_complaint(record, p, classification, consequences) -> list[Consequence]:
    """第五条4: a second complaint on the same matter doubles the penalties of the persons and the department
    (the clerk's too, with ``repeat_doubles_clerk``)."""
    if "G1-5.4" not in classification.rules:
        return consequences
    return [c if c.rule == "G1-5.2" and not p.repeat_doubles_clerk else c.scaled(p.repeat_multiplier, "G1-5.4")
            for c in consequences]


def g1_penalties(record, p, classification, deadlines) -> list[Consequence]:
    out = g1_5_2_clerk(record, p, deadlines) + g1_5_3_internal_cause(record, p) + g1_5_5_department_overdue(record, p, deadlines)
    return g1_5_4_second_complaint(record, p, classification, out) + g1_5_1_no_department(record)


def g1_5_1_no_department(record) -> list[Consequence]:
    """第五条1 counts each ticket in its department's month: a ticket naming none is in no count."""
    if record.department:
        return []
    return [refer_unnamed("G1-5.1", "department", "department, 责任部门", record.id,
                          "the ticket is in no department's monthly count; the party is the ticket")]


def g1_5_1_tallies(record, result, calendar) -> list[Tally]:
    """第五条1: each ticket counts in its department's month; an overdue one counts twice over."""
    if not record.department:
        return []  # referred with the ticket (g1_5_1_no_department), never counted for a made-up department
    day = calendar.local_date(record.received_at)
    out = [Tally(("G1-5.1", "complaints", record.department), day)]
    if any(d.rule == "G1-4.3" and d.status in LATE for d in result.deadlines):
        out.append(Tally(("G1-5.1", "overdue", record.department), day))
    return out


def g1_5_1_monthly_points(ledger, periods, p) -> list[PeriodConsequence]:
    """第五条1: per department and month, the counts behind its performance points."""
    out = []
    departments = sorted({k[2] for k in ledger.keys("G1-5.1")})
    for month in periods.of("month"):
        for dept in departments:
            complaints = ledger.total(("G1-5.1", "complaints", dept), month).count
            if not complaints:
                continue
            overdue = ledger.total(("G1-5.1", "overdue", dept), month).count
            points = complaints * p.monthly_points_per_complaint + overdue * p.monthly_points_per_overdue
            note = f"{complaints} complaints, {overdue} overdue"
            note += f"; {points:g} points deducted" if points else "; points per the audit department (none configured)"
            out.append(PeriodConsequence("G1-5.1", dept, "department", "refer", month.label, count=complaints, note=note))
    return out
