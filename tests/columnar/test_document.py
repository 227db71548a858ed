"""The columnar document writer against today's per-ticket writers, byte for byte.

Per-ticket ``Result`` objects (the power-supply example's, and built ones with odd strings,
amounts, sanction steps, extended deadlines, reasons and notes) are turned into the RESULT
frames of the columnar executor; core/columnar/document.py must write exactly the bytes
JsonLinesWriter and JsonWriter write for them, line by line.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

pl = pytest.importorskip("polars")

from columnar_frames import frames_of  # noqa: E402
from policy.cli.inputs import Columns, read  # noqa: E402
from policy.cli.outputs import JsonLinesWriter, JsonWriter  # noqa: E402
from policy.core.columnar.document import jsonl_bytes, render, write_jsonl  # noqa: E402
from policy.core.config import from_dict  # noqa: E402
from policy.core.model import Appeal, Classification, Consequence, Deadline, Result  # noqa: E402
from policy.core.pipeline import Engine  # noqa: E402
from policy.core.plugins import discover  # noqa: E402
from policy.core.records import parse_time  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ZONE = ZoneInfo("Asia/Shanghai")
ARTICLES = {"P1-14": "第十四条", "P1-24.3.2.1": "第二十四条(三)2(1)", "P1-17": "第十七条", "X-\"1\"": "条\\款\n"}


def per_ticket_lines(results, articles, writer=JsonLinesWriter):
    w = writer(io.BytesIO(), articles)
    return [w.render(r) for r in results]


def columnar_lines(results, articles, industry="power_supply", per_ticket=frozenset()):
    tickets, deadlines, consequences = frames_of(results, per_ticket=per_ticket)
    return [line + b"\n" for line in jsonl_bytes(tickets, deadlines, consequences, articles, industry).splitlines()]


def example_results():
    found = discover(enabled=["power_supply"])
    config = from_dict({"policy": {"plugins": ["power_supply"], "timezone": "Asia/Shanghai"}}, found.regulations)
    engine = Engine(config, found, parse_time("2026-12-31T00:00", config.zone, "as_of"))
    columns = Columns({n: i.parser.by_header for n, i in engine.industries.items()})
    rows = list(read(str(ROOT / "examples/power_supply/tickets.csv"), columns=columns))
    if engine.needs_history:
        engine.remember(rows)
    results = [r for r in engine.evaluate(rows) if isinstance(r, Result)]
    return results, engine.articles


def at(day, hour=9, minute=0, second=0, micro=0, zone=ZONE):
    return datetime(2026, 3, day, hour, minute, second, micro, tzinfo=zone)


ODD = ['say "hi"', "back\\slash", "new\nline\ttab\r", "bell\x07 nul\x00 us\x1f del\x7f", "emoji 😀", "中文 责任人",
       "\u2028 sep", "", " "]


def built_results():
    """Every optional key on and off, odd strings in every text the document carries."""
    out = []
    for i, text in enumerate(ODD):
        deadlines = [
            Deadline("P1-14", "dispatch", at(2, 10), at(2, 9, 30), "met", "1 hour"),
            Deadline("P1-14", "dispatch", at(3, 0), None, "overdue", "1 working day", extended=True),
            Deadline("P1-17", text or "stage", None, None, "unknown", "4 working days", reason=f"year 2027 {text}"),
            Deadline("X-\"1\"", "odd", at(4, 23, 59, 59, 999999), at(5, 0, 0, 0, 1), "breached", text),
            Deadline("UNLISTED", "no article", at(6), at(6, 17), "met", "same day", reason=""),
        ][: 1 + i % 5]
        consequences = [
            Consequence("P1-24.3.2.1", text or None, "responsible_person", "fine", 200.0, 500.0),
            Consequence("P1-24.3.2.1", "张三", "responsible_person", "fine", 200.5, None, ("P1-25",), note=text),
            Consequence("P1-14", None, "unit", "refer", 400, 1000.0, ("P1-25", "G1-5.4"), note=f"no unit named: {text}"),
            Consequence("P1-17", "李四", "main_responsible", "sanction", "warning", "dismissal"),
            Consequence("P1-17", "王五", "unit", "criticism", None, None, note="通报批评"),
            Consequence("X-\"1\"", text, "unit", "fine", 1e16, 0.1, (), note=None),
        ][: i % 7]
        appeal = [Appeal(), Appeal("accepted", "P1-17", f"returned {text}"), Appeal("refused", "P1-17", None),
                  Appeal("refused", "UNLISTED", "late")][i % 4]
        classification = Classification(
            counted=i % 2 == 0, category=[None, "service_attitude", text][i % 3], grade=[None, "general"][i % 2],
            rules=[(), ("P1-9",), ("P1-9", text)][i % 3], repeat_of=[None, "", f"PS-{text}"][i % 3],
            reason=[None, "", f"not verified: {text}"][(i + 1) % 3])
        out.append(Result(f"PS-{i}-{text}", "power_supply", classification, deadlines, appeal, consequences,
                          at(2)))
    return out


def test_the_example_tickets_are_written_as_jsonlines_writes_them():
    results, articles = example_results()
    assert len(results) >= 10
    assert columnar_lines(results, articles) == per_ticket_lines(results, articles)


def test_odd_strings_amounts_steps_and_optional_keys_are_written_as_orjson_writes_them():
    results = built_results()
    want = per_ticket_lines(results, ARTICLES)
    got = columnar_lines(results, ARTICLES)
    assert len(got) == len(want) == len(ODD)
    for g, w in zip(got, want):
        assert g == w
    # The figures the brief names, to be sure the comparison sees them.
    joined = b"".join(got)
    assert b'"min":200,"max":500' in joined and b'"min":200.5,"max":null' in joined
    assert b'"min":"warning","max":"dismissal"' in joined
    assert b'"due":"2026-03-04T23:59:59.999999+08:00","done_at":"2026-03-05T00:00:00.000001+08:00"' in joined
    assert b'\\"hi\\"' in joined and b"\\u0007" in joined and "😀".encode() in joined


def test_an_instant_given_in_another_zone_is_written_in_the_company_zone():
    # The frames hold the zone's times: a done_at at 09:00 UTC is 17:00 in Shanghai. (The reader
    # sends a time with another offset per ticket, where orjson would keep the offset.)
    result = Result("T", "power_supply", Classification(True), [
        Deadline("P1-14", "dispatch", at(2, 10), datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("UTC")), "breached", "1 hour")])
    assert b'"done_at":"2026-03-02T17:00:00+08:00"' in columnar_lines([result], ARTICLES)[0]


def test_rows_marked_per_ticket_are_left_out_and_the_rest_keep_their_order():
    results = built_results()
    skipped = {2, 5}
    got = columnar_lines(results, ARTICLES, per_ticket=skipped)
    want = [line for i, line in enumerate(per_ticket_lines(results, ARTICLES), 1) if i not in skipped]
    assert got == want


def test_the_json_form_is_jsonwriter_render_without_its_leading_line_break():
    results = built_results() + example_results()[0][:5]
    articles = {**ARTICLES, **example_results()[1]}
    tickets, deadlines, consequences = frames_of(results)
    documents = render(tickets, deadlines, consequences, articles, "power_supply", form="json")
    want = per_ticket_lines(results, articles, JsonWriter)
    assert [b"\n" + d.encode() for d in documents.get_column("document").to_list()] == want


def test_write_jsonl_writes_the_lines_unquoted():
    results = built_results()
    tickets, deadlines, consequences = frames_of(results)
    out = io.BytesIO()
    write_jsonl(render(tickets, deadlines, consequences, ARTICLES, "power_supply"), out)
    assert out.getvalue() == b"".join(per_ticket_lines(results, ARTICLES))


def test_a_ticket_with_no_deadlines_and_no_consequences():
    result = Result("T-1", "power_supply", Classification(False, reason="no plugin classified this ticket"))
    assert columnar_lines([result], ARTICLES) == per_ticket_lines([result], ARTICLES)


def test_many_generated_tickets(tmp_path):
    # The benchmark's shape: five deadlines and one to three consequences a ticket.
    results = []
    for i in range(3000):
        start = at(2) + timedelta(minutes=37 * i, microseconds=(i % 7 == 0) * 250)
        deadlines = [Deadline(f"P1-1{k}", f"stage{k}", start + timedelta(hours=k), start + timedelta(hours=i % 9),
                              ["met", "breached", "open", "overdue"][(i + k) % 4], f"{k} hours", extended=(i + k) % 11 == 0)
                     for k in range(5)]
        consequences = [Consequence("P1-24.3.2.1", f"员工{i % 97}", "responsible_person", "fine", 200 * (1 + k),
                                    500 * (1 + k) + (i % 3) * 0.5, ("P1-25",) if i % 5 == 0 else ())
                        for k in range(1 + i % 3)]
        results.append(Result(f"PS-{i:07d}", "power_supply", Classification(True, "service_attitude", "general", ("P1-9",)),
                              deadlines, Appeal(), consequences))
    assert columnar_lines(results, ARTICLES) == per_ticket_lines(results, ARTICLES)


def timed_results(zone=ZONE, years=(2026,)):
    """Whole-second times (the day and clock tables' case): nulls, midnight, the last second
    of a day, before 1970, in every year of ``years``, in summer and in winter."""
    out = []
    for i, year in enumerate(years):
        for month in (1, 7):
            due = datetime(year, month, 1 + i % 28, 23, 59, 59, tzinfo=zone)
            deadlines = [Deadline("P1-14", "dispatch", due, due + timedelta(seconds=1), "met", "1 hour"),
                         Deadline("P1-17", "return", None, None, "unknown", "4 working days", reason="year"),
                         Deadline("P1-14", "dispatch", datetime(year, month, 2, tzinfo=zone), None, "open", "1 day")]
            out.append(Result(f"T-{year}-{month}", "power_supply", Classification(True), deadlines, Appeal(), []))
    return out


@pytest.mark.parametrize("zone, years", [
    (ZONE, (2026,)),  # one offset, a few days: the tables
    (ZONE, (1969, 1970)),  # before 1970
    (ZONE, (1960, 2099)),  # days far apart: formatted per time
    (ZoneInfo("Europe/Berlin"), (2026,)),  # two offsets in a column: formatted per time
    (ZoneInfo("Asia/Kathmandu"), (2026,)),  # +05:45
])
def test_times_are_written_as_orjson_writes_them_from_the_tables_or_not(zone, years):
    results = timed_results(zone, years)
    tickets, deadlines, consequences = frames_of(results, zone=zone.key)
    assert jsonl_bytes(tickets, deadlines, consequences, ARTICLES, "power_supply") == b"".join(
        per_ticket_lines(results, ARTICLES))


@pytest.mark.parametrize("form, writer", [("jsonl", JsonLinesWriter), ("json", JsonWriter)])
def test_a_slice_of_the_documents_is_what_the_writer_takes_for_those_results(form, writer):
    results = built_results() + example_results()[0][:5]
    articles = {**ARTICLES, **example_results()[1]}
    documents = render(*frames_of(results), articles, "power_supply", form=form)
    want = per_ticket_lines(results, articles, writer)
    glue = b"" if form == "jsonl" else b","  # what emit_many puts between rendered results
    for start, length in [(0, len(results)), (0, 1), (1, 3), (len(results) - 1, 1), (4, len(results))]:
        part = documents.slice(start, length)
        assert part.get_column("_row").to_list() == list(range(start + 1, min(start + length, len(results)) + 1))
        assert part.joined() == glue.join(want[start:start + length])


def test_a_batch_of_documents_is_freed_as_soon_as_it_is_written():
    """A batch's text is tens of megabytes: held in a reference cycle, it waited for the cycle
    collector, and 1,000,000 tickets took 2.7 GB instead of 0.8. Freed by reference counting."""
    import gc
    import weakref

    results = built_results()
    documents = render(*frames_of(results), ARTICLES, "power_supply")
    part = documents.slice(1, 2)
    documents.joined(), part.joined()
    gone = weakref.ref(documents)
    was = gc.isenabled()
    gc.disable()
    try:
        del documents, part
        assert gone() is None
    finally:
        if was:
            gc.enable()
