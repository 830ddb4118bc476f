"""Linked cases: a duplicate proposal merged into one case keeps a link both ways, its proposer follows the case it
went into (my cases, publications); a split starts linked cases on behalf of the proposer."""

from __future__ import annotations

import pytest

from engine.domain.actors import Actor
from engine.errors import Forbidden, InvalidInput, InvalidState
from tests.support import five_step as five
from tests.support.scenario import deploy_processes

UNIT = five.UNIT
PAN = Actor("pan", frozenset({(UNIT, "proposer")}))
LI = Actor("li", frozenset({(UNIT, "proposer")}))
COMMITTEE = Actor("zhou", frozenset({(UNIT, "two_committees")}))
COUNCIL = Actor("qian", frozenset({(UNIT, "deliberation_committee")}))


@pytest.fixture
def two_proposals(yishi):
    deploy_processes(yishi)
    kept = yishi.start("five_step", UNIT, PAN, {"title": "3号院加装电梯"})
    duplicate = yishi.start("five_step", UNIT, LI, {"title": "3号院装电梯（重复）"})
    return yishi, kept, duplicate


def kinds(yishi, case_id):
    rows, verification = yishi.history(case_id)
    assert verification.ok, verification
    return rows


def test_a_merged_duplicate_links_both_ways_and_its_proposer_follows(two_proposals):
    yishi, kept, duplicate = two_proposals
    with pytest.raises(Forbidden):
        yishi.merge(duplicate["reference"], kept["reference"], PAN, "重复")
    with pytest.raises(InvalidInput):
        yishi.merge(duplicate["reference"], kept["reference"], COMMITTEE, "  ")
    merged = yishi.merge(duplicate["reference"], kept["reference"], COMMITTEE, "同一部电梯的两份提议")
    assert [(link["kind"], link["reference"]) for link in merged["links"]] == \
        [("merged_from", duplicate["reference"])]
    gone = yishi.case(duplicate["id"])
    assert gone["status"] == "cancelled" and gone["open_tasks"] == []
    assert [(link["kind"], link["reference"]) for link in gone["links"]] == [("merged_into", kept["reference"])]
    dup_events = kinds(yishi, duplicate["id"])
    assert [e["kind"] for e in dup_events[-3:]] == ["case_linked", "case_cancelled", "task_closed"]
    assert dup_events[-3]["data"]["link"] == "merged_into" and dup_events[-3]["actor"] == "zhou"
    assert kept["reference"] in dup_events[-2]["data"]["reason"]
    kept_events = kinds(yishi, kept["id"])
    assert kept_events[-1]["kind"] == "case_linked"
    assert kept_events[-1]["data"] == {"link": "merged_from", "case": duplicate["reference"], "started_by": "li",
                                       "reason": "同一部电梯的两份提议"}
    assert yishi.followers(kept["id"]) == ["pan", "li"]
    assert [c["reference"] for c in yishi.cases(LI, started_by="li")] == \
        [duplicate["reference"], kept["reference"]]
    assert kept["reference"] in [c["reference"] for c in yishi.cases(LI, involving="li")]
    assert yishi.count_cases(LI, started_by="li") == 2
    assert [c["reference"] for c in yishi.cases(PAN, started_by="pan")] == [kept["reference"]]
    with pytest.raises(InvalidState):  # the duplicate is closed now
        yishi.merge(duplicate["reference"], kept["reference"], COMMITTEE, "再次合并")
    with pytest.raises(InvalidInput):
        yishi.merge(kept["reference"], kept["reference"], COMMITTEE, "自己")


def test_a_case_of_another_unit_cannot_be_merged_in(two_proposals):
    yishi, kept, _duplicate = two_proposals
    other = yishi.start("five_step", "五华科创大厦", Actor("x", is_admin=True), {"title": "楼宇的事"})
    with pytest.raises(InvalidInput):
        yishi.merge(other["reference"], kept["reference"], Actor("ada", is_admin=True), "不同单位")


def test_a_split_starts_linked_cases_on_behalf_of_the_proposer(two_proposals):
    yishi, kept, _duplicate = two_proposals
    with pytest.raises(InvalidInput):
        yishi.split(kept["reference"], ["只有一件"], COUNCIL, "拆分")
    original = yishi.split(kept["reference"], ["3号院加装电梯", "3号院屋顶防水"], COUNCIL, "一份提议含两件事")
    parts = [link for link in original["links"] if link["kind"] == "split_into"]
    assert [p["title"] for p in parts] == ["3号院加装电梯", "3号院屋顶防水"]
    assert original["status"] != "cancelled"  # the original goes on
    for part in parts:
        case = yishi.case(part["reference"])
        assert case["started_by"] == "pan" and case["unit"] == UNIT and case["definition_key"] == "five_step"
        assert [(link["kind"], link["reference"]) for link in case["links"]] == [("split_from", kept["reference"])]
        events = kinds(yishi, case["id"])
        assert events[0]["actor"] == "qian" and events[0]["data"]["on_behalf_of"] == "pan"
        assert events[-1]["kind"] == "case_linked" and events[-1]["data"]["link"] == "split_from"
        assert case["open_tasks"][0]["element_id"] == "A_UT_Register"  # each part starts at the beginning
    assert {c["reference"] for c in yishi.cases(PAN, started_by="pan")} >= {p["reference"] for p in parts}
    assert [e["data"]["link"] for e in kinds(yishi, kept["id"]) if e["kind"] == "case_linked"] == \
        ["split_into", "split_into"]
    with pytest.raises(Forbidden):
        yishi.split(kept["reference"], ["甲", "乙"], LI, "不是委员")


def test_a_split_that_fails_midway_leaves_nothing_half_written(two_proposals, monkeypatch):
    """The second part's link cannot be written: neither part, nor any link or event, is kept."""
    from engine.cases import links
    from engine.store import case_links

    yishi, kept, _duplicate = two_proposals
    before_cases = {c["id"] for c in yishi.cases()}
    before_events = len(kinds(yishi, kept["id"]))
    real_insert, calls = case_links.insert, []

    def failing_insert(conn, *args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("disk full while linking the second part")
        return real_insert(conn, *args, **kwargs)

    monkeypatch.setattr(links.case_links, "insert", failing_insert)
    with pytest.raises(RuntimeError):
        yishi.split(kept["reference"], ["3号院加装电梯", "3号院屋顶防水", "3号院绿化"], COUNCIL, "一份提议含三件事")
    assert len(calls) == 2  # the first part was started, linked and recorded before the failure
    assert {c["id"] for c in yishi.cases()} == before_cases
    assert len(kinds(yishi, kept["id"])) == before_events
    assert yishi.case(kept["id"])["links"] == []
    monkeypatch.undo()
    original = yishi.split(kept["reference"], ["3号院加装电梯", "3号院屋顶防水"], COUNCIL, "再拆一次")
    assert [link["kind"] for link in original["links"]] == ["split_into", "split_into"]
