"""The columnar executor: ``policy evaluate`` on JSON Lines, a batch of tickets at a time.

The same declarations the per-ticket pipeline runs (:mod:`policy.core.declared`), compiled to
polars expressions (:mod:`.compile`), on batches of input lines read into typed columns
(:mod:`.read`), written as the very bytes the per-ticket writers write (:mod:`.document`).

Whatever the columns cannot decide exactly goes through the per-ticket :class:`Engine`, row by
row, and is spliced back in input order: a row the reader doubts (a cell it cannot be sure to
read as the parser does), a repeated id, a row a declaration declines (an error the
per-ticket path must word). So the output, the errors, the counts and the period ledger are
the per-ticket executor's, byte for byte (tests/differential/).

:func:`plan` says whether a run can take this path and, if not, why: the run then goes per
ticket, as it always did, and ``--debug`` says so.
"""

from __future__ import annotations

import collections
import importlib.util
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..model import RecordError, Result
from ..periods import AMOUNT_DECIMALS
from ..pipeline import Engine, raw_id

EXECUTOR_VARIABLE = "POLICY_EXECUTOR"  # per_ticket | columnar (tests and the benchmark); unset: auto
BATCH = 50_000  # input lines a batch: memory is bounded by it, not by the input


class Plan:
    """Which executor a run takes, and why (what ``--debug`` prints)."""

    def __init__(self, columnar: bool, reasons: list[str]):
        self.columnar = columnar
        self.reasons = reasons
        self.per_ticket: collections.Counter[str] = collections.Counter()  # rows that went per ticket, by why

    def __bool__(self) -> bool:
        return self.columnar


def plan(engine: Engine, fmt: str, inputs: Iterable[str], explaining: bool) -> Plan:
    """The columnar executor runs when polars is installed, the output is json or jsonl, every
    input is JSON Lines, nothing is explained, and every enabled industry's per-ticket rules are
    declared (a hook with no guard, or a rule on earlier tickets, keeps its industry per ticket)."""
    wanted = os.environ.get(EXECUTOR_VARIABLE, "")
    if wanted == "per_ticket":
        return Plan(False, [f"{EXECUTOR_VARIABLE}=per_ticket"])
    reasons = []
    if importlib.util.find_spec("polars") is None:
        reasons.append("polars is not installed (pip install 'policy-complaints[fast]')")
    if fmt not in ("json", "jsonl"):
        reasons.append(f"--format {fmt}: the columnar executor writes json and jsonl")
    if any(not str(p).lower().endswith((".jsonl", ".ndjson")) or p == "-" for p in inputs):
        reasons.append("an input is not a JSON Lines file")
    if explaining:
        reasons.append("--explain traces each ticket on the per-ticket path")
    if len(engine.industries) > 1:
        reasons.append(f"{len(engine.industries)} industries enabled: the columnar executor runs one at a time")
    if not reasons:
        for industry in engine.industries.values():
            why = why_not_columnar(industry, engine)
            if why:
                reasons.append(f"{industry.name}: {why}")
    if reasons:
        return Plan(False, reasons)
    return Plan(True, [f"{name}: columnar" for name in engine.industries])


# The per-ticket hooks: an implementation with no guard (@applies) answers every ticket, so its
# industry cannot run columnar; a guarded one sends only the tickets its guard holds for.
TICKET_HOOKS = ("classify", "deadlines", "appeal", "consequences", "period_facts")


def why_not_columnar(industry: Any, engine: Engine) -> str | None:
    """Why this industry's tickets must all go per ticket, or None when they can run columnar."""
    from policy.core.declared import guard_of

    from .calendar import CalendarTable, NotColumnar
    from .compile import evaluate as compile_batch
    from .read import read_jsonl

    if industry.declared is None:
        return "it declares no rules: its hooks answer every ticket"
    if industry.needs_history:
        return "a rule on earlier tickets (policy_history) is not declared"
    if industry.versions is not None:
        return "dated parameters ([{from = ..., value = ...}]) are read per ticket"
    for hook in TICKET_HOOKS:
        for impl in getattr(industry, hook).impls:
            if guard_of(impl.function) is None:
                return f"plugin {impl.plugin_name} implements policy_{hook} with no guard (@applies)"
    try:  # a declaration the compile does not know says so on an empty batch, before any ticket
        compile_batch(read_jsonl([], industry.parser), industry.declared, industry.params,
                      CalendarTable(engine.calendar, _zone(engine)), engine.as_of, guards(industry))
    except NotColumnar as e:
        return str(e)
    return None


def guards(industry: Any) -> list[Any]:
    from policy.core.declared import guard_of

    return [guard_of(impl.function) for hook in TICKET_HOOKS for impl in getattr(industry, hook).impls]


def _zone(engine: Engine) -> str:
    return engine.config.policy.timezone


def evaluate(
    engine: Engine,
    batches: Iterable[tuple[str, int, list[bytes]]],
    per_ticket_rows: Callable[[str, int, list[bytes]], Iterable[tuple[str, int, Any]]],
    render: Callable[[Result], bytes],
    form: str = "jsonl",
    per_ticket_count: collections.Counter | None = None,
) -> Iterator[list[bytes] | Result | RecordError]:
    """Like ``engine.evaluate(rows)`` for JSON Lines ``batches`` of (source, first line number,
    lines); yields lists of rendered results (as the ``--jobs`` workers do) and RecordErrors.

    ``per_ticket_rows(source, line_no, [line])`` reads one line as the per-ticket reader does
    (the row, a FieldError, or nothing for a blank line); ``render`` is the writer's own
    rendering of a per-ticket Result (``form``: jsonl or json), so both kinds of rows come out
    in one form; ``per_ticket_count`` counts the rows that went per ticket, by why.
    """
    import polars as pl

    from .calendar import CalendarTable
    from .compile import evaluate as compile_batch
    from .document import render as documents_of
    from .read import read_jsonl

    count = per_ticket_count if per_ticket_count is not None else collections.Counter()
    (industry,) = engine.industries.values()  # plan() lets one industry through
    table = CalendarTable(engine.calendar, _zone(engine))
    hook_guards = guards(industry)
    ledger, articles, name = industry.ledger, engine.articles, industry.name
    for source, first_line, lines in batches:
        frame = read_jsonl(lines, industry.parser, first_line)
        rows = frame.get_column("_row").to_list()
        doubt = frame.get_column("_doubt").to_list()
        ids = frame.get_column("_raw_id").to_list()
        # A doubtful row is read by the per-ticket reader, here already: its id is the one that
        # reader gives (none for a row it refuses, two keys of one field say), as without polars.
        read: dict[int, list] = {}
        for i, row in enumerate(rows):
            if doubt[i]:
                read[row] = list(per_ticket_rows(source, row, [lines[row - first_line]]))
                ids[i] = next((None if isinstance(raw, BaseException) else raw_id(raw) for _, _, raw in read[row]), None)
        repeated = engine.ids.repeated(ids)
        if any(repeated):
            frame = frame.with_columns(_doubt=pl.col("_doubt") | pl.Series(repeated, dtype=pl.Boolean))
        frames = compile_batch(frame, industry.declared, industry.params, table, engine.as_of, hook_guards)
        tickets = frames.tickets
        documents = documents_of(tickets, frames.deadlines, frames.consequences, articles, name, form)
        answered = documents.height
        if answered:
            ledger.merge(_sums(frames.tallies))
            unknown = tickets.filter(~pl.col("_per_ticket")).get_column("unknown_deadline").sum()
            engine.add_counts((answered, answered, 0, int(unknown or 0)))
        if answered == len(rows):  # the common batch: one text, no Python per ticket
            yield [_joined(documents.get_column("document"), form)]
            continue
        per_ticket = dict(zip(tickets.get_column("_row").to_list(), tickets.get_column("_per_ticket").to_list()))
        texts = dict(zip(documents.get_column("_row").to_list(), documents.get_column("document").to_list()))
        out: list[bytes] = []
        errors: list[RecordError] = []
        run: list[str] = []
        for i, row in enumerate(rows):
            text = texts.get(row)
            if text is not None:
                run.append(text)
                continue
            if not per_ticket.get(row):
                raise AssertionError(f"{source}:{row}: neither executor evaluated this row")
            if run:
                out.append(_joined(run, form))
                run = []
            count["a value the reader is not sure of" if doubt[i] else "a repeated id" if repeated[i]
                  else "a hook's guard or an error to word"] += 1
            for raw_row in read.get(row) or per_ticket_rows(source, row, [lines[row - first_line]]):
                for r in engine.evaluate_chunk([raw_row], [repeated[i]]):
                    if isinstance(r, RecordError):
                        errors.append(r)
                    else:
                        out.append(render(r))
        if run:
            out.append(_joined(run, form))
        yield out
        yield from errors


def _joined(documents: Any, form: str) -> bytes:
    """Documents as the writer's ``emit_many`` takes one rendered result: jsonl, each with its
    line break; json, each after a line break, the writer joining results with commas."""
    if form == "jsonl":
        return ("\n".join(documents) + "\n").encode()
    return ("\n" + ",\n".join(documents)).encode()


def _sums(tallies: Any) -> dict[tuple, dict[tuple[int, int], tuple[int, float, float | None]]]:
    """The batch's tallies as :meth:`Ledger.sums` gives them: per key and month, the count, the
    sum of the least amounts and of the most (None when one of them has no upper bound)."""
    import polars as pl

    if tallies.height == 0:
        return {}
    grouped = tallies.group_by("key", year=pl.col("on").dt.year(), month=pl.col("on").dt.month(),
                               maintain_order=True).agg(
        # Each amount on the ledger's grid first, as Ledger.add puts it (core/periods.py).
        count=pl.len(), amount_min=pl.col("amount_min").round(AMOUNT_DECIMALS).sum(),
        amount_max=pl.when(pl.col("amount_max").null_count() == 0)
        .then(pl.col("amount_max").round(AMOUNT_DECIMALS).sum()),
    )
    out: dict[tuple, dict] = {}
    for key, year, month, n, low, high in grouped.iter_rows():
        out.setdefault(tuple(key), {})[(year, month)] = (n, low, high)
    return out
