"""The test kit: evaluate records with a given config and ``as_of``, and look at the outcome.

Plugin authors and the built-in plugins' own tests use it the same way::

    from policy.core.testing import run

    outcome = run([{"id": "T1", "received_at": "2026-03-02 09:00", ...}],
                  plugins=["power_supply"], params={"power_supply": {"schedule": "P2"}},
                  as_of="2026-04-01T00:00")
    assert outcome.consequence("T1", "P1-24.3.2.1")["min"] == 200

``run`` builds a clean plugin manager each time (never a global), loads only the plugins
named, plus any extra modules given (a local plugin under test), and checks that every
rule cited is one the plugin declares: citing an undeclared id fails the test, as does a
consequence kind, deadline status or appeal status the result document does not have.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any

from .config import from_dict
from .model import APPEAL_STATUSES, CONSEQUENCE_KINDS, DEADLINE_STATUSES, RecordError, as_dict
from .periods import Period
from .pipeline import Engine
from .plugins import discover, register_module
from .records import parse_time


class Outcome:
    """The result document of a run, as dicts, with look-ups by ticket and rule."""

    def __init__(self, results: list[dict], period: list[dict], errors: list[dict], summary: dict):
        self.results = results
        self.period = period
        self.errors = errors
        self.summary = summary
        self._by_id = {r["id"]: r for r in results}

    def result(self, ticket_id: str) -> dict:
        if ticket_id not in self._by_id:
            raise AssertionError(f"no result for {ticket_id!r}; errors: {self.errors}")
        return self._by_id[ticket_id]

    def deadline(self, ticket_id: str, rule: str) -> dict:
        found = [d for d in self.result(ticket_id)["deadlines"] if d["rule"] == rule]
        if len(found) != 1:
            raise AssertionError(f"{ticket_id}: expected one deadline of {rule}, found {found}")
        return found[0]

    def consequences(self, ticket_id: str, rule: str | None = None, **match: Any) -> list[dict]:
        return [
            c
            for c in self.result(ticket_id)["consequences"]
            if (rule is None or c["rule"] == rule) and all(c.get(k) == v for k, v in match.items())
        ]

    def consequence(self, ticket_id: str, rule: str, **match: Any) -> dict:
        found = self.consequences(ticket_id, rule, **match)
        if len(found) != 1:
            raise AssertionError(f"{ticket_id}: expected one consequence of {rule} {match}, found {found}")
        return found[0]

    def periods(self, rule: str | None = None, **match: Any) -> list[dict]:
        return [p for p in self.period if (rule is None or p["rule"] == rule) and all(p.get(k) == v for k, v in match.items())]

    def error(self, ticket_id: str | None = None, row: int | None = None) -> dict:
        for e in self.errors:
            if (ticket_id is None or e["id"] == ticket_id) and (row is None or e["row"] == row):
                return e
        raise AssertionError(f"no error for id={ticket_id!r} row={row!r}; errors: {self.errors}")

    def rules_cited(self) -> set[str]:
        cited = {p["rule"] for p in self.period}
        for r in self.results:
            cited.update(d["rule"] for d in r["deadlines"])
            cited.update(c["rule"] for c in r["consequences"])
            cited.update(rule for c in r["consequences"] for rule in c.get("adjusted_by", ()))
            cited.update(r.get("classified_by", ()))
            if r["appeal"]["status"] != "none":
                cited.add(r["appeal"]["rule"])
        return cited


# Every rule id any run in this process cited, and every plugin a run enabled: what the
# rule-coverage report (``pytest --policy-rule-coverage``) counts.
CITED: set[str] = set()
ENABLED: set[str] = set()


def coverage(regulations: Mapping[str, Any], plugins: Iterable[str]) -> dict[str, tuple[list[str], list[str]]]:
    """Per plugin: (its declared rule ids, those no run cited)."""
    out = {}
    for name in sorted(plugins):
        reg = regulations.get(name)
        if reg is not None:
            ids = [r.id for r in reg.rules]
            out[name] = (ids, [i for i in ids if i not in CITED])
    return out


def run(
    records: Iterable[Mapping[str, Any]],
    *,
    plugins: Sequence[str] = ("power_supply",),
    params: Mapping[str, Mapping[str, Any]] | None = None,
    calendar: Mapping[str, Any] | None = None,
    timezone: str = "Asia/Shanghai",
    as_of: str = "2026-12-31T00:00",
    period: str | None = None,
    roster: Sequence[Mapping[str, Any]] = (),
    modules: Sequence[ModuleType] = (),  # extra plugin modules: a regulation or local hooks
    source: str = "test",
) -> Outcome:
    """Evaluate ``records`` (raw rows as a reader yields them) with a config built from args."""
    found = discover(enabled=list(plugins))
    enabled = list(plugins)
    for module in modules:
        if not register_module(found, module):
            raise AssertionError(f"module {module.__name__} did not register: {found.failures}")
        info = found.info[next(reversed(found.info))]
        if info.regulation is not None:
            enabled.append(info.regulation.name)  # a regulation under test is enabled
    if found.failures:
        raise AssertionError(f"plugins failed to load: {found.failures}")
    data = {
        "policy": {"plugins": enabled, "timezone": timezone},
        "calendar": dict(calendar or {}),
        "plugins": {k: dict(v) for k, v in (params or {}).items()},
    }
    config = from_dict(data, found.regulations)
    ENABLED.update(enabled)
    engine = Engine(config, found, parse_time(as_of, config.zone, "as_of"))
    rows = [(source, i, dict(r)) for i, r in enumerate(records, 1)]
    if engine.needs_history:
        engine.remember(rows)
    results, errors = [], []
    for r in engine.evaluate(rows):
        (errors if isinstance(r, RecordError) else results).append(as_dict(r, engine.articles))
    chosen = Period.parse(period) if period else None
    period_out = [as_dict(p, engine.articles) for p in engine.period_consequences(chosen, list(roster))]
    errors += [as_dict(f, engine.articles) for f in engine.period_faults]
    outcome = Outcome(results, period_out, errors, engine.summary)
    undeclared = outcome.rules_cited() - set(engine.articles)
    if undeclared:
        raise AssertionError(f"results cite rules no enabled plugin declares: {sorted(undeclared)}")
    for what, used, known in (
        ("consequence kinds", {c["kind"] for r in results for c in r["consequences"]} | {p["kind"] for p in period_out},
         CONSEQUENCE_KINDS),
        ("deadline statuses", {d["status"] for r in results for d in r["deadlines"]}, DEADLINE_STATUSES),
        ("appeal statuses", {r["appeal"]["status"] for r in results}, APPEAL_STATUSES),
    ):
        if used - set(known):
            raise AssertionError(f"results report {what} the result document has not: {sorted(used - set(known))}")
    CITED.update(outcome.rules_cited())
    return outcome
