"""water: 水务集团…改善服务态度、提升服务效能、助力营商环境的实施意见 (W1) as a policy plugin.

The clauses live in :mod:`.w1`; fields and parameters in :mod:`.declarations`.
"""

from __future__ import annotations

from policy.core.hookspecs import hookimpl
from policy.core.regulation import Regulation

from . import w1
from .declarations import FIELDS, LABELS, READINGS, RULES, Parameters

REGULATION = Regulation(
    name="water",
    title="水务集团有限公司关于改善服务态度、提升服务效能、助力营商环境的实施意见",
    source="水务集团…关于改善服务态度、提升服务效能、助力营商环境的实施意见 五、结果运用; 六、责任复议与追究",
    rules=RULES,
    readings=READINGS,
    fields=FIELDS,
    parameters=Parameters,
    labels=LABELS,
    summary="Water: 500 yuan per incident, person/section/department thresholds over months and years, service stars, appeals.",
)


@hookimpl
def policy_regulation():
    return REGULATION


@hookimpl
def policy_classify(record):
    return w1.w1_classify(record)


@hookimpl
def policy_deadlines(record, as_of):
    return w1.w1_6_1_completed_within_ticket_limit(record, as_of)


@hookimpl
def policy_appeal(record, params, calendar, trace):
    return w1.w1_6_2_appeal(record, params, calendar, trace)


@hookimpl
def policy_consequences(record, classification, appeal, params):
    return w1.w1_consequences(record, classification, appeal, params)


@hookimpl
def policy_period_facts(record, result, calendar):
    return w1.w1_tallies(record, result, calendar)


@hookimpl
def policy_period_consequences(ledger, periods, params, roster):
    return w1.w1_period(ledger, periods, params, roster)
