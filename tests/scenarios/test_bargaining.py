"""Scenarios of process C, building collective bargaining (DOMAIN.md §6.9), plus boundary cases.

Each test drives ``processes/building_collective_bargaining.bpmn`` and the shared call activity
``processes/congress_vote.bpmn`` through ``tests/support/scenario.py`` as the lane roles would, moves the
clock to fire the timers, and checks the end event, how often each task ran, the computed values
and the case file. The clock starts on Monday 2026-03-02 09:00 Asia/Shanghai (``frozen_clock``)."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.domain.actors import Actor
from engine.errors import Forbidden, InvalidInput, InvalidState
from tests.support.bargaining import (
    ENTERPRISES,
    UNIT,
    advance_until_open,
    assert_in_force,
    at,
    congress,
    draft,
    file,
    form_teams,
    issue_request,
    last,
    negotiate,
    plus,
    prepare,
    publish,
    publish_teams,
    rejects,
    reply,
    review,
    sign,
    sign_file_review_effect,
    start,
    suspend,
    team,
    to_negotiation,
)
from tests.support.scenario import Scenario, day, member


def test_c_t1_happy_path(yishi):
    s = start(yishi)
    form_teams(s)
    assert s.computed("rep_violations") == [[]]
    publish_teams(s)
    delivered_at = issue_request(s)
    # Day 0 is Monday 2026-03-02; day 20 is Sunday 03-22, so the period rolls to Monday [S22 Art 203]
    assert s.computed("reply_due") == ["2026-03-23T23:59:59+08:00"]
    assert s.task("C_UT_Reply")["due_at"] is not None
    s.advance(days=12)
    reply(s)  # day 12
    prepare(s)
    negotiate(s, chair="employee", outcome="deadlock")
    resume_at = suspend(s, days=7)
    assert s.advance_to(resume_at + dt.timedelta(minutes=1)) == 1  # C_TE_Resume
    negotiate(s, chair="employer", outcome="agreement", agreed_clauses="工资增长5%，带薪年休假增加2天")
    draft(s, term_months=36)
    congress(s, present=85, yes=70)
    dates = sign_file_review_effect(s, file_after=5)
    assert dates == {"signed": "2026-03-28", "filed": "2026-04-02"}  # filed S + 5; received the same day
    assert last(s, "effective_date") == "2026-04-17" == plus(dates["filed"], 15)  # received + 15 days [S12 Art 47]
    publish(s, "2026-04-23")  # 6 days after effect
    assert last(s, "expiry_date") == "2029-04-17"  # 36 months
    renewal = last(s, "renewal_window_at")
    assert renewal == "2029-01-17T00:00:00+08:00"  # expiry − P3M [S12 Art 38]
    effective = "2026-04-17"
    assert s.case["next_timer_at"] is not None
    assert s.case["status"] == "waiting_for_timer"
    assert s.advance_to(dt.datetime.fromisoformat(renewal) - dt.timedelta(minutes=1)) == 0
    assert s.advance_to(dt.datetime.fromisoformat(renewal) + dt.timedelta(minutes=1)) == 1  # C_TE_RenewalWindow

    assert_in_force(s)
    assert s.computed("quorum_met") == [True]  # 3·85 = 255 ≥ 240
    assert s.computed("passed") == [True]  # 2·70 = 140 > 120
    assert s.computed("congress_outcome") == ["passed"]
    assert s.computed("invalid_ballots") == [0]
    assert s.computed("congress_reconvene_count") == [0]
    assert s.computed("negotiation_round")[-1] == 2
    assert s.computed("previous_chair_side")[-1] == "employee"
    assert last(s, "late_yunnan") is False and last(s, "late_national") is False
    assert last(s, "compliance_flags") == []
    assert last(s, "filing_days_after_signing") == 5
    assert last(s, "review_due") == f"{effective}T23:59:59+08:00"
    assert last(s, "objection_effective") is False
    assert last(s, "review_silent") is False
    assert last(s, "publication_due") == f"{plus(effective, 10)}T23:59:59+08:00"
    assert last(s, "publication_late") is False
    assert s.completions() == {
        "C_UT_EmployeeReps": 1, "C_UT_EmployerReps": 1, "C_UT_PublishReps": 1, "C_UT_IssueRequest": 1,
        "C_UT_Reply": 1, "C_UT_Prepare": 1, "C_UT_Negotiate": 2, "C_UT_Suspend": 1, "C_UT_DraftSigned": 1,
        "CV_UT_CirculateDraft": 1, "CV_UT_RecordVote": 1, "C_UT_Sign": 1, "C_UT_File": 1, "C_UT_Review": 1,
        "C_UT_Publish": 1,
    }
    started = s.events("case_started")[0]["data"]["data"]
    assert started["pass_rule"] == "strict_majority_of_all" and started["filing_profile"] == "yunnan"
    assert started["reply_due_days"] == 20 and started["max_reps"] is None and started["publication_days"] == 10
    fired = [e["element_id"] for e in s.events("timer_fired")]
    assert fired == ["C_TE_Resume", "CV_TE_Congress", "C_TE_ReviewWindow", "C_TE_RenewalWindow"]
    request = next(e for e in s.events("task_completed") if e["element_id"] == "C_UT_IssueRequest")
    assert request["data"]["role"] == "union_fed" and request["data"]["data"]["delivered_at"] == delivered_at
    vote = next(e for e in s.events("task_completed") if e["element_id"] == "CV_UT_RecordVote")
    assert vote["data"]["role"] == "congress" and vote["data"]["data"]["ballot"] == "secret_ballot"


def test_c_t2_no_reply_within_20_days(yishi):
    s = start(yishi)
    form_teams(s)
    publish_teams(s)
    issue_request(s)  # day 0, Monday 2026-03-02
    assert s.computed("reply_due") == ["2026-03-23T23:59:59+08:00"]  # day 20 is a Sunday: rolls to Monday
    assert s.advance_to(at("2026-03-23", 23)) == 0  # still in time on the last day
    assert s.open() == ["C_UT_Reply"]
    assert s.advance_to(at("2026-03-24", 0)) == 1  # C_TE_ReplyDue, interrupting
    assert s.open() == ["C_UT_Escalate"]
    assert s.task("C_UT_Escalate")["role"] == "upper_union"
    s.advance_to(at("2026-03-29"))  # day 27
    s.do("C_UT_Escalate", {"escalated_at": "2026-03-24", "trigger": "no_reply",
                           "handled_by": ["upper_union_guidance", "labour_admin_coordination"],
                           "actions": "区人社局约谈企业方，协调恢复协商", "escalation_outcome": "resumed",
                           "employer_reply": "agree", "employer_agreed_at": day()}, by="upper_union")
    prepare(s)
    negotiate(s, chair="employer", outcome="agreement")
    draft(s)
    congress(s, present=85, yes=70)
    sign_file_review_effect(s)
    publish(s, day())
    s.advance(days=3 * 366)

    assert_in_force(s)
    assert [e["element_id"] for e in s.events("timer_fired")][0] == "C_TE_ReplyDue"
    counts = s.completions()
    assert counts["C_UT_Reply"] == 0 and counts["C_UT_Escalate"] == 1 and counts["C_UT_Prepare"] == 1
    reply_events = [e["kind"] for e in s.events() if e["element_id"] == "C_UT_Reply"]
    assert reply_events == ["task_opened", "task_closed"]  # opened, then withdrawn by the timer
    assert s.events("case_completed")[-1]["data"]["end_event"] == "C_EE_InForce"


def test_c_t2_refusal_escalated_and_failed(yishi):
    s = start(yishi)
    form_teams(s)
    publish_teams(s)
    issue_request(s)
    s.advance(days=5)
    reply(s, "refuse_with_reason")
    s.do("C_UT_Escalate", {"escalated_at": day(), "trigger": "refusal", "handled_by": ["upper_union_guidance"],
                           "actions": "上级工会指导无果", "escalation_outcome": "failed"}, by="upper_union")
    assert s.case["end_event"] == "C_EE_Refused"
    assert s.events("timer_fired") == []


def test_c_t4_congress_rejects_renegotiation_passes(yishi):
    s = start(yishi)
    to_negotiation(s)
    negotiate(s, chair="employee", outcome="deadlock")
    resume_at = suspend(s, days=7)
    s.advance_to(resume_at + dt.timedelta(minutes=1))
    negotiate(s, chair="employer", outcome="agreement")
    draft(s)
    congress(s, present=90, yes=50)  # 2·50 = 100, not > 120
    assert s.computed("congress_outcome") == ["rejected"]
    assert s.open() == ["C_UT_Negotiate"]  # renegotiation [S16 Art 11; S23]
    rejects(lambda: negotiate(s, chair="employer", outcome="agreement"), "轮流主持")  # round 2: employer chair
    negotiate(s, chair="employee", outcome="agreement", agreed_clauses="工资条款修订：增幅6%")
    draft(s)
    congress(s, present=96, yes=75)  # 2·75 = 150 > 120
    sign_file_review_effect(s)
    publish(s, day())
    s.advance(days=3 * 366)

    assert_in_force(s)
    assert s.computed("congress_vote_count") == [0, 1, 2]  # initialised, then one per call
    assert s.computed("congress_outcome") == ["rejected", "passed"]
    assert s.computed("quorum_met") == [True, True]  # 3·90 = 270 ≥ 240; 3·96 = 288 ≥ 240
    assert s.computed("passed") == [False, True]
    assert s.computed("congress_reconvene_count") == [0, 0]  # initialised on each call
    counts = s.completions()
    assert counts["C_UT_Negotiate"] == 3 and counts["C_UT_DraftSigned"] == 2
    assert counts["CV_UT_CirculateDraft"] == 2 and counts["CV_UT_RecordVote"] == 2
    assert counts["C_UT_Sign"] == 1
    assert s.computed("negotiation_round")[-1] == 3


def test_c_t6_deadlock_suspension_coordination_with_extension(yishi):
    s = start(yishi)
    to_negotiation(s)
    negotiate(s, chair="employee", outcome="deadlock")
    resume_at = suspend(s, days=14)
    suspension = next(e for e in s.events("task_completed") if e["element_id"] == "C_UT_Suspend")["data"]["data"]
    assert suspension["next_place"] == "大厦职工之家" and suspension["next_time"] == resume_at.isoformat()
    assert s.advance_to(resume_at - dt.timedelta(minutes=1)) == 0
    assert s.advance_to(resume_at + dt.timedelta(minutes=1)) == 1  # C_TE_Resume
    negotiate(s, chair="employer", outcome="dispute")
    assert s.open() == ["C_UT_Coordinate"]
    accepted = day()  # day A
    s.advance(days=38)
    s.do("C_UT_Coordinate", {
        "applicant": "employee", "application": ["coordination/application.pdf"], "accepted_at": accepted,
        "panel": [{"name": "李科长", "side": "labour_admin"}, {"name": "王主席", "side": "union"},
                  {"name": "赵会长", "side": "enterprise_organization"}],
        "extension_days": 10, "concluded_at": day(), "agreement": ["coordination/agreement.pdf"],
        "agreement_signed": True, "coordination_outcome": "continue",
        "remaining_items": "1. 加班费计算基数；2. 年终奖发放办法",
    }, by="labour_admin")
    assert accepted == "2026-03-28"
    assert last(s, "coordination_due") == f"{plus(accepted, 40)}T23:59:59+08:00" == "2026-05-07T23:59:59+08:00"
    assert last(s, "coordination_met") is True  # concluded on A + 38
    negotiate(s, chair="employee", outcome="agreement")
    draft(s)
    congress(s, present=85, yes=70)
    sign_file_review_effect(s)
    publish(s, day())
    s.advance(days=3 * 366)

    assert_in_force(s)
    counts = s.completions()
    assert counts["C_UT_Negotiate"] == 3 and counts["C_UT_Suspend"] == 1 and counts["C_UT_Coordinate"] == 1
    assert s.computed("coordination_count")[-1] == 1


@pytest.mark.parametrize(("extension", "concluded_after", "met"),
                         [(0, 35, True), (0, 36, False), (15, 47, True), (15, 48, False)])
def test_coordination_deadline(yishi, extension, concluded_after, met):
    s = start(yishi)
    to_negotiation(s)
    negotiate(s, chair="employee", outcome="dispute")
    s.advance_to(at("2026-04-01"))  # day A, a Wednesday
    s.do("C_UT_Coordinate", {
        "applicant": "ex_officio", "accepted_at": "2026-04-01", "extension_days": extension,
        "panel": [{"name": "李科长", "side": "labour_admin"}, {"name": "王主席", "side": "union"},
                  {"name": "赵会长", "side": "enterprise_organization"}],
        "concluded_at": plus("2026-04-01", concluded_after), "agreement": ["coordination/agreement.pdf"],
        "agreement_signed": True, "coordination_outcome": "agreed",
    }, by="labour_admin")
    # A + 30 = Friday 05-01 (Labour Day) rolls to Wednesday 05-06 [S22 Art 203]; A + 45 = Saturday 05-16 → Monday
    expected = {0: "2026-05-06", 15: "2026-05-18"}[extension]
    assert last(s, "coordination_due") == f"{expected}T23:59:59+08:00"
    assert last(s, "coordination_met") is met  # the last day counts in full (届满 includes it)
    assert s.open() == ["C_UT_DraftSigned"]  # agreed in coordination: straight to the draft


def test_c_t7_invalid_teams_rejected_then_corrected(yishi):
    s = start(yishi)
    employee = team("职工", 5, externals=2)  # 3·2 = 6 > 5: R5
    employer = team("企业", 4, names=["企业1", "企业2", "企业3", "职工3"])  # 4 ≠ 5: R1; 职工3 on both teams: R6
    form_teams(s, employee, employer)
    assert s.computed("rep_violations") == [["R1", "R5", "R6"]]
    assert s.computed("reps_valid") == [False]
    assert s.open() == ["C_UT_CorrectReps"]
    assert s.computed("employee_reps")[-1] is None  # the rejected lists are replaced whole
    s.do("C_UT_CorrectReps", {"corrections": "职工方外聘专家减为1人；企业方增至5人；职工3退出企业方名单",
                              "employee_reps": team("职工", 5, externals=1), "employer_reps": team("企业", 5),
                              "employer_confirmation": ["confirmations/employer_chief.pdf"]}, by="union_fed")
    assert s.computed("rep_violations")[-1] == []
    assert s.computed("rep_check_round")[-1] == 2
    assert s.open() == ["C_UT_PublishReps"]
    publish_teams(s)
    issue_request(s)
    s.advance(days=3)
    reply(s)
    rejects(lambda: prepare(s, recorder="职工2"), "记录员")  # R9: the recorder is on a team
    prepare(s)
    assert s.open() == ["C_UT_Negotiate"]
    counts = s.completions()
    assert counts["C_UT_EmployeeReps"] == 1 and counts["C_UT_EmployerReps"] == 1 and counts["C_UT_CorrectReps"] == 1
    first = next(e for e in s.events("task_completed") if e["element_id"] == "C_UT_EmployerReps")
    assert len(first["data"]["data"]["employer_reps"]) == 4  # the case file keeps the rejected list


# ----- boundary cases ---------------------------------------------------------------------------


def to_congress(s: Scenario):
    to_negotiation(s)
    negotiate(s, chair="employee", outcome="agreement")
    draft(s)


@pytest.mark.parametrize(("pass_rule", "passed"), [("strict_majority_of_all", False), ("half_or_more_of_all", True)])
def test_60_of_120_yes_fails_strict_and_passes_national(yishi, pass_rule, passed):
    s = start(yishi, pass_rule=pass_rule)
    to_congress(s)
    congress(s, present=80, yes=60)  # quorum exactly: 3·80 = 240 ≥ 240
    assert s.computed("quorum_met") == [True]
    assert s.computed("passed") == [passed]
    assert s.computed("congress_outcome") == ["passed" if passed else "rejected"]
    assert s.open() == (["C_UT_Sign"] if passed else ["C_UT_Negotiate"])


def test_quorum_79_of_120_reconvenes_then_stalls(yishi):
    s = start(yishi)
    to_congress(s)
    for _ in range(3):  # the first vote and max_reconvene = 2 reconvenings
        congress(s, present=79, yes=79)  # 3·79 = 237 < 240
    assert s.computed("quorum_met") == [False, False, False]
    assert s.computed("congress_reconvene_count") == [0, 1, 2]
    assert s.open() == ["C_UT_EscalateStalled"]
    s.do("C_UT_EscalateStalled", {"received_on": day(), "guidance": "重新选举代表后再行召开"}, by="upper_union")
    assert s.case["end_event"] == "C_EE_Stalled"
    assert s.computed("congress_outcome")[-1] == "stalled"
    assert s.completions()["CV_UT_RecordVote"] == 3


@pytest.mark.parametrize(("managers", "ok"), [(24, True), (25, False)])
def test_managers_at_most_one_fifth(yishi, managers, ok):
    s = start(yishi)
    to_congress(s)
    if ok:
        congress(s, present=85, yes=70, managers=managers)  # 5·24 = 120 ≤ 120
        assert s.computed("passed") == [True]
    else:
        rejects(lambda: congress(s, present=85, yes=70, managers=managers), "百分之二十")  # 5·25 = 125 > 120


def test_vote_form_rules(yishi):
    s = start(yishi)
    to_congress(s)
    rejects(lambda: congress(s, present=85, yes=70, notice_days=6), "至少")  # 6 days ahead; circulate_min 7
    rejects(lambda: congress(s, present=85, yes=70, ballot="show_of_hands"), "无记名")
    over = {"congress_mode": "building_congress", "total": 120, "managers_among_delegates": 10,
            "qualification_check_done": True, "present": 85, "yes": 70, "no": 10, "abstain": 6,
            "ballot": "secret_ballot", "resolution": ["r.pdf"]}  # 70 + 10 + 6 = 86 > 85
    rejects(lambda: s.do("CV_UT_RecordVote", over, by="congress"), "不得超过实到")


def test_per_enterprise_mode_covers_the_enterprises_that_passed(yishi):
    s = start(yishi)
    to_congress(s)
    rows = [{"enterprise": "云岭数科有限公司", "total": 30, "present": 25, "yes": 16},  # 32 > 30: passes
            {"enterprise": "滇池软件有限公司", "total": 20, "present": 15, "yes": 10}]  # 20, not > 20: fails
    congress(s, present=40, yes=26, total=50, mode="per_enterprise", per_enterprise_results=rows)
    assert s.computed("covered_enterprises") == [["云岭数科有限公司"]]
    assert s.computed("congress_outcome") == ["passed"]


@pytest.mark.parametrize(("file_day", "late_yunnan", "late_national"),
                         [(7, False, False), (8, True, False), (10, True, False), (11, True, True)])
def test_filing_day_7_8_10_11(yishi, file_day, late_yunnan, late_national):
    s = start(yishi)
    to_congress(s)
    congress(s, present=85, yes=70)
    s.advance_to(at("2026-04-13", 9))  # Monday: sign + 7 (Mon 04-20) and sign + 10 (Thu 04-23) are working days
    sign(s)
    assert last(s, "filing_due_yunnan") == "2026-04-20T23:59:59+08:00"
    assert last(s, "filing_due_national") == "2026-04-23T23:59:59+08:00"
    s.advance(days=file_day)
    fired = s.events("timer_fired")
    assert [e["element_id"] for e in fired] == ["CV_TE_Congress"] + (["C_BT_FileDue"] if late_yunnan else []) + \
        (["C_BT_FileDueNational"] if late_national else [])
    file(s)
    assert last(s, "late_yunnan") is late_yunnan
    assert last(s, "late_national") is late_national
    assert last(s, "compliance_flags") == [f for f, on in (("late_yunnan", late_yunnan),
                                                          ("late_national", late_national)) if on]
    expected_open = ["C_UT_Review"] + (["C_UT_RemindFiling"] if late_yunnan else []) + \
        (["C_UT_EscalateLateFiling"] if late_national else [])
    assert s.open() == sorted(expected_open)


def test_a_back_dated_filing_cannot_clear_the_lateness_the_engine_recorded(yishi):
    """Deadlines are judged by the clock: the Yunnan filing deadline passes with nothing filed, the engine records
    late_yunnan then; a filing entered afterwards that declares a date within the period leaves the flag as it
    is, with the declared date and the time of entry both in the case file. Only an administrator's correction,
    with a reason, changes it."""
    s = start(yishi)
    to_congress(s)
    congress(s, present=85, yes=70)
    s.advance_to(at("2026-04-13", 9))
    sign(s)
    assert s.advance_to(at("2026-04-21", 9)) == 1  # Yunnan deadline 04-20 24:00 passed, nothing filed yet
    [passed] = s.events("deadline_passed")
    assert passed["element_id"] == "C_BT_FileDue"
    assert last(s, "late_yunnan") is True  # recorded when the deadline passed
    file(s, filed="2026-04-17")  # entered on the 21st, declaring the 17th
    assert last(s, "late_yunnan") is True and last(s, "late_national") is False
    assert last(s, "compliance_flags") == ["late_yunnan"]
    [filing] = [e for e in s.events("task_completed") if e["element_id"] == "C_UT_File"]
    assert filing["data"]["data"]["filed_at"] == "2026-04-17"  # the date declared ...
    assert last(s, "filing_entered_at").startswith("2026-04-21T09:00")  # ... and when it was entered
    assert last(s, "filing_days_after_signing") == 4
    # an administrator corrects the flag, with the reason; the correction is an event of the case file
    admin = Actor("admin", is_admin=True)
    with pytest.raises(Forbidden):
        yishi.correct_flag(s.case_id, member(UNIT, "labour_admin"), "late_yunnan", False, "回执为17日")
    with pytest.raises(InvalidInput):  # a reason is required
        yishi.correct_flag(s.case_id, admin, "late_yunnan", False, "  ")
    with pytest.raises(InvalidInput):  # only lateness flags
        yishi.correct_flag(s.case_id, admin, "passed", False, "x")
    with pytest.raises(InvalidState):  # a flag this case never recorded
        yishi.correct_flag(s.case_id, admin, "publication_late", False, "x")
    yishi.correct_flag(s.case_id, admin, "late_yunnan", False, "报送回执显示4月17日已送达 The receipt shows the 17th")
    [corrected] = s.events("flag_corrected")
    assert corrected["actor"] == "admin" and corrected["data"] == {
        "flag": "late_yunnan", "value": False, "previous": True,
        "reason": "报送回执显示4月17日已送达 The receipt shows the 17th"}
    assert yishi.key_figures(s.case_id)["late_yunnan"] is False
    with pytest.raises(InvalidState):  # already corrected to that value
        yishi.correct_flag(s.case_id, admin, "late_yunnan", False, "again")


def test_objection_renegotiated_and_refiled(yishi):
    s = start(yishi)
    to_congress(s)
    congress(s, present=85, yes=70)
    sign(s)
    s.advance(days=2)
    filed = file(s)
    s.advance(days=10)
    review(s, received=filed, result="objection", delivered=day())
    assert last(s, "objection_effective") is True
    s.do("C_UT_RenegotiateObjection", {"renegotiated_at": day(), "objected_items": "加班费条款",
                                       "revised_clauses": "加班费按法定标准计发", "substantive_change": False,
                                       "minutes": ["minutes/objection.pdf"]}, by="union_fed")
    assert s.open() == ["C_UT_Sign"]
    sign_file_review_effect(s)
    publish(s, day())
    s.advance(days=3 * 366)
    assert_in_force(s)
    counts = s.completions()
    assert counts["C_UT_Sign"] == 2 and counts["C_UT_File"] == 2 and counts["C_UT_Review"] == 2
    assert counts["CV_UT_RecordVote"] == 1
    assert s.computed("objection_count")[-1] == 1
    assert s.computed("filing_count")[-1] == 2


def test_review_silence_means_effect(yishi):
    s = start(yishi)
    to_congress(s)
    congress(s, present=85, yes=70)
    sign(s)
    filed = file(s)
    due = last(s, "review_due")
    assert s.task("C_UT_Review")["due_at"] is not None
    advance_until_open(s, "C_UT_Publish")
    assert "C_TE_ReviewSilence" in [e["element_id"] for e in s.events("timer_fired")]
    assert last(s, "review_silent") is True
    assert last(s, "received_at") == filed
    assert last(s, "effective_date") == due[:10]
    assert s.completions()["C_UT_Review"] == 0


def test_late_publication_is_flagged_and_urged(yishi):
    s = start(yishi)
    to_congress(s)
    congress(s, present=85, yes=70)
    sign_file_review_effect(s)
    effective = last(s, "effective_date")
    due = last(s, "publication_due")
    s.advance_to(dt.datetime.fromisoformat(due) + dt.timedelta(hours=1))
    assert s.open() == ["C_UT_Publish", "C_UT_UrgePublication"]
    s.do("C_UT_UrgePublication", {"urged_on": day(), "action": "函告企业方限期公布"}, by="upper_union")
    publish(s, day())
    assert last(s, "publication_late") is True
    assert s.case["status"] == "waiting_for_timer"  # the renewal window
    assert days_after(effective, day()) > 10
    s.advance(days=3 * 366)
    assert_in_force(s)


def days_after(start_date: str, end_date: str) -> int:
    return (dt.date.fromisoformat(end_date) - dt.date.fromisoformat(start_date)).days


def test_max_reps_and_no_union_rules(yishi):
    s = start(yishi, max_reps=4)
    s.do("C_UT_EmployeeReps", {
        "building_name": UNIT, "federation_name": "五华科创大厦工会联合会", "enterprises": ENTERPRISES,
        "union_established": False, "staff_consent": {"consenting": 499, "total_staff": 1000},
        "employee_reps": team("职工", 5, chief=0), "employee_chief_basis": "elected_no_union",
    }, by="union_fed")
    s.do("C_UT_EmployerReps", {
        "employer_side_basis": "employer_organization", "enterprise_mandates": ["m.pdf"],
        "employer_reps": [{**r, "is_chief": True} for r in team("企业", 5)][:2] + team("企业", 5)[2:],
        "employer_chief_basis": "legal_representative",
    }, by="employer_side")
    # 5 > 4 per side: R2'; two employer chiefs: R3; 2·499 < 1000: R7
    assert s.computed("rep_violations") == [["R2'", "R3", "R7"]]


def test_both_sides_abandon_the_bargaining(yishi):
    """ASSUMPTION (DOMAIN.md §6.4): a written agreement of both sides to stop ends the case C_EE_Abandoned."""
    s = start(yishi)
    to_negotiation(s)
    negotiate(s, chair="employee", outcome="abandoned", open_issues="双方同意本年度不再协商")
    assert s.case["end_event"] == "C_EE_Abandoned"
    assert "C_UT_DraftSigned" not in s.completions()
