"""The engine side of the contract: forms answer in both languages once, tasks say what to do and come
prefilled, migrations give tasks the new version's due dates, lint catches misspelt rule names."""

from __future__ import annotations

import copy
import json

import pytest

from engine.definitions.compiler import Bundle, load_bundle
from engine.definitions.lint import lint
from engine.errors import InvalidInput
from tests.support.demo_case import DEMO, DESIGNER, PROPOSER, UNIT, open_task
from tests.support.scenario import PROCESSES, Scenario, deploy_processes

STEWARD_ROLE = "grid_steward"


def registration(yishi) -> tuple[Scenario, dict]:
    deploy_processes(yishi)
    s = Scenario.start(yishi, "five_step", unit=UNIT, data={"title": "3号院加装电梯"})
    return s, s.task("A_UT_Register")


def test_an_empty_registration_gives_one_error_per_missing_field_in_both_languages(yishi):
    s, task = registration(yishi)
    with pytest.raises(InvalidInput) as caught:
        yishi.complete(s.case_id, task["task_id"], s_member(s), {})
    schema = json.loads((PROCESSES.parent / "forms/five_step/A_UT_Register.schema.json").read_text())
    paths = [e.path for e in caught.value.errors]
    assert sorted(paths) == sorted(set(paths)) == sorted(schema["required"])  # once each, nothing else
    by_path = {e.path: e for e in caught.value.errors}
    channel = by_path["channel"]
    assert channel.as_dict("zh-CN")["message"] == f"请填写“{schema['properties']['channel']['title']}”"
    assert channel.as_dict("en")["message"] == "please fill in “Channel”"


def test_choices_and_dates_say_what_is_expected(yishi):
    s, task = registration(yishi)
    with pytest.raises(InvalidInput) as caught:
        yishi.complete(s.case_id, task["task_id"], s_member(s), {"channel": "网格走访", "co_signers": 30.0})
    by_path = {e.path: e for e in caught.value.errors}
    assert "网格走访" in by_path["channel"].as_dict("zh-CN")["message"]  # the choices are listed by label
    assert "Grid visit" in by_path["channel"].as_dict("en")["message"]
    assert by_path["co_signers"].as_dict("en")["message"].endswith("must be a whole number")  # 30.0 is refused


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "a\x00b", "\ud800"])
def test_unstorable_values_are_field_errors(demo, bad):
    case = demo.start("demo_petition", UNIT, PROPOSER, {"title": "x"})
    propose = open_task(demo, case["id"], "propose")["task_id"]
    with pytest.raises(InvalidInput) as caught:
        demo.complete(case["id"], propose, PROPOSER, {"description": bad})
    assert [e.path for e in caught.value.errors] == ["description"]


def test_a_task_tells_what_to_do_shows_context_and_is_prefilled(yishi):
    s, task = registration(yishi)
    detail = yishi.task_detail(task["task_id"], s_member(s), "zh-CN")
    assert "登记建档" in detail["instructions"] and "[en]" not in detail["instructions"]
    assert "{" not in detail["instructions"]  # placeholders filled from the case
    assert detail["initial_data"]["title"] == "3号院加装电梯"  # the title is not typed twice
    assert detail["form_schema"]["title"] == "登记建档" and "x-i18n" not in json.dumps(detail["form_schema"])
    assert detail["ui_schema"]["ui:order"][-1] == "*"
    english = yishi.task_detail(task["task_id"], s_member(s), "en")
    assert english["form_schema"]["title"] == "Register the proposal"
    assert "Register the proposal" in english["instructions"]
    assert {c["name"] for c in detail["context"]} <= set(s.data()) | {"reply_days"}


def test_a_migrated_case_gets_the_new_versions_due_date_and_events(demo):
    case = demo.start("demo_petition", UNIT, PROPOSER, {"title": "x"})
    assert open_task(demo, case["id"], "propose")["due_at"] is None
    bundle = load_bundle([DEMO])
    xml = bundle.bpmn["demo.bpmn"].decode().replace(
        '<spiffworkflow:property name="formJsonSchemaFilename" value="propose.schema.json"/>',
        '<spiffworkflow:property name="formJsonSchemaFilename" value="propose.schema.json"/>\n'
        '          <spiffworkflow:property name="dueDate" value="period_end(case_started_at, 5)"/>', 1)
    demo.deploy(Bundle(bpmn={"demo.bpmn": xml.encode()}, forms=bundle.forms), DESIGNER)
    from engine.cases import upgrades
    results = upgrades.migrate(demo.runtime, "demo_petition", [case["id"]], DESIGNER)
    assert results[0]["migrated"], results
    assert open_task(demo, case["id"], "propose")["due_at"] is not None
    kinds = [e["kind"] for e in demo.history(case["id"])[0]]
    assert kinds[-2:] == ["case_migrated", "task_due_changed"]


def test_lint_rejects_a_rule_naming_a_field_the_form_does_not_have():
    bundle = load_bundle([PROCESSES])
    key = "assembly_vote/AV_UT_RecordVote.schema.json"
    schema = json.loads(bundle.forms[key])
    broken = copy.deepcopy(schema)
    rule = next(r for r in broken["x-yishi-rules"] if "abstain" in r["rule"])
    rule["rule"] = rule["rule"].replace("abstain", "abstian")
    forms = {**bundle.forms, key: json.dumps(broken).encode()}
    problems = [p for p in lint(bundle.bpmn, forms).problems if p.code == "form_rule_unknown_name"]
    assert problems and problems[0].element_id == "AV_UT_RecordVote"
    assert "abstian" in problems[0].as_dict("en")["message"]
    assert "abstian" in problems[0].as_dict("zh-CN")["message"] and "表单" in problems[0].as_dict("zh-CN")["message"]


def s_member(s: Scenario):
    from tests.support.scenario import member
    return member(s.unit, STEWARD_ROLE)


