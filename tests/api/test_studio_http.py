"""The designers' studio over HTTP: scenario files read and run against drafts or the deployed version."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.http_app import demo_client, login

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
REFERRED = "转办并答复提议人，逾期被督办 Referred, the reply overdue is urged"


@pytest.fixture
def api(db_url):
    with demo_client(db_url, PROCESSES) as client:
        yield client


def test_a_designer_reads_and_runs_the_shipped_scenarios(api):
    designer = login(api, "designer")
    shipped = api.get("/api/definitions/five_step/scenarios", headers=designer)
    assert shipped.status_code == 200
    text = shipped.json()["text"]
    assert text == (PROCESSES / "five_step.scenarios.yaml").read_text(encoding="utf-8")
    assert api.get("/api/definitions/nothing_here/scenarios", headers=designer).json() == \
        {"key": "nothing_here", "text": None}

    ran = api.post("/api/definitions/five_step/scenarios/run", headers=designer,
                   json={"scenarios": text, "names": [REFERRED]})
    assert ran.status_code == 200, ran.text
    [result] = ran.json()["results"]
    assert result["passed"] and result["end_event"] == "A_EE_Answered"
    assert result["path"] == ["A_UT_Register", "A_UT_Triage", "A_UT_UrgeReply", "A_UT_ReplyProposer"]
    assert api.get("/api/cases", headers=login(api, "admin")).json()["items"] == []  # nothing real was started


def test_a_failing_scenario_of_a_draft_speaks_the_readers_language(api):
    designer = login(api, "designer")
    draft = api.get("/api/definitions/five_step/versions/1", headers=designer).json()
    text = (PROCESSES / "five_step.scenarios.yaml").read_text(encoding="utf-8").replace(
        "end: A_EE_Answered", "end: A_EE_Closed")
    body = {"scenarios": text, "bpmn": draft["bpmn"], "forms": draft["forms"],
            "names": [REFERRED]}
    ran = api.post("/api/definitions/five_step/scenarios/run", headers={**designer, "Accept-Language": "en"},
                   json=body)
    assert ran.status_code == 200, ran.text
    [result] = ran.json()["results"]
    assert not result["passed"]
    assert result["failures"] == [{"step": None, "element_id": None,
                                   "message": "end event should be A_EE_Closed, is A_EE_Answered"}]
    zh = api.post("/api/definitions/five_step/scenarios/run", headers=designer, json=body).json()
    assert zh["results"][0]["failures"][0]["message"] == "结束事件应为 A_EE_Closed，实为 A_EE_Answered"


def test_scenarios_are_for_designers_and_a_bad_file_is_422(api):
    proposer = login(api, "proposer")
    assert api.get("/api/definitions/five_step/scenarios", headers=proposer).status_code == 403
    assert api.post("/api/definitions/five_step/scenarios/run", headers=proposer,
                    json={"scenarios": "x"}).status_code == 403
    designer = login(api, "designer")
    bad = api.post("/api/definitions/five_step/scenarios/run", headers=designer,
                   json={"scenarios": "process: three_stage_six_step\nunit: u\nscenarios: [{name: a}]"})
    assert bad.status_code == 422
    assert "不是" in bad.json()["detail"]  # the file is for another process


def test_a_draft_is_linted_without_deploying_each_problem_on_its_element(api):
    designer = login(api, "designer")
    draft = api.get("/api/definitions/five_step/versions/1", headers=designer).json()
    clean = api.post("/api/definitions/five_step/lint", headers=designer,
                     json={"bpmn": draft["bpmn"], "forms": draft["forms"]})
    assert clean.status_code == 200, clean.text
    assert clean.json() == {"ok": True, "problems": []}

    broken = dict(draft["bpmn"])
    broken["five_step.bpmn"] = broken["five_step.bpmn"].replace(
        "<bpmn:conditionExpression>", "<bpmn:conditionExpression>triage_result == and ", 1)
    report = api.post("/api/definitions/five_step/lint", headers={**designer, "Accept-Language": "en"},
                      json={"bpmn": broken, "forms": draft["forms"]}).json()
    assert report["ok"] is False
    [problem] = report["problems"]
    assert problem["code"] == "expression_invalid" and problem["element_id"].startswith("A_")
    assert problem["message"].startswith("condition rejected by the sandbox")
    assert api.get("/api/definitions/five_step/versions", headers=designer).json()[-1]["version"] == 1


def test_expressions_are_checked_as_typed_and_the_functions_have_their_meanings(api):
    designer = login(api, "designer")
    check = api.post("/api/studio/expression", headers={**designer, "Accept-Language": "en"},
                     json={"source": "more_than_halff(yes, present)"}).json()
    assert check == {"problems": ["there is no function called more_than_halff"]}
    assert api.post("/api/studio/expression", headers=designer,
                    json={"source": "more_than_half(yes, present)"}).json() == {"problems": []}
    escape = api.post("/api/studio/expression", headers=designer, json={"source": "().__class__"}).json()
    assert escape["problems"][0].startswith("未通过沙箱检查")
    script = api.post("/api/studio/expression", headers=designer,
                      json={"source": "x = len(a)\npassed = more_than_half(x, 3)", "mode": "exec"}).json()
    assert script == {"problems": []}
    functions = {f["name"]: f for f in api.get("/api/studio/functions", headers=designer).json()}
    assert functions["more_than_half"]["zh"].startswith("过半数")
    assert functions["period_end"]["group"] == "deadline"
    assert api.get("/api/studio/functions", headers=login(api, "proposer")).status_code == 403


def test_a_draft_is_compared_with_the_running_version_element_by_element(api):
    designer = login(api, "designer")
    draft = api.get("/api/definitions/five_step/versions/1", headers=designer).json()
    assert api.post("/api/definitions/five_step/diff", headers=designer, json={}).json() == \
        {"added": [], "removed": [], "changed": []}
    bpmn = dict(draft["bpmn"])
    bpmn["five_step.bpmn"] = bpmn["five_step.bpmn"].replace('name="分类处理 Triage"', 'name="分类 Sort"', 1)
    forms = dict(draft["forms"])
    forms["five_step/A_UT_Register.schema.json"] = {**forms["five_step/A_UT_Register.schema.json"], "title": "登记"}
    diff = api.post("/api/definitions/five_step/diff", headers=designer, json={"bpmn": bpmn, "forms": forms}).json()
    assert diff["added"] == [] and diff["removed"] == []
    assert {c["id"]: c["what"] for c in diff["changed"]} == {"A_UT_Triage": ["name"], "A_UT_Register": ["form"]}


def test_the_data_a_step_can_read_is_listed_with_its_source(api):
    designer = login(api, "designer")
    fields = api.post("/api/definitions/five_step/data", headers=designer, json={"element_id": "A_UT_Triage"}).json()
    by_name = {f["name"]: f for f in fields}
    assert by_name["case_started_by"]["kind"] == "case"
    assert by_name["category"]["source"] == "A_UT_Register" and by_name["category"]["kind"] == "form"
    assert "triage_result" not in by_name  # the step's own form comes after it
    assert api.post("/api/definitions/five_step/data", headers=designer, json={"element_id": "nothing"}).json() == []


def test_tidy_draws_the_diagram_afresh_and_plans_say_why_a_case_cannot_move(api):
    designer = login(api, "designer")
    draft = api.get("/api/definitions/five_step/versions/1", headers=designer).json()
    tidy = api.post("/api/studio/tidy", headers=designer, json={"bpmn": draft["bpmn"]["five_step.bpmn"]})
    assert tidy.status_code == 200
    assert "bpmndi:BPMNShape" in tidy.json()["bpmn"] and "A_UT_Triage" in tidy.json()["bpmn"]
    assert api.post("/api/studio/tidy", headers=designer, json={"bpmn": "<x/>"}).status_code == 422


def test_a_method_that_calls_shared_processes_migrates_after_a_studio_deploy(api):
    """Before: the migration diff failed on Yishi's call activity (a class SpiffWorkflow's registry did not know)."""
    designer, proposer = login(api, "designer"), login(api, "proposer")
    case = api.post("/api/cases", headers=proposer,
                    json={"definition": "five_step", "unit": "金江路社区", "data": {"title": "迁移 Migrate"}}).json()
    draft = api.get("/api/definitions/five_step/versions/1", headers=designer).json()
    bpmn = dict(draft["bpmn"])
    bpmn["five_step.bpmn"] = bpmn["five_step.bpmn"].replace('name="分类处理 Triage"', 'name="分类与答复 Triage"', 1)
    deployed = api.post("/api/definitions", headers=designer, json={"bpmn": bpmn, "forms": draft["forms"]})
    assert deployed.status_code == 201, deployed.text
    plan = api.get("/api/definitions/five_step/migrations", headers=designer)
    assert plan.status_code == 200, plan.text
    [item] = plan.json()["cases"]
    assert (item["case_id"], item["can_migrate"], item["changed_elements"]) == (case["id"], True, ["A_UT_Triage"])
    moved = api.post("/api/definitions/five_step/migrations", headers=designer, json={"case_ids": [case["id"]]})
    assert moved.json()["results"][0]["migrated"] is True
    assert api.get(f"/api/cases/{case['id']}", headers=proposer).json()["definition_version"] == 2


def test_a_version_keeps_the_scenarios_it_was_deployed_with_and_reruns_them(api):
    designer = login(api, "designer")
    shipped = (PROCESSES / "five_step.scenarios.yaml").read_text(encoding="utf-8")
    first = api.get("/api/definitions/five_step/versions/1", headers=designer).json()
    assert first["scenarios"] == shipped  # deployed at start-up from processes/, with the file beside it

    edited = "# 第二版的测试 Tests of version 2\n" + shipped
    bpmn = {**first["bpmn"], "five_step.bpmn": first["bpmn"]["five_step.bpmn"].replace(
        'name="分类处理', 'name="分类与答复', 1)}
    deployed = api.post("/api/definitions", headers=designer,
                        json={"bpmn": bpmn, "forms": first["forms"], "scenarios": {"five_step": edited}})
    assert deployed.status_code == 201, deployed.text
    assert {"key": "five_step", "version": 2} in [{k: d[k] for k in ("key", "version")}
                                                   for d in deployed.json()["deployed"]]
    assert api.get("/api/definitions/five_step/versions/2", headers=designer).json()["scenarios"] == edited
    assert api.get("/api/definitions/five_step/versions/1", headers=designer).json()["scenarios"] == shipped
    listed = api.get("/api/definitions/five_step/versions", headers=designer).json()
    assert [(v["version"], v["has_scenarios"]) for v in listed] == [(1, True), (2, True)]

    # without a file: the version's own scenarios run against that version
    rerun = api.post("/api/definitions/five_step/scenarios/run", headers=designer,
                     json={"version": 1, "names": [REFERRED]})
    assert rerun.status_code == 200, rerun.text
    [result] = rerun.json()["results"]
    assert result["passed"] and result["path"][1] == "A_UT_Triage"
    assert api.post("/api/definitions/five_step/scenarios/run", headers=designer,
                    json={"version": 9}).status_code == 404
    # neither file nor version: the newest version's own scenarios (version 2's edited file)
    newest = api.post("/api/definitions/five_step/scenarios/run", headers=designer, json={"names": [REFERRED]})
    assert newest.status_code == 200, newest.text
    assert [r["passed"] for r in newest.json()["results"]] == [True]
    assert api.post("/api/definitions/no_such_method/scenarios/run", headers=designer, json={}).status_code == 404


def test_a_deploy_without_scenarios_keeps_the_shipped_file_and_a_broken_one_is_refused(api):
    designer = login(api, "designer")
    first = api.get("/api/definitions/five_step/versions/1", headers=designer).json()
    bpmn = {**first["bpmn"], "five_step.bpmn": first["bpmn"]["five_step.bpmn"].replace(
        'name="分类处理', 'name="分类', 1)}
    broken = api.post("/api/definitions", headers=designer, json={
        "bpmn": bpmn, "forms": first["forms"], "scenarios": {"five_step": "process: five_step\nunit: u\n"}})
    assert broken.status_code == 422
    assert "scenarios" in broken.json()["detail"]
    assert len(api.get("/api/definitions/five_step/versions", headers=designer).json()) == 1  # nothing deployed

    plain = api.post("/api/definitions", headers=designer, json={"bpmn": bpmn, "forms": first["forms"]})
    assert plain.status_code == 201, plain.text
    second = api.get("/api/definitions/five_step/versions/2", headers=designer).json()
    assert second["scenarios"] == (PROCESSES / "five_step.scenarios.yaml").read_text(encoding="utf-8")


def test_the_called_processes_of_a_method_say_who_else_uses_them_and_whether_they_are_current(api):
    designer = login(api, "designer")
    called = api.get("/api/definitions/five_step/called", headers=designer)
    assert called.status_code == 200, called.text
    by_id = {c["process_id"]: c for c in called.json()}
    assert set(by_id) == {"archive_case", "assembly_vote", "classified_implementation", "publication",
                          "residents_evaluation"}
    implementation = by_id["classified_implementation"]
    assert implementation["file"] == "classified_implementation.bpmn"
    assert [m["key"] for m in implementation["used_by"]] == ["three_stage_six_step"]
    assert (implementation["own_version"], implementation["same_as_own"]) == (1, True)
    assert [m["key"] for m in by_id["publication"]["used_by"]] == ["classified_implementation", "three_stage_six_step"]

    # a new version of the shared process deployed on its own: five_step's copy is now the older one
    own = api.get("/api/definitions/classified_implementation/versions/1", headers=designer).json()
    bpmn = {**own["bpmn"], "classified_implementation.bpmn": re.sub(
        r'(<bpmn:userTask id="[^"]+" name=")', r"\1第二版 ", own["bpmn"]["classified_implementation.bpmn"], count=1)}
    assert api.post("/api/definitions", headers=designer,
                    json={"bpmn": bpmn, "forms": own["forms"]}).status_code == 201
    after = {c["process_id"]: c for c in api.get("/api/definitions/five_step/called", headers=designer).json()}
    assert (after["classified_implementation"]["own_version"], after["classified_implementation"]["same_as_own"]) \
        == (2, False)
    assert api.get("/api/definitions/five_step/called", headers=login(api, "proposer")).status_code == 403
    assert api.get("/api/definitions/nothing_here/called", headers=designer).status_code == 404
