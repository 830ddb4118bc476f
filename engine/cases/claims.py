"""Claims: a member takes an open task so nobody else works it meanwhile; an administrator reassigns it."""

from __future__ import annotations

import sqlalchemy as sa

from engine.domain import clock
from engine.domain.actors import Actor
from engine.domain.statuses import ACTIVE_STATUSES, EventKind
from engine.errors import Conflict, Forbidden, InvalidState, NotFound
from engine.store import audit
from engine.store.audit import Event
from engine.store.tables import cases, open_tasks


class Claims:
    """Claiming and releasing open tasks (mixed into ``Runtime``)."""

    def claim(self, case_id: int, task_id: str, actor: Actor, *, for_user: Actor | None = None) -> None:
        """Take an open task so two members do not work it at once (``for_user``: an administrator reassigns)."""
        assignee = for_user or actor
        now = clock.now()
        with self.db.begin() as conn:
            row, task = self._claimable(conn, case_id, task_id)
            if for_user is not None and not actor.is_admin:
                raise Forbidden("only an administrator may reassign a task")
            if not assignee.holds(row.unit, task.role):
                raise Forbidden(f"'{task.name}' needs the role '{task.role}' in {row.unit}; "
                                f"{assignee.user_id} does not hold it")
            query = sa.update(open_tasks).where(open_tasks.c.task_id == task.task_id)
            if for_user is None:
                query = query.where(sa.or_(open_tasks.c.claimed_by.is_(None),
                                           open_tasks.c.claimed_by == assignee.user_id))
            if conn.execute(query.values(claimed_by=assignee.user_id, claimed_at=now)).rowcount != 1:
                raise Conflict(f"'{task.name}' is already claimed by {task.claimed_by}")
            kind = "task_reassigned" if for_user is not None else "task_claimed"
            audit.append(conn, case_id, now, [Event(kind, actor.user_id, {"assignee": assignee.user_id,
                                                                          "previous": task.claimed_by},
                                                    task.element_id, task.task_id)])

    def unclaim(self, case_id: int, task_id: str, actor: Actor) -> None:
        now = clock.now()
        with self.db.begin() as conn:
            _row, task = self._claimable(conn, case_id, task_id)
            if task.claimed_by is None:
                return
            if task.claimed_by != actor.user_id and not actor.is_admin:
                raise Forbidden(f"'{task.name}' is claimed by {task.claimed_by}; only they or an administrator "
                                "may release it")
            conn.execute(sa.update(open_tasks).where(open_tasks.c.task_id == task.task_id)
                         .values(claimed_by=None, claimed_at=None))
            audit.append(conn, case_id, now, [Event(EventKind.TASK_UNCLAIMED, actor.user_id,
                                                    {"previous": task.claimed_by}, task.element_id, task.task_id)])

    def _claimable(self, conn: sa.Connection, case_id: int, task_id: str):
        # touching the case row serialises claims with completions of the same case (row lock)
        if conn.execute(sa.update(cases).where(cases.c.id == case_id).values(updated_at=cases.c.updated_at)
                        ).rowcount != 1:
            raise NotFound(f"case {case_id} not found")
        row = conn.execute(sa.select(cases.c.id, cases.c.unit, cases.c.status, cases.c.reference)
                           .where(cases.c.id == case_id)).one()
        task = conn.execute(sa.select(open_tasks).where(open_tasks.c.task_id == str(task_id),
                                                        open_tasks.c.case_id == case_id)).first()
        if task is None:
            raise NotFound(f"no open task {task_id} in case {row.reference}")
        if row.status not in ACTIVE_STATUSES:
            raise InvalidState(f"case {row.reference} is {row.status}")
        return row, task
