"""Errors name the column the way the input names it (issue 17): 受理时间, not received_at."""

import json

from click.testing import CliRunner

from policy.cli.main import cli

HEADER = "工单编号,受理时间,投诉分类,经查属实,责任原因,责任人,责任单位,投诉原因\n"


def _evaluate(tmp_path, monkeypatch, text, *args):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    if not (tmp_path / "policy.toml").exists():
        assert CliRunner().invoke(cli, ["init", "--industry", "power_supply"]).exit_code == 0
    (tmp_path / "t.csv").write_text(text, encoding="utf-8")
    return CliRunner().invoke(cli, ["evaluate", "--as-of", "2026-04-01T00:00", *args, "t.csv"])


def test_an_error_names_the_users_own_header(tmp_path, monkeypatch):
    out = _evaluate(tmp_path, monkeypatch, HEADER + "E-1,三月二日,服务态度,是,是,张三,城区供电所,attitude_poor\n",
                    "--format", "json")
    assert out.exit_code == 1
    (error,) = json.loads(out.stdout)["errors"]
    assert error["field"] == "received_at" and error["column"] == "受理时间"  # machines: the field; people: the column
    table = _evaluate(tmp_path, monkeypatch, HEADER + "E-1,三月二日,服务态度,是,是,张三,城区供电所,attitude_poor\n",
                      "--format", "table")
    assert "受理时间:" in table.stdout and "received_at:" not in table.stdout


def test_a_file_with_english_headers_keeps_the_field_name(tmp_path, monkeypatch):
    text = ("id,received_at,category,verified,responsible,person,unit,cause\n"
            "E-1,not a time,service_attitude,true,true,张三,城区供电所,attitude_poor\n")
    out = _evaluate(tmp_path, monkeypatch, text, "--format", "json")
    (error,) = json.loads(out.stdout)["errors"]
    assert error["field"] == "received_at" and "column" not in error
