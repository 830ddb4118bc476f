"""Exactly once for the task actions against the step they act on (issue 13): urge × complete, transfer × complete,
withdraw × the next step's completion, two urges at once, return × complete. Each pair runs from two real
connections (two ``Yishi`` on one database, released by one barrier) on every backend, several rounds, and must
end with the winners a serial order allows (one, except an urge followed by the completion) and a case file that
verifies and agrees with the open tasks."""

from __future__ import annotations

import pytest

from engine.service import Yishi
from tests.engine.test_task_actions import PROPOSAL, acts, file_kinds, step, to_review, who  # noqa: F401 (fixture)
from tests.engine.test_writer_pairs import race

ROUNDS = 3
DELIBERATE = {"decision": "deliberate"}


@pytest.fixture
def other(acts, db_url):  # noqa: F811
    second = Yishi(db_url)
    yield second
    second.db.dispose()


def proposal_task(service: Yishi, case_id: int) -> str:
    return [e for e in service.history(case_id)[0] if e["kind"] == "task_completed"][-1]["task_id"]


def agrees(service: Yishi, case_id: int) -> list[str]:
    """The file verifies (chain, head, open tasks replayed from it) and the review was completed at most once."""
    kinds = file_kinds(service, case_id)
    rows = service.history(case_id)[0]
    assert sum(1 for r in rows if r["kind"] == "task_completed" and r["element_id"] == "review") <= 1
    return kinds


def test_urge_and_complete_at_once_one_wins(acts, other):  # noqa: F811
    for _ in range(ROUNDS):
        case_id, review = to_review(acts)
        outcomes = race(lambda t=review: acts.urge(t, who(acts, "pan"), "催"),
                        lambda c=case_id, t=review: other.complete(c, t, who(other, "wang"), DELIBERATE))
        kinds = agrees(acts, case_id)
        if outcomes.count("won") == 2:  # the serial order urge → completion (writers queue on PostgreSQL)
            assert kinds.index("task_urged") < kinds.index("task_completed", kinds.index("task_urged")), kinds
        else:
            assert outcomes.count("won") == 1, outcomes
        assert ("task_urged" in kinds) == (outcomes[0] == "won")
        assert ("review" in [t["element_id"] for t in acts.case(case_id)["open_tasks"]]) == (outcomes[1] != "won")


def test_two_urges_at_once_are_one_urge(acts, other):  # noqa: F811
    for _ in range(ROUNDS):
        case_id, review = to_review(acts)
        outcomes = race(lambda t=review: acts.urge(t, who(acts, "pan"), "催一"),
                        lambda t=review: other.urge(t, who(other, "pan"), "催二"))
        assert outcomes.count("won") == 1, outcomes
        assert agrees(acts, case_id).count("task_urged") == 1
        assert step(acts, case_id, "review")["task_id"] == review


def test_transfer_and_complete_at_once_one_wins(acts, other):  # noqa: F811
    for _ in range(ROUNDS):
        case_id, review = to_review(acts)
        acts.claim(review, who(acts, "wang"))
        outcomes = race(lambda t=review: acts.transfer(t, who(acts, "wang"), "li", "休假"),
                        lambda c=case_id, t=review: other.complete(c, t, who(other, "wang"), DELIBERATE))
        assert outcomes.count("won") == 1, outcomes
        kinds = agrees(acts, case_id)
        if outcomes[0] == "won":
            assert "task_transferred" in kinds and step(acts, case_id, "review")["claimed_by"] == "li"
        else:
            assert "task_transferred" not in kinds and acts.case(case_id)["open_tasks"][0]["element_id"] == "vote"


def test_withdraw_and_the_next_steps_completion_at_once_one_wins(acts, other):  # noqa: F811
    for _ in range(ROUNDS):
        case_id, review = to_review(acts)
        propose = proposal_task(acts, case_id)
        outcomes = race(lambda p=propose: acts.withdraw_step(p, who(acts, "pan"), "改一下"),
                        lambda c=case_id, t=review: other.complete(c, t, who(other, "wang"), DELIBERATE))
        assert outcomes.count("won") == 1, outcomes
        kinds = agrees(acts, case_id)
        open_now = [t["element_id"] for t in acts.case(case_id)["open_tasks"]]
        assert open_now == (["propose"] if outcomes[0] == "won" else ["vote"])
        assert ("task_withdrawn" in kinds) == (outcomes[0] == "won")


def test_return_and_complete_at_once_one_wins(acts, other):  # noqa: F811
    for _ in range(ROUNDS):
        case_id, review = to_review(acts)
        outcomes = race(lambda t=review: acts.return_task(t, who(acts, "wang"), "propose", "补充材料"),
                        lambda c=case_id, t=review: other.complete(c, t, who(other, "li"), DELIBERATE))
        assert outcomes.count("won") == 1, outcomes
        open_now = [t["element_id"] for t in acts.case(case_id)["open_tasks"]]
        assert open_now == (["propose"] if outcomes[0] == "won" else ["vote"])
        agrees(acts, case_id)
