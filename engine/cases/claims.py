"""Claims: a member takes an open task so nobody else works it meanwhile; an administrator reassigns it."""

from __future__ import annotations

import sqlalchemy as sa

from engine.cases.unit import status_text
from engine.domain import clock, names, roles
from engine.domain.actors import Actor
from engine.domain.statuses import ACTIVE_STATUSES, EventKind
from engine.domain.texts import Text
from engine.errors import Conflict, Forbidden, InvalidState, NotFound
from engine.store import audit
from engine.store.audit import Event
from engine.store.tables import cases, open_tasks


class Claims:
    """Claiming and releasing open tasks (mixed into ``Runtime``)."""

    def claim(self, case_id: int, task_id: str, actor: Actor, *, for_user: Actor | None = None,
              reason: str | None = None) -> None:
        """Take an open task so two members do not work it at once (``for_user``: an administrator reassigns,
        with the ``reason`` recorded in the case file)."""
        assignee = for_user or actor
        now = clock.now()
        with self.db.begin() as conn:
            row, task = self._claimable(conn, case_id, task_id)
            if for_user is not None and not actor.is_admin:
                raise Forbidden(Text("只有管理员可以改派任务", "only an administrator may reassign a task"))
            if task.assignee is not None and task.assignee != assignee.user_id:
                raise Forbidden(Text("“{task}”由 {user} 本人办理，不能由他人认领",
                                     "'{task}' is addressed to {user}: nobody else may claim it",
                                     task=names.split(task.name), user=task.assignee))
            if not assignee.may_work(row.unit, task.role, task.assignee):
                raise Forbidden(Text("“{task}”需要{unit}的{role}办理，{user} 没有这个角色",
                                     "'{task}' needs the {role} of {unit}; {user} does not hold that role",
                                     task=names.split(task.name), role=roles.name_of(task.role), unit=row.unit,
                                     user=assignee.user_id))
            query = sa.update(open_tasks).where(open_tasks.c.task_id == task.task_id)
            if for_user is None:
                query = query.where(sa.or_(open_tasks.c.claimed_by.is_(None),
                                           open_tasks.c.claimed_by == assignee.user_id))
            if conn.execute(query.values(claimed_by=assignee.user_id, claimed_at=now)).rowcount != 1:
                raise Conflict(Text("“{task}”已由 {user} 认领", "'{task}' is already claimed by {user}",
                                    task=names.split(task.name), user=task.claimed_by))
            kind = EventKind.TASK_REASSIGNED if for_user is not None else EventKind.TASK_CLAIMED
            recorded = {"assignee": assignee.user_id, "previous": task.claimed_by}
            if reason:
                recorded["reason"] = reason
            audit.append(conn, case_id, now, [Event(kind, actor.user_id, recorded, task.element_id, task.task_id)])

    def unclaim(self, case_id: int, task_id: str, actor: Actor) -> None:
        now = clock.now()
        with self.db.begin() as conn:
            _row, task = self._claimable(conn, case_id, task_id)
            if task.claimed_by is None:
                return
            if task.claimed_by != actor.user_id and not actor.is_admin:
                raise Forbidden(Text("“{task}”由 {user} 认领，只有本人或管理员可以释放",
                                     "'{task}' is claimed by {user}; only they or an administrator may release it",
                                     task=task.name, user=task.claimed_by))
            conn.execute(sa.update(open_tasks).where(open_tasks.c.task_id == task.task_id)
                         .values(claimed_by=None, claimed_at=None))
            audit.append(conn, case_id, now, [Event(EventKind.TASK_UNCLAIMED, actor.user_id,
                                                    {"previous": task.claimed_by}, task.element_id, task.task_id)])

    def _claimable(self, conn: sa.Connection, case_id: int, task_id: str):
        # a claim is a write of the case like any other: it takes the row lock and bumps lock_version, so a
        # completion (or another writer) that read the case before this claim fails its version check
        if conn.execute(sa.update(cases).where(cases.c.id == case_id)
                        .values(lock_version=cases.c.lock_version + 1)).rowcount != 1:
            raise NotFound(Text("未找到事项 {ref}", "case {ref} not found", ref=case_id))
        row = conn.execute(sa.select(cases.c.id, cases.c.unit, cases.c.status, cases.c.reference)
                           .where(cases.c.id == case_id)).one()
        task = conn.execute(sa.select(open_tasks).where(open_tasks.c.task_id == str(task_id),
                                                        open_tasks.c.case_id == case_id)).first()
        if task is None:
            raise NotFound(Text("事项 {ref} 中没有待办任务 {id}", "no open task {id} in case {ref}",
                                id=task_id, ref=row.reference))
        if row.status not in ACTIVE_STATUSES:
            raise InvalidState(Text("事项 {ref} {status}，不能再认领或释放任务", "case {ref} is {status}",
                                    ref=row.reference, status=status_text(row.status)))
        return row, task
