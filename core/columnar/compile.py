"""The columnar compile of declared rules (docs/design/declared-rules.md §2.2, steps 3–7, 10).

:func:`evaluate` runs an industry's declarations (core/declared.py) over one batch of input
rows — the INPUT frame: ``_row``, ``_doubt`` and one column per declared field — and gives the
RESULT frames (:class:`Frames`): ``tickets``, ``deadlines``, ``consequences`` and ``tallies``,
each row what the per-ticket executor gives for that ticket, in its order (``_pos``).

Each declaration type has its compile function here (a dict by type): core/declared.py stays
free of polars. Null logic is Python's: a comparison with an absent value is false. Parameters
are literals: an industry with dated values (config.versions) is not compiled here, its
tickets go per ticket (the caller's choice).

What a batch cannot decide exactly goes per ticket (``_per_ticket`` in ``tickets``; such a
row has no rows in the other frames): a row ``_doubt`` marks, a time in year 1 or 9999, a ``Require`` or ``Reject``
that fires (the per-ticket path words the error), a tally whose date is absent, a time limit
counted past year 9999, more than 4095 names in one field. A declaration this module cannot
compile raises :class:`NotColumnar` before any row is run: its industry goes per ticket.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

import attrs
import polars as pl
from attrs import define

from .. import declared as d
from ..calendar import Limit
from ..model import refer_unnamed
from . import consequences as cons
from .calendar import CalendarTable, NotColumnar, instant

__all__ = ["Frames", "NotColumnar", "evaluate"]

DEADLINE_SCHEMA = {
    "_i": pl.UInt32,
    "_k0": pl.Int32,
    "rule": pl.String,
    "stage": pl.String,
    "limit": pl.String,
    "due": None,  # Datetime in the batch's zone
    "done_at": None,
    "status": pl.String,
    "extended": pl.Boolean,
    "reason": pl.String,
}


@define
class Frames:
    """The RESULT frames of one batch (the interface of issue 15's parts B, C and the lead)."""

    tickets: pl.DataFrame
    deadlines: pl.DataFrame
    consequences: pl.DataFrame
    tallies: pl.DataFrame


def evaluate(frame: pl.DataFrame, declared: d.Declared, params: Any, table: CalendarTable,
             as_of: datetime, per_ticket: Sequence[d.Condition] = ()) -> Frames:
    """The RESULT frames of ``frame`` under ``declared`` with ``params`` (one version).

    ``per_ticket``: the guards of the industry's hooks (``@applies``); a row where any holds
    goes per ticket, since a hook answers it too."""
    return _Batch(frame, declared, params, table, as_of).run(per_ticket)


# ---------------------------------------------------------------------------------------------
# Terms and conditions


class _Batch:
    def __init__(self, frame: pl.DataFrame, declared: d.Declared, params: Any, table: CalendarTable,
                 as_of: datetime):
        if not declared.classify:
            raise NotColumnar("no declared classification: the classify hooks answer every ticket")
        self.declared = declared
        self.params = params
        self.table = table
        self.zone = table.zone
        self.as_of = as_of
        # A time in year 1 or 9999 runs off Python's calendar in ways polars does not (per ticket,
        # an OverflowError rejects the record): such a row, like a doubted one, goes per ticket,
        # and its times are not read here.
        times = {name: dtype for name, dtype in frame.schema.items() if isinstance(dtype, pl.Datetime)}
        edge = pl.any_horizontal([~pl.col(t).to_physical().is_between(*_years_2_to_9998(dtype), closed="left")
                                  for t, dtype in times.items()]).fill_null(False) if times else pl.lit(False)
        self.df = frame.with_row_index("_i").with_columns(_edge=edge).with_columns(
            _per_ticket=pl.col("_doubt").fill_null(True) | pl.col("_edge"))
        # A row that goes per ticket has no row in the RESULT frames, so its times only need
        # hiding when one of them is at the edge: the common batch keeps its columns as read.
        if times and self.df["_edge"].any():
            self.df = self.df.with_columns(pl.when(~pl.col("_per_ticket")).then(pl.col(t)).alias(t) for t in times)
        self.df = self.df.drop("_edge")
        self.n = frame.height
        self.deadline_parts: list[pl.DataFrame] = []
        self.deadline_long: pl.DataFrame | None = None
        self.cons = cons.empty()
        self.dates: dict[str, str] = {}  # a time term's repr: the column of its local dates

    # -- values ------------------------------------------------------------------------

    def value(self, term: Any) -> pl.Expr:
        """A term as an expression over the batch (a literal: itself)."""
        compile_term = _TERMS.get(type(term))
        if compile_term is None:
            if isinstance(term, (d.Term, d.Condition)):
                raise NotColumnar(f"{type(term).__name__} is not compiled to columns")
            return _literal(term, self.zone)
        return compile_term(self, term)

    def dtype(self, expr: pl.Expr) -> pl.DataType:
        return self.df.lazy().select(expr.alias("x")).collect_schema()["x"]

    def condition(self, c: d.Condition) -> pl.Expr:
        """A condition as a Boolean expression with no nulls (an absent value: false)."""
        compile_condition = _CONDITIONS.get(type(c))
        if compile_condition is None:
            raise NotColumnar(f"{type(c).__name__} is not compiled to columns")
        return _anchored(compile_condition(self, c))

    def is_set(self, expr: pl.Expr) -> pl.Expr:
        """``declared._is_set``: not None, not empty text, not an empty list of names."""
        dtype = self.dtype(expr)
        if dtype == pl.String:
            return (expr.is_not_null() & (expr != "")).fill_null(False)
        if isinstance(dtype, pl.List):
            return (expr.list.len() > 0).fill_null(False)
        return expr.is_not_null()

    def truthy(self, expr: pl.Expr) -> pl.Expr:
        """``bool(value)``: None false, empty text and no names false, 0 false."""
        dtype = self.dtype(expr)
        if dtype == pl.Boolean:
            return expr.fill_null(False)
        if dtype.is_numeric():
            return (expr != 0).fill_null(False)
        if dtype == pl.String or isinstance(dtype, pl.List):
            return self.is_set(expr)
        return expr.is_not_null()

    def names(self, term: Any) -> pl.Expr:
        """A names term as List(String); one text is a list of one (``Each`` reads it so)."""
        expr = self.value(term)
        dtype = self.dtype(expr)
        if isinstance(dtype, pl.List):
            return expr
        if dtype == pl.String:
            return pl.when(expr.is_not_null()).then(pl.concat_list(expr))
        if dtype == pl.Null:
            return pl.lit(None, dtype=pl.List(pl.String))
        raise NotColumnar(f"{_text(term)} is not names or text")

    # -- the steps ---------------------------------------------------------------------

    def decline(self, mask: pl.Expr) -> None:
        """Rows where ``mask`` holds go per ticket."""
        self.df = self.df.with_columns(_per_ticket=pl.col("_per_ticket") | mask.fill_null(False))

    def run(self, per_ticket: Sequence[d.Condition] = ()) -> Frames:
        declared = self.declared
        self.classify(declared.classify[0])
        for k, limit in enumerate(declared.time_limits):
            self.time_limit(k, limit)
        self.finish_deadlines()
        # Columns the later steps read inside filtered frames: made once over the whole batch.
        for term in _nested((*declared.appeals, *declared.consequences, *declared.tallies)):
            if isinstance(term, d.DeadlineRules):
                _deadline_rules(self, term)
            elif isinstance(term, d.DeadlineStatus):
                self.deadline_column("status", term.rule)
        self.appeal(declared.appeals)
        for k, item in enumerate(declared.consequences):
            _CONSEQUENCES[type(item)](self, k, item)
        for item in declared.parties:
            self.parties(item)
        table = cons.ordered(self.cons)
        tallies = self.tallies(table)
        self.cons = table
        for guard in per_ticket:
            self.decline(self.condition(guard))
        return self.frames(table, tallies)

    # -- classification (§2.2 step 4) ---------------------------------------------------

    def classify(self, c: d.Classify) -> None:
        for r in c.require:
            self.decline(self.condition(r.when) & ~self.is_set(pl.col(r.field)))
        counted = pl.lit(False)
        reason = pl.lit(None, dtype=pl.String)
        for row in reversed(c.rows):  # the first row that holds decides: built from the last
            when = self.condition(row.when)
            counted = pl.when(when).then(pl.lit(bool(row.counted))).otherwise(counted)
            reason = pl.when(when).then(pl.lit(None if row.counted else row.reason, dtype=pl.String)).otherwise(reason)
        self.df = self.df.with_columns(
            _c_counted=counted,
            _c_category=pl.lit(None, dtype=pl.String) if c.category is None else self.value(c.category).cast(pl.String),
            _c_grade=pl.lit(None, dtype=pl.String) if c.grade is None else self.value(c.grade).cast(pl.String),
            _c_repeat_of=pl.lit(None, dtype=pl.String),
            _c_reason=reason,
            _c_rule=pl.lit(c.rule),
        )

    # -- time limits (§2.2 steps 5, 6) --------------------------------------------------

    def time_limit(self, k: int, t: d.TimeLimit) -> None:
        limit = d.limit_of(t.limit, self.params)
        extension = None if t.extension is None else pl.col("_ext")
        day = {} if limit.length is not None else {"_day": self.local_date(t.start)}  # a day-based limit's
        parts = self.df.select(
            "_i",
            _when=self.condition(t.when),
            _start=self.value(t.start),
            _done=self.value(t.done),
            _ext=pl.lit(None) if t.extension is None else self.value(t.extension),
            **day,
        ).filter("_when")
        judged = self.table.deadline(parts, pl.col("_start"), limit, pl.col("_done"), self.as_of, extension,
                                     day=pl.col("_day") if day else None)
        if judged["overflow"].any():
            self.decline(pl.col("_i").is_in(parts.filter(judged["overflow"])["_i"].implode()))
        self.deadline_parts.append(
            judged.with_columns(
                _i=parts["_i"], _k0=pl.lit(k, dtype=pl.Int32), rule=pl.lit(t.rule), stage=pl.lit(t.stage),
                limit=pl.lit(limit.text),
            ).select(list(DEADLINE_SCHEMA))
        )

    def local_date(self, term: Any) -> pl.Expr:
        """A time term's local date, made once over the whole batch for every declaration
        that reads it (time limits from one start, a tally's day): converting each time to
        the zone is the costly part."""
        name = self.dates.get(repr(term))
        if name is None:
            name = self.dates[repr(term)] = f"_date_{len(self.dates)}"
            self.df = self.df.with_columns(self.value(term).dt.date().alias(name))
        return pl.col(name)

    def finish_deadlines(self) -> None:
        """The long table of deadlines; each rule's first deadline beside its ticket
        (``D("P1-17").status``, the appeal's ``{due}`` and ``{reason}``) is made when a
        declaration first reads it (:meth:`deadline_column`)."""
        zone = pl.Datetime("us", self.zone)
        parts = [p.with_columns(pl.col("due").cast(zone), pl.col("done_at").cast(zone)) for p in self.deadline_parts]
        empty = pl.DataFrame(schema={k: (zone if v is None else v) for k, v in DEADLINE_SCHEMA.items()})
        # Each declaration gives a ticket at most one deadline and the parts are in declaration
        # order, so a stable sort by ticket alone gives the (ticket, declaration) order; a
        # deadline's place in its ticket's list is then its row less the ticket's first row.
        long = pl.concat([empty, *parts]).sort("_i", maintain_order=True)
        index = pl.int_range(pl.len(), dtype=pl.Int32)
        first = pl.when(pl.col("_i") != pl.col("_i").shift(1)).then(index).otherwise(None).fill_null(strategy="forward")
        self.deadline_long = long.with_columns(_pos=(index - first.fill_null(0)).cast(pl.Int32))
        self.deadline_parts = parts
        unknown = self.deadline_long.filter(pl.col("status") == "unknown")["_i"].unique()
        self.df = self.df.with_columns(_unknown_deadline=pl.col("_i").is_in(unknown.implode()))

    def deadline_column(self, kind: str, rule: str) -> pl.Expr:
        """The ticket's first deadline of ``rule``: its ``status``, ``due`` or ``reason``."""
        name = f"_d_{kind}_{rule}"
        if name not in self.df.columns:
            dtype = pl.Datetime("us", self.zone) if kind == "due" else pl.String
            column = pl.repeat(None, self.n, dtype=dtype, eager=True)
            for p in reversed(self.deadline_parts):  # the first deadline of a rule wins: written last
                if p.height and p["rule"][0] == rule:
                    column = column.scatter(p["_i"], p[kind])
            self.df = self.df.with_columns(column.alias(name))
        return pl.col(name)

    # -- the appeal (§1.8) --------------------------------------------------------------

    def appeal(self, tables: Sequence[d.AppealTable]) -> None:
        """The first table whose ``when`` holds and one of whose rows matches decides."""
        status = pl.lit("none")
        rule = reason = pl.lit(None, dtype=pl.String)
        reject = pl.lit(False)
        texts: dict[str, pl.Expr] = {}
        for j, table in reversed(list(enumerate(tables))):
            when = self.condition(table.when)
            row_status, row_reason, row_reject = pl.lit(None, dtype=pl.String), pl.lit(None, dtype=pl.String), pl.lit(False)
            matched = pl.lit(False)
            for i, row in reversed(list(enumerate(table.rows))):
                holds = self.condition(row.when)
                matched = holds | matched
                text = self.appeal_text(table.rule, row.reason, f"_a_{j}_{i}", texts)
                row_status = pl.when(holds).then(pl.lit(row.status, dtype=pl.String)).otherwise(row_status)
                row_reason = pl.when(holds).then(text).otherwise(row_reason)
                row_reject = pl.when(holds).then(pl.lit(row.reject is not None)).otherwise(row_reject)
            decides = when & matched
            status = pl.when(decides).then(row_status).otherwise(status)
            rule = pl.when(decides).then(pl.lit(table.rule)).otherwise(rule)
            reason = pl.when(decides).then(row_reason).otherwise(reason)
            reject = pl.when(decides).then(row_reject).otherwise(reject)
        if texts:
            self.df = self.df.with_columns(**texts)
        self.df = self.df.with_columns(_a_status=status, _a_rule=rule, _a_reason=reason, _a_reject=reject)
        self.decline(pl.col("_a_reject"))

    def appeal_text(self, rule: str, text: str | None, name: str, texts: dict[str, pl.Expr]) -> pl.Expr:
        """A row's reason; ``{due}`` (ISO form) and ``{reason}`` filled from the deadline of
        ``rule``, by Python's ``str.format`` on the distinct values only."""
        if text is None or "{" not in text:
            return pl.lit(text, dtype=pl.String)
        due, why = self.deadline_column("due", rule), self.deadline_column("reason", rule)
        pairs = self.df.select("_i", due=due, why=why).drop("_i").unique()
        filled = [text.format(due=None if u is None else u.isoformat(), reason=w) for u, w in pairs.iter_rows()]
        lookup = pairs.with_columns(_text=pl.Series(filled, dtype=pl.String))
        texts[name] = (
            self.df.select("_i", due=due, why=why).drop("_i")
            .join(lookup, on=["due", "why"], how="left", nulls_equal=True, maintain_order="left")["_text"]
        )
        return pl.col(name)

    # -- consequences (§2.2 step 7) -----------------------------------------------------

    def consequences(self, k: int, c: d.Consequences) -> None:
        # Only the columns the declaration can read travel with its rows: the batch is wide,
        # and a ByValue or an If filters them once per case. Of the batch's own columns, the
        # terms read the classification (_c_), the deadlines (_d_, _dr_) and the appeal's status.
        fields = {t.name for t in _nested(c) if isinstance(t, d.F)} | {"id", "_i", "_a_status"}
        narrow = [name for name in self.df.columns if name in fields or name.startswith(("_c_", "_d_", "_dr_"))]
        ctx = self.df.lazy().filter(self.condition(c.when)).select(
            *narrow, _key=pl.lit(0, dtype=pl.Int64), _name=pl.lit(None, dtype=pl.String)).collect()
        self.give_all(k, c.give, ctx, 0)

    def give_all(self, k: int, items: Sequence[Any], ctx: pl.DataFrame, depth: int, offset: int = 0) -> None:
        """The rows of ``items`` for the tickets of ``ctx``; an item's path key is ``_key``
        plus ``offset`` plus its digit (the offset is carried down as a number, not added to
        a column per item: each polars operation costs a fixed overhead)."""
        if depth >= cons.PATH_DEPTH:
            raise NotColumnar("consequences nested deeper than the columnar path key holds")
        if len(items) >= cons.PATH_BASE:
            raise NotColumnar("more items in one declaration than the columnar path key holds")
        weight = cons.PATH_BASE ** (cons.PATH_DEPTH - 1 - depth)
        for j, item in enumerate(items):
            compile_item = _ITEMS.get(type(item))
            if compile_item is None:
                raise NotColumnar(f"{type(item).__name__} is not compiled to columns")
            compile_item(self, k, item, ctx, depth, weight, offset + j * weight)

    def give(self, k: int, g: d.Give, ctx: pl.DataFrame, depth: int, weight: int, offset: int) -> None:
        low, high = d._amount(g.amount, g.at_least, self.params)
        party = pl.col("_name") if g.party is None else self.value(g.party).cast(pl.String)
        note = pl.lit(g.note, dtype=pl.String)
        if g.fill and g.note is not None:
            note = self.filled(g.note, g.fill, ctx)
        rows = ctx.select(
            "_i",
            _k0=pl.lit(k, dtype=pl.Int32),
            _k1=pl.col("_key") + offset,
            rule=pl.lit(g.rule),
            party=party,
            role=pl.lit(g.role),
            kind=pl.lit(g.kind),
            **cons.amount_columns(low, high),
            adjusted_by=pl.lit([], dtype=pl.List(pl.String)),
            note=note,
        )
        self.cons = pl.concat([self.cons, rows.select(list(cons.SCHEMA))])

    def filled(self, note: str, fill: Sequence[tuple[str, Any]], ctx: pl.DataFrame) -> pl.Expr:
        """``note.format(**values)`` by Python on the distinct values, joined back."""
        values = ctx.select("_i", **{f"_f_{name}": self.value(term) for name, term in fill}).drop("_i")
        distinct = values.unique()
        texts = [note.format(**dict(zip((name for name, _ in fill), row))) for row in distinct.iter_rows()]
        lookup = distinct.with_columns(_text=pl.Series(texts, dtype=pl.String))
        joined = values.join(lookup, on=list(values.columns), how="left", nulls_equal=True, maintain_order="left")
        return pl.lit(joined["_text"])

    def each(self, k: int, e: d.Each, ctx: pl.DataFrame, depth: int, weight: int, offset: int) -> None:
        names = self.names(e.names)
        listed = pl.when(names.list.len() > 0).then(names)
        if e.always:
            listed = listed.otherwise(pl.lit([None], dtype=pl.List(pl.String)))
        spread = ctx.lazy().with_columns(_names=listed).filter(pl.col("_names").list.len() > 0).collect()
        if spread.is_empty():
            return
        if spread["_names"].list.len().max() >= cons.PATH_BASE:
            # more names than the path key's digit holds: such a ticket goes per ticket
            crowded = spread.filter(pl.col("_names").list.len() >= cons.PATH_BASE)["_i"]
            self.decline(pl.col("_i").is_in(crowded.implode()))
            spread = spread.filter(pl.col("_names").list.len() < cons.PATH_BASE)
        spread = (
            spread.lazy().with_columns(_n=pl.int_ranges(0, pl.col("_names").list.len(), dtype=pl.Int64))
            .explode(["_names", "_n"])
            .with_columns(_name=pl.col("_names"), _key=pl.col("_key") + offset + pl.col("_n") * (weight // cons.PATH_BASE))
            .drop("_names", "_n").collect()
        )
        self.give_all(k, e.give, spread, depth + 2)  # the name is the digit at depth + 1

    def branch(self, k: int, i: d.If, ctx: pl.DataFrame, depth: int, weight: int, offset: int) -> None:
        holds = self.condition(i.condition)
        ctx = ctx.with_columns(_holds=holds)
        self.give_all(k, i.then, ctx.filter(pl.col("_holds")).drop("_holds"), depth + 1, offset)
        self.give_all(k, i.otherwise, ctx.filter(~pl.col("_holds")).drop("_holds"), depth + 1, offset)

    def by_value(self, k: int, b: d.ByValue, ctx: pl.DataFrame, depth: int, weight: int, offset: int) -> None:
        on = self.value(b.on)
        if b.missing is not None:
            missing = ctx.filter(_anchored(on.is_null()))["_i"]
            self.decline(pl.col("_i").is_in(missing.implode()))
        # One pass splits the rows by value (a filter per case would read them all each time).
        groups = ctx.with_columns(_on=on.cast(pl.String)).partition_by("_on", as_dict=True, include_key=False)
        for value, items in b.cases.items():
            if not isinstance(value, str):
                raise NotColumnar(f"a case of {_text(b.on)} that is not text is not compiled to columns")
            self.give_all(k, items, groups.get((value,), ctx.clear()), depth + 1, offset)

    def scale(self, k: int, s: d.Scale) -> None:
        factor = getattr(self.params, s.factor.name)
        tickets = self.df.select("_i", _when=self.condition(s.when)).filter("_when")["_i"]
        self.cons = cons.scale(self.cons, tickets, factor, s.rule)

    def unnamed(self, k: int, u: d.Unnamed) -> None:
        note = refer_unnamed(u.rule, u.role, u.field, "", u.what).note
        rows = self.df.select("_i", "id", _when=self.condition(u.when)).filter("_when").select(
            "_i", _k0=pl.lit(k, dtype=pl.Int32), _k1=pl.lit(0, dtype=pl.Int64), rule=pl.lit(u.rule),
            party=pl.col("id").cast(pl.String), role=pl.lit(u.role), kind=pl.lit("refer"),
            **cons.amount_columns(None, None), adjusted_by=pl.lit([], dtype=pl.List(pl.String)),
            note=pl.lit(note, dtype=pl.String),
        )
        self.cons = pl.concat([self.cons, rows.select(list(cons.SCHEMA))])

    def parties(self, p: d.Parties) -> None:
        def where(role: str) -> pl.Expr:
            return self.value(p.where.get(role, p.otherwise))
        self.cons = cons.name_parties(self.cons, self.df, dict(p.fields), where)

    # -- tallies (§2.2 step 10) ---------------------------------------------------------

    def tallies(self, table: pl.DataFrame) -> pl.DataFrame:
        parts = []
        for k, t in enumerate(self.declared.tallies):
            parts.append(_TALLIES[type(t)](self, k, t, table))
        empty = pl.DataFrame(schema=TALLY_SCHEMA)
        # Each part is in (ticket, _k1) order (the batch's order, or the consequences table's)
        # and the parts are in declaration order: a stable sort by ticket alone orders them all.
        return pl.concat([empty, *parts]).sort("_i", maintain_order=True)

    def tally_of(self, k: int, t: d.TallyOf, table: pl.DataFrame) -> pl.DataFrame:
        mask = self.condition(t.when)
        on = self.value(t.on)
        self.decline(mask & on.is_null())
        parts = {f"_key{j}": self.value(x).cast(pl.String) if isinstance(x, d.Term) else pl.lit(str(x), dtype=pl.String)
                 for j, x in enumerate(t.key)}
        day = self.local_date(t.on)  # (adds its column to the batch: before the batch is read)
        rows = self.df.lazy().filter(mask).select("_i", on=day, **parts).collect()
        rows = rows.select("_i", key=_lists([rows[name] for name in parts]), on="on")
        rows = rows.lazy()
        if t.amount == "fines":
            fines = table.lazy().filter(pl.col("kind") == "fine").group_by("_i").agg(
                amount_min=pl.col("min").fill_null(0).sum(),
                amount_max=pl.when(pl.col("max").is_null().any()).then(None).otherwise(pl.col("max").sum()),
                _fined=pl.lit(True),
            )
            rows = rows.join(fines, on="_i", how="left", maintain_order="left").with_columns(
                pl.col("amount_min").fill_null(0.0),
                amount_max=pl.when(pl.col("_fined").is_not_null()).then(pl.col("amount_max")).otherwise(pl.lit(0.0)),
            )
        elif t.amount is None:
            rows = rows.with_columns(amount_min=pl.lit(0.0), amount_max=pl.lit(0.0))
        else:
            raise NotColumnar(f"a tally amount of {t.amount!r} is not compiled to columns")
        return rows.with_columns(_k0=pl.lit(k, dtype=pl.Int32), _k1=pl.lit(0, dtype=pl.Int32)).select(
            list(TALLY_SCHEMA)).collect()

    def tally_each(self, k: int, t: d.TallyEach, table: pl.DataFrame) -> pl.DataFrame:
        mask = self.condition(t.when)
        rules = t.rules.value(d.Ticket(None, self.params)) if isinstance(t.rules, d.Term) else t.rules
        # Which rules fall under ``rules``, asked of the table's distinct rules (a few dozen).
        under = [rule for rule in table["rule"].unique().drop_nulls().to_list()
                 if any(rule == r or rule.startswith(f"{r}.") or rule.startswith(f"{r}-") for r in rules)]
        # The ticket's side (whether it counts, its day) gathered at ``_i``: cheaper than a join.
        tickets = self.df.select(_when=mask, _on=self.value(t.on))
        when, on = tickets["_when"], tickets["_on"]
        chosen = table.filter(
            pl.col("kind").is_in(list(t.kinds)) & pl.col("party").is_not_null() & (pl.col("party") != "")
            & ~pl.col("role").is_in(list(t.exclude_roles)) & pl.col("rule").is_in(under)
            & pl.lit(when).gather(pl.col("_i"))
        ).with_columns(_on=pl.lit(on).gather(pl.col("_i")))
        self.decline(pl.col("_i").is_in(chosen.filter(pl.col("_on").is_null())["_i"].implode()))
        rule = pl.repeat(t.rule, chosen.height, dtype=pl.String, eager=True)
        return chosen.select(
            "_i", key=_lists([rule, chosen["party"]]), on=pl.col("_on").dt.date(),
            amount_min=pl.col("min").fill_null(0.0), amount_max=pl.col("max"),
            _k0=pl.lit(k, dtype=pl.Int32), _k1=pl.col("_pos"),
        ).select(list(TALLY_SCHEMA))

    # -- the frames ---------------------------------------------------------------------

    def frames(self, table: pl.DataFrame, tallies: pl.DataFrame) -> Frames:
        df = self.df
        # A row of a ticket that goes per ticket is dropped, and ``_i`` becomes ``_row``: by
        # gathering at ``_i`` (its place in the batch), cheaper than joining.
        rows, keep = df["_row"], ~df["_per_ticket"]

        def kept(frame: pl.DataFrame) -> pl.DataFrame:
            frame = frame.filter(keep.gather(frame["_i"]))
            return frame.with_columns(_row=rows.gather(frame["_i"]))
        tickets = df.select(
            "_row",
            id=pl.col("id").cast(pl.String),
            counted=pl.col("_c_counted"),
            category=pl.col("_c_category"),
            grade=pl.col("_c_grade"),
            classified_by=pl.concat_list(pl.col("_c_rule")),
            reason=pl.col("_c_reason"),
            repeat_of=pl.col("_c_repeat_of"),
            appeal_status=pl.col("_a_status"),
            appeal_rule=pl.col("_a_rule"),
            appeal_reason=pl.col("_a_reason"),
            unknown_deadline=pl.col("_unknown_deadline"),
            _per_ticket=pl.col("_per_ticket"),
        )
        deadlines = kept(self.deadline_long).select(
            "_row", "_pos", "rule", "stage", "limit", "due", "done_at", "status", "extended", "reason"
        )
        consequences = kept(table).select(
            "_row", "_pos", "rule", "party", "role", "kind", "min", "max", "min_text", "max_text", "adjusted_by", "note"
        )
        tallies = kept(tallies).select(
            "_row", "key", "on", "amount_min", "amount_max"
        )
        return Frames(tickets, deadlines, consequences, tallies)


TALLY_SCHEMA = {"_i": pl.UInt32, "key": pl.List(pl.String), "on": pl.Date, "amount_min": pl.Float64,
                "amount_max": pl.Float64, "_k0": pl.Int32, "_k1": pl.Int32}


def _literal(value: Any, zone: str) -> pl.Expr:
    if isinstance(value, datetime):
        return instant(value, zone)
    if isinstance(value, tuple):
        return pl.lit(list(value))
    if isinstance(value, (date, Limit)):
        raise NotColumnar(f"a literal {value!r} in a condition is not compiled to columns")
    return pl.lit(value)


def _lists(columns: Sequence[pl.Series]) -> pl.Series:
    """Rows of List(String) from columns of String of one length: ``pl.concat_list`` of them,
    at a tenth of its cost (it builds each row's list apart): the values are interleaved
    row by row into one column, cut into rows of ``len(columns)`` and cast to lists."""
    n, width = len(columns[0]), len(columns)
    if n == 0:
        return pl.Series(dtype=pl.List(pl.String))
    flat = pl.concat([c.cast(pl.String).rename("") for c in columns])
    at = pl.int_range(0, n * width, eager=True)
    return flat.gather((at % width) * n + at // width).reshape((n, width)).cast(pl.List(pl.String))


@functools.cache
def _years_2_to_9998(dtype: pl.Datetime) -> tuple[int, int]:
    """The first moments of local year 2 and of year 9999 in ``dtype``'s zone, as polars counts
    them, in its physical integers: a time between them (the first included) has ``dt.year()``
    in 2..9998, compared without converting every value to its local year."""
    bounds = pl.Series([datetime(2, 1, 1), datetime(9999, 1, 1)]).cast(pl.Datetime(dtype.time_unit))
    if dtype.time_zone is not None:
        bounds = bounds.dt.replace_time_zone(dtype.time_zone)
    low, high = bounds.to_physical().to_list()
    return low, high


def _anchored(expr: pl.Expr) -> pl.Expr:
    """A condition of literals only (``P("schedule") == "P1"``) as a column of the batch's
    length: polars 2.1 with more than one thread rejects a scalar filter predicate on a large
    frame ("filter predicate length of 2 doesn't match")."""
    if expr.meta.root_names():
        return expr
    return pl.col("_i").is_not_null() & expr


def _nested(obj: Any):
    """Every declaration object inside ``obj`` (attrs fields, tuples, mappings), depth first."""
    if isinstance(obj, (tuple, list)):
        for x in obj:
            yield from _nested(x)
    elif isinstance(obj, dict) or (hasattr(obj, "items") and hasattr(obj, "keys")):
        for x in obj.values():
            yield from _nested(x)
    elif attrs.has(type(obj)):
        yield obj
        for a in attrs.fields(type(obj)):
            yield from _nested(getattr(obj, a.name))


def _text(term: Any) -> str:
    return term.text() if hasattr(term, "text") else repr(term)


# -- terms ------------------------------------------------------------------------------------


def _field(b: _Batch, t: d.F) -> pl.Expr:
    if t.name not in b.df.columns:
        raise NotColumnar(f"the field {t.name} is not a column of the input frame")
    return pl.col(t.name)


def _param(b: _Batch, t: d.P) -> pl.Expr:
    return _literal(getattr(b.params, t.name), b.zone)


def _classified(b: _Batch, t: d.Classified) -> pl.Expr:
    return pl.col(f"_c_{t.name}")


def _appeal_status(b: _Batch, t: d.AppealStatus) -> pl.Expr:
    return pl.col("_a_status")


def _deadline_status(b: _Batch, t: d.DeadlineStatus) -> pl.Expr:
    return b.deadline_column("status", t.rule)


def _deadline_rules(b: _Batch, t: d.DeadlineRules) -> pl.Expr:
    """The ticket's deadline rules of that prefix and status, joined by ", " in list order."""
    name = f"_dr_{t.prefix}_{'/'.join(t.statuses)}"
    if name not in b.df.columns:
        # The rules of the prefix, among the time limits' (the long table's only rules): often none.
        rules = sorted({limit.rule for limit in b.declared.time_limits if limit.rule.startswith(t.prefix)})
        column = pl.repeat(None, b.n, dtype=pl.String, eager=True)
        joined = pl.DataFrame()
        if rules:  # the long table is in (ticket, place) order already
            long = b.deadline_long.filter(pl.col("status").is_in(list(t.statuses)) & pl.col("rule").is_in(rules))
            joined = long.group_by("_i", maintain_order=True).agg(pl.col("rule").str.join(", "))
        if joined.height:
            column = column.scatter(joined["_i"], joined["rule"])
        b.df = b.df.with_columns(column.alias(name))
    return pl.col(name)


def _or_else(b: _Batch, t: d.OrElse) -> pl.Expr:
    first, other = b.value(t.first), b.value(t.other)
    a, o = b.dtype(first), b.dtype(other)
    if a != o:
        if isinstance(a, pl.List) and o == pl.String:
            other = b.names(t.other)
        elif isinstance(o, pl.List) and a == pl.String:
            first = b.names(t.first)
        elif o != pl.Null:
            raise NotColumnar(f"{t.text()}: a {a} or else a {o} is not compiled to columns")
    return pl.when(b.is_set(first)).then(first).otherwise(other)


_TERMS: dict[type, Callable[[_Batch, Any], pl.Expr]] = {
    d.F: _field,
    d.P: _param,
    d.Classified: _classified,
    d.AppealStatus: _appeal_status,
    d.DeadlineStatus: _deadline_status,
    d.DeadlineRules: _deadline_rules,
    d.OrElse: _or_else,
}


# -- conditions -------------------------------------------------------------------------------

_COMPARE = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def _compare(b: _Batch, c: d.Compare) -> pl.Expr:
    if c.right is None:
        return pl.lit(False)  # Python: never true against an absent value
    left, right = b.value(c.left), b.value(c.right)
    return _COMPARE[c.op](left, right).fill_null(False)


def _is_in(b: _Batch, c: d.IsIn) -> pl.Expr:
    values = getattr(b.params, c.values.name) if isinstance(c.values, d.P) else c.values
    if isinstance(values, d.Term) or isinstance(values, str) or not isinstance(values, (tuple, list, set, frozenset)):
        raise NotColumnar(f"{c.text()}: only a tuple of values, or a parameter holding one, is compiled")
    return b.value(c.term).is_in([v for v in values if v is not None]).fill_null(False)


def _is_set(b: _Batch, c: d.IsSet) -> pl.Expr:
    return b.is_set(b.value(c.term))


def _truthy(b: _Batch, c: d.Truthy) -> pl.Expr:
    return b.truthy(b.value(c.term))


def _all(b: _Batch, c: d.All) -> pl.Expr:
    out = pl.lit(True)
    for p in c.parts:
        out = out & b.condition(p)
    return out


def _any(b: _Batch, c: d.AnyOf) -> pl.Expr:
    out = pl.lit(False)
    for p in c.parts:
        out = out | b.condition(p)
    return out


def _not(b: _Batch, c: d.Not) -> pl.Expr:
    return ~b.condition(c.part)


def _always(b: _Batch, c: d.Always) -> pl.Expr:
    return pl.lit(True)


def _cites(b: _Batch, c: d.Cites) -> pl.Expr:
    return pl.col("_c_rule") == c.rule


def _given(b: _Batch, c: d.Given) -> pl.Expr:
    return pl.col("_i").is_in(b.cons.filter(pl.col("rule") == c.rule)["_i"].implode())


_CONDITIONS: dict[type, Callable[[_Batch, Any], pl.Expr]] = {
    d.Compare: _compare,
    d.IsIn: _is_in,
    d.IsSet: _is_set,
    d.Truthy: _truthy,
    d.All: _all,
    d.AnyOf: _any,
    d.Not: _not,
    d.Always: _always,
    d.Cites: _cites,
    d.Given: _given,
}

# -- consequence items and declarations ------------------------------------------------------

_ITEMS: dict[type, Callable[..., None]] = {
    d.Give: _Batch.give,
    d.Each: _Batch.each,
    d.If: _Batch.branch,
    d.ByValue: _Batch.by_value,
}
_CONSEQUENCES: dict[type, Callable[..., None]] = {
    d.Consequences: _Batch.consequences,
    d.Scale: _Batch.scale,
    d.Unnamed: _Batch.unnamed,
}
_TALLIES: dict[type, Callable[..., pl.DataFrame]] = {
    d.TallyOf: _Batch.tally_of,
    d.TallyEach: _Batch.tally_each,
}
