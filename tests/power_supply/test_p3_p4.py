"""P3 (service commitments, 投诉举报管理办法 第四条) and P4 (inspection score, 优质服务管理及考核办法)."""

import pytest

from policy.core.testing import run

TICKET = {"id": "T1", "received_at": "2026-03-20 09:00", "category": "报装接电", "verified": "是", "responsible": "是",
          "person": "朱六", "unit": "城东供电所", "cause": "work_quality"}


def outcome(params=None, **fields):
    return run([{**TICKET, **fields}], params=params and {"power_supply": params}, as_of="2026-04-30T00:00")


# -- P3 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("customer_type", "due"),
    [("resident", "2026-03-06T00:00:00+08:00"), ("low_voltage", "2026-03-12T00:00:00+08:00"),
     ("high_voltage_single", "2026-03-24T00:00:00+08:00"), ("high_voltage_dual", "2026-04-15T00:00:00+08:00")],
)
def test_p3_4_10_supply_plan_limit_by_customer_type(customer_type, due):
    # Accepted Monday 2026-03-02; 2026-04-06 (Qingming, Monday) is a holiday in the 30-day count.
    d = outcome(request_kind="supply_plan", customer_type=customer_type, request_started_at="2026-03-02 10:00").deadline("T1", "P3-4.10")
    assert d["due"] == due


def test_p3_4_10_needs_the_customer_type():
    e = outcome(request_kind="supply_plan", request_started_at="2026-03-02 10:00").error("T1")
    assert e["field"] == "customer_type"


@pytest.mark.parametrize(("done", "status"), [("2025-09-30 23:59", "met"), ("2025-10-01 00:00", "met"), ("2025-10-09 09:00", "breached")])
def test_p3_4_11_resident_connection_across_national_day_2025(done, status):
    # Accepted Friday 09-26: working days after are Sunday 09-28 (调休), 09-29, 09-30 -> due 10-01 00:00.
    d = outcome(request_kind="resident_connection", request_started_at="2025-09-26 15:00", request_done_at=done,
                received_at="2025-10-09 10:00").deadline("T1", "P3-4.11")
    assert (d["due"], d["status"]) == ("2025-10-01T00:00:00+08:00", status)


def test_p3_4_12_non_resident_connection_five_working_days():
    d = outcome(request_kind="non_resident_connection", request_started_at="2026-03-02 10:00",
                request_done_at="2026-03-09 23:59").deadline("T1", "P3-4.12")
    assert (d["due"], d["status"]) == ("2026-03-10T00:00:00+08:00", "met")


@pytest.mark.parametrize(
    ("kind", "rule"), [("outage_notice", "P3-4.13"), ("disconnection_notice", "P3-4.16")],
)
@pytest.mark.parametrize(("notice", "status"), [("2026-03-03 23:59", "met"), ("2026-03-04 00:00", "met"), ("2026-03-04 00:01", "breached")])
def test_p3_notice_at_least_seven_days_before(kind, rule, notice, status):
    # The cut is on 03-10: the notice is due by the end of 03-03; 6 days 23 hours before is too late.
    d = outcome(request_kind=kind, notice_at=notice, outage_at="2026-03-10 23:00").deadline("T1", rule)
    assert (d["due"], d["status"], d["limit"]) == ("2026-03-04T00:00:00+08:00", status, "at least 7 days before")


@pytest.mark.parametrize(
    ("area", "arrived", "status"),
    [("urban", "2026-03-07 02:45", "met"), ("urban", "2026-03-07 02:46", "breached"),
     ("rural", "2026-03-07 03:30", "met"), ("remote", "2026-03-07 04:01", "breached")],
)
def test_p3_4_15_repair_crew_on_site_at_any_hour(area, arrived, status):
    # A call at 02:00 on a Saturday: P3-4.14 makes repair a 24-hour service, minutes run regardless.
    o = outcome(request_kind="repair", area=area, request_started_at="2026-03-07 02:00", request_done_at=arrived)
    assert o.deadline("T1", "P3-4.15")["status"] == status
    assert o.deadline("T1", "P3-4.14")["status"] == "met"


def test_p3_4_14_a_refused_night_call_breaks_the_24_hour_commitment():
    o = outcome(request_kind="repair", area="urban", request_started_at="2026-03-07 02:00",
                request_done_at="2026-03-07 02:30", repair_refused="是")
    assert o.deadline("T1", "P3-4.14")["status"] == "breached"
    assert "P3-4.14" in o.consequence("T1", "P1-24.2")["note"]


def test_p3_broken_commitment_is_a_ten_commitments_breach_referred_once():
    o = outcome(request_kind="resident_connection", request_started_at="2026-03-02 10:00", request_done_at="2026-03-06 10:00",
                params={"ten_commitments_fine": [200, 800]})
    c = o.consequence("T1", "P1-24.2")
    assert (c["party"], c["kind"], c["min"], c["max"]) == ("朱六", "refer", 200, 800)
    kept = outcome(request_kind="resident_connection", request_started_at="2026-03-02 10:00", request_done_at="2026-03-04 10:00")
    assert kept.consequences("T1", "P1-24.2") == []


def test_p3_limits_are_parameters():
    d = outcome(request_kind="repair", area="urban", request_started_at="2026-03-07 02:00", request_done_at="2026-03-07 02:55",
                params={"repair_urban_minutes": 60}).deadline("T1", "P3-4.15")
    assert d["status"] == "met"


# -- P4 ------------------------------------------------------------------------------------------

FULL = {"phone_95598": 10, "duty_phone": 10, "hall_counter": 10, "hall_board": 5, "hall_convenience": 5,
        "hall_materials": 5, "hall_staff": 20, "hall_hours": 10, "env_corners": 5, "env_fixtures": 5,
        "env_grounds": 5, "env_canteen": 5, "env_office": 5}


def sheet(score_off=0.0, **more):
    points = dict(FULL)
    for item in points:  # take the points off item by item
        taken = min(points[item], score_off)
        points[item] -= taken
        score_off -= taken
    return {"id": "I1", "record_type": "inspection", "received_at": "2026-03-10 10:00", "station": "城东供电所",
            "station_head": "周所长", **points, **more}


@pytest.mark.parametrize(
    ("score", "kind", "amount"),
    [(100, None, None), (90, None, None), (89.5, "fine", 100), (80, "fine", 100), (79, "fine", 200),
     (70, "fine", 200), (69, "refer", None)],
)
def test_p4_4_2_station_score_bands(score, kind, amount):
    o = run([sheet(100 - score)])
    r = o.result("I1")
    assert (r["counted"], r["category"], float(r["grade"])) == (False, "inspection", score)
    fines = o.consequences("I1", "P4-4.2")
    if kind is None:
        assert fines == []
    else:
        assert [(c["party"], c["kind"], c["min"]) for c in fines] == [("周所长", kind, amount)]


def test_p4_item_above_its_maximum_is_rejected_naming_the_item():
    e = run([sheet(hall_board=6)]).error("I1")
    assert e["field"] == "hall_board" and "0–5" in e["message"]


def test_p4_missing_item_is_rejected():
    record = sheet()
    del record["env_office"]
    assert run([record]).error("I1")["field"] == "env_office"


def test_p4_chinese_headers_and_no_complaint_rules():
    o = run([{"工单编号": "I2", "记录类型": "检查考核表", "检查时间": "2026-03-10", "供电所": "城西供电所", "所负责人": "吴所长",
              **{label: FULL[code] for code, label in [("phone_95598", "95598及值班电话接听规范")]},
              **{k: v for k, v in FULL.items() if k != "phone_95598"}, "违反三个十条": "是", "责任人": "营业员小李"}])
    r = o.result("I2")
    assert r["deadlines"] == [] and o.consequence("I2", "P4-4.3")["party"] == "营业员小李"
    assert o.periods("P1-27") == []  # an inspection is not a complaint in the unit statistics


def test_p4_thresholds_are_parameters():
    o = run([sheet(6)], params={"power_supply": {"inspection_pass_score": 95, "inspection_band_1_score": 85}})
    assert o.consequence("I1", "P4-4.2")["min"] == 100  # 94 is below the company's 95


def test_p4_4_2_no_station_head_named_is_a_refer_naming_the_field():
    """优质服务管理及考核办法四、2: "低于90分的供电所按(80分扣100元,70分扣200元) 扣罚所负责人" — a person;
    none named: a refer to the station naming the field, never a fine without a party."""
    o = run([sheet(15, station_head="")])
    (c,) = o.consequences("I1", "P4-4.2")
    assert (c["party"], c["role"], c["kind"], c["min"], c["max"]) == ("城东供电所", "station_head", "refer", 100, 100)
    assert "field station_head, 所负责人" in c["note"]


@pytest.mark.parametrize(("notice", "status"), [("2026-03-03 22:59", "met"), ("2026-03-03 23:00", "met"), ("2026-03-03 23:01", "breached")])
def test_p3_notice_seven_times_24_hours_when_a_company_reads_it_so(notice, status):
    """第四条(十三) "提前7天": read as 7×24 hours before the cut at 23:00 on 03-10 (notice_days_counting = hours)."""
    o = outcome(params={"notice_days_counting": "hours"}, request_kind="outage_notice", notice_at=notice, outage_at="2026-03-10 23:00")
    d = o.deadline("T1", "P3-4.13")
    assert (d["due"], d["status"]) == ("2026-03-03T23:00:00+08:00", status)


@pytest.mark.parametrize(("score", "kind", "amount"), [(79, "fine", 200), (70, "fine", 200), (69.5, "fine", 200), (0, "fine", 200)])
def test_p4_4_2_below_70_fined_as_the_70s_when_a_company_reads_it_so(score, kind, amount):
    o = run([sheet(100 - score)], params={"power_supply": {"inspection_below_band_2": "band_2"}})
    assert [(c["party"], c["kind"], c["min"]) for c in o.consequences("I1", "P4-4.2")] == [("周所长", kind, amount)]
