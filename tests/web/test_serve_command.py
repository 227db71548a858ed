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


def config_with_serve(tmp_path, serve: str):
    """The shipped example's config with a [serve] table added."""
    path = tmp_path / "policy.toml"
    path.write_text(CONFIG.read_text(encoding="utf-8") + "\n[serve]\n" + serve + "\n", encoding="utf-8")
    return path


def test_serve_settings_come_from_the_config_when_no_option_is_given(served, tmp_path):
    config = config_with_serve(tmp_path, 'token = "s3cret"\nmax_upload_mb = 5\nkeep_minutes = 7')
    result = CliRunner().invoke(cli, ["serve", "--config", str(config), "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    app = served[0][0]
    assert app.state.settings["token"] == "s3cret" and app.state.settings["max_upload_mb"] == 5
    assert app.state.jobs.ttl == 7 * 60
    # the config's token counts as a token: no advice to add one
    assert "no login" in result.output and "add --token" not in result.output


def test_an_option_given_wins_over_the_config(served, tmp_path):
    config = config_with_serve(tmp_path, 'token = "s3cret"\nmax_upload_mb = 5\nkeep_minutes = 7')
    result = CliRunner().invoke(cli, ["serve", "--config", str(config), "--token", "t",
                                      "--max-upload-mb", "9", "--keep-minutes", "2"])
    assert result.exit_code == 0, result.output
    app = served[0][0]
    assert app.state.settings["token"] == "t" and app.state.settings["max_upload_mb"] == 9
    assert app.state.jobs.ttl == 2 * 60


def test_without_serve_in_the_config_the_defaults_hold(served):
    result = CliRunner().invoke(cli, ["serve", "--config", str(CONFIG)])
    assert result.exit_code == 0, result.output
    app = served[0][0]
    assert app.state.settings["token"] is None and app.state.settings["max_upload_mb"] == 200
    assert app.state.jobs.ttl == 60 * 60


@pytest.mark.parametrize("serve, message", [
    ('tokn = "x"', "serve.tokn: unknown key"),
    ("max_upload_mb = 0", "serve.max_upload_mb: 0 is too small; expected a whole number of megabytes, 1 or more"),
    ("keep_minutes = 0", "serve.keep_minutes: 0 is too small; expected a whole number of minutes, 1 or more"),
    ('max_upload_mb = "big"', "serve.max_upload_mb: expected a whole number"),
    ("token = 42", "serve.token: expected a text value in quotes"),
    ('token = ""', "serve.token: empty"),
])
def test_a_bad_serve_table_is_refused_naming_the_key(served, tmp_path, serve, message):
    config = config_with_serve(tmp_path, serve)
    result = CliRunner().invoke(cli, ["serve", "--config", str(config)])
    assert result.exit_code == 2
    assert f"{config}: {message}" in result.output
    assert served == []


def test_a_token_from_the_config_guards_every_request(tmp_path, monkeypatch):
    from starlette.testclient import TestClient

    from policy.web.app import create_app

    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    config = config_with_serve(tmp_path, 'token = "s3cret"\nkeep_minutes = 1')
    with TestClient(create_app(str(config))) as client:
        assert client.get("/").status_code == 401
        page = client.get("/", params={"token": "s3cret"})
        assert page.status_code == 200
        assert "1 分钟无人查看后删除" in page.text  # the page tells how long uploads are kept
