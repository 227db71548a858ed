"""Values in range: record cells that are not what their field holds are field errors naming
the field and what is allowed; the other records of the file are evaluated (issue 12 item 5-6)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from policy.core.records import Field, FieldError, RecordParser, is_date_only
from policy.core.testing import run

ZONE = ZoneInfo("Asia/Shanghai")
AIRPORT = {"id": "J1", "received_at": "2026-03-02 09:00", "person": "值机员小陈", "department": "地面服务公司"}
AWARD = {"id": "G1", "record_type": "委屈奖", "received_at": "2026-07-20 10:00", "person": "小赵"}


def airport(*tickets):
    return run(list(tickets), plugins=["airport"], as_of="2026-06-30T00:00")


def water(*tickets):
    return run(list(tickets), plugins=["water"], as_of="2026-12-31T00:00")


# -- amounts: finite, not negative, not absurd -------------------------------------------------


@pytest.mark.parametrize("amount", [-9000, -0.01, float("nan"), float("inf"), float("-inf"), 10**30, 2**64, 1e400,
                                    "nan", "NaN", "inf", "-Infinity", "1e400", "-500"])
def test_airport_compensation_out_of_range_is_a_field_error_and_the_rest_is_evaluated(amount):
    o = airport({**AIRPORT, "compensation": amount}, {**AIRPORT, "id": "J2", "compensation": 6000})
    e = o.error("J1")
    assert e["field"] == "compensation"
    assert "0 to 1000000000 yuan" in e["message"] or "not a finite number" in e["message"]
    assert o.result("J2")["grade"] == "class_1"  # 6000 > 5000: the other ticket still decides
    assert (o.summary["records"], o.summary["evaluated"], o.summary["rejected"]) == (2, 1, 1)


@pytest.mark.parametrize(("amount", "grade"), [(0, "class_2"), (5000, "class_2"), (5000.01, "class_1"), (1e9, "class_1")])
def test_airport_compensation_at_the_edges_of_its_range_is_evaluated(amount, grade):
    # 0 and 1e9 are inside the range (both ends inclusive); 附件3.1.5 "above 5000" is class 1.
    o = airport({**AIRPORT, "compensation": amount, "procedure_breach": "是"})
    assert o.result("J1")["grade"] == grade


@pytest.mark.parametrize("amount", [-500, float("nan"), "nan", "inf", 1e10])
def test_water_award_amount_out_of_range_is_rejected_not_a_reward(amount):
    o = water({**AWARD, "award_amount": amount}, {**AWARD, "id": "G2", "award_amount": 800})
    e = o.error("G1")
    assert e["field"] == "award_amount"
    assert o.consequence("G2", "W1-5.4")["min"] == 800
    assert o.summary["records"] == o.summary["evaluated"] + o.summary["rejected"] == 2


def test_out_of_range_message_names_the_value_and_the_range():
    o = water({**AWARD, "award_amount": -500})
    assert o.error("G1")["message"] == "-500 is outside the allowed range: 0 to 1000000000 yuan (元)"


def test_p4_points_above_100_are_out_of_the_fields_range():
    o = run([{"id": "I1", "record_type": "inspection", "received_at": "2026-03-10 10:00", "station": "城西供电所",
              "phone_95598": 1000}], as_of="2026-04-01T00:00")
    e = o.error("I1")
    assert e["field"] == "phone_95598" and "0 to 100 points (分)" in e["message"]


def test_bool_is_not_a_number():
    o = airport({**AIRPORT, "compensation": True})
    assert o.error("J1")["field"] == "compensation"


# -- shapes no field holds: field errors, never a crash -------------------------------------------


def nested(depth):
    value = {}
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    ("field", "cell"),
    [
        ("channel", ["web"]),  # a list in a choice field (was TypeError: unhashable)
        ("channel", {"code": "web"}),
        ("person", ["张三"]),  # a list in a text field (was read as the text "['张三']")
        ("department", nested(1000)),  # a nested object in a text field (was RecursionError)
        ("received_at", nested(1000)),  # ... in a time field
        ("received_at", ["2026-03-02 09:00"]),
        ("received_at", 13800138000),  # a phone number as a spreadsheet serial (was OverflowError)
        ("received_at", -1),
        ("received_at", float("nan")),
        ("received_at", 10**30),
        ("verified", nested(1000)),  # a nested object in a yes/no field
        ("verified", [1]),
        ("compensation", ["100"]),
        ("compensation", {"yuan": 100}),
        ("id", {"x": 1}),
        ("id", float("inf")),
    ],
)
def test_a_cell_of_the_wrong_shape_is_a_field_error_naming_the_field(field, cell):
    o = airport({**AIRPORT, field: cell}, {**AIRPORT, "id": "J2"})
    assert len(o.errors) == 1
    e = o.errors[0]
    assert e["field"] == field
    assert "Error" not in e["message"].split("(")[0]  # a clerk's words first, not an exception's
    assert o.result("J2")["grade"] == "grumble"  # the other record stands (no criterion: 3.5)
    assert o.summary["records"] == o.summary["evaluated"] + o.summary["rejected"] == 2


def test_a_list_in_a_choice_field_is_rejected_in_the_history_pass_too():
    # airport needs earlier tickets (3.2): the first pass must not crash on the bad cell.
    o = airport({**AIRPORT, "event_key": "E", "channel": ["web"]}, {**AIRPORT, "id": "J2", "event_key": "E"})
    assert o.error("J1")["field"] == "channel"
    assert o.summary["evaluated"] == 1


def test_a_list_of_names_is_still_names():
    parser = RecordParser("gas", [Field("department_manager", "names", "")], ZONE)
    record = parser.parse({"id": "X", "received_at": "2026-03-02 09:00", "department_manager": ["刘", " 王 "]}, "t", 1)
    assert record.department_manager == ("刘", "王")
    with pytest.raises(FieldError) as e:
        parser.parse({"id": "X", "received_at": "2026-03-02 09:00", "department_manager": [["刘"]]}, "t", 1)
    assert e.value.field == "department_manager"


def test_any_exception_reading_a_cell_becomes_that_fields_error():
    class Odd(str):
        def strip(self, *a):
            raise RuntimeError("boom")

    parser = RecordParser("x", [], ZONE)
    with pytest.raises(FieldError) as e:
        parser.parse({"id": "X", "received_at": "2026-03-02 09:00", "person": Odd("a")}, "t", 1)
    assert e.value.field == "person" and "cannot be read as text" in e.value.message


# -- a field declares its unit and range ----------------------------------------------------------


def test_a_fields_own_range_wins_over_its_units():
    f = Field("score", "number", "", unit="points", range=(0, 20))
    assert f.bounds == (0, 20)
    assert Field("amount", "number", "", unit="yuan").bounds == (0, 1e9)
    assert Field("amount", "number", "").bounds == (0, 1e9)
    parser = RecordParser("x", [f], ZONE)
    for value, ok in ((20, True), (20.5, False), (0, True), (-1, False)):
        row = {"id": "X", "received_at": "2026-03-02 09:00", "score": value}
        if ok:
            assert parser.parse(row, "t", 1).score == value
        else:
            with pytest.raises(FieldError, match="0 to 20 points"):
                parser.parse(row, "t", 1)


@pytest.mark.parametrize("bad", [{"kind": "amount"}, {"unit": "furlongs"}, {"range": (5, 1)}])
def test_a_bad_field_declaration_fails_when_declared(bad):
    args = {"name": "x", "kind": "number", "doc": "", **bad}
    with pytest.raises(ValueError):
        Field(**args)


def test_date_only_cells():
    assert is_date_only("2026-03-05") and is_date_only("2026/3/5") and is_date_only("2026年3月5日")
    assert is_date_only(date(2026, 3, 5)) and is_date_only(46086) and is_date_only(46086.0)
    assert not is_date_only("2026-03-05 00:00") and not is_date_only(datetime(2026, 3, 5))
    assert not is_date_only(46086.5)


# -- a day without a time of day: never a silent 00:00 (issue 17 item 7) ---------------------------

TICKET = {"id": "T1", "received_at": "2026-03-05 09:00", "dispatched_at": "2026-03-05 09:30", "category": "服务态度",
          "verified": "是", "responsible": "是", "person": "张三", "unit": "城区供电所", "cause": "attitude_poor"}


def power(**cells):
    row = {k: v for k, v in {**TICKET, **cells}.items() if v is not None}
    return run([row], as_of="2026-04-01T00:00")


@pytest.mark.parametrize("cell", ["2026-03-05", "2026/3/5", "2026年3月5日", date(2026, 3, 5), 46086])
def test_a_date_only_received_time_is_said_where_it_decides_an_hour_limit(cell):
    o = power(received_at=None, 受理时间=cell)
    # P1-14 counts 1 hour from 00:00 and the 09:30 dispatch shows breached: the result says why to doubt it.
    assert o.deadline("T1", "P1-14")["status"] == "breached"
    assert o.result("T1")["warnings"] == [
        "受理时间 (received_at) 2026-03-05 has no time of day and was read as 00:00, which decides "
        "P1-14 (1 hour): give the time of day"
    ]


def test_the_column_used_is_named_and_an_english_header_as_is():
    r = power(received_at="2026-03-05").result("T1")
    assert r["warnings"][0].startswith("received_at 2026-03-05 has no time of day")


def test_a_date_only_stage_end_is_said_for_every_limit_it_ends():
    # Dispatched "on" 03-06, read as 00:00: P1-14 (1 hour from 09:00 on 03-05) reads as breached,
    # and the working-day limits counted from the dispatch start at that day, which is exact.
    r = power(dispatched_at="2026-03-06").result("T1")
    assert r["warnings"] == ["dispatched_at 2026-03-06 has no time of day and was read as 00:00, "
                             "which decides P1-14 (1 hour): give the time of day"]
    # Replied "on" 03-12, the day after the 4th working day (Thu 03-05 -> Wed 03-11): read as
    # 00:00 it is 24:00 of 03-11, exactly P1-15b's due time, so it shows met: the result says so.
    o = power(dispatched_at="2026-03-05 09:30", replied_at="2026-03-12")
    assert o.deadline("T1", "P1-15b")["due"] == "2026-03-12T00:00:00+08:00"
    assert o.deadline("T1", "P1-15b")["status"] == "met"
    (warning,) = o.result("T1")["warnings"]
    assert warning.startswith("replied_at 2026-03-12 has no time of day") and "P1-15b (4 working days)" in warning


def test_a_date_only_start_of_a_working_day_limit_is_exact_and_silent():
    # A1-7.1a counts 1 working day from 受理: the start day never counts, so its time does not matter.
    o = airport({**AIRPORT, "received_at": "2026-03-02", "compensation": 6000})
    assert o.deadline("J1", "A1-7.1a")["due"] == "2026-03-04T00:00:00+08:00"
    assert "warnings" not in o.result("J1")


def test_times_of_day_give_no_warnings_and_the_document_is_unchanged():
    for cell in ("2026-03-05 00:00", "2026-03-05T00:00:00+08:00", datetime(2026, 3, 5), 46086.375):
        r = power(received_at=cell).result("T1")
        assert "warnings" not in r


def test_a_record_with_no_time_limit_needs_no_time_of_day():
    # A P4 inspection sheet has no deadline: its day alone is what counts.
    cells = {code: 5 for code in ("phone_95598", "duty_phone", "hall_counter", "hall_board", "hall_convenience",
                                  "hall_materials", "hall_staff", "hall_hours", "env_corners", "env_fixtures",
                                  "env_grounds", "env_canteen", "env_office")}
    o = run([{"id": "I1", "record_type": "inspection", "检查时间": "2026-03-10", "station": "城西供电所", **cells}],
            as_of="2026-04-01T00:00")
    assert o.result("I1")["deadlines"] == [] and "warnings" not in o.result("I1")


def test_a_ticket_number_that_lost_digits_as_a_float_is_refused_not_invented():
    # orjson reads 12345678901234567890123456789 as 1.2345678901234568e+28: its digits are gone.
    o = airport({**AIRPORT, "id": 1.2345678901234568e28}, {**AIRPORT, "id": 2.0**53 - 1}, {**AIRPORT, "id": 10**30})
    assert o.errors[0]["field"] == "id" and "write it as text" in o.errors[0]["message"]
    assert {r["id"] for r in o.results} == {"9007199254740991", str(10**30)}  # exact numbers stay numbers


@pytest.mark.parametrize("field", ["id", "工单编号", "industry"])
def test_a_nested_object_as_id_or_industry_is_that_fields_error_not_a_recursion(field):
    # orjson reads objects nested up to 1024 deep; str() of one 1000 deep raises RecursionError.
    bad = {k: v for k, v in AIRPORT.items() if field == "industry" or k != "id"}
    o = airport({**bad, field: nested(1000)}, {**AIRPORT, "id": "J2"})
    (error,) = o.errors
    assert error["field"] == ("industry" if field == "industry" else "id")
    assert error["id"] == (None if field != "industry" else "J1")
    assert o.result("J2")["grade"] == "grumble"
