"""Passwords a person sets and one-time sign-in codes an administrator issues.

A person changes their own password with the old one. An administrator who cannot tell anyone a password issues
a one-time code instead: shown once, stored only as its SHA-256 (``accounts.code_hash``), valid
``YISHI_RESET_CODE_HOURS``; signing in with it (``accounts.login``) uses it up and gives a token that only allows
setting a new password (``must_change_password``), which ``change_own`` then clears.
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa

from engine.domain import clock
from engine.domain.texts import Text
from engine.errors import Conflict, FieldError, InvalidInput
from engine.people import accounts
from engine.settings import settings
from engine.store.tables import users

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or copied from paper
CODE_LENGTH = 12  # 60 bits


def check_policy(password: str, field: str = "new_password") -> None:
    """At least ``YISHI_PASSWORD_MIN_LENGTH`` characters, at most 200, not only spaces."""
    shortest = settings().password_min_length
    if not isinstance(password, str) or len(password) < shortest or len(password) > 200 or not password.strip():
        text = Text("新密码至少 {n} 个字符（最多 200）", "the new password needs at least {n} characters (at most 200)",
                    n=shortest)
        raise InvalidInput(text, [FieldError(field, text)])


def new_code() -> str:
    """``XXXX-XXXX-XXXX`` from an alphabet without look-alike characters."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def issue_code(conn: sa.Connection, user_id: str, *, by: str, reason: str | None = None) -> tuple[str, dt.datetime]:
    """A new one-time code for the user (replacing any earlier one); returned once, stored hashed. Recorded."""
    row = accounts.user_row(conn, user_id)
    if not row.active:
        raise Conflict(Text("用户 {user} 已停用，请先启用", "user {user} is deactivated: reactivate it first",
                                user=user_id))
    code = new_code()
    expires = clock.now() + dt.timedelta(hours=settings().reset_code_hours)
    conn.execute(sa.update(users).where(users.c.id == user_id).values(
        reset_code_hash=accounts.code_hash(code), reset_code_expires_at=expires))
    accounts.record(conn, user_id, "reset_code_issued", by, {"expires_at": expires.isoformat(), "reason": reason})
    return code, expires


def change_own(db: sa.Engine, user_id: str, old_password: str | None, new_password: str, *,
               forced: bool) -> None:
    """Set a new password: with the old one, or without it right after signing in with a one-time code
    (``forced``: the token allows nothing else). Every session of the user ends (the caller issues a new one)."""
    check_policy(new_password)
    with db.connect() as conn:
        row = accounts.user_row(conn, user_id)
    if not forced and not (old_password and accounts.verify_password(row.password_hash, old_password)):
        text = Text("原密码不对", "the old password is wrong")
        raise InvalidInput(text, [FieldError("old_password", text)])
    if old_password == new_password or (forced and accounts.verify_password(row.password_hash, new_password)):
        text = Text("新密码不能与原密码相同", "the new password must differ from the old one")
        raise InvalidInput(text, [FieldError("new_password", text)])
    new_hash = accounts.hash_password(new_password)
    with db.begin() as conn:
        conn.execute(sa.update(users).where(users.c.id == user_id).values(
            password_hash=new_hash, must_change_password=False, reset_code_hash=None, reset_code_expires_at=None))
        revoked = accounts.revoke_tokens(conn, user_id)
        accounts.record(conn, user_id, "password_changed", user_id, {"after_code": forced, "tokens_revoked": revoked})
