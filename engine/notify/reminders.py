"""Due-date reminders, found by the worker's periodic scan: "due soon" once a step is within its process's
reminder lead (process property ``reminderDays``, default 1), "overdue" once past its due date — each recorded
once per step, due date and person (``notifications.dedupe_key``), so rescanning never repeats one.

A step claimed by someone reminds only them; otherwise everyone holding its role in the unit.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from engine.domain.statuses import ACTIVE_STATUSES
from engine.notify import outbox, recipients
from engine.notify.messages import NoticeKind
from engine.notify.rules import Notice
from engine.store.tables import cases, definition_versions, notifications, open_tasks

DEFAULT_LEAD_DAYS = 1.0
LOOKAHEAD = dt.timedelta(days=60)  # the longest reminder lead honoured
LOOKBACK = dt.timedelta(days=30)  # steps overdue for longer were reminded then (or never will be)


def lead_of(settings: dict | None) -> dt.timedelta:
    try:
        days = float((settings or {}).get("reminderDays", DEFAULT_LEAD_DAYS))
    except (TypeError, ValueError):
        days = DEFAULT_LEAD_DAYS
    return min(dt.timedelta(days=max(days, 0)), LOOKAHEAD)


def scan(db: sa.Engine, now: dt.datetime) -> int:
    """Record the reminders due at ``now``; returns how many notifications were written."""
    t, c, dv = open_tasks, cases, definition_versions
    try:
        with db.begin() as conn:
            rows = conn.execute(
                sa.select(t.c.task_id, t.c.case_id, t.c.name, t.c.role, t.c.unit, t.c.due_at, t.c.claimed_by,
                          c.c.reference, c.c.title, dv.c.settings)
                .select_from(t.join(c, c.c.id == t.c.case_id).join(dv, dv.c.id == c.c.definition_version_id))
                .where(t.c.due_at.is_not(None), t.c.due_at <= now + LOOKAHEAD, t.c.due_at > now - LOOKBACK,
                       c.c.status.in_(ACTIVE_STATUSES))).all()
            planned: list[tuple[int, Notice]] = []
            for row in rows:
                if now >= row.due_at:
                    kind = NoticeKind.OVERDUE
                elif now >= row.due_at - lead_of(row.settings):
                    kind = NoticeKind.DUE_SOON
                else:
                    continue
                users = [row.claimed_by] if row.claimed_by else recipients.holders(conn, row.unit, row.role or "")
                facts = {"reference": row.reference, "title": row.title, "unit": row.unit, "step": row.name,
                         "role": row.role, "due_at": row.due_at.isoformat(), "task_id": row.task_id}
                planned.append((row.case_id, Notice(kind, users, facts, row.task_id,
                                                    dedupe=f"{kind}:{row.task_id}:{row.due_at.isoformat()}")))
            keys = [f"{n.dedupe}:{u}" for _, n in planned for u in n.users]
            known = set()
            for start in range(0, len(keys), 500):
                known |= set(conn.execute(sa.select(notifications.c.dedupe_key)
                                          .where(notifications.c.dedupe_key.in_(keys[start:start + 500]))).scalars())
            written = 0
            for case_id, notice in planned:
                notice.users = [u for u in notice.users if f"{notice.dedupe}:{u}" not in known]
                if notice.users:
                    written += outbox.record(conn, case_id, [notice], now)
            return written
    except IntegrityError:  # another worker recorded the same reminder meanwhile: the next scan sees it
        return 0
