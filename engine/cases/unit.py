"""The case unit of work: restore a case against its pinned definition, step it, store it in one transaction."""

from __future__ import annotations

import ast
import datetime as dt
import functools
import json
import math
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task

from engine.cases import holidays
from engine.definitions import compiler as definitions
from engine.domain import periods, roster, values
from engine.domain.actors import SYSTEM
from engine.domain.statuses import TIMER_CASE_EVENTS, CaseStatus, EventKind
from engine.domain.texts import Text
from engine.errors import Conflict, FieldError, InvalidInput, InvalidState, NotFound, YishiError
from engine.notify import recipients
from engine.notify import rules as notification_rules
from engine.sandbox.environment import make_script_engine
from engine.settings import settings
from engine.store import audit, report_state
from engine.store.audit import Event
from engine.store.tables import cases, definition_versions, open_tasks
from engine.workflow import projection, serializer
from engine.workflow.projection import OpenTask, Snapshot

MAX_ERROR_MESSAGE = 2000

# every case write appends to the case file through engine.store.audit; the notifications its events cause are
# written in that same transaction (the outbox), so a write that fails leaves neither
audit.observe(notification_rules.on_events)
_MISSING = object()

# Statements built once (SQLAlchemy then skips building them and computing their cache key on every step);
# the SET clause of an UPDATE comes from the parameter names that are columns.
# the case row with its version's key and content hash (what finds the parsed definition in the cache): one
# statement where a step used to need two
_LOAD_CASE = (sa.select(cases, definition_versions.c.key.label("version_key"),
                        definition_versions.c.content_hash.label("version_hash"))
              .join(definition_versions, definition_versions.c.id == cases.c.definition_version_id)
              .where(cases.c.id == sa.bindparam("b_id")))
_LOAD_OPEN_TASKS = sa.select(open_tasks).where(open_tasks.c.case_id == sa.bindparam("b_id"))
_SAVE_CASE = sa.update(cases).where(cases.c.id == sa.bindparam("b_id"),
                                    cases.c.lock_version == sa.bindparam("b_version"),
                                    cases.c.event_count == sa.bindparam("b_count"))
_MOVE_DUE = sa.update(open_tasks).where(open_tasks.c.task_id == sa.bindparam("b_task"))
_DROP_TASKS = sa.delete(open_tasks).where(open_tasks.c.task_id.in_(sa.bindparam("b_tasks", expanding=True)))
_ADD_TASKS = sa.insert(open_tasks)

# A case's status as a person reads it in a message ("事项 X 已取消" / "case X is cancelled").
STATUS_TEXTS: dict[str, Text] = {
    CaseStatus.WAITING_FOR_PEOPLE: Text("正在等待办理", "waiting for people"),
    CaseStatus.WAITING_FOR_TIMER: Text("正在等待期限届满", "waiting for a timer"),
    CaseStatus.WAITING_FOR_EVENT: Text("正在等待外部消息", "waiting for an event"),
    CaseStatus.COMPLETED: Text("已办结", "completed"),
    CaseStatus.CANCELLED: Text("已取消", "cancelled"),
    CaseStatus.SUSPENDED: Text("已暂停", "suspended"),
    CaseStatus.ERROR: Text("出错待处理", "in error"),
}


def status_text(status: str) -> Text:
    return STATUS_TEXTS.get(status) or Text(str(status), str(status))


class UnreadableState(InvalidState):
    """A case's stored workflow state cannot be restored (damaged, or written by an incompatible version)."""



class Unstorable(Exception):
    """A step's result holds a value that cannot be stored; ``element``: where it was last seen, if known."""

    def __init__(self, reason: str, element: str | None = None):
        super().__init__(reason)
        self.reason, self.element = reason, element


class TooLarge(Exception):
    """A case's state would exceed YISHI_MAX_CASE_BYTES."""

    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


@dataclass
class Loaded:
    """A case row with its restored workflow and the definition it is pinned to."""

    row: sa.Row
    definition: definitions.ParsedDefinition
    workflow: BpmnWorkflow
    open_before: dict[str, sa.Row] = field(default_factory=dict)




def json_copy(data, what: str = "data") -> dict:
    """A deep, JSON-only copy of submitted data: never aliased, always storable on both databases.

    Refuses, with a field error, what JSON allows Python but a store or a rule chokes on: NaN and infinities,
    NUL characters and lone surrogates.
    """
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidInput(Text("{what}须为 JSON 对象", "{what} must be a JSON object", what=what))
    errors = list(_unstorable(data, ""))
    if errors:
        raise InvalidInput(Text("数据中有无法保存的值：{paths}", "unstorable values at: {paths}",
                                paths=", ".join(e.path or "(root)" for e in errors)), errors)
    try:
        return json.loads(json.dumps(data, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(Text("{what}不是合法的 JSON：{e}", "{what} is not JSON: {e}", what=what, e=exc)) from None


def _unstorable(value, path: str):
    for where, leaf in values.leaves(value, path):
        if isinstance(leaf, float) and not math.isfinite(leaf):
            yield FieldError(where, Text("须为有限的数字", "must be a finite number"))
        elif isinstance(leaf, str) and values.has_nul(leaf):
            yield FieldError(where, Text("不能包含空字符 (NUL)", "must not contain NUL characters"))
        elif isinstance(leaf, str) and values.has_lone_surrogate(leaf):
            yield FieldError(where, Text("包含无效的字符", "contains an invalid character (lone surrogate)"))




class CaseUnit:
    """The unit of work every case operation goes through: load → step → save, with the ``lock_version`` check.

    Case-file events are computed by ``advance`` and returned; ``save`` appends them with the state in one
    transaction. Of two concurrent writers exactly one wins; the other gets ``Conflict`` and nothing is stored.
    """

    def __init__(self, db: sa.Engine):
        self.db = db
        self.script_engine = make_script_engine()
        self.max_case_bytes = settings().max_case_bytes  # YISHI_MAX_CASE_BYTES

    # ----- loading -------------------------------------------------------------------------

    def definition(self, conn: sa.Connection, version_id: int,
                   head: tuple[str, str] | None = None) -> definitions.ParsedDefinition:
        """The parsed definition of a stored version; ``head``: its (key, content hash) when already read."""
        dv = definition_versions
        if head is None:
            head = conn.execute(sa.select(dv.c.key, dv.c.content_hash).where(dv.c.id == version_id)).first()
            if head is None:
                raise NotFound(Text("未找到流程定义版本 {id}", "definition version {id} not found", id=version_id))
        cached = definitions.cached(*head)
        if cached is not None:
            return cached  # the common case: no need to fetch and decode the BPMN and forms again
        row = conn.execute(sa.select(dv).where(dv.c.id == version_id)).one()
        return definitions.parse_stored(row.key, row.content_hash, row.bpmn, row.forms,
                                        row.start_roles, row.start_form)

    def load(self, conn: sa.Connection, case_id: int, lock: bool = False) -> Loaded:
        holidays.refresh(conn)  # a year's arrangement loaded by another process counts here too
        query = _LOAD_CASE.with_for_update(of=cases, skip_locked=True) if lock else _LOAD_CASE
        row = conn.execute(query, {"b_id": case_id}).first()
        if row is None:
            raise NotFound(Text("未找到事项 {ref}", "case {ref} not found", ref=case_id))
        parsed = self.definition(conn, row.definition_version_id, (row.version_key, row.version_hash))
        try:
            workflow = serializer.loads(row.state, parsed.spec, parsed.subprocess_specs, self.script_engine)
        except Exception as exc:  # damaged or incompatible state: an error that names the case, never a crash
            raise UnreadableState(Text("事项 {ref} 的存储状态无法读取（{e}），请联系管理员",
                                       "the stored state of case {ref} cannot be loaded ({e}); tell an administrator",
                                       ref=row.reference, e=_describe(exc))) from exc
        before = {r.task_id: r for r in conn.execute(_LOAD_OPEN_TASKS, {"b_id": case_id})}
        bind_roster(workflow, conn, row.unit)
        return Loaded(row, parsed, workflow, before)

    # ----- advancing the workflow ------------------------------------------------------------

    def advance(self, workflow: BpmnWorkflow, action: Callable[[], None]) -> tuple[list[Event], Snapshot]:
        """Run ``action`` and the engine steps; a failing expression yields an error snapshot, not an exception."""
        already_fired = set(projection.fired_timer_tasks(workflow))
        already_cycled = set(projection.cycle_timer_firings(workflow))
        error: tuple[str | None, str] | None = None
        computed: list[Event] = []

        def record_computation(task) -> None:
            """Values scripts computed (quorum_met, deadlines, flags, a call's publication_kind) go into the case file.

            Only tasks completed by the engine pass through here; a user task's postScript runs in ``task.run()``
            and its results show up in the task's completion data instead.
            """
            spec = task.task_spec
            hooks = [getattr(spec, "prescript", None), getattr(spec, "postscript", None)]
            if task.parent is None or not (isinstance(spec, ScriptTask) or any(hooks)):
                noted.clear()
                return
            assigned = frozenset().union(*(_assigned_names(code) for code in
                                           [spec.script if isinstance(spec, ScriptTask) else None, *hooks] if code))
            if isinstance(spec, ScriptTask):
                delta = {k: v for k, v in task.data.items()
                         if k in assigned or task.parent.data.get(k, _MISSING) != v}
            else:  # pre/post scripts of other tasks: only what they assign, not the form data
                delta = {k: v for k, v in task.data.items() if k in assigned}
            if delta:
                computed.append(Event(EventKind.COMPUTED, SYSTEM, delta, projection.element_id(task), str(task.id)))
                approximate = {key: note for note in noted for key, value in delta.items() if value == note["value"]}
                if approximate:  # a deadline counted without its year's holidays: say so, keep how to redo it
                    computed.append(Event(EventKind.DEADLINE_APPROXIMATE, SYSTEM, approximate,
                                          projection.element_id(task), str(task.id)))
            noted.clear()

        try:
            lookup = getattr(workflow, ROSTER_ATTRIBUTE, _no_roster)
            with periods.noting_approximations() as noted, roster.bound(lookup):
                action()
                noted.clear()  # what the action itself computed (a form's rules) is no deadline of a script
                workflow.do_engine_steps(did_complete_task=record_computation)
                projection.prepare_ready_tasks(workflow)
        except SpiffWorkflowException as exc:
            error = (_element_of(exc), _message_of(exc))
        except YishiError as exc:
            error = (_element_in_traceback(exc), exc.message)
        except Exception as exc:  # whatever else a definition provokes (a timer giving no date, ...) is a case error
            error = (_element_in_traceback(exc), _describe(exc))
        # a timer counts as fired when its task went on (not CANCELLED with its activity); one created and
        # already due within this very step (e.g. re-entering an overdue task) counts too
        fired = [(task, task, projection.timer_instant(task.internal_data.get("event_value")))
                 for task_id, task in projection.fired_timer_tasks(workflow).items() if task_id not in already_fired]
        fired += [(timer, child, _cycle_instant(timer))
                  for child_id, (timer, child) in projection.cycle_timer_firings(workflow).items()
                  if child_id not in already_cycled]
        events = []
        for timer, task, due in fired:
            element = projection.element_id(timer)
            events.append(Event(EventKind.TIMER_FIRED, SYSTEM, {"due_at": _iso(due)}, element, str(task.id)))
            kind = projection.case_event_of(timer)
            if kind in TIMER_CASE_EVENTS:  # what the firing means, for the case file and notifications
                events.append(Event(EventKind(kind), SYSTEM, {"due_at": _iso(due), "timer": timer.task_spec.bpmn_name},
                                    element, str(task.id)))
        events += computed
        snap = projection.snapshot(workflow)
        if error is not None:
            failed = projection.errored_task(workflow)
            snap.status = CaseStatus.ERROR
            snap.error_element = snap.error_element or error[0] or (
                projection.element_id(failed) if failed is not None else None)
            snap.error_message = error[1][:MAX_ERROR_MESSAGE]
        return events, snap

    # ----- writing -----------------------------------------------------------------------------

    def save(self, conn: sa.Connection, loaded: Loaded, workflow: BpmnWorkflow, snap: Snapshot,
               events: list[Event], now: dt.datetime, *, status: str | None = None,
               progress: bool = True) -> None:
        """Store state, projection and events for an existing case with the optimistic version check."""
        state, snap, events = self._storable(loaded, workflow, snap, events)
        row = loaded.row
        after = status or snap.status
        visible = after not in (CaseStatus.CANCELLED,)
        writes = self._plan_tasks(row.id, row.unit, loaded.open_before, snap.open_tasks if visible else [], now,
                                  events, report_state.is_active(after))
        self._status_events(snap, events, row.status, status)
        # one UPDATE moves state, projection columns and the file's sealed head, against the version *and* the
        # head that were loaded: an append in between (one that does not bump lock_version) is a conflict too
        rows, head = audit.chain(row.id, row.event_count, row.head_hash, now, events)
        values = dict(
            state=state, status=status or snap.status, lock_version=row.lock_version + 1,
            updated_at=now, next_timer_at=snap.next_timer_at, end_event=snap.end_event,
            error_element=snap.error_element, error_message=snap.error_message, error_cause=None,
            **(head if rows else {}),
        )
        if progress:
            values["last_progress_at"] = now
        result = conn.execute(_SAVE_CASE, {**values, "b_id": row.id, "b_version": row.lock_version,
                                           "b_count": row.event_count})
        if result.rowcount != 1:
            stale = Conflict(Text("事项 {ref} 刚被其他人修改过，请刷新后再试",
                                  "case {ref} was changed by someone else meanwhile; reload and try again",
                                  ref=row.reference))
            stale.stale_case = True  # another writer saved first: nothing of this step was stored
            raise stale
        writes(conn)
        audit.append(conn, row.id, now, events, chained=rows)
        report_state.case_written(conn, row.id, now, events, row.status, after)

    def _storable(self, loaded: Loaded, workflow: BpmnWorkflow, snap: Snapshot,
                  events: list[Event]) -> tuple[str, Snapshot, list[Event]]:
        """The state to store, or — when the step's result cannot be stored (a value JSON cannot hold, an integer
        over 4,300 digits, more than YISHI_MAX_CASE_BYTES) — the case's previous state and projection with the
        case in error at the element that produced the value: nothing of the failed step is stored."""
        try:
            return self.checked_state(workflow, events, unchanged=loaded.row.state), snap, events
        except TooLarge as too_large:
            element = _largest_data_element(workflow)
            message = (f"the case data would take {too_large.size:,} bytes, over the limit of "
                       f"{self.max_case_bytes:,} (YISHI_MAX_CASE_BYTES); this step was not stored")
        except Unstorable as unstorable:
            element = _unstorable_element(workflow) or unstorable.element
            message = f"a value cannot be stored ({unstorable.reason}); this step was not stored"
        row = loaded.row
        snap.status, snap.next_timer_at, snap.end_event = CaseStatus.ERROR, row.next_timer_at, None
        snap.open_tasks = [OpenTask(r.task_id, r.element_id, r.name, r.role, r.process_key, r.form, r.instance,
                                    r.due_at, r.assignee) for r in loaded.open_before.values()]
        snap.error_element, snap.error_message = element, message[:MAX_ERROR_MESSAGE]
        return row.state, snap, []

    def checked_state(self, workflow: BpmnWorkflow, events: list[Event], unchanged: str | None = None) -> str:
        """The workflow's state as stored, once it and the events are known storable: ``Unstorable`` for a value
        JSON cannot hold (an integer over 4,300 digits, NaN, a range), ``TooLarge`` beyond YISHI_MAX_CASE_BYTES
        (unless the state is ``unchanged``)."""
        element = None
        try:
            state = serializer.dumps(workflow)
            for event in events:
                element = event.element_id
                json.dumps(event.data, default=repr, allow_nan=False)
        except Exception as exc:  # whatever the serializer raised, it means the same: not storable
            raise Unstorable(_describe(exc), element) from exc
        if len(state) > self.max_case_bytes and state != unchanged:  # ASCII JSON: chars are bytes
            raise TooLarge(len(state))
        return state

    def _sync_tasks(self, conn, case_id: int, unit: str, before: dict, tasks: list, now, events: list[Event],
                    active: bool):
        self._plan_tasks(case_id, unit, before, tasks, now, events, active)(conn)

    def _plan_tasks(self, case_id: int, unit: str, before: dict, tasks: list, now, events: list[Event],
                    active: bool):
        """Append the task events of moving the projection from ``before`` to ``tasks``; return the writes that
        move it (a function of the connection), so the case row can be updated first. Unchanged rows are left;
        new ones say whether the case is ``active`` (its other rows follow in ``report_state.case_written``)."""
        current = {t.task_id: t for t in tasks}
        for task_id, old in before.items():
            completed_now = any(e.task_id == task_id and e.kind == EventKind.TASK_COMPLETED for e in events)
            if task_id not in current and not completed_now:
                events.append(Event(EventKind.TASK_CLOSED, SYSTEM, {"role": old.role}, old.element_id, task_id))
        gone = [tid for tid in before if tid not in current]
        due_changes, new_rows = [], []
        for task in tasks:
            if task.task_id in before:
                if before[task.task_id].due_at != task.due_at:
                    due_changes.append({"b_task": task.task_id, "due_at": task.due_at})
                    events.append(Event(EventKind.TASK_DUE_CHANGED, SYSTEM,
                                        {"due_at": _iso(task.due_at), "previous": _iso(before[task.task_id].due_at)},
                                        task.element_id, task.task_id))
                continue
            new_rows.append(dict(task_id=task.task_id, case_id=case_id, element_id=task.element_id, name=task.name,
                                 role=task.role, unit=unit, process_key=task.process_key, form=task.form,
                                 instance=task.instance, due_at=task.due_at, created_at=now, assignee=task.assignee,
                                 case_active=active))
            opened = {"role": task.role, "name": task.name, "due_at": _iso(task.due_at), "form": task.form}
            if task.assignee is not None:
                opened["assignee"] = task.assignee
            if task.due_at is not None and not periods.calendar_covers(task.due_at):
                opened["due_approximate"] = True  # no PRC holiday data for that year yet: weekends only
            events.append(Event(EventKind.TASK_OPENED, SYSTEM, opened, task.element_id, task.task_id))

        def write(conn) -> None:
            if gone:
                conn.execute(_DROP_TASKS, {"b_tasks": gone})
            for change in due_changes:
                conn.execute(_MOVE_DUE, change)
            if new_rows:
                conn.execute(_ADD_TASKS, new_rows)
        return write

    @staticmethod
    def _status_events(snap: Snapshot, events: list[Event], old_status: str | None, forced: str | None) -> None:
        if forced is not None:
            return
        if snap.status == CaseStatus.COMPLETED and old_status != CaseStatus.COMPLETED:
            events.append(Event(EventKind.CASE_COMPLETED, SYSTEM, {"end_event": snap.end_event}, snap.end_event))
        elif snap.status == CaseStatus.ERROR:
            events.append(Event(EventKind.CASE_ERROR, SYSTEM, {"message": snap.error_message}, snap.error_element))



ROSTER_ATTRIBUTE = "yishi_roster"


def bind_roster(workflow: BpmnWorkflow, conn: sa.Connection, unit: str) -> None:
    """Let the designers' ``role_members(role)`` answer, while this workflow advances, with the role's holders in
    the case's unit (read through the case's own connection, so in its transaction)."""
    setattr(workflow, ROSTER_ATTRIBUTE, functools.partial(recipients.holders, conn, unit))


def _no_roster(role: str) -> list[str]:
    raise LookupError("role_members: this step has no case unit to ask")


@functools.lru_cache(maxsize=2048)
def _assigned_names(script: str) -> frozenset[str]:
    """Names a script assigns, so a recomputed value equal to the old one is still recorded."""
    try:
        tree = ast.parse(script)
    except SyntaxError:
        return frozenset()
    names = set()
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else []
        for target in targets:
            names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return frozenset(names)




def _element_of(exc: SpiffWorkflowException) -> str | None:
    spec = getattr(exc, "task_spec", None)
    if spec is None and getattr(exc, "task", None) is not None:
        spec = exc.task.task_spec
    return getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)


def _message_of(exc: SpiffWorkflowException) -> str:
    notes = getattr(exc, "notes", None) or getattr(exc, "__notes__", None) or []
    return " ".join([str(exc), *[str(n) for n in notes]]).strip()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_MESSAGE]


def _element_in_traceback(exc: BaseException) -> str | None:
    """The BPMN element whose task was being worked when ``exc`` was raised (SpiffWorkflow names it ``my_task``)."""
    found = None
    for frame, _line in traceback.walk_tb(exc.__traceback__):
        for name in ("my_task", "task"):
            task = frame.f_locals.get(name)
            if isinstance(task, Task):
                found = task
                break
    return projection.element_id(found) if found is not None else None


def _task_data_sizes(workflow: BpmnWorkflow):
    """(task, size of its data as stored) in the order tasks last changed; size None when it cannot be stored."""
    encoder = create_encoder(serializer.registry())  # what the serializer itself does with each value
    for task in sorted(projection.all_tasks(workflow), key=lambda t: t.last_state_change):
        try:
            size = sum(len(json.dumps(data, cls=encoder, allow_nan=False)) for data in (task.data, task.internal_data))
        except Exception:
            size = None
        yield task, size


def _unstorable_element(workflow: BpmnWorkflow) -> str | None:
    """The first task (in the order of their steps) whose data cannot be stored: the one that produced it."""
    return next((projection.element_id(t) for t, size in _task_data_sizes(workflow) if size is None), None)


def _largest_data_element(workflow: BpmnWorkflow) -> str | None:
    """The first task holding as much data as any (data is copied onward: the first is the one that made it)."""
    sizes = [(t, size) for t, size in _task_data_sizes(workflow) if size is not None]
    biggest = max((size for _t, size in sizes), default=0)
    return next((projection.element_id(t) for t, size in sizes if size == biggest and t.parent is not None), None)


def _cycle_instant(timer) -> dt.datetime | None:
    """The instant a cycle timer just fired at: its next firing less one period."""
    value = timer.internal_data.get("event_value")
    if not isinstance(value, dict) or not isinstance(value.get("duration"), int | float):
        return None
    following = projection.timer_instant(value)
    return following - dt.timedelta(seconds=value["duration"]) if following is not None else None


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
