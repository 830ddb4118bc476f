"""The task actions over HTTP (issue 13): each endpoint as the people who use it, its refusals as problem
documents in the reader's language, and the concurrency pairs over a real server (urge × complete, transfer ×
complete, withdraw × the next step's completion): exactly one 200 of each pair."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from engine.people import accounts, demo
from tests.api.test_concurrency import server  # noqa: F401 (fixture)
from tests.support.demo_case import UNIT
from tests.support.http_app import demo_client, login

ACTIONS = Path(__file__).resolve().parent.parent / "fixtures" / "actions"
PROPOSAL = {"description": "在3号院增设电动自行车集中充电桩，解决飞线充电隐患。", "households": 86}
DELIBERATE = {"data": {"decision": "deliberate"}}


@pytest.fixture
def api(db_url):
    with demo_client(db_url, ACTIONS) as client:
        with client.service.db.begin() as conn:  # a second steward and an outside lawyer
            accounts.ensure_user(conn, "steward_li", demo.PASSWORD, roles=[(UNIT, "grid_steward")])
            accounts.ensure_user(conn, "lawyer", demo.PASSWORD)
        yield client


def at_review(client) -> tuple[dict, str]:
    headers = login(client, "proposer")
    case = client.post("/api/cases", headers=headers, json={"definition": "actions_petition", "unit": UNIT,
                                                            "data": {"title": "3号院充电桩"}}).json()
    propose = case["open_tasks"][0]["task_id"]
    done = client.post(f"/api/tasks/{propose}/complete", headers=headers, json={"data": PROPOSAL})
    assert done.status_code == 200, done.text
    return done.json(), propose


def test_urge_copy_and_the_four_views_over_http(api):
    case, _propose = at_review(api)
    review = case["open_tasks"][0]["task_id"]
    proposer = login(api, "proposer")
    urged = api.post(f"/api/tasks/{review}/urge", headers=proposer, json={"note": "请尽快答复"})
    assert urged.status_code == 200, urged.text
    assert urged.json()["holders"] == ["grid_steward", "steward_li"] and urged.json()["next_urge_at"].endswith("+08:00")
    again = api.post(f"/api/tasks/{review}/urge", headers={**proposer, "Accept-Language": "en"}, json={})
    assert again.status_code == 409 and "urged again after" in again.json()["detail"]
    steward = login(api, "grid_steward")
    inbox = api.get("/api/tasks", headers=steward).json()["items"]
    assert inbox[0]["urge_count"] == 1 and inbox[0]["summary"][0]["title"] == "涉及户数 Households affected"
    copied = api.post(f"/api/cases/{case['id']}/copies", headers=steward, json={"to_users": ["lawyer"],
                                                                               "note": "请把关"})
    assert copied.status_code == 200 and copied.json() == {"added": ["lawyer"], "already": []}
    lawyer = login(api, "lawyer")
    counts = api.get("/api/views/counts", headers=lawyer).json()
    assert counts["copied"] == 1 and counts["copied_unread"] == 1
    page = api.get("/api/views/copied", headers=lawyer, params={"q": "充电桩"}).json()
    assert page["total"] == 1 and page["items"][0]["note"] == "请把关"
    assert api.get(f"/api/cases/{case['id']}", headers=lawyer).status_code == 200  # no member, but copied
    assert api.get("/api/views/counts", headers=lawyer).json()["copied_unread"] == 0
    assert api.get("/api/views/counts", headers=proposer, params={"q": "没有这个"}).json()["started"] == 0
    actions = api.get(f"/api/cases/{case['id']}/actions", headers=proposer).json()
    assert actions["steps"][0]["urge_count"] == 1 and not actions["steps"][0]["opened_since_urge"]
    done = api.get("/api/tasks/done", headers=proposer, params={"method": "actions_petition"}).json()
    assert done["total"] == 1


def test_transfer_delegate_and_return_over_http(api):
    case, _propose = at_review(api)
    review = case["open_tasks"][0]["task_id"]
    steward = login(api, "grid_steward")
    api.post(f"/api/tasks/{review}/claim", headers=steward)
    refused = api.post(f"/api/tasks/{review}/transfer", headers=steward,
                       json={"to_user": "proposer", "reason": "给提议人"})
    assert refused.status_code == 403 and "网格管家" in refused.json()["detail"]
    asked = api.post(f"/api/tasks/{review}/requests", headers=steward,
                     json={"kind": "delegate", "to_user": "lawyer", "note": "请出具法律意见"})
    assert asked.status_code == 201, asked.text
    blocked = api.post(f"/api/tasks/{review}/complete", headers=steward, json=DELIBERATE)
    assert blocked.status_code == 409 and "lawyer" in blocked.json()["detail"]
    lawyer = login(api, "lawyer")
    assert [r["id"] for r in api.get("/api/views/requests", headers=lawyer).json()] == [asked.json()["id"]]
    answered = api.post(f"/api/requests/{asked.json()['id']}/answer", headers=lawyer, json={"answer": "可以受理"})
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    moved = api.post(f"/api/tasks/{review}/transfer", headers=steward,
                     json={"to_user": "steward_li", "reason": "我下周休假"})
    assert moved.status_code == 200 and moved.json()["to"] == "steward_li"
    li = login(api, "steward_li")
    options = api.get(f"/api/tasks/{review}/actions", headers=li).json()
    assert options["holder"] and options["return_to"] == [{"element_id": "propose", "name": "提议"}]
    no_reason = api.post(f"/api/tasks/{review}/return", headers=li, json={"to_element": "propose", "reason": ""})
    assert no_reason.status_code == 422
    not_drawn = api.post(f"/api/tasks/{review}/return", headers=li, json={"to_element": "vote", "reason": "跳过"})
    assert not_drawn.status_code == 422 and "vote" in not_drawn.json()["detail"], not_drawn.text
    back = api.post(f"/api/tasks/{review}/return", headers=li, json={"to_element": "propose", "reason": "请补充位置"})
    assert back.status_code == 200, back.text
    reopened = back.json()["open_tasks"][0]
    assert reopened["element_id"] == "propose" and reopened["claimed_by"] == "proposer"
    page = api.get(f"/api/tasks/{reopened['task_id']}/actions", headers=login(api, "proposer")).json()
    assert page["returned"]["reason"] == "请补充位置"


def test_withdraw_step_and_withdraw_case_over_http(api):
    case, propose = at_review(api)
    proposer = login(api, "proposer")
    actions = api.get(f"/api/cases/{case['id']}/actions", headers=proposer).json()
    assert actions["withdrawable_step"]["task_id"] == propose and actions["may_withdraw_case"]
    taken = api.post(f"/api/tasks/{propose}/withdraw", headers=proposer, json={"reason": "写错了"})
    assert taken.status_code == 200 and taken.json()["open_tasks"][0]["element_id"] == "propose"
    ended = api.post(f"/api/cases/{case['id']}/withdraw", headers=proposer, json={"reason": "已协商解决"})
    assert ended.status_code == 200 and ended.json()["status"] == "cancelled"
    refused = api.post(f"/api/cases/{case['id']}/withdraw", headers=login(api, "grid_steward"),
                       json={"reason": "不是我的"})
    assert refused.status_code == 403


def test_stand_in_and_handover_over_http(api):
    case, _propose = at_review(api)
    review = case["open_tasks"][0]["task_id"]
    steward = login(api, "grid_steward")
    api.post(f"/api/tasks/{review}/claim", headers=steward)
    set_ = api.post("/api/stand-ins", headers=steward, json={
        "user": "grid_steward", "stand_in": "steward_li", "valid_from": "2026-03-02", "valid_to": "2026-03-03",
        "reason": "病假"})
    assert set_.status_code == 201, set_.text
    assert [m["task_id"] for m in set_.json()["moved"]] == [review]
    handed = api.post("/api/admin/handover", headers=login(api, "admin"),
                      json={"user": "steward_li", "to_user": "grid_steward", "reason": "换届"})
    assert handed.status_code == 200 and len(handed.json()["moved"]) == 1
    refused = api.post("/api/admin/handover", headers=steward,
                       json={"user": "steward_li", "to_user": "grid_steward", "reason": "换届"})
    assert refused.status_code == 403


def test_my_stand_ins_listed_and_ended_early_and_the_handover_previewed_over_http(api):
    case, _propose = at_review(api)
    review = case["open_tasks"][0]["task_id"]
    steward = login(api, "grid_steward")
    api.post(f"/api/tasks/{review}/claim", headers=steward)
    candidates = api.get("/api/stand-ins/candidates", headers=steward)
    assert candidates.status_code == 200 and [c["user"] for c in candidates.json()["items"]] == ["steward_li"]
    set_ = api.post("/api/stand-ins", headers=steward, json={
        "user": "grid_steward", "stand_in": "steward_li", "valid_from": "2026-03-02", "valid_to": "2026-03-06",
        "reason": "病假"}).json()
    mine = api.get("/api/stand-ins", headers=steward).json()["items"]
    assert [(s["id"], s["state"], s["may_end"]) for s in mine] == [(set_["id"], "running", True)]
    other = api.post(f"/api/stand-ins/{set_['id']}/end", headers={**login(api, "steward_li"),
                                                                  "Accept-Language": "en"}, json={})
    assert other.status_code == 403 and "only the absent person" in other.json()["detail"]
    ended = api.post(f"/api/stand-ins/{set_['id']}/end", headers=steward, json={"reason": "提前销假"})
    assert ended.status_code == 200, ended.text
    assert ended.json()["state"] == "ended" and [m["task_id"] for m in ended.json()["moved"]] == [review]
    again = api.post(f"/api/stand-ins/{set_['id']}/end", headers=steward, json={})
    assert again.status_code == 409 and "已经结束" in again.json()["detail"]
    assert api.post("/api/stand-ins/999999/end", headers=steward, json={}).status_code == 404
    admin = login(api, "admin")
    preview = api.post("/api/admin/handover/preview", headers=admin,
                       json={"user": "grid_steward", "to_user": "steward_li"})
    assert preview.status_code == 200, preview.text
    assert preview.json()["act"] is None and [m["task_id"] for m in preview.json()["moved"]] == [review]
    assert preview.json()["moved"][0]["step"]
    to_self = api.post("/api/admin/handover/preview", headers={**admin, "Accept-Language": "en"},
                       json={"user": "grid_steward", "to_user": "grid_steward"})
    assert to_self.status_code == 422 and to_self.json()["errors"][0]["path"] == "to_user"
    assert "successor is someone else" in to_self.json()["detail"]
    assert api.get("/api/stand-ins", headers=admin, params={"unit": UNIT}).status_code == 200
    assert api.get("/api/stand-ins", headers=steward, params={"unit": UNIT}).status_code == 403


# ----- the pairs over a real server ---------------------------------------------------------------------------

def pair(base: str, first, second) -> list[int]:
    barrier = threading.Barrier(2)
    codes = [0, 0]

    def run(index, call):
        with httpx.Client(base_url=base, timeout=30) as client:
            barrier.wait(timeout=10)
            codes[index] = call(client).status_code
    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return codes


@pytest.fixture
def live(db_url, monkeypatch):
    """The actions fixture served by uvicorn (the concurrency tests' server on the actions process)."""
    import tests.api.test_concurrency as concurrency
    monkeypatch.setattr(concurrency, "DEMO", ACTIONS / "actions.bpmn")
    return db_url


@pytest.mark.parametrize("name", ["urge×complete", "transfer×complete", "withdraw×complete", "return×complete"])
def test_each_action_against_a_completion_over_http_exactly_one_200(live, server, name):  # noqa: F811
    base, service = server
    with service.db.begin() as conn:
        accounts.ensure_user(conn, "steward_li", demo.PASSWORD, roles=[(UNIT, "grid_steward")])
    with httpx.Client(base_url=base, timeout=30) as client:
        def token(user):
            answer = client.post("/api/auth/login", json={"user": user, "password": demo.PASSWORD})
            return {"Authorization": f"Bearer {answer.json()['access_token']}"}
        proposer, steward = token("proposer"), token("grid_steward")
        for _ in range(3):
            case = client.post("/api/cases", headers=proposer, json={"definition": "actions_petition", "unit": UNIT,
                                                                     "data": {"title": "并发"}}).json()
            propose = case["open_tasks"][0]["task_id"]
            review = client.post(f"/api/tasks/{propose}/complete", headers=proposer,
                                 json={"data": PROPOSAL}).json()["open_tasks"][0]["task_id"]
            if name == "transfer×complete":
                client.post(f"/api/tasks/{review}/claim", headers=steward)
            act = {
                "urge×complete": lambda c, t=review: c.post(f"/api/tasks/{t}/urge", headers=proposer, json={}),
                "transfer×complete": lambda c, t=review: c.post(f"/api/tasks/{t}/transfer", headers=steward,
                                                                json={"to_user": "steward_li", "reason": "休假"}),
                "withdraw×complete": lambda c, p=propose: c.post(f"/api/tasks/{p}/withdraw", headers=proposer,
                                                                 json={}),
                "return×complete": lambda c, t=review: c.post(f"/api/tasks/{t}/return", headers=steward, json={
                    "to_element": "propose", "reason": "请补充"}),
            }[name]
            codes = pair(base, act, lambda c, t=review: c.post(f"/api/tasks/{t}/complete", headers=steward,
                                                               json=DELIBERATE))
            # an urge and then the completion is a serial order where both succeed (writers queue on PostgreSQL)
            winners = (1, 2) if name == "urge×complete" else (1,)
            assert codes.count(200) in winners and set(codes) <= {200, 404, 409}, codes
            history = client.get(f"/api/cases/{case['id']}/history", headers=proposer).json()
            assert history["verified"], history["verification"]
