"""The working-day calendar as a table of dates: WorkCalendar's deadlines for whole columns.

A day-based due time (days, working days, the same day) depends only on the start's local
date and the limit, so it is asked of :class:`~policy.core.calendar.WorkCalendar` once per
(date, limit) — every date of the covered years when a limit is first used, and any other
date the first time a batch brings it — and joined back to the tickets. The answers are
WorkCalendar's own, so the two executors cannot count a holiday differently; a year the
calendar does not cover comes back as that year (the gap) and is judged as
``_deadline_in_gap`` judges it, with its reason texts written by that very method.

Hours and minutes are calendar time (``start + length``): polars adds absolute time where
Python adds wall-clock time, which agree only in a zone that never changes its clocks; a
zone that does in the covered years is refused (:class:`NotColumnar`), so its industry runs
per ticket.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import polars as pl

from ..calendar import CalendarGap, Limit, WorkCalendar

ONE_MICROSECOND = timedelta(microseconds=1)


class NotColumnar(ValueError):
    """What the columnar executor cannot run exactly: the caller runs it per ticket."""


def instant(value: datetime, zone: str) -> pl.Expr:
    """An aware datetime as a literal in the zone of the input frame's time columns
    (polars compares datetimes of one zone only)."""
    return pl.lit(value.astimezone(timezone.utc), dtype=pl.Datetime("us", "UTC")).dt.convert_time_zone(zone)


def changes_clocks(calendar: WorkCalendar) -> bool:
    """Whether the calendar's zone changes its UTC offset in any covered year (daylight saving)."""
    tz = calendar.timezone
    for year in calendar.years:
        offsets = {datetime(year, month, 1, 12, tzinfo=tz).utcoffset() for month in range(1, 13)}
        offsets.add(datetime(year, 12, 31, 12, tzinfo=tz).utcoffset())
        if len(offsets) > 1:
            return True
    return False


class CalendarTable:
    """One company's calendar for columns: the due times of day-based limits by start date."""

    def __init__(self, calendar: WorkCalendar, zone: str):
        if changes_clocks(calendar):
            raise NotColumnar(f"the time zone {zone} changes its clocks in the covered years: "
                              "hours are counted per ticket there")
        self.calendar = calendar
        self.zone = zone
        # limit -> {local start date: (due time, None, False), (None, the uncovered year the count
        # needs, False), or (None, None, True) where the count runs past year 9999}
        self._answers: dict[Limit, dict[date, tuple[datetime | None, int | None, bool]]] = {}
        self._frames: dict[Limit, pl.DataFrame] = {}
        self._gap_frames: dict[Limit, pl.DataFrame] = {}

    # -- the table of dates ------------------------------------------------------------

    def _answer(self, day: date, limit: Limit) -> tuple[datetime | None, int | None, bool]:
        noon = datetime.combine(day, time(12), self.calendar.timezone)  # its local date is ``day``
        try:
            return self.calendar.due(noon, limit), None, False
        except CalendarGap as gap:
            return None, gap.year, False
        except OverflowError:  # per ticket, the record is rejected: a time at the calendar's edge
            return None, None, True

    def days(self, limit: Limit, dates: pl.Series | None = None) -> pl.DataFrame:
        """(date, due, gap_year) for every date of ``dates`` and those asked before (without
        ``dates``: every covered date)."""
        answers = self._answers.get(limit)
        fresh = answers is None
        if answers is None:
            answers = self._answers[limit] = {}
        if fresh and dates is None:  # else only the dates the batches bring: a few hundred, not 20 years'
            for year in sorted(self.calendar.years):
                day = date(year, 1, 1)
                while day.year == year:
                    answers[day] = self._answer(day, limit)
                    day += timedelta(days=1)
        if dates is not None:
            for day in dates.drop_nulls().unique().to_list():
                if day not in answers:
                    answers[day] = self._answer(day, limit)
                    fresh = True
        if fresh or limit not in self._frames:
            keys = list(answers)
            self._frames[limit] = pl.DataFrame(
                {
                    "date": keys,
                    "due": [answers[d][0] for d in keys],
                    "gap_year": [answers[d][1] for d in keys],
                    "overflow": [answers[d][2] for d in keys],
                },
                schema={"date": pl.Date, "due": pl.Datetime("us", self.zone), "gap_year": pl.Int32,
                        "overflow": pl.Boolean},
            )
        return self._frames[limit]

    def gaps(self, limit: Limit, years) -> pl.DataFrame:
        """(gap_year, begins, met, open, unknown): the first moment of each uncovered year and
        the three reasons ``_deadline_in_gap`` gives there, asked of it with a done time just
        before the year, none as of just before it, and one at its first moment."""
        known = self._gap_frames.get(limit)
        have = set() if known is None else set(known["gap_year"].to_list())
        new = sorted(set(years) - have - {None})
        if new:
            rows = []
            for year in new:
                gap = CalendarGap(year, self.calendar.years)
                begins = self.calendar.year_begins(year)
                before = begins - ONE_MICROSECOND
                reason = {
                    status: self.calendar._deadline_in_gap("", "", limit, done, as_of, gap).reason
                    for status, done, as_of in (("met", before, before), ("open", None, before), ("unknown", begins, begins))
                }
                rows.append({"gap_year": year, "begins": begins, **reason})
            frame = pl.DataFrame(rows, schema={"gap_year": pl.Int32, "begins": pl.Datetime("us", self.zone),
                                               "met": pl.String, "open": pl.String, "unknown": pl.String})
            known = frame if known is None else pl.concat([known, frame])
            self._gap_frames[limit] = known
        if known is None:
            known = pl.DataFrame(schema={"gap_year": pl.Int32, "begins": pl.Datetime("us", self.zone),
                                         "met": pl.String, "open": pl.String, "unknown": pl.String})
        return known

    # -- a deadline over a frame ---------------------------------------------------------

    def deadline(
        self,
        frame: pl.DataFrame,
        start: pl.Expr,
        limit: Limit,
        done: pl.Expr,
        as_of: datetime,
        extension: pl.Expr | None = None,
        day: pl.Expr | None = None,
    ) -> pl.DataFrame:
        """``WorkCalendar.deadline`` for every row of ``frame``: a frame of the same height with
        ``due``, ``done_at``, ``status``, ``extended`` and ``reason`` (null where Python has None),
        and ``overflow``: the count runs past year 9999, where Python raises OverflowError (the
        row must go per ticket, which rejects it; its other columns mean nothing). ``day``: the
        start's local date, when the caller has it (else it is worked out here)."""
        zone = self.zone
        # Two collects in all: the day-based table needs the batch's dates first; the joins and
        # the judgement are then one lazy query.
        if limit.length is not None:
            due = pl.col("start") + pl.lit(limit.length)
            parts = frame.lazy().select(start=start, done_at=done, ext=self._ext(extension)).with_columns(
                due=due, gap_year=pl.lit(None, dtype=pl.Int32),
                # past year 9999, compared as polars' integers (no local year for every value)
                overflow=(due.to_physical() > self._last_of_9999()).fill_null(False))
            years: list = []
        else:
            parts = frame.select(start=start, done_at=done, ext=self._ext(extension),
                                 day=start.dt.date() if day is None else day)
            table = self.days(limit, parts["day"])
            parts = parts.lazy().join(table.lazy(), left_on="day", right_on="date", how="left",
                                      maintain_order="left")
            years = table["gap_year"].unique().to_list()  # every uncovered year asked so far: a few
        gaps = self.gaps(limit, years)
        if gaps.height:
            parts = parts.join(gaps.lazy(), on="gap_year", how="left", maintain_order="left")
        else:  # no uncovered year: nothing to join
            parts = parts.with_columns(pl.lit(None, dtype=dtype).alias(name) for name, dtype in gaps.schema.items()
                                       if name != "gap_year")
        as_of_lit = instant(as_of, zone)
        done_at, due, ext = pl.col("done_at"), pl.col("due"), pl.col("ext")
        started, in_gap = pl.col("start").is_not_null(), pl.col("gap_year").is_not_null()
        extended = started & ~in_gap & ext.is_not_null() & (ext > due)
        moved = pl.when(extended).then(ext).otherwise(due)
        judged = (
            pl.when(done_at.is_not_null())
            .then(pl.when(done_at <= moved).then(pl.lit("met")).otherwise(pl.lit("breached")))
            .otherwise(pl.when(as_of_lit <= moved).then(pl.lit("open")).otherwise(pl.lit("overdue")))
        )
        gap_status = (
            pl.when(done_at.is_not_null() & (done_at < pl.col("begins"))).then(pl.lit("met"))
            .when(done_at.is_null() & (as_of_lit < pl.col("begins"))).then(pl.lit("open"))
            .otherwise(pl.lit("unknown"))
        )
        status = pl.when(~started).then(pl.lit("not_applicable")).when(in_gap).then(gap_status).otherwise(judged)
        return parts.with_columns(status=status).select(
            due=pl.when(started & ~in_gap & ~pl.col("overflow").fill_null(False)).then(moved),
            done_at=done_at,
            status=pl.col("status"),
            extended=extended.fill_null(False),
            reason=pl.when(started & in_gap).then(
                pl.when(pl.col("status") == "met").then(pl.col("met"))
                .when(pl.col("status") == "open").then(pl.col("open"))
                .otherwise(pl.col("unknown"))
            ),
            overflow=started & pl.col("overflow").fill_null(False),
        ).collect()

    def _ext(self, extension: pl.Expr | None) -> pl.Expr:
        return pl.lit(None, dtype=pl.Datetime("us", self.zone)) if extension is None else extension

    def _last_of_9999(self) -> int:
        """The last microsecond of local year 9999 in the zone, as polars' integer."""
        last = pl.Series([datetime(9999, 12, 31, 23, 59, 59, 999999)]).cast(pl.Datetime("us"))
        return last.dt.replace_time_zone(self.zone).to_physical()[0]
