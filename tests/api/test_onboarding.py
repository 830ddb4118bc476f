"""Issue 11's walk-through over HTTP, end to end: the demo administrator creates a community under the street,
imports ten residents and a grid steward from a sheet, gives the steward an e-mail address; a resident signs in
with the one-time code, sets a password and starts a five-step case; the worker delivers the steward's e-mail to a
real SMTP server on loopback and the steward's bell lights; the street office sees the case, another street's
does not."""

from __future__ import annotations

import base64

import pytest

from engine.people import demo
from engine.settings import settings
from tests.support.http_app import demo_client, login
from tests.support.receivers import smtp_server
from tests.support.scenario import PROCESSES

COMMUNITY = "白塔社区"
RESIDENTS = [(f"居民{n}", f"1390000{n:04d}") for n in range(1, 11)]
STEWARD = ("张网格", "13800000099")


@pytest.fixture
def client(db_url, monkeypatch):
    with demo_client(db_url, PROCESSES) as client:
        yield client
    monkeypatch.undo()
    settings.cache_clear()


def sheet(rows: list[str]) -> str:
    return base64.b64encode(("\n".join(["姓名,手机号,单位,角色", *rows]) + "\n").encode("utf-8")).decode()


def signed_in(client, user: str, code: str, password: str) -> dict:
    """First sign-in with a one-time code: the forced new password, then the bearer headers."""
    first = client.post("/api/auth/login", json={"user": user, "password": code})
    assert first.status_code == 200 and first.json()["must_change_password"] is True, first.text
    changed = client.post("/api/me/password", headers={"Authorization": f"Bearer {first.json()['access_token']}"},
                          json={"new_password": password})
    assert changed.status_code == 200, changed.text
    return {"Authorization": f"Bearer {changed.json()['access_token']}"}


def test_a_new_community_onboarded_from_a_sheet_hears_of_its_first_case(client, monkeypatch):
    admin = login(client, "admin")
    made = client.post("/api/admin/units", headers=admin, json={
        "code": COMMUNITY, "kind": "community", "name": "盘龙区白塔社区", "parent": demo.STREET, "reason": "新建社区"})
    assert made.status_code == 201, made.text

    rows = [f"{name},{phone},{COMMUNITY},全体居民、提议主体" for name, phone in RESIDENTS]
    rows.append(f"{STEWARD[0]},{STEWARD[1]},{COMMUNITY},网格管家")
    dry = client.post("/api/admin/people/import", headers=admin, json={"content_base64": sheet(rows)}).json()
    assert dry["applied"] is False and dry["counts"] == {"create": 11, "update": 0, "unchanged": 0, "error": 0}
    assert client.get("/api/admin/users", params={"q": "居民"}, headers=admin).json()["total"] == 0  # nothing yet
    applied = client.post("/api/admin/people/import", headers=admin,
                          json={"content_base64": sheet(rows), "apply": True, "reason": "白塔社区名册"}).json()
    assert applied["applied"] is True and applied["counts"]["create"] == 11
    codes = {row["phone"]: row["one_time_code"] for row in applied["rows"]}
    assert client.get("/api/admin/users", params={"q": "居民"}, headers=admin).json()["total"] == 10

    steward_id = next(u["id"] for u in client.get("/api/admin/users", params={"q": STEWARD[0]},
                                                   headers=admin).json()["items"])
    edited = client.patch(f"/api/admin/users/{steward_id}", headers=admin, json={"email": "zhang@example.org"})
    assert edited.status_code == 200, edited.text
    steward = signed_in(client, steward_id, codes[STEWARD[1]], "白塔-网格-2026")
    assert client.get("/api/notifications", headers=steward).json()["unread"] == 0

    with smtp_server() as mailbox:
        for name, value in {"SMTP_HOST": mailbox.host, "SMTP_PORT": mailbox.port}.items():
            monkeypatch.setenv(f"YISHI_{name}", str(value))
        settings.cache_clear()
        resident_id = next(u["id"] for u in client.get("/api/admin/users", params={"q": RESIDENTS[0][0]},
                                                        headers=admin).json()["items"] if u["display_name"] ==
                           RESIDENTS[0][0])
        resident = signed_in(client, resident_id, codes[RESIDENTS[0][1]], "白塔-居民-2026")
        started = client.post("/api/cases", headers=resident, json={
            "definition": "five_step", "unit": COMMUNITY, "data": {"title": "白塔3号楼加装电梯"}})
        assert started.status_code == 201, started.text
        case = started.json()
        assert client.service.deliver().sent >= 1
        mails = [m for m in mailbox.messages if m.envelope_to == ["zhang@example.org"]]
    assert len(mails) == 1 and mails[0]["Subject"].startswith("新待办")
    assert case["reference"] in mails[0].get_content()

    bell = client.get("/api/notifications", headers=steward).json()
    assert bell["unread"] == 1 and bell["items"][0]["case"] == case["reference"]
    inbox = client.get("/api/tasks", headers=steward).json()["items"]
    assert [t["case_id"] for t in inbox] == [case["id"]]

    street = login(client, "street_office")
    assert case["id"] in {c["id"] for c in client.get("/api/cases", headers=street).json()["items"]}
    other = client.post("/api/admin/units", headers=admin, json={
        "code": "环城街道", "kind": "street", "name": "盘龙区环城街道", "reason": "另一街道"})
    assert other.status_code == 201, other.text
    outsider = client.post("/api/admin/users", headers=admin, json={
        "id": "huancheng", "display_name": "环城街道办", "phone": "13700000001",
        "memberships": [{"unit": "环城街道", "role": "street_office"}], "reason": "另一街道"}).json()
    elsewhere = signed_in(client, "huancheng", outsider["one_time_code"], "环城-街道-2026")
    assert case["id"] not in {c["id"] for c in client.get("/api/cases", headers=elsewhere).json()["items"]}
    assert client.get(f"/api/cases/{case['id']}", headers=elsewhere).status_code in (403, 404)
