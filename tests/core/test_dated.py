"""Regulations that change on a date: a ticket by the values in force at its receipt, a period
rule by those in force on the period's last day (core/dated.py)."""

from datetime import date
from types import ModuleType

import attrs
import pytest

from policy.core.config import ConfigError, from_dict
from policy.core.hookspecs import hookimpl
from policy.core.model import Classification, Consequence, Rule
from policy.core.records import Field
from policy.core.plugins import discover
from policy.core.regulation import Regulation, param
from policy.core.testing import run


def complaint(ticket_id, received, **more):
    # 第二十四条(三)1(1): work quality, no loss to the customer: 100–200 yuan (P1-24.3.1.1).
    return {"id": ticket_id, "received_at": received, "category": "business_charges", "verified": "是",
            "responsible": "是", "person": "李四", "unit": "城区供电所", "cause": "work_quality", **more}


def test_a_fine_raised_from_1_july_judges_june_by_the_old_figure_and_july_by_the_new():
    outcome = run(
        [complaint("JUNE", "2026-06-30 23:59"), complaint("JULY", "2026-07-01 00:00")],
        params={"power_supply": {"work_quality_fine": [{"from": date(2026, 7, 1), "value": [150, 300]}]}},
    )
    june = outcome.consequence("JUNE", "P1-24.3.1.1")
    july = outcome.consequence("JULY", "P1-24.3.1.1")
    assert (june["min"], june["max"]) == (100, 200)
    assert (july["min"], july["max"]) == (150, 300)


def test_a_limit_with_a_history_of_several_values():
    # 第十四条: dispatch within 1 hour; the company allows 2 hours from 2026-07-01.
    history = [{"from": date(2005, 1, 1), "value": 1}, {"from": date(2026, 7, 1), "value": 2}]
    outcome = run(
        [complaint("OLD", "2026-06-30 10:00", dispatched_at="2026-06-30 11:30"),
         complaint("NEW", "2026-07-01 10:00", dispatched_at="2026-07-01 11:30")],
        params={"power_supply": {"dispatch_hours": history}},
    )
    assert outcome.deadline("OLD", "P1-14")["status"] == "breached"
    assert outcome.deadline("NEW", "P1-14")["status"] == "met"
    assert outcome.deadline("NEW", "P1-14")["due"] == "2026-07-01T12:00:00+08:00"


def test_a_period_rule_by_the_values_on_the_periods_last_day_said_in_the_note():
    # 第二十七条 assessed per half-year; from 2026-07-01 the company assesses per quarter.
    outcome = run(
        [complaint("JUNE", "2026-06-10 09:00"), complaint("AUG", "2026-08-10 09:00")],
        params={"power_supply": {"assessment_period": [{"from": date(2026, 7, 1), "value": "quarter"}]}},
    )
    items = {p["period"]: p for p in outcome.periods("P1-27")}
    assert set(items) == {"2026-H1", "2026-Q3"}
    assert items["2026-H1"]["count"] == 1 and items["2026-Q3"]["count"] == 1
    assert items["2026-Q3"]["note"].endswith("parameters in force from 2026-07-01")
    assert items["2026-H1"]["note"].endswith("the regulation's parameters before its first revision")


def _load(table):
    found = discover(enabled=["power_supply"])
    return from_dict({"policy": {"plugins": ["power_supply"]}, "plugins": {"power_supply": table}}, found.regulations)


def test_dated_values_written_wrongly_are_config_errors_naming_the_key():
    with pytest.raises(ConfigError, match=r"plugins.power_supply.dispatch_hours\[1\].from: 2026-01-01 is not after"):
        _load({"dispatch_hours": [{"from": date(2026, 7, 1), "value": 2}, {"from": date(2026, 1, 1), "value": 3}]})
    with pytest.raises(ConfigError, match=r"dispatch_hours\[0\]: expected \{from"):
        _load({"dispatch_hours": [{"value": 2}]})
    with pytest.raises(ConfigError, match=r"dispatch_hours: -2 is outside the allowed range.*in force from 2026-07-01"):
        _load({"dispatch_hours": [{"from": date(2026, 7, 1), "value": -2}]})
    # A range is a list of numbers, never a history.
    assert _load({"work_quality_fine": [120, 240]}).parameters["power_supply"].work_quality_fine == (120, 240)


@attrs.frozen
class _Parameters:
    fine: float = param(100, rule="R-1", article="第一条", doc="yuan per complaint",
                        revisions=((date(2026, 7, 1), 200),))


def _regulation(name: str, parameters: type, fields: tuple = (), high: str = "fine") -> ModuleType:
    """A one-rule regulation that fines each ticket's person ``params.fine`` to ``params.<high>``."""
    module = ModuleType(name)

    @hookimpl
    def policy_regulation():
        return Regulation(name, "测试办法", "a test", (Rule("R-1", "第一条", "fine per complaint"),), fields, parameters)

    @hookimpl
    def policy_classify(record):
        return Classification(True)

    @hookimpl
    def policy_consequences(record, params):
        return [Consequence("R-1", record.person, "responsible_person", "fine", params.fine, getattr(params, high))]

    module.policy_regulation, module.policy_classify, module.policy_consequences = (
        policy_regulation, policy_classify, policy_consequences)
    return module


def test_a_plugin_declares_its_regulations_revision_and_a_config_value_replaces_it():
    tickets = [{"id": "A", "received_at": "2026-06-30 23:59", "person": "甲"},
               {"id": "B", "received_at": "2026-07-01 00:00", "person": "乙"}]
    outcome = run(tickets, plugins=[], modules=[_regulation("revised", _Parameters)])
    assert outcome.consequence("A", "R-1")["min"] == 100 and outcome.consequence("B", "R-1")["min"] == 200
    outcome = run(tickets, plugins=[], modules=[_regulation("revised", _Parameters)], params={"revised": {"fine": 150}})
    assert outcome.consequence("A", "R-1")["min"] == 150 and outcome.consequence("B", "R-1")["min"] == 150


def test_policy_rules_shows_a_parameters_history(tmp_path, monkeypatch):
    import re

    from click.testing import CliRunner

    from policy.cli.main import cli

    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["init", "--industry", "power_supply"]).exit_code == 0
    text = (tmp_path / "policy.toml").read_text(encoding="utf-8")
    text = re.sub(r"work_quality_fine = \[\n    100,\n    200,\n\]",
                  "work_quality_fine = [{from = 2026-07-01, value = [150, 300]}]", text)
    (tmp_path / "policy.toml").write_text(text, encoding="utf-8")
    out = CliRunner().invoke(cli, ["rules", "P1-24.3.1.1", "--config", "policy.toml"])
    assert out.exit_code == 0, out.output
    assert "at first: [100, 200]" in out.output and "from 2026-07-01: [150, 300]" in out.output
    data = CliRunner().invoke(cli, ["rules", "P1-24.3.1.1", "--config", "policy.toml", "--json"]).output
    import json

    (param,) = json.loads(data)["parameters"]
    assert param["history"] == [{"from": None, "value": [100, 200]}, {"from": "2026-07-01", "value": [150, 300]}]


@attrs.frozen
class _AnnouncedParameters:
    fine: float = param(100, rule="R-1", article="第一条", doc="yuan per complaint, as in force when announced",
                        revisions=((date(2026, 7, 1), 200),), dated_by="notified_at")
    other: float = param(10, rule="R-1", article="第一条", doc="yuan, by receipt", revisions=((date(2026, 7, 1), 20),))


def test_a_parameter_dated_by_the_announcement_takes_the_value_in_force_then():
    """A regulation may judge a figure by another date than receipt: here the announcement."""
    outcome = run([
        {"id": "A", "received_at": "2026-06-20 10:00", "person": "甲", "notified_at": "2026-06-30 23:59"},
        {"id": "B", "received_at": "2026-06-20 10:00", "person": "乙", "notified_at": "2026-07-01 00:00"},
        {"id": "C", "received_at": "2026-06-20 10:00", "person": "丙"},  # not announced: receipt decides
    ], plugins=[], modules=[_regulation("announced", _AnnouncedParameters, (Field("notified_at", "time", "when the result was announced"),), "other")])
    a, b, c = (outcome.consequence(i, "R-1") for i in "ABC")
    assert (a["min"], a["max"]) == (100, 10)
    assert (b["min"], b["max"]) == (200, 10)  # the fine by the announcement, the other figure by receipt
    assert (c["min"], c["max"]) == (100, 10)
