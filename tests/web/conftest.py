"""The assessors' page under Starlette's TestClient (helpers in pagekit.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("starlette", reason="the page needs the web extra: pip install -e '.[web]'")
pytest.importorskip("starlette.testclient", reason="Starlette's TestClient needs httpx2 (or httpx)")

from pagekit import CONFIG  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from policy.web.app import create_app  # noqa: E402


@pytest.fixture
def app(monkeypatch):
    monkeypatch.delenv("POLICY_CONFIG", raising=False)
    return create_app(str(CONFIG))


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


