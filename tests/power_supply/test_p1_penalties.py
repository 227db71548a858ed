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


def test_p1_26_not_without_falsification():
    assert not outcome(cause="work_quality", falsified_reply="否").consequences("T1", "P1-26")


# -- P1-28: fines as totals -------------------------------------------------------------------


def test_p1_28_fines_are_reported_as_the_total_owed_not_split_by_month():
    # 第二十八条 carries fines over monthly pay; without pay data each fine is one total.
    o = outcome(cause="attitude_bad", impact="general")
    fines = o.consequences("T1", kind="fine")
    assert [(c["rule"], c["min"], c["max"]) for c in fines] == [("P1-24.3.2.2", 300, 600)]
