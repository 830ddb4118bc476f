"""The designers' studio over HTTP: scenario files read and run against drafts or the deployed version."""

from __future__ import annotations

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
