"""Generated records through `policy evaluate`: never a traceback, never a lost row.

Each property draws a config (a built-in plugin's, or "mixed" with all four enabled) and
records built from the plugin's declared fields, a quarter of them mutated field by field.
Each property carries the smallest inputs of the failures it once found as explicit
examples, so a regression fails the same way on every run.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

import fuzz_harness as h

RECEIVED = "2026-03-02 10:00"
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")

# issue 12 item 6: a dict in a choice field. With airport or gas (a first pass for repeats)
# it ends the run with a traceback; with the others it is blamed on plugin code.
DICT_IN_A_CHOICE = h.batch_of("airport", {"id": "A1", "received_at": RECEIVED, "channel": {"a": 1}})


@settings(max_examples=h.budget(40))
@given(batch=h.any_batches(json_input=True, whole_lines=True), eol=st.sampled_from(("\n", "\r\n")), bom=st.booleans())
@example(batch=DICT_IN_A_CHOICE, eol="\n", bom=False)
def test_json_lines_every_row_comes_out_once(configs, tmp_path_factory, batch, eol, bom):
    written = h.write_jsonl(tmp_path_factory.mktemp("in") / "t.jsonl", batch, eol, bom)
    run = h.evaluate(configs[batch.config], [written.path])
    h.verdict(f"jsonl/{batch.config}", h.check_accounting(run, written.expected), len(written.expected))


@settings(max_examples=h.budget(20))
@given(batch=h.any_batches(json_input="array", whole_lines="json"))
@example(batch=DICT_IN_A_CHOICE)
def test_json_array_every_row_comes_out_once(configs, tmp_path_factory, batch):
    written = h.write_json(tmp_path_factory.mktemp("in") / "t.json", batch)
    run = h.evaluate(configs[batch.config], [written.path])
    h.verdict(f"json/{batch.config}", h.check_accounting(run, written.expected), len(written.expected))


@settings(max_examples=h.budget(30))
@given(batch=h.any_batches(json_input=False), encoding=st.sampled_from(ENCODINGS), eol=st.sampled_from(("\r\n", "\n")))
def test_csv_every_row_comes_out_once(configs, tmp_path_factory, batch, encoding, eol):
    written = h.write_csv(tmp_path_factory.mktemp("in") / "t.csv", batch, encoding, eol)
    run = h.evaluate(configs[batch.config], [written.path])
    h.verdict(f"csv/{batch.config}", h.check_accounting(run, written.expected), len(written.expected))


@settings(max_examples=h.budget(20))
@given(batch=h.any_batches(json_input=False), numbers=st.booleans())
def test_xlsx_every_row_comes_out_once(configs, tmp_path_factory, batch, numbers):
    written = h.write_xlsx(tmp_path_factory.mktemp("in") / "t.xlsx", batch, numbers_as_numbers=numbers)
    run = h.evaluate(configs[batch.config], [written.path])
    h.verdict(f"xlsx/{batch.config}", h.check_accounting(run, written.expected), len(written.expected))


@settings(max_examples=h.budget(15))
@given(batch=h.any_batches(json_input=True, whole_lines=True))
def test_a_rerun_is_byte_identical(configs, tmp_path_factory, batch):
    written = h.write_jsonl(tmp_path_factory.mktemp("in") / "t.jsonl", batch)
    first = h.evaluate(configs[batch.config], [written.path])
    second = h.evaluate(configs[batch.config], [written.path])
    problems = [] if first.stdout == second.stdout and first.exit_code == second.exit_code else [
        f"rerun: outputs differ (exit {first.exit_code} then {second.exit_code})"]
    h.verdict(f"rerun/{batch.config}", problems, len(written.expected))


def _comparable(run: h.Run) -> tuple:
    """Results and errors without where they came from (row numbers differ between formats)."""
    doc = run.document or {}
    errors = [(e.get("id"), e.get("field"), e.get("message")) for e in doc.get("errors", [])]
    return run.exit_code, doc.get("results"), errors, doc.get("period"), doc.get("summary")


@settings(max_examples=h.budget(15))
@given(batch=h.any_batches(json_input=False, mutate_rows=False))
def test_the_same_records_as_csv_json_lines_and_xlsx_give_the_same_results(configs, tmp_path_factory, batch):
    folder = tmp_path_factory.mktemp("in")
    config = configs[batch.config]
    runs = {
        "jsonl": h.evaluate(config, [h.write_jsonl(folder / "t.jsonl", batch).path]),
        "csv": h.evaluate(config, [h.write_csv(folder / "t.csv", batch).path]),
        "xlsx": h.evaluate(config, [h.write_xlsx(folder / "t.xlsx", batch).path]),
    }
    base = _comparable(runs["jsonl"])
    problems = [f"formats: {fmt} differs from jsonl" for fmt, run in runs.items() if _comparable(run) != base]
    problems += [f"crash: {fmt}: {run.crash}" for fmt, run in runs.items() if run.crash]
    h.verdict(f"formats/{batch.config}", problems, 3 * len(batch.rows))


@settings(max_examples=h.budget(4, deep=30))
@given(batch=h.any_batches(json_input=True, whole_lines=True))
def test_two_jobs_give_the_same_bytes_as_one(configs, tmp_path_factory, batch):
    from policy.cli import jobs

    written = h.write_jsonl(tmp_path_factory.mktemp("in") / "t.jsonl", batch)
    chunk, jobs.CHUNK = jobs.CHUNK, 4  # several chunks, so ids repeat across them
    try:
        one = h.evaluate(configs[batch.config], [written.path])
        two = h.evaluate(configs[batch.config], [written.path], "--jobs", "2")
    finally:
        jobs.CHUNK = chunk
    problems = [f"crash: {two.crash}"] if two.crash and not one.crash else []
    if one.stdout != two.stdout or one.exit_code != two.exit_code:
        problems.append(f"jobs: --jobs 2 differs from --jobs 1 (exit {one.exit_code} vs {two.exit_code})")
    h.verdict(f"jobs/{batch.config}", problems, 2 * len(written.expected))
