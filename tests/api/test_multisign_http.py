"""A 会签 over HTTP (issue 13 items 6-7): each member of the demo review panel sees their own instance with the
rule and the progress, signs with an opinion and a PNG signature uploaded to the case, and the step ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.store.files import LocalFileStore
from tests.support import five_step as five
from tests.support.http_app import demo_client
from tests.support.http_scenario import HttpScenario
from tests.support.scenario import PROCESSES

PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde"
PANEL = ("review_panel", "review_panel_2", "review_panel_3")


@pytest.fixture
def client(db_url, tmp_path: Path):
    with demo_client(db_url, PROCESSES) as client:
        client.service.files = LocalFileStore(tmp_path / "files")
        yield client


def to_panel_sign(client) -> HttpScenario:
    s = HttpScenario.start(client, "five_step", unit=five.UNIT, data={"title": "金康园中水灌溉", "panel_sign": "all"})
    five.register(s)
    five.triage(s)
    five.consult(s)
    return s


def test_three_members_sign_with_opinions_and_signatures(client):
    s = to_panel_sign(client)
    for n, user in enumerate(PANEL):
        inbox = s.request("get", "/api/tasks", user).json()["items"]
        mine = [t for t in inbox if t["element_id"] == "A_UT_PanelSign"]
        assert len(mine) == 1 and mine[0]["assignee"] == user
        detail = s.request("get", f"/api/tasks/{mine[0]['task_id']}", user).json()
        assert detail["signature"] == "required"
        assert detail["multi_sign"]["rule"] == "all" and detail["multi_sign"]["signs_done"] == n
        assert user in detail["multi_sign"]["waiting"]
        missing = s.request("post", f"/api/tasks/{mine[0]['task_id']}/complete", user,
                            json={"data": {"decision": "approve"}, "opinion": {"text": "同意"}})
        assert missing.status_code == 422
        assert any(e["path"] == "opinion/signature" for e in missing.json()["errors"])
        upload = s.request("post", f"/api/cases/{s.case_id}/attachments", user,
                           files={"file": ("签名.png", PNG + user.encode(), "image/png")})
        assert upload.status_code == 201, upload.text
        sha = upload.json()["sha256"]
        done = s.request("post", f"/api/tasks/{mine[0]['task_id']}/complete", user, json={
            "data": {"decision": "approve"}, "opinion": {"text": "同意。", "signature": {"sha256": sha}}})
        assert done.status_code == 200, done.text
    assert s.open() == ["A_UT_Evaluate"]
    history = s.request("get", f"/api/cases/{s.case_id}/history", "admin").json()
    kinds = [e["kind"] for e in history["events"]]
    assert kinds.count("sign_recorded") == 3 and kinds.count("multi_sign_completed") == 1


def test_stock_phrases_and_the_path_ahead_over_http(client):
    s = HttpScenario.start(client, "five_step", unit=five.UNIT, data={"title": "加装电梯", "panel_sign": "all"})
    unit = five.UNIT
    offered = s.request("get", f"/api/units/{unit}/phrases", "review_panel").json()
    assert offered["source"] is None and "同意。" in offered["phrases"] and offered["editable"] is False
    refused = s.request("put", f"/api/units/{unit}/phrases", "review_panel", json={"phrases": ["同意"]})
    assert refused.status_code == 403
    changed = s.request("put", f"/api/units/{unit}/phrases", "community_admin",
                        json={"phrases": ["同意，按方案办理。"]})
    assert changed.status_code == 200 and changed.json()["phrases"] == ["同意，按方案办理。"]
    # the resident who proposed it sees the path ahead, marked as a forecast, in their language
    assert s.request("get", f"/api/cases/{s.case_id}/forecast", "proposer").status_code == 200
    ahead = client.get(f"/api/cases/{s.case_id}/forecast", headers={
        "Authorization": f"Bearer {s._tokens['proposer']}", "Accept-Language": "en"}).json()
    assert ahead["forecast"] is True and ahead["steps"][0]["open"] is True
    panel = next(step for step in ahead["steps"] if step["element_id"] == "A_UT_PanelSign")
    assert panel["multi_sign"] == "all" and panel["name"] == "Panel members sign the evaluation"
    assert sorted(panel["holders"]) == ["review_panel", "review_panel_2", "review_panel_3"]
    assert panel["role_name"] and panel["due_at"].endswith("+08:00")
