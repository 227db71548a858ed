"""RESULT frames to the result document: the bytes the per-ticket writers write, exactly.

Each ticket's line is written from pieces (design §2 steps 8–9), a batch's at once:

- what few tickets differ in (a rule's article, stage and limit; a status; a classification; a
  consequence's role, kind, amounts and note) is written **by orjson itself**, once per distinct
  value, and joined back, so the numbers (300.0 as 300, 200.5), the escaping and the optional
  keys are today's by construction;
- what nearly every ticket has its own of (its id, a party's name, a time) is written by
  expressions: text quoted, and escaped as orjson escapes it (``"``, ``\\``, control characters;
  everything else, Chinese and emoji included, kept as UTF-8); times as orjson writes an aware
  datetime, ``2026-03-02T09:00:00+08:00``, with microseconds only when they are not zero.

The pieces of a line are put together with ``concat_str`` into five fragments (what comes
before its deadlines, each deadline, the appeal between the two lists, each consequence, its
end), and the fragments of the batch are written in order by polars into the one buffer the
writer gets (:class:`Documents`), not joined into a string a ticket first: in polars 2.1 on
this workload, new memory costs as much as the writing.

The key order and the optional keys are those of core/model.py ``_result``, ``_deadline``,
``_appeal`` and ``_consequence``. The frames are the interface of docs/design/declared-rules.md
§2.2 (tickets, deadlines, consequences); rows with ``_per_ticket`` are left out, for the
per-ticket writer to write.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
from collections.abc import Callable, Mapping
from typing import IO, Any

import orjson
import polars as pl

from ..model import _number

_CONTROL = {chr(i): "\\u%04x" % i for i in range(0x20)}
_CONTROL.update({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"})
_ESCAPED = ['"', "\\", *_CONTROL]  # what orjson escapes in a string
_TIME = '"%Y-%m-%dT%H:%M:%S%:z"'
_TIME_US = '"%Y-%m-%dT%H:%M:%S%.6f%:z"'
_DAY_US = 86_400_000_000
_EPOCH = _dt.date(1970, 1, 1)


def render(tickets: pl.DataFrame, deadlines: pl.DataFrame, consequences: pl.DataFrame,
           articles: Mapping[str, str], industry: str, form: str = "jsonl") -> Documents:
    """Each ticket's text as ``JsonLinesWriter.render`` writes it (``form="jsonl"``), or as
    ``JsonWriter.render`` writes it (``form="json"``: no ``type``); in ``_row`` order,
    per-ticket rows left out. See :class:`Documents`."""
    if form not in ("jsonl", "json"):
        raise ValueError(f"form is jsonl or json, not {form!r}")
    keep = tickets.filter(~pl.col("_per_ticket").fill_null(False)).sort("_row")
    rows = keep.get_column("_row")
    if keep.height < tickets.height:  # the per-ticket rows' items are left out too
        deadlines = deadlines.join(keep.select("_row"), on="_row", how="semi")
        consequences = consequences.join(keep.select("_row"), on="_row", how="semi")
    if keep.height == 0:
        return Documents(rows, pl.Series([], dtype=pl.String), pl.Series([], dtype=pl.Int64), form)
    # A ticket's text is five kinds of fragments, each kind written for the whole batch at once:
    # what comes before its deadlines, the deadlines, the appeal between the two lists (with
    # the brackets), the consequences, its end.
    ids = keep.get_column("id")
    open_ = '{"type":"result","id":' if form == "jsonl" else ',\n{"id":'  # json: the writer's line break, after a comma
    industry_text = ',"industry":' + orjson.dumps(industry).decode() + ","
    if ids.null_count():
        id_pieces = [pl.lit(open_), pl.lit(_text(ids)), pl.lit(industry_text)]
    else:  # the quotes go with the constant pieces: one concat fewer
        id_pieces = [pl.lit(open_ + '"'), pl.lit(_escaped(ids)), pl.lit('"' + industry_text)]
    head = _distinct(keep, ["counted", "category", "grade", "classified_by", "reason"], _classification)
    repeat_of = keep.select(pl.when(pl.col("repeat_of") != "").then(pl.col("repeat_of"))).to_series()
    repeat = _text(repeat_of, ',"repeat_of":"', "")  # no key for none or ""
    before = pl.select(pl.concat_str([*id_pieces, pl.lit(head), pl.lit(repeat), pl.lit(',"deadlines":[')])).to_series()
    if form == "json":  # the first ticket has no comma before it
        before = pl.concat([pl.Series([before[0][1:]]), before.slice(1)], rechunk=False)
    appeal = _distinct(keep, ["appeal_status", "appeal_rule", "appeal_reason"],
                       lambda status, rule, reason: '],"appeal":' + _appeal(status, rule, reason, articles)
                       + ',"consequences":[')
    end = pl.repeat("]}\n" if form == "jsonl" else "]}", keep.height, dtype=pl.String, eager=True)
    deadlines, consequences = _in_order(deadlines, rows), _in_order(consequences, rows)
    texts, last = _laid_out(rows, before, deadlines, _deadline_texts(deadlines, articles), appeal,
                            consequences, _consequence_texts(consequences, articles), end)
    return Documents(rows, texts, last, form)


def _laid_out(rows: pl.Series, before: pl.Series, deadlines: pl.DataFrame, deadline_texts: pl.Series,
              appeal: pl.Series, consequences: pl.DataFrame, consequence_texts: pl.Series,
              end: pl.Series) -> tuple[pl.Series, pl.Series]:
    """The fragments in the order they are written, and the place of each ticket's last one:
    sorted by (_row, kind), stably, so that each ticket's items keep their order."""
    kind = pl.col("_row") * 8  # 8 > the five kinds
    keys = pl.concat([rows.to_frame().select(kind), deadlines.select(kind + 1), rows.to_frame().select(kind + 2),
                      consequences.select(kind + 3), rows.to_frame().select(kind + 4)]).get_column("_row")
    # one chunk: polars 2.1 gathers from several chunks of strings twenty times slower
    texts = pl.concat([before, deadline_texts, appeal, consequence_texts, end], rechunk=True)
    laid = pl.DataFrame({"_k": keys, "_text": texts}).sort("_k", maintain_order=True)
    return laid.get_column("_text"), (laid.get_column("_k") % 8 == 4).arg_true()


class Documents:
    """The documents of a batch, written once as the bytes the writer takes.

    Not each ticket's text (a copy of every deadline's text) and then their join (a copy of
    all of them): the batch's fragments, in order, are written by polars' CSV writer straight
    into the one buffer handed to the writer, as new memory costs more than the writing (page
    faults). What the executor asks of a DataFrame of ``_row`` and ``document`` is answered:
    ``height``, ``get_column`` and ``slice``; :meth:`joined` is what ``emit_many`` takes."""

    def __init__(self, rows: pl.Series, fragments: pl.Series, last: pl.Series, form: str, start: int = 0,
                 stop: int | None = None, batch: Documents | None = None):
        self.rows, self.fragments, self.last, self.form = rows, fragments, last, form
        self.start, self.stop = start, rows.len() if stop is None else stop
        # A slice shares its batch's text. Not ``batch or self``: a reference to itself would make
        # each batch a cycle, its 50 MB freed only when the cycle collector next runs.
        self._of = batch
        self._text: bytes | None = None
        self._ends: list[int] | None = None

    @property
    def _whole(self) -> Documents:
        return self._of or self

    @property
    def height(self) -> int:
        return self.stop - self.start

    def slice(self, offset: int, length: int) -> Documents:
        start = self.start + offset
        return Documents(self.rows, self.fragments, self.last, self.form, start, min(start + length, self.stop),
                         self._whole)

    def get_column(self, name: str) -> pl.Series:
        if name == "_row":
            return self.rows.slice(self.start, self.height)
        if name != "document":
            raise KeyError(name)
        # each ticket's text alone: no line break (jsonl), no comma or leading line break (json)
        text, ends = self._whole.text(), self._whole.ends()
        jsonl = self.form == "jsonl"
        return pl.Series("document", [
            text[(ends[i - 1] + (0 if jsonl else 2) if i else 0 if jsonl else 1):ends[i] - jsonl].decode()
            for i in range(self.start, self.stop)], dtype=pl.String)

    def joined(self) -> bytes:
        """jsonl: the documents, each with its line break; json: each after a line break, with
        a comma between two (the writer's ``emit_many`` puts one between two such groups)."""
        text = self._whole.text()
        if self.start == 0 and self.stop == self.rows.len():
            return text
        if self.height <= 0:
            return b""
        ends = self._whole.ends()
        first = ends[self.start - 1] + (self.form == "json") if self.start else 0  # json: not its comma
        return text[first:ends[self.stop - 1]]

    def text(self) -> bytes:
        """The whole batch's text (a slice's too)."""
        if self._text is None:
            buffer = io.BytesIO()  # getvalue() hands its buffer over: no copy
            self.fragments.to_frame().write_csv(buffer, include_header=False, quote_style="never",
                                                line_terminator="")
            self._text = buffer.getvalue()
        return self._text

    def ends(self) -> list[int]:
        """Where each ticket's text ends in :meth:`text` (counted only when a slice asks)."""
        if self._ends is None:
            self._ends = self.fragments.str.len_bytes().cum_sum().gather(self.last).to_list()
        return self._ends


def write_jsonl(documents: Documents, out: IO[bytes]) -> None:
    """The documents of :func:`render` (form jsonl) as JSON Lines, one a line."""
    out.write(documents.joined())


def jsonl_bytes(tickets: pl.DataFrame, deadlines: pl.DataFrame, consequences: pl.DataFrame,
                articles: Mapping[str, str], industry: str) -> bytes:
    """The JSON Lines bytes of every ticket the frames hold (per-ticket rows left out)."""
    return render(tickets, deadlines, consequences, articles, industry).joined()


# -- the pieces -------------------------------------------------------------------------------


def _escaped(values: pl.Series) -> pl.Series:
    """Text escaped as orjson escapes it inside a JSON string (nulls stay null)."""
    values = values.cast(pl.String)
    if values.str.contains_any(_ESCAPED).any():
        values = values.str.replace_all("\\", "\\\\", literal=True).str.replace_all('"', '\\"', literal=True)
        for char, escaped in _CONTROL.items():
            if values.str.contains(char, literal=True).any():
                values = values.str.replace_all(char, escaped, literal=True)
    return values


def _text(values: pl.Series, before: str = '"', null: str = "null") -> pl.Series:
    """Text as a JSON string after ``before`` (which opens the string); ``null`` for null."""
    return pl.select(pl.concat_str([pl.lit(before), pl.lit(_escaped(values)), pl.lit('"')]).fill_null(null)).to_series()


def _time(values: pl.Series, after: str = "") -> list[pl.Series]:
    """Aware times as orjson writes them (microseconds only when they are not zero; null as
    null), each followed by ``after``: pieces for ``concat_str``.

    Formatting a time (``dt.to_string``) costs as much per row as the rest of a deadline's
    text. So the wall clock is read once (``replace_time_zone``, exact whatever the zone) and
    split into a day and a second of that day, whose texts are taken (``gather``: no new
    string) from a table of the batch's days and one of the 86,400 seconds of a day, the
    zone's offset and ``after`` included. The texts are chrono's, as ``dt.to_string``'s."""
    n = values.len()
    parts = pl.DataFrame({"t": values}).select(
        local=pl.col("t").dt.replace_time_zone(None).dt.epoch("us"), utc=pl.col("t").dt.epoch("us"))
    local = parts.get_column("local")
    offset = local - parts.get_column("utc")
    day = local // _DAY_US
    first, last = day.min(), day.max()
    if first is None:  # no time at all
        return [pl.repeat("null" + after, n, dtype=pl.String, eager=True)]
    in_day = local - day * _DAY_US
    # Tables only pay when they are small beside the column; one offset in the column (a zone
    # that changed its clocks in these years has two) and whole seconds are the common case.
    if offset.min() != offset.max() or last - first > max(n, 4096) or (in_day % 1_000_000 != 0).any():
        return [_formatted(values, after)]
    zone = values.drop_nulls().head(1).dt.to_string("%:z").item()
    dates = _dates(first, last)
    # a null's day is the table's last entry ("null") and its second the clock's ("" + after)
    date = dates.gather((day - first).fill_null(dates.len() - 1))
    clock = _clock(zone, after).gather((in_day // 1_000_000).fill_null(86_400))
    return [date, clock]


def _formatted(values: pl.Series, after: str) -> pl.Series:
    """:func:`_time` by ``dt.to_string``, for what its tables do not cover."""
    whole = values.dt.to_string(_TIME)
    # The instant's own microseconds: zone offsets are whole seconds, so they are the local ones.
    fraction = values.dt.epoch("us") % 1_000_000 != 0
    if fraction.any():
        whole = whole.zip_with(~fraction.fill_null(False), values.dt.to_string(_TIME_US))
    return whole.fill_null("null") + after


def _dates(first: int, last: int) -> pl.Series:
    """'"YYYY-MM-DD' of each day from ``first`` to ``last`` (days since 1970-01-01), then "null"."""
    days = pl.date_range(_EPOCH + _dt.timedelta(days=first), _EPOCH + _dt.timedelta(days=last), eager=True)
    return days.dt.to_string('"%Y-%m-%d').append(pl.Series(["null"])).rechunk()  # one chunk: see _laid_out


@functools.lru_cache(maxsize=8)
def _clock(zone: str, after: str) -> pl.Series:
    """'THH:MM:SS<zone>"<after>' of each second of a day, then ``after`` alone (for a null)."""
    texts = [f'T{h:02}:{m:02}:{s:02}{zone}"{after}' for h in range(24) for m in range(60) for s in range(60)]
    return pl.Series(texts + [after], dtype=pl.String)


def _distinct(frame: pl.DataFrame, columns: list[str], write: Callable[..., Any], width: int = 1,
              comma: pl.Series | None = None) -> Any:
    """``write(*values)`` of each row's ``columns``, called once per distinct combination: a
    Series of texts, or with ``width`` > 1 a tuple of that many (``write`` answers tuples).
    With ``comma`` (Booleans), the first text gets a comma before it where it holds."""
    # Each combination's rows (group_by), not a join back on every column: each row's text is
    # then taken from the combinations' texts by the combination's number (no new string).
    groups = frame.select(columns).with_row_index("_i").group_by(columns).agg("_i")
    texts = [write(*row) for row in groups.select(columns).iter_rows()]
    rows = groups.select("_i", _g=pl.int_range(pl.len(), dtype=pl.UInt32)).explode("_i")
    which = pl.zeros(frame.height, pl.UInt32, eager=True).scatter(rows.get_column("_i"), rows.get_column("_g"))
    parts = [list(p) for p in zip(*texts)] if width > 1 and texts else [texts] * width
    tables = [pl.Series(p, dtype=pl.String) for p in parts]
    found = [table.gather(which) for table in tables]
    if comma is not None:  # the first texts with a comma follow those without
        both = tables[0].append("," + tables[0]).rechunk()  # one chunk: see _laid_out
        found[0] = both.gather(which + comma.cast(pl.UInt32) * len(texts))
    return tuple(found) if width > 1 else found[0]


def _in_order(items: pl.DataFrame, rows: pl.Series) -> pl.DataFrame:
    """Items in (_row, _pos) order, as the compile writes them (a sort is only a safeguard),
    and only those of ``rows`` (sorted)."""
    in_order = items.select(((pl.col("_row").diff() > 0)
                             | ((pl.col("_row").diff() == 0) & (pl.col("_pos").diff() > 0))).all()).item()
    items = items if in_order else items.sort("_row", "_pos")
    if not items.get_column("_row").is_in(rows.implode()).all():
        items = items.filter(pl.col("_row").is_in(rows.implode()))
    return items


def _after_first(items: pl.DataFrame) -> pl.Series:
    """Whether each item (in order) follows another of its ticket: a comma goes before it."""
    return items.select(pl.col("_row") == pl.col("_row").shift(1)).to_series().fill_null(False)


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


def _deadline_texts(deadlines: pl.DataFrame, articles: Mapping[str, str]) -> pl.Series:
    """Each deadline's text (deadlines in order), a comma before all but a ticket's first."""
    if deadlines.height == 0:
        return pl.Series([], dtype=pl.String)
    head, tail = _distinct(deadlines, ["rule", "stage", "limit", "status", "extended", "reason"],
                           lambda rule, stage, limit, status, extended, reason: (
        '{"rule":' + _dumps(rule) + ',"article":' + _dumps(articles.get(rule)) + ',"stage":' + _dumps(stage)
        + ',"limit":' + _dumps(limit) + ',"due":',
        ',"status":' + _dumps(status) + (',"extended":true' if extended else "")
        + (',"reason":' + _dumps(reason) if reason else "") + "}"), width=2, comma=_after_first(deadlines))
    pieces = [head, *_time(deadlines.get_column("due"), ',"done_at":'), *_time(deadlines.get_column("done_at")), tail]
    # one concat_str: its cost is per piece and row, whatever the pieces' lengths
    return pl.select(pl.concat_str([pl.lit(p) for p in pieces])).to_series()


def _consequence_texts(consequences: pl.DataFrame, articles: Mapping[str, str]) -> pl.Series:
    """Each consequence's text (consequences in order), a comma before all but a ticket's first."""
    if consequences.height == 0:
        return pl.Series([], dtype=pl.String)
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
                                           "note"], around_party, width=2, comma=_after_first(consequences))
    return pl.select(pl.concat_str([pl.lit(head), pl.lit(_text(consequences.get_column("party"))), pl.lit(tails)])
                     ).to_series()
