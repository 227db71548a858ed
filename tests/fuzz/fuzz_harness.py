"""What the fuzz suite generates, how it runs `policy evaluate`, and what it checks.

Records are built from each plugin's declared fields as `policy plugins --json` lists them
(kind, Chinese headers, allowed values), then mutated field by field. Every file is written
here, so the suite knows each input row's number and id independently of the readers it tests.
"""

from __future__ import annotations

import codecs
import collections
import csv
import io
import json
import math
import os
import random
import signal
import string
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
from click.testing import CliRunner
from hypothesis import settings
from hypothesis import strategies as st

from policy.cli.main import cli

PLUGINS = ("power_supply", "water", "gas", "airport")
AS_OF = "2026-12-31T00:00"
ID_HEADERS = ("id", "工单编号", "工单号", "编号")
SURVEY = os.environ.get("POLICY_FUZZ_SURVEY") == "1"  # tally every violation instead of failing


def budget(ci: int, deep: int | None = None) -> int:
    """Examples for a test: ``ci`` under the ci profile, ``deep`` (default 30 times as many) else."""
    if settings.get_current_profile_name() == "ci":
        return ci
    return deep if deep is not None else ci * 30


def invoke(args: list[str], stdin: bytes | None = None):
    return CliRunner().invoke(cli, args, input=stdin)


# -- the declared fields ---------------------------------------------------------------


@attrs.frozen
class FieldSpec:
    name: str
    kind: str
    headers: tuple[str, ...]  # its name and the Chinese headers that read as this field only
    choices: tuple[str, ...]  # codes and labels
    required: bool


def _declared_fields() -> dict[str, dict[str, FieldSpec]]:
    r = invoke(["plugins", "--json"])
    assert r.exit_code == 0, r.output
    out = {}
    for plugin in json.loads(r.stdout)["plugins"]:
        if plugin["name"] not in PLUGINS:
            continue
        merged: dict[str, dict] = {}
        for f in plugin["fields"]:  # a plugin may restate a common field; its own statement wins
            base = merged.get(f["name"], {})
            merged[f["name"]] = {
                **base, **f,
                "aliases": list(dict.fromkeys([*base.get("aliases", []), *f.get("aliases", [])])),
                "required": base.get("required", False) or f.get("required", False),
            }
        # A header two fields claim is left out: which one reads it is the parser's business.
        claims = collections.Counter(h for f in merged.values() for h in {f["name"], *f["aliases"]})
        fields = {}
        for f in merged.values():
            values = f.get("values") or {}
            fields[f["name"]] = FieldSpec(
                f["name"], f["kind"],
                tuple(h for h in dict.fromkeys([f["name"], *f["aliases"]]) if claims[h] == 1),
                tuple(dict.fromkeys([*values, *values.values()])),
                f.get("required", False),
            )
        out[plugin["name"]] = fields
    assert set(out) == set(PLUGINS), f"plugins --json lists {sorted(out)}"
    return out


FIELDS = _declared_fields()

# -- valid cells -------------------------------------------------------------------------

NAMES = ("张三", "李四", "王五", "赵敏", "刘洋", "陈所长", "值机员小陈", "O'Brien", "Anna-Lena")
UNITS = ("城区供电所", "营业一所", "客服部", "地面服务公司", "安检站", "营销服务部")
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S+08:00", "%Y年%m月%d日 %H:%M")
BOOLS = ("是", "否", "true", "false", "1", "0", "yes", "no")
ID_PREFIXES = ("T", "PS-", "SW", "工单", "No.", "a b ")

FIRST_RECEIVED = datetime(2025, 1, 1)
RECEIVED_SPAN_MINUTES = int((datetime(2026, 10, 31) - FIRST_RECEIVED).total_seconds() // 60)
ID_CHARS = string.ascii_letters + string.digits + "中文事件 -"


def cell_of(rnd: random.Random, f: FieldSpec, received: datetime) -> str:
    """A cell a ticket system would export for ``f``: always text, as in a CSV."""
    kind = f.kind
    if f.choices:
        return rnd.choice(f.choices)
    if kind == "time":
        t = received if f.name == "received_at" else received + timedelta(minutes=rnd.randrange(20 * 24 * 60))
        return t.strftime(rnd.choice(TIME_FORMATS))
    if kind == "bool":
        return rnd.choice(BOOLS)
    if kind == "number":
        return rnd.choice((str(rnd.randrange(20000)), "12.5", "0.5", "1,200", "300元"))
    if kind == "names":
        return rnd.choice(("、", ",", "；")).join(rnd.sample(NAMES, rnd.randint(1, 3)))
    if f.name in ("unit", "department", "section", "station"):
        return rnd.choice(UNITS)
    if f.name in ("person", "clerk"):
        return rnd.choice(NAMES)
    return "".join(rnd.choices(ID_CHARS, k=rnd.randint(1, 12))).strip() or "x"


@attrs.define
class Row:
    """One input row as the suite wrote it: its industry and cells by field name."""

    industry: str
    cells: dict[str, Any]  # field name -> cell (text, or any JSON value for JSON inputs)
    extra: dict[str, Any] = attrs.Factory(dict)  # cells under headers no field reads


def valid_row(rnd: random.Random, industry: str, ident: str, name_industry: bool) -> Row:
    """A well-formed row: every required field, about half of the optional ones.

    Drawn from a seeded Random, not field by field from hypothesis: a row of 60 fields would
    use up hypothesis' budget of choices per example. Hypothesis chooses the seed, the number
    of rows and every mutation, and shrinks those.
    """
    received = FIRST_RECEIVED + timedelta(minutes=rnd.randrange(RECEIVED_SPAN_MINUTES))
    cells: dict[str, Any] = {"id": ident, "received_at": received.strftime(rnd.choice(TIME_FORMATS))}
    for f in FIELDS[industry].values():
        if f.name in cells or f.name == "industry":
            continue
        if f.required or rnd.random() < 0.5:
            cells[f.name] = cell_of(rnd, f, received)
    if name_industry:
        cells["industry"] = industry
    return Row(industry, cells)


# -- mutations, field by field --------------------------------------------------------------


class Raw(str):
    """JSON text written as is (NaN, 1e400), which json.dumps cannot write."""


def odd_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from((
            "", " ", "   ", "\u3000", "\t", "\u200b", "\ufeff", "\u202e反转", "=1+1", "-1", "+86 138", "@x",
            "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e308", "-500", "-9000", "0", "-0",
            "13800138000", "9" * 40, "0x10", "1_000", "١٢٣", "２０２６-０３-０２ １０:００", "2026-02-30 10:00",
            "2027-01-01 10:00", "2030-06-01 10:00", "1900-01-01 00:00", "0001-01-01 00:00", "9999-12-31 23:59",
            "2026-03-02", "10:00", "是否", "true false", '"', "'", '""', 'a"b', "a,b", "a\nb", "a\r\nb", "\r",
            "\\", "\x00", "\x1b[31mred\x1b[0m", "\x7f", "𠀀𝄞🙂", "e\u0301", "ＡＢＣ", "a" * 5000,
        )),
        st.text(max_size=30),
        st.text(st.characters(codec="utf-8", categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Co", "So")), max_size=8),
    )


def json_values(max_leaves: int = 8, raw: bool = True) -> st.SearchStrategy[Any]:
    """Any JSON value; with ``raw``, also numbers orjson refuses (NaN, 1e400), which in a JSON
    array make the whole file unreadable, so a JSON array's records never carry them."""
    scalars = st.one_of(
        st.none(), st.booleans(),
        st.integers(), st.sampled_from((2**63, 2**64, -(2**63) - 1, 10**30, 13800138000, -500, 45000)),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from((Raw("NaN"), Raw("Infinity"), Raw("-Infinity"), Raw("1e400"), Raw("-1e400")))
        if raw else st.nothing(),
        st.just(Raw('{"a":' * 1000 + "1" + "}" * 1000)),  # nested 1,000 deep
        odd_text(),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
        max_leaves=max_leaves,
    )


def mutate(draw, row: Row, json_input: bool, earlier_ids: list[str]) -> str:
    """Change one field of ``row`` the way broken exports do; returns what was done."""
    fields = FIELDS[row.industry]
    how = draw(st.sampled_from(("value", "value", "value", "blank_id", "duplicate_id", "drop_required", "unknown_column")))
    if how == "duplicate_id" and not earlier_ids:
        how = "value"
    if how == "blank_id":
        row.cells["id"] = draw(st.sampled_from(("", " ", "\u3000", "\t", "\u200b")))
    elif how == "duplicate_id":
        row.cells["id"] = draw(st.sampled_from(earlier_ids)) + draw(st.sampled_from(("", " ", "  ")))
    elif how == "drop_required":
        row.cells.pop(draw(st.sampled_from(("id", "received_at"))), None)
    elif how == "unknown_column":
        row.extra[draw(st.sampled_from(("备注", "remark", "x", "处理 意见")))] = draw(odd_text())
    else:
        name = draw(st.sampled_from(sorted(fields)))
        json_value = json_values(raw=json_input != "array")
        row.cells[name] = draw(json_value if json_input and draw(st.booleans()) else odd_text())
        return f"value:{name}"
    return how


# -- a batch of rows --------------------------------------------------------------------------


@attrs.define
class Batch:
    rows: list[Row | str]  # a str is a whole JSON Lines line written as is (arbitrary JSON, junk)
    industries: tuple[str, ...]
    mutations: list[str]
    headers: dict[tuple[str, str], str]  # (industry, field) -> the column header used for it

    @property
    def config(self) -> str:
        """The config it is for: its plugin's, or "mixed" (all four enabled)."""
        return self.industries[0] if len(self.industries) == 1 else "mixed"


CONFIGS = (*PLUGINS, "mixed")


def any_batches(**options: Any) -> st.SearchStrategy[Batch]:
    """Batches for any config: each built-in plugin's, or all four together."""
    return st.sampled_from(CONFIGS).flatmap(lambda config: batches(config, **options))


def batch_of(config: str, *records: dict[str, Any]) -> Batch:
    """A batch written by hand (an explicit example): records by field name."""
    industries = PLUGINS if config == "mixed" else (config,)
    rows = [Row(r.get("industry", industries[0]), dict(r)) for r in records]
    return Batch(rows, industries, [], {(i, f): f for i in industries for f in FIELDS[i]})


@st.composite
def batches(draw, config: str, json_input: bool, mutate_rows: bool = True, max_rows: int = 25,
            whole_lines: bool = False) -> Batch:
    """Rows for the config ``config`` (a plugin's name or "mixed"), some of them mutated."""
    industries = PLUGINS if config == "mixed" else (config,)
    rnd = random.Random(draw(st.integers(0, 2**32 - 1), label="seed"))
    n = draw(st.integers(1, max_rows if settings.get_current_profile_name() == "ci" else max_rows * 4))
    prefix = draw(st.sampled_from(ID_PREFIXES))
    rows: list[Row | str] = []
    mutations: list[str] = []
    ids: list[str] = []
    for i in range(n):
        if whole_lines and draw(st.integers(0, 9)) == 0:
            rows.append(draw(whole_line(json_only=whole_lines == "json")))
            mutations.append("whole_line")
            continue
        industry = rnd.choice(industries)
        ident = f"{prefix}{i:04d}"
        row = valid_row(rnd, industry, ident, name_industry=config == "mixed" or rnd.random() < 0.1)
        if mutate_rows and draw(st.integers(0, 3)) == 0:
            mutations.append(mutate(draw, row, json_input, ids))
        ids.append(ident)
        rows.append(row)
    return Batch(rows, industries, mutations, header_choice(rnd, industries))


def whole_line(json_only: bool = False) -> st.SearchStrategy[str]:
    """A line that is not a record: arbitrary JSON, a deep nest, or (JSON Lines) no JSON at all."""
    values = st.one_of(
        json_values(12, raw=not json_only).map(dumps),
        st.dictionaries(st.text(max_size=6), json_values(4, raw=not json_only), max_size=4).map(dumps),
        st.sampled_from(("null", "[]", '""', "{}", '{"id": null}', "[" * 900 + "]" * 900)),
    )
    if json_only:
        return values
    return st.one_of(
        values,
        st.text(min_size=1, max_size=40).map(lambda t: t.replace("\n", " ").replace("\r", " ")).filter(str.strip),
        st.sampled_from(("{", "}", "[1,", '{"id": "X"')),
    )


def dumps(value: Any) -> str:
    """JSON text of ``value``, Raw pieces written as they are."""
    raws: list[str] = []

    def placeholder(v: Any) -> Any:
        if isinstance(v, Raw):
            raws.append(str(v))
            return f"\x00RAW{len(raws) - 1}\x00"
        if isinstance(v, dict):
            return {k: placeholder(x) for k, x in v.items()}
        if isinstance(v, list):
            return [placeholder(x) for x in v]
        return v

    text = json.dumps(placeholder(value), ensure_ascii=False)
    for i, raw in enumerate(raws):
        text = text.replace(json.dumps(f"\x00RAW{i}\x00"), raw)
    return text


# -- files ---------------------------------------------------------------------------------------


def header_choice(rnd: random.Random, industries: Iterable[str]) -> dict[tuple[str, str], str]:
    """One column header per (industry, field): its name or one of its Chinese headers."""
    # A field several industries share (id, received_at …) gets one column in a file: two columns
    # giving one field are refused as a whole (issue 12 item 3).
    industries = list(industries)
    # A header one industry reads as one field and another as another (分管副职) is left out of
    # a file for several industries: it would give one of them two columns.
    owners: dict[str, set[str]] = collections.defaultdict(set)
    for industry in industries:
        for f in FIELDS[industry].values():
            for h in f.headers:
                owners[h].add(f.name)
    shared: dict[str, list[str]] = {}
    for industry in industries:
        for f in FIELDS[industry].values():
            if f.headers:  # the headers every industry reads as this field
                shared[f.name] = [h for h in shared.get(f.name, f.headers) if h in f.headers]
    shared = {name: [h for h in headers if len(owners[h]) == 1] for name, headers in shared.items()}
    chosen = {name: rnd.choice(headers) if headers else name for name, headers in shared.items()}
    return {(industry, f.name): chosen[f.name] for industry in industries for f in FIELDS[industry].values() if f.headers}


def keyed(row: Row, headers: dict[tuple[str, str], str]) -> dict[str, Any]:
    out = {}
    for name, cell in row.cells.items():
        out[headers.get((row.industry, name), name)] = cell
    out.update(row.extra)
    return out


def text_cell(cell: Any) -> str:
    return cell if isinstance(cell, str) else dumps(cell)


@attrs.frozen
class Written:
    path: Path
    expected: list[tuple[int, str | None]]  # each input row: (its row number, its usable id or None)


def expected_id(cell: Any) -> str | None:
    """The id a row carries, decided here and not by the reader: text (trimmed) or a whole number."""
    if isinstance(cell, str) and not isinstance(cell, Raw):
        return cell.strip() or None
    if isinstance(cell, int) and not isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float) and math.isfinite(cell) and abs(cell) < 2**53:
        # a ticket number a spreadsheet stored as a number; any other number is read as its text
        # (README, Records); past 2**53 its digits are lost and the row is an error
        return str(int(cell)) if cell.is_integer() else str(cell)
    return None


def _row_id(row: Row | str) -> str | None:
    return expected_id(row.cells.get("id")) if isinstance(row, Row) else None


def write_jsonl(path: Path, batch: Batch, eol: str = "\n", bom: bool = False) -> Written:
    lines = [r if isinstance(r, str) else dumps(keyed(r, batch.headers)) for r in batch.rows]
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + (eol.join(lines) + eol).encode())
    return Written(path, [(i, _row_id(r)) for i, r in enumerate(batch.rows, 1)])


def write_json(path: Path, batch: Batch) -> Written:
    items = [Raw(r) if isinstance(r, str) else keyed(r, batch.headers) for r in batch.rows]
    path.write_bytes(("[" + ",\n".join(dumps(x) for x in items) + "]").encode())
    return Written(path, [(i, _row_id(r)) for i, r in enumerate(batch.rows, 1)])


def columns_of(batch: Batch) -> list[str]:
    cols: dict[str, None] = {}
    for r in batch.rows:
        cols.update(dict.fromkeys(keyed(r, batch.headers)))
    return list(cols)


def write_csv(path: Path, batch: Batch, encoding: str = "utf-8", eol: str = "\r\n") -> Written:
    cols = columns_of(batch)
    text = io.StringIO()
    # With "\n" rows, csv.writer leaves a lone "\r" in a cell unquoted: a row break to any
    # reader, so every cell is quoted then.
    w = csv.writer(text, lineterminator=eol, quoting=csv.QUOTE_MINIMAL if eol == "\r\n" else csv.QUOTE_ALL)
    w.writerow(cols)
    for r in batch.rows:
        cells = keyed(r, batch.headers)
        w.writerow([text_cell(cells.get(c, "")) for c in cols])
    path.write_bytes(text.getvalue().encode(encoding))
    return Written(path, [(i, _row_id(r)) for i, r in enumerate(batch.rows, 2)])


def write_xlsx(path: Path, batch: Batch, numbers_as_numbers: bool = False) -> Written:
    import xlsxwriter

    cols = columns_of(batch)
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("工单")
    for c, h in enumerate(cols):
        ws.write_string(0, c, h)
    for i, r in enumerate(batch.rows, 1):
        cells = keyed(r, batch.headers)
        for c, h in enumerate(cols):
            v = text_cell(cells.get(h, ""))
            if v == "":
                continue
            if numbers_as_numbers and v.isascii() and v.isdigit() and len(v) < 15:
                ws.write_number(i, c, int(v))
            else:
                ws.write_string(i, c, v[:32767])
    book.close()
    return Written(path, [(i, _row_id(r)) for i, r in enumerate(batch.rows, 2)])


# -- running and checking ---------------------------------------------------------------------------


@attrs.define
class Run:
    exit_code: int | None
    stdout: bytes
    stderr: str
    crash: str | None  # the exception that escaped the command, if any
    document: dict | None


HANG_SECONDS = 30


class Endless(BaseException):
    """A run that did not end: a reader or the pipeline in a loop (a BaseException, so that
    no ``except Exception`` in the code under test swallows it)."""


def _endless(signum, frame):
    raise Endless()


def evaluate(config: str, inputs: Iterable[str | Path], *options: str, stdin: bytes | None = None) -> Run:
    keep = os.environ.get("POLICY_FUZZ_LAST")  # a folder: the inputs of the latest run, to find a hang
    if keep:
        import shutil

        for p in inputs:
            shutil.copy(p, Path(keep) / Path(p).name)
    args = ["evaluate", "--config", config, "--as-of", AS_OF, "--format", "json", "--jobs", "1", "--quiet",
            *options, *map(str, inputs)]
    # A watchdog, not a speed limit: a run of a few hundred rows that takes minutes is in a loop.
    previous = signal.signal(signal.SIGALRM, _endless)
    signal.alarm(HANG_SECONDS)
    try:
        r = CliRunner().invoke(cli, args, input=stdin)
    except Endless:
        return Run(None, b"", "", f"endless: no end after {HANG_SECONDS} s on {', '.join(map(str, inputs))}", None)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    crash = None
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        crash = f"{type(r.exception).__name__}: {str(r.exception)[:300]}"
    elif any(str(p).endswith(".jsonl") for p in inputs) and stdin is None:
        crash = _executors_differ(args, r)
    try:
        document = json.loads(r.stdout_bytes) if r.stdout_bytes else None
    except ValueError:
        document = None
    return Run(r.exit_code, r.stdout_bytes, r.stderr, crash, document)


def _executors_differ(args: list[str], columnar: Any) -> str | None:
    """One truth (issue 15): JSON Lines runs through the columnar executor when it can
    (core/columnar); the same run per ticket must give the same bytes and exit status."""
    r = CliRunner(env={"POLICY_EXECUTOR": "per_ticket"}).invoke(cli, args)
    if (r.exit_code, r.stdout_bytes) == (columnar.exit_code, columnar.stdout_bytes):
        return None
    for i, (a, b) in enumerate(zip(r.stdout_bytes.splitlines(), columnar.stdout_bytes.splitlines()), 1):
        if a != b:
            return f"the executors differ at line {i}: per ticket {a[:300]!r}, columnar {b[:300]!r}"
    return f"the executors differ: exit {r.exit_code} per ticket, {columnar.exit_code} columnar, or the length of the output"


class Violations(AssertionError):
    pass


def check_accounting(run: Run, expected: list[tuple[int, str | None]], source_of: dict[int, str] | None = None) -> list[str]:
    """The contract's promises about one run over rows whose numbers and ids the suite knows.

    No traceback, exit status 0 or 1 by whether anything was rejected, the summary adds up to
    the rows written, and every row comes out exactly once: as a result under its id, or as an
    error at its row number carrying its id (or no id when it has none).
    """
    problems: list[str] = []
    if run.crash and run.crash.startswith("endless:"):
        return [run.crash]
    if run.crash or "Traceback" in run.stderr:
        return [f"crash: {run.crash or run.stderr[-300:]}"]
    if run.exit_code not in (0, 1):
        return [f"exit: status {run.exit_code} for record problems ({run.stderr.strip()[-300:]})"]
    doc = run.document
    if doc is None:
        return ["document: stdout is not a JSON result document"]
    s = doc["summary"]
    if not s["records"] == s["evaluated"] + s["rejected"] == len(expected):
        problems.append(f"count: summary {s} for {len(expected)} rows written")
    if len(doc["results"]) != s["evaluated"] or len(doc["errors"]) != s["rejected"]:
        problems.append(f"count: {len(doc['results'])} results, {len(doc['errors'])} errors for summary {s}")
    if run.exit_code != (1 if s["rejected"] else 0):
        problems.append(f"exit: status {run.exit_code} with {s['rejected']} rejected")
    by_row = dict(expected)
    seen_rows: set[int] = set()
    for e in doc["errors"]:
        row = e.get("row")
        if row not in by_row:
            problems.append(f"row: error at row {row!r} (id {e.get('id')!r}) which was never written")
            continue
        if row in seen_rows:
            problems.append(f"row: two errors for row {row}")
        seen_rows.add(row)
        # An unreadable row may name no id (its row number then places it), never another id.
        if by_row[row] is not None and e.get("id") not in (None, by_row[row]):
            problems.append(f"id: error at row {row} names id {e.get('id')!r}, the row's id is {by_row[row]!r} "
                            f"({e.get('field')}: {str(e.get('message'))[:150]})")
    blamed = [e for e in doc["errors"] if "fault in plugin code" in str(e.get("message"))]
    if blamed:  # every rejection here is the input's fault: a wrong value must name its field
        e = blamed[0]
        problems.append(f"blame: row {e.get('row')} is rejected as a fault in plugin code: {str(e.get('message'))[:200]}")
    unaccounted = collections.Counter(i for r, i in expected if r not in seen_rows and i is not None)
    no_id = [r for r, i in expected if r not in seen_rows and i is None]
    if no_id:
        problems.append(f"id: rows {no_id[:5]} have no id and no error")
    got = collections.Counter(r["id"] for r in doc["results"])
    if got != unaccounted:
        problems.append(f"id: results {dict(got - unaccounted)} not in input, {dict(unaccounted - got)} input ids missing")
    return problems


# -- the tally of a survey --------------------------------------------------------------------------

TALLY: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
SAMPLES: dict[str, dict[str, str]] = collections.defaultdict(dict)


def verdict(prop: str, problems: list[str], records: int) -> None:
    """Tally the example; fail it unless this is a survey (which counts, never shrinks)."""
    t = TALLY[prop]
    t["examples"] += 1
    t["records"] += records
    kinds = {p.split(":", 1)[0]: p for p in problems}
    for k, p in kinds.items():
        t[k] += 1
        SAMPLES[prop].setdefault(k, p[:300])  # the first of each kind, to say what it was
    if SURVEY and sum(c["examples"] for c in TALLY.values()) % 25 == 0:
        write_tally()  # as it goes, so that a survey cut short still has its figures
    if problems and not SURVEY:
        raise Violations("\n".join(problems[:8]))


def write_tally() -> None:
    path = os.environ.get("POLICY_FUZZ_TALLY")
    if path and TALLY:
        tally = {k: {**v, "samples": SAMPLES.get(k, {})} for k, v in sorted(TALLY.items())}
        Path(path).write_text(json.dumps(tally, indent=1, ensure_ascii=False))
