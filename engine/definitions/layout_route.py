"""Orthogonal routing of sequence flows around shapes, for `yishi layout`.

Each flow is a cheapest path on a sparse grid whose lines are the channels between columns and rows and the
axes of the shapes' ports: moving through a shape that is not the flow's own end is impossible, every bend
costs, running along another flow (not sharing its source or target) costs more, and crossing one costs a
little. So lines never pass through shapes, loops go around, and bundles stay apart where there is room.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field

from engine.definitions.layout_quality import Rect

RIGHT, DOWN, LEFT, UP = (1, 0), (0, 1), (-1, 0), (0, -1)
BEND, PORT_SIDE, ALONG, CROSS, NEAR_LABEL = 40.0, 30.0, 4.0, 20.0, 2.0
CLEARANCE = 4.0


@dataclass
class Port:
    point: tuple[float, float]
    direction: tuple[int, int]  # leaving the source / entering the target
    cost: float = 0.0


@dataclass
class Router:
    """Routes flows one after another, remembering where earlier ones run."""

    xs: list[float]
    ys: list[float]
    obstacles: dict[str, Rect]
    used: dict[tuple, set[tuple[str, str]]] = field(default_factory=dict)  # unit segment -> {(source, target)}
    through: dict[tuple[float, float], set[str]] = field(default_factory=dict)  # point -> orientations "h"/"v"

    def __post_init__(self):
        self.xs = sorted(set(round(x, 1) for x in self.xs))
        self.ys = sorted(set(round(y, 1) for y in self.ys))
        self._blocked: dict[tuple, frozenset[str]] = {}
        self._xi = {x: i for i, x in enumerate(self.xs)}
        self._yi = {y: i for i, y in enumerate(self.ys)}
        grown = {n: Rect(r.x - CLEARANCE, r.y - CLEARANCE, r.w + 2 * CLEARANCE, r.h + 2 * CLEARANCE)
                 for n, r in self.obstacles.items()}
        self._on_y = {y: [(n, r) for n, r in grown.items() if r.y < y < r.y + r.h] for y in self.ys}
        self._on_x = {x: [(n, r) for n, r in grown.items() if r.x < x < r.x + r.w] for x in self.xs}

    def _blockers(self, a: tuple[float, float], b: tuple[float, float]) -> frozenset[str]:
        key = (a, b) if a <= b else (b, a)
        found = self._blocked.get(key)
        if found is None:
            (x0, y0), (x1, y1) = key
            if y0 == y1:
                found = frozenset(n for n, r in self._on_y.get(y0, ()) if r.x < max(x0, x1) and min(x0, x1) < r.x + r.w)
            else:
                found = frozenset(n for n, r in self._on_x.get(x0, ()) if r.y < max(y0, y1) and min(y0, y1) < r.y + r.h)
            self._blocked[key] = found
        return found

    def route(self, source: str, target: str, starts: list[Port], ends: list[Port]) -> list[tuple[float, float]]:
        """The cheapest orthogonal path from one of ``starts`` to one of ``ends``; falls back to a straight elbow."""
        pair = (source, target)
        goal = {(round(p.point[0], 1), round(p.point[1], 1)): p for p in ends}
        heap: list = []
        best: dict = {}
        counter = itertools.count()
        for port in starts:
            point = (round(port.point[0], 1), round(port.point[1], 1))
            state = (point, port.direction)
            heapq.heappush(heap, (port.cost + self._h(point, goal), next(counter), port.cost, state, None))
        parents: dict = {}
        found = None
        while heap:
            _, _, cost, state, parent = heapq.heappop(heap)
            if state in best:
                continue
            best[state] = cost
            parents[state] = parent
            point, direction = state
            end = goal.get(point)
            if end is not None and parent is not None and direction == end.direction:
                found = state
                break
            at_start = parent is None
            for move in (RIGHT, DOWN, LEFT, UP):
                if at_start and move != direction:
                    continue
                if move == (-direction[0], -direction[1]):
                    continue
                nxt = self._step(point, move)
                if nxt is None:
                    continue
                blockers = self._blockers(point, nxt)
                exempt = set()
                if at_start:
                    exempt.add(source)
                if nxt in goal:
                    exempt.add(target)
                if blockers - exempt:
                    continue
                if nxt in goal and move != goal[nxt].direction and target in blockers:
                    continue
                step = abs(nxt[0] - point[0]) + abs(nxt[1] - point[1])
                extra = BEND if move != direction else 0.0
                sharers = self.used.get(self._key(point, nxt), ())
                if any(s != source and t != target for s, t in sharers):
                    extra += ALONG * step
                orientation = "h" if move[1] == 0 else "v"
                if (self.through.get(nxt, set()) - {orientation}) and nxt not in goal:
                    extra += CROSS
                new_cost = cost + step + extra
                new_state = (nxt, move)
                if new_state not in best:
                    heapq.heappush(heap, (new_cost + self._h(nxt, goal), next(counter), new_cost, new_state,
                                          state))
        if found is None:
            a, b = starts[0].point, ends[0].point
            return [a, (a[0], b[1]), b] if a[0] != b[0] and a[1] != b[1] else [a, b]
        path = []
        state = found
        while state is not None:
            path.append(state[0])
            state = parents[state]
        path.reverse()
        for a, b in itertools.pairwise(path):
            self.used.setdefault(self._key(a, b), set()).add(pair)
            orientation = "h" if a[1] == b[1] else "v"
            self.through.setdefault(a, set()).add(orientation)
            self.through.setdefault(b, set()).add(orientation)
        return _simplify(path)

    def _step(self, point, move):
        x, y = point
        if move[1] == 0:
            i = self._xi[x] + move[0]
            return (self.xs[i], y) if 0 <= i < len(self.xs) else None
        j = self._yi[y] + move[1]
        return (x, self.ys[j]) if 0 <= j < len(self.ys) else None

    @staticmethod
    def _key(a, b):
        return (a, b) if a <= b else (b, a)

    @staticmethod
    def _h(point, goal) -> float:
        return min(abs(point[0] - g[0]) + abs(point[1] - g[1]) for g in goal)


def _simplify(path: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop the points in the middle of straight runs."""
    result = [path[0]]
    for point, following in itertools.pairwise(path[1:] + [None]):
        if following is None:
            result.append(point)
            continue
        prev = result[-1]
        if (prev[0] == point[0] == following[0]) or (prev[1] == point[1] == following[1]):
            continue
        result.append(point)
    return result
