"""Writing the result document: json, jsonl, csv, a terminal table, a summary and an xlsx workbook.

Results are written as they come (the pipeline streams), the period section, the errors,
the summary and the run section after them. Output depends only on the input and the
config, never on the time of the run or on dict ordering, so the same run gives
byte-identical output.

json and jsonl keep the stable English codes (scripts read them). csv, xlsx, the table and
the summary are for people: in Chinese by default (``--lang``), every code shown by its label
(core/labels.py and each plugin's declarations), times in the company's time zone.

Every writer but xlsx and summary turns one result into bytes with ``render`` (no state, so
``--jobs`` workers render and the parent only writes them in order) and writes them with
``emit``. Streams are binary.
"""

from __future__ import annotations

import csv
import os
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import IO, Any
from zoneinfo import ZoneInfo

import orjson
from attrs import define, field

from policy.cli.summary import SUMMED, Summary
from policy.core.labels import Labels, plural
from policy.core.model import PeriodConsequence, RecordError, Result, as_dict
from policy.core.model import _number  # 300.0 written 300, as the result document does
from policy.core.run import overridden_by_rule

FORMATS = ("table", "json", "jsonl", "csv", "xlsx", "summary")
# Excel's rows per sheet; past it the results go on in sheets 结果 (2), 结果 (3) …
XLSX_MAX_ROWS = 1_048_576
WIDTH_SAMPLE = 2000  # column widths are fitted to each sheet's first rows, not measured on every cell
CSV_ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")

_dumps = orjson.dumps


@define
class Presentation:
    """How a run's output is shown: language, labels, time zone, the run section.

    Plain data, so ``--jobs`` workers get it whole and render exactly as the parent.
    """

    labels: Labels | None = None
    zone: str = "Asia/Shanghai"
    run: dict[str, Any] | None = None
    encoding: str = "utf-8-sig"
    summary_by: str = "person"
    _by_rule: dict[str, list[dict[str, Any]]] = field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        if self.labels is None:
            self.labels = Labels({}, "zh")
        self._by_rule = overridden_by_rule(self.run)

    @property
    def zh(self) -> bool:
        return self.labels.zh

    def overrides_of(self, rule: str | None) -> list[dict[str, Any]]:
        return self._by_rule.get(rule or "", [])


def presentation_of(config: Any, plugins: Any, as_of: datetime, period: str | None, inputs: Iterable[str],
                    lang: str | None = None, encoding: str | None = None, summary_by: str = "person") -> Presentation:
    """A run's presentation: ``--lang`` else the config's ``[policy] lang`` else Chinese; the run section."""
    from policy.core.run import run_section

    versions = {name: info.version for name, info in plugins.info.items()}
    return Presentation(
        Labels(plugins.regulations, lang or config.policy.lang or "zh"), config.policy.timezone,
        run_section(config, versions, plugins.regulations, as_of, period, inputs), encoding or "utf-8-sig", summary_by,
    )


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(value: Any) -> str:
    """Ticket text made safe for a terminal: ANSI escapes and control characters removed."""
    return _CONTROL.sub("", str(value)).replace("\n", " ")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 1)


class Writer:
    """Receives results one by one, then the period section, errors and summary."""

    renders = True  # results can be rendered apart from the stream (xlsx, summary: no)

    def __init__(self, out: IO[bytes], articles: dict[str, str], presentation: Presentation | None = None):
        self.out = out
        self.articles = articles
        self.p = presentation or Presentation()
        self.label = self.p.labels

    def render(self, result: Result) -> bytes:
        raise NotImplementedError

    def emit(self, rendered: bytes) -> None:
        self.out.write(rendered)

    def emit_many(self, rendered: list[bytes]) -> None:
        self.out.write(b"".join(rendered))

    def result(self, result: Result) -> None:
        self.emit(self.render(result))

    def finish(self, period: list[PeriodConsequence], errors: list[RecordError], summary: dict[str, int]) -> None: ...


def renderer(writer: Writer) -> Any:
    """What ``--jobs`` workers build their own writer with: the class and its presentation."""
    return functools.partial(type(writer), presentation=writer.p)


class JsonWriter(Writer):
    """One JSON document; one result per line inside its array, so it can stream."""

    def __init__(self, out: IO[bytes], articles: dict[str, str], presentation: Presentation | None = None):
        super().__init__(out, articles, presentation)
        self.first = True  # nothing written yet: a run refused before its first result leaves no half document

    def render(self, result: Result) -> bytes:
        return b"\n" + _dumps(as_dict(result, self.articles, times_as_text=False))

    def emit(self, rendered: bytes) -> None:
        self.emit_many([rendered])

    def emit_many(self, rendered: list[bytes]) -> None:
        if rendered:
            self.out.write((b'{"results":[' if self.first else b",") + b",".join(rendered))
            self.first = False

    def finish(self, period, errors, summary) -> None:
        w = self.out.write
        if self.first:
            w(b'{"results":[')
        w(b"\n],\n")
        for name, items in ((b"period", period), (b"errors", errors)):
            w(b'"' + name + b'":[')
            w(b",".join(b"\n" + _dumps(as_dict(x, self.articles, times_as_text=False)) for x in items))
            w(b"\n],\n" if items else b"],\n")
        w(b'"summary":' + _dumps(summary))
        if self.p.run is not None:
            w(b',\n"run":' + _dumps(self.p.run))
        w(b"}\n")


class JsonLinesWriter(Writer):
    """One object a line, each with ``type``: result, period, error, summary, then run."""

    def render(self, result: Result) -> bytes:
        return _dumps({"type": "result", **as_dict(result, self.articles, times_as_text=False)}) + b"\n"

    def finish(self, period, errors, summary) -> None:
        for kind, items in (("period", period), ("error", errors)):
            for x in items:
                self.out.write(_dumps({"type": kind, **as_dict(x, self.articles, times_as_text=False)}) + b"\n")
        self.out.write(_dumps({"type": "summary", **summary}) + b"\n")
        if self.p.run is not None:
            self.out.write(_dumps({"type": "run", **self.p.run}) + b"\n")


# -- rows for people: csv and xlsx share them ------------------------------------------------

# (key, Chinese header, English header). ``due_text`` writes an end of day as 24:00 of that
# day, so nobody reads 00:00 of the next day as a day late.
COLUMNS = {
    "section": ("部分", "section"), "id": ("工单编号", "id"), "industry": ("行业", "industry"),
    "received_at": ("受理时间", "received_at"), "unit": ("责任单位", "unit"), "person": ("责任人", "person"),
    "counted": ("是否计入", "counted"), "category": ("类别", "category"), "grade": ("等级", "grade"),
    "classified_by": ("判定条款", "classified_by"), "reason": ("不计入原因", "reason"),
    "repeat_of": ("重复投诉", "repeat_of"), "appeal": ("申诉", "appeal"), "item": ("项目", "item"),
    "rule": ("条款编号", "rule"), "article": ("条款", "article"), "title": ("条款内容", "title"),
    "stage": ("环节", "stage"), "limit": ("时限", "limit"), "due": ("到期时间", "due"),
    "due_text": ("到期(文字)", "due_text"), "done_at": ("完成时间", "done_at"), "status": ("状态", "status"),
    "party": ("责任对象", "party"), "role": ("身份", "role"), "kind": ("考核方式", "kind"),
    "min": ("最低", "min"), "max": ("最高", "max"), "amount": ("考核幅度", "amount"),
    "config": ("本公司配置", "config"), "period": ("期间", "period"), "count": ("件数", "count"),
    "note": ("说明", "note"), "source": ("文件", "source"), "row": ("行", "row"), "field": ("字段", "field"),
    "message": ("问题", "message"),
}
RESULT_KEYS = (
    "id", "industry", "received_at", "unit", "person", "counted", "category", "grade", "classified_by", "reason",
    "repeat_of", "appeal", "item", "rule", "article", "stage", "limit", "due", "due_text", "done_at", "status",
    "party", "role", "kind", "min", "max", "amount", "config", "note",
)
PERIOD_KEYS = ("period", "rule", "article", "party", "role", "kind", "min", "max", "amount", "config", "count", "note")
ERROR_KEYS = ("source", "row", "id", "field", "message")
CSV_COLUMNS = ("section", *RESULT_KEYS[:15], "title", *RESULT_KEYS[15:], "period", "count", "source", "row", "field", "message")


def _joined(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return "、".join(map(str, v))
    return v


class Rows:
    """A result, a period item or an error as flat rows of labelled values."""

    def __init__(self, p: Presentation):
        self.p = p
        self.label = p.labels
        self.zone = ZoneInfo(p.zone)

    def local(self, t: datetime | None) -> datetime | None:
        return None if t is None else t.astimezone(self.zone)

    def _config(self, rule: str | None) -> str | None:
        items = self.p.overrides_of(rule)
        if not items:
            return None
        if self.p.zh:
            return "; ".join(f"{o['parameter']} = {_value(o['value'])} (办法原文 {_value(o['default'])})" for o in items)
        return "; ".join(f"{o['parameter']} = {_value(o['value'])} (regulation: {_value(o['default'])})" for o in items)

    def _marked_amount(self, kind: str, low: Any, high: Any, rule: str) -> str:
        """The figure with its unit, and (本公司配置; 办法原文 …) where the config set it."""
        text = self.label.amount(kind, low, high)
        if not text:
            return text
        for o in self.p.overrides_of(rule):
            value, default = o["value"], o["default"]
            if isinstance(value, list):
                if value != [low, high] or not (isinstance(default, list) and len(default) == 2):
                    continue
                original = self.label.amount(kind, *default)
            elif value == low == high:
                original = self.label.amount(kind, default, default)
            elif value == low:
                original = self.label.amount(kind, default, high)
            elif value == high:
                original = self.label.amount(kind, low, default)
            else:
                continue
            return f"{text} (本公司配置; 办法原文 {original})" if self.p.zh else f"{text} (company config; regulation: {original})"
        return text

    def result(self, result: Result, articles: Mapping[str, str]) -> list[dict[str, Any]]:
        L = self.label
        ind = result.industry
        c = result.classification
        base = {
            "section": "result", "id": result.id, "industry": L("industry", ind, ind),
            "received_at": self.local(result.received_at), "unit": result.unit, "person": _joined(result.person),
            "counted": L("counted", c.counted), "category": L("category", c.category, ind),
            "grade": L("grade", c.grade, ind), "classified_by": ";".join(c.rules) or None, "reason": c.reason,
            "repeat_of": c.repeat_of, "appeal": L("appeal", result.appeal.status),
        }
        rows = []
        for d in result.deadlines:
            limit = L("limit", d.limit, ind)
            config = self._config(d.rule)
            if config and limit:
                limit = f"{limit} (本公司配置)" if self.p.zh else f"{limit} (company config)"
            rows.append({**base, **self._rule(d.rule, articles), "item": L("item", "deadline"),
                         "stage": L("stage", d.stage, ind), "limit": limit, "due": self.local(d.due),
                         "due_text": L.time_text(self.local(d.due)), "done_at": self.local(d.done_at),
                         "status": L("status", d.status), "config": config,
                         # why a status (unknown: the year the calendar lacks), else an extension
                         "note": d.reason or (("已延期" if self.p.zh else "extended") if d.extended else None)})
        for x in result.consequences:
            rows.append({**base, **self._consequence(x, articles, ind), "item": L("item", "consequence")})
        a = result.appeal
        if a.status != "none":
            rows.append({**base, **self._rule(a.rule, articles), "item": L("item", "appeal"), "note": a.reason})
        if not rows:
            rows.append(base)
        return rows

    def _rule(self, rule: str | None, articles: Mapping[str, str]) -> dict[str, Any]:
        article = articles.get(rule or "")
        return {"rule": rule, "article": article, "title": self.label.titles.get(rule or "")}

    def _consequence(self, x: Any, articles: Mapping[str, str], industry: str | None) -> dict[str, Any]:
        L = self.label
        low, high = x.min, x.max
        if x.kind == "sanction":
            low, high = L("sanction", low), L("sanction", high)
        else:
            low, high = _number(low), _number(high)
        return {
            **self._rule(x.rule, articles), "party": _joined(x.party), "role": L("role", x.role, industry),
            "kind": L("kind", x.kind), "min": low, "max": high,
            "amount": self._marked_amount(x.kind, _number(x.min), _number(x.max), x.rule),
            "config": self._config(x.rule), "note": x.note,
        }

    def period(self, p: PeriodConsequence, articles: Mapping[str, str]) -> dict[str, Any]:
        industry = self.label.rule_industry.get(p.rule)
        return {"section": "period", **self._consequence(p, articles, industry),
                "period": self.label("period", p.period), "count": p.count}

    def error(self, e: RecordError) -> dict[str, Any]:
        # For people, the column as the file names it (受理时间), else the field.
        return {"section": "error", "source": e.source, "row": e.row, "id": e.id, "field": e.column or e.field,
                "message": e.message}



def _value(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(map(_value, v)) + "]"
    return f"{v:g}" if isinstance(v, float) else str(v)


def run_rows(run: Mapping[str, Any] | None, zh: bool) -> list[tuple[str, Any]]:
    """The run section as (what, value) lines, for the 运行信息 sheet and the csv's end."""
    if not run:
        return []
    t = (lambda z, e: z) if zh else (lambda z, e: e)
    out: list[tuple[str, Any]] = [
        (t("程序版本", "policy"), run.get("policy")),
        *((t(f"插件 {n}", f"plugin {n}"), v) for n, v in run.get("plugins", {}).items()),
        (t("节假日数据", "calendar"), run.get("calendar")),
    ]
    config = run.get("config") or {}
    out += [(t("配置文件", "config"), config.get("path")), (t("配置文件 SHA-256", "config sha256"), config.get("sha256")),
            (t("评估时间 (--as-of)", "as_of"), run.get("as_of")), (t("期间 (--period)", "period"), run.get("period"))]
    for i in run.get("inputs", []):
        out.append((t("输入文件", "input"), f"{i['name']}  {i['bytes']} bytes  sha256 {i['sha256']}"))
    for o in run.get("overrides", []):
        out.append((t("本公司配置", "override"),
                    f"{o['parameter']} = {_value(o['value'])} ({t('办法原文', 'regulation')} {_value(o['default'])}; {o['rule']} {o.get('article') or ''})".rstrip()))
    return out


def _csv_text(v: Any, zh: bool) -> Any:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S") if zh else v.isoformat()
    return _joined(v)


class CsvWriter(Writer):
    """One row per deadline, consequence, period item and error, with a ``section`` column.

    UTF-8 with a BOM by default, so Excel on a Chinese Windows opens it right on a double
    click; ``--encoding utf-8`` or ``gb18030`` for other readers.
    """

    def __init__(self, out: IO[bytes], articles: dict[str, str], presentation: Presentation | None = None):
        super().__init__(out, articles, presentation)
        self.encoding = "utf-8" if self.p.encoding == "utf-8-sig" else self.p.encoding
        self.rows = Rows(self.p)
        self.zh = self.p.zh
        self.text = io.StringIO()
        self.csv = csv.DictWriter(self.text, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
        self.csv.writerow({k: COLUMNS[k][0 if self.zh else 1] for k in CSV_COLUMNS})
        out.write((b"\xef\xbb\xbf" if self.p.encoding == "utf-8-sig" else b"") + self._take())

    def _take(self) -> bytes:
        text = self.text.getvalue()
        self.text.seek(0)
        self.text.truncate()
        return text.encode(self.encoding, errors="replace")

    def _row(self, values: dict[str, Any]) -> None:
        section = values.get("section")
        if self.zh and section:
            values = {**values, "section": self.label("section", section)}
        self.csv.writerow({k: safe_cell(_csv_text(v, self.zh)) for k, v in values.items()})

    def render(self, result: Result) -> bytes:
        for row in self.rows.result(result, self.articles):
            self._row(row)
        return self._take()

    def finish(self, period, errors, summary) -> None:
        for p in period:
            self._row(self.rows.period(p, self.articles))
        for e in errors:
            self._row(self.rows.error(e))
        self._row({"section": "summary", "note": _counts(summary, self.zh)})
        for what, value in run_rows(self.p.run, self.zh):
            self._row({"section": "run", "field": what, "message": value})
        self.out.write(self._take())


def _counts(summary: Mapping[str, int], zh: bool) -> str:
    if zh:
        return f"共 {summary['records']} 条记录: 已评估 {summary['evaluated']} 条, 被拒绝 {summary['rejected']} 条"
    return f"{plural(summary['records'], 'record')}: {summary['evaluated']} evaluated, {summary['rejected']} rejected"


class TableWriter(Writer):
    """A readable listing for the terminal: a line per ticket, indented lines per figure.

    Ticket text is printed without its control characters: a field holding an ANSI escape
    cannot repaint the terminal.
    """

    def __init__(self, out: IO[bytes], articles: dict[str, str], presentation: Presentation | None = None):
        super().__init__(out, articles, presentation)
        self.rows = Rows(self.p)

    def _time(self, t: datetime | None) -> str:
        return self.label.time_text(self.rows.local(t)) or "-"

    def _cite(self, rule: str | None) -> str:
        return f"{rule or ''} {self.label.article(rule, self.articles.get(rule or '')) or ''}".rstrip()

    def _figure(self, x: Any, industry: str | None) -> str:
        L, s = self.label, printable
        amount = self.rows._marked_amount(x.kind, _number(x.min), _number(x.max), x.rule)
        party = f"{s(_joined(x.party) or '-')} ({L('role', x.role, industry)})"
        return f"{_pad(L('kind', x.kind), 16)}{_pad(amount, 24)}{_pad(party, 28)}{self._cite(x.rule)}"

    def render(self, result: Result) -> bytes:
        L, s = self.label, printable
        c = result.classification
        ind = result.industry
        lines: list[str] = []
        w = lines.append
        zh = self.p.zh
        counted = ("计入" if c.counted else "不计入") if zh else ("counted" if c.counted else "not counted")
        extra = ""
        if c.repeat_of:
            extra = f", 重复投诉 {s(c.repeat_of)}" if zh else f", repeat of {s(c.repeat_of)}"
        w(f"{s(result.id)}  [{L('industry', ind, ind)}]  {counted}  {L('category', c.category, ind) or '-'} / "
          f"{L('grade', c.grade, ind) or '-'}{extra}\n")
        if c.reason:
            w(f"    {s(c.reason)}\n")
        due_word = "到期" if zh else "due"
        for d in result.deadlines:
            w(f"    {_pad(L('status', d.status), 14)}{_pad(L('stage', d.stage, ind), 23)}"
              f"{due_word} {_pad(self._time(d.due), 24)}{self._cite(d.rule)}\n")
            if d.reason:
                w(f"{'':<18}{s(d.reason)}\n")
        a = result.appeal
        if a.status != "none":
            w(f"    {L('appeal', a.status)}: {s(a.reason or '')}  {self._cite(a.rule)}\n")
        for x in result.consequences:
            w(f"    {self._figure(x, ind)}\n")
            if x.note:
                w(f"{'':<20}{s(x.note)}\n")
        return "".join(lines).encode()

    def finish(self, period, errors, summary) -> None:
        lines: list[str] = []
        w = lines.append
        zh = self.p.zh
        if period:
            w("\n期间考核\n" if zh else "\nPeriod\n")
            for p in period:
                count = ""
                if p.count is not None:
                    count = f"  (计 {p.count} 件)" if zh else f"  ({p.count} counted)"
                w(f"    {_pad(self.label('period', p.period), 14)}{self._figure(p, self.label.rule_industry.get(p.rule))}{count}\n")
                if p.note:
                    w(f"{'':<18}{printable(p.note)}\n")
        if errors:
            w("\n被拒绝的记录\n" if zh else "\nRejected\n")
            for e in errors:
                row = f"第 {e.row} 行" if zh else f"row {e.row}"
                w(f"    {printable(e.source)} {row}  {printable(e.id or '-')}  {printable(e.column or e.field or '-')}: {printable(e.message)}\n")
        w(_overrides_text(self.p))
        w(_run_text(self.p))
        w(f"\n{_counts(summary, zh)}\n")
        self.out.write("".join(lines).encode())


def _run_text(p: Presentation) -> str:
    """How the run was made (the run section but its overrides, listed above), for the terminal."""
    rows = [(what, value) for what, value in run_rows(p.run, p.zh) if what not in ("本公司配置", "override")]
    if not rows:
        return ""
    head = "\n运行信息\n" if p.zh else "\nHow this run was made\n"
    return head + "".join(f"    {printable(what)}: {printable('-' if value is None else value)}\n" for what, value in rows)


def _overrides_text(p: Presentation) -> str:
    overrides = (p.run or {}).get("overrides") or []
    if not overrides:
        return ""
    lines = ["\n本公司配置 (与办法原文不同的参数)\n" if p.zh else "\nCompany config (parameters changed from the regulation)\n"]
    for o in overrides:
        word = "办法原文" if p.zh else "regulation"
        lines.append(f"    {o['rule']:<14}{o['parameter']} = {_value(o['value'])}  ({word} {_value(o['default'])})\n")
    return "".join(lines)


# -- 考核汇总 ----------------------------------------------------------------------------------

SUMMARY_KINDS = ("fine", "bonus_months", "reward", "suspension_months", "pay_deduction")


def summary_table(s: Summary, label: Labels) -> tuple[list[str], list[list[Any]]]:
    """The 考核汇总 table: headers and rows (numbers as numbers; no upper bound as text)."""
    zh = label.zh
    party = {"person": ("责任对象", "party"), "unit": ("责任单位", "unit"), "section": ("班组/科所", "section"),
             "department": ("责任部门", "department")}[s.by][0 if zh else 1]
    headers = [party, "期间" if zh else "period"]
    for kind in SUMMARY_KINDS:
        name = label("kind", kind) if zh else kind
        headers += [f"{name} 最低" if zh else f"{name} min", f"{name} 最高" if zh else f"{name} max"]
    headers += ["处分" if zh else "sanctions", "其他" if zh else "other", "工单数" if zh else "tickets",
                "期间考核项" if zh else "period items", "条款" if zh else "rules"]
    no_bound = "无上限" if zh else "no upper bound"
    rows = []
    for r in s.sorted_rows():
        row: list[Any] = [r.party, label("period", r.period)]
        for kind in SUMMARY_KINDS:
            low, high = r.total(kind)
            row += [low, no_bound if low is not None and high is None else high]
        row.append("; ".join(label.amount("sanction", lo, hi) for lo, hi in r.sanctions) or None)
        others = []
        for kind in SUMMED:
            if kind not in SUMMARY_KINDS and kind in r.low:
                low, high = r.total(kind)
                others.append(f"{label('kind', kind)} {label.amount(kind, low, high)}")
        others += [f"{label('kind', k)} ×{n}" for k, n in sorted(r.others.items())]
        row += ["; ".join(others) or None, r.tickets, r.period_items, ", ".join(sorted(r.rules))]
        rows.append(row)
    return headers, rows


class SummaryWriter(Writer):
    """``--format summary``: the 考核汇总 table on the terminal, one line per party and period."""

    renders = False

    def __init__(self, out: IO[bytes], articles: dict[str, str], presentation: Presentation | None = None):
        super().__init__(out, articles, presentation)
        self.summary = Summary(self.p.summary_by, self.p.zone)

    def result(self, result: Result) -> None:
        self.summary.add_result(result)

    def finish(self, period, errors, summary) -> None:
        self.summary.add_period(period)
        headers, rows = summary_table(self.summary, self.label)
        shown = [i for i in range(len(headers)) if i < 2 or any(r[i] not in (None, "") for r in rows)]
        table = [[printable(headers[i]) for i in shown]] + [[printable("" if r[i] is None else r[i]) for i in shown] for r in rows]
        widths = [max(_width(row[i]) for row in table) + 2 for i in range(len(shown))]
        lines = ["".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() + "\n" for row in table]
        note = ("单张工单的考核计入其受理月份; 期间规则的考核计入其期间。\n" if self.p.zh
                else "A ticket's consequences count in the month it was received; a period rule's in its period.\n")
        text = "".join(lines) + "\n" + note + _overrides_text(self.p) + _run_text(self.p) + f"\n{_counts(summary, self.p.zh)}\n"
        self.out.write(text.encode())


# -- the workbook ------------------------------------------------------------------------------

class XlsxWriter(Writer):
    """A workbook: 结果 (a row per deadline and consequence, with the ticket's context), 考核汇总,
    期间考核, 错误, 汇总 and 运行信息.

    Labelled values, real Excel datetimes in the company's zone, a frozen and filtered header
    row, columns wide enough for Chinese text; every text cell is written as text, so nothing a
    ticket says can run as a formula. xlsxwriter's constant_memory mode keeps memory flat: each
    row is flushed once the next one starts. Past Excel's 1,048,576 rows a sheet continues in
    结果 (2), 结果 (3) …: no row is ever dropped.
    """

    renders = False

    def __init__(self, path: str, articles: dict[str, str], presentation: Presentation | None = None):
        import xlsxwriter

        super().__init__(None, articles, presentation)
        self.rows = Rows(self.p)
        self.summary = Summary(self.p.summary_by, self.p.zone)
        # xlsxwriter's row files go beside the workbook (where a killed run leaves them findable),
        # not in the system's temporary directory.
        self.book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                               "strings_to_urls": False, "strings_to_numbers": False,
                                               "tmpdir": os.path.dirname(os.path.abspath(path))})
        # The workbook records when it was made: the run's evaluation time, not the clock, so the
        # same inputs and config give the same bytes.
        as_of = (self.p.run or {}).get("as_of")
        created = datetime.fromisoformat(as_of).astimezone(timezone.utc) if as_of else datetime(2000, 1, 1, tzinfo=timezone.utc)
        self.book.set_properties({"created": created.replace(tzinfo=None)})
        self.bold = self.book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.datetime = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.zh = self.p.zh
        self.sheets: dict[str, list] = {}
        self._sheet("results", "结果" if self.zh else "results", RESULT_KEYS)

    def _header(self, key: str) -> str:
        return COLUMNS[key][0 if self.zh else 1] if key in COLUMNS else key

    def _sheet(self, key: str, title: str, keys: tuple[str, ...], headers: list[str] | None = None) -> list:
        ws = self.book.add_worksheet(title)
        headers = headers or [self._header(k) for k in keys]
        for c, header in enumerate(headers):
            ws.write_string(0, c, header, self.bold)
        entry = [ws, keys, 0, [_width(h) for h in headers], headers]
        self.sheets.setdefault(key, []).append(entry)
        return entry

    def _row(self, key: str, values: dict[str, Any] | list[Any]) -> None:
        entry = self.sheets[key][-1]
        if entry[2] + 1 >= XLSX_MAX_ROWS:
            pages = self.sheets[key]
            base = pages[0][0].name
            entry = self._sheet(key, f"{base} ({len(pages) + 1})", entry[1], entry[4])
        ws, keys, row, widths, _ = entry
        row += 1
        measure = row <= WIDTH_SAMPLE
        cells = values if isinstance(values, list) else [values.get(k) for k in keys]
        for c, v in enumerate(cells):
            if v is None or v == "":
                continue
            if isinstance(v, bool):
                v = ("是" if v else "否") if self.zh else ("yes" if v else "no")
            if isinstance(v, datetime):
                ws.write_datetime(row, c, v.replace(tzinfo=None), self.datetime)
                size = 16
            elif isinstance(v, (int, float)):
                ws.write_number(row, c, v)
                size = len(str(v))
            else:
                v = str(_joined(v))
                ws.write_string(row, c, v)
                # Chinese is 3 bytes in UTF-8 and 2 columns wide, ASCII 1 and 1.
                size = (len(v.encode()) + len(v)) // 2 if measure else 0
            if size > widths[c]:
                widths[c] = size
        entry[2] = row

    def _close(self, entry: list) -> None:
        ws, _, rows, widths, _ = entry
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(rows, 1), max(len(widths) - 1, 0))
        for c, width in enumerate(widths):
            ws.set_column(c, c, min(width + 2, 60))

    def result(self, result: Result) -> None:
        self.summary.add_result(result)
        for row in self.rows.result(result, self.articles):
            row["article"] = " ".join(x for x in (row.get("article"), row.get("title")) if x) or None
            self._row("results", row)

    def finish(self, period, errors, summary) -> None:
        zh = self.zh
        self.summary.add_period(period)
        headers, rows = summary_table(self.summary, self.label)
        self._sheet("totals", "考核汇总" if zh else "totals", (), headers)
        for r in rows:
            self._row("totals", r)
        self._sheet("period", "期间考核" if zh else "period", PERIOD_KEYS)
        for p in period:
            row = self.rows.period(p, self.articles)
            row["article"] = " ".join(x for x in (row.get("article"), row.get("title")) if x) or None
            self._row("period", row)
        self._sheet("errors", "错误" if zh else "errors", ERROR_KEYS)
        for e in errors:
            self._row("errors", self.rows.error(e))
        self._sheet("summary", "汇总" if zh else "summary", (), ["项目" if zh else "item", "数量" if zh else "count"])
        for k, label in (("records", "记录"), ("evaluated", "已评估"), ("rejected", "被拒绝")):
            self._row("summary", [label if zh else k, summary[k]])
        if len(self.sheets["results"]) > 1:
            self._row("summary", ["结果工作表" if zh else "result sheets", len(self.sheets["results"])])
        self._row("summary", [("单张工单的考核计入其受理月份" if zh else "a ticket's consequences count in its month of receipt"), None])
        for o in (self.p.run or {}).get("overrides", []):
            word = "办法原文" if zh else "regulation"
            self._row("summary", ["本公司配置" if zh else "override",
                                  f"{o['rule']} {o['parameter']} = {_value(o['value'])} ({word} {_value(o['default'])})"])
        if self.p.run is not None:
            self._sheet("run", "运行信息" if zh else "run", (), ["项目" if zh else "item", "内容" if zh else "value"])
            for what, value in run_rows(self.p.run, zh):
                self._row("run", [what, None if value is None else str(value)])
        for entries in self.sheets.values():
            for entry in entries:
                self._close(entry)
        self.book.close()


WRITERS = {"json": JsonWriter, "jsonl": JsonLinesWriter, "csv": CsvWriter, "table": TableWriter, "xlsx": XlsxWriter,
           "summary": SummaryWriter}


def write_all(writer: Writer, results: Iterable[list[bytes] | Result | RecordError], errors: list[RecordError]) -> None:
    """Write each result (or results ``--jobs`` rendered already); keep the errors for the end."""
    for r in results:
        if r.__class__ is list:
            writer.emit_many(r)
        elif isinstance(r, RecordError):
            errors.append(r)
        else:
            writer.result(r)
