"""The diagram generator: every element drawn, nothing overlapping, still valid BPMN."""

from __future__ import annotations

import itertools

from lxml import etree

from engine.definitions.bpmn import xpath
from engine.definitions.layout import layout_bytes, missing_diagram_elements
from engine.definitions.lint import lint
from engine.definitions.xmlsafe import parse_bpmn
from tests.support.demo_case import DEMO, FIXTURES


def shapes(data: bytes) -> dict[str, tuple[float, float, float, float]]:
    root = parse_bpmn(data).getroot()
    result = {}
    for shape in xpath(root, "//bpmndi:BPMNShape"):
        bounds = shape[0]
        result[shape.get("bpmnElement")] = tuple(float(bounds.get(k)) for k in ("x", "y", "width", "height"))
    return result


def test_demo_without_diagram_is_reported_then_fully_drawn():
    raw = DEMO.read_bytes()
    assert "propose" in missing_diagram_elements(raw)
    laid = layout_bytes(raw)
    assert missing_diagram_elements(laid) == []
    assert layout_bytes(laid) == laid  # deterministic and idempotent


def test_no_two_flow_nodes_overlap():
    laid = layout_bytes(DEMO.read_bytes())
    root = parse_bpmn(laid).getroot()
    nodes = {e.get("id") for e in root.iter() if isinstance(e.tag, str)
             and etree.QName(e).localname in ("userTask", "scriptTask", "startEvent", "endEvent", "exclusiveGateway")}
    boxes = {k: v for k, v in shapes(laid).items() if k in nodes}
    assert len(boxes) == len(nodes)
    for (a, (ax, ay, aw, ah)), (b, (bx, by, bw, bh)) in itertools.combinations(boxes.items(), 2):
        assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, f"{a} overlaps {b}"


def test_each_node_sits_inside_its_lane():
    laid = layout_bytes(DEMO.read_bytes())
    root = parse_bpmn(laid).getroot()
    boxes = shapes(laid)
    for lane in xpath(root, "//bpmn:lane"):
        lx, ly, lw, lh = boxes[lane.get("id")]
        for ref in xpath(lane, "./bpmn:flowNodeRef"):
            x, y, w, h = boxes[ref.text]
            assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh, ref.text


def test_laid_out_document_still_lints_clean():
    from engine.definitions.compiler import load_bundle

    laid = layout_bytes(DEMO.read_bytes())
    assert lint({"demo.bpmn": laid}, load_bundle([DEMO]).forms).problems == []
    assert lint({"faulty.bpmn": layout_bytes((FIXTURES / "faulty" / "faulty.bpmn").read_bytes())},
                load_bundle([FIXTURES / "faulty" / "faulty.bpmn"]).forms).problems == []


def test_lanes_show_the_role_name_and_the_engine_still_reads_the_code():
    from engine.definitions.bpmn import lane_role
    from engine.definitions.parser import YishiBpmnParser

    laid = layout_bytes(DEMO.read_bytes())
    root = parse_bpmn(laid).getroot()
    lanes = {lane_role(lane): lane.get("name") for lane in xpath(root, "//bpmn:lane")}
    assert lanes["grid_steward"] == "网格管家 Grid steward"
    parser = YishiBpmnParser()
    parser.add_bpmn_xml(parse_bpmn(laid), filename="demo.bpmn")
    spec = parser.get_spec("demo_petition")
    user_tasks = [s for s in spec.task_specs.values() if type(s).__name__ == "UserTask"]
    assert user_tasks and {s.lane for s in user_tasks} <= set(lanes)
