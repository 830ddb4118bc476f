"""The transactional outbox: notifications and one outbox row per message × channel, written in the caller's
transaction (the one writing the case event), then taken by the worker (``claim``) and settled (``settle``).

A row is ``pending`` until a channel takes it (``sent``) or it fails for good (``failed``, with the reason).
``claim`` leases due rows — ``attempts`` + 1 and ``next_attempt_at`` moved past the lease — under
``FOR UPDATE SKIP LOCKED`` on PostgreSQL, and commits before anything is sent, so no transaction stays open
during network calls and two workers never take the same row; a worker that dies mid-send leaves the row due
again when the lease ends. Receivers see the same ``idempotency_key`` on every try.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from engine.notify import messages, preferences
from engine.notify.channels import Delivery
from engine.notify.dingtalk import TODO_KINDS
from engine.settings import settings
from engine.store.tables import group_webhooks, notifications, outbox

LEASE = dt.timedelta(minutes=5)
MAX_BACKOFF = dt.timedelta(hours=6)
PENDING, SENT, FAILED = "pending", "sent", "failed"
GROUP_LANGUAGE = "zh-CN"  # a group chat reads Chinese


def personal_channels() -> set[str]:
    """The personal channels this server can deliver (by its settings)."""
    config = settings()
    found = set()
    if config.smtp_host:
        found.add("email")
    if config.sms_url:
        found.add("sms")
    if getattr(config, "wecom_corp_id", None):
        found.add("wecom")
    if getattr(config, "dingtalk_app_key", None):
        found.add("dingtalk")
    return found


def new_key() -> str:
    return f"yishi-{uuid.uuid4().hex}"


_INSERT_NOTIFICATION, _INSERT_OUTBOX = sa.insert(notifications), sa.insert(outbox)  # at most steps: built once


def record(conn: sa.Connection, case_id: int | None, notices: list, at: dt.datetime) -> int:
    """Write the notifications of ``notices`` and their outbox rows; returns how many notifications."""
    users = sorted({u for n in notices for u in n.users})
    prefs = preferences.of(conn, users)
    where = preferences.addresses(conn, users)
    available = personal_channels()
    base_url = settings().public_url
    written = 0
    for notice in notices:
        for user in dict.fromkeys(notice.users):
            facts = {**notice.facts}
            values = dict(user_id=user, kind=notice.kind, case_id=case_id, task_id=notice.task_id, payload=facts,
                          created_at=at, dedupe_key=f"{notice.dedupe}:{user}" if notice.dedupe else None)
            notification_id = conn.execute(_INSERT_NOTIFICATION, values).inserted_primary_key[0]
            written += 1
            mine = prefs[user]
            message = messages.render(notice.kind, facts, mine.language, base_url)
            for channel in mine.channels:
                address = where[user].get(channel)
                if channel == "dingtalk" and notice.kind not in TODO_KINDS:
                    continue  # DingTalk: to-dos only
                if channel in available and address:
                    conn.execute(_INSERT_OUTBOX, dict(
                        notification_id=notification_id, user_id=user, case_id=case_id, kind=notice.kind,
                        channel=channel, address=address, payload={**message.as_payload(), "facts": facts},
                        idempotency_key=new_key(), status=PENDING, attempts=0,
                        next_attempt_at=mine.release(at), created_at=at))
        if notice.group is not None:
            enqueue_groups(conn, case_id, notice, at, base_url)
    return written


_GROUP_TARGETS = sa.select(group_webhooks.c.id).where(  # looked up for each notice of a step: built once
    group_webhooks.c.unit == sa.bindparam("b_unit"), group_webhooks.c.role == sa.bindparam("b_role"),
    group_webhooks.c.active.is_(True))


def enqueue_groups(conn: sa.Connection, case_id: int | None, notice, at: dt.datetime, base_url: str) -> None:
    """One outbox row per active group webhook of the notice's (unit, role)."""
    unit, role = notice.group
    targets = conn.execute(_GROUP_TARGETS, {"b_unit": unit, "b_role": role}).scalars().all()
    if not targets:
        return
    message = messages.render(notice.kind, notice.facts, GROUP_LANGUAGE, base_url)
    for target in targets:
        conn.execute(sa.insert(outbox).values(
            notification_id=None, user_id=None, case_id=case_id, kind=notice.kind, channel="webhook",
            address=str(target), payload={**message.as_payload(), "facts": notice.facts},
            idempotency_key=new_key(), status=PENDING, attempts=0, next_attempt_at=at, created_at=at))


def claim(conn: sa.Connection, now: dt.datetime, limit: int = 50) -> list[Delivery]:
    """Lease up to ``limit`` due rows to this worker (call in a transaction of its own, committed before
    sending)."""
    query = (sa.select(outbox).where(outbox.c.status == PENDING, outbox.c.next_attempt_at <= now)
             .order_by(outbox.c.next_attempt_at, outbox.c.id).limit(limit))
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = conn.execute(query).all()
    taken = []
    for row in rows:
        # the WHERE repeats what was read: on SQLite (no row locks) a row another worker leased meanwhile is
        # skipped rather than sent twice
        leased = conn.execute(sa.update(outbox).where(
            outbox.c.id == row.id, outbox.c.status == PENDING, outbox.c.attempts == row.attempts)
            .values(attempts=row.attempts + 1, next_attempt_at=now + LEASE)).rowcount
        if leased == 1:
            taken.append(Delivery(row.id, row.channel, row.address, row.kind, row.payload, row.idempotency_key,
                                  row.attempts + 1, row.user_id))
    return taken


def backoff(attempts: int, base_seconds: float) -> dt.timedelta:
    """The wait after the ``attempts``-th failed try: base, 2 × base, 4 × base … at most six hours."""
    return min(dt.timedelta(seconds=base_seconds * 2 ** max(0, attempts - 1)), MAX_BACKOFF)


def settle(conn: sa.Connection, delivery: Delivery, now: dt.datetime, *, error: str | None = None,
           retry: bool = True, defer_until: dt.datetime | None = None) -> str:
    """Record the outcome of one try; returns the row's new status."""
    config = settings()
    values: dict
    if defer_until is not None:  # not tried (rate limit): the attempt does not count
        values = dict(attempts=delivery.attempts - 1, next_attempt_at=defer_until, last_error=error)
        status = PENDING
    elif error is None:
        values, status = dict(status=SENT, sent_at=now, last_error=None), SENT
    elif retry and delivery.attempts < config.notify_max_attempts:
        values = dict(next_attempt_at=now + backoff(delivery.attempts, config.notify_backoff_seconds),
                      last_error=error)
        status = PENDING
    else:
        values, status = dict(status=FAILED, last_error=error), FAILED
    if "status" not in values:
        values["status"] = status
    conn.execute(sa.update(outbox).where(outbox.c.id == delivery.id).values(**values))
    return status
