"""Automatic BPMN diagram layout (BPMNDI), so hand-written or generated BPMN opens readably in bpmn.io, Camunda
Modeler and the studio.

Left to right by longest path from the start events; a method's steps or stages (a ``bpmn:category`` whose values
its entry elements reference with ``bpmn:categoryValueRef``) take consecutive columns and are drawn as BPMN groups.
One horizontal band per lane, its rows sized to their shapes and the lane tall enough for its bilingual role name;
shapes sized to their names; flows routed around shapes (`layout_route`); labels put where they hit nothing
(`layout_quality` estimates text as bpmn-js draws it). Boundary events sit on their host's lower edge. The lanes
get their visible name from the role registry and keep the role code as the ``role`` property; every flow node
gets its ``incoming``/``outgoing`` references. Every process with lanes gets a participant in a collaboration
(bpmn-js draws lanes only inside a pool).
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from dataclasses import dataclass

from lxml import etree

from engine.definitions.bpmn import BPMN_NS, BPMNDI_NS, SPIFF_NS, lane_role, local, xpath
from engine.definitions.layout_quality import (
    EXTERNAL_FONT,
    LINE,
    TASK_FONT,
    Rect,
    external_label,
    text_width,
    wrap,
)
from engine.definitions.layout_route import DOWN, PORT_SIDE, RIGHT, UP, Port, Router
from engine.domain.roles import ROLES
from engine.domain.texts import Text
from engine.errors import LayoutError

DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"

EVENT, GATEWAY = (36, 36), (50, 50)
TASK_W, TASK_MIN_H = 120, 80
GAP, ROW_PAD, LANE_HEADER, POOL_HEADER, MARGIN, GROUP_PAD = 54, 56, 30, 30, 40, 10
LABEL_GAP = 4
FLOW_NODES = {
    "startEvent": "event", "endEvent": "event", "intermediateCatchEvent": "event",
    "intermediateThrowEvent": "event", "exclusiveGateway": "gateway", "inclusiveGateway": "gateway",
    "parallelGateway": "gateway", "eventBasedGateway": "gateway", "complexGateway": "gateway",
    "task": "activity", "userTask": "activity", "scriptTask": "activity", "serviceTask": "activity",
    "manualTask": "activity", "sendTask": "activity", "receiveTask": "activity",
    "businessRuleTask": "activity", "callActivity": "activity", "subProcess": "activity",
}
# where incoming/outgoing go in a flow node: after these children (BPMN 2.0 XSD order)
_BEFORE_REFS = {"documentation", "extensionElements", "auditing", "monitoring", "categoryValueRef"}


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def layout(tree: etree._ElementTree) -> etree._ElementTree:
    """Replace the document's BPMNDI with a fresh layout; returns the same tree."""
    root = tree.getroot()
    for diagram in xpath(root, "./bpmndi:BPMNDiagram"):
        root.remove(diagram)
    for process in xpath(root, "./bpmn:process"):
        _name_lanes(process)
        _write_references(process)
    collaboration = _ensure_collaboration(root)
    diagram = etree.SubElement(root, _q(BPMNDI_NS, "BPMNDiagram"), id="diagram")
    plane = etree.SubElement(diagram, _q(BPMNDI_NS, "BPMNPlane"), id="diagram_plane",
                             bpmnElement=collaboration.get("id"))
    values = {v.get("id"): v for v in xpath(root, "./bpmn:category/bpmn:categoryValue")}
    top = MARGIN
    for participant in xpath(collaboration, "./bpmn:participant"):
        process = next(iter(xpath(root, f"./bpmn:process[@id='{participant.get('processRef')}']")), None)
        if process is None:
            raise LayoutError(Text("泳池 {id} 引用的流程不存在", "participant {id} refers to a missing process",
                                   id=participant.get("id")))
        top = _ProcessLayout(process, participant, plane, values).draw(top) + MARGIN
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


def role_display_name(code: str) -> str:
    """The lane's visible name: the registry's "中文 English" (an unknown code stays itself)."""
    text = ROLES.get(code)
    return f"{text.zh} {text.en}" if text else code


def _name_lanes(process: etree._Element) -> None:
    """Keep each lane's role code in its ``role`` property and show the bilingual role name."""
    for lane in xpath(process, ".//bpmn:lane"):
        code = lane_role(lane)
        if not code:
            continue
        props = xpath(lane, "./bpmn:extensionElements/spiffworkflow:properties")
        if not props:
            extensions = next(iter(xpath(lane, "./bpmn:extensionElements")), None)
            if extensions is None:
                extensions = etree.Element(_q(BPMN_NS, "extensionElements"))
                docs = xpath(lane, "./bpmn:documentation")
                if docs:
                    docs[-1].addnext(extensions)
                else:
                    lane.insert(0, extensions)
            props = [etree.SubElement(extensions, _q(SPIFF_NS, "properties"))]
        existing = xpath(props[0], "./spiffworkflow:property[@name='role']")
        if existing:
            existing[0].set("value", code)
        else:
            etree.SubElement(props[0], _q(SPIFF_NS, "property"), name="role", value=code)
        lane.set("name", role_display_name(code))


def _write_references(process: etree._Element) -> None:
    """Write ``incoming``/``outgoing`` on every flow node, as bpmn.io and bpmnlint expect them."""
    incoming, outgoing = defaultdict(list), defaultdict(list)
    for flow in xpath(process, ".//bpmn:sequenceFlow"):
        outgoing[flow.get("sourceRef")].append(flow.get("id"))
        incoming[flow.get("targetRef")].append(flow.get("id"))
    for node in list(process.iter()):  # a list: lxml's live iterator skips nodes after children change
        if not isinstance(node.tag, str) or not node.tag.startswith(f"{{{BPMN_NS}}}"):
            continue
        if local(node) not in FLOW_NODES and local(node) != "boundaryEvent":
            continue
        for old in xpath(node, "./bpmn:incoming | ./bpmn:outgoing"):
            node.remove(old)
        position = 0
        for index, child in enumerate(node):
            if isinstance(child.tag, str) and local(child) in _BEFORE_REFS:
                position = index + 1
        refs = [("incoming", f) for f in incoming[node.get("id")]] + [("outgoing", f) for f in outgoing[node.get("id")]]
        for offset, (kind, flow_id) in enumerate(refs):
            element = etree.Element(_q(BPMN_NS, kind))
            element.text = flow_id
            node.insert(position + offset, element)


@dataclass
class _Stage:
    value_id: str
    name: str


class _ProcessLayout:
    """One process drawn into one participant (pool)."""

    def __init__(self, process, participant, plane, values):
        self.process, self.participant, self.plane = process, participant, plane
        self.nodes = {n.get("id"): n for n in process if isinstance(n.tag, str) and local(n) in FLOW_NODES}
        for node in self.nodes.values():
            if local(node) == "subProcess" and any(local(c) in FLOW_NODES for c in node if isinstance(c.tag, str)):
                raise LayoutError(Text("{id}：内嵌子流程无法自动排版，请改用调用活动（call activity）",
                                       "{id}: embedded subprocesses are not laid out; use a call activity",
                                       id=node.get("id")))
        self.order = {nid: i for i, nid in enumerate(self.nodes)}
        self.boundaries = {b.get("id"): b for b in xpath(process, "./bpmn:boundaryEvent")}
        self.flows = xpath(process, "./bpmn:sequenceFlow")
        self.host_of = {bid: b.get("attachedToRef") for bid, b in self.boundaries.items()}
        for bid, host in self.host_of.items():
            if host not in self.nodes:
                raise LayoutError(Text("{id}：边界事件附着的 {ref} 不是本流程中的节点",
                                       "{id}: attachedToRef {ref} is not a flow node here", id=bid, ref=host))
        known = set(self.nodes) | set(self.boundaries)
        for flow in self.flows:
            if flow.get("sourceRef") not in known or flow.get("targetRef") not in known:
                raise LayoutError(Text("{id}：连线的起点或终点不是流程 {process} 中的节点",
                                       "{id}: source or target is not a flow node of {process}",
                                       id=flow.get("id"), process=process.get("id")))
        self.edges = [(self.host_of.get(f.get("sourceRef"), f.get("sourceRef")), f.get("targetRef"))
                      for f in self.flows if f.get("targetRef") in self.nodes]
        self.values = values
        self.lanes = xpath(process, "./bpmn:laneSet/bpmn:lane")

    # ----- columns, stages, rows -------------------------------------------------------------------------
    def _forward_edges(self) -> list[tuple[str, str]]:
        successors = defaultdict(list)
        for source, target in self.edges:
            successors[source].append(target)
        back, state = set(), {}
        starts = [n for n, node in self.nodes.items() if local(node) == "startEvent"]
        for start in [*starts, *self.nodes]:
            if start in state:
                continue
            stack = [(start, iter(successors[start]))]
            state[start] = 1
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
        return [(s, t) for s, t in self.edges if (s, t) not in back and s != t]

    def _stages(self, forward) -> tuple[dict[str, int], list[_Stage]]:
        """Each node's stage index: its own ``categoryValueRef``, else the latest stage of its predecessors."""
        stages: list[_Stage] = []
        index_of: dict[str, int] = {}
        anchor: dict[str, int] = {}
        for nid, node in self.nodes.items():
            for ref in xpath(node, "./bpmn:categoryValueRef"):
                value = self.values.get((ref.text or "").strip())
                if value is None:
                    continue
                if value.get("id") not in index_of:
                    index_of[value.get("id")] = -1
                anchor[nid] = value.get("id")
        if not anchor:
            return {n: 0 for n in self.nodes}, []
        # stage order: the category's order of values
        ordered = [v for v in self.values if v in index_of]
        for i, vid in enumerate(ordered):
            index_of[vid] = i
            stages.append(_Stage(vid, self.values[vid].get("value") or vid))
        stage = {}
        for nid in self._topological(forward):
            preds = [stage[s] for s, t in forward if t == nid and s in stage]
            stage[nid] = index_of[anchor[nid]] if nid in anchor else max(preds, default=0)
        return stage, stages

    def _topological(self, forward) -> list[str]:
        indegree = {n: 0 for n in self.nodes}
        for _, t in forward:
            indegree[t] += 1
        queue = deque(n for n in self.nodes if indegree[n] == 0)
        result = []
        while queue:
            node = queue.popleft()
            result.append(node)
            for s, t in forward:
                if s == node:
                    indegree[t] -= 1
                    if indegree[t] == 0:
                        queue.append(t)
        return result + [n for n in self.nodes if n not in result]

    def _columns(self, forward, stage) -> dict[str, int]:
        """Longest path from the starts, every stage starting right of the previous one."""
        column: dict[str, int] = {}
        order = self._topological(forward)
        floor = 0
        for current in sorted(set(stage.values())):
            members = [n for n in order if stage[n] == current]
            for nid in members:
                preds = [column[s] + 1 for s, t in forward if t == nid and s in column]
                column[nid] = max([floor, *preds])
            floor = max(column[n] for n in members) + 1 if members else floor
        return column

    # ----- sizes ------------------------------------------------------------------------------------------
    def _size(self, nid) -> tuple[float, float]:
        kind = FLOW_NODES[local(self.nodes[nid])]
        if kind == "event":
            return EVENT
        if kind == "gateway":
            return GATEWAY
        name = (self.nodes[nid].get("name") or "").strip()
        marker = 14 if local(self.nodes[nid]) in ("callActivity", "subProcess") else 0
        for width in (TASK_W, 140, 160):
            lines = len(wrap(name, width - 16, TASK_FONT))
            if lines <= 3 or width == 160:
                height = lines * TASK_FONT * LINE + 36 + marker
                return width, max(TASK_MIN_H, round(height / 10 + 0.49) * 10)
        return TASK_W, TASK_MIN_H  # pragma: no cover

    @staticmethod
    def _label_size(name: str) -> tuple[float, float]:
        rect = external_label(name, 0, 0, 100)
        return math.ceil(rect.w) + 4, math.ceil(rect.h)

    # ----- drawing ----------------------------------------------------------------------------------------
    def draw(self, top: float) -> float:
        forward = self._forward_edges()
        stage, stages = self._stages(forward)
        column = self._columns(forward, stage)
        lane_of = {}
        for lane in self.lanes:
            for ref in xpath(lane, "./bpmn:flowNodeRef"):
                lane_of[(ref.text or "").strip()] = lane.get("id")
        lane_ids = [lane.get("id") for lane in self.lanes] or [None]
        for nid in self.nodes:
            lane_of.setdefault(nid, lane_ids[0])

        # rows: a node keeps the row of its predecessor in the same lane when that cell is free
        taken: dict[tuple, set[int]] = defaultdict(set)
        row_of: dict[str, int] = {}
        preds = defaultdict(list)
        for s, t in forward:
            preds[t].append(s)
        for nid in sorted(self.nodes, key=lambda n: (column[n], self.order[n])):
            cell = (lane_of[nid], column[nid])
            wanted = next((row_of[p] for p in preds[nid] if p in row_of and lane_of[p] == lane_of[nid]), 0)
            row = wanted if wanted not in taken[cell] else next(r for r in range(100) if r not in taken[cell])
            taken[cell].add(row)
            row_of[nid] = row

        size = {nid: self._size(nid) for nid in self.nodes}
        label = {}
        for nid, node in self.nodes.items():
            if FLOW_NODES[local(node)] != "activity" and (node.get("name") or "").strip():
                label[nid] = self._label_size(node.get("name").strip())
        for bid, node in self.boundaries.items():
            if (node.get("name") or "").strip():
                label[bid] = self._label_size(node.get("name").strip())
        flow_label = {f.get("id"): self._label_size(f.get("name").strip()) for f in self.flows
                      if (f.get("name") or "").strip()}

        # column widths: the widest shape or label, then a gap wide enough for the labels of flows leaving it
        columns = max(column.values(), default=0) + 1
        body = [0.0] * columns
        gap = [float(GAP)] * columns
        for nid in self.nodes:
            c = column[nid]
            body[c] = max(body[c], size[nid][0], label.get(nid, (0, 0))[0])
        for host in self.host_of.values():
            body[column[host]] = max(body[column[host]], size[host][0] + 40)
        for flow in self.flows:
            if flow.get("id") in flow_label:
                source = self.host_of.get(flow.get("sourceRef"), flow.get("sourceRef"))
                gap[column[source]] = max(gap[column[source]], flow_label[flow.get("id")][0] + 24)
        left = MARGIN + POOL_HEADER + (LANE_HEADER if self.lanes else 0) + 20
        col_x = []
        x = left
        for c in range(columns):
            col_x.append(x)
            x += body[c] + gap[c]
        width = x - left + 20

        # rows and lanes: each row as tall as its tallest shape with its label; each lane tall enough for its name
        row_h: dict[tuple, float] = defaultdict(lambda: 0.0)
        for nid in self.nodes:
            h = size[nid][1] + (2 * (label[nid][1] + LABEL_GAP) if nid in label else 0)
            if any(host == nid for host in self.host_of.values()):
                h = max(h, size[nid][1] + 2 * (18 + max((label.get(b, (0, 0))[1] for b, host in
                                                         self.host_of.items() if host == nid), default=0)))
            key = (lane_of[nid], row_of[nid])
            row_h[key] = max(row_h[key], h + ROW_PAD, 120)
        lane_rows = {lid: 1 + max([row_of[n] for n in self.nodes if lane_of[n] == lid], default=0) for lid in lane_ids}
        for lid in lane_ids:
            for r in range(lane_rows[lid]):
                row_h[(lid, r)] = max(row_h[(lid, r)], 120)
        for lane in self.lanes:
            lid = lane.get("id")
            need = _lane_length(lane.get("name") or "")
            have = sum(row_h[(lid, r)] for r in range(lane_rows[lid]))
            if need > have:
                row_h[(lid, lane_rows[lid] - 1)] += need - have

        label_strip = 0.0
        if stages:
            label_strip = 2 * EXTERNAL_FONT * LINE + 12
        pool_top = top + label_strip
        row_top: dict[tuple, float] = {}
        lane_top, y = {}, pool_top
        for lid in lane_ids:
            lane_top[lid] = y
            for r in range(lane_rows[lid]):
                row_top[(lid, r)] = y
                y += row_h[(lid, r)]
        height = y - pool_top
        pool_left = MARGIN
        pool_w = width + (left - MARGIN)
        self._shape(self.participant.get("id"), Rect(pool_left, pool_top, pool_w, height), horizontal=True)
        for lane in self.lanes:
            lid = lane.get("id")
            lane_h = sum(row_h[(lid, r)] for r in range(lane_rows[lid]))
            self._shape(lid, Rect(pool_left + POOL_HEADER, lane_top[lid], pool_w - POOL_HEADER, lane_h),
                        horizontal=True)

        boxes: dict[str, Rect] = {}
        for nid in self.nodes:
            w, h = size[nid]
            c = column[nid]
            key = (lane_of[nid], row_of[nid])
            cx = col_x[c] + body[c] / 2
            cy = row_top[key] + row_h[key] / 2
            boxes[nid] = Rect(cx - w / 2, cy - h / 2, w, h)
        per_host: dict[str, int] = defaultdict(int)
        for bid, host in self.host_of.items():
            box = boxes[host]
            index = per_host[host]
            per_host[host] += 1
            boxes[bid] = Rect(box.x + box.w - 46 - index * 44, box.y + box.h - 18, 36, 36)

        routes = self._route_all(boxes, col_x, body, gap, row_top, row_h, pool_top, height, left, width)

        # labels: where they hit no shape and no other label, and as few lines as possible
        placed: list[Rect] = []
        obstacles = list(boxes.values())
        segments = [seg for points in routes.values() for seg in zip(points, points[1:], strict=False)]
        label_di = {}
        for nid in [*self.nodes, *self.boundaries]:
            if nid not in label:
                continue
            box = boxes[nid]
            w, h = label[nid]
            name = (self.nodes.get(nid, self.boundaries.get(nid)).get("name") or "").strip()
            candidates = [Rect(box.x + box.w / 2 - w / 2, box.y + box.h + LABEL_GAP, w, h),
                          Rect(box.x + box.w / 2 - w / 2, box.y - LABEL_GAP - h, w, h),
                          Rect(box.x + box.w + LABEL_GAP, box.y + box.h + LABEL_GAP, w, h),
                          Rect(box.x + box.w + LABEL_GAP, box.y - LABEL_GAP - h, w, h),
                          Rect(box.x - LABEL_GAP - w, box.y - LABEL_GAP - h, w, h),
                          Rect(box.x - LABEL_GAP - w, box.y + box.h + LABEL_GAP, w, h)]
            if nid in self.boundaries:
                candidates = [Rect(box.x + box.w / 2 - w / 2, box.y + box.h + LABEL_GAP, w, h),
                              Rect(box.x + box.w + LABEL_GAP, box.y + box.h - 6, w, h),
                              Rect(box.x - LABEL_GAP - w, box.y + box.h - 6, w, h)]
            chosen = _best(candidates, obstacles, placed, segments, own=box)
            placed.append(chosen)
            label_di[nid] = (chosen, name)
        for flow in self.flows:
            fid = flow.get("id")
            if fid not in flow_label:
                continue
            w, h = flow_label[fid]
            chosen = _best(_along(routes[fid], w, h), obstacles, placed, segments)
            placed.append(chosen)
            label_di[fid] = (chosen, flow.get("name").strip())

        for nid, node in self.nodes.items():
            self._shape(nid, boxes[nid], gateway=FLOW_NODES[local(node)] == "gateway",
                        expanded=False if local(node) == "subProcess" else None, label=label_di.get(nid))
        for bid in self.boundaries:
            self._shape(bid, boxes[bid], label=label_di.get(bid))
        for flow in self.flows:
            self._edge(flow.get("id"), routes[flow.get("id")], label_di.get(flow.get("id")))
        if stages:
            self._groups(stages, stage, column, col_x, body, gap, pool_top, height, top)
        return pool_top + height

    def _route_all(self, boxes, col_x, body, gap, row_top, row_h, pool_top, height, left, width):
        xs, ys = [left - 10, left + width - 10], []
        for c, x in enumerate(col_x):
            mid = x + body[c] + gap[c] / 2
            xs += [mid - 14, mid, mid + 14]
        for (_lid, _r), y in row_top.items():
            ys += [y + 10, y + 22]
        ys += [pool_top + height - 10, pool_top + height - 22]
        for rect in boxes.values():
            xs += [rect.x, rect.x + rect.w, rect.x + rect.w / 2]
            ys += [rect.y, rect.y + rect.h, rect.y + rect.h / 2]
        router = Router(xs, ys, dict(boxes))
        span = {}
        for flow in self.flows:
            s, t = boxes[flow.get("sourceRef")], boxes[flow.get("targetRef")]
            span[flow.get("id")] = (0 if t.x > s.x else 1, abs(t.x - s.x) + abs(t.y - s.y))
        routes = {}
        for flow in sorted(self.flows, key=lambda f: span[f.get("id")]):
            sid, tid = flow.get("sourceRef"), flow.get("targetRef")
            s, t = boxes[sid], boxes[tid]
            if sid in self.boundaries:
                starts = [Port((s.x + s.w / 2, s.y + s.h), DOWN)]
            else:
                starts = [Port((s.x + s.w, s.y + s.h / 2), RIGHT), Port((s.x + s.w / 2, s.y + s.h), DOWN, PORT_SIDE),
                          Port((s.x + s.w / 2, s.y), UP, PORT_SIDE)]
            ends = [Port((t.x, t.y + t.h / 2), RIGHT), Port((t.x + t.w / 2, t.y), DOWN, PORT_SIDE),
                    Port((t.x + t.w / 2, t.y + t.h), UP, PORT_SIDE)]
            if t.x + t.w / 2 < s.x + s.w / 2:  # going back: enter from above or below rather than from the left
                ends[0].cost = PORT_SIDE * 2
            routes[flow.get("id")] = router.route(sid, tid, starts, ends)
        return routes

    def _groups(self, stages, stage, column, col_x, body, gap, pool_top, height, top):
        """One BPMN group per stage over its columns, labelled above the pool."""
        for index, item in enumerate(stages):
            cols = [column[n] for n in self.nodes if stage[n] == index]
            if not cols:
                continue
            first, last = min(cols), max(cols)
            x0 = col_x[first] - (gap[first - 1] / 2 if first > 0 else 20) + 4
            x1 = col_x[last] + body[last] + gap[last] / 2 - 4
            group_id = f"{item.value_id}_group"
            existing = xpath(self.process, f"./bpmn:group[@id='{group_id}']")
            if not existing:
                etree.SubElement(self.process, _q(BPMN_NS, "group"), id=group_id, categoryValueRef=item.value_id)
            rect = Rect(x0, top + 2, x1 - x0, pool_top + height + GROUP_PAD - top - 2)
            lines = wrap(item.name, rect.w - 10, EXTERNAL_FONT)
            w = min(rect.w - 10, max(text_width(line, EXTERNAL_FONT) for line in lines) + 4)
            label = Rect(rect.x + rect.w / 2 - w / 2, top + 4, w, len(lines) * EXTERNAL_FONT * LINE)
            self._shape(group_id, rect, label=(label, item.name))

    # ----- DI writing -------------------------------------------------------------------------------------
    def _shape(self, element_id, box: Rect, *, horizontal=False, gateway=False, expanded=None, label=None):
        shape = etree.SubElement(self.plane, _q(BPMNDI_NS, "BPMNShape"), id=f"{element_id}_di", bpmnElement=element_id)
        if horizontal:
            shape.set("isHorizontal", "true")
        if gateway:
            shape.set("isMarkerVisible", "true")
        if expanded is not None:
            shape.set("isExpanded", "true" if expanded else "false")
        _bounds(shape, box)
        if label is not None:
            _bounds(etree.SubElement(shape, _q(BPMNDI_NS, "BPMNLabel")), label[0])

    def _edge(self, element_id, points, label=None):
        edge = etree.SubElement(self.plane, _q(BPMNDI_NS, "BPMNEdge"), id=f"{element_id}_di", bpmnElement=element_id)
        for x, y in points:
            etree.SubElement(edge, _q(DI_NS, "waypoint"), x=_n(x), y=_n(y))
        if label is not None:
            _bounds(etree.SubElement(edge, _q(BPMNDI_NS, "BPMNLabel")), label[0])


def _bounds(parent, box: Rect) -> None:
    etree.SubElement(parent, _q(DC_NS, "Bounds"), x=_n(box.x), y=_n(box.y), width=_n(box.w), height=_n(box.h))


def _lane_length(name: str) -> float:
    """How tall a lane must be for bpmn-js to write its name in at most two lines across the lane header."""
    for length in range(100, 600, 10):
        if len(wrap(name, length - 16, TASK_FONT)) <= 2:
            return length
    return 600


def _along(points, w, h) -> list[Rect]:
    """Places for a flow's label beside its first segments, nearest the source first."""
    candidates = []
    for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
        if ay == by:
            step = 1 if bx > ax else -1
            for offset in (8, 30, 60, 100, 150):
                x = ax + step * offset if step > 0 else ax - offset - w
                candidates += [Rect(x, ay - 3 - h, w, h), Rect(x, ay + 3, w, h)]
        else:
            step = 1 if by > ay else -1
            for offset in (6, 30, 60, 100, 150):
                y = ay + step * offset if step > 0 else ay - offset - h
                candidates += [Rect(ax + 5, y, w, h), Rect(ax - 5 - w, y, w, h)]
    return candidates or [Rect(points[0][0], points[0][1], w, h)]


def _best(candidates: list[Rect], shapes: list[Rect], labels: list[Rect], segments, own: Rect | None = None) -> Rect:
    """The first candidate that overlaps no shape and no label, preferring one no line crosses."""
    def cost(rect: Rect) -> float:
        hard = sum(1 for s in shapes if s is not own and rect.overlaps(s))
        hard += sum(1 for lb in labels if rect.overlaps(lb))
        soft = sum(1 for a, b in segments if rect.cut_by(a, b, slack=0.5))
        return hard * 1000 + soft

    return min(enumerate(candidates), key=lambda item: (cost(item[1]), item[0]))[1]


def _n(value: float) -> str:
    return str(int(round(value)))


def layout_bytes(data: bytes) -> bytes:
    """Lay out a BPMN document given as bytes; the result is indented and has an XML declaration."""
    from engine.definitions.xmlsafe import parse_bpmn

    tree = layout(parse_bpmn(data))
    root = tree.getroot()
    nsmap = {**root.nsmap}
    wanted = {"bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS}
    if xpath(root, "//spiffworkflow:*"):
        wanted["spiffworkflow"] = SPIFF_NS
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
