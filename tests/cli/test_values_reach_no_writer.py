"""Amounts beyond 64 bits, NaN and infinities never reach a writer: the record is a field
error, the other records are written in every format, exit 1 (issue 12 item 7)."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from policy.cli.main import cli

GOOD = '{"id": "J-OK", "received_at": "2026-03-02 09:00", "person": "值机员小陈", "compensation": 6000}\n'
BAD = {
    "J-BIG": '{"id": "J-BIG", "received_at": "2026-03-02 09:00", "compensation": 123456789012345678901234567890}\n',
    "J-NAN": '{"id": "J-NAN", "received_at": "2026-03-02 09:00", "compensation": "NaN"}\n',
    "J-INF": '{"id": "J-INF", "received_at": "2026-03-02 09:00", "compensation": "inf"}\n',
    "J-NEG": '{"id": "J-NEG", "received_at": "2026-03-02 09:00", "compensation": -9000}\n',
    "J-PHONE": '{"id": "J-PHONE", "received_at": 13800138000}\n',
}


def strict_json(text):
    """JSON as the standard has it: a NaN or Infinity literal fails."""
    def refuse(literal):
        raise AssertionError(f"{literal} written")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    assert CliRunner().invoke(cli, ["init", "--industry", "airport"]).exit_code == 0
    (tmp_path / "in.jsonl").write_text(GOOD + "".join(BAD.values()), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "xlsx"])
def test_bad_amounts_are_field_errors_and_the_rest_is_written(workdir, fmt):
    out = workdir / f"out.{fmt}"
    r = CliRunner().invoke(cli, ["evaluate", "--as-of", "2026-06-30T00:00", "--format", fmt, "-o", str(out), "in.jsonl"])
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    if fmt == "json":
        document = strict_json(out.read_text(encoding="utf-8"))
        assert [x["id"] for x in document["results"]] == ["J-OK"]
        assert document["results"][0]["grade"] == "class_1"
        errors = {e["id"]: e["field"] for e in document["errors"]}
        assert errors == {"J-BIG": "compensation", "J-NAN": "compensation", "J-INF": "compensation",
                          "J-NEG": "compensation", "J-PHONE": "received_at"}
        assert document["summary"]["records"] == 6
        assert (document["summary"]["evaluated"], document["summary"]["rejected"]) == (1, 5)
    elif fmt == "jsonl":
        lines = [strict_json(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert [x["id"] for x in lines if x["type"] == "result"] == ["J-OK"]
        assert {x["id"] for x in lines if x["type"] == "error"} == set(BAD)
    elif fmt == "csv":
        text = out.read_text(encoding="utf-8-sig")
        assert "J-OK" in text and all(ticket in text for ticket in BAD)
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) > 2
    else:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(out))
        cells = [c for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for c in row]
        assert "J-OK" in cells and all(ticket in cells for ticket in BAD)
