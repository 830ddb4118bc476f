"""Issue 9 item 9: what a participant reads in these procedures — the instructions of every step and the
messages of the forms' rules — holds the case's values as a person reads them: no ``{key}`` left unfilled, no
configuration key, no machine timestamp (deadlines read as Beijing dates, ``2026-03-09 24:00``)."""

from __future__ import annotations

import re

import pytest

from engine.domain.actors import Actor
from engine.errors import InvalidInput
from tests.support import bargaining
from tests.support import five_step as five
from tests.support import three_stage as three
from tests.support.scenario import Scenario, member

ADMIN = Actor("admin", is_admin=True)
UNFILLED = re.compile(r"\{\w+\}")
MACHINE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


@pytest.fixture
def read(monkeypatch):
    """Every step's instructions as its participant reads them in both languages, collected as the cases run."""
    seen: dict[tuple[str, str], str] = {}
    complete = Scenario.do

    def do(self, element_id, data, *, by):
        task = self.task(element_id)
        for language in ("zh-CN", "en"):
            seen[(element_id, language)] = self.service.task_detail(task["task_id"], ADMIN, language)["instructions"]
        return complete(self, element_id, data, by=by)
    monkeypatch.setattr(Scenario, "do", do)
    return seen


def assert_readable(seen: dict) -> None:
    assert seen
    for (element, language), text in seen.items():
        assert not UNFILLED.findall(text or ""), (element, language, text)
        assert not MACHINE_TIME.findall(text or ""), (element, language, text)


def test_five_step_instructions_read_as_values(yishi, read):
    five.deploy_processes(yishi)
    s = five.start(yishi)
    five.to_party_approval(s)
    five.assembly(s, eligible=41, present=30, yes=22, no=5, abstain=3)
    five.after_vote_to_close(s)
    other = five.start(yishi)
    five.register(other)
    five.triage(other, "refer", reason="属供水公司职责", referred_to="昆明市自来水公司", reply_text="已转供水公司办理")
    other.advance(days=8)
    other.do("A_UT_UrgeReply", {"urged_at": five.iso(), "urge_note": "请尽快答复"}, by="supervision_committee")
    assert_readable(read)
    # reply_due, a deadline's end, in Beijing time
    assert re.search(r"答复期限（\d{4}-\d\d-\d\d 24:00）", read[("A_UT_UrgeReply", "zh-CN")])


def test_three_stage_instructions_read_as_values(yishi, read):
    five.deploy_processes(yishi)
    s = three.start(yishi)
    three.minor_until_evaluation(s)
    assert_readable(read)


def test_bargaining_instructions_and_rule_messages_read_as_values(yishi, read):
    bargaining.deploy(yishi)
    s = bargaining.start(yishi)
    bargaining.form_teams(s)
    bargaining.publish_teams(s)
    bargaining.issue_request(s)
    due = s.task("C_UT_Reply")
    with pytest.raises(InvalidInput) as caught:  # a reply dated after the 20-day deadline is refused, naming it
        yishi.complete(s.case_id, due["task_id"], member(bargaining.UNIT, "employer_side"),
                       {"replied_at": bargaining.iso(days=30), "reply_decision": "agree",
                        "reply_document": ["replies/huiying.pdf"]})
    for language in ("zh-CN", "en"):
        message = next(e.message.render(language) for e in caught.value.errors if e.path == "replied_at")
        assert not MACHINE_TIME.findall(message) and not UNFILLED.findall(message), message
        assert re.search(r"\d{4}-\d\d-\d\d 24:00", message), message
    assert_readable(read)
