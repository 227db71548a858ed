"""Plugin discovery and loading, and every hook exercised with its documented arguments."""

import inspect
import types
from datetime import date

import pytest
from attrs import define

from policy.core import hookspecs, plugins
from policy.core.calendar import hours
from policy.core.hookspecs import hookimpl
from policy.core.model import Appeal, Classification, Consequence, PeriodConsequence, Rule
from policy.core.periods import Tally
from policy.core.records import Field
from policy.core.regulation import Regulation, param
from policy.core.testing import run


@define
class ToyParameters:
    fine: int = param(100, rule="T-2", article="第二条", doc="yuan per complaint")
    reply_hours: float = param(24, rule="T-1", article="第一条", doc="hours to reply")


CALLS: dict[str, dict] = {}


def toy_module(name="toy", hook_api=(1, 1)):
    """A small regulation implementing every hook, recording what each received."""
    m = types.ModuleType(f"toy_{name}")

    def note(hook, **kwargs):
        CALLS.setdefault(name, {})[hook] = kwargs

    @hookimpl
    def policy_regulation():
        return Regulation(
            name=name, title="玩具办法", source="test",
            rules=(Rule("T-1", "第一条", "reply in 24 hours"), Rule("T-2", "第二条", "100 yuan"),
                   Rule("T-3", "第三条", "a repeat"), Rule("T-4", "第四条", "monthly count"),
                   Rule("T-5", "第五条", "appeal")),
            fields=(Field("kind", "choice", "what", ("类型",), {"a": "甲", "b": "乙"}),),
            parameters=ToyParameters, hook_api=hook_api,
        )

    @hookimpl
    def policy_history(record, params):
        CALLS.setdefault(name, {}).setdefault("policy_history", []).append(record.id)
        return [(record.event_key, record.kind)] if record.event_key else []

    @hookimpl
    def policy_classify(record, params, history):
        record_call = {"record": record, "params": params, "history": history}
        CALLS.setdefault(name, {})["policy_classify"] = record_call
        earlier = history.earlier(record.event_key, record) if record.event_key else []
        return Classification(True, record.kind, "g", ("T-3",) if earlier else (),
                              repeat_of=earlier[-1][1] if earlier else None)

    @hookimpl
    def policy_deadlines(record, classification, params, calendar, as_of):
        note("policy_deadlines", classification=classification, params=params, calendar=calendar, as_of=as_of)
        return [calendar.deadline("T-1", "reply", record.received_at, hours(params.reply_hours), record.replied_at, as_of)]

    @hookimpl
    def policy_appeal(record, classification, deadlines, params, calendar):
        note("policy_appeal", deadlines=deadlines)
        return Appeal("refused", "T-5", "no ground") if record.appeal_ground else None

    @hookimpl
    def policy_consequences(record, classification, deadlines, appeal, params):
        note("policy_consequences", appeal=appeal, deadlines=deadlines)
        return [Consequence("T-2", record.person, "responsible_person", "fine", params.fine, params.fine)]

    @hookimpl
    def policy_period_facts(record, result, params, calendar):
        note("policy_period_facts", result=result)
        return [Tally(("T-4", record.unit), calendar.local_date(record.received_at), params.fine, params.fine)]

    @hookimpl
    def policy_period_consequences(ledger, periods, params, roster):
        note("policy_period_consequences", periods=periods, roster=roster)
        return [
            PeriodConsequence("T-4", key[1], "unit", "fine", month.label, entry.amount_min, entry.amount_max, entry.count)
            for month in periods.of("month") for key in ledger.keys("T-4")
            if (entry := ledger.total(key, month)).count
        ]

    for f in (policy_regulation, policy_history, policy_classify, policy_deadlines, policy_appeal,
              policy_consequences, policy_period_facts, policy_period_consequences):
        setattr(m, f.__name__, f)
    return m


def test_every_hookspec_is_documented_with_its_return_and_kind():
    specs = [f for n, f in inspect.getmembers(hookspecs, inspect.isfunction) if n.startswith("policy_")]
    assert len(specs) == 8
    for spec in specs:
        doc = inspect.getdoc(spec) or ""
        assert "Returns" in doc, spec.__name__
        assert ("Collected" in doc) or ("First result" in doc), spec.__name__


def test_every_hook_is_called_with_its_documented_arguments():
    CALLS.clear()
    toy = toy_module()
    rows = [
        {"id": "B", "received_at": "2026-03-02 10:00", "kind": "乙", "event_key": "E1", "person": "张三", "unit": "U1",
         "replied_at": "2026-03-03 10:00"},
        {"id": "A", "received_at": "2026-03-02 09:00", "kind": "a", "event_key": "E1", "person": "李四", "unit": "U1",
         "appeal_ground": "x"},
    ]
    o = run(rows, plugins=[], modules=[toy], as_of="2026-03-03T09:30", roster=[{"person": "张三"}])
    calls = CALLS["toy"]
    assert set(calls) == {n for n, _ in inspect.getmembers(hookspecs, inspect.isfunction) if n.startswith("policy_")} - {"policy_regulation"}
    assert sorted(calls["policy_history"]) == ["A", "B"]  # every ticket before any is classified
    # history: B was received after A with the same event key, whatever the input order.
    assert o.result("B")["repeat_of"] == "A" and "repeat_of" not in o.result("A")
    assert o.deadline("A", "T-1")["status"] == "overdue"  # due 03-03 09:00, as_of 09:30
    assert o.deadline("B", "T-1")["status"] == "met"
    assert o.result("A")["appeal"]["status"] == "refused"
    assert o.consequence("B", "T-2")["min"] == 100
    assert o.periods("T-4") == [{"rule": "T-4", "article": "第四条", "party": "U1", "role": "unit", "kind": "fine",
                                 "min": 200, "max": 200, "period": "2026-03", "count": 2}]
    assert calls["policy_period_consequences"]["roster"] == [{"person": "张三"}]


def test_results_may_only_cite_declared_rules():
    toy = toy_module()

    @hookimpl
    def policy_consequences(record):
        return [Consequence("T-99", None, "unit", "fine", 1, 1)]

    toy.policy_consequences = policy_consequences
    with pytest.raises(AssertionError, match="T-99"):
        run([{"id": "A", "received_at": "2026-03-02 09:00"}], plugins=[], modules=[toy])


def test_a_record_reaches_only_its_own_industrys_hooks():
    CALLS.clear()
    one, two = toy_module("one"), toy_module("two")
    found = plugins.new_manager()
    ps = plugins.Plugins(found)
    assert plugins.register_module(ps, one) and plugins.register_module(ps, two)
    from policy.core.config import from_dict
    from policy.core.pipeline import Engine
    from policy.core.records import parse_time

    config = from_dict({"policy": {"plugins": ["one", "two"]}}, ps.regulations)
    engine = Engine(config, ps, parse_time("2026-04-01T00:00", config.zone, "as_of"))
    out = list(engine.evaluate([("t", 1, {"id": "X", "industry": "two", "received_at": "2026-03-02 09:00"}),
                                ("t", 2, {"id": "Y", "received_at": "2026-03-02 09:00"}),
                                ("t", 3, {"id": "Z", "industry": "three", "received_at": "2026-03-02 09:00"})]))
    assert out[0].industry == "two"
    assert "one" not in CALLS  # the other industry's hooks never saw ticket X
    assert out[1].field == "industry" and "one, two" in out[1].message
    assert out[2].field == "industry" and "'three' is not an enabled plugin" in out[2].message


def test_discovery_loads_each_entry_point_on_its_own(monkeypatch):
    good = toy_module("good")
    misspelt = toy_module("misspelt")

    @hookimpl
    def policy_clasify(record):
        return None

    misspelt.policy_clasify = policy_clasify
    old = toy_module("old", hook_api=(0, 0))

    class EP:
        def __init__(self, name, obj=None, error=None):
            self.name, self.obj, self.error, self.dist, self.value = name, obj, error, None, f"x:{name}"

        def load(self):
            if self.error:
                raise self.error
            return self.obj

    eps = [EP("good", good), EP("broken", error=ImportError("No module named 'numpyy'")),
           EP("misspelt", misspelt), EP("old", old)]
    monkeypatch.setattr(plugins, "entry_points", lambda group: eps if group == "policy" else [])
    found = plugins.discover()
    assert set(found.regulations) == {"good"}
    failures = {f.name: f.message for f in found.failures}
    assert set(failures) == {"broken", "misspelt", "old"}
    assert "numpyy" in failures["broken"]
    assert "policy_clasify" in failures["misspelt"]
    assert "hook API 0–0" in failures["old"] and "hook API 1" in failures["old"]
    # A fresh manager every time: nothing leaks between calls.
    assert plugins.discover().manager is not found.manager


def test_local_plugin_overrides_the_built_in_classification(tmp_path):
    local = tmp_path / "rules" / "ours.py"
    local.parent.mkdir()
    local.write_text(
        "from policy.core.hookspecs import hookimpl\n"
        "from policy.core.model import Classification\n"
        "@hookimpl(tryfirst=True)\n"
        "def policy_classify(record):\n"
        "    if record.industry == 'power_supply' and record.id.startswith('OURS'):\n"
        "        return Classification(False, record.category, 'general', ('P1-9',), reason='company rule: pilot area')\n",
        encoding="utf-8",
    )
    cfg = tmp_path / "policy.toml"
    cfg.write_text('[policy]\nplugins = ["power_supply"]\nlocal_plugins = ["rules/ours.py"]\n', encoding="utf-8")
    from policy.cli.main import load_engine_setup
    from policy.core.pipeline import Engine
    from policy.core.records import parse_time

    config, found = load_engine_setup(str(cfg))
    engine = Engine(config, found, parse_time("2026-04-01T00:00", config.zone, "as_of"))
    base = {"received_at": "2026-03-02 09:00", "category": "服务态度", "verified": "是", "responsible": "是",
            "person": "张三", "cause": "attitude_poor"}
    ours, theirs = engine.evaluate([("t", 1, {**base, "id": "OURS-1"}), ("t", 2, {**base, "id": "G-1"})])
    assert (ours.classification.counted, ours.classification.reason) == (False, "company rule: pilot area")
    assert ours.consequences == []
    assert theirs.classification.counted is True


def _ordered_plugins(wrapper=False):
    """Three plugins answering the same hooks, registered in the order a, b, c; b is tryfirst."""
    ps = plugins.Plugins(plugins.new_manager())
    for name, opts in (("a", {}), ("b", {"tryfirst": True}), ("c", {})):
        m = types.ModuleType(f"order_{name}")
        m.policy_consequences = hookimpl(**opts)(lambda record, name=name: [name])
        m.policy_classify = hookimpl(**opts)(lambda record, name=name: None if name == "b" else name)
        assert plugins.register_module(ps, m, name)
    if wrapper:
        w = types.ModuleType("wrap")

        @hookimpl(wrapper=True)
        def policy_consequences(record):
            answers = yield
            return [*answers, ["wrapped"]]

        w.policy_consequences = policy_consequences
        assert plugins.register_module(ps, w, "wrap")
    return ps


def test_direct_hook_calls_answer_exactly_as_pluggy_does():
    ps = _ordered_plugins()
    consequences = ps.industry_caller("policy_consequences", "none")
    classify = ps.industry_caller("policy_classify", "none")
    assert consequences.direct and classify.direct
    # tryfirst first, then last registered first; collected answers; first non-None answer.
    assert consequences(record=1, params=None) == ps.manager.hook.policy_consequences(
        record=1, classification=None, deadlines=None, appeal=None, params=None, trace=None) == [["b"], ["c"], ["a"]]
    assert classify(record=1) == "c"


def test_a_wrapper_or_call_monitoring_sends_calls_through_pluggy():
    ps = _ordered_plugins(wrapper=True)
    consequences = ps.industry_caller("policy_consequences", "none")
    assert not consequences.direct
    assert consequences(record=1, classification=None, deadlines=None, appeal=None, params=None, trace=None)[-1] == ["wrapped"]
    ps = _ordered_plugins()
    seen = []
    ps.manager.add_hookcall_monitoring(lambda name, impls, kwargs: seen.append(name), lambda *a: None)
    classify = ps.industry_caller("policy_classify", "none")
    assert not classify.direct
    assert classify(record=1, params=None, history=None, calendar=None, trace=None) == "c" and seen == ["policy_classify"]
