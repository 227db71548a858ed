"""The columnar reader against the per-ticket parser, row by row and field by field.

Generated JSON Lines carry every kind of power-supply field with header aliases, Chinese
labels, odd spacing, bad cells, offsets, days without a time, control characters, values of
the wrong JSON type, duplicate keys and lines that are no JSON. The per-ticket reading of a
line is today's: cli/inputs.py ``jsonl_rows`` (its key check) then ``RecordParser.parse``.
Every row the frame does not doubt must hold exactly the parser's values; every row the
parser rejects, or reads with a warning (a day without a time), must be doubted.
"""

from __future__ import annotations

import json
import random
from datetime import datetime
from zoneinfo import ZoneInfo

import orjson
import pytest

pl = pytest.importorskip("polars")

from policy.cli.inputs import Columns, jsonl_rows  # noqa: E402
from policy.core.columnar.read import read_jsonl  # noqa: E402
from policy.core.pipeline import raw_id  # noqa: E402
from policy.core.records import FieldError, RecordParser  # noqa: E402
from policy.plugins.power_supply.declarations import FIELDS  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
PARSER = RecordParser("power_supply", FIELDS, ZONE)
COLUMNS = Columns({"power_supply": PARSER.by_header})

CLEAN = {"id": "PS-1", "received_at": "2026-03-02 09:00", "category": "服务态度", "verified": True,
         "responsible": "是", "person": "张三", "unit": "城区供电所", "cause": "attitude_poor",
         "dispatched_at": "2026-03-02T09:30", "main_responsible": "王五；赵六", "impact": "major"}

# (field, cells): good and bad cells of each kind, as a file may hold them.
CELLS = {
    "received_at": ["2026-03-02 09:00", "2026-03-02T09:00:30", " 2026-03-02 09:00 ", "2026-03-02 09:00:00.5",
                    "2026-03-02T09:00:00.123456", "2026-03-02T09:00:00+08:00", "2026-03-02T01:00:00Z",
                    "2026-03-02T09:00:00+09:00", "2026-03-02", "2026/3/2 9:00", "2026年3月2日 9时05分",
                    "2026-02-30 09:00", "2026-03-02 24:00", "2026-03-02 09:60", "2026-03-02 09:00:60",
                    "0001-01-01 00:00", "9999-12-31 23:59", "2026-03-02T09", "2026-03-02 09:00:00.1234567",
                    "+2026-03-02 09:00", "2026-3-2 09:00", "2026-03-02  09:00", 46083.375, 46083, True, None, "",
                    "   ", ["2026-03-02 09:00"], "2026-03-02 09:00+0800", "2026-03-02 09:00\n"],
    "contacted_at": ["2026-03-02 10:00", "2026-03-03T00:00:00+08:00", "nonsense", "2026-03-02 10:00:00.000001",
                     "2026-03-02T10:00:00-05:00", "2026-12-31 23:59:59"],
    "category": ["服务态度", "service_attitude", " 服务态度 ", "not_a_category", 12, None, "", "营业收费"],
    "channel": ["热线", "hotline", "12345", 12345, "hotline_12345", " web ", "网站", "电话"],
    "verified": [True, False, "是", "否", "true", "FALSE", " Yes ", "y", "1", "0", 1, 0, 1.0, 0.5, 2, "√", "×",
                 "maybe", None, "", [True]],
    "customer_loss": [False, "不", "对", "t", "F", "N"],
    "person": ["张三", " 张三 ", "say \"hi\"", "back\\slash", "tab\there", "bell\x07", "nul\x00", "del\x7f",
               "emoji 😀", 12345, 12.5, 3.0, True, None, "", {"name": "x"}, "\u3000全角空格\u3000", "\x1c分隔\x1f",
               "line\u2028sep", "\u0085nel", "\u00a0nbsp\u00a0", "\u180e蒙古"],
    "unit": ["城区供电所", "城北供电所", "  ", "第7供电所"],
    "main_responsible": ["王五", "王五;赵六", "王五；赵六、孙七,周八，吴九", " ; 王五 ; ", ";", "王五 ;  ; 赵六",
                         ["王五", "赵六"], ["王五", 3], 7, "王五\t;\t赵六", "王 五"],
    "unit_head": ["所长甲", "所长甲、所长乙"],
    "impact": ["major", "serious", "general", "重大", "一般", "severe", None],
    "escalation": ["none", "company", "state_grid", "国网", "bogus"],
    "env_office": [85, 85.5, "85", " 90 ", "1,200", "85分", "-1", 101, 100, 0, "0", "1e2", "NaN", True, "", None,
                   "100.0", 99.999],
    "id": ["PS-9", " PS-9 ", 12345, 12.0, 1.5, "", None, True, ["PS"]],
    "industry": ["power_supply", "water", " power_supply ", 5],
}
HEADERS = {  # other headers of a field, the parser's aliases and the CLI's key check's variants
    "received_at": ["受理时间", "检查时间", " 受理时间 ", "RECEIVED_AT", "受理 时间"],
    "category": ["投诉分类", "投诉项目"],
    "person": ["责任人"],
    "verified": ["经查属实", "是否属实"],
    "id": ["工单编号", "工单号", " id "],
    "main_responsible": ["主要责任者"],
    "env_office": [next(f.aliases[0] for f in FIELDS if f.name == "env_office")],
}
RAW_LINES = [b"", b"   ", b"not json", b"[1, 2]", b"5", b'{"id": "PS-X", "received_at": "2026-03-02 09:00",}',
             b'{"id":"D1","received_at":"2026-03-02 09:00","person":"a","person":"b"}',
             b'{"id":"D2","received_at":"2026-03-02 09:00","person":"a","person":null}',
             b'{"id":"D3","received_at":"2026-03-02 09:00","person":null,"person":"b"}',
             b'{"id":"D4","received_at":"2026-03-02 09:00","person" : "a","person":"b"}',
             b'{"id":"D5","received_at":"2026-03-02 09:00","person":"a","\\u0070erson":"b"}',
             b'{"id":"E1","received_at":"2026-03-02 09:00","person":"say \\":\\" here"}',
             b'{"id":"E2","received_at":"2026-03-02 09:00","person":"\\ud800"}',
             b'{"id":"E3","received_at":"2026-03-02 09:00","person":"\\ud83d\\ude00"}',
             b'{"\\u5de5\\u5355\\u7f16\\u53f7":"E4","\\u53d7\\u7406\\u65f6\\u95f4":"2026-03-02 09:00"}',
             b'{"id":"E5","received_at":"2026-03-02 09:00","extra":{"nested":{"x":1}},"more":[1,{"a":2}]}',
             b'{"id":"E6","received_at":"2026-03-02 09:00","id":"E7"}',
             b'{"id":"E8","received_at":"2026-03-02 09:00","\xe5\xb7\xa5\xe5\x8d\x95\xe7\xbc\x96\xe5\x8f\xb7":"E9"}',
             b'{"id":"E10","received_at":"2026-03-02 09:00","unknown_later_key":"x"}',
             b'\xef\xbb\xbf{"id":"E11","received_at":"2026-03-02 09:00"}',
             b'{"id":"E12","received_at":"2026-03-02 09:00"}\r',
             b'{ "id" : "E13" , "received_at" : "2026-03-02 09:00" }',
             b'{"id": "E14", "received_at": "2026-03-02 09:00", "person": "x"}',
             b'{"id":"E15","received_at":"2026-03-02 09:00","verified":1e400}',
             b'{"id":"E16","received_at":"2026-03-02 09:00","env_office":12345678901234567890123}',
             b'{"id":"E17","received_at":"2026-03-02 09:00","person":"\\u001f x"}',
             b'{"id":"E18","received_at":"2026-03-02 09:00","person":"\xc2\x85"}']


def generated_lines(n: int, seed: int) -> tuple[list[bytes], set[int]]:
    """n lines (clean, mutated or raw odd ones) and the line numbers of the clean ones."""
    rnd = random.Random(seed)
    lines, clean = [], set()
    for i in range(1, n + 1):
        roll = rnd.random()
        if roll < 0.25:
            lines.append(orjson.dumps({**CLEAN, "id": f"PS-{i}"}))
            clean.add(i)
            continue
        if roll < 0.33:
            lines.append(rnd.choice(RAW_LINES))
            continue
        record = {**CLEAN, "id": f"PS-{i}"}
        for _ in range(rnd.randint(1, 4)):
            field = rnd.choice(list(CELLS))
            cell = rnd.choice(CELLS[field])
            header = rnd.choice([field, *HEADERS.get(field, [])])
            if header != field and rnd.random() < 0.7:
                record.pop(field, None)  # the alias alone, as a Chinese export has it
            record[header] = cell
        if rnd.random() < 0.1:
            del record[rnd.choice(list(record))]
        lines.append(orjson.dumps(record))
    return lines, clean


def per_ticket(lines: list[bytes]):
    """{line number: the parser's Record, its FieldError, or the reader's FieldError}."""
    out = {}
    for source, row, item in jsonl_rows(lines, "t.jsonl", 1, COLUMNS):
        if isinstance(item, FieldError):
            out[row] = (item, None)
            continue
        try:
            out[row] = (PARSER.parse(item, source, row), item)
        except FieldError as e:
            out[row] = (e, item)
    return out


def same(a, b) -> bool:
    if isinstance(a, tuple):
        a = list(a)
    if isinstance(a, datetime) and isinstance(b, datetime):
        # The same instant and the same offset: the offset is written in the result document.
        # (Timestamps, not ==: an ambiguous wall time never equals a time of another zone, PEP 495.)
        return a.timestamp() == b.timestamp() and a.utcoffset() == b.utcoffset()
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def check(lines: list[bytes], frame) -> tuple[int, int]:
    """Asserts the reader's promise; returns (rows read, rows not doubted)."""
    want = per_ticket(lines)
    assert frame.get_column("_row").to_list() == sorted(want), "one frame row per non-blank line, in order"
    trusted = 0
    for row in frame.iter_rows(named=True):
        reference, item = want[row["_row"]]
        if isinstance(item, dict):
            assert row["_raw_id"] == raw_id(item), row["_row"]
        if row["_doubt"]:
            continue
        trusted += 1
        assert not isinstance(reference, FieldError), (row["_row"], lines[row["_row"] - 1], reference)
        assert not reference.date_only, (row["_row"], lines[row["_row"] - 1])
        for name in PARSER.fields:
            assert same(reference.values.get(name), row[name]), (
                row["_row"], name, lines[row["_row"] - 1], reference.values.get(name), row[name])
    return frame.height, trusted


@pytest.mark.parametrize("seed", range(6))
def test_every_row_not_doubted_reads_as_the_parser_reads_it_and_every_rejected_row_is_doubted(seed):
    lines, clean = generated_lines(1500, seed)
    frame = read_jsonl(b"\n".join(lines) + b"\n", PARSER)
    rows, trusted = check(lines, frame)
    doubted = set(frame.filter(pl.col("_doubt")).get_column("_row").to_list())
    assert not clean & doubted, "a clean ticket is never doubted"
    assert trusted > rows // 3  # the mutated rows that still read exactly are read too


@pytest.mark.parametrize("seed", range(2))
def test_python_json_with_its_escapes_and_spaces_reads_the_same(seed):
    # json.dumps' defaults: every non-ASCII character escaped (\u53d7 for 受), ", " and ": ".
    lines, _ = generated_lines(800, 100 + seed)
    ascii_lines = []
    for line in lines:
        try:
            ascii_lines.append(json.dumps(orjson.loads(line)).encode())
        except (orjson.JSONDecodeError, TypeError, ValueError):
            ascii_lines.append(line)
    frame = read_jsonl(b"\n".join(ascii_lines), PARSER)
    rows, trusted = check(ascii_lines, frame)
    assert trusted > rows // 4


def test_a_list_of_lines_and_a_later_first_line_number():
    lines, _ = generated_lines(300, 99)
    frame = read_jsonl(lines, PARSER, first_line=1)
    check(lines, frame)
    later = read_jsonl([b'{"id":"L1","received_at":"2026-03-02 09:00"}', b"", b'{"id":"L2"}'], PARSER, first_line=501)
    assert later.get_column("_row").to_list() == [501, 503]
    assert later.get_column("_doubt").to_list() == [False, True]  # L2 misses its received time


@pytest.mark.parametrize("line, why", [
    (b'{"id":"D1","received_at":"2026-03-02 09:00","person":"a","person":"b"}', "orjson keeps the last key, polars the first"),
    (b'{"id":"D2","received_at":"2026-03-02 09:00","person":"a","person":null}', "the null key is the last"),
    (b'{"id":"D4","received_at":"2026-03-02 09:00","person" : "a","person":"b"}', "a space before the colon"),
    (b'{"id":"E2","received_at":"2026-03-02 09:00","person":"\\ud800"}', "a lone surrogate polars reads as NUL"),
    (b'{"id":"T1","received_at":"2026-03-02"}', "a day without a time: the per-ticket result warns"),
    (b'{"id":"T2","received_at":"2026-03-02T09:00:00+09:00"}', "another offset stays in the per-ticket result"),
    (b'{"id":"T3","received_at":"0001-01-01 08:00"}', "year 1: a limit counted from it overflows"),
    (b'{"id":"T4","received_at":"2026-03-02 09:00","person":12345}', "a number where text belongs"),
    (b'{"id":"T5","received_at":"2026-03-02 09:00","person":"a\\u001fb"}', "a control character"),
    (b'{"id":"T6","received_at":"2026-03-02 09:00","id":"T7"}', "a key given twice"),
    (b'{"id":"T8","received_at":"2026-03-02 09:00","\xe5\xb7\xa5\xe5\x8d\x95\xe5\x8f\xb7":"T9"}', "two headers of one field"),
    (b'{"id":"T10","received_at":"2026-03-02 09:00","env_office":101}', "a number outside its range"),
    (b'{"id":"T11","received_at":"2026-03-02 09:00","extra":' + b"[" * 1030 + b"]" * 1030 + b"}", "too deep for orjson"),
    (b'{"id":"T12","received_at":"2026-03-02 09:00","extra":[[1]]}', "a list in a list: the depths may differ"),
    (b'{"id":"T13","received_at":"2026-03-02 09:00","person":"\xff"}', "bytes that are no UTF-8"),
])
def test_the_doubts_the_brief_names(line, why):
    frame = read_jsonl([b'{"id":"OK","received_at":"2026-03-02 09:00"}', line], PARSER)
    assert frame.get_column("_doubt").to_list() == [False, True], why


def test_bytes_that_are_no_utf8_are_doubted_in_bytes_and_in_lines():
    data = b'{"id":"A","received_at":"2026-03-02 09:00"}\n{"id":"B\xff","received_at":"2026-03-02 09:00"}\n'
    for given in (data, data.splitlines()):
        frame = read_jsonl(given, PARSER)
        assert frame.select("_row", "_doubt", "_raw_id").rows() == [(1, False, "A"), (2, True, None)]


def test_the_types_and_values_of_a_clean_ticket():
    frame = read_jsonl(orjson.dumps({**CLEAN, "received_at": "2026-03-02T09:00:00+08:00", "env_office": "85"}), PARSER)
    row = frame.row(0, named=True)
    assert frame.schema["received_at"] == pl.Datetime("us", "Asia/Shanghai")
    assert frame.schema["main_responsible"] == pl.List(pl.String)
    assert row["received_at"] == datetime(2026, 3, 2, 9, 0, tzinfo=ZONE)
    assert (row["category"], row["verified"], row["responsible"], row["impact"], row["escalation"]) == (
        "service_attitude", True, True, "major", "none")  # the label mapped, the default filled
    assert row["main_responsible"] == ["王五", "赵六"] and row["env_office"] == 85.0 and row["_doubt"] is False


@pytest.mark.parametrize("data", [
    b'{"id":"A","received_at":"2026-03-02 09:00"}\r\n\r\n{"id":"B","received_at":"2026-03-02 09:00"}\r\n',
    b'{"id":"A","received_at":"2026-03-02 09:00"}\r{"id":"B","received_at":"2026-03-02 09:00"}\n{"id":"C"}',
    b'{"id":"A","received_at":"2026-03-02 09:00"}\n\n\n',
    b'\n\n{"id":"A","received_at":"2026-03-02 09:00"}',
    b'{"id":"A","received_at":"2026-03-02 09:00","note":"\x01"}\n{"id":"B","received_at":"2026-03-02 09:00"}\n',
], ids=["crlf", "lone-cr", "blank-tail", "blank-head", "raw-control"])
def test_lines_are_numbered_as_python_splits_them(data):
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    check(lines, read_jsonl(data, PARSER))


def test_a_zone_with_daylight_saving_reads_as_the_parser_or_doubts():
    # New York: 2026-03-08 02:00–03:00 does not exist, 2026-11-01 01:00–02:00 happens twice
    # (the parser takes the first, fold=0). Either the frame holds the parser's instant, or it doubts.
    parser = RecordParser("power_supply", FIELDS, ZoneInfo("America/New_York"))
    times = ["2026-03-07 23:59", "2026-03-08 01:59", "2026-03-08 02:00", "2026-03-08 02:30", "2026-03-08 03:00",
             "2026-11-01 00:59", "2026-11-01 01:00", "2026-11-01 01:30", "2026-11-01 02:00", "2026-11-01 12:00",
             "2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00", "2026-11-01T06:30:00Z", "2026-07-01 12:00"]
    lines = [orjson.dumps({"id": f"Z{i}", "received_at": t}) for i, t in enumerate(times)]
    frame = read_jsonl(lines, parser)
    for (line, t), row in zip(zip(lines, times), frame.iter_rows(named=True)):
        if row["_doubt"]:
            continue
        want = parser.parse(orjson.loads(line), "t", 1).received_at
        assert same(want, row["received_at"]), t
    doubted = dict(zip(times, frame.get_column("_doubt").to_list()))
    assert not doubted["2026-07-01 12:00"] and not doubted["2026-11-01 12:00"]
    assert doubted["2026-03-08 02:30"]  # no such time in New York: the parser's answer is not polars'


@pytest.mark.parametrize("data", [b"", b"\n\n", b"   \n", []], ids=["empty", "blank-lines", "spaces", "no-lines"])
def test_a_batch_of_no_records_is_an_empty_frame_of_the_same_columns(data):
    frame = read_jsonl(data, PARSER)
    assert frame.height == 0
    assert frame.columns == ["_row", "_doubt", "_raw_id", *PARSER.fields]
    assert frame.schema["received_at"] == pl.Datetime("us", "Asia/Shanghai")
