"""Bulk import of people from a sheet: every row's outcome first (create / update / unchanged / error, with the
reason and row number), then — only when no row is an error — everything in one transaction.

A row is matched to its person by phone (the one thing a street office's sheet reliably has); a new person gets
the phone as user id and a one-time sign-in code (returned once, by the real run, to hand out). Roles are
written as the office writes them: Chinese names (网格管家), English names or codes, several separated by 、 or
commas. Nothing is ever removed by an import: a person's other memberships stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa

from engine.domain import roles as role_registry
from engine.domain.texts import Text
from engine.errors import YishiError
from engine.people import accounts, passwords, users
from engine.people import units as unit_tree
from engine.store.tables import users as users_table

SEPARATORS = re.compile(r"[、,，;；/]+")
NOT_GRANTABLE = {"designer", "system"}  # a flag and the engine, not roles held in a unit


def role_lookup(codes: set[str]) -> dict[str, str]:
    """Every way a sheet may write a grantable role (code, Chinese name, English name) → its code."""
    found = {}
    for code in (set(role_registry.ROLES) | codes) - NOT_GRANTABLE:
        name = role_registry.name_of(code)
        for spelling in (code, name.zh, name.en):
            found[spelling.strip().lower()] = code
    return found


def plan(conn: sa.Connection, rows: list[tuple[int, dict]], *, lookup: dict[str, str], scope: set[str] | None,
         may_edit: Callable[[str], bool]) -> list[dict]:
    """Each row's outcome, computed against the database and the rows above it; writes nothing."""
    planned: dict[str, dict] = {}  # phone → the person as the rows so far leave them
    outcomes = []
    for number, row in rows:
        try:
            outcomes.append(_plan_row(conn, number, row, planned, lookup, scope, may_edit))
        except YishiError as error:
            outcomes.append({"row": number, "outcome": "error", "name": row.get("name", ""),
                             "phone": row.get("phone", ""), "user": None, "unit": row.get("unit", ""),
                             "roles": [], "changes": [], "reason": error.text})
    return outcomes


def _refuse(zh: str, en: str, **values) -> YishiError:
    return YishiError(Text(zh, en, **values))


def _plan_row(conn, number, row, planned, lookup, scope, may_edit) -> dict:
    name = row["name"].strip()
    if not name or len(name) > 200:
        raise _refuse("姓名必填", "姓名 (name) is required")
    if not row["phone"].strip():
        raise _refuse("手机号必填", "手机号 (phone) is required")
    phone = users.normalise_phone(row["phone"])
    email = users.normalise_email(row.get("email"))
    unit = unit_tree.resolve(conn, row["unit"])
    if unit is None:
        raise _refuse("未知单位“{unit}”（填单位代码或全称）", "unknown unit '{unit}' (write its code or full name)",
                      unit=row["unit"])
    if scope is not None and unit not in scope:
        raise _refuse("单位“{unit}”不在您管理的范围内", "unit '{unit}' is outside the units you manage", unit=unit)
    written = [part.strip() for part in SEPARATORS.split(row["roles"]) if part.strip()]
    if not written:
        raise _refuse("角色必填", "角色 (roles) is required")
    unknown = [part for part in written if part.lower() not in lookup]
    if unknown:
        raise _refuse("未知角色：{roles}", "unknown roles: {roles}", roles="、".join(unknown))
    wanted = list(dict.fromkeys(lookup[part.lower()] for part in written))

    person = planned.get(phone)
    if person is None:
        ids = users.by_phone(conn, phone)
        if len(ids) > 1:
            raise _refuse("手机号 {phone} 属于多个用户（{users}），请在人员页面处理",
                          "phone {phone} belongs to several users ({users}): handle them on the people page",
                          phone=phone, users=", ".join(ids))
        if ids:
            found = users.get(conn, ids[0])
            person = {"user": ids[0], "new": False, "name": found["display_name"], "email": found["email"],
                      "held": {(m["unit"], m["role"]) for m in found["memberships"]}}
        else:
            if conn.execute(sa.select(users_table.c.id).where(users_table.c.id == phone)).first() is not None:
                raise _refuse("用户名 {phone} 已被另一个人使用", "user id {phone} is taken by someone else",
                              phone=phone)
            person = {"user": phone, "new": True, "name": name, "email": email, "held": set()}
    elif person["name"] != name and person["new"]:
        raise _refuse("手机号 {phone} 在上面的行里是“{other}”", "phone {phone} was '{other}' in a row above",
                      phone=phone, other=person["name"])
    changes = []
    if not person["new"]:
        if name != person["name"]:
            changes.append(f"姓名 {person['name']} → {name}")
        if email and email != person["email"]:
            changes.append(f"邮箱 {person['email'] or '—'} → {email}")
        if changes and not may_edit(person["user"]):
            raise _refuse("无权修改 {user} 的资料（其任职不全在您管理的范围内）", "you may not edit {user}: not all of "
                          "their memberships are in the units you manage", user=person["user"])
    added = [role for role in wanted if (unit, role) not in person["held"]]
    changes += [f"+ {role_registry.name_of(role).zh}@{unit}" for role in added]
    outcome = "create" if person["new"] and person.get("row") is None else "update" if changes else "unchanged"
    person.update(name=name, email=email or person["email"], held=person["held"] | {(unit, r) for r in wanted})
    person.setdefault("row", number)
    planned[phone] = person
    return {"row": number, "outcome": outcome, "name": name, "phone": phone, "user": person["user"], "unit": unit,
            "roles": wanted, "changes": changes, "reason": None, "email": email}


def apply(conn: sa.Connection, outcomes: list[dict], *, by: str, reason: str | None) -> dict[str, str]:
    """Write a plan without errors (the caller's transaction: all or nothing); the one-time codes of the people
    created, by user id."""
    codes = {}
    why = reason or "导入 import"
    for item in outcomes:
        if item["outcome"] == "unchanged":
            continue
        if item["outcome"] == "create":
            users.create(conn, item["user"], item["name"], phone=item["phone"], email=item["email"], by=by,
                         reason=why)
            codes[item["user"]] = passwords.issue_code(conn, item["user"], by=by, reason=why)[0]
        else:
            users.update(conn, item["user"], display_name=item["name"],
                         **({"email": item["email"]} if item["email"] else {}), by=by, reason=why)
        for role in item["roles"]:
            accounts.grant(conn, item["user"], item["unit"], role, by=by, reason=why)
    return codes
