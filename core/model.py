"""The result model: what a regulation says about one ticket, and over a period.

Every deadline and consequence names the rule it comes from (`rule`, an id of
``shared/regulations``) and the article in Chinese, so an assessor can check each figure
against the paper. These classes are plain data; plugins build them, the pipeline collects
them, the writers serialise them with :func:`as_dict`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from attrs import define, field, frozen

# The consequence kinds of the result document (contract.md). Amounts are yuan, months or
# percent by kind; a sanction's min/max are steps of SANCTION_LADDER. The test kit fails a
# plugin's test that reports a kind not listed here.
CONSEQUENCE_KINDS = (
    "fine",
    "reward",
    "bonus_months",
    "annual_bonus_withheld_pct",
    "annual_bonus_paid_pct",
    "sanction",
    "suspension_months",
    "transfer",
    "dismissal",
    "contract_termination",
    "rating_cap",
    "award_ineligible",
    "criticism",
    "rectification",
    "refer",
    # Not in contract.md: score-based regulations (a bank's branch score) report points.
    "score",
    # Not in contract.md: yuan of fines already listed taken from one month's pay (a schedule
    # of those fines, never to be added to them).
    "pay_deduction",
)

# 行政处分 / 企业职工奖惩, mild to severe (conventions.md). "记过至开除" is a range on it.
SANCTION_LADDER = (
    "warning",  # 警告
    "demerit",  # 记过
    "major_demerit",  # 记大过
    "demotion_grade",  # 降级
    "demotion_post",  # 降职
    "removal",  # 撤职
    "probation",  # 留用察看 (000's "开除留用")
    "dismissal",  # 开除
)

# unknown: the calendar does not cover a year the count needs (the deadline's reason says which).
DEADLINE_STATUSES = ("met", "breached", "open", "overdue", "not_applicable", "unknown")
LATE = ("breached", "overdue")  # the statuses of a limit not kept, done late or not yet done
APPEAL_STATUSES = ("none", "accepted", "refused")


@frozen
class Rule:
    """A clause a plugin encodes: its id, the article in Chinese, a short title in English and,
    for people, in Chinese."""

    id: str
    article: str
    title: str
    title_zh: str = ""


@frozen
class Classification:
    """What the ticket is under the regulation (the classification hook's answer).

    ``counted`` is False for a ticket that does not enter statistics and assessment (not
    verified, not the company's responsibility, or appealed away); ``rules`` are the ids that
    decided it, so the result can say why.
    """

    counted: bool
    category: str | None = None
    grade: str | None = None
    rules: tuple[str, ...] = ()
    repeat_of: str | None = None
    reason: str | None = None


@frozen
class Deadline:
    """One time limit: the stage, its due time, when it was done and the verdict."""

    rule: str
    stage: str
    due: datetime | None
    done_at: datetime | None
    status: str
    limit: str = ""  # the limit as written: "1 hour", "4 working days", "same day"
    extended: bool = False  # the due time was moved by an approved extension
    # For the trace (policy explain), not the result document: the start event's time and
    # the limit's unit ("working_days", "hours", …), which say how the due time was counted.
    start: datetime | None = None
    unit: str | None = None
    reason: str | None = None  # why the status is what it is, where the status alone does not say (unknown)


@frozen
class Appeal:
    status: str = "none"
    rule: str | None = None
    reason: str | None = None


NO_APPEAL = Appeal()


@frozen
class Consequence:
    """What one party owes (or earns) under one rule.

    ``min``/``max`` are amounts in the unit of ``kind`` (yuan, months, percent) or, for a
    sanction, steps of the ladder; ``max`` is None where the rule sets only a minimum.
    ``adjusted_by`` names rules that changed the figure (a doubling, say), ``note`` says
    anything the assessor must know (``refer``: what to assess by hand).
    """

    rule: str
    party: str | None
    role: str
    kind: str
    min: float | str | None = None
    max: float | str | None = None
    adjusted_by: tuple[str, ...] = ()
    note: str | None = None

    def scaled(self, factor: float, by_rule: str) -> Consequence:
        """The same consequence with its yuan figures multiplied (加倍考核 and the like)."""
        if self.kind not in ("fine", "refer") or (self.min is None and self.max is None):
            return self
        return Consequence(
            rule=self.rule,
            party=self.party,
            role=self.role,
            kind=self.kind,
            min=None if self.min is None else self.min * factor,
            max=None if self.max is None else self.max * factor,
            adjusted_by=(*self.adjusted_by, by_rule),
            note=self.note,
        )


def refer_unnamed(rule: str, role: str, field: str, where: str, what: str, low=None, high=None) -> Consequence:
    """What a rule charges a person the record does not name: never a consequence without a
    party, but a ``refer`` to ``where`` (the unit, section or department the record names, else
    the ticket's id) saying which ``field`` is missing and ``what`` the person would owe."""
    return Consequence(rule, where, role, "refer", low, high, note=f"no {role} named (field {field}): {what}")


def name_parties(consequences: list[Consequence], fields: dict[str, str], where) -> list[Consequence]:
    """Each consequence whose party the record does not name becomes a ``refer`` saying which
    field is missing (``fields``: role -> the field it is read from; ``where(role)``: the place
    to refer to). Those of one rule and role become one refer, in the place of the first."""
    groups: dict[tuple[str, str], list[Consequence]] = {}
    out: list[Any] = []
    for c in consequences:
        if c.party:
            out.append(c)
            continue
        key = (c.rule, c.role)
        if key not in groups:
            groups[key] = []
            out.append(key)
        groups[key].append(c)
    if not groups:
        return consequences
    for i, item in enumerate(out):
        if isinstance(item, tuple):
            cs = groups[item]
            fines = all(c.kind == "fine" for c in cs)
            low = sum(c.min or 0 for c in cs) if fines else None
            high = (None if any(c.max is None for c in cs) else sum(c.max for c in cs)) if fines else None
            what = "; ".join(f"{c.kind} {_span(c.min, c.max)}".strip() + (f" ({c.note})" if c.note else "") for c in cs)
            refer = refer_unnamed(item[0], item[1], fields.get(item[1], item[1]), where(item[1]), what, low, high)
            adjusted = tuple(dict.fromkeys(r for c in cs for r in c.adjusted_by))
            out[i] = Consequence(refer.rule, refer.party, refer.role, "refer", refer.min, refer.max, adjusted, refer.note)
    return out


def _span(low: Any, high: Any) -> str:
    if low is None and high is None:
        return ""
    if low == high:
        return f"{_number(low)}"
    return f"{_number(low)}–{'' if high is None else _number(high)}"


@define
class Result:
    """Everything the regulation says about one ticket."""

    id: str
    industry: str
    classification: Classification
    deadlines: list[Deadline] = field(factory=list)
    appeal: Appeal = NO_APPEAL
    consequences: list[Consequence] = field(factory=list)
    # Where the ticket sits, for period counting: the received time and its parties.
    received_at: datetime | None = None
    # The ticket's own context, so a result row can be checked on its own (not in the JSON document).
    unit: str | None = None
    person: str | None = None
    section: str | None = None
    department: str | None = None
    # What the assessor must know about how the ticket was read (a time given as a day only).
    warnings: list[str] = field(factory=list)
    # Why each figure (core/trace.py), only for a ticket being explained.
    trace: dict | None = None


@frozen
class PeriodConsequence:
    """A consequence that follows from counts over a month, quarter, half-year or year."""

    rule: str
    party: str | None
    role: str
    kind: str
    period: str
    min: float | str | None = None
    max: float | str | None = None
    count: int | None = None  # how many incidents the rule counted for it
    note: str | None = None


@frozen
class RecordError:
    """A record that could not be evaluated, located so a clerk can find and fix it."""

    source: str
    row: int
    id: str | None
    field: str | None
    message: str
    column: str | None = None  # the input's own header for the field (受理时间), where it differs


def _number(value: Any) -> Any:
    """300.0 is written 300: amounts read as they are on paper."""
    if value.__class__ is float and value.is_integer():
        return int(value)
    return value


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _same(value: Any) -> Any:
    return value


def as_dict(obj: Any, articles: dict[str, str], times_as_text: bool = True) -> dict[str, Any]:
    """The result-document form of a model object; ``articles`` maps rule id to article.

    Times are ISO 8601 text; with ``times_as_text=False`` they stay datetimes, for a JSON
    encoder (orjson) that writes the same text itself, faster.
    """
    try:
        document = _DOCUMENTS[obj.__class__]
    except KeyError:
        raise TypeError(f"not a result object: {obj!r}") from None
    return document(obj, articles, _iso if times_as_text else _same)


def _result(obj: Result, articles: dict[str, str], time: Any) -> dict[str, Any]:
    c = obj.classification
    out: dict[str, Any] = {
        "id": obj.id,
        "industry": obj.industry,
        "counted": c.counted,
        "category": c.category,
        "grade": c.grade,
    }
    if c.rules:
        out["classified_by"] = list(c.rules)
    if c.reason:
        out["reason"] = c.reason
    if c.repeat_of:
        out["repeat_of"] = c.repeat_of
    out["deadlines"] = [_deadline(d, articles, time) for d in obj.deadlines]
    out["appeal"] = _appeal(obj.appeal, articles, time)
    out["consequences"] = [_consequence(x, articles, time) for x in obj.consequences]
    if obj.trace is not None:
        out["trace"] = obj.trace
    if obj.warnings:  # only when there are some: a document without them is unchanged
        out["warnings"] = list(obj.warnings)
    return out


def _deadline(obj: Deadline, articles: dict[str, str], time: Any) -> dict[str, Any]:
    out = {
        "rule": obj.rule,
        "article": articles.get(obj.rule),
        "stage": obj.stage,
        "limit": obj.limit,
        "due": time(obj.due),
        "done_at": time(obj.done_at),
        "status": obj.status,
    }
    if obj.extended:
        out["extended"] = True
    if obj.reason:
        out["reason"] = obj.reason
    return out


def _appeal(obj: Appeal, articles: dict[str, str], time: Any) -> dict[str, Any]:
    if obj.status == "none":
        return {"status": "none"}
    return {"status": obj.status, "rule": obj.rule, "article": articles.get(obj.rule or ""), "reason": obj.reason}


def _consequence(obj: Consequence | PeriodConsequence, articles: dict[str, str], time: Any) -> dict[str, Any]:
    out = {
        "rule": obj.rule,
        "article": articles.get(obj.rule),
        "party": obj.party,
        "role": obj.role,
        "kind": obj.kind,
        "min": _number(obj.min),
        "max": _number(obj.max),
    }
    if obj.__class__ is PeriodConsequence:
        out["period"] = obj.period
        if obj.count is not None:
            out["count"] = obj.count
    elif obj.adjusted_by:
        out["adjusted_by"] = list(obj.adjusted_by)
    if obj.note:
        out["note"] = obj.note
    return out


def _record_error(obj: RecordError, articles: dict[str, str], time: Any) -> dict[str, Any]:
    out = {"source": obj.source, "row": obj.row, "id": obj.id, "field": obj.field, "message": obj.message}
    if obj.column:
        out["column"] = obj.column
    return out


_DOCUMENTS = {
    Result: _result,
    Deadline: _deadline,
    Appeal: _appeal,
    Consequence: _consequence,
    PeriodConsequence: _consequence,
    RecordError: _record_error,
}
