"""The page gives what `policy evaluate` gives, and keeps users, files and markup apart."""

from __future__ import annotations

import io
import json
import re
import zipfile
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy.cli.main import cli

from pagekit import AS_OF, CONFIG, EXAMPLES, csv_to_xlsx, run, summary_of, upload, wait_for


def cli_outputs(folder: Path, inputs: list[str], *extra: str) -> dict[str, bytes]:
    """`policy evaluate` run in a folder holding the inputs under the names the page stores them by."""
    out = {}
    for fmt in ("json", "csv", "xlsx"):
        result = CliRunner().invoke(cli, ["evaluate", *inputs, "--config", str(CONFIG), "--as-of", AS_OF,
                                          *extra, "--output", str(folder / f"cli.{fmt}")])
        assert result.exit_code in (0, 1), result.output
        out[fmt] = (folder / f"cli.{fmt}").read_bytes()
    return out


def workbook_parts(data: bytes) -> dict[str, bytes]:
    """A workbook's parts; docProps/core.xml holds the time xlsxwriter made it, which differs run to run
    even for the command line itself, so it is left out."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


@pytest.fixture
def example_xlsx(tmp_path) -> Path:
    return csv_to_xlsx(EXAMPLES / "tickets.csv", tmp_path / "三月工单.xlsx")


def test_summary_and_downloads_equal_the_command_line(client, example_xlsx, tmp_path, monkeypatch):
    roster = (EXAMPLES / "roster.csv").read_bytes()
    path = run(client, [(example_xlsx.name, example_xlsx.read_bytes())], roster=("名册.csv", roster), period="2026-03")
    page = client.get(path)
    assert page.status_code == 200

    folder = tmp_path / "cli"
    folder.mkdir()
    (folder / "upload-1.xlsx").write_bytes(example_xlsx.read_bytes())
    (folder / "roster.csv").write_bytes(roster)
    monkeypatch.chdir(folder)
    expected = cli_outputs(folder, ["upload-1.xlsx"], "--period", "2026-03", "--roster", "roster.csv")
    document = json.loads(expected["json"])

    assert summary_of(page.text) == document["summary"] == {"records": 12, "evaluated": 12, "rejected": 0}
    downloads = {fmt: client.get(f"{path}/download/{fmt}") for fmt in ("json", "csv", "xlsx")}
    assert downloads["json"].content == expected["json"]
    assert downloads["csv"].content == expected["csv"]
    assert workbook_parts(downloads["xlsx"].content) == workbook_parts(expected["xlsx"])
    assert downloads["xlsx"].headers["content-disposition"].endswith('filename="policy-results.xlsx"')
    # the period section (P1-28's pay deductions over the roster) is on the page too
    assert "P1-28" in page.text and len(document["period"]) > 0


def page_totals(html: str) -> list[list[str]]:
    """The page's 考核汇总 table: the header row, then each row's cells as text."""
    table = re.search(r'<table id="totals">(.*?)</table>', html, re.S).group(1)
    return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[hd]>(.*?)</t[hd]>", tr, re.S)]
            for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def workbook_totals(data: bytes, sheet: str) -> list[list[str]]:
    """A workbook's 考核汇总 sheet as text, without the columns no row fills (the page leaves them out)."""
    import openpyxl

    rows = [["" if v is None else str(v) for v in row]
            for row in openpyxl.load_workbook(io.BytesIO(data), read_only=True)[sheet].iter_rows(values_only=True)]
    filled = [i for i in range(len(rows[0])) if i < 2 or any(r[i] for r in rows[1:])]
    return [[r[i] for i in filled] for r in rows]


def test_the_totals_on_the_page_are_the_workbooks_totals_sheet(client, example_xlsx):
    roster = (EXAMPLES / "roster.csv").read_bytes()
    path = run(client, [(example_xlsx.name, example_xlsx.read_bytes())], roster=("名册.csv", roster), period="2026-03")
    workbook = client.get(f"{path}/download/xlsx").content
    expected = workbook_totals(workbook, "考核汇总")
    shown = page_totals(client.get(path).text)
    assert shown == expected
    # the example's figures are there: 赵六's fines in March, and the period's pay deductions (P1-28)
    header = expected[0]
    assert header[:2] == ["责任对象", "期间"] and "罚款 最低" in header and "绩效工资扣款 最低" in header
    zhao = next(r for r in shown[1:] if r[0] == "赵六" and r[1] == "2026年3月")
    assert zhao[header.index("罚款 最低")] and int(zhao[header.index("工单数")]) >= 1
    assert any("P1-28" in r[-1] for r in shown[1:])
    # in English, the workbook's English headers
    english = page_totals(client.get(path, params={"lang": "en"}).text)
    assert english[0][:2] == ["party", "period"] and "fine min" in english[0]
    assert [r[0] for r in english[1:]] == [r[0] for r in shown[1:]]


def test_a_party_in_the_totals_links_to_their_tickets(client, example_xlsx):
    path = run(client, [(example_xlsx.name, example_xlsx.read_bytes())])
    html = client.get(path).text
    table = re.search(r'<table id="totals">(.*?)</table>', html, re.S).group(1)
    link = re.search(r'<a href="([^"]+)">赵六</a>', table)
    assert link is not None
    theirs = client.get(unescape(link.group(1))).text
    ids = re.findall(r'class="ticket"[^>]*>([^<]+)<', theirs)
    assert ids and len(ids) < 12
    for seq in re.findall(r'href="(/jobs/[^/]+/tickets/\d+)', theirs):
        assert "赵六" in client.get(seq).text
    # a unit the regulation charges as a unit (P1-26's criticism of 城西供电所) links to the unit filter
    unit = re.search(r'<a href="([^"]+)">城西供电所</a>', table)
    assert unit is not None and "unit=" in unit.group(1) and "person=" not in unit.group(1)
    assert re.findall(r'class="ticket"[^>]*>([^<]+)<', client.get(unescape(unit.group(1))).text)


def test_filter_to_one_person_lists_only_their_tickets(client, example_xlsx, tmp_path, monkeypatch):
    path = run(client, [(example_xlsx.name, example_xlsx.read_bytes())])
    folder = tmp_path / "cli"
    folder.mkdir()
    (folder / "upload-1.xlsx").write_bytes(example_xlsx.read_bytes())
    monkeypatch.chdir(folder)
    document = json.loads(cli_outputs(folder, ["upload-1.xlsx"])["json"])
    theirs = [r["id"] for r in document["results"] if any(x["party"] == "李四" for x in r["consequences"])]
    assert theirs

    everyone = re.findall(r'class="ticket"[^>]*>([^<]+)<', client.get(path).text)
    assert len(everyone) == 12
    page = client.get(path, params={"person": "李四"}).text
    assert re.findall(r'class="ticket"[^>]*>([^<]+)<', page) == theirs
    assert f"共 {len(theirs)} 条" in page
    # a status and a rule filter narrow the same way: breached P1-14 (dispatch later than one hour)
    late = [r["id"] for r in document["results"]
            if any(d["rule"] == "P1-14" and d["status"] == "breached" for d in r["deadlines"])]
    breached = [r["id"] for r in document["results"] if any(d["status"] == "breached" for d in r["deadlines"])]
    assert re.findall(r'class="ticket"[^>]*>([^<]+)<', client.get(path, params={"status": "breached"}).text) == breached
    p114 = [r["id"] for r in document["results"] if any(d["rule"] == "P1-14" for d in r["deadlines"])
            or any(x["rule"] == "P1-14" for x in r["consequences"])]
    found = re.findall(r'class="ticket"[^>]*>([^<]+)<', client.get(path, params={"status": "breached", "rule": "P1-14"}).text)
    assert found == late and set(late) < set(breached) & set(p114)


def test_a_bad_file_lists_each_rejected_row_with_what_to_fix(client):
    path = run(client, [("坏数据.csv", (EXAMPLES / "bad_tickets.csv").read_bytes())])
    page = client.get(path).text
    assert summary_of(page) == {"records": 5, "evaluated": 1, "rejected": 4}
    errors = page.split('id="errors"')[1].split("</section>")[0]
    rows = re.findall(r"<tr><td>([^<]*)</td><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", errors)
    assert [(f, int(r), i, fld) for f, r, i, fld, _ in rows] == [
        ("坏数据.csv", 3, "PS-102", "received_at"), ("坏数据.csv", 4, "PS-103", "category"),
        ("坏数据.csv", 5, "PS-104", "category"), ("坏数据.csv", 6, "PS-105", "verified"),
    ]
    assert "expected e.g. 2026-03-02 10:00" in rows[0][4]


def test_a_bad_workbook_names_the_file_as_the_user_named_it(client, tmp_path):
    workbook = csv_to_xlsx(EXAMPLES / "bad_tickets.csv", tmp_path / "坏数据.xlsx")
    path = run(client, [(workbook.name, workbook.read_bytes())])
    page = client.get(path).text
    errors = page.split('id="errors"')[1].split("</section>")[0]
    assert errors.count("<td>坏数据.xlsx") == 4 and "upload-1" not in errors


def test_an_unreadable_upload_fails_the_job_with_its_reason(client):
    path = run(client, [("broken.xlsx", b"not a workbook")])
    status = client.get(path + "/status").json()
    assert status["state"] == "failed"
    assert "broken.xlsx" in status["message"] and "upload-1" not in status["message"]
    assert "broken.xlsx" in client.get(path).text


def test_a_ticket_opens_its_whole_result_citing_each_rule(client, example_xlsx):
    path = run(client, [(example_xlsx.name, example_xlsx.read_bytes())])
    link = re.search(r'class="ticket" href="([^"]+)">PS-002<', client.get(path, params={"person": "李四"}).text).group(1)
    page = client.get(link.replace("&amp;", "&")).text
    assert '<span id="ticket-id">PS-002</span>' in page
    assert "P1-24.3.1.1" in page and "第二十四条(三)1(1)" in page and "P1-25" in page  # the fine, doubled by P1-25
    # the same trace as policy explain: P1-14 超期 (dispatched at 18:30 for an 18:00 due), the
    # weekend skipped by P1-15a's working day, the fine doubled step by step
    assert "P1-14 第十四条" in page and "超期" in page and "跳过: 周末 03-07…03-08" in page
    assert "P1-24.3.1.1 100–200 × 2 = 200–400" in page
    assert f'<a href="{path}?person=' in page  # back to the filtered list it came from


def test_the_back_link_stays_on_the_job(client, example_xlsx):
    path = run(client, [(example_xlsx.name, example_xlsx.read_bytes())])
    for back in ("javascript:alert(1)", "https://example.com/", "//example.com/jobs"):
        page = client.get(path + "/tickets/1", params={"back": back}).text
        assert f'<a href="{path}">' in page and back not in page


def test_a_post_without_the_csrf_token_is_refused(client, app, example_xlsx):
    response = upload(client, [(example_xlsx.name, example_xlsx.read_bytes())], csrf="0" * 64)
    assert response.status_code == 403
    assert app.state.jobs.jobs == {}
    assert list(app.state.jobs.root.iterdir()) == []


def test_another_browser_cannot_see_a_job(client, app, example_xlsx):
    path = run(client, [(example_xlsx.name, example_xlsx.read_bytes())])
    from starlette.testclient import TestClient

    other = TestClient(app)
    assert other.get(path).status_code == 404
    assert other.get(path + "/download/json").status_code == 404


def test_the_token_guards_every_request(monkeypatch):
    from starlette.testclient import TestClient

    from policy.web.app import create_app

    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    app = create_app(str(CONFIG), token="s3cret")
    with TestClient(app) as c:
        assert c.get("/").status_code == 401
        assert c.get("/static/app.js").status_code == 401
        assert c.post("/jobs").status_code == 401
        assert c.get("/", params={"token": "wrong"}).status_code == 401
        assert c.get("/", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert c.get("/", params={"token": "s3cret"}).status_code == 200
        assert c.get("/").status_code == 200  # the cookie set by the first visit carries it


def test_client_file_names_never_reach_the_disk(client, app, tmp_path):
    body = (EXAMPLES / "tickets.csv").read_bytes()
    evil = "../../../../tmp/<b>evil</b>.csv"
    path = run(client, [(evil, body), ("..\\..\\x.csv", body)])
    job = app.state.jobs.jobs[path.rsplit("/", 1)[1]]
    assert sorted(p.name for p in job.folder.iterdir() if p.name.startswith("upload")) == ["upload-1.csv", "upload-2.csv"]
    assert not Path("/tmp/<b>evil</b>.csv").exists()
    page = client.get(path).text
    assert "&lt;b&gt;evil&lt;/b&gt;" in page and "<b>evil</b>" not in page
    # the second file repeats the first one's ids: each repeat is rejected, none dropped
    assert summary_of(page) == {"records": 24, "evaluated": 12, "rejected": 12}


def test_ticket_values_are_escaped(client, tmp_path):
    text = (EXAMPLES / "tickets.csv").read_text(encoding="utf-8").replace("PS-001", "<script>alert(1)</script>")
    path = run(client, [("t.csv", text.encode())])
    page = client.get(path).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_an_upload_over_the_limit_is_refused_before_it_is_stored(monkeypatch):
    from starlette.testclient import TestClient

    from policy.web.app import create_app

    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    app = create_app(str(CONFIG), max_upload_mb=1)
    with TestClient(app) as c:
        big = b"x" * (2**20 + 1)
        response = upload(c, [("big.csv", big)])
        assert response.status_code == 413
        assert "1 MB" in response.text
        assert list(app.state.jobs.root.iterdir()) == []
        just_under = (EXAMPLES / "tickets.csv").read_bytes()
        assert upload(c, [("t.csv", just_under)]).status_code == 303


def test_a_wrong_file_type_is_refused_by_name(client, app):
    response = upload(client, [("notes.txt", b"hello")])
    assert response.status_code == 400
    assert "notes.txt" in response.text and ".xlsx" in response.text
    assert app.state.jobs.jobs == {}


def test_jobs_are_deleted_after_the_timeout_and_at_shutdown(app, example_xlsx):
    import time

    from starlette.testclient import TestClient

    with TestClient(app) as c:
        path = run(c, [(example_xlsx.name, example_xlsx.read_bytes())])
        jobs = app.state.jobs
        job = jobs.jobs[path.rsplit("/", 1)[1]]
        assert oct(jobs.root.stat().st_mode & 0o777) == "0o700"
        assert jobs.expire(now=job.expires - 1) == 0 and job.folder.exists()
        c.get(path + "/download/csv")
        assert job.expires <= time.time() + 10 * 60  # a download shortens the hour to ten minutes
        assert jobs.expire(now=job.expires) == 1
        assert not job.folder.exists()
        assert c.get(path).status_code == 404
        run(c, [(example_xlsx.name, example_xlsx.read_bytes())])
        root = jobs.root
    assert not root.exists()


def test_the_page_speaks_chinese_first_and_english_on_the_switch(client):
    assert "上传工单" in client.get("/").text
    assert "Upload tickets" in client.get("/", params={"lang": "en"}).text
    assert "Upload tickets" in client.get("/").text  # the choice is remembered


def test_the_config_overrides_are_listed_with_their_rule(tmp_path, monkeypatch):
    from starlette.testclient import TestClient

    from policy.web.app import create_app

    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    config = tmp_path / "policy.toml"
    config.write_text(CONFIG.read_text(encoding="utf-8").replace("dispatch_hours = 1", "dispatch_hours = 2"), encoding="utf-8")
    with TestClient(create_app(str(config))) as c:
        page = c.get("/").text
    assert re.search(r"<td>dispatch_hours</td><td>2</td><td>1</td><td>P1-14</td><td>第十四条</td><td>hours from acceptance", page)
    with TestClient(create_app(str(CONFIG))) as c:
        assert "全部参数为办法原值" in c.get("/").text


def test_jobs_beyond_the_running_limit_wait_their_turn(monkeypatch, example_xlsx):
    from starlette.testclient import TestClient

    from policy.web.app import create_app
    from policy.web.jobs import Job

    class Busy:  # a job of another user, still evaluating
        alive = True

        def is_alive(self):
            return self.alive

    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    app = create_app(str(CONFIG), max_running=1)
    with TestClient(app) as c:
        jobs = app.state.jobs
        other_id, other_folder = jobs.new_folder()
        other = Job(id=other_id, session="someone else", folder=other_folder, uploads=[], roster=None,
                    as_of=None, period=None, process=Busy())
        jobs.jobs[other_id] = other
        response = upload(c, [(example_xlsx.name, example_xlsx.read_bytes())])
        path = response.headers["location"]
        status = c.get(path + "/status").json()
        assert status["state"] == "running" and status["queued"] == 1
        assert "排队中" in c.get(path).text
        assert jobs.jobs[path.rsplit("/", 1)[1]].process is None  # not started while the other runs
        other.process.alive = False
        page_path = wait_for(c, path)
        assert summary_of(c.get(page_path).text) == {"records": 12, "evaluated": 12, "rejected": 0}



def test_pages_of_fifty_in_input_order_filtered_or_not(client):
    lines = (EXAMPLES / "tickets.csv").read_text(encoding="utf-8").splitlines()
    rows = [line.replace("PS-0", f"R{copy:02d}-", 1) for copy in range(10) for line in lines[1:]]
    path = run(client, [("many.csv", ("\n".join([lines[0], *rows]) + "\n").encode())])
    ids = [row.split(",", 1)[0] for row in rows]
    assert len(ids) == 120

    def listed(**params):
        page = client.get(path, params=params).text
        return re.findall(r'class="ticket"[^>]*>([^<]+)<', page), page

    first, page = listed()
    assert first == ids[:50] and "第 1 / 3 页，共 120 条" in page
    assert listed(page=2)[0] == ids[50:100]
    third, page = listed(page=3)
    assert third == ids[100:] and "第 3 / 3 页" in page and "下一页" not in page
    assert listed(page=4)[0] == []
    theirs = [row.split(",", 1)[0] for row in rows if ",李四," in row]
    assert len(theirs) == 10
    assert listed(person="李四")[0] == theirs
    late = listed(person="李四", status="breached", rule="P1-14")[0]
    assert late == theirs  # 李四's PS-002 was dispatched late each time (P1-14)
    assert listed(person="李四", status="met", rule="P1-14")[0] == []  # P1-14 was not met, though P1-15b was
    assert listed(person="李四", status="met", rule="P1-15b")[0] == theirs


class Child:
    """A job's process as the server sees it: alive or not, with an exit code."""

    def __init__(self, alive: bool, exitcode: int | None = None):
        self.alive, self.exitcode = alive, exitcode

    def is_alive(self):
        return self.alive


def test_a_download_is_served_only_once_whole(client, app, example_xlsx):
    from policy.web import engine

    path = run(client, [(example_xlsx.name, example_xlsx.read_bytes())])
    job = app.state.jobs.jobs[path.rsplit("/", 1)[1]]
    done = engine.read_status(job.folder)
    engine._write_status(job.folder, {**done, "pending": ["xlsx", "csv"]})
    job.process = Child(alive=True)  # the second pass still writing
    response = client.get(path + "/download/xlsx")
    assert response.status_code == 409 and "still being written" in response.text
    assert client.get(path + "/download/json").status_code == 200
    page = client.get(path).text
    assert 'id="download-xlsx"' not in page and "xlsx (正在生成，稍候)" in page
    job.process = Child(alive=False, exitcode=-9)  # killed in the second pass: the results stand
    assert client.get(path + "/status").json() == {**done, "pending": [], "unwritten": ["xlsx", "csv"]}
    assert client.get(path + "/download/csv").status_code == 409
    assert summary_of(client.get(path).text) == {"records": 12, "evaluated": 12, "rejected": 0}


def test_a_job_whose_process_died_says_so(client, app, example_xlsx):
    path = run(client, [(example_xlsx.name, example_xlsx.read_bytes())])
    job = app.state.jobs.jobs[path.rsplit("/", 1)[1]]
    (job.folder / "status.json").unlink()  # as if it died before its first word
    job.process = Child(alive=False, exitcode=-9)
    status = client.get(path + "/status").json()
    assert status == {"state": "failed", "message": "the evaluation stopped (exit code -9)"}


def test_an_upload_that_does_not_say_its_length_is_refused(client, app):
    csrf = client.get("/").text.split('name="csrf" value="')[1].split('"')[0]

    def body():
        yield b"--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf.encode() + b"\r\n--x--\r\n"

    response = client.post("/jobs", content=body(), headers={"content-type": "multipart/form-data; boundary=x"})
    assert response.status_code == 411
    assert app.state.jobs.jobs == {}


def test_a_file_with_no_tickets_gives_an_empty_page_not_an_error(client):
    header = (EXAMPLES / "tickets.csv").read_text(encoding="utf-8").splitlines()[0] + "\n"
    path = run(client, [("empty.csv", header.encode())])
    page = client.get(path)
    assert page.status_code == 200
    assert summary_of(page.text) == {"records": 0, "evaluated": 0, "rejected": 0}
    assert "第 1 / 1 页，共 0 条" in page.text


def test_the_delete_button_removes_the_job_and_its_uploads(client, app, example_xlsx):
    path = run(client, [(example_xlsx.name, example_xlsx.read_bytes())])
    job = app.state.jobs.jobs[path.rsplit("/", 1)[1]]
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get(path).text).group(1)
    assert client.post(path + "/delete", data={"csrf": "forged"}).status_code == 403
    assert job.folder.exists()
    response = client.post(path + "/delete", data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert not job.folder.exists() and client.get(path).status_code == 404


def test_the_job_page_shows_the_run_section_in_chinese_and_english(tmp_path, monkeypatch, example_xlsx):
    import hashlib

    from starlette.testclient import TestClient

    from policy.web.app import create_app

    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    config = tmp_path / "policy.toml"
    config.write_text(CONFIG.read_text(encoding="utf-8").replace("dispatch_hours = 1", "dispatch_hours = 2"), encoding="utf-8")
    body = example_xlsx.read_bytes()
    with TestClient(create_app(str(config))) as client:
        path = run(client, [(example_xlsx.name, body)], period="2026-03")
        document = json.loads(client.get(f"{path}/download/json").content)
        html = client.get(path).text
        english = client.get(path, params={"lang": "en"}).text
    run_doc = document["run"]
    section = re.search(r'<section id="run">(.*?)</section>', html, re.S).group(1)
    assert "<h2>运行信息" in section and "评估时间" in section and "输入文件" in section
    # the config's SHA-256, the evaluation time and the period, as the result document has them
    config_sha = hashlib.sha256(config.read_bytes()).hexdigest()
    assert run_doc["config"]["sha256"] == config_sha
    assert re.search(rf'id="run-config-sha256"><code>{config_sha}</code>', section)
    assert f'id="run-as-of">{run_doc["as_of"]}<' in section and run_doc["as_of"].startswith("2026-04-01T00:00")
    assert 'id="run-period">2026-03<' in section
    assert f'id="run-policy">{run_doc["policy"] or "?"}<' in section
    assert f"power_supply {run_doc['plugins']['power_supply']}" in section and run_doc["plugins"]["power_supply"]
    # the upload: as the user named it, as stored, its size and SHA-256
    assert re.search(rf"<td>三月工单.xlsx</td><td>upload-1.xlsx</td><td>{len(body)}</td>"
                     rf"<td><code>{hashlib.sha256(body).hexdigest()}</code></td>", section)
    # the overridden figure beside the regulation's, with its rule id and article
    assert re.search(r"<td>power_supply.dispatch_hours</td><td>2</td><td>1</td><td>P1-14</td><td>第十四条</td>", section)
    assert "<h2>Run" in english and "Input files" in english and "运行信息" not in english


def test_the_run_section_says_when_no_figure_is_overridden(client, example_xlsx):
    path = run(client, [(example_xlsx.name, example_xlsx.read_bytes())])
    section = re.search(r'<section id="run">(.*?)</section>', client.get(path).text, re.S).group(1)
    assert "全部参数为办法原值" in section and 'id="run-period">未指定<' in section


def test_a_status_shows_its_core_label_in_chinese_and_its_code_in_english(client, example_xlsx):
    from policy.core.labels import STATUS

    path = run(client, [(example_xlsx.name, example_xlsx.read_bytes())])
    html = client.get(path).text
    # each deadline's status is the core's label (超期, not a word of the page's own)
    spans = re.findall(r'<span class="status (\w+)"[^>]*>([^<]+)</span>', html)
    assert {"breached", "met"} <= {code for code, _ in spans}
    assert all(shown == STATUS[code] for code, shown in spans)
    assert ("breached", "超期") in spans
    # the filter's choices too: the value is the code, the text the label
    assert re.search(r'<option value="breached"[^>]*>超期</option>', html)
    english = client.get(path, params={"lang": "en"}).text
    assert ("breached", "breached") in re.findall(r'<span class="status (\w+)"[^>]*>([^<]+)</span>', english)


def test_a_ticket_without_its_trace_labels_role_kind_and_status_as_the_workbook_does(client, app, example_xlsx):
    from policy.core.labels import KIND, ROLE, STATUS
    from policy.web.engine import JOB

    path = run(client, [(example_xlsx.name, example_xlsx.read_bytes())])
    link = re.search(r'class="ticket" href="([^"]+)">PS-002<', client.get(path, params={"person": "李四"}).text).group(1)
    job = next(iter(app.state.jobs.jobs.values()))
    (job.folder / JOB).unlink()  # what the trace is rebuilt from: the page falls back to the result's tables
    page = client.get(unescape(link)).text
    assert '<pre class="trace">' not in page and "下面是该工单的完整结果" in page
    # PS-002: 李四, the responsible person, fined under P1-24.3.1.1; P1-14's deadline breached
    assert re.search(rf"<td>李四</td><td>{ROLE['responsible_person']}</td><td>{KIND['fine']}</td>", page)
    assert re.search(rf"<td>{STATUS['breached']}</td><td>P1-14</td>", page)
    english = client.get(unescape(link), params={"lang": "en"}).text
    assert "<td>李四</td><td>responsible_person</td><td>fine</td>" in english


def test_a_consequence_shows_its_amount_as_the_workbook_labels_it(client, example_xlsx):
    path = run(client, [(example_xlsx.name, example_xlsx.read_bytes())])
    # 冯一: a fine with no upper bound and a sanction from 记大过 to 开除 (P1-24.4.1)
    html = client.get(path, params={"person": "冯一"}).text
    cells = re.findall(r"<div>冯一 · ([^<]*)<small>", html)
    assert "处分 记大过至开除 " in cells and any(c.startswith("罚款 ") and c.endswith("元以上 ") for c in cells)
    assert "major_demerit" not in html
    english = client.get(path, params={"person": "冯一", "lang": "en"}).text
    assert "sanction major_demerit to dismissal " in re.findall(r"<div>冯一 · ([^<]*)<small>", english)


def test_a_plugin_whose_period_rules_raise_is_listed_with_the_errors(tmp_path, monkeypatch):
    """As on the command line: the tickets' results stand, the fault is listed naming the plugin."""
    from starlette.testclient import TestClient

    from policy.web.app import create_app

    (tmp_path / "broken.py").write_text(
        "from policy.core.hookspecs import hookimpl\n\n"
        "@hookimpl\n"
        "def policy_period_consequences(ledger):\n"
        "    raise RuntimeError('our half-year rule is broken')\n", encoding="utf-8")
    config = tmp_path / "policy.toml"
    config.write_text(CONFIG.read_text(encoding="utf-8").replace("local_plugins = []", 'local_plugins = ["broken.py"]'),
                      encoding="utf-8")
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    with TestClient(create_app(str(config))) as client:
        path = run(client, [("tickets.csv", (EXAMPLES / "tickets.csv").read_bytes())])
        page = client.get(path).text
    errors = page.split('id="errors"')[1].split("</section>")[0]
    assert "our half-year rule is broken" in errors and "policy_period_consequences" in errors
