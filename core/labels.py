"""Labels for people: the Chinese (or English) word beside each stable code of the core.

The result document keeps its English codes (``breached``, ``fine``, ``unit``): scripts read
them. A person reads labels: the spreadsheet, the CSV and the table show ``超期``, ``罚款``,
``单位`` instead. The core declares the labels of its own vocabularies here; each plugin
declares its own (categories, grades, stages, roles, its limits' wording) in its
``Regulation.labels`` and in its fields' ``choices``. :class:`Labels` looks a code up in the
plugin's labels first, then the core's, and falls back to the code itself, so a code no one
labelled still shows (never a blank).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

LANGS = ("zh", "en")

# The core's vocabularies (core/model.py): code -> Chinese.
STATUS = {
    "met": "按期",
    "breached": "超期",
    "open": "未到期",
    "overdue": "已超期未办结",
    "not_applicable": "不适用",
    "unknown": "无法判定",
}
KIND = {
    "fine": "罚款",
    "reward": "奖励",
    "bonus_months": "扣发奖金(月)",
    "annual_bonus_withheld_pct": "扣减年度奖金(%)",
    "annual_bonus_paid_pct": "年终奖按比例发放(%)",
    "sanction": "处分",
    "suspension_months": "待岗(月)",
    "transfer": "调离岗位",
    "dismissal": "解聘",
    "contract_termination": "解除劳动合同",
    "rating_cap": "考评等级限制",
    "award_ineligible": "取消评先资格",
    "criticism": "通报批评",
    "rectification": "限期整改",
    "refer": "人工认定",
    "score": "评分",
    "pay_deduction": "绩效工资扣款",
}
SANCTION = {
    "warning": "警告",
    "demerit": "记过",
    "major_demerit": "记大过",
    "demotion_grade": "降级",
    "demotion_post": "降职",
    "removal": "撤职",
    "probation": "留用察看",
    "dismissal": "开除",
}
APPEAL = {"none": "无", "accepted": "申诉成立", "refused": "申诉不成立"}
# Roles several regulations share; a plugin labels its own in Regulation.labels["role"].
ROLE = {
    "responsible_person": "责任人",
    "main_responsible": "主要责任者",
    "secondary_responsible": "次要责任者",
    "unit": "责任单位",
    "unit_head": "单位负责人",
    "section_head": "科所负责人",
    "department": "责任部门",
    "department_manager": "部门经理",
    "clerk": "经办人",
}
ITEM = {"deadline": "时限", "consequence": "考核", "appeal": "申诉"}
SECTION = {"result": "结果", "period": "期间考核", "error": "错误", "summary": "汇总", "run": "运行信息"}
BOOL = {True: "是", False: "否"}

_CORE = {"status": STATUS, "kind": KIND, "sanction": SANCTION, "appeal": APPEAL, "role": ROLE,
         "item": ITEM, "section": SECTION}

# How long a time limit is, in the words plugins write it ("1 working day", "24 hours"): the
# number is kept, the unit translated, so a changed figure (config) is still labelled.
_UNITS = (
    (r"working days?", "个工作日"),
    (r"calendar days?", "个自然日"),
    (r"days?", "天"),
    (r"hours?", "小时"),
    (r"minutes?", "分钟"),
    (r"months?", "个月"),
)
_LIMIT = re.compile(r"^(?P<pre>at least |within )?(?P<n>\d+(?:\.\d+)?) (?P<unit>" + "|".join(u for u, _ in _UNITS)
                    + r")(?P<post> before(?: .+)?)?$")
_FIXED_LIMITS = {"same day": "当日", "24 hours a day": "24小时", "no upper bound": "无上限"}


def limit_zh(text: str) -> str | None:
    """The Chinese of a limit written "N unit" (with "at least"/"before"), or None."""
    if text in _FIXED_LIMITS:
        return _FIXED_LIMITS[text]
    m = _LIMIT.match(text)
    if m is None:
        return None
    unit = next(zh for pattern, zh in _UNITS if re.fullmatch(pattern, m["unit"]))
    at_least = m["pre"] == "at least "
    if m["post"]:  # "N days before" (the outage): notice given that long in advance
        pre, post = ("至少提前" if at_least else "提前"), ""
    else:
        pre, post = ("至少", "") if at_least else ("", "内")
    return f"{pre}{m['n']}{unit}{post}"


def period_zh(code: str) -> str:
    """``2026`` 2026年, ``2026-H1`` 2026年上半年, ``2026-Q3`` 2026年第三季度, ``2026-03`` 2026年3月."""
    m = re.fullmatch(r"(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?", code or "")
    if m is None:
        return code
    year, part = m.groups()
    if part is None:
        return f"{year}年"
    if part[0] == "H":
        return f"{year}年{'上' if part == 'H1' else '下'}半年"
    if part[0] == "Q":
        return f"{year}年第{'一二三四'[int(part[1]) - 1]}季度"
    return f"{year}年{int(part)}月"


def plural(n: int, word: str) -> str:
    """English count with its noun: 1 record, 2 records."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


_UNIT_OF_KIND = {
    "fine": ("元", "yuan"), "reward": ("元", "yuan"), "pay_deduction": ("元", "yuan"),
    "bonus_months": ("个月", "month"), "suspension_months": ("个月", "month"),
    "annual_bonus_withheld_pct": ("%", "%"), "annual_bonus_paid_pct": ("%", "%"), "score": ("分", "point"),
}


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


class Labels:
    """Code -> label for one run's plugins, in one language (``en`` keeps the codes).

    Picklable (plain dicts), so ``--jobs`` workers label exactly as the parent does.
    """

    def __init__(self, regulations: Mapping[str, Any], lang: str = "zh"):
        if lang not in LANGS:
            raise ValueError(f"language {lang!r}: expected one of {', '.join(LANGS)}")
        self.lang = lang
        self.own: dict[str, dict[str, dict[str, str]]] = {}
        self.titles: dict[str, str] = {}
        self.rule_industry: dict[str, str] = {}
        for name, reg in regulations.items():
            own: dict[str, dict[str, str]] = {"choice": {}}
            for f in reg.fields:
                if f.choices:
                    own.setdefault(f.name, {}).update(f.choices)
                    own["choice"].update(f.choices)
            for vocabulary, labels in (getattr(reg, "labels", None) or {}).items():
                own.setdefault(vocabulary, {}).update(labels)
            self.own[name] = own
            for r in reg.rules:
                self.rule_industry[r.id] = name
                self.titles[r.id] = (r.title_zh or r.title) if lang == "zh" else r.title

    @property
    def zh(self) -> bool:
        return self.lang == "zh"

    def __call__(self, vocabulary: str, code: Any, industry: str | None = None) -> Any:
        """The label of ``code`` in ``vocabulary`` (status, kind, role, category, grade, stage, limit, …)."""
        if code is None or code == "" or not self.zh:
            return code
        if isinstance(code, bool):
            return BOOL[code]
        own = self.own.get(industry or "", {})
        for table in (own.get(vocabulary), _CORE.get(vocabulary)):
            if table and code in table:
                return table[code]
        if vocabulary == "limit":
            return limit_zh(code) or code
        if vocabulary == "period":
            return period_zh(code)
        if vocabulary in ("category", "grade", "role", "stage"):
            for table in (own.get("choice"), ROLE, SANCTION):
                if code in table:
                    return table[code]
        return code

    def article(self, rule: str | None, article: str | None) -> str | None:
        """The article with the rule's title beside it: 第十四条 工单1小时内派发."""
        if rule is None:
            return article
        title = self.titles.get(rule)
        return " ".join(x for x in (article, title) if x) or None

    def amount(self, kind: str, low: Any, high: Any) -> str:
        """A consequence's figure with its unit: 200–500 元, 8800 元以上 / 8800 yuan or more."""
        if low is None and high is None:
            return ""
        if kind == "sanction":
            low_l, high_l = (self("sanction", x) for x in (low, high))
            if high is None or low == high:
                return str(low_l if low is not None else high_l)
            return f"{low_l}至{high_l}" if self.zh else f"{low_l} to {high_l}"
        zh_unit, en_unit = _UNIT_OF_KIND.get(kind, ("", ""))
        if low is None:
            low = 0
        figure = _num(low) if high == low else f"{_num(low)}–{_num(high)}" if high is not None else _num(low)
        if self.zh:
            text = f"{figure}{zh_unit}" if zh_unit == "%" else f"{figure} {zh_unit}".strip()
            return text + ("以上" if high is None else "")
        if en_unit in ("month", "point"):
            en_unit = en_unit if (high is not None and high == 1 and low == 1) or (high is None and low == 1) else en_unit + "s"
        text = f"{figure}{en_unit}" if en_unit == "%" else f"{figure} {en_unit}".strip()
        return text + (" or more" if high is None else "")

    def time_text(self, value: datetime | None) -> str:
        """A time as people write it, an end of day as 24:00 of that day: 3月3日 24:00."""
        if value is None:
            return ""
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            day, clock = value - timedelta(days=1), "24:00"
        else:
            day, clock = value, value.strftime("%H:%M")
        if self.zh:
            return f"{day.year}年{day.month}月{day.day}日 {clock}"
        return f"{day:%Y-%m-%d} {clock}"
