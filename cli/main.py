"""The ``policy`` command line.

Exit statuses: 0 every record evaluated; 1 some rejected (the rest written); 2 a usage,
config or input-file error (nothing written, an existing ``--output`` file untouched); 3 an
internal error, which is a bug (its traceback with ``--debug``).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import sys
import tempfile
import traceback
from datetime import datetime
from importlib.metadata import PackageNotFoundError, metadata, version
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from policy.core import config as config_mod
from policy.core.config import ConfigError
from policy.core.plugins import Plugins, discover
from policy.core.records import RecordParser, parse_time
from policy.core import DISTRIBUTION
from policy.core.labels import plural
from policy.core.setup import load_engine_setup

EXIT_REJECTED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
FORMATS = ("table", "json", "jsonl", "csv", "xlsx", "summary")
DEBUG = "policy.debug"  # ctx.meta key: --debug was given


def _version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown"


def _fail(message: str) -> None:
    click.echo(f"policy: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _report_failures(plugins: Plugins) -> None:
    for f in plugins.failures:
        click.echo(f"policy: plugin {f.name} not loaded: {f.message}", err=True)


def _quiet_broken_pipe() -> None:
    """The reader of our output went away (`| head`): stop without a word.

    Standard output is pointed at /dev/null so that Python's own flush at exit does not
    print "Exception ignored ... BrokenPipeError".
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file behind stdout (tests)
        pass


def _where(error: BaseException) -> str:
    """The innermost frame of the traceback: the module and line that raised."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "an unknown place"
    last = frames[-1]
    return f"{last.filename}, line {last.lineno}, in {last.name}"


def _bug_tracker() -> str:
    """Where to report a bug: the distribution's "Issues" project URL, else its name."""
    try:
        urls = metadata(DISTRIBUTION).get_all("Project-URL") or []
    except PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("issues", "bug tracker", "bugs"):
            return url.strip()
    return f"the maintainers of {DISTRIBUTION}"


class PolicyGroup(click.Group):
    """Ends an unexpected exception as an internal error (exit 3), a broken pipe quietly."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("policy: interrupted; nothing written", err=True)
            sys.exit(130)  # 128 + SIGINT, as a shell reports it
        except BrokenPipeError:
            _quiet_broken_pipe()
            sys.exit(141)  # as a shell reports a command ended by SIGPIPE (128 + 13)
        except Exception as e:  # noqa: BLE001 - anything else is a bug, reported as such
            if ctx.meta.get(DEBUG):
                traceback.print_exc()
            click.echo(
                f"policy: internal error: {type(e).__name__}: {e}\n"
                f"    at {_where(e)}\n"
                f"This is a bug in policy {_version()} or in a plugin it runs (`policy plugins` lists them), "
                f"not a problem with your input. Please report it with the command you ran and its output "
                f"with --debug: for policy to {_bug_tracker()}, for a plugin to its authors.",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)


@click.group(cls=PolicyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), "-V", "--version", prog_name="policy")
@click.option("--debug", is_flag=True, help="On an internal error, print the traceback; say which executor evaluates the tickets and why.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Complaint-assessment regulations as code.

    Reads complaint tickets and applies the enabled regulation clause by clause; every
    deadline and consequence cites the rule id and article it comes from.
    """
    if debug:
        ctx.meta[DEBUG] = True


@cli.command()
@click.option("--industry", "industries", multiple=True, metavar="NAME", help="Plugin to enable (repeatable).")
@click.option("--output", "-o", default=config_mod.DEFAULT_PATH, show_default=True, type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(industries: tuple[str, ...], output: str, force: bool) -> None:
    """Write a config with the plugins enabled and every parameter at its default."""
    plugins = discover()
    _report_failures(plugins)
    available = sorted(plugins.regulations)
    if not industries:
        if len(available) != 1:
            _fail(f"name the plugins to enable with --industry NAME; available: {', '.join(available)}")
        industries = tuple(available)
    for name in industries:
        if name not in plugins.regulations:
            _fail(f"--industry: unknown plugin {name!r}; available: {', '.join(available)}")
    path = Path(output)
    if path.exists() and not force:
        _fail(f"{path} exists; use --force to overwrite it")
    try:
        path.write_text(config_mod.render(dict.fromkeys(industries), plugins.regulations), encoding="utf-8")
    except OSError as e:
        _fail(f"--output: cannot write {path}: {e.strerror or e}")
    click.echo(f"wrote {path} with {', '.join(industries)} enabled", err=True)


@cli.command(name="plugins")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable, with record fields and aliases.")
def plugins_command(as_json: bool) -> None:
    """List the plugins that can be enabled, built-in and installed."""
    plugins = discover()
    _report_failures(plugins)
    rows = []
    for name, info in sorted(plugins.info.items()):
        reg = info.regulation
        row = {
            "name": name,
            "version": info.version,
            "title": reg.title if reg else None,
            "source": reg.source if reg else info.source,
            "package": info.source,
            "hooks": list(info.hooks),
        }
        if as_json and reg is not None:
            # The common fields with the plugin's restatements merged in, each once.
            merged = RecordParser(name, reg.fields, ZoneInfo("UTC")).fields
            row["fields"] = [f.describe() for f in merged.values()]
            row["rules"] = len(reg.rules)
        rows.append(row)
    if as_json:
        failures = [{"name": f.name, "error": f.message} for f in plugins.failures]
        click.echo(json.dumps({"plugins": rows, "failed": failures}, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['name']} {row['version'] or ''}  {row['title'] or ''}")
        click.echo(f"    source: {row['source']}")
        click.echo(f"    hooks:  {', '.join(row['hooks'])}")


@cli.command()
@click.argument("rule_id", required=False, metavar="[ID]")
@click.option("--plugin", "plugin_name", metavar="NAME", help="Only this plugin's rules.")
@click.option("--config", "config_path", metavar="FILE", help="With ID: the parameter values of this config (else the defaults).")
@click.option("--json", "as_json", is_flag=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of the titles.")
def rules(rule_id: str | None, plugin_name: str | None, config_path: str | None, as_json: bool, lang: str) -> None:
    """List the rules each plugin declares: id, article, title, and how ambiguous text is read.

    With ID, print that rule whole: its article, title, the parameters it reads with their
    values and history, and the plugin's readings of it.
    """
    if rule_id is not None:
        return rule_whole(rule_id, config_path, as_json)
    plugins = discover()
    _report_failures(plugins)
    regs = plugins.regulations
    if plugin_name is not None:
        if plugin_name not in regs:
            _fail(f"--plugin: unknown plugin {plugin_name!r}; available: {', '.join(sorted(regs))}")
        regs = {plugin_name: regs[plugin_name]}
    if as_json:
        data = {n: [{"id": r.id, "article": r.article, "title": r.title, "title_zh": r.title_zh,
                     "readings": [{"text": x.text, "parameter": x.parameter} for x in reg.readings_of(r.id)]}
                    for r in reg.rules] for n, reg in sorted(regs.items())}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for name, reg in sorted(regs.items()):
        click.echo(f"{name}: {reg.title}")
        titles = reg.labels.get("rule", {}) if lang == "zh" else {}
        for r in reg.rules:
            click.echo(f"    {r.id:<16}{r.article:<22}{(r.title_zh or r.title) if lang == 'zh' else r.title}")
            for x in reg.readings_of(r.id):
                click.echo(f"    {'':<16}reading: {x.text}" + (f" [{x.parameter}]" if x.parameter else ""))


def rule_whole(rule_id: str, config_path: str | None, as_json: bool) -> None:
    """``policy rules ID``: one rule whole, like ``ruff rule F401``; an unknown id lists close ones."""
    import difflib

    from policy.core.regulation import parameter_docs

    plugins = discover()
    _report_failures(plugins)
    regs = plugins.regulations
    found = [(name, reg) for name, reg in sorted(regs.items()) if any(r.id == rule_id for r in reg.rules)]
    if not found:
        ids = sorted({r.id for reg in regs.values() for r in reg.rules})
        close = [i for i in ids if i.startswith(rule_id)] or difflib.get_close_matches(rule_id, ids, n=8, cutoff=0.5)
        _fail(f"unknown rule {rule_id!r}" + (f"; did you mean {', '.join(close)}?" if close else "; `policy rules` lists them"))
    from policy.core.dated import declared_revisions

    values, versions, source = {}, {}, "defaults"
    if config_path is not None:
        try:
            config, _ = load_engine_setup(config_path)
        except ConfigError as e:
            _fail(str(e))
        values = {name: config.parameters.get(name) for name, _ in found}
        versions = config.versions
        source = str(config.path)
    documents = []
    for name, reg in found:
        rule = reg.rule(rule_id)
        params = values.get(name)
        parameters = []
        for d in parameter_docs(reg.parameters):
            if d["rule"] != rule_id:
                continue
            value = d["default"] if params is None else getattr(params, d["name"])
            # The values it takes over time: the config's dated values, else the regulation's revisions.
            if name in versions:
                history = versions[name].changes(d["name"])
            else:
                history = [(None, d["default"]), *declared_revisions(reg.parameters).get(d["name"], [])]
            parameters.append({"name": d["name"], "value": list(value) if isinstance(value, tuple) else value,
                               "default": d["default"], "article": d["article"], "doc": d["doc"],
                               "history": [{"from": None if when is None else when.isoformat(),
                                            "value": list(v) if isinstance(v, tuple) else v} for when, v in history]})
        documents.append({
            "id": rule.id, "plugin": name, "regulation": reg.title, "article": rule.article,
            "title_zh": rule.title_zh, "title": rule.title,
            "parameters": parameters,
            "values_from": source if params is not None else "defaults" + (" (plugin not enabled in the config)" if config_path else ""),
            "readings": [{"text": x.text, "parameter": x.parameter} for x in reg.readings_of(rule_id)],
        })
    if as_json:
        click.echo(json.dumps(documents[0] if len(documents) == 1 else documents, ensure_ascii=False, indent=2))
        return
    for d in documents:
        click.echo(f"{d['id']}  {d['article']}  ({d['plugin']}: {d['regulation']})")
        for title in dict.fromkeys(t for t in (d["title_zh"], d["title"]) if t):
            click.echo(f"    {title}")
        click.echo(f"\nparameters ({d['values_from']}):" if d["parameters"] else "\nparameters: none")
        for x in d["parameters"]:
            changed = "" if x["value"] == x["default"] else f"  (default {x['default']})"
            click.echo(f"    {x['name']} = {json.dumps(x['value'], ensure_ascii=False)}{changed}  [{x['article']}]")
            click.echo(f"        {x['doc']}")
            if len(x["history"]) > 1:
                for h in x["history"]:
                    since = f"from {h['from']}" if h["from"] else "at first"
                    click.echo(f"        {since}: {json.dumps(h['value'], ensure_ascii=False)}")
        if d["readings"]:
            click.echo("\nreadings:")
            for x in d["readings"]:
                click.echo(f"    {x['text']}" + (f" Switch: {x['parameter']}." if x["parameter"] else " No switch."))


def _notifier(quiet: bool):
    """What the readers say about a file (columns no rule reads, total rows), on standard
    error, each message once: rules on earlier tickets read the input twice."""
    said: set[str] = set()

    def notify(message: str) -> None:
        if not quiet and message not in said:
            said.add(message)
            click.echo(f"policy: {message}", err=True)

    return notify


def _progress_wanted(quiet: bool, output: str | None, stdout_tty: bool, stderr_tty: bool) -> bool:
    """A progress line on stderr only when stderr is a terminal the results are not printed on."""
    return not quiet and stderr_tty and (output is not None or not stdout_tty)


def _with_progress(results, engine):
    """A progress line on a terminal's stderr (rich): records read, per second, rejected so far."""
    import time

    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.completed:,} records, {task.fields[rate]:,.0f}/s, "
                                           "rejected {task.fields[rejected]:,}"), TimeElapsedColumn())
    start = time.monotonic()
    with Progress(*columns, transient=True, refresh_per_second=4) as progress:
        task = progress.add_task("evaluate", total=None, rejected=0, rate=0.0)
        shown = 0
        for r in results:
            n = engine.records  # every record read, rejected ones included (--jobs: chunk by chunk)
            if n - shown >= 1000 or (n and not shown):
                shown = n
                rate = n / max(time.monotonic() - start, 1e-9)
                progress.update(task, completed=n, rejected=engine.rejected, rate=rate)
            yield r


def _executor(engine, fmt: str, inputs: tuple[str, ...], explaining: bool, jobs: int, debug: bool):
    """The columnar executor's plan for this run (core/columnar), said on stderr with --debug.

    With it, ``--jobs`` is polars' number of threads: set before polars is first imported."""
    from policy.core.columnar.executor import plan

    if "polars" not in sys.modules:  # read once, when polars is first imported (by plan)
        os.environ.setdefault("POLARS_MAX_THREADS", str(jobs))
    chosen = plan(engine, fmt, inputs, explaining)
    if debug:
        for reason in chosen.reasons:
            click.echo(f"policy: executor: {'columnar' if chosen else 'per ticket'}: {reason}", err=True)
        if chosen:
            import polars

            click.echo(f"policy: executor: polars {polars.__version__}, {plural(polars.thread_pool_size(), 'thread')}", err=True)
    return chosen


def _jsonl_rows(source: str, line_no: int, lines: list[bytes], columns):
    from policy.cli.inputs import jsonl_rows

    return jsonl_rows(lines, source, line_no, columns)


AUTO_JOBS_BYTES = 32 * 2**20  # about 80,000 tickets: below it, starting workers costs more than it saves
AUTO_JOBS_MAX = 8


def _jobs(option: str, inputs: tuple[str, ...]) -> int:
    """``--jobs``: a number, or auto (one worker per CPU this process may use, for large files)."""
    if option != "auto":
        try:
            jobs = int(option)
        except ValueError:
            jobs = 0
        if jobs < 1:
            _fail(f"--jobs: {option!r} is not a number of processes (1 or more) or auto")
        return jobs
    size = sum(os.path.getsize(p) for p in inputs if p != "-" and os.path.isfile(p))
    if size < AUTO_JOBS_BYTES:
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cpus, AUTO_JOBS_MAX))


def _read_rosters(options: tuple[str, ...], enabled: list[str], columns, notify) -> list[dict]:
    """``--roster [INDUSTRY=]FILE``: the rows of every roster, each tagged with its industry.

    A row's own ``industry`` (行业) column, else the INDUSTRY= of its file, says which plugin's
    period rules read it; a row naming neither goes to every enabled plugin.
    """
    from policy.cli import inputs as readers
    from policy.core.pipeline import INDUSTRY_HEADERS, roster_industry

    rows = []
    for option in options:
        industry, sep, path = option.partition("=")
        if not sep or (Path(option).is_file() and industry not in enabled):
            industry, path = None, option
        elif industry not in enabled:
            _fail(f"--roster {option}: {industry!r} is not an enabled plugin; enabled: {', '.join(enabled)}")
        try:
            read = readers.read_roster(path, columns, notify)
        except readers.InputError as e:
            _fail(f"--roster: {e}")
        for source, row, cells in read:
            named = roster_industry(cells)
            if named is not None and named not in enabled:
                _fail(f"--roster: {source} row {row}: industry {named!r} is not an enabled plugin; enabled: {', '.join(enabled)}")
            if industry is not None:
                if named not in (None, industry):
                    _fail(f"--roster: {source} row {row}: industry {named!r}, but the file is given for {industry!r}")
                cells = {**{k: v for k, v in cells.items() if k not in INDUSTRY_HEADERS}, "industry": industry}
            rows.append(cells)
    return rows


@cli.command(name="new-plugin")
@click.argument("name")
@click.option("--title", help="The regulation's title (default: NAME complaint regulation).")
def new_plugin(name: str, title: str | None) -> None:
    """Write a ready package for a new regulation's plugin in a new folder NAME/."""
    from policy.cli.scaffold import ScaffoldError
    from policy.cli.scaffold import new_plugin as scaffold

    try:
        root = scaffold(name, Path.cwd(), title)
    except ScaffoldError as e:
        _fail(str(e))
    click.echo(f"wrote {root}/: install it with `pip install -e ./{name}`; docs/writing-a-plugin.md has the next steps")


def _work_dir(output: str | None) -> Path:
    """A folder for this run's temporary files, made where a killed run leaves it findable.

    Beside the ``--output`` file (``.out.json.policy-tmp-<pid>``), else in the temp dir
    (``policy-tmp-<pid>-…``): the results being written, the spool of standard input and the
    workbook's parts all go in it, and it is removed on every exit but kill -9.
    """
    if output is not None:
        target = Path(os.path.realpath(output))  # through a symlink: beside the file it names
        work = target.parent / f".{target.name}.policy-tmp-{os.getpid()}"
        try:
            work.mkdir()
        except FileExistsError:
            shutil.rmtree(work)  # left by a killed run that had our pid
            work.mkdir()
        except OSError as e:
            _fail(f"--output: cannot write in {target.parent}: {e.strerror}")
        return work
    return Path(tempfile.mkdtemp(prefix=f"policy-tmp-{os.getpid()}-"))


def _check_output(output: str, inputs: tuple[str, ...], others: tuple[str | None, ...]) -> None:
    """--output must be in a folder that exists, and none of the files the run reads (click
    refuses a folder as the file itself)."""
    target = Path(output)
    folder = target.parent
    if not folder.is_dir():
        _fail(f"--output: {output}: the folder {folder} does not exist")
    if not target.exists():
        return
    for path in (*inputs, *others):
        if path is not None and path != "-" and Path(path).exists() and os.path.samefile(path, target):
            _fail(f"--output: {output} is also an input ({path}); writing it would destroy what is read")


@contextlib.contextmanager
def _signals_end_the_run():
    """SIGTERM ends the run like Ctrl-C does, so the cleanup in ``finally`` blocks runs."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum, _frame):
        click.echo("policy: terminated; nothing written", err=True)
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--config", "config_path", metavar="FILE", help="Config file (default $POLICY_CONFIG, else ./policy.toml).")
@click.option("--as-of", metavar="TIME", help="Evaluation time deciding open versus overdue (default: now).")
@click.option("--period", metavar="P", help="Period for period rules: 2026, 2026-H1, 2026-Q3, 2026-10.")
@click.option("--roster", "rosters", multiple=True, metavar="[INDUSTRY=]FILE",
              help="Staff roster for period rules that need everyone; INDUSTRY= gives it to that plugin only (repeatable).")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format (xlsx needs --output); summary: the 考核汇总 table, per party and period.")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Labels for people in csv, xlsx, table, summary (default zh, or [policy] lang).")
@click.option("--encoding", type=click.Choice(["utf-8-sig", "utf-8", "gb18030"]), help="csv only: default utf-8-sig (UTF-8 with BOM, for Excel).")
@click.option("--summary-by", type=click.Choice(["person", "unit", "section", "department"]), default="person", show_default=True,
              help="Whom the 考核汇总 totals: each charged party, or the tickets' unit, section or department.")
@click.option("--sheet", metavar="S", help="Spreadsheet sheet: its name or its number from 1 (default the first).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write here instead of standard output; an existing file is replaced only when the run succeeds.")
@click.option("--jobs", "-j", default="auto", show_default=True, metavar="N|auto",
              help="Worker processes (auto: one per CPU for inputs of 32 MiB or more, else 1), or the columnar executor's "
                   "threads; the output is the same for any N.")
@click.option("--quiet", "-q", is_flag=True, help="No warnings or progress on standard error.")
@click.option("--explain", "explain_all", is_flag=True,
              help="Add each result's trace (why each figure; see policy explain) to json/jsonl; runs in one process.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Append one JSON line for this run: its run section, counts and the output's SHA-256 (a decision log).")
@click.option("--debug", is_flag=True, help="On an internal error, print the traceback; say which executor evaluates the tickets and why.")
def evaluate(inputs, config_path, as_of, period, rosters, fmt, lang, encoding, summary_by, sheet, jobs, output, quiet,
             explain_all, log_path, debug) -> None:
    """Evaluate complaint records (CSV, JSON, JSON Lines, .xlsx/.xls/.ods; - reads JSON Lines from stdin).

    Exit status: 0 all records evaluated; 1 some rejected (the rest still written);
    2 usage, config or input-file error, nothing written; 3 an internal error (a bug).
    """
    if debug:
        click.get_current_context().meta[DEBUG] = True
    debug = bool(click.get_current_context().meta.get(DEBUG))  # policy --debug evaluate … too
    from policy.cli import inputs as readers
    from policy.cli import outputs

    try:
        setup = load_engine_setup(config_path)
    except ConfigError as e:
        _fail(str(e))
    _report_failures(setup.plugins)
    zone = setup.config.zone
    if as_of is None:
        as_of_time = datetime.now(zone).replace(microsecond=0)
    else:
        try:
            as_of_time = parse_time(as_of, zone, "--as-of")
        except ValueError as e:
            _fail(f"--as-of: {e}")
    chosen = None
    if period is not None:
        from policy.core.periods import Period

        try:
            chosen = Period.parse(period)
        except ValueError as e:
            _fail(f"--period: {e}")
    jobs = _jobs(jobs, inputs)
    try:
        for path in inputs:
            readers.format_of(path)
            if path != "-" and not Path(path).is_file():
                raise readers.InputError(f"{path}: {'a folder, not a file' if Path(path).is_dir() else 'no such file'}")
    except readers.InputError as e:
        _fail(str(e))
    if fmt is None:
        if output is not None:
            suffix = Path(output).suffix.lower().lstrip(".")
            if suffix not in outputs.WRITERS or suffix in ("table", "summary"):
                _fail(f"--output {output}: no format for the suffix {Path(output).suffix or '(none)'!r}; "
                      f"name one with --format {'|'.join(FORMATS)}")
            fmt = suffix
        else:
            fmt = "table" if sys.stdout.isatty() else "json"
    if fmt == "xlsx" and not output:
        _fail("--format xlsx writes a workbook: name it with --output FILE.xlsx")
    if encoding is not None and fmt != "csv":
        _fail(f"--encoding is for csv output; {fmt} is always UTF-8")
    if output is not None:
        roster_files = tuple(r.partition("=")[2] if "=" in r and not Path(r).is_file() else r for r in rosters)
        _check_output(output, inputs, (*roster_files, str(setup.config.path) if setup.config.path else None))
    config, plugins = setup.config, setup.plugins
    presentation = outputs.presentation_of(config, plugins, as_of_time, period, inputs, lang, encoding, summary_by)

    engine = setup.engine(as_of_time)
    if explain_all:
        if fmt not in ("json", "jsonl"):
            _fail("--explain adds a trace to json or jsonl results; for one ticket as text: policy explain ID")
        engine.explaining, engine.explain_all, jobs = frozenset(), True, 1
    columns = readers.Columns({name: i.parser.by_header for name, i in engine.industries.items()})
    executor = _executor(engine, fmt, inputs, explain_all, jobs, debug)

    notify = _notifier(quiet)

    roster_rows = _read_rosters(rosters, config.policy.plugins, columns, notify)
    if not quiet:
        for warning in engine.calendar.warnings:
            click.echo(f"policy: warning: {warning}", err=True)
    with contextlib.ExitStack() as cleanup, _signals_end_the_run():
        spooled = engine.needs_history and "-" in inputs
        work = _work_dir(output) if output is not None or spooled else None
        if work is not None:
            cleanup.callback(shutil.rmtree, work, ignore_errors=True)
        if spooled:
            # Standard input can be read once only; rules on earlier tickets read the input twice.
            spool = work / "stdin.jsonl"
            with spool.open("wb") as f:
                shutil.copyfileobj(sys.stdin.buffer, f)
            inputs = tuple(str(spool) if p == "-" else p for p in inputs)

        def rows():
            for path in inputs:
                yield from readers.read(path, sheet=sheet, columns=columns, notify=notify)

        written = None if output is None else work / Path(output).name
        if fmt == "xlsx":
            out = str(written)  # its parts (xlsxwriter's row files) go beside it, in the run's folder
        elif written is not None:
            out = cleanup.enter_context(written.open("wb"))
        else:
            out = _Hashing(sys.stdout.buffer) if log_path else sys.stdout.buffer
        errors = []
        try:
            writer = outputs.WRITERS[fmt](out, engine.articles, presentation)
            if executor:
                from policy.core.columnar import executor as columnar

                batches = (block for path in inputs for block in readers.jsonl_blocks(path, columnar.BATCH_BYTES))
                results = columnar.evaluate(engine, batches, functools.partial(_jsonl_rows, columns=columns),
                                            readers.block_lines, writer.render, fmt, executor.per_ticket,
                                            executor.seconds, jobs)
            elif jobs > 1:
                from policy.cli import jobs as parallel

                chunks = parallel.chunks_of(inputs, sheet=sheet, columns=columns, notify=notify)
                results = parallel.evaluate(engine, str(config.path), chunks, rows, jobs,
                                            outputs.renderer(writer) if writer.renders else None)
            else:
                if engine.needs_history:
                    engine.remember(rows())
                results = engine.evaluate(rows())
            if _progress_wanted(quiet, output, sys.stdout.isatty(), sys.stderr.isatty()):
                results = _with_progress(results, engine)
            outputs.write_all(writer, results, errors)
            period_items = engine.period_consequences(chosen, roster_rows)
            # A plugin whose period rules raised is listed after the records' errors (row 0, its name).
            writer.finish(period_items, errors + engine.period_faults, engine.summary)
        except readers.InputError as e:
            _fail(str(e))
        except BrokenPipeError:
            raise
        except OSError as e:  # a file that cannot be read, a full disk: the system's word for it, not a bug
            _fail(f"{e.filename + ': ' if e.filename else ''}{e.strerror or e}")
        if written is not None:
            if fmt != "xlsx":
                out.close()
            target = os.path.realpath(output)
            if os.path.exists(target):
                shutil.copymode(target, written)  # the old file's permissions, not the temp file's
            os.replace(written, target)
    if debug and executor:
        said = ", ".join(f"{why}: {n:,}" for why, n in executor.per_ticket.most_common()) or "none"
        click.echo(f"policy: executor: rows evaluated per ticket: {said}", err=True)
        stages = ", ".join(f"{stage} {s:.2f}" for stage, s in executor.seconds.items())
        click.echo(f"policy: executor: seconds by stage: {stages}", err=True)
    if errors and not quiet and output is not None:
        click.echo(f"policy: {len(errors)} of {plural(engine.records, 'record')} rejected; see {output}", err=True)
    if not quiet:
        for fault in engine.period_faults:
            click.echo(f"policy: {fault.message}", err=True)
    status = EXIT_REJECTED if engine.rejected or engine.period_faults else 0
    if log_path is not None:
        from policy.core.run import sha256_of

        digest = out.hexdigest() if output is None else sha256_of(output)
        _append_log(log_path, {"run": presentation.run, "summary": engine.summary, "exit": status,
                               "output": {"path": output, "format": fmt, "sha256": digest}})
    sys.exit(status)


class _Hashing:
    """Standard output that also hashes what is written to it (for ``--log``)."""

    def __init__(self, out):
        import hashlib

        self.out, self.digest = out, hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.out.write(data)

    def flush(self) -> None:
        self.out.flush()

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def _append_log(path: str, entry: dict) -> None:
    """One line appended (O_APPEND, one write): a decision log is added to, never rewritten."""
    line = json.dumps(entry, ensure_ascii=False, sort_keys=True, default=str).encode() + b"\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as e:
        _fail(f"--log: {path}: {e.strerror}")
    try:
        os.write(fd, line)
    finally:
        os.close(fd)



from policy.cli.explain import explain  # noqa: E402 - the command modules import this one lazily
from policy.web.command import serve  # noqa: E402 - the assessors' page; its imports wait for the extra

cli.add_command(explain)
cli.add_command(serve)

if __name__ == "__main__":  # `python -m policy.cli.main`, as the console script runs it
    cli()
