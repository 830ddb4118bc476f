"""Exactly once, for every pair of writers (issue 10, item 3): claim, unclaim, reassign, complete, the administrators'
verbs and the timer tick on one case are serialised by the same ``lock_version`` check.

Each pair runs from two real connections (two ``Yishi`` on the same database, threads released by one barrier) on
every backend, and must end with the winners a serial order allows and a case file that agrees with the state.
The interleaved tests make the race certain: the first writer reads, waits while the second one commits, then saves.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from engine.domain.actors import Actor
from engine.errors import Conflict, InvalidState, NotFound
from engine.service import Yishi
from engine.workflow import projection
from tests.support.demo_case import ADMIN, PROPOSAL, PROPOSER, STEWARD, UNIT, open_task

LI = Actor("li", frozenset({(UNIT, "grid_steward")}))  # a second grid steward
REJECT = {"decision": "reject", "reason": "不属于公共事务"}  # the review's answer that ends the case
REVIEW_OVERDUE = dt.datetime(2026, 3, 10, 0, 0, tzinfo=dt.UTC)  # the review's timer has fired by then
ROUNDS = 3
LOSSES = (Conflict, NotFound, InvalidState)  # what a losing writer may be told (never anything else)


@pytest.fixture
def pair(demo, db_url):
    first, second = Yishi(db_url), Yishi(db_url)
    yield first.runtime, second.runtime
    first.db.dispose(), second.db.dispose()


def at_review(service) -> tuple[int, str]:
    case = service.start("demo_petition", UNIT, PROPOSER, {"title": "并发"})
    service.complete(case["id"], open_task(service, case["id"], "propose")["task_id"], PROPOSER, PROPOSAL)
    return case["id"], open_task(service, case["id"], "review")["task_id"]


def race(one, two) -> list[str]:
    """Run both writers at once from two threads; 'won' or the class name of the refusal, for each."""
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def run(index, writer):
        barrier.wait(timeout=10)
        try:
            writer()
            outcomes[index] = "won"
        except LOSSES as exc:
            outcomes[index] = type(exc).__name__
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate((one, two))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(o, str) for o in outcomes), outcomes
    return outcomes


def consistent(service, case_id: int) -> dict:
    """The case file verifies and agrees with the stored state; the projection agrees with the workflow."""
    rows, verification = service.history(case_id)
    assert verification.ok
    case = service.case(case_id)
    with service.db.connect() as conn:
        workflow = service.runtime.load(conn, case_id).workflow
    snap = projection.snapshot(workflow)
    if case["status"] not in ("cancelled", "suspended"):
        assert snap.status == case["status"]
    expected = [] if case["status"] == "cancelled" else sorted(t.task_id for t in snap.open_tasks)
    assert sorted(t["task_id"] for t in case["open_tasks"]) == expected
    assert sum(1 for r in rows if r["kind"] == "task_completed" and r["element_id"] == "review") <= 1
    # who holds each open task is what the last claim-like event of the case file says
    holders: dict[str, str | None] = {}
    for row in rows:
        if row["kind"] in ("task_claimed", "task_reassigned"):
            holders[row["task_id"]] = row["data"]["assignee"]
        elif row["kind"] == "task_unclaimed":
            holders[row["task_id"]] = None
    for task in case["open_tasks"]:
        assert task.get("claimed_by") == holders.get(task["task_id"])
    return {"case": case, "kinds": [r["kind"] for r in rows]}


# (name, setup after reaching the review, writer one, writer two, may both win in a serial order)
PAIRS = {
    "claim×complete": (None, lambda a, c, t: a.claim(c, t, LI), lambda b, c, t: b.complete(c, t, STEWARD, REJECT),
                       False),
    "unclaim×complete": ("claim", lambda a, c, t: a.unclaim(c, t, STEWARD),
                         lambda b, c, t: b.complete(c, t, STEWARD, REJECT), True),
    "reassign×complete": (None, lambda a, c, t: a.claim(c, t, ADMIN, for_user=LI, reason="换人"),
                          lambda b, c, t: b.complete(c, t, STEWARD, REJECT), False),
    "complete×complete": (None, lambda a, c, t: a.complete(c, t, LI, REJECT),
                          lambda b, c, t: b.complete(c, t, STEWARD, REJECT), False),
    "suspend×complete": (None, lambda a, c, t: a.suspend(c, ADMIN, "暂停核查"),
                         lambda b, c, t: b.complete(c, t, STEWARD, REJECT), False),
    "cancel×tick": (None, lambda a, c, t: a.cancel(c, ADMIN, "撤回"), lambda b, c, t: b.tick(REVIEW_OVERDUE), True),
    "claim×claim": (None, lambda a, c, t: a.claim(c, t, LI), lambda b, c, t: b.claim(c, t, STEWARD), False),
}


@pytest.mark.parametrize("name", PAIRS)
def test_each_pair_of_writers_ends_with_the_winners_a_serial_order_allows(demo, pair, name):
    setup, one, two, both_may_win = PAIRS[name]
    first, second = pair
    for _ in range(ROUNDS):
        case_id, task_id = at_review(demo)
        if setup == "claim":
            demo.runtime.claim(case_id, task_id, STEWARD)
        outcomes = race(lambda c=case_id, t=task_id: one(first, c, t),
                        lambda c=case_id, t=task_id: two(second, c, t))
        winners = outcomes.count("won")
        if name == "cancel×tick":
            # the tick never fails: it fires (or finds the case cancelled); only the cancel can lose, with Conflict
            assert outcomes[1] == "won" and outcomes[0] in ("won", "Conflict"), outcomes
        else:
            assert winners in ((1, 2) if both_may_win else (1,)), (name, outcomes)
        seen = consistent(demo, case_id)
        case, kinds = seen["case"], seen["kinds"]
        if name == "cancel×tick":
            assert (case["status"] == "cancelled") == (outcomes[0] == "won")
            if "case_cancelled" in kinds:
                assert "timer_fired" not in kinds[kinds.index("case_cancelled"):]
        elif name == "unclaim×complete" and winners == 2:
            assert kinds.index("task_unclaimed") < len(kinds) - 1 - kinds[::-1].index("task_completed")
        if name != "cancel×tick" and (name != "unclaim×complete" or winners == 1):
            completing = {"complete×complete": (0, 1), "claim×claim": ()}.get(name, (1,))  # the writers that complete
            assert (case["status"] == "completed") == any(outcomes[i] == "won" for i in completing), outcomes


def paused_before_saving(runtime):
    """Make ``runtime`` stop between reading the case and writing it until ``go`` is set."""
    reached, go = threading.Event(), threading.Event()
    real = runtime.save

    def save(*args, **kwargs):
        reached.set()
        assert go.wait(timeout=30)
        return real(*args, **kwargs)

    runtime.save = save
    return reached, go


@pytest.mark.parametrize("name", ["claim", "unclaim", "reassign"])
def test_a_completion_that_read_the_case_before_a_claim_loses(demo, pair, name):
    """Claim, unclaim and reassign bump lock_version: a completion that read the case before them is refused."""
    first, second = pair
    case_id, task_id = at_review(demo)
    if name == "unclaim":
        demo.runtime.claim(case_id, task_id, STEWARD)
    reached, go = paused_before_saving(second)
    outcome: list = []

    def complete():
        try:
            second.complete(case_id, task_id, STEWARD, REJECT)
            outcome.append("won")
        except Exception as exc:  # noqa: BLE001
            outcome.append(exc)

    thread = threading.Thread(target=complete)
    thread.start()
    assert reached.wait(timeout=30)
    if name == "claim":
        first.claim(case_id, task_id, LI)
    elif name == "unclaim":
        first.unclaim(case_id, task_id, STEWARD)
    else:
        first.claim(case_id, task_id, ADMIN, for_user=LI, reason="换人")
    go.set()
    thread.join(timeout=60)
    assert len(outcome) == 1 and isinstance(outcome[0], Conflict), outcome
    seen = consistent(demo, case_id)
    assert seen["case"]["status"] == "waiting_for_people" and "task_completed" not in seen["kinds"][-1:]


def test_a_cancel_that_read_the_case_before_the_tick_loses(demo, pair):
    first, second = pair
    case_id, _task_id = at_review(demo)
    reached, go = paused_before_saving(first)
    outcome: list = []

    def cancel():
        try:
            first.cancel(case_id, ADMIN, "撤回")
            outcome.append("won")
        except Exception as exc:  # noqa: BLE001
            outcome.append(exc)

    thread = threading.Thread(target=cancel)
    thread.start()
    assert reached.wait(timeout=30)
    assert second.tick(REVIEW_OVERDUE).timers_fired == 1
    go.set()
    thread.join(timeout=60)
    assert len(outcome) == 1 and isinstance(outcome[0], Conflict), outcome
    assert consistent(demo, case_id)["case"]["status"] == "waiting_for_people"
