"""W1 水务集团实施意见: per incident, over months and years, service stars, appeals."""

import pytest

from policy.core.testing import run

N = 0


def incident(kind="attitude_complaint", at="2026-03-02 09:00", **more):
    global N
    N += 1
    base = {"id": f"W{N}", "received_at": at, "incident_kind": kind, "person": "客代小张", "post": "customer_representative",
            "section": "三科", "department": "营销部", "section_head": "三科长"}
    return {**base, **more}


def outcome(*records, params=None, period=None, roster=()):
    return run(list(records), plugins=["water"], params=params and {"water": params}, period=period, roster=roster,
               as_of="2026-12-31T00:00")


def kinds(o, rule, **match):
    return {(p["party"], p["kind"], p["period"]) for p in o.periods(rule, **match)}


# -- per incident -------------------------------------------------------------------------------


def test_w1_5_2_1a_each_attitude_complaint_or_12345_costs_the_person_500():
    o = outcome(incident(id="A"), incident("hotline_12345_dissatisfied", id="B"), incident("internal_exposure", id="C"))
    for ticket in ("A", "B"):
        c = o.consequence(ticket, "W1-5.2.1a")
        assert (c["party"], c["kind"], c["min"]) == ("客代小张", "fine", 500)
    assert o.consequences("C") == []  # an exposure has no per-incident fine
    assert o.result("A")["category"] == "attitude_complaint"


def test_w1_5_2_1c_no_person_the_section_head():
    c = outcome(incident(id="A", person="")).consequence("A", "W1-5.2.1c")
    assert (c["party"], c["role"], c["min"]) == ("三科长", "section_head", 500)


def test_w1_5_2_1d_no_section_the_department_leaders_each():
    o = outcome(incident(id="A", person="", section="", department_head="王部长", department_deputy="李副部长"))
    assert {(c["party"], c["role"], c["min"]) for c in o.consequences("A", "W1-5.2.1d")} == {
        ("王部长", "department_head", 500), ("李副部长", "department_deputy", 500)}


def test_incident_kind_is_required():
    assert outcome(incident(kind=None, id="A")).error("A")["field"] == "incident_kind"


# -- the person's year (W1-5.2.1b) -----------------------------------------------------------------------


def test_w1_5_2_1b_one_in_a_year_nothing_two_pooled_attitude_and_exposure():
    one = outcome(incident())
    assert one.periods("W1-5.2.1b") == []
    two = outcome(incident(at="2026-01-05 09:00"), incident("internal_exposure", at="2026-11-05 09:00"))
    assert kinds(two, "W1-5.2.1b") == {("客代小张", "annual_bonus_paid_pct", "2026"), ("客代小张", "rating_cap", "2026")}
    assert two.periods("W1-5.2.1b", kind="annual_bonus_paid_pct")[0]["min"] == 80


def test_w1_5_2_1b_kinds_that_must_not_pool_and_the_pooling_parameter():
    mixed = [incident(at="2026-01-05 09:00"), incident("hotline_12345_dissatisfied", at="2026-02-05 09:00")]
    assert outcome(*mixed).periods("W1-5.2.1b") == []
    assert outcome(*mixed, params={"pool_all_kinds": True}).periods("W1-5.2.1b") != []
    two_12345 = [incident("hotline_12345_dissatisfied", at=f"2026-0{m}-05 09:00") for m in (1, 2)]
    assert outcome(*two_12345).periods("W1-5.2.1b") != []


def test_w1_5_2_1b_across_years_does_not_add_up():
    o = outcome(incident(at="2025-12-31 23:59"), incident(at="2026-01-01 00:00"))
    assert o.periods("W1-5.2.1b") == []


def test_w1_5_2_1b_outsourced_staff_are_dismissed_instead():
    o = outcome(incident(outsourced="是"), incident(outsourced="是", at="2026-05-01 09:00"))
    assert kinds(o, "W1-5.2.1b") == {("客代小张", "dismissal", "2026"), ("客代小张", "rating_cap", "2026")}


# -- the section's month and year (W1-5.2.2a/b) ---------------------------------------------------------


def test_w1_5_2_2a_one_and_two_in_a_month():
    assert outcome(incident(person="甲")).periods("W1-5.2.2a") == []
    o = outcome(incident(person="甲"), incident(person="乙", at="2026-03-31 23:59"))
    p = o.periods("W1-5.2.2a")
    assert [(x["party"], x["role"], x["kind"], x["min"], x["period"], x["count"]) for x in p] == [
        ("三科长", "section_head", "fine", 1000, "2026-03", 2)]


def test_w1_5_2_2a_two_of_different_kinds_in_a_month_is_not_a_bad_month():
    o = outcome(incident(person="甲"), incident("hotline_12345_dissatisfied", person="乙"))
    assert o.periods("W1-5.2.2a") == []


@pytest.mark.parametrize(("bad_months", "expected"), [(2, False), (3, True)])
def test_w1_5_2_2b_two_and_three_bad_months(bad_months, expected):
    records = [incident(person=f"人{m}{i}", at=f"2026-{m:02d}-10 09:00") for m in range(1, bad_months + 1) for i in (1, 2)]
    o = outcome(*records)
    assert len(o.periods("W1-5.2.2a")) == bad_months
    assert bool(o.periods("W1-5.2.2b")) is expected


def test_w1_5_2_2a_the_fine_falls_on_the_head_the_months_tickets_name():
    """五(二)2: "各科所月度内出现2件服务态度投诉……扣减责任科、所负责人当月绩效1000元" — a person, not the section."""
    o = outcome(incident(person="甲", section_head="陈科长"), incident(person="乙", section_head="陈科长"),
                incident(person="丙", at="2026-04-02 09:00", section_head="林科长"),
                incident(person="丁", at="2026-04-03 09:00", section_head="林科长"))
    assert kinds(o, "W1-5.2.2a") == {("陈科长", "fine", "2026-03"), ("林科长", "fine", "2026-04")}
    assert {x["role"] for x in o.periods("W1-5.2.2a")} == {"section_head"}


def test_w1_5_2_2a_no_head_named_the_section_with_the_missing_field():
    o = outcome(incident(person="甲", section_head=""), incident(person="乙", section_head=""))
    (item,) = o.periods("W1-5.2.2a")
    assert (item["party"], item["kind"], item["min"]) == ("三科", "fine", 1000)
    assert "section_head" in item["note"] and "科所负责人" in item["note"]


def test_w1_5_2_2a_two_heads_named_in_one_month_are_referred_not_charged_twice():
    o = outcome(incident(person="甲", section_head="陈科长"), incident(person="乙", section_head="林科长"))
    (item,) = o.periods("W1-5.2.2a")
    assert (item["party"], item["kind"]) == ("三科", "refer") and "陈科长" in item["note"] and "林科长" in item["note"]


def bad_month(m, head):
    return [incident(person=f"人{m}{i}", at=f"2026-{m:02d}-10 09:00", section_head=head) for i in (1, 2)]


def test_w1_5_2_2b_each_head_is_assessed_for_the_months_they_headed():
    """五(二)2: "本科所年内累计3个月出现上述违规,责任科所负责人年终绩效奖金按80%发放,且不得评为年度"称职"及以上等级"."""
    o = outcome(*bad_month(1, "陈科长"), *bad_month(2, "陈科长"), *bad_month(3, "陈科长"), *bad_month(9, "林科长"))
    assert kinds(o, "W1-5.2.2b") == {("陈科长", "annual_bonus_paid_pct", "2026"), ("陈科长", "rating_cap", "2026")}
    assert o.periods("W1-5.2.2b", kind="annual_bonus_paid_pct")[0]["count"] == 3


def test_w1_5_2_2b_three_bad_months_split_between_two_heads_are_referred():
    o = outcome(*bad_month(1, "陈科长"), *bad_month(2, "陈科长"), *bad_month(7, "林科长"))
    (item,) = o.periods("W1-5.2.2b")
    assert (item["party"], item["kind"], item["count"]) == ("三科", "refer", 3)
    assert "陈科长: 2026-01, 2026-02" in item["note"] and "林科长: 2026-07" in item["note"]


def test_w1_5_2_2b_no_head_named_the_section_with_the_missing_field():
    o = outcome(*bad_month(1, ""), *bad_month(2, ""), *bad_month(3, ""))
    assert kinds(o, "W1-5.2.2b") == {("三科", "annual_bonus_paid_pct", "2026"), ("三科", "rating_cap", "2026")}
    assert all("section_head" in x["note"] for x in o.periods("W1-5.2.2b"))


# -- the department's year (W1-5.2.3) ------------------------------------------------------------------


@pytest.mark.parametrize(("count", "expected"), [(4, False), (5, True)])
def test_w1_5_2_3_four_and_five_in_a_department(count, expected):
    records = [incident("internal_exposure", person=f"人{i}", section=f"{i}科", at=f"2026-{i + 1:02d}-10 09:00")
               for i in range(count)]
    o = outcome(*records)
    assert bool(o.periods("W1-5.2.3")) is expected
    if expected:
        assert kinds(o, "W1-5.2.3") == {("营销部", "refer", "2026"), ("营销部", "award_ineligible", "2026")}


def five_exposures(**leaders):
    return [incident("internal_exposure", person=f"人{i}", section=f"{i}科", at=f"2026-{i + 1:02d}-10 09:00", **leaders)
            for i in range(5)]


def test_w1_5_2_3_each_named_leader_gets_their_own_consequence():
    """五(二)3: "部门党政负责人及分管副职年终绩效奖金按80%发放;部门党政负责人及分管副职年度不得评为"优秀"等级"."""
    o = outcome(*five_exposures(department_head="王部长;赵书记", department_deputy="李副部长"))
    assert {(x["party"], x["role"], x["kind"], x["min"]) for x in o.periods("W1-5.2.3")} == {
        ("王部长", "department_head", "annual_bonus_paid_pct", 80), ("王部长", "department_head", "rating_cap", None),
        ("赵书记", "department_head", "annual_bonus_paid_pct", 80), ("赵书记", "department_head", "rating_cap", None),
        ("李副部长", "department_deputy", "annual_bonus_paid_pct", 80), ("李副部长", "department_deputy", "rating_cap", None),
        ("营销部", "department", "award_ineligible", None)}


def test_w1_5_2_3_a_leader_no_ticket_names_is_a_refer_naming_the_field():
    o = outcome(*five_exposures(department_head="王部长"))
    (refer,) = o.periods("W1-5.2.3", kind="refer")
    assert (refer["party"], refer["role"]) == ("营销部", "department_deputy") and "field department_deputy" in refer["note"]
    assert {x["party"] for x in o.periods("W1-5.2.3", role="department_head")} == {"王部长"}


# -- appeals (W1-6.2) and the ticket's own limit (W1-6.1) ----------------------------------------------------


def appealed(**more):
    return incident(id="A", dispatched_at="2026-03-06 10:00", appeal_ground="untrue", appeal_verified="是", **more)


@pytest.mark.parametrize(("filed", "status"), [("2026-03-10 23:59", "accepted"), ("2026-03-11 00:01", "refused")])
def test_w1_6_2_two_working_days_across_a_weekend(filed, status):
    # Received by the department Friday 03-06: Monday and Tuesday are the 2 working days.
    o = outcome(appealed(appeal_filed_at=filed))
    assert o.result("A")["appeal"]["status"] == status


def test_w1_6_2_accepted_appeal_leaves_every_count():
    o = outcome(appealed(appeal_filed_at="2026-03-09 10:00"), incident(person="甲", at="2026-03-20 09:00"))
    assert o.consequences("A") == []
    assert o.periods("W1-5.2.2a") == []  # one counted incident left in March


def test_w1_6_2_12345_and_media_need_the_principal_leaders_approval():
    o = outcome(appealed(appeal_filed_at="2026-03-09 10:00", channel="hotline_12345"))
    assert "principal leader" in o.result("A")["appeal"]["reason"]
    o = outcome(appealed(appeal_filed_at="2026-03-09 10:00", channel="media", appeal_approved="是"))
    assert o.result("A")["appeal"]["status"] == "accepted"
    o = outcome(incident(id="A", dispatched_at="2026-03-06 10:00", appeal_ground="malicious", appeal_filed_at="2026-03-09 10:00"))
    assert "customer service centre" in o.result("A")["appeal"]["reason"]


def test_w1_6_1_completed_within_the_tickets_own_limit():
    o = outcome(incident(id="A", due_at="2026-03-05 17:00", resolved_at="2026-03-05 17:01"))
    assert o.deadline("A", "W1-6.1")["status"] == "breached"


def test_w1_6_3_business_environment_violation_is_referred():
    assert outcome(incident(id="A", business_violation="是")).consequence("A", "W1-6.3")["kind"] == "refer"


# -- exam, 委屈奖 --------------------------------------------------------------------------------------


def test_w1_5_1_exam_retake_failed_caps_the_rating_and_5_4_grievance_award():
    o = outcome({"id": "E1", "record_type": "exam_result", "received_at": "2026-07-15", "person": "小刘", "exam_retake_failed": "是"},
                {"id": "E2", "record_type": "exam_result", "received_at": "2026-07-15", "person": "小王", "exam_retake_failed": "否"},
                {"id": "G1", "record_type": "委屈奖", "received_at": "2026-07-20", "person": "小赵", "award_amount": 800})
    assert o.consequence("E1", "W1-5.1")["kind"] == "rating_cap" and o.consequences("E2") == []
    assert (o.consequence("G1", "W1-5.4")["kind"], o.consequence("G1", "W1-5.4")["min"]) == ("reward", 800)
    assert o.periods("W1-5.2.2a") == []  # none of these is an incident


# -- service stars (W1-5.3) ---------------------------------------------------------------------------------

ROSTER = [
    {"person": "客代小张", "post": "客户代表", "section": "三科", "department": "营销部"},
    {"person": "催欠员小李", "post": "collector", "section": "三科", "department": "营销部"},
    *({"person": f"坐席{i}", "post": "hall_agent", "section": "一科", "department": "营销部"} for i in range(8)),
    {"person": "主管老周", "post": "supervisor", "section": "三科", "department": "营销部"},
]


def test_w1_5_3_1_quarterly_star_eligibility_places_and_amounts():
    o = outcome(incident(person="坐席0", at="2026-02-10 09:00"), incident(person="坐席9", at="2026-06-30 09:00"),
                period="2026-Q1", roster=ROSTER)
    stars = {p["party"]: p for p in o.periods("W1-5.3.1")}
    assert "坐席0" not in stars and stars["客代小张"]["min"] == 1000 and stars["催欠员小李"]["min"] == 500
    # 11 on the roster, fewer than 5 section-level: the supervisor competes with them; 20% of 11 = 2 places.
    assert "may recommend 2 of its 11" in stars["客代小张"]["note"]
    assert o.periods("W1-5.3.3", party="主管老周")[0]["min"] == 1000


def test_w1_5_3_2_annual_star_needs_six_consecutive_clean_months():
    records = [incident(person="坐席1", at="2026-04-10 09:00"), incident(person="坐席1", at="2026-09-10 09:00"),
               incident(person="坐席2", at="2026-07-10 09:00"), incident(person="坐席9", at="2026-12-10 09:00")]
    o = outcome(*records, period="2026", roster=ROSTER)
    annual = {p["party"] for p in o.periods("W1-5.3.2")}
    assert "坐席1" not in annual  # clean runs of 4 and 3 months only
    assert "坐席2" in annual  # January to June
    assert o.periods("W1-5.3.2", party="客代小张")[0]["min"] == 2000


def test_w1_5_3_4_false_report_loses_the_selection():
    o = outcome(incident(person="坐席9", at="2026-03-10 09:00"),
                {"id": "F1", "record_type": "false_report", "received_at": "2026-03-20", "department": "营销部"},
                period="2026-Q1", roster=ROSTER)
    assert o.periods("W1-5.3.1") == []
    assert kinds(o, "W1-5.3.4") == {("营销部", "award_ineligible", "2026-Q1")}


def test_a_bad_roster_row_is_reported():
    o = outcome(incident(at="2026-03-10 09:00"), period="2026-Q1", roster=[{"person": "谁", "post": "司机", "department": "营销部"}])
    assert "not a service post" in o.periods("W1-5.3.1", party="谁")[0]["note"]


def test_period_2026_assesses_months_quarters_and_the_year_results_unchanged():
    records = [incident(person="甲", at="2026-03-02 09:00"), incident(person="乙", at="2026-03-03 09:00")]
    whole, march, april = outcome(*records, period="2026"), outcome(*records, period="2026-03"), outcome(*records, period="2026-04")
    assert whole.results == march.results == april.results
    assert kinds(march, "W1-5.2.2a") == {("三科长", "fine", "2026-03")} and april.periods("W1-5.2.2a") == []


# -- who pays when the ticket names no one (issue 16 items 5, 6) ------------------------------------------


def test_w1_5_2_1d_no_leader_named_each_role_is_a_refer_naming_its_field():
    """五(二)1: "无法认定科所的由本部门负责,每件次扣减部门主要领导和分管领导当月绩效工资各500元"."""
    o = outcome(incident(id="A", person="", section="", section_head=""))
    got = {(c["party"], c["role"], c["kind"], c["min"]) for c in o.consequences("A", "W1-5.2.1d")}
    assert got == {("营销部", "department_head", "refer", 500), ("营销部", "department_deputy", "refer", 500)}
    assert {c["note"].split(":")[0] for c in o.consequences("A", "W1-5.2.1d")} == {
        "no department_head named (field department_head, 部门主要领导)", "no department_deputy named (field department_deputy, 分管领导)"}


def test_w1_5_2_1c_no_head_named_the_section_with_the_missing_field():
    """五(二)1: "无法认定具体责任人的,责任科所负责人(主管)负责,每件次扣减科所长(主管)当月绩效工资500元"."""
    c = outcome(incident(id="A", person="", section_head="")).consequence("A", "W1-5.2.1c")
    assert (c["party"], c["kind"], c["min"]) == ("三科", "fine", 500) and "field section_head, 科所负责人" in c["note"]


def test_w1_no_person_or_department_named_is_never_a_null_party():
    o = outcome({"id": "E1", "record_type": "exam_result", "received_at": "2026-07-15", "department": "营销部", "exam_retake_failed": "是"},
                incident(id="A", department="", business_violation="是"),
                {"id": "F1", "record_type": "false_report", "received_at": "2026-03-20"})
    c = o.consequence("E1", "W1-5.1")
    assert (c["party"], c["kind"]) == ("营销部", "refer") and "field person, 责任人" in c["note"]
    c = o.consequence("A", "W1-6.3")
    assert (c["party"], c["kind"]) == ("A", "refer") and "field department, 部门" in c["note"]
    c = o.consequence("A", "W1-5.2.3")  # in no department's year count, and says so
    assert (c["party"], c["kind"]) == ("A", "refer") and "no department's year count" in c["note"]
    assert o.error("F1")["field"] == "department"  # a false report must name the department
    assert all(c["party"] for r in o.results for c in r["consequences"]) and all(p["party"] for p in o.periods())


def test_w1_5_2_3_a_ticket_without_department_is_not_counted_for_a_made_up_one():
    """五(二)3: "年内本部门累计出现5件及以上……" — counted per department; a ticket naming none is
    referred with the ticket, never counted for a department None."""
    records = [incident("internal_exposure", person=f"人{i}", section=f"{i}科", department="", at=f"2026-{i + 1:02d}-10 09:00")
               for i in range(5)]
    o = outcome(*records)
    assert o.periods("W1-5.2.3") == []
    assert len([r for r in o.results if o.consequences(r["id"], "W1-5.2.3")]) == 5
