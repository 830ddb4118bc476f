"""流程预测 — the path ahead of an open case: the remaining steps of the most likely path, with the role of each,
the people who hold it where known, and a due date computed the way the step will compute it (its ``dueDate``
expression, with the holiday calendar, evaluated as if the step opened when the one before it falls due). It is a
forecast, marked as one: nothing is stored and the case is not touched.

The most likely path at an exclusive gateway is, in order: the branch taken most often by cases of the same
method (the case file's events at the first step of each branch); else the branch whose condition already holds
on the case's data; else the branch that leads on through the most steps (the full procedure rather than a
return, a rejection or an escalation). Parallel branches are all listed. Loops are not walked twice, and a drawn
退回 (a ``sendBack`` boundary event) is never taken as the way ahead.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask

from engine.definitions import bpmn
from engine.domain import clock
from engine.notify import recipients
from engine.store.tables import case_events, cases
from engine.workflow import projection
from engine.workflow.returns import SPLIT, is_return_event

MAX_STEPS = 40
MAX_REACH = 400


@dataclass
class Step:
    element_id: str
    name: str
    process: str
    role: str | None
    open: bool  # already open now (its due date is the real one)
    due_at: dt.datetime | None
    holders: list[str] = field(default_factory=list)
    multi_sign: str | None = None  # the rule of a multi-person step, when it can be told already


def history_counts(conn: sa.Connection, key: str, case_id: int) -> dict[str, int]:
    """How often each element shows in the case files of the other cases of this method (completions,
    computations, ends): the case's own past would only repeat the way it came."""
    query = (sa.select(case_events.c.element_id, sa.func.count()).join(cases, cases.c.id == case_events.c.case_id)
             .where(cases.c.definition_key == key, cases.c.id != case_id, case_events.c.element_id.is_not(None),
                    case_events.c.kind.in_(("task_completed", "computed", "case_completed")))
             .group_by(case_events.c.element_id))
    return {element: n for element, n in conn.execute(query)}


class Forecaster:
    def __init__(self, conn: sa.Connection, loaded, script_engine):
        self.conn, self.loaded, self.engine = conn, loaded, script_engine
        self.workflow = loaded.workflow
        self.specs = {loaded.definition.spec.name: loaded.definition.spec, **loaded.definition.subprocess_specs}
        self.history = history_counts(conn, loaded.row.definition_key, loaded.row.id)
        self.unit = loaded.row.unit
        self.steps: list[Step] = []
        self.visited: set[tuple[str, str]] = set()
        self._holders: dict[str, list[str]] = {}

    # ----- the walk ---------------------------------------------------------------------------------

    def run(self) -> list[Step]:
        ready = projection.ready_user_tasks(self.workflow)
        data: dict = {}
        last_due = clock.now()
        seen_steps: set[tuple[str, str]] = set()
        for task in ready:
            element = (task.workflow.spec.name, projection.element_id(task))
            data = {**data, **copy.deepcopy(task.data)}
            spec = projection.step_task(task).task_spec
            self.visited.add((self._context(task.workflow), spec.name))
            if element in seen_steps:
                continue  # several instances of one multi-person step: one line
            seen_steps.add(element)
            due = projection.due_of(task)
            self.steps.append(Step(element[1], projection.element_name(task), element[0], task.task_spec.lane, True,
                                   due, self._people(task.task_spec, task.data, task),
                                   task.internal_data.get(projection.SIGN_RULE_KEY)))
            if due is not None:
                last_due = max(last_due, due)
        self.data = data
        self.cursor = last_due
        for task in ready:
            spec = projection.step_task(task).task_spec
            self._follow(self._context(task.workflow), task.workflow.spec.name, [o.name for o in spec.outputs],
                         self._return_path(task.workflow))
        return self.steps[:MAX_STEPS]

    def _context(self, workflow) -> str:
        """Which call of which process: the call activities from the top, so a process called twice is two places."""
        names = []
        while getattr(workflow, "parent_task_id", None) is not None:
            caller = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
            names.append(caller.task_spec.name)
            workflow = caller.workflow
        return ">".join([workflow.spec.name, *reversed(names)])

    def _return_path(self, workflow) -> list[tuple[str, str, list[str]]]:
        """Where the walk goes on when a called process ends: the call activity's outputs, up to the top."""
        path = []
        while getattr(workflow, "parent_task_id", None) is not None:
            caller = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
            path.append((self._context(caller.workflow), caller.workflow.spec.name,
                         [o.name for o in caller.task_spec.outputs]))
            workflow = caller.workflow
        return path

    def _follow(self, ctx: str, process: str, names: list[str], returns: list) -> None:
        queue = list(names)
        ended = False
        while queue and len(self.steps) < MAX_STEPS:
            name = queue.pop(0)
            if (ctx, name) in self.visited:
                continue
            self.visited.add((ctx, name))
            spec = self.specs[process].task_specs.get(name)
            if spec is None or is_return_event(spec):  # a drawn 退回 is never the way ahead
                continue
            if not spec.outputs:
                ended = True
                continue
            if isinstance(spec, SubWorkflowTask) and getattr(spec, "spec", None) in self.specs:
                start = self.specs[spec.spec].start
                self._follow(f"{ctx}>{name}", spec.spec, [o.name for o in start.outputs],
                             [(ctx, process, [o.name for o in spec.outputs])])
                continue  # the called process's end continues after the call activity
            if isinstance(spec, MultiInstanceTask):
                self._step(process, spec, self.specs[process].task_specs.get(spec.task_spec))
            elif isinstance(spec, UserTask):
                self._step(process, spec, spec)
            if isinstance(spec, ExclusiveGateway):
                queue.insert(0, self._choose(ctx, process, spec))
            elif name.endswith(SPLIT):
                queue = self._usual_way(name, spec) + queue
            else:
                queue = [o.name for o in spec.outputs] + queue
        if ended and returns and len(self.steps) < MAX_STEPS:
            (caller_ctx, caller, outputs), rest = returns[0], returns[1:]
            self._follow(caller_ctx, caller, outputs, rest)

    def _step(self, process: str, spec, child) -> None:
        props = projection.spec_properties(child)
        start = self.cursor
        due = self._due(props.get(bpmn.DUE_PROPERTY), start)
        rule = props.get(bpmn.SIGN_RULE_PROPERTY)
        name = getattr(spec, "bpmn_name", None) or getattr(child, "bpmn_name", None) or spec.name
        self.steps.append(Step(getattr(spec, "bpmn_id", None) or spec.name, name, process, child.lane, False, due,
                               self._people(child, self.data),
                               self._value(rule) if rule else None))
        if due is not None:
            self.cursor = due

    # ----- choices and values -----------------------------------------------------------------------

    @staticmethod
    def _usual_way(name: str, split) -> list[str]:
        """Past an activity with boundary events: a step people work goes on through its own completion (a
        deadline's reminders and escalations are the exception); a wait for a message (objections during a
        publication) goes on when its period ends, through the timer."""
        attached = next((o for o in split.outputs if o.name == name[: -len(SPLIT)]), None)
        if attached is None:
            return [o.name for o in split.outputs]
        if isinstance(attached, (UserTask, MultiInstanceTask, SubWorkflowTask)):
            return [attached.name]
        timers = [o.name for o in split.outputs if o is not attached
                  and isinstance(getattr(o, "event_definition", None), TimerEventDefinition)]
        return timers or [attached.name]

    def _choose(self, ctx: str, process: str, gateway) -> str:
        targets = [target for _condition, target in gateway.cond_task_specs]
        default = gateway.default_task_spec
        counts = {t: self.history.get(self._first_visible(process, t), 0) for t in targets}
        if any(counts.values()):
            return max(targets, key=lambda t: (counts[t], t == default))
        known = True
        for condition, target in gateway.cond_task_specs:
            if condition is None:
                continue
            value = self._value(condition.args[0])
            if value is True:
                return target
            known = known and value is False
        if known and default is not None:  # every condition can be told already and none holds
            return default
        # else the way that leads on: one that can still reach an end without going back over the path (a
        # return to an earlier step cannot), then the most steps no other branch reaches (the full procedure
        # rather than a rejection or a withdrawal), then the most steps in all
        forward = [t for t in targets if (ctx, t) not in self.visited] or targets
        ahead = {t: self._reachable(ctx, process, t) for t in forward}

        def score(target: str) -> tuple[bool, int, int, bool]:
            others = set().union(*(set(ahead[o][0]) for o in forward if o != target))
            own, ends = ahead[target]
            unique = sum(w for step, w in own.items() if step not in others)
            return ends, unique, sum(own.values()), target == default
        return max(forward, key=score)

    def _first_visible(self, process: str, name: str) -> str | None:
        """The first element along a branch that leaves a trace in the case file (a step, a script, an end)."""
        for _ in range(12):
            spec = self.specs[process].task_specs.get(name)
            if spec is None:
                return None
            bpmn_id = getattr(spec, "bpmn_id", None)
            kind = type(spec).__name__
            if bpmn_id and (isinstance(spec, (UserTask, MultiInstanceTask, SubWorkflowTask))
                            or "Script" in kind or "EndEvent" in kind):
                return bpmn_id
            if not spec.outputs:
                return None
            name = spec.outputs[0].name
        return None

    def _reachable(self, ctx: str, process: str, name: str) -> tuple[dict[str, int], bool]:
        """The steps ahead from ``name`` (not back into the walked path, not through a condition already false),
        each with its weight (a called procedure counts as several steps), and whether an end lies that way."""
        seen, queue, steps, ends = set(), [name], {}, False
        while queue and len(seen) < MAX_REACH:
            current = queue.pop()
            if current in seen or (ctx, current) in self.visited:
                continue
            seen.add(current)
            spec = self.specs[process].task_specs.get(current)
            if spec is None or is_return_event(spec):  # a drawn 退回 goes back, not ahead
                continue
            ends = ends or not spec.outputs
            if isinstance(spec, (UserTask, MultiInstanceTask)):
                steps[current] = 1
            elif isinstance(spec, SubWorkflowTask):
                steps[current] = 3
            if isinstance(spec, ExclusiveGateway):
                values = [(self._value(c.args[0]) if c is not None else None, t) for c, t in spec.cond_task_specs]
                chosen = [t for v, t in values if v is True]
                queue.extend(chosen[:1] or [t for v, t in values if v is not False])
            else:
                queue.extend(o.name for o in spec.outputs)
        return steps, ends

    def _value(self, expression: str):
        try:
            return self.engine.environment.evaluate(expression, copy.deepcopy(self.data))
        except Exception:  # noqa: BLE001 — a value not known yet: the forecast cannot tell
            return None

    def _due(self, expression: str | None, start: dt.datetime) -> dt.datetime | None:
        if not expression:
            return None
        with clock.at(start):
            value = self._value(expression)
        if value is None:
            return None
        try:
            return projection.parse_instant(value)
        except (TypeError, ValueError):
            return None

    def _people(self, spec, data: dict, task=None) -> list[str]:
        if task is not None and task.internal_data.get(projection.ASSIGNEE_KEY):
            return [task.internal_data[projection.ASSIGNEE_KEY]]
        props = projection.spec_properties(spec)
        assignee = props.get(bpmn.ASSIGNEE_PROPERTY)
        if assignee and not props.get(bpmn.SIGN_RULE_PROPERTY):
            value = self._value(assignee)
            return [value] if isinstance(value, str) and value else []
        role = spec.lane
        if role is None:
            return []
        if role not in self._holders:
            self._holders[role] = recipients.holders(self.conn, self.unit, role)
        return self._holders[role]


class Forecasts:
    """Mixed into ``Runtime``: the path ahead of a case, read under the case's own load (never stored)."""

    def forecast(self, case_id: int) -> dict:
        with self.db.connect() as conn:
            loaded = self.load(conn, case_id)
            open_case = loaded.row.status not in ("completed", "cancelled")
            steps = Forecaster(conn, loaded, self.script_engine).run() if open_case else []
        return {"case_id": case_id, "forecast": True, "generated_at": clock.now(),
                "steps": [step.__dict__ for step in steps]}
