"""P2 行风与服务工作零投诉考核办法 第十条–第十四条: the bonus-month schedule."""

import pytest

from policy.core.testing import run

P2 = {"power_supply": {"schedule": "P2"}}
BASE = {
    "id": "T1",
    "received_at": "2026-03-02 09:00",
    "category": "服务态度",
    "verified": "是",
    "responsible": "是",
    "person": "张三",
    "unit": "城郊供电所",
    "unit_head": "李所长",
    "cause": "attitude_poor",
}


def outcome(*tickets, params=P2, **fields):
    return run(list(tickets) or [{**BASE, **fields}], params=params)


def table(o, rule, ticket="T1"):
    return {(c["party"], c["role"], c["kind"], c["min"], c["max"]) for c in o.consequences(ticket, rule)}


def test_p2_10_1_complaint_reaching_the_company():
    assert table(outcome(escalation="company"), "P2-10.1") == {
        ("张三", "responsible_person", "bonus_months", 6, 6),
        ("李所长", "unit_head", "bonus_months", 3, 3),
    }


def test_p2_10_2_severe_case_at_the_company():
    assert table(outcome(escalation="company", severe="是"), "P2-10.2") == {
        ("张三", "responsible_person", "bonus_months", 12, 12),
        ("张三", "responsible_person", "transfer", None, None),
        ("李所长", "unit_head", "bonus_months", 6, 6),
        ("城郊供电所", "unit", "annual_bonus_withheld_pct", 10, 10),
    }


@pytest.mark.parametrize("escalation", ["city_bureau", "regional_grid", "state_grid", "media"])
def test_p2_10_3_city_bureau_or_above(escalation):
    assert table(outcome(escalation=escalation), "P2-10.3") == {
        ("张三", "responsible_person", "sanction", "probation", "probation"),
        ("李所长", "unit_head", "sanction", "warning", None),
        ("李所长", "unit_head", "bonus_months", 6, 12),
        ("城郊供电所", "unit", "annual_bonus_withheld_pct", 10, 20),
        ("城郊供电所", "unit", "rectification", None, None),
    }


def test_p2_10_3_a_rural_electrician_loses_the_contract_instead():
    o = outcome(escalation="state_grid", rural_electrician="是")
    assert ("张三", "responsible_person", "contract_termination", None, None) in table(o, "P2-10.3")
    assert not o.consequences("T1", "P2-10.3", kind="sanction", role="responsible_person")


def test_p2_no_escalation_no_tier_and_no_p1_fines():
    o = outcome(escalation="none")
    assert o.result("T1")["consequences"] == []


def test_p2_does_not_double_bonus_months():
    c = outcome(escalation="media").consequence("T1", "P2-10.3", kind="bonus_months")
    assert "adjusted_by" not in c


def test_p2_unit_head_not_named_is_a_refer_naming_the_field_never_a_null_party():
    """零投诉办法第十条(一): "扣发直接责任人6个月奖金,扣发单位负责人3个月奖金" — a person; none named: refer."""
    o = outcome(escalation="company", unit_head="")
    c = o.consequence("T1", "P2-10.1", role="unit_head")
    assert (c["party"], c["kind"]) == ("城郊供电所", "refer") and "field unit_head, 单位负责人" in c["note"]
    assert "bonus_months 3" in c["note"]


@pytest.mark.parametrize("case", ["window_harm", "connection_buck_passing"])
def test_p2_11_window_harm_or_buck_passing(case):
    assert table(outcome(p2_case=case), "P2-11") == {
        ("张三", "responsible_person", "bonus_months", 3, 6),
        ("李所长", "unit_head", "bonus_months", 2, 3),
        ("城郊供电所", "unit", "criticism", None, None),
    }


def test_p2_12_window_inspection_needs_no_verification():
    o = outcome(p2_case="window_inspection", verified="否")
    assert table(o, "P2-12") == {
        ("城郊供电所", "unit", "annual_bonus_withheld_pct", 10, 10),
        ("城郊供电所", "unit", "rectification", None, None),
        ("李所长", "unit_head", "refer", None, None),
    }


def test_p2_13_conduct_inspection_first_and_repeated():
    first = outcome(p2_case="conduct_inspection")
    assert table(first, "P2-13") == {("张三", "responsible_person", "rectification", None, None)}
    repeat = outcome(p2_case="conduct_inspection_repeat")
    assert table(repeat, "P2-13") == {
        ("张三", "responsible_person", "transfer", None, None),
        ("张三", "responsible_person", "criticism", None, None),
    }


def test_p2_figures_are_parameters():
    o = outcome(params={"power_supply": {"schedule": "P2", "p2_company_person_bonus_months": 4}},
                **{**BASE, "escalation": "company"})
    assert ("张三", "responsible_person", "bonus_months", 4, 4) in table(o, "P2-10.1")


def test_p2_14_one_vote_veto_per_unit_per_year():
    tickets = [
        {**BASE, "id": "A", "escalation": "company", "received_at": "2026-02-01 09:00"},
        {**BASE, "id": "B", "escalation": "state_grid", "received_at": "2026-11-01 09:00"},
        {**BASE, "id": "C", "escalation": "none", "unit": "城关供电所"},
        {**BASE, "id": "D", "escalation": "company", "unit": "城南供电所", "verified": "否"},
        {**BASE, "id": "E", "escalation": "company", "unit": "城北供电所", "received_at": "2025-12-31 23:59"},
    ]
    o = outcome(*tickets)
    got = {(p["party"], p["period"], p["kind"], p["count"]) for p in o.periods("P2-14")}
    assert got == {("城郊供电所", "2026", "award_ineligible", 2), ("城北供电所", "2025", "award_ineligible", 1)}
    assert not o.periods("P1-27")  # the P1 half-year assessment belongs to the P1 schedule
