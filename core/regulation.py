"""What a plugin declares about its regulation: rules, record fields and parameters.

Every number in a regulation is a parameter: an attrs field made with :func:`param`, whose
default is the regulation's figure and whose metadata names the rule id and the article.
The config's ``[plugins.<name>]`` table overrides them; ``policy init`` writes them all out,
each under a comment citing its rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from attrs import frozen

from .model import SANCTION_LADDER, Rule
from .records import Field


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
    # "limit": {...}, "rule": {rule id: Chinese title}}; choice fields' choices are labels already.
    labels: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict, eq=False)

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
    choices: Sequence[str] | None = None,
) -> Any:
    """A regulation figure: its default, the rule id and article it comes from, a doc line.

    Numbers must not be negative; a two-element list is a range whose first element is not
    above the second (a sanction range is checked on the ladder); ``choices`` restricts a
    string.
    """
    validators = [_validate(choices)]
    if isinstance(default, (list, tuple)):
        return attrs.field(
            factory=lambda: tuple(default),
            converter=tuple,
            validator=validators,
            metadata={"rule": rule, "article": article, "doc": doc},
        )
    return attrs.field(
        default=default,
        validator=validators,
        metadata={"rule": rule, "article": article, "doc": doc, "choices": choices},
    )


class ParameterValueError(ValueError):
    """An impossible parameter value; ``name`` is the parameter, so errors can name the key."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


def _validate(choices: Sequence[str] | None):
    def check(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
        try:
            _check(value, choices)
        except ValueError as e:
            raise ParameterValueError(attribute.name, str(e)) from None

    return check


def _check(value: Any, choices: Sequence[str] | None) -> None:
    """Numbers not negative; a two-element range not backwards; a choice among choices."""
    if choices is not None and value not in choices:
        raise ValueError(f"must be one of {', '.join(map(repr, choices))}, not {value!r}")
    items = value if isinstance(value, tuple) else (value,)
    for item in items:
        if isinstance(item, bool):
            continue
        if isinstance(item, (int, float)) and item < 0:
            raise ValueError(f"must not be negative, not {item!r}")
    if isinstance(value, tuple) and len(value) == 2:
        low, high = value
        if isinstance(low, str):
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
    """Each parameter's name, default, rule id, article and doc, in declaration order."""
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
            }
        )
    return out


def articles_of(regulations: Mapping[str, Regulation]) -> dict[str, str]:
    """Rule id -> article, over every regulation given."""
    return {r.id: r.article for reg in regulations.values() for r in reg.rules}
