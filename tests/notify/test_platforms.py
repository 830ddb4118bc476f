"""Work inside WeCom and DingTalk, against local HTTP servers that answer as the platforms' published API documents
describe (token, user by code, send a message card, create a to-do): sign in with a linked account, link one
yourself or as an administrator, and open steps pushed as WeCom cards and DingTalk to-dos through the outbox."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.notify.test_channels import configure, rows  # noqa: F401 — the fixture
from tests.support import five_step as five
from tests.support.http_app import demo_client, login
from tests.support.receivers import http_receiver
from tests.support.scenario import PROCESSES

WECOM_USER, DINGTALK_USER = "WangWei", "union-wang"


def wecom_routes():
    def token(r):
        ok = r.query == {"corpid": "ww-corp", "corpsecret": "s3cret"}
        return 200, ({"errcode": 0, "errmsg": "ok", "access_token": "WT1", "expires_in": 7200} if ok else
                     {"errcode": 40001, "errmsg": "invalid credential"})

    def user(r):
        if r.query.get("access_token") != "WT1":
            return 200, {"errcode": 42001, "errmsg": "access_token expired"}
        if r.query.get("code") != "wecom-good":
            return 200, {"errcode": 40029, "errmsg": "invalid code"}
        return 200, {"errcode": 0, "errmsg": "ok", "userid": WECOM_USER, "user_ticket": "t"}

    def send(r):
        if r.query.get("access_token") != "WT1":
            return 200, {"errcode": 42001, "errmsg": "access_token expired"}
        return 200, {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "m1"}

    return {"/cgi-bin/gettoken": token, "/cgi-bin/auth/getuserinfo": user, "/cgi-bin/message/send": send}


def dingtalk_routes():
    def token(r):
        ok = r.json() == {"appKey": "ding-key", "appSecret": "ding-secret"}
        return (200, {"accessToken": "DT1", "expireIn": 7200}) if ok else (400, {"code": "invalidClient"})

    def user_token(r):
        body = r.json()
        if body.get("code") != "ding-good" or body.get("grantType") != "authorization_code":
            return 400, {"code": "invalidAuthCode", "message": "授权码无效"}
        return 200, {"accessToken": "UT1", "refreshToken": "r", "expireIn": 7200}

    def me(r):
        if r.headers.get("x-acs-dingtalk-access-token") != "UT1":
            return 401, {"code": "InvalidAuthentication"}
        return 200, {"unionId": DINGTALK_USER, "nick": "王伟", "openId": "o1"}

    def todo(r):
        if r.headers.get("x-acs-dingtalk-access-token") != "DT1":
            return 401, {"code": "InvalidAuthentication"}
        return 200, {"id": "todo-1", "subject": r.json()["subject"]}

    return {"/v1.0/oauth2/accessToken": token, "/v1.0/oauth2/userAccessToken": user_token,
            "/v1.0/contact/users/me": me, f"/v1.0/todo/users/{DINGTALK_USER}/tasks": todo}


@pytest.fixture
def platforms(configure):  # noqa: F811
    with http_receiver(routes=wecom_routes()) as wecom, http_receiver(routes=dingtalk_routes()) as ding:
        configure(wecom_corp_id="ww-corp", wecom_agent_id="1000002", wecom_secret="s3cret", wecom_api_url=wecom.url,
                  dingtalk_app_key="ding-key", dingtalk_app_secret="ding-secret", dingtalk_api_url=ding.url)
        yield wecom, ding


@pytest.fixture
def client(db_url, platforms):
    with demo_client(db_url, PROCESSES) as client:
        yield client


def test_signing_in_with_wecom_needs_a_linked_account(client, platforms):
    offered = client.get("/api/auth/platforms").json()["items"]
    assert offered == [{"platform": "dingtalk", "name": "钉钉"}, {"platform": "wecom", "name": "企业微信"}]
    url = client.get("/api/auth/wecom/authorize", params={
        "redirect_uri": "http://127.0.0.1:8000/login/wecom", "state": "abcdefgh123"}).json()["url"]
    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://open.weixin.qq.com/connect/oauth2/authorize?") and url.endswith("#wechat_redirect")
    assert (query["appid"], query["agentid"], query["state"], query["scope"]) == (
        ["ww-corp"], ["1000002"], ["abcdefgh123"], ["snsapi_base"])
    assert client.get("/api/auth/wecom/authorize", params={
        "redirect_uri": "https://evil.example/steal", "state": "abcdefgh123"}).status_code == 422

    refused = client.post("/api/auth/wecom/login", json={"code": "wecom-good"})
    assert refused.status_code == 401 and "还没有关联" in refused.json()["detail"]
    admin = login(client, "admin")
    linked = client.put("/api/admin/users/grid_steward/platforms/wecom", headers=admin,
                        json={"external_id": WECOM_USER})
    assert linked.status_code == 200 and linked.json()["linked_by"] == "admin"
    signed_in = client.post("/api/auth/wecom/login", json={"code": "wecom-good"})
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["access_token"]
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()["user"] == "grid_steward"
    bad = client.post("/api/auth/wecom/login", json={"code": "stale"})
    assert bad.status_code == 401 and "invalid code" in bad.json()["detail"]
    taken = client.put("/api/admin/users/proposer/platforms/wecom", headers=admin, json={"external_id": WECOM_USER})
    assert taken.status_code == 409
    assert client.put("/api/admin/users/grid_steward/platforms/wecom", headers=login(client, "proposer"),
                      json={"external_id": "x"}).status_code == 403


def test_a_person_links_dingtalk_and_open_steps_arrive_as_dingtalk_todos_and_wecom_cards(client, platforms):
    wecom, ding = platforms
    steward = login(client, "grid_steward")
    linked = client.post("/api/me/platforms/dingtalk", headers=steward, json={"code": "ding-good"})
    assert linked.status_code == 200, linked.text
    assert linked.json()["external_id"] == DINGTALK_USER
    assert client.post("/api/me/platforms/dingtalk", headers=steward, json={"code": "nope"}).status_code == 401
    client.put("/api/admin/users/grid_steward/platforms/wecom", headers=login(client, "admin"),
               json={"external_id": WECOM_USER})
    assert {i["platform"] for i in client.get("/api/me/platforms", headers=steward).json()["items"]} == {
        "dingtalk", "wecom"}

    started = client.post("/api/cases", headers=login(client, "proposer"), json={
        "definition": "five_step", "unit": five.UNIT, "data": {"title": "3号院加装电梯"}})
    case = started.json()
    task_id = case["open_tasks"][0]["task_id"]
    assert sorted(r.channel for r in rows(client.service)) == ["dingtalk", "wecom"]
    assert client.service.deliver().sent == 2

    [todo] = [r for r in ding.requests if r.path.startswith("/v1.0/todo/")]
    body = todo.json()
    [ding_row] = rows(client.service, "dingtalk")
    assert todo.query == {"operatorId": DINGTALK_USER}
    assert body["sourceId"] == ding_row.idempotency_key and body["executorIds"] == [DINGTALK_USER]
    assert body["subject"].startswith("新待办：") and body["detailUrl"]["appUrl"].endswith(f"/task/{task_id}")
    assert case["reference"] in body["description"] and body["isOnlyShowExecutor"] is True

    [card] = [r for r in wecom.requests if r.path == "/cgi-bin/message/send"]
    sent = card.json()
    assert card.query == {"access_token": "WT1"}
    assert (sent["touser"], sent["msgtype"], sent["agentid"]) == (WECOM_USER, "textcard", "1000002")
    assert set(sent["textcard"]) == {"title", "description", "url", "btntxt"}
    assert sent["textcard"]["url"].endswith(f"/task/{task_id}") and "网格管家" in sent["textcard"]["description"]

    # a step done by someone else tells the proposer: not a to-do, so DingTalk gets nothing more
    unlinked = client.delete("/api/me/platforms/dingtalk", headers=steward)
    assert unlinked.json() == {"removed": True}


def test_an_expired_wecom_token_is_fetched_again_and_the_card_sent_on_the_next_try(client, platforms):
    wecom, _ding = platforms
    client.put("/api/admin/users/grid_steward/platforms/wecom", headers=login(client, "admin"),
               json={"external_id": WECOM_USER})
    client.post("/api/cases", headers=login(client, "proposer"), json={
        "definition": "five_step", "unit": five.UNIT, "data": {"title": "3号院加装电梯"}})
    adapter = client.service.deliverer.channels["wecom"]
    adapter.token()
    adapter._token = ("EXPIRED", adapter._token[1])  # WeCom revoked it early
    assert client.service.deliver().retrying == 1
    [row] = rows(client.service, "wecom")
    assert "42001" in row.last_error
    assert client.service.deliver(row.next_attempt_at).sent == 1
    assert [r.query.get("access_token") for r in wecom.requests if r.path == "/cgi-bin/message/send"] == [
        "EXPIRED", "WT1"]
