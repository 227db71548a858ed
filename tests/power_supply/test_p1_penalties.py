"""P1 第九条 and 第二十三条–第二十八条: what counts, and what each party owes."""

import pytest

from policy.core.testing import run

BASE = {
    "id": "T1",
    "received_at": "2026-03-02 09:00",
    "category": "服务态度",
    "verified": "是",
    "responsible": "是",
    "person": "张三",
    "unit": "城区供电所",
}


def outcome(**fields):
    return run([{**BASE, **fields}], as_of="2026-04-01T00:00")


def figures(c):
    return (c["party"], c["role"], c["kind"], c["min"], c["max"])


# -- P1-9 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verified", "responsible", "counted"),
    [("是", "是", True), ("否", "是", False), ("是", "否", False), ("", "是", False)],
)
def test_p1_9_counted_only_when_verified_and_the_supplier_is_responsible(verified, responsible, counted):
    o = outcome(verified=verified, responsible=responsible, cause="attitude_poor")
    r = o.result("T1")
    assert r["counted"] is counted
    assert r["classified_by"] == ["P1-9"]
    assert bool(r["consequences"]) is counted  # nothing is assessed on an uncounted ticket


# -- P1-24 (三): general impact, by cause -------------------------------------------------


@pytest.mark.parametrize(
    ("cause", "loss", "rule", "low", "high"),
    [
        ("work_quality", "否", "P1-24.3.1.1", 100, 200),
        ("work_quality", "是", "P1-24.3.1.2", 200, 300),
        ("attitude_poor", "否", "P1-24.3.2.1", 200, 500),
        ("attitude_bad", "否", "P1-24.3.2.2", 300, 600),
    ],
)
def test_p1_24_3_fines_by_cause(cause, loss, rule, low, high):
    c = outcome(cause=cause, customer_loss=loss).consequence("T1", rule, kind="fine")
    assert figures(c) == ("张三", "responsible_person", "fine", low, high)


def test_p1_24_3_2_2_bad_attitude_also_suspends_for_a_month_of_study():
    c = outcome(cause="attitude_bad").consequence("T1", "P1-24.3.2.2", kind="suspension_months")
    assert (c["party"], c["min"], c["max"]) == ("张三", 1, 1)


def test_p1_24_1_and_24_2_are_referred_with_configured_amounts():
    o = outcome(cause="ten_prohibitions")
    c = o.consequence("T1", "P1-24.1")
    assert (c["kind"], c["min"], c["max"]) == ("refer", None, None)
    set_amounts = run([{**BASE, "cause": "ten_commitments"}], params={"power_supply": {"ten_commitments_fine": [100, 1000]}})
    c = set_amounts.consequence("T1", "P1-24.2")
    assert (c["kind"], c["min"], c["max"]) == ("refer", 100, 1000)


def test_a_counted_general_complaint_without_cause_is_rejected_with_a_clear_message():
    o = outcome()
    e = o.error("T1")
    assert e["field"] == "cause" and "work_quality" in e["message"]


def test_amounts_are_parameters():
    o = run([{**BASE, "cause": "attitude_poor"}], params={"power_supply": {"attitude_poor_fine": [250, 450]}})
    assert figures(o.consequence("T1", "P1-24.3.2.1")) == ("张三", "responsible_person", "fine", 250, 450)


# -- P1-24 (四): serious and major impact, by role -----------------------------------------

ROLES = {
    "main_responsible": "甲",
    "secondary_responsible": "乙",
    "workshop_leader": "丙",
    "management_head": "丁",
    "unit_chief": "戊",
    "unit_deputy": "己",
}


def test_p1_24_4_1_major_impact_role_table():
    o = outcome(cause="work_quality", impact="major", **ROLES)
    got = {(c["party"], c["kind"]): (c["min"], c["max"]) for c in o.consequences("T1", "P1-24.4.1")}
    assert got == {
        ("甲", "sanction"): ("major_demerit", "dismissal"), ("甲", "fine"): (800, None),
        ("乙", "sanction"): ("demerit", "dismissal"), ("乙", "fine"): (600, None),
        ("丙", "sanction"): ("warning", "removal"), ("丙", "fine"): (500, None),
        ("丁", "sanction"): ("demerit", "demotion_post"), ("丁", "fine"): (300, None),
        ("戊", "sanction"): ("warning", "demotion_post"), ("戊", "fine"): (300, None),
        ("己", "sanction"): ("warning", "demotion_post"), ("己", "fine"): (300, None),
    }
    # (四) replaces (三): no general-impact fine on top.
    assert not o.consequences("T1", "P1-24.3.1.1")
    assert o.result("T1")["grade"] == "major"


def test_p1_24_4_2_serious_impact_role_table_names_only_the_deputy():
    o = outcome(cause="attitude_poor", impact="serious", **ROLES)
    got = {(c["party"], c["kind"]): (c["min"], c["max"]) for c in o.consequences("T1", "P1-24.4.2")}
    assert got == {
        ("甲", "sanction"): ("warning", "probation"), ("甲", "fine"): (1000, None),
        ("乙", "sanction"): ("warning", "major_demerit"), ("乙", "fine"): (800, None),
        ("丙", "fine"): (600, None),
        ("丁", "fine"): (400, None),
        ("己", "fine"): (400, None),
    }
    assert not any(c["party"] == "戊" for c in o.result("T1")["consequences"])


def test_p1_24_4_main_responsible_defaults_to_the_ticket_person():
    o = outcome(cause="work_quality", impact="major")
    c = o.consequence("T1", "P1-24.4.1", kind="fine")
    assert (c["party"], c["role"], c["min"]) == ("张三", "main_responsible", 800)


def test_p1_24_4_several_names_separated_by_semicolons():
    o = outcome(cause="work_quality", impact="major", secondary_responsible="乙；庚")
    assert {c["party"] for c in o.consequences("T1", "P1-24.4.1", role="secondary_responsible", kind="fine")} == {"乙", "庚"}


def test_p1_24_5_other_responsible_persons_are_referred():
    o = outcome(cause="work_quality", other_responsible="辛;壬")
    assert {(c["party"], c["kind"], c["min"]) for c in o.consequences("T1", "P1-24.5")} == {("辛", "refer", None), ("壬", "refer", None)}
    o = run([{**BASE, "cause": "work_quality", "other_responsible": "辛"}], params={"power_supply": {"other_responsible_fine": [50, 150]}})
    assert (o.consequence("T1", "P1-24.5")["min"], o.consequence("T1", "P1-24.5")["max"]) == (50, 150)


# -- P1-25: complaints outside the company, doubled ---------------------------------------


@pytest.mark.parametrize("escalation", ["city_bureau", "regional_grid", "state_grid", "regulator", "media"])
def test_p1_25_outside_channels_double_every_yuan_amount(escalation):
    o = outcome(cause="work_quality", escalation=escalation)
    c = o.consequence("T1", "P1-24.3.1.1")
    assert (c["min"], c["max"], c["adjusted_by"]) == (200, 400, ["P1-25"])


@pytest.mark.parametrize("escalation", ["none", "company"])
def test_p1_25_inside_the_company_is_not_doubled(escalation):
    c = outcome(cause="work_quality", escalation=escalation).consequence("T1", "P1-24.3.1.1")
    assert (c["min"], c["max"], c.get("adjusted_by")) == (100, 200, None)


def test_p1_25_doubles_minimum_fines_and_leaves_sanctions():
    o = outcome(cause="work_quality", impact="major", escalation="state_grid")
    fine = o.consequence("T1", "P1-24.4.1", kind="fine")
    sanction = o.consequence("T1", "P1-24.4.1", kind="sanction")
    assert (fine["min"], fine["max"]) == (1600, None)
    assert (sanction["min"], sanction["max"]) == ("major_demerit", "dismissal")


def test_p1_25_multiplier_is_a_parameter():
    o = run([{**BASE, "cause": "work_quality", "escalation": "media"}], params={"power_supply": {"outside_multiplier": 3}})
    assert o.consequence("T1", "P1-24.3.1.1")["max"] == 600


# -- P1-26: falsified replies ---------------------------------------------------------------


def test_p1_26_falsified_reply_fines_the_unit_and_criticises_it_and_its_head():
    o = outcome(cause="work_quality", falsified_reply="是", unit_head="杨主任")
    got = {(c["party"], c["role"], c["kind"], c["min"]) for c in o.consequences("T1", "P1-26")}
    assert got == {("城区供电所", "unit", "fine", 500), ("城区供电所", "unit", "criticism", None),
                   ("杨主任", "unit_head", "criticism", None)}


def test_p1_26_no_unit_head_named_is_a_refer_naming_the_field_not_left_out():
    """第二十六条: "给予责任单位每件500元考核,并对该单位及相关负责人予以通报批评"."""
    o = outcome(cause="work_quality", falsified_reply="是")
    c = o.consequence("T1", "P1-26", role="unit_head")
    assert (c["party"], c["kind"]) == ("城区供电所", "refer") and "field unit_head, 单位负责人" in c["note"]
    assert "criticism (通报批评)" in c["note"]


def test_p1_26_not_without_falsification():
    assert not outcome(cause="work_quality", falsified_reply="否").consequences("T1", "P1-26")


# -- P1-28: fines out of monthly performance pay ---------------------------------------------


def test_p1_28_fines_are_reported_as_the_total_owed_not_split_by_month():
    # 第二十八条 carries fines over monthly pay; without pay data each fine is one total.
    o = outcome(cause="attitude_bad", impact="general")
    fines = o.consequences("T1", kind="fine")
    assert [(c["rule"], c["min"], c["max"]) for c in fines] == [("P1-24.3.2.2", 300, 600)]


def deductions(rows, roster, period="2026-H1"):
    o = run(rows, as_of="2026-12-31T00:00", roster=roster, period=period)
    return [(p["party"], p["period"], p["min"], p["max"]) for p in o.periods("P1-28", kind="pay_deduction")], o


@pytest.mark.parametrize(
    ("pay", "expected"),
    [
        # 第二十四条(三)2(1) 200–500 yuan; the month's pay at N-1, N and N+1 of the most owed.
        (499, [("张三", "2026-03", 200, 499), ("张三", "2026-04", 0, 1)]),
        (500, [("张三", "2026-03", 200, 500)]),
        (501, [("张三", "2026-03", 200, 500)]),
        # Pay below even the least owed: the rest of both carries over, month by month.
        (150, [("张三", "2026-03", 150, 150), ("张三", "2026-04", 50, 150), ("张三", "2026-05", 0, 150),
               ("张三", "2026-06", 0, 50)]),
    ],
)
def test_p1_28_the_months_pay_bears_the_fine_and_the_rest_carries_over(pay, expected):
    got, o = deductions([{**BASE, "cause": "attitude_poor"}], [{"person": "张三", "performance_pay": pay}])
    assert got == expected
    # The schedule never changes the fine itself, which stays the ticket's total.
    assert figures(o.consequence("T1", "P1-24.3.2.1")) == ("张三", "responsible_person", "fine", 200, 500)


def test_p1_28_an_open_ended_fine_takes_the_whole_pay_at_most_and_says_so():
    got, o = deductions([{**BASE, "impact": "major", "main_responsible": "张三"}],
                        [{"姓名": "张三", "月度绩效": "1,000元"}], period="2026-03")
    assert got == [("张三", "2026-03", 800, 1000)]  # (四)1(1): not less than 800 yuan
    assert o.periods("P1-28")[0]["note"] == (
        "from this month's performance pay of 1000 yuan; still owed after it: at least 0 yuan, and whatever the "
        "fines decided add above their minimums (a fine here has no upper bound)")


def test_p1_28_an_open_ended_fine_is_followed_while_its_minimum_is_unpaid():
    got, _ = deductions([{**BASE, "impact": "serious", "main_responsible": "张三"}],  # (四)2(1): ≥ 1000 yuan
                        [{"person": "张三", "performance_pay": 400}])
    assert got == [("张三", "2026-03", 400, 400), ("张三", "2026-04", 400, 400), ("张三", "2026-05", 200, 400)]


def test_p1_28_fines_count_in_the_month_the_result_is_announced_with_that_months_pay():
    rows = [
        {**BASE, "cause": "attitude_poor", "notified_at": "2026-04-03 10:00"},  # received in March
        {**BASE, "id": "T2", "received_at": "2026-04-20 09:00", "cause": "work_quality", "escalation": "state_grid"},
    ]
    roster = [{"person": "张三", "performance_pay": 300}, {"person": "张三", "月份": "2026年4月", "performance_pay": 600}]
    got, o = deductions(rows, roster)
    # April: 200–500 (P1-24.3.2.1) + 200–400 (P1-24.3.1.1 doubled by P1-25) against 600 of pay.
    assert got == [("张三", "2026-04", 400, 600), ("张三", "2026-05", 0, 300)]
    assert o.periods("P1-28")[0]["count"] == 2


def test_p1_28_people_without_pay_and_unreadable_roster_rows_are_reported():
    rows = [{**BASE, "cause": "attitude_poor"}, {**BASE, "id": "T2", "person": "李四", "cause": "attitude_poor"}]
    roster = [{"person": "张三", "performance_pay": "很多"}, {"person": "王五", "post": "抄表员"},
              {"person": "李四", "performance_pay": 500, "month": "2026-13"}]
    _, o = deductions(rows, roster)
    notes = [(p["party"], p["role"], p["note"]) for p in o.periods("P1-28")]
    assert notes == [
        ("张三", "roster", "roster row 1: expected a person, performance_pay in yuan (≥ 0) and an optional month like "
                          "2026-03; got '张三', '很多', None: not used"),
        ("李四", "roster", "roster row 3: expected a person, performance_pay in yuan (≥ 0) and an optional month like "
                          "2026-03; got '李四', '500', '2026-13': not used"),
        ("张三", "responsible_person", "no performance pay (月度绩效) in the roster: fines stay the totals per ticket"),
        ("李四", "responsible_person", "no performance pay (月度绩效) in the roster: fines stay the totals per ticket"),
    ]  # 王五's row carries no pay: a row for another rule, not a problem
    assert not o.periods("P1-28", kind="pay_deduction")


def test_p1_28_unit_fines_and_runs_without_a_roster_have_no_schedule():
    falsified = {**BASE, "cause": "attitude_poor", "falsified_reply": "是"}
    got, o = deductions([falsified], [{"person": "张三", "performance_pay": 1000}])
    assert [g[0] for g in got] == ["张三"]  # P1-26's 500 yuan is the unit's, on no one's pay
    assert run([falsified], as_of="2026-12-31T00:00").periods("P1-28") == []


def test_p1_28_a_roster_month_may_be_a_spreadsheet_date():
    from datetime import datetime

    roster = [{"person": "张三", "performance_pay": 100}, {"person": "张三", "month": datetime(2026, 3, 1), "performance_pay": 600}]
    got, _ = deductions([{**BASE, "cause": "attitude_poor"}], roster, period="2026-03")
    assert got == [("张三", "2026-03", 200, 500)]


def test_p1_28_an_inspection_score_fine_is_not_scheduled_with_complaint_fines():
    """第二十八条: "投诉事件处理结果通报后,由人力资源部按照处理结果对责任人的经济处罚在当月绩效中扣除" —
    complaint events only; P4 (优质服务管理及考核办法 四、2) is another document's inspection fine."""
    from tests.power_supply.test_p3_p4 import sheet

    inspection = sheet(15, id="I-05", received_at="2026-05-12 10:00", station_head="张三")  # 85 points: 100 yuan
    complaint = {**BASE, "received_at": "2026-05-06 09:00", "cause": "attitude_poor"}  # 200–500 yuan
    got, o = deductions([inspection, complaint], [{"person": "张三", "performance_pay": 1000}], period="2026-05")
    assert o.consequence("I-05", "P4-4.2")["min"] == 100  # the inspection fine itself stands
    assert got == [("张三", "2026-05", 200, 500)]
    assert o.periods("P1-28", kind="pay_deduction")[0]["count"] == 1
    # A company whose HR collects the inspection fine too says so in pay_deduction_rules.
    o = run([inspection, complaint], roster=[{"person": "张三", "performance_pay": 1000}], period="2026-05",
            params={"power_supply": {"pay_deduction_rules": ["P1-24", "P4-4.2"]}})
    assert [(p["min"], p["max"]) for p in o.periods("P1-28", kind="pay_deduction")] == [(300, 600)]


@pytest.mark.parametrize(
    ("pay", "expected"),
    [
        # 第二十八条 "当月绩效不够扣除时,移至下月在绩效中扣除,直至扣满处理金额为止": without --period every
        # month until the balance is paid, not only the month of the ticket.
        (150, [("张三", "2026-03", 150, 150), ("张三", "2026-04", 50, 150), ("张三", "2026-05", 0, 150),
               ("张三", "2026-06", 0, 50)]),
        (499, [("张三", "2026-03", 200, 499), ("张三", "2026-04", 0, 1)]),
        (500, [("张三", "2026-03", 200, 500)]),
        (501, [("张三", "2026-03", 200, 500)]),
    ],
)
def test_p1_28_without_period_the_schedule_runs_until_the_balance_is_paid(pay, expected):
    got, _ = deductions([{**BASE, "cause": "attitude_poor"}], [{"person": "张三", "performance_pay": pay}], period=None)
    assert got == expected


def test_p1_28_without_period_across_the_year_end_and_with_no_pay_left():
    # December's fine carried into January; a person whose pay is 0 gets one month saying what is still owed.
    got, o = deductions([{**BASE, "received_at": "2026-12-20 09:00", "cause": "attitude_poor"},
                         {**BASE, "id": "T2", "person": "李四", "received_at": "2026-12-20 09:00", "cause": "attitude_poor"}],
                        [{"person": "张三", "performance_pay": 300}, {"person": "李四", "performance_pay": 0}], period=None)
    assert got == [("张三", "2026-12", 200, 300), ("张三", "2027-01", 0, 200), ("李四", "2026-12", 0, 0)]
    assert o.periods("P1-28", party="李四")[0]["note"].endswith("still owed after it: 200–500 yuan")


# -- who pays when the ticket names no one (issue 16 items 5, 6) ---------------------------------------


def test_p1_24_no_person_named_is_a_refer_naming_the_field_never_a_null_party():
    """第二十四条(三)2(1): "因态度冷淡、语言生硬等态度欠佳引发客户不满造成投诉,给予责任人200~500元考核" —
    a person; none named: a refer naming the field."""
    o = outcome(cause="attitude_poor", person="")
    (c,) = o.consequences("T1", "P1-24.3.2.1")
    assert (c["party"], c["role"], c["kind"], c["min"], c["max"]) == ("城区供电所", "responsible_person", "refer", 200, 500)
    assert "field person, 责任人" in c["note"]
    # 第二十五条 doubles it all the same.
    c = outcome(cause="attitude_poor", person="", escalation="media").consequence("T1", "P1-24.3.2.1")
    assert (c["min"], c["max"], c["adjusted_by"]) == (400, 1000, ["P1-25"])


def test_p1_24_4_major_impact_with_no_main_responsible_named_is_referred():
    """第二十四条(四)1(1): "主要责任者给予行政记大过至开除处分,并处以不少于800元的经济处罚"."""
    o = outcome(impact="major", person="", main_responsible="")
    (c,) = o.consequences("T1", "P1-24.4.1", role="main_responsible")
    assert (c["party"], c["kind"], c["min"], c["max"]) == ("城区供电所", "refer", None, None)
    assert "field main_responsible" in c["note"] and "sanction major_demerit–dismissal" in c["note"]


def test_p1_26_and_p1_27_a_ticket_without_unit_is_referred_never_counted_for_a_made_up_unit():
    """第二十七条: "公司市场营销部根据各单位半年内投诉统计情况,按本办法规定提出考核意见" — a ticket
    naming no unit is in no unit's count, and is referred rather than counted for a unit "-"."""
    o = run([{**BASE, "cause": "attitude_poor", "unit": "", "falsified_reply": "是"}, {**BASE, "id": "T2", "cause": "attitude_poor"}],
            as_of="2026-12-31T00:00", period="2026-H1")
    assert [(p["party"], p["count"]) for p in o.periods("P1-27")] == [("城区供电所", 1)]
    c = o.consequence("T1", "P1-27")
    assert (c["party"], c["role"], c["kind"]) == ("T1", "unit", "refer") and "field unit, 责任单位" in c["note"]
    c = o.consequence("T1", "P1-26", role="unit")  # 第二十六条's 500 yuan and criticism of the unit: referred too
    assert (c["party"], c["kind"], c["min"]) == ("T1", "refer", None) and "fine 500; criticism (通报批评)" in c["note"]
    assert all(c["party"] for r in o.results for c in r["consequences"]) and all(p["party"] for p in o.periods())
