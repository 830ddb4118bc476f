"""Failures stay with their case (issue 10, item 2): whatever one case's definition or stored state does, the timer
tick handles every other case, and a step that fails anywhere — serialisation included — is a case error, recorded
in the case file and listed in the stuck report, never an exception out of the engine."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine.cases.unit import UnreadableState
from engine.definitions.compiler import load_bundle
from engine.errors import InvalidDefinition
from engine.store.tables import cases
from tests.support.demo_case import ADMIN, DESIGNER, FIXTURES, STEWARD, UNIT, open_task

POISON = FIXTURES / "poison"
FIRST_TIMER = dt.datetime(2026, 3, 3, 2, 0, tzinfo=dt.UTC)  # after "2026-03-03T09:00:00+08:00"
LATER = "2027-01-01T09:00:00+08:00"


@pytest.fixture
def poison(yishi):
    yishi.deploy(load_bundle([POISON / "poison.bpmn", POISON / "poison_step.bpmn"]), DESIGNER)
    return yishi


def start(service, poison: str, deadline: str = LATER) -> int:
    return service.start("poison_timer", UNIT, STEWARD, {"poison": poison, "deadline": deadline, "title": poison})["id"]


def damage(service, case_id: int, state: str = '{"tasks": "not a workflow"}') -> None:
    with service.db.begin() as conn:
        conn.execute(sa.update(cases).where(cases.c.id == case_id).values(state=state))


def last_event(service, case_id: int) -> dict:
    rows, verification = service.history(case_id)
    assert verification.ok
    return rows[-1]


def test_one_poison_case_never_stops_the_other_cases_timers(poison):
    healthy = [start(poison, "none") for _ in range(2)]
    big, a_range, nan = start(poison, "big"), start(poison, "range"), start(poison, "nan")
    no_date = start(poison, "none", deadline="下周二")
    unreadable = start(poison, "none")
    damage(poison, unreadable)
    last = start(poison, "none")  # after every poison case in the tick's order
    healthy.append(last)

    result = poison.tick(FIRST_TIMER)

    assert (result.cases, result.errors) == (8, 5)
    assert result.timers_fired >= 3
    for case_id in healthy:
        case = poison.case(case_id)
        assert case["status"] == "waiting_for_timer", case
        assert case["next_timer_at"] == dt.datetime.fromisoformat(LATER)
    expected = {  # case: (element, words of the message)
        big: ("compute", "4300"),
        a_range: ("compute", "range"),
        nan: ("compute", "JSON"),
        no_date: ("deadline_timer", "下周二"),
    }
    for case_id, (element, words) in expected.items():
        case = poison.case(case_id)
        assert (case["status"], case["error_element"]) == ("error", element), case
        assert words in case["error_message"]
        event = last_event(poison, case_id)
        assert (event["kind"], event["element_id"]) == ("case_error", element)
        assert words in event["data"]["message"]
    broken = poison.case(unreadable)
    assert broken["status"] == "error" and "cannot be loaded" in broken["error_message"]
    assert last_event(poison, unreadable)["data"]["cause"] == "unreadable_state"

    stuck = {(row["case_id"], row["reason"]): row for row in poison.stuck(ADMIN, now=FIRST_TIMER)}
    for case_id, (element, _words) in expected.items():
        assert stuck[(case_id, "error")]["element_id"] == element
    assert stuck[(unreadable, "unreadable")]["detail"].render("zh-CN").startswith("存储的流程状态无法读取")
    assert (unreadable, "error") not in stuck
    assert [row["case_id"] for row in poison.stuck(ADMIN, now=FIRST_TIMER, reason="unreadable")] == [unreadable]
    # a second tick leaves the cases in error alone and still serves the others
    assert poison.tick(FIRST_TIMER + dt.timedelta(minutes=1)).errors == 0


def test_a_value_that_cannot_be_stored_keeps_the_previous_state(poison):
    case_id = start(poison, "big")
    before = poison.case(case_id)
    poison.tick(FIRST_TIMER)
    after = poison.case(case_id)
    assert after["status"] == "error" and "not stored" in after["error_message"]
    assert after["next_timer_at"] == before["next_timer_at"]  # the step that made the value was not stored
    kinds = [row["kind"] for row in poison.history(case_id)[0]]
    assert "timer_fired" not in kinds and "computed" not in kinds
    # the administrator's retry re-runs from the stored state; the timer fires (and fails) again at the next tick
    retried = poison.retry(case_id, ADMIN)
    assert retried["status"] == "waiting_for_timer"
    assert poison.tick(FIRST_TIMER + dt.timedelta(minutes=1)).errors == 1


@pytest.mark.parametrize(("data", "element", "words"), [
    ({"poison": "big", "deadline": LATER}, "compute", "4300"),
    ({"poison": "range", "deadline": LATER}, "compute", "range"),
    ({"poison": "none", "deadline": "下周二"}, "deadline_timer", "下周二"),
    ({"poison": "huge", "deadline": LATER}, "compute", "too large to store"),  # the sandbox stops it first
])
def test_a_step_that_fails_anywhere_is_a_case_error_not_an_exception(poison, data, element, words):
    case = poison.start("poison_step", UNIT, STEWARD, {"title": "t"})
    enter = open_task(poison, case["id"], "enter")["task_id"]
    failed = poison.complete(case["id"], enter, STEWARD, data)
    assert (failed["status"], failed["error_element"]) == ("error", element)
    assert words in failed["error_message"]
    assert last_event(poison, case["id"])["kind"] == "case_error"


def test_the_size_limit_is_a_setting(poison):
    poison.runtime.max_case_bytes = 10_000
    case = poison.start("poison_step", UNIT, STEWARD, {"title": "t"})
    enter = open_task(poison, case["id"], "enter")["task_id"]
    failed = poison.complete(case["id"], enter, STEWARD, {"poison": "none", "deadline": LATER, "note": "x" * 20_000})
    assert failed["status"] == "error"
    assert "over the limit of 10,000 (YISHI_MAX_CASE_BYTES)" in failed["error_message"]
    assert [t["element_id"] for t in failed["open_tasks"]] == ["enter"]  # the person's step was not stored
    poison.runtime.max_case_bytes = 2_000_000
    assert poison.retry(case["id"], ADMIN)["open_tasks"][0]["element_id"] == "enter"


def test_a_case_whose_state_cannot_be_loaded_answers_with_an_error_and_can_be_cancelled(poison):
    case = poison.start("poison_step", UNIT, STEWARD, {"title": "t"})
    enter = open_task(poison, case["id"], "enter")["task_id"]
    damage(poison, case["id"], "not json at all")
    with pytest.raises(UnreadableState, match="cannot be loaded"):
        poison.complete(case["id"], enter, STEWARD, {"poison": "none", "deadline": LATER})
    with pytest.raises(UnreadableState):
        poison.retry(case["id"], ADMIN)
    cancelled = poison.cancel(case["id"], ADMIN, "状态损坏，重新发起")
    assert cancelled["status"] == "cancelled" and cancelled["open_tasks"] == []
    assert [row["kind"] for row in poison.history(case["id"])[0]][-2:] == ["case_cancelled", "task_closed"]


@pytest.mark.parametrize("kind", ["big", "nan"])
def test_a_first_step_that_cannot_be_stored_creates_no_case_and_says_why(poison, kind):
    poison.deploy(load_bundle([POISON / "poison_start.bpmn"]), DESIGNER)
    with pytest.raises(InvalidDefinition) as refused:
        poison.start("poison_start", UNIT, STEWARD, {"poison": kind, "title": kind})
    assert "无法保存" in refused.value.text.render("zh-CN") and "cannot be stored" in refused.value.message
    assert poison.cases() == []
