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
# percent by kind; a sanction's min/max are steps of SANCTION_LADDER.
KINDS = (
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

DEADLINE_STATUSES = ("met", "breached", "open", "overdue", "not_applicable", "unknown")
APPEAL_STATUSES = ("none", "accepted", "refused")


@frozen
class Rule:
    """A clause a plugin encodes: its id, the article in Chinese, and a short title."""

    id: str
    article: str
    title: str


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
    return {"source": obj.source, "row": obj.row, "id": obj.id, "field": obj.field, "message": obj.message}


_DOCUMENTS = {
    Result: _result,
    Deadline: _deadline,
    Appeal: _appeal,
    Consequence: _consequence,
    PeriodConsequence: _consequence,
    RecordError: _record_error,
}
