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

import contextlib
import os
import sqlite3
import traceback
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from policy.core.model import PeriodConsequence, RecordError, Result, as_dict

# The files a finished job leaves in its folder: the downloads, and the index the page reads.
DOWNLOADS = {"xlsx": "results.xlsx", "csv": "results.csv", "json": "results.json"}
INDEX = "index.sqlite"
STATUS = "status.json"
JOB = "job.json"  # what the job was run with (evaluation time fixed), for its explanations

# Roles that name a unit (a section, a department) rather than a person, for the unit filter.
UNIT_ROLES = frozenset({"unit", "department", "section", "quality_department"})

PROGRESS_EVERY = 2000  # records between two progress notes


def load_setup(config_path: str | None):
    """The config and plugins, exactly as ``policy evaluate`` loads them."""
    from policy.core.setup import load_engine_setup

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


def ticket_trace(job_dir: Path, ticket_id: str, lang: str) -> str | None:
    """The same trace as ``policy explain`` for one ticket, from the job's own inputs, config,
    evaluation time, period and roster (``job.json`` in ``job_dir``, written when the job ran); None
    where the job has no such record or the ticket was rejected (the page then shows its result).

    It evaluates the job's inputs again, as ``policy explain`` does (period rules need every
    ticket): seconds for a month's export, in a worker thread of the server.
    """
    from policy.core.model import RecordError
    from policy.core.labels import Labels
    from policy.core.trace import render, trace_ticket

    try:
        saved = orjson.loads((job_dir / JOB).read_bytes())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return None
    job = Evaluation(saved["config"], [str(job_dir / name) for name in saved["inputs"]],
                     str(job_dir / saved["roster"]) if saved["roster"] else None, saved["as_of"], saved["period"])
    found = trace_ticket(job.engine(), job.rows, ticket_id, job.period, job.roster)
    if found is None or isinstance(found, RecordError):
        return None
    lang = "en" if lang == "en" else "zh"
    return render(found, lang, Labels(job.plugins.regulations, lang))


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
    """A child process's whole work: evaluate, write the downloads and the index, note the status.

    Two passes, so that the page has its results as soon as the engine has: the first writes the
    json download and the page's index; the second evaluates the same inputs again at the same
    evaluation time and writes the csv and the workbook (xlsxwriter's many small writes take
    several times as long as the engine). Each download appears under its name only once whole.
    """
    folder = Path(job_dir)
    os.chdir(folder)  # sources are named as stored (upload-1.xlsx), as the CLI run there names them

    def note(state: str, **fields: Any) -> None:
        _write_status(folder, {"state": state, **fields})

    try:
        job = Evaluation(config_path, inputs, roster, as_of, period)
        (folder / JOB).write_bytes(orjson.dumps({
            "config": config_path, "inputs": inputs, "roster": roster,
            "as_of": job.as_of.isoformat(), "period": period,
        }))
        summary = job.write(folder, ("json",), index=True,
                            progress=lambda n, rejected: note("running", records=n, rejected=rejected))
    except JobFailed as e:
        return note("failed", message=str(e))
    except Exception:  # a bug: keep the traceback for the page, which says where to report it
        return note("failed", message="internal error (a bug): please report it with the details below",
                    detail=traceback.format_exc())
    later = [f for f in DOWNLOADS if f != "json"]
    note("done", **summary, pending=later)
    try:
        job.write(folder, later, index=False)
    except Exception:  # the results stand; only these downloads are missing, and the page says so
        return note("done", **summary, pending=[], unwritten=later, detail=traceback.format_exc())
    note("done", **summary, pending=[])


class Evaluation:
    """``policy evaluate``'s setup for one job: the config, the evaluation time, the period and
    roster, the inputs; ``write`` runs the engine over the inputs into some of the writers.
    Paths are relative to the working directory."""

    def __init__(self, config_path: str | None, inputs: list[str], roster: str | None,
                 as_of: str | None, period: str | None):
        from policy.cli import inputs as readers
        from policy.core.config import ConfigError
        from policy.core.periods import Period
        from policy.core.records import parse_time

        try:
            self.config, self.plugins = load_setup(config_path)
        except ConfigError as e:
            raise JobFailed(str(e)) from None
        zone = self.config.zone
        try:
            # fixed once, so both passes (and a rerun with --as-of) give the same figures
            self.as_of = parse_time(as_of, zone, "as_of") if as_of else datetime.now(zone).replace(microsecond=0)
        except ValueError as e:
            raise JobFailed(f"evaluation time: {e}") from None
        self.period_text = period
        try:
            self.period = Period.parse(period) if period else None
        except ValueError as e:
            raise JobFailed(f"period: {e}") from None
        self.columns = readers.Columns({n: i.parser.by_header for n, i in self.engine().industries.items()})
        try:
            self.roster = [cells for _, _, cells in readers.read_roster(roster, self.columns)] if roster else []
        except readers.InputError as e:
            raise JobFailed(f"roster: {e}") from None
        self.inputs = inputs

    def engine(self):
        from policy.core.pipeline import Engine

        return Engine(self.config, self.plugins, self.as_of)

    def rows(self):
        """Every input's rows, as ``policy evaluate`` reads them."""
        from policy.cli import inputs as readers

        for path in self.inputs:
            yield from readers.read(path, columns=self.columns)

    def write(self, folder: Path, formats: Iterable[str], index: bool,
              progress: Callable[[int, int], None] = lambda records, rejected: None) -> dict[str, int]:
        """One pass of the engine, as ``policy evaluate`` makes it, into the writers of ``formats``
        (the index, if asked for, reads the json writer's bytes: then json is one of them)."""
        from policy.cli import inputs as readers
        from policy.cli import outputs

        engine = self.engine()
        rows = self.rows

        parts = {fmt: folder / (DOWNLOADS[fmt] + ".part") for fmt in formats}
        # as policy evaluate builds it: labels (the config's language), the run section of these inputs
        presentation = outputs.presentation_of(self.config, self.plugins, self.as_of, self.period_text, self.inputs)
        with contextlib.ExitStack() as stack:
            writers = []
            for fmt, part in parts.items():
                if fmt == "xlsx":
                    writers.append(outputs.XlsxWriter(str(part), engine.articles, presentation))
                else:
                    writers.append(outputs.WRITERS[fmt](stack.enter_context(part.open("wb")), engine.articles, presentation))
            # the JSON writer's bytes of a result are also its document in the index
            as_json = next((w for w in writers if isinstance(w, outputs.JsonWriter)), None)
            others = [w for w in writers if w is not as_json]
            found = None
            if index:
                from policy.cli.summary import Summary
                from policy.core.labels import LANGS, Labels

                found = Index(folder / INDEX, Summary(presentation.summary_by, presentation.zone),
                              {lang: Labels(self.plugins.regulations, lang) for lang in LANGS})
            stack.callback(lambda: found and found.close())
            errors: list[RecordError] = []
            try:
                if engine.needs_history:
                    engine.remember(rows())
                for r in engine.evaluate(rows()):
                    if isinstance(r, RecordError):
                        errors.append(r)
                    else:
                        rendered = as_json.render(r) if as_json is not None else None
                        if as_json is not None:
                            as_json.emit(rendered)
                        for w in others:
                            w.result(r)
                        if found is not None:
                            found.add(r, rendered)
                    if engine.records % PROGRESS_EVERY == 0:
                        progress(engine.records, engine.rejected)
                period_items = engine.period_consequences(self.period, self.roster)
                summary = dict(engine.summary)
                for w in writers:  # a plugin whose period rules raised is listed after the records' errors
                    w.finish(period_items, errors + engine.period_faults, summary)
            except readers.InputError as e:
                raise JobFailed(str(e)) from None
            if found is not None:
                found.finish(period_items, errors + engine.period_faults, engine.articles, presentation.run)
        for fmt, part in parts.items():
            os.replace(part, folder / DOWNLOADS[fmt])
        return summary


class Index:
    """The results as the page reads them: SQLite beside the downloads. Each ticket's result
    document by its place in the input (``seq``, 1 to N with no gap, so a page of the unfiltered
    list is a range of seq); one facet row per ticket and status, rule, unit or person, indexed
    so a filter reads only its own tickets; the period, the errors; the run section; and the
    考核汇总 the workbook writes (``cli.summary.Summary`` through ``cli.outputs.summary_table``,
    the same code, so the page and the workbook cannot disagree), a row per party and period,
    in each of the page's languages."""

    SCHEMA = """
    CREATE TABLE tickets (seq INTEGER PRIMARY KEY, doc BLOB);
    CREATE TABLE facets (kind TEXT, value TEXT, seq INTEGER);
    CREATE TABLE period (seq INTEGER PRIMARY KEY, doc BLOB);
    CREATE TABLE errors (seq INTEGER PRIMARY KEY, source TEXT, row INTEGER, id TEXT, field TEXT, message TEXT);
    CREATE TABLE totals (lang TEXT, seq INTEGER, party_filter TEXT, cells BLOB, PRIMARY KEY (lang, seq));
    CREATE TABLE totals_headers (lang TEXT PRIMARY KEY, headers BLOB, shown BLOB);
    CREATE TABLE run (doc BLOB);
    """

    def __init__(self, path: Path, summary: Any, labels: dict[str, Any]):
        """``summary``: an empty ``Summary`` as the workbook's; ``labels``: a ``Labels`` per page language."""
        self.db = sqlite3.connect(path)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + self.SCHEMA)
        self.seq = 0
        self.tickets: list[tuple] = []
        self.facets: list[tuple] = []
        self.summary = summary
        self.labels = labels
        self.party_filter: dict[str, str] = {}  # a party of the totals -> the ticket filter that finds its tickets

    def add(self, result: Result, rendered: bytes) -> None:
        """One ticket, from its result object and the JSON writer's bytes of it."""
        self.seq += 1
        seq = self.seq
        facets = {("status", d.status) for d in result.deadlines}
        facets.update(("rule", d.rule) for d in result.deadlines)
        facets.update(("rule_status", f"{d.rule} {d.status}") for d in result.deadlines)  # status under that rule
        facets.update(("rule", r) for r in result.classification.rules)
        if result.appeal.status != "none" and result.appeal.rule:
            facets.add(("rule", result.appeal.rule))
        for x in result.consequences:
            facets.add(("rule", x.rule))
            if x.party:
                kind = "unit" if x.role in UNIT_ROLES else "person"
                facets.add((kind, x.party))
                self.party_filter.setdefault(x.party, kind)
        self.summary.add_result(result)
        self.facets.extend((kind, value, seq) for kind, value in facets)
        self.tickets.append((seq, rendered.lstrip(b"\n")))
        if len(self.tickets) >= 5000:
            self._flush()

    def _flush(self) -> None:
        self.db.executemany("INSERT INTO tickets VALUES (?,?)", self.tickets)
        self.db.executemany("INSERT INTO facets VALUES (?,?,?)", self.facets)
        self.tickets.clear()
        self.facets.clear()

    def finish(self, period: list[PeriodConsequence], errors: list[RecordError], articles: dict[str, str],
               run: dict[str, Any] | None) -> None:
        from policy.cli.outputs import summary_table

        self._flush()
        for i, p in enumerate(period, 1):
            self.db.execute("INSERT INTO period VALUES (?,?)", (i, orjson.dumps(as_dict(p, articles))))
        self.db.executemany("INSERT INTO errors VALUES (?,?,?,?,?,?)",
                            [(i, e.source, e.row, e.id, e.field, e.message) for i, e in enumerate(errors, 1)])
        self.summary.add_period(period)
        for lang, labels in self.labels.items():
            headers, rows = summary_table(self.summary, labels)
            # the party and the period always; another column where some row has a figure in it
            shown = [i for i in range(len(headers)) if i < 2 or any(r[i] not in (None, "") for r in rows)]
            self.db.execute("INSERT INTO totals_headers VALUES (?,?,?)",
                            (lang, orjson.dumps(headers), orjson.dumps(shown)))
            self.db.executemany("INSERT INTO totals VALUES (?,?,?,?)",
                                [(lang, i, self.party_filter.get(r[0]), orjson.dumps(r)) for i, r in enumerate(rows, 1)])
        self.db.execute("INSERT INTO run VALUES (?)", (orjson.dumps(run),))
        self.db.executescript("CREATE INDEX facet ON facets (kind, value, seq);"
                              "CREATE TABLE facet_values AS SELECT kind, value, count(*) AS n FROM facets GROUP BY kind, value;")
        self.db.commit()
        self.close()

    def close(self) -> None:
        self.db.close()
