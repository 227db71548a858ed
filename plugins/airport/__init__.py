"""airport: 客户投诉管理和考核办法 and 客户投诉等级认定标准(试行) (A1) as a policy plugin.

The clauses live in :mod:`.a1`; fields and parameters in :mod:`.declarations`.
"""

from __future__ import annotations

from policy.core.hookspecs import hookimpl
from policy.core.regulation import Regulation

from . import a1
from .declarations import FIELDS, LABELS, READINGS, RULES, Parameters

REGULATION = Regulation(
    name="airport",
    title="客户投诉管理和考核办法 / 客户投诉等级认定标准(试行)",
    source="客户投诉管理和考核办法 第三条 and its attachment 客户投诉等级认定标准(试行) (criteria up to 3.2.4: the text breaks off inside 3.2.5)",
    rules=RULES,
    readings=READINGS,
    fields=FIELDS,
    parameters=Parameters,
    labels=LABELS,
    summary="Airport: class 1 / class 2 / grumble from the attachment's criteria, repeats within three months, "
    "form and handling limits, appeals, committee referrals.",
)


@hookimpl
def policy_regulation():
    return REGULATION


@hookimpl
def policy_history(record, params):
    return a1.a1_history(record, params)


@hookimpl
def policy_classify(record, params, history, calendar, trace):
    return a1.a1_classify(record, params, history, calendar, trace)


@hookimpl
def policy_deadlines(record, classification, params, calendar, as_of):
    return a1.a1_7_time_limits(record, classification, params, calendar, as_of)


@hookimpl
def policy_appeal(record, params, calendar):
    return a1.a1_8_appeal(record, params, calendar)


@hookimpl
def policy_consequences(record, classification, appeal, params):
    return a1.a1_10_assessment(record, classification, appeal, params)


@hookimpl
def policy_period_facts(record, result, calendar):
    return a1.a1_9_tallies(record, result, calendar)


@hookimpl
def policy_period_consequences(ledger, periods):
    return a1.a1_9_monthly_statistics(ledger, periods)
