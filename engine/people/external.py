"""WeCom and DingTalk accounts linked to Yishi users: one account per platform and user, linked by the user
(after signing in on the platform) or by an administrator; a linked account signs in without a password.

Every link and unlink is recorded in ``account_events``; signing in through a platform issues the same bearer
token a password login does (refused for an inactive user).
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa

from engine.domain import clock
from engine.domain.actors import Actor
from engine.domain.texts import Text
from engine.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from engine.people import accounts
from engine.store.tables import api_tokens, external_accounts, users

PLATFORMS = ("wecom", "dingtalk")
PLATFORM_NAMES = {"wecom": Text("企业微信", "WeCom"), "dingtalk": Text("钉钉", "DingTalk")}


def _check(platform: str) -> None:
    if platform not in PLATFORMS:
        raise InvalidInput(Text("platform：须为 {known} 之一", "platform: must be one of {known}",
                                known=", ".join(PLATFORMS)))


def links(conn: sa.Connection, user_id: str) -> list[dict]:
    ea = external_accounts
    return [dict(r) for r in conn.execute(sa.select(ea.c.platform, ea.c.external_id, ea.c.linked_by, ea.c.linked_at)
                                          .where(ea.c.user_id == user_id).order_by(ea.c.platform)).mappings()]


def link(conn: sa.Connection, platform: str, external_id: str, user_id: str, by: str) -> dict:
    """Link ``external_id`` on ``platform`` to ``user_id`` (replacing the user's earlier link there); an account
    already linked to someone else is a conflict."""
    _check(platform)
    if not external_id.strip():
        raise InvalidInput(Text("external_id：不能为空", "external_id: must not be empty"))
    if conn.execute(sa.select(users.c.id).where(users.c.id == user_id)).first() is None:
        raise NotFound(Text("未找到用户 {user}", "user {user} not found", user=user_id))
    ea = external_accounts
    owner = conn.execute(sa.select(ea.c.user_id).where(ea.c.platform == platform,
                                                      ea.c.external_id == external_id)).scalar()
    if owner is not None and owner != user_id:
        raise Conflict(Text("这个{platform}账号已关联到其他用户", "this {platform} account is linked to another user",
                            platform=PLATFORM_NAMES[platform]))
    conn.execute(sa.delete(ea).where(ea.c.platform == platform, ea.c.user_id == user_id))
    conn.execute(sa.insert(ea).values(platform=platform, external_id=external_id, user_id=user_id, linked_by=by,
                                      linked_at=clock.now()))
    accounts.record(conn, user_id, "external_linked", by, {"platform": platform, "external_id": external_id})
    return next(item for item in links(conn, user_id) if item["platform"] == platform)


def unlink(conn: sa.Connection, platform: str, user_id: str, by: str) -> bool:
    _check(platform)
    ea = external_accounts
    gone = conn.execute(sa.delete(ea).where(ea.c.platform == platform, ea.c.user_id == user_id)).rowcount
    if gone:
        accounts.record(conn, user_id, "external_unlinked", by, {"platform": platform})
    return bool(gone)


def sign_in(db: sa.Engine, platform: str, external_id: str) -> tuple[str, dt.datetime, Actor]:
    """A bearer token for the user linked to this platform account; ``Unauthenticated`` when none is (or the user
    is inactive)."""
    _check(platform)
    now = clock.now()
    with db.begin() as conn:
        ea = external_accounts
        user_id = conn.execute(sa.select(ea.c.user_id).join(users, users.c.id == ea.c.user_id).where(
            ea.c.platform == platform, ea.c.external_id == external_id, users.c.active.is_(True))).scalar()
        if user_id is None:
            raise Unauthenticated(Text("这个{platform}账号还没有关联议事账号：请用密码登录后在“设置”中关联，"
                                       "或请管理员关联",
                                       "this {platform} account is not linked to a Yishi account: sign in with your "
                                       "password and link it in Settings, or ask an administrator",
                                       platform=PLATFORM_NAMES[platform]))
        token = secrets.token_urlsafe(32)
        expires = now + accounts.TOKEN_LIFETIME
        conn.execute(sa.insert(api_tokens).values(token_hash=accounts._token_hash(token), user_id=user_id,
                                                  created_at=now, expires_at=expires, scope="full"))
        accounts.record(conn, user_id, "signed_in_with_platform", user_id, {"platform": platform})
        return token, expires, accounts.actor_of(conn, user_id)
