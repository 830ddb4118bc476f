"""The endpoints the web app needs besides the participant basics, through the real app with the shipped processes
and the demo users: methods and start forms, tasks done (已办), case lists with where each case stands, the
public board (公示栏, no login), the role registry and named memberships, and the per-method heat map."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from api.schemas import EXAMPLE_BPMN, EXAMPLE_FORM
from engine.definitions.compiler import load_bundle
from engine.domain import names
from engine.domain.actors import Actor
from engine.people import demo
from engine.store.tables import memberships
from tests.support import five_step as five
from tests.support.demo_case import DEMO, PROPOSAL
from tests.support.http_app import demo_client, login
from tests.support.http_scenario import HttpScenario
from tests.support.scenario import PROCESSES

COMMUNITY, BUILDING = demo.COMMUNITY, demo.BUILDING
EN = {"Accept-Language": "en"}


@pytest.fixture
def client(db_url):
    with demo_client(db_url, PROCESSES) as client:
        yield client



def get(client, path: str, user: str | None = None, **headers):
    auth = login(client, user) if user else {}
    return client.get(path, headers={**auth, **headers})


def deploy_demo(client) -> None:
    client.service.deploy(load_bundle([DEMO]), Actor("designer", is_designer=True))


def demo_case(client, *, reject: bool) -> dict:
    """A demo petition started by the proposer and proposed; the grid steward rejects it (the case completes)."""
    s = HttpScenario.start(client, "demo_petition", unit=COMMUNITY, data={"title": "3号院充电桩"})
    s.do("propose", PROPOSAL, by="proposer")
    if reject:
        s.do("review", {"decision": "reject", "reason": "不属于本社区事务"}, by="grid_steward")
    return s.case


# ----- 1, 2: methods and start forms --------------------------------------------------------------------------

def test_methods_i_may_start(client):
    proposer = get(client, "/api/methods", "proposer").json()
    assert [(m["key"], m["can_start_in"]) for m in proposer] == [
        ("five_step", [COMMUNITY]), ("three_stage_six_step", [COMMUNITY])]
    assert proposer[0]["name"] == "基层协商五步议事法" and proposer[0]["version"] == 1
    assert get(client, "/api/methods", "proposer", **EN).json()[0]["name"] == "Five-step deliberation method"

    union = get(client, "/api/methods", "union_fed").json()
    assert [(m["key"], m["can_start_in"]) for m in union] == [("building_collective_bargaining", [BUILDING])]
    assert get(client, "/api/methods", "assembly").json() == []  # no start role
    admin = get(client, "/api/methods", "admin").json()
    assert {m["key"] for m in admin} == {"five_step", "three_stage_six_step", "building_collective_bargaining"}
    assert all(set(m["can_start_in"]) == {demo.STREET, COMMUNITY, BUILDING} for m in admin)  # shared: never
    assert client.get("/api/methods").status_code == 401


def test_start_form_localized_with_defaults(client):
    zh = get(client, f"/api/methods/five_step/start-form?unit={COMMUNITY}", "proposer")
    assert zh.status_code == 200, zh.text
    body = zh.json()
    assert (body["key"], body["version"], body["name"]) == ("five_step", 1, "基层协商五步议事法")
    assert body["form_schema"]["type"] == "object" and "x-i18n" not in json.dumps(body["form_schema"])
    assert isinstance(body["ui_schema"], dict)
    defaults = {k: v["default"] for k, v in body["form_schema"]["properties"].items() if "default" in v}
    assert defaults and body["initial_data"] == defaults
    en = get(client, f"/api/methods/five_step/start-form?unit={COMMUNITY}", "proposer", **EN).json()
    assert en["form_schema"] != body["form_schema"] and en["name"] == "Five-step deliberation method"
    # the start form is what POST /cases accepts
    started = client.post("/api/cases", headers=login(client, "proposer"), json={
        "definition": "five_step", "unit": COMMUNITY, "data": {**body["initial_data"], "title": "楼道照明"}})
    assert started.status_code == 201, started.text


@pytest.mark.parametrize("user, path, status", [
    ("proposer", f"/api/methods/five_step/start-form?unit={BUILDING}", 403),  # no start role there
    ("proposer", f"/api/methods/building_collective_bargaining/start-form?unit={COMMUNITY}", 403),
    ("assembly", f"/api/methods/five_step/start-form?unit={COMMUNITY}", 403),
    ("proposer", f"/api/methods/no_such_method/start-form?unit={COMMUNITY}", 404),
    ("proposer", f"/api/methods/assembly_vote/start-form?unit={COMMUNITY}", 404),  # a shared process
    ("admin", "/api/methods/five_step/start-form?unit=no-such-unit", 404),
    ("proposer", "/api/methods/five_step/start-form", 422),  # the unit is required
    (None, f"/api/methods/five_step/start-form?unit={COMMUNITY}", 401),
])
def test_start_form_refusals(client, user, path, status):
    response = get(client, path, user)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_start_form_refusal_names_the_roles_in_the_language(client):
    path = f"/api/methods/five_step/start-form?unit={COMMUNITY}"
    assert "提议主体" in get(client, path, "assembly").json()["detail"]
    assert "Proposer" in get(client, path, "assembly", **EN).json()["detail"]


def test_a_method_without_start_form_answers_null(client):
    upload = client.post("/api/definitions", headers=login(client, "designer"),
                         json={"bpmn": {"my_method.bpmn": EXAMPLE_BPMN},
                               "forms": {"my_method/collect.schema.json": EXAMPLE_FORM}})
    assert upload.status_code == 201, upload.text
    body = get(client, f"/api/methods/my_method/start-form?unit={COMMUNITY}", "proposer").json()
    assert (body["form_schema"], body["ui_schema"], body["initial_data"]) == (None, None, {})
    assert "my_method" in {m["key"] for m in get(client, "/api/methods", "proposer").json()}


# ----- 3: tasks I completed -------------------------------------------------------------------------------------

def test_tasks_done_newest_first_with_what_i_submitted(client):
    deploy_demo(client)
    first = demo_case(client, reject=True)
    second = demo_case(client, reject=False)
    done = get(client, "/api/tasks/done", "proposer")
    assert done.status_code == 200, done.text
    page = done.json()
    assert page["total"] == 2 and [i["case_id"] for i in page["items"]] == [second["id"], first["id"]]
    item = page["items"][0]
    assert (item["element_id"], item["name"], item["role"], item["unit"]) == ("propose", "提议", "proposer", COMMUNITY)
    assert item["data"] == PROPOSAL and item["reference"] == second["reference"] and item["title"] == "3号院充电桩"
    assert item["completed_at"].endswith("+08:00") and item["definition_key"] == "demo_petition"
    assert get(client, "/api/tasks/done?limit=1&offset=1", "proposer").json()["items"][0]["case_id"] == first["id"]
    assert get(client, "/api/tasks/done", "proposer", **EN).json()["items"][0]["name"] == "Propose"
    steward = get(client, "/api/tasks/done", "grid_steward").json()
    assert [(i["element_id"], i["data"]["decision"]) for i in steward["items"]] == [("review", "reject")]
    assert get(client, "/api/tasks/done", "admin").json() == {"items": [], "limit": 50, "offset": 0, "total": 0}
    assert client.get("/api/tasks/done").status_code == 401
    assert get(client, "/api/tasks/done?limit=0", "proposer").status_code == 422

    # no longer a member of the unit: its cases are no longer shown
    with client.service.db.begin() as conn:
        conn.execute(sa.delete(memberships).where(memberships.c.user_id == "proposer"))
    assert get(client, "/api/tasks/done", "proposer").json()["total"] == 0


# ----- 4: case lists ----------------------------------------------------------------------------------------------

def test_case_list_started_by_mine_and_open_steps(client):
    deploy_demo(client)
    rejected = demo_case(client, reject=True)
    waiting = demo_case(client, reject=False)
    by_steward = HttpScenario.start(client, "demo_petition", unit=COMMUNITY, data={"title": "路灯"},
                                    role="grid_steward")

    items = get(client, "/api/cases", "proposer").json()["items"]
    assert [(c["id"], c["started_by"]) for c in items] == [
        (by_steward.case_id, "grid_steward"), (waiting["id"], "proposer"), (rejected["id"], "proposer")]
    steps = {c["id"]: c["open_steps"] for c in items}
    assert steps[rejected["id"]] == []
    [review] = steps[waiting["id"]]
    assert (review["element_id"], review["name"], review["role"], review["overdue"]) == (
        "review", "受理审查", "grid_steward", False)
    assert review["due_at"].endswith("+08:00") and review["days_left"] >= 0
    english = get(client, "/api/cases", "proposer", **EN).json()["items"]
    assert {c["id"]: c["open_steps"] for c in english}[waiting["id"]][0]["name"] == "Review"

    def mine(user, which):
        page = get(client, f"/api/cases?mine={which}", user).json()
        return sorted(c["id"] for c in page["items"]), page["total"]

    assert mine("proposer", "started") == (sorted([rejected["id"], waiting["id"]]), 2)
    assert mine("grid_steward", "started") == ([by_steward.case_id], 1)
    assert mine("grid_steward", "involved") == (sorted([rejected["id"], by_steward.case_id]), 2)
    assert mine("assembly", "involved") == ([], 0)
    assert get(client, "/api/cases?mine=everyone", "proposer").status_code == 422


def test_case_list_reads_open_steps_in_one_query(client):
    deploy_demo(client)
    for _ in range(4):
        demo_case(client, reject=False)
    headers = login(client, "proposer")
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(client.service.db, "before_cursor_execute", record)
    try:
        page = client.get("/api/cases", headers=headers).json()
    finally:
        sa.event.remove(client.service.db, "before_cursor_execute", record)
    assert len(page["items"]) == 4 and all(len(c["open_steps"]) == 1 for c in page["items"])
    assert sum(1 for s in statements if "FROM open_tasks" in s) == 1, statements


# ----- 5: the public board -------------------------------------------------------------------------------------

PRIVATE = ["李业委", "业委会主任", "金康园业委会", "小区绿化用自来水", "阳光议事厅", "陈工", "同意实施中水灌溉改造",
           "photos/posting.jpg", "sheets/tally.pdf", "proposer", "grid_steward", "wechat_official", "co_signers"]


def test_public_board_without_login_shows_only_what_is_published(client):
    deploy_demo(client)
    demo_case(client, reject=True)  # a completed case: an outcome
    s = HttpScenario.start(client, "five_step", unit=five.UNIT, data={"title": "金康园中水灌溉"})
    five.to_party_approval(s)
    five.assembly(s, eligible=41, present=30, yes=22, no=5, abstain=3)
    s.do("PUB_UT_Post", {"channels": ["notice_board", "wechat_official"], "start_at": five.iso(),
                         "content": "决议：实施中水灌溉改造，公示 7 日。",
                         "posting_evidence": s.attach("photos/posting.jpg", by="grid_steward")},
         by="grid_steward")

    response = client.get(f"/api/public/units/{COMMUNITY}/board")  # no token
    assert response.status_code == 200, response.text
    board = response.json()
    assert (board["unit"], board["name"]) == (COMMUNITY, "盘龙区金江路社区")
    [notice] = board["publications"]
    reference = s.case["reference"]
    assert (notice["reference"], notice["title"], notice["kind"], notice["kind_name"]) == (
        reference, "金康园中水灌溉", "resolution", "决议公示")
    assert notice["content"] == "决议：实施中水灌溉改造，公示 7 日。"
    assert notice["started_at"].endswith("+08:00") and notice["ends_at"].endswith("+08:00")
    assert notice["ends_at"] > notice["started_at"]
    [outcome] = board["outcomes"]
    assert (outcome["title"], outcome["end_event"], outcome["end_event_name"]) == (
        "3号院充电桩", "end_rejected", "不予受理")
    english = client.get(f"/api/public/units/{COMMUNITY}/board", headers=EN).json()
    assert english["publications"][0]["kind_name"] == "Resolution"
    assert english["outcomes"][0]["end_event_name"] == "Not accepted"

    # nothing else of the cases: only the declared fields, and no value of any other form field
    assert set(board) == {"unit", "name", "publications", "outcomes"}
    assert set(notice) == {"reference", "title", "kind", "kind_name", "started_at", "ends_at", "content"}
    assert set(outcome) == {"reference", "title", "end_event", "end_event_name", "completed_at"}
    text = response.text
    assert not [word for word in PRIVATE if word in text]

    # the other unit's board is empty; an unknown unit is a 404; the period over, the notice leaves the board
    other = client.get(f"/api/public/units/{BUILDING}/board").json()
    assert (other["publications"], other["outcomes"]) == ([], [])
    missing = client.get("/api/public/units/no-such-unit/board")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    for _ in range(30):
        if s.advance(days=1):
            break
    assert client.get(f"/api/public/units/{COMMUNITY}/board").json()["publications"] == []


# ----- 6: roles and named memberships --------------------------------------------------------------------------

def test_role_registry_and_named_memberships(client):
    roles = get(client, "/api/roles", "proposer").json()
    by_code = {r["code"]: (r["zh"], r["en"]) for r in roles}
    assert by_code["grid_steward"] == ("网格管家", "Grid steward")
    assert by_code["union_fed"] == ("楼宇工会联合会", "Building union federation")
    assert by_code["administrator"] == ("管理员", "Administrator") and "designer" in by_code
    lanes = {"proposer", "grid_steward", "deliberation_committee", "review_panel", "party_org", "assembly",
             "two_committees", "supervision_committee", "street_office", "union_fed", "employer_side", "recorder",
             "congress", "upper_union", "labour_admin"}
    assert set(by_code) == lanes | {"administrator", "designer"}
    assert all(zh != code for code, (zh, _en) in by_code.items())  # every shipped role has a Chinese name
    assert client.get("/api/roles").status_code == 401

    me = get(client, "/api/me", "grid_steward").json()
    assert me["memberships"] == [{"unit": COMMUNITY, "role": "grid_steward", "role_name": "网格管家",
                                  "unit_name": "盘龙区金江路社区"}]
    assert get(client, "/api/me", "grid_steward", **EN).json()["memberships"][0]["role_name"] == "Grid steward"
    signed_in = client.post("/api/auth/login", json={"user": "union_fed", "password": demo.PASSWORD}).json()
    assert signed_in["user"]["memberships"][0]["role_name"] == "楼宇工会联合会"


def test_unknown_role_codes_fall_back_to_the_code(client):
    with client.service.db.begin() as conn:
        conn.execute(sa.insert(memberships).values(user_id="proposer", unit=COMMUNITY, role="night_watch"))
    names = {m["role"]: m["role_name"] for m in get(client, "/api/me", "proposer").json()["memberships"]}
    assert names == {"proposer": "提议主体", "night_watch": "night_watch"}


# ----- 7: the heat map -----------------------------------------------------------------------------------------

def test_heat_counts_open_tasks_per_element(client):
    deploy_demo(client)
    for _ in range(3):
        demo_case(client, reject=False)  # three wait at the review
    HttpScenario.start(client, "demo_petition", unit=COMMUNITY, data={"title": "路灯"})  # one at the proposal
    demo_case(client, reject=True)  # completed: not counted

    response = get(client, "/api/admin/methods/demo_petition/heat", "admin")
    assert response.status_code == 200, response.text
    heat = response.json()
    assert (heat["key"], heat["version"], heat["name"]) == ("demo_petition", 1, "小区议事")
    assert "demo.bpmn" in heat["bpmn"] and heat["running_cases"] == 4
    assert [(e["process"], e["element_id"], e["name"], e["waiting"], e["overdue"]) for e in heat["elements"]] == [
        ("demo_petition", "review", "受理审查", 3, 0), ("demo_petition", "propose", "提议", 1, 0)]

    # once the reply period is over, the waiting reviews are overdue
    client.post("/api/dev/clock", headers=login(client, "admin"), json={"advance_days": 20})
    late = get(client, "/api/admin/methods/demo_petition/heat", "admin", **EN).json()
    review = next(e for e in late["elements"] if e["element_id"] == "review")
    assert (review["name"], review["overdue"]) == ("Review", 3)


@pytest.mark.parametrize("user, key, status", [
    ("proposer", "five_step", 403), ("designer", "five_step", 403), (None, "five_step", 401),
    ("admin", "no_such_method", 404)])
def test_heat_refusals(client, user, key, status):
    response = get(client, f"/api/admin/methods/{key}/heat", user)
    assert response.status_code == status and response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("name, zh, en", [
    ("决议 Record the vote", "决议", "Record the vote"),
    ("QQ群 QQ group", "QQ群", "QQ group"),
    ("第五步 公示结果 Step 5a: publish the outcome", "第五步 公示结果", "Step 5a: publish the outcome"),
    ("需要表决? Put to a vote?", "需要表决?", "Put to a vote?"),
    ("只有中文", "只有中文", "只有中文"),
    ("only English", "only English", "only English"),
    ("{x} 括号 Braces {y}", "{x} 括号", "Braces {y}"),
])
def test_bpmn_names_split_into_languages(name, zh, en):
    assert (names.render(name, "zh-CN"), names.render(name, "en")) == (zh, en)


# ----- the contract ----------------------------------------------------------------------------------------------

NEW = {
    "/api/methods": ("get", "Method", 200),
    "/api/methods/{key}/start-form": ("get", "StartForm", 200),
    "/api/tasks/done": ("get", "DoneTaskPage", 200),
    "/api/cases": ("get", "CasePage", 200),
    "/api/public/units/{unit}/board": ("get", "PublicBoard", 200),
    "/api/roles": ("get", "Role", 200),
    "/api/me": ("get", "Me", 200),
    "/api/admin/methods/{key}/heat": ("get", "Heat", 200),
}


def test_openapi_types_every_new_answer(client):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for path, (method, model, status) in NEW.items():
        operation = spec["paths"][path][method]
        content = operation["responses"][str(status)]["content"]["application/json"]["schema"]
        assert model in json.dumps(content), (path, content)
        for code, response in operation["responses"].items():
            if code.startswith("4"):
                assert "application/problem+json" in response["content"], (path, code)
    public = spec["paths"]["/api/public/units/{unit}/board"]["get"]
    assert "security" not in public and "401" not in public["responses"]
    assert spec["paths"]["/api/methods"]["get"].get("security")

    # every field of the new models is declared and typed: no free-form object except the declared data fields
    free_form = {("StartForm", "form_schema"), ("StartForm", "ui_schema"), ("StartForm", "initial_data"),
                 ("DoneTask", "data"), ("Heat", "bpmn")}
    for name in ("Method", "StartForm", "DoneTask", "DoneTaskPage", "OpenStep", "CaseSummary", "Publication",
                 "Outcome", "PublicBoard", "Role", "Membership", "HeatElement", "Heat"):
        schema = schemas[name]
        assert schema["type"] == "object" and set(schema["required"]) == set(schema["properties"]), name
        for field, prop in schema["properties"].items():
            assert prop.get("type") or prop.get("anyOf") or prop.get("$ref") or prop.get("items"), (name, field)
            if (name, field) not in free_form:
                assert "additionalProperties" not in prop, (name, field)
    assert schemas["CaseSummary"]["properties"]["open_steps"]["items"]["$ref"].endswith("/OpenStep")
    assert "started_by" in schemas["CaseDetail"]["properties"]
