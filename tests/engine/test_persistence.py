"""Atomic writes, optimistic locking and the hash-chained case file."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from engine.errors import Conflict
from engine.service import Yishi
from engine.store import audit
from engine.store.tables import case_events, cases, open_tasks
from tests.support.demo_case import ASSEMBLY, PROPOSAL, PROPOSER, UNIT, VOTE, drive_to_vote, open_task


def stored(service, case_id):
    with service.db.connect() as conn:
        case = dict(conn.execute(sa.select(cases).where(cases.c.id == case_id)).mappings().one())
        tasks = [dict(r) for r in conn.execute(sa.select(open_tasks).where(open_tasks.c.case_id == case_id)
                                               .order_by(open_tasks.c.task_id)).mappings()]
        events = [dict(r) for r in conn.execute(sa.select(case_events).where(case_events.c.case_id == case_id)
                                                .order_by(case_events.c.seq)).mappings()]
    return case, tasks, events


def test_two_concurrent_completions_exactly_one_wins(demo, db_url):
    case = drive_to_vote(demo)
    vote = open_task(demo, case["id"], "vote")["task_id"]
    engines = [Yishi(db_url), Yishi(db_url)]  # two connection pools: two database sessions
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(service, yes):
        barrier.wait(timeout=10)
        try:
            service.complete(case["id"], vote, ASSEMBLY, {**VOTE, "yes": yes})
            outcomes.append(("ok", yes))
        except Conflict as exc:
            outcomes.append(("conflict", str(exc)))

    threads = [threading.Thread(target=attempt, args=(s, y)) for s, y in zip(engines, (22, 21), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for service in engines:
        service.db.dispose()
    assert sorted(o[0] for o in outcomes) == ["conflict", "ok"]
    winner = next(o[1] for o in outcomes if o[0] == "ok")
    case_row, tasks, events = stored(demo, case["id"])
    assert case_row["status"] == "completed" and tasks == []
    votes = [e for e in events if e["kind"] == "task_completed" and e["element_id"] == "vote"]
    assert len(votes) == 1 and votes[0]["data"]["data"]["yes"] == winner
    assert audit.verify(events).ok


def test_the_second_of_two_writers_that_loaded_the_same_version_gets_a_conflict(demo, db_url):
    """Two real connections load lock_version N; the first save wins, the second is refused and stores nothing."""
    case = drive_to_vote(demo)
    first, second = Yishi(db_url), Yishi(db_url)
    try:
        with first.db.connect() as one, second.db.connect() as two:
            loaded_one = first.runtime.load(one, case["id"])
            loaded_two = second.runtime.load(two, case["id"])
            one.rollback(), two.rollback()  # end the read transactions: each write below starts its own
            with one.begin():
                events, snap = first.runtime.advance(loaded_one.workflow, lambda: None)
                first.runtime.save(one, loaded_one, loaded_one.workflow, snap, events, loaded_one.row.updated_at)
            before = stored(demo, case["id"])
            with pytest.raises(Conflict), two.begin():
                events, snap = second.runtime.advance(loaded_two.workflow, lambda: None)
                second.runtime.save(two, loaded_two, loaded_two.workflow, snap, events, loaded_two.row.updated_at)
            assert stored(demo, case["id"]) == before
    finally:
        first.db.dispose(), second.db.dispose()


def test_a_failure_mid_completion_leaves_the_case_exactly_as_before(demo, monkeypatch):
    case = demo.start("demo_petition", UNIT, PROPOSER, {"title": "x"})
    propose = open_task(demo, case["id"], "propose")["task_id"]
    before = stored(demo, case["id"])

    def explode(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "append", explode)  # fails after state and projection were written
    with pytest.raises(RuntimeError):
        demo.complete(case["id"], propose, PROPOSER, PROPOSAL)
    assert stored(demo, case["id"]) == before
    monkeypatch.undo()
    done = demo.complete(case["id"], propose, PROPOSER, PROPOSAL)
    assert done["open_tasks"][0]["element_id"] == "review"


def test_tampering_with_the_case_file_is_detected(demo):
    case = drive_to_vote(demo)
    assert demo.history(case["id"])[1].ok
    with demo.db.begin() as conn:
        conn.execute(sa.update(case_events).where(case_events.c.case_id == case["id"], case_events.c.seq == 3)
                     .values(actor="mallory"))
    verification = demo.history(case["id"])[1]
    assert (verification.ok, verification.broken_at) == (False, 3)
    with demo.db.begin() as conn:
        conn.execute(sa.delete(case_events).where(case_events.c.case_id == case["id"], case_events.c.seq == 2))
    verification = demo.history(case["id"])[1]
    assert (verification.ok, verification.broken_at) == (False, 3)


def test_state_is_stored_without_the_spec(demo):
    case = demo.start("demo_petition", UNIT, PROPOSER, {"title": "x"})
    state = stored(demo, case["id"])[0]["state"]
    assert '"spec_name": "demo_petition"' in state and '"task_specs"' not in state
