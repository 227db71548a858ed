"""Writing the result document: json, jsonl, csv, a terminal table and an xlsx workbook.

Results are written as they come (the pipeline streams), the period section, the errors
and the summary after them. Output depends only on the input and the config, never on
the time of the run or on dict ordering, so the same run gives byte-identical output.

Every writer but xlsx turns one result into bytes with ``render`` (no state, so ``--jobs``
workers render and the parent only writes them in order) and writes them with ``emit``.
Streams are binary; text is UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO, Any

import orjson

from policy.core.model import PeriodConsequence, RecordError, Result, as_dict

FORMATS = ("table", "json", "jsonl", "csv", "xlsx")

_dumps = orjson.dumps


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class Writer:
    """Receives results one by one, then the period section, errors and summary."""

    renders = True  # results can be rendered apart from the stream (xlsx: no)

    def __init__(self, out: IO[bytes], articles: dict[str, str]):
        self.out = out
        self.articles = articles

    def render(self, result: Result) -> bytes:
        raise NotImplementedError

    def emit(self, rendered: bytes) -> None:
        self.out.write(rendered)

    def emit_many(self, rendered: list[bytes]) -> None:
        self.out.write(b"".join(rendered))

    def result(self, result: Result) -> None:
        self.emit(self.render(result))

    def finish(self, period: list[PeriodConsequence], errors: list[RecordError], summary: dict[str, int]) -> None: ...


class JsonWriter(Writer):
    """One JSON document; one result per line inside its array, so it can stream."""

    def __init__(self, out: IO[bytes], articles: dict[str, str]):
        super().__init__(out, articles)
        self.first = True
        out.write(b'{"results":[')

    def render(self, result: Result) -> bytes:
        return b"\n" + _dumps(as_dict(result, self.articles, times_as_text=False))

    def emit(self, rendered: bytes) -> None:
        self.emit_many([rendered])

    def emit_many(self, rendered: list[bytes]) -> None:
        if rendered:
            self.out.write((b"," if not self.first else b"") + b",".join(rendered))
            self.first = False

    def finish(self, period, errors, summary) -> None:
        w = self.out.write
        w(b"\n],\n")
        for name, items in ((b"period", period), (b"errors", errors)):
            w(b'"' + name + b'":[')
            w(b",".join(b"\n" + _dumps(as_dict(x, self.articles, times_as_text=False)) for x in items))
            w(b"\n],\n" if items else b"],\n")
        w(b'"summary":' + _dumps(summary) + b"}\n")


class JsonLinesWriter(Writer):
    """One object a line, each with ``type``: result, period, error or summary."""

    def render(self, result: Result) -> bytes:
        return _dumps({"type": "result", **as_dict(result, self.articles, times_as_text=False)}) + b"\n"

    def finish(self, period, errors, summary) -> None:
        for kind, items in (("period", period), ("error", errors)):
            for x in items:
                self.out.write(_dumps({"type": kind, **as_dict(x, self.articles, times_as_text=False)}) + b"\n")
        self.out.write(_dumps({"type": "summary", **summary}) + b"\n")


CSV_COLUMNS = (
    "section", "id", "industry", "counted", "category", "grade", "appeal", "item",
    "rule", "article", "stage", "limit", "due", "done_at", "status",
    "party", "role", "kind", "min", "max", "period", "count", "note", "source", "row", "field", "message",
)


class CsvWriter(Writer):
    """One row per deadline and per consequence (a ticket with neither still has one row)."""

    def __init__(self, out: IO[bytes], articles: dict[str, str]):
        super().__init__(out, articles)
        self.text = io.StringIO()
        self.csv = csv.DictWriter(self.text, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
        self.csv.writeheader()
        out.write(self._take())

    def _take(self) -> bytes:
        text = self.text.getvalue()
        self.text.seek(0)
        self.text.truncate()
        return text.encode()

    def _row(self, values: dict[str, Any]) -> None:
        self.csv.writerow({k: safe_cell(_text(v)) for k, v in values.items()})

    def render(self, result: Result) -> bytes:
        d = as_dict(result, self.articles)
        base = {
            "section": "result", "id": d["id"], "industry": d["industry"], "counted": d["counted"],
            "category": d["category"], "grade": d["grade"], "appeal": d["appeal"]["status"],
        }
        items = [("deadline", x) for x in d["deadlines"]] + [("consequence", x) for x in d["consequences"]]
        if d["appeal"]["status"] != "none":
            items.append(("appeal", {"rule": d["appeal"]["rule"], "article": d["appeal"]["article"], "note": d["appeal"]["reason"]}))
        if not items:
            self._row({**base, "note": d.get("reason")})
        for item, x in items:
            self._row({**base, "item": item, **x})
        return self._take()

    def finish(self, period, errors, summary) -> None:
        for p in period:
            self._row({"section": "period", **as_dict(p, self.articles)})
        for e in errors:
            self._row({"section": "error", **as_dict(e, self.articles)})
        self._row({"section": "summary", "note": f"records {summary['records']}, evaluated {summary['evaluated']}, rejected {summary['rejected']}"})
        self.out.write(self._take())


def _text(v: Any) -> Any:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return ";".join(map(str, v))
    return v


def _amount(x: dict[str, Any]) -> str:
    low, high = x.get("min"), x.get("max")
    if low is None and high is None:
        return ""
    if high is None:
        return f"≥ {low}"
    return f"{low}" if low == high else f"{low}–{high}"


class TableWriter(Writer):
    """A readable listing for the terminal: a line per ticket, indented lines per figure."""

    def render(self, result: Result) -> bytes:
        d = as_dict(result, self.articles)
        lines: list[str] = []
        w = lines.append
        counted = "counted" if d["counted"] else "not counted"
        extra = f", repeat of {d['repeat_of']}" if d.get("repeat_of") else ""
        w(f"{d['id']}  [{d['industry']}]  {counted}  {d['category'] or '-'} / {d['grade'] or '-'}{extra}\n")
        if d.get("reason"):
            w(f"    {d['reason']}\n")
        for x in d["deadlines"]:
            due = x["due"] or "-"
            w(f"    {x['status']:<15}{x['stage']:<28}due {due:<26}{x['rule']} {x['article'] or ''}\n")
        if d["appeal"]["status"] != "none":
            a = d["appeal"]
            w(f"    appeal {a['status']}: {a['reason']}  {a['rule']} {a['article'] or ''}\n")
        for x in d["consequences"]:
            w(f"    {x['kind']:<26}{_amount(x):<24}{(x['party'] or '-') + ' (' + x['role'] + ')':<28}{x['rule']} {x['article'] or ''}\n")
            if x.get("note"):
                w(f"{'':<19}{x['note']}\n")
        return "".join(lines).encode()

    def finish(self, period, errors, summary) -> None:
        lines: list[str] = []
        w = lines.append
        if period:
            w("\nPeriod\n")
            for p in period:
                x = as_dict(p, self.articles)
                count = f"  ({x['count']} counted)" if x.get("count") is not None else ""
                w(f"    {x['period']:<9}{x['kind']:<26}{_amount(x):<24}{(x['party'] or '-') + ' (' + x['role'] + ')':<28}{x['rule']} {x['article'] or ''}{count}\n")
                if x.get("note"):
                    w(f"{'':<13}{x['note']}\n")
        if errors:
            w("\nRejected\n")
            for e in errors:
                w(f"    {e.source} row {e.row}  {e.id or '-'}  {e.field or '-'}: {e.message}\n")
        w(f"\n{summary['records']} records: {summary['evaluated']} evaluated, {summary['rejected']} rejected\n")
        self.out.write("".join(lines).encode())


class XlsxWriter(Writer):
    """A workbook: results (a row per deadline and consequence), period, errors, summary.

    Chinese headers, frozen header row and filters; every text cell is written as text, so
    nothing a ticket says can run as a formula. xlsxwriter's constant_memory mode keeps memory
    flat: each row is flushed once the next one starts.
    """

    RESULT_COLUMNS = (
        ("id", "工单编号"), ("industry", "行业"), ("counted", "是否计入"), ("category", "类别"), ("grade", "等级"),
        ("appeal", "申诉"), ("item", "项目"), ("rule", "条款编号"), ("article", "条款"), ("stage", "环节"),
        ("limit", "时限"), ("due", "到期时间"), ("done_at", "完成时间"), ("status", "状态"), ("party", "责任对象"),
        ("role", "身份"), ("kind", "考核方式"), ("min", "最低"), ("max", "最高"), ("note", "说明"),
    )
    PERIOD_COLUMNS = (
        ("period", "期间"), ("rule", "条款编号"), ("article", "条款"), ("party", "责任对象"), ("role", "身份"),
        ("kind", "考核方式"), ("min", "最低"), ("max", "最高"), ("count", "件数"), ("note", "说明"),
    )
    ERROR_COLUMNS = (("source", "文件"), ("row", "行"), ("id", "工单编号"), ("field", "字段"), ("message", "问题"))
    renders = False  # one workbook written by one process: --jobs workers send results, not bytes

    def __init__(self, path: str, articles: dict[str, str]):
        import xlsxwriter

        super().__init__(None, articles)
        self.book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                               "strings_to_urls": False, "strings_to_numbers": False})
        self.bold = self.book.add_format({"bold": True})
        self.sheets = {}
        for key, title, columns in (("results", "结果", self.RESULT_COLUMNS), ("period", "期间考核", self.PERIOD_COLUMNS),
                                    ("errors", "错误", self.ERROR_COLUMNS), ("summary", "汇总", (("k", "项目"), ("v", "数量")))):
            ws = self.book.add_worksheet(title)
            ws.freeze_panes(1, 0)
            for c, (_, header) in enumerate(columns):
                ws.write_string(0, c, header, self.bold)
            self.sheets[key] = [ws, columns, 0]

    def _row(self, key: str, values: dict[str, Any]) -> None:
        entry = self.sheets[key]
        ws, columns, row = entry
        row += 1
        for c, (name, _) in enumerate(columns):
            v = values.get(name)
            if v is None:
                continue
            if isinstance(v, bool):
                ws.write_string(row, c, "是" if v else "否")
            elif isinstance(v, (int, float)):
                ws.write_number(row, c, v)
            else:
                ws.write_string(row, c, str(_text(v)))
        entry[2] = row

    def result(self, result: Result) -> None:
        d = as_dict(result, self.articles)
        base = {k: d[k] for k in ("id", "industry", "counted", "category", "grade")} | {"appeal": d["appeal"]["status"]}
        items = [("deadline", x) for x in d["deadlines"]] + [("consequence", x) for x in d["consequences"]]
        if d["appeal"]["status"] != "none":
            items.append(("appeal", {"rule": d["appeal"]["rule"], "article": d["appeal"]["article"], "note": d["appeal"]["reason"]}))
        if not items:
            self._row("results", {**base, "note": d.get("reason")})
        for item, x in items:
            self._row("results", {**base, "item": item, **x})

    def finish(self, period, errors, summary) -> None:
        for p in period:
            self._row("period", as_dict(p, self.articles))
        for e in errors:
            self._row("errors", as_dict(e, self.articles))
        for k, label in (("records", "记录"), ("evaluated", "已评估"), ("rejected", "被拒绝")):
            self._row("summary", {"k": label, "v": summary[k]})
        for ws, columns, rows in self.sheets.values():
            ws.autofilter(0, 0, max(rows, 1), len(columns) - 1)
        self.book.close()


WRITERS = {"json": JsonWriter, "jsonl": JsonLinesWriter, "csv": CsvWriter, "table": TableWriter, "xlsx": XlsxWriter}


def write_all(writer: Writer, results: Iterable[list[bytes] | Result | RecordError], errors: list[RecordError]) -> None:
    """Write each result (or results ``--jobs`` rendered already); keep the errors for the end."""
    for r in results:
        if r.__class__ is list:
            writer.emit_many(r)
        elif isinstance(r, RecordError):
            errors.append(r)
        else:
            writer.result(r)
