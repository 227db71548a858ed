"""P1 as declarations (plugins/power_supply/p1.py): the consequence list keeps the order the
hand-written hooks gave it, P1-25 doubles what comes before it, and the P3 broken-commitment
referral (P1-24.2) sits between 第二十四条 and 第二十六条."""

from policy.core.testing import run

TICKET = {"id": "T1", "received_at": "2026-03-02 09:00", "category": "报装接电", "verified": "是", "responsible": "是",
          "person": "朱六", "unit": "城东供电所", "cause": "attitude_poor", "falsified_reply": "是", "escalation": "media",
          # P3-4.11: accepted Monday 03-02, 3 working days → due 03-06 00:00; connected 03-06 10:00: broken.
          "request_kind": "resident_connection", "request_started_at": "2026-03-02 10:00",
          "request_done_at": "2026-03-06 10:00"}


def _list(o):
    return [(c["rule"], c["role"], c["kind"], c["min"], c["max"], c.get("adjusted_by", [])) for c in o.result("T1")["consequences"]]


def test_the_p3_referral_comes_after_article_24_before_article_26_and_p1_25_doubles_all_of_them():
    o = run([TICKET], params={"power_supply": {"ten_commitments_fine": [100, 300]}}, as_of="2026-04-30T00:00")
    assert _list(o) == [
        ("P1-24.3.2.1", "responsible_person", "fine", 400, 1000, ["P1-25"]),
        ("P1-24.2", "responsible_person", "refer", 200, 600, ["P1-25"]),
        ("P1-26", "unit", "fine", 1000, 1000, ["P1-25"]),
        ("P1-26", "unit", "criticism", None, None, []),
        ("P1-26", "unit_head", "refer", None, None, []),  # no head named: a refer naming the field
    ]
    assert "P3-4.11 broken" in o.consequence("T1", "P1-24.2")["note"]


def test_a_complaint_inside_the_company_is_not_doubled_and_the_cause_s_own_referral_is_not_repeated():
    o = run([{**TICKET, "escalation": "company", "cause": "ten_commitments", "falsified_reply": "否"}], as_of="2026-04-30T00:00")
    (refer,) = o.consequences("T1", "P1-24.2")
    assert refer["note"].startswith("assess under 渝电营[2005]15号")  # the cause's, not the commitment's
    assert (refer["min"], refer.get("adjusted_by")) == (None, None)


def test_under_p2_no_p1_consequence_is_declared_and_p2_s_hook_answers():
    o = run([TICKET], params={"power_supply": {"schedule": "P2"}}, as_of="2026-04-30T00:00")
    assert {c["rule"] for c in o.result("T1")["consequences"]} <= {"P2-10.3", "P2-11", "P2-12", "P2-13", "P2-14"}
    assert o.result("T1")["consequences"]  # media: 第十条(三)
    assert [d["rule"] for d in o.result("T1")["deadlines"]][-1] == "P3-4.11"  # P1's limits hold, P3's hook after them
