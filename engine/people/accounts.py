"""Accounts: units, users with (unit, role) memberships, passwords (argon2) and bearer tokens.

Tokens are random 256-bit strings handed out once at login; only their SHA-256 is stored, so a
leaked database does not leak usable tokens. Passwords are hashed with argon2id.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from engine.domain import clock
from engine.domain.actors import Actor
from engine.domain.texts import Text
from engine.errors import InvalidInput, NotFound, Unauthenticated
from engine.settings import settings
from engine.store.tables import api_tokens, memberships, units, users

TOKEN_LIFETIME = dt.timedelta(hours=12)
UNIT_KINDS = ("community", "building")
WRONG_LOGIN = Text("用户名或密码错误", "wrong user name or password")  # the same for an unknown user


@functools.cache
def _hasher() -> PasswordHasher:
    """argon2id with the library's recommended cost; ``YISHI_PASSWORD_COST=test`` makes the test suite fast."""
    if settings().password_cost == "test":
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    return _hasher().hash("yishi-timing-equaliser")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def ensure_unit(conn: sa.Connection, code: str, kind: str, name: str | None = None) -> None:
    if kind not in UNIT_KINDS:
        raise InvalidInput(Text("单位类型只能是：{kinds}", "unit kind must be one of {kinds}",
                                kinds=", ".join(UNIT_KINDS)))
    if conn.execute(sa.select(units.c.code).where(units.c.code == code)).first() is None:
        conn.execute(sa.insert(units).values(code=code, kind=kind, name=name or code))


def ensure_user(conn: sa.Connection, user_id: str, password: str, *, display_name: str | None = None,
                roles: list[tuple[str, str]] = (), admin: bool = False, designer: bool = False) -> None:
    """Create the user if missing and add the memberships it lacks (idempotent, for demo data and setup)."""
    if not user_id or not password:
        raise InvalidInput(Text("用户名和密码必填", "user id and password are required"))
    if conn.execute(sa.select(users.c.id).where(users.c.id == user_id)).first() is None:
        conn.execute(sa.insert(users).values(
            id=user_id, display_name=display_name or user_id, password_hash=_hasher().hash(password),
            is_admin=admin, is_designer=designer, active=True, created_at=clock.now()))
    have = {(r.unit, r.role) for r in conn.execute(sa.select(memberships).where(memberships.c.user_id == user_id))}
    for unit, role in roles:
        if (unit, role) not in have:
            if conn.execute(sa.select(units.c.code).where(units.c.code == unit)).first() is None:
                raise InvalidInput(Text("未知单位 {unit}", "unknown unit '{unit}'", unit=unit))
            conn.execute(sa.insert(memberships).values(user_id=user_id, unit=unit, role=role))


def actor_of(conn: sa.Connection, user_id: str) -> Actor:
    row = conn.execute(sa.select(users).where(users.c.id == user_id)).first()
    if row is None or not row.active:
        raise NotFound(Text("未找到用户 {user}", "user {user} not found", user=user_id))
    pairs = frozenset((r.unit, r.role) for r in conn.execute(
        sa.select(memberships.c.unit, memberships.c.role).where(memberships.c.user_id == user_id)))
    return Actor(row.id, pairs, is_admin=row.is_admin, is_designer=row.is_designer)


def login(conn: sa.Connection, user_id: str, password: str) -> tuple[str, dt.datetime]:
    """Check the password and issue a bearer token; the same message for a wrong user or password."""
    row = conn.execute(sa.select(users).where(users.c.id == user_id)).first()
    try:
        _hasher().verify(row.password_hash if row is not None else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        raise Unauthenticated(WRONG_LOGIN) from None
    if row is None or not row.active:
        raise Unauthenticated(WRONG_LOGIN)
    token = secrets.token_urlsafe(32)
    now = clock.now()
    expires = now + TOKEN_LIFETIME
    conn.execute(sa.insert(api_tokens).values(token_hash=_token_hash(token), user_id=row.id, created_at=now,
                                              expires_at=expires))
    return token, expires


def authenticate(conn: sa.Connection, token: str) -> Actor:
    """The actor behind a bearer token, or ``Unauthenticated``."""
    if not token:
        raise Unauthenticated(Text("请先登录（POST /api/auth/login），再带上令牌访问",
                                    "a bearer token is required: POST /api/auth/login first"))
    row = conn.execute(sa.select(api_tokens).where(api_tokens.c.token_hash == _token_hash(token))).first()
    if row is None or row.expires_at <= clock.now():
        raise Unauthenticated(Text("登录已失效，请重新登录", "the token is unknown or expired: log in again"))
    return actor_of(conn, row.user_id)


def logout(conn: sa.Connection, token: str) -> None:
    conn.execute(sa.delete(api_tokens).where(api_tokens.c.token_hash == _token_hash(token)))



def list_units(conn: sa.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.select(units).order_by(units.c.code)).mappings()]
