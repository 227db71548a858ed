"""JSON Lines to the INPUT frame: one typed column per declared field, and a doubt mask.

The frame has one row per non-blank input line (blank lines are no records, as in
``cli/inputs.py``), in input order:

- ``_row`` Int64: the line number, the row number the per-ticket reader reports;
- ``_doubt`` Boolean: True where these expressions are not certain to read the row exactly as
  :meth:`RecordParser.parse` does; such a row goes per ticket, whose parser words its error
  or warning. The mask may be stricter than the parser, never looser;
- ``_raw_id`` String: the ticket id by ``core.pipeline.raw_id`` (for the id check of every row,
  doubtful ones included);
- then each field of the industry (COMMON_FIELDS and the plugin's), named by ``Field.name``,
  typed by kind: time -> Datetime("us", zone), bool -> Boolean, choice -> String (the code),
  text -> String (stripped), names -> List(String), number -> Float64; absent or blank -> null
  (or the field's default).

How a row is known to be read exactly: polars reads every key as text (a number, a yes/no, a
list or an object written as JSON text), and this module reads the parser's way the values it
takes: yes/no and numbers from strings, numbers and booleans; times only from strings (nothing
else has a time's shape, so another value is a cell that does not parse: doubtful); text,
choices and names only from strings: a cell of theirs that may be another value is read again
as Binary, which keeps only strings, and a row where it is none is doubtful. The keys of each
line are counted in its text, and a line whose count differs from its cells read is doubtful:
that catches an explicit ``null``, a nested object, a key given twice (orjson keeps the last,
polars the first) and a key not in the batch's schema. The same count also meets, on
purpose, every escaped control character and every escaped surrogate, so a line holding one
counts one too many and is doubtful too.
"""

from __future__ import annotations

import codecs
from datetime import datetime
from collections.abc import Sequence
from typing import Any

import orjson
import polars as pl

from ..pipeline import raw_id
from ..records import FALSE, TRUE, Field, RecordParser, header_key

# What one count meets: every key (a quote, spaces, a colon: a string value is never followed by
# a colon in valid JSON), and, to make a line holding one doubtful, an escaped control character
# (\b \f \n \r \t \u0000-\u001f \u0080-\u009f \u007f), an escaped surrogate (a lone one becomes
# NUL in polars and an error in orjson) and the raw characters Python strips and polars does not
# (\x7f-\x9f, U+180E). An escaped quote before a colon inside a text counts too: doubtful, fine.
_KEYS_AND_DOUBTS = (
    r'"\s*:|\\[bfnrt]|\\u00[0189][0-9a-fA-F]|\\u007[fF]|\\u180[eE]|\\u[dD][89a-fA-F][0-9a-fA-F]{2}'
    r"|[\x7f-\x9f\x{180E}]"
)
# The times read here: ISO 8601 to the minute, second or microsecond, with T or a space, and an
# offset or none. Anything else (a day only, 2026/3/2, an hour only, a 7-digit fraction) is doubtful.
_WALL = r"\d{4}-\d{2}-\d{2}[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?"
_NAIVE = f"^{_WALL}$"
_OFFSET = f"^{_WALL}(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)$"
_NUMBER = r"^-?\d+(?:\.\d+)?$"
_NAME_SEPARATORS = r"\s*[;；、,，]\s*"  # core.records.NAME_SEPARATORS; Rust's \s is Unicode's, as Python's
_SAMPLE = 256  # lines whose keys make the schema: the first ones, and one in every _STRIDE
_STRIDE = 251
# How each kind's key is read by polars (ignore_errors: a value of another JSON type is null).
# Every key is read as text (cheaper than as Binary): polars writes any JSON value so. A time's
# cell that was no string never has the shape of _NAIVE or _OFFSET (digits and dashes, then a
# colon): it is given and unread, hence doubtful. The kinds below read only JSON strings; a cell
# of theirs that may be another value written as text is read again (_not_strings).
_STRINGS_ONLY = {"text", "choice", "names"}
# What polars writes for a JSON value that is no string: a number, true, false, a list, an object.
# A string may look so too ("12345"): its line is only read again.
_NOT_A_STRING = r"^(?:[-0-9\[{]|true$|false$)"
_BOOL_WORDS = {**{w: True for w in TRUE}, **{w: False for w in FALSE}}


def read_jsonl(lines: bytes | Sequence[bytes], parser: RecordParser, first_line: int = 1) -> pl.DataFrame:
    """The INPUT frame of a batch of JSON Lines for ``parser``'s industry.

    ``lines`` is the batch's bytes (lines separated by ``\\n``) or a list of its lines;
    ``first_line`` the line number of its first line in the file (1: a byte-order mark is dropped).
    """
    if isinstance(lines, (bytes, bytearray, memoryview)):
        data = bytes(lines)
        if first_line == 1:
            data = data.removeprefix(codecs.BOM_UTF8)
        texts = _lines(data)
    else:
        seq = list(lines)
        if first_line == 1 and seq:
            seq[0] = seq[0].removeprefix(codecs.BOM_UTF8)
        texts = _texts(seq)
        data = None
    frame = pl.DataFrame({"line": texts}).with_row_index("_row", offset=first_line)
    frame = frame.with_columns(pl.col("_row").cast(pl.Int64))
    line = frame.get_column("line")
    # A line opening with { is not blank; only when some line does not is each one stripped.
    blank = None if line.str.starts_with("{").fill_null(False).all() \
        else line.str.strip_chars(" \t\r\n\x0b\x0c").fill_null("") == ""
    if blank is not None and blank.any():
        frame = frame.filter(~blank)
        data = None
    if frame.height == 0:  # nothing but blank lines
        zone = getattr(parser.timezone, "key", None) or str(parser.timezone)
        return pl.DataFrame(schema={"_row": pl.Int64, "_doubt": pl.Boolean, "_raw_id": pl.String,
                                    **{name: _dtype(f, zone) for name, f in parser.fields.items()}})
    lines_text = frame.get_column("line")
    keys = _sample_keys(lines_text)
    by_key = {k: _field_of(parser, k) for k in keys}
    schema = dict.fromkeys(by_key, pl.String)
    cells, unreadable = _read_cells(data, lines_text, schema)
    counted = _count_keys(lines_text, data)
    present = pl.sum_horizontal([pl.col(k).is_not_null() for k in schema]) if schema else pl.lit(0)
    cells = cells.with_columns(
        _row=frame.get_column("_row"),
        _doubt=unreadable | (counted != cells.select(present.cast(pl.UInt32)).to_series())
        | _nested_lists(lines_text, data),
    )
    return _typed(cells, parser, by_key, frame)


def _nested_lists(lines: pl.Series, data: bytes | None) -> pl.Series:
    """Lines with a list inside a list: how deep orjson and polars may nest them need not agree
    (an object inside holds keys, which the count already meets). ``data``: the bytes the lines
    are (None: not known); without a [ in them, no line is searched."""
    if data is not None and b"[" not in data:
        return pl.repeat(False, len(lines), eager=True)
    lists = lines.str.contains("[", literal=True)
    if not lists.any():
        return lists
    return lists & lines.str.contains(r"[\[,]\s*\[").fill_null(False)


def _lines(data: bytes) -> pl.Series:
    """The batch's lines, split on \\n as Python's file iteration splits them."""
    if data and b"\x01" not in data:
        try:
            lines = pl.read_csv(data, has_header=False, separator="\x01", quote_char=None, schema={"line": pl.String},
                                truncate_ragged_lines=False, raise_if_empty=False).get_column("line")
        except pl.exceptions.PolarsError:  # bytes that are no UTF-8: line by line below
            lines = None
        # Every byte accounted for (each line and its \n) proves the split is Python's; a \r,
        # which the CSV reader may take for a line break, is checked by counting instead.
        if lines is not None and b"\r" not in data:
            if lines.str.len_bytes().fill_null(0).sum() + len(lines) == len(data) + (not data.endswith(b"\n")):
                return lines
        elif lines is not None and len(lines) == data.count(b"\n") + (not data.endswith(b"\n")):
            return lines
    expected = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    return _texts(data.split(b"\n")[:expected])


# What a line that is not UTF-8 reads as: no JSON, so it is doubtful (orjson refuses it too).
_NOT_UTF8 = "\x00 not UTF-8"


def _texts(lines: list[bytes]) -> pl.Series:
    out = []
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(_NOT_UTF8)
    return pl.Series("line", out, dtype=pl.String)


def _count_keys(lines: pl.Series, data: bytes | None) -> pl.Series:
    """What :data:`_KEYS_AND_DOUBTS` counts in each line. Most lines hold no backslash, no
    space or tab after a quote and none of the raw characters it meets: their keys are their
    \": pairs, counted by a plain search; the others are counted by the regular expression.
    ``data``: the bytes the lines are (None: not known)."""
    counted = lines.str.count_matches('":', literal=True)
    careful = lines.str.contains('" ', literal=True)
    # A byte the whole batch lacks is in none of its lines: that line-by-line search is skipped
    # (one byte is found at memchr's speed; U+180E begins with \xe1, U+0080-U+00BF with \xc2).
    for byte, search in ((b"\\", lambda: lines.str.contains("\\", literal=True)),
                         (b"\t", lambda: lines.str.contains('"\t', literal=True)),
                         (b"\x7f", lambda: lines.str.contains("\x7f", literal=True)),
                         (b"\xe1", lambda: lines.str.contains("\u180e", literal=True)),
                         (b"\xc2", lambda: lines.cast(pl.Binary).bin.contains(b"\xc2"))):
        if data is None or byte in data:
            careful = careful | search()
    if careful.any():
        exact = lines.filter(careful).str.count_matches(_KEYS_AND_DOUBTS)
        counted = counted.scatter(careful.arg_true(), exact)
    return counted


def _sample_keys(lines: pl.Series) -> list[str]:
    """The keys of a sample of the lines, in first-seen order; a line whose keys are not all
    among them is doubtful (its count exceeds its cells), never misread."""
    n = len(lines)
    picks = sorted({*range(min(n, _SAMPLE)), *range(0, n, _STRIDE)})
    keys: dict[str, None] = {}
    for text in lines.gather(picks).to_list():
        try:
            item = orjson.loads(text)
        except orjson.JSONDecodeError:
            continue
        if isinstance(item, dict):
            keys.update(dict.fromkeys(k for k in item if k not in keys))
    return list(keys)


def _field_of(parser: RecordParser, key: str) -> Field | None:
    """The field a key gives, as the CLI's key check and the parser find it: exactly, without
    surrounding spaces, or as a header written with other spaces or case (cli/inputs.py Columns)."""
    f = parser.by_header.get(key) or parser.by_header.get(key.strip())
    if f is None:
        wanted = header_key(key)
        f = next((g for h, g in parser.by_header.items() if header_key(h) == wanted), None)
    return f


def _read_cells(data: bytes | None, lines: pl.Series, schema: dict[str, Any]) -> tuple[pl.DataFrame, pl.Series]:
    """Each key's column, and which lines polars could not read (not JSON, not an object)."""
    if not schema:
        return pl.DataFrame(height=len(lines)), pl.Series([True] * len(lines))
    source = data if data is not None else lines.str.join("\n").item().encode()
    try:
        cells = pl.read_ndjson(source, schema=schema, ignore_errors=True)
        if cells.height == len(lines):
            return cells, pl.Series([False] * len(lines))
    except Exception:  # noqa: BLE001 - a line polars cannot read: find it below, read the others
        pass
    good = []
    for text in lines.to_list():
        try:
            good.append(isinstance(orjson.loads(text), dict))
        except orjson.JSONDecodeError:
            good.append(False)
    mask = pl.Series(good)
    readable = lines.filter(mask)
    try:
        cells = pl.read_ndjson(readable.str.join("\n").item().encode(), schema=schema, ignore_errors=True) \
            if len(readable) else pl.DataFrame(schema=schema)
    except Exception:  # noqa: BLE001 - polars refuses what orjson reads: every line of the batch is doubtful
        return pl.DataFrame({k: pl.Series([None] * len(lines), dtype=t) for k, t in schema.items()}), \
            pl.Series([True] * len(lines))
    if cells.height != len(readable):
        return pl.DataFrame({k: pl.Series([None] * len(lines), dtype=t) for k, t in schema.items()}), \
            pl.Series([True] * len(lines))
    index = pl.Series(range(len(lines))).filter(mask)
    full = pl.DataFrame({"_i": pl.Series(range(len(lines)))}).join(
        cells.with_columns(_i=index), on="_i", how="left").sort("_i").drop("_i")
    return full, ~mask


def _typed(cells: pl.DataFrame, parser: RecordParser, by_key: dict[str, Field | None], frame: pl.DataFrame) -> pl.DataFrame:
    # Eager, column by column: polars does not share the subexpressions of nested when/then,
    # and a time's expression tree read as one costs three times its parts.
    zone = getattr(parser.timezone, "key", None) or str(parser.timezone)
    keys_of: dict[str, list[str]] = {}
    for k, f in by_key.items():
        if f is not None:
            keys_of.setdefault(f.name, []).append(k)
    height = cells.height
    # The fields no key gives (most of an industry's, in a usual file), made in one operation.
    absent = [f for f in parser.fields.values() if f.name not in keys_of]
    defaults = pl.select(*(pl.repeat(f.default, height, dtype=_dtype(f, zone)).alias(f.name) for f in absent)) \
        if absent else None

    def field(f: Field) -> tuple[pl.Series, pl.Series | None]:
        keys = keys_of.get(f.name, [])
        dtype = _dtype(f, zone)
        if not keys:
            value = defaults.get_column(f.name)
            return value, (value.is_null() if f.required else None)
        doubts = []
        if len(keys) > 1:  # two keys of one field in a row: the CLI's key check refuses it
            raw = cells.select(pl.coalesce([pl.col(k) for k in keys])).to_series()
            doubts.append(cells.select(pl.sum_horizontal([pl.col(k).is_not_null() for k in keys]) > 1).to_series())
        else:
            raw = cells.get_column(keys[0])
        value, bad, maybe = _read(f, raw, zone)
        if maybe is not None:
            maybes.append(maybe)
        if f.default is not None:
            value = value.fill_null(pl.lit(f.default, dtype=dtype))
        if bad is not None:
            doubts.append(bad.fill_null(True))
        if f.required:
            doubts.append(value.is_null())
        doubt = None
        for d in doubts:
            doubt = d if doubt is None else doubt | d
        return value.alias(f.name), doubt

    maybes: list[pl.Series] = []
    read = [field(f) for f in parser.fields.values()]
    doubt = cells.get_column("_doubt")
    if maybes:
        strings = [k for k, f in by_key.items() if f is not None and f.kind in _STRINGS_ONLY]
        doubt = doubt | _not_strings(pl.select(pl.any_horizontal(maybes)).to_series(), frame, cells, strings)
    for _, bad in read:
        if bad is not None:
            doubt = doubt | bad
    out = pl.DataFrame([cells.get_column("_row"), doubt.fill_null(True).alias("_doubt"), *(v for v, _ in read)])
    return out.with_columns(_raw_id=_raw_ids(out, frame, parser)).select("_row", "_doubt", "_raw_id", *parser.fields)


def _not_strings(maybe: pl.Series, frame: pl.DataFrame, cells: pl.DataFrame, strings: list[str]) -> pl.Series:
    """The rows where a key of ``strings`` holds a JSON value that is no string (written as text
    in ``cells``): the lines of ``maybe`` are read again with those keys as Binary, which keeps
    only JSON strings. A row that cannot be read so is doubtful too."""
    rows = maybe.arg_true()
    source = frame.get_column("line").gather(rows).str.join("\n").item().encode()
    try:
        again = pl.read_ndjson(source, schema={k: pl.Binary for k in strings}, ignore_errors=True)
    except Exception:  # noqa: BLE001 - a line polars cannot read is doubtful already; these go per ticket
        again = None
    if again is None or again.height != len(rows):
        return maybe
    lost = pl.select(pl.any_horizontal(cells.get_column(k).gather(rows).is_not_null() & again.get_column(k).is_null()
                                       for k in strings)).to_series()
    return pl.repeat(False, len(maybe), eager=True).scatter(rows, lost)


def _dtype(f: Field, zone: str) -> pl.DataType:
    return {"time": pl.Datetime("us", zone), "bool": pl.Boolean, "choice": pl.String, "text": pl.String,
            "names": pl.List(pl.String), "number": pl.Float64}[f.kind]


# Kinds whose cells often hold few distinct values (codes, yes/no, units, people): each distinct
# cell is read once, and the rows take its reading by index (when under half the cells are distinct).
_ON_DISTINCT = {"choice", "bool", "names", "text"}


def _read(f: Field, text: pl.Series, zone: str) -> tuple[pl.Series, pl.Series | None, pl.Series | None]:
    """(the typed value, the rows to doubt, the rows whose cell may be no JSON string: None when
    there is none or the kind reads any value) of one field's cells."""
    if f.kind in _ON_DISTINCT:
        distinct = text.unique().drop_nulls()
        if len(distinct) < len(text) // 2:
            # An Enum of this batch's distinct cells numbers each row's cell; a null cell has no
            # number, reads as null and is no doubt (the cell-by-cell reading says the same).
            index = text.cast(pl.Enum(distinct)).to_physical()
            value, bad = _read_cells_of(f, distinct, zone)
            maybe = _maybe_not_strings(f, distinct)
            return (value.gather(index), None if bad is None or not bad.any() else bad.gather(index).fill_null(False),
                    None if maybe is None else maybe.gather(index).fill_null(False))
    return *_read_cells_of(f, text, zone), _maybe_not_strings(f, text)


def _maybe_not_strings(f: Field, text: pl.Series) -> pl.Series | None:
    if f.kind not in _STRINGS_ONLY:
        return None
    maybe = text.str.contains(_NOT_A_STRING).fill_null(False)
    return maybe if maybe.any() else None


def _read_cells_of(f: Field, text: pl.Series, zone: str) -> tuple[pl.Series, pl.Series | None]:
    """(the typed value, the rows to doubt) of cells as text."""
    if f.kind == "time":
        # The usual batch: every cell has the plain shape (all() skips the null ones), so none is
        # blank, none needs stripping, none has an offset.
        if text.str.contains(_NAIVE).all():
            return _time(text, text.is_not_null(), zone, plain=True)
    stripped = text.str.strip_chars()
    stripped = stripped.set(stripped == "", None)  # a blank cell is no value, as the parser reads it
    given = stripped.is_not_null()
    kind = f.kind
    if kind == "text":
        return stripped, None
    if kind == "choice":
        if not f.choices:  # a choice without a table reads as text would
            return stripped, None
        codes = {**{c: c for c in f.choices}, **{label: c for c, label in f.choices.items()}}
        value = stripped.replace_strict(codes, default=None, return_dtype=pl.String)
        return value, given & value.is_null()
    if kind == "bool":
        value = stripped.str.to_lowercase().replace_strict(_BOOL_WORDS, default=None, return_dtype=pl.Boolean)
        return value, given & value.is_null()
    if kind == "number":
        low, high = f.bounds
        number = stripped.set(~stripped.str.contains(_NUMBER).fill_null(False), None).cast(pl.Float64, strict=False)
        value = number.set(~((number >= low) & (number <= high)).fill_null(False), None)
        return value, given & value.is_null()
    if kind == "names":
        parts = stripped.str.replace_all(_NAME_SEPARATORS, "\x00").str.split("\x00")
        return parts.list.eval(pl.element().filter(pl.element() != "")), None
    if kind == "time":
        return _time(stripped, given, zone)
    raise ValueError(f"unknown field kind {kind!r}")


def _time(text: pl.Series, given: pl.Series, zone: str, plain: bool = False) -> tuple[pl.Series, pl.Series]:
    """(the time, the rows to doubt) of stripped cells; ``plain``: every cell given has the shape of
    _NAIVE."""
    naive = given if plain else text.str.contains(_NAIVE).fill_null(False)
    wall = _wall(text if plain else text.set(~naive, None))
    # Years 1 and 9999 go per ticket: a limit counted from them overflows there (pipeline.py).
    edge = ((wall < datetime(2, 1, 1)) | (wall >= datetime(9999, 1, 1))).fill_null(False)
    local = wall.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
    unread = None if plain else given & ~naive
    if unread is not None and unread.any() and text.filter(unread).str.contains(_OFFSET).any():
        # An offset other than the zone's at that instant stays in the per-ticket result (the
        # document writes it): doubtful. The zone's own offset reads as a naive time does.
        aware = text.str.contains(_OFFSET).fill_null(False)
        offset_text = text.set(~aware, None).str.replace(r"Z$", "+00:00")
        wall_text = offset_text.str.slice(0, offset_text.str.len_chars() - 6)
        own_wall = _wall(wall_text)
        instant = (_with_seconds(wall_text) + offset_text.str.slice(-6)).str.to_datetime(
            "%Y-%m-%d %H:%M:%S%.f%:z", time_unit="us", strict=False, cache=False).dt.convert_time_zone(zone)
        same = (instant.dt.replace_time_zone(None) == own_wall).fill_null(False)
        local = local.zip_with(naive, instant.set(~same, None))
        edge = edge | ((own_wall < datetime(2, 1, 1)) | (own_wall >= datetime(9999, 1, 1))).fill_null(False)
    return local, given & (local.is_null() | edge)


def _with_seconds(text: pl.Series) -> pl.Series:
    """2026-03-02 10:00 as 2026-03-02 10:00:00, with a space for the T."""
    text = text.str.replace("T", " ", literal=True)
    short = (text.str.len_bytes() == 16).fill_null(False)
    return (text + ":00").zip_with(short, text) if short.any() else text


# The shapes _NAIVE admits, tried in this order: the first on every time, the others on the rest.
# (cache=False: polars' cache of distinct texts costs as much as the parse, and times seldom repeat.)
_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def _wall(text: pl.Series) -> pl.Series:
    """The naive times of text that matched the shapes of _NAIVE (others are null)."""
    out = None
    left = text
    for fmt in _FORMATS:
        parsed = left.str.to_datetime(fmt, time_unit="us", strict=False, cache=False)
        out = parsed if out is None else out.zip_with(out.is_not_null(), parsed)
        missing = left.is_not_null() & out.is_null()
        if not missing.any():
            return out
        left = left.set(~missing, None)
    fractions = _with_seconds(left).str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us", strict=False, cache=False)
    return out.zip_with(out.is_not_null(), fractions)


def _raw_ids(out: pl.DataFrame, frame: pl.DataFrame, parser: RecordParser) -> pl.Series:
    """``raw_id`` of every row: the id read, and for a doubtful row the id the per-ticket path
    reports (read again with orjson, its keys named as the CLI's key check names them)."""
    ids = out.get_column("id").alias("_raw_id")
    doubtful = out.get_column("_doubt").arg_true()
    if not len(doubtful):
        return ids
    again = []
    for text in frame.get_column("line").gather(doubtful).to_list():
        try:
            item = orjson.loads(text)
        except orjson.JSONDecodeError:
            again.append(None)
            continue
        again.append(raw_id({_declared_header(parser, k): v for k, v in item.items()})
                     if isinstance(item, dict) else None)
    return ids.scatter(doubtful, pl.Series(again, dtype=pl.String))


def _declared_header(parser: RecordParser, key: str) -> str:
    """The header the CLI's key check renames ``key`` to (" id " is id), else ``key``."""
    if key in parser.by_header:
        return key
    wanted = header_key(key)
    return next((h for h in parser.by_header if header_key(h) == wanted), key)
