"""The case discussion (issue 14 item 4): posts and replies by the unit's members, @mentions that notify, photos,
moderation by the grid steward and the supervision committee with a recorded reason, all in the case file and its
export."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from engine.domain.actors import Actor
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.support.five_step import UNIT, start
from tests.support.participation import resident, residents
from tests.support.scenario import file_bytes, member


def test_residents_discuss_a_case_and_the_steward_hides_a_post_with_a_reason(yishi):
    s = start(yishi)
    residents(yishi, 3)
    residents(yishi, 1, prefix="x", role="residents", unit="别的社区")
    photo = yishi.attach(s.case_id, resident("r001"), io.BytesIO(file_bytes("photos/site.jpg")), "site.jpg")
    first = yishi.post(s.case_id, resident("r001"), "管道走向请 @r002 看看，@nobody 不在。",
                       attachments=[{"sha256": photo["sha256"], "name": "site.jpg"}])
    assert first["mentions"] == ["r002"]
    reply = yishi.post(s.case_id, resident("r002"), "同意，走绿化带下面。", reply_to=first["post"])
    rude = yishi.post(s.case_id, resident("r003"), "广告：低价装修")
    with pytest.raises(NotFound):
        yishi.post(s.case_id, resident("r003"), "回复不存在的", reply_to="000000000000")
    with pytest.raises(Forbidden):  # not a member of the case's unit
        yishi.post(s.case_id, Actor("x001", frozenset({("别的社区", "residents")})), "路过")
    with pytest.raises(InvalidInput):
        yishi.post(s.case_id, resident("r001"), "   ")
    with pytest.raises(Forbidden):  # residents do not moderate
        yishi.hide_post(s.case_id, resident("r001"), rude["post"], "广告")
    with pytest.raises(InvalidInput):  # a reason is required
        yishi.hide_post(s.case_id, member(UNIT, "grid_steward"), rude["post"], "")
    yishi.hide_post(s.case_id, member(UNIT, "grid_steward"), rude["post"], "广告，与议题无关")
    with pytest.raises(Conflict):
        yishi.hide_post(s.case_id, member(UNIT, "supervision_committee"), rude["post"], "再隐藏")
    thread = yishi.thread(s.case_id, resident("r002"))
    assert [p["post"] for p in thread["posts"]] == [first["post"], reply["post"], rude["post"]]
    assert thread["posts"][1]["reply_to"] == first["post"] and thread["posts"][0]["attachments"][0]["name"] == \
        "site.jpg"
    hidden = thread["posts"][2]
    assert hidden["hidden"] and hidden["text"] == "" and hidden["hidden_reason"] == "广告，与议题无关"
    assert yishi.thread(s.case_id, member(UNIT, "supervision_committee"))["posts"][2]["text"] == "广告：低价装修"
    # the mention told r002 (the bell), nobody else
    bell = yishi.notifications(resident("r002"))["items"]
    assert [n["kind"] for n in bell] == ["mentioned"]
    assert yishi.notifications(resident("r003"))["items"] == []
    # the case file and its export carry the thread and the moderation
    hides = s.events("post_hidden")
    assert hides[0]["data"] == {"post": rude["post"], "reason": "广告，与议题无关"} and \
        hides[0]["actor"] == "grid_steward-user"
    out = io.BytesIO()
    yishi.export_case(s.case_id, Actor("admin", is_admin=True), out)
    with zipfile.ZipFile(out) as archive:
        lines = [json.loads(line) for name in archive.namelist() if name.endswith(".jsonl")
                 for line in archive.read(name).decode("utf-8").splitlines()]
    assert sum(1 for e in lines if e["kind"] == "post_added") == 3
    assert any(e["kind"] == "post_hidden" for e in lines)
    assert yishi.discussion.my_threads(resident("r001"))[0]["my_posts"] == 1
