"""Steps of building collective bargaining, one helper per step, each acting as its lane's role (DOMAIN.md §6)."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.definitions.compiler import load_bundle
from engine.errors import InvalidDefinition, InvalidInput
from tests.support.scenario import DESIGNER, PROCESSES, SHANGHAI, Scenario, day, deploy_processes, iso, now

UNIT = "五华科创大厦"
KEY = "building_collective_bargaining"
BUNDLE = [PROCESSES / "building_collective_bargaining.bpmn", PROCESSES / "congress_vote.bpmn"]

ENTERPRISES = [
    {"name": "云岭数科有限公司", "uscc": "91530102MA6K000001", "staff_count": 180, "union_members": 150},
    {"name": "滇池软件有限公司", "uscc": "91530102MA6K000002", "staff_count": 95, "union_members": 80},
]


# ----- helpers: one per step, each acting as the lane's role -----------------------------------


def deploy(yishi) -> None:
    try:
        deploy_processes(yishi)
    except InvalidDefinition:  # another process in processes/ is broken: deploy just process C and its call
        yishi.deploy(load_bundle(BUNDLE), DESIGNER)


def start(yishi, **config) -> Scenario:
    deploy(yishi)
    return Scenario.start(yishi, KEY, unit=UNIT, data={"title": "2026年楼宇集体合同 Building contract 2026", **config},
                          role="union_fed")


def team(side: str, n: int = 5, *, externals: int = 0, chief: int = 0, names: list[str] | None = None) -> list[dict]:
    """``n`` representatives; the last ``externals`` are external experts; ``chief`` is the chief's index."""
    names = names or [f"{side}{i + 1}" for i in range(n)]
    return [{"person": names[i], "enterprise": "楼宇工会联合会" if side == "职工" else ENTERPRISES[i % 2]["name"],
             "position": "代表", "is_chief": i == chief, "is_external_expert": i >= n - externals,
             "is_female": i % 2 == 1} for i in range(n)]


def form_teams(s: Scenario, employee: list[dict] | None = None, employer: list[dict] | None = None):
    s.do("C_UT_EmployeeReps", {
        "building_name": UNIT, "federation_name": "五华科创大厦工会联合会", "enterprises": ENTERPRISES,
        "union_established": True, "employee_reps": employee or team("职工"), "employee_chief_basis": "union_chair",
    }, by="union_fed")
    s.do("C_UT_EmployerReps", {
        "employer_side_basis": "elected_by_enterprises",
        "enterprise_mandates": ["mandates/yunling.pdf", "mandates/dianchi.pdf"],
        "employer_reps": employer or team("企业"), "employer_chief_basis": "legal_representative",
    }, by="employer_side")


def publish_teams(s: Scenario):
    s.do("C_UT_PublishReps", {"reps_published_at": day(), "channels": ["factory_affairs_board", "wechat"],
                              "evidence": s.attach("photos/reps.jpg", by="union_fed")}, by="union_fed")


def issue_request(s: Scenario) -> str:
    delivered_at = iso()
    s.do("C_UT_IssueRequest", {
        "proposing_side": "employee", "contract_kind": "comprehensive",
        "topics": ["pay", "working_hours", "rest_leave", "supplementary_insurance_welfare", "vocational_training"],
        "proposed_time": iso(days=14), "proposed_place": "大厦职工之家", "delivered_at": delivered_at,
        "delivery_method": "hand_with_receipt", "document": ["requests/yaoyue.pdf"],
    }, by="union_fed")
    return delivered_at


def reply(s: Scenario, decision: str = "agree"):
    data = {"replied_at": iso(), "reply_decision": decision, "reply_document": ["replies/huiying.pdf"]}
    if decision == "refuse_with_reason":
        data["reason"] = "经营困难 Business difficulties"
    s.do("C_UT_Reply", data, by="employer_side")


def prepare(s: Scenario, recorder: str = "周记录"):
    s.do("C_UT_Prepare", {"agenda_topics": "工资、工时、休假、福利、培训", "drafted_by": "joint", "recorder": recorder,
                          "recorder_appointed_jointly": True, "meeting_at": iso(days=3), "venue": "大厦职工之家"},
                          by="union_fed")


def negotiate(s: Scenario, chair: str, outcome: str, **extra):
    s.do("C_UT_Negotiate", {
        "met_at": iso(), "chair_side": chair, "attendees_employee": ["职工1", "职工2", "职工3"],
        "attendees_employer": ["企业1", "企业2", "企业3"], "round_outcome": outcome, "open_issues": "工资增幅",
        "minutes": ["minutes/round.pdf"], "minutes_signed_by_chiefs": True, **extra,
    }, by="recorder")


def suspend(s: Scenario, days: int = 7) -> dt.datetime:
    """Agree a suspension of ``days`` days; returns the next meeting time (the resume timer)."""
    next_time = (now() + dt.timedelta(days=days)).replace(hour=9, minute=30, second=0, microsecond=0)
    s.do("C_UT_Suspend", {"suspended_at": day(), "suspend_until": day(days), "next_time": next_time.isoformat(),
                          "next_place": "大厦职工之家", "next_content": "工资增幅 Pay rise",
                          "agreed_by_both_sides": True}, by="recorder")
    return next_time


def draft(s: Scenario, term_months: int = 36):
    s.do("C_UT_DraftSigned", {"drafted_at": day(), "draft": ["drafts/contract.pdf"], "term_months": term_months,
                              "employee_chief_signed": True, "employer_chief_signed": True,
                              "min_standards_check": True}, by="union_fed")


def congress(s: Scenario, *, present: int, yes: int, total: int = 120, managers: int = 18, notice_days: int = 7,
             no: int | None = None, abstain: int = 0, mode: str = "building_congress", **extra):
    """Circulate the draft, wait for the congress (timer), record the secret-ballot vote."""
    congress_at = (now() + dt.timedelta(days=notice_days)).replace(hour=14, minute=0, second=0, microsecond=0)
    s.do("CV_UT_CirculateDraft", {"circulated_at": iso(), "congress_at": congress_at.isoformat(),
                                  "congress_venue": "大厦多功能厅", "channels": ["to_each_delegate", "wechat"],
                                  "draft_documents": ["drafts/contract.pdf"]}, by="union_fed")
    assert s.open() == []
    assert s.advance_to(congress_at + dt.timedelta(minutes=1)) == 1  # the congress timer
    vote = {"congress_mode": mode, "total": total, "managers_among_delegates": managers,
            "qualification_check_done": True, "present": present, "yes": yes,
            "no": present - yes - abstain if no is None else no, "abstain": abstain, "ballot": "secret_ballot",
            "resolution": ["resolutions/congress.pdf"], **extra}
    s.do("CV_UT_RecordVote", vote, by="congress")


def sign(s: Scenario) -> str:
    signed = day()
    s.do("C_UT_Sign", {"signed_at": signed, "employee_chief_signed": True, "employer_chief_signed": True,
                       "employer_seal": True, "contract_text": ["contracts/signed.pdf"]}, by="union_fed")
    return signed


def file(s: Scenario, filed: str | None = None) -> str:
    """File the contract, declaring ``filed`` (default: today) as the filing date."""
    filed = filed or day()
    s.do("C_UT_File", {
        "authority": "五华区人力资源和社会保障局", "filed_at": filed, "copies": 3,
        "materials": ["contract_text", "negotiation_report", "congress_resolution_with_votes",
                      "party_qualification_docs", "reps_list_and_chief_credentials", "signed_negotiation_minutes"],
        "copy_to_local_union": True, "receipt_no": "WH-2026-017",
    }, by="employer_side")
    return filed


CHECKS_OK = {"qualification": "ok", "procedure": "ok", "content": "ok"}


def review(s: Scenario, received: str, result: str = "no_objection", delivered: str | None = None):
    data = {"received_at": received, "checks": CHECKS_OK, "review_result": result, "receipt_no": "WH-2026-017"}
    if result == "objection":
        data["checks"] = {**CHECKS_OK, "content": "fail"}
        data["objection_letter"] = {"party_names_addresses": "五华科创大厦工会联合会；楼宇企业方",
                                    "received_date": received,
                                    "opinions": "加班费条款低于法定标准 Overtime clause below the legal standard",
                                    "issued_date": delivered, "seal": True}
        data["objection_delivered_at"] = delivered
    s.do("C_UT_Review", data, by="labour_admin")


def rejects(action, text: str) -> None:
    """``action`` is refused with a field error whose message contains ``text``."""
    with pytest.raises(InvalidInput) as info:
        action()
    messages = [e.as_dict(language)["message"] for e in info.value.errors for language in ("zh-CN", "en")]
    assert any(text in m for m in messages), messages


def advance_until_open(s: Scenario, element_id: str, limit: int = 60):
    """Step a day at a time until ``element_id`` opens (a deadline rolled past rest days)."""
    for _ in range(limit):
        if element_id in s.open():
            return
        s.advance(days=1)
    raise AssertionError(f"{element_id} never opened; open: {s.open()}")


def publish(s: Scenario, published: str):
    evidence = s.attach("photos/contract.jpg", by="employer_side")
    s.do("C_UT_Publish", {"published_at": published, "channels": ["factory_affairs_board", "building_notice_board",
                                                                   "wechat"], "evidence": evidence}, by="employer_side")


def at(date: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(date).replace(hour=hour, tzinfo=SHANGHAI)


def to_negotiation(s: Scenario):
    """Teams → announcement → request → agreed reply on day 12 → preparation."""
    form_teams(s)
    publish_teams(s)
    issue_request(s)
    s.advance(days=12)
    reply(s)
    prepare(s)


def sign_file_review_effect(s: Scenario, file_after: int = 5) -> dict:
    """Sign today, file ``file_after`` days later, no objection on receipt; wait out the window; return the dates."""
    signed = sign(s)
    s.advance(days=file_after)
    filed = file(s)
    review(s, received=filed)
    assert s.open() == []  # waiting for the review window to end
    advance_until_open(s, "C_UT_Publish")
    return {"signed": signed, "filed": filed}


def assert_in_force(s: Scenario):
    case = s.case
    assert case["status"] == "completed", (case["status"], case["error_message"], s.open())
    assert case["end_event"] == "C_EE_InForce"


def last(s: Scenario, key: str):
    values = s.computed(key)
    assert values, f"{key} was never computed"
    return values[-1]


def plus(date: str, days: int) -> str:
    return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()


# ----- DOMAIN.md §6.9 scenarios -----------------------------------------------------------------
