"""退回 as drawn: the allowed returns of a step are interrupting boundary events on it, marked ``sendBack`` = true,
whose one outgoing sequence flow leads back to an earlier user task (processes/CONVENTIONS.md, "Task actions").

Sending a case back fires the drawn boundary event of the step (and no other): SpiffWorkflow cancels the step and
its other boundary events and routes the case along the drawn flow, so the earlier step opens again as a new task
with the case's data — what was submitted there comes back prefilled. What the engine offers is exactly what the
diagram shows. Versions deployed before returns were drawn name their targets in a ``returnTo`` property; their
running cases keep that (``legacy_targets``), and anything deployed now is refused by lint if it still uses it.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin, BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.util.task import TaskState

from engine.definitions import bpmn
from engine.workflow import projection

SPLIT = ".BoundaryEventSplit"


def is_return_event(spec) -> bool:
    """A drawn 退回: an interrupting boundary event marked ``sendBack`` = true."""
    return (isinstance(spec, BoundaryEvent) and bool(getattr(spec, "cancel_activity", False))
            and str(projection.spec_properties(spec).get(bpmn.SEND_BACK_PROPERTY, "")).strip().lower() == "true")


def return_events(spec) -> list:
    """The return boundary events drawn on a step's spec (a multi-person step's wrapper carries them)."""
    split = next((i for i in spec.inputs if isinstance(i, BoundaryEventSplit)), None)
    if split is None:
        return []
    return [o for o in split.outputs if o is not spec and is_return_event(o)]


def target_of(event_spec) -> str | None:
    """The user task a return event leads back to: its one outgoing flow, through merging exclusive gateways (one
    way out) and the target's own boundary-event split; None when it leads anywhere else."""
    ahead = [o for o in event_spec.outputs if not isinstance(o, BoundaryEventJoin)]
    seen = set()
    while len(ahead) == 1 and ahead[0].name not in seen:
        spec = ahead[0]
        seen.add(spec.name)
        if isinstance(spec, BoundaryEventSplit):
            ahead = [o for o in spec.outputs if o.name == spec.name[: -len(SPLIT)]]
        elif isinstance(spec, (UserTask, MultiInstanceTask)):
            return getattr(spec, "bpmn_id", None) or spec.name
        elif isinstance(spec, ExclusiveGateway):
            ahead = list(spec.outputs)
        else:
            return None
    return None


def drawn_returns(spec) -> dict[str, object]:
    """Target user task id -> the return event drawn to it, for a step's spec."""
    found = {}
    for event in return_events(spec):
        target = target_of(event)
        if target is not None:
            found.setdefault(target, event)
    return found


def legacy_targets(task) -> list[str]:
    """A version deployed before returns were drawn: the ``returnTo`` property of the step."""
    value = projection.spec_properties(task.task_spec).get(bpmn.RETURN_TO_PROPERTY) or ""
    return [e.strip() for e in value.split(",") if e.strip()]


def targets(task) -> list[str]:
    """The earlier steps an open task may send the case back to: the drawn ones, else (an old version) returnTo."""
    owner = projection.step_task(task)
    drawn = drawn_returns(owner.task_spec)
    return list(drawn) if drawn else legacy_targets(task)


def waiting_event(task, target: str):
    """The live boundary event of an open task that sends the case back to ``target`` (None if not drawn)."""
    owner = projection.step_task(task)
    event_spec = drawn_returns(owner.task_spec).get(target)
    if event_spec is None or owner.parent is None:
        return None
    return next((t for t in owner.parent.children if t.task_spec is event_spec and t.state == TaskState.WAITING),
                None)


def fire(event_task) -> None:
    """Catch the drawn event on this one boundary event (no broadcast to other waiting events): the attached step
    is cancelled when the engine steps run and the case follows the event's outgoing flow."""
    spec = event_task.task_spec
    spec.catch(event_task, BpmnEvent(spec.event_definition))
    spec._update(event_task)
