"""Drawing attention to a case without changing its course: 催办 (urge the holder of an open step) and 抄送 (copy
the case to people for their information, by a step's ``copyTo`` or by a participant), plus noting when someone
who may work an open step opened it (what the stuck report shows beside the urges).

Each act is a write of the case like a claim: it takes the case row (``lock_version`` + 1) and appends its event
in the same transaction, so of an urge and a completion at once exactly one wins (the urge of a step that is no
longer open is refused), and an urge inside the cooldown is refused however many are sent at once.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from engine.definitions import bpmn
from engine.domain import clock, names
from engine.domain.actors import SYSTEM, Actor
from engine.domain.statuses import ACTIVE_STATUSES, EventKind
from engine.domain.texts import Text
from engine.errors import Conflict, FieldError, Forbidden, InvalidInput, InvalidState, NotFound
from engine.notify import recipients
from engine.settings import settings
from engine.store import audit
from engine.store.audit import Event
from engine.store.tables import case_copies, case_events, cases, open_tasks, users
from engine.workflow import projection

MAX_NOTE = 500
MAX_RECIPIENTS = 50


def note_text(value: str | None, field: str = "note", *, required: bool = False) -> str:
    """A person's note or reason: trimmed, at most ``MAX_NOTE`` characters, required when asked."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(Text("请填写{what}（会记入事项档案）",
                                "a {what_en} is required (it goes into the case file)",
                                what="理由" if field == "reason" else "说明", what_en=field),
                           [FieldError(field, Text("必填", "required"))])
    if len(text) > MAX_NOTE:
        raise InvalidInput(Text("{what}最多 {n} 个字", "the {what_en} is longer than {n} characters",
                                what="理由" if field == "reason" else "说明", what_en=field, n=MAX_NOTE),
                           [FieldError(field, Text("太长", "too long"))])
    return text


def lock_case(conn: sa.Connection, case_id: int) -> sa.Row:
    """Take the case row as a writer (``lock_version`` + 1, the row lock on PostgreSQL) and read it."""
    if conn.execute(sa.update(cases).where(cases.c.id == case_id)
                    .values(lock_version=cases.c.lock_version + 1)).rowcount != 1:
        raise NotFound(Text("未找到事项 {ref}", "case {ref} not found", ref=case_id))
    return conn.execute(sa.select(cases.c.id, cases.c.unit, cases.c.status, cases.c.reference, cases.c.started_by,
                                  cases.c.definition_version_id).where(cases.c.id == case_id)).one()


def open_task_row(conn: sa.Connection, case: sa.Row, task_id: str) -> sa.Row:
    task = conn.execute(sa.select(open_tasks).where(open_tasks.c.task_id == str(task_id),
                                                    open_tasks.c.case_id == case.id)).first()
    if task is None or case.status not in ACTIVE_STATUSES:
        raise Conflict(Text("这一步已不在待办中（可能刚办完），请刷新后查看",
                            "this step is no longer open (it may just have been done); reload the case"))
    return task


def took_part(conn: sa.Connection, case: sa.Row, actor: Actor) -> bool:
    """The case's starter, an administrator of its unit, someone who acted in its file, or a holder of one of its
    open steps."""
    if actor.user_id == case.started_by or actor.administers(case.unit):
        return True
    acted = conn.execute(sa.select(case_events.c.id).where(
        case_events.c.case_id == case.id, case_events.c.actor == actor.user_id,
        case_events.c.kind.in_((EventKind.TASK_COMPLETED, EventKind.CASE_STARTED, EventKind.REQUEST_ANSWERED)))
        .limit(1)).first()
    if acted is not None:
        return True
    return any(actor.may_work(case.unit, t.role, t.assignee) or t.claimed_by == actor.user_id for t in conn.execute(
        sa.select(open_tasks.c.role, open_tasks.c.assignee, open_tasks.c.claimed_by)
        .where(open_tasks.c.case_id == case.id)))


def holders_of(conn: sa.Connection, unit: str, task: sa.Row) -> list[str]:
    """Who holds an open step now: the person it is claimed by or addressed to, else every holder of its role."""
    if task.claimed_by:
        return [task.claimed_by]
    if task.assignee:
        return [task.assignee]
    return recipients.holders(conn, unit, task.role) if task.role else []


class Attention:
    """Urges and copies (mixed into ``Runtime``)."""

    urge_cooldown: dt.timedelta | None = None  # None: YISHI_URGE_COOLDOWN_MINUTES

    def _urge_cooldown(self) -> dt.timedelta:
        return self.urge_cooldown if self.urge_cooldown is not None else \
            dt.timedelta(minutes=settings().urge_cooldown_minutes)

    def urge(self, case_id: int, task_id: str, actor: Actor, note: str | None = None) -> dict:
        """催办: tell the holder(s) of an open step at once, with a note; one urge per step per cooldown."""
        note = note_text(note)
        now = clock.now()
        cooldown = self._urge_cooldown()
        with self.db.begin() as conn:
            case = lock_case(conn, case_id)
            task = open_task_row(conn, case, task_id)
            if not took_part(conn, case, actor):
                raise Forbidden(Text("只有事项的发起人、参与人或管理员可以催办",
                                     "only the case's starter, a participant or an administrator may urge a step"))
            holders = holders_of(conn, case.unit, task)
            if holders == [actor.user_id]:
                raise InvalidState(Text("这一步由您本人办理，不必催办自己", "you hold this step yourself"))
            moved = conn.execute(sa.update(open_tasks).where(
                open_tasks.c.task_id == task.task_id,
                sa.or_(open_tasks.c.urged_at.is_(None), open_tasks.c.urged_at <= now - cooldown))
                .values(urged_at=now, urge_count=open_tasks.c.urge_count + 1))
            if moved.rowcount != 1:
                last = conn.execute(sa.select(open_tasks.c.urged_at)
                                    .where(open_tasks.c.task_id == task.task_id)).scalar()
                raise Conflict(Text("“{step}”刚催办过，{when} 后可再次催办",
                                    "'{step}' was urged recently; it may be urged again after {when}",
                                    step=names.split(task.name), when=(last + cooldown) if last else now))
            count = task.urge_count + 1
            audit.append(conn, case.id, now, [Event(EventKind.TASK_URGED, actor.user_id, {
                "note": note, "holders": holders, "count": count,
                "opened_before": task.opened_at.isoformat() if task.opened_at else None},
                task.element_id, task.task_id)])
        return {"task_id": task.task_id, "urged_at": now, "urge_count": count, "holders": holders,
                "next_urge_at": now + cooldown}

    def note_opened(self, task_id: str, actor: Actor) -> None:
        """Someone who may work an open step opened it (not a change of the case: no event, no version)."""
        with self.db.begin() as conn:
            conn.execute(sa.update(open_tasks).where(open_tasks.c.task_id == str(task_id))
                         .values(opened_at=clock.now(), opened_by=actor.user_id))

    def copy_case(self, case_id: int, actor: Actor, to_users: list[str] | None = None,
                  to_roles: list[str] | None = None, note: str | None = None) -> dict:
        """抄送 by a participant: copy the case to people (by id) and the holders of roles in its unit, with a note;
        each person gets the case once (a second copy to them is not recorded again)."""
        note = note_text(note)
        wanted_users = list(dict.fromkeys(u.strip() for u in (to_users or []) if u and u.strip()))
        wanted_roles = list(dict.fromkeys(r.strip() for r in (to_roles or []) if r and r.strip()))
        if not wanted_users and not wanted_roles:
            raise InvalidInput(Text("请选择抄送给谁", "say whom to copy the case to"),
                               [FieldError("to_users", Text("至少一人或一个角色", "at least one person or role"))])
        now = clock.now()
        with self.db.begin() as conn:
            case = lock_case(conn, case_id)
            if not took_part(conn, case, actor):
                raise Forbidden(Text("只有事项的参与人或管理员可以抄送", "only a participant or an administrator may "
                                     "copy the case"))
            known = set(conn.execute(sa.select(users.c.id).where(users.c.id.in_(wanted_users),
                                                                users.c.active.is_(True))).scalars())
            unknown = [u for u in wanted_users if u not in known]
            if unknown:
                raise InvalidInput(Text("没有用户 {users}", "no such user: {users}", users="、".join(unknown)),
                                   [FieldError("to_users", Text("未知用户", "unknown user"))])
            people = list(wanted_users)
            for role in wanted_roles:
                people += recipients.holders(conn, case.unit, role)
            people = [p for p in dict.fromkeys(people) if p != actor.user_id]
            if len(people) > MAX_RECIPIENTS:
                raise InvalidInput(Text("一次最多抄送 {n} 人", "at most {n} people at once", n=MAX_RECIPIENTS), [])
            added = add_copies(conn, case.id, people, actor.user_id, None, note, now)
            if added:
                audit.append(conn, case.id, now, [Event(EventKind.CASE_COPIED, actor.user_id, {
                    "to": added, "roles": wanted_roles, "note": note})])
        return {"added": added, "already": [p for p in people if p not in added]}

    def copies_on_completion(self, conn: sa.Connection, case_id: int, unit: str, task, now: dt.datetime) -> list[Event]:
        """A completed step's ``copyTo`` roles: the case copied to their holders in the unit (the completion's
        transaction; the events go into the same save)."""
        props = projection.spec_properties(task.task_spec)
        roles = [r.strip() for r in (props.get(bpmn.COPY_TO_PROPERTY) or "").split(",") if r.strip()]
        if not roles:
            return []
        people = list(dict.fromkeys(u for role in roles for u in recipients.holders(conn, unit, role)))
        element = getattr(task.task_spec, "bpmn_id", None)
        added = add_copies(conn, case_id, people, SYSTEM, element, None, now)
        return [Event(EventKind.CASE_COPIED, SYSTEM, {"to": added, "roles": roles}, element)] if added else []


def add_copies(conn: sa.Connection, case_id: int, people: list[str], by: str, element: str | None,
               note: str | None, now: dt.datetime) -> list[str]:
    """Copy rows for those who do not have the case yet; who was added. The unique (case, person) key keeps a
    racing second copy out (its transaction then fails and is answered as a conflict)."""
    if not people:
        return []
    have = set(conn.execute(sa.select(case_copies.c.user_id).where(case_copies.c.case_id == case_id,
                                                                   case_copies.c.user_id.in_(people))).scalars())
    added = [p for p in people if p not in have]
    if added:
        conn.execute(sa.insert(case_copies), [dict(case_id=case_id, user_id=p, copied_by=by, element_id=element,
                                                   note=note or None, created_at=now) for p in added])
    return added
