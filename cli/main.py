"""The ``policy`` command line (contract.md, "Command line")."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import click

from policy.core import config as config_mod
from policy.core.config import ConfigError
from policy.core.plugins import Plugins, discover, load_local_plugin
from policy.core.records import COMMON_FIELDS, parse_time

EXIT_REJECTED = 1
EXIT_USAGE = 2


def _version() -> str:
    try:
        return version("policy")
    except PackageNotFoundError:
        return "unknown"


def _fail(message: str) -> None:
    click.echo(f"policy: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _report_failures(plugins: Plugins) -> None:
    for f in plugins.failures:
        click.echo(f"policy: plugin {f.name} not loaded: {f.message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), prog_name="policy")
def cli() -> None:
    """Complaint-assessment regulations as code.

    Reads complaint tickets and applies the enabled regulation clause by clause; every
    deadline and consequence cites the rule id and article it comes from.
    """


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
    path.write_text(config_mod.render(dict.fromkeys(industries), plugins.regulations), encoding="utf-8")
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
            row["fields"] = [f.describe() for f in (*COMMON_FIELDS, *reg.fields)]
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


def load_engine_setup(config_path: str | None) -> tuple[config_mod.Config, Plugins]:
    """Find and load the config, the plugins it enables and its local plugins."""
    path = config_mod.find(config_path, os.environ)
    plugins = discover()
    raw = config_mod.read(path)
    for local in config_mod.local_plugin_paths(raw, path):
        if not local.is_file():
            raise ConfigError(f"{path}: policy.local_plugins: {local} does not exist")
        load_local_plugin(plugins, local)
    failed = {f.name: f.message for f in plugins.failures}
    for name in raw.get("policy", {}).get("plugins", []) if isinstance(raw.get("policy"), dict) else []:
        if name in failed:
            raise ConfigError(f"{path}: policy.plugins: plugin {name!r} failed to load: {failed[name]}")
    for name, message in failed.items():
        if name.startswith("local:"):
            raise ConfigError(f"{path}: policy.local_plugins: {name.removeprefix('local:')}: {message}")
    _report_failures(plugins)
    return config_mod.from_dict(raw, plugins.regulations, path), plugins


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--config", "config_path", metavar="FILE", help="Config file (default $POLICY_CONFIG, else ./policy.toml).")
@click.option("--as-of", metavar="TIME", help="Evaluation time deciding open versus overdue (default: now).")
@click.option("--period", metavar="P", help="Period for period rules: 2026, 2026-H1, 2026-Q3, 2026-10.")
@click.option("--roster", "rosters", multiple=True, metavar="[INDUSTRY=]FILE",
              help="Staff roster for period rules that need everyone; INDUSTRY= gives it to that plugin only (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv", "xlsx", "summary"]),
              help="Output format (xlsx needs --output); summary: the 考核汇总 table, per party and period.")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Labels for people in csv, xlsx, table, summary (default zh, or [policy] lang).")
@click.option("--encoding", type=click.Choice(["utf-8-sig", "utf-8", "gb18030"]), help="csv only: default utf-8-sig (UTF-8 with BOM, for Excel).")
@click.option("--summary-by", type=click.Choice(["person", "unit", "section", "department"]), default="person", show_default=True,
              help="Whom the 考核汇总 totals: each charged party, or the tickets' unit, section or department.")
@click.option("--sheet", metavar="S", help="Spreadsheet sheet: its name or its number from 1 (default the first).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), metavar="FILE", help="Write here instead of standard output.")
@click.option("--jobs", "-j", default="auto", show_default=True, metavar="N|auto",
              help="Worker processes (auto: one per CPU for inputs of 32 MiB or more, else 1); the output is the same for any N.")
@click.option("--quiet", "-q", is_flag=True, help="No warnings or progress on standard error.")
@click.option("--explain", "explain_all", is_flag=True,
              help="Add each result's trace (why each figure; see policy explain) to json/jsonl; runs in one process.")
def evaluate(inputs, config_path, as_of, period, rosters, fmt, lang, encoding, summary_by, sheet, jobs, output, quiet,
             explain_all) -> None:
    """Evaluate complaint records (CSV, JSON, JSON Lines, .xlsx/.xls/.ods; - reads JSON Lines from stdin).

    Exit status: 0 all records evaluated; 1 some rejected (the rest still written);
    2 usage or config error, nothing evaluated.
    """
    from policy.cli import inputs as readers
    from policy.cli import outputs
    from policy.core.periods import Period
    from policy.core.pipeline import Engine

    try:
        config, plugins = load_engine_setup(config_path)
    except ConfigError as e:
        _fail(str(e))
    zone = config.zone
    if as_of is None:
        as_of_time = datetime.now(zone).replace(microsecond=0)
    else:
        try:
            as_of_time = parse_time(as_of, zone, "--as-of")
        except ValueError as e:
            _fail(f"--as-of: {e}")
    chosen = None
    if period is not None:
        try:
            chosen = Period.parse(period)
        except ValueError as e:
            _fail(f"--period: {e}")
    jobs = _jobs(jobs, inputs)
    try:
        for path in inputs:
            readers.format_of(path)
            if path != "-" and not Path(path).is_file():
                raise readers.InputError(f"{path}: no such file")
    except readers.InputError as e:
        _fail(str(e))

    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output else ""
        if suffix in outputs.WRITERS:
            fmt = suffix
        else:
            fmt = "table" if output is None and sys.stdout.isatty() else "json"

    if fmt == "xlsx" and not output:
        _fail("--format xlsx writes a workbook: name it with --output FILE.xlsx")
    if encoding is not None and fmt != "csv":
        _fail(f"--encoding is for csv output; {fmt} is always UTF-8")
    presentation = outputs.presentation_of(config, plugins, as_of_time, period, inputs, lang, encoding, summary_by)

    engine = Engine(config, plugins, as_of_time)
    if explain_all:
        if fmt not in ("json", "jsonl"):
            _fail("--explain adds a trace to json or jsonl results; for one ticket as text: policy explain ID")
        engine.explaining, engine.explain_all, jobs = frozenset(), True, 1
    columns = readers.Columns({name: i.parser.by_header for name, i in engine.industries.items()})

    said = set()

    def notify(message: str) -> None:  # what readers say about a file: columns, total rows
        if not quiet and message not in said:  # once, though rules on earlier tickets read it twice
            said.add(message)
            click.echo(f"policy: {message}", err=True)

    roster_rows = _read_rosters(rosters, config.policy.plugins, columns, notify)
    if not quiet:
        for warning in engine.calendar.warnings:
            click.echo(f"policy: warning: {warning}", err=True)
    spool = None
    if engine.needs_history and "-" in inputs:
        # Standard input can be read once only; rules on earlier tickets read the input twice.
        spool = tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False)
        shutil.copyfileobj(sys.stdin.buffer, spool)
        spool.close()
        inputs = tuple(spool.name if p == "-" else p for p in inputs)

    def rows():
        for path in inputs:
            yield from readers.read(path, sheet=sheet, columns=columns, notify=notify)

    if fmt == "xlsx":
        out = output
    else:
        out = open(output, "wb") if output else sys.stdout.buffer
    errors = []
    try:
        writer = outputs.WRITERS[fmt](out, engine.articles, presentation)
        if jobs > 1:
            from policy.cli import jobs as parallel

            chunks = parallel.chunks_of(inputs, sheet=sheet, columns=columns, notify=notify)
            results = parallel.evaluate(engine, str(config.path), chunks, rows, jobs, outputs.renderer(writer) if writer.renders else None)
        else:
            if engine.needs_history:
                engine.remember(rows())
            results = engine.evaluate(rows())
        if _progress_wanted(quiet, output, sys.stdout.isatty(), sys.stderr.isatty()):
            results = _with_progress(results, engine)
        outputs.write_all(writer, results, errors)
        period = engine.period_consequences(chosen, roster_rows)
        # A plugin whose period rules raised is listed after the records' errors (row 0, its name).
        writer.finish(period, errors + engine.period_faults, engine.summary)
    except readers.InputError as e:
        _fail(str(e))
    finally:
        if output and fmt != "xlsx":
            out.close()
        if spool is not None:
            os.unlink(spool.name)
    if errors and not quiet and output is not None:
        click.echo(f"policy: {len(errors)} of {engine.records} records rejected; see {output}", err=True)
    if not quiet:
        for fault in engine.period_faults:
            click.echo(f"policy: {fault.message}", err=True)
    sys.exit(EXIT_REJECTED if engine.rejected or engine.period_faults else 0)


from policy.cli.explain import explain  # noqa: E402 - the command modules import this one lazily
from policy.web.command import serve  # noqa: E402 - the assessors' page; its imports wait for the extra

cli.add_command(explain)
cli.add_command(serve)

if __name__ == "__main__":  # `python -m policy.cli.main`, as the console script runs it
    cli()
