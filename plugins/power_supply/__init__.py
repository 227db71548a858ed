"""power_supply: the power-supply companies' complaint regulations as a policy plugin.

P1 供电公司客户投诉管理考核办法 decides what counts, the time limits, the return of a ticket
and the fines; P2 行风与服务工作零投诉考核办法 is the alternative penalty schedule
(``schedule = "P2"``); P3 供电局客户投诉举报管理办法 第四条 adds the service commitments'
limits; P4 优质服务管理及考核办法 scores inspection sheets (``record_type = inspection``).
The clauses live in :mod:`.p1` … :mod:`.p4`: P1's per-ticket clauses are declarations
(``p1.DECLARED``, run by the core); this module connects the rest to the core's hooks, each
hook guarded by the tickets it answers. Fields and parameters: :mod:`.declarations`.
"""

from __future__ import annotations

from policy.core.declared import F, P, applies
from policy.core.hookspecs import hookimpl
from policy.core.regulation import Regulation

from . import p1, p2, p3, p4
from .declarations import FIELDS, LABELS, READINGS, RULES, Parameters

INSPECTION = F("record_type") == "inspection"
SCHEDULE_P2 = P("schedule") == "P2"

REGULATION = Regulation(
    name="power_supply",
    title="供电公司客户投诉管理考核办法 / 行风与服务工作零投诉考核办法",
    source="供电公司客户投诉管理考核办法 第一条–第三十一条 (P1); 供电局客户投诉举报管理办法 第四条 (P3); "
    "行风与服务工作零投诉考核办法 第十条–第十四条 (P2); 优质服务管理及考核办法 (P4)",
    rules=RULES,
    readings=READINGS,
    fields=FIELDS,
    parameters=Parameters,
    labels=LABELS,
    summary="Power supply: P1 fines in yuan, or P2 bonus months; P1 time limits and return of tickets.",
    # P1's per-ticket rules (p1.DECLARED), run before the hooks below.
    declared=p1.DECLARED,
)


@hookimpl
def policy_regulation():
    return REGULATION


# What no declaration expresses stays a hook, each guarded by the tickets it answers.


@hookimpl
@applies(INSPECTION)
def policy_classify(record, params):
    return p4.p4_classify(record, params)


@hookimpl
@applies(F("request_kind").is_set() & ~INSPECTION)
def policy_deadlines(record, params, calendar, as_of):
    return p3.p3_commitments(record, params, calendar, as_of)


@hookimpl
@applies(INSPECTION | SCHEDULE_P2)
def policy_consequences(record, classification, appeal, params):
    if record.record_type == "inspection":
        return p4.p4_4_2_station_head_fine(record, classification, params) + p4.p4_4_3_rules_breach(record)
    # P2 第十二条/第十三条 are inspection findings, not complaints: no verification needed.
    out = p2.p2_12_window_inspection(record, params) + p2.p2_13_conduct_inspection(record, params)
    if classification.counted and appeal.status != "accepted":
        out += p2.p2_10_escalation(record, params)
        out += p2.p2_11_window_or_buck_passing(record, params)
        if not record.unit:
            out += p2.p2_14_no_unit(record, params)
    return out


@hookimpl
@applies(SCHEDULE_P2)
def policy_period_facts(record, result, params, calendar):
    return p2.p2_14_tallies(record, result, params, calendar)


@hookimpl
def policy_period_consequences(ledger, periods, params, roster):
    if params.schedule == "P1":
        return p1.p1_27_half_year(ledger, periods, params) + p1.p1_28_pay_deductions(ledger, periods, roster)
    return p2.p2_14_one_vote_veto(ledger, periods)
