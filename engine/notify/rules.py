"""Which case events tell whom what: one table from event kind to a rule, run inside the transaction that writes
the events (``engine.store.audit`` calls ``on_events`` after inserting them), so a notification exists exactly
when its event does — a save that fails or rolls back leaves neither.

To notify on a new event kind, add a function ``(case, event) -> list[Notice]`` to ``RULES``. Events other
helpers write with a recipient in their data follow the documented shapes below:

- ``task_escalated``: ``{"to_user": id}`` or ``{"to_role": role, "to_unit": unit}`` (default: the case's unit);
- ``objection_lodged``: the case's starter, and ``{"to_role": role}`` holders in the case's unit when given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from engine.domain.actors import SYSTEM
from engine.domain.statuses import EventKind
from engine.notify import outbox, recipients
from engine.notify.messages import NoticeKind
from engine.store.tables import case_events, cases, open_tasks


@dataclass
class Notice:
    """One thing to tell some people (and, for a role's step, the unit's group chat for that role)."""

    kind: str
    users: list[str]
    facts: dict
    task_id: str | None = None
    group: tuple[str, str] | None = None  # (unit, role) whose group webhooks also get it
    dedupe: str | None = None  # reminders: recorded once per key and person


@dataclass
class CaseFacts:
    """The case the events belong to, read once per batch, and who acted in the batch (not told of their own
    acts)."""

    conn: sa.Connection
    id: int
    reference: str
    title: str
    unit: str
    started_by: str
    actors: set[str] = field(default_factory=set)
    summary: list | None = None  # the method's summary fields, as the case row keeps them

    def facts(self, **more) -> dict:
        found = {"reference": self.reference, "title": self.title, "unit": self.unit, **more}
        if self.summary:
            found["summary"] = self.summary
        return found

    def step_name(self, task_id: str | None) -> str | None:
        """The name of a step by its task id (from the open task, else the case file's ``task_opened``)."""
        if task_id is None:
            return None
        name = self.conn.execute(sa.select(open_tasks.c.name).where(open_tasks.c.task_id == task_id)).scalar()
        if name is None:
            data = self.conn.execute(sa.select(case_events.c.data).where(
                case_events.c.task_id == task_id, case_events.c.kind == EventKind.TASK_OPENED)
                .order_by(case_events.c.seq.desc()).limit(1)).scalar()
            name = (data or {}).get("name")
        return name


def task_opened(case: CaseFacts, event) -> list[Notice]:
    role = event.data.get("role")
    if not role:
        return []
    users = [u for u in recipients.holders(case.conn, case.unit, role) if u not in case.actors]
    facts = case.facts(step=event.data.get("name"), role=role, due_at=event.data.get("due_at"),
                       task_id=event.task_id)
    return [Notice(NoticeKind.TASK_OPENED, users, facts, event.task_id, group=(case.unit, role))]


def task_reassigned(case: CaseFacts, event) -> list[Notice]:
    assignee = event.data.get("assignee")
    if not assignee or assignee == event.actor:
        return []
    facts = case.facts(step=case.step_name(event.task_id), task_id=event.task_id, by=event.actor,
                       note=event.data.get("reason"))
    return [Notice(NoticeKind.TASK_ASSIGNED, [assignee], facts, event.task_id)]


def task_completed(case: CaseFacts, event) -> list[Notice]:
    if event.actor == case.started_by:
        return []
    facts = case.facts(step=case.step_name(event.task_id), task_id=event.task_id, task_open=False)
    return [Notice(NoticeKind.PROPOSAL_MOVED, [case.started_by], facts, event.task_id)]


def case_finished(outcome: str) -> Callable:
    def rule(case: CaseFacts, event) -> list[Notice]:
        if event.actor == case.started_by:
            return []
        return [Notice(NoticeKind.CASE_FINISHED, [case.started_by], case.facts(outcome=outcome))]
    return rule


def task_escalated(case: CaseFacts, event) -> list[Notice]:
    data = event.data
    facts = case.facts(step=case.step_name(event.task_id), task_id=event.task_id, note=data.get("reason"))
    if data.get("to_user"):
        return [Notice(NoticeKind.ESCALATED, [data["to_user"]], facts, event.task_id)]
    if data.get("to_role"):
        unit = data.get("to_unit") or case.unit
        users = recipients.holders(case.conn, unit, data["to_role"])
        return [Notice(NoticeKind.ESCALATED, users, {**facts, "role": data["to_role"]}, event.task_id,
                       group=(unit, data["to_role"]))]
    return []


def objection_lodged(case: CaseFacts, event) -> list[Notice]:
    users = [case.started_by]
    if event.data.get("to_role"):
        users += recipients.holders(case.conn, case.unit, event.data["to_role"])
    users = [u for u in dict.fromkeys(users) if u != event.actor]
    return [Notice(NoticeKind.OBJECTION_LODGED, users, case.facts(by=event.actor, note=event.data.get("reason")),
                   event.task_id)]


def vote_opened(case: CaseFacts, event) -> list[Notice]:
    users = [entry["user"] for entry in event.data.get("roll", []) if entry["user"] not in case.actors]
    return [Notice(NoticeKind.VOTE_OPENED, users, case.facts(due_at=event.data.get("closes_at")))]


def fix_opened(case: CaseFacts, event) -> list[Notice]:
    role = event.data.get("to_role")
    users = recipients.holders(case.conn, case.unit, role) if role else []
    facts = case.facts(role=role, due_at=event.data.get("due_at"), note=event.data.get("comment") or None)
    return [Notice(NoticeKind.FIX_REQUESTED, users, facts, group=(case.unit, role) if role else None)]


def fix_done(case: CaseFacts, event) -> list[Notice]:
    rater = event.data.get("rater")
    return [Notice(NoticeKind.CALLED_BACK, [rater], case.facts(note=event.data.get("outcome")))] if rater else []


def fix_closed(case: CaseFacts, event) -> list[Notice]:
    role = event.data.get("to_role")  # only when still not satisfied
    if not role:
        return []
    return [Notice(NoticeKind.STILL_DISSATISFIED, recipients.holders(case.conn, case.unit, role),
                   case.facts(role=role))]


def post_added(case: CaseFacts, event) -> list[Notice]:
    users = [u for u in event.data.get("mentions", []) if u != event.actor]
    return [Notice(NoticeKind.MENTIONED, users, case.facts(by=event.actor, note=event.data.get("text", "")[:140]))] \
        if users else []
def task_urged(case: CaseFacts, event) -> list[Notice]:
    users = [u for u in event.data.get("holders") or [] if u != event.actor]
    facts = case.facts(step=case.step_name(event.task_id), task_id=event.task_id, by=event.actor,
                       note=event.data.get("note"))
    return [Notice(NoticeKind.URGED, users, facts, event.task_id)] if users else []


def case_copied(case: CaseFacts, event) -> list[Notice]:
    users = [u for u in event.data.get("to") or [] if u != event.actor]
    facts = case.facts(by=event.actor if event.actor != SYSTEM else None, note=event.data.get("note"))
    return [Notice(NoticeKind.COPIED, users, facts)] if users else []


def task_moved(case: CaseFacts, event) -> list[Notice]:
    """转办 / stand-in / 换届: the new holder is told (by whom and why)."""
    to = event.data.get("to")
    if not to or to == event.actor:
        return []
    facts = case.facts(step=case.step_name(event.task_id), task_id=event.task_id, by=event.actor,
                       note=event.data.get("reason"))
    return [Notice(NoticeKind.TASK_ASSIGNED, [to], facts, event.task_id)]


def request_made(case: CaseFacts, event) -> list[Notice]:
    to = event.data.get("to")
    if not to or event.data.get("status") == "waiting":  # consult after: told once the decision is made
        return []
    facts = case.facts(step=case.step_name(event.task_id), task_id=event.task_id, task_open=False,
                       by=event.actor, note=event.data.get("note"))
    return [Notice(NoticeKind.REQUESTED, [to], facts, event.task_id)]


def request_answered(case: CaseFacts, event) -> list[Notice]:
    to = event.data.get("to")
    if not to or to == event.actor:
        return []
    facts = case.facts(step=case.step_name(event.task_id), task_id=event.task_id, by=event.actor,
                       note=event.data.get("answer"))
    return [Notice(NoticeKind.ANSWERED, [to], facts, event.task_id)]


def taken_back(case: CaseFacts, event) -> list[Notice]:
    """退回 / 撤回 / 撤销: those named in the event (the earlier holder, the next step's holders) are told."""
    users = [u for u in dict.fromkeys(event.data.get("tell") or []) if u != event.actor]
    facts = case.facts(step=case.step_name(event.task_id), task_id=event.task_id, by=event.actor,
                       note=event.data.get("reason"))
    return [Notice(NoticeKind.TAKEN_BACK, users, facts, event.task_id)] if users else []


RULES: dict[str, Callable[[CaseFacts, object], list[Notice]]] = {
    EventKind.TASK_OPENED: task_opened,
    EventKind.TASK_REASSIGNED: task_reassigned,
    EventKind.TASK_COMPLETED: task_completed,
    EventKind.CASE_COMPLETED: case_finished("completed"),
    EventKind.CASE_CANCELLED: case_finished("cancelled"),
    "task_escalated": task_escalated,
    "objection_lodged": objection_lodged,
    EventKind.VOTE_OPENED: vote_opened,
    EventKind.FIX_OPENED: fix_opened,
    EventKind.FIX_DONE: fix_done,
    EventKind.FIX_CLOSED: fix_closed,
    EventKind.POST_ADDED: post_added,
    EventKind.TASK_URGED: task_urged,
    EventKind.CASE_COPIED: case_copied,
    EventKind.TASK_TRANSFERRED: task_moved,
    EventKind.TASK_DELEGATED: request_made,
    EventKind.TASK_CONSULTED: request_made,
    EventKind.REQUEST_ANSWERED: request_answered,
    EventKind.TASK_WITHDRAWN: taken_back,
    EventKind.TASK_RETURNED: taken_back,
    EventKind.CASE_WITHDRAWN: taken_back,
}


_CASE_FACTS = sa.select(cases.c.reference, cases.c.title, cases.c.unit, cases.c.started_by,
                       cases.c.summary).where(cases.c.id == sa.bindparam("b_case"))  # read at every step: built once


def on_events(conn: sa.Connection, case_id: int, at: dt.datetime, events: list) -> None:
    """Turn a batch of case events into notifications and outbox rows, in the caller's transaction."""
    relevant = [e for e in events if e.kind in RULES]
    if not relevant:
        return
    row = conn.execute(_CASE_FACTS, {"b_case": case_id}).first()
    if row is None:
        return
    case = CaseFacts(conn, case_id, row.reference, row.title, row.unit, row.started_by,
                     {e.actor for e in events if e.actor != SYSTEM}, row.summary)
    notices = [notice for event in relevant for notice in RULES[event.kind](case, event)]
    outbox.record(conn, case_id, notices, at)
