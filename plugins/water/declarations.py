"""W1 水务集团…关于改善服务态度、提升服务效能、助力营商环境的实施意见 (seed 003).

Zero service-attitude complaints and zero bad reviews for connections: consequences per
incident, and over months and years per person, section (科所) and department; service stars
for people with clean months; appeals within 2 working days.
"""

from __future__ import annotations

from attrs import define

from policy.core.model import Rule
from policy.core.records import Field
from policy.core.regulation import Reading, param

RULES = (
    Rule("W1-5.1", "五(一)", "service exam: failing the re-sit, the month cannot be rated 称职 or above", "服务考试补考仍不合格:当月不得评为称职及以上"),
    Rule("W1-5.2.1a", "五(二)1", "each attitude complaint or 12345-dissatisfied ticket: 500 yuan off the person's month", "每件服务态度投诉或12345不满意工单:扣减责任人当月绩效500元"),
    Rule("W1-5.2.1b", "五(二)1", "a person's year: 2 attitude complaints or internal exposures, or 2 12345-dissatisfied: year-end bonus at 80% (outsourced: dismissed), not 称职", "个人年内2件服务态度投诉或曝光、或2件12345不满意:年终绩效按80%发放(三方员工辞退),不得评为称职及以上"),
    Rule("W1-5.2.1c", "五(二)1", "no person identified: the section head 500 yuan per item", "无法认定具体责任人:每件扣减科所长(主管)当月绩效500元"),
    Rule("W1-5.2.1d", "五(二)1", "no section identified: the department's principal leader and deputy in charge 500 yuan each per item", "无法认定科所:每件扣减部门主要领导和分管领导当月绩效各500元"),
    Rule("W1-5.2.2a", "五(二)2", "a section's month with 2 of a kind: the section head 1000 yuan", "科所月度内出现2件同类:扣减责任科所负责人当月绩效1000元"),
    Rule("W1-5.2.2b", "五(二)2", "a section with 3 such months in the year: the head's year-end bonus at 80%, not 称职", "科所年内累计3个月出现上述情况:负责人年终绩效按80%发放,不得评为称职及以上"),
    Rule("W1-5.2.3", "五(二)3", "a department's year with 5 of a kind: heads and deputies at 80%, not 优秀; no 先进集体", "部门年内同类5件及以上:党政负责人及分管副职年终绩效按80%发放、不得评优秀;建议取消先进集体资格"),
    Rule("W1-5.3.1", "五(三)1", "quarterly service star: 3 consecutive clean months; 20% of the department's service posts", "季度服务标兵:连续3个月无投诉,按服务岗位总数20%评选"),
    Rule("W1-5.3.2", "五(三)2", "annual service star: 6 consecutive clean months; 20% of the department's service posts", "年度服务标兵:连续6个月无投诉,按服务岗位总数20%评选"),
    Rule("W1-5.3.3", "五(三)3", "section-level (主管) stars: 20% of the section-level staff; under 5 they compete with the employees", "主管级服务标兵:按主管级人数20%评选;不足5人与员工一起评选"),
    Rule("W1-5.3.4", "五(三)4", "a department found to have reported falsely loses the selection", "部门被查实虚报的取消评选资格"),
    Rule("W1-5.4", "五(四)", "委屈奖: staff without fault who kept good service while mistreated", "委屈奖:无过错且受委屈仍保持良好服务的员工"),
    Rule("W1-6.1", "六、1", "the ticket completed within the hotline ticket's own limit", "在热线工单时限内办结"),
    Rule("W1-6.2", "六、2", "appeal: malicious, untrue or not responsible, in writing within 2 working days", "申诉:恶意投诉、反映不属实或非责任,2个工作日内书面提出"),
    Rule("W1-6.3", "六、3", "a business-environment violation found in handling: to the supervision office", "办理中发现违反营商环境规定:提交督察室追责"),
)

# Where the text can be read two ways: how the plugin reads it, and the parameter that switches it.
READINGS = (
    Reading("W1-5.3.1", "连续3个月 is read within the calendar quarter assessed: its 3 months without any incident, not any 3 consecutive months.", None),
    Reading("W1-5.3.2", "连续6个月 is read within the calendar year assessed: 6 consecutive months of it without any incident, not 6 months running across two years.", None),
    Reading("W1-6.2", "2个工作日 run from the department's receipt of the ticket (dispatched_at, else received_at), not from the end of the customer service centre's verification.", None),
    Reading("W1-5.2.2a", "责任科、所负责人 is the head the section's tickets of that month name (section_head); a month naming two heads is referred, so the 1000 yuan is charged once.", None),
    Reading("W1-5.2.2b", "本科所年内累计3个月 is counted per head: each head is assessed for the bad months the tickets name them, so a change of head splits the year.", None),
)

INCIDENT_KINDS = {
    "attitude_complaint": "服务态度投诉",
    "hotline_12345_dissatisfied": "12345不满意工单",
    "internal_exposure": "内部检查曝光",
}
POSTS = {
    "customer_representative": "客户代表",
    "customer_service": "客户服务员",
    "collector": "催欠员",
    "hall_agent": "营业厅坐席",
    "customer_manager": "客户专员",
    "area_manager": "片区管理员",
    "network_inspector": "管网巡检员",
    "water_quality_tester": "水质检测员",
    "construction_manager": "施工管理员",
    "booster_inspector": "加压设备巡护员",
    "hotline_operator": "热线受理员",
    "supervisor": "主管",
    "section_chief": "科所长",
}
SECTION_LEVEL = ("supervisor", "section_chief")
HIGHER_RATE_POSTS = ("customer_representative", "area_manager")
RECORD_TYPES = {
    "incident": "投诉工单",
    "exam_result": "考试成绩",
    "grievance_award": "委屈奖",
    "false_report": "虚报",
}

FIELDS = (
    Field("record_type", "choice", "an incident (default), an exam result (W1-5.1), a 委屈奖 (W1-5.4), or a department found to have reported falsely (W1-5.3.4)", ("记录类型",), RECORD_TYPES, default="incident"),
    Field("incident_kind", "choice", "the kind of incident; the result's category", ("事件类型", "投诉类型"), INCIDENT_KINDS),
    Field("post", "choice", "the person's service post (二)", ("岗位",), POSTS),
    Field("outsourced", "bool", "服务外包人员 (三方员工)", ("外包人员", "是否外包")),
    Field("section_head", "names", "the section's head (科所长/主管)", ("科所负责人", "科所长")),
    Field("department_head", "names", "the department's principal (party and administrative) leaders", ("部门主要领导", "部门负责人")),
    Field("department_deputy", "names", "the department's deputy in charge", ("分管领导", "分管副职")),
    Field("appeal_ground", "choice", "W1-6.2 ground", ("申诉理由",), {"malicious": "恶意投诉", "untrue": "反映不属实", "not_responsible": "非责任"}),
    Field("appeal_verified", "bool", "the customer service centre verified the appeal (客服中心核实)", ("客服中心核实",)),
    Field("appeal_approved", "bool", "the group's principal leader approved it (12345, media, superior tickets)", ("主要领导审批", "申诉批准")),
    Field("business_violation", "bool", "a violation of the business-environment rules found in handling (W1-6.3)", ("违反营商环境规定",)),
    Field("exam_retake_failed", "bool", "W1-5.1 failed the service exam's re-sit", ("补考不合格",)),
    Field("award_amount", "number", "W1-5.4 the amount the group approved, yuan", ("奖励金额",), unit="yuan"),
)


@define
class Parameters:
    """Every figure of W1, at the seed's values.

    A threshold is at least 1: at 0 a year, month or run with no incident would count. Months
    of a year (bad months, clean months for a star) are at most 12.
    """

    incident_fine: int = param(500, unit="yuan", rule="W1-5.2.1a", article="五(二)1", doc="yuan off the person's month per attitude complaint or 12345-dissatisfied ticket")
    section_head_incident_fine: int = param(500, unit="yuan", rule="W1-5.2.1c", article="五(二)1", doc="yuan off the section head's month per item with no person identified")
    department_leader_incident_fine: int = param(500, unit="yuan", rule="W1-5.2.1d", article="五(二)1", doc="yuan off each department leader's month per item with no section identified")
    person_year_threshold: int = param(2, unit="count", range=(1, 1_000_000), rule="W1-5.2.1b", article="五(二)1", doc="incidents in a calendar year from which the person's year-end bonus is paid at a share")
    person_year_bonus_pct: int = param(80, unit="percent", rule="W1-5.2.1b", article="五(二)1", doc="percent of the year-end bonus paid")
    section_month_threshold: int = param(2, unit="count", range=(1, 1_000_000), rule="W1-5.2.2a", article="五(二)2", doc="incidents of one kind in a month that make a bad month for the section")
    section_month_fine: int = param(1000, unit="yuan", rule="W1-5.2.2a", article="五(二)2", doc="yuan off the section head's month (the scanned text's IOoO元, read as 1000)")
    section_bad_months_threshold: int = param(3, unit="months", range=(1, 12), rule="W1-5.2.2b", article="五(二)2", doc="bad months in the year from which the section head's bonus is paid at a share")
    section_year_bonus_pct: int = param(80, unit="percent", rule="W1-5.2.2b", article="五(二)2", doc="percent of the section head's year-end bonus paid")
    department_year_threshold: int = param(5, unit="count", range=(1, 1_000_000), rule="W1-5.2.3", article="五(二)3", doc="incidents of one kind in a year that mark the department")
    department_year_bonus_pct: int = param(80, unit="percent", rule="W1-5.2.3", article="五(二)3", doc="percent of the department heads' and deputies' year-end bonus paid")
    pool_all_kinds: bool = param(False, rule="W1-5.2.1b", article="五(二)", doc="count all three kinds together in every threshold (the text counts each kind on its own, pooling attitude complaints with internal exposures only for the person's year)")
    star_share_pct: int = param(20, unit="percent", rule="W1-5.3.1", article="五(三)1-3", doc="percent of the department's service posts (or section-level staff) a department may recommend")
    star_places_rounding: str = param("round", rule="W1-5.3.1", article="五(三)1", doc="how 20% of the posts becomes whole places: round (四舍五入, half up), floor or ceil", choices=("floor", "round", "ceil"))
    quarterly_star_months: int = param(3, unit="months", range=(1, 12), rule="W1-5.3.1", article="五(三)1", doc="consecutive clean months for a quarterly star")
    quarterly_star_higher: int = param(1000, unit="yuan", rule="W1-5.3.1", article="五(三)1", doc="yuan, 客户代表 and 片区管理员 (and section-level staff, 5.3.3)")
    quarterly_star_other: int = param(500, unit="yuan", rule="W1-5.3.1", article="五(三)1", doc="yuan, the other service posts")
    annual_star_months: int = param(6, unit="months", range=(1, 12), rule="W1-5.3.2", article="五(三)2", doc="consecutive clean months for an annual star")
    annual_star_higher: int = param(2000, unit="yuan", rule="W1-5.3.2", article="五(三)2", doc="yuan, 客户代表 and 片区管理员 (and section-level staff)")
    annual_star_other: int = param(1000, unit="yuan", rule="W1-5.3.2", article="五(三)2", doc="yuan, the other service posts")
    section_level_min_staff: int = param(5, unit="count", rule="W1-5.3.3", article="五(三)3", doc="section-level staff from which they have a selection of their own")
    appeal_working_days: int = param(2, unit="working_days", rule="W1-6.2", article="六、2", doc="working days from the department receiving the ticket within which it appeals in writing")


# Labels for people (core/labels.py): the Chinese beside each code the results show.
LABELS = {
    "industry": {"water": "水务"},
    "stage": {"complete": "工单办结"},
    "limit": {"the ticket carries no due time": "工单未载明到期时间", "the ticket's own due time": "工单自身到期时间",
              "the ticket's own limit": "工单自身时限"},
    "role": {
        "section_head": "科所负责人",
        "department": "责任部门",
        "department_heads_and_deputies": "部门正副职",
        "quality_department": "质量管理部门",
    },
}
