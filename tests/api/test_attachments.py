"""Attachments over HTTP: multipart upload to a case or a task, list, download (only for those who may see the
case), 413 and 415 as problem+json in the reader's language, form fields naming uploaded files; and the export of
the whole case file as a ZIP that verifies offline."""

from __future__ import annotations

import hashlib
import io
import urllib.parse
import zipfile

import pytest

from engine.read import export_check
from engine.store.files import LocalFileStore
from tests.support import five_step as five
from tests.support.http_app import demo_client, login
from tests.support.http_scenario import HttpScenario
from tests.support.scenario import PROCESSES

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"x" * 200
PDF = b"%PDF-1.7\n" + b"1 0 obj\n" * 20


@pytest.fixture
def client(db_url, tmp_path):
    with demo_client(db_url, PROCESSES) as client:
        client.service.files = LocalFileStore(tmp_path / "files")
        yield client


def case_of(client) -> HttpScenario:
    return HttpScenario.start(client, "five_step", unit=five.UNIT, data={"title": "金康园中水灌溉"})


def test_upload_list_and_download(client):
    s = case_of(client)
    response = s.request("post", f"/api/cases/{s.case_id}/attachments", "grid_steward",
                         files={"file": ("签到表.pdf", PDF, "application/pdf")})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest() and body["size"] == len(PDF)
    assert body["media_type"] == "application/pdf" and body["file_name"] == "签到表.pdf"
    assert body["uploaded_by"] == "grid_steward" and body["uploaded_at"].endswith("+08:00")
    added = s.events("attachment_added")
    assert [e["data"]["sha256"] for e in added] == [body["sha256"]]

    listed = s.request("get", f"/api/cases/{s.case_id}/attachments", "proposer")
    assert [a["file_name"] for a in listed.json()] == ["签到表.pdf"]
    download = s.request("get", f"/api/cases/{s.case_id}/attachments/{body['sha256']}", "proposer")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"] == \
        f"attachment; filename*=UTF-8''{urllib.parse.quote('签到表.pdf', safe='')}"

    outsider = login(client, "union_fed")  # a member of the building, not of the community
    for path in (f"/api/cases/{s.case_id}/attachments", f"/api/cases/{s.case_id}/attachments/{body['sha256']}"):
        assert client.get(path, headers=outsider).status_code == 404
    refused = client.post(f"/api/cases/{s.case_id}/attachments", headers=outsider, files={"file": ("a.jpg", JPEG)})
    assert refused.status_code == 404
    assert s.request("get", f"/api/cases/{s.case_id}/attachments/{'0' * 64}", "proposer").status_code == 404
    assert s.request("get", f"/api/cases/{s.case_id}/attachments/not-a-hash", "proposer").status_code == 422


def test_limits_answer_413_and_415_as_problems(client):
    s = case_of(client)
    client.service.attachment_max_bytes = 1024
    too_large = s.request("post", f"/api/cases/{s.case_id}/attachments", "grid_steward",
                          files={"file": ("big.jpg", JPEG * 10, "image/jpeg")})
    assert too_large.status_code == 413
    assert too_large.headers["content-type"] == "application/problem+json"
    assert "1024" in too_large.json()["detail"] and "文件过大" in too_large.json()["detail"]
    executable = b"MZ\x90\x00" + b"\0" * 100
    refused = client.post(f"/api/cases/{s.case_id}/attachments",
                          headers={**login(client, "grid_steward"), "Accept-Language": "en"},
                          files={"file": ("photo.jpg", executable, "image/jpeg")})
    assert refused.status_code == 415
    assert refused.headers["content-type"] == "application/problem+json"
    assert "application/x-msdownload" in refused.json()["detail"] and "not accepted" in refused.json()["detail"]
    missing = s.request("post", f"/api/cases/{s.case_id}/attachments", "grid_steward", data={"x": "1"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["path"] == "file"
    assert s.events("attachment_added") == []


def test_a_task_holder_uploads_and_refers_to_the_file_in_the_form(client):
    s = case_of(client)
    five.to_party_approval(s)
    task = s.task("AV_UT_PublishNotice")
    path = f"/api/tasks/{task['task_id']}/attachments"
    assert s.request("post", path, "proposer", files={"file": ("a.jpg", JPEG)}).status_code == 403
    uploaded = s.request("post", path, "grid_steward", files={"file": ("公告栏.jpg", JPEG)})
    assert uploaded.status_code == 201, uploaded.text
    ref = {"sha256": uploaded.json()["sha256"], "name": "公告栏.jpg"}
    notice = {"notice_published_at": five.iso(), "meeting_at": five.iso(days=4), "venue": "社区会议室",
              "channels": ["notice_board"], "content": "会议议程"}
    wrong = s.request("post", f"/api/tasks/{task['task_id']}/complete", "grid_steward",
                      json={"data": {**notice, "posting_evidence": [{**ref, "sha256": "a" * 64}]}})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["path"] == "posting_evidence/0"
    s.do("AV_UT_PublishNotice", {**notice, "posting_evidence": [ref]}, by="grid_steward")
    added = [e for e in s.events("attachment_added") if e["task_id"] is not None]  # earlier steps' went to the case
    assert [(e["task_id"], e["element_id"]) for e in added] == [(task["task_id"], "AV_UT_PublishNotice")]
    completed = s.events("task_completed")[-1]["data"]["data"]["posting_evidence"]
    assert completed == [{**ref, "size": len(JPEG), "media_type": "image/jpeg"}]


def test_the_form_serves_the_attachment_field_shape(client):
    s = case_of(client)
    five.to_party_approval(s)
    task = s.task("AV_UT_PublishNotice")
    form = s.request("get", f"/api/tasks/{task['task_id']}", "grid_steward").json()["form_schema"]
    field = form["properties"]["posting_evidence"]
    assert field["x-yishi-widget"] == "attachments" and field["type"] == "array"
    assert field["items"]["required"] == ["sha256", "name"]
    assert set(field["items"]["properties"]) == {"sha256", "name", "size", "media_type"}


def test_export_as_zip_verifies_offline_and_masks_for_members(client, tmp_path):
    s = case_of(client)
    s.request("post", f"/api/cases/{s.case_id}/attachments", "grid_steward", files={"file": ("签到表.pdf", PDF)})
    response = s.request("get", f"/api/cases/{s.case_id}/export", "admin")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert response.headers["x-yishi-personal-data"] == "included"
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    path = tmp_path / "export.zip"
    path.write_bytes(response.content)
    checked = export_check.verify_file(path)
    assert checked.ok and checked.attachments == 1 and checked.events == len(s.events())
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.read(f"attachments/{hashlib.sha256(PDF).hexdigest()}") == PDF
    member = s.request("get", f"/api/cases/{s.case_id}/export", "proposer")
    assert member.status_code == 200 and member.headers["x-yishi-personal-data"] == "masked"
    masked = s.request("get", f"/api/cases/{s.case_id}/export?personal_data=false", "admin")
    assert masked.headers["x-yishi-personal-data"] == "masked"
    outsider = client.get(f"/api/cases/{s.case_id}/export", headers=login(client, "union_fed"))
    assert outsider.status_code == 404


# ----- a start form holds files too: uploaded before the case exists, claimed by the case started with them ------

PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"photo of the courtyard" * 10


def upload(s: HttpScenario, user: str, content: bytes = PNG, name: str = "现场照片.png") -> dict:
    response = s.request("post", "/api/attachments", user, files={"file": (name, content)})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["task_id"] is None and body["uploaded_by"] == user
    return {"sha256": body["sha256"], "name": body["file_name"]}


def start(s: HttpScenario, user: str, files: list[dict]):
    return s.request("post", "/api/cases", user, json={"definition": "five_step", "unit": five.UNIT, "data": {
        "title": "3号院加装电梯", "proposal_files": files}})


def test_a_file_uploaded_before_the_case_is_claimed_by_the_case_started_with_it(client):
    s = HttpScenario(client, 0)
    ref = upload(s, "proposer")
    response = start(s, "proposer", [ref])
    assert response.status_code == 201, response.text
    s.case_id = response.json()["id"]
    files = s.request("get", f"/api/cases/{s.case_id}/attachments", "proposer").json()
    assert [(f["sha256"], f["file_name"], f["uploaded_by"]) for f in files] == [(ref["sha256"], "现场照片.png",
                                                                                "proposer")]
    download = s.request("get", f"/api/cases/{s.case_id}/attachments/{ref['sha256']}", "grid_steward")
    assert download.status_code == 200 and download.content == PNG
    history = s.request("get", f"/api/cases/{s.case_id}/history", "admin").json()
    assert history["verified"]
    kinds = [(e["kind"], e["actor"]) for e in history["events"]][:2]
    assert kinds == [("case_started", "proposer"), ("attachment_added", "proposer")]
    started = history["events"][0]["data"]["data"]["proposal_files"][0]
    assert started["size"] == len(PNG) and started["media_type"] == "image/png"  # as stored, not as sent

    again = start(s, "proposer", [ref])  # claimed already: no longer the proposer's waiting upload
    assert again.status_code == 422 and "proposal_files/0" in again.text


def test_someone_elses_upload_is_refused_and_nothing_is_started(client):
    s = HttpScenario(client, 0)
    ref = upload(s, "grid_steward")
    before = s.request("get", "/api/cases", "admin").json()["total"]
    response = start(s, "proposer", [ref])
    assert response.status_code == 422 and "proposal_files/0" in response.text
    assert s.request("get", "/api/cases", "admin").json()["total"] == before
    assert start(s, "grid_steward", [ref]).status_code in (201, 403)  # the uploader may use it where they may start


def test_uploads_for_a_start_form_keep_the_limits(client):
    s = HttpScenario(client, 0)
    refused = s.request("post", "/api/attachments", "proposer", files={"file": ("x.exe", b"MZ\x90\x00" + b"\0" * 64)})
    assert refused.status_code == 415
    assert client.post("/api/attachments", files={"file": ("a.png", PNG)}).status_code == 401
