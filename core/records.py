"""Complaint records: the fields a ticket carries, and reading them from raw rows.

A raw row is a mapping of column header to cell (CSV text, JSON values, spreadsheet cells).
Headers are the snake_case field names of contract.md or the Chinese column headers each
plugin declares as aliases. Cells are checked against the field's kind; a bad cell raises
:class:`FieldError` naming the field and saying what was expected, in words a clerk reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from attrs import frozen

KINDS = ("text", "time", "bool", "choice", "number", "names")

TRUE = frozenset({"true", "1", "是", "yes", "y", "t", "对", "√"})
FALSE = frozenset({"false", "0", "否", "no", "n", "f", "不", "×"})
NAME_SEPARATORS = re.compile(r"\s*[;；、,，]\s*")
EXCEL_EPOCH = datetime(1899, 12, 30)


class FieldError(ValueError):
    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@frozen
class Field:
    """A record field: its name, kind, Chinese column headers and, for a choice, its codes.

    ``choices`` maps each code to its Chinese label; either is accepted in a cell.
    """

    name: str
    kind: str
    doc: str
    aliases: tuple[str, ...] = ()
    choices: Mapping[str, str] | None = None
    required: bool = False
    default: Any = None

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "doc": self.doc}
        if self.aliases:
            out["aliases"] = list(self.aliases)
        if self.choices:
            out["values"] = dict(self.choices)
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

    def __init__(self, values: dict[str, Any], industry: str, source: str, row: int, blank: Mapping[str, None]):
        attributes = self.__dict__
        attributes.update(blank)
        attributes.update(values)
        self.values = values
        self.industry = industry
        self.source = source
        self.row = row

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
        self._defaults = {f.name: f.default for f in merged.values() if f.default is not None}

    def parse(self, raw: Mapping[str, Any], source: str, row: int) -> Record:
        values: dict[str, Any] = dict(self._defaults)
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
            values[name] = read(cell)
        for f in self._required:
            if values.get(f.name) is None:
                raise FieldError(f.name, f"required and missing (column {' or '.join((f.name, *f.aliases))})")
        return Record(values, self.industry, source, row, self._blank)

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
                        return parse_time(cell, zone, name)
                    return t if t.tzinfo is not None else t.replace(tzinfo=zone)
                return parse_time(cell, zone, name)

            return read_time
        if f.kind == "choice" and f.choices:
            codes = self._choice_maps[name]

            def read_choice(cell: Any) -> str:
                code = codes.get(cell)
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
        if kind == "text":
            if isinstance(cell, float) and cell.is_integer():
                cell = int(cell)  # a ticket number a spreadsheet stored as a number
            return str(cell).strip()
        if kind == "time":
            return parse_time(cell, self.timezone, f.name)
        if kind == "bool":
            return parse_bool(cell, f.name)
        if kind == "choice":
            key = str(cell).strip()
            code = self._choice_maps[f.name].get(key)
            if code is None:
                allowed = ", ".join(f"{c} ({label})" for c, label in f.choices.items())
                raise FieldError(f.name, f"{key!r} is not one of the allowed values: {allowed}")
            return code
        if kind == "number":
            return parse_number(cell, f.name)
        if kind == "names":
            if isinstance(cell, (list, tuple)):
                return tuple(str(c).strip() for c in cell if str(c).strip())
            return tuple(n for n in NAME_SEPARATORS.split(str(cell).strip()) if n)
        raise ValueError(f"unknown field kind {kind!r}")


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


def parse_time(cell: Any, timezone: tzinfo, field: str) -> datetime:
    """ISO 8601 (or Excel's 2026/3/2 10:00, or an Excel serial); no offset means local time."""
    if isinstance(cell, datetime):
        t = cell
    elif isinstance(cell, date):
        t = datetime(cell.year, cell.month, cell.day)
    elif isinstance(cell, (int, float)) and not isinstance(cell, bool):
        t = EXCEL_EPOCH + timedelta(days=float(cell))
        t = t.replace(microsecond=0) if t.microsecond > 999000 or t.microsecond < 1000 else t
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
    if isinstance(cell, (int, float)) and cell in (0, 1):
        return bool(cell)
    text = str(cell).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise FieldError(field, f"{cell!r} is not a yes/no value; expected true/false, 1/0 or 是/否")


def parse_number(cell: Any, field: str) -> float:
    if isinstance(cell, bool):
        raise FieldError(field, f"{cell!r} is not a number")
    if isinstance(cell, (int, float)):
        return cell
    text = str(cell).strip().replace(",", "").replace("，", "").removesuffix("元")
    try:
        value = float(text)
    except ValueError:
        raise FieldError(field, f"{cell!r} is not a number") from None
    return int(value) if value.is_integer() else value
