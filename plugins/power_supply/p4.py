"""P4 优质服务管理及考核办法 (seeds 001, 002): the supply station's inspection score.

An inspection sheet is a record of its own kind (``record_type = inspection``): the points of
each checklist item of 三、应达到的标准, 100 in all. 四、2: each station must score 90; below,
the station head is fined 100 yuan in the 80s and 200 yuan in the 70s; below 70 the text is
silent, so the score goes for manual assessment.
"""

from __future__ import annotations

from policy.core.model import Classification, Consequence
from policy.core.records import FieldError

from .declarations import CHECKLIST


def p4_score(record, p) -> float:
    """The sheet's total; every item present and within its maximum (三、应达到的标准)."""
    total = 0.0
    for code, (label, section) in CHECKLIST.items():
        points = getattr(record, code)
        maximum = getattr(p, f"max_{code}")
        if points is None:
            raise FieldError(code, f"the points of {section} {label} are missing (0–{maximum:g})")
        if not 0 <= points <= maximum:
            raise FieldError(code, f"{points:g} points for {section} {label} is outside 0–{maximum:g}")
        total += points
    return total


def p4_classify(record, p) -> Classification:
    if not record.station:
        raise FieldError("station", "an inspection sheet names the supply station inspected (供电所)")
    score = p4_score(record, p)
    return Classification(False, "inspection", f"{score:g}", ("P4-4.2",),
                          reason=f"inspection of {record.station}: {score:g} of 100 points (at least {p.inspection_pass_score:g})")


def p4_4_2_station_head_fine(record, classification, p) -> list[Consequence]:
    """四、2: below 90 the station head is fined by band; below 70, manual assessment."""
    score = float(classification.grade)
    heads = record.station_head or (None,)
    if score >= p.inspection_pass_score:
        return []
    if score >= p.inspection_band_1_score:
        fine = p.inspection_band_1_fine
    elif score >= p.inspection_band_2_score or p.inspection_below_band_2 == "band_2":
        fine = p.inspection_band_2_fine
    else:
        return [Consequence("P4-4.2", h, "station_head", "refer",
                            note=f"score {score:g} is below {p.inspection_band_2_score:g}: the text sets no figure, assess by hand")
                for h in heads]
    return [Consequence("P4-4.2", h, "station_head", "fine", fine, fine, note=f"score {score:g}") for h in heads]


def p4_4_3_rules_breach(record) -> list[Consequence]:
    """四、3: breaches of 三个十条 or 首问负责制 go under 行风建设及优质服务考核办法 (another document, not encoded here)."""
    if not record.rules_breach:
        return []
    return [Consequence("P4-4.3", record.person or record.station, "responsible_person", "refer",
                        note="三个十条 / 首问负责制 breach: assess under 行风建设及优质服务考核办法")]
