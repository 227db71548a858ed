"""Hypothesis profiles for the fuzz suite, and the configs its runs use.

``ci`` (the default) keeps the whole suite within about 30 seconds with a fixed, small
example budget and no example database, so a CI run is the same every time. ``long`` is for
deep runs by hand: ``pytest tests/fuzz --hypothesis-profile=long`` (hundreds of examples per
property, larger files; see README.md, "Tests").
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, settings

import fuzz_harness as harness

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
         HealthCheck.function_scoped_fixture]

settings.register_profile(
    "ci", max_examples=12, deadline=None, derandomize=True, database=None, suppress_health_check=_SLOW,
    print_blob=True, phases=[Phase.explicit, Phase.generate],  # no shrinking: it can take minutes
)
settings.register_profile(
    "long", max_examples=400, deadline=None, suppress_health_check=_SLOW, print_blob=True,
    # A survey (POLICY_FUZZ_SURVEY=1) checks and tallies every example and shrinks none, so its
    # figures count every violation, not only the first (fuzz_harness.verdict).
    phases=[Phase.explicit, Phase.generate] if harness.SURVEY else list(Phase),
)
if settings.get_current_profile_name() == "default":  # no --hypothesis-profile given
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def configs(tmp_path_factory) -> dict[str, str]:
    """A config per built-in plugin and one with all four ("mixed"), written by `policy init`."""
    root = tmp_path_factory.mktemp("configs")
    out = {}
    for name in (*harness.PLUGINS, "mixed"):
        industries = harness.PLUGINS if name == "mixed" else (name,)
        path = root / f"{name}.toml"
        args = ["init", "--output", str(path)]
        for industry in industries:
            args += ["--industry", industry]
        r = harness.invoke(args)
        assert r.exit_code == 0, r.output
        out[name] = str(path)
    return out


def pytest_sessionfinish(session, exitstatus):
    harness.write_tally()
