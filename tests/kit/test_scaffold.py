"""`policy new-plugin`: the package it writes is found, evaluates and passes its own tests."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy.cli.main import cli


def install_like_pip(root: Path, name: str) -> dict:
    """What `pip install -e` leaves behind for discovery: the package importable and a dist-info
    whose entry_points.txt names it, here on PYTHONPATH (no network, no change to the venv)."""
    info = root / f"{name}-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text(f"[policy]\n{name} = {name}\n")
    return {**os.environ, "PYTHONPATH": str(root)}


@pytest.fixture
def scaffolded(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, ["new-plugin", "heating", "--title", "供热公司投诉考核办法"])
    assert r.exit_code == 0, r.output
    return tmp_path / "heating"


def test_new_plugin_writes_a_package_that_is_found_runs_and_passes_its_tests(scaffolded):
    assert 'heating = "heating"' in (scaffolded / "pyproject.toml").read_text()
    env = install_like_pip(scaffolded, "heating")
    policy = [sys.executable, "-m", "policy.cli.main"]
    listed = subprocess.run([*policy, "plugins"], env=env, capture_output=True, text=True, cwd=scaffolded)
    assert "heating 0.1.0  供热公司投诉考核办法" in listed.stdout, listed.stderr
    subprocess.run([*policy, "init", "--industry", "heating"], env=env, cwd=scaffolded, check=True, capture_output=True)
    evaluated = subprocess.run([*policy, "evaluate", "--as-of", "2026-04-01T00:00", "--format", "table", "examples/records.csv"],
                               env=env, capture_output=True, text=True, cwd=scaffolded)
    assert evaluated.returncode == 0, evaluated.stderr
    assert "X1-5" in evaluated.stdout and "李四" in evaluated.stdout
    tested = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--policy-rule-coverage", "tests"],
                            env=env, capture_output=True, text=True, cwd=scaffolded)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "4 passed" in tested.stdout and "heating: 2 of 2 rules cited by tests (100%)" in tested.stdout


def test_rule_coverage_threshold_fails_the_run(scaffolded):
    (scaffolded / "tests" / "test_rules.py").write_text(
        "def test_only_the_limit(policy_run):\n"
        "    o = policy_run([{'id': 'T', 'received_at': '2026-03-02 09:00', 'answered_at': '2026-03-03 09:00'}], plugins=['heating'])\n"
        "    assert o.deadline('T', 'X1-3')['status'] == 'met'\n")
    env = install_like_pip(scaffolded, "heating")
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--policy-rule-coverage-fail-under=100", "tests"],
                       env=env, capture_output=True, text=True, cwd=scaffolded)
    assert r.returncode == 1 and "not cited: X1-5" in r.stdout


@pytest.mark.parametrize(("name", "message"), [("2fast", "not a valid Python identifier"), ("class", "not a valid Python identifier")])
def test_new_plugin_refuses_bad_names(tmp_path, monkeypatch, name, message):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, ["new-plugin", name])
    assert r.exit_code == 2 and message in r.output


def test_new_plugin_refuses_an_existing_folder(scaffolded):
    r = CliRunner().invoke(cli, ["new-plugin", "heating"])
    assert r.exit_code == 2 and "already exists" in r.output
