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
import concurrent.futures
import importlib.util
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..model import RecordError, Result
from ..periods import AMOUNT_DECIMALS
from ..pipeline import Engine, raw_id

EXECUTOR_VARIABLE = "POLICY_EXECUTOR"  # per_ticket | columnar (tests and the benchmark); unset: auto
BATCH_BYTES = 16 * 2**20  # input bytes a batch (about 40,000 tickets): memory is bounded by it, not by the input


class Plan:
    """Which executor a run takes, and why (what ``--debug`` prints)."""

    def __init__(self, columnar: bool, reasons: list[str]):
        self.columnar = columnar
        self.reasons = reasons
        self.per_ticket: collections.Counter[str] = collections.Counter()  # rows that went per ticket, by why
        self.seconds: collections.Counter[str] = collections.Counter()  # seconds by stage, summed over batches

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
    batches: Iterable[tuple[str, int, bytes]],
    per_ticket_rows: Callable[[str, int, list[bytes]], Iterable[tuple[str, int, Any]]],
    lines_of: Callable[[bytes], list[bytes]],
    render: Callable[[Result], bytes],
    form: str = "jsonl",
    per_ticket_count: collections.Counter | None = None,
    seconds: collections.Counter | None = None,
    workers: int = 2,
) -> Iterator[list[bytes] | Result | RecordError]:
    """Like ``engine.evaluate(rows)`` for JSON Lines ``batches`` of (source, first line number,
    bytes of whole lines); yields lists of rendered results (as the ``--jobs`` workers do) and
    RecordErrors.

    ``per_ticket_rows(source, line_no, [line])`` reads one line as the per-ticket reader does
    (the row, a FieldError, or nothing for a blank line), ``lines_of(batch)`` splits a batch
    into those lines; ``render`` is the writer's own rendering of a per-ticket Result
    (``form``: jsonl or json), so both kinds of rows come out in one form; ``per_ticket_count``
    counts the rows that went per ticket, by why, and ``seconds`` the time of each stage
    (read, rules, document, per ticket; writing is the writer's, after each batch is yielded);
    ``workers``: threads that read and run the rules beside this one (``--jobs``; 1: one core's worth).
    """
    import time

    import polars as pl

    from .calendar import CalendarTable
    from .compile import evaluate as compile_batch
    from .document import render as documents_of
    from .read import read_jsonl

    count = per_ticket_count if per_ticket_count is not None else collections.Counter()
    seconds = seconds if seconds is not None else collections.Counter()
    clock = time.perf_counter
    (industry,) = engine.industries.values()  # plan() lets one industry through
    table = CalendarTable(engine.calendar, _zone(engine))
    hook_guards = guards(industry)
    ledger, articles, name, parser = industry.ledger, engine.articles, industry.name, industry.parser
    totals = None  # the tallies' sums per key and month so far (bounded by keys × months, not tickets)

    def read(batch: tuple[str, int, bytes]) -> tuple[Any, float]:
        started = clock()
        return read_jsonl(batch[2], parser, batch[1]), clock() - started

    def answer(frame: Any) -> tuple[Any, Any, bytes | None, float, float]:
        """The rules and the documents of a batch; its text when every row was answered."""
        started = clock()
        frames = compile_batch(frame, industry.declared, industry.params, table, engine.as_of, hook_guards)
        middle = clock()
        documents = documents_of(frames.tickets, frames.deadlines, frames.consequences, articles, name, form)
        text = documents.joined() if documents.height == frame.height and documents.height else None
        return frames, documents, text, middle - started, clock() - middle

    # Three stages overlap, each batch in input order: a pool thread reads the next batch, the
    # other runs the rules of this one, while this thread checks ids, evaluates per ticket the
    # rows the columns leave, and hands the previous batch to the writer. polars releases the
    # GIL while it works. One batch's rules at a time: the calendar table is not shared.
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(2, workers)), thread_name_prefix="policy-columnar")
    batches = iter(batches)
    reading: collections.deque = collections.deque()

    def read_ahead() -> None:
        batch = next(batches, None)
        if batch is not None:
            reading.append((batch, pool.submit(read, batch)))

    try:
        read_ahead()
        answering = None  # (batch, frame, what prepare found, the rules' future)
        while reading or answering is not None:
            answered_batch = None
            if answering is not None:
                answered_batch = (*answering[:3], answering[3].result())
            if reading:
                batch, future = reading.popleft()
                frame, took = future.result()
                seconds["read"] += took
                read_ahead()
                frame, found = _prepare(engine, batch, frame, per_ticket_rows, lines_of)
                answering = (batch, frame, found, pool.submit(answer, frame))
            else:
                answering = None
            if answered_batch is None:
                continue
            (source, first_line, data), frame, (repeated, read_rows, lines), result = answered_batch
            frames, documents, text, rules_took, document_took = result
            seconds["rules"] += rules_took
            seconds["document"] += document_took
            started = clock()
            tickets = frames.tickets
            answered = documents.height
            if answered:
                totals = _totals(frames.tallies, totals)
                unknown = tickets.filter(~pl.col("_per_ticket")).get_column("unknown_deadline").sum()
                engine.add_counts((answered, answered, 0, int(unknown or 0)))
            if text is not None:  # the common batch: one text, no Python per ticket
                seconds["ledger"] += clock() - started
                yield [text]
                continue
            if not frame.height:
                continue
            if not lines:
                lines = lines_of(data)
            rows = frame.get_column("_row").to_list()
            doubt = frame.get_column("_doubt").to_list()
            per_ticket = dict(zip(tickets.get_column("_row").to_list(), tickets.get_column("_per_ticket").to_list()))
            answered_rows = documents.get_column("_row").to_list()
            out: list[bytes] = []
            errors: list[RecordError] = []
            start = done = 0  # documents[start:done]: answered, not yet written
            for i, row in enumerate(rows):
                if done < answered and answered_rows[done] == row:
                    done += 1
                    continue
                if not per_ticket.get(row):
                    raise AssertionError(f"{source}:{row}: neither executor evaluated this row")
                if done > start:
                    out.append(documents.slice(start, done - start).joined())
                    start = done
                count["a repeated id" if repeated[i] else "a value the reader is not sure of" if doubt[i]
                      else "a hook's guard or an error to word"] += 1
                for raw_row in read_rows.get(row) or per_ticket_rows(source, row, [lines[row - first_line]]):
                    for r in engine.evaluate_chunk([raw_row], [repeated[i]]):
                        if isinstance(r, RecordError):
                            errors.append(r)
                        else:
                            out.append(render(r))
            if done > start:
                out.append(documents.slice(start, done - start).joined())
            seconds["per ticket"] += clock() - started
            yield out
            yield from errors
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if totals is not None:  # before the period rules read the ledger: the generator is spent first
        ledger.merge(_sums(totals))


def _prepare(engine: Engine, batch: tuple[str, int, bytes], frame: Any, per_ticket_rows: Callable,
             lines_of: Callable) -> tuple[Any, tuple[list[bool], dict[int, list], list[bytes]]]:
    """The batch's ids checked against every earlier one, in input order: a repeated id, like a
    row the reader doubts, goes per ticket (``_doubt``). A doubtful row is read by the per-ticket
    reader here already: its id is the one that reader gives (none for a row it refuses, two
    keys of one field say), as without polars."""
    import polars as pl

    source, first_line, data = batch
    doubtful = frame.filter(pl.col("_doubt")).get_column("_row").to_list()
    ids = frame.get_column("_raw_id").to_list()
    lines = lines_of(data) if doubtful else []
    read: dict[int, list] = {}
    if doubtful:
        place = dict(zip(frame.get_column("_row").to_list(), range(frame.height)))
        for row in doubtful:
            read[row] = list(per_ticket_rows(source, row, [lines[row - first_line]]))
            ids[place[row]] = next((None if isinstance(raw, BaseException) else raw_id(raw)
                                    for _, _, raw in read[row]), None)
    repeated = engine.ids.repeated(ids)
    if any(repeated):
        frame = frame.with_columns(_doubt=pl.col("_doubt") | pl.Series(repeated, dtype=pl.Boolean))
    return frame, (repeated, read, lines)


def _totals(tallies: Any, totals: Any) -> Any:
    """The batch's tallies added to the sums so far: per key and month, the count, the sum of
    the least amounts and of the most (null when one of them has no upper bound), each amount
    on the ledger's grid as ``Ledger.add`` puts it (core/periods.py)."""
    import polars as pl

    if tallies.height == 0:
        return totals
    grid = AMOUNT_DECIMALS
    batch = tallies.select("key", year=pl.col("on").dt.year(), month=pl.col("on").dt.month(), count=pl.lit(1, pl.Int64),
                           amount_min=pl.col("amount_min").round(grid), amount_max=pl.col("amount_max").round(grid))
    both = batch if totals is None else pl.concat([totals, batch])
    return both.group_by("key", "year", "month", maintain_order=True).agg(
        count=pl.col("count").sum(), amount_min=pl.col("amount_min").sum().round(grid),
        amount_max=pl.when(pl.col("amount_max").null_count() == 0).then(pl.col("amount_max").sum().round(grid)),
    )


def _sums(totals: Any) -> dict[tuple, dict[tuple[int, int], tuple[int, float, float | None]]]:
    """The sums as :meth:`Ledger.sums` gives them, for ``Ledger.merge``."""
    out: dict[tuple, dict] = {}
    for key, year, month, n, low, high in totals.iter_rows():
        out.setdefault(tuple(key), {})[(year, month)] = (n, low, high)
    return out
