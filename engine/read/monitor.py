"""What makes a case stuck, for administrators: overdue, idle, in error, suspended for long, looping, and cases
whose stored state cannot be loaded.

Every check is a query over the projections and the case file (no workflow is deserialized).
Thresholds come from the definition's process properties (``stuckIdleDays``, ``stuckLoopCount``,
``stuckSuspendedDays``) with the defaults below.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa

from engine.domain import names
from engine.domain.statuses import ACTIVE_STATUSES, CaseStatus, EventKind
from engine.domain.texts import Text
from engine.store.tables import case_events, cases, definition_versions, open_tasks

# how the timer tick marks the case_error of a case whose state cannot be loaded (engine.cases.timers)
UNREADABLE_MARK = "unreadable_state"
DEFAULTS = {"stuckIdleDays": 14, "stuckLoopCount": 3, "stuckSuspendedDays": 7}


class StuckReason(StrEnum):
    OVERDUE = "overdue"
    IDLE = "idle"
    ERROR = "error"
    SUSPENDED = "suspended"
    LOOPING = "looping"
    UNREADABLE = "unreadable"  # in error because its stored state cannot be loaded (restore or cancel it)


REASONS = tuple(StuckReason)


def _setting(settings: dict | None, name: str) -> int:
    try:
        return max(1, int((settings or {}).get(name, DEFAULTS[name])))
    except (TypeError, ValueError):
        return DEFAULTS[name]


def stuck_cases(conn: sa.Connection, now: dt.datetime, *, units: set[str] | None = None,
                reason: str | None = None) -> list[dict]:
    """One row per (case, reason): why, at which element, waiting for which role, in which unit, since when.

    ``detail`` is a bilingual ``Text`` (the caller renders it in its language)."""
    columns = (cases.c.id, cases.c.reference, cases.c.title, cases.c.definition_key, cases.c.unit, cases.c.status,
               cases.c.last_progress_at, cases.c.updated_at, cases.c.error_element, cases.c.error_message,
               definition_versions.c.settings)
    joined = cases.join(definition_versions, definition_versions.c.id == cases.c.definition_version_id)
    base = sa.select(*columns).select_from(joined)
    if units is not None:
        base = base.where(cases.c.unit.in_(sorted(units)))
    rows: list[dict] = []

    def add(case, why, since, element=None, role=None, detail: Text | None = None):
        rows.append({"case_id": case.id, "reference": case.reference, "title": case.title,
                     "definition_key": case.definition_key, "unit": case.unit, "reason": why,
                     "element_id": element, "role": role, "since": since, "detail": detail or Text("", "")})

    active = cases.c.status.in_(ACTIVE_STATUSES)
    if reason in (None, "overdue"):
        query = (sa.select(*columns, open_tasks.c.element_id, open_tasks.c.role, open_tasks.c.due_at, open_tasks.c.name)
                 .select_from(joined.join(open_tasks, open_tasks.c.case_id == cases.c.id))
                 .where(active, open_tasks.c.due_at < now))
        if units is not None:
            query = query.where(cases.c.unit.in_(sorted(units)))
        for case in conn.execute(query):
            add(case, "overdue", case.due_at, case.element_id, case.role,
                Text("“{name}”已到期", "'{name}' was due", name=names.split(case.name)))
    if reason in (None, "error", "unreadable"):
        errored = list(conn.execute(base.where(cases.c.status == CaseStatus.ERROR)))
        unreadable = _unreadable(conn, [c.id for c in errored])
        for case in errored:
            message = case.error_message or ""
            if case.id in unreadable:
                if reason in (None, "unreadable"):
                    add(case, "unreadable", case.updated_at, None, None,
                        Text("存储的流程状态无法读取：{message}", "{message}", message=message))
            elif reason in (None, "error"):
                add(case, "error", case.updated_at, case.error_element, None,
                    Text("{message}", "{message}", message=message))
    candidates = list(conn.execute(base.where(sa.or_(active, cases.c.status == CaseStatus.SUSPENDED))))
    if reason in (None, "suspended"):
        for case in candidates:
            days = _setting(case.settings, "stuckSuspendedDays")
            if case.status == CaseStatus.SUSPENDED and case.updated_at < now - dt.timedelta(days=days):
                add(case, "suspended", case.updated_at,
                    detail=Text("已暂停超过 {days} 日", "suspended for more than {days} days", days=days))
    if reason in (None, "idle"):
        waiting_roles = _waiting_roles(conn, [c.id for c in candidates])
        for case in candidates:
            days = _setting(case.settings, "stuckIdleDays")
            if case.status != CaseStatus.SUSPENDED and case.last_progress_at < now - dt.timedelta(days=days):
                element, role = waiting_roles.get(case.id, (None, None))
                add(case, "idle", case.last_progress_at, element, role,
                    Text("超过 {days} 日没有进展", "no progress for more than {days} days", days=days))
    if reason in (None, "looping"):
        by_id = {c.id: c for c in candidates}
        counts = conn.execute(
            sa.select(case_events.c.case_id, case_events.c.element_id, sa.func.count().label("times"),
                      sa.func.max(case_events.c.at).label("last"))
            .where(case_events.c.kind == EventKind.TASK_COMPLETED, case_events.c.case_id.in_(list(by_id) or [-1]))
            .group_by(case_events.c.case_id, case_events.c.element_id))
        for row in counts:
            case = by_id[row.case_id]
            limit = _setting(case.settings, "stuckLoopCount")
            if row.times >= limit:
                add(case, "looping", row.last, row.element_id, None,
                    Text("已完成 {times} 次", "completed {times} times", times=row.times))
    rows.sort(key=lambda r: (r["since"], r["case_id"], r["reason"]))
    return rows


def _unreadable(conn: sa.Connection, case_ids: list[int]) -> set[int]:
    """Cases (of those in error) whose latest case_error says their stored state cannot be loaded."""
    latest: dict[int, dict] = {}
    if case_ids:
        for row in conn.execute(sa.select(case_events.c.case_id, case_events.c.data)
                                .where(case_events.c.kind == EventKind.CASE_ERROR,
                                       case_events.c.case_id.in_(case_ids))
                                .order_by(case_events.c.case_id, case_events.c.seq)):
            latest[row.case_id] = row.data or {}
    return {case_id for case_id, data in latest.items() if data.get("cause") == UNREADABLE_MARK}


def _waiting_roles(conn: sa.Connection, case_ids: list[int]) -> dict[int, tuple[str, str]]:
    result = {}
    if not case_ids:
        return result
    for row in conn.execute(sa.select(open_tasks.c.case_id, open_tasks.c.element_id, open_tasks.c.role)
                            .where(open_tasks.c.case_id.in_(case_ids)).order_by(open_tasks.c.created_at)):
        result.setdefault(row.case_id, (row.element_id, row.role))
    return result
