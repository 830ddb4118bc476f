"""Personal data (issue 9 item 7): phone numbers marked ``x-yishi-personal`` in the forms are read in full only
by administrators, by whoever entered them and by the roles the case gave a step that asks for them; everyone
else reads them masked — in the case file, a task's context and prefilled values, and an export, which says
whether it holds them, is recorded as an event and still verifies offline."""

from __future__ import annotations

import io
import json
import zipfile

from engine.domain import personal
from engine.domain.actors import Actor
from engine.read import export_check
from tests.support import five_step as step
from tests.support.scenario import member

PHONE = "13812341234"
ADMIN = Actor("ada", is_admin=True)


def registered(yishi):
    s = step.start(yishi)
    s.do("A_UT_Register", {
        "channel": "deliberation_hall", "proposer_type": "owners_committee",
        "proposer": {**step.PROPOSER, "phone": PHONE}, "co_signers": 35, "title": "金康园中水灌溉",
        "description": "小区绿化用自来水浇灌费用高，业委会提议改用中水灌溉并加装管道。",
        "category": "renovation", "scope": "courtyard_or_estate"}, by="grid_steward")
    return s


def register_event(yishi, s, actor):
    rows, _ = yishi.labelled_history(s.case_id, "zh-CN", actor)
    return next(r for r in rows if r["kind"] == "task_completed" and r["element_id"] == "A_UT_Register")


def test_masks_read_as_people_expect():
    assert personal.mask("phone", "13812341234") == "138****1234"
    assert personal.mask("id", "11010519491231002X") == "110***********002X"
    assert personal.mask("address", "金江路社区12栋3单元502") == "金江路社区****"
    assert personal.mask("address", "昆明市五华区金江路88号") == "昆明市五华区金江路****"
    assert personal.mask("phone", 42) == 42 and personal.mask("phone", "") == ""
    assert personal.fields_of({"$defs": {"p": {"properties": {"tel": {"type": "string",
                                                                       "x-yishi-personal": "phone"}}}}}) == {
        "tel": "phone"}


def test_the_case_file_shows_a_phone_in_full_only_to_those_who_handle_it(yishi):
    s = registered(yishi)
    steward = register_event(yishi, s, member(step.UNIT, "grid_steward"))
    assert steward["data"]["data"]["proposer"]["phone"] == PHONE and not steward["masked"]
    assert register_event(yishi, s, ADMIN)["data"]["data"]["proposer"]["phone"] == PHONE
    resident = register_event(yishi, s, member(step.UNIT, "proposer"))
    assert resident["data"]["data"]["proposer"]["phone"] == "138****1234"
    assert resident["masked"] and resident["masked_fields"] == ["data.proposer.phone"]
    phone_field = next(f for f in resident["fields"] if f["name"] == "proposer")
    assert PHONE not in json.dumps(phone_field, ensure_ascii=False) and "138****1234" in json.dumps(
        phone_field, ensure_ascii=False)
    assert resident["hash"] == steward["hash"]  # the hashes are those of the full event
    unit_admin = Actor("ua", frozenset({(step.UNIT, "administrator")}))
    assert register_event(yishi, s, unit_admin)["data"]["data"]["proposer"]["phone"] == PHONE


def test_a_task_shows_its_own_fields_in_full(yishi):
    s = registered(yishi)
    step.triage(s)
    step.consult(s)  # the deliberation committee's form asks for participants' phones: it handles "phone"
    committee = member(step.UNIT, "deliberation_committee")
    assert register_event(yishi, s, committee)["data"]["data"]["proposer"]["phone"] == PHONE


def test_an_export_without_personal_data_masks_it_verifies_and_is_recorded(yishi, tmp_path):
    s = registered(yishi)
    resident = member(step.UNIT, "proposer")
    path = tmp_path / "masked.zip"
    with path.open("wb") as out:
        manifest = yishi.export_case(s.case_id, resident, out)
    assert manifest["personal_data"] == "masked" and manifest["masked_events"]
    with zipfile.ZipFile(path) as archive:
        events = archive.read("events.jsonl").decode()
        page = archive.read("case.html").decode()
    assert PHONE not in events and PHONE not in page and "138****1234" in events
    assert "个人信息已遮盖" in page
    masked = [json.loads(line) for line in events.splitlines() if '"masked": true' in line]
    assert [m["masked_fields"] for m in masked] == [["data.proposer.phone"]]
    result = export_check.verify_file(path)
    assert result.ok and result.checks["head"] and result.checks["seal"]
    assert any("1 event(s) had personal data masked" in n.render("en") for n in result.notes)

    full = io.BytesIO()
    assert yishi.export_case(s.case_id, ADMIN, full)["personal_data"] == "included"
    with zipfile.ZipFile(full) as archive:
        assert PHONE in archive.read("events.jsonl").decode()
        assert '"masked": true' not in archive.read("events.jsonl").decode()
    exports = s.events("case_exported")
    assert [(e["actor"], e["data"]["personal_data"]) for e in exports] == [
        (resident.user_id, "masked"), (ADMIN.user_id, "included")]


def test_over_http_the_history_and_the_next_task_mask_for_those_who_do_not_handle_it(db_url):
    from tests.support.http_app import demo_client
    from tests.support.http_scenario import HttpScenario
    from tests.support.scenario import PROCESSES

    with demo_client(db_url, PROCESSES) as client:
        s = HttpScenario.start(client, "five_step", unit=step.UNIT, data={"title": "金康园中水灌溉"})
        s.do("A_UT_Register", {
            "channel": "deliberation_hall", "proposer_type": "owners_committee",
            "proposer": {**step.PROPOSER, "phone": PHONE}, "co_signers": 35, "title": "金康园中水灌溉",
            "description": "小区绿化用自来水浇灌费用高，业委会提议改用中水灌溉并加装管道。",
            "category": "renovation", "scope": "courtyard_or_estate"}, by="grid_steward")

        def history(user: str) -> str:
            response = s.request("get", f"/api/cases/{s.case_id}/history", user)
            assert response.status_code == 200, response.text
            assert response.json()["verified"]
            return response.text

        assert PHONE in history("grid_steward") and PHONE in history("admin")
        resident = history("proposer")
        assert PHONE not in resident and "138****1234" in resident and '"masked":true' in resident
        exported = s.request("get", f"/api/cases/{s.case_id}/export", "proposer")
        assert exported.status_code == 200 and exported.headers["x-yishi-personal-data"] == "masked"
        assert "case_exported" in history("admin")


def test_lint_refuses_an_unknown_kind_or_a_mark_on_a_non_string():
    from engine.definitions.lint import LintReport, _check_personal

    class Node:
        sourceline = 1

        @staticmethod
        def get(_name):
            return "UT"

    report = LintReport()
    _check_personal("p/f.schema.json", {"properties": {
        "tel": {"type": "string", "x-yishi-personal": "mobile"},
        "age": {"type": "integer", "x-yishi-personal": "id"},
        "ok": {"type": "string", "x-yishi-personal": "address"}}}, Node(), "p.bpmn", report)
    messages = [str(p.message) for p in report.problems]
    assert len(messages) == 2 and "/properties/tel" in messages[0] and "/properties/age" in messages[1]
