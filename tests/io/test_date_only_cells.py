"""A spreadsheet date cell without a time in 受理时间: never a silent 00:00 (issue 17 item 7),
and a phone number in a time cell is that field's error (issue 12 item 6)."""

import datetime
import json

import xlsxwriter
from click.testing import CliRunner

from policy.cli.main import cli

HEADER = ["工单编号", "受理时间", "派单时间", "投诉分类", "经查属实", "责任原因", "责任人", "责任单位", "投诉原因"]
FACTS = ["服务态度", "是", "是", "张三", "城区供电所", "attitude_poor"]


def test_a_date_cell_is_said_where_it_decides_the_hour_limit(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    assert CliRunner().invoke(cli, ["init", "--industry", "power_supply"]).exit_code == 0
    book = xlsxwriter.Workbook(str(tmp_path / "in.xlsx"))
    sheet = book.add_worksheet()
    day, minute = book.add_format({"num_format": "yyyy-mm-dd"}), book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, HEADER)
    sheet.write(1, 0, "X1")
    sheet.write_datetime(1, 1, datetime.datetime(2026, 3, 5), day)  # a date cell: no time of day
    sheet.write_datetime(1, 2, datetime.datetime(2026, 3, 5, 9, 30), minute)
    sheet.write_row(1, 3, FACTS)
    sheet.write(2, 0, "X2")
    # (A date-time cell at exactly 00:00 reaches us as a date, like a date cell: it gets the warning too.)
    sheet.write_datetime(2, 1, datetime.datetime(2026, 3, 5, 0, 1), minute)
    sheet.write_datetime(2, 2, datetime.datetime(2026, 3, 5, 1, 1), minute)
    sheet.write_row(2, 3, FACTS)
    sheet.write(3, 0, "X3")
    sheet.write_number(3, 1, 13800138000)  # a phone number where the time belongs
    sheet.write_row(3, 3, FACTS)
    book.close()
    r = CliRunner().invoke(cli, ["evaluate", "--as-of", "2026-04-01T00:00", "--format", "json", "in.xlsx"])
    assert r.exit_code == 1, r.output
    document = json.loads(r.stdout)
    x1, x2 = document["results"]
    assert x1["deadlines"][0]["rule"] == "P1-14" and x1["deadlines"][0]["status"] == "breached"
    assert x1["warnings"] == ["受理时间 (received_at) 2026-03-05 has no time of day and was read as 00:00, "
                              "which decides P1-14 (1 hour): give the time of day"]
    assert x2["deadlines"][0]["status"] == "met" and "warnings" not in x2
    (error,) = document["errors"]
    assert (error["id"], error["row"], error["field"]) == ("X3", 4, "received_at")
    assert "13800138000" in error["message"] and "not a date and time" in error["message"]
