"""bank_branch: 银行网点优质规范服务考核办法 (B1) as a policy plugin.

A third-party plugin, written with `policy new-plugin` and tested with policy's test kit. Its
records are check scores, not complaint tickets: one row per branch (网点) per quarter with
its three check scores, and one row per sub-branch (分支行) with its management score and
bonuses; `received_at` (考核日期) dates the row into its quarter (第三条).
"""

from __future__ import annotations

from attrs import define

from policy.core.hookspecs import hookimpl
from policy.core.model import Classification, Consequence, PeriodConsequence, Rule
from policy.core.periods import Tally
from policy.core.records import Field, FieldError
from policy.core.regulation import Regulation, param

RULES = (
    Rule("B1-3", "第三条", "assessed every quarter, branches and sub-branches separately"),
    Rule("B1-5.1", "第五条(一)", "branch score = mystery 40% + off-site 40% + on-site 20% − complaint deductions; "
                               "one check missing: the other two 50% each; two missing: the remaining one 100%"),
    Rule("B1-5.2", "第五条(二)", "sub-branch score = branch average 40% + management 60% + innovation and award bonuses; "
                               "no management check: the branch average 100%"),
    Rule("B1-6", "第六条", "mystery shopping by a third party every quarter, 100 points, all branches"),
)

FIELDS = (
    Field("level", "choice", "what is scored (第三条)", ("考核对象",), {"branch": "网点", "sub_branch": "分支行"}, required=True),
    Field("branch", "text", "the branch (网点)", ("网点",)),
    Field("sub_branch", "text", "the sub-branch: a branch's own, or the one scored", ("分支行", "所属分支行")),
    Field("received_at", "time", "the assessment date; it places the row in its quarter", ("考核日期",)),
    Field("mystery_score", "number", "神秘人暗访得分 (0–100)", ("神秘人暗访得分",)),
    Field("offsite_score", "number", "总行非现场监控检查得分 (0–100); empty when the check did not cover the quarter", ("非现场监控检查得分",)),
    Field("onsite_score", "number", "总行现场明查得分 (0–100); empty when the check did not cover the quarter", ("现场明查得分",)),
    Field("complaint_deduction", "number", "客户投诉扣分", ("客户投诉扣分",)),
    Field("management_score", "number", "分支行服务综合管理得分 (0–100); empty when not checked", ("服务综合管理得分",)),
    Field("innovation_bonus", "number", "服务提升和创新加分", ("服务提升和创新加分",)),
    Field("award_bonus", "number", "中银协示范网点、人行服务认证、外部评优选先加分", ("外部评优加分",)),
)


@define
class Parameters:
    mystery_weight: float = param(40, rule="B1-5.1", article="第五条(一)", doc="percent, mystery shopper score")
    offsite_weight: float = param(40, rule="B1-5.1", article="第五条(一)", doc="percent, head-office off-site monitoring")
    onsite_weight: float = param(20, rule="B1-5.1", article="第五条(一)", doc="percent, head-office on-site inspection")
    one_missing_weight: float = param(50, rule="B1-5.1", article="第五条(一)", doc="percent of each of the two checks left when one did not cover the quarter")
    two_missing_weight: float = param(100, rule="B1-5.1", article="第五条(一)", doc="percent of the one check left when two did not cover the quarter")
    branch_average_weight: float = param(40, rule="B1-5.2", article="第五条(二)", doc="percent, the average of the sub-branch's branch scores")
    management_weight: float = param(60, rule="B1-5.2", article="第五条(二)", doc="percent, the sub-branch's service management score")
    no_management_average_weight: float = param(100, rule="B1-5.2", article="第五条(二)", doc="percent of the branch average when the management check did not cover the quarter")
    full_marks: float = param(100, rule="B1-6", article="第六条", doc="points of a check at most (满分为100分)")


REGULATION = Regulation(
    name="bank_branch",
    title="银行网点优质规范服务考核办法",
    source="银行网点优质规范服务考核办法 第三条, 第五条, 第六条 (the plugin's README.md)",
    rules=RULES,
    fields=FIELDS,
    parameters=Parameters,
    summary="A bank's quarterly branch and sub-branch service scores.",
)

CHECKS = (("mystery_score", "mystery_weight"), ("offsite_score", "offsite_weight"), ("onsite_score", "onsite_weight"))


@hookimpl
def policy_regulation():
    return REGULATION


def _within_marks(record, field, p):
    value = getattr(record, field)
    if value is not None and not 0 <= value <= p.full_marks:
        raise FieldError(field, f"{value:g} is outside 0–{p.full_marks:g} points")
    return value


@hookimpl
def policy_classify(record, params):
    if record.level == "branch":
        if not record.branch or not record.sub_branch:
            raise FieldError("branch", "a branch row names its branch (网点) and its sub-branch (所属分支行)")
        # 第六条: mystery shopping covers every branch every quarter.
        if _within_marks(record, "mystery_score", params) is None:
            raise FieldError("mystery_score", "every branch has a mystery shopper score each quarter (第六条)")
        for field, _ in CHECKS[1:]:
            _within_marks(record, field, params)
        return Classification(True, "branch", None, ("B1-3", "B1-6"))
    if not record.sub_branch:
        raise FieldError("sub_branch", "a sub-branch row names the sub-branch (分支行)")
    _within_marks(record, "management_score", params)
    return Classification(True, "sub_branch", None, ("B1-3",))


def b1_5_1_branch_score(record, p) -> Consequence:
    """第五条(一): weighted checks minus complaint deductions, weights moving to the checks done."""
    done = [(field, getattr(record, field), getattr(p, weight)) for field, weight in CHECKS if getattr(record, field) is not None]
    if len(done) == 2:
        done = [(f, s, p.one_missing_weight) for f, s, _ in done]
    elif len(done) == 1:
        done = [(f, s, p.two_missing_weight) for f, s, _ in done]
    deduction = record.complaint_deduction or 0
    score = round(sum(s * w / 100 for _, s, w in done) - deduction, 2)
    terms = " + ".join(f"{f.removesuffix('_score')} {s:g}×{w:g}%" for f, s, w in done)
    return Consequence("B1-5.1", record.branch, "branch", "score", score, score, note=f"{terms} − {deduction:g}")


@hookimpl
def policy_consequences(record, params):
    if record.level == "branch":
        return [b1_5_1_branch_score(record, params)]
    return []


@hookimpl
def policy_period_facts(record, result, calendar):
    day = calendar.local_date(record.received_at)
    if record.level == "branch":
        score = result.consequences[0].min
        return [Tally(("branch_score", record.sub_branch), day, score, score)]
    out = [Tally(("sub_branch", record.sub_branch), day)]
    if record.management_score is not None:
        out.append(Tally(("management", record.sub_branch), day, record.management_score, record.management_score))
    bonus = (record.innovation_bonus or 0) + (record.award_bonus or 0)
    out.append(Tally(("bonus", record.sub_branch), day, bonus, bonus))
    return out


def b1_5_2_sub_branch_score(ledger, quarter, sub, p) -> PeriodConsequence:
    """第五条(二): branch average 40% + management 60% + bonuses; no management check: average 100%."""
    branches = ledger.total(("branch_score", sub), quarter)
    if not branches.count:
        return PeriodConsequence("B1-5.2", sub, "sub_branch", "refer", quarter.label,
                                 note="no branch scores for this quarter: the average cannot be formed")
    average = branches.amount_min / branches.count
    management = ledger.total(("management", sub), quarter)
    bonus = ledger.total(("bonus", sub), quarter).amount_min
    if management.count:
        score = average * p.branch_average_weight / 100 + management.amount_min / management.count * p.management_weight / 100
        note = f"branch average {average:.2f}×{p.branch_average_weight:g}% + management {management.amount_min / management.count:g}×{p.management_weight:g}%"
    else:
        score = average * p.no_management_average_weight / 100
        note = f"branch average {average:.2f}×{p.no_management_average_weight:g}% (no management check)"
    score = round(score + bonus, 2)
    return PeriodConsequence("B1-5.2", sub, "sub_branch", "score", quarter.label, score, score, branches.count,
                             note=f"{note} + bonuses {bonus:g}")


@hookimpl
def policy_period_consequences(ledger, periods, params):
    return [b1_5_2_sub_branch_score(ledger, q, key[1], params)
            for q in periods.of("quarter") for key in ledger.keys("sub_branch") if ledger.total(key, q).count]
