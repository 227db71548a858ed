"""The input side: no row lost, none invented, every problem said (issues 12 and 17)."""

import codecs
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner

from policy.cli.main import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONFIG = EXAMPLES / "power_supply" / "policy.toml"
HEADER = ["工单编号", "受理时间", "投诉分类", "经查属实", "责任原因", "责任人", "责任单位", "投诉原因"]


def ticket(i, person="张三"):
    return [f"PS-{i:05d}", "2026-03-02 09:00", "服务态度", "是", "是", person, "城区供电所", "attitude_poor"]


def csv_text(rows, header=HEADER):
    return "".join(",".join(r) + "\r\n" for r in [header, *rows])


def evaluate(*args, stdin=None):
    return CliRunner().invoke(cli, ["evaluate", "--config", str(CONFIG), "--as-of", "2026-04-01T00:00",
                                    "--format", "json", *map(str, args)], input=stdin)


def document(*args, stdin=None):
    r = evaluate(*args, stdin=stdin)
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout), r


def ids_of(doc):
    return sorted([x["id"] for x in doc["results"]])


# -- item 1: encodings ---------------------------------------------------------------------------


def test_one_bad_byte_in_a_utf8_csv_rejects_that_row_only_by_its_true_number(tmp_path):
    rows = [ticket(i) for i in range(1, 3001)]
    data = csv_text(rows).encode("utf-8")
    bad = data.index(b"PS-02001,")  # the record on spreadsheet row 2002 (the header is row 1)
    data = data[:bad] + b"PS-02001,2026-03-02 09:00,\xff" + data[bad + len("PS-02001,2026-03-02 09:00,"):]
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    doc, _ = document(path)
    assert doc["summary"] == {"records": 3000, "evaluated": 2999, "rejected": 1}
    assert len(set(ids_of(doc))) == 2999 and "PS-02001" not in ids_of(doc)
    [error] = doc["errors"]
    assert error["row"] == 2002 and "row 2002" in error["message"]
    assert "0xff" in error["message"] and "UTF-8" in error["message"] and "GB18030" not in error["message"]


def test_a_gb18030_csv_whose_first_64_kib_are_ascii_is_read_as_gb18030(tmp_path):
    ascii_rows = [ticket(i, person="Zhang") for i in range(1, 2001)]
    chinese_rows = [ticket(i, person="李四") for i in range(2001, 2301)]
    data = csv_text([*ascii_rows, *chinese_rows], header=["id", "received_at", "category", "verified", "responsible",
                                                          "person", "unit", "cause"])
    encoded = data.replace("服务态度", "service_attitude").replace("城区供电所", "unit1").replace("是", "true").encode("gb18030")
    assert encoded[:65536].isascii()
    path = tmp_path / "t.csv"
    path.write_bytes(encoded)
    doc, _ = document(path)
    assert doc["summary"] == {"records": 2300, "evaluated": 2300, "rejected": 0}
    last = next(x for x in doc["results"] if x["id"] == "PS-02300")
    assert "李四" in {c["party"] for c in last["consequences"]}


def test_an_undecodable_gb18030_row_is_reported_as_that_row(tmp_path):
    data = csv_text([ticket(1), ticket(2, person="李四"), ticket(3)]).encode("gb18030")
    bad = data.index("李四".encode("gb18030"))
    path = tmp_path / "t.csv"
    path.write_bytes(data[:bad] + b"\x81\x20" + data[bad + 4:])  # a lead byte with no valid trail
    doc, _ = document(path)
    assert doc["summary"] == {"records": 3, "evaluated": 2, "rejected": 1}
    assert [(e["row"], e["id"]) for e in doc["errors"]] == [(3, None)]
    assert "row 3" in doc["errors"][0]["message"] and "GB18030" in doc["errors"][0]["message"]


def test_two_byte_order_marks_are_both_taken_off(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(codecs.BOM_UTF8 * 2 + csv_text([ticket(1), ticket(2)]).encode("utf-8"))
    doc, _ = document(path)
    assert doc["summary"] == {"records": 2, "evaluated": 2, "rejected": 0}


# -- item 2: quoting -----------------------------------------------------------------------------


def test_an_unclosed_quote_rejects_every_row_it_swallows_each_counted(tmp_path):
    path = tmp_path / "t.csv"
    lines = csv_text([ticket(1), ticket(2), ticket(3), ticket(4)]).splitlines(keepends=True)
    lines[2] = lines[2].replace("张三", '"张三')  # row 3 opens a quote that is never closed
    path.write_text("".join(lines), encoding="utf-8")
    doc, _ = document(path)
    assert doc["summary"] == {"records": 4, "evaluated": 1, "rejected": 3}
    assert ids_of(doc) == ["PS-00001"]
    assert [e["row"] for e in doc["errors"]] == [3, 4, 5]
    assert all("the quote opened in row 3" in e["message"] for e in doc["errors"])


def test_a_quoted_cell_over_131072_characters_with_a_line_break_loses_no_row(tmp_path):
    header = [*HEADER, "备注"]
    rows = [[*ticket(i), ""] for i in range(1, 5)]
    rows[1][-1] = '"' + "长" * 70_000 + "\n" + "x" * 70_000 + '"'
    path = tmp_path / "t.csv"
    path.write_text(csv_text(rows, header), encoding="utf-8")
    doc, _ = document(path)
    assert doc["summary"] == {"records": 4, "evaluated": 4, "rejected": 0}
    assert ids_of(doc) == ["PS-00001", "PS-00002", "PS-00003", "PS-00004"]


def test_a_stray_quote_rejects_its_row_and_the_next_rows_are_read(tmp_path):
    path = tmp_path / "t.csv"
    lines = csv_text([ticket(1), ticket(2), ticket(3)]).splitlines(keepends=True)
    lines[2] = lines[2].replace("张三", '"张"三')
    path.write_text("".join(lines), encoding="utf-8")
    doc, _ = document(path)
    assert doc["summary"] == {"records": 3, "evaluated": 2, "rejected": 1}
    assert [(e["row"], "row 3" in e["message"]) for e in doc["errors"]] == [(3, True)]


# -- item 3: two columns for one field -----------------------------------------------------------


def test_two_columns_giving_the_id_are_a_file_error_naming_both(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(csv_text([["X", *ticket(1)], ["X", *ticket(2)]], header=["id", *HEADER]), encoding="utf-8")
    r = evaluate(path)
    assert r.exit_code == 2
    assert "'id' and '工单编号'" in r.output and "field id" in r.output


def test_header_cells_with_stray_spaces_line_breaks_or_case_match(tmp_path):
    header = [" 工单编号", '"受理\n时间"', "投诉 分类", *HEADER[3:-1], "CAUSE"]
    path = tmp_path / "t.csv"
    path.write_text(csv_text([ticket(1), ticket(2)], header), encoding="utf-8")
    doc, r = document(path)
    assert doc["summary"] == {"records": 2, "evaluated": 2, "rejected": 0}
    assert r.stderr == ""  # every column is known: nothing to warn about


def test_json_keys_are_matched_after_trimming_and_two_keys_for_one_field_are_a_record_error(tmp_path):
    base = {"received_at": "2026-03-02 09:00", "category": "服务态度", "verified": True, "responsible": True,
            "person": "张三", "cause": "attitude_poor"}
    lines = [{" id": "A", "id ": "A", **base}, {" id": "B", **base}, {"id": "B", **base}, {"工单编号": "C", "id": "C", **base}]
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    for jobs in ("1", "2"):
        doc, _ = document("--jobs", jobs, path)
        assert doc["summary"] == {"records": 4, "evaluated": 1, "rejected": 3}
        assert ids_of(doc) == ["B"]
        errors = [(e["row"], e["field"], e["message"]) for e in doc["errors"]]
        assert errors[0][:2] == (1, "id") and "' id' and 'id '" in errors[0][2]
        assert errors[1][:2] == (3, "id") and "more than once" in errors[1][2]  # " id" is id: B repeats
        assert errors[2][:2] == (4, "id") and "'工单编号' and 'id'" in errors[2][2]


# -- item 4: spreadsheets ------------------------------------------------------------------------


def small_book(path):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("工单")
    ws.write_row(0, 0, HEADER)
    ws.write_row(1, 0, ticket(1))
    ws.write_row(2, 0, ticket(2))
    book.close()


def with_far_cell(src, dst, ref):
    """``src`` with one empty-text cell at ``ref`` (row 1048576): calamine builds the grid up to it."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                cell = f'<row r="1048576"><c r="{ref}" t="inlineStr"><is><t></t></is></c></row></sheetData>'
                data = data.replace(b"</sheetData>", cell.encode())
            zout.writestr(item, data)


@pytest.mark.parametrize("ref", ["Z1048576", "XFD1048576"])
def test_a_far_empty_cell_is_read_in_bounded_memory(tmp_path, ref):
    small_book(tmp_path / "small.xlsx")
    with_far_cell(tmp_path / "small.xlsx", tmp_path / "far.xlsx", ref)
    # A separate process with 256 MiB of address space (a run takes about 35): building the grid
    # (880 MB at Z, 512 GiB at XFD) cannot fit in it; reading row by row does.
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2**28, 2**28));"
        "from policy.cli.main import cli; sys.argv = ['policy'] + sys.argv[1:]; cli()"
    )
    r = subprocess.run([sys.executable, "-c", code, "evaluate", "--config", str(CONFIG), "--as-of", "2026-04-01T00:00",
                        "--format", "json", "--jobs", "1", str(tmp_path / "far.xlsx")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["summary"] == {"records": 2, "evaluated": 2, "rejected": 0}


def test_a_sheet_streamed_for_its_far_cell_reads_as_calamine_reads_it(tmp_path):
    from datetime import datetime

    book = xlsxwriter.Workbook(str(tmp_path / "export.xlsx"), {"strings_to_formulas": False})
    ws = book.add_worksheet("工单")
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws.merge_range(0, 0, 0, 5, "城区供电所2026年3月客户投诉工单导出")  # title rows above the header
    ws.write_string(1, 0, "导出时间: 2026-04-01")
    ws.write_row(3, 0, [*HEADER, "派单时间"])
    for r, i in enumerate(range(1, 4), start=4):
        ws.write_row(r, 0, ticket(i))
        ws.write_datetime(r, 1, datetime(2026, 3, 2, 9, 0), when)  # a date cell
        ws.write_number(r, 8, 46083.4 + i / 100, when)  # an Excel serial shown as a date
    ws.write_string(6, 1, "2026-02-30 09:00")  # a bad time: an error on row 7 either way
    book.close()
    with_far_cell(tmp_path / "export.xlsx", tmp_path / "far.xlsx", "XFD1048576")
    plain, _ = document(tmp_path / "export.xlsx")
    far, _ = document(tmp_path / "far.xlsx")
    assert plain["summary"] == {"records": 3, "evaluated": 2, "rejected": 1}
    assert far["results"] == plain["results"] and far["summary"] == plain["summary"]
    assert [(e["row"], e["field"]) for e in far["errors"]] == [(e["row"], e["field"]) for e in plain["errors"]]


def test_a_sheet_whose_cells_carry_no_reference_is_streamed_by_position(tmp_path):
    import re

    from policy.cli.xlsx import Workbook

    small_book(tmp_path / "small.xlsx")
    bare = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(tmp_path / "small.xlsx") as zin, zipfile.ZipFile(bare, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb' r="[A-Z]*[0-9]+"', b"", data)  # references are optional in the format
            zout.writestr(item, data)
    assert Workbook(str(bare)).grid_size("工单") is None
    doc, _ = document(bare)
    assert doc["summary"] == {"records": 2, "evaluated": 2, "rejected": 0}
    assert ids_of(doc) == ["PS-00001", "PS-00002"]


def test_a_corrupt_deflate_stream_is_an_input_error_naming_file_and_sheet(tmp_path):
    src = tmp_path / "ok.xlsx"
    book = xlsxwriter.Workbook(str(src))
    ws = book.add_worksheet("工单")
    ws.write_row(0, 0, HEADER)
    for i in range(1, 400):
        ws.write_row(i, 0, ticket(i))
    book.close()
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + info.compress_size // 2, start + info.compress_size // 2 + 16):
        data[i] ^= 0x5A
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bytes(data))
    r = evaluate(bad)
    assert r.exit_code == 2, r.output
    assert f"{bad} [工单]" in r.output and "damaged" in r.output and "Traceback" not in r.output


def test_cells_as_calamine_gives_them_dates_numbers_booleans_and_errors_as_empty(tmp_path):
    from datetime import date, datetime, time

    from policy.cli.xlsx import Workbook

    path = tmp_path / "t.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("S")
    ws.write_row(0, 0, [5, 5.5, True, "文字"])
    ws.write_number(1, 0, 46085, book.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_number(1, 1, 46085.5, book.add_format({"num_format": "yyyy/m/d h:mm"}))
    ws.write_number(1, 2, 46085.25, book.add_format({"num_format": 'yyyy"年"m"月"d"日"'}))
    ws.write_formula(1, 3, "=1/0", None, "#DIV/0!")
    ws.write_number(1, 5, 0.5, book.add_format({"num_format": "h:mm"}))
    ws.write_number(3, 1, 1234.5, book.add_format({"num_format": "#,##0.00"}))
    book.close()
    rows = list(Workbook(str(path)).rows("S"))
    assert rows == [
        (1, [5.0, 5.5, True, "文字"]),
        (2, [date(2026, 3, 4), datetime(2026, 3, 4, 12, 0), datetime(2026, 3, 4, 6, 0), None, None, time(12, 0)]),
        (4, [None, 1234.5]),
    ]


# -- item 5: messages ----------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_csv_on_standard_input_is_told_to_be_json_lines(tmp_path, jobs):
    r = evaluate("--jobs", jobs, "-", stdin=csv_text([ticket(1)]))
    assert r.exit_code == 2
    assert "standard input must be JSON Lines" in r.output and "CSV" in r.output


def test_an_unreadable_first_row_is_said_when_no_header_is_found(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xff" + csv_text([ticket(1)]).encode("utf-8"))
    r = evaluate(path)
    assert r.exit_code == 2
    assert "no header row" in r.output and "row 1 cannot be read: byte 0xff" in r.output


def test_an_unreadable_json_line_names_its_line(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"id": "A", "received_at": "2026-03-02 09:00"}\n{"id": \n', encoding="utf-8")
    doc, _ = document(path)
    unreadable = [(e["row"], e["id"], e["message"].split(":")[0]) for e in doc["errors"] if e["field"] is None]
    assert unreadable == [(2, None, "line 2 is not valid JSON")]


# -- items 6 and 7: header under title rows, in CSV as in spreadsheets, and for the roster -----


def test_a_csv_with_title_rows_finds_its_header_like_a_spreadsheet(tmp_path):
    plain, titled = tmp_path / "plain.csv", tmp_path / "titled.csv"
    rows = [ticket(1), ticket(2)]
    plain.write_text(csv_text(rows), encoding="utf-8")
    titled.write_text("城区供电所2026年3月客户投诉工单导出,,,\r\n导出时间: 2026-04-01,,,\r\n,,,\r\n" + csv_text(rows),
                      encoding="utf-8-sig")
    a, _ = document(plain)
    b, _ = document(titled)
    assert b["summary"] == {"records": 2, "evaluated": 2, "rejected": 0}
    assert a["results"] == b["results"]


def test_a_csv_error_row_counts_the_title_rows_as_excel_does(tmp_path):
    path = tmp_path / "t.csv"
    bad = ticket(2)
    bad[1] = "2026-02-30 09:00"
    path.write_text("投诉工单导出\r\n" + csv_text([ticket(1), bad]), encoding="utf-8")
    doc, _ = document(path)
    assert [(e["row"], e["id"], e["field"]) for e in doc["errors"]] == [(4, "PS-00002", "received_at")]


def water(*args):
    config = EXAMPLES / "water" / "policy.toml"
    return CliRunner().invoke(cli, ["evaluate", "--config", str(config), "--as-of", "2026-12-31T00:00", "--format", "json",
                                    "--period", "2026", *map(str, args), str(EXAMPLES / "water" / "tickets.csv")])


def test_a_roster_spreadsheet_with_title_rows_reads_like_the_plain_roster(tmp_path):
    import csv

    with (EXAMPLES / "water" / "roster.csv").open(encoding="utf-8-sig") as f:
        table = list(csv.reader(f))
    titled = tmp_path / "roster.xlsx"
    book = xlsxwriter.Workbook(str(titled))
    ws = book.add_worksheet("名单")
    ws.write_string(0, 0, "营销服务部2026年服务岗位人员名单")
    for r, row in enumerate(table, start=2):
        ws.write_row(r, 0, row)
    book.close()
    plain = water("--roster", EXAMPLES / "water" / "roster.csv")
    from_titled = water("--roster", titled)
    assert from_titled.exit_code == plain.exit_code
    period = json.loads(from_titled.stdout)["period"]
    assert period == json.loads(plain.stdout)["period"]
    assert any(p["kind"] == "reward" for p in period)  # the star rewards are there
    assert not any("no person" in (p.get("note") or "") for p in period)


def test_a_roster_with_no_recognisable_header_is_a_usage_error(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("名单\r\n甲,乙\r\n丙,丁\r\n", encoding="utf-8")
    r = water("--roster", roster)
    assert r.exit_code == 2
    assert "--roster" in r.output and "no header row naming the person" in r.output


# -- item 8: total rows ----------------------------------------------------------------------------


@pytest.mark.parametrize("total", [["合计", "共2条"], ["总计：2"], ["小计", "", "", "", "", "", "", "2"], ["共 2 条"]])
def test_a_total_row_is_skipped_with_one_notice_naming_it(tmp_path, total):
    path = tmp_path / "t.csv"
    path.write_text(csv_text([ticket(1), ticket(2), total]), encoding="utf-8")
    doc, r = document(path)
    assert r.exit_code == 0
    assert doc["summary"] == {"records": 2, "evaluated": 2, "rejected": 0}
    assert r.stderr.splitlines() == [f"policy: {path}: row 4 is a total row (合计/总计/小计), not a ticket: skipped"]
    assert evaluate("--quiet", path).stderr == ""


def test_a_ticket_whose_text_mentions_a_total_is_still_a_ticket(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(csv_text([ticket(1), [*ticket(2), "合计两次投诉"]], header=[*HEADER, "备注"]), encoding="utf-8")
    doc, _ = document(path)
    assert doc["summary"] == {"records": 2, "evaluated": 2, "rejected": 0}


# -- item 9: unknown columns -----------------------------------------------------------------------


def test_unknown_columns_get_one_warning_per_file_with_the_nearest_known_header(tmp_path):
    header = [*HEADER, "回访日期", "备注"]
    path = tmp_path / "t.csv"
    path.write_text(csv_text([[*ticket(i), "2026-03-05 10:00", ""] for i in range(1, 6)], header), encoding="utf-8")
    doc, r = document(path)
    assert doc["summary"]["evaluated"] == 5
    assert r.stderr.splitlines() == [f"policy: {path}: columns no rule reads, ignored: 回访日期 (did you mean 回访时间?), 备注"]


def ods(path, rows_xml):
    """A minimal OpenDocument spreadsheet with one sheet, 工单."""
    office, table, text = ("urn:oasis:names:tc:opendocument:xmlns:office:1.0", "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
                           "urn:oasis:names:tc:opendocument:xmlns:text:1.0")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="{office}" '
               f'xmlns:table="{table}" xmlns:text="{text}" office:version="1.2"><office:body><office:spreadsheet>'
               f'<table:table table:name="工单">{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)


def ods_row(cells):
    return "<table:table-row>" + "".join(
        f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>' for c in cells) + "</table:table-row>"


def test_an_ods_with_libreoffices_trailing_empty_rows_reads_and_one_with_a_far_cell_is_refused(tmp_path):
    table = ods_row(HEADER) + ods_row(ticket(1))
    trailing = ('<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
                'table:number-columns-repeated="1024"/></table:table-row>')
    ods(tmp_path / "lo.ods", table + trailing)
    doc, _ = document(tmp_path / "lo.ods")
    assert doc["summary"] == {"records": 1, "evaluated": 1, "rejected": 0}
    far = ('<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row><table:table-row>'
           '<table:table-cell table:number-columns-repeated="300"/><table:table-cell office:value-type="string">'
           '<text:p>x</text:p></table:table-cell></table:table-row>')
    ods(tmp_path / "far.ods", table + far)
    r = evaluate(tmp_path / "far.ods")
    assert r.exit_code == 2
    assert f"{tmp_path / 'far.ods'} [工单]: cells with content span 1,048,003 rows by 301 columns" in r.output


def test_blank_and_space_only_rows_are_skipped_and_a_value_beyond_the_header_is_reported(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(csv_text([ticket(1), [""] * 8, [" "] * 8, [*ticket(2), "", "多出的值"], [*ticket(3), "", ""]]),
                    encoding="utf-8")
    doc, _ = document(path)
    assert doc["summary"] == {"records": 3, "evaluated": 2, "rejected": 1}
    assert [(e["row"], e["message"]) for e in doc["errors"]] == [
        (5, "row 5 has a value in column 10, which has no header (row 1)")]


def test_a_notice_is_said_once_though_rules_on_earlier_tickets_read_the_file_twice(tmp_path):
    config = EXAMPLES / "airport" / "policy.toml"
    path = tmp_path / "t.csv"
    lines = (EXAMPLES / "airport" / "tickets.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    path.write_text("\n".join([lines[0] + ",备注", *(line + "," for line in lines[1:]), "合计" + "," * len(header)]) + "\n",
                    encoding="utf-8")
    for jobs in ("1", "2"):
        r = CliRunner().invoke(cli, ["evaluate", "--config", str(config), "--as-of", "2026-12-31T00:00", "--format", "json",
                                     "--jobs", jobs, str(path)])
        assert r.exit_code in (0, 1), r.output
        assert r.stderr.splitlines() == [
            f"policy: {path}: columns no rule reads, ignored: 备注",
            f"policy: {path}: row {len(lines) + 1} is a total row (合计/总计/小计), not a ticket: skipped",
        ]


def test_the_nearest_header_suggested_is_one_the_file_does_not_already_have(tmp_path):
    header = [*HEADER, "回访时间", "回访日期"]
    path = tmp_path / "t.csv"
    path.write_text(csv_text([[*ticket(1), "2026-03-05 10:00", "2026-03-05"]], header), encoding="utf-8")
    _, r = document(path)
    assert "回访日期" in r.stderr and "did you mean 回访时间" not in r.stderr


def test_a_json_array_record_with_two_keys_for_one_field_is_rejected_naming_both(tmp_path):
    base = {"received_at": "2026-03-02 09:00", "category": "服务态度", "verified": True, "responsible": True,
            "person": "张三", "cause": "attitude_poor"}
    path = tmp_path / "t.json"
    path.write_text(json.dumps([{"ID": "A", **base}, {"id": "B", "工单号": "B", **base}], ensure_ascii=False), encoding="utf-8")
    doc, _ = document(path)
    assert ids_of(doc) == ["A"]
    assert [(e["row"], e["field"], e["message"]) for e in doc["errors"]] == [
        (2, "id", "keys 'id' and '工单号' are both the field id; keep one of them")]


def test_a_csv_roster_with_title_rows_reads_like_the_plain_roster(tmp_path):
    titled = tmp_path / "roster.csv"
    titled.write_text("营销服务部2026年服务岗位人员名单,,,,\n制表: 人事科,,,,\n"
                      + (EXAMPLES / "water" / "roster.csv").read_text(encoding="utf-8-sig"), encoding="utf-8")
    plain = water("--roster", EXAMPLES / "water" / "roster.csv")
    assert json.loads(water("--roster", titled).stdout)["period"] == json.loads(plain.stdout)["period"]


def test_a_sheet_in_a_compression_python_cannot_read_is_an_input_error(tmp_path):
    small_book(tmp_path / "small.xlsx")
    data = bytearray((tmp_path / "small.xlsx").read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    central = data.index(b"PK\x01\x02")  # the central directory
    entry = data.index(name, central) - 46  # its entry for the sheet
    data[entry + 10:entry + 12] = (99).to_bytes(2, "little")  # method 99: AES, which zipfile cannot read
    bad = tmp_path / "aes.xlsx"
    bad.write_bytes(bytes(data))
    r = evaluate(bad)
    assert r.exit_code == 2 and f"{bad} [工单]" in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("far", [False, True], ids=["calamine", "streamed"])
def test_a_sheet_that_starts_in_column_c_names_its_columns_from_a(tmp_path, far):
    path = tmp_path / "t.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("工单")
    ws.write_row(2, 2, HEADER)
    ws.write_row(3, 2, [*ticket(1), "", "多出的值"])
    book.close()
    if far:
        with_far_cell(path, tmp_path / "far.xlsx", "XFD1048576")
        path = tmp_path / "far.xlsx"
    doc, r = document(path)
    assert doc["summary"] == {"records": 1, "evaluated": 1, "rejected": 0}
    assert r.stderr.splitlines() == [
        f"policy: {path} [工单]: values in columns with no header (row 3), not read: column L (first in row 4)"]


def test_a_value_under_a_blank_header_cell_is_reported(tmp_path):
    header = [*HEADER[:3], "", *HEADER[3:]]
    path = tmp_path / "t.csv"
    rows = [[*ticket(1)[:3], "", *ticket(1)[3:]], [*ticket(2)[:3], "无表头的值", *ticket(2)[3:]]]
    path.write_text(csv_text(rows, header), encoding="utf-8")
    doc, _ = document(path)
    assert doc["summary"] == {"records": 2, "evaluated": 1, "rejected": 1}
    assert [(e["row"], e["message"]) for e in doc["errors"]] == [(3, "row 3 has a value in column 4, which has no header (row 1)")]


def test_a_utf16_text_file_named_csv_is_told_how_to_save_it(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(csv_text([ticket(1)]).replace(",", "\t"), encoding="utf-16")
    r = evaluate(path)
    assert r.exit_code == 2 and "UTF-16" in r.output and "CSV UTF-8" in r.output
