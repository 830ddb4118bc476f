"""E-votes beside the meeting (issue 14 items 1, 2, 6): a frozen roll, real-name votes on the phone during the window
the process sets, paper ballots and the sign-in sheet entered by the recorder, one ballot per voter across channels,
and the combined figures fed to the assembly vote's own quorum and majority rules; a recount from the case file
gives the same figures."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.domain import clock
from engine.errors import Conflict, Forbidden, InvalidInput, InvalidState, RateLimited
from engine.participation import tally
from tests.support.participation import RECORD, RECORDER, STEWARD, resident, residents, to_meeting_notice


def _meeting(s, meeting_at):
    assert s.advance_to(meeting_at + dt.timedelta(minutes=1)) == 1  # the meeting timer: the recording step opens
    assert s.open() == ["AV_UT_RecordVote"]


def test_thirty_online_and_twenty_paper_ballots_decide_the_assembly_vote_exactly(yishi):
    s, meeting_at = to_meeting_notice(yishi)
    roll = residents(yishi, 99)  # eligible base 99: quorum needs 2·present > 99, i.e. 50 present
    opened = yishi.open_vote(s.case_id, STEWARD, roll=[{"user": u, "weight": 1} for u in roll])
    assert opened["eligible_total"] == 99 and opened["roll_size"] == 99 and opened["secret"] is False
    # 30 on the phone: 15 yes, 10 no, 5 abstain (r001 first says no, then changes to yes)
    yishi.cast_vote(s.case_id, resident("r001"), "no")
    for n, voter in enumerate(roll[:30]):
        choice = "yes" if n < 15 else "no" if n < 25 else "abstain"
        yishi.cast_vote(s.case_id, resident(voter), choice)
    _meeting(s, meeting_at)
    # 20 on paper at the meeting: 11 yes, 6 no, 3 abstain
    paper = [{"voter": v, "choice": "yes" if n < 11 else "no" if n < 17 else "abstain"}
             for n, v in enumerate(roll[30:50])]
    with pytest.raises(InvalidState, match="after it closes"):  # the e-vote runs until 22:00
        s.do("AV_UT_RecordVote", RECORD, by="assembly")
    live = yishi.record_paper(s.case_id, RECORDER, ballots=paper)
    assert (live["present"], live["yes"], live["online"], live["paper"]) == (50, 26, 30, 20)
    s.advance(hours=3)
    s.do("AV_UT_RecordVote", {**RECORD, "eligible_total": 1, "present": 1, "yes": 1, "no": 0, "abstain": 0},
         by="assembly")  # what the form says is replaced by the count
    tallied = s.events("vote_tallied")[-1]["data"]
    assert (tallied["eligible_total"], tallied["present"], tallied["yes"], tallied["no"], tallied["abstain"]) == \
        (99, 50, 26, 16, 8)
    assert s.computed("quorum_met") == [True]  # 2·50 = 100 > 99
    assert s.computed("passed") == [True]  # 2·26 = 52 > 50
    assert s.computed("invalid") == [0]
    completed = [e for e in s.events("task_completed") if e["element_id"] == "AV_UT_RecordVote"][-1]["data"]["data"]
    assert (completed["eligible_total"], completed["present"], completed["yes"]) == (99, 50, 26)
    changes = [e for e in s.events("vote_cast") if e["data"]["voter"] == "r001"]
    assert [e["data"]["choice"] for e in changes] == ["no", "yes"] and changes[1]["data"]["changes"] == "no"
    # a recount from the case file alone gives the same figures
    recount = tally.count(s.events(), tallied["vote"])
    assert recount.as_dict() == {k: v for k, v in tallied.items() if k != "form_field_eligible"}
    view = yishi.case_votes(s.case_id, resident("r001"))["votes"][0]
    assert view["tallied"] and view["result"]["yes"] == 26 and view["my_choice"] == "yes" and view["changes"] == 1
    assert view["turnout_percent"] == 50.5


def test_one_short_of_the_quorum_is_not_decided_by_the_count(yishi):
    s, meeting_at = to_meeting_notice(yishi)
    roll = residents(yishi, 100)
    yishi.open_vote(s.case_id, STEWARD, roll=[{"user": u, "weight": 1} for u in roll])
    for voter in roll[:30]:
        yishi.cast_vote(s.case_id, resident(voter), "yes")
    _meeting(s, meeting_at)
    yishi.record_paper(s.case_id, RECORDER, ballots=[{"voter": v, "choice": "yes"} for v in roll[30:50]])
    s.advance(hours=3)
    s.do("AV_UT_RecordVote", RECORD, by="assembly")
    assert s.computed("quorum_met") == [False]  # 2·50 = 100, not > 100
    assert s.open() == ["AV_UT_PublishNotice"]  # reconvened


def test_a_voter_who_votes_on_the_phone_and_then_on_paper_counts_once(yishi):
    s, meeting_at = to_meeting_notice(yishi)
    roll = residents(yishi, 9)
    yishi.open_vote(s.case_id, STEWARD, roll=[{"user": u, "weight": 1} for u in roll])
    yishi.cast_vote(s.case_id, resident("r001"), "yes")
    yishi.cast_vote(s.case_id, resident("r002"), "yes")
    _meeting(s, meeting_at)
    yishi.record_paper(s.case_id, RECORDER, ballots=[{"voter": "r001", "choice": "no"},
                                                     {"voter": "r003", "choice": "no"}],
                       signed_in=["r001", "r003", "r004"])
    with pytest.raises(InvalidInput) as twice:  # the same paper ballot entered again
        yishi.record_paper(s.case_id, RECORDER, ballots=[{"voter": "r001", "choice": "no"}])
    assert twice.value.errors[0].path == "ballots/0/voter"
    s.advance(hours=3)
    s.do("AV_UT_RecordVote", RECORD, by="assembly")
    tallied = s.events("vote_tallied")[-1]["data"]
    # r001 (phone and paper: paper wins, the process says), r002 (phone), r003 (paper), r004 (signed in only)
    assert (tallied["present"], tallied["yes"], tallied["no"], tallied["abstain"]) == (4, 1, 2, 0)
    assert tallied["counted_once"] == ["r001"] and tallied["signed_only"] == 1
    assert s.computed("invalid") == [1]


def test_rolls_from_members_windows_and_limits(yishi):
    s, meeting_at = to_meeting_notice(yishi)
    roll = residents(yishi, 5, role="assembly")
    residents(yishi, 1, prefix="x", role="residents")
    with pytest.raises(Forbidden):  # the process says the grid steward opens it
        yishi.open_vote(s.case_id, resident("r001"))
    opened = yishi.open_vote(s.case_id, STEWARD)  # the unit's members holding the roll role, frozen now
    assert opened["roll_size"] == 5 and opened["roll_source"] == "members:assembly"
    with pytest.raises(Conflict):
        yishi.open_vote(s.case_id, STEWARD)
    with pytest.raises(Forbidden, match="not on the roll"):
        yishi.cast_vote(s.case_id, resident("x001"), "yes")
    with pytest.raises(InvalidInput):
        yishi.cast_vote(s.case_id, resident("r001"), "maybe")
    for choice in ["yes", "no"] * 3:  # five changes allowed (YISHI_VOTE_CHANGES)
        yishi.cast_vote(s.case_id, resident("r001"), choice)
    with pytest.raises(RateLimited):
        yishi.cast_vote(s.case_id, resident("r001"), "yes")
    with pytest.raises(InvalidState):  # paper waits for the meeting's recording step
        yishi.record_paper(s.case_id, RECORDER, ballots=[{"voter": "r002", "choice": "yes"}])
    clock.clock.set(meeting_at + dt.timedelta(hours=3))
    with pytest.raises(InvalidState, match="closed"):
        yishi.cast_vote(s.case_id, resident("r002"), "yes")
    yishi.tick()
    with pytest.raises(Forbidden):
        yishi.record_paper(s.case_id, resident("r002"), ballots=[{"voter": "r002", "choice": "yes"}])
    with pytest.raises(InvalidInput):
        yishi.record_paper(s.case_id, RECORDER, ballots=[{"voter": "x001", "choice": "yes"}])
    assert roll
