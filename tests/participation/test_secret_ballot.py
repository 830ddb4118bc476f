"""The collective contract's secret ballot (issue 14 item 2): the case file records that each delegate voted and,
apart, the sealed counts; nothing in it — nor in the tables behind it — links a delegate to a choice."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from engine.errors import Conflict, InvalidInput
from engine.participation import tally
from engine.store.tables import sealed_tallies
from tests.support import bargaining
from tests.support.participation import resident, residents, to_congress
from tests.support.scenario import member

CHOICES = ["yes"] * 9 + ["no"] * 3 + ["abstain"] * 2  # delegates d001…d014 online


def test_a_secret_ballots_case_file_does_not_link_a_delegate_to_a_choice(yishi):
    s, congress_at = to_congress(yishi)
    delegates = residents(yishi, 30, prefix="d", role="congress", unit=bargaining.UNIT)
    opened = yishi.open_vote(s.case_id, member(bargaining.UNIT, "union_fed"))
    assert opened["secret"] is True and opened["eligible_total"] == 30
    delegate = {d: resident(d, bargaining.UNIT) for d in delegates}
    for voter, choice in zip(delegates, CHOICES, strict=False):
        yishi.cast_vote(s.case_id, delegate[voter], choice)
    with pytest.raises(Conflict, match="cannot be changed"):
        yishi.cast_vote(s.case_id, delegate["d001"], "no")
    assert s.advance_to(congress_at + dt.timedelta(minutes=1)) == 1
    recorder = member(bargaining.UNIT, "congress")
    with pytest.raises(InvalidInput):  # a delegate who voted online gets no paper ballot
        yishi.record_paper(s.case_id, recorder, signed_in=["d001"])
    yishi.record_paper(s.case_id, recorder, signed_in=delegates[14:22])  # 8 paper ballots
    yishi.record_paper(s.case_id, recorder, paper_tally={"yes": 6, "no": 1, "abstain": 1})
    s.advance(hours=3)
    s.do("CV_UT_RecordVote", {"congress_mode": "building_congress", "total": 1, "managers_among_delegates": 4,
                              "qualification_check_done": True, "present": 0, "yes": 0, "no": 0, "abstain": 0,
                              "ballot": "secret_ballot", "resolution": ["resolutions/congress.pdf"]}, by="congress")
    tallied = s.events("vote_tallied")[-1]["data"]
    assert (tallied["eligible_total"], tallied["present"], tallied["yes"], tallied["no"], tallied["abstain"]) == \
        (30, 22, 15, 4, 3)
    assert s.computed("quorum_met") == [True]  # 3·22 = 66 ≥ 60
    assert s.computed("passed") == [False]  # 2·15 = 30, not > 30 (the default strict rule)
    # the file: who voted (voter_voted, without a choice) and the sealed counts (without voters)
    events = s.events()
    voted = [e for e in events if e["kind"] == "voter_voted"]
    assert len(voted) == 22 and all(set(e["data"]) == {"vote", "voter", "channel"} for e in voted)
    sealed = s.events("ballots_sealed")[0]["data"]
    assert sealed["online"] == {"yes": 9, "no": 3, "abstain": 2} and "voter" not in json.dumps(sealed)
    for event in events:  # no event names a delegate and a choice together
        text = json.dumps(event["data"], ensure_ascii=False)
        assert not (any(d in text for d in delegates) and any(f'"{c}"' in text for c in ("choice",))), event
    assert not s.events("vote_cast")
    with yishi.db.connect() as conn:  # and the counts behind the seal have no voter, order or time
        assert {c.name for c in sealed_tallies.columns} == {"case_id", "vote_key", "choice", "weight", "ballots"}
        assert conn.execute(sa.select(sa.func.sum(sealed_tallies.c.ballots))).scalar() == 14
    assert tally.count(events, tallied["vote"]).figures() == {k: tallied[k] for k in
                                                               ("eligible_total", "present", "yes", "no", "abstain")}
    mine = yishi.case_votes(s.case_id, delegate["d001"])["votes"][0]
    assert mine["voted"] and mine["my_choice"] is None and mine["result"]["yes"] == 15
