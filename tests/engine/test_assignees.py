"""Who gets a task: the lane's role in the case's unit, or one person named by the process (``assignee``): the
case's starter, or a user chosen in an earlier step. Memberships count from the moment they are granted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.definitions.compiler import load_bundle
from engine.definitions.lint import lint
from engine.domain.actors import Actor
from engine.errors import Forbidden
from engine.people import accounts, users
from engine.people import units as tree
from tests.support.demo_case import DESIGNER, PROPOSAL, PROPOSER, UNIT, open_task

ASSIGNED = Path(__file__).resolve().parent.parent / "fixtures" / "assigned" / "assigned.bpmn"
PAN, ZHOU = PROPOSER, Actor("zhou", frozenset({(UNIT, "proposer")}))
WANG = Actor("wang", frozenset({(UNIT, "grid_steward")}))
LI = Actor("li")  # no membership at all: named in a form, that is enough


@pytest.fixture
def service(yishi):
    yishi.deploy(load_bundle([ASSIGNED]), DESIGNER)
    return yishi


def inbox(service, actor):
    return [(t["element_id"], t["assignee"]) for t in service.tasks(actor)]


def test_a_step_addressed_to_the_starter_and_one_to_a_chosen_user(service):
    case = service.start("follow_up", UNIT, PAN, {"title": "3号院充电桩"})
    service.complete(case["id"], open_task(service, case["id"], "ask")["task_id"], WANG,
                     {"question": "充电桩装在哪一侧？", "follow_up_by": "li"})
    answer = open_task(service, case["id"], "answer")
    assert answer["assignee"] == "pan" and answer["role"] == "proposer"
    assert inbox(service, PAN) == [("answer", "pan")] and inbox(service, ZHOU) == []  # same role, not theirs
    with pytest.raises(Forbidden, match="addressed to pan"):
        service.complete(case["id"], answer["task_id"], ZHOU, {"answer": "东侧"})
    with pytest.raises(Forbidden, match="addressed to pan"):
        service.task(answer["task_id"], ZHOU)
    service.complete(case["id"], answer["task_id"], PAN, {"answer": "东侧围墙边"})

    follow = open_task(service, case["id"], "follow")
    assert follow["assignee"] == "li" and inbox(service, WANG) == [] and inbox(service, LI) == [("follow", "li")]
    assert service.task(follow["task_id"], LI)["assignee"] == "li"
    with pytest.raises(Forbidden):
        service.claim(follow["task_id"], Actor("ada", frozenset({(UNIT, "grid_steward")})))
    service.complete(case["id"], follow["task_id"], LI, {"note": "已联系物业"})
    assert service.case(case["id"])["status"] == "completed"
    rows, verification = service.history(case["id"])
    assert verification.ok
    opened = {r["element_id"]: r["data"].get("assignee") for r in rows if r["kind"] == "task_opened"}
    assert opened == {"ask": None, "answer": "pan", "follow": "li"}


def test_an_administrator_may_complete_a_step_addressed_to_someone(service):
    case = service.start("follow_up", UNIT, PAN, {"title": "x"})
    service.complete(case["id"], open_task(service, case["id"], "ask")["task_id"], WANG,
                     {"question": "?", "follow_up_by": "li"})
    service.complete(case["id"], open_task(service, case["id"], "answer")["task_id"], Actor("ada", is_admin=True),
                     {"answer": "代为补充（电话记录）"})
    assert open_task(service, case["id"], "follow")["assignee"] == "li"


def test_an_assignee_that_is_no_user_id_puts_the_case_in_error(service):
    case = service.start("follow_up", UNIT, PAN, {"title": "x"})
    detail = service.complete(case["id"], open_task(service, case["id"], "ask")["task_id"], WANG,
                              {"question": "?", "follow_up_by": "li"})
    assert detail["status"] == "waiting_for_people"
    bundle = load_bundle([ASSIGNED])
    name = next(iter(bundle.bpmn))
    bundle.bpmn[name] = bundle.bpmn[name].replace(b'value="case_started_by"', b'value="len(case_started_by)"')
    service.deploy(bundle, DESIGNER)
    case2 = service.start("follow_up", UNIT, PAN, {"title": "y"})
    after = service.complete(case2["id"], open_task(service, case2["id"], "ask")["task_id"], WANG,
                             {"question": "?", "follow_up_by": "li"})
    assert after["status"] == "error" and after["error_element"] == "answer"
    assert "not a user id" in after["error_message"]


def test_lint_checks_assignee_expressions():
    bundle = load_bundle([ASSIGNED])
    name = next(iter(bundle.bpmn))
    bundle.bpmn[name] = bundle.bpmn[name].replace(b'value="follow_up_by"', b'value="follow_up_by +"')
    report = lint(bundle.bpmn, bundle.forms)
    assert [p.element_id for p in report.problems] == ["follow"]
    assert "assignee expression" in str(report.problems[0])


def test_a_member_sees_a_roles_tasks_as_soon_as_granted_and_loses_them_when_revoked_or_expired(demo, frozen_clock):
    case = demo.start("demo_petition", UNIT, PROPOSER, {"title": "充电桩"})
    demo.complete(case["id"], open_task(demo, case["id"], "propose")["task_id"], PROPOSER, PROPOSAL)
    with demo.db.begin() as conn:
        tree.create(conn, UNIT, "community", UNIT, by="ada")
        users.create(conn, "wang", "王网格", by="ada")

    def review_tasks():
        with demo.db.connect() as conn:
            return [t["element_id"] for t in demo.tasks(accounts.actor_of(conn, "wang"))]

    assert review_tasks() == []
    with demo.db.begin() as conn:
        accounts.grant(conn, "wang", UNIT, "grid_steward", by="ada")
    assert review_tasks() == ["review"]
    with demo.db.begin() as conn:
        accounts.revoke(conn, "wang", UNIT, "grid_steward", by="ada")
    assert review_tasks() == []
    with demo.db.begin() as conn:
        accounts.grant(conn, "wang", UNIT, "grid_steward", by="ada", valid_to=dt.date(2026, 3, 2))
    assert review_tasks() == ["review"]
    frozen_clock.advance(dt.timedelta(days=1))  # the membership's last day is over
    assert review_tasks() == []
