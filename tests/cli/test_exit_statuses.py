"""Exit statuses: 0 all evaluated, 1 some rejected, 2 usage/config/input file, 3 a bug; a broken
pipe ends quietly; -V; --jobs with a workbook."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy.cli import jobs, outputs
from policy.cli.main import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONFIG = str(EXAMPLES / "power_supply" / "policy.toml")
HEADER = "工单编号,受理时间,投诉分类,经查属实,责任原因,责任人,责任单位,投诉原因\n"
GOOD = "G-1,2026-03-02 09:00,服务态度,是,是,张三,城区供电所,attitude_poor\n"
BAD = "G-2,2026-02-30 09:00,服务态度,是,是,李四,城区供电所,attitude_poor\n"  # no such date


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POLICY_CONFIG", CONFIG)
    return tmp_path


def evaluate(*args):
    return CliRunner().invoke(cli, ["evaluate", "--as-of", "2026-04-01T00:00", "--format", "json", *args])


def test_0_all_evaluated_1_some_rejected_2_input_file_error(workdir):
    (workdir / "good.csv").write_text(HEADER + GOOD, encoding="utf-8")
    (workdir / "mixed.csv").write_text(HEADER + GOOD + BAD, encoding="utf-8")
    (workdir / "broken.json").write_text("[{", encoding="utf-8")
    assert evaluate("good.csv").exit_code == 0
    assert evaluate("mixed.csv").exit_code == 1
    assert evaluate("broken.json").exit_code == 2


def _raise_in_finish(self, *args):
    raise RuntimeError("writer exploded")


def test_an_unexpected_exception_is_exit_3_a_short_bug_report_and_no_traceback(workdir, monkeypatch):
    (workdir / "good.csv").write_text(HEADER + GOOD, encoding="utf-8")
    monkeypatch.setattr(outputs.JsonWriter, "finish", _raise_in_finish)
    r = evaluate("good.csv")
    assert r.exit_code == 3
    assert "policy: internal error: RuntimeError: writer exploded" in r.stderr
    assert "This is a bug" in r.stderr and "--debug" in r.stderr and "in _raise_in_finish" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("where", ["group", "evaluate"])
def test_debug_shows_the_traceback(workdir, monkeypatch, where):
    (workdir / "good.csv").write_text(HEADER + GOOD, encoding="utf-8")
    monkeypatch.setattr(outputs.JsonWriter, "finish", _raise_in_finish)
    args = ["evaluate", "--as-of", "2026-04-01T00:00", "--format", "json", "good.csv"]
    args = ["--debug", *args] if where == "group" else [*args, "--debug"]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 3
    assert "Traceback (most recent call last)" in r.stderr and "writer exploded" in r.stderr


def test_a_broken_pipe_ends_quietly(tmp_path):
    """`policy evaluate ... | head -1` on more output than a pipe holds: no traceback, no
    "Exception ignored", and the status a shell gives a command ended by SIGPIPE."""
    src = tmp_path / "many.jsonl"
    src.write_text("".join(json.dumps({"id": f"B-{i}", "received_at": "2026-03-02 09:00", "category": "tariff",
                                       "verified": False}) + "\n" for i in range(3000)), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "policy.cli.main", "evaluate", "--config", CONFIG, "--as-of",
                             "2026-04-01T00:00", "--format", "jsonl", "--jobs", "1", str(src)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # what head does after its line
    err = proc.stderr.read().decode()
    proc.wait()
    assert json.loads(first)["id"] == "B-0"
    assert err == ""
    assert proc.returncode == 141


def test_short_version_option():
    r = CliRunner().invoke(cli, ["-V"])
    assert r.exit_code == 0 and r.output.startswith("policy, version ") and "unknown" not in r.output


def _cells(path: Path) -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_jobs_2_writes_the_same_workbook_as_jobs_1(tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK", 2)  # several chunks even for a small example
    books = {}
    for n in (1, 2):
        out = tmp_path / f"out{n}.xlsx"
        r = CliRunner().invoke(cli, ["evaluate", "--config", CONFIG, "--as-of", "2026-04-01T00:00", "--jobs", str(n),
                                     "--format", "xlsx", "-o", str(out), str(EXAMPLES / "power_supply" / "tickets.csv")])
        assert r.exit_code == 0, r.output
        books[n] = _cells(out)
    assert books[2] == books[1]
    ids = {row[0] for row in books[1]["结果"][1:]}
    assert {"PS-001", "PS-002"} <= ids


def test_a_file_the_system_cannot_read_or_write_is_exit_2_not_a_bug(workdir, monkeypatch):
    from policy.cli import inputs

    (workdir / "good.csv").write_text(HEADER + GOOD, encoding="utf-8")

    def unreadable(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(inputs, "read", unreadable)
    r = evaluate("good.csv", "--jobs", "1")
    assert r.exit_code == 2 and r.stderr == "policy: good.csv: Permission denied\n"


def test_an_input_that_is_a_folder_says_so(workdir):
    (workdir / "march.csv").mkdir()
    r = evaluate("march.csv")
    assert r.exit_code == 2 and "march.csv: a folder, not a file" in r.stderr


def test_init_into_a_missing_folder_is_a_usage_error(workdir):
    r = CliRunner().invoke(cli, ["init", "--industry", "gas", "-o", "/nonexistent/dir/policy.toml"])
    assert r.exit_code == 2 and "--output: cannot write /nonexistent/dir/policy.toml: No such file or directory" in r.stderr
