"""`--output`: written beside the target and renamed on success; a failed or killed run leaves
the old file as it was, and its temporary files are removed or findable beside the target."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy.cli.main import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HEADER = "工单编号,受理时间,投诉分类,经查属实,责任原因,责任人,责任单位,投诉原因\n"
GOOD = "G-1,2026-03-02 09:00,服务态度,是,是,张三,城区供电所,attitude_poor\n"
OLD = b'{"the previous results": true}\n'
POLICY = [sys.executable, "-m", "policy.cli.main"]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POLICY_CONFIG", str(EXAMPLES / "power_supply" / "policy.toml"))
    (tmp_path / "t.csv").write_text(HEADER + GOOD, encoding="utf-8")
    return tmp_path


def evaluate(*args, input=None):
    return CliRunner().invoke(cli, ["evaluate", "--as-of", "2026-04-01T00:00", *args], input=input)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "policy-tmp" in p.name)


def ticket(i: int) -> bytes:
    return json.dumps({"id": f"K-{i}", "received_at": "2026-03-02 09:00", "category": "tariff",
                       "verified": False}).encode() + b"\n"


def test_an_input_error_midway_leaves_the_existing_output_untouched(workdir):
    (workdir / "out.json").write_bytes(OLD)
    (workdir / "broken.json").write_text("[{not json", encoding="utf-8")
    r = evaluate("t.csv", "broken.json", "--output", "out.json")  # t.csv's result is written first
    assert r.exit_code == 2 and "broken.json: not valid JSON" in r.output
    assert (workdir / "out.json").read_bytes() == OLD
    assert leftovers(workdir) == []


def test_a_successful_run_replaces_the_output_and_leaves_no_temporary_file(workdir):
    (workdir / "out.json").write_bytes(OLD)
    r = evaluate("t.csv", "--output", "out.json")
    assert r.exit_code == 0, r.output
    assert json.loads((workdir / "out.json").read_bytes())["summary"] == {"records": 1, "evaluated": 1, "rejected": 0}
    assert leftovers(workdir) == []


def test_an_output_that_is_an_input_is_refused_and_the_input_kept(workdir):
    (workdir / "same.jsonl").write_bytes(ticket(1))
    r = evaluate("--output", "same.jsonl", "same.jsonl")
    assert r.exit_code == 2 and "same.jsonl is also an input" in r.output
    assert (workdir / "same.jsonl").read_bytes() == ticket(1)
    (workdir / "sub").mkdir()
    r = evaluate("--output", "sub/../same.jsonl", "same.jsonl", "--format", "jsonl")  # another spelling, one file
    assert r.exit_code == 2 and "is also an input" in r.output


@pytest.mark.skipif(not hasattr(os, "link"), reason="hard links")
def test_a_hard_link_to_an_input_is_the_same_file(workdir):
    os.link(workdir / "t.csv", workdir / "link.csv")
    r = evaluate("t.csv", "--output", "link.csv")
    assert r.exit_code == 2 and "is also an input" in r.output
    assert (workdir / "t.csv").read_text(encoding="utf-8") == HEADER + GOOD


def test_an_output_in_a_missing_folder_is_a_usage_error_before_evaluating(workdir):
    r = evaluate("t.csv", "--output", "/nonexistent/dir/x.json")
    assert r.exit_code == 2
    assert "--output: /nonexistent/dir/x.json: the folder /nonexistent/dir does not exist" in r.output
    assert "Traceback" not in r.output
    (workdir / "out.json").mkdir()
    r = evaluate("t.csv", "--output", "out.json", "--format", "json")
    assert r.exit_code == 2 and "'out.json' is a directory" in r.output


def test_an_unknown_output_suffix_without_format_is_a_usage_error(workdir):
    r = evaluate("t.csv", "-o", "out.txt")
    assert r.exit_code == 2 and "no format for the suffix '.txt'" in r.output and "--format" in r.output
    assert not (workdir / "out.txt").exists()
    r = evaluate("t.csv", "-o", "out.txt", "--format", "table", "--lang", "en")  # named: fine
    assert r.exit_code == 0 and "1 evaluated" in (workdir / "out.txt").read_text(encoding="utf-8")
    assert evaluate("t.csv", "-o", "out.CSV").exit_code == 0  # a known suffix in capitals


def _start_on_stdin(workdir: Path, config: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([*POLICY, "evaluate", "--config", str(config), "--as-of", "2026-12-31T00:00", "--jobs", "1",
                             "--output", "out.json", *args, "-"],
                            cwd=workdir, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for(predicate, proc: subprocess.Popen) -> None:
    """Poll until the run has reached the state the test needs (it waits on its input then).

    The bound only keeps a broken run from hanging the suite; nothing is asserted on time.
    """
    give_up = time.monotonic() + 60
    while not predicate():
        assert proc.poll() is None, proc.stderr.read().decode()
        if time.monotonic() > give_up:
            proc.kill()
            raise AssertionError("the run never reached the state the test waits for")
        time.sleep(0.01)


def test_kill_9_midway_leaves_the_old_output_intact_and_the_partial_one_findable(workdir):
    (workdir / "out.json").write_bytes(OLD)
    proc = _start_on_stdin(workdir, EXAMPLES / "power_supply" / "policy.toml")
    for i in range(20_000):  # several writer buffers of results: the new file is well under way
        proc.stdin.write(ticket(i))
    proc.stdin.flush()
    work = workdir / f".out.json.policy-tmp-{proc.pid}"
    _wait_for(lambda: (work / "out.json").exists() and (work / "out.json").stat().st_size > 100_000, proc)
    proc.kill()
    proc.wait()
    proc.stdin.close()
    assert (workdir / "out.json").read_bytes() == OLD
    assert leftovers(workdir) == [work.name]  # beside the target, named for the run's pid
    assert (work / "out.json").read_bytes().startswith(b'{"results":[')


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_a_terminated_run_removes_its_temporary_files_and_keeps_the_old_output(workdir, how):
    """Airport rules read earlier tickets, so standard input is spooled to a file first."""
    (workdir / "out.json").write_bytes(OLD)
    proc = _start_on_stdin(workdir, EXAMPLES / "airport" / "policy.toml")
    proc.stdin.write(b'{"id": "A-1"}\n')
    proc.stdin.flush()
    spool = workdir / f".out.json.policy-tmp-{proc.pid}" / "stdin.jsonl"
    _wait_for(spool.exists, proc)  # the run is copying standard input into it
    proc.send_signal(how)
    proc.wait()
    proc.stdin.close()
    assert proc.returncode == 128 + how  # as a shell reports a command ended by the signal
    assert (workdir / "out.json").read_bytes() == OLD
    assert leftovers(workdir) == []
    assert proc.stderr.read().decode().endswith("; nothing written\n")  # and no traceback


def test_a_workbook_is_written_beside_its_target_with_its_parts(workdir, monkeypatch):
    """xlsxwriter's temporary part files go in the run's folder, not the system temp dir."""
    import tempfile

    import xlsxwriter.workbook

    seen = []
    original = xlsxwriter.workbook.Workbook.close

    def close(self):
        seen.append(self.tmpdir)  # where its row files were written
        return original(self)

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "close", close)
    before = tempfile.tempdir
    r = evaluate("t.csv", "--output", "out.xlsx")
    assert r.exit_code == 0, r.output
    assert seen and Path(seen[0]).name.startswith(".out.xlsx.policy-tmp-") and Path(seen[0]).parent == workdir
    assert tempfile.tempdir == before and leftovers(workdir) == []
    assert (workdir / "out.xlsx").read_bytes()[:2] == b"PK"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_an_output_through_a_symlink_replaces_the_file_it_names(workdir):
    (workdir / "results").mkdir()
    (workdir / "results" / "march.json").write_bytes(OLD)
    os.symlink(workdir / "results" / "march.json", workdir / "latest.json")
    r = evaluate("t.csv", "--output", "latest.json", "--format", "json")
    assert r.exit_code == 0, r.output
    assert (workdir / "latest.json").is_symlink()
    assert json.loads((workdir / "results" / "march.json").read_bytes())["summary"]["evaluated"] == 1
    assert leftovers(workdir) == [] and leftovers(workdir / "results") == []


@pytest.mark.parametrize(("how", "to_group", "said"), [
    (signal.SIGINT, True, "interrupted"),  # Ctrl-C: the terminal signals parent and workers
    (signal.SIGTERM, False, "terminated"),  # the parent alone, its input still open
])
def test_a_signal_with_workers_stops_quietly_and_keeps_the_old_output(workdir, how, to_group, said):
    (workdir / "out.json").write_bytes(OLD)
    proc = subprocess.Popen([*POLICY, "evaluate", "--config", str(EXAMPLES / "power_supply" / "policy.toml"), "--as-of",
                             "2026-12-31T00:00", "--jobs", "2", "--output", "out.json", "-"],
                            cwd=workdir, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    for i in range(10_000):  # several chunks: results come back from the workers, so they are up
        proc.stdin.write(ticket(i))
    proc.stdin.flush()
    written = workdir / f".out.json.policy-tmp-{proc.pid}" / "out.json"
    _wait_for(lambda: written.exists() and written.stat().st_size > 0, proc)
    if to_group:
        os.killpg(proc.pid, how)
    else:
        proc.send_signal(how)
    try:
        proc.wait(60)  # a bound against a hang, not a measure: it ends at once
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("the run did not end on the signal") from None
    finally:
        proc.stdin.close()
    err = proc.stderr.read().decode()
    assert proc.returncode == 128 + how, err
    assert err == f"policy: {said}; nothing written\n"
    assert (workdir / "out.json").read_bytes() == OLD and leftovers(workdir) == []


def test_the_stdin_spool_without_output_is_removed_after_the_run(workdir, monkeypatch):
    """Airport rules read earlier tickets: standard input is spooled to a temp folder first."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(workdir / "tmp"))
    (workdir / "tmp").mkdir()
    r = CliRunner().invoke(cli, ["evaluate", "--config", str(EXAMPLES / "airport" / "policy.toml"), "--as-of",
                                 "2026-12-31T00:00", "--format", "json", "-"], input='{"id": "A-1"}\n')
    assert r.exit_code in (0, 1), r.output
    assert json.loads(r.stdout)["summary"]["records"] == 1
    assert list((workdir / "tmp").iterdir()) == []
