"""Helpers every plugin reads from the core, once: roster cells, optional ranges, late statuses,
and the consequence kinds the test kit holds plugins to."""

import types

import pytest

from policy.core.hookspecs import hookimpl
from policy.core.model import DEADLINE_STATUSES, LATE, Consequence
from policy.core.records import roster_cell
from policy.core.regulation import optional_range
from policy.core.testing import run


def test_roster_cell_is_the_first_non_empty_cell_of_the_headers_given():
    row = {"person": "", "姓名": "  张三 ", "责任人": "李四", "月度绩效": 3000, "month": None}
    assert roster_cell(row, "person", "姓名", "责任人") == "张三"
    assert roster_cell(row, "performance_pay", "月度绩效") == "3000"
    assert roster_cell(row, "month", "月份") is None


@pytest.mark.parametrize(("amount", "bounds"), [((), (None, None)), ((200, 800), (200, 800)), ((500,), (500, 500))])
def test_optional_range(amount, bounds):
    assert optional_range(amount) == bounds


def test_late_is_the_statuses_of_a_limit_not_kept():
    assert set(LATE) == {"breached", "overdue"} and set(LATE) < set(DEADLINE_STATUSES)


def test_the_test_kit_fails_a_consequence_kind_the_document_has_not():
    local = types.ModuleType("local_fines")

    @hookimpl
    def policy_consequences(record, classification, deadlines, appeal, params):
        return [Consequence("P1-26", record.person, "responsible_person", "fines", 100, 100)]

    local.policy_consequences = policy_consequences
    ticket = {"id": "T1", "received_at": "2026-03-02 09:00", "category": "服务态度", "verified": "是",
              "responsible": "是", "person": "张三", "unit": "城区供电所", "cause": "attitude_poor"}
    with pytest.raises(AssertionError, match=r"consequence kinds the result document has not: \['fines'\]"):
        run([ticket], modules=[local], as_of="2026-04-01T00:00")


def test_the_test_kit_fails_a_deadline_status_the_document_has_not():
    from policy.core.model import Deadline

    local = types.ModuleType("local_status")

    @hookimpl
    def policy_deadlines(record, classification, params, calendar, as_of):
        return [Deadline("P1-14", "dispatch", None, None, "late")]

    local.policy_deadlines = policy_deadlines
    ticket = {"id": "T1", "received_at": "2026-03-02 09:00", "category": "服务态度", "verified": "是",
              "responsible": "是", "person": "张三", "unit": "城区供电所", "cause": "attitude_poor"}
    with pytest.raises(AssertionError, match=r"deadline statuses the result document has not: \['late'\]"):
        run([ticket], modules=[local], as_of="2026-04-01T00:00")
