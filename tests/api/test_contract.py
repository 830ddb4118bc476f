"""The typed HTTP contract: every answer has a schema, every error is a declared problem document in the
request's language (Chinese by default), instants carry +08:00, requests are strict, documented examples
are accepted, visibility is applied, and the API documentation works offline."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.i18n import language_of
from engine.domain import deadlines
from engine.people import demo
from engine.service import Yishi
from tests.support.demo_case import DEMO, UNIT
from tests.support.http_app import (
    DEV,
    demo_client,
    login,
)
from tests.support.scenario import PROCESSES

PROPOSAL = {"description": "在3号院增设电动自行车集中充电桩，解决飞线充电隐患。"}
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def api(db_url):
    with demo_client(db_url, DEMO.parent) as client:
        yield client


@pytest.fixture(scope="module")
def spec() -> dict:
    return create_app(Yishi("sqlite://"), config=DEV, seed_demo=False, processes_dir="", tick_seconds=0).openapi()



def start_case(client, as_user="proposer", title="3号院充电桩", unit=UNIT) -> dict:
    response = client.post("/api/cases", headers=login(client, as_user),
                           json={"definition": "demo_petition", "unit": unit, "data": {"title": title}})
    assert response.status_code == 201, response.text
    return response.json()


# ----- the OpenAPI document ----------------------------------------------------------------------------------

def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_every_answer_has_a_schema_and_every_error_is_a_declared_problem(spec):
    problem_ref = "#/components/schemas/Problem"
    assert {"type", "title", "status", "detail", "errors", "problems"} <= set(
        spec["components"]["schemas"]["Problem"]["properties"])
    assert "HTTPValidationError" not in spec["components"]["schemas"]  # FastAPI's own 422 body is replaced
    seen = 0
    for path, method, operation in operations(spec):
        where = f"{method.upper()} {path}"
        responses = operation["responses"]
        ok = [s for s in responses if s.startswith("2")]
        assert len(ok) == 1, where
        content = responses[ok[0]]["content"]
        if "text/event-stream" in content:  # the live bell: Server-Sent Events, each event's data JSON
            assert list(content) == ["text/event-stream"], where
        elif "application/json" not in content:  # a file download: declared as binary
            assert content and all(c["schema"].get("format") == "binary" for c in content.values()), where
        else:
            schema = content["application/json"]["schema"]
            assert schema not in ({}, None) and ("$ref" in schema or "type" in schema or "items" in schema), where
            if schema.get("type") == "array":
                assert "$ref" in schema["items"], where
        errors = [s for s in responses if s[:1] == "4"]
        needs_token = bool(operation.get("security"))  # the health check, login and the public board need none
        if needs_token:
            assert "401" in errors, where
        if operation.get("parameters") or operation.get("requestBody"):
            assert "422" in errors, where
        for status in errors:
            content = responses[status]["content"]
            assert list(content) == ["application/problem+json"], (where, status)
            assert content["application/problem+json"]["schema"] == {"$ref": problem_ref}, (where, status)
        seen += 1
    assert seen >= 24


def test_enums_are_declared(spec):
    schemas = spec["components"]["schemas"]
    assert "waiting_for_people" in schemas["CaseStatus"]["enum"]
    assert {"task_completed", "computed", "case_migrated"} <= set(schemas["EventKind"]["enum"])
    assert set(schemas["StuckReason"]["enum"]) == {"overdue", "idle", "error", "suspended", "looping", "unreadable"}
    assert schemas["CaseSummary"]["properties"]["status"] == {"$ref": "#/components/schemas/CaseStatus"}
    task = schemas["TaskDetail"]["properties"]
    for name in ("task_id", "case_id", "reference", "title", "element_id", "name", "role", "unit", "process_key",
                 "definition_key", "form", "due_at", "created_at", "claimed_by", "days_left", "overdue",
                 "instructions", "context", "form_schema", "ui_schema", "initial_data"):
        assert name in task, name
    summary = schemas["TaskSummary"]["properties"]
    assert not {"form_schema", "ui_schema", "initial_data", "context"} & set(summary)
    assert schemas["CaseDetail"]["properties"]["key_figures"]["type"] == "object"
    assert schemas["CaseSummary"]["properties"]["created_at"]["format"] == "date-time"


def test_every_request_body_documents_an_example(spec):
    for path, method, operation in operations(spec):
        body = operation.get("requestBody")
        if body and "multipart/form-data" not in body["content"]:  # a file upload: no JSON example (test_attachments)
            ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            assert spec["components"]["schemas"][ref].get("examples"), f"{method} {path}"


def test_every_documented_example_is_accepted(db_url):
    """Each body's example, posted as the user it is meant for against the shipped methods with the demo data."""
    service = Yishi(db_url)
    app = create_app(service, config=DEV, processes_dir=str(PROCESSES), seed_demo=True, tick_seconds=0)
    with TestClient(app, raise_server_exceptions=False) as client:
        spec = client.get("/openapi.json").json()
        examples = {}
        for path, method, operation in operations(spec):
            if operation.get("requestBody") and "application/json" in operation["requestBody"]["content"]:
                ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
                examples[(method, path)] = spec["components"]["schemas"][ref]["examples"]
        plan = [  # (method, path, user, accepted statuses); the order builds what later steps need
            ("post", "/api/auth/login", None, {200}),
            ("post", "/api/cases", "proposer", {201}),
            ("post", "/api/admin/tasks/{task_id}/reassign", "admin", {200}),
            ("post", "/api/tasks/{task_id}/complete", "grid_steward", {200}),
            ("post", "/api/tasks/{task_id}/urge", "proposer", {409}),  # the step was just completed
            ("post", "/api/tasks/{task_id}/transfer", "grid_steward", {409}),
            ("post", "/api/tasks/{task_id}/requests", "grid_steward", {409}),
            ("post", "/api/tasks/{task_id}/return", "grid_steward", {409}),
            ("post", "/api/tasks/{task_id}/withdraw", "grid_steward", {200}),  # nothing after it acted on yet
            ("post", "/api/cases/{case}/copies", "grid_steward", {200}),
            ("post", "/api/requests/{request_id}/answer", "supervision_committee", {404}),  # nothing asked
            ("post", "/api/stand-ins", "grid_steward", {201}),
            ("post", "/api/stand-ins/{stand_in_id}/end", "grid_steward", {200}),  # the one just set
            ("post", "/api/admin/handover/preview", "admin", {200}),
            ("post", "/api/admin/handover", "admin", {200}),
            ("post", "/api/definitions", "designer", {201}),
            ("post", "/api/definitions/{key}/scenarios/run", "designer", {200}),
            ("post", "/api/definitions/{key}/lint", "designer", {200}),
            ("post", "/api/definitions/{key}/diff", "designer", {200}),
            ("post", "/api/definitions/{key}/data", "designer", {200}),
            ("post", "/api/studio/expression", "designer", {200}),
            ("post", "/api/studio/tidy", "designer", {200}),
            ("post", "/api/definitions/{key}/migrations", "designer", {200, 404}),  # case 1: a fresh database's
            ("post", "/api/dev/clock", "admin", {200}),
            ("post", "/api/admin/cases/{case}/retry", "admin", {409}),  # the case is not in error
            ("post", "/api/admin/cases/{case}/suspend", "admin", {200}),
            ("post", "/api/admin/cases/{case}/resume", "admin", {200}),
            ("post", "/api/cases/{case}/objections", "proposer", {409}),  # no notice is running yet
            ("post", "/api/admin/cases/{case}/flags", "admin", {409}),  # the case has recorded no such flag
            ("post", "/api/admin/cases/{case}/cancel", "admin", {200}),
            ("post", "/api/cases/{case}/withdraw", "proposer", {409}),  # cancelled just before
            ("post", "/api/notifications/read", "grid_steward", {200}),
            ("put", "/api/notifications/preferences", "grid_steward", {200}),
            ("post", "/api/admin/group-webhooks", "admin", {201}),
            ("post", "/api/auth/{platform}/login", None, {404}),  # no platform configured here
            ("post", "/api/me/platforms/{platform}", "grid_steward", {404}),
            ("put", "/api/admin/users/{user}/platforms/{platform}", "admin", {200}),
            ("post", "/api/admin/holidays", "admin", {201}),
            ("post", "/api/cases/{case}/merge", "admin", {409}),  # the case was cancelled above
            ("post", "/api/cases/{case}/split", "admin", {409}),
            ("post", "/api/cases/{case}/votes", "grid_steward", {409}),  # cancelled: no vote is coming up
            ("post", "/api/cases/{case}/votes/ballot", "proposer", {404}),  # no e-vote is open
            ("post", "/api/cases/{case}/votes/paper", "grid_steward", {404}),
            ("post", "/api/cases/{case}/ratings", "proposer", {409}),  # no evaluation is open
            ("post", "/api/cases/{case}/ratings/fix", "two_committees", {404}),  # no fix is open
            ("post", "/api/cases/{case}/discussion", "proposer", {409}),  # cancelled: the discussion is closed
            ("post", "/api/cases/{case}/discussion/{post}/hide", "grid_steward", {404}),
            ("post", "/api/admin/units", "admin", {201}),
            ("patch", "/api/admin/units/{unit}", "admin", {200}),
            ("put", "/api/units/{unit}/phrases", "admin", {200}),
            ("post", "/api/admin/users", "admin", {201}),
            ("patch", "/api/admin/users/{user}", "admin", {200}),
            ("post", "/api/admin/users/{user}/memberships", "admin", {200}),
            ("post", "/api/admin/users/{user}/memberships/revoke", "admin", {200}),
            ("post", "/api/admin/users/{user}/reset-code", "admin", {200}),
            ("post", "/api/admin/users/{user}/deactivate", "admin", {200}),
            ("post", "/api/admin/users/{user}/reactivate", "admin", {200}),
            ("post", "/api/admin/people/import", "admin", {200}),
            ("post", "/api/me/password", "proposer", {200}),  # last: the proposer's demo password is gone after it
        ]
        assert {(m, p) for m, p, _u, _s in plan} == set(examples), "every operation with a body is tried"
        values: dict[str, str] = {"key": "five_step", "platform": "wecom", "user": "grid_steward", "unit": "白塔社区",
                                  "post": "0123456789ab", "request_id": "1"}
        for method, path, user, accepted in plan:
            for example in examples[(method, path)]:
                url = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)
                headers = login(client, user) if user else {}
                response = client.request(method, url, json=example, headers=headers)
                assert response.status_code != 422, (path, response.text)
                assert response.status_code in accepted, (path, response.text)
                if path == "/api/cases":
                    case = response.json()
                    values.update(case=case["id"], task_id=case["open_tasks"][0]["task_id"])
                if path == "/api/stand-ins":
                    values["stand_in_id"] = response.json()["id"]  # the one ended next
                if (method, path) == ("post", "/api/admin/users"):
                    values["user"] = response.json()["user"]["id"]  # the person the following steps change
    service.db.dispose()


# ----- errors in the request's language -----------------------------------------------------------------------

@pytest.mark.parametrize(("header", "language"), [
    (None, "zh-CN"), ("", "zh-CN"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"), ("en", "en"), ("en-US,en;q=0.9", "en"),
    ("EN-gb", "en"), ("fr-FR", "zh-CN"), ("*", "zh-CN"), ("en;q=0.1, zh;q=0.5", "zh-CN"), ("zh;q=0, en", "en"),
    ("de;q=0.9, en;q=0.95", "en"), ("en;q=abc", "zh-CN"), ("english", "zh-CN"),
])
def test_accept_language(header, language):
    assert language_of(header) == language


def test_request_errors_are_chinese_by_default_and_english_on_request(api):
    proposer = login(api, "proposer")
    case = start_case(api)
    url = f"/api/tasks/{case['open_tasks'][0]['task_id']}/complete"
    unwrapped = api.post(url, headers=proposer, json={"channel": "grid_visit"})
    assert unwrapped.status_code == 422 and unwrapped.headers["content-type"] == "application/problem+json"
    body = unwrapped.json()
    assert body["title"] == "输入有误" and "channel" in body["detail"]
    assert body["errors"] == [{"path": "channel", "message": "不接受此字段"}]
    english = api.post(url, headers={**proposer, "Accept-Language": "en-US,en;q=0.9"}, json={"channel": "x"}).json()
    assert english["title"] == "Invalid input" and english["errors"][0]["message"].startswith("unknown field")
    missing = api.post("/api/auth/login", json={"user": "proposer"}).json()
    assert missing["errors"] == [{"path": "password", "message": "必填"}]
    paging = api.get("/api/cases?limit=0&offset=-1", headers=proposer).json()
    assert {e["path"]: e["message"] for e in paging["errors"]} == {"limit": "不能小于 1", "offset": "请填写整数"}
    bounded = api.get("/api/cases?limit=501", headers=proposer).json()["errors"]
    assert bounded == [{"path": "limit", "message": "不能大于 500"}]
    wrong_status = api.get("/api/cases?status=stuck", headers=proposer).json()["errors"][0]
    assert wrong_status["path"] == "status" and wrong_status["message"].startswith("只能是：")
    engine = api.get("/api/cases/999999", headers=proposer)
    assert (engine.status_code, engine.json()["title"], engine.json()["detail"]) == (404, "未找到", "未找到事项 999999")
    assert api.get("/api/cases/999999", headers={**proposer, "Accept-Language": "en"}).json()["detail"] == \
        "case 999999 not found"
    assert api.get("/api/me").json()["detail"].startswith("请先登录")
    denied = api.get("/api/admin/stuck", headers=proposer).json()
    assert (denied["title"], denied["detail"]) == ("无权操作", "仅限管理员")


def test_numbers_in_paths_and_queries_are_plain_ascii_digits(api):
    proposer = login(api, "proposer")
    case = start_case(api)
    assert api.get(f"/api/cases/{case['id']}", headers=proposer).status_code == 200
    for ref in ["³", "١", "٣", "１", "²³"]:  # digits that str.isdigit() accepts but are no ids of ours
        assert api.get(f"/api/cases/{ref}", headers=proposer).status_code == 404, ref
    for query in ["offset=1000001", "offset=5.0", "offset=%2B1", "offset=1_0", "limit=%D9%A5", "offset=1e3",
                  "limit=nan", "offset=%201"]:
        response = api.get(f"/api/cases?{query}", headers=proposer)
        assert response.status_code == 422, query
        assert response.json()["errors"][0]["path"] in ("offset", "limit")
    assert api.get("/api/cases?offset=1000000", headers=proposer).status_code == 200
    designer = login(api, "designer")
    assert api.get("/api/definitions/demo_petition/versions/1.0", headers=designer).status_code == 422
    assert api.get("/api/definitions/demo_petition/versions/1", headers=designer).status_code == 200
    migrate = api.post("/api/definitions/demo_petition/migrations", headers=designer,
                       json={"case_ids": [1.0]})
    assert migrate.status_code == 422 and migrate.json()["errors"][0]["path"] == "case_ids/0"
    clock = api.post("/api/dev/clock", headers=login(api, "admin"), content=b'{"advance_days": NaN}',
                     )
    assert clock.status_code == 422


def test_text_with_nul_or_a_lone_surrogate_is_a_field_error(api):
    admin = login(api, "admin")
    case = start_case(api)
    url = f"/api/admin/cases/{case['id']}/suspend"
    for raw in [b'{"reason": "a\\u0000b"}', b'{"reason": "a\\ud800b"}']:
        response = api.post(url, headers={**admin, "Content-Type": "application/json"}, content=raw)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["path"] == "reason"
    start = api.post("/api/cases", headers={**login(api, "proposer"), "Content-Type": "application/json"},
                     content=json.dumps({"definition": "demo_petition", "unit": UNIT,
                                         "data": {"title": "t", "notes": ["ok", "x\u0000"]}}).encode())
    assert start.status_code == 422 and "data" in start.json()["errors"][0]["path"]
    assert start.json()["errors"][0]["message"].startswith("notes/1：")
    for value in ["%00", "a%00b"]:
        assert api.get(f"/api/cases/{value}", headers=admin).status_code == 422
        assert api.get(f"/api/cases?unit={value}", headers=admin).status_code == 422
        assert api.get(f"/api/tasks?process={value}", headers=admin).status_code == 422
    assert api.get(f"/api/cases/{case['id']}", headers=admin).json()["status"] == "waiting_for_people"


# ----- typed answers ------------------------------------------------------------------------------------------

def test_instants_are_beijing_time_and_tasks_say_how_long_is_left(api, frozen_clock):
    proposer, steward = login(api, "proposer"), login(api, "grid_steward")
    case = start_case(api)
    assert case["created_at"] == "2026-03-02T09:00:00+08:00" and case["key_figures"] == {}
    item = api.get("/api/tasks", headers=proposer).json()["items"][0]
    assert item["due_at"] is None and item["days_left"] is None and item["overdue"] is False
    api.post(f"/api/tasks/{item['task_id']}/complete", headers=proposer, json={"data": PROPOSAL})
    review = api.get("/api/tasks", headers=steward).json()
    assert (review["limit"], review["offset"], review["total"]) == (50, 0, 1)
    task = review["items"][0]
    assert task["due_at"] == "2026-03-09T23:59:59+08:00"  # seven days from Monday 2 March, end of day in Beijing
    assert (task["days_left"], task["overdue"]) == (7, False)
    detail = api.get(f"/api/tasks/{task['task_id']}", headers=steward).json()
    assert detail["days_left"] == 7 and detail["reference"] == case["reference"]
    frozen_clock.set(dt.datetime(2026, 3, 9, 16, 30, tzinfo=dt.UTC))  # 00:30 on 10 March in Beijing
    steward = login(api, "grid_steward")
    late = api.get("/api/tasks", headers=steward).json()["items"][0]
    assert (late["days_left"], late["overdue"]) == (-1, True)
    opened = api.get(f"/api/cases/{case['id']}", headers=steward).json()["open_tasks"][0]
    assert (opened["days_left"], opened["overdue"]) == (-1, True)
    history = api.get(f"/api/cases/{case['id']}/history", headers=steward).json()
    assert all(e["at"].endswith("+08:00") for e in history["events"])


def test_deadlines_count_beijing_calendar_days():
    due = dt.datetime(2026, 3, 9, 15, 59, 59, tzinfo=dt.UTC)  # 23:59:59 in Beijing
    assert deadlines.days_left(due, dt.datetime(2026, 3, 9, 15, 0, tzinfo=dt.UTC)) == 0
    assert deadlines.days_left(due, dt.datetime(2026, 3, 8, 16, 0, tzinfo=dt.UTC)) == 0  # already the 9th there
    assert deadlines.days_left(due, dt.datetime(2026, 3, 8, 15, 0, tzinfo=dt.UTC)) == 1
    assert deadlines.overdue(due, due) is False and deadlines.overdue(due, due + dt.timedelta(seconds=1)) is True
    assert deadlines.days_left(None, due) is None and deadlines.overdue(None, due) is False


def test_case_list_is_filtered_by_the_service_and_paged(api):
    with api.app.state.service.db.begin() as conn:
        from engine.people import accounts
        accounts.ensure_user(conn, "builder", demo.PASSWORD, roles=[(demo.BUILDING, "proposer")])
    first, second = start_case(api, title="一"), start_case(api, title="二")
    proposer, admin, builder = login(api, "proposer"), login(api, "admin"), login(api, "builder")
    page = api.get("/api/cases?limit=1", headers=proposer).json()
    assert ([c["id"] for c in page["items"]], page["total"]) == ([second["id"]], 2)
    assert api.get("/api/cases?limit=1&offset=1", headers=proposer).json()["items"][0]["id"] == first["id"]
    assert api.get("/api/cases", headers=builder).json() == {"items": [], "limit": 50, "offset": 0, "total": 0}
    assert api.get(f"/api/cases?unit={UNIT}", headers=builder).json()["items"] == []  # not my unit: nothing
    assert api.get(f"/api/cases?unit={UNIT}", headers=admin).json()["total"] == 2
    assert api.get("/api/cases?status=active", headers=admin).json()["total"] == 2
    service = api.app.state.service
    from tests.support.demo_case import PROPOSER
    assert len(service.cases(PROPOSER)) == 2 and service.cases(PROPOSER, unit=demo.BUILDING) == []


def test_definition_content_is_for_designers_and_administrators(api):
    listed = api.get("/api/definitions", headers=login(api, "proposer")).json()
    assert [d["key"] for d in listed] == ["demo_petition"] and "bpmn" not in listed[0]
    assert listed[0]["start_roles"] == ["proposer", "grid_steward"]
    url = "/api/definitions/demo_petition/versions/1"
    forbidden = api.get(url, headers=login(api, "proposer"))
    assert forbidden.status_code == 403 and forbidden.json()["detail"].startswith("流程定义的 BPMN")
    for user in ("designer", "admin"):
        content = api.get(url, headers=login(api, user)).json()
        assert "demo.bpmn" in content["bpmn"] and content["created_at"].endswith("+08:00")
    assert api.get("/api/definitions/demo_petition/versions/9", headers=login(api, "designer")).status_code == 404


def test_stuck_reasons_are_worded_in_the_request_language(api, frozen_clock):
    case = start_case(api)
    proposer = login(api, "proposer")
    api.post(f"/api/tasks/{case['open_tasks'][0]['task_id']}/complete", headers=proposer, json={"data": PROPOSAL})
    frozen_clock.advance(dt.timedelta(days=8))
    admin = login(api, "admin")
    stuck = api.get("/api/admin/stuck?reason=overdue", headers=admin).json()["items"]
    assert [s["detail"] for s in stuck] == ["“受理审查”已到期"]
    english = api.get("/api/admin/stuck?reason=overdue", headers={**admin, "Accept-Language": "en"}).json()
    assert english["items"][0]["detail"] == "'Review' was due"
    assert api.get("/api/admin/stuck?reason=bogus", headers=admin).json()["errors"][0]["path"] == "reason"


# ----- documentation without internet ------------------------------------------------------------------------

@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_load_only_local_assets(api, page):
    response = api.get(page)
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    html = response.text
    assert not re.search(r"""(src|href)=["']?https?://""", html), html
    assert not re.search(r"""url\(["']?https?://|['"]https?://[^'"]+\.(js|css)""", html), html
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert any(a.endswith(".js") for a in assets)
    for asset in assets:
        assert asset.startswith("/"), asset
        assert api.get(asset).status_code == 200, asset
    if page == "/docs":
        assert "'/openapi.json'" in html or '"/openapi.json"' in html
