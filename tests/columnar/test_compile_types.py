"""Each declaration type's compile against its own per-ticket evaluate (core/declared.py), on a
small test regulation, so a difference names the type: every term and condition (a number
compared with an absent one, a parameter's list, names that are empty, a text or-else names),
Cites, Given, the deadline rules filled into a note, ByValue with and without ``missing``,
If, Each with ``always``, Scale, Unnamed, Parties, TallyOf with and without amounts, TallyEach.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest

pl = pytest.importorskip("polars")

from test_compile import assert_equal, records_frame  # noqa: E402

from policy.core.calendar import SAME_DAY, WorkCalendar  # noqa: E402
from policy.core.columnar.calendar import CalendarTable  # noqa: E402
from policy.core.columnar.compile import evaluate  # noqa: E402
from policy.core.declared import (  # noqa: E402
    ALWAYS, ASSESSED, AppealTable, ByValue, C, Classify, Consequences, D, Declared, Each, F, Fine, Give, Given, If, P,
    Parties, Refer, Reject, Require, Row, Scale, TallyEach, TallyOf, TimeLimit, Unnamed,
)
from policy.core.model import LATE, NO_APPEAL, Classification, Result  # noqa: E402
from policy.core.records import Field, FieldError, RecordParser  # noqa: E402
from policy.core.regulation import param  # noqa: E402

ZONE = "Asia/Shanghai"
TZ = ZoneInfo(ZONE)


@attrs.frozen
class Params:
    reply_working_days: int = param(2, unit="working_days", rule="T-2", article="第二条", doc="working days to reply")
    return_hours: float = param(4, unit="hours", rule="T-3", article="第三条", doc="hours to return a ticket")
    visit_days: int = param(3, unit="days", rule="T-3", article="第三条", doc="days to visit")
    fine: tuple[int, int] = param([100, 200], unit="yuan", rule="T-4", article="第四条", doc="yuan")
    none_set: tuple[int, ...] = param([], unit="yuan", rule="T-4", article="第四条", doc="yuan, left to another document")
    min_fine: int = param(300, unit="yuan", rule="T-5", article="第五条", doc="yuan at least")
    steps: tuple[str, str] = param(["warning", "demerit"], rule="T-5", article="第五条", doc="sanction range")
    factor: float = param(1.5, unit="times", rule="T-6", article="第六条", doc="factor")
    doubled_kinds: tuple[str, ...] = param(["b"], rule="T-6", article="第六条", doc="kinds doubled")
    threshold: float = param(30, unit="points", rule="T-7", article="第七条", doc="score below which")
    mode: str = param("on", rule="T-4", article="第四条", doc="fines on or off", choices=("on", "off"))
    pay_rules: tuple[str, ...] = param(["T-4", "T-5"], rule="T-9", article="第九条", doc="rules whose fines come from pay")


FIELDS = (
    Field("kind", "choice", "the kind", ("种类",), {"a": "甲", "b": "乙", "c": "丙"}),
    Field("severity", "choice", "how bad", ("严重程度",), {"minor": "一般", "major": "重大"}),
    Field("done_at", "time", "replied", ("答复时间",)),
    Field("visited_at", "time", "visited", ("回访时间",)),
    Field("returned_at", "time", "returned", ("退回时间",)),
    Field("helpers", "names", "helpers", ("协助人",)),
    Field("score", "number", "a score", ("得分",), unit="points"),
    Field("flag", "bool", "a flag", ("标记",)),
)

ON = P("mode") == "on"  # a condition of parameters only
DECLARED = (
    Classify("T-1", category=F("kind"), grade=F("severity"),
             require=(Require("kind", "the kind is needed", when=F("flag").truthy()),),
             rows=(Row(F("verified").truthy() & F("responsible").truthy(), counted=True),
                   Row(~F("verified").truthy(), counted=False, reason="not verified"),
                   Row(ALWAYS, counted=False, reason="not the company's responsibility"))),
    TimeLimit("T-2", "reply", start=F("dispatched_at"), limit=P("reply_working_days"), done=F("done_at"),
              extension=F("extended_until")),
    TimeLimit("T-3", "return", start=F("received_at"), limit=P("return_hours"), done=F("returned_at"),
              when=F("returned_at").is_set()),
    TimeLimit("T-3", "visit", start=F("done_at"), limit=P("visit_days"), done=F("visited_at"),
              when=F("score") >= P("threshold")),
    TimeLimit("T-2", "report", start=F("received_at"), limit=SAME_DAY, done=F("reported_at"),
              when=F("severity").is_in("major")),
    AppealTable("T-3", when=F("returned_at").is_set(), rows=(
        Row(D("T-3").status == "unknown", reject=Reject("returned_at", "cannot judge: {reason}")),
        Row(D("T-3").status == "met", "accepted", "returned in time"),
        Row(ALWAYS, "refused", "returned after {due}"),
    )),
    Consequences(when=ON & ASSESSED, give=(ByValue(F("kind"), missing=Reject("kind", "needed"), cases={
        "a": (If(F("flag").truthy(), (Fine("T-4", P("fine"), party=F("person")),),
                 (Give("T-4", "criticism", party=F("person"), note="批评"),)),),
        "b": (Fine("T-4", P("fine"), party=F("person")),
              Each(F("helpers"), (Give("T-5", "sanction", P("steps"), role="helper"),
                                  Give("T-5", "fine", at_least=P("min_fine"), role="helper")), always=True)),
        "c": (Refer("T-4", P("none_set"), party=F("person"), note="assess by hand"),),
    }),)),
    Consequences(rule="T-7", when=(F("score") < P("threshold")) & ~F("flag").truthy(), give=(
        Each(F("helpers").or_else(F("person")), (Fine("T-7", P("fine"), role="helper"),)),)),
    Consequences(rule="T-8", when=Given("T-4") & C.cites("T-1") & ~C.cites("T-99") & (C.grade != "major"), give=(
        Give("T-8", "criticism", party=F("unit"), role="unit", note="kind {k}", fill=(("k", F("kind")),)),)),
    Consequences(rule="T-9", when=D.any(prefix="T-", status=LATE), give=(
        Give("T-9", "refer", party=F("person"), note="late: {rules}", fill=(("rules", D.rules(prefix="T-", status=LATE)),)),)),
    Consequences(rule="T-10", when=F("category").is_in("x", "y") | (F("helpers").is_empty() & F("score").truthy()),
                 give=(Give("T-10", "rectification", party=F("unit"), role="unit"),)),
    Scale("T-6", factor=P("factor"), when=F("kind").is_in(P("doubled_kinds"))),
    Unnamed("T-11", role="unit", field="unit, 单位", when=ASSESSED & F("unit").is_empty(), what="no unit"),
    Parties(fields={"helper": "helpers, 协助人", "responsible_person": "person, 责任人"},
            where={"unit": F("id")}, otherwise=F("unit").or_else(F("id"))),
    TallyOf(("T-12", F("unit")), on=F("received_at"), when=ASSESSED & F("unit").is_set(), amount="fines"),
    TallyOf(("T-13", F("kind")), on=F("done_at").or_else(F("received_at")), when=F("kind").is_set()),
    TallyEach("T-14", on=F("received_at"), rules=P("pay_rules"), exclude_roles=("unit",), when=ON),
)

NAMES = ["甲一", "乙二", "丙三"]


def rows_of(n, seed):
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        received = datetime(2026, 1, 1, 8) + timedelta(minutes=rnd.randrange(0, 366 * 24 * 60))
        t = {"id": f"T{i}", "received_at": received.isoformat(sep=" "),
             "kind": rnd.choice(["a", "b", "c", "丙", None]), "severity": rnd.choice(["minor", "major", None]),
             "verified": rnd.choice(["是", "否", None, "是"]), "responsible": rnd.choice(["是", "否", "是"]),
             "person": rnd.choice([*NAMES, None]), "unit": rnd.choice(["一所", "二所", None]),
             "score": rnd.choice([None, 0, 29.5, 30, 30.5, 80]), "flag": rnd.choice(["是", "否", None]),
             "category": rnd.choice(["x", "z", None]),
             "helpers": rnd.choice(["", ";", "甲一", "甲一;乙二", "乙二;丙三;甲一"])}
        dispatched = received + timedelta(minutes=rnd.randrange(0, 300))
        if rnd.random() < 0.8:
            t["dispatched_at"] = dispatched.isoformat(sep=" ")
        for name, hours in (("done_at", 120), ("visited_at", 200), ("returned_at", 8), ("reported_at", 30),
                            ("extended_until", 300)):
            if rnd.random() < 0.5:
                t[name] = (dispatched + timedelta(hours=rnd.randrange(0, hours), seconds=rnd.choice([0, 1]))).isoformat(sep=" ")
        out.append(("types", i + 1, {k: v for k, v in t.items() if v is not None}))
    return out


def per_ticket(declared, parser, params, calendar, as_of, rows):
    """The per-ticket executor of the declarations alone, as the pipeline calls it."""
    out = {}
    for source, row, raw in rows:
        try:
            record = parser.parse(raw, source, row)
            t = declared.ticket(record, params, calendar, as_of, None)
            t.classification = declared.classification(t) or Classification(False, reason="no plugin classified this ticket")
            t.deadlines = declared.deadlines(t)
            t.appeal = declared.appeal(t) or NO_APPEAL
            consequences = declared.name_parties(t, declared.consequences_of(t))
            result = Result(record.id, "t", t.classification, t.deadlines, t.appeal, consequences, record.received_at)
            out[row] = (result, declared.tallies_of(t, result))
        except FieldError as e:
            out[row] = (e, [])
    return out


@pytest.mark.parametrize("as_of", ["2026-07-01T00:00", "2027-01-10T00:00"])
@pytest.mark.parametrize("params", [Params(), Params(mode="off", factor=2, doubled_kinds=("a", "b"), none_set=(5, 9))],
                         ids=["defaults", "configured"])
def test_every_type_compiles_to_what_it_evaluates(as_of, params):
    parser = RecordParser("t", FIELDS, TZ)
    calendar = WorkCalendar.official(TZ)
    as_of = datetime.fromisoformat(as_of).replace(tzinfo=TZ)
    declared = Declared(DECLARED)
    rows = rows_of(500, seed=len(repr(params)))
    expected = per_ticket(declared, parser, params, calendar, as_of, rows)
    frames = evaluate(records_frame(parser, ZONE, rows), declared, params, CalendarTable(calendar, ZONE), as_of)
    declined = assert_equal(rows, expected, frames)
    # Only rejections go per ticket here (no hooks, no doubts), and every rejection does.
    assert declined == {row for row, (r, _) in expected.items() if isinstance(r, FieldError)}
    assert 0 < len(declined) < len(rows) // 3
    rules = set(frames.consequences["rule"])
    assert rules >= ({"T-4", "T-5", "T-7", "T-8", "T-9", "T-10", "T-11"} if params.mode == "on" else {"T-7", "T-9", "T-10"})
    assert frames.consequences["adjusted_by"].list.len().max() == 1
