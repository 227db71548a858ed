"""power_supply: the power-supply companies' complaint regulations as a policy plugin.

P1 供电公司客户投诉管理考核办法 decides what counts, the time limits, the return of a ticket
and the fines; P2 行风与服务工作零投诉考核办法 is the alternative penalty schedule
(``schedule = "P2"``); P3 供电局客户投诉举报管理办法 第四条 adds the service commitments'
limits; P4 优质服务管理及考核办法 scores inspection sheets (``record_type = inspection``).
The clauses live in :mod:`.p1` … :mod:`.p4`; this module only connects them to the core's
hooks. Fields and parameters: :mod:`.declarations`.
"""

from __future__ import annotations

from policy.core.hookspecs import hookimpl
from policy.core.model import name_parties
from policy.core.regulation import Regulation

from policy.core.records import FieldError

from . import p1, p2, p3, p4
from .declarations import FIELDS, LABELS, READINGS, RULES, Parameters

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
)


@hookimpl
def policy_regulation():
    return REGULATION


def _inspection(record) -> bool:
    return record.record_type == "inspection"


@hookimpl
def policy_classify(record, params, trace):
    if _inspection(record):
        return p4.p4_classify(record, params)
    if record.category is None:
        raise FieldError("category", "required for a complaint: one of the 17 items of 第十条 (code or Chinese label)")
    return p1.p1_9_counted(record, trace)


@hookimpl
def policy_deadlines(record, params, calendar, as_of):
    if _inspection(record):
        return []
    return p1.p1_time_limits(record, params, calendar, as_of) + p3.p3_commitments(record, params, calendar, as_of)


@hookimpl
def policy_appeal(record, deadlines):
    return p1.p1_17_return(record, deadlines)


# The field each role is read from, for the refer of a consequence whose party is not named.
ROLE_FIELDS = {
    "responsible_person": "person, 责任人", "main_responsible": "main_responsible, 主要责任者",
    "unit": "unit, 责任单位", "unit_head": "unit_head, 单位负责人", "station_head": "station_head, 所负责人",
}


def _where(record):
    def where(role):
        if role == "unit":
            return record.id
        return (record.station if role == "station_head" else record.unit) or record.id
    return where


@hookimpl
def policy_consequences(record, classification, deadlines, appeal, params, trace):
    return name_parties(_consequences(record, classification, deadlines, appeal, params, trace), ROLE_FIELDS, _where(record))


def _consequences(record, classification, deadlines, appeal, params, trace):
    if _inspection(record):
        return p4.p4_4_2_station_head_fine(record, classification, params) + p4.p4_4_3_rules_breach(record)
    out = []
    # P2 第十二条/第十三条 are inspection findings, not complaints: no verification needed.
    if params.schedule == "P2":
        out += p2.p2_12_window_inspection(record, params)
        out += p2.p2_13_conduct_inspection(record, params)
    assessed = classification.counted and appeal.status != "accepted"
    if params.schedule == "P1":
        if assessed:
            out += p1.p1_penalties(record, params, trace)
            out += p3.p3_broken_commitment(record, params, deadlines, out, trace)
        out += p1.p1_26_falsified_reply(record, params)
        if classification.counted:
            out = p1.p1_25_outside_channel(record, params, out, trace)
    elif assessed:
        out += p2.p2_10_escalation(record, params)
        out += p2.p2_11_window_or_buck_passing(record, params)
    if assessed and not record.unit:
        out += p1.no_unit(record, params)
    return out


@hookimpl
def policy_period_facts(record, result, params, calendar):
    if params.schedule == "P1":
        return p1.p1_27_tallies(record, result, calendar) + p1.p1_28_tallies(record, result, calendar, params)
    return p2.p2_14_tallies(record, result, params, calendar)


@hookimpl
def policy_period_consequences(ledger, periods, params, roster):
    if params.schedule == "P1":
        return p1.p1_27_half_year(ledger, periods, params) + p1.p1_28_pay_deductions(ledger, periods, roster)
    return p2.p2_14_one_vote_veto(ledger, periods)
