"""The consequences of a batch as one long table, and what is done over a ticket's whole list.

One row per (ticket, consequence); ``_i`` is the ticket's place in the batch, ``_k0`` the
declaration's place and ``_k1`` the consequence's path inside it (the item, the branch's item,
the name of a names field, … as digits of base :data:`PATH_BASE`), so sorting by them gives the
per-ticket executor's list order. ``Scale`` multiplies rows
already in the table; ``Parties`` groups the unnamed ones by (ticket, rule, role) in the place
of the first, wording their refer with the per-ticket code's own ``_span`` on the distinct
values only (a run has a few dozen).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl

from ..model import _span

SCHEMA = {
    "_i": pl.UInt32,
    "_k0": pl.Int32,
    "_k1": pl.Int64,
    "rule": pl.String,
    "party": pl.String,
    "role": pl.String,
    "kind": pl.String,
    "min": pl.Float64,
    "max": pl.Float64,
    "min_text": pl.String,
    "max_text": pl.String,
    "adjusted_by": pl.List(pl.String),
    "note": pl.String,
}
ORDER = ["_i", "_k0", "_k1"]
PATH_BASE = 4096  # items of one level, or names of one field: more go per ticket
PATH_DEPTH = 5  # levels of nesting (Each in If in ByValue …): 4096**5 < 2**63


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def amount_columns(low, high) -> dict[str, pl.Expr]:
    """min/max (numbers) or min_text/max_text (ladder steps) from two literals or expressions."""
    def number(v):
        if isinstance(v, pl.Expr):
            return v.cast(pl.Float64)
        return pl.lit(None if v is None or isinstance(v, str) else float(v), dtype=pl.Float64)

    def text(v):
        return pl.lit(v if isinstance(v, str) else None, dtype=pl.String)

    return {"min": number(low), "max": number(high), "min_text": text(low), "max_text": text(high)}


def scale(table: pl.DataFrame, tickets: pl.Series, factor: float, rule: str) -> pl.DataFrame:
    """``Consequence.scaled`` on the rows of the tickets given: fines and refers with an amount."""
    hit = (
        pl.col("_i").is_in(tickets.implode())
        & pl.col("kind").is_in(["fine", "refer"])
        & (pl.col("min").is_not_null() | pl.col("max").is_not_null())
    )
    return table.with_columns(
        min=pl.when(hit).then(pl.col("min") * factor).otherwise(pl.col("min")),
        max=pl.when(hit).then(pl.col("max") * factor).otherwise(pl.col("max")),
        adjusted_by=pl.when(hit).then(pl.col("adjusted_by").list.concat(pl.lit([rule], dtype=pl.List(pl.String))))
        .otherwise(pl.col("adjusted_by")),
    )


def name_parties(table: pl.DataFrame, frame: pl.DataFrame, fields: Mapping[str, str],
                 where: Callable[[str], pl.Expr]) -> pl.DataFrame:
    """``model.name_parties`` over the whole table: the unnamed consequences of one ticket, rule
    and role become one refer in the place of the first; ``where(role)`` is an expression over
    ``frame`` (the batch) giving the place to refer to."""
    unnamed = pl.col("party").is_null() | (pl.col("party") == "")
    loose = table.filter(unnamed)
    if loose.is_empty():
        return table
    named = table.filter(~unnamed)
    loose = loose.sort(ORDER)
    # Each member's words, from the distinct (kind, amounts, note) only.
    pieces = loose.select("kind", "min", "max", "min_text", "max_text", "note").unique()
    pieces = pieces.with_columns(
        piece=pl.Series([_piece(*row) for row in pieces.iter_rows()], dtype=pl.String)
    )
    loose = loose.join(pieces, on=["kind", "min", "max", "min_text", "max_text", "note"], how="left",
                       nulls_equal=True, maintain_order="left")
    groups = loose.group_by(["_i", "rule", "role"], maintain_order=True).agg(
        pl.col("_k0").first(), pl.col("_k1").first(),
        fines=(pl.col("kind") == "fine").all(),
        low=pl.col("min").fill_null(0).sum(),
        high=pl.col("max").sum(),
        high_missing=pl.col("max").is_null().any(),
        what=pl.col("piece").str.join("; "),
        adjusted_by=pl.col("adjusted_by").list.explode(keep_nulls=False, empty_as_null=False).unique(maintain_order=True),
    )
    roles = groups["role"].unique().to_list()
    places = frame.select("_i", **{f"_where_{r}": where(r).cast(pl.String) for r in roles})
    groups = groups.join(places, on="_i", how="left", maintain_order="left")
    place = pl.lit(None, dtype=pl.String)
    for r in roles:
        place = pl.when(pl.col("role") == r).then(pl.col(f"_where_{r}")).otherwise(place)
    field_of = pl.col("role").replace_strict(
        {r: fields.get(r, r) for r in roles}, return_dtype=pl.String
    )
    refers = groups.select(
        "_i", "_k0", "_k1", "rule",
        party=place,
        role="role",
        kind=pl.lit("refer"),
        min=pl.when("fines").then(pl.col("low")),
        max=pl.when(pl.col("fines") & ~pl.col("high_missing")).then(pl.col("high")),
        min_text=pl.lit(None, dtype=pl.String),
        max_text=pl.lit(None, dtype=pl.String),
        adjusted_by="adjusted_by",
        note=pl.format("no {} named (field {}): {}", "role", field_of, "what"),
    )
    return pl.concat([named, refers.select(list(SCHEMA))])


def _piece(kind, low, high, low_text, high_text, note) -> str:
    """One member of a refer as ``name_parties`` words it: ``fine 200–500 (note)``."""
    low = low_text if low_text is not None else low
    high = high_text if high_text is not None else high
    return f"{kind} {_span(low, high)}".strip() + (f" ({note})" if note else "")


def ordered(table: pl.DataFrame) -> pl.DataFrame:
    """The table in the per-ticket list order, with ``_pos`` each row's place in its ticket's list."""
    table = table.sort(ORDER)
    index = pl.int_range(pl.len(), dtype=pl.Int32)
    first = pl.when(pl.col("_i") != pl.col("_i").shift(1)).then(index).otherwise(None).fill_null(strategy="forward")
    return table.with_columns(_pos=(index - first.fill_null(0)).cast(pl.Int32))
