"""Taking back and sending back (issue 13, item 5), never a free jump:

- 撤回 (withdraw a step): who completed a step takes it back while nothing after it has been acted on (only the
  engine's own events follow it in the case file); the step opens again with what they submitted, claimed by them.
- 撤销 (withdraw a proposal): the starter withdraws their own case before it is decided — until one of the
  steps the process names in ``withdrawUntil`` has been reached; the case ends as cancelled and the withdrawal is
  recorded (published on the unit's board where the process says ``withdrawalNotice`` = true).
- 退回 (send back): the holder of a step sends the case back along a return the diagram draws on it (an
  interrupting boundary event marked ``sendBack`` whose flow leads to an earlier user task —
  ``engine.workflow.returns``), with a required reason; SpiffWorkflow routes the case along the drawn flow, the
  earlier step opens again with the case's data, claimed by who did it last, and they resubmit (再次提交).

Each is a write of the case through the unit of work: of a withdrawal and the next step's completion at once
exactly one wins.
"""

from __future__ import annotations

import copy
from uuid import UUID

import sqlalchemy as sa
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.util.task import TaskState

from engine.cases.attention import holders_of, note_text
from engine.cases.handover import check_holder
from engine.cases.unit import status_text
from engine.definitions import bpmn
from engine.definitions.xmlsafe import parse_bpmn
from engine.domain import clock, names
from engine.domain.actors import Actor
from engine.domain.statuses import ACTIVE_STATUSES, CaseStatus, EventKind
from engine.domain.texts import Text
from engine.errors import Conflict, FieldError, Forbidden, InvalidInput, InvalidState, NotFound
from engine.people import accounts
from engine.store import audit
from engine.store.audit import Event
from engine.store.tables import case_events, definition_versions, open_tasks
from engine.workflow import projection, returns

# what may follow a completed step in the case file without the step counting as acted on
QUIET_KINDS = {EventKind.TASK_OPENED, EventKind.TASK_CLOSED, EventKind.COMPUTED, EventKind.DEADLINE_APPROXIMATE,
               EventKind.TASK_DUE_CHANGED, EventKind.TASK_URGED, EventKind.CASE_COPIED}


def reopen(workflow, task) -> None:
    """Make a completed user task READY again with the data it was completed with (what the person submitted
    comes back prefilled). SpiffWorkflow 3.2's ``reset_from_task_id`` drops the tasks after it but leaves their
    waiting events (a dropped step's timer boundary event) registered with the event manager, whose next refresh
    then fails on a task without a parent: those are removed too."""
    workflow.reset_from_task_id(task.id, data=copy.deepcopy(task.data))
    live = {t.id for t in projection.all_tasks(workflow)}
    for task_id, waiting in list(workflow.event_manager.tasks.items()):
        if task_id not in live or waiting.parent is None:
            workflow.event_manager.remove_task(waiting)


class TakeBack:
    """撤回, 撤销, 退回 (mixed into ``Runtime``)."""

    def withdraw_step(self, case_id: int, task_id: str, actor: Actor, reason: str | None = None) -> dict:
        """撤回: take back my completed step while the next one has not been acted on."""
        reason = note_text(reason, "reason")
        now = clock.now()
        with self.db.begin() as conn:
            loaded = self.load(conn, case_id)
            row = loaded.row
            if row.status not in ACTIVE_STATUSES:
                raise InvalidState(Text("事项 {ref} {status}，不能再撤回", "case {ref} is {status}; nothing can be "
                                        "taken back", ref=row.reference, status=status_text(row.status)))
            events = conn.execute(sa.select(case_events.c.seq, case_events.c.kind, case_events.c.actor,
                                            case_events.c.task_id)
                                  .where(case_events.c.case_id == case_id).order_by(case_events.c.seq)).all()
            mine = [e for e in events if e.kind == EventKind.TASK_COMPLETED and e.task_id == str(task_id)]
            if not mine or mine[-1].actor != actor.user_id:
                raise Forbidden(Text("只能撤回自己办理的步骤", "you can take back only a step you completed"))
            after = [e for e in events if e.seq > mine[-1].seq]
            if any(e.kind not in QUIET_KINDS for e in after):
                raise Conflict(Text("后续步骤已有人办理，不能撤回（可请其退回）",
                                    "the next step has been acted on; it can no longer be taken back (ask its holder "
                                    "to send it back)"))
            task = self._completed_task(loaded, task_id)
            tell = sorted({u for t in loaded.open_before.values() for u in holders_of(conn, row.unit, t)}
                          - {actor.user_id})
            events_out, snap = self.advance(loaded.workflow, lambda: reopen(loaded.workflow, task))
            head = Event(EventKind.TASK_WITHDRAWN, actor.user_id, {"reason": reason, "tell": tell},
                         projection.element_id(task), str(task.id))
            claimed = self._reclaim(conn, loaded, snap, str(task.id), actor.user_id, actor.user_id)
            self.save(conn, loaded, loaded.workflow, snap, [head, *events_out], now)
            self._apply_claims(conn, case_id, claimed, now)
        return {"task_id": str(task.id), "case_id": case_id}

    def withdraw_case(self, case_id: int, actor: Actor, reason: str) -> dict:
        """撤销: the starter withdraws their own proposal before it is decided."""
        reason = note_text(reason, "reason", required=True)
        now = clock.now()
        with self.db.begin() as conn:
            loaded = self.load(conn, case_id)
            row = loaded.row
            if row.started_by != actor.user_id:
                raise Forbidden(Text("只有提议人本人可以撤销提议", "only who started the case may withdraw it"))
            if row.status not in ACTIVE_STATUSES:
                raise InvalidState(Text("事项 {ref} {status}，不能撤销", "case {ref} is {status}; it cannot be "
                                        "withdrawn", ref=row.reference, status=status_text(row.status)))
            until, notice = self._withdraw_rule(conn, row.definition_version_id, row.definition_key)
            if until is None:
                raise Forbidden(Text("这个议事方法不允许发起人撤销（流程未声明 withdrawUntil）",
                                     "this method does not let its starter withdraw (no withdrawUntil)"))
            reached = conn.execute(sa.select(case_events.c.element_id).where(
                case_events.c.case_id == case_id, case_events.c.element_id.in_(until)).limit(1)).scalar()
            if reached is not None:
                raise InvalidState(Text("事项已进入“{step}”，不能再撤销", "the case has reached '{step}'; it can no "
                                        "longer be withdrawn", step=reached))
            tell = sorted({u for t in loaded.open_before.values() for u in holders_of(conn, row.unit, t)}
                          - {actor.user_id})
            snap = projection.snapshot(loaded.workflow)
            snap.next_timer_at = None
            events = [Event(EventKind.CASE_WITHDRAWN, actor.user_id, {"reason": reason, "published": notice,
                                                                     "tell": tell}),
                      Event(EventKind.CASE_CANCELLED, actor.user_id, {"reason": reason, "withdrawn": True,
                                                                      "previous_status": row.status})]
            self.save(conn, loaded, loaded.workflow, snap, events, now, status=CaseStatus.CANCELLED)
        return {"case_id": case_id, "published": notice}

    def return_to(self, case_id: int, task_id: str, actor: Actor, to_element: str, reason: str) -> dict:
        """退回: send the case back from my open step along a return the diagram draws on it."""
        reason = note_text(reason, "reason", required=True)
        now = clock.now()
        with self.db.begin() as conn:
            loaded = self.load(conn, case_id)
            task = self._open_task(loaded, task_id)
            row = loaded.open_before[str(task.id)]
            check_holder(actor, loaded.row.unit, row)
            allowed = returns.targets(task)
            if to_element not in allowed:
                raise InvalidInput(Text("“{step}”不能退回到 {to}（流程图上画出的退回：{allowed}）",
                                        "'{step}' cannot be sent back to {to} (the returns the diagram draws: "
                                        "{allowed})", step=names.split(row.name), to=to_element,
                                        allowed="、".join(allowed) or "无 none"),
                                   [FieldError("to_element", Text("流程图上没有退回到这一步的连线",
                                                                  "the diagram draws no return to this step"))])
            done_by = conn.execute(sa.select(case_events.c.actor).where(
                case_events.c.case_id == case_id, case_events.c.element_id == to_element,
                case_events.c.kind == EventKind.TASK_COMPLETED).order_by(case_events.c.seq.desc()).limit(1)).scalar()
            event_task = returns.waiting_event(task, to_element)
            if event_task is not None:  # drawn: SpiffWorkflow follows the return flow; the step opens anew
                events_out, snap = self.advance(loaded.workflow, lambda: returns.fire(event_task))
                reopened = next((t.task_id for t in snap.open_tasks if t.element_id == to_element
                                 and t.task_id not in loaded.open_before), None)
            else:  # a version deployed before returns were drawn: its returnTo reopens the earlier task
                earlier = max((t for t in projection.all_tasks(loaded.workflow)
                               if getattr(t.task_spec, "bpmn_id", None) == to_element
                               and t.state == TaskState.COMPLETED), key=lambda t: t.last_state_change, default=None)
                if earlier is None:
                    raise InvalidState(Text("这个事项还没有办理过 {to}，无法退回", "the case never went through {to}",
                                            to=to_element))
                events_out, snap = self.advance(loaded.workflow, lambda: reopen(loaded.workflow, earlier))
                reopened = str(earlier.id)
            head = Event(EventKind.TASK_RETURNED, actor.user_id, {
                "reason": reason, "to_element": to_element, "to_task": reopened,
                "tell": [done_by] if done_by and done_by != actor.user_id else []},
                projection.element_id(task), str(task.id))
            claimed = self._reclaim(conn, loaded, snap, reopened, done_by, actor.user_id) if reopened else []
            self.save(conn, loaded, loaded.workflow, snap, [head, *events_out], now)
            self._apply_claims(conn, case_id, claimed, now)
        return {"task_id": reopened, "case_id": case_id, "to_element": to_element, "holder": done_by}

    # ----- helpers -----------------------------------------------------------------------------------------------

    @staticmethod
    def _completed_task(loaded, task_id: str):
        try:
            task = loaded.workflow.get_task_from_id(UUID(str(task_id)))
        except (ValueError, KeyError, TaskNotFoundException):
            task = None
        if task is None or task.state != TaskState.COMPLETED:
            raise NotFound(Text("事项中没有已办理的任务 {id}", "no completed task {id} in the case", id=task_id))
        return task

    @staticmethod
    def _reclaim(conn: sa.Connection, loaded, snap, task_id: str, user: str | None, by: str) -> list[Event]:
        """The reopened step goes back to who did it (a claim, recorded) when it is a role's step they still hold."""
        opened = next((t for t in snap.open_tasks if t.task_id == task_id), None)
        if opened is None or user is None or opened.assignee is not None:
            return []
        try:
            person = accounts.actor_of(conn, user)
        except NotFound:
            return []
        if not person.holds(loaded.row.unit, opened.role):
            return []
        return [Event(EventKind.TASK_CLAIMED, by, {"assignee": user, "previous": None, "reopened": True},
                      opened.element_id, task_id)]

    @staticmethod
    def _apply_claims(conn: sa.Connection, case_id: int, claimed: list[Event], now) -> None:
        """The claims after the save's own events (the step's reopening comes first in the file)."""
        audit.append(conn, case_id, now, claimed)
        for event in claimed:
            conn.execute(sa.update(open_tasks).where(open_tasks.c.task_id == event.task_id)
                         .values(claimed_by=event.data["assignee"], claimed_at=now))

    _withdraw_rules: dict[str, tuple[list[str] | None, bool]] = {}

    def _withdraw_rule(self, conn: sa.Connection, version_id: int, key: str) -> tuple[list[str] | None, bool]:
        """The process's ``withdrawUntil`` steps (None: the starter may not withdraw) and ``withdrawalNotice``."""
        dv = definition_versions
        content_hash = conn.execute(sa.select(dv.c.content_hash).where(dv.c.id == version_id)).scalar_one()
        if content_hash not in self._withdraw_rules:
            files = conn.execute(sa.select(dv.c.bpmn).where(dv.c.id == version_id)).scalar_one()
            found: tuple[list[str] | None, bool] = (None, False)
            for xml in files.values():
                for process in bpmn.processes(parse_bpmn(xml.encode("utf-8"))):
                    if process.get("id") == key:
                        props = bpmn.properties(process)
                        if bpmn.WITHDRAW_UNTIL_PROPERTY in props:
                            found = ([e.strip() for e in props[bpmn.WITHDRAW_UNTIL_PROPERTY].split(",") if e.strip()],
                                     props.get("withdrawalNotice", "").strip().lower() == "true")
            self._withdraw_rules[content_hash] = found
        return self._withdraw_rules[content_hash]
