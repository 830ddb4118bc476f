"""The shipped processes as files: they lint clean, every element is drawn, names are bilingual,
each step cites its source, and lanes are DOMAIN.md role codes (the forms: test_form_conventions.py)."""

from __future__ import annotations

import re

import pytest

from engine.definitions.bpmn import local, properties, xpath
from engine.definitions.compiler import load_bundle
from engine.definitions.layout import missing_diagram_elements, role_display_name
from engine.definitions.lint import lint
from engine.definitions.xmlsafe import parse_bpmn
from tests.support.scenario import PROCESSES

FILES = sorted(PROCESSES.glob("*.bpmn"))
ROLES = {"proposer", "grid_steward", "deliberation_committee", "review_panel", "party_org", "assembly",
         "two_committees", "supervision_committee", "street_office", "residents", "union_fed", "employer_side",
         "recorder", "congress", "upper_union", "labour_admin", "arbitration"}
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
STEPS = ("userTask", "scriptTask", "callActivity", "exclusiveGateway", "inclusiveGateway", "parallelGateway",
         "intermediateCatchEvent", "boundaryEvent", "eventBasedGateway")


def test_the_methods_and_shared_activities_are_all_there():
    names = {f.stem for f in FILES}
    assert {"five_step", "three_stage_six_step", "assembly_vote", "publication", "classified_implementation",
            "residents_evaluation", "archive_case"} <= names


def test_all_processes_lint_clean_together():
    bundle = load_bundle([PROCESSES])
    assert lint(bundle.bpmn, bundle.forms).problems == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_flow_node_and_sequence_flow_has_a_diagram_element(path):
    assert missing_diagram_elements(path.read_bytes()) == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_names_are_bilingual_and_steps_cite_a_source(path):
    root = parse_bpmn(path.read_bytes()).getroot()
    for element in root.iter():
        if not isinstance(element.tag, str) or local(element) not in STEPS:
            continue
        name = element.get("name") or ""
        if local(element) in ("userTask", "callActivity", "scriptTask"):
            assert CJK.search(name) and LATIN.search(name), f"{path.name} {element.get('id')}: name '{name}'"
            docs = "".join(d.text or "" for d in xpath(element, "./bpmn:documentation"))
            assert docs.strip(), f"{path.name} {element.get('id')}: no documentation"
            if local(element) == "userTask":  # a step people perform cites its rule, or says it is assumed
                assert re.search(r"\[S\d+|ASSUMPTION|DOMAIN\.md", docs), f"{path.name} {element.get('id')}: no source"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_lanes_are_role_codes_shown_by_their_bilingual_names(path):
    root = parse_bpmn(path.read_bytes()).getroot()
    lanes = xpath(root, "//bpmn:lane")
    roles = {properties(lane).get("role") for lane in lanes}
    assert lanes and roles <= ROLES, roles - ROLES
    for lane in lanes:
        assert lane.get("name") == role_display_name(properties(lane)["role"]), lane.get("id")
        assert CJK.search(lane.get("name")) and LATIN.search(lane.get("name")), lane.get("name")
