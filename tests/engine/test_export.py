"""The case file leaves the system intact: an exported ZIP verifies offline (chain, count, head, attachments,
manifest, seal) and fails, naming the check, when one byte of an attachment or one event changes."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from typer.testing import CliRunner

from engine.cli import app as cli
from engine.definitions.compiler import load_bundle
from engine.domain.actors import Actor
from engine.errors import NotFound
from engine.read import export_check
from engine.store.files import LocalFileStore
from tests.support.demo_case import ADMIN, DESIGNER, PROPOSER, STEWARD, drive_to_vote
from tests.support.demo_case import DEMO as DEMO_BPMN

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4


@pytest.fixture
def exported(yishi, tmp_path):
    """A demo case with one attachment, exported by an administrator to ``tmp_path/case.zip``."""
    yishi.files = LocalFileStore(tmp_path / "files")
    yishi.deploy(load_bundle([DEMO_BPMN]), DESIGNER)
    case = drive_to_vote(yishi)
    yishi.attach(case["id"], STEWARD, io.BytesIO(JPEG), "公告栏.jpg")
    path = tmp_path / "case.zip"
    with path.open("wb") as out:
        manifest = yishi.export_case(case["reference"], ADMIN, out)
    return yishi, case, path, manifest


def rewrite(path, tmp_path, change) -> str:
    """A copy of the archive with ``change(name, data) -> data`` applied to every member."""
    copy = tmp_path / "changed.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w") as target:
        for info in source.infolist():
            target.writestr(info, change(info.filename, source.read(info.filename)))
    return str(copy)


def test_an_export_holds_the_whole_case_file_and_verifies(exported):
    yishi, case, path, manifest = exported
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        events = [json.loads(line) for line in archive.read("events.jsonl").decode().splitlines()]
        page = archive.read("case.html").decode()
    rows, _ = yishi.history(case["id"])
    assert [e["hash"] for e in events] == [r["hash"] for r in rows]
    assert manifest["events"] == len(rows) and manifest["head_hash"] == rows[-1]["hash"]
    assert manifest["personal_data"] == "included" and manifest["exported_by"] == ADMIN.user_id
    assert manifest["case"]["reference"] == case["reference"] and manifest["tool"]["name"] == "yishi"
    assert manifest["exported_at"].endswith("+08:00") and manifest["seal"]["key_id"] == "dev"
    sha = manifest["attachments"][0]["sha256"]
    assert f"attachments/{sha}" in names and "definition/demo.bpmn" in names
    assert any(n.startswith("definition/forms/") for n in names)
    assert "一事一档" in page and "北京时间" in page and "公告栏.jpg" in page and "上传附件" in page
    result = export_check.verify_file(path)
    assert result.ok, result.reason
    assert result.checks == {"manifest": True, "chain": True, "count": True, "head": True, "attachments": True,
                             "seal": True}
    assert result.events == len(rows) and result.attachments == 1


def test_one_byte_of_an_attachment_changed_fails_the_attachments_check(exported, tmp_path):
    _yishi, _case, path, manifest = exported
    sha = manifest["attachments"][0]["sha256"]

    def flip(name, data):
        return data[:100] + bytes([data[100] ^ 1]) + data[101:] if name == f"attachments/{sha}" else data
    result = export_check.verify_file(rewrite(path, tmp_path, flip))
    assert not result.ok and result.failed == "attachments"
    assert sha in result.reason.render("en") and "does not match its hash" in result.reason.render("en")


def test_one_event_changed_fails_the_manifest_then_the_chain(exported, tmp_path):
    _yishi, _case, path, _manifest = exported

    def edit(name, data):
        return data.replace(b'"decision": "deliberate"', b'"decision": "reject"') if name == "events.jsonl" else data
    result = export_check.verify_file(rewrite(path, tmp_path, edit))
    assert not result.ok and result.failed == "manifest" and "events.jsonl" in result.reason.render("en")

    def edit_both(name, data):  # the forger also fixes the manifest's file hash: the chain still catches it
        if name == "events.jsonl":
            return edit(name, data)
        if name == "manifest.json":
            manifest = json.loads(data)
            with zipfile.ZipFile(path) as archive:
                events = edit("events.jsonl", archive.read("events.jsonl"))
            manifest["files"]["events.jsonl"] = hashlib.sha256(events).hexdigest()
            return json.dumps(manifest).encode()
        return data
    result = export_check.verify_file(rewrite(path, tmp_path, edit_both))
    assert not result.ok and result.failed == "chain"
    assert "content does not match its hash" in result.reason.render("en")
    assert "内容与其哈希不符" in result.reason.render("zh-CN")


def test_a_member_gets_personal_data_masked_and_an_outsider_nothing(exported, tmp_path):
    yishi, case, _path, _manifest = exported
    out = io.BytesIO()
    manifest = yishi.export_case(case["id"], PROPOSER, out)
    assert manifest["personal_data"] == "masked" and manifest["exported_by"] == PROPOSER.user_id
    assert yishi.export_case(case["id"], ADMIN, io.BytesIO(), personal_data=False)["personal_data"] == "masked"
    with pytest.raises(NotFound):
        yishi.export_case(case["id"], Actor("x", frozenset({("五华科创大厦", "union_fed")})), io.BytesIO())


def test_the_cli_exports_and_verifies_offline(exported, db_url, tmp_path, monkeypatch):
    yishi, case, path, _manifest = exported
    monkeypatch.setattr("engine.cli._service", lambda database: yishi)
    out = tmp_path / "cli.zip"
    result = CliRunner().invoke(cli, ["export", case["reference"], "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "personal data included" in result.output
    checked = CliRunner().invoke(cli, ["verify", "--file", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "intact" in checked.output and "attachments ok" in checked.output

    def flip(name, data):
        return data.replace(b"deliberate", b"deliberatE") if name == "events.jsonl" else data
    broken = CliRunner().invoke(cli, ["verify", "--file", rewrite(out, tmp_path, flip)])
    assert broken.exit_code == 1 and "check 'manifest' failed" in broken.output
