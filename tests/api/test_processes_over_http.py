"""Whole cases of the shipped methods driven only through the HTTP API, each step as the demo user of its role."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.support import bargaining
from tests.support import five_step as five
from tests.support.http_app import demo_client, login
from tests.support.http_scenario import HttpScenario
from tests.support.scenario import PROCESSES


@pytest.fixture
def client(db_url):
    with demo_client(db_url, PROCESSES) as client:
        yield client


def test_a_whole_five_step_case_through_the_api(client):
    s = HttpScenario.start(client, "five_step", unit=five.UNIT, data={"title": "金康园中水灌溉"})
    five.to_party_approval(s)
    five.assembly(s, eligible=41, present=30, yes=22, no=5, abstain=3)
    five.after_vote_to_close(s)
    case = s.case
    assert (case["status"], case["end_event"]) == ("completed", "A_EE_Closed")
    assert case["key_figures"]["quorum_met"] is True and case["key_figures"]["passed"] is True
    actors = {e["element_id"]: e["actor"] for e in s.events("task_completed")}
    assert actors["A_UT_Register"] == "grid_steward" and actors["AV_UT_RecordVote"] == "assembly"
    assert actors["A_UT_PartyReview"] == "party_org" and actors["RE_UT_Evaluate"] == "supervision_committee"
    assert s.completions()["PUB_UT_Post"] == 2


def test_objections_during_the_resolution_notice_over_http(client):
    """A dismissed objection is answered and the notice runs on; a substantive one stops it and sends the plan
    back to a new 审议 and vote. Each objection is in the case file as soon as the request that lodges it returns."""
    s = HttpScenario.start(client, "five_step", unit=five.UNIT, data={"title": "3号院加装电梯"})
    five.to_party_approval(s)
    five.assembly(s, eligible=41, present=30, yes=22, no=5, abstain=3)
    s.do("PUB_UT_Post", {"channels": ["notice_board"], "start_at": dt.datetime.now(dt.UTC).isoformat(),
                         "content": "决议：加装电梯", "posting_evidence": s.attach("notice.jpg", by="grid_steward")},
         by="grid_steward")
    running = s.case["key_figures"]
    assert running["publication_in_progress"] is True and running["publication_kind"] == "resolution"
    lodged = s.object("电梯井挡住一层采光", by="proposer")
    assert lodged["case"]["open_tasks"][0]["element_id"] == "PUB_UT_RuleObjection"
    assert lodged["lodged_at"].endswith("+08:00") and lodged["case"]["key_figures"]["objections_lodged"] == 1
    assert [e["data"]["text"] for e in s.events("objection_lodged")] == ["电梯井挡住一层采光"]
    # only the supervision committee lodges for a resident; a stranger to the unit does not see the case
    refused = s.request("post", f"/api/cases/{s.case_id}/objections", "proposer",
                        json={"text": "代人", "on_behalf_of": "李四"})
    assert refused.status_code == 403, refused.text
    stranger = s.request("post", f"/api/cases/{s.case_id}/objections", "union_fed", json={"text": "外人"})
    assert stranger.status_code == 404
    empty = s.request("post", f"/api/cases/{s.case_id}/objections", "proposer", json={"text": ""})
    assert empty.status_code == 422 and "text" in empty.text
    s.do("PUB_UT_RuleObjection", {"ruling": "dismissed", "ruling_reasons": "经测算不影响",
                                  "explanation": "经测算一层采光不受影响"}, by="supervision_committee")
    s.do("PUB_UT_PostAnswer", {"answer_channels": ["notice_board"], "answered_at": dt.datetime.now(dt.UTC).isoformat(),
                               "answer_evidence": s.attach("answer.jpg", by="grid_steward")}, by="grid_steward")
    photo = s.attach("noise.jpg", by="supervision_committee")  # an objection may carry files of the case
    with_photo = s.object("施工噪音问题未讨论", by="supervision_committee", on_behalf_of="王大爷", attachments=photo)
    assert [(a["name"], a["media_type"]) for a in with_photo["attachments"]] == [("noise.jpg", "image/png")]
    unknown = s.request("post", f"/api/cases/{s.case_id}/objections", "proposer",
                        json={"text": "附件不在档案中", "attachments": [{"sha256": "0" * 64, "name": "x.jpg"}]})
    assert unknown.status_code == 422 and "attachments/0" in unknown.text
    s.do("PUB_UT_RuleObjection", {"ruling": "substantive", "ruling_reasons": "确未讨论"}, by="supervision_committee")
    assert s.open() == ["A_UT_PartyReview"]
    figures = s.case["key_figures"]
    assert figures["objection_substantive"] is True and figures["publication_in_progress"] is False
    late = s.request("post", f"/api/cases/{s.case_id}/objections", "proposer", json={"text": "太晚了"})
    assert late.status_code == 409


def test_an_overdue_implementation_reminds_and_escalates_over_http(client):
    """A five-step case whose implementation deadline passes: the reminder, the supervision committee's escalation
    and the street office's repeated follow-up, each in the case file; overdue in the key figures; the lateness
    flag corrected by an administrator with a reason."""
    s = HttpScenario.start(client, "five_step", unit=five.UNIT, data={"title": "中水灌溉改造"})
    five.to_party_approval(s)
    five.assembly(s, eligible=41, present=30, yes=22, no=5, abstain=3)
    five.publish(s)
    s.do("CI_UT_Classify", {"outcome_classes": ["implementation"]}, by="two_committees")
    s.do("CI_UT_ReviewLegality", {"legality": "lawful", "reviewed_at": five.day()}, by="street_office")
    s.do("CI_UT_Assign", {"owner": {"name": "周委员"}, "deadline": five.day(10),
                          "stakeholder_supervisors": [{"name": "张居民"}]}, by="two_committees")
    assert s.advance(days=8) == 1  # 3 days before the deadline
    assert [e["element_id"] for e in s.events("deadline_reminder")] == ["CI_BT_Reminder"]
    assert s.advance(days=3) == 1  # the deadline passed
    assert s.open() == ["CI_UT_EscalateOverdue", "CI_UT_Implement"]
    assert s.case["key_figures"]["implementation_overdue"] is True
    assert s.advance(days=7) == 1 and s.advance(days=7) == 1  # the street office, every 7 days
    street = s.request("get", "/api/tasks", "street_office").json()["items"]
    assert [t["element_id"] for t in street] == ["CI_UT_StreetEscalation"] * 2
    assert len(s.events("deadline_escalated")) == 2 and len(s.events("deadline_passed")) == 1
    s.do("CI_UT_Implement", {"completed_at": five.day(-16), "evidence": ["photos/pipes.jpg"]}, by="two_committees")
    figures = s.case["key_figures"]
    assert figures["implementation_late"] is True and figures["implementation_overdue"] is False
    refused = s.request("post", f"/api/admin/cases/{s.case_id}/flags", "street_office",
                        json={"flag": "implementation_late", "value": False, "reason": "x"})
    assert refused.status_code == 403
    corrected = s.request("post", f"/api/admin/cases/{s.case_id}/flags", "admin",
                          json={"flag": "implementation_late", "value": False, "reason": "验收记录显示按期完成"})
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["key_figures"]["implementation_late"] is False
    again = s.request("post", f"/api/admin/cases/{s.case_id}/flags", "admin",
                      json={"flag": "implementation_late", "value": False, "reason": "again"})
    assert again.status_code == 409
    bad = s.request("post", f"/api/admin/cases/{s.case_id}/flags", "admin",
                    json={"flag": "title", "value": False, "reason": "x"})
    assert bad.status_code == 422 and "flag" in bad.text
    assert [e["data"]["reason"] for e in s.events("flag_corrected")] == ["验收记录显示按期完成"]


def test_a_whole_bargaining_case_through_the_api(client):
    s = HttpScenario.start(client, "building_collective_bargaining", unit=bargaining.UNIT,
                           data={"title": "2026年楼宇集体合同"}, role="union_fed")
    bargaining.to_negotiation(s)
    bargaining.negotiate(s, chair="employee", outcome="agreement", agreed_clauses="工资增长5%")
    bargaining.draft(s, term_months=24)
    bargaining.congress(s, present=85, yes=70)
    bargaining.sign_file_review_effect(s, file_after=5)
    bargaining.publish(s, bargaining.day())
    renewal = bargaining.last(s, "renewal_window_at")
    s.advance_to(dt.datetime.fromisoformat(renewal) + dt.timedelta(minutes=1))
    case = s.case
    assert (case["status"], case["end_event"]) == ("completed", "C_EE_InForce")
    actors = {e["element_id"]: e["actor"] for e in s.events("task_completed")}
    assert actors["C_UT_IssueRequest"] == "union_fed" and actors["C_UT_Reply"] == "employer_side"
    assert actors["CV_UT_RecordVote"] == "congress" and actors["C_UT_Review"] == "labour_admin"
    assert case["key_figures"]["late_yunnan"] is False and case["key_figures"]["passed"] is True


def test_the_readme_walkthrough_shows_an_overdue_triage(client):
    """README quick start: start a five-step case, register it, move the clock 8 days: the triage is overdue."""
    s = HttpScenario.start(client, "five_step", unit=five.UNIT, data={"title": "3号院加装电梯"})
    five.register(s)
    assert s.task("A_UT_Triage")["due_at"] is not None
    s.advance(days=8)
    stuck = s.request("get", "/admin/stuck", "admin").json()["items"]
    overdue = [(i["reason"], i["element_id"], i["role"]) for i in stuck if i["reason"] == "overdue"]
    assert overdue == [("overdue", "A_UT_Triage", "grid_steward")]


@pytest.mark.parametrize(("language", "channel_message"), [
    (None, "请填写“提议渠道”"), ("zh-CN,zh;q=0.9", "请填写“提议渠道”"), ("en-GB,en;q=0.8", "please fill in “Channel”")])
def test_an_empty_registration_names_each_missing_field_once_in_the_readers_language(client, language, channel_message):
    s = HttpScenario.start(client, "five_step", unit=five.UNIT, data={"title": "3号院加装电梯"})
    task = s.task("A_UT_Register")
    headers = {**login(client, "grid_steward"), **({"Accept-Language": language} if language else {})}
    response = client.post(f"/api/tasks/{task['task_id']}/complete", json={"data": {}}, headers=headers)
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    required = json.loads((PROCESSES.parent / "forms/five_step/A_UT_Register.schema.json").read_text())["required"]
    assert sorted(e["path"] for e in errors) == sorted(required)  # one entry per missing field, nothing else
    assert {e["path"]: e["message"] for e in errors}["channel"] == channel_message


def test_what_was_submitted_reads_with_titles_and_labels_not_codes(client):
    s = HttpScenario.start(client, "five_step", unit=five.UNIT, data={"title": "金康园中水灌溉"})
    five.register(s)
    steward = login(client, "grid_steward")
    done = client.get("/api/tasks/done", headers=steward).json()["items"]
    fields = {f["name"]: f for f in done[0]["fields"]}
    assert (fields["channel"]["title"], fields["channel"]["value"]) == ("提议渠道", "议事厅")
    assert done[0]["data"]["channel"] == "deliberation_hall"  # the record itself keeps the code
    english = client.get(f"/api/cases/{s.case_id}/history", headers={**steward, "Accept-Language": "en"}).json()
    registered = next(e for e in english["events"] if e["kind"] == "task_completed")
    fields = {f["name"]: f for f in registered["fields"]}
    assert (fields["channel"]["title"], fields["channel"]["value"]) == ("Channel", "Deliberation hall")
    assert fields["scope"]["value"] != "courtyard_or_estate"
