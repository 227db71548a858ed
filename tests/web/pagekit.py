"""Helpers for the page's tests: the example as a workbook, the form as a browser posts it."""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

from starlette.testclient import TestClient

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "power_supply"
CONFIG = EXAMPLES / "policy.toml"
AS_OF = "2026-04-01T00:00"


def csv_to_xlsx(source: Path, target: Path) -> Path:
    """The example as an assessor's export: the same cells, as text, in a workbook."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(target), {"strings_to_numbers": False})
    sheet = book.add_worksheet("工单")
    with source.open(encoding="utf-8-sig", newline="") as f:
        for r, row in enumerate(csv.reader(f)):
            for c, cell in enumerate(row):
                sheet.write_string(r, c, cell)
    book.close()
    return target


def csrf_of(client: TestClient) -> str:
    page = client.get("/")
    assert page.status_code == 200
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)


def upload(client: TestClient, files: list[tuple[str, bytes]], roster: tuple[str, bytes] | None = None,
           period: str = "", as_of: str = AS_OF, csrf: str | None = None):
    """POST the form as the browser does; the response is not followed."""
    data = {"csrf": csrf if csrf is not None else csrf_of(client), "as_of": as_of, "period": period}
    parts = [("files", (name, body, "application/octet-stream")) for name, body in files]
    if roster is not None:
        parts.append(("roster", (roster[0], roster[1], "text/csv")))
    return client.post("/jobs", data=data, files=parts, follow_redirects=False)


def run(client: TestClient, files, **kw) -> str:
    """Upload, wait for the job and its downloads, return the job's page path."""
    response = upload(client, files, **kw)
    assert response.status_code == 303, response.text
    return wait_for(client, response.headers["location"])


def wait_for(client: TestClient, path: str) -> str:
    """Wait until a posted job and its downloads are done (bounded, not timed)."""
    deadline = time.monotonic() + 120
    while (status := client.get(path + "/status").json())["state"] == "running" or status.get("pending"):
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.1)
    return path


def summary_of(html: str) -> dict[str, int]:
    return {k: int(re.search(rf'id="n-{k}">(\d+)<', html).group(1)) for k in ("records", "evaluated", "rejected")}
