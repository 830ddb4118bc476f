"""The designers' scenario files (``processes/<key>.scenarios.yaml``, run by ``engine/scenarios.py``): every shipped
method has one and every scenario in it passes; the runner reports a wrong expectation, a refused step and a bad
file in words, and a run touches neither real cases nor the clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.definitions.compiler import compile_bundle, load_bundle
from engine.domain import clock
from engine.domain.actors import Actor
from engine.errors import Forbidden, InvalidDefinition, InvalidInput
from engine.service import Yishi
from engine.store.db import upgrade
from tests.support.demo_case import DEMO

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
DESIGNER = Actor("dora", is_designer=True)
METHODS = sorted(d.key for d in compile_bundle(load_bundle([PROCESSES]))[0] if d.start_roles)
FILES = sorted(PROCESSES.glob("*.scenarios.yaml"))


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """One engine on SQLite: the runner makes its own throwaway database per run, so the backend does not matter."""
    url = f"sqlite:///{tmp_path_factory.mktemp('scenarios') / 'yishi.db'}"
    upgrade(url)
    yishi = Yishi(url)
    yield yishi
    yishi.db.dispose()


def render(results: list[dict]) -> str:
    lines = []
    for r in results:
        lines.append(f"{'PASS' if r['passed'] else 'FAIL'} {r['name']}")
        lines += [f"  step {f['step']} {f['element_id'] or ''}: {f['message'].render('en')}" for f in r["failures"]]
    return "\n".join(lines)


def test_every_shipped_method_has_scenarios():
    assert METHODS == ["building_collective_bargaining", "five_step", "three_stage_six_step"]
    assert [f.name.removesuffix(".scenarios.yaml") for f in FILES] == METHODS


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_scenario_of_a_shipped_method_passes(service, path):
    results = service.run_scenarios(path.read_text(encoding="utf-8"), DESIGNER, load_bundle([PROCESSES]))
    assert len(results) >= 2
    assert all(r["passed"] for r in results), render(results)
    assert all(r["path"] for r in results)  # each ran steps, and the path is what the studio draws


DEMO_SCENARIOS = """
process: demo_petition
unit: 金江路社区
scenarios:
  - name: adopted
    start: {by: proposer, data: {title: 充电桩}}
    steps:
      - do: propose
        by: proposer
        data: {description: 在3号院增设电动自行车集中充电桩，解决飞线充电隐患。, households: 86}
      - do: review
        by: grid_steward
        data: {decision: deliberate}
      - do: vote
        by: assembly
        data: {eligible: 41, present: 30, yes: 22, no: 5, abstain: 3}
    expect:
      end: %(end)s
      path: [propose, review, vote]
      figures: {passed: true}
"""


def test_a_wrong_expectation_fails_in_words(service):
    results = service.run_scenarios(DEMO_SCENARIOS % {"end": "end_not_adopted"}, DESIGNER, load_bundle([DEMO]))
    assert [r["passed"] for r in results] == [False]
    failure = results[0]["failures"][0]
    assert failure["step"] is None
    assert failure["message"].render("en") == "end event should be end_not_adopted, is end_adopted"
    assert "结束事件应为 end_not_adopted，实为 end_adopted" in failure["message"].render("zh-CN")
    assert results[0]["path"] == ["propose", "review", "vote"] and results[0]["status"] == "completed"

    passing = service.run_scenarios(DEMO_SCENARIOS % {"end": "end_adopted"}, DESIGNER, load_bundle([DEMO]))
    assert passing[0]["passed"], render(passing)


def test_a_step_by_the_wrong_role_fails_at_that_step(service):
    text = (DEMO_SCENARIOS % {"end": "end_adopted"}).replace("by: grid_steward", "by: assembly")
    failure = service.run_scenarios(text, DESIGNER, load_bundle([DEMO]))[0]["failures"][0]
    assert (failure["step"], failure["element_id"]) == (2, "review")
    assert "grid_steward" in failure["message"].render("en")


def test_a_task_that_is_not_open_is_named_with_what_is_open(service):
    text = (DEMO_SCENARIOS % {"end": "end_adopted"}).replace("do: review", "do: vote", 1)
    failure = service.run_scenarios(text, DESIGNER, load_bundle([DEMO]))[0]["failures"][0]
    assert failure["step"] == 2
    assert failure["message"].render("en").startswith("vote is not open (status waiting_for_people; open: review")


@pytest.mark.parametrize("text, words", [
    ("- 1", "expected a mapping"),
    ("process: demo_petition\nunit: u\nscenarios: []", "non-empty list"),
    ("process: demo_petition\nunit: u\nscenarios:\n  - name: a\n    steps: [{do: x}]", "by (the role that acts)"),
    ("process: demo_petition\nunit: u\nscenarios:\n  - name: a\n    steps: [{jump: x}]", "exactly one of"),
    ("process: demo_petition\nunit: u\nscenarios:\n  - {name: a}\n  - {name: a}", "used twice"),
    ("process: [", "not readable YAML"),
])
def test_a_bad_file_is_refused_in_words(service, text, words):
    with pytest.raises(InvalidInput) as info:
        service.run_scenarios(text, DESIGNER, load_bundle([DEMO]))
    assert words in info.value.text.render("en")


def test_a_run_leaves_real_cases_and_the_clock_alone(service):
    before = clock.clock.now()
    service.run_scenarios(DEMO_SCENARIOS % {"end": "end_adopted"}, DESIGNER, load_bundle([DEMO]))
    assert clock.clock.now() == before  # the conftest froze it; the run pinned its own instants
    assert service.cases() == [] and service.definitions() == []


def test_only_designers_run_scenarios_and_a_broken_draft_is_a_lint_report(service):
    with pytest.raises(Forbidden):
        service.run_scenarios(DEMO_SCENARIOS % {"end": "end_adopted"}, Actor("pan"), load_bundle([DEMO]))
    bundle = load_bundle([DEMO])
    bundle.bpmn["demo.bpmn"] = bundle.bpmn["demo.bpmn"].replace(b"decision == 'deliberate'", b"decision ==")
    with pytest.raises(InvalidDefinition):
        service.run_scenarios(DEMO_SCENARIOS % {"end": "end_adopted"}, DESIGNER, bundle)


def test_the_newest_deployed_version_is_run_when_no_draft_is_given(service):
    service.deploy(load_bundle([DEMO]), DESIGNER)
    assert service.run_scenarios(DEMO_SCENARIOS % {"end": "end_adopted"}, DESIGNER)[0]["passed"]
