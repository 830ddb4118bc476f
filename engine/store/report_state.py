"""What the stuck report reads, kept by the writers of a case in their own transaction.

Three pieces of state, each a function of the case row's status and the case file, so they can be checked against
them at any time (``differences``, which also checks what the report relies on: an open task's ``unit`` is its
case's):

- ``open_tasks.case_active``: whether the task's case is active (its status in ``ACTIVE_STATUSES``). Every open
  task row is written with it, and a write that moves the case in or out of the active statuses (suspend, resume,
  an error, a retry) sets it on the case's other rows. The inbox and the overdue tasks filter on it without joining
  the case.
- ``cases.error_cause``: the cause of the last ``case_error`` event (``unreadable_state`` or none), written with
  it by ``CaseUnit.save`` (never such a cause) and the timer's error path; the report tells unreadable cases from
  other errors without reading the file.
- ``completion_counts``: per case that has not ended (not completed or cancelled) and element, how many times
  its file says the element was passed (its ``task_completed`` events, where the members of one run of a
  multi-instance step — a 会签 of three completes the element three times — count once: every member's completion
  after the first carries ``same_pass``, engine.cases.multisign.pass_marks) and the last completion's instant. A
  completion adds to it; the end of a case removes its rows (the report looks at running cases only, so the table
  stays as small as the running cases).

Why this is right under concurrency: every caller has already written the case row in the same transaction (the
optimistic ``UPDATE … WHERE lock_version`` of ``CaseUnit.save``, or the status update of the timer's error path)
before it calls in here. On PostgreSQL that UPDATE holds the row lock until commit, and a concurrent writer of the
same case waits for it and then fails its own version check (``Conflict``, rolled back); on SQLite one writer
holds the database. So the writes of one case's report state are serialised by the case row, and commit or roll
back with the events and the status they are derived from. Different cases touch different rows: no shared
counter, nothing for concurrent writers to contend on.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from engine.domain.statuses import ACTIVE_STATUSES, SAME_PASS_KEY, CaseStatus, EventKind
from engine.store.tables import case_events, cases, completion_counts, open_tasks

ENDED = (CaseStatus.COMPLETED, CaseStatus.CANCELLED)  # no completions can follow; its counts are dropped

_SET_ACTIVE = sa.update(open_tasks).where(open_tasks.c.case_id == sa.bindparam("b_case"))
_DROP_COUNTS = sa.delete(completion_counts).where(completion_counts.c.case_id == sa.bindparam("b_case"))


def is_active(status: str | None) -> bool:
    return status in ACTIVE_STATUSES


@functools.cache
def _add_completions(dialect: str) -> sa.Insert:
    """``INSERT … ON CONFLICT DO UPDATE`` adding to a (case, element) count (both backends spell it alike)."""
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(completion_counts)
    new = insert.excluded
    return insert.on_conflict_do_update(
        index_elements=[completion_counts.c.case_id, completion_counts.c.element_id],
        set_={"completions": completion_counts.c.completions + new.completions,
              "last_at": sa.case((new.last_at > completion_counts.c.last_at, new.last_at),
                                 else_=completion_counts.c.last_at)})


def case_written(conn: sa.Connection, case_id: int, at: dt.datetime, events, before: str | None,
                 after: str) -> None:
    """Move the report state of a case written at ``at`` with ``events`` from status ``before`` (``None``: a new
    case) to ``after``; call it after the case row, its open tasks and its events are written."""
    if before is not None and is_active(before) != is_active(after):
        set_tasks_active(conn, case_id, is_active(after))
    if after in ENDED:
        if before not in ENDED:
            conn.execute(_DROP_COUNTS, {"b_case": case_id})
        return
    if before in ENDED:  # back from an end (no act does this today): count its whole file again
        recount(conn, case_id)
        return
    done = collections.Counter()
    for e in events:
        if e.kind == EventKind.TASK_COMPLETED and e.element_id is not None:
            done[e.element_id] += 0 if SAME_PASS_KEY in (e.data or {}) else 1  # a later member of one run: 0
    if done:  # a later member still moves last_at (the element was completed then)
        conn.execute(_add_completions(conn.dialect.name),
                     [{"case_id": case_id, "element_id": element, "completions": n, "last_at": at}
                      for element, n in done.items()])


def set_tasks_active(conn: sa.Connection, case_id: int, active: bool) -> None:
    """The case's status moved in or out of the active ones: say so on its open tasks."""
    conn.execute(_SET_ACTIVE, {"b_case": case_id, "case_active": active})


def case_ended(conn: sa.Connection, case_id: int) -> None:
    """The case ended by a path that does not go through ``case_written`` (an unreadable case cancelled)."""
    conn.execute(_DROP_COUNTS, {"b_case": case_id})


def _counted_from_file(case_ids=None) -> sa.Select:
    """The counts as the case file gives them, for every case that has not ended (or those of ``case_ids``)."""
    later_member = case_events.c.data[SAME_PASS_KEY].as_string()  # NULL unless a later member of a run
    passes = sa.func.count() - sa.func.count(later_member)
    query = (sa.select(case_events.c.case_id, case_events.c.element_id,
                       passes.label("completions"), sa.func.max(case_events.c.at).label("last_at"))
             .join(cases, cases.c.id == case_events.c.case_id)
             .where(case_events.c.kind == EventKind.TASK_COMPLETED, case_events.c.element_id.is_not(None),
                    cases.c.status.not_in(ENDED))
             .group_by(case_events.c.case_id, case_events.c.element_id))
    return query if case_ids is None else query.where(case_events.c.case_id.in_(case_ids))


def recount(conn: sa.Connection, case_id: int) -> None:
    """Count one case's completions again from its file."""
    conn.execute(_DROP_COUNTS, {"b_case": case_id})
    conn.execute(sa.insert(completion_counts).from_select(
        ["case_id", "element_id", "completions", "last_at"], _counted_from_file([case_id])))


def differences(conn: sa.Connection) -> list[str]:
    """Where the kept state differs from what the case rows and files say (empty: none). For tests and checks."""
    found = []
    for row in conn.execute(sa.select(open_tasks.c.task_id, open_tasks.c.case_active, open_tasks.c.unit,
                                      cases.c.status, cases.c.unit.label("case_unit"))
                            .join(cases, cases.c.id == open_tasks.c.case_id)):
        if bool(row.case_active) != is_active(row.status):
            found.append(f"open task {row.task_id}: case_active {row.case_active}, case status {row.status}")
        if row.unit != row.case_unit:  # the report scopes overdue tasks by the task's unit
            found.append(f"open task {row.task_id}: unit {row.unit}, case unit {row.case_unit}")
    causes: dict[int, str | None] = {}
    for row in conn.execute(sa.select(case_events.c.case_id, case_events.c.data)
                            .join(cases, cases.c.id == case_events.c.case_id)
                            .where(cases.c.status == CaseStatus.ERROR, case_events.c.kind == EventKind.CASE_ERROR)
                            .order_by(case_events.c.case_id, case_events.c.seq)):
        causes[row.case_id] = (row.data or {}).get("cause")  # the last one stays
    for row in conn.execute(sa.select(cases.c.id, cases.c.error_cause).where(cases.c.status == CaseStatus.ERROR)):
        if row.error_cause != causes.get(row.id):
            found.append(f"case {row.id}: error_cause {row.error_cause}, last case_error's {causes.get(row.id)}")
    kept = {(r.case_id, r.element_id): (r.completions, r.last_at)
            for r in conn.execute(sa.select(completion_counts))}
    counted = {(r.case_id, r.element_id): (r.completions, r.last_at)
               for r in conn.execute(_counted_from_file())}
    for key in sorted(kept.keys() | counted.keys()):
        if kept.get(key) != counted.get(key):
            found.append(f"completions of case {key[0]} element {key[1]}: kept {kept.get(key)}, "
                         f"file {counted.get(key)}")
    return found
