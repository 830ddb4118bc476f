"""The script sandbox: escapes fail at lint time and at run time, and designers' code still works.

Each escape attempt, where it can, would create a marker file if it got out; the marker must
never appear. The conftest's autouse fixture freezes the engine clock for every test.
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

import pytest
from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_builtins
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.domain import clock, periods, rules
from engine.errors import ScriptSecurityError
from engine.sandbox.environment import RestrictedEnvironment, make_script_engine
from engine.sandbox.functions import DOMAIN_FUNCTIONS
from engine.sandbox.guards import SANDBOX_BUILTINS
from engine.sandbox.policy import check, compile_expression, compile_script

UTC = dt.UTC

# (id, mode, source); "{m}" becomes the quoted path of the marker file an escape would create.
ESCAPES = [
    ("dunder_import", "eval", "__import__('os').system('touch ' + {m})"),
    ("import", "exec", "import os\nos.system('touch ' + {m})"),
    ("from_import", "exec", "from os import system\nsystem('touch ' + {m})"),
    ("star_import", "exec", "from os import *\nsystem('touch ' + {m})"),
    ("import_builtins", "exec", "import builtins\nbuiltins.open({m}, 'w').write('x')"),
    ("subclasses", "eval", "().__class__.__base__.__subclasses__()"),
    ("catch_warnings_walk", "eval",
     "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'catch_warnings'][0]()"
     "._module.__builtins__['open']({m}, 'w').write('x')"),
    ("mro_walk", "eval", "[].__class__.__mro__[-1].__subclasses__()"),
    ("object_subclasses", "eval", "object.__subclasses__()"),
    ("mro_base_exception", "exec", "raise Exception.mro()[1]()"),
    ("mro_object", "eval", "int.mro()[-1]"),
    ("format_class", "eval", "'{0.__class__}'.format(1)"),
    ("format_globals", "eval", "'{0.__globals__}'.format(more_than_half)"),
    ("format_map", "eval", "str.format_map('{a.__class__}', {'a': 1})"),
    ("fstring_dunder", "eval", "f'{x.__class__}'"),
    ("fstring_spec_dunder", "eval", "f'{x:{x.__class__}}'"),
    ("open_read", "eval", "open('/etc/passwd').read()"),
    ("open_write", "eval", "open({m}, 'w').write('x')"),
    ("with_open", "exec", "with open({m}, 'w') as f:\n    f.write('x')"),
    ("getattr_dunder", "eval", "getattr(1, '__class__')"),
    ("hasattr", "eval", "hasattr(1, '__class__')"),
    ("eval", "eval", "eval(\"open(\" + repr({m}) + \", 'w')\")"),
    ("exec", "exec", "exec(\"open(\" + repr({m}) + \", 'w')\")"),
    ("compile", "eval", "compile('1', 'x', 'eval')"),
    ("globals", "eval", "globals()['__builtins__']"),
    ("locals", "eval", "locals()"),
    ("vars", "eval", "vars()"),
    ("dir", "eval", "dir()"),
    ("type", "eval", "type(1)"),
    ("type_new_class", "eval", "type('X', (), {})"),
    ("lambda_code", "eval", "(lambda: 0).__code__"),
    ("generator_frame", "eval", "(y for y in []).gi_frame"),
    ("generator_code", "eval", "(y for y in []).gi_code"),
    ("traceback_frame", "exec", "try:\n    1 / 0\nexcept Exception as e:\n    g = e.__traceback__"),
    ("tb_frame_name", "exec", "try:\n    1 / 0\nexcept Exception as e:\n    g = e.tb_frame.f_back.f_globals"),
    ("datetime_subclasses", "eval", "datetime.__subclasses__()"),
    ("date_today_self", "eval", "date.today.__self__"),
    ("function_globals", "eval", "more_than_half.__globals__['__builtins__']"),
    ("setattr", "eval", "setattr(date, 'today', 1)"),
    ("delattr", "eval", "delattr(date, 'today')"),
    ("attribute_assignment", "exec", "more_than_half.x = 1"),
    ("attribute_delete", "exec", "del date.today"),
    ("builtins_name", "eval", "__builtins__['open']({m}, 'w')"),
    ("getattr_guard_direct", "eval", "_getattr_(1, '__class__')"),
    ("write_guard_rebind", "exec", "_write_ = 1"),
    ("private_attribute", "eval", "timedelta._private"),
    ("roles_attribute", "eval", "more_than_half.x__roles__"),
    ("underscore_walrus", "eval", "(_y := 1)"),
    ("underscore_argument", "eval", "(lambda _y: _y)(1)"),
    ("underscore_except_name", "exec", "try:\n    pass\nexcept Exception as _e:\n    pass"),
    ("breakpoint", "eval", "breakpoint()"),
    ("help", "eval", "help()"),
    ("super", "eval", "super()"),
    ("exit", "eval", "exit()"),
    ("print", "exec", "print(x)"),
    ("class", "exec", "class A:\n    pass"),
    ("metaclass", "exec", "class A(metaclass=type):\n    pass"),
    ("nonlocal", "exec", "def f():\n    nonlocal x\n    x = 1"),
    ("async", "exec", "async def f():\n    pass"),
    ("except_star", "exec", "try:\n    pass\nexcept* Exception:\n    pass"),
    ("match", "exec", "match x:\n    case 1:\n        pass"),
    ("augmented_attribute", "exec", "d = {}\nd.x += 1"),
]

# Resource bombs the linter can see; RestrictedPython alone would run them.
BOMBS = [
    ("power_tower", "eval", "10**10**8"),
    ("power_variable_exponent", "eval", "2 ** n"),
    ("power_large_exponent", "eval", "x ** 1000"),
    ("pow_builtin", "eval", "pow(10, 10**8)"),
    ("string_repeat", "eval", "'a'*10**10"),
    ("list_repeat", "eval", "[0] * 10**9"),
    ("chained_repeat", "eval", "'a' * 1000 * 1000 * 1000"),
    ("shift", "eval", "1 << 10**10"),
    ("inplace_power", "exec", "y = 2\ny **= 100"),
    ("inplace_shift", "exec", "y = 1\ny <<= 100"),
]


def _id(case):
    return case[0]


def _source(template: str, marker) -> str:
    return template.replace("{m}", repr(str(marker)))


def _run(env: RestrictedEnvironment, mode: str, source: str, context: dict):
    return env.evaluate(source, context) if mode == "eval" else env.execute(source, context)


@pytest.fixture
def env() -> RestrictedEnvironment:
    return RestrictedEnvironment()


@pytest.fixture
def marker(tmp_path):
    path = tmp_path / "escaped"
    yield path
    assert not path.exists(), "an escape attempt created the marker file"


# ---------------------------------------------------------------------------------------------
# Escapes


@pytest.mark.parametrize("case", ESCAPES + BOMBS, ids=_id)
def test_lint_rejects(case, marker):
    _, mode, template = case
    assert check(_source(template, marker), mode), "check() accepted an escape attempt"


@pytest.mark.parametrize("case", ESCAPES + BOMBS, ids=_id)
def test_runtime_rejects(case, env, marker):
    _, mode, template = case
    context = {"x": 1, "n": 100}
    with pytest.raises(ScriptSecurityError):
        _run(env, mode, _source(template, marker), context)
    assert "__builtins__" not in context and "_getattr_" not in context


@pytest.mark.parametrize("case", ESCAPES, ids=_id)
def test_guards_hold_without_yishi_policy(case, env, marker):
    """Defence in depth: compiled by RestrictedPython's own policy only, the run-time builtins
    and guards still stop every capability escape (or RestrictedPython refuses it first)."""
    _, mode, template = case
    source = _source(template, marker)
    result = (compile_restricted_eval if mode == "eval" else compile_restricted_exec)(source, "<string>")
    if result.errors:
        return  # RestrictedPython's own policy refuses it
    scope = env.scope({"x": 1, "n": 100})
    with pytest.raises(Exception):  # noqa: B017 - NameError, ImportError, TypeError ... all count
        (eval if mode == "eval" else exec)(result.code, scope)


@pytest.mark.parametrize("source", [
    "s = 'a'\nfor i in range(40):\n    s = s * 2",
    "s = 'ab'\ns *= 10**7",
    "s = [0]\nk = 10**7\nt = s * k",
    "b = 10**64\nc = b**64",
    "k = 8192\nb = 3 << k",
    "r = range(10**12)",
    "r = list(range(2 * 10**6))",
], ids=["doubling", "inplace_repeat", "variable_repeat", "power_chain", "variable_shift",
        "huge_range", "range_to_list"])
def test_runtime_size_guards(source, env):
    """Bombs built from variables pass the linter but stop at the first oversized operation."""
    assert check(source, "exec") == []
    with pytest.raises(ScriptSecurityError):
        env.execute(source, {})


@pytest.mark.parametrize("name", ["SystemExit", "KeyboardInterrupt", "BaseException", "GeneratorExit"])
def test_scripts_cannot_stop_the_worker(name, env):
    """SpiffWorkflow only wraps Exception; a BaseException would escape the engine, so none is offered."""
    with pytest.raises(NameError):
        env.execute(f"raise {name}()", {})


def test_builtins_are_a_trimmed_copy():
    for name in ("setattr", "delattr", "__build_class__", "getattr", "type", "eval", "exec",
                 "compile", "open", "globals", "vars", "__import__", "pow", "id", "_getattr_"):
        assert name not in SANDBOX_BUILTINS, name
    assert "setattr" in safe_builtins and "__build_class__" in safe_builtins  # RestrictedPython's untouched
    for name in ("list", "dict", "sorted", "zip", "sum", "len", "range", "isinstance"):
        assert name in SANDBOX_BUILTINS, name


def test_task_data_cannot_replace_guards(env):
    """Form data is untrusted too: a key named like a guard is overridden or refused."""
    assert env.evaluate("(1).real", {"_getattr_": lambda obj, name: "hijacked"}) == 1
    with pytest.raises(ValueError, match="reserved"):
        env.execute("y = 1", {"_getattr_": "hijacked"})


def test_task_data_clashing_with_a_function_is_refused(env):
    with pytest.raises(ValueError, match="overwrites a predefined"):
        env.execute("y = 1", {"now": "yesterday"})


def test_syntax_errors_are_reported_not_raised():
    assert check("a ==== b", "eval")
    assert check("x = (", "exec")
    assert check("a\x00b", "eval")
    assert check("(" * 300 + ")" * 300, "eval")
    assert check("+".join(["1"] * 50_000), "eval")
    assert check(None, "eval")  # type: ignore[arg-type]
    with pytest.raises(ScriptSecurityError):
        compile_expression("a ==== b")
    with pytest.raises(ValueError):
        check("1", "single")


def test_compile_is_cached():
    assert compile_expression("yes * 2 > present") is compile_expression("yes * 2 > present")
    assert compile_script("y = 1") is compile_script("y = 1")


# ---------------------------------------------------------------------------------------------
# What designers write must keep working


@pytest.mark.parametrize(("source", "context", "expected"), [
    ("votes_for * 2 > members_present", {"votes_for": 3, "members_present": 5}, True),
    ("votes_for * 2 > members_present", {"votes_for": 2, "members_present": 5}, False),
    ("decision == 'deliberate'", {"decision": "deliberate"}, True),
    ("len([b for b in ballots if b == 'yes']) * 2 > len(ballots)", {"ballots": ["yes", "no", "yes"]}, True),
    ("{k: v * 2 for k, v in d.items()}", {"d": {"a": 1}}, {"a": 2}),
    ("sorted(set(names))[0]", {"names": ["b", "a", "b"]}, "a"),
    ("f'{title} ({count})'", {"title": "motion", "count": 3}, "motion (3)"),
    ("f'{ratio:.1%}'", {"ratio": 0.5}, "50.0%"),
    ("'-' * width", {"width": 3}, "---"),
    ("2 ** 10 + 2 ** -1", {}, 1024.5),
    ("max(scores, key=lambda s: s['v'])['n']", {"scores": [{"n": "a", "v": 1}, {"n": "b", "v": 2}]}, "b"),
    ("title.upper()", {"title": "ok"}, "OK"),
    ("date(2026, 9, 20) + timedelta(days=20) == date.fromisoformat('2026-10-10')", {}, True),
    ("[i for i in range(3)]", {}, [0, 1, 2]),
    ("dict(zip(keys, values))", {"keys": ["a"], "values": [1]}, {"a": 1}),
])
def test_expressions_that_work(source, context, expected, env):
    assert check(source, "eval") == []
    assert env.evaluate(source, context) == expected


def test_rule_functions_are_offered_by_name(env):
    context = {"yes": 30, "present": 50, "eligible": 80}
    assert env.evaluate("more_than_half(yes, present)", context) == rules.more_than_half(30, 50)
    assert env.evaluate("assembly_passed(yes, present, eligible, 'jmh_art9')", context) == \
        rules.assembly_passed(30, 50, 80, "jmh_art9")
    for name in ("more_than_half", "assembly_quorum_met", "congress_passed", "evaluation_satisfied",
                 "at_most_fraction"):
        assert DOMAIN_FUNCTIONS[name] is getattr(rules, name)


def test_scripts_mutate_and_unpack(env):
    context = {"d": {}, "l": [1], "total": 1, "note": "a"}
    script = "\n".join([
        "d['a'] = 1",
        "l.append(2)",
        "total += 2",
        "total -= 1",
        "total *= 3",
        "note += 'b'",
        "a, (b, c) = 1, (2, 3)",
        "first, *rest = [1, 2, 3]",
        "pairs = [k + str(v) for k, v in d.items()]",
        "for k, v in d.items():",
        "    last = k",
        "squares = {i: i * i for i in range(3)}",
        "def double(v):",
        "    return v * 2",
        "doubled = double(21)",
        "label = f'{note}-{total}'",
        "try:",
        "    1 / 0",
        "except ZeroDivisionError:",
        "    caught = True",
    ])
    assert check(script, "exec") == []
    env.execute(script, context)
    assert context["d"] == {"a": 1} and context["l"] == [1, 2]
    assert context["total"] == 6 and context["note"] == "ab" and context["label"] == "ab-6"
    assert [context[k] for k in ("a", "b", "c", "first", "rest")] == [1, 2, 3, 1, [2, 3]]
    assert context["pairs"] == ["a1"] and context["last"] == "a" and context["squares"] == {0: 0, 1: 1, 2: 4}
    assert context["doubled"] == 42 and context["caught"] is True
    assert "double" not in context, "callables are dropped from task data (SpiffWorkflow's rule)"
    assert not any(name.startswith("_") for name in context), "no guard may leak into task data"


def test_missing_attribute_raises_rather_than_returning_none(env):
    """A typo must fail loudly: a silent None would send a gateway down the wrong flow."""
    with pytest.raises(AttributeError):
        env.evaluate("title.uper()", {"title": "x"})


def test_period_end_is_an_iso_timer_date(env):
    value = env.evaluate("period_end('2026-09-20', 20)", {})
    assert isinstance(value, str)
    assert value == periods.period_end("2026-09-20", 20).isoformat()
    parsed = TimerEventDefinition.parse_time_or_duration(value)
    assert parsed == periods.period_end("2026-09-20", 20)


def test_deadline_helpers_return_json_values(env):
    start = "2026-09-20"
    deadline = periods.period_end(start, 20).isoformat()
    working_end = env.evaluate(f"working_period_end('{start}', 5)", {})
    day_end = env.evaluate(f"end_of_day('{start}')", {})
    assert working_end == periods.working_period_end(start, 5).isoformat()
    assert day_end == periods.end_of_day(start).isoformat()
    assert env.evaluate(f"add_months('{start}', 3)", {}) == periods.add_months(start, 3).isoformat()
    assert env.evaluate(f"is_working_day('{start}')", {}) == periods.is_working_day(start)
    assert env.evaluate(f"calendar_covers('{start}')", {}) == periods.calendar_covers(start)
    assert env.evaluate("is_timely(at, deadline)", {"at": start, "deadline": deadline}) == \
        periods.is_timely(start, deadline)
    for value in (working_end, day_end):
        assert isinstance(TimerEventDefinition.parse_time_or_duration(value), dt.datetime)


def test_now_follows_the_engine_clock(env):
    clock.clock.set(dt.datetime(2026, 5, 1, 16, 30, tzinfo=UTC))
    assert env.evaluate("now()", {}) == "2026-05-02T00:30:00+08:00"
    assert env.evaluate("today()", {}) == "2026-05-02"
    clock.clock.advance(dt.timedelta(days=1))
    assert env.evaluate("today()", {}) == "2026-05-03"
    with clock.at(dt.datetime(2026, 1, 1, tzinfo=UTC)):
        assert env.evaluate("now()", {}) == "2026-01-01T08:00:00+08:00"


# ---------------------------------------------------------------------------------------------
# End to end through SpiffWorkflow

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs"
                  targetNamespace="http://yishi.example/sandbox">
  <bpmn:process id="sandbox" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="tally"/>
    <bpmn:scriptTask id="tally" name="Tally">
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f_tally" sourceRef="tally" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="f_failed"/>
    <bpmn:sequenceFlow id="f_passed" sourceRef="gw" targetRef="end_passed">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_failed" sourceRef="gw" targetRef="end_failed"/>
    <bpmn:endEvent id="end_passed"/>
    <bpmn:endEvent id="end_failed"/>
  </bpmn:process>
</bpmn:definitions>
"""

TIMER_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs"
                  targetNamespace="http://yishi.example/sandbox">
  <bpmn:process id="sandbox" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="Objection period">
      <bpmn:timerEventDefinition id="t">
        <bpmn:timeDate>period_end(opened, 20)</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f_wait" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def _workflow(xml: str, data: dict | None = None) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml.encode(), filename="sandbox.bpmn")
    workflow = BpmnWorkflow(parser.get_spec("sandbox"), parser.get_subprocess_specs("sandbox"),
                            script_engine=make_script_engine())
    if data:
        workflow.get_tasks(state=TaskState.READY)[0].data.update(data)
    return workflow


def _completed(workflow: BpmnWorkflow) -> set[str]:
    return {t.task_spec.bpmn_id for t in workflow.tasks.values() if t.state == TaskState.COMPLETED}


def _task(workflow: BpmnWorkflow, bpmn_id: str):
    (task,) = [t for t in workflow.tasks.values() if t.task_spec.bpmn_id == bpmn_id]
    return task


@pytest.mark.parametrize(("script", "end"), [("x = more_than_half(3, 5)", "end_passed"),
                                             ("x = more_than_half(2, 5)", "end_failed")])
def test_gateway_follows_the_rule(script, end):
    workflow = _workflow(BPMN.format(script=escape(script), condition="x"))
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert end in _completed(workflow)
    assert ({"end_passed", "end_failed"} - {end}).isdisjoint(_completed(workflow))


def test_escaping_condition_fails_the_gateway(tmp_path):
    condition = "().__class__.__base__.__subclasses__()"
    workflow = _workflow(BPMN.format(script="x = more_than_half(3, 5)", condition=escape(condition)))
    with pytest.raises(WorkflowTaskException) as raised:
        workflow.do_engine_steps()
    assert raised.value.error_type == "ScriptSecurityError"
    assert _task(workflow, "gw").state == TaskState.ERROR
    assert not workflow.is_completed()


def test_importing_script_fails_the_script_task(tmp_path):
    marker = tmp_path / "escaped"
    script = f"import os\nos.system('touch {marker}')"
    workflow = _workflow(BPMN.format(script=escape(script), condition="x"))
    with pytest.raises(WorkflowTaskException):
        workflow.do_engine_steps()
    assert _task(workflow, "tally").state == TaskState.ERROR
    assert not marker.exists()


def test_timer_date_from_a_deadline_helper():
    workflow = _workflow(TIMER_BPMN, {"opened": "2026-03-02"})
    workflow.do_engine_steps()
    due = periods.period_end("2026-03-02", 20)
    (event,) = workflow.waiting_events()
    assert TimerEventDefinition.get_datetime(event.value) == due
    clock.clock.set(due + dt.timedelta(seconds=1))
    workflow.refresh_timers()
    workflow.do_engine_steps()
    assert workflow.is_completed()
