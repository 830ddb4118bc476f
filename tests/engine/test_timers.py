"""Timers driven by the injected clock, across save and load; due dates from Civil Code counting."""

from __future__ import annotations

import datetime as dt

from engine.domain import clock
from tests.support.demo_case import ADMIN, PROPOSAL, PROPOSER, STEWARD, STREET, UNIT, open_task

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# Started Monday 2026-03-02 (Shanghai); reply_days 7 -> last day Monday 2026-03-09, a working day.
REVIEW_DUE = dt.datetime(2026, 3, 9, 23, 59, 59, tzinfo=SHANGHAI)


def at_review(service, **start):
    case = service.start("demo_petition", UNIT, PROPOSER, {"title": "x", **start})
    service.complete(case["id"], open_task(service, case["id"], "propose")["task_id"], PROPOSER, PROPOSAL)
    return service.case(case["id"])


def test_due_date_and_next_timer_are_stored_with_the_case(demo):
    case = at_review(demo)
    review = open_task(demo, case["id"], "review")
    assert review["due_at"] == REVIEW_DUE
    assert case["next_timer_at"] == REVIEW_DUE
    opened = [r for r in demo.history(case["id"])[0] if r["kind"] == "task_opened" and r["element_id"] == "review"]
    assert opened[0]["data"]["due_at"] == REVIEW_DUE.astimezone(dt.UTC).isoformat()
    assert "due_approximate" not in opened[0]["data"]  # 2026 is in the holiday data


def test_holiday_rolls_the_due_date(demo, frozen_clock):
    # Started 2026-09-24 (Thursday); 7 days -> 2026-10-01, National Day: rolled past the holiday
    # to the first working day after it.
    frozen_clock.set(dt.datetime(2026, 9, 24, 2, 0, tzinfo=dt.UTC))
    case = at_review(demo)
    due = open_task(demo, case["id"], "review")["due_at"].astimezone(SHANGHAI)
    assert due.date() == dt.date(2026, 10, 8) and (due.hour, due.minute) == (23, 59)


def test_tick_fires_only_due_timers_and_survives_reload(demo, frozen_clock):
    case = at_review(demo)
    nothing = demo.tick(REVIEW_DUE - dt.timedelta(seconds=1))
    assert (nothing.timers_fired, nothing.cases) == (0, 0)
    assert demo.case(case["id"])["open_tasks"][0]["element_id"] == "review"
    fired = demo.tick(REVIEW_DUE + dt.timedelta(seconds=1))
    assert (fired.timers_fired, fired.cases, fired.errors) == (1, 1, 0)
    after = demo.case(case["id"])
    assert {t["element_id"] for t in after["open_tasks"]} == {"review", "urge_review"}  # non-interrupting
    assert after["next_timer_at"] is None
    assert [t["element_id"] for t in demo.tasks(STREET)] == ["urge_review"]
    again = demo.tick(REVIEW_DUE + dt.timedelta(days=30))
    assert again.timers_fired == 0
    events = demo.history(case["id"])[0]
    assert [(r["kind"], r["element_id"]) for r in events if r["kind"] == "timer_fired"] == [
        ("timer_fired", "review_overdue")]
    # both branches finish: the urge and the late review
    demo.complete(case["id"], open_task(demo, case["id"], "urge_review")["task_id"], STREET, {"note": "请尽快答复"})
    done = demo.complete(case["id"], open_task(demo, case["id"], "review")["task_id"], STEWARD,
                         {"decision": "reject", "reason": "不属于公共事务"})
    assert done["status"] == "completed"


def test_tick_uses_the_global_clock_by_default(demo, frozen_clock):
    at_review(demo)
    frozen_clock.advance(dt.timedelta(days=8))
    assert demo.tick().timers_fired == 1
    assert clock.now() > REVIEW_DUE


def test_completing_before_the_deadline_cancels_the_timer(demo):
    case = at_review(demo)
    demo.complete(case["id"], open_task(demo, case["id"], "review")["task_id"], STEWARD,
                  {"decision": "deliberate"})
    assert demo.case(case["id"])["next_timer_at"] is None
    assert demo.tick(REVIEW_DUE + dt.timedelta(days=1)).timers_fired == 0


def test_suspended_cases_do_not_tick(demo):
    case = at_review(demo)
    demo.suspend(case["id"], ADMIN, "暂停")
    assert demo.tick(REVIEW_DUE + dt.timedelta(days=1)).timers_fired == 0
    demo.resume(case["id"], ADMIN)
    assert demo.tick(REVIEW_DUE + dt.timedelta(days=1)).timers_fired == 1


def test_a_due_date_beyond_the_holiday_data_is_marked_approximate(demo, frozen_clock):
    # chinesecalendar knows holidays up to 2026; a review due in January 2027 counts weekends only
    frozen_clock.set(dt.datetime(2026, 12, 28, 2, 0, tzinfo=dt.UTC))
    case = at_review(demo)
    opened = [r for r in demo.history(case["id"])[0] if r["kind"] == "task_opened" and r["element_id"] == "review"]
    assert opened[0]["data"]["due_approximate"] is True
