"""`policy serve`: the warning off this machine, the token, a bad config refused before serving."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from pagekit import CONFIG

from policy.cli.main import cli


@pytest.fixture
def served(monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    yield calls
    for app, _ in calls:
        app.state.jobs.close()  # the private folder made at start; a server removes it when it stops


def test_this_machine_only_by_default_without_a_warning(served):
    result = CliRunner().invoke(cli, ["serve", "--config", str(CONFIG)])
    assert result.exit_code == 0, result.output
    assert served[0][1]["host"] == "127.0.0.1" and served[0][1]["port"] == 8765
    assert "warning" not in result.output


def test_another_address_warns_that_there_is_no_login(served):
    result = CliRunner().invoke(cli, ["serve", "--config", str(CONFIG), "--host", "0.0.0.0", "--port", "9000"])
    assert result.exit_code == 0, result.output
    assert "warning: listening on 0.0.0.0: the page has no login" in result.output
    assert "add --token" in result.output
    assert served[0][1] == {"host": "0.0.0.0", "port": 9000, "log_level": "warning"}
    with_token = CliRunner().invoke(cli, ["serve", "--config", str(CONFIG), "--host", "0.0.0.0", "--token", "t"])
    assert "no login" in with_token.output and "add --token" not in with_token.output
    assert served[1][0].state.settings["token"] == "t"


def test_a_bad_config_is_refused_before_anything_is_served(served, tmp_path):
    bad = tmp_path / "policy.toml"
    bad.write_text(CONFIG.read_text(encoding="utf-8").replace("dispatch_hours = 1", "dispatch_hours = -1"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--config", str(bad)])
    assert result.exit_code == 2
    assert "dispatch_hours" in result.output
    assert served == []
