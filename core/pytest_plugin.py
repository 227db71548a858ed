"""The test kit as a pytest plugin (entry point ``pytest11``: loaded wherever policy is installed).

Fixtures:

``policy_run``
    :func:`policy.core.testing.run`: evaluate records with a config built from keyword
    arguments (``plugins``, ``params``, ``calendar``, ``as_of``, ``period``, ``roster``,
    ``modules``) on a clean plugin manager; returns an ``Outcome``.
``policy_plugins``
    a function ``(*names) -> Plugins``: a fresh manager with only the named plugins.
``policy_calendar``
    the official working-day calendar in Asia/Shanghai, to test time counting directly.

Options: ``--policy-rule-coverage`` prints, for every plugin a test enabled, the rule ids it
declares that no test cited; ``--policy-rule-coverage-fail-under=PCT`` fails the run when any
such plugin's share of cited rules is below PCT.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from . import testing
from .calendar import WorkCalendar
from .plugins import discover


def pytest_addoption(parser):
    group = parser.getgroup("policy", "policy rule coverage")
    group.addoption("--policy-rule-coverage", action="store_true", help="report the declared rule ids no test cited")
    group.addoption("--policy-rule-coverage-fail-under", type=float, default=None, metavar="PCT",
                    help="fail if a plugin's share of cited rule ids is below PCT (implies the report)")


@pytest.fixture
def policy_run():
    return testing.run


@pytest.fixture
def policy_plugins():
    def make(*names: str):
        return discover(enabled=names)

    return make


@pytest.fixture(scope="session")
def policy_calendar():
    return WorkCalendar.official(ZoneInfo("Asia/Shanghai"))


def _report(config):
    regulations = discover(enabled=testing.ENABLED).regulations
    return testing.coverage(regulations, testing.ENABLED)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    threshold = config.getoption("--policy-rule-coverage-fail-under")
    if not (config.getoption("--policy-rule-coverage") or threshold is not None):
        return
    tr = terminalreporter
    tr.section("policy rule coverage")
    for name, (ids, missing) in _report(config).items():
        share = 100 * (len(ids) - len(missing)) / len(ids) if ids else 100.0
        tr.write_line(f"{name}: {len(ids) - len(missing)} of {len(ids)} rules cited by tests ({share:.0f}%)")
        if missing:
            tr.write_line(f"    not cited: {' '.join(missing)}")


def pytest_sessionfinish(session, exitstatus):
    threshold = session.config.getoption("--policy-rule-coverage-fail-under")
    if threshold is None or exitstatus != 0:
        return
    for name, (ids, missing) in _report(session.config).items():
        if ids and 100 * (len(ids) - len(missing)) / len(ids) < threshold:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
