"""A1 客户投诉管理和考核办法 and its attachment 客户投诉等级认定标准(试行)."""

import random

import pytest

from policy.core.testing import run

BASE = {"id": "J1", "received_at": "2026-03-02 09:00", "person": "值机员小陈", "department": "地面服务公司"}


def outcome(*tickets, params=None, as_of="2026-06-30T00:00", **fields):
    return run(list(tickets) or [{**BASE, **fields}], plugins=["airport"], params=params and {"airport": params}, as_of=as_of)


def grade(**fields):
    r = outcome(**fields).result("J1")
    return r["grade"], r["classified_by"]


# -- the attachment's criteria, highest wins ---------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "rule"),
    [("authority_sanction", "A1-att3.1.1"), ("media_report", "A1-att3.1.2"),
     ("fight_or_insult", "A1-att3.1.3"), ("fraud_or_theft", "A1-att3.1.4")],
)
def test_class_1_criteria(flag, rule):
    assert grade(**{flag: "是"}) == ("class_1", [rule])


@pytest.mark.parametrize(
    ("flag", "rule"),
    [("flight_delay", "A1-att3.2.1"), ("procedure_breach", "A1-att3.2.3"), ("rude_or_cold", "A1-att3.2.4")],
)
def test_class_2_criteria(flag, rule):
    assert grade(**{flag: "是"}) == ("class_2", [rule])


@pytest.mark.parametrize(
    ("compensation", "expected"),
    [("4999.99", ("class_2", ["A1-att3.2.2"])), ("5000", ("class_2", ["A1-att3.2.2"])),
     ("5000.01", ("class_1", ["A1-att3.1.5"])), ("0", ("grumble", ["A1-3.5"]))],
)
def test_the_5000_yuan_boundary(compensation, expected):
    assert grade(compensation=compensation) == expected


def test_threshold_is_a_parameter():
    assert outcome(params={"compensation_threshold": 3000}, compensation=4000).result("J1")["grade"] == "class_1"


def test_highest_grade_wins_and_every_criterion_met_is_cited():
    assert grade(rude_or_cold="是", fight_or_insult="是", compensation=100) == ("class_1", ["A1-att3.1.3"])
    assert grade(rude_or_cold="是", flight_delay="是") == ("class_2", ["A1-att3.2.1", "A1-att3.2.4"])


def test_no_criterion_or_no_specific_target_is_a_grumble():
    assert grade() == ("grumble", ["A1-3.5"])
    g, rules = grade(rude_or_cold="是", named_target="否")
    assert (g, rules) == ("grumble", ["A1-3.5"])


# -- repeats within three months (民法典 第二百零二条) ------------------------------------------


def pair(first_at, second_at, **more):
    first = {**BASE, "id": "J1", "received_at": first_at, "event_key": "行李破损", "rude_or_cold": "是", **more}
    second = {**first, "id": "J2", "received_at": second_at}
    return first, second


@pytest.mark.parametrize(
    ("second_at", "is_repeat"),
    [("2026-04-15 23:59", True), ("2026-04-16 00:00", False)],
)
def test_att3_1_6_repeat_on_the_last_day_of_three_months_and_the_day_after(second_at, is_repeat):
    o = outcome(*pair("2026-01-15 10:00", second_at))
    r = o.result("J2")
    if is_repeat:
        assert (r["grade"], r["repeat_of"]) == ("class_1", "J1")
        assert r["classified_by"][0] == "A1-att3.1.6" and "A1-3.2" in r["classified_by"]
    else:
        assert r["grade"] == "class_2" and "repeat_of" not in r
    assert o.result("J1")["grade"] == "class_2"


def test_att3_1_6_month_end_without_a_corresponding_day():
    # From 2025-11-30 the three months end on 2026-02-28, the last day of February.
    assert outcome(*pair("2025-11-30 10:00", "2026-02-28 20:00")).result("J2")["grade"] == "class_1"
    assert outcome(*pair("2025-11-30 10:00", "2026-03-01 08:00")).result("J2")["grade"] == "class_2"


def test_a_grumble_repeat_is_a_second_complaint_but_not_class_1():
    first = {**BASE, "id": "J1", "event_key": "广播太吵"}
    second = {**first, "id": "J2", "received_at": "2026-03-20 09:00"}
    r = outcome(first, second).result("J2")
    assert (r["grade"], r["repeat_of"], r["classified_by"]) == ("grumble", "J1", ["A1-3.5", "A1-3.2"])


def test_repeats_do_not_depend_on_input_order():
    tickets = [
        {**BASE, "id": f"J{i}", "received_at": f"2026-03-{i + 1:02d} 09:00", "event_key": "安检排队", "procedure_breach": "是"}
        for i in range(1, 5)
    ]
    expected = outcome(*tickets).results
    for _ in range(4):
        random.shuffle(tickets)
        got = outcome(*tickets).results
        assert sorted(got, key=lambda r: r["id"]) == sorted(expected, key=lambda r: r["id"])
    by_id = {r["id"]: r for r in expected}
    assert by_id["J1"]["grade"] == "class_2" and [by_id[f"J{i}"]["repeat_of"] for i in (2, 3, 4)] == ["J1", "J2", "J3"]


# -- time limits 7.1, 7.2 ---------------------------------------------------------------------------


def test_7_1a_form_within_one_working_day_across_national_day_2025():
    # Received Saturday 2025-09-27: the next working day is Sunday 09-28 (调休上班).
    o = outcome(received_at="2025-09-27 10:00", fight_or_insult="是", form_issued_at="2025-09-28 23:59", as_of="2025-12-31T00:00")
    d = o.deadline("J1", "A1-7.1a")
    assert (d["due"], d["status"]) == ("2025-09-29T00:00:00+08:00", "met")


@pytest.mark.parametrize(("resolved", "status"), [("2026-03-06 00:00", "met"), ("2026-03-06 00:01", "breached")])
def test_7_1b_class_1_handled_within_three_working_days_to_the_minute(resolved, status):
    o = outcome(fight_or_insult="是", form_issued_at="2026-03-02 15:00", form_received_at="2026-03-02 16:00", resolved_at=resolved)
    d = o.deadline("J1", "A1-7.1b")
    assert (d["due"], d["status"]) == ("2026-03-06T00:00:00+08:00", status)


def test_7_1b_extension_given_within_the_limit():
    o = outcome(fight_or_insult="是", form_received_at="2026-03-02 16:00", resolved_at="2026-03-09 10:00",
                extended_until="2026-03-10 00:00")
    d = o.deadline("J1", "A1-7.1b")
    assert (d["status"], d.get("extended")) == ("met", True)


def test_7_2_class_2_limits_and_no_extension():
    o = outcome(rude_or_cold="是", form_issued_at="2026-03-03 23:59", form_received_at="2026-03-04 09:00",
                resolved_at="2026-03-07 10:00", extended_until="2026-03-10 00:00")
    assert o.deadline("J1", "A1-7.2a")["status"] == "met"
    d = o.deadline("J1", "A1-7.2b")
    assert (d["due"], d["status"]) == ("2026-03-07T00:00:00+08:00", "breached")  # Wed 03-04 + 2 working days


def test_a_grumble_has_no_time_limit():
    assert outcome().result("J1")["deadlines"] == []


# -- appeals 8.1, 8.2 -----------------------------------------------------------------------------


@pytest.mark.parametrize(("filed", "status"), [("2026-03-03 23:59", "accepted"), ("2026-03-04 00:01", "refused")])
def test_8_1_not_our_business_within_one_working_day(filed, status):
    o = outcome(rude_or_cold="是", form_received_at="2026-03-02 16:00", appeal_ground="not_our_remit", appeal_filed_at=filed)
    assert o.result("J1")["appeal"]["status"] == status
    assert bool(o.consequences("J1", "A1-10")) is (status == "refused")


def test_8_2_needs_its_evidence():
    fields = dict(rude_or_cold="是", form_received_at="2026-03-02 16:00", appeal_ground="contradicts_facts",
                  appeal_filed_at="2026-03-03 10:00")
    assert outcome(**fields, appeal_evidence="否").result("J1")["appeal"]["status"] == "refused"
    accepted = outcome(**fields, appeal_evidence="是")
    assert (accepted.result("J1")["appeal"]["status"], accepted.result("J1")["appeal"]["rule"]) == ("accepted", "A1-8.2")
    assert accepted.consequences("J1", "A1-10") == []


# -- assessment 10 and statistics 9 -----------------------------------------------------------------


def test_10_class_1_and_class_2_are_referred_to_the_committee_with_configured_amounts():
    c = outcome(fight_or_insult="是").consequence("J1", "A1-10")
    assert (c["party"], c["kind"], c["min"], c["max"]) == ("值机员小陈", "refer", None, None)
    c = outcome(params={"class_2_amount": [200, 500]}, rude_or_cold="是").consequence("J1", "A1-10")
    assert (c["min"], c["max"]) == (200, 500)
    assert outcome().consequences("J1") == []  # a grumble carries no consequence


def test_9_monthly_counts_by_grade():
    tickets = [
        {**BASE, "id": "A", "fight_or_insult": "是"},
        {**BASE, "id": "B", "rude_or_cold": "是"},
        {**BASE, "id": "C"},
        {**BASE, "id": "D", "received_at": "2026-04-01 09:00"},
    ]
    got = {(p["period"], p["note"].split(" ")[1], p["count"]) for p in outcome(*tickets).periods("A1-9")}
    assert got == {("2026-03", "一类投诉", 1), ("2026-03", "二类投诉", 1), ("2026-03", "一般性抱怨", 1),
                   ("2026-04", "一般性抱怨", 1)}


# -- 8.1 across a holiday; who pays when the ticket names no one (issue 16) ------------------------------


@pytest.mark.parametrize(
    ("filed", "status"),
    [("2026-05-03 10:00", "accepted"),  # during the holiday
     ("2026-05-06 23:59", "accepted"),  # the one working day: Wednesday, after 劳动节 05-01..05-05
     ("2026-05-07 00:00", "accepted"),  # exactly at the limit: 24:00 of 05-06, written 00:00 of 05-07
     ("2026-05-07 00:01", "refused"),
     ("2026-05-07 10:00", "refused")],  # one working day late
)
def test_8_1_not_this_departments_business_one_working_day_across_labour_day(filed, status):
    """8.1: "当确认所收到的客户投诉处理单中列举被投诉事件不属于本部门事务时,应当及时向质量平安部提出申诉
    并在一个工作日内将客户投诉处理单转回质量平安部" (the seed's 质量平安部 is 质量安全部) — form received
    Thursday 2026-04-30."""
    o = outcome(rude_or_cold="是", form_received_at="2026-04-30 16:00", appeal_ground="not_our_remit", appeal_filed_at=filed)
    appeal = o.result("J1")["appeal"]
    assert (appeal["rule"], appeal["status"]) == ("A1-8.1", status)
    if status == "accepted":
        assert "goes back to the quality department" in appeal["reason"] and o.consequences("J1", "A1-10") == []
    else:
        assert "2026-05-07T00:00:00+08:00" in appeal["reason"] and o.consequences("J1", "A1-10") != []


def test_10_no_person_named_is_a_refer_to_the_department_naming_the_field():
    """10: class 1 and class 2 complaints go to the performance assessment committee for the person
    responsible; a ticket naming none is referred to its department, saying the field is missing."""
    c = outcome(fight_or_insult="是", person="").consequence("J1", "A1-10")
    assert (c["party"], c["kind"]) == ("地面服务公司", "refer") and "field person, 责任人" in c["note"]


def test_9_the_statistics_are_the_quality_departments_never_a_null_party():
    """9: "质量平安部每月对本集团发生的投诉、抱怨事件进行统计" (质量安全部, as the regulation names it)."""
    assert {(p["party"], p["role"]) for p in outcome().periods("A1-9")} == {("质量安全部", "quality_department")}
