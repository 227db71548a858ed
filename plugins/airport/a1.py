"""A1 and its attachment, one function a clause; ``p`` is the plugin's Parameters."""

from __future__ import annotations

from policy.core.calendar import appeal_due, months_after, working_days
from policy.core.model import Appeal, Classification, Consequence, Deadline, PeriodConsequence, refer_unnamed
from policy.core.periods import Tally
from policy.core.regulation import optional_range

from .declarations import FIELDS

QUALITY_DEPARTMENT = "质量安全部"  # 9: "质量平安部(质量安全部)每月对本集团发生的投诉、抱怨事件进行统计"

# 附件3.1 / 3.2: criterion id -> the record fact that meets it.
CLASS_1_FLAGS = (
    ("A1-att3.1.1", "authority_sanction"),
    ("A1-att3.1.2", "media_report"),
    ("A1-att3.1.3", "fight_or_insult"),
    ("A1-att3.1.4", "fraud_or_theft"),
)
CLASS_2_FLAGS = (
    ("A1-att3.2.1", "flight_delay"),
    ("A1-att3.2.3", "procedure_breach"),
    ("A1-att3.2.4", "rude_or_cold"),
)


def attachment_criteria(record, p) -> tuple[str, tuple[str, ...]]:
    """附件3.1–3.2 and 4.2 等级从高: the highest grade any criterion meets, with the criteria met.

    附件3.1.6 needs earlier tickets and is applied by :func:`a1_att3_1_6_repeated_class_2`.
    """
    class_1 = [rule for rule, flag in CLASS_1_FLAGS if getattr(record, flag)]
    class_2 = [rule for rule, flag in CLASS_2_FLAGS if getattr(record, flag)]
    compensation = record.compensation or 0
    if compensation > p.compensation_threshold:
        class_1.append("A1-att3.1.5")  # 5千元(不含)以上
    elif compensation > 0:
        class_2.append("A1-att3.2.2")  # 不超过5千元(含)
    if class_1:
        return "class_1", tuple(sorted(class_1))
    if class_2:
        return "class_2", tuple(sorted(class_2))
    return "grumble", ("A1-3.5",)


def _content_key(record):
    return record.content_key or record.event_key


def a1_history(record, p) -> list:
    """What later tickets need: the event (3.2), and the content where its own grade is class 2 (附件3.1.6)."""
    out = []
    if record.event_key:
        out.append((("event", record.event_key), None))
    key = _content_key(record)
    if key and record.named_target is not False and attachment_criteria(record, p)[0] == "class_2":
        out.append((("class_2 content", key), None))
    return out


def _within(record, earlier_at, p, calendar) -> bool:
    # From the earlier complaint's receipt to the corresponding day n months later (第二百零二条).
    last_day = months_after(calendar.local_date(earlier_at), p.repeat_months)
    return calendar.local_date(record.received_at) <= last_day


def _latest_within(key, record, p, history, calendar) -> str | None:
    """The id of the latest earlier ticket of ``key`` within the window, or None.

    The window's end moves forward with the earlier ticket's date, so when the latest earlier
    ticket is outside it every older one is too: one look-up, however many tickets share the key.
    """
    last = history.last(key, record)
    return last[1] if last is not None and _within(record, last[0], p, calendar) else None


def a1_3_2_second_complaint(record, p, history, calendar) -> str | None:
    """3.2: the same event again within three months: the earlier ticket, or None."""
    if not record.event_key:
        return None
    return _latest_within(("event", record.event_key), record, p, history, calendar)


def a1_att3_1_6_repeated_class_2(record, p, history, calendar) -> str | None:
    """附件3.1.6: a class-2 complaint whose content occurred as class 2 within three months before."""
    key = _content_key(record)
    if not key:
        return None
    return _latest_within(("class_2 content", key), record, p, history, calendar)


def a1_classify(record, p, history, calendar, trace=None) -> Classification:
    """3.3–3.5, 4.2 and the attachment: class_1, class_2 or grumble, every criterion cited."""
    repeat_of = a1_3_2_second_complaint(record, p, history, calendar)
    extra = ("A1-3.2",) if repeat_of else ()
    if trace is not None:
        _trace_criteria(trace, record, p, repeat_of)
    if record.named_target is False:
        return Classification(True, record.category, "grumble", ("A1-3.5", *extra), repeat_of,
                               reason="no specific target named (3.5): a general grumble")
    grade, rules = attachment_criteria(record, p)
    if grade == "class_2":
        earlier = a1_att3_1_6_repeated_class_2(record, p, history, calendar)
        if trace is not None:
            trace.considered("A1-att3.1.6", earlier is not None,
                             f"同一内容 {_content_key(record) or '-'} 三个月内曾为二类投诉: {earlier or '无'}")
        if earlier is not None:
            return Classification(True, record.category, "class_1", ("A1-att3.1.6", *rules, *extra), repeat_of or earlier)
    return Classification(True, record.category, grade, (*rules, *extra), repeat_of)


def _trace_criteria(trace, record, p, repeat_of) -> None:
    """For policy explain: each criterion of the attachment, met or not, by the fact that decides it."""
    header = {f.name: (f.aliases or (f.name,))[0] for f in FIELDS}  # the column a clerk knows
    trace.considered("A1-3.5", record.named_target is False, f"有明确投诉对象={'否' if record.named_target is False else '是'}")
    for rule, flag in (*CLASS_1_FLAGS, *CLASS_2_FLAGS):
        value = getattr(record, flag)
        trace.considered(rule, bool(value), f"{header.get(flag, flag)}={'是' if value else '否' if value is False else '空'}")
    compensation = record.compensation or 0
    trace.considered("A1-att3.1.5", compensation > p.compensation_threshold,
                     f"赔偿 {compensation:g} 元 > {p.compensation_threshold:g} 元")
    trace.considered("A1-att3.2.2", 0 < compensation <= p.compensation_threshold,
                     f"赔偿 {compensation:g} 元, 0 < 赔偿 <= {p.compensation_threshold:g} 元")
    trace.considered("A1-3.2", repeat_of is not None,
                     f"同一事件 {record.event_key or '-'} {p.repeat_months} 个月内的前次投诉: {repeat_of or '无'}")


def a1_7_time_limits(record, classification, p, calendar, as_of) -> list[Deadline]:
    """7.1 and 7.2: the form within 1 working day, then handled within 3 (class 1) or 2 (class 2)."""
    if classification.grade == "class_1":
        form_rule, handle_rule, handle_days = "A1-7.1a", "A1-7.1b", p.class_1_handling_working_days
        extension = record.extended_until  # 7.1 only: 如需延长时限…
    elif classification.grade == "class_2":
        form_rule, handle_rule, handle_days = "A1-7.2a", "A1-7.2b", p.class_2_handling_working_days
        extension = None
    else:
        return []  # a general grumble has no limit in the text; it enters the monthly statistics (9)
    return [
        calendar.deadline(form_rule, "issue_form", record.received_at, working_days(p.form_working_days),
                          record.form_issued_at, as_of),
        calendar.deadline(handle_rule, "handle", record.form_received_at, working_days(handle_days),
                          record.resolved_at, as_of, extended_until=extension),
    ]


def a1_8_appeal(record, p, calendar) -> Appeal | None:
    """8.1 / 8.2: filed within 1 working day of receiving the form; 8.2 with its clauses and records."""
    ground = record.appeal_ground
    if ground is None:
        return None
    rule = "A1-8.1" if ground == "not_our_remit" else "A1-8.2"
    if record.appeal_filed_at is None or record.form_received_at is None:
        return Appeal("refused", rule, "the appeal or the form's receipt has no time: it cannot be judged in time")
    due = appeal_due(calendar, record.form_received_at, working_days(p.appeal_working_days), record.appeal_filed_at, rule)
    if due is not None and record.appeal_filed_at > due:
        return Appeal("refused", rule, f"filed after the limit ({due.isoformat()})")
    if rule == "A1-8.2" and not record.appeal_evidence:
        return Appeal("refused", rule, "8.2 requires the cited clauses and verification records (appeal_evidence)")
    if rule == "A1-8.1":
        return Appeal("accepted", rule, "not this department's business: the form goes back to the quality department, "
                                         "this department is not assessed")
    return Appeal("accepted", rule, "contrary to the rules or the facts: the complaint is not assessed")


def a1_10_assessment(record, classification, appeal, p) -> list[Consequence]:
    """10: each assessable class-1 or class-2 complaint goes to the performance assessment committee."""
    if classification.grade not in ("class_1", "class_2") or appeal.status == "accepted":
        return []
    amount = p.class_1_amount if classification.grade == "class_1" else p.class_2_amount
    low, high = optional_range(amount)
    grade = "一类投诉" if classification.grade == "class_1" else "二类投诉"
    if not record.person:
        return [refer_unnamed("A1-10", "responsible_person", "person, 责任人", record.department or record.id,
                              f"{grade}: assessed by the group's performance assessment committee", low, high)]
    return [Consequence("A1-10", record.person, "responsible_person", "refer", low, high,
                        note=f"{grade}: assessed by the group's performance assessment committee")]


def a1_9_tallies(record, result, calendar) -> list[Tally]:
    """9: every complaint and grumble counts in its month, by grade."""
    return [Tally(("A1-9", result.classification.grade), calendar.local_date(record.received_at))]


def a1_9_monthly_statistics(ledger, periods) -> list[PeriodConsequence]:
    """9: the month's counts per grade, for the quality department's analysis."""
    labels = {"class_1": "一类投诉", "class_2": "二类投诉", "grumble": "一般性抱怨"}
    out = []
    for month in periods.of("month"):
        for key in ledger.keys("A1-9"):
            count = ledger.total(key, month).count
            if count:
                out.append(PeriodConsequence("A1-9", QUALITY_DEPARTMENT, "quality_department", "refer", month.label, count=count,
                                             note=f"{count} {labels.get(key[1], key[1])} this month: statistics and analysis"))
    return out
