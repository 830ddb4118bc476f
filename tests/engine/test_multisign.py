"""Multi-person steps (issue 13 item 6): 会签, 票签, 依次 and 或签 as SpiffWorkflow multi-instance user tasks, each
member's decision and opinion in the case file, the step ending when its rule is met (early for a refusal under
会签 and for a settled vote), and two members completing at once both counted exactly once (SQLite and PG)."""

from __future__ import annotations

import io
import threading

import pytest
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

from engine.cases import multisign
from engine.domain.actors import Actor
from engine.errors import Forbidden, InvalidInput
from engine.people import accounts, units
from engine.service import Yishi
from engine.workflow import projection
from tests.support.five_step import UNIT, consult, evaluate, register, start, triage
from tests.support.scenario import file_bytes

PANEL = ["panel_a", "panel_b", "panel_c"]
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde"


def seed_panel(yishi: Yishi, members=PANEL) -> None:
    with yishi.db.begin() as conn:
        units.ensure(conn, UNIT, "community", UNIT)
        for user in members:
            accounts.ensure_user(conn, user, "pw-pw-pw-pw", roles=[(UNIT, "review_panel")])


def panelist(user: str) -> Actor:
    return Actor(user, frozenset({(UNIT, "review_panel")}))


def at_panel_sign(yishi: Yishi, rule: str, members=PANEL):
    seed_panel(yishi, members)
    s = start(yishi, panel_sign=rule)
    register(s)
    triage(s)
    consult(s)
    return s


def signs(s) -> dict[str, str]:
    """Open 会签 instances by member."""
    return {t["assignee"]: t["task_id"] for t in s.case["open_tasks"] if t["element_id"] == "A_UT_PanelSign"}


def signature(s, user: str) -> dict:
    record = s.service.attach(s.case_id, panelist(user), io.BytesIO(PNG + user.encode()), "signature.png")
    return {"sha256": record["sha256"], "name": record["file_name"]}


def sign(s, user: str, decision: str = "approve", text: str = "同意。"):
    return s.service.complete(s.case_id, signs(s)[user], panelist(user), {"decision": decision},
                              {"text": text, "signature": signature(s, user)})


def test_all_members_sign_one_instance_each_with_opinion_and_signature(yishi):
    s = at_panel_sign(yishi, "all")
    assert sorted(signs(s)) == PANEL  # one instance per member of the role, addressed to them
    sign(s, "panel_a", text="方案可行，同意。")
    sign(s, "panel_b")
    assert sorted(signs(s)) == ["panel_c"]
    sign(s, "panel_c")
    assert s.open() == ["A_UT_Evaluate"]
    recorded = s.events("sign_recorded")
    assert [(e["actor"], e["data"]["decision"], e["data"]["signs_done"]) for e in recorded] == [
        ("panel_a", "approve", 1), ("panel_b", "approve", 2), ("panel_c", "approve", 3)]
    assert recorded[0]["data"]["opinion"] == "方案可行，同意。" and recorded[0]["data"]["rule"] == "all"
    assert len(recorded[0]["data"]["signature"]) == 64  # the signature's SHA-256 is in the case file
    done = s.events("multi_sign_completed")
    assert len(done) == 1 and done[0]["data"]["outcome"] == "approved" and done[0]["data"]["withdrawn"] == []
    assert s.computed("panel_approved") == [True]
    completed = [e for e in s.events("task_completed") if e["element_id"] == "A_UT_PanelSign"]
    assert completed[0]["data"]["opinion"]["signature"]["media_type"] == "image/png"


def test_all_ends_at_the_first_refusal_and_withdraws_the_rest(yishi):
    s = at_panel_sign(yishi, "all")
    sign(s, "panel_b", "reject", "费用测算不足。")
    assert s.open() == ["A_UT_Evaluate"]
    done = s.events("multi_sign_completed")[0]["data"]
    assert done["outcome"] == "rejected" and sorted(done["withdrawn"]) == ["panel_a", "panel_c"]
    assert s.computed("panel_approved") == [False]
    assert any(e["kind"] == "task_closed" for e in s.events())  # the withdrawn instances left the inboxes


def test_vote_more_than_half_ends_when_settled(yishi):
    s = at_panel_sign(yishi, "more_than_half")
    sign(s, "panel_a")
    assert len(signs(s)) == 2  # 1 of 3 is not more than half
    sign(s, "panel_c", "reject")
    assert len(signs(s)) == 1  # 1 yes, 1 no: still open
    sign(s, "panel_b")
    done = s.events("multi_sign_completed")[0]["data"]
    assert (done["signs_approved"], done["signs_rejected"], done["outcome"]) == (2, 1, "approved")


def test_vote_ends_early_once_more_than_half_agree(yishi):
    s = at_panel_sign(yishi, "more_than_half", members=PANEL + ["panel_d", "panel_e"])
    for user in ("panel_a", "panel_b", "panel_c"):
        sign(s, user)
    done = s.events("multi_sign_completed")[0]["data"]
    assert done["outcome"] == "approved" and sorted(done["withdrawn"]) == ["panel_d", "panel_e"]


def test_only_the_addressed_member_signs_and_a_decision_and_signature_are_required(yishi):
    s = at_panel_sign(yishi, "all")
    task = signs(s)["panel_a"]
    with pytest.raises(Forbidden):
        s.service.complete(s.case_id, task, panelist("panel_b"), {"decision": "approve"},
                           {"signature": signature(s, "panel_b")})
    with pytest.raises(InvalidInput) as missing:
        s.service.complete(s.case_id, task, panelist("panel_a"), {"decision": "approve"}, {"text": "同意"})
    assert missing.value.errors[0].path == "opinion/signature"
    pdf = s.service.attach(s.case_id, panelist("panel_a"), io.BytesIO(file_bytes("x.pdf")), "x.pdf")
    with pytest.raises(InvalidInput):
        s.service.complete(s.case_id, task, panelist("panel_a"), {"decision": "approve"},
                           {"signature": {"sha256": pdf["sha256"], "name": "x.pdf"}})
    assert s.events("sign_recorded") == []


def test_the_recorder_cannot_call_feasible_what_the_panel_refused(yishi):
    s = at_panel_sign(yishi, "all")
    sign(s, "panel_a", "reject")
    with pytest.raises(InvalidInput):
        evaluate(s, "feasible")


def test_nobody_holding_the_role_is_a_case_error_not_a_silent_pass(yishi):
    seed_panel(yishi, [])
    s = start(yishi, panel_sign="all")
    register(s)
    triage(s)
    with pytest.raises(AssertionError, match="nobody holds the role 'review_panel'"):
        consult(s)
    case = s.case
    assert case["status"] == "error" and case["error_element"] == "A_UT_PanelSign"
    assert "review_panel" in case["error_message"]


def test_two_members_completing_at_once_both_count_exactly_once(db_url, yishi):
    s = at_panel_sign(yishi, "all")
    tasks = signs(s)
    refs = {u: signature(s, u) for u in ("panel_a", "panel_b")}
    second = Yishi(db_url)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def run(service, user):
        barrier.wait(timeout=10)
        try:
            service.complete(s.case_id, tasks[user], panelist(user), {"decision": "approve"},
                             {"text": "同意", "signature": refs[user]})
            outcomes[user] = "won"
        except Exception as exc:  # noqa: BLE001 — reported below
            outcomes[user] = exc

    threads = [threading.Thread(target=run, args=(svc, u)) for svc, u in ((yishi, "panel_a"), (second, "panel_b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    second.db.dispose()
    assert outcomes == {"panel_a": "won", "panel_b": "won"}
    recorded = s.events("sign_recorded")
    assert sorted(e["actor"] for e in recorded) == ["panel_a", "panel_b"]
    assert sorted(e["data"]["signs_done"] for e in recorded) == [1, 2]
    assert sorted(signs(s)) == ["panel_c"]
    sign(s, "panel_c")
    assert s.events("multi_sign_completed")[0]["data"]["signs_approved"] == 3


def test_lint_places_sign_rules_and_signatures():
    from engine.definitions.compiler import load_bundle
    from engine.definitions.lint import lint
    from tests.support.scenario import PROCESSES

    bundle = load_bundle([PROCESSES])
    xml = bundle.bpmn["five_step.bpmn"]
    assert not [p for p in lint({"five_step.bpmn": xml, **{k: v for k, v in bundle.bpmn.items()
                                                           if k != "five_step.bpmn"}}, bundle.forms).problems
                if p.severity == "error"]
    broken = (xml.replace(b'name="signature" value="required"', b'name="signature" value="maybe"')
              .replace(b'<spiffworkflow:property name="assignee" value="panel_member"/>', b"")
              .replace(b'name="formJsonSchemaFilename" value="A_UT_Consult.schema.json"/>',
                       b'name="formJsonSchemaFilename" value="A_UT_Consult.schema.json"/>'
                       b'<spiffworkflow:property name="signRule" value="\'all\'"/>'))
    problems = lint({**bundle.bpmn, "five_step.bpmn": broken}, bundle.forms).problems
    found = {(p.element_id, p.code) for p in problems}
    assert ("A_UT_PanelSign", "signature_invalid") in found
    assert ("A_UT_PanelSign", "sign_assignee_missing") in found
    assert ("A_UT_Consult", "sign_rule_not_mi") in found


def _deploy_with_rule(yishi: Yishi, rule: str, condition: str, sequential: bool = False) -> None:
    """The shipped five-step method with the panel's step switched to another rule (或签 / 依次)."""
    from engine.definitions.compiler import Bundle, load_bundle
    from tests.support.scenario import DESIGNER, PROCESSES

    bundle = load_bundle([PROCESSES])
    xml = bundle.bpmn["five_step.bpmn"].decode("utf-8")
    start = xml.index('<bpmn:userTask id="A_UT_PanelSign"')
    end = xml.index("</bpmn:userTask>", start)
    step = xml[start:end].replace('name="signRule" value="panel_sign"', f'name="signRule" value="\'{rule}\'"')
    old = step[step.index("<bpmn:completionCondition>"):step.index("</bpmn:completionCondition>")]
    step = step.replace(old, f"<bpmn:completionCondition>{condition}")
    if sequential:
        step = step.replace("<bpmn:multiInstanceLoopCharacteristics>",
                            '<bpmn:multiInstanceLoopCharacteristics isSequential="true">')
    bpmn = {**bundle.bpmn, "five_step.bpmn": (xml[:start] + step + xml[end:]).encode("utf-8")}
    yishi.deploy(Bundle(bpmn=bpmn, forms=bundle.forms), DESIGNER)


def test_any_one_decides_or_sign(yishi):
    s = at_panel_sign(yishi, "all")  # deploys the shipped files; the next case takes the patched version
    _deploy_with_rule(yishi, "any", "signs_done &gt;= 1")
    from tests.support.five_step import start as start_case
    t = start_case(yishi, title="或签", panel_sign="all")
    register(t), triage(t), consult(t)
    assert sorted(signs(t)) == PANEL
    sign(t, "panel_b", "reject", "不同意。")
    done = t.events("multi_sign_completed")[0]["data"]
    assert (done["rule"], done["outcome"], sorted(done["withdrawn"])) == ("any", "rejected", ["panel_a", "panel_c"])
    assert t.open() == ["A_UT_Evaluate"] and s.case_id != t.case_id


def test_one_after_another_sequential(yishi):
    seed_panel(yishi)
    at_panel_sign(yishi, "all")
    _deploy_with_rule(yishi, "sequential", "signs_rejected &gt; 0", sequential=True)
    from tests.support.five_step import start as start_case
    t = start_case(yishi, title="依次", panel_sign="all")
    register(t), triage(t), consult(t)
    assert list(signs(t)) == ["panel_a"]  # one at a time, in the list's order
    sign(t, "panel_a")
    assert list(signs(t)) == ["panel_b"]
    sign(t, "panel_b", "reject")
    done = t.events("multi_sign_completed")[0]["data"]
    assert (done["rule"], done["outcome"], done["withdrawn"]) == ("sequential", "rejected", ["panel_c"])


def test_each_instance_stands_for_its_step_through_the_one_wrapper(yishi):
    """``projection.wrapper_of`` / ``step_task`` (what returns, multisign and the forecast read): every member's
    instance belongs to the one multi-instance wrapper, which carries the step's boundary events and flows; any
    other task has no wrapper and stands for itself."""
    seed_panel(yishi)
    s = start(yishi, panel_sign="all")
    register(s)
    with yishi.db.connect() as conn:
        plain = projection.ready_user_tasks(yishi.runtime.load(conn, s.case_id).workflow)
    assert [projection.element_id(t) for t in plain] == ["A_UT_Triage"]
    assert projection.wrapper_of(plain[0]) is None and projection.step_task(plain[0]) is plain[0]
    triage(s)
    consult(s)
    with yishi.db.connect() as conn:
        ready = projection.ready_user_tasks(yishi.runtime.load(conn, s.case_id).workflow)
    assert len(ready) == 3 and {projection.element_id(t) for t in ready} == {"A_UT_PanelSign"}
    wrappers = {projection.wrapper_of(t).id for t in ready}
    assert len(wrappers) == 1
    wrapper = projection.step_task(ready[0])
    assert wrapper.id in wrappers and isinstance(wrapper.task_spec, MultiInstanceTask)
    assert sorted(t.id for t in multisign.instances(wrapper)) == sorted(t.id for t in ready)
    assert projection.wrapper_of(wrapper) is None and projection.step_task(wrapper) is wrapper
