"""Parameters in range, with their unit: an impossible figure in the config is a config error
naming the file, the key, the value and the allowed range (exit 2), never a run that
rejects every record (issue 12 item 5)."""

import tomllib

import attrs
import pytest
from click.testing import CliRunner

from policy.cli.main import cli
from policy.core import config as cfg
from policy.core.config import ConfigError
from policy.core.plugins import discover
from policy.core.records import UNITS
from policy.core.regulation import param, parameter_docs

BUILT_IN = ("power_supply", "water", "gas", "airport")


@pytest.fixture(scope="module")
def regulations():
    return discover().regulations


def write(tmp_path, plugin, line):
    p = tmp_path / "policy.toml"
    p.write_text(f'[policy]\nplugins = ["{plugin}"]\n[plugins.{plugin}]\n{line}\n', encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("plugin", "line", "expected"),
    [
        ("power_supply", "dispatch_hours = nan", "dispatch_hours: nan is outside the allowed range: 0 to 8784 hours (小时)"),
        ("power_supply", "dispatch_hours = inf", "dispatch_hours: inf is outside the allowed range: 0 to 8784 hours (小时)"),
        ("power_supply", "dispatch_hours = -inf", "dispatch_hours: -inf is outside the allowed range"),
        ("power_supply", "dispatch_hours = 1e12", "dispatch_hours: 1000000000000.0 is outside the allowed range: 0 to 8784 hours"),
        ("power_supply", "dispatch_hours = 8784.5", "0 to 8784 hours"),  # a year and half an hour
        ("power_supply", "contact_working_days = 100000", "contact_working_days: 100000 is outside the allowed range: 0 to 261 working_days (工作日)"),
        ("power_supply", "contact_working_days = 262", "0 to 261 working_days"),
        ("power_supply", "contact_working_days = 99999999999999999999999999999999",
         "contact_working_days: a number this large is outside the allowed range"),
        ("power_supply", "work_quality_fine = [100, 10000000000]", "work_quality_fine: 10000000000 is outside the allowed range: 0 to 1000000000 yuan (元)"),
        ("power_supply", "work_quality_fine = [-100, 200]", "work_quality_fine: -100 is outside the allowed range"),
        ("power_supply", "p2_severe_unit_bonus_pct = 101", "p2_severe_unit_bonus_pct: 101 is outside the allowed range: 0 to 100 percent (%)"),
        ("power_supply", "p2_company_person_bonus_months = 13", "0 to 12 months (个月)"),  # a year's bonus at most
        ("power_supply", "outside_multiplier = 0.5", "outside_multiplier: 0.5 is outside the allowed range: 1 to 100 times (倍)"),
        ("power_supply", "repair_urban_minutes = nan", "repair_urban_minutes: nan is outside"),
        ("water", "award_nothing = 1", "plugins.water.award_nothing: unknown key"),
        ("water", "star_share_pct = 120", "star_share_pct: 120 is outside the allowed range: 0 to 100 percent"),
        ("water", "section_bad_months_threshold = 13", "1 to 12 months"),
        # A threshold of 0 would mark a year with no incident: 80% bonus for everyone listed.
        ("water", "person_year_threshold = 0", "person_year_threshold: 0 is outside the allowed range: 1 to 1000000 count (件)"),
        ("water", "annual_star_months = 0", "annual_star_months: 0 is outside the allowed range: 1 to 12 months"),
        ("water", "quarterly_star_months = 13", "1 to 12 months"),
        ("gas", "transfer_hours = nan", "transfer_hours: nan is outside"),
        ("gas", "repeat_multiplier = 0", "repeat_multiplier: 0 is outside the allowed range: 1 to 100 times"),
        ("airport", "compensation_threshold = inf", "compensation_threshold: inf is outside the allowed range: 0 to 1000000000 yuan"),
        ("airport", "form_working_days = -1", "form_working_days: -1 is outside"),
    ],
)
def test_out_of_range_parameter_is_a_config_error_naming_file_key_value_and_range(regulations, tmp_path, plugin, line, expected):
    p = write(tmp_path, plugin, line)
    with pytest.raises(ConfigError) as e:
        cfg.load(p, regulations)
    message = str(e.value)
    assert message.startswith(f"{p}: plugins.{plugin}.")
    assert expected in message


@pytest.mark.parametrize(
    ("line", "value"),
    [("dispatch_hours = 0", 0), ("dispatch_hours = 8784", 8784), ("contact_working_days = 261", 261),
     ("contact_working_days = 0", 0), ("p2_company_person_bonus_months = 12", 12), ("outside_multiplier = 1", 1)],
)
def test_the_ends_of_each_range_are_allowed(regulations, tmp_path, line, value):
    p = write(tmp_path, "power_supply", line)
    params = cfg.load(p, regulations).parameters["power_supply"]
    assert getattr(params, line.split(" =")[0]) == value


def test_cli_exits_2_on_an_out_of_range_parameter_instead_of_rejecting_every_record(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    (tmp_path / "policy.toml").write_text('[policy]\nplugins = ["power_supply"]\n[plugins.power_supply]\ndispatch_hours = nan\n',
                                          encoding="utf-8")
    (tmp_path / "t.jsonl").write_text('{"id": "T1", "received_at": "2026-03-02 09:00"}\n', encoding="utf-8")
    r = CliRunner().invoke(cli, ["evaluate", "--as-of", "2026-04-01T00:00", "t.jsonl"])
    assert r.exit_code == 2, r.output
    assert "plugins.power_supply.dispatch_hours: nan is outside the allowed range: 0 to 8784 hours" in r.output


@pytest.mark.parametrize("plugin", BUILT_IN)
def test_every_number_parameter_of_the_built_in_plugins_has_a_unit_and_its_default_in_range(regulations, plugin):
    for d in parameter_docs(regulations[plugin].parameters):
        values = d["default"] if isinstance(d["default"], list) else [d["default"]]
        numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if numbers or d["name"].endswith(("_fine", "_amount")):
            assert d["unit"] in UNITS, f"{plugin}.{d['name']} has no unit"
            low, high = d["range"]
            assert all(low <= v <= high for v in numbers), d


@pytest.mark.parametrize("plugin", BUILT_IN)
def test_init_writes_each_unit_and_range_beside_its_parameter_and_loads_back(regulations, tmp_path, plugin):
    text = cfg.render([plugin], regulations)
    lines = text.splitlines()
    docs = {d["name"]: d for d in parameter_docs(regulations[plugin].parameters)}
    for i, line in enumerate(lines):
        name = line.split(" = ", 1)[0]
        if name in docs and docs[name]["unit"] is not None:
            assert lines[i - 1].endswith(f"{docs[name]['unit']} ({UNITS[docs[name]['unit']][0]})]"), lines[i - 1]
    p = tmp_path / "policy.toml"
    p.write_text(text, encoding="utf-8")
    assert cfg.load(p, regulations).parameters[plugin] == regulations[plugin].parameters()
    assert tomllib.loads(text)["plugins"][plugin] == cfg.parameters_as_dict(regulations[plugin].parameters())


def test_a_plugin_declares_its_own_range_and_unit():
    @attrs.define
    class Parameters:
        limit: float = param(3, unit="hours", range=(1, 48), rule="X-1", article="第一条", doc="hours to answer")
        plain: float = param(5, rule="X-2", article="第二条", doc="a figure with no unit")

    (limit, plain) = parameter_docs(Parameters)
    assert (limit["unit"], limit["range"]) == ("hours", [1, 48])
    assert (plain["unit"], plain["range"]) == (None, [0, 1e9])
    for bad in (0.5, 49, float("nan")):
        with pytest.raises(ValueError, match="1 to 48 hours"):
            Parameters(limit=bad)
    with pytest.raises(ValueError, match="0 to 1000000000$"):
        Parameters(plain=-1)


@pytest.mark.parametrize("bad", [{"unit": "furlongs"}, {"range": (5, 1)}])
def test_a_bad_parameter_declaration_fails_when_declared(bad):
    with pytest.raises(ValueError):
        param(1, rule="X-1", article="第一条", doc="", **bad)
