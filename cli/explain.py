"""`policy explain ID`: one ticket's trace — why each deadline and figure is what it is."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click


@click.command()
@click.argument("ticket_id", metavar="ID")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--config", "config_path", metavar="FILE", help="Config file (default $POLICY_CONFIG, else ./policy.toml).")
@click.option("--as-of", metavar="TIME", help="Evaluation time deciding open versus overdue (default: now).")
@click.option("--period", metavar="P", help="Period for period rules: 2026, 2026-H1, 2026-Q3, 2026-10.")
@click.option("--roster", "rosters", multiple=True, metavar="[INDUSTRY=]FILE", help="Staff roster, as for evaluate.")
@click.option("--sheet", metavar="S", help="Spreadsheet sheet: its name or its number from 1.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of the text.")
@click.option("--json", "as_json", is_flag=True, help="The trace as JSON (what evaluate --explain adds to a result).")
def explain(ticket_id, inputs, config_path, as_of, period, rosters, sheet, lang, as_json) -> None:
    """Explain one ticket: the fields read, the rules considered, each time limit counted day by
    day, the appeal and every figure with the parameters it used.

    The whole input is evaluated as `policy evaluate` would (period rules need every ticket);
    the trace comes from the same run, so it cannot disagree with the result.
    """
    from policy.cli import inputs as readers
    from policy.cli.main import _fail, _notifier, _read_rosters
    from policy.core.setup import load_engine_setup
    from policy.core.config import ConfigError
    from policy.core.model import RecordError
    from policy.core.periods import Period
    from policy.core.pipeline import Engine
    from policy.core.records import parse_time
    from policy.core.labels import Labels
    from policy.core.trace import render, trace_ticket

    try:
        config, plugins = load_engine_setup(config_path)
    except ConfigError as e:
        _fail(str(e))
    zone = config.zone
    try:
        as_of_time = datetime.now(zone).replace(microsecond=0) if as_of is None else parse_time(as_of, zone, "--as-of")
    except ValueError as e:
        _fail(f"--as-of: {e}")
    try:
        chosen = Period.parse(period) if period is not None else None
    except ValueError as e:
        _fail(f"--period: {e}")
    engine = Engine(config, plugins, as_of_time)
    columns = readers.Columns({name: i.parser.by_header for name, i in engine.industries.items()})
    notify = _notifier(quiet=False)
    try:
        for path in inputs:
            if path == "-":
                raise readers.InputError("explain reads files, not standard input (the input is read twice)")
            readers.format_of(path)
            if not Path(path).is_file():
                raise readers.InputError(f"{path}: no such file")
        roster_rows = _read_rosters(rosters, config.policy.plugins, columns, notify)

        def rows():
            for path in inputs:
                yield from readers.read(path, sheet=sheet, columns=columns, notify=notify)

        found = trace_ticket(engine, rows, ticket_id, chosen, roster_rows)
    except readers.InputError as e:
        _fail(str(e))
    if found is None:
        _fail(f"no ticket {ticket_id!r} in {', '.join(inputs)}")
    if isinstance(found, RecordError):
        where = f"{found.source}, row {found.row}"
        click.echo(f"policy: ticket {ticket_id} was not evaluated ({where}): "
                   f"{found.field + ': ' if found.field else ''}{found.message}", err=True)
        sys.exit(1)
    trace = found
    if as_json:
        click.echo(json.dumps(trace, ensure_ascii=False, indent=2))
    else:
        click.echo(render(trace, lang, Labels(plugins.regulations, lang)), nl=False)

