"""The people part of the service door (``Yishi.people``): administrators manage units, users and memberships,
each call scoped by the tree and recorded with who and why.

Who may do what: the global administrator flag, everything; a user holding ``administrator`` at a unit, that
unit and every unit below it (``Scope``): the units there, the memberships held there, and the people whose
memberships all lie there (never a global administrator or designer). Anything else is ``Forbidden`` with a
message naming the units the person does manage.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from engine.domain import clock, periods
from engine.domain import roles as role_registry
from engine.domain import units as unit_kinds
from engine.domain.actors import ADMIN_ROLE, Actor
from engine.domain.texts import DEFAULT_LANGUAGE, Text
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.people import accounts, demo, imports, passwords, sheets, users
from engine.people import units as unit_tree
from engine.store.tables import memberships, units


class Scope:
    """The units an administrator manages: ``None`` for the global administrator, else a set."""

    def __init__(self, actor: Actor):
        self.actor = actor
        self.units = None if actor.is_admin else {u for u, r in actor.memberships if r == ADMIN_ROLE}
        if self.units is not None and not self.units:
            raise Forbidden(Text("仅限管理员", "administrators only"))

    def _refuse(self) -> Forbidden:
        roots = sorted(u for u, r in self.actor.direct if r == ADMIN_ROLE)
        return Forbidden(Text("您只能管理{units}及其下级单位的人员和单位",
                              "you manage the people and units of {units} and below only", units="、".join(roots)))

    def unit(self, code: str) -> None:
        if self.units is not None and code not in self.units:
            raise self._refuse()

    def may_edit(self, conn: sa.Connection, user_id: str) -> bool:
        """Whether the person's account (name, phone, password, active) is this administrator's to change."""
        if self.units is None:
            return True
        row = accounts.user_row(conn, user_id)
        held = {m["unit"] for m in users.memberships_of(conn, user_id)}
        return not (row.is_admin or row.is_designer) and bool(held) and held <= self.units

    def user(self, conn: sa.Connection, user_id: str) -> None:
        if not self.may_edit(conn, user_id):
            raise self._refuse()

    def sees(self, conn: sa.Connection, user_id: str) -> None:
        """Reading a person: anyone holding a membership in the scope."""
        if self.units is not None and not ({m["unit"] for m in users.memberships_of(conn, user_id)} & self.units):
            raise NotFound(Text("未找到用户 {user}", "user {user} not found", user=user_id))


class PeopleAdmin:
    def __init__(self, db: sa.Engine):
        self.db = db

    # ----- people ---------------------------------------------------------------------------------------------

    def list_users(self, actor: Actor, *, text: str | None = None, include_inactive: bool = True,
                   limit: int = 50, offset: int = 0, language: str = DEFAULT_LANGUAGE) -> tuple[list[dict], int]:
        scope = Scope(actor)
        with self.db.connect() as conn:
            rows, total = users.search(conn, text=text, within=scope.units, include_inactive=include_inactive,
                                       limit=limit, offset=offset)
            held = self._memberships(conn, [r["id"] for r in rows], language)
        for row in rows:
            row["memberships"] = held.get(row["id"], [])
        return rows, total

    def user(self, actor: Actor, user_id: str, language: str = DEFAULT_LANGUAGE) -> dict:
        scope = Scope(actor)
        with self.db.connect() as conn:
            scope.sees(conn, user_id)
            found = users.get(conn, user_id)
            found["memberships"] = self._memberships(conn, [user_id], language).get(user_id, [])
            found["history"] = users.history(conn, user_id)
            found["manageable"] = scope.may_edit(conn, user_id)
        return found

    def create_user(self, actor: Actor, user_id: str, display_name: str, *, phone: str | None = None,
                    email: str | None = None, grants: list[dict] = (), reason: str | None = None,
                    language: str = DEFAULT_LANGUAGE) -> tuple[dict, str, dt.datetime]:
        """A new person with their first memberships and a one-time sign-in code (returned once)."""
        scope = Scope(actor)
        if scope.units is not None and not grants:
            raise InvalidInput(Text("请至少给新用户一个您管理范围内的任职", "give the new user at least one membership "
                                    "in the units you manage"))
        for grant in grants:
            scope.unit(grant["unit"])
        with self.db.begin() as conn:
            users.create(conn, user_id, display_name, phone=phone, email=email, by=actor.user_id, reason=reason)
            for grant in grants:
                self._grant(conn, user_id, grant, actor.user_id, reason)
            code, expires = passwords.issue_code(conn, user_id, by=actor.user_id, reason=reason)
        return self.user(actor, user_id, language), code, expires

    def update_user(self, actor: Actor, user_id: str, *, reason: str | None = None,
                    language: str = DEFAULT_LANGUAGE, **changes) -> dict:
        scope = Scope(actor)
        with self.db.begin() as conn:
            scope.user(conn, user_id)
            users.update(conn, user_id, by=actor.user_id, reason=reason, **changes)
        return self.user(actor, user_id, language)

    def set_active(self, actor: Actor, user_id: str, active: bool, *, reason: str | None = None,
                   language: str = DEFAULT_LANGUAGE) -> dict:
        scope = Scope(actor)
        if user_id == actor.user_id and not active:
            raise Forbidden(Text("不能停用自己的账户", "you cannot deactivate your own account"))
        with self.db.begin() as conn:
            scope.user(conn, user_id)
            users.set_active(conn, user_id, active, by=actor.user_id, reason=reason)
        return self.user(actor, user_id, language)

    def reset_code(self, actor: Actor, user_id: str, *, reason: str | None = None) -> tuple[str, dt.datetime]:
        scope = Scope(actor)
        with self.db.begin() as conn:
            scope.user(conn, user_id)
            return passwords.issue_code(conn, user_id, by=actor.user_id, reason=reason)

    # ----- memberships ----------------------------------------------------------------------------------------

    def grant(self, actor: Actor, user_id: str, grant: dict, *, reason: str | None = None,
              language: str = DEFAULT_LANGUAGE) -> dict:
        """Give (or re-date) a membership in a unit the administrator manages; the person may be anyone."""
        scope = Scope(actor)
        scope.unit(grant["unit"])
        with self.db.begin() as conn:
            accounts.user_row(conn, user_id)
            self._grant(conn, user_id, grant, actor.user_id, reason)
        return self.user(actor, user_id, language)

    def revoke(self, actor: Actor, user_id: str, unit: str, role: str, *, reason: str | None = None,
               language: str = DEFAULT_LANGUAGE) -> dict:
        scope = Scope(actor)
        scope.unit(unit)
        with self.db.begin() as conn:
            accounts.user_row(conn, user_id)
            if not accounts.revoke(conn, user_id, unit, role, by=actor.user_id, reason=reason):
                raise NotFound(Text("{user} 在{unit}没有{role}任职", "{user} holds no {role} membership in {unit}",
                                    user=user_id, unit=unit, role=role_registry.name_of(role)))
        with self.db.connect() as conn:
            if scope.units is not None and not ({m["unit"] for m in users.memberships_of(conn, user_id)}
                                                & scope.units):
                return {**users.get(conn, user_id), "memberships": [], "history": [], "manageable": False}
        return self.user(actor, user_id, language)

    def _grant(self, conn: sa.Connection, user_id: str, grant: dict, by: str, reason: str | None) -> None:
        unit_tree.row(conn, grant["unit"])  # NotFound
        if grant["role"] not in self.grantable_roles(conn):
            raise NotFound(Text("没有角色 {role}", "no role {role}", role=grant["role"]))
        accounts.grant(conn, user_id, grant["unit"], grant["role"], by=by, valid_from=grant.get("valid_from"),
                       valid_to=grant.get("valid_to"), reason=reason)

    @staticmethod
    def grantable_roles(conn: sa.Connection) -> set[str]:
        return (set(role_registry.ROLES) | demo.deployed_roles(conn)) - imports.NOT_GRANTABLE

    def _memberships(self, conn: sa.Connection, user_ids: list[str], language: str) -> dict[str, list[dict]]:
        """Each user's memberships as granted, with names, dates and whether they hold today."""
        if not user_ids:
            return {}
        today = periods.to_local_date(clock.now())
        m = memberships
        found: dict[str, list[dict]] = {}
        for r in conn.execute(sa.select(m, units.c.name.label("unit_name")).join(units, units.c.code == m.c.unit)
                              .where(m.c.user_id.in_(user_ids)).order_by(m.c.unit, m.c.role)).mappings():
            found.setdefault(r["user_id"], []).append({
                "unit": r["unit"], "unit_name": r["unit_name"], "role": r["role"],
                "role_name": role_registry.name_of(r["role"]).render(language), "valid_from": r["valid_from"],
                "valid_to": r["valid_to"],
                "current": (r["valid_from"] is None or r["valid_from"] <= today)
                and (r["valid_to"] is None or r["valid_to"] >= today)})
        return found

    # ----- units ----------------------------------------------------------------------------------------------

    def unit_list(self, actor: Actor, language: str = DEFAULT_LANGUAGE) -> dict:
        """The units the administrator manages (all for the global one), with kinds named, and the kinds a new
        unit may have."""
        scope = Scope(actor)
        with self.db.connect() as conn:
            rows = unit_tree.listing(conn, scope.units)
        for row in rows:
            row["kind_name"] = unit_kinds.kind_name(row["kind"]).render(language)
        return {"units": rows, "kinds": [{"code": k, "name": unit_kinds.kind_name(k).render(language)}
                                         for k in unit_tree.kinds()]}

    def unit_entry(self, code: str, language: str = DEFAULT_LANGUAGE) -> dict:
        """One unit with its kind named (after the caller's scoped write)."""
        with self.db.connect() as conn:
            row = unit_tree.row(conn, code)
        return {**row, "kind_name": unit_kinds.kind_name(row["kind"]).render(language)}

    def create_unit(self, actor: Actor, code: str, kind: str, name: str, parent: str | None, *,
                    reason: str | None = None) -> dict:
        scope = Scope(actor)
        if scope.units is not None:
            if parent is None:
                raise scope._refuse()
            scope.unit(parent)
        with self.db.begin() as conn:
            return unit_tree.create(conn, code, kind, name, parent, by=actor.user_id, reason=reason)

    def update_unit(self, actor: Actor, code: str, *, reason: str | None = None, **changes) -> dict:
        scope = Scope(actor)
        scope.unit(code)
        if "parent" in changes:
            if changes["parent"] is None and scope.units is not None:
                raise scope._refuse()
            if changes["parent"] is not None:
                scope.unit(changes["parent"])
        with self.db.begin() as conn:
            return unit_tree.update(conn, code, by=actor.user_id, reason=reason, **changes)

    def unit_history(self, actor: Actor, code: str) -> list[dict]:
        Scope(actor).unit(code)
        with self.db.connect() as conn:
            unit_tree.row(conn, code)
            return unit_tree.events(conn, code)

    # ----- the sheet ------------------------------------------------------------------------------------------

    def import_sheet(self, actor: Actor, content: str, *, apply: bool, reason: str | None = None,
                     language: str = DEFAULT_LANGUAGE) -> dict:
        """Every row's outcome; with ``apply`` and no error row, everything written in one transaction (with the
        one-time codes of the people created). With an error row nothing is written."""
        scope = Scope(actor)
        rows = sheets.read(sheets.decode(content))
        with self.db.begin() as conn:
            lookup = imports.role_lookup(demo.deployed_roles(conn))
            outcomes = imports.plan(conn, rows, lookup=lookup, scope=scope.units,
                                    may_edit=lambda user_id: scope.may_edit(conn, user_id))
            errors = sum(1 for o in outcomes if o["outcome"] == "error")
            codes = imports.apply(conn, outcomes, by=actor.user_id, reason=reason) if apply and not errors else {}
        counts = {kind: sum(1 for o in outcomes if o["outcome"] == kind)
                  for kind in ("create", "update", "unchanged", "error")}
        for item in outcomes:
            item["reason"] = item["reason"].render(language) if isinstance(item["reason"], Text) else item["reason"]
            item["role_names"] = [role_registry.name_of(r).render(language) for r in item["roles"]]
            item["one_time_code"] = codes.get(item["user"]) if item["outcome"] == "create" else None
        return {"applied": bool(apply and not errors), "counts": counts, "rows": outcomes}
