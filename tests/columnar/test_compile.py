"""The columnar compile (core/columnar/compile.py) against the per-ticket executor, field by field.

The same raw rows go through the pipeline (``Engine.evaluate``: the per-ticket executor of the
declarations, and the hooks) and, parsed by the same parser into an INPUT frame built here
from the Records, through the compile. For every row the compile does not send per ticket,
the RESULT frames' rows must equal the Result: classification, every deadline, the appeal,
every consequence in its order, and the ticket's tallies. A row the per-ticket path rejects
must be sent per ticket, never answered.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

pl = pytest.importorskip("polars")

from policy.core.columnar.calendar import CalendarTable  # noqa: E402
from policy.core.columnar import executor  # noqa: E402
from policy.core.columnar.compile import evaluate  # noqa: E402
from policy.core.columnar.read import _dtype  # noqa: E402
from policy.core.config import from_dict  # noqa: E402
from policy.core.model import RecordError, Result  # noqa: E402
from policy.core.pipeline import Engine  # noqa: E402
from policy.core.plugins import discover  # noqa: E402
from policy.core.records import FieldError, parse_time  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "power_supply"


def engine_for(params=None, calendar=None, as_of="2026-12-31T00:00", timezone="Asia/Shanghai"):
    found = discover(enabled=["power_supply"])
    config = from_dict({"policy": {"plugins": ["power_supply"], "timezone": timezone},
                        "calendar": dict(calendar or {}), "plugins": {"power_supply": dict(params or {})}},
                       found.regulations)
    return Engine(config, found, parse_time(as_of, config.zone, "as_of"))


def input_frame(engine, rows) -> pl.DataFrame:
    """The INPUT frame of the interface, from the pipeline's own parse of each row: a row it
    cannot parse, or with a time given as a day only, is a doubt (the reader's mask)."""
    return records_frame(engine.industries["power_supply"].parser, engine.config.policy.timezone, rows)


def records_frame(parser, zone, rows) -> pl.DataFrame:
    fields = parser.fields
    columns = {name: [] for name in fields}
    rownums, doubts = [], []
    for source, row, raw in rows:
        try:
            record = parser.parse(raw, source, row)
        except FieldError:
            record = None
        rownums.append(row)
        doubts.append(record is None or bool(record.date_only))
        for name in fields:
            value = None if record is None else getattr(record, name)
            columns[name].append(list(value) if isinstance(value, tuple) else value)
    schema = {"_row": pl.Int64, "_doubt": pl.Boolean}
    schema.update({name: _dtype(f, zone) for name, f in fields.items()})
    return pl.DataFrame({"_row": rownums, "_doubt": doubts, **columns}, schema=schema)


def per_ticket(engine, rows):
    """Each row's Result (or RecordError) and the tallies it added, by the pipeline."""
    industry = engine.industries["power_supply"]
    added = []
    industry.ledger.add = added.append  # what the ticket adds, in order, not summed
    out = {}
    for row in rows:
        [result] = list(engine.evaluate([row]))
        out[row[1]] = (result, list(added))
        added.clear()
    return out


def guards(engine):
    found = executor.guards(engine.industries["power_supply"])
    assert None not in found, "a hook has no guard: the industry runs per ticket"
    return found


def columnar(engine, rows):
    industry = engine.industries["power_supply"]
    frame = input_frame(engine, rows)
    table = CalendarTable(engine.calendar, engine.config.policy.timezone)
    return evaluate(frame, industry.declared, industry.params, table, engine.as_of, guards(engine))


def _amount(number, text):
    return text if text is not None else number


def compare(engine, rows):
    """Both executors on ``rows``; every row not sent per ticket equal field by field.
    Returns the rows sent per ticket."""
    expected = per_ticket(engine_for_same(engine), rows)
    frames = columnar(engine, rows)
    declined = assert_equal(rows, expected, frames)
    # Only what must go per ticket goes: a rejection, a guarded hook's ticket (an inspection
    # sheet, a P3 service request), a doubt of the reader.
    frame = input_frame(engine, rows)
    must = set(frame.filter(pl.col("_doubt") | (pl.col("record_type") == "inspection")
                            | pl.col("request_kind").is_not_null())["_row"])
    for row in declined:
        result, _ = expected[row]
        assert isinstance(result, RecordError) or row in must, (row, result)
    return declined


def assert_equal(rows, expected, frames):
    """Every row the frames answer equals ``expected[row]`` = (Result, its tallies) field by
    field; a row the per-ticket path rejects is sent per ticket. Returns the rows sent."""
    tickets = {r["_row"]: r for r in frames.tickets.to_dicts()}
    deadlines, consequences, tallies = {}, {}, {}
    for r in frames.deadlines.sort("_row", "_pos").to_dicts():
        deadlines.setdefault(r["_row"], []).append(r)
    for r in frames.consequences.sort("_row", "_pos").to_dicts():
        consequences.setdefault(r["_row"], []).append(r)
    for r in frames.tallies.to_dicts():
        tallies.setdefault(r["_row"], []).append(r)
    assert len(tickets) == len(rows)
    declined = set()
    for _, row, _ in rows:
        got = tickets[row]
        result, added = expected[row]
        if got["_per_ticket"]:
            declined.add(row)
            assert row not in deadlines and row not in consequences and row not in tallies
            continue
        assert isinstance(result, Result), f"row {row}: answered by the compile, rejected per ticket: {result}"
        c = result.classification
        assert (got["id"], got["counted"], got["category"], got["grade"], got["classified_by"], got["reason"],
                got["repeat_of"]) == (result.id, c.counted, c.category, c.grade, list(c.rules), c.reason, c.repeat_of), row
        a = result.appeal
        assert (got["appeal_status"], got["appeal_rule"], got["appeal_reason"]) == (a.status, a.rule, a.reason), row
        assert got["unknown_deadline"] == any(x.status == "unknown" for x in result.deadlines), row
        assert [(x["rule"], x["stage"], x["limit"], x["due"], x["done_at"], x["status"], x["extended"], x["reason"])
                for x in deadlines.get(row, [])] == [
            (x.rule, x.stage, x.limit, x.due, x.done_at, x.status, x.extended, x.reason) for x in result.deadlines], row
        assert [(x["rule"], x["party"], x["role"], x["kind"], _amount(x["min"], x["min_text"]),
                 _amount(x["max"], x["max_text"]), tuple(x["adjusted_by"]), x["note"]) for x in consequences.get(row, [])] == [
            (x.rule, x.party, x.role, x.kind, x.min, x.max, x.adjusted_by, x.note) for x in result.consequences], row
        assert [(tuple(x["key"]), x["on"], x["amount_min"], x["amount_max"]) for x in tallies.get(row, [])] == [
            (t.key, t.on, t.amount_min, t.amount_max) for t in added], row
    return declined


def engine_for_same(engine):
    """A fresh engine of the same config and as-of (ids and ledgers are per run)."""
    return Engine(engine.config, discover(enabled=["power_supply"]), engine.as_of)


# -- the examples ---------------------------------------------------------------------------------


def _csv_rows(path):
    import csv

    with path.open(encoding="utf-8") as f:
        return [(path.name, i, {k: v for k, v in r.items() if v != ""}) for i, r in enumerate(csv.DictReader(f), 2)]


@pytest.mark.parametrize("name", ["tickets.csv", "bad_tickets.csv", "inspections.csv"])
@pytest.mark.parametrize("as_of", ["2026-03-04T12:00", "2026-12-31T00:00", "2027-03-01T00:00"])
def test_the_examples_equal_the_per_ticket_results(name, as_of):
    rows = _csv_rows(EXAMPLES / name)
    compare(engine_for(as_of=as_of), rows)


def test_the_examples_reach_every_part_of_p1():
    # The comparison above proves what the examples hold: they must hold the interesting cases.
    rows = _csv_rows(EXAMPLES / "tickets.csv")
    frames = columnar(engine_for(), rows)
    answered = frames.tickets.filter(~pl.col("_per_ticket"))
    assert answered.height >= len(rows) // 2
    assert set(frames.consequences["rule"]) >= {"P1-24.3.2.1", "P1-26"}
    assert frames.consequences.filter(pl.col("adjusted_by").list.contains("P1-25")).height


# -- generated P1 tickets ---------------------------------------------------------------------------

CAUSES = ["work_quality", "attitude_poor", "attitude_bad", "ten_prohibitions", "ten_commitments", None]
IMPACTS = ["general", "serious", "major", None]
ESCALATIONS = ["none", "company", "city_bureau", "state_grid", "media", None]
NAMES = ["张三", "李四", "王五", "赵六"]
START = datetime(2026, 1, 1, 8, 0)


def _names(rnd):
    return ";".join(rnd.sample(NAMES, rnd.choice([0, 0, 1, 2, 3])))


def _time(t):
    return t.strftime("%Y-%m-%d %H:%M:%S")


def generated(n, seed):
    """P1 tickets touching every branch: each cause, impact and escalation, missing fields,
    returns in and out of time, falsified replies, nameless parties, other responsible persons,
    extensions, times at the year's end (into uncovered 2027), notified months."""
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        received = START + timedelta(minutes=rnd.randrange(0, 370 * 24 * 60))
        if rnd.random() < 0.1:
            received = datetime(2026, 12, rnd.choice([24, 28, 29, 30, 31]), rnd.randrange(24), rnd.randrange(60))
        dispatched = received + timedelta(minutes=rnd.randrange(0, 180))
        t = {"id": f"G-{seed}-{i}", "received_at": _time(received),
             "category": rnd.choice(["服务态度", "service_standard", "营业收费", None] if rnd.random() < 0.1 else ["服务态度"]),
             "verified": rnd.choice(["是", "否", None, "是", "是"]), "responsible": rnd.choice(["是", "否", None, "是"]),
             "person": rnd.choice([*NAMES, None]), "unit": rnd.choice(["城区供电所", "城西供电所", None]),
             "cause": rnd.choice(CAUSES), "customer_loss": rnd.choice(["是", "否", None]),
             "impact": rnd.choice(IMPACTS), "escalation": rnd.choice(ESCALATIONS)}
        if rnd.random() < 0.9:
            t["dispatched_at"] = _time(dispatched)
        for name, lo, hi in (("contacted_at", 0, 72), ("replied_at", 10, 200), ("revisited_at", 100, 300),
                             ("reported_at", 0, 40)):
            if rnd.random() < 0.7:
                t[name] = _time(dispatched + timedelta(hours=rnd.randrange(lo, hi), seconds=rnd.choice([0, 1, 59])))
        if rnd.random() < 0.2:
            t["extended_until"] = _time(dispatched + timedelta(days=rnd.randrange(1, 15)))
        if rnd.random() < 0.25:
            choice = rnd.random()
            if choice < 0.5:
                t["returned_at"] = _time(dispatched + timedelta(hours=rnd.randrange(0, 80)))
            if choice > 0.3:
                t["appeal_ground"] = "not_our_remit"
            if rnd.random() < 0.5:
                t["appeal_filed_at"] = _time(dispatched + timedelta(hours=rnd.randrange(0, 80)))
        if rnd.random() < 0.15:
            t["falsified_reply"] = "是"
        for role in ("main_responsible", "secondary_responsible", "workshop_leader", "management_head",
                     "unit_chief", "unit_deputy", "other_responsible", "unit_head"):
            if rnd.random() < 0.4:
                t[role] = _names(rnd)
        if rnd.random() < 0.3:
            t["notified_at"] = _time(received + timedelta(days=rnd.randrange(0, 60)))
        if rnd.random() < 0.03:
            t["request_kind"] = "repair"
            t["area"] = "urban"
            t["request_started_at"] = _time(received)
        if rnd.random() < 0.02:
            t["replied_at"] = received.strftime("%Y-%m-%d")  # a day only: a doubt, per ticket
        rows.append(("generated", i + 1, {k: v for k, v in t.items() if v is not None}))
    return rows


CONFIGS = {
    "defaults": ({}, {}),
    "Tokyo time": ({}, {}, "Asia/Tokyo"),
    "configured fines": ({"other_responsible_fine": [100, 300], "ten_commitments_fine": [200, 400],
                          "ten_prohibitions_fine": [151, 251], "outside_multiplier": 1.5,
                          "reply_working_days": 5, "dispatch_hours": 1.5}, {}),
    "close of business, 2027 known": ({"return_working_days": 2}, {"close_of_business": "17:30",
                                       "years": {"2027": {"holidays": ["2027-01-01"], "workdays": []}}}),
}


@pytest.mark.parametrize("config", list(CONFIGS))
@pytest.mark.parametrize("as_of", ["2026-06-15T12:00", "2027-02-01T00:00"])
def test_generated_p1_tickets_equal_the_per_ticket_results(config, as_of):
    params, calendar, *zone = CONFIGS[config]
    rows = generated(600, seed=len(config) + len(as_of))
    declined = compare(engine_for(params, calendar, as_of, *zone), rows)
    assert len(declined) < len(rows) // 3  # most rows are answered by the compile


def test_generated_tickets_reach_every_branch():
    """The generated tickets reach what the comparison claims to cover."""
    rows = generated(600, seed=1)
    frames = columnar(engine_for(as_of="2027-02-01T00:00"), rows)
    c = frames.consequences
    assert set(c["rule"]) >= {"P1-24.1", "P1-24.2", "P1-24.3.1.1", "P1-24.3.1.2", "P1-24.3.2.1", "P1-24.3.2.2",
                              "P1-24.4.1", "P1-24.4.2", "P1-24.5", "P1-26", "P1-27"}
    assert c.filter(pl.col("kind") == "refer", pl.col("note").str.starts_with("no ")).height  # nameless parties
    assert c.filter(pl.col("adjusted_by").list.contains("P1-25")).height
    t = frames.tickets.filter(~pl.col("_per_ticket"))
    assert set(t["appeal_status"]) == {"none", "accepted", "refused"}
    assert t["unknown_deadline"].any()
    earlier = columnar(engine_for(as_of="2026-06-15T12:00"), rows)
    statuses = set(frames.deadlines["status"]) | set(earlier.deadlines["status"])
    assert statuses >= {"met", "breached", "open", "overdue", "not_applicable", "unknown"}
    assert frames.deadlines["extended"].any()
    assert frames.tallies.height and frames.tallies.filter(pl.col("amount_max").is_null()).height
    declined = frames.tickets.filter(pl.col("_per_ticket")).height
    assert 0 < declined


def test_a_return_that_cannot_be_judged_goes_per_ticket():
    # Dispatched 2026-12-31: the 1 working day of P1-17 needs 2027, which the calendar lacks,
    # and the return came in 2027: the per-ticket path rejects it, the compile must not answer.
    raw = {"id": "R1", "received_at": "2026-12-31 09:00", "dispatched_at": "2026-12-31 10:00",
           "returned_at": "2027-01-02 10:00", "category": "服务态度", "verified": "是", "responsible": "是",
           "person": "张三", "unit": "城区供电所", "cause": "attitude_poor"}
    rows = [("t", 1, raw), ("t", 2, {**raw, "id": "R2", "returned_at": "2026-12-31 18:00"})]
    engine = engine_for(as_of="2027-02-01T00:00")
    declined = compare(engine, rows)
    assert declined == {1}
    frames = columnar(engine_for(as_of="2027-02-01T00:00"), rows)
    assert frames.tickets.filter(pl.col("_row") == 2)["appeal_status"].to_list() == ["accepted"]


def test_a_general_complaint_without_a_cause_goes_per_ticket():
    raw = {"id": "C1", "received_at": "2026-03-02 09:00", "category": "服务态度", "verified": "是",
           "responsible": "是", "person": "张三", "unit": "城区供电所"}
    rows = [("t", 1, raw), ("t", 2, {**raw, "id": "C2", "verified": "否"})]
    assert compare(engine_for(), rows) == {1}


def test_a_major_complaint_with_nobody_named_refers_the_main_responsible_to_the_unit():
    raw = {"id": "M1", "received_at": "2026-03-02 09:00", "category": "服务态度", "verified": "是",
           "responsible": "是", "unit": "城区供电所", "impact": "major", "escalation": "media",
           "secondary_responsible": "李四;王五"}
    engine = engine_for()
    assert compare(engine, [("t", 1, raw)]) == set()
    c = columnar(engine_for(), [("t", 1, raw)]).consequences.sort("_pos")
    first = c.row(0, named=True)
    assert (first["rule"], first["party"], first["role"], first["kind"]) == ("P1-24.4.1", "城区供电所", "main_responsible", "refer")
    assert first["min"] is None and first["max"] is None  # a sanction and a fine: no sum
    assert first["adjusted_by"] == ["P1-25"]
    assert first["note"] == ("no main_responsible named (field main_responsible, 主要责任者): "
                             "sanction major_demerit–dismissal; fine 1600–")
    assert c["party"].to_list()[1:] == ["李四", "李四", "王五", "王五"]


@pytest.mark.skipif(pl.thread_pool_size() < 2, reason="polars runs one thread here")
def test_a_condition_of_parameters_only_on_a_batch_polars_splits_across_threads():
    # polars 2.1 rejects a filter predicate of literals only (P("schedule") == "P1") on a frame
    # this large when it filters in parallel ("filter predicate length of 2"): every row must
    # still be answered, as one row is.
    from policy.core.declared import Consequences, Declared, F, Fine, P, TallyEach

    from policy.plugins.power_supply.p1 import COUNTED

    raw = {"id": "T", "received_at": "2026-03-02 09:00", "category": "服务态度", "verified": "是",
           "responsible": "是", "person": "张三", "unit": "城区供电所"}
    engine = engine_for()
    one = input_frame(engine, [("t", 1, raw)])
    n = 30_000
    frame = pl.concat([one] * n).with_columns(_row=pl.int_range(1, n + 1, dtype=pl.Int64),
                                             id=pl.format("T{}", pl.int_range(n)))
    p1 = P("schedule") == "P1"
    declared = Declared((COUNTED, Consequences(when=p1, give=(Fine("P1-26", P("falsified_reply_fine"), party=F("person")),)),
                         TallyEach("P1-28", on=F("received_at"), rules=("P1-26",), when=p1)))
    table = CalendarTable(engine.calendar, "Asia/Shanghai")
    frames = evaluate(frame, declared, engine.industries["power_supply"].params, table, engine.as_of)
    assert frames.tickets["_per_ticket"].sum() == 0
    assert frames.consequences.height == n and set(frames.consequences["min"]) == {500.0}
    assert frames.tallies.height == n


@pytest.mark.parametrize("rows", [[], _csv_rows(EXAMPLES / "tickets.csv")], ids=["an empty batch", "the examples"])
def test_the_result_frames_have_the_interface_columns_and_types(rows):
    # What helper B's writer and the lead's driver read (issue 15's interface).
    at = pl.Datetime("us", "Asia/Shanghai")
    frames = columnar(engine_for(), rows)
    assert dict(frames.tickets.schema) == {
        "_row": pl.Int64, "id": pl.String, "counted": pl.Boolean, "category": pl.String, "grade": pl.String,
        "classified_by": pl.List(pl.String), "reason": pl.String, "repeat_of": pl.String, "appeal_status": pl.String,
        "appeal_rule": pl.String, "appeal_reason": pl.String, "unknown_deadline": pl.Boolean, "_per_ticket": pl.Boolean}
    assert dict(frames.deadlines.schema) == {
        "_row": pl.Int64, "_pos": pl.Int32, "rule": pl.String, "stage": pl.String, "limit": pl.String, "due": at,
        "done_at": at, "status": pl.String, "extended": pl.Boolean, "reason": pl.String}
    assert dict(frames.consequences.schema) == {
        "_row": pl.Int64, "_pos": pl.Int32, "rule": pl.String, "party": pl.String, "role": pl.String, "kind": pl.String,
        "min": pl.Float64, "max": pl.Float64, "min_text": pl.String, "max_text": pl.String,
        "adjusted_by": pl.List(pl.String), "note": pl.String}
    assert dict(frames.tallies.schema) == {"_row": pl.Int64, "key": pl.List(pl.String), "on": pl.Date,
                                           "amount_min": pl.Float64, "amount_max": pl.Float64}
    assert frames.tickets.height == len(rows)


def test_under_the_p2_schedule_every_ticket_goes_per_ticket():
    # P2's consequences and tallies stay hooks guarded by P("schedule") == "P2": a hook answers
    # every ticket, so the compile answers none.
    rows = _csv_rows(EXAMPLES / "tickets.csv")
    engine = engine_for({"schedule": "P2"})
    declined = assert_equal(rows, per_ticket(engine_for_same(engine), rows), columnar(engine, rows))
    assert declined == {row for _, row, _ in rows}


def test_times_at_the_calendars_end_and_a_crowd_of_names_go_per_ticket():
    # Per ticket the first two are rejected (a time in 9999, and P1-14's 366 days from the last
    # day of 9998 run past the calendar's end) and the third answered with 4096 refers; the
    # compile answers none of them (its path key holds 4095 names of one field), nor a ticket
    # of year 1 (before any year polars and Python agree on), and answers the ordinary one.
    base = {"received_at": "2026-03-02 09:00", "category": "服务态度", "verified": "是", "responsible": "是",
            "person": "张三", "unit": "城区供电所", "cause": "attitude_poor"}
    rows = [("t", 1, {**base, "id": "E1", "received_at": "9999-12-31 23:30"}),
            ("t", 2, {**base, "id": "E2", "received_at": "9998-12-31 09:00"}),
            ("t", 3, {**base, "id": "E3", "other_responsible": ";".join(f"员工{i}" for i in range(4096))}),
            ("t", 4, {**base, "id": "E4", "other_responsible": ";".join(f"员工{i}" for i in range(4095))}),
            ("t", 5, {**base, "id": "E5", "received_at": "0001-01-01 09:00", "dispatched_at": "0001-01-01 09:30"})]
    engine = engine_for({"dispatch_hours": 366 * 24})
    expected = per_ticket(engine_for_same(engine), rows)
    assert isinstance(expected[1][0], RecordError) and isinstance(expected[2][0], RecordError)
    assert len(expected[3][0].consequences) == 4097
    assert assert_equal(rows, expected, columnar(engine, rows)) == {1, 2, 3, 5}
