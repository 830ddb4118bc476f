"""What makes a case stuck, for administrators: overdue, idle, in error, suspended for long, looping, and cases
whose stored state cannot be loaded.

Every check is a query over the projections and what the writers keep for this report (no workflow is
deserialized, the case file is not counted: engine.store.report_state).
Thresholds come from the definition's process properties (``stuckIdleDays``, ``stuckLoopCount``,
``stuckSuspendedDays``) with the defaults below.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa

from engine.domain import names
from engine.domain.statuses import ACTIVE_STATUSES, CaseStatus
from engine.domain.texts import Text
from engine.store.tables import cases, completion_counts, definition_versions, open_tasks

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


def _groups(conn: sa.Connection, name: str) -> dict[int, list[int]]:
    """Definition version ids grouped by their value of the threshold ``name`` (few versions, fewer values)."""
    groups: dict[int, list[int]] = {}
    for row in conn.execute(sa.select(definition_versions.c.id, definition_versions.c.settings)):
        groups.setdefault(_setting(row.settings, name), []).append(row.id)
    return groups


def _reasons(conn: sa.Connection, now: dt.datetime, reason: str | None, units: set[str] | None = None,
             method: str | None = None) -> list[sa.Select]:
    """One SELECT per reason (and threshold), each yielding ``case_id, reason, element_id, role, since, name,
    amount, message`` for the stuck rows it finds in ``units`` (``None``: all) and of ``method`` (``None``: any).

    Overdue tasks and loops read what the writers keep for them (engine.store.report_state): the case's activity on
    its open tasks, and the completions per element of running cases, so neither counts over the case file or joins
    every case; idle and long-suspended cases read ``cases`` through the indexes of their conditions."""
    active = cases.c.status.in_(ACTIVE_STATUSES)
    null = sa.null()
    parts: list[sa.Select] = []
    if reason in (None, "overdue"):
        query = (sa.select(open_tasks.c.case_id, sa.literal("overdue").label("reason"),
                           open_tasks.c.element_id, open_tasks.c.role, open_tasks.c.due_at.label("since"),
                           open_tasks.c.name, sa.cast(null, sa.Integer).label("amount"),
                           sa.cast(null, sa.Text).label("message"))
                 .where(open_tasks.c.case_active, open_tasks.c.due_at < now))
        if units is not None:  # a task's unit is its case's (report_state.differences checks it)
            query = query.where(open_tasks.c.unit.in_(sorted(units)))
        if method:  # the case is joined only for its method (its activity is on the task)
            query = scoped(query.join(cases, cases.c.id == open_tasks.c.case_id), None, method)
        parts.append(query)
    if reason in (None, "error", "unreadable"):
        # the cause of the last case_error event, kept on the case row with it (report_state.differences checks)
        unreadable = sa.func.coalesce(cases.c.error_cause, "") == UNREADABLE_MARK
        why = sa.case((unreadable, sa.literal("unreadable")), else_=sa.literal("error"))
        query = (sa.select(cases.c.id.label("case_id"), why.label("reason"),
                           sa.case((unreadable, null), else_=cases.c.error_element).label("element_id"),
                           sa.cast(null, sa.String).label("role"), cases.c.updated_at.label("since"),
                           sa.cast(null, sa.String).label("name"), sa.cast(null, sa.Integer).label("amount"),
                           cases.c.error_message.label("message"))
                 .where(cases.c.status == CaseStatus.ERROR))
        if reason is not None:
            query = query.where(unreadable if reason == "unreadable" else sa.not_(unreadable))
        parts.append(scoped(query, units, method))
    if reason in (None, "suspended"):
        for days, versions in _groups(conn, "stuckSuspendedDays").items():
            parts.append(scoped(
                sa.select(cases.c.id.label("case_id"), sa.literal("suspended").label("reason"),
                          sa.cast(null, sa.String).label("element_id"), sa.cast(null, sa.String).label("role"),
                          cases.c.updated_at.label("since"), sa.cast(null, sa.String).label("name"),
                          sa.literal(days).label("amount"), sa.cast(null, sa.Text).label("message"))
                .where(cases.c.status == CaseStatus.SUSPENDED, cases.c.definition_version_id.in_(versions),
                       cases.c.updated_at < now - dt.timedelta(days=days)), units, method))
    if reason in (None, "idle"):
        for days, versions in _groups(conn, "stuckIdleDays").items():
            parts.append(scoped(
                sa.select(cases.c.id.label("case_id"), sa.literal("idle").label("reason"),
                          sa.cast(null, sa.String).label("element_id"), sa.cast(null, sa.String).label("role"),
                          cases.c.last_progress_at.label("since"), sa.cast(null, sa.String).label("name"),
                          sa.literal(days).label("amount"), sa.cast(null, sa.Text).label("message"))
                .where(active, cases.c.definition_version_id.in_(versions),
                       cases.c.last_progress_at < now - dt.timedelta(days=days)), units, method))
    if reason in (None, "looping"):
        running = sa.or_(active, cases.c.status == CaseStatus.SUSPENDED)
        counts = completion_counts
        for times, versions in _groups(conn, "stuckLoopCount").items():
            parts.append(scoped(
                sa.select(counts.c.case_id, sa.literal("looping").label("reason"), counts.c.element_id,
                          sa.cast(null, sa.String).label("role"), counts.c.last_at.label("since"),
                          sa.cast(null, sa.String).label("name"), counts.c.completions.label("amount"),
                          sa.cast(null, sa.Text).label("message"))
                .select_from(counts.join(cases, cases.c.id == counts.c.case_id))
                .where(counts.c.completions >= times, running, cases.c.definition_version_id.in_(versions)),
                units, method))
    return parts


def scoped(part: sa.Select, units: set[str] | None, method: str | None) -> sa.Select:
    """``part`` narrowed to cases in ``units`` (``None``: all) and of ``method`` (``None``: any); the stuck report
    and the statistics scope alike."""
    if units is not None:
        part = part.where(cases.c.unit.in_(sorted(units)))
    if method:
        part = part.where(cases.c.definition_key == method)
    return part


ORDER = ("since", "case_id", "reason", "element_id")  # the report's order, oldest first


def stuck_report(conn: sa.Connection, now: dt.datetime, *, units: set[str] | None = None,
                 reason: str | None = None, method: str | None = None, limit: int | None = None,
                 offset: int = 0) -> tuple[list[dict], dict[str, int]]:
    """The stuck rows, oldest ``since`` first, one per (case, reason) (overdue and looping: per element), paged by
    ``limit``/``offset``, and how many there are per reason. Every reason is one query over the projections and
    what the writers keep for the report; thresholds per definition version become one condition per distinct
    value. A page takes the first ``offset + limit`` rows of each reason (each read in order from its index) and
    merges them, so it never sorts every stuck row."""
    parts = _reasons(conn, now, reason, units, method)
    if not parts:
        return [], {}
    counted = [part.subquery() for part in parts]  # each counted on its own scan: no rows carried to one count
    counts: dict[str, int] = {}
    for row in conn.execute(sa.union_all(*(sa.select(c.c.reason, sa.func.count().label("n")).group_by(c.c.reason)
                                           for c in counted))):
        counts[row.reason] = counts.get(row.reason, 0) + row.n
    found = sa.union_all(*parts).subquery("stuck")
    if limit is not None:
        firsts = [part.order_by(*(part.selected_columns[c] for c in ORDER)).limit(offset + limit).subquery()
                  for part in parts]
        found = sa.union_all(*(sa.select(first) for first in firsts)).subquery("stuck")
    page = (sa.select(found, cases.c.reference, cases.c.title, cases.c.definition_key, cases.c.unit)
            .join(cases, cases.c.id == found.c.case_id)
            .order_by(*(found.c[c] for c in ORDER)))
    if limit is not None:
        page = page.limit(limit).offset(offset)
    rows = [dict(r) for r in conn.execute(page).mappings()]
    waiting = _waiting_roles(conn, [r["case_id"] for r in rows if r["reason"] == "idle"])
    urges = _urges(conn, [r["case_id"] for r in rows])
    for row in rows:
        why = row["reason"]
        if why == "idle":
            row["element_id"], row["role"] = waiting.get(row["case_id"], (None, None))
        row["detail"] = _detail(why, row)
        row.update(urges.get((row["case_id"], row["element_id"]), {"urge_count": 0, "urged_at": None,
                                                                   "opened_since_urge": None}))
        for column in ("name", "amount", "message"):
            row.pop(column)
    return rows, counts


def _urges(conn: sa.Connection, case_ids: list[int]) -> dict[tuple[int, str], dict]:
    """Per open step of these cases: how often it was urged (催办), the last time, and whether someone who may work
    it opened it after that."""
    found: dict[tuple[int, str], dict] = {}
    if not case_ids:
        return found
    for row in conn.execute(sa.select(open_tasks.c.case_id, open_tasks.c.element_id, open_tasks.c.urged_at,
                                      open_tasks.c.urge_count, open_tasks.c.opened_at)
                            .where(open_tasks.c.case_id.in_(sorted(set(case_ids))), open_tasks.c.urge_count > 0)):
        found[(row.case_id, row.element_id)] = {
            "urge_count": row.urge_count, "urged_at": row.urged_at,
            "opened_since_urge": bool(row.opened_at and row.urged_at and row.opened_at >= row.urged_at)}
    return found


def _detail(why: str, row: dict) -> Text:
    if why == "overdue":
        return Text("“{name}”已到期", "'{name}' was due", name=names.split(row["name"] or row["element_id"] or ""))
    if why == "unreadable":
        return Text("存储的流程状态无法读取：{message}", "{message}", message=row["message"] or "")
    if why == "error":
        return Text("{message}", "{message}", message=row["message"] or "")
    if why == "suspended":
        return Text("已暂停超过 {days} 日", "suspended for more than {days} days", days=row["amount"])
    if why == "idle":
        return Text("超过 {days} 日没有进展", "no progress for more than {days} days", days=row["amount"])
    return Text("已完成 {times} 次", "completed {times} times", times=row["amount"])


def stuck_cases(conn: sa.Connection, now: dt.datetime, *, units: set[str] | None = None,
                reason: str | None = None) -> list[dict]:
    """Every stuck row (``stuck_report`` without paging): why, at which element, waiting for which role, in which
    unit, since when. ``detail`` is a bilingual ``Text`` (the caller renders it in its language)."""
    return stuck_report(conn, now, units=units, reason=reason)[0]


def _waiting_roles(conn: sa.Connection, case_ids: list[int]) -> dict[int, tuple[str, str]]:
    result = {}
    if not case_ids:
        return result
    for row in conn.execute(sa.select(open_tasks.c.case_id, open_tasks.c.element_id, open_tasks.c.role)
                            .where(open_tasks.c.case_id.in_(case_ids)).order_by(open_tasks.c.created_at)):
        result.setdefault(row.case_id, (row.element_id, row.role))
    return result
