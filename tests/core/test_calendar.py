"""Time counting by the Civil Code (第二百零一条–第二百零三条), conventions.md."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from policy.core.calendar import SAME_DAY, CalendarGap, Limit, WorkCalendar, days, hours, judge, minutes, working_days

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar.official(SH)


def t(text):
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def test_hours_and_minutes_are_calendar_time(cal):
    assert cal.due(t("2025-01-28 23:00"), hours(24)) == t("2025-01-29 23:00")  # Spring Festival ignored
    assert cal.due(t("2026-03-02 09:00"), minutes(45)) == t("2026-03-02 09:45")


def test_working_days_skip_weekend_and_start_day(cal):
    friday = t("2026-03-06 16:00")
    assert cal.due(friday, working_days(1)) == t("2026-03-10 00:00")  # Monday 24:00
    monday = t("2026-03-02 08:00")
    assert cal.due(monday, working_days(1)) == t("2026-03-04 00:00")  # the start day never counts


@pytest.mark.parametrize(
    ("d", "working"),
    [
        (date(2025, 1, 26), True),  # Sunday, 调休上班 before Spring Festival
        (date(2025, 1, 28), False),
        (date(2025, 2, 4), False),
        (date(2025, 2, 8), True),  # Saturday, 调休上班
        (date(2025, 5, 31), False),  # Dragon Boat, a Saturday
        (date(2025, 6, 2), False),  # Dragon Boat, a Monday
        (date(2025, 9, 28), True),  # Sunday, 调休上班 before National Day
        (date(2025, 10, 8), False),
        (date(2025, 10, 11), True),  # Saturday, 调休上班
        (date(2026, 3, 7), False),  # an ordinary Saturday
    ],
)
def test_official_schedule(cal, d, working):
    assert cal.is_working_day(d) is working


def test_national_day_2025_counts_sunday_0928(cal):
    # Friday 09-26: the first working day after is Sunday 09-28; then 09-29, 09-30, and
    # 10-01..10-08 are off, so the third working day after 09-28 is 10-09.
    assert cal.working_day_after(date(2025, 9, 26), 1) == date(2025, 9, 28)
    assert cal.working_day_after(date(2025, 9, 28), 2) == date(2025, 9, 30)
    assert cal.working_day_after(date(2025, 9, 28), 3) == date(2025, 10, 9)


def test_days_end_at_midnight_and_a_rest_day_moves_to_the_next_working_day(cal):
    assert cal.due(t("2026-03-02 10:00"), days(3)) == t("2026-03-06 00:00")  # Thu 24:00
    # date + 7 falls on Saturday 2026-03-14: the period ends Monday 24:00 (第二百零三条).
    assert cal.due(t("2026-03-07 10:00"), days(7)) == t("2026-03-17 00:00")
    # date + 3 falls in National Day 2025: ends at the end of 10-09, the first working day after.
    assert cal.due(t("2025-09-30 10:00"), days(3)) == t("2025-10-10 00:00")


def test_same_day_and_close_of_business():
    assert WorkCalendar.official(SH).due(t("2026-03-02 09:00"), SAME_DAY) == t("2026-03-03 00:00")
    shop = WorkCalendar.official(SH, close_of_business=time(17, 30))
    assert shop.due(t("2026-03-02 09:00"), SAME_DAY) == t("2026-03-02 17:30")
    assert shop.due(t("2026-03-06 09:00"), working_days(1)) == t("2026-03-09 17:30")


def test_judge_at_the_exact_due_time():
    due = t("2026-03-04 00:00")
    assert judge(due, t("2026-03-04 00:00"), due) == "met"
    assert judge(due, t("2026-03-04 00:01"), due) == "breached"
    assert judge(due, None, t("2026-03-04 00:00")) == "open"
    assert judge(due, None, t("2026-03-04 00:01")) == "overdue"


def test_extension_moves_the_due_time(cal):
    d = cal.deadline("X", "s", t("2026-03-02 09:00"), working_days(1), t("2026-03-05 10:00"), t("2026-04-01 00:00"),
                     extended_until=t("2026-03-06 00:00"))
    assert (d.due, d.status, d.extended) == (t("2026-03-06 00:00"), "met", True)


def test_a_year_without_data_fails_loudly(cal):
    with pytest.raises(CalendarGap, match=r'\[calendar.years."2027"\]'):
        cal.due(t("2027-03-02 09:00"), working_days(1))
    with pytest.raises(CalendarGap, match="2027"):
        cal.due(t("2026-12-31 09:00"), working_days(1))  # runs into 2027


def test_a_whole_year_added_in_the_config():
    cal = WorkCalendar.official(SH, years={2027: ([date(2027, 1, 1)], [date(2027, 1, 4 + 5)])})
    assert cal.is_working_day(date(2027, 1, 1)) is False
    assert cal.is_working_day(date(2027, 1, 9)) is True  # a Saturday worked
    assert cal.due(t("2026-12-31 09:00"), working_days(1)) == t("2027-01-05 00:00")  # skips 01-01 and the weekend


def test_single_days_added_and_removed():
    cal = WorkCalendar.official(SH, extra_holidays=[date(2026, 3, 9)], extra_workdays=[date(2026, 3, 7)])
    assert cal.is_working_day(date(2026, 3, 9)) is False
    assert cal.is_working_day(date(2026, 3, 7)) is True
    assert cal.working_day_after(date(2026, 3, 6), 2) == date(2026, 3, 10)


def test_working_days_come_from_precomputed_lists_not_the_library(monkeypatch, cal):
    import chinese_calendar

    def boom(*a):
        raise AssertionError("chinese_calendar called per look-up")

    monkeypatch.setattr(chinese_calendar, "is_workday", boom)
    assert cal.working_day_after(date(2026, 3, 6), 1) == date(2026, 3, 9)


def test_a_limit_reads_as_the_regulation_writes_it_and_is_built_once():
    assert [str(x) for x in (hours(1), hours(0.5), minutes(30), days(1), working_days(4), SAME_DAY)] == [
        "1 hour", "0.5 hours", "30 minutes", "1 day", "4 working days", "same day"]
    assert hours(24) is hours(24) and hours(24) == Limit(24, "hours") and hours(24) != days(1)
    with pytest.raises(ValueError, match="unknown limit unit 'weeks'"):
        Limit(1, "weeks")
