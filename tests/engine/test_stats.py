"""Statistics for the street, against figures worked out by hand from cases driven through the engine.

Two streets: 盘龙街道 with 金江路社区 (A) and 青云社区 (B), 五华街道 with 翠湖社区 (C). The demo petition:
propose → review (due the 7th day after the start, end of day Beijing time) → rejected, or vote → adopted.

| case | unit | started (Beijing)  | what happens                                                           |
|------|------|--------------------|------------------------------------------------------------------------|
| c0   | A    | 2026-01-01 07:30   | nothing more (2025-12-31 in UTC: counts in 2026, Beijing time)         |
| c1   | A    | 2026-03-02 09:00   | propose 03-03 (1 d), review 03-05 (2 d, rejected): finished, 3 d       |
| c2   | A    | 2026-03-02 09:00   | propose 03-02 (0 d), timer 03-12 opens the urge, review 03-12          |
|      |      |                    | (10 d, late: due 03-09); vote open                                     |
| c3   | B    | 2026-03-02 09:00   | propose 03-03 (1 d), review 03-06 (3 d), vote 03-06 (0 d, adopted):    |
|      |      |                    | finished, 4 d                                                          |
| c4   | C    | 2026-03-02 09:00   | propose 03-03 (1 d); review open, overdue since 03-09                  |
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine.definitions.compiler import Bundle, load_bundle
from engine.domain.actors import Actor
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.people import accounts
from engine.store.tables import units
from tests.support.demo_case import ADMIN, DEMO, DESIGNER, PROPOSAL, VOTE, open_task

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
STREET, A, B = "盘龙街道", "金江路社区", "青云社区"
OTHER_STREET, C = "五华街道", "翠湖社区"
TREE = [(STREET, "street", None), (A, "community", STREET), (B, "community", STREET),
        (OTHER_STREET, "street", None), (C, "community", OTHER_STREET)]


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def member(unit: str, role: str) -> Actor:
    return Actor(f"{role}@{unit}", frozenset({(unit, role)}))


def complete(service, case_id: int, element: str, role: str, data: dict, unit: str) -> None:
    service.complete(case_id, open_task(service, case_id, element)["task_id"], member(unit, role), data)


@pytest.fixture
def figures(demo, frozen_clock):
    """The five cases of the module docstring; the clock ends at 2026-03-12 09:00 Beijing."""
    with demo.db.begin() as conn:
        for code, kind, parent in TREE:
            conn.execute(sa.insert(units).values(code=code, kind=kind, name=code, parent=parent))

    def start(unit: str) -> int:
        return demo.start("demo_petition", unit, member(unit, "proposer"), {"title": f"{unit} 提议"})["id"]

    frozen_clock.set(at(1, 1, 7, 30))
    c0 = start(A)
    frozen_clock.set(at(3, 2))
    c1, c2, c3, c4 = start(A), start(A), start(B), start(C)
    complete(demo, c2, "propose", "proposer", PROPOSAL, A)
    frozen_clock.set(at(3, 3))
    for case, unit in ((c1, A), (c3, B), (c4, C)):
        complete(demo, case, "propose", "proposer", PROPOSAL, unit)
    frozen_clock.set(at(3, 5))
    complete(demo, c1, "review", "grid_steward", {"decision": "reject", "reason": "不属于公共事务"}, A)
    frozen_clock.set(at(3, 6))
    complete(demo, c3, "review", "grid_steward", {"decision": "deliberate"}, B)
    complete(demo, c3, "vote", "assembly", VOTE, B)
    frozen_clock.set(at(3, 12))
    assert demo.tick().timers_fired == 2  # c2 and c4: the urge opens (no due date)
    complete(demo, c2, "review", "grid_steward", {"decision": "deliberate"}, A)
    assert demo.case(c1)["end_event"] == "end_rejected" and demo.case(c3)["end_event"] == "end_adopted"
    return {"c0": c0, "c1": c1, "c2": c2, "c3": c3, "c4": c4}


def counts(figures: dict) -> tuple:
    return (figures["started"], figures["finished"], figures["cancelled"], figures["tasks_completed"],
            figures["tasks_with_due"], figures["tasks_late"], figures["open_tasks_with_due"], figures["open_overdue"])


def test_an_administrator_sees_every_unit_rolled_up_the_tree(demo, figures):
    report = demo.stats(ADMIN)
    assert (report["from_date"], report["to_date"]) == (dt.date(2026, 1, 1), dt.date(2026, 3, 12))
    by_unit = {u["code"]: u for u in report["units"]}
    #                                      started finished cancelled done due late open-due overdue
    assert counts(by_unit[A]["figures"]) == (3, 1, 0, 4, 2, 1, 0, 0)
    assert counts(by_unit[B]["figures"]) == (1, 1, 0, 3, 1, 0, 0, 0)
    assert counts(by_unit[STREET]["figures"]) == (4, 2, 0, 7, 3, 1, 0, 0)
    assert counts(by_unit[C]["figures"]) == (1, 0, 0, 1, 0, 0, 1, 1)
    assert counts(by_unit[OTHER_STREET]["figures"]) == (1, 0, 0, 1, 0, 0, 1, 1)
    assert counts(report["totals"]) == (5, 2, 0, 8, 3, 1, 1, 1)
    assert by_unit[STREET]["figures"]["overdue_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert by_unit[B]["figures"]["overdue_rate"] == 0 and by_unit[C]["figures"]["overdue_rate"] is None
    # tree order, with depth and parent, for the table
    assert [(u["code"], u["depth"], u["parent"]) for u in report["units"]] == [
        (OTHER_STREET, 0, None), (C, 1, OTHER_STREET), (STREET, 0, None), (A, 1, STREET), (B, 1, STREET)]
    assert [(e["end_event"], e["count"]) for e in by_unit[STREET]["figures"]["by_end_event"]] == [
        ("end_adopted", 1), ("end_rejected", 1)]
    assert by_unit[B]["figures"]["by_end_event"][0]["name"] == "决议通过"


def test_median_days_per_stage_and_to_finish(demo, figures):
    report = demo.stats(ADMIN, language="en")
    [method] = report["methods"]
    assert (method["method"], method["name"]) == ("demo_petition", "Courtyard petition")
    assert counts(method["figures"]) == (5, 2, 0, 8, 3, 1, 1, 1)
    assert method["median_days_to_finish"] == 3.5  # c1 3 days, c3 4 days
    stages = [(s["element_id"], s["name"], s["completed"], s["median_days"], s["tasks_with_due"], s["tasks_late"])
              for s in method["stages"]]
    assert stages == [("propose", "Propose", 4, 1.0, 0, 0),  # 0, 1, 1, 1
                      ("review", "Review", 3, 3.0, 3, 1),  # 2, 3, 10 (late)
                      ("vote", "Vote", 1, 0.0, 0, 0)]
    assert method["stages"][1]["overdue_rate"] == pytest.approx(0.3333, abs=1e-4)


def test_a_street_user_sees_its_communities_and_not_another_streets(demo, figures):
    with demo.db.begin() as conn:  # the street office role covers the units below its street (engine.people)
        accounts.ensure_user(conn, "zhao", "pw-zhao-2026", roles=[(STREET, "street_office")])
    street = demo.user("zhao")
    report = demo.stats(street)
    assert [u["code"] for u in report["units"]] == [STREET, A, B]
    assert counts(report["totals"]) == (4, 2, 0, 7, 3, 1, 0, 0)
    [method] = report["methods"]
    assert [(s["element_id"], s["completed"], s["median_days"]) for s in method["stages"]] == [
        ("propose", 3, 0.5 * (1 + 1)), ("review", 3, 3.0), ("vote", 1, 0.0)]  # propose: 0, 1, 1
    with pytest.raises(Forbidden):
        demo.stats(street, unit=C)
    community = demo.stats(member(B, "grid_steward"))
    assert [u["code"] for u in community["units"]] == [B] and counts(community["totals"])[:2] == (1, 1)


def test_one_unit_and_its_children(demo, figures):
    report = demo.stats(ADMIN, unit=STREET)
    assert [u["code"] for u in report["units"]] == [STREET, A, B]
    assert counts(report["totals"]) == (4, 2, 0, 7, 3, 1, 0, 0)
    only_a = demo.stats(ADMIN, unit=A)
    assert counts(only_a["totals"]) == (3, 1, 0, 4, 2, 1, 0, 0)
    assert only_a["methods"][0]["median_days_to_finish"] == 3.0
    with pytest.raises(NotFound):
        demo.stats(ADMIN, unit="没有这个社区")


def test_the_period_is_in_beijing_time(demo, figures):
    new_year = demo.stats(ADMIN, from_date=dt.date(2026, 1, 1), to_date=dt.date(2026, 1, 1))
    assert counts(new_year["totals"])[:2] == (1, 0)  # c0: 2025-12-31 23:30 UTC
    assert counts(demo.stats(ADMIN, from_date=dt.date(2025, 12, 31), to_date=dt.date(2025, 12, 31))["totals"])[0] == 0
    one_day = demo.stats(ADMIN, from_date=dt.date(2026, 3, 6), to_date=dt.date(2026, 3, 6))
    assert counts(one_day["totals"])[:6] == (0, 1, 0, 2, 1, 0)  # c3's review and vote, and its end
    assert one_day["methods"][0]["median_days_to_finish"] == 4.0
    assert demo.stats(ADMIN, method="no_such_method")["methods"] == []
    with pytest.raises(InvalidInput) as refused:
        demo.stats(ADMIN, from_date=dt.date(2026, 3, 6), to_date=dt.date(2026, 3, 5))
    assert refused.value.errors[0].path == "to"


def test_a_due_date_moved_before_completion_is_the_one_that_counts(demo, figures):
    """The due date in force at completion: the latest ``task_due_changed`` before it, else the opening's. c4's
    review was due 03-09; a new version gives it 14 more days (03-23), c4 moves to it and is reviewed on 03-12."""
    bundle = load_bundle([DEMO])
    xml = bundle.bpmn["demo.bpmn"].decode().replace('value="period_end(case_started_at, reply_days)"',
                                                    'value="period_end(case_started_at, reply_days + 14)"', 1)
    demo.deploy(Bundle(bpmn={"demo.bpmn": xml.encode()}, forms=bundle.forms), DESIGNER)
    moved = demo.migrate("demo_petition", [figures["c4"]], DESIGNER)
    assert moved[0]["migrated"], moved
    assert "task_due_changed" in [e["kind"] for e in demo.history(figures["c4"])[0]]
    complete(demo, figures["c4"], "review", "grid_steward", {"decision": "reject", "reason": "不属于公共事务"}, C)
    by_unit = {u["code"]: u for u in demo.stats(ADMIN)["units"]}
    assert counts(by_unit[C]["figures"]) == (1, 0, 0, 2, 1, 0, 0, 0)  # not late: 03-12 before 03-23
