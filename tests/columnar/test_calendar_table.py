"""The calendar as a table of dates (core/columnar/calendar.py) against WorkCalendar.deadline.

Every generated (start, limit, done, extension, as of) is judged both ways and every Deadline
field the result document shows must be equal: the day before a holiday, Fridays, adjusted
working weekends (调休上班日), 2026-12-31 into uncovered 2027, done exactly at the due time and
one second after, N-1 / N / N+1 working days, a close of business, a year missing in between.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

pl = pytest.importorskip("polars")

from policy.core.calendar import SAME_DAY, WorkCalendar, days, hours, minutes, working_days  # noqa: E402
from policy.core.columnar.calendar import CalendarTable, NotColumnar  # noqa: E402

ZONE = "Asia/Shanghai"
TZ = ZoneInfo(ZONE)
SECOND = timedelta(seconds=1)

OFFICIAL = WorkCalendar.official(TZ)
# 2028 known, 2027 not: a count from 2026 into 2028 crosses a missing year.
HOLE = WorkCalendar.official(TZ, years={2028: ([date(2028, 1, 3)], [])})
CLOSING = WorkCalendar.official(TZ, close_of_business=time(17, 30))

# The start days: before holidays (National Day, Spring Festival 2026, Labour Day), Fridays,
# adjusted working weekends, the year's last days into uncovered 2027, a date before the data.
WORKDAYS_2026 = sorted(d for d in OFFICIAL.workdays if d.year == 2026)
START_DAYS = sorted({
    date(2026, 9, 30), date(2026, 4, 30), date(2026, 2, 13), date(2026, 2, 14), date(2026, 12, 31),
    date(2026, 12, 30), date(2026, 12, 28), date(2026, 12, 24), date(2026, 3, 6), date(2026, 3, 13),
    date(2026, 10, 1), date(2026, 10, 8), date(2025, 12, 31), date(2027, 1, 4), date(2027, 12, 31),
    date(2028, 1, 3), date(2003, 12, 31), date(2003, 12, 24), date(2029, 6, 1), *WORKDAYS_2026,
})
START_TIMES = (time(0), time(9, 0), time(17, 30), time(23, 59, 59, 999999))
LIMITS = (hours(1), hours(24), hours(1.5), minutes(45), days(7), days(0), working_days(0), working_days(1),
          working_days(3), working_days(4), working_days(5), working_days(30), SAME_DAY)
AS_OF = (datetime(2026, 6, 1, tzinfo=TZ), datetime(2026, 12, 31, 23, 59, 59, tzinfo=TZ),
         datetime(2027, 1, 1, tzinfo=TZ), datetime(2027, 6, 1, 12, tzinfo=TZ), datetime(2030, 1, 1, tzinfo=TZ))


def _cases(calendar, limit):
    """(start, done, extension) around the limit's own due time of each start."""
    out = [(None, None, None), (None, datetime(2026, 3, 2, 9, tzinfo=TZ), None)]
    for day in START_DAYS:
        for at in START_TIMES:
            start = datetime.combine(day, at, TZ)
            due = calendar.deadline("R", "s", start, limit, None, AS_OF[0]).due
            dones = [None, start + SECOND]
            extensions = [None]
            if due is not None:
                dones += [due - SECOND, due, due + SECOND]
                extensions += [due - timedelta(hours=1), due + timedelta(hours=5), due]
            else:  # a gap: just before and at the first moment of each year that may be missing
                for year in (2027, 2028, 2029, day.year, day.year + 1):
                    begins = datetime(year, 1, 1, tzinfo=TZ)
                    dones += [begins - SECOND, begins]
                extensions += [start + timedelta(days=40)]
            out += [(start, done, ext) for done in dones for ext in extensions]
    return out


def _python(calendar, limit, cases, as_of):
    return [calendar.deadline("R", "s", s, limit, d, as_of, extended_until=e) for s, d, e in cases]


def _columnar(table, limit, cases, as_of):
    frame = pl.DataFrame(
        {"start": [c[0] for c in cases], "done": [c[1] for c in cases], "ext": [c[2] for c in cases]},
        schema={name: pl.Datetime("us", ZONE) for name in ("start", "done", "ext")},
    )
    out = table.deadline(frame, pl.col("start"), limit, pl.col("done"), as_of, pl.col("ext"))
    assert out.height == frame.height
    return out.to_dicts()


@pytest.mark.parametrize("calendar", [OFFICIAL, HOLE, CLOSING], ids=["official", "2027 missing, 2028 known", "close 17:30"])
@pytest.mark.parametrize("limit", LIMITS, ids=str)
def test_every_deadline_field_equals_the_work_calendars(calendar, limit):
    table = CalendarTable(calendar, ZONE)
    cases = _cases(calendar, limit)
    statuses = set()
    for as_of in AS_OF:
        expected = _python(calendar, limit, cases, as_of)
        got = _columnar(table, limit, cases, as_of)
        for case, want, row in zip(cases, expected, got):
            have = (row["due"], row["done_at"], row["status"], row["extended"], row["reason"])
            assert have == (want.due, want.done_at, want.status, want.extended, want.reason), (case, as_of)
            statuses.add(want.status)
    # The cases reach every verdict (else the comparison proves less than it says).
    assert {"met", "breached", "open", "overdue", "not_applicable"} <= statuses
    if limit.unit in ("working_days", "days") and limit.amount:
        assert "unknown" in statuses


def test_working_days_n_minus_1_n_n_plus_1_across_a_weekend_and_a_holiday():
    # Wed 2026-09-30, then the National Day holiday and its adjusted working weekend days:
    # the 3rd, 4th and 5th working days after it are the days WorkCalendar counts.
    table = CalendarTable(OFFICIAL, ZONE)
    start = datetime(2026, 9, 30, 16, tzinfo=TZ)
    for n in (3, 4, 5):
        frame = pl.DataFrame({"start": [start]}, schema={"start": pl.Datetime("us", ZONE)})
        row = table.deadline(frame, pl.col("start"), working_days(n), pl.lit(None, pl.Datetime("us", ZONE)),
                             AS_OF[0]).row(0, named=True)
        assert row["due"] == OFFICIAL.end_of_day(OFFICIAL.working_day_after(start.date(), n))
    assert not OFFICIAL.is_working_day(date(2026, 10, 1))


def test_a_zone_that_changes_its_clocks_is_refused():
    with pytest.raises(NotColumnar, match="Europe/Berlin"):
        CalendarTable(WorkCalendar.official(ZoneInfo("Europe/Berlin")), "Europe/Berlin")


@pytest.mark.parametrize("limit", [hours(1), days(7), working_days(1), SAME_DAY], ids=str)
def test_a_count_past_year_9999_is_flagged_where_python_overflows(limit):
    table = CalendarTable(OFFICIAL, ZONE)
    starts = [datetime(9999, 12, 31, 23, 30, tzinfo=TZ), datetime(2026, 3, 2, 9, tzinfo=TZ)]
    frame = pl.DataFrame({"start": starts}, schema={"start": pl.Datetime("us", ZONE)})
    out = table.deadline(frame, pl.col("start"), limit, pl.lit(None, pl.Datetime("us", ZONE)), AS_OF[0])
    flagged = []
    for start in starts:
        try:
            OFFICIAL.deadline("R", "s", start, limit, None, AS_OF[0])
            flagged.append(False)
        except OverflowError:
            flagged.append(True)
    assert out["overflow"].to_list() == flagged
    # 9999 is not covered: working days stop at the gap, the rest run off the calendar.
    assert flagged == [limit.unit != "working_days", False]
