"""The page in a real browser: Debian's Chromium driven by Playwright, against a real server.

Nothing is downloaded at run time: the browser is the system's (/usr/bin/chromium, from
`apt-get install chromium`), Playwright only drives it. The run saves screenshots of the
main views to docs/screenshots/ for the README.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no {CHROMIUM}: apt-get install -y chromium", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (never `playwright install`)")
uvicorn = pytest.importorskip("uvicorn", reason="the page needs the web extra: pip install -e '.[web]'")

from click.testing import CliRunner  # noqa: E402
from pagekit import AS_OF, CONFIG, EXAMPLES, csv_to_xlsx  # noqa: E402
from test_page import workbook_parts  # noqa: E402

from policy.cli.main import cli  # noqa: E402
from policy.web.app import create_app  # noqa: E402

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def server(monkeypatch):
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(str(CONFIG)), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(30)


def test_upload_filter_explain_download_in_chromium(server, tmp_path, monkeypatch):
    workbook = csv_to_xlsx(EXAMPLES / "tickets.csv", tmp_path / "三月工单.xlsx")
    folder = tmp_path / "cli"
    folder.mkdir()
    shutil.copy(workbook, folder / "upload-1.xlsx")
    monkeypatch.chdir(folder)
    for fmt in ("json", "xlsx"):
        done = CliRunner().invoke(cli, ["evaluate", "upload-1.xlsx", "--config", str(CONFIG), "--as-of", AS_OF,
                                        "--output", f"cli.{fmt}"])
        assert done.exit_code == 0, done.output
    document = json.loads((folder / "cli.json").read_bytes())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 760}, accept_downloads=True)
            page.goto(server + "/")
            assert page.locator("text=上传工单").count() == 1
            page.set_input_files("input[name=files]", str(workbook))
            page.fill("input[name=as_of]", AS_OF)
            page.click("button[type=submit] >> nth=0")
            page.wait_for_selector("#n-records", timeout=120_000)
            summary = {k: int(page.inner_text(f"#n-{k}")) for k in ("records", "evaluated", "rejected")}
            assert summary == document["summary"]
            page.screenshot(path=str(SCREENSHOTS / "results.png"))

            theirs = [r["id"] for r in document["results"] if any(x["party"] == "李四" for x in r["consequences"])]
            page.fill("input[name=person]", "李四")
            page.click(".filters button[type=submit]")
            page.wait_for_url("**person=**")
            assert page.locator("a.ticket").all_inner_texts() == theirs

            page.click(f"a.ticket >> text={theirs[0]}")
            page.wait_for_selector("#ticket-id")
            assert page.inner_text("#ticket-id") == theirs[0]
            assert page.locator("text=P1-24.3.1.1").count() >= 1
            page.screenshot(path=str(SCREENSHOTS / "ticket.png"))

            page.go_back()
            page.wait_for_selector("#download-xlsx", timeout=120_000)  # the page reloads itself once written
            with page.expect_download() as info:
                page.click("#download-xlsx")
            saved = tmp_path / "downloaded.xlsx"
            info.value.save_as(saved)
            assert info.value.suggested_filename == "policy-results.xlsx"
            assert workbook_parts(saved.read_bytes()) == workbook_parts((folder / "cli.xlsx").read_bytes())
        finally:
            browser.close()
