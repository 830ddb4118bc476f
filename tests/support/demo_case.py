"""The demo petition process (tests/fixtures/demo): its unit, actors, data, and helpers that drive it."""

from __future__ import annotations

from pathlib import Path

from engine.domain.actors import Actor
from engine.service import Yishi

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEMO = FIXTURES / "demo" / "demo.bpmn"
UNIT = "金江路社区"

DESIGNER = Actor("dora", is_designer=True)
ADMIN = Actor("ada", is_admin=True)
PROPOSER = Actor("pan", frozenset({(UNIT, "proposer")}))
STEWARD = Actor("wang", frozenset({(UNIT, "grid_steward")}))
ASSEMBLY = Actor("chen", frozenset({(UNIT, "assembly")}))
STREET = Actor("zhao", frozenset({(UNIT, "street_office")}))


PROPOSAL = {"description": "在3号院增设电动自行车集中充电桩，解决飞线充电隐患。", "households": 86}
VOTE = {"eligible": 41, "present": 30, "yes": 22, "no": 5, "abstain": 3}


def drive_to_vote(service, **start_data):
    case = service.start("demo_petition", UNIT, PROPOSER, {"title": "3号院充电桩", **start_data})
    service.complete(case["id"], open_task(service, case["id"], "propose")["task_id"], PROPOSER, PROPOSAL)
    service.complete(case["id"], open_task(service, case["id"], "review")["task_id"], STEWARD,
                     {"decision": "deliberate"})
    return case


def kinds(service, case_id):
    rows, verification = service.history(case_id)
    assert verification.ok
    return [row["kind"] for row in rows]

def open_task(service: Yishi, case_id: int, element_id: str) -> dict:
    tasks = [t for t in service.case(case_id)["open_tasks"] if t["element_id"] == element_id]
    assert len(tasks) == 1, f"expected one open {element_id}, found {service.case(case_id)['open_tasks']}"
    return tasks[0]
