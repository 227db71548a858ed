"""`policy rules` with the readings, and `policy rules ID` (one rule whole, like `ruff rule F401`)."""

import json
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from policy.cli.main import cli
from policy.core.plugins import discover

ROOT = Path(__file__).resolve().parents[2]
BUILT_IN = ("power_supply", "water", "gas", "airport")


def rules(*args):
    return CliRunner().invoke(cli, ["rules", *args])


@pytest.mark.parametrize("name", BUILT_IN)
def test_each_reading_cites_a_declared_rule_an_existing_parameter_and_is_in_the_readme(name):
    reg = discover(enabled=[name]).regulations[name]
    assert reg.readings, f"{name} declares its readings"
    parameters = {a.name for a in attrs.fields(reg.parameters)}
    readme = (ROOT / "plugins" / name / "README.md").read_text(encoding="utf-8")
    assert "\n## Readings\n" in readme
    readings_section = readme.split("\n## Readings\n", 1)[1].split("\n## ", 1)[0]
    for reading in reg.readings:
        assert reg.rule(reading.rule)  # declared
        assert reading.parameter is None or reading.parameter in parameters
        assert f"`{reading.rule}`" in readings_section
        if reading.parameter:
            assert f"`{reading.parameter}" in readings_section


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_rule_has_its_chinese_title(name):
    assert [r.id for r in discover(enabled=[name]).regulations[name].rules if not r.title_zh] == []


def test_rules_lists_the_readings_with_their_parameter():
    r = rules("--plugin", "gas")
    assert r.exit_code == 0
    assert "reading: 到期之前: handled exactly at the due time is in time. [finished_at_due_in_time]" in r.output
    data = json.loads(rules("--plugin", "power_supply", "--json").stdout)["power_supply"]
    p313 = next(x for x in data if x["id"] == "P3-4.13")
    assert p313["readings"][0]["parameter"] == "notice_days_counting"
    assert next(x for x in data if x["id"] == "P1-14")["readings"] == []


def test_rule_whole_with_its_parameters_defaults_and_readings():
    r = rules("P1-28")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("P1-28  第二十八条  (power_supply: ")
    # Chinese first for people, then the English title.
    assert "\n    经济处罚在当月绩效中扣除,不足部分移至下月直至扣满\n    fines come out of monthly performance pay" in r.output
    assert 'pay_deduction_rules = ["P1-24", "P1-26"]  [第二十八条]' in r.output
    assert "parameters (defaults):" in r.output and "readings:" in r.output and "Switch: pay_deduction_rules." in r.output


def test_rule_whole_json_with_the_values_of_a_config(tmp_path):
    config = tmp_path / "policy.toml"
    assert CliRunner().invoke(cli, ["init", "--industry", "water", "--output", str(config)]).exit_code == 0
    config.write_text(config.read_text(encoding="utf-8").replace("section_month_fine = 1000", "section_month_fine = 800"),
                      encoding="utf-8")
    d = json.loads(rules("W1-5.2.2a", "--config", str(config), "--json").stdout)
    assert (d["id"], d["article"], d["plugin"], d["values_from"]) == ("W1-5.2.2a", "五(二)2", "water", str(config))
    assert d["title_zh"] == "科所月度内出现2件同类:扣减责任科所负责人当月绩效1000元"
    fine = next(p for p in d["parameters"] if p["name"] == "section_month_fine")
    assert (fine["value"], fine["default"]) == (800, 1000)
    assert [x["parameter"] for x in d["readings"]] == [None]
    assert "(default 1000)" in rules("W1-5.2.2a", "--config", str(config)).output
    # A rule of a plugin the config does not enable: its defaults, and it says so.
    d = json.loads(rules("G1-5.2", "--config", str(config), "--json").stdout)
    assert d["values_from"] == "defaults (plugin not enabled in the config)"


def test_unknown_rule_is_a_usage_error_listing_close_ids():
    r = rules("W1-5.2.2")
    assert r.exit_code == 2 and "unknown rule 'W1-5.2.2'; did you mean W1-5.2.2a, W1-5.2.2b?" in r.output
    r = rules("G1-5.9")
    assert r.exit_code == 2 and "G1-5.1" in r.output
    r = rules("nothing-like-it")
    assert r.exit_code == 2 and "`policy rules` lists them" in r.output
