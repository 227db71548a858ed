"""P2 行风与服务工作零投诉考核办法 (seed 000, first article): bonus months by escalation.

The alternative penalty schedule (``schedule = "P2"``); P1's counting and time limits
still apply. Each function is one clause; ``p`` is the plugin's Parameters.
"""

from __future__ import annotations

from policy.core.model import Consequence, PeriodConsequence, refer_unnamed
from policy.core.periods import Tally


def _or_unnamed(names) -> tuple:
    # A consequence for a party the ticket does not name is still made, party None; the
    # plugin turns it into a refer naming the missing field (policy_consequences).
    return tuple(names) if names else (None,)


def _persons(record) -> tuple:
    return _or_unnamed((record.person,) if record.person else ())


def p2_10_escalation(record, p) -> list[Consequence]:
    """第十条: a verified complaint reaching the company's 行风办 or above."""
    if record.escalation in p.p2_above_escalations:
        return p2_10_3_above_company(record, p)
    if record.escalation == "company":
        return p2_10_2_severe(record, p) if record.severe else p2_10_1_company(record, p)
    return []


def p2_10_1_company(record, p) -> list[Consequence]:
    """第十条(一): 6 months' bonus from the direct responsible person, 3 from the unit head."""
    months, head_months = p.p2_company_person_bonus_months, p.p2_company_head_bonus_months
    return [
        *(Consequence("P2-10.1", n, "responsible_person", "bonus_months", months, months) for n in _persons(record)),
        *(Consequence("P2-10.1", n, "unit_head", "bonus_months", head_months, head_months) for n in _or_unnamed(record.unit_head)),
    ]


def p2_10_2_severe(record, p) -> list[Consequence]:
    """第十条(二): 情节严重: 12 months and transfer; unit head 6; 10% of the unit's annual bonus."""
    months, head_months, pct = p.p2_severe_person_bonus_months, p.p2_severe_head_bonus_months, p.p2_severe_unit_bonus_pct
    out = []
    for n in _persons(record):
        out.append(Consequence("P2-10.2", n, "responsible_person", "bonus_months", months, months))
        out.append(Consequence("P2-10.2", n, "responsible_person", "transfer", note="调离岗位或下岗"))
    out += [Consequence("P2-10.2", n, "unit_head", "bonus_months", head_months, head_months) for n in _or_unnamed(record.unit_head)]
    out.append(Consequence("P2-10.2", record.unit, "unit", "annual_bonus_withheld_pct", pct, pct))
    return out


def p2_10_3_above_company(record, p) -> list[Consequence]:
    """第十条(三): city bureau, grid companies or media: probation (rural electrician: contract ends)."""
    out = []
    for n in _persons(record):
        if record.rural_electrician:
            out.append(Consequence("P2-10.3", n, "responsible_person", "contract_termination", note="农村电工: 解除劳动合同"))
        else:
            step = p.p2_above_person_sanction
            out.append(Consequence("P2-10.3", n, "responsible_person", "sanction", step, step, note="开除留用"))
    low, high = p.p2_above_head_bonus_months
    for n in _or_unnamed(record.unit_head):
        out.append(Consequence("P2-10.3", n, "unit_head", "sanction", "warning", None, note="警告以上处分"))
        out.append(Consequence("P2-10.3", n, "unit_head", "bonus_months", low, high))
    low, high = p.p2_above_unit_bonus_pct
    out.append(Consequence("P2-10.3", record.unit, "unit", "annual_bonus_withheld_pct", low, high))
    out.append(Consequence("P2-10.3", record.unit, "unit", "rectification", note="召开现场会进行整顿"))
    return out


def p2_11_window_or_buck_passing(record, p) -> list[Consequence]:
    """第十一条: a service window harmed the customer, or buck-passing delayed a connection."""
    if record.p2_case not in ("window_harm", "connection_buck_passing"):
        return []
    names = record.main_responsible or record.secondary_responsible
    persons = tuple(dict.fromkeys((*(names or ()), *((record.person,) if record.person else ())))) or (None,)
    low, high = p.p2_window_person_bonus_months
    head_low, head_high = p.p2_window_head_bonus_months
    return [
        *(Consequence("P2-11", n, "responsible_person", "bonus_months", low, high) for n in persons),
        *(Consequence("P2-11", n, "unit_head", "bonus_months", head_low, head_high) for n in _or_unnamed(record.unit_head)),
        Consequence("P2-11", record.unit, "unit", "criticism", note="全公司通报批评"),
    ]


def p2_12_window_inspection(record, p) -> list[Consequence]:
    """第十二条: the unit slipped in a compliance-window inspection."""
    if record.p2_case != "window_inspection":
        return []
    pct = p.p2_inspection_unit_bonus_pct
    return [
        Consequence("P2-12", record.unit, "unit", "annual_bonus_withheld_pct", pct, pct),
        Consequence("P2-12", record.unit, "unit", "rectification", note="限期整改"),
        *(Consequence("P2-12", n, "unit_head", "refer", note="行政处理: the text sets no measure")
          for n in _or_unnamed(record.unit_head)),
    ]


def p2_13_conduct_inspection(record, p) -> list[Consequence]:
    """第十三条: non-standard service found by inspection or secret visit; repeated: transfer."""
    if record.p2_case == "conduct_inspection":
        return [Consequence("P2-13", n, "responsible_person", "rectification", note="责令改正") for n in _persons(record)]
    if record.p2_case == "conduct_inspection_repeat":
        out = []
        for n in _persons(record):
            out.append(Consequence("P2-13", n, "responsible_person", "transfer", note="调离岗位"))
            out.append(Consequence("P2-13", n, "responsible_person", "criticism", note="全系统通报批评"))
        return out
    return []


def p2_14_no_unit(record, p) -> list[Consequence]:
    """第十四条 counts each vetoing ticket for its unit: a ticket naming no unit is in no unit's
    count, and says so rather than count for a made-up unit."""
    if record.escalation not in p.p2_veto_escalations:
        return []
    return [refer_unnamed("P2-14", "unit", "unit, 责任单位", record.id,
                          "the ticket is in no unit's period count; the party is the ticket")]


def p2_14_tallies(record, result, p, calendar) -> list[Tally]:
    """第十四条: a counted complaint at the company or above marks its unit's year."""
    if not result.classification.counted or result.appeal.status == "accepted" or not record.unit:
        return []  # a ticket naming no unit is referred with the ticket (p1.no_unit)
    if record.escalation not in p.p2_veto_escalations:
        return []
    return [Tally(("P2-14", record.unit), calendar.local_date(record.received_at))]


def p2_14_one_vote_veto(ledger, periods) -> list[PeriodConsequence]:
    """第十四条 (一票否决): the unit loses every award for the year."""
    out = []
    for year in periods.of("year"):
        for key in ledger.keys("P2-14"):
            entry = ledger.total(key, year)
            if entry.count:
                out.append(
                    PeriodConsequence("P2-14", key[1], "unit", "award_ineligible", year.label, count=entry.count,
                                      note="一票否决: 取消全年评优资格")
                )
    return out
