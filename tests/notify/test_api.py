"""The bell over the real app: a resident starts a five-step case and the grid steward's bell shows it, in their
language; marking read; preferences with field errors; the administrators' deliveries and group webhooks; and the
live stream (Server-Sent Events) read over real HTTP from uvicorn, as the web app reads it (fetch + bearer)."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
import uvicorn

from api.app import create_app
from engine.people import demo
from engine.service import Yishi
from tests.support import five_step as five
from tests.support.http_app import demo_client, login
from tests.support.http_scenario import HttpScenario
from tests.support.scenario import PROCESSES


@pytest.fixture
def client(db_url):
    with demo_client(db_url, PROCESSES) as client:
        yield client


def test_a_five_step_case_started_by_a_resident_lights_the_grid_stewards_bell(client):
    steward = login(client, "grid_steward")
    assert client.get("/api/notifications", headers=steward).json()["unread"] == 0
    s = HttpScenario.start(client, "five_step", unit=five.UNIT, data={"title": "3号院加装电梯"})
    page = client.get("/api/notifications", headers=steward).json()
    assert page["unread"] == 1
    [item] = page["items"]
    task = s.task("A_UT_Register")
    assert item["kind"] == "task_opened" and item["case"] == s.case["reference"]
    assert item["title"].startswith("新待办：") and item["path"] == f"/task/{task['task_id']}"
    assert any(line.startswith("办理角色：网格管家") for line in item["lines"])
    assert item["created_at"].endswith("+08:00") and item["read_at"] is None
    en = client.get("/api/notifications", headers={**steward, "Accept-Language": "en"}).json()["items"][0]
    assert en["title"].startswith("New task: ") and "Role: Grid steward" in en["lines"]
    assert client.get("/api/notifications", headers=login(client, "proposer")).json()["items"] == []

    # someone else's ids are left alone; mine are marked
    other = client.post("/api/notifications/read", headers=login(client, "party_org"), json={"ids": [item["id"]]})
    assert other.json() == {"unread": 0}
    assert client.get("/api/notifications?unread=true", headers=steward).json()["unread"] == 1
    marked = client.post("/api/notifications/read", headers=steward, json={"ids": None})
    assert marked.status_code == 200 and marked.json() == {"unread": 0}
    assert client.get("/api/notifications?unread=true", headers=steward).json()["items"] == []
    assert client.get("/api/notifications").status_code == 401


def test_preferences_round_trip_and_bad_values_name_their_field(client):
    me = login(client, "grid_steward")
    mine = client.get("/api/notifications/preferences", headers=me).json()
    assert mine["channels"] == ["email", "sms", "wecom", "dingtalk"]
    assert (mine["quiet"], mine["language"]) == ({"start": "22:00", "end": "07:00"}, "zh-CN")
    assert mine["available"] == [] and mine["reachable"] == []  # no channel configured on this server
    saved = client.put("/api/notifications/preferences", headers=me,
                       json={"channels": ["sms"], "quiet": None, "language": "en"})
    assert saved.status_code == 200, saved.text
    assert (saved.json()["channels"], saved.json()["quiet"], saved.json()["language"]) == (["sms"], None, "en")
    bad = client.put("/api/notifications/preferences", headers=me, json={"channels": ["fax"]})
    assert bad.status_code == 422 and "channels" in json.dumps(bad.json())
    bad = client.put("/api/notifications/preferences", headers=me, json={"channels": [], "quiet": {
        "start": "25:00", "end": "07:00"}})
    assert bad.status_code == 422 and "quiet/start" in json.dumps(bad.json())
    half = client.put("/api/notifications/preferences", headers=me, json={"channels": [], "quiet": {"start": "22:00"}})
    assert half.status_code == 422 and "quiet/end" in json.dumps(half.json())


def test_administrators_manage_group_webhooks_and_see_deliveries(client):
    admin, steward = login(client, "admin"), login(client, "grid_steward")
    body = {"unit": five.UNIT, "role": "grid_steward", "url": "http://127.0.0.1:9/robot/send?access_token=x",
            "format": "dingtalk", "secret": "SECsecret"}
    assert client.post("/api/admin/group-webhooks", headers=steward, json=body).status_code == 403
    created = client.post("/api/admin/group-webhooks", headers=admin, json=body)
    assert created.status_code == 201, created.text
    hook = created.json()
    assert hook["signed"] is True and "secret" not in hook and hook["active"] is True
    assert client.post("/api/admin/group-webhooks", headers=admin,
                       json={**body, "url": "ftp://x"}).status_code == 422
    assert client.post("/api/admin/group-webhooks", headers=admin,
                       json={**body, "unit": "无此社区"}).status_code == 404
    assert [h["id"] for h in client.get("/api/admin/group-webhooks", headers=admin).json()["items"]] == [hook["id"]]

    s = HttpScenario.start(client, "five_step", unit=five.UNIT, data={"title": "3号院加装电梯"})
    [row] = client.get("/api/admin/deliveries", headers=admin).json()["items"]
    assert (row["channel"], row["status"], row["address"], row["case"]) == ("webhook", "pending", str(hook["id"]),
                                                                            s.case["reference"])
    client.service.deliver()
    [row] = client.get("/api/admin/deliveries?status=pending", headers=admin).json()["items"]
    assert row["attempts"] == 1 and "ConnectError" in row["last_error"]
    assert client.get("/api/admin/deliveries", headers=steward).status_code == 403
    off = client.post(f"/api/admin/group-webhooks/{hook['id']}/switch-off", headers=admin)
    assert off.status_code == 200 and off.json()["active"] is False


@pytest.fixture
def server(db_url):
    service = Yishi(db_url)
    app = create_app(service, processes_dir=str(PROCESSES), seed_demo=True, tick_seconds=0)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    while not uv.started:  # not a timing assertion: waiting for the server to listen
        time.sleep(0.05)
    port = uv.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    service.db.dispose()


def read_events(lines, wanted: int) -> list[tuple[str, dict]]:
    events, name = [], None
    for line in lines:
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            events.append((name, json.loads(line.removeprefix("data: "))))
            if len(events) == wanted:
                return events
    return events


def test_the_stream_sends_the_state_then_each_new_notification_live(server):
    with httpx.Client(base_url=server, timeout=60) as http:
        def token(user):
            return http.post("/api/auth/login", json={"user": user, "password": demo.PASSWORD}).json()["access_token"]

        steward = {"Authorization": f"Bearer {token('grid_steward')}"}
        proposer = {"Authorization": f"Bearer {token('proposer')}"}
        assert http.get("/api/notifications/stream").status_code == 401
        with http.stream("GET", "/api/notifications/stream?seconds=30", headers=steward) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            lines = response.iter_lines()
            assert next(lines) == "event: state" and json.loads(next(lines).removeprefix("data: ")) == {
                "unread": 0, "latest_id": 0}
            started = http.post("/api/cases", headers=proposer, json={
                "definition": "five_step", "unit": five.UNIT, "data": {"title": "3号院加装电梯"}})
            assert started.status_code == 201, started.text
            (kind, item), (state_kind, state) = read_events(lines, 2)
    assert kind == "notification" and item["kind"] == "task_opened" and item["case"] == started.json()["reference"]
    assert state_kind == "state" and state == {"unread": 1, "latest_id": item["id"]}
