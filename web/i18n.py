"""The page's words, Chinese first (the assessors' language), English on the switch.

The labels of result codes (statuses, kinds, roles) are for reading the page; the
downloads keep whatever the writers write. When the writers' own Chinese labels land
(cli/outputs.py), ``label`` should read them instead of this table.
"""

from __future__ import annotations

LANGS = ("zh", "en")

TEXT = {
    "title": ("投诉考核计算", "Complaint assessment"),
    "lang_switch": ("English", "中文"),
    "regulations": ("启用的考核办法", "Regulations enabled"),
    "overrides": ("配置中改动的参数", "Figures the config overrides"),
    "no_overrides": ("全部参数为办法原值", "Every figure at the regulation's value"),
    "parameter": ("参数", "Parameter"),
    "value": ("配置值", "Value"),
    "default": ("办法原值", "Regulation's value"),
    "rule": ("条款编号", "Rule"),
    "article": ("条款", "Article"),
    "upload": ("上传工单", "Upload tickets"),
    "files": ("工单文件（可多选：xlsx、xls、ods、csv、json、jsonl）", "Ticket files (one or more: xlsx, xls, ods, csv, json, jsonl)"),
    "roster": ("人员名册（可选）", "Staff roster (optional)"),
    "period": ("考核期间（可选，如 2026-03、2026-Q1、2026）", "Period (optional, e.g. 2026-03, 2026-Q1, 2026)"),
    "as_of": ("评估时间（留空为现在）", "Evaluation time (empty: now)"),
    "run": ("开始计算", "Evaluate"),
    "limit_note": ("上传总大小上限 {mb} MB。文件只保存在本机的临时目录中，下载后 10 分钟或 {minutes} 分钟无人查看后删除。",
                   "Uploads up to {mb} MB in all. Files stay in a private temporary folder on this machine and are deleted "
                   "10 minutes after a download or {minutes} minutes after last looked at."),
    "your_jobs": ("本次会话的计算", "Your evaluations"),
    "running": ("计算中……", "Evaluating…"),
    "queued": ("排队中，排在第", "Waiting; place in line"),
    "records_so_far": ("已读记录", "Records read"),
    "failed": ("计算失败", "The evaluation failed"),
    "summary": ("汇总", "Summary"),
    "records": ("记录", "Records"),
    "evaluated": ("已评估", "Evaluated"),
    "rejected": ("被拒绝", "Rejected"),
    "parties": ("考核汇总（与下载的工作簿中“考核汇总”表相同）", "Totals (the workbook's totals sheet)"),
    "totals_note": ("单张工单的考核计入其受理月份；期间规则的考核计入其期间。",
                    "A ticket's consequences count in the month it was received; a period rule's in its period."),
    "party": ("责任对象", "Party"),
    "role": ("身份", "Role"),
    "kind": ("考核方式", "Kind"),
    "min": ("最低", "Minimum"),
    "max": ("最高", "Maximum"),
    "period_section": ("期间考核", "Period consequences"),
    "tickets": ("工单结果", "Tickets"),
    "run_section": ("运行信息（重现本次结果所需的一切）", "Run (what produced these figures)"),
    "version": ("程序版本", "policy version"),
    "plugin": ("插件版本", "Plugin versions"),
    "calendar": ("节假日数据", "Holiday data"),
    "config": ("配置文件", "Config file"),
    "sha256": ("SHA-256", "SHA-256"),
    "inputs": ("输入文件", "Input files"),
    "stored_as": ("保存名", "stored as"),
    "bytes": ("大小（字节）", "Size (bytes)"),
    "no_period": ("未指定", "none given"),
    "filter": ("筛选", "Filter"),
    "all": ("全部", "all"),
    "status": ("状态", "Status"),
    "unit": ("单位", "Unit"),
    "person": ("人员", "Person"),
    "clear": ("清除", "Clear"),
    "id": ("工单编号", "Ticket"),
    "category": ("类别", "Category"),
    "grade": ("等级", "Grade"),
    "counted": ("计入", "Counted"),
    "fines": ("罚款（元）", "Fines (yuan)"),
    "consequences": ("考核", "Consequences"),
    "deadlines": ("时限", "Deadlines"),
    "errors": ("被拒绝的记录（请改正后重新上传）", "Rejected records (fix them and upload again)"),
    "file": ("文件", "File"),
    "row": ("行", "Row"),
    "field": ("字段", "Field"),
    "problem": ("问题及改法", "What is wrong, what to write"),
    "downloads": ("下载（与命令行 policy evaluate 的输出相同）", "Downloads (the same files as policy evaluate writes)"),
    "writing": ("正在生成，稍候", "being written"),
    "unwritten": ("生成失败", "writing it failed"),
    "delete": ("删除本次计算及上传的文件", "Delete this evaluation and its uploads"),
    "page": ("第 {page} / {pages} 页，共 {n} 条", "Page {page} of {pages}, {n} in all"),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "back": ("返回结果", "Back to the results"),
    "new": ("新的计算", "New evaluation"),
    "explanation": ("计算说明", "Explanation"),
    "no_trace": ("逐步说明（policy explain）尚未接入本页；下面是该工单的完整结果，每项均注明条款。",
                 "The step-by-step trace (policy explain) is not connected to this page yet; below is the ticket's whole result, every item citing its rule."),
    "stage": ("环节", "Stage"),
    "limit": ("时限", "Limit"),
    "due": ("到期时间", "Due"),
    "done_at": ("完成时间", "Done at"),
    "appeal": ("申诉", "Appeal"),
    "note": ("说明", "Note"),
    "document": ("结果原文（JSON）", "The result document (JSON)"),
    "none": ("无", "none"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
}

LABELS = {
    "status": {
        "met": "按时", "breached": "超时", "open": "未到期", "overdue": "已逾期",
        "not_applicable": "不适用", "unknown": "无法判断",
    },
    "kind": {
        "fine": "罚款", "reward": "奖励", "bonus_months": "扣减奖金（月）", "annual_bonus_withheld_pct": "扣年度奖金（%）",
        "annual_bonus_paid_pct": "年度奖金兑现（%）", "sanction": "处分", "suspension_months": "待岗（月）",
        "transfer": "调岗", "dismissal": "辞退", "contract_termination": "解除劳动合同", "rating_cap": "评级封顶",
        "award_ineligible": "取消评先资格", "criticism": "通报批评", "rectification": "整改", "refer": "转人工考核",
        "pay_deduction": "扣绩效工资",
    },
    "role": {
        "responsible_person": "责任人", "main_responsible": "主要责任者", "unit_head": "单位负责人",
        "section_head": "科室负责人", "unit": "单位", "department": "部门", "section": "科室",
        "secondary_responsible": "次要责任者", "workshop_leader": "车间领导", "management_head": "管理责任人",
        "unit_chief": "单位正职", "unit_deputy": "分管副职",
    },
}


def text(key: str, lang: str) -> str:
    zh, en = TEXT[key]
    return en if lang == "en" else zh


def label(group: str, code: str | None, lang: str) -> str:
    """A code as a person reads it: the Chinese label with the code, or the code alone in English."""
    if code is None:
        return ""
    if lang == "en":
        return code
    name = LABELS.get(group, {}).get(code)
    return f"{name}（{code}）" if name else code
