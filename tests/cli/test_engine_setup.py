"""Engine setup (core/setup.py): one place that finds and checks the config and loads plugins,
with messages that say what is wrong."""

import subprocess
import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy.cli.main import cli
from policy.core import plugins as plugins_mod
from policy.core.config import ConfigError
from policy.core.records import parse_time
from policy.core.setup import load_engine_setup

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as e:
        load_engine_setup(path)
    return str(e.value)


def test_setup_gives_an_engine_that_evaluates(tmp_path):
    setup = load_engine_setup(EXAMPLES / "power_supply" / "policy.toml")
    engine = setup.engine(parse_time("2026-04-01T00:00", setup.config.zone, "as_of"))
    row = {"id": "G-1", "received_at": "2026-03-02 09:00", "category": "服务态度", "verified": "是", "responsible": "是",
           "person": "张三", "cause": "attitude_poor"}
    (result,) = engine.evaluate([("t", 1, row)])
    assert result.consequences[0].rule == "P1-24.3.2.1" and result.consequences[0].min == 200


def test_the_jobs_workers_do_not_import_the_command_line():
    """cli/jobs.py and cli/main.py imported each other; the workers now set up through the core."""
    code = "import sys, policy.cli.jobs; print('policy.cli.main' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_plugins_as_a_string_says_it_must_be_a_list(tmp_path):
    message = config_error(write_config(tmp_path, '[policy]\nplugins = "power_supply"\n'))
    assert "policy.plugins: expected a list in brackets such as [\"power_supply\"], not 'power_supply'" in message
    assert "'p'" not in message and "unknown plugin" not in message


def test_local_plugins_as_a_string_says_it_must_be_a_list(tmp_path):
    message = config_error(write_config(tmp_path, '[policy]\nplugins = ["power_supply"]\nlocal_plugins = "ours.py"\n'))
    assert "policy.local_plugins: expected a list of file paths" in message


def test_an_unknown_key_in_a_table_of_a_plugin_not_enabled_is_an_error(tmp_path):
    path = write_config(tmp_path, '[policy]\nplugins = ["power_supply"]\n[plugins.gas]\nno_such_figure = 3\n')
    assert f"{path}: plugins.gas.no_such_figure: unknown key" in config_error(path)


def test_a_wrong_value_in_a_table_of_a_plugin_not_enabled_is_an_error(tmp_path):
    path = write_config(tmp_path, '[policy]\nplugins = ["power_supply"]\n[plugins.water]\nincident_fine = "three"\n')
    message = config_error(path)
    assert f"{path}: plugins.water.incident_fine: expected a whole number, not 'three'" in message


def test_a_table_of_a_plugin_not_enabled_but_valid_is_accepted(tmp_path):
    path = write_config(tmp_path, '[policy]\nplugins = ["power_supply"]\n[plugins.gas]\n')
    setup = load_engine_setup(path)
    assert set(setup.config.parameters) == {"power_supply"}


def test_a_table_of_a_plugin_not_installed_names_the_installed_ones(tmp_path):
    message = config_error(write_config(tmp_path, '[policy]\nplugins = ["power_supply"]\n[plugins.telecom]\nx = 1\n'))
    assert "plugins.telecom: unknown plugin; available: airport, bank_branch, gas, power_supply, water" in message


def test_local_plugins_naming_a_directory_says_so(tmp_path):
    (tmp_path / "rules").mkdir()
    message = config_error(write_config(tmp_path, '[policy]\nplugins = ["power_supply"]\nlocal_plugins = ["rules"]\n'))
    assert "rules is a directory, not a Python file" in message and "does not exist" not in message


def test_missing_config_hint_names_the_installed_plugins(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    (tmp_path / "t.jsonl").write_text("{}\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["evaluate", "t.jsonl"])
    assert r.exit_code == 2
    assert "`policy init --industry NAME` (installed plugins: airport, bank_branch, gas, power_supply, water)" in r.output


def test_missing_config_hint_with_one_plugin_installed_names_it(tmp_path):
    from policy.core.config import find

    with pytest.raises(ConfigError, match=r"`policy init --industry heating` \(or name one"):
        find(tmp_path / "none.toml", {}, installed=["heating"])


def test_a_plugin_declared_twice_by_stale_metadata_loads_once(monkeypatch):
    """After the rename to policy-complaints, an old `policy` egg-info may still declare the
    built-in plugins: the same entry point twice is one plugin, not a failure."""
    real = plugins_mod.entry_points(group=plugins_mod.GROUP)
    stale = [EntryPoint(ep.name, ep.value, ep.group) for ep in real]
    monkeypatch.setattr(plugins_mod, "entry_points", lambda group: [*real, *stale])
    found = plugins_mod.discover()
    assert found.failures == []
    assert {"power_supply", "water", "gas", "airport"} <= set(found.regulations)


def test_two_plugins_under_one_name_are_still_reported(monkeypatch):
    real = plugins_mod.entry_points(group=plugins_mod.GROUP)
    other = EntryPoint("water", "policy.plugins.gas", plugins_mod.GROUP)
    monkeypatch.setattr(plugins_mod, "entry_points", lambda group: [*real, other])
    found = plugins_mod.discover()
    assert [f.name for f in found.failures] == ["water"]


def test_init_says_local_plugins_run_as_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["init", "--industry", "gas"]).exit_code == 0
    text = (tmp_path / "policy.toml").read_text(encoding="utf-8")
    comment = text[text.index("# Python files"):text.index("local_plugins = []")]
    assert "RUN as Python code" in comment and "only files you trust" in comment and "--jobs" in comment


def test_setup_unpacks_as_config_and_plugins_for_callers_of_the_command_line_module():
    from policy.cli.main import load_engine_setup as from_the_command_line

    config, plugins = from_the_command_line(EXAMPLES / "water" / "policy.toml")
    assert config.policy.plugins == ["water"] and "water" in plugins.regulations
