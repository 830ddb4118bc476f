"""Bounded steps (issue 10, item 1): no definition can make a step run away with the worker.

Loops, comprehensions, calls and recursion in scripts, conditions, timer expressions and form rules count
against a per-evaluation step budget (steps, seconds, memory) and end in a case error naming the element;
a script cannot leave data too big to store; form ``pattern`` keywords run on RE2 (linear time) and lint
refuses patterns RE2 cannot compile. Each reproducer returns quickly: the server keeps answering.
"""

from __future__ import annotations

import json
import re
import time
from xml.sax.saxutils import escape

import pytest

from engine.definitions import forms
from engine.definitions.compiler import Bundle
from engine.definitions.lint import lint
from engine.errors import InvalidInput, ScriptSecurityError
from engine.sandbox import budget
from engine.sandbox.environment import RestrictedEnvironment
from engine.sandbox.policy import check
from tests.support.demo_case import DESIGNER, STEWARD, UNIT, open_task

SMALL = budget.Limits(seconds=5, operations=100_000)  # steps run out long before seconds on any machine


@pytest.fixture
def limits():
    """Set the sandbox's limits for one test; the defaults come back afterwards."""
    before = budget.current_limits()
    yield budget.configure
    budget.configure(before)


@pytest.fixture
def env() -> RestrictedEnvironment:
    return RestrictedEnvironment()


def _run(env, mode, source, context=None):
    context = {} if context is None else context
    return env.evaluate(source, context) if mode == "eval" else env.execute(source, context)


# ---------------------------------------------------------------------------------------------
# The sandbox alone

RUNAWAYS = [
    ("while_true", "exec", "while True:\n    pass"),
    ("nested_range_generators", "exec", "x = sum(sum(1 for j in range(10**6)) for i in range(10**6))"),
    ("nested_range_expression", "eval", "sum(sum(1 for j in range(10**6)) for i in range(10**6)) > 0"),
    ("for_loops", "exec", "n = 0\nfor i in range(10**6):\n    for j in range(10**6):\n        n += 1"),
    ("list_comprehension", "eval", "len([i * j for i in range(10**6) for j in range(10**6)])"),
    ("dict_comprehension", "eval", "len({(i, j): 1 for i in range(10**6) for j in range(10**6)})"),
    ("exponential_recursion", "exec", "def f(n):\n    return 0 if n == 0 else f(n - 1) + f(n - 1)\nx = f(60)"),
    ("exponential_lambda", "exec", "f = lambda n: 0 if n == 0 else f(n - 1) + f(n - 1)\nx = f(60)"),
    ("lambda_in_sorted", "eval", "sorted(range(10**6), key=lambda i: sum(1 for j in range(10**6)))"),
    ("caught_and_looped_again", "exec",
     "while True:\n    try:\n        for i in range(10**6):\n            pass\n    except Exception:\n        pass"),
    ("caught_once", "exec", "try:\n    while True:\n        pass\nexcept Exception:\n    pass\nx = 1"),
    ("generator_function", "exec", "def g():\n    while True:\n        yield 1\nx = sum(g())"),
]


@pytest.mark.parametrize(("name", "mode", "source"), RUNAWAYS, ids=[r[0] for r in RUNAWAYS])
def test_runaway_code_is_stopped_by_the_step_budget(name, mode, source, env, limits):
    assert check(source, mode) == [], "lint passes it: only the budget can stop it"
    limits(SMALL)
    started = time.monotonic()
    with pytest.raises(ScriptSecurityError) as caught:
        _run(env, mode, source)
    assert time.monotonic() - started < 3
    what = "script" if mode == "exec" else "expression"
    assert caught.value.text.render("en").startswith(f"{what} took more than 100000 steps")
    assert "100000" in caught.value.text.render("zh-CN")


def test_the_wall_clock_stops_what_the_step_count_allows(env, limits):
    limits(budget.Limits(seconds=0.3, operations=10**12))
    started = time.monotonic()
    with pytest.raises(ScriptSecurityError, match="script ran longer than 0.3 s"):
        env.execute("while True:\n    pass", {})
    assert time.monotonic() - started < 1.5


def test_default_budget_stops_an_endless_loop_within_seconds(env):
    assert budget.current_limits() == budget.Limits()
    started = time.monotonic()
    with pytest.raises(ScriptSecurityError, match="script"):
        env.execute("while True:\n    pass", {})
    assert time.monotonic() - started < budget.Limits().seconds + 1


def test_memory_growth_is_stopped(env, limits):
    limits(budget.Limits(seconds=30, operations=10**9, memory_mb=64))
    with pytest.raises(ScriptSecurityError, match="more than 64 MB"):
        env.execute("a = list(range(10**6))\nb = [list(a) for i in range(1000)]", {})


def test_deep_recursion_is_a_clear_error(env):
    with pytest.raises(ScriptSecurityError, match="recursed too deeply"):
        env.execute("def f(n):\n    return f(n + 1)\nx = f(0)", {})
    with pytest.raises(ScriptSecurityError, match="expression recursed too deeply"):
        env.evaluate("(lambda f: f(f))(lambda f: f(f))", {})


@pytest.mark.parametrize(("source", "words"), [
    ("a = list(range(10**6))\nb = [a] * 100", "too large to store"),
    ("s = 'x' * 10**6\nb = [s] * 100", "too large to store"),
    ("x = []\nfor i in range(1000):\n    x = [x]", "nested more than 64 levels"),
], ids=["million_item_list_shared", "megabyte_string_shared", "deep_nesting"])
def test_a_script_cannot_leave_data_too_big_to_store(source, words, env):
    started = time.monotonic()
    with pytest.raises(ScriptSecurityError, match=words):
        env.execute(source, {})
    assert time.monotonic() - started < 2


def test_ordinary_code_is_untouched(env, limits):
    limits(SMALL)
    context = {"votes": [3, 4, 5]}
    env.execute("total = 0\nfor v in votes:\n    total += v\nk = 0\nwhile k < 10:\n    k += 1\n"
                "def twice(v):\n    return 2 * v\nd = {str(v): twice(v) for v in votes}\n"
                "m = sorted(votes, key=lambda v: -v)\na, b = 1, 2\nfor i, v in enumerate(votes):\n    pass", context)
    assert (context["total"], context["k"], context["d"], context["m"]) == (12, 10, {"3": 6, "4": 8, "5": 10},
                                                                            [5, 4, 3])
    assert env.evaluate("sum(v for v in votes if v > 3)", context) == 9
    for name in ("_getiter_", "_tick_", "__builtins__"):
        assert name not in context


def test_the_budget_is_per_evaluation(env, limits):
    limits(budget.Limits(seconds=5, operations=1_000))
    for _ in range(5):  # 5 × 900 steps, each evaluation within its own 1,000
        assert env.evaluate("len([i for i in range(900)])", {}) == 900


def test_limits_must_be_positive():
    with pytest.raises(ValueError):
        budget.configure(budget.Limits(seconds=0))


# ---------------------------------------------------------------------------------------------
# In a case: the step ends in a case error at the element, quickly


def _bundle(script: str = "x = 1", rule: str = "True", pattern: str = "^.*$", timer: str | None = None) -> Bundle:
    timer_xml = (f'<bpmn:intermediateCatchEvent id="wait" name="Wait"><bpmn:incoming>f3</bpmn:incoming>'
                 f'<bpmn:outgoing>f4</bpmn:outgoing><bpmn:timerEventDefinition id="wait_timer">'
                 f'<bpmn:timeDate>{escape(timer)}</bpmn:timeDate></bpmn:timerEventDefinition>'
                 f'</bpmn:intermediateCatchEvent>' if timer else "")
    after_script = "wait" if timer else "end"
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="bounded_definitions" targetNamespace="http://yishi.example/bounded">
  <bpmn:process id="bounded" name="Bounded" isExecutable="true">
    <bpmn:laneSet id="bounded_lanes">
      <bpmn:lane id="lane_steward" name="grid_steward">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>enter</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>crunch</bpmn:flowNodeRef>
        {'<bpmn:flowNodeRef>wait</bpmn:flowNodeRef>' if timer else ''}
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="enter" name="Enter">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="enter.schema.json"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:scriptTask id="crunch" name="Crunch">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>{escape(script)}</bpmn:script>
    </bpmn:scriptTask>
    {timer_xml}
    <bpmn:endEvent id="end"><bpmn:incoming>{'f4' if timer else 'f3'}</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="enter"/>
    <bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="crunch"/>
    <bpmn:sequenceFlow id="f3" sourceRef="crunch" targetRef="{after_script}"/>
    {'<bpmn:sequenceFlow id="f4" sourceRef="wait" targetRef="end"/>' if timer else ''}
  </bpmn:process>
</bpmn:definitions>"""
    form = {"type": "object", "required": ["title"],
            "properties": {"title": {"type": "string", "title": "标题", "pattern": pattern},
                           "n": {"type": "integer"}},
            "x-yishi-rules": [{"rule": rule, "fields": ["n"], "message": {"zh-CN": "不行", "en": "no"}}]}
    return Bundle(bpmn={"bounded.bpmn": xml.encode()},
                  forms={"bounded/enter.schema.json": json.dumps(form, ensure_ascii=False).encode()})


def _start(yishi, bundle: Bundle) -> tuple[int, str]:
    yishi.deploy(bundle, DESIGNER)
    case = yishi.start("bounded", UNIT, STEWARD, {"title": "t"})
    return case["id"], open_task(yishi, case["id"], "enter")["task_id"]


@pytest.mark.parametrize(("script", "words"), [
    ("while True:\n    pass", "script took more than"),
    ("x = sum(sum(1 for j in range(10**6)) for i in range(10**6))", "script took more than"),
    ("a = list(range(10**6))\nb = [a] * 100", "too large to store"),
], ids=["while_true", "nested_range_generators", "million_item_lists"])
def test_a_runaway_script_task_ends_in_a_case_error_naming_the_element(script, words, yishi, limits):
    limits(SMALL)
    case_id, task_id = _start(yishi, _bundle(script=script))
    started = time.monotonic()
    failed = yishi.complete(case_id, task_id, STEWARD, {"title": "abc", "n": 1})
    assert time.monotonic() - started < 5
    assert failed["status"] == "error"
    assert failed["error_element"] == "crunch"
    assert words in failed["error_message"]


def test_a_runaway_timer_expression_ends_in_a_case_error(yishi, limits):
    limits(SMALL)
    timer = "'2026-03-09T09:00:00+08:00' if sum(1 for i in range(10**6) for j in range(10**6)) else ''"
    case_id, task_id = _start(yishi, _bundle(timer=timer))
    failed = yishi.complete(case_id, task_id, STEWARD, {"title": "abc", "n": 1})
    assert failed["status"] == "error" and failed["error_element"] == "wait"
    assert "expression took more than" in failed["error_message"]


def test_a_runaway_form_rule_is_a_broken_rule(yishi, limits):
    limits(SMALL)
    case_id, task_id = _start(yishi, _bundle(rule="sum(1 for i in range(10**6) for j in range(10**6)) > n"))
    with pytest.raises(forms.RuleBroken, match="expression took more than"):
        yishi.complete(case_id, task_id, STEWARD, {"title": "abc", "n": 1})
    assert yishi.case(case_id)["status"] == "waiting_for_people"


# ---------------------------------------------------------------------------------------------
# Regular expressions: RE2 at run time, lint for what RE2 cannot compile

EVIL = "^(a+)+$"
CRAFTED = "a" * 37 + "!"  # 38 characters: Python's re backtracks 2**37 times


def test_a_catastrophic_pattern_answers_at_once():
    schema = {"type": "object", "properties": {"title": {"type": "string", "title": "标题", "pattern": EVIL}}}
    started = time.monotonic()
    with pytest.raises(InvalidInput) as caught:
        forms.validate(schema, {"title": CRAFTED})
    assert time.monotonic() - started < 0.5
    assert caught.value.errors[0].path == "title"
    assert "not in the expected format" in caught.value.errors[0].as_dict("en")["message"]
    forms.validate(schema, {"title": "aaaa"})


def test_a_catastrophic_pattern_in_a_deployed_form_answers_at_once(yishi):
    case_id, task_id = _start(yishi, _bundle(pattern=EVIL))
    started = time.monotonic()
    with pytest.raises(InvalidInput):
        yishi.complete(case_id, task_id, STEWARD, {"title": CRAFTED, "n": 1})
    assert time.monotonic() - started < 1


def test_patterns_keep_json_schema_semantics():
    schema = {"type": "object", "properties": {"code": {"type": "string", "pattern": "[0-9]{4}"},
                                               "id": {"type": "string", "pattern": "^[0-9A-Z]{18}$"}}}
    forms.validate(schema, {"code": "编号 2026 号", "id": "91530100MA6Q1234XY"})  # search, not match
    with pytest.raises(InvalidInput):
        forms.validate(schema, {"code": "编号"})
    forms.validate({"properties": {"code": {"pattern": "[0-9]{4}"}}}, {"code": 12})  # strings only


def test_python_re_really_backtracks_on_the_crafted_title():
    """The reproducer is real: 24 characters already take Python's re measurable time (38 take hours)."""
    started = time.monotonic()
    assert re.search(EVIL, "a" * 21 + "!") is None
    slow = time.monotonic() - started
    started = time.monotonic()
    with pytest.raises(InvalidInput):
        forms.validate({"properties": {"t": {"type": "string", "pattern": EVIL}}}, {"t": "a" * 21 + "!"})
    assert time.monotonic() - started < slow


@pytest.mark.parametrize(("pattern", "reason"), [
    ("^(?=.*[0-9]).+$", "look-around"),
    ("^(a)\\1$", "back-reference"),
    ("^(?<!x)a$", "look-behind"),
])
def test_lint_refuses_a_pattern_re2_cannot_compile(pattern, reason):
    bundle = _bundle(pattern=pattern)
    problems = [p for p in lint(bundle.bpmn, bundle.forms).problems if p.code == "form_pattern_invalid"]
    assert len(problems) == 1, reason
    problem = problems[0]
    assert problem.element_id == "enter" and problem.file == "bounded.bpmn"
    assert "forms/bounded/enter.schema.json" in problem.message and "field title" in problem.message
    assert pattern in problem.message and "RE2" in problem.message
    assert "title" in problem.text.render("zh-CN")


def test_lint_accepts_the_shipped_kind_of_pattern():
    bundle = _bundle(pattern="^.+-[0-9]{4}-[0-9]{4,}$")
    assert not [p for p in lint(bundle.bpmn, bundle.forms).problems if p.code == "form_pattern_invalid"]


def test_lint_finds_patterns_in_nested_fields_and_refuses_pattern_properties():
    schema = {"type": "object", "properties": {
        "people": {"type": "array", "items": {"type": "object", "properties": {
            "phone": {"type": "string", "pattern": "^(?!0)[0-9]+$"}}}},
        "extra": {"type": "object", "patternProperties": {"^x_": {"type": "string"}}},
        "pattern": {"type": "string", "default": "not a regex: (?!"}}}
    assert forms.patterns(schema) == [("pattern", "people/phone", "^(?!0)[0-9]+$"),
                                      ("patternProperties", "extra", "^x_")]
    bundle = _bundle()
    bundle.forms["bounded/enter.schema.json"] = json.dumps(schema).encode()
    found = [p.message for p in lint(bundle.bpmn, bundle.forms).problems if p.code == "form_pattern_invalid"]
    assert len(found) == 2
    assert any("people/phone" in m for m in found) and any("patternProperties" in m for m in found)
