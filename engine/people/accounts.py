"""Accounts: units, users with (unit, role) memberships, passwords (argon2) and bearer tokens.

Tokens are random 256-bit strings handed out once at login; only their SHA-256 is stored, so a
leaked database does not leak usable tokens. Passwords are hashed with argon2id.

Under attack (issue 10):
- failed logins are counted in the database (``login_attempts``, so every worker sees them) per user id as typed
  and per client address; past ``YISHI_LOGIN_FREE_FAILURES`` each further attempt must wait 1, 2, 4 … seconds
  (capped) and is refused with ``TooManyAttempts`` before any hashing; ``YISHI_LOGIN_LOCKOUT_FAILURES`` in a
  row lock the user until ``unlock`` (both recorded in ``account_events``). An attempt is counted as a failure
  *before* its password is checked and forgiven when it was right, so concurrent guesses cannot slip past the
  count; the password is checked outside any transaction (argon2 takes tens of milliseconds);
- at most ``YISHI_PASSWORD_HASH_CONCURRENCY`` argon2 hashes run at once (64 MiB each): a flood queues;
- every change of a user's memberships or administrator/designer flags revokes the user's tokens.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import hmac
import math
import secrets
import threading

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.dialects import postgresql, sqlite

from engine.domain import clock, periods
from engine.domain import roles as role_registry
from engine.domain.actors import Actor
from engine.domain.texts import Text
from engine.errors import InvalidInput, NotFound, TooManyAttempts, Unauthenticated
from engine.people import units as unit_tree
from engine.settings import settings
from engine.store.tables import account_events, api_tokens, login_attempts, memberships, units, users

TOKEN_LIFETIME = dt.timedelta(hours=12)
WRONG_LOGIN = Text("用户名或密码错误", "wrong user name or password")  # the same for an unknown user
FAILURE_MEMORY = dt.timedelta(hours=24)  # a failure count restarts after a day without failures (not a lockout)
FORGIVE_EVERY = dt.timedelta(hours=1)  # and loses one failure per quiet hour before that


@functools.cache
def _hasher() -> PasswordHasher:
    """argon2id with the library's recommended cost; ``YISHI_PASSWORD_COST=test`` makes the test suite fast."""
    if settings().password_cost == "test":
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


@functools.cache
def _hash_slots() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(settings().password_hash_concurrency)


def hash_password(password: str) -> str:
    with _hash_slots():
        return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches the hash (bounded like ``hash_password``)."""
    return _verify(password_hash, password)


def _verify(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches; at most ``password_hash_concurrency`` of these (and ``hash_password``) run
    at once."""
    with _hash_slots():
        try:
            return _hasher().verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


@functools.cache
def _dummy_hash() -> str:
    return hash_password("yishi-timing-equaliser")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def ensure_user(conn: sa.Connection, user_id: str, password: str, *, display_name: str | None = None,
                roles: list[tuple[str, str]] = (), admin: bool = False, designer: bool = False) -> None:
    """Create the user if missing and add the memberships and flags it lacks (idempotent, for demo data and setup).

    Adding anything to an existing user is a privilege change: its tokens are revoked (and it is recorded)."""
    if not user_id or not password:
        raise InvalidInput(Text("用户名和密码必填", "user id and password are required"))
    row = conn.execute(sa.select(users).where(users.c.id == user_id)).first()
    if row is None:
        conn.execute(sa.insert(users).values(
            id=user_id, display_name=display_name or user_id, password_hash=hash_password(password),
            is_admin=admin, is_designer=designer, active=True, created_at=clock.now()))
    elif (admin and not row.is_admin) or (designer and not row.is_designer):
        set_flags(conn, user_id, admin=admin or None, designer=designer or None)
    have = {(r.unit, r.role) for r in conn.execute(sa.select(memberships).where(memberships.c.user_id == user_id))}
    for unit, role in roles:
        if (unit, role) not in have and row is not None:
            grant(conn, user_id, unit, role)
        elif (unit, role) not in have:  # a new user: nothing to revoke, nothing to record
            if conn.execute(sa.select(units.c.code).where(units.c.code == unit)).first() is None:
                raise InvalidInput(Text("未知单位 {unit}", "unknown unit '{unit}'", unit=unit))
            conn.execute(sa.insert(memberships).values(user_id=user_id, unit=unit, role=role))


def grant(conn: sa.Connection, user_id: str, unit: str, role: str, *, by: str = "system",
          valid_from: dt.date | None = None, valid_to: dt.date | None = None, reason: str | None = None) -> bool:
    """Give ``user_id`` the role in the unit from ``valid_from`` to ``valid_to`` (Beijing dates, inclusive; none:
    open-ended), or change the dates of the membership it has. A change revokes the user's tokens and is recorded
    with who and why. False when nothing changed."""
    if conn.execute(sa.select(units.c.code).where(units.c.code == unit)).first() is None:
        raise InvalidInput(Text("未知单位 {unit}", "unknown unit '{unit}'", unit=unit))
    if not role or len(role) > 200:
        raise InvalidInput(Text("角色必填", "a role is required"))
    if valid_from and valid_to and valid_to < valid_from:
        raise InvalidInput(Text("任职截止日期不能早于起始日期", "valid_to must not be before valid_from"))
    user_row(conn, user_id)
    key = (memberships.c.user_id == user_id, memberships.c.unit == unit, memberships.c.role == role)
    had = conn.execute(sa.select(memberships.c.valid_from, memberships.c.valid_to).where(*key)).first()
    period = {"valid_from": valid_from.isoformat() if valid_from else None,
              "valid_to": valid_to.isoformat() if valid_to else None}
    if had is None:
        conn.execute(sa.insert(memberships).values(user_id=user_id, unit=unit, role=role, valid_from=valid_from,
                                                   valid_to=valid_to))
        _privileges_changed(conn, user_id, by, {"granted": {"unit": unit, "role": role, **period}, "reason": reason})
        return True
    if (had.valid_from, had.valid_to) == (valid_from, valid_to):
        return False
    conn.execute(sa.update(memberships).where(*key).values(valid_from=valid_from, valid_to=valid_to))
    _privileges_changed(conn, user_id, by, {"period_changed": {
        "unit": unit, "role": role, **period, "was": [d.isoformat() if d else None for d in had]}, "reason": reason})
    return True


def revoke(conn: sa.Connection, user_id: str, unit: str, role: str, *, by: str = "system",
           reason: str | None = None) -> bool:
    """Take the role in the unit from ``user_id``; a change revokes the user's tokens and is recorded with who and
    why. False when it had none. Tasks the user claimed stay claimed until an administrator reassigns them."""
    done = conn.execute(sa.delete(memberships).where(
        memberships.c.user_id == user_id, memberships.c.unit == unit, memberships.c.role == role)).rowcount
    if done:
        _privileges_changed(conn, user_id, by, {"revoked": {"unit": unit, "role": role}, "reason": reason})
    return bool(done)


def set_flags(conn: sa.Connection, user_id: str, *, admin: bool | None = None, designer: bool | None = None,
              by: str = "system") -> bool:
    """Set the administrator and/or designer flag (``None``: unchanged); a change revokes the user's tokens."""
    row = user_row(conn, user_id)
    changes = {name: value for name, value, old in (("is_admin", admin, row.is_admin),
                                                     ("is_designer", designer, row.is_designer))
               if value is not None and bool(value) != bool(old)}
    if not changes:
        return False
    conn.execute(sa.update(users).where(users.c.id == user_id).values(**changes))
    _privileges_changed(conn, user_id, by, {"flags": changes})
    return True


def revoke_tokens(conn: sa.Connection, user_id: str) -> int:
    """End every session of ``user_id``; the number of tokens revoked."""
    return conn.execute(sa.delete(api_tokens).where(api_tokens.c.user_id == user_id)).rowcount


def user_row(conn: sa.Connection, user_id: str):
    row = conn.execute(sa.select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise NotFound(Text("未找到用户 {user}", "user {user} not found", user=user_id))
    return row


def _privileges_changed(conn: sa.Connection, user_id: str, by: str, change: dict) -> None:
    revoked = revoke_tokens(conn, user_id)
    record(conn, user_id, "privileges_changed", by, {**change, "tokens_revoked": revoked})


def record(conn: sa.Connection, user_id: str, kind: str, actor: str, data: dict) -> None:
    conn.execute(sa.insert(account_events).values(at=clock.now(), user_id=user_id, kind=kind, actor=actor,
                                                  data=data))


def actor_of(conn: sa.Connection, user_id: str) -> Actor:
    """The user as an ``Actor``: the memberships valid today (Beijing date), each covering role (``roles.COVERING``)
    spread to every unit below its unit, so the inbox, case visibility, the stuck report and statistics follow
    the tree without knowing it. One query, plus one recursive query when a covering role is held."""
    rows = conn.execute(_ACTOR_OF, {"b_user": user_id, "b_today": periods.to_local_date(clock.now())}).all()
    if not rows or not rows[0].active:
        raise NotFound(Text("未找到用户 {user}", "user {user} not found", user=user_id))
    return _actor(conn, rows)


def _valid_memberships(today) -> sa.ColumnElement:
    m = memberships
    return sa.and_(m.c.user_id == users.c.id, sa.or_(m.c.valid_from.is_(None), m.c.valid_from <= today),
                   sa.or_(m.c.valid_to.is_(None), m.c.valid_to >= today))


# the user and the memberships valid today in one statement (a row per membership; one with no unit when none);
# for a bearer token, the token row too — the token is checked on every request, so one round trip, not three
_ACTOR_OF = (sa.select(users.c.id, users.c.active, users.c.is_admin, users.c.is_designer,
                       memberships.c.unit, memberships.c.role)
             .select_from(users.outerjoin(memberships, _valid_memberships(sa.bindparam("b_today"))))
             .where(users.c.id == sa.bindparam("b_user")))
_ACTOR_OF_TOKEN = (sa.select(api_tokens.c.expires_at, api_tokens.c.scope, users.c.id, users.c.active,
                             users.c.is_admin, users.c.is_designer, memberships.c.unit, memberships.c.role)
                   .select_from(api_tokens.join(users, users.c.id == api_tokens.c.user_id)
                                .outerjoin(memberships, _valid_memberships(sa.bindparam("b_today"))))
                   .where(api_tokens.c.token_hash == sa.bindparam("b_hash")))


def _actor(conn: sa.Connection, rows) -> Actor:
    """The ``Actor`` of rows of ``_ACTOR_OF`` (or ``_ACTOR_OF_TOKEN``) for one user."""
    row = rows[0]
    held = frozenset((r.unit, r.role) for r in rows if r.unit is not None)
    covering = {(unit, role) for unit, role in held if role_registry.covers_descendants(role)}
    if not covering:
        return Actor(row.id, held, is_admin=row.is_admin, is_designer=row.is_designer)
    spread = set(held)
    for role in {role for _, role in covering}:
        spread |= {(unit, role) for unit in unit_tree.subtree(conn, {u for u, r in covering if r == role})}
    return Actor(row.id, frozenset(spread), is_admin=row.is_admin, is_designer=row.is_designer, granted=held)


def login(db: sa.Engine, user_id: str, password: str, address: str | None = None) -> tuple[str, dt.datetime, Actor]:
    """Check the password and issue a bearer token; the same message for a wrong user or password.

    Throttled per user and per client ``address`` (see the module's docstring); ``TooManyAttempts`` when this
    attempt must wait or the user is locked. Three short transactions: admit (count the attempt as a failure),
    check the password outside any, then forgive the attempt and issue the token (or lock the user)."""
    now = clock.now()
    with db.begin() as conn:
        row, address_before = _admit(conn, user_id, address, now)
    right = _verify(row.password_hash if row is not None else _dummy_hash(), password)
    by_code = (not right and row is not None and row.reset_code_hash is not None
               and row.reset_code_expires_at is not None and row.reset_code_expires_at > now
               and hmac.compare_digest(row.reset_code_hash, code_hash(password)))
    if not ((right or by_code) and row is not None and row.active):
        _failed(db, user_id, address, now)
        raise Unauthenticated(WRONG_LOGIN)
    scope = "password" if by_code or row.must_change_password else "full"
    with db.begin() as conn:
        forgiven = conn.execute(sa.delete(login_attempts).where(
            login_attempts.c.scope == "user", login_attempts.c.subject == user_id[:200],
            login_attempts.c.locked_at.is_(None))).rowcount
        if not forgiven and getattr(_attempts(conn, "user", user_id[:200], lock=False), "locked_at", None):
            raise _locked()  # locked by concurrent wrong guesses while this password was checked
        if address:  # forgive this attempt: the count and (unless a later failure moved it) the instant it had
            conn.execute(sa.update(login_attempts).where(
                login_attempts.c.scope == "address", login_attempts.c.subject == address[:200],
                login_attempts.c.failures > 0).values(
                failures=login_attempts.c.failures - 1,
                last_failure_at=sa.case((login_attempts.c.last_failure_at == now, address_before),
                                        else_=login_attempts.c.last_failure_at)))
        if by_code:  # used up: the token it gives allows only setting a new password
            if not conn.execute(sa.update(users).where(users.c.id == row.id,
                                                       users.c.reset_code_hash == row.reset_code_hash).values(
                    reset_code_hash=None, reset_code_expires_at=None, must_change_password=True)).rowcount:
                raise Unauthenticated(WRONG_LOGIN)  # a concurrent sign-in used the code first
            record(conn, row.id, "signed_in_with_code", row.id, {"address": address})
        return issue_token(conn, row.id, scope)


def issue_token(conn: sa.Connection, user_id: str, scope: str = "full") -> tuple[str, dt.datetime, Actor]:
    """A new bearer token for the user (``scope="password"``: it only allows setting a new password)."""
    token, now = secrets.token_urlsafe(32), clock.now()
    expires = now + TOKEN_LIFETIME
    conn.execute(sa.insert(api_tokens).values(token_hash=_token_hash(token), user_id=user_id, created_at=now,
                                              expires_at=expires, scope=scope))
    return token, expires, _scoped(actor_of(conn, user_id), scope)


def code_hash(typed: str) -> str:
    """What is stored of a one-time code: SHA-256 like a token's (60 random bits that expire within days need no
    slow hash, and a sheet of 500 people then imports in moments rather than 500 argon2 runs)."""
    return _token_hash(normalise_code(typed))


def normalise_code(typed: str) -> str:
    """A one-time code as stored: letters upper-cased, dashes and spaces dropped (``k7p2-m9qx`` = ``K7P2M9QX``)."""
    return "".join(ch for ch in typed.upper() if ch.isascii() and ch.isalnum())


def _scoped(actor: Actor, scope: str) -> Actor:
    return dataclasses.replace(actor, must_change_password=True) if scope == "password" else actor


def _subjects(user_id: str, address: str | None) -> list[tuple[str, str, int]]:
    """(scope, subject, free failures) of one login attempt."""
    config = settings()
    found = [("user", user_id[:200], config.login_free_failures)]
    if address:
        found.append(("address", address[:200], config.login_address_free_failures))
    return found


def _recent_failures(attempts, now: dt.datetime) -> int:
    if attempts.last_failure_at is None or now - attempts.last_failure_at >= FAILURE_MEMORY:
        return 0
    return max(0, attempts.failures - (now - attempts.last_failure_at) // FORGIVE_EVERY)


def _admit(conn: sa.Connection, user_id: str, address: str | None, now: dt.datetime):
    """Refuse the attempt (locked, or too soon after the last failure), else count it as a failure; the user row
    and the address's previous last failure (restored when the password was right).

    The rows are created first and then read ``FOR UPDATE`` (on SQLite the first write takes the database's
    write lock), so concurrent attempts are admitted one after the other and each sees the others' count."""
    subjects = _subjects(user_id, address)
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    for scope, subject, _ in subjects:
        conn.execute(insert(login_attempts).values(scope=scope, subject=subject, failures=0).on_conflict_do_nothing())
    config = settings()
    counts, address_before = [], None
    for scope, subject, free in subjects:
        attempts = _attempts(conn, scope, subject, lock=True)
        if scope == "user" and attempts.locked_at is not None:
            raise _locked()
        failures = _recent_failures(attempts, now)
        if failures >= free:
            wait = min(2 ** min(failures - free, 32), config.login_max_delay_seconds)
            ready = attempts.last_failure_at + dt.timedelta(seconds=wait)
            if now < ready:
                seconds = max(1, math.ceil((ready - now).total_seconds()))
                raise TooManyAttempts(Text("登录失败次数过多，请 {seconds} 秒后再试",
                                           "too many failed logins: try again in {seconds} s", seconds=seconds),
                                      retry_after=seconds)
        counts.append((scope, subject, failures + 1))
        if scope == "address":
            address_before = attempts.last_failure_at if failures else None
    for scope, subject, failures in counts:  # counted as failed until the password proves right
        conn.execute(sa.update(login_attempts).where(
            login_attempts.c.scope == scope, login_attempts.c.subject == subject).values(
            failures=failures, last_failure_at=now))
    return conn.execute(sa.select(users).where(users.c.id == user_id)).first(), address_before


def _attempts(conn: sa.Connection, scope: str, subject: str, *, lock: bool):
    query = sa.select(login_attempts).where(login_attempts.c.scope == scope, login_attempts.c.subject == subject)
    return conn.execute(query.with_for_update() if lock else query).first()


def _failed(db: sa.Engine, user_id: str, address: str | None, now: dt.datetime) -> None:
    """The attempt was already counted; lock the user when this was one failure too many (recorded)."""
    limit = settings().login_lockout_failures
    if not limit:
        return
    with db.begin() as conn:
        locked = conn.execute(sa.update(login_attempts).where(
            login_attempts.c.scope == "user", login_attempts.c.subject == user_id[:200],
            login_attempts.c.failures >= limit, login_attempts.c.locked_at.is_(None)).values(locked_at=now)).rowcount
        if locked:
            record(conn, user_id[:200], "locked", "system", {"failures": limit, "address": address})


def _locked() -> TooManyAttempts:
    return TooManyAttempts(Text("登录失败次数过多，账户已锁定，请联系管理员解锁",
                                "too many failed logins: the account is locked until an administrator unlocks it"),
                           locked=True)


def unlock(conn: sa.Connection, user_id: str, by: str) -> bool:
    """Lift a lockout and clear the user's failure count (recorded); whether the user was locked."""
    attempts = _attempts(conn, "user", user_id, lock=True)
    if attempts is None and conn.execute(sa.select(users.c.id).where(users.c.id == user_id)).first() is None:
        raise NotFound(Text("未找到用户 {user}", "user {user} not found", user=user_id))
    was_locked = attempts is not None and attempts.locked_at is not None
    conn.execute(sa.delete(login_attempts).where(login_attempts.c.scope == "user",
                                                 login_attempts.c.subject == user_id))
    record(conn, user_id, "unlocked", by, {"was_locked": was_locked,
                                            "failures": attempts.failures if attempts is not None else 0})
    return was_locked


def authenticate(conn: sa.Connection, token: str) -> Actor:
    """The actor behind a bearer token, or ``Unauthenticated``."""
    if not token:
        raise Unauthenticated(Text("请先登录（POST /api/auth/login），再带上令牌访问",
                                    "a bearer token is required: POST /api/auth/login first"))
    now = clock.now()
    rows = conn.execute(_ACTOR_OF_TOKEN, {"b_hash": _token_hash(token),
                                          "b_today": periods.to_local_date(now)}).all()
    if not rows or rows[0].expires_at <= now:
        raise Unauthenticated(Text("登录已失效，请重新登录", "the token is unknown or expired: log in again"))
    if not rows[0].active:
        raise NotFound(Text("未找到用户 {user}", "user {user} not found", user=rows[0].id))
    return _scoped(_actor(conn, rows), rows[0].scope)


def logout(conn: sa.Connection, token: str) -> None:
    conn.execute(sa.delete(api_tokens).where(api_tokens.c.token_hash == _token_hash(token)))

