"""The config: `policy init` round-trips, and every error names the file and the key."""

import tomllib
from pathlib import Path

import pytest

from policy.core import config as cfg
from policy.core.config import ConfigError
from policy.core.plugins import discover


@pytest.fixture(scope="module")
def regulations():
    return discover().regulations


def write(tmp_path, text):
    p = tmp_path / "policy.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_init_output_loads_back_unchanged(regulations, tmp_path):
    text = cfg.render(["power_supply"], regulations)
    loaded = cfg.load(write(tmp_path, text), regulations)
    defaults = regulations["power_supply"].parameters()
    assert loaded.parameters["power_supply"] == defaults
    # What it wrote, read as TOML, is exactly the parameters' values.
    table = tomllib.loads(text)["plugins"]["power_supply"]
    assert table == cfg.parameters_as_dict(defaults)
    # And every parameter line carries its rule id and article in the comment above it.
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("dispatch_hours ="):
            assert lines[i - 1].startswith("# P1-14 第十四条")


def test_init_is_deterministic(regulations):
    assert cfg.render(["power_supply"], regulations) == cfg.render(["power_supply"], regulations)


def test_edited_values_load(regulations, tmp_path):
    p = write(tmp_path, '[policy]\nplugins = ["power_supply"]\n[plugins.power_supply]\ndispatch_hours = 2\nattitude_poor_fine = [250, 450]\n')
    params = cfg.load(p, regulations).parameters["power_supply"]
    assert (params.dispatch_hours, params.attitude_poor_fine) == (2, (250, 450))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[policy]\nplugins = ["powersupply"]\n', "policy.plugins: unknown plugin 'powersupply'; available: "),
        ('[policy]\nplugins = ["power_supply"]\ncolour = "red"\n', "policy.colour: unknown key"),
        ('[policy]\nplugins = ["power_supply"]\n[plugins.power_supply]\ndispach_hours = 2\n', "plugins.power_supply.dispach_hours: unknown key"),
        ('[policy]\nplugins = ["power_supply"]\n[plugins.power_supply]\ndispatch_hours = "one"\n', "plugins.power_supply.dispatch_hours: expected a number"),
        ('[policy]\nplugins = ["power_supply"]\n[plugins.power_supply]\ndispatch_hours = -1\n', "plugins.power_supply.dispatch_hours: -1 is outside the allowed range: 0 to 8784 hours (小时)"),
        ('[policy]\nplugins = ["power_supply"]\n[plugins.power_supply]\nwork_quality_fine = [300, 200]\n', "plugins.power_supply.work_quality_fine: range [300, 200]: the minimum is above the maximum"),
        ('[policy]\nplugins = ["power_supply"]\n[plugins.power_supply]\nmajor_main_sanction = ["dismissal", "warning"]\n', "runs backwards on the sanction ladder"),
        ('[policy]\nplugins = ["power_supply"]\n[plugins.power_supply]\nschedule = "P3"\n', "plugins.power_supply.schedule: must be one of 'P1', 'P2'"),
        ('[policy]\nplugins = ["power_supply"]\n[plugins.waterworks]\n', "plugins.waterworks: unknown plugin"),
        ('[policy]\nplugins = ["power_supply"]\ntimezone = "Mars/Olympus"\n', "policy.timezone: 'Mars/Olympus' is not a time zone"),
        ('[policy]\nplugins = ["power_supply"]\n[calendar]\nextra_holidays = ["2026-02-30"]\n', "calendar.extra_holidays"),
        ('[policy]\nplugins = []\n', "no plugin enabled"),
        ('[policy\nplugins = 1\n', "not valid TOML"),
    ],
)
def test_errors_name_the_file_and_the_key(regulations, tmp_path, text, expected):
    p = write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        cfg.load(p, regulations)
    assert str(p) in str(e.value)
    assert expected in str(e.value)


def test_calendar_years_and_close_of_business(regulations, tmp_path):
    p = write(tmp_path, '[policy]\nplugins = ["power_supply"]\n[calendar]\nclose_of_business = "17:30"\n'
              '[calendar.years."2027"]\nholidays = [2027-01-01, "2027-01-02"]\nworkdays = []\n')
    c = cfg.load(p, regulations)
    cal = c.work_calendar()
    from datetime import date

    assert cal.is_working_day(date(2027, 1, 1)) is False
    assert c.calendar.close_of_business.hour == 17


def test_find_order(tmp_path, monkeypatch):
    explicit = write(tmp_path, "")
    assert cfg.find(str(explicit), {}) == explicit
    env = tmp_path / "env.toml"
    env.write_text("")
    assert cfg.find(None, {"POLICY_CONFIG": str(env)}) == env
    monkeypatch.chdir(tmp_path)
    assert cfg.find(None, {}) == Path("policy.toml")
    (tmp_path / "policy.toml").unlink()
    with pytest.raises(ConfigError, match="policy init"):
        cfg.find(None, {})
