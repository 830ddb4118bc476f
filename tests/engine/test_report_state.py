"""What the writers keep for the stuck report (engine.store.report_state) stays what the case rows and files say:
after starts, completions, claims, timers and every administrator's act, on each backend, and the report built on
it lists what counting the case file would (loops, overdue tasks of active cases only, pages that add up)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from engine.store import report_state
from engine.store.tables import cases, completion_counts, open_tasks
from tests.support import five_step
from tests.support.demo_case import ADMIN, PROPOSAL, PROPOSER, STEWARD, UNIT, open_task
from tests.support.scenario import now


def kept_right(service) -> None:
    with service.db.connect() as conn:
        assert report_state.differences(conn) == []


def active_flags(service, case_id: int) -> list[bool]:
    with service.db.connect() as conn:
        return [bool(v) for v in conn.execute(sa.select(open_tasks.c.case_active)
                                              .where(open_tasks.c.case_id == case_id)).scalars()]


def counts(service, case_id: int) -> dict[str, int]:
    with service.db.connect() as conn:
        return dict(conn.execute(sa.select(completion_counts.c.element_id, completion_counts.c.completions)
                                 .where(completion_counts.c.case_id == case_id)).all())


def at_review(service) -> int:
    case = service.start("demo_petition", UNIT, PROPOSER, {"title": "x"})
    kept_right(service)
    service.complete(case["id"], open_task(service, case["id"], "propose")["task_id"], PROPOSER, PROPOSAL)
    kept_right(service)
    return case["id"]


def test_a_loop_is_counted_by_its_completions_and_forgotten_when_the_case_ends(yishi, frozen_clock):
    s = five_step.start(yishi)
    five_step.register(s)
    five_step.triage(s)
    for _ in range(3):
        five_step.consult(s, consensus=False)
        frozen_clock.advance(dt.timedelta(hours=1))
        kept_right(yishi)
    third = now() - dt.timedelta(hours=1)
    assert counts(yishi, s.case_id)["A_UT_Consult"] == 3 == s.completions()["A_UT_Consult"]
    loops = [r for r in yishi.stuck(ADMIN, reason="looping") if r["case_id"] == s.case_id]
    assert [(r["element_id"], r["since"]) for r in loops] == [("A_UT_Consult", third)]
    assert loops[0]["detail"].render("en") == "completed 3 times"
    page = yishi.stuck_page(ADMIN, reason="looping", limit=10)
    assert page["counts"] == {"looping": 1}
    # suspended cases still loop; in error or ended they do not
    yishi.suspend(s.case_id, ADMIN, "暂停核查")
    kept_right(yishi)
    assert yishi.stuck_page(ADMIN, reason="looping")["counts"] == {"looping": 1}
    yishi.resume(s.case_id, ADMIN)
    s.do("A_UT_DecideContinue", {"continue_decision": "withdraw", "reasons": "三轮商议未能达成共识"},
         by="deliberation_committee")
    kept_right(yishi)
    five_step.publish(s)
    assert s.case["status"] == "completed"
    kept_right(yishi)
    assert counts(yishi, s.case_id) == {}
    assert yishi.stuck_page(ADMIN, reason="looping")["counts"] == {}


def test_open_tasks_follow_their_case_in_and_out_of_the_active_statuses(demo, frozen_clock):
    case_id = at_review(demo)
    task = open_task(demo, case_id, "review")
    demo.claim(task["task_id"], STEWARD)
    kept_right(demo)
    frozen_clock.advance(dt.timedelta(days=8))  # the review is overdue (due after 7 days)
    demo.tick()
    kept_right(demo)
    assert {r["reason"] for r in demo.stuck(ADMIN) if r["case_id"] == case_id} >= {"overdue"}
    demo.suspend(case_id, ADMIN, "等待核实")
    kept_right(demo)
    assert active_flags(demo, case_id) and not any(active_flags(demo, case_id))
    assert demo.inbox(STEWARD) == []
    assert "overdue" not in {r["reason"] for r in demo.stuck(ADMIN) if r["case_id"] == case_id}
    demo.resume(case_id, ADMIN)
    kept_right(demo)
    assert all(active_flags(demo, case_id)) and [t["case_id"] for t in demo.inbox(STEWARD)] == [case_id]
    assert "overdue" in {r["reason"] for r in demo.stuck(ADMIN) if r["case_id"] == case_id}
    demo.cancel(case_id, ADMIN, "重复提交")
    kept_right(demo)
    assert active_flags(demo, case_id) == [] and counts(demo, case_id) == {}


def test_a_case_put_in_error_by_the_timer_tick_leaves_the_inbox_and_comes_back_on_retry(demo, frozen_clock):
    case_id = at_review(demo)
    assert counts(demo, case_id) == {"propose": 1}
    with demo.db.begin() as conn:  # the timer finds a state it cannot load
        good = conn.execute(sa.select(cases.c.state).where(cases.c.id == case_id)).scalar_one()
        conn.execute(sa.update(cases).where(cases.c.id == case_id).values(state='{"tasks": "damaged"}'))
    frozen_clock.advance(dt.timedelta(days=30))
    assert demo.tick().errors == 1
    kept_right(demo)
    assert not any(active_flags(demo, case_id)) and demo.inbox(STEWARD) == []
    assert [r["reason"] for r in demo.stuck(ADMIN) if r["case_id"] == case_id] == ["unreadable"]
    with demo.db.begin() as conn:  # the administrator restores the state, then retries
        conn.execute(sa.update(cases).where(cases.c.id == case_id).values(state=good))
    demo.retry(case_id, ADMIN)
    kept_right(demo)
    assert all(active_flags(demo, case_id)) and [t["case_id"] for t in demo.inbox(STEWARD)] == [case_id]
    assert counts(demo, case_id) == {"propose": 1}


def test_pages_add_up_to_the_whole_report_in_its_order(demo, frozen_clock):
    started = []
    for i in range(7):
        started.append(at_review(demo))
        frozen_clock.advance(dt.timedelta(hours=5 + i))
    frozen_clock.advance(dt.timedelta(days=20))  # every review overdue and every case idle
    demo.suspend(started[2], ADMIN, "核查")
    frozen_clock.advance(dt.timedelta(days=8))  # and that one suspended for long
    whole = demo.stuck(ADMIN)
    key = [(r["case_id"], r["reason"], r["element_id"]) for r in whole]
    assert [r["since"] for r in whole] == sorted(r["since"] for r in whole)
    paged = []
    for offset in range(0, len(whole) + 3, 3):
        paged += [(r["case_id"], r["reason"], r["element_id"])
                  for r in demo.stuck_page(ADMIN, limit=3, offset=offset)["items"]]
    assert paged == key
    page = demo.stuck_page(ADMIN, limit=3)
    assert page["counts"] == {"overdue": 6, "idle": 6, "suspended": 1} and page["total"] == len(whole)


def test_the_members_of_a_multi_sign_step_count_as_one_pass_not_a_loop(yishi, frozen_clock):
    """A 会签 of three completes its element three times (one instance per member): one pass of the step, so the
    stuck report does not call it a loop; a loop back elsewhere in the same case still counts each pass."""
    from tests.engine.test_multisign import at_panel_sign, sign

    s = at_panel_sign(yishi, "all")
    for member in ("panel_a", "panel_b", "panel_c"):
        sign(s, member)
        frozen_clock.advance(dt.timedelta(hours=1))
        kept_right(yishi)
    assert s.completions()["A_UT_PanelSign"] == 3  # three member completions in the file …
    assert counts(yishi, s.case_id)["A_UT_PanelSign"] == 1  # … one pass of the step
    assert [r for r in yishi.stuck(ADMIN, reason="looping") if r["case_id"] == s.case_id] == []
    with yishi.db.begin() as conn:  # counting the file again gives the same
        report_state.recount(conn, s.case_id)
    assert counts(yishi, s.case_id)["A_UT_PanelSign"] == 1
    kept_right(yishi)
