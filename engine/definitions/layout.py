"""Automatic BPMN diagram layout (BPMNDI), so hand-written or generated BPMN opens in bpmn.io.

Left to right by longest path from the start events (loops drawn back underneath), one
horizontal band per lane, stacked; nodes of the same lane and column get their own row, so
shapes never overlap. Boundary events sit on their host's lower edge. Every process with
lanes gets a participant in a collaboration (bpmn-js draws lanes only inside a pool).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass

from lxml import etree

from engine.definitions.bpmn import BPMN_NS, BPMNDI_NS, local, xpath
from engine.domain.texts import Text
from engine.errors import LayoutError

DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"

SIZES = {"event": (36, 36), "gateway": (50, 50), "activity": (110, 80)}
COL_W, ROW_H, LANE_HEADER, POOL_HEADER, MARGIN = 170, 120, 30, 30, 40
FLOW_NODES = {
    "startEvent": "event", "endEvent": "event", "intermediateCatchEvent": "event",
    "intermediateThrowEvent": "event", "exclusiveGateway": "gateway", "inclusiveGateway": "gateway",
    "parallelGateway": "gateway", "eventBasedGateway": "gateway", "complexGateway": "gateway",
    "task": "activity", "userTask": "activity", "scriptTask": "activity", "serviceTask": "activity",
    "manualTask": "activity", "sendTask": "activity", "receiveTask": "activity",
    "businessRuleTask": "activity", "callActivity": "activity", "subProcess": "activity",
}




@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def mid_y(self) -> float:
        return self.y + self.h / 2

    @property
    def mid_x(self) -> float:
        return self.x + self.w / 2


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _columns(nodes: list[str], edges: list[tuple[str, str]], starts: list[str]) -> dict[str, int]:
    """Longest-path layering over the graph without its back edges (found by DFS from the starts)."""
    successors = defaultdict(list)
    for source, target in edges:
        successors[source].append(target)
    back, state = set(), {}

    def visit(node: str) -> None:
        stack = [(node, iter(successors[node]))]
        state[node] = 1
        while stack:
            current, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[current] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.add((current, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(successors[child])))

    for start in [*starts, *nodes]:
        if start not in state:
            visit(start)
    forward = [(s, t) for s, t in edges if (s, t) not in back]
    indegree = {n: 0 for n in nodes}
    for _, target in forward:
        indegree[target] += 1
    column = {n: 0 for n in nodes}
    queue = deque(n for n in nodes if indegree[n] == 0)
    while queue:
        node = queue.popleft()
        for source, target in forward:
            if source == node:
                column[target] = max(column[target], column[node] + 1)
                indegree[target] -= 1
                if indegree[target] == 0:
                    queue.append(target)
    return column


def layout(tree: etree._ElementTree) -> etree._ElementTree:
    """Replace the document's BPMNDI with a fresh layout; returns the same tree."""
    root = tree.getroot()
    for diagram in xpath(root, "./bpmndi:BPMNDiagram"):
        root.remove(diagram)
    collaboration = _ensure_collaboration(root)
    diagram = etree.SubElement(root, _q(BPMNDI_NS, "BPMNDiagram"), id="diagram")
    plane = etree.SubElement(diagram, _q(BPMNDI_NS, "BPMNPlane"), id="diagram_plane",
                             bpmnElement=collaboration.get("id"))
    top = MARGIN
    for participant in xpath(collaboration, "./bpmn:participant"):
        process = next(iter(xpath(root, f"./bpmn:process[@id='{participant.get('processRef')}']")), None)
        if process is None:
            raise LayoutError(Text("泳池 {id} 引用的流程不存在", "participant {id} refers to a missing process",
                                   id=participant.get("id")))
        top = _layout_process(process, participant, plane, top) + MARGIN
    return tree


def _ensure_collaboration(root: etree._Element) -> etree._Element:
    collaborations = xpath(root, "./bpmn:collaboration")
    if collaborations:
        collaboration = collaborations[0]
    else:
        collaboration = etree.Element(_q(BPMN_NS, "collaboration"), id=f"{root.get('id', 'definitions')}_collaboration")
        root.insert(0, collaboration)
    referenced = {p.get("processRef") for p in xpath(collaboration, "./bpmn:participant")}
    for process in xpath(root, "./bpmn:process"):
        if process.get("id") not in referenced:
            etree.SubElement(collaboration, _q(BPMN_NS, "participant"), id=f"{process.get('id')}_pool",
                             name=process.get("name") or process.get("id"), processRef=process.get("id"))
    return collaboration


def _layout_process(process, participant, plane, top: float) -> float:
    nodes = {n.get("id"): n for n in process if isinstance(n.tag, str) and local(n) in FLOW_NODES}
    for node in nodes.values():
        if local(node) == "subProcess" and any(local(c) in FLOW_NODES for c in node if isinstance(c.tag, str)):
            raise LayoutError(Text("{id}：内嵌子流程无法自动排版，请改用调用活动（call activity）",
                                   "{id}: embedded subprocesses are not laid out; use a call activity",
                                   id=node.get("id")))
    boundaries = {b.get("id"): b for b in xpath(process, "./bpmn:boundaryEvent")}
    flows = xpath(process, "./bpmn:sequenceFlow")
    host_of = {bid: b.get("attachedToRef") for bid, b in boundaries.items()}
    edges = []
    for flow in flows:
        source, target = host_of.get(flow.get("sourceRef"), flow.get("sourceRef")), flow.get("targetRef")
        if source in nodes and target in nodes:
            edges.append((source, target))
    starts = [nid for nid, n in nodes.items() if local(n) == "startEvent"]
    column = _columns(list(nodes), edges, starts)

    lanes = xpath(process, "./bpmn:laneSet/bpmn:lane")
    lane_of = {}
    for lane in lanes:
        for ref in xpath(lane, "./bpmn:flowNodeRef"):
            lane_of[(ref.text or "").strip()] = lane.get("id")
    lane_ids = [lane.get("id") for lane in lanes] or [None]
    rows: dict[tuple, int] = defaultdict(int)
    row_of = {}
    for nid in sorted(nodes, key=lambda n: (column[n], list(nodes).index(n))):
        key = (lane_of.get(nid, lane_ids[0]), column[nid])
        row_of[nid] = rows[key]
        rows[key] += 1
    lane_rows = {lid: max([r for (l2, _), r in rows.items() if l2 == lid] or [1]) for lid in lane_ids}

    left = MARGIN + POOL_HEADER + (LANE_HEADER if lanes else 0)
    width = (max(column.values(), default=0) + 1) * COL_W + 40
    lane_top, y = {}, top
    for lid in lane_ids:
        lane_top[lid] = y
        y += lane_rows[lid] * ROW_H
    height = y - top
    _shape(plane, participant.get("id"), Box(MARGIN, top, width + POOL_HEADER + (LANE_HEADER if lanes else 0),
                                             height), horizontal=True)
    for lane in lanes:
        lid = lane.get("id")
        _shape(plane, lid, Box(MARGIN + POOL_HEADER, lane_top[lid], width + LANE_HEADER, lane_rows[lid] * ROW_H),
               horizontal=True)

    boxes: dict[str, Box] = {}
    for nid, node in nodes.items():
        w, h = SIZES[FLOW_NODES[local(node)]]
        cell_x = left + column[nid] * COL_W
        cell_y = lane_top[lane_of.get(nid, lane_ids[0])] + row_of[nid] * ROW_H
        boxes[nid] = Box(cell_x + (COL_W - w) / 2 - 20, cell_y + (ROW_H - h) / 2, w, h)
        _shape(plane, nid, boxes[nid], gateway=FLOW_NODES[local(node)] == "gateway",
               expanded=False if local(node) == "subProcess" else None)
    per_host: dict[str, int] = defaultdict(int)
    for bid, boundary in boundaries.items():
        host = boxes.get(boundary.get("attachedToRef"))
        if host is None:
            raise LayoutError(Text("{id}：边界事件附着的 {ref} 不是本流程中的节点",
                                   "{id}: attachedToRef {ref} is not a flow node here",
                                   id=bid, ref=boundary.get("attachedToRef")))
        index = per_host[boundary.get("attachedToRef")]
        per_host[boundary.get("attachedToRef")] += 1
        boxes[bid] = Box(host.right - 46 - index * 42, host.bottom - 18, 36, 36)
        _shape(plane, bid, boxes[bid])

    for flow in flows:
        source, target = boxes.get(flow.get("sourceRef")), boxes.get(flow.get("targetRef"))
        if source is None or target is None:
            raise LayoutError(Text("{id}：连线的起点或终点不是流程 {process} 中的节点",
                                   "{id}: source or target is not a flow node of {process}",
                                   id=flow.get("id"), process=process.get("id")))
        _edge(plane, flow.get("id"), _route(source, target, flow.get("sourceRef") in boundaries))
    return top + height


def _route(source: Box, target: Box, from_boundary: bool) -> list[tuple[float, float]]:
    if from_boundary:
        start = (source.mid_x, source.bottom)
        return [start, (start[0], target.mid_y), (target.x, target.mid_y)] if target.x > start[0] else \
            [start, (start[0], target.bottom + 20), (target.mid_x, target.bottom + 20), (target.mid_x, target.bottom)]
    if target.x > source.right:
        start, end = (source.right, source.mid_y), (target.x, target.mid_y)
        if abs(start[1] - end[1]) < 1:
            return [start, end]
        bend = target.x - 25
        return [start, (bend, start[1]), (bend, end[1]), end]
    low = max(source.bottom, target.bottom) + 25  # a loop back: under both shapes
    return [(source.mid_x, source.bottom), (source.mid_x, low), (target.mid_x, low), (target.mid_x, target.bottom)]


def _shape(plane, element_id: str, box: Box, *, horizontal: bool = False, gateway: bool = False,
           expanded: bool | None = None) -> None:
    shape = etree.SubElement(plane, _q(BPMNDI_NS, "BPMNShape"), id=f"{element_id}_di", bpmnElement=element_id)
    if horizontal:
        shape.set("isHorizontal", "true")
    if gateway:
        shape.set("isMarkerVisible", "true")
    if expanded is not None:
        shape.set("isExpanded", "true" if expanded else "false")
    etree.SubElement(shape, _q(DC_NS, "Bounds"), x=_n(box.x), y=_n(box.y), width=_n(box.w), height=_n(box.h))


def _edge(plane, element_id: str, points: list[tuple[float, float]]) -> None:
    edge = etree.SubElement(plane, _q(BPMNDI_NS, "BPMNEdge"), id=f"{element_id}_di", bpmnElement=element_id)
    for x, y in points:
        etree.SubElement(edge, _q(DI_NS, "waypoint"), x=_n(x), y=_n(y))


def _n(value: float) -> str:
    return str(int(round(value)))


def layout_bytes(data: bytes) -> bytes:
    """Lay out a BPMN document given as bytes; the result is indented and has an XML declaration."""
    from engine.definitions.xmlsafe import parse_bpmn

    tree = layout(parse_bpmn(data))
    root = tree.getroot()
    nsmap = {**root.nsmap}
    wanted = {"bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS}
    if any(nsmap.get(prefix) != uri for prefix, uri in wanted.items()):
        clean = etree.Element(root.tag, nsmap={**nsmap, **wanted}, attrib=dict(root.attrib))
        clean.text = root.text
        clean.extend(list(root))
        root = clean
        tree = etree.ElementTree(root)
    etree.cleanup_namespaces(root, top_nsmap=wanted)
    for element in root.iter():
        if isinstance(element.tag, str) and len(element) and (element.text is None or not element.text.strip()):
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    etree.indent(tree, space="  ")
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def missing_diagram_elements(data: bytes) -> list[str]:
    """Ids of flow nodes, boundary events, lanes and sequence flows that have no BPMNShape/BPMNEdge."""
    from engine.definitions.xmlsafe import parse_bpmn

    root = parse_bpmn(data).getroot()
    drawn = {e.get("bpmnElement") for e in xpath(root, "//bpmndi:BPMNShape | //bpmndi:BPMNEdge")}
    wanted = [e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")
              and (local(e) in FLOW_NODES or local(e) in ("boundaryEvent", "sequenceFlow", "lane"))
              and e.tag.startswith(f"{{{BPMN_NS}}}")]
    return [element_id for element_id in wanted if element_id not in drawn]
