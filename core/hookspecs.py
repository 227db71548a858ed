"""The hooks a regulation plugin implements.

A plugin is a module (or any object) with functions marked ``@hookimpl`` whose names are
the hook names below; pluggy calls them, passing only the arguments each function names.
The pipeline (:mod:`policy.core.pipeline`) runs them for one ticket in this order:

    policy_classify -> policy_deadlines -> policy_appeal -> policy_consequences
                    -> policy_period_facts

and, once every ticket has been seen, ``policy_period_consequences``. Before the tickets,
``policy_history`` is called on every ticket when some plugin needs earlier tickets (a
second complaint on the same event) so that no result depends on the order of the input.

Every ticket reaches only the plugins of its own industry (the ``industry`` field, or the
only plugin enabled) and any plugin that declares no regulation: a company's local plugins
and general-purpose packages. Arguments common to the per-ticket hooks:

``record``
    the ticket, parsed and validated (:class:`policy.core.records.Record`); fields are
    attributes (``record.received_at``), absent ones ``None``.
``params``
    the industry's parameters (its ``Regulation.parameters`` class, filled from the config).
``calendar``
    the company's :class:`policy.core.calendar.WorkCalendar`.
``as_of``
    the evaluation time (``--as-of``) that decides ``open`` versus ``overdue``.
``trace``
    ``None``, unless the ticket is being explained (``policy explain``): then a
    :class:`policy.core.trace.Trace` on which the plugin records each rule it considered
    (``trace.considered(rule, fired, fact)``) and each step of a figure (``trace.step``).

A plugin may also declare per-ticket rules as data (``Regulation.declared``, see
:mod:`policy.core.declared`): the core runs them before each step's hooks, and a hook marked
``@applies(condition)`` is called only for the tickets its condition holds for
(docs/hooks.md, "Declared rules and hooks together").

Each section below says whether the hook is *collected* (every implementation's answer is
used, in pluggy's order: last registered first, ``tryfirst``/``trylast`` respected) or
*first result* (the first implementation that returns something other than ``None`` wins,
so a local plugin marked ``tryfirst`` overrides a built-in one).
"""

from __future__ import annotations

import pluggy

PROJECT = "policy"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

# The version of this hook interface. A plugin states the versions it supports in its
# Regulation (``hook_api``); the core refuses a plugin built for another one.
HOOK_API_VERSION = 1


@hookspec
def policy_regulation():
    """Declare the regulation this plugin encodes.

    Returns a :class:`policy.core.regulation.Regulation`: the industry name, title, source
    document, the rules it may cite (id, article, title), the record fields it reads with
    their Chinese column headers, and its parameters class. Collected; a plugin that
    implements it is an industry plugin and receives only its own industry's tickets.
    """


@hookspec(firstresult=True)
def policy_classify(record, params, history, calendar, trace):
    """Say what the ticket is: counted or not, its category and grade.

    ``history`` (:class:`policy.core.pipeline.History`) holds what ``policy_history``
    recorded about every ticket of the run, for rules on repeated complaints;
    ``calendar`` gives local dates and month periods (``months_after``) for their windows.

    Returns a :class:`policy.core.model.Classification`. First result.
    """


@hookspec
def policy_deadlines(record, classification, params, calendar, as_of, trace):
    """Judge the ticket's time limits.

    Returns a list of :class:`policy.core.model.Deadline`, each with its rule id, due time,
    completion time and status (``calendar.deadline`` builds one). Where the count needs a year
    the calendar does not cover, ``calendar.deadline`` returns status ``unknown`` with the
    ``reason`` instead of raising; consequences that read the status must not take ``unknown``
    for late or for met. Collected.
    """


@hookspec(firstresult=True)
def policy_appeal(record, classification, deadlines, params, calendar, trace):
    """Decide the appeal the responsible unit made, if any.

    Returns a :class:`policy.core.model.Appeal` (``accepted`` or ``refused``, with its rule
    and reason), or None when the record carries no appeal. An accepted appeal takes the
    ticket out of assessment: the plugin's consequences see it. First result.
    """


@hookspec
def policy_consequences(record, classification, deadlines, appeal, params, trace):
    """Work out what each responsible party owes or earns for this ticket.

    Returns a list of :class:`policy.core.model.Consequence`. Collected.
    """


@hookspec
def policy_period_facts(record, result, params, calendar):
    """Name what this ticket adds to the counts that period rules read.

    Returns a list of :class:`policy.core.periods.Tally` (a key such as
    ``("unit", "城区供电所")``, the local date it counts on — ``calendar.local_date(t)`` —
    and optional amounts). The core keeps
    only the sums per key and month, so memory does not grow with the number of tickets.
    Collected.
    """


@hookspec
def policy_period_consequences(ledger, periods, params, roster):
    """Apply the rules that count over a month, quarter, half-year or year.

    ``ledger`` (:class:`policy.core.periods.Ledger`) holds this industry's tallies summed per
    key and month; ``periods`` (:class:`policy.core.periods.Selection`) lists the periods to
    assess of each length (``periods.of("half")``), from ``--period`` or, without it, every
    period the tickets touch; ``roster`` is the list of rows of ``--roster`` (or empty)
    for this industry: those naming it (``industry``) and those naming none.

    Returns a list of :class:`policy.core.model.PeriodConsequence`. Collected. A plugin whose
    implementation raises loses its own answer only: the fault, naming the plugin, is listed
    with the errors and the other answers and every ticket's result stand.
    """


@hookspec
def policy_history(record, params):
    """Remember what later tickets may need to know about this one.

    Called on every ticket of the run before any is classified. Returns a list of
    ``(key, info)`` pairs: ``key`` names the matter (an event key, say), ``info`` is small
    data computed from this record alone (its grade, say). ``policy_classify`` then finds the
    latest earlier ticket of a key with ``history.last(key, record)`` (a bisection: fast however
    many tickets share the key), or all of them with ``history.earlier(key, record)`` (a copy:
    n tickets of one key cost n² in all). Make a key of what the rule selects on (the airport
    keys class-2 content apart), so that ``last`` answers it. A policy_history that raises
    rejects that ticket only, as a fault in plugin code. Collected.
    """
