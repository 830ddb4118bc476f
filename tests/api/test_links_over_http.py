"""Linked cases over HTTP: a committee member merges a duplicate and splits a case; the merged proposer finds the
case in "my cases"; the case page data carries the links."""

from __future__ import annotations

import pytest

from tests.support.http_app import demo_client, login
from tests.support.scenario import PROCESSES

UNIT = "金江路社区"


@pytest.fixture
def client(db_url):
    with demo_client(db_url, PROCESSES) as client:
        yield client


def start(client, user: str, title: str) -> dict:
    response = client.post("/api/cases", json={"definition": "five_step", "unit": UNIT, "data": {"title": title}},
                           headers=login(client, user))
    assert response.status_code == 201, response.text
    return response.json()


def test_merge_and_split_through_the_api(client):
    kept = start(client, "admin", "3号院加装电梯")
    duplicate = start(client, "proposer", "3号院装电梯")
    body = {"into": kept["reference"], "reason": "重复提议"}
    assert client.post(f"/api/cases/{duplicate['id']}/merge", json=body,
                       headers=login(client, "proposer")).status_code == 403
    merged = client.post(f"/api/cases/{duplicate['id']}/merge", json=body, headers=login(client, "two_committees"))
    assert merged.status_code == 200, merged.text
    link = merged.json()["links"][0]
    assert (link["kind"], link["reference"], link["started_by"], link["status"]) == \
        ("merged_from", duplicate["reference"], "proposer", "cancelled")
    assert link["created_at"].endswith("+08:00")
    mine = client.get("/api/cases?mine=started", headers=login(client, "proposer")).json()
    assert {c["reference"] for c in mine["items"]} == {kept["reference"], duplicate["reference"]}
    assert mine["total"] == 2
    again = client.post(f"/api/cases/{duplicate['id']}/merge", json=body, headers=login(client, "two_committees"))
    assert again.status_code == 409

    split = client.post(f"/api/cases/{kept['id']}/split", json={"titles": ["加装电梯", "屋顶防水"], "reason": "两件事"},
                        headers=login(client, "deliberation_committee"))
    assert split.status_code == 200, split.text
    parts = [link for link in split.json()["links"] if link["kind"] == "split_into"]
    assert [p["title"] for p in parts] == ["加装电梯", "屋顶防水"] and all(p["started_by"] == "admin" for p in parts)
    page = client.get(f"/api/cases/{parts[0]['reference']}", headers=login(client, "proposer")).json()
    assert [(link["kind"], link["reference"]) for link in page["links"]] == [("split_from", kept["reference"])]
    short = client.post(f"/api/cases/{kept['id']}/split", json={"titles": ["一件"], "reason": "x"},
                        headers=login(client, "deliberation_committee"))
    assert short.status_code == 422 and short.json()["errors"][0]["path"] == "titles"
