"""The company's config (TOML): enabled plugins, calendar overrides and every parameter.

``[policy]``, ``[calendar]`` and ``[serve]`` (the page's) are the core's; ``[plugins.<name>]`` is structured into that
plugin's parameters class. cattrs does the structuring with unknown keys forbidden, and
every error names the file and the dotted key. :func:`render` writes a complete config
with tomli-w, each parameter under a comment citing its rule id and article.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import cattrs
import tomli_w
from attrs import define, field
from cattrs.preconf.tomllib import make_converter

from . import dated
from .calendar import WorkCalendar
from .records import describe_range
from .regulation import ParameterValueError, Regulation, parameter_docs

DEFAULT_PATH = "policy.toml"
ENV_VAR = "POLICY_CONFIG"


class ConfigError(Exception):
    """A config that cannot be used; the message names the file and the key."""


@define
class PolicySection:
    plugins: list[str] = field(factory=list)
    timezone: str = "Asia/Shanghai"
    local_plugins: list[str] = field(factory=list)
    lang: str | None = None  # labels for people in csv, xlsx and the table: "zh" (default) or "en"


@define
class ServeSection:
    """``policy serve``'s settings (README, "The assessors' page"); its command-line options win."""

    token: str | None = None  # every request must carry it; None: no token (this machine only)
    max_upload_mb: int = 200  # the largest upload, all files together
    keep_minutes: int = 60  # an evaluation and its uploads are deleted this long after last looked at


@define
class YearSchedule:
    holidays: list[date] = field(factory=list)
    workdays: list[date] = field(factory=list)


@define
class CalendarSection:
    extra_holidays: list[date] = field(factory=list)
    extra_workdays: list[date] = field(factory=list)
    close_of_business: time | None = None
    years: dict[int, YearSchedule] = field(factory=dict)


@define
class Config:
    policy: PolicySection = field(factory=PolicySection)
    calendar: CalendarSection = field(factory=CalendarSection)
    parameters: dict[str, Any] = field(factory=dict)  # plugin name -> its parameters object (the latest version)
    path: Path | None = None
    # plugin name -> its parameter versions, where a value is dated (core/dated.py)
    versions: dict[str, dated.Versions] = field(factory=dict)
    serve: ServeSection = field(factory=ServeSection)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.policy.timezone)

    def work_calendar(self) -> WorkCalendar:
        cal = self.calendar
        return WorkCalendar.official(
            self.zone,
            cal.extra_holidays,
            cal.extra_workdays,
            {year: (s.holidays, s.workdays) for year, s in cal.years.items()},
            cal.close_of_business,
        )


def _converter() -> cattrs.Converter:
    conv = make_converter(forbid_extra_keys=True)

    def structure_date(value: Any, _: type) -> date:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            return date.fromisoformat(value)
        raise ValueError(f"expected a date such as 2027-01-01, not {value!r}")

    def structure_time(value: Any, _: type) -> time:
        if isinstance(value, time):
            return value
        if isinstance(value, str):
            return time.fromisoformat(value)
        raise ValueError(f"expected a time such as 17:30, not {value!r}")

    def structure_year(value: Any, _: type) -> int:
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return int(value)
        raise ValueError(f"expected a year such as 2027, not {value!r}")

    def structure_int(value: Any, _: type) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, not {value!r}")
        return value

    def structure_float(value: Any, _: type) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number, not {value!r}")
        return value

    def structure_str(value: Any, _: type) -> str:
        if not isinstance(value, str):
            raise ValueError(f"expected a text value in quotes, not {value!r}")
        return value

    def structure_bool(value: Any, _: type) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, not {value!r}")
        return value

    def structure_names(value: Any, _: type) -> list[str]:
        # A bare string would otherwise be read as a list of its letters.
        if not isinstance(value, list):
            raise ValueError(f'expected a list in brackets such as ["power_supply"], not {value!r}')
        return [structure_str(v, str) for v in value]

    conv.register_structure_hook_func(lambda t: t == list[str], structure_names)
    conv.register_structure_hook(date, structure_date)
    conv.register_structure_hook(time, structure_time)
    conv.register_structure_hook(int, structure_int)
    conv.register_structure_hook(float, structure_float)
    conv.register_structure_hook(str, structure_str)
    conv.register_structure_hook(bool, structure_bool)
    conv.register_structure_hook_func(
        lambda t: t == dict[int, YearSchedule],
        lambda value, _: {structure_year(k, int): conv.structure(v, YearSchedule) for k, v in value.items()},
    )
    return conv


CONVERTER = _converter()


def _messages(exc: Exception, prefix: str) -> list[str]:
    """cattrs' nested errors as "key.path: what is wrong" lines."""

    def describe(e: BaseException, _type: Any) -> str:
        if isinstance(e, ParameterValueError):
            return f"{e.name}\x00{e}"
        if isinstance(e, cattrs.ForbiddenExtraKeysError):
            return f"unknown key(s) {', '.join(sorted(e.extra_fields))}"
        if isinstance(e, KeyError):
            return "required key missing"
        return str(e) or type(e).__name__

    out = []
    for line in cattrs.transform_error(exc, path="$", format_exception=describe):
        message, _, where = line.rpartition(" @ ")
        where = where.removeprefix("$").lstrip(".")
        where = re.sub(r"\[(\d+)\]", r"[\1]", where)
        if "\x00" in message:  # a parameter's own check: name the parameter in the key
            name, message = message.split("\x00", 1)
            where = ".".join(p for p in (where, name) if p)
        key = ".".join(p for p in (prefix, where) if p)
        if message.startswith("unknown key(s) "):
            names = message.removeprefix("unknown key(s) ").split(", ")
            for n in names:
                out.append(f"{'.'.join(p for p in (key, n) if p)}: unknown key")
            continue
        out.append(f"{key}: {message}")
    return out


def structure(data: Mapping[str, Any], cls: type, prefix: str, path: Path | str) -> Any:
    try:
        return CONVERTER.structure(dict(data), cls)
    except Exception as e:  # noqa: BLE001 - cattrs raises exception groups
        raise ConfigError("\n".join(f"{path}: {m}" for m in _messages(e, prefix))) from None


def find(path: str | Path | None, environ: Mapping[str, str], installed: Iterable[str] = ()) -> Path:
    """--config, else $POLICY_CONFIG, else ./policy.toml; none found is an error."""
    if path is None:
        path = environ.get(ENV_VAR) or DEFAULT_PATH
    p = Path(path)
    if p.is_dir():
        raise ConfigError(f"{p}: a directory, not a config file (name one with --config FILE or ${ENV_VAR})")
    if not p.is_file():
        names = sorted(installed)
        industry = names[0] if len(names) == 1 else "NAME"
        listed = f" (installed plugins: {', '.join(names)})" if len(names) > 1 else ""
        raise ConfigError(
            f"{p}: no config file here. Make one with `policy init --industry {industry}`{listed} "
            f"(or name one with --config FILE or ${ENV_VAR})."
        )
    return p


def read(path: Path) -> dict[str, Any]:
    """The TOML document, unchecked."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot be read: {e}") from None


def local_plugin_paths(data: Mapping[str, Any], path: Path) -> list[Path]:
    """``policy.local_plugins``, relative to the config file's folder."""
    policy = data.get("policy", {})
    names = policy.get("local_plugins", []) if isinstance(policy, Mapping) else []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ConfigError(f"{path}: policy.local_plugins: expected a list of file paths")
    return [path.parent / n for n in names]


def load(path: Path, regulations: Mapping[str, Regulation]) -> Config:
    """Read and check a config against the regulations the installed plugins declare."""
    return from_dict(read(path), regulations, path)


def from_dict(data: Mapping[str, Any], regulations: Mapping[str, Regulation], path: Path | str = "<config>") -> Config:
    unknown = sorted(set(data) - {"policy", "calendar", "plugins", "serve"})
    if unknown:
        raise ConfigError(
            "\n".join(f"{path}: {k}: unknown table; the config has [policy], [calendar], [plugins.<name>], [serve]"
                      for k in unknown)
        )
    policy = structure(data.get("policy", {}), PolicySection, "policy", path)
    calendar = structure(data.get("calendar", {}), CalendarSection, "calendar", path)
    serve = structure(data.get("serve", {}), ServeSection, "serve", path)
    available = ", ".join(sorted(regulations)) or "(none installed)"
    errors = []
    for name in policy.plugins:
        if name not in regulations:
            errors.append(f"{path}: policy.plugins: unknown plugin {name!r}; available: {available}")
    if not policy.plugins:
        errors.append(f"{path}: policy.plugins: no plugin enabled; available: {available}")
    try:
        ZoneInfo(policy.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(f"{path}: policy.timezone: {policy.timezone!r} is not a time zone such as Asia/Shanghai")
    if policy.lang not in (None, "zh", "en"):
        errors.append(f"{path}: policy.lang: {policy.lang!r} is not a language; expected \"zh\" or \"en\"")
    for key, unit in (("max_upload_mb", "megabytes"), ("keep_minutes", "minutes")):
        if getattr(serve, key) < 1:
            errors.append(f"{path}: serve.{key}: {getattr(serve, key)} is too small; expected a whole number of {unit}, 1 or more")
    if serve.token == "":
        errors.append(f"{path}: serve.token: empty; expected the access token in quotes, or no token key at all")
    tables = data.get("plugins", {})
    if not isinstance(tables, Mapping):
        errors.append(f"{path}: plugins: expected tables [plugins.<name>]")
        tables = {}
    parameters, versions = {}, {}
    for name in sorted(set(tables) | set(policy.plugins)):
        if name not in regulations:
            if name in tables:
                errors.append(f"{path}: plugins.{name}: unknown plugin; available: {available}")
            continue
        # Every table present is checked, enabled or not: a typo waits for no one to enable it.
        table = tables.get(name, {})
        if not isinstance(table, Mapping):
            errors.append(f"{path}: plugins.{name}: expected a table [plugins.{name}]")
            continue
        try:
            structured = _versions(table, regulations[name].parameters, name, path)
        except ConfigError as e:
            errors.append(str(e))
            continue
        if name in policy.plugins:
            parameters[name] = structured[-1][1]  # the latest values
            if len(structured) > 1:
                versions[name] = dated.Versions(structured, ZoneInfo(policy.timezone))
    if errors:
        raise ConfigError("\n".join(errors))
    return Config(policy, calendar, parameters, path if isinstance(path, Path) else None, versions, serve)


def _versions(table: Mapping[str, Any], cls: type, name: str, path: Path | str) -> list[tuple[Any, Any]]:
    """A plugin's table as its parameters, one per date a dated value changes (core/dated.py)."""
    try:
        tables_by_date = dated.versions(table, cls)
    except dated.DatedError as e:
        raise ConfigError(f"{path}: plugins.{name}.{e.key}{e}") from None
    structured = []
    for start, version in tables_by_date:
        try:
            structured.append((start, structure(version, cls, f"plugins.{name}", path)))
        except ConfigError as e:
            raise ConfigError(f"{e} (the values in force from {start})" if start else str(e)) from None
    return structured


def render(enabled: Iterable[str], regulations: Mapping[str, Regulation]) -> str:
    """A complete config: the plugins enabled, every parameter at its default, cited."""
    enabled = list(enabled)
    data: dict[str, Any] = {
        "policy": {"plugins": enabled, "timezone": "Asia/Shanghai", "local_plugins": []},
        "calendar": {"extra_holidays": [], "extra_workdays": []},
        "plugins": {},
    }
    comments: dict[tuple[str, str], str] = {}
    for name in enabled:
        docs = parameter_docs(regulations[name].parameters)
        data["plugins"][name] = {d["name"]: d["default"] for d in docs}
        for d in docs:
            comments[(f"plugins.{name}", d["name"])] = f"# {d['rule']} {d['article']}: {d['doc']}{_unit_note(d)}"
    comments[("policy", "plugins")] = "# industry plugins enabled (`policy plugins` lists what is installed)"
    comments[("policy", "timezone")] = "# a ticket time without an offset is in this zone"
    comments[("policy", "local_plugins")] = (
        "# Python files of the company's own hook implementations. They are RUN as Python code,\n"
        "# with the rights of whoever runs policy: list only files you trust (each --jobs worker runs them too)"
    )
    comments[("calendar", "extra_holidays")] = (
        "# days the official schedule lacks or the company observes; a whole year:\n"
        '# [calendar.years."2027"] holidays = [...] workdays = [...]; close_of_business = 17:30:00'
    )
    comments[("calendar", "extra_workdays")] = "# rest days the company works (调休上班日 the schedule lacks)"
    text = tomli_w.dumps(data)
    out = [
        "# policy config, written by `policy init`. Every figure of the enabled regulations is",
        "# below at its default, under the rule id and article it comes from; edit to override.",
        "# A figure that changes on a date: key = [{from = 2026-07-01, value = NEW}] (the regulation's",
        "# figure before that date), or several {from, value} in date order. Tickets are judged by the",
        "# values in force when they were received; period rules by those on the period's last day.",
        "",
    ]
    table = ""
    for line in text.splitlines():
        if line.startswith("["):
            table = line.strip("[]")
        else:
            key = line.split(" = ", 1)[0] if " = " in line else None
            if key is not None and (table, key) in comments:
                out.append(comments[(table, key)])
        out.append(line)
    return "\n".join(out) + "\n"


def _unit_note(doc: Mapping[str, Any]) -> str:
    """" [0 to 8784 hours (小时)]": a parameter's unit and allowed range, for its comment."""
    if doc["unit"] is None:
        return ""
    return f" [{describe_range(*doc['range'], doc['unit'])}]"


def parameters_as_dict(params: Any) -> dict[str, Any]:
    return {
        a.name: list(v) if isinstance(v := getattr(params, a.name), tuple) else v
        for a in attrs.fields(type(params))
    }
