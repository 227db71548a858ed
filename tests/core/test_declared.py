"""Declared rules (core/declared.py) run per ticket: each type on small records, with its edges
(an absent field, a condition on a parameter, first-match order, a limit at N-1, N, N+1
working days across a weekend and a holiday), and how declarations and guarded hooks combine
(docs/hooks.md)."""

from datetime import datetime, timedelta, timezone
from types import ModuleType, SimpleNamespace

import attrs
import pytest

from policy.core.declared import (
    ALWAYS, ASSESSED, A, AppealTable, ByValue, C, Classify, Consequences, D, Each, F, Fine, Give, Given, If, P,
    Parties, Reject, Require, Row, Scale, TallyEach, TallyOf, Ticket, TimeLimit, Unnamed, applies,
)
from policy.core.hookspecs import hookimpl
from policy.core.model import Appeal, Classification, Consequence, Deadline, Rule
from policy.core.records import Field
from policy.core.regulation import Regulation, param
from policy.core.testing import run
from policy.core.trace import Trace

CST = timezone(timedelta(hours=8))


@attrs.frozen
class Params:
    reply_working_days: int = param(2, unit="working_days", rule="T-2", article="第二条", doc="working days to reply")
    return_hours: float = param(4, unit="hours", rule="T-3", article="第三条", doc="hours to return a ticket")
    fine: tuple[int, int] = param([100, 200], unit="yuan", rule="T-4", article="第四条", doc="yuan, a minor complaint")
    min_fine: int = param(300, unit="yuan", rule="T-5", article="第五条", doc="yuan at least, each helper of a major one")
    factor: float = param(2, unit="times", rule="T-6", article="第六条", doc="factor on a complaint of the doubled kinds")
    doubled_kinds: tuple[str, ...] = param(["b"], rule="T-6", article="第六条", doc="kinds whose fines are doubled")
    mode: str = param("on", rule="T-4", article="第四条", doc="fines on or off", choices=("on", "off"))
    pay_rules: tuple[str, ...] = param(["T-4"], rule="T-9", article="第九条", doc="rules whose fines come from pay")


FIELDS = (
    Field("kind", "choice", "the kind", ("种类",), {"a": "甲", "b": "乙", "c": "丙"}),
    Field("severity", "choice", "how bad", ("严重程度",), {"minor": "一般", "major": "重大"}),
    Field("done_at", "time", "replied", ("答复时间",)),
    Field("extended_until", "time", "approved extension", ("延期至",)),
    Field("returned_at", "time", "returned", ("退回时间",)),
    Field("helpers", "names", "helpers", ("协助人",)),
)

# 第一条: counted when verified and the company is responsible; the first row that holds decides.
COUNTED = Classify("T-1", category=F("kind"), grade=F("severity"),
                   require=(Require("kind", "the kind is needed: a, b or c"),),
                   rows=(Row(F("verified").truthy() & F("responsible").truthy(), counted=True),
                         Row(~F("verified").truthy(), counted=False, reason="not verified"),
                         Row(ALWAYS, counted=False, reason="not the company's responsibility")))
REPLY = TimeLimit("T-2", "reply", start=F("received_at"), limit=P("reply_working_days"), done=F("done_at"),
                  extension=F("extended_until"))
RETURN_LIMIT = TimeLimit("T-3", "return", start=F("received_at"), limit=P("return_hours"), done=F("returned_at"),
                         when=F("returned_at").is_set())
RETURN = AppealTable("T-3", when=F("returned_at").is_set(), rows=(
    Row(D("T-3").status == "met", "accepted", "returned in time"),
    Row(ALWAYS, "refused", "returned after {due}"),
))
FINES = Consequences(rule="T-4", when=ASSESSED & (P("mode") == "on"), give=(ByValue(
    F("severity"), missing=Reject("severity", "severity is needed for a counted complaint: minor or major"),
    cases={"minor": (Fine("T-4", P("fine"), party=F("person")),),
           "major": (Each(F("helpers"), (Give("T-5", "fine", at_least=P("min_fine"), role="helper"),), always=True),)},
),))
DOUBLE = Scale("T-6", factor=P("factor"), when=F("kind").is_in(P("doubled_kinds")))
AFTER = Consequences(rule="T-7", when=ASSESSED, give=(Give("T-7", "criticism", party=F("person"), note="通报批评"),))
NO_UNIT = Unnamed("T-8", role="unit", field="unit, 单位", what="in no unit's count", when=ASSESSED & F("unit").is_empty())
PARTIES = Parties(fields={"helper": "helpers, 协助人"}, where={}, otherwise=F("unit").or_else(F("id")))
DECLARED = (COUNTED, REPLY, RETURN_LIMIT, RETURN, FINES, DOUBLE, AFTER, NO_UNIT, PARTIES)
RULES = tuple(Rule(f"T-{i}", f"第{i}条", f"rule {i}") for i in range(1, 11))


def _module(hooks: bool = True) -> ModuleType:
    module = ModuleType("declared_test")

    @hookimpl
    def policy_regulation():
        return Regulation("declared_test", "测试办法", "a test", RULES, FIELDS, Params, declared=DECLARED)

    module.policy_regulation = policy_regulation
    if hooks:
        # A first-result hook answers only the tickets of its guard: kind c.
        @hookimpl
        @applies(F("kind") == "c")
        def policy_classify(record):
            return Classification(False, "c", None, ("T-10",), reason="kind c is another document's")

        # A collected hook's answers come after the declared ones (and after the Scale).
        @hookimpl
        @applies(F("kind") == "b")
        def policy_consequences(record):
            return [Consequence("T-10", record.person, "responsible_person", "fine", 50, 50)]

        module.policy_classify, module.policy_consequences = policy_classify, policy_consequences
    return module


def ticket(ident="D-1", **more):
    return {"id": ident, "received_at": "2026-03-02 09:00", "kind": "a", "severity": "minor", "verified": "是",
            "responsible": "是", "person": "张三", "unit": "城区供电所", **more}


def evaluate(*records, params=None, hooks=True, as_of="2026-12-31T00:00"):
    return run(records, plugins=(), modules=(_module(hooks),), params={"declared_test": params or {}}, as_of=as_of)


# -- Classify ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("verified", "responsible", "counted", "reason"), [
    ("是", "是", True, None),
    ("否", "是", False, "not verified"),
    (None, "是", False, "not verified"),  # an absent bool reads as false, as bool(None)
    ("是", "否", False, "not the company's responsibility"),
    ("是", None, False, "not the company's responsibility"),
])
def test_classify_the_first_row_that_holds_decides(verified, responsible, counted, reason):
    record = {k: v for k, v in ticket(verified=verified, responsible=responsible).items() if v is not None}
    r = evaluate(record).result("D-1")
    assert (r["counted"], r.get("reason"), r["classified_by"]) == (counted, reason, ["T-1"])
    assert (r["category"], r["grade"]) == ("a", "minor")


def test_classify_rejects_a_ticket_without_a_required_field_and_evaluates_the_others():
    o = evaluate({k: v for k, v in ticket("D-1").items() if k != "kind"}, ticket("D-2"))
    assert (o.error("D-1")["field"], o.error("D-1")["message"]) == ("kind", "the kind is needed: a, b or c")
    assert o.result("D-2")["counted"] is True
    assert o.summary["records"] == o.summary["evaluated"] + o.summary["rejected"] == 2


def test_a_guarded_first_result_hook_wins_where_its_guard_holds_and_is_not_called_elsewhere():
    o = evaluate(ticket("D-1", kind="c"), ticket("D-2", kind="a"))
    assert (o.result("D-1")["classified_by"], o.result("D-1")["reason"]) == (["T-10"], "kind c is another document's")
    assert o.result("D-2")["classified_by"] == ["T-1"]


# -- TimeLimit --------------------------------------------------------------------------------

# 2026-09-30 (Wed) + working days over 国庆节 (10-01…10-07, 10-10 an adjusted working Saturday):
# 1 → 10-08, due 24:00 = 10-09 00:00; 2 → 10-09; 3 → 10-10 (调休上班日); 10-11 is a Sunday.
@pytest.mark.parametrize(("days", "due"), [
    (1, "2026-10-09T00:00:00+08:00"), (2, "2026-10-10T00:00:00+08:00"), (3, "2026-10-11T00:00:00+08:00"),
])
def test_a_working_day_limit_is_counted_in_the_parameters_own_unit_across_a_holiday(days, due):
    o = evaluate(ticket(received_at="2026-09-30 10:00"), params={"reply_working_days": days})
    d = o.deadline("D-1", "T-2")
    assert (d["due"], d["limit"], d["status"]) == (due, f"{days} working day{'s' if days > 1 else ''}", "overdue")


def test_a_working_day_limit_across_a_weekend():
    # Friday 2026-03-06 + 1 working day: Monday 03-09, due 24:00 of it.
    o = evaluate(ticket(received_at="2026-03-06 10:00"), params={"reply_working_days": 1})
    assert o.deadline("D-1", "T-2")["due"] == "2026-03-10T00:00:00+08:00"


@pytest.mark.parametrize(("done", "status"), [
    ("2026-03-03 23:59", "met"), ("2026-03-04 00:00", "met"), ("2026-03-04 00:01", "breached"),
])
def test_done_exactly_at_the_due_time_is_in_time_a_minute_later_is_not(done, status):
    # Monday 03-02 + 1 working day: Tuesday 03-03, due 24:00 of it (03-04 00:00).
    o = evaluate(ticket(received_at="2026-03-02 09:00", done_at=done), params={"reply_working_days": 1})
    assert o.deadline("D-1", "T-2")["due"] == "2026-03-04T00:00:00+08:00"
    assert o.deadline("D-1", "T-2")["status"] == status


def test_an_extension_moves_the_due_time_and_is_reported():
    o = evaluate(ticket(extended_until="2026-03-20 12:00"))
    d = o.deadline("D-1", "T-2")
    assert (d["due"], d["extended"]) == ("2026-03-20T12:00:00+08:00", True)


def test_no_start_is_not_applicable_and_a_false_when_gives_no_deadline():
    o = evaluate(ticket())
    assert [d["rule"] for d in o.result("D-1")["deadlines"]] == ["T-2"]  # T-3: nothing returned, no deadline


# -- AppealTable ------------------------------------------------------------------------------

@pytest.mark.parametrize(("returned", "status", "reason"), [
    ("2026-03-02 12:59", "accepted", "returned in time"),
    ("2026-03-02 13:00", "accepted", "returned in time"),  # exactly at the limit of 4 hours
    ("2026-03-02 13:01", "refused", "returned after 2026-03-02T13:00:00+08:00"),
])
def test_an_appeal_table_reads_the_deadline_it_declared(returned, status, reason):
    o = evaluate(ticket(returned_at=returned))
    r = o.result("D-1")
    assert (r["appeal"]["status"], r["appeal"]["rule"], r["appeal"]["reason"]) == (status, "T-3", reason)
    # An accepted appeal takes the ticket out of assessment: no fine.
    assert bool(o.consequences("D-1", "T-4")) is (status == "refused")


# -- Consequences, ByValue, Each, Scale, Unnamed, Parties ----------------------------------------

def test_a_table_by_value_gives_the_parameters_range_on_the_named_party():
    c = evaluate(ticket()).consequence("D-1", "T-4")
    assert (c["party"], c["role"], c["kind"], c["min"], c["max"]) == ("张三", "responsible_person", "fine", 100, 200)


def test_an_absent_value_the_table_needs_rejects_that_ticket_only():
    o = evaluate({k: v for k, v in ticket("D-1").items() if k != "severity"}, ticket("D-2"))
    assert o.error("D-1")["field"] == "severity" and o.error("D-1")["message"].startswith("severity is needed")
    assert o.consequence("D-2", "T-4")["min"] == 100


def test_a_condition_on_a_parameter_switches_a_declaration_off():
    assert not evaluate(ticket(), params={"mode": "off"}).consequences("D-1", "T-4")


def test_each_named_person_in_order_and_an_unnamed_one_becomes_a_refer_naming_the_field():
    o = evaluate(ticket("D-1", severity="major", helpers="李四;王五"), ticket("D-2", severity="major"))
    assert [(c["party"], c["min"], c["max"]) for c in o.consequences("D-1", "T-5")] == [("李四", 300, None), ("王五", 300, None)]
    (refer,) = o.consequences("D-2", "T-5")
    assert (refer["kind"], refer["party"], refer["min"]) == ("refer", "城区供电所", 300)
    assert refer["note"].startswith("no helper named (field helpers, 协助人)")


def test_a_scale_doubles_only_what_was_declared_before_it_and_hooks_come_after():
    r = evaluate(ticket(kind="b")).result("D-1")
    assert [(c["rule"], c["min"], c["max"], c.get("adjusted_by", [])) for c in r["consequences"]] == [
        ("T-4", 200, 400, ["T-6"]),  # before the Scale: doubled
        ("T-7", None, None, []),     # declared after it: not doubled
        ("T-10", 50, 50, []),        # the guarded hook's, after every declared one
    ]


def test_a_kind_not_in_the_parameters_list_is_not_doubled_and_the_hook_is_not_called():
    r = evaluate(ticket(kind="a")).result("D-1")
    assert [(c["rule"], c["min"], c.get("adjusted_by", [])) for c in r["consequences"]] == [("T-4", 100, []), ("T-7", None, [])]


def test_an_assessed_ticket_with_no_unit_is_referred_to_the_ticket():
    (c,) = evaluate(ticket(unit=None)).consequences("D-1", "T-8")
    assert (c["party"], c["kind"], c["note"]) == ("D-1", "refer", "no unit named (field unit, 单位): in no unit's count")


# -- Conditions, on small records -------------------------------------------------------------

def _t(record=None, params=None, **more):
    return Ticket(SimpleNamespace(**(record or {})), SimpleNamespace(**(params or {})), **more)


def test_a_comparison_with_an_absent_value_is_false_both_ways():
    t = _t({"impact": None})
    assert not (F("impact") == "major").holds(t)
    assert not (F("impact") != "major").holds(t)
    assert (~(F("impact") == "major")).holds(t)
    assert not F("impact").is_in("major", "serious").holds(t)
    assert F("impact").is_empty().holds(t) and not F("impact").is_set().holds(t)


def test_is_set_treats_empty_text_and_an_empty_list_of_names_as_absent():
    assert not F("x").is_set().holds(_t({"x": ""})) and not F("x").is_set().holds(_t({"x": ()}))
    assert F("x").is_set().holds(_t({"x": ("张三",)}))


def test_or_else_takes_the_first_value_that_is_set():
    assert F("a").or_else(F("b")).value(_t({"a": None, "b": 2})) == 2
    assert F("a").or_else(F("b")).value(_t({"a": (), "b": "张三"})) == "张三"
    assert F("a").or_else(F("b")).value(_t({"a": ("李四",), "b": "张三"})) == ("李四",)


def test_conditions_on_parameters_the_classification_the_appeal_deadlines_and_earlier_consequences():
    t = _t({"escalation": "media"}, {"outside": ("media",), "schedule": "P1"},
           classification=Classification(True, rules=("P1-9",)), appeal=Appeal("refused", "P1-17"),
           deadlines=[Deadline("P3-4.11", "connect", None, None, "breached"), Deadline("P1-14", "dispatch", None, None, "met")],
           consequences=[Consequence("P1-24.2", "张三", "responsible_person", "refer")])
    assert F("escalation").is_in(P("outside")).holds(t) and (P("schedule") == "P1").holds(t)
    assert ASSESSED.holds(t) and C.cites("P1-9").holds(t) and not A.accepted.holds(t)
    assert (D("P1-14").status == "met").holds(t) and not (D("P1-17").status == "met").holds(t)
    assert D.any(prefix="P3-", status=("breached", "overdue")).holds(t)
    assert not D.any(prefix="P1-", status=("breached",)).holds(t)
    assert D.rules(prefix="P3-", status=("breached",)).value(t) == "P3-4.11"
    assert Given("P1-24.2").holds(t) and not Given("P1-24.1").holds(t)
    t.appeal = Appeal("accepted", "P1-17")
    assert not ASSESSED.holds(t)


def test_python_and_or_not_on_conditions_is_refused_rather_than_silently_dropping_one():
    with pytest.raises(TypeError, match="&, | and ~"):
        (F("a") == 1) and (F("b") == 2)  # noqa: B015


def test_if_gives_one_branch_and_explain_cites_the_branch_given():
    table = ByValue(F("cause"), cases={"work_quality": (If(F("loss").truthy(), (Fine("R-2", P("high"), party=F("person")),),
                                                          (Fine("R-1", P("low"), party=F("person")),)),)})
    t = _t({"cause": "work_quality", "loss": True, "person": "张三"}, {"high": (200, 300), "low": (100, 200)},
           trace=Trace(), labels={"cause": "投诉原因", "loss": "客户损失"})
    assert [(c.rule, c.min, c.max) for c in table.evaluate(t)] == [("R-2", 200, 300)]
    assert [(n["rule"], n["fired"], n["fact"]) for n in t.trace.notes] == [
        ("R-2", True, "投诉原因=work_quality, 客户损失=是"), ("R-1", False, "投诉原因=work_quality, 客户损失=是")]


def test_a_classify_traces_the_fields_its_rows_read_by_their_chinese_headers():
    t = _t({"verified": False, "responsible": None, "kind": "a", "severity": None}, trace=Trace(),
           labels={"verified": "经查属实", "responsible": "责任原因"})
    c = COUNTED.evaluate(t)
    assert (c.counted, c.reason) == (False, "not verified")
    assert t.trace.notes == [{"rule": "T-1", "fired": False, "fact": "经查属实=否, 责任原因=空"}]


def test_a_scale_traces_each_figure_it_changed():
    t = _t({"kind": "b"}, {"factor": 2, "doubled_kinds": ("b",)}, trace=Trace(), labels={"kind": "种类"})
    out = DOUBLE.apply(t, [Consequence("T-4", "张三", "responsible_person", "fine", 100, 200),
                           Consequence("T-7", "张三", "responsible_person", "criticism")])
    assert [(c.min, c.max) for c in out] == [(200, 400), (None, None)]
    assert t.trace.notes == [{"rule": "T-6", "fired": True, "fact": "种类=b"}, {"rule": "T-6", "step": "T-4 100–200 × 2 = 200–400"}]


# -- Tallies ----------------------------------------------------------------------------------

class _Calendar:
    def local_date(self, t):
        return t.astimezone(CST).date()


def test_tallies_count_an_assessed_tickets_fines_on_its_local_date_and_each_fine_on_pay():
    received = datetime(2026, 3, 31, 17, 0, tzinfo=timezone.utc)  # 04-01 01:00 in China
    result = SimpleNamespace(consequences=[
        Consequence("T-4", "张三", "responsible_person", "fine", 100, 200),
        Consequence("T-5", "李四", "helper", "fine", 300, None),
        Consequence("T-4", None, "responsible_person", "fine", 100, 200),  # no party: on no one's pay
        Consequence("T-4", "城区供电所", "unit", "fine", 500, 500),
    ])
    t = _t({"unit": "城区供电所", "received_at": received}, {"pay_rules": ("T-4",)}, calendar=_Calendar(),
           classification=Classification(True), appeal=Appeal())
    (tally,) = TallyOf(("T-4", F("unit")), on=F("received_at"), when=ASSESSED, amount="fines").evaluate(t, result)
    assert (tally.key, tally.on.isoformat(), tally.amount_min, tally.amount_max) == (("T-4", "城区供电所"), "2026-04-01", 1000, None)
    pay = TallyEach("T-9", on=F("received_at"), rules=P("pay_rules"), exclude_roles=("unit",)).evaluate(t, result)
    assert [(p.key, p.amount_min, p.amount_max) for p in pay] == [(("T-9", "张三"), 100, 200)]
    t.classification = Classification(False)
    assert TallyOf(("T-4", F("unit")), on=F("received_at"), when=ASSESSED).evaluate(t, result) == []


# -- text, for explain and policy rules --------------------------------------------------------

def test_each_declaration_says_what_it_does_in_text():
    assert REPLY.text() == "T-2 reply: done_at within reply_working_days of received_at, extended to extended_until"
    assert RETURN_LIMIT.text().endswith("when returned_at is set")
    assert COUNTED.text().splitlines()[1] == "  verified and responsible -> counted"
    assert DOUBLE.text() == "T-6: × factor when kind in (doubled_kinds)"
    assert "T-5 fine at least min_fine (helper)" in FINES.text()
    assert NO_UNIT.text().startswith("T-8: no unit named (unit, 单位)")


def test_a_guard_holds_when_hook_calls_are_monitored_too():
    # Tracing hook calls sends them through pluggy, which knows no guards: a guarded hook is
    # still called only where its guard holds.
    from policy.core.plugins import Plugins, new_manager, register_module

    plugins = Plugins(new_manager())
    assert register_module(plugins, _module())
    plugins.manager.add_hookcall_monitoring(lambda *a: None, lambda *a: None)
    call = plugins.industry_caller("policy_consequences", "declared_test")
    record = SimpleNamespace(kind="a", person="张三")
    assert call(record=record, classification=None, deadlines=[], appeal=None, params=None, trace=None) == []
    record.kind = "b"
    (answer,) = call(record=record, classification=None, deadlines=[], appeal=None, params=None, trace=None)
    assert [c.rule for c in answer] == ["T-10"]
