"""Periods (month, quarter, half-year, year) and the ledger that period rules count from.

Per-ticket hooks name what each ticket adds (:class:`Tally`); the ledger keeps only sums per
key and calendar month, so memory grows with people × months, never with tickets. Period
rules read the ledger for each period the :class:`Selection` says to assess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from attrs import define, frozen

LENGTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_PATTERNS = (
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})-H([12])$", re.I), "half"),
    (re.compile(r"^(\d{4})-Q([1-4])$", re.I), "quarter"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
)

Month = tuple[int, int]  # (year, month)


@frozen(order=True)
class Period:
    """A calendar period: ``2026``, ``2026-H1``, ``2026-Q3`` or ``2026-10``."""

    year: int
    first_month: int  # 1-12
    length: str  # month | quarter | half | year

    @classmethod
    def parse(cls, text: str) -> Period:
        text = text.strip()
        for pattern, length in _PATTERNS:
            m = pattern.match(text)
            if m:
                year = int(m.group(1))
                if length == "year":
                    return cls(year, 1, "year")
                n = int(m.group(2))
                if length == "month" and not 1 <= n <= 12:
                    break
                return cls(year, (n - 1) * LENGTHS[length] + 1, length)
        raise ValueError(f"{text!r} is not a period; expected 2026, 2026-H1, 2026-Q3 or 2026-10")

    @classmethod
    def containing(cls, month: Month, length: str) -> Period:
        year, m = month
        size = LENGTHS[length]
        return cls(year, (m - 1) // size * size + 1, length)

    @property
    def label(self) -> str:
        if self.length == "year":
            return str(self.year)
        if self.length == "half":
            return f"{self.year}-H{(self.first_month - 1) // 6 + 1}"
        if self.length == "quarter":
            return f"{self.year}-Q{(self.first_month - 1) // 3 + 1}"
        return f"{self.year}-{self.first_month:02d}"

    def __str__(self) -> str:
        return self.label

    @property
    def months(self) -> tuple[Month, ...]:
        return tuple((self.year, m) for m in range(self.first_month, self.first_month + LENGTHS[self.length]))

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def last_day(self) -> date:
        year, month = self.months[-1]
        return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)

    def contains(self, other: Period) -> bool:
        return set(other.months) <= set(self.months)

    def inside(self, length: str) -> list[Period]:
        """The periods of ``length`` that lie inside this one, in order."""
        size = LENGTHS[length]
        if size > LENGTHS[self.length]:
            return []
        return [Period.containing(m, length) for m in self.months[::size]]


@frozen
class Tally:
    """What one ticket adds under a key: one to the count, and optional amounts."""

    key: tuple
    on: date
    amount_min: float = 0
    amount_max: float | None = 0


@define
class Entry:
    count: int = 0
    amount_min: float = 0
    amount_max: float | None = 0

    def add(self, count: int, amount_min: float, amount_max: float | None) -> None:
        self.count += count
        self.amount_min += amount_min
        self.amount_max = None if self.amount_max is None or amount_max is None else self.amount_max + amount_max


Sums = list  # [count, amount_min, amount_max]: how the ledger keeps an Entry, cheaper to add to
# Places the ledger's sums are kept to: a millionth of a yuan (or month, or point) is exact
# for any sum of fen, and above the float error of summing a billion yuan in any order.
AMOUNT_DECIMALS = 6


class Ledger:
    """Sums of tallies per key and calendar month, for one industry."""

    def __init__(self) -> None:
        self._entries: dict[tuple, dict[Month, Sums]] = {}

    def add(self, tally: Tally) -> None:
        self._add(self._entries.setdefault(tally.key, {}), (tally.on.year, tally.on.month),
                  1, tally.amount_min, tally.amount_max)

    @staticmethod
    def _add(months: dict[Month, Sums], month: Month, count: int, amount_min: float, amount_max: float | None) -> None:
        # Sums are kept to AMOUNT_DECIMALS places: a float sum depends on the order of its terms
        # (333 × 1.1 is 366.30000000000007), and the order is the input's with one job, the
        # workers' or the batches' with several. Kept on a grid far finer than a fen, every order
        # gives the same figure, and an assessor reads 184.3, not 184.30000000000018.
        sums = months.get(month)
        if sums is None:
            months[month] = [count, round(amount_min, AMOUNT_DECIMALS),
                             None if amount_max is None else round(amount_max, AMOUNT_DECIMALS)]
            return
        sums[0] += count
        sums[1] = round(sums[1] + amount_min, AMOUNT_DECIMALS)
        sums[2] = None if sums[2] is None or amount_max is None else round(sums[2] + amount_max, AMOUNT_DECIMALS)

    def sums(self) -> dict[tuple, dict[Month, tuple[int, float, float | None]]]:
        """The sums as plain tuples, to send to another process (cheap to pickle)."""
        return {key: {m: tuple(s) for m, s in months.items()} for key, months in self._entries.items()}

    def merge(self, sums: dict[tuple, dict[Month, tuple[int, float, float | None]]]) -> None:
        """Add another ledger's :meth:`sums` (a worker's share of the tickets, with --jobs)."""
        add = self._add
        for key, months in sums.items():
            mine = self._entries.setdefault(key, {})
            for month, (count, amount_min, amount_max) in months.items():
                add(mine, month, count, amount_min, amount_max)

    def keys(self, *prefix) -> list[tuple]:
        """The keys that start with ``prefix``, sorted (so output does not depend on input order)."""
        n = len(prefix)
        return sorted((k for k in self._entries if k[:n] == prefix), key=_sort_key)

    def month(self, key: tuple, month: Month) -> Entry:
        sums = self._entries.get(key, {}).get(month)
        return Entry() if sums is None else Entry(*sums)

    def total(self, key: tuple, period: Period) -> Entry:
        out = Entry()
        months = self._entries.get(key, {})
        for m in period.months:
            sums = months.get(m)
            if sums is not None:
                out.add(*sums)
        return out

    def months(self) -> set[Month]:
        return {m for months in self._entries.values() for m in months}


def _sort_key(key: tuple) -> tuple:
    return tuple("" if k is None else str(k) for k in key)


class Selection:
    """Which periods to assess: those inside ``--period``, or every period the data touches."""

    def __init__(self, chosen: Period | None, months: Iterable[Month]):
        self.chosen = chosen
        self._months = sorted(set(months))

    def of(self, length: str) -> list[Period]:
        if self.chosen is not None:
            return self.chosen.inside(length)
        return sorted({Period.containing(m, length) for m in self._months})

    def __iter__(self) -> Iterator[Period]:
        for length in ("month", "quarter", "half", "year"):
            yield from self.of(length)

    def ending(self, first: date | None, before: date | None) -> Selection:
        """Only the periods whose last day is on or after ``first`` and before ``before``
        (None: no bound): those judged by one version of dated parameters."""
        return _Ending(self, first, before)


class _Ending(Selection):
    def __init__(self, selection: Selection, first: date | None, before: date | None):
        self.chosen, self._months = selection.chosen, selection._months
        self._first, self._before = first, before

    def of(self, length: str) -> list[Period]:
        return [p for p in super().of(length) if self._holds(p.last_day)]

    def _holds(self, day: date) -> bool:
        return (self._first is None or day >= self._first) and (self._before is None or day < self._before)
