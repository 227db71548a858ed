"""What the power-supply regulations are made of: rules, record fields, parameters.

P1 供电公司客户投诉管理考核办法 (seed 002, 第一条–第三十一条) is the default schedule;
P2 行风与服务工作零投诉考核办法 (seed 000, first article, 第十条–第十四条) the rural
alternative (``schedule = "P2"``). Rule ids are those of shared/regulations/power_supply.md.
"""

from __future__ import annotations

from attrs import define

from policy.core.model import Rule
from policy.core.records import Field
from policy.core.regulation import Reading, param

RULES = (
    Rule("P1-9", "第九条", "counted only when verified true and the supply unit is responsible", "经查属实且属供电单位责任的投诉才纳入统计考核"),
    Rule("P1-14", "第十四条", "ticket passed to the unit within 1 hour of acceptance", "受理后1小时内派单至责任单位"),
    Rule("P1-15a", "第十五条", "unit contacts the customer within 1 working day", "责任单位1个工作日内联系客户"),
    Rule("P1-15b", "第十五条", "investigated and answered within 4 working days (extendable with approval)", "4个工作日内调查处理并答复(经批准可延期)"),
    Rule("P1-16", "第十六条", "customer revisited within 24 hours of the unit's reply", "责任单位答复后24小时内回访客户"),
    Rule("P1-17", "第十七条", "a ticket outside the unit's remit returned with reasons within 1 working day", "不属本单位处理范围的工单1个工作日内说明理由退回"),
    Rule("P1-19", "第十九条", "a serious or major event reported to marketing the same day", "严重、重大投诉事件当日报营销部"),
    Rule("P1-24.1", "第二十四条(一)", "breach of the staff's 十个不准: assessed under 渝电监察[2005]7号", "违反员工服务“十个不准”:按渝电监察[2005]7号文考核"),
    Rule("P1-24.2", "第二十四条(二)", "breach of the 十项承诺: assessed under 渝电营[2005]15号", "违反供电服务“十项承诺”:按渝电营[2005]15号文考核"),
    Rule("P1-24.3.1.1", "第二十四条(三)1(1)", "work quality, no loss to the customer: 100–200 yuan", "工作质量问题,未造成客户损失:100–200元"),
    Rule("P1-24.3.1.2", "第二十四条(三)1(2)", "work quality, customer suffered a loss: 200–300 yuan", "工作质量问题,造成客户损失:200–300元"),
    Rule("P1-24.3.2.1", "第二十四条(三)2(1)", "poor attitude (冷淡, 生硬): 200–500 yuan", "态度欠佳(冷淡、生硬):200–500元"),
    Rule("P1-24.3.2.2", "第二十四条(三)2(2)", "bad attitude (粗暴, 过激, 争吵): 300–600 yuan and 1 month's suspension for study", "态度恶劣(粗暴、过激、争吵):300–600元并待岗学习1个月"),
    Rule("P1-24.4.1", "第二十四条(四)1", "major impact: sanctions and minimum fines by role", "重大投诉事件:按责任分别给予处分和不少于规定金额的经济处罚"),
    Rule("P1-24.4.2", "第二十四条(四)2", "serious impact: sanctions and minimum fines by role", "严重投诉事件:按责任分别给予处分和不少于规定金额的经济处罚"),
    Rule("P1-24.5", "第二十四条(五)", "other responsible persons: assessed by analogy, level by level (manual)", "其他责任人:参照上述条款逐级考核(人工)"),
    Rule("P1-25", "第二十五条", "complaint to a supervision channel outside the company: assessed double", "向公司以外监督渠道投诉属实的:加倍考核"),
    Rule("P1-26", "第二十六条", "falsified, concealed or misreported reply: 500 yuan per ticket and criticism", "回复弄虚作假、隐瞒真相、不如实上报:每件500元并通报批评"),
    Rule("P1-27", "第二十七条", "marketing proposes each unit's assessment from its half-year complaint statistics", "市场营销部根据各单位半年投诉统计提出考核意见"),
    Rule("P1-28", "第二十八条", "fines come out of monthly performance pay, the rest carried over", "经济处罚在当月绩效中扣除,不足部分移至下月直至扣满"),
    Rule("P2-10.1", "第十条(一)", "complaint reaching the company's 行风办: 6 months' bonus; unit head 3", "被投诉到公司行风办:扣发直接责任人6个月奖金、单位负责人3个月奖金"),
    Rule("P2-10.2", "第十条(二)", "same, 情节严重: 12 months' bonus and transfer; unit head 6; unit 10% of annual bonus", "同上情节严重:扣发12个月奖金并调离岗位或下岗;单位负责人6个月;单位年终奖10%"),
    Rule("P2-10.3", "第十条(三)", "reaching the city bureau or above, or the media: probation; unit head warning and 6–12 months; unit 10–20% and rectification", "被投诉到市局及以上或媒体:开除留用;单位负责人警告以上并扣6–12个月奖金;单位10–20%并整顿"),
    Rule("P2-11", "第十一条", "service window harmed the customer, or buck-passing delayed a connection: 3–6 months; unit head 2–3; criticism", "营业窗口损害客户利益或推诿延长报装接电:3–6个月奖金;单位负责人2–3个月;通报批评"),
    Rule("P2-12", "第十二条", "unit slipped in a compliance-window inspection: 10% of annual bonus and rectification", "达标窗口检查出现滑坡:扣发单位年终综合奖10%并整顿"),
    Rule("P2-13", "第十三条", "non-standard service found by inspection or secret visit: corrected; repeated: transfer and criticism", "检查或暗访发现服务不规范:责令改正;屡犯调离岗位并通报批评"),
    Rule("P2-14", "第十四条", "any complaint reaching the company or above: the unit's award eligibility for the year cancelled (一票否决)", "被投诉到公司及以上:取消单位全年评优资格(一票否决)"),
    Rule("P3-4.10", "投诉举报管理办法第四条(十)", "supply plan answered: resident 3, low voltage 7, high voltage 15 (single) / 30 (dual) working days", "答复供电方案:居民3、低压7、高压单电源15、双电源30个工作日"),
    Rule("P3-4.11", "投诉举报管理办法第四条(十一)", "resident connected within 3 working days of acceptance and formalities", "居民客户受理并办妥手续后3个工作日内送电"),
    Rule("P3-4.12", "投诉举报管理办法第四条(十二)", "non-resident connected within 5 working days of acceptance", "非居民客户受理后5个工作日内送电"),
    Rule("P3-4.13", "投诉举报管理办法第四条(十三)", "planned maintenance outage publicly notified at least 7 days before", "计划检修停电提前7天公告"),
    Rule("P3-4.14", "投诉举报管理办法第四条(十四)", "fault repair service 24 hours a day", "24小时故障抢修服务"),
    Rule("P3-4.15", "投诉举报管理办法第四条(十五)", "repair crew on site: urban 45 minutes, rural 90, special remote areas 2 hours", "抢修人员到达现场:城区45分钟、农村90分钟、特殊边远地区2小时"),
    Rule("P3-4.16", "投诉举报管理办法第四条(十六)", "disconnection for arrears notified (停电通知书) at least 7 days before", "欠费停电提前7天送达停电通知书"),
    Rule("P4-4.2", "优质服务管理及考核办法四、2", "inspection score at least 90; below: station head fined 100 yuan (80s), 200 yuan (70s)", "供电所检查得分不少于90分;低于90分扣罚所负责人(80分扣100元,70分扣200元)"),
    Rule("P4-4.3", "优质服务管理及考核办法四、3", "breaches of 三个十条 or 首问负责制: under 行风建设及优质服务考核办法", "违反“三个十条”或首问负责制:按行风建设及优质服务考核办法考核"),
)

# Where the text can be read two ways: how the plugin reads it, and the parameter that switches it.
READINGS = (
    Reading("P3-4.13", "提前7天 is the calendar day: the outage notice is in time by 24:00 of the date 7 days before the outage, not 7×24 hours before its hour.", "notice_days_counting"),
    Reading("P3-4.16", "提前7天 is the calendar day: the disconnection notice is in time by 24:00 of the date 7 days before the cut, not 7×24 hours before its hour.", "notice_days_counting"),
    Reading("P4-4.2", "The bands are 80–89.x points → 100 yuan and 70–79.x → 200 yuan; below 70, where the text sets no figure, the score is referred for manual assessment rather than fined 200 yuan like every score below 80.", "inspection_below_band_2"),
    Reading("P1-28", "投诉事件…对责任人的经济处罚 is the fines of complaint events (第二十四条, 第二十六条): an inspection score's fine (P4) is not taken from pay with them.", "pay_deduction_rules"),
)

# 第十条: 4 classes, 17 items. code -> Chinese label.
CATEGORIES = {
    "service_attitude": "服务态度",
    "service_standard": "服务规范",
    "meter_reading": "抄表质量",
    "business_charges": "营业收费",
    "tariff": "电费电价",
    "bill_collection": "催收电费",
    "metering": "电能计量",
    "connection": "报装接电",
    "fault_handling": "故障处理",
    "supply_quality": "供电质量",
    "outage_notice": "停电公告",
    "appliance_damage": "电器损坏",
    "safety_hazard": "安全隐患",
    "construction_quality": "施工质量",
    "environment": "环保",
    "grid_renovation": "电网改造",
    "publicity": "宣传不到位",
}
CATEGORY_CLASSES = {
    "服务规范类": ("service_attitude", "service_standard"),
    "营销管理类": ("meter_reading", "business_charges", "tariff", "bill_collection", "metering", "connection"),
    "运行维护类": (
        "fault_handling", "supply_quality", "outage_notice", "appliance_damage",
        "safety_hazard", "construction_quality", "environment", "grid_renovation",
    ),
    "供电方宣传责任类": ("publicity",),
}

CAUSES = {
    "work_quality": "工作质量",  # 业务技能不熟、工作失误、工作疏漏
    "attitude_poor": "态度欠佳",  # 态度冷淡、语言生硬
    "attitude_bad": "态度恶劣",  # 语言粗暴、行为过激、争吵
    "ten_prohibitions": "十个不准",
    "ten_commitments": "十项承诺",
}
IMPACTS = {"general": "一般", "serious": "严重", "major": "重大"}
ESCALATIONS = {
    "none": "无",
    "company": "公司行风办",
    "city_bureau": "市局",
    "regional_grid": "区域电网公司",
    "state_grid": "国家电网公司",
    "regulator": "电力监管机构",
    "media": "媒体曝光",
}
REQUEST_KINDS = {
    "supply_plan": "供电方案答复",
    "resident_connection": "居民客户送电",
    "non_resident_connection": "非居民客户送电",
    "outage_notice": "计划检修停电公告",
    "repair": "故障抢修",
    "disconnection_notice": "欠费停电通知",
}
CUSTOMER_TYPES = {"resident": "居民客户", "low_voltage": "低压电力客户", "high_voltage_single": "高压单电源客户", "high_voltage_dual": "高压双电源客户"}
AREAS = {"urban": "城区", "rural": "农村", "remote": "特殊边远地区"}
RECORD_TYPES = {"complaint": "投诉工单", "inspection": "检查考核表"}

# P4 优质服务管理及考核办法 三、应达到的标准: the checklist, item -> (Chinese label, section).
CHECKLIST = {
    "phone_95598": ("95598及值班电话接听规范", "(一)1"),
    "duty_phone": ("值班营业电话24小时畅通、首问负责", "(一)2"),
    "hall_counter": ("营业柜台整洁", "(二)1"),
    "hall_board": ("监督栏照片", "(二)2"),
    "hall_convenience": ("便民服务措施", "(二)3"),
    "hall_materials": ("物品摆放、宣传资料", "(二)4"),
    "hall_staff": ("营业人员挂牌着装、文明用语、业务知识", "(二)5"),
    "hall_hours": ("营业时间、报修电话、意见箱公示", "(二)6"),
    "env_corners": ("卫生死角", "(三)1"),
    "env_fixtures": ("灯头插座完好", "(三)2"),
    "env_grounds": ("草坪花木、门窗桌椅", "(三)3"),
    "env_canteen": ("食堂卫生", "(三)4"),
    "env_office": ("办公室定置", "(三)5"),
}

P2_CASES = {
    "window_harm": "服务窗口损害客户利益",
    "connection_buck_passing": "推诿扯皮拖延报装接电",
    "window_inspection": "规范化窗口检查滑坡",
    "conduct_inspection": "检查暗访发现服务不规范",
    "conduct_inspection_repeat": "检查暗访再次发现服务不规范",
}

FIELDS = (
    Field("record_type", "choice", "a complaint ticket (default) or a P4 inspection sheet", ("记录类型",), RECORD_TYPES, default="complaint"),
    # Required for every complaint; an inspection sheet has none (checked by the plugin).
    Field("category", "choice", "complaint item of 第十条 (17 items)", ("投诉分类", "投诉类别", "投诉项目"), CATEGORIES),
    Field("cause", "choice", "what caused the complaint (第二十四条)", ("投诉原因", "原因类型"), CAUSES),
    Field("customer_loss", "bool", "the customer suffered a loss (造成客户利益损失)", ("客户损失", "造成客户损失")),
    Field("impact", "choice", "social impact (第二十四条(四)); the result's grade", ("影响程度", "事件性质", "严重程度"), IMPACTS, default="general"),
    Field("escalation", "choice", "highest level the complaint reached (第二十五条, P2 第十条)", ("投诉层级", "反映渠道级别"), ESCALATIONS, default="none"),
    Field("main_responsible", "names", "主要责任者 (several separated by ;)", ("主要责任者", "主要责任人")),
    Field("secondary_responsible", "names", "次要责任者", ("次要责任者", "次要责任人")),
    Field("workshop_leader", "names", "车间领导、有关人员 of the direct responsible", ("车间领导",)),
    Field("management_head", "names", "负有管理责任的部门负责人、有关人员", ("管理责任人", "部门负责人")),
    Field("unit_chief", "names", "单位正职 (leadership responsibility)", ("单位正职",)),
    Field("unit_deputy", "names", "分管副职 (leadership responsibility)", ("分管副职",)),
    Field("other_responsible", "names", "other responsible persons (第二十四条(五)), assessed by analogy", ("其他责任人",)),
    Field("unit_head", "names", "the unit's head (通报批评 of P1-26; P2 单位负责人)", ("单位负责人",)),
    Field("notified_at", "time", "P1-28 when the result was announced (处理结果通报); its month's performance pay bears the fines", ("处理结果通报时间", "通报时间")),
    Field("falsified_reply", "bool", "the unit's reply was falsified, concealed or misreported (第二十六条)", ("弄虚作假", "不如实回复")),
    Field("severe", "bool", "P2 情节严重", ("情节严重",)),
    Field("rural_electrician", "bool", "P2 the person is a rural electrician (农村电工)", ("农村电工",)),
    Field("p2_case", "choice", "P2 第十一条–第十三条 case, where the record is one", ("考核情形",), P2_CASES),
    Field("appeal_ground", "choice", "P1 第十七条 return: not_our_remit", ("申诉理由", "退单理由"), {"not_our_remit": "不属于本单位处理范围"}),
    # P3: the facts of the service request a ticket is about.
    Field("request_kind", "choice", "P3 the service commitment the ticket is about", ("服务承诺事项", "业务类型"), REQUEST_KINDS),
    Field("customer_type", "choice", "P3-4.10 customer type", ("客户类型",), CUSTOMER_TYPES),
    Field("area", "choice", "P3-4.15 area of the repair", ("区域", "抢修区域"), AREAS),
    Field("request_started_at", "time", "P3 when the request was accepted (formalities complete) or the repair call came in", ("申请受理时间", "报修时间")),
    Field("request_done_at", "time", "P3 when the plan was answered, the customer connected, or the crew reached the site", ("服务完成时间", "送电时间", "到达现场时间")),
    Field("notice_at", "time", "P3-4.13/4.16 when the outage was announced or the disconnection notice served", ("公告时间", "通知时间")),
    Field("outage_at", "time", "P3-4.13/4.16 when the supply was (to be) cut", ("停电时间",)),
    Field("repair_refused", "bool", "P3-4.14 a repair call was refused or put off for the hour (24-hour service broken)", ("拒绝抢修",)),
    # P4: an inspection sheet (record_type = inspection); received_at is the inspection time.
    Field("received_at", "time", "when the complaint was accepted, or the inspection made", ("受理时间", "检查时间")),
    Field("station", "text", "P4 the supply station inspected (供电所)", ("供电所", "所站")),
    Field("station_head", "names", "P4 the station head fined below 90 (所负责人)", ("所负责人", "供电所负责人")),
    Field("rules_breach", "bool", "P4-4.3 a breach of 三个十条 or 首问负责制 found", ("违反三个十条", "违反首问负责制")),
    *(Field(code, "number", f"P4 points of {section} {label}", (label,), unit="points") for code, (label, section) in CHECKLIST.items()),
)

LADDER_HELP = "a range of two steps on the sanction ladder"
OUTSIDE = ("city_bureau", "regional_grid", "state_grid", "regulator", "media")


@define
class Parameters:
    """Every figure of P1 and P2, at the regulation's value; overridable in the config."""

    schedule: str = param("P1", rule="P2-10.1", article="零投诉办法第十条", doc="penalty schedule: P1 fines in yuan, or P2 bonus months (rural zero-complaint method)", choices=("P1", "P2"))
    # -- time limits, 第十四条–第十九条
    dispatch_hours: float = param(1, unit="hours", rule="P1-14", article="第十四条", doc="hours from acceptance to passing the ticket to the unit")
    contact_working_days: int = param(1, unit="working_days", rule="P1-15a", article="第十五条", doc="working days from dispatch to contacting the customer")
    reply_working_days: int = param(4, unit="working_days", rule="P1-15b", article="第十五条", doc="working days from dispatch to investigated and answered")
    revisit_hours: float = param(24, unit="hours", rule="P1-16", article="第十六条", doc="hours from the unit's reply to the revisit")
    return_working_days: int = param(1, unit="working_days", rule="P1-17", article="第十七条", doc="working days from dispatch within which a ticket outside the remit may be returned")
    # -- penalties, 第二十四条
    ten_prohibitions_fine: tuple[int, ...] = param([], unit="yuan", rule="P1-24.1", article="第二十四条(一)", doc="yuan [min, max] under 渝电监察[2005]7号, another document, not encoded here; [] reports the case for manual assessment")
    ten_commitments_fine: tuple[int, ...] = param([], unit="yuan", rule="P1-24.2", article="第二十四条(二)", doc="yuan [min, max] under 渝电营[2005]15号, another document, not encoded here; [] reports the case for manual assessment")
    other_responsible_fine: tuple[int, ...] = param([], unit="yuan", rule="P1-24.5", article="第二十四条(五)", doc="yuan [min, max] for each other responsible person, assessed by analogy; [] reports the case for manual assessment")
    work_quality_fine: tuple[int, int] = param([100, 200], unit="yuan", rule="P1-24.3.1.1", article="第二十四条(三)1(1)", doc="yuan, work quality, no loss to the customer")
    work_quality_loss_fine: tuple[int, int] = param([200, 300], unit="yuan", rule="P1-24.3.1.2", article="第二十四条(三)1(2)", doc="yuan, work quality, customer suffered a loss")
    attitude_poor_fine: tuple[int, int] = param([200, 500], unit="yuan", rule="P1-24.3.2.1", article="第二十四条(三)2(1)", doc="yuan, poor attitude")
    attitude_bad_fine: tuple[int, int] = param([300, 600], unit="yuan", rule="P1-24.3.2.2", article="第二十四条(三)2(2)", doc="yuan, bad attitude")
    attitude_bad_suspension_months: int = param(1, unit="months", rule="P1-24.3.2.2", article="第二十四条(三)2(2)", doc="months of suspension for study (待岗学习), exam before returning")
    major_main_sanction: tuple[str, str] = param(["major_demerit", "dismissal"], rule="P1-24.4.1", article="第二十四条(四)1(1)", doc=f"main responsible, major impact: {LADDER_HELP}")
    major_main_fine_min: int = param(800, unit="yuan", rule="P1-24.4.1", article="第二十四条(四)1(1)", doc="yuan at least, main responsible, major impact")
    major_secondary_sanction: tuple[str, str] = param(["demerit", "dismissal"], rule="P1-24.4.1", article="第二十四条(四)1(2)", doc=f"secondary responsible, major impact: {LADDER_HELP}")
    major_secondary_fine_min: int = param(600, unit="yuan", rule="P1-24.4.1", article="第二十四条(四)1(2)", doc="yuan at least, secondary responsible, major impact")
    major_workshop_sanction: tuple[str, str] = param(["warning", "removal"], rule="P1-24.4.1", article="第二十四条(四)1(3)", doc=f"workshop leader and staff, major impact: {LADDER_HELP}")
    major_workshop_fine_min: int = param(500, unit="yuan", rule="P1-24.4.1", article="第二十四条(四)1(3)", doc="yuan at least, workshop leader and staff, major impact")
    major_management_sanction: tuple[str, str] = param(["demerit", "demotion_post"], rule="P1-24.4.1", article="第二十四条(四)1(4)", doc=f"management department head and staff, major impact: {LADDER_HELP}")
    major_management_fine_min: int = param(300, unit="yuan", rule="P1-24.4.1", article="第二十四条(四)1(4)", doc="yuan at least, management department head and staff, major impact")
    major_leadership_sanction: tuple[str, str] = param(["warning", "demotion_post"], rule="P1-24.4.1", article="第二十四条(四)1(5)", doc=f"unit chief and deputy in charge, major impact: {LADDER_HELP}")
    major_leadership_fine_min: int = param(300, unit="yuan", rule="P1-24.4.1", article="第二十四条(四)1(5)", doc="yuan at least, unit chief and deputy in charge, major impact")
    serious_main_sanction: tuple[str, str] = param(["warning", "probation"], rule="P1-24.4.2", article="第二十四条(四)2(1)", doc=f"main responsible, serious impact, up to 留用察看一年: {LADDER_HELP}")
    serious_main_fine_min: int = param(1000, unit="yuan", rule="P1-24.4.2", article="第二十四条(四)2(1)", doc="yuan at least, main responsible, serious impact (the text sets more than for major; kept)")
    serious_secondary_sanction: tuple[str, str] = param(["warning", "major_demerit"], rule="P1-24.4.2", article="第二十四条(四)2(2)", doc=f"secondary responsible, serious impact, up to 记大过: {LADDER_HELP}")
    serious_secondary_fine_min: int = param(800, unit="yuan", rule="P1-24.4.2", article="第二十四条(四)2(2)", doc="yuan at least, secondary responsible, serious impact")
    serious_workshop_fine_min: int = param(600, unit="yuan", rule="P1-24.4.2", article="第二十四条(四)2(3)", doc="yuan at least, workshop leader and staff, serious impact")
    serious_management_fine_min: int = param(400, unit="yuan", rule="P1-24.4.2", article="第二十四条(四)2(4)", doc="yuan at least, management department head and staff, serious impact")
    serious_leadership_fine_min: int = param(400, unit="yuan", rule="P1-24.4.2", article="第二十四条(四)2(5)", doc="yuan at least, deputy in charge, serious impact")
    outside_escalations: tuple[str, ...] = param(list(OUTSIDE), rule="P1-25", article="第二十五条", doc="escalation levels outside the company, whose verified complaints are assessed double")
    outside_multiplier: float = param(2, unit="times", range=(1, 100), rule="P1-25", article="第二十五条", doc="factor on every yuan amount of a complaint made outside the company (加倍考核)")
    falsified_reply_fine: int = param(500, unit="yuan", rule="P1-26", article="第二十六条", doc="yuan per ticket from the unit whose reply was falsified")
    pay_deduction_rules: tuple[str, ...] = param(["P1-24", "P1-26"], rule="P1-28", article="第二十八条", doc="rules whose fines on a person are taken from monthly performance pay (投诉事件…对责任人的经济处罚): a rule id or its prefix (P1-24 takes every 第二十四条 fine); P4's inspection fine is another document's and not among them")
    assessment_period: str = param("half", rule="P1-27", article="第二十七条", doc="length of the marketing department's per-unit assessment", choices=("month", "quarter", "half", "year"))
    # -- P2, 行风与服务工作零投诉考核办法
    p2_company_person_bonus_months: int = param(6, unit="months", range=(0, 12), rule="P2-10.1", article="零投诉办法第十条(一)", doc="months' bonus withheld from the direct responsible person")
    p2_company_head_bonus_months: int = param(3, unit="months", range=(0, 12), rule="P2-10.1", article="零投诉办法第十条(一)", doc="months' bonus withheld from the unit head")
    p2_severe_person_bonus_months: int = param(12, unit="months", range=(0, 12), rule="P2-10.2", article="零投诉办法第十条(二)", doc="months' bonus withheld from the direct responsible person, 情节严重 (and transfer)")
    p2_severe_head_bonus_months: int = param(6, unit="months", range=(0, 12), rule="P2-10.2", article="零投诉办法第十条(二)", doc="months' bonus withheld from the unit head, 情节严重")
    p2_severe_unit_bonus_pct: int = param(10, unit="percent", rule="P2-10.2", article="零投诉办法第十条(二)", doc="percent of the unit's annual bonus withheld, 情节严重")
    p2_above_escalations: tuple[str, ...] = param(list(OUTSIDE), rule="P2-10.3", article="零投诉办法第十条(三)", doc="escalation levels of the top tier (市局, 电网公司, media)")
    p2_above_person_sanction: str = param("probation", rule="P2-10.3", article="零投诉办法第十条(三)", doc="sanction of a staff member (开除留用 = probation)", choices=("warning", "demerit", "major_demerit", "demotion_grade", "demotion_post", "removal", "probation", "dismissal"))
    p2_above_head_bonus_months: tuple[int, int] = param([6, 12], unit="months", range=(0, 12), rule="P2-10.3", article="零投诉办法第十条(三)", doc="months' bonus withheld from the unit head [min, max] (and a warning or above)")
    p2_above_unit_bonus_pct: tuple[int, int] = param([10, 20], unit="percent", rule="P2-10.3", article="零投诉办法第十条(三)", doc="percent of the unit's annual bonus withheld [min, max] (and rectification)")
    p2_window_person_bonus_months: tuple[int, int] = param([3, 6], unit="months", range=(0, 12), rule="P2-11", article="零投诉办法第十一条", doc="months' bonus withheld from each responsible person [min, max]")
    p2_window_head_bonus_months: tuple[int, int] = param([2, 3], unit="months", range=(0, 12), rule="P2-11", article="零投诉办法第十一条", doc="months' bonus withheld from the unit head [min, max]")
    p2_inspection_unit_bonus_pct: int = param(10, unit="percent", rule="P2-12", article="零投诉办法第十二条", doc="percent of the unit's annual bonus withheld when it slipped in a window inspection")
    p2_veto_escalations: tuple[str, ...] = param(["company", *OUTSIDE], rule="P2-14", article="零投诉办法第十四条", doc="escalation levels at which a complaint vetoes the unit's awards for the year")
    # -- P3, 供电局客户投诉举报管理办法 第四条: service commitments
    plan_resident_working_days: int = param(3, unit="working_days", rule="P3-4.10", article="投诉举报管理办法第四条(十)", doc="working days to answer a resident's supply plan")
    plan_low_voltage_working_days: int = param(7, unit="working_days", rule="P3-4.10", article="投诉举报管理办法第四条(十)", doc="working days, low-voltage customer")
    plan_high_voltage_single_working_days: int = param(15, unit="working_days", rule="P3-4.10", article="投诉举报管理办法第四条(十)", doc="working days, high-voltage single-supply customer")
    plan_high_voltage_dual_working_days: int = param(30, unit="working_days", rule="P3-4.10", article="投诉举报管理办法第四条(十)", doc="working days, high-voltage dual-supply customer")
    resident_connection_working_days: int = param(3, unit="working_days", rule="P3-4.11", article="投诉举报管理办法第四条(十一)", doc="working days to connect a resident")
    non_resident_connection_working_days: int = param(5, unit="working_days", rule="P3-4.12", article="投诉举报管理办法第四条(十二)", doc="working days to connect a non-resident customer")
    outage_notice_days: int = param(7, unit="days", rule="P3-4.13", article="投诉举报管理办法第四条(十三)", doc="days at least between the public notice and a planned outage")
    repair_urban_minutes: float = param(45, unit="minutes", rule="P3-4.15", article="投诉举报管理办法第四条(十五)", doc="minutes for the repair crew to reach an urban site")
    repair_rural_minutes: float = param(90, unit="minutes", rule="P3-4.15", article="投诉举报管理办法第四条(十五)", doc="minutes, rural site")
    repair_remote_minutes: float = param(120, unit="minutes", rule="P3-4.15", article="投诉举报管理办法第四条(十五)", doc="minutes, special remote area (2 hours)")
    disconnection_notice_days: int = param(7, unit="days", rule="P3-4.16", article="投诉举报管理办法第四条(十六)", doc="days at least between the disconnection notice and the cut for arrears")
    # -- P4, 优质服务管理及考核办法: inspection score
    inspection_pass_score: float = param(90, unit="points", rule="P4-4.2", article="优质服务管理及考核办法四、2", doc="points each station must reach")
    inspection_band_1_score: float = param(80, unit="points", rule="P4-4.2", article="优质服务管理及考核办法四、2", doc="from this score up to the pass score the station head is fined band 1")
    inspection_band_1_fine: int = param(100, unit="yuan", rule="P4-4.2", article="优质服务管理及考核办法四、2", doc="yuan, band 1 (80分扣100元)")
    inspection_band_2_score: float = param(70, unit="points", rule="P4-4.2", article="优质服务管理及考核办法四、2", doc="from this score up to band 1 the station head is fined band 2; below it, manual assessment")
    inspection_band_2_fine: int = param(200, unit="yuan", rule="P4-4.2", article="优质服务管理及考核办法四、2", doc="yuan, band 2 (70分扣200元)")
    max_phone_95598: float = param(10, unit="points", rule="P4-4.2", article="优质服务管理及考核办法三、(一)1", doc="points at most, 95598 and duty phones answered properly")
    max_duty_phone: float = param(10, unit="points", rule="P4-4.2", article="优质服务管理及考核办法三、(一)2", doc="points at most, duty phone open 24 hours, first-contact responsibility")
    max_hall_counter: float = param(10, unit="points", rule="P4-4.2", article="优质服务管理及考核办法三、(二)1", doc="points at most, counters tidy")
    max_hall_board: float = param(5, unit="points", rule="P4-4.2", article="优质服务管理及考核办法三、(二)2", doc="points at most, supervision board photos")
    max_hall_convenience: float = param(5, unit="points", rule="P4-4.2", article="优质服务管理及考核办法三、(二)3", doc="points at most, convenience measures")
    max_hall_materials: float = param(5, unit="points", rule="P4-4.2", article="优质服务管理及考核办法三、(二)4", doc="points at most, articles and leaflets in order")
    max_hall_staff: float = param(20, unit="points", rule="P4-4.2", article="优质服务管理及考核办法三、(二)5", doc="points at most, staff badges, dress, language, knowledge")
    max_hall_hours: float = param(10, unit="points", rule="P4-4.2", article="优质服务管理及考核办法三、(二)6", doc="points at most, hours, repair number and suggestion box posted")
    max_env_corners: float = param(5, unit="points", rule="P4-4.2", article="优质服务管理及考核办法三、(三)1", doc="points at most, no dirty corners")
    max_env_fixtures: float = param(5, unit="points", rule="P4-4.2", article="优质服务管理及考核办法三、(三)2", doc="points at most, lamps and sockets intact")
    max_env_grounds: float = param(5, unit="points", rule="P4-4.2", article="优质服务管理及考核办法三、(三)3", doc="points at most, grounds, doors, furniture")
    max_env_canteen: float = param(5, unit="points", rule="P4-4.2", article="优质服务管理及考核办法三、(三)4", doc="points at most, canteen clean")
    max_env_office: float = param(5, unit="points", rule="P4-4.2", article="优质服务管理及考核办法三、(三)5", doc="points at most, offices in order")
    notice_days_counting: str = param("calendar_day", rule="P3-4.13", article="投诉举报管理办法第四条(十三)(十六)", doc="提前7天: calendar_day — by 24:00 of the date 7 days before the outage or cut; hours — 7×24 hours before its time", choices=("calendar_day", "hours"))
    inspection_below_band_2: str = param("refer", rule="P4-4.2", article="优质服务管理及考核办法四、2", doc="below band 2 (under 70 points), where the text sets no figure: refer for manual assessment, or band_2 — the band 2 fine for every score below band 1", choices=("refer", "band_2"))


# Labels for people (core/labels.py): the Chinese beside each code the results show.
LABELS = {
    "industry": {"power_supply": "供电"},
    "grade": IMPACTS,
    "stage": {
        "dispatch": "派单至责任单位",
        "contact_customer": "联系客户",
        "investigate_and_reply": "查处并答复",
        "revisit": "回访",
        "return_outside_remit": "退回非本单位工单",
        "report_to_marketing": "上报营销部",
        "answer_supply_plan": "答复供电方案",
        "connect_resident": "居民客户送电",
        "connect_non_resident": "非居民客户送电",
        "announce_planned_outage": "计划停电公告",
        "repair_service_24h": "24小时抢修服务",
        "reach_repair_site": "抢修到达现场",
        "serve_disconnection_notice": "送达欠费停电通知",
    },
    "role": {
        "main_responsible": "主要责任者",
        "secondary_responsible": "次要责任者",
        "workshop_leader": "车间领导及有关人员",
        "management_head": "管理责任部门负责人",
        "unit_chief": "单位正职",
        "unit_deputy": "分管副职",
        "other_responsible": "其他责任人",
        "unit_head": "单位负责人",
        "station_head": "供电所负责人",
        "roster": "花名册人员",
    },
}
