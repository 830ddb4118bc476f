"""The shared call activities on their own: assembly vote, publication, classified implementation,
residents' evaluation, archive. Each is a deployable process, so it is driven directly here; the
method processes reuse them (their scenarios are in test_scenarios_*.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.definitions.compiler import load_bundle
from engine.errors import InvalidInput
from tests.support.demo_case import UNIT
from tests.support.scenario import DESIGNER, PROCESSES, SHANGHAI, Scenario, member

SHARED = ["assembly_vote", "publication", "classified_implementation", "residents_evaluation", "archive_case"]
VOTE_CONFIG = {"rule_profile": "jmh_art9", "max_reconvene": 2, "pre_notice_min": 3}
PERSON = {"name": "李华", "role": "居民代表"}


@pytest.fixture
def shared(yishi):
    yishi.deploy(load_bundle([PROCESSES / f"{name}.bpmn" for name in SHARED]), DESIGNER)
    return yishi


def notice(s: Scenario, day: int, meeting_day: int) -> dict:
    return {"notice_published_at": f"2026-03-{day:02d}T10:00:00+08:00",
            "meeting_at": f"2026-03-{meeting_day:02d}T19:00:00+08:00", "venue": "阳光议事厅",
            "channels": ["notice_board", "wechat_group"], "content": "关于3号院加装电梯的方案",
            "posting_evidence": s.attach("p1.jpg", by="grid_steward")}


def vote(eligible: int, present: int, yes: int, no: int = 0, abstain: int = 0) -> dict:
    return {"eligible_total": eligible, "present": present, "yes": yes, "no": no, "abstain": abstain,
            "voting_method": "show_of_hands", "attendance_sheet": ["sign.jpg"], "tally_sheet": ["tally.jpg"]}


def test_assembly_vote_reconvenes_after_a_failed_quorum_then_decides(shared):
    s = Scenario.start(shared, "assembly_vote", unit=UNIT, data=VOTE_CONFIG)
    with pytest.raises(InvalidInput) as caught:  # 2026-03-02 -> 03-04 is 2 days: too short a notice
        s.do("AV_UT_PublishNotice", notice(s, 2, 4), by="grid_steward")
    assert {e.path for e in caught.value.errors} == {"meeting_at", "notice_published_at"}
    s.do("AV_UT_PublishNotice", notice(s, 2, 5), by="grid_steward")
    assert s.open() == [] and s.case["status"] == "waiting_for_timer"
    assert s.case["next_timer_at"] == dt.datetime(2026, 3, 5, 19, 0, tzinfo=SHANGHAI)
    assert s.advance(days=3) == 0  # 2026-03-05 09:00: the meeting is at 19:00
    assert s.advance(hours=11) == 1
    s.do("AV_UT_RecordVote", vote(41, 20, 20), by="assembly")  # 2*20 = 40, not more than 41 [S3 Art 9]
    assert s.open() == ["AV_UT_PublishNotice"]
    s.do("AV_UT_PublishNotice", notice(s, 6, 9), by="grid_steward")
    s.advance(days=4)
    case = s.do("AV_UT_RecordVote", vote(41, 26, 15, 8, 3), by="assembly")  # 52 > 41 quorum; 30 > 26 passes
    assert case["end_event"] == "AV_EE_Decided"
    assert s.computed("quorum_met") == [False, True]
    assert s.computed("reconvene_count") == [0, 1]
    assert s.computed("vote_outcome") == ["no_quorum", "passed"]
    assert s.completions()["AV_UT_PublishNotice"] == 2


def test_assembly_vote_gives_up_after_max_reconvene(shared):
    s = Scenario.start(shared, "assembly_vote", unit=UNIT, data={**VOTE_CONFIG, "max_reconvene": 1})
    for start_day in (2, 6):
        s.do("AV_UT_PublishNotice", notice(s, start_day, start_day + 3), by="grid_steward")
        s.advance(days=4)
        s.do("AV_UT_RecordVote", vote(60, 30, 30), by="assembly")  # 60 is not more than 60
    assert s.case["end_event"] == "AV_EE_NotDecided"
    assert s.computed("vote_outcome")[-1] == "not_decided"


@pytest.mark.parametrize(("profile", "present", "yes", "outcome"), [
    ("jmh_art9", 31, 16, "passed"),             # quorum 62 > 60; 32 > 31
    ("jmh_art9", 31, 15, "rejected"),           # 30 is not more than 31
    ("jmh_art9", 30, 30, "no_quorum"),          # 60 is not more than 60
    ("rep_assembly_2of3", 40, 21, "passed"),    # quorum 120 >= 120
    ("rep_assembly_2of3", 39, 39, "no_quorum"),  # 117 < 120
    ("rep_assembly_all_majority", 40, 31, "passed"),    # 62 > 60 members
    ("rep_assembly_all_majority", 40, 30, "rejected"),  # 60 is not more than 60, though 30 of 40 present
])
def test_assembly_vote_profiles(shared, profile, present, yes, outcome):
    """DOMAIN.md §3.7 with 60 eligible: quorum and passing per profile, at the boundaries."""
    s = Scenario.start(shared, "assembly_vote", unit=UNIT, data={**VOTE_CONFIG, "rule_profile": profile})
    s.do("AV_UT_PublishNotice", notice(s, 2, 5), by="grid_steward")
    s.advance(days=4)
    s.do("AV_UT_RecordVote", vote(60, present, yes), by="assembly")
    assert s.computed("vote_outcome")[0] == outcome


def test_publication_waits_out_the_period_and_records_objections(shared, frozen_clock):
    s = Scenario.start(shared, "publication", unit=UNIT,
                       data={"publication_kind": "resolution", "publication_period": 7})
    s.do("PUB_UT_Post", {"channels": ["notice_board"], "start_at": "2026-03-02T10:00:00+08:00",
                         "content": "决议公示", "posting_evidence": s.attach("board.jpg", by="grid_steward")},
         by="grid_steward")
    # 03-02 + 7 days = 03-09, a Monday working day; ends 24:00 [S22 Arts 201-204]
    assert s.computed("publication_ends_at") == ["2026-03-09T23:59:59+08:00"]
    assert s.advance(days=7) == 0
    assert s.advance(days=1) == 1
    review = s.task("PUB_UT_ReviewObjections")
    assert review["role"] == "supervision_committee"
    with pytest.raises(InvalidInput) as caught:
        s.do("PUB_UT_ReviewObjections", {"objections": 2, "substantive": False}, by="supervision_committee")
    assert [e.path for e in caught.value.errors] == ["explanation"]
    with pytest.raises(InvalidInput):
        s.do("PUB_UT_ReviewObjections", {"objections": 0, "substantive": True}, by="supervision_committee")
    s.do("PUB_UT_ReviewObjections", {"objections": 2, "substantive": False, "explanation": "异议不成立，已公开说明"},
         by="supervision_committee")
    assert s.case["end_event"] == "PUB_EE_Done"
    assert s.computed("objection_substantive")[-1] is False


def test_classified_implementation_convention_only_has_no_deadline(shared):
    s = Scenario.start(shared, "classified_implementation", unit=UNIT, data={"publication_period": 7})
    s.do("CI_UT_Classify", {"outcome_classes": ["convention"]}, by="two_committees")
    s.do("CI_UT_DraftConvention", {"convention_title": "电动自行车停放充电公约", "clauses": "一、统一停放……",
                                   "legality_self_check": True}, by="two_committees")
    s.do("CI_UT_AdoptConvention", {"adopting_body": "residents_meeting", "adopted": True,
                                   "meeting_date": "2026-03-02", "vote_record": ["vote.jpg"]}, by="assembly")
    s.do("CI_UT_FileConvention", {"filing_authority": "street_office", "filing_date": "2026-03-03", "ruling": "filed"},
         by="street_office")
    s.do("PUB_UT_Post", {"channels": ["notice_board", "wechat_group"], "start_at": "2026-03-03T09:00:00+08:00",
                         "content": "公约全文", "posting_evidence": s.attach("x.jpg", by="grid_steward")},
         by="grid_steward")
    s.advance(days=10)
    case = s.do("PUB_UT_ReviewObjections", {"objections": 0, "substantive": False}, by="supervision_committee")
    assert case["end_event"] == "CI_EE_Done"
    assert "CI_UT_Assign" not in s.completions() and s.computed("implementation_due") == []
    # the call activity's preScript chose the kind of publication; the case file says so when the period starts
    # (what the public board shows) and again when the call returns
    kinds = [(e["element_id"], e["data"]["publication_kind"]) for e in s.events("computed")
             if "publication_kind" in e["data"]]
    assert kinds == [("PUB_ST_Window", "convention"), ("CI_CA_PublishConvention", "convention")]


def test_classified_implementation_overdue_rework_and_referral(shared):
    s = Scenario.start(shared, "classified_implementation", unit=UNIT, data={})
    s.do("CI_UT_Classify", {"outcome_classes": ["implementation", "refer_up"]}, by="two_committees")
    assert s.open() == ["CI_UT_Assign", "CI_UT_ReferUp"]
    with pytest.raises(InvalidInput):
        s.do("CI_UT_Assign", {"owner": PERSON, "deadline": "2026-03-02", "stakeholder_supervisors": [PERSON]},
             by="two_committees")
    s.do("CI_UT_Assign", {"owner": PERSON, "deadline": "2026-03-16", "stakeholder_supervisors": [PERSON]},
         by="two_committees")
    assert s.computed("implementation_due") == ["2026-03-16T23:59:59+08:00"]
    assert s.task("CI_UT_Implement")["due_at"] == dt.datetime(2026, 3, 16, 23, 59, 59, tzinfo=SHANGHAI)
    s.do("CI_UT_ReferUp", {"referred_to": "金马街道", "referred_at": "2026-03-03", "report": "需街道协调管网产权"},
         by="two_committees")
    assert s.advance(days=15) == 1  # 03-17: overdue, the supervision committee is asked to act
    assert s.open() == ["CI_UT_EscalateOverdue", "CI_UT_Implement", "CI_UT_RecordFeedback"]
    s.do("CI_UT_EscalateOverdue", {"action": "urged", "note": "请于一周内完成"}, by="supervision_committee")
    s.do("CI_UT_Implement", {"completed_at": "2026-03-18", "evidence": ["done.jpg"]}, by="two_committees")
    signed = [PERSON, {"name": "王芳", "role": "监督委员"}]
    s.do("CI_UT_Accept", {"acceptance": "rework", "signatories": signed, "notes": "地面未恢复"},
         by="supervision_committee")
    # back in implementation past the deadline: the overdue timer fires again at once (second firing)
    assert s.open() == ["CI_UT_EscalateOverdue", "CI_UT_Implement", "CI_UT_RecordFeedback"]
    s.do("CI_UT_EscalateOverdue", {"action": "escalated_to_street", "note": "二次逾期，报告街道"},
         by="supervision_committee")
    s.do("CI_UT_Implement", {"completed_at": "2026-03-20", "evidence": ["fixed.jpg"]}, by="two_committees")
    s.do("CI_UT_Accept", {"acceptance": "accepted", "signatories": signed}, by="supervision_committee")
    case = s.do("CI_UT_RecordFeedback", {"received_at": "2026-03-25", "feedback": "街道已协调供水公司"},
                by="street_office")
    assert [e["element_id"] for e in s.events("timer_fired")] == ["CI_BT_Overdue", "CI_BT_Overdue"]
    assert case["end_event"] == "CI_EE_Done"
    assert s.completions()["CI_UT_Implement"] == 2
    assert s.computed("rework_count") == [0, 1]


@pytest.mark.parametrize(("satisfied", "basic", "dissatisfied", "flag"), [
    (20, 4, 26, False),  # 2*24 = 48, not more than 50 (B-T7)
    (20, 6, 24, True),   # 52 > 50
    (25, 0, 25, False),  # exactly half is not more than half
])
def test_residents_evaluation_rule(shared, satisfied, basic, dissatisfied, flag):
    s = Scenario.start(shared, "residents_evaluation", unit=UNIT, data={"evaluation_window": 14})
    assert s.task("RE_UT_Evaluate")["due_at"] == dt.datetime(2026, 3, 16, 23, 59, 59, tzinfo=SHANGHAI)
    with pytest.raises(InvalidInput):
        s.do("RE_UT_Evaluate", {"method": "survey", "respondents": 50, "satisfied": satisfied,
                                "basically_satisfied": basic, "dissatisfied": dissatisfied + 1},
                                by="supervision_committee")
    s.do("RE_UT_Evaluate", {"method": "survey", "respondents": 50, "satisfied": satisfied,
                            "basically_satisfied": basic, "dissatisfied": dissatisfied}, by="supervision_committee")
    assert s.computed("satisfied_flag") == [flag]


def test_archive_needs_a_complete_file(shared):
    s = Scenario.start(shared, "archive_case", unit=UNIT, data={})
    with pytest.raises(InvalidInput):
        s.do("AR_UT_Archive", {"archive_no": "JJL-2026-001", "checklist": ["forms"], "dossier_complete": False},
             by="grid_steward")
    case = s.do("AR_UT_Archive", {"archive_no": "JJL-2026-001", "checklist": ["forms", "minutes"],
                                  "dossier_complete": True}, by="grid_steward")
    assert case["end_event"] == "AR_EE_Archived"
    assert s.computed("archived_at") == ["2026-03-02T09:00:00+08:00"]


def test_roles_come_from_the_shared_lanes(shared):
    s = Scenario.start(shared, "assembly_vote", unit=UNIT, data=VOTE_CONFIG)
    assert s.task("AV_UT_PublishNotice")["role"] == "grid_steward"
    from engine.errors import Forbidden
    with pytest.raises(Forbidden):
        shared.complete(s.case_id, s.task("AV_UT_PublishNotice")["task_id"], member(UNIT, "assembly"), notice(s, 2, 5))
