"""A unit's group webhooks: one group chat (WeCom or DingTalk robot, or any HTTP receiver) per role, told when
a step opens for that role there."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa

from engine.domain import clock
from engine.domain.texts import Text
from engine.errors import InvalidInput, NotFound
from engine.notify.webhooks import FORMATS
from engine.store.tables import group_webhooks, units

_COLUMNS = [c for c in group_webhooks.c if c.name != "secret"]


def add(conn: sa.Connection, unit: str, role: str, url: str, form: str, secret: str | None, by: str) -> dict:
    if conn.execute(sa.select(units.c.code).where(units.c.code == unit)).first() is None:
        raise NotFound(Text("未找到单位 {unit}", "unit {unit} not found", unit=unit))
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(Text("url：须为 http(s) 地址", "url: must be an http(s) address"))
    if form not in FORMATS:
        raise InvalidInput(Text("format：须为 {known} 之一", "format: must be one of {known}",
                                known=", ".join(FORMATS)))
    new_id = conn.execute(sa.insert(group_webhooks).values(
        unit=unit, role=role, url=url, format=form, secret=secret or None, active=True, created_by=by,
        created_at=clock.now())).inserted_primary_key[0]
    return one(conn, new_id)


def one(conn: sa.Connection, webhook_id: int) -> dict:
    row = conn.execute(sa.select(*_COLUMNS, group_webhooks.c.secret.is_not(None).label("signed"))
                       .where(group_webhooks.c.id == webhook_id)).mappings().first()
    if row is None:
        raise NotFound(Text("没有群通知地址 {id}", "no group webhook {id}", id=webhook_id))
    return dict(row)


def listing(conn: sa.Connection, unit: str | None = None) -> list[dict]:
    query = sa.select(*_COLUMNS, group_webhooks.c.secret.is_not(None).label("signed"))
    if unit:
        query = query.where(group_webhooks.c.unit == unit)
    return [dict(r) for r in conn.execute(query.order_by(group_webhooks.c.id)).mappings()]


def switch_off(conn: sa.Connection, webhook_id: int) -> dict:
    """Stop using a group webhook (kept, so its past deliveries still name it)."""
    one(conn, webhook_id)
    conn.execute(sa.update(group_webhooks).where(group_webhooks.c.id == webhook_id).values(active=False))
    return one(conn, webhook_id)
