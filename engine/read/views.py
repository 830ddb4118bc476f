"""The four views a participant works from, with the same filters and counts: 待办 (open tasks I may work, and what
others asked of me), 已办 (tasks I completed), 我发起的 (cases I started) and 抄送我的 (cases copied to me).
Projections and the case file only; the filters are ``method``, ``unit`` and ``q`` (text in title or reference)."""

from __future__ import annotations

import sqlalchemy as sa

from engine.domain.actors import Actor
from engine.domain.statuses import ACTIVE_STATUSES, EventKind
from engine.read import queries
from engine.store.tables import case_copies, case_events, cases, open_tasks, task_requests

VIEWS = ("todo", "done", "started", "copied")


def _narrow(query: sa.Select, *, method: str | None, unit: str | None, q: str | None) -> sa.Select:
    if method:
        query = query.where(cases.c.definition_key == method)
    if unit:
        query = query.where(cases.c.unit == unit)
    if q:
        query = query.where(queries.text_matches(q))
    return query


def copies(conn: sa.Connection, user_id: str, *, method: str | None = None, unit: str | None = None,
           q: str | None = None, unread: bool = False, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """Cases copied to ``user_id`` (抄送我的), newest copy first, with who copied, the note and whether read."""
    base = (sa.select(case_copies.c.id, case_copies.c.case_id, case_copies.c.copied_by, case_copies.c.element_id,
                      case_copies.c.note, case_copies.c.created_at.label("copied_at"), case_copies.c.read_at,
                      cases.c.reference, cases.c.title, cases.c.unit, cases.c.definition_key, cases.c.status,
                      cases.c.summary, cases.c.definition_version_id)
            .join(cases, cases.c.id == case_copies.c.case_id).where(case_copies.c.user_id == user_id))
    base = _narrow(base, method=method, unit=unit, q=q)
    if unread:
        base = base.where(case_copies.c.read_at.is_(None))
    total = conn.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar_one()
    rows = [dict(r) for r in conn.execute(base.order_by(case_copies.c.id.desc()).limit(limit).offset(offset))
            .mappings()]
    steps = queries.open_steps(conn, [r["case_id"] for r in rows])
    for row in rows:
        row["open_steps"] = steps.get(row["case_id"], [])
    return rows, total


def requests_to(conn: sa.Connection, user_id: str, *, method: str | None = None, unit: str | None = None,
                q: str | None = None) -> list[dict]:
    """What holders of open steps asked of ``user_id`` and is not answered yet (委派, 加签), oldest first."""
    query = (sa.select(task_requests.c.id, task_requests.c.case_id, task_requests.c.task_id,
                       task_requests.c.element_id, task_requests.c.kind, task_requests.c.from_user,
                       task_requests.c.note, task_requests.c.created_at, open_tasks.c.name, cases.c.reference,
                       cases.c.title, cases.c.unit, cases.c.definition_key, cases.c.summary,
                       cases.c.definition_version_id)
             .join(open_tasks, open_tasks.c.task_id == task_requests.c.task_id)
             .join(cases, cases.c.id == task_requests.c.case_id)
             .where(task_requests.c.to_user == user_id, task_requests.c.status == "open",
                    cases.c.status.in_(ACTIVE_STATUSES)))
    query = _narrow(query, method=method, unit=unit, q=q).order_by(task_requests.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


def counts(conn: sa.Connection, actor: Actor, *, units: set[str] | None, method: str | None = None,
           unit: str | None = None, q: str | None = None) -> dict[str, int]:
    """How many items each view holds under the same filters (what the tabs show)."""
    filters = {"method": method, "unit": unit, "q": q}
    done = _narrow(sa.select(sa.func.count()).select_from(case_events.join(cases, cases.c.id == case_events.c.case_id))
                   .where(case_events.c.kind == EventKind.TASK_COMPLETED, case_events.c.actor == actor.user_id),
                   **filters)
    if units is not None:
        done = done.where(cases.c.unit.in_(sorted(units)))
    copied = _narrow(sa.select(sa.func.count(), sa.func.count(sa.case((case_copies.c.read_at.is_(None), 1))))
                     .select_from(case_copies.join(cases, cases.c.id == case_copies.c.case_id))
                     .where(case_copies.c.user_id == actor.user_id), **filters)
    copied_all, copied_unread = conn.execute(copied).one()
    return {
        "todo": queries.count_tasks(conn, actor, **filters),
        "requests": len(requests_to(conn, actor.user_id, **filters)),
        "done": conn.execute(done).scalar_one(),
        "started": queries.count_cases(conn, units=units, started_by=actor.user_id, process=method, unit=unit, q=q),
        "copied": copied_all,
        "copied_unread": copied_unread or 0,
    }


def mark_copy_read(conn: sa.Connection, case_id: int, user_id: str, now) -> bool:
    """The copy of ``case_id`` to ``user_id`` is read now (once); whether there was one."""
    found = conn.execute(sa.select(case_copies.c.read_at).where(case_copies.c.case_id == case_id,
                                                               case_copies.c.user_id == user_id)).first()
    if found is None:
        return False
    if found.read_at is None:
        conn.execute(sa.update(case_copies).where(case_copies.c.case_id == case_id, case_copies.c.user_id == user_id,
                                                  case_copies.c.read_at.is_(None)).values(read_at=now))
    return True


def has_request(conn: sa.Connection, case_id: int, user_id: str) -> bool:
    """Someone asked ``user_id`` to work on or advise about a step of the case (they may read it)."""
    return conn.execute(sa.select(task_requests.c.id).where(task_requests.c.case_id == case_id,
                                                            task_requests.c.to_user == user_id).limit(1)).first() \
        is not None


def copies_of_case(conn: sa.Connection, case_id: int) -> list[dict]:
    """Who the case was copied to, by whom, and whether they read it."""
    return [dict(r) for r in conn.execute(
        sa.select(case_copies.c.user_id, case_copies.c.copied_by, case_copies.c.element_id, case_copies.c.note,
                  case_copies.c.created_at, case_copies.c.read_at)
        .where(case_copies.c.case_id == case_id).order_by(case_copies.c.id)).mappings()]


def requests_of_case(conn: sa.Connection, case_id: int) -> list[dict]:
    """Every delegation and consultation of the case's steps, with its answer."""
    return [dict(r) for r in conn.execute(
        sa.select(task_requests.c.id, task_requests.c.task_id, task_requests.c.element_id, task_requests.c.kind,
                  task_requests.c.from_user, task_requests.c.to_user, task_requests.c.note, task_requests.c.status,
                  task_requests.c.created_at, task_requests.c.answered_at, task_requests.c.answer)
        .where(task_requests.c.case_id == case_id).order_by(task_requests.c.id)).mappings()]
