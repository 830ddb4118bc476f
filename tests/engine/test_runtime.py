"""Cases end to end on a real database: start, complete, authorise, validate, version, administrate."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.definitions.compiler import load_bundle
from engine.domain.actors import Actor
from engine.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from tests.support.demo_case import (
    ADMIN,
    ASSEMBLY,
    DEMO,
    DESIGNER,
    FIXTURES,
    PROPOSAL,
    PROPOSER,
    STEWARD,
    UNIT,
    VOTE,
    drive_to_vote,
    kinds,
    open_task,
)


def test_happy_path_reaches_adopted_end_with_a_complete_case_file(demo):
    case = drive_to_vote(demo)
    assert case["reference"] == f"{UNIT}-2026-0001"
    assert case["status"] == "waiting_for_people"
    vote = open_task(demo, case["id"], "vote")
    assert vote["role"] == "assembly" and vote["form"] == "demo_petition/vote.schema.json"
    done = demo.complete(case["id"], vote["task_id"], ASSEMBLY, VOTE)
    assert done["status"] == "completed"
    assert done["end_event"] == "end_adopted"
    assert done["open_tasks"] == [] and done["next_timer_at"] is None
    rows, verification = demo.history(case["id"])
    assert verification.ok and verification.events == len(rows)
    completed = [(r["element_id"], r["actor"]) for r in rows if r["kind"] == "task_completed"]
    assert completed == [("propose", "pan"), ("review", "wang"), ("vote", "chen")]
    assert rows[0]["kind"] == "case_started" and rows[0]["data"]["data"]["reply_days"] == 7  # default applied
    assert rows[-1]["kind"] == "case_completed" and rows[-1]["data"] == {"end_event": "end_adopted"}
    vote_event = next(r for r in rows if r["element_id"] == "vote" and r["kind"] == "task_completed")
    assert vote_event["data"]["data"] == VOTE
    computed = [r for r in rows if r["kind"] == "computed"]
    assert [(r["element_id"], r["data"]) for r in computed] == [("tally", {"quorum_met": True, "passed": True})]


def test_vote_below_quorum_takes_the_not_adopted_end(demo):
    case = drive_to_vote(demo)
    # 2*20 = 40 is not more than 41: no quorum under jmh_art9 [S3 Art 9]
    done = demo.complete(case["id"], open_task(demo, case["id"], "vote")["task_id"], ASSEMBLY,
                         {"eligible": 41, "present": 20, "yes": 20, "no": 0, "abstain": 0})
    assert done["end_event"] == "end_not_adopted"


def test_start_profile_changes_the_rule_without_editing_the_diagram(demo):
    case = drive_to_vote(demo, rule_profile="rep_assembly_all_majority")
    # 22 yes of 41 members: 44 > 41 passes; 20 yes would not.
    done = demo.complete(case["id"], open_task(demo, case["id"], "vote")["task_id"], ASSEMBLY,
                         {"eligible": 41, "present": 30, "yes": 20, "no": 5, "abstain": 5})
    assert done["end_event"] == "end_not_adopted"


def test_reject_needs_a_reason_then_ends_not_accepted(demo):
    case = demo.start("demo_petition", UNIT, PROPOSER, {"title": "x"})
    demo.complete(case["id"], open_task(demo, case["id"], "propose")["task_id"], PROPOSER, PROPOSAL)
    review = open_task(demo, case["id"], "review")["task_id"]
    with pytest.raises(InvalidInput) as caught:
        demo.complete(case["id"], review, STEWARD, {"decision": "reject"})
    assert [e.path for e in caught.value.errors] == ["reason"]
    done = demo.complete(case["id"], review, STEWARD, {"decision": "reject", "reason": "属于私人纠纷"})
    assert done["end_event"] == "end_rejected"


def test_form_errors_name_every_field_and_store_nothing(demo):
    case = drive_to_vote(demo)
    vote = open_task(demo, case["id"], "vote")["task_id"]
    before = demo.history(case["id"])[0]
    with pytest.raises(InvalidInput) as caught:
        demo.complete(case["id"], vote, ASSEMBLY, {"eligible": 0, "present": "many", "yes": 1, "extra": 1})
    paths = {e.path for e in caught.value.errors}
    assert {"eligible", "present", "no", "abstain", "extra"} <= paths  # the unknown field is named
    with pytest.raises(InvalidInput) as caught:
        demo.complete(case["id"], vote, ASSEMBLY, {"eligible": 41, "present": 30, "yes": 20, "no": 10, "abstain": 1})
    assert {e.path for e in caught.value.errors} == {"yes", "no", "abstain", "present"}
    assert "yes + no + abstain" in str(caught.value.errors[0].message)
    assert demo.history(case["id"])[0] == before
    assert open_task(demo, case["id"], "vote")["task_id"] == vote


def test_start_form_is_validated_and_start_roles_enforced(demo):
    with pytest.raises(InvalidInput) as caught:
        demo.start("demo_petition", UNIT, PROPOSER, {"title": "", "reply_days": 0})
    assert {e.path for e in caught.value.errors} == {"title", "reply_days"}
    with pytest.raises(Forbidden, match="proposer, grid_steward"):
        demo.start("demo_petition", UNIT, ASSEMBLY, {"title": "x"})
    with pytest.raises(Forbidden):
        demo.start("demo_petition", "另一个社区", PROPOSER, {"title": "x"})
    with pytest.raises(NotFound, match="no_such"):
        demo.start("no_such", UNIT, PROPOSER, {})
    with pytest.raises(InvalidInput, match="unit"):
        demo.start("demo_petition", " ", PROPOSER, {"title": "x"})
    assert demo.cases() == []


def test_only_the_lane_role_in_the_case_unit_may_complete(demo):
    case = demo.start("demo_petition", UNIT, PROPOSER, {"title": "x"})
    propose = open_task(demo, case["id"], "propose")["task_id"]
    with pytest.raises(Forbidden, match="proposer"):
        demo.complete(case["id"], propose, STEWARD, PROPOSAL)
    elsewhere = Actor("li", frozenset({("五华科创大厦", "proposer")}))
    with pytest.raises(Forbidden):
        demo.complete(case["id"], propose, elsewhere, PROPOSAL)
    with pytest.raises(Forbidden):
        demo.complete(case["id"], propose, ADMIN, PROPOSAL)  # administrators reassign, they do not vote


def test_completing_twice_or_a_task_not_ready_is_refused(demo):
    case = demo.start("demo_petition", UNIT, PROPOSER, {"title": "x"})
    propose = open_task(demo, case["id"], "propose")["task_id"]
    demo.complete(case["id"], propose, PROPOSER, PROPOSAL)
    with pytest.raises(Conflict, match="no longer open"):
        demo.complete(case["id"], propose, PROPOSER, PROPOSAL)
    with pytest.raises(NotFound):
        demo.complete(case["id"], "00000000-0000-0000-0000-000000000000", PROPOSER, PROPOSAL)
    with pytest.raises(NotFound):
        demo.complete(case["id"], "not-a-uuid", PROPOSER, PROPOSAL)
    with pytest.raises(NotFound):
        demo.complete(999999, propose, PROPOSER, PROPOSAL)


def test_a_future_task_cannot_be_run_early(demo):
    """SpiffWorkflow's Task.run() has no state guard; the engine must refuse FUTURE tasks."""
    case = demo.start("demo_petition", UNIT, PROPOSER, {"title": "x"})
    loaded = demo.runtime.load(demo.db.connect(), case["id"])
    future_vote = next(t for t in loaded.workflow.get_tasks() if t.task_spec.name == "vote")
    with pytest.raises(Conflict):
        demo.complete(case["id"], str(future_vote.id), ASSEMBLY, VOTE)
    assert open_task(demo, case["id"], "propose")


def test_submitted_data_is_copied_not_aliased(demo):
    case = demo.start("demo_petition", UNIT, PROPOSER, {"title": "x"})
    data = {"description": "在3号院增设电动自行车集中充电桩，解决飞线充电隐患。", "households": 1}
    demo.complete(case["id"], open_task(demo, case["id"], "propose")["task_id"], PROPOSER, data)
    data["households"] = 999
    rows, _ = demo.history(case["id"])
    completed = next(r for r in rows if r["kind"] == "task_completed")
    assert completed["data"]["data"]["households"] == 1
    loaded = demo.runtime.load(demo.db.connect(), case["id"])
    review = next(t for t in loaded.workflow.get_tasks() if t.task_spec.name == "review")
    assert review.data["households"] == 1


def test_inbox_lists_only_my_roles_in_my_units_soonest_due_first(demo, frozen_clock):
    first = drive_to_vote(demo)
    second = demo.start("demo_petition", UNIT, PROPOSER, {"title": "second", "reply_days": 3})
    demo.complete(second["id"], open_task(demo, second["id"], "propose")["task_id"], PROPOSER, PROPOSAL)
    steward_tasks = demo.tasks(STEWARD)
    assert [t["case_id"] for t in steward_tasks] == [second["id"]]
    # due = end of 2026-03-05 in Shanghai: start day not counted, three days later [S22 Art 201]
    assert steward_tasks[0]["due_at"] == dt.datetime(2026, 3, 5, 15, 59, 59, tzinfo=dt.UTC)
    assert [t["element_id"] for t in demo.tasks(ASSEMBLY)] == ["vote"]
    assert demo.tasks(ASSEMBLY)[0]["reference"] == first["reference"]
    assert demo.tasks(Actor("nobody")) == []
    assert demo.tasks(Actor("x", frozenset({("五华科创大厦", "assembly")}))) == []


def test_new_version_never_changes_running_cases(demo, tmp_path):
    running = demo.start("demo_petition", UNIT, PROPOSER, {"title": "old"})
    bundle = load_bundle([DEMO])
    again = demo.deploy(bundle, DESIGNER)
    assert [(d.key, d.version, d.created) for d in again] == [("demo_petition", 1, False)]
    changed = bundle.bpmn["demo.bpmn"].replace(b'name="\xe5\x86\xb3\xe8\xae\xae Vote"', b'name="Vote v2"')
    assert changed != bundle.bpmn["demo.bpmn"]
    bundle.bpmn["demo.bpmn"] = changed
    [deployed] = demo.deploy(bundle, DESIGNER)
    assert (deployed.version, deployed.created) == (2, True)
    assert [v["version"] for v in demo.versions("demo_petition")] == [1, 2]
    assert demo.definitions()[0]["version"] == 2
    fresh = demo.start("demo_petition", UNIT, PROPOSER, {"title": "new"})
    assert (demo.case(running["id"])["definition_version"], fresh["definition_version"]) == (1, 2)
    for case in (running, fresh):
        demo.complete(case["id"], open_task(demo, case["id"], "propose")["task_id"], PROPOSER, PROPOSAL)
        demo.complete(case["id"], open_task(demo, case["id"], "review")["task_id"], STEWARD,
                      {"decision": "deliberate"})
    assert open_task(demo, running["id"], "vote")["name"] == "决议 Vote"
    assert open_task(demo, fresh["id"], "vote")["name"] == "Vote v2"


def test_only_designers_deploy(yishi):
    with pytest.raises(Forbidden):
        yishi.deploy(load_bundle([DEMO]), PROPOSER)


def test_suspend_resume_cancel_are_administrators_and_recorded(demo):
    case = demo.start("demo_petition", UNIT, PROPOSER, {"title": "x"})
    propose = open_task(demo, case["id"], "propose")["task_id"]
    with pytest.raises(Forbidden):
        demo.suspend(case["id"], PROPOSER, "no")
    with pytest.raises(InvalidInput, match="reason"):
        demo.suspend(case["id"], ADMIN, "  ")
    assert demo.suspend(case["id"], ADMIN, "业主投诉程序不公")["status"] == "suspended"
    assert demo.tasks(PROPOSER) == []
    with pytest.raises(InvalidState, match="suspended"):
        demo.complete(case["id"], propose, PROPOSER, PROPOSAL)
    with pytest.raises(InvalidState):
        demo.suspend(case["id"], ADMIN, "again")
    assert demo.resume(case["id"], ADMIN)["status"] == "waiting_for_people"
    demo.complete(case["id"], propose, PROPOSER, PROPOSAL)
    cancelled = demo.cancel(case["id"], ADMIN, "提议人撤回")
    assert cancelled["status"] == "cancelled" and cancelled["open_tasks"] == []
    with pytest.raises(InvalidState):
        demo.resume(case["id"], ADMIN)
    events = demo.history(case["id"])[0]
    admin_events = [(r["kind"], r["actor"], r["data"].get("reason")) for r in events if r["actor"] == "ada"]
    assert admin_events == [("case_suspended", "ada", "业主投诉程序不公"), ("case_resumed", "ada", ""),
                            ("case_cancelled", "ada", "提议人撤回")]


def test_failing_expression_puts_case_in_error_and_retry_after_fix(yishi):
    yishi.deploy(load_bundle([FIXTURES / "faulty" / "faulty.bpmn"]), DESIGNER)
    case = yishi.start("faulty_process", UNIT, STEWARD, {})
    failed = yishi.complete(case["id"], open_task(yishi, case["id"], "enter")["task_id"], STEWARD, {"threshold": 3})
    assert failed["status"] == "error"
    assert failed["error_element"] == "check"
    assert "votes" in failed["error_message"]
    assert kinds(yishi, case["id"])[-1] == "case_error"
    with pytest.raises(Forbidden):
        yishi.retry(case["id"], STEWARD, {"votes": 5})
    still = yishi.retry(case["id"], ADMIN)  # no fix: fails again, stays in error
    assert still["status"] == "error"
    fixed = yishi.retry(case["id"], ADMIN, {"votes": 5})
    assert fixed["status"] == "completed" and fixed["end_event"] == "end_high"
    assert kinds(yishi, case["id"])[-2:] == ["case_retried", "case_completed"]
    with pytest.raises(InvalidState):
        yishi.retry(case["id"], ADMIN)


def test_case_list_filters(demo):
    drive_to_vote(demo)
    other = demo.start("demo_petition", UNIT, PROPOSER, {"title": "y"})
    demo.cancel(other["id"], ADMIN, "重复提议")
    assert [c["status"] for c in demo.cases(status="active")] == ["waiting_for_people"]
    assert [c["status"] for c in demo.cases(status="cancelled")] == ["cancelled"]
    assert len(demo.cases(unit=UNIT, process="demo_petition")) == 2
    assert demo.cases(unit="五华科创大厦") == []
    with pytest.raises(InvalidInput, match="unknown status"):
        demo.cases(status="stuck-ish")
    assert demo.case(other["reference"])["id"] == other["id"]


def test_a_resubmitted_list_replaces_the_old_one(yishi):
    """Form data replaces case data; SpiffWorkflow's deep merge would keep stale list items."""
    from engine.definitions.compiler import Bundle

    xml = (FIXTURES / "faulty" / "faulty.bpmn").read_bytes().replace(
        b'<bpmn:conditionExpression>votes &gt; threshold</bpmn:conditionExpression>',
        b'<bpmn:conditionExpression>len(names) &gt; threshold</bpmn:conditionExpression>')
    form = b'{"type": "object", "properties": {"threshold": {"type": "integer"}, "names": {"type": "array"}}}'
    yishi.deploy(Bundle(bpmn={"faulty.bpmn": xml}, forms={"faulty_process/enter.schema.json": form}), DESIGNER)
    case = yishi.start("faulty_process", UNIT, STEWARD, {"names": ["x", "y", "z"], "title": "t"})
    done = yishi.complete(case["id"], open_task(yishi, case["id"], "enter")["task_id"], STEWARD,
                          {"threshold": 1, "names": ["y"]})
    assert done["end_event"] == "end_low"  # one name, not three merged ones


def test_a_due_date_expression_that_gives_no_date_puts_the_case_in_error(yishi):
    bundle = load_bundle([DEMO])
    bundle.bpmn["demo.bpmn"] = bundle.bpmn["demo.bpmn"].replace(
        b'value="period_end(case_started_at, reply_days)"', b'value="reply_days"')
    yishi.deploy(bundle, DESIGNER)
    case = yishi.start("demo_petition", UNIT, PROPOSER, {"title": "x"})
    failed = yishi.complete(case["id"], open_task(yishi, case["id"], "propose")["task_id"], PROPOSER, PROPOSAL)
    assert failed["status"] == "error" and failed["error_element"] == "review"
    assert "not a date" in failed["error_message"]
