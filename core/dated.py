"""Regulations that change on a date: parameters with the dates their values take effect.

A config key may give one value (in force for every ticket) or a list of values with the date
each takes effect, as OpenFisca's parameters do::

    work_quality_fine = [{from = 2026-07-01, value = [150, 300]}]
    dispatch_hours = [{from = 2005-01-01, value = 1}, {from = 2026-07-01, value = 2}]

Before the first date the regulation's own figure applies (or its own revisions, which a
plugin declares with ``param(..., revisions=((date(2026, 7, 1), 2),))``). The run then has
several *versions* of an industry's parameters, one per date on which anything changes: a
ticket is judged by the version in force when it was received, a period rule by the version in
force on the period's last day. Everything here is plain data; the pipeline picks versions.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from datetime import date, datetime, time, tzinfo
from typing import Any

import attrs

FROM, VALUE = "from", "value"


class DatedError(ValueError):
    """A dated value written wrongly; ``key`` is the parameter."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def is_dated(value: Any) -> bool:
    """A list of tables with ``from`` (a list of plain values is a range, not a history)."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def history(key: str, value: list[Mapping[str, Any]]) -> list[tuple[date, Any]]:
    """A dated value as (date, value) pairs, checked: each a date, in increasing order."""
    out: list[tuple[date, Any]] = []
    for i, entry in enumerate(value):
        extra = set(entry) - {FROM, VALUE}
        if extra or FROM not in entry or VALUE not in entry:
            raise DatedError(key, f"[{i}]: expected {{from = YYYY-MM-DD, value = ...}}, not {dict(entry)!r}")
        when = entry[FROM]
        if isinstance(when, datetime) or not isinstance(when, date):
            raise DatedError(key, f"[{i}].from: expected a date such as 2026-07-01, not {when!r}")
        if out and when <= out[-1][0]:
            raise DatedError(key, f"[{i}].from: {when} is not after {out[-1][0]}: list the dates in order")
        out.append((when, entry[VALUE]))
    return out


def declared_revisions(parameters: type) -> dict[str, list[tuple[date, Any]]]:
    """The revisions a plugin declares for its parameters (``param(..., revisions=...)``)."""
    out = {}
    for a in attrs.fields(parameters):
        revisions = a.metadata.get("revisions")
        if revisions:
            out[a.name] = [(d, list(v) if isinstance(v, tuple) else v) for d, v in revisions]
    return out


def versions(table: Mapping[str, Any], parameters: type) -> list[tuple[date | None, dict[str, Any]]]:
    """The config table as plain tables, one per date anything changes: [(None, first), (d1, ...), ...].

    A key the config dates replaces the plugin's own revisions of it; a key the config gives as one
    value holds for every date.
    """
    histories = declared_revisions(parameters)
    plain: dict[str, Any] = {}
    for key, value in table.items():
        if is_dated(value):
            histories[key] = history(key, value)
        else:
            plain[key] = value
            histories.pop(key, None)
    dates = sorted({d for h in histories.values() for d, _ in h})
    out: list[tuple[date | None, dict[str, Any]]] = []
    for start in (None, *dates):
        version = dict(plain)
        for key, h in histories.items():
            in_force = [v for d, v in h if start is not None and d <= start]
            if in_force:
                version[key] = in_force[-1]
        out.append((start, version))
    return out


class Versions:
    """An industry's parameter versions; ``at(t)`` is the one in force at time ``t``."""

    def __init__(self, versions: list[tuple[date | None, Any]], zone: tzinfo):
        self.items = versions
        self.latest = versions[-1][1]
        # A version starts at 00:00 of its date in the company's zone.
        self._starts = [datetime.combine(d, time(0), zone) for d, _ in versions[1:]]

    @property
    def dated(self) -> bool:
        return len(self.items) > 1

    def at(self, t: datetime) -> Any:
        return self.items[bisect.bisect_right(self._starts, t)][1]

    def on(self, day: date) -> Any:
        """The version in force on ``day`` (a period rule's: the period's last day)."""
        i = bisect.bisect_right([d for d, _ in self.items[1:]], day)
        return self.items[i][1]

    def changes(self, name: str) -> list[tuple[date | None, Any]]:
        """The values one parameter takes, with the date each takes effect (None: from the start)."""
        out: list[tuple[date | None, Any]] = []
        for d, params in self.items:
            value = getattr(params, name)
            if not out or out[-1][1] != value:
                out.append((d, value))
        return out
