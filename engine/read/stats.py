"""Statistics for the street (街道统计): what a street or community office reports upward, over a period.

Everything is counted from the case file (``case_events``) and the projections, never from workflow state:

- **started**: cases whose ``case_started`` instant (``cases.created_at``) falls in the period;
- **finished**: ``case_completed`` events in the period, also counted per end event reached; **cancelled** alike;
- **tasks completed / with a due date / late**: ``task_completed`` events in the period; the due date is the one in
  force at completion (the task's ``task_opened`` due date, or its latest ``task_due_changed``); late means
  completed after it; the **overdue rate** is late ÷ with a due date;
- **open overdue**: open tasks of running cases whose due date has passed, at the instant of the request (a
  snapshot, not bounded by the period), beside the open tasks that have a due date;
- **stages**: a method's steps are its user tasks (``element_id``, in called processes too); a stage's duration is
  from its ``task_opened`` to its ``task_completed`` event, in days, for tasks completed in the period; the median
  is the middle value (the mean of the two middle ones for an even count), per method over the whole scope;
- **days to finish**: from ``case_started`` to ``case_completed`` for cases finished in the period (median).

Counts are gathered per (unit, method) and summed up the unit tree by the caller, so a street's figures include its
communities'; medians are not additive and are computed over the scope directly.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable

import sqlalchemy as sa

from engine.domain.statuses import ACTIVE_STATUSES, EventKind
from engine.read.monitor import scoped
from engine.store.tables import case_events, cases, open_tasks, units

COUNTS = ("started", "finished", "cancelled", "tasks_completed", "tasks_with_due", "tasks_late",
          "open_tasks_with_due", "open_overdue")


def _days_between(conn: sa.Connection, earlier, later):
    """``later − earlier`` in days (fractional) for instants as stored or as ISO text (a JSON due date)."""
    if conn.dialect.name == "postgresql":
        return sa.extract("epoch", sa.cast(later, sa.DateTime(timezone=True))
                          - sa.cast(earlier, sa.DateTime(timezone=True))) / 86400.0
    return sa.func.julianday(later) - sa.func.julianday(earlier)


def counts(conn: sa.Connection, start: dt.datetime, end: dt.datetime, now: dt.datetime, *,
           units: set[str] | None, method: str | None) -> tuple[dict[tuple[str, str], dict], list[dict]]:
    """Additive figures per (unit, method) for ``[start, end)``, and finished cases per (unit, method, end event).

    Returns ``({(unit, method): {started, finished, …}}, [{unit, method, end_event, count}])``."""
    found: dict[tuple[str, str], dict] = {}

    def add(unit: str, method_key: str, name: str, value) -> None:
        row = found.setdefault((unit, method_key), dict.fromkeys(COUNTS, 0))
        row[name] += int(value or 0)

    key = (cases.c.unit, cases.c.definition_key)
    started = scoped(sa.select(*key, sa.func.count()).where(cases.c.created_at >= start, cases.c.created_at < end)
                     .group_by(*key), units, method)
    for unit, method_key, n in conn.execute(started):
        add(unit, method_key, "started", n)

    ends: list[dict] = []
    closing = (sa.select(*key, case_events.c.kind, case_events.c.element_id, sa.func.count())
               .select_from(case_events.join(cases, cases.c.id == case_events.c.case_id))
               .where(case_events.c.kind.in_((EventKind.CASE_COMPLETED, EventKind.CASE_CANCELLED)),
                      case_events.c.at >= start, case_events.c.at < end)
               .group_by(*key, case_events.c.kind, case_events.c.element_id))
    for unit, method_key, kind, element, n in conn.execute(scoped(closing, units, method)):
        if kind == EventKind.CASE_COMPLETED:
            add(unit, method_key, "finished", n)
            ends.append({"unit": unit, "method": method_key, "end_event": element, "count": int(n)})
        else:
            add(unit, method_key, "cancelled", n)

    facts = task_facts(conn, start, end, units=units, method=method).subquery()
    late = sa.case((facts.c.late_days > 0, 1), else_=0)
    with_due = sa.case((facts.c.late_days.is_not(None), 1), else_=0)
    for unit, method_key, done, due, n_late in conn.execute(
            sa.select(facts.c.unit, facts.c.method, sa.func.count(), sa.func.sum(with_due), sa.func.sum(late))
            .group_by(facts.c.unit, facts.c.method)):
        add(unit, method_key, "tasks_completed", done)
        add(unit, method_key, "tasks_with_due", due)
        add(unit, method_key, "tasks_late", n_late)

    overdue = sa.case((open_tasks.c.due_at < now, 1), else_=0)
    waiting = (sa.select(*key, sa.func.count(open_tasks.c.due_at), sa.func.sum(overdue))
               .select_from(open_tasks.join(cases, cases.c.id == open_tasks.c.case_id))
               .where(cases.c.status.in_(ACTIVE_STATUSES), open_tasks.c.due_at.is_not(None))
               .group_by(*key))
    for unit, method_key, n_due, n_overdue in conn.execute(scoped(waiting, units, method)):
        add(unit, method_key, "open_tasks_with_due", n_due)
        add(unit, method_key, "open_overdue", n_overdue)
    return found, ends


def task_facts(conn: sa.Connection, start: dt.datetime, end: dt.datetime, *, units: set[str] | None,
               method: str | None) -> sa.Select:
    """One row per task completed in ``[start, end)``: unit, method, element, name, the opening's place in the
    case file (``opened_seq``), ``days`` from opening to completion and ``late_days`` past the due date in force
    at completion (None without one; > 0 when late)."""
    done = case_events.alias("done")
    opened = case_events.alias("opened")
    changed = case_events.alias("changed")
    latest_change = (sa.select(case_events.c.case_id, case_events.c.task_id,
                               sa.func.max(case_events.c.seq).label("seq"))
                     .where(case_events.c.kind == EventKind.TASK_DUE_CHANGED)
                     .group_by(case_events.c.case_id, case_events.c.task_id).subquery("latest_change"))
    due = sa.func.coalesce(changed.c.data["due_at"].as_string(), opened.c.data["due_at"].as_string())
    query = (sa.select(cases.c.unit, cases.c.definition_key.label("method"), done.c.element_id,
                       opened.c.data["name"].as_string().label("name"), opened.c.seq.label("opened_seq"),
                       _days_between(conn, opened.c.at, done.c.at).label("days"),
                       _days_between(conn, due, done.c.at).label("late_days"))
             .select_from(
                 done.join(cases, cases.c.id == done.c.case_id)
                 .join(opened, sa.and_(opened.c.task_id == done.c.task_id, opened.c.case_id == done.c.case_id,
                                       opened.c.kind == EventKind.TASK_OPENED))
                 .outerjoin(latest_change, sa.and_(latest_change.c.task_id == done.c.task_id,
                                                   latest_change.c.case_id == done.c.case_id,
                                                   latest_change.c.seq < done.c.seq))
                 .outerjoin(changed, sa.and_(changed.c.case_id == latest_change.c.case_id,
                                             changed.c.seq == latest_change.c.seq)))
             .where(done.c.kind == EventKind.TASK_COMPLETED, done.c.at >= start, done.c.at < end))
    return scoped(query, units, method)


def _median(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(statistics.median(values), 2) if values else None


def stages(conn: sa.Connection, start: dt.datetime, end: dt.datetime, *, units: set[str] | None,
           method: str | None) -> list[dict]:
    """Per (method, step): tasks completed in the period, median days open, with a due date, late; steps in the
    order they usually open in a case (mean position in the case file)."""
    facts = task_facts(conn, start, end, units=units, method=method).subquery()
    late = sa.case((facts.c.late_days > 0, 1), else_=0)
    with_due = sa.case((facts.c.late_days.is_not(None), 1), else_=0)
    group = (facts.c.method, facts.c.element_id)
    columns = [*group, sa.func.min(facts.c.name).label("name"), sa.func.count().label("completed"),
               sa.func.sum(with_due).label("tasks_with_due"), sa.func.sum(late).label("tasks_late"),
               sa.func.avg(facts.c.opened_seq).label("order")]
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        columns.append(sa.func.percentile_cont(0.5).within_group(facts.c.days).label("median_days"))
    rows = [dict(r) for r in conn.execute(sa.select(*columns).group_by(*group)).mappings()]
    if not postgres:  # SQLite has no percentile: the same median, computed here
        durations: dict[tuple, list[float]] = {}
        for row in conn.execute(sa.select(facts.c.method, facts.c.element_id, facts.c.days)):
            durations.setdefault((row.method, row.element_id), []).append(row.days)
        for row in rows:
            row["median_days"] = durations.get((row["method"], row["element_id"]))
    for row in rows:
        median = row["median_days"]
        row["median_days"] = _median(median) if isinstance(median, list) else (
            round(float(median), 2) if median is not None else None)
        row["tasks_with_due"] = int(row["tasks_with_due"] or 0)
        row["tasks_late"] = int(row["tasks_late"] or 0)
        row["order"] = float(row["order"] or 0)
    rows.sort(key=lambda r: (r["method"], r["order"], r["element_id"]))
    return rows


def days_to_finish(conn: sa.Connection, start: dt.datetime, end: dt.datetime, *, units: set[str] | None,
                   method: str | None) -> dict[str, float | None]:
    """Median days from start to completion of the cases finished in the period, per method."""
    days = _days_between(conn, cases.c.created_at, case_events.c.at)
    query = scoped(sa.select(cases.c.definition_key, days.label("days"))
                   .select_from(case_events.join(cases, cases.c.id == case_events.c.case_id))
                   .where(case_events.c.kind == EventKind.CASE_COMPLETED, case_events.c.at >= start,
                          case_events.c.at < end), units, method)
    if conn.dialect.name == "postgresql":
        sub = query.subquery()
        return {key: round(float(m), 2) if m is not None else None for key, m in conn.execute(
            sa.select(sub.c.definition_key, sa.func.percentile_cont(0.5).within_group(sub.c.days))
            .group_by(sub.c.definition_key))}
    found: dict[str, list[float]] = {}
    for key, value in conn.execute(query):
        found.setdefault(key, []).append(value)
    return {key: _median(values) for key, values in found.items()}


# ----- the unit tree and the report ------------------------------------------------------------------------------

def unit_tree(conn: sa.Connection) -> dict[str, dict]:
    """Every unit: ``{code: {code, name, kind, parent}}`` (``parent`` None for a root)."""
    return {r.code: {"code": r.code, "name": r.name, "kind": r.kind, "parent": r.parent} for r in conn.execute(
        sa.select(units.c.code, units.c.name, units.c.kind, units.c.parent))}


def _descendants(tree: dict[str, dict], root: str) -> set[str]:
    children: dict[str, list[str]] = {}
    for code, node in tree.items():
        children.setdefault(node["parent"], []).append(code)
    found, todo = set(), [root]
    while todo:
        code = todo.pop()
        if code not in found:
            found.add(code)
            todo.extend(children.get(code, ()))
    return found


def _zero() -> dict:
    return dict.fromkeys(COUNTS, 0)


def _add(total: dict, row: dict) -> None:
    for name in COUNTS:
        total[name] += row[name]


def report(conn: sa.Connection, start: dt.datetime, end: dt.datetime, now: dt.datetime, *,
           visible: set[str] | None, unit: str | None, method: str | None) -> dict:
    """The whole report for the units ``visible`` to the reader (None: all), narrowed to ``unit`` and the units
    below it, and to ``method``:

    ``{totals, units: [{code, name, kind, parent, depth, figures, ends}], methods: [{method, figures, ends,
    median_days_to_finish, stages}]}`` where ``figures`` are the additive counts (a unit's include the units
    below it) and ``ends`` the finished cases per (method, end event)."""
    tree = unit_tree(conn)
    scope = visible
    if unit is not None:
        scope = _descendants(tree, unit) if scope is None else _descendants(tree, unit) & scope
    per_pair, ends = counts(conn, start, end, now, units=scope, method=method)
    present = set(scope) if scope is not None else set(tree)
    present |= {u for u, _ in per_pair}  # cases of a unit code that has no row of its own
    nodes = {code: tree.get(code) or {"code": code, "name": code, "kind": None, "parent": None} for code in present}
    parent_of = {code: (n["parent"] if n["parent"] in present else None) for code, n in nodes.items()}

    own: dict[str, dict] = {code: _zero() for code in present}
    own_ends: dict[str, dict[tuple[str, str], int]] = {code: {} for code in present}
    for (code, _), row in per_pair.items():
        _add(own[code], row)
    for end_row in ends:
        bucket = own_ends[end_row["unit"]]
        key = (end_row["method"], end_row["end_event"])
        bucket[key] = bucket.get(key, 0) + end_row["count"]

    children: dict[str | None, list[str]] = {}
    for code in sorted(present):
        children.setdefault(parent_of[code], []).append(code)
    listed: list[dict] = []

    def visit(code: str, depth: int) -> tuple[dict, dict]:
        figures, finished = dict(own[code]), dict(own_ends[code])
        entry = {**nodes[code], "parent": parent_of[code], "depth": depth}
        listed.append(entry)
        for child in children.get(code, ()):
            below, below_ends = visit(child, depth + 1)
            _add(figures, below)
            for key, n in below_ends.items():
                finished[key] = finished.get(key, 0) + n
        entry["figures"] = figures
        entry["ends"] = finished
        return figures, finished

    totals, total_ends = _zero(), {}
    for root in children.get(None, ()):
        figures, finished = visit(root, 0)
        _add(totals, figures)
        for key, n in finished.items():
            total_ends[key] = total_ends.get(key, 0) + n

    by_method: dict[str, dict] = {}
    for (_, key), row in per_pair.items():
        _add(by_method.setdefault(key, _zero()), row)
    to_finish = days_to_finish(conn, start, end, units=scope, method=method)
    steps = stages(conn, start, end, units=scope, method=method)
    methods = [{"method": key, "figures": figures,
                "ends": {k: n for k, n in total_ends.items() if k[0] == key},
                "median_days_to_finish": to_finish.get(key),
                "stages": [s for s in steps if s["method"] == key]} for key, figures in sorted(by_method.items())]
    return {"totals": totals, "ends": total_ends, "units": listed, "methods": methods}
