"""The shared call activities on their own: assembly vote, publication, classified implementation,
residents' evaluation, archive. Each is a deployable process, so it is driven directly here; the
method processes reuse them (their scenarios are in test_scenarios_*.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from engine.definitions.compiler import load_bundle
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.support.demo_case import UNIT
from tests.support.scenario import DESIGNER, LAWFUL, PROCESSES, SHANGHAI, Scenario, member

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


def start_publication(service, kind: str = "resolution") -> Scenario:
    s = Scenario.start(service, "publication", unit=UNIT, data={"publication_kind": kind, "publication_period": 7})
    s.do("PUB_UT_Post", {"channels": ["notice_board"], "start_at": "2026-03-02T10:00:00+08:00",
                         "content": "决议公示", "posting_evidence": s.attach("board.jpg", by="grid_steward")},
         by="grid_steward")
    return s


DISMISS = {"ruling": "dismissed", "ruling_reasons": "采光经测算不受影响",
           "explanation": "经测算，3号楼一层采光不受影响"}
def answer(s: Scenario) -> dict:
    return {"answer_channels": ["notice_board"], "answered_at": "2026-03-04T10:00:00+08:00",
            "answer_evidence": s.attach("answer.jpg", by="grid_steward")}


def test_publication_runs_its_period_without_objections(shared, frozen_clock):
    s = start_publication(shared)
    # 03-02 + 7 days = 03-09, a Monday working day; ends 24:00 [S22 Arts 201-204]
    assert s.computed("publication_ends_at") == ["2026-03-09T23:59:59+08:00"]
    # the notice runs with no open task: the key figures say so
    figures = shared.key_figures(s.case_id)
    assert figures["publication_in_progress"] is True and figures["publication_kind"] == "resolution"
    assert figures["publication_content"] == "决议公示" and figures["objections_lodged"] == 0
    assert s.open() == [] and s.case["status"] == "waiting_for_timer"
    assert s.advance(days=7) == 0
    assert s.advance(days=1) == 1
    assert s.case["end_event"] == "PUB_EE_Done"
    assert shared.key_figures(s.case_id)["publication_in_progress"] is False
    assert s.computed("objection_substantive")[-1] is False


def test_objections_are_in_the_case_file_at_once_and_ruled_one_by_one(shared, frozen_clock):
    """Two objections while the notice runs: each is an event of the case file in the request that lodges it
    and opens its own ruling task; both dismissed and answered in public; the period then runs out."""
    s = start_publication(shared)
    lodged = s.object("电梯井挡住3号楼一层的采光", by="proposer")
    assert lodged["objector"] == "proposer-user" and lodged["publication_kind"] == "resolution"
    assert lodged["lodged_at"] == "2026-03-02T09:00:00+08:00" and lodged["attachments"] == []
    [event] = s.events("objection_lodged")
    assert event["actor"] == "proposer-user" and event["data"]["text"] == "电梯井挡住3号楼一层的采光"
    assert event["element_id"] == "PUB_RT_Running"
    assert s.open() == ["PUB_UT_RuleObjection"]
    # the supervision committee lodges one on a resident's behalf, naming the resident
    s.advance(days=1)
    photo = s.attach("noise.jpg", by="supervision_committee")
    second = s.object("施工噪音扰民", by="supervision_committee", on_behalf_of="王大爷（3号楼）", attachments=photo)
    assert second["objector"] == "王大爷（3号楼）" and second["lodged_by"] == "supervision_committee-user"
    assert second["on_behalf"] is True
    # the files it names are the case's, with size and type as stored
    [attached] = second["attachments"]
    assert attached["sha256"] == photo[0]["sha256"] and attached["media_type"] == "image/png"
    assert s.events("objection_lodged")[-1]["data"]["attachments"] == [attached]
    rulings = [t for t in s.case["open_tasks"] if t["element_id"] == "PUB_UT_RuleObjection"]
    assert len(rulings) == 2 and all(t["role"] == "supervision_committee" for t in rulings)
    assert shared.key_figures(s.case_id)["objections_lodged"] == 2
    # the ruling task shows which objection it is
    view = shared.runtime.task_view(s.case_id, rulings[1]["task_id"])
    assert (view.data["objection_no"], view.data["objection_by"]) == (2, "王大爷（3号楼）")
    # a dismissal needs the explanation that is published
    with pytest.raises(InvalidInput) as caught:
        shared.complete(s.case_id, rulings[0]["task_id"], member(UNIT, "supervision_committee"),
                        {"ruling": "dismissed", "ruling_reasons": "不成立"})
    assert [e.path for e in caught.value.errors] == ["explanation"]
    for task in rulings:
        shared.complete(s.case_id, task["task_id"], member(UNIT, "supervision_committee"), DISMISS)
    assert s.open() == ["PUB_UT_PostAnswer", "PUB_UT_PostAnswer"]
    for task in s.case["open_tasks"]:
        shared.complete(s.case_id, task["task_id"], member(UNIT, "grid_steward"), answer(s))
    assert s.case["status"] == "waiting_for_timer"  # still publishing
    assert s.advance(days=7) == 1
    assert s.case["end_event"] == "PUB_EE_Done"
    assert s.computed("objection_substantive")[-1] is False
    assert s.completions()["PUB_UT_PostAnswer"] == 2


def test_a_substantive_objection_stops_the_publication_at_once(shared, frozen_clock):
    s = start_publication(shared)
    s.object("方案未经楼栋居民讨论", by="proposer")
    s.object("费用分摊不公", by="proposer")
    first, second = [t["task_id"] for t in s.case["open_tasks"]]
    shared.complete(s.case_id, first, member(UNIT, "supervision_committee"),
                    {"ruling": "substantive", "ruling_reasons": "确未讨论"})
    case = s.case
    # terminated: the notice is down, the other ruling closed with it, no timer left
    assert case["status"] == "completed" and case["end_event"] == "PUB_EE_Stopped"
    assert case["open_tasks"] == [] and case["next_timer_at"] is None
    closed = [e for e in s.events("task_closed") if e["element_id"] == "PUB_UT_RuleObjection"]
    assert [e["task_id"] for e in closed] == [second]
    figures = shared.key_figures(s.case_id)
    assert figures["objection_substantive"] is True and figures["publication_in_progress"] is False
    assert "publication_stopped_at" in figures


def test_objections_only_while_a_notice_runs_and_only_from_members(shared, frozen_clock):
    s = Scenario.start(shared, "publication", unit=UNIT, data={"publication_kind": "result", "publication_period": 7})
    with pytest.raises(Conflict):  # the notice is not posted yet
        s.object("太早了")
    s.do("PUB_UT_Post", {"channels": ["notice_board"], "start_at": "2026-03-02T10:00:00+08:00",
                         "content": "落实结果", "posting_evidence": s.attach("board.jpg", by="grid_steward")},
         by="grid_steward")
    with pytest.raises(NotFound):  # not a member of the unit: the case does not exist for them
        shared.lodge_objection(s.case_id, member("五华科创大厦", "union_fed"), "外单位的异议")
    with pytest.raises(Forbidden):  # only the supervision committee lodges for a resident
        s.object("代人提出", by="proposer", on_behalf_of="李四")
    with pytest.raises(InvalidInput) as caught:
        s.object("   ")
    assert [e.path for e in caught.value.errors] == ["text"]
    with pytest.raises(InvalidInput) as caught:  # not a reference
        s.object("附件不对", attachments=[{"sha256": "photo.jpg"}])
    assert [e.path for e in caught.value.errors] == ["attachments/0"]
    with pytest.raises(InvalidInput) as caught:  # a file never added to this case
        s.object("附件不在档案中", attachments=[{"sha256": "a" * 64, "name": "x.jpg"}])
    assert [e.path for e in caught.value.errors] == ["attachments/0"]
    assert s.events("objection_lodged") == []
    # the last minute of the period still counts; the first minute after does not
    assert s.advance_to(dt.datetime(2026, 3, 9, 23, 58, tzinfo=SHANGHAI)) == 0
    s.object("最后一分钟的异议")
    assert s.advance_to(dt.datetime(2026, 3, 10, 0, 1, tzinfo=SHANGHAI)) == 1
    with pytest.raises(Conflict):
        s.object("期满之后")
    # the ruling lodged in time is still owed after the period; dismissing it lets the publication end
    assert s.open() == ["PUB_UT_RuleObjection"] and s.case["status"] == "waiting_for_people"
    s.do("PUB_UT_RuleObjection", DISMISS, by="supervision_committee")
    s.do("PUB_UT_PostAnswer", answer(s), by="grid_steward")
    assert s.case["end_event"] in ("PUB_EE_Done", "PUB_EE_Answered") and s.case["status"] == "completed"
    assert len(s.events("objection_lodged")) == 1


def test_classified_implementation_convention_only_has_no_deadline(shared):
    s = Scenario.start(shared, "classified_implementation", unit=UNIT, data={"publication_period": 7})
    s.do("CI_UT_Classify", {"outcome_classes": ["convention"]}, by="two_committees")
    s.do("CI_UT_ReviewLegality", LAWFUL, by="street_office")
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
    case = s.case
    assert case["end_event"] == "CI_EE_Done"
    assert "CI_UT_Assign" not in s.completions() and s.computed("implementation_due") == []
    # the call activity's preScript chose the kind of publication; the case file says so when the period starts
    # (what the public board shows) and again when the call returns
    kinds = [(e["element_id"], e["data"]["publication_kind"]) for e in s.events("computed")
             if "publication_kind" in e["data"]]
    assert kinds == [("PUB_ST_Window", "convention"), ("CI_CA_PublishConvention", "convention")]


CHAIN = {"reminder_days": 3, "escalation_days": 7}  # the methods' start-form defaults


def test_classified_implementation_overdue_rework_and_referral(shared):
    s = Scenario.start(shared, "classified_implementation", unit=UNIT, data=CHAIN)
    s.do("CI_UT_Classify", {"outcome_classes": ["implementation", "refer_up"]}, by="two_committees")
    s.do("CI_UT_ReviewLegality", LAWFUL, by="street_office")
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
    # 03-17: the reminder (03-13) and the deadline (03-16) have passed: the supervision committee is asked to act
    assert s.advance(days=15) == 2
    assert s.open() == ["CI_UT_EscalateOverdue", "CI_UT_Implement", "CI_UT_RecordFeedback"]
    s.do("CI_UT_EscalateOverdue", {"action": "urged", "note": "请于一周内完成"}, by="supervision_committee")
    s.do("CI_UT_Implement", {"completed_at": "2026-03-18", "evidence": ["done.jpg"]}, by="two_committees")
    signed = [PERSON, {"name": "王芳", "role": "监督委员"}]
    s.do("CI_UT_Accept", {"acceptance": "rework", "signatories": signed, "notes": "地面未恢复"},
         by="supervision_committee")
    # back in implementation past the deadline: the reminder and overdue timers fire again at once
    assert s.open() == ["CI_UT_EscalateOverdue", "CI_UT_Implement", "CI_UT_RecordFeedback"]
    s.do("CI_UT_EscalateOverdue", {"action": "escalated_to_street", "note": "二次逾期，报告街道"},
         by="supervision_committee")
    s.do("CI_UT_Implement", {"completed_at": "2026-03-20", "evidence": ["fixed.jpg"]}, by="two_committees")
    s.do("CI_UT_Accept", {"acceptance": "accepted", "signatories": signed}, by="supervision_committee")
    case = s.do("CI_UT_RecordFeedback", {"received_at": "2026-03-25", "feedback": "街道已协调供水公司"},
                by="street_office")
    fired = Counter(e["element_id"] for e in s.events("timer_fired"))
    assert fired == {"CI_BT_Reminder": 2, "CI_BT_Overdue": 2}  # done before the street office's first turn
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


def assigned(service, deadline: str, **chain) -> Scenario:
    s = Scenario.start(service, "classified_implementation", unit=UNIT, data={**CHAIN, **chain})
    s.do("CI_UT_Classify", {"outcome_classes": ["implementation"]}, by="two_committees")
    s.do("CI_UT_ReviewLegality", LAWFUL, by="street_office")
    s.do("CI_UT_Assign", {"owner": PERSON, "deadline": deadline, "stakeholder_supervisors": [PERSON]},
         by="two_committees")
    return s


def at(day: str, time: str = "00:01") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}:00+08:00")


def test_an_implementation_deadline_reminds_escalates_and_repeats_until_the_work_is_done(shared, frozen_clock):
    """DOMAIN.md §4.6, §3.6: reminder 3 days before the deadline, the supervision committee when it passes (end of
    day, Asia/Shanghai), the street office 7 days later and every 7 days after, each firing its own case-file
    event; the implementation task stays open throughout and completing it ends the chain."""
    s = assigned(shared, "2026-03-20")  # a Friday; the deadline is 2026-03-20 24:00
    assert s.computed("reminder_at") == ["2026-03-17T23:59:59+08:00"]
    assert s.advance_to(at("2026-03-17", "23:59")) == 0
    assert s.advance_to(at("2026-03-18")) == 1  # the reminder: no task, an event for the implementers
    [reminder] = s.events("deadline_reminder")
    assert reminder["element_id"] == "CI_BT_Reminder" and reminder["data"]["due_at"] == "2026-03-17T15:59:59+00:00"
    assert s.open() == ["CI_UT_Implement"]
    assert shared.key_figures(s.case_id)["implementation_overdue"] is False
    assert s.advance_to(at("2026-03-20", "23:59")) == 0  # the last day still counts
    assert s.advance_to(at("2026-03-21")) == 1  # past 24:00: first escalation, to the supervision committee
    assert [e["element_id"] for e in s.events("deadline_passed")] == ["CI_BT_Overdue"]
    assert s.open() == ["CI_UT_EscalateOverdue", "CI_UT_Implement"]
    figures = shared.key_figures(s.case_id)
    assert (figures["implementation_overdue"], figures["implementation_late"], figures["overdue_days"]) == \
        (True, True, 1)
    s.do("CI_UT_EscalateOverdue", {"action": "urged", "note": "请尽快完成"}, by="supervision_committee")
    assert s.advance_to(at("2026-03-27", "23:59")) == 0
    assert s.advance_to(at("2026-03-28")) == 1  # 7 days after the deadline: the street office's task
    assert s.open() == ["CI_UT_Implement", "CI_UT_StreetEscalation"]
    street = s.task("CI_UT_StreetEscalation")
    assert street["role"] == "street_office"
    assert shared.key_figures(s.case_id)["overdue_days"] == 8
    s.do("CI_UT_StreetEscalation", {"follow_up": "interview", "instructions": "限一周内完成",
                                    "followed_up_at": "2026-03-28T10:00:00+08:00"}, by="street_office")
    assert s.advance_to(at("2026-04-04")) == 1  # and again a week later, as long as the work is open
    assert s.open() == ["CI_UT_Implement", "CI_UT_StreetEscalation"]
    assert len(s.events("deadline_escalated")) == 2
    # done at last, declared (back-dated) as finished on the deadline: the lateness the engine recorded stays
    s.do("CI_UT_Implement", {"completed_at": "2026-03-20", "evidence": ["done.jpg"]}, by="two_committees")
    figures = shared.key_figures(s.case_id)
    assert figures["implementation_late"] is True and figures["implementation_overdue"] is False
    assert figures["overdue_days"] == 15 and figures["implementation_entered_at"].startswith("2026-04-04T00:01")
    # completing the task ended the chain: the street office's open follow-up is closed, no timer fires again
    assert s.open() == ["CI_UT_Accept"]
    assert [e["element_id"] for e in s.events("task_closed")] == ["CI_UT_StreetEscalation"]
    assert s.advance(days=30) == 0
    assert len(s.events("deadline_escalated")) == 2


def test_work_done_in_time_is_reminded_once_and_never_escalated(shared, frozen_clock):
    s = assigned(shared, "2026-03-20")
    s.advance_to(at("2026-03-19", "10:00"))
    s.do("CI_UT_Implement", {"completed_at": "2026-03-19", "evidence": ["done.jpg"]}, by="two_committees")
    assert shared.key_figures(s.case_id)["implementation_late"] is False
    assert s.advance(days=60) == 0
    assert [e["kind"] for e in s.events() if e["kind"].startswith("deadline_")] == ["deadline_reminder"]


def test_a_deadline_closer_than_the_reminder_period_reminds_at_once_and_the_periods_are_configurable(shared,
                                                                                                   frozen_clock):
    s = assigned(shared, "2026-03-03", reminder_days=5, escalation_days=2)  # tomorrow; remind 5 days ahead
    assert [e["element_id"] for e in s.events("deadline_reminder")] == ["CI_BT_Reminder"]
    assert s.advance_to(at("2026-03-04")) == 1  # overdue
    assert s.advance_to(at("2026-03-06")) == 1  # 2 days later: the street office
    assert s.advance_to(at("2026-03-08")) == 1  # and every 2 days
    assert [t for t in s.open() if t == "CI_UT_StreetEscalation"] == ["CI_UT_StreetEscalation"] * 2
