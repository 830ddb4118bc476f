"""The bell: a person's notifications in their language, the unread count, marking read; and the
administrators' view of deliveries (sent, waiting, failed and why)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from engine.domain.texts import DEFAULT_LANGUAGE
from engine.notify import messages
from engine.settings import settings
from engine.store.tables import cases, notifications, outbox


def unread(conn: sa.Connection, user_id: str) -> int:
    n = notifications
    return conn.execute(sa.select(sa.func.count()).select_from(n)
                        .where(n.c.user_id == user_id, n.c.read_at.is_(None))).scalar_one()


def latest_id(conn: sa.Connection, user_id: str) -> int:
    """The newest notification's id (0 for none): the live stream sends what is newer."""
    n = notifications
    return conn.execute(sa.select(sa.func.max(n.c.id)).where(n.c.user_id == user_id)).scalar() or 0


def listing(conn: sa.Connection, user_id: str, language: str = DEFAULT_LANGUAGE, *, limit: int = 50,
            offset: int = 0, unread_only: bool = False, after_id: int | None = None) -> list[dict]:
    """My notifications, newest first, each rendered in ``language`` with the link to open."""
    n = notifications
    query = sa.select(n).where(n.c.user_id == user_id)
    if unread_only:
        query = query.where(n.c.read_at.is_(None))
    if after_id is not None:
        query = query.where(n.c.id > after_id)
    rows = conn.execute(query.order_by(n.c.id.desc()).limit(limit).offset(offset)).all()
    base = settings().public_url
    found = []
    for row in rows:
        message = messages.render(row.kind, row.payload, language, base)
        facts = row.payload or {}
        found.append({"id": row.id, "kind": row.kind, "title": message.title, "lines": message.lines,
                      "path": _path(message.link, base), "case": facts.get("reference"),
                      "task_id": row.task_id, "created_at": row.created_at, "read_at": row.read_at})
    return found


def _path(link: str | None, base: str) -> str | None:
    """The link without the server's address: the web app navigates to it."""
    if link is None:
        return None
    return link[len(base.rstrip("/")):] if link.startswith(base.rstrip("/")) else link


def mark_read(conn: sa.Connection, user_id: str, ids: list[int] | None, now: dt.datetime) -> int:
    """Mark these notifications (``None``: all) of the user read; returns how many changed."""
    n = notifications
    query = sa.update(n).where(n.c.user_id == user_id, n.c.read_at.is_(None))
    if ids is not None:
        query = query.where(n.c.id.in_(ids or [-1]))
    return conn.execute(query.values(read_at=now)).rowcount


def deliveries(conn: sa.Connection, *, status: str | None = None, channel: str | None = None,
               limit: int = 50, offset: int = 0) -> list[dict]:
    """The outbox, newest first: who or which group, over what, its state, tries and last error."""
    o = outbox
    query = (sa.select(o.c.id, o.c.user_id, o.c.kind, o.c.channel, o.c.address, o.c.status, o.c.attempts,
                       o.c.next_attempt_at, o.c.last_error, o.c.created_at, o.c.sent_at, o.c.idempotency_key,
                       o.c.payload, cases.c.reference)
             .select_from(o.outerjoin(cases, cases.c.id == o.c.case_id)))
    if status:
        query = query.where(o.c.status == status)
    if channel:
        query = query.where(o.c.channel == channel)
    rows = conn.execute(query.order_by(o.c.id.desc()).limit(limit).offset(offset)).mappings().all()
    return [{**{k: v for k, v in row.items() if k != "payload"}, "case": row["reference"],
             "title": (row["payload"] or {}).get("title")} for row in rows]
