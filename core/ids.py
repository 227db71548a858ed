"""Ticket ids seen in a run, so that a repeated id is rejected (contract.md: unique in a run).

Exact, in memory that does not grow with the file: the first ``in_memory`` ids are kept in a
set; past that they move to a temporary SQLite table on disk (sqlite3 is in the standard
library; its B-tree and bounded page cache do what a compact on-disk set needs), asked a
chunk of ids at a time. Ids in exports mostly rise, which keeps the B-tree's pages warm.
"""

from __future__ import annotations

import sqlite3
import warnings
from collections.abc import Sequence

IN_MEMORY = 100_000  # ~9 MiB of ids in a set before they move to disk
CACHE_KIB = 8192  # SQLite's page cache: the bound on memory once ids are on disk
_QUERY_LIMIT = 900  # ids per query, under SQLite's oldest limit of 999 parameters


class TicketIds:
    def __init__(self, in_memory: int | None = None):
        self.in_memory = IN_MEMORY if in_memory is None else in_memory
        self._recent: set[str] = set()
        self._db: sqlite3.Connection | None = None

    def repeated(self, ids: Sequence[str | None]) -> list[bool]:
        """For each id of a chunk, in order: was it seen before (earlier chunks or earlier here)?

        Records every id. None (a row without an id) is never a repeat; the parser rejects it.
        """
        given = [i for i in ids if i is not None]
        on_disk = self._on_disk(given) if self._db is not None else ()
        recent = self._recent
        if not on_disk and len(unique := set(given)) == len(given) and recent.isdisjoint(unique):
            recent |= unique  # the usual chunk, nothing repeated: set operations only
            out = [False] * len(ids)
        else:
            out = self._mark(ids, on_disk)
        if len(recent) >= self.in_memory:
            try:
                self._spill()
            except sqlite3.Error as e:
                # No usable temporary directory: keep every id in memory rather than fail the run.
                warnings.warn(f"ticket ids stay in memory: no temporary SQLite table ({e})", stacklevel=2)
                self.in_memory = float("inf")
        return out

    def _mark(self, ids: Sequence[str | None], on_disk: set[str]) -> list[bool]:
        recent = self._recent
        out = []
        for ticket_id in ids:
            if ticket_id is None:
                out.append(False)
            elif ticket_id in recent or ticket_id in on_disk:
                out.append(True)
            else:
                recent.add(ticket_id)
                out.append(False)
        return out

    def _on_disk(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), _QUERY_LIMIT):
            part = ids[start : start + _QUERY_LIMIT]
            query = f"SELECT id FROM ids WHERE id IN ({','.join('?' * len(part))})"
            found.update(row[0] for row in self._db.execute(query, part))
        return found

    def _spill(self) -> None:
        if self._db is None:
            # "" is a private temporary database on disk, deleted when closed.
            # --jobs checks ids in the thread that feeds the workers: one thread at a time.
            self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
            for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{CACHE_KIB}"):
                self._db.execute(f"PRAGMA {pragma}")
            self._db.execute("CREATE TABLE ids (id TEXT PRIMARY KEY) WITHOUT ROWID")
        with self._db:  # one transaction
            self._db.execute("BEGIN")
            self._db.executemany("INSERT INTO ids VALUES (?)", ((i,) for i in sorted(self._recent)))
        self._recent = set()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
