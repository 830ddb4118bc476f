"""Steps of the five-step method, one helper per step, each acting as its lane's role (DOMAIN.md §4)."""

from __future__ import annotations

import datetime as dt

from tests.support.scenario import LAWFUL, Scenario, day, deploy_processes, iso, now

UNIT = "金江路社区"

PROPOSER = {"name": "李业委", "role": "业委会主任", "unit": "金康园业委会"}
PARTICIPANTS = [
    {"name": "李业委", "role": "owners_committee"},
    {"name": "张居民", "role": "resident_rep"},
    {"name": "王物业", "role": "property_company"},
    {"name": "赵监督", "role": "supervision_committee"},
]
PANEL = [
    {"name": "陈工", "role": "professional", "unit": "市政设计院"},
    {"name": "刘代表", "role": "npc_deputy"},
    {"name": "孙律师", "role": "professional"},
]
CRITERIA = ("technical_feasibility", "legal_compliance", "cost_reasonableness", "safety", "resident_acceptance")


# ----- helpers: one per step, each acting as the lane's role -----------------------------------


def start(yishi, title="金康园中水灌溉 Reclaimed-water irrigation", **config) -> Scenario:
    deploy_processes(yishi)
    return Scenario.start(yishi, "five_step", unit=UNIT, data={"title": title, **config})


def register(s: Scenario, title="金康园中水灌溉 Reclaimed-water irrigation", category="renovation"):
    s.do("A_UT_Register", {
        "channel": "deliberation_hall", "proposer_type": "owners_committee", "proposer": PROPOSER,
        "co_signers": 35, "title": title,
        "description": "小区绿化用自来水浇灌费用高，业委会提议改用中水灌溉并加装管道。",
        "category": category, "scope": "courtyard_or_estate", "est_households_affected": 420,
    }, by="grid_steward")


def triage(s: Scenario, result="deliberate", **extra):
    s.do("A_UT_Triage", {"triage_result": result, **extra}, by="grid_steward")


def consult(s: Scenario, consensus=True, summary="中水管道改造方案"):
    s.do("A_UT_Consult", {
        "consult_at": iso(hours=-2), "venue": "阳光议事厅", "participants": PARTICIPANTS,
        "related_units": ["金康园业委会", "物业服务企业"], "plan_summary": summary,
        "plan_items": [{"item": "铺设中水管道", "responsible": "物业", "est_cost": 86000,
                        "funding": "maintenance_fund", "timeline": "60日"}],
        "consensus_reached": consensus, "minutes": ["minutes/consult.pdf"],
    }, by="deliberation_committee")


def evaluate(s: Scenario, verdict="feasible", **ratings):
    data = {"panel": PANEL, **{c: "ok" for c in CRITERIA}, **ratings, "verdict": verdict,
            "report": ["reports/feasibility.pdf"]}
    if verdict != "feasible":
        data["conditions"] = "费用过高，须压缩预算 Cost too high; cut the budget"
    s.do("A_UT_Evaluate", data, by="review_panel")


def party_review(s: Scenario, decision="approve_submit_to_vote", assembly_type="rep_assembly"):
    data = {"body": "party_committee", "meeting_date": day(), "decision": decision}
    if decision == "approve_submit_to_vote":
        data.update(assembly_date=day(5), assembly_type=assembly_type)
    else:
        data["opinions"] = "方案须补充资金来源说明 State the funding source"
    s.do("A_UT_PartyReview", data, by="party_org")


def assembly(s: Scenario, eligible: int, present: int, yes: int, no: int, abstain: int, *, notice_days=4):
    """Post the meeting notice, wait for the meeting (timer), record the vote."""
    meeting_at = (now() + dt.timedelta(days=notice_days)).replace(hour=19, minute=0, second=0, microsecond=0)
    s.do("AV_UT_PublishNotice", {
        "notice_published_at": iso(), "meeting_at": meeting_at.isoformat(), "venue": "社区会议室",
        "channels": ["notice_board", "wechat_group"], "content": "会议议程与方案 Agenda and plan",
        "posting_evidence": s.attach("photos/notice.jpg", by="grid_steward"),
    }, by="grid_steward")
    assert s.open() == []
    assert s.advance_to(meeting_at + dt.timedelta(minutes=1)) == 1  # the meeting timer
    s.do("AV_UT_RecordVote", {
        "eligible_total": eligible, "present": present, "yes": yes, "no": no, "abstain": abstain,
        "voting_method": "show_of_hands", "resolution_text": "同意实施中水灌溉改造",
        "attendance_sheet": ["sheets/attendance.pdf"], "tally_sheet": ["sheets/tally.pdf"],
    }, by="assembly")


def publish(s: Scenario, channels=("notice_board", "wechat_official"), objections=0, substantive=False):
    """Post a notice; residents lodge ``objections`` while it runs, each ruled by the supervision committee:
    dismissed and answered in public, or (``substantive``) the last one upheld, which stops the publication.
    Without a substantive one the period runs out (timer)."""
    s.do("PUB_UT_Post", {"channels": list(channels), "start_at": iso(), "content": "公示内容 Notice",
                         "posting_evidence": s.attach("photos/posting.jpg", by="grid_steward")},
         by="grid_steward")
    for n in range(1, objections + 1):
        s.object(f"第{n}条异议 Objection {n}", by="proposer")
        if substantive and n == objections:
            s.do("PUB_UT_RuleObjection", {"ruling": "substantive", "ruling_reasons": "异议成立 It holds"},
                 by="supervision_committee")
            return
        s.do("PUB_UT_RuleObjection", {"ruling": "dismissed", "ruling_reasons": "不影响方案 No effect on the plan",
                                      "explanation": "已公开答复 Answered publicly"}, by="supervision_committee")
        s.do("PUB_UT_PostAnswer", {"answer_channels": ["notice_board"], "answered_at": iso(),
                                   "answer_evidence": s.attach("photos/answer.jpg", by="grid_steward")},
             by="grid_steward")
    for _ in range(30):  # the period rolls past rest days and holidays, so step day by day
        if s.advance(days=1):
            break


def implement(s: Scenario, deadline_days=60, done_on_day=45):
    s.do("CI_UT_Classify", {"outcome_classes": ["implementation"]}, by="two_committees")
    s.do("CI_UT_ReviewLegality", LAWFUL, by="street_office")
    deadline = day(deadline_days)
    s.do("CI_UT_Assign", {"owner": {"name": "周委员", "role": "居委会委员"}, "deadline": deadline,
                          "budget": 86000, "stakeholder_supervisors": [{"name": "张居民"}]}, by="two_committees")
    s.advance(days=done_on_day)
    s.do("CI_UT_Implement", {"completed_at": day(), "evidence": ["photos/pipes.jpg"]}, by="two_committees")
    s.do("CI_UT_Accept", {"acceptance": "accepted",
                          "signatories": [{"name": "赵监督", "role": "监督委员会"}, {"name": "张居民"}]},
                          by="supervision_committee")
    return deadline


def residents_evaluate(s: Scenario, respondents=120, satisfied=90, basically=18, dissatisfied=12):
    s.do("RE_UT_Evaluate", {"method": "survey", "respondents": respondents, "satisfied": satisfied,
                            "basically_satisfied": basically, "dissatisfied": dissatisfied}, by="supervision_committee")


def archive(s: Scenario):
    s.do("AR_UT_Archive", {"archive_no": "JJL-2026-0001",
                           "checklist": ["forms", "minutes", "sign_in_sheets", "tally_sheets", "publication_evidence"],
                           "dossier_complete": True}, by="grid_steward")


def to_party_approval(s: Scenario):
    """提议 → 商议 → 评议 → 审议 approved: the common opening of most scenarios."""
    register(s)
    triage(s)
    consult(s)
    evaluate(s)
    party_review(s)


def to_evaluation(s: Scenario) -> Scenario:
    """Opening through a passed vote, the resolution published, implemented and accepted, the result published:
    the residents' evaluation is open."""
    to_party_approval(s)
    assembly(s, eligible=41, present=30, yes=22, no=5, abstain=3)
    publish(s)
    implement(s)
    publish(s)
    return s


def after_vote_to_close(s: Scenario) -> str:
    """Resolution published without objection, implemented, result published, evaluated, archived."""
    publish(s)  # resolution
    deadline = implement(s)
    publish(s)  # result
    residents_evaluate(s)
    archive(s)
    return deadline


def completed_sequence(s: Scenario) -> list[str]:
    return [e["element_id"] for e in s.events("task_completed")]


def assert_closed(s: Scenario):
    case = s.case
    assert case["status"] == "completed", (case["status"], case["error_message"], s.open())
    assert case["end_event"] == "A_EE_Closed"


# ----- DOMAIN.md §4.7 scenarios -----------------------------------------------------------------
