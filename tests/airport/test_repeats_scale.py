"""Issue 12 item 10: repeat look-ups (3.2, 附件3.1.6) must not cost O(n) per ticket.

Tickets sharing one ``event_key`` took quadratic time (5,000 in 56 s). The look-up now asks
the history for the latest earlier ticket (a bisection). These tests pin the results to a
brute-force reading of the clauses and count the work done per ticket; nothing is timed.
"""

import random
from datetime import date, datetime, timedelta

import pytest

from policy.core.calendar import months_after
from policy.core.testing import run
from policy.plugins.airport import a1


def _ticket(i, when, event, content, flag):
    t = {"id": f"J{i:05d}", "received_at": when.strftime("%Y-%m-%d %H:%M"), "person": "值机员小陈"}
    if event:
        t["event_key"] = event
    if content:
        t["content_key"] = content
    if flag:
        t[flag] = "是"
    return t


def _expected(tickets):
    """3.2 and 附件3.1.6 read literally: every earlier ticket of the key, the latest within 3 months."""
    def day(t):
        return datetime.strptime(t["received_at"], "%Y-%m-%d %H:%M").date()

    def within(t, earlier):
        return day(t) <= months_after(day(earlier), 3)

    order = sorted(tickets, key=lambda t: (t["received_at"], t["id"]))
    out = {}
    for n, t in enumerate(order):
        before = order[:n]
        event = [e for e in before if t.get("event_key") and e.get("event_key") == t["event_key"] and within(t, e)]
        content_key = t.get("content_key") or t.get("event_key")
        own = "class_1" if t.get("fight_or_insult") else "class_2" if t.get("rude_or_cold") else "grumble"
        content = [
            e for e in before
            if own == "class_2" and content_key and (e.get("content_key") or e.get("event_key")) == content_key
            and e.get("rude_or_cold") and not e.get("fight_or_insult") and within(t, e)
        ]
        repeat_of = event[-1]["id"] if event else content[-1]["id"] if content else None
        out[t["id"]] = ("class_1" if content else own, repeat_of)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_repeats_match_the_clauses_read_literally(seed):
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, 8)
    tickets = [
        _ticket(
            i,
            start + timedelta(days=rng.randrange(0, 360), hours=rng.randrange(0, 10)),
            rng.choice([None, *(f"E{k}" for k in range(40))]),
            rng.choice([None, None, *(f"C{k}" for k in range(20))]),
            rng.choice([None, "rude_or_cold", "rude_or_cold", "fight_or_insult"]),
        )
        for i in range(300)
    ]
    expected = _expected(tickets)
    results = run(tickets, plugins=["airport"], as_of="2027-01-01T00:00").results
    got = {r["id"]: (r["grade"], r.get("repeat_of")) for r in results}
    assert got == expected
    # The data exercise every branch: repeats of both kinds, windows passed, upgrades.
    assert sum(1 for g, r in got.values() if r) > 50
    assert sum(1 for t in tickets if t.get("event_key") and got[t["id"]][1] is None) > 40
    assert any(t.get("rude_or_cold") and not t.get("fight_or_insult") and got[t["id"]][0] == "class_1" for t in tickets)


@pytest.mark.parametrize("n", [2_000])
def test_one_event_key_shared_by_many_tickets_costs_a_constant_per_ticket(n, monkeypatch):
    calls = 0
    within = a1._within

    def counting(*args):
        nonlocal calls
        calls += 1
        return within(*args)

    monkeypatch.setattr(a1, "_within", counting)
    start = datetime(2026, 3, 2, 9)
    tickets = [_ticket(i, start + timedelta(minutes=7 * i), "E1", "C1", "rude_or_cold") for i in range(n)]
    results = run(tickets, plugins=["airport"], as_of="2026-12-31T00:00").results
    assert [r.get("repeat_of") for r in results] == [None] + [f"J{i:05d}" for i in range(n - 1)]
    # Two look-ups a ticket at most (the event, the class-2 content): not one per earlier ticket.
    assert calls <= 2 * n


def test_the_window_is_judged_on_the_latest_earlier_ticket_only_edges():
    # 3 months from 2026-03-31 ends 2026-06-30 (第二百零二条: the month's last day).
    tickets = [
        _ticket(1, datetime(2026, 3, 31, 9), "E1", None, None),
        _ticket(2, datetime(2026, 6, 30, 23), "E1", None, None),  # the last day: a repeat of J00001
        _ticket(3, datetime(2026, 10, 1, 9), "E1", None, None),  # 2026-09-30 was J00002's last day
        _ticket(4, datetime(2027, 1, 1, 9), "E1", None, None),  # exactly three months after J00003
        _ticket(5, datetime(2027, 1, 1, 9), "E1", None, None),  # same minute: the earlier id is earlier
    ]
    got = {r["id"]: r.get("repeat_of") for r in run(tickets, plugins=["airport"], as_of="2027-02-01T00:00",
                                                       calendar={"years": {"2027": {"holidays": [date(2027, 1, 1)]}}}).results}
    assert got == {"J00001": None, "J00002": "J00001", "J00003": None, "J00004": "J00003", "J00005": "J00004"}
