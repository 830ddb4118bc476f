"""The shipped diagrams are readable: no line through a shape it does not connect, no label over another label or
a shape, every flow node's incoming/outgoing written, the method's steps drawn as groups (`yishi layout`)."""

from __future__ import annotations

import pytest

from engine.definitions.bpmn import xpath
from engine.definitions.layout import layout_bytes
from engine.definitions.layout_quality import measure
from engine.definitions.xmlsafe import parse_bpmn
from tests.support.scenario import PROCESSES

FILES = sorted(PROCESSES.glob("*.bpmn"))
METHODS = {"five_step": 9, "three_stage_six_step": 3, "building_collective_bargaining": 7}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_crossings_and_no_label_overlaps(path):
    quality = measure(path.read_bytes())
    assert quality.crossings == [], f"{path.name}: lines through shapes {quality.crossings}"
    assert quality.label_overlaps == [], f"{path.name}: overlapping labels {quality.label_overlaps}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_flow_nodes_name_their_flows(path):
    root = parse_bpmn(path.read_bytes()).getroot()
    for flow in xpath(root, "//bpmn:sequenceFlow"):
        source = xpath(root, f"//*[@id='{flow.get('sourceRef')}']")[0]
        target = xpath(root, f"//*[@id='{flow.get('targetRef')}']")[0]
        assert flow.get("id") in [e.text for e in xpath(source, "./bpmn:outgoing")], flow.get("id")
        assert flow.get("id") in [e.text for e in xpath(target, "./bpmn:incoming")], flow.get("id")


@pytest.mark.parametrize(("key", "count"), sorted(METHODS.items()))
def test_the_steps_of_a_method_are_groups_left_to_right(key, count):
    root = parse_bpmn((PROCESSES / f"{key}.bpmn").read_bytes()).getroot()
    groups = xpath(root, "//bpmn:group")
    assert len(groups) == count
    lefts = []
    for group in groups:
        bounds = xpath(root, f"//bpmndi:BPMNShape[@bpmnElement='{group.get('id')}']/*[local-name()='Bounds']")[0]
        lefts.append((float(bounds.get("x")), float(bounds.get("x")) + float(bounds.get("width"))))
    ordered = sorted(lefts)
    assert all(a[1] <= b[0] for a, b in zip(ordered, ordered[1:], strict=False)), "groups overlap"


def test_layout_is_what_is_shipped_and_idempotent():
    """Running `yishi layout` again changes nothing, so the files on disk are its output."""
    for path in FILES:
        data = path.read_bytes()
        assert layout_bytes(data) == data, f"{path.name}: run yishi layout {path}"
