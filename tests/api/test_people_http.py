"""People over HTTP: administrators (global, and scoped by the tree) manage units, people and memberships; the
sheet import's dry run and all-or-nothing real run; one-time codes and passwords; a street sees its communities."""

from __future__ import annotations

import base64
import io

import pytest

from engine.people import demo
from tests.support.http_app import demo_client, login
from tests.support.scenario import PROCESSES

STREET, COMMUNITY, BUILDING = demo.STREET, demo.COMMUNITY, demo.BUILDING
EN = {"Accept-Language": "en"}


@pytest.fixture
def client(db_url):
    with demo_client(db_url, PROCESSES) as client:
        yield client


def sheet(*rows: str) -> str:
    return base64.b64encode(("\n".join(["姓名,手机号,单位,角色", *rows]) + "\n").encode("utf-8")).decode()


def test_the_administrator_builds_a_community_under_the_street_and_gives_it_people(client):
    admin = login(client, "admin")
    made = client.post("/api/admin/units", headers=admin, json={
        "code": "白塔社区", "kind": "community", "name": "盘龙区白塔社区", "parent": STREET, "reason": "新建"})
    assert made.status_code == 201, made.text
    assert made.json() == {"code": "白塔社区", "kind": "community", "kind_name": "社区", "name": "盘龙区白塔社区",
                           "parent": STREET}
    tree = client.get("/api/admin/units", headers={**admin, **EN}).json()
    assert {u["code"]: u["parent"] for u in tree["units"]}["白塔社区"] == STREET
    assert [k["code"] for k in tree["kinds"]] == ["street", "community", "group", "courtyard", "building"]
    assert tree["kinds"][2]["name"] == "Residents' group"
    assert client.post("/api/admin/units", headers=admin, json={
        "code": "白塔社区", "kind": "community", "name": "x", "parent": STREET}).status_code == 409

    created = client.post("/api/admin/users", headers=admin, json={
        "id": "13800000001", "display_name": "张三", "phone": "13800000001",
        "memberships": [{"unit": "白塔社区", "role": "grid_steward", "valid_to": "2026-12-31"}], "reason": "上岗"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["user"]["memberships"][0] | {"role_name": "网格管家", "current": True, "valid_to": "2026-12-31"} == \
        body["user"]["memberships"][0]
    assert [e["kind"] for e in body["user"]["history"]] == ["user_created", "privileges_changed",
                                                            "reset_code_issued"]
    listed = client.get("/api/admin/users", params={"q": "张三"}, headers=admin).json()
    assert listed["total"] == 1 and listed["items"][0]["phone"] == "13800000001"

    # first sign-in with the one-time code: the answer says a new password is due, and nothing else is allowed
    signed = client.post("/api/auth/login", json={"user": "13800000001", "password": body["one_time_code"]})
    assert signed.status_code == 200 and signed.json()["must_change_password"] is True
    pending = {"Authorization": f"Bearer {signed.json()['access_token']}"}
    refused = client.get("/api/tasks", headers={**pending, **EN})
    assert refused.status_code == 403 and "set a new password first" in refused.json()["detail"]
    assert client.get("/api/me", headers=pending).json()["must_change_password"] is True
    short = client.post("/api/me/password", headers=pending, json={"new_password": "abc"})
    assert short.status_code == 422 and short.json()["errors"][0]["path"] == "new_password"
    changed = client.post("/api/me/password", headers=pending, json={"new_password": "白塔-网格-2026"})
    assert changed.status_code == 200 and changed.json()["must_change_password"] is False
    fresh = {"Authorization": f"Bearer {changed.json()['access_token']}"}
    assert client.get("/api/tasks", headers=fresh).status_code == 200
    assert client.get("/api/tasks", headers=pending).status_code == 401  # the code's session ended
    assert client.post("/api/auth/login", json={"user": "13800000001", "password": "白塔-网格-2026"}).status_code == 200


def test_a_community_administrator_manages_its_subtree_only(client):
    mine = login(client, "community_admin")
    units = client.get("/api/admin/units", headers=mine).json()["units"]
    assert [u["code"] for u in units] == [COMMUNITY]
    outside = client.post("/api/admin/units", headers=mine, json={
        "code": "龙泉社区", "kind": "community", "name": "龙泉社区", "parent": STREET})
    assert outside.status_code == 403 and "您只能管理金江路社区及其下级单位" in outside.json()["detail"]
    en = client.post("/api/admin/units", headers={**mine, **EN}, json={
        "code": "龙泉社区", "kind": "community", "name": "龙泉社区", "parent": STREET})
    assert "you manage the people and units of 金江路社区 and below only" in en.json()["detail"]
    group = client.post("/api/admin/units", headers=mine, json={
        "code": "金江路三组", "kind": "group", "name": "金江路社区第三居民小组", "parent": COMMUNITY})
    assert group.status_code == 201
    assert client.patch(f"/api/admin/units/{COMMUNITY}", headers=mine,
                        json={"parent": None}).status_code == 403  # cannot lift its community out of the street

    people = client.get("/api/admin/users", headers=mine, params={"limit": 200}).json()
    ids = {u["id"] for u in people["items"]}
    assert "grid_steward" in ids and "union_fed" not in ids and "admin" not in ids and "street_office" not in ids
    assert client.get("/api/admin/users/union_fed", headers=mine).status_code == 404
    assert client.post("/api/admin/users/admin/reset-code", headers=mine, json={}).status_code == 403
    assert client.post("/api/admin/users/union_fed/memberships", headers=mine,
                       json={"unit": BUILDING, "role": "recorder"}).status_code == 403
    granted = client.post("/api/admin/users/grid_steward/memberships", headers=mine,
                          json={"unit": "金江路三组", "role": "residents", "reason": "住三组"})
    assert granted.status_code == 200 and granted.json()["history"][-1]["actor"] == "community_admin"
    code = client.post("/api/admin/users/grid_steward/reset-code", headers=mine, json={"reason": "忘记密码"})
    assert code.status_code == 200 and len(code.json()["one_time_code"]) == 14
    assert client.get("/api/admin/users", headers=login(client, "proposer")).status_code == 403


def test_deactivated_people_stay_and_cannot_sign_in(client):
    admin = login(client, "admin")
    assert client.post("/api/admin/users/admin/deactivate", headers=admin,
                       json={"reason": "x"}).status_code == 403  # not oneself
    done = client.post("/api/admin/users/assembly/deactivate", headers=admin, json={"reason": "搬离社区"})
    assert done.status_code == 200 and done.json()["active"] is False
    assert client.post("/api/auth/login", json={"user": "assembly", "password": demo.PASSWORD}).status_code == 401
    assert client.get("/api/admin/users/assembly", headers=admin).json()["history"][-1]["data"]["reason"] == "搬离社区"
    client.post("/api/admin/users/assembly/reactivate", headers=admin, json={})
    login(client, "assembly")
    edited = client.patch("/api/admin/users/assembly", headers=admin, json={"phone": "13700000000", "email": None})
    assert edited.json()["phone"] == "13700000000"
    bad = client.patch("/api/admin/users/assembly", headers=admin, json={"phone": "12-34"})
    assert bad.status_code == 422


def test_the_sheet_dry_run_shows_every_row_and_the_real_run_writes_all_or_nothing(client):
    admin = login(client, "admin")
    rows = sheet("李四,13900000001,金江路社区,网格管家",
                 "王五,139 0000 0002,盘龙区金江路社区,全体居民、Assembly",
                 "grid_steward,,金江路社区,网格管家",
                 "赵六,13900000003,无此社区,全体居民",
                 "钱七,13900000004,金江路社区,守夜人")
    dry = client.post("/api/admin/people/import", headers=admin, json={"content_base64": rows})
    assert dry.status_code == 200, dry.text
    result = dry.json()
    assert result["applied"] is False and result["counts"] == {"create": 2, "update": 0, "unchanged": 0, "error": 3}
    outcome = {r["row"]: (r["outcome"], r["reason"]) for r in result["rows"]}
    assert outcome[2] == ("create", None) and outcome[3] == ("create", None)
    assert outcome[4] == ("error", "手机号必填") and outcome[5][1].startswith("未知单位“无此社区”")
    assert outcome[6] == ("error", "未知角色：守夜人")
    assert result["rows"][1]["roles"] == ["residents", "assembly"] and result["rows"][1]["phone"] == "13900000002"
    refused = client.post("/api/admin/people/import", headers=admin, json={"content_base64": rows, "apply": True})
    assert refused.json()["applied"] is False
    assert client.get("/api/admin/users", params={"q": "李四"}, headers=admin).json()["total"] == 0

    good = sheet("李四,13900000001,金江路社区,网格管家", "王五,13900000002,金江路社区,全体居民、assembly")
    applied = client.post("/api/admin/people/import", headers=admin,
                          json={"content_base64": good, "apply": True, "reason": "三月名册"}).json()
    assert applied["applied"] is True and applied["counts"]["create"] == 2
    code = applied["rows"][0]["one_time_code"]
    assert code and client.post("/api/auth/login", json={"user": "13900000001", "password": code}).json()[
        "must_change_password"]
    again = client.post("/api/admin/people/import", headers=admin, json={"content_base64": good}).json()
    assert again["counts"] == {"create": 0, "update": 0, "unchanged": 2, "error": 0}
    renamed = client.post("/api/admin/people/import", headers=admin, json={"content_base64": sheet(
        "李四四,13900000001,金江路社区,网格管家、评审小组")}).json()["rows"][0]
    assert renamed["outcome"] == "update" and renamed["changes"] == ["姓名 李四 → 李四四", "+ 评审小组@金江路社区"]


def test_an_xlsx_sheet_reads_like_a_csv_and_a_broken_one_is_refused(client):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["序号", "姓名", "手机号", "单位", "角色"])
    book.active.append([1, "孙八", 13900000005, "金江路社区", "网格管家,全体居民"])
    data = io.BytesIO()
    book.save(data)
    admin = login(client, "admin")
    result = client.post("/api/admin/people/import", headers=admin,
                         json={"content_base64": base64.b64encode(data.getvalue()).decode()}).json()
    assert [(r["row"], r["outcome"], r["phone"], r["roles"]) for r in result["rows"]] == [
        (2, "create", "13900000005", ["grid_steward", "residents"])]
    broken = client.post("/api/admin/people/import", headers=admin,
                         json={"content_base64": base64.b64encode(b"PK\x03\x04broken").decode()})
    assert broken.status_code == 422 and broken.json()["type"].endswith("/invalid_sheet")
    headless = client.post("/api/admin/people/import", headers={**admin, **EN},
                           json={"content_base64": base64.b64encode(b"a,b\n1,2\n").decode()})
    assert headless.status_code == 422 and "the first row must name the columns" in headless.json()["detail"]


def test_a_community_administrator_imports_only_into_its_subtree(client):
    mine = login(client, "community_admin")
    result = client.post("/api/admin/people/import", headers=mine, json={"content_base64": sheet(
        "周九,13900000009,五华科创大厦,记录员", "吴十,13900000010,金江路社区,全体居民")}).json()
    assert [r["outcome"] for r in result["rows"]] == ["error", "create"]
    assert result["rows"][0]["reason"] == "单位“五华科创大厦”不在您管理的范围内"
