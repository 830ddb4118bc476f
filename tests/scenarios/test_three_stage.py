"""Process B, the three-stage six-step method (DOMAIN.md §5.7), driven end to end on every backend.

The clock starts Monday 2026-03-02 09:00 Asia/Shanghai (conftest). Steps 1-6 are B_UT_Collect,
B_UT_Confirm/DefineParticipants/PreNotify, B_UT_Consult, B_UT_RecordAgreement or B_CA_AssemblyVote,
B_CA_Publish/B_CA_Implementation and B_UT_Feedback/B_CA_Evaluation/B_CA_Archive."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.domain import clock
from engine.errors import InvalidInput
from tests.support.scenario import LAWFUL, Scenario, deploy_processes
from tests.support.three_stage import (
    ARCHIVE,
    ATTENDEES,
    KEY,
    SHANGHAI,
    VETTED_BY,
    agreed_and_published,
    agreement,
    collect,
    confirm,
    consult,
    define,
    ends,
    evaluation,
    feedback,
    implement,
    minor_until_evaluation,
    notice_and_meet,
    now_iso,
    person,
    pre_notify,
    publish,
    start,
    to_consultation,
    vote,
)


@pytest.fixture
def service(yishi):
    deploy_processes(yishi)
    return yishi


def test_b_t1_happy_path_minor_item(service):
    """B-T1: minor item, consensus in round 1, 9 signatures, P7D publication, 15-day deadline done on day 10."""
    s = start(service)
    minor_until_evaluation(s)
    s.do("RE_UT_Evaluate", evaluation(40, 30, 4), by="supervision_committee")
    s.do("AR_UT_Archive", ARCHIVE, by="grid_steward")
    ends(s, "B_EE_Closed")

    done = s.completions()
    for element in ("B_UT_Collect", "B_UT_Confirm", "B_UT_DefineParticipants", "B_UT_PreNotify", "B_UT_Consult",
                    "B_UT_RecordAgreement", "PUB_UT_Post", "CI_UT_Classify", "CI_UT_ReviewLegality",
                    "CI_UT_Assign", "CI_UT_Implement", "CI_UT_Accept", "B_UT_Feedback", "RE_UT_Evaluate",
                    "AR_UT_Archive"):
        assert done[element] == 1, element
    assert not any(e.startswith("AV_") for e in done)  # no assembly vote for a minor item
    assert "B_UT_Rework" not in done and "CI_UT_EscalateOverdue" not in done
    assert s.computed("effective_importance") == ["minor"]
    assert s.computed("importance_forced") == [False]
    assert s.computed("consult_round") == [0, 1]
    # 公示 from Friday 2026-03-06: day 7 is Friday 2026-03-13, ends 24:00
    assert s.computed("publication_ends_at") == ["2026-03-13T23:59:59+08:00"]
    assert s.computed("implementation_due") == ["2026-03-29T23:59:59+08:00"]
    assert s.computed("satisfied_flag") == [True]
    assert s.computed("evaluation_outcome") == ["satisfied"]
    assert s.computed("step_labels")[0]["B3_Consult"] == "协商议事"
    signed = [e for e in s.events("task_completed") if e["element_id"] == "B_UT_RecordAgreement"]
    assert len(signed[0]["data"]["data"]["signatories"]) == 9
    fired = [e["element_id"] for e in s.events("timer_fired")]
    assert fired == ["B_TE_Meeting", "PUB_BT_WindowEnds"]
    assert s.events("case_completed")[0]["data"]["end_event"] == "B_EE_Closed"


def test_b_t2_topic_not_accepted(service):
    """B-T2: a private dispute is referred to 人民调解; the proposer is answered within P7D and the file archived."""
    s = start(service, title="邻里漏水纠纷 Neighbours' leak dispute")
    s.do("B_UT_Collect", collect("楼上住户装修导致楼下漏水, 双方协商不成, 请求社区处理。", category="dispute",
                                 scope="building"), by="grid_steward")
    s.do("B_UT_Confirm", confirm("refer", reason="属于邻里私人纠纷, 不属于社区公共事务",
                                 referred_to="社区人民调解委员会"), by="two_committees")
    reply = s.task("B_UT_ReplyProposer")
    assert reply["due_at"] == dt.datetime(2026, 3, 9, 23, 59, 59, tzinfo=SHANGHAI)
    assert s.computed("reply_due") == ["2026-03-09T23:59:59+08:00"]
    assert s.computed("not_accepted_reason") == ["referred"]
    s.advance(days=2)
    s.do("B_UT_ReplyProposer", {"replied_at": now_iso(s), "reply_channel": "in_person",
                                "reply_text": "已转社区人民调解委员会调解"}, by="grid_steward")
    assert s.computed("reply_timely") == [True]
    s.do("AR_UT_Archive", ARCHIVE, by="grid_steward")
    ends(s, "B_EE_NotAccepted")
    done = s.completions()
    assert "B_UT_DefineParticipants" not in done and "B_UT_Consult" not in done
    assert done["AR_UT_Archive"] == 1
    assert s.computed("archived_at") == ["2026-03-04T09:00:00+08:00"]


def test_b_t3_major_item_quorum_boundary_then_passes(service):
    """B-T3: public funds make the lift installation major; 30 of 60 is no quorum, 31 with 17 yes passes."""
    s = start(service, title="加装电梯 Lift installation")
    to_consultation(s, importance="minor", public_funds=True)
    assert s.computed("effective_importance") == ["major"]
    assert s.computed("importance_forced") == [True]
    s.do("B_UT_Consult", consult(s), by="deliberation_committee")
    assert s.open() == ["AV_UT_PublishNotice"]
    vote(s, eligible=60, present=30, yes=25)  # 2*30 = 60, not > 60
    assert s.open() == ["AV_UT_PublishNotice"]
    vote(s, eligible=60, present=31, yes=17)  # 62 > 60; 34 > 31
    assert s.computed("quorum_met") == [False, True]
    assert s.computed("passed") == [False, True]
    assert s.computed("vote_outcome") == ["no_quorum", "passed"]
    assert s.computed("reconvene_count") == [0, 1]
    publish(s)
    implement(s)
    feedback(s)
    s.do("RE_UT_Evaluate", evaluation(40, 30, 4), by="supervision_committee")
    s.do("AR_UT_Archive", ARCHIVE, by="grid_steward")
    ends(s, "B_EE_Closed")
    done = s.completions()
    assert done["AV_UT_PublishNotice"] == 2 and done["AV_UT_RecordVote"] == 2
    assert "B_UT_RecordAgreement" not in done


def test_b_t5_duplicate_issues_merged(service):
    """B-T5: three reports of one leak; the 2nd and 3rd merge into case #1, which carries on alone."""
    first = start(service, title="3栋水管漏水 Water leak in building 3")
    first.do("B_UT_Collect", collect("3栋地下室水管漏水, 积水已漫到停车场, 需要尽快维修。", category="renovation"),
             by="grid_steward")
    reference = first.case["reference"]
    merged = []
    for name in ("居民钱", "居民孙"):
        s = start(service, title="3栋水管漏水 Water leak in building 3")
        s.do("B_UT_Collect", collect("3栋地下室漏水, 和前面居民反映的是同一处。", proposer=person(name, "resident"),
                                     category="renovation", merge_into_case=reference), by="grid_steward")
        s.do("B_UT_Confirm", confirm("merge", reason=f"与 {reference} 为同一问题, 合并办理"), by="two_committees")
        s.do("B_UT_ReplyProposer", {"replied_at": now_iso(s), "reply_channel": "wechat",
                                    "reply_text": f"已并入 {reference} 办理, 结果将一并公示"}, by="grid_steward")
        s.do("AR_UT_Archive", ARCHIVE, by="grid_steward")
        merged.append(s)
    for s in merged:
        ends(s, "B_EE_NotAccepted")
        assert s.computed("not_accepted_reason") == ["merged"]
        assert s.data()["merge_into_case"] == reference
        assert "B_UT_Consult" not in s.completions()
    # the one active flow: case #1 is accepted and goes on to its resolution publication
    assert first.case["status"] == "waiting_for_people"
    first.do("B_UT_Confirm", confirm(), by="two_committees")
    first.do("B_UT_DefineParticipants", define(), by="two_committees")
    notice_and_meet(first)
    first.do("B_UT_Consult", consult(first), by="deliberation_committee")
    first.do("B_UT_RecordAgreement", agreement(), by="deliberation_committee")
    assert first.open() == ["PUB_UT_Post"]
    assert [c["status"] for c in service.cases(process=KEY, status="active")] == ["waiting_for_people"]


def test_b_t7_evaluation_fails_then_rework(service):
    """B-T7: 20 + 4 of 50 satisfied fails (48 not > 50); rework; 35 satisfied passes; the case closes."""
    s = start(service)
    minor_until_evaluation(s)
    s.do("RE_UT_Evaluate", evaluation(50, 20, 4), by="supervision_committee")
    assert s.open() == ["B_UT_Rework"]
    s.do("B_UT_Rework", {"dissatisfaction_points": "新收集点离住户太近", "rework_plan": "加装围挡并每日清运两次",
                         "completed_at": now_iso(s), "rework_evidence": ["photo/rework.jpg"]}, by="two_committees")
    s.do("RE_UT_Evaluate", evaluation(50, 35, 5), by="supervision_committee")
    s.do("AR_UT_Archive", ARCHIVE, by="grid_steward")
    ends(s, "B_EE_Closed")
    done = s.completions()
    assert done["RE_UT_Evaluate"] == 2 and done["B_UT_Rework"] == 1 and done["AR_UT_Archive"] == 1
    assert s.computed("satisfied_flag") == [False, True]
    assert s.computed("evaluation_outcome") == ["rework", "satisfied"]
    assert s.computed("evaluation_rework_count")[-1] == 1


# ----- boundaries and loops of our own ------------------------------------------------------------


def test_pass_boundary_15_of_31_is_rejected_and_the_case_ends_with_published_reasons(service):
    s = start(service, title="加装电梯 Lift installation")
    to_consultation(s, importance="major")
    s.do("B_UT_Consult", consult(s), by="deliberation_committee")
    vote(s, eligible=60, present=31, yes=15)  # 2*15 = 30, not > 31
    assert s.computed("vote_outcome") == ["rejected"]
    s.do("B_UT_DecideAfterRejection", {"next_step": "close", "rejection_reasons": "多数居民不同意分摊费用"},
         by="two_committees")
    publish(s)
    s.do("AR_UT_Archive", ARCHIVE, by="grid_steward")
    ends(s, "B_EE_Rejected")
    assert "CI_UT_Classify" not in s.completions()


def test_pass_boundary_16_of_31_passes(service):
    s = start(service, title="加装电梯 Lift installation")
    to_consultation(s, all_residents=True)
    s.do("B_UT_Consult", consult(s), by="deliberation_committee")
    vote(s, eligible=60, present=31, yes=16)  # 32 > 31
    assert s.computed("vote_outcome") == ["passed"]
    assert s.open() == ["PUB_UT_Post"]


def test_rejected_vote_revised_and_passed_at_second_vote(service):
    s = start(service, title="加装电梯 Lift installation")
    to_consultation(s, public_funds=True)
    s.do("B_UT_Consult", consult(s), by="deliberation_committee")
    vote(s, eligible=60, present=40, yes=20)  # 40 not > 40
    s.do("B_UT_DecideAfterRejection", {"next_step": "revise", "rejection_reasons": "费用分摊方案需调整"},
         by="two_committees")
    assert s.open() == ["B_UT_Consult"]
    s.do("B_UT_Consult", consult(s), by="deliberation_committee")
    vote(s, eligible=60, present=40, yes=21)
    assert s.computed("vote_outcome") == ["rejected", "passed"]
    assert s.computed("consult_round") == [0, 1, 2]
    assert s.open() == ["PUB_UT_Post"]


def test_a_shared_activity_keeps_to_its_outputs_and_never_overwrites_the_callers_fields(service):
    """Issue 9 item 11: the consultation notice (B_UT_PreNotify) and the assembly's notice (AV_UT_PublishNotice)
    both record meeting_at, venue and content; the agreement (B_UT_RecordAgreement) and the acceptance
    (CI_UT_Accept) both record signatories. The shared activities hand back only their declared outputs
    (bpmn:ioSpecification), so the method's later steps read what its own steps recorded."""
    s = start(service, title="加装电梯 Lift installation")
    to_consultation(s, public_funds=True)
    consultation = task_data(s, "B_UT_Consult")
    s.do("B_UT_Consult", consult(s), by="deliberation_committee")
    notice = {**pre_notify(s), "venue": "金江路社区居委会大会议室", "content": "居民会议：加装电梯表决"}
    s.do("AV_UT_PublishNotice", notice, by="grid_steward")
    s.advance(days=4)
    s.do("AV_UT_RecordVote", {"eligible_total": 60, "present": 40, "yes": 20, "no": 10, "abstain": 10,
                              "voting_method": "show_of_hands", "resolution_text": "加装电梯方案",
                              "attendance_sheet": ["att.pdf"], "tally_sheet": ["tally.pdf"]}, by="assembly")
    s.do("B_UT_DecideAfterRejection", {"next_step": "revise", "rejection_reasons": "费用分摊方案需调整"},
         by="two_committees")
    # back at the consultation: its context shows the consultation's meeting, not the assembly's
    again = task_data(s, "B_UT_Consult")
    assert (again["meeting_at"], again["venue"], again["content"]) == \
        (consultation["meeting_at"], consultation["venue"], consultation["content"])
    assert again["meeting_at"] != notice["meeting_at"] and again["venue"] != notice["venue"]
    # what the vote hands back is there: its outcome and figures, its meeting under its own name
    assert (again["vote_outcome"], again["present"], again["assembly_meeting_at"]) == \
        ("rejected", 40, notice["meeting_at"])
    assert "tally_sheet" not in again and again["notice_published_at"] == consultation["notice_published_at"]


def test_the_agreements_signatories_survive_the_acceptances(service):
    """Issue 9 item 11, the other clash: B_UT_RecordAgreement and CI_UT_Accept both record signatories."""
    s = start(service)
    agreed_and_published(s)
    implement(s)
    agreed = [e["data"]["data"]["signatories"] for e in s.events("task_completed")
              if e["element_id"] == "B_UT_RecordAgreement"]
    accepted = [e["data"]["data"]["signatories"] for e in s.events("task_completed")
                if e["element_id"] == "CI_UT_Accept"]
    assert agreed and accepted and agreed[0] != accepted[0]
    after = task_data(s, "B_UT_Feedback")
    assert after["signatories"] == agreed[0]
    assert (after["acceptance"], after["outcome_classes"]) == ("accepted", ["implementation"])  # outputs came back
    assert after["completed_at"] == [e["data"]["data"]["completed_at"] for e in s.events("task_completed")
                                     if e["element_id"] == "CI_UT_Implement"][0]
    assert "notes" not in after and "stakeholder_supervisors" in after


def task_data(s: Scenario, element_id: str) -> dict:
    """The case data the open task ``element_id`` sees (what its context and a following gateway read)."""
    return s.service.runtime.task_view(s.case_id, s.task(element_id)["task_id"]).data


def test_quorum_fails_three_times_and_the_street_office_takes_over(service):
    s = start(service, title="加装电梯 Lift installation")
    to_consultation(s, importance="major")
    s.do("B_UT_Consult", consult(s), by="deliberation_committee")
    for _ in range(3):  # the first meeting and max_reconvene = 2 reconvened ones
        vote(s, eligible=60, present=30, yes=30)
    assert s.computed("vote_outcome")[-1] == "not_decided"
    s.do("B_UT_EscalateStreet", {"received_at": now_iso(s), "handling": "guidance", "opinion": "指导社区分楼栋议事"},
         by="street_office")
    ends(s, "B_EE_Escalated")
    assert s.completions()["AV_UT_RecordVote"] == 3


def test_no_consensus_for_max_rounds_escalates_to_the_street(service):
    s = start(service, max_rounds=3)
    to_consultation(s)
    s.do("B_UT_Consult", consult(s, "no_consensus"), by="deliberation_committee")
    for _ in range(2):
        assert s.open() == ["B_UT_PreNotify"]
        notice_and_meet(s)
        s.do("B_UT_Consult", consult(s, "no_consensus"), by="deliberation_committee")
    assert s.open() == ["B_UT_EscalateStreet"]
    s.do("B_UT_EscalateStreet", {"received_at": now_iso(s), "handling": "street_consultation",
                                 "opinion": "提交街道议事协商会"}, by="street_office")
    ends(s, "B_EE_Escalated")
    done = s.completions()
    assert done["B_UT_PreNotify"] == 3 and done["B_UT_Consult"] == 3
    assert s.computed("consult_round") == [0, 1, 2, 3]
    assert s.events("timer_fired") and len(s.events("timer_fired")) == 3


def test_substantive_objection_returns_to_consultation(service):
    s = start(service)
    to_consultation(s)
    s.do("B_UT_Consult", consult(s), by="deliberation_committee")
    s.do("B_UT_RecordAgreement", agreement(), by="deliberation_committee")
    publish(s, substantive_objection=True)
    assert s.open() == ["B_UT_Consult"]
    s.do("B_UT_Consult", consult(s), by="deliberation_committee")
    s.do("B_UT_RecordAgreement", agreement(), by="deliberation_committee")
    publish(s)
    assert s.open() == ["CI_UT_Classify"]
    # every value a script assigns is recorded: window opened, objection upheld (publication stopped); window
    # opened, period ran out
    assert s.computed("objection_substantive") == [False, True, False, False]
    assert s.computed("objections_lodged") == [0, 1, 0]
    assert s.completions()["PUB_UT_Post"] == 2


def test_second_failed_evaluation_archives_with_a_follow_up_recommended(service):
    s = start(service)
    minor_until_evaluation(s)
    s.do("RE_UT_Evaluate", evaluation(50, 20, 5), by="supervision_committee")  # 50, not > 50
    s.do("B_UT_Rework", {"dissatisfaction_points": "异味仍在", "rework_plan": "更换设备",
                         "completed_at": now_iso(s), "rework_evidence": ["photo/r.jpg"]}, by="two_committees")
    s.do("RE_UT_Evaluate", evaluation(50, 20, 5), by="supervision_committee")
    assert s.open() == ["AR_UT_Archive"]  # rework only once (max_evaluation_rework = 1)
    assert s.computed("evaluation_outcome") == ["rework", "unsatisfied"]
    assert s.computed("follow_up_case_recommended")[-1] is True
    s.do("AR_UT_Archive", ARCHIVE, by="grid_steward")
    ends(s, "B_EE_Closed")


def test_late_reply_is_recorded_as_not_timely(service):
    s = start(service)
    s.do("B_UT_Collect", collect(), by="grid_steward")
    s.do("B_UT_Confirm", confirm("reject", reason="已由物业按合同处理"), by="two_committees")
    s.advance(days=7, hours=14)  # Monday 2026-03-09 23:00: still day 7
    s.do("B_UT_ReplyProposer", {"replied_at": now_iso(s), "reply_channel": "phone", "reply_text": "不予受理"},
         by="grid_steward")
    assert s.computed("reply_timely") == [True]
    assert s.computed("not_accepted_reason") == ["rejected"]

    late = start(service)
    late.do("B_UT_Collect", collect(), by="grid_steward")
    late.do("B_UT_Confirm", confirm("reject", reason="已由物业按合同处理"), by="two_committees")
    late.advance(days=8)  # its reply was due 7 days after 2026-03-09 23:00: one day late
    late.do("B_UT_ReplyProposer", {"replied_at": now_iso(late), "reply_channel": "phone", "reply_text": "不予受理"},
            by="grid_steward")
    assert late.computed("reply_timely") == [False]


def test_step_labels_can_be_relabelled_per_community(service):
    s = start(service, step_labels={"B1_Collect": "民事民提", "B6_SuperviseEvaluate": "民事民评"})
    labels = s.computed("step_labels")[0]
    assert labels["B1_Collect"] == "民事民提" and labels["B6_SuperviseEvaluate"] == "民事民评"
    assert labels["B3_Consult"] == "协商议事"
    with pytest.raises(InvalidInput):
        start(service, step_labels={"B7_Extra": "x"})


def test_pre_notice_must_be_at_least_pre_notice_min_days(service):
    s = start(service)
    s.do("B_UT_Collect", collect(), by="grid_steward")
    s.do("B_UT_Confirm", confirm(), by="two_committees")
    s.do("B_UT_DefineParticipants", define(), by="two_committees")
    with pytest.raises(InvalidInput) as raised:
        s.do("B_UT_PreNotify", pre_notify(s, days=2), by="grid_steward")
    assert {e.path for e in raised.value.errors} == {"meeting_at", "notice_published_at"}
    s.do("B_UT_PreNotify", pre_notify(s, days=3), by="grid_steward")
    assert s.case["next_timer_at"] is not None


def rejects(s: Scenario, element: str, data: dict, *fields: str, by: str) -> None:
    """The form is refused (submitted by a member holding ``by``) and the error names exactly ``fields``."""
    with pytest.raises(InvalidInput) as raised:
        s.do(element, data, by=by)
    assert {e.path for e in raised.value.errors} == set(fields)


def test_form_rules_of_steps_2_and_4(service):
    s = start(service)
    s.do("B_UT_Collect", collect(), by="grid_steward")
    # a merge needs the case it is merged into
    rejects(s, "B_UT_Confirm", confirm("merge", reason="重复"), "merge_into_case", by="two_committees")
    # the Party organisation and the residents' committee both vet the topic
    rejects(s, "B_UT_Confirm", {"decision": "accept", "vetted_by": [VETTED_BY[0], VETTED_BY[0]]}, "vetted_by",
            by="two_committees")
    rejects(s, "B_UT_Confirm", confirm("reject"), "reason", by="two_committees")
    rejects(s, "B_UT_Confirm", confirm("refer", reason="私人纠纷"), "referred_to", by="two_committees")
    s.do("B_UT_Confirm", confirm(), by="two_committees")
    s.do("B_UT_DefineParticipants", define(), by="two_committees")
    notice_and_meet(s)
    # 民事民议: at least one resident attends
    rejects(s, "B_UT_Consult", consult(s, attendees=ATTENDEES[5:]), "attendees", by="deliberation_committee")
    bare = consult(s)
    del bare["plan_items"]
    rejects(s, "B_UT_Consult", bare, "plan_items", by="deliberation_committee")  # a consensus lists the plan items
    s.do("B_UT_Consult", consult(s), by="deliberation_committee")
    # not every attendee signed and no dissent is recorded
    rejects(s, "B_UT_RecordAgreement", agreement(ATTENDEES[:8]), "signatories", "dissent", by="deliberation_committee")
    rejects(s, "B_UT_RecordAgreement", agreement(ATTENDEES[5:], dissent="居民未到场签字"), "signatories",  # no resident
            by="deliberation_committee")
    s.do("B_UT_RecordAgreement", agreement(ATTENDEES[:8], dissent="网格员周保留意见, 已当场解释"),
         by="deliberation_committee")
    assert s.open() == ["PUB_UT_Post"]


def test_overdue_implementation_is_urged_and_the_case_still_closes(service):
    s = start(service)
    agreed_and_published(s)
    today = clock.now().astimezone(SHANGHAI).date()
    s.do("CI_UT_Classify", {"outcome_classes": ["implementation"]}, by="two_committees")
    s.do("CI_UT_ReviewLegality", LAWFUL, by="street_office")
    s.do("CI_UT_Assign", {"owner": {"name": "居委会陈主任"}, "deadline": (today + dt.timedelta(days=15)).isoformat(),
                          "stakeholder_supervisors": [{"name": "居民1"}]}, by="two_committees")
    # the reminder (3 days before) and the deadline have passed: CI_BT_Reminder and CI_BT_Overdue fire, the work
    # goes on
    assert s.advance(days=16) == 2
    assert s.open() == ["CI_UT_EscalateOverdue", "CI_UT_Implement"]
    s.do("CI_UT_Implement", {"completed_at": clock.now().astimezone(SHANGHAI).date().isoformat(),
                             "evidence": ["photo/after.jpg"]}, by="two_committees")
    s.do("CI_UT_Accept", {"acceptance": "accepted", "signatories": [{"name": "监委张委员"}, {"name": "居民1"}]},
         by="supervision_committee")
    assert s.open() == ["CI_UT_EscalateOverdue"]  # the call activity ends once the urging is recorded too
    s.do("CI_UT_EscalateOverdue", {"action": "urged", "note": "已督促, 现已完成"}, by="supervision_committee")
    assert s.open() == ["B_UT_Feedback"]
    feedback(s)
    s.do("RE_UT_Evaluate", evaluation(40, 30, 4), by="supervision_committee")
    s.do("AR_UT_Archive", ARCHIVE, by="grid_steward")
    ends(s, "B_EE_Closed")
    assert [e["element_id"] for e in s.events("timer_fired")][-1] == "CI_BT_Overdue"


def test_min_supporters_gates_acceptance(service):
    """附议 [S28] (DOMAIN.md §5.1): with min_supporters = 5 a topic with 4 co-signers is not accepted."""
    s = start(service, min_supporters=5)
    s.do("B_UT_Collect", collect(co_signers=4), by="grid_steward")
    rejects(s, "B_UT_Confirm", confirm(), "decision", by="two_committees")
    s.do("B_UT_Confirm", confirm("reject", reason="附议人数不足"), by="two_committees")
    assert s.open() == ["B_UT_ReplyProposer"]

    enough = start(service, min_supporters=5)
    enough.do("B_UT_Collect", collect(co_signers=5), by="grid_steward")
    enough.do("B_UT_Confirm", confirm(), by="two_committees")
    assert enough.open() == ["B_UT_DefineParticipants"]


def test_street_office_rules_the_convention_illegal(service):
    """[S7]: an outcome ruled illegal is corrected, not implemented; the case ends B_EE_Illegal."""
    s = start(service)
    agreed_and_published(s)
    s.do("CI_UT_Classify", {"outcome_classes": ["convention"]}, by="two_committees")
    s.do("CI_UT_ReviewLegality", LAWFUL, by="street_office")
    s.do("CI_UT_DraftConvention", {"convention_title": "垃圾分类公约", "clauses": "未分类者公示姓名",
                                   "legality_self_check": True}, by="two_committees")
    s.do("CI_UT_AdoptConvention", {"adopting_body": "residents_meeting", "adopted": True,
                                   "meeting_date": "2026-03-20", "vote_record": ["vote.pdf"]}, by="assembly")
    s.do("CI_UT_FileConvention", {"filing_authority": "street_office", "filing_date": "2026-03-21",
                                  "ruling": "illegal", "correction": "不得公示居民个人信息 No naming residents"},
                                  by="street_office")
    publish(s)  # the correction and its reasons
    ends(s, "B_EE_Illegal")
    assert "B_UT_Feedback" not in s.completions()
