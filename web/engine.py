"""The page's only door into the engine, the readers and the writers.

Everything the page knows about evaluating goes through the functions here, so that when
the command line's pieces move (the engine setup, the readers, the writers, the explain
trace) only this module is re-pointed. The page adds no rule of its own: a job runs the
same :class:`~policy.core.pipeline.Engine` and the same writers as ``policy evaluate``, so
its downloads are byte-identical to the command line's for the same inputs, config and
evaluation time.

A job runs in a child process whose working directory is the job's private folder, and the
inputs are named there as the page stored them (``upload-1.xlsx``), so that the result
document names the same sources as ``policy evaluate upload-1.xlsx`` run in that folder.
"""

from __future__ import annotations

import os
import sqlite3
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from policy.core.model import PeriodConsequence, RecordError, Result, as_dict

# The files a finished job leaves in its folder: the downloads, and the index the page reads.
DOWNLOADS = {"xlsx": "results.xlsx", "csv": "results.csv", "json": "results.json"}
INDEX = "index.sqlite"
STATUS = "status.json"

# Roles that name a unit (a section, a department) rather than a person, for the unit filter.
UNIT_ROLES = frozenset({"unit", "department", "section", "quality_department"})

PROGRESS_EVERY = 2000  # records between two progress notes


def load_setup(config_path: str | None):
    """The config and plugins, exactly as ``policy evaluate`` loads them."""
    from policy.cli.main import load_engine_setup

    return load_engine_setup(config_path)


def enabled_regulations(config, plugins) -> list[dict[str, Any]]:
    """Each enabled regulation with the figures its config overrides (value beside default)."""
    from policy.core.config import parameters_as_dict
    from policy.core.regulation import parameter_docs

    out = []
    for name, params in config.parameters.items():
        reg = plugins.regulations[name]
        values = parameters_as_dict(params)
        overrides = [
            {**d, "value": values[d["name"]]}
            for d in parameter_docs(reg.parameters)
            if values[d["name"]] != d["default"]
        ]
        out.append({"name": name, "title": reg.title, "source": reg.source, "overrides": overrides})
    return out


def input_suffixes() -> tuple[str, ...]:
    """The file name endings the readers accept (.csv, .xlsx, ...)."""
    from policy.cli.inputs import FORMATS

    return tuple(FORMATS)


def ticket_trace(job_dir: Path, ticket_id: str, lang: str) -> dict[str, Any] | None:
    """The same trace as ``policy explain`` for one ticket, or None where it is not built.

    ``policy explain`` (core/trace.py) is being built on another branch; until it is merged
    the page shows the ticket's whole result instead. Re-point this function at it then.
    """
    try:
        from policy.core import trace  # noqa: F401
    except ImportError:
        return None
    return None


class JobFailed(Exception):
    """An input or option the engine refuses as a whole (what ``policy evaluate`` exits 2 on)."""


def _write_status(job_dir: Path, status: dict[str, Any]) -> None:
    tmp = job_dir / (STATUS + ".tmp")
    tmp.write_bytes(orjson.dumps(status))
    os.replace(tmp, job_dir / STATUS)


def read_status(job_dir: Path) -> dict[str, Any] | None:
    try:
        return orjson.loads((job_dir / STATUS).read_bytes())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return None


def run_job(job_dir: str, config_path: str | None, inputs: list[str], roster: str | None,
            as_of: str | None, period: str | None) -> None:
    """A child process's whole work: evaluate, write the downloads and the index, note the status."""
    folder = Path(job_dir)
    os.chdir(folder)  # sources are named as stored (upload-1.xlsx), as the CLI run there names them

    def progress(records: int, rejected: int) -> None:
        _write_status(folder, {"state": "running", "records": records, "rejected": rejected})

    try:
        summary = evaluate_into(folder, config_path, inputs, roster, as_of, period, progress)
    except JobFailed as e:
        _write_status(folder, {"state": "failed", "message": str(e)})
    except Exception:  # a bug: keep the traceback for the page, which says where to report it
        _write_status(folder, {"state": "failed", "message": "internal error", "detail": traceback.format_exc()})
    else:
        _write_status(folder, {"state": "done", **summary})


def evaluate_into(folder: Path, config_path: str | None, inputs: list[str], roster: str | None,
                  as_of: str | None, period: str | None,
                  progress: Callable[[int, int], None] = lambda records, rejected: None) -> dict[str, Any]:
    """``policy evaluate`` once, its result written by the json, csv and xlsx writers at once
    and indexed for the page. Paths are relative to the working directory."""
    from policy.cli import inputs as readers
    from policy.cli import outputs
    from policy.core.config import ConfigError
    from policy.core.periods import Period
    from policy.core.pipeline import Engine
    from policy.core.records import parse_time

    try:
        config, plugins = load_setup(config_path)
    except ConfigError as e:
        raise JobFailed(str(e)) from None
    zone = config.zone
    try:
        as_of_time = parse_time(as_of, zone, "as_of") if as_of else datetime.now(zone).replace(microsecond=0)
    except ValueError as e:
        raise JobFailed(f"evaluation time: {e}") from None
    try:
        chosen = Period.parse(period) if period else None
    except ValueError as e:
        raise JobFailed(f"period: {e}") from None
    try:
        roster_rows = [cells for _, _, cells in readers.read(roster) if isinstance(cells, dict)] if roster else []
    except readers.InputError as e:
        raise JobFailed(f"roster: {e}") from None

    engine = Engine(config, plugins, as_of_time)
    headers = frozenset(h for i in engine.industries.values() for h in i.parser.by_header) | {"industry", "行业"}

    def rows():
        for path in inputs:
            yield from readers.read(path, headers=headers)

    index = Index(folder / INDEX)
    files = {fmt: folder / name for fmt, name in DOWNLOADS.items()}
    errors: list[RecordError] = []
    try:
        with files["json"].open("wb") as json_out, files["csv"].open("wb") as csv_out:
            as_json = outputs.JsonWriter(json_out, engine.articles)
            as_csv = outputs.CsvWriter(csv_out, engine.articles)
            as_xlsx = outputs.XlsxWriter(str(files["xlsx"]), engine.articles)
            if engine.needs_history:
                engine.remember(rows())
            for r in engine.evaluate(rows()):
                if isinstance(r, RecordError):
                    errors.append(r)
                else:
                    rendered = as_json.render(r)
                    as_json.emit(rendered)
                    as_csv.result(r)
                    as_xlsx.result(r)
                    index.add(r, rendered)
                if engine.records % PROGRESS_EVERY == 0:
                    progress(engine.records, engine.rejected)
            period_items = engine.period_consequences(chosen, roster_rows)
            summary = engine.summary
            for writer in (as_json, as_csv, as_xlsx):
                writer.finish(period_items, errors, summary)
    except readers.InputError as e:
        index.close()
        raise JobFailed(str(e)) from None
    index.finish(period_items, errors, engine.articles)
    return dict(summary)


class Index:
    """The results as the page reads them: SQLite beside the downloads, one row per ticket with
    its result document, facets for the filters, the period, the errors and the party totals."""

    SCHEMA = """
    CREATE TABLE tickets (seq INTEGER PRIMARY KEY, id TEXT, industry TEXT, counted INTEGER,
                          category TEXT, grade TEXT, statuses TEXT, fine_min REAL, fine_max REAL, doc BLOB);
    CREATE TABLE facets (kind TEXT, value TEXT, seq INTEGER);
    CREATE TABLE period (seq INTEGER PRIMARY KEY, doc BLOB);
    CREATE TABLE errors (seq INTEGER PRIMARY KEY, source TEXT, row INTEGER, id TEXT, field TEXT, message TEXT);
    CREATE TABLE parties (party TEXT, role TEXT, kind TEXT, tickets INTEGER, period INTEGER,
                          min REAL, max REAL, open_max INTEGER, steps TEXT);
    """

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + self.SCHEMA)
        self.seq = 0
        self.tickets: list[tuple] = []
        self.facets: list[tuple] = []
        self.totals: dict[tuple[str, str, str], list] = {}

    def add(self, result: Result, rendered: bytes) -> None:
        """One ticket, from its result object and the JSON writer's bytes of it."""
        self.seq += 1
        seq = self.seq
        c = result.classification
        statuses = sorted({d.status for d in result.deadlines})
        rules = {d.rule for d in result.deadlines} | {x.rule for x in result.consequences} | set(c.rules)
        if result.appeal.status != "none" and result.appeal.rule:
            rules.add(result.appeal.rule)
        facets = self.facets
        facets.extend(("status", s, seq) for s in statuses)
        facets.extend(("rule", r, seq) for r in rules)
        fine_min = fine_max = 0.0
        for x in result.consequences:
            if x.party:
                facets.append(("unit" if x.role in UNIT_ROLES else "person", x.party, seq))
            self._total(x, "tickets")
            if x.kind == "fine":
                fine_min += x.min if isinstance(x.min, (int, float)) else 0
                fine_max += x.max if isinstance(x.max, (int, float)) else 0
        self.tickets.append((seq, result.id, result.industry, int(c.counted), c.category, c.grade,
                             " ".join(statuses), fine_min, fine_max, rendered.lstrip(b"\n")))
        if len(self.tickets) >= 5000:
            self._flush()

    def _total(self, x: Any, column: str) -> None:
        key = (x.party or "", x.role, x.kind)
        t = self.totals.get(key)
        if t is None:
            t = self.totals[key] = [0, 0, 0.0, 0.0, False, set()]
        t[0 if column == "tickets" else 1] += 1
        for i, v in ((2, x.min), (3, x.max)):
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                t[i] += v
            elif isinstance(v, str):
                t[5].add(v)  # a sanction's ladder step
        if x.max is None and x.min is not None:
            t[4] = True  # a rule sets only a minimum: the total has no upper bound

    def _flush(self) -> None:
        self.db.executemany("INSERT INTO tickets VALUES (?,?,?,?,?,?,?,?,?,?)", self.tickets)
        self.db.executemany("INSERT INTO facets VALUES (?,?,?)", self.facets)
        self.tickets.clear()
        self.facets.clear()

    def finish(self, period: list[PeriodConsequence], errors: list[RecordError], articles: dict[str, str]) -> None:
        self._flush()
        for i, p in enumerate(period, 1):
            self._total(p, "period")
            self.db.execute("INSERT INTO period VALUES (?,?)", (i, orjson.dumps(as_dict(p, articles))))
        self.db.executemany("INSERT INTO errors VALUES (?,?,?,?,?,?)",
                            [(i, e.source, e.row, e.id, e.field, e.message) for i, e in enumerate(errors, 1)])
        self.db.executemany(
            "INSERT INTO parties VALUES (?,?,?,?,?,?,?,?,?)",
            [(*k, t[0], t[1], t[2], t[3], int(t[4]), " ".join(sorted(t[5]))) for k, t in self.totals.items()],
        )
        self.db.executescript("CREATE INDEX facet ON facets (kind, value, seq);"
                              "CREATE TABLE facet_values AS SELECT kind, value, count(*) AS n FROM facets GROUP BY kind, value;")
        self.db.commit()
        self.close()

    def close(self) -> None:
        self.db.close()
