"""Reading complaint records from the files assessors have.

Each reader yields ``(source, row, cells)``: ``row`` is what a clerk would look for (the
spreadsheet row of a CSV line with the header as row 1; the line of a JSON Lines file; the
position in a JSON array), ``cells`` a mapping of header to value, or a
:class:`~policy.core.records.FieldError` for a row that cannot even be read, so that the
pipeline reports it instead of dropping it.
"""

from __future__ import annotations

import codecs
import csv
import sys
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson
from attrs import frozen

from policy.core.records import FieldError

FORMATS = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
           ".xlsx": "sheet", ".xlsm": "sheet", ".xls": "sheet", ".ods": "sheet"}
HEADER_SEARCH_ROWS = 20  # title rows an export may put above the header


class InputError(Exception):
    """An input that cannot be read at all (missing file, unknown format)."""


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) if the start decodes as UTF-8, else GB18030 (Excel, China)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


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
    path: str, stdin: IO[bytes] | None = None, sheet: str | None = None, headers: frozenset[str] = frozenset()
) -> Iterator[tuple[str, int, Any]]:
    """Rows of one input; ``headers`` are the column names the enabled plugins know, which
    find a spreadsheet's header row under its title rows."""
    fmt = format_of(path)
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield from read_jsonl(stream, "<stdin>")
        return
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file")
    if fmt == "csv":
        with p.open("rb") as f:
            encoding = detect_encoding(f.read(65536))
        with p.open(encoding=encoding, newline="", errors="strict") as f:
            yield from read_csv(f, path)
    elif fmt == "json":
        yield from read_json(p, path)
    elif fmt == "sheet":
        yield from read_sheet(p, path, sheet, headers)
    else:
        with p.open("rb") as f:
            yield from read_jsonl(f, path)


@frozen
class JsonLines:
    """Lines of a JSON Lines input, not yet parsed: ``--jobs`` workers parse them, not the parent."""

    source: str
    first_line: int
    lines: list[bytes]

    def rows(self) -> Iterator[tuple[str, int, Any]]:
        return jsonl_rows(self.lines, self.source, self.first_line)


def read_chunks(
    path: str, size: int, stdin: IO[bytes] | None = None, sheet: str | None = None, headers: frozenset[str] = frozenset()
) -> Iterator[JsonLines | list[tuple[str, int, Any]]]:
    """The input in chunks of ``size`` rows: JSON Lines as raw lines, other formats read."""
    if format_of(path) != "jsonl":
        rows = read(path, stdin, sheet, headers)
        while chunk := list(itertools.islice(rows, size)):
            yield chunk
        return
    if path == "-":
        stream, source = (stdin if stdin is not None else sys.stdin.buffer), "<stdin>"
    elif not Path(path).is_file():
        raise InputError(f"{path}: no such file")
    else:
        stream, source = open(path, "rb"), path  # noqa: SIM115 - closed below
    try:
        first = 1
        while lines := list(itertools.islice(stream, size)):
            yield JsonLines(source, first, lines)
            first += len(lines)
    finally:
        if path != "-":
            stream.close()


def read_csv(f: IO[str], source: str) -> Iterator[tuple[str, int, Any]]:
    reader = csv.reader(f)
    try:
        header = next(reader)
    except StopIteration:
        return
    except UnicodeDecodeError as e:
        raise InputError(f"{source}: not readable as UTF-8 or GB18030: {e}") from None
    header = [h.strip() for h in header]
    row = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except (UnicodeDecodeError, csv.Error) as e:
            row += 1
            yield source, row, FieldError(None, f"row cannot be read: {e}")
            continue
        row += 1
        if not any(c.strip() for c in cells):
            continue  # blank lines Excel leaves at the end
        if len(cells) > len(header):
            yield source, row, FieldError(None, f"row has {len(cells)} cells but the header has {len(header)} columns")
            continue
        yield source, row, dict(zip(header, cells))


def read_json(p: Path, source: str) -> Iterator[tuple[str, int, Any]]:
    try:
        data = orjson.loads(p.read_bytes().removeprefix(codecs.BOM_UTF8))
    except orjson.JSONDecodeError as e:
        raise InputError(f"{source}: not valid JSON: {e}") from None
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        data = data["records"]
    if not isinstance(data, list):
        raise InputError(f"{source}: expected a JSON array of records")
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict):
            yield source, i, FieldError(None, f"record {i} is not an object with fields")
        else:
            yield source, i, item


def read_jsonl(f: IO[bytes], source: str) -> Iterator[tuple[str, int, Any]]:
    """One object a line, read as bytes and parsed with orjson (the hot path of large runs)."""
    return jsonl_rows(f, source, 1)


def jsonl_rows(lines: Iterable[bytes], source: str, first_line: int) -> Iterator[tuple[str, int, Any]]:
    loads = orjson.loads
    for line_no, line in enumerate(lines, first_line):
        if line_no == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if not line.strip():
            continue
        try:
            item = loads(line)
        except orjson.JSONDecodeError as e:
            yield source, line_no, FieldError(None, f"line is not valid JSON: {e}")
            continue
        if not isinstance(item, dict):
            yield source, line_no, FieldError(None, "line is not a JSON object with fields")
            continue
        yield source, line_no, item


def read_sheet(p: Path, source: str, sheet: str | None, headers: frozenset[str]) -> Iterator[tuple[str, int, Any]]:
    """A worksheet row by row (python-calamine). The header is the first row, among the first
    20, with at least two known column names; rows are numbered as the spreadsheet shows them."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(p))
    except (CalamineError, OSError, ValueError) as e:
        raise InputError(f"{source}: not a readable spreadsheet: {e}") from None
    names = book.sheet_names
    if sheet is None:
        name = names[0]
    elif sheet in names:
        name = sheet
    elif sheet.isdigit() and 1 <= int(sheet) <= len(names):
        name = names[int(sheet) - 1]  # --sheet 1 is the first sheet, as a clerk counts
    else:
        raise InputError(f"{source}: no sheet {sheet!r}; sheets: {', '.join(names)} (or their number from 1)")
    ws = book.get_sheet_by_name(name)
    where = f"{source} [{name}]"
    first_row = ws.start[0] + 1 if ws.start else 1
    rows = ws.iter_rows()
    header = None
    row_no = first_row - 1
    for cells in rows:
        row_no += 1
        texts = [str(c).strip() if c is not None else "" for c in cells]
        if sum(t in headers for t in texts) >= 2 or (not headers and any(texts)):
            header = texts
            break
        if row_no - first_row >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        raise InputError(f"{where}: no header row with known column names in the first {HEADER_SEARCH_ROWS} rows")
    for cells in rows:
        row_no += 1
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue  # empty rows, trailing ones included
        yield where, row_no, {h: c for h, c in zip(header, cells) if h and not (isinstance(c, str) and not c.strip())}
