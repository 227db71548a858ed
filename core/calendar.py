"""Counting time limits the way the PRC Civil Code says (第二百零一条–第二百零三条).

The regulations write limits in hours, days, working days, "the same day" and "immediately",
and none of them says how to count; ``shared/regulations/conventions.md`` settles it:

* N hours / N minutes: calendar time from the moment given, holidays ignored.
* N days: the start day does not count (第二百零一条); the period ends at 24:00 of
  ``date + N``; where that day is a rest day it ends on the next working day (第二百零三条).
* N working days: 24:00 at the end of the N-th working day after the start date; the start
  day never counts, even when it is a working day.
* same day (当日): 24:00 of the start date.
* immediately (立即): no text quantifies it; each plugin carries a company parameter in hours.

24:00 is written as 00:00 of the next day. A company may set a close of business instead
(第二百零三条 "停止业务活动的时间"). Working days are Monday–Friday minus the State
Council's public holidays plus its adjusted working weekends (调休上班日). A year with no
data fails loudly (:class:`CalendarGap`); nothing ever falls back to Monday–Friday.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta, tzinfo

from .model import Deadline
from .records import FieldError

ONE_DAY = timedelta(days=1)


class CalendarGap(ValueError):
    """A date falls in a year for which no holiday schedule is known."""

    def __init__(self, year: int, covered: Iterable[int]):
        covered = sorted(covered)
        span = f"{covered[0]}–{covered[-1]}" if covered else "none"
        super().__init__(
            f"the working-day calendar has no holiday schedule for {year} (it covers {span}); "
            f"add the State Council's notice for {year} (its public holidays and adjusted workdays) "
            f'to the config as [calendar.years."{year}"] holidays = [...] and workdays = [...]'
        )
        self.year = year


class Limit:
    """A time limit as a regulation writes it: an amount and a unit.

    A value: equal limits are interchangeable, and ``hours(1)`` returns the same object every
    time, with its text and its length (for hours and minutes) worked out once.
    """

    __slots__ = ("amount", "unit", "text", "length")

    def __init__(self, amount: float, unit: str):
        if unit not in LIMIT_UNITS:
            raise ValueError(f"unknown limit unit {unit!r}; one of {', '.join(LIMIT_UNITS)}")
        self.amount = amount
        self.unit = unit  # "minutes" | "hours" | "days" | "working_days" | "same_day"
        self.length = timedelta(**{unit: amount}) if unit in ("hours", "minutes") else None
        if unit == "same_day":
            self.text = "same day"
        else:
            n = int(amount) if float(amount).is_integer() else amount
            words = unit.replace("_", " ")
            self.text = f"{n} {words[:-1] if n == 1 else words}"

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Limit({self.amount!r}, {self.unit!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Limit) and (self.amount, self.unit) == (other.amount, other.unit)

    def __hash__(self) -> int:
        return hash((self.amount, self.unit))


LIMIT_UNITS = ("minutes", "hours", "days", "working_days", "same_day")


@functools.cache
def hours(n: float) -> Limit:
    return Limit(n, "hours")


@functools.cache
def minutes(n: float) -> Limit:
    return Limit(n, "minutes")


@functools.cache
def days(n: int) -> Limit:
    return Limit(n, "days")


@functools.cache
def working_days(n: int) -> Limit:
    return Limit(n, "working_days")


SAME_DAY = Limit(0, "same_day")


def official_schedule() -> tuple[set[date], set[date], set[int]]:
    """The State Council schedule as chinese-calendar publishes it, read once into sets.

    Returns (public holidays, adjusted workdays, years covered). chinese-calendar's own
    ``is_workday`` recomputes its year range on every call; the sets are read once.
    """
    from chinese_calendar.constants import holidays, workdays

    covered = set(range(min(holidays).year, max(holidays).year + 1))
    return set(holidays), set(workdays), covered


class WorkCalendar:
    """Working days of one company: the official schedule plus the config's overrides."""

    def __init__(
        self,
        timezone: tzinfo,
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        years: Iterable[int] = (),
        close_of_business: time | None = None,
    ):
        self.timezone = timezone
        self.close_of_business = close_of_business
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        self.years = frozenset(years)
        self._working: list[int] = [
            d.toordinal()
            for year in sorted(self.years)
            for d in _dates_of(year)
            if self._is_working(d)
        ]
        self._working_set = frozenset(self._working)
        # Things a person should hear once, before any ticket (see ``official``).
        self.warnings: tuple[str, ...] = ()
        # Due times of day-based limits depend only on the start date: computed once each.
        self._day_dues: dict[tuple[date, str, float], datetime] = {}

    @classmethod
    def official(
        cls,
        timezone: tzinfo,
        extra_holidays: Iterable[date] = (),
        extra_workdays: Iterable[date] = (),
        years: Mapping[int, tuple[Iterable[date], Iterable[date]]] | None = None,
        close_of_business: time | None = None,
    ) -> WorkCalendar:
        """The official schedule, with single days and whole years added by a company.

        ``years`` maps a year to its (holidays, workdays), marking the year complete: for
        a year whose schedule the data does not have yet (2027 at the time of writing).
        """
        holidays, workdays, covered = official_schedule()
        for year, (year_holidays, year_workdays) in (years or {}).items():
            holidays = {d for d in holidays if d.year != year} | set(year_holidays)
            workdays = {d for d in workdays if d.year != year} | set(year_workdays)
            covered.add(year)
        extra_workdays = set(extra_workdays)
        holidays = (holidays | set(extra_holidays)) - extra_workdays
        workdays = (workdays - set(extra_holidays)) | extra_workdays
        calendar = cls(timezone, holidays, workdays, covered, close_of_business)
        # Single extra days do not make a year known: every other day of it is still unknown.
        uncovered = sorted({d.year for d in (*extra_holidays, *extra_workdays)} - covered)
        calendar.warnings = tuple(
            f"extra_holidays / extra_workdays name days of {year}, which the calendar does not cover: "
            f"that is not enough, a deadline that needs {year} stays unknown until the State Council's "
            f'notice for {year} is in the config as [calendar.years."{year}"] holidays = [...] and workdays = [...]'
            for year in uncovered
        )
        return calendar

    def _is_working(self, d: date) -> bool:
        if d in self.workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays

    def _check(self, *years: int) -> None:
        for year in years:
            if year not in self.years:
                raise CalendarGap(year, self.years)

    def is_working_day(self, d: date) -> bool:
        self._check(d.year)
        return d.toordinal() in self._working_set

    def working_day_after(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (``d`` itself never counts); n=0 is ``d``."""
        if n <= 0:
            return d
        self._check(d.year)
        i = bisect.bisect_right(self._working, d.toordinal()) + n - 1
        if i >= len(self._working):
            raise CalendarGap(max(self.years) + 1, self.years)
        found = date.fromordinal(self._working[i])
        # A year missing between d and the day found would have been skipped silently.
        self._check(*range(d.year, found.year + 1))
        return found

    def working_day_on_or_after(self, d: date) -> date:
        if self.is_working_day(d):
            return d
        return self.working_day_after(d, 1)

    def end_of_day(self, d: date) -> datetime:
        """24:00 of ``d`` (written 00:00 of the next day), or the close of business."""
        if self.close_of_business is not None:
            return datetime.combine(d, self.close_of_business, self.timezone)
        return datetime.combine(d + ONE_DAY, time(0), self.timezone)

    def local_date(self, t: datetime) -> date:
        return t.astimezone(self.timezone).date()

    def due(self, start: datetime, limit: Limit) -> datetime:
        """When a period of ``limit`` that starts at ``start`` ends."""
        if limit.length is not None:  # hours and minutes: calendar time
            return start + limit.length
        day = self.local_date(start)
        key = (day, limit.unit, limit.amount)  # plain values: hashing them costs no Python call
        due = self._day_dues.get(key)
        if due is None:
            due = self._day_dues[key] = self._day_due(day, limit)
        return due

    def _day_due(self, day: date, limit: Limit) -> datetime:
        unit = limit.unit
        if unit == "same_day":
            return self.end_of_day(day)
        if unit == "working_days":
            return self.end_of_day(self.working_day_after(day, int(limit.amount)))
        if unit == "days":
            return self.end_of_day(self.working_day_on_or_after(day + int(limit.amount) * ONE_DAY))
        raise ValueError(f"unknown limit unit {unit!r}")

    def deadline(
        self,
        rule: str,
        stage: str,
        start: datetime | None,
        limit: Limit,
        done_at: datetime | None,
        as_of: datetime,
        extended_until: datetime | None = None,
    ) -> Deadline:
        """Judge one stage: met / breached when done, open / overdue when not.

        A stage whose start event has not happened is ``not_applicable``. An approved
        extension (where the rule allows one) moves the due time and is reported. A stage
        whose count needs a year the calendar does not cover is ``unknown``, with the reason:
        the ticket's other stages are judged all the same.
        """
        if start is None:
            return Deadline(rule, stage, None, done_at, "not_applicable", limit.text, unit=limit.unit)
        try:
            due = self.due(start, limit)
        except CalendarGap as gap:
            return self._deadline_in_gap(rule, stage, limit, done_at, as_of, gap)
        extended = extended_until is not None and extended_until > due
        if extended:
            due = extended_until
        return Deadline(rule, stage, due, done_at, judge(due, done_at, as_of), limit.text, extended, start, limit.unit)

    def year_begins(self, year: int) -> datetime:
        """00:00 of 1 January, local time: a due time that needs ``year`` is no earlier."""
        return datetime(year, 1, 1, tzinfo=self.timezone)

    def _deadline_in_gap(self, rule, stage, limit, done_at, as_of, gap: CalendarGap) -> Deadline:
        # The count runs into the uncovered year, so the stage is due no earlier than that
        # year's first moment: done (or judged as of a time) before it, the answer is certain.
        begins = self.year_begins(gap.year)
        if done_at is not None and done_at < begins:
            return Deadline(rule, stage, None, done_at, "met", limit.text,
                            reason=f"due in {gap.year} or later, a year the calendar does not cover; "
                                   f"done before {gap.year} began, so in time")
        if done_at is None and as_of < begins:
            return Deadline(rule, stage, None, done_at, "open", limit.text,
                            reason=f"due in {gap.year} or later, a year the calendar does not cover; "
                                   f"not done yet, and {gap.year} has not begun")
        return Deadline(rule, stage, None, done_at, "unknown", limit.text,
                        reason=f"the limit of {limit} runs into {gap.year}: {gap}")


def appeal_due(calendar: WorkCalendar, start: datetime, limit: Limit, filed_at: datetime, rule: str) -> datetime | None:
    """The due time of an appeal (or a return) filed at ``filed_at``; None when it is unknown
    but the filing came before the uncovered year began, so in time whatever that year holds.

    An appeal filed in the uncovered year cannot be judged, and its outcome decides whether
    anybody is assessed: a FieldError naming ``appeal_filed_at``, the rule and the year.
    """
    try:
        return calendar.due(start, limit)
    except CalendarGap as gap:
        if filed_at < calendar.year_begins(gap.year):
            return None
        raise FieldError("appeal_filed_at", f"the appeal ({rule}) cannot be judged in time, so neither can the ticket: "
                                            f"its limit of {limit} runs into {gap.year}. {gap}") from None


def months_after(d: date, n: int) -> date:
    """第二百零二条: the last day of a period of ``n`` months that starts on ``d``.

    It is the corresponding day of the n-th month after; where that month has no such day
    (a period from 11-30 ending in February), the month's last day.
    """
    month_index = d.month - 1 + n
    year, month = d.year + month_index // 12, month_index % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - ONE_DAY).day
    return date(year, month, min(d.day, last))


def judge(due: datetime, done_at: datetime | None, as_of: datetime) -> str:
    """met / breached for a stage done, open / overdue for one not done by ``as_of``."""
    if done_at is not None:
        return "met" if done_at <= due else "breached"
    return "open" if as_of <= due else "overdue"


def _dates_of(year: int) -> Iterable[date]:
    d = date(year, 1, 1)
    while d.year == year:
        yield d
        d += ONE_DAY
