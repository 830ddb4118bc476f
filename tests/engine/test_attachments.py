"""Attachments (一事一档): stored by SHA-256, recorded in the case file with size, media type (judged from the
content), name and uploader; limits on size and type; form fields may only name files of their own case."""

from __future__ import annotations

import hashlib
import io

import pytest

from engine.definitions.compiler import load_bundle
from engine.errors import Forbidden, InvalidInput, NotFound, TooLarge, UnsupportedMediaType
from engine.store.files import LocalFileStore
from tests.support import five_step as five
from tests.support.demo_case import ADMIN, DESIGNER, PROPOSER, STEWARD, UNIT, drive_to_vote
from tests.support.demo_case import DEMO as DEMO_BPMN
from tests.support.scenario import Scenario, deploy_processes, file_bytes, member

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"x" * 100
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 100
OUTSIDER = member("五华科创大厦", "union_fed")


@pytest.fixture
def service(yishi, tmp_path):
    yishi.files = LocalFileStore(tmp_path / "files")
    yishi.deploy(load_bundle([DEMO_BPMN]), DESIGNER)
    return yishi


def test_an_upload_is_stored_under_its_hash_and_recorded_in_the_case_file(service, tmp_path):
    case = drive_to_vote(service)
    record = service.attach(case["reference"], STEWARD, io.BytesIO(JPEG), "C:\\手机\\公告栏 照片.jpg")
    sha = hashlib.sha256(JPEG).hexdigest()
    assert record["sha256"] == sha and record["size"] == len(JPEG) and record["media_type"] == "image/jpeg"
    assert record["file_name"] == "公告栏 照片.jpg"  # no directories
    assert (tmp_path / "files" / sha[:2] / sha[2:4] / sha).read_bytes() == JPEG
    rows, verification = service.history(case["id"])
    assert verification.ok
    added = rows[-1]
    assert added["kind"] == "attachment_added" and added["actor"] == STEWARD.user_id
    assert added["data"] == {"sha256": sha, "size": len(JPEG), "media_type": "image/jpeg",
                             "file_name": "公告栏 照片.jpg"}
    assert [a["sha256"] for a in service.attachments(case["id"], PROPOSER)] == [sha]
    meta, stream = service.attachment(case["id"], sha, PROPOSER)
    with stream:
        assert stream.read() == JPEG and meta["uploaded_by"] == STEWARD.user_id


def test_the_media_type_comes_from_the_content_not_the_name(service):
    case = drive_to_vote(service)
    text = service.attach(case["id"], STEWARD, io.BytesIO("会议纪要：同意。\n".encode()), "minutes.jpg")
    assert text["media_type"] == "text/plain"
    with pytest.raises(UnsupportedMediaType) as refused:
        service.attach(case["id"], STEWARD, io.BytesIO(ELF), "photo.jpg")
    assert "application/x-executable" in refused.value.text.render("en")
    assert "不接受这种文件" in refused.value.text.render("zh-CN")
    assert not service.files.exists(hashlib.sha256(ELF).hexdigest())  # refused before anything was stored
    assert [a["file_name"] for a in service.attachments(case["id"], ADMIN)] == ["minutes.jpg"]


def test_a_file_over_the_limit_is_refused_and_nothing_kept(service, tmp_path):
    service.attachment_max_bytes = 1024
    case = drive_to_vote(service)
    big = JPEG + b"y" * 2000
    with pytest.raises(TooLarge) as refused:
        service.attach(case["id"], STEWARD, io.BytesIO(big), "big.jpg")
    assert "1024" in refused.value.text.render("en")
    assert not service.files.exists(hashlib.sha256(big).hexdigest())
    assert [p.name for p in (tmp_path / "files").rglob("*") if p.is_file()] == []  # no temporary left behind
    assert service.attachments(case["id"], ADMIN) == []


def test_only_members_add_and_read_files_and_a_task_only_by_its_role(service):
    case = drive_to_vote(service)
    with pytest.raises(NotFound):
        service.attach(case["id"], OUTSIDER, io.BytesIO(JPEG), "x.jpg")
    sha = service.attach(case["id"], PROPOSER, io.BytesIO(JPEG), "x.jpg")["sha256"]
    with pytest.raises(NotFound):
        service.attachment(case["id"], sha, OUTSIDER)
    with pytest.raises(NotFound):
        service.attachments(case["id"], OUTSIDER)
    with pytest.raises(NotFound):
        service.attachment(case["id"], "0" * 64, PROPOSER)
    task = service.case(case["id"])["open_tasks"][0]
    with pytest.raises(Forbidden):
        service.attach(None, PROPOSER, io.BytesIO(JPEG), "x.jpg", task_id=task["task_id"])
    holder = member(UNIT, task["role"])
    record = service.attach(None, holder, io.BytesIO(JPEG), "vote.jpg", task_id=task["task_id"])
    assert record["task_id"] == task["task_id"] and record["element_id"] == task["element_id"]
    rows, _ = service.history(case["id"])
    assert rows[-1]["task_id"] == task["task_id"] and rows[-1]["element_id"] == task["element_id"]


def test_a_form_names_only_files_of_its_own_case(yishi, tmp_path):
    yishi.files = LocalFileStore(tmp_path / "files")
    deploy_processes(yishi)
    other = Scenario.start(yishi, "five_step", unit=five.UNIT, data={"title": "另一件事"})
    foreign = other.attach("photos/elsewhere.jpg", by="grid_steward")
    s = Scenario.start(yishi, "five_step", unit=five.UNIT, data={"title": "金康园中水灌溉"})
    five.to_party_approval(s)
    notice = {"notice_published_at": five.iso(), "meeting_at": five.iso(days=4), "venue": "社区会议室",
              "channels": ["notice_board"], "content": "会议议程"}
    with pytest.raises(InvalidInput) as refused:
        s.do("AV_UT_PublishNotice", {**notice, "posting_evidence": foreign}, by="grid_steward")
    assert [e.path for e in refused.value.errors] == ["posting_evidence/0"]
    assert "elsewhere.jpg" in refused.value.errors[0].message.render("en")
    with pytest.raises(InvalidInput) as refused:
        s.do("AV_UT_PublishNotice", {**notice, "posting_evidence": [{"sha256": "nothex", "name": "a.jpg"}]},
             by="grid_steward")
    assert [e.path for e in refused.value.errors] == ["posting_evidence/0/sha256"]
    own = s.attach("photos/notice.jpg", by="grid_steward")
    s.do("AV_UT_PublishNotice", {**notice, "posting_evidence": [{**own[0], "size": 1, "media_type": "text/html"}]},
         by="grid_steward")
    submitted = s.events("task_completed")[-1]["data"]["data"]["posting_evidence"]
    assert submitted == [{"sha256": own[0]["sha256"], "name": "notice.jpg",
                          "size": len(file_bytes("photos/notice.jpg")), "media_type": "image/png"}]  # as stored
