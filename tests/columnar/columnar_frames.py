"""Per-ticket results as the RESULT frames of the columnar executor (docs/design/declared-rules.md
§2.2), so the document writer can be compared with today's writers on the same results."""

from __future__ import annotations

import polars as pl

from policy.core.model import Result

ZONE = "Asia/Shanghai"


def frames_of(results: list[Result], zone: str = ZONE, per_ticket: set[int] = frozenset()) -> tuple[pl.DataFrame, ...]:
    """(tickets, deadlines, consequences) of ``results``, row i + 1 for the i-th result;
    the rows in ``per_ticket`` are marked ``_per_ticket``."""
    time = pl.Datetime("us", zone)
    tickets, deadlines, consequences = [], [], []
    for i, r in enumerate(results, 1):
        c = r.classification
        tickets.append({
            "_row": i, "id": r.id, "counted": c.counted, "category": c.category, "grade": c.grade,
            "classified_by": list(c.rules), "reason": c.reason, "repeat_of": c.repeat_of,
            "appeal_status": r.appeal.status, "appeal_rule": r.appeal.rule, "appeal_reason": r.appeal.reason,
            "unknown_deadline": any(d.status == "unknown" for d in r.deadlines), "_per_ticket": i in per_ticket,
        })
        for pos, d in enumerate(r.deadlines):
            deadlines.append({"_row": i, "_pos": pos, "rule": d.rule, "stage": d.stage, "limit": d.limit, "due": d.due,
                              "done_at": d.done_at, "status": d.status, "extended": d.extended, "reason": d.reason})
        for pos, x in enumerate(r.consequences):
            consequences.append({
                "_row": i, "_pos": pos, "rule": x.rule, "party": x.party, "role": x.role, "kind": x.kind,
                "min": None if x.min is None or isinstance(x.min, str) else float(x.min),
                "max": None if x.max is None or isinstance(x.max, str) else float(x.max),
                "min_text": x.min if isinstance(x.min, str) else None,
                "max_text": x.max if isinstance(x.max, str) else None,
                "adjusted_by": list(x.adjusted_by), "note": x.note,
            })
    ticket_schema = {
        "_row": pl.Int64, "id": pl.String, "counted": pl.Boolean, "category": pl.String, "grade": pl.String,
        "classified_by": pl.List(pl.String), "reason": pl.String, "repeat_of": pl.String,
        "appeal_status": pl.String, "appeal_rule": pl.String, "appeal_reason": pl.String,
        "unknown_deadline": pl.Boolean, "_per_ticket": pl.Boolean,
    }
    deadline_schema = {
        "_row": pl.Int64, "_pos": pl.Int32, "rule": pl.String, "stage": pl.String, "limit": pl.String,
        "due": time, "done_at": time, "status": pl.String, "extended": pl.Boolean, "reason": pl.String,
    }
    consequence_schema = {
        "_row": pl.Int64, "_pos": pl.Int32, "rule": pl.String, "party": pl.String, "role": pl.String,
        "kind": pl.String, "min": pl.Float64, "max": pl.Float64, "min_text": pl.String, "max_text": pl.String,
        "adjusted_by": pl.List(pl.String), "note": pl.String,
    }
    return (pl.DataFrame(tickets, schema=ticket_schema), pl.DataFrame(deadlines, schema=deadline_schema),
            pl.DataFrame(consequences, schema=consequence_schema))
