"""No endpoint answers 500, whatever it is sent: every route, odd path values, odd bodies, as an administrator."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from engine.people import demo
from engine.service import Yishi
from engine.settings import Settings
from tests.support.demo_case import DEMO

DEV = Settings(dev_clock=True)  # the dev clock route exists only when enabled

PATH_VALUES = ["1", "0", "-1", "99999999999999999999999", "abc", "金江路社区-2026-0001",
               "00000000-0000-0000-0000-000000000000", "%00", "a" * 300, "demo_petition"]
BODIES = [None, {}, [], "x", 17, {"data": None}, {"data": {"a": {"b": [1, 2, {"c": None}]}}},
          {"reason": "x" * 5000}, {"bpmn": {"x.bpmn": "<"}}, {"case_ids": ["a"]}, {"advance_days": -5},
          {"set_to": "not a date"}, {"user": "", "password": ""}, {"definition": "demo_petition", "unit": "x"}]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from engine.store.db import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    upgrade(url)
    service = Yishi(url)
    app = create_app(service, config=DEV,
                     processes_dir=str(DEMO.parent), seed_demo=True, tick_seconds=0)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        token = test_client.post("/auth/login", json={"user": "admin", "password": demo.PASSWORD}).json()
        test_client.headers["Authorization"] = f"Bearer {token['access_token']}"
        yield test_client
    service.db.dispose()


def test_no_route_answers_500(client, monkeypatch):
    tried = 0
    paths = client.get("/openapi.json").json()["paths"]
    assert len(paths) >= 20
    for template, operations in paths.items():
        if template.endswith("/auth/logout"):
            continue  # would revoke the token the rest of the run uses
        if template.endswith("/notifications/stream"):
            continue  # stays open for minutes (Server-Sent Events); tests/notify/test_api.py reads it over HTTP
        for method in (m.upper() for m in operations):
            for value in PATH_VALUES:
                path = re.sub(r"\{[^}]+\}", value, template)
                for body in BODIES if method in ("POST", "PUT", "PATCH") else [None]:
                    response = client.request(method, path, json=body)
                    tried += 1
                    assert response.status_code < 500, (method, path, body, response.text)
                    if response.status_code >= 400:
                        assert response.headers["content-type"] == "application/problem+json", (method, path)
                        assert response.json()["detail"]
    assert tried > 500
    assert client.get("/me").status_code == 200  # still authenticated: every request above ran as admin
