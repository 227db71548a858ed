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
@click.option("--plugin", "plugin_name", metavar="NAME", help="Only this plugin's rules.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of the titles.")
def rules(plugin_name: str | None, as_json: bool, lang: str) -> None:
    """List the rules each plugin declares: id, article, title."""
    plugins = discover()
    _report_failures(plugins)
    regs = plugins.regulations
    if plugin_name is not None:
        if plugin_name not in regs:
            _fail(f"--plugin: unknown plugin {plugin_name!r}; available: {', '.join(sorted(regs))}")
        regs = {plugin_name: regs[plugin_name]}
    if as_json:
        data = {n: [{"id": r.id, "article": r.article, "title": r.title,
                     **({"title_zh": reg.labels["rule"][r.id]} if r.id in reg.labels.get("rule", {}) else {})}
                    for r in reg.rules] for n, reg in sorted(regs.items())}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for name, reg in sorted(regs.items()):
        click.echo(f"{name}: {reg.title}")
        titles = reg.labels.get("rule", {}) if lang == "zh" else {}
        for r in reg.rules:
            click.echo(f"    {r.id:<16}{r.article:<22}{titles.get(r.id, r.title)}")


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
@click.option("--roster", type=click.Path(dir_okay=False), metavar="FILE", help="Staff roster for period rules that need everyone.")
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
def evaluate(inputs, config_path, as_of, period, roster, fmt, lang, encoding, summary_by, sheet, jobs, output, quiet) -> None:
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
    roster_rows = []
    if roster is not None:
        try:
            roster_rows = [cells for _, _, cells in readers.read(roster) if isinstance(cells, dict)]
        except readers.InputError as e:
            _fail(f"--roster: {e}")

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
    headers = frozenset(h for i in engine.industries.values() for h in i.parser.by_header) | {"industry", "行业"}
    spool = None
    if engine.needs_history and "-" in inputs:
        # Standard input can be read once only; rules on earlier tickets read the input twice.
        spool = tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False)
        shutil.copyfileobj(sys.stdin.buffer, spool)
        spool.close()
        inputs = tuple(spool.name if p == "-" else p for p in inputs)

    def rows():
        for path in inputs:
            yield from readers.read(path, sheet=sheet, headers=headers)

    if fmt == "xlsx":
        out = output
    else:
        out = open(output, "wb") if output else sys.stdout.buffer
    errors = []
    try:
        writer = outputs.WRITERS[fmt](out, engine.articles, presentation)
        if jobs > 1:
            from policy.cli import jobs as parallel

            chunks = parallel.chunks_of(inputs, sheet=sheet, headers=headers)
            results = parallel.evaluate(engine, str(config.path), chunks, rows, jobs, outputs.renderer(writer) if writer.renders else None)
        else:
            if engine.needs_history:
                engine.remember(rows())
            results = engine.evaluate(rows())
        if _progress_wanted(quiet, output, sys.stdout.isatty(), sys.stderr.isatty()):
            results = _with_progress(results, engine)
        outputs.write_all(writer, results, errors)
        writer.finish(engine.period_consequences(chosen, roster_rows), errors, engine.summary)
    except readers.InputError as e:
        _fail(str(e))
    finally:
        if output and fmt != "xlsx":
            out.close()
        if spool is not None:
            os.unlink(spool.name)
    if errors and not quiet and output is not None:
        click.echo(f"policy: {len(errors)} of {engine.records} records rejected; see {output}", err=True)
    sys.exit(EXIT_REJECTED if engine.rejected else 0)


if __name__ == "__main__":  # `python -m policy.cli.main`, as the console script runs it
    cli()
