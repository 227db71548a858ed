"""W1 五、结果运用 and 六、责任复议与追究, one function a clause; ``p`` is the Parameters.

Incidents are counted per person, per section (科所, within its department) and per
department, by kind and calendar month, in the period ledger; the period rules read those
counts. An appeal accepted under 六、2 takes a ticket out of every count.
"""

from __future__ import annotations

import math
from collections import defaultdict

from policy.core.calendar import appeal_due, judge, working_days
from policy.core.model import Appeal, Classification, Consequence, Deadline, PeriodConsequence, name_parties, refer_unnamed
from policy.core.periods import Period, Tally
from policy.core.records import FieldError, parse_bool, roster_cell

from .declarations import HIGHER_RATE_POSTS, INCIDENT_KINDS, POSTS, SECTION_LEVEL

INCIDENT_KIND_CODES = tuple(INCIDENT_KINDS)
PER_INCIDENT_KINDS = ("attitude_complaint", "hotline_12345_dissatisfied")  # 五(二)1 first sentence
ESCALATED_CHANNELS = ("hotline_12345", "media", "superior")  # 六、2: need the principal leader's approval
DEPARTMENT_LEADER_FIELDS = {"department_head": "部门主要领导", "department_deputy": "分管领导"}  # 五(二)1, 五(二)3
OUTSOURCED_COLUMNS = ("outsourced", "外包人员", "是否外包")
SECTION_HEAD_UNNAMED = "the section head is not named (field section_head, 科所负责人): party is the section"


def w1_classify(record) -> Classification:
    if record.record_type == "false_report" and not record.department:
        raise FieldError("department", "a false report (虚报, W1-5.3.4) names the department found to have reported falsely")
    if record.record_type != "incident":
        return Classification(False, record.record_type, None, ())
    if record.incident_kind is None:
        raise FieldError("incident_kind", "required for an incident: attitude_complaint (服务态度投诉), "
                         "hotline_12345_dissatisfied (12345不满意工单) or internal_exposure (内部检查曝光)")
    return Classification(True, record.incident_kind, None, ())


def w1_6_1_completed_within_ticket_limit(record, as_of) -> list[Deadline]:
    """六、1: the responsible department completes the ticket within the hotline ticket's own limit."""
    if record.record_type != "incident":
        return []
    due = record.extended_until or record.due_at
    if due is None:
        return [Deadline("W1-6.1", "complete", None, record.resolved_at, "not_applicable", "the ticket carries no due time")]
    return [Deadline("W1-6.1", "complete", due, record.resolved_at, judge(due, record.resolved_at, as_of),
                     "the ticket's own limit", extended=record.extended_until is not None)]


def w1_6_2_appeal(record, p, calendar, trace=None) -> Appeal | None:
    """六、2: malicious, untrue or not responsible — in writing within 2 working days, then verified
    by the customer service centre; 12345, media and superior tickets also need the principal leader."""
    if record.appeal_ground is None or record.record_type != "incident":
        return None
    say = (lambda text: None) if trace is None else (lambda text: trace.step("W1-6.2", text))
    received = record.dispatched_at or record.received_at  # when the department received the ticket
    if record.appeal_filed_at is None:
        return Appeal("refused", "W1-6.2", "no filing time: the 2 working days cannot be judged")
    due = appeal_due(calendar, received, working_days(p.appeal_working_days), record.appeal_filed_at, "W1-6.2")
    say(f"部门收到工单 {received.isoformat()}; {p.appeal_working_days} 个工作日内申诉, 到期 "
        f"{due.isoformat() if due else '(次年之前提出, 按期)'}; 申诉时间 {record.appeal_filed_at.isoformat()}")
    if due is not None and record.appeal_filed_at > due:
        return Appeal("refused", "W1-6.2", f"filed after the limit ({due.isoformat()})")
    say(f"客服中心核实={'是' if record.appeal_verified else '否'}")
    if not record.appeal_verified:
        return Appeal("refused", "W1-6.2", "not verified by the customer service centre (客服中心核实)")
    if record.channel in ESCALATED_CHANNELS:
        say(f"渠道 {record.channel}: 须集团主要领导批准; 批准={'是' if record.appeal_approved else '否'}")
        if not record.appeal_approved:
            return Appeal("refused", "W1-6.2", "a 12345, media or superior ticket needs the group's principal leader's approval")
    return Appeal("accepted", "W1-6.2", "not assessed: removed from every count")


def _counts(record, classification, appeal) -> bool:
    return classification.counted and appeal.status != "accepted"


def w1_5_2_1_per_incident(record, p) -> list[Consequence]:
    """五(二)1: 500 yuan per item from the person; else the section head; else the department's leaders."""
    if record.incident_kind not in PER_INCIDENT_KINDS:
        return []
    if record.person:
        return [Consequence("W1-5.2.1a", record.person, "responsible_person", "fine", p.incident_fine, p.incident_fine)]
    if record.section:
        amount = p.section_head_incident_fine
        heads = record.section_head or (record.section,)
        return [Consequence("W1-5.2.1c", h, "section_head", "fine", amount, amount,
                            note=None if record.section_head else SECTION_HEAD_UNNAMED)
                for h in heads]
    amount = p.department_leader_incident_fine
    # A leader not named is a party of None, referred naming the field (name_parties, w1_consequences).
    leaders = [(n, role) for role in DEPARTMENT_LEADER_FIELDS for n in getattr(record, role) or (None,)]
    return [Consequence("W1-5.2.1d", n, role, "fine", amount, amount) for n, role in leaders]


def w1_5_1_exam(record) -> list[Consequence]:
    """五(一): failing the re-sit, the month cannot be rated 称职 or above."""
    if record.record_type != "exam_result" or not record.exam_retake_failed:
        return []
    return [Consequence("W1-5.1", record.person, "responsible_person", "rating_cap",
                        note="this month cannot be rated 称职 or above (补考仍不合格)")]


def w1_5_4_grievance_award(record) -> list[Consequence]:
    """五(四) 委屈奖: approved by the group; the amount is the group's."""
    if record.record_type != "grievance_award":
        return []
    amount = record.award_amount
    return [Consequence("W1-5.4", record.person, "responsible_person", "reward", amount, amount,
                        note="委屈奖" if amount is not None else "委屈奖: the amount is the group's decision")]


def w1_6_3_business_environment(record) -> list[Consequence]:
    """六、3: a business-environment violation goes to the supervision office."""
    if not record.business_violation:
        return []
    return [Consequence("W1-6.3", record.department, "department", "refer",
                        note="提交集团优化营商环境督察室追责")]


ROLE_FIELDS = {"responsible_person": "person, 责任人", "department": "department, 部门",
               **{role: f"{role}, {label}" for role, label in DEPARTMENT_LEADER_FIELDS.items()}}


def w1_consequences(record, classification, appeal, p) -> list[Consequence]:
    out = w1_5_1_exam(record) + w1_5_4_grievance_award(record) + w1_6_3_business_environment(record)
    if _counts(record, classification, appeal):
        out = w1_5_2_1_per_incident(record, p) + out
        if record.record_type == "incident" and not record.department:
            out.append(refer_unnamed("W1-5.2.3", "department", "department, 部门", record.id,
                                     "the incident is in no department's year count; the party is the ticket"))
    where = lambda role: record.id if role == "department" else record.department or record.id  # noqa: E731
    return name_parties(out, ROLE_FIELDS, where)


def w1_tallies(record, result, calendar) -> list[Tally]:
    day = calendar.local_date(record.received_at)
    if record.record_type == "false_report":
        return [Tally(("false_report", record.department), day)]
    if record.record_type != "incident" or not _counts(record, result.classification, result.appeal):
        return []
    kind = record.incident_kind
    # A ticket naming no department is referred with the ticket (w1_consequences), never counted for None.
    out = [Tally(("department", record.department, kind), day)] if record.department else []
    if record.person:
        out.append(Tally(("person", record.person, kind), day))
        if record.outsourced:
            out.append(Tally(("outsourced", record.person), day))
    if record.section:
        out.append(Tally(("section", record.department, record.section, kind), day))
        # 五(二)2 charges the head of the month's section: the heads the tickets name, per month.
        out += [Tally(("section_head", record.department, record.section, head), day) for head in record.section_head or ()]
    # 五(二)3 charges the department's leaders by name: those the tickets name.
    out += [Tally(("department_leader", record.department, role, name), day)
            for role in DEPARTMENT_LEADER_FIELDS for name in getattr(record, role) or ()]
    return out


# -- counting over periods ---------------------------------------------------------------------


def _groups(p, person_year: bool) -> list[tuple[str, ...]]:
    """Which kinds count together: each alone, except a person's year pools attitude and exposures."""
    if p.pool_all_kinds:
        return [INCIDENT_KIND_CODES]
    if person_year:
        return [("attitude_complaint", "internal_exposure"), ("hotline_12345_dissatisfied",)]
    return [(k,) for k in INCIDENT_KIND_CODES]


def _worst(ledger, prefix: tuple, groups, period: Period) -> int:
    return max(sum(ledger.total((*prefix, k), period).count for k in group) for group in groups)


def _subjects(ledger, kind_key: str) -> list[tuple]:
    return sorted({k[1:-1] for k in ledger.keys(kind_key)}, key=lambda t: tuple(str(x) for x in t))


def w1_5_2_1b_person_year(ledger, year, p) -> list[PeriodConsequence]:
    """五(二)1: 2 or more in a year: year-end bonus at 80% (outsourced staff dismissed), not 称职."""
    out = []
    for (person,) in _subjects(ledger, "person"):
        n = _worst(ledger, ("person", person), _groups(p, True), year)
        if n < p.person_year_threshold:
            continue
        if ledger.total(("outsourced", person), year).count:
            out.append(PeriodConsequence("W1-5.2.1b", person, "responsible_person", "dismissal", year.label, count=n,
                                         note="服务外包人员: 予以辞退 instead of the 80% bonus"))
        else:
            pct = p.person_year_bonus_pct
            out.append(PeriodConsequence("W1-5.2.1b", person, "responsible_person", "annual_bonus_paid_pct", year.label, pct, pct, n))
        out.append(PeriodConsequence("W1-5.2.1b", person, "responsible_person", "rating_cap", year.label, count=n,
                                     note="the year cannot be rated 称职 or above"))
    return out


def _bad_month(ledger, department, section, month, p) -> int:
    n = _worst(ledger, ("section", department, section), _groups(p, False), month)
    return n if n >= p.section_month_threshold else 0


def _heads(ledger, department, section, month) -> tuple[str, ...]:
    """The section heads the month's tickets name."""
    return tuple(k[3] for k in ledger.keys("section_head", department, section) if ledger.total(k, month).count)


def w1_5_2_2a_section_month(ledger, month, p) -> list[PeriodConsequence]:
    """五(二)2: 2 of a kind in a month: 1000 yuan off the section head's month.

    The head is the one the month's tickets name; none named: the section, with a note;
    several named in one month: referred, so that the 1000 yuan is not charged twice."""
    out = []
    for department, section in _subjects(ledger, "section"):
        n = _bad_month(ledger, department, section, month, p)
        if not n:
            continue
        fine = p.section_month_fine
        heads = _heads(ledger, department, section, month)
        if len(heads) == 1:
            out.append(PeriodConsequence("W1-5.2.2a", heads[0], "section_head", "fine", month.label, fine, fine, n,
                                         note=f"head of {section}, department {department}"))
        elif not heads:
            out.append(PeriodConsequence("W1-5.2.2a", section, "section_head", "fine", month.label, fine, fine, n,
                                         note=f"{SECTION_HEAD_UNNAMED}; department {department}"))
        else:
            out.append(PeriodConsequence("W1-5.2.2a", section, "section_head", "refer", month.label, fine, fine, n,
                                         note=f"the month's tickets name several heads ({', '.join(heads)}): "
                                              f"the assessor decides whose month it was; department {department}"))
    return out


def w1_5_2_2b_section_year(ledger, year, p) -> list[PeriodConsequence]:
    """五(二)2: a section with 3 such months in the year: its head at 80%, not 称职.

    Each head is assessed for the months they headed (the months whose tickets name them);
    months whose tickets name no head count for the section, with a note."""
    out = []
    pct = p.section_year_bonus_pct
    for department, section in _subjects(ledger, "section"):
        bad = [m for m in year.inside("month") if _bad_month(ledger, department, section, m, p)]
        if len(bad) < p.section_bad_months_threshold:
            continue
        by_head: dict[str | None, list[Period]] = defaultdict(list)
        for m in bad:
            for head in _heads(ledger, department, section, m) or (None,):
                by_head[head].append(m)
        charged = False
        for head in sorted(by_head, key=lambda h: (h is None, h or "")):
            months = by_head[head]
            if len(months) < p.section_bad_months_threshold:
                continue
            charged = True
            labels = ", ".join(m.label for m in months)
            party, why = (head, f"head of {section}") if head else (section, SECTION_HEAD_UNNAMED)
            note = f"{why}; department {department}; bad months {labels}"
            out.append(PeriodConsequence("W1-5.2.2b", party, "section_head", "annual_bonus_paid_pct", year.label, pct, pct,
                                         len(months), note=note))
            out.append(PeriodConsequence("W1-5.2.2b", party, "section_head", "rating_cap", year.label, count=len(months),
                                         note=f"the year cannot be rated 称职 or above; {note}"))
        if not charged:
            split = "; ".join(f"{h or 'head not named'}: {', '.join(m.label for m in ms)}" for h, ms in sorted(
                by_head.items(), key=lambda i: (i[0] is None, i[0] or "")))
            out.append(PeriodConsequence("W1-5.2.2b", section, "section_head", "refer", year.label, count=len(bad),
                                         note=f"{len(bad)} bad months in the year, but no one head headed "
                                              f"{p.section_bad_months_threshold} of them ({split}); department {department}"))
    return out


def w1_5_2_3_department_year(ledger, year, p) -> list[PeriodConsequence]:
    """五(二)3: 5 of a kind in a year: each named head and deputy at 80%, not 优秀; no 先进集体.

    A role whose leader no ticket of the year names is referred, naming the missing field."""
    out = []
    for (department,) in _subjects(ledger, "department"):
        n = _worst(ledger, ("department", department), _groups(p, False), year)
        if n < p.department_year_threshold:
            continue
        pct = p.department_year_bonus_pct
        for role, label in DEPARTMENT_LEADER_FIELDS.items():
            names = [k[3] for k in ledger.keys("department_leader", department, role) if ledger.total(k, year).count]
            for name in names:
                out += [
                    PeriodConsequence("W1-5.2.3", name, role, "annual_bonus_paid_pct", year.label, pct, pct, n,
                                      note=f"部门党政负责人及分管副职 of {department}"),
                    PeriodConsequence("W1-5.2.3", name, role, "rating_cap", year.label, count=n,
                                      note=f"cannot be rated 优秀; {department}"),
                ]
            if not names:
                out.append(PeriodConsequence("W1-5.2.3", department, role, "refer", year.label, pct, pct, n,
                                             note=f"no ticket of the year names the {label} (field {role}): "
                                                  f"year-end bonus at {pct}% and not 优秀, for the assessor to name"))
        out.append(PeriodConsequence("W1-5.2.3", department, "department", "award_ineligible", year.label, count=n,
                                     note="recommended: no 先进集体 selection this year"))
    return out


# -- service stars --------------------------------------------------------------------------------


def read_roster(roster) -> tuple[list[dict], list[PeriodConsequence]]:
    """The roster rows as people; a row that cannot be read is reported, never dropped."""
    labels = {label: code for code, label in POSTS.items()} | {code: code for code in POSTS}
    people, problems = [], []
    for i, row in enumerate(roster, 1):
        person, post = roster_cell(row, "person", "姓名", "责任人"), roster_cell(row, "post", "岗位")
        if post is None and roster_cell(row, *OUTSOURCED_COLUMNS) is None and roster_cell(row, "industry", "行业") != "water":
            continue  # a row of another industry's roster (a pay list): none of the service-star columns
        if not person or post not in labels:
            problems.append(PeriodConsequence("W1-5.3.1", person or f"roster row {i}", "roster", "refer", "-",
                                              note=f"roster row {i}: {'no person' if not person else f'post {post!r} is not a service post'}; not assessed"))
            continue
        try:
            outsourced = parse_bool(roster_cell(row, *OUTSOURCED_COLUMNS) or "false", "outsourced")
        except FieldError:
            outsourced = False
        people.append({"person": person, "post": labels[post], "department": roster_cell(row, "department", "部门"),
                       "section": roster_cell(row, "section", "科所"), "outsourced": outsourced})
    return people, problems


def _places(n: int, p) -> int:
    share = n * p.star_share_pct / 100
    return {"floor": math.floor, "ceil": math.ceil, "round": lambda x: math.floor(x + 0.5)}[p.star_places_rounding](share)


def _clean_run(ledger, person, months) -> int:
    """The longest run of consecutive months with no incident of any kind."""
    best = run = 0
    for m in months:
        if any(ledger.total(("person", person, k), m).count for k in INCIDENT_KIND_CODES):
            run = 0
        else:
            run += 1
            best = max(best, run)
    return best


def w1_5_3_service_stars(ledger, periods, p, roster) -> list[PeriodConsequence]:
    """五(三): who is eligible for quarterly (3 clean months) and annual (6) stars, and the places."""
    if not roster:
        return []
    people, out = read_roster(roster)
    data_months = ledger.months()
    last = max(data_months) if data_months else None
    by_department = defaultdict(list)
    for person in people:
        by_department[person["department"]].append(person)
    assessed = [(q, "W1-5.3.1", p.quarterly_star_months, p.quarterly_star_higher, p.quarterly_star_other)
                for q in periods.of("quarter")]
    assessed += [(y, "W1-5.3.2", p.annual_star_months, p.annual_star_higher, p.annual_star_other) for y in periods.of("year")]
    for period, rule, need, higher, other in assessed:
        months = [m for m in period.inside("month") if last is None or m.months[0] <= last]
        if len(months) < need:
            continue  # the period's data does not reach far enough to show the clean months it needs
        for department in sorted(by_department, key=lambda d: d or ""):
            if ledger.total(("false_report", department), period).count:
                out.append(PeriodConsequence("W1-5.3.4", department, "department", "award_ineligible", period.label,
                                             note="found to have reported falsely: loses this selection"))
                continue
            staff = by_department[department]
            leaders = [s for s in staff if s["post"] in SECTION_LEVEL]
            own_pool = len(leaders) >= p.section_level_min_staff
            pools = [("employees", [s for s in staff if s["post"] not in SECTION_LEVEL or not own_pool])]
            if own_pool:
                pools.append(("section_level", leaders))
            for pool_name, members in pools:
                places = _places(len(members), p)
                for s in sorted(members, key=lambda s: s["person"]):
                    if _clean_run(ledger, s["person"], months) < need:
                        continue
                    section_level = s["post"] in SECTION_LEVEL
                    amount = higher if section_level or s["post"] in HIGHER_RATE_POSTS else other
                    out.append(PeriodConsequence(
                        "W1-5.3.3" if section_level else rule, s["person"], s["post"], "reward", period.label, amount, amount,
                        note=f"eligible ({need} clean months); {department} may recommend {places} of its {len(members)} "
                             f"{'section-level staff' if pool_name == 'section_level' else 'service posts'} "
                             f"({p.star_share_pct}%); the choice is the department's"))
    return out


def w1_period(ledger, periods, p, roster) -> list[PeriodConsequence]:
    out = []
    for month in periods.of("month"):
        out += w1_5_2_2a_section_month(ledger, month, p)
    for year in periods.of("year"):
        out += w1_5_2_1b_person_year(ledger, year, p)
        out += w1_5_2_2b_section_year(ledger, year, p)
        out += w1_5_2_3_department_year(ledger, year, p)
    return out + w1_5_3_service_stars(ledger, periods, p, roster)
