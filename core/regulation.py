"""What a plugin declares about its regulation: rules, record fields and parameters.

Every number in a regulation is a parameter: an attrs field made with :func:`param`, whose
default is the regulation's figure and whose metadata names the rule id, the article, the
unit it is counted in and the range a value must lie in. The config's ``[plugins.<name>]``
table overrides them, each value checked against its range; ``policy init`` writes them all
out, each under a comment citing its rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import math

import attrs
from attrs import frozen

from .model import SANCTION_LADDER, Rule
from .records import UNITS, Field, describe_range, unit_range


@frozen
class Reading:
    """How the plugin reads a sentence of the text that a company may read otherwise: the rule,
    the reading in one sentence, and the parameter that switches it (None: no switch)."""

    rule: str
    text: str
    parameter: str | None = None


@frozen
class Regulation:
    """One regulation as a plugin encodes it (the ``policy_regulation`` hook's answer)."""

    name: str  # the industry: the entry-point name and the records' ``industry`` value
    title: str  # the document's Chinese title
    source: str  # where the text comes from
    rules: tuple[Rule, ...]
    fields: tuple[Field, ...]
    parameters: type  # an attrs class whose fields are made with param()
    summary: str = ""
    hook_api: tuple[int, int] = (1, 1)  # the core hook API versions it supports, inclusive
    # Labels for people, by vocabulary: {"stage": {"dispatch": "派单"}, "role": {...}, "grade": {...},
    # "limit": {...}}; choice fields' choices are labels already, a rule's Chinese title is its title_zh.
    labels: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict, eq=False)
    readings: tuple[Reading, ...] = ()  # where the text is ambiguous, how the plugin reads it
    # The per-ticket rules declared as data (core/declared.py), run by the core before the
    # plugin's hooks (docs/hooks.md); optional: a plugin written with hooks declares none.
    declared: tuple[Any, ...] = ()

    def readings_of(self, rule_id: str) -> list[Reading]:
        return [r for r in self.readings if r.rule == rule_id]

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


def param(
    default: Any,
    *,
    rule: str,
    article: str,
    doc: str,
    unit: str | None = None,
    range: tuple[float, float] | None = None,  # noqa: A002 - the word a plugin author reads
    choices: Sequence[str] | None = None,
    revisions: Sequence[tuple[Any, Any]] = (),
    dated_by: str | None = None,
) -> Any:
    """A regulation figure: its default, the rule id and article it comes from, a doc line,
    the ``unit`` it is counted in (a key of :data:`~policy.core.records.UNITS`) and the
    ``range`` (low, high), inclusive, every number of it must lie in.

    Without a range of its own a number takes its unit's sanity range (hours: a year at
    most; percent: 0–100; yuan: a billion), and without a unit finite, 0 to a billion. A
    two-element list is a range whose first element is not above the second (a sanction
    range is checked on the ladder); ``choices`` restricts a string. ``revisions`` are the
    regulation's own later figures: (date it takes effect, value) pairs in date order (see
    :mod:`policy.core.dated`). ``dated_by`` names the record's time field that decides which of
    its dated values a ticket gets (``notified_at``: the value in force when the result was
    announced), where the regulation says so; else the ticket's receipt decides.
    """
    if unit is not None and unit not in UNITS:
        raise ValueError(f"parameter of {rule}: unknown unit {unit!r}; one of {', '.join(UNITS)}")
    bounds = range if range is not None else unit_range(unit)
    if not (len(bounds) == 2 and bounds[0] <= bounds[1]):
        raise ValueError(f"parameter of {rule}: range must be (low, high) with low <= high, not {bounds!r}")
    validators = [_validate(choices, bounds, unit)]
    metadata = {"rule": rule, "article": article, "doc": doc, "unit": unit, "range": bounds, "choices": choices,
                "revisions": tuple(revisions), "dated_by": dated_by}
    if isinstance(default, (list, tuple)):
        return attrs.field(
            factory=lambda: tuple(default),
            converter=tuple,
            validator=validators,
            metadata=metadata,
        )
    return attrs.field(default=default, validator=validators, metadata=metadata)


class ParameterValueError(ValueError):
    """An impossible parameter value; ``name`` is the parameter, so errors can name the key."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


def _validate(choices: Sequence[str] | None, bounds: tuple[float, float], unit: str | None):
    def check(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
        try:
            _check(value, choices, bounds, unit)
        except ValueError as e:
            raise ParameterValueError(attribute.name, str(e)) from None

    return check


def _check(value: Any, choices: Sequence[str] | None, bounds: tuple[float, float], unit: str | None) -> None:
    """Numbers finite and in range; a two-element range not backwards; a choice among choices."""
    if choices is not None and value not in choices:
        raise ValueError(f"must be one of {', '.join(map(repr, choices))}, not {value!r}")
    items = value if isinstance(value, tuple) else (value,)
    low, high = bounds
    for item in items:
        if isinstance(item, bool):
            continue
        if isinstance(item, (int, float)) and not (math.isfinite(item) and low <= item <= high):
            shown = f"{item!r}" if not isinstance(item, int) or abs(item) < 10**30 else "a number this large"
            raise ValueError(f"{shown} is outside the allowed range: {describe_range(low, high, unit)}")
    if isinstance(value, tuple) and len(value) == 2:
        low, high = value
        if isinstance(low, str) and any(step in SANCTION_LADDER for step in value):  # else two names, not a range
            for step in value:
                if step not in SANCTION_LADDER:
                    raise ValueError(
                        f"{step!r} is not a sanction step; steps are {', '.join(SANCTION_LADDER)}"
                    )
            if SANCTION_LADDER.index(low) > SANCTION_LADDER.index(high):
                raise ValueError(f"range {list(value)!r} runs backwards on the sanction ladder")
        elif low > high:
            raise ValueError(f"range {list(value)!r}: the minimum is above the maximum")


def parameter_docs(parameters: type) -> list[dict[str, Any]]:
    """Each parameter's name, default, rule id, article, doc, unit and range, in declaration order."""
    out = []
    for a in attrs.fields(parameters):
        default = a.default.factory() if isinstance(a.default, attrs.Factory) else a.default
        out.append(
            {
                "name": a.name,
                "default": list(default) if isinstance(default, tuple) else default,
                "rule": a.metadata.get("rule"),
                "article": a.metadata.get("article"),
                "doc": a.metadata.get("doc"),
                "unit": a.metadata.get("unit"),
                "range": list(a.metadata["range"]) if "range" in a.metadata else None,
            }
        )
    return out


def optional_range(amount: Sequence[float]) -> tuple[float | None, float | None]:
    """A ``[]`` or ``[min, max]`` parameter (a figure the text leaves to another document or
    to a committee) as (min, max), or (None, None) when the company has set none."""
    return (amount[0], amount[-1]) if amount else (None, None)


def articles_of(regulations: Mapping[str, Regulation]) -> dict[str, str]:
    """Rule id -> article, over every regulation given."""
    return {r.id: r.article for reg in regulations.values() for r in reg.rules}
