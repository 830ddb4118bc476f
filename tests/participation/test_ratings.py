"""好差评 (issue 14 item 3): affected residents rate an accepted case on the five-level scale with a comment and
photos while its evaluation is open; a 不满意 rating opens a fix-and-call-back task for the implementers due in 15
working days, whose outcome is recorded and rated again; the online ratings join the paper survey's totals in the
evaluation's own satisfaction rule."""

from __future__ import annotations

import io

import pytest

from engine.domain import periods
from engine.errors import Conflict, Forbidden, InvalidState, NotFound, RateLimited
from engine.settings import settings
from tests.support.five_step import UNIT, start, to_evaluation
from tests.support.participation import resident, residents
from tests.support.scenario import file_bytes, member, now


def evaluating(yishi):
    s = to_evaluation(start(yishi))
    assert s.open() == ["RE_UT_Evaluate"]
    return s


def test_a_dissatisfied_rating_opens_the_fix_task_and_a_second_rating_closes_it(yishi):
    s = evaluating(yishi)
    residents(yishi, 6)
    outsider = residents(yishi, 1, prefix="x", role="residents", unit="别的社区")[0]
    photo = yishi.attach(s.case_id, resident("r003"), io.BytesIO(file_bytes("photos/leak.jpg")), "leak.jpg")
    yishi.rate(s.case_id, resident("r001"), "very_satisfied", "管道铺得好")
    yishi.rate(s.case_id, resident("r002"), "basically_satisfied")
    rated = yishi.rate(s.case_id, resident("r003"), "dissatisfied", "3号楼前的管道漏水",
                       [{"sha256": photo["sha256"], "name": "leak.jpg"}])
    assert rated["fix_opened"] is True
    opened = s.events("fix_opened")[0]
    assert opened["data"]["to_role"] == "two_committees" and opened["data"]["working_days"] == 15
    assert opened["data"]["due_at"] == periods.working_period_end(now(), 15).isoformat()
    assert s.events("rating_given")[-1]["data"]["photos"][0]["sha256"] == photo["sha256"]
    with pytest.raises(Conflict, match="already"):  # one rating per person and case
        yishi.rate(s.case_id, resident("r001"), "satisfied")
    with pytest.raises(Conflict, match="fix is under way"):
        yishi.rate(s.case_id, resident("r003"), "satisfied")
    with pytest.raises(Forbidden):  # not an affected resident
        yishi.rate(s.case_id, resident(outsider, "别的社区"), "satisfied")
    with pytest.raises(Forbidden):  # residents do not record fixes; the implementers do
        yishi.record_fix(s.case_id, resident("r001"), "r003", "已修好")
    with pytest.raises(NotFound):
        yishi.record_fix(s.case_id, member(UNIT, "two_committees"), "r001", "没有要修的")
    view = yishi.case_ratings(s.case_id, member(UNIT, "two_committees"))
    assert [f["rater"] for f in view["fixes"]] == ["r003"] and view["fixes"][0]["state"] == "open"
    # the committee completes the evaluation with a paper survey of 10: the online ratings are added
    s.do("RE_UT_Evaluate", {"method": "survey", "respondents": 10, "satisfied": 6, "basically_satisfied": 2,
                            "dissatisfied": 2}, by="supervision_committee")
    counted = s.events("ratings_counted")[0]["data"]
    assert counted["online"]["levels"] == {"very_satisfied": 1, "satisfied": 0, "basically_satisfied": 1,
                                           "dissatisfied": 1, "very_dissatisfied": 0}
    assert counted["combined"] == {"respondents": 13, "satisfied": 7, "basically_satisfied": 3, "dissatisfied": 3}
    assert s.computed("satisfied_flag") == [True]  # 2·(7+3) = 20 > 13
    with pytest.raises(InvalidState):  # the window closed with the evaluation step
        yishi.rate(s.case_id, resident("r004"), "satisfied")
    # the fix (after the window: the call-back still runs) and the second rating
    done = yishi.record_fix(s.case_id, member(UNIT, "two_committees"), "r003", "更换了漏水的接头 Replaced the joint")
    assert done["late"] is False
    mine = yishi.case_ratings(s.case_id, resident("r003"))
    assert mine["may_rate"] and mine["my_fix"]["state"] == "done"
    closed = yishi.rate(s.case_id, resident("r003"), "satisfied", "修好了")
    assert closed["fix_closed"] is True and closed["round"] == 2
    assert s.events("fix_closed")[0]["data"] == {"rater": "r003", "level": "satisfied", "satisfied": True}
    assert yishi.case_ratings(s.case_id, resident("r003"))["my_fix"]["state"] == "closed"
    with pytest.raises(Conflict):
        yishi.rate(s.case_id, resident("r003"), "very_satisfied")


@pytest.fixture
def one_an_hour(monkeypatch):
    monkeypatch.setenv("YISHI_POSTS_PER_HOUR", "1")
    settings.cache_clear()
    yield
    monkeypatch.undo()
    settings.cache_clear()


def test_posts_and_ratings_are_rate_limited_per_person(yishi, one_an_hour):
    s = evaluating(yishi)
    residents(yishi, 2)
    yishi.rate(s.case_id, resident("r001"), "satisfied")
    yishi.post(s.case_id, resident("r002"), "第一条")
    with pytest.raises(RateLimited):
        yishi.post(s.case_id, resident("r002"), "第二条")
    with pytest.raises(RateLimited):
        yishi.rate(s.case_id, resident("r002"), "satisfied")
    s.advance(hours=1)
    yishi.rate(s.case_id, resident("r002"), "satisfied")
