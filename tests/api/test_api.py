"""The HTTP API through the real app on a real database, as participants, designers and administrators use it."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from api.app import create_app
from engine.definitions.compiler import load_bundle
from engine.people import demo
from engine.service import Yishi
from engine.settings import Settings
from tests.support.demo_case import DEMO, FIXTURES, UNIT
from tests.support.http_app import demo_client, login

PROPOSAL = {"description": "在3号院增设电动自行车集中充电桩，解决飞线充电隐患。"}
VOTE = {"eligible": 41, "present": 30, "yes": 22, "no": 5, "abstain": 3}


@pytest.fixture
def api(db_url):
    with demo_client(db_url, DEMO.parent) as client:
        yield client



def start_case(client, as_user="proposer", title="3号院充电桩") -> dict:
    response = client.post("/cases", headers=login(client, as_user),
                           json={"definition": "demo_petition", "unit": UNIT, "data": {"title": title}})
    assert response.status_code == 201, response.text
    return response.json()


def only_task(client, headers) -> dict:
    items = client.get("/tasks", headers=headers).json()["items"]
    assert len(items) == 1, items
    return items[0]


def test_health_and_login(api):
    assert api.get("/health").json()["status"] == "ok"
    bad = api.post("/auth/login", json={"user": "proposer", "password": "wrong"})
    assert bad.status_code == 401 and bad.headers["content-type"] == "application/problem+json"
    assert (bad.json()["title"], bad.json()["detail"]) == ("未登录", "用户名或密码错误")  # Chinese by default
    ghost = api.post("/auth/login", json={"user": "ghost", "password": "x"}, headers={"Accept-Language": "en"})
    assert (ghost.json()["title"], ghost.json()["detail"]) == ("Not authenticated", "wrong user name or password")
    me = api.get("/me", headers=login(api, "proposer")).json()
    assert [(m["unit"], m["role"], m["role_name"]) for m in me["memberships"]] == [(UNIT, "proposer", "提议主体")]


@pytest.mark.parametrize("path", ["/tasks", "/cases", "/definitions", "/admin/stuck", "/me", "/units"])
def test_every_endpoint_but_health_and_login_needs_a_token(api, path):
    response = api.get(path)
    assert response.status_code == 401 and response.json()["status"] == 401
    assert api.get(path, headers={"Authorization": "Bearer forged"}).status_code == 401


def test_tokens_are_stored_hashed(api):
    headers = login(api, "proposer")
    token = headers["Authorization"].split()[1]
    with api.service.db.connect() as conn:
        import sqlalchemy as sa
        stored = conn.execute(sa.text("select token_hash from api_tokens")).scalars().all()
        hashes = conn.execute(sa.text("select password_hash from users")).scalars().all()
    assert token not in stored and all(len(h) == 64 for h in stored)
    assert all(h.startswith("$argon2") for h in hashes)
    assert api.post("/auth/logout", headers=headers).status_code == 200
    assert api.get("/me", headers=headers).status_code == 401


def test_a_whole_case_through_the_api_as_different_users(api):
    case = start_case(api)
    proposer = login(api, "proposer")
    task = only_task(api, proposer)
    assert task["title"] == "3号院充电桩" and "form_schema" not in task  # the inbox does not embed forms
    detail = api.get(f"/tasks/{task['task_id']}", headers=proposer).json()
    assert detail["form"] == "demo_petition/propose.schema.json" and detail["form_schema"]["title"] == "提议 Proposal"
    done = api.post(f"/tasks/{task['task_id']}/complete", headers=proposer, json={"data": PROPOSAL})
    assert done.status_code == 200, done.text
    steward = login(api, "grid_steward")
    review = only_task(api, steward)
    assert review["due_at"] is not None
    api.post(f"/tasks/{review['task_id']}/complete", headers=steward, json={"data": {"decision": "deliberate"}})
    assembly = login(api, "assembly")
    vote = only_task(api, assembly)
    result = api.post(f"/tasks/{vote['task_id']}/complete", headers=assembly, json={"data": VOTE}).json()
    assert (result["status"], result["end_event"]) == ("completed", "end_adopted")
    detail = api.get(f"/cases/{case['id']}", headers=proposer).json()
    assert detail["key_figures"] == {"quorum_met": True, "passed": True}
    history = api.get(f"/cases/{case['reference']}/history", headers=proposer).json()
    assert history["verified"] is True
    assert [(e["kind"], e["actor"]) for e in history["events"] if e["kind"] == "task_completed"] == [
        ("task_completed", "proposer"), ("task_completed", "grid_steward"), ("task_completed", "assembly")]
    diagram = api.get(f"/cases/{case['id']}/diagram", headers=proposer).json()
    completed = {e["element_id"] for e in diagram["completed"]}
    assert {"propose", "review", "vote", "tally", "end_adopted"} <= completed and diagram["active"] == []
    assert "demo.bpmn" in diagram["bpmn"]


def test_complete_errors_are_problem_documents(api):
    case = start_case(api)
    proposer, steward = login(api, "proposer"), login(api, "grid_steward")
    task = only_task(api, proposer)
    url = f"/tasks/{task['task_id']}/complete"
    invalid = api.post(url, headers=proposer, json={"data": {"description": "short", "households": -1}})
    assert invalid.status_code == 422
    assert {e["path"] for e in invalid.json()["errors"]} == {"description", "households"}
    assert api.post(url, headers=proposer, json={"data": "not an object"}).status_code == 422
    assert api.post(url, headers=proposer, content=b"{not json").status_code == 422
    forbidden = api.post(url, headers=steward, json={"data": PROPOSAL})
    assert forbidden.status_code == 403 and "proposer" in forbidden.json()["detail"]
    assert api.post("/tasks/00000000-0000-0000-0000-000000000000/complete", headers=proposer,
                    json={"data": {}}).status_code == 404
    assert api.post(url, headers=proposer, json={"data": PROPOSAL}).status_code == 200
    again = api.post(url, headers=proposer, json={"data": PROPOSAL})
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"
    assert case["id"]


def test_claims_keep_two_members_off_one_task(api):
    with api.service.db.begin() as conn:
        from engine.people import accounts
        accounts.ensure_user(conn, "grid2", demo.PASSWORD, roles=[(UNIT, "grid_steward")])
    case = start_case(api)
    proposer = login(api, "proposer")
    api.post(f"/tasks/{only_task(api, proposer)['task_id']}/complete", headers=proposer, json={"data": PROPOSAL})
    first, second = login(api, "grid_steward"), login(api, "grid2")
    review = only_task(api, first)["task_id"]
    assert api.post(f"/tasks/{review}/claim", headers=first).json()["claimed_by"] == "grid_steward"
    taken = api.post(f"/tasks/{review}/claim", headers=second)
    assert taken.status_code == 409 and "grid_steward" in taken.json()["detail"]
    assert api.post(f"/tasks/{review}/complete", headers=second,
                    json={"data": {"decision": "deliberate"}}).status_code == 409
    assert api.post(f"/tasks/{review}/unclaim", headers=second).status_code == 403
    assert api.post(f"/tasks/{review}/unclaim", headers=first).json()["claimed_by"] is None
    admin = login(api, "admin")
    assert api.post(f"/admin/tasks/{review}/reassign", headers=admin,
                    json={"user": "grid2", "reason": "网格员休假"}).json()["claimed_by"] == "grid2"
    reassigned = [e for e in api.get(f"/cases/{case['id']}/history", headers=admin).json()["events"]
                  if e["kind"] == "task_reassigned"]
    assert [(e["actor"], e["data"]["assignee"], e["data"]["reason"]) for e in reassigned] == [
        ("admin", "grid2", "网格员休假")]
    assert api.post(f"/admin/tasks/{review}/reassign", headers=admin, json={"user": "proposer"}).status_code == 403
    assert api.post(f"/tasks/{review}/complete", headers=second,
                    json={"data": {"decision": "deliberate"}}).status_code == 200


def test_a_member_of_another_unit_sees_nothing(api):
    with api.service.db.begin() as conn:
        from engine.people import accounts
        accounts.ensure_user(conn, "outsider", demo.PASSWORD, roles=[(demo.BUILDING, "proposer")])
    case = start_case(api)
    outsider = login(api, "outsider")
    assert api.get("/cases", headers=outsider).json()["items"] == []
    assert api.get(f"/cases/{case['id']}", headers=outsider).status_code == 404
    assert api.get(f"/cases/{case['id']}/history", headers=outsider).status_code == 404
    assert api.get("/tasks", headers=outsider).json()["items"] == []
    task_id = case["open_tasks"][0]["task_id"]
    assert api.get(f"/tasks/{task_id}", headers=outsider).status_code == 404
    assert api.post(f"/tasks/{task_id}/complete", headers=outsider, json={"data": PROPOSAL}).status_code == 404
    started = api.post("/cases", headers=outsider, json={"definition": "demo_petition", "unit": UNIT,
                                                         "data": {"title": "x"}})
    assert started.status_code == 403


AUTHZ = [  # (user, method, path template, allowed)
    ("proposer", "post", "/admin/cases/{case}/suspend", False),
    ("designer", "post", "/admin/cases/{case}/suspend", False),
    ("admin", "post", "/admin/cases/{case}/suspend", True),
    ("proposer", "get", "/admin/stuck", False),
    ("admin", "get", "/admin/stuck", True),
    ("proposer", "post", "/definitions", False),
    ("grid_steward", "get", "/definitions/demo_petition/migrations", False),
    ("designer", "get", "/definitions/demo_petition/migrations", True),
    ("assembly", "post", "/cases", False),  # startRoles: proposer, grid_steward
    ("grid_steward", "post", "/cases", True),
]


@pytest.mark.parametrize(("user", "method", "path", "allowed"), AUTHZ)
def test_authorisation_matrix(api, user, method, path, allowed):
    case = start_case(api)
    bodies = {"/admin/cases/{case}/suspend": {"reason": "检查"}, "/definitions": {"bpmn": {"x.bpmn": "<x/>"}},
              "/cases": {"definition": "demo_petition", "unit": UNIT, "data": {"title": "t"}}}
    kwargs = {"json": bodies[path]} if path in bodies else {}
    response = getattr(api, method)(path.format(case=case["id"]), headers=login(api, user), **kwargs)
    assert (response.status_code < 400) == allowed, response.text
    if not allowed:
        assert response.status_code == 403


def test_designer_uploads_get_a_lint_report_never_a_500(api):
    designer = login(api, "designer")
    broken = load_bundle([FIXTURES / "broken" / "broken.bpmn"])
    response = api.post("/definitions", headers=designer, json={
        "bpmn": {k: v.decode() for k, v in broken.bpmn.items()},
        "forms": {k: v.decode() for k, v in broken.forms.items()}})
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert {"outside_lane", "call_missing", "f_escape"} <= {p["element_id"] for p in problems}
    assert all(p["line"] for p in problems if p["element_id"])
    for garbage in ["", "<x>", "\x00\x01", '<!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]><x>&a;</x>',
                    "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'/>"]:
        answer = api.post("/definitions", headers=designer, json={"bpmn": {"g.bpmn": garbage}})
        assert answer.status_code == 422, (garbage, answer.text)
    assert api.post("/definitions", headers=designer, json={"bpmn": {}}).status_code == 422
    demo_bundle = load_bundle([DEMO])
    body = {"bpmn": {k: v.decode() for k, v in demo_bundle.bpmn.items()},
            "forms": {k: v.decode() for k, v in demo_bundle.forms.items()}}
    assert api.post("/definitions", headers=designer, json=body).json()["deployed"][0]["created"] is False
    versions = api.get("/definitions/demo_petition/versions", headers=designer).json()
    assert [v["version"] for v in versions] == [1]
    content = api.get("/definitions/demo_petition/versions/1", headers=designer).json()
    assert "demo.bpmn" in content["bpmn"] and "demo_petition/vote.schema.json" in content["forms"]
    assert api.get("/definitions/demo_petition/versions/9", headers=designer).status_code == 404


def test_migration_dry_run_and_recorded_move(api):
    designer, proposer = login(api, "designer"), login(api, "proposer")
    case = start_case(api)
    bundle = load_bundle([DEMO])
    xml = bundle.bpmn["demo.bpmn"].decode().replace('name="决议 Vote"', 'name="决议 Vote (v2)"')
    body = {"bpmn": {"demo.bpmn": xml}, "forms": {k: v.decode() for k, v in bundle.forms.items()}}
    assert api.post("/definitions", headers=designer, json=body).json()["deployed"][0]["version"] == 2
    plan = api.get("/definitions/demo_petition/migrations", headers=designer).json()
    assert plan["to_version"] == 2
    assert [(c["case_id"], c["can_migrate"]) for c in plan["cases"]] == [(case["id"], True)]
    assert "vote" in plan["cases"][0]["changed_elements"]
    moved = api.post("/definitions/demo_petition/migrations", headers=designer, json={"case_ids": [case["id"]]})
    assert moved.json()["results"][0]["migrated"] is True
    detail = api.get(f"/cases/{case['id']}", headers=proposer).json()
    assert detail["definition_version"] == 2
    history = api.get(f"/cases/{case['id']}/history", headers=proposer).json()["events"]
    assert history[-1]["kind"] == "case_migrated" and history[-1]["actor"] == "designer"
    task = only_task(api, proposer)
    assert api.post(f"/tasks/{task['task_id']}/complete", headers=proposer, json={"data": PROPOSAL}).status_code == 200


def without_propose(data: bytes) -> str:
    """The demo process with its first task removed: the start event leads straight to the review."""
    root = etree.fromstring(data)
    gone = ("propose", "f_propose_review")
    for node in list(root.iter()):
        if node.get("id") in gone or node.get("bpmnElement") in gone or (node.text or "").strip() in gone:
            node.getparent().remove(node)
        elif node.get("targetRef") == "propose":
            node.set("targetRef", "review")
    for ref in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}incoming"):
        if ref.text == "f_propose_review":
            ref.text = "f_start_propose"
    return etree.tostring(root, encoding="unicode")


def test_the_dry_run_says_why_a_case_cannot_move(api):
    designer = login(api, "designer")
    case = start_case(api)  # waiting at propose
    bundle = load_bundle([DEMO])
    xml = without_propose(bundle.bpmn["demo.bpmn"])
    body = {"bpmn": {"demo.bpmn": xml}, "forms": {k: v.decode() for k, v in bundle.forms.items()}}
    deployed = api.post("/definitions", headers=designer, json=body)
    assert deployed.status_code == 201, deployed.text
    plan = api.get("/api/definitions/demo_petition/migrations", headers={**designer, "Accept-Language": "en"}).json()
    [item] = plan["cases"]
    assert (item["case_id"], item["can_migrate"], item["blocking_elements"]) == (case["id"], False, ["propose"])
    assert item["reason"] == "unfinished work on removed elements: propose"


def test_stuck_report_with_the_clock_and_admin_actions(api, frozen_clock):
    case = start_case(api)
    proposer, admin = login(api, "proposer"), login(api, "admin")
    api.post(f"/tasks/{only_task(api, proposer)['task_id']}/complete", headers=proposer, json={"data": PROPOSAL})
    assert api.get("/admin/stuck", headers=admin).json()["items"] == []
    moved = api.post("/dev/clock", headers=admin, json={"advance_days": 8})
    assert moved.status_code == 200 and moved.json()["timers_fired"] == 1
    admin = login(api, "admin")  # tokens live 12 hours; the clock moved 8 days
    stuck = api.get("/admin/stuck", headers=admin).json()["items"]
    overdue = [s for s in stuck if s["reason"] == "overdue"]
    assert [(s["element_id"], s["role"], s["unit"]) for s in overdue] == [("review", "grid_steward", UNIT)]
    assert overdue[0]["since"] == "2026-03-09T23:59:59+08:00"  # the end of the day in Beijing, with its offset
    assert api.get("/cases?overdue=true", headers=admin).json()["items"][0]["id"] == case["id"]
    frozen_clock.advance(dt.timedelta(days=15))  # the timer fired on day 8: 15 days without progress
    admin = login(api, "admin")
    reasons = {s["reason"] for s in api.get("/admin/stuck", headers=admin).json()["items"]}
    assert {"overdue", "idle"} <= reasons
    assert api.get("/admin/stuck?reason=bogus", headers=admin).status_code == 422
    assert api.post(f"/admin/cases/{case['id']}/suspend", headers=admin, json={"reason": ""}).status_code == 422
    assert api.post(f"/admin/cases/{case['id']}/suspend", headers=admin,
                    json={"reason": "等待街道意见"}).json()["status"] == "suspended"
    assert api.post(f"/admin/cases/{case['id']}/resume", headers=admin, json={}).json()["status"] == \
        "waiting_for_people"
    assert api.post(f"/admin/cases/{case['id']}/cancel", headers=admin,
                    json={"reason": "提议人撤回"}).json()["status"] == "cancelled"
    events = api.get(f"/cases/{case['id']}/history", headers=admin).json()["events"]
    assert [e["kind"] for e in events if e["actor"] == "admin"] == ["case_suspended", "case_resumed",
                                                                    "case_cancelled"]


def test_openapi_is_complete(api):
    spec = api.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ["/auth/login", "/tasks", "/tasks/{task_id}/complete", "/tasks/{task_id}/claim", "/cases",
                 "/cases/{case}/history", "/cases/{case}/diagram", "/definitions", "/definitions/{key}/migrations",
                 "/admin/stuck", "/admin/tasks/{task_id}/reassign", "/dev/clock"]:
        assert "/api" + path in paths, path
    for schema in ("Login", "StartCase", "CompleteTask", "Reason", "Retry", "Reassign", "Upload", "Migrate",
                   "ClockMove"):
        assert spec["components"]["schemas"][schema].get("examples"), schema


def test_the_dev_clock_route_exists_only_when_enabled(db_url):
    service = Yishi(db_url)
    with TestClient(create_app(service, config=Settings(dev_clock=False), seed_demo=True, tick_seconds=0)) as client:
        token = client.post("/api/auth/login", json={"user": "admin", "password": demo.PASSWORD}).json()
        response = client.post("/api/dev/clock", json={"advance_days": 1},
                               headers={"Authorization": f"Bearer {token['access_token']}"})
        assert response.status_code == 404
        assert "/api/dev/clock" not in client.get("/openapi.json").json()["paths"]
