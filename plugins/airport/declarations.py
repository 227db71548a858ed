"""A1 客户投诉管理和考核办法 with 附件 客户投诉等级认定标准(试行) (seed 000, third article).

An airport group's rules; its quality and safety department (质量安全部) runs complaints.
The seed is cut off inside attachment item 3.2.5: the criteria end at 3.2.4.
"""

from __future__ import annotations

from attrs import define

from policy.core.model import Rule
from policy.core.records import Field
from policy.core.regulation import Reading, param

RULES = (
    Rule("A1-3.2", "3.2", "second complaint: the same customer, the same event, again within three months", "二次投诉:同一客户就同一事件在三个月内再次投诉"),
    Rule("A1-3.5", "3.5", "general grumble: minor in content and nature, or naming no specific target", "一般性抱怨:内容和性质轻微,或无具体投诉对象"),
    Rule("A1-att3.1.1", "附件3.1.1", "class 1: notified criticism or sanction by CAAC, the regional administration, the group or government", "一类投诉:被民航局、地区管理局、集团或政府通报批评或处罚"),
    Rule("A1-att3.1.2", "附件3.1.2", "class 1: a critical media report of a vile nature", "一类投诉:媒体负面报道且性质恶劣"),
    Rule("A1-att3.1.3", "附件3.1.3", "class 1: an employee fought with or insulted a customer", "一类投诉:员工与旅客打架或辱骂旅客"),
    Rule("A1-att3.1.4", "附件3.1.4", "class 1: counterfeit goods, customer property taken, or a customer defrauded", "一类投诉:假冒伪劣商品、侵占旅客财物或欺诈旅客"),
    Rule("A1-att3.1.5", "附件3.1.5", "class 1: final compensation above 5,000 yuan", "一类投诉:最终赔偿金额5000元以上"),
    Rule("A1-att3.1.6", "附件3.1.6", "class 1: a class-2 complaint of the same content the second time or more within three months", "一类投诉:三个月内同一内容的二类投诉出现两次及以上"),
    Rule("A1-att3.2.1", "附件3.2.1", "class 2: a flight delay the group is responsible for", "二类投诉:集团责任造成的航班延误"),
    Rule("A1-att3.2.2", "附件3.2.2", "class 2: final compensation of at most 5,000 yuan", "二类投诉:最终赔偿金额5000元及以下"),
    Rule("A1-att3.2.3", "附件3.2.3", "class 2: an employee did not follow the work standard or procedure", "二类投诉:员工未按工作标准或程序作业"),
    Rule("A1-att3.2.4", "附件3.2.4", "class 2: an employee impatient, cold or rude (不答、不理、不看、不微笑、不屑、拖沓时间)", "二类投诉:员工不耐烦、冷漠或态度粗鲁(不答、不理、不看、不微笑、不屑、拖沓时间)"),
    Rule("A1-7.1a", "7.1", "class 1: the handling form issued within 1 working day", "一类投诉:1个工作日内下发客户投诉处理单"),
    Rule("A1-7.1b", "7.1", "class 1: handled within 3 working days of the form; extendable with reasons given within the limit", "一类投诉:收到处理单后3个工作日内处理完毕;需延长的在时限内说明理由"),
    Rule("A1-7.2a", "7.2", "class 2: the handling form issued within 1 working day", "二类投诉:1个工作日内下发客户投诉处理单"),
    Rule("A1-7.2b", "7.2", "class 2: handled within 2 working days of the form", "二类投诉:收到处理单后2个工作日内处理完毕"),
    Rule("A1-8.1", "8.1", "appeal: not this department's business, the form returned within 1 working day", "申诉:不属于本部门事务,1个工作日内将处理单转回"),
    Rule("A1-8.2", "8.2", "appeal: contrary to law, a higher rule or standard, or the facts, with clauses and records, within 1 working day", "申诉:违反法律、上级规定或标准,或与事实不符,附条款和核实记录,1个工作日内"),
    Rule("A1-9", "9", "the quality department counts complaints and grumbles every month", "质量安全部每月统计投诉和抱怨"),
    Rule("A1-10", "10", "the performance assessment committee assesses complaint events", "绩效考核委员会对投诉事件进行考核"),
)

# Where the text can be read two ways: how the plugin reads it, and the parameter that switches it.
READINGS = (
    Reading("A1-8.2", "The 1 working day runs from the department's receipt of the handling form (form_received_at), not from when it found the complaint contradicts the rules or facts.", None),
)

GRADES = {"class_1": "一类投诉", "class_2": "二类投诉", "grumble": "一般性抱怨"}

FIELDS = (
    Field("authority_sanction", "bool", "notified criticism or sanction by an authority, for a cause the group is responsible for (附件3.1.1)", ("通报批评处分", "上级通报")),
    Field("media_report", "bool", "critical media report of a vile nature, for a cause the group is responsible for (附件3.1.2)", ("媒体批评报道", "媒体曝光")),
    Field("fight_or_insult", "bool", "an employee fought with or insulted a customer (附件3.1.3)", ("打架辱骂",)),
    Field("fraud_or_theft", "bool", "counterfeit goods, customer property taken, or fraud (附件3.1.4)", ("假冒偷拿欺诈",)),
    Field("compensation", "number", "final compensation paid for the customer's loss, yuan (附件3.1.5, 3.2.2)", ("赔偿金额", "最终赔偿金"), unit="yuan"),
    Field("flight_delay", "bool", "a flight delay the group is responsible for (附件3.2.1)", ("航班延误",)),
    Field("procedure_breach", "bool", "an employee did not follow the work standard or procedure (附件3.2.3)", ("未按标准流程",)),
    Field("rude_or_cold", "bool", "an employee impatient, cold or rude (附件3.2.4)", ("冷漠无理", "态度不耐烦")),
    Field("named_target", "bool", "the complaint names a specific target; false makes a grumble (3.5)", ("指明投诉对象",), default=True),
    Field("content_key", "text", "what the complaint is about, for 附件3.1.6 (同一内容); defaults to event_key", ("投诉内容类别", "同一内容")),
    Field("form_issued_at", "time", "when the quality department issued the handling form (客户投诉处理单)", ("处理单下达时间",)),
    Field("form_received_at", "time", "when the department received the handling form", ("处理单接收时间",)),
    Field("appeal_ground", "choice", "8.1 not_our_remit, 8.2 contradicts_facts", ("申诉理由",),
          {"not_our_remit": "不属于本部门事务", "contradicts_facts": "违背法律规定或与事实不符"}),
)


@define
class Parameters:
    """Every figure of A1; the assessment amounts of 10 are the company's (the text sets none)."""

    compensation_threshold: float = param(5000, unit="yuan", rule="A1-att3.1.5", article="附件3.1.5 / 3.2.2", doc="yuan: compensation above it is class 1, at or below it (and above 0) class 2")
    repeat_months: int = param(3, unit="months", rule="A1-att3.1.6", article="附件3.1.6 / 3.2", doc="months (民法典 第二百零二条) within which a repeat counts")
    form_working_days: int = param(1, unit="working_days", rule="A1-7.1a", article="7.1 / 7.2", doc="working days from receipt to issuing the handling form, class 1 and class 2")
    class_1_handling_working_days: int = param(3, unit="working_days", rule="A1-7.1b", article="7.1", doc="working days from the form to handled, class 1")
    class_2_handling_working_days: int = param(2, unit="working_days", rule="A1-7.2b", article="7.2", doc="working days from the form to handled, class 2")
    appeal_working_days: int = param(1, unit="working_days", rule="A1-8.1", article="8.1 / 8.2", doc="working days from receiving the form within which an appeal is filed")
    class_1_amount: tuple[int, ...] = param([], unit="yuan", rule="A1-10", article="10", doc="yuan [min, max] the committee's assessment of a class-1 complaint; [] refers it without an amount")
    class_2_amount: tuple[int, ...] = param([], unit="yuan", rule="A1-10", article="10", doc="yuan [min, max] for a class-2 complaint; [] refers it without an amount")


# Labels for people (core/labels.py): the Chinese beside each code the results show.
LABELS = {
    "industry": {"airport": "机场"},
    "grade": GRADES,
    "stage": {"issue_form": "下发处理单", "handle": "处理完毕"},
    "role": {"quality_department": "质量管理部门"},
}
