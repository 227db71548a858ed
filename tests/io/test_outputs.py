"""The writers: csv encodings, the reason a ticket is not counted, the progress line."""

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy.cli.main import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "power_supply"
HEADER = "工单编号,受理时间,投诉分类,经查属实,责任原因,责任人,责任单位,投诉原因\n"
ROWS = (
    "G-1,2026-03-02 09:00,服务态度,是,是,张三,城区供电所,attitude_poor\n"
    "G-2,2026-03-02 10:00,服务态度,否,是,李四,城区供电所,attitude_poor\n"
)


def evaluate(*args, input=None):
    return CliRunner().invoke(cli, ["evaluate", "--config", str(EXAMPLES / "policy.toml"), "--as-of", "2026-04-01T00:00", *args],
                              input=input)


@pytest.fixture
def tickets(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


def test_csv_is_utf8_with_a_bom_by_default_for_excel(tickets):
    out = evaluate("--format", "csv", str(tickets)).stdout_bytes
    assert out.startswith(b"\xef\xbb\xbf") and out.count(b"\xef\xbb\xbf") == 1
    assert "张三" in out.decode("utf-8-sig")


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_csv_encoding_option(tickets, encoding):
    out = evaluate("--format", "csv", "--encoding", encoding, str(tickets)).stdout_bytes
    assert not out.startswith(b"\xef\xbb\xbf")
    assert "张三" in out.decode(encoding)


def test_csv_encoding_is_refused_for_other_formats(tickets):
    r = evaluate("--format", "json", "--encoding", "gb18030", str(tickets))
    assert r.exit_code == 2 and "--encoding" in r.output


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_csv_keeps_why_a_ticket_is_not_counted(tickets, lang):
    text = evaluate("--format", "csv", "--lang", lang, str(tickets)).stdout_bytes.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    by = "classified_by" if lang == "en" else "判定条款"
    reason = "reason" if lang == "en" else "不计入原因"
    g2 = [dict(zip(header, r)) for r in rows[1:] if "G-2" in r]
    assert g2 and all(r[by] == "P1-9" and "verified" in r[reason] for r in g2)


@pytest.mark.parametrize(
    ("quiet", "output", "stdout_tty", "stderr_tty", "wanted"),
    [
        (False, None, True, True, False),  # the table on the terminal: no spinner over it
        (False, "out.xlsx", True, True, True),  # results in a file: progress on the terminal
        (False, None, False, True, True),  # results piped on: stderr is free
        (False, "out.xlsx", True, False, False),  # stderr not a terminal
        (True, "out.xlsx", True, True, False),  # --quiet
    ],
)
def test_progress_never_shares_the_terminal_with_results(quiet, output, stdout_tty, stderr_tty, wanted):
    from policy.cli.main import _progress_wanted

    assert _progress_wanted(quiet, output, stdout_tty, stderr_tty) is wanted


def test_progress_counts_the_records_read(monkeypatch):
    import rich.progress

    from policy.cli import main

    shown = []

    class Recorder:
        def __init__(self, *a, **k): ...
        def __enter__(self): return self
        def __exit__(self, *a): return False
        def add_task(self, *a, **k): return 0
        def update(self, task, completed, **k): shown.append(completed)

    monkeypatch.setattr(rich.progress, "Progress", Recorder)

    class Engine:
        records = rejected = 0

    engine = Engine()

    def results():
        for i in range(2500):
            engine.records += 1
            yield i

    assert list(main._with_progress(results(), engine)) == list(range(2500))
    assert shown == [1, 1001, 2001]


def test_table_strips_terminal_control_characters_from_ticket_fields(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "G-\x1b[2J1,2026-03-02 09:00,服务态度,是,是,\x1b[31m张三\x07,城区供电所,attitude_poor\n", encoding="utf-8")
    out = evaluate("--format", "table", str(path)).stdout
    assert "张三 (责任人)" in out and "G-1" in out
    assert not any(ch in out for ch in "\x1b\x07")


def test_table_in_chinese_by_default_and_english_grammar(tickets):
    zh = evaluate("--format", "table", str(tickets)).stdout
    assert "超期" in zh or "按期" in zh
    assert "共 2 条记录: 已评估 2 条, 被拒绝 0 条" in zh
    en = evaluate("--format", "table", "--lang", "en", str(tickets)).stdout
    assert "2 records: 2 evaluated, 0 rejected" in en and "200–500 yuan" in en


@pytest.mark.parametrize(
    ("kind", "low", "high", "zh", "en"),
    [
        ("fine", 8800, None, "8800 元以上", "8800 yuan or more"),
        ("fine", 200, 500, "200–500 元", "200–500 yuan"),
        ("bonus_months", 1, 1, "1 个月", "1 month"),
        ("bonus_months", 6, 12, "6–12 个月", "6–12 months"),
        ("annual_bonus_withheld_pct", 10, 20, "10–20%", "10–20%"),
        ("sanction", "warning", "dismissal", "警告至开除", "warning to dismissal"),
        ("criticism", None, None, "", ""),
    ],
)
def test_amounts_read_with_their_unit(kind, low, high, zh, en):
    from policy.core.labels import Labels

    assert Labels({}, "zh").amount(kind, low, high) == zh
    assert Labels({}, "en").amount(kind, low, high) == en


@pytest.mark.parametrize(
    ("text", "zh"),
    [("1 hour", "1小时内"), ("1 working day", "1个工作日内"), ("4 working days", "4个工作日内"), ("same day", "当日"),
     ("at least 7 days before", "至少提前7天"), ("7 days before the outage", "提前7天"), ("45 minutes", "45分钟内"),
     ("the ticket's own limit", None)],
)
def test_limits_read_in_chinese(text, zh):
    from policy.core.labels import limit_zh

    assert limit_zh(text) == zh


def test_periods_read_in_chinese():
    from policy.core.labels import period_zh

    assert [period_zh(p) for p in ("2026", "2026-H1", "2026-H2", "2026-Q3", "2026-03")] == [
        "2026年", "2026年上半年", "2026年下半年", "2026年第三季度", "2026年3月"]


def test_lang_from_the_config(tmp_path, tickets):
    config = tmp_path / "policy.toml"
    text = (EXAMPLES / "policy.toml").read_text(encoding="utf-8")
    config.write_text(text.replace('timezone = "Asia/Shanghai"', 'timezone = "Asia/Shanghai"\nlang = "en"', 1), encoding="utf-8")
    r = CliRunner().invoke(cli, ["evaluate", "--config", str(config), "--as-of", "2026-04-01T00:00", "--format", "table", str(tickets)])
    assert "2 records: 2 evaluated" in r.stdout
    config.write_text(text.replace('timezone = "Asia/Shanghai"', 'timezone = "Asia/Shanghai"\nlang = "fr"', 1), encoding="utf-8")
    r = CliRunner().invoke(cli, ["evaluate", "--config", str(config), "--format", "table", str(tickets)])
    assert r.exit_code == 2 and "policy.lang" in r.output


def test_json_keeps_codes_and_ends_with_the_run_section(tickets):
    import json

    doc = json.loads(evaluate("--format", "json", str(tickets)).stdout)
    assert list(doc) == ["results", "period", "errors", "summary", "run"]
    assert {d["status"] for r in doc["results"] for d in r["deadlines"]} <= {"met", "breached", "open", "overdue", "not_applicable"}
    run = doc["run"]
    assert run["as_of"] == "2026-04-01T00:00:00+08:00" and run["overrides"] == [] and run["period"] is None
    assert run["plugins"] == {"power_supply": run["plugins"]["power_supply"]} and "covers 2004–" in run["calendar"]
    assert run["config"]["path"].endswith("policy.toml") and len(run["config"]["sha256"]) == 64
    import hashlib

    assert run["inputs"] == [{"name": str(tickets), "bytes": tickets.stat().st_size,
                              "sha256": hashlib.sha256(tickets.read_bytes()).hexdigest()}]


def test_rules_list_chinese_titles_by_default():
    zh = CliRunner().invoke(cli, ["rules", "--plugin", "power_supply"]).stdout
    assert "P1-14" in zh and "受理后1小时内派单至责任单位" in zh
    en = CliRunner().invoke(cli, ["rules", "--plugin", "power_supply", "--lang", "en"]).stdout
    assert "ticket passed to the unit within 1 hour of acceptance" in en and "工单1小时内" not in en
    import json

    data = json.loads(CliRunner().invoke(cli, ["rules", "--plugin", "power_supply", "--json"]).stdout)["power_supply"]
    p14 = next(r for r in data if r["id"] == "P1-14")
    assert p14["title"] == "ticket passed to the unit within 1 hour of acceptance" and p14["title_zh"] == "受理后1小时内派单至责任单位"


def test_every_shipped_rule_has_a_chinese_title():
    from policy.core.plugins import discover

    regulations = discover().regulations
    for name in ("power_supply", "water", "gas", "airport"):
        reg = regulations[name]
        missing = [r.id for r in reg.rules if not r.title_zh]
        assert not missing, f"{name}: {missing}"


def test_table_labels_the_roles_of_period_items():
    import re

    water = Path(__file__).resolve().parents[2] / "examples" / "water"
    r = CliRunner().invoke(cli, ["evaluate", "--config", str(water / "policy.toml"), "--as-of", "2026-12-31T00:00",
                                 "--period", "2026", "--roster", str(water / "roster.csv"), "--format", "table",
                                 str(water / "tickets.csv")])
    period = r.stdout.split("\n期间考核\n", 1)[1]
    assert "(客户代表)" in period or "(客户服务员)" in period or "(片区管理员)" in period
    assert not re.findall(r"\(([a-z_]+)\)", period)


def test_the_run_section_names_the_policy_version():
    """The run section says which policy made the figures (the distribution is policy-complaints)."""
    from importlib.metadata import version

    from policy.core import DISTRIBUTION

    example = Path(__file__).resolve().parents[2] / "examples" / "power_supply"
    out = CliRunner().invoke(cli, ["evaluate", "--config", str(example / "policy.toml"), "--as-of", "2026-04-01T00:00",
                                   "--format", "json", str(example / "tickets.csv")])
    assert json.loads(out.stdout)["run"]["policy"] == version(DISTRIBUTION) is not None
