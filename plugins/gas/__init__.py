"""gas: 燃气有限责任公司投诉考核管理办法 (G1) as a policy plugin.

The clauses live in :mod:`.g1`; fields and parameters in :mod:`.declarations`.
"""

from __future__ import annotations

from policy.core.hookspecs import hookimpl
from policy.core.regulation import Regulation

from . import g1
from .declarations import FIELDS, LABELS, READINGS, RULES, Parameters

REGULATION = Regulation(
    name="gas",
    title="燃气有限责任公司投诉考核管理办法",
    source="燃气有限责任公司投诉考核管理办法 第一条–第五条",
    rules=RULES,
    readings=READINGS,
    fields=FIELDS,
    parameters=Parameters,
    labels=LABELS,
    summary="Gas: the transfer-handle-revisit flow as time limits; fines that follow from late stages; repeats doubled.",
)


@hookimpl
def policy_regulation():
    return REGULATION


@hookimpl
def policy_history(record):
    # 第五条4 needs the earlier tickets of the same matter, whatever the input order.
    return [(record.event_key, None)] if record.event_key else []


@hookimpl
def policy_classify(record, history, params, trace):
    return g1.g1_classify(record, history, params, trace)


@hookimpl
def policy_deadlines(record, params, calendar, as_of):
    return g1.g1_time_limits(record, params, calendar, as_of)


@hookimpl
def policy_consequences(record, classification, deadlines, params):
    return g1.g1_penalties(record, params, classification, deadlines)


@hookimpl
def policy_period_facts(record, result, calendar):
    return g1.g1_5_1_tallies(record, result, calendar)


@hookimpl
def policy_period_consequences(ledger, periods, params):
    return g1.g1_5_1_monthly_points(ledger, periods, params)
