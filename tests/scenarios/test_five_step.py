"""Scenarios of process A, the five-step deliberation method (DOMAIN.md §4.7), plus boundary cases.

Each test drives ``processes/five_step.bpmn`` and the shared call activities through
``tests/support/scenario.py`` as the lane roles would, moves the clock to fire the timers, and checks
the end event, how often each task ran, the computed values and the case file."""

from __future__ import annotations

import pytest

from engine.domain import clock
from engine.domain.actors import Actor
from engine.errors import Forbidden, InvalidInput
from engine.read import public
from tests.support.five_step import (
    CRITERIA,
    PANEL,
    PARTICIPANTS,
    UNIT,
    after_vote_to_close,
    archive,
    assembly,
    assert_closed,
    completed_sequence,
    consult,
    evaluate,
    party_review,
    publish,
    register,
    residents_evaluate,
    start,
    to_evaluation,
    to_party_approval,
    triage,
)
from tests.support.scenario import LAWFUL, Scenario, day, iso


def test_a_t1_happy_path_jinjianglu(yishi):
    s = start(yishi)
    to_party_approval(s)
    assembly(s, eligible=41, present=30, yes=22, no=5, abstain=3)
    deadline = after_vote_to_close(s)

    assert_closed(s)
    assert s.computed("quorum_met") == [True]  # 2·30 = 60 > 41
    assert s.computed("passed") == [True]  # 2·22 = 44 > 30
    assert s.computed("vote_outcome") == ["passed"]
    assert s.computed("invalid") == [0]
    assert s.computed("reconvene_count") == [0]
    assert s.computed("satisfied_flag") == [True]  # 2·(90+18) = 216 > 120
    assert s.computed("consult_round")[-1] == 1
    assert s.computed("implementation_due") == [f"{deadline}T23:59:59+08:00"]  # 60 days out, to 24:00
    assert s.computed("unsatisfied_flagged") == [False]
    assert completed_sequence(s) == [
        "A_UT_Register", "A_UT_Triage", "A_UT_Consult", "A_UT_Evaluate", "A_UT_PartyReview",
        "AV_UT_PublishNotice", "AV_UT_RecordVote",  # the agenda is published before the assembly
        "PUB_UT_Post",  # the resolution (no objection: the period runs out)
        "CI_UT_Classify", "CI_UT_ReviewLegality", "CI_UT_Assign", "CI_UT_Implement", "CI_UT_Accept",
        "PUB_UT_Post",  # the result
        "RE_UT_Evaluate", "AR_UT_Archive",
    ]
    # completed on day 45 of 60: the overdue timer never fired
    fired = [e["element_id"] for e in s.events("timer_fired")]
    assert "CI_BT_Overdue" not in fired
    assert fired.count("PUB_BT_WindowEnds") == 2 and fired.count("AV_TE_Meeting") == 1
    # the case file (一事一档) holds every form as submitted, with who submitted it in which role
    completed = s.events("task_completed")
    assert all(e["data"]["data"] for e in completed)
    roles = {e["element_id"]: e["data"]["role"] for e in completed}
    assert roles["A_UT_Register"] == "grid_steward" and roles["A_UT_Consult"] == "deliberation_committee"
    assert roles["A_UT_Evaluate"] == "review_panel" and roles["A_UT_PartyReview"] == "party_org"
    assert roles["AV_UT_RecordVote"] == "assembly" and roles["RE_UT_Evaluate"] == "supervision_committee"
    vote = next(e for e in completed if e["element_id"] == "AV_UT_RecordVote")["data"]["data"]
    assert (vote["eligible_total"], vote["present"], vote["yes"], vote["no"], vote["abstain"]) == (41, 30, 22, 5, 3)
    started = s.events("case_started")[0]["data"]["data"]
    assert started["variant"] == "jinjianglu" and started["max_consult_rounds"] == 3 and started["reply_days"] == 7


def test_a_t2_infeasible_then_feasible(yishi):
    s = start(yishi)
    register(s)
    triage(s)
    consult(s)
    evaluate(s, verdict="infeasible", cost_reasonableness="fail")
    assert s.open() == ["A_UT_Consult"]  # back to 商议 to revise the plan
    consult(s, summary="压缩预算后的方案 Plan with a reduced budget")
    evaluate(s)
    party_review(s)
    assembly(s, eligible=41, present=30, yes=22, no=5, abstain=3)
    after_vote_to_close(s)

    assert_closed(s)
    done = s.completions()
    assert done["A_UT_Consult"] == 2
    assert done["A_UT_Evaluate"] == 2
    assert done["A_UT_PartyReview"] == 1
    assert s.computed("consult_round") == [0, 1, 2]
    assert s.computed("infeasible_count") == [0, 1, 1]
    assert s.computed("evaluation_round") == [0, 1, 2]


def test_a_t3_quorum_missed_then_reconvened(yishi):
    s = start(yishi)
    to_party_approval(s)
    assembly(s, eligible=41, present=20, yes=18, no=1, abstain=1)  # 2·20 = 40, not > 41
    assert s.open() == ["AV_UT_PublishNotice"]  # the agenda is published again for a new meeting
    assembly(s, eligible=41, present=26, yes=15, no=8, abstain=3, notice_days=3)  # 52 > 41; 30 > 26
    after_vote_to_close(s)

    assert_closed(s)
    assert s.computed("quorum_met") == [False, True]
    assert s.computed("passed") == [False, True]
    assert s.computed("reconvene_count") == [0, 1]
    assert s.completions()["AV_UT_PublishNotice"] == 2
    assert s.completions()["AV_UT_RecordVote"] == 2
    notices = [e["data"]["data"] for e in s.events("task_completed") if e["element_id"] == "AV_UT_PublishNotice"]
    assert [n["meeting_at"] > n["notice_published_at"] for n in notices] == [True, True]


def test_a_t5_party_returns_the_plan(yishi):
    s = start(yishi)
    register(s)
    triage(s)
    consult(s)
    evaluate(s)
    party_review(s, decision="return_for_revision")
    assert s.open() == ["A_UT_Consult"]
    consult(s, summary="补充资金来源后的方案 Plan with the funding source")
    evaluate(s)
    party_review(s)
    assembly(s, eligible=41, present=30, yes=22, no=5, abstain=3)
    after_vote_to_close(s)

    assert_closed(s)
    done = s.completions()
    assert done["A_UT_PartyReview"] == 2
    assert done["A_UT_Consult"] == 2 and done["A_UT_Evaluate"] == 2
    decisions = [e["data"]["data"]["decision"] for e in s.events("task_completed")
                 if e["element_id"] == "A_UT_PartyReview"]
    assert decisions == ["return_for_revision", "approve_submit_to_vote"]


def test_a_t7_residents_convention(yishi):
    title = "电动自行车停放充电公约 E-bike parking and charging rules"
    s = start(yishi, title=title)
    register(s, title=title, category="management")
    triage(s)
    consult(s, summary="电动自行车集中停放、禁止入户充电")
    evaluate(s)
    party_review(s, assembly_type="residents_meeting_households")
    assembly(s, eligible=380, present=201, yes=150, no=30, abstain=21)  # 402 > 380; 300 > 201
    publish(s)  # the resolution
    s.do("CI_UT_Classify", {"outcome_classes": ["convention"]}, by="two_committees")
    s.do("CI_UT_ReviewLegality", LAWFUL, by="street_office")
    s.do("CI_UT_DraftConvention", {"convention_title": "电动自行车停放充电公约",
                                   "clauses": "一、集中停放；二、禁止入户充电。", "legality_self_check": True},
                                   by="two_committees")
    s.do("CI_UT_AdoptConvention", {"adopting_body": "residents_meeting", "adopted": True, "meeting_date": day(),
                                   "vote_record": ["sheets/convention_vote.pdf"]}, by="assembly")
    s.do("CI_UT_FileConvention", {"filing_authority": "street_office", "filing_date": day(), "ruling": "filed",
                                  "receipt_no": "JD-2026-17"}, by="street_office")
    publish(s, channels=("notice_board", "wechat_official", "wechat_group"))  # the convention
    publish(s)  # the result
    residents_evaluate(s)
    archive(s)

    assert_closed(s)
    done = s.completions()
    for task in ("CI_UT_Assign", "CI_UT_Implement", "CI_UT_Accept", "CI_UT_ReferUp"):
        assert task not in done
    assert s.computed("implementation_due") == []  # no deadline computed, so no deadline timer
    opened = {e["element_id"] for e in s.events("task_opened")}
    assert "CI_UT_Implement" not in opened and "CI_UT_EscalateOverdue" not in opened
    assert {e["element_id"] for e in s.events("timer_fired")} == {"AV_TE_Meeting", "PUB_BT_WindowEnds"}
    filing = next(e for e in s.events("task_completed") if e["element_id"] == "CI_UT_FileConvention")
    assert filing["data"]["role"] == "street_office"
    assert filing["data"]["data"]["filing_authority"] == "street_office"
    posts = [e["data"]["data"]["channels"] for e in s.events("task_completed") if e["element_id"] == "PUB_UT_Post"]
    assert len(posts) == 3  # resolution, convention, result
    assert {"notice_board", "wechat_official"} <= set(posts[1])


# ----- variant and boundaries -------------------------------------------------------------------


def test_jinsha_1plus5_has_no_feasibility_evaluation(yishi):
    s = start(yishi, variant="jinsha_1plus5")
    register(s)
    triage(s)
    consult(s)
    assert s.open() == ["A_UT_PartyReview"]  # 提议→商议→审议: no 评议
    party_review(s)
    assembly(s, eligible=41, present=30, yes=22, no=5, abstain=3)
    after_vote_to_close(s)

    assert_closed(s)
    assert "A_UT_Evaluate" not in s.completions()
    assert s.computed("evaluation_round") == [0]


def test_quorum_boundary_not_met_until_escalated(yishi):
    """2·20 = 40 is not more than 41: no quorum; after max_reconvene reconvenings the street office is told."""
    s = start(yishi, max_reconvene=1)
    to_party_approval(s)
    assembly(s, eligible=41, present=20, yes=20, no=0, abstain=0)
    assembly(s, eligible=41, present=20, yes=20, no=0, abstain=0)
    assert s.open() == ["A_UT_EscalateStreet"]
    s.do("A_UT_EscalateStreet", {"received_on": day(), "guidance": "街道指导分楼栋召开居民小组会议",
                                 "follow_up": "street_platform"}, by="street_office")

    assert s.case["end_event"] == "A_EE_NotDecided"
    assert s.computed("reconvene_count") == [0, 1]
    assert s.computed("quorum_met") == [False, False]
    votes = [e["data"]["data"] for e in s.events("task_completed") if e["element_id"] == "AV_UT_RecordVote"]
    assert [(v["eligible_total"], v["present"]) for v in votes] == [(41, 20), (41, 20)]
    assert s.computed("vote_outcome")[-1] == "not_decided"
    assert s.events("task_completed")[-1]["data"]["role"] == "street_office"


def test_quorum_boundary_21_of_41_is_met(yishi):
    s = start(yishi)
    to_party_approval(s)
    assembly(s, eligible=41, present=21, yes=11, no=10, abstain=0)  # 42 > 41; 22 > 21
    assert s.computed("quorum_met") == [True]
    assert s.computed("passed") == [True]
    assert s.open() == ["PUB_UT_Post"]


def test_exactly_half_yes_is_rejected_then_closed(yishi):
    """41 eligible, 30 present, 15 yes: 2·15 = 30 is not more than 30, so not adopted (过半数 excludes half)."""
    s = start(yishi)
    to_party_approval(s)
    assembly(s, eligible=41, present=30, yes=15, no=10, abstain=5)
    assert s.computed("quorum_met") == [True]
    assert s.computed("passed") == [False]
    assert s.computed("vote_outcome") == ["rejected"]
    publish(s)  # the non-adoption, with reasons
    assert s.open() == ["A_UT_DecideResubmit"]
    s.do("A_UT_DecideResubmit", {"resubmit_decision": "close", "reasons": "居民多数不支持 Most residents against"},
         by="deliberation_committee")

    assert s.case["end_event"] == "A_EE_Rejected"
    assert s.completions()["PUB_UT_Post"] == 1


def test_rejected_plan_revised_and_resubmitted(yishi):
    s = start(yishi)
    to_party_approval(s)
    assembly(s, eligible=41, present=30, yes=15, no=10, abstain=5)
    publish(s)
    s.do("A_UT_DecideResubmit", {"resubmit_decision": "revise_and_resubmit", "reasons": "调整分摊方式后再议"},
         by="deliberation_committee")
    assert s.open() == ["A_UT_Consult"]
    consult(s)
    evaluate(s)
    party_review(s)
    assembly(s, eligible=41, present=30, yes=16, no=9, abstain=5)
    after_vote_to_close(s)

    assert_closed(s)
    assert s.computed("passed") == [False, True]
    assert s.computed("reconvene_count") == [0, 0]  # each vote counts its own reconvenings
    assert s.completions()["AV_UT_RecordVote"] == 2


def test_party_rejection_is_published(yishi):
    s = start(yishi)
    register(s)
    triage(s)
    consult(s)
    evaluate(s)
    party_review(s, decision="reject")
    publish(s)  # the reasons
    assert s.case["end_event"] == "A_EE_Rejected"
    assert "A_CA_AssemblyVote" not in s.completions() and "AV_UT_PublishNotice" not in s.completions()


def test_consult_rounds_exhausted_then_withdrawn(yishi):
    s = start(yishi)
    register(s)
    triage(s)
    for _ in range(3):
        consult(s, consensus=False)
    assert s.open() == ["A_UT_DecideContinue"]
    s.do("A_UT_DecideContinue", {"continue_decision": "withdraw", "reasons": "三轮商议未能达成共识"},
         by="deliberation_committee")
    publish(s)  # the withdrawal, with reasons

    assert s.case["end_event"] == "A_EE_Withdrawn"
    assert s.completions()["A_UT_Consult"] == 3
    assert s.computed("consult_round") == [0, 1, 2, 3]


def test_continue_after_the_round_limit(yishi):
    s = start(yishi, max_consult_rounds=1)
    register(s)
    triage(s)
    consult(s, consensus=False)
    s.do("A_UT_DecideContinue", {"continue_decision": "continue", "proposer_view": "愿意继续"},
         by="deliberation_committee")
    consult(s)
    assert s.open() == ["A_UT_Evaluate"]


def test_second_infeasible_verdict_offers_withdrawal(yishi):
    s = start(yishi)
    register(s)
    triage(s)
    consult(s)
    evaluate(s, verdict="infeasible", safety="fail")
    consult(s)
    evaluate(s, verdict="infeasible", safety="fail")
    assert s.open() == ["A_UT_DecideContinue"]
    s.do("A_UT_DecideContinue", {"continue_decision": "withdraw", "reasons": "安全问题无法解决 Safety cannot be met"},
         by="deliberation_committee")
    publish(s)
    assert s.case["end_event"] == "A_EE_Withdrawn"
    assert s.computed("infeasible_count") == [0, 1, 2]


def test_conditional_verdict_goes_back_to_consult(yishi):
    s = start(yishi)
    register(s)
    triage(s)
    consult(s)
    evaluate(s, verdict="feasible_with_conditions", cost_reasonableness="concern")
    assert s.open() == ["A_UT_Consult"]
    assert s.computed("infeasible_count") == [0, 0]


def test_substantive_objection_returns_to_party_review(yishi):
    s = start(yishi)
    to_party_approval(s)
    assembly(s, eligible=41, present=30, yes=22, no=5, abstain=3)
    publish(s, objections=3, substantive=True)  # two dismissed and answered, the third upheld
    assert s.open() == ["A_UT_PartyReview"]
    assert [e["data"]["text"] for e in s.events("objection_lodged")] == [
        "第1条异议 Objection 1", "第2条异议 Objection 2", "第3条异议 Objection 3"]
    assert s.completions()["PUB_UT_PostAnswer"] == 2
    assert yishi.key_figures(s.case_id)["publication_in_progress"] is False
    with yishi.db.connect() as conn:  # the notice is off the public board at once, days before its period ends
        assert public.running_publications(conn, UNIT, clock.now()) == []
    party_review(s)
    assembly(s, eligible=41, present=30, yes=25, no=3, abstain=2)
    after_vote_to_close(s)
    assert_closed(s)
    assert s.completions()["A_UT_PartyReview"] == 2
    assert s.completions()["AV_UT_RecordVote"] == 2


def test_unsatisfied_twice_reworks_once_then_archives_flagged(yishi):
    s = to_evaluation(start(yishi))
    residents_evaluate(s, respondents=100, satisfied=30, basically=20, dissatisfied=50)  # 2·50 = 100, not > 100
    assert s.open() == ["A_UT_Rework"]
    s.do("A_UT_Rework", {"rework_plan": "更换漏水接头", "rework_completed_at": day(), "rework_evidence": ["r.jpg"]},
         by="two_committees")
    publish(s)
    residents_evaluate(s, respondents=100, satisfied=30, basically=20, dissatisfied=50)
    assert s.open() == ["AR_UT_Archive"]
    archive(s)

    assert_closed(s)
    assert s.computed("satisfied_flag") == [False, False]
    assert s.computed("evaluation_rework_count") == [0, 1]
    assert s.computed("unsatisfied_flagged") == [False, True]
    assert s.completions()["A_UT_Rework"] == 1
    assert s.completions()["RE_UT_Evaluate"] == 2


def test_not_deliberated_is_answered_and_overdue_reply_is_urged(yishi):
    s = start(yishi)
    register(s)
    triage(s, "refer", reason="属供水公司职责", referred_to="昆明市自来水公司", reply_text="已转供水公司办理")
    assert s.computed("reply_due") == ["2026-03-09T23:59:59+08:00"]  # 7 days from receipt, to 24:00
    assert s.task("A_UT_ReplyProposer")["due_at"] is not None
    assert s.advance(days=7) == 0  # 2026-03-09 16:00, still in time
    assert s.advance(days=1) == 1  # past 24:00 on the 9th: the overdue timer fires
    assert s.open() == ["A_UT_ReplyProposer", "A_UT_UrgeReply"]
    s.do("A_UT_UrgeReply", {"urged_at": iso(), "urge_note": "请尽快答复提议人"}, by="supervision_committee")
    s.do("A_UT_ReplyProposer", {"replied_at": iso(), "reply_channel": "phone"}, by="grid_steward")

    assert s.case["end_event"] == "A_EE_Answered"
    # recorded by the engine when reply_due passed, and again when the reply was entered
    assert s.computed("reply_late") == [True, True]
    assert [e["element_id"] for e in s.events("deadline_passed")] == ["A_BT_ReplyOverdue"]
    assert "A_UT_Consult" not in s.completions()


def test_a_back_dated_reply_stays_late_until_an_administrator_corrects_it(yishi):
    s = start(yishi)
    register(s)
    triage(s, "handle_directly", reason="物业可直接维修", reply_text="已安排物业维修")
    assert s.advance(days=8) == 1  # reply_due (03-09 24:00) passed with no reply: late, recorded now
    assert s.computed("reply_late") == [True]
    s.do("A_UT_UrgeReply", {"urged_at": iso(), "urge_note": "请尽快答复提议人"}, by="supervision_committee")
    # entered on 03-10, declaring a reply on 03-08 (inside the period): still late
    s.do("A_UT_ReplyProposer", {"replied_at": "2026-03-08T10:00:00+08:00", "reply_channel": "phone"},
         by="grid_steward")
    assert s.computed("reply_late") == [True, True]
    assert s.computed("reply_entered_at")[0].startswith("2026-03-10T")
    reply = [e for e in s.events("task_completed") if e["element_id"] == "A_UT_ReplyProposer"][0]
    assert reply["data"]["data"]["replied_at"] == "2026-03-08T10:00:00+08:00"
    yishi.correct_flag(s.case_id, Actor("admin", is_admin=True), "reply_late", False,
                       "电话记录显示3月8日已答复 The phone log shows the reply on the 8th")
    assert yishi.key_figures(s.case_id)["reply_late"] is False
    assert s.case["status"] == "completed"  # a completed case's flag can be corrected; its file records it
    assert [e["data"]["previous"] for e in s.events("flag_corrected")] == [True]


def test_timely_reply(yishi):
    s = start(yishi)
    register(s)
    triage(s, "handle_directly", reason="物业可直接维修", reply_text="已安排物业维修")
    s.do("A_UT_ReplyProposer", {"replied_at": iso(days=3), "reply_channel": "wechat"}, by="grid_steward")
    assert s.case["end_event"] == "A_EE_Answered"
    assert s.computed("reply_late") == [False]


# ----- form rules -------------------------------------------------------------------------------


def fields_of(excinfo) -> set[str]:
    return {e.path for e in excinfo.value.errors}


def test_form_rules(yishi):
    s = start(yishi)
    with pytest.raises(InvalidInput):  # description shorter than 20 characters
        s.do("A_UT_Register", {"channel": "phone", "proposer_type": "resident", "proposer": {"name": "甲"},
                               "title": "x", "description": "太短", "category": "dispute", "scope": "building"},
                               by="grid_steward")
    register(s)
    with pytest.raises(InvalidInput) as excinfo:  # not deliberated: reason and reply required
        triage(s, "not_public_matter")
    assert {"reason", "reply_text"} <= fields_of(excinfo)
    triage(s)
    base = {"consult_at": iso(), "venue": "阳光议事厅", "plan_summary": "方案", "plan_items": [{"item": "x"}],
            "consensus_reached": True, "minutes": ["m.pdf"]}
    with pytest.raises(InvalidInput):  # fewer than three participants
        s.do("A_UT_Consult", {**base, "participants": PARTICIPANTS[:2]}, by="deliberation_committee")
    with pytest.raises(InvalidInput) as excinfo:  # 民事民议: no resident or resident representative
        s.do("A_UT_Consult", {**base, "participants": [{"name": n, "role": "property_company"} for n in "甲乙丙"]},
             by="deliberation_committee")
    assert fields_of(excinfo) == {"participants"}
    consult(s)
    with pytest.raises(InvalidInput) as excinfo:  # a fail rules out "feasible"
        evaluate(s, safety="fail")
    assert fields_of(excinfo) == {"verdict"}
    with pytest.raises(InvalidInput) as excinfo:  # not feasible: conditions required
        s.do("A_UT_Evaluate", {"panel": PANEL, **{c: "ok" for c in CRITERIA}, "verdict": "infeasible",
                               "report": ["r.pdf"]}, by="review_panel")
    assert "conditions" in fields_of(excinfo)
    evaluate(s)
    with pytest.raises(InvalidInput) as excinfo:  # approval needs the assembly date and type
        s.do("A_UT_PartyReview", {"body": "branch", "meeting_date": day(), "decision": "approve_submit_to_vote"},
             by="party_org")
    assert {"assembly_date", "assembly_type"} <= fields_of(excinfo)
    with pytest.raises(InvalidInput) as excinfo:  # the assembly too soon for a 3-day notice
        s.do("A_UT_PartyReview", {"body": "branch", "meeting_date": day(), "decision": "approve_submit_to_vote",
                                  "assembly_date": day(2), "assembly_type": "rep_assembly"}, by="party_org")
    assert fields_of(excinfo) == {"assembly_date"}
    with pytest.raises(InvalidInput) as excinfo:  # reject needs written opinions
        s.do("A_UT_PartyReview", {"body": "branch", "meeting_date": day(), "decision": "reject"}, by="party_org")
    assert "opinions" in fields_of(excinfo)
    s.do("A_UT_PartyReview", {"body": "branch", "meeting_date": day(), "decision": "approve_submit_to_vote",
                              "assembly_date": day(3), "assembly_type": "rep_assembly"}, by="party_org")
    assert s.open() == ["AV_UT_PublishNotice"]


def test_start_form_defaults_and_limits(yishi):
    s = start(yishi)
    data = s.events("case_started")[0]["data"]["data"]
    assert {k: data[k] for k in ("variant", "rule_profile", "max_reconvene", "max_consult_rounds",
                                 "publication_period", "pre_notice_min", "reply_days", "evaluation_window")} == {
        "variant": "jinjianglu", "rule_profile": "jmh_art9", "max_reconvene": 2, "max_consult_rounds": 3,
        "publication_period": 7, "pre_notice_min": 3, "reply_days": 7, "evaluation_window": 14}
    with pytest.raises(InvalidInput):
        Scenario.start(yishi, "five_step", unit=UNIT, data={"title": "x", "variant": "sivi"})


def test_a_street_office_rules_the_convention_illegal(yishi):
    """[S7] An illegal outcome is not implemented: the street office corrects it; the case ends A_EE_Illegal."""
    s = start(yishi)
    to_party_approval(s)
    assembly(s, eligible=41, present=30, yes=22, no=5, abstain=3)
    publish(s)
    s.do("CI_UT_Classify", {"outcome_classes": ["convention", "implementation"]}, by="two_committees")
    s.do("CI_UT_ReviewLegality", LAWFUL, by="street_office")
    s.do("CI_UT_DraftConvention", {"convention_title": "楼道堆物收费公约", "clauses": "堆物每日罚款50元",
                                   "legality_self_check": True}, by="two_committees")
    s.do("CI_UT_AdoptConvention", {"adopting_body": "residents_meeting", "adopted": True, "meeting_date": day(),
                                   "vote_record": ["sheets/vote.pdf"]}, by="assembly")
    with pytest.raises(InvalidInput) as caught:
        s.do("CI_UT_FileConvention", {"filing_authority": "street_office", "filing_date": day(), "ruling": "illegal"},
             by="street_office")
    assert [e.path for e in caught.value.errors] == ["correction"]
    s.do("CI_UT_FileConvention", {"filing_authority": "street_office", "filing_date": day(), "ruling": "illegal",
                                  "correction": "居民公约不得设定罚款 A convention cannot fine"}, by="street_office")
    # the correction and its reasons are published first (its own kind of notice), then the case ends
    assert s.open() == ["CI_UT_Assign", "PUB_UT_Post"]
    publish(s)
    case = s.case
    assert (case["status"], case["end_event"]) == ("completed", "A_EE_Illegal")
    assert s.computed("publication_kind")[-1] == "correction"
    assert case["open_tasks"] == []  # the parallel implementation branch was withdrawn with the call activity
    assert "CI_UT_Implement" not in s.completions()


@pytest.mark.parametrize("classes", [["implementation"], ["refer_up"], ["convention", "implementation", "refer_up"]])
def test_the_street_office_rules_any_outcome_illegal_at_classification(yishi, classes):
    """DOMAIN.md §3.5 item 4, [S7]: whatever the outcome's class, the street office reviews it at classification;
    an illegal one is not implemented, its correction is published, and the case ends at A_EE_Illegal."""
    s = start(yishi)
    to_party_approval(s)
    assembly(s, eligible=41, present=30, yes=22, no=5, abstain=3)
    publish(s)
    s.do("CI_UT_Classify", {"outcome_classes": classes}, by="two_committees")
    review = s.task("CI_UT_ReviewLegality")
    assert review["role"] == "street_office"
    with pytest.raises(InvalidInput) as caught:  # an illegal ruling needs the correction and its reasons
        s.do("CI_UT_ReviewLegality", {"legality": "illegal", "reviewed_at": day()}, by="street_office")
    assert [e.path for e in caught.value.errors] == ["correction"]
    with pytest.raises(Forbidden):  # the two committees cannot rule on their own outcome
        s.do("CI_UT_ReviewLegality", LAWFUL, by="two_committees")
    s.do("CI_UT_ReviewLegality", {"legality": "illegal", "reviewed_at": day(),
                                  "correction": "占用消防通道，违反《消防法》第二十八条，不予实施"}, by="street_office")
    assert s.open() == ["PUB_UT_Post"]  # nothing is implemented: the correction is published first
    publish(s)
    windows = [e["data"]["publication_kind"] for e in s.events("computed") if e["element_id"] == "PUB_ST_Window"]
    assert windows == ["resolution", "correction"]  # a publication of its own kind
    case = s.case
    assert (case["status"], case["end_event"]) == ("completed", "A_EE_Illegal")
    done = s.completions()
    assert not {"CI_UT_Assign", "CI_UT_DraftConvention", "CI_UT_ReferUp"} & set(done)
    assert done["PUB_UT_Post"] == 2  # the resolution and the correction


def test_a_step_done_by_a_member_without_the_lanes_role_is_refused(yishi):
    s = start(yishi)
    with pytest.raises(Forbidden):  # the proposer cannot register their own proposal: the grid steward does
        s.do("A_UT_Register", {}, by="proposer")
    assert s.completions() == {}
