"""The linter reports every problem at once, each with file, element id and line."""

from __future__ import annotations

import pytest

from engine.definitions.compiler import Bundle, compile_bundle, load_bundle
from engine.definitions.lint import lint
from engine.errors import InvalidDefinition
from tests.support.demo_case import DEMO, FIXTURES

BROKEN = FIXTURES / "broken" / "broken.bpmn"


def problems_of(path=BROKEN):
    bundle = load_bundle([path])
    return lint(bundle.bpmn, bundle.forms).problems


def line_of(element_id: str, path=BROKEN) -> int:
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if f'id="{element_id}"' in text:
            return number
    raise AssertionError(element_id)


EXPECTED = [  # (element id, code, words the message must contain)
    ("outside_lane", "user_task_outside_lane", "outside every lane"),
    ("no_form", "form_missing", "formJsonSchemaFilename"),
    ("missing_form", "form_missing", "does_not_exist.schema.json"),
    ("bad_json_form", "form_invalid", "not valid JSON"),
    ("bad_schema_form", "form_invalid", "not a valid JSON Schema"),
    ("f_syntax", "expression_invalid", "condition"),
    ("f_escape", "expression_invalid", "__class__"),
    ("sneaky_script", "expression_invalid", "script"),
    ("wait_unquoted", "timer_invalid", '"PT1H"'),
    ("wait_bad_duration", "timer_invalid", "P1Hours"),
    ("wait_naive_date", "timer_invalid", "UTC offset"),
    ("call_missing", "call_target_missing", "no_such_process"),
    ("lane_nameless", "lane_without_name", "no role"),
    ("lane_shown_name", "lane_role_not_code", "role property"),
]


@pytest.mark.parametrize(("element_id", "code", "words"), EXPECTED)
def test_every_problem_is_reported_with_its_element_and_line(element_id, code, words):
    found = [p for p in problems_of() if p.element_id == element_id and p.code == code]
    assert found, f"no {code} for {element_id}; got {[str(p) for p in problems_of()]}"
    assert words in found[0].message
    assert found[0].file == "broken.bpmn"
    assert found[0].line == line_of(element_id)


def test_all_problems_come_in_one_report():
    codes = {(p.element_id, p.code) for p in problems_of()}
    assert {(e, c) for e, c, _ in EXPECTED} <= codes


def test_deploying_a_broken_bundle_raises_with_every_problem():
    with pytest.raises(InvalidDefinition) as caught:
        compile_bundle(load_bundle([BROKEN]))
    assert len(caught.value.problems) >= len(EXPECTED)


def test_the_demo_process_is_clean():
    assert problems_of(DEMO) == []


def test_no_executable_process():
    xml = DEMO.read_bytes().replace(b'isExecutable="true"', b'isExecutable="false"')
    problems = lint({"demo.bpmn": xml}, load_bundle([DEMO]).forms)
    assert [p.code for p in problems.problems] == ["no_executable_process"]


def test_schema_errors_are_all_reported_with_lines():
    xml = DEMO.read_bytes().replace(b"<bpmn:userTask id=\"vote\"", b"<bpmn:userTaskk id=\"vote\"", 1)
    xml = xml.replace(b"</bpmn:userTask>\n    <bpmn:scriptTask", b"</bpmn:userTaskk>\n    <bpmn:scriptTask", 1)
    xml = xml.replace(b'<bpmn:collaboration id="demo_collaboration"',
                      b'<bpmn:collaboration id="demo_collaboration" colour="red"', 1)
    problems = lint({"demo.bpmn": xml}, load_bundle([DEMO]).forms).problems
    xsd = [p for p in problems if p.code == "xsd"]
    assert len(xsd) >= 2
    assert all(p.line for p in xsd)
    assert any("userTaskk" in p.message for p in xsd) and any("colour" in p.message for p in xsd)


def test_spiff_parser_findings_are_reported_not_raised():
    xml = DEMO.read_bytes().replace(b'<bpmn:conditionExpression>passed</bpmn:conditionExpression>', b"", 1)
    problems = lint({"demo.bpmn": xml}, load_bundle([DEMO]).forms).problems
    assert [p.code for p in problems] == ["bpmn_invalid"]
    assert problems[0].element_id == "f_adopted_yes"  # the flow that lacks its condition


def test_empty_bundle_and_garbage_are_problems_not_crashes():
    bundle = Bundle(bpmn={"junk.bpmn": b"\x00\xff not xml", "empty.bpmn": b""})
    problems = lint(bundle.bpmn, {}).problems
    assert {p.file for p in problems} == {"junk.bpmn", "empty.bpmn"}
    assert all(p.code == "xml" for p in problems)


# ----- 退回 drawn in the diagram ----------------------------------------------------------------------------------

ACTIONS = FIXTURES / "actions" / "actions.bpmn"


def _return_problems(**changes) -> list:
    xml = ACTIONS.read_text(encoding="utf-8")
    for old, new in changes.values():
        assert old in xml, old
        xml = xml.replace(old, new)
    return [p for p in lint({"actions.bpmn": xml.encode("utf-8")}, {}).problems if p.code.startswith("return")]


def test_the_drawn_return_of_the_actions_fixture_is_clean():
    assert _return_problems() == []


@pytest.mark.parametrize(("change", "code"), [
    (('sourceRef="review_send_back" targetRef="propose"', 'sourceRef="review_send_back" targetRef="vote"'),
     "return_not_earlier"),
    (('sourceRef="review_send_back" targetRef="propose"', 'sourceRef="review_send_back" targetRef="decided"'),
     "return_target"),
    (('attachedToRef="review">', 'attachedToRef="review" cancelActivity="false">'), "return_not_interrupting"),
    (('<bpmn:signalEventDefinition id="review_send_back_signal" signalRef="send_back"/>',
      '<bpmn:messageEventDefinition id="review_send_back_signal"/>'), "return_not_signal"),
])
def test_a_return_that_does_not_lead_back_to_an_earlier_step_is_a_problem_naming_it(change, code):
    found = _return_problems(change=change)
    assert [(p.code, p.element_id) for p in found] == [(code, "review_send_back")], found


def test_returnto_is_refused_in_anything_new():
    found = _return_problems(change=('<spiffworkflow:property name="copyTo" value="street_office"/>',
                                     '<spiffworkflow:property name="copyTo" value="street_office"/>'
                                     '<spiffworkflow:property name="returnTo" value="propose"/>'))
    assert [(p.code, p.element_id) for p in found] == [("return_to_not_drawn", "review")]
    assert "boundary" in found[0].message
