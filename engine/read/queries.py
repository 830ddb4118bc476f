"""The read side: inboxes, case lists, case detail and the case file. Projections only, no workflows."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from engine.domain import clock
from engine.domain.actors import Actor
from engine.domain.statuses import ACTIVE_STATUSES, CaseStatus, EventKind
from engine.domain.texts import Text
from engine.errors import InvalidInput, NotFound
from engine.store import audit, case_links
from engine.store.tables import case_events, cases, definition_versions, open_tasks

TASK_COLUMNS = (open_tasks.c.task_id, open_tasks.c.case_id, open_tasks.c.element_id, open_tasks.c.name,
                open_tasks.c.role, open_tasks.c.unit, open_tasks.c.process_key, open_tasks.c.form,
                open_tasks.c.instance, open_tasks.c.due_at, open_tasks.c.created_at, open_tasks.c.assignee)


def tasks_for(conn: sa.Connection, actor: Actor, *, limit: int = 100, offset: int = 0, **filters) -> list[dict]:
    """Open tasks the actor may work, soonest due first, active cases only: those of its (unit, role) memberships
    that name no assignee, and those addressed to it by name (``assignee``, whatever its memberships).

    ``process`` filters by the (possibly called) process the task belongs to, ``method`` by the case's
    definition (five_step, …), ``case_id`` by case, ``q`` by text in the case's title or reference.
    """
    # the page is chosen from open_tasks alone (the case's activity is on the task: report_state), then joined to
    # its cases for the reference, title and summary: fifty primary-key probes, not one per task of the role
    query = _tasks_query(sa.select(*TASK_COLUMNS, open_tasks.c.claimed_by, open_tasks.c.urged_at,
                                   open_tasks.c.urge_count), actor, **filters)
    page = query.order_by(*_inbox_order(open_tasks.c)).limit(limit).offset(offset).subquery("page")
    query = (sa.select(page, cases.c.reference, cases.c.title, cases.c.summary, cases.c.definition_key,
                       cases.c.definition_version_id)
             .join(cases, cases.c.id == page.c.case_id).order_by(*_inbox_order(page.c)))
    return [dict(row) for row in conn.execute(query).mappings()]


def count_tasks(conn: sa.Connection, actor: Actor, **filters) -> int:
    """How many tasks ``tasks_for`` would list without paging."""
    return conn.execute(_tasks_query(sa.select(sa.func.count()).select_from(open_tasks), actor, **filters)
                        ).scalar_one()


def _tasks_query(query: sa.Select, actor: Actor, *, role: str | None = None, process: str | None = None,
                 method: str | None = None, case_id: int | None = None, unit: str | None = None,
                 due_before: dt.datetime | None = None, q: str | None = None) -> sa.Select:
    units_by_role: dict[str, set[str]] = {}  # one "role = r AND unit IN (…)" per role: a street office's
    for u, r in actor.memberships:           # hundreds of units stay one indexed condition, not hundreds
        if (role is None or r == role) and (unit is None or u == unit):
            units_by_role.setdefault(r, set()).add(u)
    mine = [open_tasks.c.assignee == actor.user_id]
    if units_by_role:
        mine.append(sa.and_(open_tasks.c.assignee.is_(None), sa.or_(*[
            sa.and_(open_tasks.c.role == r, open_tasks.c.unit.in_(sorted(us))) for r, us in units_by_role.items()])))
    query = query.where(sa.or_(*mine), open_tasks.c.case_active)
    if role is not None:
        query = query.where(open_tasks.c.role == role)
    if unit is not None:
        query = query.where(open_tasks.c.unit == unit)
    if process:
        query = query.where(open_tasks.c.process_key == process)
    if method or q:  # only these need the case row
        query = query.join(cases, cases.c.id == open_tasks.c.case_id)
        if method:
            query = query.where(cases.c.definition_key == method)
        if q:
            query = query.where(text_matches(q))
    if case_id is not None:
        query = query.where(open_tasks.c.case_id == case_id)
    if due_before:
        query = query.where(open_tasks.c.due_at <= due_before)
    return query


def text_matches(q: str) -> sa.ColumnElement:
    """A case whose title or reference contains ``q`` (as typed, no wildcards)."""
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return sa.or_(cases.c.title.like(pattern, escape="\\"), cases.c.reference.like(pattern, escape="\\"))


def _inbox_order(columns) -> tuple:
    """Soonest due first (no due date last), then the oldest, then by id."""
    return columns.due_at.is_(None), columns.due_at, columns.created_at, columns.task_id


CASE_COLUMNS = tuple(c for c in cases.c if c.name != "state")  # the workflow state is never read here


# the statements every case detail runs (the answer to each completion among them), built once
_CASE_ROW = (sa.select(*CASE_COLUMNS, definition_versions.c.version.label("definition_version"),
                       definition_versions.c.content_hash.label("definition_hash"))
             .join(definition_versions, definition_versions.c.id == cases.c.definition_version_id)
             .where(cases.c.id == sa.bindparam("b_case")))
_CASE_OPEN_TASKS = (sa.select(*TASK_COLUMNS, open_tasks.c.claimed_by)
                    .where(open_tasks.c.case_id == sa.bindparam("b_case"))
                    .order_by(open_tasks.c.created_at, open_tasks.c.task_id))


def case_row(conn: sa.Connection, case_id: int) -> dict:
    """A case's columns (not its workflow state), its version's number and content hash, or ``NotFound``."""
    row = conn.execute(_CASE_ROW, {"b_case": case_id}).mappings().first()
    if row is None:
        raise NotFound(Text("未找到事项 {ref}", "case {ref} not found", ref=case_id))
    return dict(row)


def find_case_id(conn: sa.Connection, ref: str | int) -> int:
    """A case by numeric id or by its reference (金江路社区-2026-0001)."""
    text = str(ref).strip()
    if text.isascii() and text.isdigit() and len(text) < 10:  # ids are 32-bit; a longer number is no case of ours
        return int(text)
    found = None
    if len(text) <= cases.c.reference.type.length:  # longer is no reference of ours
        found = conn.execute(sa.select(cases.c.id).where(cases.c.reference == text)).scalar()
    if found is None:
        raise NotFound(Text("未找到事项 {ref}", "case {ref} not found", ref=text))
    return found


def case_detail(conn: sa.Connection, case_id: int) -> dict:
    detail = case_row(conn, case_id)
    detail["links"] = case_links.links_of(conn, case_id)
    detail["open_tasks"] = [dict(r) for r in conn.execute(_CASE_OPEN_TASKS, {"b_case": case_id}).mappings()]
    return detail


CASE_LIST_COLUMNS = (cases.c.id, cases.c.reference, cases.c.definition_key, cases.c.unit, cases.c.title,
                     cases.c.status, cases.c.end_event, cases.c.next_timer_at, cases.c.created_at,
                     cases.c.updated_at, cases.c.last_progress_at, cases.c.error_element, cases.c.started_by,
                     cases.c.summary)


def list_cases(conn: sa.Connection, *, limit: int = 100, offset: int = 0, **filters) -> list[dict]:
    """Cases matching the filters (see ``_case_filters``), newest first, each with its ``open_steps``."""
    query = _case_filters(sa.select(*CASE_LIST_COLUMNS), **filters)
    query = query.order_by(cases.c.id.desc()).limit(limit).offset(offset)
    rows = [dict(row) for row in conn.execute(query).mappings()]
    steps = open_steps(conn, [row["id"] for row in rows])
    for row in rows:
        row["open_steps"] = steps.get(row["id"], [])
    return rows


def open_steps(conn: sa.Connection, case_ids: list[int]) -> dict[int, list[dict]]:
    """The open tasks of many cases in one query: ``{case_id: [{element_id, name, role, due_at}]}``, oldest first."""
    found: dict[int, list[dict]] = {}
    if not case_ids:
        return found
    for row in conn.execute(sa.select(open_tasks.c.case_id, open_tasks.c.element_id, open_tasks.c.name,
                                      open_tasks.c.role, open_tasks.c.due_at)
                            .where(open_tasks.c.case_id.in_(case_ids))
                            .order_by(open_tasks.c.created_at, open_tasks.c.task_id)).mappings():
        found.setdefault(row["case_id"], []).append(
            {"element_id": row["element_id"], "name": row["name"], "role": row["role"], "due_at": row["due_at"]})
    return found


def count_cases(conn: sa.Connection, **filters) -> int:
    """How many cases ``list_cases`` would list without paging."""
    return conn.execute(_case_filters(sa.select(sa.func.count()).select_from(cases), **filters)).scalar_one()


def _case_filters(query: sa.Select, *, unit: str | None = None, status: str | None = None,
                  process: str | None = None, units: set[str] | None = None, overdue: bool = False,
                  now: dt.datetime | None = None, started_by: str | None = None,
                  involving: str | None = None, q: str | None = None) -> sa.Select:
    """``units``: the units visible to the reader (None: all); ``status``: a case status or ``active``;
    ``started_by``: cases this user started; ``involving``: cases this user started or completed a task in."""
    if started_by is not None:  # and the cases their own proposals were merged into (they follow those)
        query = query.where(sa.or_(cases.c.started_by == started_by,
                                   cases.c.id.in_(case_links.followed_through_merge(started_by))))
    if involving is not None:
        worked = sa.select(case_events.c.case_id).where(case_events.c.kind == EventKind.TASK_COMPLETED,
                                                        case_events.c.actor == involving)
        query = query.where(sa.or_(cases.c.started_by == involving, cases.c.id.in_(worked),
                                   cases.c.id.in_(case_links.followed_through_merge(involving))))
    if overdue:
        late = sa.select(open_tasks.c.case_id).where(open_tasks.c.due_at < (now or clock.now()))
        query = query.where(cases.c.id.in_(late), cases.c.status.in_(ACTIVE_STATUSES))
    if unit:
        query = query.where(cases.c.unit == unit)
    if units is not None:
        query = query.where(cases.c.unit.in_(sorted(units)))
    if status:
        if status == "active":
            query = query.where(cases.c.status.in_(ACTIVE_STATUSES))
        else:
            known = (*ACTIVE_STATUSES, CaseStatus.COMPLETED, CaseStatus.CANCELLED,
                     CaseStatus.SUSPENDED, CaseStatus.ERROR)
            if status not in known:
                raise InvalidInput(Text("未知状态 {status}，可选：active, {known}",
                                        "unknown status '{status}'; one of: active, {known}",
                                        status=status, known=", ".join(known)))
            query = query.where(cases.c.status == status)
    if process:
        query = query.where(cases.c.definition_key == process)
    if q:
        query = query.where(text_matches(q))
    return query


HISTORY_CASE_COLUMNS = (cases.c.id, cases.c.event_count, cases.c.head_hash, cases.c.head_seal, cases.c.seal_key_id,
                        cases.c.definition_key, cases.c.unit, cases.c.title, cases.c.status)
HISTORY_TASK_COLUMNS = (open_tasks.c.task_id, open_tasks.c.element_id, open_tasks.c.role, open_tasks.c.unit,
                        open_tasks.c.due_at, open_tasks.c.claimed_by, open_tasks.c.assignee)


def case_history(conn: sa.Connection, case_id: int) -> tuple[list[dict], audit.Verification]:
    """The case file and every check of it: chain, head and seal on the case row, the row and open tasks against
    the file (``audit.verify_case``)."""
    case = conn.execute(sa.select(*HISTORY_CASE_COLUMNS).where(cases.c.id == case_id)).mappings().first()
    if case is None:
        raise NotFound(Text("未找到事项 {ref}", "case {ref} not found", ref=case_id))
    rows = audit.history(conn, case_id)
    tasks = [dict(r) for r in conn.execute(sa.select(*HISTORY_TASK_COLUMNS).where(open_tasks.c.case_id == case_id)
                                           .order_by(open_tasks.c.task_id)).mappings()]
    return rows, audit.verify_case(rows, case, tasks)


def opened_steps(conn: sa.Connection, case_id: int) -> list[tuple[str | None, str | None]]:
    """``(role, form)`` of every step the case opened, from its ``task_opened`` events (who handles which form)."""
    rows = conn.execute(sa.select(case_events.c.data).where(case_events.c.case_id == case_id,
                                                            case_events.c.kind == EventKind.TASK_OPENED))
    return sorted({(row.data.get("role"), row.data.get("form")) for row in rows if isinstance(row.data, dict)},
                  key=lambda pair: (pair[0] or "", pair[1] or ""))


def task_row(conn: sa.Connection, task_id: str) -> dict | None:
    """An open task with its case's reference, title, status and version, or None."""
    row = conn.execute(
        sa.select(*TASK_COLUMNS, open_tasks.c.claimed_by, open_tasks.c.claimed_at, open_tasks.c.urged_at,
                  open_tasks.c.urge_count, cases.c.reference, cases.c.title, cases.c.summary,
                  cases.c.status, cases.c.definition_key, cases.c.definition_version_id)
        .join(cases, cases.c.id == open_tasks.c.case_id).where(open_tasks.c.task_id == str(task_id))).mappings().first()
    return dict(row) if row else None


_OPEN_TASK_CASE = (sa.select(open_tasks.c.case_id, open_tasks.c.assignee, cases.c.unit)
                   .join(cases, cases.c.id == open_tasks.c.case_id)
                   .where(open_tasks.c.task_id == sa.bindparam("b_task")))


def open_task_case(conn: sa.Connection, task_id: str) -> sa.Row | None:
    """An open task's case id, assignee and the case's unit (who may act on it), or None."""
    return conn.execute(_OPEN_TASK_CASE, {"b_task": str(task_id)}).first()


def case_of_task(conn: sa.Connection, task_id: str) -> int | None:
    """The case a task id belongs (or belonged) to, from the projection or the case file."""
    found = conn.execute(sa.select(open_tasks.c.case_id).where(open_tasks.c.task_id == str(task_id))).scalar()
    if found is None:
        found = conn.execute(sa.select(case_events.c.case_id).where(case_events.c.task_id == str(task_id))
                             .limit(1)).scalar()
    return found


_FIGURE_EVENTS = (sa.select(case_events.c.kind, case_events.c.data)
                  .where(case_events.c.case_id == sa.bindparam("b_case"),
                         case_events.c.kind.in_((EventKind.COMPUTED, EventKind.FLAG_CORRECTED,
                                                 EventKind.DEADLINE_APPROXIMATE, EventKind.DEADLINE_RECOMPUTED)))
                  .order_by(case_events.c.seq))


def key_figures(conn: sa.Connection, case_id: int) -> dict:
    """The latest value of everything the process computed (quorum, passed, deadlines, flags), with an
    administrator's correction of a flag in its place in the file."""
    figures: dict = {}
    approximate: set[str] = set()
    for row in conn.execute(_FIGURE_EVENTS, {"b_case": case_id}):
        if row.kind == EventKind.FLAG_CORRECTED:
            figures[row.data["flag"]] = row.data["value"]
        elif row.kind == EventKind.COMPUTED:
            figures.update(row.data)
            approximate -= set(row.data)
        elif row.kind == EventKind.DEADLINE_APPROXIMATE:
            approximate |= set(row.data)
        else:  # recomputed once the year's holidays were loaded: the new value, approximate only if still so
            figures[row.data["key"]] = row.data["value"]
            (approximate.add if row.data.get("note") else approximate.discard)(row.data["key"])
    if approximate:  # counted Monday to Friday: the year's holiday arrangement was not loaded yet
        figures["approximate_deadlines"] = sorted(approximate)
    return figures


# ----- what the web app reads besides: tasks I did, methods I may start, where cases wait -----------------------

def done_tasks(conn: sa.Connection, user_id: str, *, units: set[str] | None = None, limit: int = 50,
               offset: int = 0, method: str | None = None, unit: str | None = None,
               q: str | None = None) -> tuple[list[dict], int]:
    """The tasks ``user_id`` completed, newest first, from the case file (with what was submitted), and how many
    there are in all. ``units``: only cases of these units (None: every unit); ``method``, ``unit`` and ``q``
    narrow as in the other views."""
    where = [case_events.c.kind == EventKind.TASK_COMPLETED, case_events.c.actor == user_id]
    if units is not None:
        where.append(cases.c.unit.in_(sorted(units)))
    if method:
        where.append(cases.c.definition_key == method)
    if unit:
        where.append(cases.c.unit == unit)
    if q:
        where.append(text_matches(q))
    joined = case_events.join(cases, cases.c.id == case_events.c.case_id)
    total = conn.execute(sa.select(sa.func.count()).select_from(joined).where(*where)).scalar_one()
    rows = [dict(r) for r in conn.execute(
        sa.select(case_events.c.task_id, case_events.c.case_id, cases.c.reference, cases.c.title, cases.c.summary,
                  cases.c.definition_key, cases.c.definition_version_id, case_events.c.element_id,
                  cases.c.unit, case_events.c.at.label("completed_at"), case_events.c.data)
        .select_from(joined).where(*where)
        .order_by(case_events.c.at.desc(), case_events.c.id.desc()).limit(limit).offset(offset)).mappings()]
    opened = task_names(conn, [r["task_id"] for r in rows if r["task_id"]])
    for row in rows:
        event = row.pop("data") or {}
        row["role"] = event.get("role")
        row["data"] = event.get("data") or {}
        row["name"] = opened.get(row["task_id"])
    return rows, total


def task_names(conn: sa.Connection, task_ids: list[str]) -> dict[str, str]:
    """The names the case file recorded when these tasks opened (``task_opened``), by task id."""
    if not task_ids:
        return {}
    names = {}
    for row in conn.execute(sa.select(case_events.c.task_id, case_events.c.data)
                            .where(case_events.c.kind == EventKind.TASK_OPENED,
                                   case_events.c.task_id.in_(sorted(set(task_ids))))):
        if isinstance(row.data, dict) and row.data.get("name"):
            names[row.task_id] = row.data["name"]
    return names


def startable_definitions(conn: sa.Connection) -> list[dict]:
    """The newest version of every definition that declares who may start it (``startRoles``) or a start form;
    the shared call activities (votes, publication) declare neither."""
    dv = definition_versions
    newest = sa.select(dv.c.key, sa.func.max(dv.c.version).label("version")).group_by(dv.c.key).subquery()
    rows = conn.execute(sa.select(dv.c.id, dv.c.key, dv.c.version, dv.c.name, dv.c.start_roles, dv.c.start_form)
                        .join(newest, sa.and_(dv.c.key == newest.c.key, dv.c.version == newest.c.version))
                        .order_by(dv.c.key)).mappings()
    return [dict(r) for r in rows if r["start_roles"] or r["start_form"]]


def newest_version(conn: sa.Connection, key: str, *columns: sa.Column) -> dict:
    """The newest version of ``key`` (id, key, version, name, start roles and form, plus ``columns``)."""
    dv = definition_versions
    row = conn.execute(sa.select(dv.c.id, dv.c.key, dv.c.version, dv.c.name, dv.c.content_hash, dv.c.start_roles,
                                 dv.c.start_form, *columns)
                       .where(dv.c.key == key).order_by(dv.c.version.desc()).limit(1)).mappings().first()
    if row is None:
        raise NotFound(Text("没有已部署的流程定义 {key}", "no deployed definition '{key}'", key=key))
    return dict(row)


RUNNING_STATUSES = (*ACTIVE_STATUSES, CaseStatus.SUSPENDED, CaseStatus.ERROR)


def waiting_by_element(conn: sa.Connection, key: str, now: dt.datetime) -> list[dict]:
    """Open tasks of the running cases of method ``key`` (any version), counted per element:
    ``[{process, element_id, name, waiting, overdue}]``, the most crowded first."""
    late = sa.case((open_tasks.c.due_at < now, 1), else_=0)
    query = (sa.select(open_tasks.c.process_key.label("process"), open_tasks.c.element_id,
                       sa.func.min(open_tasks.c.name).label("name"), sa.func.count().label("waiting"),
                       sa.func.sum(late).label("overdue"))
             .join(cases, cases.c.id == open_tasks.c.case_id)
             .where(cases.c.definition_key == key, cases.c.status.in_(RUNNING_STATUSES))
             .group_by(open_tasks.c.process_key, open_tasks.c.element_id))
    rows = [{**r, "overdue": int(r["overdue"] or 0)} for r in conn.execute(query).mappings()]
    rows.sort(key=lambda r: (-r["waiting"], r["process"], r["element_id"]))
    return rows


def running_counts(conn: sa.Connection, key: str) -> dict[str, int]:
    """How many cases of method ``key`` are in each running status."""
    return {row.status: row.n for row in conn.execute(
        sa.select(cases.c.status, sa.func.count().label("n"))
        .where(cases.c.definition_key == key, cases.c.status.in_(RUNNING_STATUSES)).group_by(cases.c.status))}
