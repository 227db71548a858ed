"""A first end-to-end check through the test kit (the detailed suites sit beside it)."""

from policy.core.testing import run


def test_poor_attitude_ticket_is_fined_under_p1_24_3_2_1():
    outcome = run(
        [{"id": "G-001", "received_at": "2026-03-02 09:00", "category": "服务态度", "verified": "是",
          "responsible": "是", "person": "张三", "unit": "城区供电所", "cause": "attitude_poor"}],
        as_of="2026-04-01T00:00",
    )
    fine = outcome.consequence("G-001", "P1-24.3.2.1")
    assert (fine["party"], fine["kind"], fine["min"], fine["max"]) == ("张三", "fine", 200, 500)
    assert fine["article"] == "第二十四条(三)2(1)"
