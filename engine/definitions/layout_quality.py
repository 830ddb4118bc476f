"""How readable a drawn BPMN diagram is: lines through shapes they do not connect, and labels that overlap.

Label boxes are estimated the way bpmn-js lays text out (external labels 11 px, task names 12 px inside the
shape, line height 1.2, words wrapped at spaces, a CJK run cut where it no longer fits), so the count agrees
with what a designer sees in bpmn.io, Camunda Modeler and the studio. `yishi layout` must leave zero of both
(tests/processes/test_layout_quality.py).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from engine.definitions.bpmn import xpath
from engine.definitions.xmlsafe import parse_bpmn

EXTERNAL_FONT, TASK_FONT, LINE = 11, 12, 1.2
LABEL_WIDTH = 90  # bpmn-js DEFAULT_LABEL_SIZE.width


def char_width(ch: str, size: float) -> float:
    """A generous estimate: CJK and full-width marks take the font size, Latin about 0.6 of it."""
    if ch == " ":
        return 0.3 * size
    if ord(ch) >= 0x2E80 or ch in "“”‘’（）：，。、":
        return size
    return (0.75 if ch.isupper() or ch in "mwMW" else 0.56) * size


def text_width(text: str, size: float) -> float:
    return sum(char_width(ch, size) for ch in text)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Lines as diagram-js breaks them: at spaces, a word wider than the line cut where it stops fitting."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        while text_width(word, size) > width:
            cut = 1
            while cut < len(word) and text_width(word[:cut + 1], size) <= width:
                cut += 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Rect, slack: float = 0.5) -> bool:
        return (self.x + slack < other.x + other.w and other.x + slack < self.x + self.w
                and self.y + slack < other.y + other.h and other.y + slack < self.y + self.h)

    def cut_by(self, a: tuple[float, float], b: tuple[float, float], slack: float = 1.0) -> bool:
        """Whether the axis-parallel (or any) segment a–b passes through the inside of the rectangle."""
        x0, y0, x1, y1 = self.x + slack, self.y + slack, self.x + self.w - slack, self.y + self.h - slack
        if x0 >= x1 or y0 >= y1:
            return False
        # Liang–Barsky clipping of the segment against the shrunken rectangle.
        dx, dy = b[0] - a[0], b[1] - a[1]
        low, high = 0.0, 1.0
        for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
            if p == 0:
                if q < 0:
                    return False
            else:
                t = q / p
                if p < 0:
                    low = max(low, t)
                else:
                    high = min(high, t)
        return low < high


@dataclass
class Quality:
    crossings: list[tuple[str, str]]  # (sequence flow, shape it passes through)
    label_overlaps: list[tuple[str, str]]  # (label of, overlapping label or shape of)

    @property
    def ok(self) -> bool:
        return not self.crossings and not self.label_overlaps


def _bounds(node) -> Rect:
    b = xpath(node, "./*[local-name()='Bounds']")[0]
    return Rect(*(float(b.get(k)) for k in ("x", "y", "width", "height")))


def external_label(text: str, mid_x: float, top: float, width: float = LABEL_WIDTH) -> Rect:
    lines = wrap(text, width, EXTERNAL_FONT)
    real = max((text_width(line, EXTERNAL_FONT) for line in lines), default=0)
    return Rect(mid_x - real / 2, top, real, len(lines) * EXTERNAL_FONT * LINE)


def measure(data: bytes) -> Quality:
    """Count crossings and label overlaps of the first diagram of a BPMN document."""
    root = parse_bpmn(data).getroot()
    by_id = {e.get("id"): e for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    flows: dict[str, list[tuple[float, float]]] = {}
    shapes: dict[str, Rect] = {}
    labels: dict[str, Rect] = {}
    for shape in xpath(root, "//bpmndi:BPMNShape"):
        element = by_id.get(shape.get("bpmnElement"))
        if element is None:
            continue
        kind = element.tag.rsplit("}", 1)[-1]
        if kind == "group":  # its label is the stage's name, drawn above the pool
            value = by_id.get(element.get("categoryValueRef") or "")
            given = xpath(shape, "./bpmndi:BPMNLabel")
            if value is not None and given and value.get("value"):
                lb = _bounds(given[0])
                labels[element.get("id")] = external_label(value.get("value"), lb.x + lb.w / 2, lb.y, lb.w)
            continue
        if kind in ("participant", "lane", "textAnnotation"):
            continue
        rect = shapes[element.get("id")] = _bounds(shape)
        name = (element.get("name") or "").strip()
        if not name:
            continue
        if kind.endswith("Task") or kind in ("callActivity", "subProcess", "task"):
            continue  # drawn inside the shape; the layout sizes the shape to it
        given = xpath(shape, "./bpmndi:BPMNLabel")
        if given:
            lb = _bounds(given[0])
            labels[element.get("id")] = external_label(name, lb.x + lb.w / 2, lb.y, lb.w)
        else:
            labels[element.get("id")] = external_label(name, rect.x + rect.w / 2, rect.y + rect.h + 5)
    for edge in xpath(root, "//bpmndi:BPMNEdge"):
        element = by_id.get(edge.get("bpmnElement"))
        if element is None or not element.tag.endswith("sequenceFlow"):
            continue
        points = [(float(p.get("x")), float(p.get("y"))) for p in xpath(edge, "./*[local-name()='waypoint']")]
        flows[element.get("id")] = points
        name = (element.get("name") or "").strip()
        given = xpath(edge, "./bpmndi:BPMNLabel")
        if name and given:
            lb = _bounds(given[0])
            labels[element.get("id")] = external_label(name, lb.x + lb.w / 2, lb.y, lb.w)
        elif name and len(points) >= 2:
            mid = len(points) // 2
            (ax, ay), (bx, by) = points[mid - 1], points[mid]
            labels[element.get("id")] = external_label(name, (ax + bx) / 2 + 15, (ay + by) / 2 - 15)

    crossings = []
    for flow_id, points in flows.items():
        flow = by_id[flow_id]
        ends = {flow.get("sourceRef"), flow.get("targetRef")}
        for shape_id, rect in shapes.items():
            if shape_id in ends:
                continue
            if any(rect.cut_by(a, b) for a, b in itertools.pairwise(points)):
                crossings.append((flow_id, shape_id))
    overlaps = []
    for (a, ra), (b, rb) in itertools.combinations(labels.items(), 2):
        if ra.overlaps(rb):
            overlaps.append((a, b))
    for owner, rect in labels.items():
        for shape_id, shape in shapes.items():
            if shape_id != owner and rect.overlaps(shape):
                overlaps.append((owner, shape_id))
    return Quality(crossings, overlaps)
