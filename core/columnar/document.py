"""RESULT frames to the result document: the bytes the per-ticket writers write, exactly.

Each ticket's line is put together with ``concat_str`` from pieces (design §2 steps 8–9):

- what few tickets differ in (a rule's article, stage and limit; a status; a classification; a
  consequence's role, kind, amounts and note) is written **by orjson itself**, once per distinct
  value, and joined back, so the numbers (300.0 as 300, 200.5), the escaping and the optional
  keys are today's by construction;
- what nearly every ticket has its own of (its id, a party's name, a time) is written by
  expressions: text quoted, and escaped as orjson escapes it (``"``, ``\\``, control characters;
  everything else, Chinese and emoji included, kept as UTF-8); times as orjson writes an aware
  datetime, ``2026-03-02T09:00:00+08:00``, with microseconds only when they are not zero.

The key order and the optional keys are those of core/model.py ``_result``, ``_deadline``,
``_appeal`` and ``_consequence``. The frames are the interface of docs/design/declared-rules.md
§2.2 (tickets, deadlines, consequences); rows with ``_per_ticket`` are left out, for the
per-ticket writer to write.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import IO, Any

import orjson
import polars as pl

from ..model import _number

_CONTROL = {chr(i): "\\u%04x" % i for i in range(0x20)}
_CONTROL.update({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"})
_NEEDS_ESCAPE = r'[\x00-\x1f"\\]'
_TIME = '"%Y-%m-%dT%H:%M:%S%:z"'
_TIME_US = '"%Y-%m-%dT%H:%M:%S%.6f%:z"'


def render(tickets: pl.DataFrame, deadlines: pl.DataFrame, consequences: pl.DataFrame,
           articles: Mapping[str, str], industry: str, form: str = "jsonl") -> pl.DataFrame:
    """``_row`` and ``document``: each ticket's text as ``JsonLinesWriter.render`` writes it
    without its line break (``form="jsonl"``), or as ``JsonWriter.render`` writes it without
    its leading one (``form="json"``: no ``type``); in ``_row`` order, per-ticket rows left out."""
    if form not in ("jsonl", "json"):
        raise ValueError(f"form is jsonl or json, not {form!r}")
    keep = tickets.filter(~pl.col("_per_ticket").fill_null(False)).sort("_row")
    rows = keep.select("_row")
    if keep.height < tickets.height:  # the per-ticket rows' items are left out too
        deadlines = deadlines.join(rows, on="_row", how="semi")
        consequences = consequences.join(rows, on="_row", how="semi")
    dl = _joined(rows, _deadline_texts(deadlines, articles))
    cs = _joined(rows, _consequence_texts(consequences, articles))
    head = _distinct(keep, ["counted", "category", "grade", "classified_by", "reason"], _classification)
    appeal = _distinct(keep, ["appeal_status", "appeal_rule", "appeal_reason"],
                       lambda status, rule, reason: _appeal(status, rule, reason, articles))
    repeat = _text(keep.get_column("repeat_of"))
    start = ('{"type":"result","id":' if form == "jsonl" else '{"id":')
    industry_text = ',"industry":' + orjson.dumps(industry).decode() + ","
    repeat_of = keep.get_column("repeat_of")
    document = pl.DataFrame({"id": _text(keep.get_column("id")), "head": head, "repeat": repeat,
                             "appeal": appeal, "dl": dl, "cs": cs, "repeat_of": repeat_of}).select(
        pl.concat_str([
            pl.lit(start), pl.col("id"), pl.lit(industry_text), pl.col("head"),
            pl.when(pl.col("repeat_of").is_not_null() & (pl.col("repeat_of") != ""))
              .then(pl.concat_str([pl.lit(',"repeat_of":'), pl.col("repeat")])).otherwise(pl.lit("")),
            pl.lit(',"deadlines":['), pl.col("dl"), pl.lit('],"appeal":'), pl.col("appeal"),
            pl.lit(',"consequences":['), pl.col("cs"), pl.lit("]}"),
        ]).alias("document")).get_column("document")
    return pl.DataFrame({"_row": keep.get_column("_row"), "document": document})


def write_jsonl(documents: pl.DataFrame, out: IO[bytes]) -> None:
    """The documents of :func:`render` (form jsonl) as JSON Lines, one a line."""
    documents.select("document").write_csv(out, include_header=False, quote_style="never")


def jsonl_bytes(tickets: pl.DataFrame, deadlines: pl.DataFrame, consequences: pl.DataFrame,
                articles: Mapping[str, str], industry: str) -> bytes:
    """The JSON Lines bytes of every ticket the frames hold (per-ticket rows left out)."""
    documents = render(tickets, deadlines, consequences, articles, industry)
    if documents.height == 0:
        return b""
    return documents.get_column("document").str.join("\n").item().encode() + b"\n"


# -- the pieces -------------------------------------------------------------------------------


def _text(values: pl.Series) -> pl.Series:
    """Text as a JSON string, escaped as orjson escapes it; null as null."""
    values = values.cast(pl.String)
    if values.str.contains(_NEEDS_ESCAPE).any():
        values = values.str.replace_all("\\", "\\\\", literal=True).str.replace_all('"', '\\"', literal=True)
        for char, escaped in _CONTROL.items():
            if values.str.contains(char, literal=True).any():
                values = values.str.replace_all(char, escaped, literal=True)
    return pl.select(pl.concat_str([pl.lit('"'), pl.lit(values), pl.lit('"')]).fill_null("null")).to_series()


def _time(values: pl.Series) -> pl.Series:
    """Aware times as orjson writes them: microseconds only when they are not zero."""
    whole = values.dt.to_string(_TIME)
    # The instant's own microseconds: zone offsets are whole seconds, so they are the local ones.
    fraction = values.dt.epoch("us") % 1_000_000 != 0
    if fraction.any():
        whole = whole.zip_with(~fraction.fill_null(False), values.dt.to_string(_TIME_US))
    return whole.fill_null("null")


def _distinct(frame: pl.DataFrame, columns: list[str], write: Callable[..., Any], width: int = 1) -> Any:
    """``write(*values)`` of each row's ``columns``, called once per distinct combination: a
    Series of texts, or with ``width`` > 1 a tuple of that many (``write`` answers tuples)."""
    keys = frame.select(columns)
    table = keys.unique()
    texts = [write(*row) for row in table.iter_rows()]
    parts = list(zip(*texts)) if width > 1 and texts else [texts] * width if width > 1 else [texts]
    names = [f"_text{i}" for i in range(width)]
    table = table.with_columns(pl.Series(n, list(p), dtype=pl.String) for n, p in zip(names, parts))
    found = keys.join(table, on=columns, how="left", nulls_equal=True, maintain_order="left")
    return tuple(found.get_column(n) for n in names) if width > 1 else found.get_column(names[0])


def _joined(rows: pl.DataFrame, items: pl.DataFrame) -> pl.Series:
    """The texts of each ticket's items, in ``_pos`` order, joined with commas ("" for none)."""
    if items.height == 0:
        return pl.repeat("", rows.height, dtype=pl.String, eager=True)
    # A list joined after the group, not str.join in it: ten times faster in polars 2.1.
    grouped = items.sort("_row", "_pos").group_by("_row", maintain_order=True).agg(pl.col("_text")).select(
        "_row", pl.col("_text").list.join(","))
    return rows.join(grouped, on="_row", how="left", maintain_order="left").get_column("_text").fill_null("")


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _classification(counted: bool, category: str | None, grade: str | None, classified_by: list | None,
                    reason: str | None) -> str:
    out = f'"counted":{_dumps(counted)},"category":{_dumps(category)},"grade":{_dumps(grade)}'
    if classified_by:
        out += f',"classified_by":{_dumps(list(classified_by))}'
    if reason:
        out += f',"reason":{_dumps(reason)}'
    return out


def _appeal(status: str, rule: str | None, reason: str | None, articles: Mapping[str, str]) -> str:
    if status == "none":
        return '{"status":"none"}'
    return _dumps({"status": status, "rule": rule, "article": articles.get(rule or ""), "reason": reason})


def _deadline_texts(deadlines: pl.DataFrame, articles: Mapping[str, str]) -> pl.DataFrame:
    if deadlines.height == 0:
        return pl.DataFrame({"_row": [], "_pos": [], "_text": []},
                            schema={"_row": pl.Int64, "_pos": pl.Int32, "_text": pl.String})
    head, tail = _distinct(deadlines, ["rule", "stage", "limit", "status", "extended", "reason"],
                           lambda rule, stage, limit, status, extended, reason: (
        '{"rule":' + _dumps(rule) + ',"article":' + _dumps(articles.get(rule)) + ',"stage":' + _dumps(stage)
        + ',"limit":' + _dumps(limit) + ',"due":',
        ',"status":' + _dumps(status) + (',"extended":true' if extended else "")
        + (',"reason":' + _dumps(reason) if reason else "") + "}"), width=2)
    due, done = _time(deadlines.get_column("due")), _time(deadlines.get_column("done_at"))
    text = pl.DataFrame({"head": head, "due": due, "done": done, "tail": tail}).select(
        pl.concat_str([pl.col("head"), pl.col("due"), pl.lit(',"done_at":'), pl.col("done"), pl.col("tail")])
    ).to_series()
    return pl.DataFrame({"_row": deadlines.get_column("_row"), "_pos": deadlines.get_column("_pos"), "_text": text})


def _consequence_texts(consequences: pl.DataFrame, articles: Mapping[str, str]) -> pl.DataFrame:
    if consequences.height == 0:
        return pl.DataFrame({"_row": [], "_pos": [], "_text": []},
                            schema={"_row": pl.Int64, "_pos": pl.Int32, "_text": pl.String})
    def around_party(rule, role, kind, low, high, low_text, high_text, adjusted_by, note) -> tuple[str, str]:
        low = low_text if low_text is not None else low  # a sanction's steps are its min and max
        high = high_text if high_text is not None else high
        tail = (',"role":' + _dumps(role) + ',"kind":' + _dumps(kind) + ',"min":' + _dumps(_number(low))
                + ',"max":' + _dumps(_number(high)))
        if adjusted_by:
            tail += ',"adjusted_by":' + _dumps(list(adjusted_by))
        if note:
            tail += ',"note":' + _dumps(note)
        return '{"rule":' + _dumps(rule) + ',"article":' + _dumps(articles.get(rule)) + ',"party":', tail + "}"

    head, tails = _distinct(consequences, ["rule", "role", "kind", "min", "max", "min_text", "max_text", "adjusted_by",
                                           "note"], around_party, width=2)
    text = pl.DataFrame({"head": head, "party": _text(consequences.get_column("party")), "tail": tails}).select(
        pl.concat_str([pl.col("head"), pl.col("party"), pl.col("tail")])).to_series()
    return pl.DataFrame({"_row": consequences.get_column("_row"), "_pos": consequences.get_column("_pos"),
                         "_text": text})
