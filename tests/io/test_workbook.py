"""The assessor's workbook (issue 17), read back with openpyxl as Excel would show it."""

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

openpyxl = pytest.importorskip("openpyxl")

from policy.cli import jobs, outputs  # noqa: E402
from policy.cli.main import cli  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AS_OF = "2026-12-31T00:00"
CJK = re.compile(r"[\u4e00-\u9fff]")
# Columns holding codes a person reads: each value must be a Chinese label.
CODED = ("是否计入", "类别", "等级", "申诉", "项目", "环节", "时限", "状态", "身份", "考核方式")

CASES = {
    "power_supply": ["--period", "2026-H1", "--roster", str(EXAMPLES / "power_supply" / "roster.csv"),
                     str(EXAMPLES / "power_supply" / "tickets.csv")],
    "water": ["--period", "2026", "--roster", str(EXAMPLES / "water" / "roster.csv"), str(EXAMPLES / "water" / "tickets.csv")],
    "gas": [str(EXAMPLES / "gas" / "tickets.csv")],
    "airport": [str(EXAMPLES / "airport" / "tickets.csv")],
}


def run(tmp_path, industry, *extra, name="out", fmt="xlsx", config=None):
    out = tmp_path / f"{name}.{fmt}"
    config = config or EXAMPLES / industry / "policy.toml"
    r = CliRunner().invoke(cli, ["evaluate", "--config", str(config), "--as-of", AS_OF, "--format", fmt,
                                 "--output", str(out), *extra, *CASES[industry]])
    assert r.exit_code in (0, 1), r.output
    return out


def sheet(book, name):
    header, *rows = [list(r) for r in book[name].iter_rows(values_only=True)]
    return header, [dict(zip(header, r)) for r in rows]


@pytest.mark.parametrize("industry", sorted(CASES))
def test_every_coded_column_shows_chinese_labels(tmp_path, industry):
    book = openpyxl.load_workbook(run(tmp_path, industry))
    header, rows = sheet(book, "结果")
    assert rows
    for column in CODED:
        values = {r[column] for r in rows if r[column] not in (None, "")}
        english = sorted(v for v in values if not CJK.search(str(v)))
        assert not english, f"{column}: {english}"
    _, period = sheet(book, "期间考核")
    for column in ("期间", "身份", "考核方式"):
        english = sorted({str(r[column]) for r in period if r[column] and not CJK.search(str(r[column]))})
        assert not english, f"期间考核 {column}: {english}"


def test_times_are_excel_datetimes_and_an_end_of_day_reads_24_00(tmp_path):
    book = openpyxl.load_workbook(run(tmp_path, "power_supply"))
    ws = book["结果"]
    header = [c.value for c in ws[1]]
    received, due, text = header.index("受理时间"), header.index("到期时间"), header.index("到期(文字)")
    rows = list(ws.iter_rows(min_row=2))
    assert all(r[received].is_date and isinstance(r[received].value, datetime) for r in rows)
    # PS-001, received 2026-03-02 09:00 (Asia/Shanghai): dispatch due 10:00 the same day, and
    # contact within 1 working day: due at the end of 3 March, shown as 24:00 of 3 March.
    ps1 = [r for r in rows if r[0].value == "PS-001"]
    assert ps1[0][received].value == datetime(2026, 3, 2, 9, 0)
    assert ps1[0][due].value == datetime(2026, 3, 2, 10, 0) and ps1[0][text].value == "2026年3月2日 10:00"
    assert ps1[1][due].value == datetime(2026, 3, 4, 0, 0) and ps1[1][text].value == "2026年3月3日 24:00"


def test_header_row_frozen_and_filtered_on_every_sheet(tmp_path):
    book = openpyxl.load_workbook(run(tmp_path, "water"))
    assert book.sheetnames == ["结果", "考核汇总", "期间考核", "错误", "汇总", "运行信息"]
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
    widths = book["结果"].column_dimensions
    assert widths["A"].width >= 8  # fitted, not Excel's default 8.43 for every column


def test_context_columns_and_the_rule_title_on_every_result_row(tmp_path):
    book = openpyxl.load_workbook(run(tmp_path, "power_supply"))
    _, rows = sheet(book, "结果")
    ps1 = [r for r in rows if r["工单编号"] == "PS-001"]
    assert ps1 and all(r["责任单位"] == "城区供电所" and r["责任人"] == "张三" for r in ps1)
    assert ps1[0]["条款"].startswith("第十四条 ") and CJK.search(ps1[0]["条款"][4:])


@pytest.mark.parametrize("industry", ["power_supply", "water"])
def test_the_summary_sheet_totals_are_the_sum_of_the_consequences(tmp_path, industry):
    book = openpyxl.load_workbook(run(tmp_path, industry))
    received = {r["工单编号"]: r["受理时间"] for r in sheet(book, "结果")[1]}
    doc = json.loads(run(tmp_path, industry, name="doc", fmt="json").read_text())
    expected = {}
    for r in doc["results"]:
        for c in r["consequences"]:
            month = f"{received[r['id']].year}年{received[r['id']].month}月"
            expected.setdefault((c["party"] or "(未注明)", month, c["kind"]), []).append((c["min"], c["max"], r["id"]))
    for p in doc["period"]:
        key = (p["party"] or "(未注明)", p["period"], p["kind"])
        expected.setdefault(key, []).append((p["min"], p["max"], None))
    _, totals = sheet(book, "考核汇总")
    assert totals
    by_key = {(t["责任对象"], t["期间"]): t for t in totals}
    from policy.cli.outputs import SUMMARY_KINDS
    from policy.core.labels import KIND, period_zh

    checked = 0
    for (party, period, kind), items in expected.items():
        row = by_key[(party, period if "年" in period else period_zh(period))]
        if kind in SUMMARY_KINDS:
            name = KIND[kind]
            assert row[f"{name} 最低"] == sum(lo or 0 for lo, _, _ in items), (party, period, kind)
            if all(hi is not None for _, hi, _ in items):
                assert row[f"{name} 最高"] == sum(hi for _, hi, _ in items), (party, period, kind)
            else:
                assert row[f"{name} 最高"] == "无上限"
            checked += 1
        elif kind == "sanction":
            assert len(row["处分"].split("; ")) == len(items)
    assert checked
    tickets = {}
    for (party, period, _), items in expected.items():
        key = (party, period if "年" in period else period_zh(period))
        tickets.setdefault(key, set()).update(t for _, _, t in items if t)
    assert {k: r["工单数"] for k, r in by_key.items()} == {k: len(v) for k, v in tickets.items()}
    # Every row stands for something the consequences say: nothing is added or left out.
    assert len(by_key) == len({(party, period if "年" in period else period_zh(period)) for party, period, _ in expected})


def test_summary_format_on_the_terminal(tmp_path):
    out = run(tmp_path, "power_supply", fmt="summary")
    text = out.read_text()
    assert "责任对象" in text and "张三" in text and "受理月份" in text
    by_unit = run(tmp_path, "power_supply", "--summary-by", "unit", name="by_unit", fmt="summary").read_text()
    assert by_unit.splitlines()[0].startswith("责任单位") and "城区供电所" in by_unit


def test_config_overrides_are_marked_beside_the_figure_and_listed(tmp_path):
    config = tmp_path / "policy.toml"
    text = (EXAMPLES / "power_supply" / "policy.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^dispatch_hours = 1$", "dispatch_hours = 2", text)
    text = re.sub(r"(?ms)^attitude_poor_fine = \[.*?\]", "attitude_poor_fine = [300, 800]", text)
    config.write_text(text, encoding="utf-8")
    book = openpyxl.load_workbook(run(tmp_path, "power_supply", config=config))
    _, rows = sheet(book, "结果")
    fine = next(r for r in rows if r["条款编号"] == "P1-24.3.2.1" and r["考核方式"] == "罚款")
    assert fine["考核幅度"] == "300–800 元 (本公司配置; 办法原文 200–500 元)"
    dispatch = next(r for r in rows if r["条款编号"] == "P1-14")
    assert dispatch["时限"] == "2小时内 (本公司配置)" and "dispatch_hours = 2 (办法原文 1)" in dispatch["本公司配置"]
    summary = [r for r in book["汇总"].iter_rows(values_only=True)]
    listed = [r[1] for r in summary if r[0] == "本公司配置"]
    assert any("P1-24.3.2.1" in x and "attitude_poor_fine = [300, 800]" in x for x in listed)
    assert any("P1-14" in x and "dispatch_hours = 2" in x for x in listed)
    doc = json.loads(run(tmp_path, "power_supply", name="doc", fmt="json", config=config).read_text())
    assert {(o["parameter"], o["rule"]) for o in doc["run"]["overrides"]} == {
        ("power_supply.attitude_poor_fine", "P1-24.3.2.1"), ("power_supply.dispatch_hours", "P1-14")}


def test_past_the_sheet_row_limit_results_continue_on_a_second_sheet(tmp_path, monkeypatch):
    whole = openpyxl.load_workbook(run(tmp_path, "power_supply", name="whole"))
    _, all_rows = sheet(whole, "结果")
    monkeypatch.setattr(outputs, "XLSX_MAX_ROWS", 11)  # a header and 10 rows a sheet
    book = openpyxl.load_workbook(run(tmp_path, "power_supply", name="cut"))
    pages = [n for n in book.sheetnames if n.startswith("结果")]
    assert len(pages) == -(-len(all_rows) // 10) >= 3 and pages[1] == "结果 (2)"
    rows = []
    for name in pages:
        header, part = sheet(book, name)
        assert header == list(sheet(whole, "结果")[0]) and 0 < len(part) <= 10
        rows += part
    assert rows == all_rows  # every row, in order, none lost
    summary = dict(r for r in book["汇总"].iter_rows(values_only=True) if r[0] in ("记录", "结果工作表"))
    assert summary["结果工作表"] == len(pages)


def test_exactly_at_the_row_limit_there_is_no_second_sheet(tmp_path, monkeypatch):
    whole = openpyxl.load_workbook(run(tmp_path, "gas", name="whole"))
    n = len(sheet(whole, "结果")[1])
    monkeypatch.setattr(outputs, "XLSX_MAX_ROWS", n + 1)  # header + n rows: just fits
    assert [s for s in openpyxl.load_workbook(run(tmp_path, "gas", name="fits")).sheetnames if s.startswith("结果")] == ["结果"]
    monkeypatch.setattr(outputs, "XLSX_MAX_ROWS", n)  # one row too many
    book = openpyxl.load_workbook(run(tmp_path, "gas", name="over"))
    assert [s for s in book.sheetnames if s.startswith("结果")] == ["结果", "结果 (2)"]
    assert len(sheet(book, "结果 (2)")[1]) == 1


def test_jobs_2_gives_the_same_workbook_cell_for_cell(tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK", 2)
    one = openpyxl.load_workbook(run(tmp_path, "power_supply", "--jobs", "1", name="one"))
    two = openpyxl.load_workbook(run(tmp_path, "power_supply", "--jobs", "2", name="two"))
    assert one.sheetnames == two.sheetnames
    for name in one.sheetnames:
        a = [list(r) for r in one[name].iter_rows(values_only=True)]
        b = [list(r) for r in two[name].iter_rows(values_only=True)]
        assert a == b, name


def test_english_workbook_keeps_codes(tmp_path):
    book = openpyxl.load_workbook(run(tmp_path, "power_supply", "--lang", "en"))
    assert book.sheetnames[0] == "results"
    _, rows = sheet(book, "results")
    assert {r["status"] for r in rows} <= {"met", "breached", "open", "overdue", "not_applicable", "unknown", None}
    assert any(r["amount"] == "200–500 yuan" for r in rows)


def test_the_table_marks_an_overridden_figure_and_lists_the_overrides(tmp_path):
    config = tmp_path / "policy.toml"
    text = (EXAMPLES / "power_supply" / "policy.toml").read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?ms)^attitude_poor_fine = \[.*?\]", "attitude_poor_fine = [300, 800]", text), encoding="utf-8")
    table = run(tmp_path, "power_supply", fmt="table", config=config).read_text()
    assert "300–800 元 (本公司配置; 办法原文 200–500 元)" in table
    assert re.search(r"P1-24\.3\.2\.1 +power_supply\.attitude_poor_fine = \[300, 800\]  \(办法原文 \[200, 500\]\)", table)
    plain = run(tmp_path, "power_supply", name="plain", fmt="table").read_text()
    assert "本公司配置" not in plain


def test_two_runs_give_the_same_workbook_bytes(tmp_path):
    """The same inputs and config give byte-identical output (the contract), the workbook too:
    its creation time is the run's evaluation time, not the clock."""
    import time

    from click.testing import CliRunner

    from policy.cli.main import cli

    example = Path(__file__).resolve().parents[2] / "examples" / "power_supply"
    books = []
    for n in (1, 2):
        out = tmp_path / f"run{n}.xlsx"
        result = CliRunner().invoke(cli, ["evaluate", "--config", str(example / "policy.toml"), "--as-of",
                                          "2026-04-01T00:00", "-o", str(out), str(example / "tickets.csv")])
        assert result.exit_code in (0, 1), result.output
        books.append(out.read_bytes())
        time.sleep(1.1)  # the clock's second changes between the two runs
    assert books[0] == books[1]
