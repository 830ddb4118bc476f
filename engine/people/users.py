"""People as administrators manage them: create, edit, deactivate (never delete: case files keep naming them),
search, and each person's memberships and history. Every change is recorded in ``account_events`` with who made
it and why. Passwords and one-time codes are in ``passwords``; login and tokens in ``accounts``.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from engine.domain import clock, contacts
from engine.domain.texts import Text
from engine.errors import Conflict, FieldError, InvalidInput
from engine.people import accounts
from engine.store.tables import account_events, memberships, units, users

USER_ID = re.compile(contacts.USER_ID)
PHONE = re.compile(contacts.PHONE)
EMAIL = re.compile(contacts.EMAIL)
PUBLIC = (users.c.id, users.c.display_name, users.c.phone, users.c.email, users.c.active, users.c.is_admin,
          users.c.is_designer, users.c.must_change_password, users.c.created_at)


def invalid(field: str, text: Text) -> InvalidInput:
    """A 422 naming the field."""
    return InvalidInput(text, [FieldError(field, text)])


def normalise_phone(value: str | None) -> str | None:
    """Digits with an optional leading ``+`` (spaces, dashes and brackets dropped), or ``InvalidInput``."""
    if value is None:
        return None
    text = re.sub(r"[\s\-()（）]", "", str(value))
    if not text:
        return None
    if not PHONE.match(text):
        raise invalid("phone", Text("手机号 {phone} 格式不对（5 到 20 位数字）", "phone {phone} is not 5 to 20 "
                                    "digits", phone=value))
    return text


def normalise_email(value: str | None) -> str | None:
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if len(text) > 254 or not EMAIL.match(text):
        raise invalid("email", Text("电子邮箱 {email} 格式不对", "email {email} is not an address", email=value))
    return text


def _display_name(value: str | None) -> str:
    text = (value or "").strip()
    if not text or len(text) > 200:
        raise invalid("display_name", Text("姓名必填，最多 200 字", "a display name is required (at most 200 "
                                           "characters)"))
    return text


def create(conn: sa.Connection, user_id: str, display_name: str, *, phone: str | None = None,
           email: str | None = None, password: str | None = None, by: str, reason: str | None = None) -> dict:
    """A new active user. Without a password the account cannot sign in until an administrator issues a
    one-time code (``passwords.issue_code``). ``Conflict`` when the id is taken (deactivated users keep theirs)."""
    user_id = (user_id or "").strip()
    if not USER_ID.match(user_id):
        raise invalid("id", Text("用户名必填：字母、数字、汉字或 . _ @ + -，最多 100 个字符",
                                 "a user id is required: letters, digits, . _ @ + - (at most 100)"))
    values = {"display_name": _display_name(display_name), "phone": normalise_phone(phone),
              "email": normalise_email(email)}
    if conn.execute(sa.select(users.c.id).where(users.c.id == user_id)).first() is not None:
        raise Conflict(Text("用户名 {user} 已被使用", "user id {user} is taken", user=user_id))
    # an unusable hash until a password is set: argon2 never verifies against it
    password_hash = accounts.hash_password(password) if password else "!"
    conn.execute(sa.insert(users).values(id=user_id, password_hash=password_hash, is_admin=False, is_designer=False,
                                         active=True, created_at=clock.now(), must_change_password=False,
                                         **values))
    accounts.record(conn, user_id, "user_created", by, {**values, "reason": reason})
    return get(conn, user_id)


def update(conn: sa.Connection, user_id: str, *, display_name: str | None = None, phone=..., email=...,
           by: str, reason: str | None = None) -> dict:
    """Change a user's name, phone or email (``...``: unchanged; ``None``/"" clears phone or email). Recorded."""
    old = get(conn, user_id)
    wanted = {}
    if display_name is not None:
        wanted["display_name"] = _display_name(display_name)
    if phone is not ...:
        wanted["phone"] = normalise_phone(phone)
    if email is not ...:
        wanted["email"] = normalise_email(email)
    changes = {key: value for key, value in wanted.items() if value != old[key]}
    if changes:
        conn.execute(sa.update(users).where(users.c.id == user_id).values(**changes))
        accounts.record(conn, user_id, "user_changed", by,
                        {"changes": {key: [old[key], value] for key, value in changes.items()}, "reason": reason})
    return get(conn, user_id)


def set_active(conn: sa.Connection, user_id: str, active: bool, *, by: str, reason: str | None = None) -> dict:
    """Deactivate (signs the user out everywhere; memberships stay, unused) or reactivate. Recorded."""
    old = get(conn, user_id)
    if old["active"] != active:
        conn.execute(sa.update(users).where(users.c.id == user_id).values(active=active))
        revoked = accounts.revoke_tokens(conn, user_id)
        accounts.record(conn, user_id, "user_reactivated" if active else "user_deactivated", by,
                        {"reason": reason, "tokens_revoked": revoked})
    return get(conn, user_id)


def get(conn: sa.Connection, user_id: str) -> dict:
    accounts.user_row(conn, user_id)
    found = dict(conn.execute(sa.select(*PUBLIC).where(users.c.id == user_id)).mappings().first())
    found["memberships"] = memberships_of(conn, user_id)
    return found


def memberships_of(conn: sa.Connection, user_id: str) -> list[dict]:
    """Every membership as granted, with its dates and the unit's name (expired ones too)."""
    m = memberships
    rows = conn.execute(sa.select(m.c.unit, m.c.role, m.c.valid_from, m.c.valid_to, units.c.name.label("unit_name"))
                        .join(units, units.c.code == m.c.unit).where(m.c.user_id == user_id)
                        .order_by(m.c.unit, m.c.role)).mappings()
    return [dict(r) for r in rows]


def by_phone(conn: sa.Connection, phone: str) -> list[str]:
    """The ids of the users with this phone (a sheet row is matched to its person by phone)."""
    return list(conn.execute(sa.select(users.c.id).where(users.c.phone == phone).order_by(users.c.id)).scalars())


def search(conn: sa.Connection, *, text: str | None = None, within: set[str] | None = None,
           include_inactive: bool = True, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """Users whose id, name, phone or email contains ``text``; with ``within``, only those holding a membership
    in one of those units (a unit administrator's subtree). Newest first; ``(page, total)``."""
    query = sa.select(*PUBLIC)
    if text:
        like = f"%{text.strip()}%"
        query = query.where(sa.or_(users.c.id.ilike(like), users.c.display_name.ilike(like),
                                   users.c.phone.ilike(like), users.c.email.ilike(like)))
    if within is not None:
        query = query.where(users.c.id.in_(sa.select(memberships.c.user_id)
                                           .where(memberships.c.unit.in_(sorted(within)))))
    if not include_inactive:
        query = query.where(users.c.active.is_(True))
    total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    rows = [dict(r) for r in conn.execute(query.order_by(users.c.created_at.desc(), users.c.id)
                                          .limit(limit).offset(offset)).mappings()]
    return rows, total


def history(conn: sa.Connection, user_id: str) -> list[dict]:
    """What happened to the account, oldest first: creation, edits, memberships, passwords, lockouts."""
    e = account_events
    return [dict(r) for r in conn.execute(sa.select(e.c.at, e.c.kind, e.c.actor, e.c.data)
                                          .where(e.c.user_id == user_id).order_by(e.c.id)).mappings()]
