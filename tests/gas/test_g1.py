"""G1 燃气有限责任公司投诉考核管理办法: the flow of 第四条 and the penalties of 第五条."""

import random

import pytest

from policy.core.testing import run

BASE = {
    "id": "Q1",
    "received_at": "2026-03-02 09:00",
    "due_at": "2026-03-05 17:00",
    "dispatched_at": "2026-03-02 10:00",
    "contacted_at": "2026-03-02 11:00",
    "resolved_at": "2026-03-04 16:00",
    "replied_at": "2026-03-04 17:00",
    "clerk": "综合部小王",
    "person": "维修班老李",
    "department_manager": "客服部刘经理",
    "department": "客服部",
}


def outcome(*tickets, params=None, **fields):
    return run(list(tickets) or [{**BASE, **fields}], plugins=["gas"], params=params and {"gas": params},
               as_of="2026-04-01T00:00")


def status(o, rule, ticket="Q1"):
    return o.deadline(ticket, rule)["status"]


# -- 第四条: the flow ---------------------------------------------------------------------


@pytest.mark.parametrize(("dispatched", "expected"), [("2026-03-02 11:00", "met"), ("2026-03-02 11:01", "breached")])
def test_g1_4_1_transfer_immediately_means_two_hours_by_default(dispatched, expected):
    o = outcome(dispatched_at=dispatched)
    assert status(o, "G1-4.1") == expected
    assert o.deadline("Q1", "G1-4.1")["limit"] == "2 hours"


def test_g1_4_1_immediately_is_a_company_parameter():
    o = outcome(params={"transfer_hours": 0.5}, dispatched_at="2026-03-02 09:31")
    assert (o.deadline("Q1", "G1-4.1")["due"], status(o, "G1-4.1")) == ("2026-03-02T09:30:00+08:00", "breached")


@pytest.mark.parametrize(("contacted", "expected"), [("2026-03-02 12:00", "met"), ("2026-03-02 12:01", "breached")])
def test_g1_4_2_contact_immediately_after_the_transfer(contacted, expected):
    assert status(outcome(contacted_at=contacted), "G1-4.2") == expected


@pytest.mark.parametrize(("resolved", "expected"), [("2026-03-05 17:00", "met"), ("2026-03-05 17:01", "breached")])
def test_g1_4_3_handled_before_the_tickets_own_due_time_to_the_minute(resolved, expected):
    assert status(outcome(resolved_at=resolved, replied_at=None), "G1-4.3") == expected


def test_g1_4_3_without_a_due_time_is_not_applicable_and_says_why():
    d = outcome(due_at=None).deadline("Q1", "G1-4.3")
    assert (d["status"], d["limit"]) == ("not_applicable", "the ticket carries no due time")


def test_g1_4_3_open_and_overdue():
    o = run([{**BASE, "resolved_at": None, "replied_at": None}], plugins=["gas"], as_of="2026-03-05T17:00")
    assert status(o, "G1-4.3") == "open"
    o = run([{**BASE, "resolved_at": None, "replied_at": None}], plugins=["gas"], as_of="2026-03-05T17:01")
    assert status(o, "G1-4.3") == "overdue"


def test_g1_4_4_revisit_not_assessed_unless_the_company_sets_a_limit():
    assert status(outcome(), "G1-4.4") == "not_applicable"
    # Form returned Friday 2025-09-26; 1 working day runs to Sunday 09-28 (National Day 调休).
    o = outcome(params={"revisit_working_days": 1}, received_at="2025-09-25 09:00", dispatched_at="2025-09-25 09:30",
                contacted_at=None, due_at="2025-09-30 17:00", resolved_at="2025-09-26 15:00",
                replied_at="2025-09-26 16:00", revisited_at="2025-09-29 09:00")
    d = o.deadline("Q1", "G1-4.4")
    assert (d["due"], d["status"]) == ("2025-09-29T00:00:00+08:00", "breached")


# -- 第五条: penalties that follow from the stages -----------------------------------------


def test_no_late_stage_no_fine():
    assert outcome().result("Q1")["consequences"] == []


def test_g1_5_2_late_transfer_that_made_the_ticket_overdue_fines_the_clerk():
    o = outcome(dispatched_at="2026-03-05 16:30", resolved_at="2026-03-06 10:00", replied_at="2026-03-06 11:00")
    c = o.consequence("Q1", "G1-5.2", kind="fine")
    assert (c["party"], c["role"], c["min"], c["max"]) == ("综合部小王", "clerk", 50, 100)
    # The department still got it before the due time, and let it go overdue too (5.5).
    assert len(o.consequences("Q1", "G1-5.5")) == 2


def test_g1_5_5_not_when_the_ticket_reached_the_department_only_after_its_due_time():
    o = outcome(dispatched_at="2026-03-05 17:00", resolved_at="2026-03-06 10:00", replied_at="2026-03-06 11:00")
    assert o.consequence("Q1", "G1-5.2", kind="fine")["party"] == "综合部小王"
    assert not o.consequences("Q1", "G1-5.5")


def test_g1_5_2_late_transfer_alone_is_not_fined():
    o = outcome(dispatched_at="2026-03-02 12:00")
    assert status(o, "G1-4.1") == "breached" and not o.consequences("Q1", "G1-5.2")


def test_g1_5_2_no_timely_reply_after_handling():
    o = outcome(replied_at="2026-03-05 17:01")
    assert status(o, "G1-5.2") == "breached"
    assert o.consequence("Q1", "G1-5.2", kind="fine")["party"] == "综合部小王"


def test_g1_5_2_serious_case_is_also_referred():
    o = outcome(replied_at="2026-03-06 09:00", serious="是")
    assert o.consequence("Q1", "G1-5.2", kind="refer")["party"] == "综合部小王"


def test_g1_5_5_department_let_the_ticket_go_overdue():
    o = outcome(resolved_at="2026-03-05 17:01", replied_at="2026-03-05 18:00")
    got = {(c["party"], c["role"], c["min"], c["max"]) for c in o.consequences("Q1", "G1-5.5")}
    assert got == {("维修班老李", "responsible_person", 100, 500), ("客服部刘经理", "department_manager", 100, 500)}


def test_g1_5_3_internal_cause_with_bad_impact():
    o = outcome(internal_cause="是", bad_impact="是", person="甲;乙")
    got = {(c["party"], c["role"]) for c in o.consequences("Q1", "G1-5.3")}
    assert got == {("客服部刘经理", "department_manager"), ("甲", "responsible_person"), ("乙", "responsible_person")}
    assert not outcome(internal_cause="是", bad_impact="否").consequences("Q1", "G1-5.3")


def test_g1_5_4_second_complaint_on_the_same_matter_doubles_whatever_the_order():
    first = {**BASE, "id": "Q1", "event_key": "小区停气", "internal_cause": "是", "bad_impact": "是"}
    second = {**BASE, "id": "Q2", "event_key": "小区停气", "internal_cause": "是", "bad_impact": "是",
              "received_at": "2026-03-10 09:00", "due_at": "2026-03-12 17:00", "dispatched_at": "2026-03-10 10:00",
              "contacted_at": None, "resolved_at": "2026-03-11 10:00", "replied_at": "2026-03-11 11:00"}
    other = {**second, "id": "Q3", "event_key": "别的事"}
    tickets = [first, second, other]
    for _ in range(3):
        random.shuffle(tickets)
        o = outcome(*tickets)
        assert o.result("Q2")["repeat_of"] == "Q1" and "repeat_of" not in o.result("Q1")
        c = o.consequence("Q2", "G1-5.3", role="department_manager")
        assert (c["min"], c["max"], c["adjusted_by"]) == (200, 1000, ["G1-5.4"])
        assert o.consequence("Q1", "G1-5.3", role="department_manager")["max"] == 500
        assert o.consequence("Q3", "G1-5.3", role="department_manager")["max"] == 500


def test_amounts_are_parameters():
    o = outcome(params={"overdue_fine": [200, 300]}, resolved_at="2026-03-06 09:00", replied_at="2026-03-06 10:00")
    assert o.consequence("Q1", "G1-5.5", role="department_manager")["max"] == 300


# -- 第五条1: monthly department counts ---------------------------------------------------------


def test_g1_5_1_monthly_counts_per_department_and_configured_points():
    tickets = [
        {**BASE, "id": "A"},
        {**BASE, "id": "B", "resolved_at": "2026-03-06 09:00", "replied_at": "2026-03-06 10:00"},
        {**BASE, "id": "C", "department": "管网部", "received_at": "2026-04-01 09:00", "due_at": "2026-04-03 17:00",
         "dispatched_at": "2026-04-01 09:30", "resolved_at": "2026-04-02 09:00", "replied_at": "2026-04-02 10:00"},
    ]
    o = outcome(*tickets)
    got = {(p["party"], p["period"], p["count"]) for p in o.periods("G1-5.1")}
    assert got == {("客服部", "2026-03", 2), ("管网部", "2026-04", 1)}
    assert "1 overdue" in o.periods("G1-5.1", party="客服部")[0]["note"]
    scored = outcome(*tickets, params={"monthly_points_per_complaint": 1, "monthly_points_per_overdue": 2})
    assert "4 points deducted" in scored.periods("G1-5.1", party="客服部")[0]["note"]


# -- who pays when the ticket names no one (issue 16 items 5, 6) ---------------------------------------


def test_g1_5_2_no_clerk_named_is_a_refer_naming_the_field_never_a_null_party():
    """第五条2: "综合管理部接收用户投诉后,应立即进行转办处理,出现无故拖延,导致投诉工单处理逾期的,
    以及工单处理完毕后,未能及时回复,视情况对相关责任人处以50-100元罚款" — a person; none named: refer."""
    o = outcome(clerk="", replied_at="2026-03-05 17:01")
    assert status(o, "G1-5.2") == "breached"
    (c,) = o.consequences("Q1", "G1-5.2")
    assert (c["party"], c["role"], c["kind"], c["min"], c["max"]) == ("综合管理部", "clerk", "refer", 50, 100)
    assert "field clerk, 转办人" in c["note"]
    # A second complaint (第五条4) doubles the figures the assessor is referred to.
    o = outcome({**BASE, "id": "Q0", "event_key": "E", "received_at": "2026-02-02 09:00", "due_at": "2026-02-05 17:00",
                 "dispatched_at": "2026-02-02 10:00", "contacted_at": "2026-02-02 11:00", "resolved_at": "2026-02-04 16:00",
                 "replied_at": "2026-02-04 17:00"},
                {**BASE, "event_key": "E", "clerk": "", "replied_at": "2026-03-05 17:01"})
    assert (o.consequence("Q1", "G1-5.2")["min"], o.consequence("Q1", "G1-5.2")["max"]) == (100, 200)


def test_g1_5_5_no_manager_or_person_named_each_is_a_refer_naming_its_field():
    """第五条5: "对相关责任人及责任部门经理处以100-500元罚款"."""
    o = outcome(person="", department_manager="", resolved_at="2026-03-05 17:01", replied_at="2026-03-05 18:00")
    got = {(c["party"], c["role"], c["kind"], c["min"], c["max"]) for c in o.consequences("Q1", "G1-5.5")}
    assert got == {("客服部", "responsible_person", "refer", 100, 500), ("客服部", "department_manager", "refer", 100, 500)}
    assert all(c["party"] for r in o.results for c in r["consequences"])


def test_g1_5_3_no_manager_named_is_a_refer():
    """第五条3: "部门经理负主要责任,处以100-500元罚款,对相关责任人罚款100-500元"."""
    o = outcome(department_manager="", internal_cause="是", bad_impact="是")
    assert {(c["party"], c["role"], c["kind"]) for c in o.consequences("Q1", "G1-5.3")} == {
        ("客服部", "department_manager", "refer"), ("维修班老李", "responsible_person", "fine")}


def test_g1_5_1_a_ticket_without_department_is_referred_not_counted_for_a_made_up_one():
    """第五条1: "审计督查部对每月用户投诉办理情况进行落实……纳入公司各部门绩效考核成绩" — per department;
    a ticket naming none is in no department's count and says so."""
    o = outcome({**BASE, "id": "Q1", "department": ""}, {**BASE, "id": "Q2"})
    assert [(p["party"], p["count"]) for p in o.periods("G1-5.1")] == [("客服部", 1)]
    c = o.consequence("Q1", "G1-5.1")
    assert (c["party"], c["kind"]) == ("Q1", "refer") and "field department, 责任部门" in c["note"]


# -- readings and their switches ---------------------------------------------------------------------


def test_g1_4_3_exactly_at_the_due_time_and_the_strict_reading():
    """第四条3 "工单到期之前": exactly at the due time is in time by default; strictly before with the switch."""
    assert status(outcome(resolved_at="2026-03-05 17:00", replied_at=None), "G1-4.3") == "met"
    strict = outcome(params={"finished_at_due_in_time": False}, resolved_at="2026-03-05 17:00", replied_at=None)
    assert status(strict, "G1-4.3") == "breached"
    assert status(outcome(params={"finished_at_due_in_time": False}, resolved_at="2026-03-05 16:59", replied_at=None),
                  "G1-4.3") == "met"


def third(n, day):
    return {**BASE, "id": f"R{n}", "event_key": "同一事项", "internal_cause": "是", "bad_impact": "是",
            "received_at": f"2026-03-{day:02d} 09:00", "due_at": f"2026-03-{day + 2:02d} 17:00",
            "dispatched_at": f"2026-03-{day:02d} 10:00", "contacted_at": None, "resolved_at": f"2026-03-{day + 1:02d} 10:00",
            "replied_at": f"2026-03-{day + 1:02d} 11:00"}


def test_g1_5_4_the_third_complaint_is_doubled_too_unless_switched_off():
    """第五条4: "对同一事项发生二次投诉的情况,处以相关责任人及责任部门处以双倍处罚"."""
    tickets = [third(1, 2), third(2, 10), third(3, 20)]
    o = outcome(*tickets)
    assert [o.consequence(t, "G1-5.3", role="department_manager")["max"] for t in ("R1", "R2", "R3")] == [500, 1000, 1000]
    o = outcome(*tickets, params={"repeat_doubles_later": False})
    assert [o.consequence(t, "G1-5.3", role="department_manager")["max"] for t in ("R1", "R2", "R3")] == [500, 1000, 500]
    assert o.result("R3")["repeat_of"] == "R2"  # still a repeat, only not doubled


def test_g1_5_4_the_clerks_fine_is_doubled_unless_switched_off():
    late_reply = {"replied_at": "2026-03-12 17:01"}
    tickets = [third(1, 2), {**third(2, 10), **late_reply}]
    assert outcome(*tickets).consequence("R2", "G1-5.2", kind="fine")["max"] == 200
    c = outcome(*tickets, params={"repeat_doubles_clerk": False}).consequence("R2", "G1-5.2", kind="fine")
    assert (c["max"], c.get("adjusted_by")) == (100, None)
