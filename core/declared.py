"""Declared rules: a regulation's per-ticket rules as data the core runs (docs/design/declared-rules.md).

A plugin lists its declarations in ``Regulation(declared=(...))``, beside its rules, fields and
parameters. Each is a small frozen class whose fields are plain data: rule ids, texts, and
conditions that are trees of the classes below (never lambdas), so that one executor can run
them per ticket (``evaluate``, what ``policy explain`` traces) and another can compile them to
columns by reading their fields. Every figure is a parameter, ``P("name")``: the config
overrides it and ``param()`` keeps its unit, range and article.

Conditions (§1.1): ``F("impact")`` a record field, ``P("schedule")`` a parameter,
``C.counted`` / ``C.grade`` / ``C.cites("P1-9")`` the classification, ``A.accepted`` the appeal,
``D("P1-17").status`` a deadline's status, ``D.any(prefix="P3-", status=LATE)`` some deadline
of those rules in those statuses, ``Given("P1-24.2")`` a consequence of that rule already in
the list. Terms compare with ``==`` ``!=`` ``<`` ``<=`` ``>`` ``>=``, ``.is_in(...)``,
``.is_set()``, ``.is_empty()``, ``.truthy()``, ``.or_else(term)``; conditions combine with
``&``, ``|``, ``~``. Null logic is Python's: any comparison with an absent value is false.

This module is industry-neutral and imports no columnar library.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from attrs import field, frozen

from .calendar import Limit
from .model import NO_APPEAL, Appeal, Classification, Consequence, Deadline, name_parties, refer_unnamed
from .periods import Tally
from .records import FieldError

# ---------------------------------------------------------------------------------------------
# The ticket as the conditions see it


class Ticket:
    """What a condition can read of one ticket: the record, its parameters and what the
    earlier steps decided (classification, deadlines, appeal, consequences so far)."""

    __slots__ = ("record", "params", "calendar", "as_of", "trace", "labels",
                 "classification", "deadlines", "appeal", "consequences")

    def __init__(self, record: Any, params: Any, calendar: Any = None, as_of: Any = None, trace: Any = None,
                 labels: Mapping[str, str] | None = None, classification: Classification | None = None,
                 deadlines: list[Deadline] | None = None, appeal: Appeal | None = None,
                 consequences: list[Consequence] | None = None):
        self.record = record
        self.params = params
        self.calendar = calendar
        self.as_of = as_of
        self.trace = trace
        self.labels = labels or {}  # field name -> its first Chinese header, for explain
        self.classification = classification
        self.deadlines = deadlines if deadlines is not None else []
        self.appeal = appeal
        self.consequences = consequences if consequences is not None else []


def _is_set(value: Any) -> bool:
    return value is not None and value != "" and value != ()


def _fast(condition: Any, test: Any) -> None:
    """Give a condition its fast form: a closure over its parts' fast forms, built once, that
    shadows the ``holds`` method (the reference meaning, which the closure must equal)."""
    object.__setattr__(condition, "holds", test)


# ---------------------------------------------------------------------------------------------
# Conditions


class Condition:
    """A yes/no question about a ticket."""

    def holds(self, t: Ticket) -> bool:
        raise NotImplementedError

    def fields(self) -> Iterable[str]:
        """The record fields the condition reads, in order (explain renders them)."""
        return ()

    def text(self) -> str:
        raise NotImplementedError

    def __and__(self, other: Condition) -> Condition:
        return All((*_parts(self, All), *_parts(other, All)))

    def __or__(self, other: Condition) -> Condition:
        return AnyOf((*_parts(self, AnyOf), *_parts(other, AnyOf)))

    def __invert__(self) -> Condition:
        return Not(self)

    def __bool__(self) -> bool:
        # `and`/`or`/`not` cannot be overloaded: writing them would silently drop a condition.
        raise TypeError("combine conditions with &, | and ~, not and/or/not")


def _parts(c: Condition, kind: type) -> tuple[Condition, ...]:
    return c.parts if isinstance(c, kind) else (c,)


class Term:
    """A value of a ticket: a field, a parameter, what the classification or a deadline says."""

    def value(self, t: Ticket) -> Any:
        raise NotImplementedError

    def fields(self) -> Iterable[str]:
        return ()

    def text(self) -> str:
        raise NotImplementedError

    # Comparisons build conditions (a Term is never compared for equality as an object).
    def __eq__(self, other: Any) -> Compare:  # type: ignore[override]
        return Compare(self, "==", other)

    def __ne__(self, other: Any) -> Compare:  # type: ignore[override]
        return Compare(self, "!=", other)

    def __lt__(self, other: Any) -> Compare:
        return Compare(self, "<", other)

    def __le__(self, other: Any) -> Compare:
        return Compare(self, "<=", other)

    def __gt__(self, other: Any) -> Compare:
        return Compare(self, ">", other)

    def __ge__(self, other: Any) -> Compare:
        return Compare(self, ">=", other)

    __hash__ = object.__hash__

    def getter(self) -> Any:
        """A function of the ticket giving the value: the fast form conditions call."""
        return self.value

    def is_in(self, *values: Any) -> IsIn:
        """One of the values; ``is_in(P("outside_escalations"))`` takes them from a parameter."""
        return IsIn(self, values[0] if len(values) == 1 and isinstance(values[0], Term) else tuple(values))

    def is_set(self) -> IsSet:
        """Not None, not empty text, not an empty list of names."""
        return IsSet(self)

    def is_empty(self) -> Condition:
        return Not(IsSet(self))

    def truthy(self) -> Truthy:
        """A bool field as ``bool(record.x)`` reads it: None is false."""
        return Truthy(self)

    def or_else(self, other: Term) -> OrElse:
        """This value when set, else ``other``'s (``record.returned_at or record.appeal_filed_at``)."""
        return OrElse(self, other)


@frozen(eq=False, slots=False)
class F(Term):
    """A record field, by its name (``record.impact``)."""

    name: str

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "value", self.getter())  # read on every ticket: C's attrgetter

    def value(self, t: Ticket) -> Any:
        return getattr(t.record, self.name)

    def getter(self) -> Any:
        return operator.attrgetter(f"record.{self.name}")

    def fields(self) -> Iterable[str]:
        return (self.name,)

    def text(self) -> str:
        return self.name


@frozen(eq=False, slots=False)
class P(Term):
    """A parameter of the ticket's version of the regulation, by name."""

    name: str

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "value", self.getter())

    def value(self, t: Ticket) -> Any:
        return getattr(t.params, self.name)

    def getter(self) -> Any:
        return operator.attrgetter(f"params.{self.name}")

    def text(self) -> str:
        return self.name


@frozen(eq=False)
class Classified(Term):
    """What the classification decided: ``counted``, ``category``, ``grade``, ``repeat_of``."""

    name: str

    def value(self, t: Ticket) -> Any:
        return getattr(t.classification, self.name) if t.classification is not None else None

    def text(self) -> str:
        return f"classification.{self.name}"


@frozen(slots=False)
class Cites(Condition):
    """The classification cites the rule."""

    rule: str

    def holds(self, t: Ticket) -> bool:
        return t.classification is not None and self.rule in t.classification.rules

    def text(self) -> str:
        return f"classification cites {self.rule}"


class _ClassificationTerms:
    counted = Classified("counted")
    category = Classified("category")
    grade = Classified("grade")
    repeat_of = Classified("repeat_of")

    @staticmethod
    def cites(rule: str) -> Cites:
        return Cites(rule)


C = _ClassificationTerms()


@frozen(eq=False)
class AppealStatus(Term):
    """The appeal's status: none, accepted or refused."""

    def value(self, t: Ticket) -> Any:
        return (t.appeal or NO_APPEAL).status

    def text(self) -> str:
        return "appeal"


@frozen(eq=False)
class DeadlineStatus(Term):
    """The status of the ticket's deadline of ``rule`` (None: it has none)."""

    rule: str

    def value(self, t: Ticket) -> Any:
        for d in t.deadlines:
            if d.rule == self.rule:
                return d.status
        return None

    def text(self) -> str:
        return f"{self.rule}.status"


@frozen(eq=False)
class DeadlineRules(Term):
    """The rules, joined by ", ", of the ticket's deadlines whose rule starts with ``prefix``
    and whose status is one of ``statuses``; None when there are none."""

    prefix: str
    statuses: tuple[str, ...]

    def value(self, t: Ticket) -> Any:
        rules = [d.rule for d in t.deadlines if d.status in self.statuses and d.rule.startswith(self.prefix)]
        return ", ".join(rules) if rules else None

    def text(self) -> str:
        return f"{self.prefix}* {'/'.join(self.statuses)}"


@frozen
class D:
    """A deadline the ticket was judged on: ``D("P1-17").status``; ``D.any(...)``, ``D.rules(...)``."""

    rule: str

    @property
    def status(self) -> DeadlineStatus:
        return DeadlineStatus(self.rule)

    @staticmethod
    def rules(prefix: str = "", status: Iterable[str] = ()) -> DeadlineRules:
        return DeadlineRules(prefix, tuple(status))

    @staticmethod
    def any(prefix: str = "", status: Iterable[str] = ()) -> Condition:
        return DeadlineRules(prefix, tuple(status)).is_set()


@frozen(eq=False)
class OrElse(Term):
    first: Term
    other: Term

    def value(self, t: Ticket) -> Any:
        v = self.first.value(t)
        return v if _is_set(v) else self.other.value(t)

    def fields(self) -> Iterable[str]:
        return (*self.first.fields(), *self.other.fields())

    def text(self) -> str:
        return f"{self.first.text()} or else {self.other.text()}"


_OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _value(x: Any, t: Ticket) -> Any:
    return x.value(t) if isinstance(x, Term) else x


@frozen(slots=False)
class Compare(Condition):
    """``left op right``; right is a literal or a term. False when either side is absent."""

    left: Term
    op: str = field(validator=attrs.validators.in_(tuple(_OPS)))
    right: Any

    def __attrs_post_init__(self) -> None:
        compare, left = _OPS[self.op], self.left.getter()
        if isinstance(self.right, Term):
            right = self.right.getter()
            _fast(self, lambda t: (a := left(t)) is not None and (b := right(t)) is not None and bool(compare(a, b)))
        elif self.right is None:
            _fast(self, lambda t: False)
        else:
            b = self.right
            _fast(self, lambda t: (a := left(t)) is not None and bool(compare(a, b)))

    def holds(self, t: Ticket) -> bool:
        a, b = self.left.value(t), _value(self.right, t)
        return a is not None and b is not None and bool(_OPS[self.op](a, b))

    def fields(self) -> Iterable[str]:
        return (*self.left.fields(), *(self.right.fields() if isinstance(self.right, Term) else ()))

    def text(self) -> str:
        right = self.right.text() if isinstance(self.right, Term) else repr(self.right)
        return f"{self.left.text()} {self.op} {right}"


class _AppealTerms:
    status = AppealStatus()
    accepted = Compare(AppealStatus(), "==", "accepted")


A = _AppealTerms()


@frozen(slots=False)
class IsIn(Condition):
    """The term's value is one of ``values`` (a tuple, or a parameter holding one)."""

    term: Term
    values: Any

    def __attrs_post_init__(self) -> None:
        get = self.term.getter()
        if isinstance(self.values, Term):
            values = self.values.getter()
            _fast(self, lambda t: (v := get(t)) is not None and v in values(t))
        else:
            fixed = self.values
            _fast(self, lambda t: (v := get(t)) is not None and v in fixed)

    def holds(self, t: Ticket) -> bool:
        v = self.term.value(t)
        return v is not None and v in _value(self.values, t)

    def fields(self) -> Iterable[str]:
        return self.term.fields()

    def text(self) -> str:
        values = self.values.text() if isinstance(self.values, Term) else ", ".join(map(str, self.values))
        return f"{self.term.text()} in ({values})"


@frozen(slots=False)
class IsSet(Condition):
    term: Term

    def __attrs_post_init__(self) -> None:
        get = self.term.getter()
        _fast(self, lambda t: (v := get(t)) is not None and v != "" and v != ())

    def holds(self, t: Ticket) -> bool:
        return _is_set(self.term.value(t))

    def fields(self) -> Iterable[str]:
        return self.term.fields()

    def text(self) -> str:
        return f"{self.term.text()} is set"


@frozen(slots=False)
class Truthy(Condition):
    term: Term

    def __attrs_post_init__(self) -> None:
        get = self.term.getter()
        _fast(self, lambda t: bool(get(t)))

    def holds(self, t: Ticket) -> bool:
        return bool(self.term.value(t))

    def fields(self) -> Iterable[str]:
        return self.term.fields()

    def text(self) -> str:
        return self.term.text()


@frozen(slots=False)
class All(Condition):
    parts: tuple[Condition, ...]

    def __attrs_post_init__(self) -> None:
        tests = tuple(p.holds for p in self.parts)
        if len(tests) == 2:
            a, b = tests
            _fast(self, lambda t: a(t) and b(t))
        elif len(tests) == 3:
            a, b, c = tests
            _fast(self, lambda t: a(t) and b(t) and c(t))
        else:
            def test(t: Ticket) -> bool:
                for f in tests:
                    if not f(t):
                        return False
                return True
            _fast(self, test)

    def holds(self, t: Ticket) -> bool:
        for p in self.parts:
            if not p.holds(t):
                return False
        return True

    def fields(self) -> Iterable[str]:
        return tuple(f for p in self.parts for f in p.fields())

    def text(self) -> str:
        return " and ".join(_grouped(p) for p in self.parts)


@frozen(slots=False)
class AnyOf(Condition):
    parts: tuple[Condition, ...]

    def __attrs_post_init__(self) -> None:
        tests = tuple(p.holds for p in self.parts)
        if len(tests) == 2:
            a, b = tests
            _fast(self, lambda t: a(t) or b(t))

    def holds(self, t: Ticket) -> bool:
        for p in self.parts:
            if p.holds(t):
                return True
        return False

    def fields(self) -> Iterable[str]:
        return tuple(f for p in self.parts for f in p.fields())

    def text(self) -> str:
        return " or ".join(_grouped(p) for p in self.parts)


@frozen(slots=False)
class Not(Condition):
    part: Condition

    def __attrs_post_init__(self) -> None:
        test = self.part.holds
        _fast(self, lambda t: not test(t))

    def holds(self, t: Ticket) -> bool:
        return not self.part.holds(t)

    def fields(self) -> Iterable[str]:
        return self.part.fields()

    def text(self) -> str:
        if isinstance(self.part, IsSet):
            return f"{self.part.term.text()} is empty"
        return f"not {_grouped(self.part)}"


@frozen(slots=False)
class Always(Condition):
    def holds(self, t: Ticket) -> bool:
        return True

    def text(self) -> str:
        return "always"


@frozen(slots=False)
class Given(Condition):
    """A consequence of ``rule`` is already in the ticket's list."""

    rule: str

    def holds(self, t: Ticket) -> bool:
        return any(c.rule == self.rule for c in t.consequences)

    def text(self) -> str:
        return f"{self.rule} already given"


def _grouped(c: Condition) -> str:
    return f"({c.text()})" if isinstance(c, (All, AnyOf)) else c.text()


ALWAYS = Always()
# Counted and not taken out by an accepted appeal: P1's, G1's, A1's and W1's assessed ticket.
ASSESSED = Classified("counted").truthy() & ~A.accepted


def render(t: Ticket, fields: Iterable[str]) -> str:
    """The facts a condition read, for explain: each field by its first Chinese header, a bool
    as 是 / 否, an absent value as 空, joined by ", " (P1-9: 经查属实=是, 责任原因=否)."""
    out = []
    for name in dict.fromkeys(fields):
        v = getattr(t.record, name, None)
        shown = "空" if v is None or v == "" or v == () else ("是" if v is True else "否" if v is False else
                                                              ";".join(v) if isinstance(v, tuple) else str(v))
        out.append(f"{t.labels.get(name, name)}={shown}")
    return ", ".join(out)


def _deadline_terms(x: Any) -> Iterable[DeadlineRules]:
    """The DeadlineRules a condition reads, in order (explain shows what they held)."""
    if isinstance(x, DeadlineRules):
        yield x
    elif isinstance(x, (tuple, list)):
        for item in x:
            yield from _deadline_terms(item)
    elif attrs.has(type(x)):
        for a in attrs.fields(type(x)):
            yield from _deadline_terms(getattr(x, a.name))


def _considered(t: Ticket, rule: str | None, condition: Condition, fired: bool) -> None:
    if t.trace is not None and rule is not None and condition is not ALWAYS:
        # The fields it read, and the deadlines (P3-* breached/overdue=P3-4.11); else as written.
        facts = [render(t, condition.fields()),
                 *dict.fromkeys(f"{d.text()}={d.value(t) or '空'}" for d in _deadline_terms(condition))]
        t.trace.considered(rule, fired, ", ".join(f for f in facts if f) or condition.text())


# ---------------------------------------------------------------------------------------------
# Time limits (§1.2)

_LIMITS = {"hours", "minutes", "days", "working_days"}


@functools.cache
def _unit_of(parameters: type, name: str) -> str:
    unit = attrs.fields_dict(parameters)[name].metadata.get("unit")
    if unit not in _LIMITS:
        raise ValueError(f"parameter {name} is a time limit: its unit must be one of {', '.join(sorted(_LIMITS))}, not {unit!r}")
    return unit


def limit_of(limit: Any, params: Any) -> Limit:
    """The Limit a TimeLimit's ``limit`` stands for: SAME_DAY, or a parameter counted in its own unit."""
    if isinstance(limit, Limit):
        return limit
    return _limit(getattr(params, limit.name), _unit_of(type(params), limit.name))


@functools.cache
def _limit(amount: float, unit: str) -> Limit:
    return Limit(amount, unit)


@frozen
class TimeLimit:
    """A stage done within a limit of its start: a ``Deadline`` in the result.

    ``limit`` is ``P("name")`` (its unit is the parameter's ``param(unit=...)``: hours,
    minutes, days or working_days) or ``SAME_DAY`` (core/calendar.py). ``when`` false: no deadline at all; a
    ``start`` not set: ``not_applicable``. ``extension``: a later due time that moves it
    (``extended`` in the result). Judged by ``calendar.deadline``, as hand-written code is.
    """

    rule: str
    stage: str
    start: Term
    limit: Any  # P(...) or SAME_DAY
    done: Term
    extension: Term | None = None
    when: Condition = ALWAYS

    def evaluate(self, t: Ticket) -> Deadline | None:
        if self.when is not ALWAYS:
            fired = self.when.holds(t)
            if t.trace is not None:
                _considered(t, self.rule, self.when, fired)
            if not fired:
                return None
        return t.calendar.deadline(
            self.rule, self.stage, self.start.value(t), limit_of(self.limit, t.params), self.done.value(t), t.as_of,
            extended_until=None if self.extension is None else self.extension.value(t),
        )

    def text(self) -> str:
        limit = "same day" if isinstance(self.limit, Limit) else f"{self.limit.text()}"
        out = f"{self.rule} {self.stage}: {self.done.text()} within {limit} of {self.start.text()}"
        if self.extension is not None:
            out += f", extended to {self.extension.text()}"
        return out + ("" if self.when is ALWAYS else f", when {self.when.text()}")


# ---------------------------------------------------------------------------------------------
# Tables (§1.3, §1.8)


@frozen
class Reject:
    """The ticket cannot be judged: a FieldError on ``field``. ``message`` may name the
    deadline's ``{reason}`` and ``{due}`` (ISO form) where a table reads a deadline."""

    field: str
    message: str

    def error(self, **values: Any) -> FieldError:
        return FieldError(self.field, self.message.format(**values) if values else self.message)


@frozen
class Require:
    """A field the table cannot decide without: absent, the ticket is rejected with ``message``."""

    field: str
    message: str
    when: Condition = ALWAYS

    def check(self, t: Ticket) -> None:
        if self.when.holds(t) and not _is_set(getattr(t.record, self.field)):
            raise FieldError(self.field, self.message)

    def text(self) -> str:
        return f"requires {self.field}" + ("" if self.when is ALWAYS else f" when {self.when.text()}")


@frozen
class Row:
    """One row of a first-match table: when ``when`` holds, it decides. A classification row
    gives ``counted`` (and the ``reason`` of a ticket not counted); an appeal row gives its
    ``status`` and ``reason``, or ``reject``s the ticket. ``{due}`` and ``{reason}`` in a text
    are the table's deadline's."""

    when: Condition
    status: str | None = None
    reason: str | None = None
    counted: bool | None = None
    reject: Reject | None = None

    def text(self) -> str:
        if self.reject is not None:
            then = f"reject ({self.reject.field})"
        elif self.counted is not None:
            then = "counted" if self.counted else f"not counted: {self.reason}"
        else:
            then = f"{self.status}: {self.reason}"
        return f"{self.when.text()} -> {then}"


def _first(rows: tuple[Row, ...], t: Ticket) -> Row | None:
    for row in rows:
        if row.when.holds(t):
            return row
    return None


@frozen
class Classify:
    """What counts (§1.3): the first row whose condition holds decides ``counted``; the
    category and grade are read from fields; the classification cites ``rule``.

    Explain gets one fact: the fields the rows read (P1-9: 经查属实=是, 责任原因=否)."""

    rule: str
    rows: tuple[Row, ...]
    category: Term | None = None
    grade: Term | None = None
    require: tuple[Require, ...] = ()

    def evaluate(self, t: Ticket) -> Classification:
        for r in self.require:
            r.check(t)
        row = _first(self.rows, t)
        counted = bool(row is not None and row.counted)
        if t.trace is not None:
            t.trace.considered(self.rule, counted, render(t, (f for r in self.rows for f in r.when.fields())))
        return Classification(
            counted,
            None if self.category is None else self.category.value(t),
            None if self.grade is None else self.grade.value(t),
            (self.rule,),
            reason=None if row is None or counted else row.reason,
        )

    def text(self) -> str:
        return "\n".join([f"{self.rule}: first match of", *(f"  {r.text()}" for r in self.rows),
                          *(f"  {r.text()}" for r in self.require)])


@frozen
class AppealTable:
    """The unit's appeal (§1.8): when ``when`` holds, the first matching row gives the
    appeal's status and reason, or rejects the ticket; ``{due}``/``{reason}`` in a row's text
    are those of the ticket's deadline of ``rule``."""

    rule: str
    rows: tuple[Row, ...]
    when: Condition = ALWAYS

    def evaluate(self, t: Ticket) -> Appeal | None:
        if not self.when.holds(t):
            return None
        row = _first(self.rows, t)
        if row is None:
            return None
        limit = next((d for d in t.deadlines if d.rule == self.rule), None)
        values = {"due": None if limit is None or limit.due is None else limit.due.isoformat(),
                  "reason": None if limit is None else limit.reason}
        if row.reject is not None:
            raise row.reject.error(**values)
        return Appeal(row.status, self.rule, None if row.reason is None else row.reason.format(**values))

    def text(self) -> str:
        return "\n".join([f"{self.rule} appeal, when {self.when.text()}: first match of", *(f"  {r.text()}" for r in self.rows)])


# ---------------------------------------------------------------------------------------------
# Consequences (§1.4)


def _amount(amount: Any, at_least: Any, params: Any) -> tuple[Any, Any]:
    if at_least is not None:
        return getattr(params, at_least.name), None
    if amount is None:
        return None, None
    v = getattr(params, amount.name)
    if isinstance(v, tuple):  # a [min, max] range, or [] for a figure left to another document
        return (v[0], v[-1]) if v else (None, None)
    return v, v


@frozen
class Give:
    """One consequence: ``kind`` (fine, refer, sanction, criticism, …) of ``rule`` on the
    ``party`` (a term; inside ``Each``, the name) in ``role``. The figure is a parameter:
    ``amount`` (a number: min = max; a ``[min, max]`` range; ``[]``: none set) or ``at_least``
    (a minimum, max None)."""

    rule: str
    kind: str
    amount: P | None = None
    at_least: P | None = None
    party: Term | None = None
    role: str = "responsible_person"
    note: str | None = None
    # Values for {name} in the note: (name, term) pairs.
    fill: tuple[tuple[str, Term], ...] = ()

    def evaluate(self, t: Ticket, party: Any = None) -> list[Consequence]:
        low, high = _amount(self.amount, self.at_least, t.params)
        if self.party is not None:
            party = self.party.value(t)
        note = self.note.format(**{k: v.value(t) for k, v in self.fill}) if self.fill else self.note
        return [Consequence(self.rule, party, self.role, self.kind, low, high, note=note)]

    def rules(self) -> tuple[str, ...]:
        return (self.rule,)

    def fields(self) -> Iterable[str]:
        return ()

    def text(self) -> str:
        figure = (f" {self.amount.text()}" if self.amount is not None else
                  f" at least {self.at_least.text()}" if self.at_least is not None else "")
        on = "" if self.party is None else f" on {self.party.text()}"
        return f"{self.rule} {self.kind}{figure}{on} ({self.role})"


def Fine(rule: str, amount: P, **kw: Any) -> Give:  # noqa: N802 - reads as the type it makes
    return Give(rule, "fine", amount=amount, **kw)


def Refer(rule: str, amount: P | None = None, **kw: Any) -> Give:  # noqa: N802
    return Give(rule, "refer", amount=amount, **kw)


@frozen
class Each:
    """``give`` once for each name of a names field (or a single text), in the record's
    order, the name as the party; with ``always``, once with no party when none is named
    (the who-pays step makes that a refer naming the field)."""

    names: Term
    give: tuple[Any, ...]
    always: bool = False

    def evaluate(self, t: Ticket, party: Any = None) -> list[Consequence]:
        v = self.names.value(t)
        names = (v,) if isinstance(v, str) else tuple(v or ())
        if not names and self.always:
            names = (None,)
        return [c for name in names for g in self.give for c in g.evaluate(t, name)]

    def rules(self) -> tuple[str, ...]:
        return tuple(r for g in self.give for r in g.rules())

    def fields(self) -> Iterable[str]:
        return tuple(f for g in self.give for f in g.fields())

    def text(self) -> str:
        return f"for each of {self.names.text()}{' (or none)' if self.always else ''}: " + "; ".join(g.text() for g in self.give)


@frozen
class If:
    """``then`` where the condition holds, else ``otherwise``."""

    condition: Condition
    then: tuple[Any, ...]
    otherwise: tuple[Any, ...] = ()

    def evaluate(self, t: Ticket, party: Any = None) -> list[Consequence]:
        return [c for g in (self.then if self.condition.holds(t) else self.otherwise) for c in g.evaluate(t, party)]

    def rules(self) -> tuple[str, ...]:
        return tuple(r for g in (*self.then, *self.otherwise) for r in g.rules())

    def fields(self) -> Iterable[str]:
        return (*self.condition.fields(), *(f for g in (*self.then, *self.otherwise) for f in g.fields()))

    def text(self) -> str:
        out = f"if {self.condition.text()}: " + "; ".join(g.text() for g in self.then)
        return out + (f"; else: {'; '.join(g.text() for g in self.otherwise)}" if self.otherwise else "")


@frozen
class ByValue:
    """A table by a field's value (a cause, a category): ``cases`` maps each value to what it
    gives; an absent value is rejected with ``missing`` (None: gives nothing). Explain
    considers every rule of the table, fired for those given."""

    on: Term
    cases: Mapping[str, tuple[Any, ...]] = field(eq=False)
    missing: Reject | None = None

    def evaluate(self, t: Ticket, party: Any = None) -> list[Consequence]:
        v = self.on.value(t)
        if v is None:
            if self.missing is not None:
                raise self.missing.error()
            return []
        out = [c for g in self.cases.get(v, ()) for c in g.evaluate(t, party)]
        if t.trace is not None:
            given = {c.rule for c in out}
            for value, items in self.cases.items():
                extra = [f for g in items for f in g.fields()]
                for rule in dict.fromkeys(r for g in items for r in g.rules()):
                    t.trace.considered(rule, rule in given, render(t, (*self.on.fields(), *extra)))
        return out

    def rules(self) -> tuple[str, ...]:
        return tuple(r for items in self.cases.values() for g in items for r in g.rules())

    def fields(self) -> Iterable[str]:
        return ()  # its own trace renders the fields read

    def text(self) -> str:
        return f"by {self.on.text()}: " + " | ".join(f"{k}: {'; '.join(g.text() for g in v)}" for k, v in self.cases.items())


@frozen
class Consequences:
    """What a ticket owes under ``rule`` when ``when`` holds: ``give`` is a tuple of Give,
    Each, If and ByValue, evaluated in order (the order is the document's)."""

    give: tuple[Any, ...]
    when: Condition = ALWAYS
    rule: str | None = None  # the rule explain says was considered (None: the items say)

    def evaluate(self, t: Ticket) -> list[Consequence]:
        if self.when is not ALWAYS:
            fired = self.when.holds(t)
            if t.trace is not None:
                _considered(t, self.rule, self.when, fired)
            if not fired:
                return []
        return [c for g in self.give for c in g.evaluate(t)]

    def text(self) -> str:
        head = f"{self.rule or ''} when {self.when.text()}:".strip()
        return "\n".join([head, *(f"  {g.text()}" for g in self.give)])


# ---------------------------------------------------------------------------------------------
# Adjustments (§1.5) and who pays (§1.6)


@frozen
class Scale:
    """Multiply the yuan figures (fine and refer) of every consequence declared before it by
    ``factor`` where ``when`` holds; ``adjusted_by`` gains the rule (加倍考核)."""

    rule: str
    factor: P
    when: Condition = ALWAYS

    def apply(self, t: Ticket, consequences: list[Consequence]) -> list[Consequence]:
        fired = self.when.holds(t)
        if t.trace is not None:
            _considered(t, self.rule, self.when, fired)
        if not fired:
            return consequences
        factor = self.factor.value(t)
        scaled = [c.scaled(factor, self.rule) for c in consequences]
        if t.trace is not None:
            for before, after in zip(consequences, scaled):
                if after is not before:
                    t.trace.step(self.rule, f"{before.rule} {_span(before)} × {factor:g} = {_span(after)}")
        return scaled

    def text(self) -> str:
        return f"{self.rule}: × {self.factor.text()} when {self.when.text()}"


def _span(c: Consequence) -> str:
    low = "-" if c.min is None else f"{c.min:g}"
    return low if c.max == c.min else f"{low}–{'…' if c.max is None else f'{c.max:g}'}"


@frozen
class Unnamed:
    """A party the record does not name: a ``refer`` to the ticket saying which ``field`` is
    missing and ``what`` follows (``refer_unnamed``)."""

    rule: str
    role: str
    field: str  # as people read it: "unit, 责任单位"
    what: str
    when: Condition = ALWAYS

    def evaluate(self, t: Ticket) -> list[Consequence]:
        # Not traced: "P1-27 does not apply" would misread a rule that applies, to a named unit.
        if not self.when.holds(t):
            return []
        return [refer_unnamed(self.rule, self.role, self.field, t.record.id, self.what)]

    def text(self) -> str:
        return f"{self.rule}: no {self.role} named ({self.field}): {self.what}, when {self.when.text()}"


@frozen
class Parties:
    """Who pays (``name_parties``), over the whole list, declared and hooked: consequences
    of one rule and role with no party become one refer naming the role's field (``fields``:
    role -> "unit, 责任单位"), addressed to the role's ``where`` term (else ``otherwise``)."""

    fields: Mapping[str, str] = field(eq=False)
    where: Mapping[str, Term] = field(eq=False)
    otherwise: Term = F("id")

    def apply(self, t: Ticket, consequences: list[Consequence]) -> list[Consequence]:
        def where(role: str) -> Any:
            return self.where.get(role, self.otherwise).value(t)
        return name_parties(consequences, dict(self.fields), where)

    def text(self) -> str:
        return "unnamed parties: a refer naming the field (" + ", ".join(f"{k}: {v}" for k, v in self.fields.items()) + ")"


# ---------------------------------------------------------------------------------------------
# Tallies (§1.7)

@frozen
class TallyOf:
    """What an assessed ticket adds to a period count: the ``key`` (texts and terms), on the
    local date of ``on``; ``amount="fines"`` adds the ticket's fines (min summed, max None
    when any fine has none)."""

    key: tuple[Any, ...]
    on: Term
    when: Condition = ALWAYS
    amount: str | None = None

    def evaluate(self, t: Ticket, result: Any) -> list[Tally]:
        if not self.when.holds(t):
            return []
        key = tuple(k.value(t) if isinstance(k, Term) else k for k in self.key)
        on = t.calendar.local_date(self.on.value(t))
        if self.amount != "fines":
            return [Tally(key, on)]
        fines = [c for c in result.consequences if c.kind == "fine"]
        low = sum(c.min or 0 for c in fines)
        high = None if any(c.max is None for c in fines) else sum(c.max for c in fines)
        return [Tally(key, on, low, high)]

    def text(self) -> str:
        return f"tally {', '.join(k.text() if isinstance(k, Term) else k for k in self.key)} on {self.on.text()}"


@frozen
class TallyEach:
    """One tally per consequence of ``kinds`` with a party, whose role is not among
    ``exclude_roles`` and whose rule is one of ``rules`` or under it (P1-24 takes P1-24.3.2.1):
    key (``rule``, the party), its min and max, on the local date of ``on``."""

    rule: str
    on: Term
    rules: Any  # P(...) or a tuple of rule ids / prefixes
    kinds: tuple[str, ...] = ("fine",)
    exclude_roles: tuple[str, ...] = ()
    when: Condition = ALWAYS

    def evaluate(self, t: Ticket, result: Any) -> list[Tally]:
        if not self.when.holds(t):
            return []
        rules = _value(self.rules, t)
        on = t.calendar.local_date(self.on.value(t))
        return [Tally((self.rule, c.party), on, c.min or 0, c.max) for c in result.consequences
                if c.kind in self.kinds and c.party and c.role not in self.exclude_roles and _under(c.rule, rules)]

    def text(self) -> str:
        return f"tally ({self.rule}, party) of each {'/'.join(self.kinds)} of {_text(self.rules)} on {self.on.text()}"


def _text(x: Any) -> str:
    return x.text() if isinstance(x, Term) else ", ".join(x)


def _under(rule: str, rules: Iterable[str]) -> bool:
    return any(rule == r or rule.startswith((f"{r}.", f"{r}-")) for r in rules)


# ---------------------------------------------------------------------------------------------
# Guards on hooks (§1.9)


def applies(condition: Condition):
    """Mark a hook implementation with the tickets it answers: ``@applies(F("record_type") ==
    "inspection")`` under ``@hookimpl``. The core calls it only where the condition holds
    (on the record, the parameters and what the hook's arguments carry)."""
    def mark(function):
        function.policy_applies = condition
        return function
    return mark


def guard_of(function: Any) -> Condition | None:
    return getattr(function, "policy_applies", None)


# ---------------------------------------------------------------------------------------------
# The per-ticket executor (§2.1)

CONSEQUENCE_TYPES = (Consequences, Scale, Unnamed)
TALLY_TYPES = (TallyOf, TallyEach)


class Declared:
    """An industry's declarations, sorted by the pipeline step that runs them, in their order.

    The pipeline combines them with the plugin's hooks by one rule (docs/hooks.md): a
    first-result hook's answer that is not None wins over the declared one; a collected hook's
    answers come after the declared ones; ``Parties`` then runs over the whole list. A
    declaration's own ``when`` is its scope (``F("record_type") != "inspection"``)."""

    def __init__(self, declarations: Iterable[Any], labels: Mapping[str, str] | None = None):
        declarations = tuple(declarations)
        self.labels = dict(labels or {})
        self.classify = [d for d in declarations if isinstance(d, Classify)]
        self.time_limits = [d for d in declarations if isinstance(d, TimeLimit)]
        self.appeals = [d for d in declarations if isinstance(d, AppealTable)]
        self.consequences = [d for d in declarations if isinstance(d, CONSEQUENCE_TYPES)]
        self.parties = [d for d in declarations if isinstance(d, Parties)]
        self.tallies = [d for d in declarations if isinstance(d, TALLY_TYPES)]
        known = (Classify, TimeLimit, AppealTable, Parties, *CONSEQUENCE_TYPES, *TALLY_TYPES)
        for d in declarations:
            if not isinstance(d, known):
                raise TypeError(f"{d!r} is not a declaration the core runs ({', '.join(k.__name__ for k in known)})")

    def ticket(self, record: Any, params: Any, calendar: Any, as_of: Any, trace: Any) -> Ticket:
        return Ticket(record, params, calendar, as_of, trace, self.labels)

    def classification(self, t: Ticket) -> Classification | None:
        for c in self.classify:
            return c.evaluate(t)
        return None

    def deadlines(self, t: Ticket) -> list[Deadline]:
        out = []
        for d in self.time_limits:
            deadline = d.evaluate(t)
            if deadline is not None:
                out.append(deadline)
        return out

    def appeal(self, t: Ticket) -> Appeal | None:
        for a in self.appeals:
            answer = a.evaluate(t)
            if answer is not None:
                return answer
        return None

    def consequences_of(self, t: Ticket) -> list[Consequence]:
        """The declared consequences in order; a Scale applies to those before it."""
        out: list[Consequence] = []
        t.consequences = out
        for d in self.consequences:
            if isinstance(d, Scale):
                out = d.apply(t, out)
            else:
                out = out + d.evaluate(t)
            t.consequences = out
        return out

    def name_parties(self, t: Ticket, consequences: list[Consequence]) -> list[Consequence]:
        for p in self.parties:
            consequences = p.apply(t, consequences)
        return consequences

    def tallies_of(self, t: Ticket, result: Any) -> list[Tally]:
        return [tally for d in self.tallies for tally in d.evaluate(t, result)]
