"""`policy new-plugin`: names and titles as people write them; `policy plugins --json`."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy.cli.main import cli
from policy.cli.scaffold import distribution_name

POLICY = [sys.executable, "-m", "policy.cli.main"]


def install_like_pip(root: Path, name: str) -> dict:
    """What `pip install -e` leaves for discovery: the package importable and a dist-info naming
    its entry point, here on PYTHONPATH (no network, no change to the venv)."""
    dist = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    info = root / f"{dist.replace('-', '_')}-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[policy]\n{name} = {name}\n", encoding="utf-8")
    return {**os.environ, "PYTHONPATH": str(root)}


def new_plugin(tmp_path, monkeypatch, *args):
    monkeypatch.chdir(tmp_path)
    return CliRunner().invoke(cli, ["new-plugin", *args])


def test_a_chinese_name_writes_a_plugin_that_is_found_evaluates_and_passes_its_tests(tmp_path, monkeypatch):
    r = new_plugin(tmp_path, monkeypatch, "供热", "--title", "供热公司投诉考核办法")
    assert r.exit_code == 0, r.output
    root = tmp_path / "供热"
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == distribution_name("供热") and project["name"].isascii()
    assert project["entry-points"]["policy"] == {"供热": "供热"}
    assert project["dependencies"] == ["policy-complaints"]
    env = install_like_pip(root, "供热")
    listed = subprocess.run([*POLICY, "plugins"], env=env, capture_output=True, text=True, cwd=root)
    assert "供热 0.1.0  供热公司投诉考核办法" in listed.stdout, listed.stderr
    subprocess.run([*POLICY, "init", "--industry", "供热"], env=env, cwd=root, check=True, capture_output=True)
    evaluated = subprocess.run([*POLICY, "evaluate", "--as-of", "2026-04-01T00:00", "--format", "json", "examples/records.csv"],
                               env=env, capture_output=True, text=True, cwd=root)
    assert evaluated.returncode == 0, evaluated.stderr
    late = {r["id"]: r["consequences"] for r in json.loads(evaluated.stdout)["results"]}["T-002"]
    assert late[0]["rule"] == "X1-5" and late[0]["party"] == "李四"
    tested = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                            env=env, capture_output=True, text=True, cwd=root)
    assert tested.returncode == 0 and "4 passed" in tested.stdout, tested.stdout + tested.stderr


def test_distribution_names_are_ascii_and_valid():
    import re

    valid = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)  # PEP 508 names
    for name in ("heating", "供热", "heating_供热", "ğaz", "热_"):
        assert valid.match(distribution_name(name)), name
    assert distribution_name("heating") == "heating"
    assert distribution_name("供热") != distribution_name("供水")


def test_a_title_with_quotes_backslashes_and_line_breaks_writes_a_package_that_imports(tmp_path, monkeypatch):
    title = '供热 "试行" 办法 \\ 第2版\n(修订)\'\'\'"""'
    r = new_plugin(tmp_path, monkeypatch, "heating", "--title", title)
    assert r.exit_code == 0, r.output
    root = tmp_path / "heating"
    code = "import heating; print(repr(heating.REGULATION.title))"
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == repr(title)
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["description"] == '供热 "试行" 办法 \\ 第2版 (修订)\'\'\'""": a policy plugin'  # one line


@pytest.mark.parametrize(("name", "message"), [
    ("a" * 300, "the name is 300 characters long; a plugin name has at most 64"),
    ("2fast", "not a valid Python identifier"),
    ("供热-公司", "not a valid Python identifier"),
    ("class", "not a Python keyword"),
    ("ﬁre", "imported by Python as 'fire'; use that spelling"),  # the fi ligature
])
def test_bad_names_get_a_clear_message(tmp_path, monkeypatch, name, message):
    r = new_plugin(tmp_path, monkeypatch, name)
    assert r.exit_code == 2 and message in r.output, r.output
    assert "Traceback" not in r.output and list(tmp_path.iterdir()) == []


def test_a_name_of_64_characters_is_accepted(tmp_path, monkeypatch):
    r = new_plugin(tmp_path, monkeypatch, "p" * 64)
    assert r.exit_code == 0, r.output
    r = new_plugin(tmp_path, monkeypatch, "p" * 65)
    assert r.exit_code == 2 and "at most 64" in r.output


def test_plugins_json_lists_each_record_field_once_with_the_plugins_restatement():
    data = json.loads(CliRunner().invoke(cli, ["plugins", "--json"]).stdout)
    for plugin in data["plugins"]:
        names = [f["name"] for f in plugin["fields"]]
        assert len(names) == len(set(names)), plugin["name"]
    power = next(p for p in data["plugins"] if p["name"] == "power_supply")
    category = next(f for f in power["fields"] if f["name"] == "category")
    assert category["values"]["service_attitude"] == "服务态度"  # the plugin's choices, not the common field's
