"""`policy evaluate --jobs N`: the tickets split across N worker processes.

The parent reads the rows once, in order, marks each row whose id repeats an earlier one
(its engine's :class:`~policy.core.ids.TicketIds`) and sends them in chunks to the workers.
Each worker evaluates its chunk and renders the results with the run's writer; the parent
writes them in input order and merges the workers' period ledgers, so the output is the
same as with one job. When a plugin needs earlier tickets, the parent first reads every row
for the history, as one job does, and gives it to every worker.
"""

from __future__ import annotations

import io
import itertools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from policy.core.model import RecordError, Result
from policy.core.pipeline import Engine

CHUNK = 2000

_engine: Engine | None = None
_render: Callable[[Result], bytes] | None = None


def _start_worker(config_path: str, as_of: datetime, histories: dict, writer_class: type | None) -> None:
    global _engine, _render
    from policy.cli.main import load_engine_setup

    config, plugins = load_engine_setup(config_path)
    _engine = Engine(config, plugins, as_of)
    for name, history in histories.items():
        _engine.industries[name].history = history
    if writer_class is not None:
        _render = writer_class(io.BytesIO(), _engine.articles).render


def _evaluate_chunk(task: tuple[list, list[bool]]) -> tuple[list, dict, tuple[int, int, int]]:
    rows, repeated = task
    engine = _engine
    engine.records = engine.evaluated = engine.rejected = 0
    for industry in engine.industries.values():
        industry.ledger = type(industry.ledger)()
    out = list(engine.evaluate_chunk(rows, repeated))
    if _render is not None:
        # One list of rendered results, the parent writes it in one go; errors after it
        # (the writers keep errors for the end anyway).
        rendered = [_render(r) for r in out if not isinstance(r, RecordError)]
        out = [rendered, *(r for r in out if isinstance(r, RecordError))]
    ledgers = {name: i.ledger._entries for name, i in engine.industries.items()}
    return out, ledgers, (engine.records, engine.evaluated, engine.rejected)


def _chunks(engine: Engine, rows: Iterable) -> Iterator[tuple[list, list[bool]]]:
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, CHUNK)):
        yield chunk, engine.repeated(chunk)


def evaluate(engine: Engine, config_path: str, rows, jobs: int, writer_class: type | None) -> Iterator[list[bytes] | Result | RecordError]:
    """Like ``engine.evaluate(rows())`` over ``jobs`` processes; ``rows`` is re-readable.

    With a ``writer_class`` that renders, the results of a chunk come back as one list of
    rendered results, else as Results.
    """
    if engine.needs_history:
        engine.remember(rows())
    histories = {name: i.history for name, i in engine.industries.items() if i.needs_history}
    context = multiprocessing.get_context("spawn")  # no fork of a parent holding open files
    with context.Pool(jobs, _start_worker, (config_path, engine.as_of, histories, writer_class)) as pool:
        for out, ledgers, (records, evaluated, rejected) in pool.imap(_evaluate_chunk, _chunks(engine, rows())):
            engine.records += records
            engine.evaluated += evaluated
            engine.rejected += rejected
            for name, entries in ledgers.items():
                engine.industries[name].ledger.merge(entries)
            yield from out
