"""The pipeline's edges (issue 12): odd cells, faulty plugins, blank ids (calendar gaps: test_calendar_gaps.py).

A record that cannot be read is an input error naming its field, whatever the plugins
enabled; a plugin that raises costs its own record (or its own period rules) only; nothing
ends the run or cuts the result document.
"""

import sys
import types

import pytest

from policy.core.hookspecs import hookimpl
from policy.core.testing import run

GAS = {"id": "Q1", "received_at": "2026-03-02 09:00", "department": "客服部"}
AIRPORT = {"id": "J1", "received_at": "2026-03-02 09:00", "person": "值机员小陈"}
POWER = {"id": "G1", "received_at": "2026-03-02 09:00", "category": "service_attitude", "verified": "是",
         "responsible": "是", "person": "张三", "unit": "城区供电所", "cause": "attitude_poor"}


def _nested(depth):
    value = "x"
    for _ in range(depth):
        value = {"a": value}
    return value


ODD_CELLS = [
    ("channel", ["web"]),  # a list in a choice field: unhashable
    ("received_at", 13800138000),  # a phone number in a time cell: OverflowError
    ("person", _nested(1000)),  # an object nested 1,000 deep: RecursionError
]


@pytest.mark.parametrize("plugin,base", [("gas", GAS), ("airport", AIRPORT), ("power_supply", POWER)])
@pytest.mark.parametrize("field,cell", ODD_CELLS, ids=[f for f, _ in ODD_CELLS])
def test_an_unreadable_cell_is_an_input_error_naming_the_field_with_or_without_history(plugin, base, field, cell):
    good = {**base, "id": "OK-1"}
    bad = {**base, field: cell}
    out = run([bad, good], plugins=[plugin])
    assert out.summary == {"records": 2, "evaluated": 1, "rejected": 1}
    assert [r["id"] for r in out.results] == ["OK-1"]
    assert len(out.errors) == 1
    error = out.error(base["id"])
    assert error["row"] == 1 and error["field"] == field
    assert "plugin" not in error["message"]


def test_an_unreadable_industry_cell_is_an_input_error():
    out = run([{**GAS, "industry": _nested(1000)}, {**AIRPORT, "industry": "airport"}], plugins=["gas", "airport"])
    assert out.summary == {"records": 2, "evaluated": 1, "rejected": 1}
    assert out.error("Q1")["field"] == "industry"


def test_an_unreadable_id_is_reported_by_row_without_crashing():
    out = run([{**GAS, "id": _nested(1000)}, GAS], plugins=["gas"])
    assert out.summary == {"records": 2, "evaluated": 1, "rejected": 1}
    assert [(e["row"], e["id"], e["field"]) for e in out.errors] == [(1, None, "id")]


# -- a plugin's history hook that raises ------------------------------------------------------


def _local(name, **hooks):
    module = types.ModuleType(name)
    for hook, function in hooks.items():
        setattr(module, hook, hookimpl(function))
    sys.modules[name] = module
    return module


def test_a_history_hook_that_raises_rejects_that_ticket_once_and_only_it():
    def policy_history(record):
        if record.id == "Q2":
            raise ZeroDivisionError("division by zero")
        return []

    module = _local("history_fault", policy_history=policy_history)
    tickets = [{**GAS, "id": f"Q{i}", "event_key": "E"} for i in (1, 2, 3)]
    out = run(tickets, plugins=["gas"], modules=[module])
    assert out.summary == {"records": 3, "evaluated": 2, "rejected": 1}
    assert [e["id"] for e in out.errors] == ["Q2"]
    message = out.error("Q2")["message"]
    assert "(plugin history_fault, policy_history, ZeroDivisionError: division by zero)" in message
    assert "fault in plugin code" in message
    # The others are judged: Q3 repeats Q1 (Q2 is not in the history).
    assert out.result("Q3")["repeat_of"] == "Q1"


# -- a period hook that raises ----------------------------------------------------------------


def test_a_period_hook_that_raises_is_reported_with_its_plugin_and_the_results_stand():
    def policy_period_consequences(ledger):
        raise KeyError("no such unit")

    module = _local("period_fault", policy_period_consequences=policy_period_consequences)
    out = run([GAS, {**GAS, "id": "Q2"}], plugins=["gas"], modules=[module])
    assert out.summary["evaluated"] == 2 and [r["id"] for r in out.results] == ["Q1", "Q2"]
    # The built-in plugin's period rules are still there.
    assert out.periods("G1-5.1", party="客服部")[0]["count"] == 2
    fault = [e for e in out.errors if e["field"] == "policy_period_consequences"]
    assert len(fault) == 1
    assert "period_fault" in fault[0]["source"] and "KeyError" in fault[0]["message"]
    assert fault[0]["id"] is None and fault[0]["row"] == 0


# -- ids ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("blank", ["   ", "\t", "\u3000"])
def test_a_whitespace_id_is_reported_as_required_not_as_an_empty_id(blank):
    out = run([{**POWER, "id": blank}, POWER])
    assert out.summary == {"records": 2, "evaluated": 1, "rejected": 1}
    error = out.error(row=1)
    assert error["id"] is None and error["field"] == "id" and "required" in error["message"]


def test_two_whitespace_ids_are_two_missing_ids_not_a_repeat():
    without_id = {k: v for k, v in POWER.items() if k != "id"}
    out = run([{**without_id, "id": " "}, {**without_id, "工单编号": "  "}], plugins=["power_supply"])
    assert [(e["row"], e["id"], e["field"]) for e in out.errors] == [(1, None, "id"), (2, None, "id")]
    assert all("more than once" not in e["message"] for e in out.errors)


# -- the same through the command line: a complete document, exit 1, the plugin named -----------


def _cli(tmp_path, monkeypatch, config, tickets, *args):
    import json

    from click.testing import CliRunner

    from policy.cli.main import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    (tmp_path / "policy.toml").write_text(config, encoding="utf-8")
    deep = '{"a":' * 1000 + '"x"' + "}" * 1000  # the standard encoder stops short of 1,000 levels

    def line(t):
        return json.dumps({k: ("DEEP" if isinstance(v, dict) else v) for k, v in t.items()},
                          ensure_ascii=False).replace('"DEEP"', deep)

    (tmp_path / "t.jsonl").write_text("\n".join(line(t) for t in tickets) + "\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["evaluate", "--as-of", "2026-12-31T00:00", "--format", "json", *args, "t.jsonl"])
    return r, (json.loads(r.stdout) if r.stdout.strip() else None)


def test_cli_period_hook_fault_keeps_the_document_whole(tmp_path, monkeypatch):
    (tmp_path / "ours.py").write_text(
        "from policy.core.hookspecs import hookimpl\n\n"
        "@hookimpl\ndef policy_period_consequences(ledger):\n    raise RuntimeError('ours is broken')\n",
        encoding="utf-8",
    )
    r, doc = _cli(tmp_path, monkeypatch, '[policy]\nplugins = ["gas"]\nlocal_plugins = ["ours.py"]\n',
                  [GAS, {**GAS, "id": "Q2"}])
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.output
    assert [x["id"] for x in doc["results"]] == ["Q1", "Q2"]
    assert doc["summary"] == {"records": 2, "evaluated": 2, "rejected": 0}
    assert any(p["rule"] == "G1-5.1" for p in doc["period"])
    [fault] = doc["errors"]
    assert fault["field"] == "policy_period_consequences" and "ours.py" in fault["source"]
    assert "ours is broken" in fault["message"] and "ours.py" in r.stderr


@pytest.mark.parametrize("plugins", ['["airport"]', '["gas", "airport"]'])
def test_cli_odd_cells_with_history_are_input_errors_not_a_traceback(tmp_path, monkeypatch, plugins):
    tickets = [{**AIRPORT, "industry": "airport", "id": f"J{i}", field: cell}
               for i, (field, cell) in enumerate(ODD_CELLS)] + [{**AIRPORT, "industry": "airport", "id": "J9"}]
    r, doc = _cli(tmp_path, monkeypatch, f"[policy]\nplugins = {plugins}\n", tickets)
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.output
    assert doc["summary"] == {"records": 4, "evaluated": 1, "rejected": 3}
    assert [(e["id"], e["field"]) for e in doc["errors"]] == [("J0", "channel"), ("J1", "received_at"), ("J2", "person")]


def test_a_period_hook_fault_under_a_wrapper_names_the_plugins_of_the_call():
    def policy_period_consequences(ledger):
        raise KeyError("no such unit")

    faulty = _local("period_fault_2", policy_period_consequences=policy_period_consequences)
    wrapper = types.ModuleType("period_wrapper")
    wrapper.policy_period_consequences = hookimpl(wrapper=True)(lambda: (yield))  # passes the answer on
    sys.modules["period_wrapper"] = wrapper
    out = run([GAS], plugins=["gas"], modules=[faulty, wrapper])
    assert out.summary == {"records": 1, "evaluated": 1, "rejected": 0}
    [fault] = out.errors
    assert "period_fault_2" in fault["source"] and "period_wrapper" in fault["source"]
    assert out.period == []  # the call as a whole failed: pluggy's wrapper sees one answer


def test_jobs_give_the_same_document_with_faults_odd_cells_and_unknown_deadlines(tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner

    from policy.cli import jobs
    from policy.cli.main import cli

    monkeypatch.setattr(jobs, "CHUNK", 2)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    (tmp_path / "ours.py").write_text(
        "from policy.core.hookspecs import hookimpl\n\n"
        "@hookimpl\ndef policy_history(record):\n"
        "    if record.id == 'Q3':\n        raise ValueError('three')\n    return []\n",
        encoding="utf-8",
    )
    (tmp_path / "policy.toml").write_text('[policy]\nplugins = ["gas"]\nlocal_plugins = ["ours.py"]\n'
                                          "[plugins.gas]\nrevisit_working_days = 3\n", encoding="utf-8")
    tickets = [{**GAS, "id": f"Q{i}", "event_key": "E", "resolved_at": "2026-12-30 10:00"} for i in range(6)]
    tickets[1]["channel"] = ["web"]
    (tmp_path / "t.jsonl").write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tickets), encoding="utf-8")
    docs = []
    for n in (1, 2):
        r = CliRunner().invoke(cli, ["evaluate", "--as-of", "2027-02-01T00:00", "--format", "json", "--jobs", str(n), "t.jsonl"])
        assert r.exit_code == 1, r.output
        docs.append(r.stdout)
    assert docs[0] == docs[1]
    doc = json.loads(docs[1])
    assert doc["summary"] == {"records": 6, "evaluated": 4, "rejected": 2, "unknown_deadlines": 4}
    assert [(e["id"], e["field"]) for e in doc["errors"]] == [("Q1", "channel"), ("Q3", None)]
    assert "policy_history" in doc["errors"][1]["message"]


def test_a_period_facts_answer_that_is_no_list_leaves_the_period_counts_untouched():
    def policy_period_facts(record):
        return 5 if record.id == "Q2" else None  # after gas's own answer (trylast): its tallies came first

    module = types.ModuleType("facts_fault")
    module.policy_period_facts = hookimpl(trylast=True)(policy_period_facts)
    sys.modules["facts_fault"] = module
    out = run([GAS, {**GAS, "id": "Q2"}, {**GAS, "id": "Q3"}], plugins=["gas"], modules=[module])
    assert out.summary == {"records": 3, "evaluated": 2, "rejected": 1}
    assert out.error("Q2")["field"] is None and "plugin code (TypeError" in out.error("Q2")["message"]
    # Q1 and Q3 only: the rejected ticket's tallies (gas's own, before the fault) are not counted.
    assert out.periods("G1-5.1", party="客服部")[0]["count"] == 2


# -- History --------------------------------------------------------------------------------------


def test_history_last_is_the_latest_earlier_entry_ties_broken_by_id_whatever_the_input_order():
    import random
    from datetime import datetime, timedelta, timezone

    from policy.core.pipeline import History

    class Rec:
        def __init__(self, ticket_id, at):
            self.id, self.received_at = ticket_id, at

    at = datetime(2026, 3, 2, 9, tzinfo=timezone(timedelta(hours=8)))
    entries = [(f"T{i:02d}", at + timedelta(hours=i // 3)) for i in range(30)]  # three tickets an hour
    shuffled = random.Random(7).sample(entries, len(entries))
    history = History()
    for ticket_id, when in shuffled:
        history.add("K", when, ticket_id, ticket_id.lower())
    ordered = sorted(entries, key=lambda e: (e[1], e[0]))
    for n, (ticket_id, when) in enumerate(ordered):
        expected = ordered[n - 1] if n else None
        got = history.last("K", Rec(ticket_id, when))
        assert (None if got is None else (got[1], got[0])) == expected, ticket_id
        assert [e[1] for e in history.earlier("K", Rec(ticket_id, when))] == [e[0] for e in ordered[:n]]
    assert history.last("other", Rec("T00", at)) is None


@pytest.mark.parametrize("field", ["received_at", "replied_at"])
def test_a_time_at_the_end_of_the_calendar_is_an_input_error_not_a_plugin_fault(field):
    # 24 hours (P1-16) or 1 hour (P1-14) after 9999-12-31 23:59 cannot be written.
    out = run([{**POWER, field: "9999-12-31 23:59"}, {**POWER, "id": "G2"}])
    assert out.summary == {"records": 2, "evaluated": 1, "rejected": 1}
    error = out.error("G1")
    assert error["field"] == field and "9999-12-31T23:59" in error["message"] and "plugin" not in error["message"]


def test_a_plugin_that_raises_on_a_ticket_is_named_and_costs_that_ticket_only():
    def policy_classify(record):
        if record.id == "Q2":
            return {}["no such grade"]
        return None

    module = _local("classify_fault", policy_classify=policy_classify)
    out = run([GAS, {**GAS, "id": "Q2"}], plugins=["gas"], modules=[module])
    assert out.summary == {"records": 2, "evaluated": 1, "rejected": 1}
    assert out.error("Q2")["message"].startswith(
        "could not be evaluated because of a fault in plugin code (plugin classify_fault, KeyError: 'no such grade')")
