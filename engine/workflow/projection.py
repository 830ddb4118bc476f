"""Turn a live SpiffWorkflow into what Yishi stores beside it: status, open tasks, next timer.

This is the one place that reads SpiffWorkflow's task tree for the read side, so inbox and
monitoring queries never deserialize a workflow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.definitions import bpmn
from engine.domain import periods
from engine.domain.statuses import CaseStatus

DUE_KEY = "yishi_due_at"
DUE_NOTE_KEY = "yishi_due_approximate"  # how an approximate due date was computed (periods.noting_approximations)
ASSIGNEE_KEY = "yishi_assignee"
SIGN_RULE_KEY = "yishi_sign_rule"  # a multi-person step's rule (engine.cases.multisign), evaluated when it opens
SIGN_RULES = ("all", "any", "sequential", "more_than_half", "half_or_more", "two_thirds_or_more")


@dataclass
class OpenTask:
    task_id: str
    element_id: str
    name: str
    role: str | None
    process_key: str
    form: str | None
    instance: int | None
    due_at: dt.datetime | None
    assignee: str | None = None  # the one user who works it (``assignee`` property); None: the lane's role


@dataclass
class Snapshot:
    status: str
    open_tasks: list[OpenTask]
    next_timer_at: dt.datetime | None
    end_event: str | None
    error_element: str | None = None
    error_message: str | None = None


def all_tasks(workflow: BpmnWorkflow):
    """Every task of the workflow and its subprocesses (get_tasks prunes, this does not)."""
    yield from workflow.tasks.values()
    for sub in workflow.subprocesses.values():
        yield from sub.tasks.values()


def ready_user_tasks(workflow: BpmnWorkflow) -> list:
    tasks = [t for t in all_tasks(workflow) if t.state == TaskState.READY and isinstance(t.task_spec, UserTask)]
    return sorted(tasks, key=lambda t: (t.last_state_change, str(t.id)))


def wrapper_of(task):
    """The multi-instance step (SpiffWorkflow's wrapper task) an instance of a multi-person step belongs to, or None
    for any other task."""
    parent = task.parent
    if parent is not None and isinstance(parent.task_spec, MultiInstanceTask) \
            and task.task_spec.name == parent.task_spec.task_spec:
        return parent
    return None


def step_task(task):
    """The task that stands for a step: for an instance of a multi-person step its wrapper (which carries the step's
    boundary events and outgoing flows), else the task itself."""
    wrapper = wrapper_of(task)
    return task if wrapper is None else wrapper


def spec_properties(spec) -> dict:
    """A task spec's ``spiffworkflow:properties`` (name -> value); empty for a spec without them."""
    return (getattr(spec, "extensions", None) or {}).get("properties") or {}


def form_key(task) -> str | None:
    props = spec_properties(task.task_spec)
    name = props.get(bpmn.FORM_PROPERTY)
    return f"{task.workflow.spec.name}/{name}" if name else None


def element_id(task) -> str:
    spec = task.task_spec
    return getattr(spec, "bpmn_id", None) or spec.name


def element_name(task) -> str:
    spec = task.task_spec
    return getattr(spec, "bpmn_name", None) or element_id(task)


def parse_instant(value) -> dt.datetime:
    """An ISO string, date or datetime as aware UTC (a date is due at its end; naive is Shanghai time)."""
    return periods.to_instant(value).astimezone(dt.UTC)


def boundary_timer_due(task) -> dt.datetime | None:
    """The earliest waiting timer attached to this task (its boundary events), if any."""
    parent = task.parent
    if parent is None or not parent.task_spec.name.endswith(".BoundaryEventSplit"):
        return None
    dues = []
    for sibling in parent.children:
        definition = getattr(sibling.task_spec, "event_definition", None)
        value = sibling.internal_data.get("event_value")
        if isinstance(definition, TimerEventDefinition) and sibling.state == TaskState.WAITING and value:
            dues.append(timer_instant(value))
    return min((d for d in dues if d is not None), default=None)


def timer_instant(value) -> dt.datetime | None:
    if isinstance(value, dict):  # cycle timers keep {'cycles', 'next', 'duration'}
        value = value.get("next")
    if not isinstance(value, str):
        return None
    try:
        return TimerEventDefinition.get_datetime(value)
    except ValueError:
        return None


def due_of(task) -> dt.datetime | None:
    stored = task.internal_data.get(DUE_KEY)
    if stored:
        return dt.datetime.fromisoformat(stored)
    return boundary_timer_due(task)


def prepare_ready_tasks(workflow: BpmnWorkflow) -> None:
    """Evaluate each newly ready task's ``dueDate`` and ``assignee`` expressions once and keep them with the task.

    Raises whatever the script engine raises, so a bad expression (or one giving no date, or no user id) puts the
    case in error at the task that carries it.
    """
    for task in ready_user_tasks(workflow):
        props = spec_properties(task.task_spec)
        assignee = props.get(bpmn.ASSIGNEE_PROPERTY)
        if assignee and ASSIGNEE_KEY not in task.internal_data:
            value = workflow.script_engine.evaluate(task, assignee)
            if not isinstance(value, str) or not value.strip() or len(value) > 100:
                raise WorkflowTaskException(f"assignee '{assignee}' gave {value!r}, not a user id", task=task)
            task.internal_data[ASSIGNEE_KEY] = value.strip()
        rule = props.get(bpmn.SIGN_RULE_PROPERTY)
        if rule and SIGN_RULE_KEY not in task.internal_data:
            value = workflow.script_engine.evaluate(task, rule)
            if value not in SIGN_RULES:
                raise WorkflowTaskException(f"signRule '{rule}' gave {value!r}, not one of {', '.join(SIGN_RULES)}",
                                            task=task)
            task.internal_data[SIGN_RULE_KEY] = value
        if DUE_KEY in task.internal_data:
            continue
        expression = props.get(bpmn.DUE_PROPERTY)
        if expression:
            notes = periods.current_notes()
            mark = len(notes) if notes is not None else 0
            value = workflow.script_engine.evaluate(task, expression)
            try:
                due = parse_instant(value)
            except (TypeError, ValueError) as exc:  # the designer's expression gave no date: the case is in error
                raise WorkflowTaskException(f"dueDate '{expression}' gave {value!r}, not a date: {exc}",
                                            task=task) from None
            task.internal_data[DUE_KEY] = due.isoformat()
            for note in (notes or [])[mark:]:  # counted without the year's holidays: keep how, to redo it later
                if parse_instant(note["value"]) == due:
                    task.internal_data[DUE_NOTE_KEY] = note


def waiting_timer_tasks(workflow: BpmnWorkflow) -> dict:
    return {task.id: task for task in workflow.event_manager.tasks.values()
            if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)
            and task.state == TaskState.WAITING}


def fired_timer_tasks(workflow: BpmnWorkflow) -> dict:
    """Timer events that have fired (their task went on), in the workflow and its subprocesses."""
    fired = TaskState.READY | TaskState.STARTED | TaskState.COMPLETED
    return {task.id: task for task in all_tasks(workflow)
            if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)
            and task.has_state(fired)}


def cycle_timer_firings(workflow: BpmnWorkflow) -> dict:
    """The steps each firing of a cycle timer started, ``{child task id: (timer task, child)}``: a cycle timer
    stays waiting and adds a child every time it fires (``R/start/P7D``: every seven days until its activity ends)."""
    went_on = TaskState.READY | TaskState.STARTED | TaskState.COMPLETED | TaskState.WAITING | TaskState.ERROR
    return {child.id: (task, child) for task in all_tasks(workflow)
            if isinstance(getattr(task.task_spec, "event_definition", None), CycleTimerEventDefinition)
            for child in task.children  # the elements it starts, not a merely predicted step or SpiffWorkflow's join
            if child.has_state(went_on) and getattr(child.task_spec, "bpmn_id", None) is not None}


def case_event_of(task) -> str | None:
    """The case-file event a timer's firing records besides ``timer_fired`` (its ``caseEvent`` property)."""
    props = spec_properties(task.task_spec)
    return props.get(bpmn.CASE_EVENT_PROPERTY)


def next_timer(workflow: BpmnWorkflow) -> dt.datetime | None:
    dues = [timer_instant(t.internal_data.get("event_value")) for t in waiting_timer_tasks(workflow).values()]
    return min((d for d in dues if d is not None), default=None)


def end_event_reached(workflow: BpmnWorkflow) -> str | None:
    ends = [t for t in workflow.tasks.values()
            if isinstance(t.task_spec, EndEvent) and t.state == TaskState.COMPLETED]
    if not ends:
        return None
    return element_id(max(ends, key=lambda t: t.last_state_change))


def errored_task(workflow: BpmnWorkflow):
    return next((t for t in all_tasks(workflow) if t.state == TaskState.ERROR), None)


def snapshot(workflow: BpmnWorkflow) -> Snapshot:
    tasks = [
        OpenTask(str(t.id), element_id(t), element_name(t), t.task_spec.lane, t.workflow.spec.name,
                 form_key(t), _instance(t), due_of(t), t.internal_data.get(ASSIGNEE_KEY))
        for t in ready_user_tasks(workflow)
    ]
    timer = next_timer(workflow)
    failed = errored_task(workflow)
    if failed is not None:
        status = CaseStatus.ERROR
    elif workflow.is_completed():
        status = CaseStatus.COMPLETED
    elif tasks:
        status = CaseStatus.WAITING_FOR_PEOPLE
    elif timer is not None:
        status = CaseStatus.WAITING_FOR_TIMER
    else:
        status = CaseStatus.WAITING_FOR_EVENT
    return Snapshot(status, tasks, timer, end_event_reached(workflow) if status == CaseStatus.COMPLETED else None,
                    element_id(failed) if failed is not None else None)


def _instance(task) -> int | None:
    info = getattr(task.task_spec, "task_info", None)
    if info is None:
        return None
    try:
        value = info(task).get("instance")
    except Exception:
        return None
    return value if isinstance(value, int) else None
