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
import reprlib

import attrs
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from .calendar import CalendarGap
from .config import Config
from .declared import Declared
from .ids import TicketIds
from .model import NO_APPEAL, Classification, PeriodConsequence, RecordError, Result
from .periods import Ledger, Period, Selection
from .plugins import Plugins
from .records import EXACT_INTEGERS, FieldError, Record, RecordParser, date_only_warnings
from .regulation import Regulation, articles_of
from .trace import Trace, explain

Row = tuple[str, int, Mapping[str, Any]]  # (source, row number, raw cells)

CHUNK = 1000  # rows read ahead, their ids checked in one go
INDUSTRY_HEADERS = ("industry", "行业")
ID_HEADERS = ("id", "工单编号", "工单号", "编号")


class History:
    """What ``policy_history`` recorded for every ticket of the run, by key.

    Entries are (received_at, id, info), ordered by received time (ties broken by id), so no
    answer depends on input order. ``last(key, record)`` answers "the latest earlier ticket
    of this matter" by bisection, without copying: a key shared by n tickets costs log n per
    look-up, not n. ``earlier`` lists them all (a copy: for a rule that needs every one).

    ``faults`` keeps, by (source, row), the message of a ticket whose ``policy_history``
    raised in the first pass: the second pass reports it for that ticket, once.
    """

    def __init__(self) -> None:
        self._by_key: dict[Any, list[tuple[datetime, str, Any]]] = {}
        self._sorted = True
        self.faults: dict[tuple[str, int], str] = {}

    def add(self, key: Any, received_at: datetime, ticket_id: str, info: Any) -> None:
        self._by_key.setdefault(key, []).append((received_at, ticket_id, info))
        self._sorted = False

    def _sort(self) -> None:
        if not self._sorted:
            for entries in self._by_key.values():
                entries.sort(key=_when)
            self._sorted = True

    def _before(self, key: Any, record: Record) -> tuple[list[tuple[datetime, str, Any]], int]:
        """The key's entries and how many of them come before ``record``."""
        self._sort()
        entries = self._by_key.get(key, [])
        return entries, bisect.bisect_left(entries, (record.received_at, record.id), key=_when)

    def last(self, key: Any, record: Record) -> tuple[datetime, str, Any] | None:
        """The latest ticket with ``key`` received before ``record``, or None."""
        entries, i = self._before(key, record)
        return entries[i - 1] if i else None

    def count(self, key: Any, record: Record) -> int:
        """How many tickets with ``key`` were received before ``record``."""
        return self._before(key, record)[1]

    def earlier(self, key: Any, record: Record) -> list[tuple[datetime, str, Any]]:
        """Every ticket with ``key`` received before ``record``, oldest first (a new list)."""
        entries, i = self._before(key, record)
        return entries[:i]


def _when(entry: tuple[datetime, str, Any]) -> tuple[datetime, str]:
    return entry[0], entry[1]


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
        # The per-ticket rules the plugin declares (core/declared.py), run before its hooks.
        self.declared = Declared(
            regulation.declared,
            {name: f.aliases[0] if f.aliases else name for name, f in self.parser.fields.items()},
        ) if regulation.declared else None
        self.needs_history = bool(self.history_hook.impls)
        self.ledger = Ledger()
        self.history = History()
        # Parameters that change on a date (core/dated.py): None when every value holds throughout.
        self.versions = config.versions.get(self.name)
        # Parameters whose value another of the ticket's dates decides (param(dated_by=...)).
        self.dated_by = {a.name: a.metadata["dated_by"] for a in attrs.fields(regulation.parameters)
                         if a.metadata.get("dated_by")} if self.versions is not None else {}

    def params_of(self, record: Record) -> Any:
        """The parameters a ticket is judged by: those in force when it was received, except a
        parameter dated by another of its times (an announcement, an inspection), in force then."""
        if self.versions is None:
            return self.params
        params = self.versions.at(record.received_at)
        if self.dated_by:
            changes = {}
            for name, field in self.dated_by.items():
                when = getattr(record, field, None)
                if when is not None and (value := getattr(self.versions.at(when), name)) != getattr(params, name):
                    changes[name] = value
            if changes:
                params = attrs.evolve(params, **changes)
        return params


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
        self.unknown_deadlines = 0  # evaluated tickets with a deadline the calendar cannot count
        self.ids = TicketIds()
        # policy explain / evaluate --explain: the ids whose trace to keep (None: no tracing,
        # the default and the fast path), or every ticket's.
        self.explaining: frozenset[str] | None = None
        self.explain_all = False
        # policy explain: which tickets each tally came from, (industry, key, month) -> ids;
        # None (the default) keeps only the sums.
        self.tally_log: dict[tuple, list[str]] | None = None
        # A plugin's period rules that raised: reported with the errors, after the records'.
        self.period_faults: list[RecordError] = []
        # To say whose code raised (read on the error path only): the plugins' modules and
        # their hook functions (a hook function may live elsewhere, a local plugin's say).
        manager = plugins.manager
        self._plugin_modules = {getattr(module, "__name__", None): name for name, module in manager.list_name_plugin()}
        self._plugin_hooks = {
            impl.function.__code__: impl.plugin_name
            for _, module in manager.list_name_plugin()
            for caller in manager.get_hookcallers(module) or ()
            for impl in caller.get_hookimpls()
            if hasattr(impl.function, "__code__")
        }

    @property
    def needs_history(self) -> bool:
        return any(i.needs_history for i in self.industries.values())

    # -- one ticket -------------------------------------------------------------------

    def _industry_of(self, raw: Mapping[str, Any]) -> Industry:
        for h in INDUSTRY_HEADERS:
            name = raw.get(h)
            if name not in (None, ""):
                # A record that names its industry is never evaluated under another one.
                if name.__class__ is not str:  # a list or a nested object: never str() it
                    raise FieldError("industry", f"expected a plugin name as text: one of {', '.join(self.industries)}")
                name = name.strip()
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
        """The record of a row; whatever goes wrong reading it is a FieldError (the input's fault)."""
        try:
            industry = self._industry_of(raw)
        except FieldError:
            raise
        except Exception:  # noqa: BLE001 - an industry cell no plugin name could be (a deep object)
            raise FieldError("industry", f"{_brief(_industry_cell(raw))} is not a plugin name; "
                                         f"one of {', '.join(self.industries)}") from None
        try:
            return industry, industry.parser.parse(raw, source, row)
        except FieldError:
            raise
        except Exception as e:  # noqa: BLE001 - a cell of a shape no reader expects (a list, a huge number)
            raise _unreadable(industry.parser, raw, e) from None

    def remember(self, rows: Iterable[Row]) -> None:
        """First pass, when a plugin needs earlier tickets: record every ticket's history.

        It never raises for a record: one that cannot be read is reported by the second pass,
        which meets it again; a ``policy_history`` that raises is kept in the history's
        ``faults`` and reported by the second pass for that ticket, once.
        """
        for source, row, raw in rows:
            if isinstance(raw, FieldError):
                continue
            try:
                industry, record = self.parse(source, row, raw)
            except FieldError:
                continue  # reported when the second pass meets it
            if not industry.needs_history:
                continue
            entries = []
            for plugin, answer, error in industry.history_hook.each(record=record, params=industry.params_of(record)):
                try:
                    if error is not None:
                        raise error
                    for key, info in answer:
                        hash(key)  # an unhashable key is the plugin's fault, found here, not in the dict
                        entries.append((key, info))
                except Exception as e:  # noqa: BLE001 - a fault in plugin code costs this record only
                    industry.history.faults[(source, row)] = _plugin_fault(e, plugin, "policy_history")
                    break
            else:
                for key, info in entries:
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
                if industry.history.faults and (source, row) in industry.history.faults:
                    raise _HistoryFault(industry.history.faults[(source, row)])
                if self.explaining is None or not (self.explain_all or record.id in self.explaining):
                    result = self._evaluate(industry, record)
                else:
                    result = self._evaluate(industry, record, Trace(), raw)
            except FieldError as e:
                self.rejected += 1
                yield RecordError(source, row, raw_id(raw), e.field, e.message, self._column(raw, e.field))
                continue
            except CalendarGap as e:
                self.rejected += 1
                yield RecordError(source, row, raw_id(raw), _field_in_year(record, e.year), str(e))
                continue
            except OverflowError as e:
                # Date arithmetic past year 9999 (or before year 1): a time at the calendar's
                # edge in the record, not a fault in plugin code, where the record has one.
                self.rejected += 1
                edge = _field_at_the_edge(record)
                yield RecordError(source, row, raw_id(raw), edge, self._plugin_fault(e) if edge is None else (
                    f"{record.values[edge].isoformat()} is too near the end of the calendar (years 1–9999) "
                    "for a time limit to be counted from it; expected the real date and time"))
                continue
            except Exception as e:  # noqa: BLE001 - a fault in plugin code costs this record only
                self.rejected += 1
                yield RecordError(source, row, raw_id(raw), None, self._plugin_fault(e))
                continue
            self.evaluated += 1
            for d in result.deadlines:  # a plain loop: a quarter of any()'s cost, on every ticket
                if d.status == "unknown":
                    self.unknown_deadlines += 1
                    break
            yield result

    def _evaluate(self, industry: Industry, record: Record, trace: Trace | None = None,
                  raw: Mapping[str, Any] | None = None) -> Result:
        params = industry.params if industry.versions is None else industry.params_of(record)
        # Declared rules first; a first-result hook's answer wins over them, a collected
        # hook's answers follow them, and Parties runs over the whole list (docs/hooks.md).
        declared = industry.declared
        ticket = None if declared is None else declared.ticket(record, params, self.calendar, self.as_of, trace)
        classification = industry.classify(
            record=record, params=params, history=industry.history, calendar=self.calendar, trace=trace
        )
        if classification is None and ticket is not None:
            classification = declared.classification(ticket)
        if classification is None:
            classification = Classification(counted=False, reason="no plugin classified this ticket")
        if ticket is not None:
            ticket.classification = classification
        deadlines = [] if ticket is None else declared.deadlines(ticket)
        deadlines += [
            d
            for answer in industry.deadlines(
                record=record, classification=classification, params=params, calendar=self.calendar, as_of=self.as_of,
                trace=trace,
            )
            for d in answer or ()
        ]
        appeal = industry.appeal(
            record=record, classification=classification, deadlines=deadlines, params=params, calendar=self.calendar,
            trace=trace,
        )
        if ticket is not None:
            ticket.deadlines = deadlines
            if appeal is None:
                appeal = declared.appeal(ticket)
        appeal = appeal or NO_APPEAL
        if ticket is not None:
            ticket.appeal = appeal
        consequences = [] if ticket is None else declared.consequences_of(ticket)
        consequences += [
            c
            for answer in industry.consequences(
                record=record, classification=classification, deadlines=deadlines, appeal=appeal, params=params,
                trace=trace,
            )
            for c in answer or ()
        ]
        if ticket is not None:
            consequences = declared.name_parties(ticket, consequences)
        result = Result(record.id, industry.name, classification, deadlines, appeal, consequences, record.received_at,
                        record.unit, record.person, record.section, record.department,
                        warnings=date_only_warnings(record, deadlines) if record.date_only else [])
        # All the ticket's tallies first: a plugin that raises midway leaves the ledger untouched.
        tallies = [] if ticket is None else declared.tallies_of(ticket, result)
        tallies += [
            tally
            for answer in industry.period_facts(record=record, result=result, params=params, calendar=self.calendar)
            for tally in answer or ()
        ]
        for tally in tallies:
            industry.ledger.add(tally)
        if self.tally_log is not None:
            for tally in tallies:
                self.tally_log.setdefault((industry.name, tally.key, (tally.on.year, tally.on.month)), []).append(record.id)
        if trace is not None:
            result.trace = explain(industry=industry, raw=raw or {}, record=record, result=result,
                                   calendar=self.calendar, trace=trace, tallies=tallies, articles=self.articles)
        return result

    # -- the period rules ------------------------------------------------------------

    def period_consequences(self, chosen: Period | None = None, roster: list[Mapping[str, Any]] | None = None) -> list[PeriodConsequence]:
        """Every plugin's period rules. A roster row that names an industry (``industry``, 行业)
        goes to that industry's rules only, one that names none to every industry's. A plugin
        whose rules raise loses its own answer only: the fault, naming the plugin, goes to
        ``period_faults`` (the CLI lists them with the errors) and the other plugins' rules and
        every ticket's result stand."""
        out: list[PeriodConsequence] = []
        self.period_faults = []
        hook = "policy_period_consequences"
        for industry in self.industries.values():
            selection = Selection(chosen, industry.ledger.months())
            rows = [r for r in roster or () if roster_industry(r) in (None, industry.name)]
            if industry.versions is None:
                runs = [(industry.params, selection, None)]
            else:  # each period by the values in force on its last day, said in its note
                runs = [(params, selection.ending(start, end), start)
                        for start, end, params in _spans(industry.versions.items)]
            for params, periods, start in runs:
                for plugin, answer, error in industry.period_consequences.each(
                    ledger=industry.ledger, periods=periods, params=params, roster=rows
                ):
                    if error is None:
                        try:
                            answer = list(answer or ())
                        except Exception as e:  # noqa: BLE001 - an answer that is no list
                            error = e
                    if error is not None:
                        self.period_faults.append(RecordError(
                            f"plugin {plugin}", 0, None, hook,
                            f"the period rules of plugin {plugin} ({industry.name}) could not be worked out because of "
                            f"a fault in its code ({_describe(error)}): they are missing from this result; "
                            "the tickets' results stand. Please report it to the plugin's authors",
                        ))
                        continue
                    out.extend(answer if industry.versions is None else (_with_version(x, start) for x in answer))
        return out

    def _column(self, raw: Mapping[str, Any], field: str | None) -> str | None:
        """The row's own header for ``field`` (受理时间 for received_at), so the person who fixes
        the file reads the column they know; None where the row used the field's name. Only on
        the error path."""
        if field is None:
            return None
        for header in raw:
            if not isinstance(header, str) or header == field:
                continue
            for industry in self.industries.values():
                found = industry.parser.by_header.get(header) or industry.parser.by_header.get(header.strip())
                if found is not None and found.name == field:
                    return header
        return None

    def _plugin_fault(self, e: Exception) -> str:
        """The message for a ticket a plugin raised on, naming the plugin whose code raised."""
        plugin = None
        tb = e.__traceback__
        while tb is not None:  # the innermost frame in a plugin's modules (a1.py is airport's)
            frame = tb.tb_frame
            plugin = self._plugin_hooks.get(frame.f_code, plugin)
            module = frame.f_globals.get("__name__", "")
            while module:
                if module in self._plugin_modules:
                    plugin = self._plugin_modules[module]
                    break
                module = module.rpartition(".")[0]
            tb = tb.tb_next
        return _plugin_fault(e, plugin)

    @property
    def summary(self) -> dict[str, int]:
        out = {"records": self.records, "evaluated": self.evaluated, "rejected": self.rejected}
        if self.unknown_deadlines:
            out["unknown_deadlines"] = self.unknown_deadlines
        return out

    def counts(self) -> tuple[int, ...]:
        """The running counts, for a ``--jobs`` worker to hand its parent (``add_counts``)."""
        return self.records, self.evaluated, self.rejected, self.unknown_deadlines

    def add_counts(self, counts: tuple[int, ...]) -> None:
        records, evaluated, rejected, unknown = counts
        self.records += records
        self.evaluated += evaluated
        self.rejected += rejected
        self.unknown_deadlines += unknown


def roster_industry(row: Mapping[str, Any]) -> str | None:
    """The industry a roster row names (``industry`` or 行业), or None."""
    for h in INDUSTRY_HEADERS:
        if row.get(h) not in (None, ""):
            return str(row[h]).strip()
    return None


def ticket_ids(rows: Iterable[Row]) -> list[str | None]:
    """Each row's id (None for a row the reader could not read, or one without an id)."""
    return [None if isinstance(raw, FieldError) else raw_id(raw) for _, _, raw in rows]


def raw_id(raw: Mapping[str, Any]) -> str | None:
    """The ticket id as the row gives it, before parsing (for error reports and uniqueness).

    None where the row has none: a blank or whitespace-only cell, or a cell that cannot be
    made text (an object nested too deep), which the parser then reports as the id's fault.
    """
    v = raw.get("id")
    if v.__class__ is str and (v := v.strip()):
        return v  # the common case, first: this runs for every row
    for h in ID_HEADERS:
        v = raw.get(h)
        if isinstance(v, str):
            if v := v.strip():
                return v
        elif isinstance(v, float) and v.is_integer():
            # Past EXACT_INTEGERS a float no longer holds every digit (a JSON number beyond 64 bits,
            # a long ticket number a spreadsheet stored as a number): its digits would be made up.
            # No id; the parser's error says to write it as text.
            return str(int(v)) if abs(v) < EXACT_INTEGERS else None
        elif v.__class__ is int or v.__class__ is float:
            return str(v)
        # a list or an object is no id: its field error says so
    return None


class _HistoryFault(Exception):
    """A ticket whose ``policy_history`` raised in the first pass (the message says how)."""


def _plugin_fault(e: Exception, plugin: str | None = None, hook: str | None = None) -> str:
    if isinstance(e, _HistoryFault):
        return str(e)
    where = "".join(f"{part}, " for part in (plugin and f"plugin {plugin}", hook) if part)
    return (f"could not be evaluated because of a fault in plugin code ({where}{_describe(e)}); "
            "please report it with this record")


def _describe(e: BaseException) -> str:
    try:
        text = str(e)
        return f"{type(e).__name__}: {text if len(text) <= 300 else text[:300] + '…'}"
    except Exception:  # noqa: BLE001 - an exception whose text cannot be made
        return type(e).__name__


def _brief(value: Any, length: int = 60) -> str:
    """A cell as a person can read it in a message: short, and safe for any shape of value."""
    if isinstance(value, str):
        return repr(value) if len(value) <= length else repr(value[:length]) + "…"
    short = reprlib.Repr()
    short.maxlevel, short.maxstring, short.maxother = 3, length, length
    return short.repr(value)


def _industry_cell(raw: Mapping[str, Any]) -> Any:
    return next((raw[h] for h in INDUSTRY_HEADERS if raw.get(h) is not None), None)


# What a cell of each kind should hold, for the message about one that holds something else.
EXPECTED = {
    "time": "a date and time, e.g. 2026-03-02 10:00 or 2026-03-02T10:00:00+08:00",
    "bool": "a yes/no value: true/false, 1/0 or 是/否",
    "number": "a number",
    "text": "text",
    "names": "names, several separated by ;",
}


def _unreadable(parser: RecordParser, raw: Mapping[str, Any], error: Exception) -> FieldError:
    """The FieldError for a row the parser failed on with another exception: the cell at fault.

    Only on the error path: each mapped cell is read again alone until one fails.
    """
    for header, cell in raw.items():
        f = parser.by_header.get(header)
        if f is None and isinstance(header, str):
            f = parser.by_header.get(header.strip())
        if f is None or cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        try:
            parser.read(f, cell)
        except FieldError as e:
            return e
        except Exception:  # noqa: BLE001 - the cell at fault
            if f.kind == "choice" and f.choices:
                expected = "one of " + ", ".join(f"{c} ({label})" for c, label in f.choices.items())
            else:
                expected = EXPECTED.get(f.kind, f.kind)
            return FieldError(f.name, f"{_brief(cell)} cannot be read; expected {expected}")
    return FieldError(None, f"the record cannot be read ({_describe(error)})")


def _field_at_the_edge(record: Record | None) -> str | None:
    """The field whose time lies in year 9999 or year 1, where counting a limit overflows."""
    if record is None:
        return None
    for name, value in record.values.items():
        if isinstance(value, datetime) and value.year in (1, 9999):
            return name
    return None


def _spans(versions: list) -> Iterator[tuple[Any, Any, Any]]:
    """(first day, day after the last, parameters) of each version; None for open ends."""
    for i, (start, params) in enumerate(versions):
        end = versions[i + 1][0] if i + 1 < len(versions) else None
        yield start, end, params


def _with_version(item: PeriodConsequence, start: Any) -> PeriodConsequence:
    said = f"parameters in force from {start}" if start is not None else "the regulation's parameters before its first revision"
    return attrs.evolve(item, note=f"{item.note}; {said}" if item.note else said)


def _field_in_year(record: Record | None, year: int) -> str | None:
    """The field whose date lies in the uncovered year, where one does (else the message says)."""
    if record is None:
        return None
    for name, value in record.values.items():
        if isinstance(value, datetime) and value.year == year:
            return name
    return None
