"""Abuse and fairness under concurrency (issue 14 item 6), from real connections on every backend: many residents
voting at once all count; one resident's two phones count once; a secret ballot taken twice at once is one ballot;
two ratings at once by one resident are one rating."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from engine.errors import Conflict
from engine.service import Yishi
from engine.store.tables import sealed_tallies
from tests.participation.test_ratings import evaluating
from tests.support import bargaining
from tests.support.participation import STEWARD, resident, residents, to_congress, to_meeting_notice
from tests.support.scenario import member


def together(calls) -> list:
    """Run the calls at once, each from its own thread; the result or the exception of each."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        barrier.wait(timeout=20)
        try:
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 — the assertions say which are allowed
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.fixture
def phones(db_url):
    services = [Yishi(db_url) for _ in range(4)]
    yield services
    for service in services:
        service.db.dispose()


def test_residents_voting_at_once_all_count_and_one_residents_two_phones_count_once(yishi, phones):
    s, _meeting_at = to_meeting_notice(yishi)
    roll = residents(yishi, 12)
    yishi.open_vote(s.case_id, STEWARD, roll=[{"user": u, "weight": 1} for u in roll])
    calls = [lambda v=v, i=i: phones[i % 4].cast_vote(s.case_id, resident(v), "yes") for i, v in enumerate(roll[:8])]
    calls += [lambda i=i: phones[i].cast_vote(s.case_id, resident("r012"), ("yes", "no")[i % 2]) for i in range(4)]
    outcomes = together(calls)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    view = yishi.case_votes(s.case_id, resident("r012"))["votes"][0]
    assert view["voters"] == 9 and view["present"] == 9  # r012 once, whatever its phones did
    cast = [e for e in s.events("vote_cast") if e["data"]["voter"] == "r012"]
    assert len(cast) >= 1 and all(e["data"].get("changes") != e["data"]["choice"] for e in cast)


def test_a_secret_ballot_taken_twice_at_once_is_one_ballot(yishi, phones):
    s, _congress_at = to_congress(yishi)
    residents(yishi, 3, prefix="d", role="congress", unit=bargaining.UNIT)
    yishi.open_vote(s.case_id, member(bargaining.UNIT, "union_fed"))
    delegate = resident("d001", bargaining.UNIT)
    outcomes = together([lambda i=i: phones[i].cast_vote(s.case_id, delegate, ("yes", "no")[i % 2])
                         for i in range(4)])
    assert sum(1 for o in outcomes if isinstance(o, dict)) == 1, outcomes
    assert all(isinstance(o, Conflict) for o in outcomes if not isinstance(o, dict)), outcomes
    assert len(s.events("voter_voted")) == 1
    with yishi.db.connect() as conn:
        assert conn.execute(sa.select(sa.func.sum(sealed_tallies.c.ballots))).scalar() == 1


def test_two_ratings_at_once_by_one_resident_are_one_rating(yishi, phones):
    s = evaluating(yishi)
    residents(yishi, 1)
    outcomes = together([lambda i=i: phones[i].rate(s.case_id, resident("r001"), "satisfied") for i in range(4)])
    assert sum(1 for o in outcomes if isinstance(o, dict)) == 1, outcomes
    assert all(isinstance(o, Conflict) for o in outcomes if not isinstance(o, dict)), outcomes
    assert len(s.events("rating_given")) == 1
