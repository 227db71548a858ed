"""`policy evaluate --jobs N`: the tickets split across N worker processes.

The parent reads every row once (to find repeated ids, and to build the history when a
plugin needs earlier tickets), sends the rows in chunks to the workers, writes their results
in input order, and merges their period ledgers, so the output is the same as with one job.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Iterable, Iterator
from datetime import datetime

from policy.core.model import RecordError, Result
from policy.core.pipeline import Engine, raw_id
from policy.core.records import FieldError

CHUNK = 2000

_engine: Engine | None = None


def _start_worker(config_path: str, as_of: datetime, histories: dict, duplicates: set) -> None:
    global _engine
    from policy.cli.main import load_engine_setup

    config, plugins = load_engine_setup(config_path)
    _engine = Engine(config, plugins, as_of)
    _engine.duplicate_rows = duplicates
    for name, history in histories.items():
        _engine.industries[name].history = history


def _evaluate_chunk(rows: list) -> tuple[list, dict, tuple[int, int, int]]:
    engine = _engine
    engine.records = engine.evaluated = engine.rejected = 0
    for industry in engine.industries.values():
        industry.ledger = type(industry.ledger)()
    out = list(engine.evaluate(rows))
    ledgers = {name: i.ledger._entries for name, i in engine.industries.items()}
    return out, ledgers, (engine.records, engine.evaluated, engine.rejected)


def duplicate_rows(rows: Iterable) -> set[tuple[str, int]]:
    seen, duplicates = set(), set()
    for source, row, raw in rows:
        if isinstance(raw, FieldError):
            continue
        ticket_id = raw_id(raw)
        if ticket_id is None:
            continue
        if ticket_id in seen:
            duplicates.add((source, row))
        seen.add(ticket_id)
    return duplicates


def evaluate(engine: Engine, config_path: str, rows, jobs: int) -> Iterator[Result | RecordError]:
    """Like ``engine.evaluate(rows())``, spread over ``jobs`` processes; ``rows`` is re-readable."""
    duplicates = duplicate_rows(rows())
    if engine.needs_history:
        engine.remember(rows())
    histories = {name: i.history for name, i in engine.industries.items() if i.needs_history}
    context = multiprocessing.get_context("spawn")  # no fork of a parent holding open files
    chunks = iter(lambda it=iter(rows()): list(itertools.islice(it, CHUNK)), [])
    with context.Pool(jobs, _start_worker, (config_path, engine.as_of, histories, duplicates)) as pool:
        for out, ledgers, (records, evaluated, rejected) in pool.imap(_evaluate_chunk, chunks):
            engine.records += records
            engine.evaluated += evaluated
            engine.rejected += rejected
            for name, entries in ledgers.items():
                engine.industries[name].ledger.merge(entries)
            yield from out
