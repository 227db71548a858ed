"""Why this figure: one ticket's trace, made from what the run itself decided.

A trace is data, built from the objects the pipeline produced for the ticket (the record as
parsed, the classification, deadlines, appeal, consequences, the tallies it added) and from
the calendar and parameters those came from, never from a second reading of the regulation
that could disagree with the result. Plugins add what only they know — each rule they
considered, fired or not, and the fact that decided it — through the :class:`Trace` the
pipeline passes to the per-ticket hooks as ``trace`` (``None`` unless the ticket is being
explained, so the hot path pays one comparison)::

    if trace is not None:
        trace.considered("P1-9", counted, f"经查属实={'是' if record.verified else '否'}")

:func:`explain` assembles the core's part and the plugin's notes into a plain dict (the
``trace`` of ``policy evaluate --explain``); :func:`render` writes it for a person, in
Chinese or English (``policy explain``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import attrs

from .model import _iso, _number  # the result document's own forms of times and amounts

ONE_DAY = timedelta(days=1)
TICKETS_SHOWN = 50  # a period item's tickets listed in the text (all of them in --json)

# chinese-calendar's holiday names, as the State Council's notices write them.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class Trace:
    """What a plugin records while it decides one ticket: the rules it considered."""

    __slots__ = ("notes",)

    def __init__(self) -> None:
        self.notes: list[dict[str, Any]] = []

    def considered(self, rule: str, fired: bool, fact: str) -> None:
        """A rule was looked at: whether it applied, and the fact that decided it."""
        self.notes.append({"rule": rule, "fired": bool(fired), "fact": fact})

    def step(self, rule: str, text: str) -> None:
        """A step of working out a figure (a doubling, a repeat): what changed and why."""
        self.notes.append({"rule": rule, "step": text})


def explain(*, industry: Any, raw: Mapping[str, Any], record: Any, result: Any, calendar: Any,
            trace: Trace, tallies: list[Any], articles: Mapping[str, str]) -> dict[str, Any]:
    """The trace of one evaluated ticket, as data (see the module's docstring)."""
    regulation, params = industry.regulation, industry.params
    titles = {r.id: r.title for r in regulation.rules}
    titles_zh = {r.id: r.title_zh for r in regulation.rules if r.title_zh}
    by_rule = _parameters_by_rule(params)

    def cite(rule: str | None) -> dict[str, Any]:
        return {"rule": rule, "article": articles.get(rule or ""), "title": titles.get(rule or ""),
                "title_zh": titles_zh.get(rule or "")}

    c = result.classification
    out: dict[str, Any] = {
        "id": result.id,
        "industry": industry.name,
        "fields": _fields(industry.parser, raw, record),
        "classification": {
            "counted": c.counted, "category": c.category, "grade": c.grade, "reason": c.reason,
            "repeat_of": c.repeat_of, "rules": [cite(r) for r in c.rules],
        },
        "considered": [dict(n, **cite(n["rule"])) for n in trace.notes if "fired" in n],
        "deadlines": [
            {**cite(d.rule), "stage": d.stage, "start": _iso(getattr(d, "start", None)), "limit": d.limit,
             "parameters": by_rule.get(d.rule, []), "due": _iso(d.due), "done_at": _iso(d.done_at),
             "status": d.status, "reason": getattr(d, "reason", None), "extended": d.extended,
             "days": _days(calendar, getattr(d, "start", None), d.due, getattr(d, "unit", None))}
            for d in result.deadlines
        ],
        "appeal": {
            **cite(result.appeal.rule), "status": result.appeal.status, "reason": result.appeal.reason,
            "filed_at": _iso(getattr(record, "appeal_filed_at", None)),
            "ground": getattr(record, "appeal_ground", None),
            "evidence": getattr(record, "appeal_evidence", None),
            "approved": getattr(record, "appeal_approved", None),
            # the window and conditions: the parameters of the appeal's rule
            "parameters": by_rule.get(result.appeal.rule or "", []),
        },
        "consequences": [
            {**cite(x.rule), "party": x.party, "role": x.role, "kind": x.kind, "min": _number(x.min),
             "max": _number(x.max), "parameters": by_rule.get(x.rule, []),
             "adjusted_by": [cite(a) | {"parameters": by_rule.get(a, [])} for a in x.adjusted_by], "note": x.note}
            for x in result.consequences
        ],
        "steps": [dict(n, **cite(n["rule"])) for n in trace.notes if "step" in n],
        "counts_toward": [{"key": list(t.key), "month": f"{t.on.year:04d}-{t.on.month:02d}"} for t in tallies],
    }
    return out


def trace_ticket(engine: Any, rows: Callable[[], Iterable[Any]], ticket_id: str, period: Any = None,
                 roster: list[Mapping[str, Any]] | None = None) -> Any:
    """Evaluate every row as ``policy evaluate`` would (period rules need every ticket) and
    return the trace of ``ticket_id`` with the period consequences it counts toward; the
    :class:`~policy.core.model.RecordError` where that ticket was rejected; None where no row
    has it. ``rows`` is called once per pass (rules on earlier tickets read the input twice)."""
    from .model import RecordError, as_dict

    ticket_id = ticket_id.strip()
    engine.explaining = frozenset({ticket_id})
    engine.tally_log = {}
    if engine.needs_history:
        engine.remember(rows())
    found = None
    for r in engine.evaluate(rows()):
        if r.id == ticket_id:
            found = r
    if found is None or isinstance(found, RecordError):
        return found
    trace = dict(found.trace)
    trace["period"] = []
    for item in engine.period_consequences(period, roster):
        tickets = _tickets_behind(trace, item, engine.tally_log)
        if tickets is not None:
            trace["period"].append({**as_dict(item, engine.articles), "tickets": tickets})
    return trace


def _tickets_behind(trace: Mapping[str, Any], item: Any, log: Mapping[tuple, list[str]]) -> list[str] | None:
    """The tickets that make up a period consequence this ticket counts toward (a party its
    tallies name, in a period that holds the tally's month); None for one it does not."""
    from .periods import Period

    try:
        months = Period.parse(item.period).months
    except ValueError:
        return None
    names = {f"{y:04d}-{m:02d}" for y, m in months}
    keys = [tuple(t["key"]) for t in trace["counts_toward"] if item.party in t["key"] and t["month"] in names]
    if not keys:
        return None
    return sorted({i for key in keys for m in months for i in log.get((trace["industry"], key, m), ())})


def _fields(parser: Any, raw: Mapping[str, Any], record: Any) -> list[dict[str, Any]]:
    """Each column the row gave, by the user's own header: the field it fed and the value read."""
    rows = []
    for header, cell in raw.items():
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue  # an empty cell is an absent value
        field = parser.by_header.get(header.strip() if isinstance(header, str) else header)
        name = field.name if field is not None else None
        value = record.values.get(name) if name is not None else None
        rows.append({"header": header, "field": name, "cell": _plain(cell), "value": _plain(value)})
    return rows


def _parameters_by_rule(params: Any) -> dict[str, list[dict[str, Any]]]:
    """The parameters each rule reads: their value in this run, the regulation's default, the article."""
    out: dict[str, list[dict[str, Any]]] = {}
    for a in attrs.fields(type(params)):
        rule = a.metadata.get("rule")
        if rule is None:
            continue
        default = a.default.factory() if isinstance(a.default, attrs.Factory) else a.default
        value = getattr(params, a.name)
        out.setdefault(rule, []).append({
            "name": a.name, "value": _plain(value), "default": _plain(default),
            "changed": value != default, "article": a.metadata.get("article"), "doc": a.metadata.get("doc"),
        })
    return out


def _days(calendar: Any, start: datetime | None, due: datetime | None, unit: str | None) -> dict[str, Any] | None:
    """For a limit counted in days: the days after the start up to the due day, counted or skipped by name."""
    if start is None or due is None or unit not in ("working_days", "days", "same_day"):
        return None
    first, last = calendar.local_date(start), calendar.local_date(due - timedelta(microseconds=1))
    counted, skipped = [], []
    d = first + ONE_DAY
    while d <= last:
        name = _rest_day(calendar, d)
        if name is None:
            counted.append({"date": d.isoformat(), "name": _workday_name(calendar, d)})
        else:
            skipped.append({"date": d.isoformat(), "name": name})
        d += ONE_DAY
    return {"start_day": first.isoformat(), "counted": counted, "skipped": skipped}


def _rest_day(calendar: Any, d: date) -> str | None:
    """None for a working day, else why it is a rest day (the holiday's name, or 周末)."""
    if calendar.is_working_day(d):
        return None
    if d in calendar.holidays:
        return _holiday_name(d) or "本公司休息日"
    return "周末"


def _workday_name(calendar: Any, d: date) -> str | None:
    if d.weekday() >= 5:
        name = _holiday_name(d)
        return f"调休上班日 ({name})" if name else "调休上班日"
    return None


def _holiday_name(d: date) -> str | None:
    try:
        from chinese_calendar import get_holiday_detail

        _, name = get_holiday_detail(d)
    except (ImportError, NotImplementedError):
        return None
    return HOLIDAY_NAMES.get(name, name) if name else None


def _plain(v: Any) -> Any:
    """A JSON value: times as ISO text, tuples as lists."""
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    if isinstance(v, float):
        return _number(v)
    return v


# -- for a person ---------------------------------------------------------------------------

WORDS = {
    "zh": {
        "ticket": "工单", "fields": "读取的字段", "not_read": "(无规则读取)", "classification": "分类",
        "counted": "计入考核", "not_counted": "不计入考核", "considered": "考虑的条款", "fired": "适用",
        "not_fired": "不适用", "deadlines": "时限", "start": "起算", "limit": "时限", "due": "到期",
        "done": "完成", "status": "结论", "counted_days": "计入的工作日", "skipped": "跳过",
        "appeal": "申诉", "none": "无", "consequences": "考核", "parameters": "参数", "default": "办法原文",
        "company": "本公司配置", "adjusted": "调整", "steps": "计算步骤", "period": "计入周期统计",
        "reason": "原因", "repeat_of": "重复投诉, 前次工单", "grade": "等级", "category": "类别",
        "filed": "提出", "ground": "理由", "evidence": "证据", "approved": "批准", "calendar_time": "按自然时间计算, 节假日照算",
        "no_end": "以上", "note": "说明", "count": "件数", "tickets": "计入的工单",
    },
    "en": {
        "ticket": "Ticket", "fields": "Fields read", "not_read": "(no rule reads it)", "classification": "Classification",
        "counted": "counted", "not_counted": "not counted", "considered": "Rules considered", "fired": "applies",
        "not_fired": "does not apply", "deadlines": "Time limits", "start": "start", "limit": "limit", "due": "due",
        "done": "done", "status": "status", "counted_days": "working days counted", "skipped": "skipped",
        "appeal": "Appeal", "none": "none", "consequences": "Consequences", "parameters": "parameters",
        "default": "regulation", "company": "company config", "adjusted": "adjusted by", "steps": "Steps",
        "period": "Counts toward", "reason": "reason", "repeat_of": "repeat of", "grade": "grade",
        "category": "category", "filed": "filed", "ground": "ground", "evidence": "evidence",
        "approved": "approved", "calendar_time": "calendar time, holidays included", "no_end": "or more",
        "note": "note", "count": "count", "tickets": "tickets counted",
    },
}


def render(trace: Mapping[str, Any], lang: str = "zh", labels: Any = None) -> str:
    """The trace as text for a person; ``labels`` (:class:`policy.core.labels.Labels`) turns
    codes into the words of ``lang`` (without it, codes are shown as they are)."""
    w = WORDS[lang]
    industry = trace["industry"]

    def say(vocabulary: str, code: Any) -> Any:
        return code if labels is None else labels(vocabulary, code, industry)

    def amount(x: Mapping[str, Any]) -> str:
        if labels is None or (x.get("min") is None and x.get("max") is None):
            return _amount(x, w)
        return labels.amount(x["kind"], x.get("min"), x.get("max"))

    lines = [f"{w['ticket']} {trace['id']} [{trace['industry']}]", "", f"{w['fields']}:"]
    for f in trace["fields"]:
        target = f["field"] if f["field"] else w["not_read"]
        shown = f["value"] if f["field"] else f["cell"]
        lines.append(f"  {f['header']} → {target}: {shown}")
    c = trace["classification"]
    lines += ["", f"{w['classification']}: {w['counted'] if c['counted'] else w['not_counted']}"
              + (f"; {w['category']} {say('category', c['category'])}" if c["category"] else "")
              + (f"; {w['grade']} {say('grade', c['grade'])}" if c["grade"] else "")]
    for r in c["rules"]:
        lines.append(f"  {_cited(r, lang)}")
    if c["reason"]:
        lines.append(f"  {w['reason']}: {c['reason']}")
    if c["repeat_of"]:
        lines.append(f"  {w['repeat_of']} {c['repeat_of']}")
    if trace["considered"]:
        lines += ["", f"{w['considered']}:"]
        for n in trace["considered"]:
            lines.append(f"  {_cited(n, lang)}: {n['fact']} → {w['fired'] if n['fired'] else w['not_fired']}")
    if trace["deadlines"]:
        lines += ["", f"{w['deadlines']}:"]
    for d in trace["deadlines"]:
        lines.append(f"  {_cited(d, lang)} [{say('stage', d['stage'])}]: {say('status', d['status'])}")
        lines.append(f"    {w['start']} {d['start'] or '-'}; {w['limit']} {say('limit', d['limit'])}; "
                     f"{w['due']} {d['due'] or '-'}; {w['done']} {d['done_at'] or '-'}")
        if d.get("reason"):
            lines.append(f"    {w['reason']}: {d['reason']}")
        for p in d["parameters"]:
            lines.append(f"    {w['parameters']}: {_parameter(p, w)}")
        days = d["days"]
        if days is not None:
            counted = ", ".join(x["date"][5:] + (f" {x['name']}" if x["name"] else "") for x in days["counted"])
            lines.append(f"    {w['counted_days']}: {counted or '-'}")
            if days["skipped"]:
                lines.append(f"    {w['skipped']}: {_skipped(days['skipped'])}")
        elif d["limit"] and ("hour" in d["limit"] or "minute" in d["limit"]):
            lines.append(f"    {w['calendar_time']}")
    a = trace["appeal"]
    lines += ["", f"{w['appeal']}: {say('appeal', a['status']) if a['status'] != 'none' else w['none']}"]
    if a["status"] != "none":
        lines.append(f"  {_cited(a, lang)}: {a['reason']}")
    if a["filed_at"]:
        lines.append(f"  {w['filed']} {a['filed_at']}; {w['ground']} {a['ground']}; "
                     f"{w['evidence']} {a['evidence']}; {w['approved']} {a['approved']}")
    for p in a.get("parameters", []):
        lines.append(f"  {w['parameters']}: {_parameter(p, w)}")
    if trace["consequences"]:
        lines += ["", f"{w['consequences']}:"]
    for x in trace["consequences"]:
        lines.append(f"  {_cited(x, lang)}: {x['party'] or '-'} ({say('role', x['role'])}) {say('kind', x['kind'])} "
                     f"{amount(x)}")
        for p in x["parameters"]:
            lines.append(f"    {w['parameters']}: {_parameter(p, w)}")
        for adj in x["adjusted_by"]:
            lines.append(f"    {w['adjusted']} {_cited(adj, lang)}"
                         + "".join(f"; {_parameter(p, w)}" for p in adj["parameters"]))
        if x["note"]:
            lines.append(f"    {w['note']}: {x['note']}")
    if trace["steps"]:
        lines += ["", f"{w['steps']}:"]
        for s in trace["steps"]:
            lines.append(f"  {_cited(s, lang)}: {s['step']}")
    if trace["counts_toward"]:
        lines += ["", f"{w['period']}:"]
        for t in trace["counts_toward"]:
            lines.append(f"  {' / '.join(str(k) for k in t['key'])} {t['month']}")
    for p in trace.get("period", []):
        lines.append(f"    → {_cited(p, lang)} {p['period']}: {p['party']} {say('kind', p['kind'])} {amount(p)}".rstrip()
                     + (f" ({w['count']} {p['count']})" if p.get("count") is not None else ""))
        if p.get("tickets"):
            shown = p["tickets"][:TICKETS_SHOWN]
            more = len(p["tickets"]) - len(shown)
            lines.append(f"      {w['tickets']}: {', '.join(shown)}" + (f" … (+{more})" if more else ""))
    return "\n".join(lines) + "\n"


def _cited(r: Mapping[str, Any], lang: str = "en") -> str:
    title = (r.get("title_zh") if lang == "zh" else None) or r.get("title")
    return " ".join(str(x) for x in (r.get("rule"), r.get("article"), title) if x)


def _parameter(p: Mapping[str, Any], w: Mapping[str, str]) -> str:
    text = f"{p['name']} = {p['value']}"
    if p["changed"]:
        text += f" ({w['company']}; {w['default']} {p['default']})"
    return text


def _amount(x: Mapping[str, Any], w: Mapping[str, str]) -> str:
    low, high = x.get("min"), x.get("max")
    if low is None and high is None:
        return ""
    if high is None:
        return f"{low} {w['no_end']}"
    return f"{low}" if low == high else f"{low}–{high}"


def _skipped(days: list[dict[str, Any]]) -> str:
    """Runs of days with the same name, as 国庆节 10-01…10-07."""
    runs: list[list[Any]] = []
    for d in days:
        day = date.fromisoformat(d["date"])
        if runs and runs[-1][0] == d["name"] and runs[-1][2] + ONE_DAY == day:
            runs[-1][2] = day
        else:
            runs.append([d["name"], day, day])
    return ", ".join(
        f"{name} {a:%m-%d}" + (f"…{b:%m-%d}" if b != a else "") for name, a, b in runs
    )
