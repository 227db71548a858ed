"""G1 燃气有限责任公司投诉考核管理办法 (seed 004, 第一条–第五条): rules, fields, parameters.

Three parties: the general management department (综合管理部) receives and transfers tickets,
replies to the hotline and revisits callers; the audit and supervision department (审计督查部)
applies the penalties; the department a ticket concerns (责任部门) handles it.
"""

from __future__ import annotations

from attrs import define

from policy.core.model import Rule
from policy.core.records import Field
from policy.core.regulation import Reading, param

RULES = (
    Rule("G1-4.1", "第四条1", "the general management department transfers the ticket immediately (立即)", "综合管理部立即转办工单"),
    Rule("G1-4.2", "第四条2", "the responsible department contacts the caller immediately (立即)", "责任部门立即联系来电人"),
    Rule("G1-4.3", "第四条3", "handled, with evidence kept, before the ticket's own due time (工单到期)", "工单到期之前处理完毕并留存佐证"),
    Rule("G1-4.4", "第四条4", "the general management department revisits the caller", "综合管理部对来电人进行回访"),
    Rule("G1-5.1", "第五条1", "each month's complaint handling enters every department's performance score", "每月投诉处理情况纳入各部门绩效考核"),
    Rule("G1-5.2", "第五条2", "transfer delayed so that the ticket went overdue, or no timely reply after handling: 50–100 yuan", "无故拖延转办导致工单逾期,或处理完毕后未及时回复:罚款50–100元"),
    Rule("G1-5.3", "第五条3", "internal cause with bad impact: department manager and each responsible person 100–500 yuan", "内部原因造成投诉并产生不良影响:部门经理及相关责任人各罚款100–500元"),
    Rule("G1-5.4", "第五条4", "a second complaint on the same matter: penalties doubled", "同一事项二次投诉:双倍处罚"),
    Rule("G1-5.5", "第五条5", "the department delayed handling so that the ticket went overdue: person and manager 100–500 yuan", "责任部门拖延处理导致工单超期:相关责任人及部门经理罚款100–500元"),
)

# Where the text can be read two ways: how the plugin reads it, and the parameter that switches it.
READINGS = (
    Reading("G1-5.4", "二次投诉 is any repeat: the third and later complaints on the same matter are doubled too, not only the second.", "repeat_doubles_later"),
    Reading("G1-5.4", "相关责任人 includes the general management clerk: the clerk's G1-5.2 fine is doubled with the others.", "repeat_doubles_clerk"),
    Reading("G1-4.3", "到期之前: handled exactly at the due time is in time.", "finished_at_due_in_time"),
)

FIELDS = (
    Field("internal_cause", "bool", "caused by internal reasons, after investigation (确实因内部原因)", ("内部原因",)),
    Field("bad_impact", "bool", "the complaint had a bad impact (产生不良影响)", ("不良影响",)),
    Field("serious", "bool", "情节严重: accountability (追责) beyond the fine", ("情节严重",)),
    Field("clerk", "text", "the general management staff member who transferred the ticket", ("转办人", "综合管理部经办人")),
    Field("department_manager", "names", "the responsible department's manager (部门经理)", ("部门经理", "责任部门经理")),
    Field("person", "names", "the responsible persons of the department (相关责任人), several separated by ;", ("责任人", "相关责任人")),
    Field("due_at", "time", "the hotline ticket's own due time (工单到期时间)", ("工单到期时间", "办结时限", "到期时间")),
    Field("dispatched_at", "time", "when the transfer form reached the responsible department (转办时间)", ("转办时间", "派单时间")),
    Field("contacted_at", "time", "when the department met or phoned the caller", ("联系时间", "联系来电人时间")),
    Field("resolved_at", "time", "when handling was finished and the form returned (处理完毕交回)", ("处理完成时间", "办结时间", "交回时间")),
    Field("replied_at", "time", "when the general management department replied to the hotline (回复热线)", ("回复时间", "答复时间")),
    Field("revisited_at", "time", "when the caller was revisited (回访)", ("回访时间",)),
)


@define
class Parameters:
    """Every figure of G1; "immediately" and the revisit limit are company choices (conventions.md)."""

    transfer_hours: float = param(2, unit="hours", rule="G1-4.1", article="第四条1", doc="hours that count as 立即 for the transfer (no text quantifies it)")
    contact_hours: float = param(2, unit="hours", rule="G1-4.2", article="第四条2", doc="hours that count as 立即 for contacting the caller")
    revisit_working_days: int = param(0, unit="working_days", rule="G1-4.4", article="第四条4", doc="working days from the form's return to the revisit; the text gives none, 0 = not assessed")
    clerk_fine: tuple[int, int] = param([50, 100], unit="yuan", rule="G1-5.2", article="第五条2", doc="yuan from the general management staff member (the text's 50700元, read as 50–100)")
    internal_cause_manager_fine: tuple[int, int] = param([100, 500], unit="yuan", rule="G1-5.3", article="第五条3", doc="yuan from the department manager (main responsibility)")
    internal_cause_person_fine: tuple[int, int] = param([100, 500], unit="yuan", rule="G1-5.3", article="第五条3", doc="yuan from each related responsible person")
    repeat_multiplier: float = param(2, unit="times", range=(1, 100), rule="G1-5.4", article="第五条4", doc="factor on the penalties of a second complaint on the same matter (双倍处罚)")
    overdue_fine: tuple[int, int] = param([100, 500], unit="yuan", rule="G1-5.5", article="第五条5", doc="yuan from each responsible person and the department manager")
    monthly_points_per_complaint: float = param(0, unit="points", rule="G1-5.1", article="第五条1", doc="performance points deducted per complaint and month; the text gives none, 0 = report counts only")
    monthly_points_per_overdue: float = param(0, unit="points", rule="G1-5.1", article="第五条1", doc="performance points deducted per overdue ticket and month; 0 = report counts only")
    repeat_doubles_later: bool = param(True, rule="G1-5.4", article="第五条4", doc="the third and later complaints on the same matter are doubled too (false: only the second, 二次投诉)")
    repeat_doubles_clerk: bool = param(True, rule="G1-5.4", article="第五条4", doc="the clerk's G1-5.2 fine is doubled too (false: only the responsible persons and department, 相关责任人及责任部门)")
    finished_at_due_in_time: bool = param(True, rule="G1-4.3", article="第四条3", doc="handled exactly at the due time is in time (false: 到期之前 read strictly, before it)")


# Labels for people (core/labels.py): the Chinese beside each code the results show.
LABELS = {
    "industry": {"gas": "燃气"},
    "grade": {"general": "一般"},
    "stage": {"transfer": "转派工单", "contact_caller": "联系来电人", "handle": "处理完毕",
              "reply_to_hotline": "回复热线", "revisit": "回访"},
    "limit": {"immediately": "立即", "no limit set (the text gives none)": "办法未规定时限",
              "the ticket carries no due time": "工单未载明到期时间", "the ticket's own due time": "工单自身到期时间"},
    "role": {"clerk": "经办人", "department_manager": "部门经理"},
}
