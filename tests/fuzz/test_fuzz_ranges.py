"""Numbers out of any sane range never decide a figure (issue 12 item 5), and every output
format writes whatever a run produced (item 7).

A record's number field that is negative, NaN or infinite is a field error naming the field;
a config parameter that is NaN or infinite is a config error (exit 2) naming its dotted key.
"""

from __future__ import annotations

import json
import tomllib

import pytest
import tomli_w
from hypothesis import example, given, settings
from hypothesis import strategies as st

import fuzz_harness as h

RECEIVED = "2026-03-02 10:00"
# A record each plugin evaluates, carrying its number fields (checked in the test itself).
from policy.plugins.power_supply.declarations import CHECKLIST  # noqa: E402

BASE = {
    "water": {"record_type": "grievance_award", "person": "张伟", "post": "collector"},
    "airport": {},
    # an inspection sheet gives every item of the checklist (P4 三): each at 0 points lost
    "power_supply": {"record_type": "inspection", "station": "城区供电所", **dict.fromkeys(CHECKLIST, 0)},
}
NUMBER_FIELDS = sorted((p, f.name) for p in BASE for f in h.FIELDS[p].values() if f.kind == "number")
NONSENSE = ("-500", "-9000", "-0.5", "NaN", "nan", "inf", "-inf", "Infinity", "1e400", -500, -9000.5, -1)


@settings(max_examples=h.budget(10))
@given(plugin_field=st.sampled_from(NUMBER_FIELDS), value=st.sampled_from(NONSENSE))
@example(plugin_field=("water", "award_amount"), value=-500)  # the sample: a reward of -500 yuan
@example(plugin_field=("airport", "compensation"), value="NaN")
def test_a_nonsense_amount_is_a_field_error(configs, tmp_path_factory, plugin_field, value):
    plugin, field = plugin_field
    folder = tmp_path_factory.mktemp("in")
    sane = {"id": "OK", "received_at": RECEIVED, **BASE[plugin], field: 0}
    path = folder / "t.jsonl"
    path.write_text(json.dumps(sane, ensure_ascii=False) + "\n" + json.dumps({**sane, "id": "BAD", field: value}) + "\n")
    run = h.evaluate(configs[plugin], [path])
    assert run.crash is None, run.crash
    assert [r["id"] for r in run.document["results"]] == ["OK"], f"{field} = {value!r} was accepted"
    (error,) = run.document["errors"]
    assert (error["row"], error["id"], error["field"]) == (2, "BAD", field)


def _number_parameters(config_path: str) -> list[tuple[str, str]]:
    raw = tomllib.loads(open(config_path, encoding="utf-8").read())
    return sorted((plugin, key) for plugin, table in raw["plugins"].items() for key, v in table.items()
                  if isinstance(v, (int, float)) and not isinstance(v, bool))


@settings(max_examples=h.budget(10))
@given(data=st.data(), plugin=st.sampled_from(h.PLUGINS), value=st.sampled_from((float("nan"), float("inf"), float("-inf"))))
@example(data=None, plugin="power_supply", value=float("nan"))  # the sample: dispatch_hours = nan
def test_a_nan_or_infinite_parameter_is_a_config_error(configs, tmp_path_factory, data, plugin, value):
    params = _number_parameters(configs[plugin])
    key = "dispatch_hours" if data is None else data.draw(st.sampled_from([k for _, k in params]), label="key")
    raw = tomllib.loads(open(configs[plugin], encoding="utf-8").read())
    raw["plugins"][plugin][key] = value
    config = tmp_path_factory.mktemp("cfg") / "policy.toml"
    config.write_text(tomli_w.dumps(raw), encoding="utf-8")
    records = tmp_path_factory.mktemp("in") / "t.jsonl"
    records.write_text(json.dumps({"id": "A1", "received_at": RECEIVED}) + "\n")
    run = h.evaluate(str(config), [records])
    assert run.crash is None, run.crash
    assert run.exit_code == 2 and f"plugins.{plugin}.{key}" in run.stderr, (
        f"plugins.{plugin}.{key} = {value}: exit {run.exit_code}, {run.stderr.strip()[:200]!r}")


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table", "xlsx"])
@settings(max_examples=h.budget(3))
@given(data=st.data())
def test_every_output_format_writes_whatever_a_run_produced(configs, tmp_path_factory, fmt, data):
    config = data.draw(st.sampled_from(("power_supply", "water")), label="config")  # no crash in their first pass
    batch = data.draw(h.batches(config, json_input=True), label="batch")
    folder = tmp_path_factory.mktemp("in")
    written = h.write_jsonl(folder / "t.jsonl", batch)
    out = folder / f"out.{fmt}"
    run = h.evaluate(configs[config], [written.path], "--format", fmt, "--output", str(out))
    problems = []
    if run.crash or "Traceback" in run.stderr:
        problems.append(f"crash: --format {fmt}: {run.crash}")
    elif run.exit_code not in (0, 1) or not out.is_file() or out.stat().st_size == 0:
        problems.append(f"exit: --format {fmt}: status {run.exit_code}, {run.stderr.strip()[:200]!r}")
    h.verdict(f"output-{fmt}/{config}", problems, len(written.expected))
