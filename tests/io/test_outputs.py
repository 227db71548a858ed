"""The writers: csv encodings, the reason a ticket is not counted, the progress line."""

import csv
import io
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
