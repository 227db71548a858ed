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
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from policy.core.records import FieldError

FORMATS = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}


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
            f"{path}: cannot tell the format from the name; expected .csv, .json, .jsonl "
            "(or - for JSON Lines on standard input)"
        )
    return fmt


def read(path: str, stdin: IO[bytes] | None = None) -> Iterator[tuple[str, int, Any]]:
    fmt = format_of(path)
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield from read_jsonl(io.TextIOWrapper(stream, encoding="utf-8-sig"), "<stdin>")
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
    else:
        with p.open(encoding="utf-8-sig") as f:
            yield from read_jsonl(f, path)


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
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
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


def read_jsonl(f: IO[str], source: str) -> Iterator[tuple[str, int, Any]]:
    loads = json.loads
    for line_no, line in enumerate(f, 1):
        if not line.strip():
            continue
        try:
            item = loads(line)
        except json.JSONDecodeError as e:
            yield source, line_no, FieldError(None, f"line is not valid JSON: {e.msg} at column {e.colno}")
            continue
        if not isinstance(item, dict):
            yield source, line_no, FieldError(None, "line is not a JSON object with fields")
            continue
        yield source, line_no, item
