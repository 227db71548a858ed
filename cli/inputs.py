"""Reading complaint records from the files assessors have.

Each reader yields ``(source, row, cells)``: ``row`` is what a clerk would look for (the row
Excel shows for a CSV record or a spreadsheet row, title rows and the header included; the
line of a JSON Lines file; the position in a JSON array), ``cells`` a mapping of header to
value, or a :class:`~policy.core.records.FieldError` for a row that cannot even be read, so
that the pipeline reports it instead of dropping it.

CSV and spreadsheets are tables and are read by one code path (:func:`_table`): the header
is found under title rows, each header cell is matched to the column names the enabled
plugins know (spaces and line breaks inside a cell do not matter), two columns giving one
field are refused, and what is not a record is said on the notice channel rather than
dropped in silence: columns no rule reads (with the nearest known name), and total rows
(合计, 总计, 小计, 共12条) skipped.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import itertools
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import orjson
from attrs import frozen

from policy.core.records import COMMON_FIELDS, Field, FieldError, header_key

FORMATS = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
           ".xlsx": "sheet", ".xlsm": "sheet", ".xls": "sheet", ".ods": "sheet"}
HEADER_SEARCH_ROWS = 20  # title rows an export may put above the header
BOM_GB18030 = b"\x84\x31\x95\x33"
CSV_FIELD_LIMIT = 2**31 - 1  # the csv module's 131,072-character default must never cut a cell
# calamine builds a sheet's whole grid (about 32 bytes a cell) before its first row: an .xlsx
# whose cells span more is streamed instead (policy.cli.xlsx), an .ods is refused; an .xls
# cannot exceed 65,536 x 256 cells.
MAX_GRID_CELLS = 8_000_000

Notify = Callable[[str], None]  # one line for a person (main.py prints it as "policy: ...")

# A row that sums the rows above it, as exports end: 合计 | 共12条, 总计：12, 小计, Total.
TOTAL_ROW = re.compile(
    r"^(?:(?:合计|总计|小计|累计|汇总|共计|总数|总条数|grandtotal|subtotal|total|sum)[:：]?(?:共?\d+[条项件单张]?)?"
    r"|共\d+[条项件单张](?:记录|工单|数据)?)$",
    re.IGNORECASE,
)
TOTAL_START = frozenset("合总小累汇共gGsStT")  # first letters of what TOTAL_ROW matches: the cheap test first


def _blank(cell: Any) -> bool:
    return cell is None or (cell.__class__ is str and (not cell or cell.isspace()))


class InputError(Exception):
    """An input that cannot be read at all (missing file, unknown format, no header)."""


def _ignore(message: str) -> None:
    pass


# -- the columns the enabled plugins know ------------------------------------------------------


class Columns:
    """The column headers the enabled plugins read: each header's field, per industry.

    Built from each industry's ``RecordParser.by_header``. A cell of a header row matches a
    known header after :func:`~policy.core.records.header_key` (spaces, line breaks and case
    do not matter); the record then carries the header as the plugin declares it.
    """

    def __init__(self, by_industry: Mapping[str, Mapping[str, Field]]):
        if not by_industry:
            by_industry = {"": {h: f for f in COMMON_FIELDS for h in (f.name, *f.aliases)}}
        self.fields: dict[str, dict[str, str]] = {}  # header -> {industry: field name}
        self._canonical: dict[str, str] = {}  # header_key -> header as declared
        for industry, by_header in by_industry.items():
            for header, field in by_header.items():
                self.fields.setdefault(header, {})[industry] = field.name
                self._canonical.setdefault(header_key(header), header)
        self.exact = frozenset(self.fields)
        # A roster is a list of people: its header is the row naming the person column.
        self.person = frozenset({"姓名", *(h for h, f in self.fields.items() if "person" in f.values())})

    def known(self, text: str) -> str | None:
        """The declared header a header cell names, or None."""
        if text in self.exact:
            return text
        return self._canonical.get(header_key(text))

    def clash(self, headers: list[str]) -> tuple[str, int, int] | None:
        """The first field two of these headers give in one industry: (field name, position of
        the first header, position of the second); headers that are not declared ones are skipped."""
        seen: dict[tuple[str, str], int] = {}
        for i, header in enumerate(headers):
            for industry, name in self.fields.get(header, {}).items():
                first = seen.setdefault((industry, name), i)
                if first != i:
                    return name, first, i
        return None

    def nearest(self, text: str, present: Iterable[str] = ()) -> str | None:
        """The known header most like ``text`` (回访日期 → 回访时间), among the fields not
        already given by one of the ``present`` headers."""
        given = {f for h in present for f in self.fields.get(h, {}).items()}
        candidates = sorted(h for h, fs in self.fields.items() if not given.intersection(fs.items()))
        match = difflib.get_close_matches(text, candidates, n=1, cutoff=0.5)
        return match[0] if match else None

    def is_header(self, texts: list[str]) -> bool:
        return sum(self.known(t) is not None for t in texts if t) >= 2

    def is_roster_header(self, texts: list[str]) -> bool:
        return any(self.known(t) in self.person or header_key(t) == "姓名" for t in texts if t)


def clean_header(cell: Any) -> str:
    """A header cell as text: no BOM, no line breaks; Chinese text without inner spaces."""
    if cell is None:
        return ""
    text = str(cell).replace("\ufeff", "").strip()
    if text.isascii():
        return " ".join(text.split())
    return "".join(text.split())


# -- entry points ------------------------------------------------------------------------------


def format_of(path: str) -> str:
    if path == "-":
        return "jsonl"
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path}: cannot tell the format from the name; expected .csv, .json, .jsonl, .xlsx, .xls, .ods "
            "(or - for JSON Lines on standard input)"
        )
    return fmt


def read(
    path: str, stdin: IO[bytes] | None = None, sheet: str | None = None,
    columns: Columns | None = None, notify: Notify | None = None,
) -> Iterator[tuple[str, int, Any]]:
    """Rows of one input. ``columns`` are the headers the enabled plugins know (they find a
    table's header under its title rows); ``notify`` receives what a person should know about
    the file (columns no rule reads, total rows skipped)."""
    columns = columns if columns is not None else Columns({})
    notify = notify or _ignore
    fmt = format_of(path)
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield from jsonl_rows(_stdin_lines(stream), "<stdin>", 1, columns)
        return
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file")
    if fmt == "csv":
        layout = _Layout()
        yield from _table(path, _csv_rows(p, path, layout), columns, notify, columns.is_header, layout=layout)
    elif fmt == "json":
        yield from read_json(p, path, columns)
    elif fmt == "sheet":
        yield from read_sheet(p, path, sheet, columns, notify)
    else:
        with p.open("rb") as f:
            yield from jsonl_rows(f, path, 1, columns)


def read_roster(path: str, columns: Columns, notify: Notify | None = None) -> list[tuple[str, int, dict[str, Any]]]:
    """The ``--roster`` rows as (source, row, cells). Its header is found under title rows as a
    ticket file's is: the first row naming the person (姓名, person, 责任人). A row that cannot be
    read is an input error naming it: a roster is not used half-read (a person missing from it
    would silently lose a reward)."""
    notify = notify or _ignore
    fmt = format_of(path)
    if path == "-":
        raise InputError("-: the roster is read from a file, not standard input")
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file")
    if fmt == "csv":
        layout = _Layout()
        rows = _table(path, _csv_rows(p, path, layout), columns, notify, columns.is_roster_header, roster=True, layout=layout)
    elif fmt == "sheet":
        rows = read_sheet(p, path, None, columns, notify, roster=True)
    elif fmt == "json":
        rows = read_json(p, path, columns)
    else:
        with p.open("rb") as f:
            rows = list(jsonl_rows(f, path, 1, columns))
    out = []
    for source, row, cells in rows:
        if isinstance(cells, FieldError):
            raise InputError(f"{source} row {row}: {cells.message}")
        out.append((source, row, cells))
    return out


@frozen
class JsonLines:
    """Lines of a JSON Lines input, not yet parsed: ``--jobs`` workers parse them, not the parent."""

    source: str
    first_line: int
    lines: list[bytes]
    columns: Columns | None = None

    def rows(self) -> Iterator[tuple[str, int, Any]]:
        return jsonl_rows(self.lines, self.source, self.first_line, self.columns)


def read_chunks(
    path: str, size: int, stdin: IO[bytes] | None = None, sheet: str | None = None,
    columns: Columns | None = None, notify: Notify | None = None,
) -> Iterator[JsonLines | list[tuple[str, int, Any]]]:
    """The input in chunks of ``size`` rows: JSON Lines as raw lines, other formats read."""
    if format_of(path) != "jsonl":
        rows = read(path, stdin, sheet, columns, notify)
        while chunk := list(itertools.islice(rows, size)):
            yield chunk
        return
    if path == "-":
        stream, source = _stdin_lines(stdin if stdin is not None else sys.stdin.buffer), "<stdin>"
    elif not Path(path).is_file():
        raise InputError(f"{path}: no such file")
    else:
        stream, source = open(path, "rb"), path  # noqa: SIM115 - closed below
    try:
        first = 1
        while lines := list(itertools.islice(stream, size)):
            yield JsonLines(source, first, lines, columns)
            first += len(lines)
    finally:
        if path != "-":
            stream.close()


def jsonl_blocks(path: str, size: int) -> Iterator[tuple[str, int, bytes]]:
    """A JSON Lines file in blocks of about ``size`` bytes, each ending at a line break (the
    last may not), as (source, number of its first line, bytes): the columnar executor reads a
    block whole, without a Python object per line. Lines are numbered as :func:`jsonl_rows`
    numbers them (Python splits a binary file's lines on \\n only)."""
    first, rest = 1, b""
    with open(path, "rb") as f:
        while block := f.read(size):
            block = rest + block
            end = block.rfind(b"\n") + 1
            if not end:  # one line longer than the block: read on
                rest = block
                continue
            block, rest = block[:end], block[end:]
            yield path, first, block
            first += block.count(b"\n")
    if rest:
        yield path, first, rest


def block_lines(block: bytes) -> list[bytes]:
    """A block's lines, each with its line break, as iterating the file gives them."""
    lines = block.split(b"\n")
    last = lines.pop()
    out = [line + b"\n" for line in lines]
    if last:
        out.append(last)
    return out


# -- tables: CSV and spreadsheets --------------------------------------------------------------


class _Layout:
    """What a CSV's reader learns from the table once its header is found: the number of columns."""

    width: int | None = None


def _table(
    where: str, rows: Iterator[tuple[int, Any]], columns: Columns, notify: Notify,
    is_header: Callable[[list[str]], bool], roster: bool = False, layout: _Layout | None = None,
) -> Iterator[tuple[str, int, Any]]:
    """Records of a table given as (row number, cells or FieldError): the header found under
    title rows, its cells matched to known headers, then one mapping per row. ``layout``: the
    table is CSV, where a value in a column with no header means the row's cells shifted, and
    whose reader is told the header's width."""
    delimited = layout is not None
    header = None
    first = None
    unreadable = []
    for row_no, cells in rows:
        first = row_no if first is None else first
        if isinstance(cells, FieldError):
            unreadable.append(cells.message)  # an unreadable title row; said if no header follows
            continue
        texts = [clean_header(c) for c in cells]
        if is_header(texts):
            header, header_row = texts, row_no
            break
        if row_no - first >= HEADER_SEARCH_ROWS - 1:
            break
    if header is None:
        if first is None:
            return  # an empty file: no records
        why = f" ({unreadable[0]})" if unreadable else ""
        if roster:
            raise InputError(f"{where}: no header row naming the person (姓名, person or 责任人) "
                             f"in the first {HEADER_SEARCH_ROWS} rows{why}")
        raise InputError(f"{where}: no header row with known column names (工单编号, 受理时间 … ; "
                         f"`policy plugins --json` lists them) in the first {HEADER_SEARCH_ROWS} rows{why}")
    if layout is not None:
        layout.width = len(header)
    names = [columns.known(t) or t for t in header]
    clash = columns.clash(names)
    if clash is not None:
        field, a, b = clash
        raise InputError(f"{where}: columns {header[a]!r} and {header[b]!r} (row {header_row}) are both the "
                         f"field {field}; keep one of them")
    if not roster:
        _notify_columns(where, header, names, columns, notify)
    while names and not names[-1]:
        names.pop()  # blank header cells at the right end (calamine gives rows the sheet's width)
    width = len(names)
    unnamed = [i for i, name in enumerate(names) if not name]  # blank header cells between named ones
    totals = []
    headless: dict[int, int] = {}  # column -> first row with a value in it
    for row_no, cells in rows:
        if cells.__class__ is FieldError:
            yield where, row_no, cells
            continue
        # Empty cells are absent values; whitespace-only ones are dropped by the record parser.
        record = {name: cell for name, cell in zip(names, cells) if cell is not None and cell != ""}
        first = next(iter(record.values()), None)
        if first.__class__ is str and (first.isspace() or first.lstrip()[:1] in TOTAL_START):
            filled = [c for c in cells if not _blank(c)]
            if not filled:
                continue  # blank
            if TOTAL_ROW.match(clean_header(filled[0])):
                totals.append(row_no)
                continue
        if len(cells) > width or unnamed:
            stray = [i for i in (*unnamed, *range(width, len(cells))) if i < len(cells) and not _blank(cells[i])]
            if stray and delimited:
                # In a CSV file a cell past the header is a comma too many: the cells have shifted.
                yield where, row_no, FieldError(
                    None, f"row {row_no} has a value in column {stray[0] + 1}, which has no header (row {header_row})")
                continue
            for i in stray:
                headless.setdefault(i, row_no)  # a sheet's unlabelled column: said once, not read
            record.pop("", None)
        if not record:
            continue  # blank rows, the trailing ones Excel leaves included
        yield where, row_no, record
    if headless:
        notify(f"{where}: values in columns with no header (row {header_row}), not read: " + ", ".join(
            f"column {_column_letter(i)} (first in row {r})" for i, r in sorted(headless.items())))
    if totals:
        notify(f"{where}: {'row' if len(totals) == 1 else 'rows'} {', '.join(map(str, totals))} "
               f"{'is a total row' if len(totals) == 1 else 'are total rows'} (合计/总计/小计), not a ticket: skipped")


def _column_letter(index: int) -> str:
    """Excel's name of a 0-based column: 0 is A, 26 is AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _notify_columns(where: str, header: list[str], names: list[str], columns: Columns, notify: Notify) -> None:
    """One notice per file: the columns no rule reads, each with the nearest known header."""
    unknown = []
    for i, (text, name) in enumerate(zip(header, names), 1):
        if not text:
            continue
        if name not in columns.exact:
            near = columns.nearest(text, names)
            unknown.append(f"{text} (did you mean {near}?)" if near else text)
    if unknown:
        notify(f"{where}: columns no rule reads, ignored: {', '.join(unknown)}")


# -- CSV ---------------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """UTF-8 or GB18030 (Excel's "CSV" in China), decided from the whole file: a BOM decides;
    else the lines with non-ASCII bytes vote, each valid UTF-8 or not. A UTF-8 file with one
    bad byte stays UTF-8 (that row is reported), and a GB18030 file whose first thousands of
    lines are ASCII is still GB18030."""
    with path.open("rb") as f:
        head = f.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8"
        if head.startswith(BOM_GB18030):
            return "gb18030"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise InputError(f"{path}: the file is UTF-16 (Excel's \"Unicode Text\"); save it as \"CSV UTF-8\" "
                             "or \"CSV\" and run again")
        f.seek(0)
        utf8 = other = 0
        for line in f:
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
                utf8 += 1
            except UnicodeDecodeError:
                other += 1
    return "utf-8" if utf8 >= other else "gb18030"


class _Lines:
    """The physical lines of a CSV file, decoded one by one, counted apart from the csv parser
    (which may take several lines for one record, or swallow the rest of the file)."""

    def __init__(self, f: IO[bytes], encoding: str):
        self.f = f
        self.encoding = encoding
        self.count = 0  # lines handed to the parser
        self.bad: dict[int, UnicodeDecodeError] = {}

    def __iter__(self) -> Iterator[str]:
        encoding = self.encoding
        for line in self.f:
            self.count += 1
            try:
                text = line.decode(encoding)
            except UnicodeDecodeError as e:
                self.bad[self.count] = e
                text = line.decode(encoding, "replace")  # the quotes and commas still delimit the row
            if self.count == 1:
                text = text.lstrip("\ufeff")  # a BOM, or two
            yield text


def _csv_rows(p: Path, source: str, layout: _Layout | None = None) -> Iterator[tuple[int, list[str] | FieldError]]:
    """(row as Excel shows it, cells or FieldError) for each CSV record.

    Physical lines are counted apart from the parser. A record that runs over several lines
    is a cell with a line break, which Excel writes quoted; but a record that runs over
    several lines and does not have the header's number of cells is a stray quote that paired
    with a quote rows later: the file cannot be delimited from there, and each line from that
    record's first to the end is a row lost, counted and reported, as for a quote never closed.
    """
    encoding = detect_encoding(p)
    label = "UTF-8" if encoding == "utf-8" else "GB18030"
    csv.field_size_limit(CSV_FIELD_LIMIT)
    with p.open("rb") as f:
        lines = _Lines(f, encoding)
        stream = iter(lines)
        reader = csv.reader(stream, strict=True)
        row = 0
        while True:
            start = lines.count + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                row += 1
                if lines.count < start:  # raised before taking a line: nothing is left
                    return
                if "end of data" not in str(e) and "field limit" not in str(e):
                    if lines.count > start:  # a stray quote took the lines after it: each is a row lost
                        row = yield from _span(row, start, lines.count, f"{e}: a quote inside a cell must be doubled, \"\"")
                        continue
                    yield row, FieldError(None, f"row {row} cannot be read: {e} (a quote inside a cell must be doubled, \"\")")
                    continue
                # A quote opened and never closed: nothing after it can be delimited.
                yield from _lost_from(row, start, lines, stream, "is never closed")
                return
            row += 1
            if lines.count > start and layout is not None and layout.width is not None and len(cells) != layout.width:
                row = yield from _span(row, start, lines.count, (
                    f"a quote pairs with one {lines.count - start} line(s) later, leaving {len(cells)} cells for "
                    f"the header's {layout.width}: a quote inside a cell must be doubled, \"\""))
                continue
            bad = [n for n in range(start, lines.count + 1) if n in lines.bad] if lines.bad else ()
            if bad:
                e = lines.bad[bad[0]]
                yield row, FieldError(None, (
                    f"row {row} cannot be read: byte 0x{e.object[e.start]:02x} at position {e.start + 1} of line "
                    f"{bad[0]} is not {label}, the encoding of the rest of the file; re-type that cell or save "
                    "the file again as UTF-8"))
                continue
            yield row, cells


def _span(row: int, start: int, end: int, why: str) -> Iterator[tuple[int, FieldError]]:
    """The record that ran from line ``start`` to ``end`` could not be delimited: one row lost
    per line, each counted and reported; returns the last row number used."""
    last = row + end - start
    for n in range(row, last + 1):
        yield n, FieldError(None, f"row {n} cannot be read: rows {row} to {last} run together ({why})")
    return last


def _lost_from(row: int, start: int, lines: Any, stream: Iterator[str], how: str) -> Iterator[tuple[int, FieldError]]:
    """Every line from ``row`` (the record that began on line ``start``) to the end: rows that
    cannot be told apart, each one counted and reported."""
    for _ in stream:
        pass
    last = row + lines.count - start
    for n in range(row, last + 1):
        yield n, FieldError(None, (
            f"row {n} cannot be read: the quote opened in row {row} {how}, so rows {row} to "
            f"{last} cannot be told apart; correct the quote and run again"))


# -- JSON and JSON Lines -----------------------------------------------------------------------


class _Keys:
    """Checks a JSON record's keys, once per distinct set of keys (records of one file mostly
    share one): keys are matched to known headers after trimming, and two keys giving one field
    are an error of that record, naming both."""

    LIMIT = 4096  # distinct key sets remembered

    def __init__(self, columns: Columns | None):
        self.columns = columns
        self.verdicts: dict[tuple, Any] = {}

    def __call__(self, item: dict) -> dict | FieldError:
        keys = tuple(item)
        return self.apply(self.verdicts.get(keys) or self.judge(keys), item)

    @staticmethod
    def apply(verdict: Any, item: dict) -> dict | FieldError:
        if verdict is True:
            return item
        if isinstance(verdict, FieldError):
            return verdict
        return {verdict.get(k, k): v for k, v in item.items()}  # keys renamed to the declared headers

    def judge(self, keys: tuple) -> Any:
        """True (the keys are fine as they are), a FieldError, or the keys to rename; remembered."""
        if len(self.verdicts) >= self.LIMIT:
            self.verdicts.clear()
        verdict = self.verdicts[keys] = self._judge(keys)
        return verdict

    def _judge(self, keys: tuple) -> Any:
        columns = self.columns
        if columns is None:
            return True
        rename = {}
        for k in keys:
            if k.__class__ is str and k not in columns.exact:
                name = columns.known(k)
                if name is not None:
                    rename[k] = name
        names = [rename.get(k, k) for k in keys]
        clash = columns.clash(names)
        if clash is not None:
            field, a, b = clash
            return FieldError(field, f"keys {keys[a]!r} and {keys[b]!r} are both the field {field}; keep one of them")
        return rename or True


def read_json(p: Path, source: str, columns: Columns | None = None) -> Iterator[tuple[str, int, Any]]:
    try:
        data = orjson.loads(p.read_bytes().removeprefix(codecs.BOM_UTF8))
    except orjson.JSONDecodeError as e:
        raise InputError(f"{source}: not valid JSON: {e}") from None
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        data = data["records"]
    if not isinstance(data, list):
        raise InputError(f"{source}: expected a JSON array of records")
    check = _Keys(columns)
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict):
            yield source, i, FieldError(None, f"record {i} is not an object with fields")
        else:
            yield source, i, check(item)


def read_jsonl(f: IO[bytes], source: str, columns: Columns | None = None) -> Iterator[tuple[str, int, Any]]:
    """One object a line, read as bytes and parsed with orjson (the hot path of large runs)."""
    return jsonl_rows(f, source, 1, columns)


def jsonl_rows(
    lines: Iterable[bytes], source: str, first_line: int, columns: Columns | None = None,
) -> Iterator[tuple[str, int, Any]]:
    loads = orjson.loads
    check = _Keys(columns)
    verdicts, judge = check.verdicts, check.judge  # inlined: this loop is the hot path of large runs
    for line_no, line in enumerate(lines, first_line):
        if line_no == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if not line.strip():
            continue
        try:
            item = loads(line)
        except orjson.JSONDecodeError as e:
            yield source, line_no, FieldError(None, f"line {line_no} is not valid JSON: {e}")
            continue
        if not isinstance(item, dict):
            yield source, line_no, FieldError(None, f"line {line_no} is not a JSON object with fields")
            continue
        verdict = verdicts.get(keys := tuple(item)) or judge(keys)
        yield source, line_no, item if verdict is True else check.apply(verdict, item)


def _stdin_lines(stream: IO[bytes]) -> Iterator[bytes]:
    """Standard input's lines, refused at once unless its first record is a JSON object:
    only JSON Lines can be read from standard input (CSV and spreadsheets need their name)."""
    lines = iter(stream)
    for line in lines:
        text = line.lstrip(codecs.BOM_UTF8).strip()
        if text and not text.startswith(b"{"):
            looks = ("a JSON array" if text.startswith(b"[") else
                     "a spreadsheet" if text.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) else
                     "CSV" if b"," in text or b"\t" in text else "not JSON")
            raise InputError(
                f"<stdin>: standard input must be JSON Lines (one JSON object a line), but its first line looks "
                f"like {looks}; give the file's name instead of -")
        yield line
        if text:
            break
    yield from lines


# -- spreadsheets ------------------------------------------------------------------------------


def read_sheet(
    p: Path, source: str, sheet: str | None, columns: Columns, notify: Notify, roster: bool = False,
) -> Iterator[tuple[str, int, Any]]:
    """A worksheet row by row, through python-calamine, or for an .xlsx whose cells span a grid
    too big to hold, streamed (:mod:`policy.cli.xlsx`). Rows are numbered as the spreadsheet
    shows them; a damaged file is an input error naming the file and the sheet."""
    is_header = columns.is_roster_header if roster else columns.is_header
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        from policy.cli.xlsx import SheetError, Workbook

        try:
            book = Workbook(str(p))
        except SheetError as e:
            raise InputError(f"{source}: {e}") from None
        try:
            name = _sheet_name(source, book.sheet_names, sheet)
            where = f"{source} [{name}]"
            try:
                size = book.grid_size(name)
                if size is None or size > MAX_GRID_CELLS:
                    yield from _table(where, book.rows(name), columns, notify, is_header, roster)
                    return
            except SheetError as e:
                raise InputError(f"{where}: {e}") from None
        finally:
            book.close()
    yield from _calamine_sheet(p, source, sheet, columns, notify, is_header, roster)


def _sheet_name(source: str, names: list[str], sheet: str | None) -> str:
    if not names:
        raise InputError(f"{source}: the workbook has no sheets")
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1]  # --sheet 1 is the first sheet, as a clerk counts
    raise InputError(f"{source}: no sheet {sheet!r}; sheets: {', '.join(names)} (or their number from 1)")


def _calamine_sheet(p, source, sheet, columns, notify, is_header, roster):
    from python_calamine import CalamineWorkbook

    if p.suffix.lower() == ".ods":
        _check_ods_size(p, source)  # calamine reads every sheet of an .ods when it opens it
    try:
        book = CalamineWorkbook.from_path(str(p))
        name = _sheet_name(source, book.sheet_names, sheet)
    except InputError:
        raise
    except BaseException as e:  # noqa: BLE001 - calamine raises its own errors, and Rust panics
        if isinstance(e, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise InputError(f"{source}: not a readable spreadsheet: {e}") from None
    where = f"{source} [{name}]"
    try:
        ws = book.get_sheet_by_name(name)
        rows = _calamine_rows(ws)
    except BaseException as e:  # noqa: BLE001
        if isinstance(e, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise InputError(f"{where}: the sheet cannot be read: {e}") from None
    yield from _table(where, rows, columns, notify, is_header, roster)


def _calamine_rows(ws) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells from column A) of a calamine sheet. calamine's rows begin at the
    sheet's first used column, so they are padded; python-calamine 0.9 starts them at row 1
    (the empty rows above the first used one included), which the first row tells: empty."""
    top, left = ws.start if ws.start else (0, 0)
    pad = [None] * left
    rows = iter(ws.iter_rows())
    first = next(rows, None)
    if first is None:
        return
    number = 1 if top == 0 or all(_blank(c) for c in first) else top + 1
    for cells in itertools.chain((first,), rows):
        yield number, pad + cells if left else cells
        number += 1


def _check_ods_size(p: Path, source: str) -> None:
    """Refuse an .ods with a sheet whose cells span a grid too big for calamine to build. Only
    cells with content count: LibreOffice's trailing repeated empty rows and columns cost nothing."""
    import zipfile
    from xml.etree.ElementTree import iterparse

    table = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
    repeated_rows, repeated_cols = f"{table}number-rows-repeated", f"{table}number-columns-repeated"
    try:
        with zipfile.ZipFile(p) as z, z.open("content.xml") as f:
            rows = last_row = width = 0
            for _, el in iterparse(f, events=("end",)):
                if el.tag == f"{table}table-row":
                    col = last_col = 0
                    for c in el:
                        col += int(c.get(repeated_cols, "1"))
                        if len(c) or any(k.endswith("value") for k in c.attrib):
                            last_col = col
                    rows += int(el.get(repeated_rows, "1"))
                    if last_col:
                        last_row, width = rows, max(width, last_col)
                    el.clear()
                elif el.tag == f"{table}table":
                    if last_row * width > MAX_GRID_CELLS:
                        raise InputError(
                            f"{source} [{el.get(f'{table}name')}]: cells with content span {last_row:,} rows by {width:,} columns, more than "
                            f"{MAX_GRID_CELLS:,} cells to hold at once; delete the far cells or save the sheet as .xlsx")
                    rows = last_row = width = 0
                    el.clear()
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001 - a damaged file
        raise InputError(f"{source}: not a readable spreadsheet: {e}") from None
