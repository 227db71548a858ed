"""考核汇总: each party's consequences over a period, totalled kind by kind.

One row per party and period. A per-ticket consequence counts in the month the ticket was
received (受理时间, in the company's time zone); a period rule's consequence in its own period
(2026-H1, 2026-Q3 …). ``by`` chooses the party: ``person`` is whoever the consequence charges
(a person, or a unit the regulation charges as a unit); ``unit``, ``section`` and
``department`` group per-ticket consequences by the ticket's 责任单位, 班组/科所 or 责任部门.
A period rule's consequence is always grouped under the party it charges: the regulation has
already counted it at its own level. Nothing is left out: a consequence with no party, or a
ticket with no unit, is grouped under ``(未注明)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from policy.core.model import PeriodConsequence, Result

BY = ("person", "unit", "section", "department")
NO_PARTY = "(未注明)"
# Kinds whose figures add up, each with a min and a max column; a max of None (the rule sets
# only a minimum) makes the total open-ended.
SUMMED = ("fine", "bonus_months", "reward", "suspension_months", "pay_deduction",
          "annual_bonus_withheld_pct", "annual_bonus_paid_pct", "score")


class Row:
    __slots__ = ("party", "period", "low", "high", "open", "sanctions", "others", "tickets", "last_ticket", "period_items", "rules")

    def __init__(self, party: str, period: str):
        self.party = party
        self.period = period
        self.low: dict[str, float] = {}
        self.high: dict[str, float] = {}
        self.open: set[str] = set()  # kinds with no upper bound
        self.sanctions: list[tuple[Any, Any]] = []
        self.others: dict[str, int] = {}  # kinds without a figure: how many
        self.tickets = 0  # distinct tickets: a ticket's consequences arrive together
        self.last_ticket: str | None = None
        self.period_items = 0
        self.rules: set[str] = set()

    def add(self, kind: str, low: Any, high: Any, rule: str) -> None:
        self.rules.add(rule)
        if kind == "sanction":
            self.sanctions.append((low, high))
        elif kind in SUMMED and (low is not None or high is not None):
            self.low[kind] = self.low.get(kind, 0) + (low or 0)
            if high is None:
                self.open.add(kind)
            else:
                self.high[kind] = self.high.get(kind, 0) + high
        else:
            self.others[kind] = self.others.get(kind, 0) + 1

    def total(self, kind: str) -> tuple[float | None, float | None]:
        """(min, max) summed; max None when a rule set no upper bound; (None, None) if none."""
        if kind not in self.low:
            return None, None
        return _n(self.low[kind]), None if kind in self.open else _n(self.high.get(kind, 0))


def _n(v: float) -> float:
    return int(v) if isinstance(v, float) and v.is_integer() else v


class Summary:
    """The 考核汇总 table, filled result by result, then with the period consequences."""

    def __init__(self, by: str = "person", zone: str = "Asia/Shanghai"):
        if by not in BY:
            raise ValueError(f"summary by {by!r}: expected one of {', '.join(BY)}")
        self.by = by
        self.zone = ZoneInfo(zone)
        self.rows: dict[tuple[str, str], Row] = {}

    def _row(self, party: str | None, period: str) -> Row:
        key = (party or NO_PARTY, period)
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = Row(*key)
        return row

    def add_result(self, result: Result) -> None:
        if not result.consequences:
            return
        month = result.received_at.astimezone(self.zone).strftime("%Y-%m") if result.received_at else NO_PARTY
        for c in result.consequences:
            party = c.party if self.by == "person" else getattr(result, self.by)
            row = self._row(_name(party), month)
            row.add(c.kind, c.min, c.max, c.rule)
            if row.last_ticket != result.id:
                row.last_ticket = result.id
                row.tickets += 1

    def add_period(self, items: Iterable[PeriodConsequence]) -> None:
        for p in items:
            row = self._row(p.party, p.period)
            row.add(p.kind, p.min, p.max, p.rule)
            row.period_items += 1

    def sorted_rows(self) -> list[Row]:
        return [self.rows[k] for k in sorted(self.rows)]


def _name(party: Any) -> str | None:
    if isinstance(party, (list, tuple)):
        return "、".join(map(str, party)) or None
    return party
