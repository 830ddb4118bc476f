"""The holiday calendar over HTTP: anyone signed in sees which years are known; an administrator loads a year's
arrangement (422 naming each wrong field, 403 for others) and gets the recomputed deadlines back."""

from __future__ import annotations

import pytest

from tests.support.http_app import demo_client, login
from tests.support.scenario import PROCESSES

BODY = {"year": 2027, "source": "测试用安排（非真实通知） test arrangement, not a real notice",
        "holidays": ["2027-01-01", "2027-01-04"], "workdays": ["2027-01-10"]}


@pytest.fixture
def client(db_url):
    with demo_client(db_url, PROCESSES) as client:
        yield client


def test_an_administrator_loads_a_year_and_everyone_sees_it(client):
    before = client.get("/api/holidays", headers=login(client, "proposer")).json()
    assert 2026 in before["covered_years"] and 2027 not in before["covered_years"] and before["versions"] == []
    assert client.post("/api/admin/holidays", json=BODY, headers=login(client, "proposer")).status_code == 403
    wrong = client.post("/api/admin/holidays", json={**BODY, "holidays": ["2028-01-01"], "workdays": ["2027-01-05"]},
                        headers={**login(client, "admin"), "Accept-Language": "en"})
    assert wrong.status_code == 422
    assert {e["path"] for e in wrong.json()["errors"]} == {"holidays/0", "workdays/0"}
    assert "2028-01-01 is not in 2027" in wrong.text
    loaded = client.post("/api/admin/holidays", json=BODY, headers=login(client, "admin"))
    assert loaded.status_code == 201, loaded.text
    body = loaded.json()
    assert (body["year"], body["holidays"], body["workdays"], body["changes"]) == (2027, 2, 1, [])
    assert body["loaded_at"].endswith("+08:00") and body["loaded_by"] == "admin"
    after = client.get("/api/holidays", headers=login(client, "proposer")).json()
    assert 2027 in after["covered_years"] and after["versions"][0]["holidays"] == ["2027-01-01", "2027-01-04"]
    assert after["versions"][0]["in_force"] is True
