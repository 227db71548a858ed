"""The pipeline: one ticket through the hooks, then the period rules over all of them.

:class:`Engine` is built once per run from the config and the plugins. ``evaluate`` takes
raw rows (source, row number, mapping) and yields, for each, a :class:`Result` or a
:class:`RecordError`, in input order; nothing is ever dropped. Tickets stream through, a
chunk at a time: what is kept across them is the ids seen (ids must be unique in a run; see
:mod:`.ids`), the period ledger (sums per key and month) and, only when a plugin asks for
it, the history.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from .calendar import CalendarGap
from .config import Config
from .ids import TicketIds
from .model import NO_APPEAL, Classification, PeriodConsequence, RecordError, Result
from .periods import Ledger, Period, Selection
from .plugins import Plugins
from .records import FieldError, Record, RecordParser
from .regulation import Regulation, articles_of

Row = tuple[str, int, Mapping[str, Any]]  # (source, row number, raw cells)

CHUNK = 1000  # rows read ahead, their ids checked in one go
INDUSTRY_HEADERS = ("industry", "行业")
ID_HEADERS = ("id", "工单编号", "工单号", "编号")


class History:
    """What ``policy_history`` recorded for every ticket of the run, by key.

    ``earlier(key, record)`` lists the (received_at, id, info) of tickets with that key
    received before this record (ties broken by id), so no answer depends on input order.
    """

    def __init__(self) -> None:
        self._by_key: dict[Any, list[tuple[datetime, str, Any]]] = {}
        self._sorted = True

    def add(self, key: Any, received_at: datetime, ticket_id: str, info: Any) -> None:
        self._by_key.setdefault(key, []).append((received_at, ticket_id, info))
        self._sorted = False

    def _sort(self) -> None:
        if not self._sorted:
            for entries in self._by_key.values():
                entries.sort(key=lambda e: (e[0], e[1]))
            self._sorted = True

    def earlier(self, key: Any, record: Record) -> list[tuple[datetime, str, Any]]:
        self._sort()
        entries = self._by_key.get(key, [])
        i = bisect.bisect_left(entries, (record.received_at, record.id), key=lambda e: (e[0], e[1]))
        return entries[:i]


class Industry:
    """One enabled regulation: its parser, parameters and the hook callers that reach it."""

    def __init__(self, regulation: Regulation, params: Any, plugins: Plugins, config: Config):
        self.name = regulation.name
        self.regulation = regulation
        self.params = params
        self.parser = RecordParser(regulation.name, regulation.fields, config.zone)
        call = plugins.industry_caller
        self.classify = call("policy_classify", self.name)
        self.deadlines = call("policy_deadlines", self.name)
        self.appeal = call("policy_appeal", self.name)
        self.consequences = call("policy_consequences", self.name)
        self.period_facts = call("policy_period_facts", self.name)
        self.period_consequences = call("policy_period_consequences", self.name)
        self.history_hook = call("policy_history", self.name)
        self.needs_history = bool(self.history_hook.impls)
        self.ledger = Ledger()
        self.history = History()


class Engine:
    def __init__(self, config: Config, plugins: Plugins, as_of: datetime):
        self.config = config
        self.calendar = config.work_calendar()
        self.as_of = as_of
        self.industries = {
            name: Industry(plugins.regulations[name], config.parameters[name], plugins, config)
            for name in config.policy.plugins
        }
        self._only = next(iter(self.industries.values())) if len(self.industries) == 1 else None
        self.articles = articles_of({n: i.regulation for n, i in self.industries.items()})
        self.records = 0
        self.evaluated = 0
        self.rejected = 0
        self.ids = TicketIds()

    @property
    def needs_history(self) -> bool:
        return any(i.needs_history for i in self.industries.values())

    # -- one ticket -------------------------------------------------------------------

    def _industry_of(self, raw: Mapping[str, Any]) -> Industry:
        for h in INDUSTRY_HEADERS:
            name = raw.get(h)
            if name not in (None, ""):
                # A record that names its industry is never evaluated under another one.
                name = str(name).strip()
                industry = self.industries.get(name)
                if industry is None:
                    raise FieldError(
                        "industry",
                        f"{name!r} is not an enabled plugin; enabled: {', '.join(self.industries)}",
                    )
                return industry
        if len(self.industries) == 1:
            return self._only
        raise FieldError(
            "industry",
            f"required when several plugins are enabled: one of {', '.join(self.industries)}",
        )

    def parse(self, source: str, row: int, raw: Mapping[str, Any]) -> tuple[Industry, Record]:
        industry = self._industry_of(raw)
        return industry, industry.parser.parse(raw, source, row)

    def remember(self, rows: Iterable[Row]) -> None:
        """First pass, when a plugin needs earlier tickets: record every ticket's history."""
        for source, row, raw in rows:
            if isinstance(raw, FieldError):
                continue
            try:
                industry, record = self.parse(source, row, raw)
            except (FieldError, CalendarGap):
                continue  # reported when the second pass meets it
            if not industry.needs_history:
                continue
            for answer in industry.history_hook(record=record, params=industry.params):
                for key, info in answer or ():
                    industry.history.add(key, record.received_at, record.id, info)

    def evaluate(self, rows: Iterable[Row]) -> Iterator[Result | RecordError]:
        rows = iter(rows)
        while chunk := list(itertools.islice(rows, CHUNK)):
            yield from self.evaluate_chunk(chunk, self.ids.repeated(ticket_ids(chunk)))

    def evaluate_chunk(self, rows: list[Row], repeated: list[bool]) -> Iterator[Result | RecordError]:
        """Evaluate rows whose repeated ids are known (``--jobs`` workers get them from the parent)."""
        for (source, row, raw), repeat in zip(rows, repeated):
            self.records += 1
            if isinstance(raw, FieldError):  # a row the reader could not read
                self.rejected += 1
                yield RecordError(source, row, None, raw.field, raw.message)
                continue
            record = None
            try:
                if repeat:
                    raise FieldError("id", f"ticket {raw_id(raw)!r} appears more than once in this run")
                industry, record = self.parse(source, row, raw)
                result = self._evaluate(industry, record)
            except FieldError as e:
                self.rejected += 1
                yield RecordError(source, row, raw_id(raw), e.field, e.message)
                continue
            except CalendarGap as e:
                self.rejected += 1
                yield RecordError(source, row, raw_id(raw), _field_in_year(record, e.year), str(e))
                continue
            except Exception as e:  # noqa: BLE001 - a fault in plugin code costs this record only
                self.rejected += 1
                yield RecordError(
                    source, row, raw_id(raw), None,
                    f"could not be evaluated because of a fault in plugin code ({type(e).__name__}: {e}); "
                    "please report it with this record",
                )
                continue
            self.evaluated += 1
            yield result

    def _evaluate(self, industry: Industry, record: Record) -> Result:
        params = industry.params
        classification = industry.classify(record=record, params=params, history=industry.history, calendar=self.calendar)
        if classification is None:
            classification = Classification(counted=False, reason="no plugin classified this ticket")
        deadlines = [
            d
            for answer in industry.deadlines(
                record=record, classification=classification, params=params, calendar=self.calendar, as_of=self.as_of
            )
            for d in answer or ()
        ]
        appeal = (
            industry.appeal(
                record=record, classification=classification, deadlines=deadlines, params=params, calendar=self.calendar
            )
            or NO_APPEAL
        )
        consequences = [
            c
            for answer in industry.consequences(
                record=record, classification=classification, deadlines=deadlines, appeal=appeal, params=params
            )
            for c in answer or ()
        ]
        result = Result(record.id, industry.name, classification, deadlines, appeal, consequences, record.received_at,
                        record.unit, record.person, record.section, record.department)
        for answer in industry.period_facts(record=record, result=result, params=params, calendar=self.calendar):
            for tally in answer or ():
                industry.ledger.add(tally)
        return result

    # -- the period rules ------------------------------------------------------------

    def period_consequences(self, chosen: Period | None = None, roster: list[Mapping[str, Any]] | None = None) -> list[PeriodConsequence]:
        out: list[PeriodConsequence] = []
        for industry in self.industries.values():
            selection = Selection(chosen, industry.ledger.months())
            for answer in industry.period_consequences(
                ledger=industry.ledger, periods=selection, params=industry.params, roster=roster or []
            ):
                out.extend(answer or ())
        return out

    @property
    def summary(self) -> dict[str, int]:
        return {"records": self.records, "evaluated": self.evaluated, "rejected": self.rejected}


def ticket_ids(rows: Iterable[Row]) -> list[str | None]:
    """Each row's id (None for a row the reader could not read, or one without an id)."""
    return [None if isinstance(raw, FieldError) else raw_id(raw) for _, _, raw in rows]


def raw_id(raw: Mapping[str, Any]) -> str | None:
    """The ticket id as the row gives it, before parsing (for error reports and uniqueness)."""
    v = raw.get("id")
    if v.__class__ is str and (v := v.strip()):
        return v  # the common case, first: this runs for every row
    for h in ID_HEADERS:
        v = raw.get(h)
        if v not in (None, ""):
            return str(int(v) if isinstance(v, float) and v.is_integer() else v).strip()
    return None


def _field_in_year(record: Record | None, year: int) -> str | None:
    if record is None:
        return None
    for name, value in record.values.items():
        if isinstance(value, datetime) and value.year == year:
            return name
    return "received_at"
