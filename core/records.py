"""Complaint records: the fields a ticket carries, and reading them from raw rows.

A raw row is a mapping of column header to cell (CSV text, JSON values, spreadsheet cells).
Headers are the snake_case field names of contract.md or the Chinese column headers each
plugin declares as aliases. Cells are checked against the field's kind, and numbers against
the field's range; a bad cell raises :class:`FieldError` naming the field and saying what was
expected, in words a clerk reads. Whatever else reading a cell raises becomes that field's
error too: wrong input is never a crash, nor blamed on plugin code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from attrs import field, frozen

FIELD_KINDS = ("text", "time", "bool", "choice", "number", "names")
# A float holds every whole number below this; past it a spreadsheet or JSON number has lost digits.
EXACT_INTEGERS = 2**53

# The units a figure is counted in, shared by record fields and parameters (as OpenFisca's
# parameters carry theirs): the Chinese a person reads, and the sanity range a value in that
# unit must fall in when its declaration names no range of its own. The ranges are generous
# on purpose: they catch a typo, a phone number or 1e400, not a hard regulation.
UNITS: dict[str, tuple[str, tuple[float, float]]] = {
    "yuan": ("元", (0, 1e9)),  # a billion yuan: beyond any fine, reward or compensation
    "hours": ("小时", (0, 366 * 24)),  # no time limit in these regulations runs a year
    "minutes": ("分钟", (0, 366 * 24 * 60)),
    "days": ("天", (0, 366)),
    "working_days": ("工作日", (0, 261)),  # a year's weekdays (52 × 5 + 1)
    "months": ("个月", (0, 120)),
    "percent": ("%", (0, 100)),
    "points": ("分", (0, 100)),  # the score sheets are out of 100
    "count": ("件", (0, 1_000_000)),
    "times": ("倍", (0, 100)),  # a multiplier (加倍考核)
}
# A number with no unit and no range of its own: finite, not negative, at most a billion.
NUMBER_RANGE = (0, 1e9)
# An Excel serial is a day count from 1899-12-30; 2958465 is 9999-12-31, Excel's last day.
EXCEL_SERIAL_RANGE = (1, 2958465)


def unit_range(unit: str | None) -> tuple[float, float]:
    return UNITS[unit][1] if unit is not None else NUMBER_RANGE


def describe_range(low: float, high: float, unit: str | None) -> str:
    """"0 to 1000000000 yuan (元)": what a person is told a value must lie in."""
    label = f" {unit} ({UNITS[unit][0]})" if unit is not None else ""
    return f"{low:g} to {high:.15g}{label}"


TRUE = frozenset({"true", "1", "是", "yes", "y", "t", "对", "√"})
FALSE = frozenset({"false", "0", "否", "no", "n", "f", "不", "×"})
NAME_SEPARATORS = re.compile(r"\s*[;；、,，]\s*")
EXCEL_EPOCH = datetime(1899, 12, 30)


def _known_kind(_field: Any, _attribute: Any, kind: str) -> None:
    if kind not in FIELD_KINDS:
        raise ValueError(f"unknown field kind {kind!r}; one of {', '.join(FIELD_KINDS)}")


class FieldError(ValueError):
    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@frozen
class Field:
    """A record field: its name, kind, Chinese column headers and, for a choice, its codes.

    ``choices`` maps each code to its Chinese label; either is accepted in a cell. A number
    has a ``unit`` (a key of :data:`UNITS`) and a ``range`` (low, high), both inclusive;
    without a range of its own it takes its unit's sanity range, and without a unit
    :data:`NUMBER_RANGE`. NaN and infinities are never in range.
    """

    name: str
    kind: str = field(validator=_known_kind)
    doc: str = ""
    aliases: tuple[str, ...] = ()
    choices: Mapping[str, str] | None = None
    required: bool = False
    default: Any = None
    unit: str | None = field(default=None, kw_only=True)
    range: tuple[float, float] | None = field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.unit is not None and self.unit not in UNITS:
            raise ValueError(f"field {self.name}: unknown unit {self.unit!r}; one of {', '.join(UNITS)}")
        if self.range is not None and not (len(self.range) == 2 and self.range[0] <= self.range[1]):
            raise ValueError(f"field {self.name}: range must be (low, high) with low <= high, not {self.range!r}")

    @property
    def bounds(self) -> tuple[float, float]:
        """The inclusive range a number of this field must lie in."""
        return self.range if self.range is not None else unit_range(self.unit)

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "doc": self.doc}
        if self.aliases:
            out["aliases"] = list(self.aliases)
        if self.choices:
            out["values"] = dict(self.choices)
        if self.kind == "number":
            out["range"] = list(self.bounds)
            if self.unit is not None:
                out["unit"] = self.unit
        if self.required:
            out["required"] = True
        if self.default is not None:
            out["default"] = self.default
        return out


# The fields every industry shares (contract.md, "Common fields").
COMMON_FIELDS = (
    Field("id", "text", "ticket number, unique within a run", ("工单编号", "工单号", "编号"), required=True),
    Field("industry", "text", "plugin name; required only when several plugins are enabled", ("行业",)),
    Field("received_at", "time", "when the complaint was accepted", ("受理时间",), required=True),
    Field(
        "channel",
        "choice",
        "how the complaint came in",
        ("渠道", "投诉渠道"),
        choices={
            "hotline": "热线",
            "hotline_12345": "12345",
            "web": "网站",
            "letter": "信函",
            "visit": "来访",
            "onsite": "现场",
            "media": "媒体",
            "superior": "上级转办",
        },
    ),
    Field("category", "text", "the plugin's category code or its Chinese label", ("投诉类别", "类别")),
    Field("verified", "bool", "the complaint was verified true (经查属实)", ("经查属实", "是否属实")),
    Field("responsible", "bool", "the company is responsible for the cause (责任原因)", ("责任原因", "是否责任")),
    Field("event_key", "text", "the same matter or event across tickets", ("事件", "事件编号")),
    Field("person", "text", "the responsible person", ("责任人",)),
    Field("section", "text", "the responsible person's section (班组/科所)", ("班组", "科所")),
    Field("department", "text", "the responsible department", ("责任部门", "部门")),
    Field("unit", "text", "the responsible unit", ("责任单位", "单位")),
    Field("dispatched_at", "time", "when the ticket was passed to the unit", ("派单时间", "下发时间")),
    Field("contacted_at", "time", "when the unit contacted the customer", ("联系时间", "联系客户时间")),
    Field("resolved_at", "time", "when handling was finished", ("处理完成时间", "办结时间")),
    Field("replied_at", "time", "when the customer was answered", ("答复时间", "回复时间")),
    Field("revisited_at", "time", "when the customer was revisited", ("回访时间",)),
    Field("returned_at", "time", "when the unit returned the ticket", ("退回时间", "退单时间")),
    Field("reported_at", "time", "when the event was reported upwards", ("上报时间",)),
    Field("due_at", "time", "the ticket's own due time", ("到期时间", "工单到期时间")),
    Field("extended_until", "time", "the due time moved by an approved extension", ("延期至", "延期时间")),
    Field("appeal_filed_at", "time", "when an appeal was filed", ("申诉时间",)),
    Field("appeal_ground", "text", "the ground of the appeal (the plugin's codes)", ("申诉理由",)),
    Field("appeal_evidence", "bool", "the appeal carries its evidence", ("申诉证据", "佐证材料")),
    Field("appeal_approved", "bool", "the appeal was approved by whoever must approve it", ("申诉批准", "申诉审批")),
)


class Record:
    """One parsed ticket. Declared fields are attributes; an absent one reads as None.

    ``source`` and ``row`` locate it in the input; ``values`` holds the cells given. Every
    declared field lives in the instance dict (absent ones as None), so reading a field is a
    plain attribute lookup with no Python call.
    """

    def __init__(
        self,
        values: dict[str, Any],
        industry: str,
        source: str,
        row: int,
        blank: Mapping[str, None],
        date_only: tuple[tuple[str, str], ...] = (),
    ):
        attributes = self.__dict__
        attributes.update(blank)
        attributes.update(values)
        self.values = values
        self.industry = industry
        self.source = source
        self.row = row
        # (field, column header) of each time given as a day only, read as 00:00 of that day.
        self.date_only = date_only

    def __getattr__(self, name: str) -> Any:
        # Only reached for a name that is not a field of this industry.
        raise AttributeError(f"records of {self.industry} have no field {name!r}")

    def __repr__(self) -> str:
        return f"Record({self.industry}, {self.values!r})"


class RecordParser:
    """Reads raw rows into Records for one industry's fields (common fields included)."""

    def __init__(self, industry: str, fields: Iterable[Field], timezone: tzinfo):
        fields = tuple(fields)
        merged: dict[str, Field] = {}
        for f in (*COMMON_FIELDS, *fields):
            if f.name in merged:
                # A plugin may restate a common field (its own aliases, its own choices).
                base = merged[f.name]
                f = Field(
                    f.name,
                    f.kind,
                    f.doc or base.doc,
                    tuple(dict.fromkeys((*base.aliases, *f.aliases))),
                    f.choices if f.choices is not None else base.choices,
                    f.required or base.required,
                    f.default if f.default is not None else base.default,
                    unit=f.unit if f.unit is not None else base.unit,
                    range=f.range if f.range is not None else base.range,
                )
            merged[f.name] = f
        self.industry = industry
        self.fields = merged
        self.timezone = timezone
        self.names = frozenset(merged)
        self._blank = dict.fromkeys(merged)
        # A plugin's own column headers win over the common fields' (答复时间 is the plugin's field).
        own = {f.name for f in fields}
        self.by_header: dict[str, Field] = {}
        for f in sorted(merged.values(), key=lambda f: f.name in own):
            for header in (f.name, *f.aliases):
                self.by_header[header] = f
        self._choice_maps = {
            f.name: _choice_map(f.choices) for f in merged.values() if f.kind == "choice" and f.choices
        }
        read = {name: self._reader(f) for name, f in merged.items()}
        # Header (field name or Chinese alias) -> (field name, reader of its cells).
        self._readers = {header: (f.name, read[f.name]) for header, f in self.by_header.items()}
        self._required = [f for f in merged.values() if f.required]
        self._order = {name: i for i, name in enumerate(merged)}  # declared order: which bad cell is reported
        self._date_only: list[tuple[str, Any]] = []  # the time cells of the row being parsed given as days
        self._defaults = {f.name: f.default for f in merged.values() if f.default is not None}

    def parse(self, raw: Mapping[str, Any], source: str, row: int) -> Record:
        values: dict[str, Any] = dict(self._defaults)
        date_only = self._date_only = []
        try:
            self._read_cells(raw, values)
        except FieldError:
            # Of several bad cells, the one reported is the first in the declared order of the
            # fields, not of the columns: the same record gives the same error in any format.
            errors = []
            self._read_cells(raw, {}, errors)
            raise min(errors, key=lambda e: self._order.get(e.field, len(self._order))) from None
        for f in self._required:
            if values.get(f.name) is None:
                raise FieldError(f.name, f"required and missing (column {' or '.join((f.name, *f.aliases))})")
        if date_only:  # rare: name each such time by the column the input used
            used = {self._readers[h][0]: h for h in raw if h in self._readers}
            days = tuple((n, used.get(n, n)) for n in dict(date_only))
            return Record(values, self.industry, source, row, self._blank, days)
        return Record(values, self.industry, source, row, self._blank)

    def _read_cells(self, raw: Mapping[str, Any], values: dict[str, Any], errors: list | None = None) -> None:
        """Each mapped cell of ``raw`` into ``values``; a bad cell raises its FieldError, or, with
        ``errors``, is added to it and the others are read all the same."""
        readers = self._readers
        for header, cell in raw.items():
            reader = readers.get(header)
            if reader is None:
                reader = readers.get(header.strip()) if isinstance(header, str) else None
                if reader is None:
                    continue  # exports carry many columns no rule reads
            if cell is None or (cell.__class__ is str and (not cell or cell.isspace())):
                continue
            name, read = reader
            try:
                values[name] = read(cell)
            except FieldError as e:
                if errors is None:
                    raise
                errors.append(e)
            except Exception as e:  # noqa: BLE001 - the reader boundary: any cell is the input's fault
                # A list where text belongs, a nested object, 13800138000 as a spreadsheet
                # serial: whatever a cell makes the reading raise is that field's error.
                error = FieldError(name, f"{_shown(cell)} cannot be read as {_EXPECTED[self.fields[name].kind]}"
                                         f" ({type(e).__name__})")
                if errors is None:
                    raise error from None
                errors.append(error)

    def _reader(self, f: Field):
        """A function reading one cell of ``f``; the common cases take the shortest path."""
        name, zone = f.name, self.timezone
        if f.kind == "time":
            fromiso = datetime.fromisoformat

            def read_time(cell: Any) -> datetime:
                if isinstance(cell, str):
                    try:
                        t = fromiso(cell)
                    except ValueError:
                        t = parse_time(cell, zone, name)
                        if _DATE_ONLY.match(cell):
                            self._date_only.append((name, cell))
                        return t
                    if len(cell) <= 10:  # ISO 8601 with a time of day is longer: 2026-03-05T09
                        self._date_only.append((name, cell))
                    return t if t.tzinfo is not None else t.replace(tzinfo=zone)
                if is_date_only(cell):
                    self._date_only.append((name, cell))
                return parse_time(cell, zone, name)

            return read_time
        if f.kind == "choice" and f.choices:
            codes = self._choice_maps[name]

            def read_choice(cell: Any) -> str:
                code = codes.get(cell) if cell.__class__ is str else None
                return code if code is not None else self.read(f, cell)

            return read_choice
        if f.kind == "bool":
            def read_bool(cell: Any) -> bool:
                return cell if cell is True or cell is False else parse_bool(cell, name)

            return read_bool
        if f.kind == "text":
            def read_text(cell: Any) -> str:
                return cell.strip() if isinstance(cell, str) else self.read(f, cell)

            return read_text
        if f.kind == "names":
            split = NAME_SEPARATORS.split

            def read_names(cell: Any) -> tuple[str, ...]:
                if isinstance(cell, str):
                    return tuple(n for n in split(cell.strip()) if n)
                return self.read(f, cell)

            return read_names
        return lambda cell: self.read(f, cell)

    def read(self, f: Field, cell: Any) -> Any:
        kind = f.kind
        if isinstance(cell, (dict, list, tuple, set)) and not (kind == "names" and isinstance(cell, (list, tuple))):
            raise FieldError(f.name, f"{_shown(cell)} is not {_EXPECTED[kind]}")
        if kind == "text":
            if isinstance(cell, float):
                if not math.isfinite(cell):
                    raise FieldError(f.name, f"{cell!r} is not {_EXPECTED[kind]}")
                if abs(cell) >= EXACT_INTEGERS:
                    # Beyond 2**53 a spreadsheet or JSON number has lost digits: 1.2345678901234568e+28
                    # would become a ticket number nobody wrote.
                    raise FieldError(f.name, f"{cell!r} is a number too long to keep every digit; write it as text")
                if cell.is_integer():
                    cell = int(cell)  # a ticket number a spreadsheet stored as a number
            elif isinstance(cell, bool):
                raise FieldError(f.name, f"{cell!r} is not {_EXPECTED[kind]}")
            return str(cell).strip()
        if kind == "time":
            return parse_time(cell, self.timezone, f.name)
        if kind == "bool":
            return parse_bool(cell, f.name)
        if kind == "choice":
            if not isinstance(cell, (str, int, float)) or isinstance(cell, bool):
                raise FieldError(f.name, f"{_shown(cell)} is not one of the allowed values")
            key = str(cell).strip()
            code = self._choice_maps[f.name].get(key)
            if code is None:
                allowed = ", ".join(f"{c} ({label})" for c, label in f.choices.items())
                raise FieldError(f.name, f"{key!r} is not one of the allowed values: {allowed}")
            return code
        if kind == "number":
            low, high = f.bounds
            value = parse_number(cell, f.name)
            if not low <= value <= high:  # False for NaN as well
                raise FieldError(f.name, f"{_shown(value)} is outside the allowed range: "
                                 f"{describe_range(low, high, f.unit)}")
            return value
        if kind == "names":
            if isinstance(cell, (list, tuple)):
                if not all(isinstance(c, (str, int)) and not isinstance(c, bool) for c in cell):
                    raise FieldError(f.name, f"{_shown(cell)} is not {_EXPECTED[kind]}")
                return tuple(str(c).strip() for c in cell if str(c).strip())
            return tuple(n for n in NAME_SEPARATORS.split(str(cell).strip()) if n)
        raise ValueError(f"unknown field kind {kind!r}")


_EXPECTED = {
    "text": "text",
    "time": "a date and time such as 2026-03-02 10:00",
    "bool": "a yes/no value (true/false, 1/0 or 是/否)",
    "choice": "one of the allowed values",
    "number": "a number",
    "names": "names separated by ; or a list of names",
}


def _shown(cell: Any) -> str:
    """A cell as a clerk may be shown it: short, and never the repr of a deep structure."""
    if isinstance(cell, dict):
        return "an object with fields"
    if isinstance(cell, (list, tuple, set)):
        return "a list"
    if isinstance(cell, int) and not isinstance(cell, bool) and abs(cell) >= 10**30:
        return f"a number of {len(str(abs(cell))) if abs(cell) < 10**4000 else 'over 4000'} digits"
    text = repr(cell)
    return text if len(text) <= 60 else text[:57] + "..."


_HEADER_SPACE = re.compile(r"\s+")


def header_key(text: str) -> str:
    """A column header as it is matched: without byte-order marks, spaces and line breaks (a
    header cell wrapped over two lines, ``受理\n时间``, is ``受理时间``), case folded."""
    return _HEADER_SPACE.sub("", text.replace("\ufeff", "")).casefold()


def _choice_map(choices: Mapping[str, str]) -> dict[str, str]:
    out = {}
    for code, label in choices.items():
        out[code] = code
        out[label] = code
    return out


_DATE_ONLY = re.compile(r"^\s*\d{4}[/.年-]\d{1,2}[/.月-]\d{1,2}日?\s*$")


def is_date_only(cell: Any) -> bool:
    """A cell that gives a day but no time of day: 2026-03-05, a date cell, a whole serial."""
    if isinstance(cell, datetime):
        return False
    if isinstance(cell, date):
        return True
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return float(cell).is_integer()
    return isinstance(cell, str) and _DATE_ONLY.match(cell) is not None


def date_only_warnings(record: Record, deadlines: Iterable[Any]) -> list[str]:
    """What a result says of each time given as a day only, where that decided a limit.

    Every limit of the regulations is judged to the minute (conventions.md). A day read as
    00:00 is exact as the start of a limit in days or working days (the start day never
    counts), but it decides a limit counted in hours or minutes from it, and as the time a
    stage was done it reads as 24:00 of the day before. Those deadlines are named.
    """
    out = []
    for name, header in record.date_only:
        read_as = record.values[name]
        decided = [d for d in deadlines if d.due is not None and (d.done_at == read_as or _counted_from(d, read_as))]
        if decided:
            column = header if header == name else f"{header} ({name})"
            rules = ", ".join(f"{d.rule} ({d.limit})" for d in decided)
            out.append(
                f"{column} {read_as.date().isoformat()} has no time of day and was read as 00:00, "
                f"which decides {rules}: give the time of day"
            )
    return out


def _counted_from(deadline: Any, start: datetime) -> bool:
    """The deadline is a limit in hours or minutes counted from ``start`` (its due = start + N)."""
    amount, _, unit = deadline.limit.partition(" ")
    unit = unit if unit.endswith("s") else unit + "s"
    if deadline.extended or unit not in ("hours", "minutes"):
        return False
    try:
        return deadline.due - start == timedelta(**{unit: float(amount)})
    except (ValueError, OverflowError):
        return False


def parse_time(cell: Any, timezone: tzinfo, field: str) -> datetime:
    """ISO 8601 (or Excel's 2026/3/2 10:00, or an Excel serial); no offset means local time."""
    if isinstance(cell, datetime):
        t = cell
    elif isinstance(cell, date):
        t = datetime(cell.year, cell.month, cell.day)
    elif isinstance(cell, (int, float)) and not isinstance(cell, bool):
        low, high = EXCEL_SERIAL_RANGE
        if not low <= cell <= high:  # False for NaN too
            raise FieldError(
                field,
                f"{_shown(cell)} is not a date and time (as a spreadsheet date it would be outside "
                "the years 1900–9999); expected e.g. 2026-03-02 10:00",
            )
        t = EXCEL_EPOCH + timedelta(days=float(cell))
        t = t.replace(microsecond=0) if t.microsecond > 999000 or t.microsecond < 1000 else t
    elif not isinstance(cell, str):
        raise FieldError(field, f"{_shown(cell)} is not a date and time; expected e.g. 2026-03-02 10:00")
    else:
        text = str(cell).strip()
        try:
            t = datetime.fromisoformat(text)
        except ValueError:
            t = _parse_loose_time(text, field)
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone)
    return t


_LOOSE_TIME = re.compile(
    r"^(\d{4})[/.年-](\d{1,2})[/.月-](\d{1,2})日?(?:[ T]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})秒?)?)?$"
)


def _parse_loose_time(text: str, field: str) -> datetime:
    m = _LOOSE_TIME.match(text)
    if m:
        try:
            return datetime(*(int(g) for g in m.groups() if g is not None))
        except ValueError:
            pass
    raise FieldError(
        field,
        f"{text!r} is not a date and time; expected e.g. 2026-03-02 10:00 "
        "or 2026-03-02T10:00:00+08:00",
    )


def parse_bool(cell: Any, field: str) -> bool:
    if isinstance(cell, bool):
        return cell
    if not isinstance(cell, (str, int, float)):
        raise FieldError(field, f"{_shown(cell)} is not a yes/no value; expected true/false, 1/0 or 是/否")
    if isinstance(cell, (int, float)) and cell in (0, 1):
        return bool(cell)
    text = str(cell).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise FieldError(field, f"{cell!r} is not a yes/no value; expected true/false, 1/0 or 是/否")


def parse_number(cell: Any, field: str) -> float:
    """A finite number: JSON and spreadsheet numbers as they are, text as written on paper
    (1,200 or 1200元). NaN and infinities, in any spelling, are not numbers here."""
    if isinstance(cell, bool) or not isinstance(cell, (int, float, str)):
        raise FieldError(field, f"{_shown(cell)} is not a number")
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        value = cell
    else:
        text = cell.strip().replace(",", "").replace("，", "").removesuffix("元").strip()
        try:
            value = float(text)
        except ValueError:
            raise FieldError(field, f"{_shown(cell)} is not a number") from None
    if not math.isfinite(value):
        raise FieldError(field, f"{_shown(cell)} is not a finite number")
    return int(value) if value.is_integer() and cell.__class__ is str else value


def roster_cell(row: Mapping[str, Any], *headers: str) -> str | None:
    """The first non-empty cell of ``row`` under any of ``headers``, as stripped text.

    A roster (``--roster``) is a plain table a plugin reads in its period hook; each plugin
    names the columns it needs, in English and Chinese.
    """
    return next((str(row[h]).strip() for h in headers if row.get(h) not in (None, "")), None)
