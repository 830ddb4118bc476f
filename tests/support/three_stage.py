"""Steps of the three-stage six-step method, one helper per step, each acting as its lane's role (DOMAIN.md §5)."""

from __future__ import annotations

import datetime as dt

from engine.domain import clock
from tests.support.scenario import LAWFUL, Scenario

UNIT = "金江路社区"
KEY = "three_stage_six_step"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))




# ----- form data -------------------------------------------------------------------------------


def person(name: str, role: str) -> dict:
    return {"name": name, "role": role, "unit": "金康园"}


RESIDENTS = [person(f"居民{i}", "resident") for i in range(1, 6)]
ATTENDEES = [*RESIDENTS, person("物业李经理", "property_company"), person("业委会王主任", "owners_committee"),
             person("监委张委员", "supervision_committee"), person("网格员周", "grid_steward")]
VETTED_BY = [person("党委刘书记", "party_org"), person("居委会陈主任", "residents_committee")]


def iso(value: dt.datetime) -> str:
    return value.astimezone(SHANGHAI).isoformat()


def now_iso(s: Scenario) -> str:
    """The scenario's current instant (the injected engine clock) as a form value."""
    return iso(clock.now())


def collect(description: str = "金康园3栋旁垃圾收集点异味严重, 居民建议迁到小区北门外空地。", **extra) -> dict:
    return {"channel": "grid_visit", "proposer_type": "resident", "proposer": person("居民赵", "resident"),
            "description": description, "category": "management", "scope": "courtyard_or_estate",
            "est_households_affected": 120, **extra}


def confirm(decision: str = "accept", **extra) -> dict:
    return {"decision": decision, "vetted_by": VETTED_BY, **extra}


def define(importance: str = "minor", *, all_residents: bool = False, public_funds: bool = False) -> dict:
    return {"importance": importance, "affects_all_residents": all_residents, "uses_public_funds": public_funds,
            "major_requested": False, "format": "deliberation_meeting",
            "participants": [*RESIDENTS[:2], person("物业李经理", "property_company")], "info_pack": ["info/plan.pdf"]}


def pre_notify(s: Scenario, days: int = 3) -> dict:
    """A notice posted now for a meeting at 19:00 ``days`` days later."""
    posted = clock.now().astimezone(SHANGHAI)
    meeting = (posted + dt.timedelta(days=days)).replace(hour=19, minute=0, second=0, microsecond=0)
    return {"notice_published_at": iso(posted), "meeting_at": iso(meeting), "venue": "阳光议事厅",
            "channels": ["notice_board", "wechat_group"], "content": "议题与方案",
            "posting_evidence": s.attach("photo/1.jpg", by="grid_steward")}


def consult(s: Scenario, outcome: str = "consensus", attendees: list | None = None) -> dict:
    data = {"held_at": now_iso(s), "venue": "阳光议事厅", "attendees": attendees or ATTENDEES,
            "supervision_present": True, "plan_summary": "迁移收集点并加装除臭设备", "outcome": outcome,
            "minutes": ["minutes/round.pdf"]}
    if outcome == "consensus":
        data["plan_items"] = [{"item": "迁移收集点", "responsible": "物业", "est_cost": 8000,
                               "funding": "property_company", "timeline": "15日内"}]
    return data


def agreement(signatories: list | None = None, **extra) -> dict:
    return {"agreement_text": "同意迁移收集点至北门外空地", "signatories": signatories or ATTENDEES,
            "signed_document": ["agreement/signed.pdf"], **extra}


def post(s: Scenario) -> dict:
    return {"channels": ["notice_board", "wechat_official"], "start_at": now_iso(s), "content": "协商结果公示",
            "posting_evidence": s.attach("photo/pub.jpg", by="grid_steward")}




def evaluation(respondents: int, satisfied: int, basically: int) -> dict:
    return {"method": "survey", "respondents": respondents, "satisfied": satisfied, "basically_satisfied": basically,
            "dissatisfied": respondents - satisfied - basically}


ARCHIVE = {"archive_no": "JJL-2026-B-001", "checklist": ["forms", "minutes", "publication_evidence"],
           "dossier_complete": True}
FEEDBACK = {"audiences": ["participants", "stakeholders", "residents"], "feedback_channels": ["notice_board"],
            "feedback_text": "收集点已迁移, 除臭设备已安装"}


# ----- stretches of the flow ---------------------------------------------------------------------


def start(service, **config) -> Scenario:
    return Scenario.start(service, KEY, unit=UNIT, data={"title": "垃圾收集点迁移 Move the waste-bin point", **config})


def to_consultation(s: Scenario, *, importance: str = "minor", public_funds: bool = False,
                    all_residents: bool = False) -> None:
    """Steps 1 and 2, then the meeting timer fires."""
    s.do("B_UT_Collect", collect(), by="grid_steward")
    s.do("B_UT_Confirm", confirm(), by="two_committees")
    s.do("B_UT_DefineParticipants", define(importance, public_funds=public_funds, all_residents=all_residents),
         by="two_committees")
    notice_and_meet(s)


def notice_and_meet(s: Scenario) -> None:
    s.do("B_UT_PreNotify", pre_notify(s), by="grid_steward")
    assert s.open() == []
    assert s.advance(days=4) == 1  # 2026-03-06 09:00, past the 19:00 meeting on day 3
    assert s.open() == ["B_UT_Consult"]


def publish(s: Scenario, substantive_objection: bool = False) -> None:
    """Post the notice; with ``substantive_objection`` a resident objects and the committee upholds it (the
    publication stops at once), else the period runs out: objections may come in until 24:00 of its last day."""
    s.do("PUB_UT_Post", post(s), by="grid_steward")
    assert s.open() == []
    if substantive_objection:
        s.object("收集点离窗户太近 Too close to our windows", by="proposer")
        s.do("PUB_UT_RuleObjection", {"ruling": "substantive", "ruling_reasons": "距离不足 Too close"},
             by="supervision_committee")
        return
    ends_at = dt.datetime.fromisoformat(s.computed("publication_ends_at")[-1])
    assert s.advance_to(ends_at - dt.timedelta(minutes=1)) == 0  # objections may come in until 24:00
    assert s.advance_to(ends_at + dt.timedelta(minutes=1)) == 1


def implement(s: Scenario, deadline_days: int = 15, done_on_day: int = 10) -> None:
    today = clock.now().astimezone(SHANGHAI).date()
    s.do("CI_UT_Classify", {"outcome_classes": ["implementation"]}, by="two_committees")
    s.do("CI_UT_ReviewLegality", LAWFUL, by="street_office")
    s.do("CI_UT_Assign", {"owner": {"name": "居委会陈主任", "role": "two_committees"},
                          "deadline": (today + dt.timedelta(days=deadline_days)).isoformat(),
                          "stakeholder_supervisors": [{"name": "居民1", "role": "resident"}]}, by="two_committees")
    s.advance(days=done_on_day)
    s.do("CI_UT_Implement", {"completed_at": (today + dt.timedelta(days=done_on_day)).isoformat(),
                             "evidence": ["photo/after.jpg"]}, by="two_committees")
    s.do("CI_UT_Accept", {"acceptance": "accepted", "signatories": [{"name": "监委张委员"}, {"name": "居民1"}]},
         by="supervision_committee")


def feedback(s: Scenario) -> None:
    s.do("B_UT_Feedback", {"reported_at": now_iso(s), **FEEDBACK,
                           "feedback_evidence": s.attach("photo/done.jpg", by="two_committees")}, by="two_committees")


def agreed_and_published(s: Scenario) -> None:
    """A minor item: consultation reaches consensus, the agreement is signed and its notice runs out."""
    to_consultation(s)
    s.do("B_UT_Consult", consult(s), by="deliberation_committee")
    s.do("B_UT_RecordAgreement", agreement(), by="deliberation_committee")
    publish(s)


def minor_until_evaluation(s: Scenario) -> None:
    agreed_and_published(s)
    implement(s)
    feedback(s)


def vote(s: Scenario, eligible: int, present: int, yes: int) -> None:
    s.do("AV_UT_PublishNotice", pre_notify(s), by="grid_steward")
    assert s.advance(days=4) == 1
    no = (present - yes) // 2
    s.do("AV_UT_RecordVote", {"eligible_total": eligible, "present": present, "yes": yes, "no": no,
                              "abstain": present - yes - no, "voting_method": "show_of_hands",
                              "resolution_text": "加装电梯方案", "attendance_sheet": ["att.pdf"],
                              "tally_sheet": ["tally.pdf"]}, by="assembly")


def ends(s: Scenario, end_event: str) -> None:
    case = s.case
    assert case["status"] == "completed", (case["status"], case["error_message"], s.open())
    assert case["end_event"] == end_event


# ----- DOMAIN.md §5.7 scenarios ------------------------------------------------------------------
