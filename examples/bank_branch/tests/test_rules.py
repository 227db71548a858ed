"""B1 银行网点优质规范服务考核办法, tested with policy's test kit (fixture policy_run)."""

import pytest

BRANCH = {"level": "branch", "branch": "城东网点", "sub_branch": "城东支行", "received_at": "2026-03-31"}


def score(policy_run, **fields):
    outcome = policy_run([{"id": "B", **BRANCH, **fields}], plugins=["bank_branch"])
    return outcome.consequence("B", "B1-5.1")


def test_b1_5_1_all_three_checks(policy_run):
    c = score(policy_run, mystery_score=92, offsite_score=88, onsite_score=95, complaint_deduction=2)
    assert (c["party"], c["kind"], c["min"]) == ("城东网点", "score", 89.0)  # 36.8 + 35.2 + 19 - 2


def test_b1_5_1_one_check_missing_the_other_two_weigh_half(policy_run):
    assert score(policy_run, mystery_score=85, offsite_score=90)["min"] == 87.5
    assert score(policy_run, mystery_score=85, onsite_score=90)["min"] == 87.5


def test_b1_5_1_two_checks_missing_the_remaining_one_weighs_all(policy_run):
    assert score(policy_run, mystery_score=80, complaint_deduction=1)["min"] == 79


def test_b1_6_mystery_shopping_covers_every_branch_out_of_100(policy_run):
    outcome = policy_run([{"id": "B", **BRANCH, "offsite_score": 90}], plugins=["bank_branch"])
    assert outcome.error("B")["field"] == "mystery_score" and "第六条" in outcome.error("B")["message"]
    outcome = policy_run([{"id": "B", **BRANCH, "mystery_score": 101}], plugins=["bank_branch"])
    assert "0–100" in outcome.error("B")["message"]


def sub_branch_rows(management):
    rows = [
        {"id": "1", **BRANCH, "mystery_score": 92, "offsite_score": 88, "onsite_score": 95, "complaint_deduction": 2},
        {"id": "2", **BRANCH, "branch": "东湖", "mystery_score": 85, "offsite_score": 90},
        {"id": "3", "level": "sub_branch", "sub_branch": "城东支行", "received_at": "2026-03-31",
         "management_score": management, "innovation_bonus": 2, "award_bonus": 1},
    ]
    return rows


@pytest.mark.parametrize(("management", "expected"), [(90, 3 + 0.4 * 88.25 + 0.6 * 90), (None, 3 + 88.25)])
def test_b1_5_2_sub_branch_score_with_and_without_the_management_check(policy_run, management, expected):
    outcome = policy_run(sub_branch_rows(management), plugins=["bank_branch"])
    (p,) = outcome.periods("B1-5.2")
    assert (p["party"], p["period"], p["kind"], p["count"]) == ("城东支行", "2026-Q1", "score", 2)
    assert p["min"] == round(expected, 2)


def test_b1_3_each_quarter_on_its_own(policy_run):
    rows = sub_branch_rows(90) + [{**r, "id": r["id"] + "q2", "received_at": "2026-06-30"} for r in sub_branch_rows(None)]
    outcome = policy_run(rows, plugins=["bank_branch"])
    assert [p["period"] for p in outcome.periods("B1-5.2")] == ["2026-Q1", "2026-Q2"]
    assert outcome.result("1")["classified_by"] == ["B1-3", "B1-6"]


def test_weights_are_parameters(policy_run):
    outcome = policy_run([{"id": "B", **BRANCH, "mystery_score": 80, "offsite_score": 100, "onsite_score": 100}],
                         plugins=["bank_branch"], params={"bank_branch": {"mystery_weight": 60, "offsite_weight": 20}})
    assert outcome.consequence("B", "B1-5.1")["min"] == 88
