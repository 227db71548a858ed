"""Spreadsheets in (python-calamine) and out (xlsxwriter), as assessors' exports have them."""

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from policy.cli.main import cli

CONFIG = Path(__file__).resolve().parents[2] / "examples" / "power_supply" / "policy.toml"
HEADERS = ["工单编号", "受理时间", "投诉分类", "经查属实", "责任原因", "责任人", "责任单位", "派单时间", "投诉原因", "备注"]
ROWS = [
    ["PS-1", datetime(2026, 3, 2, 9, 0), "服务态度", "是", "是", "张三", "城区供电所", datetime(2026, 3, 2, 9, 30), "attitude_poor", ""],
    ["PS-2", "2026/3/6 17:00", "营业收费", "是", "是", "=HYPERLINK(\"x\")", "城区供电所", 46087.770833333336, "work_quality", "serial date"],
    ["PS-3", "2026-02-30 09:00", "服务态度", "是", "是", "王五", "城区供电所", "", "attitude_poor", "bad date"],
    ["PS-4", datetime(2026, 3, 9, 9, 0), "服务很差", "是", "是", "赵六", "城区供电所", "", "attitude_poor", "bad category"],
]


def workbook(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    ws = book.add_worksheet("三月工单")
    book.add_worksheet("说明").write_string(0, 0, "not the tickets")
    dt = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws.merge_range(0, 0, 0, 5, "城区供电所2026年3月客户投诉工单导出", book.add_format({"bold": True}))
    ws.write_string(1, 0, "导出时间: 2026-04-01")
    for c, h in enumerate(HEADERS):
        ws.write_string(3, c, h)
    for r, row in enumerate(ROWS, start=4):
        for c, v in enumerate(row):
            if isinstance(v, datetime):
                ws.write_datetime(r, c, v, dt)
            elif isinstance(v, float):
                ws.write_number(r, c, v, dt)  # an Excel serial shown as a date
            elif v != "":
                ws.write_string(r, c, v)
    ws.write_string(12, 9, "")  # trailing empty rows
    book.close()


def evaluate(*args):
    return CliRunner().invoke(cli, ["evaluate", "--config", str(CONFIG), "--as-of", "2026-04-01T00:00", *args])


def test_an_excel_export_evaluates_like_the_same_tickets_in_csv(tmp_path):
    xlsx, csv_path = tmp_path / "export.xlsx", tmp_path / "export.csv"
    workbook(xlsx)
    with csv_path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADERS)
        for row in ROWS:
            w.writerow([v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else
                        "2026-03-06 18:30" if isinstance(v, float) else v for v in row])
    from_xlsx = json.loads(evaluate("--format", "json", str(xlsx)).stdout)
    from_csv = json.loads(evaluate("--format", "json", str(csv_path)).stdout)
    assert from_xlsx["results"] == from_csv["results"]
    assert from_xlsx["summary"] == from_csv["summary"] == {"records": 4, "evaluated": 2, "rejected": 2}
    errors = {(e["row"], e["id"], e["field"]) for e in from_xlsx["errors"]}
    assert errors == {(7, "PS-3", "received_at"), (8, "PS-4", "category")}  # the rows Excel shows
    assert {e["source"] for e in from_xlsx["errors"]} == {f"{xlsx} [三月工单]"}
    serial = next(r for r in from_xlsx["results"] if r["id"] == "PS-2")
    assert serial["deadlines"][0]["done_at"] == "2026-03-06T18:30:00+08:00"  # the serial, in the config's zone


def test_sheet_by_name_or_number_and_a_missing_sheet(tmp_path):
    xlsx = tmp_path / "export.xlsx"
    workbook(xlsx)
    assert evaluate("--format", "json", "--sheet", "三月工单", str(xlsx)).exit_code == 1
    assert evaluate("--format", "json", "--sheet", "1", str(xlsx)).exit_code == 1
    r = evaluate("--format", "json", "--sheet", "四月", str(xlsx))
    assert r.exit_code == 2 and "三月工单, 说明" in r.output
    r = evaluate("--format", "json", "--sheet", "说明", str(xlsx))
    assert r.exit_code == 2 and "no header row" in r.output


def test_xlsx_out_has_four_sheets_chinese_headers_and_no_formulas(tmp_path):
    xlsx, out = tmp_path / "export.xlsx", tmp_path / "results.xlsx"
    workbook(xlsx)
    assert evaluate("--format", "xlsx", "--output", str(out), str(xlsx)).exit_code == 1
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["结果", "考核汇总", "期间考核", "错误", "汇总", "运行信息"]
    header, *results = book.get_sheet_by_name("结果").to_python()
    assert header[:3] == ["工单编号", "行业", "受理时间"]
    rule, article, party = header.index("条款编号"), header.index("条款"), header.index("责任对象")
    fines = [r for r in results if r[rule] == "P1-24.3.1.1"]
    assert fines and fines[0][party] == '=HYPERLINK("x")'  # stored as text, not a formula
    assert any(r[rule] == "P1-24.3.2.1" and r[article].startswith("第二十四条(三)2(1)") for r in results)
    assert book.get_sheet_by_name("汇总").to_python()[1:4] == [["记录", 4.0], ["已评估", 2.0], ["被拒绝", 2.0]]
    assert len(book.get_sheet_by_name("错误").to_python()) == 3


def test_xlsx_needs_an_output_file(tmp_path):
    xlsx = tmp_path / "export.xlsx"
    workbook(xlsx)
    r = evaluate("--format", "xlsx", str(xlsx))
    assert r.exit_code == 2 and "--output" in r.output


def test_no_progress_on_a_pipe(tmp_path):
    xlsx = tmp_path / "export.xlsx"
    workbook(xlsx)
    r = evaluate("--format", "json", str(xlsx))
    assert r.stderr.splitlines() == [f"policy: {xlsx} [三月工单]: columns no rule reads, ignored: 备注"]  # no progress line
