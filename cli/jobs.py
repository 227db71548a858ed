"""`policy evaluate --jobs N`: the tickets split across N worker processes.

The parent reads the input in chunks: JSON Lines as raw lines, which the workers parse, other
formats as rows. Each worker evaluates a chunk and renders its results with the run's writer;
the parent writes them in input order and merges the workers' period ledgers, so the output
is the same as with one job.

Ids are unique in a run, and only the parent sees every chunk. A worker marks the ids its
chunk repeats and returns every id; the parent checks them against the ids of the chunks
before (its engine's :class:`~policy.core.ids.TicketIds`) and, in the rare chunk that repeats
an earlier chunk's id, has it evaluated again with the repeats marked. When a plugin needs
earlier tickets, the parent first reads every row for the history, as one job does, and gives
it to every worker.
"""

from __future__ import annotations

import collections
import io
import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from policy.cli.inputs import JsonLines
from policy.core.ids import TicketIds
from policy.core.model import RecordError, Result
from policy.core.pipeline import Engine, ticket_ids
from policy.core.setup import load_engine_setup

CHUNK = 2000
WINDOW = 2  # chunks in flight per worker: one being evaluated, one waiting

Chunk = JsonLines | list  # raw JSON lines, or rows already read

_engine: Engine | None = None
_render: Callable[[Result], bytes] | None = None


def _start_worker(config_path: str, as_of: datetime, histories: dict, writer_class: type | None) -> None:
    global _engine, _render
    # Ctrl-C reaches every process of the terminal's group: the parent alone stops the run
    # (and ends the workers), so the workers print no traceback of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _engine = load_engine_setup(config_path).engine(as_of)
    for name, history in histories.items():
        _engine.industries[name].history = history
    if writer_class is not None:
        _render = writer_class(io.BytesIO(), _engine.articles).render


def _evaluate_chunk(task: tuple[Chunk, list[bool] | None]) -> tuple[list, dict, tuple[int, ...], list, list[bool]]:
    """Evaluate one chunk; ``repeated`` None means: mark only the repeats within the chunk."""
    chunk, repeated = task
    rows = list(chunk.rows()) if isinstance(chunk, JsonLines) else chunk
    ids = ticket_ids(rows)
    if repeated is None:
        repeated = TicketIds().repeated(ids)
    engine = _engine
    engine.records = engine.evaluated = engine.rejected = engine.unknown_deadlines = 0
    for industry in engine.industries.values():
        industry.ledger = type(industry.ledger)()
    out = list(engine.evaluate_chunk(rows, repeated))
    if _render is not None:
        # One list of rendered results, which the parent writes in one go; errors after it
        # (the writers keep errors for the end anyway).
        rendered = [_render(r) for r in out if not isinstance(r, RecordError)]
        out = [rendered, *(r for r in out if isinstance(r, RecordError))]
    ledgers = {name: i.ledger.sums() for name, i in engine.industries.items()}
    return out, ledgers, engine.counts(), ids, repeated


def evaluate(
    engine: Engine, config_path: str, chunks: Iterable[Chunk], rows: Callable[[], Iterable], jobs: int,
    writer_class: type | None,
) -> Iterator[list[bytes] | Result | RecordError]:
    """Like ``engine.evaluate(rows())`` over ``jobs`` processes.

    ``chunks`` is the input in chunks (:func:`policy.cli.inputs.read_chunks`); ``rows`` reads it
    again as rows, for the history, only when a plugin needs earlier tickets. With a
    ``writer_class`` that renders, the results of a chunk come back as one list of rendered
    results, else as Results.
    """
    if engine.needs_history:
        engine.remember(rows())
    histories = {name: i.history for name, i in engine.industries.items() if i.needs_history}
    context = multiprocessing.get_context("spawn")  # no fork of a parent holding open files
    with context.Pool(jobs, _start_worker, (config_path, engine.as_of, histories, writer_class)) as pool:
        # The input is read here, in the main thread, a few chunks ahead of the results: a
        # signal stops the reading (the pool's own thread could wait on standard input for
        # ever), and memory holds at most WINDOW chunks per worker.
        pending: collections.deque = collections.deque()  # (chunk, its answer to come), in input order

        def answers() -> Iterator[tuple[Chunk, tuple]]:
            for chunk in chunks:
                pending.append((chunk, pool.apply_async(_evaluate_chunk, ((chunk, None),))))
                if len(pending) >= WINDOW * jobs:
                    chunk, answer = pending.popleft()
                    yield chunk, answer.get()
            while pending:
                chunk, answer = pending.popleft()
                yield chunk, answer.get()

        for chunk, answer in answers():
            out, ledgers, counts, ids, within = answer
            repeated = engine.ids.repeated(ids)
            if repeated != within:  # an id of an earlier chunk: evaluated again, repeats marked
                out, ledgers, counts, _, _ = pool.apply(_evaluate_chunk, ((chunk, repeated),))
            engine.add_counts(counts)
            for name, entries in ledgers.items():
                engine.industries[name].ledger.merge(entries)
            yield from out


def chunks_of(paths: Iterable[str], **read_options: Any) -> Iterator[Chunk]:
    from policy.cli.inputs import read_chunks

    for path in paths:
        yield from read_chunks(path, CHUNK, **read_options)
