"""One truth: the per-ticket and the columnar executor write the same bytes (issue 15, design §3).

Every case runs ``policy evaluate`` twice on the same JSON Lines, ``POLICY_EXECUTOR=per_ticket``
then ``columnar``, and requires equal output, byte for byte, and equal exit status. The cases:
the power-supply example, generated P1 tickets of every cause, impact and escalation with the
edges of their time limits (a holiday, a weekend, 调休上班日, exactly at the due time), odd and
bad cells, repeated ids, blank and broken lines; with and without ``--period``, a roster, an
``--as-of`` that leaves stages open, a close of business, non-integral fines, and in ``json`` too.
A case whose industry cannot run columnar (the other plugins) must say so and still agree.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy.cli import inputs as readers
from policy.cli.main import cli

pytest.importorskip("polars")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
POWER = EXAMPLES / "power_supply"

# The usual values many times over, the odd ones (a cell the parser rejects, a control
# character, an emoji escaped as a surrogate pair, which the columnar reader leaves to the
# per-ticket parser) now and then: most rows must run columnar for the case to test it.
CAUSES = ["work_quality", "attitude_poor", "attitude_bad", "ten_commitments", "ten_prohibitions"] * 6 + [None, "bogus"]
IMPACTS = ["general"] * 6 + ["serious", "major", None]
ESCALATIONS = ["none"] * 6 + ["company", "city_bureau", "state_grid", "media", None]
CATEGORIES = ["服务态度", "service_attitude", "营业收费", "抄表质量", "故障处理"] * 6 + [None, "不存在的类别"]
UNITS = ["城区供电所", "城西供电所", "第1供电所"] * 5 + [None, ""]
PEOPLE = ["张三", "李四", "王五", "赵六"] * 6 + ['quote"d', "back\\slash", "new\nline", "emoji🙂", None]
# Around 2026's 劳动节 (05-01–05-05; 04-26 and 05-09 are 调休上班日), a weekend, the year's end.
STARTS = [datetime(2026, 4, 29, 17, 30), datetime(2026, 4, 30, 23, 59), datetime(2026, 5, 8, 9, 0),
          datetime(2026, 3, 6, 16, 0), datetime(2026, 12, 30, 10, 0), datetime(2026, 12, 31, 9, 0),
          datetime(2025, 9, 30, 8, 0), datetime(2026, 2, 13, 11, 0)]


def _time(t: datetime | None, rnd: random.Random) -> str | None:
    if t is None:
        return None
    form = rnd.randrange(100)
    if form < 10:
        return t.strftime("%Y-%m-%dT%H:%M:%S+08:00")
    if form < 15:
        return t.strftime("%Y-%m-%d %H:%M:%S.123456")
    # Forms the columnar reader leaves to the per-ticket parser: another offset (the document
    # keeps it), a date written with slashes.
    if form == 15:
        return (t - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    if form == 16:
        return t.strftime("%Y/%m/%d %H:%M")
    return t.strftime("%Y-%m-%d %H:%M")


def generated_tickets(n: int, seed: int) -> list[str]:
    """P1 tickets as JSON Lines: every branch of the per-ticket rules, some cells bad on purpose."""
    rnd = random.Random(seed)
    lines = []
    for i in range(n):
        received = rnd.choice(STARTS) + timedelta(minutes=rnd.randrange(0, 3 * 24 * 60))
        dispatched = received + timedelta(minutes=rnd.choice([5, 59, 60, 61, 600]))
        t: dict = {
            rnd.choice(["id", "工单编号"]): f"T-{seed}-{i:05d}" if rnd.random() > 0.01 else "T-DUP",
            rnd.choice(["received_at", "受理时间"]): _time(received, rnd),
            "category": rnd.choice(CATEGORIES),
            rnd.choice(["verified", "经查属实"]): rnd.choice([True, False, "是", "否", None, 1, 0]),
            "responsible": rnd.choice([True, True, False, "是", None]),
            "person": rnd.choice(PEOPLE),
            rnd.choice(["unit", "责任单位"]): rnd.choice(UNITS),
            "cause": rnd.choice(CAUSES),
            "customer_loss": rnd.choice([True, False, None]),
            "impact": rnd.choice(IMPACTS),
            "escalation": rnd.choice(ESCALATIONS),
            "dispatched_at": _time(dispatched if rnd.random() > 0.1 else None, rnd),
        }
        # Each later stage done before, exactly at or after its limit, or not at all.
        for field, hours in (("contacted_at", [1, 24, 40, 72, 100]), ("replied_at", [30, 96, 120, 150, 200]),
                             ("revisited_at", [150, 160, 200, 250]), ("reported_at", [1, 12, 20, 30])):
            if rnd.random() < 0.8:
                t[field] = _time(dispatched + timedelta(hours=rnd.choice(hours)), rnd)
        if rnd.random() < 0.1:
            t["extended_until"] = _time(dispatched + timedelta(days=rnd.choice([3, 8, 12])), rnd)
        if rnd.random() < 0.15:
            t["returned_at"] = _time(dispatched + timedelta(hours=rnd.choice([2, 20, 30, 80])), rnd)
        if rnd.random() < 0.05:
            t["appeal_ground"] = "not_our_remit"
        if rnd.random() < 0.1:
            t["falsified_reply"] = True
        if rnd.random() < 0.3:
            t["main_responsible"] = rnd.choice(["赵六", "赵六;钱七", "", None])
        for role in ("secondary_responsible", "workshop_leader", "management_head", "unit_chief", "unit_deputy",
                     "other_responsible", "unit_head"):
            if rnd.random() < 0.2:
                t[role] = rnd.choice(["孙八", "周九;吴十", None])
        if rnd.random() < 0.02:
            t["received_at"] = rnd.choice(["not a time", "2026-02-30 10:00", 20260301, "2026-03-01"])
        if rnd.random() < 0.01:
            t["verified"] = "maybe"
        if rnd.random() < 0.01:
            t["notified_at"] = _time(received + timedelta(days=40), rnd)
        # Mostly what an export writes; now and then an explicit null, or another JSON layout.
        lines.append(json.dumps({k: v for k, v in t.items() if v is not None or rnd.random() < 0.01},
                                ensure_ascii=rnd.random() < 0.3,
                                separators=(",", ":") if rnd.random() < 0.5 else None))
        if rnd.random() < 0.01:
            lines.append(rnd.choice(["", "   ", "{not json", "[1, 2]", '"text"']))
    return lines


def example_as_jsonl(path: Path, out: Path) -> Path:
    """An example's rows, as the per-ticket reader reads them, written as JSON Lines."""
    rows = [raw for _, _, raw in readers.read(str(path)) if isinstance(raw, dict)]
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return out


def run(monkeypatch, executor: str, args: list[str]):
    monkeypatch.setenv("POLICY_EXECUTOR", executor)
    result = CliRunner().invoke(cli, ["evaluate", "--debug", *args])
    assert result.exit_code in (0, 1), (result.output, result.exception)
    return result


def both(monkeypatch, args: list[str], columnar: bool = True):
    """Both executors' outputs; they must be the same bytes, and the columnar one must have
    run columnar (``columnar=True``) or said why not."""
    one = run(monkeypatch, "per_ticket", args)
    other = run(monkeypatch, "columnar", args)
    assert ("executor: columnar" in other.stderr) is columnar, other.stderr
    assert other.exit_code == one.exit_code
    a, b = one.stdout_bytes.splitlines(), other.stdout_bytes.splitlines()
    for i, (x, y) in enumerate(zip(a, b)):
        assert x == y, f"line {i + 1} differs:\nper ticket: {x[:1500]!r}\ncolumnar:   {y[:1500]!r}"
    assert len(a) == len(b)
    return other


@pytest.fixture
def power_tickets(tmp_path):
    return example_as_jsonl(POWER / "tickets.csv", tmp_path / "tickets.jsonl")


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
@pytest.mark.parametrize("as_of", ["2026-04-01T00:00", "2026-03-05T12:00"])
def test_power_supply_example(monkeypatch, power_tickets, fmt, as_of):
    both(monkeypatch, ["--config", str(POWER / "policy.toml"), "--as-of", as_of, "--format", fmt, str(power_tickets)])


def test_power_supply_example_with_period_and_roster(monkeypatch, power_tickets):
    both(monkeypatch, ["--config", str(POWER / "policy.toml"), "--as-of", "2026-04-01T00:00", "--format", "jsonl",
                       "--period", "2026-H1", "--roster", str(POWER / "roster.csv"), str(power_tickets)])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_tickets(monkeypatch, tmp_path, seed):
    tickets = tmp_path / "generated.jsonl"
    tickets.write_text("\n".join(generated_tickets(1500, seed)) + "\n", encoding="utf-8")
    out = both(monkeypatch, ["--config", str(POWER / "policy.toml"), "--as-of", "2026-12-31T12:00",
                             "--format", "jsonl", str(tickets)])
    # The case is only a test of the columnar executor if most rows went that way.
    said = next(line for line in out.stderr.splitlines() if "rows evaluated per ticket" in line)
    per_ticket = sum(int(n.replace(",", "")) for n in _counts(said))
    assert per_ticket < 750, said  # of 1,500


def _counts(line: str) -> list[str]:
    return [part.rpartition(": ")[2] for part in line.split("per ticket: ", 1)[1].split(", ") if ": " in part]


CONFIG_VARIANTS = {
    "close_of_business": '[calendar]\nclose_of_business = "17:30:00"\n',
    # Fines are whole yuan; a multiplier of 1.1 makes amounts no binary fraction holds exactly.
    "non_integral_amounts": "[plugins.power_supply]\nattitude_poor_fine = [151, 333]\noutside_multiplier = 1.1\n"
                            "work_quality_fine = [1, 3]\n",
    "commitment_fine_set": "[plugins.power_supply]\nten_commitments_fine = [100, 300]\nother_responsible_fine = [50, 80]\n",
}


@pytest.mark.parametrize("variant", sorted(CONFIG_VARIANTS))
def test_config_variants(monkeypatch, tmp_path, variant):
    config = tmp_path / "policy.toml"
    config.write_text('[policy]\nplugins = ["power_supply"]\ntimezone = "Asia/Shanghai"\n' + CONFIG_VARIANTS[variant],
                      encoding="utf-8")
    tickets = tmp_path / "generated.jsonl"
    tickets.write_text("\n".join(generated_tickets(800, 11)) + "\n", encoding="utf-8")
    # Pay smaller than the fines: P1-28 carries balances over months, its amounts summed per person.
    roster = tmp_path / "roster.csv"
    roster.write_text("姓名,月度绩效\n" + "".join(f"{name},{pay}\n" for name, pay in
                                                 (("张三", 300), ("李四", 450.5), ("王五", 1000), ("赵六", 77))),
                      encoding="utf-8")
    both(monkeypatch, ["--config", str(config), "--as-of", "2026-05-06T00:00", "--period", "2026",
                       "--roster", str(roster), "--format", "jsonl", str(tickets)])


@pytest.mark.parametrize("industry", ["gas", "water", "airport"])
def test_industries_not_declared_go_per_ticket(monkeypatch, tmp_path, industry):
    tickets = example_as_jsonl(EXAMPLES / industry / "tickets.csv", tmp_path / "tickets.jsonl")
    out = both(monkeypatch, ["--config", str(EXAMPLES / industry / "policy.toml"), "--as-of", "2026-04-01T00:00",
                             "--format", "jsonl", str(tickets)], columnar=False)
    assert f"executor: per ticket: {industry}:" in out.stderr
