"""Absences and 换届 as a person and an administrator see them (issue 13 item 4): my stand-ins listed, who may stand
in for me, an absence ended early (what is still with the stand-in moves back the way its last day would move it,
recorded in the account events) or cancelled before it begins, and the 换届 preview that writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine.cases.handover import Handover
from engine.domain.actors import ADMIN_ROLE, Actor
from engine.errors import Forbidden, InvalidInput, InvalidState, NotFound
from engine.store.tables import account_events as events_table
from tests.engine.test_task_actions import UNIT, file_kinds, seed_actions, step, to_review, to_vote, who

TODAY = dt.date(2026, 3, 2)  # the frozen clock's Beijing date


@pytest.fixture
def acts(yishi):
    return seed_actions(yishi)



def account_events(service, user: str) -> list[dict]:
    table = events_table
    with service.db.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(table.c.kind, table.c.actor, table.c.data)
                                              .where(table.c.user_id == user).order_by(table.c.id)).mappings()]


def test_the_absent_steward_sees_the_stand_in_and_ends_it_early_and_the_review_comes_back(acts):
    case_id, review = to_review(acts)
    acts.claim(review, who(acts, "wang"))
    set_ = acts.set_stand_in(who(acts, "wang"), "wang", "li", TODAY, TODAY + dt.timedelta(days=6), "病假")
    assert step(acts, case_id, "review")["claimed_by"] == "li"
    mine = acts.stand_ins(who(acts, "wang"))
    assert [(s["id"], s["stand_in"], s["state"], s["may_end"]) for s in mine] == [(set_["id"], "li", "running", True)]
    standing = acts.stand_ins(who(acts, "li"))  # the stand-in sees it too, and may not end it
    assert [(s["user_id"], s["may_end"]) for s in standing] == [("wang", False)]
    with pytest.raises(Forbidden):
        acts.end_stand_in(who(acts, "li"), set_["id"])
    with pytest.raises(NotFound):  # someone else's absence is not there for an outsider
        acts.end_stand_in(who(acts, "pan"), set_["id"])
    ended = acts.end_stand_in(who(acts, "wang"), set_["id"], "提前销假")
    assert ended["state"] == "ended" and [m["task_id"] for m in ended["moved"]] == [review]
    assert step(acts, case_id, "review")["claimed_by"] == "wang"
    assert acts.stand_ins(who(acts, "wang")) == []
    events = account_events(acts, "wang")
    assert [e["kind"] for e in events][-2:] == ["stand_in_set", "stand_in_ended"]
    assert events[-1]["actor"] == "wang" and events[-1]["data"]["reason"] == "提前销假"
    with pytest.raises(InvalidState):
        acts.end_stand_in(who(acts, "wang"), set_["id"])
    acts.tick(dt.datetime(2026, 3, 10, 1, 0, tzinfo=dt.UTC))  # its planned last day passes: nothing moves again
    assert step(acts, case_id, "review")["claimed_by"] == "wang"
    assert file_kinds(acts, case_id).count("task_transferred") == 2


def test_only_what_the_stand_in_got_through_the_absence_goes_back(acts):
    (case_a, review_a), (case_b, review_b) = to_review(acts), to_review(acts)
    acts.claim(review_a, who(acts, "wang"))
    set_ = acts.set_stand_in(who(acts, "wang"), "wang", "li", TODAY, TODAY, "外出培训")
    acts.claim(review_b, who(acts, "li"))  # li's own step stays with li
    ended = acts.end_stand_in(who(acts, "ada"), set_["id"])  # an administrator may end it too
    assert [m["task_id"] for m in ended["moved"]] == [review_a]
    assert step(acts, case_a, "review")["claimed_by"] == "wang" and step(acts, case_b, "review")["claimed_by"] == "li"


def _failing_second_move(monkeypatch, how: str) -> list[str]:
    """Let the first move of kind ``how`` through and fail the second (a crash between two cases' writes)."""
    original, tried = Handover._move, []

    def move(self, case_id, task_id, *args, **kwargs):
        if kwargs.get("how") == how and task_id not in tried:  # (a move without a connection calls itself again)
            tried.append(task_id)
            if len(tried) == 2:
                raise RuntimeError("injected failure in the second move")
        return original(self, case_id, task_id, *args, **kwargs)

    monkeypatch.setattr(Handover, "_move", move)
    return tried


def _two_steps_with_the_stand_in(acts):
    cases = [to_review(acts), to_review(acts)]
    for _, review in cases:
        acts.claim(review, who(acts, "wang"))
    absence = acts.set_stand_in(who(acts, "wang"), "wang", "li", TODAY, TODAY + dt.timedelta(days=6), "病假")
    assert [step(acts, c, "review")["claimed_by"] for c, _ in cases] == ["li", "li"]
    return cases, absence


def test_ending_an_absence_early_writes_the_end_and_every_move_back_or_nothing(acts, monkeypatch):
    cases, absence = _two_steps_with_the_stand_in(acts)
    tried = _failing_second_move(monkeypatch, "stand_in_end")
    with pytest.raises(RuntimeError):
        acts.end_stand_in(who(acts, "wang"), absence["id"], "提前销假")
    assert len(tried) == 2  # the first step had moved back when the second failed: that move is undone too
    assert [s["state"] for s in acts.stand_ins(who(acts, "wang"))] == ["running"]
    assert [e["kind"] for e in account_events(acts, "wang")][-1] == "stand_in_set"
    assert [step(acts, c, "review")["claimed_by"] for c, _ in cases] == ["li", "li"]
    assert [file_kinds(acts, c).count("task_transferred") for c, _ in cases] == [1, 1]
    monkeypatch.undo()  # tried again, it ends and both steps come back
    ended = acts.end_stand_in(who(acts, "wang"), absence["id"], "提前销假")
    assert ended["state"] == "ended" and sorted(m["task_id"] for m in ended["moved"]) == sorted(r for _, r in cases)
    assert [step(acts, c, "review")["claimed_by"] for c, _ in cases] == ["wang", "wang"]


def test_an_absence_the_timer_tick_ends_is_ended_with_its_moves_back_or_tried_again(acts, monkeypatch):
    cases, absence = _two_steps_with_the_stand_in(acts)
    after_it = dt.datetime(2026, 3, 10, 1, 0, tzinfo=dt.UTC)  # the day after its last
    _failing_second_move(monkeypatch, "stand_in_end")
    with pytest.raises(RuntimeError):
        acts.runtime.apply_stand_ins(after_it)
    assert [s["state"] for s in acts.stand_ins(who(acts, "wang"))] == ["running"]
    assert [step(acts, c, "review")["claimed_by"] for c, _ in cases] == ["li", "li"]
    monkeypatch.undo()
    done = acts.runtime.apply_stand_ins(after_it)  # the next tick takes it again
    assert sorted(m["task_id"] for m in done[absence["id"]]["moved"]) == sorted(r for _, r in cases)
    assert acts.stand_ins(who(acts, "wang")) == []
    assert [step(acts, c, "review")["claimed_by"] for c, _ in cases] == ["wang", "wang"]


def test_a_planned_absence_is_cancelled_without_moving_anything(acts):
    case_id, review = to_review(acts)
    acts.claim(review, who(acts, "wang"))
    later = acts.set_stand_in(who(acts, "wang"), "wang", "li", TODAY + dt.timedelta(days=7),
                              TODAY + dt.timedelta(days=9), "年假")
    assert later["moved"] == [] and acts.stand_ins(who(acts, "wang"))[0]["state"] == "planned"
    assert [s["user_id"] for s in acts.stand_ins(who(acts, "ada"), UNIT)] == ["wang"]  # the unit's view
    with pytest.raises(Forbidden):
        acts.stand_ins(who(acts, "li"), UNIT)
    cancelled = acts.end_stand_in(who(acts, "wang"), later["id"])
    assert (cancelled["state"], cancelled["moved"]) == ("cancelled", [])
    acts.tick(dt.datetime(2026, 3, 9, 1, 0, tzinfo=dt.UTC))  # its first day: nothing starts
    assert step(acts, case_id, "review")["claimed_by"] == "wang"
    assert account_events(acts, "wang")[-1]["kind"] == "stand_in_cancelled"


def test_the_stand_in_is_chosen_among_the_holders_of_my_roles_in_my_units(acts):
    found = acts.stand_in_candidates(who(acts, "wang"))
    assert [(c["user"], [(s["unit"], s["role"]) for s in c["shared"]]) for c in found] == [
        ("li", [(UNIT, "grid_steward")])]
    assert [c["user"] for c in acts.stand_in_candidates(who(acts, "chen"))] == ["zhou"]
    assert [c["user"] for c in acts.stand_in_candidates(who(acts, "ada"), "wang")] == ["li"]
    with pytest.raises(Forbidden):
        acts.stand_in_candidates(who(acts, "li"), "wang")


def test_a_handover_moves_every_step_and_records_the_act_or_does_nothing(acts, monkeypatch):
    cases = [to_review(acts), to_review(acts)]
    for _, review in cases:
        acts.claim(review, who(acts, "wang"))
    tried = _failing_second_move(monkeypatch, "handover")
    with pytest.raises(RuntimeError):
        acts.handover(who(acts, "ada"), "wang", "li", "换届")
    assert len(tried) == 2  # the first step had moved when the second failed: that move is undone too
    assert [step(acts, c, "review")["claimed_by"] for c, _ in cases] == ["wang", "wang"]
    assert [file_kinds(acts, c).count("task_transferred") for c, _ in cases] == [0, 0]
    assert "handover" not in [e["kind"] for e in account_events(acts, "wang")]
    monkeypatch.undo()  # tried again, the act goes through whole
    done = acts.handover(who(acts, "ada"), "wang", "li", "换届")
    assert sorted(m["task_id"] for m in done["moved"]) == sorted(r for _, r in cases)
    assert [step(acts, c, "review")["claimed_by"] for c, _ in cases] == ["li", "li"]
    assert [e["kind"] for e in account_events(acts, "wang")][-1] == "handover"


def test_the_handover_preview_says_what_moves_and_what_stays_and_writes_nothing(acts):
    case_id, review = to_review(acts)
    acts.claim(review, who(acts, "wang"))
    vote_case, vote = to_vote(acts)
    acts.claim(vote, who(acts, "chen"))
    acts.transfer(vote, who(acts, "chen"), "zhou", "回避")
    before = file_kinds(acts, case_id)
    preview = acts.handover(who(acts, "ada"), "wang", "li", None, dry_run=True)
    assert preview["act"] is None and [m["task_id"] for m in preview["moved"]] == [review]
    assert preview["moved"][0]["reference"] and preview["moved"][0]["step"]
    assert step(acts, case_id, "review")["claimed_by"] == "wang" and file_kinds(acts, case_id) == before
    statutory = acts.handover(who(acts, "ada"), "zhou", "li", "", dry_run=True, language="en")
    assert statutory["moved"] == [] and [k["task_id"] for k in statutory["kept"]] == [vote]
    assert "stays with" in statutory["kept"][0]["why"]
    with pytest.raises(InvalidInput) as missing:  # the act itself needs its reason
        acts.handover(who(acts, "ada"), "wang", "li", "")
    assert missing.value.errors[0].path == "reason"
    with pytest.raises(InvalidInput):
        acts.handover(who(acts, "ada"), "wang", "wang", "换届", dry_run=True)
    done = acts.handover(who(acts, "ada"), "wang", "li", "换届")
    assert [m["task_id"] for m in done["moved"]] == [review] and done["moved"][0]["step"]
    assert step(acts, vote_case, "vote")["claimed_by"] == "zhou"


def test_the_handover_preview_reads_every_step_with_its_case_in_statements_that_do_not_grow(acts):
    def statements_of_preview() -> tuple[int, dict]:
        seen: list[str] = []

        def record(conn, cursor, statement, *args):
            seen.append(statement)

        sa.event.listen(acts.db, "before_cursor_execute", record)
        try:
            preview = acts.handover(who(acts, "ada"), "wang", "li", None, dry_run=True)
        finally:
            sa.event.remove(acts.db, "before_cursor_execute", record)
        return len(seen), preview

    _, first = to_review(acts)
    acts.claim(first, who(acts, "wang"))
    statements_of_preview()  # the definition parsed once into the process's cache
    one, preview = statements_of_preview()
    assert [m["task_id"] for m in preview["moved"]] == [first]
    for _ in range(3):
        _, review = to_review(acts)
        acts.claim(review, who(acts, "wang"))
    four, preview = statements_of_preview()
    assert len(preview["moved"]) == 4 and four == one


def test_a_unit_administrator_sees_the_successors_in_the_units_they_administer(acts):
    mine = Actor("boss", frozenset({(UNIT, ADMIN_ROLE)}))
    elsewhere = Actor("other_boss", frozenset({("别的社区", ADMIN_ROLE)}))
    assert [c["user"] for c in acts.stand_in_candidates(mine, "wang")] == ["li"]
    assert acts.stand_in_candidates(elsewhere, "wang") == []
